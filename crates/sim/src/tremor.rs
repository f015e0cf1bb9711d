//! Tremor oscillator: a sinusoid whose instantaneous frequency and amplitude wander smoothly
//! (frequency and amplitude modulation by sums of slow sinusoids), in closed form so that the
//! phase is the exact integral of the instantaneous frequency.

use crate::seeds::uniform;
use crate::signals::Sines;
use rand::Rng;
use std::f64::consts::TAU;

/// Modulation band of the instantaneous frequency, Hz.
const FM_BAND_HZ: [f64; 2] = [0.1, 0.5];
/// Modulation band of the amplitude, Hz.
const AM_BAND_HZ: [f64; 2] = [0.05, 0.4];

/// How irregular a tremor is: peak relative deviations of frequency and amplitude.
#[derive(Debug, Clone, Copy)]
pub struct Irregularity {
    pub frequency: f64,
    pub amplitude: f64,
}

#[derive(Debug, Clone, Copy)]
pub struct Oscillator {
    /// Centre frequency, Hz (the long-run mean of the instantaneous frequency).
    pub hz: f64,
    /// Unmodulated peak amplitude, degrees.
    pub amplitude_deg: f64,
    fm: Sines,
    am: Sines,
    phase: f64,
}

impl Oscillator {
    pub fn random(
        rng: &mut impl Rng,
        hz: [f64; 2],
        amplitude_deg: [f64; 2],
        irregularity: Irregularity,
    ) -> Self {
        Oscillator {
            hz: uniform(rng, hz),
            amplitude_deg: uniform(rng, amplitude_deg),
            fm: Sines::random(rng, irregularity.frequency, FM_BAND_HZ),
            am: Sines::random(rng, irregularity.amplitude, AM_BAND_HZ),
            phase: rng.random_range(0.0..TAU),
        }
    }

    /// Instantaneous frequency at `t`, Hz.
    pub fn frequency_hz(&self, t: f64) -> f64 {
        self.hz * (1.0 + self.fm.value(t))
    }

    /// Tremor angle at `t`, degrees.
    pub fn value(&self, t: f64) -> f64 {
        let phase = self.phase + TAU * self.hz * (t + self.fm.integral(t));
        self.amplitude_deg * (1.0 + self.am.value(t)) * phase.sin()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seeds::{rng, Stream};

    #[test]
    fn phase_follows_the_instantaneous_frequency() {
        let irregular = Irregularity {
            frequency: 0.12,
            amplitude: 0.3,
        };
        let osc = Oscillator::random(
            &mut rng(5, Stream::Trajectory),
            [3.0, 5.0],
            [1.0, 2.0],
            irregular,
        );
        // Count upward zero crossings over 60 s against the integral of the frequency.
        let dt = 1e-3;
        let (mut crossings, mut cycles) = (0, 0.0);
        for k in 0..60_000 {
            let t = k as f64 * dt;
            if osc.value(t) < 0.0 && osc.value(t + dt) >= 0.0 {
                crossings += 1;
            }
            cycles += osc.frequency_hz(t) * dt;
        }
        assert!(
            (crossings as f64 - cycles).abs() <= 1.5,
            "{crossings} vs {cycles}"
        );
        assert!(osc.value(1.234).abs() <= osc.amplitude_deg * 1.3);
    }
}
