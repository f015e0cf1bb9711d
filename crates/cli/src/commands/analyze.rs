//! `collis analyze IN [--json OUT]`: summary to the terminal, results as JSON.

use crate::args::{parse_segment, parse_task, AngleArgs};
use crate::{run, summary};
use anyhow::Result;
use clap::Args;
use collis_core::results::Task;
use std::path::PathBuf;

#[derive(Args)]
pub struct AnalyzeArgs {
    /// The recording (Collis IMU CSV, device-log CSV/TSV, CoreMotion CSV, Sensor Logger folder or zip).
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
}

pub fn run(a: &AnalyzeArgs) -> Result<()> {
    let trick = if let Some(without) = &a.without {
        Some(run::Trick::Pair(without.clone()))
    } else if !a.trick.is_empty() {
        Some(run::Trick::Segments(a.trick.clone()))
    } else {
        None
    };
    let results = run::AngleSource::open(&a.input, &a.angles)?.analyze_with(a.task, trick)?;
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
