//! Jerks: brief, shock-like head excursions (≈ 50–300 ms; clinical.md: movement jerks
//! ≈ 100–250 ms, myoclonic EMG bursts 10–100 ms).
//!
//! Streaming detector on the angular speed |dθ/dt| (deg/s, the three clinical axes):
//! - trigger when the speed exceeds max(40 °/s, 3.5 × the running RMS speed of the last few
//!   seconds). The adaptive part keeps an ongoing tremor (whose speed is steady) from
//!   triggering: a sinusoid's peak speed is only √2 × its RMS;
//! - the event runs from the last sample below a low level before it to the last sample above
//!   that level, bridging dips shorter than 60 ms (the out-and-back excursion stops for an
//!   instant at its turning point). The low level is a quarter of the trigger level, and at
//!   least 1.5 × the running RMS speed so that an ongoing tremor does not hold the event open;
//! - it is a jerk if it lasts ≤ 400 ms, moves the head ≥ 1.5° from where it was at onset and
//!   comes back at least halfway by its end (an excursion, not a move to a new position:
//!   half a cycle of voluntary nodding is brief too, but does not come back). Longer events
//!   are voluntary movements, tremor or spasms, not jerks.
//!
//! Thresholds are Collis defaults chosen against simulated jerks, tremor and voluntary turns
//! (the literature gives durations, not speed thresholds).

use collis_core::results::{JerkEvent, Jerks};
use collis_core::Axis;
use std::collections::VecDeque;

const SPEED_FLOOR_DPS: f64 = 40.0;
const SPEED_RMS_FACTOR: f64 = 3.5;
const LOW_FRACTION: f64 = 0.25;
const BACKGROUND_FACTOR: f64 = 1.5;
const BRIDGE_S: f64 = 0.06;
const MAX_DURATION_S: f64 = 0.4;
const MIN_AMPLITUDE_DEG: f64 = 1.5;
const MAX_RESIDUAL_FRACTION: f64 = 0.5;
const RMS_TAU_S: f64 = 2.0;
const LOOKBACK_S: f64 = 0.5;
const WARMUP_S: f64 = 2.0;

#[derive(Clone, Copy)]
struct Recent {
    time_s: f64,
    angles: [f64; 3],
    speed: f64,
}

struct Active {
    onset_s: f64,
    baseline: [f64; 3],
    low_dps: f64,
    last_above_s: f64,
    /// Offset from the onset posture at the last sample above the low level.
    residual: [f64; 3],
    peak_dps: f64,
    excursion: [f64; 3],
}

/// Streaming jerk detector.
pub struct JerkDetector {
    rate_hz: f64,
    mean_sq_speed: f64,
    alpha: f64,
    warmup_left: usize,
    warmup: usize,
    bridge_s: f64,
    recent: VecDeque<Recent>,
    lookback: usize,
    active: Option<Active>,
    events: Vec<JerkEvent>,
    analysed_s: f64,
}

impl JerkDetector {
    pub fn new(rate_hz: f64) -> Self {
        let lookback = (LOOKBACK_S * rate_hz).ceil() as usize + 1;
        let warmup = (WARMUP_S * rate_hz).round() as usize;
        JerkDetector {
            rate_hz,
            mean_sq_speed: 0.0,
            alpha: 1.0 - (-1.0 / (RMS_TAU_S * rate_hz)).exp(),
            warmup_left: warmup,
            warmup,
            bridge_s: BRIDGE_S.max(2.5 / rate_hz),
            recent: VecDeque::with_capacity(lookback),
            lookback,
            active: None,
            events: Vec::new(),
            analysed_s: 0.0,
        }
    }

    /// After a gap: forget the recent past and any event in progress.
    pub fn restart(&mut self) {
        self.recent.clear();
        self.active = None;
        self.warmup_left = self.warmup;
    }

    fn threshold(&self) -> f64 {
        SPEED_FLOOR_DPS.max(SPEED_RMS_FACTOR * self.mean_sq_speed.sqrt())
    }

    /// One sample: its time, angles (deg) and angular velocity (deg/s).
    #[inline]
    pub fn push(&mut self, time_s: f64, angles: &[f64; 3], velocity_dps: &[f64; 3]) {
        self.analysed_s += 1.0 / self.rate_hz;
        let speed = velocity_dps.iter().map(|v| v * v).sum::<f64>().sqrt();
        if self.warmup_left > 0 {
            self.warmup_left -= 1;
            // Learn the background quickly while warming up.
            let a = 1.0 / (self.warmup - self.warmup_left) as f64;
            self.mean_sq_speed += a.max(self.alpha) * (speed * speed - self.mean_sq_speed);
        } else if let Some(ev) = &mut self.active {
            if speed > ev.low_dps {
                ev.last_above_s = time_s;
                ev.residual = std::array::from_fn(|i| angles[i] - ev.baseline[i]);
            }
            ev.peak_dps = ev.peak_dps.max(speed);
            for ((ex, a), b) in ev.excursion.iter_mut().zip(angles).zip(ev.baseline) {
                let d = a - b;
                if d.abs() > ex.abs() {
                    *ex = d;
                }
            }
            let duration = time_s - ev.onset_s;
            if time_s - ev.last_above_s > self.bridge_s || duration > 3.0 * MAX_DURATION_S {
                self.finish();
            }
        } else if speed > self.threshold() {
            // Above any ongoing oscillation too: a sinusoid's speed peaks at √2 × its RMS.
            let low_dps = (LOW_FRACTION * self.threshold())
                .max(BACKGROUND_FACTOR * self.mean_sq_speed.sqrt());
            let onset = self
                .recent
                .iter()
                .rev()
                .find(|r| r.speed <= low_dps)
                .or(self.recent.front())
                .copied()
                .unwrap_or(Recent {
                    time_s,
                    angles: *angles,
                    speed,
                });
            self.active = Some(Active {
                onset_s: onset.time_s,
                baseline: onset.angles,
                low_dps,
                last_above_s: time_s,
                residual: std::array::from_fn(|i| angles[i] - onset.angles[i]),
                peak_dps: speed,
                excursion: std::array::from_fn(|i| angles[i] - onset.angles[i]),
            });
        } else {
            self.mean_sq_speed += self.alpha * (speed * speed - self.mean_sq_speed);
        }
        if self.recent.len() == self.lookback {
            self.recent.pop_front();
        }
        self.recent.push_back(Recent {
            time_s,
            angles: *angles,
            speed,
        });
    }

