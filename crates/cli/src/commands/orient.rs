//! `collis orient IN -o OUT.csv`: sensor → earth (East-North-Up) quaternions, one row per
//! input sample; 6D (arbitrary heading) without a magnetometer or with `--no-mag`.

use crate::args::ImportArgs;
use anyhow::{Context, Result};
use clap::Args;
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
    #[command(flatten)]
    pub import: ImportArgs,
}

pub fn run(a: &OrientArgs) -> Result<()> {
    let mut reader = open_imu(&a.input, &a.import.options(a.no_mag))?;
    let mut orientation = Orientation::new(reader.info().rate_hz, !a.no_mag);
    let mut out = OrientationCsvWriter::new(&a.output)
        .with_context(|| format!("creating {}", a.output.display()))?;
    for s in reader.by_ref() {
        let s = s?;
        let q = orientation.update(&s);
        out.write(s.time_s, [q.w, q.i, q.j, q.k])?;
    }
    out.finish()?;
    for w in reader.report().warnings {
        eprintln!("warning: {w}");
    }
    Ok(())
}
