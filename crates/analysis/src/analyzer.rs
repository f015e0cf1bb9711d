//! The analysis stage: one streaming pass over head-angle samples feeding every analysis.
//!
//! Pure: no I/O, no clock. Feed samples with [`Analyzer::push`] (a live stream or a file) and
//! ask for [`Analyzer::snapshot`] at any time. Memory does not grow with the recording except
//! for the list of detected events.

use crate::hold::HoldTracker;
use crate::jerks::JerkDetector;
use crate::motion::VelocityAcc;
use crate::pattern::{self, Features, SlowMovement};
use crate::posture::AngleDistribution;
use crate::rom::RomTracker;
use crate::sensory_trick::TrickAnalyzer;
use crate::spasms::SpasmDetector;
use crate::sufficiency::Shortfall;
use crate::trace::TraceBuilder;
use crate::tremor::TremorAnalyzer;
use crate::twstrs;
use crate::uncertainty::{Uncertainty, UncertaintyConfig};
use collis_core::results::{Measurements, NotAssessed, Task};
use collis_core::AngleSample;

/// What the analysis needs to know about the stream.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnalysisConfig {
    pub rate_hz: f64,
    /// Whether rotation has a reference (tilt and flexion always have one).
    pub rotation_referenced: bool,
    /// Samples in this window (the neutral reference segment) are left out.
    pub exclude_s: Option<[f64; 2]>,
    pub task: Task,
}

/// Every analysis of a stream of head angles, and what the reader must know about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub measurements: Measurements,
    pub warnings: Vec<String>,
}

pub struct Analyzer {
    cfg: AnalysisConfig,
    max_step_s: f64,
    prev: Option<AngleSample>,
    resumed: bool,
    gaps: u64,
    dist: AngleDistribution,
    velocity: VelocityAcc,
    tremor: TremorAnalyzer,
    jerks: JerkDetector,
    jerks_seen: usize,
    spasms: SpasmDetector,
    hold: HoldTracker,
    rom: RomTracker,
    trace: TraceBuilder,
    slow: SlowMovement,
    trick: Option<TrickAnalyzer>,
    uncertainty: Option<Uncertainty>,
}

impl Analyzer {
    pub fn new(cfg: AnalysisConfig) -> Self {
        let referenced = [cfg.rotation_referenced, true, true];
        Analyzer {
            cfg,
            max_step_s: 3.0 / cfg.rate_hz,
            prev: None,
            resumed: false,
            gaps: 0,
            dist: AngleDistribution::new(referenced),
            velocity: VelocityAcc::default(),
            tremor: TremorAnalyzer::new(cfg.rate_hz),
            jerks: JerkDetector::new(cfg.rate_hz),
            jerks_seen: 0,
            spasms: SpasmDetector::new(cfg.rate_hz),
            hold: HoldTracker::new(cfg.rate_hz, referenced),
            rom: RomTracker::new(cfg.rate_hz),
            trace: TraceBuilder::default(),
            slow: SlowMovement::new(cfg.rate_hz),
            trick: None,
            uncertainty: None,
        }
    }

    /// Also bound the posture figures' errors (and leave unscored the items they could change
    /// by more than one band).
    pub fn with_uncertainty(mut self, cfg: UncertaintyConfig) -> Self {
        self.uncertainty = Some(Uncertainty::new(cfg));
        self
    }

    /// Change how the uncertainty is built before the snapshot (what the orientation found
    /// only after the stream: the source of the gyroscope bias).
    pub fn set_uncertainty_method(&mut self, method: crate::uncertainty::Method) {
        if let Some(u) = &mut self.uncertainty {
            u.set_method(method);
        }
    }

    /// Also measure a sensory trick (marked segments, or the with-trick half of a pair).
    pub fn with_trick(mut self, trick: TrickAnalyzer) -> Self {
        self.trick = Some(trick);
        self
    }

    fn excluded(&self, t: f64) -> bool {
        self.cfg.exclude_s.is_some_and(|[a, b]| t >= a && t <= b)
    }

