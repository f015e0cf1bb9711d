//! A subject's treatments and diary over the REST API, so that the record page can show and
//! enter them as `collis treatment` and `collis diary` do: botulinum toxin injections (with
//! the dose warning against the product's labelled maximum), DBS programming, medication and
//! the patient's diary (pain 0–10, the TWSTRS-2 disability 0–30 and pain 0–20 subscales).
//! The record checks every entry (dates, sides, ranges) and says what is wrong (422).

use crate::api::{ApiError, ErrorBody};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use collis_store::{DbsSetting, DiaryEntry, Dose, Injection, Medication};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/subjects/{code}/treatments", get(list))
        .route("/api/subjects/{code}/injections", post(add_injection))
        .route("/api/subjects/{code}/dbs", post(add_dbs))
        .route("/api/subjects/{code}/medications", post(add_medication))
        .route("/api/subjects/{code}/diary", post(add_diary))
}

fn date(field: &str, v: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").map_err(|_| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("{field} '{v}': expected a date YYYY-MM-DD"),
        )
    })
}

/// A muscle's dose as entered.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct DoseIn {
    pub muscle: String,
    /// left, right or both.
    pub side: String,
    pub units: f64,
}

/// A botulinum toxin injection as entered.
#[derive(Debug, Deserialize, ToSchema)]
pub struct InjectionIn {
    /// YYYY-MM-DD.
    pub given_on: String,
    /// E.g. incobotulinumtoxinA.
    pub product: String,
    /// anatomy, emg, ultrasound, e-stim or ct.
    pub guidance: Option<String>,
    pub doses: Vec<DoseIn>,
    pub note: Option<String>,
}

/// DBS programming as entered.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DbsIn {
    pub programmed_on: String,
    /// E.g. GPi.
    pub target: String,
    pub side: String,
    pub contacts: String,
    pub amplitude: f64,
    /// mA or V.
    pub amplitude_unit: String,
    pub pulse_width_us: f64,
    pub frequency_hz: f64,
    pub note: Option<String>,
}

/// A medication as entered.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MedicationIn {
    pub name: String,
    pub dose: String,
    pub started_on: String,
    pub stopped_on: Option<String>,
    pub note: Option<String>,
}

/// A diary entry as entered.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DiaryIn {
    pub entry_on: String,
    /// Pain 0–10.
    pub pain: Option<i64>,
    /// TWSTRS-2 disability subscale, self-rated, 0–30.
    pub twstrs_disability: Option<i64>,
    /// TWSTRS-2 pain subscale, self-rated, 0–20.
    pub twstrs_pain: Option<i64>,
    pub note: Option<String>,
}

/// One entry of the subject's treatments and diary, in date order.
#[derive(Debug, Serialize, ToSchema)]
pub struct Entry {
    /// YYYY-MM-DD.
    pub date: String,
    /// botulinum toxin, DBS programming, medication or diary.
    pub kind: String,
    /// What it was, in words.
    pub details: String,
    /// A dose above the product's labelled maximum, if so.
    pub warning: Option<String>,
}

/// What was stored: its id and, for an injection, the dose warning.
#[derive(Debug, Serialize, ToSchema)]
pub struct Stored {
    pub id: i64,
    pub warning: Option<String>,
}

fn blank_none(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.trim().is_empty())
}

