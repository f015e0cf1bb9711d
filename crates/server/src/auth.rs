//! Who may talk to the server. Health data stays local: the server binds to loopback by
//! default, and any other address needs a strong token (at least [`MIN_TOKEN_CHARS`]
//! characters, see [`token_weakness`]), which is then checked on every request and
//! WebSocket upgrade (`Authorization: Bearer T`, a `collis_token` cookie, or `?token=T`, which
//! also sets the cookie so the pages and their WebSockets work in a browser).
//!
//! Without a token the server trusts the computer it runs on, not every page its browser
//! opens: it answers only requests addressed to a loopback name with its own port in `Host`
//! (`localhost`, `127.0.0.1`, `[::1]`: a foreign name is DNS rebinding), and it refuses
//! WebSocket upgrades and state-changing requests (POST, PUT, PATCH, DELETE) whose `Origin` is
//! another site, whatever their content type.
//!
//! A phone paired by its QR code ([`crate::pairing`]) needs no token: its one-time code, then
//! its device cookie, open the sensor page and its stream only.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::sync::Arc;

/// Shortest token accepted off loopback. Anyone on the network can try tokens, so it must be
/// unguessable: 32 random hexadecimal digits hold 128 bits (`openssl rand -hex 16`), and
/// [`suggest_token`] gives 64 (256 bits).
pub const MIN_TOKEN_CHARS: usize = 32;
/// Different characters a token off loopback has at least: refuses `aaaa…` or a short word
/// repeated (`password` has 7), which a length alone would let through. 32 random hexadecimal
/// digits have 14 different ones on average, fewer than 8 with a chance of 4 in 100 million.
pub const MIN_TOKEN_DISTINCT: usize = 8;

/// Why `token` is too weak to protect a server other machines can reach, if it is: shorter
/// than [`MIN_TOKEN_CHARS`], fewer than [`MIN_TOKEN_DISTINCT`] different characters, or
/// characters other than letters, digits, `-`, `_`, `.` and `~` (the token travels in URLs and
/// cookies, where other characters would need escaping and could silently not match).
pub fn token_weakness(token: &str) -> Option<String> {
    if let Some(c) = token
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "-_.~".contains(*c)))
    {
        return Some(format!(
            "it has '{}': use only letters, digits, '-', '_', '.' and '~'",
            c.escape_default()
        ));
    }
    if token.len() < MIN_TOKEN_CHARS {
        return Some(format!(
            "{} characters, at least {MIN_TOKEN_CHARS} are needed (128 bits of randomness)",
            token.len()
        ));
    }
    let mut seen: Vec<char> = token.chars().collect();
    seen.sort_unstable();
    seen.dedup();
    if seen.len() < MIN_TOKEN_DISTINCT {
        return Some(format!(
            "only {} different characters, at least {MIN_TOKEN_DISTINCT} are needed: it looks \
             made up, not random",
            seen.len()
        ));
    }
    None
}

/// A fresh random token: 32 bytes from the operating system's random source as 64 hexadecimal
/// digits (`None` when that source fails).
pub fn suggest_token() -> Option<String> {
    random_hex(32).ok()
}

/// `bytes` bytes from the operating system's random source as hexadecimal digits (tokens,
/// pairing codes, device cookies).
pub(crate) fn random_hex(bytes: usize) -> Result<String, getrandom::Error> {
    let mut b = vec![0u8; bytes];
    getrandom::fill(&mut b)?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

fn suggestion() -> String {
    match suggest_token() {
        Some(t) => format!("e.g. --token {t} (freshly generated)"),
        None => "e.g. from `openssl rand -hex 32`".into(),
    }
}

/// The bind policy: loopback needs nothing, anything else a strong token ([`token_weakness`]).
pub fn check_bind(addr: &SocketAddr, token: Option<&str>) -> Result<(), String> {
    if addr.ip().is_loopback() {
        return Ok(());
    }
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Err(format!(
            "refusing to listen on {addr} without a token: health data stays on this computer \
             unless access is protected; give --token T (or set COLLIS_TOKEN) to serve other \
             machines, {}, or bind to 127.0.0.1",
            suggestion()
        ));
    };
    match token_weakness(token) {
        None => Ok(()),
        Some(why) => Err(format!(
            "refusing to listen on {addr} with a weak token ({why}): other machines can try \
             tokens; give a random one of at least {MIN_TOKEN_CHARS} characters, {}",
            suggestion()
        )),
    }
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
    found.extend(cookies(h, "collis_token"));
    if let Some(t) = query_token(req) {
        found.push(t);
    }
    found
}

/// Values of cookie `name` in the request's headers (the token's, a paired phone's).
pub(crate) fn cookies<'a>(
    headers: &'a axum::http::HeaderMap,
    name: &'a str,
) -> impl Iterator<Item = String> + 'a {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(move |c| {
            c.trim()
                .strip_prefix(name)
                .and_then(|r| r.strip_prefix('='))
                .map(str::to_string)
        })
}

fn query_token(req: &Request) -> Option<String> {
    form_urlencoded::parse(req.uri().query()?.as_bytes())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
}

/// What every request is checked against: the token, or without one the loopback port.
pub struct Access {
    pub token: Option<String>,
    /// The port the server listens on (a loopback `Host` or `Origin` must name it).
    pub port: u16,
    /// Paired phones, let through to their sensor page and stream without the token.
    pub pairing: crate::pairing::Pairing,
}

