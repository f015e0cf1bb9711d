//! Per-stage throughput of the inertial pipeline on a simulated 15-min 100 Hz recording (three
//! blocks of the whole-recording orientation): orientation alone (causal VQF 9D and 6D, as live
//! streams use; whole-recording 9D and 6D, as files use), and the whole pipeline (orientation
//! → head angles → every analysis) from samples in memory. Reported per sample; 1 h at 100 Hz
//! = 360,000 samples.

use collis_analysis::orientation::{BiasPlan, WholeOrientation};
use collis_analysis::pipeline::{self, ImuConfig};
use collis_analysis::Orientation;
use collis_core::results::Task;
use collis_core::{ImuSample, Mounting};
use collis_sim::{simulate, Profile, SimOptions};
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use std::convert::Infallible;

fn recording() -> Vec<ImuSample> {
    let opts = SimOptions {
        duration_s: 900.0,
        ..SimOptions::new(Profile::TorticollisTremor, 3)
    };
    simulate(&opts).head
}

fn bench(c: &mut Criterion) {
    let samples = recording();
    let mut g = c.benchmark_group("pipeline");
    g.throughput(Throughput::Elements(samples.len() as u64));
    g.sample_size(20);
    for (name, mag) in [("orientation_9d", true), ("orientation_6d", false)] {
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut o = Orientation::new(100.0, mag);
                for s in &samples {
                    black_box(o.update(s));
                }
            })
        });
    }
    for (name, mag) in [
        ("orientation_whole_9d", true),
        ("orientation_whole_6d", false),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                let input = samples.iter().map(|s| Ok::<_, Infallible>(*s));
                let plan = BiasPlan::Head { bias_rad_s: None };
                for q in WholeOrientation::new(input, 100.0, mag, plan) {
                    black_box(q.ok());
                }
            })
        });
    }
    for (name, mag) in [("analyze_9d", true), ("analyze_6d", false)] {
        let cfg = ImuConfig {
            rate_hz: 100.0,
            trunk_rate_hz: 100.0,
            use_mag: mag,
            mounting: Mounting::default(),
            trunk_mounting: Mounting::default(),
            neutral_s: Some([0.5, 7.5]),
            still_s: None,
        };
        let reference = pipeline::reference(&cfg, true, None).expect("neutral reference");
        g.bench_function(name, |b| {
            b.iter(|| {
                let open = || {
                    let head = samples.iter().map(|s| Ok::<_, Infallible>(*s));
                    Ok::<_, Infallible>((
                        head,
                        None::<std::iter::Empty<Result<ImuSample, Infallible>>>,
                    ))
                };
                black_box(pipeline::analyze(open, &cfg, &reference, Task::Rest, mag).ok())
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
