//! Sensor Logger exports: directories and zips, Android and iOS conventions, interpolation.

use crate::common::*;
use collis_io::ImportOptions;
use std::io::Write;
use std::path::Path;

const T0: u64 = 1_698_501_144_401_773_000;

/// A Sensor Logger CSV (`time,seconds_elapsed,z,y,x`) of `n` rows every `step_ns` from
/// `start_ns` after `T0`, values `f(t_s)`.
fn sensor_csv(n: u64, start_ns: u64, step_ns: u64, f: impl Fn(f64) -> [f64; 3]) -> String {
    let mut s = String::from("time,seconds_elapsed,z,y,x\n");
    for i in 0..n {
        let ns = start_ns + i * step_ns;
        let t = ns as f64 * 1e-9;
        let [x, y, z] = f(t);
        s.push_str(&format!("{},{t},{z},{y},{x}\n", T0 + ns));
    }
    s
}

fn metadata(platform: &str, standardisation: bool) -> String {
    format!(
        "version,device name,recording epoch time,recording time,recording timezone,platform,\
         appVersion,device id,sensors,sampleRateMs,standardisation,platform version\n\
         3,Test Phone,{},2023-10-28_13-52-24,Europe/London,{platform},1.30.0,abc,\
         Accelerometer|Gyroscope,10|10,{standardisation},17\n",
        T0 / 1_000_000
    )
}

fn gyro(t: f64) -> [f64; 3] {
    [0.1 * t, 0.02, -0.03]
}

fn android_dir(dir: &Path) {
    write(dir, "Gyroscope.csv", &sensor_csv(1000, 0, 10_000_000, gyro));
    // Accelerometer 3 ms later at 100 Hz, linear in time (so interpolation is exact).
    write(
        dir,
        "TotalAcceleration.csv",
        &sensor_csv(1000, 3_000_000, 10_000_000, |t| [0.5 + 0.01 * t, 0.1, 9.8]),
    );
    write(
        dir,
        "Accelerometer.csv",
        &sensor_csv(1000, 3_000_000, 10_000_000, |_| [0.0, 0.0, 0.01]),
    );
    write(
        dir,
        "Magnetometer.csv",
        &sensor_csv(520, 0, 20_000_000, |t| [20.0 + t, 5.0, -40.0]),
    );
    write(dir, "Metadata.csv", &metadata("android", false));
    write(dir, "Location.csv", "time,seconds_elapsed,latitude\n");
}

#[test]
fn android_directory_is_put_on_the_gyroscope_clock() {
    let dir = tempfile::tempdir().unwrap();
    android_dir(dir.path());
    let r = read(dir.path(), &ImportOptions::default());
    assert_eq!(r.info.format, "sensor-logger");
    assert!(close(r.info.rate_hz, 100.0, 1e-3), "{}", r.info.rate_hz);
    assert!(r.info.has_mag);
    // The first gyroscope sample (t = 0) precedes the accelerometer's first (3 ms).
    assert_eq!(r.samples.len(), 999);
    assert!(
        warned(
            &r.warnings,
            "1 gyroscope samples before the first and 0 after the last"
        ),
        "{:?}",
        r.warnings
    );
    for s in &r.samples {
        let t = s.time_s + 0.01; // times start at the first kept sample (gyroscope t = 10 ms)
        assert!(close(s.gyr_rad_s[0], 0.1 * t, 1e-6), "{s:?}");
        assert!(close(s.acc_m_s2[0], 0.5 + 0.01 * t, 1e-6), "{s:?}");
        assert!(close(s.acc_m_s2[2], 9.8, 1e-9));
        assert!(close(s.mag.unwrap()[0], 20.0 + t, 1e-6));
    }
    assert!(
        r.info.columns.contains("TotalAcceleration.csv"),
        "{}",
        r.info.columns
    );
    assert!(
        r.info
            .columns
            .contains("ignored: Accelerometer.csv, Location.csv"),
        "{}",
        r.info.columns
    );
}

