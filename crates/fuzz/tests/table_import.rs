//! Fuzzing of `collis table import TABLE FILE`: [`collis_store::import_csv`] into a SQLite
//! record in a temporary directory, the table named by the seed's file name (subjects,
//! injections, dbs, medications, diary). Subject `DEMO`, whom the seeds' rows are about, is
//! in the record from the start; what an input imports stays (a later input may then meet a
//! duplicate), what it refuses must leave nothing behind (one transaction per file).

use collis_fuzz::{Input, Outcome, Target};
use collis_store::{import_csv, Store, Table};
use std::path::Path;

const TABLE_IMPORT: Target = Target {
    name: "table-import",
    tokens: &[
        b"subject",
        b"code",
        b"given_on",
        b"units",
        b"2024-02-30",
        b"0001-01-01",
        b"9999-12-31",
        b"DEMO",
        b"'=",
        b"\"\"",
        b"\"",
        b"left",
    ],
};

/// A record in `dir` holding subject DEMO.
fn store(dir: &Path) -> Store {
    let path = dir.join("record.db");
    let store = Store::open(Some(&path.display().to_string())).expect("temporary record");
    import_csv(&store, Table::Subjects, &b"code\nDEMO\n"[..], "setup.csv").expect("subject DEMO");
    store
}

fn import(store: &Store) -> impl Fn(&Input) -> Outcome + '_ {
    move |input| {
        let part = &input.parts[0];
        let stem = part.name.split(['.', '-']).next().unwrap_or_default();
        // Seeds and regressions are named after their table: `injections.csv`, `diary-….csv`.
        let table: Table = stem.parse().expect("an input named after its table");
        import_csv(store, table, part.bytes.as_slice(), &part.name)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

#[test]
fn replay_table_import() {
    let d = tempfile::tempdir().expect("temporary directory");
    let s = store(d.path());
    TABLE_IMPORT.replay(import(&s));
}

#[test]
fn fuzz_table_import() {
    let d = tempfile::tempdir().expect("temporary directory");
    let s = store(d.path());
    TABLE_IMPORT.fuzz(import(&s));
}
