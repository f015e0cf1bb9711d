//! Movement patterns: explained decision support over the conditions that move the head.
//!
//! [`features`] names and measures what a clinician looks at (sustained directional posture,
//! tremor rhythm and axis, jerk duration, stereotypy and clustering, flowing movement);
//! [`rules`] turns them into a score per pattern with the values each score used;
//! [`conditions`] says which conditions a pattern is typical of. [`movement`] is the one
//! streaming accumulator this needs beyond the other analyses. Pure, no I/O.

pub mod conditions;
pub mod features;
pub mod movement;
pub mod rules;

pub use features::Features;
pub use movement::SlowMovement;

use collis_core::results::{Pattern, PatternLabel, PATTERN_CAVEAT};

/// The pattern profile of a recording from its features.
pub fn profile(features: &Features) -> Pattern {
    let explanations = rules::score(features);
    let top = explanations
        .first()
        .map_or(PatternLabel::WithinNormal, |e| e.label);
    let mut typical_of = Vec::new();
    for e in &explanations {
        if e.label == top || e.score >= rules::TYPICAL_FROM {
            for c in conditions::typical_of(e.label, features) {
                if !typical_of.contains(&c) {
                    typical_of.push(c);
                }
            }
        }
    }
    Pattern {
        top,
        scores: explanations.iter().map(|e| (e.label, e.score)).collect(),
        explanations,
        typical_of,
        features: features.list(),
        caveat: PATTERN_CAVEAT.to_string(),
    }
}
