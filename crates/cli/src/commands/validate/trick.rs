//! Sensory-trick validation (issue #7): simulated torticollis and laterocollis with a trick
//! of known relief (0, 30, 60, 90 %) whose benefit outlasts it by a known time, analysed as
//! files with `--trick`. Tolerances: relief within 8 percentage points of the truth, benefit
//! time within 1.5 s, and the TWSTRS and TWSTRS-2 items equal to those of the true values
//! (when the truth is not within those tolerances of a band edge).

use super::synthetic::Sensors;
use super::{mark, Section};
use crate::args::AngleArgs;
use crate::commands::simulate;
use crate::run::{self, Trick};
use anyhow::Result;
use collis_analysis::sensory_trick::item_scores;
use collis_core::results::Task;
use collis_sim::{simulate as sim, Profile, Relief, SimOptions};
use std::fmt::Write;

const RELIEF_TOL: f64 = 8.0;
const BENEFIT_TOL_S: f64 = 1.5;
const RELIEFS: [f64; 4] = [0.0, 0.3, 0.6, 0.9];
/// Relief band edges of the items (%), and the 5-s benefit rule.
const EDGES: [f64; 4] = [10.0, 25.0, 50.0, 80.0];

pub fn run(seeds: u64) -> Result<Section> {
    let dir = std::env::temp_dir().join(format!("collis-validate-trick-{}", std::process::id()));
    let mut md = String::new();
    let _ = writeln!(
        md,
        "#### Sensory trick on simulated recordings (truth known)\n"
    );
    let _ = writeln!(
        md,
        "Torticollis with tremor and laterocollis, {seeds} seeds, 9D and 6D, a trick from 40 to 60 s that takes away 0/30/60/90 % of posture and tremor, benefit outlasting it by 3 s. Tolerances: relief ±{RELIEF_TOL} points, benefit ±{BENEFIT_TOL_S} s, TWSTRS and TWSTRS-2 items as from the true values.\n"
    );
    let _ = writeln!(md, "| profile | simulated relief | runs | max relief error | max benefit error | items right | pass |");
    let _ = writeln!(md, "|---|---|---|---|---|---|---|");
    let mut passed = true;
    for profile in [Profile::TorticollisTremor, Profile::Laterocollis] {
        for fraction in RELIEFS {
            let (mut runs, mut items_right) = (0, 0);
            let (mut relief_err, mut benefit_err) = (0.0f64, 0.0f64);
            for seed in 1..=seeds {
                for sensors in [Sensors::NineD, Sensors::SixD] {
                    let opts = SimOptions {
                        with_mag: sensors == Sensors::NineD,
                        trunk_sway: false,
                        trick: Some(Relief {
                            start_s: 40.0,
                            end_s: 60.0,
                            carry_s: 3.0,
                            fraction,
                        }),
                        ..SimOptions::new(profile, seed)
                    };
                    let simulation = sim(&opts);
                    let recording = simulate::write(&simulation, &dir, opts.with_mag)?;
                    let args = AngleArgs {
                        axes: opts.mounting,
                        neutral: Some(simulation.truth.neutral_s),
                        ..AngleArgs::default()
                    };
                    let results = run::AngleSource::open(&recording, &args)?.analyze_with(
                        Task::SensoryTrick,
                        Some(Trick::Segments(vec![[40.0, 60.0]])),
                    )?;
                    let truth = simulation.truth.trick.expect("simulated with a trick");
                    let Some(measured) = &results.measurements.sensory_trick else {
                        anyhow::bail!("{profile} seed {seed}: no sensory-trick result");
                    };
                    let trial = &measured.trials[0];
                    let re = (trial.relief_percent - truth.relief_percent).abs();
                    // No benefit to time when nothing changed.
                    let be = (trial.benefit_s - truth.benefit_s).abs();
                    let be = if fraction == 0.0 { 0.0 } else { be };
                    relief_err = relief_err.max(re);
                    benefit_err = benefit_err.max(be);
                    let near_edge = EDGES
                        .iter()
                        .any(|e| (truth.relief_percent - e).abs() < RELIEF_TOL);
                    let ((t1, _), (t2, _)) = item_scores(truth.relief_percent, truth.benefit_s);
                    let right =
                        near_edge || (measured.twstrs.score == t1 && measured.twstrs2.score == t2);
                    items_right += u32::from(right);
                    runs += 1;
                    if re > RELIEF_TOL
                        || be > BENEFIT_TOL_S
                        || !right
                        || measured.axis != truth.axis
                    {
                        eprintln!(
                            "✗ trick: {profile} seed {seed} {} relief {fraction}: measured {:.1} % / {:.1} s on {}, truth {:.1} % / {:.1} s on {}",
                            sensors.name(),
                            trial.relief_percent,
                            trial.benefit_s,
                            measured.axis,
                            truth.relief_percent,
                            truth.benefit_s,
                            truth.axis
                        );
                        passed = false;
                    }
                }
            }
            let ok =
                relief_err <= RELIEF_TOL && benefit_err <= BENEFIT_TOL_S && items_right == runs;
            let _ = writeln!(
                md,
                "| {profile} | {:.0} % | {runs} | {relief_err:.1} points | {benefit_err:.2} s | {items_right}/{runs} | {} |",
                fraction * 100.0,
                mark(ok)
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(Section {
        markdown: md,
        passed,
    })
}
