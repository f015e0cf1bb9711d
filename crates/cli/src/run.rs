//! Wiring for one inertial recording: file readers → the pure pipeline → results.
//! The only place where files meet the pipeline.

use crate::args::AngleArgs;
use anyhow::{Context, Result};
use collis_analysis::pipeline::{self, ImuConfig, Run};
use collis_analysis::sensory_trick::TrickAnalyzer;
use collis_analysis::PipelineErrorOr;
use collis_core::results::{Recording, Reference, Results, Source, Task};
use collis_core::{AngleSample, ImuSample};
use collis_io::{open_imu, ImportError, ImuReader, StreamInfo};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver};
use std::thread::JoinHandle;

/// Samples per chunk handed from the parsing thread to the pipeline.
const CHUNK: usize = 4096;
/// Chunks in flight between threads: about one block of the whole-recording orientation
/// (10 min + margins at 100 Hz), so that parsing and the analyses go on while a block is
/// estimated; memory stays ≈ 10 MB whatever the recording length.
const CHUNKS_IN_FLIGHT: usize = 16;

type Chunk = Vec<Result<ImuSample, ImportError>>;

/// An import reader for the pipeline: read in place (the short passes over the neutral
/// segment, which stop early), or parsed on its own thread ahead of the pipeline (the full
/// pass: on 2 cores parsing and analysis overlap) through a bounded channel. Dropping a
/// threaded reader early stops its thread at its next chunk.
pub enum Reader {
    Direct(Box<ImuReader>),
    Threaded {
        chunks: Receiver<Chunk>,
        current: std::vec::IntoIter<Result<ImuSample, ImportError>>,
        thread: Option<JoinHandle<ImuReader>>,
    },
}

impl Reader {
    fn spawn(mut reader: ImuReader) -> Self {
        let (tx, rx) = sync_channel::<Chunk>(CHUNKS_IN_FLIGHT);
        let thread = std::thread::spawn(move || {
            loop {
                let chunk: Chunk = reader.by_ref().take(CHUNK).collect();
                let last = chunk.len() < CHUNK;
                if tx.send(chunk).is_err() || last {
                    break;
                }
            }
            reader
        });
        Reader::Threaded {
            chunks: rx,
            current: Vec::new().into_iter(),
            thread: Some(thread),
        }
    }

    /// The import warnings, once the stream has been read to its end.
    fn warnings(&mut self) -> Vec<String> {
        let report = |r: &ImuReader| -> Vec<String> {
            r.report().warnings.iter().map(|w| w.to_string()).collect()
        };
        match self {
            Reader::Direct(r) => report(r),
            Reader::Threaded { thread, .. } => match thread.take().map(JoinHandle::join) {
                Some(Ok(reader)) => report(&reader),
                Some(Err(_)) => {
                    vec!["the reading thread failed; import warnings are missing".to_string()]
                }
                None => Vec::new(),
            },
        }
    }
}

