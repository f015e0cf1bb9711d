//! The inertial pipeline for files: head (and optional trunk) IMU samples → whole-recording
//! orientation → head angles.
//!
//! Pure over iterators (reopened for each pass). A trunk stream is aligned to the head stream
//! by time (the latest trunk sample at or before each head sample); every trunk sample still
//! goes through its own orientation estimate.

use crate::analyzer::{Analysis, AnalysisConfig, Analyzer};
use crate::head_angles::{HeadAngleStage, QuatMean};
use crate::orientation::{BiasPlan, BiasRegression, Rest, WholeOrientation};
use crate::uncertainty::{Method, UncertaintyConfig, BIAS_STABILITY_DPS};
use collis_core::results::{GyroBiasInfo, Reference, ReferenceKind, Task};
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
    /// Seconds `[start, end]` where the sensor lay still (true rest): the gyroscope bias.
    pub still_s: Option<[f64; 2]>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PipelineError {
    #[error("the neutral segment {0:.2}–{1:.2} s holds no samples")]
    EmptyNeutral(f64, f64),
    #[error(
        "the still segment {0:.2}–{1:.2} s holds too few samples to measure the gyroscope bias"
    )]
    EmptyStill(f64, f64),
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
                if nine_d(head_mag) { "" } else { " (6D: rotation drifts with the gyroscope bias left unknown: see its uncertainty)" }
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
    samples: WholeOrientation<J>,
    pending: Option<(ImuSample, UnitQuaternion<f64>)>,
    current: Option<UnitQuaternion<f64>>,
}

impl<J, E> TrunkTracker<J>
where
    J: Iterator<Item = Result<ImuSample, E>>,
{
    fn advance_to(&mut self, time_s: f64) -> Result<Option<UnitQuaternion<f64>>, E> {
        loop {
            let (s, q) = match self.pending.take() {
                Some(p) => p,
                None => match self.samples.next() {
                    Some(r) => r?,
                    None => break,
                },
            };
            if s.time_s > time_s {
                self.pending = Some((s, q));
                break;
            }
            self.current = Some(q);
        }
        Ok(self.current)
    }
}

/// Streams head angles from IMU samples.
pub struct AngleStream<I, J> {
    head: WholeOrientation<I>,
    trunk: Option<TrunkTracker<J>>,
    stage: HeadAngleStage,
    neutral: Option<[f64; 2]>,
    still: Option<[f64; 2]>,
}

