//! Analysis across time, pure (no I/O): each subject's main figures as dated series, their
//! trend, what changed since the previous visit, and botulinum toxin cycles — change from
//! the pre-injection baseline, days to the best effect, and wear-off (the figure back
//! halfway from the best value to the baseline), cycle by cycle.

use chrono::NaiveDate;
use collis_core::results::Measurements;
use collis_core::Axis;
use collis_store::{DiaryEntry, SessionRow};

/// A main figure followed over time. Angles are followed as their size (|median|, degrees
/// from neutral), so that lower is better for every figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    Rotation,
    Tilt,
    Flexion,
    TremorAmplitude,
    JerkRate,
    TwstrsSubtotal,
    Pain,
}

impl Figure {
    pub const ALL: [Figure; 7] = [
        Figure::Rotation,
        Figure::Tilt,
        Figure::Flexion,
        Figure::TremorAmplitude,
        Figure::JerkRate,
        Figure::TwstrsSubtotal,
        Figure::Pain,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Figure::Rotation => "|rotation|",
            Figure::Tilt => "|tilt|",
            Figure::Flexion => "|flexion|",
            Figure::TremorAmplitude => "tremor amplitude",
            Figure::JerkRate => "jerk rate",
            Figure::TwstrsSubtotal => "TWSTRS machine subtotal",
            Figure::Pain => "pain (diary)",
        }
    }

    pub fn unit(self) -> &'static str {
        match self {
            Figure::Rotation | Figure::Tilt | Figure::Flexion | Figure::TremorAmplitude => "°",
            Figure::JerkRate => "/min",
            Figure::TwstrsSubtotal => "points",
            Figure::Pain => "/10",
        }
    }

    /// The figure of a session (`None` for pain, which comes from the diary, and for an
    /// angle without a reference). A tremor that is not present counts as 0°.
    pub fn of_session(self, s: &SessionRow) -> Option<f64> {
        let f = &s.figures;
        match self {
            Figure::Rotation => f.rotation_median_deg.map(f64::abs),
            Figure::Tilt => f.tilt_median_deg.map(f64::abs),
            Figure::Flexion => f.flexion_median_deg.map(f64::abs),
            Figure::TremorAmplitude => Some(f.tremor_amplitude_deg.unwrap_or(0.0)),
            Figure::JerkRate => Some(f.jerk_rate_per_min),
            Figure::TwstrsSubtotal => Some(f.twstrs_machine_subtotal as f64),
            Figure::Pain => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub date: NaiveDate,
    pub value: f64,
}

/// The dated values of `figure`: per session, or per diary entry for pain. Sorted by date.
pub fn series(figure: Figure, sessions: &[SessionRow], diary: &[DiaryEntry]) -> Vec<Point> {
    let mut points: Vec<Point> = match figure {
        Figure::Pain => diary
            .iter()
            .filter_map(|d| {
                d.pain.map(|p| Point {
                    date: d.entry_on,
                    value: p as f64,
                })
            })
            .collect(),
        _ => sessions
            .iter()
            .filter_map(|s| {
                figure.of_session(s).map(|value| Point {
                    date: s.recorded_on,
                    value,
                })
            })
            .collect(),
    };
    points.sort_by_key(|p| p.date);
    points
}

/// Days from `a` to `b`.
pub fn days(a: NaiveDate, b: NaiveDate) -> i64 {
    (b - a).num_days()
}

/// Average days per month, for slopes.
const DAYS_PER_MONTH: f64 = 365.25 / 12.0;

/// Least-squares slope of a series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trend {
    pub per_month: f64,
    pub points: usize,
    pub span_days: i64,
}

