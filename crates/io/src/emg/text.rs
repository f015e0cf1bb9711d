//! EMG as delimited text: one row per sample, one column per channel.
//!
//! - OpenSignals / BioSPPy "# Simple Text Format": `# Sampling Rate (Hz):= 1000.00`,
//!   `# Resolution:= 12`, `# Labels:= EMG` comment lines, then whitespace-separated ADC counts.
//! - CSV/TSV/semicolon/whitespace with a header row: a time column (`time`, `time_s`, `t`,
//!   `timestamp`, `time_ms` in milliseconds) gives the rate; otherwise `--rate` must. Units in
//!   column names are read: `SCM-L [uV]`, `SCM-R (mV)`.
//! - No header row: channels `ch1`, `ch2`…, rate from `--rate`.
//!
//! `nan` cells are kept as NaN samples (counted in a warning); anything else that is not a
//! number is an error naming line and column.

use super::{EmgChannelInfo, EmgInfo, EmgOptions};
use crate::error::{ImportError, ImportWarning};
use crate::header::line_error;
use crate::lines::LineReader;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Rows per block.
const ROWS: usize = 4096;
/// Allowed disagreement between `--rate` and the time column.
const RATE_TOLERANCE: f64 = 0.01;

/// Relative closeness to a whole number of hertz below which a rate from the time column is
/// taken as that whole number: decimal timestamps parsed into binary floats leave errors of
/// ≈ 1e-16 (`2000.0000000000002` Hz), far below any time column's resolution (1 µs over a
/// 4096-row block at 2 kHz is ≈ 5e-7).
const WHOLE_HZ_TOLERANCE: f64 = 1e-9;

