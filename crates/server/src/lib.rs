//! Collis web app: a local HTTP/WebSocket server around the same analyses as the command line.
//!
//! `sources → samples → orientation → head angles → analyses → results` stays where it is
//! (collis-analysis); this crate is the thin web layer over it:
//! - [`auth`]: loopback by default, a token for anything else, checked on every request;
//!   without a token, only loopback host names and no other site's requests;
//! - [`treatments`]: a subject's treatments and diary, listed and entered from the record page;
//! - [`api`]: the JSON REST API behind every page (subjects, sessions, trends, reports,
//!   upload-and-analyse), described by the OpenAPI document [`openapi`] generates from the code;
//! - [`live`]: live head-sensor streams over WebSocket into the live pipeline
//!   ([`collis_analysis::live`]), with cues back and exercises stored as sessions;
//! - [`live_video`]: live webcam frames over WebSocket through the face pipeline, same cues;
//! - [`live_emg`]: live surface EMG over WebSocket, envelope levels and cues per muscle
//!   ([`collis_analysis::emg::live`]), stored as EMG sessions;
//! - [`udp`]: head sensors streaming CSV over UDP, watched from the live page;
//! - [`stream`]: sequence accounting for live streams (loss, reordering, duplicates);
//! - [`pages`]: the browser pages (record, upload, live biofeedback), served from the binary;
//! - [`security`]: the security headers of every response (Content-Security-Policy, no framing,
//!   no sniffing, no referrer);
//! - [`retention`]: anonymous live recordings deleted after a set time;
//! - [`tls`]: HTTPS with a certificate made on this computer (`collis serve --https`), which
//!   phones need for their motion sensors and camera;
//! - [`pairing`]: a phone paired as the head sensor by a QR code with a one-time code.
//!
//! Connections are served by [`serve`]: a client gets [`DEFAULT_HEADER_TIMEOUT`] to send its
//! request's headers (a slow-headers client is cut), uploads are analysed a few at a time
//! ([`DEFAULT_MAX_UPLOADS`]) and live streams are limited likewise.
//!
//! Results are labelled as measurements and decision support, never as a diagnosis.

pub mod api;
pub mod auth;
pub mod live;
pub mod live_emg;
pub mod live_video;
pub mod openapi;
pub mod pages;
pub mod pairing;
pub mod retention;
pub mod security;
pub mod stream;
pub mod tls;
pub mod treatments;
pub mod udp;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use collis_core::results::{Results, Task};
use collis_store::Store;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;

/// The default address: loopback only.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8750";
/// Largest upload accepted by default (a 2-hour 100 Hz 9-axis CSV is ≈ 250 MB).
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 512 * 1024 * 1024;
/// Live streams served at once by default; more are refused (503) rather than slowing all.
pub const DEFAULT_MAX_LIVE_STREAMS: usize = 64;
/// Largest JSON request body (subjects, feedback settings); only uploads may be larger.
pub const MAX_JSON_BYTES: usize = 1024 * 1024;
/// A live stream whose client sends nothing for this long is closed by default (an idle or
/// half-open connection gives its place back).
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// Time a client has to send a request's headers (and an idle kept-alive connection its next
/// request) by default: a browser sends them in one go, a client trickling them (slowloris)
/// holds a connection open for nothing and is cut.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Uploads received and analysed at once by default: each may buffer up to the upload limit on
/// disk and take a processor core for its analysis; more wait their turn on the client's side
/// (503 with `Retry-After`).
pub const DEFAULT_MAX_UPLOADS: usize = 4;

/// Analyses a file the way `collis analyze` does (the binary supplies its own wiring, so
/// the server and the command line give the same results for the same file).
pub type AnalyzeFile = Arc<dyn Fn(&Path, &UploadOptions) -> Result<Results, String> + Send + Sync>;

/// What the uploader says about a recording.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UploadOptions {
    pub task: Task,
    /// Seconds `[start, end]` where the head was held in neutral.
    pub neutral_s: Option<[f64; 2]>,
    /// Sensor mounting (`--axes`), e.g. `x=back,y=up,z=left`.
    pub mounting: Option<String>,
    /// Leave the magnetometer out (6D).
    pub no_mag: bool,
    /// Seconds `[start, end]` of each sensory-trick application.
    pub trick_s: Vec<[f64; 2]>,
    /// Seconds `[start, end]` at rest in a surface-EMG recording (`--emg-rest`).
    pub emg_rest_s: Option<[f64; 2]>,
    /// Video only: analyse from this second on (`--start`; a live session's settling time
    /// before it).
    pub start_s: Option<f64>,
}

