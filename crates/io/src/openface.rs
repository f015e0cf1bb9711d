//! OpenFace 2.x head pose (`FeatureExtraction` CSV) as a stream of per-frame head rotations
//! in collis-core's camera-view frame ([`collis_core::camera`]), so that a pose measured by
//! another tool enters the same analysis as Collis's own face video.
//!
//! **Format.** A CSV with a header row whose names may carry a leading space
//! (`frame, face_id, timestamp, confidence, success, ..., pose_Rx, pose_Ry, pose_Rz, ...`):
//! `timestamp` in seconds, `confidence` 0–1, `success` 0/1, `pose_Rx/Ry/Rz` in radians
//! (OpenFace wiki, *Output Format*). A file is recognised by `pose_Rx`, `pose_Ry` and `pose_Rz`
//! in its header ([`is_openface`]); only those, `timestamp`, `confidence` and `success` are
//! parsed, every other column is skipped without being read as a number.
//!
//! **Convention** (OpenFace `lib/local/Utilities/include/RotationHelpers.h`,
//! `Utilities::Euler2RotationMatrix`: "Using the XYZ convention R = Rx * Ry * Rz"; its matrix is
//! `[c2c3, −c2s3, s2; c1s3 + c3s1s2, c1c3 − s1s2s3, −c2s1; s1s3 − c1c3s2, c3s1 + c1s2s3, c1c2]`,
//! i.e. the product of the ordinary right-handed rotations R_x(Rx)·R_y(Ry)·R_z(Rz)). The
//! rotation takes OpenFace's face model into its camera frame: x = image right, y = image down,
//! z = away from the camera, into the scene; the model's axes are the same when the face looks
//! straight into the camera (model x = subject's left, y = down, z = to the back of the head),
//! so a frontal face is Rx = Ry = Rz ≈ 0 — no π offset (OpenFace's own sample rows for frontal
//! faces read ≈ 0.02 rad on each axis). OpenFace's comment also says "left-handed positive
//! sign"; the matrix above, which is what OpenFace computes with, is used as written.
//!
//! **Axis conversion.** Collis's camera-view frame has y up and z toward the viewer: both
//! frames differ from OpenFace's by the half turn F = diag(1, −1, −1), so the face → camera
//! rotation is F·R·F and the clinical angles come from [`collis_core::camera::angles_of`], the
//! conversion the MediaPipe video path uses. For small angles: rotation ≈ +Ry (chin to the
//! patient's right, who is on the image's left), flexion ≈ +Rx (chin down), tilt ≈ −Rz (right
//! ear toward the right shoulder).
//!
//! **Gaps.** Rows with `success` = 0 or `confidence` below the threshold (default
//! [`MIN_CONFIDENCE`] = 0.4, the boundary under which OpenFace 2.0's own trackers stop drawing
//! the landmarks and head box: `visualisation_boundary = 0.4`, "only draw if the reliability is
//! reasonable") are frames without a face: no rotation, never zeros (OpenFace writes zeros for
//! the pose of a failed frame).
//!
//! **Errors.** Every malformed input is an [`ImportError`] naming file, line and field: empty
//! file, header only, a missing column, text or NaN in a parsed column, a timestamp not after
//! the previous one (also what several faces per frame, `face_id` > 0, look like), a wrong field
//! count, and a last line cut off (no newline and not a complete row).

use crate::error::ImportError;
use crate::header::{line_error, read_header, Header};
use crate::lines::LineReader;
use crate::row::{row_error, Parsed, RowParser, IGNORE, SLOTS};
use collis_core::camera::{angles_of, RotationMean};
use collis_core::HeadAngles;
use nalgebra::{Matrix3, Rotation3, Vector3};
use std::collections::VecDeque;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// Default lowest `confidence` of a frame with a face (OpenFace 2.0's visualisation boundary).
pub const MIN_CONFIDENCE: f64 = 0.4;

