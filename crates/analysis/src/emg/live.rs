//! A live EMG biofeedback session, block by block: a rest calibration, then each muscle's
//! envelope as a level with a cue against its target. Pure: no clock, no I/O.
//!
//! 1. Rest (the first `rest_s` seconds, the patient sitting relaxed): the blocks go through
//!    the [`Calibrator`] of the file analysis with that segment as the baseline, so mains
//!    hum and the resting envelope (mean, SD) are found exactly as `collis analyze
//!    --emg-rest 0:REST` finds them. The raw rest samples are kept (at most
//!    [`MAX_REST_S`] seconds) and replayed through each channel's [`Conditioner`] when the
//!    rest ends, so the envelope runs on without a filter start-up.
//! 2. Exercise: per channel the 25-ms envelope of the conditioner (notch, 20–450 Hz
//!    band-pass, moving RMS), as a level in multiples of the resting level or, with an MVC
//!    reference, in % MVC; each chosen muscle gets a [`LevelCue`] from its target
//!    ([`crate::feedback`], the cue system of position feedback), and the time its level
//!    spends within the target is counted sample by sample.
//!
//! Default targets come from the burst detection of the file analysis ([`super::bursts`],
//! Hodges & Bui 1996): relax keeps the envelope below the onset threshold (resting mean +
//! 3 SD: what the analysis would not call a burst); activate brings it above the
//! confirmation level (mean + 7 SD: what the analysis counts as a definite burst). A
//! therapist may set another level (× rest or % MVC); clinical.md gives no published
//! target level for neck-muscle EMG biofeedback (Jahanshahi 1991 lowered SCM EMG without
//! one).

use super::bursts::{H_CONFIRM_SD, H_SD};
use super::conditioner::Conditioner;
use super::{Calibration, Calibrator, EmgSetup};
use crate::feedback::{LevelCue, LevelGoal, LevelTarget};
use collis_core::emg::{EmgExerciseOutcome, EmgTargetTime};
use serde::Serialize;

/// Longest rest calibration, s (its raw samples are held).
pub const MAX_REST_S: f64 = 60.0;

/// What the muscles should do after the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EmgExercise {
    /// Keep each chosen muscle's envelope below its target.
    Relax,
    /// Bring each chosen muscle's envelope above its target and hold it there.
    Activate,
}

/// A checked live EMG session.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveEmgConfig {
    pub setup: EmgSetup,
    /// Seconds of rest at the start (the baseline).
    pub rest_s: f64,
    pub exercise: EmgExercise,
    /// Which channels get a cue (the others are shown, not scored).
    pub chosen: Vec<bool>,
    /// Target level in the channels' scale (× rest, or % MVC); `None`: the default above.
    pub target: Option<f64>,
    pub quiet_when_good: bool,
}

/// One channel's level now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MuscleLevel {
    pub label: String,
    /// Envelope in `scale`.
    pub level: f64,
    /// `x_baseline` or `pct_mvc`.
    pub scale: &'static str,
    /// The cue of a chosen muscle.
    pub cue: Option<LevelCue>,
}

/// What a block gave.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveEmgOutput {
    Resting { remaining_s: f64 },
    Exercise { levels: Vec<MuscleLevel> },
}

struct Channel {
    cond: Conditioner,
    /// Divides the envelope into the level.
    scale: f64,
    scale_name: &'static str,
    target: Option<LevelTarget>,
    level: f64,
    in_target: u64,
}

/// A live EMG session.
pub struct LiveEmg {
    cfg: LiveEmgConfig,
    rest_samples: u64,
    calibrator: Option<Calibrator>,
    rest_raw: Vec<Vec<f64>>,
    channels: Vec<Channel>,
    /// Samples per channel taken so far, and in the exercise.
    index: u64,
    exercise_samples: u64,
}

impl LiveEmg {
    pub fn new(cfg: LiveEmgConfig) -> Result<Self, crate::PipelineError> {
        let rest_s = cfg.rest_s.clamp(0.0, MAX_REST_S);
        let mut setup = cfg.setup.clone();
        setup.baseline_s = Some([0.0, rest_s]);
        let rate = setup.channels.first().map_or(0.0, |c| c.rate_hz);
        Ok(LiveEmg {
            calibrator: Some(Calibrator::new(&setup)?),
            rest_samples: (rest_s * rate).round() as u64,
            rest_raw: vec![Vec::new(); setup.channels.len()],
            channels: Vec::new(),
            index: 0,
            exercise_samples: 0,
            cfg,
        })
    }

