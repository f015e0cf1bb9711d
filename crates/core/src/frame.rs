//! The clinical head-angle convention and its link to 3-D orientation.
//!
//! Head frame: x forward, y left, z up. A head orientation (head → reference frame, where the
//! reference's z is vertical for gravity-referenced angles) is decomposed as intrinsic
//! **yaw → pitch → roll** (Tait–Bryan Z-Y'-X''): first a turn about the vertical, then a nod
//! about the turned head's left–right axis, then a tilt about the nod-turned head's front–back
//! axis. Clinical names and signs:
//! - `rotation` = −yaw  (+ = chin to the patient's right; yaw + would turn the nose left);
//! - `flexion`  = +pitch (+ = chin down: a positive turn about the left axis lowers the nose);
//! - `tilt`     = +roll  (+ = right ear toward the right shoulder: a positive turn about the
//!   forward axis raises the left ear).
//!
//! Because yaw is applied first, tilt and flexion taken against gravity do not depend on the
//! (possibly unknown) heading.

use nalgebra::UnitQuaternion;

/// Rotation, tilt and flexion in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct HeadAngles {
    pub rotation_deg: f64,
    pub tilt_deg: f64,
    pub flexion_deg: f64,
}

impl HeadAngles {
    pub fn as_array(&self) -> [f64; 3] {
        [self.rotation_deg, self.tilt_deg, self.flexion_deg]
    }
}

/// Clinical angles of a head orientation (head frame → reference frame).
pub fn angles_from_head_quat(q: &UnitQuaternion<f64>) -> HeadAngles {
    let (roll, pitch, yaw) = q.euler_angles();
    HeadAngles {
        rotation_deg: -yaw.to_degrees(),
        tilt_deg: roll.to_degrees(),
        flexion_deg: pitch.to_degrees(),
    }
}

/// Head orientation (head frame → reference frame) for given clinical angles.
pub fn head_quat_from_angles(a: &HeadAngles) -> UnitQuaternion<f64> {
    UnitQuaternion::from_euler_angles(
        a.tilt_deg.to_radians(),
        a.flexion_deg.to_radians(),
        (-a.rotation_deg).to_radians(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::Vector3;

    #[test]
    fn signs_follow_the_clinical_convention() {
        let nose = Vector3::new(1.0, 0.0, 0.0);
        let right_ear = Vector3::new(0.0, -1.0, 0.0);
        // Chin to the right: the nose points to the patient's right (−y).
        let q = head_quat_from_angles(&HeadAngles {
            rotation_deg: 30.0,
            ..Default::default()
        });
        assert!((q * nose).y < -0.4);
        // Chin down: the nose points down.
        let q = head_quat_from_angles(&HeadAngles {
            flexion_deg: 20.0,
            ..Default::default()
        });
        assert!((q * nose).z < -0.3);
        // Right ear toward right shoulder: the right ear goes down.
        let q = head_quat_from_angles(&HeadAngles {
            tilt_deg: 15.0,
            ..Default::default()
        });
        assert!((q * right_ear).z < -0.2);
    }

    #[test]
    fn round_trip() {
        let a = HeadAngles {
            rotation_deg: -42.0,
            tilt_deg: 17.5,
            flexion_deg: -23.0,
        };
        let b = angles_from_head_quat(&head_quat_from_angles(&a));
        assert!((a.rotation_deg - b.rotation_deg).abs() < 1e-9);
        assert!((a.tilt_deg - b.tilt_deg).abs() < 1e-9);
        assert!((a.flexion_deg - b.flexion_deg).abs() < 1e-9);
    }
}