/// Columns parsed, in slot order.
const COLUMNS: [&str; 6] = [
    "timestamp",
    "confidence",
    "success",
    "pose_Rx",
    "pose_Ry",
    "pose_Rz",
];
const TIME: usize = 0;
const CONFIDENCE: usize = 1;
const SUCCESS: usize = 2;
const POSE: usize = 3;

/// Rows read ahead at open for the frame rate.
const RATE_ROWS: usize = 256;

/// One frame of an OpenFace CSV.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OpenFaceFrame {
    /// 1-based line in the file.
    pub line: u64,
    /// OpenFace's `timestamp`, seconds.
    pub time_s: f64,
    /// OpenFace's `confidence` (0–1).
    pub confidence: f64,
    /// Face → camera rotation in collis-core's camera-view frame; `None` for a gap
    /// (`success` = 0 or confidence below the threshold).
    pub rotation: Option<Rotation3<f64>>,
}

impl OpenFaceFrame {
    /// Clinical angles relative to camera-frontal; `None` for a gap.
    pub fn angles(&self) -> Option<HeadAngles> {
        self.rotation.as_ref().map(angles_of)
    }
}

/// OpenFace's rotation R = R_x(rx)·R_y(ry)·R_z(rz) (radians) in OpenFace's camera frame.
pub fn openface_matrix(rx: f64, ry: f64, rz: f64) -> Rotation3<f64> {
    Rotation3::from_axis_angle(&Vector3::x_axis(), rx)
        * Rotation3::from_axis_angle(&Vector3::y_axis(), ry)
        * Rotation3::from_axis_angle(&Vector3::z_axis(), rz)
}

/// The half turn about x between OpenFace's frames (y down, z away) and collis-core's
/// camera-view frames (y up, z toward the viewer); its own inverse.
fn flip() -> Matrix3<f64> {
    Matrix3::from_diagonal(&Vector3::new(1.0, -1.0, -1.0))
}

/// Face → camera rotation in collis-core's camera-view frame from OpenFace's `pose_Rx/Ry/Rz`.
pub fn rotation_from_openface(rx: f64, ry: f64, rz: f64) -> Rotation3<f64> {
    let f = flip();
    Rotation3::from_matrix_unchecked(f * openface_matrix(rx, ry, rz).matrix() * f)
}

/// OpenFace's `(pose_Rx, pose_Ry, pose_Rz)` of a face → camera rotation in collis-core's
/// camera-view frame (inverse of [`rotation_from_openface`]; OpenFace's
/// `RotationMatrix2Euler`). Exact for |Ry| < 90°.
pub fn openface_from_rotation(r: &Rotation3<f64>) -> [f64; 3] {
    let f = flip();
    let m = f * r.matrix() * f;
    let ry = m[(0, 2)].clamp(-1.0, 1.0).asin();
    let rx = (-m[(1, 2)]).atan2(m[(2, 2)]);
    let rz = (-m[(0, 1)]).atan2(m[(0, 0)]);
    [rx, ry, rz]
}

/// Whether the header of `path` names `pose_Rx`, `pose_Ry` and `pose_Rz` (an OpenFace CSV).
/// False for anything unreadable, a directory or a file without a text header.
pub fn is_openface(path: &Path) -> bool {
    if path.is_dir() {
        return false;
    }
    let Ok(file) = File::open(path) else {
        return false;
    };
    let mut lines = LineReader::new(Box::new(file));
    read_header(&mut lines, path).is_ok_and(|h| {
        ["pose_Rx", "pose_Ry", "pose_Rz"]
            .iter()
            .all(|c| h.names.iter().any(|n| n == c))
    })
}

/// What is known about an OpenFace CSV right after it is opened.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenFaceInfo {
    pub path: PathBuf,
    /// Mean frame rate over the first rows (≤ 256), frames/s.
    pub rate_hz: f64,
    /// Confidence threshold below which a frame is a gap.
    pub min_confidence: f64,
}

