//! End-to-end tests of the record: subjects, sessions, treatments, diary, CSV tables, the
//! clinician's report (validated HTML, rendered by headless Chromium, PDF checked page by
//! page with poppler), the research exports, and crash safety under SIGKILL.
//!
//! The report checks need `chromium`, `pdftoppm`/`pdftotext`/`pdfinfo` (poppler-utils), java
//! and the Nu Html Checker (`vnu.jar` from the npm package `vnu-jar`, found through
//! `$COLLIS_VNU_JAR` or under `~/.cache/collis-tools`), all installed by `.ci/run`. Without
//! them those checks are skipped with a message — unless `COLLIS_REQUIRE_REPORT_TOOLS=1`
//! (set by `.ci/run`), when they fail.

mod common;

use common::{collis, text};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Run collis and demand success; returns stdout and stderr.
fn ok(args: &[&str], cwd: &Path) -> String {
    let o = collis(args, cwd);
    assert!(o.status.success(), "collis {args:?} failed:\n{}", text(&o));
    text(&o)
}

fn simulate(dir: &Path, out: &str, profile: &str, seed: u64, duration: f64, severity: f64) {
    ok(
        &[
            "simulate",
            "--profile",
            profile,
            "--out",
            out,
            "--seed",
            &seed.to_string(),
            "--duration",
            &duration.to_string(),
            "--severity",
            &severity.to_string(),
        ],
        dir,
    );
}

fn required() -> bool {
    std::env::var("COLLIS_REQUIRE_REPORT_TOOLS").is_ok_and(|v| v == "1")
}

/// `program` when it runs, else skip (or fail when the tools are required).
fn tool(program: &str, probe: &[&str]) -> Option<PathBuf> {
    let found = Command::new(program)
        .args(probe)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if found {
        return Some(PathBuf::from(program));
    }
    assert!(
        !required(),
        "{program} is required (COLLIS_REQUIRE_REPORT_TOOLS=1) but does not run"
    );
    eprintln!("skipped: {program} not installed");
    None
}

fn vnu_jar() -> Option<PathBuf> {
    let jar = std::env::var_os("COLLIS_VNU_JAR")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| {
                PathBuf::from(h).join(".cache/collis-tools/node_modules/vnu-jar/build/dist/vnu.jar")
            })
        })
        .filter(|p| p.is_file());
    if jar.is_none() {
        assert!(
            !required(),
            "vnu.jar is required (COLLIS_REQUIRE_REPORT_TOOLS=1) but not found"
        );
        eprintln!("skipped: vnu.jar not found (npm install vnu-jar; COLLIS_VNU_JAR)");
    }
    jar
}

/// Errors the Nu Html Checker finds in `html` (empty = valid).
fn html_errors(jar: &Path, html: &Path) -> String {
    let o = Command::new("java")
        .arg("-jar")
        .arg(jar)
        .args(["--errors-only", "--format", "text"])
        .arg(html)
        .output()
        .expect("java runs");
    if o.status.success() {
        String::new()
    } else {
        text(&o)
    }
}

/// Share of dark pixels (< 160 of 255) in a binary PGM (P5) image.
fn dark_share(pgm: &[u8]) -> f64 {
    // Header: "P5" width height maxval, whitespace separated, then one byte per pixel.
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&pgm[start..i]).into_owned());
    }
    assert_eq!(fields[0], "P5");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let pixels = &pgm[i + 1..];
    assert_eq!(pixels.len(), w * h);
    pixels.iter().filter(|&&p| p < 160).count() as f64 / pixels.len() as f64
}

