//! Sensory trick (geste antagoniste): posture and tremor with and without the trick, how long
//! the benefit lasts, and the TWSTRS (0–2) and TWSTRS-2 (0–4, ≥ 5-s rule) items.
//!
//! Two designs: trick segments marked in one recording (the 10 s before each onset are its
//! baseline), or a pair — a recording without the trick, then one with it. Streaming: medians
//! by histogram, tremor by a 2–12 Hz band-pass per axis, and 0.5-s block means from each onset
//! (O(trial length) memory, a few hundred numbers).
//!
//! Scales (clinical.md; the TWSTRS-2 wording from Comella 2016, table in PMC7728456):
//! TWSTRS "effect of sensory tricks" 0 complete relief, 1 partial or only limited relief,
//! 2 little or no benefit; TWSTRS-2 0 complete, 1 moderate, 2 mild, 3 minimal, 4 no
//! improvement of posture, and 4 whenever the improvement lasts < 5 s. The scales give words,
//! not percentages: the relief bands below are Collis defaults, stated in every result.

use crate::sufficiency::seconds;
use crate::tremor::BAND_HZ;
use collis_core::results::{Evidence, NotAssessed, SensoryTrick, TrickTrial, TwstrsItem};
use collis_core::{AngleSample, Axis};
use collis_dsp::{Butterworth, Histogram};

/// Baseline window before each marked onset, seconds.
pub const BEFORE_S: f64 = 10.0;
/// Left out after an onset while the hand reaches the face, seconds.
pub const ONSET_SETTLE_S: f64 = 1.0;
/// Block length for the benefit time course, seconds.
const BLOCK_S: f64 = 0.5;
/// Benefit is followed at most this long after the trick ends, seconds.
const FOLLOW_AFTER_S: f64 = 60.0;
/// TWSTRS-2: a trick counts only if its benefit lasts ≥ 5 s (Comella 2016; clinical.md).
pub const TWSTRS2_MIN_BENEFIT_S: f64 = 5.0;
/// Each phase of a trial (baseline, trick after its settling second) needs this many seconds
/// of samples: the TWSTRS-2 counts a benefit only when it lasts ≥ 5 s (Comella 2016;
/// clinical.md), so a shorter phase cannot show one, and a shorter baseline is one movement.
pub const PHASE_MIN_S: f64 = TWSTRS2_MIN_BENEFIT_S;
/// Below this change in degrees there is no benefit to time (sway and noise).
const MIN_CHANGE_DEG: f64 = 2.0;
/// Relief bands, % of the deviation (Collis defaults): complete ≥ 80, moderate ≥ 50,
/// mild ≥ 25, minimal ≥ 10.
const COMPLETE: f64 = 80.0;
const MODERATE: f64 = 50.0;
const MILD: f64 = 25.0;
const MINIMAL: f64 = 10.0;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    Before,
    During,
}

struct Trial {
    /// Trick on/off, seconds (pair: set from the with-trick recording).
    span: [f64; 2],
    before: [Histogram; 3],
    during: [Histogram; 3],
    tremor_sum_sq: [f64; 2],
    tremor_n: [u64; 2],
    /// 0.5-s block means of the three angles from onset.
    blocks: Vec<[f64; 3]>,
    block_sum: [f64; 3],
    block_n: u32,
}

fn histograms() -> [Histogram; 3] {
    std::array::from_fn(|_| Histogram::new(-180.0, 180.0, 0.05))
}

impl Trial {
    fn new(span: [f64; 2]) -> Self {
        Trial {
            span,
            before: histograms(),
            during: histograms(),
            tremor_sum_sq: [0.0; 2],
            tremor_n: [0; 2],
            blocks: Vec::new(),
            block_sum: [0.0; 3],
            block_n: 0,
        }
    }
}

/// How trick time is marked.
enum Design {
    Segments,
    /// Samples of the without-trick recording come through [`TrickAnalyzer::push_without`].
    Pair {
        started_s: Option<f64>,
    },
}

pub struct TrickAnalyzer {
    design: Design,
    trials: Vec<Trial>,
    band: Option<[Butterworth; 3]>,
    block_len: u32,
    rate_hz: f64,
    prev_s: Option<f64>,
}

fn band_pass(rate_hz: f64) -> Option<[Butterworth; 3]> {
    let hi = BAND_HZ[1].min(0.45 * rate_hz);
    crate::per_axis(|| Butterworth::band_pass(4, BAND_HZ[0], hi, rate_hz).ok())
}

