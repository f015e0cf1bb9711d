//! Fuzzing of collis-io's recording readers through their public entry points, on files
//! written to a temporary directory as `collis analyze` would find them:
//! - `imu-csv`: [`collis_io::open_imu`] on Collis IMU CSVs and delimited device logs (units in
//!   the header or not, decimal commas, nanosecond clocks, comment lines);
//! - `coremotion`: the same entry point on CoreMotion exports (mPower and SensorLog styles);
//! - `sensor-logger-dir` and `sensor-logger-zip`: Sensor Logger exports as a directory of CSV
//!   files (Android and iOS) and as a zip archive (stored and deflated members);
//! - `openface`: [`OpenFaceReader`] on an OpenFace 2 `FeatureExtraction` CSV.
//!
//! A reader that opens is read to its end; every error must name the file (or a file inside
//! the export) it is about.

use collis_fuzz::{Input, Outcome, Target};
use collis_io::openface::{OpenFaceReader, MIN_CONFIDENCE};
use collis_io::{open_imu, AccUnit, GyrUnit, ImportError, ImportOptions};
use std::path::Path;

/// Field names and unit spellings the readers look for.
const CSV_TOKENS: &[&[u8]] = &[
    b"time_s",
    b"timestamp",
    b"time_ms",
    b"gyr_x",
    b"acc_z",
    b"mag_y",
    b"[mg]",
    b"[dps]",
    b"(rad/s)",
    b"[g]",
    b"uT",
    b"#",
];

const IMU_CSV: Target = Target {
    name: "imu-csv",
    tokens: CSV_TOKENS,
};
const COREMOTION: Target = Target {
    name: "coremotion",
    tokens: &[
        b"rotationRate_x",
        b"userAcceleration_y",
        b"gravity_z",
        b"magneticField_x",
        b"motionTimestamp_sinceReboot(s)",
        b"(G)",
        b"timestamp",
    ],
};
const SENSOR_LOGGER: &[&[u8]] = &[
    b"time,seconds_elapsed,z,y,x",
    b"seconds_elapsed",
    b"ios",
    b"android",
    b"true",
    b"1698497544000000000",
];
const SENSOR_LOGGER_DIR: Target = Target {
    name: "sensor-logger-dir",
    tokens: SENSOR_LOGGER,
};
const SENSOR_LOGGER_ZIP: Target = Target {
    name: "sensor-logger-zip",
    tokens: &[
        b"PK\x03\x04",
        b"PK\x01\x02",
        b"PK\x05\x06",
        b"Gyroscope.csv",
    ],
};
const OPENFACE: Target = Target {
    name: "openface",
    tokens: &[
        b"pose_Rx",
        b"pose_Ry",
        b"pose_Rz",
        b"confidence",
        b"success",
        b"timestamp",
        b", ",
    ],
};

/// The options of an input (fixed by its content, see [`Input::variant`]): as given, with a
/// `--rate`, without the magnetometer, or with both units overridden.
fn options(input: &Input) -> ImportOptions {
    let mut o = ImportOptions::default();
    match input.variant(6) {
        0 => o.rate_hz = Some(100.0),
        1 => o.ignore_mag = true,
        2 => {
            o.acc_unit = Some(AccUnit::G);
            o.gyr_unit = Some(GyrUnit::DegPerS);
        }
        _ => {}
    }
    o
}

/// An error must be about `path` or a file inside it.
fn typed(e: ImportError, path: &Path) -> String {
    assert!(
        e.path().starts_with(path),
        "the error does not name the input {}: {e}",
        path.display()
    );
    e.to_string()
}

/// Opens `path` with `open_imu` and reads every sample.
fn read_imu(path: &Path, input: &Input) -> Outcome {
    let mut reader = open_imu(path, &options(input)).map_err(|e| typed(e, path))?;
    let info = reader.info().clone();
    assert!(
        info.rate_hz.is_finite() && info.rate_hz > 0.0,
        "rate {}",
        info.rate_hz
    );
    let mut n = 0usize;
    for s in reader.by_ref() {
        let s = s.map_err(|e| typed(e, path))?;
        assert!(s.time_s.is_finite(), "sample {n}: time {}", s.time_s);
        n += 1;
        // Every sample comes from a row of at least a few bytes: more samples than input
        // bytes is a reader that does not end.
        assert!(
            n <= input.len() + 1,
            "{n} samples from {} bytes",
            input.len()
        );
    }
    let _ = reader.report().warnings.iter().map(ToString::to_string);
    Ok(())
}

/// A one-file input read with `open_imu`.
fn imu_file(dir: &Path) -> impl Fn(&Input) -> Outcome + '_ {
    move |input| {
        let path = input.write_file(dir).expect("temporary file");
        read_imu(&path, input)
    }
}

/// A many-file input (a Sensor Logger export) read as a directory with `open_imu`.
fn imu_dir(dir: &Path) -> impl Fn(&Input) -> Outcome + '_ {
    move |input| {
        let path = input.write_dir(&dir.join("export")).expect("temporary dir");
        read_imu(&path, input)
    }
}

fn openface(dir: &Path) -> impl Fn(&Input) -> Outcome + '_ {
    move |input| {
        let path = input.write_file(dir).expect("temporary file");
        let min = if input.variant(2) == 0 {
            MIN_CONFIDENCE
        } else {
            0.0
        };
        let mut r = OpenFaceReader::open(&path, min).map_err(|e| typed(e, &path))?;
        let mut n = 0usize;
        while let Some(f) = r.next_frame().map_err(|e| typed(e, &path))? {
            assert!(f.time_s.is_finite(), "frame {n}: time {}", f.time_s);
            let _ = f.angles();
            n += 1;
            assert!(
                n <= input.len() + 1,
                "{n} frames from {} bytes",
                input.len()
            );
        }
        Ok(())
    }
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}

#[test]
fn replay_imu_csv() {
    let d = tmp();
    IMU_CSV.replay(imu_file(d.path()));
}

#[test]
fn fuzz_imu_csv() {
    let d = tmp();
    IMU_CSV.fuzz(imu_file(d.path()));
}

#[test]
fn replay_coremotion() {
    let d = tmp();
    COREMOTION.replay(imu_file(d.path()));
}

#[test]
fn fuzz_coremotion() {
    let d = tmp();
    COREMOTION.fuzz(imu_file(d.path()));
}

#[test]
fn replay_sensor_logger_dir() {
    let d = tmp();
    SENSOR_LOGGER_DIR.replay(imu_dir(d.path()));
}

#[test]
fn fuzz_sensor_logger_dir() {
    let d = tmp();
    SENSOR_LOGGER_DIR.fuzz(imu_dir(d.path()));
}

#[test]
fn replay_sensor_logger_zip() {
    let d = tmp();
    SENSOR_LOGGER_ZIP.replay(imu_file(d.path()));
}

#[test]
fn fuzz_sensor_logger_zip() {
    let d = tmp();
    SENSOR_LOGGER_ZIP.fuzz(imu_file(d.path()));
}

#[test]
fn replay_openface() {
    let d = tmp();
    OPENFACE.replay(openface(d.path()));
}

#[test]
fn fuzz_openface() {
    let d = tmp();
    OPENFACE.fuzz(openface(d.path()));
}
