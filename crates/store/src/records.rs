//! Treatments and the diary: botulinum toxin injections (product, units per muscle and side,
//! guidance), DBS programming, medication, and the patient's diary (pain 0–10 and the
//! TWSTRS-2 self-rated disability 0–30 and pain 0–20 subscales; Comella 2016).

use crate::sessions::{date_text, parse_date};
use crate::vocab::{in_range, number, one_of, opt_one_of, plausible_date, text, GUIDANCE, SIDES};
use crate::{subjects, Result, Store, StoreError};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// Units of toxin into one muscle on one side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dose {
    pub muscle: String,
    pub side: String,
    pub units: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Injection {
    pub subject: String,
    pub given_on: NaiveDate,
    /// E.g. onabotulinumtoxinA, abobotulinumtoxinA, incobotulinumtoxinA, rimabotulinumtoxinB.
    pub product: String,
    pub guidance: Option<String>,
    pub doses: Vec<Dose>,
    pub note: Option<String>,
}

impl Injection {
    /// Total units over all muscles.
    pub fn total_units(&self) -> f64 {
        self.doses.iter().map(|d| d.units).sum()
    }

    /// A warning when the total is above the product's labelled maximum for one treatment
    /// (`LABELLED_MAXIMA`): stored all the same (the clinician decides), but said, since
    /// such a total is more often a typo (units of another product, a digit too many).
    pub fn dose_warning(&self) -> Option<String> {
        let product = self.product.to_lowercase();
        let (_, max, source) = LABELLED_MAXIMA
            .iter()
            .find(|(names, _, _)| names.iter().any(|n| product.contains(n)))?;
        let total = self.total_units();
        (total > *max).then(|| {
            format!(
                "{} U of {} in one treatment is above its labelled maximum of {} U ({source}): \
                 check the units",
                number(total),
                self.product,
                number(*max)
            )
        })
    }