#[test]
fn record_treatments_report_and_exports() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fn with_db<'a>(args: &[&'a str]) -> Vec<&'a str> {
        [args, &["--db", "rec.db"]].concat()
    }
    simulate(d, "v1", "torticollis-tremor", 3, 40.0, 1.0);
    simulate(d, "v2", "torticollis-tremor", 3, 40.0, 0.5);
    simulate(d, "v3", "jerky-cd", 4, 40.0, 1.0);
    ok(
        &with_db(&[
            "subject",
            "add",
            "P7",
            "--sex",
            "female",
            "--birth-year",
            "1970",
            "--side",
            "right",
        ]),
        d,
    );
    let out = ok(
        &with_db(&[
            "record",
            "add",
            "P7",
            "v1/recording.csv",
            "--date",
            "2026-01-10",
            "--neutral",
            "0.5:7.5",
        ]),
        d,
    );
    assert!(out.contains("stored session 1: v1/recording.csv"), "{out}");
    let out = ok(
        &with_db(&[
            "record",
            "add",
            "P7",
            "v1/recording.csv",
            "--date",
            "2026-01-11",
        ]),
        d,
    );
    assert!(out.contains("already stored as session 1"), "{out}");
    ok(
        &with_db(&[
            "treatment",
            "botox",
            "P7",
            "--date",
            "2026-01-10",
            "--product",
            "incobotulinumtoxinA",
            "--dose",
            "splenius capitis:right:60",
            "--dose",
            "sternocleidomastoid:left:40",
            "--guidance",
            "emg",
        ]),
        d,
    );
    ok(
        &with_db(&[
            "treatment",
            "dbs",
            "P7",
            "--date",
            "2026-02-01",
            "--side",
            "both",
            "--contacts",
            "1-, C+",
            "--amplitude",
            "3",
            "--pulse-width",
            "90",
            "--frequency",
            "130",
        ]),
        d,
    );
    ok(
        &with_db(&[
            "treatment",
            "medication",
            "P7",
            "--name",
            "trihexyphenidyl",
            "--dose",
            "2 mg tid",
            "--start",
            "2025-12-01",
        ]),
        d,
    );
    ok(
        &with_db(&[
            "diary",
            "add",
            "P7",
            "--date",
            "2026-02-07",
            "--pain",
            "3",
            "--disability",
            "10",
            "--note",
            "better",
        ]),
        d,
    );
    ok(
        &with_db(&[
            "record",
            "add",
            "P7",
            "v2/recording.csv",
            "--date",
            "2026-02-07",
            "--neutral",
            "0.5:7.5",
        ]),
        d,
    );
    ok(
        &with_db(&[
            "record",
            "add",
            "Q2",
            "v3/recording.csv",
            "--date",
            "2026-02-08",
            "--neutral",
            "0.5:7.5",
        ]),
        d,
    );
    let list = ok(&with_db(&["record", "list", "P7"]), d);
    assert_eq!(list.lines().count(), 3, "{list}");
    assert!(
        list.contains("2026-02-07") && list.contains("rest"),
        "{list}"
    );
    let treatments = ok(&with_db(&["treatment", "list", "P7"]), d);
    assert!(
        treatments.contains("100 U")
            && treatments.contains("DBS")
            && treatments.contains("trihexyphenidyl"),
        "{treatments}"
    );
    assert!(ok(&with_db(&["diary", "list", "P7"]), d).contains("better"));

    // Bad input: a clear error, exit code 2, nothing stored.
    let o = collis(&with_db(&["diary", "add", "P7", "--pain", "12"]), d);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("pain: 12 is outside 0–10"),
        "{}",
        text(&o)
    );
    let o = collis(&with_db(&["report", "NOBODY", "-o", "x.html"]), d);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("no subject 'NOBODY'"), "{}", text(&o));

    // CSV tables into a second record and out again: the same text.
    for t in ["subjects", "injections", "dbs", "medications", "diary"] {
        ok(
            &with_db(&["table", "export", t, "-o", &format!("{t}.csv")]),
            d,
        );
        ok(
            &[
                "table",
                "import",
                t,
                &format!("{t}.csv"),
                "--db",
                "other.db",
            ],
            d,
        );
        ok(
            &[
                "table",
                "export",
                t,
                "-o",
                &format!("{t}-2.csv"),
                "--db",
                "other.db",
            ],
            d,
        );
        assert_eq!(
            std::fs::read_to_string(d.join(format!("{t}.csv"))).unwrap(),
            std::fs::read_to_string(d.join(format!("{t}-2.csv"))).unwrap(),
            "{t}"
        );
    }

    // The report.
    let chromium = tool("chromium", &["--version"]);
    let poppler = tool("pdftoppm", &["-v"]);
    let mut args = with_db(&["report", "P7", "-o", "report.html"]);
    if chromium.is_some() {
        args.extend(["--pdf", "report.pdf", "--png", "report.png"]);
    }
    ok(&args, d);
    let html = std::fs::read_to_string(d.join("report.html")).unwrap();
    for needle in [
        "<span id=\"subject\">P7</span>",
        "not a diagnosis",
        "id=\"fig-angles\"",
        "id=\"fig-direction\"",
        "id=\"fig-spectrum\"",
        "id=\"fig-jerks\"",
        "id=\"fig-longitudinal\"",
        "TWSTRS severity items",
        "What changed since the last visit",
        // In arrows and words beside colour: rotation −15° is better, flexion within the
        // visits' bounds no change (issue 20).
        "▼ -15.",
        ">no change<",
        "of 35, higher = worse",
        // Issue 20: a plain summary, the diary's TWSTRS-2 subscales, the clinician's fields,
        // the evidence in words rather than field names.
        "In plain words:</b>",
        "Patient-reported</b>",
        "Rated by the clinician",
        "Signature",
        "5th percentile",
        "botulinum toxin incobotulinumtoxinA (100 U) on 2026-01-10",
        "DBS programming on 2026-02-01",
        ">\nBoNT\n</text>",
        ">\nDBS\n</text>",
    ] {
        assert!(html.contains(needle), "report lacks {needle}");
    }
    for field in [
        "fraction_deviated",
        "maximal_share",
        "deviation_p95",
        "posture.",
    ] {
        assert!(!html.contains(field), "a field name in the report: {field}");
    }
    if let Some(jar) = vnu_jar() {
        assert_eq!(
            html_errors(&jar, &d.join("report.html")),
            "",
            "the report is not valid HTML"
        );
        // The checker does find errors.
        std::fs::write(
            d.join("broken.html"),
            "<!DOCTYPE html><html><body><p><div></p></body>",
        )
        .unwrap();
        assert!(!html_errors(&jar, &d.join("broken.html")).is_empty());
    }
    if chromium.is_some() {
        let png = std::fs::read(d.join("report.png")).unwrap();
        assert!(
            png.starts_with(b"\x89PNG") && png.len() > 20_000,
            "{} bytes",
            png.len()
        );
    }
    if let (Some(_), Some(_)) = (chromium, poppler) {
        let info = Command::new("pdfinfo")
            .arg(d.join("report.pdf"))
            .output()
            .unwrap();
        // This visit on page 1, the visits across time on page 2 (issue 20: a second page
        // rather than crowding).
        assert!(
            text(&info).contains("Pages:           2"),
            "{}",
            text(&info)
        );
        let o = Command::new("pdftoppm")
            .args(["-r", "40", "-gray", "report.pdf", "page"])
            .current_dir(d)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", text(&o));
        let page = std::fs::read(d.join("page-1.pgm")).unwrap();
        let dark = dark_share(&page);
        // Text, axes and curves: a few per cent of a page; a blank page has none.
        assert!((0.02..0.5).contains(&dark), "dark share {dark}");
        assert!(d.join("page-2.pgm").exists() && !d.join("page-3.pgm").exists());
        let o = Command::new("pdftotext")
            .args(["report.pdf", "-"])
            .current_dir(d)
            .output()
            .unwrap();
        let words = String::from_utf8_lossy(&o.stdout);
        for needle in [
            "P7",
            "Angles over time",
            "Where the head points",
            "Tremor spectrum",
            "Jerks and spasms",
            "Across visits",
            "TWSTRS",
            "not a diagnosis",
            "rotation",
            "frequency (Hz)",
        ] {
            assert!(words.contains(needle), "PDF text lacks {needle}");
        }
        // Print typography (issue 20): no word under 8 pt. pdftotext gives each word's box;
        // its height is 1.15 × the font size (DejaVu Sans: 9.18 pt for 8 pt text).
        let o = Command::new("pdftotext")
            .args(["-bbox", "report.pdf", "-"])
            .current_dir(d)
            .output()
            .unwrap();
        let boxes = String::from_utf8_lossy(&o.stdout);
        let mut smallest = (f64::INFINITY, String::new());
        for w in boxes.split("<word ").skip(1) {
            let attr = |name: &str| -> f64 {
                w.split(&format!("{name}=\""))
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap()
            };
            let word = w.split('>').nth(1).unwrap().split('<').next().unwrap();
            // Arrows and signs alone have boxes of their own shape, not the text size.
            if !word.chars().any(char::is_alphanumeric) {
                continue;
            }
            let height = attr("yMax") - attr("yMin");
            if height < smallest.0 {
                smallest = (height, word.to_string());
            }
        }
        eprintln!("smallest word in the PDF: {smallest:?} (pt, box height)");
        assert!(smallest.0 >= 9.1, "text under 8 pt: {smallest:?}");
    }

    // Without a neutral segment rotation has no reference: no direction plot, rotation centred.
    simulate(d, "v4", "healthy", 6, 20.0, 1.0);
    ok(&with_db(&["record", "add", "H9", "v4/recording.csv"]), d);
    ok(&with_db(&["report", "H9", "-o", "h9.html"]), d);
    let h9 = std::fs::read_to_string(d.join("h9.html")).unwrap();
    assert!(
        h9.contains("not shown, rotation has no reference")
            && h9.contains("rotation (centred, no reference)")
    );
    if let Some(jar) = vnu_jar() {
        assert_eq!(html_errors(&jar, &d.join("h9.html")), "");
    }

    // Exports.
    let out = ok(&with_db(&["export", "--out", "ex"]), d);
    assert!(out.contains("(4 rows)"), "{out}");
    let sessions = std::fs::read_to_string(d.join("ex/sessions.csv")).unwrap();
    assert_eq!(sessions.lines().count(), 5);
    assert!(sessions.starts_with("session_id,subject,recorded_on,task,"));
    let parquet = std::fs::read(d.join("ex/sessions.parquet")).unwrap();
    assert!(parquet.starts_with(b"PAR1") && parquet.ends_with(b"PAR1"));
    let events = std::fs::read_to_string(d.join("ex/events.csv")).unwrap();
    assert!(
        events.lines().count() > 1,
        "the jerky session has events:\n{events}"
    );
    let bundle: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("ex/fhir/session-2.json")).unwrap())
            .unwrap();
    assert_eq!(bundle["resourceType"], "Bundle");
    let entries = bundle["entry"].as_array().unwrap();
    assert!(entries
        .iter()
        .all(|e| e["resource"]["resourceType"] == "Observation"));
    assert!(entries
        .iter()
        .any(|e| e["resource"]["code"]["coding"][0]["code"] == "72514-3"));
}

