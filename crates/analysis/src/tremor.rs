//! Head tremor: rhythmic oscillation in the 2–12 Hz band, per axis.
//!
//! Per axis, streaming: a 4th-order Butterworth band-pass (2–12 Hz, the upper edge lowered to
//! 0.45 × the sample rate when Nyquist demands it), the sinusoid-equivalent peak amplitude
//! √2 × RMS of the band-passed angle (clinical.md: "report tremor amplitude … as √2 × RMS"),
//! a Welch spectrum of the angle (4-s Hann segments) for the dominant frequency and peak
//! width, 1-s blocks for how much of the time the tremor is there, and the intervals between
//! successive oscillation peaks for rhythmicity (CV of inter-peak intervals; Mov Disord 2025,
//! doi 10.1002/mds.30322). Blocks that hold a jerk (reported with [`TremorAnalyzer::exclude`])
//! are left out of the amplitude and of the share of time: a jerk's broadband energy is
//! neither tremor nor a reason to inflate one. Blocks are committed one block late, when the
//! jerk detector has decided about them.
//!
//! Band: essential tremor 4–12 Hz, dystonic head tremor 3–6.5 Hz in IMU studies, video peaks
//! ≈ 2 Hz (clinical.md, Robakis & Louis 2016; Vu et al. 2022), hence 2–12 Hz.
//!
//! Presence (Collis defaults; the literature gives no degree threshold for head tremor, so
//! these are documented choices, each far above the sensor noise floor of ≈ 0.02° in band):
//! on the axis with the largest amplitude,
//! 1. amplitude ≥ 0.3°;
//! 2. ≥ 35 % of the band's power within ±0.75 Hz of the peak (an oscillation, not broadband
//!    movement such as jerks or voluntary motion);
//! 3. present in ≥ 25 % of the 1-s blocks (sustained, not a few brief events);
//! 4. not explained by slow voluntary movement: when the 0.25–2 Hz band holds over 4× the
//!    tremor band's power and the in-band peak sits at the band's lower edge or at a harmonic
//!    (2×–6×) of the slow movement's frequency, it is leakage of nodding or shaking, not tremor.

use crate::per_axis;
use crate::tremor_shape::TremorShapeAcc;
use collis_core::results::{Regularity, Spectrum, Tremor, TremorAxis};
use collis_core::Axis;
use collis_dsp::{Butterworth, Psd, Welch};
use std::collections::VecDeque;

pub const BAND_HZ: [f64; 2] = [2.0, 12.0];
pub const PRESENCE_AMPLITUDE_DEG: f64 = 0.3;
pub const PRESENCE_PEAK_FRACTION: f64 = 0.35;
pub const PRESENCE_OCCUPANCY: f64 = 0.25;
const PEAK_HALF_WIDTH_HZ: f64 = 0.75;
const SLOW_BAND_HZ: [f64; 2] = [0.25, 2.0];
const SLOW_POWER_RATIO: f64 = 4.0;
const SETTLE_S: f64 = 1.0;
const SEGMENT_S: f64 = 4.0;
const BLOCK_S: f64 = 1.0;
const JERK_MARGIN_BEFORE_S: f64 = 0.1;
const JERK_MARGIN_AFTER_S: f64 = 0.5;
/// Range of the spectrum kept in the results (for the report's plot): the tremor band and
/// the slow movement below it.
const SPECTRUM_HZ: [f64; 2] = [0.5, 15.0];

/// The part of `psd` within `range_hz` (clipped to Nyquist), for the results.
fn spectrum(axis: Axis, psd: &Psd, range_hz: [f64; 2]) -> Spectrum {
    let first = (range_hz[0] / psd.df_hz).ceil() as usize;
    let last = ((range_hz[1] / psd.df_hz).floor() as usize).min(psd.density.len() - 1);
    Spectrum {
        axis,
        start_hz: first as f64 * psd.df_hz,
        df_hz: psd.df_hz,
        density: psd.density[first..=last].to_vec(),
    }
}

struct AxisState {
    filter: Butterworth,
    welch: Welch,
    /// Committed (jerk-free) blocks: sum of squares, samples, count, count above threshold.
    sum_sq: f64,
    n: u64,
    blocks: u64,
    blocks_over: u64,
    block_sum_sq: f64,
    pending_sum_sq: f64,
    block_amplitude: f64,
    prev: [f64; 2],
    last_peak_s: Option<f64>,
    intervals: Welford,
}

