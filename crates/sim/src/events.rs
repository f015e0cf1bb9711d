//! Discrete movement events — jerks, bouts of tics, spasms, voluntary turns and nodding — as
//! shapes in time, and their random, non-rhythmic, non-overlapping placement on a timeline.

use crate::signals::{plateau, raised_cosine};
use collis_core::Axis;
use rand::seq::SliceRandom;
use rand::Rng;
use std::f64::consts::TAU;

/// What an event stands for (what the truth reports it as).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Jerk,
    Spasm,
    Voluntary,
}

/// The time course of an event, with its own timing.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// Raised-cosine out-and-back excursion (a jerk).
    Pulse { duration_s: f64 },
    /// `count` identical pulses, one every `interval_s` (a bout of stereotyped tics).
    Train {
        duration_s: f64,
        count: usize,
        interval_s: f64,
    },
    /// Smooth rise, hold, smooth fall (a spasm, a voluntary turn).
    Plateau {
        rise_s: f64,
        hold_s: f64,
        fall_s: f64,
    },
    /// Oscillation under a plateau envelope (a bout of voluntary nodding).
    Oscillation { hz: f64, ramp_s: f64, hold_s: f64 },
}

#[derive(Debug, Clone, Copy)]
pub struct Event {
    pub kind: Kind,
    pub axis: Axis,
    /// Signed peak excursion, degrees (clinical signs).
    pub amplitude_deg: f64,
    pub shape: Shape,
    /// Set by [`Timeline::schedule`].
    pub start_s: f64,
}

impl Event {
    pub fn new(kind: Kind, axis: Axis, amplitude_deg: f64, shape: Shape) -> Self {
        Event {
            kind,
            axis,
            amplitude_deg,
            shape,
            start_s: 0.0,
        }
    }

    pub fn duration_s(&self) -> f64 {
        match self.shape {
            Shape::Pulse { duration_s } => duration_s,
            Shape::Train {
                duration_s,
                count,
                interval_s,
            } => (count.max(1) - 1) as f64 * interval_s + duration_s,
            Shape::Plateau {
                rise_s,
                hold_s,
                fall_s,
            } => rise_s + hold_s + fall_s,
            Shape::Oscillation { ramp_s, hold_s, .. } => 2.0 * ramp_s + hold_s,
        }
    }

    /// `(start_s, duration_s)` of each out-and-back pulse of a jerk or a bout (empty for
    /// sustained shapes).
    pub fn pulses(&self) -> Vec<(f64, f64)> {
        match self.shape {
            Shape::Pulse { duration_s } => vec![(self.start_s, duration_s)],
            Shape::Train {
                duration_s,
                count,
                interval_s,
            } => (0..count)
                .map(|k| (self.start_s + k as f64 * interval_s, duration_s))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Excursion on [`Event::axis`] at time `t`, degrees (0 outside the event).
    fn value(&self, t: f64) -> f64 {
        let s = t - self.start_s;
        let unit = match self.shape {
            Shape::Pulse { duration_s } => raised_cosine(s / duration_s),
            Shape::Train {
                duration_s,
                count,
                interval_s,
            } => {
                let k = (s / interval_s)
                    .floor()
                    .clamp(0.0, (count.max(1) - 1) as f64);
                raised_cosine((s - k * interval_s) / duration_s)
            }
            Shape::Plateau {
                rise_s,
                hold_s,
                fall_s,
            } => plateau(s, rise_s, hold_s, fall_s),
            Shape::Oscillation { hz, ramp_s, hold_s } => {
                plateau(s, ramp_s, hold_s, ramp_s) * (TAU * hz * s).sin()
            }
        };
        self.amplitude_deg * unit
    }
}

/// Events sorted by start time, separated by at least the scheduling gap.
#[derive(Debug, Clone, Default)]
pub struct Timeline(Vec<Event>);

impl Timeline {
    /// Places `events` at random inside `window` = [start, end] s with at least `gap_s` between
    /// one event's end and the next one's start (and before the window's end). Events that do
    /// not fit are dropped from the end of the list, so callers list the essential ones first.
    /// The order is shuffled and the free time is spread by sorted uniform offsets, which gives
    /// irregular, non-rhythmic intervals.
    pub fn schedule(
        rng: &mut impl Rng,
        window: [f64; 2],
        gap_s: f64,
        mut events: Vec<Event>,
    ) -> Self {
        let length = window[1] - window[0];
        let mut used = 0.0;
        let fitting = events
            .iter()
            .take_while(|e| {
                used += e.duration_s() + gap_s;
                used <= length
            })
            .count();
        events.truncate(fitting);
        let used: f64 = events.iter().map(|e| e.duration_s() + gap_s).sum();
        events.shuffle(rng);
        let mut offsets: Vec<f64> = events
            .iter()
            .map(|_| rng.random_range(0.0..=1.0) * (length - used))
            .collect();
        offsets.sort_by(f64::total_cmp);
        let mut occupied = 0.0;
        for (event, offset) in events.iter_mut().zip(offsets) {
            event.start_s = window[0] + offset + occupied;
            occupied += event.duration_s() + gap_s;
        }
        Timeline(events)
    }

    pub fn events(&self) -> &[Event] {
        &self.0
    }

    /// Angle contributions `[rotation, tilt, flexion]` at time `t`, degrees (O(log n)).
    pub fn at(&self, t: f64) -> [f64; 3] {
        let mut out = [0.0; 3];
        let next = self.0.partition_point(|e| e.start_s <= t);
        if let Some(event) = next.checked_sub(1).map(|i| &self.0[i]) {
            out[event.axis as usize] = event.value(t);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seeds::{rng, Stream};

    fn jerk(duration_s: f64) -> Event {
        Event::new(
            Kind::Jerk,
            Axis::Rotation,
            10.0,
            Shape::Pulse { duration_s },
        )
    }

    #[test]
    fn scheduled_events_keep_their_gap_and_window() {
        let events = (0..40).map(|k| jerk(0.08 + 0.004 * k as f64)).collect();
        let timeline =
            Timeline::schedule(&mut rng(9, Stream::Trajectory), [10.0, 100.0], 1.5, events);
        let e = timeline.events();
        assert!(e.len() > 30 && e.len() <= 40);
        assert!(e[0].start_s >= 10.0);
        assert!(e.last().map(|l| l.start_s + l.duration_s()) <= Some(98.5));
        for pair in e.windows(2) {
            assert!(pair[1].start_s - (pair[0].start_s + pair[0].duration_s()) >= 1.5 - 1e-9);
        }
        // The peak of an event is its amplitude, reached mid-pulse; nothing between events.
        let first = &e[0];
        let mid = first.start_s + 0.5 * first.duration_s();
        assert!((timeline.at(mid)[0] - 10.0).abs() < 1e-9);
        assert_eq!(
            timeline.at(first.start_s + first.duration_s() + 0.5),
            [0.0; 3]
        );
        assert_eq!(timeline.at(0.0), [0.0; 3]);
    }
}
