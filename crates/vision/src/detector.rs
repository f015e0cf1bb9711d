//! MediaPipe short-range face detector (BlazeFace, 128×128): anchors, decoding, blending.
//!
//! Follows mediapipe/modules/face_detection/face_detection_short_range.pbtxt (SSD anchors:
//! 4 layers, strides 8/16/16/16, 2 anchors per cell per layer, fixed size, offset 0.5; box and
//! keypoint offsets divided by 128; score = sigmoid(logit clipped to ±100), threshold 0.5;
//! weighted non-max suppression with IoU 0.3). The input is letterboxed (aspect kept).

use tract_core::prelude::Tensor;

use crate::faces::FaceBox;
use crate::image::{Rgb, RotatedRect};
use crate::tflite::Network;
use crate::VisionError;

const INPUT: usize = 128;
const ANCHORS: usize = 896;
const MIN_SCORE: f32 = 0.5;
const NMS_IOU: f64 = 0.3;

/// One detected face in image pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    pub score: f32,
    /// Box centre and size.
    pub cx: f64,
    pub cy: f64,
    pub width: f64,
    pub height: f64,
    /// Six keypoints: right eye, left eye, nose tip, mouth, right ear, left ear (subject's sides).
    pub keypoints: [(f64, f64); 6],
}

/// The face detector.
#[derive(Debug, Clone)]
pub struct FaceDetector {
    net: Network,
    anchors: Vec<(f32, f32)>,
}

fn anchors() -> Vec<(f32, f32)> {
    // Consecutive layers with the same stride share one grid: stride 8 → 2 anchors per cell
    // (16×16), stride 16 (three layers) → 6 anchors per cell (8×8).
    let mut out = Vec::with_capacity(ANCHORS);
    for (stride, per_cell) in [(8usize, 2usize), (16, 6)] {
        let n = INPUT / stride;
        for y in 0..n {
            for x in 0..n {
                for _ in 0..per_cell {
                    out.push(((x as f32 + 0.5) / n as f32, (y as f32 + 0.5) / n as f32));
                }
            }
        }
    }
    out
}

impl FaceDetector {
    pub fn new(tflite: &[u8]) -> Result<Self, VisionError> {
        let net = Network::from_tflite("face detector", tflite)?;
        if net.input_shape != [1, INPUT, INPUT, 3] {
            return Err(VisionError::Model {
                name: "face detector".into(),
                reason: format!(
                    "input shape {:?}, expected [1, 128, 128, 3]",
                    net.input_shape
                ),
            });
        }
        Ok(FaceDetector {
            net,
            anchors: anchors(),
        })
    }

    /// All faces (after weighted NMS), best score first (which one to measure: [`crate::faces`]).
    pub fn detect(&self, img: &Rgb) -> Result<Vec<Detection>, VisionError> {
        let side = img.width.max(img.height) as f64;
        let letterbox = RotatedRect {
            cx: img.width as f64 / 2.0,
            cy: img.height as f64 / 2.0,
            width: side,
            height: side,
            angle_rad: 0.0,
        };
        let mut buf = vec![0f32; INPUT * INPUT * 3];
        img.crop_into(&letterbox, INPUT, 2.0 / 255.0, -1.0, &mut buf);
        let input = Tensor::from_shape(&[1, INPUT, INPUT, 3], &buf)
            .map_err(|e| VisionError::Inference(e.to_string()))?;
        let outputs = self.net.run(input)?;
        let boxes = outputs.iter().find(|o| o.len() == ANCHORS * 16);
        let logits = outputs.iter().find(|o| o.len() == ANCHORS);
        let (Some(boxes), Some(logits)) = (boxes, logits) else {
            return Err(VisionError::Inference(
                "face detector outputs are not 896×16 and 896×1".into(),
            ));
        };
        let x0 = letterbox.cx - side / 2.0;
        let y0 = letterbox.cy - side / 2.0;
        let to_img = |nx: f32, ny: f32| (x0 + f64::from(nx) * side, y0 + f64::from(ny) * side);
        let mut candidates: Vec<Detection> = Vec::new();
        for (i, &(ax, ay)) in self.anchors.iter().enumerate() {
            let score = 1.0 / (1.0 + (-logits[i].clamp(-100.0, 100.0)).exp());
            if score < MIN_SCORE {
                continue;
            }
            let r = &boxes[i * 16..(i + 1) * 16];
            let s = INPUT as f32;
            let (cx, cy) = to_img(r[0] / s + ax, r[1] / s + ay);
            let mut keypoints = [(0.0, 0.0); 6];
            for (k, kp) in keypoints.iter_mut().enumerate() {
                *kp = to_img(r[4 + 2 * k] / s + ax, r[5 + 2 * k] / s + ay);
            }
            candidates.push(Detection {
                score,
                cx,
                cy,
                width: f64::from(r[2] / s) * side,
                height: f64::from(r[3] / s) * side,
                keypoints,
            });
        }
        candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
        // Weighted NMS: each kept detection is the score-weighted mean of its overlapping group.
        let mut out = Vec::new();
        while let Some(best) = candidates.first().cloned() {
            let (group, rest): (Vec<Detection>, Vec<Detection>) = candidates
                .into_iter()
                .partition(|d| best.face_box().iou(&d.face_box()) > NMS_IOU);
            candidates = rest;
            let total: f64 = group.iter().map(|d| f64::from(d.score)).sum();
            let mut blended = best.clone();
            let mean = |f: &dyn Fn(&Detection) -> f64| {
                group.iter().map(|d| f(d) * f64::from(d.score)).sum::<f64>() / total
            };
            blended.cx = mean(&|d| d.cx);
            blended.cy = mean(&|d| d.cy);
            blended.width = mean(&|d| d.width);
            blended.height = mean(&|d| d.height);
            for k in 0..6 {
                blended.keypoints[k] = (mean(&|d| d.keypoints[k].0), mean(&|d| d.keypoints[k].1));
            }
            out.push(blended);
        }
        Ok(out)
    }
}

impl Detection {
    /// The detector's box.
    pub fn face_box(&self) -> FaceBox {
        FaceBox {
            cx: self.cx,
            cy: self.cy,
            width: self.width,
            height: self.height,
        }
    }

    /// The face-mesh crop for this detection: box centre, 1.5× the longer side, square, rotated
    /// so the eye line is horizontal (face_detection_front_detection_to_roi.pbtxt).
    pub fn mesh_rect(&self) -> RotatedRect {
        let (rx, ry) = self.keypoints[0];
        let (lx, ly) = self.keypoints[1];
        let side = self.width.max(self.height) * 1.5;
        RotatedRect {
            cx: self.cx,
            cy: self.cy,
            width: side,
            height: side,
            angle_rad: (ly - ry).atan2(lx - rx),
        }
    }
}
