//! Research exports of the whole record: tidy tables (one row per session, one row per jerk
//! or spasm event) as CSV and as Parquet, and one FHIR R4 `Observation` bundle per session.
//!
//! The tables are defined once ([`sessions_table`], [`events_table`]) as typed columns and
//! written to both formats, so CSV and Parquet always agree. Parquet is written with the
//! `parquet` crate's column writers (no Arrow, no compression codecs: small build).

use crate::ReportError;
use chrono::NaiveDate;
use collis_core::results::NOTICE;
use collis_store::{DiaryEntry, SessionEvent, SessionRow};
use parquet::basic::{ConvertedType, LogicalType, Repetition, Type as Physical};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;
use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

/// One column of a tidy table; `None` is a missing value.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    Int(Vec<Option<i64>>),
    Real(Vec<Option<f64>>),
    Text(Vec<Option<String>>),
    Bool(Vec<Option<bool>>),
    Date(Vec<Option<NaiveDate>>),
}

impl Values {
    fn len(&self) -> usize {
        match self {
            Values::Int(v) => v.len(),
            Values::Real(v) => v.len(),
            Values::Text(v) => v.len(),
            Values::Bool(v) => v.len(),
            Values::Date(v) => v.len(),
        }
    }

    fn cell(&self, row: usize) -> String {
        match self {
            Values::Int(v) => v[row].map_or(String::new(), |x| x.to_string()),
            Values::Real(v) => v[row].map_or(String::new(), |x| x.to_string()),
            Values::Text(v) => v[row].clone().unwrap_or_default(),
            Values::Bool(v) => v[row].map_or(String::new(), |x| x.to_string()),
            Values::Date(v) => v[row].map_or(String::new(), |x| x.to_string()),
        }
    }

    fn is_required(&self) -> bool {
        match self {
            Values::Int(v) => v.iter().all(Option::is_some),
            Values::Real(v) => v.iter().all(Option::is_some),
            Values::Text(v) => v.iter().all(Option::is_some),
            Values::Bool(v) => v.iter().all(Option::is_some),
            Values::Date(v) => v.iter().all(Option::is_some),
        }
    }
}

/// A tidy table: named columns of equal length.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub name: &'static str,
    pub columns: Vec<(&'static str, Values)>,
}

