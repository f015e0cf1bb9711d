//! Jerks: brief, shock-like head excursions (≈ 50–300 ms; clinical.md: movement jerks
//! ≈ 100–250 ms, myoclonic EMG bursts 10–100 ms).
//!
//! Streaming detector, one event at a time. Each sample is judged half a second late, once
//! the window centred on it is complete, by one of two triggers chosen by the background: the
//! running RMS angular speed of the last few seconds outside events.
//! - Still background (3.5 × that RMS below 40 °/s): speed. The angular speed |dθ/dt| (deg/s,
//!   the three clinical axes) exceeds 40 °/s. The event runs from the last sample below a low
//!   level before it to the last sample above that level, bridging dips shorter than 60 ms
//!   (the out-and-back excursion stops for an instant at its turning point). The low level is
//!   10 °/s, and at least 1.5 × the running RMS speed.
//! - Moving background (a tremor, voluntary movement): excursion, per axis ([`excursion`]). A
//!   tremor moves the head fast enough to hide jerks a few times its size from any speed
//!   threshold above it (a 2.5° 4.2-Hz tremor peaks at ≈ 66 °/s with an RMS of ≈ 47 °/s, and
//!   3.5 × that is ≈ 165 °/s, above the ≈ 147 °/s of a 7° jerk of 150 ms), but not from their
//!   size. An angle further from the mean of the 1 s centred on it than max(1.5°, 1.6 × the
//!   running peak of that distance on that axis outside jerks, i.e. the local tremor or sway)
//!   triggers, on the tremor's axis or any other, unless an excursion twice as large follows
//!   within the window (its area lifts the mean: that one is judged in its turn). The event
//!   is measured from that mean and runs while the excursion on the triggering axis stays
//!   beyond half its largest and beyond 1.3 × the running peak (more than the tremor alone
//!   reaches as it waxes; at least half the 1.5° floor), bridging dips shorter than 60 ms.
//!   Its length is twice the time it spends beyond half its largest (exact for a
//!   raised-cosine excursion). At its end it is measured again, from the local trend (a
//!   parabola fitted to the 1.2 s around it, the event left out), and must still be beyond
//!   the trigger level: the start or end of a voluntary turn bends the mean away from a
//!   tremor peak, not the trend. Its angular speed on that axis must reach 40 °/s, as on a
//!   still head (not the speed of a movement on another axis: tilt wobbles in a head shake).
//! - Either way, it is a jerk if it lasts ≤ 400 ms, moves the head ≥ 1.5° and comes back at
//!   least halfway by its end (an excursion, not a move to a new position: half a cycle of
//!   voluntary nodding is brief too, but does not come back). Longer events are voluntary
//!   movements, tremor or spasms, not jerks.
//!
//! Thresholds are Collis defaults chosen against simulated jerks, tremor and voluntary turns,
//! and real head gestures (the literature gives durations, not speed or size thresholds). The
//! last half-second of a stream, and of a stretch before a gap, is not judged.

mod excursion;
mod shape;

use collis_core::results::{JerkEvent, Jerks};
use collis_core::Axis;
use excursion::Excursions;
use std::collections::VecDeque;

/// Speed trigger, deg/s; also the least peak speed of an excursion event.
const SPEED_FLOOR_DPS: f64 = 40.0;
/// The background moves once this multiple of its RMS speed exceeds the speed trigger.
const SPEED_RMS_FACTOR: f64 = 3.5;
/// Speed event's low level: share of the trigger.
const LOW_FRACTION: f64 = 0.25;
/// Speed event's low level: at least this multiple of the running RMS speed.
const BACKGROUND_FACTOR: f64 = 1.5;
/// Excursion trigger: multiple of the axis's running peak excursion.
const EXCURSION_FACTOR: f64 = 1.6;
/// Excursion event's low level: multiple of the axis's running peak excursion.
const EXCURSION_LOW_FACTOR: f64 = 1.3;
/// An excursion this many times larger coming within the window vetoes a trigger.
const LARGER_FACTOR: f64 = 2.0;
/// Window centred on a sample whose mean its excursion is measured from, seconds: two cycles
/// of a 2-Hz tremor (the lower edge of the tremor band, ../shared/notes/clinical.md and
/// tremor.rs), five times a 200-ms jerk.
const WINDOW_S: f64 = 1.0;
/// Past kept before the judged sample, seconds: an event's onset and, at its end, the local
/// trend around its largest sample (`shape::TREND_S` either side).
const BEFORE_S: f64 = 1.2;
/// The running peak excursion learns from samples judged this long ago, seconds: longer than
/// a jerk's rise to the trigger (within half of its at most 400 ms).
const LEARN_LAG_S: f64 = 0.2;
/// Longest dip below the low level an event bridges, seconds.
const BRIDGE_S: f64 = 0.06;
/// Longest jerk, seconds: above the ≈ 100–250 ms of movement jerks
/// (../shared/notes/clinical.md).
const MAX_DURATION_S: f64 = 0.4;
/// Smallest jerk (peak excursion), degrees; also the excursion trigger's floor.
const MIN_AMPLITUDE_DEG: f64 = 1.5;
/// Largest share of the excursion left at the end of a jerk.
const MAX_RESIDUAL_FRACTION: f64 = 0.5;
/// Time constant of the running RMS speed, seconds.
const RMS_TAU_S: f64 = 2.0;
/// Past searched for an event's onset, seconds.
const LOOKBACK_S: f64 = 0.5;
/// Time to learn the background before detecting, seconds.
const WARMUP_S: f64 = 2.0;