fn zip_dir(src: &Path, zip_path: &Path) {
    let file = std::fs::File::create(zip_path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut names: Vec<_> = std::fs::read_dir(src)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    for name in names {
        zip.start_file(format!("2023-10-28_13-52-24/{name}"), opts)
            .unwrap();
        zip.write_all(&std::fs::read(src.join(&name)).unwrap())
            .unwrap();
    }
    zip.finish().unwrap();
}

#[test]
fn ios_zip_combines_user_acceleration_and_gravity_with_the_sign_flipped() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("rec");
    std::fs::create_dir(&rec).unwrap();
    write(&rec, "Gyroscope.csv", &sensor_csv(800, 0, 10_000_000, gyro));
    // iOS (CoreMotion signs): face up at rest, gravity is −z.
    write(
        &rec,
        "Accelerometer.csv",
        &sensor_csv(800, 0, 10_000_000, |_| [0.01, 0.02, -0.03]),
    );
    write(
        &rec,
        "Gravity.csv",
        &sensor_csv(800, 0, 10_000_000, |_| [0.0, 0.0, -9.80665]),
    );
    write(&rec, "Metadata.csv", &metadata("ios", false));
    let zip_path = dir.path().join("rec.zip");
    zip_dir(&rec, &zip_path);
    let r = read(&zip_path, &ImportOptions::default());
    assert_eq!(r.info.format, "sensor-logger");
    assert_eq!(r.samples.len(), 800);
    assert!(!r.info.has_mag);
    let a = r.samples[10].acc_m_s2;
    assert!(close(a[2], 9.80665 + 0.03, 1e-9), "{a:?}");
    assert!(close(a[0], -0.01, 1e-12), "{a:?}");
    assert!(
        r.info.columns.contains("iOS sign flipped"),
        "{}",
        r.info.columns
    );
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);

    // With "Standardise Units & Frames" iOS follows Android: no flip.
    write(
        &rec,
        "Gravity.csv",
        &sensor_csv(800, 0, 10_000_000, |_| [0.0, 0.0, 9.80665]),
    );
    write(&rec, "Metadata.csv", &metadata("ios", true));
    let zip2 = dir.path().join("std.zip");
    zip_dir(&rec, &zip2);
    let r = read(&zip2, &ImportOptions::default());
    assert!(close(r.samples[10].acc_m_s2[2], 9.80665 - 0.03, 1e-9));
}

#[test]
fn accelerometer_alone_must_hold_gravity() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Gyroscope.csv",
        &sensor_csv(300, 0, 10_000_000, gyro),
    );
    write(
        dir.path(),
        "Accelerometer.csv",
        &sensor_csv(300, 0, 10_000_000, |_| [0.1, 0.2, 0.3]),
    );
    let e = error(dir.path(), &ImportOptions::default());
    assert!(e.to_string().contains("holds no gravity"), "{e}");
    write(
        dir.path(),
        "Accelerometer.csv",
        &sensor_csv(300, 0, 10_000_000, |_| [0.1, 0.2, 9.7]),
    );
    let r = read(dir.path(), &ImportOptions::default());
    assert_eq!(r.samples.len(), 300);
    assert!(
        warned(&r.warnings, "Accelerometer.csv used as is"),
        "{:?}",
        r.warnings
    );
    assert!(warned(&r.warnings, "no Metadata.csv"), "{:?}", r.warnings);
}

#[test]
fn gaps_and_disorder_in_a_secondary_file_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Gyroscope.csv",
        &sensor_csv(500, 0, 10_000_000, gyro),
    );
    let acc = sensor_csv(500, 0, 10_000_000, |_| [0.0, 0.0, 9.8]);
    let mut lines: Vec<&str> = acc.lines().collect();
    lines.drain(200..260); // a 0.6 s gap
    lines.swap(100, 101); // two rows out of order
    write(
        dir.path(),
        "TotalAcceleration.csv",
        &(lines.join("\n") + "\n"),
    );
    write(dir.path(), "Metadata.csv", &metadata("android", false));
    let r = read(dir.path(), &ImportOptions::default());
    assert_eq!(r.samples.len(), 500);
    assert!(
        warned(&r.warnings, "TotalAcceleration.csv:102: 1 non-monotonic"),
        "{:?}",
        r.warnings
    );
    assert!(
        warned(&r.warnings, "longest is 0.610 s"),
        "{:?}",
        r.warnings
    );
}
