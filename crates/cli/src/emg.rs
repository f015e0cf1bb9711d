//! Wiring for surface-EMG recordings: the collis-io EMG readers → the two streaming passes
//! of `collis_analysis::emg` → the `emg` section of the results. The only place where EMG
//! files meet the analysis.

use crate::args::parse_segment;
use anyhow::{Context, Result};
use clap::Args;
use collis_analysis::emg::{
    Calibration, Calibrator, ChannelSetup, EmgAnalyzer, EmgSetup, TremorCoupler,
};
use collis_core::emg::{ChannelMap, Emg, TremorCoupling};
use collis_core::results::{Recording, Reference, ReferenceKind, Results, Source, Task};
use collis_core::{AngleSample, Axis};
use collis_io::emg::{open_emg, EmgInfo, EmgOptions, EmgReader};
use std::path::{Path, PathBuf};

/// EMG options of `collis analyze`.
#[derive(Args, Debug, Clone, Default)]
pub struct EmgArgs {
    /// A surface-EMG recording of the same session (EDF/BDF, WFDB .hea, CSV/TSV, OpenSignals
    /// text), analysed with the head recording and reported in its `emg` section.
    #[arg(long, value_name = "FILE")]
    pub emg: Option<PathBuf>,
    /// Seconds to add to EMG times to put them on the head recording's clock (EMG started
    /// this much after the head recording; negative if before).
    #[arg(
        long,
        value_name = "S",
        default_value_t = 0.0,
        allow_negative_numbers = true
    )]
    pub emg_offset: f64,
    /// Muscle of each EMG channel when the labels do not say it: CHANNEL=MUSCLE-SIDE pairs,
    /// CHANNEL a label or 1-based number (e.g. 1=SCM-L,2=SCM-R,EMG3=SPL-L).
    #[arg(long, value_name = "MAP")]
    pub channels: Option<ChannelMap>,
    /// RMS of a maximal voluntary contraction per channel, in the channel's unit, for % MVC
    /// figures: CHANNEL=RMS pairs (CHANNEL a label, number or site such as SCM-L).
    #[arg(long, value_name = "MAP")]
    pub mvc: Option<MvcMap>,
    /// Seconds START:END at rest in the EMG recording: its baseline (otherwise estimated
    /// from the quietest quarter of the recording).
    #[arg(long, value_name = "START:END", value_parser = parse_segment)]
    pub emg_rest: Option<[f64; 2]>,
}

/// `--mvc`: CHANNEL=RMS pairs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MvcMap(Vec<(String, f64)>);

impl std::str::FromStr for MvcMap {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_mvc(s).map(MvcMap)
    }
}

fn parse_mvc(s: &str) -> Result<Vec<(String, f64)>, String> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p
                .split_once('=')
                .ok_or_else(|| format!("'{p}' is not CHANNEL=RMS"))?;
            let v: f64 = v
                .trim()
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite() && *v > 0.0)
                .ok_or_else(|| format!("'{v}' in '{p}' is not a positive RMS"))?;
            Ok((k.trim().to_string(), v))
        })
        .collect()
}

/// The file is EMG (by extension, signature, or a header naming muscles / EMG).
pub fn is_emg(path: &Path) -> bool {
    !path.is_dir() && matches!(collis_io::emg::detect_file(path), Ok(Some(_)))
}

fn open(path: &Path, rate: Option<f64>) -> Result<EmgReader> {
    Ok(open_emg(path, &EmgOptions { rate_hz: rate })?)
}

/// The analysis setup for the channels of `info`.
fn setup(info: &EmgInfo, args: &EmgArgs) -> EmgSetup {
    let map = args.channels.clone().unwrap_or_default();
    EmgSetup {
        channels: info
            .channels
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let site = map.site(i, &c.label);
                let number = (i + 1).to_string();
                let mvc_rms = args.mvc.iter().flat_map(|m| &m.0).find_map(|(k, v)| {
                    let named = k == &number
                        || k.eq_ignore_ascii_case(&c.label)
                        || site.is_some_and(|s| k.eq_ignore_ascii_case(&s.to_string()));
                    named.then_some(*v)
                });
                ChannelSetup {
                    label: c.label.clone(),
                    site,
                    rate_hz: c.rate_hz,
                    unit: c.unit.clone(),
                    mvc_rms,
                }
            })
            .collect(),
        baseline_s: args.emg_rest,
    }
}

