//! Comparisons between channels.
//!
//! - Left/right asymmetry of one muscle: index `(R − L) / (R + L)` of the activity above rest
//!   (`activity_rms`), or of % MVC when both sides have an MVC reference.
//! - Co-contraction of antagonists on one side — sternocleidomastoid (flexion, contralateral
//!   rotation) against splenius capitis or semispinalis capitis (extension, ipsilateral
//!   rotation) — by the index of Falconer & Winter (1985, "Quantitative assessment of
//!   co-contraction at the ankle joint in walking", Electromyogr. Clin. Neurophysiol.
//!   25:135–149): `CCI = 2 Σ min(a, b) / Σ (a + b) × 100 %` over the normalised envelopes
//!   above rest (by MVC when given, otherwise by each channel's 99th-percentile envelope).

use collis_core::emg::{EmgAsymmetry, EmgChannel, Muscle, MuscleSite, Side};

/// `(R − L) / (R + L)` per muscle recorded on both sides.
pub fn asymmetry(channels: &[EmgChannel]) -> Vec<EmgAsymmetry> {
    let find = |m: Muscle, s: Side| {
        channels
            .iter()
            .find(|c| c.muscle == Some(m) && c.side == Some(s))
    };
    Muscle::ALL
        .into_iter()
        .filter_map(|m| {
            let (l, r) = (find(m, Side::Left)?, find(m, Side::Right)?);
            let (lv, rv, measure) = match (l.activity_pct_mvc, r.activity_pct_mvc) {
                (Some(a), Some(b)) => (a, b, "pct_mvc"),
                _ => (l.activity_rms, r.activity_rms, "activity_rms"),
            };
            let sum = lv + rv;
            Some(EmgAsymmetry {
                muscle: m,
                left: l.label.clone(),
                right: r.label.clone(),
                left_activity: lv,
                right_activity: rv,
                index: if sum > 0.0 { (rv - lv) / sum } else { 0.0 },
                ratio_right_left: (lv > 0.0).then(|| rv / lv),
                measure: measure.to_string(),
            })
        })
        .collect()
}

fn antagonists(a: Muscle, b: Muscle) -> bool {
    use Muscle::*;
    matches!(
        (a, b),
        (Sternocleidomastoid, SpleniusCapitis) | (Sternocleidomastoid, SemispinalisCapitis)
    )
}

/// Channel index pairs `(agonist, antagonist)` on the same side at the same rate.
pub fn antagonist_pairs(sites: &[(Option<MuscleSite>, f64)]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    for (i, (a, ra)) in sites.iter().enumerate() {
        for (j, (b, rb)) in sites.iter().enumerate() {
            if let (Some(a), Some(b)) = (a, b) {
                if antagonists(a.muscle, b.muscle) && a.side == b.side && ra == rb {
                    pairs.push((i, j));
                }
            }
        }
    }
    pairs
}
