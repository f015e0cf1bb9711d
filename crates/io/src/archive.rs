//! Members of a zip archive as independent, owned streams. The `zip` crate's member readers
//! borrow the archive one at a time; a Sensor Logger export needs its CSV files read side by
//! side. So the central directory is read once (with `zip`), and each member is then opened
//! on its own file handle at its data offset, inflated with `flate2` when deflated.

use crate::error::ImportError;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use zip::CompressionMethod;

/// One stored or deflated member of an archive.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    archive: PathBuf,
    name: String,
    data_start: u64,
    compressed_size: u64,
    deflated: bool,
}

impl Member {
    /// Name inside the archive (may include folders).
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// `archive.zip/name`, for messages.
    pub(crate) fn path(&self) -> PathBuf {
        self.archive.join(&self.name)
    }

    pub(crate) fn open(&self) -> Result<Box<dyn Read + Send>, ImportError> {
        let io = |e| ImportError::io(&self.path(), "cannot read", e);
        let mut file = File::open(&self.archive).map_err(io)?;
        file.seek(SeekFrom::Start(self.data_start)).map_err(io)?;
        let data = file.take(self.compressed_size);
        Ok(if self.deflated {
            Box::new(flate2::read::DeflateDecoder::new(data))
        } else {
            Box::new(data)
        })
    }
}

/// The members whose base name `wanted` accepts, and the names of all the others.
pub(crate) fn members(
    path: &Path,
    wanted: impl Fn(&str) -> bool,
) -> Result<(Vec<Member>, Vec<String>), ImportError> {
    let file = File::open(path).map_err(|e| ImportError::io(path, "cannot open", e))?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file))
        .map_err(|e| ImportError::new(path, format!("not a readable zip archive ({e})")))?;
    let mut found = Vec::new();
    let mut others = Vec::new();
    for i in 0..zip.len() {
        let Some(name) = zip.name_for_index(i).map(str::to_string) else {
            continue;
        };
        if name.starts_with("__MACOSX/") || name.ends_with('/') {
            continue;
        }
        if !wanted(base_name(&name)) {
            others.push(name);
            continue;
        }
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| ImportError::new(path, format!("damaged zip member '{name}' ({e})")))?;
        let member_path = path.join(entry.name());
        if entry.encrypted() {
            return Err(ImportError::new(
                &member_path,
                "encrypted zip member: not supported",
            ));
        }
        let deflated = match entry.compression() {
            CompressionMethod::Stored => false,
            CompressionMethod::Deflated => true,
            other => {
                return Err(ImportError::new(
                    &member_path,
                    format!(
                        "compressed with {other}: only stored or deflated members are supported"
                    ),
                ))
            }
        };
        found.push(Member {
            archive: path.to_path_buf(),
            name: entry.name().to_string(),
            data_start: entry.data_start(),
            compressed_size: entry.compressed_size(),
            deflated,
        });
    }
    Ok((found, others))
}

/// The part of a member name after its last `/`.
pub(crate) fn base_name(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}
