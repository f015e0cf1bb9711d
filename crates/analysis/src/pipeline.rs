//! The inertial pipeline: head (and optional trunk) IMU samples → orientation → head angles.
//!
//! Pure over iterators, so the same code serves a file and a live stream. A trunk stream is
//! aligned to the head stream by time (the latest trunk sample at or before each head sample);
//! every trunk sample still goes through its own orientation filter.

use crate::analyzer::{Analysis, AnalysisConfig, Analyzer};
use crate::head_angles::{HeadAngleStage, QuatMean};
use crate::orientation::{BiasRegression, Orientation};
use collis_core::results::{Reference, ReferenceKind, Task};
use collis_core::{AngleSample, ImuSample, Mounting};
use nalgebra::UnitQuaternion;

/// How the head (and trunk) sensors are read and referenced.
#[derive(Debug, Clone, PartialEq)]
pub struct ImuConfig {
    pub rate_hz: f64,
    pub trunk_rate_hz: f64,
    /// Fuse the magnetometer where the samples have one (9D).
    pub use_mag: bool,
    pub mounting: Mounting,
    pub trunk_mounting: Mounting,
    /// Seconds `[start, end]` where the head was held in neutral.
    pub neutral_s: Option<[f64; 2]>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PipelineError {
    #[error("the neutral segment {0:.2}–{1:.2} s holds no samples")]
    EmptyNeutral(f64, f64),
    #[error("without magnetometers the head and trunk headings are unrelated: give a neutral segment (--neutral START:END) to reference rotation")]
    TrunkNeedsReference,
    #[error("no EMG channel to analyse")]
    NoEmgChannel,
    #[error(
        "EMG channel '{label}' is sampled at {rate_hz} Hz: surface EMG needs at least {} Hz",
        crate::emg::MIN_RATE_HZ
    )]
    EmgRateTooLow { label: String, rate_hz: f64 },
    #[error("the EMG rest segment {0:.2}–{1:.2} s holds no samples")]
    EmptyEmgBaseline(f64, f64),
}

/// The reference the angles will have, given the configuration and which sensors have a
/// magnetometer.
pub fn reference(
    cfg: &ImuConfig,
    head_mag: bool,
    trunk_mag: Option<bool>,
) -> Result<Reference, PipelineError> {
    let nine_d = |m: bool| cfg.use_mag && m;
    Ok(match (cfg.neutral_s, trunk_mag) {
        (Some([a, b]), Some(_)) => Reference {
            kind: ReferenceKind::Trunk,
            neutral_s: Some([a, b]),
            rotation_referenced: true,
            description: format!("head-on-trunk angles relative to the neutral segment {a:.1}–{b:.1} s"),
        },
        (Some([a, b]), None) => Reference {
            kind: ReferenceKind::Neutral,
            neutral_s: Some([a, b]),
            rotation_referenced: true,
            description: format!(
                "relative to the mean head orientation in the neutral segment {a:.1}–{b:.1} s{}",
                if nine_d(head_mag) { "" } else { " (6D: rotation may drift slowly with gyroscope bias)" }
            ),
        },
        (None, Some(t)) => {
            if !(nine_d(head_mag) && nine_d(t)) {
                return Err(PipelineError::TrunkNeedsReference);
            }
            Reference {
                kind: ReferenceKind::Trunk,
                neutral_s: None,
                rotation_referenced: true,
                description: "head-on-trunk angles (both sensors 9D, headings from the magnetometers), zero = sensor mountings aligned".to_string(),
            }
        }
        (None, None) => Reference {
            kind: ReferenceKind::Gravity,
            neutral_s: None,
            rotation_referenced: false,
            description: "tilt and flexion against gravity, as far as the sensor axes sit on the head as given by --axes; rotation unreferenced (no neutral segment or trunk sensor)".to_string(),
        },
    })
}

/// Follows the trunk sensor's orientation up to a given time.
struct TrunkTracker<J> {
    samples: J,
    pending: Option<ImuSample>,
    orientation: Orientation,
    current: Option<UnitQuaternion<f64>>,
}

impl<J, E> TrunkTracker<J>
where
    J: Iterator<Item = Result<ImuSample, E>>,
{
    fn advance_to(&mut self, time_s: f64) -> Result<Option<UnitQuaternion<f64>>, E> {
        loop {
            let s = match self.pending.take() {
                Some(s) => s,
                None => match self.samples.next() {
                    Some(r) => r?,
                    None => break,
                },
            };
            if s.time_s > time_s {
                self.pending = Some(s);
                break;
            }
            self.current = Some(self.orientation.update(&s));
        }
        Ok(self.current)
    }
}

