//! OpenFace 2 CSV import: files written the way FeatureExtraction writes them (", " between
//! fields, names with a leading space, many unused columns), known clinical angles read back,
//! each axis sign from the physical direction of the nose / right ear, gaps, and an
//! `ImportError` naming file, line and field for every malformed input.

use super::common::write;
use collis_core::camera::rotation_of;
use collis_core::HeadAngles;
use collis_io::openface::{
    is_openface, openface_from_rotation, openface_matrix, OpenFaceFrame, OpenFaceReader,
    MIN_CONFIDENCE,
};
use collis_io::ImportError;
use nalgebra::Vector3;
use std::path::Path;

const HEADER: &str = "frame, face_id, timestamp, confidence, success, gaze_0_x, gaze_0_y, \
                      gaze_0_z, pose_Tx, pose_Ty, pose_Tz, pose_Rx, pose_Ry, pose_Rz, AU01_r, AU45_c";

/// One data row as OpenFace writes it (pose with 6 decimals: OpenFace itself writes fewer,
/// e.g. `0.017`, ≈ 0.06°, too coarse to check the conversion to 0.01°).
fn row(frame: usize, t: f64, conf: f64, success: u8, r: [f64; 3]) -> String {
    format!(
        "{frame}, 0, {t:.3}, {conf:.2}, {success}, 0.05, 0.12, -0.99, 12.5, 30.1, 480.2, \
         {:.6}, {:.6}, {:.6}, 0.31, 0\n",
        r[0], r[1], r[2]
    )
}

fn csv(rows: &[(f64, f64, u8, [f64; 3])]) -> String {
    let mut s = format!("{HEADER}\n");
    for (i, &(t, c, ok, r)) in rows.iter().enumerate() {
        s.push_str(&row(i + 1, t, c, ok, r));
    }
    s
}

fn read_all(path: &Path) -> Vec<OpenFaceFrame> {
    let mut r = OpenFaceReader::open(path, MIN_CONFIDENCE).unwrap_or_else(|e| panic!("{e}"));
    let mut out = Vec::new();
    while let Some(f) = r.next_frame().unwrap_or_else(|e| panic!("{e}")) {
        out.push(f);
    }
    out
}

fn error(path: &Path) -> ImportError {
    let mut r = match OpenFaceReader::open(path, MIN_CONFIDENCE) {
        Ok(r) => r,
        Err(e) => return e,
    };
    loop {
        match r.next_frame() {
            Ok(Some(_)) => {}
            Ok(None) => panic!("{} read without an error", path.display()),
            Err(e) => return e,
        }
    }
}

fn angles(rotation: f64, tilt: f64, flexion: f64) -> HeadAngles {
    HeadAngles {
        rotation_deg: rotation,
        tilt_deg: tilt,
        flexion_deg: flexion,
    }
}

#[test]
fn known_angles_read_back_within_a_hundredth_of_a_degree() {
    let dir = tempfile::tempdir().unwrap();
    let truth = [
        angles(0.0, 0.0, 0.0),
        angles(30.0, 0.0, 0.0),
        angles(-25.0, 10.0, -15.0),
        angles(12.0, -20.0, 18.0),
        angles(-40.0, 5.5, 30.0),
    ];
    let rows: Vec<_> = truth
        .iter()
        .enumerate()
        .map(|(i, a)| {
            (
                i as f64 / 30.0,
                0.98,
                1,
                openface_from_rotation(&rotation_of(a)),
            )
        })
        .collect();
    let path = write(dir.path(), "of.csv", &csv(&rows));
    assert!(is_openface(&path));
    let frames = read_all(&path);
    assert_eq!(frames.len(), truth.len());
    for (f, a) in frames.iter().zip(&truth) {
        let got = f.angles().expect("a face");
        for (x, y) in got.as_array().iter().zip(a.as_array()) {
            assert!((x - y).abs() < 0.01, "line {}: {got:?} vs {a:?}", f.line);
        }
        assert_eq!(f.confidence, 0.98);
    }
    assert!((frames[3].time_s - 0.1).abs() < 1e-9);
}

/// Each axis alone, with its sign checked from OpenFace's own convention (R = Rx·Ry·Rz in a
/// camera frame x = image right, y = image down, z = away from the camera; frontal face model:
/// nose toward the camera = −z, the patient's right ear on the image's left = −x).
#[test]
fn each_axis_sign_follows_the_clinical_convention() {
    let dir = tempfile::tempdir().unwrap();
    let d = 20f64.to_radians();
    let nose = Vector3::new(0.0, 0.0, -1.0);
    let right_ear = Vector3::new(-1.0, 0.0, 0.0);
    // Chin to the patient's right: the nose turns to the image's left (−x).
    assert!((openface_matrix(0.0, d, 0.0) * nose).x < -0.3);
    // Chin down: the nose turns down in the image (+y).
    assert!((openface_matrix(d, 0.0, 0.0) * nose).y > 0.3);
    // Right ear toward the right shoulder: the right ear goes down (+y).
    assert!((openface_matrix(0.0, 0.0, -d) * right_ear).y > 0.3);
    let rows = [
        (0.0, 0.9, 1, [0.0, d, 0.0]),
        (0.1, 0.9, 1, [d, 0.0, 0.0]),
        (0.2, 0.9, 1, [0.0, 0.0, -d]),
    ];
    let path = write(dir.path(), "signs.csv", &csv(&rows));
    let a: Vec<HeadAngles> = read_all(&path)
        .iter()
        .map(|f| f.angles().unwrap())
        .collect();
    // 6 decimals of a radian: ≤ 3e-5°.
    let near = |x: f64, y: f64| (x - y).abs() < 1e-4;
    assert!(near(a[0].rotation_deg, 20.0), "{:?}", a[0]);
    assert!(near(a[0].tilt_deg, 0.0) && near(a[0].flexion_deg, 0.0));
    assert!(near(a[1].flexion_deg, 20.0), "{:?}", a[1]);
    assert!(near(a[1].rotation_deg, 0.0) && near(a[1].tilt_deg, 0.0));
    assert!(near(a[2].tilt_deg, 20.0), "{:?}", a[2]);
    assert!(near(a[2].rotation_deg, 0.0) && near(a[2].flexion_deg, 0.0));
}

