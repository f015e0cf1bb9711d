//! [`ImuReader`]: the streaming iterator every format is read through. At open it reads ahead
//! (the first ≤ 256 valid rows for the rate, extended to ~2 s for the unit checks), fixes the
//! clock (time unit, origin, rate) and the units; those rows are then yielded like the rest,
//! each passing the time and value checks of [`crate::checks`].

use crate::checks::{decide_units, median, TimeChecks, ValueChecks};
use crate::error::{ImportError, ImportWarning};
use crate::source::{Clock, Opened, RawSample, SampleSource};
use crate::units::TimeUnit;
use crate::ImportOptions;
use collis_core::ImuSample;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};

/// Rows used to estimate the rate.
const RATE_ROWS: usize = 256;
/// Seconds at the start used for the unit checks.
const UNIT_WINDOW_S: f64 = 2.0;
/// Most rows read ahead.
const MAX_WINDOW: usize = 20_000;
/// Lowest sampling rate a head-sensor recording may have (a live stream is held to it too, so
/// that its saved file reads back).
pub const MIN_RATE_HZ: f64 = 5.0;
/// Highest sampling rate a head-sensor recording may have.
pub const MAX_RATE_HZ: f64 = 10_000.0;
/// Largest tolerated share of rows with missing values.
const MAX_MISSING: f64 = 0.2;
/// `--rate` disagreeing more than this with the time column is reported.
const RATE_TOLERANCE: f64 = 0.05;

/// What is known about a stream right after it is opened.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamInfo {
    pub path: PathBuf,
    /// "collis-csv", "delimited", "coremotion" or "sensor-logger".
    pub format: String,
    pub rate_hz: f64,
    pub has_mag: bool,
    /// Which columns and units are used, and which columns are ignored.
    pub columns: String,
}

/// Warnings of an import.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportReport {
    pub warnings: Vec<ImportWarning>,
}

/// How raw times become seconds.
#[derive(Debug, Clone, Copy)]
enum Timing {
    Column { scale: f64, origin: f64 },
    Index { rate: f64 },
}

impl Timing {
    fn seconds(self, raw: f64) -> f64 {
        match self {
            Timing::Column { scale, origin } => (raw - origin) * scale,
            Timing::Index { rate } => raw / rate,
        }
    }
}

/// A recording as a stream of samples in SI units, time in seconds.
pub struct ImuReader {
    info: StreamInfo,
    source: Box<dyn SampleSource>,
    pending: VecDeque<RawSample>,
    timing: Timing,
    clock_path: PathBuf,
    time_checks: TimeChecks,
    values: ValueChecks,
    notes: Vec<ImportWarning>,
    has_mag: bool,
    finished: bool,
}

impl ImuReader {
    /// Known right after open, before the first sample.
    pub fn info(&self) -> &StreamInfo {
        &self.info
    }

    /// The warnings so far (complete once the iterator is exhausted).
    pub fn report(&self) -> ImportReport {
        let mut warnings = self.notes.clone();
        self.source.warnings(&mut warnings);
        self.time_checks.warnings(&mut warnings);
        self.values.warnings(&mut warnings);
        ImportReport { warnings }
    }

    fn next_raw(&mut self) -> Result<Option<RawSample>, ImportError> {
        match self.pending.pop_front() {
            Some(raw) => Ok(Some(raw)),
            None => self.source.next_sample(),
        }
    }
}

impl std::fmt::Debug for ImuReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImuReader")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

impl Iterator for ImuReader {
    type Item = Result<ImuSample, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        loop {
            let raw = match self.next_raw() {
                Ok(Some(raw)) => raw,
                Ok(None) => {
                    self.finished = true;
                    let (rows, skipped) = self.source.rows();
                    return too_many_missing(&self.clock_path, rows, skipped).map(Err);
                }
                Err(e) => {
                    self.finished = true;
                    return Some(Err(e));
                }
            };
            let mut s = raw.sample;
            s.time_s = self.timing.seconds(raw.time);
            if !self.has_mag {
                s.mag = None;
            }
            if self.time_checks.admit(raw.line, s.time_s) {
                self.values.observe(raw.line, &s);
                return Some(Ok(s));
            }
        }
    }
}

