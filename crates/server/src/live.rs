//! Live head-sensor streams: `GET /api/live/imu` upgrades to a WebSocket; the client sends
//! samples, the server runs them through [`collis_analysis::live`] (orientation, head angles
//! against a neutral hold, feedback cue) and sends the angles and cue back for every sample,
//! the running figures once a second, and at the end the exercise's score.
//!
//! Messages from the client (JSON text): a sample
//! `{"seq": 17, "t": 0.17, "gyr": [x, y, z], "acc": [x, y, z], "mag": [x, y, z]}` (rad/s, m/s²,
//! any consistent magnetometer unit; `mag` optional), an array of samples, or a control
//! message: `{"type": "feedback", ...settings}` (checked as `PUT /api/subjects/{code}/feedback`
//! checks them) or `{"type": "stop"}`. A sample whose `seq` or `t` runs more than
//! [`MAX_AHEAD_S`] seconds ahead of the stream, or whose `t` is not a time in seconds (larger
//! than [`MAX_TIME_S`]), is refused (`warning`, counted invalid); so is a message that cannot
//! be used, and every message counts toward the flood limit ([`MAX_SAMPLES_PER_S`]). The
//! stream's `rate` must be one its saved file can be read back at (`collis_io::MIN_RATE_HZ` to
//! `collis_io::MAX_RATE_HZ`). Messages to the client: `calibrating`, `angles` (one per delivered sample),
//! `figures`, `warning`, and finally `done` with the score, the stored session and the stream's
//! accounting (received, delivered, reordered, late, duplicate, lost, invalid) and the
//! server-side latency from a message's arrival to its cue being sent (p50/p99).
//!
//! The samples are written to a Collis IMU CSV as they arrive (flushed every second), so a
//! session cut off by a crash keeps what was received; at the end that file is analysed the
//! way `collis analyze FILE --neutral A:B` would (the neutral hold is the reference) and stored
//! as a session of the subject. The saved file can be reopened like any imported recording;
//! `done` names it relative to the recordings directory (never where that is on the server).
//! A session without a subject is saved under `anonymous/` and deleted after a while
//! ([`crate::retention`]).

use crate::api::ApiError;
use crate::stream::{Accounting, Reorder, MAX_AHEAD_S};
use crate::{AppState, UploadOptions};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use collis_analysis::exercise::Exercise;
use collis_analysis::feedback::FeedbackSettings;
use collis_analysis::live::{LiveConfig, LiveHead, LiveOutput};
use collis_core::results::Results;
use collis_core::{ImuSample, Mounting};
use collis_dsp::Histogram;
use collis_io::ImuCsvWriter;
use collis_store::{content_sha256, NewSession};
use serde::Deserialize;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The largest WebSocket message accepted (a batch of a few thousand samples).
pub const MAX_MESSAGE_BYTES: usize = 1 << 20;
/// Samples per second a stream may send, at most: 10× a 100 Hz sensor. More is a flood; the
/// stream is closed with an error.
pub const MAX_SAMPLES_PER_S: f64 = 1000.0;
/// Largest `t` of a sample, in size: seconds of a Unix time fit (until the year 2286); a time in
/// milliseconds or an absurd number (1e300) does not, and is refused.
pub const MAX_TIME_S: f64 = 1e10;
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/live/imu", get(imu))
        .route("/api/live/video", get(crate::live_video::video))
        .route("/api/live/emg", get(crate::live_emg::emg))
        .route("/api/live/streams", get(streams))
        .route("/api/live/watch", get(watch))
}

/// Options of a live stream (query string of the WebSocket URL).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LiveQuery {
    /// Sampling rate of the stream, Hz.
    pub rate: f64,
    /// Store the session for this subject (added when new).
    pub subject: Option<String>,
    /// hold-neutral, rom, sensory-trick, relaxation or free (default free: no end, no score).
    pub exercise: Option<String>,
    /// Seconds the exercise runs after the neutral hold (hold-neutral: 60, sensory-trick: 45).
    pub seconds: Option<f64>,
    /// Seconds of neutral hold at the start (default 3).
    pub calibration: Option<f64>,
    /// Sensor mounting, e.g. `x=back,y=up,z=left` (default `x=forward,y=left,z=up`).
    pub axes: Option<String>,
    /// Ignore the magnetometer (6D).
    pub no_mag: Option<bool>,
    /// Target zone half-width, degrees (default 10, the TWSTRS tolerance).
    pub zone: Option<f64>,
    /// Target posture `ROTATION,TILT,FLEXION` in degrees (default neutral).
    pub target: Option<String>,
    /// No tone while in the zone (default true).
    pub quiet: Option<bool>,
}

