//! Head-on-trunk trajectory: the clinical angles `[rotation, tilt, flexion]` (degrees, relative
//! to neutral) as a closed-form function of continuous time — neutral segment, smooth
//! transition, then posture, drift, tremor, flowing movement and events, with physiological
//! sway throughout; a sensory trick, when simulated, relieves posture and tremor for a while.

use crate::events::Timeline;
use crate::signals::{plateau, smooth_step, Sines};
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
    /// Continuous random movement (chorea): layers of slow sinusoids per axis, degrees.
    pub flow: Vec<[Sines; 3]>,
    pub timeline: Timeline,
    pub relief: Option<Relief>,
}

/// A sensory trick applied from `start_s` to `end_s` whose benefit lasts `carry_s` longer:
/// posture, drift and tremor shrink by `fraction` (smooth 1-s onset, 1.5-s wear-off).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Relief {
    pub start_s: f64,
    pub end_s: f64,
    pub carry_s: f64,
    pub fraction: f64,
}

/// Onset and wear-off of a sensory trick's benefit, seconds.
pub const RELIEF_ONSET_S: f64 = 1.0;
pub const RELIEF_WEAR_OFF_S: f64 = 1.5;

impl Relief {
    /// Share of the posture and tremor left at `t` (1 without the trick).
    pub fn factor(&self, t: f64) -> f64 {
        let hold = (self.end_s + self.carry_s - self.start_s - RELIEF_ONSET_S).max(0.0);
        let on = plateau(t - self.start_s, RELIEF_ONSET_S, hold, RELIEF_WEAR_OFF_S);
        1.0 - self.fraction * on
    }
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
        let relief = self.relief.map_or(1.0, |r| r.factor(t));
        std::array::from_fn(|i| {
            let flow: f64 = self.flow.iter().map(|layer| layer[i].value(t)).sum();
            self.sway[i].value(t)
                + onset * (relief * (self.posture[i] + self.drift[i].value(t) + tremor[i]) + flow)
                + events[i]
        })
    }
}
