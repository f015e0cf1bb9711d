//! A WFDB (PhysioNet) single-segment record: the `.hea` header and its signal files in
//! format 16 (16-bit little-endian two's complement) or 212 (two 12-bit samples packed in 3
//! bytes), following the WFDB specification (header(5), signal(5) in the WFDB Software
//! Package; <https://physionet.org/physiotools/wag/header-5.htm>, `signal-5.htm`).
//!
//! Physical value = (sample − baseline) / gain; the invalid-sample codes (−32768 in format 16,
//! −2048 in 212) become NaN. Signals sharing a file are interleaved frame by frame. Hand
//! written: the `wfdb` crates on crates.io are unmaintained stubs, and the two formats are a
//! few lines each.

use super::{EmgChannelInfo, EmgInfo, EmgOptions};
use crate::error::{ImportError, ImportWarning};
use crate::read_prefix;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Frames per block.
const FRAMES: usize = 4096;
const MAX_SIGNALS: usize = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    F16,
    F212,
}

struct SignalSpec {
    gain: f64,
    baseline: f64,
}

/// One signal file and the signals interleaved in it.
struct Group {
    r: Box<dyn Read + Send>,
    path: PathBuf,
    format: Format,
    signals: Vec<SignalSpec>,
    /// First output channel of this group.
    first: usize,
    bytes: Vec<u8>,
    samples: Vec<i32>,
    offset: u64,
}

pub(crate) struct WfdbReader {
    path: PathBuf,
    info: EmgInfo,
    groups: Vec<Group>,
    remaining: Option<u64>,
    invalid: u64,
    warnings: Vec<ImportWarning>,
    done: bool,
}

/// The whitespace-separated fields of one header line, with its number.
struct HeaderLine<'a> {
    number: u64,
    fields: Vec<&'a str>,
}

