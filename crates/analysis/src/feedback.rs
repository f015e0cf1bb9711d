//! Biofeedback cues: how far the head is from the target posture, as a zone, a colour and a
//! tone the patient can hear. Pure: one call per angle sample, no allocation.
//!
//! The target zone defaults to 10° around neutral, the TWSTRS tolerance of the "time within
//! 10° of neutral" item (Consky & Lang 1994; `clinical.md`, "Biofeedback": holding within 10°
//! for up to 60 s is an exercise that doubles as a measurement). A therapist may set another
//! target posture (e.g. part-way to neutral for a patient with a fixed posture) and zone.
//! Position feedback of this kind follows the "Torticollis Trainer" (clinical.md): the patient
//! is told when the head leaves the zone and by how much.

use collis_core::Axis;
use serde::{Deserialize, Serialize};

/// Default half-width of the target zone: TWSTRS's 10° (Consky & Lang 1994; clinical.md).
pub const DEFAULT_ZONE_DEG: f64 = crate::hold::TOLERANCE_DEG;
/// Lowest tone (at the zone edge), Hz.
pub const TONE_BASE_HZ: f64 = 220.0;
/// Tone rise per degree outside the zone, Hz; 2 octaves over 30° beyond the edge.
pub const TONE_HZ_PER_DEG: f64 = 22.0;
/// Highest tone, Hz (two octaves above the base).
pub const TONE_MAX_HZ: f64 = 880.0;

/// The patient's feedback settings (per subject).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FeedbackSettings {
    /// Target posture `[rotation, tilt, flexion]`, degrees (neutral = 0).
    pub target_deg: [f64; 3],
    /// Half-width of the target zone, degrees, on each checked axis.
    pub zone_deg: f64,
    /// Which axes are checked `[rotation, tilt, flexion]` (rotation off when unreferenced).
    pub axes: [bool; 3],
    /// No tone while the head is in the zone.
    pub quiet_when_good: bool,
}

impl Default for FeedbackSettings {
    fn default() -> Self {
        FeedbackSettings {
            target_deg: [0.0; 3],
            zone_deg: DEFAULT_ZONE_DEG,
            axes: [true; 3],
            quiet_when_good: true,
        }
    }
}

/// The cue colour: in the zone, within twice its width, beyond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Colour {
    Green,
    Amber,
    Red,
}

/// What the patient is shown and hears for one sample.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Cue {
    /// Angle minus target per axis, degrees.
    pub deviation_deg: [f64; 3],
    /// The largest absolute deviation over the checked axes, degrees.
    pub worst_deg: f64,
    /// The axis with the largest deviation.
    pub worst_axis: Axis,
    pub in_zone: bool,
    pub colour: Colour,
    /// Tone frequency; `None` = silent.
    pub tone_hz: Option<f64>,
}

impl FeedbackSettings {
    /// The cue for head angles `[rotation, tilt, flexion]` in degrees.
    pub fn cue(&self, angles_deg: &[f64; 3]) -> Cue {
        let deviation_deg: [f64; 3] = std::array::from_fn(|i| angles_deg[i] - self.target_deg[i]);
        let (mut worst_deg, mut worst_axis) = (0.0, Axis::Rotation);
        for (i, axis) in Axis::ALL.into_iter().enumerate() {
            let d = deviation_deg[i].abs();
            if self.axes[i] && d.is_finite() && d > worst_deg {
                worst_deg = d;
                worst_axis = axis;
            }
        }
        let in_zone = worst_deg <= self.zone_deg;
        let colour = if in_zone {
            Colour::Green
        } else if worst_deg <= 2.0 * self.zone_deg {
            Colour::Amber
        } else {
            Colour::Red
        };
        let beyond = (worst_deg - self.zone_deg).max(0.0);
        let tone_hz = (!(in_zone && self.quiet_when_good))
            .then(|| (TONE_BASE_HZ + TONE_HZ_PER_DEG * beyond).min(TONE_MAX_HZ));
        Cue {
            deviation_deg,
            worst_deg,
            worst_axis,
            in_zone,
            colour,
            tone_hz,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_colour_and_tone_follow_the_deviation() {
        let s = FeedbackSettings::default();
        let c = s.cue(&[3.0, -9.9, 1.0]);
        assert!(c.in_zone && c.colour == Colour::Green && c.tone_hz.is_none());
        assert_eq!(c.worst_axis, Axis::Tilt);
        let c = s.cue(&[-15.0, 2.0, 0.0]);
        assert_eq!(
            (c.in_zone, c.colour, c.worst_axis),
            (false, Colour::Amber, Axis::Rotation)
        );
        assert!((c.tone_hz.unwrap() - (TONE_BASE_HZ + 5.0 * TONE_HZ_PER_DEG)).abs() < 1e-9);
        let c = s.cue(&[0.0, 0.0, 45.0]);
        assert_eq!(c.colour, Colour::Red);
        assert_eq!(c.tone_hz, Some(TONE_MAX_HZ));
    }

    #[test]
    fn target_posture_unchecked_axes_and_tone_in_zone() {
        let s = FeedbackSettings {
            target_deg: [20.0, 0.0, 0.0],
            axes: [true, true, false],
            quiet_when_good: false,
            ..Default::default()
        };
        let c = s.cue(&[25.0, 0.0, 40.0]);
        assert!(
            c.in_zone,
            "flexion is not checked, rotation is 5° from its target"
        );
        assert_eq!(c.deviation_deg[0], 5.0);
        assert_eq!(c.tone_hz, Some(TONE_BASE_HZ));
        assert!(!s.cue(&[f64::NAN, 12.0, 0.0]).in_zone);
    }
}
