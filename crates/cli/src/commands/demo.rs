//! `collis demo`: the built-in default job. Simulates a cervical-dystonia patient
//! (torticollis with dystonic head tremor), analyses the recording like any other file, and
//! writes the summary and `results.json`, next to the simulation's truth for comparison.

use crate::args::AngleArgs;
use crate::commands::simulate;
use crate::{run, summary};
use anyhow::Result;
use clap::Args;
use collis_core::results::Task;
use collis_sim::{simulate as sim, Profile, SimOptions};
use std::path::PathBuf;

#[derive(Args)]
pub struct DemoArgs {
    /// Where to write the recording, its truth, and results.json.
    #[arg(long, default_value = "collis-demo", value_name = "DIR")]
    pub out: PathBuf,
    /// Movement profile to simulate.
    #[arg(long, default_value = "torticollis-tremor")]
    pub profile: String,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

pub fn run(a: &DemoArgs) -> Result<()> {
    let profile: Profile = a.profile.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
    let opts = SimOptions::new(profile, a.seed);
    let simulation = sim(&opts);
    let recording = simulate::write(&simulation, &a.out, opts.with_mag)?;
    let truth = &simulation.truth;
    let args = AngleArgs {
        neutral: Some(truth.neutral_s),
        ..AngleArgs::default()
    };
    let results = run::analyze(&recording, &args, Task::Rest)?;
    let json = a.out.join("results.json");
    run::write_json(&results, &json)?;
    print!("{}", summary::render(&results));
    let [r, t, f] = truth.posture_median_deg;
    println!();
    println!(
        "Simulated truth ({} profile, seed {}): median rotation {r:+.1}°, tilt {t:+.1}°, flexion {f:+.1}°{}; {} jerks",
        truth.profile,
        truth.seed,
        truth
            .tremor
            .as_ref()
            .map(|tr| format!(
                "; tremor {:.2} Hz, {:.2}° on {}",
                tr.frequency_hz, tr.amplitude_deg, tr.axis
            ))
            .unwrap_or_default(),
        truth.jerks.len()
    );
    println!(
        "Wrote {} (recording), {} (truth) and {}",
        recording.display(),
        a.out.join("truth.json").display(),
        json.display()
    );
    Ok(())
}
