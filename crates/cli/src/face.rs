//! The shared path of every camera-based head pose into Collis: a stream of per-frame samples
//! (time, clinical angles or a gap, confidence) → the same pure analysis as the sensors →
//! results with `recording.source = "video"` and the frame/confidence figures; or → the
//! per-frame angle CSV. Used by face video (`video`, poses measured here) and by imported
//! OpenFace CSVs (`openface`, poses measured by OpenFace).

use anyhow::{Context, Result};
use collis_analysis::analyzer::{AnalysisConfig, Analyzer};
use collis_analysis::sensory_trick::TrickAnalyzer;
use collis_analysis::smoothing::{self, AngleSmoother};
use collis_analysis::uncertainty::{Method, UncertaintyConfig};
use collis_core::results::{
    ConfidenceStats, Recording, Reference, ReferenceKind, Results, Source, Task, VideoStats,
};
use collis_core::{AngleSample, HeadAngles};
use std::path::Path;

/// Below this frame rate the 2–12 Hz tremor band does not fit under Nyquist (2 × 12 Hz).
const FULL_TREMOR_BAND_FPS: f64 = 24.0;

/// Calls the sink with every frame's sample in order (gaps: see [`sample`]); returns what the
/// face detector did and saw.
pub type Frames<'a> =
    Box<dyn FnOnce(&mut dyn FnMut(&AngleSample) -> Result<()>) -> Result<FaceCounts> + 'a>;

/// The face detector's figures over a recording (all 0 when poses come measured, as from
/// OpenFace).
#[derive(Debug, Default, Clone, Copy)]
pub struct FaceCounts {
    /// Detector runs to find the face.
    pub detector_runs: u64,
    /// Frames whose faces were counted.
    pub frames_counted: u64,
    pub max_faces_in_frame: u64,
    pub frames_with_several_faces: u64,
}

impl FaceCounts {
    /// Adds a frame's face count (`None`: not counted in that frame).
    pub fn count(&mut self, faces: Option<usize>) {
        if let Some(n) = faces {
            let n = n as u64;
            self.frames_counted += 1;
            self.max_faces_in_frame = self.max_faces_in_frame.max(n);
            self.frames_with_several_faces += u64::from(n > 1);
        }
    }
}

/// What the results say about a camera-based recording.
pub struct FaceRecording<'a> {
    pub path: &'a Path,
    /// `recording.format`: "video", "openface-csv".
    pub format: &'static str,
    /// `recording.fusion`: how the pose was obtained, e.g. "face-mesh", "openface".
    pub fusion: &'static str,
    /// `recording.video.method`.
    pub method: String,
    /// The frame rate known before the frames are read (for the analysis filters).
    pub rate_hz: f64,
    pub reference: Reference,
    /// `--smooth`: low-pass the angles (see [`smoothed`]).
    pub smooth: bool,
    /// Where the pose method is known to read angle changes short: beyond this many degrees of
    /// rotation or flexion (posture median) the results carry the warning given with it.
    pub reduced_gain: Option<(f64, &'static str)>,
}

/// The frames low-passed by [`AngleSmoother`] when `smooth` is asked and the frame rate
/// `rate_hz` allows it; otherwise as they are, with the reason when smoothing was asked.
pub fn smoothed<'a>(
    frames: Frames<'a>,
    smooth: bool,
    rate_hz: f64,
) -> (Frames<'a>, Option<f64>, Option<String>) {
    if !smooth {
        return (frames, None, None);
    }
    let Some(mut smoother) = AngleSmoother::new(rate_hz) else {
        let why = format!(
            "--smooth not applied: at {rate_hz:.1} frames/s there is no band above the {} Hz cut-off that is not tremor (needs ≥ {} frames/s)",
            smoothing::CUTOFF_HZ,
            smoothing::MIN_RATE_HZ
        );
        return (frames, None, Some(why));
    };
    let frames: Frames<'a> = Box::new(move |sink| frames(&mut |s| sink(&smoother.push(s))));
    (frames, Some(smoothing::CUTOFF_HZ), None)
}