impl TrickAnalyzer {
    /// Trick applied during each `[start, end]` (seconds, in order, not overlapping).
    pub fn segments(rate_hz: f64, spans: &[[f64; 2]]) -> Self {
        TrickAnalyzer {
            design: Design::Segments,
            trials: spans.iter().map(|s| Trial::new(*s)).collect(),
            band: band_pass(rate_hz),
            block_len: (BLOCK_S * rate_hz).round().max(1.0) as u32,
            rate_hz,
            prev_s: None,
        }
    }

    /// A recording without the trick ([`push_without`](Self::push_without)), then one with
    /// it ([`push`](Self::push)).
    pub fn pair(rate_hz: f64) -> Self {
        TrickAnalyzer {
            design: Design::Pair { started_s: None },
            trials: vec![Trial::new([0.0, 0.0])],
            ..Self::segments(rate_hz, &[])
        }
    }

    /// Tremor-band value of a sample, restarting the filters after gaps.
    fn tremor_band(&mut self, s: &AngleSample) -> Option<f64> {
        let gap = self
            .prev_s
            .is_none_or(|p| s.time_s - p > 0.1 || s.time_s <= p);
        self.prev_s = Some(s.time_s);
        let band = self.band.as_mut()?;
        if gap {
            band.iter_mut().for_each(Butterworth::reset);
        }
        let y: f64 = band
            .iter_mut()
            .zip(&s.angles_deg)
            .map(|(f, &x)| f.run(x).powi(2))
            .sum();
        Some(y)
    }

    fn add(&mut self, trial: usize, phase: Phase, s: &AngleSample, tremor_sq: Option<f64>) {
        let t = &mut self.trials[trial];
        let (hist, k) = match phase {
            Phase::Before => (&mut t.before, 0),
            Phase::During => (&mut t.during, 1),
        };
        for (h, &a) in hist.iter_mut().zip(&s.angles_deg) {
            h.push(a);
        }
        if let Some(y) = tremor_sq {
            t.tremor_sum_sq[k] += y;
            t.tremor_n[k] += 1;
        }
    }

    fn add_block(&mut self, trial: usize, s: &AngleSample) {
        let len = self.block_len;
        let t = &mut self.trials[trial];
        for (b, &a) in t.block_sum.iter_mut().zip(&s.angles_deg) {
            *b += a;
        }
        t.block_n += 1;
        if t.block_n == len {
            t.blocks.push(t.block_sum.map(|b| b / f64::from(len)));
            t.block_sum = [0.0; 3];
            t.block_n = 0;
        }
    }

    /// A sample of the without-trick recording (pair design).
    pub fn push_without(&mut self, s: &AngleSample) {
        let y = self.tremor_band(s);
        self.add(0, Phase::Before, s, y);
    }

    /// A sample of the recording (segments design) or of the with-trick recording (pair).
    pub fn push(&mut self, s: &AngleSample) {
        let y = self.tremor_band(s);
        let t = s.time_s;
        match &mut self.design {
            Design::Pair { started_s } => {
                if started_s.is_none() {
                    // The filters restart with the second recording.
                    *started_s = Some(t);
                    self.trials[0].span = [t, t];
                }
                let start = self.trials[0].span[0];
                self.trials[0].span[1] = t;
                if t >= start + ONSET_SETTLE_S {
                    self.add(0, Phase::During, s, y);
                }
                self.add_block(0, s);
            }
            Design::Segments => {
                for i in 0..self.trials.len() {
                    let [on, off] = self.trials[i].span;
                    let prev_off = if i > 0 {
                        self.trials[i - 1].span[1]
                    } else {
                        f64::NEG_INFINITY
                    };
                    let next_on = self.trials.get(i + 1).map_or(f64::INFINITY, |n| n.span[0]);
                    if t >= (on - BEFORE_S).max(prev_off) && t < on {
                        self.add(i, Phase::Before, s, y);
                    } else if t >= on + ONSET_SETTLE_S && t <= off {
                        self.add(i, Phase::During, s, y);
                    }
                    if t >= on && t < next_on.min(off + FOLLOW_AFTER_S) {
                        self.add_block(i, s);
                    }
                }
            }
        }
    }

    /// Seconds of samples in a phase.
    fn phase_s(&self, h: &[Histogram; 3]) -> f64 {
        h[0].count() as f64 / self.rate_hz
    }

