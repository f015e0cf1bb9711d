//! Welch's power-spectral-density estimate, accumulated one sample at a time.
//!
//! Hann window, 50 % overlap, each segment's mean removed, one-sided density scaling
//! `2 |X|² / (fs Σw²)` — the same figures as SciPy's `signal.welch(..., scaling="density")`.
//! Memory is one segment plus the FFT buffers, whatever the recording length. Written on
//! `realfft` because the Welch crates on crates.io either scale differently from SciPy
//! (`welch-sde` does not double the one-sided spectrum) or need the whole signal in memory.

use realfft::{num_complex::Complex, RealFftPlanner, RealToComplex};
use std::sync::Arc;

pub struct Welch {
    rate_hz: f64,
    seg_len: usize,
    hop: usize,
    window: Vec<f64>,
    window_power: f64,
    ring: Vec<f64>,
    pos: usize,
    filled: usize,
    since_last: usize,
    fft: Arc<dyn RealToComplex<f64>>,
    input: Vec<f64>,
    spectrum: Vec<Complex<f64>>,
    scratch: Vec<Complex<f64>>,
    sum_power: Vec<f64>,
    segments: u64,
}

impl Welch {
    /// Segments of `seg_len` samples, transformed with `nfft ≥ seg_len` points (zero-padded).
    pub fn new(rate_hz: f64, seg_len: usize, nfft: usize) -> Self {
        let seg_len = seg_len.max(4);
        let nfft = nfft.max(seg_len);
        let window: Vec<f64> = (0..seg_len)
            .map(|i| {
                // Periodic Hann, as SciPy's get_window("hann", n).
                0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / seg_len as f64).cos()
            })
            .collect();
        let window_power = window.iter().map(|w| w * w).sum();
        let fft = RealFftPlanner::<f64>::new().plan_fft_forward(nfft);
        let input = fft.make_input_vec();
        let spectrum = fft.make_output_vec();
        let scratch = fft.make_scratch_vec();
        let bins = spectrum.len();
        Welch {
            rate_hz,
            seg_len,
            hop: seg_len / 2,
            window,
            window_power,
            ring: vec![0.0; seg_len],
            pos: 0,
            filled: 0,
            since_last: 0,
            fft,
            input,
            spectrum,
            scratch,
            sum_power: vec![0.0; bins],
            segments: 0,
        }
    }

    /// Add one sample; a segment is transformed every `seg_len / 2` samples.
    #[inline]
    pub fn push(&mut self, x: f64) {
        self.ring[self.pos] = x;
        self.pos = (self.pos + 1) % self.seg_len;
        self.filled = (self.filled + 1).min(self.seg_len);
        self.since_last += 1;
        if self.filled == self.seg_len && self.since_last >= self.hop {
            self.since_last = 0;
            self.transform();
        }
    }

    /// Forget the current partial segment (after a gap), keeping the accumulated spectrum.
    pub fn restart(&mut self) {
        self.filled = 0;
        self.since_last = 0;
    }

    fn transform(&mut self) {
        let n = self.seg_len;
        let mean = self.ring.iter().sum::<f64>() / n as f64;
        for i in 0..n {
            let x = self.ring[(self.pos + i) % n];
            self.input[i] = (x - mean) * self.window[i];
        }
        self.input[n..].iter_mut().for_each(|v| *v = 0.0);
        if self
            .fft
            .process_with_scratch(&mut self.input, &mut self.spectrum, &mut self.scratch)
            .is_err()
        {
            return;
        }
        for (acc, c) in self.sum_power.iter_mut().zip(&self.spectrum) {
            *acc += c.norm_sqr();
        }
        self.segments += 1;
    }

    pub fn segments(&self) -> u64 {
        self.segments
    }

    /// The averaged one-sided PSD so far (units²/Hz); `None` before the first full segment.
    pub fn psd(&self) -> Option<Psd> {
        if self.segments == 0 {
            return None;
        }
        let nfft = self.input.len();
        let scale = 1.0 / (self.rate_hz * self.window_power * self.segments as f64);
        let last = self.sum_power.len() - 1;
        let density = self
            .sum_power
            .iter()
            .enumerate()
            .map(|(k, p)| {
                let one_sided = if k == 0 || (k == last && nfft.is_multiple_of(2)) {
                    1.0
                } else {
                    2.0
                };
                p * scale * one_sided
            })
            .collect();
        Some(Psd {
            df_hz: self.rate_hz / nfft as f64,
            density,
        })
    }
}

