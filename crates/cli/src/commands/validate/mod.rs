//! `collis validate`: accuracy against truth. Always on simulated recordings with known
//! angles, tremor and jerks (also made the way independent clinic recordings are: short
//! neutral hold with sway, gyroscope bias, lever arm), and their movement patterns; on the real third-party recordings in `../shared/data` when that
//! folder exists (BROAD orientation benchmark, ST headset gestures, a phone tremor log,
//! surface EMG); surface EMG also on synthetic recordings with known bursts. The record side
//! too: a simulated three-cycle botulinum history stored and analysed across time must give
//! back the effect and wear-off times.
//! Prints Markdown tables, can write them into README.md, and fails when an acceptance
//! figure is missed.

mod botulinum;
mod broad;
mod clinic;
mod emg;
mod headset;
mod patterns;
mod synthetic;
mod trick;

use anyhow::Result;
use clap::Args;
use std::path::PathBuf;

#[derive(Args)]
pub struct ValidateArgs {
    /// Folder with the real recordings (skipped when missing).
    #[arg(long, default_value = "../shared/data", value_name = "DIR")]
    pub data: PathBuf,
    /// Seeds per profile, mounting and sensor set in the synthetic part.
    #[arg(long, default_value_t = 3)]
    pub seeds: u64,
    /// Write the tables into this README between `<!-- validation:start/end -->` markers.
    #[arg(long, value_name = "README.md")]
    pub readme: Option<PathBuf>,
}

/// One section of the validation: its Markdown and whether it met its acceptance figures.
pub struct Section {
    pub markdown: String,
    pub passed: bool,
}

pub fn run(a: &ValidateArgs) -> Result<()> {
    let mut sections = vec![
        synthetic::run(a.seeds)?,
        clinic::run(a.seeds)?,
        patterns::run(a.seeds)?,
        trick::run(a.seeds)?,
        botulinum::run()?,
    ];
    if a.data.is_dir() {
        sections.push(broad::run(&a.data.join("broad"))?);
        sections.push(headset::run(&a.data)?);
        sections.push(emg::run(a.seeds, Some(&a.data))?);
    } else {
        sections.push(emg::run(a.seeds, None)?);
        eprintln!(
            "{} not found: real-data validation skipped",
            a.data.display()
        );
    }
    let markdown: Vec<&str> = sections.iter().map(|s| s.markdown.as_str()).collect();
    let markdown = markdown.join("\n");
    println!("{markdown}");
    if let Some(readme) = &a.readme {
        crate::readme::replace_section(readme, "validation", &markdown)?;
    }
    if sections.iter().all(|s| s.passed) {
        println!("validation: all acceptance figures met");
        Ok(())
    } else {
        anyhow::bail!("validation: some acceptance figures were missed (✗ above)")
    }
}

/// ✓ or ✗.
pub fn mark(ok: bool) -> &'static str {
    if ok {
        "✓"
    } else {
        "✗"
    }
}
