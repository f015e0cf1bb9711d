//! The store's test suite, run on SQLite (a temporary file) and on PostgreSQL (a fresh
//! database on the server `COLLIS_TEST_POSTGRES` names, e.g. the one `.ci/run` starts).
//! Without that variable the PostgreSQL half is skipped with a message, unless
//! `COLLIS_REQUIRE_POSTGRES=1`, when it fails.

use chrono::NaiveDate;
use collis_analysis::pipeline::ImuConfig;
use collis_analysis::results::analyze_samples;
use collis_core::results::{Results, Task};
use collis_sim::{simulate, Profile, SimOptions};
use collis_store::{
    content_sha256, export_csv, import_csv, Added, Backend, DbsSetting, DiaryEntry, Dose, Figures,
    Injection, Medication, NewSession, Store, StoreError, Subject, Table, MAX_RECORD_BYTES,
};
use sqlx::migrate::MigrateDatabase;
use std::sync::atomic::{AtomicU32, Ordering};

/// A store on a fresh database, dropped afterwards.
struct TestDb {
    store: Option<Store>,
    _dir: Option<tempfile::TempDir>,
    postgres_url: Option<String>,
}

impl std::ops::Deref for TestDb {
    type Target = Store;
    fn deref(&self) -> &Store {
        self.store.as_ref().unwrap()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        drop(self.store.take());
        if let Some(url) = &self.postgres_url {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let _ = rt.block_on(sqlx::Any::force_drop_database(url));
        }
    }
}

fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("collis.db");
    let store = Store::open(Some(path.to_str().unwrap())).unwrap();
    assert_eq!(store.backend(), Backend::Sqlite);
    TestDb {
        store: Some(store),
        _dir: Some(dir),
        postgres_url: None,
    }
}

fn postgres() -> Option<TestDb> {
    let required = std::env::var("COLLIS_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
    let Ok(server) = std::env::var("COLLIS_TEST_POSTGRES") else {
        assert!(
            !required,
            "COLLIS_REQUIRE_POSTGRES=1 but COLLIS_TEST_POSTGRES (postgres://…/ of a test server) is not set"
        );
        eprintln!("skipped: set COLLIS_TEST_POSTGRES=postgres://user@127.0.0.1:port to run the PostgreSQL half");
        return None;
    };
    static N: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "collis_test_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    let base = server.trim_end_matches('/');
    // Replace a database path if one is given.
    let root = match base.rfind('/') {
        Some(i) if i > base.find("://").unwrap() + 2 => &base[..i],
        _ => base,
    };
    let url = format!("{root}/{name}");
    sqlx::any::install_default_drivers();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(sqlx::Any::create_database(&url))
        .unwrap_or_else(|e| panic!("PostgreSQL at {server} is not reachable: {e}"));
    let store = Store::open(Some(&url)).unwrap();
    assert_eq!(store.backend(), Backend::Postgres);
    Some(TestDb {
        store: Some(store),
        _dir: None,
        postgres_url: Some(url),
    })
}

/// Each case as a test on SQLite and on PostgreSQL.
macro_rules! on_both {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(#[test] fn $case() { super::$case(&super::sqlite()); })*
        }
        mod postgres {
            $(#[test] fn $case() {
                if let Some(db) = super::postgres() { super::$case(&db); }
            })*
        }
    };
}

on_both!(
    migrations_are_applied_once,
    subjects_round_trip_and_are_checked,
    sessions_keep_results_figures_and_events,
    the_same_content_is_stored_once,
    treatments_and_diary_round_trip_and_are_checked,
    csv_round_trips_and_a_bad_row_stores_nothing,
    csv_cells_never_run_as_formulas,
    feedback_settings_are_kept_per_subject,
    implausible_codes_and_dates_are_refused_and_large_doses_warned,
    a_session_that_cannot_be_stored_adds_no_subject,
    an_import_of_what_is_no_table_is_refused_in_bounded_memory,
);

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Results of a simulated 40-s recording.
fn results(profile: Profile, seed: u64) -> Results {
    let opts = SimOptions {
        duration_s: 40.0,
        ..SimOptions::new(profile, seed)
    };
    let sim = simulate(&opts);
    let cfg = ImuConfig {
        rate_hz: opts.rate_hz,
        trunk_rate_hz: opts.rate_hz,
        use_mag: true,
        mounting: opts.mounting,
        trunk_mounting: opts.trunk_mounting,
        neutral_s: Some(sim.truth.neutral_s),
        still_s: None,
    };
    analyze_samples(&sim.head, &cfg, Task::Rest, "simulation").unwrap()
}

