//! Surface-EMG analysis of neck muscles: pure and streaming, in two passes over the
//! recording (like the neutral-segment pass of the inertial pipeline).
//!
//! 1. [`Calibrator`]: per channel, mains hum is detected on the first seconds ([`mains`]),
//!    then the conditioned envelope ([`conditioner`]) is summarised: the resting level (mean
//!    and SD of the envelope at rest) and the level of strong activity (99th percentile).
//! 2. [`EmgAnalyzer`]: the same conditioning, onset/offset detection against the resting
//!    level ([`bursts`], Hodges & Bui 1996), RMS / average rectified value, left/right
//!    asymmetry and co-contraction of antagonists ([`pairs`]).
//! 3. [`live::LiveEmg`]: the same calibration and conditioning in a live biofeedback
//!    session, with a cue per muscle.
//! 4. [`TremorCoupler`] (when a head recording of the same session shows tremor): coherence
//!    of the rectified EMG with the head tremor ([`coupling`]).
//!
//! Blocks in, the `emg` section of the results out: memory is one envelope window per
//! channel, the list of bursts and a bounded decimated envelope ([`envelope`]), whatever
//! the length. The first [`SETTLE_S`] seconds are
//! left out of every figure (filter start-up).

pub mod bursts;
pub mod conditioner;
pub mod coupling;
pub mod envelope;
pub mod live;
pub mod mains;
pub mod pairs;

mod analyzer;
mod calibrate;

pub use analyzer::EmgAnalyzer;
pub use calibrate::{Calibration, Calibrator, ChannelCalibration};
pub use coupling::TremorCoupler;

use collis_core::emg::MuscleSite;

/// Seconds at the start left out while the filters settle.
pub const SETTLE_S: f64 = 0.2;

/// One channel as the analysis needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelSetup {
    pub label: String,
    pub site: Option<MuscleSite>,
    pub rate_hz: f64,
    pub unit: String,
    /// RMS of a maximal voluntary contraction in the channel's unit, for % MVC figures.
    pub mvc_rms: Option<f64>,
}

/// The channels of a recording and the user's choices.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EmgSetup {
    pub channels: Vec<ChannelSetup>,
    /// A segment `[start_s, end_s]` known to be at rest: the baseline is measured there
    /// instead of being estimated from the quietest part of the recording.
    pub baseline_s: Option<[f64; 2]>,
}

/// Lowest sampling rate accepted: the band must reach 90 Hz (0.45 × 200 Hz).
pub const MIN_RATE_HZ: f64 = 200.0;

impl EmgSetup {
    pub(crate) fn check(&self) -> Result<(), crate::PipelineError> {
        if self.channels.is_empty() {
            return Err(crate::PipelineError::NoEmgChannel);
        }
        for c in &self.channels {
            if !(c.rate_hz >= MIN_RATE_HZ && c.rate_hz.is_finite()) {
                return Err(crate::PipelineError::EmgRateTooLow {
                    label: c.label.clone(),
                    rate_hz: c.rate_hz,
                });
            }
        }
        Ok(())
    }
}

/// Hands `data` (per channel, equal durations) to `f` in blocks of `block_s` seconds.
fn for_each_block(
    setup: &EmgSetup,
    data: &[Vec<f64>],
    block_s: f64,
    f: &mut dyn FnMut(&[Vec<f64>]),
) {
    let mut block: Vec<Vec<f64>> = vec![Vec::new(); data.len()];
    let mut start = 0.0;
    loop {
        let mut any = false;
        for ((b, d), c) in block.iter_mut().zip(data).zip(&setup.channels) {
            let from = ((start * c.rate_hz) as usize).min(d.len());
            let to = (((start + block_s) * c.rate_hz) as usize).min(d.len());
            b.clear();
            b.extend_from_slice(&d[from..to]);
            any |= to > from;
        }
        if !any {
            break;
        }
        f(&block);
        start += block_s;
    }
}

/// Both passes over a recording held in memory (per channel, equal durations), in blocks of
/// `block_s` seconds as a file reader would hand them.
pub fn analyse_slices(
    setup: &EmgSetup,
    data: &[Vec<f64>],
    block_s: f64,
) -> Result<(collis_core::emg::Emg, Vec<String>), crate::PipelineError> {
    let mut cal = Calibrator::new(setup)?;
    for_each_block(setup, data, block_s, &mut |b| cal.push_block(b));
    let cal = cal.finish()?;
    let mut analyzer = EmgAnalyzer::new(setup, &cal)?;
    for_each_block(setup, data, block_s, &mut |b| analyzer.push_block(b));
    Ok(analyzer.snapshot())
}

#[cfg(test)]
mod tests;
