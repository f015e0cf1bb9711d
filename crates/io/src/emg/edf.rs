//! EDF (Kemp et al., Electroenceph. Clin. Neurophysiol. 1992), EDF+ (Kemp & Olivan 2003,
//! <https://www.edfplus.info/specs/edfplus.html>: "EDF Annotations" signal, time-stamped
//! annotation lists) and BDF/BDF+ (BioSemi: version byte 0xFF + "BIOSEMI", 24-bit samples).
//!
//! Written from the specifications rather than over `edf-rs` 0.2: that crate's API is
//! early-stage and reads whole files; Collis needs record-by-record streaming (memory of one
//! data record), errors that name the byte offset and field of every header problem, and the
//! same code path for EDF and BDF. The format is small (fixed ASCII header, little-endian
//! integers), so a faithful reader is short.

use super::{Annotation, EmgChannelInfo, EmgInfo};
use crate::error::{ImportError, ImportWarning};
use crate::read_prefix;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Largest data record accepted (a corrupt header must not make us allocate gigabytes).
const MAX_RECORD_BYTES: usize = 64 << 20;
/// Largest number of signals (the 4-character field allows 9999).
const MAX_SIGNALS: usize = 4096;

/// One signal's header.
struct Signal {
    label: String,
    samples: usize,
    gain: f64,
    offset: f64,
    /// Byte position of its samples inside a data record.
    start: usize,
    annotation: bool,
}

/// The fixed-width per-signal header fields: (name, width in bytes).
const SIGNAL_FIELDS: [(&str, usize); 10] = [
    ("label", 16),
    ("transducer type", 80),
    ("physical dimension", 8),
    ("physical minimum", 8),
    ("physical maximum", 8),
    ("digital minimum", 8),
    ("digital maximum", 8),
    ("prefiltering", 80),
    ("number of samples in each data record", 8),
    ("reserved", 32),
];

pub(crate) struct EdfReader<R> {
    r: R,
    path: PathBuf,
    info: EmgInfo,
    signals: Vec<Signal>,
    bytes_per_sample: usize,
    record_bytes: usize,
    record_duration_s: f64,
    records: u64,
    records_read: u64,
    header_bytes: u64,
    buf: Vec<u8>,
    annotations: Vec<Annotation>,
    warnings: Vec<ImportWarning>,
    discontinuous: bool,
    gaps: u64,
    clock_mismatch: bool,
}

/// A header field: where it is and what it is called, for errors.
struct Field<'a> {
    bytes: &'a [u8],
    offset: u64,
    name: String,
}

impl Field<'_> {
    fn error(&self, path: &Path, msg: impl Into<String>) -> ImportError {
        ImportError::new(path, msg)
            .at_offset(self.offset)
            .in_field(&self.name)
    }

    /// Text of a free-text field: printable ASCII by the specification; other bytes (often
    /// Latin-1 'µ') are read as Latin-1 rather than refused.
    fn text(&self) -> String {
        self.bytes
            .iter()
            .map(|&b| char::from(b))
            .collect::<String>()
            .trim()
            .to_string()
    }

    /// A numeric field: printable ASCII only.
    fn ascii(&self, path: &Path) -> Result<&str, ImportError> {
        if let Some(b) = self.bytes.iter().find(|b| !(32..=126).contains(*b)) {
            return Err(self.error(
                path,
                format!("byte 0x{b:02x} is not printable ASCII (the header is ASCII text)"),
            ));
        }
        Ok(std::str::from_utf8(self.bytes).unwrap_or_default().trim())
    }

    fn int(&self, path: &Path) -> Result<i64, ImportError> {
        let s = self.ascii(path)?;
        s.parse::<i64>()
            .map_err(|_| self.error(path, format!("expected an integer, found '{s}'")))
    }

    fn number(&self, path: &Path) -> Result<f64, ImportError> {
        let s = self.ascii(path)?;
        match s.parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(x),
            _ => Err(self.error(path, format!("expected a number, found '{s}'"))),
        }
    }
}

fn field(header: &[u8], start: usize, len: usize, name: impl Into<String>) -> Field<'_> {
    Field {
        bytes: &header[start..start + len],
        offset: start as u64,
        name: name.into(),
    }
}