#[derive(Clone, Copy)]
struct Recent {
    time_s: f64,
    angles: [f64; 3],
    velocity: [f64; 3],
    speed: f64,
    /// Excursion from the mean of the window centred on it (once judged).
    offset: [f64; 3],
    /// Whether the running peak excursion learns from it: judged after the warm-up (which
    /// learns at once), not part of a jerk.
    background: bool,
}

/// What holds an event open.
#[derive(Clone, Copy)]
enum Low {
    /// Angular speed above this, deg/s.
    Speed(f64),
    /// Excursion from the baseline on this axis above `low_deg` and above half the event's
    /// largest so far; `trigger_deg` is the level it rose above.
    Excursion {
        axis: usize,
        low_deg: f64,
        trigger_deg: f64,
    },
}

impl Low {
    fn exceeded(self, r: &Recent, baseline: &[f64; 3], excursion: &[f64; 3]) -> bool {
        match self {
            Low::Speed(low_dps) => r.speed > low_dps,
            Low::Excursion { axis, low_deg, .. } => {
                let x = (r.angles[axis] - baseline[axis]).abs();
                x > low_deg.max(0.5 * excursion[axis].abs())
            }
        }
    }
}

struct Active {
    onset_s: f64,
    baseline: [f64; 3],
    low: Low,
    last_above_s: f64,
    /// Offset from the baseline at the last sample above the low level.
    residual: [f64; 3],
    peak_dps: f64,
    /// Largest offset from the baseline per axis, signed.
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
    /// The judged sample, up to `before` samples before it and `half` after it.
    recent: VecDeque<Recent>,
    before: usize,
    /// Samples searched back for an onset.
    lookback: usize,
    /// Half the excursion window, samples.
    half: usize,
    /// Samples at the front of `recent` the running peak excursion has learned from.
    learned: usize,
    learn_lag: usize,
    excursions: Excursions,
    /// Samples judged before this time have the last event in their window, seconds.
    clean_s: f64,
    active: Option<Active>,
    events: Vec<JerkEvent>,
    analysed_s: f64,
}

impl JerkDetector {
    pub fn new(rate_hz: f64) -> Self {
        let lookback = (LOOKBACK_S * rate_hz).ceil() as usize;
        let half = (WINDOW_S / 2.0 * rate_hz).round().max(1.0) as usize;
        let before = ((BEFORE_S * rate_hz).ceil() as usize)
            .max(lookback)
            .max(half + 1);
        let warmup = (WARMUP_S * rate_hz).round() as usize;
        JerkDetector {
            rate_hz,
            mean_sq_speed: 0.0,
            alpha: 1.0 - (-1.0 / (RMS_TAU_S * rate_hz)).exp(),
            warmup_left: warmup,
            warmup,
            bridge_s: BRIDGE_S.max(2.5 / rate_hz),
            recent: VecDeque::with_capacity(before + half + 2),
            before,
            lookback,
            half,
            learned: 0,
            learn_lag: (LEARN_LAG_S * rate_hz).round() as usize,
            excursions: Excursions::new(rate_hz),
            clean_s: f64::NEG_INFINITY,
            active: None,
            events: Vec::new(),
            analysed_s: 0.0,
        }
    }

    /// After a gap: forget the recent past and any event in progress.
    pub fn restart(&mut self) {
        self.recent.clear();
        self.learned = 0;
        self.excursions.clear();
        self.active = None;
        self.warmup_left = self.warmup;
    }

    /// Whether the background moves fast enough to hide jerks from the speed trigger.
    fn moving(&self) -> bool {
        SPEED_RMS_FACTOR * self.mean_sq_speed.sqrt() > SPEED_FLOOR_DPS
    }