/// Everything the server needs.
#[derive(Clone)]
pub struct ServerConfig {
    pub addr: SocketAddr,
    pub token: Option<String>,
    /// The record database (`None`: the default SQLite file).
    pub db: Option<String>,
    /// Where live sessions' raw samples are saved.
    pub recordings_dir: PathBuf,
    pub max_upload_bytes: u64,
    pub max_live_streams: usize,
    /// Live streams whose client sends nothing for this long are closed.
    pub idle_timeout: Duration,
    /// Time to send a request's headers ([`DEFAULT_HEADER_TIMEOUT`]).
    pub header_timeout: Duration,
    /// Uploads received and analysed at once ([`DEFAULT_MAX_UPLOADS`]).
    pub max_uploads: usize,
    /// Anonymous live recordings are deleted once older than this (`None`: kept).
    pub keep_anonymous: Option<Duration>,
    /// Directory of the face models (`None`: `$COLLIS_MODELS`, else the user cache).
    pub models_dir: Option<PathBuf>,
    /// Head sensors streaming over UDP: the address and the plan each stream follows.
    pub udp: Option<(SocketAddr, live::LivePlan)>,
    /// Serve HTTPS with the certificate kept in this directory (made when missing:
    /// [`tls::load_or_make`]); `None`: plain HTTP.
    pub tls_dir: Option<PathBuf>,
    pub analyze: AnalyzeFile,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("{0}")]
    Policy(String),
    #[error("the record database: {0}")]
    Store(#[from] collis_store::StoreError),
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    #[error("HTTPS: {0}")]
    Tls(#[from] tls::TlsError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<Mutex<Store>>,
    pub cfg: Arc<ServerConfig>,
    pub live_slots: Arc<Semaphore>,
    pub upload_slots: Arc<Semaphore>,
    /// The face pipeline for webcam sessions, or why it is not available.
    pub estimator: Result<Arc<collis_vision::Estimator>, String>,
    /// Live streams that can be watched.
    pub hub: udp::Hub,
    /// Phones pairing and paired as head sensors.
    pub pairing: pairing::Pairing,
}

impl AppState {
    /// A place for one more live stream, or 503 when the limit is reached.
    pub fn live_slot(&self) -> Result<tokio::sync::OwnedSemaphorePermit, api::ApiError> {
        self.live_slots.clone().try_acquire_owned().map_err(|_| {
            api::ApiError::busy(format!(
                "too many live streams at once (limit {}): try again later",
                self.cfg.max_live_streams
            ))
        })
    }

    /// A place for one more upload, or 503 when the limit is reached.
    pub fn upload_slot(&self) -> Result<tokio::sync::OwnedSemaphorePermit, api::ApiError> {
        self.upload_slots.clone().try_acquire_owned().map_err(|_| {
            api::ApiError::busy(format!(
                "too many uploads at once (limit {}): try again in a moment",
                self.cfg.max_uploads
            ))
        })
    }

    /// Run `f` on the store on a blocking thread (the store's API is synchronous).
    pub async fn with_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> collis_store::Result<T> + Send + 'static,
    ) -> Result<T, api::ApiError> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || {
            let s = store.lock().unwrap_or_else(|p| p.into_inner());
            f(&s)
        })
        .await
        .map_err(|e| api::ApiError::internal(format!("the database task failed: {e}")))?
        .map_err(api::ApiError::from)
    }
}

/// The application: pages, API and live streams, behind the access check ([`auth::check`];
/// `state.cfg.addr` is the address actually listened on), every response with the security
/// headers ([`security::headers`], refusals included). Uploads stream to a file under their
/// own limit; every other body is held in memory, so it is limited to [`MAX_JSON_BYTES`].
pub fn app(state: AppState) -> Router {
    let access = Arc::new(auth::Access {
        token: state.cfg.token.clone(),
        port: state.cfg.addr.port(),
        pairing: state.pairing.clone(),
    });
    Router::new()
        .merge(pages::routes())
        .merge(api::routes())
        .merge(live::routes())
        .merge(pairing::routes())
        .merge(treatments::routes())
        .fallback(pages::not_found)
        .layer(DefaultBodyLimit::max(MAX_JSON_BYTES))
        .layer(axum::middleware::from_fn_with_state(access, auth::check))
        .layer(axum::middleware::from_fn(security::headers))
        .with_state(state)
}

/// Where the server takes connections: TCP, with TLS on top when serving HTTPS.
pub struct Listener {
    pub tcp: tokio::net::TcpListener,
    pub tls: Option<tls::Tls>,
}

impl Listener {
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.tcp.local_addr()
    }
}

