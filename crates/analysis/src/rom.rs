//! Range of motion in a guided task (turn, tilt, flex and extend to each side as far as
//! possible): the extremes the head held on each axis, and the TWSTRS range-of-motion item.
//!
//! An extreme is of the angle averaged over [`HOLD_S`] (a position reached and held, not a
//! spike of sensor or landmark noise). Streaming: a ring of `HOLD_S × rate` samples.
//!
//! TWSTRS range of motion without tricks, 0–4 (Consky & Lang 1994; clinical.md): 0 able to
//! move to the extreme opposite position; 1 well past midline but not to the extreme; 2 barely
//! past midline; 3 toward but not past midline; 4 barely beyond the abnormal posture. The scale
//! gives words, not degrees; Collis's anchors, stated in the rule:
//! - on each axis the restricted side is the one reached less far: the side opposite the
//!   abnormal posture;
//! - "extreme opposite position" = at least ¾ of the normal range on that side, "well past
//!   midline" = at least ¼ of it, "barely past" = more than 5° (the posture items' noise floor,
//!   [`crate::twstrs::NONE_BELOW_DEG`]); not past midline: 3 when the head came at least half
//!   of the way from its abnormal extreme back to midline, else 4;
//! - normal ranges: rotation 90° (the TWSTRS rotation item's full range), lateral tilt 45°
//!   (normal lateral flexion ≈ 45°, a Collis default), flexion 55° and extension 65° (normal
//!   flexion ≈ 50–60°, extension ≈ 60–70°; clinical.md);
//! - the item is the worst (highest) over the axes with a reference that were exercised
//!   (a range of at least [`MIN_EXERCISED_DEG`]); with none, it is not scored.

use crate::twstrs::NONE_BELOW_DEG;
use collis_core::results::{AxisReach, Evidence, RangeOfMotion, TwstrsItem};
use collis_core::Axis;

/// Seconds the angle is averaged over for an extreme.
pub const HOLD_S: f64 = 0.25;
const ROTATION_RANGE_DEG: f64 = 90.0;
const TILT_RANGE_DEG: f64 = 45.0;
const FLEXION_RANGE_DEG: f64 = 55.0;
const EXTENSION_RANGE_DEG: f64 = 65.0;
/// Range below which an axis counts as not exercised: twice the posture noise floor.
pub const MIN_EXERCISED_DEG: f64 = 2.0 * NONE_BELOW_DEG;

/// Follows the extremes of the held angle on each axis.
pub struct RomTracker {
    ring: Vec<[f64; 3]>,
    next: usize,
    filled: bool,
    sum: [f64; 3],
    min: [f64; 3],
    max: [f64; 3],
}

impl RomTracker {
    pub fn new(rate_hz: f64) -> Self {
        let n = ((HOLD_S * rate_hz).round() as usize).max(1);
        RomTracker {
            ring: vec![[0.0; 3]; n],
            next: 0,
            filled: false,
            sum: [0.0; 3],
            min: [f64::INFINITY; 3],
            max: [f64::NEG_INFINITY; 3],
        }
    }

    /// Start the average afresh (after a gap).
    pub fn restart(&mut self) {
        self.next = 0;
        self.filled = false;
        self.sum = [0.0; 3];
    }

    #[inline]
    pub fn push(&mut self, a: &[f64; 3]) {
        let old = self.ring[self.next];
        for i in 0..3 {
            self.sum[i] += a[i] - if self.filled { old[i] } else { 0.0 };
        }
        self.ring[self.next] = *a;
        self.next += 1;
        if self.next == self.ring.len() {
            self.next = 0;
            self.filled = true;
        }
        if self.filled {
            let n = self.ring.len() as f64;
            for i in 0..3 {
                let m = self.sum[i] / n;
                self.min[i] = self.min[i].min(m);
                self.max[i] = self.max[i].max(m);
            }
        }
    }

    fn reach(&self, i: usize) -> Option<AxisReach> {
        (self.min[i].is_finite() && self.max[i].is_finite()).then(|| AxisReach {
            negative_deg: self.min[i],
            positive_deg: self.max[i],
            range_deg: self.max[i] - self.min[i],
        })
    }

    /// The extremes so far (`None` before one hold's worth of samples).
    pub fn snapshot(&self, rotation_referenced: bool) -> Option<RangeOfMotion> {
        Some(RangeOfMotion {
            hold_s: HOLD_S,
            rotation_deg: if rotation_referenced {
                self.reach(0)
            } else {
                None
            },
            tilt_deg: self.reach(1)?,
            flexion_deg: self.reach(2)?,
        })
    }
}

