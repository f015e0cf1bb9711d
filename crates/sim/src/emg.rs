//! Synthetic surface EMG with known bursts, for testing the EMG analysis against truth.
//!
//! Each channel is band-limited Gaussian noise (white noise through a 4th-order 20–450 Hz
//! Butterworth band-pass: the surface-EMG band) multiplied by a known activation — 0 at rest,
//! `amplitude` inside each burst, with raised-cosine ramps of `ramp_s` starting at the onset
//! and ending at the offset — plus what real recordings add: white amplifier noise, mains hum
//! (fundamental and third harmonic) and a slow baseline wander (electrode drift, movement).

use collis_dsp::Butterworth;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use std::f64::consts::PI;

/// One simulated electrode pair.
#[derive(Debug, Clone, PartialEq)]
pub struct EmgChannelSpec {
    pub label: String,
    /// RMS of the EMG during a burst, µV.
    pub amplitude_uv: f64,
    /// `[onset_s, offset_s]` of each burst, in order, not overlapping.
    pub bursts: Vec<[f64; 2]>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EmgSimOptions {
    pub rate_hz: f64,
    pub duration_s: f64,
    pub channels: Vec<EmgChannelSpec>,
    /// RMS of the white amplifier noise, µV.
    pub noise_uv: f64,
    pub hum_hz: f64,
    /// Amplitude of the mains fundamental, µV (the third harmonic gets a quarter of it).
    pub hum_uv: f64,
    /// Amplitude and frequency of the baseline wander, µV and Hz.
    pub wander_uv: f64,
    pub wander_hz: f64,
    /// Rise and fall time of the activation, s.
    pub ramp_s: f64,
    pub seed: u64,
}

impl EmgSimOptions {
    /// Four neck muscles over 60 s at 2 kHz: SCM and splenius on both sides, the right SCM
    /// at 60 % of the left (a known asymmetry), splenius bursts overlapping some SCM bursts
    /// (co-contraction), three short (< 100 ms) bursts among 12 per SCM channel; 50 Hz hum
    /// larger than the EMG, and a 0.3 Hz wander.
    pub fn neck(seed: u64) -> Self {
        let scm: Vec<[f64; 2]> = vec![
            [2.0, 3.5],
            [5.0, 5.08],
            [7.0, 9.0],
            [11.0, 11.6],
            [14.0, 14.07],
            [16.0, 19.0],
            [22.0, 22.3],
            [25.0, 25.09],
            [28.0, 31.0],
            [35.0, 36.2],
            [40.0, 40.5],
            [45.0, 48.0],
        ];
        let spl: Vec<[f64; 2]> = vec![
            [3.0, 4.5],
            [8.0, 10.0],
            [17.0, 18.0],
            [33.0, 34.0],
            [46.0, 50.0],
        ];
        let ch = |label: &str, amplitude_uv: f64, bursts: &Vec<[f64; 2]>| EmgChannelSpec {
            label: label.to_string(),
            amplitude_uv,
            bursts: bursts.clone(),
        };
        EmgSimOptions {
            rate_hz: 2000.0,
            duration_s: 60.0,
            channels: vec![
                ch("SCM-L", 100.0, &scm),
                ch("SCM-R", 60.0, &scm),
                ch("SPL-L", 80.0, &spl),
                ch("SPL-R", 80.0, &spl),
            ],
            noise_uv: 3.0,
            hum_hz: 50.0,
            hum_uv: 150.0,
            wander_uv: 300.0,
            wander_hz: 0.3,
            ramp_s: 0.01,
            seed,
        }
    }
}

/// What a perfect analysis would find on one channel.
#[derive(Debug, Clone, PartialEq)]
pub struct EmgChannelTruth {
    pub bursts: Vec<[f64; 2]>,
    /// RMS of the EMG component alone (no noise, hum or wander) over the recording, µV.
    pub activity_rms_uv: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EmgSim {
    pub rate_hz: f64,
    pub labels: Vec<String>,
    /// Per channel, µV.
    pub data: Vec<Vec<f64>>,
    pub truth: Vec<EmgChannelTruth>,
}

/// Activation (0…1) at `t` for bursts `b` with raised-cosine ramps of `ramp_s`.
fn activation(t: f64, bursts: &[[f64; 2]], ramp_s: f64) -> f64 {
    bursts
        .iter()
        .find(|b| t >= b[0] && t < b[1])
        .map_or(0.0, |b| {
            let edge = ((t - b[0]).min(b[1] - t) / ramp_s).min(1.0);
            0.5 - 0.5 * (PI * edge).cos()
        })
}

/// Simulates the recording; the same options and seed give the same samples.
pub fn simulate_emg(opts: &EmgSimOptions) -> EmgSim {
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let n = (opts.duration_s * opts.rate_hz).round() as usize;
    let high_hz = 450.0f64.min(0.45 * opts.rate_hz);
    let mut data = Vec::with_capacity(opts.channels.len());
    let mut truth = Vec::with_capacity(opts.channels.len());
    for (k, ch) in opts.channels.iter().enumerate() {
        let mut band = Butterworth::band_pass(4, 20.0, high_hz, opts.rate_hz)
            .expect("20 Hz to 0.45 × rate is inside Nyquist");
        // The band-pass keeps a fraction of white noise's power: measure it to scale to 1.
        let mut raw: Vec<f64> = (0..n)
            .map(|_| band.run(StandardNormal.sample(&mut rng)))
            .collect();
        let power = raw.iter().map(|x| x * x).sum::<f64>() / n.max(1) as f64;
        let scale = 1.0 / power.sqrt().max(f64::MIN_POSITIVE);
        let phase = k as f64 * 0.7;
        let mut sum_sq = 0.0;
        for (i, x) in raw.iter_mut().enumerate() {
            let t = i as f64 / opts.rate_hz;
            let emg = *x * scale * ch.amplitude_uv * activation(t, &ch.bursts, opts.ramp_s);
            sum_sq += emg * emg;
            let hum = opts.hum_uv
                * ((2.0 * PI * opts.hum_hz * t + phase).sin()
                    + 0.25 * (2.0 * PI * 3.0 * opts.hum_hz * t).sin());
            let wander = opts.wander_uv * (2.0 * PI * opts.wander_hz * t + phase).sin();
            let noise: f64 = StandardNormal.sample(&mut rng);
            *x = emg + hum + wander + opts.noise_uv * noise;
        }
        data.push(raw);
        truth.push(EmgChannelTruth {
            bursts: ch.bursts.clone(),
            activity_rms_uv: (sum_sq / n.max(1) as f64).sqrt(),
        });
    }
    EmgSim {
        rate_hz: opts.rate_hz,
        labels: opts.channels.iter().map(|c| c.label.clone()).collect(),
        data,
        truth,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_and_interference_are_where_they_should_be() {
        let sim = simulate_emg(&EmgSimOptions {
            duration_s: 12.0,
            ..EmgSimOptions::neck(1)
        });
        assert_eq!(sim.data[0].len(), 24_000);
        // The activity truth matches the amplitude × √(active fraction) (ramps aside).
        let active: f64 = sim.truth[0]
            .bursts
            .iter()
            .map(|b| (b[1].min(12.0) - b[0]).max(0.0))
            .sum();
        let want = 100.0 * (active / 12.0).sqrt();
        assert!((sim.truth[0].activity_rms_uv / want - 1.0).abs() < 0.1);
        assert_eq!(
            sim,
            simulate_emg(&EmgSimOptions {
                duration_s: 12.0,
                ..EmgSimOptions::neck(1)
            })
        );
    }
}
