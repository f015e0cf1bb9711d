//! `collis serve [--addr HOST:PORT] [--token T]`: the local web app (record, upload and
//! analyse, live biofeedback). Loopback by default; another address needs a strong token (at
//! least 32 random characters; a fresh one is suggested when it is missing or weak). Uploads
//! and live sessions are analysed by the same code as `collis analyze`; live sessions without
//! a subject are deleted after `--keep-anonymous` days.

use crate::args::AngleArgs;
use crate::commands::analyze::AnalyzeArgs;
use crate::commands::db::DbArgs;
use crate::video::VideoArgs;
use anyhow::{Context, Result};
use clap::Args;
use collis_core::results::Results;
use collis_server::live::{LivePlan, LiveQuery};
use collis_server::{ServerConfig, UploadOptions};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on; anything but loopback needs --token.
    #[arg(long, default_value = collis_server::DEFAULT_ADDR)]
    pub addr: SocketAddr,
    /// Access token, checked on every request (also from $COLLIS_TOKEN). Off loopback it must
    /// be random: at least 32 characters (128 bits, e.g. `openssl rand -hex 16`), letters,
    /// digits, '-', '_', '.' or '~'; a fresh one is suggested when it is missing or weak.
    #[arg(long, env = "COLLIS_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Where live sessions' raw samples are saved (default: collis/live under the user's data directory).
    #[arg(long, value_name = "DIR")]
    pub recordings: Option<PathBuf>,
    /// Largest upload accepted, MiB.
    #[arg(long, default_value_t = collis_server::DEFAULT_MAX_UPLOAD_BYTES / (1024 * 1024))]
    pub max_upload_mib: u64,
    /// Live streams served at once.
    #[arg(long, default_value_t = collis_server::DEFAULT_MAX_LIVE_STREAMS)]
    pub max_live_streams: usize,
    /// Uploads received and analysed at once; more are answered 503 with Retry-After.
    #[arg(long, default_value_t = collis_server::DEFAULT_MAX_UPLOADS, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub max_uploads: usize,
    /// Days a live session recorded without a subject is kept (its raw file under
    /// RECORDINGS/anonymous; it is in no one's record): older ones are deleted when the
    /// server starts and hourly. `forever` keeps them. Sessions of a subject are always kept.
    #[arg(long, value_name = "DAYS", default_value_t = Retention::Days(collis_server::retention::DEFAULT_KEEP_ANONYMOUS_DAYS))]
    pub keep_anonymous: Retention,
    /// Seconds a live stream's client may send nothing before the stream is closed.
    #[arg(long, value_name = "SECONDS", default_value_t = collis_server::DEFAULT_IDLE_TIMEOUT.as_secs_f64())]
    pub idle_timeout: f64,
    /// Directory of the face models for uploaded videos and the webcam.
    #[arg(long, value_name = "DIR")]
    pub models: Option<PathBuf>,
    /// Also receive head sensors streaming CSV lines over UDP on this address (each sender a
    /// live stream, watched from the live page); off loopback each line starts with the token.
    #[arg(long, value_name = "HOST:PORT")]
    pub udp: Option<SocketAddr>,
    /// Sampling rate of the UDP streams, Hz.
    #[arg(long, default_value_t = 100.0)]
    pub udp_rate: f64,
    /// Sensor mounting of the UDP streams (as --axes of analyze).
    #[arg(long, value_name = "x=..,y=..,z..")]
    pub udp_axes: Option<String>,
    /// Store each UDP stream as a session of this subject.
    #[arg(long, value_name = "CODE")]
    pub udp_subject: Option<String>,
    /// Serve HTTPS, with a certificate made on this computer (kept in --cert-dir): phones
    /// give a page their motion sensors and camera only over HTTPS. The browser asks once to
    /// trust it; compare the fingerprint printed at the start with the certificate's details.
    #[arg(long)]
    pub https: bool,
    /// Where the HTTPS certificate and its key are kept (default: collis/tls under the user's
    /// data directory).
    #[arg(long, value_name = "DIR", requires = "https")]
    pub cert_dir: Option<PathBuf>,
    /// Print the OpenAPI document of the REST API and exit.
    #[arg(long)]
    pub openapi: bool,
    #[command(flatten)]
    pub db: DbArgs,
}

/// How long anonymous live recordings are kept (`--keep-anonymous`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retention {
    Days(u32),
    Forever,
}

impl std::fmt::Display for Retention {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Retention::Days(d) => write!(f, "{d}"),
            Retention::Forever => f.write_str("forever"),
        }
    }
}