#[test]
fn sigkill_during_a_large_import_keeps_every_reported_session_whole() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let n = 14;
    let mut files = Vec::new();
    for k in 0..n {
        let out = format!("r{k:02}");
        simulate(d, &out, "jerky-cd", 100 + k, 30.0, 1.0);
        files.push(format!("{out}/recording.csv"));
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_collis"))
        .args([
            "record",
            "add",
            "K1",
            "--neutral",
            "0.5:7.5",
            "--date",
            "2026-03-01",
            "--db",
            "rec.db",
        ])
        .args(&files)
        .current_dir(d)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reported = Vec::new();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    while let Some(Ok(line)) = lines.next() {
        if let Some(rest) = line.strip_prefix("stored session ") {
            reported.push(rest.split(':').next().unwrap().to_string());
            if reported.len() == 5 {
                child.kill().unwrap(); // SIGKILL on Unix
                break;
            }
        }
    }
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the import finished before the kill: make it larger"
    );
    assert_eq!(reported.len(), 5);
    // Everything reported is there, complete: each session's events all stored with it.
    ok(&["export", "--out", "ex", "--db", "rec.db"], d);
    let sessions = std::fs::read_to_string(d.join("ex/sessions.csv")).unwrap();
    let events = std::fs::read_to_string(d.join("ex/events.csv")).unwrap();
    let stored: Vec<Vec<String>> = sessions
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    assert!(
        stored.len() >= reported.len() && stored.len() < n as usize,
        "{} stored",
        stored.len()
    );
    for id in &reported {
        assert!(
            stored.iter().any(|row| &row[0] == id),
            "session {id} was reported but is gone"
        );
    }
    for row in &stored {
        let (jerks, spasms): (usize, usize) = (row[15].parse().unwrap(), row[17].parse().unwrap());
        let rows = events
            .lines()
            .filter(|l| l.split(',').next() == Some(row[0].as_str()))
            .count();
        assert_eq!(rows, jerks + spasms, "session {} is half-written", row[0]);
        assert!(jerks > 0);
    }
    // Importing again stores the rest once: nothing twice, nothing lost.
    let out = ok(
        &[
            "record",
            "add",
            "K1",
            "--neutral",
            "0.5:7.5",
            "--date",
            "2026-03-01",
            "--db",
            "rec.db",
        ]
        .into_iter()
        .chain(files.iter().map(String::as_str))
        .collect::<Vec<_>>(),
        d,
    );
    assert_eq!(out.matches("already stored").count(), stored.len(), "{out}");
    let list = ok(&["record", "list", "K1", "--db", "rec.db"], d);
    assert_eq!(list.lines().count(), 1 + n as usize, "{list}");
}