impl<R: Read> EdfReader<R> {
    /// Reads and checks the header; `file_len` (when known) bounds the records.
    pub(crate) fn new(mut r: R, path: &Path, file_len: Option<u64>) -> Result<Self, ImportError> {
        let io_err = |e| ImportError::io(path, "cannot read", e);
        let mut fixed = [0u8; 256];
        let n = read_prefix(&mut r, &mut fixed).map_err(io_err)?;
        if n == 0 {
            return Err(ImportError::new(path, "empty file"));
        }
        if n < 256 {
            return Err(ImportError::new(
                path,
                format!("file ends inside the 256-byte EDF header ({n} bytes)"),
            )
            .at_offset(n as u64));
        }
        let version = field(&fixed, 0, 8, "version");
        let bdf = fixed[0] == 0xff && &fixed[1..8] == b"BIOSEMI";
        if !bdf && version.bytes != b"0       " {
            return Err(version.error(
                path,
                format!(
                    "expected '0' (EDF) or 0xFF 'BIOSEMI' (BDF), found '{}'",
                    version.text()
                ),
            ));
        }
        let header_bytes_f = field(&fixed, 184, 8, "number of bytes in header record");
        let reserved = field(&fixed, 192, 44, "reserved").text();
        let records_f = field(&fixed, 236, 8, "number of data records");
        let duration_f = field(&fixed, 244, 8, "duration of a data record");
        let ns_f = field(&fixed, 252, 4, "number of signals");
        let ns = ns_f.int(path)?;
        if !(1..=MAX_SIGNALS as i64).contains(&ns) {
            return Err(ns_f.error(path, format!("expected 1 to {MAX_SIGNALS}, found {ns}")));
        }
        let ns = ns as usize;
        let header_bytes = header_bytes_f.int(path)?;
        let expected = 256 * (ns as i64 + 1);
        if header_bytes != expected {
            return Err(header_bytes_f.error(
                path,
                format!("{header_bytes} does not match 256 × (1 + {ns} signals) = {expected}"),
            ));
        }
        let records = records_f.int(path)?;
        if records < -1 {
            return Err(records_f.error(path, format!("expected −1 or a count, found {records}")));
        }
        let record_duration_s = duration_f.number(path)?;
        if record_duration_s <= 0.0 {
            return Err(duration_f.error(
                path,
                format!(
                    "expected a positive number of seconds, found {record_duration_s} \
                     (annotation-only files hold no signal)"
                ),
            ));
        }
        if let Some(len) = file_len {
            if len < header_bytes as u64 {
                return Err(ImportError::new(
                    path,
                    format!("file ends inside the header ({len} of {header_bytes} bytes)"),
                )
                .at_offset(len));
            }
        }
        let mut sig = vec![0u8; 256 * ns];
        let got = read_prefix(&mut r, &mut sig).map_err(io_err)?;
        if got < sig.len() {
            return Err(ImportError::new(
                path,
                format!(
                    "file ends inside the signal headers ({got} of {} bytes)",
                    sig.len()
                ),
            )
            .at_offset(256 + got as u64));
        }
        // The whole header as one buffer, so field offsets are file offsets.
        let mut header = fixed.to_vec();
        header.extend_from_slice(&sig);
        let bytes_per_sample = if bdf { 3 } else { 2 };
        let (dig_lo, dig_hi) = if bdf {
            (-(1i64 << 23), (1i64 << 23) - 1)
        } else {
            (i16::MIN as i64, i16::MAX as i64)
        };
        let annotation_label = if bdf {
            "BDF Annotations"
        } else {
            "EDF Annotations"
        };
        let plus = reserved.starts_with("EDF+") || reserved.starts_with("BDF+");
        let discontinuous = reserved.starts_with("EDF+D") || reserved.starts_with("BDF+D");
        let field_of = |j: usize, k: usize| {
            let start = 256
                + SIGNAL_FIELDS[..j].iter().map(|f| f.1).sum::<usize>() * ns
                + k * SIGNAL_FIELDS[j].1;
            field(
                &header,
                start,
                SIGNAL_FIELDS[j].1,
                format!("{} of signal {}", SIGNAL_FIELDS[j].0, k + 1),
            )
        };
        let mut signals = Vec::with_capacity(ns);
        let mut channels = Vec::new();
        let mut start = 0usize;
        for k in 0..ns {
            let label = field_of(0, k).text();
            let annotation = plus && label == annotation_label;
            let unit = field_of(2, k).text();
            let samples_f = field_of(8, k);
            let samples = samples_f.int(path)?;
            if samples < 1 || samples as usize > MAX_RECORD_BYTES / bytes_per_sample {
                return Err(
                    samples_f.error(path, format!("expected a positive count, found {samples}"))
                );
            }
            let samples = samples as usize;
            let (dmin_f, dmax_f) = (field_of(5, k), field_of(6, k));
            let (dmin, dmax) = (dmin_f.int(path)?, dmax_f.int(path)?);
            for (f, v) in [(&dmin_f, dmin), (&dmax_f, dmax)] {
                if !(dig_lo..=dig_hi).contains(&v) {
                    return Err(f.error(
                        path,
                        format!(
                            "{v} is outside the {}-bit sample range",
                            8 * bytes_per_sample
                        ),
                    ));
                }
            }
            if dmax <= dmin {
                return Err(dmax_f.error(
                    path,
                    format!("digital maximum {dmax} is not above the digital minimum {dmin}"),
                ));
            }
            let (pmin_f, pmax_f) = (field_of(3, k), field_of(4, k));
            let (pmin, pmax) = (pmin_f.number(path)?, pmax_f.number(path)?);
            if pmin == pmax && !annotation {
                return Err(pmax_f.error(
                    path,
                    format!("physical maximum equals the physical minimum ({pmin})"),
                ));
            }
            let gain = (pmax - pmin) / (dmax - dmin) as f64;
            if !annotation {
                channels.push(EmgChannelInfo {
                    label: label.clone(),
                    unit: if unit.is_empty() {
                        "unknown".to_string()
                    } else {
                        unit
                    },
                    rate_hz: samples as f64 / record_duration_s,
                });
            }
            signals.push(Signal {
                label,
                samples,
                gain,
                offset: pmax - gain * dmax as f64,
                start,
                annotation,
            });
            start += samples * bytes_per_sample;
            if start > MAX_RECORD_BYTES {
                return Err(samples_f.error(
                    path,
                    format!("a data record of more than {} MiB", MAX_RECORD_BYTES >> 20),
                ));
            }
        }
        if channels.is_empty() {
            return Err(ns_f.error(path, "no ordinary signal, only annotations"));
        }
        let record_bytes = start;
        let mut warnings = Vec::new();
        let records = match (records, file_len) {
            (n, Some(len)) => {
                let body = len - header_bytes as u64;
                let whole = body / record_bytes as u64;
                if n == -1 {
                    whole
                } else if (n as u64) > whole {
                    warnings.push(ImportWarning::new(
                        path,
                        None,
                        format!(
                            "the header announces {n} data records, the file holds {whole} \
                             complete ones (truncated): read those"
                        ),
                    ));
                    whole
                } else {
                    if (n as u64) < whole || !body.is_multiple_of(record_bytes as u64) {
                        warnings.push(ImportWarning::new(
                            path,
                            None,
                            format!("bytes after data record {n} ignored"),
                        ));
                    }
                    n as u64
                }
            }
            (-1, None) => u64::MAX,
            (n, None) => n as u64,
        };
        if records == 0 {
            return Err(records_f.error(path, "no data records"));
        }
        let date = field(&fixed, 168, 8, "startdate").text();
        let time = field(&fixed, 176, 8, "starttime").text();
        let format = match (bdf, plus, discontinuous) {
            (false, false, _) => "EDF",
            (false, true, false) => "EDF+C",
            (false, true, true) => "EDF+D",
            (true, false, _) => "BDF",
            (true, true, false) => "BDF+C",
            (true, true, true) => "BDF+D",
        };
        Ok(EdfReader {
            r,
            path: path.to_path_buf(),
            info: EmgInfo {
                format: format.to_string(),
                channels,
                start: Some(format!("{date} {time}")),
            },
            signals,
            bytes_per_sample,
            record_bytes,
            record_duration_s,
            records,
            records_read: 0,
            header_bytes: header_bytes as u64,
            buf: vec![0; record_bytes],
            annotations: Vec::new(),
            warnings,
            discontinuous,
            gaps: 0,
            clock_mismatch: false,
        })
    }

