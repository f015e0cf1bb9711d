//! The human-readable summary of a results document, for the terminal.

use collis_core::results::{Results, TwstrsItem};
use collis_core::Axis;
use std::fmt::Write;

fn signed(x: f64) -> String {
    format!("{x:+.1}°")
}

/// Render the summary a clinician reads in the terminal.
pub fn render(r: &Results) -> String {
    let mut s = String::new();
    let rec = &r.recording;
    let _ = writeln!(
        s,
        "Collis head-movement measurement (results schema {})",
        r.schema_version
    );
    let _ = writeln!(s, "{}", r.notice);
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "Recording   {} — {}, {:.1} s at {:.1} Hz, {} samples, {} (mounting {})",
        rec.file.as_deref().unwrap_or("-"),
        rec.format,
        rec.duration_s,
        rec.rate_hz,
        rec.samples,
        rec.fusion,
        rec.mounting
    );
    let _ = writeln!(s, "Reference   {}", rec.reference.description);
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "Posture (median, mean, p5–p95; neutral segment excluded; {:.0} s analysed)",
        r.measurements.posture.analysed_s
    );
    for axis in Axis::ALL {
        match r.measurements.posture.get(axis) {
            Some(p) => {
                let _ = writeln!(
                    s,
                    "  {:<9} {:>7}  mean {:>7}  [{} – {}]  {}",
                    axis.name(),
                    signed(p.median),
                    signed(p.mean),
                    signed(p.p5),
                    signed(p.p95),
                    if p.median.abs() >= 1.0 {
                        axis.describe(p.median)
                    } else {
                        ""
                    }
                );
            }
            None => {
                let _ = writeln!(
                    s,
                    "  {:<9} unreferenced (give --neutral or --trunk)",
                    axis.name()
                );
            }
        }
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "Motion (RMS angular velocity, range p0.5–p99.5)");
    for axis in Axis::ALL {
        let m = r.measurements.motion.get(axis);
        let _ = writeln!(
            s,
            "  {:<9} {:>6.1} °/s  {:>6.1}°{}",
            axis.name(),
            m.rms_velocity_dps,
            m.range_deg,
            if axis == r.measurements.motion.dominant_axis {
                "  ← dominant axis"
            } else {
                ""
            }
        );
    }
    let _ = writeln!(s);
    let t = &r.measurements.tremor;
    match (t.present, t.frequency_hz, t.amplitude_deg, t.axis) {
        (true, Some(f), Some(a), Some(axis)) => {
            let _ = write!(
                s,
                "Tremor      present: {f:.2} Hz, {a:.2}° sinusoid-equivalent peak amplitude (√2 × RMS), {axis} axis"
            );
            if let Some(reg) = &t.regularity {
                let _ = write!(
                    s,
                    "; interval CV {:.2}, peak width {:.2} Hz",
                    reg.interval_cv, reg.peak_width_hz
                );
            }
            let _ = writeln!(s);
        }
        _ => {
            let _ = writeln!(s, "Tremor      not detected");
        }
    }
    let _ = writeln!(s, "            {}", t.criterion);
    let j = &r.measurements.jerks;
    let _ = writeln!(
        s,
        "Jerks       {} ({:.1} per minute)",
        j.count, j.rate_per_min
    );
    for e in j.events.iter().take(8) {
        let _ = writeln!(
            s,
            "            t={:>7.2} s  {:>4.0} ms  {:<8} {:>7}  peak {:>5.0} °/s",
            e.time_s,
            e.duration_s * 1000.0,
            e.axis.name(),
            signed(e.amplitude_deg),
            e.peak_velocity_dps
        );
    }
    if j.events.len() > 8 {
        let _ = writeln!(s, "            … {} more in the JSON", j.events.len() - 8);
    }
    let _ = writeln!(
        s,
        "Spasms      {} sustained excursion(s)",
        r.measurements.spasms.count
    );
    let h = &r.measurements.neutral_hold;
    let axes: Vec<&str> = h.axes.iter().map(|a| a.name()).collect();
    let _ = writeln!(
        s,
        "Neutral     within {}° ({}) {:.0} % of the time, longest hold {:.1} s",
        h.tolerance_deg,
        axes.join(", "),
        100.0 * h.fraction_within,
        h.longest_hold_s
    );
    let _ = writeln!(s);
    let _ = writeln!(s, "TWSTRS severity items a machine can score");
    let item = |s: &mut String, name: &str, i: &Option<TwstrsItem>| match i {
        Some(i) => {
            let ev: Vec<String> = i
                .evidence
                .iter()
                .take(1)
                .map(|e| match e.unit.as_str() {
                    "1" => format!("{} = {:.2}", e.figure, e.value),
                    u => format!("{} = {:.2} {u}", e.figure, e.value),
                })
                .collect();
            let _ = writeln!(
                s,
                "  {name:<20} {}/{}  {}  [{}]",
                i.score,
                i.max,
                i.rule,
                ev.join(", ")
            );
        }
        None => {
            let _ = writeln!(
                s,
                "  {name:<20} not scored (no reference for this axis or not this task)"
            );
        }
    };
    item(&mut s, "rotation", &r.measurements.twstrs.rotation);
    item(&mut s, "laterocollis", &r.measurements.twstrs.laterocollis);
    item(
        &mut s,
        "antero/retrocollis",
        &r.measurements.twstrs.antero_retrocollis,
    );
    item(
        &mut s,
        "duration factor",
        &r.measurements.twstrs.duration_factor,
    );
    if r.measurements.twstrs.hold_within_10deg.is_some() {
        item(
            &mut s,
            "hold within 10°",
            &r.measurements.twstrs.hold_within_10deg,
        );
    }
    let _ = writeln!(
        s,
        "  machine subtotal     {}/{} (duration ×2)",
        r.measurements.twstrs.machine_subtotal, r.measurements.twstrs.machine_subtotal_max
    );
    crate::pattern_summary::render(&r.measurements, &mut s);
    if !r.warnings.is_empty() {
        let _ = writeln!(s);
        let _ = writeln!(s, "Warnings");
        for w in &r.warnings {
            let _ = writeln!(s, "  - {w}");
        }
    }
    s
}