#[test]
fn the_command_line_keeps_a_record_on_postgres_too() {
    let required = std::env::var("COLLIS_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
    let Ok(server) = std::env::var("COLLIS_TEST_POSTGRES") else {
        assert!(
            !required,
            "COLLIS_REQUIRE_POSTGRES=1 but COLLIS_TEST_POSTGRES is not set"
        );
        eprintln!("skipped: COLLIS_TEST_POSTGRES not set");
        return;
    };
    let server = server.trim_end_matches('/');
    let name = format!("collis_cli_{}", std::process::id());
    let psql = |sql: &str| {
        let o = Command::new("psql")
            .args([&format!("{server}/postgres"), "-qtAc", sql])
            .output()
            .expect("psql runs (postgresql-client)");
        assert!(o.status.success(), "{sql}: {}", text(&o));
    };
    psql(&format!("DROP DATABASE IF EXISTS {name}"));
    psql(&format!("CREATE DATABASE {name}"));
    let url = format!("{server}/{name}");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    simulate(d, "v1", "jerky-cd", 5, 30.0, 1.0);
    let out = ok(
        &[
            "record",
            "add",
            "PG1",
            "v1/recording.csv",
            "--date",
            "2026-04-01",
            "--neutral",
            "0.5:7.5",
            "--db",
            &url,
        ],
        d,
    );
    assert!(out.contains("stored session 1"), "{out}");
    let out = ok(
        &["record", "add", "PG1", "v1/recording.csv", "--db", &url],
        d,
    );
    assert!(out.contains("already stored as session 1"), "{out}");
    ok(
        &[
            "treatment",
            "botox",
            "PG1",
            "--date",
            "2026-04-01",
            "--product",
            "abobotulinumtoxinA",
            "--dose",
            "splenius capitis:left:250",
            "--db",
            &url,
        ],
        d,
    );
    ok(&["report", "PG1", "-o", "pg.html", "--db", &url], d);
    let html = std::fs::read_to_string(d.join("pg.html")).unwrap();
    assert!(html.contains("<span id=\"subject\">PG1</span>") && html.contains("Jerks and spasms"));
    ok(&["export", "--out", "ex", "--db", &url], d);
    let events = std::fs::read_to_string(d.join("ex/events.csv")).unwrap();
    assert!(events.lines().count() > 1, "{events}");
    psql(&format!("DROP DATABASE {name} WITH (FORCE)"));
}

/// A reader that stops early (`collis subject list | head`) ends the listing quietly; a full
/// disk (`> /dev/full`) is a clear error; neither is a panic.
#[test]
fn a_closed_or_full_standard_output_is_no_panic() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let mut subjects = String::from("code\n");
    for i in 0..2000 {
        subjects.push_str(&format!("P{i}\n"));
    }
    std::fs::write(p.join("subjects.csv"), subjects).unwrap();
    ok(
        &[
            "table",
            "import",
            "subjects",
            "subjects.csv",
            "--db",
            "r.db",
        ],
        p,
    );
    let collis = |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_collis"));
        c.args(args).args(["--db", "r.db"]).current_dir(p);
        c
    };
    for args in [
        &["subject", "list"][..],
        &["record", "list"],
        &["trend", "P1"],
    ] {
        let full = std::fs::File::create("/dev/full").unwrap();
        let o = collis(args).stdout(full).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("standard output: No space left on device") && !err.contains("panicked"),
            "{args:?}: {err}"
        );
        let mut child = collis(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

/// The record's URL appears in errors without its password.
#[test]
fn a_database_password_is_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    for url in [
        "postgres://collis:s3cret@127.0.0.1:notaport/db",
        "postgres://collis@127.0.0.1:notaport/db?password=s3cret",
    ] {
        let o = collis(&["subject", "list", "--db", url], dir.path());
        let out = text(&o);
        assert_eq!(o.status.code(), Some(2), "{out}");
        assert!(
            !out.contains("s3cret") && out.contains("opening the record postgres://collis"),
            "{out}"
        );
    }
}