/// Streams head angles from IMU samples.
pub struct AngleStream<I, J> {
    head: I,
    trunk: Option<TrunkTracker<J>>,
    orientation: Orientation,
    stage: HeadAngleStage,
    neutral: Option<[f64; 2]>,
    mag_disturbed_samples: u64,
}

impl<I, J, E> AngleStream<I, J>
where
    I: Iterator<Item = Result<ImuSample, E>>,
    J: Iterator<Item = Result<ImuSample, E>>,
{
    pub fn new(head: I, trunk: Option<J>, cfg: &ImuConfig) -> Self {
        AngleStream {
            head,
            trunk: trunk.map(|t| TrunkTracker {
                samples: t,
                pending: None,
                orientation: Orientation::for_head(cfg.trunk_rate_hz, cfg.use_mag, None),
                current: None,
            }),
            orientation: Orientation::for_head(cfg.rate_hz, cfg.use_mag, None),
            stage: HeadAngleStage::new(&cfg.mounting, &cfg.trunk_mounting),
            neutral: cfg.neutral_s,
            mag_disturbed_samples: 0,
        }
    }

    /// Head orientation (before the neutral reference) of the next sample.
    fn next_orientation(&mut self) -> Option<Result<(f64, UnitQuaternion<f64>), E>> {
        loop {
            let s = match self.head.next()? {
                Ok(s) => s,
                Err(e) => return Some(Err(e)),
            };
            let q = self.orientation.update(&s);
            if self.orientation.mag_disturbed() {
                self.mag_disturbed_samples += 1;
            }
            let trunk = match &mut self.trunk {
                Some(t) => match t.advance_to(s.time_s) {
                    Ok(Some(tq)) => Some(tq),
                    // No trunk sample yet at this time: skip the head sample.
                    Ok(None) => continue,
                    Err(e) => return Some(Err(e)),
                },
                None => None,
            };
            return Some(Ok((
                s.time_s,
                self.stage.head_orientation(&q, trunk.as_ref()),
            )));
        }
    }

    /// Pass one: the mean head orientation over the neutral segment, to reference pass two.
    /// Consumes the stream up to the end of the segment.
    pub fn neutral_orientation(mut self) -> Result<UnitQuaternion<f64>, PipelineErrorOr<E>> {
        let [a, b] = match self.neutral {
            Some(n) => n,
            None => return Ok(UnitQuaternion::identity()),
        };
        let mut mean = QuatMean::default();
        while let Some(r) = self.next_orientation() {
            let (t, q) = r.map_err(PipelineErrorOr::Input)?;
            if t > b {
                break;
            }
            if t >= a {
                mean.push(&q);
            }
        }
        mean.mean()
            .ok_or(PipelineErrorOr::Pipeline(PipelineError::EmptyNeutral(a, b)))
    }

    /// Pass zero: the gyroscope biases of the head (and trunk) sensor over the neutral
    /// segment, where the head is held still. Consumes the stream up to the segment's end.
    pub fn neutral_bias(mut self) -> Result<GyroBias, E> {
        let Some([a, b]) = self.neutral else {
            return Ok(GyroBias::default());
        };
        let head = regress_segment(&mut self.head, a, b)?;
        let trunk = match &mut self.trunk {
            Some(t) => regress_segment(&mut t.samples, a, b)?,
            None => BiasRegression::default(),
        };
        Ok(GyroBias {
            head: head.bias(),
            trunk: trunk.bias(),
        })
    }

    /// Start the orientation filters from these gyroscope biases (and keep them).
    pub fn with_gyro_bias(mut self, bias: &GyroBias, cfg: &ImuConfig) -> Self {
        self.orientation = Orientation::for_head(cfg.rate_hz, cfg.use_mag, bias.head);
        if let Some(t) = &mut self.trunk {
            t.orientation = Orientation::for_head(cfg.trunk_rate_hz, cfg.use_mag, bias.trunk);
        }
        self
    }

    /// Reference the angles to a neutral orientation from [`Self::neutral_orientation`].
    pub fn with_neutral(mut self, neutral: UnitQuaternion<f64>) -> Self {
        self.stage.set_neutral(neutral);
        self
    }

    /// Samples during which the 9D filter rejected a magnetic disturbance.
    pub fn mag_disturbed_samples(&self) -> u64 {
        self.mag_disturbed_samples
    }

    /// Give back the inputs (e.g. to read their import reports).
    pub fn into_inputs(self) -> (I, Option<J>) {
        (self.head, self.trunk.map(|t| t.samples))
    }
}