impl Table {
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |(_, v)| v.len())
    }

    /// The table as CSV: a header, then one line per row; missing values are empty, and text
    /// a spreadsheet would run as a formula is quoted ([`collis_store::spreadsheet_cell`]).
    pub fn write_csv(&self, out: impl Write, file: &str) -> Result<(), ReportError> {
        let err = |e: csv::Error| ReportError::Csv {
            file: file.to_string(),
            message: e.to_string(),
        };
        let mut w = csv::Writer::from_writer(out);
        w.write_record(self.columns.iter().map(|(n, _)| *n))
            .map_err(err)?;
        for row in 0..self.rows() {
            let cells: Vec<String> = self.columns.iter().map(|(_, v)| v.cell(row)).collect();
            w.write_record(
                cells
                    .iter()
                    .map(|c| collis_store::spreadsheet_cell(c).into_owned()),
            )
            .map_err(err)?;
        }
        w.flush().map_err(|e| ReportError::Io(file.to_string(), e))
    }

    /// The Parquet schema: one primitive field per column, REQUIRED when nothing is missing.
    fn schema(&self) -> Result<Type, parquet::errors::ParquetError> {
        let fields = self
            .columns
            .iter()
            .map(|(name, v)| {
                let repetition = if v.is_required() {
                    Repetition::REQUIRED
                } else {
                    Repetition::OPTIONAL
                };
                let b = match v {
                    Values::Int(_) => Type::primitive_type_builder(name, Physical::INT64),
                    Values::Real(_) => Type::primitive_type_builder(name, Physical::DOUBLE),
                    Values::Bool(_) => Type::primitive_type_builder(name, Physical::BOOLEAN),
                    Values::Text(_) => Type::primitive_type_builder(name, Physical::BYTE_ARRAY)
                        .with_logical_type(Some(LogicalType::String))
                        .with_converted_type(ConvertedType::UTF8),
                    Values::Date(_) => Type::primitive_type_builder(name, Physical::INT32)
                        .with_logical_type(Some(LogicalType::Date))
                        .with_converted_type(ConvertedType::DATE),
                };
                b.with_repetition(repetition).build().map(Arc::new)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Type::group_type_builder(self.name)
            .with_fields(fields)
            .build()
    }

    /// The table as one Parquet row group.
    pub fn write_parquet(&self, path: &Path) -> Result<(), ReportError> {
        let file_name = path.display().to_string();
        let err = |e: parquet::errors::ParquetError| ReportError::Parquet {
            file: file_name.clone(),
            message: e.to_string(),
        };
        let file =
            std::fs::File::create(path).map_err(|e| ReportError::Io(file_name.clone(), e))?;
        let props = Arc::new(
            WriterProperties::builder()
                .set_created_by(concat!("collis ", env!("CARGO_PKG_VERSION")).into())
                .build(),
        );
        let mut writer =
            SerializedFileWriter::new(file, Arc::new(self.schema().map_err(err)?), props)
                .map_err(err)?;
        let mut group = writer.next_row_group().map_err(err)?;
        let mut columns = self.columns.iter();
        while let Some(mut col) = group.next_column().map_err(err)? {
            let Some((_, values)) = columns.next() else {
                break;
            };
            /// Present values and definition levels (1 = present) of an optional column.
            fn split<T: Clone, U>(v: &[Option<T>], f: impl Fn(T) -> U) -> (Vec<U>, Vec<i16>) {
                let levels = v.iter().map(|x| i16::from(x.is_some())).collect();
                (v.iter().flatten().cloned().map(f).collect(), levels)
            }
            let required = values.is_required();
            let levels = |l: Vec<i16>| if required { None } else { Some(l) };
            match values {
                Values::Int(v) => {
                    let (x, l) = split(v, |x| x);
                    col.typed::<Int64Type>()
                        .write_batch(&x, levels(l).as_deref(), None)
                }
                Values::Real(v) => {
                    let (x, l) = split(v, |x| x);
                    col.typed::<DoubleType>()
                        .write_batch(&x, levels(l).as_deref(), None)
                }
                Values::Bool(v) => {
                    let (x, l) = split(v, |x| x);
                    col.typed::<BoolType>()
                        .write_batch(&x, levels(l).as_deref(), None)
                }
                Values::Text(v) => {
                    let (x, l) = split(v, |s| ByteArray::from(s.as_str()));
                    col.typed::<ByteArrayType>()
                        .write_batch(&x, levels(l).as_deref(), None)
                }
                Values::Date(v) => {
                    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");
                    let (x, l) = split(v, |d| (d - epoch).num_days() as i32);
                    col.typed::<Int32Type>()
                        .write_batch(&x, levels(l).as_deref(), None)
                }
            }
            .map_err(err)?;
            col.close().map_err(err)?;
        }
        group.close().map_err(err)?;
        writer.close().map_err(err)?;
        Ok(())
    }
}

/// One row per session with its main figures.
pub fn sessions_table(sessions: &[SessionRow]) -> Table {
    let int =
        |f: &dyn Fn(&SessionRow) -> i64| Values::Int(sessions.iter().map(|s| Some(f(s))).collect());
    let real =
        |f: &dyn Fn(&SessionRow) -> Option<f64>| Values::Real(sessions.iter().map(f).collect());
    let text =
        |f: &dyn Fn(&SessionRow) -> Option<String>| Values::Text(sessions.iter().map(f).collect());
    Table {
        name: "sessions",
        columns: vec![
            ("session_id", int(&|s| s.id)),
            ("subject", text(&|s| Some(s.subject.clone()))),
            (
                "recorded_on",
                Values::Date(sessions.iter().map(|s| Some(s.recorded_on)).collect()),
            ),
            ("task", text(&|s| Some(s.task.clone()))),
            ("source", text(&|s| Some(s.source.clone()))),
            ("file_name", text(&|s| s.file_name.clone())),
            ("content_sha256", text(&|s| Some(s.content_sha256.clone()))),
            ("schema_version", text(&|s| Some(s.schema_version.clone()))),
            ("duration_s", real(&|s| Some(s.duration_s))),
            (
                "rotation_median_deg",
                real(&|s| s.figures.rotation_median_deg),
            ),
            ("tilt_median_deg", real(&|s| s.figures.tilt_median_deg)),
            (
                "flexion_median_deg",
                real(&|s| s.figures.flexion_median_deg),
            ),
            (
                "tremor_present",
                Values::Bool(
                    sessions
                        .iter()
                        .map(|s| Some(s.figures.tremor_present))
                        .collect(),
                ),
            ),
            (
                "tremor_frequency_hz",
                real(&|s| s.figures.tremor_frequency_hz),
            ),
            (
                "tremor_amplitude_deg",
                real(&|s| s.figures.tremor_amplitude_deg),
            ),
            ("jerk_count", int(&|s| s.figures.jerk_count)),
            (
                "jerk_rate_per_min",
                real(&|s| Some(s.figures.jerk_rate_per_min)),
            ),
            ("spasm_count", int(&|s| s.figures.spasm_count)),
            (
                "twstrs_machine_subtotal",
                int(&|s| s.figures.twstrs_machine_subtotal),
            ),
            ("twstrs_machine_max", int(&|s| s.figures.twstrs_machine_max)),
        ],
    }
}

/// One row per jerk or spasm, with its session's subject and date.
pub fn events_table(sessions: &[SessionRow], events: &[SessionEvent]) -> Table {
    let session = |e: &SessionEvent| sessions.iter().find(|s| s.id == e.session_id);
    let real =
        |f: &dyn Fn(&SessionEvent) -> Option<f64>| Values::Real(events.iter().map(f).collect());
    let text =
        |f: &dyn Fn(&SessionEvent) -> Option<String>| Values::Text(events.iter().map(f).collect());
    Table {
        name: "events",
        columns: vec![
            (
                "session_id",
                Values::Int(events.iter().map(|e| Some(e.session_id)).collect()),
            ),
            ("subject", text(&|e| session(e).map(|s| s.subject.clone()))),
            (
                "recorded_on",
                Values::Date(
                    events
                        .iter()
                        .map(|e| session(e).map(|s| s.recorded_on))
                        .collect(),
                ),
            ),
            ("kind", text(&|e| Some(e.kind.clone()))),
            ("time_s", real(&|e| Some(e.time_s))),
            ("duration_s", real(&|e| Some(e.duration_s))),
            ("axis", text(&|e| Some(e.axis.clone()))),
            ("amplitude_deg", real(&|e| Some(e.amplitude_deg))),
            ("peak_velocity_dps", real(&|e| e.peak_velocity_dps)),
        ],
    }
}

/// The local code system for figures LOINC and SNOMED CT have no code for.
pub const CODE_SYSTEM: &str = "https://collis.invalid/fhir/CodeSystem/collis-measurement";

/// `(code, display, UCUM unit)` of every local code, for the CodeSystem resource.
pub const LOCAL_CODES: [(&str, &str, &str); 9] = [
    (
        "head-rotation-median",
        "Median head rotation from neutral (+ = chin to the right)",
        "deg",
    ),
    (
        "head-tilt-median",
        "Median head tilt from neutral (+ = right ear toward right shoulder)",
        "deg",
    ),
    (
        "head-flexion-median",
        "Median head flexion from neutral (+ = chin down)",
        "deg",
    ),
    (
        "head-tremor-frequency",
        "Head tremor dominant frequency",
        "Hz",
    ),
    (
        "head-tremor-amplitude",
        "Head tremor sinusoid-equivalent amplitude",
        "deg",
    ),
    (
        "head-tremor-present",
        "Head tremor present by the Collis criterion",
        "",
    ),
    ("head-jerk-rate", "Head jerks per minute", "/min"),
    (
        "twstrs-machine-subtotal",
        "TWSTRS severity items scored from the recording (subtotal)",
        "{score}",
    ),
    (
        "recording-duration",
        "Duration of the analysed recording",
        "s",
    ),
];

/// The FHIR CodeSystem resource documenting [`LOCAL_CODES`].
pub fn code_system() -> Value {
    json!({
        "resourceType": "CodeSystem",
        "id": "collis-measurement",
        "url": CODE_SYSTEM,
        "name": "CollisMeasurement",
        "title": "Collis head-movement measurements",
        "status": "draft",
        "content": "complete",
        "description": format!("Figures measured by Collis from head-sensor or video recordings, where LOINC and SNOMED CT have no code. {NOTICE}"),
        "concept": LOCAL_CODES.iter().map(|(code, display, _)| json!({"code": code, "display": display})).collect::<Vec<_>>(),
    })
}

fn observation(s: &SessionRow, code: Value, value: (&str, Value), id: &str) -> Value {
    let mut o = json!({
        "resourceType": "Observation",
        "id": format!("collis-session-{}-{id}", s.id),
        "status": "final",
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "exam", "display": "Exam"}]}],
        "code": code,
        "subject": {"identifier": {"system": "urn:collis:subject-code", "value": s.subject}},
        "effectiveDateTime": s.recorded_on.to_string(),
        "device": {"display": "Collis head-movement measurement"},
        "note": [{"text": NOTICE}],
        "identifier": [{"system": "urn:collis:session-sha256", "value": format!("{}#{id}", s.content_sha256)}],
    });
    o[value.0] = value.1;
    o
}