/// A file that is no database, or no server at the address, is said at once, not after the
/// pool's 30-s wait as "pool timed out".
#[test]
fn a_database_that_cannot_be_opened_says_why_at_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a database\n".repeat(100)).unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("postgres://collis@{}/db", closed.local_addr().unwrap());
    drop(closed);
    for (db, reason) in [
        ("notes.txt", "file is not a database"),
        (url.as_str(), "Connection refused"),
    ] {
        let t = std::time::Instant::now();
        let o = collis(&["subject", "list", "--db", db], dir.path());
        let out = text(&o);
        assert_eq!(o.status.code(), Some(2), "{out}");
        assert!(out.contains(reason) && !out.contains("timed out"), "{out}");
        assert!(t.elapsed().as_secs() < 10, "{db}: {:?}", t.elapsed());
    }
}

/// `collis` with `args` in `dir`, allowed at most `limit_kib` of address space (`ulimit -v`).
fn collis_limited(args: &[&str], dir: &Path, limit_kib: u64) -> std::process::Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {limit_kib} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_collis"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// `table import` of what is no CSV (issue 19): 2 GiB of NUL bytes (a sparse file) is refused
/// at the first record's 64-KiB cap, in a process allowed 1 GiB, naming the file and line; an
/// empty file and one whose first line is no header of the table are refused too.
#[test]
fn a_table_import_of_what_is_no_csv_is_refused_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::File::create(d.join("nul.bin"))
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    std::fs::write(d.join("empty.csv"), "").unwrap();
    std::fs::write(
        d.join("rows.csv"),
        "P1,2026-01-10,3,,,\nP1,2026-01-11,4,,,\n",
    )
    .unwrap();
    ok(&["subject", "add", "P1", "--db", "r.db"], d);
    let t = std::time::Instant::now();
    let o = collis_limited(
        &["table", "import", "diary", "nul.bin", "--db", "r.db"],
        d,
        1 << 20,
    );
    let out = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(
        out.contains("nul.bin, line 1: a record longer than 64 KiB: not a CSV table"),
        "{out}"
    );
    assert!(t.elapsed().as_secs() < 10, "{:?}", t.elapsed());
    for (file, says) in [
        ("empty.csv", "empty.csv, line 1: no header line"),
        (
            "rows.csv",
            "rows.csv, line 1: field 1: 'P1' is not a column of this table",
        ),
    ] {
        let o = collis(&["table", "import", "diary", file, "--db", "r.db"], d);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(text(&o).contains(says), "{}", text(&o));
    }
    assert_eq!(
        ok(&["diary", "list", "P1", "--db", "r.db"], d)
            .lines()
            .count(),
        1
    );
}

