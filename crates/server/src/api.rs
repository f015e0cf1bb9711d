//! The JSON REST API behind every page. Each handler is thin: it reads the record
//! (collis-store), runs the same analysis as the command line (through
//! [`crate::AnalyzeFile`]) or draws the same report (collis-report). Errors are JSON
//! `{"error": "…"}` with a status that says whose fault it was.

use crate::{AppState, UploadOptions};
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use collis_analysis::feedback::FeedbackSettings;
use collis_core::results::{Task, NOTICE};
use collis_report::comparable::{split, visit_protocol};
use collis_report::longitudinal::{series, Figure};
use collis_store::{content_sha256, Added, NewSession, SessionRow, StoreError, Subject};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;
use utoipa::{IntoParams, ToSchema};

/// An API error: status and message.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    /// Seconds after which the request may be tried again (`Retry-After`), when the server is
    /// busy rather than the request wrong.
    pub retry_after_s: Option<u64>,
}

/// The body of every error response.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            retry_after_s: None,
        }
    }
    /// 503: the server is at a limit right now; the client may try again in a few seconds.
    pub fn busy(message: impl Into<String>) -> Self {
        ApiError {
            retry_after_s: Some(5),
            ..Self::new(StatusCode::SERVICE_UNAVAILABLE, message)
        }
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let status = match &e {
            StoreError::NoSubject(_) | StoreError::NoSession(_) | StoreError::NoSessions(_) => {
                StatusCode::NOT_FOUND
            }
            StoreError::SubjectExists(_) => StatusCode::CONFLICT,
            StoreError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError::new(status, e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut resp = (
            self.status,
            Json(ErrorBody {
                error: self.message,
            }),
        )
            .into_response();
        if let Some(s) = self.retry_after_s {
            resp.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, s.into());
        }
        resp
    }
}

type ApiResult<T> = Result<T, ApiError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/health", get(health))
        .route("/api/subjects", get(subjects).post(add_subject))
        .route("/api/subjects/{code}/sessions", get(subject_sessions))
        .route("/api/subjects/{code}/trend", get(subject_trend))
        .route(
            "/api/subjects/{code}/feedback",
            get(feedback).put(set_feedback),
        )
        .route("/api/sessions/{id}", get(session_results))
        .route("/api/sessions/{id}/report", get(session_report))
        .route("/api/analyze", post(analyze))
        .route("/api/openapi.json", get(crate::openapi::document))
}

/// Server status and the notice that travels with every result.
#[derive(Serialize, ToSchema)]
pub struct Health {
    pub status: &'static str,
    pub version: &'static str,
    pub notice: &'static str,
    /// The record database: a SQLite file's name (not where it is on the server), or a
    /// PostgreSQL server's host and database (no user, no password).
    pub database: String,
}

/// The record database as the API shows it: `sqlite:NAME` with a SQLite file's name only,
/// `postgres://HOST/DB` without the user information.
pub(crate) fn database_label(url: &str) -> String {
    let url = url.split('?').next().unwrap_or_default();
    if let Some(rest) = url.strip_prefix("sqlite:") {
        let path = rest.trim_start_matches('/');
        let name = std::path::Path::new(path)
            .file_name()
            .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned());
        return format!("sqlite:{name}");
    }
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
            format!("{scheme}://{host}")
        }
        None => "database".into(),
    }
}

#[utoipa::path(get, path = "/api/health", responses((status = 200, body = Health)))]
pub async fn health(State(st): State<AppState>) -> ApiResult<Json<Health>> {
    let database = st.with_store(|s| Ok(database_label(s.url()))).await?;
    Ok(Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
        notice: NOTICE,
        database,
    }))
}

/// A subject of the record (a pseudonymous code) and how many sessions it has.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct SubjectOut {
    pub code: String,
    pub sex: Option<String>,
    pub birth_year: Option<i64>,
    pub onset_year: Option<i64>,
    pub affected_side: Option<String>,
    pub sessions: usize,
}