fn too_many_missing(path: &Path, rows: u64, skipped: u64) -> Option<ImportError> {
    (skipped as f64 > MAX_MISSING * rows as f64).then(|| {
        ImportError::new(
            path,
            format!(
                "{skipped} of {rows} data rows ({:.0} %) have an empty, NaN or infinite value: \
                 more than {:.0} %, the recording is unusable",
                100.0 * skipped as f64 / rows as f64,
                100.0 * MAX_MISSING
            ),
        )
    })
}

/// Reads samples until `window` holds `n` (or the stream ends).
fn fill(
    source: &mut dyn SampleSource,
    window: &mut Vec<RawSample>,
    n: usize,
) -> Result<(), ImportError> {
    while window.len() < n {
        match source.next_sample()? {
            Some(raw) => window.push(raw),
            None => break,
        }
    }
    Ok(())
}

fn check_rate(path: &Path, rate: f64, what: &str) -> Result<(), ImportError> {
    if (MIN_RATE_HZ..=MAX_RATE_HZ).contains(&rate) {
        Ok(())
    } else {
        Err(ImportError::new(
            path,
            format!(
                "sampling rate {rate:.4} Hz ({what}) is outside {MIN_RATE_HZ}–{MAX_RATE_HZ} Hz"
            ),
        ))
    }
}

