//! `collis pose IMAGE... [-o OUT.csv] [--face largest|center]`: head angles (camera-frontal =
//! neutral) of still images, one row per image with the number of faces found; with several
//! faces the largest is measured (or the one nearest the image centre); images without a face
//! (or unreadable) get a row with the reason.

use crate::video::estimator;
use anyhow::{Context, Result};
use clap::builder::TypedValueParser;
use clap::Args;
use collis_io::{pose_csv_row, PoseCsvWriter, POSE_CSV_HEADER};
use collis_vision::still::{read_image, write_png};
use collis_vision::{FaceChoice, VisionError};
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
    /// Also write each image with the face mesh, head axes and angles drawn, as
    /// DIR/<image name>.overlay.png.
    #[arg(long, value_name = "DIR")]
    pub overlay: Option<PathBuf>,
    /// Which face to measure when there are several: the largest (nearest the camera) or the
    /// one nearest the image centre.
    #[arg(
        long,
        value_name = "WHICH",
        default_value = "largest",
        value_parser = clap::builder::PossibleValuesParser::new(FaceChoice::NAMES)
            .try_map(|s| s.parse::<FaceChoice>())
    )]
    pub face: FaceChoice,
    /// Directory of the face models (default: $COLLIS_MODELS, else the user cache).
    #[arg(long, value_name = "DIR")]
    pub models: Option<PathBuf>,
}

pub fn run(a: &PoseArgs) -> Result<()> {
    let est = estimator(a.models.as_deref())?;
    if let Some(dir) = &a.overlay {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
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
        let mut faces = None;
        let pose = read_image(path).map_err(reason).and_then(|mut img| {
            let found = est.faces(&img.view(), a.face).map_err(reason)?;
            faces = Some(found.seen);
            let p = found.measured.ok_or_else(|| "no face found".to_string())?;
            let angles = p.pose.angles.as_array();
            if let Some(dir) = &a.overlay {
                img.draw_pose(&p, angles);
                let stem = path.file_name().unwrap_or_default().to_string_lossy();
                let out = dir.join(format!("{stem}.overlay.png"));
                write_png(&out, &img).map_err(reason)?;
            }
            Ok((angles, p.confidence))
        });
        if let Err(e) = &pose {
            failed += 1;
            eprintln!("collis: {name}: {e}");
        }
        let row = pose.as_ref().map(|p| *p).map_err(String::as_str);
        match &mut file {
            Some(w) => w.write(&name, faces, row)?,
            None => std::io::stdout().write_all(pose_csv_row(&name, faces, row).as_bytes())?,
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
