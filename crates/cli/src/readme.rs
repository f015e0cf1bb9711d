//! Keeps generated figures in README.md: replaces the text between
//! `<!-- NAME:start -->` and `<!-- NAME:end -->` with a command's output.

use anyhow::{Context, Result};
use std::path::Path;

pub fn replace_section(path: &Path, name: &str, content: &str) -> Result<()> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let (start, end) = (
        format!("<!-- {name}:start -->"),
        format!("<!-- {name}:end -->"),
    );
    let (Some(a), Some(b)) = (text.find(&start), text.find(&end)) else {
        anyhow::bail!("{}: no '{start}' … '{end}' markers", path.display());
    };
    if b < a {
        anyhow::bail!("{}: '{end}' comes before '{start}'", path.display());
    }
    let updated = format!(
        "{}{start}\n{}\n{}",
        &text[..a],
        content.trim_end(),
        &text[b..]
    );
    crate::fsutil::write_atomic(path, updated.as_bytes())
        .with_context(|| format!("writing {}", path.display()))
}
