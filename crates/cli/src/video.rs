//! Wiring for one video: ffmpeg frames → face tracking → head angles → the same pure analysis
//! as the sensors → results with `recording.source = "video"`. Thin: the pose pipeline lives in
//! `collis-vision`, the analyses in `collis-analysis`.

use anyhow::{Context, Result};
use clap::Args;
use collis_analysis::analyzer::{AnalysisConfig, Analyzer};
use collis_analysis::sensory_trick::TrickAnalyzer;
use collis_core::results::{
    ConfidenceStats, Recording, Reference, ReferenceKind, Results, Source, Task, VideoStats,
};
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

/// Below this frame rate the 2–12 Hz tremor band does not fit under Nyquist (2 × 12 Hz).
const FULL_TREMOR_BAND_FPS: f64 = 24.0;

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
    /// Video: analyse from this second.
    #[arg(long, value_name = "S")]
    pub start: Option<f64>,
    /// Video: analyse up to this second.
    #[arg(long, value_name = "S")]
    pub end: Option<f64>,
    /// Video: also write this video with the face mesh, head axes and angles drawn on each frame.
    #[arg(long, value_name = "OUT.mp4")]
    pub overlay: Option<PathBuf>,
}

/// Loads and checks the models.
pub fn estimator(models_dir: Option<&Path>) -> Result<Estimator> {
    let dir = models::resolve_dir(models_dir)?;
    let files = models::load(&dir)?;
    Ok(Estimator::new(&files)?)
}

/// The reference of video angles.
fn reference(neutral: Option<[f64; 2]>) -> Reference {
    match neutral {
        Some([a, b]) => Reference {
            kind: ReferenceKind::Neutral,
            neutral_s: Some([a, b]),
            rotation_referenced: true,
            description: format!(
                "relative to the mean head orientation in the neutral segment {a:.1}–{b:.1} s"
            ),
        },
        None => Reference {
            kind: ReferenceKind::Camera,
            neutral_s: None,
            rotation_referenced: true,
            description: "camera-frontal is neutral (face looking straight into the camera = 0°); \
                          give --neutral START:END to reference a neutral segment instead"
                .to_string(),
        },
    }
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
            reference: reference(neutral),
        })
    }

    /// Streams every frame through `sink`; returns the detector runs.
    pub fn for_each(&self, mut sink: impl FnMut(&PoseFrame) -> Result<()>) -> Result<u64> {
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
        while let Some(frame) = stream.next_frame()? {
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
        Ok(stream.detector_runs())
    }
}

fn sample(frame: &PoseFrame) -> AngleSample {
    match (&frame.face, &frame.angles) {
        (Some(face), Some(a)) => AngleSample {
            time_s: frame.info.time_s,
            angles_deg: a.as_array(),
            confidence: face.confidence as f32,
        },
        _ => AngleSample {
            time_s: frame.info.time_s,
            angles_deg: [f64::NAN; 3],
            confidence: 0.0,
        },
    }
}

fn confidence_stats(mut c: Vec<f64>) -> Option<ConfidenceStats> {
    if c.is_empty() {
        return None;
    }
    c.sort_by(f64::total_cmp);
    let at = |q: f64| c[((c.len() - 1) as f64 * q).round() as usize];
    Some(ConfidenceStats {
        mean: c.iter().sum::<f64>() / c.len() as f64,
        min: c[0],
        p5: at(0.05),
        median: at(0.5),
    })
}

/// Analyse a face video into the results document.
pub fn analyze(
    path: &Path,
    args: &VideoArgs,
    neutral: Option<[f64; 2]>,
    task: Task,
    trick_s: &[[f64; 2]],
) -> Result<Results> {
    let src = VideoSource::open(path, args, neutral)?;
    let rate_hz = src.info.avg_fps.unwrap_or(30.0);
    let mut analyzer = Analyzer::new(AnalysisConfig {
        rate_hz,
        rotation_referenced: true,
        exclude_s: neutral,
        task,
    });
    if !trick_s.is_empty() {
        analyzer = analyzer.with_trick(TrickAnalyzer::segments(rate_hz, trick_s));
    }
    let (mut frames, mut first, mut last) = (0u64, f64::NAN, f64::NAN);
    // One f64 per frame with a face (8 bytes × 30 frames/s: 0.9 MB per hour of video).
    let mut confidences = Vec::new();
    let runs = src.for_each(|f| {
        let s = sample(f);
        if frames == 0 {
            first = s.time_s;
        }
        last = s.time_s;
        frames += 1;
        if s.confidence > 0.0 {
            confidences.push(f64::from(s.confidence));
        }
        analyzer.push(&s);
        Ok(())
    })?;
    anyhow::ensure!(
        frames > 0,
        "{}: no frames decoded in the analysed span",
        path.display()
    );
    let with_face = confidences.len() as u64;
    anyhow::ensure!(
        with_face > 0,
        "{}: no face found in any of the {frames} frames",
        path.display()
    );
    let frame_rate_hz = if frames > 1 && last > first {
        (frames - 1) as f64 / (last - first)
    } else {
        rate_hz
    };
    let mut warnings = Vec::new();
    if frame_rate_hz < FULL_TREMOR_BAND_FPS {
        warnings.push(format!(
            "frame rate {frame_rate_hz:.1} frames/s: movements faster than {:.1} Hz (Nyquist) cannot be measured; the 2–12 Hz tremor band needs ≥ {FULL_TREMOR_BAND_FPS} frames/s",
            frame_rate_hz / 2.0
        ));
    }
    let missing = frames - with_face;
    if missing > 0 {
        warnings.push(format!(
            "no face in {missing} of {frames} frames ({:.1} %): treated as gaps",
            100.0 * missing as f64 / frames as f64
        ));
    }
    let recording = Recording {
        source: Source::Video,
        file: Some(path.display().to_string()),
        format: "video".to_string(),
        duration_s: last - first + 1.0 / frame_rate_hz,
        rate_hz: frame_rate_hz,
        samples: with_face,
        task,
        has_magnetometer: false,
        fusion: "face-mesh".to_string(),
        mounting: "camera".to_string(),
        reference: src.reference.clone(),
        video: Some(VideoStats {
            frame_rate_hz,
            frames,
            frames_with_face: with_face,
            confidence: confidence_stats(confidences),
            detector_runs: runs,
            method: METHOD.to_string(),
        }),
    };
    Ok(collis_analysis::results::assemble(
        recording,
        analyzer.snapshot(),
        warnings,
    ))
}

/// Write the per-frame video angles as CSV.
pub fn write_angles(
    path: &Path,
    args: &VideoArgs,
    neutral: Option<[f64; 2]>,
    out: &Path,
) -> Result<Reference> {
    let src = VideoSource::open(path, args, neutral)?;
    let mut w = collis_io::VideoAngleCsvWriter::new(out)
        .with_context(|| format!("creating {}", out.display()))?;
    src.for_each(|f| {
        let s = sample(f);
        let angles = (s.confidence > 0.0).then_some(s.angles_deg);
        w.write(s.time_s, angles, f64::from(s.confidence))?;
        Ok(())
    })?;
    w.finish()?;
    Ok(src.reference)
}