/// Score and rule of one axis: the restricted side's reach against its normal range.
fn axis_score(axis: Axis, r: &AxisReach) -> (u8, String, f64) {
    // The restricted side: the one reached less far (signed: > 0 = past midline).
    let (reach, abnormal, side) = if r.positive_deg < -r.negative_deg {
        (r.positive_deg, -r.negative_deg, "positive")
    } else {
        (-r.negative_deg, r.positive_deg, "negative")
    };
    let normal = match (axis, side) {
        (Axis::Rotation, _) => ROTATION_RANGE_DEG,
        (Axis::Tilt, _) => TILT_RANGE_DEG,
        (Axis::Flexion, "positive") => FLEXION_RANGE_DEG,
        (Axis::Flexion, _) => EXTENSION_RANGE_DEG,
    };
    let name = axis.name();
    let (score, words) = if reach >= 0.75 * normal {
        (
            0,
            "reaches the extreme opposite position (≥ ¾ of the normal range)",
        )
    } else if reach >= 0.25 * normal {
        (
            1,
            "well past midline (≥ ¼ of the normal range) but not to the extreme",
        )
    } else if reach > NONE_BELOW_DEG {
        (2, "barely past midline (> 5°, < ¼ of the normal range)")
    } else if -reach <= 0.5 * abnormal.max(0.0) {
        (
            3,
            "toward but not past midline (at least halfway back from the abnormal extreme)",
        )
    } else {
        (
            4,
            "barely beyond the abnormal posture (less than halfway back to midline)",
        )
    };
    (
        score,
        format!(
            "{name}: {words}: {reach:+.1}° toward the restricted side, normal range {normal:.0}°"
        ),
        reach,
    )
}

/// The TWSTRS range-of-motion item: the worst exercised axis (`None`: none exercised).
pub fn twstrs_item(rom: &RangeOfMotion) -> Option<TwstrsItem> {
    let axes = [
        (Axis::Rotation, rom.rotation_deg),
        (Axis::Tilt, Some(rom.tilt_deg)),
        (Axis::Flexion, Some(rom.flexion_deg)),
    ];
    let mut worst: Option<(u8, String)> = None;
    let mut evidence = Vec::new();
    for (axis, r) in axes {
        let Some(r) = r.filter(|r| r.range_deg >= MIN_EXERCISED_DEG) else {
            continue;
        };
        let (score, rule, reach) = axis_score(axis, &r);
        evidence.push(Evidence::new(
            &format!("range_of_motion.{}_deg.restricted_side_reach", axis.name()),
            reach,
            "deg",
        ));
        if worst.as_ref().is_none_or(|(s, _)| score > *s) {
            worst = Some((score, rule));
        }
    }
    let (score, rule) = worst?;
    Some(TwstrsItem {
        score,
        max: 4,
        rule,
        evidence,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(f: impl Fn(f64) -> [f64; 3]) -> RangeOfMotion {
        let mut t = RomTracker::new(100.0);
        for i in 0..3000 {
            t.push(&f(i as f64 / 100.0));
        }
        t.snapshot(true).unwrap()
    }

    #[test]
    fn extremes_are_held_positions_not_spikes() {
        // Turns to ±70° held for 2 s each, and a one-sample spike to 120°.
        let r = run(|t| {
            let rot = if (5.0..7.0).contains(&t) {
                70.0
            } else if (15.0..17.0).contains(&t) {
                -70.0
            } else {
                0.0
            };
            let spike = if (t - 20.0).abs() < 0.005 { 120.0 } else { 0.0 };
            [rot + spike, 0.0, 0.0]
        });
        let rot = r.rotation_deg.unwrap();
        assert!(
            (rot.positive_deg - 70.0).abs() < 1e-9 && (rot.negative_deg + 70.0).abs() < 1e-9,
            "{rot:?}"
        );
        assert!((rot.range_deg - 140.0).abs() < 1e-9);
        // Only rotation was exercised: the item is rotation's.
        let item = twstrs_item(&r).unwrap();
        assert_eq!(item.score, 0, "{}", item.rule);
        assert_eq!(item.evidence.len(), 1);
        assert!(
            twstrs_item(&run(|_| [1.0, 0.0, -1.0])).is_none(),
            "nothing exercised"
        );
    }

    #[test]
    fn scores_follow_the_restricted_side() {
        let reach = |neg: f64, pos: f64| AxisReach {
            negative_deg: neg,
            positive_deg: pos,
            range_deg: pos - neg,
        };
        let rom = |rot: AxisReach| RangeOfMotion {
            hold_s: HOLD_S,
            rotation_deg: Some(rot),
            tilt_deg: reach(-40.0, 40.0),
            flexion_deg: reach(-60.0, 50.0),
        };
        // Torticollis to the left (−): how far to the right can the chin go?
        for (pos, want) in [(70.0, 0), (30.0, 1), (10.0, 2), (-20.0, 3), (-50.0, 4)] {
            let item = twstrs_item(&rom(reach(-80.0, pos))).unwrap();
            assert_eq!(item.score, want, "right reach {pos}: {}", item.rule);
        }
        // The healthy tilt and flexion above score 0.
        assert_eq!(twstrs_item(&rom(reach(-80.0, 80.0))).unwrap().score, 0);
    }
}