/// The trend of `points` (at least two on different days).
pub fn trend(points: &[Point]) -> Option<Trend> {
    let first = points.first()?.date;
    let xs: Vec<f64> = points.iter().map(|p| days(first, p.date) as f64).collect();
    let n = points.len() as f64;
    let mx = xs.iter().sum::<f64>() / n;
    let my = points.iter().map(|p| p.value).sum::<f64>() / n;
    let sxx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
    if sxx == 0.0 {
        return None;
    }
    let sxy: f64 = xs
        .iter()
        .zip(points)
        .map(|(x, p)| (x - mx) * (p.value - my))
        .sum();
    Some(Trend {
        per_month: sxy / sxx * DAYS_PER_MONTH,
        points: points.len(),
        span_days: days(first, points.last()?.date),
    })
}

/// A pre-injection baseline must be measured at most this long before the injection
/// (a Collis choice: older visits say little about the state at injection).
pub const BASELINE_MAX_DAYS: i64 = 28;

/// One botulinum toxin cycle of one figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Cycle {
    pub injection_on: NaiveDate,
    /// The last visit on or before the injection day, within [`BASELINE_MAX_DAYS`].
    pub baseline: Option<Point>,
    /// The lowest value after the injection, up to the next injection's day.
    pub best: Option<Point>,
    /// Visits after the injection in this cycle.
    pub visits: usize,
    /// best − baseline (negative = better).
    pub change: Option<f64>,
    /// (baseline − best) / baseline: the share of the baseline the treatment took away.
    pub improvement: Option<f64>,
    pub days_to_best: Option<i64>,
    /// Days from the injection until the figure is back halfway from the best to the
    /// baseline, interpolated linearly between visits; `None` when it did not happen
    /// before the next injection (or there was no improvement).
    pub wear_off_days: Option<f64>,
}

/// Cycle-by-cycle effect of the injections (dates, any order) on a series where lower is
/// better.
pub fn botulinum_cycles(points: &[Point], injections: &[NaiveDate]) -> Vec<Cycle> {
    let mut inj = injections.to_vec();
    inj.sort();
    inj.dedup();
    inj.iter()
        .enumerate()
        .map(|(k, &on)| {
            let next = inj.get(k + 1).copied();
            let baseline = points
                .iter()
                .rev()
                .find(|p| p.date <= on && days(p.date, on) <= BASELINE_MAX_DAYS)
                .copied();
            let after: Vec<Point> = points
                .iter()
                .filter(|p| p.date > on && next.is_none_or(|n| p.date <= n))
                .copied()
                .collect();
            let best = after
                .iter()
                .min_by(|a, b| a.value.total_cmp(&b.value))
                .copied();
            let change = baseline.zip(best).map(|(b, x)| x.value - b.value);
            let improvement = baseline
                .zip(change)
                .filter(|(b, _)| b.value > 0.0)
                .map(|(b, c)| -c / b.value);
            let wear_off_days = match (baseline, best) {
                (Some(b), Some(x)) if x.value < b.value => {
                    let half = x.value + 0.5 * (b.value - x.value);
                    let tail: Vec<&Point> = after.iter().filter(|p| p.date >= x.date).collect();
                    tail.windows(2).find(|w| w[1].value >= half).map(|w| {
                        let (d0, d1) = (days(on, w[0].date) as f64, days(on, w[1].date) as f64);
                        let share = (half - w[0].value) / (w[1].value - w[0].value);
                        d0 + share * (d1 - d0)
                    })
                }
                _ => None,
            };
            Cycle {
                injection_on: on,
                baseline,
                best,
                visits: after.len(),
                change,
                improvement,
                days_to_best: best.map(|x| days(on, x.date)),
                wear_off_days,
            }
        })
        .collect()
}

/// A figure at the previous and at this visit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Change {
    pub figure: Figure,
    pub previous: f64,
    pub current: f64,
}

impl Change {
    pub fn delta(&self) -> f64 {
        self.current - self.previous
    }
}

