//! The `--db` option of every command that reads or writes the record.

use anyhow::{Context, Result};
use clap::Args;
use collis_store::Store;

#[derive(Args, Debug, Clone, Default)]
pub struct DbArgs {
    /// The record database: a SQLite file path or a postgres:// URL
    /// (default: collis/collis.db under the user's data directory, e.g. ~/.local/share).
    #[arg(long, value_name = "PATH|URL", global = true)]
    pub db: Option<String>,
}

/// Where `collis demo` leaves its record by default.
const DEMO_RECORD: &str = "collis-demo/record.db";

impl DbArgs {
    /// The record as it is named to the user (a URL's password left out).
    pub fn shown(&self) -> Result<String> {
        Ok(match &self.db {
            Some(d) => collis_store::redact(d),
            None => collis_store::default_path()?.display().to_string(),
        })
    }

    pub fn open(&self) -> Result<Store> {
        let shown = self.shown()?;
        Store::open(self.db.as_deref()).with_context(|| format!("opening the record {shown}"))
    }

    /// Opens the record to read it: a SQLite file that does not exist is an error saying where
    /// it was looked for (and where the demo's record is), not created empty as a side effect.
    pub fn open_existing(&self) -> Result<Store> {
        let file = match self.db.as_deref() {
            None => Some(collis_store::default_path()?),
            Some(d) if !d.contains("://") && !d.starts_with("sqlite:") => Some(d.into()),
            Some(_) => None,
        };
        if let Some(file) = file.filter(|f: &std::path::PathBuf| !f.exists()) {
            let hint = if std::path::Path::new(DEMO_RECORD).exists() {
                format!("; after `collis demo` its record is here: --db {DEMO_RECORD}")
            } else {
                "; name the record with --db PATH|URL".to_string()
            };
            anyhow::bail!("no record at {}{hint}", file.display());
        }
        self.open()
    }
}

/// Today's date (UTC), the default for dated entries.
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Parse a `YYYY-MM-DD` date.
pub fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("'{s}' is not a date as YYYY-MM-DD"))
}
