//! How long anonymous live recordings are kept. A live session without a subject is stored in
//! no one's record: its raw file (`RECORDINGS/anonymous/…`) is the only trace, and an
//! unattributed health recording should not pile up on a clinic computer. Such files are
//! deleted once they were last written more than the configured time ago
//! (`collis serve --keep-anonymous DAYS`, by default [`DEFAULT_KEEP_ANONYMOUS_DAYS`]): when the
//! server starts, then periodically while it runs. Recordings of a subject are never deleted
//! here (they back the sessions of the record).

use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The directory, under the recordings directory, of live sessions without a subject.
pub const ANONYMOUS_DIR: &str = "anonymous";
/// Default days an anonymous live recording is kept: long enough to add a session recorded
/// without choosing the patient to the record (`collis record add CODE FILE`) at the next
/// working days, short enough that unattributed recordings do not accumulate.
pub const DEFAULT_KEEP_ANONYMOUS_DAYS: u32 = 30;
/// The longest pause between two sweeps.
const MAX_SWEEP_INTERVAL: Duration = Duration::from_secs(3600);

/// Where the anonymous live recordings under `recordings` are.
pub fn anonymous_dir(recordings: &Path) -> PathBuf {
    recordings.join(ANONYMOUS_DIR)
}

/// Deletes the files directly in `dir` last written more than `keep` ago (links and
/// directories are left alone); how many were deleted. A missing `dir` has nothing to delete.
pub fn sweep(dir: &Path, keep: Duration) -> io::Result<usize> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let now = SystemTime::now();
    let mut deleted = 0;
    let mut first_error = None;
    for entry in entries {
        let outcome = entry.and_then(|e| {
            // Not followed: a link is not a recording this server wrote.
            let meta = e.metadata()?;
            let old = meta
                .modified()
                .ok()
                .and_then(|m| now.duration_since(m).ok())
                .is_some_and(|age| age > keep);
            if meta.is_file() && old {
                std::fs::remove_file(e.path())?;
                deleted += 1;
            }
            Ok(())
        });
        if let Err(e) = outcome {
            first_error.get_or_insert(e);
        }
    }
    match first_error {
        Some(e) => Err(io::Error::new(
            e.kind(),
            format!(
                "deleting old anonymous recordings in {}: {e}",
                dir.display()
            ),
        )),
        None => Ok(deleted),
    }
}

/// Sweeps `dir` every `keep / 4` (at most hourly) until the server stops; the sweep at start
/// is the caller's ([`crate::bind`] refuses to start when it fails).
pub async fn run(dir: PathBuf, keep: Duration) {
    let every = (keep / 4).clamp(Duration::from_millis(100), MAX_SWEEP_INTERVAL);
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    loop {
        tick.tick().await;
        let (d, k) = (dir.clone(), keep);
        if let Ok(Err(e)) = tokio::task::spawn_blocking(move || sweep(&d, k)).await {
            eprintln!("collis serve: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_old_files_are_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("old.csv");
        let new = dir.path().join("new.csv");
        std::fs::write(&old, "x").unwrap();
        std::fs::write(&new, "x").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&old)
            .unwrap()
            .set_modified(SystemTime::now() - Duration::from_secs(3 * 86400))
            .unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        assert_eq!(sweep(dir.path(), Duration::from_secs(86400)).unwrap(), 1);
        assert!(!old.exists() && new.exists() && dir.path().join("sub").is_dir());
        assert_eq!(
            sweep(&dir.path().join("missing"), Duration::ZERO).unwrap(),
            0
        );
    }
}