/// Running mean and variance (Welford).
#[derive(Clone, Copy, Default)]
struct Welford {
    n: u64,
    mean: f64,
    m2: f64,
}

impl Welford {
    fn push(&mut self, x: f64) {
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
    }

    fn cv(&self) -> Option<f64> {
        (self.n >= 3 && self.mean > 0.0).then(|| (self.m2 / (self.n - 1) as f64).sqrt() / self.mean)
    }
}

/// Streaming tremor analysis of the three angles.
pub struct TremorAnalyzer {
    rate_hz: f64,
    band_hz: [f64; 2],
    axes: Option<[AxisState; 3]>,
    settle: usize,
    settle_left: usize,
    block_len: usize,
    block_n: usize,
    block_start_s: f64,
    /// The last finished block `[start, end]`, waiting for the jerk detector.
    pending: Option<([f64; 2], usize)>,
    /// Recent jerk intervals (with margins) that blocks must not overlap.
    excluded: VecDeque<[f64; 2]>,
    blocks_with_jerks: u64,
    /// Running block sums: products of band-passed angles `[rr, tt, ff, rt, rf, tf]` and the
    /// raw angles; the pending block's, waiting like the sums of squares.
    block_moments: [f64; 6],
    block_angle_sum: [f64; 3],
    pending_moments: [f64; 6],
    pending_angle_sum: [f64; 3],
    shape: TremorShapeAcc,
}

impl TremorAnalyzer {
    pub fn new(rate_hz: f64) -> Self {
        let band_hz = [BAND_HZ[0], BAND_HZ[1].min(0.45 * rate_hz)];
        let seg = (SEGMENT_S * rate_hz).round() as usize;
        let make = || -> Option<AxisState> {
            Some(AxisState {
                filter: Butterworth::band_pass(4, band_hz[0], band_hz[1], rate_hz).ok()?,
                welch: Welch::new(rate_hz, seg, 2 * seg),
                sum_sq: 0.0,
                n: 0,
                blocks: 0,
                blocks_over: 0,
                block_sum_sq: 0.0,
                pending_sum_sq: 0.0,
                block_amplitude: 0.0,
                prev: [0.0; 2],
                last_peak_s: None,
                intervals: Welford::default(),
            })
        };
        // The band needs at least 1 Hz of width below Nyquist to be analysable.
        let axes = if band_hz[1] - band_hz[0] >= 1.0 {
            per_axis(make)
        } else {
            None
        };
        let settle = (SETTLE_S * rate_hz).round() as usize;
        TremorAnalyzer {
            rate_hz,
            band_hz,
            axes,
            settle,
            settle_left: settle,
            block_len: (BLOCK_S * rate_hz).round().max(1.0) as usize,
            block_n: 0,
            block_start_s: 0.0,
            pending: None,
            excluded: VecDeque::new(),
            blocks_with_jerks: 0,
            block_moments: [0.0; 6],
            block_angle_sum: [0.0; 3],
            pending_moments: [0.0; 6],
            pending_angle_sum: [0.0; 3],
            shape: TremorShapeAcc::default(),
        }
    }

    /// Start again after a gap: filters settle anew, the accumulated figures are kept.
    pub fn restart(&mut self) {
        self.commit_pending();
        self.settle_left = self.settle;
        self.block_n = 0;
        self.block_moments = [0.0; 6];
        self.block_angle_sum = [0.0; 3];
        if let Some(axes) = &mut self.axes {
            for a in axes.iter_mut() {
                a.filter.reset();
                a.welch.restart();
                a.block_sum_sq = 0.0;
                a.last_peak_s = None;
            }
        }
    }

    /// Leave out the blocks overlapping a jerk from `start_s` to `end_s` (the band-pass rings
    /// for a while after it, hence the margin).
    pub fn exclude(&mut self, start_s: f64, end_s: f64) {
        self.excluded
            .push_back([start_s - JERK_MARGIN_BEFORE_S, end_s + JERK_MARGIN_AFTER_S]);
    }

    fn overlaps_jerk(&self, [s, e]: [f64; 2]) -> bool {
        self.excluded.iter().any(|&[a, b]| a <= e && b >= s)
    }

