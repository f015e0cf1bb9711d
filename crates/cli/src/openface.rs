//! Wiring for one OpenFace 2 CSV (head pose measured by OpenFace `FeatureExtraction`): its
//! per-frame rotations (`collis_io::openface`, converted to the camera-view frame of
//! `collis_core::camera`) → clinical angles, referenced like video (camera-frontal, or the mean
//! orientation in `--neutral START:END`) → the shared face path (`face`), so the results are
//! those of a face video with `recording.format = "openface-csv"`.

use crate::face::{self, FaceCounts, FaceRecording};
use crate::video::VideoArgs;
use anyhow::Result;
use collis_core::camera::angles_relative;
use collis_core::results::{Reference, Results, Task};
use collis_core::AngleSample;
use collis_io::openface::{neutral_rotation, OpenFaceReader, MIN_CONFIDENCE};
use nalgebra::Rotation3;
use std::path::Path;

/// Frame rate assumed when the file has a single frame.
const FALLBACK_FPS: f64 = 30.0;

/// Whether `path` is read as an OpenFace CSV (its header names pose_Rx, pose_Ry, pose_Rz).
pub fn is_openface(path: &Path) -> bool {
    collis_io::openface::is_openface(path)
}

fn method() -> String {
    format!(
        "OpenFace 2 FeatureExtraction head pose (pose_Rx/Ry/Rz, R = Rx·Ry·Rz), imported; \
         frames with success 0 or confidence < {MIN_CONFIDENCE} are gaps"
    )
}

/// An OpenFace CSV ready to stream angles.
struct OpenFaceSource<'a> {
    path: &'a Path,
    args: &'a VideoArgs,
    neutral: Option<Rotation3<f64>>,
    rate_hz: f64,
    reference: Reference,
}

impl<'a> OpenFaceSource<'a> {
    fn open(path: &'a Path, args: &'a VideoArgs, neutral: Option<[f64; 2]>) -> Result<Self> {
        anyhow::ensure!(
            args.overlay.is_none(),
            "--overlay draws on the video: {} is an OpenFace CSV (OpenFace draws its own \
             overlay with -tracked)",
            path.display()
        );
        if let (Some(s), Some(e)) = (args.start, args.end) {
            anyhow::ensure!(e > s, "--end {e} must be after --start {s}");
        }
        let rate_hz = OpenFaceReader::open(path, MIN_CONFIDENCE)?.info().rate_hz;
        let neutral_rot = match neutral {
            Some(seg) => Some(neutral_rotation(path, MIN_CONFIDENCE, seg)?),
            None => None,
        };
        Ok(OpenFaceSource {
            path,
            args,
            neutral: neutral_rot,
            rate_hz: if rate_hz.is_finite() {
                rate_hz
            } else {
                FALLBACK_FPS
            },
            reference: face::reference(neutral),
        })
    }

    /// Streams every frame in `--start`..`--end` through `sink`; no detector runs, no face
    /// counts (OpenFace measured the poses).
    fn for_each(&self, sink: &mut dyn FnMut(&AngleSample) -> Result<()>) -> Result<FaceCounts> {
        let mut reader = OpenFaceReader::open(self.path, MIN_CONFIDENCE)?;
        while let Some(f) = reader.next_frame()? {
            if self.args.start.is_some_and(|s| f.time_s < s) {
                continue;
            }
            if self.args.end.is_some_and(|e| f.time_s > e) {
                break;
            }
            let angles = f
                .rotation
                .map(|r| (angles_relative(&r, self.neutral.as_ref()), f.confidence));
            sink(&face::sample(f.time_s, angles))?;
        }
        Ok(FaceCounts::default())
    }
}

/// Analyse an OpenFace CSV into the results document.
pub fn analyze(
    path: &Path,
    args: &VideoArgs,
    neutral: Option<[f64; 2]>,
    task: Task,
    trick_s: &[[f64; 2]],
    kept: Option<&mut Vec<AngleSample>>,
) -> Result<Results> {
    let src = OpenFaceSource::open(path, args, neutral)?;
    let rec = FaceRecording {
        path,
        format: "openface-csv",
        fusion: "openface",
        method: method(),
        rate_hz: src.rate_hz,
        reference: src.reference.clone(),
        smooth: args.smooth,
        // Not measured for OpenFace's pose here.
        reduced_gain: None,
    };
    face::analyze(
        rec,
        neutral,
        task,
        trick_s,
        Box::new(|sink| src.for_each(sink)),
        kept,
    )
}

/// Write the per-frame angles of an OpenFace CSV as CSV.
pub fn write_angles(
    path: &Path,
    args: &VideoArgs,
    neutral: Option<[f64; 2]>,
    out: &Path,
) -> Result<Reference> {
    let src = OpenFaceSource::open(path, args, neutral)?;
    face::write_angles(
        out,
        Box::new(|sink| src.for_each(sink)),
        args.smooth,
        src.rate_hz,
    )?;
    Ok(src.reference)
}
