//! Head orientation seen by a camera, as clinical angles: the one conversion between a
//! face → camera rotation matrix and collis-core's `rotation/tilt/flexion`, shared by every
//! camera-based source (Collis's own MediaPipe face pipeline in collis-vision, and imported
//! head poses such as OpenFace CSV in collis-io), and the mean orientation of a neutral segment.
//!
//! Frames: the face frame has x = subject's left, y = up, z = out of the face (toward the
//! camera when frontal), as MediaPipe's canonical face. The camera frame is x = image right,
//! y = image up, z = toward the viewer. Clinical head frame ([`crate::frame`]): x forward,
//! y left, z up; the reference frame is the camera's with the same axes (forward = toward the
//! camera), so camera-frontal (face rotation = identity) is neutral.

use crate::frame::{angles_from_head_quat, head_quat_from_angles, HeadAngles};
use nalgebra::{Matrix3, Quaternion, Rotation3, UnitQuaternion, Vector4};

/// Permutation taking clinical-frame coordinates to face/camera coordinates.
fn clinical_to_camera() -> Matrix3<f64> {
    // columns: clinical x (forward) → z, y (left) → x, z (up) → y
    Matrix3::new(0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0)
}

/// Clinical angles of a face → camera rotation (frames as in the module doc).
pub fn angles_of(rotation: &Rotation3<f64>) -> HeadAngles {
    let p = clinical_to_camera();
    let head = p.transpose() * rotation.matrix() * p;
    let q = UnitQuaternion::from_rotation_matrix(&Rotation3::from_matrix_unchecked(head));
    angles_from_head_quat(&q)
}

/// Face → camera rotation for given clinical angles (inverse of [`angles_of`]).
pub fn rotation_of(angles: &HeadAngles) -> Rotation3<f64> {
    let p = clinical_to_camera();
    let head = head_quat_from_angles(angles).to_rotation_matrix();
    Rotation3::from_matrix_unchecked(p * head.matrix() * p.transpose())
}

/// Running mean of rotations (the mean head orientation over a neutral segment): the
/// normalised mean of the unit quaternions, each taken in the first one's hemisphere so that
/// q and −q do not cancel. Accurate for the small spread of a held posture.
#[derive(Debug, Clone, Default)]
pub struct RotationMean {
    sum: Vector4<f64>,
    first: Option<UnitQuaternion<f64>>,
    n: usize,
}

impl RotationMean {
    pub fn push(&mut self, r: &Rotation3<f64>) {
        let q = UnitQuaternion::from_rotation_matrix(r);
        let first = *self.first.get_or_insert(q);
        self.sum += if q.coords.dot(&first.coords) < 0.0 {
            -q.coords
        } else {
            q.coords
        };
        self.n += 1;
    }

    /// Rotations pushed so far.
    pub fn count(&self) -> usize {
        self.n
    }

    /// The mean, `None` when nothing was pushed.
    pub fn mean(&self) -> Option<Rotation3<f64>> {
        (self.n > 0).then(|| {
            UnitQuaternion::from_quaternion(Quaternion::from(self.sum / self.n as f64))
                .to_rotation_matrix()
        })
    }
}

/// Clinical angles of `rotation` relative to `neutral` (a face → camera rotation taken as
/// 0°), or to camera-frontal when there is none.
pub fn angles_relative(rotation: &Rotation3<f64>, neutral: Option<&Rotation3<f64>>) -> HeadAngles {
    match neutral {
        Some(n) => angles_of(&(n.inverse() * rotation)),
        None => angles_of(rotation),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_mean() {
        let a = HeadAngles {
            rotation_deg: 25.0,
            tilt_deg: -12.0,
            flexion_deg: 8.0,
        };
        let b = angles_of(&rotation_of(&a));
        for (x, y) in a.as_array().iter().zip(b.as_array()) {
            assert!((x - y).abs() < 1e-9);
        }
        let mut m = RotationMean::default();
        assert!(m.mean().is_none());
        m.push(&rotation_of(&a));
        m.push(&rotation_of(&a));
        let rel = angles_relative(&rotation_of(&a), m.mean().as_ref());
        assert!(rel.as_array().iter().all(|x| x.abs() < 1e-9));
        assert_eq!(m.count(), 2);
    }
}
