//! End-to-end tests of the `collis` binary: the demo, every command on simulated recordings,
//! the synthetic-truth acceptance figures, and bad input (clear error, exit code 2, no panic).

mod common;

use common::{collis, text};
use std::path::Path;

#[test]
fn demo_writes_summary_results_and_truth() {
    let dir = tempfile::tempdir().unwrap();
    let o = collis(&["demo", "--out", "demo"], dir.path());
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    for needle in [
        "TWSTRS",
        "Tremor      present",
        "not a diagnosis",
        "Simulated truth",
    ] {
        assert!(out.contains(needle), "summary lacks '{needle}':\n{out}");
    }
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("demo/results.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(json["schema_version"], "1.1.0");
    assert_eq!(json["recording"]["source"], "imu");
    assert_eq!(json["recording"]["reference"]["kind"], "neutral");
    assert_eq!(json["tremor"]["present"], true);
    assert!(json["twstrs"]["rotation"]["evidence"][0]["value"].is_number());
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("demo/truth.json")).unwrap())
            .unwrap();
    let err = (json["posture"]["rotation_deg"]["median"].as_f64().unwrap()
        - truth["posture_median_deg"][0].as_f64().unwrap())
    .abs();
    assert!(err < 1.5, "rotation median off by {err}°");
    // The demo record and its report.
    assert!(
        out.contains("subject DEMO-01, 19 visits every 14 days"),
        "{out}"
    );
    let report = std::fs::read_to_string(dir.path().join("demo/report.html")).unwrap();
    assert!(report.contains("DEMO-01") && report.contains("Botulinum toxin cycles"));
    let o = collis(&["trend", "DEMO-01", "--db", "demo/record.db"], dir.path());
    assert!(o.status.success(), "{}", text(&o));
    let trend = text(&o);
    assert!(
        trend.contains("19 sessions") && trend.contains("|rotation| (°)\t19"),
        "{trend}"
    );
    // Three cycles, each with a wear-off.
    let cycles: Vec<&str> = trend.lines().filter(|l| l.starts_with("2026-")).collect();
    assert_eq!(cycles.len(), 3, "{trend}");
    assert!(cycles.iter().all(|l| !l.ends_with("\t-")), "{trend}");
}

#[test]
fn synthetic_truth_acceptance() {
    // Every profile × 2 seeds × 2 mountings × (9D, 6D, 9D + trunk): posture ≤ 1.5°, tremor
    // frequency ≤ 0.2 Hz and amplitude ≤ 15 %, jerks ±1, TWSTRS rotation/laterocollis exact,
    // healthy without tremor or jerks. The command fails when any figure is missed.
    let dir = tempfile::tempdir().unwrap();
    let o = collis(
        &["validate", "--seeds", "2", "--data", "no-such-folder"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("all acceptance figures met"));
    // Including the botulinum cycles: effect and wear-off within one visit interval.
    assert!(
        text(&o).contains("### Botulinum toxin cycles"),
        "{}",
        text(&o)
    );
}

#[test]
fn angles_and_orient_write_one_row_per_sample() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let o = collis(
        &[
            "simulate",
            "--profile",
            "laterocollis",
            "--out",
            "sim",
            "--duration",
            "20",
            "--no-mag",
        ],
        p,
    );
    assert!(o.status.success(), "{}", text(&o));
    let rows = |f: &str| std::fs::read_to_string(p.join(f)).unwrap().lines().count();
    let o = collis(&["orient", "sim/recording.csv", "-o", "q.csv"], p);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(rows("q.csv"), rows("sim/recording.csv"));
    assert!(std::fs::read_to_string(p.join("q.csv"))
        .unwrap()
        .starts_with("time_s,qw,qx,qy,qz\n"));
    // Without a reference, rotation is empty (null), never guessed.
    let o = collis(&["angles", "sim/recording.csv", "-o", "a.csv"], p);
    assert!(o.status.success(), "{}", text(&o));
    let a = std::fs::read_to_string(p.join("a.csv")).unwrap();
    assert!(a.starts_with("time_s,rotation_deg,tilt_deg,flexion_deg\n"));
    assert!(a.lines().nth(100).unwrap().split(',').nth(1) == Some(""));
    assert_eq!(rows("a.csv"), rows("sim/recording.csv"));
    // With the neutral segment it is referenced.
    let o = collis(
        &[
            "angles",
            "sim/recording.csv",
            "-o",
            "b.csv",
            "--neutral",
            "0.5:7.5",
        ],
        p,
    );
    assert!(o.status.success(), "{}", text(&o));
    let b = std::fs::read_to_string(p.join("b.csv")).unwrap();
    assert!(b
        .lines()
        .nth(100)
        .unwrap()
        .split(',')
        .nth(1)
        .unwrap()
        .parse::<f64>()
        .is_ok());
}