    /// Feed one sample. Samples without a valid angle (confidence 0, NaN) are gaps.
    #[inline]
    pub fn push(&mut self, s: &AngleSample) {
        if self.excluded(s.time_s) {
            if let Some(u) = &mut self.uncertainty {
                u.push_reference(s.time_s, &s.angles_deg);
            }
            // Leaving the reference segment restarts the filters but is not a gap.
            self.prev = None;
            self.resumed = true;
            return;
        }
        let valid = s.confidence > 0.0 && s.angles_deg.iter().all(|a| a.is_finite());
        if !valid {
            self.prev = None;
            return;
        }
        let a = &s.angles_deg;
        let continuous = self.prev.and_then(|p| {
            let dt = s.time_s - p.time_s;
            (dt > 0.0 && dt <= self.max_step_s).then_some((p, dt))
        });
        match continuous {
            Some((p, dt)) => {
                let v: [f64; 3] = std::array::from_fn(|i| (a[i] - p.angles_deg[i]) / dt);
                self.velocity.push(&v);
                self.jerks.push(s.time_s, a, &v);
                // A new jerk: the tremor analysis leaves its blocks out.
                if let Some(e) = self.jerks.events().get(self.jerks_seen) {
                    self.tremor.exclude(e.time_s, e.time_s + e.duration_s);
                    self.jerks_seen += 1;
                }
            }
            None => {
                if self.dist.count() > 0 && !self.resumed {
                    self.gaps += 1;
                }
                self.resumed = false;
                self.tremor.restart();
                self.jerks.restart();
                self.spasms.restart();
                self.slow.restart();
                self.rom.restart();
            }
        }
        self.dist.push(a);
        if let Some(u) = &mut self.uncertainty {
            u.push_analysed(s.time_s);
        }
        self.hold.push(a);
        self.rom.push(a);
        self.trace.push(s.time_s, a);
        self.tremor.push(s.time_s, a);
        self.spasms.push(s.time_s, a);
        self.slow.push(s.time_s, a);
        if let Some(trick) = &mut self.trick {
            trick.push(s);
        }
        self.prev = Some(*s);
    }

