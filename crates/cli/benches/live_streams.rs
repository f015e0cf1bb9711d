//! Live-stream load and latency: `cargo bench -p collis --bench live_streams` starts
//! `collis serve` (release build) on loopback and runs 50 concurrent head-sensor streams at
//! 100 Hz for 60 s, one sample per WebSocket message, as issue 5 asks. It reports every
//! sample's fate (the server's accounting) and the latency from a sample's arrival at the
//! server to its cue being sent (the server's own figures, p50/p99 per stream), plus the
//! client-measured round trip. With `COLLIS_README=path` the table replaces the
//! `live-speed` block of that README. Options (environment): `COLLIS_STREAMS` (50),
//! `COLLIS_STREAM_SECONDS` (60).
//!
//! Not a criterion bench: what is measured is a distribution under a sustained real-time
//! load, not the time of a repeatable routine (criterion's model); the figures come from the
//! server's own histograms.

#[path = "../tests/live_client/mod.rs"]
mod live_client;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn env_or(name: &str, default: f64) -> f64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    // `cargo bench` passes --bench; nothing else is taken from the command line.
    let streams = env_or("COLLIS_STREAMS", 50.0) as usize;
    let seconds = env_or("COLLIS_STREAM_SECONDS", 60.0);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_collis"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--max-live-streams",
            "200",
            "--db",
        ])
        .arg(dir.path().join("record.db"))
        .arg("--recordings")
        .arg(dir.path().join("live"))
        .stdout(Stdio::piped())
        .spawn()
        .expect("collis serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("address line");
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .expect("address")
        .to_string();
    eprintln!("{streams} streams × 100 Hz × {seconds} s against {addr} …");
    let reports = live_client::run_streams(&addr, streams, 100.0, seconds);
    let _ = child.kill();
    let _ = child.wait();
    let field =
        |r: &live_client::StreamReport, k: &str| r.done["accounting"][k].as_u64().unwrap_or(0);
    let sum = |k: &str| reports.iter().map(|r| field(r, k)).sum::<u64>();
    let sent: u64 = reports.iter().map(|r| r.sent).sum();
    let mut p50: Vec<f64> = reports
        .iter()
        .filter_map(|r| r.done["latency"]["p50_ms"].as_f64())
        .collect();
    let mut p99: Vec<f64> = reports
        .iter()
        .filter_map(|r| r.done["latency"]["p99_ms"].as_f64())
        .collect();
    let mut rtt: Vec<f64> = reports
        .iter()
        .flat_map(|r| r.rtt_ms.iter().copied())
        .collect();
    let (p50_med, p99_med, p99_max) = (
        live_client::quantile(&mut p50, 0.5),
        live_client::quantile(&mut p99, 0.5),
        live_client::quantile(&mut p99, 1.0),
    );
    let (rtt50, rtt99) = (
        live_client::quantile(&mut rtt, 0.5),
        live_client::quantile(&mut rtt, 0.99),
    );
    let accounted =
        sum("delivered") + sum("late") + sum("duplicate") + sum("invalid") == sum("received");
    let table = format!(
        "{streams} concurrent head-sensor streams × 100 Hz × {seconds:.0} s over loopback WebSocket (`cargo bench -p collis --bench live_streams`), one sample per message.\n\n\
| samples sent | received | delivered | lost / late / duplicate / invalid | server: message read → cue sent, p50 (median of streams) | p99 (median / worst stream) | client round trip p50 / p99 | p99 < 5 ms |\n\
|---|---|---|---|---|---|---|---|\n\
| {sent} | {} | {} | {} / {} / {} / {} | {p50_med:.3} ms | {p99_med:.3} / {p99_max:.3} ms | {rtt50:.2} / {rtt99:.2} ms | {} |\n",
        sum("received"),
        sum("delivered"),
        sum("lost"),
        sum("late"),
        sum("duplicate"),
        sum("invalid"),
        if p99_max < 5.0 { "✓" } else { "✗" },
    );
    println!("{table}");
    assert!(
        accounted && sum("received") == sent,
        "samples unaccounted for"
    );
    if let Ok(readme) = std::env::var("COLLIS_README") {
        let text = std::fs::read_to_string(&readme).expect("README");
        let (a, b) = ("<!-- live-speed:start -->\n", "<!-- live-speed:end -->");
        let (Some(i), Some(j)) = (text.find(a), text.find(b)) else {
            panic!("{readme} has no live-speed block");
        };
        let new = format!("{}{a}{table}{}", &text[..i], &text[j..]);
        std::fs::write(&readme, new).expect("writing README");
        eprintln!("updated {readme}");
    }
}
