//! Orientation stage: IMU samples → sensor orientation (sensor frame → earth East-North-Up).
//!
//! A thin wrapper over `vqf-rs`, a port of VQF (Laidig & Seel, "VQF: Highly accurate IMU
//! orientation estimation with bias estimation and magnetic disturbance rejection",
//! Information Fusion 2023): gyroscope-bias estimation at rest and in motion, and rejection
//! of magnetic disturbances in 9D. Without a magnetometer (6D) the heading is arbitrary.

use collis_core::ImuSample;
use nalgebra::{Quaternion, UnitQuaternion};
use vqf_rs::VQF;

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
        let dt_nominal = 1.0 / rate_hz;
        Orientation {
            vqf: VQF::new(dt_nominal, None, None, None),
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
        UnitQuaternion::new_normalize(Quaternion::new(q.0, q.1, q.2, q.3))
    }

    /// True while VQF sees a magnetic disturbance (9D only).
    pub fn mag_disturbed(&self) -> bool {
        self.use_mag && self.vqf.mag_dist_detected()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::Vector3;

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