impl WfdbReader {
    /// Parses the header `text` of `path`; `open(name)` opens a signal file named in it.
    pub(crate) fn new(
        path: &Path,
        text: &[u8],
        opts: &EmgOptions,
        mut open: impl FnMut(&str) -> Result<(Box<dyn Read + Send>, PathBuf, Option<u64>), ImportError>,
    ) -> Result<Self, ImportError> {
        let text = std::str::from_utf8(text)
            .map_err(|e| ImportError::new(path, format!("the header is not text: {e}")))?;
        let mut lines = text
            .lines()
            .enumerate()
            .map(|(i, l)| HeaderLine {
                number: i as u64 + 1,
                fields: l.split_whitespace().collect(),
            })
            .filter(|l| l.fields.first().is_some_and(|f| !f.starts_with('#')));
        let record = lines
            .next()
            .ok_or_else(|| ImportError::new(path, "empty header: no record line"))?;
        let err = |line: u64, field: &str, msg: String| {
            ImportError::new(path, msg).at_line(line).in_field(field)
        };
        let name = record.fields[0];
        if name.contains('/') {
            return Err(err(
                record.number,
                "record name",
                format!("'{name}' is a multi-segment record, which is not supported"),
            ));
        }
        let nsig_text = record.fields.get(1).copied().unwrap_or("");
        let nsig: usize = nsig_text
            .parse()
            .ok()
            .filter(|n| (1..=MAX_SIGNALS).contains(n))
            .ok_or_else(|| {
                err(
                    record.number,
                    "number of signals",
                    format!("expected 1 to {MAX_SIGNALS}, found '{nsig_text}'"),
                )
            })?;
        let rate_hz = match record.fields.get(2) {
            Some(f) => {
                let end = f.find(['/', '(']).unwrap_or(f.len());
                f[..end]
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite() && *x > 0.0)
                    .ok_or_else(|| {
                        err(
                            record.number,
                            "sampling frequency",
                            format!("expected a positive number of Hz, found '{f}'"),
                        )
                    })?
            }
            // The specification's default is 250 Hz; an explicit --rate wins over a default.
            None => opts.rate_hz.unwrap_or(250.0),
        };
        let remaining = match record.fields.get(3) {
            Some(f) => Some(f.parse::<u64>().map_err(|_| {
                err(
                    record.number,
                    "number of samples per signal",
                    format!("expected a count, found '{f}'"),
                )
            })?),
            None => None,
        };
        let mut channels = Vec::with_capacity(nsig);
        let mut groups: Vec<Group> = Vec::new();
        for k in 0..nsig {
            let line = lines.next().ok_or_else(|| {
                ImportError::new(
                    path,
                    format!("the header lists {} of {nsig} signal lines", k),
                )
                .in_field("signal specification")
            })?;
            let n = line.number;
            let f = &line.fields;
            let field = |what: &str| format!("{what} of signal {}", k + 1);
            let file = f[0];
            if file == "~" {
                return Err(err(
                    n,
                    &field("file name"),
                    "signals without a file ('~') are not supported".into(),
                ));
            }
            let fmt_text = f.get(1).copied().unwrap_or("");
            let digits = fmt_text
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(fmt_text.len());
            let (fmt, modifiers) = fmt_text.split_at(digits);
            let format = match fmt {
                "16" => Format::F16,
                "212" => Format::F212,
                "" => {
                    return Err(err(
                        n,
                        &field("format"),
                        format!("expected a format, found '{fmt_text}'"),
                    ))
                }
                other => {
                    return Err(err(
                        n,
                        &field("format"),
                        format!("format {other} is not supported (16 and 212 are)"),
                    ))
                }
            };
            let mut byte_offset = 0u64;
            if modifiers.contains('x') {
                return Err(err(
                    n,
                    &field("format"),
                    format!("'{fmt_text}': several samples per frame are not supported"),
                ));
            }
            if let Some(i) = modifiers.find('+') {
                byte_offset = modifiers[i + 1..].parse().map_err(|_| {
                    err(
                        n,
                        &field("byte offset"),
                        format!("expected a count in '{fmt_text}'"),
                    )
                })?;
            }
            let (gain, baseline, unit) = match f.get(2) {
                Some(g) => parse_gain(g).ok_or_else(|| {
                    err(
                        n,
                        &field("ADC gain"),
                        format!("expected GAIN[(BASELINE)][/UNITS], found '{g}'"),
                    )
                })?,
                None => (200.0, None, None),
            };
            let adc_zero = match f.get(4) {
                Some(z) => z.parse::<f64>().map_err(|_| {
                    err(
                        n,
                        &field("ADC zero"),
                        format!("expected an integer, found '{z}'"),
                    )
                })?,
                None => 0.0,
            };
            let label = if f.len() > 8 {
                f[8..].join(" ")
            } else {
                format!("sig {}", k + 1)
            };
            channels.push(EmgChannelInfo {
                label,
                unit: unit.unwrap_or_else(|| "mV".to_string()),
                rate_hz,
            });
            let spec = SignalSpec {
                // A gain of 0 means "not calibrated": the specification's default 200 applies.
                gain: if gain == 0.0 { 200.0 } else { gain },
                baseline: baseline.unwrap_or(adc_zero),
            };
            match groups.last_mut() {
                Some(g) if g.path.file_name().and_then(|x| x.to_str()) == Some(file) => {
                    if g.format != format {
                        return Err(err(
                            n,
                            &field("format"),
                            "signals of one file must share a format".into(),
                        ));
                    }
                    g.signals.push(spec);
                }
                _ => {
                    if groups
                        .iter()
                        .any(|g| g.path.file_name().and_then(|x| x.to_str()) == Some(file))
                    {
                        return Err(err(
                            n,
                            &field("file name"),
                            format!("signals of '{file}' are not listed together"),
                        ));
                    }
                    let (mut r, p, _len) = open(file)?;
                    if byte_offset > 0 {
                        let skipped =
                            std::io::copy(&mut (&mut r).take(byte_offset), &mut std::io::sink())
                                .map_err(|e| ImportError::io(&p, "cannot read", e))?;
                        if skipped < byte_offset {
                            return Err(ImportError::new(
                                &p,
                                "file ends before the byte offset of its header line",
                            )
                            .at_offset(skipped));
                        }
                    }
                    groups.push(Group {
                        r,
                        path: p,
                        format,
                        signals: vec![spec],
                        first: k,
                        bytes: Vec::new(),
                        samples: Vec::new(),
                        offset: byte_offset,
                    });
                }
            }
        }
        Ok(WfdbReader {
            path: path.to_path_buf(),
            info: EmgInfo {
                format: format!(
                    "WFDB {}",
                    if groups.iter().all(|g| g.format == Format::F16) {
                        "16"
                    } else {
                        "212"
                    }
                ),
                channels,
                start: (record.fields.len() > 4).then(|| record.fields[4..].join(" ")),
            },
            groups,
            remaining,
            invalid: 0,
            warnings: Vec::new(),
            done: false,
        })
    }

    pub(crate) fn info(&self) -> &EmgInfo {
        &self.info
    }

    pub(crate) fn warnings(&self) -> &[ImportWarning] {
        &self.warnings
    }

    pub(crate) fn read_block(&mut self, out: &mut [Vec<f64>]) -> Result<bool, ImportError> {
        if self.done {
            return Ok(false);
        }
        let want = match self.remaining {
            Some(r) => (r.min(FRAMES as u64)) as usize,
            None => FRAMES,
        };
        let mut frames = usize::MAX;
        for g in &mut self.groups {
            frames = frames.min(g.read(want)?);
        }
        if frames == 0 || want == 0 {
            self.finish();
            return Ok(false);
        }
        for g in &self.groups {
            let n = g.signals.len();
            for (j, spec) in g.signals.iter().enumerate() {
                let dst = &mut out[g.first + j];
                let invalid = match g.format {
                    Format::F16 => -32768,
                    Format::F212 => -2048,
                };
                dst.extend(g.samples.iter().skip(j).step_by(n).take(frames).map(|&d| {
                    if d == invalid {
                        f64::NAN
                    } else {
                        (f64::from(d) - spec.baseline) / spec.gain
                    }
                }));
                self.invalid += dst.iter().filter(|x| x.is_nan()).count() as u64;
            }
        }
        if let Some(r) = &mut self.remaining {
            *r -= frames as u64;
        }
        if frames < want {
            self.finish();
        }
        Ok(true)
    }

    fn finish(&mut self) {
        if self.done {
            return;
        }
        self.done = true;
        if let Some(r) = self.remaining.filter(|&r| r > 0) {
            self.warnings.push(ImportWarning::new(
                &self.path,
                None,
                format!("the signal files end {r} samples before the length in the header"),
            ));
        }
        if self.invalid > 0 {
            self.warnings.push(ImportWarning::new(
                &self.path,
                None,
                format!("{} invalid samples (WFDB 'no data' code)", self.invalid),
            ));
        }
    }
}