/// The subject's treatments and diary, newest first.
#[utoipa::path(get, path = "/api/subjects/{code}/treatments", params(("code" = String, Path)),
    responses((status = 200, body = [Entry]), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Vec<Entry>>, ApiError> {
    let (injections, dbs, meds, diary) = st
        .with_store(move |s| {
            s.subject(&code)?;
            Ok((
                s.injections(Some(&code))?,
                s.dbs_settings(Some(&code))?,
                s.medications(Some(&code))?,
                s.diary(Some(&code))?,
            ))
        })
        .await?;
    let mut out: Vec<Entry> = Vec::new();
    for i in &injections {
        let doses: Vec<String> = i
            .doses
            .iter()
            .map(|d| {
                format!(
                    "{} {} {} U",
                    d.muscle,
                    d.side,
                    collis_store::number(d.units)
                )
            })
            .collect();
        out.push(Entry {
            date: i.given_on.to_string(),
            kind: "botulinum toxin".into(),
            details: format!(
                "{} {} U: {}",
                i.product,
                collis_store::number(i.total_units()),
                doses.join(", ")
            ),
            warning: i.dose_warning(),
        });
    }
    for d in &dbs {
        out.push(Entry {
            date: d.programmed_on.to_string(),
            kind: "DBS programming".into(),
            details: format!(
                "{} {}, contacts {}, {} {}, {} µs, {} Hz",
                d.target,
                d.side,
                d.contacts,
                collis_store::number(d.amplitude),
                d.amplitude_unit,
                collis_store::number(d.pulse_width_us),
                collis_store::number(d.frequency_hz)
            ),
            warning: None,
        });
    }
    for m in &meds {
        out.push(Entry {
            date: m.started_on.to_string(),
            kind: "medication".into(),
            details: format!(
                "{} {}{}",
                m.name,
                m.dose,
                m.stopped_on
                    .map_or(String::new(), |s| format!(", stopped {s}"))
            ),
            warning: None,
        });
    }
    for e in &diary {
        let parts: Vec<String> = [
            e.pain.map(|p| format!("pain {p}/10")),
            e.twstrs_disability
                .map(|v| format!("TWSTRS-2 disability {v}/30")),
            e.twstrs_pain.map(|v| format!("TWSTRS-2 pain {v}/20")),
            e.note.clone(),
        ]
        .into_iter()
        .flatten()
        .collect();
        out.push(Entry {
            date: e.entry_on.to_string(),
            kind: "diary".into(),
            details: parts.join(", "),
            warning: None,
        });
    }
    // Newest first; ISO dates sort as text.
    out.sort_by(|a, b| b.date.cmp(&a.date));
    Ok(Json(out))
}

/// Add a botulinum toxin injection.
#[utoipa::path(post, path = "/api/subjects/{code}/injections", params(("code" = String, Path)), request_body = InjectionIn,
    responses((status = 201, body = Stored), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_injection(
    State(st): State<AppState>,
    Path(code): Path<String>,
    Json(i): Json<InjectionIn>,
) -> Result<(StatusCode, Json<Stored>), ApiError> {
    let injection = Injection {
        subject: code,
        given_on: date("given_on", &i.given_on)?,
        product: i.product,
        guidance: blank_none(i.guidance),
        doses: i
            .doses
            .into_iter()
            .map(|d| Dose {
                muscle: d.muscle,
                side: d.side,
                units: d.units,
            })
            .collect(),
        note: blank_none(i.note),
    };
    let warning = injection.dose_warning();
    let id = st.with_store(move |s| s.add_injection(&injection)).await?;
    Ok((StatusCode::CREATED, Json(Stored { id, warning })))
}

/// Add a DBS programming.
#[utoipa::path(post, path = "/api/subjects/{code}/dbs", params(("code" = String, Path)), request_body = DbsIn,
    responses((status = 201, body = Stored), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_dbs(
    State(st): State<AppState>,
    Path(code): Path<String>,
    Json(d): Json<DbsIn>,
) -> Result<(StatusCode, Json<Stored>), ApiError> {
    let setting = DbsSetting {
        subject: code,
        programmed_on: date("programmed_on", &d.programmed_on)?,
        target: d.target,
        side: d.side,
        contacts: d.contacts,
        amplitude: d.amplitude,
        amplitude_unit: d.amplitude_unit,
        pulse_width_us: d.pulse_width_us,
        frequency_hz: d.frequency_hz,
        note: blank_none(d.note),
    };
    let id = st.with_store(move |s| s.add_dbs(&setting)).await?;
    Ok((StatusCode::CREATED, Json(Stored { id, warning: None })))
}

/// Add a medication.
#[utoipa::path(post, path = "/api/subjects/{code}/medications", params(("code" = String, Path)), request_body = MedicationIn,
    responses((status = 201, body = Stored), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_medication(
    State(st): State<AppState>,
    Path(code): Path<String>,
    Json(m): Json<MedicationIn>,
) -> Result<(StatusCode, Json<Stored>), ApiError> {
    let medication = Medication {
        subject: code,
        name: m.name,
        dose: m.dose,
        started_on: date("started_on", &m.started_on)?,
        stopped_on: match blank_none(m.stopped_on) {
            Some(d) => Some(date("stopped_on", &d)?),
            None => None,
        },
        note: blank_none(m.note),
    };
    let id = st
        .with_store(move |s| s.add_medication(&medication))
        .await?;
    Ok((StatusCode::CREATED, Json(Stored { id, warning: None })))
}

/// Add a diary entry.
#[utoipa::path(post, path = "/api/subjects/{code}/diary", params(("code" = String, Path)), request_body = DiaryIn,
    responses((status = 201, body = Stored), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_diary(
    State(st): State<AppState>,
    Path(code): Path<String>,
    Json(e): Json<DiaryIn>,
) -> Result<(StatusCode, Json<Stored>), ApiError> {
    let entry = DiaryEntry {
        subject: code,
        entry_on: date("entry_on", &e.entry_on)?,
        pain: e.pain,
        twstrs_disability: e.twstrs_disability,
        twstrs_pain: e.twstrs_pain,
        note: blank_none(e.note),
    };
    let id = st.with_store(move |s| s.add_diary(&entry)).await?;
    Ok((StatusCode::CREATED, Json(Stored { id, warning: None })))
}