/// The reference of camera-based angles.
pub fn reference(neutral: Option<[f64; 2]>) -> Reference {
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

/// One frame as the analysis takes it: angles and confidence, or a gap (NaN angles,
/// confidence 0) when there is no face.
pub fn sample(time_s: f64, face: Option<(HeadAngles, f64)>) -> AngleSample {
    match face {
        Some((a, confidence)) => AngleSample {
            time_s,
            angles_deg: a.as_array(),
            confidence: confidence as f32,
        },
        None => AngleSample {
            time_s,
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

/// Analyse the frames into the results document. With `kept`, the frames' samples (as
/// analysed, i.e. smoothed with `--smooth`) are also kept there for a second look, such as
/// the coupling with a same-session EMG recording (40 bytes a frame: 4 MB per hour at 30
/// frames/s).
pub fn analyze(
    rec: FaceRecording<'_>,
    neutral: Option<[f64; 2]>,
    task: Task,
    trick_s: &[[f64; 2]],
    frames: Frames<'_>,
    mut kept: Option<&mut Vec<AngleSample>>,
) -> Result<Results> {
    let path = rec.path;
    let rate_hz = rec.rate_hz;
    let (frames, smoothing_cutoff_hz, not_smoothed) = smoothed(frames, rec.smooth, rate_hz);
    let mut analyzer = Analyzer::new(AnalysisConfig {
        rate_hz,
        rotation_referenced: true,
        exclude_s: neutral,
        task,
    })
    .with_uncertainty(UncertaintyConfig {
        method: Method::Video,
        neutral_s: neutral,
        trunk: false,
    });
    if !trick_s.is_empty() {
        analyzer = analyzer.with_trick(TrickAnalyzer::segments(rate_hz, trick_s));
    }
    let (mut count, mut first, mut last) = (0u64, f64::NAN, f64::NAN);
    // One f64 per frame with a face (8 bytes × 30 frames/s: 0.9 MB per hour of video).
    let mut confidences = Vec::new();
    let counts = frames(&mut |s| {
        if count == 0 {
            first = s.time_s;
        }
        last = s.time_s;
        count += 1;
        if s.confidence > 0.0 {
            confidences.push(f64::from(s.confidence));
        }
        if let Some(k) = kept.as_mut() {
            k.push(*s);
        }
        analyzer.push(s);
        Ok(())
    })?;
    let frames = count;
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
    let mut warnings: Vec<String> = not_smoothed.into_iter().collect();
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
    if counts.frames_with_several_faces > 0 {
        warnings.push(format!(
            "{} frames showed more than one face (up to {}; faces counted in {} frames): the largest was measured and followed from frame to frame",
            counts.frames_with_several_faces, counts.max_faces_in_frame, counts.frames_counted
        ));
    }
    let recording = Recording {
        source: Source::Video,
        file: Some(path.display().to_string()),
        format: rec.format.to_string(),
        duration_s: last - first + 1.0 / frame_rate_hz,
        rate_hz: frame_rate_hz,
        samples: with_face,
        task,
        has_magnetometer: false,
        fusion: rec.fusion.to_string(),
        mounting: "camera".to_string(),
        reference: rec.reference,
        video: Some(VideoStats {
            frame_rate_hz,
            frames,
            frames_with_face: with_face,
            confidence: confidence_stats(confidences),
            detector_runs: counts.detector_runs,
            method: rec.method,
            smoothing_cutoff_hz,
            frames_counted: counts.frames_counted,
            max_faces_in_frame: counts.max_faces_in_frame,
            frames_with_several_faces: counts.frames_with_several_faces,
        }),
        gyro_bias: None,
    };
    let analysis = analyzer.snapshot();
    let posture = &analysis.measurements.posture;
    if let Some((limit, note)) = rec.reduced_gain {
        let beyond = [&posture.rotation_deg, &posture.flexion_deg]
            .into_iter()
            .flatten()
            .any(|a| a.median.abs() > limit);
        if beyond {
            warnings.push(note.to_string());
        }
    }
    Ok(collis_analysis::results::assemble(
        recording, analysis, warnings,
    ))
}

/// Write the per-frame angles as CSV (`time_s,rotation_deg,tilt_deg,flexion_deg,confidence`;
/// frames without a face: empty angles, confidence 0), low-passed when `smooth` is asked and
/// `rate_hz` allows (else the reason is printed).
pub fn write_angles(out: &Path, frames: Frames<'_>, smooth: bool, rate_hz: f64) -> Result<()> {
    let (frames, _, not_smoothed) = smoothed(frames, smooth, rate_hz);
    if let Some(why) = not_smoothed {
        eprintln!("warning: {why}");
    }
    let mut w = collis_io::VideoAngleCsvWriter::new(out)
        .with_context(|| format!("creating {}", out.display()))?;
    frames(&mut |s| {
        let angles = (s.confidence > 0.0).then_some(s.angles_deg);
        w.write(s.time_s, angles, f64::from(s.confidence))?;
        Ok(())
    })?;
    w.finish()?;
    Ok(())
}