fn migrations_are_applied_once(db: &Store) {
    assert_eq!(db.schema_version().unwrap(), 3);
    // Opening again finds the schema in place.
    if db.backend() == Backend::Sqlite {
        let url = db.url().to_string();
        let again = Store::open(Some(&url)).unwrap();
        assert_eq!(again.schema_version().unwrap(), 3);
    }
}

fn subjects_round_trip_and_are_checked(db: &Store) {
    let s = Subject {
        code: "CD-017".into(),
        sex: Some("female".into()),
        birth_year: Some(1968),
        onset_year: Some(2011),
        affected_side: Some("right".into()),
        note: None,
    };
    db.add_subject(&s).unwrap();
    assert_eq!(db.subject("CD-017").unwrap(), s);
    assert!(matches!(
        db.add_subject(&s),
        Err(StoreError::SubjectExists(c)) if c == "CD-017"
    ));
    assert!(db.ensure_subject("CD-002").unwrap());
    assert!(!db.ensure_subject("CD-002").unwrap());
    let codes: Vec<String> = db.subjects().unwrap().into_iter().map(|s| s.code).collect();
    assert_eq!(codes, ["CD-002", "CD-017"]);
    for bad in [
        Subject::new("Jane Doe"),
        Subject {
            sex: Some("f".into()),
            ..Subject::new("A1")
        },
        Subject {
            birth_year: Some(1850),
            ..Subject::new("A2")
        },
        Subject {
            birth_year: Some(1980),
            onset_year: Some(1970),
            ..Subject::new("A3")
        },
    ] {
        let e = db.add_subject(&bad).unwrap_err();
        assert!(matches!(e, StoreError::Invalid { .. }), "{e}");
    }
    assert!(matches!(
        db.subject("nobody"),
        Err(StoreError::NoSubject(_))
    ));
}

fn sessions_keep_results_figures_and_events(db: &Store) {
    db.ensure_subject("P1").unwrap();
    let r = results(Profile::JerkyCd, 3);
    assert!(r.measurements.jerks.count > 0);
    let added = db
        .add_session(&NewSession {
            subject: "P1",
            recorded_on: date("2026-03-02"),
            file_name: Some("visit1.csv".into()),
            content_sha256: "ab".repeat(32),
            results: &r,
        })
        .unwrap();
    let Added::Stored(id) = added else {
        panic!("{added:?}")
    };
    let rows = db.sessions(Some("P1")).unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.id, id);
    assert_eq!(row.recorded_on, date("2026-03-02"));
    assert_eq!(row.task, "rest");
    // The reference kind, with the task and source what makes sessions comparable.
    assert!(!row.reference.is_empty());
    assert_eq!(
        serde_json::Value::from(row.reference.clone()),
        serde_json::to_value(r.recording.reference.kind).unwrap()
    );
    assert_eq!(row.schema_version, r.schema_version);
    assert_eq!(row.figures, Figures::of(&r));
    let back = db.session_results(id).unwrap();
    assert_eq!(
        serde_json::to_value(&back).unwrap(),
        serde_json::to_value(&r).unwrap()
    );
    let events = db.session_events(Some(id)).unwrap();
    let expected = r.measurements.jerks.count + r.measurements.spasms.count;
    assert_eq!(events.len() as u64, expected);
    assert_eq!(row.event_count as u64, expected);
    assert!(events.windows(2).all(|w| w[0].time_s <= w[1].time_s));
    assert!(events
        .iter()
        .any(|e| e.kind == "jerk" && e.peak_velocity_dps.is_some()));
    assert!(matches!(
        db.session(id + 100),
        Err(StoreError::NoSession(_))
    ));
    // A session of an unknown subject is refused.
    let e = db
        .add_session(&NewSession {
            subject: "nobody",
            recorded_on: date("2026-03-02"),
            file_name: None,
            content_sha256: "cd".repeat(32),
            results: &r,
        })
        .unwrap_err();
    assert!(matches!(e, StoreError::NoSubject(_)), "{e}");
    assert_eq!(db.sessions(None).unwrap().len(), 1);
}

