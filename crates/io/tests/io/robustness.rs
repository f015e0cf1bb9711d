//! Broken and suspicious inputs: never a panic; errors name the file, line and field.

use crate::common::*;
use collis_io::{open_imu, AccUnit, ImportOptions};
use std::io::Write;
use std::time::{Duration, Instant};

fn no_opts() -> ImportOptions {
    ImportOptions::default()
}

#[test]
fn empty_file_and_header_only() {
    let dir = tempfile::tempdir().unwrap();
    let e = error(&write(dir.path(), "empty.csv", ""), &no_opts());
    assert!(
        e.to_string()
            .ends_with("empty.csv: empty file (no header line)"),
        "{e}"
    );
    let e = error(
        &write(
            dir.path(),
            "head.csv",
            "time_s,gyr_x,gyr_y,gyr_z,acc_x,acc_y,acc_z\n",
        ),
        &no_opts(),
    );
    assert!(
        e.to_string()
            .contains("head.csv: no data rows after the header"),
        "{e}"
    );
}

#[test]
fn unknown_header_lists_what_was_seen_and_expected() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "what.csv", "foo,bar,baz\n1,2,3\n");
    let e = error(&path, &no_opts());
    let m = e.to_string();
    assert_eq!(e.line(), Some(1));
    assert!(
        m.contains("'foo', 'bar', 'baz'") && m.contains("gyr_x") && m.contains("acc_x"),
        "{m}"
    );
    let path = write(
        dir.path(),
        "Gyroscope.csv",
        "time,seconds_elapsed,z,y,x\n1,0,0,0,0\n",
    );
    assert!(error(&path, &no_opts())
        .to_string()
        .contains("Sensor Logger export"));
    let path = write(dir.path(), "half.csv", "t,gx,gy,gz,ax,ay\n0,0,0,0,0,0\n");
    let m = error(&path, &no_opts()).to_string();
    assert!(m.contains("no column for the accelerometer z axis"), "{m}");
}

#[test]
fn text_in_a_numeric_column_names_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = collis_csv(100, 100.0, 0.0);
    let mut lines: Vec<String> = s.lines().map(String::from).collect();
    lines[16] = "0.15,abc,0,0,0,0,9.8".into();
    s = lines.join("\n") + "\n";
    let path = write(dir.path(), "rec.csv", &s);
    let e = error(&path, &no_opts());
    assert_eq!(
        e.to_string(),
        format!(
            "{}:17: field 'gyr_x': expected a number, found 'abc'",
            path.display()
        )
    );
    assert_eq!((e.line(), e.field()), (Some(17), Some("gyr_x")));
    // Past the read-ahead, the samples before the bad line are delivered first.
    let mut lines: Vec<String> = collis_csv(5000, 100.0, 0.0)
        .lines()
        .map(String::from)
        .collect();
    lines[2999] = "29.98,0,0,0,0,0,9.8x".into();
    let path = write(dir.path(), "late.csv", &(lines.join("\n") + "\n"));
    let mut r = open_imu(&path, &no_opts()).unwrap();
    let ok = r.by_ref().take_while(Result::is_ok).count();
    assert_eq!(ok, 2998);
    assert!(r.next().is_none(), "the reader stops after an error");
    let e = error(&path, &no_opts());
    assert_eq!((e.line(), e.field()), (Some(3000), Some("acc_z")));
}

#[test]
fn wrong_number_of_fields() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = collis_csv(300, 100.0, 0.0);
    s.push_str("3.0,0,0,0,9.8\n");
    s.push_str(collis_csv(2, 100.0, 4.0).lines().nth(1).unwrap());
    s.push('\n');
    let path = write(dir.path(), "short.csv", &s);
    let e = error(&path, &no_opts());
    assert_eq!(e.line(), Some(302));
    assert!(
        e.to_string()
            .contains("expected 7 fields as in the header, found 5"),
        "{e}"
    );
}

#[test]
fn nan_rows_are_skipped_and_counted_until_there_are_too_many() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines: Vec<String> = collis_csv(1000, 100.0, 0.0)
        .lines()
        .map(String::from)
        .collect();
    let set = |line: &mut String, field: usize, value: &str| {
        let mut f: Vec<&str> = line.split(',').collect();
        f[field] = value;
        *line = f.join(",");
    };
    set(&mut lines[120], 4, "NaN");
    set(&mut lines[500], 4, "");
    set(&mut lines[501], 4, " ");
    let path = write(dir.path(), "nan.csv", &(lines.join("\n") + "\n"));
    let r = read(&path, &no_opts());
    assert_eq!(r.samples.len(), 997);
    assert!(
        warned(&r.warnings, "nan.csv:121: 3 rows with an empty, NaN or infinite value skipped (first at line 121, field 'acc_x')"),
        "{:?}",
        r.warnings
    );
    // > 20 % missing: an error at the end of the stream.
    for line in lines.iter_mut().skip(600).take(250) {
        set(line, 2, "inf");
    }
    let path = write(dir.path(), "nans.csv", &(lines.join("\n") + "\n"));
    let e = error(&path, &no_opts());
    assert!(
        e.to_string().contains("253 of 1000 data rows (25 %)"),
        "{e}"
    );
}

