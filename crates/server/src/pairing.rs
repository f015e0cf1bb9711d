//! Pairing a phone as the head sensor in one scan. The live page asks for a one-time code with
//! the session's settings (`POST /api/pair`) and shows it as a QR code of
//! `https://HOST:PORT/pair/CODE`. The phone that opens it first gets a device cookie that opens
//! only the sensor page and its stream (`/sensor`, `/static/…`, `/api/live/paired`), never the
//! record; the code is then spent. The phone streams its motion sensors into a live session
//! with the therapist's settings, which the computer's page watches (cues, tone, result), so
//! the phone can be worn at the back of the head where nobody can look at it.
//!
//! A code is 128 random bits and lives [`CODE_TTL`]; a device [`DEVICE_TTL`]. Both live in
//! memory only: a restarted server forgets them (pair again).

use crate::api::ApiError;
use crate::live::{LivePlan, LiveQuery};
use crate::AppState;
use axum::extract::{Path, Query, State, WebSocketUpgrade};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a pairing code can be used.
pub const CODE_TTL: Duration = Duration::from_secs(5 * 60);
/// How long a paired phone stays paired (a clinic session).
pub const DEVICE_TTL: Duration = Duration::from_secs(4 * 3600);
/// The device cookie's name.
pub const DEVICE_COOKIE: &str = "collis_device";
/// How a phone is worn (the live page's phone source): on a headband at the back of the head,
/// screen facing out and upright, so its x is the head's right, y up, z back.
pub const PHONE_AXES: &str = "x=right,y=up,z=back";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/pair", post(offer))
        .route("/pair/{code}", get(redeem))
        .route("/api/live/paired", get(paired))
}

/// The session a phone is paired for: the therapist's settings (as `/api/live/imu` takes
/// them, without the rate, which the phone's sensor gives).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct PairRequest {
    pub subject: Option<String>,
    pub exercise: Option<String>,
    pub seconds: Option<f64>,
    pub zone: Option<f64>,
    pub target: Option<String>,
    pub quiet: Option<bool>,
}

impl PairRequest {
    /// The live plan at `rate` Hz: the phone's mounting, no magnetometer (browsers give none).
    pub fn plan(&self, rate: f64) -> Result<LivePlan, String> {
        LivePlan::from_query(&LiveQuery {
            rate,
            subject: self.subject.clone(),
            exercise: self.exercise.clone(),
            seconds: self.seconds,
            calibration: None,
            axes: Some(PHONE_AXES.into()),
            no_mag: Some(true),
            zone: self.zone,
            target: self.target.clone(),
            quiet: self.quiet,
        })
    }
}

/// What the live page shows: the address to open on the phone, as text and as a QR code.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PairOffer {
    pub url: String,
    /// The QR code of `url`, an SVG image.
    pub qr_svg: String,
    /// The live stream the phone's session will be, to watch (`/api/live/watch`).
    pub stream: String,
    pub expires_s: u64,
    /// Why the phone may not manage (plain HTTP), if so.
    pub warning: Option<String>,
}

/// A code offered or a device paired: the session it is for, until when.
struct Pass {
    request: PairRequest,
    stream: String,
    expires: Instant,
}

/// The codes offered and the devices paired, by code and by cookie value.
#[derive(Default)]
struct Held {
    offers: HashMap<String, Pass>,
    devices: HashMap<String, Pass>,
}

/// The codes offered and the devices paired.
#[derive(Clone, Default)]
pub struct Pairing {
    inner: Arc<Mutex<Held>>,
}

fn random_hex(bytes: usize) -> Result<String, ApiError> {
    crate::auth::random_hex(bytes)
        .map_err(|e| ApiError::internal(format!("no random numbers from the system: {e}")))
}

impl Pairing {
    /// The passes still valid (expired ones are dropped on the way).
    fn lock(&self) -> std::sync::MutexGuard<'_, Held> {
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        g.offers.retain(|_, o| o.expires > now);
        g.devices.retain(|_, d| d.expires > now);
        g
    }

    /// Spends `code`: the new device's cookie value, or `None` (unknown, spent or expired).
    fn redeem(&self, code: &str) -> Result<Option<String>, ApiError> {
        let id = random_hex(32)?;
        let mut g = self.lock();
        let Some(offer) = g.offers.remove(code) else {
            return Ok(None);
        };
        g.devices.insert(
            id.clone(),
            Pass {
                expires: Instant::now() + DEVICE_TTL,
                ..offer
            },
        );
        Ok(Some(id))
    }

    /// The paired device whose cookie is in `headers`: its session and stream name.
    pub fn device(&self, headers: &HeaderMap) -> Option<(PairRequest, String)> {
        let g = self.lock();
        crate::auth::cookies(headers, DEVICE_COOKIE).find_map(|id| {
            g.devices
                .get(&id)
                .map(|d| (d.request.clone(), d.stream.clone()))
        })
    }

    /// Whether a request to `path` may go through on a paired device's cookie alone: the
    /// sensor page, its scripts and its stream, nothing of the record.
    pub fn lets_through(&self, path: &str, headers: &HeaderMap) -> bool {
        let device_path =
            path == "/sensor" || path.starts_with("/static/") || path == "/api/live/paired";
        path.starts_with("/pair/") || (device_path && self.device(headers).is_some())
    }
}

