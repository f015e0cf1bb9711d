//! A live head-sensor client as a sensor app would be: paced samples over a WebSocket to
//! `collis serve`, one message per sample, each cue's round trip timed. Shared by the load
//! test (tests/serve.rs) and the latency bench (benches/live_streams.rs).

use serde_json::Value;
use std::time::{Duration, Instant};
use tungstenite::Message;

/// What one stream saw.
pub struct StreamReport {
    pub sent: u64,
    /// Round trips, sample sent → its cue received, ms.
    pub rtt_ms: Vec<f64>,
    /// The server's `done` message (accounting, latency).
    pub done: Value,
}

/// A still head (gravity only, a small tremor-like wobble in the gyroscope) at `rate_hz`.
fn sample(seq: u64, rate_hz: f64) -> String {
    let t = seq as f64 / rate_hz;
    let w = 0.05 * (2.0 * std::f64::consts::PI * 4.0 * t).sin();
    format!(r#"{{"seq":{seq},"t":{t:.4},"gyr":[{w:.6},0.0,0.0],"acc":[0.0,0.0,9.81]}}"#)
}

/// Streams `seconds` of `rate_hz` samples to `addr` in real time and reads every answer.
pub fn run_stream(addr: &str, rate_hz: f64, seconds: f64) -> StreamReport {
    let url = format!("ws://{addr}/api/live/imu?rate={rate_hz}&calibration=1");
    let (mut ws, _) = tungstenite::connect(url.as_str()).expect("connect");
    let _ready = ws.read().expect("ready");
    let n = (rate_hz * seconds) as u64;
    let start = Instant::now();
    let mut rtt_ms = Vec::with_capacity(n as usize);
    for seq in 0..n {
        let due = start + Duration::from_secs_f64(seq as f64 / rate_hz);
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        let sent = Instant::now();
        ws.send(Message::text(sample(seq, rate_hz))).expect("send");
        // Every sample is answered by one `angles` message; `figures` come in between.
        loop {
            let m: Value =
                serde_json::from_str(&ws.read().expect("read").into_text().expect("text"))
                    .expect("json");
            if m["type"] == "angles" {
                rtt_ms.push(sent.elapsed().as_secs_f64() * 1e3);
                break;
            }
        }
    }
    ws.send(Message::text(r#"{"type":"stop"}"#)).expect("stop");
    let done = loop {
        match ws.read() {
            Ok(Message::Text(t)) => {
                let m: Value = serde_json::from_str(&t).expect("json");
                if m["type"] == "done" {
                    break m;
                }
            }
            Ok(_) => {}
            Err(e) => panic!("no 'done': {e}"),
        }
    };
    StreamReport {
        sent: n,
        rtt_ms,
        done,
    }
}

/// `streams` concurrent streams; their reports.
pub fn run_streams(addr: &str, streams: usize, rate_hz: f64, seconds: f64) -> Vec<StreamReport> {
    let handles: Vec<_> = (0..streams)
        .map(|_| {
            let addr = addr.to_string();
            std::thread::spawn(move || run_stream(&addr, rate_hz, seconds))
        })
        .collect();
    handles
        .into_iter()
        .map(|h| h.join().expect("stream thread"))
        .collect()
}

/// The `q` quantile (0–1) of `v` (sorted in place).
pub fn quantile(v: &mut [f64], q: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * q).round() as usize]
}
