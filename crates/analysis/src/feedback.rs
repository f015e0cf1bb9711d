//! Biofeedback cues: how far the head is from the target posture, as a zone, a colour and a
//! tone the patient can hear. Pure: one call per angle sample, no allocation.
//!
//! The target zone defaults to 10° around neutral, the TWSTRS tolerance of the "time within
//! 10° of neutral" item (Consky & Lang 1994; `clinical.md`, "Biofeedback": holding within 10°
//! for up to 60 s is an exercise that doubles as a measurement). A therapist may set another
//! target posture (e.g. part-way to neutral for a patient with a fixed posture) and zone.
//! Position feedback of this kind follows the "Torticollis Trainer" (clinical.md): the patient
//! is told when the head leaves the zone and by how much.
//!
//! EMG biofeedback ([`LevelTarget`]: a muscle's envelope kept below a level, or brought above
//! one) uses the same zones, colours and tones, with the distance measured in multiples of
//! the target level instead of degrees (clinical.md, "Biofeedback": EMG biofeedback of the
//! sternocleidomastoid lowered its EMG, Jahanshahi 1991).

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
/// EMG: tone rise per target-multiple beyond the target, Hz; 2 octaves when a relaxing
/// muscle is at 3× its target level (an activating one at a third of it).
pub const TONE_HZ_PER_TARGET: f64 = (TONE_MAX_HZ - TONE_BASE_HZ) / 2.0;

/// In the zone when `distance ≤ zone`; amber within twice the zone, red beyond; the tone
/// rises by `hz_per_unit` per unit of distance beyond the zone (silent in the zone when
/// `quiet`). NaN is out of the zone.
fn zone_cue(
    distance: f64,
    zone: f64,
    hz_per_unit: f64,
    quiet: bool,
) -> (bool, Colour, Option<f64>) {
    let in_zone = distance <= zone;
    let colour = if in_zone {
        Colour::Green
    } else if distance <= 2.0 * zone {
        Colour::Amber
    } else {
        Colour::Red
    };
    let beyond = (distance - zone).max(0.0);
    let tone_hz =
        (!(in_zone && quiet)).then(|| (TONE_BASE_HZ + hz_per_unit * beyond).min(TONE_MAX_HZ));
    (in_zone, colour, tone_hz)
}

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
        let (in_zone, colour, tone_hz) = zone_cue(
            worst_deg,
            self.zone_deg,
            TONE_HZ_PER_DEG,
            self.quiet_when_good,
        );
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

impl Cue {
    /// What the patient should do, in plain words about their own body (left and right are
    /// the patient's, as in the mirrored preview): the movement that brings the axis furthest
    /// from its target back, "a little" within twice the zone (amber), "stay like this" in it.
    /// For the patient view, where "14° tilt" would mean nothing; the signs are those of
    /// [`Axis`] (+ rotation = chin to the right, + tilt = right ear down, + flexion = chin
    /// down), so a positive deviation asks for the opposite movement.
    pub fn say(&self) -> &'static str {
        if self.in_zone {
            return "Good: stay just like this";
        }
        let beyond = self.deviation_deg[self.worst_axis as usize] > 0.0;
        match (self.worst_axis, beyond, self.colour == Colour::Amber) {
            (Axis::Rotation, true, true) => "Turn your chin a little to the left",
            (Axis::Rotation, true, false) => "Turn your chin to the left",
            (Axis::Rotation, false, true) => "Turn your chin a little to the right",
            (Axis::Rotation, false, false) => "Turn your chin to the right",
            (Axis::Tilt, true, true) => "Bring your right ear up a little",
            (Axis::Tilt, true, false) => "Bring your right ear up",
            (Axis::Tilt, false, true) => "Bring your left ear up a little",
            (Axis::Tilt, false, false) => "Bring your left ear up",
            (Axis::Flexion, true, true) => "Lift your chin a little",
            (Axis::Flexion, true, false) => "Lift your chin",
            (Axis::Flexion, false, true) => "Lower your chin a little",
            (Axis::Flexion, false, false) => "Lower your chin",
        }
    }
}

