//! Fuzzing of every Collis reader on stable Rust (cargo-fuzz needs a nightly compiler, AFL
//! `cargo afl`; neither is used here). One mutation engine ([`mutate`]) and one runner
//! ([`Target`]) serve all the targets in `tests/`, one test file per reader family.
//!
//! A target is a name, its own tokens (field names, keywords) and a function that feeds one
//! [`Input`] to the real public entry point of a reader and returns `Ok` (accepted) or `Err`
//! (refused with a typed error, its message). Its seeds are the files in
//! `corpus/<target>/` (a directory there is one input of several files, e.g. a Sensor Logger
//! export), its regressions the files in `regressions/<target>/`: every input that once
//! crashed a reader, kept after the fix.
//!
//! - [`Target::replay`] (always run): every seed must be accepted, every regression must give
//!   `Ok` or a typed error.
//! - [`Target::fuzz`]: for `COLLIS_FUZZ_SECONDS` (default 1; CI gives more), inputs made by
//!   mutating the seeds with a ChaCha generator seeded from `COLLIS_FUZZ_SEED` or the clock
//!   (printed, so a run can be replayed). The first input that panics, allocates more than
//!   [`guard::MAX_INPUT_BYTES`] or runs longer than the input time limit stops the run; it is
//!   saved under `COLLIS_FUZZ_CRASHES` (default: the system temporary directory) and the run
//!   fails naming the file, to be copied into `regressions/` once the reader is fixed.
//!
//! Not coverage-guided: the mutations aim at what parsers trip on (numbers at the limits,
//! separators, line structure, length and count fields).

pub mod guard;
pub mod mutate;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[global_allocator]
static ALLOC: guard::Counting = guard::Counting;

/// One file of an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// File name (extension included: some readers detect the format by it).
    pub name: String,
    pub bytes: Vec<u8>,
}

/// One input: a file, or several files read together (header and signal file, the CSV files
/// of a Sensor Logger export, a live query and its messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// Where it comes from: the corpus or regression entry, or the seed it was mutated from.
    pub label: String,
    pub parts: Vec<Part>,
}

impl Input {
    /// The bytes of the part called `name`.
    pub fn part(&self, name: &str) -> Option<&[u8]> {
        self.parts
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.bytes.as_slice())
    }

    /// The first part whose name ends with `suffix`.
    pub fn part_ending(&self, suffix: &str) -> Option<&Part> {
        self.parts.iter().find(|p| p.name.ends_with(suffix))
    }

    /// A number in `0..n` fixed by the content: lets a target vary its options per input
    /// and still replay an input the same way.
    pub fn variant(&self, n: u64) -> u64 {
        self.digest() % n.max(1)
    }

    /// FNV-1a of the names and bytes: the same on every machine and toolchain (unlike std's
    /// hasher), so a saved input is replayed with the options it failed with.
    pub fn digest(&self) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for p in &self.parts {
            for &b in p.name.as_bytes().iter().chain([&0u8]).chain(&p.bytes) {
                h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
            }
        }
        h
    }

    /// Total size in bytes.
    pub fn len(&self) -> usize {
        self.parts.iter().map(|p| p.bytes.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes the parts into `dir`, emptied first (so a part dropped by a mutation is gone);
    /// returns `dir`.
    pub fn write_dir(&self, dir: &Path) -> std::io::Result<PathBuf> {
        if dir.exists() {
            std::fs::remove_dir_all(dir)?;
        }
        std::fs::create_dir_all(dir)?;
        for p in &self.parts {
            std::fs::write(dir.join(&p.name), &p.bytes)?;
        }
        Ok(dir.to_path_buf())
    }

    /// Writes a one-part input as `dir/<its name>`; returns that path.
    pub fn write_file(&self, dir: &Path) -> std::io::Result<PathBuf> {
        let p = &self.parts[0];
        let path = dir.join(&p.name);
        std::fs::write(&path, &p.bytes)?;
        Ok(path)
    }
}

/// `crates/fuzz`, where `corpus/` and `regressions/` are.
pub fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The inputs in `dir`, by name: a file is a one-part input, a directory an input of the
/// files in it. An absent directory has none.
pub fn load(dir: &Path) -> Vec<Input> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
    paths.sort();
    let name = |p: &Path| {
        p.file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned()
    };
    let read = |p: &Path| std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    paths
        .iter()
        .filter(|p| !name(p).starts_with('.') && name(p) != "README.md")
        .map(|p| {
            let parts = if p.is_dir() {
                let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                    .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
                    .filter_map(|e| Some(e.ok()?.path()))
                    .collect();
                files.sort();
                files
                    .iter()
                    .map(|f| Part {
                        name: name(f),
                        bytes: read(f),
                    })
                    .collect()
            } else {
                vec![Part {
                    name: name(p),
                    bytes: read(p),
                }]
            };
            Input {
                label: name(p),
                parts,
            }
        })
        .collect()
}

