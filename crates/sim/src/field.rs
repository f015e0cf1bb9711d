//! The magnetic field in the earth frame: the geomagnetic field plus an optional local
//! disturbance (a phone brought near the head) to test disturbance rejection.

use crate::seeds::{self, Stream};
use crate::signals::plateau;
use crate::trajectory::TRANSITION_S;
use crate::SimOptions;
use nalgebra::Vector3;
use rand::Rng;
use rand_distr::StandardNormal;

/// Northern-hemisphere field (ENU), µT: 19 north, 45 down (dip ≈ 67°).
pub const EARTH_FIELD_UT: [f64; 3] = [0.0, 19.0, -45.0];
/// Disturbance strength, µT.
const DISTURBANCE_UT: f64 = 15.0;
/// Disturbance length including its smooth onset and offset, seconds.
const DISTURBANCE_S: f64 = 10.0;
const DISTURBANCE_RAMP_S: f64 = 0.5;

#[derive(Debug, Clone)]
pub struct MagneticField {
    /// Start time and earth-frame vector of the disturbance.
    disturbance: Option<(f64, Vector3<f64>)>,
}

impl MagneticField {
    /// The field of `opts`: a disturbance (random direction per seed) centred in the pattern
    /// when `opts.mag_disturbance` is set.
    pub fn new(opts: &SimOptions) -> Self {
        let mut rng = seeds::session_rng(opts.seed, opts.session, Stream::Field);
        let direction = Vector3::from_fn(|_, _| rng.sample::<f64, _>(StandardNormal)).normalize();
        let pattern_start = opts.neutral_s + TRANSITION_S;
        let start = (0.5 * (pattern_start + opts.duration_s - DISTURBANCE_S)).max(pattern_start);
        MagneticField {
            disturbance: opts
                .mag_disturbance
                .then_some((start, DISTURBANCE_UT * direction)),
        }
    }

    /// `[start, end]` of the disturbance, seconds.
    pub fn disturbance_s(&self) -> Option<[f64; 2]> {
        self.disturbance
            .map(|(start, _)| [start, start + DISTURBANCE_S])
    }

    /// Field at `t`, earth frame, µT.
    pub fn at(&self, t: f64) -> Vector3<f64> {
        let earth = Vector3::from(EARTH_FIELD_UT);
        match self.disturbance {
            Some((start, vector)) => {
                let hold = DISTURBANCE_S - 2.0 * DISTURBANCE_RAMP_S;
                let weight = plateau(t - start, DISTURBANCE_RAMP_S, hold, DISTURBANCE_RAMP_S);
                earth + weight * vector
            }
            None => earth,
        }
    }
}
