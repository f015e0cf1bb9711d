//! Per-image and per-video head-pose estimation: detector → crop → mesh → Procrustes.
//! With several faces in view the largest is measured (or, for images, the one chosen: see
//! [`crate::faces`]). In video the crop follows the previous frame's landmarks; the detector
//! runs again only when face presence drops below the tracking threshold (MediaPipe's
//! `min_tracking_confidence`, 0.5), and then the face overlapping the one followed so far is
//! taken before any other. While tracking, the detector also runs on every
//! [`FACE_COUNT_EVERY`]-th frame, only to count the faces in view.

use crate::canonical::CanonicalFace;
use crate::detector::FaceDetector;
use crate::faces::{rank, FaceBox, FaceChoice};
use crate::image::{Rgb, RotatedRect};
use crate::mesh::{FaceMesh, MeshModel};
use crate::models::ModelFiles;
use crate::pose::{fit, Pose};
use crate::VisionError;

/// Face presence below which a mesh result is rejected (MediaPipe's default 0.5).
pub const MIN_PRESENCE: f64 = 0.5;

/// While a face is tracked, the faces in view are counted on every this-many-th frame (and on
/// every frame the detector runs to find the face): the detector costs a fraction of the mesh,
/// so counting on every frame would slow tracking down by that fraction.
pub const FACE_COUNT_EVERY: u64 = 30;

/// The pose of one image or frame.
#[derive(Debug, Clone)]
pub struct FramePose {
    pub pose: Pose,
    /// Face-presence probability of the mesh (0–1): the per-frame confidence.
    pub confidence: f64,
    /// Landmarks in image pixels.
    pub mesh: FaceMesh,
    /// The crop the mesh ran on.
    pub rect: RotatedRect,
}

/// Detector, mesh and canonical face, ready to run.
#[derive(Debug, Clone)]
pub struct Estimator {
    detector: FaceDetector,
    mesh: MeshModel,
    canonical: CanonicalFace,
}

impl Estimator {
    pub fn new(files: &ModelFiles) -> Result<Self, VisionError> {
        Ok(Estimator {
            detector: FaceDetector::new(&files.detector)?,
            mesh: MeshModel::new(&files.mesh)?,
            canonical: files.canonical.clone(),
        })
    }

    /// The canonical face used for the fit.
    pub fn canonical(&self) -> &CanonicalFace {
        &self.canonical
    }

    fn mesh_pose(&self, img: &Rgb, rect: RotatedRect) -> Result<Option<FramePose>, VisionError> {
        let mesh = self.mesh.landmarks(img, &rect)?;
        if mesh.presence < MIN_PRESENCE {
            return Ok(None);
        }
        Ok(fit(&self.canonical, &mesh.points).map(|pose| FramePose {
            pose,
            confidence: mesh.presence,
            mesh,
            rect,
        }))
    }

    /// Detects the faces in `img`, ranks them (see [`rank`]) and measures the first the face
    /// mesh accepts.
    fn detect_and_measure(
        &self,
        img: &Rgb,
        choice: FaceChoice,
        tracked: Option<&FaceBox>,
    ) -> Result<Faces, VisionError> {
        let mut found = self.detector.detect(img)?;
        let seen = found.len();
        rank(&mut found, choice, (img.width, img.height), tracked);
        for det in found {
            if let Some(p) = self.mesh_pose(img, det.mesh_rect())? {
                // A second mesh pass on the crop derived from the first pass's landmarks (as the
                // video tracker does from frame to frame) centres and aligns the face better
                // than the detector box: on rendered known-angle faces it removes most of the
                // flexion under-estimate at ±40°.
                let measured = self.mesh_pose(img, p.mesh.next_rect())?.unwrap_or(p);
                return Ok(Faces {
                    measured: Some(measured),
                    seen,
                });
            }
        }
        Ok(Faces {
            measured: None,
            seen,
        })
    }

    /// The faces of a still image: the pose of the one `choice` picks and how many were seen.
    pub fn faces(&self, img: &Rgb, choice: FaceChoice) -> Result<Faces, VisionError> {
        self.detect_and_measure(img, choice, None)
    }

    /// Pose of the largest face in a still image (`None`: no face).
    pub fn image(&self, img: &Rgb) -> Result<Option<FramePose>, VisionError> {
        Ok(self.faces(img, FaceChoice::Largest)?.measured)
    }
}

/// The faces of one image or frame.
#[derive(Debug, Clone)]
pub struct Faces {
    /// The measured face (`None`: no face the mesh accepts).
    pub measured: Option<FramePose>,
    /// Faces the detector found.
    pub seen: usize,
}

/// Frame-to-frame tracking state for one video.
#[derive(Debug, Default)]
pub struct Tracker {
    rect: Option<RotatedRect>,
    /// Box around the last measured face's landmarks: the face followed.
    followed: Option<FaceBox>,
    frames: u64,
    /// Detector runs to find the face so far (not counting those that only count faces).
    pub detections: u64,
    /// Faces the detector saw in the last frame, when it ran on that frame.
    pub faces_seen: Option<usize>,
}

impl Tracker {
    /// Pose of the next frame (`None`: no face in this frame — a gap, not a zero).
    pub fn next(&mut self, est: &Estimator, img: &Rgb) -> Result<Option<FramePose>, VisionError> {
        let count = self.frames % FACE_COUNT_EVERY == 0;
        self.frames += 1;
        self.faces_seen = None;
        if let Some(rect) = self.rect.take() {
            if let Some(p) = est.mesh_pose(img, rect)? {
                if count {
                    self.faces_seen = Some(est.detector.detect(img)?.len());
                }
                self.follow(&p);
                return Ok(Some(p));
            }
        }
        self.detections += 1;
        let found = est.detect_and_measure(img, FaceChoice::Largest, self.followed.as_ref())?;
        self.faces_seen = Some(found.seen);
        if let Some(p) = &found.measured {
            self.follow(p);
        }
        Ok(found.measured)
    }

    fn follow(&mut self, p: &FramePose) {
        self.rect = Some(p.mesh.next_rect());
        self.followed = Some(FaceBox::around(&p.mesh.points));
    }
}
