//! Sessions: one analysed recording of a subject on a date. The full results document is kept
//! as schema-versioned JSON; the main figures are copied into columns for queries and trends,
//! and the jerk and spasm events into their own table. A session and its events are written in
//! one transaction. The SHA-256 of the recording's bytes keeps the same file from being
//! stored twice.

use crate::{subjects, Result, Store, StoreError};
use chrono::NaiveDate;
use collis_core::results::Results;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use std::io::Read;

/// SHA-256 of everything `reader` yields, as lowercase hex.
pub fn content_sha256(mut reader: impl Read) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// A recording's analysis to store.
#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    pub subject: &'a str,
    pub recorded_on: NaiveDate,
    pub file_name: Option<String>,
    pub content_sha256: String,
    pub results: &'a Results,
}

/// What [`Store::add_session`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    Stored(i64),
    /// The same content was stored before, as this session.
    Duplicate(i64),
}

/// The main figures of a session, as stored in queryable columns.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Figures {
    pub rotation_median_deg: Option<f64>,
    pub tilt_median_deg: Option<f64>,
    pub flexion_median_deg: Option<f64>,
    pub tremor_present: bool,
    pub tremor_frequency_hz: Option<f64>,
    pub tremor_amplitude_deg: Option<f64>,
    pub jerk_count: i64,
    pub jerk_rate_per_min: f64,
    pub spasm_count: i64,
    pub twstrs_machine_subtotal: i64,
    pub twstrs_machine_max: i64,
}

impl Figures {
    pub fn of(r: &Results) -> Figures {
        let m = &r.measurements;
        Figures {
            rotation_median_deg: m.posture.rotation_deg.map(|a| a.median),
            tilt_median_deg: m.posture.tilt_deg.map(|a| a.median),
            flexion_median_deg: m.posture.flexion_deg.map(|a| a.median),
            tremor_present: m.tremor.present,
            tremor_frequency_hz: m.tremor.frequency_hz,
            tremor_amplitude_deg: m.tremor.amplitude_deg,
            jerk_count: m.jerks.count as i64,
            jerk_rate_per_min: m.jerks.rate_per_min,
            spasm_count: m.spasms.count as i64,
            twstrs_machine_subtotal: m.twstrs.machine_subtotal.into(),
            twstrs_machine_max: m.twstrs.machine_subtotal_max.into(),
        }
    }
}

/// A stored session, without its results document.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRow {
    pub id: i64,
    pub subject: String,
    pub recorded_on: NaiveDate,
    pub task: String,
    pub source: String,
    /// What the angles are measured against: `neutral`, `trunk`, `gravity`, `camera` or
    /// `none` (as `recording.reference.kind` in the results).
    pub reference: String,
    pub file_name: Option<String>,
    pub content_sha256: String,
    pub schema_version: String,
    pub duration_s: f64,
    pub figures: Figures,
    pub event_count: i64,
}

/// A jerk or spasm of a session.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionEvent {
    pub session_id: i64,
    /// `jerk` or `spasm`.
    pub kind: String,
    pub time_s: f64,
    pub duration_s: f64,
    pub axis: String,
    pub amplitude_deg: f64,
    pub peak_velocity_dps: Option<f64>,
}

pub(crate) fn parse_date(field: &str, s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| StoreError::invalid(field, format!("'{s}' is not a YYYY-MM-DD date ({e})")))
}

pub(crate) fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn events_of(r: &Results) -> Vec<SessionEvent> {
    let m = &r.measurements;
    let jerks = m.jerks.events.iter().map(|e| SessionEvent {
        session_id: 0,
        kind: "jerk".into(),
        time_s: e.time_s,
        duration_s: e.duration_s,
        axis: e.axis.name().into(),
        amplitude_deg: e.amplitude_deg,
        peak_velocity_dps: Some(e.peak_velocity_dps),
    });
    let spasms = m.spasms.events.iter().map(|e| SessionEvent {
        session_id: 0,
        kind: "spasm".into(),
        time_s: e.start_s,
        duration_s: e.duration_s,
        axis: e.axis.name().into(),
        amplitude_deg: e.amplitude_deg,
        peak_velocity_dps: None,
    });
    jerks.chain(spasms).collect()
}

async fn find_hash(conn: &mut AnyConnection, sha: &str) -> Result<Option<i64>> {
    let row = sqlx::query("SELECT id FROM sessions WHERE content_sha256 = $1")
        .bind(sha)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(match row {
        Some(r) => Some(r.try_get("id")?),
        None => None,
    })
}

