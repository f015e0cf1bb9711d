//! CSV import and export of subjects, treatments and the diary: one table per file, one row per
//! record (per muscle dose for injections), the subject's code in every row. An import is one
//! transaction: a bad row (reported with its line) stores nothing of the file. Input that is
//! no such table is refused before anything is stored: an empty file, a first line that is not
//! the table's header, a record longer than [`MAX_RECORD_BYTES`] (read no further, so a
//! large file that is no CSV never fills the memory).
//!
//! Text that a spreadsheet would run as a formula (a note or a product starting with `=`,
//! `+`, `-`, `@`, a tab or a carriage return) is written with a single quote in front
//! ([`spreadsheet_cell`], as OWASP recommends against CSV injection), and read back without it.

use crate::records::{insert_dbs, insert_diary, insert_injection, insert_medication};
use crate::{
    subjects, DbsSetting, DiaryEntry, Dose, Injection, Medication, Result, Store, StoreError,
    Subject,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::io::{Read, Write};

/// A table that can go through CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Subjects,
    Injections,
    Dbs,
    Medications,
    Diary,
}

impl Table {
    pub const ALL: [Table; 5] = [
        Table::Subjects,
        Table::Injections,
        Table::Dbs,
        Table::Medications,
        Table::Diary,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Table::Subjects => "subjects",
            Table::Injections => "injections",
            Table::Dbs => "dbs",
            Table::Medications => "medications",
            Table::Diary => "diary",
        }
    }
}

impl std::str::FromStr for Table {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Table::ALL
            .into_iter()
            .find(|t| t.name() == s)
            .ok_or_else(|| {
                format!(
                    "unknown table '{s}' (expected one of: {})",
                    Table::ALL.map(Table::name).join(", ")
                )
            })
    }
}

/// One muscle dose of an injection, flat for CSV.
#[derive(Debug, Serialize, Deserialize)]
struct InjectionRow {
    subject: String,
    given_on: NaiveDate,
    product: String,
    guidance: Option<String>,
    muscle: String,
    side: String,
    units: f64,
    note: Option<String>,
}

fn csv_error(file: &str, line: u64, e: impl std::fmt::Display) -> StoreError {
    StoreError::Csv {
        file: file.to_string(),
        line,
        message: e.to_string(),
    }
}

/// How a cell starts when a spreadsheet would run it as a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A CSV cell a spreadsheet shows and never runs: text starting like a formula gets a single
/// quote in front; numbers such as `-3.5` stay as they are. Text that already starts with
/// quotes before such a character gets one more, so reading back gives exactly what was
/// written.
pub fn spreadsheet_cell(cell: &str) -> Cow<'_, str> {
    if cell.trim_start_matches('\'').starts_with(FORMULA_START) && cell.parse::<f64>().is_err() {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The text of a cell [`spreadsheet_cell`] wrote.
fn cell_text(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.trim_start_matches('\'').starts_with(FORMULA_START) => rest,
        _ => cell,
    }
}

fn write_rows<T: Serialize + for<'de> Deserialize<'de>>(
    out: impl Write,
    rows: impl IntoIterator<Item = T>,
) -> Result<usize> {
    let invalid = |e: csv::Error| StoreError::invalid("CSV", e.to_string());
    // Serialised first (a header from the fields, then the rows), then each cell made safe.
    let mut plain = csv::Writer::from_writer(Vec::new());
    let mut n = 0;
    for r in rows {
        plain.serialize(r).map_err(invalid)?;
        n += 1;
    }
    let plain = plain
        .into_inner()
        .map_err(|e| StoreError::invalid("CSV", e.to_string()))?;
    let mut w = csv::Writer::from_writer(out);
    let mut records = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&plain[..])
        .into_records();
    match records.next() {
        Some(header) => w.write_record(&header.map_err(invalid)?).map_err(invalid)?,
        // No rows: the header all the same, so that the file imports (as nothing).
        None => w.write_record(columns::<T>()).map_err(invalid)?,
    }
    for rec in records {
        let rec = rec.map_err(invalid)?;
        let cells: Vec<Cow<str>> = rec.iter().map(spreadsheet_cell).collect();
        w.write_record(cells.iter().map(|c| c.as_bytes()))
            .map_err(invalid)?;
    }
    w.flush()
        .map_err(|e| StoreError::Io("CSV output".into(), e))?;
    Ok(n)
}

