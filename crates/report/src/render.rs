//! PDF and PNG of the HTML report through headless Chromium from the distribution (Debian's
//! `chromium`): a real browser engine lays the page out and prints it, so the PDF shows
//! exactly what the HTML does. Each run gets a fresh profile directory and no network
//! features; output goes to a temporary file renamed into place, so a failed or killed run
//! never leaves a truncated PDF.

use crate::ReportError;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Longest a render may take.
const TIMEOUT: Duration = Duration::from_secs(120);

pub struct Chromium {
    program: PathBuf,
}

impl Chromium {
    /// `$COLLIS_CHROMIUM`, else the first of chromium, chromium-browser, google-chrome on PATH.
    pub fn find() -> Result<Self, ReportError> {
        if let Some(p) = std::env::var_os("COLLIS_CHROMIUM") {
            return Ok(Chromium { program: p.into() });
        }
        let path = std::env::var_os("PATH").unwrap_or_default();
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for dir in std::env::split_paths(&path) {
                let candidate = dir.join(name);
                if candidate.is_file() {
                    return Ok(Chromium { program: candidate });
                }
            }
        }
        Err(ReportError::Chromium(
            "no chromium on PATH (Debian: apt-get install chromium; or set COLLIS_CHROMIUM)".into(),
        ))
    }

    /// Run headless Chromium on `html` with `extra` flags, writing `out` (via a temporary
    /// file beside it, `flag=` + that path).
    fn run(&self, html: &Path, out: &Path, flag: &str, extra: &[&str]) -> Result<(), ReportError> {
        let io = |what: &Path, e| ReportError::Io(what.display().to_string(), e);
        let html = std::fs::canonicalize(html).map_err(|e| io(html, e))?;
        let dir = match out.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        // The extension stays last: Chromium picks the screenshot format from it.
        let tmp = dir.join(format!(
            ".tmp-{}-{}",
            std::process::id(),
            out.file_name()
                .map_or("out".into(), |n| n.to_string_lossy()),
        ));
        let profile = tempfile::tempdir().map_err(|e| io(Path::new("temporary profile"), e))?;
        let mut args: Vec<OsString> = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--no-first-run",
            "--hide-scrollbars",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        args.extend(extra.iter().map(OsString::from));
        let mut user = OsString::from("--user-data-dir=");
        user.push(profile.path());
        args.push(user);
        let mut target = OsString::from(format!("{flag}="));
        target.push(&tmp);
        args.push(target);
        args.push(format!("file://{}", html.display()).into());
        let mut child = Command::new(&self.program)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                ReportError::Chromium(format!("starting {}: {e}", self.program.display()))
            })?;
        let start = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if start.elapsed() > TIMEOUT => {
                    let _ = child.kill();
                    let _ = child.wait();
                    let _ = std::fs::remove_file(&tmp);
                    return Err(ReportError::Chromium(format!(
                        "no result within {} s",
                        TIMEOUT.as_secs()
                    )));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(50)),
                Err(e) => return Err(ReportError::Chromium(e.to_string())),
            }
        };
        let made = std::fs::metadata(&tmp).map(|m| m.len()).unwrap_or(0);
        if !status.success() || made == 0 {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                use std::io::Read;
                let _ = e.read_to_string(&mut err);
            }
            let _ = std::fs::remove_file(&tmp);
            let tail: String = err.lines().rev().take(5).collect::<Vec<_>>().join(" | ");
            return Err(ReportError::Chromium(format!(
                "{status}, nothing written: {tail}"
            )));
        }
        std::fs::rename(&tmp, out).map_err(|e| io(out, e))
    }

    /// Print `html` to a PDF (A4 landscape from the page's CSS, no header or footer).
    pub fn pdf(&self, html: &Path, pdf: &Path) -> Result<(), ReportError> {
        self.run(html, pdf, "--print-to-pdf", &["--no-pdf-header-footer"])
    }

    /// A PNG screenshot of `html` at `width`×`height` CSS pixels.
    pub fn png(&self, html: &Path, png: &Path, width: u32, height: u32) -> Result<(), ReportError> {
        let size = format!("--window-size={width},{height}");
        self.run(html, png, "--screenshot", &[&size])
    }
}