#[utoipa::path(get, path = "/api/subjects", responses((status = 200, body = [SubjectOut])))]
pub async fn subjects(State(st): State<AppState>) -> ApiResult<Json<Vec<SubjectOut>>> {
    let rows = st
        .with_store(|s| {
            let sessions = s.sessions(None)?;
            Ok(s.subjects()?
                .into_iter()
                .map(|sub| SubjectOut {
                    sessions: sessions.iter().filter(|r| r.subject == sub.code).count(),
                    code: sub.code,
                    sex: sub.sex,
                    birth_year: sub.birth_year,
                    onset_year: sub.onset_year,
                    affected_side: sub.affected_side,
                })
                .collect())
        })
        .await?;
    Ok(Json(rows))
}

/// A new subject: a pseudonymous code (no names), optional facts.
#[derive(Deserialize, ToSchema)]
pub struct NewSubject {
    pub code: String,
    pub sex: Option<String>,
    pub birth_year: Option<i64>,
    pub onset_year: Option<i64>,
    pub affected_side: Option<String>,
}

#[utoipa::path(post, path = "/api/subjects", request_body = NewSubject,
    responses((status = 201, body = SubjectOut), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_subject(
    State(st): State<AppState>,
    Json(n): Json<NewSubject>,
) -> ApiResult<(StatusCode, Json<SubjectOut>)> {
    let subject = Subject {
        code: n.code,
        sex: n.sex,
        birth_year: n.birth_year,
        onset_year: n.onset_year,
        affected_side: n.affected_side,
        note: None,
    };
    let out = SubjectOut {
        code: subject.code.clone(),
        sex: subject.sex.clone(),
        birth_year: subject.birth_year,
        onset_year: subject.onset_year,
        affected_side: subject.affected_side.clone(),
        sessions: 0,
    };
    st.with_store(move |s| s.add_subject(&subject)).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// One stored session and its main figures.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct SessionOut {
    pub id: i64,
    pub subject: String,
    /// YYYY-MM-DD.
    pub recorded_on: String,
    pub task: String,
    pub source: String,
    pub file_name: Option<String>,
    pub duration_s: f64,
    pub rotation_median_deg: Option<f64>,
    pub tilt_median_deg: Option<f64>,
    pub flexion_median_deg: Option<f64>,
    pub tremor_amplitude_deg: Option<f64>,
    pub tremor_frequency_hz: Option<f64>,
    pub jerk_rate_per_min: f64,
    pub twstrs_machine_subtotal: i64,
    pub twstrs_machine_max: i64,
}

impl From<&SessionRow> for SessionOut {
    fn from(r: &SessionRow) -> Self {
        let f = &r.figures;
        SessionOut {
            id: r.id,
            subject: r.subject.clone(),
            recorded_on: r.recorded_on.to_string(),
            task: r.task.clone(),
            source: r.source.clone(),
            file_name: r.file_name.clone(),
            duration_s: r.duration_s,
            rotation_median_deg: f.rotation_median_deg,
            tilt_median_deg: f.tilt_median_deg,
            flexion_median_deg: f.flexion_median_deg,
            tremor_amplitude_deg: f.tremor_amplitude_deg,
            tremor_frequency_hz: f.tremor_frequency_hz,
            jerk_rate_per_min: f.jerk_rate_per_min,
            twstrs_machine_subtotal: f.twstrs_machine_subtotal,
            twstrs_machine_max: f.twstrs_machine_max,
        }
    }
}

#[utoipa::path(get, path = "/api/subjects/{code}/sessions", params(("code" = String, Path)),
    responses((status = 200, body = [SessionOut]), (status = 404, body = ErrorBody)))]
pub async fn subject_sessions(
    State(st): State<AppState>,
    Path(code): Path<String>,
) -> ApiResult<Json<Vec<SessionOut>>> {
    let rows = st
        .with_store(move |s| {
            s.subject(&code)?;
            s.sessions(Some(&code))
        })
        .await?;
    Ok(Json(rows.iter().map(SessionOut::from).collect()))
}

/// The subject's biofeedback settings (the defaults when none were saved).
#[utoipa::path(get, path = "/api/subjects/{code}/feedback", params(("code" = String, Path)),
    responses((status = 200, description = "target_deg [rotation, tilt, flexion], zone_deg, axes, quiet_when_good"), (status = 404, body = ErrorBody)))]
pub async fn feedback(
    State(st): State<AppState>,
    Path(code): Path<String>,
) -> ApiResult<Json<FeedbackSettings>> {
    let saved = st.with_store(move |s| s.feedback_settings(&code)).await?;
    let settings = match saved {
        Some(json) => serde_json::from_str(&json).map_err(|e| {
            ApiError::internal(format!("stored feedback settings do not parse: {e}"))
        })?,
        None => FeedbackSettings::default(),
    };
    Ok(Json(settings))
}

