//! `collis models fetch|status [--models DIR]`: the face models for video and images, from
//! registry packages (PyPI mediapipe wheel, npm @mediapipe/face_mesh), cached and checksummed.

use anyhow::Result;
use clap::{Args, Subcommand};
use collis_vision::models::{self, FileState};
use std::path::PathBuf;

#[derive(Args)]
pub struct ModelsArgs {
    #[command(subcommand)]
    pub action: ModelsAction,
    /// Models directory (default: $COLLIS_MODELS, else <user cache>/collis/models).
    #[arg(long, value_name = "DIR", global = true)]
    pub models: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum ModelsAction {
    /// Download (pip download / npm pack; cached), extract and verify the model files.
    Fetch,
    /// Say which model files are present and verified.
    Status,
}

pub fn run(a: &ModelsArgs) -> Result<()> {
    let dir = models::resolve_dir(a.models.as_deref())?;
    match a.action {
        ModelsAction::Fetch => {
            std::fs::create_dir_all(&dir)?;
            models::fetch(&dir, |line| eprintln!("{line}"))?;
            println!("models ready in {}", dir.display());
            println!("{}", models::NOTICE);
        }
        ModelsAction::Status => {
            println!("models directory: {}", dir.display());
            let mut ok = true;
            for (f, state) in models::status(&dir) {
                let s = match state {
                    FileState::Ok => "ok (SHA-256 verified)".to_string(),
                    FileState::Missing => {
                        ok = false;
                        "MISSING".to_string()
                    }
                    FileState::WrongChecksum(got) => {
                        ok = false;
                        format!("WRONG CHECKSUM {got}")
                    }
                };
                println!("  {:<48} {s}\n    {}", f.name, f.role);
            }
            if ok {
                println!("{}", models::NOTICE);
            } else {
                anyhow::bail!(
                    "models incomplete in {}: run `collis models fetch`",
                    dir.display()
                );
            }
        }
    }
    Ok(())
}
