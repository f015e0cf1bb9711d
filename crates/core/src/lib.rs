//! Collis core: the types every stage of the pipeline shares.
//!
//! `sources → samples → orientation → head angles → analyses → results`:
//! this crate owns the *samples* ([`ImuSample`]), the *head angles* ([`AngleSample`], [`Axis`]),
//! the clinical frame and mounting conventions ([`frame`], [`mounting`]), the camera-view
//! conversion of a face rotation into clinical angles ([`camera`]) and the one versioned
//! results schema ([`results`]). It does no I/O.

pub mod axis;
pub mod camera;
pub mod emg;
pub mod frame;
pub mod mounting;
pub mod pattern;
pub mod results;
pub mod sample;

pub use axis::Axis;
pub use frame::{angles_from_head_quat, head_quat_from_angles, HeadAngles};
pub use mounting::{Direction, Mounting, MountingError};
pub use sample::{AngleSample, ImuSample};
