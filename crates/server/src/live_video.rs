//! Live webcam sessions: `GET /api/live/video` upgrades to a WebSocket; the browser sends
//! camera frames (binary: 8-byte little-endian f64 capture time in seconds, then the JPEG),
//! the server runs each through the same face pipeline as a video file (collis-vision:
//! detector, tracked crop, mesh, Procrustes) and answers with the angles and the feedback cue
//! — the same messages as a live head-sensor stream ([`crate::live`]).
//!
//! The reference is the camera, as for a video file: facing the camera is neutral (0°). The
//! first seconds (`calibration_s`) are for settling in front of the camera and are not
//! measured; they no longer become the reference, which made a patient held in a 28° turn
//! read 0° and be rewarded for staying turned (issue 20).
//!
//! A frame is refused (`warning`, counted invalid) when its image is larger than
//! [`MAX_FRAME_SIDE`] (read from its header, before decoding: a small PNG can claim gigabytes
//! of pixels) or its time is not seconds ([`crate::live::MAX_TIME_S`]); text messages are
//! `{"type": "stop"}` or `{"type": "feedback", …}` (checked as the REST route checks them),
//! anything else is refused likewise, and every message counts toward the flood limit.
//!
//! The frames are stored as they come, without re-encoding, in a Matroska video (Motion JPEG
//! at the declared frame rate); at the end that video is analysed like any imported video
//! (`collis analyze VIDEO --neutral 0:T`, T the end of the hold) and stored as a session.

use crate::api::ApiError;
use crate::live::{
    close_with, head_score, hide_dir, score_and_store, send, Inbox, LivePlan, LiveQuery, MAX_TIME_S,
};
use crate::{AppState, UploadOptions};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use collis_analysis::analyzer::{AnalysisConfig, Analyzer};
use collis_analysis::feedback::FeedbackSettings;
use collis_core::camera::angles_relative;
use collis_core::AngleSample;
use collis_dsp::Histogram;
use collis_vision::still::decode_image_within;
use collis_vision::video::JpegVideoWriter;
use collis_vision::{Estimator, Tracker};
use nalgebra::Rotation3;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// The largest frame accepted (a 1920×1080 JPEG is ≈ 0.5 MB).
pub const MAX_FRAME_BYTES: usize = 4 << 20;
/// Frames per second a session may send, at most (a flood beyond).
pub const MAX_FRAMES_PER_S: f64 = 120.0;
/// Largest width or height of a frame, pixels: a 4K webcam (3840×2160) fits, the live page
/// asks for 640×480, and the face pipeline works on a small crop anyway. A larger frame is
/// refused from its header, before it is decoded (an 8000×8000 PNG of 186 KB would take
/// 192 MB and seconds of processor time).
pub const MAX_FRAME_SIDE: u32 = 4096;

/// `GET /api/live/video?rate=FPS&…`: a live webcam session (WebSocket).
#[utoipa::path(get, path = "/api/live/video", params(LiveQuery),
    responses((status = 101, description = "WebSocket: JPEG frames in (8-byte f64 LE capture time + JPEG), angles and cues out"),
              (status = 400, body = crate::api::ErrorBody), (status = 503, body = crate::api::ErrorBody)))]
pub async fn video(
    State(st): State<AppState>,
    Query(q): Query<LiveQuery>,
    ws: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let plan = LivePlan::from_query(&q).map_err(ApiError::bad_request)?;
    let est = st.estimator.clone().map_err(|e| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("webcam needs the face models: {e}"),
        )
    })?;
    let permit = st.live_slot()?;
    Ok(ws
        .max_message_size(MAX_FRAME_BYTES)
        .on_upgrade(move |socket| async move {
            run_video(socket, st, plan, est).await;
            drop(permit);
        }))
}

/// One frame's pose: face → camera rotation and confidence, or no face.
fn pose(
    est: &Estimator,
    tracker: &mut Tracker,
    jpeg: &[u8],
) -> Result<Option<(Rotation3<f64>, f64)>, String> {
    let img = decode_image_within(jpeg, Path::new("webcam frame"), MAX_FRAME_SIDE)
        .map_err(|e| e.to_string())?;
    let face = tracker.next(est, &img.view()).map_err(|e| e.to_string())?;
    Ok(face.map(|f| (f.pose.rotation, f.confidence)))
}

struct Session {
    plan: LivePlan,
    tracker: Option<Tracker>,
    /// Faces seen while settling; measuring starts once there are some.
    settling_faces: u64,
    first_t: Option<f64>,
    last_t: Option<f64>,
    /// Frames stored; the first `hold_frames` are the settling time.
    frames: u64,
    hold_frames: Option<u64>,
    faces: u64,
    invalid: u64,
    analyzer: Analyzer,
    writer: Option<JpegVideoWriter>,
    path: PathBuf,
    end_t: Option<f64>,
    done: bool,
    latency_ms: Histogram,
    window: (Instant, f64),
}