/// Bias regression over the samples in `[a, b]` seconds; reads up to the first sample after.
fn regress_segment<E>(
    samples: &mut impl Iterator<Item = Result<ImuSample, E>>,
    a: f64,
    b: f64,
) -> Result<BiasRegression, E> {
    let mut r = BiasRegression::default();
    for s in samples {
        let s = s?;
        if s.time_s > b {
            break;
        }
        if s.time_s >= a {
            r.push(&s);
        }
    }
    Ok(r)
}

/// Gyroscope biases (rad/s, sensor frames) estimated over the neutral segment.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GyroBias {
    pub head: Option<[f64; 3]>,
    pub trunk: Option<[f64; 3]>,
}

/// What a run over a recording saw, with its inputs given back.
pub struct Run<I, J> {
    pub head: I,
    pub trunk: Option<J>,
    pub samples: u64,
    pub first_s: f64,
    pub last_s: f64,
    pub mag_disturbed_samples: u64,
}

/// Stream the head angles of a recording through `sink`. With a neutral segment, two short
/// passes over it come first: the gyroscope bias while the head is still, then the neutral
/// orientation (with that bias); the full pass then starts from the same bias, so its
/// orientation in the segment is exactly the one the reference was taken from. `open` gives fresh inputs
/// for each pass (reopening a file, or iterating a buffer again).
pub fn run_angles<I, J, E>(
    mut open: impl FnMut() -> Result<(I, Option<J>), E>,
    cfg: &ImuConfig,
    mut sink: impl FnMut(&AngleSample) -> Result<(), E>,
) -> Result<Run<I, J>, PipelineErrorOr<E>>
where
    I: Iterator<Item = Result<ImuSample, E>>,
    J: Iterator<Item = Result<ImuSample, E>>,
{
    let mut stream = match cfg.neutral_s {
        Some(_) => {
            let mut fresh = || -> Result<AngleStream<I, J>, PipelineErrorOr<E>> {
                let (h, t) = open().map_err(PipelineErrorOr::Input)?;
                Ok(AngleStream::new(h, t, cfg))
            };
            let bias = fresh()?.neutral_bias().map_err(PipelineErrorOr::Input)?;
            let neutral = fresh()?.with_gyro_bias(&bias, cfg).neutral_orientation()?;
            fresh()?.with_gyro_bias(&bias, cfg).with_neutral(neutral)
        }
        None => {
            let (h, t) = open().map_err(PipelineErrorOr::Input)?;
            AngleStream::new(h, t, cfg)
        }
    };
    let (mut samples, mut first_s, mut last_s) = (0u64, f64::NAN, f64::NAN);
    for s in stream.by_ref() {
        let s = s.map_err(PipelineErrorOr::Input)?;
        if samples == 0 {
            first_s = s.time_s;
        }
        last_s = s.time_s;
        samples += 1;
        sink(&s).map_err(PipelineErrorOr::Input)?;
    }
    let mag_disturbed_samples = stream.mag_disturbed_samples();
    let (head, trunk) = stream.into_inputs();
    Ok(Run {
        head,
        trunk,
        samples,
        first_s,
        last_s,
        mag_disturbed_samples,
    })
}

/// The analyzer for a recording read with this configuration and reference.
pub fn analyzer_for(cfg: &ImuConfig, reference: &Reference, task: Task) -> Analyzer {
    Analyzer::new(AnalysisConfig {
        rate_hz: cfg.rate_hz,
        rotation_referenced: reference.rotation_referenced,
        exclude_s: cfg.neutral_s,
        task,
    })
}

/// Analyse a recording: [`run_angles`] into an [`Analyzer`] configured for this reference.
pub fn analyze<I, J, E>(
    open: impl FnMut() -> Result<(I, Option<J>), E>,
    cfg: &ImuConfig,
    reference: &Reference,
    task: Task,
) -> Result<(Analysis, Run<I, J>), PipelineErrorOr<E>>
where
    I: Iterator<Item = Result<ImuSample, E>>,
    J: Iterator<Item = Result<ImuSample, E>>,
{
    let mut analyzer = analyzer_for(cfg, reference, task);
    let run = run_angles(open, cfg, |s| {
        analyzer.push(s);
        Ok(())
    })?;
    Ok((analyzer.snapshot(), run))
}

/// An input error, or a pipeline error.
#[derive(Debug, thiserror::Error)]
pub enum PipelineErrorOr<E> {
    #[error(transparent)]
    Input(E),
    #[error(transparent)]
    Pipeline(PipelineError),
}

impl<I, J, E> Iterator for AngleStream<I, J>
where
    I: Iterator<Item = Result<ImuSample, E>>,
    J: Iterator<Item = Result<ImuSample, E>>,
{
    type Item = Result<AngleSample, E>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        Some(
            self.next_orientation()?
                .map(|(t, q)| self.stage.angles(t, &q)),
        )
    }
}
