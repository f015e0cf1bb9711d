//! Collis record: subjects (pseudonymous codes), recording sessions with their results, and the
//! treatments and diary between them, in SQLite (default, one file under the user's data
//! directory, WAL) or PostgreSQL (`postgres://…`, for a clinic). One schema and one set of
//! queries serve both through sqlx's `Any` driver; migrations are versioned ([`schema`]).
//! Biofeedback settings are kept per subject too.
//!
//! The API is synchronous: [`Store`] owns a small single-threaded runtime and blocks on sqlx's
//! async calls, so the CLI stays plain code. Every write that belongs together (a session and
//! its events, an injection and its doses, a CSV import) is one transaction: a crash or kill
//! leaves either all of it or none of it.

mod csvio;
mod error;
mod feedback;
mod records;
mod schema;
mod sessions;
mod subjects;
mod vocab;

pub use csvio::{export_csv, import_csv, spreadsheet_cell, Table, MAX_RECORD_BYTES};
pub use error::StoreError;
pub use records::{DbsSetting, DiaryEntry, Dose, Injection, Medication};
pub use sessions::{content_sha256, Added, Figures, NewSession, SessionEvent, SessionRow};
pub use subjects::{check_subject_code, Subject};
pub use vocab::{number, AFFECTED_SIDES, GUIDANCE, SEXES, SIDES};

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyConnection, AnyPool, Connection, Executor};
use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which database engine a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// An open record database.
pub struct Store {
    rt: tokio::runtime::Runtime,
    pool: AnyPool,
    backend: Backend,
    url: String,
}

/// The default database: `collis/collis.db` under the user's data directory
/// (`$XDG_DATA_HOME`, else `~/.local/share` on Linux).
pub fn default_path() -> Result<PathBuf> {
    Ok(dirs::data_dir()
        .ok_or(StoreError::NoDataDir)?
        .join("collis")
        .join("collis.db"))
}

/// The connection URL for `spec`: a `postgres://` or `sqlite:` URL as given, anything else a
/// SQLite file path (created with its directory when missing).
fn url_for(spec: &str) -> Result<(String, Backend)> {
    if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
        return Ok((spec.to_string(), Backend::Postgres));
    }
    if spec.starts_with("sqlite:") {
        return Ok((spec.to_string(), Backend::Sqlite));
    }
    let path = PathBuf::from(spec);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Io(dir.display().to_string(), e))?;
    }
    Ok((
        format!("sqlite://{}?mode=rwc", path.display()),
        Backend::Sqlite,
    ))
}

impl Store {
    /// Open (creating and migrating as needed) the database `spec`: a `postgres://` URL, or a
    /// SQLite file path; `None` is [`default_path`].
    pub fn open(spec: Option<&str>) -> Result<Store> {
        let spec = match spec {
            Some(s) => s.to_string(),
            None => default_path()?.display().to_string(),
        };
        let (url, backend) = url_for(&spec)?;
        sqlx::any::install_default_drivers();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| StoreError::Io("the database runtime".into(), e))?;
        let pool = rt.block_on(async {
            // One connection first, prepared as the pool's are: what is wrong (no server, not a
            // database, a read-only file) is said at once, where the pool would retry for 30 s
            // and then say only that it timed out.
            let probe = async {
                let mut conn = AnyConnection::connect(&url).await?;
                prepare(&mut conn, backend).await?;
                conn.close().await
            };
            tokio::time::timeout(OPEN_TIMEOUT, probe)
                .await
                .map_err(|_| {
                    StoreError::Io(
                        redact(&url),
                        std::io::Error::new(
                            std::io::ErrorKind::TimedOut,
                            format!("no answer within {} s", OPEN_TIMEOUT.as_secs()),
                        ),
                    )
                })??;
            Ok::<_, StoreError>(
                AnyPoolOptions::new()
                    // One connection: the CLI does one thing at a time, and SQLite writes
                    // serialise.
                    .max_connections(1)
                    .after_connect(move |conn, _| Box::pin(prepare(conn, backend)))
                    .connect(&url)
                    .await?,
            )
        })?;
        let store = Store {
            rt,
            pool,
            backend,
            url: redact(&url),
        };
        store.block(schema::migrate(&store.pool, backend))?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The connection URL, password left out.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The applied schema version (the latest migration).
    pub fn schema_version(&self) -> Result<i64> {
        let row: AnyRow = self.block(async {
            Ok(
                sqlx::query("SELECT MAX(version) AS v FROM _sqlx_migrations")
                    .fetch_one(&self.pool)
                    .await?,
            )
        })?;
        Ok(sqlx::Row::try_get(&row, "v")?)
    }

    /// Start a write transaction. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`): a second writer then waits for it (busy timeout) instead of failing with
    /// "database is locked" when its read snapshot cannot be upgraded to a write.
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        let begin = match self.backend {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        };
        Ok(self.pool.begin_with(begin).await?)
    }

    fn block<T>(&self, f: impl Future<Output = Result<T>>) -> Result<T> {
        self.rt.block_on(f)
    }
}

/// How long opening the record may wait for the database to answer.
const OPEN_TIMEOUT: Duration = Duration::from_secs(10);

/// What every connection is set to. SQLite: wait up to 10 s for another writer; WAL, so readers
/// never block the writer and a killed writer leaves the last committed state; FULL, so a
/// commit is on disk when it returns; foreign keys checked.
async fn prepare(conn: &mut AnyConnection, backend: Backend) -> Result<(), sqlx::Error> {
    if backend == Backend::Sqlite {
        conn.execute("PRAGMA busy_timeout = 10000").await?;
        conn.execute("PRAGMA journal_mode = WAL").await?;
        conn.execute("PRAGMA synchronous = FULL").await?;
        conn.execute("PRAGMA foreign_keys = ON").await?;
    }
    Ok(())
}

/// `url` (or a SQLite path) without its password, for messages: the one in the user
/// information (`postgres://user:***@host`) and a `password=` query parameter.
pub fn redact(url: &str) -> String {
    let mut out = match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    };
    if let Some(q) = out.find('?') {
        let query: Vec<String> = out[q + 1..]
            .split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                _ => kv.to_string(),
            })
            .collect();
        out = format!("{}?{}", &out[..q], query.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            redact("postgres://collis:secret@127.0.0.1:5432/db"),
            "postgres://collis:***@127.0.0.1:5432/db"
        );
        assert_eq!(redact("postgres://127.0.0.1/db"), "postgres://127.0.0.1/db");
        assert_eq!(
            redact("postgres://c@h/db?sslmode=disable&password=secret"),
            "postgres://c@h/db?sslmode=disable&password=***"
        );
        assert_eq!(redact("/home/a/collis.db"), "/home/a/collis.db");
        let (u, b) = url_for("postgresql://h/db").unwrap();
        assert_eq!((u.as_str(), b), ("postgresql://h/db", Backend::Postgres));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/dir/x.db");
        let (u, b) = url_for(path.to_str().unwrap()).unwrap();
        assert_eq!(b, Backend::Sqlite);
        assert!(
            u.starts_with("sqlite://") && u.ends_with("x.db?mode=rwc"),
            "{u}"
        );
        assert!(path.parent().unwrap().is_dir());
    }
}
