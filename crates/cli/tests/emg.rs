//! `collis analyze` on surface EMG: CSV and EDF+ (written by pyedflib, an independent
//! writer) of a simulated recording with known bursts, the combined head + EMG analysis, and
//! bad EMG input; the envelope series and the report's EMG figures.

use collis_sim::{simulate_emg, EmgSim, EmgSimOptions};
mod common;

use common::{collis, text};
use std::path::Path;
use std::process::Command;

fn sim() -> EmgSim {
    simulate_emg(&EmgSimOptions {
        duration_s: 24.0,
        ..EmgSimOptions::neck(3)
    })
}

/// The simulation as CSV: time column, one column per channel in µV.
fn write_csv(sim: &EmgSim, path: &Path) {
    let mut s = String::from("time_s");
    for l in &sim.labels {
        s.push_str(&format!(",{l} [uV]"));
    }
    s.push('\n');
    for i in 0..sim.data[0].len() {
        s.push_str(&format!("{:.6}", i as f64 / sim.rate_hz));
        for ch in &sim.data {
            s.push_str(&format!(",{:.3}", ch[i]));
        }
        s.push('\n');
    }
    std::fs::write(path, s).unwrap();
}

/// A simulated head recording with tremor in `sim/` (recording.csv, truth.json).
fn simulate_head(dir: &Path, seconds: &str) {
    let args = [
        "simulate",
        "--profile",
        "torticollis-tremor",
        "--out",
        "sim",
        "--duration",
    ];
    let o = collis(&[&args[..], &[seconds]].concat(), dir);
    assert!(o.status.success(), "{}", text(&o));
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every channel's bursts match the truth within 30 ms and in number.
fn check_bursts(j: &serde_json::Value, sim: &EmgSim, offset_s: f64) {
    let channels = j["emg"]["channels"].as_array().unwrap();
    assert_eq!(channels.len(), 4);
    for (c, t) in channels.iter().zip(&sim.truth) {
        let bursts = c["bursts"].as_array().unwrap();
        let truth: Vec<&[f64; 2]> = t.bursts.iter().filter(|b| b[1] < 24.0).collect();
        assert_eq!(bursts.len(), truth.len(), "{}", c["label"]);
        for (b, tb) in bursts.iter().zip(truth) {
            let on = b["onset_s"].as_f64().unwrap() - offset_s;
            let off = b["offset_s"].as_f64().unwrap() - offset_s;
            assert!(
                (on - tb[0]).abs() < 0.03 && (off - tb[1]).abs() < 0.03,
                "{b} vs {tb:?}"
            );
        }
    }
}

#[test]
fn analyze_emg_csv() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let sim = sim();
    write_csv(&sim, &p.join("emg.csv"));
    let o = collis(&["analyze", "emg.csv", "--json", "r.json"], p);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("Surface EMG") && out.contains("SCM-R"),
        "{out}"
    );
    let j = json(&p.join("r.json"));
    assert_eq!(j["schema_version"], "1.5.0");
    assert_eq!(j["recording"]["source"], "emg");
    let c = &j["emg"]["channels"][1];
    assert_eq!(c["label"], "SCM-R");
    assert_eq!(c["muscle"], "sternocleidomastoid");
    assert_eq!(c["side"], "right");
    assert_eq!(c["rate_hz"], 2000.0);
    assert_eq!(c["unit"], "uV");
    assert_eq!(c["mains_hz"], 50.0);
    assert!(c["rms"].as_f64().unwrap() > 0.0);
    check_bursts(&j, &sim, 0.0);
    let a = &j["emg"]["asymmetry"][0];
    assert_eq!(a["muscle"], "sternocleidomastoid");
    assert!((a["index"].as_f64().unwrap() + 0.25).abs() < 0.05, "{a}");
    // --channels renames sites; --mvc gives % MVC and puts asymmetry on it.
    let o = collis(
        &[
            "analyze",
            "emg.csv",
            "--json",
            "m.json",
            "--quiet",
            "--channels",
            "3=TRAP-L,4=TRAP-R",
            "--mvc",
            "SCM-L=200,SCM-R=200",
        ],
        p,
    );
    assert!(o.status.success(), "{}", text(&o));
    let j = json(&p.join("m.json"));
    assert_eq!(j["emg"]["channels"][2]["muscle"], "trapezius");
    assert!(
        j["emg"]["channels"][0]["activity_pct_mvc"]
            .as_f64()
            .unwrap()
            > 1.0
    );
    assert_eq!(j["emg"]["asymmetry"][0]["measure"], "pct_mvc");
    assert_eq!(j["emg"]["co_contraction"].as_array().unwrap().len(), 0);
}

