//! Collis analyses: everything between samples and results, pure (no I/O, no clock).
//!
//! `samples → orientation → head angles → analyses → results`:
//! - [`orientation`]: VQF 6D/9D fusion, sensor → earth (ENU): whole-recording for files,
//!   causal for live streams;
//! - [`head_angles`]: mounting, trunk and neutral reference → rotation / tilt / flexion;
//! - [`pipeline`]: the inertial stages above, streaming over iterators;
//! - [`posture`], [`motion`], [`tremor`], [`jerks`], [`spasms`], [`hold`], [`rom`]: the analyses;
//! - [`twstrs`]: TWSTRS severity items with evidence; [`trace`]: binned angles for plots;
//! - [`uncertainty`]: 95 % bounds on the posture figures, and the items they leave unscored;
//! - [`pattern`]: movement-pattern profile (decision support), with [`tremor_shape`];
//! - [`sensory_trick`]: posture and tremor with and without the geste antagoniste;
//! - [`emg`]: surface EMG of neck muscles (two streaming passes: calibration, analysis);
//! - [`live`]: a live head-sensor session (neutral hold, then angles), with [`feedback`] cues;
//! - [`analyzer`]: one streaming pass feeding every analysis; [`results`] assembles the schema.

pub mod analyzer;
pub mod emg;
pub mod exercise;
pub mod feedback;
pub mod head_angles;
pub mod hold;
pub mod jerks;
pub mod live;
pub mod motion;
pub mod orientation;
pub mod pattern;
pub mod pipeline;
pub mod posture;
pub mod results;
pub mod rom;
pub mod sensory_trick;
pub mod smoothing;
pub mod spasms;
pub mod sufficiency;
pub mod trace;
pub mod tremor;
pub mod tremor_shape;
pub mod twstrs;
pub mod uncertainty;

pub use analyzer::{Analysis, AnalysisConfig, Analyzer};

/// One state per clinical axis (rotation, tilt, flexion), or `None` if any cannot be made
/// (e.g. a filter cut-off beyond Nyquist).
fn per_axis<T>(mut make: impl FnMut() -> Option<T>) -> Option<[T; 3]> {
    Some([make()?, make()?, make()?])
}
pub use orientation::Orientation;
pub use pipeline::{AngleStream, ImuConfig, PipelineError, PipelineErrorOr};
