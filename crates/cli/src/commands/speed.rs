//! `collis speed`: wall time and peak memory of `collis analyze` on hours of 100 Hz 9-axis
//! CSV, against the Python pipeline a researcher would write (pandas → official VQF C++ 6D →
//! Welch; shared/data/README.md, re-measured 2026-12-06: 1 h 1.39 s / 310 MiB, 8 h 4.88 s /
//! 1,385 MiB on this kind of machine; Python's start-up weighs ≈ 0.9 s, so compare at 8 h).
//! Each analysis runs in a child process so its peak memory is its own.

use anyhow::{Context, Result};
use clap::Args;
use collis_io::ImuCsvWriter;
use collis_sim::{stream, Profile, SimOptions};
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Python reference figures per hours of data: (seconds, MiB).
const PYTHON_REFERENCE: [(u32, f64, f64); 2] = [(1, 1.39, 310.0), (8, 4.88, 1385.0)];
/// Issue 18: whole-recording orientation must not make `analyze` slower than 1.5× the
/// 1.30 s that 9D took on 8 h before it (shared/data/README.md, same machine and day).
const BEFORE_WHOLE_S: f64 = 1.30;
const MAX_SLOWDOWN: f64 = 1.5;
const CHECKED_AT_HOURS: u32 = 8;

#[derive(Args)]
pub struct SpeedArgs {
    /// Recording lengths to time, in hours (comma-separated).
    #[arg(long, default_value = "1", value_delimiter = ',')]
    pub hours: Vec<u32>,
    /// Timed runs per length (the median is reported).
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Folder for the generated recordings (kept, reused when present).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Write the table into this README between `<!-- speed:start/end -->` markers
    /// (`<!-- speed-emg:start/end -->` with --emg).
    #[arg(long, value_name = "README.md")]
    pub readme: Option<PathBuf>,
    /// Time surface-EMG analysis instead: `collis analyze` on EDF files of 8 channels at
    /// 2 kHz, `--hours` long (issue 6: at least 100× faster than real time).
    #[arg(long)]
    pub emg: bool,
}

fn generate(path: &Path, hours: u32) -> Result<()> {
    if path.exists() {
        return Ok(());
    }
    eprintln!(
        "generating {} ({hours} h of 100 Hz 9-axis data)…",
        path.display()
    );
    let opts = SimOptions {
        duration_s: f64::from(hours) * 3600.0,
        ..SimOptions::new(Profile::TorticollisTremor, 7)
    };
    let tmp = path.with_extension("partial");
    let mut w = ImuCsvWriter::new(&tmp, true)?;
    for s in stream(&opts) {
        w.write(&s)?;
    }
    w.finish()?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

/// Peak resident memory of the largest child process so far, MiB.
fn children_peak_mib() -> f64 {
    // SAFETY: getrusage fills the struct we pass; RUSAGE_CHILDREN is a valid selector.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    usage.ru_maxrss as f64 / 1024.0
}

/// Wall times of `collis analyze` over the runs, seconds.
pub struct Timing {
    pub min: f64,
    pub median: f64,
    pub max: f64,
}

impl std::fmt::Display for Timing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.3} s ({:.3}–{:.3})", self.median, self.min, self.max)
    }
}

/// Wall times of `collis analyze PATH --json /dev/null --quiet EXTRA…` and the peak memory
/// so far (MiB).
pub fn time_analyze(path: &Path, extra: &[&str], runs: usize) -> Result<(Timing, f64)> {
    let exe = std::env::current_exe()?;
    let mut times = Vec::new();
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let status = Command::new(&exe)
            .arg("analyze")
            .arg(path)
            .args(["--json", "/dev/null", "--quiet"])
            .args(extra)
            .status()
            .context("running collis analyze")?;
        times.push(start.elapsed().as_secs_f64());
        anyhow::ensure!(
            status.success(),
            "collis analyze failed on {}",
            path.display()
        );
    }
    times.sort_by(f64::total_cmp);
    let timing = Timing {
        min: times[0],
        median: times[times.len() / 2],
        max: times[times.len() - 1],
    };
    Ok((timing, children_peak_mib()))
}

pub fn run(a: &SpeedArgs) -> Result<()> {
    if cfg!(debug_assertions) {
        eprintln!(
            "warning: this is a debug build; time the release build (cargo run --release -- speed)"
        );
    }
    let dir = a
        .dir
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("collis-speed"));
    std::fs::create_dir_all(&dir)?;
    if a.emg {
        return super::speed_emg::run(a, &dir);
    }
    let mut md = String::new();
    let _ = writeln!(md, "Wall time of `collis analyze` per recording (whole-recording orientation, all analyses): median of {} runs (fastest–slowest). Check (issue 18): 9D at {CHECKED_AT_HOURS} h within {MAX_SLOWDOWN}× the {BEFORE_WHOLE_S} s measured before whole-recording orientation.\n", a.runs);
    let _ = writeln!(md, "| data (100 Hz, 9-axis CSV) | Collis 9D | Collis 6D | peak memory | Python reference (VQF 6D) | speed-up, median (6D / 9D) | 9D ≤ {:.2} s at {CHECKED_AT_HOURS} h |", MAX_SLOWDOWN * BEFORE_WHOLE_S);
    let _ = writeln!(md, "|---|---|---|---|---|---|---|");
    let mut ok_all = true;
    for &hours in &a.hours {
        let path = dir.join(format!("speed-{hours}h.csv"));
        generate(&path, hours)?;
        let size_mb = std::fs::metadata(&path)?.len() as f64 / 1e6;
        let neutral = ["--neutral", "0.5:7.5"];
        let (t9, _) = time_analyze(&path, &neutral, a.runs)?;
        let (t6, mem) = time_analyze(&path, &[&neutral[..], &["--no-mag"]].concat(), a.runs)?;
        let reference = PYTHON_REFERENCE.iter().find(|r| r.0 == hours);
        let (ref_text, speed_text) = match reference {
            Some(&(_, secs, mib)) => (
                format!("{secs:.2} s, {mib:.0} MiB"),
                format!(
                    "{:.1}× / {:.1}× (best {:.1}× / {:.1}×)",
                    secs / t6.median,
                    secs / t9.median,
                    secs / t6.min,
                    secs / t9.min
                ),
            ),
            None => ("—".to_string(), "—".to_string()),
        };
        let ok = if hours == CHECKED_AT_HOURS {
            let ok = t9.median <= MAX_SLOWDOWN * BEFORE_WHOLE_S;
            ok_all &= ok;
            super::validate::mark(ok)
        } else {
            "(information)"
        };
        let _ = writeln!(
            md,
            "| {hours} h ({} rows, {size_mb:.0} MB) | {t9} | {t6} | {mem:.0} MiB | {ref_text} | {speed_text} | {ok} |",
            hours * 360_000
        );
    }
    println!("{md}");
    if let Some(readme) = &a.readme {
        crate::readme::replace_section(readme, "speed", &md)?;
    }
    if !ok_all {
        eprintln!(
            "speed: 9D at {CHECKED_AT_HOURS} h slower than {MAX_SLOWDOWN}× {BEFORE_WHOLE_S} s"
        );
    }
    Ok(())
}
