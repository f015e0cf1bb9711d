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
    assert_eq!(json["schema_version"], "1.5.0");
    assert!(json["pattern"]["top"].is_string(), "{json}");
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
    // The injections fit the patient, who turns the chin to the left with the left ear down.
    assert!(report.contains("left torticollis") && report.contains("left laterocollis"));
    assert!(
        report.contains("splenius capitis left 60 U, sternocleidomastoid right 40 U, levator scapulae left 30 U"),
        "{report}"
    );
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
    exercises_leave_the_trend_and_the_default_report_as_they_were(dir.path(), &trend);
}

/// Issue 20: four home exercises in the third cycle made it read −94 % (it was −44 %), and the
/// default report showed a 13-s exercise. Exercises and trials (other tasks) and a recording
/// with another reference are stored for the demo patient: `collis trend` gives the same
/// figures and cycles, the default report is the same visit with the same comparisons, and
/// it lists the others apart. `--task hold-neutral` follows the exercises instead.
fn exercises_leave_the_trend_and_the_default_report_as_they_were(dir: &Path, trend: &str) {
    let db = "demo/record.db";
    let report = |name: &str| {
        let o = collis(&["report", "DEMO-01", "--db", db, "-o", name], dir);
        assert!(o.status.success(), "{}", text(&o));
        std::fs::read_to_string(dir.join(name)).unwrap()
    };
    let before = report("before.html");
    for (k, (profile, task, date, neutral)) in [
        ("healthy", "hold-neutral", "2026-07-28", true),
        ("torticollis-tremor", "rom", "2026-07-29", true),
        ("chorea", "exercise", "2026-07-30", true),
        ("jerky-cd", "sensory-trick", "2026-07-31", true),
        ("healthy", "rest", "2026-08-01", false),
    ]
    .into_iter()
    .enumerate()
    {
        let out = format!("ex{k}");
        let o = collis(
            &[
                "simulate",
                "--profile",
                profile,
                "--out",
                &out,
                "--duration",
                "40",
                "--seed",
                &(k + 7).to_string(),
            ],
            dir,
        );
        assert!(o.status.success(), "{}", text(&o));
        let truth: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join(&out).join("truth.json")).unwrap(),
        )
        .unwrap();
        let span = format!(
            "{}:{}",
            truth["neutral_s"][0].as_f64().unwrap(),
            truth["neutral_s"][1].as_f64().unwrap()
        );
        let file = format!("{out}/recording.csv");
        let mut args = vec![
            "record", "add", "DEMO-01", &file, "--task", task, "--date", date, "--db", db,
        ];
        if neutral {
            args.extend(["--neutral", &span]);
        }
        let o = collis(&args, dir);
        assert!(o.status.success(), "{}", text(&o));
    }
    let o = collis(&["trend", "DEMO-01", "--db", db], dir);
    assert!(o.status.success(), "{}", text(&o));
    let after = text(&o);
    let figures = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| !l.starts_with("Not compared"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(figures(&after), figures(trend), "{after}");
    assert!(
        after.contains("Not compared: 5 other session(s)"),
        "{after}"
    );
    // The report: the same visit, the same comparisons; the others in their own section.
    let after_report = report("after.html");
    let section = |html: &str, id: &str| -> String {
        let start = html.find(id).unwrap_or_else(|| panic!("no {id}"));
        html[start..]
            .split("</section>")
            .next()
            .unwrap()
            .to_string()
    };
    for id in [
        "<title>",
        "id=\"protocol\"",
        "What changed since the last visit",
        "Trends across these visits",
        "Botulinum toxin cycles",
        "id=\"fig-longitudinal\"",
    ] {
        assert_eq!(section(&after_report, id), section(&before, id), "{id}");
    }
    assert!(!before.contains("id=\"others\""));
    let others = section(&after_report, "id=\"others\"");
    for kind in [
        "hold-neutral exercise, head sensor",
        "range of motion",
        "sensory-trick trial",
        "at rest, head sensor, tilt and flexion against gravity",
    ] {
        assert!(others.contains(kind), "{kind}: {others}");
    }
    // No pattern label on an exercise (session 22: the chorea-like free exercise), the reason
    // instead; its own comparisons are with no other session.
    let o = collis(
        &[
            "report",
            "DEMO-01",
            "--session",
            "22",
            "--db",
            db,
            "-o",
            "ex.html",
        ],
        dir,
    );
    assert!(o.status.success(), "{}", text(&o));
    let exercise = std::fs::read_to_string(dir.join("ex.html")).unwrap();
    assert!(
        exercise.contains("task exercise") && exercise.contains("profiled at rest only"),
        "{exercise}"
    );
    assert!(!exercise.contains("<b>Movement pattern</b>"));
    assert!(exercise
        .contains("First session of this subject recorded this way: nothing to compare yet."));
    // The exercises can be followed on their own.
    let o = collis(
        &["trend", "DEMO-01", "--db", db, "--task", "hold-neutral"],
        dir,
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("1 sessions recorded the same way (hold-neutral exercise, head sensor"),
        "{}",
        text(&o)
    );
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
fn an_output_over_its_own_input_is_refused() {
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
            "5",
        ],
        p,
    );
    assert!(o.status.success(), "{}", text(&o));
    let input = p.join("sim/recording.csv");
    std::os::unix::fs::symlink(&input, p.join("soft.csv")).unwrap();
    std::fs::hard_link(&input, p.join("hard.csv")).unwrap();
    let before = std::fs::read(&input).unwrap();
    for command in ["angles", "orient"] {
        for output in [
            "sim/recording.csv",
            "sim/../sim/recording.csv",
            "soft.csv",
            "hard.csv",
        ] {
            let args = [command, "sim/recording.csv", "-o", output];
            expect_clean_error(&args, p, "is the input");
        }
    }
    assert!(
        std::fs::read(&input).unwrap() == before,
        "the recording is intact"
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

/// Issue 19: a 0.02-s file was scored (TWSTRS 0/16, "within normal limits") and `--without`
/// on a 2-row file read 83 % relief. Below each figure's minimum duration the figure is absent
/// with the reason, and nothing is scored; options that would do nothing are refused.
#[test]
fn tiny_inputs_are_not_scored_and_idle_options_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let o = collis(&["simulate", "--out", "s", "--duration", "40"], p);
    assert!(o.status.success(), "{}", text(&o));
    let full = std::fs::read_to_string(p.join("s/recording.csv")).unwrap();
    let head = |rows: usize| full.lines().take(rows + 1).collect::<Vec<_>>().join("\n") + "\n";
    std::fs::write(p.join("tiny.csv"), head(3)).unwrap();
    std::fs::write(p.join("two.csv"), head(2)).unwrap();
    let o = collis(&["analyze", "tiny.csv", "--json", "tiny.json"], p);
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    for needle in [
        "not assessed: 0.03 s analysed; needs at least 10 s",
        "Tremor      not assessed",
        "machine subtotal     none: no item scored",
        "Movement pattern: not assessed",
    ] {
        assert!(out.contains(needle), "lacks '{needle}':\n{out}");
    }
    assert!(
        !out.contains("within normal limits") && !out.contains("0/16"),
        "{out}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p.join("tiny.json")).unwrap()).unwrap();
    assert!(
        json["posture"]["tilt_deg"].is_null() && json["pattern"].is_null(),
        "{json}"
    );
    assert_eq!(json["twstrs"]["machine_subtotal_max"], 0);
    assert_eq!(json["not_assessed"][0]["figure"], "posture");

    let o = collis(
        &[
            "analyze",
            "s/recording.csv",
            "--without",
            "two.csv",
            "--json",
            "w.json",
        ],
        p,
    );
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("Sensory trick not assessed"), "{out}");
    assert!(!out.contains("% relief"), "{out}");
    let o = collis(&["analyze", "s/recording.csv", "--trick", "100:110"], p);
    assert!(text(&o).contains("0.00 s of trick"), "{}", text(&o));

    expect_clean_error(
        &["analyze", "s/recording.csv", "--rate", "NaN"],
        p,
        "--rate",
    );
    expect_clean_error(
        &["analyze", "s/recording.csv", "--start", "5"],
        p,
        "--start applies to video and OpenFace CSV only",
    );
    expect_clean_error(
        &["angles", "s/recording.csv", "-o", "a.csv", "--end", "5"],
        p,
        "--end applies to video",
    );
    // A --rate the time column would overrule is still checked.
    expect_clean_error(
        &["analyze", "s/recording.csv", "--rate", "1e9"],
        p,
        "--rate",
    );
}

