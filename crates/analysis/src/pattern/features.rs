//! The named features of a recording that the pattern rules read, each with what it measures
//! and its source. Pure: computed from the finished measurements and two accumulators
//! ([`TremorShapeAcc`], [`SlowMovementFigures`]).

use super::movement::{SlowMovementFigures, MOVING_DPS};
use crate::tremor_shape::TremorShapeAcc;
use collis_core::results::{Measurements, PatternFeature, Task};
use collis_core::Axis;

/// Events needed before stereotypy and clustering are computed.
pub const MIN_EVENTS: usize = 5;

/// Every feature, typed. `None`: the recording does not allow it.
#[derive(Debug, Clone, PartialEq)]
pub struct Features {
    pub analysed_s: f64,
    pub task: Task,
    pub rotation_referenced: bool,
    /// Axis with the largest absolute median angle (among referenced axes).
    pub posture_axis: Axis,
    /// Median angle on that axis, signed, degrees.
    pub posture_median_deg: f64,
    /// Deviation held ≥ 90 % of the time on that side: the smaller of |p5| and |p95| when
    /// both lie on the median's side of neutral, else 0, degrees.
    pub sustained_deviation_deg: f64,
    /// Share of time more than 10° from neutral.
    pub deviated_fraction: f64,
    /// Share of jerks and spasms in their most common axis and direction.
    pub event_direction_share: Option<f64>,
    pub tremor_present: bool,
    pub tremor_axis: Option<Axis>,
    pub tremor_amplitude_deg: Option<f64>,
    pub tremor_frequency_hz: Option<f64>,
    /// Share of band power within ±0.75 Hz of the peak (1 = sinusoidal).
    pub tremor_sinusoidality: Option<f64>,
    pub tremor_interval_cv: Option<f64>,
    pub tremor_peak_width_hz: Option<f64>,
    pub tremor_pc1_pc2_ratio: Option<f64>,
    /// Correlation of tremor amplitude with position on the posture axis (negative: the
    /// tremor fades toward the posture side when the median is positive).
    pub null_point_r: Option<f64>,
    pub null_point_slope_deg_per_10deg: Option<f64>,
    pub jerk_count: u64,
    pub jerk_rate_per_min: f64,
    pub jerk_median_duration_s: Option<f64>,
    pub jerk_stereotypy: Option<f64>,
    pub jerk_burstiness: Option<f64>,
    pub spasm_count: u64,
    pub moving_fraction: Option<f64>,
    pub slow_speed_rms_dps: Option<f64>,
    pub slow_principal_share: Option<f64>,
}

impl Features {
    pub fn new(
        m: &Measurements,
        shape: &TremorShapeAcc,
        slow: Option<SlowMovementFigures>,
        task: Task,
        rotation_referenced: bool,
    ) -> Self {
        let (posture_axis, stats) = Axis::ALL
            .into_iter()
            .filter_map(|a| m.posture.get(a).map(|s| (a, *s)))
            .max_by(|a, b| a.1.median.abs().total_cmp(&b.1.median.abs()))
            .map_or((Axis::Tilt, None), |(a, s)| (a, Some(s)));
        let (posture_median_deg, sustained_deviation_deg) = stats.map_or((0.0, 0.0), |s| {
            let same_side = s.p5 * s.median > 0.0 && s.p95 * s.median > 0.0;
            let held = if same_side {
                s.p5.abs().min(s.p95.abs())
            } else {
                0.0
            };
            (s.median, held)
        });
        let t = &m.tremor;
        let jerks = &m.jerks.events;
        let mut durations: Vec<f64> = jerks.iter().map(|j| j.duration_s).collect();
        let null_point = shape.null_point(posture_axis as usize);
        Features {
            analysed_s: m.posture.analysed_s,
            task,
            rotation_referenced,
            posture_axis,
            posture_median_deg,
            sustained_deviation_deg,
            deviated_fraction: m.neutral_hold.fraction_deviated,
            event_direction_share: direction_share(m),
            tremor_present: t.present,
            tremor_axis: t.axis,
            tremor_amplitude_deg: t.amplitude_deg,
            tremor_frequency_hz: t.frequency_hz,
            tremor_sinusoidality: t.axis.and_then(|a| {
                t.per_axis
                    .iter()
                    .find(|p| p.axis == a)
                    .map(|p| p.peak_power_fraction)
            }),
            tremor_interval_cv: t
                .regularity
                .map(|r| r.interval_cv)
                .filter(|v| v.is_finite()),
            tremor_peak_width_hz: t.regularity.map(|r| r.peak_width_hz),
            tremor_pc1_pc2_ratio: if t.present {
                shape.principal_ratio().map(|(r, _)| r)
            } else {
                None
            },
            null_point_r: t.present.then_some(null_point).flatten().map(|f| f.r),
            null_point_slope_deg_per_10deg: t
                .present
                .then_some(null_point)
                .flatten()
                .map(|f| f.slope_deg_per_10deg),
            jerk_count: m.jerks.count,
            jerk_rate_per_min: m.jerks.rate_per_min,
            jerk_median_duration_s: median(&mut durations),
            jerk_stereotypy: stereotypy(jerks),
            jerk_burstiness: burstiness(jerks.iter().map(|j| j.time_s)),
            spasm_count: m.spasms.count,
            moving_fraction: slow.map(|s| s.moving_fraction),
            slow_speed_rms_dps: slow.map(|s| s.rms_speed_dps),
            slow_principal_share: slow.map(|s| s.principal_share),
        }
    }

