//! Pass 2: conditioning, bursts and amplitude figures per channel, and the between-channel
//! comparisons, into the `emg` section of the results.

use super::bursts::{BurstDetector, H_CONFIRM_SD, H_SD, MIN_RUN_S, SHORT_BURST_S};
use super::conditioner::{band_hz, Conditioner, ENVELOPE_WINDOW_S};
use super::envelope::EnvelopeSeries;
use super::{pairs, Calibration, ChannelCalibration, ChannelSetup, EmgSetup, SETTLE_S};
use collis_core::emg::{CoContraction, Emg, EmgChannel, EmgEnvelope, EmgMethod};

struct ChannelState {
    setup: ChannelSetup,
    cal: ChannelCalibration,
    cond: Conditioner,
    detector: BurstDetector,
    settle: u64,
    /// Raw samples in, and envelope samples out.
    index: u64,
    n: u64,
    sum_sq: f64,
    sum_abs: f64,
    /// Normalised activity above rest of the current block (for co-contraction).
    activity: Vec<f64>,
    norm: f64,
    envelope: EnvelopeSeries,
}

impl ChannelState {
    #[inline]
    fn push(&mut self, x: f64) {
        let (y, env) = self.cond.push(x);
        let i = self.index;
        self.index += 1;
        if i >= self.settle {
            self.n += 1;
            self.sum_sq += y * y;
            self.sum_abs += y.abs();
        }
        if let (Some(e), Some(j)) = (env, i.checked_sub(self.cond.delay() as u64)) {
            if j >= self.settle {
                self.detector.push(j, e);
                self.envelope.push(e);
                self.activity
                    .push(((e - self.cal.rest_rms) / self.norm).max(0.0));
            }
        }
    }

    fn snapshot(&self) -> EmgChannel {
        // A burst still open is reported up to now (on a copy: the stream may go on).
        let mut detector = self.detector.clone();
        detector.finish();
        let (detector_bursts, active) = (detector.bursts, detector.active_samples);
        let n = self.n.max(1) as f64;
        let rms = (self.sum_sq / n).sqrt();
        let rest_ms = self.cal.rest_rms.powi(2) + self.cal.rest_sd.powi(2);
        let activity_rms = (rms * rms - rest_ms).max(0.0).sqrt();
        let rate = self.setup.rate_hz;
        let site = self.setup.site;
        EmgChannel {
            label: self.setup.label.clone(),
            muscle: site.map(|s| s.muscle),
            side: site.and_then(|s| s.side),
            rate_hz: rate,
            unit: self.setup.unit.clone(),
            duration_s: self.index as f64 / rate,
            mains_hz: self.cal.mains_hz,
            rms,
            arv: self.sum_abs / n,
            baseline_rms: self.cal.rest_rms,
            baseline_sd: self.cal.rest_sd,
            threshold: self.detector.threshold(),
            activity_rms,
            mean_envelope_x_baseline: if self.cal.rest_rms > 0.0 {
                rms / self.cal.rest_rms
            } else {
                0.0
            },
            mvc_rms: self.setup.mvc_rms,
            activity_pct_mvc: self
                .setup
                .mvc_rms
                .filter(|m| *m > 0.0)
                .map(|m| 100.0 * activity_rms / m),
            active_fraction: active as f64 / n,
            burst_count: detector_bursts.len() as u64,
            short_burst_count: detector_bursts.iter().filter(|b| b.short).count() as u64,
            bursts: detector_bursts,
            envelope: Some(self.envelope_series()),
        }
    }

    /// The decimated envelope, in % MVC when the channel has an MVC, else in multiples of
    /// the resting level.
    fn envelope_series(&self) -> EmgEnvelope {
        let (scale, unit) = match self.setup.mvc_rms.filter(|m| *m > 0.0) {
            Some(m) => (m / 100.0, "pct_mvc".to_string()),
            None if self.cal.rest_rms > 0.0 => (self.cal.rest_rms, "x_baseline".to_string()),
            None => (1.0, self.setup.unit.clone()),
        };
        EmgEnvelope {
            rate_hz: self.envelope.rate_hz(),
            start_s: self.settle as f64 / self.setup.rate_hz,
            scale: unit,
            threshold: self.detector.threshold() / scale,
            values: self.envelope.values(scale),
        }
    }
}

/// Pass 2 over a recording, block by block.
pub struct EmgAnalyzer {
    channels: Vec<ChannelState>,
    pairs: Vec<(usize, usize)>,
    /// Per pair: Σ min(a, b) and Σ (a + b).
    co: Vec<[f64; 2]>,
}