    fn finish(&mut self) {
        let Some(ev) = self.active.take() else { return };
        let duration_s = ev.last_above_s - ev.onset_s;
        let (i, amplitude_deg) = ev
            .excursion
            .iter()
            .copied()
            .enumerate()
            .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
            .unwrap_or((0, 0.0));
        let came_back = ev.residual[i].abs() <= MAX_RESIDUAL_FRACTION * amplitude_deg.abs();
        if duration_s <= MAX_DURATION_S && amplitude_deg.abs() >= MIN_AMPLITUDE_DEG && came_back {
            self.events.push(JerkEvent {
                time_s: ev.onset_s,
                duration_s,
                axis: Axis::ALL[i],
                amplitude_deg,
                peak_velocity_dps: ev.peak_dps,
            });
        }
    }

    /// Events found so far, in time order.
    pub fn events(&self) -> &[JerkEvent] {
        &self.events
    }

    pub fn snapshot(&self) -> Jerks {
        let minutes = self.analysed_s / 60.0;
        Jerks {
            count: self.events.len() as u64,
            rate_per_min: if minutes > 0.0 {
                self.events.len() as f64 / minutes
            } else {
                0.0
            },
            events: self.events.clone(),
            criterion: format!(
                "angular speed above max({SPEED_FLOOR_DPS} °/s, {SPEED_RMS_FACTOR} × running RMS speed), lasting ≤ {:.0} ms, excursion ≥ {MIN_AMPLITUDE_DEG}° that comes back at least {:.0} %",
                MAX_DURATION_S * 1000.0,
                (1.0 - MAX_RESIDUAL_FRACTION) * 100.0
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    /// Raised-cosine out-and-back excursion: amplitude `a`, duration `d`, starting at `t0`.
    fn bump(t: f64, t0: f64, d: f64, a: f64) -> f64 {
        if t < t0 || t > t0 + d {
            0.0
        } else {
            a * 0.5 * (1.0 - (2.0 * PI * (t - t0) / d).cos())
        }
    }

    fn run(rate: f64, secs: f64, f: impl Fn(f64) -> [f64; 3]) -> Jerks {
        let mut j = JerkDetector::new(rate);
        let mut prev = f(0.0);
        for i in 1..(rate * secs) as usize {
            let t = i as f64 / rate;
            let a = f(t);
            let v = std::array::from_fn(|k| (a[k] - prev[k]) * rate);
            j.push(t, &a, &v);
            prev = a;
        }
        j.snapshot()
    }

    #[test]
    fn counts_jerks_and_measures_them() {
        let starts = [5.0, 9.3, 15.1, 22.7];
        let r = run(100.0, 30.0, |t| {
            let x: f64 = starts.iter().map(|&s| bump(t, s, 0.15, -8.0)).sum();
            [20.0 + x, 0.3 * (t * 0.7).sin(), 0.0]
        });
        assert_eq!(r.count, 4, "{:?}", r.events);
        for (e, s) in r.events.iter().zip(starts) {
            assert!((e.time_s - s).abs() < 0.03);
            assert!((e.duration_s - 0.15).abs() < 0.04, "{e:?}");
            assert!((e.amplitude_deg + 8.0).abs() < 0.2);
            assert_eq!(e.axis, Axis::Rotation);
        }
    }

    #[test]
    fn nodding_half_cycles_are_not_jerks() {
        // Nodding at 0.8 Hz, ±10°, sharpened: brief fast half-cycles that do not come back.
        let r = run(100.0, 40.0, |t| {
            let s = (2.0 * PI * 0.8 * t).sin();
            let nod = if (20.0..30.0).contains(&t) {
                10.0 * s.signum() * s.abs().powf(0.3)
            } else {
                0.0
            };
            [0.0, 0.0, nod]
        });
        assert_eq!(r.count, 0, "{:?}", r.events);
    }

    #[test]
    fn tremor_and_voluntary_turns_are_not_jerks() {
        let r = run(100.0, 40.0, |t| {
            let turn = 30.0 * (0.5 - 0.5 * (2.0 * PI * t / 8.0).cos());
            [turn + 3.0 * (2.0 * PI * 6.0 * t).sin(), 0.0, 0.0]
        });
        assert_eq!(r.count, 0, "{:?}", r.events);
    }
}
