//! "Sensor Logger" exports (the Android / iOS app by Kelvin Choi, tszheichoi.com/sensorlogger):
//! a directory or a `.zip` holding one CSV per sensor.
//!
//! What the app's own documentation says (github.com/tszheichoi/awesome-sensor-logger,
//! `README.md`, `UNITS.md`, `COORDINATES.md`, `CROSSPLATFORM.md`, read 2025):
//! - every sensor file has the columns `time` (UNIX epoch, **nanoseconds**),
//!   `seconds_elapsed` (s since the start, may be negative) and `z`, `y`, `x`; the streams
//!   are on one clock but not sampled at the same instants;
//! - `Gyroscope.csv`: rad/s, the same axes and signs on both platforms;
//! - `Accelerometer.csv`: m/s² (g taken as 9.80665), **without gravity** (user acceleration;
//!   on iOS the only acceleration file); `Gravity.csv`: m/s²; `TotalAcceleration.csv`
//!   (Android only): the raw accelerometer, gravity included; `Magnetometer.csv`: µT;
//!   `*Uncalibrated.csv` files are not used here;
//! - iOS and Android differ by a sign on all three acceleration axes and on gravity (iOS
//!   follows CoreMotion: flat on a table gravity is −z on iOS, +z on Android) unless
//!   "Standardise Units & Frames" is on, which makes iOS follow Android; `Metadata.csv`
//!   (`version, device name, recording epoch time, ..., platform, ..., standardisation, ...`)
//!   says which (`platform` = ios / android).
//!
//! Specific force (gravity included, Android sign: +9.81 m/s² on the up axis at rest) is
//! therefore `TotalAcceleration` if present, else `Accelerometer + Gravity`, else
//! `Accelerometer` alone if its magnitude shows that it holds gravity (older exports, devices
//! without a gravity sensor) — negated for iOS without standardisation. The gyroscope is the
//! clock; the other files are interpolated onto it ([`crate::merge`]). Times are read from
//! `seconds_elapsed` (exact in an `f64`; epoch nanoseconds are not), else from `time`.

use crate::archive::{self, Member};
use crate::checks::median;
use crate::error::{ImportError, ImportWarning};
use crate::header::{read_header, shorten};
use crate::lines::LineReader;
use crate::merge::{MergeSource, Track};
use crate::row::{RowParser, RowReader, GYR, IGNORE, TIME};
use crate::source::{Clock, Columns, Opened, UnitSpec};
use crate::units::{AccUnit, GyrUnit, TimeUnit, STANDARD_GRAVITY};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Rows read ahead of time from each file, for its step and magnitude.
const PEEK_ROWS: usize = 256;
/// Largest `Metadata.csv` read.
const MAX_METADATA: u64 = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Gyroscope,
    Accelerometer,
    TotalAcceleration,
    Gravity,
    Magnetometer,
    Metadata,
}

const FILES: [(Kind, &str); 6] = [
    (Kind::Gyroscope, "Gyroscope.csv"),
    (Kind::Accelerometer, "Accelerometer.csv"),
    (Kind::TotalAcceleration, "TotalAcceleration.csv"),
    (Kind::Gravity, "Gravity.csv"),
    (Kind::Magnetometer, "Magnetometer.csv"),
    (Kind::Metadata, "Metadata.csv"),
];

fn name_of(kind: Kind) -> &'static str {
    FILES
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("", |&(_, name)| name)
}

fn kind_of(file_name: &str) -> Option<Kind> {
    FILES
        .iter()
        .find(|(_, name)| name.eq_ignore_ascii_case(file_name))
        .map(|&(kind, _)| kind)
}

/// A file of the recording.
enum Entry {
    File(PathBuf),
    Zip(Member),
}

impl Entry {
    fn path(&self) -> PathBuf {
        match self {
            Entry::File(p) => p.clone(),
            Entry::Zip(m) => m.path(),
        }
    }

    fn file_name(&self) -> String {
        let path = self.path();
        path.file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
    }

