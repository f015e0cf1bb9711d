//! MediaPipe 468-point face mesh (192×192): crop → landmarks in image pixels + presence score;
//! the next frame's crop from the landmarks (face_landmark_landmarks_to_roi.pbtxt: eye corners
//! 33/263 set the rotation, landmark bounding box ×1.5, square).

use tract_core::prelude::Tensor;

use crate::canonical::LANDMARKS;
use crate::image::{Rgb, RotatedRect};
use crate::tflite::Network;
use crate::VisionError;

const INPUT: usize = 192;

/// Landmarks in image pixels (x right, y down, z depth in the same pixel scale, − = toward the
/// camera) and the face-presence probability.
#[derive(Debug, Clone)]
pub struct FaceMesh {
    pub points: Vec<[f64; 3]>,
    pub presence: f64,
}

/// The face-mesh network.
#[derive(Debug, Clone)]
pub struct MeshModel {
    net: Network,
}

impl MeshModel {
    pub fn new(tflite: &[u8]) -> Result<Self, VisionError> {
        let net = Network::from_tflite("face mesh", tflite)?;
        if net.input_shape != [1, INPUT, INPUT, 3] {
            return Err(VisionError::Model {
                name: "face mesh".into(),
                reason: format!(
                    "input shape {:?}, expected [1, 192, 192, 3]",
                    net.input_shape
                ),
            });
        }
        Ok(MeshModel { net })
    }

    /// Runs the mesh on the crop `rect` of `img`.
    pub fn landmarks(&self, img: &Rgb, rect: &RotatedRect) -> Result<FaceMesh, VisionError> {
        let inference = |e: tract_core::prelude::TractError| VisionError::Inference(e.to_string());
        // The crop is written straight into the network's input tensor.
        // SAFETY: `crop_into` writes every value of the 192×192×3 input.
        let mut input =
            unsafe { Tensor::uninitialized::<f32>(&[1, INPUT, INPUT, 3]) }.map_err(inference)?;
        img.crop_into(
            rect,
            INPUT,
            1.0 / 255.0,
            0.0,
            input
                .try_as_plain_ram_mut()
                .map_err(inference)?
                .as_slice_mut::<f32>()
                .map_err(inference)?,
        );
        let outputs = self.net.run(input)?;
        let coords = outputs.iter().find(|o| o.len() == LANDMARKS * 3);
        let flag = outputs.iter().find(|o| o.len() == 1);
        let (Some(coords), Some(flag)) = (coords, flag) else {
            return Err(VisionError::Inference(
                "face mesh outputs are not 1404 and 1 values".into(),
            ));
        };
        let s = INPUT as f64;
        let points = coords
            .chunks_exact(3)
            .map(|p| {
                let (x, y) = rect.to_image(f64::from(p[0]) / s, f64::from(p[1]) / s);
                [x, y, f64::from(p[2]) / s * rect.width]
            })
            .collect();
        let presence = 1.0 / (1.0 + (-f64::from(flag[0])).exp());
        Ok(FaceMesh { points, presence })
    }
}

impl FaceMesh {
    /// The crop for the next frame, derived from these landmarks.
    pub fn next_rect(&self) -> RotatedRect {
        let [rx, ry, _] = self.points[33];
        let [lx, ly, _] = self.points[263];
        let angle_rad = (ly - ry).atan2(lx - rx);
        // Bounding box in the rotated frame (around the box centre in image coordinates).
        let (min_x, max_x, min_y, max_y) = self.points.iter().fold(
            (f64::MAX, f64::MIN, f64::MAX, f64::MIN),
            |(a, b, c, d), p| (a.min(p[0]), b.max(p[0]), c.min(p[1]), d.max(p[1])),
        );
        let (cx, cy) = ((min_x + max_x) / 2.0, (min_y + max_y) / 2.0);
        let (s, c) = angle_rad.sin_cos();
        let (mut u0, mut u1, mut v0, mut v1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for p in &self.points {
            let (dx, dy) = (p[0] - cx, p[1] - cy);
            let u = c * dx + s * dy;
            let v = -s * dx + c * dy;
            u0 = u0.min(u);
            u1 = u1.max(u);
            v0 = v0.min(v);
            v1 = v1.max(v);
        }
        let (uc, vc) = ((u0 + u1) / 2.0, (v0 + v1) / 2.0);
        let side = (u1 - u0).max(v1 - v0) * 1.5;
        RotatedRect {
            cx: cx + c * uc - s * vc,
            cy: cy + s * uc + c * vc,
            width: side,
            height: side,
            angle_rad,
        }
    }
}
