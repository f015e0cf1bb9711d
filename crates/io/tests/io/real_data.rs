//! The real third-party recordings of `../shared/data` (read in place, skipped when absent).

use crate::common::*;
use collis_io::ImportOptions;
use std::path::{Path, PathBuf};

fn shared(rel: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: {} not found", p.display());
        None
    }
}

fn median_norm(r: &Read) -> f64 {
    let mut n: Vec<f64> = r.samples.iter().map(|s| norm(s.acc_m_s2)).collect();
    n.sort_by(f64::total_cmp);
    n[n.len() / 2]
}

/// `v` rotated by the unit quaternion `[w, x, y, z]`.
fn rotate([w, x, y, z]: [f64; 4], [a, b, c]: [f64; 3]) -> [f64; 3] {
    [
        (1.0 - 2.0 * (y * y + z * z)) * a + 2.0 * (x * y - w * z) * b + 2.0 * (x * z + w * y) * c,
        2.0 * (x * y + w * z) * a + (1.0 - 2.0 * (x * x + z * z)) * b + 2.0 * (y * z - w * x) * c,
        2.0 * (x * z - w * y) * a + 2.0 * (y * z + w * x) * b + (1.0 - 2.0 * (x * x + y * y)) * c,
    ]
}

#[test]
fn st_headset_nod() {
    let Some(path) = shared("st-headset/nod.txt") else {
        return;
    };
    let r = read_st_headset(&path);
    assert_eq!(r.samples.len(), 1285);
    assert!(close(median_norm(&r), 9.81, 0.5), "{}", median_norm(&r));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn coremotion_rest_tremor() {
    let Some(path) = shared("tremor-phone/rest_tremor_data.csv") else {
        return;
    };
    let r = read(&path, &ImportOptions::default());
    assert_eq!(r.info.format, "coremotion");
    assert!(
        (85.0..100.0).contains(&r.info.rate_hz),
        "{}",
        r.info.rate_hz
    );
    assert_eq!(r.samples.len(), 862);
    assert!(!r.info.has_mag, "magneticField is all zero");
    assert!(close(median_norm(&r), 9.81, 0.3), "{}", median_norm(&r));
    // The specific force, turned into the reference frame by the attitude, points up.
    let text = std::fs::read_to_string(&path).unwrap();
    let mut up = [0.0; 3];
    for (line, s) in text.lines().skip(1).zip(&r.samples) {
        let f: Vec<f64> = line.split(',').map(|x| x.parse().unwrap()).collect();
        let v = rotate([f[1], f[2], f[3], f[4]], s.acc_m_s2);
        (0..3).for_each(|i| up[i] += v[i] / r.samples.len() as f64);
    }
    assert!(
        close(up[2], 9.81, 0.2) && up[0].abs() < 0.2 && up[1].abs() < 0.2,
        "{up:?}"
    );
}

#[test]
fn broad_imu() {
    let Some(path) = shared("broad/02_undisturbed_slow_rotation_B_imu.csv") else {
        return;
    };
    let r = read(&path, &ImportOptions::default());
    assert_eq!(r.info.format, "collis-csv");
    assert!(
        close(r.info.rate_hz, 2000.0 / 7.0, 0.01),
        "{}",
        r.info.rate_hz
    );
    assert_eq!(r.samples.len(), 53240);
    assert!(r.info.has_mag);
    assert_eq!(r.samples[0].time_s, 0.0);
    assert!(close(median_norm(&r), 9.81, 0.3), "{}", median_norm(&r));
    eprintln!("broad warnings: {:?}", r.warnings);
}
