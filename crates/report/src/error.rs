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
    #[error("Parquet {file}: {message}")]
    Parquet { file: String, message: String },
    #[error("CSV {file}: {message}")]
    Csv { file: String, message: String },
}