/// Save the subject's biofeedback settings (the therapist's target posture and zone).
#[utoipa::path(put, path = "/api/subjects/{code}/feedback", params(("code" = String, Path)),
    request_body(content = Object, description = "target_deg [rotation, tilt, flexion] (±90°), zone_deg (0–90°), axes [bool; 3], quiet_when_good"),
    responses((status = 200, description = "the saved settings"), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_feedback(
    State(st): State<AppState>,
    Path(code): Path<String>,
    Json(settings): Json<FeedbackSettings>,
) -> ApiResult<Json<FeedbackSettings>> {
    check_feedback(&settings).map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e))?;
    let json = serde_json::to_string(&settings).map_err(|e| ApiError::internal(e.to_string()))?;
    st.with_store(move |s| s.set_feedback_settings(&code, &json, today()))
        .await?;
    Ok(Json(settings))
}

/// Feedback settings a patient can be given (saved here or sent during a live stream): the
/// zone's half-width in (0, 90]° and each target angle within ±90°.
pub fn check_feedback(settings: &FeedbackSettings) -> Result<(), String> {
    let ok = settings.zone_deg.is_finite()
        && settings.zone_deg > 0.0
        && settings.zone_deg <= 90.0
        && settings
            .target_deg
            .iter()
            .all(|t| t.is_finite() && t.abs() <= 90.0);
    if ok {
        Ok(())
    } else {
        Err("feedback settings: zone_deg must be in (0, 90] and each target within ±90°".into())
    }
}

/// One figure across visits.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct TrendOut {
    pub figure: String,
    pub unit: String,
    pub points: Vec<TrendPoint>,
    /// Botulinum toxin injection dates (YYYY-MM-DD) on the same axis.
    pub injections: Vec<String>,
    /// Which sessions the points come from: those recorded like the latest clinic visit
    /// (task, source, reference), e.g. "at rest, head sensor, angles from a neutral hold".
    pub compared: String,
    /// Sessions left out (exercises, trials, other sources).
    pub not_compared: usize,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct TrendPoint {
    pub date: String,
    pub value: f64,
}

#[utoipa::path(get, path = "/api/subjects/{code}/trend", params(("code" = String, Path)),
    responses((status = 200, body = [TrendOut]), (status = 404, body = ErrorBody)))]
pub async fn subject_trend(
    State(st): State<AppState>,
    Path(code): Path<String>,
) -> ApiResult<Json<Vec<TrendOut>>> {
    let (sessions, diary, injections) = st
        .with_store(move |s| {
            s.subject(&code)?;
            Ok((
                s.sessions(Some(&code))?,
                s.diary(Some(&code))?,
                s.injections(Some(&code))?,
            ))
        })
        .await?;
    let injections: Vec<String> = injections.iter().map(|i| i.given_on.to_string()).collect();
    // Only sessions measured like the clinic visits (exercises would mix other measurements).
    let protocol = visit_protocol(&sessions);
    let (sessions, others) = match &protocol {
        Some(p) => split(&sessions, p),
        None => (Vec::new(), Vec::new()),
    };
    let compared = protocol.map_or(String::new(), |p| p.describe());
    Ok(Json(
        Figure::ALL
            .into_iter()
            .map(|f| TrendOut {
                figure: f.label().to_string(),
                unit: f.unit().to_string(),
                points: series(f, &sessions, &diary)
                    .into_iter()
                    .map(|p| TrendPoint {
                        date: p.date.to_string(),
                        value: p.value,
                    })
                    .collect(),
                injections: injections.clone(),
                compared: compared.clone(),
                not_compared: others.len(),
            })
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/sessions/{id}", params(("id" = i64, Path)),
    responses((status = 200, description = "the session's results document (schema-versioned)"), (status = 404, body = ErrorBody)))]
pub async fn session_results(
    State(st): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<Json<collis_core::results::Results>> {
    Ok(Json(st.with_store(move |s| s.session_results(id)).await?))
}

#[utoipa::path(get, path = "/api/sessions/{id}/report", params(("id" = i64, Path)),
    responses((status = 200, description = "the clinician's one-page report (HTML)", content_type = "text/html"), (status = 404, body = ErrorBody)))]
