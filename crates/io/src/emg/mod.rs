//! Surface-EMG readers: EDF, EDF+ (with annotations), BDF/BDF+ (24-bit), a WFDB record
//! (`.hea` + `.dat`, formats 16 and 212), and delimited text (CSV/TSV with a time column or a
//! given rate, and the OpenSignals "Simple Text Format").
//!
//! [`open_emg`] detects the format and returns an [`EmgReader`] that streams the recording in
//! blocks (one EDF data record, or a few thousand rows): per channel the samples of the same
//! span of time, in physical units. Memory is one block, whatever the recording length.
//! Every problem names the file and the byte offset (binary) or line (text) and the field.
//! [`EdfWriter`] writes plain EDF.

mod edf;
mod edf_writer;
mod text;
mod wfdb;

pub use edf_writer::{EdfChannel, EdfWriter};

use crate::error::{ImportError, ImportWarning};
use std::io::Read;
use std::path::Path;

/// One channel as the file describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct EmgChannelInfo {
    pub label: String,
    /// Physical unit ("uV", "mV", "ADC counts"…).
    pub unit: String,
    pub rate_hz: f64,
}

/// A timed note in the recording (EDF+ annotation).
#[derive(Debug, Clone, PartialEq)]
pub struct Annotation {
    /// Seconds from the start of the recording.
    pub onset_s: f64,
    pub duration_s: Option<f64>,
    pub text: String,
}

/// What the file says about the recording.
#[derive(Debug, Clone, PartialEq)]
pub struct EmgInfo {
    /// "EDF", "EDF+C", "BDF", "WFDB 212", "OpenSignals text", "CSV"…
    pub format: String,
    pub channels: Vec<EmgChannelInfo>,
    /// Start date and time as written in the file, when it has them.
    pub start: Option<String>,
}

/// User overrides for an EMG import.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct EmgOptions {
    /// `--rate`: required for text without a time column or rate header; otherwise checked.
    pub rate_hz: Option<f64>,
}

/// The formats [`open_emg`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmgFormat {
    /// EDF, EDF+, BDF, BDF+ (told apart by the version field).
    Edf,
    /// A WFDB header; its signal files are read next to it.
    Wfdb,
    /// CSV/TSV/whitespace-separated text.
    Text,
}

impl EmgFormat {
    /// The format of a file, from its extension and first bytes; `None` when it is not EMG.
    pub fn detect(path: &Path, prefix: &[u8]) -> Option<EmgFormat> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase());
        match ext.as_deref() {
            Some("edf" | "bdf" | "rec") => return Some(EmgFormat::Edf),
            Some("hea") => return Some(EmgFormat::Wfdb),
            Some("zip") => return None,
            _ => {}
        }
        if prefix.starts_with(b"\xffBIOSEMI") || prefix.starts_with(b"0       ") {
            return Some(EmgFormat::Edf);
        }
        if prefix.starts_with(b"# Simple Text Format") || prefix.starts_with(b"# OpenSignals") {
            return Some(EmgFormat::Text);
        }
        // Delimited text whose header names a muscle or says EMG.
        let text = String::from_utf8_lossy(prefix);
        let header = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))?;
        header
            .split([',', '\t', ';'])
            .any(|cell| {
                collis_core::emg::MuscleSite::from_label(cell).is_some()
                    || cell.to_ascii_lowercase().contains("emg")
            })
            .then_some(EmgFormat::Text)
    }
}

enum Inner {
    Edf(edf::EdfReader<Box<dyn Read + Send>>),
    Wfdb(wfdb::WfdbReader),
    Text(text::TextReader),
}

/// A streaming EMG recording.
pub struct EmgReader {
    info: EmgInfo,
    inner: Inner,
}

impl std::fmt::Debug for EmgReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmgReader")
            .field("info", &self.info)
            .finish()
    }
}

impl EmgReader {
    pub fn info(&self) -> &EmgInfo {
        &self.info
    }

    /// Reads the next block into `out` (one `Vec` per channel, cleared first; allocation is
    /// reused). Returns `false` at the end of the recording.
    pub fn read_block(&mut self, out: &mut Vec<Vec<f64>>) -> Result<bool, ImportError> {
        out.resize_with(self.info.channels.len(), Vec::new);
        out.iter_mut().for_each(Vec::clear);
        match &mut self.inner {
            Inner::Edf(r) => r.read_block(out),
            Inner::Wfdb(r) => r.read_block(out),
            Inner::Text(r) => r.read_block(out),
        }
    }

