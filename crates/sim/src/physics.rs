//! Ideal inertial sensor model: the gyroscope, accelerometer and magnetometer readings of a
//! sensor that follows a continuous-time pose, by central differences of that pose.
//!
//! Earth frame ENU (x east, y north, z up). With `q` = sensor → earth:
//! - gyroscope: angular velocity in the sensor frame, `q̇ = ½ q ⊗ (0, ω_s)`;
//! - accelerometer: specific force `f_s = qᵀ (a + [0, 0, g])` (≈ +g on the upward axis at rest);
//! - magnetometer: `m_s = qᵀ m_earth`.

use nalgebra::{UnitQuaternion, Vector3};

/// Standard gravity, m/s².
pub const GRAVITY: f64 = 9.80665;
/// Time step of the orientation differences, seconds.
const ROTATION_STEP_S: f64 = 1e-5;
/// Time step of the position second difference, seconds.
const POSITION_STEP_S: f64 = 1e-4;

/// Where a sensor is and how it is turned.
#[derive(Debug, Clone, Copy)]
pub struct Pose {
    /// Sensor → earth.
    pub orientation: UnitQuaternion<f64>,
    /// Position in the earth frame, metres.
    pub position_m: Vector3<f64>,
}

/// One set of sensor readings, in the sensor frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    /// rad/s.
    pub gyr: Vector3<f64>,
    /// m/s².
    pub acc: Vector3<f64>,
    /// Same unit as the field (µT).
    pub mag: Vector3<f64>,
}

/// Error-free readings at `t` of a sensor following `pose`, in the earth-frame magnetic field
/// `field_earth`. The steps actually taken (`(t + h) − t`) are used, so the differences stay
/// accurate at large `t`.
pub fn ideal(pose: impl Fn(f64) -> Pose, field_earth: Vector3<f64>, t: f64) -> Reading {
    let now = pose(t);
    let to_sensor = now.orientation.inverse();

    // ω_s from the relative rotations to the neighbouring instants (second-order accurate).
    let (t_after, t_before) = (t + ROTATION_STEP_S, t - ROTATION_STEP_S);
    let ahead = (to_sensor * pose(t_after).orientation).scaled_axis();
    let behind = (to_sensor * pose(t_before).orientation).scaled_axis();
    let gyr = (ahead - behind) / (t_after - t_before);

    // Linear acceleration: non-uniform central second difference of the position.
    let (t_after, t_before) = (t + POSITION_STEP_S, t - POSITION_STEP_S);
    let (h_after, h_before) = (t_after - t, t - t_before);
    let p = now.position_m;
    let velocity_after = (pose(t_after).position_m - p) / h_after;
    let velocity_before = (p - pose(t_before).position_m) / h_before;
    let accel = 2.0 * (velocity_after - velocity_before) / (h_after + h_before);

    Reading {
        gyr,
        acc: to_sensor * (accel + Vector3::new(0.0, 0.0, GRAVITY)),
        mag: to_sensor * field_earth,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use collis_core::Mounting;

    fn still(orientation: UnitQuaternion<f64>) -> impl Fn(f64) -> Pose {
        move |_| Pose {
            orientation,
            position_m: Vector3::new(0.0, 0.0, 0.7),
        }
    }

    #[test]
    fn at_rest_the_accelerometer_reads_g_upward_in_the_sensor_frame() {
        let field = Vector3::new(0.0, 19.0, -45.0);
        for (mounting, up) in [
            ("x=forward,y=left,z=up", [0.0, 0.0, GRAVITY]),
            ("x=back,y=up,z=left", [0.0, GRAVITY, 0.0]),
            ("x=down,y=left,z=forward", [-GRAVITY, 0.0, 0.0]),
        ] {
            let q = mounting.parse::<Mounting>().unwrap().sensor_to_head();
            let r = ideal(still(q), field, 3.0);
            assert!(
                (r.acc - Vector3::from(up)).norm() < 1e-9,
                "{mounting}: {:?}",
                r.acc
            );
            assert!(r.gyr.norm() < 1e-9);
            assert!((r.mag.norm() - field.norm()).abs() < 1e-9);
        }
    }

    #[test]
    fn a_turning_lever_arm_feels_the_centripetal_acceleration() {
        // Sensor 0.2 m from a vertical axis turning at 2 rad/s: the accelerometer sees
        // ω² r = 0.8 m/s² toward the axis, the gyroscope 2 rad/s about its z.
        let rate = 2.0;
        let pose = |t: f64| {
            let orientation = UnitQuaternion::from_axis_angle(&Vector3::z_axis(), rate * t);
            Pose {
                orientation,
                position_m: orientation * Vector3::new(0.2, 0.0, 0.0),
            }
        };
        let r = ideal(pose, Vector3::zeros(), 1000.0);
        assert!(
            (r.gyr - Vector3::new(0.0, 0.0, rate)).norm() < 1e-6,
            "{:?}",
            r.gyr
        );
        let expected = Vector3::new(-rate * rate * 0.2, 0.0, GRAVITY);
        assert!((r.acc - expected).norm() < 1e-5, "{:?}", r.acc);
    }
}