fn local(code: &str) -> Value {
    let (_, display, _) = LOCAL_CODES
        .iter()
        .find(|(c, _, _)| *c == code)
        .copied()
        .unwrap_or((code, code, ""));
    json!({"coding": [{"system": CODE_SYSTEM, "code": code, "display": display}], "text": display})
}

fn quantity(v: f64, unit: &str) -> (&'static str, Value) {
    (
        "valueQuantity",
        json!({"value": v, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit}),
    )
}

/// A FHIR R4 `collection` Bundle of Observations for one session (and the diary pain of that
/// day, coded LOINC 72514-3, when there is one).
pub fn fhir_bundle(s: &SessionRow, diary: &[DiaryEntry]) -> Value {
    let f = &s.figures;
    let mut entries = Vec::new();
    let mut add = |o: Value| {
        let id = o["id"].as_str().unwrap_or_default().to_string();
        entries.push(json!({"fullUrl": format!("urn:uuid:{id}"), "resource": o}));
    };
    for (code, id, v) in [
        ("head-rotation-median", "rotation", f.rotation_median_deg),
        ("head-tilt-median", "tilt", f.tilt_median_deg),
        ("head-flexion-median", "flexion", f.flexion_median_deg),
    ] {
        if let Some(v) = v {
            add(observation(s, local(code), quantity(v, "deg"), id));
        }
    }
    add(observation(
        s,
        local("head-tremor-present"),
        ("valueBoolean", json!(f.tremor_present)),
        "tremor-present",
    ));
    if let Some(v) = f.tremor_frequency_hz {
        add(observation(
            s,
            local("head-tremor-frequency"),
            quantity(v, "Hz"),
            "tremor-frequency",
        ));
    }
    if let Some(v) = f.tremor_amplitude_deg {
        add(observation(
            s,
            local("head-tremor-amplitude"),
            quantity(v, "deg"),
            "tremor-amplitude",
        ));
    }
    add(observation(
        s,
        local("head-jerk-rate"),
        quantity(f.jerk_rate_per_min, "/min"),
        "jerk-rate",
    ));
    add(observation(
        s,
        local("twstrs-machine-subtotal"),
        quantity(f.twstrs_machine_subtotal as f64, "{score}"),
        "twstrs-subtotal",
    ));
    add(observation(
        s,
        local("recording-duration"),
        quantity(s.duration_s, "s"),
        "duration",
    ));
    for d in diary
        .iter()
        .filter(|d| d.subject == s.subject && d.entry_on == s.recorded_on)
    {
        if let Some(p) = d.pain {
            let code = json!({"coding": [{"system": "http://loinc.org", "code": "72514-3", "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported"}], "text": "pain 0–10 (patient diary)"});
            add(observation(s, code, quantity(p as f64, "{score}"), "pain"));
        }
    }
    json!({
        "resourceType": "Bundle",
        "id": format!("collis-session-{}", s.id),
        "type": "collection",
        "timestamp": format!("{}T00:00:00Z", s.recorded_on),
        "entry": entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use collis_store::Figures;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;

    fn session(id: i64, rotation: Option<f64>) -> SessionRow {
        SessionRow {
            id,
            subject: "S1".into(),
            recorded_on: NaiveDate::from_ymd_opt(2026, 2, id as u32).unwrap(),
            task: "rest".into(),
            source: "imu".into(),
            reference: "neutral".into(),
            file_name: None,
            content_sha256: format!("{id:064}"),
            schema_version: "1.1.0".into(),
            duration_s: 60.0,
            figures: Figures {
                rotation_median_deg: rotation,
                tremor_present: id == 1,
                tremor_frequency_hz: (id == 1).then_some(4.5),
                tremor_amplitude_deg: (id == 1).then_some(1.25),
                jerk_count: id,
                jerk_rate_per_min: 2.0 * id as f64,
                twstrs_machine_subtotal: 7,
                twstrs_machine_max: 20,
                ..Figures::default()
            },
            event_count: id,
        }
    }

    #[test]
    fn file_names_never_run_as_formulas_in_a_spreadsheet() {
        let mut s = session(1, Some(-27.25));
        s.file_name = Some("=HYPERLINK(\"http://evil.example\")".into());
        let mut csv = Vec::new();
        sessions_table(&[s])
            .write_csv(&mut csv, "sessions.csv")
            .unwrap();
        let mut r = csv::Reader::from_reader(&csv[..]);
        let header = r.headers().unwrap().clone();
        let row = r.records().next().unwrap().unwrap();
        let cell = |name: &str| &row[header.iter().position(|h| h == name).unwrap()];
        assert_eq!(cell("file_name"), "'=HYPERLINK(\"http://evil.example\")");
        assert_eq!(
            cell("rotation_median_deg"),
            "-27.25",
            "numbers stay numbers"
        );
    }

    #[test]
    fn parquet_holds_what_csv_holds() {
        let sessions = [session(1, Some(-27.25)), session(2, None)];
        let table = sessions_table(&sessions);
        let mut csv = Vec::new();
        table.write_csv(&mut csv, "sessions.csv").unwrap();
        let csv = String::from_utf8(csv).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(
            lines[1].starts_with("1,S1,2026-02-01,rest,imu,,"),
            "{}",
            lines[1]
        );
        assert!(
            lines[2].contains(",60,,"),
            "missing rotation is empty: {}",
            lines[2]
        );

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sessions.parquet");
        table.write_parquet(&path).unwrap();
        let reader = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
        assert_eq!(reader.metadata().file_metadata().num_rows(), 2);
        let rows: Vec<_> = reader
            .get_row_iter(None)
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        let get = |row: usize, name: &str| -> Field {
            rows[row]
                .get_column_iter()
                .find(|(n, _)| n.as_str() == name)
                .map(|(_, f)| f.clone())
                .unwrap()
        };
        assert_eq!(get(0, "session_id"), Field::Long(1));
        assert_eq!(get(0, "subject"), Field::Str("S1".into()));
        assert_eq!(get(0, "rotation_median_deg"), Field::Double(-27.25));
        assert_eq!(get(1, "rotation_median_deg"), Field::Null);
        assert_eq!(get(0, "tremor_present"), Field::Bool(true));
        // 2026-02-02 is day 20486 since 1970-01-01.
        assert_eq!(get(1, "recorded_on"), Field::Date(20486));
        assert_eq!(get(1, "jerk_rate_per_min"), Field::Double(4.0));
    }

    #[test]
    fn fhir_bundle_codes_every_figure_and_the_diary_pain() {
        let s = session(1, Some(-27.25));
        let diary = [DiaryEntry {
            subject: "S1".into(),
            entry_on: s.recorded_on,
            pain: Some(6),
            twstrs_disability: None,
            twstrs_pain: None,
            note: None,
        }];
        let b = fhir_bundle(&s, &diary);
        assert_eq!(b["resourceType"], "Bundle");
        assert_eq!(b["type"], "collection");
        let entries = b["entry"].as_array().unwrap();
        let codes: Vec<&str> = entries
            .iter()
            .map(|e| e["resource"]["code"]["coding"][0]["code"].as_str().unwrap())
            .collect();
        assert_eq!(
            codes,
            [
                "head-rotation-median",
                "head-tremor-present",
                "head-tremor-frequency",
                "head-tremor-amplitude",
                "head-jerk-rate",
                "twstrs-machine-subtotal",
                "recording-duration",
                "72514-3"
            ]
        );
        for e in entries {
            let o = &e["resource"];
            assert_eq!(o["resourceType"], "Observation");
            assert_eq!(o["status"], "final");
            assert_eq!(o["subject"]["identifier"]["value"], "S1");
            assert_eq!(o["effectiveDateTime"], "2026-02-01");
            assert!(o["valueQuantity"].is_object() || o["valueBoolean"].is_boolean());
            let system = o["code"]["coding"][0]["system"].as_str().unwrap();
            let code = o["code"]["coding"][0]["code"].as_str().unwrap();
            if system == CODE_SYSTEM {
                // Every local code is defined in the CodeSystem.
                assert!(code_system()["concept"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c["code"] == code));
            } else {
                assert_eq!(system, "http://loinc.org");
            }
        }
        assert_eq!(entries[0]["resource"]["valueQuantity"]["value"], -27.25);
        assert_eq!(entries[0]["resource"]["valueQuantity"]["code"], "deg");
    }
}
