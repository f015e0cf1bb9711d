//! A video as a stream of head poses: decoded frames (`video`) through the tracker
//! (`estimator`: the largest face, then the face followed), each frame with its real timestamp
//! and, on the frames where the detector ran, the number of faces in view; frames without a
//! face are gaps.
//! Optionally referenced to a neutral segment (mean orientation over `--neutral START:END`);
//! by default camera-frontal is neutral.

use std::path::Path;

use collis_core::camera::{angles_relative, RotationMean};
use collis_core::HeadAngles;
use nalgebra::Rotation3;

use crate::estimator::{Estimator, FramePose, Tracker};
use crate::image::Rgb;
use crate::video::{FrameInfo, VideoReader};
use crate::VisionError;

/// One frame's result.
#[derive(Debug, Clone)]
pub struct PoseFrame {
    pub info: FrameInfo,
    /// The face, when one was measured.
    pub face: Option<FramePose>,
    /// Clinical angles relative to the reference (camera-frontal or the neutral segment).
    pub angles: Option<HeadAngles>,
    /// Faces in view, when the detector ran on this frame (see [`Tracker`]).
    pub faces: Option<usize>,
}

/// Frames of one video with their poses, in order.
pub struct PoseStream<'e> {
    est: &'e Estimator,
    reader: VideoReader,
    tracker: Tracker,
    rgb: Vec<u8>,
    neutral: Option<Rotation3<f64>>,
}

impl<'e> PoseStream<'e> {
    /// Opens `path` between `start_s` and `end_s`; angles relative to `neutral` (see
    /// [`neutral_rotation`]) or to camera-frontal.
    pub fn open(
        est: &'e Estimator,
        path: &Path,
        start_s: Option<f64>,
        end_s: Option<f64>,
        neutral: Option<Rotation3<f64>>,
    ) -> Result<Self, VisionError> {
        Ok(PoseStream {
            est,
            reader: VideoReader::open(path, start_s, end_s)?,
            tracker: Tracker::default(),
            rgb: Vec::new(),
            neutral,
        })
    }

    /// The next frame and its pose; `None` at the end.
    pub fn next_frame(&mut self) -> Result<Option<PoseFrame>, VisionError> {
        let Some(info) = self.reader.next_frame(&mut self.rgb)? else {
            return Ok(None);
        };
        let img = Rgb {
            width: info.width,
            height: info.height,
            data: &self.rgb,
        };
        let face = self.tracker.next(self.est, &img)?;
        let angles = face.as_ref().map(|f| match &self.neutral {
            Some(n) => angles_relative(&f.pose.rotation, Some(n)),
            None => f.pose.angles,
        });
        Ok(Some(PoseFrame {
            info,
            face,
            angles,
            faces: self.tracker.faces_seen,
        }))
    }

    /// The pixels of the frame last returned by [`Self::next_frame`].
    pub fn frame_image(&self, info: &FrameInfo) -> Rgb<'_> {
        Rgb {
            width: info.width,
            height: info.height,
            data: &self.rgb,
        }
    }

    /// Detector runs so far.
    pub fn detector_runs(&self) -> u64 {
        self.tracker.detections
    }
}

/// Mean head orientation (canonical → camera) over the frames with a face in `[a, b]` s.
pub fn neutral_rotation(
    est: &Estimator,
    path: &Path,
    [a, b]: [f64; 2],
) -> Result<Rotation3<f64>, VisionError> {
    let mut stream = PoseStream::open(est, path, Some(a), Some(b), None)?;
    let mut mean = RotationMean::default();
    while let Some(frame) = stream.next_frame()? {
        if let Some(face) = frame.face {
            mean.push(&face.pose.rotation);
        }
    }
    mean.mean().ok_or_else(|| VisionError::Video {
        path: path.to_path_buf(),
        reason: format!("no face in the neutral segment {a:.2}–{b:.2} s"),
    })
}
