//! The three clinical head axes and their sign conventions (one convention everywhere in Collis).

use serde::{Deserialize, Serialize};

/// A clinical head axis. Signs (patient's point of view):
/// - `Rotation` (torticollis): + = chin to the patient's right;
/// - `Tilt` (laterocollis): + = right ear toward the right shoulder;
/// - `Flexion` (antero/retrocollis): + = chin down (anterocollis), − = retrocollis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Axis {
    Rotation = 0,
    Tilt = 1,
    Flexion = 2,
}

impl Axis {
    pub const ALL: [Axis; 3] = [Axis::Rotation, Axis::Tilt, Axis::Flexion];

    pub fn name(self) -> &'static str {
        match self {
            Axis::Rotation => "rotation",
            Axis::Tilt => "tilt",
            Axis::Flexion => "flexion",
        }
    }

    /// The clinical word for a deviation along this axis with the given sign.
    pub fn describe(self, value_deg: f64) -> &'static str {
        match (self, value_deg >= 0.0) {
            (Axis::Rotation, true) => "chin to the right",
            (Axis::Rotation, false) => "chin to the left",
            (Axis::Tilt, true) => "right ear toward right shoulder",
            (Axis::Tilt, false) => "left ear toward left shoulder",
            (Axis::Flexion, true) => "chin down (anterocollis)",
            (Axis::Flexion, false) => "head back (retrocollis)",
        }
    }
}

impl std::fmt::Display for Axis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