    /// One sample: its time, angles (deg) and angular velocity (deg/s).
    #[inline]
    pub fn push(&mut self, time_s: f64, angles: &[f64; 3], velocity_dps: &[f64; 3]) {
        self.analysed_s += 1.0 / self.rate_hz;
        self.recent.push_back(Recent {
            time_s,
            angles: *angles,
            velocity: *velocity_dps,
            speed: velocity_dps.iter().map(|v| v * v).sum::<f64>().sqrt(),
            offset: [0.0; 3],
            background: false,
        });
        self.excursions.add(angles);
        let newest = self.recent.len() - 1;
        if let Some(j) = newest.checked_sub(2 * self.half + 1) {
            self.excursions.remove(&self.recent[j].angles);
        }
        if let Some(c) = newest.checked_sub(self.half) {
            self.judge(c);
            // The running peak excursion learns from samples judged a while ago (the rise of
            // an excursion is not learned before it can trigger), and not during an event:
            // once it is judged, a jerk's samples are left out.
            if self.active.is_none() {
                while self.learned + self.learn_lag < c {
                    let p = &self.recent[self.learned];
                    if p.background {
                        self.excursions.learn(&p.offset);
                    }
                    self.learned += 1;
                }
            }
        }
        if self.recent.len() > self.before + 1 + self.half {
            match self.recent.pop_front() {
                _ if self.learned > 0 => self.learned -= 1,
                Some(old) if old.background => self.excursions.learn(&old.offset),
                _ => {}
            }
        }
    }

    /// Judge the sample at index `c` of the recent past, the centre of the window.
    fn judge(&mut self, c: usize) {
        let r = self.recent[c];
        let mean = self.excursions.mean();
        let offset: [f64; 3] = std::array::from_fn(|i| r.angles[i] - mean[i]);
        let warming = self.warmup_left > 0;
        if warming {
            self.warmup_left -= 1;
            // Learn the background quickly while warming up.
            let a = 1.0 / (self.warmup - self.warmup_left) as f64;
            self.mean_sq_speed += a.max(self.alpha) * (r.speed * r.speed - self.mean_sq_speed);
            self.excursions.learn(&offset);
        } else if let Some(ev) = &mut self.active {
            ev.peak_dps = ev.peak_dps.max(r.speed);
            for ((ex, a), b) in ev.excursion.iter_mut().zip(r.angles).zip(ev.baseline) {
                let d = a - b;
                if d.abs() > ex.abs() {
                    *ex = d;
                }
            }
            if ev.low.exceeded(&r, &ev.baseline, &ev.excursion) {
                ev.last_above_s = r.time_s;
                ev.residual = std::array::from_fn(|i| r.angles[i] - ev.baseline[i]);
            }
            let duration = r.time_s - ev.onset_s;
            if r.time_s - ev.last_above_s > self.bridge_s || duration > 3.0 * MAX_DURATION_S {
                self.finish(r.time_s);
            }
        } else if !self.moving() && r.speed > SPEED_FLOOR_DPS {
            let low_dps =
                (LOW_FRACTION * SPEED_FLOOR_DPS).max(BACKGROUND_FACTOR * self.mean_sq_speed.sqrt());
            let onset = self
                .recent
                .range(c.saturating_sub(self.lookback)..c)
                .rev()
                .find(|p| p.speed <= low_dps)
                .map_or((r.time_s, r.angles), |p| (p.time_s, p.angles));
            self.start(onset, Low::Speed(low_dps), &r);
        } else if let Some((axis, low_deg, trigger_deg)) = self.excursion_trigger(c, &offset, &mean)
        {
            let low = Low::Excursion {
                axis,
                low_deg,
                trigger_deg,
            };
            let onset_s = self
                .recent
                .range(c.saturating_sub(self.lookback)..c)
                .rev()
                .find(|p| (p.angles[axis] - mean[axis]).abs() <= low_deg)
                .map_or(r.time_s, |p| p.time_s);
            self.start((onset_s, mean), low, &r);
        } else {
            self.mean_sq_speed += self.alpha * (r.speed * r.speed - self.mean_sq_speed);
        }
        self.recent[c].offset = offset;
        self.recent[c].background = !warming;
    }

