//! `collis subject add|list`: the pseudonymous subjects of the record.

use crate::commands::db::DbArgs;
use crate::out::{outln, visible};
use anyhow::Result;
use clap::{Args, Subcommand};
use collis_store::Subject;

#[derive(Args)]
pub struct SubjectArgs {
    #[command(subcommand)]
    command: SubjectCommand,
    #[command(flatten)]
    db: DbArgs,
}

#[derive(Subcommand)]
enum SubjectCommand {
    /// Add a subject by pseudonymous code (no names).
    Add {
        code: String,
        /// female, male or other.
        #[arg(long)]
        sex: Option<String>,
        #[arg(long)]
        birth_year: Option<i64>,
        /// Year the movement disorder began.
        #[arg(long)]
        onset_year: Option<i64>,
        /// Side the head mostly turns or tilts to: left, right, both, none.
        #[arg(long)]
        side: Option<String>,
        #[arg(long)]
        note: Option<String>,
    },
    /// List the subjects.
    List,
}

pub fn run(a: &SubjectArgs) -> Result<()> {
    let store = a.db.open()?;
    match &a.command {
        SubjectCommand::Add {
            code,
            sex,
            birth_year,
            onset_year,
            side,
            note,
        } => {
            store.add_subject(&Subject {
                code: code.clone(),
                sex: sex.clone(),
                birth_year: *birth_year,
                onset_year: *onset_year,
                affected_side: side.clone(),
                note: note.clone(),
            })?;
            outln!("added subject {code}")?;
        }
        SubjectCommand::List => {
            let sessions = store.sessions(None)?;
            outln!("code\tsex\tbirth\tonset\tside\tsessions\tnote")?;
            for s in store.subjects()? {
                let n = sessions.iter().filter(|x| x.subject == s.code).count();
                let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
                let year = |v: Option<i64>| v.map_or("-".into(), |y| y.to_string());
                outln!(
                    "{}\t{}\t{}\t{}\t{}\t{n}\t{}",
                    visible(&s.code),
                    opt(&s.sex),
                    year(s.birth_year),
                    year(s.onset_year),
                    opt(&s.affected_side),
                    visible(s.note.as_deref().unwrap_or(""))
                )?;
            }
        }
    }
    Ok(())
}