/// Two writers on one SQLite file (two `record add` at once, or uploads while the command line
/// imports): the second waits for the first instead of failing with "database is locked".
#[test]
fn two_sqlite_writers_wait_for_each_other() {
    let db = sqlite();
    db.ensure_subject("P1").unwrap();
    let url = db.url().to_string();
    let r = results(Profile::EtNoNo, 4);
    std::thread::scope(|scope| {
        let writers: Vec<_> = (0..2)
            .map(|w| {
                let (url, r) = (&url, &r);
                scope.spawn(move || {
                    let store = Store::open(Some(url)).unwrap();
                    for i in 0..20 {
                        let sha = content_sha256(format!("{w}-{i}").as_bytes()).unwrap();
                        let new = NewSession {
                            subject: "P1",
                            recorded_on: date("2026-01-10"),
                            file_name: None,
                            content_sha256: sha,
                            results: r,
                        };
                        store.add_session(&new).unwrap();
                    }
                })
            })
            .collect();
        for w in writers {
            w.join().unwrap();
        }
    });
    assert_eq!(db.sessions(None).unwrap().len(), 40);
}

fn the_same_content_is_stored_once(db: &Store) {
    db.ensure_subject("P1").unwrap();
    let r = results(Profile::EtNoNo, 4);
    let sha = content_sha256(&b"time_s,gyr_x\n0,0\n"[..]).unwrap();
    // SHA-256 of that text (sha256sum).
    assert_eq!(sha.len(), 64);
    let new = NewSession {
        subject: "P1",
        recorded_on: date("2026-01-10"),
        file_name: None,
        content_sha256: sha.clone(),
        results: &r,
    };
    let Added::Stored(id) = db.add_session(&new).unwrap() else {
        panic!()
    };
    assert_eq!(db.add_session(&new).unwrap(), Added::Duplicate(id));
    assert_eq!(db.session_by_hash(&sha).unwrap(), Some(id));
    assert_eq!(db.sessions(None).unwrap().len(), 1);
    assert_eq!(
        db.session_events(None).unwrap().len() as u64,
        r.measurements.jerks.count + r.measurements.spasms.count
    );
}

fn injection(subject: &str, on: &str) -> Injection {
    Injection {
        subject: subject.into(),
        given_on: date(on),
        product: "incobotulinumtoxinA".into(),
        guidance: Some("emg".into()),
        doses: vec![
            Dose {
                muscle: "splenius capitis".into(),
                side: "left".into(),
                units: 60.0,
            },
            Dose {
                muscle: "sternocleidomastoid".into(),
                side: "right".into(),
                units: 35.0,
            },
        ],
        note: None,
    }
}

