//! Assembles the versioned results document from a recording's description and its analysis.

use crate::analyzer::Analysis;
use crate::{AnalysisConfig, Analyzer};
use collis_core::emg::Emg;
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

/// The results document of an EMG-only recording: the head-movement sections are those of
/// an empty stream (nothing measured), and a warning says so.
pub fn assemble_emg_only(recording: Recording, emg: Emg, mut warnings: Vec<String>) -> Results {
    let empty = Analyzer::new(AnalysisConfig {
        rate_hz: recording.rate_hz,
        rotation_referenced: false,
        exclude_s: None,
        task: recording.task,
    })
    .snapshot();
    warnings.insert(
        0,
        "EMG-only recording: no head movement was measured (posture, motion, tremor, jerks, \
         spasms and TWSTRS sections are empty)"
            .to_string(),
    );
    let mut measurements = empty.measurements;
    measurements.emg = Some(emg);
    assemble(
        recording,
        Analysis {
            measurements,
            warnings: Vec::new(),
        },
        warnings,
    )
}