impl<I, J, E> AngleStream<I, J>
where
    I: Iterator<Item = Result<ImuSample, E>>,
    J: Iterator<Item = Result<ImuSample, E>>,
{
    /// The stream with these gyroscope biases (sensor frames; true rest found in a recording
    /// takes precedence).
    pub fn new(head: I, trunk: Option<J>, cfg: &ImuConfig, bias: &GyroBias) -> Self {
        AngleStream {
            head: WholeOrientation::new(
                head,
                cfg.rate_hz,
                cfg.use_mag,
                BiasPlan::Head {
                    bias_rad_s: bias.head,
                },
            ),
            trunk: trunk.map(|t| TrunkTracker {
                samples: WholeOrientation::new(
                    t,
                    cfg.trunk_rate_hz,
                    cfg.use_mag,
                    BiasPlan::Head {
                        bias_rad_s: bias.trunk,
                    },
                ),
                pending: None,
                current: None,
            }),
            stage: HeadAngleStage::new(&cfg.mounting, &cfg.trunk_mounting),
            neutral: cfg.neutral_s,
            still: cfg.still_s,
        }
    }

    /// Head orientation (before the neutral reference) of the next sample.
    fn next_orientation(&mut self) -> Option<Result<(f64, UnitQuaternion<f64>), E>> {
        loop {
            let (s, q) = match self.head.next()? {
                Ok(s) => s,
                Err(e) => return Some(Err(e)),
            };
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

    /// Reference the angles to a neutral orientation from [`Self::neutral_orientation`].
    pub fn with_neutral(mut self, neutral: UnitQuaternion<f64>) -> Self {
        self.stage.set_neutral(neutral);
        self
    }

    /// Samples whose magnetometer the 9D estimate did not fuse (disturbed or missing).
    pub fn mag_disturbed_samples(&self) -> u64 {
        self.head.mag_disturbed_samples()
    }

    /// The true rest of the head sensor whose bias is in use, if one was found.
    pub fn rest(&self) -> Option<Rest> {
        self.head.rest()
    }

    /// Give back the inputs (e.g. to read their import reports).
    pub fn into_inputs(self) -> (I, Option<J>) {
        (
            self.head.into_input(),
            self.trunk.map(|t| t.samples.into_input()),
        )
    }
}

/// Pass zero: the gyroscope biases of the head (and trunk) sensor over the still segment
/// (the sensor lying still) or else the neutral segment (the head held still, up to its
/// sway). Reads the inputs up to the segment's end.
pub fn segment_bias<I, J, E>(
    head: &mut I,
    trunk: Option<&mut J>,
    cfg: &ImuConfig,
) -> Result<GyroBias, PipelineErrorOr<E>>
where
    I: Iterator<Item = Result<ImuSample, E>>,
    J: Iterator<Item = Result<ImuSample, E>>,
{
    let Some([a, b]) = cfg.still_s.or(cfg.neutral_s) else {
        return Ok(GyroBias::default());
    };
    let r = regress_segment(head, a, b).map_err(PipelineErrorOr::Input)?;
    let trunk = match trunk {
        Some(t) => regress_segment(t, a, b)
            .map_err(PipelineErrorOr::Input)?
            .bias(),
        None => None,
    };
    let head = r.bias();
    if cfg.still_s.is_some() && head.is_none() {
        return Err(PipelineErrorOr::Pipeline(PipelineError::EmptyStill(a, b)));
    }
    Ok(GyroBias {
        head,
        trunk,
        head_sigma_rad_s: r.slope_sigma(),
    })
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

/// Gyroscope biases (rad/s, sensor frames) estimated over the still or neutral segment.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GyroBias {
    pub head: Option<[f64; 3]>,
    pub trunk: Option<[f64; 3]>,
    /// Standard error of the head bias from the sensor noise (largest axis), rad/s.
    pub head_sigma_rad_s: Option<f64>,
}

/// What a run over a recording saw, with its inputs given back.
pub struct Run<I, J> {
    pub head: I,
    pub trunk: Option<J>,
    pub samples: u64,
    pub first_s: f64,
    pub last_s: f64,
    pub mag_disturbed_samples: u64,
    /// The head sensor's gyroscope bias and where it came from.
    pub bias: BiasSource,
}

/// Where the head sensor's gyroscope bias came from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BiasSource {
    /// True rest found in the recording.
    Rest(Rest),
    /// The still segment named by the user.
    Still {
        segment_s: [f64; 2],
        bias_rad_s: [f64; 3],
        sigma_rad_s: f64,
    },
    /// The neutral hold (limited by postural sway).
    Neutral {
        segment_s: [f64; 2],
        bias_rad_s: [f64; 3],
    },
    None,
}

impl BiasSource {
    fn of(cfg: &ImuConfig, bias: &GyroBias, rest: Option<Rest>) -> Self {
        match (rest, cfg.still_s, cfg.neutral_s, bias.head) {
            (Some(r), _, _, _) => BiasSource::Rest(r),
            (None, Some(s), _, Some(b)) => BiasSource::Still {
                segment_s: s,
                bias_rad_s: b,
                sigma_rad_s: bias.head_sigma_rad_s.unwrap_or(0.0),
            },
            (None, None, Some(n), Some(b)) => BiasSource::Neutral {
                segment_s: n,
                bias_rad_s: b,
            },
            _ => BiasSource::None,
        }
    }

    /// 95 % bound on the bias error (°/s) where the source measures it (rest, still); `None`
    /// for the neutral hold (bounded from its sway by the analysis) and for no source.
    pub fn bound_dps(&self) -> Option<f64> {
        let sigma = match self {
            BiasSource::Rest(r) => r.bias_sigma_rad_s,
            BiasSource::Still { sigma_rad_s, .. } => *sigma_rad_s,
            _ => return None,
        };
        Some(1.96 * sigma.to_degrees() + BIAS_STABILITY_DPS)
    }

    /// The results' account of the gyroscope bias.
    pub fn info(&self) -> GyroBiasInfo {
        let source = self;
        let dps = |b: [f64; 3]| b.map(f64::to_degrees);
        let (name, segment_s, bias_dps, description) = match *source {
            Self::Rest(r) => (
                "rest",
                Some([r.start_s, r.end_s]),
                dps(r.bias_rad_s),
                format!(
                    "from the sensor lying still {:.1}–{:.1} s (found in the recording)",
                    r.start_s, r.end_s
                ),
            ),
            Self::Still {
                segment_s,
                bias_rad_s,
                ..
            } => (
                "still",
                Some(segment_s),
                dps(bias_rad_s),
                format!(
                    "from the still segment {:.1}–{:.1} s (--still)",
                    segment_s[0], segment_s[1]
                ),
            ),
            Self::Neutral {
                segment_s,
                bias_rad_s,
            } => (
                "neutral",
                Some(segment_s),
                dps(bias_rad_s),
                format!(
                    "from the neutral hold {:.1}–{:.1} s: postural sway limits it (no still segment found: let the sensor lie still for ≥ 3 s, or name one with --still)",
                    segment_s[0], segment_s[1]
                ),
            ),
            Self::None => (
                "none",
                None,
                [0.0; 3],
                "not measured (no still or neutral segment); the magnetometer, where fused, bounds the heading".to_string(),
            ),
        };
        GyroBiasInfo {
            source: name.to_string(),
            segment_s,
            bias_dps,
            uncertainty_dps: source.bound_dps(),
            description,
        }
    }

    /// How a 6D recording's rotation drifts with this source: bounded by the rest or still
    /// segment, by the neutral hold's sway (bounded by the analysis), or not at all.
    fn six_d_method(&self) -> Method {
        Method::SixD {
            bias_bound_dps: match self {
                BiasSource::None => Some(f64::INFINITY),
                _ => self.bound_dps(),
            },
        }
    }
}

/// The uncertainty configuration for a recording read with this configuration.
pub fn uncertainty_config(
    cfg: &ImuConfig,
    reference: &Reference,
    nine_d: bool,
) -> UncertaintyConfig {
    UncertaintyConfig {
        method: if nine_d {
            Method::NineD
        } else {
            Method::SixD {
                bias_bound_dps: None,
            }
        },
        neutral_s: cfg.neutral_s,
        trunk: reference.kind == ReferenceKind::Trunk,
    }
}

/// Once a run is over, tell the analyzer where the gyroscope bias came from: a 6D head
/// sensor's rotation drifts with what it left unknown (9D and a trunk reference do not).
pub fn settle_uncertainty(
    analyzer: &mut Analyzer,
    bias: &BiasSource,
    reference: &Reference,
    nine_d: bool,
) {
    if !nine_d && reference.kind != ReferenceKind::Trunk {
        analyzer.set_uncertainty_method(bias.six_d_method());
    }
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
    let bias = if cfg.still_s.is_some() || cfg.neutral_s.is_some() {
        let (mut h, mut t) = open().map_err(PipelineErrorOr::Input)?;
        segment_bias(&mut h, t.as_mut(), cfg)?
    } else {
        GyroBias::default()
    };
    let mut fresh = || -> Result<AngleStream<I, J>, PipelineErrorOr<E>> {
        let (h, t) = open().map_err(PipelineErrorOr::Input)?;
        Ok(AngleStream::new(h, t, cfg, &bias))
    };
    let mut stream = match cfg.neutral_s {
        Some(_) => {
            let neutral = fresh()?.neutral_orientation()?;
            fresh()?.with_neutral(neutral)
        }
        None => fresh()?,
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
    let source = BiasSource::of(cfg, &bias, stream.rest());
    let (head, trunk) = stream.into_inputs();
    Ok(Run {
        head,
        trunk,
        samples,
        first_s,
        last_s,
        mag_disturbed_samples,
        bias: source,
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

/// Analyse a recording: [`run_angles`] into an [`Analyzer`] configured for this reference,
/// with the posture's uncertainty (`nine_d`: the head sensor's magnetometer is fused).
pub fn analyze<I, J, E>(
    open: impl FnMut() -> Result<(I, Option<J>), E>,
    cfg: &ImuConfig,
    reference: &Reference,
    task: Task,
    nine_d: bool,
) -> Result<(Analysis, Run<I, J>), PipelineErrorOr<E>>
where
    I: Iterator<Item = Result<ImuSample, E>>,
    J: Iterator<Item = Result<ImuSample, E>>,
{
    let mut analyzer = analyzer_for(cfg, reference, task)
        .with_uncertainty(uncertainty_config(cfg, reference, nine_d));
    let run = run_angles(open, cfg, |s| {
        analyzer.push(s);
        Ok(())
    })?;
    settle_uncertainty(&mut analyzer, &run.bias, reference, nine_d);
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

    /// Samples where the sensor lay still (not worn: true rest found, or `still_s`) carry no
    /// head angle: they come out with confidence 0, a gap for every analysis.
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.head.rest().map(|r| [r.start_s, r.end_s]);
        let still = self.still;
        Some(self.next_orientation()?.map(|(t, q)| {
            let mut a = self.stage.angles(t, &q);
            let within = |s: Option<[f64; 2]>| s.is_some_and(|[a, b]| t >= a && t <= b);
            if within(rest) || within(still) {
                a.confidence = 0.0;
            }
            a
        }))
    }
}