/// Write `table` (of one subject, or everyone) as CSV; returns the number of rows.
pub fn export_csv(
    store: &Store,
    table: Table,
    subject: Option<&str>,
    out: impl Write,
) -> Result<usize> {
    match table {
        Table::Subjects => {
            let all = store.subjects()?;
            write_rows(
                out,
                all.into_iter()
                    .filter(|s| subject.is_none_or(|c| c == s.code)),
            )
        }
        Table::Injections => {
            let rows = store.injections(subject)?.into_iter().flat_map(|i| {
                i.doses
                    .iter()
                    .map(|d| InjectionRow {
                        subject: i.subject.clone(),
                        given_on: i.given_on,
                        product: i.product.clone(),
                        guidance: i.guidance.clone(),
                        muscle: d.muscle.clone(),
                        side: d.side.clone(),
                        units: d.units,
                        note: i.note.clone(),
                    })
                    .collect::<Vec<_>>()
            });
            write_rows(out, rows)
        }
        Table::Dbs => write_rows(out, store.dbs_settings(subject)?),
        Table::Medications => write_rows(out, store.medications(subject)?),
        Table::Diary => write_rows(out, store.diary(subject)?),
    }
}

/// The longest record (row) an import reads, bytes. The longest row of any table is one with
/// a note typed by hand: 64 KiB is some 30 pages of text, far more than any note, while it
/// bounds what one row may hold in memory (the CSV reader keeps a whole record), so a file
/// that is no CSV (a video, gigabytes of NUL bytes without a line break) is refused after
/// its first 64 KiB.
pub const MAX_RECORD_BYTES: usize = 64 * 1024;

/// Where a CSV reader is in a record, with the csv crate's default quoting (`"`, doubled
/// inside quotes): only outside quotes does a line break end the record.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Quoting {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// A reader that fails on a record longer than [`MAX_RECORD_BYTES`] (quoted line breaks
/// included) before the CSV reader has to hold it.
struct RecordCap<R> {
    inner: R,
    quoting: Quoting,
    /// Bytes of the current record so far, its first line and the current line (1-based).
    record_bytes: usize,
    record_line: u64,
    line: u64,
}

/// The error of a record longer than [`MAX_RECORD_BYTES`], which starts on `line`.
#[derive(Debug)]
struct TooLong {
    line: u64,
}

impl std::fmt::Display for TooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "a record longer than {} KiB: not a CSV table (or a quote left open)",
            MAX_RECORD_BYTES / 1024
        )
    }
}

impl std::error::Error for TooLong {}

impl<R: Read> RecordCap<R> {
    fn new(inner: R) -> Self {
        RecordCap {
            inner,
            quoting: Quoting::FieldStart,
            record_bytes: 0,
            record_line: 1,
            line: 1,
        }
    }

    fn step(&mut self, b: u8) {
        use Quoting::*;
        let ends_record = matches!(b, b'\n' | b'\r') && self.quoting != Quoted;
        if b == b'\n' {
            self.line += 1;
        }
        self.quoting = match (self.quoting, b) {
            (Quoted, b'"') => QuoteInQuoted,
            (Quoted, _) => Quoted,
            (FieldStart | QuoteInQuoted, b'"') => Quoted,
            (_, b',' | b'\n' | b'\r') => FieldStart,
            _ => Unquoted,
        };
        if ends_record {
            self.record_bytes = 0;
            self.record_line = self.line;
        } else {
            self.record_bytes += 1;
        }
    }
}

impl<R: Read> Read for RecordCap<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            self.step(b);
            if self.record_bytes > MAX_RECORD_BYTES {
                let line = self.record_line;
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    TooLong { line },
                ));
            }
        }
        Ok(n)
    }
}

/// A CSV reading error of `file`, on its line.
fn read_error(file: &str, e: csv::Error) -> StoreError {
    let too_long = match e.kind() {
        csv::ErrorKind::Io(io) => io.get_ref().and_then(|i| i.downcast_ref::<TooLong>()),
        _ => None,
    };
    match too_long {
        Some(t) => csv_error(file, t.line, t),
        None => csv_error(file, e.position().map_or(0, |p| p.line()), e),
    }
}

/// The field names of struct `T` (its CSV columns), from its `Deserialize`.
fn columns<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    use serde::de::{self, Visitor};
    struct Names<'a>(&'a mut &'static [&'static str]);
    impl<'de> de::Deserializer<'de> for Names<'_> {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(de::Error::custom("only the field names"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Names(&mut fields));
    fields
}