/// `GAIN[(BASELINE)][/UNITS]` → (gain, baseline, units).
fn parse_gain(s: &str) -> Option<(f64, Option<f64>, Option<String>)> {
    let (num, units) = match s.split_once('/') {
        Some((a, u)) => (a, Some(u.to_string())),
        None => (s, None),
    };
    let (gain, baseline) = match num.split_once('(') {
        Some((g, b)) => (g, Some(b.strip_suffix(')')?.parse::<f64>().ok()?)),
        None => (num, None),
    };
    let gain = gain
        .parse::<f64>()
        .ok()
        .filter(|g| g.is_finite() && *g >= 0.0)?;
    Some((gain, baseline.filter(|b| b.is_finite()), units))
}

impl Group {
    /// Reads up to `frames` frames into `self.samples`; the number of whole frames read.
    fn read(&mut self, frames: usize) -> Result<usize, ImportError> {
        let n = self.signals.len();
        let samples = frames * n;
        let bytes = match self.format {
            Format::F16 => samples * 2,
            Format::F212 => samples.div_ceil(2) * 3,
        };
        self.bytes.resize(bytes, 0);
        let got = read_prefix(&mut self.r, &mut self.bytes)
            .map_err(|e| ImportError::io(&self.path, "cannot read", e).at_offset(self.offset))?;
        self.offset += got as u64;
        self.samples.clear();
        match self.format {
            Format::F16 => self.samples.extend(
                self.bytes[..got]
                    .chunks_exact(2)
                    .map(|b| i32::from(i16::from_le_bytes([b[0], b[1]]))),
            ),
            Format::F212 => {
                for b in self.bytes[..got].chunks_exact(3) {
                    let s0 = i32::from(b[0]) | (i32::from(b[1] & 0x0f) << 8);
                    let s1 = i32::from(b[2]) | (i32::from(b[1] & 0xf0) << 4);
                    // Sign-extend 12 bits.
                    self.samples.push((s0 << 20) >> 20);
                    self.samples.push((s1 << 20) >> 20);
                }
            }
        }
        Ok((self.samples.len() / n).min(frames))
    }
}