impl std::str::FromStr for Retention {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s.eq_ignore_ascii_case("forever") {
            return Ok(Retention::Forever);
        }
        match s.parse::<u32>() {
            Ok(d) if d >= 1 => Ok(Retention::Days(d)),
            _ => Err(format!(
                "'{s}': a whole number of days, at least 1, or 'forever'"
            )),
        }
    }
}

impl Retention {
    fn duration(self) -> Option<Duration> {
        match self {
            Retention::Days(d) => Some(Duration::from_secs(u64::from(d) * 86_400)),
            Retention::Forever => None,
        }
    }
}

/// Analyse any recording exactly as `collis analyze FILE` does (head sensor, face video,
/// OpenFace CSV or surface EMG), with the uploader's task, neutral segment and mounting.
pub fn analyze_file(path: &Path, o: &UploadOptions, models: Option<&Path>) -> Result<Results> {
    let mut angles = AngleArgs {
        neutral: o.neutral_s,
        no_mag: o.no_mag,
        ..Default::default()
    };
    if let Some(m) = &o.mounting {
        angles.axes = m.parse().map_err(|e| anyhow::anyhow!("axes '{m}': {e}"))?;
    }
    crate::commands::analyze::results(&AnalyzeArgs {
        input: path.to_path_buf(),
        json: None,
        task: o.task,
        trick: o.trick_s.clone(),
        without: None,
        quiet: true,
        angles,
        emg: crate::emg::EmgArgs {
            emg_rest: o.emg_rest_s,
            ..Default::default()
        },
        video: VideoArgs {
            models: models.map(Path::to_path_buf),
            start: o.start_s,
            ..Default::default()
        },
    })
}

pub fn run(a: &ServeArgs) -> Result<()> {
    if a.openapi {
        println!("{}", collis_server::openapi::json());
        return Ok(());
    }
    let recordings_dir = match &a.recordings {
        Some(d) => d.clone(),
        None => collis_store::default_path()?
            .parent()
            .map(|d| d.join("live"))
            .context("no user data directory: give --recordings DIR")?,
    };
    let tls_dir = match (a.https, &a.cert_dir) {
        (false, _) => None,
        (true, Some(d)) => Some(d.clone()),
        (true, None) => Some(
            recordings_dir
                .parent()
                .map(|d| d.join("tls"))
                .context("no user data directory: give --cert-dir DIR")?,
        ),
    };
    let models = a.models.clone();
    let cfg = ServerConfig {
        addr: a.addr,
        token: a.token.clone().filter(|t| !t.is_empty()),
        db: a.db.db.clone(),
        recordings_dir,
        max_upload_bytes: a.max_upload_mib.saturating_mul(1024 * 1024),
        max_live_streams: a.max_live_streams,
        idle_timeout: Duration::try_from_secs_f64(a.idle_timeout)
            .ok()
            .filter(|d| !d.is_zero())
            .context("--idle-timeout: expected a number of seconds above 0")?,
        header_timeout: collis_server::DEFAULT_HEADER_TIMEOUT,
        max_uploads: a.max_uploads,
        keep_anonymous: a.keep_anonymous.duration(),
        models_dir: a.models.clone(),
        udp: match a.udp {
            Some(addr) => {
                let q = LiveQuery {
                    rate: a.udp_rate,
                    subject: a.udp_subject.clone(),
                    exercise: None,
                    seconds: None,
                    calibration: None,
                    axes: a.udp_axes.clone(),
                    no_mag: None,
                    zone: None,
                    target: None,
                    quiet: None,
                };
                Some((
                    addr,
                    LivePlan::from_query(&q).map_err(|e| anyhow::anyhow!("--udp: {e}"))?,
                ))
            }
            None => None,
        },
        tls_dir,
        analyze: Arc::new(move |path: &Path, o: &UploadOptions| {
            analyze_file(path, o, models.as_deref()).map_err(|e| format!("{e:#}"))
        }),
    };
    let token = cfg.token.is_some();
    collis_server::run(cfg, |addr, tls| {
        println!(
            "Collis is serving on {}://{addr}/{} (Ctrl-C to stop). Measurements and decision support, not a diagnosis.",
            if tls.is_some() { "https" } else { "http" },
            if token { "?token=…" } else { "" }
        );
        if let Some(tls) = tls {
            println!(
                "HTTPS certificate (made on this computer, self-signed): {}\n  SHA-256 fingerprint {}: the browser asks once to trust it; compare its details with this.",
                tls.cert_path.display(),
                tls.fingerprint
            );
        }
    })?;
    Ok(())
}
