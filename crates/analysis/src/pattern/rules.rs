//! The pattern rules: each label's score (0–1) as a product of ramps over named features, with
//! the measured values it used. Transparent by design — every breakpoint is a constant here
//! with its reason; they were set from the feature distributions of simulated recordings with
//! known truth (`collis validate` prints the confusion matrix they give) and kept at round,
//! clinically readable values.

use super::features::Features;
use collis_core::results::{Evidence, PatternExplanation, PatternLabel, Task};

/// `0` below `lo`, `1` above `hi`, linear between.
fn ramp(x: f64, lo: f64, hi: f64) -> f64 {
    ((x - lo) / (hi - lo)).clamp(0.0, 1.0)
}

/// Sustained deviation (held ≥ 90 % of the time), degrees: none below 3°, clearly dystonic
/// from 8°. TWSTRS calls < 5° "none" in Collis (crates/analysis/src/twstrs.rs, after Consky &
/// Lang 1994), and healthy head posture stays within a few degrees of neutral.
const POSTURE_DEG: [f64; 2] = [3.0, 8.0];
/// Highest posture score without a neutral (or trunk) reference: tilt and flexion against
/// gravity then include however the sensor sits on the head (the ST headset's earcup sits
/// ≈ 19° off), so a posture is reported but cannot lead the profile.
const UNREFERENCED_POSTURE_CAP: f64 = 0.4;
/// Tremor amplitude, degrees: from the presence threshold (0.3°) to clearly visible (0.6°).
const TREMOR_DEG: [f64; 2] = [0.3, 0.6];
/// Irregularity from the CV of inter-peak intervals: essential tremor is rhythmic, dystonic
/// tremor less so (Mov Disord 2025, doi 10.1002/mds.30322, which gives no cut-off). Set
/// between the simulated essential tremor (±2 % frequency wander: CV 0.017–0.023) and the
/// simulated dystonic tremor (±12 % wander, ±30 % amplitude: CV ≈ 0.05); a calibration on
/// real labelled recordings should replace it.
const INTERVAL_CV: [f64; 2] = [0.035, 0.07];
/// Essential tremor's band starts at 4 Hz (Robakis & Louis 2016; clinical.md).
const ET_HZ: [f64; 2] = [3.5, 4.0];
/// Jerk rate per minute: occasional jerks are normal startle or artefact.
const JERK_RATE: [f64; 2] = [2.0, 5.0];
/// Median jerk duration, s: myoclonic movement jerks are brief (≈ 100–250 ms; clinical.md).
const JERK_BRIEF_S: [f64; 2] = [0.2, 0.3];
/// Stereotypy of repeated events (tics are stereotyped; clinical.md).
const STEREOTYPY: [f64; 2] = [0.25, 0.5];
/// Burstiness of event times: 0 for random timing, > 0 clustered (tics cluster; clinical.md).
const BURSTINESS: [f64; 2] = [0.05, 0.25];
/// Share of time in slow movement > 10 °/s: healthy looks take a few percent of a
/// recording, chorea is continuous.
const MOVING: [f64; 2] = [0.25, 0.45];
/// Principal-axis share of slow movement: 1/3 is no dominant axis (chorea), 1 one axis.
const PRINCIPAL_SHARE: [f64; 2] = [0.6, 0.8];
/// Within-normal is 1 − the highest abnormal score; labels are only "typical of"
/// conditions from this score on.
pub const TYPICAL_FROM: f64 = 0.5;

/// A score in the making: its value and what it used.
struct Score {
    label: PatternLabel,
    value: f64,
    confidence: f64,
    evidence: Vec<Evidence>,
    words: String,
}

impl Score {
    fn into_explanation(self) -> PatternExplanation {
        let values: Vec<String> = self
            .evidence
            .iter()
            .map(|e| format!("{} {}", e.figure, format_value(e.value, &e.unit)))
            .collect();
        PatternExplanation {
            label: self.label,
            score: self.value,
            confidence: self.confidence,
            summary: format!(
                "{:.2} {}: {} ({})",
                self.value,
                self.label.describe(),
                self.words,
                values.join(", ")
            ),
            evidence: self.evidence,
        }
    }
}

/// How an evidence value is printed in a summary (tests check the summaries name them).
pub fn format_value(value: f64, unit: &str) -> String {
    match unit {
        "1" | "" => format!("{value:.2}"),
        "count" => format!("{value:.0}"),
        u => format!("{value:.2} {u}"),
    }
}

