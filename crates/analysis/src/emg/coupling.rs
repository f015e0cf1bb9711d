//! Tremor-locked EMG: coherence of each channel's full-wave rectified EMG with the head
//! angle on the tremor axis, at the tremor frequency — the standard EMG–movement coherence
//! of tremor studies (rectified EMG against the movement signal; significance after
//! Rosenberg et al. 1989). A burst pattern locked to the head tremor gives a coherence above
//! the 95 % level.
//!
//! The rectified EMG (same conditioning as the burst analysis) is averaged over each head
//! sample's interval, so both signals are on the head clock; then `collis_dsp::Coherence`
//! with 4-s segments. Streaming: the caller hands EMG blocks until [`TremorCoupler::emg_time_s`]
//! passes the next head sample, then the head sample.

use super::conditioner::Conditioner;
use super::{Calibration, EmgSetup};
use collis_core::emg::TremorCoupling;
use collis_core::{AngleSample, Axis};
use collis_dsp::Coherence;
use std::collections::VecDeque;

/// Segment length of the coherence estimate, s.
pub const SEGMENT_S: f64 = 4.0;

struct Channel {
    label: String,
    cond: Conditioner,
    rate_hz: f64,
    index: u64,
    /// Bin being filled: its number, sum and count.
    bin: i64,
    sum: f64,
    n: u32,
    ready: VecDeque<(i64, f64)>,
    coherence: Coherence,
}

pub struct TremorCoupler {
    axis: Axis,
    tremor_hz: f64,
    head_rate_hz: f64,
    /// EMG time + offset = head time.
    offset_s: f64,
    channels: Vec<Channel>,
    last_bin: Option<i64>,
}

impl TremorCoupler {
    /// For a head tremor at `tremor_hz` on `axis`, head angles at `head_rate_hz`.
    pub fn new(
        setup: &EmgSetup,
        cal: &Calibration,
        axis: Axis,
        tremor_hz: f64,
        head_rate_hz: f64,
        offset_s: f64,
    ) -> Result<Self, crate::PipelineError> {
        setup.check()?;
        let seg = (SEGMENT_S * head_rate_hz).round() as usize;
        let channels = setup
            .channels
            .iter()
            .zip(&cal.channels)
            .map(|(s, c)| {
                Ok(Channel {
                    label: s.label.clone(),
                    cond: Conditioner::new(s.rate_hz, c.mains_hz, &c.prime).map_err(|_| {
                        crate::PipelineError::EmgRateTooLow {
                            label: s.label.clone(),
                            rate_hz: s.rate_hz,
                        }
                    })?,
                    rate_hz: s.rate_hz,
                    index: 0,
                    bin: i64::MIN,
                    sum: 0.0,
                    n: 0,
                    ready: VecDeque::new(),
                    coherence: Coherence::new(head_rate_hz, seg),
                })
            })
            .collect::<Result<_, crate::PipelineError>>()?;
        Ok(TremorCoupler {
            axis,
            tremor_hz,
            head_rate_hz,
            offset_s,
            channels,
            last_bin: None,
        })
    }

    /// Head-clock time up to which every channel's EMG has been handed in, s.
    pub fn emg_time_s(&self) -> f64 {
        self.channels
            .iter()
            .map(|c| c.index as f64 / c.rate_hz + self.offset_s)
            .fold(f64::INFINITY, f64::min)
    }

    /// One EMG block (per channel, the samples of the same span of time).
    pub fn push_emg_block(&mut self, block: &[Vec<f64>]) {
        let (rate, offset) = (self.head_rate_hz, self.offset_s);
        for (c, samples) in self.channels.iter_mut().zip(block) {
            for &x in samples {
                let (y, _) = c.cond.push(x);
                let t = c.index as f64 / c.rate_hz + offset;
                c.index += 1;
                let bin = (t * rate).round() as i64;
                if bin != c.bin {
                    if c.n > 0 {
                        c.ready.push_back((c.bin, c.sum / f64::from(c.n)));
                    }
                    c.bin = bin;
                    c.sum = 0.0;
                    c.n = 0;
                }
                c.sum += y.abs();
                c.n += 1;
            }
        }
    }

    /// One head-angle sample (head clock).
    pub fn push_angle(&mut self, s: &AngleSample) {
        let bin = (s.time_s * self.head_rate_hz).round() as i64;
        let angle = s.get(self.axis);
        let gap = self.last_bin.is_some_and(|b| bin != b + 1);
        self.last_bin = Some(bin);
        for c in &mut self.channels {
            while c.ready.front().is_some_and(|&(b, _)| b < bin) {
                c.ready.pop_front();
            }
            match c.ready.front() {
                Some(&(b, emg)) if b == bin && angle.is_finite() => {
                    if gap {
                        c.coherence.restart();
                    }
                    c.coherence.push(angle, emg);
                }
                _ => c.coherence.restart(),
            }
        }
    }

    pub fn snapshot(&self) -> Vec<TremorCoupling> {
        self.channels
            .iter()
            .filter_map(|c| {
                let coherence = c.coherence.at(self.tremor_hz)?;
                let significance = c.coherence.significance_95();
                Some(TremorCoupling {
                    channel: c.label.clone(),
                    axis: self.axis,
                    tremor_hz: self.tremor_hz,
                    coherence,
                    significance,
                    locked: coherence > significance,
                })
            })
            .collect()
    }
}