/// Simulate `profile` into `dir/name` and analyse it with `extra` options; the results JSON.
fn simulate_and_analyse(
    dir: &Path,
    name: &str,
    simulate: &[&str],
    extra: &[&str],
) -> serde_json::Value {
    let mut args = vec!["simulate", "--out", name];
    args.extend_from_slice(simulate);
    let o = collis(&args, dir);
    assert!(o.status.success(), "{}", text(&o));
    let recording = format!("{name}/recording.csv");
    let json = format!("{name}.json");
    let mut args = vec![
        "analyze",
        &recording,
        "--neutral",
        "0.5:7.5",
        "--json",
        &json,
    ];
    args.extend_from_slice(extra);
    let o = collis(&args, dir);
    assert!(o.status.success(), "{}", text(&o));
    serde_json::from_str(&std::fs::read_to_string(dir.join(&json)).unwrap()).unwrap()
}

#[test]
fn every_pattern_score_names_the_values_it_used() {
    let dir = tempfile::tempdir().unwrap();
    for (profile, top) in [
        ("tics", "tic_like"),
        ("et-no-no", "essential_tremor_like"),
        ("jerky-cd", "dystonic_posture"),
    ] {
        let r = simulate_and_analyse(dir.path(), profile, &["--profile", profile], &[]);
        let p = &r["pattern"];
        assert_eq!(p["top"], top, "{profile}: {p}");
        let scores = p["scores"].as_object().unwrap();
        assert_eq!(scores.len(), 7, "{p}");
        assert!(scores
            .values()
            .all(|s| (0.0..=1.0).contains(&s.as_f64().unwrap())));
        let explanations = p["explanations"].as_array().unwrap();
        assert_eq!(explanations.len(), 7);
        assert_eq!(explanations[0]["label"], top);
        for e in explanations {
            let summary = e["summary"].as_str().unwrap();
            let evidence = e["evidence"].as_array().unwrap();
            assert!(!evidence.is_empty(), "{profile}: {e}");
            for v in evidence {
                let figure = v["figure"].as_str().unwrap();
                let value = v["value"].as_f64().unwrap();
                let printed = match v["unit"].as_str().unwrap() {
                    "count" => format!("{figure} {value:.0}"),
                    "1" | "" => format!("{figure} {value:.2}"),
                    unit => format!("{figure} {value:.2} {unit}"),
                };
                assert!(
                    summary.contains(&printed),
                    "{profile}: '{summary}' does not name '{printed}'"
                );
            }
            assert!((0.0..=1.0).contains(&e["confidence"].as_f64().unwrap()));
        }
        // The evidence is the measured features, not restated numbers.
        let feature = |name: &str| {
            p["features"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["name"] == name)
                .unwrap()["value"]
                .as_f64()
        };
        let jerk_rate = explanations
            .iter()
            .find(|e| e["label"] == "myoclonic_jerks")
            .unwrap()["evidence"][0]["value"]
            .as_f64();
        assert_eq!(jerk_rate, feature("jerk_rate_per_min"));
        assert_eq!(jerk_rate, r["jerks"]["rate_per_min"].as_f64());
        assert!(p["caveat"].as_str().unwrap().contains("not a diagnosis"));
    }
}

