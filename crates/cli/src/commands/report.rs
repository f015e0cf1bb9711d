//! `collis report SUBJECT [--session ID] -o report.html [--pdf report.pdf] [--png report.png]`:
//! the clinician's one-page report from the record; PDF and PNG through headless Chromium.

use crate::commands::db::{today, DbArgs};
use anyhow::{Context, Result};
use clap::Args;
use collis_report::html::{html, ReportData};
use collis_report::render::Chromium;
use collis_store::Store;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct ReportArgs {
    /// Subject code.
    pub subject: String,
    /// Session to report on (default: the subject's latest).
    #[arg(long, value_name = "ID")]
    pub session: Option<i64>,
    /// The HTML report.
    #[arg(short, long, default_value = "report.html")]
    pub out: PathBuf,
    /// Also print it to this PDF (headless Chromium).
    #[arg(long, value_name = "FILE")]
    pub pdf: Option<PathBuf>,
    /// Also save a PNG screenshot of it (headless Chromium).
    #[arg(long, value_name = "FILE")]
    pub png: Option<PathBuf>,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Width and height of the PNG screenshot, CSS pixels (A4 landscape at 96 dpi).
pub const PNG_SIZE: (u32, u32) = (1123, 794);

/// Write the report of `subject` (session `session` or the latest) as HTML, and PDF/PNG when
/// asked.
pub fn write(
    store: &Store,
    subject: &str,
    session: Option<i64>,
    out: &Path,
    pdf: Option<&Path>,
    png: Option<&Path>,
) -> Result<()> {
    let data = ReportData::load(store, subject, session)?;
    let page = html(&data, &today().to_string())?;
    crate::fsutil::write_atomic(out, page.as_bytes())
        .with_context(|| format!("writing {}", out.display()))?;
    println!(
        "wrote {} (subject {}, session {})",
        out.display(),
        subject,
        data.session.id
    );
    if pdf.is_some() || png.is_some() {
        let chromium = Chromium::find()?;
        if let Some(p) = pdf {
            chromium.pdf(out, p)?;
            println!("wrote {}", p.display());
        }
        if let Some(p) = png {
            chromium.png(out, p, PNG_SIZE.0, PNG_SIZE.1)?;
            println!("wrote {}", p.display());
        }
    }
    Ok(())
}

pub fn run(a: &ReportArgs) -> Result<()> {
    let store = a.db.open_existing()?;
    write(
        &store,
        &a.subject,
        a.session,
        &a.out,
        a.pdf.as_deref(),
        a.png.as_deref(),
    )
    .with_context(|| format!("in the record {}", a.db.shown().unwrap_or_default()))
}
