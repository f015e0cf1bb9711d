//! Streaming Butterworth filters built from second-order sections.
//!
//! A 2N-order Butterworth low- or high-pass is a cascade of N biquads with the pole-pair Qs
//! `1 / (2 cos((2k+1)π / 4N))`; the `biquad` crate's RBJ designs pre-warp each section at the
//! cut-off, so the cascade is the bilinear-transform Butterworth (same as SciPy's `butter`).

use biquad::{Biquad, Coefficients, DirectForm2Transposed, ToHertz, Type};

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FilterError {
    #[error("cut-off {cutoff_hz} Hz is not between 0 and the Nyquist frequency {nyquist_hz} Hz")]
    OutsideNyquist { cutoff_hz: f64, nyquist_hz: f64 },
}

/// A cascade of biquads, run one sample at a time (no allocation per sample).
#[derive(Clone)]
pub struct Butterworth {
    sections: Vec<DirectForm2Transposed<f64>>,
}

impl Butterworth {
    /// Low-pass of even `order` (2, 4, 6…).
    pub fn low_pass(order: usize, cutoff_hz: f64, rate_hz: f64) -> Result<Self, FilterError> {
        Self::cascade(Type::LowPass, order, cutoff_hz, rate_hz)
    }

    /// High-pass of even `order`.
    pub fn high_pass(order: usize, cutoff_hz: f64, rate_hz: f64) -> Result<Self, FilterError> {
        Self::cascade(Type::HighPass, order, cutoff_hz, rate_hz)
    }

    /// Band-pass: a high-pass at `low_hz` then a low-pass at `high_hz`, each of `order`.
    pub fn band_pass(
        order: usize,
        low_hz: f64,
        high_hz: f64,
        rate_hz: f64,
    ) -> Result<Self, FilterError> {
        let mut f = Self::high_pass(order, low_hz, rate_hz)?;
        f.sections
            .extend(Self::low_pass(order, high_hz, rate_hz)?.sections);
        Ok(f)
    }

    fn cascade(
        kind: Type<f64>,
        order: usize,
        cutoff_hz: f64,
        rate_hz: f64,
    ) -> Result<Self, FilterError> {
        let nyquist_hz = rate_hz / 2.0;
        if !(cutoff_hz > 0.0 && cutoff_hz < nyquist_hz) {
            return Err(FilterError::OutsideNyquist {
                cutoff_hz,
                nyquist_hz,
            });
        }
        let pairs = (order / 2).max(1);
        let sections = (0..pairs)
            .map(|k| {
                let theta = (2 * k + 1) as f64 * std::f64::consts::PI / (4 * pairs) as f64;
                let q = 1.0 / (2.0 * theta.cos());
                Coefficients::from_params(kind, rate_hz.hz(), cutoff_hz.hz(), q)
                    .map(DirectForm2Transposed::new)
                    .map_err(|_| FilterError::OutsideNyquist {
                        cutoff_hz,
                        nyquist_hz,
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(Butterworth { sections })
    }

    #[inline]
    pub fn run(&mut self, x: f64) -> f64 {
        self.sections.iter_mut().fold(x, |acc, s| s.run(acc))
    }

    pub fn reset(&mut self) {
        self.sections.iter_mut().for_each(|s| s.reset_state());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gain(f: &mut Butterworth, freq: f64, rate: f64) -> f64 {
        let n = (rate * 20.0) as usize;
        let mut peak: f64 = 0.0;
        for i in 0..n {
            let y = f.run((2.0 * std::f64::consts::PI * freq * i as f64 / rate).sin());
            if i > n / 2 {
                peak = peak.max(y.abs());
            }
        }
        peak
    }

    #[test]
    fn band_pass_passes_the_band_and_stops_the_rest() {
        let rate = 100.0;
        let mk = || Butterworth::band_pass(4, 2.0, 12.0, rate).unwrap();
        assert!((gain(&mut mk(), 5.0, rate) - 1.0).abs() < 0.02);
        // −3 dB at the edges, as a Butterworth should.
        assert!((gain(&mut mk(), 2.0, rate) - std::f64::consts::FRAC_1_SQRT_2).abs() < 0.03);
        assert!(gain(&mut mk(), 0.5, rate) < 0.01);
        assert!(gain(&mut mk(), 30.0, rate) < 0.02);
    }

    #[test]
    fn rejects_cutoffs_beyond_nyquist() {
        assert!(Butterworth::low_pass(4, 13.0, 26.0).is_err());
        assert!(Butterworth::high_pass(4, 0.0, 26.0).is_err());
    }
}
