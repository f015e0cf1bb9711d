//! The uncertainty of the posture figures: a 95 % bound on the error of each axis's median,
//! from what the recording shows, and the TWSTRS items that bound leaves unscorable.
//!
//! Terms, added in quadrature (independent errors):
//! - **measurement**: the method's own error on an axis ([`Method`]): 9D/6D fusion, or the face
//!   model for video; a sensor referenced only to gravity adds its unknown seat on the head;
//! - **reference**: the neutral segment's mean is off by its sway; postural sway is slow
//!   (0.1–0.2 Hz, `../shared/notes/orientation.md`), so its samples count as one independent
//!   value per [`SWAY_PERIOD_S`];
//! - **drift** (rotation without a magnetometer): the gyroscope bias about the vertical left
//!   unknown (a 95 % bound in °/s) × the mean time from the reference.
//!
//! Pure: the analyzer feeds the neutral segment's angles and the analysed samples' times.

use collis_core::results::{Posture, Unscored};
use collis_core::Axis;
use collis_dsp::LineFit;

/// Sway of amplitude A fitted over T seconds biases the regression slope by up to ≈ 2.4·A/T
/// (0.1–0.2 Hz sway over 4–5 s); × 2.5 for a rotation sway up to 2.5× the amplitude seen on
/// tilt and flexion (sway amplitudes differ per axis). Checked for coverage by the
/// clinic-protocol validation (`collis validate`).
const SWAY_SLOPE_FACTOR: f64 = 6.0;
/// One independent sample of a slowly swaying reference per this many seconds.
const SWAY_PERIOD_S: f64 = 5.0;
/// 9D fusion's heading error, 95 %, degrees: offline VQF's heading RMSE on the BROAD trials is
/// ≈ 1° (`collis validate`), ×2 for a 95 % bound.
const NINE_D_ROTATION_DEG: f64 = 2.0;
/// Inclination error of 6D/9D fusion, 95 %, degrees (BROAD inclination RMSE 0.4–0.6°, ×2).
const INCLINATION_DEG: f64 = 1.0;
/// A head sensor referenced only to gravity: its seat on the head is unknown. Straps and
/// headbands sit within a few degrees of the head's axes; 5° is a Collis allowance.
const SEAT_DEG: f64 = 5.0;
/// Face model error for video, 95 %, degrees, within 25° of frontal and beyond it: on the
/// real face scan the worst reading within ±25° was 3°, and up to 4.9° at 40° (README,
/// "Accuracy"); MediaPipe's mean error on labelled photos is 2.3° (shared/data/README.md).
const VIDEO_DEG: f64 = 3.0;
const VIDEO_WIDE_DEG: f64 = 6.0;
const VIDEO_WIDE_BEYOND_DEG: f64 = 25.0;
/// A posture item is not scored when its median is known only to worse than this, degrees,
/// even if the bound spans one band: a third of the narrowest band the items use (rotation's
/// ¼ range, 22.5°); beyond it the score says more about the sensor than the patient.
pub const UNSCORED_ABOVE_DEG: f64 = 7.5;
/// Bias drift allowed on top of a measured bias, °/s: consumer MEMS gyroscopes drift by a few
/// °/h at constant temperature, more while warming against the skin; a Collis allowance.
pub const BIAS_STABILITY_DPS: f64 = 0.01;

/// How the angles were measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Method {
    /// Head sensor with a magnetometer.
    NineD,
    /// Head sensor without a magnetometer; rotation drifts with the unknown vertical bias,
    /// bounded (95 %, °/s) by the bias source (`None`: the bound comes from the neutral
    /// segment's sway, see [`Uncertainty::snapshot`]).
    SixD { bias_bound_dps: Option<f64> },
    /// Face video or OpenFace head pose.
    Video,
}

/// What the posture's uncertainty is built from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UncertaintyConfig {
    pub method: Method,
    /// Angles are referenced to a neutral segment (else gravity, or camera-frontal for video).
    pub neutral_s: Option<[f64; 2]>,
    /// Trunk sensor reference (its own seat cancels in the neutral, and its heading is 9D).
    pub trunk: bool,
}

/// Streaming accumulators for the uncertainty.
#[derive(Debug, Clone)]
pub struct Uncertainty {
    cfg: UncertaintyConfig,
    /// Neutral segment: per axis, the angle against time (mean, spread, slope).
    reference: [LineFit; 3],
    t_first: Option<f64>,
    t_last: f64,
    /// Lowest and highest angle per axis in the neutral segment.
    lo: [f64; 3],
    hi: [f64; 3],
    /// Analysed samples: count and the sum of their distance in time from the reference.
    analysed: f64,
    sum_dt: f64,
}

impl Uncertainty {
    pub fn new(cfg: UncertaintyConfig) -> Self {
        Uncertainty {
            cfg,
            reference: [LineFit::default(); 3],
            t_first: None,
            t_last: 0.0,
            lo: [f64::INFINITY; 3],
            hi: [f64::NEG_INFINITY; 3],
            analysed: 0.0,
            sum_dt: 0.0,
        }
    }

    pub fn method(&self) -> Method {
        self.cfg.method
    }

    pub fn set_method(&mut self, method: Method) {
        self.cfg.method = method;
    }

    /// A sample of the neutral segment.
    pub fn push_reference(&mut self, t: f64, a: &[f64; 3]) {
        if !a.iter().all(|x| x.is_finite()) {
            return;
        }
        let t0 = *self.t_first.get_or_insert(t);
        let tt = t - t0;
        self.t_last = t;
        for (i, &x) in a.iter().enumerate() {
            self.reference[i].push(tt, x);
            self.lo[i] = self.lo[i].min(x);
            self.hi[i] = self.hi[i].max(x);
        }
    }