/// A `record add` of a file that cannot be analysed leaves no new, empty subject behind
/// (issue 19); a code that is no pseudonym is refused before any file is analysed.
#[test]
fn a_failed_record_add_leaves_no_new_subject() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("notes.txt"), "not a recording\n").unwrap();
    let o = collis(&["record", "add", "NEW1", "notes.txt", "--db", "r.db"], d);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(!text(&o).contains("added subject"), "{}", text(&o));
    let o = collis(&["record", "add", "..", "notes.txt", "--db", "r.db"], d);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("subject code: '..'"), "{}", text(&o));
    let list = ok(&["subject", "list", "--db", "r.db"], d);
    assert_eq!(list.lines().count(), 1, "{list}");
}

/// Implausible values (issue 19): dates before 1900 or after tomorrow and subject codes that
/// are paths are refused, nothing stored; a total dose above the product's labelled maximum
/// is stored with a warning; a number far out of range is said in a few characters.
#[test]
fn implausible_values_are_refused_or_warned() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for code in [".", "..", "-x", "_x"] {
        let o = collis(&["subject", "add", "--db", "r.db", "--", code], d);
        assert_eq!(o.status.code(), Some(2), "{code}: {}", text(&o));
        assert!(text(&o).contains("subject code"), "{}", text(&o));
    }
    ok(&["subject", "add", "P1", "--db", "r.db"], d);
    let botox = |date: &str, dose: &str| {
        collis(
            &[
                "treatment",
                "botox",
                "P1",
                "--date",
                date,
                "--product",
                "onabotulinumtoxinA",
                "--dose",
                dose,
                "--db",
                "r.db",
            ],
            d,
        )
    };
    for date in ["0001-01-01", "1899-12-31", "9999-12-31"] {
        let o = botox(date, "splenius capitis:left:60");
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(
            text(&o).contains(&format!("given on: {date} is not a plausible date")),
            "{}",
            text(&o)
        );
        let o = collis(
            &[
                "diary", "add", "P1", "--date", date, "--pain", "3", "--db", "r.db",
            ],
            d,
        );
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    }
    let o = botox("2026-01-10", "splenius capitis:left:1e300");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("units: 1e300 units into splenius capitis is outside 0–2000")
            && text(&o).len() < 200,
        "{}",
        text(&o)
    );
    assert_eq!(
        ok(&["treatment", "list", "P1", "--db", "r.db"], d),
        "",
        "nothing stored"
    );
    let o = botox("2026-01-10", "splenius capitis:left:2000");
    assert!(o.status.success(), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("warning: 2000 U of onabotulinumtoxinA in one treatment is above its labelled maximum of 400 U"),
        "{err}"
    );
    let o = botox("2026-01-11", "splenius capitis:left:100");
    assert!(o.status.success() && o.stderr.is_empty(), "{}", text(&o));
}