    /// Every feature with its unit and source, for the results.
    pub fn list(&self) -> Vec<PatternFeature> {
        let f = |name: &str, value: Option<f64>, unit: &str, source: &str| PatternFeature {
            name: name.to_string(),
            value,
            unit: unit.to_string(),
            source: source.to_string(),
        };
        let axis = |a: Option<Axis>| a.map(|a| a as usize as f64);
        vec![
            f("analysed_s", Some(self.analysed_s), "s", "length of the analysed recording (neutral segment excluded)"),
            f("posture_axis", Some(self.posture_axis as usize as f64), "0 rotation, 1 tilt, 2 flexion", "axis of the largest median deviation"),
            f("posture_median_deg", Some(self.posture_median_deg), "deg", "sustained directional posture: median angle on that axis (TWSTRS maximal excursion items, Consky & Lang 1994)"),
            f("sustained_deviation_deg", Some(self.sustained_deviation_deg), "deg", "deviation held ≥ 90 % of the time on the median's side (dystonic posture is sustained; clinical.md)"),
            f("deviated_fraction", Some(self.deviated_fraction), "1", "share of time > 10° from neutral (TWSTRS duration factor)"),
            f("event_direction_share", self.event_direction_share, "1", "directional preponderance: share of jerks and spasms in their most common axis and direction (dystonic movements are directional; clinical.md)"),
            f("tremor_present", Some(f64::from(u8::from(self.tremor_present))), "0/1", "tremor presence criterion (crates/analysis/src/tremor.rs)"),
            f("tremor_axis", axis(self.tremor_axis), "0 rotation, 1 tilt, 2 flexion", "main tremor axis (ET: no-no or yes-yes, Robakis & Louis 2016)"),
            f("tremor_amplitude_deg", self.tremor_amplitude_deg, "deg", "√2 × RMS of the 2–12 Hz band (clinical.md)"),
            f("tremor_frequency_hz", self.tremor_frequency_hz, "Hz", "spectral peak; ET 4–12 Hz, dystonic < 7 Hz (clinical.md)"),
            f("tremor_sinusoidality", self.tremor_sinusoidality, "1", "share of band power near the peak; dystonic tremor is less sinusoidal (Mov Disord 2025, doi 10.1002/mds.30322)"),
            f("tremor_interval_cv", self.tremor_interval_cv, "1", "CV of inter-peak intervals; dystonic tremor is less rhythmic (Mov Disord 2025)"),
            f("tremor_peak_width_hz", self.tremor_peak_width_hz, "Hz", "half-power width of the spectral peak (regularity)"),
            f("tremor_pc1_pc2_ratio", self.tremor_pc1_pc2_ratio, "1", "PC1/PC2 variance ratio of the band-passed angles; higher in dystonic tremor than ET (Gait & Posture 2023)"),
            f("null_point_r", self.null_point_r, "1", "correlation of tremor amplitude with position on the posture axis; needs positions that vary (clinical.md: dystonic tremor often has a null point)"),
            f("null_point_slope_deg_per_10deg", self.null_point_slope_deg_per_10deg, "deg per 10 deg", "change of tremor amplitude per 10° of head position"),
            f("jerk_count", Some(self.jerk_count as f64), "1", "jerks (crates/analysis/src/jerks.rs)"),
            f("jerk_rate_per_min", Some(self.jerk_rate_per_min), "1/min", "jerk rate"),
            f("jerk_median_duration_s", self.jerk_median_duration_s, "s", "myoclonic jerks are brief (≈ 100–250 ms movements, EMG 10–100 ms; clinical.md)"),
            f("jerk_stereotypy", self.jerk_stereotypy, "1", "similarity of repeated events: share of events in groups of the same axis and direction with consistent size and duration; tics are stereotyped (clinical.md)"),
            f("jerk_burstiness", self.jerk_burstiness, "-1…1", "clustering in time, (σ − μ)/(σ + μ) of inter-event intervals (Goh & Barabási 2008): 0 random, > 0 clustered; tics cluster (clinical.md)"),
            f("spasm_count", Some(self.spasm_count as f64), "1", "sustained spasms (crates/analysis/src/spasms.rs)"),
            f("moving_fraction", self.moving_fraction, "1", &format!("share of time the head moves faster than {MOVING_DPS} °/s below 2 Hz: chorea is continuous, flowing movement")),
            f("slow_speed_rms_dps", self.slow_speed_rms_dps, "deg/s", "RMS speed of movement below 2 Hz"),
            f("slow_principal_share", self.slow_principal_share, "1", "share of slow-movement variance on its principal axis (1/3 = no dominant axis, as in chorea)"),
        ]
    }
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        0.5 * (values[n / 2 - 1] + values[n / 2])
    })
}

