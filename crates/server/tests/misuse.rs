//! The web app under attack and misuse (issue 19), over loopback as a hostile page, a faulty
//! sensor app or a careless client would talk to it: each test fails without its fix.

mod common;

use common::{header, http, http_head, next_json, start, websocket, Ws};
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
    // A time that is no time in seconds is refused too.
    sender.send_to(b"1,1e300,0,0,0,0,0,9.81", port).unwrap();
    let w = until(&mut watch, "warning");
    assert!(w["message"].as_str().unwrap().contains("not a time"), "{w}");
    // The stream ends once the sender is quiet; its end accounts for the refusals.
    let done = until(&mut watch, "done");
    assert_eq!(done["accounting"]["invalid"], 2, "{done}");
    assert!(!done["file"].as_str().unwrap().starts_with('/'), "{done}");
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

/// A webcam frame as the live page sends it: its capture time (f64, little-endian), then the
/// image.
fn frame(t: f64, image: &[u8]) -> Message {
    let mut b = t.to_le_bytes().to_vec();
    b.extend_from_slice(image);
    Message::binary(b)
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    image::GrayImage::new(w, h)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

#[test]
fn an_image_bomb_on_the_webcam_stream_is_refused_and_the_stream_goes_on() {
    // The face models where the other vision tests find them (`collis models fetch`).
    let srv = start(|c| c.models_dir = None);
    let bomb = png(8000, 8000);
    assert!(bomb.len() < 1 << 20, "a small file: {} bytes", bomb.len());
    let mut ws = websocket(
        srv.addr,
        "/api/live/video?rate=30",
        None,
        Duration::from_secs(20),
    )
    .expect("the webcam stream (needs the face models: `collis models fetch`)");
    until(&mut ws, "ready");
    let t = Instant::now();
    ws.send(frame(0.0, &bomb)).unwrap();
    let w = until(&mut ws, "warning");
    let text = w["message"].as_str().unwrap();
    assert!(
        text.contains("8000×8000") && text.contains("4096×4096"),
        "{w}"
    );
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    // The stream goes on with the next, ordinary frame.
    ws.send(frame(0.1, &png(64, 48))).unwrap();
    let a = until(&mut ws, "angles");
    assert_eq!(a["frames"][0]["t"], 0.1, "{a}");
    ws.send(Message::text(r#"{"type":"stop"}"#)).unwrap();
    let done = until(&mut ws, "done");
    let acct = &done["accounting"];
    assert_eq!(
        (acct["frames"].as_u64(), acct["invalid"].as_u64()),
        (Some(1), Some(1)),
        "{done}"
    );
}

#[test]
fn a_client_sending_its_headers_slowly_is_cut() {
    let srv = start(|c| c.header_timeout = Duration::from_millis(500));
    let mut s = std::net::TcpStream::connect(srv.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_millis(20))).unwrap();
    let request = format!("GET /api/health HTTP/1.1\r\nHost: {}\r\nX-Slow: ", srv.addr);
    let mut trickle = request.bytes().chain(std::iter::repeat(b'a'));
    let started = Instant::now();
    let cut = loop {
        if started.elapsed() > Duration::from_secs(5) {
            break None;
        }
        // A byte every 100 ms: the headers never end.
        if std::io::Write::write_all(&mut s, &[trickle.next().unwrap()]).is_err() {
            break Some(started.elapsed());
        }
        let mut buf = [0u8; 256];
        match std::io::Read::read(&mut s, &mut buf) {
            Ok(_) => break Some(started.elapsed()),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => break Some(started.elapsed()),
        }
        std::thread::sleep(Duration::from_millis(80));
    };
    let cut = cut.expect("the connection trickling its headers is still open after 5 s");
    assert!(cut < Duration::from_secs(2), "cut after {cut:?}");
    // Everyone else is answered, within the same limit.
    let (status, _) = http(srv.addr, "GET", "/api/health", &[], b"");
    assert_eq!(status, 200);
}

#[test]
fn uploads_beyond_the_limit_are_told_to_come_back() {
    let srv = start(|c| c.max_uploads = 1);
    // An upload under way: its body comes slowly (here: not at all until it is dropped).
    let begin = || {
        let mut s = std::net::TcpStream::connect(srv.addr).unwrap();
        let head = format!(
            "POST /api/analyze?name=a.csv HTTP/1.1\r\nHost: {}\r\nContent-Length: 100000\r\n\r\ntime_s,",
            srv.addr
        );
        std::io::Write::write_all(&mut s, head.as_bytes()).unwrap();
        s.set_read_timeout(Some(Duration::from_millis(10))).unwrap();
        s
    };
    let mut first = begin();
    let t = Instant::now();
    let (head, body) = loop {
        let (status, head, body) = http_head(
            srv.addr,
            "POST",
            "/api/analyze?name=b.csv",
            &[],
            b"time_s\n0\n",
        );
        if status == 503 {
            break (head, body);
        }
        assert!(t.elapsed() < Duration::from_secs(5), "{status}: {body}");
        // This one came first and the slow one was refused: start that one again.
        if std::io::Read::read(&mut first, &mut [0u8; 64]).is_ok() {
            first = begin();
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(body.contains("too many uploads"), "{body}");
    assert_eq!(header(&head, "retry-after"), Some("5"), "{head:?}");
    // The other requests are not limited.
    assert_eq!(http(srv.addr, "GET", "/api/health", &[], b"").0, 200);
    // Once the first is over, the next is taken.
    drop(first);
    let t = Instant::now();
    loop {
        let (status, body) = http(
            srv.addr,
            "POST",
            "/api/analyze?name=c.csv",
            &[],
            b"time_s\n0\n",
        );
        if status != 503 {
            assert!(body.contains("not analysed"), "{status}: {body}");
            break;
        }
        assert!(
            t.elapsed() < Duration::from_secs(5),
            "the place is not given back"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A still head sensor, analysed: results to store (the tests' uploads are otherwise not
/// analysed).
fn still_results() -> collis_core::results::Results {
    let samples: Vec<collis_core::ImuSample> = (0..3000)
        .map(|i| collis_core::ImuSample {
            time_s: i as f64 / 100.0,
            gyr_rad_s: [0.0; 3],
            acc_m_s2: [0.0, 0.0, 9.81],
            mag: None,
        })
        .collect();
    let cfg = collis_analysis::ImuConfig {
        rate_hz: 100.0,
        trunk_rate_hz: 100.0,
        use_mag: false,
        mounting: Default::default(),
        trunk_mounting: Default::default(),
        neutral_s: Some([0.0, 2.0]),
        still_s: None,
    };
    collis_analysis::results::analyze_samples(
        &samples,
        &cfg,
        collis_core::results::Task::Rest,
        "test",
    )
    .unwrap()
}

#[test]
fn every_response_carries_the_security_headers() {
    let srv = start(|c| c.analyze = std::sync::Arc::new(|_, _| Ok(still_results())));
    let port = srv.addr.port();
    let foreign = format!("rebind.example:{port}");
    for (path, host, want) in [
        ("/", None, 200),
        ("/live", None, 200),
        ("/static/live.js", None, 200),
        ("/static/style.css", None, 200),
        ("/api/health", None, 200),
        ("/api/no-such-thing", None, 404),
        ("/api/subjects", Some(foreign.as_str()), 403),
    ] {
        let headers: Vec<(&str, &str)> = host.map(|h| ("Host", h)).into_iter().collect();
        let (status, head, _) = http_head(srv.addr, "GET", path, &headers, b"");
        assert_eq!(status, want, "{path}");
        let csp =
            header(&head, "content-security-policy").unwrap_or_else(|| panic!("{path}: {head:?}"));
        for directive in [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "connect-src 'self'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(directive), "{path}: {csp}");
        }
        assert!(!csp.contains("unsafe"), "{path}: {csp}");
        assert_eq!(header(&head, "x-frame-options"), Some("DENY"), "{path}");
        assert_eq!(
            header(&head, "x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(
            header(&head, "referrer-policy"),
            Some("no-referrer"),
            "{path}"
        );
    }
    // The pages have no inline script or style for the policy to block.
    for path in ["/", "/live"] {
        let (_, page) = http(srv.addr, "GET", path, &[], b"");
        assert!(
            !page.contains("<style") && !page.contains(" style="),
            "{path}"
        );
        assert!(
            page.matches("<script").count() == page.matches("<script src=").count(),
            "{path}"
        );
    }
    // The report's one inline style is allowed by its hash, and nothing else.
    let (status, body) = http(
        srv.addr,
        "POST",
        "/api/analyze?name=x.csv&subject=P1",
        &[],
        b"time_s\n0\n",
    );
    assert_eq!(status, 200, "{body}");
    let id = serde_json::from_str::<Value>(&body).unwrap()["session_id"]
        .as_i64()
        .unwrap();
    let (status, head, page) = http_head(
        srv.addr,
        "GET",
        &format!("/api/sessions/{id}/report"),
        &[],
        b"",
    );
    assert_eq!(status, 200, "{page}");
    let csp = header(&head, "content-security-policy").unwrap();
    let style = page
        .split("<style>")
        .nth(1)
        .and_then(|s| s.split("</style>").next())
        .unwrap();
    use base64::Engine;
    use sha2::Digest;
    let hash =
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(style.as_bytes()));
    assert!(csp.contains(&format!("style-src 'sha256-{hash}'")), "{csp}");
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script-src"),
        "{csp}"
    );
    assert_eq!(page.matches("<style").count(), 1);
    assert!(!page.contains("<script"));
    assert_eq!(header(&head, "x-frame-options"), Some("DENY"));
}

#[test]
fn a_weak_token_is_refused_off_loopback() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cfg = |token: &str| collis_server::ServerConfig {
        addr: "0.0.0.0:0".parse().unwrap(),
        token: Some(token.to_string()),
        db: Some(dir.path().join("record.db").display().to_string()),
        recordings_dir: dir.path().join("live"),
        max_upload_bytes: collis_server::DEFAULT_MAX_UPLOAD_BYTES,
        max_live_streams: 4,
        idle_timeout: collis_server::DEFAULT_IDLE_TIMEOUT,
        header_timeout: collis_server::DEFAULT_HEADER_TIMEOUT,
        max_uploads: collis_server::DEFAULT_MAX_UPLOADS,
        keep_anonymous: None,
        models_dir: Some(dir.path().join("no-models")),
        udp: None,
        tls_dir: None,
        analyze: std::sync::Arc::new(|_, _| Err("not analysed".into())),
    };
    for weak in [
        "s3cret-t0ken",
        "correct-horse-battery-staple",
        &"ab".repeat(20),
    ] {
        let e = match rt.block_on(collis_server::bind(cfg(weak))) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("{weak}: accepted"),
        };
        assert!(e.contains("weak token") && e.contains("at least 32"), "{e}");
        // A strong one is offered.
        let offered = e
            .split("--token ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap();
        assert!(
            collis_server::auth::token_weakness(offered).is_none(),
            "{offered}"
        );
    }
}

#[test]
fn live_feedback_is_checked_and_unusable_messages_count_toward_the_flood_limit() {
    let srv = start(|_| {});
    let t = Duration::from_secs(10);
    let mut ws = websocket(srv.addr, "/api/live/imu?rate=100", None, t).unwrap();
    until(&mut ws, "ready");
    for bad in [
        r#"{"type": "feedback", "zone_deg": 1000}"#,
        r#"{"type": "feedback", "target_deg": [500, 0, 0]}"#,
        r#"{"type": "feedback", "zone_deg": -1}"#,
    ] {
        ws.send(Message::text(bad)).unwrap();
        let w = until(&mut ws, "warning");
        assert!(
            w["message"].as_str().unwrap().contains("feedback settings"),
            "{bad}: {w}"
        );
    }
    // Accepted settings say nothing.
    ws.send(Message::text(r#"{"type": "feedback", "zone_deg": 5}"#))
        .unwrap();
    // Unusable messages, faster than any stream may send samples: a flood.
    for _ in 0..2100 {
        ws.send(Message::text("not JSON")).unwrap();
    }
    let done = until(&mut ws, "done");
    assert!(done["error"].as_str().unwrap().contains("flood"), "{done}");
    assert!(
        done["accounting"]["invalid"].as_u64().unwrap() >= 3,
        "{done}"
    );
    // The same on a live EMG stream (an unusable message weighs a block).
    let mut ws = websocket(srv.addr, "/api/live/emg?rate=1000&channels=SCM-L", None, t).unwrap();
    until(&mut ws, "ready");
    for _ in 0..300 {
        ws.send(Message::text("not JSON")).unwrap();
    }
    let done = until(&mut ws, "done");
    assert!(done["error"].as_str().unwrap().contains("flood"), "{done}");
    // The same on the webcam stream (refused before any frame needs the face models).
    let srv = start(|c| c.models_dir = None);
    let mut ws = websocket(srv.addr, "/api/live/video?rate=30", None, t)
        .expect("the webcam stream (needs the face models: `collis models fetch`)");
    until(&mut ws, "ready");
    ws.send(Message::text(r#"{"type": "feedback", "zone_deg": 1000}"#))
        .unwrap();
    let w = until(&mut ws, "warning");
    assert!(
        w["message"].as_str().unwrap().contains("feedback settings"),
        "{w}"
    );
    for _ in 0..300 {
        ws.send(Message::text("{}")).unwrap();
    }
    let done = until(&mut ws, "done");
    assert!(done["error"].as_str().unwrap().contains("flood"), "{done}");
}

/// A WebSocket upgrade request written by hand, so that a refusal's message can be read.
fn upgrade(srv: &common::Server, path: &str) -> (u16, String) {
    let mut s = std::net::TcpStream::connect(srv.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: Upgrade, close\r\nUpgrade: websocket\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
        srv.addr
    );
    std::io::Write::write_all(&mut s, req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    let _ = std::io::Read::read_to_end(&mut s, &mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    (
        head.split(' ').nth(1).unwrap().parse().unwrap(),
        body.to_string(),
    )
}

#[test]
fn live_rates_files_cannot_keep_and_absurd_times_are_refused() {
    let srv = start(|_| {});
    // The saved file would not read back below 5 Hz: refused before the stream starts.
    for rate in ["1", "4.9", "0.001"] {
        let (status, body) = upgrade(&srv, &format!("/api/live/imu?rate={rate}"));
        assert_eq!(status, 400, "{rate}: {body}");
        assert!(body.contains("at least 5 Hz"), "{body}");
    }
    let slowest = websocket(
        srv.addr,
        "/api/live/imu?rate=5",
        None,
        Duration::from_secs(10),
    );
    assert!(slowest.is_ok(), "5 Hz is read back");
    let mut ws = websocket(
        srv.addr,
        "/api/live/imu?rate=100",
        None,
        Duration::from_secs(10),
    )
    .unwrap();
    until(&mut ws, "ready");
    ws.send(Message::text(sample(0, 0.0))).unwrap();
    ws.send(Message::text(sample(1, 0.01))).unwrap();
    for (seq, t, why) in [
        (2, 1e300, "not a time in seconds"),
        (2, -1e300, "not a time in seconds"),
        (2, 1.7e12, "not a time in seconds"),
        (2, 100.0, "ahead"),
    ] {
        ws.send(Message::text(sample(seq, t))).unwrap();
        let w = until(&mut ws, "warning");
        assert!(w["message"].as_str().unwrap().contains(why), "{t}: {w}");
    }
    ws.send(Message::text(sample(2, 0.02))).unwrap();
    ws.send(Message::text(r#"{"type":"stop"}"#)).unwrap();
    let done = until(&mut ws, "done");
    let a = &done["accounting"];
    assert_eq!(
        (a["delivered"].as_u64(), a["invalid"].as_u64()),
        (Some(3), Some(4)),
        "{done}"
    );
    let file = srv.recordings.join(done["file"].as_str().unwrap());
    let saved = std::fs::read_to_string(&file).unwrap();
    assert_eq!(saved.lines().count(), 4, "header and 3 samples: {saved}");
    assert!(
        !saved.contains("e300") && !saved.contains("00000000000"),
        "{saved}"
    );
}

#[test]
fn live_sessions_and_health_show_no_server_paths() {
    let srv = start(|c| {
        // As `collis analyze` does: the file's path in the results and in a warning.
        c.analyze = std::sync::Arc::new(|path, _| {
            let mut r = still_results();
            r.recording.file = Some(path.display().to_string());
            r.warnings
                .push(format!("{}: line 3: a warning", path.display()));
            Ok(r)
        })
    });
    let dir = srv.recordings.parent().unwrap().display().to_string();
    let (status, health) = http(srv.addr, "GET", "/api/health", &[], b"");
    assert_eq!(status, 200);
    assert!(!health.contains(&dir), "{health}");
    let h: Value = serde_json::from_str(&health).unwrap();
    assert_eq!(h["database"], "sqlite:record.db", "{health}");
    let t = Duration::from_secs(20);
    for (query, stored) in [("", false), ("&subject=P1", true)] {
        let path = format!("/api/live/imu?rate=100&calibration=1{query}");
        let mut ws = websocket(srv.addr, &path, None, t).unwrap();
        until(&mut ws, "ready");
        for batch in 0..4 {
            let samples: Vec<Value> = (0..50)
                .map(|i| {
                    let k = batch * 50 + i;
                    serde_json::from_str(&sample(k, k as f64 / 100.0)).unwrap()
                })
                .collect();
            ws.send(Message::text(Value::Array(samples).to_string()))
                .unwrap();
        }
        ws.send(Message::text(r#"{"type":"stop"}"#)).unwrap();
        let done = until(&mut ws, "done");
        let text = done.to_string();
        assert!(!text.contains(&dir), "{text}");
        let file = done["file"].as_str().unwrap();
        assert!(srv.recordings.join(file).is_file(), "{file}");
        assert_eq!(file.starts_with("anonymous/"), !stored, "{file}");
        if stored {
            let id = done["session_id"].as_i64().expect("stored");
            let (_, results) = http(srv.addr, "GET", &format!("/api/sessions/{id}"), &[], b"");
            assert!(!results.contains(&dir), "{results}");
            let r: Value = serde_json::from_str(&results).unwrap();
            assert_eq!(r["recording"]["file"], file, "{results}");
            assert!(
                r["warnings"]
                    .to_string()
                    .contains(&format!("{file}: line 3")),
                "{results}"
            );
        }
    }
}

#[test]
fn anonymous_live_recordings_are_deleted_after_the_set_time() {
    let old = std::time::SystemTime::now() - Duration::from_secs(2 * 86400);
    let age = |p: &std::path::Path| {
        std::fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(old)
            .unwrap()
    };
    let srv = start(|c| {
        let anonymous = c.recordings_dir.join("anonymous");
        std::fs::create_dir_all(&anonymous).unwrap();
        for p in [
            anonymous.join("old.csv"),
            c.recordings_dir.join("P1-old.csv"),
        ] {
            std::fs::write(&p, "time_s\n").unwrap();
            age(&p);
        }
        c.keep_anonymous = Some(Duration::from_secs(2));
    });
    // Deleted when the server starts; a subject's recording is kept.
    assert!(!srv.recordings.join("anonymous/old.csv").exists());
    assert!(srv.recordings.join("P1-old.csv").exists());
    // And while it runs.
    let mut ws = websocket(
        srv.addr,
        "/api/live/imu?rate=100",
        None,
        Duration::from_secs(10),
    )
    .unwrap();
    until(&mut ws, "ready");
    ws.send(Message::text(sample(0, 0.0))).unwrap();
    ws.send(Message::text(r#"{"type":"stop"}"#)).unwrap();
    let done = until(&mut ws, "done");
    let file = srv.recordings.join(done["file"].as_str().unwrap());
    assert!(file.is_file(), "{done}");
    let t = Instant::now();
    while file.exists() {
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "{} is kept",
            file.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        t.elapsed() > Duration::from_secs(1),
        "deleted before its time"
    );
    assert!(srv.recordings.join("P1-old.csv").exists());
}

/// Issue 20: an unknown address had an empty 404. A page gets a page with the way back to the
/// record and the live page, under the security headers like every response; the API its
/// JSON error.
#[test]
fn an_unknown_address_gets_a_page_with_the_way_back() {
    let srv = start(|_| {});
    let (status, head, body) = http_head(srv.addr, "GET", "/session/12/report", &[], b"");
    assert_eq!(status, 404);
    assert!(
        header(&head, "content-type").is_some_and(|t| t.starts_with("text/html")),
        "{head:?}"
    );
    assert!(
        header(&head, "content-security-policy").is_some(),
        "{head:?}"
    );
    assert!(
        body.contains("Page not found")
            && body.contains("href=\"/\"")
            && body.contains("href=\"/live\""),
        "{body}"
    );
    let (status, body) = http(srv.addr, "GET", "/api/nowhere", &[], b"");
    assert_eq!(status, 404);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["error"], "no API route at /api/nowhere");
}