fn treatments_and_diary_round_trip_and_are_checked(db: &Store) {
    db.ensure_subject("P1").unwrap();
    db.ensure_subject("P2").unwrap();
    let late = injection("P1", "2026-05-01");
    let early = injection("P1", "2026-02-01");
    db.add_injection(&late).unwrap();
    db.add_injection(&early).unwrap();
    db.add_injection(&injection("P2", "2026-01-01")).unwrap();
    assert_eq!(
        db.injections(Some("P1")).unwrap(),
        vec![early.clone(), late]
    );
    assert_eq!(early.total_units(), 95.0);
    assert_eq!(db.injections(None).unwrap().len(), 3);
    let dbs = DbsSetting {
        subject: "P1".into(),
        programmed_on: date("2026-03-15"),
        target: "GPi".into(),
        side: "both".into(),
        contacts: "1-, C+".into(),
        amplitude: 3.2,
        amplitude_unit: "mA".into(),
        pulse_width_us: 90.0,
        frequency_hz: 130.0,
        note: Some("first programming".into()),
    };
    db.add_dbs(&dbs).unwrap();
    assert_eq!(db.dbs_settings(Some("P1")).unwrap(), vec![dbs.clone()]);
    let med = Medication {
        subject: "P1".into(),
        name: "trihexyphenidyl".into(),
        dose: "2 mg three times a day".into(),
        started_on: date("2025-11-01"),
        stopped_on: Some(date("2026-02-01")),
        note: None,
    };
    db.add_medication(&med).unwrap();
    assert_eq!(db.medications(None).unwrap(), vec![med.clone()]);
    let entry = DiaryEntry {
        subject: "P1".into(),
        entry_on: date("2026-02-20"),
        pain: Some(4),
        twstrs_disability: Some(12),
        twstrs_pain: None,
        note: Some("better since the injection".into()),
    };
    db.add_diary(&entry).unwrap();
    assert_eq!(db.diary(Some("P1")).unwrap(), vec![entry.clone()]);
    assert!(db.diary(Some("P2")).unwrap().is_empty());

    // Checked on the way in, nothing stored when wrong.
    let bad: Vec<Box<dyn Fn() -> Result<i64, StoreError>>> = vec![
        Box::new(|| {
            db.add_diary(&DiaryEntry {
                pain: Some(11),
                ..entry.clone()
            })
        }),
        Box::new(|| {
            db.add_diary(&DiaryEntry {
                pain: None,
                twstrs_disability: None,
                twstrs_pain: None,
                note: None,
                ..entry.clone()
            })
        }),
        Box::new(|| {
            let mut i = injection("P1", "2026-08-01");
            i.doses[1].units = -5.0;
            db.add_injection(&i)
        }),
        Box::new(|| {
            db.add_dbs(&DbsSetting {
                amplitude_unit: "A".into(),
                ..dbs.clone()
            })
        }),
        Box::new(|| {
            db.add_medication(&Medication {
                stopped_on: Some(date("2025-01-01")),
                ..med.clone()
            })
        }),
    ];
    for f in bad {
        let e = f().unwrap_err();
        assert!(matches!(e, StoreError::Invalid { .. }), "{e}");
    }
    assert!(matches!(
        db.add_injection(&injection("P9", "2026-01-01")),
        Err(StoreError::NoSubject(_))
    ));
    assert_eq!(db.injections(None).unwrap().len(), 3);
    assert_eq!(db.diary(None).unwrap().len(), 1);
}

fn csv_round_trips_and_a_bad_row_stores_nothing(db: &Store) {
    treatments_and_diary_round_trip_and_are_checked(db);
    let mut files = Vec::new();
    for t in Table::ALL {
        let mut out = Vec::new();
        export_csv(db, t, None, &mut out).unwrap();
        files.push((t, out));
    }
    let injections = String::from_utf8(files[1].1.clone()).unwrap();
    assert!(
        injections.starts_with("subject,given_on,product,guidance,muscle,side,units,note\n"),
        "{injections}"
    );
    assert_eq!(injections.lines().count(), 1 + 6);
    // Into a fresh SQLite store, and out again: the same text.
    let other = sqlite();
    for (t, bytes) in &files {
        import_csv(&other, *t, &bytes[..], t.name()).unwrap();
    }
    for (t, bytes) in &files {
        let mut again = Vec::new();
        export_csv(&other, *t, None, &mut again).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&again),
            String::from_utf8_lossy(bytes),
            "{}",
            t.name()
        );
    }
    assert_eq!(other.injections(None).unwrap().len(), 3);

    // Line 3 is bad: the whole file stores nothing.
    let diary = "subject,entry_on,pain,twstrs_disability,twstrs_pain,note\n\
                 P1,2026-06-01,3,,,fine\n\
                 P1,2026-06-02,12,,,too much\n";
    let before = db.diary(None).unwrap().len();
    let e = import_csv(db, Table::Diary, diary.as_bytes(), "diary.csv").unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("diary.csv, line 3") && msg.contains("pain"),
        "{msg}"
    );
    assert_eq!(db.diary(None).unwrap().len(), before);
    let e = import_csv(
        db,
        Table::Diary,
        "subject,entry_on\nP1,June\n".as_bytes(),
        "d.csv",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("d.csv, line 2"), "{e}");
}