/// Stored free text is listed with its control characters escaped (issue 19): a note holding
/// terminal escapes (ESC, a C1 CSI, a bidirectional override) neither reaches the terminal
/// raw nor breaks the tab-separated columns; a dose of 1e-300 U is listed in a few
/// characters, not as 300 digits.
#[test]
fn stored_text_and_numbers_are_listed_safely() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let note = "fine\u{1b}]0;owned\u{7}\u{1b}[2J\u{9b}31m\tcol\nline\u{202e}txt";
    let db = ["--db", "r.db"];
    let run = |args: &[&str]| ok(&[args, &db[..]].concat(), d);
    run(&["subject", "add", "P1", "--note", note]);
    run(&[
        "diary",
        "add",
        "P1",
        "--date",
        "2026-01-10",
        "--pain",
        "3",
        "--note",
        note,
    ]);
    run(&[
        "treatment",
        "botox",
        "P1",
        "--date",
        "2026-01-10",
        "--product",
        "incobotulinumtoxinA",
        "--dose",
        "splenius capitis:left:1e-300",
        "--note",
        note,
    ]);
    run(&[
        "treatment",
        "medication",
        "P1",
        "--name",
        "x\u{1b}[31m",
        "--dose",
        "2 mg",
        "--start",
        "2026-01-01",
        "--note",
        note,
    ]);
    let escaped = "fine\\u{1b}]0;owned\\u{7}\\u{1b}[2J\\u{9b}31m\\tcol\\nline\\u{202e}txt";
    for (listing, columns) in [
        (run(&["diary", "list", "P1"]), Some(5)),
        (run(&["subject", "list"]), Some(7)),
        (run(&["treatment", "list", "P1"]), None),
    ] {
        assert!(
            !listing.contains(['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}']),
            "{listing:?}"
        );
        assert!(listing.contains(escaped), "{listing}");
        if let Some(n) = columns {
            assert_eq!(listing.lines().count(), 2, "{listing}");
            assert!(
                listing.lines().all(|l| l.split('\t').count() == n),
                "{listing}"
            );
        }
    }
    let treatments = run(&["treatment", "list", "P1"]);
    assert!(
        treatments.contains("1e-300 U: splenius capitis left 1e-300 U")
            && treatments.contains("x\\u{1b}[31m")
            && treatments.len() < 600,
        "{treatments}"
    );
}