#[test]
fn sensory_trick_segments_and_pairs() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let sim = [
        "--profile",
        "laterocollis",
        "--trick",
        "40:60",
        "--trick-relief",
        "0.6",
        "--trick-carry",
        "4",
    ];
    let r = simulate_and_analyse(p, "trick", &sim, &["--trick", "40:60"]);
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p.join("trick/truth.json")).unwrap())
            .unwrap();
    let t = &r["sensory_trick"];
    assert_eq!(t["axis"], "tilt", "{t}");
    let trial = &t["trials"][0];
    let relief = trial["relief_percent"].as_f64().unwrap();
    assert!(
        (relief - truth["trick"]["relief_percent"].as_f64().unwrap()).abs() < 8.0,
        "{t}"
    );
    let benefit = trial["benefit_s"].as_f64().unwrap();
    assert!(
        (benefit - truth["trick"]["benefit_s"].as_f64().unwrap()).abs() < 1.5,
        "{t}"
    );
    // 60 % relief lasting ≈ 24 s: partial (TWSTRS 1), moderate (TWSTRS-2 1).
    assert_eq!(
        (
            t["twstrs"]["score"].as_u64(),
            t["twstrs2"]["score"].as_u64()
        ),
        (Some(1), Some(1))
    );
    // A pair: the same patient without, then with the trick all along.
    simulate_and_analyse(
        p,
        "without",
        &["--profile", "laterocollis", "--duration", "60"],
        &[],
    );
    let with_sim = [
        "--profile",
        "laterocollis",
        "--duration",
        "60",
        "--trick",
        "8:60",
        "--trick-relief",
        "0.9",
    ];
    let r = simulate_and_analyse(
        p,
        "with",
        &with_sim,
        &["--without", "without/recording.csv"],
    );
    let t = &r["sensory_trick"];
    assert_eq!(t["design"], "pair", "{t}");
    assert!(
        t["trials"][0]["relief_percent"].as_f64().unwrap() > 80.0,
        "{t}"
    );
    assert_eq!(t["twstrs"]["score"], 0, "{t}");
    // The terminal summary shows it.
    let o = collis(
        &[
            "analyze",
            "trick/recording.csv",
            "--neutral",
            "0.5:7.5",
            "--trick",
            "40:60",
        ],
        p,
    );
    assert!(
        text(&o).contains("TWSTRS-2 sensory trick 1/4"),
        "{}",
        text(&o)
    );
    // Bad trick input: clear errors.
    expect_clean_error(
        &["analyze", "trick/recording.csv", "--trick", "60:40"],
        p,
        "START",
    );
    expect_clean_error(
        &[
            "analyze",
            "trick/recording.csv",
            "--trick",
            "30:50",
            "--trick",
            "40:60",
        ],
        p,
        "overlap",
    );
    expect_clean_error(
        &["analyze", "trick/recording.csv", "--without", "missing.csv"],
        p,
        "missing.csv",
    );
}

