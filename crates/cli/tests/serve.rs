//! End-to-end tests of `collis serve`: the real binary on a loopback port, spoken to over
//! plain HTTP/1.1 and WebSocket (tungstenite) as a browser or a sensor app would.

mod common;

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
    loop {
        let Some(eol) = b.windows(2).position(|w| w == b"\r\n") else {
            break;
        };
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
    assert_eq!(up["results"]["measurements"], cli["measurements"]);
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
    assert_eq!(json_of(&body)["measurements"], cli["measurements"]);
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
