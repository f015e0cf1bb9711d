//! Wiring for one video: ffmpeg frames → face tracking → head angles → the shared face path
//! (`face`: the same pure analysis as the sensors → results with `recording.source =
//! "video"`). Thin: the pose pipeline lives in `collis-vision`, the analyses in
//! `collis-analysis`.

use crate::face::{self, FaceCounts, FaceRecording};
use anyhow::Result;
use clap::Args;
use collis_core::results::{Reference, Results, Task};
use collis_core::AngleSample;
use collis_vision::still::OwnedRgb;
use collis_vision::track::{neutral_rotation, PoseFrame, PoseStream};
use collis_vision::video::VideoWriter;
use collis_vision::{models, video, Estimator};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};

/// File extensions read as video.
const VIDEO_EXTENSIONS: [&str; 8] = ["mp4", "mov", "avi", "mkv", "webm", "m4v", "mpg", "mpeg"];

/// Video longer than this gets a progress bar (seconds of video).
const PROGRESS_MIN_S: f64 = 10.0;

/// Beyond 25° of rotation or flexion from frontal the face mesh reads angle changes at about
/// 0.8 of their size. Measured on a real face scan turned by known angles (rotation 25° reads
/// 26.8°, 40° reads 38.9°; collis-vision `scanned_face_known_angles`) and on a tremor filmed at
/// a 34° turn (1.84° read as 1.45°; tests/video.rs `filmed_torticollis_…`).
const REDUCED_GAIN_BEYOND_DEG: f64 = 25.0;
const REDUCED_GAIN_NOTE: &str = "posture beyond 25° of rotation or flexion: there the face mesh reads angle changes at about 0.8 of their size (measured on a real face turned by known angles), so tremor amplitudes and movement ranges may read up to ≈ 20 % low and posture angles up to ≈ 5° off";

/// Method label written into the results.
pub const METHOD: &str =
    "mediapipe face detector + face mesh (0.10.21), weighted Procrustes on the canonical face";