    /// Why a trial cannot be assessed, if its baseline or trick phase is shorter than
    /// [`PHASE_MIN_S`].
    fn shortfall(&self, i: usize, t: &Trial) -> Option<NotAssessed> {
        let (before, during) = (self.phase_s(&t.before), self.phase_s(&t.during));
        if before >= PHASE_MIN_S && during >= PHASE_MIN_S {
            return None;
        }
        let reason = match self.design {
            Design::Segments => format!(
                "trick {} ({:.1}–{:.1} s): {} of baseline in the {BEFORE_S:.0} s before it and {} of trick after its first {ONSET_SETTLE_S:.0} s were recorded; each needs at least {PHASE_MIN_S:.0} s",
                i + 1,
                t.span[0],
                t.span[1],
                seconds(before),
                seconds(during)
            ),
            Design::Pair { .. } => format!(
                "the recording without the trick has {} and the one with it {} after its first {ONSET_SETTLE_S:.0} s; each needs at least {PHASE_MIN_S:.0} s",
                seconds(before),
                seconds(during)
            ),
        };
        Some(NotAssessed {
            figure: "sensory_trick".to_string(),
            had_s: before.min(during),
            needs_s: PHASE_MIN_S,
            reason,
        })
    }

    /// The sensory-trick result from the trials whose baseline and trick phases are long
    /// enough, and why each other trial was left out.
    pub fn snapshot(&self) -> (Option<SensoryTrick>, Vec<NotAssessed>) {
        let short: Vec<NotAssessed> = self
            .trials
            .iter()
            .enumerate()
            .filter_map(|(i, t)| self.shortfall(i, t))
            .collect();
        (self.result(), short)
    }

    fn result(&self) -> Option<SensoryTrick> {
        let medians = |h: &[Histogram; 3]| -> Option<[f64; 3]> {
            let m: Vec<f64> = h.iter().filter_map(|h| h.quantile(0.5)).collect();
            <[f64; 3]>::try_from(m).ok()
        };
        let done: Vec<(&Trial, [f64; 3], [f64; 3])> = self
            .trials
            .iter()
            .enumerate()
            .filter(|(i, t)| self.shortfall(*i, t).is_none())
            .filter_map(|(_, t)| Some((t, medians(&t.before)?, medians(&t.during)?)))
            .collect();
        // The axis of the largest deviation without the trick, over all trials.
        let axis = Axis::ALL.into_iter().max_by(|a, b| {
            let dev = |x: Axis| {
                done.iter()
                    .map(|(_, before, _)| before[x as usize].abs())
                    .sum::<f64>()
            };
            dev(*a).total_cmp(&dev(*b))
        })?;
        if done.is_empty() {
            return None;
        }
        let k = axis as usize;
        let trials: Vec<TrickTrial> = done
            .iter()
            .map(|(t, before, during)| trial_figures(t, before[k], during[k], k))
            .collect();
        let mut reliefs: Vec<f64> = trials.iter().map(|t| t.relief_percent).collect();
        reliefs.sort_by(f64::total_cmp);
        let relief_percent = reliefs.get(reliefs.len() / 2).copied();
        // "By one or more tricks": the best trial scores.
        let best = trials
            .iter()
            .max_by(|a, b| a.relief_percent.total_cmp(&b.relief_percent))?;
        let evidence = vec![
            Evidence::new(&format!("{axis} before"), best.before_deg, "deg"),
            Evidence::new(&format!("{axis} during"), best.during_deg, "deg"),
            Evidence::new("relief", best.relief_percent, "%"),
            Evidence::new("benefit lasted", best.benefit_s, "s"),
        ];
        let (twstrs, twstrs2) = items(best, evidence);
        Some(SensoryTrick {
            design: match self.design {
                Design::Segments => "segments",
                Design::Pair { .. } => "pair",
            }
            .to_string(),
            axis,
            trials,
            relief_percent,
            twstrs,
            twstrs2,
            note: format!(
                "Relief = reduction of the median deviation on the main axis; bands (Collis defaults, the scales give words only): complete ≥ {COMPLETE} %, moderate ≥ {MODERATE} %, mild ≥ {MILD} %, minimal ≥ {MINIMAL} %. Baseline: the {BEFORE_S} s before each onset (segments) or the recording without the trick (pair); the first {ONSET_SETTLE_S} s after onset are left out. Benefit: time from onset that the deviation stays at most halfway between before and during."
            ),
        })
    }
}

