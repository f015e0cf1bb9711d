//! TWSTRS severity items that a machine can score from measured angles, each with its evidence.
//!
//! Scale: Toronto Western Spasmodic Torticollis Rating Scale, severity subscale (Consky & Lang
//! 1994; Comella 1997), bands as listed in clinical.md. Collis choices, stated in each rule:
//! - "none" below 5°: published landmark/video head-pose error is 2.8–3.9° MAE (TVST 2016),
//!   and normal posture varies by a few degrees, so smaller deviations are not scored;
//! - the posture value scored is the median angle of the recording (neutral segment
//!   excluded): the head's usual position, robust to brief movements;
//! - antero/retrocollis has no degree anchors in the scale: mild < ¼, moderate ¼–¾ (≈ ½) and
//!   severe ≥ ¾ of the normal range, taken as 55° for flexion and 65° for extension (normal
//!   flexion ≈ 50–60°, extension ≈ 60–70°; clinical.md);
//! - duration factor (wording reconstructed, bands confirmed): "deviated" = > 5° on any
//!   referenced axis; "maximal" = ≥ 80 % of the recording's 95th-percentile deviation;
//!   "often maximal" = maximal in ≥ 50 % of the deviated time; under 5 % of the time deviated
//!   scores 0 (brief glances and noise).

use crate::uncertainty::{self, Method};
use collis_core::results::{Evidence, NeutralHold, Posture, Twstrs, TwstrsItem, Unscored};
use collis_core::Axis;
use collis_dsp::Histogram;

pub use collis_core::axis::NONE_BELOW_DEG;
const FLEXION_RANGE_DEG: f64 = 55.0;
const EXTENSION_RANGE_DEG: f64 = 65.0;
const MAXIMAL_FRACTION_OF_P95: f64 = 0.8;
const DURATION_NONE_BELOW: f64 = 0.05;

/// A posture item from the axis's median, unless its uncertainty could change the score by
/// more than one band (then `None`, with the reason in `unscored`); a change of one band is
/// said in the rule.
fn posture_item(
    posture: &Posture,
    axis: Axis,
    item: &str,
    max: u8,
    score: impl Fn(f64) -> (u8, String),
    method: Option<Method>,
    unscored: &mut Vec<Unscored>,
) -> Option<TwstrsItem> {
    let s = posture.get(axis)?;
    let name = axis.name();
    let mut evidence = vec![
        Evidence::new(&format!("posture.{name}_deg.median"), s.median, "deg"),
        Evidence::new(&format!("posture.{name}_deg.p5"), s.p5, "deg"),
        Evidence::new(&format!("posture.{name}_deg.p95"), s.p95, "deg"),
    ];
    let (points, mut rule) = score(s.median);
    if let (Some(u), Some(method)) = (s.uncertainty_deg, method) {
        evidence.push(Evidence::new(
            &format!("posture.{name}_deg.uncertainty_deg"),
            u,
            "deg",
        ));
        let (lowest, highest) = uncertainty::score_range(s.median, u, |x| score(x).0);
        if highest - lowest > 1 || (highest > lowest && u > uncertainty::UNSCORED_ABOVE_DEG) {
            unscored.push(uncertainty::unscored(
                item, axis, s.median, u, lowest, highest, method,
            ));
            return None;
        }
        if highest > lowest {
            let other = if points == lowest { highest } else { lowest };
            rule.push_str(&format!("; ±{u:.1}°: could be {other}"));
        }
    }
    Some(TwstrsItem {
        score: points,
        max,
        rule,
        evidence,
    })
}

/// Rotation (torticollis) 0–4: 1–22°, 23–45°, 46–67°, 68–90° (¼, ½, ¾ of 90°).
pub fn rotation_score(median_deg: f64) -> (u8, &'static str) {
    match median_deg.abs() {
        d if d < NONE_BELOW_DEG => (0, "none: |median rotation| < 5°"),
        d if d < 22.5 => (1, "slight: < ¼ range (5–22°)"),
        d if d < 45.5 => (2, "mild: ¼–½ range (23–45°)"),
        d if d < 67.5 => (3, "moderate: ½–¾ range (46–67°)"),
        _ => (4, "severe: > ¾ range (68–90°)"),
    }
}

