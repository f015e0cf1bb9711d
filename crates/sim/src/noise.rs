//! Sensor errors (seeded): white noise on every channel, a constant bias per axis on the
//! gyroscope and accelerometer, and a slow random walk of the gyroscope bias. Every term is
//! multiplied by `noise_scale` (0 = ideal sensors); the random draws do not depend on it.

use crate::physics::Reading;
use nalgebra::Vector3;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

/// Gyroscope white noise, rad/s.
const GYR_WHITE: f64 = 0.004;
/// Gyroscope constant bias (per axis, standard deviation), rad/s.
const GYR_BIAS: f64 = 0.01;
/// Gyroscope bias random walk, rad/s/√s (≈ 124 °/h/√h): the bias wanders ≈ 0.006 °/s in two
/// minutes. Still pessimistic for current consumer MEMS gyroscopes, whose bias drifts by a few
/// °/h; 1e-4 (the first value here) made the simulated sensor ten times worse than that.
const GYR_BIAS_WALK: f64 = 1e-5;
/// Accelerometer white noise, m/s².
const ACC_WHITE: f64 = 0.03;
/// Accelerometer constant bias (per axis, standard deviation), m/s².
const ACC_BIAS: f64 = 0.05;
/// Magnetometer white noise, µT.
const MAG_WHITE: f64 = 0.4;

#[derive(Debug, Clone)]
pub struct SensorErrors {
    rng: ChaCha8Rng,
    scale: f64,
    /// Random-walk step per sample, rad/s.
    walk_step: f64,
    gyr_bias: Vector3<f64>,
    acc_bias: Vector3<f64>,
}

impl SensorErrors {
    /// `gyr_bias_dps`: a bias of this size per axis (signs as drawn) instead of the drawn one.
    pub fn new(mut rng: ChaCha8Rng, scale: f64, rate_hz: f64, gyr_bias_dps: Option<f64>) -> Self {
        let mut gyr_bias = GYR_BIAS * normal3(&mut rng);
        if let Some(b) = gyr_bias_dps {
            gyr_bias = gyr_bias.map(|g| b.to_radians().copysign(g));
        }
        let acc_bias = ACC_BIAS * normal3(&mut rng);
        SensorErrors {
            rng,
            scale,
            walk_step: GYR_BIAS_WALK / rate_hz.sqrt(),
            gyr_bias,
            acc_bias,
        }
    }

    /// `ideal` with this sensor's errors for the next sample.
    pub fn apply(&mut self, ideal: &Reading) -> Reading {
        self.gyr_bias += self.walk_step * normal3(&mut self.rng);
        let gyr = ideal.gyr + self.scale * (self.gyr_bias + GYR_WHITE * normal3(&mut self.rng));
        let acc = ideal.acc + self.scale * (self.acc_bias + ACC_WHITE * normal3(&mut self.rng));
        let mag = ideal.mag + self.scale * MAG_WHITE * normal3(&mut self.rng);
        Reading { gyr, acc, mag }
    }
}

fn normal3(rng: &mut impl Rng) -> Vector3<f64> {
    Vector3::from_fn(|_, _| rng.sample(StandardNormal))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seeds::{rng, Stream};

    #[test]
    fn errors_have_the_specified_size_and_vanish_at_scale_zero() {
        let ideal = Reading {
            gyr: Vector3::zeros(),
            acc: Vector3::new(0.0, 0.0, 9.8),
            mag: Vector3::new(0.0, 19.0, -45.0),
        };
        let mut off = SensorErrors::new(rng(2, Stream::HeadNoise), 0.0, 100.0, None);
        assert_eq!(off.apply(&ideal), ideal);

        let mut on = SensorErrors::new(rng(2, Stream::HeadNoise), 1.0, 100.0, None);
        let n = 4000;
        let readings: Vec<Reading> = (0..n).map(|_| on.apply(&ideal)).collect();
        let spread = |f: &dyn Fn(&Reading) -> f64| {
            let mean = readings.iter().map(f).sum::<f64>() / n as f64;
            let var = readings.iter().map(|r| (f(r) - mean).powi(2)).sum::<f64>() / n as f64;
            (mean, var.sqrt())
        };
        let (_, gyr_sd) = spread(&|r| r.gyr.x);
        let (acc_mean, acc_sd) = spread(&|r| r.acc.z);
        let (_, mag_sd) = spread(&|r| r.mag.y);
        assert!((gyr_sd / GYR_WHITE - 1.0).abs() < 0.1, "{gyr_sd}");
        assert!((acc_sd / ACC_WHITE - 1.0).abs() < 0.1, "{acc_sd}");
        assert!((mag_sd / MAG_WHITE - 1.0).abs() < 0.1, "{mag_sd}");
        assert!((acc_mean - 9.8).abs() < 4.0 * ACC_BIAS);
    }
}