/// Check the bind policy, open the record, delete old anonymous recordings, make or load the
/// HTTPS certificate and bind the address; the caller runs the returned server with [`serve`].
pub async fn bind(mut cfg: ServerConfig) -> Result<(Listener, Router), ServeError> {
    auth::check_bind(&cfg.addr, cfg.token.as_deref()).map_err(ServeError::Policy)?;
    let db = cfg.db.clone();
    let store = tokio::task::spawn_blocking(move || Store::open(db.as_deref()))
        .await
        .map_err(|e| ServeError::Policy(format!("opening the record failed: {e}")))??;
    let anonymous = retention::anonymous_dir(&cfg.recordings_dir);
    std::fs::create_dir_all(&anonymous)?;
    if let Some(keep) = cfg.keep_anonymous {
        retention::sweep(&anonymous, keep)?;
    }
    let models = cfg.models_dir.clone();
    let estimator = tokio::task::spawn_blocking(move || {
        let dir =
            collis_vision::models::resolve_dir(models.as_deref()).map_err(|e| e.to_string())?;
        let files = collis_vision::models::load(&dir).map_err(|e| e.to_string())?;
        collis_vision::Estimator::new(&files)
            .map(Arc::new)
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| ServeError::Policy(format!("loading the face models failed: {e}")))?;
    let tls = match &cfg.tls_dir {
        Some(dir) => Some(tls::load_or_make(dir, &tls::names_for(&cfg.addr))?),
        None => None,
    };
    let listener = tokio::net::TcpListener::bind(cfg.addr)
        .await
        .map_err(|e| ServeError::Bind(cfg.addr, e))?;
    // The port given may be 0 (any free one): loopback requests must name the one chosen.
    cfg.addr = listener.local_addr()?;
    if let Some((addr, _)) = &cfg.udp {
        auth::check_bind(addr, cfg.token.as_deref()).map_err(ServeError::Policy)?;
    }
    let udp = match &cfg.udp {
        Some((addr, plan)) => Some((
            tokio::net::UdpSocket::bind(addr)
                .await
                .map_err(|e| ServeError::Bind(*addr, e))?,
            plan.clone(),
        )),
        None => None,
    };
    let state = AppState {
        store: Arc::new(Mutex::new(store)),
        live_slots: Arc::new(Semaphore::new(cfg.max_live_streams)),
        upload_slots: Arc::new(Semaphore::new(cfg.max_uploads)),
        estimator,
        hub: udp::Hub::default(),
        pairing: pairing::Pairing::default(),
        cfg: Arc::new(cfg),
    };
    if let Some(keep) = state.cfg.keep_anonymous {
        tokio::spawn(retention::run(anonymous, keep));
    }
    if let Some((socket, plan)) = udp {
        // Off loopback each line starts with the token (a datagram has no header).
        let token = (!socket.local_addr()?.ip().is_loopback())
            .then(|| state.cfg.token.clone())
            .flatten();
        tokio::spawn(udp::run(
            socket,
            state.clone(),
            plan,
            token,
            state.hub.clone(),
        ));
    }
    Ok((Listener { tcp: listener, tls }, app(state)))
}

/// Serve until Ctrl-C (the command line's `collis serve`). `ready` is told the bound address
/// and, with HTTPS, the certificate.
pub fn run(
    cfg: ServerConfig,
    ready: impl FnOnce(SocketAddr, Option<&tls::Tls>),
) -> Result<(), ServeError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let header_timeout = cfg.header_timeout;
        let (listener, router) = bind(cfg).await?;
        ready(listener.local_addr()?, listener.tls.as_ref());
        serve(listener, router, header_timeout, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await;
        Ok(())
    })
}

/// Serve `app` on `listener` over HTTP/1.1 (with upgrades to WebSocket; over TLS when the
/// listener has it) until `shutdown` completes, then let the requests under way finish. Unlike
/// `axum::serve`, a connection must send each request's headers within `header_timeout`
/// (hyper's header read timeout, which needs a timer), and finish its TLS handshake within it:
/// a client trickling them byte by byte is cut instead of holding its connection for ever.
pub async fn serve(
    listener: Listener,
    app: Router,
    header_timeout: Duration,
    shutdown: impl std::future::Future<Output = ()>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    // Connections are told to stop through `stop`; each holds a `running` receiver, so the
    // sender's `closed()` is when the last one has finished.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(());
    let (running_tx, running_rx) = tokio::sync::watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.tcp.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors or the like: let connections close, then go on.
                    if !matches!(
                        e.kind(),
                        std::io::ErrorKind::ConnectionAborted | std::io::ErrorKind::ConnectionReset
                    ) {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let (http, stop, running) = (http.clone(), stop_rx.clone(), running_rx.clone());
        let tls = listener.tls.as_ref().map(|t| t.acceptor.clone());
        tokio::spawn(async move {
            match tls {
                None => serve_connection(&http, TokioIo::new(stream), service, stop).await,
                Some(acceptor) => {
                    // A failed, slow or cut handshake concerns only its client.
                    if let Ok(Ok(stream)) =
                        tokio::time::timeout(header_timeout, acceptor.accept(stream)).await
                    {
                        serve_connection(&http, TokioIo::new(stream), service, stop).await
                    }
                }
            }
            drop(running);
        });
    }
    drop(listener);
    let _ = stop_tx.send(());
    drop(running_rx);
    running_tx.closed().await;
}

/// One connection until it ends, or until `stop` says the server stops (then gracefully).
async fn serve_connection<I>(
    http: &hyper::server::conn::http1::Builder,
    io: I,
    service: hyper_util::service::TowerToHyperService<Router>,
    mut stop: tokio::sync::watch::Receiver<()>,
) where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let conn = http.serve_connection(io, service).with_upgrades();
    let mut conn = std::pin::pin!(conn);
    // A failed or cut connection concerns only its client.
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = stop.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}