    /// Whether the rest calibration is over.
    pub fn exercising(&self) -> bool {
        self.calibrator.is_none()
    }

    /// One block: per channel, the samples of the same span of time (equal lengths).
    pub fn push_block(
        &mut self,
        block: &[Vec<f64>],
    ) -> Result<LiveEmgOutput, crate::PipelineError> {
        let n = block.iter().map(Vec::len).min().unwrap_or(0);
        let mut from = 0;
        if let Some(cal) = &mut self.calibrator {
            let take = (self.rest_samples - self.index).min(n as u64) as usize;
            let rest: Vec<Vec<f64>> = block.iter().map(|c| c[..take].to_vec()).collect();
            cal.push_block(&rest);
            for (raw, r) in self.rest_raw.iter_mut().zip(rest) {
                raw.extend(r);
            }
            self.index += take as u64;
            from = take;
            if self.index < self.rest_samples {
                let rate = self.cfg.setup.channels[0].rate_hz;
                return Ok(LiveEmgOutput::Resting {
                    remaining_s: (self.rest_samples - self.index) as f64 / rate,
                });
            }
            let cal = self.calibrator.take().expect("checked above").finish()?;
            self.start(&cal)?;
        }
        for (c, samples) in self.channels.iter_mut().zip(block) {
            for &x in &samples[from..n] {
                if let (_, Some(e)) = c.cond.push(x) {
                    c.level = e / c.scale;
                }
                if let Some(t) = &c.target {
                    c.in_target += u64::from(t.cue(c.level).in_zone);
                }
            }
        }
        self.index += (n - from) as u64;
        self.exercise_samples += (n - from) as u64;
        Ok(LiveEmgOutput::Exercise {
            levels: self
                .cfg
                .setup
                .channels
                .iter()
                .zip(&self.channels)
                .map(|(s, c)| MuscleLevel {
                    label: s.label.clone(),
                    level: c.level,
                    scale: c.scale_name,
                    cue: c.target.map(|t| t.cue(c.level)),
                })
                .collect(),
        })
    }

    /// The rest is over: conditioners primed as the file analysis primes them, brought up to
    /// now with the rest samples; scales and targets from the resting level.
    fn start(&mut self, cal: &Calibration) -> Result<(), crate::PipelineError> {
        let raw = std::mem::take(&mut self.rest_raw);
        for (((s, c), raw), &chosen) in self
            .cfg
            .setup
            .channels
            .iter()
            .zip(&cal.channels)
            .zip(raw)
            .zip(&self.cfg.chosen)
        {
            let mut cond = Conditioner::new(s.rate_hz, c.mains_hz, &c.prime).map_err(|_| {
                crate::PipelineError::EmgRateTooLow {
                    label: s.label.clone(),
                    rate_hz: s.rate_hz,
                }
            })?;
            let mut last = None;
            for x in raw {
                last = cond.push(x).1.or(last);
            }
            let (scale, scale_name) = match s.mvc_rms.filter(|m| *m > 0.0) {
                Some(m) => (m / 100.0, "pct_mvc"),
                None => (c.rest_rms.max(f64::MIN_POSITIVE), "x_baseline"),
            };
            let (goal, sd) = match self.cfg.exercise {
                EmgExercise::Relax => (LevelGoal::Below, H_SD),
                EmgExercise::Activate => (LevelGoal::Above, H_CONFIRM_SD),
            };
            let target = self
                .cfg
                .target
                .unwrap_or((c.rest_rms + sd * c.rest_sd) / scale);
            self.channels.push(Channel {
                level: last.unwrap_or(0.0) / scale,
                cond,
                scale,
                scale_name,
                target: chosen.then_some(LevelTarget {
                    goal,
                    target,
                    quiet_when_good: self.cfg.quiet_when_good,
                }),
                in_target: 0,
            });
        }
        Ok(())
    }

    /// The exercise so far: time within target of each chosen muscle.
    pub fn outcome(&self) -> EmgExerciseOutcome {
        let rate = self.cfg.setup.channels.first().map_or(1.0, |c| c.rate_hz);
        let muscles = self
            .cfg
            .setup
            .channels
            .iter()
            .zip(&self.channels)
            .filter_map(|(s, c)| {
                let t = c.target?;
                Some(EmgTargetTime {
                    label: s.label.clone(),
                    target: t.target,
                    scale: c.scale_name.to_string(),
                    seconds_in_target: c.in_target as f64 / rate,
                    fraction_in_target: c.in_target as f64 / self.exercise_samples.max(1) as f64,
                })
            })
            .collect();
        EmgExerciseOutcome {
            exercise: match self.cfg.exercise {
                EmgExercise::Relax => "relax",
                EmgExercise::Activate => "activate",
            }
            .to_string(),
            seconds: self.exercise_s(),
            muscles,
        }
    }

