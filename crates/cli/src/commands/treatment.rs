//! `collis treatment botox|dbs|medication|list`: the treatments between visits.

use crate::commands::db::{parse_date, today, DbArgs};
use crate::out::{outln, visible};
use anyhow::Result;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use collis_store::{number, DbsSetting, Dose, Injection, Medication};

#[derive(Args)]
pub struct TreatmentArgs {
    #[command(subcommand)]
    command: TreatmentCommand,
    #[command(flatten)]
    db: DbArgs,
}

#[derive(Subcommand)]
enum TreatmentCommand {
    /// A botulinum toxin injection: product and units per muscle.
    Botox {
        subject: String,
        #[arg(long, value_parser = parse_date)]
        date: Option<NaiveDate>,
        /// E.g. onabotulinumtoxinA, abobotulinumtoxinA, incobotulinumtoxinA.
        #[arg(long)]
        product: String,
        /// MUSCLE:SIDE:UNITS, repeated, e.g. "splenius capitis:left:60".
        #[arg(long = "dose", required = true, value_parser = parse_dose)]
        doses: Vec<Dose>,
        /// anatomy, emg, ultrasound, e-stim or ct.
        #[arg(long)]
        guidance: Option<String>,
        #[arg(long)]
        note: Option<String>,
    },
    /// A DBS programming: the settings from that date on.
    Dbs {
        subject: String,
        #[arg(long, value_parser = parse_date)]
        date: Option<NaiveDate>,
        /// E.g. GPi, STN.
        #[arg(long, default_value = "GPi")]
        target: String,
        /// left, right or both.
        #[arg(long)]
        side: String,
        /// Active contacts as the programmer shows them, e.g. "1-, C+".
        #[arg(long)]
        contacts: String,
        #[arg(long)]
        amplitude: f64,
        /// mA or V.
        #[arg(long, default_value = "mA")]
        unit: String,
        #[arg(long, value_name = "µs")]
        pulse_width: f64,
        #[arg(long, value_name = "HZ")]
        frequency: f64,
        #[arg(long)]
        note: Option<String>,
    },
    /// A medication course.
    Medication {
        subject: String,
        #[arg(long)]
        name: String,
        /// As prescribed, e.g. "2 mg three times a day".
        #[arg(long)]
        dose: String,
        #[arg(long, value_parser = parse_date)]
        start: NaiveDate,
        #[arg(long, value_parser = parse_date)]
        stop: Option<NaiveDate>,
        #[arg(long)]
        note: Option<String>,
    },
    /// List a subject's treatments by date.
    List { subject: String },
}

/// A treatment's note, when there is one, as the end of its line (shown [`visible`]).
fn note(note: &Option<String>) -> String {
    note.as_deref()
        .map_or(String::new(), |n| format!("\t{}", visible(n)))
}

/// Parse `MUSCLE:SIDE:UNITS` (the muscle may contain spaces).
fn parse_dose(s: &str) -> Result<Dose, String> {
    let mut parts = s.rsplitn(3, ':');
    let (units, side, muscle) = (parts.next(), parts.next(), parts.next());
    match (muscle, side, units) {
        (Some(m), Some(side), Some(u)) => Ok(Dose {
            muscle: m.trim().to_string(),
            side: side.trim().to_string(),
            units: u
                .trim()
                .parse()
                .map_err(|_| format!("'{u}' in '{s}' is not a number of units"))?,
        }),
        _ => Err(format!("'{s}' is not MUSCLE:SIDE:UNITS")),
    }
}

pub fn run(a: &TreatmentArgs) -> Result<()> {
    let store = a.db.open()?;
    match &a.command {
        TreatmentCommand::Botox {
            subject,
            date,
            product,
            doses,
            guidance,
            note,
        } => {
            let i = Injection {
                subject: subject.clone(),
                given_on: date.unwrap_or_else(today),
                product: product.clone(),
                guidance: guidance.clone(),
                doses: doses.clone(),
                note: note.clone(),
            };
            store.add_injection(&i)?;
            outln!(
                "stored injection of {} on {}: {} units in {} muscle(s)",
                subject,
                i.given_on,
                number(i.total_units()),
                i.doses.len()
            )?;
            if let Some(w) = i.dose_warning() {
                eprintln!("collis: warning: {}", visible(&w));
            }
        }
        TreatmentCommand::Dbs {
            subject,
            date,
            target,
            side,
            contacts,
            amplitude,
            unit,
            pulse_width,
            frequency,
            note,
        } => {
            let d = DbsSetting {
                subject: subject.clone(),
                programmed_on: date.unwrap_or_else(today),
                target: target.clone(),
                side: side.clone(),
                contacts: contacts.clone(),
                amplitude: *amplitude,
                amplitude_unit: unit.clone(),
                pulse_width_us: *pulse_width,
                frequency_hz: *frequency,
                note: note.clone(),
            };
            store.add_dbs(&d)?;
            outln!("stored DBS programming of {subject} on {}", d.programmed_on)?;
        }
        TreatmentCommand::Medication {
            subject,
            name,
            dose,
            start,
            stop,
            note,
        } => {
            store.add_medication(&Medication {
                subject: subject.clone(),
                name: name.clone(),
                dose: dose.clone(),
                started_on: *start,
                stopped_on: *stop,
                note: note.clone(),
            })?;
            outln!("stored medication {name} of {subject} from {start}")?;
        }
        TreatmentCommand::List { subject } => {
            for i in store.injections(Some(subject))? {
                let doses: Vec<String> = i
                    .doses
                    .iter()
                    .map(|d| format!("{} {} {} U", visible(&d.muscle), d.side, number(d.units)))
                    .collect();
                outln!(
                    "{}\tbotulinum toxin\t{}\t{} U: {}{}",
                    i.given_on,
                    visible(&i.product),
                    number(i.total_units()),
                    doses.join("; "),
                    note(&i.note)
                )?;
            }
            for d in store.dbs_settings(Some(subject))? {
                outln!(
                    "{}\tDBS\t{} {}\t{} {} {}, {} µs, {} Hz{}",
                    d.programmed_on,
                    visible(&d.target),
                    d.side,
                    visible(&d.contacts),
                    number(d.amplitude),
                    d.amplitude_unit,
                    number(d.pulse_width_us),
                    number(d.frequency_hz),
                    note(&d.note)
                )?;
            }
            for m in store.medications(Some(subject))? {
                outln!(
                    "{}\tmedication\t{}\t{}{}{}",
                    m.started_on,
                    visible(&m.name),
                    visible(&m.dose),
                    m.stopped_on
                        .map_or(String::new(), |s| format!(" (stopped {s})")),
                    note(&m.note)
                )?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doses() {
        let d = parse_dose("splenius capitis:left:60").unwrap();
        assert_eq!(
            (d.muscle.as_str(), d.side.as_str(), d.units),
            ("splenius capitis", "left", 60.0)
        );
        assert!(parse_dose("scm:left").is_err());
        assert!(parse_dose("scm:left:many").is_err());
    }
}