    /// Commit the pending block to the figures unless a jerk overlapped it.
    fn commit_pending(&mut self) {
        let Some((span, n)) = self.pending.take() else {
            return;
        };
        if self.overlaps_jerk(span) {
            self.blocks_with_jerks += 1;
        } else if let Some(axes) = &mut self.axes {
            let mut sum_sq = 0.0;
            for a in axes.iter_mut() {
                a.sum_sq += a.pending_sum_sq;
                a.n += n as u64;
                a.blocks += 1;
                if (2.0 * a.pending_sum_sq / n as f64).sqrt() >= PRESENCE_AMPLITUDE_DEG {
                    a.blocks_over += 1;
                }
                sum_sq += a.pending_sum_sq;
            }
            let mean_deg = self.pending_angle_sum.map(|s| s / n as f64);
            let amplitude_deg = (2.0 * sum_sq / n as f64).sqrt();
            self.shape
                .push_block(&self.pending_moments, &mean_deg, amplitude_deg);
        }
        // Jerks that ended before this block cannot overlap later ones.
        while self.excluded.front().is_some_and(|&[_, b]| b < span[0]) {
            self.excluded.pop_front();
        }
    }

    fn finish_block(&mut self, end_s: f64) {
        self.commit_pending();
        if let Some(axes) = &mut self.axes {
            for a in axes.iter_mut() {
                a.block_amplitude = (2.0 * a.block_sum_sq / self.block_n as f64).sqrt();
                a.pending_sum_sq = a.block_sum_sq;
                a.block_sum_sq = 0.0;
            }
        }
        self.pending_moments = std::mem::take(&mut self.block_moments);
        self.pending_angle_sum = std::mem::take(&mut self.block_angle_sum);
        self.pending = Some(([self.block_start_s, end_s], self.block_n));
        self.block_n = 0;
    }

    #[inline]
    pub fn push(&mut self, time_s: f64, angles_deg: &[f64; 3]) {
        let Some(axes) = &mut self.axes else { return };
        let settled = self.settle_left == 0;
        self.settle_left = self.settle_left.saturating_sub(1);
        let mut band = [0.0; 3];
        for ((a, &x), out) in axes.iter_mut().zip(angles_deg).zip(&mut band) {
            a.welch.push(x);
            let y = a.filter.run(x);
            *out = y;
            if !settled {
                a.prev = [a.prev[1], y];
                continue;
            }
            a.block_sum_sq += y * y;
            // An oscillation peak one sample ago, above half the recent amplitude.
            let [p2, p1] = a.prev;
            if p1 > p2 && p1 >= y && p1 > 0.5 * a.block_amplitude.max(0.1 * PRESENCE_AMPLITUDE_DEG)
            {
                let t = time_s - 1.0 / self.rate_hz;
                if let Some(t0) = a.last_peak_s {
                    let interval = t - t0;
                    if interval >= 1.0 / self.band_hz[1] && interval <= 1.0 / self.band_hz[0] {
                        a.intervals.push(interval);
                    }
                }
                a.last_peak_s = Some(t);
            }
            a.prev = [p1, y];
        }
        if settled {
            let [r, t, f] = band;
            for (m, p) in
                self.block_moments
                    .iter_mut()
                    .zip([r * r, t * t, f * f, r * t, r * f, t * f])
            {
                *m += p;
            }
            for (s, x) in self.block_angle_sum.iter_mut().zip(angles_deg) {
                *s += x;
            }
            if self.block_n == 0 {
                self.block_start_s = time_s;
            }
            self.block_n += 1;
            if self.block_n == self.block_len {
                self.finish_block(time_s);
            }
        }
    }

    /// Committed figures of an axis plus the pending block when no jerk overlaps it:
    /// (sum of squares, samples, blocks, blocks above the amplitude threshold).
    fn figures_so_far(&self, a: &AxisState) -> (f64, u64, u64, u64) {
        match self.pending {
            Some((span, n)) if !self.overlaps_jerk(span) => {
                let over = (2.0 * a.pending_sum_sq / n as f64).sqrt() >= PRESENCE_AMPLITUDE_DEG;
                (
                    a.sum_sq + a.pending_sum_sq,
                    a.n + n as u64,
                    a.blocks + 1,
                    a.blocks_over + u64::from(over),
                )
            }
            _ => (a.sum_sq, a.n, a.blocks, a.blocks_over),
        }
    }