/// An analysed EMG recording.
pub struct EmgRun {
    pub info: EmgInfo,
    pub setup: EmgSetup,
    pub cal: Calibration,
    pub emg: Emg,
    pub warnings: Vec<String>,
    /// Longest channel, s, and its sample count.
    pub duration_s: f64,
    pub samples: u64,
}

/// Both passes over `path`; times are shifted by `args.emg_offset`.
pub fn analyse(path: &Path, args: &EmgArgs, rate: Option<f64>) -> Result<EmgRun> {
    let mut reader = open(path, rate)?;
    let info = reader.info().clone();
    let setup = setup(&info, args);
    let context = || path.display().to_string();
    let mut cal = Calibrator::new(&setup).with_context(context)?;
    let mut block = Vec::new();
    while reader.read_block(&mut block)? {
        cal.push_block(&block);
    }
    let cal = cal.finish().with_context(context)?;
    let mut analyzer = EmgAnalyzer::new(&setup, &cal).with_context(context)?;
    let mut reader = open(path, rate)?;
    while reader.read_block(&mut block)? {
        analyzer.push_block(&block);
    }
    let (mut emg, analysis_warnings) = analyzer.snapshot();
    let mut warnings: Vec<String> = reader.warnings().iter().map(|w| w.to_string()).collect();
    warnings.extend(
        analysis_warnings
            .into_iter()
            .map(|w| format!("{}: {w}", path.display())),
    );
    for c in &mut emg.channels {
        for b in &mut c.bursts {
            b.onset_s += args.emg_offset;
            b.offset_s += args.emg_offset;
        }
        if let Some(e) = &mut c.envelope {
            e.start_s += args.emg_offset;
        }
    }
    let (duration_s, samples) = emg
        .channels
        .iter()
        .map(|c| (c.duration_s, (c.duration_s * c.rate_hz).round() as u64))
        .fold((0.0f64, 0u64), |a, b| (a.0.max(b.0), a.1.max(b.1)));
    if samples == 0 {
        anyhow::bail!("{}: no EMG samples", path.display());
    }
    Ok(EmgRun {
        info,
        setup,
        cal,
        emg,
        warnings,
        duration_s,
        samples,
    })
}

/// Head angles at `rate_hz`, given to a sink in time order (one pass).
pub type HeadStream<'a> =
    Box<dyn FnOnce(&mut dyn FnMut(&AngleSample) -> Result<()>) -> Result<()> + 'a>;

/// Coherence of each EMG channel with the head tremor (`tremor_hz` on `axis`) of the head
/// angles `head` (a head sensor's or a face video's, at `rate_hz`): one more pass over the
/// EMG, read just ahead of the head angles.
pub fn couple(
    emg_path: &Path,
    args: &EmgArgs,
    run: &EmgRun,
    axis: Axis,
    tremor_hz: f64,
    rate_hz: f64,
    head: HeadStream<'_>,
) -> Result<Vec<TremorCoupling>> {
    let mut coupler = TremorCoupler::new(
        &run.setup,
        &run.cal,
        axis,
        tremor_hz,
        rate_hz,
        args.emg_offset,
    )
    .with_context(|| emg_path.display().to_string())?;
    let mut reader = open(emg_path, None)?;
    let mut block = Vec::new();
    let mut more = true;
    let half_step_s = 0.5 / rate_hz;
    head(&mut |s| {
        while more && coupler.emg_time_s() < s.time_s + half_step_s {
            more = reader.read_block(&mut block)?;
            if more {
                coupler.push_emg_block(&block);
            }
        }
        coupler.push_angle(s);
        Ok(())
    })?;
    Ok(coupler.snapshot())
}

/// The results document of an EMG-only recording.
pub fn analyze_only(path: &Path, args: &EmgArgs, rate: Option<f64>, task: Task) -> Result<Results> {
    let run = analyse(path, args, rate)?;
    let rate_hz = run
        .info
        .channels
        .iter()
        .map(|c| c.rate_hz)
        .fold(0.0, f64::max);
    let recording = Recording {
        source: Source::Emg,
        file: Some(path.display().to_string()),
        format: run.info.format.clone(),
        duration_s: run.duration_s,
        rate_hz,
        samples: run.samples,
        task,
        has_magnetometer: false,
        fusion: "none".to_string(),
        mounting: "-".to_string(),
        reference: Reference {
            kind: ReferenceKind::None,
            neutral_s: None,
            rotation_referenced: false,
            description: "no head angles: surface EMG only".to_string(),
        },
        video: None,
        gyro_bias: None,
    };
    Ok(collis_analysis::results::assemble_emg_only(
        recording,
        run.emg,
        run.warnings,
    ))
}