    /// The axis whose excursion `offset` (from `mean`) of the sample at `c` triggers an event,
    /// with the event's low and trigger levels (degrees): the one furthest beyond its trigger
    /// level, while the background moves and the window is clear of the last event.
    fn excursion_trigger(
        &self,
        c: usize,
        offset: &[f64; 3],
        mean: &[f64; 3],
    ) -> Option<(usize, f64, f64)> {
        if !self.moving() || self.recent[c].time_s < self.clean_s {
            return None;
        }
        let peak = self.excursions.peak();
        let trigger = |i: usize| MIN_AMPLITUDE_DEG.max(EXCURSION_FACTOR * peak[i]);
        let ratio = |i: usize| offset[i].abs() / trigger(i);
        let i = (0..3).max_by(|&a, &b| ratio(a).total_cmp(&ratio(b)))?;
        let larger = LARGER_FACTOR * offset[i].abs();
        let coming = || {
            self.recent
                .range(c + 1..)
                .any(|p| (p.angles[i] - mean[i]).abs() > larger)
        };
        if ratio(i) <= 1.0 || coming() {
            return None;
        }
        let low = (0.5 * MIN_AMPLITUDE_DEG).max(EXCURSION_LOW_FACTOR * peak[i]);
        Some((i, low, trigger(i)))
    }

    /// Start an event at `onset` (time, baseline angles), triggered by the sample `r`.
    fn start(&mut self, (onset_s, baseline): (f64, [f64; 3]), low: Low, r: &Recent) {
        let offset = std::array::from_fn(|i| r.angles[i] - baseline[i]);
        self.active = Some(Active {
            onset_s,
            baseline,
            low,
            last_above_s: r.time_s,
            residual: offset,
            peak_dps: r.speed,
            excursion: offset,
        });
    }

    /// End the event in progress, judged at `now_s`.
    fn finish(&mut self, now_s: f64) {
        let Some(ev) = self.active.take() else { return };
        self.clean_s = now_s + WINDOW_S / 2.0;
        let jerk = match ev.low {
            Low::Speed(_) => {
                let i = (0..3)
                    .max_by(|&a, &b| ev.excursion[a].abs().total_cmp(&ev.excursion[b].abs()))
                    .unwrap_or(0);
                let back = ev.residual[i].abs() <= MAX_RESIDUAL_FRACTION * ev.excursion[i].abs();
                let duration_s = ev.last_above_s - ev.onset_s;
                back.then_some((i, ev.onset_s, duration_s, ev.excursion[i]))
            }
            // It ended below half its largest excursion: it came back at least halfway.
            Low::Excursion {
                axis, trigger_deg, ..
            } => self.excursion_jerk(&ev, axis, trigger_deg, now_s),
        };
        let Some((i, time_s, duration_s, amplitude_deg)) = jerk else {
            return;
        };
        if duration_s <= MAX_DURATION_S && amplitude_deg.abs() >= MIN_AMPLITUDE_DEG {
            // The jerk's samples are not background.
            let from_s = ev.onset_s.min(time_s);
            for p in self.recent.iter_mut().filter(|p| p.time_s >= from_s) {
                p.background = false;
            }
            self.events.push(JerkEvent {
                time_s,
                duration_s,
                axis: Axis::ALL[i],
                amplitude_deg,
                peak_velocity_dps: ev.peak_dps,
            });
        }
    }

    /// An excursion event on `axis` as a jerk `(axis, start, length, amplitude)`, judged at
    /// `now_s`, if it is one: fast on its own axis, and still beyond `trigger_deg` from the
    /// local trend.
    fn excursion_jerk(
        &self,
        ev: &Active,
        axis: usize,
        trigger_deg: f64,
        now_s: f64,
    ) -> Option<(usize, f64, f64, f64)> {
        let (top, start_s, length_s) = shape::half_width(&self.recent, ev, axis, now_s)?;
        let end_s = start_s + length_s;
        let in_pulse = |p: &&Recent| p.time_s >= start_s && p.time_s <= end_s;
        let axis_dps = (self.recent.iter().filter(in_pulse))
            .fold(0.0, |m: f64, p| m.max(p.velocity[axis].abs()));
        let amplitude_deg = shape::trend_excursion(&self.recent, axis, top, [start_s, end_s])?;
        let beyond = amplitude_deg * ev.excursion[axis].signum() >= trigger_deg;
        (axis_dps >= SPEED_FLOOR_DPS && beyond).then_some((axis, start_s, length_s, amplitude_deg))
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
                "angular speed above {SPEED_FLOOR_DPS} °/s while {SPEED_RMS_FACTOR} × the running RMS speed stays below it, else an angle's excursion from its {WINDOW_S}-s centred mean above max({MIN_AMPLITUDE_DEG}°, {EXCURSION_FACTOR} × the axis's running peak excursion); lasting ≤ {:.0} ms, excursion ≥ {MIN_AMPLITUDE_DEG}° that comes back at least {:.0} %",
                MAX_DURATION_S * 1000.0,
                (1.0 - MAX_RESIDUAL_FRACTION) * 100.0
            ),
        }
    }
}

#[cfg(test)]
mod tests;
