//! Simulation options: which profile and seed, the recording's length and rate, the sensors
//! and their placement, and the error model switches.

use crate::trajectory::Relief;
use crate::Profile;
use collis_core::Mounting;

#[derive(Debug, Clone, PartialEq)]
pub struct SimOptions {
    pub profile: Profile,
    pub seed: u64,
    /// Recording length, seconds.
    pub duration_s: f64,
    /// Sample rate, Hz.
    pub rate_hz: f64,
    /// Head sensor mounting.
    pub mounting: Mounting,
    /// Whether samples carry magnetometer readings.
    pub with_mag: bool,
    /// Length of the neutral segment at the start, seconds (the transition follows).
    pub neutral_s: f64,
    /// Whether to simulate a second sensor on the sternum.
    pub trunk_sensor: bool,
    /// Trunk sensor mounting (directions in the trunk frame: x forward, y left, z up).
    pub trunk_mounting: Mounting,
    /// Whether the trunk sways (head-in-earth then differs from head-on-trunk).
    pub trunk_sway: bool,
    /// Multiplies every sensor error (0 = ideal sensors).
    pub noise_scale: f64,
    /// Adds a 10-s, 15-µT magnetic disturbance in the middle of the pattern.
    pub mag_disturbance: bool,
    /// Head sensor position from the neck pivot, head frame, metres.
    pub head_lever_m: [f64; 3],
    /// Trunk sensor position from the neck pivot, trunk frame, metres.
    pub trunk_lever_m: [f64; 3],
    /// Multiplies the profile's abnormal posture, drift and tremor amplitude (1 = as drawn,
    /// 0.5 = a treatment halving them); events and sway are unchanged. Lets a series of
    /// recordings of one patient carry a known treatment effect.
    pub severity: f64,
    /// Which recording of the patient `seed` draws: sessions share the movement pattern
    /// (posture, tremor, events) but differ in heading, trunk sway, field and sensor errors.
    pub session: u64,
    /// A sensory trick during the recording, when set.
    pub trick: Option<Relief>,
    /// Postural sway on every axis throughout, replacing the profile's: peak degrees and band
    /// (Hz). Clinic recordings show 0.5–1° at 0.1–0.2 Hz (`../shared/notes/orientation.md`).
    pub sway: Option<(f64, [f64; 2])>,
    /// Gyroscope bias of this size on every axis (°/s, signs drawn per axis), replacing the
    /// drawn bias (≈ 0.2 °/s on the independent recordings of issue 18).
    pub gyro_bias_dps: Option<f64>,
    /// Seconds before the recording (negative times) when the sensor lay still, as on a
    /// table before it is put on, in the pose it has at time 0: true rest.
    pub still_before_s: f64,
    /// Adds six 7° out-and-back jerks of 150–200 ms, two on each axis, during the tremor of
    /// the torticollis-tremor profile (ignored by the others): jerks that the tremor's speed
    /// hides from a speed threshold (issue 18).
    pub tremor_jerks: bool,
}

impl SimOptions {
    /// Default options for `profile` and `seed`.
    pub fn new(profile: Profile, seed: u64) -> Self {
        SimOptions {
            profile,
            seed,
            ..Default::default()
        }
    }

    /// These options as a common clinic protocol that independent recordings follow (issue
    /// 18): 90 s, a 5-s neutral hold at the start with postural sway of 0.75° at 0.1–0.2 Hz on
    /// every axis, a gyroscope bias of 0.2 °/s on every axis, the sensor 12 cm above the neck
    /// pivot, the trunk still.
    pub fn clinic_protocol(self) -> Self {
        SimOptions {
            duration_s: 90.0,
            neutral_s: 5.0,
            sway: Some((0.75, [0.1, 0.2])),
            gyro_bias_dps: Some(0.2),
            head_lever_m: [0.0, 0.0, 0.12],
            trunk_sway: false,
            ..self
        }
    }

    /// Number of samples in the recording.
    ///
    /// # Panics
    /// If the rate is not positive or the duration not finite.
    pub fn sample_count(&self) -> usize {
        assert!(
            self.rate_hz > 0.0 && self.duration_s.is_finite(),
            "rate_hz must be positive and duration_s finite"
        );
        (self.duration_s * self.rate_hz).round().max(0.0) as usize
    }

    /// Time of sample `k`, seconds.
    pub fn sample_time(&self, k: usize) -> f64 {
        k as f64 / self.rate_hz
    }
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            profile: Profile::TorticollisTremor,
            seed: 1,
            duration_s: 120.0,
            rate_hz: 100.0,
            mounting: Mounting::default(),
            with_mag: true,
            neutral_s: 8.0,
            trunk_sensor: false,
            trunk_mounting: Mounting::default(),
            trunk_sway: true,
            noise_scale: 1.0,
            mag_disturbance: false,
            head_lever_m: [0.03, 0.0, 0.18],
            trunk_lever_m: [0.10, 0.0, -0.15],
            severity: 1.0,
            session: 0,
            trick: None,
            sway: None,
            gyro_bias_dps: None,
            still_before_s: 0.0,
            tremor_jerks: false,
        }
    }
}
