//! End-to-end tests of OpenFace 2 CSV import: a FeatureExtraction-style CSV written here from
//! known clinical angles goes through `collis analyze` (the face-video results document, with
//! `recording.format = "openface-csv"`) and `collis angles` (the per-frame CSV), camera-frontal
//! or referenced to a neutral segment; gaps stay gaps.

mod common;

use collis_core::camera::rotation_of;
use collis_core::HeadAngles;
use collis_io::openface::openface_from_rotation;
use common::{collis, text};
use std::path::Path;

const FPS: f64 = 30.0;
const SECONDS: f64 = 20.0;
/// Frames written with `success = 0` (no face).
const GAP_FRAMES: [usize; 3] = [100, 101, 102];

/// Rotation 15°, tilt −6°, flexion 9°, with a 5 Hz, 1° rotation tremor.
fn truth(t: f64) -> HeadAngles {
    HeadAngles {
        rotation_deg: 15.0 + (2.0 * std::f64::consts::PI * 5.0 * t).sin(),
        tilt_deg: -6.0,
        flexion_deg: 9.0,
    }
}

fn frames() -> usize {
    (SECONDS * FPS) as usize
}

/// The CSV as OpenFace writes it: ", " between fields, header names with a leading space.
fn write_openface(path: &Path) {
    write_openface_at(path, FPS, 0.0);
}

/// The same at `fps` frames/s, with uniform frame-to-frame jitter of ±`jitter_deg` on every
/// axis (xorshift, fixed seed).
fn write_openface_at(path: &Path, fps: f64, jitter_deg: f64) {
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let mut jitter = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        jitter_deg * ((state >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0)
    };
    let mut s = String::from(
        "frame, face_id, timestamp, confidence, success, gaze_0_x, pose_Tx, pose_Ty, pose_Tz, \
         pose_Rx, pose_Ry, pose_Rz, AU01_r\n",
    );
    for i in 0..(SECONDS * fps) as usize {
        let t = i as f64 / fps;
        let (conf, ok, r) = if GAP_FRAMES.contains(&i) {
            (0.0, 0, [0.0; 3])
        } else {
            let a = truth(t);
            let shaken = HeadAngles {
                rotation_deg: a.rotation_deg + jitter(),
                tilt_deg: a.tilt_deg + jitter(),
                flexion_deg: a.flexion_deg + jitter(),
            };
            (0.97, 1, openface_from_rotation(&rotation_of(&shaken)))
        };
        s.push_str(&format!(
            "{}, 0, {t:.6}, {conf:.2}, {ok}, 0.1, 10.0, 20.0, 500.0, {:.7}, {:.7}, {:.7}, 0.5\n",
            i + 1,
            r[0],
            r[1],
            r[2]
        ));
    }
    std::fs::write(path, s).unwrap();
}

#[test]
fn analyze_openface_gives_the_video_results_document() {
    let dir = tempfile::tempdir().unwrap();
    write_openface(&dir.path().join("of.csv"));
    let o = collis(&["analyze", "of.csv", "--json", "r.json"], dir.path());
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    for needle in [
        "openface-csv",
        "camera-frontal is neutral",
        "frames/s",
        "Confidence",
        "TWSTRS",
    ] {
        assert!(out.contains(needle), "summary lacks '{needle}':\n{out}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    let rec = &json["recording"];
    assert_eq!(rec["source"], "video");
    assert_eq!(rec["format"], "openface-csv");
    assert_eq!(rec["reference"]["kind"], "camera");
    assert_eq!(rec["video"]["frames"], frames() as u64);
    assert_eq!(
        rec["video"]["frames_with_face"],
        (frames() - GAP_FRAMES.len()) as u64
    );
    assert!((rec["video"]["frame_rate_hz"].as_f64().unwrap() - FPS).abs() < 0.01);
    assert!((rec["video"]["confidence"]["median"].as_f64().unwrap() - 0.97).abs() < 1e-6);
    assert!(rec["video"]["method"]
        .as_str()
        .unwrap()
        .contains("OpenFace"));
    let median = |axis: &str| json["posture"][axis]["median"].as_f64().unwrap();
    assert!((median("rotation_deg") - 15.0).abs() < 0.3, "{json}");
    assert!((median("tilt_deg") + 6.0).abs() < 0.1);
    assert!((median("flexion_deg") - 9.0).abs() < 0.1);
    let warnings = json["warnings"].to_string();
    assert!(
        warnings.contains("no face in 3 of 600 frames"),
        "{warnings}"
    );
}

#[test]
fn angles_of_openface_per_frame_with_gaps_and_neutral() {
    let dir = tempfile::tempdir().unwrap();
    write_openface(&dir.path().join("of.csv"));
    let o = collis(&["angles", "of.csv", "-o", "a.csv"], dir.path());
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("camera-frontal is neutral"));
    let csv = std::fs::read_to_string(dir.path().join("a.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "time_s,rotation_deg,tilt_deg,flexion_deg,confidence"
    );
    assert_eq!(lines.len(), frames() + 1);
    assert!(lines[101].ends_with(",,,,0"), "{}", lines[101]);
    for (i, line) in lines[1..].iter().enumerate().step_by(37) {
        let v: Vec<f64> = line.split(',').map(|x| x.parse().unwrap()).collect();
        let want = truth(i as f64 / FPS);
        assert!((v[1] - want.rotation_deg).abs() < 0.01, "{line}");
        assert!((v[2] - want.tilt_deg).abs() < 0.01, "{line}");
        assert!((v[3] - want.flexion_deg).abs() < 0.01, "{line}");
        assert_eq!(v[4], 0.97);
    }

    // Relative to the neutral segment: the posture held throughout is then 0°.
    let o = collis(
        &["angles", "of.csv", "-o", "n.csv", "--neutral", "0:2"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("neutral segment 0.0–2.0 s"),
        "{}",
        text(&o)
    );
    let csv = std::fs::read_to_string(dir.path().join("n.csv")).unwrap();
    for line in csv.lines().skip(1).filter(|l| !l.ends_with(",,,,0")) {
        let v: Vec<f64> = line.split(',').map(|x| x.parse().unwrap()).collect();
        assert!(
            v[1].abs() < 1.1 && v[2].abs() < 0.3 && v[3].abs() < 0.3,
            "{line}"
        );
    }
    let o = collis(
        &["analyze", "of.csv", "--json", "n.json", "--neutral", "0:2"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("n.json")).unwrap()).unwrap();
    assert_eq!(json["recording"]["reference"]["kind"], "neutral");
    assert!(
        json["posture"]["rotation_deg"]["median"]
            .as_f64()
            .unwrap()
            .abs()
            < 0.5
    );
}

#[test]
fn malformed_openface_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.csv"),
        "frame, face_id, timestamp, confidence, success, pose_Rx, pose_Ry, pose_Rz\n\
         1, 0, 0.000, 0.98, 1, 0.1, abc, 0.0\n",
    )
    .unwrap();
    let o = collis(&["analyze", "bad.csv"], dir.path());
    let out = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(!out.contains("panicked"), "{out}");
    assert!(out.contains("bad.csv:2: field 'pose_Ry'"), "{out}");
}

/// RMS difference of the rotation column of an angles CSV from the truth.
fn rotation_rms_error(csv: &Path) -> f64 {
    let text = std::fs::read_to_string(csv).unwrap();
    let errors: Vec<f64> = text
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let t: f64 = f[0].parse().ok()?;
            let r: f64 = f[1].parse().ok()?;
            Some(r - truth(t).rotation_deg)
        })
        .collect();
    (errors.iter().map(|e| e * e).sum::<f64>() / errors.len() as f64).sqrt()
}

