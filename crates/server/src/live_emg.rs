//! Live surface EMG: `GET /api/live/emg?rate=HZ&channels=SCM-L,SCM-R&…` upgrades to a
//! WebSocket; the client sends blocks of samples, the server runs them through
//! [`collis_analysis::emg::live`] (rest calibration, then each muscle's envelope level and
//! cue against its target) and answers every message with the levels and cues of its blocks.
//!
//! Messages from the client (JSON text): a block `{"seq": 17, "data": [[…], […]]}` — one
//! array per channel, in the order of `channels`, each of exactly `block` samples in the
//! channel unit (µV by default); `seq` numbers the blocks 0, 1, 2, … — an array of blocks,
//! or `{"type": "stop"}`. A block that cannot be read (not numbers, wrong channel count or
//! length, a sequence number far ahead) is answered by a `warning` saying why, and counted
//! invalid; an unusable message weighs a block toward the flood limit ([`MAX_SPEEDUP`]). Messages to the client: `ready`, `emg` (`frames`: per delivered block its end
//! time `t` and either the rest's `remaining_s` or the `levels` per channel with the cue of
//! each chosen muscle), `warning`, and finally `done` with the accounting in samples per
//! channel (received, delivered, reordered, late, duplicate, lost, invalid, after the
//! exercise's end), the latency
//! from a message's arrival to its answer (p50/p99), the exercise's outcome and the stored
//! session.
//!
//! Channel labels name the muscle and side as in EMG files (`SCM-L`, `SPL-R`, …;
//! [`collis_core::emg::MuscleSite::from_label`]). The blocks are written as they arrive to a
//! plain EDF file, one data record per block, handed to the operating system every second
//! (its header says "still recording" until the end, so a session cut off by a crash keeps
//! what was received and reads like any EDF; `ready` and `done` name it relative to the
//! recordings directory, under `anonymous/` without a subject); lost blocks are written as the last value
//! held, so times stay true. At the end the file is analysed as `collis analyze FILE.edf
//! --emg-rest 0:REST` analyses it, the exercise's time within target per muscle is added
//! to its `emg` section, and it is stored as a session of the subject. The stream is also
//! published to the watch hub (`/api/live/streams`) as `emg:NAME`.

use crate::api::ApiError;
use crate::live::{
    close_with, finite_positive, score_and_store, send, session_stem, Inbox, MAX_MESSAGE_BYTES,
};
use crate::stream::{Reorder, MAX_AHEAD_S};
use crate::{AppState, UploadOptions};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::Response;
use collis_analysis::emg::live::{EmgExercise, LiveEmg, LiveEmgConfig, LiveEmgOutput, MAX_REST_S};
use collis_analysis::emg::{ChannelSetup, EmgSetup, MIN_RATE_HZ};
use collis_core::emg::MuscleSite;
use collis_core::results::Task;
use collis_dsp::Histogram;
use collis_io::emg::{EdfChannel, EdfWriter};
use serde::Deserialize;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Most channels in a stream.
pub const MAX_CHANNELS: usize = 16;
/// Highest sampling rate, Hz.
pub const MAX_RATE_HZ: f64 = 10_000.0;
/// A stream may send up to this many times its rate (catching up after a stall); more is a
/// flood and the stream is closed with an error.
pub const MAX_SPEEDUP: f64 = 4.0;
/// Default rest calibration, s: mains hum is found on the first 10 s of a recording
/// ([`collis_analysis::emg::mains::DETECT_S`]), so a 10-s rest finds it as a file would.
pub const DEFAULT_REST_S: f64 = collis_analysis::emg::mains::DETECT_S;
/// Default physical range of the recording, ± in the channel unit: ±5 mV covers surface EMG
/// with hum and electrode drift (0.15 µV steps in 16-bit EDF).
pub const DEFAULT_RANGE: f64 = 5000.0;

