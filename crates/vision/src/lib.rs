//! Face video and images → head pose, for the same clinical analysis as the head sensor.
//!
//! Pipeline: image/frame → MediaPipe short-range face detector → rotated square crop → MediaPipe
//! 468-point face mesh → weighted Procrustes fit onto MediaPipe's canonical face → rotation
//! matrix → clinical `rotation/tilt/flexion` (collis-core's frame convention); with several faces
//! in view, the largest is measured (`faces`).
//! Models come from registry packages (`models`), run in tract through a small TFLite importer
//! (`tflite`); video frames come from the `ffmpeg` program (`video`).

pub mod canonical;
pub mod detector;
mod error;
pub mod estimator;
pub mod faces;
pub mod image;
mod kernels;
pub mod mesh;
pub mod models;
pub mod overlay;
pub mod pose;
pub mod still;
pub mod synth;
pub mod tflite;
pub mod track;
pub mod video;

pub use error::VisionError;
pub use estimator::{Estimator, Faces, FramePose, Tracker};
pub use faces::FaceChoice;
