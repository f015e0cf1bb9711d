//! `collis trend SUBJECT [--figure rotation] [--task TASK]`: a subject's figures across visits
//! in the terminal — trend per figure and, for one figure, the botulinum toxin cycles (change
//! from the pre-injection baseline, days to best effect, wear-off). Only sessions recorded the
//! same way are compared: the clinic visits by default, or the latest session of `--task`'s
//! kind and those like it (`collis_report::comparable`).

use crate::commands::db::DbArgs;
use crate::out::outln;
use anyhow::{Context, Result};
use clap::Args;
use collis_core::results::Task;
use collis_report::comparable::{split, visit_protocol, Protocol};
use collis_report::longitudinal::{botulinum_cycles, series, trend, Figure};

#[derive(Args)]
pub struct TrendArgs {
    pub subject: String,
    /// Figure for the cycles: rotation, tilt, flexion, tremor, jerks, twstrs, pain.
    #[arg(long, default_value = "rotation", value_parser = parse_figure)]
    pub figure: Figure,
    /// Follow the sessions of this task (rest, hold-neutral, rom, sensory-trick, exercise)
    /// recorded like its latest one; default: the clinic visits (rest).
    #[arg(long, value_parser = crate::args::parse_task)]
    pub task: Option<Task>,
    #[command(flatten)]
    pub db: DbArgs,
}

fn parse_figure(s: &str) -> Result<Figure, String> {
    Ok(match s {
        "rotation" => Figure::Rotation,
        "tilt" => Figure::Tilt,
        "flexion" => Figure::Flexion,
        "tremor" => Figure::TremorAmplitude,
        "jerks" => Figure::JerkRate,
        "twstrs" => Figure::TwstrsSubtotal,
        "pain" => Figure::Pain,
        _ => {
            return Err(format!(
                "unknown figure '{s}' (rotation, tilt, flexion, tremor, jerks, twstrs, pain)"
            ))
        }
    })
}

pub fn run(a: &TrendArgs) -> Result<()> {
    let store = a.db.open_existing()?;
    let all = store
        .sessions(Some(&a.subject))
        .with_context(|| format!("in the record {}", a.db.shown().unwrap_or_default()))?;
    let diary = store.diary(Some(&a.subject))?;
    let protocol = match a.task {
        Some(task) => Some(
            all.iter()
                .rev()
                .find(|s| s.task == task.name())
                .map(Protocol::of)
                .ok_or_else(|| anyhow::anyhow!("{} has no {} session", a.subject, task.name()))?,
        ),
        // None without sessions: the diary's pain can still be followed.
        None => visit_protocol(&all),
    };
    let (sessions, others) = protocol
        .as_ref()
        .map_or_else(Default::default, |p| split(&all, p));
    let how = protocol.map_or(String::new(), |p| {
        format!(" recorded the same way ({})", p.describe())
    });
    outln!(
        "{}: {} sessions{how}. Measurements for decision support, not a diagnosis.",
        a.subject,
        sessions.len(),
    )?;
    if !others.is_empty() {
        outln!(
            "Not compared: {} other session(s) (exercises, trials or other sources; --task chooses).",
            others.len()
        )?;
    }
    let mut rows = vec![["figure", "visits", "first", "latest", "slope/month"]
        .map(String::from)
        .to_vec()];
    for f in Figure::ALL {
        let points = series(f, &sessions, &diary);
        let (Some(first), Some(last)) = (points.first(), points.last()) else {
            continue;
        };
        rows.push(vec![
            format!("{} ({})", f.label(), f.unit()),
            points.len().to_string(),
            format!("{:.1}", first.value),
            format!("{:.1}", last.value),
            trend(&points).map_or("-".into(), |t| format!("{:+.2}", t.per_month)),
        ]);
    }
    crate::out::table(&rows)?;
    let injections: Vec<_> = store
        .injections(Some(&a.subject))?
        .iter()
        .map(|i| i.given_on)
        .collect();
    if injections.is_empty() {
        outln!("no botulinum toxin injections recorded")?;
        return Ok(());
    }
    let f = a.figure;
    outln!()?;
    outln!("botulinum toxin cycles of {} ({}):", f.label(), f.unit())?;
    let mut rows = vec![[
        "injection",
        "baseline",
        "best",
        "change",
        "days to best",
        "wear-off days",
    ]
    .map(String::from)
    .to_vec()];
    let n = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.1}"));
    for c in botulinum_cycles(&series(f, &sessions, &diary), &injections) {
        rows.push(vec![
            c.injection_on.to_string(),
            n(c.baseline.map(|p| p.value)),
            n(c.best.map(|p| p.value)),
            c.improvement
                .map_or("-".into(), |i| format!("{:+.0} %", -100.0 * i)),
            c.days_to_best.map_or("-".into(), |d| d.to_string()),
            n(c.wear_off_days),
        ]);
    }
    crate::out::table(&rows)?;
    Ok(())
}