/// Options of a live EMG stream (query string of the WebSocket URL).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct EmgQuery {
    /// Sampling rate of every channel, Hz (a whole number, 200 to 10000).
    pub rate: f64,
    /// Channel labels in the order of the data, comma-separated, e.g. `SCM-L,SCM-R`.
    pub channels: String,
    /// Store the session for this subject (added when new).
    pub subject: Option<String>,
    /// relax (default: keep the chosen muscles below the target) or activate (reach and hold
    /// above it).
    pub exercise: Option<String>,
    /// Labels of the muscles that get a cue, comma-separated (default: every channel naming
    /// a muscle).
    pub muscles: Option<String>,
    /// Target level, × rest (or % MVC with `mvc`); default: the burst-onset threshold
    /// (rest + 3 SD) for relax, the confirmation level (rest + 7 SD) for activate.
    pub target: Option<f64>,
    /// RMS of a maximal voluntary contraction per channel, in order, comma-separated: levels
    /// and targets in % MVC.
    pub mvc: Option<String>,
    /// Seconds of rest at the start (the baseline; default 10).
    pub rest: Option<f64>,
    /// Seconds the exercise runs after the rest (default: until the client stops).
    pub seconds: Option<f64>,
    /// No tone while in the target zone (default true).
    pub quiet: Option<bool>,
    /// Samples per channel in a block (default: 20 ms of samples).
    pub block: Option<usize>,
    /// Physical range ± of the recording in the channel unit (default 5000).
    pub range: Option<f64>,
    /// Channel unit (default `uV`).
    pub unit: Option<String>,
}

/// A checked live EMG request.
#[derive(Debug, Clone)]
pub struct EmgPlan {
    pub cfg: LiveEmgConfig,
    pub seconds: Option<f64>,
    pub subject: Option<String>,
    pub block: usize,
    pub range: f64,
}

/// Whether `block` samples at `rate_hz` make an EDF record duration that reads back exactly
/// (8 characters, up to 6 decimals).
fn record_fits(block: usize, rate_hz: f64) -> bool {
    let d = block as f64 / rate_hz;
    let written = (d * 1e6).round() / 1e6;
    d < 10.0 && (block as f64 / written - rate_hz).abs() < 1e-6 * rate_hz
}