/// The frames of an OpenFace CSV, streamed in order.
pub struct OpenFaceReader {
    info: OpenFaceInfo,
    lines: LineReader,
    parser: RowParser,
    names: Vec<String>,
    /// Slot → column index, for messages.
    columns: [usize; 6],
    vals: [f64; SLOTS],
    pending: VecDeque<OpenFaceFrame>,
    last: Option<(f64, u64)>,
    done: bool,
}

impl OpenFaceReader {
    /// Opens `path`; frames with `success` = 0 or confidence below `min_confidence` are gaps.
    pub fn open(path: &Path, min_confidence: f64) -> Result<Self, ImportError> {
        let file = File::open(path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => ImportError::new(path, "no such file or directory"),
            _ => ImportError::io(path, "cannot open", e),
        })?;
        let mut lines = LineReader::new(Box::new(file));
        let header = read_header(&mut lines, path)?;
        let header_line = header.number;
        let columns = find_columns(path, &header)?;
        let mut slots = vec![IGNORE; header.names.len()];
        for (slot, &col) in (0u8..).zip(&columns) {
            slots[col] = slot;
        }
        let mut reader = OpenFaceReader {
            info: OpenFaceInfo {
                path: path.to_path_buf(),
                rate_hz: f64::NAN,
                min_confidence,
            },
            lines,
            parser: RowParser::new(header.delimiter, slots),
            names: header.names,
            columns,
            vals: [0.0; SLOTS],
            pending: VecDeque::new(),
            last: None,
            done: false,
        };
        while reader.pending.len() < RATE_ROWS {
            match reader.read_frame()? {
                Some(f) => reader.pending.push_back(f),
                None => break,
            }
        }
        let (Some(first), Some(last)) = (reader.pending.front(), reader.pending.back()) else {
            return Err(
                ImportError::new(path, "no data rows after the header").at_line(header_line)
            );
        };
        let n = reader.pending.len();
        reader.info.rate_hz = if n > 1 {
            (n - 1) as f64 / (last.time_s - first.time_s)
        } else {
            f64::NAN
        };
        Ok(reader)
    }

    /// Known right after open, before the first frame.
    pub fn info(&self) -> &OpenFaceInfo {
        &self.info
    }

    /// The next frame; `None` at the end.
    pub fn next_frame(&mut self) -> Result<Option<OpenFaceFrame>, ImportError> {
        match self.pending.pop_front() {
            Some(f) => Ok(Some(f)),
            None => self.read_frame(),
        }
    }

    fn error(&self, line: u64, slot: usize, message: String) -> ImportError {
        ImportError::new(&self.info.path, message)
            .at_line(line)
            .in_field(&self.names[self.columns[slot]])
    }

    fn read_frame(&mut self) -> Result<Option<OpenFaceFrame>, ImportError> {
        if self.done {
            return Ok(None);
        }
        let path = self.info.path.clone();
        let (number, terminated, parsed) = loop {
            let line = match self.lines.next_line() {
                Ok(Some(line)) => line,
                Ok(None) => {
                    self.done = true;
                    return Ok(None);
                }
                Err(e) => return Err(line_error(&path, e)),
            };
            if line.bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let parsed = self.parser.parse(line.bytes, &mut self.vals);
            match parsed {
                Err(_) if !line.terminated => {
                    return Err(ImportError::new(
                        &path,
                        "the last line is cut off (no newline at the end of the file and not a \
                         complete row): the file was not written to the end",
                    )
                    .at_line(line.number));
                }
                Err(e) => return Err(row_error(&path, &self.names, line.number, line.bytes, e)),
                Ok(p) => break (line.number, line.terminated, p),
            }
        };
        if !terminated {
            self.done = true;
        }
        if let Parsed::Missing(column) = parsed {
            let slot = self.columns.iter().position(|&c| c == column).unwrap_or(0);
            return Err(self.error(
                number,
                slot,
                "empty, NaN or infinite value: OpenFace writes a number in every row \
                 (0 for the pose of a frame without a face)"
                    .to_string(),
            ));
        }
        let v = &self.vals;
        let time_s = v[TIME];
        if let Some((prev, prev_line)) = self.last {
            if time_s <= prev {
                return Err(self.error(
                    number,
                    TIME,
                    format!(
                        "timestamp {time_s} s is not after {prev} s (line {prev_line}): \
                         timestamps must increase (a file with several faces per frame, \
                         face_id > 0, is not supported)"
                    ),
                ));
            }
        }
        self.last = Some((time_s, number));
        let confidence = v[CONFIDENCE];
        if !(0.0..=1.0).contains(&confidence) {
            return Err(self.error(
                number,
                CONFIDENCE,
                format!("confidence {confidence} is outside 0–1"),
            ));
        }
        let success = v[SUCCESS];
        if success != 0.0 && success != 1.0 {
            return Err(self.error(
                number,
                SUCCESS,
                format!("success must be 0 or 1, found {success}"),
            ));
        }
        let face = success == 1.0 && confidence >= self.info.min_confidence;
        let rotation = face.then(|| rotation_from_openface(v[POSE], v[POSE + 1], v[POSE + 2]));
        Ok(Some(OpenFaceFrame {
            line: number,
            time_s,
            confidence,
            rotation,
        }))
    }
}

