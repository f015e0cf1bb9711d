//! The clinician's one-page report as a self-contained HTML5 document (inline SVG figures,
//! inline CSS, no scripts, no external resources), laid out to print on one A4 landscape
//! page: the session's angles over time, where the head points, the tremor spectrum, the jerk
//! raster, the TWSTRS items with their evidence, what changed since the last visit, and the
//! longitudinal chart with injections and DBS changes and the botulinum cycles.
//! Labelled as measurements and decision support, not a diagnosis.

use crate::comparable::{self, Protocol};
use crate::longitudinal::{
    botulinum_cycles, change_noise, series, since_last_visit, trend, Figure,
};
use crate::{plots, ReportError};
use collis_core::results::{AxisStats, Results, TwstrsItem, NOTICE};
use collis_core::Axis;
use collis_store::{DbsSetting, DiaryEntry, Injection, Medication, SessionRow, Store, Subject};
use std::fmt::Write;

/// Everything the report shows, read from the record.
pub struct ReportData {
    pub subject: Subject,
    pub session: SessionRow,
    pub results: Results,
    /// What the session measured: the trend, the cycles and "what changed" use only the
    /// sessions recorded the same way.
    pub protocol: Protocol,
    /// The subject's sessions under [`Self::protocol`], by date.
    pub comparable: Vec<SessionRow>,
    /// The other sessions (exercises, trials, other sources), by date.
    pub others: Vec<SessionRow>,
    /// The results of the previous comparable session, for what changed since.
    pub previous: Option<Results>,
    pub injections: Vec<Injection>,
    pub dbs: Vec<DbsSetting>,
    pub medications: Vec<Medication>,
    pub diary: Vec<DiaryEntry>,
}

impl ReportData {
    /// The record of `subject` for the report of session `session` (default: the latest
    /// clinic visit, see [`comparable::latest_visit`]).
    pub fn load(store: &Store, subject: &str, session: Option<i64>) -> Result<Self, ReportError> {
        let subject = store.subject(subject)?;
        let sessions = store.sessions(Some(&subject.code))?;
        let session = match session {
            Some(id) => {
                let s = store.session(id)?;
                if s.subject != subject.code {
                    return Err(ReportError::OtherSubject {
                        id,
                        subject: subject.code,
                        owner: s.subject,
                    });
                }
                s
            }
            None => comparable::latest_visit(&sessions)
                .cloned()
                .ok_or_else(|| collis_store::StoreError::NoSessions(subject.code.clone()))?,
        };
        let protocol = Protocol::of(&session);
        let (comparable, others) = comparable::split(&sessions, &protocol);
        let previous = since_last_visit(&comparable, &session)
            .map(|(p, _)| store.session_results(p.id))
            .transpose()?;
        Ok(ReportData {
            results: store.session_results(session.id)?,
            injections: store.injections(Some(&subject.code))?,
            dbs: store.dbs_settings(Some(&subject.code))?,
            medications: store.medications(Some(&subject.code))?,
            diary: store.diary(Some(&subject.code))?,
            subject,
            session,
            protocol,
            comparable,
            others,
            previous,
        })
    }
}

/// Text escaped for HTML content and attribute values. Hand-written: five replacements do
/// not justify a templating or escaping dependency.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A posture median's size with its 95 % uncertainty and its clinical name, e.g. `28.4 ± 2.1°
/// left torticollis`, or `3.0 ± 1.0° none` within 5° of neutral (the TWSTRS item's word).
fn posture_deg(axis: Axis, a: Option<&AxisStats>) -> String {
    match a {
        Some(a) => {
            let size = match a.uncertainty_deg {
                Some(u) => format!("{:.1} ± {u:.1}°", a.median.abs()),
                None => format!("{:.1}°", a.median.abs()),
            };
            format!("{size} {}", axis.posture_name(a.median).unwrap_or("none"))
        }
        None => "–".into(),
    }
}

