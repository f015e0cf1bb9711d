//! `collis orient IN -o OUT.csv`: sensor → earth (East-North-Up) quaternions, one row per
//! input sample; 6D (arbitrary heading) without a magnetometer or with `--no-mag`. A file is
//! estimated as a whole (offline VQF: every sample also uses the samples after it);
//! `--causal` gives the real-time filter a live stream uses.

use crate::args::ImportArgs;
use anyhow::{Context, Result};
use clap::Args;
use collis_analysis::orientation::{BiasPlan, WholeOrientation};
use collis_analysis::Orientation;
use collis_io::{open_imu, OrientationCsvWriter};
use std::path::PathBuf;

#[derive(Args)]
pub struct OrientArgs {
    pub input: PathBuf,
    /// Output CSV: time_s,qw,qx,qy,qz.
    #[arg(short, long, value_name = "OUT.csv")]
    pub output: PathBuf,
    /// Ignore the magnetometer (6D fusion).
    #[arg(long)]
    pub no_mag: bool,
    /// The real-time (causal) filter: each sample uses only the samples before it, as in a
    /// live stream.
    #[arg(long)]
    pub causal: bool,
    #[command(flatten)]
    pub import: ImportArgs,
}

pub fn run(a: &OrientArgs) -> Result<()> {
    crate::fsutil::refuse_same_file(&a.input, &a.output)?;
    let mut reader = open_imu(&a.input, &a.import.options(a.no_mag))?;
    let rate_hz = reader.info().rate_hz;
    let mut out = OrientationCsvWriter::new(&a.output)
        .with_context(|| format!("creating {}", a.output.display()))?;
    if a.causal {
        let mut orientation = Orientation::new(rate_hz, !a.no_mag);
        for s in reader.by_ref() {
            let s = s?;
            let q = orientation.update(&s);
            out.write(s.time_s, [q.w, q.i, q.j, q.k])?;
        }
    } else {
        let plan = BiasPlan::Vqf(Box::default());
        for r in WholeOrientation::new(reader.by_ref(), rate_hz, !a.no_mag, plan) {
            let (s, q) = r?;
            out.write(s.time_s, [q.w, q.i, q.j, q.k])?;
        }
    }
    out.finish()?;
    for w in reader.report().warnings {
        eprintln!("warning: {w}");
    }
    Ok(())
}