fn trial_figures(t: &Trial, before: f64, during: f64, k: usize) -> TrickTrial {
    let relief_percent = if before.abs() > 0.0 {
        100.0 * (before.abs() - during.abs()) / before.abs()
    } else {
        0.0
    };
    let amplitude = |i: usize| {
        (t.tremor_n[i] > 0).then(|| (2.0 * t.tremor_sum_sq[i] / t.tremor_n[i] as f64).sqrt())
    };
    TrickTrial {
        start_s: t.span[0],
        end_s: t.span[1],
        before_deg: before,
        during_deg: during,
        relief_percent,
        tremor_before_deg: amplitude(0),
        tremor_during_deg: amplitude(1),
        benefit_s: benefit_s(&t.blocks, before, during, k),
    }
}

/// Longest run of blocks from onset within halfway between `before` and `during` (one block
/// outside is tolerated: tremor and sway), seconds.
fn benefit_s(blocks: &[[f64; 3]], before: f64, during: f64, k: usize) -> f64 {
    let change = (before - during).abs();
    if change < MIN_CHANGE_DEG {
        return 0.0;
    }
    let within = |b: &[f64; 3]| (b[k] - during).abs() <= change / 2.0;
    let (mut best, mut run, mut misses) = (0usize, 0usize, 0usize);
    for b in blocks {
        if within(b) {
            run += misses + 1;
            misses = 0;
        } else if run > 0 && misses == 0 {
            misses = 1;
        } else {
            run = 0;
            misses = 0;
        }
        best = best.max(run);
    }
    best as f64 * BLOCK_S
}

/// TWSTRS (0–2) and TWSTRS-2 (0–4) scores for a trick's relief (%) and benefit time (s),
/// with the rule that gave each.
pub fn item_scores(relief_percent: f64, benefit_s: f64) -> ((u8, String), (u8, String)) {
    let r = relief_percent;
    let lasting = benefit_s >= TWSTRS2_MIN_BENEFIT_S;
    let twstrs = if r >= COMPLETE && lasting {
        (0, format!("complete relief (≥ {COMPLETE} %)"))
    } else if r >= MILD {
        (
            1,
            format!("partial or only limited relief ({MILD}–{COMPLETE} %, or shorter than {TWSTRS2_MIN_BENEFIT_S} s)"),
        )
    } else {
        (2, format!("little or no benefit (< {MILD} %)"))
    };
    let twstrs2 = if !lasting {
        (4, format!("improvement lasted < {TWSTRS2_MIN_BENEFIT_S} s"))
    } else if r >= COMPLETE {
        (0, format!("complete improvement (≥ {COMPLETE} %)"))
    } else if r >= MODERATE {
        (1, format!("moderate improvement ({MODERATE}–{COMPLETE} %)"))
    } else if r >= MILD {
        (2, format!("mild improvement ({MILD}–{MODERATE} %)"))
    } else if r >= MINIMAL {
        (3, format!("minimal improvement ({MINIMAL}–{MILD} %)"))
    } else {
        (4, format!("no improvement (< {MINIMAL} %)"))
    };
    (twstrs, twstrs2)
}

