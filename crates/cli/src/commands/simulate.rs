//! `collis simulate --profile NAME --out DIR`: a simulated recording and its truth:
//! `recording.csv` (Collis IMU CSV), `trunk.csv` with `--trunk`, `truth.json`, `truth_angles.csv`.

use crate::out::outln;
use anyhow::{Context, Result};
use clap::Args;
use collis_core::{ImuSample, Mounting};
use collis_io::{AngleCsvWriter, ImuCsvWriter};
use collis_sim::{simulate, Profile, Relief, SimOptions, Simulation};
use std::path::{Path, PathBuf};

#[derive(Args, Clone)]
pub struct SimulateArgs {
    /// Movement profile.
    #[arg(long, default_value = "torticollis-tremor", value_parser = profile_parser())]
    pub profile: Profile,
    /// Output directory.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Length in seconds (default 120; 90 with --clinic).
    #[arg(long)]
    pub duration: Option<f64>,
    /// Sampling rate in Hz.
    #[arg(long, default_value_t = 100.0)]
    pub rate: f64,
    /// Sensor mounting on the head.
    #[arg(long, default_value = "x=forward,y=left,z=up")]
    pub axes: Mounting,
    /// No magnetometer columns.
    #[arg(long)]
    pub no_mag: bool,
    /// Also simulate a sternum sensor (trunk.csv).
    #[arg(long)]
    pub trunk: bool,
    /// Noise multiplier (0 = ideal sensors).
    #[arg(long, default_value_t = 1.0)]
    pub noise: f64,
    /// Add a magnetic disturbance segment.
    #[arg(long)]
    pub mag_disturbance: bool,
    /// Severity multiplier of the profile's posture, drift and tremor (1 = as drawn; 0.5 =
    /// the same patient with half the deviation, e.g. at the best of a treatment).
    #[arg(long, default_value_t = 1.0)]
    pub severity: f64,
    /// Simulate a sensory trick applied from START to END seconds.
    #[arg(long, value_name = "START:END", value_parser = crate::args::parse_segment)]
    pub trick: Option<[f64; 2]>,
    /// Share of posture and tremor the trick takes away (0–1).
    #[arg(long, default_value_t = 0.7, value_name = "FRACTION")]
    pub trick_relief: f64,
    /// Seconds the benefit outlasts the trick.
    #[arg(long, default_value_t = 3.0, value_name = "S")]
    pub trick_carry: f64,
    /// A common clinic protocol: 90 s (unless --duration), a 5-s neutral hold at the start with
    /// postural sway of 0.75° at 0.1–0.2 Hz, gyroscope bias 0.2 °/s per axis, the sensor 12 cm
    /// above the neck pivot (analyse with --neutral 0.5:4.5).
    #[arg(long)]
    pub clinic: bool,
    /// Seconds the sensor lies still before the recording (negative times), as on a table
    /// before it is put on.
    #[arg(long, default_value_t = 0.0, value_name = "S")]
    pub still_before: f64,
}

/// The profiles by name, listed in `--help` and in the error for an unknown one.
fn profile_parser() -> impl clap::builder::TypedValueParser<Value = Profile> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(Profile::ALL.map(Profile::name))
        .try_map(|s: String| s.parse::<Profile>().map_err(|e| e.to_string()))
}

impl SimulateArgs {
    /// The simulator's options, after checking the ranges it can honour.
    pub fn options(&self) -> Result<SimOptions> {
        let base = SimOptions::new(self.profile, self.seed);
        let base = if self.clinic {
            base.clinic_protocol()
        } else {
            base
        };
        let duration = self.duration.unwrap_or(base.duration_s);
        anyhow::ensure!(
            duration.is_finite() && duration > 0.0 && duration <= MAX_DURATION_S,
            "--duration {duration} s: give 0 < seconds ≤ {MAX_DURATION_S} (an in-memory simulation; `collis speed` streams longer ones)"
        );
        anyhow::ensure!(
            self.rate.is_finite() && (10.0..=2000.0).contains(&self.rate),
            "--rate {} Hz: give 10–2000 Hz",
            self.rate
        );
        anyhow::ensure!(
            self.noise.is_finite() && (0.0..=100.0).contains(&self.noise),
            "--noise {}: give a multiplier from 0 (ideal sensors) to 100",
            self.noise
        );
        anyhow::ensure!(
            self.severity.is_finite() && (0.0..=2.0).contains(&self.severity),
            "--severity {}: give a multiplier from 0 (no abnormal posture) to 2",
            self.severity
        );
        anyhow::ensure!(
            (0.0..=1.0).contains(&self.trick_relief)
                && self.trick_carry.is_finite()
                && (0.0..=600.0).contains(&self.trick_carry),
            "--trick-relief {} / --trick-carry {}: give a fraction 0–1 and 0–600 s",
            self.trick_relief,
            self.trick_carry
        );
        anyhow::ensure!(
            self.still_before.is_finite() && (0.0..=600.0).contains(&self.still_before),
            "--still-before {} s: give 0–600 s",
            self.still_before
        );
        Ok(SimOptions {
            still_before_s: self.still_before,
            trick: self.trick.map(|[start_s, end_s]| Relief {
                start_s,
                end_s,
                carry_s: self.trick_carry,
                fraction: self.trick_relief,
            }),
            severity: self.severity,
            duration_s: duration,
            rate_hz: self.rate,
            mounting: self.axes,
            with_mag: !self.no_mag,
            trunk_sensor: self.trunk,
            noise_scale: self.noise,
            mag_disturbance: self.mag_disturbance,
            ..base
        })
    }
}

/// Longest simulation held in memory: 4 h (≈ 1.4 M samples at 100 Hz).
const MAX_DURATION_S: f64 = 4.0 * 3600.0;

fn write_imu(path: &Path, samples: &[ImuSample], has_mag: bool) -> Result<()> {
    let mut w =
        ImuCsvWriter::new(path, has_mag).with_context(|| format!("creating {}", path.display()))?;
    for s in samples {
        w.write(s)?;
    }
    w.finish()?;
    Ok(())
}

/// Write a simulation into `dir`; returns the path of the head recording.
pub fn write(sim: &Simulation, dir: &Path, has_mag: bool) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let recording = dir.join("recording.csv");
    write_imu(&recording, &sim.head, has_mag)?;
    if let Some(trunk) = &sim.trunk {
        write_imu(&dir.join("trunk.csv"), trunk, has_mag)?;
    }
    let truth = serde_json::to_string_pretty(&sim.truth)?;
    crate::fsutil::write_atomic(&dir.join("truth.json"), truth.as_bytes())?;
    let mut angles = AngleCsvWriter::new(&dir.join("truth_angles.csv"))?;
    for [t, r, ti, f] in &sim.truth.angles {
        angles.write(*t, Some(*r), *ti, *f)?;
    }
    angles.finish()?;
    Ok(recording)
}

pub fn run(a: &SimulateArgs) -> Result<()> {
    let opts = a.options()?;
    let sim = simulate(&opts);
    let rec = write(&sim, &a.out, opts.with_mag)?;
    let [n0, n1] = sim.truth.neutral_s;
    outln!(
        "{}: {} profile, {:.0} s at {} Hz; analyse with: collis analyze {} --neutral {n0}:{n1}{}",
        a.out.display(),
        a.profile.name(),
        opts.duration_s,
        a.rate,
        rec.display(),
        if a.axes == Mounting::default() {
            String::new()
        } else {
            format!(" --axes {}", a.axes)
        }
    )?;
    Ok(())
}