    fn check(&self) -> Result<()> {
        plausible_date("given on", self.given_on)?;
        text("product", &self.product)?;
        opt_one_of("guidance", &self.guidance, GUIDANCE)?;
        if self.doses.is_empty() {
            return Err(StoreError::invalid(
                "doses",
                "an injection needs at least one muscle dose",
            ));
        }
        for d in &self.doses {
            text("muscle", &d.muscle)?;
            one_of("side", &d.side, SIDES)?;
            if !(d.units > 0.0 && d.units <= 2000.0) {
                return Err(StoreError::invalid(
                    "units",
                    format!(
                        "{} units into {} is outside 0–2000",
                        number(d.units),
                        d.muscle
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Labelled maxima of one cervical-dystonia treatment session, in the product's own units
/// (they differ between products: 1 U of one is not 1 U of another): the names a product is
/// recognised by (generic and brand, lower case), the maximum, and where it comes from.
///
/// Source: the US prescribing information of each product (FDA labels; the project's clinical
/// notes give no maxima). BOTOX (onabotulinumtoxinA): the cumulative dose "should generally
/// not exceed 400 Units in a 3 month interval" over all indications, the cervical dystonia
/// trial's mean 236 U (25th–75th percentile 198–300 U), so 400 U. DYSPORT
/// (abobotulinumtoxinA): 500 U initially, re-treatment 250–1000 U. XEOMIN
/// (incobotulinumtoxinA): 120 U recommended initially, 120 and 240 U studied. DAXXIFY
/// (daxibotulinumtoxinA): 125–250 U. MYOBLOC (rimabotulinumtoxinB): 2500–5000 U divided
/// among the affected muscles. A product not named here is not checked.
const LABELLED_MAXIMA: &[(&[&str], f64, &str)] = &[
    (
        &["onabotulinumtoxina", "botox"],
        400.0,
        "BOTOX label: at most 400 U cumulative in 3 months; cervical dystonia mean 236 U",
    ),
    (
        &["abobotulinumtoxina", "dysport"],
        1000.0,
        "DYSPORT label: cervical dystonia 250–1000 U",
    ),
    (
        &["incobotulinumtoxina", "xeomin"],
        240.0,
        "XEOMIN label: cervical dystonia 120 U, 240 U the highest dose studied",
    ),
    (
        &["daxibotulinumtoxina", "daxxify"],
        250.0,
        "DAXXIFY label: cervical dystonia 125–250 U",
    ),
    (
        &["rimabotulinumtoxinb", "myobloc", "neurobloc"],
        5000.0,
        "MYOBLOC label: cervical dystonia 2500–5000 U",
    ),
];

/// One DBS programming visit: the stimulation settings from that date on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbsSetting {
    pub subject: String,
    pub programmed_on: NaiveDate,
    /// E.g. GPi, STN, Vim.
    pub target: String,
    pub side: String,
    /// Active contacts as the programmer shows them, e.g. "1-, C+".
    pub contacts: String,
    pub amplitude: f64,
    /// `mA` or `V`.
    pub amplitude_unit: String,
    pub pulse_width_us: f64,
    pub frequency_hz: f64,
    pub note: Option<String>,
}

impl DbsSetting {
    fn check(&self) -> Result<()> {
        plausible_date("programmed on", self.programmed_on)?;
        text("target", &self.target)?;
        one_of("side", &self.side, SIDES)?;
        text("contacts", &self.contacts)?;
        one_of("amplitude unit", &self.amplitude_unit, &["mA", "V"])?;
        in_range("amplitude", self.amplitude, 0.0, 25.5)?;
        in_range("pulse width (µs)", self.pulse_width_us, 10.0, 1000.0)?;
        in_range("frequency (Hz)", self.frequency_hz, 1.0, 1000.0)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Medication {
    pub subject: String,
    pub name: String,
    /// As prescribed, e.g. "2 mg three times a day".
    pub dose: String,
    pub started_on: NaiveDate,
    pub stopped_on: Option<NaiveDate>,
    pub note: Option<String>,
}

impl Medication {
    fn check(&self) -> Result<()> {
        plausible_date("started on", self.started_on)?;
        if let Some(stop) = self.stopped_on {
            plausible_date("stopped on", stop)?;
        }
        text("name", &self.name)?;
        text("dose", &self.dose)?;
        match self.stopped_on {
            Some(stop) if stop < self.started_on => Err(StoreError::invalid(
                "stopped on",
                format!("{stop} is before the start {}", self.started_on),
            )),
            _ => Ok(()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiaryEntry {
    pub subject: String,
    pub entry_on: NaiveDate,
    /// Pain 0–10 (numeric rating scale).
    pub pain: Option<i64>,
    /// TWSTRS-2 disability subscale, self-rated, 0–30.
    pub twstrs_disability: Option<i64>,
    /// TWSTRS-2 pain subscale, self-rated, 0–20.
    pub twstrs_pain: Option<i64>,
    pub note: Option<String>,
}

impl DiaryEntry {
    fn check(&self) -> Result<()> {
        plausible_date("entry on", self.entry_on)?;
        if let Some(p) = self.pain {
            in_range("pain", p, 0, 10)?;
        }
        if let Some(d) = self.twstrs_disability {
            in_range("TWSTRS-2 disability", d, 0, 30)?;
        }
        if let Some(p) = self.twstrs_pain {
            in_range("TWSTRS-2 pain", p, 0, 20)?;
        }
        if self.pain.is_none()
            && self.twstrs_disability.is_none()
            && self.twstrs_pain.is_none()
            && self.note.is_none()
        {
            return Err(StoreError::invalid("diary", "the entry is empty"));
        }
        Ok(())
    }
}

pub(crate) async fn insert_injection(conn: &mut AnyConnection, i: &Injection) -> Result<i64> {
    i.check()?;
    let subject_id = subjects::id(conn, &i.subject).await?;
    let row = sqlx::query(
        "INSERT INTO injections (subject_id, given_on, product, guidance, note) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(subject_id)
    .bind(date_text(i.given_on))
    .bind(&i.product)
    .bind(&i.guidance)
    .bind(&i.note)
    .fetch_one(&mut *conn)
    .await?;
    let id: i64 = row.try_get("id")?;
    for d in &i.doses {
        sqlx::query(
            "INSERT INTO injection_doses (injection_id, muscle, side, units) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(&d.muscle)
        .bind(&d.side)
        .bind(d.units)
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

pub(crate) async fn insert_dbs(conn: &mut AnyConnection, d: &DbsSetting) -> Result<i64> {
    d.check()?;
    let subject_id = subjects::id(conn, &d.subject).await?;
    let row = sqlx::query(
        "INSERT INTO dbs_settings (subject_id, programmed_on, target, side, contacts, amplitude, \
         amplitude_unit, pulse_width_us, frequency_hz, note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(subject_id)
    .bind(date_text(d.programmed_on))
    .bind(&d.target)
    .bind(&d.side)
    .bind(&d.contacts)
    .bind(d.amplitude)
    .bind(&d.amplitude_unit)
    .bind(d.pulse_width_us)
    .bind(d.frequency_hz)
    .bind(&d.note)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("id")?)
}

pub(crate) async fn insert_medication(conn: &mut AnyConnection, m: &Medication) -> Result<i64> {
    m.check()?;
    let subject_id = subjects::id(conn, &m.subject).await?;
    let row = sqlx::query(
        "INSERT INTO medications (subject_id, name, dose, started_on, stopped_on, note) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(subject_id)
    .bind(&m.name)
    .bind(&m.dose)
    .bind(date_text(m.started_on))
    .bind(m.stopped_on.map(date_text))
    .bind(&m.note)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("id")?)
}

pub(crate) async fn insert_diary(conn: &mut AnyConnection, d: &DiaryEntry) -> Result<i64> {
    d.check()?;
    let subject_id = subjects::id(conn, &d.subject).await?;
    let row = sqlx::query(
        "INSERT INTO diary (subject_id, entry_on, pain, twstrs_disability, twstrs_pain, note) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(subject_id)
    .bind(date_text(d.entry_on))
    .bind(d.pain)
    .bind(d.twstrs_disability)
    .bind(d.twstrs_pain)
    .bind(&d.note)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("id")?)
}

fn date(r: &AnyRow, column: &str) -> Result<NaiveDate> {
    parse_date(column, &r.try_get::<String, _>(column)?)
}

fn opt_date(r: &AnyRow, column: &str) -> Result<Option<NaiveDate>> {
    r.try_get::<Option<String>, _>(column)?
        .map(|s| parse_date(column, &s))
        .transpose()
}

impl Store {
    /// Rows of `sql` (which takes the subject code as `$1`, or no parameter for everyone).
    async fn of_subject(
        &self,
        sql_one: &'static str,
        sql_all: &'static str,
        subject: Option<&str>,
    ) -> Result<Vec<AnyRow>> {
        Ok(match subject {
            Some(code) => {
                let mut conn = self.pool.acquire().await?;
                subjects::id(&mut conn, code).await?;
                sqlx::query(sql_one)
                    .bind(code)
                    .fetch_all(&mut *conn)
                    .await?
            }
            None => sqlx::query(sql_all).fetch_all(&self.pool).await?,
        })
    }

    pub fn add_injection(&self, i: &Injection) -> Result<i64> {
        self.block(async {
            let mut tx = self.begin_write().await?;
            let id = insert_injection(&mut tx, i).await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Injections of one subject (or all), by subject and date, with their doses.
    pub fn injections(&self, subject: Option<&str>) -> Result<Vec<Injection>> {
        self.block(async {
            let rows = self
                .of_subject(
                    "SELECT i.id, j.code, i.given_on, i.product, i.guidance, i.note FROM injections i \
                     JOIN subjects j ON j.id = i.subject_id WHERE j.code = $1 ORDER BY j.code, i.given_on, i.id",
                    "SELECT i.id, j.code, i.given_on, i.product, i.guidance, i.note FROM injections i \
                     JOIN subjects j ON j.id = i.subject_id ORDER BY j.code, i.given_on, i.id",
                    subject,
                )
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                let id: i64 = r.try_get("id")?;
                let doses = sqlx::query(
                    "SELECT muscle, side, units FROM injection_doses WHERE injection_id = $1 ORDER BY id",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|d| -> Result<Dose> {
                    Ok(Dose {
                        muscle: d.try_get("muscle")?,
                        side: d.try_get("side")?,
                        units: d.try_get("units")?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
                out.push(Injection {
                    subject: r.try_get("code")?,
                    given_on: date(r, "given_on")?,
                    product: r.try_get("product")?,
                    guidance: r.try_get("guidance")?,
                    doses,
                    note: r.try_get("note")?,
                });
            }
            Ok(out)
        })
    }

    pub fn add_dbs(&self, d: &DbsSetting) -> Result<i64> {
        self.block(async {
            let mut conn = self.pool.acquire().await?;
            insert_dbs(&mut conn, d).await
        })
    }

    pub fn dbs_settings(&self, subject: Option<&str>) -> Result<Vec<DbsSetting>> {
        self.block(async {
            self.of_subject(
                "SELECT d.*, j.code FROM dbs_settings d JOIN subjects j ON j.id = d.subject_id \
                 WHERE j.code = $1 ORDER BY j.code, d.programmed_on, d.id",
                "SELECT d.*, j.code FROM dbs_settings d JOIN subjects j ON j.id = d.subject_id \
                 ORDER BY j.code, d.programmed_on, d.id",
                subject,
            )
            .await?
            .iter()
            .map(|r| {
                Ok(DbsSetting {
                    subject: r.try_get("code")?,
                    programmed_on: date(r, "programmed_on")?,
                    target: r.try_get("target")?,
                    side: r.try_get("side")?,
                    contacts: r.try_get("contacts")?,
                    amplitude: r.try_get("amplitude")?,
                    amplitude_unit: r.try_get("amplitude_unit")?,
                    pulse_width_us: r.try_get("pulse_width_us")?,
                    frequency_hz: r.try_get("frequency_hz")?,
                    note: r.try_get("note")?,
                })
            })
            .collect()
        })
    }

    pub fn add_medication(&self, m: &Medication) -> Result<i64> {
        self.block(async {
            let mut conn = self.pool.acquire().await?;
            insert_medication(&mut conn, m).await
        })
    }

    pub fn medications(&self, subject: Option<&str>) -> Result<Vec<Medication>> {
        self.block(async {
            self.of_subject(
                "SELECT m.*, j.code FROM medications m JOIN subjects j ON j.id = m.subject_id \
                 WHERE j.code = $1 ORDER BY j.code, m.started_on, m.id",
                "SELECT m.*, j.code FROM medications m JOIN subjects j ON j.id = m.subject_id \
                 ORDER BY j.code, m.started_on, m.id",
                subject,
            )
            .await?
            .iter()
            .map(|r| {
                Ok(Medication {
                    subject: r.try_get("code")?,
                    name: r.try_get("name")?,
                    dose: r.try_get("dose")?,
                    started_on: date(r, "started_on")?,
                    stopped_on: opt_date(r, "stopped_on")?,
                    note: r.try_get("note")?,
                })
            })
            .collect()
        })
    }

    pub fn add_diary(&self, d: &DiaryEntry) -> Result<i64> {
        self.block(async {
            let mut conn = self.pool.acquire().await?;
            insert_diary(&mut conn, d).await
        })
    }

    pub fn diary(&self, subject: Option<&str>) -> Result<Vec<DiaryEntry>> {
        self.block(async {
            self.of_subject(
                "SELECT d.*, j.code FROM diary d JOIN subjects j ON j.id = d.subject_id \
                 WHERE j.code = $1 ORDER BY j.code, d.entry_on, d.id",
                "SELECT d.*, j.code FROM diary d JOIN subjects j ON j.id = d.subject_id \
                 ORDER BY j.code, d.entry_on, d.id",
                subject,
            )
            .await?
            .iter()
            .map(|r| {
                Ok(DiaryEntry {
                    subject: r.try_get("code")?,
                    entry_on: date(r, "entry_on")?,
                    pain: r.try_get("pain")?,
                    twstrs_disability: r.try_get("twstrs_disability")?,
                    twstrs_pain: r.try_get("twstrs_pain")?,
                    note: r.try_get("note")?,
                })
            })
            .collect()
        })
    }
}
