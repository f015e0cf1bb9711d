//! Errors and warnings of the readers and writers. Every message names the file, and the
//! 1-based line (text) or byte offset (binary) and the field when there is one:
//! `rec.csv:17: field 'gyr_x': expected a number, found 'abc'`,
//! `rec.edf: byte 236: field 'number of data records': expected an integer, found 'x'`.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// Where in the input a problem is: file, optional line, optional field.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Location {
    path: PathBuf,
    line: Option<u64>,
    offset: Option<u64>,
    field: Option<String>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        f.write_str(": ")?;
        if let Some(offset) = self.offset {
            write!(f, "byte {offset}: ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "field '{field}': ")?;
        }
        Ok(())
    }
}

/// A recording that cannot be read (or whose data are unusable).
#[derive(Debug, thiserror::Error)]
#[error("{location}{message}")]
pub struct ImportError {
    location: Location,
    message: String,
    #[source]
    source: Option<io::Error>,
}

impl ImportError {
    pub(crate) fn new(path: &Path, message: impl Into<String>) -> Self {
        ImportError {
            location: Location {
                path: path.to_path_buf(),
                line: None,
                offset: None,
                field: None,
            },
            message: message.into(),
            source: None,
        }
    }

    /// An I/O failure while doing `what` (e.g. "cannot read").
    pub(crate) fn io(path: &Path, what: &str, err: io::Error) -> Self {
        let mut e = ImportError::new(path, format!("{what}: {err}"));
        e.source = Some(err);
        e
    }

    pub(crate) fn at_line(mut self, line: u64) -> Self {
        self.location.line = Some(line);
        self
    }

    /// At this byte offset of a binary file (EDF/BDF header field, WFDB signal file).
    pub(crate) fn at_offset(mut self, offset: u64) -> Self {
        self.location.offset = Some(offset);
        self
    }

    pub(crate) fn in_field(mut self, field: &str) -> Self {
        self.location.field = Some(field.to_string());
        self
    }

    /// The file (for a zip member or a file of a recording directory: `rec.zip/Gyroscope.csv`).
    pub fn path(&self) -> &Path {
        &self.location.path
    }

    /// The 1-based line, when the problem is on one line.
    pub fn line(&self) -> Option<u64> {
        self.location.line
    }

    /// The byte offset, when the problem is in a binary file.
    pub fn offset(&self) -> Option<u64> {
        self.location.offset
    }

    /// The column name, when the problem is in one field.
    pub fn field(&self) -> Option<&str> {
        self.location.field.as_deref()
    }

    /// The message without the location.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Something suspicious in a recording that was read anyway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportWarning {
    location: Location,
    message: String,
}

impl ImportWarning {
    pub(crate) fn new(path: &Path, line: Option<u64>, message: impl Into<String>) -> Self {
        ImportWarning {
            location: Location {
                path: path.to_path_buf(),
                line,
                offset: None,
                field: None,
            },
            message: message.into(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.location.path
    }

    pub fn line(&self) -> Option<u64> {
        self.location.line
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ImportWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.location, self.message)
    }
}

/// A CSV output that cannot be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {}: {source}", path.display())]
pub struct WriteError {
    path: PathBuf,
    #[source]
    source: io::Error,
}

impl WriteError {
    pub(crate) fn new(path: &Path, source: io::Error) -> Self {
        WriteError {
            path: path.to_path_buf(),
            source,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_file_line_and_field() {
        let e = ImportError::new(Path::new("rec.csv"), "expected a number, found 'abc'")
            .at_line(17)
            .in_field("gyr_x");
        assert_eq!(
            e.to_string(),
            "rec.csv:17: field 'gyr_x': expected a number, found 'abc'"
        );
        assert_eq!((e.line(), e.field()), (Some(17), Some("gyr_x")));
        let w = ImportWarning::new(
            Path::new("nod.txt"),
            Some(120),
            "3 duplicated timestamps dropped (first at line 120)",
        );
        assert_eq!(
            w.to_string(),
            "nod.txt:120: 3 duplicated timestamps dropped (first at line 120)"
        );
        let e = ImportError::new(Path::new("x.csv"), "empty file");
        assert_eq!(e.to_string(), "x.csv: empty file");
    }
}