#[test]
fn smooth_removes_jitter_above_the_tremor_band_and_keeps_the_tremor() {
    let dir = tempfile::tempdir().unwrap();
    write_openface_at(&dir.path().join("of.csv"), 120.0, 1.5);
    let run = |args: &[&str]| {
        let o = collis(args, dir.path());
        assert!(o.status.success(), "{}", text(&o));
    };
    run(&["angles", "of.csv", "-o", "raw.csv"]);
    run(&["angles", "of.csv", "-o", "smooth.csv", "--smooth"]);
    let (raw, smooth) = (
        rotation_rms_error(&dir.path().join("raw.csv")),
        rotation_rms_error(&dir.path().join("smooth.csv")),
    );
    eprintln!("rotation RMS error: raw {raw:.3}°, smoothed {smooth:.3}°");
    // Uniform ±1.5° jitter is 0.87° RMS; at 120 frames/s, 18/60 of its power is below 18 Hz
    // (RMS × 0.55); the tremor, stamped back by the filter's delay, adds little.
    assert!(smooth < 0.65 * raw, "raw {raw:.3}°, smoothed {smooth:.3}°");
    run(&["analyze", "of.csv", "--json", "raw.json"]);
    run(&["analyze", "of.csv", "--json", "smooth.json", "--smooth"]);
    let read = |name: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.path().join(name)).unwrap()).unwrap()
    };
    let (raw, smooth) = (read("raw.json"), read("smooth.json"));
    assert_eq!(smooth["recording"]["video"]["smoothing_cutoff_hz"], 18.0);
    assert!(raw["recording"]["video"]["smoothing_cutoff_hz"].is_null());
    // The 5 Hz, 1° tremor keeps its frequency and its amplitude within 2 %.
    let amp = |j: &serde_json::Value| j["tremor"]["amplitude_deg"].as_f64().unwrap();
    assert_eq!(smooth["tremor"]["present"], true);
    assert!(
        (amp(&smooth) / amp(&raw) - 1.0).abs() <= 0.02,
        "tremor {:.3}° smoothed vs {:.3}°",
        amp(&smooth),
        amp(&raw)
    );
    let f = smooth["tremor"]["frequency_hz"].as_f64().unwrap();
    assert!((f - 5.0).abs() < 0.3, "tremor at {f} Hz");
}

#[test]
fn smooth_at_30_frames_per_second_says_it_was_not_applied() {
    let dir = tempfile::tempdir().unwrap();
    write_openface(&dir.path().join("of.csv"));
    let o = collis(
        &["analyze", "of.csv", "--json", "r.json", "--smooth"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    assert!(json["recording"]["video"]["smoothing_cutoff_hz"].is_null());
    let warnings = json["warnings"].to_string();
    assert!(warnings.contains("--smooth not applied"), "{warnings}");
}
