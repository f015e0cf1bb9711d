//! Throughput of the surface-EMG analysis (issue 6: 1 h of 8-channel 2 kHz EMG at least
//! 100× faster than real time on one core). One iteration runs both passes (calibration,
//! then analysis: conditioning, envelope, bursts, amplitude, pairs) over 60 s of simulated
//! 8-channel 2 kHz EMG in 0.5-s blocks, as the CLI does from a file. Real-time factor =
//! 60 s / time per iteration; the processing is linear in length (O(window) memory), so 1 h
//! takes 60× one iteration.

use collis_analysis::emg::{analyse_slices, ChannelSetup, EmgSetup};
use collis_core::emg::MuscleSite;
use collis_sim::{simulate_emg, EmgSimOptions};
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};

fn bench(c: &mut Criterion) {
    // Eight channels: the four neck muscles of the standard simulation, twice (two seeds),
    // as SCM, splenius, trapezius and levator on both sides.
    let labels = [
        "SCM-L", "SCM-R", "SPL-L", "SPL-R", "TRAP-L", "TRAP-R", "LEV-L", "LEV-R",
    ];
    let mut data = simulate_emg(&EmgSimOptions::neck(1)).data;
    data.extend(simulate_emg(&EmgSimOptions::neck(2)).data);
    let setup = EmgSetup {
        channels: labels
            .iter()
            .map(|l| ChannelSetup {
                label: l.to_string(),
                site: MuscleSite::from_label(l),
                rate_hz: 2000.0,
                unit: "uV".to_string(),
                mvc_rms: None,
            })
            .collect(),
        baseline_s: None,
    };
    let samples: usize = data.iter().map(Vec::len).sum();
    let mut g = c.benchmark_group("emg");
    g.throughput(Throughput::Elements(samples as u64));
    g.sample_size(10);
    g.bench_function("analyse_60s_8ch_2khz", |b| {
        b.iter(|| black_box(analyse_slices(&setup, &data, 0.5).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
