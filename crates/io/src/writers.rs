//! Streaming CSV writers for Collis outputs: IMU samples (the Collis IMU CSV, read back by
//! [`crate::open_imu`]), orientation quaternions and clinical head angles. Rows are formatted
//! with `write!` straight into a 256 KiB `BufWriter` (no `String` per row): time with 6
//! decimals; gyroscope with 7 (1e-7 rad/s), accelerometer with 6 (1e-6 m/s²) and magnetometer
//! with 4 (1e-4 µT) — thousands of times finer than any IMU resolves (a 16-bit gyroscope at
//! ±2000 °/s steps by ≈ 1e-3 rad/s), without the file size and parse time of more digits;
//! quaternions with 9, degrees with 4.

use crate::delimited::COLLIS_COLUMNS;
use crate::error::WriteError;
use collis_core::ImuSample;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

const BUF_SIZE: usize = 256 * 1024;

/// A CSV file being written.
struct CsvOut {
    path: PathBuf,
    out: BufWriter<File>,
}

impl CsvOut {
    fn create(path: &Path, header: &str) -> Result<Self, WriteError> {
        let file = File::create(path).map_err(|e| WriteError::new(path, e))?;
        let mut out = CsvOut {
            path: path.to_path_buf(),
            out: BufWriter::with_capacity(BUF_SIZE, file),
        };
        let r = writeln!(out.out, "{header}");
        out.check(r)?;
        Ok(out)
    }

    fn check(&self, r: io::Result<()>) -> Result<(), WriteError> {
        r.map_err(|e| WriteError::new(&self.path, e))
    }

    fn finish(mut self) -> Result<(), WriteError> {
        let r = self.out.flush();
        self.check(r)?;
        let r = self.out.get_ref().sync_all();
        self.check(r)
    }
}

/// Writes the Collis IMU CSV: `time_s,gyr_x,gyr_y,gyr_z,acc_x,acc_y,acc_z[,mag_x,mag_y,mag_z]`.
pub struct ImuCsvWriter {
    csv: CsvOut,
    has_mag: bool,
}

impl ImuCsvWriter {
    /// With `has_mag`, samples without a magnetometer value get empty magnetometer fields.
    pub fn new(path: &Path, has_mag: bool) -> Result<Self, WriteError> {
        let n = if has_mag { 10 } else { 7 };
        let csv = CsvOut::create(path, &COLLIS_COLUMNS[..n].join(","))?;
        Ok(ImuCsvWriter { csv, has_mag })
    }

    pub fn write(&mut self, s: &ImuSample) -> Result<(), WriteError> {
        let [gx, gy, gz] = s.gyr_rad_s;
        let [ax, ay, az] = s.acc_m_s2;
        let out = &mut self.csv.out;
        let mut r = write!(
            out,
            "{:.6},{gx:.7},{gy:.7},{gz:.7},{ax:.6},{ay:.6},{az:.6}",
            s.time_s
        );
        if self.has_mag {
            r = r.and_then(|()| match s.mag {
                Some([mx, my, mz]) => write!(out, ",{mx:.4},{my:.4},{mz:.4}"),
                None => out.write_all(b",,,"),
            });
        }
        let r = r.and_then(|()| out.write_all(b"\n"));
        self.csv.check(r)
    }

    /// Flushes and syncs what was written so far (a live session, once a second): a crash
    /// after this keeps every row before it.
    pub fn flush(&mut self) -> Result<(), WriteError> {
        let r = self.csv.out.flush();
        self.csv.check(r)?;
        let r = self.csv.out.get_ref().sync_data();
        self.csv.check(r)
    }

    /// Flushes and syncs the file.
    pub fn finish(self) -> Result<(), WriteError> {
        self.csv.finish()
    }
}

/// Writes orientation quaternions: `time_s,qw,qx,qy,qz`.
pub struct OrientationCsvWriter {
    csv: CsvOut,
}

impl OrientationCsvWriter {
    pub fn new(path: &Path) -> Result<Self, WriteError> {
        Ok(OrientationCsvWriter {
            csv: CsvOut::create(path, "time_s,qw,qx,qy,qz")?,
        })
    }

    /// `q` = `[w, x, y, z]`.
    pub fn write(&mut self, time_s: f64, q: [f64; 4]) -> Result<(), WriteError> {
        let [w, x, y, z] = q;
        let r = writeln!(self.csv.out, "{time_s:.6},{w:.9},{x:.9},{y:.9},{z:.9}");
        self.csv.check(r)
    }

    pub fn finish(self) -> Result<(), WriteError> {
        self.csv.finish()
    }
}

/// Writes clinical head angles: `time_s,rotation_deg,tilt_deg,flexion_deg`.
pub struct AngleCsvWriter {
    csv: CsvOut,
}

impl AngleCsvWriter {
    pub fn new(path: &Path) -> Result<Self, WriteError> {
        Ok(AngleCsvWriter {
            csv: CsvOut::create(path, "time_s,rotation_deg,tilt_deg,flexion_deg")?,
        })
    }

