//! Assembles the versioned results document from a recording's description and its analysis.

use crate::analyzer::Analysis;
use collis_core::results::{Recording, Results, NOTICE, SCHEMA_VERSION};

/// The full results document.
pub fn assemble(recording: Recording, analysis: Analysis, mut warnings: Vec<String>) -> Results {
    warnings.extend(analysis.warnings);
    Results {
        schema_version: SCHEMA_VERSION.to_string(),
        generator: concat!("collis ", env!("CARGO_PKG_VERSION")).to_string(),
        notice: NOTICE.to_string(),
        recording,
        measurements: analysis.measurements,
        warnings,
    }
}