fn csv_cells_never_run_as_formulas(db: &Store) {
    db.ensure_subject("P1").unwrap();
    let notes = [
        "=HYPERLINK(\"http://evil.example\",\"x\")",
        "+1+1",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1",
        "\r=1",
        "'=already quoted",
        "-3.5",
        "fine, -1 = worse",
    ];
    for (i, note) in notes.iter().enumerate() {
        let entry = DiaryEntry {
            subject: "P1".into(),
            entry_on: date("2026-06-01") + chrono::Days::new(i as u64),
            pain: Some(2),
            twstrs_disability: None,
            twstrs_pain: None,
            note: Some(note.to_string()),
        };
        db.add_diary(&entry).unwrap();
    }
    let mut out = Vec::new();
    export_csv(db, Table::Diary, None, &mut out).unwrap();
    let mut r = csv::Reader::from_reader(&out[..]);
    let cells: Vec<String> = r.records().map(|x| x.unwrap()[5].to_string()).collect();
    assert_eq!(
        cells,
        [
            "'=HYPERLINK(\"http://evil.example\",\"x\")",
            "'+1+1",
            "'-2+3",
            "'@SUM(A1:A2)",
            "'\t=1",
            "'\r=1",
            "''=already quoted",
            "-3.5",
            "fine, -1 = worse",
        ]
    );
    // Read back, the notes are what was written.
    let other = sqlite();
    other.ensure_subject("P1").unwrap();
    import_csv(&other, Table::Diary, &out[..], "diary.csv").unwrap();
    let back: Vec<String> = other
        .diary(None)
        .unwrap()
        .into_iter()
        .map(|d| d.note.unwrap())
        .collect();
    assert_eq!(back, notes);
}

fn feedback_settings_are_kept_per_subject(db: &Store) {
    db.add_subject(&Subject::new("FB-1")).unwrap();
    db.add_subject(&Subject::new("FB-2")).unwrap();
    assert_eq!(db.feedback_settings("FB-1").unwrap(), None);
    let a = r#"{"target_deg":[20,0,0],"zone_deg":8}"#;
    db.set_feedback_settings("FB-1", a, date("2026-11-01"))
        .unwrap();
    let b = r#"{"target_deg":[10,0,0],"zone_deg":10}"#;
    db.set_feedback_settings("FB-1", b, date("2026-11-20"))
        .unwrap();
    assert_eq!(
        db.feedback_settings("FB-1").unwrap().as_deref(),
        Some(b),
        "replaced whole"
    );
    assert_eq!(db.feedback_settings("FB-2").unwrap(), None, "per subject");
    assert!(matches!(
        db.feedback_settings("NOBODY"),
        Err(StoreError::NoSubject(_))
    ));
    assert!(matches!(
        db.set_feedback_settings("FB-2", "[1, 2]", date("2026-11-20")),
        Err(StoreError::Invalid { .. })
    ));
}

