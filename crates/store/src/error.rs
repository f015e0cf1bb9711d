//! The store's one error type.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migrating the database schema: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
    #[error("this system has no user data directory: give the database with --db")]
    NoDataDir,
    #[error("no subject '{0}' (add it with `collis subject add {0}`)")]
    NoSubject(String),
    #[error("subject '{0}' exists already")]
    SubjectExists(String),
    #[error("no session {0}")]
    NoSession(i64),
    #[error("subject '{0}' has no sessions yet (add one with `collis record add {0} FILE`)")]
    NoSessions(String),
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("session {id}: stored results do not parse: {source}")]
    StoredResults { id: i64, source: serde_json::Error },
    #[error("{file}, line {line}: {message}")]
    Csv {
        file: String,
        line: u64,
        message: String,
    },
}

impl StoreError {
    pub(crate) fn invalid(field: &str, message: impl Into<String>) -> Self {
        StoreError::Invalid {
            field: field.to_string(),
            message: message.into(),
        }
    }
}
