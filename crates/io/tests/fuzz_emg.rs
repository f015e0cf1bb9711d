//! Fuzzing of every EMG reader on stable Rust: a random-mutation fuzzer over seed files
//! (valid EDF, EDF+, BDF, BDF+, WFDB 16/212 header + signal file, CSV, OpenSignals text).
//!
//! cargo-fuzz (libFuzzer) needs a nightly compiler and AFL needs `cargo afl`; neither is
//! available here, so this is a plain test binary: each reader gets
//! `COLLIS_FUZZ_SECONDS` seconds (default 1; `.ci/run` gives 20) of inputs made by byte
//! flips, byte insertions and deletions, truncation, splicing of digit strings into header
//! fields and block duplication, from a seeded ChaCha generator (the seed is printed, so a
//! failure can be replayed with `COLLIS_FUZZ_SEED`). Every input must give `Ok` or an
//! `ImportError` — never a panic — and a reader that opens must reach its end. Not
//! coverage-guided: the mutations are aimed at the header fields, where the parsing is.

#[path = "io/emg_files.rs"]
mod emg_files;

use collis_io::emg::{open_emg_bytes, EmgFormat, EmgOptions};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::Path;
use std::time::{Duration, Instant};

fn budget() -> Duration {
    let s = std::env::var("COLLIS_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(1.0);
    Duration::from_secs_f64(s)
}

fn seed() -> u64 {
    std::env::var("COLLIS_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        })
}

const TOKENS: [&[u8]; 12] = [
    b"-1",
    b"0",
    b"99999999",
    b"nan",
    b"1e308",
    b"-0",
    b"+",
    b"\x14",
    b"\x15",
    b"\x00",
    b"1.5",
    b"212",
];

fn mutate(rng: &mut ChaCha8Rng, input: &[u8]) -> Vec<u8> {
    let mut b = input.to_vec();
    for _ in 0..rng.random_range(1..=4) {
        if b.is_empty() {
            b.push(rng.random());
            continue;
        }
        let i = rng.random_range(0..b.len());
        match rng.random_range(0..7) {
            0 => b[i] ^= 1 << rng.random_range(0..8),
            1 => b[i] = rng.random(),
            2 => b.insert(i, rng.random()),
            3 => {
                b.remove(i);
            }
            4 => b.truncate(i),
            5 => {
                // A token written over a header-sized field.
                let t = TOKENS[rng.random_range(0..TOKENS.len())];
                for (k, &c) in t.iter().enumerate() {
                    if let Some(x) = b.get_mut(i + k) {
                        *x = c;
                    }
                }
            }
            _ => {
                let len = rng.random_range(1..=64.min(b.len() - i));
                let chunk = b[i..i + len].to_vec();
                let at = rng.random_range(0..=b.len());
                b.splice(at..at, chunk);
            }
        }
    }
    b
}

/// Runs one reader on mutations of `seeds` for the time budget; returns inputs tried.
fn fuzz(name: &str, format: EmgFormat, seeds: &[(Vec<u8>, Vec<u8>)]) {
    let seed = seed();
    eprintln!("fuzz {name}: seed {seed}");
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let end = Instant::now() + budget();
    let (mut tried, mut opened) = (0u64, 0u64);
    let path = Path::new(match format {
        EmgFormat::Edf => "fuzz.edf",
        EmgFormat::Wfdb => "fuzz.hea",
        EmgFormat::Text => "fuzz.csv",
    });
    while Instant::now() < end || tried == 0 {
        let (main, signal) = &seeds[rng.random_range(0..seeds.len())];
        let (main, signal) = if rng.random_bool(0.7) {
            (mutate(&mut rng, main), signal.clone())
        } else {
            (main.clone(), mutate(&mut rng, signal))
        };
        let rate = rng.random_bool(0.5).then_some(1000.0);
        let keep = (main.clone(), signal.clone());
        let outcome = std::panic::catch_unwind(move || {
            let opts = EmgOptions { rate_hz: rate };
            let Ok(mut r) = open_emg_bytes(path, format, main, signal, &opts) else {
                return false;
            };
            let mut block = Vec::new();
            let mut blocks = 0u64;
            while let Ok(true) = r.read_block(&mut block) {
                blocks += 1;
                assert!(blocks < 1_000_000, "reader does not end");
            }
            true
        });
        match outcome {
            Ok(o) => opened += u64::from(o),
            Err(_) => panic!(
                "{name} reader panicked (seed {seed}, input {tried}); main {} bytes: {:?}; signal {} bytes",
                keep.0.len(),
                String::from_utf8_lossy(&keep.0[..keep.0.len().min(512)]),
                keep.1.len()
            ),
        }
        tried += 1;
    }
    eprintln!("fuzz {name}: {tried} inputs, {opened} opened, no panic");
    assert!(
        opened > 0,
        "{name}: no mutated input opened: the seeds are not valid files"
    );
}

#[test]
fn fuzz_edf_and_bdf() {
    let sigs = emg_files::two_signals();
    let seeds: Vec<(Vec<u8>, Vec<u8>)> =
        [(false, false), (false, true), (true, false), (true, true)]
            .into_iter()
            .map(|(bdf, plus)| (emg_files::edf(&sigs, 3, 1.0, bdf, plus), Vec::new()))
            .collect();
    fuzz("edf/bdf", EmgFormat::Edf, &seeds);
}

#[test]
fn fuzz_wfdb() {
    let seeds: Vec<(Vec<u8>, Vec<u8>)> = [16, 212]
        .into_iter()
        .map(|fmt| {
            let (h, d, _) = emg_files::wfdb(fmt, 300);
            (h.into_bytes(), d)
        })
        .collect();
    fuzz("wfdb", EmgFormat::Wfdb, &seeds);
}

#[test]
fn fuzz_text() {
    let csv: String = std::iter::once("time_s,SCM-L [uV],SCM-R\n".to_string())
        .chain((0..200).map(|i| format!("{},{},{}\n", i as f64 / 1000.0, i % 13, i % 7)))
        .collect();
    let open_signals: String =
        "# Simple Text Format\n# Sampling Rate (Hz):= 1000.00\n# Resolution:= 12\n# Labels:= EMG\n"
            .chars()
            .chain(
                (0..200).flat_map(|i| format!("{}\n", 2048 + i % 50).chars().collect::<Vec<_>>()),
            )
            .collect();
    let seeds = vec![
        (csv.into_bytes(), Vec::new()),
        (open_signals.into_bytes(), Vec::new()),
        (b"1\t2\n3\t4\n".to_vec(), Vec::new()),
    ];
    fuzz("text", EmgFormat::Text, &seeds);
}
