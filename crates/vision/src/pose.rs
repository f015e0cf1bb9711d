//! Head pose from face-mesh landmarks: weighted Procrustes (rotation, scale, translation) of
//! MediaPipe's canonical face onto the landmarks with MediaPipe's 33 landmark weights
//! (as in mediapipe/modules/face_geometry/libs/procrustes_solver.cc, Umeyama 1991), under a
//! weak-perspective camera; the rotation is expressed in collis-core's clinical head frame.
//!
//! Frames (those of [`collis_core::camera`]): the canonical face has x = subject's left, y = up,
//! z = out of the face (toward the camera when frontal). The camera frame used here is x = image
//! right, y = image up, z = toward the viewer. Clinical head frame (collis-core): x forward, y
//! left, z up; the reference frame is the camera's with the same axes (forward = toward the
//! camera), so camera-frontal = neutral.

use collis_core::HeadAngles;
use nalgebra::{Matrix3, Rotation3, Vector3};

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

/// The canonical → camera rotation to clinical angles conversion lives in collis-core (shared
/// with imported head poses such as OpenFace CSV); re-exported here.
pub use collis_core::camera::{angles_of, rotation_of};

/// One weighted Procrustes solve (Umeyama): rotation, scale and the two centroids, so that
/// `dst ≈ scale · r · (src − src_c) + dst_c`.
pub(crate) struct Similarity {
    pub r: Matrix3<f64>,
    pub scale: f64,
    pub src_c: Vector3<f64>,
    pub dst_c: Vector3<f64>,
}

pub(crate) fn procrustes(
    src: &[[f64; 3]],
    dst: &[Vector3<f64>],
    weights: &[f64],
) -> Option<Similarity> {
    let mut wsum = 0.0;
    let mut src_c = Vector3::zeros();
    let mut dst_c = Vector3::zeros();
    for ((v, d), &w) in src.iter().zip(dst).zip(weights) {
        if w > 0.0 {
            wsum += w;
            src_c += Vector3::from(*v) * w;
            dst_c += d * w;
        }
    }
    if wsum <= 0.0 {
        return None;
    }
    src_c /= wsum;
    dst_c /= wsum;
    let mut cov = Matrix3::zeros();
    let mut src_var = 0.0;
    for ((v, d), &w) in src.iter().zip(dst).zip(weights) {
        if w > 0.0 {
            let s = Vector3::from(*v) - src_c;
            cov += (d - dst_c) * s.transpose() * w;
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
    let scale = (Matrix3::from_diagonal(&svd.singular_values) * d).trace() / src_var;
    (r.iter().all(|x| x.is_finite()) && scale.is_finite() && scale > 0.0).then_some(Similarity {
        r,
        scale,
        src_c,
        dst_c,
    })
}

/// Fits the pose of image-pixel landmarks (x right, y down, z − toward the camera).
/// Returns `None` when the fit is degenerate. The mesh's z is used as given (same pixel scale
/// as x): replacing it by the fitted model's depth (a 2-D-only fit) changed the known-angle
/// errors by < 2° and not for the better, so the plain 3-D fit is kept, as in MediaPipe.
pub fn fit(face: &CanonicalFace, points: &[[f64; 3]]) -> Option<Pose> {
    if points.len() != face.vertices.len() {
        return None;
    }
    let dst: Vec<Vector3<f64>> = points
        .iter()
        .map(|p| Vector3::new(p[0], -p[1], -p[2]))
        .collect();
    let sim = procrustes(&face.vertices, &dst, &face.weights)?;
    let mut err = 0.0;
    let mut wsum = 0.0;
    for ((v, d), &w) in face.vertices.iter().zip(&dst).zip(&face.weights) {
        if w > 0.0 {
            let fitted = sim.r * (Vector3::from(*v) - sim.src_c) * sim.scale + sim.dst_c;
            err += (d - fitted).norm_squared() / (sim.scale * sim.scale) * w;
            wsum += w;
        }
    }
    let rotation = Rotation3::from_matrix_unchecked(sim.r);
    Some(Pose {
        rotation,
        angles: angles_of(&rotation),
        residual_cm: (err / wsum).sqrt(),
    })
}
