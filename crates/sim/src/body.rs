//! Body kinematics: the pose of each sensor in the earth frame at any instant — heading, trunk
//! sway about the hips, head-on-trunk rotation about a neck pivot, sensor mountings and lever
//! arms.
//!
//! Chain: `q_trunk = heading ∘ sway`, `q_head = q_trunk ∘ head_quat_from_angles(angles)`,
//! `q_sensor = q_head ∘ mounting.sensor_to_head()` (same for the trunk sensor on the trunk).

use crate::patterns;
use crate::physics::Pose;
use crate::seeds::{self, Stream};
use crate::signals::Sines;
use crate::trajectory::Trajectory;
use crate::SimOptions;
use collis_core::{head_quat_from_angles, HeadAngles};
use nalgebra::{UnitQuaternion, Vector3};
use rand::Rng;
use std::f64::consts::TAU;

/// Height of the neck pivot above the hips (the pivot of trunk sway), metres.
const HIP_TO_NECK_M: f64 = 0.5;
/// Peak trunk sway `[roll, pitch, yaw]`, degrees.
const TRUNK_SWAY_PEAK_DEG: [f64; 3] = [1.0, 1.5, 1.0];
/// Trunk sway band, Hz (< 0.3 Hz).
const TRUNK_SWAY_BAND_HZ: [f64; 2] = [0.03, 0.3];

/// Where a sensor is worn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Site {
    Head,
    Trunk,
}

#[derive(Debug, Clone)]
pub struct Body {
    pub trajectory: Trajectory,
    heading: UnitQuaternion<f64>,
    /// Trunk sway `[roll, pitch, yaw]`, degrees (zero amplitude when sway is off).
    sway: [Sines; 3],
    head_mounting: UnitQuaternion<f64>,
    trunk_mounting: UnitQuaternion<f64>,
    head_lever_m: Vector3<f64>,
    trunk_lever_m: Vector3<f64>,
}

impl Body {
    pub fn new(opts: &SimOptions) -> Self {
        let mut rng = seeds::session_rng(opts.seed, opts.session, Stream::Body);
        let heading =
            UnitQuaternion::from_axis_angle(&Vector3::z_axis(), rng.random_range(0.0..TAU));
        let scale = if opts.trunk_sway { 1.0 } else { 0.0 };
        let sway = TRUNK_SWAY_PEAK_DEG
            .map(|peak| Sines::random(&mut rng, scale * peak, TRUNK_SWAY_BAND_HZ));
        Body {
            trajectory: patterns::trajectory(opts),
            heading,
            sway,
            head_mounting: opts.mounting.sensor_to_head(),
            trunk_mounting: opts.trunk_mounting.sensor_to_head(),
            head_lever_m: Vector3::from(opts.head_lever_m),
            trunk_lever_m: Vector3::from(opts.trunk_lever_m),
        }
    }

    /// Trunk → earth at `t`.
    fn trunk(&self, t: f64) -> UnitQuaternion<f64> {
        let [roll, pitch, yaw] = self.sway.map(|s| s.value(t).to_radians());
        self.heading * UnitQuaternion::from_euler_angles(roll, pitch, yaw)
    }

    /// Head → trunk at `t`.
    fn head_on_trunk(&self, t: f64) -> UnitQuaternion<f64> {
        let [rotation_deg, tilt_deg, flexion_deg] = self.trajectory.angles(t);
        head_quat_from_angles(&HeadAngles {
            rotation_deg,
            tilt_deg,
            flexion_deg,
        })
    }

    /// Pose of the sensor at `site` at `t`.
    pub fn pose(&self, site: Site, t: f64) -> Pose {
        let trunk = self.trunk(t);
        let neck = trunk * Vector3::new(0.0, 0.0, HIP_TO_NECK_M);
        let (segment, mounting, lever) = match site {
            Site::Head => (
                trunk * self.head_on_trunk(t),
                self.head_mounting,
                self.head_lever_m,
            ),
            Site::Trunk => (trunk, self.trunk_mounting, self.trunk_lever_m),
        };
        Pose {
            orientation: segment * mounting,
            position_m: neck + segment * lever,
        }
    }
}