    pub fn snapshot(&self) -> Analysis {
        let mut posture = self.dist.posture(self.cfg.rate_hz);
        if let Some(u) = &self.uncertainty {
            u.apply(&mut posture);
        }
        // What the analysed duration cannot support is left out, with the reason.
        let shortfall = Shortfall::new(posture.analysed_s);
        let mut not_assessed = Vec::new();
        shortfall.posture(&mut posture, &mut not_assessed);
        let neutral_hold = self.hold.snapshot();
        let mut twstrs = twstrs::score(
            &posture,
            &neutral_hold,
            self.hold.deviation(),
            self.cfg.task == Task::HoldNeutral,
            self.uncertainty.as_ref().map(Uncertainty::method),
        );
        let range_of_motion = (self.cfg.task == Task::Rom)
            .then(|| self.rom.snapshot(self.cfg.rotation_referenced))
            .flatten();
        twstrs.range_of_motion = range_of_motion.as_ref().and_then(crate::rom::twstrs_item);
        shortfall.twstrs(
            &mut twstrs,
            [self.cfg.rotation_referenced, true, true],
            &neutral_hold,
        );
        let mut warnings = Vec::new();
        if self.gaps > 0 {
            warnings.push(format!(
                "{} gap(s) in the angle stream: filters restarted after each",
                self.gaps
            ));
        }
        if self.dist.count() == 0 {
            warnings.push("no samples were analysed (all excluded or invalid)".to_string());
        }
        let mut tremor = self.tremor.snapshot();
        shortfall.tremor(&mut tremor, &mut not_assessed);
        let sensory_trick = self.trick.as_ref().and_then(|t| {
            let (result, short) = t.snapshot();
            not_assessed.extend(short);
            result
        });
        let mut measurements = Measurements {
            motion: self.velocity.motion(&self.dist),
            posture,
            tremor,
            jerks: self.jerks.snapshot(),
            spasms: self.spasms.snapshot(),
            neutral_hold,
            twstrs,
            pattern: None,
            sensory_trick,
            emg: None,
            range_of_motion,
            trace: self.trace.snapshot(),
            not_assessed: Vec::new(),
        };
        if self.cfg.task != Task::Rest {
            // The profile reads involuntary movement; in an exercise or a trial the movement
            // is asked for (a range-of-motion turn reads as chorea, a trick as a jerk).
            not_assessed.push(NotAssessed {
                figure: "pattern".into(),
                had_s: measurements.posture.analysed_s,
                needs_s: 0.0,
                reason: format!(
                    "profiled at rest only: a {} recording holds movement the patient was asked for",
                    self.cfg.task.name()
                ),
            });
        } else if self.dist.count() > 0 {
            let features = Features::new(
                &measurements,
                self.tremor.shape(),
                self.slow.figures(),
                self.cfg.task,
                self.cfg.rotation_referenced,
            );
            measurements.pattern = Some(pattern::profile(&features));
        }
        shortfall.pattern(&mut measurements.pattern, &mut not_assessed);
        measurements.not_assessed = not_assessed;
        Analysis {
            measurements,
            warnings,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    fn analyse(f: impl Fn(f64) -> [f64; 3]) -> Analysis {
        analyse_for(90.0, Task::Rest, f)
    }

    fn analyse_for(seconds: f64, task: Task, f: impl Fn(f64) -> [f64; 3]) -> Analysis {
        let rate = 100.0;
        let mut a = Analyzer::new(AnalysisConfig {
            rate_hz: rate,
            rotation_referenced: true,
            exclude_s: None,
            task,
        });
        for i in 0..(seconds * rate) as usize {
            let t = i as f64 / rate;
            a.push(&AngleSample {
                time_s: t,
                angles_deg: f(t),
                confidence: 1.0,
            });
        }
        a.snapshot()
    }

    /// 12° out-and-back jerks of 150 ms on rotation, every 3.7 s.
    fn jerks(t: f64) -> f64 {
        let phase = t % 3.7;
        if t > 3.0 && phase < 0.15 {
            12.0 * 0.5 * (1.0 - (2.0 * PI * phase / 0.15).cos())
        } else {
            0.0
        }
    }

    #[test]
    fn jerks_neither_make_nor_inflate_a_tremor() {
        let with_tremor = analyse(|t| [20.0 + jerks(t) + (2.0 * PI * 4.5 * t).sin(), 0.0, 0.0]);
        let m = &with_tremor.measurements;
        assert!(m.tremor.present, "{}", m.tremor.criterion);
        // Sinusoid-equivalent amplitude of the 1° tremor, jerks left out.
        let amp = m.tremor.amplitude_deg.unwrap();
        assert!(
            (amp - 1.0).abs() < 0.05,
            "{amp} {} jerks {}",
            m.tremor.criterion,
            m.jerks.count
        );
        assert!(m.jerks.count >= 22, "{}", m.jerks.count);
        let jerks_only = analyse(|t| [20.0 + jerks(t), 0.0, 0.0]);
        let m = &jerks_only.measurements;
        assert!(!m.tremor.present, "{}", m.tremor.criterion);
        assert!(m.jerks.count >= 22, "{}", m.jerks.count);
    }

    /// Issue 19: a 0.02-s recording read "TWSTRS 0/16, within normal limits". Below each
    /// figure's minimum it is absent with the reason, and no item is scored.
    #[test]
    fn too_short_recordings_score_nothing() {
        let m = analyse_for(0.02, Task::Rest, |_| [30.0, 20.0, 0.0]).measurements;
        assert_eq!(m.posture.tilt_deg, None);
        assert_eq!(m.posture.rotation_deg, None);
        assert!(m.twstrs.laterocollis.is_none() && m.twstrs.duration_factor.is_none());
        assert_eq!(
            (m.twstrs.machine_subtotal, m.twstrs.machine_subtotal_max),
            (0, 0)
        );
        assert!(m.pattern.is_none());
        assert!(!m.tremor.present && m.tremor.criterion.starts_with("not analysed"));
        let figures: Vec<&str> = m.not_assessed.iter().map(|n| n.figure.as_str()).collect();
        assert_eq!(figures, ["posture", "tremor", "pattern"]);
        let items: Vec<&str> = m.twstrs.unscored.iter().map(|u| u.item.as_str()).collect();
        assert_eq!(
            items,
            [
                "rotation",
                "laterocollis",
                "antero_retrocollis",
                "duration_factor"
            ]
        );

        // 20 s: posture and tremor, not yet the duration factor or the pattern.
        let m = analyse_for(20.0, Task::Rest, |_| [30.0, 20.0, 0.0]).measurements;
        assert_eq!(m.twstrs.rotation.as_ref().map(|i| i.score), Some(2));
        assert!(m.twstrs.duration_factor.is_none() && m.pattern.is_none());
        assert_eq!(m.twstrs.machine_subtotal_max, 10);
        // 40 s: everything.
        let m = analyse_for(40.0, Task::Rest, |_| [30.0, 20.0, 0.0]).measurements;
        assert!(m.not_assessed.is_empty() && m.pattern.is_some());
        assert_eq!(m.twstrs.machine_subtotal_max, 20);
    }

    /// Issue 20: a 13-s exercise was labelled "choreiform movement". Exercises and trials get
    /// no pattern profile, whatever their length; the reason says why.
    #[test]
    fn exercises_get_no_pattern_profile() {
        for task in [
            Task::HoldNeutral,
            Task::Rom,
            Task::SensoryTrick,
            Task::Exercise,
        ] {
            let m = analyse_for(60.0, task, |t| [40.0 * (0.5 * t).sin(), 0.0, 0.0]).measurements;
            assert!(m.pattern.is_none(), "{task:?}");
            let n = m
                .not_assessed
                .iter()
                .find(|n| n.figure == "pattern")
                .unwrap();
            assert!(n.reason.contains("at rest only"), "{}", n.reason);
        }
    }

    /// A hold task whose recording stops while the head is still within 10°: the item would
    /// score the recording's length, so it is left unscored; a hold that ends is scored.
    #[test]
    fn a_hold_cut_short_by_the_recording_is_not_scored() {
        let m = analyse_for(40.0, Task::HoldNeutral, |_| [2.0, 1.0, 0.0]).measurements;
        assert!(m.twstrs.hold_within_10deg.is_none());
        assert!(m
            .twstrs
            .unscored
            .iter()
            .any(|u| u.item == "hold_within_10deg"));
        let m = analyse_for(40.0, Task::HoldNeutral, |t| {
            [if t < 20.0 { 2.0 } else { 25.0 }, 1.0, 0.0]
        })
        .measurements;
        assert_eq!(m.twstrs.hold_within_10deg.map(|i| i.score), Some(3));
    }
}