#[test]
fn analyze_edf_written_by_pyedflib() {
    let ok = Command::new("python3")
        .args(["-c", "import pyedflib"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var("COLLIS_REQUIRE_PYEDFLIB").as_deref() != Ok("1"),
            "COLLIS_REQUIRE_PYEDFLIB=1 but pyedflib cannot be imported"
        );
        eprintln!("pyedflib not importable: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let sim = sim();
    write_csv(&sim, &p.join("emg.csv"));
    let script = r#"
import sys, numpy as np, pyedflib
d = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
labels = ["SCM-L", "SCM-R", "SPL-L", "SPL-R"]
f = pyedflib.EdfWriter(sys.argv[2], 4, file_type=pyedflib.FILETYPE_EDFPLUS)
f.setSignalHeaders([{"label": l, "dimension": "uV", "sample_frequency": 2000,
    "physical_max": 3000.0, "physical_min": -3000.0, "digital_max": 32767,
    "digital_min": -32768, "transducer": "AgAgCl", "prefilter": ""} for l in labels])
f.writeSamples([np.ascontiguousarray(d[:, k + 1]) for k in range(4)])
f.writeAnnotation(2.0, 1.5, "shrug")
f.close()
"#;
    let s = Command::new("python3")
        .args(["-c", script, "emg.csv", "emg.edf"])
        .current_dir(p)
        .status()
        .unwrap();
    assert!(s.success());
    let o = collis(&["analyze", "emg.edf", "--json", "r.json", "--quiet"], p);
    assert!(o.status.success(), "{}", text(&o));
    let j = json(&p.join("r.json"));
    assert_eq!(j["recording"]["format"], "EDF+C");
    check_bursts(&j, &sim, 0.0);
}

#[test]
fn head_recording_with_emg_is_aligned_by_time() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    simulate_head(p, "30");
    let sim = sim();
    write_csv(&sim, &p.join("emg.csv"));
    let o = collis(
        &[
            "analyze",
            "sim/recording.csv",
            "--neutral",
            "0.5:7.5",
            "--emg",
            "emg.csv",
            "--emg-offset",
            "1.5",
            "--json",
            "r.json",
        ],
        p,
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("Surface EMG"));
    let j = json(&p.join("r.json"));
    assert_eq!(j["recording"]["source"], "imu");
    assert_eq!(j["tremor"]["present"], true);
    check_bursts(&j, &sim, 1.5);
    // The envelope series moves with the bursts onto the head recording's clock.
    let o = collis(&["analyze", "emg.csv", "--json", "own.json"], p);
    assert!(o.status.success(), "{}", text(&o));
    let own = json(&p.join("own.json"));
    let starts = |j: &serde_json::Value| -> Vec<f64> {
        j["emg"]["channels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["envelope"]["start_s"].as_f64().unwrap())
            .collect()
    };
    for (shifted, own) in starts(&j).iter().zip(starts(&own)) {
        assert!(
            (shifted - own - 1.5).abs() < 1e-9,
            "envelope {shifted} s, own clock {own} s"
        );
    }
    // The simulated head tremor is there, so each EMG channel's coupling with it is given.
    assert_eq!(j["emg"]["tremor_coupling"].as_array().unwrap().len(), 4);
    // The EMG file given as the head recording's input with --emg is refused.
    let o = collis(&["analyze", "emg.csv", "--emg", "emg.csv"], p);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn bad_emg_input_gives_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let mut edf = b"0       ".to_vec();
    edf.resize(256, b' ');
    edf[236..244].copy_from_slice(b"abc     ");
    edf[252..256].copy_from_slice(b"1   ");
    edf[184..192].copy_from_slice(b"512     ");
    edf.resize(600, b' ');
    std::fs::write(p.join("bad.edf"), &edf).unwrap();
    let o = collis(&["analyze", "bad.edf"], p);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains(
            "bad.edf: byte 236: field 'number of data records': expected an integer, found 'abc'"
        ),
        "{}",
        text(&o)
    );
    std::fs::write(p.join("empty.edf"), b"").unwrap();
    let o = collis(&["analyze", "empty.edf"], p);
    assert!(text(&o).contains("empty.edf: empty file"), "{}", text(&o));
    std::fs::write(p.join("slow.csv"), "time,EMG\n0,1\n0.01,2\n0.02,3\n").unwrap();
    let o = collis(&["analyze", "slow.csv"], p);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("at least 200 Hz"), "{}", text(&o));
    std::fs::write(
        p.join("rec.hea"),
        "rec 1 1000\nrec.dat 16 200 12 0 0 0 0 SCM-L\n",
    )
    .unwrap();
    let o = collis(&["analyze", "rec.hea"], p);
    assert!(text(&o).contains("rec.dat: cannot open"), "{}", text(&o));
}

