//! Pattern validation (issue #7): simulated recordings of every profile — several seeds,
//! three noise levels, two mountings, 9D and 6D — analysed as files; the top pattern must be
//! the profile's pattern in ≥ 90 % of runs and "within normal" in ≥ 95 % of healthy runs.
//! Prints the confusion matrix.

use super::synthetic::{analyse, Sensors};
use super::{mark, Section};
use anyhow::Result;
use collis_core::results::PatternLabel;
use collis_core::Mounting;
use collis_sim::{Profile, SimOptions};
use std::collections::BTreeMap;
use std::fmt::Write;

const TOP_RIGHT: f64 = 0.90;
const HEALTHY_NORMAL: f64 = 0.95;
const NOISE_SCALES: [f64; 3] = [0.5, 1.0, 2.0];

pub fn run(seeds: u64) -> Result<Section> {
    let dir = std::env::temp_dir().join(format!("collis-validate-patterns-{}", std::process::id()));
    let mountings: [Mounting; 2] = [Mounting::default(), "x=back,y=up,z=left".parse()?];
    let mut confusion: BTreeMap<Profile, BTreeMap<PatternLabel, u32>> = BTreeMap::new();
    let (mut runs, mut right) = (0u32, 0u32);
    for profile in Profile::ALL {
        let row = confusion.entry(profile).or_default();
        for seed in 1..=seeds {
            for mounting in mountings {
                for noise_scale in NOISE_SCALES {
                    for sensors in [Sensors::NineD, Sensors::SixD] {
                        let opts = SimOptions {
                            mounting,
                            noise_scale,
                            with_mag: sensors == Sensors::NineD,
                            trunk_sway: false,
                            ..SimOptions::new(profile, seed)
                        };
                        let (_, results) = analyse(&dir, &opts, sensors)?;
                        let top = results
                            .measurements
                            .pattern
                            .as_ref()
                            .map_or(PatternLabel::WithinNormal, |p| p.top);
                        *row.entry(top).or_default() += 1;
                        runs += 1;
                        if top == profile.pattern() {
                            right += 1;
                        } else {
                            eprintln!(
                                "✗ pattern: {profile} seed {seed} {mounting} noise ×{noise_scale} {}: top {top}, expected {}",
                                sensors.name(),
                                profile.pattern()
                            );
                        }
                    }
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    let healthy = &confusion[&Profile::Healthy];
    let healthy_runs: u32 = healthy.values().sum();
    let healthy_normal = healthy
        .get(&PatternLabel::WithinNormal)
        .copied()
        .unwrap_or(0);
    let top_rate = f64::from(right) / f64::from(runs.max(1));
    let normal_rate = f64::from(healthy_normal) / f64::from(healthy_runs.max(1));
    let passed = top_rate >= TOP_RIGHT && normal_rate >= HEALTHY_NORMAL;

    let mut md = String::new();
    let _ = writeln!(
        md,
        "#### Movement patterns on simulated recordings (truth known)\n"
    );
    let _ = writeln!(
        md,
        "{seeds} seeds × 2 mountings × noise ×{} × 9D/6D per profile, 120 s at 100 Hz, neutral segment as reference. Rows: simulated profile (its expected pattern); columns: top pattern. Acceptance: top pattern right in ≥ {:.0} % of runs, healthy \"within normal\" in ≥ {:.0} %.\n",
        NOISE_SCALES.map(|n| n.to_string()).join("/×"),
        TOP_RIGHT * 100.0,
        HEALTHY_NORMAL * 100.0
    );
    let short = |l: PatternLabel| l.name().replace('_', " ");
    let header: Vec<String> = PatternLabel::ALL.iter().map(|l| short(*l)).collect();
    let _ = writeln!(
        md,
        "| profile (expected) | {} | right |",
        header.join(" | ")
    );
    let _ = writeln!(md, "|---|{}---|", "---|".repeat(PatternLabel::ALL.len()));
    for (profile, row) in &confusion {
        let total: u32 = row.values().sum();
        let cells: Vec<String> = PatternLabel::ALL
            .iter()
            .map(|l| {
                let n = row.get(l).copied().unwrap_or(0);
                if *l == profile.pattern() {
                    format!("**{n}**")
                } else {
                    n.to_string()
                }
            })
            .collect();
        let ok = row.get(&profile.pattern()).copied().unwrap_or(0);
        let _ = writeln!(
            md,
            "| {profile} ({}) | {} | {ok}/{total} |",
            short(profile.pattern()),
            cells.join(" | ")
        );
    }
    let _ = writeln!(
        md,
        "\nTop pattern right: {right}/{runs} ({:.1} %); healthy within normal: {healthy_normal}/{healthy_runs} ({:.1} %) {}\n",
        top_rate * 100.0,
        normal_rate * 100.0,
        mark(passed)
    );
    Ok(Section {
        markdown: md,
        passed,
    })
}
