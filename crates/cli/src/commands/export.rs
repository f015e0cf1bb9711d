//! `collis export --out DIR [--subject CODE]`: the record for research and EHRs — tidy
//! `sessions.csv`/`.parquet` (one row per session) and `events.csv`/`.parquet` (one row per
//! jerk or spasm), and `fhir/session-ID.json`, a FHIR R4 Observation bundle per session, with
//! `fhir/CodeSystem-collis-measurement.json` documenting the local codes.

use crate::commands::db::DbArgs;
use crate::fsutil::write_atomic;
use anyhow::{Context, Result};
use clap::Args;
use collis_report::export::{code_system, events_table, fhir_bundle, sessions_table};
use std::path::PathBuf;

#[derive(Args)]
pub struct ExportArgs {
    /// Output folder (created).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Only this subject (default: every subject).
    #[arg(long)]
    pub subject: Option<String>,
    #[command(flatten)]
    pub db: DbArgs,
}

pub fn run(a: &ExportArgs) -> Result<()> {
    let store = a.db.open()?;
    let sessions = store.sessions(a.subject.as_deref())?;
    let events: Vec<_> = store
        .session_events(None)?
        .into_iter()
        .filter(|e| sessions.iter().any(|s| s.id == e.session_id))
        .collect();
    let diary = store.diary(a.subject.as_deref())?;
    let fhir = a.out.join("fhir");
    std::fs::create_dir_all(&fhir).with_context(|| format!("creating {}", fhir.display()))?;
    for table in [sessions_table(&sessions), events_table(&sessions, &events)] {
        let csv = a.out.join(format!("{}.csv", table.name));
        let mut bytes = Vec::new();
        table.write_csv(&mut bytes, &csv.display().to_string())?;
        write_atomic(&csv, &bytes).with_context(|| format!("writing {}", csv.display()))?;
        let parquet = a.out.join(format!("{}.parquet", table.name));
        let tmp = a.out.join(format!(".{}.parquet.tmp", table.name));
        table.write_parquet(&tmp)?;
        std::fs::rename(&tmp, &parquet)
            .with_context(|| format!("writing {}", parquet.display()))?;
        println!(
            "wrote {} and {} ({} rows)",
            csv.display(),
            parquet.display(),
            table.rows()
        );
    }
    let cs = fhir.join("CodeSystem-collis-measurement.json");
    write_atomic(
        &cs,
        serde_json::to_string_pretty(&code_system())?.as_bytes(),
    )?;
    for s in &sessions {
        let path = fhir.join(format!("session-{}.json", s.id));
        let bundle = serde_json::to_string_pretty(&fhir_bundle(s, &diary))?;
        write_atomic(&path, bundle.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    println!(
        "wrote {} FHIR bundles and the local CodeSystem to {}",
        sessions.len(),
        fhir.display()
    );
    Ok(())
}