    fn open(&self) -> Result<Box<dyn Read + Send>, ImportError> {
        match self {
            Entry::File(p) => std::fs::File::open(p)
                .map(|f| Box::new(f) as Box<dyn Read + Send>)
                .map_err(|e| ImportError::io(p, "cannot open", e)),
            Entry::Zip(m) => m.open(),
        }
    }
}

/// The files found, by kind, and the names of the others.
struct Recording {
    root: PathBuf,
    entries: Vec<(Kind, Entry)>,
    others: Vec<String>,
}

impl Recording {
    fn get(&self, kind: Kind) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, e)| e)
    }

    fn add(&mut self, kind: Kind, entry: Entry) -> Result<(), ImportError> {
        if let Some(first) = self.get(kind) {
            return Err(ImportError::new(
                &self.root,
                format!(
                    "holds more than one {} ({} and {}): extract one recording",
                    name_of(kind),
                    first.path().display(),
                    entry.path().display()
                ),
            ));
        }
        self.entries.push((kind, entry));
        Ok(())
    }
}

/// Opens a Sensor Logger export directory.
pub(crate) fn open_dir(path: &Path) -> Result<Opened, ImportError> {
    let dir = std::fs::read_dir(path).map_err(|e| ImportError::io(path, "cannot list", e))?;
    let mut rec = Recording {
        root: path.to_path_buf(),
        entries: Vec::new(),
        others: Vec::new(),
    };
    for item in dir {
        let item = item.map_err(|e| ImportError::io(path, "cannot list", e))?;
        let name = item.file_name().to_string_lossy().into_owned();
        match kind_of(&name) {
            Some(kind) => rec.add(kind, Entry::File(item.path()))?,
            None => rec.others.push(name),
        }
    }
    rec.others.sort();
    open_recording(rec)
}

/// Opens a zipped Sensor Logger export.
pub(crate) fn open_zip(path: &Path) -> Result<Opened, ImportError> {
    let (members, others) = archive::members(path, |name| kind_of(name).is_some())?;
    let mut rec = Recording {
        root: path.to_path_buf(),
        entries: Vec::new(),
        others,
    };
    for m in members {
        if let Some(kind) = kind_of(archive::base_name(m.name())) {
            rec.add(kind, Entry::Zip(m))?;
        }
    }
    open_recording(rec)
}

/// Whether acceleration and gravity need their sign flipped (iOS without standardisation).
fn ios_signs(rec: &Recording, notes: &mut Vec<ImportWarning>) -> bool {
    let assumed = |why: String| {
        ImportWarning::new(
            &rec.root,
            None,
            format!(
                "{why}: assumed Android axis signs (for an iPhone recording without \"Standardise \
                 Units & Frames\" gravity would point the wrong way)"
            ),
        )
    };
    let Some(entry) = rec.get(Kind::Metadata) else {
        notes.push(assumed(
            "no Metadata.csv, so the platform is unknown".into(),
        ));
        return false;
    };
    let read = || -> Result<Option<(String, String)>, String> {
        let input = entry.open().map_err(|e| e.to_string())?;
        let mut csv = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(input.take(MAX_METADATA));
        let headers = csv.headers().map_err(|e| e.to_string())?.clone();
        let Some(record) = csv.records().next() else {
            return Ok(None);
        };
        let record = record.map_err(|e| e.to_string())?;
        let field = |name: &str| {
            headers
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
                .and_then(|i| record.get(i))
                .map(|v| v.trim().to_ascii_lowercase())
                .unwrap_or_default()
        };
        Ok(Some((field("platform"), field("standardisation"))))
    };
    match read() {
        Ok(Some((platform, standardised))) if platform == "ios" => standardised != "true",
        Ok(Some((platform, _))) if platform == "android" => false,
        Ok(Some((platform, _))) => {
            notes.push(assumed(format!(
                "Metadata.csv names the platform '{platform}'"
            )));
            false
        }
        Ok(None) => {
            notes.push(assumed("Metadata.csv is empty".into()));
            false
        }
        Err(e) => {
            notes.push(assumed(format!("Metadata.csv is unreadable ({e})")));
            false
        }
    }
}