impl EmgPlan {
    pub fn from_query(q: &EmgQuery) -> Result<Self, String> {
        let rate = finite_positive("rate", q.rate, MAX_RATE_HZ)?;
        if rate < MIN_RATE_HZ || rate.fract() != 0.0 {
            return Err(format!(
                "rate = {rate}: expected a whole number of Hz, at least {MIN_RATE_HZ}"
            ));
        }
        let labels: Vec<String> = q
            .channels
            .split(',')
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect();
        if labels.is_empty() || labels.len() > MAX_CHANNELS {
            return Err(format!(
                "channels: {} labels, expected 1 to {MAX_CHANNELS}",
                labels.len()
            ));
        }
        for (i, l) in labels.iter().enumerate() {
            if l.len() > 16 || !l.is_ascii() {
                return Err(format!("channel '{l}': at most 16 ASCII characters"));
            }
            if labels[..i].contains(l) {
                return Err(format!("channel '{l}' is given twice"));
            }
        }
        let sites: Vec<Option<MuscleSite>> =
            labels.iter().map(|l| MuscleSite::from_label(l)).collect();
        let chosen: Vec<bool> = match &q.muscles {
            Some(m) => {
                let names: Vec<&str> = m
                    .split(',')
                    .map(str::trim)
                    .filter(|x| !x.is_empty())
                    .collect();
                if let Some(bad) = names
                    .iter()
                    .find(|n| !labels.iter().any(|l| l.as_str() == **n))
                {
                    return Err(format!("muscles: '{bad}' is not one of the channels"));
                }
                labels.iter().map(|l| names.contains(&l.as_str())).collect()
            }
            None if sites.iter().any(Option::is_some) => {
                sites.iter().map(Option::is_some).collect()
            }
            None => vec![true; labels.len()],
        };
        let mvc: Vec<Option<f64>> = match &q.mvc {
            Some(m) => {
                let v: Vec<f64> = m
                    .split(',')
                    .map(|x| x.trim().parse::<f64>())
                    .collect::<Result<_, _>>()
                    .map_err(|_| format!("mvc '{m}': expected one RMS per channel"))?;
                if v.len() != labels.len() || !v.iter().all(|x| x.is_finite() && *x > 0.0) {
                    return Err(format!(
                        "mvc '{m}': expected {} positive values, one per channel",
                        labels.len()
                    ));
                }
                v.into_iter().map(Some).collect()
            }
            None => vec![None; labels.len()],
        };
        let unit = q.unit.clone().unwrap_or_else(|| "uV".to_string());
        if unit.len() > 8 || !unit.is_ascii() {
            return Err(format!("unit '{unit}': at most 8 ASCII characters"));
        }
        let exercise = match q.exercise.as_deref().unwrap_or("relax") {
            "relax" => EmgExercise::Relax,
            "activate" => EmgExercise::Activate,
            e => return Err(format!("unknown exercise '{e}': relax or activate")),
        };
        let rest_s = finite_positive("rest", q.rest.unwrap_or(DEFAULT_REST_S), MAX_REST_S)?;
        if rest_s < 1.0 {
            return Err(format!("rest = {rest_s}: at least 1 s of rest is needed"));
        }
        // The shortest block of at least 20 ms whose EDF record duration reads back exactly.
        let default_block = ((rate * 0.02).ceil() as usize..=rate as usize)
            .find(|&b| record_fits(b, rate))
            .unwrap_or(rate as usize);
        let block = q.block.unwrap_or(default_block);
        if block == 0 || block as f64 > rate || !record_fits(block, rate) {
            return Err(format!(
                "block = {block}: expected 1 to {rate} samples whose duration has at most 6 \
                 decimals of a second (e.g. {default_block})"
            ));
        }
        if let Some(code) = &q.subject {
            if code.trim().is_empty() {
                return Err("subject: empty code".into());
            }
        }
        Ok(EmgPlan {
            cfg: LiveEmgConfig {
                setup: EmgSetup {
                    channels: labels
                        .iter()
                        .zip(&sites)
                        .zip(mvc)
                        .map(|((label, site), mvc_rms)| ChannelSetup {
                            label: label.clone(),
                            site: *site,
                            rate_hz: rate,
                            unit: unit.clone(),
                            mvc_rms,
                        })
                        .collect(),
                    baseline_s: None,
                },
                rest_s,
                exercise,
                chosen,
                target: q
                    .target
                    .map(|t| finite_positive("target", t, 1e6))
                    .transpose()?,
                quiet_when_good: q.quiet.unwrap_or(true),
            },
            seconds: q
                .seconds
                .map(|s| finite_positive("seconds", s, 4.0 * 3600.0))
                .transpose()?,
            subject: q.subject.clone(),
            block,
            range: finite_positive("range", q.range.unwrap_or(DEFAULT_RANGE), 1e9)?,
        })
    }

    fn rate_hz(&self) -> f64 {
        self.cfg.setup.channels[0].rate_hz
    }

    fn exercise_name(&self) -> &'static str {
        match self.cfg.exercise {
            EmgExercise::Relax => "emg-relax",
            EmgExercise::Activate => "emg-activate",
        }
    }
}

/// `GET /api/live/emg?rate=HZ&channels=…&…`: a live surface-EMG stream (WebSocket).
#[utoipa::path(get, path = "/api/live/emg", params(EmgQuery),
    responses((status = 101, description = "WebSocket: EMG blocks in, levels and cues per muscle out (see the module documentation)"),
              (status = 400, body = crate::api::ErrorBody), (status = 503, body = crate::api::ErrorBody)))]
pub async fn emg(
    State(st): State<AppState>,
    Query(q): Query<EmgQuery>,
    ws: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let plan = EmgPlan::from_query(&q).map_err(ApiError::bad_request)?;
    let live = LiveEmg::new(plan.cfg.clone()).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let permit = st.live_slot()?;
    Ok(ws
        .max_message_size(MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| async move {
            run_stream(socket, st, plan, live).await;
            drop(permit);
        }))
}

/// One incoming block.
#[derive(Deserialize)]
struct WireBlock {
    seq: u64,
    data: Vec<Vec<f64>>,
}

/// The EDF file of a session, written as it runs.
struct Recorder {
    path: PathBuf,
    writer: Option<EdfWriter>,
}

