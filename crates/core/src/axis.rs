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

    /// A posture along this axis in clinical words, the size without a sign: "28° to the left
    /// (left torticollis)", "12° toward the right shoulder (right laterocollis)", "8° chin up
    /// (retrocollis)"; below [`NONE_BELOW_DEG`] "within 5° of neutral", as the TWSTRS items
    /// score it (none), so the words and the item never disagree.
    pub fn posture_words(self, value_deg: f64) -> String {
        let size = value_deg.abs();
        match self.posture_name(value_deg) {
            None => format!("{size:.1}°, within {NONE_BELOW_DEG:.0}° of neutral"),
            Some(name) => {
                let way = match (self, value_deg > 0.0) {
                    (Axis::Rotation, true) => "to the right",
                    (Axis::Rotation, false) => "to the left",
                    (Axis::Tilt, true) => "toward the right shoulder",
                    (Axis::Tilt, false) => "toward the left shoulder",
                    (Axis::Flexion, true) => "chin down",
                    (Axis::Flexion, false) => "chin up",
                };
                format!("{size:.1}° {way} ({name})")
            }
        }
    }

    /// The name of a posture along this axis ("left torticollis", "retrocollis"); `None`
    /// within [`NONE_BELOW_DEG`] of neutral.
    pub fn posture_name(self, value_deg: f64) -> Option<&'static str> {
        if value_deg.abs() < NONE_BELOW_DEG {
            return None;
        }
        Some(match (self, value_deg > 0.0) {
            (Axis::Rotation, true) => "right torticollis",
            (Axis::Rotation, false) => "left torticollis",
            (Axis::Tilt, true) => "right laterocollis",
            (Axis::Tilt, false) => "left laterocollis",
            (Axis::Flexion, true) => "anterocollis",
            (Axis::Flexion, false) => "retrocollis",
        })
    }
}

/// A posture within this many degrees of neutral is "none" (TWSTRS severity items, Consky &
/// Lang 1994, bands in clinical.md; the Collis choice of 5° is argued in
/// `collis_analysis::twstrs`: head-pose error of 2.8–3.9° MAE, TVST 2016, and normal posture
/// varying by a few degrees).
pub const NONE_BELOW_DEG: f64 = 5.0;

impl std::fmt::Display for Axis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postures_in_words_agree_with_the_none_band() {
        assert_eq!(
            Axis::Rotation.posture_words(-28.04),
            "28.0° to the left (left torticollis)"
        );
        assert_eq!(
            Axis::Tilt.posture_words(12.0),
            "12.0° toward the right shoulder (right laterocollis)"
        );
        assert_eq!(
            Axis::Flexion.posture_words(-8.0),
            "8.0° chin up (retrocollis)"
        );
        // −2.5° was called retrocollis while the item said none.
        assert_eq!(
            Axis::Flexion.posture_words(-2.5),
            "2.5°, within 5° of neutral"
        );
    }
}
