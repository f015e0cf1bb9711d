//! Orientation stage: IMU samples → sensor orientation (sensor frame → earth East-North-Up).
//!
//! Files use the whole recording ([`whole`]: every sample's estimate also uses the samples
//! after it, after offline VQF, with true rest found in the file for the gyroscope bias,
//! [`rest`]); live streams use the causal filter below.
//!
//! The causal filter is a thin wrapper over `vqf-rs`, a port of VQF (Laidig & Seel, "VQF: Highly accurate IMU
//! orientation estimation with bias estimation and magnetic disturbance rejection",
//! Information Fusion 2023): gyroscope-bias estimation at rest and in motion, and rejection
//! of magnetic disturbances in 9D. Without a magnetometer (6D) the heading is arbitrary.

pub mod block;
pub mod rest;
pub mod whole;

pub use rest::Rest;
pub use whole::{BiasPlan, WholeOrientation};

use collis_core::ImuSample;
use collis_dsp::LineFit;
use nalgebra::{Quaternion, UnitQuaternion};
use vqf_rs::VQF;

/// Uncertainty given to VQF with a bias from a still segment, °/s (VQF's unit for sigma);
/// unused while VQF's bias estimators are off, kept consistent for its state.
const BIAS_SIGMA_DPS: f64 = 0.05;

/// Gyroscope bias from a segment where the head is held still: per sensor axis, the slope of
/// the integrated angular rate against time (least squares). Postural sway during the segment
/// is zero-mean and barely moves the slope, unlike a plain mean of the rate, whose error is
/// the net sway angle divided by the segment length. Needed because VQF cannot observe the
/// bias about the vertical: in 6D it integrates into rotation drift, and in 9D it leaves a
/// heading lag of bias × τ_mag (≈ 5° for 0.5 °/s).
#[derive(Debug, Default, Clone)]
pub struct BiasRegression {
    first_time_s: Option<f64>,
    last_time_s: Option<f64>,
    angle: [f64; 3],
    /// Per axis: the integrated angle against time, and the rate itself (its mean's spread).
    angle_fit: [LineFit; 3],
    rate: [LineFit; 3],
}

impl BiasRegression {
    pub fn push(&mut self, s: &ImuSample) {
        if let Some(t0) = self.last_time_s {
            let dt = s.time_s - t0;
            for (a, w) in self.angle.iter_mut().zip(s.gyr_rad_s) {
                *a += w * dt;
            }
        }
        self.last_time_s = Some(s.time_s);
        // Time from the segment's first sample keeps the sums well conditioned late in a file.
        let t = s.time_s - *self.first_time_s.get_or_insert(s.time_s);
        for i in 0..3 {
            self.angle_fit[i].push(t, self.angle[i]);
            self.rate[i].push(t, s.gyr_rad_s[i]);
        }
    }

    /// Standard error of the mean angular rate over the segment (largest axis), rad/s: the
    /// sensor noise's share of the bias error for a sensor lying still (sway's share, for a
    /// neutral hold, is bounded by the analysis).
    pub fn slope_sigma(&self) -> Option<f64> {
        (self.rate[0].count() >= 4.0).then(|| {
            self.rate
                .iter()
                .map(|r| r.sd_y() / r.count().sqrt())
                .fold(0.0, f64::max)
        })
    }

    /// The bias (rad/s); `None` with fewer than 3 samples or no spread in time.
    pub fn bias(&self) -> Option<[f64; 3]> {
        let [x, y, z] = self.angle_fit.map(|f| f.slope(3.0));
        Some([x?, y?, z?])
    }
}

/// Streaming 6D/9D orientation filter.
pub struct Orientation {
    vqf: VQF,
    use_mag: bool,
    dt_nominal: f64,
    last_time_s: Option<f64>,
}

impl Orientation {
    /// `use_mag`: fuse the magnetometer when a sample has one (9D); otherwise 6D.
    pub fn new(rate_hz: f64, use_mag: bool) -> Self {
        Self::with_params(rate_hz, use_mag, None)
    }

    fn with_params(rate_hz: f64, use_mag: bool, params: Option<vqf_rs::Params>) -> Self {
        let dt_nominal = 1.0 / rate_hz;
        Orientation {
            vqf: VQF::new(dt_nominal, None, None, params),
            use_mag,
            dt_nominal,
            last_time_s: None,
        }
    }