/// Where a muscle's EMG level should be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LevelGoal {
    /// At or below the target (relax).
    Below,
    /// At or above the target (activate).
    Above,
}

/// A target on a muscle's EMG level (any positive scale: × rest, % MVC).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LevelTarget {
    pub goal: LevelGoal,
    pub target: f64,
    /// No tone while the level is in the zone.
    pub quiet_when_good: bool,
}

/// What the patient is shown and hears for one muscle's level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LevelCue {
    pub level: f64,
    pub target: f64,
    pub in_zone: bool,
    pub colour: Colour,
    /// Tone frequency; `None` = silent.
    pub tone_hz: Option<f64>,
}

impl LevelTarget {
    /// The cue for `level`: the distance is `level / target` when relaxing and
    /// `target / level` when activating, so the zone ends at 1 and amber at 2.
    pub fn cue(&self, level: f64) -> LevelCue {
        let distance = match self.goal {
            LevelGoal::Below => level / self.target,
            LevelGoal::Above => self.target / level.max(f64::MIN_POSITIVE),
        };
        let (in_zone, colour, tone_hz) =
            zone_cue(distance, 1.0, TONE_HZ_PER_TARGET, self.quiet_when_good);
        LevelCue {
            level,
            target: self.target,
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
    fn plain_words_ask_for_the_movement_back_to_the_target() {
        let s = FeedbackSettings::default();
        // Chin 28° to the right: turn it left; 15° (amber) only a little.
        assert_eq!(s.cue(&[28.0, 0.0, 0.0]).say(), "Turn your chin to the left");
        assert_eq!(
            s.cue(&[-15.0, 0.0, 0.0]).say(),
            "Turn your chin a little to the right"
        );
        // Right ear down (+ tilt): bring it up; left ear down: the left one.
        assert_eq!(s.cue(&[0.0, 25.0, 0.0]).say(), "Bring your right ear up");
        assert_eq!(
            s.cue(&[0.0, -14.0, 0.0]).say(),
            "Bring your left ear up a little"
        );
        // Chin down (anterocollis): lift it; chin up (retrocollis): lower it.
        assert_eq!(s.cue(&[0.0, 0.0, 30.0]).say(), "Lift your chin");
        assert_eq!(s.cue(&[0.0, 0.0, -30.0]).say(), "Lower your chin");
        assert_eq!(s.cue(&[3.0, -4.0, 2.0]).say(), "Good: stay just like this");
        // Against a target of 20° right, 35° right is too far right.
        let toward = FeedbackSettings {
            target_deg: [20.0, 0.0, 0.0],
            ..Default::default()
        };
        assert_eq!(
            toward.cue(&[35.0, 0.0, 0.0]).say(),
            "Turn your chin a little to the left"
        );
        assert_eq!(
            toward.cue(&[0.0, 0.0, 0.0]).say(),
            "Turn your chin a little to the right"
        );
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

    #[test]
    fn level_cues_relax_below_and_activate_above_the_target() {
        let relax = LevelTarget {
            goal: LevelGoal::Below,
            target: 2.0,
            quiet_when_good: true,
        };
        let c = relax.cue(1.5);
        assert!(c.in_zone && c.colour == Colour::Green && c.tone_hz.is_none());
        let c = relax.cue(3.0);
        assert_eq!((c.in_zone, c.colour), (false, Colour::Amber));
        assert!((c.tone_hz.unwrap() - (TONE_BASE_HZ + 0.5 * TONE_HZ_PER_TARGET)).abs() < 1e-9);
        assert_eq!(relax.cue(6.0).tone_hz, Some(TONE_MAX_HZ));
        assert_eq!(relax.cue(f64::NAN).colour, Colour::Red);
        let activate = LevelTarget {
            goal: LevelGoal::Above,
            target: 10.0,
            quiet_when_good: false,
        };
        let c = activate.cue(12.0);
        assert!(c.in_zone && c.tone_hz == Some(TONE_BASE_HZ));
        assert_eq!(activate.cue(6.0).colour, Colour::Amber);
        assert_eq!(activate.cue(0.0).colour, Colour::Red);
    }
}
