//! `collis analyze IN [--json OUT]`: summary to the terminal, results as JSON.

use crate::args::{parse_task, AngleArgs};
use crate::video::{self, VideoArgs};
use crate::{run, summary};
use anyhow::Result;
use clap::Args;
use collis_core::results::Task;
use std::path::PathBuf;

#[derive(Args)]
pub struct AnalyzeArgs {
    /// The recording (Collis IMU CSV, device-log CSV/TSV, CoreMotion CSV, Sensor Logger folder or
    /// zip) or a face video (mp4, mov, avi, mkv, webm).
    pub input: PathBuf,
    /// Write the results document (versioned JSON) here.
    #[arg(long, value_name = "OUT.json")]
    pub json: Option<PathBuf>,
    /// What the patient was asked to do: rest, hold-neutral, rom, sensory-trick, exercise.
    #[arg(long, default_value = "rest", value_parser = parse_task)]
    pub task: Task,
    /// Print nothing (with --json).
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub angles: AngleArgs,
    #[command(flatten)]
    pub video: VideoArgs,
}

pub fn run(a: &AnalyzeArgs) -> Result<()> {
    let results = if video::is_video(&a.input) {
        video::analyze(&a.input, &a.video, a.angles.neutral, a.task)?
    } else {
        run::analyze(&a.input, &a.angles, a.task)?
    };
    if let Some(out) = &a.json {
        run::write_json(&results, out)?;
    }
    if !a.quiet {
        print!("{}", summary::render(&results));
        if let Some(out) = &a.json {
            println!("\nResults written to {}", out.display());
        }
    }
    Ok(())
}
