//! Timed samples as they flow through the pipeline: raw IMU samples in SI units and
//! clinical head-angle samples in degrees.

use crate::Axis;

/// One inertial sample in the sensor's own frame, in SI units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImuSample {
    /// Seconds from the start of the recording.
    pub time_s: f64,
    /// Angular rate, rad/s.
    pub gyr_rad_s: [f64; 3],
    /// Specific force (gravity included), m/s².
    pub acc_m_s2: [f64; 3],
    /// Magnetic field in any consistent unit (µT in Collis files), if the sensor has one.
    pub mag: Option<[f64; 3]>,
}

/// Clinical head angles at one instant, degrees relative to the recording's reference.
///
/// Indexed by [`Axis`]: `angles_deg[Axis::Rotation as usize]` etc. When the recording has no
/// rotation reference, the rotation value is still a continuous angle (good for motion and
/// tremor) but its offset is arbitrary; posture figures then report rotation as `null`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AngleSample {
    pub time_s: f64,
    pub angles_deg: [f64; 3],
    /// 0–1; 1 for inertial sensors, the per-frame face confidence for video.
    pub confidence: f32,
}

impl AngleSample {
    pub fn get(&self, axis: Axis) -> f64 {
        self.angles_deg[axis as usize]
    }
}
