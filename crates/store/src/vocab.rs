//! The controlled words of the record (stored as text, checked on every write, so the CLI,
//! CSV import and any later API accept the same values), the range checks of its numbers and
//! dates, and how a number is shown in their messages and in listings ([`number`]).

use crate::{Result, StoreError};
use chrono::{Days, NaiveDate, Utc};

pub const SEXES: &[&str] = &["female", "male", "other"];
/// The side a cervical dystonia mostly pulls to, or both.
pub const AFFECTED_SIDES: &[&str] = &["left", "right", "both", "none"];
/// Side of an injected muscle or a DBS lead.
pub const SIDES: &[&str] = &["left", "right", "both"];
/// How injections were targeted.
pub const GUIDANCE: &[&str] = &["anatomy", "emg", "ultrasound", "e-stim", "ct"];

/// `value` if it is one of `allowed`.
pub(crate) fn one_of(field: &str, value: &str, allowed: &[&str]) -> Result<()> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(StoreError::invalid(
            field,
            format!("'{value}' is not one of {}", allowed.join(", ")),
        ))
    }
}

/// `value` if it is one of `allowed`, when given.
pub(crate) fn opt_one_of(field: &str, value: &Option<String>, allowed: &[&str]) -> Result<()> {
    value
        .as_deref()
        .map_or(Ok(()), |v| one_of(field, v, allowed))
}

/// A number as people write it: up to three decimals, trailing zeros removed (`60`, `0.25`,
/// `-3.5`), and magnitudes of a billion or more or below a thousandth in scientific notation
/// (`1e300`, `1e-300`) rather than as hundreds of digits.
pub fn number(x: f64) -> String {
    if x != 0.0 && x.is_finite() && !(1e-3..1e9).contains(&x.abs()) {
        return format!("{x:e}");
    }
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0" } else { s }.to_string()
}

/// A value of a range check, as its message shows it.
pub(crate) trait Shown: PartialOrd + Copy {
    fn shown(self) -> String;
}

impl Shown for i64 {
    fn shown(self) -> String {
        self.to_string()
    }
}

impl Shown for f64 {
    fn shown(self) -> String {
        number(self)
    }
}

/// `value` when within `[lo, hi]`.
pub(crate) fn in_range<T: Shown>(field: &str, value: T, lo: T, hi: T) -> Result<()> {
    if value >= lo && value <= hi {
        Ok(())
    } else {
        Err(StoreError::invalid(
            field,
            format!("{} is outside {}–{}", value.shown(), lo.shown(), hi.shown()),
        ))
    }
}

/// The earliest date of a visit, treatment or diary entry: none of the record's events
/// happened before 1900 (the earliest birth year it accepts, too).
const FIRST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => panic!("a valid date"),
};

/// `date` when it can be the date of something that happened: from 1900-01-01 to tomorrow
/// (UTC). The record holds what was done, never plans, so a later date is a typo (9999-12-31,
/// 2062 for 2026); tomorrow, because east of UTC the local date is already a day ahead.
pub(crate) fn plausible_date(field: &str, date: NaiveDate) -> Result<()> {
    let last = Utc::now().date_naive() + Days::new(1);
    if (FIRST_DATE..=last).contains(&date) {
        Ok(())
    } else {
        Err(StoreError::invalid(
            field,
            format!("{date} is not a plausible date: give one from {FIRST_DATE} to {last}"),
        ))
    }
}

/// A non-empty text without surrounding space.
pub(crate) fn text(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() || value.trim() != value {
        Err(StoreError::invalid(
            field,
            format!("'{value}' must be non-empty text without surrounding spaces"),
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_shown_short() {
        let shown: Vec<String> = [60.0, 0.25, -3.5, 2000.0, 1e300, 1e-300, -0.0, 1.0 / 3.0]
            .into_iter()
            .map(number)
            .collect();
        assert_eq!(
            shown,
            ["60", "0.25", "-3.5", "2000", "1e300", "1e-300", "0", "0.333"]
        );
    }
}