/// Laterocollis 0–3: 1–15°, 16–35°, > 35°.
pub fn laterocollis_score(median_deg: f64) -> (u8, &'static str) {
    match median_deg.abs() {
        d if d < NONE_BELOW_DEG => (0, "none: |median tilt| < 5°"),
        d if d < 15.5 => (1, "mild: 5–15°"),
        d if d < 35.5 => (2, "moderate: 16–35°"),
        _ => (3, "severe: > 35°"),
    }
}

/// Antero/retrocollis 0–3, against ¼ and ¾ of the normal flexion (55°) or extension (65°) range.
pub fn antero_retrocollis_score(median_deg: f64) -> (u8, String) {
    let (range, word) = if median_deg >= 0.0 {
        (FLEXION_RANGE_DEG, "anterocollis")
    } else {
        (EXTENSION_RANGE_DEG, "retrocollis")
    };
    let d = median_deg.abs();
    if d < NONE_BELOW_DEG {
        return (0, "none: |median flexion| < 5°".to_string());
    }
    let (score, band) = if d < 0.25 * range {
        (1, "mild: < ¼")
    } else if d < 0.75 * range {
        (2, "moderate: ¼–¾ (≈ ½)")
    } else {
        (3, "severe: ≥ ¾")
    };
    (
        score,
        format!("{word}, {band} of the normal {range:.0}° range"),
    )
}

/// Duration factor 0–5 from the share of time deviated and how often the deviation is maximal.
pub fn duration_score(fraction_deviated: f64, often_maximal: bool) -> u8 {
    if fraction_deviated < DURATION_NONE_BELOW {
        return 0;
    }
    let band = match fraction_deviated {
        f if f < 0.25 => 0,
        f if f < 0.5 => 1,
        f if f < 0.75 => 2,
        _ => 3,
    };
    band + 1 + u8::from(often_maximal)
}

/// Time within 10° of neutral (up to 60 s) 0–4: > 60 s, 46–60, 31–45, 16–30, < 15 s.
pub fn hold_score(first_hold_s: f64) -> u8 {
    match first_hold_s {
        s if s >= 60.0 => 0,
        s if s > 45.0 => 1,
        s if s > 30.0 => 2,
        s if s > 15.0 => 3,
        _ => 4,
    }
}