/// Refuse a header line that is missing or names something other than `T`'s columns (the
/// file is no such table, or its first line is data): a column the import does not know would
/// be dropped without a word.
fn check_header<'de, T: Deserialize<'de>>(headers: &csv::StringRecord, file: &str) -> Result<()> {
    let columns = columns::<T>();
    let expected = || format!("a header line naming the columns {}", columns.join(","));
    if headers.iter().all(str::is_empty) {
        return Err(csv_error(
            file,
            1,
            format!("no header line (an empty file?): expected {}", expected()),
        ));
    }
    match headers.iter().position(|h| !columns.contains(&h)) {
        None => Ok(()),
        Some(k) => {
            let h = &headers[k];
            let shown: String = h.chars().take(40).collect();
            Err(csv_error(
                file,
                1,
                format!(
                    "field {}: '{}{}' is not a column of this table: expected {}",
                    k + 1,
                    shown.escape_debug(),
                    if shown.len() < h.len() { "…" } else { "" },
                    expected()
                ),
            ))
        }
    }
}

/// Rows of a CSV file with their line numbers.
fn read_rows<T: for<'de> Deserialize<'de>>(input: impl Read, file: &str) -> Result<Vec<(u64, T)>> {
    let mut r = csv::Reader::from_reader(RecordCap::new(input));
    let headers = r.headers().map_err(|e| read_error(file, e))?.clone();
    check_header::<T>(&headers, file)?;
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| read_error(file, e))?;
        let line = rec.position().map_or(0, |p| p.line());
        let rec: csv::StringRecord = rec.iter().map(cell_text).collect();
        let row: T = rec
            .deserialize(Some(&headers))
            .map_err(|e| csv_error(file, line, e))?;
        out.push((line, row));
    }
    Ok(out)
}

/// Import `table` from CSV in one transaction; returns the number of records stored
/// (injections, not dose rows). `file` names the input in errors.
pub fn import_csv(store: &Store, table: Table, input: impl Read, file: &str) -> Result<usize> {
    let at = |line: u64| move |e: StoreError| csv_error(file, line, e);
    store.block(async {
        let mut tx = store.begin_write().await?;
        let mut n = 0;
        match table {
            Table::Subjects => {
                for (line, s) in read_rows::<Subject>(input, file)? {
                    subjects::insert(&mut tx, &s).await.map_err(at(line))?;
                    n += 1;
                }
            }
            Table::Injections => {
                // Consecutive rows of the same subject, date, product, guidance and note are
                // the muscles of one injection.
                let mut current: Option<(u64, Injection)> = None;
                for (line, r) in read_rows::<InjectionRow>(input, file)? {
                    let dose = Dose {
                        muscle: r.muscle,
                        side: r.side,
                        units: r.units,
                    };
                    match &mut current {
                        Some((_, i))
                            if i.subject == r.subject
                                && i.given_on == r.given_on
                                && i.product == r.product
                                && i.guidance == r.guidance
                                && i.note == r.note =>
                        {
                            i.doses.push(dose)
                        }
                        _ => {
                            if let Some((l, i)) = current.take() {
                                insert_injection(&mut tx, &i).await.map_err(at(l))?;
                                n += 1;
                            }
                            current = Some((
                                line,
                                Injection {
                                    subject: r.subject,
                                    given_on: r.given_on,
                                    product: r.product,
                                    guidance: r.guidance,
                                    doses: vec![dose],
                                    note: r.note,
                                },
                            ));
                        }
                    }
                }
                if let Some((l, i)) = current {
                    insert_injection(&mut tx, &i).await.map_err(at(l))?;
                    n += 1;
                }
            }
            Table::Dbs => {
                for (line, d) in read_rows::<DbsSetting>(input, file)? {
                    insert_dbs(&mut tx, &d).await.map_err(at(line))?;
                    n += 1;
                }
            }
            Table::Medications => {
                for (line, m) in read_rows::<Medication>(input, file)? {
                    insert_medication(&mut tx, &m).await.map_err(at(line))?;
                    n += 1;
                }
            }
            Table::Diary => {
                for (line, d) in read_rows::<DiaryEntry>(input, file)? {
                    insert_diary(&mut tx, &d).await.map_err(at(line))?;
                    n += 1;
                }
            }
        }
        tx.commit().await?;
        Ok(n)
    })
}