fn items(best: &TrickTrial, evidence: Vec<Evidence>) -> (TwstrsItem, TwstrsItem) {
    let ((score, rule), (score2, rule2)) = item_scores(best.relief_percent, best.benefit_s);
    let twstrs = TwstrsItem {
        score,
        max: 2,
        rule: format!("{rule}; TWSTRS effect of sensory tricks (Consky & Lang 1994)"),
        evidence: evidence.clone(),
    };
    let twstrs2 = TwstrsItem {
        score: score2,
        max: 4,
        rule: format!("{rule2}; TWSTRS-2 sensory trick item (Comella 2016)"),
        evidence,
    };
    (twstrs, twstrs2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::TAU;

    /// 30° torticollis with a 1° 4-Hz tremor; from 40 to 60 s a trick takes away `relief`
    /// of both (1-s ramps) and the benefit outlasts the trick by `carry` s.
    fn angle(t: f64, relief: f64, carry: f64) -> [f64; 3] {
        let on = ((t - 40.0) / 1.0).clamp(0.0, 1.0) - ((t - 60.0 - carry) / 1.0).clamp(0.0, 1.0);
        let factor = 1.0 - relief * on;
        [factor * (30.0 + (TAU * 4.0 * t).sin()), 2.0, 1.0]
    }

    fn run(trick: &mut TrickAnalyzer, relief: f64, carry: f64) {
        for k in 0..9000 {
            let t = k as f64 / 100.0;
            trick.push(&AngleSample {
                time_s: t,
                angles_deg: angle(t, relief, carry),
                confidence: 1.0,
            });
        }
    }

    #[test]
    fn a_partial_trick_is_measured_and_scored() {
        let mut trick = TrickAnalyzer::segments(100.0, &[[40.0, 60.0]]);
        run(&mut trick, 0.6, 4.0);
        let r = trick.snapshot().0.unwrap();
        assert_eq!(r.axis, Axis::Rotation);
        let t = &r.trials[0];
        assert!((t.before_deg - 30.0).abs() < 0.3, "{t:?}");
        assert!((t.during_deg - 12.0).abs() < 0.3, "{t:?}");
        assert!((t.relief_percent - 60.0).abs() < 1.5, "{t:?}");
        let tremor = t.tremor_during_deg.unwrap() / t.tremor_before_deg.unwrap();
        assert!((tremor - 0.4).abs() < 0.05, "{t:?}");
        // Halfway crossings: 0.5 s after onset, 0.5 s into the wear-off after the carry.
        assert!((t.benefit_s - 24.0).abs() <= 1.0, "{t:?}");
        assert_eq!((r.twstrs.score, r.twstrs2.score), (1, 1));
    }

    #[test]
    fn no_effect_scores_the_top_of_both_items() {
        let mut trick = TrickAnalyzer::segments(100.0, &[[40.0, 60.0]]);
        run(&mut trick, 0.0, 0.0);
        let r = trick.snapshot().0.unwrap();
        assert!(r.trials[0].relief_percent.abs() < 1.0);
        assert_eq!(r.trials[0].benefit_s, 0.0);
        assert_eq!((r.twstrs.score, r.twstrs2.score), (2, 4));
    }

    #[test]
    fn a_pair_compares_the_two_recordings() {
        let mut trick = TrickAnalyzer::pair(100.0);
        for k in 0..3000 {
            let t = k as f64 / 100.0;
            trick.push_without(&AngleSample {
                time_s: t,
                angles_deg: [25.0, -3.0, 0.0],
                confidence: 1.0,
            });
        }
        for k in 0..3000 {
            let t = 100.0 + k as f64 / 100.0;
            trick.push(&AngleSample {
                time_s: t,
                angles_deg: [2.0, -3.0, 0.0],
                confidence: 1.0,
            });
        }
        let r = trick.snapshot().0.unwrap();
        assert_eq!(r.design, "pair");
        assert!((r.trials[0].relief_percent - 92.0).abs() < 1.0);
        assert!(r.trials[0].benefit_s >= 29.0);
        assert_eq!((r.twstrs.score, r.twstrs2.score), (0, 0));
    }

    #[test]
    fn nothing_before_the_trick_gives_nothing_and_says_why() {
        let mut trick = TrickAnalyzer::segments(100.0, &[[0.0, 20.0]]);
        run(&mut trick, 0.5, 0.0);
        let (result, short) = trick.snapshot();
        assert!(result.is_none());
        assert_eq!(short.len(), 1);
        assert!(short[0].reason.contains("0.00 s of baseline"), "{short:?}");
    }

    /// Issue 19: a trick outside the recording, or phases of a few samples (a 2-row
    /// `--without` file read as 83 % relief), are not assessed; a long enough trial still is.
    #[test]
    fn phases_shorter_than_five_seconds_are_not_assessed() {
        let mut outside = TrickAnalyzer::segments(100.0, &[[100.0, 110.0]]);
        run(&mut outside, 0.5, 0.0);
        let (result, short) = outside.snapshot();
        assert!(result.is_none());
        assert!(short[0].reason.contains("0.00 s of trick"), "{short:?}");

        let mut pair = TrickAnalyzer::pair(100.0);
        for (k, t) in [0.0, 0.01].into_iter().enumerate() {
            pair.push_without(&AngleSample {
                time_s: t,
                angles_deg: [25.0 + k as f64, 0.0, 0.0],
                confidence: 1.0,
            });
        }
        for k in 0..3000 {
            pair.push(&AngleSample {
                time_s: 100.0 + k as f64 / 100.0,
                angles_deg: [4.0, 0.0, 0.0],
                confidence: 1.0,
            });
        }
        let (result, short) = pair.snapshot();
        assert!(result.is_none(), "{result:?}");
        assert!((short[0].had_s - 0.02).abs() < 1e-9, "{short:?}");

        // One trial too short, one long enough: the long one is scored, the short one listed.
        let mut two = TrickAnalyzer::segments(100.0, &[[20.0, 23.0], [40.0, 60.0]]);
        run(&mut two, 0.6, 0.0);
        let (result, short) = two.snapshot();
        assert_eq!(result.unwrap().trials.len(), 1);
        assert_eq!(short.len(), 1);
        assert!(
            short[0].reason.starts_with("trick 1 (20.0–23.0 s)"),
            "{short:?}"
        );
    }
}