    pub(crate) fn info(&self) -> &EmgInfo {
        &self.info
    }

    pub(crate) fn annotations(&self) -> &[Annotation] {
        &self.annotations
    }

    pub(crate) fn warnings(&self) -> &[ImportWarning] {
        &self.warnings
    }

    /// Reads one data record: every ordinary signal's samples, in physical units.
    pub(crate) fn read_block(&mut self, out: &mut [Vec<f64>]) -> Result<bool, ImportError> {
        if self.records_read >= self.records {
            self.finish();
            return Ok(false);
        }
        let offset = self.header_bytes + self.records_read * self.record_bytes as u64;
        let n = read_prefix(&mut self.r, &mut self.buf)
            .map_err(|e| ImportError::io(&self.path, "cannot read", e).at_offset(offset))?;
        if n < self.record_bytes {
            // Only reached when the length was unknown (a stream) or the file shrank.
            if n > 0 || self.records != u64::MAX {
                self.warnings.push(ImportWarning::new(
                    &self.path,
                    None,
                    format!(
                        "file ends inside data record {} (byte {}): the partial record is ignored",
                        self.records_read + 1,
                        offset + n as u64
                    ),
                ));
            }
            self.records = self.records_read;
            self.finish();
            return Ok(false);
        }
        let mut channel = 0;
        let mut first_annotation = true;
        for sig in &self.signals {
            let bytes = &self.buf[sig.start..sig.start + sig.samples * self.bytes_per_sample];
            if sig.annotation {
                let field = format!("{} (record {})", sig.label, self.records_read + 1);
                let (clock, notes) =
                    parse_tals(bytes, offset + sig.start as u64, &field, &self.path)?;
                self.annotations.extend(notes);
                if std::mem::take(&mut first_annotation) {
                    let expected = self.records_read as f64 * self.record_duration_s;
                    let off_clock = clock.is_some_and(|t| {
                        self.records_read > 0
                            && (t - expected).abs() > 1e-3 * self.record_duration_s
                    });
                    if off_clock && self.discontinuous {
                        self.gaps += 1;
                    } else if off_clock {
                        self.clock_mismatch = true;
                    }
                }
                continue;
            }
            let dst = &mut out[channel];
            channel += 1;
            let (gain, off) = (sig.gain, sig.offset);
            if self.bytes_per_sample == 2 {
                dst.extend(
                    bytes
                        .chunks_exact(2)
                        .map(|b| gain * f64::from(i16::from_le_bytes([b[0], b[1]])) + off),
                );
            } else {
                dst.extend(bytes.chunks_exact(3).map(|b| {
                    // Sign-extend the little-endian 24-bit integer.
                    let v = i32::from_le_bytes([0, b[0], b[1], b[2]]) >> 8;
                    gain * f64::from(v) + off
                }));
            }
        }
        self.records_read += 1;
        Ok(true)
    }