#[test]
fn non_monotonic_duplicated_and_gappy_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = String::from("time_s,gyr_x,gyr_y,gyr_z,acc_x,acc_y,acc_z\n");
    let mut times: Vec<f64> = (0..1000).map(|i| i as f64 * 0.01).collect();
    times[400] = times[399]; // duplicate (line 402)
    times[401] = times[399]; // duplicate
    times[600] = 5.0; // backwards (line 602)
    for t in times.iter_mut().skip(800) {
        *t += 1.0; // a 1.01 s gap before line 802
    }
    for t in &times {
        s.push_str(&format!("{t},0.01,0,0,0,0,9.8\n"));
    }
    let path = write(dir.path(), "time.csv", &s);
    let r = read(&path, &no_opts());
    assert_eq!(r.samples.len(), 997);
    assert!(r.samples.windows(2).all(|w| w[1].time_s > w[0].time_s));
    let w = &r.warnings;
    assert!(
        warned(
            w,
            "time.csv:402: 2 duplicated timestamps dropped (first at line 402)"
        ),
        "{w:?}"
    );
    assert!(warned(w, "time.csv:602: 1 non-monotonic"), "{w:?}");
    assert!(
        warned(w, "time.csv:802: 1 gaps longer than 3 sampling steps"),
        "{w:?}"
    );
    assert!(warned(w, "the longest is 1.010 s before line 802"), "{w:?}");
}

#[test]
fn accelerometer_in_g_declared_as_m_s2() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = String::from("time_s,gyr_x,gyr_y,gyr_z,acc_x,acc_y,acc_z\n");
    for i in 0..500 {
        s.push_str(&format!("{},0,0,0,0.02,-0.1,0.99\n", i as f64 * 0.01));
    }
    let path = write(dir.path(), "g.csv", &s);
    let e = error(&path, &no_opts());
    let m = e.to_string();
    assert!(m.contains("look like g: pass --acc-unit g"), "{m}");
    assert!(m.contains("declared unit m/s²"), "{m}");
    let opts = ImportOptions {
        acc_unit: Some(AccUnit::G),
        ..Default::default()
    };
    let r = read(&path, &opts);
    assert!(close(r.samples[0].acc_m_s2[2], 0.99 * G, 1e-9));
    // Milli-g in a file declared as m/s².
    let s = s.replace("0.02,-0.1,0.99", "20,-100,990");
    let path = write(dir.path(), "mg.csv", &s);
    let m = error(&path, &no_opts()).to_string();
    assert!(m.contains("look like mg: pass --acc-unit mg"), "{m}");
}

#[test]
fn gyroscope_in_deg_s_declared_as_rad_s() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = String::from("time_s,gyr_x,gyr_y,gyr_z,acc_x,acc_y,acc_z\n");
    for i in 0..500 {
        let w = 90.0 * (i as f64 * 0.03).sin(); // deg/s, head turning back and forth
        s.push_str(&format!("{},{w},0,0,0,0,9.8\n", i as f64 * 0.01));
    }
    let path = write(dir.path(), "dps.csv", &s);
    let m = error(&path, &no_opts()).to_string();
    assert!(m.contains("probably deg/s; pass --gyr-unit dps"), "{m}");
    // A single spike at rest is only a warning.
    let mut s = String::from("time_s,gyr_x,gyr_y,gyr_z,acc_x,acc_y,acc_z\n");
    for i in 0..500 {
        let w = if i == 100 { 40.0 } else { 0.01 };
        s.push_str(&format!("{},{w},0,0,0,0,9.8\n", i as f64 * 0.01));
    }
    let path = write(dir.path(), "spike.csv", &s);
    let r = read(&path, &no_opts());
    assert!(warned(&r.warnings, "probably deg/s"), "{:?}", r.warnings);
    assert!(
        warned(
            &r.warnings,
            "1 samples with a gyroscope value above 35 rad/s"
        ),
        "{:?}",
        r.warnings
    );
}

