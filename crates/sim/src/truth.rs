//! The truth of a simulation: what a perfect measurement of the recording should report —
//! head-on-trunk angles relative to neutral, posture medians, tremor, jerks and spasms.

use crate::events::Kind;
use crate::field::MagneticField;
use crate::patterns;
use crate::SimOptions;
use collis_core::Axis;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Truth {
    pub profile: String,
    pub seed: u64,
    /// Head sensor mounting, e.g. "x=forward,y=left,z=up".
    pub mounting: String,
    pub duration_s: f64,
    pub rate_hz: f64,
    /// Reference segment `[start, end]` s to pass as `--neutral` (head-on-trunk ≈ 0, 0, 0).
    pub neutral_s: [f64; 2],
    /// `[rotation, tilt, flexion]`: medians of the true head-on-trunk angles after the
    /// transition, degrees (0 when the recording ends before).
    pub posture_median_deg: [f64; 3],
    pub tremor: Option<TruthTremor>,
    pub jerks: Vec<TruthJerk>,
    pub spasms: Vec<TruthSpasm>,
    /// The sensory trick's effect, when one was simulated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trick: Option<TruthTrick>,
    /// `[start, end]` s of the magnetic disturbance, when simulated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mag_disturbance_s: Option<[f64; 2]>,
    /// `[time_s, rotation, tilt, flexion]` true head-on-trunk angles (degrees) per sample.
    #[serde(skip)]
    pub angles: Vec<[f64; 4]>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TruthTremor {
    /// Main axis of the tremor.
    pub axis: Axis,
    /// Mean instantaneous frequency after the transition, Hz.
    pub frequency_hz: f64,
    /// Sinusoid-equivalent amplitude, √2 × RMS of the true tremor component on `axis` after
    /// the transition, degrees.
    pub amplitude_deg: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TruthJerk {
    /// Start, seconds.
    pub time_s: f64,
    pub duration_s: f64,
    pub axis: Axis,
    /// Signed peak excursion from the pre-event posture, degrees.
    pub amplitude_deg: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TruthSpasm {
    pub start_s: f64,
    /// Onset + hold + offset, seconds.
    pub duration_s: f64,
    pub axis: Axis,
    /// Signed sustained excursion from the baseline posture, degrees.
    pub amplitude_deg: f64,
}

/// What a perfect measurement of a simulated sensory trick finds, on the axis of the largest
/// deviation: medians of the true angle in the 10 s before the onset and from 1 s after the
/// onset to the end (as `collis analyze --trick` defines them), and the time from onset that
/// the true angle stays within halfway between the two.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TruthTrick {
    pub start_s: f64,
    pub end_s: f64,
    pub axis: Axis,
    pub before_deg: f64,
    pub during_deg: f64,
    pub relief_percent: f64,
    pub benefit_s: f64,
}

fn trick_truth(angles: &[[f64; 4]], start_s: f64, end_s: f64) -> TruthTrick {
    let window = |a: f64, b: f64, i: usize| -> Vec<f64> {
        angles
            .iter()
            .filter(|r| r[0] >= a && r[0] < b)
            .map(|r| r[i])
            .collect()
    };
    let axis = Axis::ALL
        .into_iter()
        .max_by(|a, b| {
            let dev = |x: Axis| median(window(start_s - 10.0, start_s, x as usize + 1)).abs();
            dev(*a).total_cmp(&dev(*b))
        })
        .unwrap_or(Axis::Rotation);
    let i = axis as usize + 1;
    let before_deg = median(window(start_s - 10.0, start_s, i));
    let during_deg = median(window(start_s + 1.0, end_s + 1e-9, i));
    let half = (before_deg - during_deg).abs() / 2.0;
    let within: Vec<f64> = angles
        .iter()
        .filter(|r| r[0] >= start_s)
        .take_while(|r| r[0] < start_s + 2.0 || (r[i] - during_deg).abs() <= half)
        .filter(|r| (r[i] - during_deg).abs() <= half)
        .map(|r| r[0])
        .collect();
    let benefit_s = match (within.first(), within.last()) {
        (Some(a), Some(b)) => b - a,
        _ => 0.0,
    };
    TruthTrick {
        start_s,
        end_s,
        axis,
        before_deg,
        during_deg,
        relief_percent: 100.0 * (before_deg.abs() - during_deg.abs()) / before_deg.abs().max(1e-9),
        benefit_s,
    }
}

/// The truth of the simulation `opts` (no sensor samples are generated).
pub fn truth(opts: &SimOptions) -> Truth {
    let trajectory = patterns::trajectory(opts);
    let angles: Vec<[f64; 4]> = (0..opts.sample_count())
        .map(|k| {
            let t = opts.sample_time(k);
            let [rotation, tilt, flexion] = trajectory.angles(t);
            [t, rotation, tilt, flexion]
        })
        .collect();
    let pattern_start = trajectory.pattern_start_s();
    let analysed = || angles.iter().filter(|row| row[0] >= pattern_start);

    let posture_median_deg =
        std::array::from_fn(|i| median(analysed().map(|row| row[i + 1]).collect()));

    let tremor = trajectory.tremor.as_ref().map(|tremor| {
        let (mut count, mut sum_sq, mut sum_hz) = (0.0, 0.0, 0.0);
        for row in analysed() {
            count += 1.0;
            sum_sq += tremor.oscillator.value(row[0]).powi(2);
            sum_hz += tremor.oscillator.frequency_hz(row[0]);
        }
        let count = f64::max(count, 1.0);
        TruthTremor {
            axis: tremor.axis,
            frequency_hz: sum_hz / count,
            amplitude_deg: (2.0 * sum_sq / count).sqrt(),
        }
    });

    let events = trajectory.timeline.events();
    let of_kind = |kind| events.iter().filter(move |e| e.kind == kind);
    let jerks = of_kind(Kind::Jerk)
        .flat_map(|e| {
            e.pulses()
                .into_iter()
                .map(|(time_s, duration_s)| TruthJerk {
                    time_s,
                    duration_s,
                    axis: e.axis,
                    amplitude_deg: e.amplitude_deg,
                })
        })
        .collect();
    let spasms = of_kind(Kind::Spasm)
        .map(|e| TruthSpasm {
            start_s: e.start_s,
            duration_s: e.duration_s(),
            axis: e.axis,
            amplitude_deg: e.amplitude_deg,
        })
        .collect();

    let margin = 0.5_f64.min(opts.neutral_s / 4.0);
    Truth {
        profile: opts.profile.name().to_string(),
        seed: opts.seed,
        mounting: opts.mounting.to_string(),
        duration_s: opts.duration_s,
        rate_hz: opts.rate_hz,
        neutral_s: [margin, opts.neutral_s - margin],
        posture_median_deg,
        tremor,
        jerks,
        spasms,
        mag_disturbance_s: MagneticField::new(opts).disturbance_s(),
        trick: opts.trick.map(|r| trick_truth(&angles, r.start_s, r.end_s)),
        angles,
    }
}

/// Median of `values` (0 when empty), by selection rather than a full sort.
fn median(mut values: Vec<f64>) -> f64 {
    let n = values.len();
    if n == 0 {
        return 0.0;
    }
    let (below, &mut middle, _) = values.select_nth_unstable_by(n / 2, f64::total_cmp);
    if n % 2 == 1 {
        middle
    } else {
        let lower = below.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        0.5 * (lower + middle)
    }
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn median_of_odd_even_and_empty() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(Vec::new()), 0.0);
    }
}
