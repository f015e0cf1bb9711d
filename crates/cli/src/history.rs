//! A simulated patient followed through three botulinum toxin cycles at known effect sizes
//! ([`BotulinumHistory::three_cycles`]): a recording at every visit (same patient, severity
//! of that day), analysed and stored exactly as `collis record add` does, the injections and
//! a diary entry per visit. Used by `collis demo` (a record to report on) and by
//! `collis validate` (effect and wear-off recovered within one visit interval).

use crate::args::AngleArgs;
use crate::commands::{record, simulate};
use anyhow::Result;
use chrono::{Duration, NaiveDate};
use collis_core::results::Task;
use collis_sim::{BotulinumHistory, Profile, SimOptions};
use collis_store::{DiaryEntry, Dose, Injection, Store, Subject};
use std::path::Path;

/// The patient's seed (a torticollis with dystonic tremor).
pub const PATIENT_SEED: u64 = 1;
/// Length of each visit's recording, seconds.
pub const VISIT_RECORDING_S: f64 = 60.0;

/// The date of `day` days after `start`.
pub fn date_of(start: NaiveDate, day: f64) -> NaiveDate {
    start + Duration::days(day.round() as i64)
}

/// Record the three-cycle history of `subject` from `start`, recordings written under `dir`.
pub fn record_history(
    store: &Store,
    subject: &str,
    dir: &Path,
    start: NaiveDate,
) -> Result<BotulinumHistory> {
    let h = BotulinumHistory::three_cycles();
    if store.subject(subject).is_err() {
        store.add_subject(&Subject {
            code: subject.to_string(),
            sex: Some("female".into()),
            birth_year: Some(1971),
            onset_year: Some(2016),
            affected_side: Some("right".into()),
            note: Some("simulated patient (collis demo)".into()),
        })?;
    }
    for k in 0..h.visits {
        let day = h.visit_day(k);
        let severity = h.severity_on_day(day);
        let opts = SimOptions {
            duration_s: VISIT_RECORDING_S,
            severity,
            session: k as u64,
            ..SimOptions::new(Profile::TorticollisTremor, PATIENT_SEED)
        };
        let sim = collis_sim::simulate(&opts);
        let path = simulate::write(&sim, &dir.join(format!("visit-{k:02}")), opts.with_mag)?;
        let args = AngleArgs {
            neutral: Some(sim.truth.neutral_s),
            ..AngleArgs::default()
        };
        let date = date_of(start, day);
        record::store_file(store, subject, &path, date, &args, Task::Rest)?;
        store.add_diary(&DiaryEntry {
            subject: subject.to_string(),
            entry_on: date,
            pain: Some((1.0 + 6.0 * severity).round() as i64),
            twstrs_disability: Some((4.0 + 14.0 * severity).round() as i64),
            twstrs_pain: None,
            note: None,
        })?;
    }
    for c in &h.cycles {
        let dose = |muscle: &str, side: &str, units| Dose {
            muscle: muscle.into(),
            side: side.into(),
            units,
        };
        store.add_injection(&Injection {
            subject: subject.to_string(),
            given_on: date_of(start, c.injection_day),
            product: "incobotulinumtoxinA".into(),
            guidance: Some("emg".into()),
            // The muscles of this patient's posture, chin to the left with the left ear down
            // (the simulated torticollis): the splenius capitis turns the head to its own
            // side, the sternocleidomastoid to the other side, the levator scapulae tilts it
            // to its own side (the col-cap concept, Reichel 2011 / Jost & Tatu 2015).
            doses: vec![
                dose("splenius capitis", "left", 60.0),
                dose("sternocleidomastoid", "right", 40.0),
                dose("levator scapulae", "left", 30.0),
            ],
            note: None,
        })?;
    }
    Ok(h)
}