/// Column index of each parsed column; an error naming the first missing one.
fn find_columns(path: &Path, header: &Header) -> Result<[usize; 6], ImportError> {
    let mut columns = [0; 6];
    for (slot, name) in COLUMNS.iter().enumerate() {
        let Some(i) = header.names.iter().position(|n| n == name) else {
            return Err(ImportError::new(
                path,
                format!(
                    "no '{name}' column: an OpenFace 2 FeatureExtraction CSV has timestamp, \
                     confidence, success and pose_Rx, pose_Ry, pose_Rz (run FeatureExtraction \
                     with -pose or without output options)"
                ),
            )
            .at_line(header.number)
            .in_field(name));
        };
        columns[slot] = i;
    }
    Ok(columns)
}

/// Mean head orientation (face → camera, collis-core's camera-view frame) over the frames
/// with a face in `[a, b]` s.
pub fn neutral_rotation(
    path: &Path,
    min_confidence: f64,
    [a, b]: [f64; 2],
) -> Result<Rotation3<f64>, ImportError> {
    let mut reader = OpenFaceReader::open(path, min_confidence)?;
    let mut mean = RotationMean::default();
    while let Some(f) = reader.next_frame()? {
        if f.time_s > b {
            break;
        }
        if let (true, Some(r)) = (f.time_s >= a, &f.rotation) {
            mean.push(r);
        }
    }
    mean.mean().ok_or_else(|| {
        ImportError::new(
            path,
            format!("no face in the neutral segment {a:.2}–{b:.2} s"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use collis_core::camera::rotation_of;

    #[test]
    fn euler_matrix_is_openfaces() {
        // The entries of Utilities::Euler2RotationMatrix.
        let (rx, ry, rz) = (0.3_f64, -0.2_f64, 0.5_f64);
        let (s1, s2, s3) = (rx.sin(), ry.sin(), rz.sin());
        let (c1, c2, c3) = (rx.cos(), ry.cos(), rz.cos());
        let want = Matrix3::new(
            c2 * c3,
            -c2 * s3,
            s2,
            c1 * s3 + c3 * s1 * s2,
            c1 * c3 - s1 * s2 * s3,
            -c2 * s1,
            s1 * s3 - c1 * c3 * s2,
            c3 * s1 + c1 * s2 * s3,
            c1 * c2,
        );
        assert!((openface_matrix(rx, ry, rz).matrix() - want).abs().max() < 1e-12);
    }

    #[test]
    fn euler_round_trip() {
        let a = HeadAngles {
            rotation_deg: 33.0,
            tilt_deg: -14.0,
            flexion_deg: 21.0,
        };
        let [rx, ry, rz] = openface_from_rotation(&rotation_of(&a));
        let b = angles_of(&rotation_from_openface(rx, ry, rz));
        for (x, y) in a.as_array().iter().zip(b.as_array()) {
            assert!((x - y).abs() < 1e-9, "{a:?} {b:?}");
        }
    }
}
