//! Guided exercises of a live session, pure: what each one is (its name, the task it is
//! stored as, its default length), where a sensory-trick trial is at a given time, and which
//! finished sessions an exercise refuses to score. The web server runs them; the rules live
//! here, beside the analyses that score them.

use crate::rom::MIN_EXERCISED_DEG;
use collis_core::results::{Results, Task};
use serde::Serialize;

/// The TWSTRS hold item observes up to 60 s (Consky & Lang 1994; clinical.md).
pub const HOLD_NEUTRAL_S: f64 = crate::hold::HOLD_ITEM_S;
/// Default sensory-trick trial: 15 s without, 15 s with the trick, 15 s after (TWSTRS-2
/// counts a benefit lasting ≥ 5 s: clinical.md, Comella 2016).
pub const TRICK_TRIAL_S: f64 = 45.0;

/// An exercise: what the patient does after the neutral hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Exercise {
    /// Hold the head within the zone for up to 60 s: the TWSTRS time-in-neutral item.
    HoldNeutral,
    /// Turn, tilt and flex to each side as far as possible: range of motion.
    Rom,
    /// Sensory-trick trial: a third without the trick, a third with it, a third after.
    SensoryTrick,
    /// Relax with the tremor shown.
    Relaxation,
    /// Feedback with no set end.
    Free,
}

impl std::str::FromStr for Exercise {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "hold-neutral" => Exercise::HoldNeutral,
            "rom" => Exercise::Rom,
            "sensory-trick" => Exercise::SensoryTrick,
            "relaxation" => Exercise::Relaxation,
            "free" => Exercise::Free,
            _ => {
                return Err(format!(
                    "unknown exercise '{s}': hold-neutral, rom, sensory-trick, relaxation or free"
                ))
            }
        })
    }
}

/// The part of a sensory-trick trial the patient is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrickPhase {
    WithoutTrick,
    WithTrick,
    AfterTrick,
}

impl Exercise {
    /// The task the session is stored as.
    pub fn task(self) -> Task {
        match self {
            Exercise::HoldNeutral => Task::HoldNeutral,
            Exercise::Rom => Task::Rom,
            Exercise::SensoryTrick => Task::SensoryTrick,
            Exercise::Relaxation | Exercise::Free => Task::Exercise,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Exercise::HoldNeutral => "hold-neutral",
            Exercise::Rom => "rom",
            Exercise::SensoryTrick => "sensory-trick",
            Exercise::Relaxation => "relaxation",
            Exercise::Free => "free",
        }
    }

    /// Seconds after the neutral hold when none are given: the hold item's 60 s, the trick
    /// trial's 45 s; the others run until stopped.
    pub fn default_seconds(self) -> Option<f64> {
        match self {
            Exercise::HoldNeutral => Some(HOLD_NEUTRAL_S),
            Exercise::SensoryTrick => Some(TRICK_TRIAL_S),
            _ => None,
        }
    }

    /// Where a sensory-trick trial of `seconds` is at `since_hold_s` after the neutral hold;
    /// `None` for the other exercises.
    pub fn trick_phase(self, seconds: Option<f64>, since_hold_s: f64) -> Option<TrickPhase> {
        let d = seconds.filter(|_| self == Exercise::SensoryTrick)?;
        Some(if since_hold_s < d / 3.0 {
            TrickPhase::WithoutTrick
        } else if since_hold_s < 2.0 * d / 3.0 {
            TrickPhase::WithTrick
        } else {
            TrickPhase::AfterTrick
        })
    }

    /// The trick's span `[start, end]` in a sensory-trick trial of `seconds` whose neutral
    /// hold ends at `hold_end_s`: the middle third.
    pub fn trick_s(self, seconds: Option<f64>, hold_end_s: f64) -> Vec<[f64; 2]> {
        match (self, seconds) {
            (Exercise::SensoryTrick, Some(d)) => {
                vec![[hold_end_s + d / 3.0, hold_end_s + 2.0 * d / 3.0]]
            }
            _ => Vec::new(),
        }
    }

    /// Why a finished session of this exercise is not scored (nor stored), if so: a range of
    /// motion in which no axis moved through [`MIN_EXERCISED_DEG`].
    pub fn refusal(self, results: &Results) -> Option<String> {
        (self == Exercise::Rom && results.measurements.twstrs.range_of_motion.is_none()).then(|| {
            format!(
                "No movement was made (less than {MIN_EXERCISED_DEG:.0}° on every axis): range of motion needs turning, tilting and bending as far as you can. Nothing was scored or stored; start again and follow the steps."
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exercises_parse_name_and_split_a_trick_trial_in_thirds() {
        for e in [
            Exercise::HoldNeutral,
            Exercise::Rom,
            Exercise::SensoryTrick,
            Exercise::Relaxation,
            Exercise::Free,
        ] {
            assert_eq!(e.name().parse::<Exercise>(), Ok(e));
        }
        assert!("juggle"
            .parse::<Exercise>()
            .unwrap_err()
            .contains("unknown"));
        let t = Exercise::SensoryTrick;
        assert_eq!(
            t.trick_phase(Some(45.0), 1.0),
            Some(TrickPhase::WithoutTrick)
        );
        assert_eq!(t.trick_phase(Some(45.0), 20.0), Some(TrickPhase::WithTrick));
        assert_eq!(
            t.trick_phase(Some(45.0), 40.0),
            Some(TrickPhase::AfterTrick)
        );
        assert_eq!(Exercise::Rom.trick_phase(Some(45.0), 20.0), None);
        assert_eq!(t.trick_s(Some(45.0), 3.0), vec![[18.0, 33.0]]);
        assert_eq!(Exercise::HoldNeutral.default_seconds(), Some(60.0));
        assert_eq!(Exercise::Free.default_seconds(), None);
    }
}