/// The state of one stream.
struct EmgStream {
    live: LiveEmg,
    plan: EmgPlan,
    reorder: Reorder<(u64, Vec<Vec<f64>>)>,
    recorder: Recorder,
    /// The next block in sequence.
    next_seq: Option<u64>,
    /// Last sample of each channel (written for lost blocks).
    held: Vec<f64>,
    /// Blocks that arrived (read or not), that could not be read, that went through the
    /// pipeline, and that came after the exercise had ended (not used).
    received: u64,
    invalid: u64,
    delivered: u64,
    after_end: u64,
    /// Blocks through the pipeline, including those written for lost ones.
    blocks: u64,
    done: bool,
    latency_ms: Histogram,
    window_start: Instant,
    window_samples: f64,
}

impl EmgStream {
    fn new(plan: EmgPlan, live: LiveEmg, dir: &std::path::Path) -> Self {
        let stem = session_stem(plan.subject.as_deref(), plan.exercise_name());
        EmgStream {
            live,
            reorder: Reorder::default(),
            recorder: Recorder {
                path: crate::live::recording_dir(dir, plan.subject.as_deref())
                    .join(format!("{stem}.edf")),
                writer: None,
            },
            next_seq: None,
            held: vec![0.0; plan.cfg.setup.channels.len()],
            received: 0,
            invalid: 0,
            delivered: 0,
            after_end: 0,
            blocks: 0,
            done: false,
            latency_ms: Histogram::new(0.0, 1000.0, 0.001),
            window_start: Instant::now(),
            window_samples: 0.0,
            plan,
        }
    }

    /// Checks one item of a message; the block, or why it cannot be used.
    fn check(&self, item: Value) -> Result<(u64, Vec<Vec<f64>>), String> {
        let b: WireBlock = serde_json::from_value(item)
            .map_err(|e| format!("not a block {{\"seq\": N, \"data\": [[…], …]}}: {e}"))?;
        let n = self.plan.cfg.setup.channels.len();
        if b.data.len() != n {
            return Err(format!(
                "block {}: {} channels, the stream has {n}",
                b.seq,
                b.data.len()
            ));
        }
        if let Some(c) = b.data.iter().position(|c| c.len() != self.plan.block) {
            return Err(format!(
                "block {}: channel {} has {} samples, blocks have {}",
                b.seq,
                self.plan.cfg.setup.channels[c].label,
                b.data[c].len(),
                self.plan.block
            ));
        }
        let ahead = (MAX_AHEAD_S * self.plan.rate_hz() / self.plan.block as f64).ceil() as u64;
        if let Some(m) = self.reorder.too_far_ahead(b.seq, ahead) {
            return Err(format!(
                "block {}: more than {MAX_AHEAD_S} s ahead of block {m}",
                b.seq
            ));
        }
        Ok((b.seq, b.data))
    }

    /// Take a checked block (in any order); what is now in order goes through the pipeline.
    fn push(
        &mut self,
        seq: u64,
        data: Vec<Vec<f64>>,
        frames: &mut Vec<Value>,
    ) -> Result<(), String> {
        if self.done {
            self.after_end += 1;
            return Ok(());
        }
        let mut ready = Vec::new();
        self.reorder.push(seq, (seq, data), |x| ready.push(x));
        ready
            .into_iter()
            .try_for_each(|(seq, d)| self.deliver(seq, d, frames))
    }

    /// End of stream: what is held for reordering goes through the pipeline.
    fn drain(&mut self, frames: &mut Vec<Value>) -> Result<(), String> {
        let mut tail = Vec::new();
        self.reorder.finish(|x| tail.push(x));
        tail.into_iter()
            .try_for_each(|(seq, d)| self.deliver(seq, d, frames))
    }

