//! The analysis stage: one streaming pass over head-angle samples feeding every analysis.
//!
//! Pure: no I/O, no clock. Feed samples with [`Analyzer::push`] (a live stream or a file) and
//! ask for [`Analyzer::snapshot`] at any time. Memory does not grow with the recording except
//! for the list of detected events.

use crate::hold::HoldTracker;
use crate::jerks::JerkDetector;
use crate::motion::VelocityAcc;
use crate::posture::AngleDistribution;
use crate::spasms::SpasmDetector;
use crate::tremor::TremorAnalyzer;
use crate::twstrs;
use collis_core::results::{Measurements, Task};
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
    spasms: SpasmDetector,
    hold: HoldTracker,
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
            spasms: SpasmDetector::new(cfg.rate_hz),
            hold: HoldTracker::new(cfg.rate_hz, referenced),
        }
    }

    fn excluded(&self, t: f64) -> bool {
        self.cfg.exclude_s.is_some_and(|[a, b]| t >= a && t <= b)
    }

    /// Feed one sample. Samples without a valid angle (confidence 0, NaN) are gaps.
    #[inline]
    pub fn push(&mut self, s: &AngleSample) {
        if self.excluded(s.time_s) {
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
            }
            None => {
                if self.dist.count() > 0 && !self.resumed {
                    self.gaps += 1;
                }
                self.resumed = false;
                self.tremor.restart();
                self.jerks.restart();
                self.spasms.restart();
            }
        }
        self.dist.push(a);
        self.hold.push(a);
        self.tremor.push(s.time_s, a);
        self.spasms.push(s.time_s, a);
        self.prev = Some(*s);
    }

    pub fn snapshot(&self) -> Analysis {
        let posture = self.dist.posture(self.cfg.rate_hz);
        let neutral_hold = self.hold.snapshot();
        let twstrs = twstrs::score(
            &posture,
            &neutral_hold,
            self.hold.deviation(),
            self.cfg.task == Task::HoldNeutral,
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
        Analysis {
            measurements: Measurements {
                motion: self.velocity.motion(&self.dist),
                posture,
                tremor: self.tremor.snapshot(),
                jerks: self.jerks.snapshot(),
                spasms: self.spasms.snapshot(),
                neutral_hold,
                twstrs,
            },
            warnings,
        }
    }
}