/// A checked live request.
#[derive(Debug, Clone)]
pub struct LivePlan {
    pub cfg: LiveConfig,
    pub exercise: Exercise,
    /// Seconds after the neutral hold; `None` = until the client stops.
    pub seconds: Option<f64>,
    pub subject: Option<String>,
    pub mounting: Option<String>,
}

pub(crate) fn finite_positive(name: &str, v: f64, max: f64) -> Result<f64, String> {
    if v.is_finite() && v > 0.0 && v <= max {
        Ok(v)
    } else {
        Err(format!(
            "{name} = {v}: expected a number above 0 and at most {max}"
        ))
    }
}

impl LivePlan {
    /// The trick segment of a sensory-trick trial whose neutral hold ends at `hold_end_s`.
    pub fn trick_s(&self, hold_end_s: f64) -> Vec<[f64; 2]> {
        self.exercise.trick_s(self.seconds, hold_end_s)
    }

    pub fn from_query(q: &LiveQuery) -> Result<Self, String> {
        let rate = finite_positive("rate", q.rate, collis_io::MAX_RATE_HZ)?;
        if rate < collis_io::MIN_RATE_HZ {
            return Err(format!(
                "rate = {rate}: at least {} Hz (a slower recording could not be read back)",
                collis_io::MIN_RATE_HZ
            ));
        }
        let exercise = q
            .exercise
            .as_deref()
            .map(str::parse::<Exercise>)
            .transpose()?
            .unwrap_or(Exercise::Free);
        let mut cfg = LiveConfig::new(rate);
        cfg.task = exercise.task();
        cfg.use_mag = !q.no_mag.unwrap_or(false);
        if let Some(c) = q.calibration {
            cfg.calibration_s = finite_positive("calibration", c, 60.0)?;
        }
        if let Some(a) = &q.axes {
            cfg.mounting = a
                .parse::<Mounting>()
                .map_err(|e| format!("axes '{a}': {e}"))?;
        }
        let mut fb = FeedbackSettings::default();
        if let Some(z) = q.zone {
            fb.zone_deg = finite_positive("zone", z, 90.0)?;
        }
        if let Some(t) = &q.target {
            let v: Vec<f64> = t
                .split(',')
                .map(|x| x.trim().parse::<f64>())
                .collect::<Result<_, _>>()
                .map_err(|_| format!("target '{t}': expected ROTATION,TILT,FLEXION in degrees"))?;
            match v.as_slice() {
                [r, ti, f] if v.iter().all(|x| x.is_finite() && x.abs() <= 90.0) => {
                    fb.target_deg = [*r, *ti, *f]
                }
                _ => return Err(format!("target '{t}': expected three angles within ±90°")),
            }
        }
        if let Some(quiet) = q.quiet {
            fb.quiet_when_good = quiet;
        }
        cfg.feedback = fb;
        let seconds = match (q.seconds, exercise) {
            (Some(s), _) => Some(finite_positive("seconds", s, 4.0 * 3600.0)?),
            (None, e) => e.default_seconds(),
        };
        if let Some(code) = &q.subject {
            if code.trim().is_empty() {
                return Err("subject: empty code".into());
            }
        }
        Ok(LivePlan {
            cfg,
            exercise,
            seconds,
            subject: q.subject.clone(),
            mounting: q.axes.clone(),
        })
    }
}

/// `GET /api/live/imu?rate=HZ&…`: a live head-sensor stream (WebSocket).
#[utoipa::path(get, path = "/api/live/imu", params(LiveQuery),
    responses((status = 101, description = "WebSocket: samples in, angles and cues out (see the module documentation)"),
              (status = 400, body = crate::api::ErrorBody), (status = 503, body = crate::api::ErrorBody)))]
pub async fn imu(
    State(st): State<AppState>,
    Query(q): Query<LiveQuery>,
    ws: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let plan = LivePlan::from_query(&q).map_err(ApiError::bad_request)?;
    upgrade(st, plan, ws, None)
}

/// Runs a head-sensor stream with `plan` on the upgraded connection; with `watched`, its
/// messages also go to whoever watches that name ([`crate::udp::Hub`]: a paired phone's
/// session seen on the computer).
pub(crate) fn upgrade(
    st: AppState,
    plan: LivePlan,
    ws: WebSocketUpgrade,
    watched: Option<String>,
) -> Result<Response, ApiError> {
    let permit = st.live_slot()?;
    Ok(ws
        .max_message_size(MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| async move {
            let watchers = watched.as_deref().map(|name| st.hub.open(name));
            run_stream(socket, st.clone(), plan, watchers).await;
            if let Some(name) = watched {
                st.hub.close(&name);
            }
            drop(permit);
        }))
}

