//! `collis diary add|list`: the patient's diary — pain 0–10 and the TWSTRS-2 self-rated
//! disability (0–30) and pain (0–20) subscales where filled in, and a free note.

use crate::commands::db::{parse_date, today, DbArgs};
use crate::out::{outln, visible};
use anyhow::Result;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use collis_store::DiaryEntry;

#[derive(Args)]
pub struct DiaryArgs {
    #[command(subcommand)]
    command: DiaryCommand,
    #[command(flatten)]
    db: DbArgs,
}

#[derive(Subcommand)]
enum DiaryCommand {
    /// Add a diary entry.
    Add {
        subject: String,
        #[arg(long, value_parser = parse_date)]
        date: Option<NaiveDate>,
        /// Pain 0–10.
        #[arg(long)]
        pain: Option<i64>,
        /// TWSTRS-2 disability subscale, 0–30.
        #[arg(long)]
        disability: Option<i64>,
        /// TWSTRS-2 pain subscale, 0–20.
        #[arg(long)]
        twstrs_pain: Option<i64>,
        #[arg(long)]
        note: Option<String>,
    },
    /// List a subject's diary.
    List { subject: String },
}

pub fn run(a: &DiaryArgs) -> Result<()> {
    let store = a.db.open()?;
    match &a.command {
        DiaryCommand::Add {
            subject,
            date,
            pain,
            disability,
            twstrs_pain,
            note,
        } => {
            let e = DiaryEntry {
                subject: subject.clone(),
                entry_on: date.unwrap_or_else(today),
                pain: *pain,
                twstrs_disability: *disability,
                twstrs_pain: *twstrs_pain,
                note: note.clone(),
            };
            store.add_diary(&e)?;
            outln!("stored diary entry of {subject} on {}", e.entry_on)?;
        }
        DiaryCommand::List { subject } => {
            outln!("date\tpain\tTWSTRS-2 disability\tTWSTRS-2 pain\tnote")?;
            let n = |v: Option<i64>| v.map_or("-".into(), |v| v.to_string());
            for e in store.diary(Some(subject))? {
                outln!(
                    "{}\t{}\t{}\t{}\t{}",
                    e.entry_on,
                    n(e.pain),
                    n(e.twstrs_disability),
                    n(e.twstrs_pain),
                    visible(e.note.as_deref().unwrap_or(""))
                )?;
            }
        }
    }
    Ok(())
}
