//! The shape of an excursion event in the jerk detector's recent past: its length, from the
//! time it stays beyond half its largest, and its size, from the local trend.

use super::{Active, Recent};
use nalgebra::{Matrix3, Vector3};
use std::collections::VecDeque;

/// Half-span of the local trend an excursion is measured from, seconds: a parabola through
/// 1.2 s follows the start and end of a voluntary turn, not a jerk of at most 400 ms.
pub(super) const TREND_S: f64 = 0.6;

/// Index of the largest sample of the excursion event `ev` on `axis` in `recent` up to
/// `now_s`, with the event's start and length: twice the time its excursion stays beyond half
/// its largest around it (exact for a raised-cosine excursion), starting half that before.
/// `None` when it reaches past the recent past (too long for a jerk).
pub(super) fn half_width(
    recent: &VecDeque<Recent>,
    ev: &Active,
    axis: usize,
    now_s: f64,
) -> Option<(usize, f64, f64)> {
    let sign = ev.excursion[axis].signum();
    let x = |j: usize| (recent[j].angles[axis] - ev.baseline[axis]) * sign;
    let start = recent.partition_point(|p| p.time_s < ev.onset_s);
    let end = recent.partition_point(|p| p.time_s <= now_s);
    let top = (start..end).max_by(|&a, &b| x(a).total_cmp(&x(b)))?;
    let half = 0.5 * x(top);
    let first = (0..=top).rev().take_while(|&j| x(j) >= half).last()?;
    let last = (top..end).take_while(|&j| x(j) >= half).last()?;
    if first == 0 {
        return None;
    }
    let t0 = recent[first].time_s;
    // One sample step more than the span between the first and last samples beyond half.
    let step_s = recent.get(first + 1).map_or(0.0, |p| p.time_s - t0);
    let width = recent[last].time_s - t0 + step_s;
    Some((top, t0 - 0.5 * width, 2.0 * width))
}

/// Excursion on `axis` of the sample at `top` of `recent` from the local trend: a parabola
/// fitted to the samples within `TREND_S` of it, those of the event (`[start, end]`, seconds)
/// left out. A steady or turning movement is no excursion from it. `None` when the recent
/// past does not cover that span.
pub(super) fn trend_excursion(
    recent: &VecDeque<Recent>,
    axis: usize,
    top: usize,
    [start_s, end_s]: [f64; 2],
) -> Option<f64> {
    let t0 = recent[top].time_s;
    let covered = 0.9 * TREND_S;
    if recent.front()?.time_s > t0 - covered || recent.back()?.time_s < t0 + covered {
        return None;
    }
    let mut normal = Matrix3::zeros();
    let mut rhs = Vector3::zeros();
    for p in recent {
        let t = p.time_s - t0;
        if t.abs() <= TREND_S && (p.time_s < start_s || p.time_s > end_s) {
            let basis = Vector3::new(1.0, t, t * t);
            normal += basis * basis.transpose();
            rhs += basis * p.angles[axis];
        }
    }
    let coefficients = normal.lu().solve(&rhs)?;
    Some(recent[top].angles[axis] - coefficients[0])
}