/// The sampling rate of `intervals` sample intervals spanning `span_s` seconds, snapped to a
/// whole number of hertz when it is one within floating-point error.
fn rate_from_span(intervals: usize, span_s: f64) -> f64 {
    let rate = intervals as f64 / span_s;
    let whole = rate.round();
    if whole > 0.0 && (rate - whole).abs() <= WHOLE_HZ_TOLERANCE * whole {
        whole
    } else {
        rate
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Delim {
    Byte(u8),
    Whitespace,
}

pub(crate) struct TextReader {
    lines: LineReader,
    path: PathBuf,
    info: EmgInfo,
    delim: Delim,
    /// Column of the time, and its scale to seconds.
    time: Option<(usize, f64)>,
    columns: usize,
    names: Vec<String>,
    /// Rows read ahead to learn the rate, handed out by the first `read_block`.
    pending: Option<Vec<Vec<f64>>>,
    /// The current row's text (reused).
    row: String,
    last_time: Option<(f64, u64)>,
    nan: u64,
    gaps: u64,
    warnings: Vec<ImportWarning>,
    done: bool,
}

fn split(line: &str, delim: Delim) -> Vec<&str> {
    match delim {
        Delim::Byte(b) => line.split(char::from(b)).map(str::trim).collect(),
        Delim::Whitespace => line.split_whitespace().collect(),
    }
}

fn guess_delim(line: &str) -> Delim {
    for b in [b'\t', b',', b';'] {
        if line.contains(char::from(b)) {
            return Delim::Byte(b);
        }
    }
    Delim::Whitespace
}

/// `SCM-L [uV]` → ("SCM-L", Some("uV")).
fn name_and_unit(name: &str) -> (String, Option<String>) {
    for (open, close) in [('[', ']'), ('(', ')')] {
        if let (Some(a), true) = (name.rfind(open), name.ends_with(close)) {
            let unit = name[a + 1..name.len() - 1].trim();
            if !unit.is_empty() && unit.len() <= 8 {
                return (name[..a].trim().to_string(), Some(unit.to_string()));
            }
        }
    }
    (name.trim().to_string(), None)
}

fn time_scale(name: &str) -> Option<f64> {
    let (n, unit) = name_and_unit(&name.to_ascii_lowercase());
    let base = match n.as_str() {
        "time" | "t" | "timestamp" | "seconds" | "sec" | "time_s" => 1.0,
        "time_ms" | "ms" | "t_ms" => 1e-3,
        _ => return None,
    };
    Some(match unit.as_deref() {
        Some("ms") => 1e-3,
        Some("s") => 1.0,
        _ => base,
    })
}

impl TextReader {
    pub(crate) fn new(
        inner: Box<dyn Read + Send>,
        path: &Path,
        opts: &EmgOptions,
    ) -> Result<Self, ImportError> {
        let mut lines = LineReader::new(inner);
        let mut keys: Vec<(String, String, u64)> = Vec::new();
        let mut open_signals = false;
        // Comment lines, then the first data or header line.
        let (first, first_no) = loop {
            let Some(line) = lines.next_line().map_err(|e| line_error(path, e))? else {
                return Err(ImportError::new(path, "no data rows"));
            };
            let text = std::str::from_utf8(line.bytes)
                .map_err(|_| ImportError::new(path, "not UTF-8 text").at_line(line.number))?;
            let t = text.trim();
            if t.is_empty() {
                continue;
            }
            if let Some(c) = t.strip_prefix('#') {
                open_signals |= c.trim().starts_with("Simple Text Format");
                if let Some((k, v)) = c.split_once(":=") {
                    keys.push((k.trim().to_string(), v.trim().to_string(), line.number));
                }
                continue;
            }
            break (t.to_string(), line.number);
        };
        let delim = guess_delim(&first);
        let cells = split(&first, delim);
        let numeric = cells
            .iter()
            .all(|c| c.eq_ignore_ascii_case("nan") || fast_float2::parse::<f64, _>(c).is_ok());
        let names: Vec<String> = if numeric {
            (1..=cells.len()).map(|i| format!("ch{i}")).collect()
        } else {
            cells.iter().map(|c| c.to_string()).collect()
        };
        let time = names
            .iter()
            .enumerate()
            .find_map(|(i, n)| time_scale(n).map(|s| (i, s)));
        let key = |k: &str| keys.iter().find(|(name, _, _)| name.starts_with(k));
        let header_rate = match key("Sampling Rate") {
            Some((k, v, line)) => Some(
                v.parse::<f64>()
                    .ok()
                    .filter(|r| r.is_finite() && *r > 0.0)
                    .ok_or_else(|| {
                        ImportError::new(path, format!("expected a rate in Hz, found '{v}'"))
                            .at_line(*line)
                            .in_field(k)
                    })?,
            ),
            None => None,
        };
        let labels: Option<Vec<String>> = key("Labels").map(|(_, v, _)| {
            v.split([',', '\t', ' '])
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        });
        let resolution = key("Resolution").map(|(_, v, _)| v.clone());
        let columns = cells.len();
        let mut channel_names = Vec::new();
        let mut units = Vec::new();
        for (i, n) in names.iter().enumerate() {
            if time.is_some_and(|(t, _)| t == i) {
                continue;
            }
            let (name, unit) = name_and_unit(n);
            let idx = channel_names.len();
            channel_names.push(
                labels
                    .as_ref()
                    .and_then(|l| l.get(idx).cloned())
                    .filter(|_| numeric)
                    .unwrap_or(name),
            );
            units.push(unit.unwrap_or_else(|| {
                if resolution.is_some() {
                    "ADC counts".to_string()
                } else {
                    "unknown".to_string()
                }
            }));
        }
        if channel_names.is_empty() {
            return Err(
                ImportError::new(path, "no signal column besides the time").at_line(first_no)
            );
        }
        let format = if open_signals {
            "OpenSignals text".to_string()
        } else {
            match delim {
                Delim::Byte(b'\t') => "TSV",
                Delim::Byte(b',') => "CSV",
                Delim::Byte(_) => "CSV (semicolon)",
                Delim::Whitespace => "text",
            }
            .to_string()
        };
        let mut reader = TextReader {
            lines,
            path: path.to_path_buf(),
            info: EmgInfo {
                format,
                channels: Vec::new(),
                start: None,
            },
            delim,
            time,
            columns,
            names,
            pending: None,
            row: String::new(),
            last_time: None,
            nan: 0,
            gaps: 0,
            warnings: Vec::new(),
            done: false,
        };
        // Read the first block ahead (it includes the first line when that is data).
        let mut block = vec![Vec::new(); channel_names.len()];
        let mut times = Vec::new();
        if numeric {
            reader.parse_row(&first, first_no, &mut block, &mut times)?;
        }
        reader.fill(&mut block, &mut times, ROWS)?;
        let from_time = match (times.first(), times.last()) {
            (Some(a), Some(b)) if times.len() >= 2 && b > a => {
                Some(rate_from_span(times.len() - 1, b - a))
            }
            _ if time.is_some() && times.len() >= 2 => {
                return Err(ImportError::new(path, "the time column does not increase")
                    .in_field(&reader.names[time.unwrap_or_default().0]))
            }
            _ => None,
        };
        let rate_hz = match (from_time.or(header_rate), opts.rate_hz) {
            (Some(r), Some(given)) if (r - given).abs() > RATE_TOLERANCE * r => {
                let field = match time {
                    Some((t, _)) => reader.names[t].clone(),
                    None => "Sampling Rate".to_string(),
                };
                return Err(ImportError::new(
                    path,
                    format!("the file says {r:.3} Hz, --rate says {given} Hz"),
                )
                .in_field(&field));
            }
            (Some(r), _) => r,
            (None, Some(given)) => given,
            (None, None) => {
                return Err(ImportError::new(
                    path,
                    "no time column and no sampling-rate header: give --rate HZ",
                ))
            }
        };
        if !(rate_hz.is_finite() && rate_hz > 0.0) {
            return Err(ImportError::new(
                path,
                format!("sampling rate {rate_hz} Hz is not positive"),
            ));
        }
        reader.info.channels = channel_names
            .into_iter()
            .zip(units)
            .map(|(label, unit)| EmgChannelInfo {
                label,
                unit,
                rate_hz,
            })
            .collect();
        if block[0].is_empty() {
            return Err(ImportError::new(path, "no data rows"));
        }
        reader.pending = Some(block);
        Ok(reader)
    }

    pub(crate) fn info(&self) -> &EmgInfo {
        &self.info
    }

    pub(crate) fn warnings(&self) -> &[ImportWarning] {
        &self.warnings
    }

    fn parse_row(
        &mut self,
        line: &str,
        number: u64,
        out: &mut [Vec<f64>],
        times: &mut Vec<f64>,
    ) -> Result<(), ImportError> {
        match self.delim {
            Delim::Byte(b) => {
                self.parse_cells(line.split(char::from(b)).map(str::trim), number, out, times)
            }
            Delim::Whitespace => self.parse_cells(line.split_whitespace(), number, out, times),
        }
    }

    fn parse_cells<'a>(
        &mut self,
        cells: impl Iterator<Item = &'a str>,
        number: u64,
        out: &mut [Vec<f64>],
        times: &mut Vec<f64>,
    ) -> Result<(), ImportError> {
        let mut n = 0;
        let mut channel = 0;
        for (i, cell) in cells.enumerate() {
            n += 1;
            if i >= self.columns {
                break;
            }
            let v = match fast_float2::parse::<f64, _>(cell) {
                Ok(v) => v,
                Err(_) => {
                    return Err(ImportError::new(
                        &self.path,
                        format!("expected a number, found '{cell}'"),
                    )
                    .at_line(number)
                    .in_field(&self.names[i]))
                }
            };
            if let Some((t, scale)) = self.time {
                if t == i {
                    let ts = v * scale;
                    if !ts.is_finite() {
                        return Err(ImportError::new(
                            &self.path,
                            format!("time '{cell}' is not finite"),
                        )
                        .at_line(number)
                        .in_field(&self.names[i]));
                    }
                    if let Some((prev, prev_line)) = self.last_time {
                        if ts <= prev {
                            return Err(ImportError::new(
                                &self.path,
                                format!("time {ts} s does not follow {prev} s (line {prev_line})"),
                            )
                            .at_line(number)
                            .in_field(&self.names[i]));
                        }
                        if let Some(rate) = self.info.channels.first().map(|c| c.rate_hz) {
                            if ts - prev > 1.5 / rate {
                                self.gaps += 1;
                            }
                        }
                    }
                    self.last_time = Some((ts, number));
                    times.push(ts);
                    continue;
                }
            }
            if !v.is_finite() {
                self.nan += 1;
            }
            out[channel].push(if v.is_finite() { v } else { f64::NAN });
            channel += 1;
        }
        if n != self.columns {
            return Err(ImportError::new(
                &self.path,
                format!("{n} fields, the header has {}", self.columns),
            )
            .at_line(number));
        }
        Ok(())
    }

    /// Reads rows until `out` holds `rows` samples per channel or the file ends.
    fn fill(
        &mut self,
        out: &mut [Vec<f64>],
        times: &mut Vec<f64>,
        rows: usize,
    ) -> Result<(), ImportError> {
        let mut text = std::mem::take(&mut self.row);
        let result = self.fill_with(&mut text, out, times, rows);
        self.row = text;
        result
    }

    fn fill_with(
        &mut self,
        text: &mut String,
        out: &mut [Vec<f64>],
        times: &mut Vec<f64>,
        rows: usize,
    ) -> Result<(), ImportError> {
        while out[0].len() < rows {
            let number = {
                let Some(line) = self
                    .lines
                    .next_line()
                    .map_err(|e| line_error(&self.path, e))?
                else {
                    self.done = true;
                    return Ok(());
                };
                let t = std::str::from_utf8(line.bytes).map_err(|_| {
                    ImportError::new(&self.path, "not UTF-8 text").at_line(line.number)
                })?;
                text.clear();
                text.push_str(t.trim());
                line.number
            };
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            self.parse_row(text, number, out, times)?;
        }
        Ok(())
    }

    pub(crate) fn read_block(&mut self, out: &mut [Vec<f64>]) -> Result<bool, ImportError> {
        if let Some(block) = self.pending.take() {
            for (dst, src) in out.iter_mut().zip(block) {
                *dst = src;
            }
            return Ok(true);
        }
        if self.done {
            self.finish();
            return Ok(false);
        }
        let mut times = Vec::with_capacity(if self.time.is_some() { ROWS } else { 0 });
        self.fill(out, &mut times, ROWS)?;
        if out[0].is_empty() {
            self.finish();
            return Ok(false);
        }
        Ok(true)
    }

    fn finish(&mut self) {
        if self.nan > 0 {
            self.warnings.push(ImportWarning::new(
                &self.path,
                None,
                format!("{} missing (NaN) samples", self.nan),
            ));
            self.nan = 0;
        }
        if self.gaps > 0 {
            self.warnings.push(ImportWarning::new(
                &self.path,
                None,
                format!(
                    "{} gaps in the time column: samples are analysed as if contiguous",
                    self.gaps
                ),
            ));
            self.gaps = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::rate_from_span;

    #[test]
    fn rate_from_decimal_timestamps_is_the_whole_rate() {
        // 4096 rows at 2 kHz written with 6 decimals, parsed back: the span is not exact.
        let last: f64 = "2.047500".parse().unwrap();
        let first: f64 = "0.000000".parse().unwrap();
        assert_eq!(rate_from_span(4095, last - first), 2000.0);
        // A rate that is not whole stays as measured.
        let r = rate_from_span(4095, 2.0);
        assert!((r - 2047.5).abs() < 1e-12);
        assert!((rate_from_span(3, 3.0 / 1925.93) - 1925.93).abs() < 1e-9);
    }
}
