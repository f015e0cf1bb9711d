//! Security headers on every response: the pages load scripts, styles and connections from this
//! server only (Content-Security-Policy), are never shown inside another site's frame
//! (`X-Frame-Options: DENY`, `frame-ancestors 'none'`), are never sniffed into another type
//! (`X-Content-Type-Options: nosniff`), and never tell other sites which page linked to them
//! (`Referrer-Policy: no-referrer`: the URL may carry the token or a subject's code).
//!
//! The pages ([`crate::pages`]) have no inline script or style: everything comes from
//! `/static/…`, so `'self'` is enough and an injected `<script>` or `onclick=` does not run.
//! The clinician's report is a page of its own with one inline `<style>` (it must print and
//! save as a single file); its response allows exactly that style by its hash
//! ([`report_policy`]) and no script at all. A handler's own policy is kept; every other
//! response gets [`policy`].

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// The policy of the pages and the API. `connect-src` names the page's own host for
/// WebSockets too, since browsers before CSP 3 (Safari before 16) do not count `ws:` as
/// `'self'`.
pub fn policy(host: Option<&str>) -> String {
    let ws = host
        .map(|h| format!(" ws://{h} wss://{h}"))
        .unwrap_or_default();
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
         media-src 'self' blob: mediastream:; connect-src 'self'{ws}; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// The report page's policy: its one inline style (by hash), no script, no connection.
pub fn report_policy() -> &'static str {
    static POLICY: OnceLock<String> = OnceLock::new();
    POLICY.get_or_init(|| {
        let hash = base64::engine::general_purpose::STANDARD
            .encode(Sha256::digest(collis_report::html::STYLE.as_bytes()));
        format!(
            "default-src 'none'; style-src 'sha256-{hash}'; img-src 'self' data:; \
             base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        )
    })
}

/// A `Host` header that can be written into the policy as it is (a host name or address and a
/// port; anything else is left out rather than escaped).
fn plain_host(headers: &HeaderMap) -> Option<&str> {
    let h = headers.get(header::HOST)?.to_str().ok()?;
    let plain = !h.is_empty()
        && h.len() <= 255
        && h.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b));
    plain.then_some(h)
}

/// Middleware: the security headers on every response (a policy the handler set is kept).
pub async fn headers(req: Request, next: Next) -> Response {
    let csp = HeaderValue::from_str(&policy(plain_host(req.headers())))
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"));
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.entry(header::CONTENT_SECURITY_POLICY).or_insert(csp);
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_style_is_allowed_by_its_hash() {
        let p = report_policy();
        assert!(p.contains("style-src 'sha256-") && p.ends_with("frame-ancestors 'none'"));
        assert!(!p.contains("script-src"), "no script on the report: {p}");
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("localhost:8750"));
        assert_eq!(plain_host(&h), Some("localhost:8750"));
        h.insert(header::HOST, HeaderValue::from_static("x; script-src *"));
        assert_eq!(plain_host(&h), None);
    }
}