    /// Feed one sample and return the current sensor → earth orientation.
    ///
    /// The gyroscope is integrated over the real time step when timestamps jitter; across a
    /// gap (more than 5 nominal steps) the nominal step is used, since the motion in the gap
    /// is unknown.
    #[inline]
    pub fn update(&mut self, s: &ImuSample) -> UnitQuaternion<f64> {
        let dt = match self.last_time_s {
            Some(t0) => {
                let dt = s.time_s - t0;
                if dt > 0.0 && dt < 5.0 * self.dt_nominal {
                    dt
                } else {
                    self.dt_nominal
                }
            }
            None => self.dt_nominal,
        };
        self.last_time_s = Some(s.time_s);
        self.vqf.update_gyr_with_ts(s.gyr_rad_s, dt);
        self.vqf.update_acc(s.acc_m_s2);
        let q = match (self.use_mag, s.mag) {
            (true, Some(m)) => {
                self.vqf.update_mag(m);
                self.vqf.quat_9d()
            }
            _ => self.vqf.quat_6d(),
        };
        // VQF composes unit quaternions and normalises its own state: no renormalisation.
        UnitQuaternion::new_unchecked(Quaternion::new(q.0, q.1, q.2, q.3))
    }

    /// A filter tuned for head recordings (the angle pipeline); [`Orientation::new`] keeps
    /// VQF's published defaults (used by `collis orient` and the BROAD benchmark).
    ///
    /// - VQF trusts a magnetic field only after seeing it while the sensor turns faster than
    ///   20 °/s; a patient holding a dystonic posture may never do so, and 9D silently stays
    ///   6D. Here a field that stays consistent for 5 s is accepted whatever the motion.
    /// - With a known gyroscope bias (rad/s, sensor frame; e.g. from [`BiasRegression`] over
    ///   a still neutral segment) VQF's own bias estimators are switched off and the bias is
    ///   kept. On head recordings both mislead: rest detection (angular rate < 2 °/s) takes
    ///   slow postural sway for rest and absorbs the sway into the bias, and the motion
    ///   estimator is driven by the lever-arm accelerations of tremor and jerks. On simulated
    ///   recordings this cut the median rotation error from 6–60° to about 1° in 6D
    ///   (`collis validate`).
    pub fn for_head(rate_hz: f64, use_mag: bool, bias_rad_s: Option<[f64; 3]>) -> Self {
        let mut params = vqf_rs::Params {
            mag_new_min_gyr: 0.0,
            ..Default::default()
        };
        if bias_rad_s.is_some() {
            params.motion_bias_est_enabled = false;
            params.rest_bias_est_enabled = false;
        }
        // Without a magnetometer there is nothing to reject, and VQF would still low-pass the
        // gyroscope every sample for it.
        params.mag_dist_rejection_enabled = use_mag;
        let mut o = Self::with_params(rate_hz, use_mag, Some(params));
        if let Some(b) = bias_rad_s {
            o.vqf.set_bias_estimate(b, Some(BIAS_SIGMA_DPS));
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::Vector3;

    #[test]
    fn bias_regression_ignores_zero_mean_sway() {
        let mut r = BiasRegression::default();
        let bias = [0.01, -0.02, 0.005];
        for i in 0..700 {
            // Late in a long recording, to check the conditioning.
            let t = 7200.0 + i as f64 / 100.0;
            // Sway of 0.25° at 0.7 Hz on top of the bias.
            let sway = 0.25f64.to_radians()
                * 2.0
                * std::f64::consts::PI
                * 0.7
                * (2.0 * std::f64::consts::PI * 0.7 * t).cos();
            r.push(&ImuSample {
                time_s: t,
                gyr_rad_s: [bias[0] + sway, bias[1], bias[2] - sway],
                acc_m_s2: [0.0, 0.0, 9.81],
                mag: None,
            });
        }
        let b = r.bias().unwrap();
        // A plain mean of the rate would be off by the net sway angle over the segment:
        // 0.25° × |sin(2π·0.7·6.99)| / 6.99 s ≈ 4e-4 rad/s here; the slope is off by less.
        for i in 0..3 {
            assert!((b[i] - bias[i]).abs() < 2.5e-4, "{b:?}");
        }
        assert!((b[1] - bias[1]).abs() < 1e-12);
    }

    #[test]
    fn at_rest_the_sensor_z_axis_points_up() {
        let mut o = Orientation::new(100.0, false);
        let mut q = UnitQuaternion::identity();
        // Sensor tilted: gravity reaction along (0, sin 30°, cos 30°).
        let a = 30f64.to_radians();
        for i in 0..2000 {
            q = o.update(&ImuSample {
                time_s: i as f64 / 100.0,
                gyr_rad_s: [0.0; 3],
                acc_m_s2: [0.0, 9.81 * a.sin(), 9.81 * a.cos()],
                mag: None,
            });
        }
        let up_in_earth = q * Vector3::new(0.0, a.sin(), a.cos());
        assert!((up_in_earth - Vector3::z()).norm() < 1e-3);
    }
}