/// Issue 18 as a user meets it: clinic-protocol recordings (5-s neutral hold with sway at the
/// start, gyroscope bias, lever arm). 9D: rotation right from the first second; 6D: rotation
/// stated with its uncertainty and left unscored, with the reason; 6D after the sensor lay
/// still: the bias from the rest, rotation scored.
#[test]
fn clinic_recordings_give_honest_rotation() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let run = |args: &[&str]| {
        let o = collis(args, p);
        assert!(o.status.success(), "{args:?}: {}", text(&o));
        text(&o)
    };
    let truth = |d: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(p.join(d).join("truth.json")).unwrap())
            .unwrap()
    };
    let results = |f: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(p.join(f)).unwrap()).unwrap()
    };
    for (dir, extra) in [
        ("c9", vec![]),
        ("c6", vec!["--no-mag"]),
        ("r6", vec!["--no-mag", "--still-before", "10"]),
    ] {
        let mut args = vec!["simulate", "--clinic", "--seed", "2", "--out", dir];
        args.extend(extra);
        run(&args);
        let summary = run(&[
            "analyze",
            &format!("{dir}/recording.csv"),
            "--neutral",
            "0.5:4.5",
            "--json",
            &format!("{dir}.json"),
        ]);
        let r = results(&format!("{dir}.json"));
        let t = truth(dir);
        let rot = &r["posture"]["rotation_deg"];
        let err =
            (rot["median"].as_f64().unwrap() - t["posture_median_deg"][0].as_f64().unwrap()).abs();
        let u = rot["uncertainty_deg"].as_f64().unwrap();
        assert!(summary.contains(&format!("± {u:.1}°")), "{summary}");
        assert!(u >= err, "{dir}: error {err}° beyond ±{u}°");
        match dir {
            "c6" => {
                assert!(r["twstrs"]["rotation"].is_null(), "{r}");
                assert_eq!(r["twstrs"]["unscored"][0]["item"], "rotation");
                assert!(
                    summary.contains("rotation             not scored:"),
                    "{summary}"
                );
                assert_eq!(r["recording"]["gyro_bias"]["source"], "neutral");
            }
            _ => {
                assert!(err < 1.5, "{dir}: rotation off by {err}°");
                assert!(r["twstrs"]["rotation"]["score"].is_number(), "{r}");
                let source = if dir == "r6" { "rest" } else { "neutral" };
                assert_eq!(r["recording"]["gyro_bias"]["source"], source, "{r}");
            }
        }
    }
    // `orient` estimates files from the whole recording; --causal as a live stream would.
    run(&["orient", "c9/recording.csv", "-o", "whole.csv"]);
    run(&["orient", "c9/recording.csv", "-o", "causal.csv", "--causal"]);
    let rows = |f: &str| std::fs::read_to_string(p.join(f)).unwrap().lines().count();
    assert_eq!(rows("whole.csv"), rows("causal.csv"));
}