/// Opens one sensor file: `time_column` into the time slot, `x`, `y`, `z` into the vector slots.
fn open_rows(entry: &Entry, time_column: &str) -> Result<RowReader, ImportError> {
    let path = entry.path();
    let mut lines = LineReader::new(entry.open()?);
    let header = read_header(&mut lines, &path)?;
    let mut slots = vec![IGNORE; header.names.len()];
    for (slot, wanted) in [
        (TIME, time_column),
        (GYR, "x"),
        (GYR + 1, "y"),
        (GYR + 2, "z"),
    ] {
        let Some(i) = header
            .names
            .iter()
            .position(|n| n.eq_ignore_ascii_case(wanted))
        else {
            return Err(ImportError::new(
                &path,
                format!(
                    "no column '{wanted}' in the header '{}' (Sensor Logger files have time, \
                     seconds_elapsed, z, y, x)",
                    shorten(&header.names.join(","))
                ),
            )
            .at_line(header.number));
        };
        slots[i] = slot;
    }
    let parser = RowParser::new(header.delimiter, slots);
    Ok(RowReader::new(&path, lines, parser, header.names))
}

/// The first rows of a file: how many, the median step (s) and the median vector magnitude.
struct Peek {
    rows: usize,
    step_s: f64,
    magnitude: f64,
}

fn peek(entry: &Entry, time_column: &str, time_scale: f64) -> Result<Peek, ImportError> {
    let mut rows = open_rows(entry, time_column)?;
    let mut times = Vec::new();
    let mut magnitudes = Vec::new();
    while times.len() < PEEK_ROWS && rows.next_row()?.is_some() {
        let v = &rows.vals;
        let g = usize::from(GYR);
        times.push(v[usize::from(TIME)] * time_scale);
        magnitudes.push((v[g] * v[g] + v[g + 1] * v[g + 1] + v[g + 2] * v[g + 2]).sqrt());
    }
    let mut steps: Vec<f64> = times
        .windows(2)
        .map(|w| w[1] - w[0])
        .filter(|d| *d > 0.0)
        .collect();
    Ok(Peek {
        rows: times.len(),
        step_s: if steps.is_empty() {
            f64::INFINITY
        } else {
            median(&mut steps)
        },
        magnitude: median(&mut magnitudes),
    })
}

/// A secondary file as an interpolation track; `None` if it has no data rows.
fn track(entry: &Entry, time_column: &str, time_scale: f64) -> Result<Option<Track>, ImportError> {
    let p = peek(entry, time_column, time_scale)?;
    if p.rows == 0 {
        return Ok(None);
    }
    let rows = open_rows(entry, time_column)?;
    Ok(Some(Track::new(rows, time_scale, p.step_s)))
}