/// Subject codes that are paths or hold control characters, dates no visit, treatment or diary
/// entry can have (before 1900, after tomorrow), and a total dose above the product's
/// labelled maximum (stored, with a warning).
fn implausible_codes_and_dates_are_refused_and_large_doses_warned(db: &Store) {
    for code in [
        ".",
        "..",
        ".hidden",
        "-rf",
        "_x",
        "a\u{1b}[2J",
        "a/b",
        "a\tb",
    ] {
        let e = db.add_subject(&Subject::new(code)).unwrap_err();
        assert!(matches!(e, StoreError::Invalid { .. }), "{code:?}: {e}");
        assert!(db.ensure_subject(code).is_err(), "{code:?}");
        assert!(!e.to_string().contains('\u{1b}'), "{e}");
    }
    db.add_subject(&Subject::new("P1.v2")).unwrap();
    db.ensure_subject("P1").unwrap();
    let tomorrow = chrono::Utc::now().date_naive() + chrono::Days::new(1);
    let too_late = tomorrow + chrono::Days::new(1);
    let r = results(Profile::EtNoNo, 4);
    for (k, bad) in [
        date("0001-01-01"),
        date("1899-12-31"),
        too_late,
        date("9999-12-31"),
    ]
    .into_iter()
    .enumerate()
    {
        let e = db.add_injection(&injection_on("P1", bad)).unwrap_err();
        assert!(
            e.to_string().contains("not a plausible date") && e.to_string().contains("1900-01-01"),
            "{e}"
        );
        let dbs = DbsSetting {
            subject: "P1".into(),
            programmed_on: bad,
            target: "GPi".into(),
            side: "both".into(),
            contacts: "1-, C+".into(),
            amplitude: 2.5,
            amplitude_unit: "mA".into(),
            pulse_width_us: 60.0,
            frequency_hz: 130.0,
            note: None,
        };
        assert!(db.add_dbs(&dbs).is_err(), "{bad}");
        let med = Medication {
            subject: "P1".into(),
            name: "trihexyphenidyl".into(),
            dose: "2 mg".into(),
            started_on: date("2026-01-01"),
            stopped_on: Some(bad),
            note: None,
        };
        assert!(db.add_medication(&med).is_err(), "{bad}");
        let diary = DiaryEntry {
            subject: "P1".into(),
            entry_on: bad,
            pain: Some(3),
            twstrs_disability: None,
            twstrs_pain: None,
            note: None,
        };
        assert!(db.add_diary(&diary).is_err(), "{bad}");
        let session = NewSession {
            subject: "P1",
            recorded_on: bad,
            file_name: None,
            content_sha256: content_sha256(format!("bad {k}").as_bytes()).unwrap(),
            results: &r,
        };
        assert!(db.add_session(&session).is_err(), "{bad}");
    }
    assert!(db.injections(None).unwrap().is_empty() && db.sessions(None).unwrap().is_empty());
    // The limits themselves are dates things happen on.
    db.add_injection(&injection_on("P1", date("1900-01-01")))
        .unwrap();
    db.add_injection(&injection_on("P1", tomorrow)).unwrap();
    // 2000 U of onabotulinumtoxinA (ten muscles of 200 U each) is stored, with a warning.
    let mut big = injection_on("P1", date("2026-02-01"));
    big.product = "onabotulinumtoxinA".into();
    big.doses = (0..10)
        .map(|m| Dose {
            muscle: format!("muscle {m}"),
            side: "left".into(),
            units: 200.0,
        })
        .collect();
    let w = big.dose_warning().expect("a warning");
    assert!(
        w.contains("2000 U") && w.contains("400 U") && w.contains("BOTOX"),
        "{w}"
    );
    db.add_injection(&big).unwrap();
    big.doses.truncate(1);
    assert_eq!(big.dose_warning(), None, "200 U");
    big.product = "Dysport".into();
    big.doses = vec![big.doses[0].clone(); 6];
    assert!(
        big.dose_warning().unwrap().contains("1000 U"),
        "1200 U Dysport"
    );
    big.product = "an unknown product".into();
    assert_eq!(big.dose_warning(), None, "not checked");
    // A number far out of range is said in a few characters, not hundreds of digits.
    big.doses = vec![Dose {
        muscle: "scm".into(),
        side: "left".into(),
        units: 1e300,
    }];
    let e = db.add_injection(&big).unwrap_err().to_string();
    assert!(e.contains("1e300 units") && e.len() < 100, "{e}");
}

fn injection_on(subject: &str, on: NaiveDate) -> Injection {
    Injection {
        given_on: on,
        ..injection(subject, "2026-01-01")
    }
}

/// `add_session_and_subject` adds a new subject with its session, in one transaction: a
/// session that cannot be stored leaves no subject behind, nor does a duplicate.
fn a_session_that_cannot_be_stored_adds_no_subject(db: &Store) {
    let r = results(Profile::EtNoNo, 4);
    let new = |subject, on, sha: &str| NewSession {
        subject,
        recorded_on: date(on),
        file_name: None,
        content_sha256: content_sha256(sha.as_bytes()).unwrap(),
        results: &r,
    };
    let e = db
        .add_session_and_subject(&new("NEW", "9999-12-31", "a"))
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid { .. }), "{e}");
    assert!(matches!(db.subject("NEW"), Err(StoreError::NoSubject(_))));
    assert!(db
        .add_session_and_subject(&new("..", "2026-01-10", "a"))
        .is_err());
    assert!(db.subjects().unwrap().is_empty());
    let (added, new_subject) = db
        .add_session_and_subject(&new("NEW", "2026-01-10", "a"))
        .unwrap();
    assert!(
        matches!(added, Added::Stored(_)) && new_subject,
        "{added:?}"
    );
    let (_, new_subject) = db
        .add_session_and_subject(&new("NEW", "2026-01-11", "b"))
        .unwrap();
    assert!(!new_subject);
    // The same content for another, new code: a duplicate, and no subject.
    let (added, new_subject) = db
        .add_session_and_subject(&new("OTHER", "2026-01-11", "b"))
        .unwrap();
    assert!(matches!(added, Added::Duplicate(_)) && !new_subject);
    let codes: Vec<String> = db.subjects().unwrap().into_iter().map(|s| s.code).collect();
    assert_eq!(codes, ["NEW"]);
}

