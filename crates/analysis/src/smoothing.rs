//! Optional temporal smoothing of camera-measured head angles that leaves tremor alone.
//!
//! Per-frame face-mesh angles carry frame-to-frame jitter that is broadband. Smoothing must not
//! blur head tremor, whose bands reach 12 Hz (essential tremor 4–12 Hz, enhanced physiological
//! 8–12 Hz; `../shared/notes/clinical.md`, Robakis & Louis 2016). So the smoother is a
//! 4th-order Butterworth low-pass at [`CUTOFF_HZ`] = 18 Hz: its gain is 0.98 at 12 Hz and
//! 0.995 at 10 Hz, so tremor amplitude changes by ≤ 2 %, and jitter above 18 Hz is removed.
//! It only acts where the frame rate leaves a band above the cut-off: at less than
//! [`MIN_RATE_HZ`] (40 frames/s, cut-off ≤ 0.9 × Nyquist) there is nothing to remove without
//! touching tremor, and [`AngleSmoother::new`] says so by returning `None`.
//!
//! Streaming and causal (one sample in, one out; no allocation per sample). A causal low-pass
//! delays what it passes (≈ 21 ms at 120 frames/s, nearly constant over the tremor band), so
//! each output sample is stamped with its input's time minus that delay ([`AngleSmoother::delay_s`],
//! measured on the filter itself) and stays aligned with other streams, such as EMG. The
//! filter runs on the change from the first angle of each run of frames with a face, so it
//! starts without a transient; a gap (no face) ends the run and the next face starts a new one.

use collis_core::AngleSample;
use collis_dsp::filter::Butterworth;

/// The smoother's cut-off (Hz): above the 12-Hz top of the tremor bands (see the module doc).
pub const CUTOFF_HZ: f64 = 18.0;
/// Order of the low-pass.
pub const ORDER: usize = 4;
/// Lowest frame rate at which the cut-off is at most 0.9 × Nyquist.
pub const MIN_RATE_HZ: f64 = CUTOFF_HZ / 0.45;

/// The low-pass of the three angles of a camera-measured head pose.
pub struct AngleSmoother {
    axes: [Butterworth; 3],
    delay_s: f64,
    /// The first angles of the current run of frames with a face.
    origin: Option<[f64; 3]>,
}

impl AngleSmoother {
    /// A smoother for frames at `rate_hz`; `None` when the rate is below [`MIN_RATE_HZ`].
    pub fn new(rate_hz: f64) -> Option<Self> {
        if rate_hz.is_nan() || rate_hz < MIN_RATE_HZ {
            return None;
        }
        let axis = Butterworth::low_pass(ORDER, CUTOFF_HZ, rate_hz).ok()?;
        // The delay at low frequencies: how far the steady-state response to a ramp lags it.
        let mut probe = axis.clone();
        let n = (rate_hz * 2.0) as usize;
        let lag = (0..=n).map(|i| i as f64 - probe.run(i as f64)).last()?;
        Some(AngleSmoother {
            axes: [axis.clone(), axis.clone(), axis],
            delay_s: lag / rate_hz,
            origin: None,
        })
    }

    /// The delay (s) by which output times are moved back.
    pub fn delay_s(&self) -> f64 {
        self.delay_s
    }

