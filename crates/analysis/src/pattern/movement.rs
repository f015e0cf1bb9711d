//! Slow, flowing movement: the head's angular velocity below 2 Hz (tremor and the fast part of
//! jerks filtered out), for the choreiform pattern — continuous, random, flowing movement with
//! no dominant axis (clinical.md: chorea vs tics and jerks; issue #7: "broad spectrum, no
//! dominant axis, non-stereotyped").
//!
//! Per sample, streaming: a 4th-order Butterworth low-pass at 2 Hz per axis, the velocity as
//! the difference of successive filtered angles, its second moments (for the principal axis
//! share) and the share of time the slow speed exceeds 10 °/s. Memory O(1).

use crate::per_axis;
use collis_dsp::Butterworth;

/// Low-pass cut-off, Hz: above voluntary and choreic movement, below head tremor (≥ 2–3 Hz,
/// clinical.md).
const CUTOFF_HZ: f64 = 2.0;
/// Slow speed above which the head counts as moving, °/s: well above postural sway
/// (< 0.5° below 1 Hz, ≈ 3 °/s) and the noise floor (≈ 0.7 °/s), below the speed of voluntary
/// and choreic movement (tens of °/s).
pub const MOVING_DPS: f64 = 10.0;
/// Filter settling after a start or gap, seconds.
const SETTLE_S: f64 = 1.0;

pub struct SlowMovement {
    filters: Option<[Butterworth; 3]>,
    settle: usize,
    settle_left: usize,
    prev: Option<(f64, [f64; 3])>,
    /// `[rr, tt, ff, rt, rf, tf]` of the slow velocity, (°/s)².
    moments: [f64; 6],
    samples: u64,
    moving: u64,
}

/// What [`SlowMovement`] found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SlowMovementFigures {
    /// Share of the analysed time the slow speed exceeded [`MOVING_DPS`].
    pub moving_fraction: f64,
    /// RMS of the slow speed, °/s.
    pub rms_speed_dps: f64,
    /// Share of the slow velocity's variance on its principal axis (1/3 = evenly spread,
    /// 1 = one axis).
    pub principal_share: f64,
}

impl SlowMovement {
    pub fn new(rate_hz: f64) -> Self {
        let filters = per_axis(|| Butterworth::low_pass(4, CUTOFF_HZ, rate_hz).ok());
        let settle = (SETTLE_S * rate_hz).round() as usize;
        SlowMovement {
            filters,
            settle,
            settle_left: settle,
            prev: None,
            moments: [0.0; 6],
            samples: 0,
            moving: 0,
        }
    }

    /// Start again after a gap.
    pub fn restart(&mut self) {
        if let Some(filters) = &mut self.filters {
            filters.iter_mut().for_each(Butterworth::reset);
        }
        self.settle_left = self.settle;
        self.prev = None;
    }

    #[inline]
    pub fn push(&mut self, time_s: f64, angles_deg: &[f64; 3]) {
        let Some(filters) = &mut self.filters else {
            return;
        };
        let slow: [f64; 3] = std::array::from_fn(|i| filters[i].run(angles_deg[i]));
        if self.settle_left > 0 {
            self.settle_left -= 1;
            self.prev = Some((time_s, slow));
            return;
        }
        if let Some((t0, p)) = self.prev {
            let dt = time_s - t0;
            if dt > 0.0 {
                let [r, t, f]: [f64; 3] = std::array::from_fn(|i| (slow[i] - p[i]) / dt);
                for (m, x) in
                    self.moments
                        .iter_mut()
                        .zip([r * r, t * t, f * f, r * t, r * f, t * f])
                {
                    *m += x;
                }
                self.samples += 1;
                if r * r + t * t + f * f > MOVING_DPS * MOVING_DPS {
                    self.moving += 1;
                }
            }
        }
        self.prev = Some((time_s, slow));
    }

    pub fn figures(&self) -> Option<SlowMovementFigures> {
        if self.samples == 0 {
            return None;
        }
        let n = self.samples as f64;
        let [rr, tt, ff, rt, rf, tf] = self.moments.map(|m| m / n);
        let total = rr + tt + ff;
        let m = nalgebra::Matrix3::new(rr, rt, rf, rt, tt, tf, rf, tf, ff);
        let largest = nalgebra::SymmetricEigen::new(m).eigenvalues.max();
        Some(SlowMovementFigures {
            moving_fraction: self.moving as f64 / n,
            rms_speed_dps: total.sqrt(),
            principal_share: if total > 0.0 { largest / total } else { 1.0 },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::TAU;

    fn run(f: impl Fn(f64) -> [f64; 3]) -> SlowMovementFigures {
        let rate = 100.0;
        let mut m = SlowMovement::new(rate);
        for k in 0..6000 {
            let t = k as f64 / rate;
            m.push(t, &f(t));
        }
        m.figures().unwrap()
    }

    #[test]
    fn flowing_movement_on_all_axes_is_spread_and_tremor_is_not_movement() {
        let flow = run(|t| {
            [
                5.0 * (TAU * 0.7 * t).sin(),
                5.0 * (TAU * 0.9 * t + 1.0).sin(),
                5.0 * (TAU * 1.1 * t + 2.0).sin(),
            ]
        });
        assert!(flow.moving_fraction > 0.8, "{flow:?}");
        assert!(flow.principal_share < 0.6, "{flow:?}");
        // A 5-Hz, 2° tremor moves the head at up to 63 °/s but is not slow movement.
        let tremor = run(|t| [2.0 * (TAU * 5.0 * t).sin(), 0.0, 0.0]);
        assert!(tremor.moving_fraction < 0.01, "{tremor:?}");
        assert!(tremor.principal_share > 0.99, "{tremor:?}");
    }
}