impl EmgAnalyzer {
    pub fn new(setup: &EmgSetup, cal: &Calibration) -> Result<Self, crate::PipelineError> {
        setup.check()?;
        let channels: Vec<ChannelState> = setup
            .channels
            .iter()
            .zip(&cal.channels)
            .map(|(s, c)| {
                let cond = Conditioner::new(s.rate_hz, c.mains_hz, &c.prime).map_err(|_| {
                    crate::PipelineError::EmgRateTooLow {
                        label: s.label.clone(),
                        rate_hz: s.rate_hz,
                    }
                })?;
                let norm = s
                    .mvc_rms
                    .filter(|m| *m > 0.0)
                    .unwrap_or(c.strong_rms - c.rest_rms)
                    .max(f64::MIN_POSITIVE);
                Ok(ChannelState {
                    setup: s.clone(),
                    cal: c.clone(),
                    detector: BurstDetector::new(
                        s.rate_hz,
                        c.rest_rms,
                        c.rest_sd,
                        cond.window() as f64 / s.rate_hz,
                        cond.echo_s(),
                    ),
                    cond,
                    settle: (SETTLE_S * s.rate_hz).round() as u64,
                    index: 0,
                    n: 0,
                    sum_sq: 0.0,
                    sum_abs: 0.0,
                    activity: Vec::new(),
                    norm,
                    envelope: EnvelopeSeries::new(s.rate_hz),
                })
            })
            .collect::<Result<_, _>>()?;
        let sites: Vec<_> = setup.channels.iter().map(|c| (c.site, c.rate_hz)).collect();
        let pairs = pairs::antagonist_pairs(&sites);
        Ok(EmgAnalyzer {
            co: vec![[0.0; 2]; pairs.len()],
            channels,
            pairs,
        })
    }

    /// One block: per channel, the samples of the same span of time.
    pub fn push_block(&mut self, block: &[Vec<f64>]) {
        for (c, samples) in self.channels.iter_mut().zip(block) {
            c.activity.clear();
            for &x in samples {
                c.push(x);
            }
        }
        for (&(a, b), acc) in self.pairs.iter().zip(&mut self.co) {
            let (xa, xb) = (&self.channels[a].activity, &self.channels[b].activity);
            for (&u, &v) in xa.iter().zip(xb) {
                acc[0] += u.min(v);
                acc[1] += u + v;
            }
        }
    }

    /// The `emg` section so far, and warnings about the input.
    pub fn snapshot(&self) -> (Emg, Vec<String>) {
        let channels: Vec<EmgChannel> = self.channels.iter().map(ChannelState::snapshot).collect();
        let mut warnings = Vec::new();
        for c in &self.channels {
            if c.cond.invalid > 0 {
                warnings.push(format!(
                    "{}: {} invalid samples held at the last valid value",
                    c.setup.label, c.cond.invalid
                ));
            }
            if c.sum_sq == 0.0 {
                warnings.push(format!(
                    "{}: flat signal, no resting level: no bursts can be detected",
                    c.setup.label
                ));
            }
        }
        let co_contraction = self
            .pairs
            .iter()
            .zip(&self.co)
            .map(|(&(a, b), acc)| CoContraction {
                agonist: self.channels[a].setup.label.clone(),
                antagonist: self.channels[b].setup.label.clone(),
                index_pct: if acc[1] > 0.0 {
                    200.0 * acc[0] / acc[1]
                } else {
                    0.0
                },
            })
            .collect();
        let rate = self.channels.first().map_or(1000.0, |c| c.setup.rate_hz);
        let emg = Emg {
            asymmetry: pairs::asymmetry(&channels),
            channels,
            co_contraction,
            tremor_coupling: Vec::new(),
            exercise: None,
            method: EmgMethod {
                band_hz: band_hz(rate),
                envelope_window_s: ENVELOPE_WINDOW_S,
                short_burst_s: SHORT_BURST_S,
                onset: format!(
                    "Hodges & Bui (1996): envelope (centred {:.0}-ms moving RMS after mains notch \
                     and band-pass) above the resting mean + {H_SD} SD for ≥ {:.0} ms starts a \
                     burst, below for ≥ {:.0} ms ends it; kept when it reaches the mean + \
                     {H_CONFIRM_SD} SD; crossings corrected for the window",
                    ENVELOPE_WINDOW_S * 1000.0,
                    MIN_RUN_S * 1000.0,
                    MIN_RUN_S * 1000.0
                ),
                asymmetry: "(R − L) / (R + L) of the activity above rest (RMS² − rest²)^½, or of % MVC when both sides have one".to_string(),
                co_contraction: "Falconer & Winter (1985): 2 Σ min(a, b) / Σ (a + b) of envelopes above rest, normalised by MVC or by the 99th-percentile envelope".to_string(),
            },
        };
        (emg, warnings)
    }
}