/// Share of jerks and spasms in their most common (axis, direction).
fn direction_share(m: &Measurements) -> Option<f64> {
    let mut counts = [0usize; 6];
    let directions = m
        .jerks
        .events
        .iter()
        .map(|j| (j.axis, j.amplitude_deg))
        .chain(m.spasms.events.iter().map(|s| (s.axis, s.amplitude_deg)));
    let mut n = 0;
    for (axis, amplitude) in directions {
        counts[2 * axis as usize + usize::from(amplitude > 0.0)] += 1;
        n += 1;
    }
    (n >= MIN_EVENTS).then(|| *counts.iter().max().unwrap_or(&0) as f64 / n as f64)
}

/// Coefficient of variation at which a group's sizes and durations stop counting as
/// consistent (sum of the two CVs). Sets how alike repeated movements must be.
const STEREOTYPY_CV_LIMIT: f64 = 0.6;

/// Stereotypy of events: they are grouped by axis and direction; a group of ≥ 3 counts by its
/// consistency, 1 − (CV of amplitude + CV of duration) / 0.6 (floored at 0); the result is
/// the event-weighted mean. Identical repeated movements give 1; events of random axis,
/// direction, size and duration give ≈ 0.
fn stereotypy(events: &[collis_core::results::JerkEvent]) -> Option<f64> {
    if events.len() < MIN_EVENTS {
        return None;
    }
    let mut total = 0.0;
    for axis in Axis::ALL {
        for positive in [false, true] {
            let group: Vec<_> = events
                .iter()
                .filter(|e| e.axis == axis && (e.amplitude_deg > 0.0) == positive)
                .collect();
            if group.len() < 3 {
                continue;
            }
            let cv = |x: &dyn Fn(&collis_core::results::JerkEvent) -> f64| {
                let n = group.len() as f64;
                let mean = group.iter().map(|e| x(e)).sum::<f64>() / n;
                let var = group.iter().map(|e| (x(e) - mean).powi(2)).sum::<f64>() / (n - 1.0);
                var.sqrt() / mean.abs().max(1e-9)
            };
            let spread = cv(&|e| e.amplitude_deg.abs()) + cv(&|e| e.duration_s);
            let consistency = (1.0 - spread / STEREOTYPY_CV_LIMIT).max(0.0);
            total += consistency * group.len() as f64;
        }
    }
    Some(total / events.len() as f64)
}

/// Burstiness (σ − μ)/(σ + μ) of the intervals between event starts (Goh & Barabási 2008).
fn burstiness(times: impl Iterator<Item = f64>) -> Option<f64> {
    let times: Vec<f64> = times.collect();
    if times.len() < MIN_EVENTS {
        return None;
    }
    let intervals: Vec<f64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    let n = intervals.len() as f64;
    let mean = intervals.iter().sum::<f64>() / n;
    let sd = (intervals.iter().map(|i| (i - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    (sd + mean > 0.0).then(|| (sd - mean) / (sd + mean))
}

#[cfg(test)]
mod tests {
    use super::*;
    use collis_core::results::JerkEvent;

    fn jerk(time_s: f64, axis: Axis, amplitude_deg: f64, duration_s: f64) -> JerkEvent {
        JerkEvent {
            time_s,
            duration_s,
            axis,
            amplitude_deg,
            peak_velocity_dps: 100.0,
        }
    }

    #[test]
    fn repeated_identical_events_are_stereotyped_and_random_ones_are_not() {
        let same: Vec<_> = (0..8)
            .map(|k| jerk(k as f64, Axis::Rotation, 12.0, 0.2))
            .collect();
        assert!((stereotypy(&same).unwrap() - 1.0).abs() < 1e-9);
        let axes = [Axis::Rotation, Axis::Tilt, Axis::Flexion];
        let random: Vec<_> = (0..18)
            .map(|k| {
                let sign = if k % 2 == 0 { 1.0 } else { -1.0 };
                let size = 3.0 + (k * 7 % 8) as f64;
                jerk(
                    k as f64,
                    axes[k % 3],
                    sign * size,
                    0.05 + 0.013 * (k * 5 % 8) as f64,
                )
            })
            .collect();
        assert!(
            stereotypy(&random).unwrap() < 0.2,
            "{:?}",
            stereotypy(&random)
        );
        assert!(stereotypy(&same[..4]).is_none());
    }

    #[test]
    fn bouts_are_bursty_and_even_spacing_is_not() {
        let even = (0..10).map(|k| 3.0 * k as f64);
        assert!((burstiness(even).unwrap() + 1.0).abs() < 1e-9);
        let bouts = (0..4).flat_map(|b| (0..3).map(move |k| 20.0 * b as f64 + 0.6 * k as f64));
        assert!(burstiness(bouts).unwrap() > 0.15);
    }
}