/// The report's inline style sheet (the page is one file; the web app allows this style by its
/// hash in its Content-Security-Policy).
pub const STYLE: &str = r#"
@page { size: A4 landscape; margin: 7mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 8.5pt; color: #222; margin: 0; width: 283mm; }
header { display: flex; justify-content: space-between; align-items: baseline; border-bottom: 2px solid #1f77b4; }
h1 { font-size: 13pt; margin: 0 0 1mm 0; }
h2 { font-size: 9pt; margin: 1mm 0 0.5mm 0; color: #1f4e79; }
.notice { background: #fff4d6; border: 1px solid #e0b84c; padding: 0.6mm 2mm; font-weight: bold; }
.meta { color: #555; }
.cols { display: grid; grid-template-columns: 38% 23% 39%; gap: 2mm; margin-top: 1mm; }
ul { margin: 0; padding-left: 4mm; }
p { margin: 0.5mm 0; }
figure { margin: 0; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { font-size: 8pt; color: #555; }
table { border-collapse: collapse; width: 100%; font-size: 8pt; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3mm 1mm; text-align: left; vertical-align: top; }
td.n { text-align: right; white-space: nowrap; }
.better { color: #2c7a2c; } .worse { color: #b02040; }
section { break-inside: avoid; }
.sign { margin-top: 2mm; white-space: nowrap; }
.back { margin: 0 0 1mm 0; font-size: 10pt; }
@media print { .back { display: none; } }
footer { font-size: 8pt; color: #666; border-top: 1px solid #ccc; margin-top: 1mm; }
/* Across visits on a page of its own rather than crowding the visit's. */
.page2 { break-before: page; }
.page2 .cols2 { display: grid; grid-template-columns: 1fr 1fr; gap: 4mm; }
"#;

/// The report `page` with a link back to where it was opened from (the web app's record
/// page), at the top, on the screen only (not printed).
pub fn with_way_back(page: &str, href: &str, label: &str) -> String {
    page.replacen(
        "<body>",
        &format!(
            "<body>\n<p class=\"back\"><a href=\"{}\">← {}</a></p>",
            esc(href),
            esc(label)
        ),
        1,
    )
}

/// The report page.
pub fn html(d: &ReportData, generated: &str) -> Result<String, ReportError> {
    let r = &d.results;
    let m = &r.measurements;
    let s = &d.session;
    let mut h = String::with_capacity(200_000);
    let _ = writeln!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>Collis report {code} session {id}</title>\n<style>{STYLE}</style>\n</head>\n<body>",
        code = esc(&d.subject.code),
        id = s.id
    );
    // Header: who, which session, and what this is.
    let subject_info: Vec<String> = [
        d.subject.sex.clone(),
        d.subject.birth_year.map(|y| format!("born {y}")),
        d.subject.onset_year.map(|y| format!("onset {y}")),
        d.subject
            .affected_side
            .clone()
            .map(|s| format!("affected side {s}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    let _ = writeln!(
        h,
        "<header><div><h1>Collis movement report — subject <span id=\"subject\">{code}</span></h1>\
         <div class=\"meta\">Session {id} on {date} · task {task} · {dur:.0} s {source} recording ({file}) · {subject}</div>\
         <div class=\"meta\">Reference: {reference}</div></div>\
         <div class=\"notice\">{notice}</div></header>",
        code = esc(&d.subject.code),
        id = s.id,
        date = s.recorded_on,
        task = esc(&s.task),
        dur = s.duration_s,
        source = esc(&s.source),
        file = esc(s.file_name.as_deref().unwrap_or("no file name")),
        subject = esc(&subject_info.join(", ")),
        reference = esc(&r.recording.reference.description),
        notice = esc(NOTICE),
    );
    // Key figures in words.
    let p = &m.posture;
    let tremor = if m.tremor.present {
        format!(
            "tremor {:.2} Hz {:.2}° {}",
            m.tremor.frequency_hz.unwrap_or(f64::NAN),
            m.tremor.amplitude_deg.unwrap_or(f64::NAN),
            m.tremor.axis.map_or("–", |a| a.name())
        )
    } else if m.tremor.criterion.starts_with("not analysed") {
        "tremor not assessed".to_string()
    } else {
        "no tremor by the criterion".to_string()
    };
    let _ = writeln!(
        h,
        "<p><b>Median posture ±95 %</b> rotation {} · tilt {} · flexion {} · <b>{}</b> · <b>jerks</b> {} · <b>spasms</b> {} · <b>TWSTRS by machine</b> {}/{}</p>",
        esc(&posture_deg(Axis::Rotation, p.rotation_deg.as_ref())),
        esc(&posture_deg(Axis::Tilt, p.tilt_deg.as_ref())),
        esc(&posture_deg(Axis::Flexion, p.flexion_deg.as_ref())),
        esc(&tremor),
        m.jerks.count,
        m.spasms.count,
        m.twstrs.machine_subtotal,
        m.twstrs.machine_subtotal_max
    );
    let _ = writeln!(
        h,
        "<p id=\"plain\"><b>In plain words:</b> {}</p>",
        esc(&plain_summary(r))
    );
    let _ = writeln!(
        h,
        "<p id=\"patient-reported\"><b>Patient-reported</b> (TWSTRS-2, self-rated in the diary): {}</p>",
        esc(&diary_subscales(&d.diary, s.recorded_on))
    );
    if !m.not_assessed.is_empty() {
        let items: Vec<String> = m
            .not_assessed
            .iter()
            .map(|n| format!("{}: {}", n.figure.replace('_', " "), n.reason))
            .collect();
        let _ = writeln!(
            h,
            "<p class=\"not-assessed\"><b>Not assessed</b> (the recording cannot support them): {}</p>",
            esc(&items.join("; "))
        );
    }
    // The movement-pattern profile (its evidence is in results JSON and `collis analyze`) and
    // the sensory trick, when analysed.
    if let Some(pat) = &m.pattern {
        let top = pat.explanations.iter().find(|e| e.label == pat.top);
        let _ = writeln!(
            h,
            "<p><b>Movement pattern</b> (decision support, not a diagnosis): {}{}</p>",
            esc(pat.top.describe()),
            top.map_or(String::new(), |e| format!(
                " (score {:.2}, confidence {:.2})",
                e.score, e.confidence
            ))
        );
    }
    if let Some(t) = &m.sensory_trick {
        let _ = writeln!(
            h,
            "<p><b>Sensory trick</b> ({}, {} axis): relief {} · TWSTRS {}/{} · TWSTRS-2 {}/{}</p>",
            esc(&t.design),
            t.axis,
            t.relief_percent.map_or("–".into(), |r| format!("{r:.0} %")),
            t.twstrs.score,
            t.twstrs.max,
            t.twstrs2.score,
            t.twstrs2.max
        );
    }
    // Three columns: this session (left), posture and treatments (middle), across time (right).
    let all_series: Vec<(Figure, Vec<crate::longitudinal::Point>)> = Figure::ALL
        .into_iter()
        .map(|f| (f, series(f, &d.comparable, &d.diary)))
        .filter(|(_, p)| !p.is_empty())
        .collect();
    let injection_dates: Vec<_> = d.injections.iter().map(|i| i.given_on).collect();
    let dbs_dates: Vec<_> = d.dbs.iter().map(|x| x.programmed_on).collect();
    h.push_str("<main class=\"cols\">\n<div>\n");
    match &m.trace {
        Some(t) => figure(
            &mut h,
            "fig-angles",
            &format!(
                "Angles over time (bin means): blue {}, orange tilt, green flexion; + = chin right, right ear down, chin down{}",
                if r.recording.reference.rotation_referenced { "rotation" } else { "rotation (centred, no reference)" },
                if r.recording.reference.neutral_s.is_some() { "; grey = the neutral segment" } else { "" }
            ),
            &plots::angles_over_time(
                t,
                r.recording.reference.rotation_referenced,
                r.recording.reference.neutral_s,
            )?,
        ),
        None if r.recording.source == collis_core::results::Source::Emg => {
            h.push_str("<p>No head angles: a surface-EMG recording alone.</p>")
        }
        None => h.push_str("<p>No angle trace in these results (analysed before schema 1.1).</p>"),
    }
    if m.jerks.events.is_empty() && m.spasms.events.is_empty() {
        h.push_str("<p id=\"fig-jerks\">Jerks and spasms: none detected in this recording.</p>\n");
    } else {
        figure(
            &mut h,
            "fig-jerks",
            "Jerks and spasms: jerks as ticks (faint = negative direction), spasms as bars",
            &plots::jerk_raster(&m.jerks.events, &m.spasms.events, r.recording.duration_s)?,
        );
    }
    twstrs_table(&mut h, r);
    h.push_str("</div>\n<div>\n");
    match &m.trace {
        // Without a rotation reference the head's direction across is unknown.
        Some(t) if r.recording.reference.rotation_referenced => {
            let med = [p.rotation_deg, p.tilt_deg, p.flexion_deg].map(|a| a.map(|a| a.median));
            figure(
                &mut h,
                "fig-direction",
                "Where the head points (seen from behind; dots = bins, × = median)",
                &plots::head_direction(t, med)?,
            );
        }
        _ => h.push_str("<p id=\"fig-direction\">Where the head points: not shown, rotation has no reference in this recording (record with a neutral segment or a trunk sensor).</p>"),
    }
    if let Some(emg) = &m.emg {
        figure(
            &mut h,
            "fig-emg",
            "Surface EMG bursts per channel (bar height = peak envelope; red = short, < 100 ms)",
            &plots::emg_bursts(&emg.channels, r.recording.duration_s)?,
        );
        figure(
            &mut h,
            "fig-emg-envelope",
            "Surface EMG envelopes (RMS per 1/20 s or longer bins, log scale; shaded = detected bursts, red = short; dashed = onset threshold)",
            &plots::emg_envelopes(&emg.channels, r.recording.duration_s)?,
        );
        emg_table(&mut h, emg);
    }
    treatments(&mut h, d);
    clinician_items(&mut h, r);
    others_table(&mut h, d);
    h.push_str("</div>\n<div>\n");
    match &m.tremor.spectrum {
        Some(sp) => figure(
            &mut h,
            "fig-spectrum",
            "Tremor spectrum of the main axis (shaded: 2–12 Hz tremor band)",
            &plots::tremor_spectrum(sp, m.tremor.band_hz, m.tremor.frequency_hz)?,
        ),
        None => h.push_str("<p>No spectrum (recording shorter than one 4-s segment).</p>"),
    }
    since_last(&mut h, d);
    h.push_str("</div>\n</main>\n");
    // Across visits: a page of its own when there is more than this visit to show.
    if d.comparable.len() > 1 || !injection_dates.is_empty() || !dbs_dates.is_empty() {
        let _ = writeln!(
            h,
            "<section class=\"page2\" id=\"across\"><h2>Across visits — subject {code}</h2>",
            code = esc(&d.subject.code)
        );
        figure(
            &mut h,
            "fig-longitudinal",
            "Per visit, one panel per unit: red = botulinum toxin, purple = DBS programming, grey = the session reported",
            &plots::longitudinal(
                &all_series,
                &injection_dates,
                &dbs_dates,
                Some(s.recorded_on),
            )?,
        );
        let _ = writeln!(
            h,
            "<p class=\"meta\" id=\"protocol\">Trends, cycles and changes compare the {} sessions recorded the same way: {}.</p>\n<div class=\"cols2\"><div>",
            d.comparable.len(),
            esc(&d.protocol.describe())
        );
        trends_table(&mut h, &all_series);
        h.push_str("</div><div>");
        cycles_table(&mut h, d, &injection_dates);
        h.push_str("</div></div></section>\n");
    }
    let warnings = if r.warnings.is_empty() {
        String::new()
    } else {
        format!(" Warnings: {}.", esc(&r.warnings.join("; ")))
    };
    let _ = writeln!(
        h,
        "<footer>{notice} Generated {generated} by {generator} (results schema {schema}). Angles in degrees relative to the reference given at the top; figures are measurements of this recording, for the clinician to interpret.{warnings}</footer>\n</body>\n</html>",
        notice = esc(NOTICE),
        generated = esc(generated),
        generator = esc(&r.generator),
        schema = esc(&r.schema_version),
    );
    Ok(h)
}

fn figure(h: &mut String, id: &str, caption: &str, svg: &str) {
    let _ = writeln!(
        h,
        "<figure id=\"{id}\">{svg}<figcaption>{}</figcaption></figure>",
        esc(caption)
    );
}

/// Per channel activity and bursts, then left/right asymmetry and co-contraction.
fn emg_table(h: &mut String, emg: &collis_core::emg::Emg) {
    h.push_str("<section><h2>Surface EMG</h2><table><tr><th>channel</th><th>activity RMS</th><th>active</th><th>bursts (short)</th></tr>");
    for c in &emg.channels {
        let short = c.bursts.iter().filter(|b| b.short).count();
        let pct = c
            .activity_pct_mvc
            .map_or(String::new(), |p| format!(" ({p:.0} % MVC)"));
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"n\">{:.3} {}{}</td><td class=\"n\">{:.0} %</td><td class=\"n\">{} ({short})</td></tr>",
            esc(&c.label),
            c.activity_rms,
            esc(&c.unit),
            pct,
            100.0 * c.active_fraction,
            c.bursts.len()
        );
    }
    for a in &emg.asymmetry {
        let _ = write!(
            h,
            "<tr><td colspan=\"4\">asymmetry {}: index (R − L)/(R + L) {:+.2} ({} vs {})</td></tr>",
            esc(a.muscle.code()),
            a.index,
            esc(&a.right),
            esc(&a.left)
        );
    }
    for c in &emg.co_contraction {
        let _ = write!(
            h,
            "<tr><td colspan=\"4\">co-contraction {} / {}: {:.0} %</td></tr>",
            esc(&c.agonist),
            esc(&c.antagonist),
            c.index_pct
        );
    }
    h.push_str("</table></section>");
}

/// The visit in one sentence a patient could read: the posture in clinical words on each axis
/// beyond the TWSTRS "none" band, the tremor, the jerks and spasms.
fn plain_summary(r: &Results) -> String {
    let m = &r.measurements;
    let p = &m.posture;
    let turned: Vec<String> = [
        (Axis::Rotation, p.rotation_deg.as_ref()),
        (Axis::Tilt, p.tilt_deg.as_ref()),
        (Axis::Flexion, p.flexion_deg.as_ref()),
    ]
    .into_iter()
    .filter_map(|(axis, a)| {
        let a = a?;
        axis.posture_name(a.median)?;
        Some(format!("{} {}", axis.name(), axis.posture_words(a.median)))
    })
    .collect();
    let posture = if turned.is_empty() {
        format!(
            "the head is within {:.0}° of neutral on every axis measured",
            collis_core::axis::NONE_BELOW_DEG
        )
    } else {
        format!("the head is held off neutral: {}", turned.join("; "))
    };
    let tremor = match (
        m.tremor.present,
        m.tremor.frequency_hz,
        m.tremor.amplitude_deg,
    ) {
        (true, Some(f), Some(a)) => format!("a head tremor at {f:.1} Hz, {a:.1}° in size"),
        _ if m.tremor.criterion.starts_with("not analysed") => "tremor not assessed".into(),
        _ => "no head tremor by the criterion".into(),
    };
    let events = match (m.jerks.count, m.spasms.count) {
        (0, 0) => "no jerks or spasms".to_string(),
        (j, sp) => format!("{j} jerk(s) and {sp} spasm(s)"),
    };
    format!(
        "during this {:.0}-s recording {posture}; {tremor}; {events}.",
        r.recording.duration_s
    )
}

/// The TWSTRS-2 disability (0–30) and pain (0–20) subscales the patient rated in the diary, the
/// latest on or before `on` (Comella 2016; clinical.md: full TWSTRS = severity 35 + disability
/// 30 + pain 20), or that there are none.
fn diary_subscales(diary: &[DiaryEntry], on: chrono::NaiveDate) -> String {
    let latest = diary
        .iter()
        .filter(|e| e.entry_on <= on && (e.twstrs_disability.is_some() || e.twstrs_pain.is_some()))
        .max_by_key(|e| e.entry_on);
    match latest {
        None => "no TWSTRS-2 disability or pain ratings in the diary up to this visit".into(),
        Some(e) => {
            let n = |v: Option<i64>, max: u32| {
                v.map_or("not rated".into(), |v| format!("{v} of {max}"))
            };
            format!(
                "disability {}, pain {} (diary of {}; higher = worse)",
                n(e.twstrs_disability, 30),
                n(e.twstrs_pain, 20),
                e.entry_on
            )
        }
    }
}

/// The TWSTRS severity items the machine does not score for this recording, with their ranges,
/// as fields for the clinician to fill in on paper, with name, signature and date (Consky &
/// Lang 1994; clinical.md, "TWSTRS severity subscale").
fn clinician_items(h: &mut String, r: &Results) {
    let t = &r.measurements.twstrs;
    let mut items = vec![
        ("lateral shift", 1),
        ("sagittal shift", 1),
        ("shoulder elevation / anterior displacement", 3),
    ];
    if r.measurements.sensory_trick.is_none() {
        items.push(("effect of sensory tricks", 2));
    }
    if t.range_of_motion.is_none() {
        items.push(("range of motion without tricks", 4));
    }
    if t.hold_within_10deg.is_none() {
        items.push(("time within 10° of neutral (up to 60 s)", 4));
    }
    h.push_str("<section id=\"clinician\"><h2>Rated by the clinician</h2><table>");
    for (item, max) in items {
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"n\">____ / {max}</td></tr>",
            esc(item)
        );
    }
    h.push_str("<tr><td>severity total (machine + clinician)</td><td class=\"n\">____ / 35</td></tr></table>");
    h.push_str("<p class=\"sign\">Name ______________ Signature ______________ Date __________</p></section>");
}

/// One piece of a TWSTRS item's evidence in words, not as the results' field names:
/// "median −28.2°", "5 % of the time beyond −30.5°", "deviated > 5° 97 % of the time".
fn evidence_words(e: &collis_core::results::Evidence) -> String {
    let v = e.value;
    let last = e.figure.rsplit('.').next().unwrap_or(&e.figure);
    match last {
        "median" => format!("median {v:+.1}°"),
        "p5" => format!("5th percentile {v:+.1}°"),
        "p95" => format!("95th percentile {v:+.1}°"),
        "fraction_deviated_5deg" => {
            format!("more than 5° from neutral {:.0} % of the time", 100.0 * v)
        }
        "deviation_p95" => format!("deviation reached {v:+.1}° (95th percentile)"),
        "maximal_share_of_deviated" => format!("near its maximum {:.0} % of that time", 100.0 * v),
        "first_hold_s" => format!("first hold {v:.1} s"),
        "longest_hold_s" => format!("longest hold {v:.1} s"),
        "restricted_side_reach" => format!("reach on the restricted side {v:+.1}°"),
        name => match e.unit.as_str() {
            "deg" => format!("{} {v:+.1}°", name.replace('_', " ")),
            "1" => format!("{} {v:.2}", name.replace('_', " ")),
            u => format!("{} {v:.2} {u}", name.replace('_', " ")),
        },
    }
}

fn twstrs_table(h: &mut String, r: &Results) {
    let t = &r.measurements.twstrs;
    h.push_str("<section><h2>TWSTRS severity items (machine-scored) with evidence</h2><table><tr><th>item</th><th>score</th><th>rule</th><th>evidence</th></tr>");
    let mut items: Vec<(&str, &Option<TwstrsItem>)> = vec![
        ("rotation (torticollis)", &t.rotation),
        ("laterocollis", &t.laterocollis),
        ("antero/retrocollis", &t.antero_retrocollis),
        ("duration factor (×2)", &t.duration_factor),
        ("time within 10° (hold)", &t.hold_within_10deg),
    ];
    // Only a range-of-motion task scores it: no empty row on the other reports' one page.
    if t.range_of_motion.is_some() {
        items.push(("range of motion", &t.range_of_motion));
    }
    for (name, item) in items {
        match item {
            Some(i) => {
                // The evidence in words (evidence_words); the uncertainty is shown with the
                // median posture above.
                let ev: Vec<String> = i
                    .evidence
                    .iter()
                    .filter(|e| !e.figure.ends_with("uncertainty_deg"))
                    .map(evidence_words)
                    .collect();
                // A one-band note ("; ±1.2°: could be 1") goes to the score cell, so that
                // the row is no taller than without it and the report stays one page.
                let (rule, could) = match i.rule.split_once("; ±") {
                    Some((rule, note)) => (
                        rule,
                        note.rsplit_once("could be ")
                            .map_or(String::new(), |(_, n)| format!(" (or {n})")),
                    ),
                    None => (i.rule.as_str(), String::new()),
                };
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td class=\"n\">{}/{}{}</td><td>{}</td><td>{}</td></tr>",
                    esc(name),
                    i.score,
                    i.max,
                    esc(&could),
                    esc(rule),
                    esc(&ev.join("; "))
                );
            }
            None => {
                let key = name.split(' ').next().unwrap_or(name).replace('/', "_");
                let why = t.unscored.iter().find(|u| u.item == key).map_or_else(
                    || "not scored for this recording".to_string(),
                    // The reason only: the remedy is in the results and the summary, and
                    // the report stays one page.
                    |u| format!("not scored: {}", u.reason),
                );
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td class=\"n\">–</td><td colspan=\"2\">{}</td></tr>",
                    esc(name),
                    esc(&why)
                );
            }
        }
    }
    let _ = writeln!(
        h,
        "<tr><th>subtotal</th><th class=\"n\">{}/{}</th><th colspan=\"2\">of {}, higher = worse; clinician: the rest</th></tr></table></section>",
        t.machine_subtotal,
        t.machine_subtotal_max,
        collis_core::results::TWSTRS_SEVERITY_MAX
    );
}

fn since_last(h: &mut String, d: &ReportData) {
    h.push_str("<section><h2>What changed since the last visit</h2>");
    match since_last_visit(&d.comparable, &d.session) {
        None => h.push_str(
            "<p>First session of this subject recorded this way: nothing to compare yet.</p>",
        ),
        Some((prev, changes)) => {
            let between: Vec<String> = d
                .injections
                .iter()
                .filter(|i| i.given_on >= prev.recorded_on && i.given_on < d.session.recorded_on)
                .map(|i| {
                    format!(
                        "botulinum toxin {} ({} U) on {}",
                        i.product,
                        i.total_units(),
                        i.given_on
                    )
                })
                .chain(
                    d.dbs
                        .iter()
                        .filter(|x| {
                            x.programmed_on > prev.recorded_on
                                && x.programmed_on <= d.session.recorded_on
                        })
                        .map(|x| format!("DBS programming on {}", x.programmed_on)),
                )
                .collect();
            let _ = write!(
                h,
                "<p>Previous: session {} on {} ({} days earlier). In between: {}.</p><table><tr><th>figure</th><th>before</th><th>now</th><th>change</th></tr>",
                prev.id,
                prev.recorded_on,
                (d.session.recorded_on - prev.recorded_on).num_days(),
                esc(&if between.is_empty() { "no treatment recorded".to_string() } else { between.join("; ") })
            );
            for c in changes {
                let delta = c.delta();
                let noise = d
                    .previous
                    .as_ref()
                    .and_then(|p| change_noise(c.figure, &p.measurements, &d.results.measurements))
                    .unwrap_or(0.0);
                // In words and arrows as well as colour; within the noise (or below the
                // shown precision) it is no change.
                let (class, words) = if delta.abs() <= noise.max(0.05) {
                    ("", "no change".to_string())
                } else if delta < 0.0 {
                    ("better", format!("▼ {delta:+.1}"))
                } else {
                    ("worse", format!("▲ {delta:+.1}"))
                };
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td class=\"n\">{:.1} {u}</td><td class=\"n\">{:.1} {u}</td><td class=\"n {class}\">{words}</td></tr>",
                    esc(c.figure.label()),
                    c.previous,
                    c.current,
                    u = esc(c.figure.unit())
                );
            }
            h.push_str("</table><p class=\"meta\">Lower is better (▼); within both visits' 95 % bounds: no change.</p>");
        }
    }
    h.push_str("</section>\n");
}

/// The sessions left out of the comparisons (exercises, trials, other sources): how many of
/// each kind and the latest, so the clinician knows they exist and where they are.
fn others_table(h: &mut String, d: &ReportData) {
    if d.others.is_empty() {
        return;
    }
    let mut kinds: Vec<(String, usize, chrono::NaiveDate)> = Vec::new();
    for s in &d.others {
        let k = Protocol::of(s).describe();
        match kinds.iter_mut().find(|(name, _, _)| *name == k) {
            Some(entry) => {
                entry.1 += 1;
                entry.2 = entry.2.max(s.recorded_on);
            }
            None => kinds.push((k, 1, s.recorded_on)),
        }
    }
    h.push_str("<section id=\"others\"><h2>Exercises and other sessions (not compared)</h2><table><tr><th>recorded as</th><th>sessions</th><th>latest</th></tr>");
    for (k, n, latest) in kinds {
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"n\">{n}</td><td class=\"n\">{latest}</td></tr>",
            esc(&k)
        );
    }
    h.push_str("</table></section>\n");
}

fn cycles_table(h: &mut String, d: &ReportData, injections: &[chrono::NaiveDate]) {
    h.push_str("<section><h2>Botulinum toxin cycles (|rotation|)</h2>");
    let points = series(Figure::Rotation, &d.comparable, &d.diary);
    let cycles = botulinum_cycles(&points, injections);
    if cycles.is_empty() {
        h.push_str("<p>No injections recorded.</p></section>\n");
        return;
    }
    h.push_str("<table><tr><th>injection</th><th>baseline</th><th>best</th><th>change</th><th>days to best</th><th>wear-off (days)</th></tr>");
    let n = |v: Option<f64>, unit: &str| v.map_or("–".into(), |v| format!("{v:.1}{unit}"));
    for c in cycles {
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            c.injection_on,
            n(c.baseline.map(|b| b.value), "°"),
            n(c.best.map(|b| b.value), "°"),
            c.improvement.map_or("–".into(), |i| format!("{:+.0} %", -100.0 * i)),
            c.days_to_best.map_or("–".into(), |d| d.to_string()),
            n(c.wear_off_days, ""),
        );
    }
    h.push_str("</table><p class=\"meta\">Baseline: last visit ≤ 28 days before the injection; wear-off: back halfway from best to baseline (interpolated between visits).</p></section>\n");
}

fn trends_table(h: &mut String, series: &[(Figure, Vec<crate::longitudinal::Point>)]) {
    h.push_str("<section><h2>Trends across these visits</h2><table><tr><th>figure</th><th>visits</th><th>latest</th><th>slope / month</th></tr>");
    for (f, points) in series {
        let latest = points
            .last()
            .map_or("–".into(), |p| format!("{:.1} {}", p.value, f.unit()));
        let slope = trend(points).map_or("–".into(), |t| format!("{:+.2}", t.per_month));
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(f.label()),
            points.len(),
            esc(&latest),
            slope
        );
    }
    h.push_str("</table></section>\n");
}

fn treatments(h: &mut String, d: &ReportData) {
    h.push_str("<section><h2>Treatments</h2><ul>");
    if let Some(i) = d.injections.last() {
        let doses: Vec<String> = i
            .doses
            .iter()
            .map(|x| format!("{} {} {} U", x.muscle, x.side, x.units))
            .collect();
        let _ = write!(
            h,
            "<li>Last botulinum toxin: {} {} ({} injections recorded): {}</li>",
            i.given_on,
            esc(&i.product),
            d.injections.len(),
            esc(&doses.join(", "))
        );
    }
    if let Some(x) = d.dbs.last() {
        let _ = write!(
            h,
            "<li>DBS since {}: {} {}, contacts {}, {} {}, {} µs, {} Hz</li>",
            x.programmed_on,
            esc(&x.target),
            esc(&x.side),
            esc(&x.contacts),
            x.amplitude,
            esc(&x.amplitude_unit),
            x.pulse_width_us,
            x.frequency_hz
        );
    }
    for m in d
        .medications
        .iter()
        .filter(|m| m.stopped_on.is_none_or(|s| s >= d.session.recorded_on))
    {
        let _ = write!(
            h,
            "<li>{}: {} since {}</li>",
            esc(&m.name),
            esc(&m.dose),
            m.started_on
        );
    }
    if d.injections.is_empty() && d.dbs.is_empty() && d.medications.is_empty() {
        h.push_str("<li>none recorded</li>");
    }
    h.push_str("</ul></section>\n");
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc(r#"<b>"Tom" & 'Jerry'</b>"#),
            "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;"
        );
        assert_eq!(esc("plain 5–15°"), "plain 5–15°");
    }
}