/// Saves an input that crashed `target` under `COLLIS_FUZZ_CRASHES` (default
/// `<temp>/collis-fuzz-crashes`)`/<target>/`, as a file for one part or a directory for
/// several (the layout of `regressions/`, where a file keeps its input's name before a
/// `-crash-…` suffix); returns where, or why it could not.
pub fn save_crash(target: &str, input: &Input) -> String {
    let root = std::env::var_os("COLLIS_FUZZ_CRASHES")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("collis-fuzz-crashes"));
    let id = format!("crash-{:016x}", input.digest());
    let dir = root.join(target);
    let saved = match input.parts.as_slice() {
        [one] => {
            // Named after the input (`injections-crash-….csv`): some targets read the format
            // or the table from the name.
            let name = Path::new(&one.name);
            let stem = name.file_stem().unwrap_or_default().to_string_lossy();
            let ext = name
                .extension()
                .map(|e| format!(".{}", e.to_string_lossy()))
                .unwrap_or_default();
            let path = dir.join(format!("{stem}-{id}{ext}"));
            std::fs::create_dir_all(&dir)
                .and_then(|()| std::fs::write(&path, &one.bytes))
                .map(|()| path)
        }
        _ => input.write_dir(&dir.join(&id)),
    };
    match saved {
        Ok(p) => p.display().to_string(),
        Err(e) => format!("(not saved: {}: {e})", dir.display()),
    }
}

/// `COLLIS_FUZZ_SECONDS`: time given to each target (default 1 s).
pub fn budget() -> Duration {
    let s = std::env::var("COLLIS_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .unwrap_or(1.0);
    Duration::from_secs_f64(s)
}

/// `COLLIS_FUZZ_SEED`, else one from the clock.
pub fn seed() -> u64 {
    std::env::var("COLLIS_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        })
}

/// What a target says of one input: accepted, or refused with this typed error.
pub type Outcome = Result<(), String>;

/// A reader family under test: see the crate documentation.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// Names `corpus/<name>/` and `regressions/<name>/`.
    pub name: &'static str,
    /// The target's own tokens for the mutations (field names, keywords).
    pub tokens: &'static [&'static [u8]],
}

/// How an input ended, besides its outcome.
enum Failure {
    Panic(String),
    Memory(usize),
}

impl Target {
    pub fn corpus(&self) -> Vec<Input> {
        load(&crate_dir().join("corpus").join(self.name))
    }

    pub fn regressions(&self) -> Vec<Input> {
        load(&crate_dir().join("regressions").join(self.name))
    }

