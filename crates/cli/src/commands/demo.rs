//! `collis demo`: the built-in default job. Simulates a cervical-dystonia patient
//! (torticollis with dystonic head tremor), analyses the recording like any other file, and
//! writes the summary and `results.json`, next to the simulation's truth for comparison.
//! Then it follows a simulated patient through three botulinum toxin cycles into a record
//! (`record.db`) and writes the clinician's report of the last visit (`report.html`, plus
//! `report.pdf` and `report.png` when Chromium is installed).

use crate::args::AngleArgs;
use crate::commands::{report, simulate};
use crate::{history, run, summary};
use anyhow::Result;
use clap::Args;
use collis_core::results::Task;
use collis_report::render::Chromium;
use collis_sim::{simulate as sim, Profile, SimOptions};
use collis_store::Store;
use std::path::{Path, PathBuf};

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

/// Subject code of the demo record.
pub const DEMO_SUBJECT: &str = "DEMO-01";

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
    record_and_report(&a.out)
}

/// The three-cycle history of [`DEMO_SUBJECT`] in `out/record.db`, and its report.
fn record_and_report(out: &Path) -> Result<()> {
    let db = out.join("record.db");
    for suffix in ["", "-wal", "-shm"] {
        let mut p = db.clone().into_os_string();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
    let store = Store::open(Some(&db.display().to_string()))?;
    let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).expect("a valid date");
    let h = history::record_history(&store, DEMO_SUBJECT, &out.join("visits"), start)?;
    println!();
    println!(
        "Record {}: subject {DEMO_SUBJECT}, {} visits every {} days, {} botulinum toxin injections (simulated effects {})",
        db.display(),
        h.visits,
        h.visit_interval_days,
        h.cycles.len(),
        h.cycles
            .iter()
            .map(|c| format!("{:.0} %", 100.0 * c.effect))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let (pdf, png) = (out.join("report.pdf"), out.join("report.png"));
    let chromium = Chromium::find();
    if let Err(e) = &chromium {
        println!("PDF and PNG skipped: {e}");
    }
    let rendered = chromium.is_ok().then_some((pdf.as_path(), png.as_path()));
    report::write(
        &store,
        DEMO_SUBJECT,
        None,
        &out.join("report.html"),
        rendered.map(|r| r.0),
        rendered.map(|r| r.1),
    )
}