/// How much the recording's length allows: full from 60 s, half at 30 s.
fn length_confidence(f: &Features) -> f64 {
    (f.analysed_s / 60.0).clamp(0.0, 1.0)
}

/// Every label's score with its explanation, highest first.
pub fn score(f: &Features) -> Vec<PatternExplanation> {
    let length = length_confidence(f);
    let posture = ramp(f.sustained_deviation_deg, POSTURE_DEG[0], POSTURE_DEG[1]).min(
        if f.rotation_referenced {
            1.0
        } else {
            UNREFERENCED_POSTURE_CAP
        },
    );
    let posture_ev = vec![
        Evidence::new(
            &format!("median {} angle", f.posture_axis),
            f.posture_median_deg,
            "deg",
        ),
        Evidence::new(
            "deviation held 90 % of the time",
            f.sustained_deviation_deg,
            "deg",
        ),
        Evidence::new("time > 10° from neutral", f.deviated_fraction, "1"),
    ];
    // Without a neutral reference the posture is against gravity and the sensor's seat.
    let posture_conf = length * if f.rotation_referenced { 1.0 } else { 0.3 };

    let tremor = if f.tremor_present {
        ramp(
            f.tremor_amplitude_deg.unwrap_or(0.0),
            TREMOR_DEG[0],
            TREMOR_DEG[1],
        )
    } else {
        0.0
    };
    let cv = f.tremor_interval_cv.unwrap_or(0.0);
    let irregular = ramp(cv, INTERVAL_CV[0], INTERVAL_CV[1]);
    let hz = f.tremor_frequency_hz.unwrap_or(0.0);
    let mut tremor_ev = vec![Evidence::new(
        "tremor amplitude",
        f.tremor_amplitude_deg.unwrap_or(0.0),
        "deg",
    )];
    if f.tremor_present {
        tremor_ev.push(Evidence::new("tremor frequency", hz, "Hz"));
        tremor_ev.push(Evidence::new("inter-peak interval CV", cv, "1"));
        if let Some(s) = f.tremor_sinusoidality {
            tremor_ev.push(Evidence::new("sinusoidality", s, "1"));
        }
        if let Some(r) = f.tremor_pc1_pc2_ratio {
            tremor_ev.push(Evidence::new("PC1/PC2 ratio", r, "1"));
        }
        if let Some(r) = f.null_point_r {
            tremor_ev.push(Evidence::new("amplitude–position correlation", r, "1"));
        }
    }
    let dystonic_tremor = tremor * posture.max(irregular);
    let et_like = tremor * (1.0 - posture) * (1.0 - irregular) * ramp(hz, ET_HZ[0], ET_HZ[1]);
    let mut dt_ev = tremor_ev.clone();
    dt_ev.push(posture_ev[1].clone());
    let mut et_ev = tremor_ev;
    et_ev.push(posture_ev[1].clone());

    let jerks =
        ramp(f.jerk_rate_per_min, JERK_RATE[0], JERK_RATE[1]) * ramp(f.jerk_count as f64, 2.0, 5.0);
    let duration = f.jerk_median_duration_s.unwrap_or(0.0);
    let brief = 1.0 - ramp(duration, JERK_BRIEF_S[0], JERK_BRIEF_S[1]);
    let stereotyped = ramp(
        f.jerk_stereotypy.unwrap_or(0.0),
        STEREOTYPY[0],
        STEREOTYPY[1],
    );
    let clustered = ramp(
        f.jerk_burstiness.unwrap_or(0.0),
        BURSTINESS[0],
        BURSTINESS[1],
    );
    let tic_signs = 0.5 * (stereotyped + clustered);
    let mut jerk_ev = vec![
        Evidence::new("jerk rate", f.jerk_rate_per_min, "1/min"),
        Evidence::new("jerks", f.jerk_count as f64, "count"),
    ];
    if let Some(d) = f.jerk_median_duration_s {
        jerk_ev.push(Evidence::new("median jerk duration", d, "s"));
    }
    if let Some(s) = f.jerk_stereotypy {
        jerk_ev.push(Evidence::new("stereotypy", s, "1"));
    }
    if let Some(b) = f.jerk_burstiness {
        jerk_ev.push(Evidence::new("burstiness (−1…1)", b, "1"));
    }
    let mut myoclonic_ev = jerk_ev.clone();
    myoclonic_ev.push(posture_ev[1].clone());
    let events_conf = length * ramp(f.jerk_count as f64, 2.0, 10.0).max(0.2);
    // Jerks on a dystonic posture are jerky dystonia: the posture leads, the jerks stay
    // visible at half weight (and "jerky cervical dystonia" among the typical conditions).
    let myoclonic = jerks * brief * (1.0 - tic_signs) * (1.0 - 0.5 * posture);
    let tic_like = jerks * tic_signs;

    let moving = f.moving_fraction.unwrap_or(0.0);
    let share = f.slow_principal_share.unwrap_or(1.0);
    let choreiform = ramp(moving, MOVING[0], MOVING[1])
        * (1.0 - ramp(share, PRINCIPAL_SHARE[0], PRINCIPAL_SHARE[1]))
        * (1.0 - posture);
    let chorea_ev = vec![
        Evidence::new("time moving > 10 °/s below 2 Hz", moving, "1"),
        Evidence::new("principal-axis share of slow movement", share, "1"),
        Evidence::new(
            "slow-movement RMS speed",
            f.slow_speed_rms_dps.unwrap_or(0.0),
            "deg/s",
        ),
        posture_ev[1].clone(),
    ];

    let tremor_conf = length;
    let mut scores = vec![
        Score {
            label: PatternLabel::DystonicPosture,
            value: posture,
            confidence: posture_conf,
            evidence: posture_ev.clone(),
            words: if f.rotation_referenced {
                "sustained deviation from neutral in one direction".into()
            } else {
                format!("sustained deviation against gravity, capped at {UNREFERENCED_POSTURE_CAP} without a neutral reference (record a neutral segment)")
            },
        },
        Score {
            label: PatternLabel::DystonicTremor,
            value: dystonic_tremor,
            confidence: tremor_conf,
            evidence: dt_ev,
            words: "tremor with a dystonic posture or irregular rhythm".into(),
        },
        Score {
            label: PatternLabel::EssentialTremorLike,
            value: et_like,
            confidence: tremor_conf,
            evidence: et_ev,
            words: "regular ≥ 4 Hz tremor without a dystonic posture".into(),
        },
        Score {
            label: PatternLabel::MyoclonicJerks,
            value: myoclonic,
            confidence: events_conf,
            evidence: myoclonic_ev,
            words: "repeated brief jerks, neither stereotyped nor clustered (half weight on a dystonic posture)".into(),
        },
        Score {
            label: PatternLabel::TicLike,
            value: tic_like,
            confidence: events_conf * 0.6, // no motion norms for tics (clinical.md)
            evidence: jerk_ev,
            words: "repeated jerks that are stereotyped and/or clustered in bouts".into(),
        },
        Score {
            label: PatternLabel::Choreiform,
            value: choreiform,
            confidence: length,
            evidence: chorea_ev,
            words: "continuous flowing movement with no dominant axis".into(),
        },
    ];
    let (abnormal, worst) = scores.iter().map(|s| (s.value, s.label)).fold(
        (0.0, PatternLabel::WithinNormal),
        |a, b| {
            if b.0 > a.0 {
                b
            } else {
                a
            }
        },
    );
    let mut normal_ev = vec![Evidence::new("highest other score", abnormal, "1")];
    if worst != PatternLabel::WithinNormal {
        normal_ev[0].figure = format!("highest other score ({worst})");
    }
    let task_words = match f.task {
        Task::Rest => "at rest",
        Task::HoldNeutral => "while holding neutral",
        Task::Rom => "during range of motion",
        Task::SensoryTrick => "during a sensory-trick trial",
        Task::Exercise => "during an exercise",
    };
    scores.push(Score {
        label: PatternLabel::WithinNormal,
        value: 1.0 - abnormal,
        confidence: length * if f.rotation_referenced { 1.0 } else { 0.7 },
        evidence: normal_ev,
        words: format!("no abnormal pattern {task_words}"),
    });
    // Highest first; ties go to the more specific label (dystonic tremor before posture:
    // a dystonic tremor includes its posture), i.e. the order of the list above reversed
    // for the two dystonic labels.
    scores.sort_by(|a, b| {
        b.value
            .total_cmp(&a.value)
            .then_with(|| precedence(a.label).cmp(&precedence(b.label)))
    });
    scores.into_iter().map(Score::into_explanation).collect()
}

/// Tie-break order: the more specific description first.
fn precedence(label: PatternLabel) -> u8 {
    match label {
        PatternLabel::DystonicTremor => 0,
        PatternLabel::TicLike => 1,
        PatternLabel::MyoclonicJerks => 2,
        PatternLabel::EssentialTremorLike => 3,
        PatternLabel::Choreiform => 4,
        PatternLabel::DystonicPosture => 5,
        PatternLabel::WithinNormal => 6,
    }
}
