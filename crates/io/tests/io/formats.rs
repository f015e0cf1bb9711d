//! The Collis IMU CSV (through the writer), delimited device logs and CoreMotion exports.

use crate::common::*;
use collis_io::{AccUnit, GyrUnit, ImportOptions, ImuCsvWriter};

#[test]
fn collis_csv_round_trip_through_the_writer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rec.csv");
    let mut w = ImuCsvWriter::new(&path, true).unwrap();
    let original: Vec<_> = (0..1000)
        .map(|i| {
            let mut s = sample(i, 100.0);
            s.time_s += 5.0;
            s
        })
        .collect();
    for s in &original {
        w.write(s).unwrap();
    }
    w.finish().unwrap();
    let reader = collis_io::open_imu(&path, &ImportOptions::default()).unwrap();
    let reader = std::thread::spawn(move || reader).join().unwrap(); // ImuReader is Send
    assert!(format!("{reader:?}").contains("collis-csv"));
    let r = read(&path, &ImportOptions::default());
    assert_eq!(r.info.format, "collis-csv");
    assert!(r.info.has_mag);
    assert!(close(r.info.rate_hz, 100.0, 1e-6), "{}", r.info.rate_hz);
    assert_eq!(r.samples.len(), 1000);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    for (a, b) in original.iter().zip(&r.samples) {
        assert!(close(a.time_s, b.time_s, 1e-6), "the time origin is kept");
        for i in 0..3 {
            // Half a unit of the written precision (7, 6 and 4 decimals).
            assert!(close(a.gyr_rad_s[i], b.gyr_rad_s[i], 0.51e-7));
            assert!(close(a.acc_m_s2[i], b.acc_m_s2[i], 0.51e-6));
            assert!(close(a.mag.unwrap()[i], b.mag.unwrap()[i], 0.51e-4));
        }
    }
    assert!(
        r.info.columns.contains("gyr: gyr_x, gyr_y, gyr_z (rad/s)"),
        "{}",
        r.info.columns
    );
}

#[test]
fn st_headset_style_tab_separated_mg_dps_without_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut s =
        String::from(" A_X [mg] \t A_Y [mg] \t A_Z [mg] \tG_X [dps] \t G_Y [dps] \t G_Z [dps] \n");
    for i in 0..300 {
        s.push_str(&format!("80\t931\t-354\t{}\t-5.075\t-5.01375\n", i % 7));
    }
    let path = write(dir.path(), "nod.txt", &s);
    let e = error(&path, &ImportOptions::default());
    assert!(e.to_string().contains("pass --rate HZ"), "{e}");
    let r = read_st_headset(&path);
    assert_eq!(r.samples.len(), 300);
    let s1 = r.samples[1];
    assert!(close(s1.time_s, 1.0 / 26.0, 1e-12));
    assert!(close(s1.acc_m_s2[1], 0.931 * G, 1e-9));
    assert!(close(s1.gyr_rad_s[0], 1f64.to_radians(), 1e-12));
    assert!(close(s1.gyr_rad_s[2], (-5.01375f64).to_radians(), 1e-12));
    assert!(r.info.columns.contains("(mg)") && r.info.columns.contains("(deg/s)"));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn semicolons_decimal_commas_and_units_inferred_from_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = String::from("time_ms;AccX;AccY;AccZ;GyroX;GyroY;GyroZ;temp\n");
    for i in 0..500 {
        // Accelerometer in g (no unit in the header), gyroscope in deg/s reaching 80 deg/s.
        let gx = 80.0 * (i as f64 * 0.05).sin();
        s.push_str(&format!("{};0,02;-0,1;0,99;{};1,5;0;36,6\n", i * 10, gx).replace('.', ","));
    }
    let path = write(dir.path(), "log.csv", &s);
    let r = read(&path, &ImportOptions::default());
    assert_eq!(r.samples.len(), 500);
    assert!(close(r.info.rate_hz, 100.0, 1e-9));
    assert!(close(r.samples[3].acc_m_s2[2], 0.99 * G, 1e-9));
    assert!(
        warned(
            &r.warnings,
            "no accelerometer unit in the header: assumed g"
        ),
        "{:?}",
        r.warnings
    );
    assert!(
        warned(
            &r.warnings,
            "no gyroscope unit in the header: assumed deg/s"
        ),
        "{:?}",
        r.warnings
    );
    assert!(close(r.samples[3].gyr_rad_s[1], 1.5f64.to_radians(), 1e-12));
    assert!(
        r.info.columns.contains("ignored: temp"),
        "{}",
        r.info.columns
    );
    assert!(close(r.samples[2].time_s, 0.02, 1e-12));
}

