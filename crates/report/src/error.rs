//! The report crate's one error type.

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("drawing {plot}: {message}")]
    Plot { plot: &'static str, message: String },
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
    #[error("Chromium: {0}")]
    Chromium(String),
    #[error(transparent)]
    Store(#[from] collis_store::StoreError),
    /// A session asked for under another subject's code. Its subject is named: whoever reads
    /// the record may read all of it, and the code is a pseudonym.
    #[error(
        "session {id} is of subject '{owner}', not '{subject}' (its report: `collis report {owner} --session {id}`)"
    )]
    OtherSubject {
        id: i64,
        subject: String,
        owner: String,
    },
    #[error("Parquet {file}: {message}")]
    Parquet { file: String, message: String },
    #[error("CSV {file}: {message}")]
    Csv { file: String, message: String },
}
