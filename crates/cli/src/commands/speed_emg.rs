//! `collis speed --emg`: wall time and peak memory of `collis analyze` on hours of 8-channel
//! 2 kHz surface EMG in EDF (issue 6: at least 100× faster than real time on one core — the
//! EMG analysis runs on one thread). The file repeats one simulated minute (four neck
//! muscles, two seeds) with its bursts, hum and wander; the time does not depend on what
//! the minute holds.

use super::speed::{time_analyze, SpeedArgs};
use anyhow::Result;
use collis_io::emg::{EdfChannel, EdfWriter};
use collis_sim::{simulate_emg, EmgSimOptions};
use std::fmt::Write;
use std::path::Path;

const CHANNELS: [&str; 8] = [
    "SCM-L", "SCM-R", "SPL-L", "SPL-R", "TRAP-L", "TRAP-R", "LEV-L", "LEV-R",
];
const RATE_HZ: usize = 2000;
const REQUIRED_REAL_TIME: f64 = 100.0;

fn generate(path: &Path, hours: u32) -> Result<()> {
    if path.exists() {
        return Ok(());
    }
    eprintln!(
        "generating {} ({hours} h of 8-channel 2 kHz EMG)…",
        path.display()
    );
    let mut minute = simulate_emg(&EmgSimOptions::neck(1)).data;
    minute.extend(simulate_emg(&EmgSimOptions::neck(2)).data);
    let channels: Vec<EdfChannel> = CHANNELS
        .iter()
        .map(|l| EdfChannel {
            label: l.to_string(),
            unit: "uV".to_string(),
            samples_per_record: RATE_HZ,
            physical_range: [-3000.0, 3000.0],
        })
        .collect();
    let tmp = path.with_extension("partial");
    let mut w = EdfWriter::create(&tmp, &channels, 1.0)?;
    for _ in 0..hours * 60 {
        for s in 0..60 {
            let record: Vec<&[f64]> = minute
                .iter()
                .map(|c| &c[s * RATE_HZ..(s + 1) * RATE_HZ])
                .collect();
            w.write_record(&record)?;
        }
    }
    w.finish()?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

pub fn run(a: &SpeedArgs, dir: &Path) -> Result<()> {
    let mut md = String::new();
    let _ = writeln!(md, "Wall time of `collis analyze FILE.edf` (both passes: mains detection, baseline, bursts, amplitudes, pairs; one thread): median of {} runs (fastest–slowest).\n", a.runs);
    let _ = writeln!(md, "| data (8 channels × 2 kHz, EDF) | wall time | real-time factor (median) | peak memory | ≥ {REQUIRED_REAL_TIME:.0}× |");
    let _ = writeln!(md, "|---|---|---|---|---|");
    let mut ok_all = true;
    for &hours in &a.hours {
        let path = dir.join(format!("speed-emg-{hours}h.edf"));
        generate(&path, hours)?;
        let size_mb = std::fs::metadata(&path)?.len() as f64 / 1e6;
        let (t, mem) = time_analyze(&path, &[], a.runs)?;
        let factor = f64::from(hours) * 3600.0 / t.median;
        let ok = factor >= REQUIRED_REAL_TIME;
        ok_all &= ok;
        let _ = writeln!(
            md,
            "| {hours} h ({size_mb:.0} MB) | {t} | {factor:.0}× | {mem:.0} MiB | {} |",
            if ok { "✓" } else { "✗" }
        );
    }
    println!("{md}");
    if let Some(readme) = &a.readme {
        crate::readme::replace_section(readme, "speed-emg", &md)?;
    }
    if !ok_all {
        eprintln!("speed: EMG analysis below {REQUIRED_REAL_TIME}× real time");
    }
    Ok(())
}