    /// Runs `run` on one input under the watchdog; a panic or too much memory is a failure.
    fn one(
        &self,
        dog: &guard::Watchdog,
        run: &impl Fn(&Input) -> Outcome,
        input: Arc<Input>,
        what: String,
    ) -> Result<Outcome, Failure> {
        dog.begin(input.clone(), what);
        let base = guard::reset_peak();
        let outcome = catch_unwind(AssertUnwindSafe(|| run(&input)));
        let peak = guard::peak_above(base);
        dog.end();
        match outcome {
            Err(p) => Err(Failure::Panic(
                p.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "(no message)".into()),
            )),
            Ok(_) if peak > guard::MAX_INPUT_BYTES => Err(Failure::Memory(peak)),
            Ok(o) => Ok(o),
        }
    }

    fn fail(&self, input: &Input, what: &str, f: Failure) -> ! {
        let saved = save_crash(self.name, input);
        let why = match f {
            Failure::Panic(m) => format!("panicked: {m}"),
            Failure::Memory(b) => format!(
                "allocated {} MiB at once for an input of {} bytes (limit {} MiB)",
                b >> 20,
                input.len(),
                guard::MAX_INPUT_BYTES >> 20
            ),
        };
        let first = input
            .parts
            .first()
            .map(|p| &p.bytes[..p.bytes.len().min(300)]);
        panic!(
            "fuzz {}: {what} {why}\n  input saved as {saved} (after fixing, copy it to \
             crates/fuzz/regressions/{}/)\n  its first bytes: {:?}",
            self.name,
            self.name,
            String::from_utf8_lossy(first.unwrap_or_default())
        );
    }

    /// Every seed must be accepted (else the corpus tests nothing), every regression must be
    /// read without panic, hang or runaway allocation.
    pub fn replay(&self, run: impl Fn(&Input) -> Outcome) {
        let dog = guard::Watchdog::start(self.name);
        let seeds = self.corpus();
        assert!(!seeds.is_empty(), "corpus/{} is empty", self.name);
        for s in seeds {
            let s = Arc::new(s);
            let what = format!("seed {}", s.label);
            match self.one(&dog, &run, s.clone(), what.clone()) {
                Ok(Ok(())) => {}
                Ok(Err(e)) => panic!("fuzz {}: {what} is refused: {e}", self.name),
                Err(f) => self.fail(&s, &what, f),
            }
        }
        let regressions = self.regressions();
        for r in &regressions {
            let r = Arc::new(r.clone());
            let what = format!("regression {}", r.label);
            let outcome = self.one(&dog, &run, r.clone(), what.clone());
            match outcome {
                Ok(o) => eprintln!(
                    "fuzz {}: {what}: {}",
                    self.name,
                    o.err().unwrap_or_else(|| "accepted".into())
                ),
                Err(f) => self.fail(&r, &what, f),
            }
        }
    }

    /// Mutated seeds for the time budget; see the crate documentation.
    pub fn fuzz(&self, run: impl Fn(&Input) -> Outcome) {
        let mut seeds = self.corpus();
        assert!(!seeds.is_empty(), "corpus/{} is empty", self.name);
        // Past crashes are mutated too: their neighbourhood is where readers were weak.
        seeds.extend(self.regressions());
        let seed = seed();
        eprintln!(
            "fuzz {}: seed {seed} (COLLIS_FUZZ_SEED={seed} replays this run)",
            self.name
        );
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let dog = guard::Watchdog::start(self.name);
        let start = Instant::now();
        let end = start + budget();
        let (mut tried, mut accepted) = (0u64, 0u64);
        let mut slowest = (Duration::ZERO, String::new());
        while Instant::now() < end || tried == 0 {
            let input = Arc::new(self.mutant(&mut rng, &seeds));
            let what = format!("input {tried} of seed {seed} (from {})", input.label);
            let t = Instant::now();
            match self.one(&dog, &run, input.clone(), what.clone()) {
                Ok(o) => accepted += u64::from(o.is_ok()),
                Err(f) => self.fail(&input, &what, f),
            }
            if t.elapsed() > slowest.0 {
                slowest = (t.elapsed(), what);
            }
            tried += 1;
        }
        eprintln!(
            "fuzz {}: {tried} inputs in {:.1} s, {accepted} accepted, the others refused with \
             a typed error; no panic, hang or runaway allocation; slowest {:.0} ms ({})",
            self.name,
            start.elapsed().as_secs_f64(),
            slowest.0.as_secs_f64() * 1e3,
            slowest.1
        );
    }

    /// A mutated seed: one part mutated (chosen with a weight growing as the square root of its
    /// size: the large parts hold the data, the small ones — a header, a query — the parsing),
    /// with a chunk of the same part of another seed to splice; sometimes a part dropped.
    fn mutant(&self, rng: &mut ChaCha8Rng, seeds: &[Input]) -> Input {
        let mut input = seeds[rng.random_range(0..seeds.len())].clone();
        let donor = &seeds[rng.random_range(0..seeds.len())];
        if input.parts.len() > 1 && rng.random_bool(0.03) {
            let k = rng.random_range(0..input.parts.len());
            input.parts.remove(k);
            return input;
        }
        let weight = |p: &Part| (p.bytes.len() as f64).sqrt() as usize + 8;
        let total: usize = input.parts.iter().map(weight).sum();
        let mut pick = rng.random_range(0..total);
        let k = input
            .parts
            .iter()
            .position(|p| {
                let w = weight(p);
                if pick < w {
                    true
                } else {
                    pick -= w;
                    false
                }
            })
            .unwrap_or(0);
        let part = &mut input.parts[k];
        let from = donor
            .part(&part.name)
            .or_else(|| donor.parts.first().map(|p| p.bytes.as_slice()))
            .unwrap_or_default();
        part.bytes = mutate::mutate(rng, &part.bytes, self.tokens, from);
        input
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(text: &str) -> Arc<Input> {
        Arc::new(Input {
            label: "test".into(),
            parts: vec![Part {
                name: "x.csv".into(),
                bytes: text.as_bytes().to_vec(),
            }],
        })
    }

    const T: Target = Target {
        name: "selftest",
        tokens: &[],
    };

    #[test]
    fn outcomes_panics_and_memory_are_told_apart() {
        let dog = guard::Watchdog::start(T.name);
        let run = |i: &Input| -> Outcome {
            match i.part("x.csv") {
                Some(b"ok") => Ok(()),
                Some(b"refused") => Err("line 1: bad".into()),
                Some(b"big") => {
                    let v = vec![1u8; guard::MAX_INPUT_BYTES + (1 << 20)];
                    std::hint::black_box(&v);
                    Ok(())
                }
                _ => panic!("reader bug"),
            }
        };
        let one = |text: &str| T.one(&dog, &run, input(text), text.into());
        assert!(matches!(one("ok"), Ok(Ok(()))));
        assert!(matches!(one("refused"), Ok(Err(e)) if e == "line 1: bad"));
        // The expected panic, without its message and backtrace on standard error.
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let panicked = one("panic");
        std::panic::set_hook(hook);
        assert!(matches!(panicked, Err(Failure::Panic(m)) if m == "reader bug"));
        assert!(matches!(one("big"), Err(Failure::Memory(b)) if b > guard::MAX_INPUT_BYTES));
        // What was freed before the next input does not count against it.
        assert!(matches!(one("ok"), Ok(Ok(()))));
    }

    #[test]
    fn inputs_vary_per_content_and_save_like_regressions() {
        let (a, b) = (input("a"), input("b"));
        assert_eq!(a.variant(1000), input("a").variant(1000));
        assert!((0..50).any(|k| input(&k.to_string()).variant(2) != a.variant(2)));
        assert_ne!(a.variant(u64::MAX), b.variant(u64::MAX));
        let dir = tempfile::tempdir().unwrap();
        std::env::set_var("COLLIS_FUZZ_CRASHES", dir.path());
        let saved = PathBuf::from(save_crash("selftest", &a));
        assert!(saved.starts_with(dir.path().join("selftest")), "{saved:?}");
        let name = saved.file_name().unwrap().to_string_lossy();
        assert!(
            name.starts_with("x-crash-") && name.ends_with(".csv"),
            "{name}"
        );
        let loaded = load(saved.parent().unwrap());
        assert_eq!(loaded.len(), 1);
        assert_eq!(loaded[0].parts[0].bytes, a.parts[0].bytes);
    }
}
