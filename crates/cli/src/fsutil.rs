//! Writing files so that a crash never leaves a half-written result behind, nor a result
//! written over its own input.

use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// Refuse to write `output` when it is the file `input` (also through a symbolic or hard
/// link: the same device and inode): the output is created before the input is read to its
/// end, so it would destroy the recording.
pub fn refuse_same_file(input: &Path, output: &Path) -> anyhow::Result<()> {
    if let (Ok(i), Ok(o)) = (std::fs::metadata(input), std::fs::metadata(output)) {
        if (i.dev(), i.ino()) == (o.dev(), o.ino()) {
            anyhow::bail!(
                "{} is the input {} itself: write the output to another file",
                output.display(),
                input.display()
            );
        }
    }
    Ok(())
}

/// Write `bytes` to `path`. A regular file (or a new one) is written to a temporary file
/// beside it, flushed to disk and renamed over `path` (atomic on POSIX file systems). Anything
/// else — `/dev/null`, `/dev/stdout`, a FIFO — is written in place: renaming over it would
/// replace the device with a regular file (this happened to `/dev/null` here once).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => return std::fs::write(path, bytes),
        _ => {}
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::FileTypeExt;

    #[test]
    fn the_input_is_never_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let (input, other) = (dir.path().join("in.csv"), dir.path().join("out.csv"));
        std::fs::write(&input, "data").unwrap();
        assert!(refuse_same_file(&input, &other).is_ok(), "a new file");
        std::fs::write(&other, "old").unwrap();
        assert!(refuse_same_file(&input, &other).is_ok(), "another file");
        let (soft, hard) = (dir.path().join("soft.csv"), dir.path().join("hard.csv"));
        std::os::unix::fs::symlink(&input, &soft).unwrap();
        std::fs::hard_link(&input, &hard).unwrap();
        let dotted = dir.path().join(".").join("in.csv");
        for same in [&input, &soft, &hard, &dotted] {
            let e = refuse_same_file(&input, same).unwrap_err().to_string();
            assert!(e.contains("is the input"), "{e}");
        }
    }

    #[test]
    fn replaces_regular_files_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.json");
        std::fs::write(&p, "old").unwrap();
        write_atomic(&p, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }

    #[test]
    fn writes_into_special_files_without_replacing_them() {
        use std::io::Read;
        use std::os::unix::fs::OpenOptionsExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path and mode.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        // The reading end, opened first and without blocking, so that the write can open.
        let mut reader = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&fifo)
            .unwrap();
        write_atomic(&fifo, b"through the pipe").unwrap();
        let kind = std::fs::metadata(&fifo).unwrap().file_type();
        assert!(kind.is_fifo(), "the FIFO must still be a FIFO");
        let mut got = Vec::new();
        reader.read_to_end(&mut got).unwrap();
        assert_eq!(got, b"through the pipe");
    }
}