/// A number with at most 6 decimals, trailing zeros removed.
fn short(x: f64) -> String {
    let s = format!("{x:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The time unit whose rate is closest to 100 Hz (in ratio) for a median step in raw units.
fn infer_time_unit(step: f64) -> TimeUnit {
    let distance = |u: &TimeUnit| (1.0 / (step * u.to_s()) / 100.0).ln().abs();
    TimeUnit::ALL
        .into_iter()
        .min_by(|a, b| distance(a).total_cmp(&distance(b)))
        .unwrap_or(TimeUnit::Seconds)
}

/// The clock and its rate, from the first rows.
fn timing(
    path: &Path,
    window: &[RawSample],
    clock: &Clock,
    opts: &ImportOptions,
    notes: &mut Vec<ImportWarning>,
) -> Result<(Timing, f64, Option<TimeUnit>), ImportError> {
    if let Some(given) = opts.rate_hz {
        // Checked even where the time column decides, so a wrong --rate is never silently
        // ignored.
        check_rate(path, given, "--rate")?;
    }
    let Clock::Column {
        name,
        unit,
        keep_origin,
    } = clock
    else {
        let Some(rate) = opts.rate_hz else {
            return Err(ImportError::new(
                path,
                "no time column in the header: pass --rate HZ (the sampling rate)",
            ));
        };
        check_rate(path, rate, "--rate")?;
        return Ok((Timing::Index { rate }, rate, None));
    };
    let head = &window[..window.len().min(RATE_ROWS)];
    if head.len() < 2 {
        return Err(ImportError::new(
            path,
            "only one data row: too short to tell the sampling rate",
        ));
    }
    let mut steps: Vec<f64> = head
        .windows(2)
        .map(|w| w[1].time - w[0].time)
        .filter(|d| *d > 0.0)
        .collect();
    if steps.is_empty() {
        return Err(ImportError::new(
            path,
            format!(
                "the time column '{name}' does not increase over the first {} rows",
                head.len()
            ),
        ));
    }
    let step = median(&mut steps);
    let unit = match unit {
        Some(u) => *u,
        None => {
            let u = infer_time_unit(step);
            notes.push(ImportWarning::new(
                path,
                None,
                format!(
                    "the time column '{name}' has no unit: assumed {} from its median step {} \
                     ({:.2} Hz)",
                    u.name(),
                    short(step),
                    1.0 / (step * u.to_s())
                ),
            ));
            u
        }
    };
    let rate = 1.0 / (step * unit.to_s());
    let what = format!(
        "median step {} {} of the time column '{name}'; check its unit",
        short(step),
        unit.name()
    );
    check_rate(path, rate, &what)?;
    if let Some(given) = opts.rate_hz {
        if (given / rate - 1.0).abs() > RATE_TOLERANCE {
            notes.push(ImportWarning::new(
                path,
                None,
                format!(
                    "--rate {given} Hz disagrees with the time column '{name}' ({rate:.2} Hz); \
                     the time column is used"
                ),
            ));
        }
    }
    let origin = if *keep_origin { 0.0 } else { head[0].time };
    Ok((
        Timing::Column {
            scale: unit.to_s(),
            origin,
        },
        rate,
        Some(unit),
    ))
}

/// Starts reading an opened recording: read-ahead, clock, units, info.
pub(crate) fn start(
    opened: Opened,
    path: &Path,
    opts: &ImportOptions,
) -> Result<ImuReader, ImportError> {
    let Opened {
        mut source,
        format,
        clock_path,
        clock,
        acc,
        gyr,
        columns,
        mut notes,
    } = opened;
    let mut window = Vec::new();
    fill(source.as_mut(), &mut window, RATE_ROWS)?;
    if window.is_empty() {
        let (rows, _) = source.rows();
        let message = if rows == 0 {
            "no data rows after the header".to_string()
        } else {
            format!("all {rows} data rows have an empty, NaN or infinite value")
        };
        return Err(ImportError::new(&clock_path, message));
    }
    let (timing, rate_hz, time_unit) = timing(&clock_path, &window, &clock, opts, &mut notes)?;
    let want = ((UNIT_WINDOW_S * rate_hz).ceil() as usize).clamp(RATE_ROWS, MAX_WINDOW);
    fill(source.as_mut(), &mut window, want)?;

    let t0 = timing.seconds(window[0].time);
    let first_seconds: Vec<ImuSample> = window
        .iter()
        .map(|r| ImuSample {
            time_s: timing.seconds(r.time),
            ..r.sample
        })
        .take_while(|s| s.time_s - t0 <= UNIT_WINDOW_S)
        .collect();
    let units = decide_units(&clock_path, &first_seconds, acc, gyr, opts, &mut notes)?;
    source.rescale(units.acc_factor, units.gyr_factor);
    for r in &mut window {
        r.sample.acc_m_s2 = r.sample.acc_m_s2.map(|a| a * units.acc_factor);
        r.sample.gyr_rad_s = r.sample.gyr_rad_s.map(|g| g * units.gyr_factor);
    }
    let has_mag = window
        .iter()
        .any(|r| r.sample.mag.is_some_and(|m| m.iter().any(|&v| v != 0.0)));

    let mut parts = vec![match (&columns.time, time_unit) {
        (Some(t), Some(u)) => format!("time: {t} ({})", u.name()),
        _ => format!("time: none, sample index / {rate_hz} Hz"),
    }];
    parts.push(format!("gyr: {} ({})", columns.gyr, units.gyr.name()));
    parts.push(format!("acc: {} ({})", columns.acc, units.acc.name()));
    match (&columns.mag, has_mag) {
        (Some(mag), true) => parts.push(format!("mag: {mag}")),
        (Some(mag), false) => parts.push(format!(
            "mag: {mag} all zero in the first {} samples: not used",
            window.len()
        )),
        (None, _) => {}
    }
    if !columns.ignored.is_empty() {
        parts.push(format!("ignored: {}", columns.ignored.join(", ")));
    }
    let info = StreamInfo {
        path: path.to_path_buf(),
        format: format.to_string(),
        rate_hz,
        has_mag,
        columns: parts.join("; "),
    };
    let gyr_maybe_dps = opts.gyr_unit.is_none() && units.gyr == crate::GyrUnit::RadPerS;
    Ok(ImuReader {
        info,
        source,
        pending: window.into(),
        timing,
        time_checks: TimeChecks::new(&clock_path, 1.0 / rate_hz),
        values: ValueChecks::new(&clock_path, gyr_maybe_dps),
        clock_path,
        notes,
        has_mag,
        finished: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_unit_inference() {
        assert_eq!(infer_time_unit(0.01), TimeUnit::Seconds);
        assert_eq!(infer_time_unit(10.0), TimeUnit::Millis);
        assert_eq!(infer_time_unit(38.46), TimeUnit::Millis);
        assert_eq!(infer_time_unit(3500.0), TimeUnit::Micros);
        assert_eq!(infer_time_unit(1e7), TimeUnit::Nanos);
        assert_eq!(infer_time_unit(0.15), TimeUnit::Seconds);
    }
}