    fn axis_figures(&self, a: &AxisState, axis: Axis) -> Option<(TremorAxis, Psd)> {
        let psd = a.welch.psd()?;
        let (sum_sq, n, _, _) = self.figures_so_far(a);
        if n == 0 {
            return None;
        }
        let (_, k) = psd.peak(self.band_hz[0], self.band_hz[1])?;
        let f_peak = k as f64 * psd.df_hz;
        // Power-weighted mean frequency around the peak: robust to frequency jitter.
        let lo = ((f_peak - PEAK_HALF_WIDTH_HZ).max(self.band_hz[0]) / psd.df_hz).ceil() as usize;
        let hi = ((f_peak + PEAK_HALF_WIDTH_HZ).min(self.band_hz[1]) / psd.df_hz).floor() as usize;
        let (mut num, mut den) = (0.0, 0.0);
        for i in lo..=hi {
            num += i as f64 * psd.df_hz * psd.density[i];
            den += psd.density[i];
        }
        let peak_hz = if den > 0.0 { num / den } else { f_peak };
        let band = psd.band_power(self.band_hz[0], self.band_hz[1]);
        let near = psd.band_power(
            (f_peak - PEAK_HALF_WIDTH_HZ).max(self.band_hz[0]),
            (f_peak + PEAK_HALF_WIDTH_HZ).min(self.band_hz[1]),
        );
        Some((
            TremorAxis {
                axis,
                peak_hz,
                amplitude_deg: (2.0 * sum_sq / n as f64).sqrt(),
                peak_power_fraction: if band > 0.0 { near / band } else { 0.0 },
            },
            psd,
        ))
    }

    /// How the tremor band's motion spreads over axes and positions (jerk-free blocks).
    pub fn shape(&self) -> &TremorShapeAcc {
        &self.shape
    }