#[test]
fn hold_task_scores_the_hold_item() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    assert!(collis(
        &[
            "simulate",
            "--profile",
            "healthy",
            "--out",
            "h",
            "--duration",
            "75"
        ],
        p
    )
    .status
    .success());
    let o = collis(
        &[
            "analyze",
            "h/recording.csv",
            "--neutral",
            "0.5:7.5",
            "--task",
            "hold-neutral",
            "--json",
            "r.json",
        ],
        p,
    );
    assert!(o.status.success(), "{}", text(&o));
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p.join("r.json")).unwrap()).unwrap();
    assert!(r["twstrs"]["hold_within_10deg"]["score"].is_number(), "{r}");
}

fn expect_clean_error(args: &[&str], cwd: &Path, needle: &str) {
    let o = collis(args, cwd);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {out}");
    assert!(!out.contains("panicked"), "{args:?} panicked: {out}");
    assert!(
        out.contains(needle),
        "{args:?}: expected '{needle}' in: {out}"
    );
}

#[test]
fn bad_input_gives_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let write = |name: &str, body: &str| std::fs::write(p.join(name), body).unwrap();
    write("empty.csv", "");
    write("header.csv", "time_s,gyr_x,gyr_y,gyr_z,acc_x,acc_y,acc_z\n");
    let mut text_in_numbers = String::from("time_s,gyr_x,gyr_y,gyr_z,acc_x,acc_y,acc_z\n");
    for i in 0..300 {
        text_in_numbers.push_str(&format!("{},0,0,0,0,0,9.81\n", i as f64 * 0.01));
    }
    text_in_numbers.push_str("3.0,abc,0,0,0,0,9.81\n");
    write("text.csv", &text_in_numbers);
    let mut in_g = String::from("time_s,gyr_x,gyr_y,gyr_z,acc_x,acc_y,acc_z\n");
    for i in 0..500 {
        in_g.push_str(&format!("{},0,0,0,0,0,1.0\n", i as f64 * 0.01));
    }
    write("in_g.csv", &in_g);
    for f in [
        "empty.csv",
        "header.csv",
        "text.csv",
        "in_g.csv",
        "missing.csv",
    ] {
        expect_clean_error(&["analyze", f], p, f);
    }
    expect_clean_error(&["analyze", "text.csv"], p, "gyr_x");
    expect_clean_error(&["analyze", "in_g.csv"], p, "g");
    expect_clean_error(
        &["analyze", "in_g.csv", "--axes", "x=up,y=up,z=left"],
        p,
        "mounting",
    );
    expect_clean_error(&["analyze", "in_g.csv", "--neutral", "5:1"], p, "START");
    let mut ok = String::from("time_s,gyr_x,gyr_y,gyr_z,acc_x,acc_y,acc_z\n");
    for i in 0..600 {
        ok.push_str(&format!("{},0.001,0,0,0,0,9.81\n", i as f64 * 0.01));
    }
    write("ok.csv", &ok);
    expect_clean_error(
        &["analyze", "ok.csv", "--neutral", "500:600"],
        p,
        "neutral segment",
    );
    expect_clean_error(&["simulate", "--out", "s", "--rate", "0"], p, "--rate");
    expect_clean_error(
        &["simulate", "--out", "s", "--duration", "NaN"],
        p,
        "--duration",
    );
    expect_clean_error(
        &["simulate", "--out", "s", "--duration", "1e9"],
        p,
        "--duration",
    );
}