/// An error whose cause repeats its source's text is said once (issue 19): a record that
/// cannot be opened was "unable to open database file" three times over.
#[test]
fn an_error_says_its_cause_once() {
    let dir = tempfile::tempdir().unwrap();
    let o = collis(
        &["subject", "list", "--db", "/proc/collis-test.db"],
        dir.path(),
    );
    let out = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert_eq!(
        out.matches("unable to open database file").count(),
        1,
        "{out}"
    );
}

/// `report P --session N` of another subject's session says whose it is (issue 19), where it
/// said "no session N" as if there were none.
#[test]
fn a_report_of_another_subjects_session_says_whose_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    simulate(d, "v1", "jerky-cd", 6, 20.0, 1.0);
    ok(
        &[
            "record",
            "add",
            "A1",
            "v1/recording.csv",
            "--neutral",
            "0.5:7.5",
            "--db",
            "r.db",
        ],
        d,
    );
    ok(&["subject", "add", "B2", "--db", "r.db"], d);
    let o = collis(
        &[
            "report",
            "B2",
            "--session",
            "1",
            "-o",
            "r.html",
            "--db",
            "r.db",
        ],
        d,
    );
    let out = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(
        out.contains("session 1 is of subject 'A1', not 'B2'")
            && out.contains("collis report A1 --session 1"),
        "{out}"
    );
    assert!(!d.join("r.html").exists());
    let o = collis(
        &[
            "report",
            "B2",
            "--session",
            "9",
            "-o",
            "r.html",
            "--db",
            "r.db",
        ],
        d,
    );
    assert!(text(&o).contains("no session 9"), "{}", text(&o));
}

/// The README's `table export` works as written there (issue 19: it showed a positional FILE
/// where the command takes `-o FILE`).
#[test]
fn the_readme_table_export_works_as_written() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let usage = readme
        .split('`')
        .find(|s| s.starts_with("table export TABLE") || s.starts_with("collis table export"))
        .unwrap_or_else(|| panic!("no `table export` usage in README.md"));
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&["subject", "add", "P1", "--db", "r.db"], d);
    let mut args: Vec<&str> = Vec::new();
    let mut words = usage.trim_start_matches("collis ").split_whitespace();
    while let Some(w) = words.next() {
        match w {
            "TABLE" => args.push("subjects"),
            "FILE" | "[-o" | "-o" => {
                if w != "FILE" {
                    words.next();
                    args.push("-o");
                }
                args.push("out.csv");
            }
            w if w.starts_with('[') || w.ends_with(']') => {}
            w => args.push(w),
        }
    }
    args.extend(["--db", "r.db"]);
    ok(&args, d);
    let csv = std::fs::read_to_string(d.join("out.csv")).unwrap_or_default();
    assert!(
        csv.starts_with("code,") && csv.contains("P1"),
        "{usage}: {csv}"
    );
}

/// Issue 20: `report` and `trend` without the right `--db` created an empty record where they
/// looked and said only "no subject". They read an existing record or say where they looked
/// (and where the demo's record is); a missing subject names the record searched.
#[test]
fn report_and_trend_say_which_record_they_searched_and_create_none() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_collis"))
            .args(args)
            .current_dir(d)
            .env("XDG_DATA_HOME", d.join("data"))
            .output()
            .unwrap()
    };
    for cmd in [&["trend", "DEMO-01"][..], &["report", "DEMO-01"]] {
        let o = run(&[cmd, &["--db", "missing.db"]].concat());
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(
            text(&o).contains("no record at missing.db; name the record with --db"),
            "{}",
            text(&o)
        );
        assert!(!d.join("missing.db").exists());
    }
    // The demo's record in this folder: the default record is missing, and the hint names it.
    ok(
        &["subject", "add", "DEMO-01", "--db", "collis-demo/record.db"],
        d,
    );
    let o = run(&["report", "DEMO-01"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("after `collis demo` its record is here: --db collis-demo/record.db"),
        "{}",
        text(&o)
    );
    assert!(!d.join("data/collis/collis.db").exists());
    let o = run(&["trend", "NOBODY", "--db", "collis-demo/record.db"]);
    assert!(
        text(&o).contains("in the record collis-demo/record.db: no subject 'NOBODY'"),
        "{}",
        text(&o)
    );
}