#[test]
fn user_units_override_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = String::from("t,ax,ay,az,gx,gy,gz\n");
    for i in 0..300 {
        s.push_str(&format!("{},0,0,1000,{},0,0\n", i as f64 * 0.01, i % 3));
    }
    let path = write(dir.path(), "raw.csv", &s);
    let opts = ImportOptions {
        acc_unit: Some(AccUnit::MilliG),
        gyr_unit: Some(GyrUnit::MilliDegPerS),
        ..Default::default()
    };
    let r = read(&path, &opts);
    assert!(close(r.samples[0].acc_m_s2[2], G, 1e-9));
    assert!(close(
        r.samples[2].gyr_rad_s[0],
        0.002f64.to_radians(),
        1e-15
    ));
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    assert!(
        warned(
            &r.warnings,
            "'t' has no unit: assumed s from its median step 0.01 (100.00 Hz)"
        ),
        "{:?}",
        r.warnings
    );
}

#[test]
fn epoch_nanosecond_timestamps_start_at_zero() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = String::from("timestamp_ns,acc_x_mps2,acc_y_mps2,acc_z_mps2,gyro_x(rad/s),gyro_y(rad/s),gyro_z(rad/s),mag_x_uT,mag_y_uT,mag_z_uT\n");
    let t0: u64 = 1_700_000_000_123_456_789;
    for i in 0..400u64 {
        s.push_str(&format!(
            "{},0.1,0.2,9.8,0.01,0.02,0.03,20,0,-40\n",
            t0 + i * 5_000_000
        ));
    }
    let path = write(dir.path(), "epoch.csv", &s);
    let r = read(&path, &ImportOptions::default());
    assert!(close(r.info.rate_hz, 200.0, 1e-3), "{}", r.info.rate_hz);
    assert_eq!(r.samples[0].time_s, 0.0);
    assert!(close(r.samples[399].time_s, 399.0 * 0.005, 1e-6));
    assert!(r.info.has_mag);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn time_unit_inferred_from_the_step_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = String::from("timestamp,gx,gy,gz,ax,ay,az\n");
    for i in 0..300 {
        s.push_str(&format!("{},0,0,0,0,0,9.81\n", 1000 + i * 20));
    }
    let path = write(dir.path(), "ms.csv", &s);
    let opts = ImportOptions {
        rate_hz: Some(60.0),
        gyr_unit: Some(GyrUnit::RadPerS),
        ..Default::default()
    };
    let r = read(&path, &opts);
    assert!(close(r.info.rate_hz, 50.0, 1e-9));
    assert!(
        warned(&r.warnings, "'timestamp' has no unit: assumed ms"),
        "{:?}",
        r.warnings
    );
    assert!(
        warned(&r.warnings, "--rate 60 Hz disagrees with the time column"),
        "{:?}",
        r.warnings
    );
    assert!(close(r.samples[1].time_s, 0.02, 1e-12));
}

#[test]
fn coremotion_export_gives_specific_force_with_gravity_up() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = String::from(
        "timestamp,attitude_w,attitude_x,attitude_y,attitude_z,gravity_x,gravity_y,gravity_z,\
         magneticField_accuracy,magneticField_x,magneticField_y,magneticField_z,rotationRate_x,\
         rotationRate_y,rotationRate_z,userAcceleration_x,userAcceleration_y,userAcceleration_z\n",
    );
    for i in 0..300 {
        // Face up at rest: Apple's gravity is (0, 0, −1) g.
        s.push_str(&format!(
            "{},1,0,0,0,0,0,-1,-1.0,0.0,0.0,0.0,0.01,0.02,0.03,0.001,0.002,-0.003\n",
            i as f64 * 0.01
        ));
    }
    let path = write(dir.path(), "phone.csv", &s);
    let r = read(&path, &ImportOptions::default());
    assert_eq!(r.info.format, "coremotion");
    assert!(!r.info.has_mag);
    assert!(r.info.columns.contains("not used"), "{}", r.info.columns);
    let a = r.samples[0].acc_m_s2;
    assert!(close(a[2], (1.0 + 0.003) * G, 1e-9), "{a:?}");
    assert!(close(a[0], -0.001 * G, 1e-12));
    assert_eq!(r.samples[0].gyr_rad_s, [0.01, 0.02, 0.03]);
    assert!(r.samples.iter().all(|s| s.mag.is_none()));
}

#[test]
fn ignore_mag_leaves_the_magnetometer_unread() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rec.csv");
    let mut w = ImuCsvWriter::new(&path, true).unwrap();
    for i in 0..500 {
        w.write(&sample(i, 100.0)).unwrap();
    }
    w.finish().unwrap();
    let with = read(&path, &ImportOptions::default());
    assert!(with.info.has_mag && with.samples.iter().all(|s| s.mag.is_some()));
    let opts = ImportOptions {
        ignore_mag: true,
        ..Default::default()
    };
    let without = read(&path, &opts);
    assert!(!without.info.has_mag);
    assert!(without.samples.iter().all(|s| s.mag.is_none()));
    assert_eq!(without.samples.len(), with.samples.len());
    assert!(
        without.info.columns.contains("mag_x"),
        "{}",
        without.info.columns
    );
    assert!(without.warnings.is_empty(), "{:?}", without.warnings);
}
