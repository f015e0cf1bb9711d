//! `collis angles IN -o OUT.csv`: time_s,rotation_deg,tilt_deg,flexion_deg per sample.
//! Rotation is left empty when it has no reference. For a face video the columns are
//! time_s,rotation_deg,tilt_deg,flexion_deg,confidence (frames without a face: empty angles);
//! the same for an OpenFace 2 CSV.

use crate::args::AngleArgs;
use crate::openface;
use crate::run::AngleSource;
use crate::video::{self, VideoArgs};
use anyhow::{Context, Result};
use clap::Args;
use collis_io::AngleCsvWriter;
use std::path::PathBuf;

#[derive(Args)]
pub struct AnglesArgs {
    pub input: PathBuf,
    /// Output CSV.
    #[arg(short, long, value_name = "OUT.csv")]
    pub output: PathBuf,
    #[command(flatten)]
    pub angles: AngleArgs,
    #[command(flatten)]
    pub video: VideoArgs,
}

pub fn run(a: &AnglesArgs) -> Result<()> {
    crate::fsutil::refuse_same_file(&a.input, &a.output)?;
    if video::is_video(&a.input) {
        let reference = video::write_angles(&a.input, &a.video, a.angles.neutral, &a.output)?;
        eprintln!("{} ({})", a.output.display(), reference.description);
        return Ok(());
    }
    if openface::is_openface(&a.input) {
        let reference = openface::write_angles(&a.input, &a.video, a.angles.neutral, &a.output)?;
        eprintln!("{} ({})", a.output.display(), reference.description);
        return Ok(());
    }
    a.video.ensure_unused("a head-sensor recording")?;
    let src = AngleSource::open(&a.input, &a.angles)?;
    let referenced = src.reference.rotation_referenced;
    let mut out = AngleCsvWriter::new(&a.output)
        .with_context(|| format!("creating {}", a.output.display()))?;
    let warnings = src.for_each(|s| {
        let [r, t, f] = s.angles_deg;
        out.write(s.time_s, referenced.then_some(r), t, f)?;
        Ok(())
    })?;
    out.finish()?;
    for w in warnings {
        eprintln!("warning: {w}");
    }
    eprintln!("{} ({})", a.output.display(), src.reference.description);
    Ok(())
}
