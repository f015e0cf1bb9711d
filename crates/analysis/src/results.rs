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

/// Analyse head samples held in memory (a simulation, a test, a buffered live stream) into
/// the results document, with the reference `cfg` asks for (9D when `cfg.use_mag` and the
/// samples carry a magnetometer).
pub fn analyze_samples(
    head: &[collis_core::ImuSample],
    cfg: &crate::ImuConfig,
    task: collis_core::results::Task,
    format: &str,
) -> Result<Results, crate::PipelineError> {
    use collis_core::results::Source;
    use std::convert::Infallible;
    type Samples<'a> = std::iter::Map<
        std::slice::Iter<'a, collis_core::ImuSample>,
        fn(&collis_core::ImuSample) -> Result<collis_core::ImuSample, Infallible>,
    >;
    let has_mag = head.first().is_some_and(|s| s.mag.is_some());
    let reference = crate::pipeline::reference(cfg, has_mag, None)?;
    let open = || -> Result<(Samples, Option<Samples>), Infallible> {
        Ok((head.iter().map(|s| Ok(*s)), None))
    };
    let nine_d = cfg.use_mag && has_mag;
    let (analysis, run) =
        crate::pipeline::analyze(open, cfg, &reference, task, nine_d).map_err(|e| match e {
            crate::PipelineErrorOr::Pipeline(p) => p,
            crate::PipelineErrorOr::Input(never) => match never {},
        })?;
    let recording = Recording {
        source: Source::Imu,
        file: None,
        format: format.to_string(),
        duration_s: run.last_s - run.first_s + 1.0 / cfg.rate_hz,
        rate_hz: cfg.rate_hz,
        samples: run.samples,
        task,
        has_magnetometer: has_mag,
        fusion: if cfg.use_mag && has_mag {
            "vqf-9d"
        } else {
            "vqf-6d"
        }
        .to_string(),
        mounting: cfg.mounting.to_string(),
        reference,
        video: None,
        gyro_bias: Some(run.bias.info()),
    };
    Ok(assemble(recording, analysis, Vec::new()))
}
