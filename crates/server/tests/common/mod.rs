//! A Collis server inside the test process (on a free loopback port, a fresh record, no face
//! models, uploads not analysed), and requests to it written byte by byte as an attacker
//! would write them.

use collis_server::{
    ServerConfig, DEFAULT_HEADER_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_UPLOADS,
    DEFAULT_MAX_UPLOAD_BYTES,
};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

/// A running server, stopped when dropped (waiting a moment at most for its tasks).
pub struct Server {
    pub addr: SocketAddr,
    /// Where its live sessions are saved.
    pub recordings: std::path::PathBuf,
    rt: Option<tokio::runtime::Runtime>,
    /// Holds the record, so that it is closed here after the runtime, not inside it.
    _app: axum::Router,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(rt) = self.rt.take() {
            rt.shutdown_timeout(Duration::from_secs(1));
        }
    }
}

/// Start a server on `127.0.0.1:0`; `tweak` changes its configuration first.
pub fn start(tweak: impl FnOnce(&mut ServerConfig)) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = ServerConfig {
        addr: "127.0.0.1:0".parse().unwrap(),
        token: None,
        db: Some(dir.path().join("record.db").display().to_string()),
        recordings_dir: dir.path().join("live"),
        max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
        max_live_streams: 4,
        idle_timeout: DEFAULT_IDLE_TIMEOUT,
        header_timeout: DEFAULT_HEADER_TIMEOUT,
        max_uploads: DEFAULT_MAX_UPLOADS,
        keep_anonymous: None,
        models_dir: Some(dir.path().join("no-models")),
        udp: None,
        tls_dir: None,
        analyze: Arc::new(|_, _| Err("uploads are not analysed in these tests".into())),
    };
    tweak(&mut cfg);
    let (recordings, header_timeout) = (cfg.recordings_dir.clone(), cfg.header_timeout);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (listener, router) = rt.block_on(collis_server::bind(cfg)).unwrap();
    let addr = listener.local_addr().unwrap();
    let app = router.clone();
    rt.spawn(collis_server::serve(
        listener,
        router,
        header_timeout,
        std::future::pending(),
    ));
    Server {
        addr,
        recordings,
        rt: Some(rt),
        _app: app,
        _dir: dir,
    }
}

/// One HTTP/1.1 request with exactly these header lines (a `Host` line is added only when
/// `headers` has none, and `Content-Length` unless the body is chunked); the status and the
/// body. The server may answer (and close) before the whole body is sent.
pub fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String) {
    let (status, _, body) = http_head(addr, method, path, headers, body);
    (status, body)
}

/// [`http`], with the response's header lines (lower-case names, `name: value` each).
pub fn http_head(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, Vec<String>, String) {
    let has = |name: &str| headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name));
    let mut req = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    if !has("host") {
        req.push_str(&format!("Host: {addr}\r\n"));
    }
    if !has("transfer-encoding") {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(req.as_bytes()).unwrap();
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no response to {method} {path}: {text:?}"));
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let lines = head
        .lines()
        .skip(1)
        .map(|l| match l.split_once(':') {
            Some((k, v)) => format!("{}: {}", k.to_ascii_lowercase(), v.trim()),
            None => l.to_string(),
        })
        .collect();
    (status, lines, body.to_string())
}

/// The value of header `name` (lower case) among `head`'s lines.
pub fn header<'a>(head: &'a [String], name: &str) -> Option<&'a str> {
    head.iter()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(": "))
}

pub type Ws = tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>;

/// A WebSocket to `path` (with `origin` as its `Origin`, if any), reads timing out after
/// `timeout`; the connection or the HTTP status it was refused with.
pub fn websocket(
    addr: SocketAddr,
    path: &str,
    origin: Option<&str>,
    timeout: Duration,
) -> Result<Ws, u16> {
    use tungstenite::client::IntoClientRequest;
    let mut req = format!("ws://{addr}{path}").into_client_request().unwrap();
    if let Some(o) = origin {
        req.headers_mut().insert("Origin", o.parse().unwrap());
    }
    match tungstenite::connect(req) {
        Ok((ws, _)) => {
            if let tungstenite::stream::MaybeTlsStream::Plain(s) = ws.get_ref() {
                s.set_read_timeout(Some(timeout)).unwrap();
            }
            Ok(ws)
        }
        Err(tungstenite::Error::Http(r)) => Err(r.status().as_u16()),
        Err(e) => panic!("WebSocket to {path}: {e}"),
    }
}

/// The next JSON message of a WebSocket (panics on a timeout or a closed connection).
pub fn next_json(ws: &mut Ws) -> serde_json::Value {
    loop {
        match ws.read() {
            Ok(tungstenite::Message::Text(t)) => return serde_json::from_str(&t).unwrap(),
            Ok(_) => continue,
            Err(e) => panic!("no message: {e}"),
        }
    }
}