/// A one-sided power spectral density on a uniform frequency grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Psd {
    pub df_hz: f64,
    pub density: Vec<f64>,
}

impl Psd {
    fn bin_range(&self, lo_hz: f64, hi_hz: f64) -> std::ops::RangeInclusive<usize> {
        let lo = (lo_hz / self.df_hz).ceil().max(0.0) as usize;
        let hi = ((hi_hz / self.df_hz).floor() as usize).min(self.density.len() - 1);
        lo..=hi
    }

    /// Power in `[lo_hz, hi_hz]` (units²): the density integrated over the band.
    pub fn band_power(&self, lo_hz: f64, hi_hz: f64) -> f64 {
        self.bin_range(lo_hz, hi_hz)
            .map(|k| self.density[k])
            .sum::<f64>()
            * self.df_hz
    }

    /// Largest bin in `[lo_hz, hi_hz]`: (frequency refined by a parabola through the log
    /// densities of the bin and its neighbours, bin index).
    pub fn peak(&self, lo_hz: f64, hi_hz: f64) -> Option<(f64, usize)> {
        let range = self.bin_range(lo_hz, hi_hz);
        let k = range
            .filter(|&k| self.density[k] > 0.0)
            .max_by(|&a, &b| self.density[a].total_cmp(&self.density[b]))?;
        let mut offset = 0.0;
        if k > 0 && k + 1 < self.density.len() {
            let (a, b, c) = (
                self.density[k - 1].max(f64::MIN_POSITIVE).ln(),
                self.density[k].ln(),
                self.density[k + 1].max(f64::MIN_POSITIVE).ln(),
            );
            let denom = a - 2.0 * b + c;
            if denom < 0.0 {
                offset = (0.5 * (a - c) / denom).clamp(-0.5, 0.5);
            }
        }
        Some(((k as f64 + offset) * self.df_hz, k))
    }

    /// Full width at half maximum around bin `k`, Hz (linear interpolation at the edges).
    pub fn half_power_width(&self, k: usize) -> f64 {
        let half = self.density[k] / 2.0;
        let d = &self.density;
        let mut lo = k as f64;
        for i in (0..k).rev() {
            if d[i] < half {
                lo = i as f64 + (half - d[i]) / (d[i + 1] - d[i]);
                break;
            }
            lo = i as f64;
        }
        let mut hi = k as f64;
        for i in k + 1..d.len() {
            if d[i] < half {
                hi = (i - 1) as f64 + (d[i - 1] - half) / (d[i - 1] - d[i]);
                break;
            }
            hi = i as f64;
        }
        (hi - lo) * self.df_hz
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sinusoid_power_and_peak() {
        let rate = 100.0;
        let (amp, freq) = (2.0, 4.3);
        let mut w = Welch::new(rate, 400, 800);
        for i in 0..12_000 {
            let t = i as f64 / rate;
            w.push(amp * (2.0 * std::f64::consts::PI * freq * t).sin() + 7.0);
        }
        let psd = w.psd().unwrap();
        // Power of a sinusoid is amp²/2, wherever the window puts it.
        let p = psd.band_power(3.0, 6.0);
        assert!(
            (p - amp * amp / 2.0).abs() / (amp * amp / 2.0) < 0.02,
            "{p}"
        );
        let (f, k) = psd.peak(2.0, 12.0).unwrap();
        assert!((f - freq).abs() < 0.03, "{f}");
        // Hann main lobe: FWHM ≈ 1.44 bins of the segment (0.25 Hz).
        let width = psd.half_power_width(k);
        assert!(width > 0.3 && width < 0.45, "{width}");
    }

    #[test]
    fn white_noise_density_matches_variance() {
        // A deterministic pseudo-random sequence with variance 1/3 (uniform on [-1, 1]).
        let mut s: u64 = 42;
        let mut w = Welch::new(50.0, 256, 256);
        for _ in 0..200_000 {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            w.push((s >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0);
        }
        let psd = w.psd().unwrap();
        let total = psd.band_power(0.0, 25.0);
        assert!((total - 1.0 / 3.0).abs() < 0.01, "{total}");
    }
}
