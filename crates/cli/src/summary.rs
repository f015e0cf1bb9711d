//! The human-readable summary of a results document, for the terminal.

use collis_analysis::sufficiency::OBSERVATION_MIN_S;
use collis_core::emg::Emg;
use collis_core::results::{Results, Source, TwstrsItem};
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
    if let Some(b) = &rec.gyro_bias {
        let _ = writeln!(s, "Gyro bias   {}", b.description);
    }
    if let Some(v) = &rec.video {
        let _ = writeln!(
            s,
            "Video       {:.2} frames/s, face in {} of {} frames ({:.1} %), {} detector runs, {}",
            v.frame_rate_hz,
            v.frames_with_face,
            v.frames,
            100.0 * v.frames_with_face as f64 / v.frames.max(1) as f64,
            v.detector_runs,
            v.method
        );
        if let Some(c) = &v.confidence {
            let _ = writeln!(
                s,
                "Confidence  per frame: mean {:.3}, median {:.3}, p5 {:.3}, min {:.3}",
                c.mean, c.median, c.p5, c.min
            );
        }
        if let Some(hz) = v.smoothing_cutoff_hz {
            let _ = writeln!(
                s,
                "Smoothing   angles low-passed at {hz} Hz (tremor ≤ 12 Hz kept within 2 %)"
            );
        }
    }
    let _ = writeln!(s);
    if rec.source == Source::Emg {
        if let Some(emg) = &r.measurements.emg {
            render_emg(&mut s, emg);
        }
        render_warnings(&mut s, &r.warnings);
        return s;
    }
    let _ = writeln!(
        s,
        "Posture (median ± 95 % uncertainty, mean, p5–p95; neutral segment excluded; {:.0} s analysed)",
        r.measurements.posture.analysed_s
    );
    let not_assessed = |figure: &str| {
        r.measurements
            .not_assessed
            .iter()
            .find(|n| n.figure == figure)
    };
    let posture_absent = not_assessed("posture");
    if let Some(n) = posture_absent {
        let _ = writeln!(s, "  not assessed: {}", n.reason);
    }
    for axis in Axis::ALL.into_iter().filter(|_| posture_absent.is_none()) {
        match r.measurements.posture.get(axis) {
            Some(p) => {
                let _ = writeln!(
                    s,
                    "  {:<9} {:>7} {:<7} mean {:>7}  [{} – {}]  {}",
                    axis.name(),
                    signed(p.median),
                    p.uncertainty_deg
                        .map_or(String::new(), |u| format!("± {u:.1}°")),
                    signed(p.mean),
                    signed(p.p5),
                    signed(p.p95),
                    axis.posture_words(p.median)
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
        _ if not_assessed("tremor").is_some() => {
            let _ = writeln!(s, "Tremor      not assessed");
        }
        _ => {
            let _ = writeln!(s, "Tremor      not detected");
        }
    }
    let _ = writeln!(s, "            {}", t.criterion);
    let j = &r.measurements.jerks;
    let analysed_s = r.measurements.posture.analysed_s;
    if analysed_s < OBSERVATION_MIN_S {
        let _ = writeln!(
            s,
            "Jerks       {} in {analysed_s:.1} s (a rate per minute needs {OBSERVATION_MIN_S:.0} s)",
            j.count
        );
    } else {
        let _ = writeln!(
            s,
            "Jerks       {} ({:.1} per minute)",
            j.count, j.rate_per_min
        );
    }
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
    if let Some(rom) = &r.measurements.range_of_motion {
        let reach = |a: &collis_core::results::AxisReach| {
            format!("{:+.1}° … {:+.1}°", a.negative_deg, a.positive_deg)
        };
        let _ = writeln!(
            s,
            "Range       rotation {}, tilt {}, flexion {} (extremes held {} s)",
            rom.rotation_deg
                .as_ref()
                .map_or("unreferenced".to_string(), reach),
            reach(&rom.tilt_deg),
            reach(&rom.flexion_deg),
            rom.hold_s
        );
    }
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
    let unscored = &r.measurements.twstrs.unscored;
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
        None => match unscored.iter().find(|u| item_label(&u.item) == name) {
            Some(u) => {
                let _ = writeln!(
                    s,
                    "  {name:<20} not scored: {}; to score it: {}",
                    u.reason, u.remedy
                );
            }
            None => {
                let _ = writeln!(
                    s,
                    "  {name:<20} not scored (no reference for this axis or not this task)"
                );
            }
        },
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
    let tw = &r.measurements.twstrs;
    if tw.hold_within_10deg.is_some() || tw.unscored.iter().any(|u| u.item == "hold_within_10deg") {
        item(
            &mut s,
            "hold within 10°",
            &r.measurements.twstrs.hold_within_10deg,
        );
    }
    if r.measurements.twstrs.range_of_motion.is_some() {
        item(
            &mut s,
            "range of motion",
            &r.measurements.twstrs.range_of_motion,
        );
    }
    if tw.machine_subtotal_max == 0 {
        let _ = writeln!(s, "  machine subtotal     none: no item scored");
    } else {
        let _ = writeln!(
            s,
            "  machine subtotal     {}/{} (duration ×2): {} of the {} points these items cover, of the {}-point severity scale (higher = worse)",
            tw.machine_subtotal,
            tw.machine_subtotal_max,
            tw.machine_subtotal,
            tw.machine_subtotal_max,
            collis_core::results::TWSTRS_SEVERITY_MAX
        );
    }
    crate::pattern_summary::render(&r.measurements, &mut s);
    if let Some(emg) = &r.measurements.emg {
        let _ = writeln!(s);
        render_emg(&mut s, emg);
    }
    render_warnings(&mut s, &r.warnings);
    s
}

/// The summary's label of a TWSTRS item key of the results (`antero_retrocollis` →
/// `antero/retrocollis`).
fn item_label(key: &str) -> &str {
    match key {
        "antero_retrocollis" => "antero/retrocollis",
        "duration_factor" => "duration factor",
        "hold_within_10deg" => "hold within 10°",
        "range_of_motion" => "range of motion",
        other => other,
    }
}

fn render_warnings(s: &mut String, warnings: &[String]) {
    if !warnings.is_empty() {
        let _ = writeln!(s);
        let _ = writeln!(s, "Warnings");
        for w in warnings {
            let _ = writeln!(s, "  - {w}");
        }
    }
}

/// The EMG part: per channel amplitude and bursts, then asymmetry and co-contraction.
fn render_emg(s: &mut String, emg: &Emg) {
    let _ = writeln!(
        s,
        "Surface EMG (band {:.0}–{:.0} Hz, {:.0}-ms RMS envelope; onsets: Hodges & Bui 1996)",
        emg.method.band_hz[0],
        emg.method.band_hz[1],
        emg.method.envelope_window_s * 1000.0
    );
    for c in &emg.channels {
        let site = c.site().map_or("muscle?".to_string(), |m| m.to_string());
        let _ = writeln!(
            s,
            "  {:<16} {:<7} {:>6.0} Hz  RMS {:>8.2} {}  rest {:.2}  ×{:.1} rest  mains {}  {} bursts ({} < {:.0} ms), active {:.0} %{}",
            c.label,
            site,
            c.rate_hz,
            c.rms,
            c.unit,
            c.baseline_rms,
            c.mean_envelope_x_baseline,
            c.mains_hz.map_or("none".to_string(), |f| format!("{f:.0} Hz")),
            c.burst_count,
            c.short_burst_count,
            emg.method.short_burst_s * 1000.0,
            100.0 * c.active_fraction,
            c.activity_pct_mvc
                .map_or(String::new(), |p| format!(", {p:.0} % MVC"))
        );
        for b in c.bursts.iter().take(6) {
            let _ = writeln!(
                s,
                "      {:>8.3}–{:<8.3} s  {:>5.0} ms{}",
                b.onset_s,
                b.offset_s,
                b.duration_s * 1000.0,
                if b.short {
                    "  short (myoclonus-like)"
                } else {
                    ""
                }
            );
        }
        if c.bursts.len() > 6 {
            let _ = writeln!(s, "      … {} more in the JSON", c.bursts.len() - 6);
        }
    }
    for a in &emg.asymmetry {
        let _ = writeln!(
            s,
            "  asymmetry {:<5} {} {:.2} vs {} {:.2} ({}): index (R−L)/(R+L) {:+.2}",
            a.muscle.code(),
            a.left,
            a.left_activity,
            a.right,
            a.right_activity,
            a.measure,
            a.index
        );
    }
    for t in &emg.tremor_coupling {
        let _ = writeln!(
            s,
            "  tremor coupling {}: coherence {:.2} with the {:.2} Hz {} tremor (95 % level {:.2}){}",
            t.channel,
            t.coherence,
            t.tremor_hz,
            t.axis.name(),
            t.significance,
            if t.locked { ": tremor-locked" } else { "" }
        );
    }
    for c in &emg.co_contraction {
        let _ = writeln!(
            s,
            "  co-contraction {} / {}: {:.0} % (Falconer & Winter)",
            c.agonist, c.antagonist, c.index_pct
        );
    }
}