/// The host (and port) the phone should open: the one the page was opened by when that is
/// not loopback; else this computer's address on the network when the server listens there;
/// else loopback (a phone reaching it through `adb reverse`, or a browser on this computer).
fn phone_host(st: &AppState, headers: &HeaderMap) -> String {
    let port = st.cfg.addr.port();
    let from_page = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string);
    if let Some(h) = from_page
        .as_deref()
        .filter(|h| !crate::auth::loopback_host(h))
    {
        return h.to_string();
    }
    let ip = st.cfg.addr.ip();
    let network = if ip.is_unspecified() {
        crate::tls::network_address()
    } else {
        (!ip.is_loopback()).then_some(ip)
    };
    match network {
        Some(std::net::IpAddr::V6(v6)) => format!("[{v6}]:{port}"),
        Some(v4) => format!("{v4}:{port}"),
        None => from_page.unwrap_or_else(|| format!("127.0.0.1:{port}")),
    }
}

/// `POST /api/pair`: a one-time code for a phone to become the head sensor of a session with
/// these settings, as an address and its QR code.
#[utoipa::path(post, path = "/api/pair", request_body = PairRequest,
    responses((status = 200, body = PairOffer), (status = 400, body = crate::api::ErrorBody)))]
pub async fn offer(
    State(st): State<AppState>,
    headers: HeaderMap,
    Json(request): Json<PairRequest>,
) -> Result<Json<PairOffer>, ApiError> {
    // Checked now, so the therapist hears of a bad setting, not the phone.
    request.plan(100.0).map_err(ApiError::bad_request)?;
    let code = random_hex(16)?;
    let stream = format!("phone:{}", &random_hex(4)?);
    let https = st.cfg.tls_dir.is_some();
    let url = format!(
        "{}://{}/pair/{code}",
        if https { "https" } else { "http" },
        phone_host(&st, &headers)
    );
    let qr = qrcode::QrCode::new(url.as_bytes())
        .map_err(|e| ApiError::internal(format!("the QR code: {e}")))?;
    let svg = qr
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .build();
    // The XML prolog has no place inside a page.
    let qr_svg = svg[svg.find("<svg").unwrap_or(0)..].to_string();
    st.pairing.lock().offers.insert(
        code,
        Pass {
            request,
            stream: stream.clone(),
            expires: Instant::now() + CODE_TTL,
        },
    );
    Ok(Json(PairOffer {
        url,
        qr_svg,
        stream,
        expires_s: CODE_TTL.as_secs(),
        warning: (!https).then(|| {
            "this server speaks plain HTTP: a phone gives its motion sensors only to https:// \
             pages (start it with collis serve --https)"
                .to_string()
        }),
    }))
}

/// `GET /pair/CODE`: spends the code, pairs this browser (a cookie) and sends it to the
/// sensor page; a spent, expired or unknown code gets a page saying to scan a new one.
pub async fn redeem(State(st): State<AppState>, Path(code): Path<String>) -> Response {
    match st.pairing.redeem(&code) {
        Ok(Some(id)) => {
            // Lax, not Strict: the phone arrives from its camera app, another "site".
            let secure = if st.cfg.tls_dir.is_some() {
                "; Secure"
            } else {
                ""
            };
            let cookie = format!(
                "{DEVICE_COOKIE}={id}; HttpOnly; SameSite=Lax; Path=/; Max-Age={}{secure}",
                DEVICE_TTL.as_secs()
            );
            (
                StatusCode::SEE_OTHER,
                [
                    (header::SET_COOKIE, cookie),
                    (header::LOCATION, "/sensor".to_string()),
                ],
            )
                .into_response()
        }
        Ok(None) => (
            StatusCode::GONE,
            axum::response::Html(crate::pages::PAIR_SPENT),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

/// Query of `/api/live/paired`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PairedQuery {
    /// The phone's sampling rate, Hz.
    pub rate: f64,
}

/// `GET /api/live/paired?rate=HZ`: a paired phone's sensor stream (WebSocket, messages as on
/// `/api/live/imu`), run with the settings it was paired for and watched as its stream.
#[utoipa::path(get, path = "/api/live/paired", params(PairedQuery),
    responses((status = 101, description = "WebSocket: samples in, as /api/live/imu"),
              (status = 401, body = crate::api::ErrorBody)))]
pub async fn paired(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PairedQuery>,
    ws: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let (request, stream) = st.pairing.device(&headers).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "this browser is not paired: scan the QR code on the live page",
        )
    })?;
    let plan = request.plan(q.rate).map_err(ApiError::bad_request)?;
    crate::live::upgrade(st, plan, ws, Some(stream))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer(p: &Pairing, code: &str, expires: Instant) {
        p.lock().offers.insert(
            code.into(),
            Pass {
                request: PairRequest::default(),
                stream: "phone:1".into(),
                expires,
            },
        );
    }

    #[test]
    fn a_code_pairs_one_device_which_reaches_its_sensor_page_only() {
        let p = Pairing::default();
        offer(&p, "c0de", Instant::now() + CODE_TTL);
        let id = p.redeem("c0de").unwrap().expect("a fresh code pairs");
        assert!(
            p.redeem("c0de").unwrap().is_none(),
            "a code is spent once used"
        );
        let mut h = HeaderMap::new();
        let cookie = format!("collis_token=x; {DEVICE_COOKIE}={id}");
        h.insert(header::COOKIE, cookie.parse().unwrap());
        assert_eq!(p.device(&h).unwrap().1, "phone:1");
        for path in ["/sensor", "/api/live/paired", "/static/motion.js"] {
            assert!(p.lets_through(path, &h), "{path}");
        }
        for path in ["/", "/live", "/api/subjects", "/api/live/imu", "/api/pair"] {
            assert!(!p.lets_through(path, &h), "{path}: the record stays closed");
        }
        assert!(!p.lets_through("/sensor", &HeaderMap::new()), "no cookie");
        offer(&p, "old", Instant::now());
        assert!(p.redeem("old").unwrap().is_none(), "an expired code");
    }
}
