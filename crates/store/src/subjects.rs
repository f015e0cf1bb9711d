//! Subjects: pseudonymous codes with optional sex, birth year, onset year and affected side.
//! No names: the code is the only identifier the record holds.

use crate::vocab::{in_range, opt_one_of, text, AFFECTED_SIDES, SEXES};
use crate::{Result, Store, StoreError};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Subject {
    pub code: String,
    pub sex: Option<String>,
    pub birth_year: Option<i64>,
    pub onset_year: Option<i64>,
    pub affected_side: Option<String>,
    pub note: Option<String>,
}

impl Subject {
    /// A subject known only by its code.
    pub fn new(code: &str) -> Self {
        Subject {
            code: code.to_string(),
            ..Default::default()
        }
    }

    fn check(&self) -> Result<()> {
        check_subject_code(&self.code)?;
        opt_one_of("sex", &self.sex, SEXES)?;
        opt_one_of("affected side", &self.affected_side, AFFECTED_SIDES)?;
        if let Some(y) = self.birth_year {
            in_range("birth year", y, 1900, 2100)?;
        }
        if let Some(y) = self.onset_year {
            in_range("onset year", y, self.birth_year.unwrap_or(1900), 2100)?;
        }
        Ok(())
    }
}

/// A pseudonymous code: 1–64 letters, digits, `-`, `_` or `.`, starting with a letter or a
/// digit. So no code is a path (`.`, `..`, `../x`, a hidden `.x`), reads as an option (`-x`)
/// or holds a control character, wherever it is shown or used as a file name.
pub fn check_subject_code(code: &str) -> Result<()> {
    text("subject code", code)?;
    let ok = code.len() <= 64
        && code.starts_with(|c: char| c.is_ascii_alphanumeric())
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if ok {
        Ok(())
    } else {
        Err(StoreError::invalid(
            "subject code",
            format!(
                "'{}': use up to 64 letters, digits, '-', '_' or '.', starting with a letter or \
                 a digit (a pseudonym, not a name)",
                code.escape_debug()
            ),
        ))
    }
}

pub(crate) async fn insert(conn: &mut AnyConnection, s: &Subject) -> Result<i64> {
    s.check()?;
    if find(conn, &s.code).await?.is_some() {
        return Err(StoreError::SubjectExists(s.code.clone()));
    }
    let row = sqlx::query(
        "INSERT INTO subjects (code, sex, birth_year, onset_year, affected_side, note) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(&s.code)
    .bind(&s.sex)
    .bind(s.birth_year)
    .bind(s.onset_year)
    .bind(&s.affected_side)
    .bind(&s.note)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("id")?)
}

pub(crate) async fn find(conn: &mut AnyConnection, code: &str) -> Result<Option<i64>> {
    let row = sqlx::query("SELECT id FROM subjects WHERE code = $1")
        .bind(code)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(match row {
        Some(r) => Some(r.try_get("id")?),
        None => None,
    })
}

/// The id of subject `code`, which must exist.
pub(crate) async fn id(conn: &mut AnyConnection, code: &str) -> Result<i64> {
    find(conn, code)
        .await?
        .ok_or_else(|| StoreError::NoSubject(code.to_string()))
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<Subject> {
    Ok(Subject {
        code: r.try_get("code")?,
        sex: r.try_get("sex")?,
        birth_year: r.try_get("birth_year")?,
        onset_year: r.try_get("onset_year")?,
        affected_side: r.try_get("affected_side")?,
        note: r.try_get("note")?,
    })
}

impl Store {
    /// Add a subject; its code must be new.
    pub fn add_subject(&self, s: &Subject) -> Result<()> {
        self.block(async {
            let mut conn = self.pool.acquire().await?;
            insert(&mut conn, s).await.map(|_| ())
        })
    }

    /// Add subject `code` (with nothing else known) unless it exists; true when added.
    pub fn ensure_subject(&self, code: &str) -> Result<bool> {
        self.block(async {
            let mut conn = self.pool.acquire().await?;
            if find(&mut conn, code).await?.is_some() {
                return Ok(false);
            }
            insert(&mut conn, &Subject::new(code)).await.map(|_| true)
        })
    }

    pub fn subject(&self, code: &str) -> Result<Subject> {
        self.block(async {
            let row = sqlx::query("SELECT * FROM subjects WHERE code = $1")
                .bind(code)
                .fetch_optional(&self.pool)
                .await?
                .ok_or_else(|| StoreError::NoSubject(code.to_string()))?;
            from_row(&row)
        })
    }

    /// Every subject, by code.
    pub fn subjects(&self) -> Result<Vec<Subject>> {
        self.block(async {
            sqlx::query("SELECT * FROM subjects ORDER BY code")
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(from_row)
                .collect()
        })
    }
}
