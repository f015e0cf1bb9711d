//! Reading speed of the Collis IMU CSV: 100 000 rows of 9-axis data at 100 Hz, as written by
//! `ImuCsvWriter`, read through `open_imu` (throughput in bytes of CSV).

use collis_core::ImuSample;
use collis_io::{open_imu, ImportOptions, ImuCsvWriter};
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};

const ROWS: usize = 100_000;
const RATE_HZ: f64 = 100.0;

fn sample(i: usize) -> ImuSample {
    let t = i as f64 / RATE_HZ;
    let (s, c) = (t * 3.1).sin_cos();
    ImuSample {
        time_s: t,
        gyr_rad_s: [0.3 * s, -0.12 * c, 0.05 * s * c],
        acc_m_s2: [0.4 * c, 0.2 * s, 9.79 + 0.05 * s],
        mag: Some([21.3 + s, -4.7 * c, -40.2]),
    }
}

fn read_csv(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("bench.csv");
    let mut w = ImuCsvWriter::new(&path, true).expect("create the CSV");
    for i in 0..ROWS {
        w.write(&sample(i)).expect("write a row");
    }
    w.finish().expect("finish the CSV");
    let bytes = std::fs::metadata(&path).expect("CSV size").len();

    let mut group = c.benchmark_group("read_csv");
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("collis_csv_100k_rows_9_axis", |b| {
        b.iter(|| {
            let reader = open_imu(&path, &ImportOptions::default()).expect("open");
            let mut sum = 0.0;
            for s in reader {
                sum += s.expect("sample").acc_m_s2[2];
            }
            black_box(sum)
        })
    });
    group.finish();
}

criterion_group!(benches, read_csv);
criterion_main!(benches);