    fn finish(&mut self) {
        let path = self.path.clone();
        if self.gaps > 0 {
            self.gaps = 0;
            self.warnings.push(ImportWarning::new(
                &path,
                None,
                "discontinuous EDF+D: data records with gaps between them are analysed as one \
                 continuous signal"
                    .to_string(),
            ));
        }
        if self.clock_mismatch {
            self.clock_mismatch = false;
            self.warnings.push(ImportWarning::new(
                &path,
                None,
                "record start times in the annotations do not follow the record duration"
                    .to_string(),
            ));
        }
    }
}

/// Parses the time-stamped annotation lists (TALs) of one annotation signal in one record:
/// `+onset[\x15duration]\x14text\x14…\x14\x00`, NUL-padded. Returns the onset of the first
/// TAL when it carries no text (the record's time-keeping TAL) and the annotations.
fn parse_tals(
    bytes: &[u8],
    at: u64,
    field: &str,
    path: &Path,
) -> Result<(Option<f64>, Vec<Annotation>), ImportError> {
    let mut pos = 0usize;
    let mut clock = None;
    let mut notes = Vec::new();
    for (i, tal) in bytes.split(|&b| b == 0).enumerate() {
        let tal_at = at + pos as u64;
        pos += tal.len() + 1;
        if tal.is_empty() {
            continue;
        }
        let err = |msg: String| {
            ImportError::new(path, msg)
                .at_offset(tal_at)
                .in_field(field)
        };
        let Some(sep) = tal.iter().position(|&b| b == 0x14) else {
            return Err(err(
                "annotation list without the 0x14 byte after its onset".to_string()
            ));
        };
        let (time, rest) = (&tal[..sep], &tal[sep + 1..]);
        let mut parts = time.split(|&b| b == 0x15);
        let onset_bytes = parts.next().unwrap_or_default();
        let text = String::from_utf8_lossy(onset_bytes);
        let onset_s = match onset_bytes.first() {
            Some(b'+' | b'-') => text.parse::<f64>().ok().filter(|x| x.is_finite()),
            _ => None,
        }
        .ok_or_else(|| err(format!("onset '{text}' is not a signed number of seconds")))?;
        let duration_s = match parts.next() {
            Some(d) => {
                let t = String::from_utf8_lossy(d);
                Some(
                    t.parse::<f64>()
                        .ok()
                        .filter(|x| x.is_finite() && *x >= 0.0)
                        .ok_or_else(|| err(format!("duration '{t}' is not a number of seconds")))?,
                )
            }
            None => None,
        };
        let mut texts = rest
            .split(|&b| b == 0x14)
            .filter(|t| !t.is_empty())
            .peekable();
        if i == 0 && texts.peek().is_none() {
            clock = Some(onset_s);
        }
        notes.extend(texts.map(|t| Annotation {
            onset_s,
            duration_s,
            text: String::from_utf8_lossy(t).into_owned(),
        }));
    }
    Ok((clock, notes))
}
