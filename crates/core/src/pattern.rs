//! The movement-pattern and sensory-trick parts of the results schema (re-exported from
//! [`crate::results`]): a described pattern with scores, the measured values behind each
//! score, and the conditions such a pattern is typical of — decision support, never a
//! diagnosis ([`PATTERN_CAVEAT`] travels with every profile).

use crate::results::Evidence;
use crate::Axis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Said with every pattern profile.
pub const PATTERN_CAVEAT: &str = "Movement patterns measured in this recording and the conditions in which such patterns are typical: decision support for a clinician, not a diagnosis. Diagnosis needs history, examination and, where indicated, further tests.";

/// The patterns Collis describes (issue #7's labels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PatternLabel {
    DystonicPosture,
    DystonicTremor,
    EssentialTremorLike,
    MyoclonicJerks,
    TicLike,
    Choreiform,
    WithinNormal,
}

impl PatternLabel {
    pub const ALL: [PatternLabel; 7] = [
        PatternLabel::DystonicPosture,
        PatternLabel::DystonicTremor,
        PatternLabel::EssentialTremorLike,
        PatternLabel::MyoclonicJerks,
        PatternLabel::TicLike,
        PatternLabel::Choreiform,
        PatternLabel::WithinNormal,
    ];

    /// The snake_case name used in the schema.
    pub fn name(self) -> &'static str {
        match self {
            PatternLabel::DystonicPosture => "dystonic_posture",
            PatternLabel::DystonicTremor => "dystonic_tremor",
            PatternLabel::EssentialTremorLike => "essential_tremor_like",
            PatternLabel::MyoclonicJerks => "myoclonic_jerks",
            PatternLabel::TicLike => "tic_like",
            PatternLabel::Choreiform => "choreiform",
            PatternLabel::WithinNormal => "within_normal",
        }
    }

    /// Words for a reader.
    pub fn describe(self) -> &'static str {
        match self {
            PatternLabel::DystonicPosture => "sustained directional (dystonic) posture",
            PatternLabel::DystonicTremor => "dystonic head tremor",
            PatternLabel::EssentialTremorLike => "essential-tremor-like head tremor",
            PatternLabel::MyoclonicJerks => "myoclonic jerks",
            PatternLabel::TicLike => "tic-like bursts",
            PatternLabel::Choreiform => "choreiform (flowing, random) movement",
            PatternLabel::WithinNormal => "within normal limits",
        }
    }
}

impl std::fmt::Display for PatternLabel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One named feature of the recording, with the source that motivates it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PatternFeature {
    pub name: String,
    /// `null` when the recording does not allow it (e.g. no tremor, too few events).
    pub value: Option<f64>,
    pub unit: String,
    /// What it measures and where the idea comes from.
    pub source: String,
}

/// Why a pattern scored what it did.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PatternExplanation {
    pub label: PatternLabel,
    /// 0–1.
    pub score: f64,
    /// 0–1: how much the recording allowed the features behind the score to be measured
    /// (length, number of events, unreferenced rotation, frame rate).
    pub confidence: f64,
    /// One sentence naming the measured values.
    pub summary: String,
    /// The measured values the score used.
    pub evidence: Vec<Evidence>,
}

/// The movement-pattern profile of a recording.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Pattern {
    pub top: PatternLabel,
    /// Score 0–1 per label.
    pub scores: BTreeMap<PatternLabel, f64>,
    /// One per label, highest score first.
    pub explanations: Vec<PatternExplanation>,
    /// Conditions from the project's list in which the leading pattern(s) are typical.
    pub typical_of: Vec<String>,
    /// Every feature computed, for research and audit.
    pub features: Vec<PatternFeature>,
    pub caveat: String,
}

/// The sensory trick (geste antagoniste): posture and tremor with and without it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SensoryTrick {
    /// "segments" (trick times marked in one recording) or "pair" (a recording without and
    /// one with the trick).
    pub design: String,
    /// The axis of the largest deviation without the trick.
    pub axis: Axis,
    pub trials: Vec<TrickTrial>,
    /// Median over the trials' relief, %.
    pub relief_percent: Option<f64>,
    /// TWSTRS effect of sensory tricks, 0–2 (Consky & Lang 1994).
    pub twstrs: crate::results::TwstrsItem,
    /// TWSTRS-2 sensory-trick item, 0–4, counting only benefit that lasts ≥ 5 s (Comella 2016).
    pub twstrs2: crate::results::TwstrsItem,
    pub note: String,
}

/// One application of the trick.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TrickTrial {
    /// Trick on / off, seconds (for a pair: the with-trick recording's span).
    pub start_s: f64,
    pub end_s: f64,
    /// Median deviation on the trick axis before (or without) the trick, degrees, signed.
    pub before_deg: f64,
    /// Median deviation during the trick, degrees, signed.
    pub during_deg: f64,
    /// Reduction of the deviation, % of `before_deg` (negative: worse).
    pub relief_percent: f64,
    /// Tremor amplitude before and during (√2 × RMS, 2–12 Hz), degrees, when a tremor exists.
    pub tremor_before_deg: Option<f64>,
    pub tremor_during_deg: Option<f64>,
    /// Longest time from trick onset during which the deviation stayed at most halfway between
    /// before and during (the benefit), seconds; may run past the end of the trick.
    pub benefit_s: f64,
}
