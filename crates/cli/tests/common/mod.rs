//! Helpers shared by the end-to-end tests: run the `collis` binary, read its output.

use std::path::Path;
use std::process::{Command, Output};

pub fn collis(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_collis"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("collis runs")
}

/// Standard output and error together.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}