#[test]
fn emg_bursting_at_the_head_tremor_is_reported_tremor_locked() {
    use collis_sim::EmgChannelSpec;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    simulate_head(p, "40");
    let truth = json(&p.join("sim/truth.json"));
    let f = truth["tremor"]["frequency_hz"].as_f64().unwrap();
    // SCM-L bursts once per tremor cycle; SCM-R at irregular 0.17–0.46 s intervals.
    let locked: Vec<[f64; 2]> = (0..(40.0 * f) as usize)
        .map(|k| [k as f64 / f, k as f64 / f + 0.06])
        .collect();
    let mut t = 0.0;
    let free: Vec<[f64; 2]> = (0..120)
        .map(|k| {
            t += 0.17 + 0.29 * (k as f64 * 0.618_034).fract();
            [t, t + 0.06]
        })
        .collect();
    let spec = |label: &str, bursts| EmgChannelSpec {
        label: label.to_string(),
        amplitude_uv: 80.0,
        bursts,
    };
    let sim = simulate_emg(&EmgSimOptions {
        duration_s: 40.0,
        channels: vec![spec("SCM-L", locked), spec("SCM-R", free)],
        ..EmgSimOptions::neck(5)
    });
    let mut csv = String::from("time_s,SCM-L,SCM-R\n");
    for i in 0..sim.data[0].len() {
        csv.push_str(&format!(
            "{:.6},{:.3},{:.3}\n",
            i as f64 / sim.rate_hz,
            sim.data[0][i],
            sim.data[1][i]
        ));
    }
    std::fs::write(p.join("emg.csv"), csv).unwrap();
    let o = collis(
        &[
            "analyze",
            "sim/recording.csv",
            "--neutral",
            "0.5:7.5",
            "--emg",
            "emg.csv",
            "--json",
            "r.json",
        ],
        p,
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("tremor-locked"), "{}", text(&o));
    let j = json(&p.join("r.json"));
    let c = &j["emg"]["tremor_coupling"];
    assert_eq!(c[0]["channel"], "SCM-L");
    assert_eq!(c[0]["locked"], true, "{c}");
    assert_eq!(c[1]["locked"], false, "{c}");

    // The same session filmed: the head's true angles as a camera-based head pose (OpenFace 2
    // CSV, every third sample: 33 frames/s) give the same coupling through the video path.
    let truth_angles = std::fs::read_to_string(p.join("sim/truth_angles.csv")).unwrap();
    let mut of =
        String::from("frame,face_id,timestamp,confidence,success,pose_Rx,pose_Ry,pose_Rz\n");
    for (i, line) in truth_angles.lines().skip(1).step_by(3).enumerate() {
        let v: Vec<f64> = line.split(',').map(|x| x.parse().unwrap()).collect();
        let a = collis_core::HeadAngles {
            rotation_deg: v[1],
            tilt_deg: v[2],
            flexion_deg: v[3],
        };
        let [rx, ry, rz] =
            collis_io::openface::openface_from_rotation(&collis_core::camera::rotation_of(&a));
        of.push_str(&format!(
            "{},0,{:.6},0.98,1,{rx:.7},{ry:.7},{rz:.7}\n",
            i + 1,
            v[0]
        ));
    }
    std::fs::write(p.join("of.csv"), of).unwrap();
    let o = collis(
        &["analyze", "of.csv", "--emg", "emg.csv", "--json", "v.json"],
        p,
    );
    assert!(o.status.success(), "{}", text(&o));
    let v = json(&p.join("v.json"));
    assert_eq!(v["recording"]["source"], "video");
    let cv = &v["emg"]["tremor_coupling"];
    eprintln!("coupling, head sensor: {c}\ncoupling, video path: {cv}");
    assert_eq!(cv[0]["channel"], "SCM-L");
    assert_eq!(cv[0]["locked"], true, "{cv}");
    assert_eq!(cv[1]["locked"], false, "{cv}");
}

