//! The model files: where they come from (registry packages only), where they are cached, how
//! they are checked (SHA-256), and loading them offline.
//!
//! - Face detector (short range) and 468-point face mesh: PyPI `mediapipe==0.10.21` wheel
//!   (Apache-2.0), fetched with `python3 -m pip download` — an ordinary registry client.
//! - Canonical face + Procrustes landmark weights (`geometry_pipeline_metadata_landmarks.binarypb`):
//!   npm `@mediapipe/face_mesh@0.4.1657299874` (Apache-2.0), fetched with `npm pack`; the file is
//!   packed inside `face_mesh_solution_packed_assets.data` at a byte range given by the package's
//!   `face_mesh_solution_packed_assets_loader.js`.
//!
//! Directory resolution: `--models DIR`, else `$COLLIS_MODELS`, else `<user cache>/collis/models`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

use crate::canonical::CanonicalFace;
use crate::VisionError;

/// Environment variable naming the models directory.
pub const MODELS_ENV: &str = "COLLIS_MODELS";

/// PyPI package and version that ship the model files.
pub const MEDIAPIPE_PYPI: &str = "mediapipe==0.10.21";
/// npm package that ships the canonical face geometry.
pub const FACE_MESH_NPM: &str = "@mediapipe/face_mesh@0.4.1657299874";

/// One file of the model set.
#[derive(Debug, Clone, Copy)]
pub struct ModelFile {
    /// File name inside the models directory.
    pub name: &'static str,
    /// Expected SHA-256 (hex).
    pub sha256: &'static str,
    /// What it is.
    pub role: &'static str,
}

/// Face detector: 128×128 RGB in [-1, 1] → 896 boxes + 6 keypoints, 896 logits.
pub const DETECTOR: ModelFile = ModelFile {
    name: "face_detection_short_range.tflite",
    sha256: "bbff11cebd1eb27a1e004cae0b0e63ec8c551cbf34a4451148b4908b8db3eca8",
    role: "face detector (short range), mediapipe 0.10.21",
};
/// Face mesh: 192×192 RGB in [0, 1] → 468 × (x, y, z) crop pixels, presence logit.
pub const MESH: ModelFile = ModelFile {
    name: "face_landmark.tflite",
    sha256: "1055cb9d4a9ca8b8c688902a3a5194311138ba256bcc94e336d8373a5f30c814",
    role: "468-point face mesh (fp16), mediapipe 0.10.21",
};
/// Canonical face geometry and the 33 Procrustes weights.
pub const GEOMETRY: ModelFile = ModelFile {
    name: "geometry_pipeline_metadata_landmarks.binarypb",
    sha256: "bdbcda96dfcb7da883da124aaa2c55dee49770d934f0fcc71747f8c21bdc75b4",
    role: "canonical face + Procrustes weights, @mediapipe/face_mesh 0.4.1657299874",
};
/// All files, in fetch order.
pub const FILES: [ModelFile; 3] = [DETECTOR, MESH, GEOMETRY];

const WHEEL_PATHS: [(&str, &str); 3] = [
    (
        "mediapipe/modules/face_detection/face_detection_short_range.tflite",
        DETECTOR.name,
    ),
    (
        "mediapipe/modules/face_landmark/face_landmark.tflite",
        MESH.name,
    ),
    (
        "mediapipe-0.10.21.dist-info/LICENSE",
        "LICENSE-mediapipe.txt",
    ),
];
/// Byte range of the geometry file inside the npm package's packed assets.
const PACKED_ASSETS: &str = "package/face_mesh_solution_packed_assets.data";
const GEOMETRY_RANGE: std::ops::Range<usize> = 3_737_848..3_757_224;

/// Attribution notice written next to the models and printed by `collis models status`.
pub const NOTICE: &str = "\
The face detector, face mesh and canonical face geometry are MediaPipe models by Google LLC,
licensed under the Apache License, Version 2.0 (see LICENSE-mediapipe.txt in this directory,
copied from the mediapipe 0.10.21 wheel). They are used unmodified; Collis runs them with its own
TFLite importer on tract.";

