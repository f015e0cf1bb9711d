//! Running the `collis` binary from the integration tests.

use std::path::Path;
use std::process::{Command, Output};

/// Runs `collis ARGS` in `cwd`.
pub fn collis(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_collis"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("collis runs")
}

/// Standard output and standard error together.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}
