//! `collis record add SUBJECT FILE… | list [SUBJECT]`: analyse recordings and store them as
//! sessions of a subject. Each file is one transaction, reported only once committed, so an
//! interrupted import keeps every session it reported and none half-written. A file whose
//! content is stored already is skipped without analysing it again.

use crate::args::{parse_task, AngleArgs};
use crate::commands::analyze::AnalyzeArgs;
use crate::commands::db::{parse_date, today, DbArgs};
use crate::out::{outln, visible};
use anyhow::{Context, Result};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use collis_core::results::Task;
use collis_store::{check_subject_code, content_sha256, Added, NewSession, Store};
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct RecordArgs {
    #[command(subcommand)]
    command: RecordCommand,
    #[command(flatten)]
    db: DbArgs,
}

#[derive(Subcommand)]
enum RecordCommand {
    /// Analyse recordings and store them as sessions of SUBJECT (added when new).
    Add {
        subject: String,
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// What the patient did: rest, hold-neutral, rom, sensory-trick, exercise.
        #[arg(long, default_value = "rest", value_parser = parse_task)]
        task: Task,
        /// Date of the recording (YYYY-MM-DD; default today).
        #[arg(long, value_parser = parse_date)]
        date: Option<NaiveDate>,
        #[command(flatten)]
        angles: AngleArgs,
    },
    /// List the stored sessions (of one subject).
    List { subject: Option<String> },
}

/// Analyse `path` and store it as a session of `subject` on `date`; the subject is added
/// (in the session's transaction) when new. Also true when it was added.
pub fn store_file(
    store: &Store,
    subject: &str,
    path: &Path,
    date: NaiveDate,
    angles: &AngleArgs,
    task: Task,
) -> Result<(Added, bool)> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let sha = content_sha256(std::io::BufReader::new(file))
        .with_context(|| format!("reading {}", path.display()))?;
    if let Some(id) = store.session_by_hash(&sha)? {
        return Ok((Added::Duplicate(id), false));
    }
    // The same dispatch as `collis analyze`: head sensor, face video, OpenFace CSV or EMG.
    let results = crate::commands::analyze::results(&AnalyzeArgs {
        input: path.to_path_buf(),
        json: None,
        task,
        trick: Vec::new(),
        without: None,
        quiet: true,
        angles: angles.clone(),
        emg: Default::default(),
        video: Default::default(),
    })?;
    Ok(store.add_session_and_subject(&NewSession {
        subject,
        recorded_on: date,
        file_name: path.file_name().map(|n| n.to_string_lossy().into_owned()),
        content_sha256: sha,
        results: &results,
    })?)
}

pub fn run(a: &RecordArgs) -> Result<()> {
    let store = a.db.open()?;
    match &a.command {
        RecordCommand::Add {
            subject,
            files,
            task,
            date,
            angles,
        } => {
            // Said before any file is analysed; the subject is added with its first session,
            // so a file that cannot be stored leaves no new, empty subject behind.
            check_subject_code(subject)?;
            let date = date.unwrap_or_else(today);
            for f in files {
                let (added, new_subject) = store_file(&store, subject, f, date, angles, *task)?;
                if new_subject {
                    outln!("added subject {subject}")?;
                }
                match added {
                    Added::Stored(id) => outln!("stored session {id}: {}", f.display())?,
                    Added::Duplicate(id) => {
                        outln!("already stored as session {id}: {}", f.display())?
                    }
                }
            }
        }
        RecordCommand::List { subject } => {
            outln!("id\tsubject\tdate\ttask\trotation°\ttilt°\tflexion°\ttremor°\tjerks/min\tTWSTRS\tfile")?;
            let deg = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:+.1}"));
            for s in store.sessions(subject.as_deref())? {
                let f = &s.figures;
                outln!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{:.1}\t{}/{}\t{}",
                    s.id,
                    visible(&s.subject),
                    s.recorded_on,
                    s.task,
                    deg(f.rotation_median_deg),
                    deg(f.tilt_median_deg),
                    deg(f.flexion_median_deg),
                    f.tremor_amplitude_deg
                        .map_or("-".into(), |v| format!("{v:.2}")),
                    f.jerk_rate_per_min,
                    f.twstrs_machine_subtotal,
                    f.twstrs_machine_max,
                    visible(s.file_name.as_deref().unwrap_or("-"))
                )?;
            }
        }
    }
    Ok(())
}
