//! The web app under attack and misuse (issue 19), over loopback as a hostile page, a faulty
//! sensor app or a careless client would talk to it: each test fails without its fix.

mod common;

use common::{http, next_json, start, websocket, Ws};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tungstenite::Message;

fn sample(seq: u64, t: f64) -> String {
    json!({"seq": seq, "t": t, "gyr": [0, 0, 0], "acc": [0, 0, 9.81]}).to_string()
}

/// Messages until one of `kind` (panics when none comes within the socket's timeout).
fn until(ws: &mut Ws, kind: &str) -> Value {
    loop {
        let m = next_json(ws);
        if m["type"] == kind {
            return m;
        }
    }
}

#[test]
fn a_sample_far_ahead_is_refused_and_the_server_keeps_answering() {
    let srv = start(|_| {});
    let mut ws = websocket(
        srv.addr,
        "/api/live/imu?rate=100",
        None,
        Duration::from_secs(10),
    )
    .unwrap();
    until(&mut ws, "ready");
    ws.send(Message::text(sample(0, 0.0))).unwrap();
    ws.send(Message::text(sample(1_000_000_000_000_000_000, 0.01)))
        .unwrap();
    let w = until(&mut ws, "warning");
    let text = w["message"].as_str().unwrap();
    assert!(text.contains("ahead"), "{w}");
    let t = Instant::now();
    let (status, _) = http(srv.addr, "GET", "/api/health", &[], b"");
    assert_eq!(status, 200);
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    ws.send(Message::text(r#"{"type":"stop"}"#)).unwrap();
    let done = until(&mut ws, "done");
    let a = &done["accounting"];
    assert_eq!(
        (a["received"].as_u64(), a["invalid"].as_u64()),
        (Some(2), Some(1)),
        "{done}"
    );
    assert_eq!(a["lost"], 0, "{done}");
    let (status, _) = http(srv.addr, "GET", "/api/health", &[], b"");
    assert_eq!(status, 200);
}

#[test]
fn a_udp_sample_far_ahead_is_refused_and_the_server_keeps_answering() {
    let port = std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let plan = collis_server::live::LivePlan::from_query(
        &serde_json::from_value(json!({"rate": 100})).unwrap(),
    )
    .unwrap();
    let srv = start(|c| c.udp = Some((port, plan)));
    let sender = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let name = format!("udp:{}", sender.local_addr().unwrap());
    sender.send_to(b"0,0.00,0,0,0,0,0,9.81", port).unwrap();
    let t = Instant::now();
    while !http(srv.addr, "GET", "/api/live/streams", &[], b"")
        .1
        .contains(&name)
    {
        assert!(t.elapsed() < Duration::from_secs(5), "no stream {name}");
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut watch = websocket(
        srv.addr,
        &format!("/api/live/watch?stream={name}"),
        None,
        Duration::from_secs(10),
    )
    .unwrap();
    sender
        .send_to(b"1000000000000000000,0.01,0,0,0,0,0,9.81", port)
        .unwrap();
    let w = until(&mut watch, "warning");
    assert!(w["message"].as_str().unwrap().contains("ahead"), "{w}");
    let t = Instant::now();
    let (status, _) = http(srv.addr, "GET", "/api/health", &[], b"");
    assert_eq!(status, 200);
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    // The stream ends once the sender is quiet; its end accounts for the refusal.
    let done = until(&mut watch, "done");
    assert_eq!(done["accounting"]["invalid"], 1, "{done}");
}

#[test]
fn without_a_token_only_loopback_host_names_are_answered() {
    let srv = start(|_| {});
    let port = srv.addr.port();
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
    ] {
        let (status, body) = http(srv.addr, "GET", "/api/subjects", &[("Host", &host)], b"");
        assert_eq!(status, 200, "{host}: {body}");
    }
    for host in [
        format!("rebind.example:{port}"),
        format!("localhost:{}", port.wrapping_add(1)),
        "localhost".to_string(),
    ] {
        let (status, body) = http(srv.addr, "GET", "/api/subjects", &[("Host", &host)], b"");
        assert_eq!(status, 403, "{host}: {body}");
        assert!(body.contains("localhost"), "{body}");
    }
}

#[test]
fn without_a_token_other_sites_cannot_change_the_record() {
    let srv = start(|_| {});
    let foreign = [("Origin", "http://evil.example")];
    // A cross-site "simple" request: text/plain needs no preflight, the browser sends it.
    let (status, body) = http(
        srv.addr,
        "POST",
        "/api/analyze?name=x.csv&subject=P9",
        &[foreign[0], ("Content-Type", "text/plain")],
        b"time_s,gyr_x\n0,0\n",
    );
    assert_eq!(status, 403, "{body}");
    let subject = br#"{"code": "P9"}"#;
    let json_type = ("Content-Type", "application/json");
    for origin in ["http://evil.example", "null", "https://localhost"] {
        let (status, body) = http(
            srv.addr,
            "POST",
            "/api/subjects",
            &[("Origin", origin), json_type],
            subject,
        );
        assert_eq!(status, 403, "{origin}: {body}");
    }
    let (status, body) = http(
        srv.addr,
        "PUT",
        "/api/subjects/P9/feedback",
        &[foreign[0], json_type],
        br#"{"zone_deg": 5}"#,
    );
    assert_eq!(status, 403, "{body}");
    let (_, body) = http(srv.addr, "GET", "/api/subjects", &[], b"");
    assert_eq!(body, "[]", "nothing was stored");
    // The app's own pages and tools without a browser still may.
    let own = format!("http://localhost:{}", srv.addr.port());
    let (status, body) = http(
        srv.addr,
        "POST",
        "/api/subjects",
        &[("Origin", &own), json_type],
        subject,
    );
    assert!(status < 300, "{status}: {body}");
    let (status, body) = http(
        srv.addr,
        "POST",
        "/api/subjects",
        &[json_type],
        br#"{"code": "P10"}"#,
    );
    assert!(status < 300, "{status}: {body}");
}

#[test]
fn without_a_token_websockets_from_other_sites_are_refused() {
    let srv = start(|_| {});
    let t = Duration::from_secs(10);
    let path = "/api/live/imu?rate=100";
    let refused = websocket(srv.addr, path, Some("http://evil.example"), t);
    assert_eq!(refused.err(), Some(403));
    let own = format!("http://127.0.0.1:{}", srv.addr.port());
    let mut ws = websocket(srv.addr, path, Some(&own), t).expect("the app's own page");
    until(&mut ws, "ready");
}

#[test]
fn json_bodies_are_limited_uploads_are_not() {
    let srv = start(|_| {});
    let big = vec![b' '; collis_server::MAX_JSON_BYTES + 1024];
    let (status, body) = http(
        srv.addr,
        "POST",
        "/api/subjects",
        &[("Content-Type", "application/json")],
        &big,
    );
    assert_eq!(status, 413, "{body}");
    // The same, chunked (no length announced).
    let mut chunked = Vec::new();
    for c in big.chunks(64 * 1024) {
        chunked.extend_from_slice(format!("{:x}\r\n", c.len()).as_bytes());
        chunked.extend_from_slice(c);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let (status, body) = http(
        srv.addr,
        "POST",
        "/api/subjects",
        &[
            ("Content-Type", "application/json"),
            ("Transfer-Encoding", "chunked"),
        ],
        &chunked,
    );
    assert_eq!(status, 413, "{body}");
    // An upload of that size goes through to the analysis (which these tests leave out).
    let (status, body) = http(srv.addr, "POST", "/api/analyze?name=x.csv", &[], &big);
    assert_ne!(status, 413, "{body}");
    assert!(body.contains("not analysed"), "{body}");
}

#[test]
fn idle_live_streams_are_closed_and_give_their_place_back() {
    let srv = start(|c| {
        c.max_live_streams = 1;
        c.idle_timeout = Duration::from_millis(300);
    });
    let t = Duration::from_secs(5);
    let path = "/api/live/imu?rate=100";
    let mut ws = websocket(srv.addr, path, None, t).unwrap();
    until(&mut ws, "ready");
    let started = Instant::now();
    let done = until(&mut ws, "done");
    assert!(done["error"].as_str().unwrap().contains("idle"), "{done}");
    assert!(started.elapsed() < Duration::from_secs(3));
    drop(ws);
    // Its place is given back (once the server has seen the connection go).
    let path = "/api/live/emg?rate=1000&channels=SCM-L";
    let freed = Instant::now();
    let mut ws = loop {
        match websocket(srv.addr, path, None, t) {
            Ok(ws) => break ws,
            Err(503) if freed.elapsed() < Duration::from_secs(3) => {
                std::thread::sleep(Duration::from_millis(50))
            }
            Err(status) => panic!("the place is not free again: {status}"),
        }
    };
    until(&mut ws, "ready");
    let done = until(&mut ws, "done");
    assert!(done["error"].as_str().unwrap().contains("idle"), "{done}");
}