/// The default models directory: `$COLLIS_MODELS`, else `<user cache>/collis/models`.
pub fn default_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os(MODELS_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(cache.join("collis").join("models"))
}

/// Resolves an explicit directory or the default one.
pub fn resolve_dir(explicit: Option<&Path>) -> Result<PathBuf, VisionError> {
    explicit
        .map(Path::to_path_buf)
        .or_else(default_dir)
        .ok_or_else(|| VisionError::Models {
            dir: PathBuf::new(),
            reason: format!("no models directory: pass --models DIR or set {MODELS_ENV}"),
        })
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// State of one model file in a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileState {
    Ok,
    Missing,
    WrongChecksum(String),
}

/// Checks every file of the model set in `dir`.
pub fn status(dir: &Path) -> Vec<(ModelFile, FileState)> {
    FILES
        .iter()
        .map(|f| {
            let state = match std::fs::read(dir.join(f.name)) {
                Err(_) => FileState::Missing,
                Ok(bytes) => {
                    let got = sha256_hex(&bytes);
                    if got == f.sha256 {
                        FileState::Ok
                    } else {
                        FileState::WrongChecksum(got)
                    }
                }
            };
            (*f, state)
        })
        .collect()
}

/// Reads one model file, verifying its checksum.
fn read_verified(dir: &Path, f: &ModelFile) -> Result<Vec<u8>, VisionError> {
    let path = dir.join(f.name);
    let bytes = std::fs::read(&path).map_err(|e| VisionError::Models {
        dir: dir.to_path_buf(),
        reason: format!("{}: {e} (run `collis models fetch`)", f.name),
    })?;
    let got = sha256_hex(&bytes);
    if got != f.sha256 {
        return Err(VisionError::Models {
            dir: dir.to_path_buf(),
            reason: format!(
                "{}: SHA-256 {got} does not match the expected {} (re-run `collis models fetch`)",
                f.name, f.sha256
            ),
        });
    }
    Ok(bytes)
}

/// The verified model bytes and decoded canonical face.
#[derive(Debug, Clone)]
pub struct ModelFiles {
    pub detector: Vec<u8>,
    pub mesh: Vec<u8>,
    pub canonical: CanonicalFace,
}

/// Loads and verifies the model set from `dir` (offline).
pub fn load(dir: &Path) -> Result<ModelFiles, VisionError> {
    let detector = read_verified(dir, &DETECTOR)?;
    let mesh = read_verified(dir, &MESH)?;
    let geometry = read_verified(dir, &GEOMETRY)?;
    let canonical =
        CanonicalFace::from_metadata(&geometry).map_err(|reason| VisionError::Models {
            dir: dir.to_path_buf(),
            reason: format!("{}: {reason}", GEOMETRY.name),
        })?;
    Ok(ModelFiles {
        detector,
        mesh,
        canonical,
    })
}

fn run_tool(cmd: &mut Command, what: &str) -> Result<(), VisionError> {
    let out = cmd
        .output()
        .map_err(|e| VisionError::Fetch(format!("{what}: {e}")))?;
    if !out.status.success() {
        return Err(VisionError::Fetch(format!(
            "{what} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(())
}

fn find_file(dir: &Path, prefix: &str, suffix: &str) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix) && n.ends_with(suffix))
        })
}

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), VisionError> {
    let tmp = dir.join(format!(".{name}.part"));
    std::fs::write(&tmp, bytes)
        .and_then(|_| std::fs::rename(&tmp, dir.join(name)))
        .map_err(|e| VisionError::Fetch(format!("writing {}: {e}", dir.join(name).display())))
}