    fn deliver(
        &mut self,
        seq: u64,
        data: Vec<Vec<f64>>,
        frames: &mut Vec<Value>,
    ) -> Result<(), String> {
        if self.done {
            self.after_end += 1;
            return Ok(());
        }
        let next = *self.next_seq.get_or_insert(seq);
        // Lost blocks before this one: the last values held, so times stay true. They count
        // against the flood limit like received ones (a stream of gaps is a flood too).
        self.window_samples += ((seq - next) as usize * self.plan.block) as f64;
        for _ in next..seq {
            let fill: Vec<Vec<f64>> = self
                .held
                .iter()
                .map(|&h| vec![h; self.plan.block])
                .collect();
            self.run_block(fill, frames)?;
        }
        self.next_seq = Some(seq + 1);
        for (h, c) in self.held.iter_mut().zip(&data) {
            *h = *c.last().expect("blocks are not empty");
        }
        self.delivered += 1;
        self.run_block(data, frames)
    }

    fn run_block(&mut self, data: Vec<Vec<f64>>, frames: &mut Vec<Value>) -> Result<(), String> {
        if self.done {
            return Ok(());
        }
        self.write(&data)?;
        self.blocks += 1;
        let t = self.blocks as f64 * self.plan.block as f64 / self.plan.rate_hz();
        match self.live.push_block(&data).map_err(|e| e.to_string())? {
            LiveEmgOutput::Resting { remaining_s } => {
                frames.push(json!({"t": t, "resting": true, "remaining_s": remaining_s}))
            }
            LiveEmgOutput::Exercise { levels } => frames.push(json!({"t": t, "levels": levels})),
        }
        if self
            .plan
            .seconds
            .is_some_and(|d| self.live.exercising() && self.live.exercise_s() >= d)
        {
            self.done = true;
        }
        Ok(())
    }

    fn write(&mut self, data: &[Vec<f64>]) -> Result<(), String> {
        let r = &mut self.recorder;
        let err = |e: collis_io::WriteError| e.to_string();
        if r.writer.is_none() {
            let channels: Vec<EdfChannel> = self
                .plan
                .cfg
                .setup
                .channels
                .iter()
                .map(|c| EdfChannel {
                    label: c.label.clone(),
                    unit: c.unit.clone(),
                    samples_per_record: self.plan.block,
                    physical_range: [-self.plan.range, self.plan.range],
                })
                .collect();
            let duration = self.plan.block as f64 / self.plan.rate_hz();
            r.writer = Some(EdfWriter::create(&r.path, &channels, duration).map_err(err)?);
        }
        let w = r.writer.as_mut().expect("created above");
        let refs: Vec<&[f64]> = data.iter().map(Vec::as_slice).collect();
        w.write_record(&refs).map_err(err)
    }

    /// Hands what was written to the operating system (every second while the stream runs).
    fn flush(&mut self) -> Result<(), String> {
        match &mut self.recorder.writer {
            Some(w) => w.flush().map_err(|e| e.to_string()),
            None => Ok(()),
        }
    }

    /// The accounting in samples per channel: received = delivered + late + duplicate +
    /// invalid + after_end; lost never arrived (written as held values).
    fn accounting(&self) -> Value {
        let a = self.reorder.accounting();
        let n = self.plan.block as u64;
        json!({
            "samples_per_block": n,
            "received": self.received * n, "delivered": self.delivered * n,
            "reordered": a.reordered * n, "late": a.late * n, "duplicate": a.duplicate * n,
            "lost": a.lost * n, "invalid": self.invalid * n, "after_end": self.after_end * n,
        })
    }

    /// Counts samples against the flood limit; false when the stream sends too fast.
    fn within_rate(&mut self, blocks: usize) -> bool {
        if self.window_start.elapsed().as_secs_f64() > 1.0 {
            self.window_start = Instant::now();
            self.window_samples = 0.0;
        }
        self.window_samples += (blocks * self.plan.block) as f64;
        self.window_samples <= MAX_SPEEDUP * self.plan.rate_hz()
    }
}

/// A message: blocks (one or an array) or a control.
fn parse(text: &str) -> Result<Option<Vec<Value>>, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    match v {
        Value::Array(items) => Ok(Some(items)),
        Value::Object(ref o) if o.contains_key("type") => match o["type"].as_str() {
            Some("stop") => Ok(None),
            _ => Err(format!(
                "unknown control message {}: only {{\"type\": \"stop\"}}",
                o["type"]
            )),
        },
        Value::Object(_) => Ok(Some(vec![v])),
        _ => Err("expected a block, an array of blocks or a control message".into()),
    }
}

