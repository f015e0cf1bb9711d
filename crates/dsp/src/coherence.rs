//! Magnitude-squared coherence of two signals on one clock, accumulated one sample pair at
//! a time: Welch's method (Hann segments, 50 % overlap, means removed), `|Sxy|² / (Sxx Syy)`
//! per frequency bin — SciPy's `signal.coherence`. Memory is one segment of each signal.
//! Written on `realfft` next to [`crate::Welch`] because the Welch crates give no cross
//! spectrum.

use realfft::{num_complex::Complex, RealFftPlanner, RealToComplex};
use std::sync::Arc;

pub struct Coherence {
    rate_hz: f64,
    seg_len: usize,
    window: Vec<f64>,
    rings: [Vec<f64>; 2],
    pos: usize,
    filled: usize,
    since_last: usize,
    fft: Arc<dyn RealToComplex<f64>>,
    input: Vec<f64>,
    spectra: [Vec<Complex<f64>>; 2],
    scratch: Vec<Complex<f64>>,
    sxx: Vec<f64>,
    syy: Vec<f64>,
    sxy: Vec<Complex<f64>>,
    segments: u64,
}

impl Coherence {
    /// Segments of `seg_len` samples at `rate_hz`.
    pub fn new(rate_hz: f64, seg_len: usize) -> Self {
        let seg_len = seg_len.max(4);
        let window = (0..seg_len)
            .map(|i| 0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / seg_len as f64).cos())
            .collect();
        let fft = RealFftPlanner::<f64>::new().plan_fft_forward(seg_len);
        let bins = seg_len / 2 + 1;
        Coherence {
            rate_hz,
            seg_len,
            window,
            rings: [vec![0.0; seg_len], vec![0.0; seg_len]],
            pos: 0,
            filled: 0,
            since_last: 0,
            input: fft.make_input_vec(),
            spectra: [fft.make_output_vec(), fft.make_output_vec()],
            scratch: fft.make_scratch_vec(),
            fft,
            sxx: vec![0.0; bins],
            syy: vec![0.0; bins],
            sxy: vec![Complex::new(0.0, 0.0); bins],
            segments: 0,
        }
    }

    #[inline]
    pub fn push(&mut self, x: f64, y: f64) {
        self.rings[0][self.pos] = x;
        self.rings[1][self.pos] = y;
        self.pos = (self.pos + 1) % self.seg_len;
        self.filled = (self.filled + 1).min(self.seg_len);
        self.since_last += 1;
        if self.filled == self.seg_len && self.since_last >= self.seg_len / 2 {
            self.since_last = 0;
            self.transform();
        }
    }

    /// Forget the current partial segment (after a gap in either signal).
    pub fn restart(&mut self) {
        self.filled = 0;
        self.since_last = 0;
    }

    fn transform(&mut self) {
        let n = self.seg_len;
        for k in 0..2 {
            let ring = &self.rings[k];
            let mean = ring.iter().sum::<f64>() / n as f64;
            for i in 0..n {
                self.input[i] = (ring[(self.pos + i) % n] - mean) * self.window[i];
            }
            if self
                .fft
                .process_with_scratch(&mut self.input, &mut self.spectra[k], &mut self.scratch)
                .is_err()
            {
                return;
            }
        }
        for b in 0..self.sxx.len() {
            let (x, y) = (self.spectra[0][b], self.spectra[1][b]);
            self.sxx[b] += x.norm_sqr();
            self.syy[b] += y.norm_sqr();
            self.sxy[b] += x.conj() * y;
        }
        self.segments += 1;
    }

    pub fn segments(&self) -> u64 {
        self.segments
    }

    /// Coherence (0–1) at the bin nearest `freq_hz`; `None` before two segments.
    pub fn at(&self, freq_hz: f64) -> Option<f64> {
        if self.segments < 2 {
            return None;
        }
        let b = ((freq_hz * self.seg_len as f64 / self.rate_hz).round() as usize)
            .min(self.sxx.len() - 1);
        let d = self.sxx[b] * self.syy[b];
        Some(if d > 0.0 {
            (self.sxy[b].norm_sqr() / d).min(1.0)
        } else {
            0.0
        })
    }

    /// The coherence that independent signals exceed with probability 5 % after the
    /// segments averaged so far: `1 − 0.05^(1/(L−1))` (Rosenberg et al. 1989) for `L`
    /// disjoint segments; half-overlapping segments are counted as `(n + 1) / 2` disjoint
    /// ones (conservative).
    pub fn significance_95(&self) -> f64 {
        let l = (self.segments.div_ceil(2)).max(2) as f64;
        1.0 - 0.05f64.powf(1.0 / (l - 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    #[test]
    fn a_shared_rhythm_is_coherent_independent_noise_is_not() {
        let mut s: u64 = 11;
        let mut noise = move || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        let rate = 100.0;
        let mut c = Coherence::new(rate, 400);
        for i in 0..30_000 {
            let r = (2.0 * PI * 5.0 * i as f64 / rate).sin();
            c.push(r + 0.5 * noise(), 0.3 * r + 0.5 * noise());
        }
        assert!(c.at(5.0).unwrap() > 0.8);
        assert!(c.at(17.0).unwrap() < c.significance_95() * 2.0);
        assert!(c.significance_95() < 0.05);
    }
}
