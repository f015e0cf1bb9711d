//! The one error type of collis-vision.

use std::path::PathBuf;

/// Everything that can go wrong between a file on disk and a head pose.
#[derive(Debug, thiserror::Error)]
pub enum VisionError {
    #[error("models in {dir}: {reason}")]
    Models { dir: PathBuf, reason: String },
    #[error("fetching models: {0}")]
    Fetch(String),
    #[error("model {name}: {reason}")]
    Model { name: String, reason: String },
    #[error("inference failed: {0}")]
    Inference(String),
    #[error("{path}: {reason}")]
    Image { path: PathBuf, reason: String },
    #[error("{path}: {reason}")]
    Video { path: PathBuf, reason: String },
}