/// Middleware: with a token configured, every request must present it; without one, every
/// request must come to the loopback server as such ([`loopback_request`]).
pub async fn check(State(access): State<Arc<Access>>, req: Request, next: Next) -> Response {
    match access.token.as_deref() {
        Some(_) if access.pairing.lets_through(req.uri().path(), req.headers()) => {
            next.run(req).await
        }
        Some(token) => require_token(token, req, next).await,
        None => match loopback_request(&req, access.port) {
            Ok(()) => next.run(req).await,
            Err(e) => (
                StatusCode::FORBIDDEN,
                axum::Json(serde_json::json!({ "error": e })),
            )
                .into_response(),
        },
    }
}

async fn require_token(token: &str, req: Request, next: Next) -> Response {
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

/// Whether `authority` (`HOST[:PORT]`, as in `Host`) names this computer's loopback on `port`.
fn loopback_authority(authority: &str, port: u16) -> bool {
    let (host, given) = split_authority(authority);
    let given = match given.strip_prefix(':') {
        Some(p) => p.parse::<u16>().ok(),
        None if given.is_empty() => Some(80),
        None => None,
    };
    is_loopback_name(host) && given == Some(port)
}

/// Whether `authority` (`HOST[:PORT]`) names this computer's loopback, on any port.
pub(crate) fn loopback_host(authority: &str) -> bool {
    is_loopback_name(split_authority(authority).0)
}

/// `HOST[:PORT]` split into the host (`[::1]` kept whole) and the rest (`:PORT` or empty).
fn split_authority(authority: &str) -> (&str, &str) {
    match authority.rfind(']') {
        Some(end) if authority.starts_with('[') => authority.split_at(end + 1),
        _ => match authority.rfind(':') {
            Some(c) => authority.split_at(c),
            None => (authority, ""),
        },
    }
}

fn is_loopback_name(host: &str) -> bool {
    ["localhost", "127.0.0.1", "[::1]"]
        .iter()
        .any(|h| host.eq_ignore_ascii_case(h))
}

/// Without a token: a loopback `Host`, and no other site's `Origin` on a WebSocket upgrade or
/// a state-changing request; the reason for refusing otherwise.
fn loopback_request(req: &Request, port: u16) -> Result<(), String> {
    let h = req.headers();
    let host = h.get(header::HOST).and_then(|v| v.to_str().ok());
    if !host.is_some_and(|a| loopback_authority(a, port)) {
        return Err(format!(
            "this Collis server answers only as localhost:{port}, 127.0.0.1:{port} or [::1]:{port} \
             (Host: {})",
            host.unwrap_or("none")
        ));
    }
    let changes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let upgrade = h
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    let Some(origin) = h.get(header::ORIGIN) else {
        return Ok(());
    };
    let ours = origin
        .to_str()
        .ok()
        .and_then(|o| {
            o.strip_prefix("http://")
                .or_else(|| o.strip_prefix("https://"))
        })
        .is_some_and(|a| loopback_authority(a, port));
    if (changes || upgrade) && !ours {
        return Err(format!(
            "refused: a request from another site ({})",
            String::from_utf8_lossy(origin.as_bytes())
        ));
    }
    Ok(())
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
        let any = "0.0.0.0:8750".parse().unwrap();
        let suggested = suggest_token().unwrap();
        assert_eq!(suggested.len(), 64);
        assert!(check_bind(&any, Some(&suggested)).is_ok());
        assert!(check_bind(&"127.0.0.1:8750".parse().unwrap(), Some("s3cret")).is_ok());
        for (weak, why) in [
            ("s3cret", "6 characters, at least 32"),
            (&"ab".repeat(20), "only 2 different characters"),
            ("0f3a9c2e-77b1 4d0e-9a6b-3c1f2e8d7a90", "' '"),
        ] {
            let e = check_bind(&any, Some(weak)).unwrap_err();
            assert!(e.contains(why), "{weak}: {e}");
            assert!(e.contains("--token ") && e.contains("at least 32"), "{e}");
        }
        // Ten different digits pass the check on different characters; 32 random
        // hexadecimal digits (128 bits) pass it all.
        assert!(check_bind(&any, Some("01234567890123456789012345678901")).is_ok());
        assert!(check_bind(&any, Some("4f9c2a7e1b3d8c6f0a5e9b2d7c4f1a3e")).is_ok());
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"abcd"));
        let req = |uri: &str| {
            Request::builder()
                .uri(uri)
                .body(axum::body::Body::empty())
                .unwrap()
        };
        assert_eq!(
            query_token(&req("/?x=1&token=a%2Fb+c")).as_deref(),
            Some("a/b c")
        );
        assert_eq!(query_token(&req("/?token=100%")).as_deref(), Some("100%"));
        assert_eq!(query_token(&req("/live")), None);
    }

    #[test]
    fn loopback_names_with_the_port_only() {
        for ok in [
            "localhost:8750",
            "LOCALHOST:8750",
            "127.0.0.1:8750",
            "[::1]:8750",
        ] {
            assert!(loopback_authority(ok, 8750), "{ok}");
        }
        assert!(loopback_authority("localhost", 80));
        for bad in [
            "localhost",
            "localhost:8751",
            "evil.example:8750",
            "127.0.0.1.evil.example:8750",
            "localhost.:8750",
            "[::1]",
            "[::2]:8750",
            "127.0.0.1:8750:8750",
            "",
        ] {
            assert!(!loopback_authority(bad, 8750), "{bad}");
        }
        // Any port: the pairing page's test of where the live page was opened from.
        for ok in ["[::1]", "[::1]:9", "LOCALHOST:1", "127.0.0.1"] {
            assert!(loopback_host(ok), "{ok}");
        }
        for bad in ["192.168.1.5:8750", "[::2]", "example.org"] {
            assert!(!loopback_host(bad), "{bad}");
        }
    }
}
