//! Streaming notch filters for mains hum: one RBJ notch biquad (`biquad` crate) per harmonic
//! of the mains frequency below a limit, run in cascade one sample at a time.

use crate::FilterError;
use biquad::{Biquad, Coefficients, DirectForm2Transposed, ToHertz, Type};

/// Quality factor of each notch: −3 dB width = f / Q (≈ 1.7 Hz at 50 Hz), wide enough for the
/// ±0.2 Hz drift of European and American grids.
pub const NOTCH_Q: f64 = 30.0;

#[derive(Clone)]
pub struct NotchComb {
    sections: Vec<DirectForm2Transposed<f64>>,
    freqs_hz: Vec<f64>,
}

impl NotchComb {
    /// Notches at `base_hz` and its harmonics up to `max_hz` (and below Nyquist).
    pub fn harmonics(base_hz: f64, max_hz: f64, rate_hz: f64) -> Result<Self, FilterError> {
        let nyquist_hz = rate_hz / 2.0;
        let mut comb = NotchComb {
            sections: Vec::new(),
            freqs_hz: Vec::new(),
        };
        let mut f = base_hz;
        while f <= max_hz && f < 0.95 * nyquist_hz {
            let c = Coefficients::from_params(Type::Notch, rate_hz.hz(), f.hz(), NOTCH_Q).map_err(
                |_| FilterError::OutsideNyquist {
                    cutoff_hz: f,
                    nyquist_hz,
                },
            )?;
            comb.sections.push(DirectForm2Transposed::new(c));
            comb.freqs_hz.push(f);
            f += base_hz;
        }
        Ok(comb)
    }

    /// The notched frequencies, Hz.
    pub fn freqs_hz(&self) -> &[f64] {
        &self.freqs_hz
    }

    #[inline]
    pub fn run(&mut self, x: f64) -> f64 {
        self.sections.iter_mut().fold(x, |acc, s| s.run(acc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    fn gain(comb: &mut NotchComb, f: f64, rate: f64) -> f64 {
        let n = (rate * 4.0) as usize;
        (0..n)
            .map(|i| comb.run((2.0 * PI * f * i as f64 / rate).sin()))
            .skip(n / 2)
            .fold(0.0, |m: f64, y| m.max(y.abs()))
    }

    #[test]
    fn removes_mains_and_harmonics_keeps_the_rest() {
        let rate = 2000.0;
        let mk = || NotchComb::harmonics(50.0, 450.0, rate).unwrap();
        assert_eq!(mk().freqs_hz().len(), 9);
        for f in [50.0, 150.0, 450.0] {
            assert!(gain(&mut mk(), f, rate) < 0.01, "{f}");
        }
        for f in [30.0, 80.0, 125.0, 275.0] {
            assert!(gain(&mut mk(), f, rate) > 0.95, "{f}");
        }
    }
}
