//! Motion: how much the head moves — RMS angular velocity and range per axis, and the
//! dominant axis of movement (largest RMS angular velocity).

use crate::posture::AngleDistribution;
use collis_core::results::{AxisMotion, Motion};
use collis_core::Axis;

/// Accumulates squared angular velocities (deg/s) per axis.
#[derive(Clone, Default)]
pub struct VelocityAcc {
    sum_sq: [f64; 3],
    count: u64,
}

impl VelocityAcc {
    #[inline]
    pub fn push(&mut self, velocity_dps: &[f64; 3]) {
        for (s, v) in self.sum_sq.iter_mut().zip(velocity_dps) {
            *s += v * v;
        }
        self.count += 1;
    }

    pub fn rms_dps(&self, axis: Axis) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        (self.sum_sq[axis as usize] / self.count as f64).sqrt()
    }

    pub fn motion(&self, dist: &AngleDistribution) -> Motion {
        let axis = |a: Axis| AxisMotion {
            rms_velocity_dps: self.rms_dps(a),
            range_deg: dist.range_deg(a),
        };
        let dominant_axis = Axis::ALL
            .into_iter()
            .max_by(|a, b| self.rms_dps(*a).total_cmp(&self.rms_dps(*b)))
            .unwrap_or(Axis::Rotation);
        Motion {
            rotation: axis(Axis::Rotation),
            tilt: axis(Axis::Tilt),
            flexion: axis(Axis::Flexion),
            dominant_axis,
        }
    }
}
