//! Minimum analysable durations: below them a figure is absent, with the reason, and nothing
//! clinical is scored from it.
//!
//! A 0.6-s file would otherwise read "TWSTRS 0/16, within normal limits": true of the samples,
//! wrong about the patient. No rating scale states a minimum observation; Elble et al. 2016
//! (PMC6174406; clinical.md) record 1 min per head position. The minimums below are Collis
//! defaults, each stated with its reasoning where it is defined and in every result it
//! removes:
//! - posture medians (and the TWSTRS posture items) need [`POSTURE_MIN_S`];
//! - tremor needs [`TREMOR_MIN_S`];
//! - the TWSTRS duration factor and the movement-pattern profile need [`OBSERVATION_MIN_S`];
//! - the hold item needs the hold to end, or the 60 s the item observes;
//! - a sensory-trick phase (baseline, trick) needs [`crate::sensory_trick::PHASE_MIN_S`].

use crate::hold::HOLD_ITEM_S;
use collis_core::results::{NeutralHold, NotAssessed, Pattern, Posture, Tremor, Twstrs, Unscored};
use collis_core::Axis;

/// Posture medians: 10 s, so that no single spasm or trick (a few seconds) holds half the
/// samples, and twice the TWSTRS-2's 5-s persistence rule (Comella 2016; clinical.md).
pub const POSTURE_MIN_S: f64 = 10.0;
/// Tremor: two 4-s spectral segments, so that "not detected" rests on an averaged spectrum
/// and not on one periodogram (whose every bin has 100 % relative variance).
pub const TREMOR_MIN_S: f64 = 8.0;
/// The duration factor (shares of time deviated: < 25 %, 25–50 %, …) and the pattern profile
/// (jerk rate, tremor, posture; "within normal limits" claims the absence of all): 30 s, half
/// of the minute per position of Elble et al. 2016.
pub const OBSERVATION_MIN_S: f64 = 30.0;

/// What a stream of `analysed_s` seconds (excluded and invalid samples not counted) can support.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shortfall {
    analysed_s: f64,
}

fn short_reason(had_s: f64, needs_s: f64) -> String {
    format!("{} analysed; needs at least {needs_s:.0} s", seconds(had_s))
}

/// Seconds for a reason: two decimals below 1 s (a 0.02-s file does not read "0.0 s").
pub fn seconds(s: f64) -> String {
    if s < 1.0 {
        format!("{s:.2} s")
    } else {
        format!("{s:.1} s")
    }
}

impl Shortfall {
    pub fn new(analysed_s: f64) -> Self {
        Shortfall { analysed_s }
    }

    fn missing(&self, figure: &str, needs_s: f64, out: &mut Vec<NotAssessed>) -> bool {
        let short = self.analysed_s < needs_s;
        if short && self.analysed_s > 0.0 {
            out.push(NotAssessed {
                figure: figure.to_string(),
                had_s: self.analysed_s,
                needs_s,
                reason: short_reason(self.analysed_s, needs_s),
            });
        }
        short
    }

    /// Clears the posture medians below [`POSTURE_MIN_S`].
    pub fn posture(&self, posture: &mut Posture, out: &mut Vec<NotAssessed>) {
        if self.missing("posture", POSTURE_MIN_S, out) {
            posture.rotation_deg = None;
            posture.tilt_deg = None;
            posture.flexion_deg = None;
        }
    }

    /// No tremor figure (detected or not) below [`TREMOR_MIN_S`].
    pub fn tremor(&self, tremor: &mut Tremor, out: &mut Vec<NotAssessed>) {
        if self.missing("tremor", TREMOR_MIN_S, out) {
            *tremor = Tremor {
                present: false,
                frequency_hz: None,
                amplitude_deg: None,
                axis: None,
                regularity: None,
                band_hz: tremor.band_hz,
                per_axis: Vec::new(),
                criterion: format!(
                    "not analysed: {}",
                    short_reason(self.analysed_s, TREMOR_MIN_S)
                ),
                spectrum: None,
            };
        }
    }

    /// No pattern profile below [`OBSERVATION_MIN_S`].
    pub fn pattern(&self, pattern: &mut Option<Pattern>, out: &mut Vec<NotAssessed>) {
        if self.missing("pattern", OBSERVATION_MIN_S, out) {
            *pattern = None;
        }
    }

    /// Leaves unscored what the duration cannot support: the posture items (their medians
    /// were cleared by [`posture`](Self::posture); `referenced` says which axes would have
    /// had one), the duration factor, and a hold item whose hold outlasted the recording.
    /// Then recounts the subtotal.
    pub fn twstrs(&self, twstrs: &mut Twstrs, referenced: [bool; 3], hold: &NeutralHold) {
        let remedy =
            |needs_s: f64| format!("record at least {needs_s:.0} s outside the neutral segment");
        if self.analysed_s < POSTURE_MIN_S {
            for (axis, item) in [
                (Axis::Rotation, "rotation"),
                (Axis::Tilt, "laterocollis"),
                (Axis::Flexion, "antero_retrocollis"),
            ] {
                if referenced[axis as usize] && self.analysed_s > 0.0 {
                    twstrs.unscored.push(Unscored {
                        item: item.to_string(),
                        reason: short_reason(self.analysed_s, POSTURE_MIN_S),
                        remedy: remedy(POSTURE_MIN_S),
                    });
                }
            }
        }
        if twstrs.duration_factor.is_some() && self.analysed_s < OBSERVATION_MIN_S {
            twstrs.duration_factor = None;
            twstrs.unscored.push(Unscored {
                item: "duration_factor".to_string(),
                reason: short_reason(self.analysed_s, OBSERVATION_MIN_S),
                remedy: remedy(OBSERVATION_MIN_S),
            });
        }
        // The head never left 10° and the recording stopped before the item's 60 s: the
        // score would be the recording's length, not the patient's hold.
        let open_ended = hold.first_hold_s < HOLD_ITEM_S
            && hold.fraction_deviated <= 0.0
            && hold.time_within_s > 0.0;
        if twstrs.hold_within_10deg.is_some() && open_ended {
            twstrs.hold_within_10deg = None;
            twstrs.unscored.push(Unscored {
                item: "hold_within_10deg".to_string(),
                reason: format!(
                    "the recording ended after {:.1} s with the head still within 10° of neutral",
                    hold.time_within_s
                ),
                remedy: format!(
                    "record the hold until the head leaves 10° of neutral or for {HOLD_ITEM_S:.0} s"
                ),
            });
        }
        crate::twstrs::recount(twstrs);
    }
}