/// Downloads (cached) the registry packages into `dir/downloads`, extracts and verifies the
/// model files into `dir`. Files already present with the right checksum are kept.
/// `log` receives one line per step.
pub fn fetch(dir: &Path, mut log: impl FnMut(&str)) -> Result<(), VisionError> {
    if status(dir).iter().all(|(_, s)| *s == FileState::Ok) {
        log("all model files present and verified");
        return Ok(());
    }
    let downloads = dir.join("downloads");
    std::fs::create_dir_all(&downloads)
        .map_err(|e| VisionError::Fetch(format!("creating {}: {e}", downloads.display())))?;

    let wheel = match find_file(&downloads, "mediapipe-0.10.21-", ".whl") {
        Some(w) => w,
        None => {
            log(&format!("pip download {MEDIAPIPE_PYPI} (≈36 MB, PyPI)"));
            run_tool(
                Command::new("python3")
                    .args(["-m", "pip", "download", MEDIAPIPE_PYPI, "--no-deps"])
                    .args(["--only-binary=:all:", "--quiet", "-d"])
                    .arg(&downloads)
                    // One fixed wheel whatever the local Python (the model files are the same
                    // in every wheel of the release; this one is known).
                    .args(["--python-version", "3.11", "--implementation", "cp"])
                    .args(["--platform", "manylinux_2_28_x86_64"]),
                "python3 -m pip download",
            )?;
            find_file(&downloads, "mediapipe-0.10.21-", ".whl")
                .ok_or_else(|| VisionError::Fetch("pip left no mediapipe wheel".into()))?
        }
    };
    let file = std::fs::File::open(&wheel)
        .map_err(|e| VisionError::Fetch(format!("{}: {e}", wheel.display())))?;
    let mut zip = zip::ZipArchive::new(file)
        .map_err(|e| VisionError::Fetch(format!("{}: {e}", wheel.display())))?;
    for (inner, name) in WHEEL_PATHS {
        let mut entry = zip
            .by_name(inner)
            .map_err(|e| VisionError::Fetch(format!("{}: {inner}: {e}", wheel.display())))?;
        let mut bytes = Vec::new();
        entry
            .read_to_end(&mut bytes)
            .map_err(|e| VisionError::Fetch(format!("{}: {inner}: {e}", wheel.display())))?;
        write_file(dir, name, &bytes)?;
    }

    let tgz = match find_file(&downloads, "mediapipe-face_mesh-0.4.1657299874", ".tgz") {
        Some(t) => t,
        None => {
            log(&format!("npm pack {FACE_MESH_NPM} (≈7 MB, npm)"));
            run_tool(
                Command::new("npm")
                    .args(["pack", FACE_MESH_NPM, "--silent", "--pack-destination"])
                    .arg(&downloads),
                "npm pack",
            )?;
            find_file(&downloads, "mediapipe-face_mesh-0.4.1657299874", ".tgz")
                .ok_or_else(|| VisionError::Fetch("npm left no face_mesh tarball".into()))?
        }
    };
    let file = std::fs::File::open(&tgz)
        .map_err(|e| VisionError::Fetch(format!("{}: {e}", tgz.display())))?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut geometry = None;
    let entries = archive
        .entries()
        .map_err(|e| VisionError::Fetch(format!("{}: {e}", tgz.display())))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| VisionError::Fetch(format!("{}: {e}", tgz.display())))?;
        let is_assets = entry
            .path()
            .map(|p| p == Path::new(PACKED_ASSETS))
            .unwrap_or(false);
        if is_assets {
            let mut bytes = Vec::new();
            entry
                .read_to_end(&mut bytes)
                .map_err(|e| VisionError::Fetch(format!("{}: {e}", tgz.display())))?;
            geometry = bytes.get(GEOMETRY_RANGE).map(<[u8]>::to_vec);
            break;
        }
    }
    let geometry = geometry.ok_or_else(|| {
        VisionError::Fetch(format!(
            "{}: {PACKED_ASSETS} missing or shorter than {} bytes",
            tgz.display(),
            GEOMETRY_RANGE.end
        ))
    })?;
    write_file(dir, GEOMETRY.name, &geometry)?;
    write_file(dir, "NOTICE.txt", NOTICE.as_bytes())?;

    for (f, state) in status(dir) {
        match state {
            FileState::Ok => log(&format!("verified {} ({})", f.name, f.role)),
            FileState::Missing => {
                return Err(VisionError::Fetch(format!("{} was not extracted", f.name)))
            }
            FileState::WrongChecksum(got) => {
                return Err(VisionError::Fetch(format!(
                    "{}: SHA-256 {got}, expected {}",
                    f.name, f.sha256
                )))
            }
        }
    }
    Ok(())
}
