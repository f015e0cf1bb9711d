//! Which conditions of the project's list (essential tremor, dystonic tremor, Huntington's
//! chorea, MSA and Parkinson's disease, myoclonus, tardive dyskinesia, Tourette tics, anxiety,
//! and cervical dystonia itself) a measured pattern is typical of. Associations from the
//! project's clinical notes (clinical.md); worded as "typical of", never as a diagnosis.

use super::features::Features;
use collis_core::results::PatternLabel;
use collis_core::Axis;

/// Enhanced physiological tremor band starts at 8 Hz (clinical.md).
const PHYSIOLOGICAL_HZ: f64 = 8.0;
/// Parkinsonian tremor band, Hz (clinical.md: 3–6 Hz, rarely the head).
const PARKINSON_HZ: [f64; 2] = [3.0, 6.0];

/// The conditions `label` is typical of, refined by the features (e.g. antecollis).
pub fn typical_of(label: PatternLabel, f: &Features) -> Vec<String> {
    let mut out: Vec<&str> = Vec::new();
    match label {
        PatternLabel::DystonicPosture => {
            out.push("cervical dystonia (spasmodic torticollis)");
            if f.posture_axis == Axis::Flexion && f.posture_median_deg > 0.0 {
                out.push("multiple system atrophy or Parkinson's disease (antecollis)");
            }
            if f.posture_axis == Axis::Flexion && f.posture_median_deg < 0.0 {
                out.push("tardive dystonia after dopamine-receptor blockers (retrocollis)");
            }
        }
        PatternLabel::DystonicTremor => {
            out.push("cervical dystonia with dystonic head tremor");
        }
        PatternLabel::EssentialTremorLike => {
            out.push("essential tremor (head 'no-no' or 'yes-yes' tremor)");
            let hz = f.tremor_frequency_hz.unwrap_or(0.0);
            if hz >= PHYSIOLOGICAL_HZ {
                out.push("enhanced physiological tremor (e.g. anxiety, stimulants)");
            }
            if (PARKINSON_HZ[0]..=PARKINSON_HZ[1]).contains(&hz) {
                out.push("Parkinson's disease (head tremor is rare in it)");
            }
        }
        PatternLabel::MyoclonicJerks => {
            out.push("myoclonus (including myoclonus–dystonia)");
            out.push("jerky cervical dystonia");
        }
        PatternLabel::TicLike => {
            out.push("Tourette syndrome and other tic disorders");
        }
        PatternLabel::Choreiform => {
            out.push("Huntington's disease (chorea)");
            out.push("tardive dyskinesia");
        }
        PatternLabel::WithinNormal => {}
    }
    out.into_iter().map(str::to_string).collect()
}
