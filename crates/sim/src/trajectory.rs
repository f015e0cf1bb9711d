//! Head-on-trunk trajectory: the clinical angles `[rotation, tilt, flexion]` (degrees, relative
//! to neutral) as a closed-form function of continuous time — neutral segment, smooth
//! transition, then posture, drift, tremor and events, with physiological sway throughout.

use crate::events::Timeline;
use crate::signals::{smooth_step, Sines};
use crate::tremor::Oscillator;
use collis_core::Axis;

/// Length of the smooth transition from neutral to the pattern, seconds.
pub const TRANSITION_S: f64 = 2.0;

/// A tremor and how it projects on the three axes.
#[derive(Debug, Clone, Copy)]
pub struct Tremor {
    pub oscillator: Oscillator,
    /// Main axis (gain 1).
    pub axis: Axis,
    /// Gain per axis `[rotation, tilt, flexion]`.
    pub gains: [f64; 3],
}

#[derive(Debug, Clone)]
pub struct Trajectory {
    /// End of the neutral segment (start of the transition), seconds.
    pub neutral_s: f64,
    /// Baseline posture reached after the transition, degrees.
    pub posture: [f64; 3],
    /// Slow posture drift per axis, degrees.
    pub drift: [Sines; 3],
    /// Physiological sway per axis, degrees (also during the neutral segment).
    pub sway: [Sines; 3],
    pub tremor: Option<Tremor>,
    pub timeline: Timeline,
}

impl Trajectory {
    /// Start of the pattern (end of the transition), seconds.
    pub fn pattern_start_s(&self) -> f64 {
        self.neutral_s + TRANSITION_S
    }

    /// Clinical angles `[rotation, tilt, flexion]` at time `t`, degrees.
    pub fn angles(&self, t: f64) -> [f64; 3] {
        let onset = smooth_step((t - self.neutral_s) / TRANSITION_S);
        let tremor = self
            .tremor
            .as_ref()
            .map_or([0.0; 3], |tr| tr.gains.map(|g| g * tr.oscillator.value(t)));
        let events = self.timeline.at(t);
        std::array::from_fn(|i| {
            self.sway[i].value(t)
                + onset * (self.posture[i] + self.drift[i].value(t) + tremor[i])
                + events[i]
        })
    }
}