async fn run_stream(mut socket: WebSocket, st: AppState, plan: EmgPlan, live: LiveEmg) {
    let mut s = EmgStream::new(plan, live, &st.cfg.recordings_dir);
    let name = format!(
        "emg:{}",
        s.recorder
            .path
            .file_stem()
            .map_or(String::new(), |n| n.to_string_lossy().into_owned())
    );
    let hub = st.hub.open(&name);
    let hello = json!({
        "type": "ready", "exercise": s.plan.cfg.exercise, "seconds": s.plan.seconds,
        "rest_s": s.plan.cfg.rest_s, "block": s.plan.block, "stream": name,
        "file": s.recorder.path.strip_prefix(&st.cfg.recordings_dir).unwrap_or(&s.recorder.path).display().to_string(),
        "channels": s.plan.cfg.setup.channels.iter().zip(&s.plan.cfg.chosen).map(|(c, &chosen)| json!({
            "label": c.label, "muscle": c.site.map(|x| x.muscle), "side": c.site.and_then(|x| x.side), "cued": chosen,
        })).collect::<Vec<_>>(),
        "notice": collis_core::results::NOTICE,
    });
    let mut error: Option<String> = None;
    if send(&mut socket, &hello).await {
        let inbox = Inbox::new(st.cfg.idle_timeout);
        error = serve_messages(&mut socket, inbox, &mut s, &hub).await;
    }
    let mut frames = Vec::new();
    if let Err(e) = s.drain(&mut frames) {
        error.get_or_insert(e);
    }
    let mut done = finish(&st, &mut s, error).await;
    crate::live::hide_dir(&mut done, &st.cfg.recordings_dir);
    done["stream"] = json!(name);
    let _ = hub.send(done.to_string());
    st.hub.close(&name);
    close_with(socket, &done).await;
}

/// Read and answer messages until the client stops, the exercise ends or an error (returned).
async fn serve_messages(
    socket: &mut WebSocket,
    mut inbox: Inbox,
    s: &mut EmgStream,
    hub: &tokio::sync::broadcast::Sender<String>,
) -> Option<String> {
    let mut frames = Vec::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        let msg = tokio::select! {
            m = inbox.recv(socket) => match m {
                Ok(Some(m)) => m,
                Ok(None) => return None,
                Err(e) => return Some(e),
            },
            _ = tick.tick() => match s.flush() {
                Ok(()) => continue,
                Err(e) => return Some(e),
            },
        };
        let arrived = Instant::now();
        let text = match msg {
            Message::Text(t) => t,
            Message::Close(_) => return None,
            Message::Binary(_) => {
                return Some("binary messages are not blocks: send JSON text".into())
            }
            _ => continue,
        };
        let mut reasons = Vec::new();
        let items = match parse(&text) {
            Ok(Some(items)) => items,
            Ok(None) => return None,
            Err(e) => {
                s.received += 1;
                s.invalid += 1;
                reasons.push(e);
                Vec::new()
            }
        };
        s.received += items.len() as u64;
        // An unusable message counts as a block toward the flood limit (a stream of them is a
        // flood too).
        if !s.within_rate(items.len().max(1)) {
            return Some(format!(
                "more than {MAX_SPEEDUP}× the stream's rate: stream closed as a flood"
            ));
        }
        frames.clear();
        for item in items {
            match s.check(item) {
                Ok((seq, data)) => {
                    if let Err(e) = s.push(seq, data, &mut frames) {
                        return Some(e);
                    }
                }
                Err(e) => {
                    s.invalid += 1;
                    reasons.push(e);
                }
            }
        }
        let mut out = Vec::new();
        if !reasons.is_empty() {
            out.push(json!({"type": "warning", "message": format!("{} ignored: {}", reasons.len(), reasons.join("; "))}));
        }
        if !frames.is_empty() {
            out.push(json!({"type": "emg", "frames": frames}));
        }
        for m in &out {
            if !send(socket, m).await {
                return None;
            }
            let _ = hub.send(m.to_string());
        }
        if !frames.is_empty() {
            s.latency_ms.push(arrived.elapsed().as_secs_f64() * 1e3);
        }
        if s.done {
            return None;
        }
    }
}