    /// Seconds since the rest ended.
    pub fn exercise_s(&self) -> f64 {
        let rate = self.cfg.setup.channels.first().map_or(1.0, |c| c.rate_hz);
        self.exercise_samples as f64 / rate
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emg::tests::setup_for;
    use collis_sim::{simulate_emg, EmgChannelSpec, EmgSimOptions};

    /// 10 s of rest, then bursts on SCM-L only.
    fn sim() -> collis_sim::EmgSim {
        let spec = |label: &str, bursts: Vec<[f64; 2]>| EmgChannelSpec {
            label: label.to_string(),
            amplitude_uv: 80.0,
            bursts,
        };
        simulate_emg(&EmgSimOptions {
            duration_s: 20.0,
            channels: vec![
                spec("SCM-L", vec![[12.0, 13.0], [15.0, 15.5], [17.0, 18.5]]),
                spec("SCM-R", Vec::new()),
            ],
            ..EmgSimOptions::neck(7)
        })
    }

    fn run(exercise: EmgExercise) -> (collis_sim::EmgSim, Vec<(f64, Vec<bool>)>, LiveEmg) {
        let sim = sim();
        let mut live = LiveEmg::new(LiveEmgConfig {
            setup: setup_for(&sim),
            rest_s: 10.0,
            exercise,
            chosen: vec![true, true],
            target: None,
            quiet_when_good: true,
        })
        .unwrap();
        let block = 40;
        let mut cues = Vec::new();
        for k in 0..sim.data[0].len() / block {
            let b: Vec<Vec<f64>> = sim
                .data
                .iter()
                .map(|c| c[k * block..(k + 1) * block].to_vec())
                .collect();
            let t = ((k + 1) * block) as f64 / sim.rate_hz;
            match live.push_block(&b).unwrap() {
                LiveEmgOutput::Resting { remaining_s } => {
                    assert!((remaining_s - (10.0 - t)).abs() < 1e-9)
                }
                LiveEmgOutput::Exercise { levels } => {
                    cues.push((t, levels.iter().map(|l| l.cue.unwrap().in_zone).collect()))
                }
            }
        }
        (sim, cues, live)
    }

    #[test]
    fn relax_cues_leave_the_zone_in_bursts_and_time_in_target_is_counted() {
        let (sim, cues, live) = run(EmgExercise::Relax);
        let bursts = &sim.truth[0].bursts;
        for b in bursts {
            let first_out = cues
                .iter()
                .find(|(t, c)| *t >= b[0] && !c[0])
                .map(|(t, _)| t - b[0])
                .unwrap();
            assert!(first_out <= 0.15, "{b:?}: {first_out} s");
        }
        let inside = |t: f64| bursts.iter().any(|b| t > b[0] + 0.1 && t < b[1]);
        assert!(cues.iter().filter(|(t, _)| inside(*t)).all(|(_, c)| !c[0]));
        // The quiet channel stays in the zone nearly all the time.
        let out = cues.iter().filter(|(_, c)| !c[1]).count();
        assert!(out * 100 < cues.len(), "{out} of {}", cues.len());
        let o = live.outcome().muscles;
        assert_eq!(o.len(), 2);
        let burst_s: f64 = bursts.iter().map(|b| b[1] - b[0]).sum();
        assert!(
            ((10.0 - o[0].seconds_in_target) - burst_s).abs() < 0.3,
            "{o:?}"
        );
        assert!(o[1].fraction_in_target > 0.98, "{o:?}");
        assert!((live.exercise_s() - 10.0).abs() < 1e-9);
    }

    #[test]
    fn activate_cues_enter_the_zone_in_bursts_only() {
        let (sim, cues, _) = run(EmgExercise::Activate);
        let bursts = &sim.truth[0].bursts;
        let inside = |t: f64| bursts.iter().any(|b| t > b[0] + 0.1 && t < b[1]);
        let far = |t: f64| bursts.iter().all(|b| t < b[0] || t > b[1] + 0.2);
        assert!(cues.iter().filter(|(t, _)| inside(*t)).all(|(_, c)| c[0]));
        assert!(cues.iter().filter(|(t, _)| far(*t)).all(|(_, c)| !c[0]));
    }
}
