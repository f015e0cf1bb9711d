//! Live head angles for biofeedback: the same orientation and head-angle stages as a file,
//! one sample at a time, referenced to a neutral hold at the start of the session.
//!
//! A live session starts with the patient holding the head in neutral (or in the therapist's
//! target posture) for [`LiveConfig::calibration_s`]; the mean head orientation over that
//! hold becomes the reference, exactly as `--neutral START:END` does for a file. From then on
//! every sample gives clinical angles and a feedback cue ([`crate::feedback`]). A running
//! [`Analyzer`] over the same angles gives the tremor and hold figures for display at any time.
//! A head sensor cannot tell where the patient's true neutral is: a patient held in a turn
//! reads 0° when the hold is the reference. What it can tell is the hold's tilt and flexion
//! against gravity, as far as the sensor sits on the head as its mounting says
//! ([`LiveHead::hold_level_deg`]); beyond the feedback zone the session says so in words
//! ([`hold_level_warning`]), so the therapist and the patient know the angles are measured
//! from a posture that was not upright.
//!
//! The session's results are the offline analysis of its buffered samples
//! ([`crate::results::analyze_samples`] with the calibration hold as the neutral segment), so a
//! saved live session reads the same as the file it is saved as.

use crate::analyzer::{Analysis, AnalysisConfig, Analyzer};
use crate::feedback::{Cue, FeedbackSettings};
use crate::head_angles::{HeadAngleStage, QuatMean};
use crate::orientation::Orientation;
use collis_core::results::Task;
use collis_core::{angles_from_head_quat, AngleSample, Axis, ImuSample, Mounting};

/// Default neutral hold at the start of a live session, seconds.
pub const DEFAULT_CALIBRATION_S: f64 = 3.0;

/// How a live head-sensor stream is read.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveConfig {
    pub rate_hz: f64,
    pub use_mag: bool,
    pub mounting: Mounting,
    /// Seconds of neutral hold at the start that become the reference.
    pub calibration_s: f64,
    pub feedback: FeedbackSettings,
    pub task: Task,
}

impl LiveConfig {
    pub fn new(rate_hz: f64) -> Self {
        LiveConfig {
            rate_hz,
            use_mag: true,
            mounting: Mounting::default(),
            calibration_s: DEFAULT_CALIBRATION_S,
            feedback: FeedbackSettings::default(),
            task: Task::Exercise,
        }
    }

    /// The neutral segment of a session whose first sample is at `start_s`.
    pub fn neutral_s(&self, start_s: f64) -> [f64; 2] {
        [start_s, start_s + self.calibration_s]
    }
}

/// What one live sample gives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LiveOutput {
    /// Still in the neutral hold; `remaining_s` to go.
    Calibrating { time_s: f64, remaining_s: f64 },
    /// Angles relative to the neutral hold, and the cue.
    Angles { sample: AngleSample, cue: Cue },
}

/// One live head-sensor session.
pub struct LiveHead {
    cfg: LiveConfig,
    orientation: Orientation,
    stage: HeadAngleStage,
    neutral: QuatMean,
    start_s: Option<f64>,
    calibrated: bool,
    hold_level_deg: Option<[f64; 2]>,
    analyzer: Analyzer,
}

impl LiveHead {
    pub fn new(cfg: LiveConfig) -> Self {
        LiveHead {
            orientation: Orientation::for_head(cfg.rate_hz, cfg.use_mag, None),
            stage: HeadAngleStage::new(&cfg.mounting, &Mounting::default()),
            neutral: QuatMean::default(),
            start_s: None,
            calibrated: false,
            hold_level_deg: None,
            analyzer: Analyzer::new(AnalysisConfig {
                rate_hz: cfg.rate_hz,
                rotation_referenced: true,
                exclude_s: None,
                task: cfg.task,
            }),
            cfg,
        }
    }

    pub fn config(&self) -> &LiveConfig {
        &self.cfg
    }

    /// Time of the first sample, once there was one.
    pub fn start_s(&self) -> Option<f64> {
        self.start_s
    }

    /// Change the feedback settings mid-session (the therapist moves the target).
    pub fn set_feedback(&mut self, feedback: FeedbackSettings) {
        self.cfg.feedback = feedback;
    }

    /// Feed one sample, in time order.
    #[inline]
    pub fn push(&mut self, s: &ImuSample) -> LiveOutput {
        let start = *self.start_s.get_or_insert(s.time_s);
        let q = self.orientation.update(s);
        let head = self.stage.head_orientation(&q, None);
        if !self.calibrated {
            let remaining_s = start + self.cfg.calibration_s - s.time_s;
            if remaining_s > 0.0 {
                self.neutral.push(&head);
                return LiveOutput::Calibrating {
                    time_s: s.time_s,
                    remaining_s,
                };
            }
            if let Some(n) = self.neutral.mean() {
                let level = angles_from_head_quat(&n);
                self.hold_level_deg = Some([level.tilt_deg, level.flexion_deg]);
                self.stage.set_neutral(n);
            }
            self.calibrated = true;
        }
        let sample = self.stage.angles(s.time_s, &head);
        self.analyzer.push(&sample);
        LiveOutput::Angles {
            sample,
            cue: self.cfg.feedback.cue(&sample.angles_deg),
        }
    }