fn open_recording(rec: Recording) -> Result<Opened, ImportError> {
    let expected = "expected Gyroscope.csv and TotalAcceleration.csv, or Accelerometer.csv \
                    (+ Gravity.csv), from a Sensor Logger export";
    let Some(gyro) = rec.get(Kind::Gyroscope) else {
        let found = if rec.entries.is_empty() && rec.others.is_empty() {
            "nothing".to_string()
        } else {
            let mut names: Vec<String> = rec.entries.iter().map(|(_, e)| e.file_name()).collect();
            names.extend(rec.others.iter().cloned());
            shorten(&names.join(", "))
        };
        return Err(ImportError::new(
            &rec.root,
            format!("no Gyroscope.csv: not a Sensor Logger recording ({expected}; found {found})"),
        ));
    };
    let mut notes = Vec::new();
    let flip = ios_signs(&rec, &mut notes);

    // The clock column: `seconds_elapsed` (s, exact in an f64) where the gyroscope file has
    // it, else `time` (epoch ns, rounded to 256 ns in an f64).
    let gyro_path = gyro.path();
    let (time_column, time_unit) = match open_rows(gyro, "seconds_elapsed") {
        Ok(_) => ("seconds_elapsed", TimeUnit::Seconds),
        Err(_) => ("time", TimeUnit::Nanos),
    };
    let scale = time_unit.to_s();
    let gyro_rows = open_rows(gyro, time_column)?;

    let used =
        |kinds: &[Kind]| -> Vec<&Entry> { kinds.iter().filter_map(|&k| rec.get(k)).collect() };
    let (acc_entries, unused): (Vec<&Entry>, Vec<&Entry>) =
        if let Some(total) = rec.get(Kind::TotalAcceleration) {
            (vec![total], used(&[Kind::Accelerometer, Kind::Gravity]))
        } else if let (Some(a), Some(g)) = (rec.get(Kind::Accelerometer), rec.get(Kind::Gravity)) {
            (vec![a, g], Vec::new())
        } else if let Some(a) = rec.get(Kind::Accelerometer) {
            let p = peek(a, time_column, scale)?;
            let m = p.magnitude;
            if (m / STANDARD_GRAVITY - 1.0).abs() > 0.25 {
                return Err(ImportError::new(
                    &a.path(),
                    format!(
                        "Accelerometer.csv holds no gravity (median |a| {m:.2} m/s²) and there is \
                         no TotalAcceleration.csv or Gravity.csv: record Sensor Logger's Gravity \
                         (or TotalAcceleration) sensor too"
                    ),
                ));
            }
            notes.push(ImportWarning::new(
                &a.path(),
                None,
                format!(
                    "no TotalAcceleration.csv or Gravity.csv: Accelerometer.csv used as is, its \
                     median magnitude ({m:.2} m/s²) showing that it includes gravity"
                ),
            ));
            (vec![a], Vec::new())
        } else {
            return Err(ImportError::new(
                &rec.root,
                format!("no accelerometer file ({expected})"),
            ));
        };
    let mut acc_tracks = Vec::new();
    for e in &acc_entries {
        match track(e, time_column, scale)? {
            Some(t) => acc_tracks.push(t),
            None => return Err(ImportError::new(&e.path(), "no data rows")),
        }
    }
    let mag = match rec.get(Kind::Magnetometer) {
        Some(m) => match track(m, time_column, scale)? {
            Some(t) => Some((t, m.file_name())),
            None => {
                notes.push(ImportWarning::new(&m.path(), None, "no data rows: ignored"));
                None
            }
        },
        None => None,
    };

    let acc_names: Vec<String> = acc_entries.iter().map(|e| e.file_name()).collect();
    let mut interpolated = acc_names.clone();
    interpolated.extend(mag.as_ref().map(|(_, name)| name.clone()));
    let mut ignored: Vec<String> = unused.iter().map(|e| e.file_name()).collect();
    ignored.extend(rec.others.iter().cloned());
    let columns = Columns {
        time: Some(format!("{} '{time_column}'", gyro.file_name())),
        gyr: format!("{} x, y, z", gyro.file_name()),
        acc: format!(
            "{} x, y, z interpolated onto the gyroscope{}",
            acc_names.join(" + "),
            if flip { ", iOS sign flipped" } else { "" }
        ),
        mag: mag
            .as_ref()
            .map(|(_, name)| format!("{name} x, y, z (µT) interpolated")),
        ignored,
    };
    let source = MergeSource::new(
        gyro_rows,
        acc_tracks,
        if flip { -1.0 } else { 1.0 },
        mag.map(|(t, _)| t),
        interpolated.join(", "),
    );
    Ok(Opened {
        source: Box::new(source),
        format: "sensor-logger",
        clock_path: gyro_path,
        clock: Clock::Column {
            name: time_column.to_string(),
            unit: Some(time_unit),
            keep_origin: false,
        },
        acc: UnitSpec {
            unit: AccUnit::MetrePerS2,
            declared: true,
        },
        gyr: UnitSpec {
            unit: GyrUnit::RadPerS,
            declared: true,
        },
        columns,
        notes,
    })
}