#[test]
fn saturated_accelerometer_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = String::from("t,A_X [mg],A_Y [mg],A_Z [mg],G_X [dps],G_Y [dps],G_Z [dps]\n");
    for i in 0..1000 {
        let ax = if (500..510).contains(&i) {
            3997.7
        } else {
            100.0
        };
        s.push_str(&format!("{},{ax},20,990,1,2,3\n", i as f64 * 0.01));
    }
    let path = write(dir.path(), "sat.csv", &s);
    let r = read(&path, &no_opts());
    assert!(
        warned(&r.warnings, "acc_x probably saturated at ±4 g (10 samples)"),
        "{:?}",
        r.warnings
    );
}

#[test]
fn truncated_last_line_keeps_the_rows_before() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = collis_csv(300, 100.0, 0.0);
    s.push_str("3.0,0.01,0.02,0.0");
    let path = write(dir.path(), "cut.csv", &s);
    let r = read(&path, &no_opts());
    assert_eq!(r.samples.len(), 300);
    assert!(
        warned(&r.warnings, "cut.csv:302: the last line is incomplete"),
        "{:?}",
        r.warnings
    );
    // A complete last line without a newline is just a row.
    let s = collis_csv(300, 100.0, 0.0);
    let path = write(dir.path(), "nonl.csv", s.trim_end());
    assert_eq!(read(&path, &no_opts()).samples.len(), 300);
}

#[test]
fn crlf_line_endings() {
    let dir = tempfile::tempdir().unwrap();
    let s = collis_csv(300, 100.0, 0.0).replace('\n', "\r\n");
    let r = read(&write(dir.path(), "win.csv", &s), &no_opts());
    assert_eq!(r.samples.len(), 300);
    assert_eq!(r.info.format, "collis-csv");
}

#[test]
fn rate_out_of_range() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = String::from("time_s,gyr_x,gyr_y,gyr_z,acc_x,acc_y,acc_z\n");
    for i in 0..100 {
        s.push_str(&format!("{},0,0,0,0,0,9.8\n", i as f64 * 0.5));
    }
    let m = error(&write(dir.path(), "slow.csv", &s), &no_opts()).to_string();
    assert!(
        m.contains("sampling rate 2.0000 Hz") && m.contains("outside 5–10000 Hz"),
        "{m}"
    );
    let path = write(
        dir.path(),
        "notime.csv",
        "gx,gy,gz,ax,ay,az\n0,0,0,0,0,9.8\n0,0,0,0,0,9.8\n",
    );
    let opts = ImportOptions {
        rate_hz: Some(50_000.0),
        ..Default::default()
    };
    assert!(error(&path, &opts)
        .to_string()
        .contains("sampling rate 50000.0000 Hz (--rate)"));
}

#[test]
fn garbage_gigabyte_fails_fast() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("garbage.csv");
    let mut f = std::fs::File::create(&path).unwrap();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    f.write_all(&bytes).unwrap();
    f.set_len(1 << 30).unwrap();
    drop(f);
    let start = Instant::now();
    let e = error(&path, &no_opts());
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
    assert!(e.to_string().contains("not a text recording"), "{e}");
    // All zeros: a NUL in the first line.
    let zeros = dir.path().join("zeros.csv");
    std::fs::File::create(&zeros)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let start = Instant::now();
    let e = error(&zeros, &no_opts());
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
    assert!(e.to_string().contains("not a text recording"), "{e}");
}

#[test]
fn missing_paths_directories_and_fake_zips() {
    let dir = tempfile::tempdir().unwrap();
    let e = error(&dir.path().join("nope.csv"), &no_opts());
    assert!(
        e.to_string()
            .ends_with("nope.csv: no such file or directory"),
        "{e}"
    );
    write(dir.path(), "notes.txt", "hello\n");
    let e = error(dir.path(), &no_opts());
    assert!(
        e.to_string()
            .contains("no Gyroscope.csv: not a Sensor Logger recording"),
        "{e}"
    );
    assert!(e.to_string().contains("notes.txt"), "{e}");
    let fake = write(dir.path(), "fake.zip", "time_s,gyr_x\n1,2\n");
    let e = error(&fake, &no_opts());
    assert!(
        e.to_string()
            .contains("fake.zip: not a readable zip archive"),
        "{e}"
    );
    let mut z = b"PK\x03\x04".to_vec();
    z.extend_from_slice(&[0xff; 100]);
    let path = dir.path().join("broken.bin");
    std::fs::write(&path, z).unwrap();
    assert!(error(&path, &no_opts())
        .to_string()
        .contains("not a readable zip archive"));
}
