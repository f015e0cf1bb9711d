//! Smooth building blocks of the trajectories — steps, pulses, plateaus and sums of slow
//! sinusoids — all closed-form functions of continuous time, so that the sensor model can
//! differentiate them numerically to ~1e-6.

use crate::seeds::uniform;
use rand::Rng;
use std::f64::consts::TAU;

/// Quintic smooth step from 0 (x ≤ 0) to 1 (x ≥ 1); velocity and acceleration are zero at both
/// ends, so transitions start and stop without an acceleration step.
pub fn smooth_step(x: f64) -> f64 {
    let x = x.clamp(0.0, 1.0);
    x * x * x * (x * (6.0 * x - 15.0) + 10.0)
}

/// Raised-cosine out-and-back pulse: 0 → 1 (at x = ½) → 0 over x in [0, 1], 0 elsewhere.
pub fn raised_cosine(x: f64) -> f64 {
    if (0.0..=1.0).contains(&x) {
        0.5 * (1.0 - (TAU * x).cos())
    } else {
        0.0
    }
}

/// Envelope `s` seconds after its start: smooth rise over `rise`, hold, smooth fall over `fall`.
pub fn plateau(s: f64, rise: f64, hold: f64, fall: f64) -> f64 {
    smooth_step(s / rise) - smooth_step((s - rise - hold) / fall)
}

#[derive(Debug, Clone, Copy)]
struct Sine {
    amplitude: f64,
    hz: f64,
    phase: f64,
}

/// A sum of three sinusoids: sway, drift and the slow modulations of a tremor.
#[derive(Debug, Clone, Copy)]
pub struct Sines([Sine; 3]);

impl Sines {
    /// Random frequencies in `band_hz` and random phases; the amplitudes add up to `peak`, so
    /// `|value| ≤ peak` always.
    pub fn random(rng: &mut impl Rng, peak: f64, band_hz: [f64; 2]) -> Self {
        let weights: [f64; 3] = std::array::from_fn(|_| rng.random_range(0.3..=1.0));
        let total: f64 = weights.iter().sum();
        Sines(weights.map(|w| Sine {
            amplitude: peak * w / total,
            hz: uniform(rng, band_hz),
            phase: rng.random_range(0.0..TAU),
        }))
    }

    pub fn value(&self, t: f64) -> f64 {
        self.0
            .iter()
            .map(|s| s.amplitude * (TAU * s.hz * t + s.phase).sin())
            .sum()
    }

    /// ∫₀ᵗ value(τ) dτ.
    pub fn integral(&self, t: f64) -> f64 {
        self.0
            .iter()
            .map(|s| {
                s.amplitude * (s.phase.cos() - (TAU * s.hz * t + s.phase).cos()) / (TAU * s.hz)
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seeds::{rng, Stream};

    #[test]
    fn shapes_are_bounded_and_smooth_at_the_ends() {
        assert_eq!(smooth_step(-1.0), 0.0);
        assert_eq!(smooth_step(2.0), 1.0);
        assert!((smooth_step(0.5) - 0.5).abs() < 1e-12);
        assert_eq!(raised_cosine(-0.1), 0.0);
        assert!((raised_cosine(0.5) - 1.0).abs() < 1e-12);
        assert_eq!(plateau(-0.5, 1.0, 2.0, 1.0), 0.0);
        assert_eq!(plateau(2.0, 1.0, 2.0, 1.0), 1.0);
        assert_eq!(plateau(4.5, 1.0, 2.0, 1.0), 0.0);
    }

    #[test]
    fn sines_stay_within_peak_and_integrate() {
        let s = Sines::random(&mut rng(3, Stream::Trajectory), 2.0, [0.05, 0.5]);
        let dt = 1e-3;
        let mut integral = 0.0;
        for k in 0..20_000 {
            let t = k as f64 * dt;
            assert!(s.value(t).abs() <= 2.0);
            integral += 0.5 * (s.value(t) + s.value(t + dt)) * dt;
        }
        assert!((integral - s.integral(20.0)).abs() < 1e-6);
    }
}