impl Iterator for Reader {
    type Item = Result<ImuSample>;
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Reader::Direct(r) => r.next().map(|r| r.map_err(anyhow::Error::from)),
            Reader::Threaded {
                chunks, current, ..
            } => loop {
                if let Some(r) = current.next() {
                    return Some(r.map_err(anyhow::Error::from));
                }
                *current = chunks.recv().ok()?.into_iter();
            },
        }
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
    Ok(open_imu(path, &args.import.options(args.no_mag))?)
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
            use_mag: !args.no_mag && info.has_mag,
            mounting: args.axes,
            trunk_mounting: args.trunk_axes,
            neutral_s: args.neutral,
            still_s: args.still,
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

    /// Fresh inputs for one pass of [`pipeline::run_angles`]: the passes over the still or
    /// neutral segment (bias, neutral orientation) stop early, so only the last is threaded.
    fn inputs(&self, pass: &mut usize) -> Result<(Reader, Option<Reader>)> {
        let segment_passes =
            usize::from(self.cfg.still_s.is_some() || self.cfg.neutral_s.is_some())
                + usize::from(self.cfg.neutral_s.is_some());
        let short = *pass < segment_passes;
        *pass += 1;
        let make = |r: ImuReader| {
            if short {
                Reader::Direct(Box::new(r))
            } else {
                Reader::spawn(r)
            }
        };
        let head = make(open(self.path, self.args)?);
        let trunk = match &self.args.trunk {
            Some(t) => Some(make(open(t, self.args)?)),
            None => None,
        };
        Ok((head, trunk))
    }

    pub fn fusion(&self) -> &'static str {
        if self.cfg.use_mag {
            "vqf-9d"
        } else {
            "vqf-6d"
        }
    }

    /// Import and pipeline warnings of a finished run.
    fn warnings(&self, run: &mut Run<Reader, Reader>) -> Vec<String> {
        let mut w = run.head.warnings();
        if let Some(t) = &mut run.trunk {
            w.extend(t.warnings().into_iter().map(|w| format!("trunk: {w}")));
        }
        if run.mag_disturbed_samples > 0 {
            w.push(format!(
                "magnetometer not fused during {:.1} s (field disturbed or missing: heading held from the undisturbed field before and after)",
                run.mag_disturbed_samples as f64 / self.info.rate_hz
            ));
        }
        w
    }

    /// Whether the head sensor's magnetometer is fused.
    fn nine_d(&self) -> bool {
        self.cfg.use_mag
    }

    /// Stream every head-angle sample through `sink`; returns the warnings.
    pub fn for_each(&self, sink: impl FnMut(&AngleSample) -> Result<()>) -> Result<Vec<String>> {
        let mut pass = 0;
        let mut run = pipeline::run_angles(|| self.inputs(&mut pass), &self.cfg, sink)
            .map_err(|e| pipeline_error(e, self.path))?;
        Ok(self.warnings(&mut run))
    }

    /// Analyse the recording into the results document.
    pub fn analyze(&self, task: Task) -> Result<Results> {
        self.analyze_with(task, None)
    }

    /// The sensory-trick analyzer for `trick`; a pair's without-trick recording is read
    /// here, with the same options and reference as the main one.
    fn trick_analyzer(&self, trick: Trick) -> Result<TrickAnalyzer> {
        match trick {
            Trick::Segments(spans) => {
                for pair in spans.windows(2) {
                    if pair[1][0] < pair[0][1] {
                        anyhow::bail!(
                            "--trick segments must be in time order and not overlap ({}:{} then {}:{})",
                            pair[0][0], pair[0][1], pair[1][0], pair[1][1]
                        );
                    }
                }
                Ok(TrickAnalyzer::segments(self.info.rate_hz, &spans))
            }
            Trick::Pair(without) => {
                let mut trick = TrickAnalyzer::pair(self.info.rate_hz);
                let exclude = self.cfg.neutral_s;
                AngleSource::open(&without, self.args)?.for_each(|s| {
                    let in_neutral = exclude.is_some_and(|[a, b]| s.time_s >= a && s.time_s <= b);
                    let valid = s.confidence > 0.0 && s.angles_deg.iter().all(|a| a.is_finite());
                    if valid && !in_neutral {
                        trick.push_without(s);
                    }
                    Ok(())
                })?;
                Ok(trick)
            }
        }
    }

    /// Analyse the recording into the results document, with a sensory trick when given.
    /// The analyses run on their own thread, fed with chunks of angle samples, so that
    /// reading, orientation and analysis overlap (the analyses are pure and see the samples
    /// in order, as in one thread).
    pub fn analyze_with(&self, task: Task, trick: Option<Trick>) -> Result<Results> {
        let mut analyzer =
            pipeline::analyzer_for(&self.cfg, &self.reference, task).with_uncertainty(
                pipeline::uncertainty_config(&self.cfg, &self.reference, self.nine_d()),
            );
        if let Some(trick) = trick {
            analyzer = analyzer.with_trick(self.trick_analyzer(trick)?);
        }
        let (tx, rx) = sync_channel::<Vec<AngleSample>>(CHUNKS_IN_FLIGHT);
        let worker = std::thread::spawn(move || {
            for chunk in rx {
                chunk.iter().for_each(|s| analyzer.push(s));
            }
            analyzer
        });
        let mut chunk = Vec::with_capacity(CHUNK);
        let mut pass = 0;
        let run = pipeline::run_angles(
            || self.inputs(&mut pass),
            &self.cfg,
            |s| {
                chunk.push(*s);
                if chunk.len() == CHUNK {
                    let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                    tx.send(full).context("the analysis thread stopped")?;
                }
                Ok(())
            },
        );
        tx.send(chunk).context("the analysis thread stopped")?;
        drop(tx);
        let mut analyzer = worker
            .join()
            .map_err(|_| anyhow::anyhow!("the analysis thread failed"))?;
        let mut run = run.map_err(|e| pipeline_error(e, self.path))?;
        pipeline::settle_uncertainty(&mut analyzer, &run.bias, &self.reference, self.nine_d());
        let analysis = analyzer.snapshot();
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
            video: None,
            gyro_bias: Some(run.bias.info()),
        };
        let warnings = self.warnings(&mut run);
        Ok(collis_analysis::results::assemble(
            recording, analysis, warnings,
        ))
    }
}

/// How a sensory trick was recorded.
pub enum Trick {
    /// `[start, end]` seconds of each application in the recording.
    Segments(Vec<[f64; 2]>),
    /// A recording of the same patient without the trick.
    Pair(PathBuf),
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