async fn insert(conn: &mut AnyConnection, s: &NewSession<'_>) -> Result<Added> {
    if let Some(id) = find_hash(conn, &s.content_sha256).await? {
        return Ok(Added::Duplicate(id));
    }
    crate::vocab::plausible_date("recorded on", s.recorded_on)?;
    let subject_id = subjects::id(conn, s.subject).await?;
    let r = s.results;
    let f = Figures::of(r);
    let events = events_of(r);
    let json =
        serde_json::to_string(r).map_err(|e| StoreError::invalid("results", e.to_string()))?;
    let source = match r.recording.source {
        collis_core::results::Source::Imu => "imu",
        collis_core::results::Source::Video => "video",
        collis_core::results::Source::Emg => "emg",
    };
    // The name the results JSON gives it.
    let reference = serde_json::to_value(r.recording.reference.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let row = sqlx::query(
        "INSERT INTO sessions (subject_id, recorded_on, task, source, file_name, content_sha256, \
         schema_version, results_json, duration_s, rotation_median_deg, tilt_median_deg, \
         flexion_median_deg, tremor_present, tremor_frequency_hz, tremor_amplitude_deg, \
         jerk_count, jerk_rate_per_min, spasm_count, twstrs_machine_subtotal, \
         twstrs_machine_max, event_count, reference) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
         $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22) RETURNING id",
    )
    .bind(subject_id)
    .bind(date_text(s.recorded_on))
    .bind(r.recording.task.name())
    .bind(source)
    .bind(&s.file_name)
    .bind(&s.content_sha256)
    .bind(&r.schema_version)
    .bind(json)
    .bind(r.recording.duration_s)
    .bind(f.rotation_median_deg)
    .bind(f.tilt_median_deg)
    .bind(f.flexion_median_deg)
    .bind(i64::from(f.tremor_present))
    .bind(f.tremor_frequency_hz)
    .bind(f.tremor_amplitude_deg)
    .bind(f.jerk_count)
    .bind(f.jerk_rate_per_min)
    .bind(f.spasm_count)
    .bind(f.twstrs_machine_subtotal)
    .bind(f.twstrs_machine_max)
    .bind(events.len() as i64)
    .bind(reference)
    .fetch_one(&mut *conn)
    .await?;
    let id: i64 = row.try_get("id")?;
    for e in &events {
        sqlx::query(
            "INSERT INTO session_events (session_id, kind, time_s, duration_s, axis, \
             amplitude_deg, peak_velocity_dps) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(&e.kind)
        .bind(e.time_s)
        .bind(e.duration_s)
        .bind(&e.axis)
        .bind(e.amplitude_deg)
        .bind(e.peak_velocity_dps)
        .execute(&mut *conn)
        .await?;
    }
    Ok(Added::Stored(id))
}

const SESSION_COLUMNS: &str =
    "s.id, j.code, s.recorded_on, s.task, s.source, s.reference, s.file_name, \
    s.content_sha256, s.schema_version, s.duration_s, s.rotation_median_deg, s.tilt_median_deg, \
    s.flexion_median_deg, s.tremor_present, s.tremor_frequency_hz, s.tremor_amplitude_deg, \
    s.jerk_count, s.jerk_rate_per_min, s.spasm_count, s.twstrs_machine_subtotal, \
    s.twstrs_machine_max, s.event_count FROM sessions s JOIN subjects j ON j.id = s.subject_id";

fn session_from_row(r: &AnyRow) -> Result<SessionRow> {
    Ok(SessionRow {
        id: r.try_get("id")?,
        subject: r.try_get("code")?,
        recorded_on: parse_date("recorded_on", &r.try_get::<String, _>("recorded_on")?)?,
        task: r.try_get("task")?,
        source: r.try_get("source")?,
        reference: r.try_get("reference")?,
        file_name: r.try_get("file_name")?,
        content_sha256: r.try_get("content_sha256")?,
        schema_version: r.try_get("schema_version")?,
        duration_s: r.try_get("duration_s")?,
        figures: Figures {
            rotation_median_deg: r.try_get("rotation_median_deg")?,
            tilt_median_deg: r.try_get("tilt_median_deg")?,
            flexion_median_deg: r.try_get("flexion_median_deg")?,
            tremor_present: r.try_get::<i64, _>("tremor_present")? != 0,
            tremor_frequency_hz: r.try_get("tremor_frequency_hz")?,
            tremor_amplitude_deg: r.try_get("tremor_amplitude_deg")?,
            jerk_count: r.try_get("jerk_count")?,
            jerk_rate_per_min: r.try_get("jerk_rate_per_min")?,
            spasm_count: r.try_get("spasm_count")?,
            twstrs_machine_subtotal: r.try_get("twstrs_machine_subtotal")?,
            twstrs_machine_max: r.try_get("twstrs_machine_max")?,
        },
        event_count: r.try_get("event_count")?,
    })
}

fn event_from_row(r: &AnyRow) -> Result<SessionEvent> {
    Ok(SessionEvent {
        session_id: r.try_get("session_id")?,
        kind: r.try_get("kind")?,
        time_s: r.try_get("time_s")?,
        duration_s: r.try_get("duration_s")?,
        axis: r.try_get("axis")?,
        amplitude_deg: r.try_get("amplitude_deg")?,
        peak_velocity_dps: r.try_get("peak_velocity_dps")?,
    })
}

impl Store {
    /// Store a session (and its events) in one transaction, unless the same content is stored.
    pub fn add_session(&self, s: &NewSession) -> Result<Added> {
        self.block(async {
            let mut tx = self.begin_write().await?;
            let added = insert(&mut tx, s).await?;
            tx.commit().await?;
            Ok(added)
        })
    }

    /// Store a session as [`Store::add_session`] does, adding its subject (known only by its
    /// code) when new, in the same transaction: a session that cannot be stored leaves no new,
    /// empty subject behind. Also true when the subject was added.
    pub fn add_session_and_subject(&self, s: &NewSession) -> Result<(Added, bool)> {
        self.block(async {
            let mut tx = self.begin_write().await?;
            let new_subject = find_hash(&mut tx, &s.content_sha256).await?.is_none()
                && subjects::find(&mut tx, s.subject).await?.is_none();
            if new_subject {
                subjects::insert(&mut tx, &crate::Subject::new(s.subject)).await?;
            }
            let added = insert(&mut tx, s).await?;
            tx.commit().await?;
            Ok((added, new_subject))
        })
    }

    /// The session that holds content `sha256`, if any.
    pub fn session_by_hash(&self, sha256: &str) -> Result<Option<i64>> {
        self.block(async {
            let mut conn = self.pool.acquire().await?;
            find_hash(&mut conn, sha256).await
        })
    }

    /// Sessions of one subject (or all), by subject, date and id.
    pub fn sessions(&self, subject: Option<&str>) -> Result<Vec<SessionRow>> {
        let order = " ORDER BY j.code, s.recorded_on, s.id";
        self.block(async {
            let rows = match subject {
                Some(code) => {
                    let sql = format!("SELECT {SESSION_COLUMNS} WHERE j.code = $1{order}");
                    let mut conn = self.pool.acquire().await?;
                    subjects::id(&mut conn, code).await?;
                    sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(code)
                        .fetch_all(&mut *conn)
                        .await?
                }
                None => {
                    let sql = format!("SELECT {SESSION_COLUMNS}{order}");
                    sqlx::query(sqlx::AssertSqlSafe(sql))
                        .fetch_all(&self.pool)
                        .await?
                }
            };
            rows.iter().map(session_from_row).collect()
        })
    }

    pub fn session(&self, id: i64) -> Result<SessionRow> {
        self.block(async {
            let sql = format!("SELECT {SESSION_COLUMNS} WHERE s.id = $1");
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
                .ok_or(StoreError::NoSession(id))?;
            session_from_row(&row)
        })
    }

    /// The stored results document of session `id`.
    pub fn session_results(&self, id: i64) -> Result<Results> {
        let json: String = self.block(async {
            let row = sqlx::query("SELECT results_json FROM sessions WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
                .ok_or(StoreError::NoSession(id))?;
            Ok(row.try_get("results_json")?)
        })?;
        serde_json::from_str(&json).map_err(|source| StoreError::StoredResults { id, source })
    }

    /// The events of session `id` (or of every session), by session and time.
    pub fn session_events(&self, id: Option<i64>) -> Result<Vec<SessionEvent>> {
        self.block(async {
            let rows =
                match id {
                    Some(id) => sqlx::query(
                        "SELECT * FROM session_events WHERE session_id = $1 ORDER BY time_s, id",
                    )
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await?,
                    None => {
                        sqlx::query("SELECT * FROM session_events ORDER BY session_id, time_s, id")
                            .fetch_all(&self.pool)
                            .await?
                    }
                };
            rows.iter().map(event_from_row).collect()
        })
    }
}