#[test]
fn failed_and_low_confidence_frames_are_gaps_not_zeros() {
    let dir = tempfile::tempdir().unwrap();
    let r = [0.1, 0.2, 0.0];
    let rows = [
        (0.0, 0.95, 1, r),
        (0.033, 0.0, 0, [0.0; 3]),
        (0.067, 0.3, 1, r),
        (0.1, 0.95, 1, r),
    ];
    let path = write(dir.path(), "gaps.csv", &csv(&rows));
    let f = read_all(&path);
    assert_eq!(f.len(), 4);
    assert!(f[0].angles().is_some() && f[3].angles().is_some());
    assert!(f[1].rotation.is_none(), "success = 0 is a gap");
    assert!(
        f[2].rotation.is_none(),
        "confidence 0.3 < {MIN_CONFIDENCE} is a gap"
    );
    let info_rate = OpenFaceReader::open(&path, MIN_CONFIDENCE)
        .unwrap()
        .info()
        .rate_hz;
    assert!((info_rate - 30.0).abs() < 0.1, "{info_rate}");
}

#[test]
fn detection_needs_the_pose_columns() {
    let dir = tempfile::tempdir().unwrap();
    let imu = write(
        dir.path(),
        "imu.csv",
        "time_s,gyr_x,gyr_y,gyr_z,acc_x,acc_y,acc_z\n0,0,0,0,0,0,9.8\n",
    );
    assert!(!is_openface(&imu));
    assert!(!is_openface(dir.path()));
    assert!(!is_openface(&dir.path().join("absent.csv")));
}

fn assert_at(e: &ImportError, name: &str, line: Option<u64>, field: Option<&str>, needle: &str) {
    assert!(e.path().ends_with(name), "{e}");
    assert_eq!(e.line(), line, "{e}");
    assert_eq!(e.field(), field, "{e}");
    assert!(e.to_string().contains(needle), "'{needle}' not in: {e}");
}

#[test]
fn malformed_files_name_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let good = |t: f64| row(1, t, 0.9, 1, [0.0, 0.1, 0.0]);

    let e = error(&write(dir.path(), "empty.csv", ""));
    assert_at(&e, "empty.csv", None, None, "empty file");

    let e = error(&write(dir.path(), "header.csv", &format!("{HEADER}\n")));
    assert_at(&e, "header.csv", Some(1), None, "no data rows");

    let no_pose = HEADER.replace(", pose_Ry", "");
    let body = format!("{no_pose}\n1, 0, 0.0, 0.9, 1\n");
    let e = error(&write(dir.path(), "nopose.csv", &body));
    assert_at(
        &e,
        "nopose.csv",
        Some(1),
        Some("pose_Ry"),
        "no 'pose_Ry' column",
    );

    let text = format!("{HEADER}\n{}{}", good(0.0), good(0.033)).replacen("0.033", "abc", 1);
    let e = error(&write(dir.path(), "text.csv", &text));
    assert_at(
        &e,
        "text.csv",
        Some(3),
        Some("timestamp"),
        "expected a number",
    );

    let nan = format!("{HEADER}\n{}", good(0.0)).replace("0.100000", "nan");
    let e = error(&write(dir.path(), "nan.csv", &nan));
    assert_at(&e, "nan.csv", Some(2), Some("pose_Ry"), "NaN");

    let back = format!("{HEADER}\n{}{}{}", good(0.0), good(0.033), good(0.033));
    let e = error(&write(dir.path(), "back.csv", &back));
    assert_at(&e, "back.csv", Some(4), Some("timestamp"), "not after");

    let mut cut = format!("{HEADER}\n{}{}", good(0.0), good(0.033));
    cut.truncate(cut.len() - 20);
    let e = error(&write(dir.path(), "cut.csv", &cut));
    assert_at(&e, "cut.csv", Some(3), None, "cut off");

    let short = format!("{HEADER}\n{}1, 0, 0.067, 0.9\n", good(0.0));
    let e = error(&write(dir.path(), "short.csv", &short));
    assert_at(&e, "short.csv", Some(3), None, "fields");

    let conf = format!("{HEADER}\n{}", good(0.0)).replace("0.90", "1.70");
    let e = error(&write(dir.path(), "conf.csv", &conf));
    assert_at(&e, "conf.csv", Some(2), Some("confidence"), "outside 0–1");
}

#[test]
fn unterminated_but_complete_last_line_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = csv(&[(0.0, 0.9, 1, [0.0; 3]), (0.033, 0.9, 1, [0.0; 3])]);
    s.pop();
    let f = read_all(&write(dir.path(), "nonl.csv", &s));
    assert_eq!(f.len(), 2);
}