/// Close the recording, analyse it like an imported EMG file and store it as a session.
async fn finish(st: &AppState, s: &mut EmgStream, error: Option<String>) -> Value {
    let outcome = s.live.outcome();
    let mut done = json!({
        "type": "done",
        "exercise": s.plan.cfg.exercise,
        "completed": s.done,
        "error": error,
        "accounting": s.accounting(),
        "latency": {
            "messages": s.latency_ms.count(),
            "p50_ms": s.latency_ms.quantile(0.5),
            "p99_ms": s.latency_ms.quantile(0.99),
        },
        "outcome": outcome,
        "notice": collis_core::results::NOTICE,
    });
    let Some(w) = s.recorder.writer.take() else {
        return done;
    };
    if let Err(e) = w.finish() {
        done["error"] = json!(e.to_string());
        return done;
    }
    let file = s.recorder.path.clone();
    done["file"] = json!(file.display().to_string());
    if !s.live.exercising() {
        done["warning"] = json!("the stream ended during the rest: nothing measured");
        return done;
    }
    let opts = UploadOptions {
        task: Task::Exercise,
        emg_rest_s: Some([0.0, s.plan.cfg.rest_s]),
        ..Default::default()
    };
    score_and_store(
        st,
        file,
        opts,
        s.plan.subject.clone(),
        move |r| {
            let emg = r.measurements.emg.as_mut();
            let bursts: Vec<Value> = emg
                .as_ref()
                .map(|e| {
                    e.channels
                        .iter()
                        .map(|c| json!({"label": c.label, "burst_count": c.burst_count, "bursts": c.bursts}))
                        .collect()
                })
                .unwrap_or_default();
            if let Some(e) = emg {
                e.exercise = Some(outcome.clone());
            }
            Ok(json!({"exercise": outcome.exercise, "outcome": outcome, "channels": bursts}))
        },
        &mut done,
    )
    .await;
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> EmgQuery {
        serde_json::from_value(serde_json::from_str::<Value>(s).unwrap()).unwrap()
    }

    #[test]
    fn plans_check_their_options() {
        let p =
            EmgPlan::from_query(&q(r#"{"rate": 2000, "channels": "SCM-L, SCM-R,EMG3"}"#)).unwrap();
        assert_eq!((p.block, p.cfg.rest_s, p.seconds), (40, 10.0, None));
        assert_eq!(p.cfg.chosen, [true, true, false]);
        assert_eq!(p.cfg.exercise, EmgExercise::Relax);
        let p = EmgPlan::from_query(&q(
            r#"{"rate": 1024, "channels": "A,B", "exercise": "activate", "mvc": "100,200", "muscles": "B"}"#,
        ))
        .unwrap();
        assert_eq!((p.block, p.cfg.chosen.clone()), (32, vec![false, true]));
        assert_eq!(p.cfg.setup.channels[1].mvc_rms, Some(200.0));
        for bad in [
            r#"{"rate": 100, "channels": "SCM-L"}"#,
            r#"{"rate": 2000.5, "channels": "SCM-L"}"#,
            r#"{"rate": 2000, "channels": " , "}"#,
            r#"{"rate": 2000, "channels": "A,A"}"#,
            r#"{"rate": 2000, "channels": "A", "exercise": "juggle"}"#,
            r#"{"rate": 2000, "channels": "A", "muscles": "B"}"#,
            r#"{"rate": 2000, "channels": "A,B", "mvc": "1"}"#,
            r#"{"rate": 2000, "channels": "A", "block": 0}"#,
            r#"{"rate": 1024, "channels": "A", "block": 3}"#,
            r#"{"rate": 2000, "channels": "A", "rest": 0.5}"#,
            r#"{"rate": 2000, "channels": "A", "target": -1}"#,
        ] {
            assert!(EmgPlan::from_query(&q(bad)).is_err(), "{bad}");
        }
    }
}