    /// An analysed sample's time.
    #[inline]
    pub fn push_analysed(&mut self, t: f64) {
        self.analysed += 1.0;
        if let Some([a, b]) = self.cfg.neutral_s {
            self.sum_dt += (t - 0.5 * (a + b)).abs();
        }
    }

    fn reference_s(&self) -> f64 {
        self.t_first.map_or(0.0, |t0| self.t_last - t0)
    }

    /// Per-axis standard deviation and least-squares slope (°/s) over the neutral segment.
    fn reference_stats(&self, i: usize) -> (f64, f64) {
        let fit = &self.reference[i];
        if fit.count() < 3.0 {
            return (0.0, 0.0);
        }
        (fit.sd_y(), fit.slope(3.0).unwrap_or(0.0))
    }

    /// 95 % bound on the vertical bias left unknown, °/s, when rotation drifts (6D).
    pub fn rotation_bias_bound_dps(&self) -> Option<f64> {
        match self.cfg.method {
            Method::SixD {
                bias_bound_dps: Some(b),
            } => Some(b),
            Method::SixD {
                bias_bound_dps: None,
            } => {
                // The bias came from the neutral hold: its slope there holds the rotation's
                // sway, unseen in 6D. Tilt and flexion sway alike and are seen (against
                // gravity): with the amplitude A seen there (half their range) the bound is
                // SWAY_SLOPE_FACTOR·A/T, or twice their own slope if that is larger.
                let t = self.reference_s();
                if t <= 0.0 {
                    return None;
                }
                let mut bound: f64 = 0.0;
                for i in [Axis::Tilt as usize, Axis::Flexion as usize] {
                    let (_, slope) = self.reference_stats(i);
                    let amplitude = 0.5 * (self.hi[i] - self.lo[i]).max(0.0);
                    bound = bound
                        .max(2.0 * slope.abs())
                        .max(SWAY_SLOPE_FACTOR * amplitude / t);
                }
                Some(bound + BIAS_STABILITY_DPS)
            }
            _ => None,
        }
    }

    /// The bound for each axis of `posture` (degrees), set in place.
    pub fn apply(&self, posture: &mut Posture) {
        let mean_dt = if self.analysed > 0.0 {
            self.sum_dt / self.analysed
        } else {
            0.0
        };
        let independent = (self.reference_s() / SWAY_PERIOD_S).max(1.0);
        let drift = self.rotation_bias_bound_dps().map(|b| b * mean_dt);
        for axis in Axis::ALL {
            let i = axis as usize;
            let Some(stats) = posture.get_mut(axis) else {
                continue;
            };
            // 6D rotation: the drift term below carries its heading error.
            let method = match (self.cfg.method, axis) {
                (Method::Video, _) if stats.median.abs() > VIDEO_WIDE_BEYOND_DEG => VIDEO_WIDE_DEG,
                (Method::Video, _) => VIDEO_DEG,
                (Method::NineD, Axis::Rotation) => NINE_D_ROTATION_DEG,
                _ => INCLINATION_DEG,
            };
            let seat = if self.cfg.neutral_s.is_none()
                && !self.cfg.trunk
                && self.cfg.method != Method::Video
            {
                SEAT_DEG
            } else {
                0.0
            };
            let reference = if self.cfg.neutral_s.is_some() {
                1.96 * self.reference_stats(i).0 / independent.sqrt()
            } else {
                0.0
            };
            let drift = if axis == Axis::Rotation {
                drift.unwrap_or(0.0)
            } else {
                0.0
            };
            let u = (method * method + seat * seat + reference * reference + drift * drift).sqrt();
            stats.uncertainty_deg = Some(u);
        }
    }
}

/// What would make rotation scorable, by method.
fn remedy(method: Method) -> &'static str {
    match method {
        Method::SixD { .. } => "record with a magnetometer (9D sensor), add a trunk sensor or film the patient, or let the sensor lie still for ≥ 3 s in the recording (or name such a segment with --still START:END) so the gyroscope bias is measured",
        Method::NineD => "a longer neutral hold, or a still calibration (the sensor lying still for ≥ 3 s)",
        Method::Video => "film the patient facing the camera, nearer and better lit",
    }
}

/// Scores over `[median − u, median + u]` under a monotonic-in-|x| scoring; (lowest, highest).
pub fn score_range(median: f64, u: f64, score: impl Fn(f64) -> u8) -> (u8, u8) {
    let (lo, hi) = (median - u, median + u);
    let nearest = if lo <= 0.0 && hi >= 0.0 {
        0.0
    } else {
        lo.abs().min(hi.abs())
    };
    let farthest = lo.abs().max(hi.abs());
    // Antero/retrocollis score by sign: evaluate both ends and the nearest point.
    let s = [
        score(nearest.copysign(median)),
        score(lo),
        score(hi),
        score(farthest.copysign(median)),
    ];
    (*s.iter().min().unwrap_or(&0), *s.iter().max().unwrap_or(&0))
}

/// Why an item is unscored: its score could change by more than one band within the bound,
/// or by one band with a bound over [`UNSCORED_ABOVE_DEG`].
pub fn unscored(
    item: &str,
    axis: Axis,
    median: f64,
    u: f64,
    lowest: u8,
    highest: u8,
    method: Method,
) -> Unscored {
    Unscored {
        item: item.to_string(),
        reason: format!(
            "the {} median {median:+.1}° is known only to ±{u:.1}° (95 %): the score could be anything from {lowest} to {highest}",
            axis.name()
        ),
        remedy: remedy(method).to_string(),
    }
}