/// Score the items from the posture, the neutral-hold figures and the deviation histogram.
pub fn score(
    posture: &Posture,
    hold: &NeutralHold,
    deviation: &Histogram,
    hold_task: bool,
    method: Option<Method>,
) -> Twstrs {
    let mut unscored = Vec::new();
    let rotation = posture_item(
        posture,
        Axis::Rotation,
        "rotation",
        4,
        |m| {
            let (score, rule) = rotation_score(m);
            (score, rule.to_string())
        },
        method,
        &mut unscored,
    );
    let laterocollis = posture_item(
        posture,
        Axis::Tilt,
        "laterocollis",
        3,
        |m| {
            let (score, rule) = laterocollis_score(m);
            (score, format!("{rule} (shoulder elevation not included)"))
        },
        method,
        &mut unscored,
    );
    let antero_retrocollis = posture_item(
        posture,
        Axis::Flexion,
        "antero_retrocollis",
        3,
        antero_retrocollis_score,
        method,
        &mut unscored,
    );
    let duration_factor = (deviation.count() > 0).then(|| {
        let n = deviation.count() as f64;
        let deviated = deviation.count_at_least(NONE_BELOW_DEG) as f64;
        let p95 = deviation.quantile(0.95).unwrap_or(0.0);
        let maximal_level = (MAXIMAL_FRACTION_OF_P95 * p95).max(NONE_BELOW_DEG);
        let maximal = deviation.count_at_least(maximal_level) as f64;
        let fraction = deviated / n;
        let maximal_share = if deviated > 0.0 { maximal / deviated } else { 0.0 };
        let often_maximal = maximal_share >= 0.5;
        TwstrsItem {
            score: duration_score(fraction, often_maximal),
            max: 5,
            rule: format!(
                "deviated (> 5°) {:.0} % of the time, {} maximal (≥ {:.1}°, 80 % of p95) in {:.0} % of that",
                100.0 * fraction,
                if often_maximal { "often" } else { "mostly not" },
                maximal_level,
                100.0 * maximal_share
            ),
            evidence: vec![
                Evidence::new("fraction_deviated_5deg", fraction, "1"),
                Evidence::new("deviation_p95", p95, "deg"),
                Evidence::new("maximal_share_of_deviated", maximal_share, "1"),
            ],
        }
    });
    let hold_within_10deg = hold_task.then(|| TwstrsItem {
        score: hold_score(hold.first_hold_s),
        max: 4,
        rule: "time within 10° of neutral before first leaving it, up to 60 s".to_string(),
        evidence: vec![
            Evidence::new("neutral_hold.first_hold_s", hold.first_hold_s, "s"),
            Evidence::new("neutral_hold.longest_hold_s", hold.longest_hold_s, "s"),
        ],
    });
    let mut twstrs = Twstrs {
        rotation,
        laterocollis,
        antero_retrocollis,
        duration_factor,
        hold_within_10deg,
        range_of_motion: None,
        unscored,
        machine_subtotal: 0,
        machine_subtotal_max: 0,
        note: "Machine-scored TWSTRS severity items (Consky & Lang 1994); the clinician scores the rest (shifts, shoulder elevation, sensory trick; range of motion too unless the task was a range-of-motion task). Duration factor counts ×2.".to_string(),
    };
    recount(&mut twstrs);
    twstrs
}

/// Sets the machine subtotal and its maximum from the items scored, the duration factor
/// weighted ×2 as in the scale.
pub fn recount(t: &mut Twstrs) {
    let items = [
        &t.rotation,
        &t.laterocollis,
        &t.antero_retrocollis,
        &t.hold_within_10deg,
        &t.range_of_motion,
    ];
    let weighted = items
        .iter()
        .filter_map(|i| i.as_ref().map(|i| (i.score, i.max)))
        .chain(t.duration_factor.as_ref().map(|d| (2 * d.score, 2 * d.max)));
    (t.machine_subtotal, t.machine_subtotal_max) =
        weighted.fold((0, 0), |(s, m), (a, b)| (s + a, m + b));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors() {
        assert_eq!(rotation_score(3.0).0, 0);
        assert_eq!(rotation_score(-22.0).0, 1);
        assert_eq!(rotation_score(30.0).0, 2);
        assert_eq!(rotation_score(-50.0).0, 3);
        assert_eq!(rotation_score(80.0).0, 4);
        assert_eq!(laterocollis_score(15.0).0, 1);
        assert_eq!(laterocollis_score(-16.0).0, 2);
        assert_eq!(laterocollis_score(40.0).0, 3);
        assert_eq!(antero_retrocollis_score(10.0).0, 1);
        assert_eq!(antero_retrocollis_score(30.0).0, 2);
        assert_eq!(antero_retrocollis_score(-50.0).0, 3);
        assert_eq!(duration_score(0.02, true), 0);
        assert_eq!(duration_score(0.1, false), 1);
        assert_eq!(duration_score(0.6, true), 4);
        assert_eq!(duration_score(1.0, true), 5);
        assert_eq!(hold_score(60.0), 0);
        assert_eq!(hold_score(50.0), 1);
        assert_eq!(hold_score(10.0), 4);
    }
}