impl Session {
    fn figures(&self) -> Value {
        let m = self.analyzer.snapshot().measurements;
        json!({
            "type": "figures",
            "tremor": {"present": m.tremor.present, "amplitude_deg": m.tremor.amplitude_deg,
                       "frequency_hz": m.tremor.frequency_hz, "axis": m.tremor.axis},
            "hold": m.neutral_hold,
            "range_of_motion": m.range_of_motion,
            "accounting": {"received": self.frames + self.invalid, "faces": self.faces, "invalid": self.invalid},
        })
    }

    /// The frame's message, after the settling time: angles against the camera and cue (or
    /// no face).
    fn frame(&mut self, t: f64, face: Option<(Rotation3<f64>, f64)>) -> Value {
        let first = *self.first_t.get_or_insert(t);
        self.faces += u64::from(face.is_some());
        if self.hold_frames.is_none() {
            self.settling_faces += u64::from(face.is_some());
            let remaining_s = first + self.plan.cfg.calibration_s - t;
            // Measuring needs a face: settling goes on until some were seen.
            if remaining_s > 0.0 || self.settling_faces < 5 {
                return json!({"t": t, "calibrating": true, "remaining_s": remaining_s.max(0.0), "face": face.is_some()});
            }
            self.hold_frames = Some(self.frames);
        }
        let end = *self
            .end_t
            .get_or_insert_with(|| self.plan.seconds.map_or(f64::INFINITY, |d| t + d));
        if t >= end {
            self.done = true;
        }
        let since_hold = self.plan.seconds.map_or(0.0, |d| t - (end - d));
        let phase = self
            .plan
            .exercise
            .trick_phase(self.plan.seconds, since_hold);
        match face {
            Some((r, confidence)) => {
                let a = angles_relative(&r, None).as_array();
                self.analyzer.push(&AngleSample {
                    time_s: t,
                    angles_deg: a,
                    confidence: confidence as f32,
                });
                let cue = self.plan.cfg.feedback.cue(&a);
                json!({"t": t, "rotation_deg": a[0], "tilt_deg": a[1], "flexion_deg": a[2], "confidence": confidence, "cue": cue, "say": cue.say(), "phase": phase})
            }
            None => {
                self.analyzer.push(&AngleSample {
                    time_s: t,
                    angles_deg: [f64::NAN; 3],
                    confidence: 0.0,
                });
                json!({"t": t, "face": false, "phase": phase})
            }
        }
    }
}