#[test]
fn an_emg_recording_is_stored_and_its_bursts_are_in_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let sim = sim();
    write_csv(&sim, &p.join("emg.csv"));
    let o = collis(
        &[
            "record",
            "add",
            "E-01",
            "emg.csv",
            "--db",
            "r.db",
            "--date",
            "2026-11-30",
        ],
        p,
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("stored session"), "{}", text(&o));
    let o = collis(&["report", "E-01", "--db", "r.db", "-o", "report.html"], p);
    assert!(o.status.success(), "{}", text(&o));
    let html = std::fs::read_to_string(p.join("report.html")).unwrap();
    assert!(html.contains("id=\"fig-emg\""), "no EMG figure");
    assert!(html.contains("Surface EMG") && html.contains("SCM-R"));
    // One bar per burst the analysis found: as many rectangles in the figure's SVG.
    let fig = &html[html.find("id=\"fig-emg\"").unwrap()..];
    let fig = &fig[..fig.find("</svg>").unwrap()];
    let bursts: usize = sim
        .truth
        .iter()
        .map(|t| t.bursts.iter().filter(|b| b[1] < 24.0).count())
        .sum();
    assert!(
        fig.matches("<rect").count() > bursts,
        "a bar per burst, and the background"
    );
    assert!(html.contains("asymmetry SCM"), "asymmetry row");
    // The envelope figure: a panel per channel, each with its envelope curve, bursts shaded.
    let fig = &html[html
        .find("id=\"fig-emg-envelope\"")
        .expect("no envelope figure")..];
    let fig = &fig[..fig.find("</svg>").unwrap()];
    for l in &sim.labels {
        assert!(fig.contains(&format!("\n{l}\n</text>")), "no panel for {l}");
    }
    assert!(
        fig.matches("<polyline").count() >= 2 * sim.labels.len(),
        "an envelope and a threshold line per channel"
    );
    assert!(fig.matches("<rect").count() > bursts, "a shade per burst");
}

#[test]
fn the_envelope_series_peaks_inside_the_known_bursts() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let sim = sim();
    write_csv(&sim, &p.join("emg.csv"));
    let o = collis(&["analyze", "emg.csv", "--json", "r.json", "--quiet"], p);
    assert!(o.status.success(), "{}", text(&o));
    let j = json(&p.join("r.json"));
    for (c, t) in j["emg"]["channels"]
        .as_array()
        .unwrap()
        .iter()
        .zip(&sim.truth)
    {
        let env = &c["envelope"];
        assert_eq!(env["scale"], "x_baseline", "{}", c["label"]);
        let rate = env["rate_hz"].as_f64().unwrap();
        let start = env["start_s"].as_f64().unwrap();
        let threshold = env["threshold"].as_f64().unwrap();
        let v: Vec<f64> = env["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        assert!((v.len() as f64 - (24.0 - start) * rate).abs() <= 2.0);
        let time = |k: usize| start + (k as f64 + 0.5) / rate;
        // Between bursts (≥ 150 ms away) the envelope stays under the threshold; each burst
        // of 300 ms or more has its largest bin inside it and above the threshold (tolerance:
        // half a bin, 25 ms).
        for (k, &x) in v.iter().enumerate() {
            if t.bursts
                .iter()
                .all(|b| time(k) + 0.15 < b[0] || time(k) > b[1] + 0.15)
            {
                assert!(x < threshold, "{} at {:.2} s: {x}", c["label"], time(k));
            }
        }
        for b in t
            .bursts
            .iter()
            .filter(|b| b[1] < 24.0 && b[1] - b[0] >= 0.3)
        {
            let near: Vec<usize> = (0..v.len())
                .filter(|&k| time(k) > b[0] - 0.5 && time(k) < b[1] + 0.5)
                .collect();
            let peak = *near
                .iter()
                .max_by(|&&a, &&b| v[a].total_cmp(&v[b]))
                .unwrap();
            let tol = 0.5 / rate;
            assert!(
                time(peak) >= b[0] - tol && time(peak) <= b[1] + tol && v[peak] > threshold,
                "{}: peak {:.2} s ({}) vs burst {b:?}",
                c["label"],
                time(peak),
                v[peak]
            );
        }
    }
}