/// Live streams that can be watched (head sensors streaming over UDP).
#[utoipa::path(get, path = "/api/live/streams", responses((status = 200, body = [String])))]
pub async fn streams(State(st): State<AppState>) -> axum::Json<Vec<String>> {
    axum::Json(st.hub.names())
}

/// Query of `/api/live/watch`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct WatchQuery {
    /// A name from `/api/live/streams`.
    pub stream: String,
}

/// `GET /api/live/watch?stream=NAME`: the angles, cues, figures and end of a running stream.
#[utoipa::path(get, path = "/api/live/watch", params(WatchQuery),
    responses((status = 101, description = "WebSocket: the stream's messages as a live stream sends them"),
              (status = 404, body = crate::api::ErrorBody)))]
pub async fn watch(
    State(st): State<AppState>,
    Query(q): Query<WatchQuery>,
    ws: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let mut rx = st.hub.watch(&q.stream).ok_or_else(|| {
        ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            format!("no live stream '{}' (see /api/live/streams)", q.stream),
        )
    })?;
    Ok(ws.on_upgrade(move |mut socket| async move {
        loop {
            match rx.recv().await {
                Ok(m) => {
                    let end = m.contains(r#""type":"done""#);
                    if socket.send(Message::Text(m.into())).await.is_err() || end {
                        break;
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(_) => break,
            }
        }
        let _ = socket.send(Message::Close(None)).await;
    }))
}

/// One incoming sample.
#[derive(Debug, Deserialize)]
struct WireSample {
    seq: u64,
    t: f64,
    gyr: [f64; 3],
    acc: [f64; 3],
    mag: Option<[f64; 3]>,
}

impl WireSample {
    fn sample(&self) -> Option<ImuSample> {
        let ok = self.t.is_finite()
            && self.gyr.iter().chain(&self.acc).all(|v| v.is_finite())
            && self.mag.is_none_or(|m| m.iter().all(|v| v.is_finite()));
        ok.then_some(ImuSample {
            time_s: self.t,
            gyr_rad_s: self.gyr,
            acc_m_s2: self.acc,
            mag: self.mag,
        })
    }
}

/// A message: a control, or samples (one or an array), each decoded on its own so that one
/// bad sample does not take its batch with it. Public for the fuzz tests (`crates/fuzz`).
pub enum Incoming {
    Control(Control),
    Samples(Vec<Value>),
}

impl Incoming {
    pub fn parse(text: &str) -> Result<Self, String> {
        let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        match v {
            Value::Array(items) => Ok(Incoming::Samples(items)),
            Value::Object(ref o) if o.contains_key("type") => serde_json::from_value(v)
                .map(Incoming::Control)
                .map_err(|e| format!("unknown control message: {e}")),
            Value::Object(_) => Ok(Incoming::Samples(vec![v])),
            _ => Err("expected a sample, an array of samples or a control message".into()),
        }
    }
}

/// A control message.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Control {
    Stop,
    Feedback(FeedbackSettings),
}

/// Where a live session is written while it runs.
struct Recorder {
    path: PathBuf,
    writer: Option<ImuCsvWriter>,
    dir: PathBuf,
    stem: String,
    last_flush: Instant,
}

impl Recorder {
    fn write(&mut self, s: &ImuSample) -> Result<(), String> {
        if self.writer.is_none() {
            let has_mag = s.mag.is_some();
            self.path = self.dir.join(format!("{}.csv", self.stem));
            self.writer = Some(
                ImuCsvWriter::new(&self.path, has_mag)
                    .map_err(|e| format!("{}: {e}", self.path.display()))?,
            );
        }
        let w = self.writer.as_mut().expect("created above");
        // Rows without a magnetometer value get empty fields when the file has the columns.
        w.write(s)
            .map_err(|e| format!("{}: {e}", self.path.display()))?;
        if self.last_flush.elapsed() > Duration::from_secs(1) {
            w.flush()
                .map_err(|e| format!("{}: {e}", self.path.display()))?;
            self.last_flush = Instant::now();
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<Option<PathBuf>, String> {
        match self.writer.take() {
            Some(w) => {
                w.finish()
                    .map_err(|e| format!("{}: {e}", self.path.display()))?;
                Ok(Some(self.path.clone()))
            }
            None => Ok(None),
        }
    }
}

/// The state of one stream. Public (with [`Stream::new`], [`Stream::take_samples`],
/// [`Stream::set_feedback`], [`Stream::drain`] and [`Stream::figures`]) for the fuzz tests.
pub struct Stream {
    live: LiveHead,
    plan: LivePlan,
    reorder: Reorder<ImuSample>,
    recorder: Recorder,
    last_t: Option<f64>,
    /// Samples that could not be read (missing fields, non-numbers, NaN) or messages that were
    /// neither samples nor controls; they count as received.
    invalid: u64,
    received_invalid: u64,
    /// Samples whose time did not increase after reordering (not delivered).
    out_of_time: u64,
    end_s: Option<f64>,
    done: bool,
    latency_ms: Histogram,
    window_start: Instant,
    window_samples: f64,
}

impl Stream {
    pub fn new(plan: LivePlan, dir: &std::path::Path) -> Self {
        Stream {
            live: LiveHead::new(plan.cfg.clone()),
            reorder: Reorder::default(),
            recorder: Recorder {
                path: PathBuf::new(),
                writer: None,
                dir: recording_dir(dir, plan.subject.as_deref()),
                stem: session_stem(plan.subject.as_deref(), plan.exercise.name()),
                last_flush: Instant::now(),
            },
            plan,
            last_t: None,
            invalid: 0,
            received_invalid: 0,
            out_of_time: 0,
            end_s: None,
            done: false,
            latency_ms: Histogram::new(0.0, 1000.0, 0.001),
            window_start: Instant::now(),
            window_samples: 0.0,
        }
    }

    /// Refuses sample `seq` when it runs more than [`MAX_AHEAD_S`] ahead of the stream (it
    /// would open a gap to account for); the reason, to be told and the sample counted invalid.
    pub(crate) fn check_seq(&self, seq: u64) -> Result<(), String> {
        let limit = (MAX_AHEAD_S * self.plan.cfg.rate_hz).ceil() as u64;
        match self.reorder.too_far_ahead(seq, limit) {
            Some(m) => Err(format!(
                "sample {seq}: more than {MAX_AHEAD_S} s ahead of sample {m}"
            )),
            None => Ok(()),
        }
    }

    /// Refuses sample `seq` at time `t` when `t` is not a time in seconds ([`MAX_TIME_S`]) or
    /// runs more than [`MAX_AHEAD_S`] ahead of the stream's last (it would be stored, and open
    /// a gap); the reason, to be told and the sample counted invalid.
    pub(crate) fn check_time(&self, seq: u64, t: f64) -> Result<(), String> {
        if t.is_nan() || t.abs() > MAX_TIME_S {
            return Err(format!(
                "sample {seq}: t = {t:e} is not a time in seconds (at most {MAX_TIME_S:e} in size)"
            ));
        }
        match self.last_t.filter(|&last| t > last + MAX_AHEAD_S) {
            Some(last) => Err(format!(
                "sample {seq}: t = {t} s is more than {MAX_AHEAD_S} s ahead of the stream ({last} s)"
            )),
            None => Ok(()),
        }
    }

    /// Take sample `seq` (in any order); what is now in order goes through the pipeline and
    /// its output into `frames`.
    pub(crate) fn push(
        &mut self,
        seq: u64,
        sample: ImuSample,
        frames: &mut Vec<Value>,
    ) -> Result<(), String> {
        let mut ready = Vec::new();
        self.reorder.push(seq, sample, |x| ready.push(x));
        ready.into_iter().try_for_each(|x| self.deliver(x, frames))
    }

    /// Decodes and takes the samples of one message: the error that ends the stream, if
    /// any, and the reasons of the samples refused (too far ahead, or a time that is not
    /// seconds).
    pub fn take_samples(
        &mut self,
        items: Vec<Value>,
        frames: &mut Vec<Value>,
    ) -> (Option<String>, Vec<String>) {
        let mut failed = None;
        let mut refused = Vec::new();
        for item in items {
            match serde_json::from_value::<WireSample>(item)
                .ok()
                .and_then(|w| Some((w.seq, w.sample()?)))
            {
                Some((seq, sample)) => match self
                    .check_seq(seq)
                    .and_then(|()| self.check_time(seq, sample.time_s))
                {
                    Ok(()) => {
                        if let Err(e) = self.push(seq, sample, frames) {
                            failed = Some(e);
                        }
                    }
                    Err(e) => {
                        self.invalid();
                        refused.push(e);
                    }
                },
                None => self.invalid(),
            }
        }
        (failed, refused)
    }

    /// The sample rate the stream was opened with, Hz.
    pub fn rate_hz(&self) -> f64 {
        self.plan.cfg.rate_hz
    }

    /// New feedback settings from the client.
    pub fn set_feedback(&mut self, fb: FeedbackSettings) {
        self.live.set_feedback(fb);
    }

    /// A sample that could not be read.
    pub(crate) fn invalid(&mut self) {
        self.invalid += 1;
        self.received_invalid += 1;
    }

    /// Whether the exercise is over.
    pub(crate) fn is_done(&self) -> bool {
        self.done
    }

    /// End of stream: what is held for reordering goes through the pipeline.
    pub fn drain(&mut self, frames: &mut Vec<Value>) -> Result<(), String> {
        let mut tail = Vec::new();
        self.reorder.finish(|x| tail.push(x));
        tail.into_iter().try_for_each(|x| self.deliver(x, frames))
    }

    /// Put one decoded sample through the pipeline; its output goes into `frames`.
    fn deliver(&mut self, s: ImuSample, frames: &mut Vec<Value>) -> Result<(), String> {
        if self.done {
            return Ok(());
        }
        if self.last_t.is_some_and(|t| s.time_s <= t) {
            self.out_of_time += 1;
            return Ok(());
        }
        self.last_t = Some(s.time_s);
        self.recorder.write(&s)?;
        match self.live.push(&s) {
            LiveOutput::Calibrating {
                time_s,
                remaining_s,
            } => frames.push(json!({
                "t": time_s, "calibrating": true, "remaining_s": remaining_s
            })),
            LiveOutput::Angles { sample, cue } => {
                let [r, t, f] = sample.angles_deg;
                let start = self.live.start_s().unwrap_or(sample.time_s);
                let phase = self.plan.exercise.trick_phase(
                    self.plan.seconds,
                    sample.time_s - start - self.plan.cfg.calibration_s,
                );
                frames.push(json!({
                    "t": sample.time_s, "rotation_deg": r, "tilt_deg": t, "flexion_deg": f, "cue": cue, "say": cue.say(), "phase": phase
                }));
                let end = *self.end_s.get_or_insert_with(|| {
                    self.plan
                        .seconds
                        .map_or(f64::INFINITY, |d| start + self.plan.cfg.calibration_s + d)
                });
                if sample.time_s >= end {
                    self.done = true;
                }
            }
        }
        Ok(())
    }

    fn accounting(&self) -> Value {
        let a: Accounting = self.reorder.accounting();
        json!({
            "received": a.received + self.received_invalid, "delivered": a.delivered, "reordered": a.reordered,
            "late": a.late, "duplicate": a.duplicate, "lost": a.lost,
            "invalid": self.invalid, "out_of_time": self.out_of_time,
        })
    }

    pub fn figures(&self) -> Value {
        let m = self.live.snapshot().measurements;
        json!({
            "type": "figures",
            "tremor": {
                "present": m.tremor.present, "amplitude_deg": m.tremor.amplitude_deg,
                "frequency_hz": m.tremor.frequency_hz, "axis": m.tremor.axis,
            },
            "hold": m.neutral_hold,
            "range_of_motion": m.range_of_motion,
            "hold_level": self.hold_level(),
            "accounting": self.accounting(),
        })
    }

    /// The neutral hold's tilt and flexion against gravity, and the words when it was not
    /// level ([`collis_analysis::live::hold_level_warning`]); null until the hold is over.
    fn hold_level(&self) -> Value {
        self.live
            .hold_level_deg()
            .map_or(Value::Null, |[tilt, flexion]| {
                json!({
                    "tilt_deg": tilt, "flexion_deg": flexion,
                    "warning": collis_analysis::live::hold_level_warning([tilt, flexion]),
                })
            })
    }

    /// Counts samples against the flood limit; false when the stream sends too fast.
    fn within_rate(&mut self, n: usize) -> bool {
        let elapsed = self.window_start.elapsed().as_secs_f64();
        if elapsed > 1.0 {
            self.window_start = Instant::now();
            self.window_samples = 0.0;
        }
        self.window_samples += n as f64;
        // A burst of up to two seconds' worth is fine (a client catching up after a stall).
        self.window_samples <= 2.0 * MAX_SAMPLES_PER_S.max(self.plan.cfg.rate_hz * 10.0)
    }
}

/// The directory of a live session's recording: the recordings directory `dir` for a subject's,
/// its `anonymous` directory for one without ([`crate::retention`] deletes those in time).
pub(crate) fn recording_dir(dir: &std::path::Path, subject: Option<&str>) -> PathBuf {
    match subject {
        Some(_) => dir.to_path_buf(),
        None => crate::retention::anonymous_dir(dir),
    }
}

/// A live stream's `done` (or `ready`) as its client sees it: its `file` relative to the
/// recordings directory `dir`, and no message naming where that directory is on the server.
pub(crate) fn hide_dir(msg: &mut Value, dir: &std::path::Path) {
    let full = dir.display().to_string();
    let inside = format!("{full}{}", std::path::MAIN_SEPARATOR);
    for key in ["file", "error", "warning"] {
        if let Some(v) = msg.get_mut(key) {
            if let Some(text) = v.as_str() {
                *v = json!(text.replace(&inside, "").replace(&full, "."));
            }
        }
    }
}

/// The file name (without extension) of a live session's recording.
pub(crate) fn session_stem(subject: Option<&str>, exercise: &str) -> String {
    format!(
        "{}-{}-{}",
        subject
            .unwrap_or("anonymous")
            .replace(['/', '\\', '.'], "_"),
        exercise,
        chrono::Local::now().format("%Y%m%dT%H%M%S%.3f")
    )
}

/// A live stream's incoming side: its client must send something every `idle`, so an idle or
/// half-open connection is closed and gives its place back.
pub(crate) struct Inbox {
    idle: Duration,
    deadline: tokio::time::Instant,
}

impl Inbox {
    pub(crate) fn new(idle: Duration) -> Self {
        Inbox {
            idle,
            deadline: tokio::time::Instant::now() + idle,
        }
    }

    /// The next message (`None`: the connection closed or failed), or why the stream ends
    /// when nothing came for `idle`. Cancel-safe (a `select!` branch).
    pub(crate) async fn recv(&mut self, socket: &mut WebSocket) -> Result<Option<Message>, String> {
        match tokio::time::timeout_at(self.deadline, socket.recv()).await {
            Ok(m) => {
                self.deadline = tokio::time::Instant::now() + self.idle;
                Ok(m.and_then(Result::ok))
            }
            Err(_) => Err(format!(
                "nothing received for {} s: the stream is closed as idle",
                self.idle.as_secs_f64()
            )),
        }
    }
}

pub(crate) async fn send(socket: &mut WebSocket, v: &Value) -> bool {
    socket
        .send(Message::Text(v.to_string().into()))
        .await
        .is_ok()
}

async fn run_stream(
    mut socket: WebSocket,
    st: AppState,
    plan: LivePlan,
    watchers: Option<tokio::sync::broadcast::Sender<String>>,
) {
    // What the client is sent, the watchers are sent too (none listening is no error).
    let publish = |v: &Value| {
        if let Some(tx) = &watchers {
            let _ = tx.send(v.to_string());
        }
    };
    let mut s = Stream::new(plan, &st.cfg.recordings_dir);
    let hello = json!({
        "type": "ready", "exercise": s.plan.exercise, "seconds": s.plan.seconds,
        "calibration_s": s.plan.cfg.calibration_s, "feedback": s.plan.cfg.feedback,
        // A head sensor alone cannot tell where straight ahead is: the hold at the start is
        // the reference, and the page says so.
        "reference": "hold",
        "reference_text": "the head as you hold it in the first seconds is neutral (0°): hold it straight, looking ahead, or as the therapist places it",
        "notice": collis_core::results::NOTICE,
    });
    publish(&hello);
    if !send(&mut socket, &hello).await {
        return;
    }
    let mut last_figures = Instant::now();
    let mut error: Option<String> = None;
    let mut frames = Vec::new();
    let mut inbox = Inbox::new(st.cfg.idle_timeout);
    loop {
        let msg = match inbox.recv(&mut socket).await {
            Ok(Some(m)) => m,
            Ok(None) => break,
            Err(e) => {
                error = Some(e);
                break;
            }
        };
        let arrived = Instant::now();
        let text = match msg {
            Message::Text(t) => t,
            Message::Close(_) => break,
            Message::Binary(_) => {
                error = Some("binary messages are not samples: send JSON text".into());
                break;
            }
            _ => continue,
        };
        // Feedback settings are checked as the REST route checks them.
        let parsed = Incoming::parse(&text).and_then(|m| match m {
            Incoming::Control(Control::Feedback(fb)) => {
                crate::api::check_feedback(&fb)?;
                Ok(Incoming::Control(Control::Feedback(fb)))
            }
            m => Ok(m),
        });
        // Every message counts toward the flood limit: a sample each, one for anything else (a
        // stream of unusable messages is a flood too).
        let weight = match &parsed {
            Ok(Incoming::Samples(items)) => items.len().max(1),
            _ => 1,
        };
        if !s.within_rate(weight) {
            error = Some(format!(
                "more than {MAX_SAMPLES_PER_S} samples per second: stream closed as a flood"
            ));
            break;
        }
        let items = match parsed {
            Ok(Incoming::Control(Control::Stop)) => break,
            Ok(Incoming::Control(Control::Feedback(fb))) => {
                s.set_feedback(fb);
                continue;
            }
            Ok(Incoming::Samples(items)) => items,
            Err(e) => {
                s.invalid();
                let w = json!({"type": "warning", "message": format!("message ignored: {e}")});
                if !send(&mut socket, &w).await {
                    break;
                }
                continue;
            }
        };
        frames.clear();
        let (failed, refused) = s.take_samples(items, &mut frames);
        if let Some(e) = failed {
            error = Some(e);
            break;
        }
        if !refused.is_empty() {
            // The first reasons say it; a batch of thousands needs no thousand lines.
            let first = refused
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join("; ");
            let w = json!({"type": "warning", "message": format!("{} ignored: {first}", refused.len())});
            if !send(&mut socket, &w).await {
                break;
            }
        }
        if !frames.is_empty() {
            let v = json!({"type": "angles", "frames": frames});
            publish(&v);
            if !send(&mut socket, &v).await {
                break;
            }
            s.latency_ms.push(arrived.elapsed().as_secs_f64() * 1e3);
        }
        if last_figures.elapsed() >= Duration::from_secs(1) {
            last_figures = Instant::now();
            let f = s.figures();
            publish(&f);
            if !send(&mut socket, &f).await {
                break;
            }
        }
        if s.is_done() {
            break;
        }
    }
    // What is still held for reordering is delivered; the recording is closed and analysed.
    frames.clear();
    if let Err(e) = s.drain(&mut frames) {
        error.get_or_insert(e);
    }
    let mut done = finish(&st, &mut s, error).await;
    hide_dir(&mut done, &st.cfg.recordings_dir);
    publish(&done);
    close_with(socket, &done).await;
}

/// Close the recording, analyse it like an imported file and store it as a session.
pub(crate) async fn finish(st: &AppState, s: &mut Stream, error: Option<String>) -> Value {
    let latency = json!({
        "messages": s.latency_ms.count(),
        "p50_ms": s.latency_ms.quantile(0.5),
        "p99_ms": s.latency_ms.quantile(0.99),
    });
    let mut done = json!({
        "type": "done",
        "exercise": s.plan.exercise,
        "completed": s.done,
        "error": error,
        "accounting": s.accounting(),
        "hold_level": s.hold_level(),
        "latency": latency,
        "notice": collis_core::results::NOTICE,
    });
    let file = match s.recorder.finish() {
        Ok(f) => f,
        Err(e) => {
            done["error"] = json!(e);
            return done;
        }
    };
    let (Some(file), Some(start)) = (file, s.live.start_s()) else {
        return done;
    };
    done["file"] = json!(file.display().to_string());
    let last = s.last_t.unwrap_or(start);
    let neutral = s.plan.cfg.neutral_s(start);
    if last <= neutral[1] {
        done["warning"] = json!("the stream ended during the neutral hold: nothing measured");
        return done;
    }
    let opts = UploadOptions {
        task: s.plan.cfg.task,
        neutral_s: Some(neutral),
        mounting: s.plan.mounting.clone(),
        no_mag: !s.plan.cfg.use_mag,
        trick_s: s.plan.trick_s(neutral[1]),
        emg_rest_s: None,
        start_s: None,
    };
    let exercise = s.plan.exercise;
    let subject = s.plan.subject.clone();
    score_and_store(
        st,
        file,
        opts,
        subject,
        move |r| head_score(exercise, r),
        &mut done,
    )
    .await;
    done
}

/// The score of a head exercise: its hold, range of motion, sensory trick and tremor; or why
/// the exercise refuses the session ([`Exercise::refusal`]: not scored, not stored).
pub(crate) fn head_score(exercise: Exercise, results: &Results) -> Result<Value, String> {
    if let Some(why) = exercise.refusal(results) {
        return Err(why);
    }
    let m = &results.measurements;
    Ok(json!({
        "exercise": exercise,
        "neutral_hold": m.neutral_hold,
        "twstrs_hold_item": m.twstrs.hold_within_10deg,
        "range_of_motion": m.range_of_motion,
        "twstrs_rom_item": m.twstrs.range_of_motion,
        "sensory_trick": m.sensory_trick,
        "tremor": {"present": m.tremor.present, "amplitude_deg": m.tremor.amplitude_deg, "frequency_hz": m.tremor.frequency_hz},
    }))
}

/// Analyse a saved live session like an imported file (`opts`: its reference segment),
/// let `score` add what only the live session knows to the results and give the exercise's
/// score (or refuse the session: its reason goes to `done` and nothing is stored), store the
/// session for `subject`, and put the score and the session into `done`.
pub(crate) async fn score_and_store(
    st: &AppState,
    file: PathBuf,
    opts: UploadOptions,
    subject: Option<String>,
    score: impl FnOnce(&mut Results) -> Result<Value, String> + Send + 'static,
    done: &mut Value,
) {
    let analyze = st.cfg.analyze.clone();
    let store = st.store.clone();
    // Err: the analysis failed; Ok(Err): the exercise refused the session.
    let outcome = tokio::task::spawn_blocking(move || -> Result<Result<Value, String>, String> {
        let mut results = analyze(&file, &opts)?;
        let name = file
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        crate::api::hide_path(&mut results, &file, &name);
        let mut score = match score(&mut results) {
            Ok(score) => score,
            Err(refused) => return Ok(Err(refused)),
        };
        if let Some(code) = subject {
            let sha = std::fs::File::open(&file)
                .and_then(|f| content_sha256(std::io::BufReader::new(f)))
                .map_err(|e| format!("{}: {e}", file.display()))?;
            let s = store.lock().unwrap_or_else(|p| p.into_inner());
            // A new subject only with its first stored session (one transaction).
            let (added, _) = s
                .add_session_and_subject(&NewSession {
                    subject: &code,
                    recorded_on: crate::api::today(),
                    file_name: file.file_name().map(|n| n.to_string_lossy().into_owned()),
                    content_sha256: sha,
                    results: &results,
                })
                .map_err(|e| e.to_string())?;
            let (collis_store::Added::Stored(id) | collis_store::Added::Duplicate(id)) = added;
            score["session_id"] = json!(id);
        }
        Ok(Ok(score))
    })
    .await;
    match outcome {
        Ok(Ok(Ok(score))) => {
            done["session_id"] = score["session_id"].clone();
            done["score"] = score;
        }
        Ok(Ok(Err(refused))) => done["error"] = json!(refused),
        Ok(Err(e)) => done["error"] = json!(format!("analysing the session: {e}")),
        Err(e) => done["error"] = json!(format!("analysing the session failed: {e}")),
    }
}

/// Send `done`, close, and read on until the client answers the close (or briefly): closing
/// with its messages unread would reset the connection and could discard `done` on its way.
pub(crate) async fn close_with(mut socket: WebSocket, done: &Value) {
    let _ = send(&mut socket, done).await;
    let _ = socket.send(Message::Close(None)).await;
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        while let Some(Ok(m)) = socket.recv().await {
            if matches!(m, Message::Close(_)) {
                break;
            }
        }
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> LiveQuery {
        serde_json::from_value(serde_json::from_str::<Value>(s).unwrap()).unwrap()
    }

    #[test]
    fn plans_check_their_options() {
        let p = LivePlan::from_query(&q(r#"{"rate": 100, "exercise": "hold-neutral"}"#)).unwrap();
        assert_eq!(p.seconds, Some(60.0));
        assert_eq!(p.cfg.task, collis_core::results::Task::HoldNeutral);
        let p = LivePlan::from_query(&q(
            r#"{"rate": 50, "target": "20,0,-5", "zone": 5, "quiet": false}"#,
        ))
        .unwrap();
        assert_eq!(p.cfg.feedback.target_deg, [20.0, 0.0, -5.0]);
        assert!(!p.cfg.feedback.quiet_when_good && p.seconds.is_none());
        for bad in [
            r#"{"rate": 0}"#,
            r#"{"rate": 100, "exercise": "juggle"}"#,
            r#"{"rate": 100, "target": "1,2"}"#,
            r#"{"rate": 100, "axes": "x=up"}"#,
            r#"{"rate": 100, "seconds": -1}"#,
        ] {
            assert!(LivePlan::from_query(&q(bad)).is_err(), "{bad}");
        }
    }
}
