//! `collis analyze IN [--json OUT]`: summary to the terminal, results as JSON. `IN` is a
//! head-sensor recording, a face video or an OpenFace 2 CSV (head pose from OpenFace: the
//! same results as a video), or a surface-EMG recording (EDF/BDF, WFDB, EMG CSV/text: then the
//! results hold only the `emg` section); `--emg FILE` adds a same-session EMG recording to a
//! head analysis (sensor, video or OpenFace), with its coupling to the head tremor.

use crate::args::{parse_segment, parse_task, AngleArgs};
use crate::emg::{self, EmgArgs};
use crate::out::{out, outln};
use crate::video::{self, VideoArgs};
use crate::{openface, run, summary};
use anyhow::Result;
use clap::Args;
use collis_core::results::{Results, Task};
use std::path::PathBuf;

#[derive(Args)]
pub struct AnalyzeArgs {
    /// The recording: head sensor (Collis IMU CSV, device-log CSV/TSV, CoreMotion CSV, Sensor
    /// Logger folder or zip), a face video (mp4, mov, avi, mkv, webm), an OpenFace 2 CSV
    /// (header with pose_Rx, pose_Ry, pose_Rz) or surface EMG (EDF, EDF+, BDF, WFDB .hea,
    /// EMG CSV/TSV/text).
    pub input: PathBuf,
    /// Write the results document (versioned JSON) here.
    #[arg(long, value_name = "OUT.json")]
    pub json: Option<PathBuf>,
    /// What the patient was asked to do: rest, hold-neutral, rom, sensory-trick, exercise.
    #[arg(long, default_value = "rest", value_parser = parse_task)]
    pub task: Task,
    /// Seconds START:END during which a sensory trick was applied (repeat for several
    /// trials): posture and tremor with and without it, TWSTRS and TWSTRS-2 trick items.
    #[arg(long, value_name = "START:END", value_parser = parse_segment)]
    pub trick: Vec<[f64; 2]>,
    /// A recording of the same patient without the trick: INPUT is then the one with it.
    #[arg(long, value_name = "FILE", conflicts_with = "trick")]
    pub without: Option<PathBuf>,
    /// Print nothing (with --json).
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub angles: AngleArgs,
    #[command(flatten)]
    pub emg: EmgArgs,
    #[command(flatten)]
    pub video: VideoArgs,
}

/// The results document of `collis analyze` with these arguments (also what `collis serve`
/// gives for an upload or a live session).
pub fn results(a: &AnalyzeArgs) -> Result<Results> {
    let rate = a.angles.import.rate;
    // Face inputs keep their per-frame angles for the EMG coupling (one pass over the video).
    let mut frames = a.emg.emg.as_ref().map(|_| Vec::new());
    let mut results = if video::is_video(&a.input) {
        anyhow::ensure!(
            a.without.is_none(),
            "--without is for head-sensor recordings, not video (yet)"
        );
        let kept = frames.as_mut();
        video::analyze(&a.input, &a.video, a.angles.neutral, a.task, &a.trick, kept)?
    } else if openface::is_openface(&a.input) {
        anyhow::ensure!(
            a.without.is_none(),
            "--without is for head-sensor recordings, not OpenFace CSV (yet)"
        );
        let kept = frames.as_mut();
        openface::analyze(&a.input, &a.video, a.angles.neutral, a.task, &a.trick, kept)?
    } else if emg::is_emg(&a.input) {
        anyhow::ensure!(
            a.emg.emg.is_none(),
            "{} is an EMG recording: give the head recording as input and the EMG with --emg",
            a.input.display()
        );
        anyhow::ensure!(
            a.trick.is_empty() && a.without.is_none(),
            "--trick and --without need a head recording, not an EMG one"
        );
        a.video.ensure_unused("an EMG recording")?;
        return emg::analyze_only(&a.input, &a.emg, rate, a.task);
    } else {
        a.video.ensure_unused("a head-sensor recording")?;
        frames = None;
        let trick = if let Some(without) = &a.without {
            Some(run::Trick::Pair(without.clone()))
        } else if !a.trick.is_empty() {
            Some(run::Trick::Segments(a.trick.clone()))
        } else {
            None
        };
        run::AngleSource::open(&a.input, &a.angles)?.analyze_with(a.task, trick)?
    };
    if let Some(path) = &a.emg.emg {
        // The EMG file's own rate (or --rate only when the EMG text has none).
        let mut run = emg::analyse(path, &a.emg, None)?;
        let t = &results.measurements.tremor;
        if let (true, Some(f), Some(axis)) = (t.present, t.frequency_hz, t.axis) {
            let head_rate_hz = results.recording.rate_hz;
            let head: emg::HeadStream<'_> = match &frames {
                Some(frames) => Box::new(move |sink| frames.iter().try_for_each(sink)),
                None => {
                    let source = run::AngleSource::open(&a.input, &a.angles)?;
                    Box::new(move |sink| source.for_each(sink).map(drop))
                }
            };
            run.emg.tremor_coupling = emg::couple(path, &a.emg, &run, axis, f, head_rate_hz, head)?;
        }
        results.warnings.extend(run.warnings);
        results.measurements.emg = Some(run.emg);
    }
    Ok(results)
}

pub fn run(a: &AnalyzeArgs) -> Result<()> {
    let results = results(a)?;
    if let Some(out) = &a.json {
        run::write_json(&results, out)?;
    }
    if !a.quiet {
        out!("{}", summary::render(&results))?;
        if let Some(out) = &a.json {
            outln!("\nResults written to {}", out.display())?;
        }
    }
    Ok(())
}
