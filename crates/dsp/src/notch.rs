//! Mains-hum removal by a comb notch: `y[n] = (x[n] − x[n − P]) / √2`, with `P` one mains
//! period. It has zeros at the mains frequency,
//! every harmonic and DC, so hum of any waveform and baseline wander go; `1/√2` keeps the
//! power of broadband signals such as EMG (the comb's mean power gain is 2). A fractional
//! period is read by 4-point Lagrange interpolation.
//!
//! Chosen over IIR notches (e.g. RBJ biquads): a notch narrow enough to spare the EMG rings
//! for 1 / (π × width) seconds — hundreds of milliseconds — after every burst, which
//! prolongs bursts in the envelope; the comb is an FIR filter that forgets a burst exactly
//! one period after it ends. Written by hand: it is a delay line and a subtraction.

use crate::FilterError;

#[derive(Debug, Clone)]
pub struct CombNotch {
    ring: Vec<f64>,
    pos: usize,
    /// Whole samples of the period and the fraction beyond.
    whole: usize,
    frac: f64,
    period_s: f64,
}

impl CombNotch {
    /// A comb for `mains_hz` at `rate_hz` (at least 2 samples per period).
    pub fn new(mains_hz: f64, rate_hz: f64) -> Result<Self, FilterError> {
        let period = rate_hz / mains_hz;
        if !(period.is_finite() && period >= 2.0) {
            return Err(FilterError::OutsideNyquist {
                cutoff_hz: mains_hz,
                nyquist_hz: rate_hz / 2.0,
            });
        }
        let whole = period.floor() as usize;
        Ok(CombNotch {
            ring: vec![0.0; whole + 3],
            pos: 0,
            whole,
            frac: period - whole as f64,
            period_s: 1.0 / mains_hz,
        })
    }

    /// How long a signal's end echoes in the output: one mains period, s.
    pub fn echo_s(&self) -> f64 {
        self.period_s
    }

    #[inline]
    pub fn run(&mut self, x: f64) -> f64 {
        let n = self.ring.len();
        self.ring[self.pos] = x;
        let at = |back: usize| self.ring[(self.pos + n - back) % n];
        // Lagrange cubic through the samples `whole − 1 … whole + 2` back, at `whole + frac`.
        let d = self.frac;
        let (a, b, c, e) = (
            at(self.whole - 1),
            at(self.whole),
            at(self.whole + 1),
            at(self.whole + 2),
        );
        let delayed = -d * (d - 1.0) * (d - 2.0) / 6.0 * a
            + (d + 1.0) * (d - 1.0) * (d - 2.0) / 2.0 * b
            - (d + 1.0) * d * (d - 2.0) / 2.0 * c
            + (d + 1.0) * d * (d - 1.0) / 6.0 * e;
        self.pos = (self.pos + 1) % n;
        (x - delayed) * std::f64::consts::FRAC_1_SQRT_2
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    fn gain(comb: &mut CombNotch, f: f64, rate: f64) -> f64 {
        let n = (rate * 2.0) as usize;
        (0..n)
            .map(|i| comb.run((2.0 * PI * f * i as f64 / rate).sin()))
            .skip(n / 2)
            .fold(0.0, |m: f64, y| m.max(y.abs()))
    }

    #[test]
    fn removes_mains_and_harmonics_keeps_the_power_between() {
        for (mains, rate) in [(50.0, 2000.0), (60.0, 1000.0), (50.0, 1000.0)] {
            let mk = || CombNotch::new(mains, rate).unwrap();
            for k in 1..=3 {
                let f = k as f64 * mains;
                let g = gain(&mut mk(), f, rate);
                assert!(g < 0.03, "{mains} Hz at {rate}: harmonic {f}: {g}");
            }
            // Half-way between lines the gain is √2.
            let g = gain(&mut mk(), 1.5 * mains, rate);
            assert!((g - 2f64.sqrt()).abs() < 0.03, "{g}");
        }
        assert!(CombNotch::new(50.0, 80.0).is_err());
    }

    #[test]
    fn white_noise_keeps_its_power() {
        let mut s: u64 = 3;
        let mut comb = CombNotch::new(50.0, 2000.0).unwrap();
        let (mut pin, mut pout) = (0.0, 0.0);
        for _ in 0..200_000 {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let x = (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
            pin += x * x;
            let y = comb.run(x);
            pout += y * y;
        }
        assert!((pout / pin - 1.0).abs() < 0.02, "{}", pout / pin);
    }
}
