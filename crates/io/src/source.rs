//! The contract between a format reader and [`crate::ImuReader`]: a stream of raw samples on
//! the recording's own clock, plus what the format knows about its time column, units and
//! columns. The reader then fixes the clock, checks the units and runs the sanity checks.

use crate::error::{ImportError, ImportWarning};
use crate::units::{AccUnit, GyrUnit, TimeUnit};
use collis_core::ImuSample;
use std::path::PathBuf;

/// One sample as read, before the time is converted.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawSample {
    /// 1-based line of the clock file.
    pub line: u64,
    /// Time-column value in the column's unit, or the data-row index without a time column.
    pub time: f64,
    /// Gyroscope and accelerometer in SI units (per [`Opened::gyr`] / [`Opened::acc`]);
    /// `time_s` not yet set.
    pub sample: ImuSample,
}

/// A format's stream of samples.
pub(crate) trait SampleSource: Send {
    /// The next sample with all values finite, `None` at the end.
    fn next_sample(&mut self) -> Result<Option<RawSample>, ImportError>;
    /// Multiplies the accelerometer and gyroscope values of all later samples.
    fn rescale(&mut self, acc: f64, gyr: f64);
    /// Data rows of the clock file read so far, and how many of them were skipped as missing.
    fn rows(&self) -> (u64, u64);
    /// Warnings about what was read so far (skipped rows, a cut-off last line, ...).
    fn warnings(&self, out: &mut Vec<ImportWarning>);
}

/// Where sample times come from.
pub(crate) enum Clock {
    Column {
        /// Column name, for messages.
        name: String,
        /// `None` when the header does not say (then inferred from the step).
        unit: Option<TimeUnit>,
        /// Keep the file's time origin (Collis CSV) instead of starting at 0.
        keep_origin: bool,
    },
    /// No time column: sample `i` is at `i / rate`.
    RowIndex,
}

/// The unit a source converts with, and whether the file declared it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct UnitSpec<U> {
    pub unit: U,
    pub declared: bool,
}

/// Which columns a format uses, for [`crate::StreamInfo::columns`] (units added by the reader).
pub(crate) struct Columns {
    pub time: Option<String>,
    pub gyr: String,
    pub acc: String,
    pub mag: Option<String>,
    pub ignored: Vec<String>,
}

/// A recording opened by one of the format readers.
pub(crate) struct Opened {
    pub source: Box<dyn SampleSource>,
    pub format: &'static str,
    /// The file whose lines sample warnings refer to.
    pub clock_path: PathBuf,
    pub clock: Clock,
    pub acc: UnitSpec<AccUnit>,
    pub gyr: UnitSpec<GyrUnit>,
    pub columns: Columns,
    /// Warnings found while opening.
    pub notes: Vec<ImportWarning>,
}
