//! Collis report: the clinician's one-page report and the research exports, from the record.
//!
//! - [`comparable`]: which sessions measure the same thing (task, source, reference);
//! - [`longitudinal`]: trends, what changed since the last visit, botulinum toxin cycles (pure);
//! - [`plots`]: the figures as SVG, drawn with plotters;
//! - [`html`]: the one-page report; [`render`]: PDF and PNG through headless Chromium;
//! - [`export`]: tidy CSV and Parquet tables, FHIR R4 Observation bundles.

pub mod comparable;
mod error;
pub mod export;
pub mod html;
pub mod longitudinal;
pub mod plots;
pub mod render;

pub use error::ReportError;