    /// The head's `[tilt, flexion]` against gravity during the neutral hold, degrees, as far as
    /// the sensor sits on the head as its mounting says; `None` until the hold is over.
    pub fn hold_level_deg(&self) -> Option<[f64; 2]> {
        self.hold_level_deg
    }

    /// Every analysis of the angles so far (after the neutral hold), for display.
    pub fn snapshot(&self) -> Analysis {
        self.analyzer.snapshot()
    }
}

/// Words for a neutral hold that was not level: its tilt or flexion against gravity beyond the
/// feedback zone ([`crate::feedback::DEFAULT_ZONE_DEG`], TWSTRS's 10°: Consky & Lang 1994,
/// clinical.md), with the sensor's fit as its uncertainty; `None` when level within it.
pub fn hold_level_warning(level_deg: [f64; 2]) -> Option<String> {
    let off: Vec<String> = [(Axis::Tilt, level_deg[0]), (Axis::Flexion, level_deg[1])]
        .into_iter()
        .filter(|(_, v)| v.abs() > crate::feedback::DEFAULT_ZONE_DEG)
        .map(|(axis, v)| axis.posture_words(v))
        .collect();
    (!off.is_empty()).then(|| {
        format!(
            "At the start the head was not upright against gravity: {} (as the sensor sits on the head, give or take a few degrees). The angles are measured from that posture: if it is not the patient's neutral, start again with the head held upright, or set a target.",
            off.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use collis_core::{head_quat_from_angles, HeadAngles};
    use nalgebra::{UnitQuaternion, Vector3};

    /// A still sensor (x forward, y left, z up) whose head is at `angles` in ENU.
    fn still(time_s: f64, angles: HeadAngles) -> ImuSample {
        let q: UnitQuaternion<f64> = head_quat_from_angles(&angles);
        let g = q.inverse() * Vector3::new(0.0, 0.0, 9.81);
        let m = q.inverse() * Vector3::new(0.0, 20.0, -40.0);
        ImuSample {
            time_s,
            gyr_rad_s: [0.0; 3],
            acc_m_s2: [g.x, g.y, g.z],
            mag: Some([m.x, m.y, m.z]),
        }
    }

    #[test]
    fn calibrates_on_the_hold_then_measures_against_it() {
        let mut live = LiveHead::new(LiveConfig::new(100.0));
        let tilted = HeadAngles {
            rotation_deg: 0.0,
            tilt_deg: 5.0,
            flexion_deg: -4.0,
        };
        let mut last = None;
        for i in 0..=300 {
            match live.push(&still(i as f64 / 100.0, tilted)) {
                LiveOutput::Calibrating { remaining_s, .. } => assert!(remaining_s > 0.0),
                out => {
                    assert_eq!(i, 300, "calibrating until 3 s");
                    last = Some(out);
                }
            }
        }
        // The hold's level against gravity is known, within the zone: no warning.
        let [tilt, flexion] = live.hold_level_deg().unwrap();
        assert!(
            (tilt - 5.0).abs() < 1.0 && (flexion + 4.0).abs() < 1.0,
            "{tilt} {flexion}"
        );
        assert!(hold_level_warning([tilt, flexion]).is_none());
        // After the hold at 5° tilt / −4° flexion, the same posture reads as neutral.
        let Some(LiveOutput::Angles { sample, cue }) = last else {
            panic!("no angles after the hold")
        };
        assert!(
            sample.angles_deg.iter().all(|a| a.abs() < 0.5),
            "{sample:?}"
        );
        assert!(cue.in_zone);
        // Gravity-only heads: tilt by 20° more and hold; VQF converges within seconds.
        let more = HeadAngles {
            tilt_deg: 25.0,
            ..tilted
        };
        let mut out = None;
        for i in 301..1300 {
            out = Some(live.push(&still(i as f64 / 100.0, more)));
        }
        let Some(LiveOutput::Angles { sample, cue }) = out else {
            panic!()
        };
        assert!((sample.angles_deg[1] - 20.0).abs() < 1.0, "{sample:?}");
        assert!(!cue.in_zone && cue.worst_axis == collis_core::Axis::Tilt);
        assert!(live.snapshot().measurements.neutral_hold.time_within_s < 10.0);
    }

    #[test]
    fn a_hold_tilted_against_gravity_is_told_in_words() {
        let mut live = LiveHead::new(LiveConfig::new(100.0));
        let held = HeadAngles {
            rotation_deg: 0.0,
            tilt_deg: 18.0,
            flexion_deg: -12.0,
        };
        for i in 0..=300 {
            live.push(&still(i as f64 / 100.0, held));
        }
        let level = live.hold_level_deg().unwrap();
        assert!(
            (level[0] - 18.0).abs() < 1.0 && (level[1] + 12.0).abs() < 1.0,
            "{level:?}"
        );
        let w = hold_level_warning(level).unwrap();
        assert!(
            w.contains("toward the right shoulder (right laterocollis)") && w.contains("chin up"),
            "{w}"
        );
    }
}
