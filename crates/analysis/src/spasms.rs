//! Spasms: sustained excursions of the head away from its usual posture (seconds, not the
//! fraction of a second of a jerk).
//!
//! Streaming: each angle is low-passed at 1 Hz (tremor and jerks removed); the usual posture is
//! an exponential average with a 20-s time constant (2 s during the first 10 s, to settle),
//! frozen while an excursion is under way. An excursion starts when an axis departs ≥ 8° from
//! it, ends when it is back within 4°, and counts if it lasted ≥ 1 s. Collis defaults: the
//! clinical notes describe spasms only as sustained; note that during a rest task a voluntary
//! look-around is indistinguishable from a spasm by motion alone.

use crate::per_axis;
use collis_core::results::{SpasmEvent, Spasms};
use collis_core::Axis;
use collis_dsp::Butterworth;

const LOW_PASS_HZ: f64 = 1.0;
const BASELINE_TAU_S: f64 = 20.0;
const SETTLE_TAU_S: f64 = 2.0;
const SETTLE_S: f64 = 10.0;
const START_DEG: f64 = 8.0;
const END_DEG: f64 = 4.0;
const MIN_DURATION_S: f64 = 1.0;

struct Excursion {
    start_s: f64,
    axis: usize,
    peak: f64,
}

pub struct SpasmDetector {
    rate_hz: f64,
    filters: Option<[Butterworth; 3]>,
    baseline: Option<[f64; 3]>,
    elapsed_s: f64,
    active: Option<Excursion>,
    events: Vec<SpasmEvent>,
}

impl SpasmDetector {
    pub fn new(rate_hz: f64) -> Self {
        let filters = per_axis(|| Butterworth::low_pass(2, LOW_PASS_HZ, rate_hz).ok());
        SpasmDetector {
            rate_hz,
            filters,
            baseline: None,
            elapsed_s: 0.0,
            active: None,
            events: Vec::new(),
        }
    }

    pub fn restart(&mut self) {
        if let Some(fs) = &mut self.filters {
            fs.iter_mut().for_each(Butterworth::reset);
        }
        self.baseline = None;
        self.elapsed_s = 0.0;
        self.active = None;
    }

    #[inline]
    pub fn push(&mut self, time_s: f64, angles: &[f64; 3]) {
        let Some(fs) = &mut self.filters else { return };
        let lp: [f64; 3] = std::array::from_fn(|i| fs[i].run(angles[i]));
        let dt = 1.0 / self.rate_hz;
        self.elapsed_s += dt;
        let baseline = self.baseline.get_or_insert(*angles);
        let settling = self.elapsed_s < SETTLE_S;
        let dev: [f64; 3] = std::array::from_fn(|i| lp[i] - baseline[i]);
        match &mut self.active {
            Some(ex) => {
                if dev[ex.axis].abs() > ex.peak.abs() {
                    ex.peak = dev[ex.axis];
                }
                if dev[ex.axis].abs() < END_DEG {
                    let duration_s = time_s - ex.start_s;
                    if duration_s >= MIN_DURATION_S {
                        self.events.push(SpasmEvent {
                            start_s: ex.start_s,
                            duration_s,
                            axis: Axis::ALL[ex.axis],
                            amplitude_deg: ex.peak,
                        });
                    }
                    self.active = None;
                }
            }
            None => {
                let (axis, d) = dev
                    .iter()
                    .copied()
                    .enumerate()
                    .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
                    .unwrap_or((0, 0.0));
                if !settling && d.abs() >= START_DEG {
                    self.active = Some(Excursion {
                        start_s: time_s,
                        axis,
                        peak: d,
                    });
                } else {
                    let tau = if settling {
                        SETTLE_TAU_S
                    } else {
                        BASELINE_TAU_S
                    };
                    let a = dt / tau;
                    for i in 0..3 {
                        baseline[i] += a * (lp[i] - baseline[i]);
                    }
                }
            }
        }
    }

    pub fn snapshot(&self) -> Spasms {
        Spasms {
            count: self.events.len() as u64,
            events: self.events.clone(),
            criterion: format!(
                "1-Hz low-passed angle ≥ {START_DEG}° from the usual posture ({BASELINE_TAU_S}-s average) for ≥ {MIN_DURATION_S} s"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_sustained_excursion_but_not_a_steady_posture() {
        let rate = 50.0;
        let mut s = SpasmDetector::new(rate);
        for i in 0..(60.0 * rate) as usize {
            let t = i as f64 / rate;
            let spasm = if (30.0..34.0).contains(&t) { 15.0 } else { 0.0 };
            s.push(t, &[25.0, -12.0 + spasm, 3.0]);
        }
        let r = s.snapshot();
        assert_eq!(r.count, 1, "{:?}", r.events);
        let e = r.events[0];
        assert_eq!(e.axis, Axis::Tilt);
        assert!((e.start_s - 30.0).abs() < 0.5 && (e.duration_s - 4.0).abs() < 0.6);
        assert!((e.amplitude_deg - 15.0).abs() < 1.0);
    }
}