    /// The smoothed sample; gaps (NaN angles) pass through and restart the filter.
    pub fn push(&mut self, s: &AngleSample) -> AngleSample {
        // Every sample, gaps too, moves back by the same delay: times stay in order.
        let mut out = *s;
        out.time_s -= self.delay_s;
        if s.angles_deg.iter().any(|a| !a.is_finite()) {
            self.origin = None;
            return out;
        }
        let origin = *self.origin.get_or_insert_with(|| {
            self.axes.iter_mut().for_each(Butterworth::reset);
            s.angles_deg
        });
        for ((a, f), o) in out.angles_deg.iter_mut().zip(&mut self.axes).zip(origin) {
            *a = o + f.run(*a - o);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn sample(time_s: f64, a: f64) -> AngleSample {
        AngleSample {
            time_s,
            angles_deg: [a, -a, 0.5 * a],
            confidence: 1.0,
        }
    }

    /// Steady-state gain for a sine of `freq` Hz at `rate` Hz: output RMS over input RMS over
    /// the last 5 s (whole periods for the frequencies used).
    fn gain(freq: f64, rate: f64) -> f64 {
        let mut s = AngleSmoother::new(rate).unwrap();
        let n = (rate * 10.0) as usize;
        let (mut input, mut output) = (0.0, 0.0);
        for i in 0..n {
            let t = i as f64 / rate;
            let x = (2.0 * std::f64::consts::PI * freq * t).sin();
            let y = s.push(&sample(t, x)).angles_deg[0];
            if i >= n / 2 {
                input += x * x;
                output += y * y;
            }
        }
        (output / input).sqrt()
    }

    #[test]
    fn tremor_up_to_12_hz_keeps_its_amplitude_within_2_percent() {
        for rate in [60.0, 120.0, 240.0] {
            for freq in [2.0, 6.0, 10.0, 12.0] {
                let g = gain(freq, rate);
                assert!(
                    (g - 1.0).abs() <= 0.02,
                    "{freq} Hz at {rate} fps: gain {g:.3}"
                );
            }
            assert!(gain(28.0, rate) < 0.2, "28 Hz at {rate} fps passes");
        }
    }

    #[test]
    fn jitter_is_reduced_and_a_still_head_stays_put() {
        let rate = 120.0;
        let mut s = AngleSmoother::new(rate).unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let (mut raw, mut smooth) = (0.0, 0.0);
        for i in 0..(rate as usize * 20) {
            let noise: f64 = rng.random_range(-1.0..1.0);
            let out = s.push(&sample(i as f64 / rate, 15.0 + noise));
            if i > 100 {
                raw += noise * noise;
                smooth += (out.angles_deg[0] - 15.0).powi(2);
            }
        }
        // White jitter keeps the share of its power below 18 Hz: 18 / 60 of it.
        let ratio = (smooth / raw).sqrt();
        assert!(ratio < 0.65, "jitter RMS kept {ratio:.2}");
        // No start-up transient: the first output is the first angle.
        let mut s = AngleSmoother::new(rate).unwrap();
        assert_eq!(s.push(&sample(0.0, 30.0)).angles_deg, [30.0, -30.0, 15.0]);
    }

    #[test]
    fn gaps_pass_through_and_restart_the_filter() {
        let mut s = AngleSmoother::new(60.0).unwrap();
        for i in 0..30 {
            s.push(&sample(f64::from(i) / 60.0, 10.0));
        }
        let gap = AngleSample {
            time_s: 0.5,
            angles_deg: [f64::NAN; 3],
            confidence: 0.0,
        };
        let out_gap = s.push(&gap);
        assert!(out_gap.angles_deg[0].is_nan());
        // After the gap the head is elsewhere: the output starts there, not at 10°, and
        // comes after the gap in time.
        let next = s.push(&sample(0.51, -20.0));
        assert_eq!(next.angles_deg[0], -20.0);
        assert!(next.time_s > out_gap.time_s);
    }

    #[test]
    fn output_times_carry_the_delay_so_a_slow_movement_stays_in_place() {
        let rate = 120.0;
        let mut s = AngleSmoother::new(rate).unwrap();
        let d = s.delay_s();
        assert!(d > 0.01 && d < 0.03, "delay {d}");
        let mut worst: f64 = 0.0;
        for i in 0..(rate as usize * 4) {
            let t = i as f64 / rate;
            let motion = |t: f64| 10.0 * (2.0 * std::f64::consts::PI * 3.0 * t).sin();
            let out = s.push(&sample(t, motion(t)));
            if t > 1.0 {
                worst = worst.max((out.angles_deg[0] - motion(out.time_s)).abs());
            }
        }
        // 3 Hz, 10°: a delay left uncorrected would leave ≈ 4° of error.
        assert!(
            worst < 0.2,
            "worst {worst:.3}° against the movement at the stamped time"
        );
    }

    #[test]
    fn too_low_a_frame_rate_has_nothing_to_smooth() {
        assert!(AngleSmoother::new(30.0).is_none());
        assert!(AngleSmoother::new(f64::NAN).is_none());
        assert!(AngleSmoother::new(40.0).is_some());
    }
}
