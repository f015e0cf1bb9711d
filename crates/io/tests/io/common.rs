//! Helpers: synthetic recordings and reading them whole.

use collis_core::ImuSample;
use collis_io::{open_imu, ImportError, ImportOptions, StreamInfo};
use std::path::{Path, PathBuf};

pub const G: f64 = 9.80665;

pub fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

/// A head at rest with a slow nod: gyroscope in rad/s, accelerometer in m/s², field in µT.
pub fn sample(i: usize, rate: f64) -> ImuSample {
    let t = i as f64 / rate;
    let w = 2.0 * std::f64::consts::PI * 0.5 * t;
    ImuSample {
        time_s: t,
        gyr_rad_s: [0.2 * w.sin(), 0.05, -0.02 * w.cos()],
        acc_m_s2: [0.3 + 0.1 * w.cos(), 0.2, 9.78],
        mag: Some([20.0, 5.0 * w.sin(), -40.0]),
    }
}

/// A Collis IMU CSV of `n` samples, optionally starting at `t0`.
pub fn collis_csv(n: usize, rate: f64, t0: f64) -> String {
    let mut s = String::from("time_s,gyr_x,gyr_y,gyr_z,acc_x,acc_y,acc_z\n");
    for i in 0..n {
        let x = sample(i, rate);
        let [gx, gy, gz] = x.gyr_rad_s;
        let [ax, ay, az] = x.acc_m_s2;
        s.push_str(&format!(
            "{},{gx},{gy},{gz},{ax},{ay},{az}\n",
            t0 + x.time_s
        ));
    }
    s
}

pub struct Read {
    pub info: StreamInfo,
    pub samples: Vec<ImuSample>,
    pub warnings: Vec<String>,
}

/// Reads a whole recording; panics on any error.
pub fn read(path: &Path, opts: &ImportOptions) -> Read {
    let mut r = open_imu(path, opts).unwrap_or_else(|e| panic!("{e}"));
    let samples = r
        .by_ref()
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("{e}"));
    Read {
        info: r.info().clone(),
        samples,
        warnings: r
            .report()
            .warnings
            .iter()
            .map(ToString::to_string)
            .collect(),
    }
}

/// The error of opening or reading a recording (panics if there is none).
pub fn error(path: &Path, opts: &ImportOptions) -> ImportError {
    match open_imu(path, opts) {
        Err(e) => e,
        Ok(mut r) => r
            .find_map(Result::err)
            .expect("the recording should not read without error"),
    }
}

/// Whether some warning contains `text`.
pub fn warned(warnings: &[String], text: &str) -> bool {
    warnings.iter().any(|w| w.contains(text))
}

pub fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

pub fn norm(v: [f64; 3]) -> f64 {
    (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt()
}

/// Reads an ST-headset-style log (tab-separated mg/dps columns, no time column) at 26 Hz and
/// checks what every such read must give.
pub fn read_st_headset(path: &Path) -> Read {
    let opts = ImportOptions {
        rate_hz: Some(26.0),
        ..Default::default()
    };
    let r = read(path, &opts);
    assert_eq!(r.info.format, "delimited");
    assert_eq!(r.info.rate_hz, 26.0);
    assert!(!r.info.has_mag);
    r
}