    /// Annotations read so far (EDF+ keeps them in the data records: all are known at the end).
    pub fn annotations(&self) -> &[Annotation] {
        match &self.inner {
            Inner::Edf(r) => r.annotations(),
            _ => &[],
        }
    }

    /// Warnings so far (complete once the stream has been read to its end).
    pub fn warnings(&self) -> &[ImportWarning] {
        match &self.inner {
            Inner::Edf(r) => r.warnings(),
            Inner::Wfdb(r) => r.warnings(),
            Inner::Text(r) => r.warnings(),
        }
    }
}

/// Opens an EMG recording of a known format for streaming.
pub fn open_emg_as(
    path: &Path,
    format: EmgFormat,
    opts: &EmgOptions,
) -> Result<EmgReader, ImportError> {
    let open = |p: &Path| -> Result<Box<dyn Read + Send>, ImportError> {
        let f = std::fs::File::open(p).map_err(|e| ImportError::io(p, "cannot open", e))?;
        Ok(Box::new(std::io::BufReader::with_capacity(1 << 16, f)))
    };
    let len = |p: &Path| std::fs::metadata(p).map(|m| m.len()).ok();
    match format {
        EmgFormat::Edf => {
            let r = edf::EdfReader::new(open(path)?, path, len(path))?;
            Ok(EmgReader {
                info: r.info().clone(),
                inner: Inner::Edf(r),
            })
        }
        EmgFormat::Wfdb => {
            let text = std::fs::read(path).map_err(|e| ImportError::io(path, "cannot read", e))?;
            let dir = path.parent().unwrap_or(Path::new("."));
            let r = wfdb::WfdbReader::new(path, &text, opts, |name| {
                let p = dir.join(name);
                Ok((open(&p)?, p, len(&dir.join(name))))
            })?;
            Ok(EmgReader {
                info: r.info().clone(),
                inner: Inner::Wfdb(r),
            })
        }
        EmgFormat::Text => {
            let r = text::TextReader::new(open(path)?, path, opts)?;
            Ok(EmgReader {
                info: r.info().clone(),
                inner: Inner::Text(r),
            })
        }
    }
}

/// Opens an EMG recording, detecting the format from the extension and first bytes; a text
/// file that is not recognised as EMG by its header is read as delimited EMG text.
pub fn open_emg(path: &Path, opts: &EmgOptions) -> Result<EmgReader, ImportError> {
    open_emg_as(path, detect_file(path)?.unwrap_or(EmgFormat::Text), opts)
}

/// The EMG format of a file, or `None` when neither its name nor its first bytes say EMG.
pub fn detect_file(path: &Path) -> Result<Option<EmgFormat>, ImportError> {
    let mut prefix = [0u8; 4096];
    let mut f = std::fs::File::open(path).map_err(|e| ImportError::io(path, "cannot open", e))?;
    let n = crate::read_prefix(&mut f, &mut prefix)
        .map_err(|e| ImportError::io(path, "cannot read", e))?;
    Ok(EmgFormat::detect(path, &prefix[..n]))
}

/// Reads a recording held in memory (tests and fuzzing): `main` is the EDF file, the WFDB
/// header or the text; `signal` the bytes every WFDB signal file name resolves to.
pub fn open_emg_bytes(
    path: &Path,
    format: EmgFormat,
    main: Vec<u8>,
    signal: Vec<u8>,
    opts: &EmgOptions,
) -> Result<EmgReader, ImportError> {
    match format {
        EmgFormat::Edf => {
            let len = main.len() as u64;
            let r = edf::EdfReader::new(
                Box::new(std::io::Cursor::new(main)) as Box<dyn Read + Send>,
                path,
                Some(len),
            )?;
            Ok(EmgReader {
                info: r.info().clone(),
                inner: Inner::Edf(r),
            })
        }
        EmgFormat::Wfdb => {
            let r = wfdb::WfdbReader::new(path, &main, opts, |name| {
                let len = signal.len() as u64;
                let r: Box<dyn Read + Send> = Box::new(std::io::Cursor::new(signal.clone()));
                Ok((r, path.with_file_name(name), Some(len)))
            })?;
            Ok(EmgReader {
                info: r.info().clone(),
                inner: Inner::Wfdb(r),
            })
        }
        EmgFormat::Text => {
            let r = text::TextReader::new(Box::new(std::io::Cursor::new(main)), path, opts)?;
            Ok(EmgReader {
                info: r.info().clone(),
                inner: Inner::Text(r),
            })
        }
    }
}
