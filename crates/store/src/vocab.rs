//! The controlled words of the record (stored as text, checked on every write, so the CLI,
//! CSV import and any later API accept the same values).

use crate::{Result, StoreError};

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

/// `value` when within `[lo, hi]`.
pub(crate) fn in_range<T: PartialOrd + std::fmt::Display>(
    field: &str,
    value: T,
    lo: T,
    hi: T,
) -> Result<()> {
    if value >= lo && value <= hi {
        Ok(())
    } else {
        Err(StoreError::invalid(
            field,
            format!("{value} is outside {lo}–{hi}"),
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