pub async fn session_report(
    State(st): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<impl IntoResponse> {
    let page = st
        .with_store(move |s| {
            let subject = s.session(id)?.subject;
            Ok(collis_report::html::ReportData::load(s, &subject, Some(id)))
        })
        .await?
        .and_then(|data| {
            let page = collis_report::html::html(&data, &today().to_string())?;
            // The way back to the subject on the record page.
            let code = &data.subject.code;
            let href = format!(
                "/?{}",
                form_urlencoded::Serializer::new(String::new())
                    .append_pair("subject", code)
                    .finish()
            );
            Ok(collis_report::html::with_way_back(
                &page,
                &href,
                &format!("Back to the record of {code}"),
            ))
        })
        .map_err(|e| ApiError::internal(e.to_string()))?;
    // The report's one inline style, allowed by its hash (crate::security).
    let csp = [(
        axum::http::header::CONTENT_SECURITY_POLICY,
        crate::security::report_policy(),
    )];
    Ok((csp, Html(page)))
}

/// The results of the server's file `path` as its user knows it, `name`: the file and every
/// warning name it so, never where it is on the server.
pub(crate) fn hide_path(
    results: &mut collis_core::results::Results,
    path: &std::path::Path,
    name: &str,
) {
    let full = path.display().to_string();
    results.recording.file = Some(name.to_string());
    for w in &mut results.warnings {
        *w = w.replace(&full, name);
    }
}

/// Today's date, the default date of an upload or a live session.
pub(crate) fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// How to analyse an upload, and whether to store it.
#[derive(Deserialize, IntoParams)]
pub struct AnalyzeQuery {
    /// The file's name: its extension tells the format (e.g. `recording.csv`, `clip.mp4`, `rec.edf`).
    pub name: String,
    /// rest, hold-neutral, rom, sensory-trick or exercise.
    pub task: Option<String>,
    /// Seconds `START:END` where the head was held in neutral.
    pub neutral: Option<String>,
    /// Store the recording as a session of this subject (added when new).
    pub subject: Option<String>,
    /// Date of the recording (YYYY-MM-DD; default today).
    pub date: Option<String>,
    /// Sensor mounting, e.g. `x=back,y=up,z=left` (head sensors).
    pub axes: Option<String>,
    /// Sensory-trick applications `START:END[,START:END…]`, seconds.
    pub trick: Option<String>,
    /// Leave the magnetometer out (6D).
    pub no_mag: Option<bool>,
}

/// The results of an uploaded recording, and the session it was stored as.
#[derive(Serialize, ToSchema)]
pub struct AnalyzeOut {
    pub session_id: Option<i64>,
    /// The same content was stored before (as `session_id`); not analysed again.
    pub duplicate: bool,
    /// The results document (schema-versioned), absent for a duplicate.
    #[schema(value_type = Object)]
    pub results: Option<collis_core::results::Results>,
}

pub fn parse_task(s: &str) -> Result<Task, String> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).map_err(|_| {
        format!("unknown task '{s}': rest, hold-neutral, rom, sensory-trick or exercise")
    })
}

fn parse_span(s: &str) -> Result<[f64; 2], String> {
    let (a, b) = s
        .split_once(':')
        .ok_or_else(|| format!("'{s}': expected START:END in seconds"))?;
    let p = |v: &str| {
        v.trim()
            .parse::<f64>()
            .map_err(|_| format!("'{s}': '{v}' is not a number"))
    };
    let (a, b) = (p(a)?, p(b)?);
    if !(a.is_finite() && b.is_finite() && b > a && a >= 0.0) {
        return Err(format!("'{s}': END must be after START, both ≥ 0"));
    }
    Ok([a, b])
}

#[utoipa::path(post, path = "/api/analyze", params(AnalyzeQuery),
    request_body(content = Vec<u8>, description = "the recording file's bytes", content_type = "application/octet-stream"),
    responses((status = 200, body = AnalyzeOut), (status = 400, body = ErrorBody),
              (status = 413, body = ErrorBody), (status = 422, body = ErrorBody),
              (status = 503, description = "too many uploads at once: try again after Retry-After seconds", body = ErrorBody)))]
