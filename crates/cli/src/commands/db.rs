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

impl DbArgs {
    pub fn open(&self) -> Result<Store> {
        let shown = match &self.db {
            Some(d) => collis_store::redact(d),
            None => collis_store::default_path()?.display().to_string(),
        };
        Store::open(self.db.as_deref()).with_context(|| format!("opening the record {shown}"))
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
