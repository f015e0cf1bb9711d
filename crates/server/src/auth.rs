//! Who may talk to the server. Health data stays local: the server binds to loopback by
//! default, and any other address needs a token, which is then checked on every request and
//! WebSocket upgrade (`Authorization: Bearer T`, a `collis_token` cookie, or `?token=T`, which
//! also sets the cookie so the pages and their WebSockets work in a browser).

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::sync::Arc;

/// The bind policy: loopback needs nothing, anything else a non-empty token.
pub fn check_bind(addr: &SocketAddr, token: Option<&str>) -> Result<(), String> {
    if addr.ip().is_loopback() || token.is_some_and(|t| !t.is_empty()) {
        return Ok(());
    }
    Err(format!(
        "refusing to listen on {addr} without a token: health data stays on this computer unless \
         access is protected; give --token T (or set COLLIS_TOKEN) to serve other machines, or \
         bind to 127.0.0.1"
    ))
}

/// Equal-time comparison, so the token cannot be guessed byte by byte from response times.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

fn presented(req: &Request) -> Vec<String> {
    let h = req.headers();
    let mut found = Vec::new();
    if let Some(v) = h.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        if let Some(t) = v.strip_prefix("Bearer ") {
            found.push(t.trim().to_string());
        }
    }
    for v in h
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
    {
        for c in v.split(';') {
            if let Some(t) = c.trim().strip_prefix("collis_token=") {
                found.push(t.to_string());
            }
        }
    }
    if let Some(t) = query_token(req) {
        found.push(t);
    }
    found
}

fn query_token(req: &Request) -> Option<String> {
    req.uri()
        .query()?
        .split('&')
        .find_map(|kv| kv.strip_prefix("token=").map(percent_decode))
}

/// Minimal `%XX` decoding for a token in a query string.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match (b[i], b.get(i + 1..i + 3)) {
            (b'%', Some(hex)) => match u8::from_str_radix(&String::from_utf8_lossy(hex), 16) {
                Ok(v) => {
                    out.push(v);
                    i += 3;
                    continue;
                }
                Err(_) => out.push(b'%'),
            },
            (b'+', _) => out.push(b' '),
            (c, _) => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Middleware: with a token configured, every request must present it.
pub async fn require_token(
    State(token): State<Arc<Option<String>>>,
    req: Request,
    next: Next,
) -> Response {
    let Some(token) = token.as_deref() else {
        return next.run(req).await;
    };
    let ok = presented(&req)
        .iter()
        .any(|t| same(t.as_bytes(), token.as_bytes()));
    if !ok {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            axum::Json(serde_json::json!({
                "error": "this Collis server needs its access token: open the page as /?token=T or send 'Authorization: Bearer T'"
            })),
        )
            .into_response();
    }
    let from_query = query_token(&req).is_some();
    let mut resp = next.run(req).await;
    if from_query {
        let cookie = format!("collis_token={token}; HttpOnly; SameSite=Strict; Path=/");
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_binds_without_token_others_need_one() {
        assert!(check_bind(&"127.0.0.1:8750".parse().unwrap(), None).is_ok());
        assert!(check_bind(&"[::1]:8750".parse().unwrap(), None).is_ok());
        let e = check_bind(&"0.0.0.0:8750".parse().unwrap(), None).unwrap_err();
        assert!(e.contains("without a token"), "{e}");
        assert!(check_bind(&"0.0.0.0:8750".parse().unwrap(), Some("")).is_err());
        assert!(check_bind(&"0.0.0.0:8750".parse().unwrap(), Some("s3cret")).is_ok());
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"abcd"));
        assert_eq!(percent_decode("a%2Fb+c"), "a/b c");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
