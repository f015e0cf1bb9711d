//! `collis table import TABLE FILE | export TABLE [-o FILE]`: subjects, injections, DBS settings, medication
//! and the diary as CSV (one row per record; per muscle dose for injections).

use crate::commands::db::DbArgs;
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use collis_store::{export_csv, import_csv, Table};
use std::path::PathBuf;

#[derive(Args)]
pub struct TableArgs {
    #[command(subcommand)]
    command: TableCommand,
    #[command(flatten)]
    db: DbArgs,
}

#[derive(Subcommand)]
enum TableCommand {
    /// Import TABLE (subjects, injections, dbs, medications, diary) from a CSV file, all rows
    /// or none.
    Import { table: Table, file: PathBuf },
    /// Export TABLE as CSV (to stdout without -o).
    Export {
        table: Table,
        #[arg(short, long)]
        out: Option<PathBuf>,
        /// Only this subject.
        #[arg(long)]
        subject: Option<String>,
    },
}

pub fn run(a: &TableArgs) -> Result<()> {
    let store = a.db.open()?;
    match &a.command {
        TableCommand::Import { table, file } => {
            let f =
                std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?;
            let n = import_csv(&store, *table, f, &file.display().to_string())?;
            println!(
                "imported {n} {} record(s) from {}",
                table.name(),
                file.display()
            );
        }
        TableCommand::Export {
            table,
            out,
            subject,
        } => match out {
            Some(path) => {
                let mut bytes = Vec::new();
                let n = export_csv(&store, *table, subject.as_deref(), &mut bytes)?;
                crate::fsutil::write_atomic(path, &bytes)
                    .with_context(|| format!("writing {}", path.display()))?;
                eprintln!("wrote {n} row(s) to {}", path.display());
            }
            None => {
                export_csv(&store, *table, subject.as_deref(), std::io::stdout().lock())?;
            }
        },
    }
    Ok(())
}