async fn run_video(mut socket: WebSocket, st: AppState, plan: LivePlan, est: Arc<Estimator>) {
    let stem = crate::live::session_stem(plan.subject.as_deref(), plan.exercise.name());
    let dir = crate::live::recording_dir(&st.cfg.recordings_dir, plan.subject.as_deref());
    let path = dir.join(format!("{stem}.mkv"));
    let mut s = Session {
        analyzer: Analyzer::new(AnalysisConfig {
            rate_hz: plan.cfg.rate_hz,
            rotation_referenced: true,
            exclude_s: None,
            task: plan.cfg.task,
        }),
        plan,
        tracker: Some(Tracker::default()),
        settling_faces: 0,
        first_t: None,
        last_t: None,
        frames: 0,
        hold_frames: None,
        faces: 0,
        invalid: 0,
        writer: None,
        path,
        end_t: None,
        done: false,
        latency_ms: Histogram::new(0.0, 1000.0, 0.001),
        window: (Instant::now(), 0.0),
    };
    let hello = json!({
        "type": "ready", "source": "webcam", "exercise": s.plan.exercise, "seconds": s.plan.seconds,
        "reference": "camera",
        "reference_text": "facing the camera is neutral (0°): the camera at eye level, straight in front of you",
        "calibration_s": s.plan.cfg.calibration_s, "feedback": s.plan.cfg.feedback,
        "notice": collis_core::results::NOTICE,
    });
    if !send(&mut socket, &hello).await {
        return;
    }
    let mut error: Option<String> = None;
    let mut last_figures = Instant::now();
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
        // Every frame or text message counts toward the flood limit, usable or not.
        if matches!(msg, Message::Binary(_) | Message::Text(_)) {
            if arrived.duration_since(s.window.0).as_secs_f64() > 1.0 {
                s.window = (arrived, 0.0);
            }
            s.window.1 += 1.0;
            if s.window.1 > 2.0 * MAX_FRAMES_PER_S {
                error = Some(format!(
                    "more than {MAX_FRAMES_PER_S} frames per second: closed as a flood"
                ));
                break;
            }
        }
        let bytes = match msg {
            Message::Binary(b) => b,
            Message::Text(t) => {
                let refusal = match serde_json::from_str::<Value>(&t) {
                    Ok(v) if v["type"] == "stop" => break,
                    Ok(v) if v["type"] == "feedback" => {
                        match serde_json::from_value::<FeedbackSettings>(v) {
                            Ok(fb) => match crate::api::check_feedback(&fb) {
                                Ok(()) => {
                                    s.plan.cfg.feedback = fb;
                                    continue;
                                }
                                Err(e) => e,
                            },
                            Err(e) => format!("feedback settings: {e}"),
                        }
                    }
                    Ok(_) => "expected a frame (binary) or {\"type\": \"stop\"} or \
                              {\"type\": \"feedback\", …}"
                        .to_string(),
                    Err(e) => format!("not JSON: {e}"),
                };
                s.invalid += 1;
                let w =
                    json!({"type": "warning", "message": format!("message ignored: {refusal}")});
                if !send(&mut socket, &w).await {
                    break;
                }
                continue;
            }
            Message::Close(_) => break,
            _ => continue,
        };
        let Some(t) = bytes
            .get(..8)
            .map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes")))
        else {
            s.invalid += 1;
            continue;
        };
        if t.is_nan() || t.abs() > MAX_TIME_S {
            s.invalid += 1;
            let w = json!({"type": "warning", "message": format!(
                "frame ignored: t = {t:e} is not a time in seconds (at most {MAX_TIME_S:e} in size)"
            )});
            if !send(&mut socket, &w).await {
                break;
            }
            continue;
        }
        if s.last_t.is_some_and(|l| t <= l) {
            s.invalid += 1;
            continue;
        }
        let jpeg = bytes.slice(8..);
        let mut tracker = s.tracker.take().unwrap_or_default();
        let est2 = est.clone();
        let jpeg2 = jpeg.clone();
        let Ok((tracker, result)) = tokio::task::spawn_blocking(move || {
            let r = pose(&est2, &mut tracker, &jpeg2);
            (tracker, r)
        })
        .await
        else {
            error = Some("the face pipeline task failed".into());
            break;
        };
        s.tracker = Some(tracker);
        let face = match result {
            Ok(f) => f,
            Err(e) => {
                s.invalid += 1;
                let w = json!({"type": "warning", "message": format!("frame ignored: {e}")});
                if !send(&mut socket, &w).await {
                    break;
                }
                continue;
            }
        };
        if s.writer.is_none() {
            match JpegVideoWriter::create(&s.path) {
                Ok(w) => s.writer = Some(w),
                Err(e) => {
                    error = Some(e.to_string());
                    break;
                }
            }
        }
        if let Err(e) = s.writer.as_mut().expect("created above").write(&jpeg) {
            error = Some(e.to_string());
            break;
        }
        s.last_t = Some(t);
        let frame = s.frame(t, face);
        s.frames += 1;
        let v = json!({"type": "angles", "frames": [frame]});
        if !send(&mut socket, &v).await {
            break;
        }
        s.latency_ms.push(arrived.elapsed().as_secs_f64() * 1e3);
        if last_figures.elapsed().as_secs_f64() >= 1.0 {
            last_figures = Instant::now();
            if !send(&mut socket, &s.figures()).await {
                break;
            }
        }
        if s.done {
            break;
        }
    }
    let mut done = finish(&st, &mut s, error).await;
    hide_dir(&mut done, &st.cfg.recordings_dir);
    close_with(socket, &done).await;
}

async fn finish(st: &AppState, s: &mut Session, error: Option<String>) -> Value {
    let elapsed = match (s.first_t, s.last_t) {
        (Some(a), Some(b)) if b > a && s.frames > 1 => Some((s.frames - 1) as f64 / (b - a)),
        _ => None,
    };
    let mut done = json!({
        "type": "done",
        "source": "webcam",
        "exercise": s.plan.exercise,
        "completed": s.done,
        "error": error,
        "accounting": {"received": s.frames + s.invalid, "frames": s.frames, "faces": s.faces, "invalid": s.invalid},
        "frames_per_s": elapsed,
        "latency": {"messages": s.latency_ms.count(), "p50_ms": s.latency_ms.quantile(0.5), "p99_ms": s.latency_ms.quantile(0.99)},
        "notice": collis_core::results::NOTICE,
    });
    let Some(w) = s.writer.take() else {
        return done;
    };
    // The video's frame k is at k / rate: at the measured rate its duration is the session's.
    let rate = elapsed.unwrap_or(s.plan.cfg.rate_hz);
    if let Err(e) = w.finish(rate) {
        done["error"] = json!(e.to_string());
        return done;
    }
    done["file"] = json!(s.path.display().to_string());
    let Some(hold) = s.hold_frames.filter(|&h| h > 0 && s.frames > h) else {
        done["warning"] =
            json!("the session ended while settling in front of the camera: nothing measured");
        return done;
    };
    // The settling time is the stored video's first `hold` frames: analysed from its end,
    // against the camera as the live angles were.
    let hold_end_s = (hold as f64 - 0.5) / rate;
    let opts = UploadOptions {
        task: s.plan.cfg.task,
        neutral_s: None,
        start_s: Some(hold_end_s),
        mounting: None,
        no_mag: false,
        trick_s: s.plan.trick_s(hold_end_s),
        emg_rest_s: None,
    };
    let exercise = s.plan.exercise;
    let subject = s.plan.subject.clone();
    score_and_store(
        st,
        s.path.clone(),
        opts,
        subject,
        move |r| head_score(exercise, r),
        &mut done,
    )
    .await;
    done
}