/// The measurement noise of a change of `figure` between two sessions: for a posture angle,
/// the two medians' 95 % bounds combined (√(u₁² + u₂²)); a change within it is no change.
/// `None` where a session gives no bound (other figures, or angles without one).
pub fn change_noise(figure: Figure, before: &Measurements, now: &Measurements) -> Option<f64> {
    let axis = match figure {
        Figure::Rotation => Axis::Rotation,
        Figure::Tilt => Axis::Tilt,
        Figure::Flexion => Axis::Flexion,
        _ => return None,
    };
    let u = |m: &Measurements| m.posture.get(axis).and_then(|a| a.uncertainty_deg);
    Some(u(before)?.hypot(u(now)?))
}

/// What changed from the session before `current` (by date) to `current`, per figure.
pub fn since_last_visit(
    sessions: &[SessionRow],
    current: &SessionRow,
) -> Option<(SessionRow, Vec<Change>)> {
    let previous = sessions
        .iter()
        .filter(|s| s.id != current.id && (s.recorded_on, s.id) < (current.recorded_on, current.id))
        .max_by_key(|s| (s.recorded_on, s.id))?;
    let changes = Figure::ALL
        .into_iter()
        .filter_map(|f| {
            Some(Change {
                figure: f,
                previous: f.of_session(previous)?,
                current: f.of_session(current)?,
            })
        })
        .collect();
    Some((previous.clone(), changes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 5).unwrap() + chrono::Duration::days(day)
    }

    fn pts(values: &[(i64, f64)]) -> Vec<Point> {
        values
            .iter()
            .map(|&(day, value)| Point {
                date: d(day),
                value,
            })
            .collect()
    }

    #[test]
    fn a_cycle_gives_baseline_best_and_interpolated_wear_off() {
        // Baseline 30 on the injection day, best 12 on day 28, back to 21 (halfway) on day 49.
        let p = pts(&[
            (-60, 50.0),
            (0, 30.0),
            (14, 20.0),
            (28, 12.0),
            (42, 18.0),
            (56, 24.0),
            (84, 30.0),
            (98, 20.0),
        ]);
        let cycles = botulinum_cycles(&p, &[d(84), d(0)]);
        assert_eq!(cycles.len(), 2);
        let c = &cycles[0];
        assert_eq!(c.baseline.unwrap().value, 30.0);
        assert_eq!(c.best.unwrap().date, d(28));
        assert_eq!(c.days_to_best, Some(28));
        assert_eq!(c.change, Some(-18.0));
        assert!((c.improvement.unwrap() - 0.6).abs() < 1e-12);
        assert_eq!(c.visits, 5);
        // 21 lies halfway between 18 (day 42) and 24 (day 56).
        assert!((c.wear_off_days.unwrap() - 49.0).abs() < 1e-9);
        // Second cycle: one visit, no wear-off seen.
        let c = &cycles[1];
        assert_eq!(c.baseline.unwrap().date, d(84));
        assert_eq!(c.days_to_best, Some(14));
        assert_eq!(c.wear_off_days, None);
    }

    #[test]
    fn no_recent_baseline_or_no_improvement_gives_no_wear_off() {
        let p = pts(&[(-60, 30.0), (14, 20.0), (28, 25.0)]);
        let c = &botulinum_cycles(&p, &[d(0)])[0];
        assert!(c.baseline.is_none() && c.change.is_none() && c.wear_off_days.is_none());
        assert_eq!(c.days_to_best, Some(14));
        let p = pts(&[(0, 10.0), (14, 12.0), (28, 15.0)]);
        let c = &botulinum_cycles(&p, &[d(0)])[0];
        assert_eq!(c.change, Some(2.0));
        assert!(c.wear_off_days.is_none());
    }

    #[test]
    fn trend_is_the_least_squares_slope_per_month() {
        let p = pts(&[(0, 10.0), (30, 11.0), (60, 12.0)]);
        let t = trend(&p).unwrap();
        assert!((t.per_month - DAYS_PER_MONTH / 30.0).abs() < 1e-12);
        assert_eq!((t.points, t.span_days), (3, 60));
        assert!(trend(&p[..1]).is_none());
    }
}
