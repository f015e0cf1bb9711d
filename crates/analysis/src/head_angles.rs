//! Head-angle stage: sensor orientation(s) → clinical head angles.
//!
//! The head sensor's orientation is turned into the head's orientation through the mounting
//! (`q_head→earth = q_sensor→earth · q_sensor→head⁻¹`). The reference decides what zero means:
//! - gravity: tilt and flexion against the vertical; rotation has no reference (its value is
//!   continuous but its offset arbitrary, so posture reports it as null);
//! - trunk: head-on-trunk orientation `q_trunk→earth⁻¹ · q_head→earth` from a second sensor;
//! - neutral: relative to the mean orientation in a segment where the head was held neutral
//!   (`q_neutral⁻¹ · q`), combinable with the trunk.
//!
//! Angles are decomposed yaw → pitch → roll (see `collis_core::frame`) and unwrapped so that
//! rotation stays continuous across ±180°.

use collis_core::{angles_from_head_quat, AngleSample, Mounting};
use nalgebra::{Quaternion, UnitQuaternion};

/// Mean of orientations that lie close together (sign-aligned, normalised component mean).
#[derive(Debug, Default, Clone)]
pub struct QuatMean {
    sum: Quaternion<f64>,
    count: u64,
}

impl QuatMean {
    pub fn push(&mut self, q: &UnitQuaternion<f64>) {
        let q = q.into_inner();
        let q = if self.count > 0 && self.sum.dot(&q) < 0.0 {
            -q
        } else {
            q
        };
        self.sum += q;
        self.count += 1;
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    pub fn mean(&self) -> Option<UnitQuaternion<f64>> {
        (self.count > 0 && self.sum.norm() > 0.0).then(|| UnitQuaternion::new_normalize(self.sum))
    }
}

/// Turns sensor orientations into clinical head angles.
pub struct HeadAngleStage {
    head_to_sensor: UnitQuaternion<f64>,
    trunk_to_sensor: UnitQuaternion<f64>,
    neutral_inv: Option<UnitQuaternion<f64>>,
    last: Option<[f64; 3]>,
}

impl HeadAngleStage {
    pub fn new(head_mounting: &Mounting, trunk_mounting: &Mounting) -> Self {
        HeadAngleStage {
            head_to_sensor: head_mounting.sensor_to_head().inverse(),
            trunk_to_sensor: trunk_mounting.sensor_to_head().inverse(),
            neutral_inv: None,
            last: None,
        }
    }

    /// Head orientation before the neutral reference: head → earth, or head → trunk when a
    /// trunk sensor orientation is given.
    #[inline]
    pub fn head_orientation(
        &self,
        head_sensor: &UnitQuaternion<f64>,
        trunk_sensor: Option<&UnitQuaternion<f64>>,
    ) -> UnitQuaternion<f64> {
        let head = head_sensor * self.head_to_sensor;
        match trunk_sensor {
            Some(t) => (t * self.trunk_to_sensor).inverse() * head,
            None => head,
        }
    }

    /// Make angles relative to this neutral head orientation (from [`Self::head_orientation`]).
    pub fn set_neutral(&mut self, neutral: UnitQuaternion<f64>) {
        self.neutral_inv = Some(neutral.inverse());
    }

    /// Clinical angles of a head orientation from [`Self::head_orientation`].
    #[inline]
    pub fn angles(&mut self, time_s: f64, head: &UnitQuaternion<f64>) -> AngleSample {
        let rel = match &self.neutral_inv {
            Some(n) => n * head,
            None => *head,
        };
        let mut a = angles_from_head_quat(&rel).as_array();
        if let Some(prev) = self.last {
            for (x, p) in a.iter_mut().zip(prev) {
                // Consecutive samples differ by far less than 180°, except across the wrap.
                let d = p - *x;
                if d > 180.0 {
                    *x += 360.0 * ((d + 180.0) / 360.0).floor();
                } else if d < -180.0 {
                    *x -= 360.0 * ((180.0 - d) / 360.0).floor();
                }
            }
        }
        self.last = Some(a);
        AngleSample {
            time_s,
            angles_deg: a,
            confidence: 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use collis_core::{head_quat_from_angles, HeadAngles};

    #[test]
    fn recovers_angles_through_mounting_trunk_and_neutral() {
        let mounting: Mounting = "x=back,y=up,z=left".parse().unwrap();
        let trunk_mounting: Mounting = "x=up,y=left,z=back".parse().unwrap();
        let mut stage = HeadAngleStage::new(&mounting, &trunk_mounting);
        let heading = UnitQuaternion::from_euler_angles(0.0, 0.0, 1.2);
        let trunk_body = heading * UnitQuaternion::from_euler_angles(0.05, -0.08, 0.3);
        let neutral_offset = head_quat_from_angles(&HeadAngles {
            rotation_deg: 3.0,
            tilt_deg: -2.0,
            flexion_deg: 4.0,
        });
        let truth = HeadAngles {
            rotation_deg: 35.0,
            tilt_deg: 12.0,
            flexion_deg: -20.0,
        };
        let sensor = |head_on_trunk: UnitQuaternion<f64>| {
            trunk_body * head_on_trunk * mounting.sensor_to_head()
        };
        let trunk_sensor = trunk_body * trunk_mounting.sensor_to_head();
        let n = stage.head_orientation(&sensor(neutral_offset), Some(&trunk_sensor));
        stage.set_neutral(n);
        let q = sensor(neutral_offset * head_quat_from_angles(&truth));
        let a = stage.angles(0.0, &stage.head_orientation(&q, Some(&trunk_sensor)));
        assert!((a.angles_deg[0] - 35.0).abs() < 1e-9);
        assert!((a.angles_deg[1] - 12.0).abs() < 1e-9);
        assert!((a.angles_deg[2] + 20.0).abs() < 1e-9);
    }

    #[test]
    fn rotation_is_unwrapped() {
        let mut stage = HeadAngleStage::new(&Mounting::default(), &Mounting::default());
        let mut last = 0.0;
        for i in 0..400 {
            let yaw = (i as f64).to_radians();
            let q = UnitQuaternion::from_euler_angles(0.0, 0.0, yaw);
            last = stage.angles(i as f64, &q).angles_deg[0];
        }
        assert!((last + 399.0).abs() < 1e-9);
    }

    #[test]
    fn quaternion_mean_handles_sign_flips() {
        let mut m = QuatMean::default();
        let q = UnitQuaternion::from_euler_angles(0.1, 0.2, 0.3);
        m.push(&q);
        m.push(&UnitQuaternion::new_unchecked(-q.into_inner()));
        assert!(m.mean().unwrap().angle_to(&q) < 1e-12);
    }
}
