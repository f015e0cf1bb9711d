//! The browser pages, compiled into the binary (no files to install, no scripts from
//! elsewhere): the record and upload page, the live biofeedback page (with its patient view)
//! and a paired phone's sensor page. They talk only to the REST API and the live WebSocket of
//! this server.

use axum::http::{header, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::AppState;

const INDEX: &str = include_str!("../static/index.html");
const LIVE: &str = include_str!("../static/live.html");
const STYLE: &str = include_str!("../static/style.css");
const COMMON_JS: &str = include_str!("../static/common.js");
const INDEX_JS: &str = include_str!("../static/index.js");
const LIVE_JS: &str = include_str!("../static/live.js");
const NOT_FOUND: &str = include_str!("../static/404.html");
const SENSOR: &str = include_str!("../static/sensor.html");
const SENSOR_JS: &str = include_str!("../static/sensor.js");
const MOTION_JS: &str = include_str!("../static/motion.js");
/// What a spent or expired pairing code gets ([`crate::pairing`]).
pub const PAIR_SPENT: &str = include_str!("../static/pair-spent.html");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Html(INDEX) }))
        .route("/live", get(|| async { Html(LIVE) }))
        .route("/sensor", get(|| async { Html(SENSOR) }))
        .route(
            "/static/sensor.js",
            get(|| async { asset("text/javascript", SENSOR_JS) }),
        )
        .route(
            "/static/motion.js",
            get(|| async { asset("text/javascript", MOTION_JS) }),
        )
        .route(
            "/static/style.css",
            get(|| async { asset("text/css", STYLE) }),
        )
        .route(
            "/static/common.js",
            get(|| async { asset("text/javascript", COMMON_JS) }),
        )
        .route(
            "/static/index.js",
            get(|| async { asset("text/javascript", INDEX_JS) }),
        )
        .route(
            "/static/live.js",
            get(|| async { asset("text/javascript", LIVE_JS) }),
        )
}

fn asset(mime: &'static str, body: &'static str) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, mime)], body)
}

/// What an unknown address gets: under `/api/` the API's JSON error, elsewhere a page with the
/// way back to the record and the live page (a mistyped or stale link, a report's tab).
pub async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return crate::api::ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no API route at {}", uri.path()),
        )
        .into_response();
    }
    (StatusCode::NOT_FOUND, Html(NOT_FOUND)).into_response()
}