/// Whether `path` is read as a video (by extension).
pub fn is_video(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| VIDEO_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Options for face video.
#[derive(Args, Debug, Clone, Default)]
pub struct VideoArgs {
    /// Directory of the face models (default: $COLLIS_MODELS, else the user cache; see `collis models`).
    #[arg(long, value_name = "DIR")]
    pub models: Option<PathBuf>,
    /// Video or OpenFace CSV: analyse from this second.
    #[arg(long, value_name = "S", value_parser = crate::args::parse_seconds)]
    pub start: Option<f64>,
    /// Video or OpenFace CSV: analyse up to this second.
    #[arg(long, value_name = "S", value_parser = crate::args::parse_seconds)]
    pub end: Option<f64>,
    /// Video: also write this video with the face mesh, head axes and angles drawn on each frame.
    #[arg(long, value_name = "OUT.mp4")]
    pub overlay: Option<PathBuf>,
    /// Video or OpenFace CSV: low-pass the angles at 18 Hz (4th-order Butterworth; tremor up
    /// to 12 Hz keeps its amplitude within 2 %). Acts only at ≥ 40 frames/s; below, the
    /// results say it was not applied.
    #[arg(long)]
    pub smooth: bool,
}

impl VideoArgs {
    /// Refuses the video-only options for an input that is not a video or OpenFace CSV
    /// (`what`), where they would do nothing.
    pub fn ensure_unused(&self, what: &str) -> Result<()> {
        let given: Vec<&str> = [
            (self.start.is_some(), "--start"),
            (self.end.is_some(), "--end"),
            (self.overlay.is_some(), "--overlay"),
            (self.smooth, "--smooth"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect();
        anyhow::ensure!(
            given.is_empty(),
            "{} appl{} to video and OpenFace CSV only, not to {what}",
            given.join(", "),
            if given.len() == 1 { "ies" } else { "y" }
        );
        Ok(())
    }
}

/// Loads and checks the models.
pub fn estimator(models_dir: Option<&Path>) -> Result<Estimator> {
    let dir = models::resolve_dir(models_dir)?;
    let files = models::load(&dir)?;
    Ok(Estimator::new(&files)?)
}

/// An opened video with its models, ready to stream poses.
pub struct VideoSource<'a> {
    pub path: &'a Path,
    pub est: Estimator,
    pub info: video::VideoInfo,
    pub args: &'a VideoArgs,
    pub neutral: Option<[f64; 2]>,
    pub reference: Reference,
}

impl<'a> VideoSource<'a> {
    pub fn open(path: &'a Path, args: &'a VideoArgs, neutral: Option<[f64; 2]>) -> Result<Self> {
        if let (Some(s), Some(e)) = (args.start, args.end) {
            anyhow::ensure!(e > s, "--end {e} must be after --start {s}");
        }
        let info = video::probe(path)?;
        let est = estimator(args.models.as_deref())?;
        Ok(VideoSource {
            path,
            est,
            info,
            args,
            neutral,
            reference: face::reference(neutral),
        })
    }

    /// Streams every frame through `sink`; returns the detector's runs and face counts.
    pub fn for_each(&self, mut sink: impl FnMut(&PoseFrame) -> Result<()>) -> Result<FaceCounts> {
        let neutral = match self.neutral {
            Some(seg) => Some(neutral_rotation(&self.est, self.path, seg)?),
            None => None,
        };
        let mut stream = PoseStream::open(
            &self.est,
            self.path,
            self.args.start,
            self.args.end,
            neutral,
        )?;
        let start = self.args.start.unwrap_or(0.0);
        let span = self
            .args
            .end
            .or(self.info.duration_s)
            .map(|e| (e - start).max(0.0));
        let bar = match span {
            Some(s) if s >= PROGRESS_MIN_S => {
                let bar = ProgressBar::new((s * 1000.0) as u64);
                bar.set_style(
                    ProgressStyle::with_template(
                        "{spinner} video {msg} [{bar:30}] {percent}% ({eta} left)",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
                );
                bar
            }
            _ => ProgressBar::hidden(),
        };
        let mut overlay: Option<VideoWriter> = None;
        let mut counts = FaceCounts::default();
        while let Some(frame) = stream.next_frame()? {
            counts.count(frame.faces);
            bar.set_position(((frame.info.time_s - start) * 1000.0).max(0.0) as u64);
            bar.set_message(format!("{:.1} s", frame.info.time_s));
            sink(&frame)?;
            if let Some(path) = &self.args.overlay {
                let (w, h) = (frame.info.width, frame.info.height);
                let writer = match &mut overlay {
                    Some(o) => o,
                    None => overlay.insert(VideoWriter::create(
                        path,
                        w,
                        h,
                        self.info.avg_fps.unwrap_or(30.0),
                    )?),
                };
                let mut img = OwnedRgb {
                    width: w,
                    height: h,
                    data: stream.frame_image(&frame.info).data.to_vec(),
                };
                if let (Some(face), Some(a)) = (&frame.face, &frame.angles) {
                    img.draw_pose(face, a.as_array());
                }
                writer.write(w, h, &img.data)?;
            }
        }
        bar.finish_and_clear();
        if let Some(o) = overlay {
            o.finish()?;
        }
        counts.detector_runs = stream.detector_runs();
        Ok(counts)
    }
}

fn sample(frame: &PoseFrame) -> AngleSample {
    let face = match (&frame.face, &frame.angles) {
        (Some(face), Some(a)) => Some((*a, face.confidence)),
        _ => None,
    };
    face::sample(frame.info.time_s, face)
}

/// Analyse a face video into the results document.
pub fn analyze(
    path: &Path,
    args: &VideoArgs,
    neutral: Option<[f64; 2]>,
    task: Task,
    trick_s: &[[f64; 2]],
    kept: Option<&mut Vec<AngleSample>>,
) -> Result<Results> {
    let src = VideoSource::open(path, args, neutral)?;
    let rec = FaceRecording {
        path,
        format: "video",
        fusion: "face-mesh",
        method: METHOD.to_string(),
        rate_hz: src.info.avg_fps.unwrap_or(30.0),
        reference: src.reference.clone(),
        smooth: args.smooth,
        reduced_gain: Some((REDUCED_GAIN_BEYOND_DEG, REDUCED_GAIN_NOTE)),
    };
    let frames = Box::new(|sink: &mut dyn FnMut(&AngleSample) -> Result<()>| {
        src.for_each(|f| sink(&sample(f)))
    });
    face::analyze(rec, neutral, task, trick_s, frames, kept)
}

/// Write the per-frame video angles as CSV.
pub fn write_angles(
    path: &Path,
    args: &VideoArgs,
    neutral: Option<[f64; 2]>,
    out: &Path,
) -> Result<Reference> {
    let src = VideoSource::open(path, args, neutral)?;
    face::write_angles(
        out,
        Box::new(|sink: &mut dyn FnMut(&AngleSample) -> Result<()>| {
            src.for_each(|f| sink(&sample(f)))
        }),
        args.smooth,
        src.info.avg_fps.unwrap_or(30.0),
    )?;
    Ok(src.reference)
}
