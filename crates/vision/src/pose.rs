//! Head pose from face-mesh landmarks: weighted Procrustes (rotation, scale, translation) of
//! MediaPipe's canonical face onto the landmarks with MediaPipe's 33 landmark weights
//! (as in mediapipe/modules/face_geometry/libs/procrustes_solver.cc, Umeyama 1991), under a
//! weak-perspective camera; the rotation is expressed in collis-core's clinical head frame.
//!
//! Frames: the canonical face has x = subject's left, y = up, z = out of the face (toward the
//! camera when frontal). The camera frame used here is x = image right, y = image up, z = toward
//! the viewer. Clinical head frame (collis-core): x forward, y left, z up; the reference frame is
//! the camera's with the same axes (forward = toward the camera), so camera-frontal = neutral.

use collis_core::{angles_from_head_quat, HeadAngles};
use nalgebra::{Matrix3, Rotation3, UnitQuaternion, Vector3};

use crate::canonical::CanonicalFace;

/// A fitted head pose.
#[derive(Debug, Clone, Copy)]
pub struct Pose {
    /// Rotation of the canonical face into the camera frame.
    pub rotation: Rotation3<f64>,
    /// Clinical angles relative to camera-frontal.
    pub angles: HeadAngles,
    /// Weighted RMS residual of the fit, in canonical-face units (cm).
    pub residual_cm: f64,
}

/// Permutation taking clinical-frame coordinates to canonical/camera coordinates.
fn clinical_to_camera() -> Matrix3<f64> {
    // columns: clinical x (forward) → z, y (left) → x, z (up) → y
    Matrix3::new(0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0)
}

/// Clinical angles of a canonical→camera rotation.
pub fn angles_of(rotation: &Rotation3<f64>) -> HeadAngles {
    let p = clinical_to_camera();
    let head = p.transpose() * rotation.matrix() * p;
    let q = UnitQuaternion::from_rotation_matrix(&Rotation3::from_matrix_unchecked(head));
    angles_from_head_quat(&q)
}

/// Canonical→camera rotation for given clinical angles (inverse of [`angles_of`]).
pub fn rotation_of(angles: &HeadAngles) -> Rotation3<f64> {
    let p = clinical_to_camera();
    let head = collis_core::head_quat_from_angles(angles).to_rotation_matrix();
    Rotation3::from_matrix_unchecked(p * head.matrix() * p.transpose())
}

/// Fits the pose of image-pixel landmarks (x right, y down, z − toward the camera).
/// Returns `None` when the fit is degenerate.
pub fn fit(face: &CanonicalFace, points: &[[f64; 3]]) -> Option<Pose> {
    if points.len() != face.vertices.len() {
        return None;
    }
    let mut wsum = 0.0;
    let mut src_c = Vector3::zeros();
    let mut dst_c = Vector3::zeros();
    let dst = |p: &[f64; 3]| Vector3::new(p[0], -p[1], -p[2]);
    for ((v, p), &w) in face.vertices.iter().zip(points).zip(&face.weights) {
        if w > 0.0 {
            wsum += w;
            src_c += Vector3::from(*v) * w;
            dst_c += dst(p) * w;
        }
    }
    if wsum <= 0.0 {
        return None;
    }
    src_c /= wsum;
    dst_c /= wsum;
    let mut cov = Matrix3::zeros();
    let mut src_var = 0.0;
    for ((v, p), &w) in face.vertices.iter().zip(points).zip(&face.weights) {
        if w > 0.0 {
            let s = Vector3::from(*v) - src_c;
            let d = dst(p) - dst_c;
            cov += d * s.transpose() * w;
            src_var += s.norm_squared() * w;
        }
    }
    let svd = cov.svd(true, true);
    let (u, v_t) = (svd.u?, svd.v_t?);
    let mut d = Matrix3::identity();
    if (u * v_t).determinant() < 0.0 {
        d[(2, 2)] = -1.0;
    }
    let r = u * d * v_t;
    if !r.iter().all(|x| x.is_finite()) {
        return None;
    }
    let scale = (Matrix3::from_diagonal(&svd.singular_values) * d).trace() / src_var;
    if !(scale.is_finite() && scale > 0.0) {
        return None;
    }
    let rotation = Rotation3::from_matrix_unchecked(r);
    let mut err = 0.0;
    for ((v, p), &w) in face.vertices.iter().zip(points).zip(&face.weights) {
        if w > 0.0 {
            let fitted = r * (Vector3::from(*v) - src_c) * scale;
            err += (dst(p) - dst_c - fitted).norm_squared() / (scale * scale) * w;
        }
    }
    Some(Pose {
        rotation,
        angles: angles_of(&rotation),
        residual_cm: (err / wsum).sqrt(),
    })
}