    /// The tremor figures so far.
    pub fn snapshot(&self) -> Tremor {
        let mut out = Tremor {
            present: false,
            frequency_hz: None,
            amplitude_deg: None,
            axis: None,
            regularity: None,
            band_hz: self.band_hz,
            per_axis: Vec::new(),
            criterion: String::new(),
            spectrum: None,
        };
        let Some(axes) = &self.axes else {
            out.criterion = format!(
                "not analysed: at {:.1} Hz the sampling rate leaves no room below Nyquist for the 2–12 Hz tremor band",
                self.rate_hz
            );
            return out;
        };
        let figures: Vec<(TremorAxis, Psd, &AxisState)> = Axis::ALL
            .into_iter()
            .zip(axes.iter())
            .filter_map(|(axis, a)| self.axis_figures(a, axis).map(|(f, p)| (f, p, a)))
            .collect();
        out.per_axis = figures.iter().map(|(f, _, _)| *f).collect();
        let Some((top, psd, state)) = figures
            .iter()
            .max_by(|a, b| a.0.amplitude_deg.total_cmp(&b.0.amplitude_deg))
        else {
            out.criterion = "not analysed: recording shorter than one 4-s spectral segment".into();
            return out;
        };
        out.spectrum = Some(spectrum(top.axis, psd, SPECTRUM_HZ));
        let (_, _, blocks, blocks_over) = self.figures_so_far(state);
        let occupancy = if blocks > 0 {
            blocks_over as f64 / blocks as f64
        } else {
            0.0
        };
        let slow = psd.band_power(SLOW_BAND_HZ[0], SLOW_BAND_HZ[1]);
        let band = psd.band_power(self.band_hz[0], self.band_hz[1]);
        let slow_hz = psd
            .peak(SLOW_BAND_HZ[0], SLOW_BAND_HZ[1])
            .map(|(f, _)| f)
            .unwrap_or(0.0);
        let harmonic = slow_hz > 0.0 && {
            let k = (top.peak_hz / slow_hz).round();
            (2.0..=6.0).contains(&k) && (top.peak_hz - k * slow_hz).abs() <= 0.08 * k * slow_hz
        };
        let voluntary = slow > SLOW_POWER_RATIO * band
            && (top.peak_hz < self.band_hz[0] + PEAK_HALF_WIDTH_HZ || harmonic);
        let checks = [
            (
                top.amplitude_deg >= PRESENCE_AMPLITUDE_DEG,
                format!(
                    "amplitude {:.2}° (≥ {PRESENCE_AMPLITUDE_DEG}°)",
                    top.amplitude_deg
                ),
            ),
            (
                top.peak_power_fraction >= PRESENCE_PEAK_FRACTION,
                format!(
                    "{:.0} % of band power within ±{PEAK_HALF_WIDTH_HZ} Hz of the peak (≥ {:.0} %)",
                    100.0 * top.peak_power_fraction,
                    100.0 * PRESENCE_PEAK_FRACTION
                ),
            ),
            (
                occupancy >= PRESENCE_OCCUPANCY,
                format!(
                    "present in {:.0} % of the 1-s blocks without jerks (≥ {:.0} %; {} with jerks left out)",
                    100.0 * occupancy,
                    100.0 * PRESENCE_OCCUPANCY,
                    self.blocks_with_jerks
                ),
            ),
            (
                !voluntary,
                format!(
                    "slow (0.25–2 Hz) power {:.1}× the band's{}",
                    if band > 0.0 { slow / band } else { 0.0 },
                    if voluntary {
                        format!(", in-band peak explained by slow movement at {slow_hz:.2} Hz")
                    } else {
                        String::new()
                    }
                ),
            ),
        ];
        out.present = checks.iter().all(|(ok, _)| *ok);
        let verdict: Vec<String> = checks
            .iter()
            .map(|(ok, what)| format!("{} {what}", if *ok { "✓" } else { "✗" }))
            .collect();
        out.criterion = format!(
            "{} axis, {:.1}–{:.1} Hz band: {}",
            top.axis,
            self.band_hz[0],
            self.band_hz[1],
            verdict.join("; ")
        );
        if out.present {
            let (_, k) = psd
                .peak(self.band_hz[0], self.band_hz[1])
                .unwrap_or((0.0, 0));
            out.frequency_hz = Some(top.peak_hz);
            out.amplitude_deg = Some(top.amplitude_deg);
            out.axis = Some(top.axis);
            out.regularity = Some(Regularity {
                interval_cv: state.intervals.cv().unwrap_or(f64::NAN),
                peak_width_hz: psd.half_power_width(k),
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    fn run(rate: f64, secs: f64, f: impl Fn(f64) -> [f64; 3]) -> Tremor {
        let mut t = TremorAnalyzer::new(rate);
        for i in 0..(rate * secs) as usize {
            let time = i as f64 / rate;
            t.push(time, &f(time));
        }
        t.snapshot()
    }

    #[test]
    fn finds_a_sinusoidal_tremor() {
        let r = run(100.0, 60.0, |t| {
            [1.5 * (2.0 * PI * 4.4 * t).sin(), 0.0, 10.0]
        });
        assert!(r.present, "{}", r.criterion);
        assert_eq!(r.axis, Some(Axis::Rotation));
        assert!((r.frequency_hz.unwrap() - 4.4).abs() < 0.05);
        assert!((r.amplitude_deg.unwrap() - 1.5).abs() < 0.05);
        assert!(r.regularity.unwrap().interval_cv < 0.05);
        // The kept spectrum peaks at the tremor and carries its power (A²/2).
        let sp = r.spectrum.unwrap();
        assert_eq!(sp.axis, Axis::Rotation);
        let (k, _) = sp
            .density
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .unwrap();
        assert!((sp.start_hz + k as f64 * sp.df_hz - 4.4).abs() <= sp.df_hz);
        let power: f64 = sp.density.iter().sum::<f64>() * sp.df_hz;
        assert!((power - 1.5f64.powi(2) / 2.0).abs() < 0.1, "{power}");
    }

    #[test]
    fn slow_nodding_is_not_tremor() {
        // Voluntary nodding at 0.8 Hz, ±15°, with a sharpened (non-sinusoidal) shape.
        let r = run(100.0, 60.0, |t| {
            let s = (2.0 * PI * 0.8 * t).sin();
            [0.0, 0.0, 15.0 * s.signum() * s.abs().powf(0.6)]
        });
        assert!(!r.present, "{}", r.criterion);
    }

    #[test]
    fn too_low_a_rate_is_said() {
        let r = run(4.0, 30.0, |_| [0.0; 3]);
        assert!(!r.present);
        assert!(r.criterion.contains("Nyquist"));
    }
}
