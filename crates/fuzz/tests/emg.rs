//! Fuzzing of the surface-EMG readers through [`collis_io::emg::open_emg`] (format detected
//! from the name and first bytes, as `collis analyze FILE` and `--emg FILE` do), on files in a
//! temporary directory:
//! - `emg-edf`: EDF, EDF+C, BDF and BDF+C (the seeds were written by
//!   `crates/io/tests/io/emg_files.rs`, byte by byte from the specification);
//! - `emg-wfdb`: a WFDB header and its signal file, formats 16 and 212;
//! - `emg-text`: CSV with a time column, OpenSignals text, bare tab-separated numbers.
//!
//! A reader that opens is read to its end, block by block.

use collis_fuzz::{Input, Outcome, Target};
use collis_io::emg::{open_emg, EmgOptions};
use std::path::Path;

const EDF: Target = Target {
    name: "emg-edf",
    tokens: &[
        b"EDF+C", b"EDF+D", b"BDF+C", b"24BIT", b"BIOSEMI", b"\x14", b"\x15", b"\xff",
    ],
};
const WFDB: Target = Target {
    name: "emg-wfdb",
    tokens: &[b"212", b"16", b"emg.dat", b"(10)", b"/mV", b"1000", b" "],
};
const TEXT: Target = Target {
    name: "emg-text",
    tokens: &[
        b"# Sampling Rate (Hz):= ",
        b"# Resolution:= ",
        b"# Labels:= ",
        b"time_s",
        b"[uV]",
        b"[mV]",
    ],
};

/// Writes the input into `dir`, opens its first EDF/WFDB header/text part and reads it whole.
fn read_emg(dir: &Path) -> impl Fn(&Input) -> Outcome + '_ {
    move |input| {
        let dir = input.write_dir(&dir.join("emg")).expect("temporary dir");
        let main = input
            .part_ending(".hea")
            .or(input.parts.first())
            .map_or("none", |p| p.name.as_str());
        let path = dir.join(main);
        let opts = EmgOptions {
            rate_hz: (input.variant(2) == 0).then_some(1000.0),
        };
        let mut r = open_emg(&path, &opts).map_err(|e| e.to_string())?;
        let _ = r.info().clone();
        let mut block = Vec::new();
        let mut blocks = 0usize;
        while r.read_block(&mut block).map_err(|e| e.to_string())? {
            blocks += 1;
            assert!(
                blocks <= input.len() + 1,
                "{blocks} blocks from {} bytes",
                input.len()
            );
        }
        let _ = (r.annotations().len(), r.warnings().len());
        Ok(())
    }
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}

#[test]
fn replay_edf_and_bdf() {
    let d = tmp();
    EDF.replay(read_emg(d.path()));
}

#[test]
fn fuzz_edf_and_bdf() {
    let d = tmp();
    EDF.fuzz(read_emg(d.path()));
}

#[test]
fn replay_wfdb() {
    let d = tmp();
    WFDB.replay(read_emg(d.path()));
}

#[test]
fn fuzz_wfdb() {
    let d = tmp();
    WFDB.fuzz(read_emg(d.path()));
}

#[test]
fn replay_text() {
    let d = tmp();
    TEXT.replay(read_emg(d.path()));
}

#[test]
fn fuzz_text() {
    let d = tmp();
    TEXT.fuzz(read_emg(d.path()));
}