/// An empty file, a first line that is not the table's header, and a file that is no CSV at
/// all (megabytes of NUL bytes, a quote left open) are refused with the file, line and field,
/// after reading at most about one record's cap; a header alone imports nothing.
fn an_import_of_what_is_no_table_is_refused_in_bounded_memory(db: &Store) {
    db.ensure_subject("P1").unwrap();
    let import = |table, text: &[u8]| import_csv(db, table, text, "in.csv");
    let e = import(Table::Diary, b"").unwrap_err().to_string();
    assert!(
        e.contains("in.csv, line 1") && e.contains("no header line"),
        "{e}"
    );
    assert!(import(Table::Diary, b"\n\n").is_err());
    // Rows without their header.
    let e = import(Table::Diary, b"P1,2026-01-10,3,,,\nP1,2026-01-11,4,,,\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("in.csv, line 1") && e.contains("field 1: 'P1' is not a column"),
        "{e}"
    );
    // A misspelt column would be dropped without a word: refused, naming it.
    let e = import(
        Table::Diary,
        b"subject,entry_on,pain,nots\nP1,2026-01-10,3,x\n",
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("field 4: 'nots'") && e.contains("entry_on"),
        "{e}"
    );
    // Megabytes of NUL bytes: refused at the cap, with or without line breaks.
    let nul = vec![0u8; 8 << 20];
    let e = import(Table::Diary, &nul).unwrap_err().to_string();
    assert!(e.contains("in.csv, line 1") && e.contains("64 KiB"), "{e}");
    let mut lines = nul.clone();
    lines[1000] = b'\n';
    let e = import(Table::Subjects, &lines).unwrap_err().to_string();
    assert!(
        e.contains("in.csv, line 1") && e.contains("field 1: '\\0\\0") && e.contains('…'),
        "{e}"
    );
    let after_header = [&b"code\n"[..], &nul].concat();
    let e = import(Table::Subjects, &after_header)
        .unwrap_err()
        .to_string();
    assert!(e.contains("in.csv, line 2") && e.contains("64 KiB"), "{e}");
    // A quote left open makes every later line part of one record: refused at the cap too.
    let mut open =
        b"subject,entry_on,pain,twstrs_disability,twstrs_pain,note\nP1,2026-01-10,3,,,\"x\n"
            .to_vec();
    open.extend(b"short line\n".repeat(MAX_RECORD_BYTES / 10));
    let e = import(Table::Diary, &open).unwrap_err().to_string();
    assert!(
        e.contains("in.csv, line 2") && e.contains("quote left open"),
        "{e}"
    );
    // Yet a long note over several lines, quoted, under the cap, is a record like any other.
    let note = "a line of a long note, with \"quotes\", commas\n".repeat(1000);
    let text = format!(
        "subject,entry_on,pain,twstrs_disability,twstrs_pain,note\nP1,2026-01-10,3,,,\"{}\"\nP1,2026-01-11,2,,,\n",
        note.replace('"', "\"\"")
    );
    assert_eq!(import(Table::Diary, text.as_bytes()).unwrap(), 2);
    assert_eq!(
        db.diary(Some("P1")).unwrap()[0].note.as_deref(),
        Some(&note[..])
    );
    // An empty table exports its header, which imports as nothing.
    let mut out = Vec::new();
    export_csv(db, Table::Dbs, None, &mut out).unwrap();
    assert!(
        out.starts_with(b"subject,programmed_on,"),
        "{}",
        String::from_utf8_lossy(&out)
    );
    assert_eq!(import(Table::Dbs, &out).unwrap(), 0);
}
