//! Real head-gesture logs from an IMU on a headphone headband (STMicroelectronics, 26 Hz,
//! `x=back,y=up,z=left`): `nod` must have flexion and `shake` rotation as the dominant axis,
//! `stationary` must show no tremor and no jerks. `walk`, `swing` and a phone tremor log
//! (mPower, hand-held, 6.5 Hz gyroscope peak) are shown for information.

use super::{mark, Section};
use crate::args::{AngleArgs, ImportArgs};
use crate::run;
use anyhow::Result;
use collis_core::results::{Results, Task};
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
    let _ = writeln!(md, "| recording | dominant axis | RMS velocity rot./tilt/flex. (°/s) | tremor | jerks | expected | pass |");
    let _ = writeln!(md, "|---|---|---|---|---|---|---|");
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
        let (ok, expected) = match (dominant, quiet) {
            (Some(axis), _) => (m.dominant_axis == axis, format!("dominant {axis}")),
            (None, true) => (
                !r.measurements.tremor.present && r.measurements.jerks.count == 0,
                "no tremor, no jerks".to_string(),
            ),
            (None, false) => (true, "(information)".to_string()),
        };
        passed &= ok;
        let _ = writeln!(
            md,
            "| st-headset/{name} | {} | {:.1} / {:.1} / {:.1} | {} | {} | {expected} | {} |",
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
        let _ = writeln!(
            md,
            "| tremor-phone/rest (hand) | {} | {:.1} / {:.1} / {:.1} | {} | {} | (information: gyroscope peak 6.5 Hz) | |",
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