    /// `rotation` is `None` without a rotation reference: its field is left empty.
    pub fn write(
        &mut self,
        time_s: f64,
        rotation: Option<f64>,
        tilt: f64,
        flexion: f64,
    ) -> Result<(), WriteError> {
        let out = &mut self.csv.out;
        let r = match rotation {
            Some(rot) => writeln!(out, "{time_s:.6},{rot:.4},{tilt:.4},{flexion:.4}"),
            None => writeln!(out, "{time_s:.6},,{tilt:.4},{flexion:.4}"),
        };
        self.csv.check(r)
    }

    pub fn finish(self) -> Result<(), WriteError> {
        self.csv.finish()
    }
}

/// Writes video head angles with the per-frame confidence:
/// `time_s,rotation_deg,tilt_deg,flexion_deg,confidence`. Frames without a face keep their
/// time with empty angles and confidence 0 (gaps, not zeros).
pub struct VideoAngleCsvWriter {
    csv: CsvOut,
}

impl VideoAngleCsvWriter {
    pub fn new(path: &Path) -> Result<Self, WriteError> {
        Ok(VideoAngleCsvWriter {
            csv: CsvOut::create(path, "time_s,rotation_deg,tilt_deg,flexion_deg,confidence")?,
        })
    }

    /// `angles` = `[rotation, tilt, flexion]` in degrees, `None` for a frame without a face.
    pub fn write(
        &mut self,
        time_s: f64,
        angles: Option<[f64; 3]>,
        confidence: f64,
    ) -> Result<(), WriteError> {
        let out = &mut self.csv.out;
        let r = match angles {
            Some([r, t, f]) => {
                writeln!(out, "{time_s:.6},{r:.4},{t:.4},{f:.4},{confidence:.4}")
            }
            None => writeln!(out, "{time_s:.6},,,,0"),
        };
        self.csv.check(r)
    }

    pub fn finish(self) -> Result<(), WriteError> {
        self.csv.finish()
    }
}

/// Quotes a CSV field when it holds a comma, quote or line break (RFC 4180).
fn csv_field(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\"")).into()
    } else {
        s.into()
    }
}

/// Header of the per-image pose CSV.
pub const POSE_CSV_HEADER: &str = "file,rotation_deg,tilt_deg,flexion_deg,confidence,faces,error";

/// One row (with its line break) of the per-image pose CSV: the angles (rotation, tilt,
/// flexion, degrees) and confidence, or the reason there are none in `error`; `faces`, the
/// number of faces found in the image, is empty for an image that could not be read.
pub fn pose_csv_row(
    file: &str,
    faces: Option<usize>,
    pose: Result<([f64; 3], f64), &str>,
) -> String {
    let file = csv_field(file);
    let faces = faces.map(|n| n.to_string()).unwrap_or_default();
    match pose {
        Ok(([r, t, f], c)) => format!("{file},{r:.4},{t:.4},{f:.4},{c:.4},{faces},\n"),
        Err(e) => format!("{file},,,,,{faces},{}\n", csv_field(e)),
    }
}

/// Writes one head pose per still image ([`POSE_CSV_HEADER`], [`pose_csv_row`]).
pub struct PoseCsvWriter {
    csv: CsvOut,
}

impl PoseCsvWriter {
    pub fn new(path: &Path) -> Result<Self, WriteError> {
        Ok(PoseCsvWriter {
            csv: CsvOut::create(path, POSE_CSV_HEADER)?,
        })
    }

    pub fn write(
        &mut self,
        file: &str,
        faces: Option<usize>,
        pose: Result<([f64; 3], f64), &str>,
    ) -> Result<(), WriteError> {
        let row = pose_csv_row(file, faces, pose);
        let r = self.csv.out.write_all(row.as_bytes());
        self.csv.check(r)
    }

    pub fn finish(self) -> Result<(), WriteError> {
        self.csv.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_headers_and_rows() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        let mut w = AngleCsvWriter::new(&p).unwrap();
        w.write(0.01, None, 1.5, -2.25).unwrap();
        w.write(0.02, Some(3.0), 1.0, 0.0).unwrap();
        w.finish().unwrap();
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "time_s,rotation_deg,tilt_deg,flexion_deg\n0.010000,,1.5000,-2.2500\n\
             0.020000,3.0000,1.0000,0.0000\n"
        );
        let p = dir.path().join("q.csv");
        let mut w = OrientationCsvWriter::new(&p).unwrap();
        w.write(1.0, [1.0, 0.0, 0.0, 0.0]).unwrap();
        w.finish().unwrap();
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "time_s,qw,qx,qy,qz\n1.000000,1.000000000,0.000000000,0.000000000,0.000000000\n"
        );
        let e = AngleCsvWriter::new(&dir.path().join("no/such/dir.csv"))
            .err()
            .unwrap();
        assert!(e.to_string().contains("no/such/dir.csv"), "{e}");
    }

    #[test]
    fn pose_rows_carry_the_face_count() {
        assert_eq!(
            pose_csv_row("a,b.jpg", Some(2), Ok(([1.0, -2.0, 3.5], 0.99))),
            "\"a,b.jpg\",1.0000,-2.0000,3.5000,0.9900,2,\n"
        );
        assert_eq!(
            pose_csv_row("grey.png", Some(0), Err("no face found")),
            "grey.png,,,,,0,no face found\n"
        );
        assert_eq!(
            pose_csv_row("x.png", None, Err("empty file")),
            "x.png,,,,,,empty file\n"
        );
    }
}
