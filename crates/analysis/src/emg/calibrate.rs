//! Pass 1: mains frequency and resting level of each channel.
//!
//! Without a given rest segment the resting envelope is estimated from the quiet part of the
//! recording: the envelope of rest is close to normal with mean μ and SD σ, so its 5th and
//! 20th percentiles are μ − 1.645σ and μ − 0.842σ when at least a quarter of the recording
//! is at rest. Percentiles come from a histogram of log-envelope (0.5 % resolution, any unit).

use super::conditioner::{band_hz, prime_len, Conditioner};
use super::mains::{self, DETECT_S};
use super::{EmgSetup, SETTLE_S};
use collis_dsp::Histogram;

/// Normal quantiles at 5 % and 20 %.
const Z5: f64 = -1.644_853_6;
const Z20: f64 = -0.841_621_2;

/// What pass 2 needs to know about a channel.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelCalibration {
    pub mains_hz: Option<f64>,
    /// The first whole seconds of raw signal, which prime the filters.
    pub prime: Vec<f64>,
    /// Envelope at rest, mean and SD, channel unit.
    pub rest_rms: f64,
    pub rest_sd: f64,
    /// 99th percentile of the envelope: the level of strong activity (normalises the
    /// co-contraction index when no MVC is given).
    pub strong_rms: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    pub channels: Vec<ChannelCalibration>,
}

/// What pass 1 gathers from the envelope.
struct EnvStats {
    index: u64,
    settle: u64,
    log_env: Histogram,
    /// Envelope sum, sum of squares and count inside the rest segment.
    rest: [f64; 3],
    rest_idx: Option<[u64; 2]>,
}

impl EnvStats {
    /// The output of one conditioner step (`env` describes the sample `delay` earlier).
    #[inline]
    fn take(&mut self, delay: usize, env: Option<f64>) {
        self.index += 1;
        let Some(e) = env else { return };
        // After priming, the first outputs still describe the priming samples.
        let Some(i) = (self.index - 1).checked_sub(delay as u64) else {
            return;
        };
        if i < self.settle {
            return;
        }
        if let Some([a, b]) = self.rest_idx {
            if i >= a && i < b {
                self.rest[0] += e;
                self.rest[1] += e * e;
                self.rest[2] += 1.0;
            }
        }
        self.log_env.push(e.max(1e-300).ln());
    }
}

struct ChannelCal {
    rate_hz: f64,
    /// Last valid sample: invalid ones are held, as the conditioner does.
    last: f64,
    raw: Vec<f64>,
    cond: Option<Conditioner>,
    mains_hz: Option<f64>,
    prime: Vec<f64>,
    stats: EnvStats,
}

impl ChannelCal {
    fn start(&mut self) {
        self.mains_hz = mains::detect(&self.raw, self.rate_hz, band_hz(self.rate_hz)[1]);
        self.prime = self.raw[..prime_len(self.rate_hz, self.raw.len())].to_vec();
        // The rate was checked by EmgSetup::check, so the filters exist.
        let mut cond = Conditioner::new(self.rate_hz, self.mains_hz, &self.prime).ok();
        let raw = std::mem::take(&mut self.raw);
        if let Some(c) = &mut cond {
            for x in raw {
                let (_, env) = c.push(x);
                self.stats.take(c.delay(), env);
            }
        }
        self.cond = cond;
    }

    #[inline]
    fn push(&mut self, x: f64) {
        let x = if x.is_finite() {
            self.last = x;
            x
        } else {
            self.last
        };
        match &mut self.cond {
            Some(c) => {
                let (_, env) = c.push(x);
                self.stats.take(c.delay(), env);
            }
            None => {
                self.raw.push(x);
                if self.raw.len() as f64 >= DETECT_S * self.rate_hz {
                    self.start();
                }
            }
        }
    }

    fn finish(mut self) -> Result<ChannelCalibration, crate::PipelineError> {
        if self.cond.is_none() {
            self.start();
        }
        let q = |p: f64| self.stats.log_env.quantile(p).map(f64::exp);
        let (rest_rms, rest_sd) = match self.stats.rest_idx {
            Some([a, b]) => {
                let [s, ss, n] = self.stats.rest;
                if n < 2.0 {
                    return Err(crate::PipelineError::EmptyEmgBaseline(
                        a as f64 / self.rate_hz,
                        b as f64 / self.rate_hz,
                    ));
                }
                let mean = s / n;
                (mean, (ss / n - mean * mean).max(0.0).sqrt())
            }
            None => match (q(0.05), q(0.20)) {
                (Some(p5), Some(p20)) => {
                    let sd = ((p20 - p5) / (Z20 - Z5)).max(0.0);
                    (p20 - Z20 * sd, sd)
                }
                _ => (0.0, 0.0),
            },
        };
        Ok(ChannelCalibration {
            mains_hz: self.mains_hz,
            prime: self.prime,
            rest_rms,
            rest_sd,
            strong_rms: q(0.99).unwrap_or(0.0),
        })
    }
}

/// Pass 1 over a recording, block by block.
pub struct Calibrator {
    channels: Vec<ChannelCal>,
}

impl Calibrator {
    pub fn new(setup: &EmgSetup) -> Result<Self, crate::PipelineError> {
        setup.check()?;
        Ok(Calibrator {
            channels: setup
                .channels
                .iter()
                .map(|c| ChannelCal {
                    rate_hz: c.rate_hz,
                    last: 0.0,
                    raw: Vec::new(),
                    cond: None,
                    mains_hz: None,
                    prime: Vec::new(),
                    stats: EnvStats {
                        index: 0,
                        settle: (SETTLE_S * c.rate_hz).round() as u64,
                        log_env: Histogram::new(-40.0, 40.0, 0.005),
                        rest: [0.0; 3],
                        rest_idx: setup.baseline_s.map(|[a, b]| {
                            [
                                (a * c.rate_hz).round() as u64,
                                (b * c.rate_hz).round() as u64,
                            ]
                        }),
                    },
                })
                .collect(),
        })
    }

    /// One block: per channel, the samples of the same span of time.
    pub fn push_block(&mut self, block: &[Vec<f64>]) {
        for (c, samples) in self.channels.iter_mut().zip(block) {
            for &x in samples {
                c.push(x);
            }
        }
    }

    pub fn finish(self) -> Result<Calibration, crate::PipelineError> {
        Ok(Calibration {
            channels: self
                .channels
                .into_iter()
                .map(ChannelCal::finish)
                .collect::<Result<_, _>>()?,
        })
    }
}
