//! Wiring for one inertial recording: file readers → the pure pipeline → results.
//! The only place where files meet the pipeline.

use crate::args::AngleArgs;
use anyhow::{Context, Result};
use collis_analysis::pipeline::{self, ImuConfig, Run};
use collis_analysis::PipelineErrorOr;
use collis_core::results::{Recording, Reference, Results, Source, Task};
use collis_core::{AngleSample, ImuSample};
use collis_io::{open_imu, ImuReader, StreamInfo};
use std::path::Path;

/// An import reader whose errors are `anyhow` errors, and which can be given back.
pub struct Reader(pub ImuReader);

impl Iterator for Reader {
    type Item = Result<ImuSample>;
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|r| r.map_err(anyhow::Error::from))
    }
}

fn pipeline_error(e: PipelineErrorOr<anyhow::Error>, path: &Path) -> anyhow::Error {
    match e {
        PipelineErrorOr::Input(e) => e,
        PipelineErrorOr::Pipeline(e) => {
            anyhow::Error::from(e).context(format!("{}", path.display()))
        }
    }
}

/// An opened recording, ready to stream head angles.
pub struct AngleSource<'a> {
    args: &'a AngleArgs,
    path: &'a Path,
    pub info: StreamInfo,
    pub reference: Reference,
    cfg: ImuConfig,
}

fn open(path: &Path, args: &AngleArgs) -> Result<ImuReader> {
    Ok(open_imu(path, &args.import.options())?)
}

impl<'a> AngleSource<'a> {
    /// Open the recording (and trunk recording) and check that the reference is possible.
    pub fn open(path: &'a Path, args: &'a AngleArgs) -> Result<Self> {
        let info = open(path, args)?.info().clone();
        let trunk_info = match &args.trunk {
            Some(t) => Some(open(t, args)?.info().clone()),
            None => None,
        };
        let cfg = ImuConfig {
            rate_hz: info.rate_hz,
            trunk_rate_hz: trunk_info.as_ref().map_or(info.rate_hz, |t| t.rate_hz),
            use_mag: !args.no_mag,
            mounting: args.axes,
            trunk_mounting: args.trunk_axes,
            neutral_s: args.neutral,
        };
        let reference =
            pipeline::reference(&cfg, info.has_mag, trunk_info.as_ref().map(|t| t.has_mag))
                .with_context(|| path.display().to_string())?;
        Ok(AngleSource {
            args,
            path,
            info,
            reference,
            cfg,
        })
    }

    fn inputs(&self) -> Result<(Reader, Option<Reader>)> {
        let head = Reader(open(self.path, self.args)?);
        let trunk = match &self.args.trunk {
            Some(t) => Some(Reader(open(t, self.args)?)),
            None => None,
        };
        Ok((head, trunk))
    }

    pub fn fusion(&self) -> &'static str {
        if self.info.has_mag && !self.args.no_mag {
            "vqf-9d"
        } else {
            "vqf-6d"
        }
    }

    /// Import and pipeline warnings of a finished run.
    fn warnings(&self, run: &Run<Reader, Reader>) -> Vec<String> {
        let mut w: Vec<String> = run
            .head
            .0
            .report()
            .warnings
            .iter()
            .map(|w| w.to_string())
            .collect();
        if let Some(t) = &run.trunk {
            w.extend(t.0.report().warnings.iter().map(|w| format!("trunk: {w}")));
        }
        if run.mag_disturbed_samples > 0 {
            w.push(format!(
                "magnetic disturbance rejected during {:.1} s (VQF)",
                run.mag_disturbed_samples as f64 / self.info.rate_hz
            ));
        }
        w
    }

    /// Stream every head-angle sample through `sink`; returns the warnings.
    pub fn for_each(&self, sink: impl FnMut(&AngleSample) -> Result<()>) -> Result<Vec<String>> {
        let run = pipeline::run_angles(|| self.inputs(), &self.cfg, sink)
            .map_err(|e| pipeline_error(e, self.path))?;
        Ok(self.warnings(&run))
    }

    /// Analyse the recording into the results document.
    pub fn analyze(&self, task: Task) -> Result<Results> {
        let (analysis, run) = pipeline::analyze(|| self.inputs(), &self.cfg, &self.reference, task)
            .map_err(|e| pipeline_error(e, self.path))?;
        if run.samples == 0 {
            anyhow::bail!("{}: no valid samples to analyse", self.path.display());
        }
        let recording = Recording {
            source: Source::Imu,
            file: Some(self.path.display().to_string()),
            format: self.info.format.clone(),
            duration_s: run.last_s - run.first_s + 1.0 / self.info.rate_hz,
            rate_hz: self.info.rate_hz,
            samples: run.samples,
            task,
            has_magnetometer: self.info.has_mag,
            fusion: self.fusion().to_string(),
            mounting: self.args.axes.to_string(),
            reference: self.reference.clone(),
        };
        let warnings = self.warnings(&run);
        Ok(collis_analysis::results::assemble(
            recording, analysis, warnings,
        ))
    }
}

/// Analyse an inertial recording into the results document.
pub fn analyze(path: &Path, args: &AngleArgs, task: Task) -> Result<Results> {
    AngleSource::open(path, args)?.analyze(task)
}

/// Write the results document as pretty JSON.
pub fn write_json(results: &Results, path: &Path) -> Result<()> {
    let text = serde_json::to_string_pretty(results)?;
    crate::fsutil::write_atomic(path, text.as_bytes())
        .with_context(|| format!("writing {}", path.display()))
}
