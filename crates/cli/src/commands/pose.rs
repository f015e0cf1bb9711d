//! `collis pose IMAGE... [-o OUT.csv]`: head angles (camera-frontal = neutral) of still images,
//! one row per image; images without a face (or unreadable) get a row with the reason.

use crate::video::estimator;
use anyhow::{Context, Result};
use clap::Args;
use collis_io::{pose_csv_row, PoseCsvWriter, POSE_CSV_HEADER};
use collis_vision::still::read_image;
use collis_vision::VisionError;
use std::io::Write;
use std::path::PathBuf;

#[derive(Args)]
pub struct PoseArgs {
    /// Images (PNG or JPEG).
    #[arg(required = true)]
    pub images: Vec<PathBuf>,
    /// Output CSV (default: standard output).
    #[arg(short, long, value_name = "OUT.csv")]
    pub output: Option<PathBuf>,
    /// Directory of the face models (default: $COLLIS_MODELS, else the user cache).
    #[arg(long, value_name = "DIR")]
    pub models: Option<PathBuf>,
}

pub fn run(a: &PoseArgs) -> Result<()> {
    let est = estimator(a.models.as_deref())?;
    let mut file = match &a.output {
        Some(p) => {
            Some(PoseCsvWriter::new(p).with_context(|| format!("creating {}", p.display()))?)
        }
        None => {
            println!("{POSE_CSV_HEADER}");
            None
        }
    };
    let mut failed = 0;
    for path in &a.images {
        let name = path.display().to_string();
        let reason = |e: VisionError| match e {
            VisionError::Image { reason, .. } => reason,
            other => other.to_string(),
        };
        let pose = read_image(path)
            .map_err(reason)
            .and_then(|img| match est.image(&img.view()) {
                Ok(Some(p)) => Ok((p.pose.angles.as_array(), p.confidence)),
                Ok(None) => Err("no face found".to_string()),
                Err(e) => Err(reason(e)),
            });
        if let Err(e) = &pose {
            failed += 1;
            eprintln!("collis: {name}: {e}");
        }
        let row = pose.as_ref().map(|p| *p).map_err(String::as_str);
        match &mut file {
            Some(w) => w.write(&name, row)?,
            None => std::io::stdout().write_all(pose_csv_row(&name, row).as_bytes())?,
        }
    }
    if let Some(w) = file {
        w.finish()?;
    }
    if failed == a.images.len() {
        anyhow::bail!("no pose measured in any of the {} images", a.images.len());
    }
    Ok(())
}
