//! Collis I/O: readers and writers for IMU recordings.
//!
//! [`open_imu`] detects the format and returns a streaming [`ImuReader`] of
//! [`collis_core::ImuSample`]s in SI units (rad/s, m/s², time in s):
//! - a directory or a `.zip` → a Sensor Logger export (module `sensor_logger`);
//! - a text file whose header is the Collis IMU CSV, a CoreMotion device-motion export
//!   (`coremotion`) or any delimited device log (`delimited`).
//!
//! Times start at 0 (the first sample), except in the Collis IMU CSV, whose time origin is
//! kept. Problems are reported as [`ImportWarning`]s in [`ImuReader::report`], or as an
//! [`ImportError`] naming file, line and field when the data are unusable.
//!
//! [`openface`] reads OpenFace 2 `FeatureExtraction` CSVs (head pose from another tool) as
//! per-frame face rotations and confidences, for the same analysis as face video.
//!
//! Writers ([`ImuCsvWriter`], [`OrientationCsvWriter`], [`AngleCsvWriter`]) stream CSV through
//! a `BufWriter` without allocating per row.

mod archive;
mod checks;
mod coremotion;
mod delimited;
pub mod emg;
mod error;
mod header;
mod lines;
mod merge;
pub mod openface;
mod reader;
mod row;
mod sensor_logger;
mod source;
mod text;
mod units;
mod writers;

pub use error::{ImportError, ImportWarning, WriteError};
pub use reader::{ImportReport, ImuReader, StreamInfo, MAX_RATE_HZ, MIN_RATE_HZ};
pub use units::{AccUnit, GyrUnit, UnitError, STANDARD_GRAVITY};
pub use writers::{
    pose_csv_row, AngleCsvWriter, ImuCsvWriter, OrientationCsvWriter, PoseCsvWriter,
    VideoAngleCsvWriter, POSE_CSV_HEADER,
};

use source::Opened;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

/// User overrides for an import.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportOptions {
    /// `--rate`: required when the file has no time column; otherwise only compared with it.
    pub rate_hz: Option<f64>,
    /// `--acc-unit`: replaces the header's (or the format's) accelerometer unit.
    pub acc_unit: Option<AccUnit>,
    /// `--gyr-unit`: replaces the header's (or the format's) gyroscope unit.
    pub gyr_unit: Option<GyrUnit>,
    /// `--no-mag`: leave magnetometer columns unread in CSV and device logs (they are then
    /// listed as ignored, and the stream has no magnetometer); saves parsing 3 of 10 numbers.
    pub ignore_mag: bool,
}

/// Opens an IMU recording (file, Sensor Logger directory or zip) for streaming.
pub fn open_imu(path: &Path, opts: &ImportOptions) -> Result<ImuReader, ImportError> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => ImportError::new(path, "no such file or directory"),
        _ => ImportError::io(path, "cannot open", e),
    })?;
    let opened = if meta.is_dir() {
        sensor_logger::open_dir(path)?
    } else {
        open_file(path, opts.ignore_mag)?
    };
    reader::start(opened, path, opts)
}

/// Reads until `buf` is full or the input ends; the number of bytes read.
fn read_prefix(file: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

fn open_file(path: &Path, ignore_mag: bool) -> Result<Opened, ImportError> {
    let io_err = |e| ImportError::io(path, "cannot read", e);
    let mut file = File::open(path).map_err(io_err)?;
    let mut magic = [0u8; 4];
    let n = read_prefix(&mut file, &mut magic).map_err(io_err)?;
    let zip_magic = n == 4 && (magic == *b"PK\x03\x04" || magic == *b"PK\x05\x06");
    let zip_name = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
    if zip_magic || zip_name {
        return sensor_logger::open_zip(path);
    }
    file.seek(SeekFrom::Start(0)).map_err(io_err)?;
    let mut lines = lines::LineReader::new(Box::new(file));
    let header = header::read_header(&mut lines, path)?;
    if coremotion::matches(&header.names) {
        coremotion::open(path, lines, header)
    } else {
        delimited::open(path, lines, header, ignore_mag)
    }
}