pub async fn analyze(
    State(st): State<AppState>,
    Query(q): Query<AnalyzeQuery>,
    body: Body,
) -> ApiResult<Json<AnalyzeOut>> {
    // Held until the analysis ends, even when the client goes away before.
    let permit = st.upload_slot()?;
    let task = q
        .task
        .as_deref()
        .map(parse_task)
        .transpose()
        .map_err(ApiError::bad_request)?;
    let neutral = q
        .neutral
        .as_deref()
        .map(parse_span)
        .transpose()
        .map_err(ApiError::bad_request)?;
    let trick: Vec<[f64; 2]> = match q.trick.as_deref() {
        Some(t) => t
            .split(',')
            .map(parse_span)
            .collect::<Result<_, _>>()
            .map_err(ApiError::bad_request)?,
        None => Vec::new(),
    };
    let date = match q.date.as_deref() {
        Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| ApiError::bad_request(format!("date '{d}': expected YYYY-MM-DD")))?,
        None => today(),
    };
    let name = std::path::Path::new(&q.name)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| {
            ApiError::bad_request("name: give the file's name (its extension tells the format)")
        })?;
    let ext = std::path::Path::new(&name)
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    // Stream the body to a temporary file, refusing it as soon as it passes the limit.
    let limit = st.cfg.max_upload_bytes;
    let tmp = tempfile::Builder::new()
        .prefix("upload-")
        .suffix(&ext)
        .tempfile_in(&st.cfg.recordings_dir)
        .map_err(|e| ApiError::internal(format!("cannot buffer the upload: {e}")))?;
    let mut file = tokio::fs::File::from_std(
        tmp.reopen()
            .map_err(|e| ApiError::internal(format!("cannot buffer the upload: {e}")))?,
    );
    let mut stream = body.into_data_stream();
    let mut size = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| ApiError::bad_request(format!("upload interrupted: {e}")))?;
        size += chunk.len() as u64;
        if size > limit {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "{name}: upload larger than this server's limit of {} MiB",
                    limit / (1024 * 1024)
                ),
            ));
        }
        file.write_all(&chunk)
            .await
            .map_err(|e| ApiError::internal(format!("cannot buffer the upload: {e}")))?;
    }
    file.flush()
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?;
    drop(file);
    if size == 0 {
        return Err(ApiError::bad_request(format!(
            "{name}: empty upload (0 bytes)"
        )));
    }
    let analyze = st.cfg.analyze.clone();
    let opts = UploadOptions {
        task: task.unwrap_or_default(),
        neutral_s: neutral,
        mounting: q.axes.clone(),
        no_mag: q.no_mag.unwrap_or(false),
        trick_s: trick,
        emg_rest_s: None,
        start_s: None,
    };
    let store = st.store.clone();
    let subject = q.subject.clone();
    tokio::task::spawn_blocking(move || -> ApiResult<AnalyzeOut> {
        let _permit = permit;
        let path = tmp.path();
        let sha = std::fs::File::open(path)
            .and_then(|f| content_sha256(std::io::BufReader::new(f)))
            .map_err(|e| ApiError::internal(e.to_string()))?;
        if let Some(code) = &subject {
            let s = store.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(id) = s.session_by_hash(&sha)? {
                return Ok(AnalyzeOut {
                    session_id: Some(id),
                    duplicate: true,
                    results: None,
                });
            }
            // A new subject is added with its session, so a failed upload leaves none behind.
            collis_store::check_subject_code(code)?;
        }
        let mut results = analyze(path, &opts).map_err(|e| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                e.replace(&path.display().to_string(), &name),
            )
        })?;
        hide_path(&mut results, path, &name);
        let session_id = match &subject {
            Some(code) => {
                let s = store.lock().unwrap_or_else(|p| p.into_inner());
                match s
                    .add_session_and_subject(&NewSession {
                        subject: code,
                        recorded_on: date,
                        file_name: Some(name.clone()),
                        content_sha256: sha,
                        results: &results,
                    })?
                    .0
                {
                    Added::Stored(id) | Added::Duplicate(id) => Some(id),
                }
            }
            None => None,
        };
        Ok(AnalyzeOut {
            session_id,
            duplicate: false,
            results: Some(results),
        })
    })
    .await
    .map_err(|e| ApiError::internal(format!("the analysis task failed: {e}")))?
    .map(Json)
}
