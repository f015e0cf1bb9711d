//! Real head-gesture logs from an IMU on a headphone headband (STMicroelectronics, 26 Hz,
//! `x=back,y=up,z=left`): `nod` must have flexion and `shake` rotation as the dominant axis,
//! `stationary` must show no tremor and no jerks. Pattern profile (issue #7): in the
//! voluntary `nod` and `shake` and in `stationary` no tremor or jerk pattern may score
//! ≥ 0.5, and `stationary` must be "within normal". `walk`, `swing` and a phone tremor log
//! (mPower, hand-held, 6.5 Hz gyroscope peak) are shown for information.

use super::{mark, Section};
use crate::args::{AngleArgs, ImportArgs};
use crate::run;
use anyhow::Result;
use collis_core::results::{PatternLabel, Results, Task};
use collis_core::{Axis, Mounting};
use std::fmt::Write;
use std::path::Path;

fn analyse(path: &Path, rate: Option<f64>, axes: Mounting) -> Result<Results> {
    let args = AngleArgs {
        import: ImportArgs {
            rate,
            ..Default::default()
        },
        axes,
        ..AngleArgs::default()
    };
    run::analyze(path, &args, Task::Rest)
}

/// Labels that voluntary gestures must not score high on.
const TREMOR_OR_JERK: [PatternLabel; 4] = [
    PatternLabel::DystonicTremor,
    PatternLabel::EssentialTremorLike,
    PatternLabel::MyoclonicJerks,
    PatternLabel::TicLike,
];
/// "Scores high": the score from which a pattern is listed with its conditions.
const HIGH: f64 = collis_analysis::pattern::rules::TYPICAL_FROM;

/// The top pattern and the highest tremor-or-jerk score with its label.
fn pattern_figures(r: &Results) -> (PatternLabel, f64, PatternLabel) {
    let Some(p) = &r.measurements.pattern else {
        return (PatternLabel::WithinNormal, 0.0, PatternLabel::WithinNormal);
    };
    let (label, score) = TREMOR_OR_JERK
        .iter()
        .map(|l| (*l, p.scores.get(l).copied().unwrap_or(0.0)))
        .fold((PatternLabel::WithinNormal, 0.0), |a, b| {
            if b.1 > a.1 {
                b
            } else {
                a
            }
        });
    (p.top, score, label)
}

fn tremor_text(r: &Results) -> String {
    match (
        r.measurements.tremor.present,
        r.measurements.tremor.frequency_hz,
        r.measurements.tremor.amplitude_deg,
    ) {
        (true, Some(f), Some(a)) => format!("{f:.2} Hz, {a:.2}°"),
        _ => "none".to_string(),
    }
}

pub fn run(data: &Path) -> Result<Section> {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "#### Real head-gesture logs (ST headset, 26 Hz) and a phone tremor log\n"
    );
    let _ = writeln!(md, "| recording | dominant axis | RMS velocity rot./tilt/flex. (°/s) | tremor | jerks | top pattern | highest tremor/jerk score | expected | pass |");
    let _ = writeln!(md, "|---|---|---|---|---|---|---|---|---|");
    let mut passed = true;
    let headset: Mounting = "x=back,y=up,z=left".parse()?;
    let cases: [(&str, Option<Axis>, bool); 5] = [
        ("nod", Some(Axis::Flexion), false),
        ("shake", Some(Axis::Rotation), false),
        ("stationary", None, true),
        ("swing", None, false),
        ("walk", None, false),
    ];
    for (name, dominant, quiet) in cases {
        let path = data.join("st-headset").join(format!("{name}.txt"));
        if !path.exists() {
            continue;
        }
        let r = analyse(&path, Some(26.0), headset)?;
        let m = &r.measurements.motion;
        let (top, high, high_label) = pattern_figures(&r);
        let (ok, expected) = match (dominant, quiet) {
            (Some(axis), _) => (
                m.dominant_axis == axis && high < HIGH,
                format!("dominant {axis}; tremor/jerk scores < {HIGH}"),
            ),
            (None, true) => (
                !r.measurements.tremor.present
                    && r.measurements.jerks.count == 0
                    && top == PatternLabel::WithinNormal
                    && high < HIGH,
                "no tremor, no jerks; within normal".to_string(),
            ),
            (None, false) => (true, "(information)".to_string()),
        };
        passed &= ok;
        let _ = writeln!(
            md,
            "| st-headset/{name} | {} | {:.1} / {:.1} / {:.1} | {} | {} | {top} | {high:.2} ({high_label}) | {expected} | {} |",
            m.dominant_axis,
            m.rotation.rms_velocity_dps,
            m.tilt.rms_velocity_dps,
            m.flexion.rms_velocity_dps,
            tremor_text(&r),
            r.measurements.jerks.count,
            mark(ok)
        );
    }
    let phone = data.join("tremor-phone").join("rest_tremor_data.csv");
    if phone.exists() {
        let r = analyse(&phone, None, Mounting::default())?;
        let (top, high, high_label) = pattern_figures(&r);
        let _ = writeln!(
            md,
            "| tremor-phone/rest (hand) | {} | {:.1} / {:.1} / {:.1} | {} | {} | {top} | {high:.2} ({high_label}) | (information: gyroscope peak 6.5 Hz) | |",
            r.measurements.motion.dominant_axis,
            r.measurements.motion.rotation.rms_velocity_dps,
            r.measurements.motion.tilt.rms_velocity_dps,
            r.measurements.motion.flexion.rms_velocity_dps,
            tremor_text(&r),
            r.measurements.jerks.count
        );
    }
    Ok(Section {
        markdown: md,
        passed,
    })
}
