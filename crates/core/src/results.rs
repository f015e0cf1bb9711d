//! The one versioned results schema. The CLI JSON, the summary, and every later consumer
//! (store, report, web API, exports) read these types; no figure is defined anywhere else.
//!
//! Results are measurements and decision support, never a diagnosis: [`NOTICE`] travels with
//! every serialized result.

use crate::Axis;
use serde::{Deserialize, Serialize};

pub use crate::pattern::{
    Pattern, PatternExplanation, PatternFeature, PatternLabel, SensoryTrick, TrickTrial,
    PATTERN_CAVEAT,
};

/// Semantic version of this schema; bump the minor for added fields, the major for changes.
pub const SCHEMA_VERSION: &str = "1.5.0";

/// Label carried by every result.
pub const NOTICE: &str = "Objective measurements for clinical decision support; not a diagnosis.";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Results {
    pub schema_version: String,
    pub generator: String,
    pub notice: String,
    pub recording: Recording,
    /// The figures, at the top level of the document.
    #[serde(flatten)]
    pub measurements: Measurements,
    /// Problems found in the input or the analysis that a reader must know about.
    pub warnings: Vec<String>,
}

/// Every measured figure of a recording: what the analyses produce, whatever the source.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Measurements {
    pub posture: Posture,
    pub motion: Motion,
    pub tremor: Tremor,
    pub jerks: Jerks,
    pub spasms: Spasms,
    pub neutral_hold: NeutralHold,
    pub twstrs: Twstrs,
    /// Movement-pattern profile (schema 1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<Pattern>,
    /// Sensory-trick effect, when trick segments or a with/without pair were given (schema 1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensory_trick: Option<SensoryTrick>,
    /// Surface EMG (schema 1.1): present when an EMG recording was analysed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emg: Option<crate::emg::Emg>,
    /// Range of motion, for a range-of-motion task (schema 1.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range_of_motion: Option<RangeOfMotion>,
    /// The angles over time, averaged in bins (schema 1.1; for plots).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<AngleTrace>,
    /// Figures the recording is too short (or its marked segments too short) to support,
    /// each left absent with the reason (schema 1.5). TWSTRS items are listed in
    /// `twstrs.unscored` instead.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_assessed: Vec<NotAssessed>,
}

/// A figure left out because the recording cannot support it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct NotAssessed {
    /// `posture`, `tremor`, `pattern` or `sensory_trick`.
    pub figure: String,
    /// Seconds the figure had (analysed, or in its shortest marked segment).
    pub had_s: f64,
    /// Seconds it needs (0 when the reason is not the duration: a pattern profile of an
    /// exercise, for one).
    pub needs_s: f64,
    pub reason: String,
}

/// Head angles averaged over consecutive bins: a compact picture of the recording for plots.
/// Bins start at 1 s and double in width whenever there would be more than
/// [`AngleTrace::MAX_ROWS`], so the trace stays small for any length of recording.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AngleTrace {
    pub bin_s: f64,
    /// `[time_s (bin centre), rotation_deg, tilt_deg, flexion_deg]` per bin with valid samples.
    pub rows: Vec<[f64; 4]>,
}

impl AngleTrace {
    pub const MAX_ROWS: usize = 600;
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Imu,
    Video,
    /// Surface EMG alone (schema 1.1): the head-movement sections are empty.
    Emg,
}

/// What the patient was asked to do during the recording.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Task {
    #[default]
    Rest,
    HoldNeutral,
    Rom,
    SensoryTrick,
    Exercise,
}

impl Task {
    /// The kebab-case name, as in the results JSON.
    pub fn name(self) -> &'static str {
        match self {
            Task::Rest => "rest",
            Task::HoldNeutral => "hold-neutral",
            Task::Rom => "rom",
            Task::SensoryTrick => "sensory-trick",
            Task::Exercise => "exercise",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Recording {
    pub source: Source,
    pub file: Option<String>,
    pub format: String,
    pub duration_s: f64,
    pub rate_hz: f64,
    pub samples: u64,
    pub task: Task,
    /// Whether magnetometer data was read (false with `--no-mag`).
    pub has_magnetometer: bool,
    /// Orientation method, e.g. "vqf-9d" or "vqf-6d".
    pub fusion: String,
    /// Sensor mounting on the head, e.g. "x=back,y=up,z=left".
    pub mounting: String,
    pub reference: Reference,
    /// Frame and face-tracking figures (video recordings only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video: Option<VideoStats>,
    /// Where the head sensor's gyroscope bias came from (head sensors only; schema 1.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gyro_bias: Option<GyroBiasInfo>,
}

/// The gyroscope bias a head-sensor recording was analysed with, and where it came from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GyroBiasInfo {
    /// `rest` (the sensor found lying still in the file), `still` (a segment named with
    /// `--still`), `neutral` (the neutral hold, limited by postural sway) or `none`.
    pub source: String,
    /// The segment it was measured over, seconds.
    pub segment_s: Option<[f64; 2]>,
    /// The bias per sensor axis, °/s.
    pub bias_dps: [f64; 3],
    /// 95 % bound on its error about the vertical, °/s (`null`: not bounded).
    pub uncertainty_dps: Option<f64>,
    pub description: String,
}

/// How well a video recording was measured, frame by frame.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct VideoStats {
    /// Mean frame rate over the analysed frames (frames/s), from the frames' own timestamps.
    pub frame_rate_hz: f64,
    /// Frames decoded in the analysed span.
    pub frames: u64,
    /// Frames in which a face was measured; the others are gaps, not zeros.
    pub frames_with_face: u64,
    /// Per-frame confidence (face-presence probability, 0–1) over the frames with a face.
    pub confidence: Option<ConfidenceStats>,
    /// Face-detector runs (the crop otherwise follows the previous frame's landmarks).
    pub detector_runs: u64,
    /// Pose-estimation method, e.g. "mediapipe-face-mesh+procrustes".
    pub method: String,
    /// Cut-off (Hz) of the temporal low-pass applied to the angles (`--smooth`); absent when
    /// the angles are not smoothed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smoothing_cutoff_hz: Option<f64>,
    /// Frames whose faces were counted by the face detector: every frame it ran on to find the
    /// face and, while a face is tracked, every 30th frame (schema 1.4; 0: not counted, as for
    /// OpenFace CSV).
    #[serde(default)]
    pub frames_counted: u64,
    /// Most faces in one counted frame.
    #[serde(default)]
    pub max_faces_in_frame: u64,
    /// Counted frames with more than one face in view: the largest face is measured, and then
    /// followed from frame to frame.
    #[serde(default)]
    pub frames_with_several_faces: u64,
}

/// Distribution of the per-frame confidence.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct ConfidenceStats {
    pub mean: f64,
    pub min: f64,
    pub p5: f64,
    pub median: f64,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceKind {
    /// Angles relative to the mean head orientation in a neutral segment.
    Neutral,
    /// Head-on-trunk angles from a second (trunk) sensor.
    Trunk,
    /// Tilt and flexion against gravity; rotation has no reference.
    Gravity,
    /// Camera-frontal is neutral (video).
    Camera,
    /// No head angles (an EMG-only recording; schema 1.1).
    None,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Reference {
    pub kind: ReferenceKind,
    /// The neutral segment `[start_s, end_s]` when `kind` is `neutral`.
    pub neutral_s: Option<[f64; 2]>,
    pub rotation_referenced: bool,
    pub description: String,
}

/// Distribution of one angle over the recording (neutral segment excluded), degrees.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct AxisStats {
    pub median: f64,
    pub mean: f64,
    pub p5: f64,
    pub p95: f64,
    /// 95 % bound on the error of the median, degrees, from what the recording shows (fusion,
    /// gyroscope bias left unknown × time, the neutral reference's sway, the face model's
    /// error); `null` where it was not assessed (schema 1.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty_deg: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Posture {
    /// `null` when rotation has no reference.
    pub rotation_deg: Option<AxisStats>,
    pub tilt_deg: Option<AxisStats>,
    pub flexion_deg: Option<AxisStats>,
    /// Seconds of samples the statistics cover.
    pub analysed_s: f64,
}

impl Posture {
    pub fn get(&self, axis: Axis) -> Option<&AxisStats> {
        match axis {
            Axis::Rotation => self.rotation_deg.as_ref(),
            Axis::Tilt => self.tilt_deg.as_ref(),
            Axis::Flexion => self.flexion_deg.as_ref(),
        }
    }

    pub fn get_mut(&mut self, axis: Axis) -> Option<&mut AxisStats> {
        match axis {
            Axis::Rotation => self.rotation_deg.as_mut(),
            Axis::Tilt => self.tilt_deg.as_mut(),
            Axis::Flexion => self.flexion_deg.as_mut(),
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct AxisMotion {
    /// RMS angular velocity about this axis, degrees per second.
    pub rms_velocity_dps: f64,
    /// Range of the angle (p99.5 − p0.5, robust to single outliers), degrees.
    pub range_deg: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Motion {
    pub rotation: AxisMotion,
    pub tilt: AxisMotion,
    pub flexion: AxisMotion,
    /// Axis with the largest RMS angular velocity.
    pub dominant_axis: Axis,
}

impl Motion {
    pub fn get(&self, axis: Axis) -> &AxisMotion {
        match axis {
            Axis::Rotation => &self.rotation,
            Axis::Tilt => &self.tilt,
            Axis::Flexion => &self.flexion,
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct TremorAxis {
    pub axis: Axis,
    /// Frequency of the spectral peak in the tremor band, Hz.
    pub peak_hz: f64,
    /// Sinusoid-equivalent peak amplitude, √2 × RMS of the band-passed angle, degrees.
    pub amplitude_deg: f64,
    /// Fraction of the band's power within ±0.75 Hz of the peak (1 = a pure sinusoid).
    pub peak_power_fraction: f64,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct Regularity {
    /// Coefficient of variation of the intervals between successive tremor peaks (lower = more rhythmic).
    pub interval_cv: f64,
    /// Full width at half maximum of the spectral peak, Hz (lower = more regular).
    pub peak_width_hz: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Tremor {
    pub present: bool,
    pub frequency_hz: Option<f64>,
    /// Sinusoid-equivalent peak amplitude (√2 × RMS of the band-passed angle), degrees.
    pub amplitude_deg: Option<f64>,
    pub axis: Option<Axis>,
    pub regularity: Option<Regularity>,
    /// Analysed band, Hz.
    pub band_hz: [f64; 2],
    pub per_axis: Vec<TremorAxis>,
    /// How presence was decided, in words, with the thresholds.
    pub criterion: String,
    /// Welch spectrum of the axis with the largest tremor-band amplitude (since 1.1.0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spectrum: Option<Spectrum>,
}

/// A power spectral density on a uniform grid, `density[k]` at `start_hz + k × df_hz`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Spectrum {
    pub axis: Axis,
    pub start_hz: f64,
    pub df_hz: f64,
    /// deg²/Hz.
    pub density: Vec<f64>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct JerkEvent {
    pub time_s: f64,
    pub duration_s: f64,
    pub axis: Axis,
    /// Peak excursion from the pre-event posture, signed (clinical sign convention), degrees.
    pub amplitude_deg: f64,
    pub peak_velocity_dps: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Jerks {
    pub count: u64,
    pub rate_per_min: f64,
    pub events: Vec<JerkEvent>,
    pub criterion: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct SpasmEvent {
    pub start_s: f64,
    pub duration_s: f64,
    pub axis: Axis,
    /// Peak excursion from the baseline posture, signed, degrees.
    pub amplitude_deg: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Spasms {
    pub count: u64,
    pub events: Vec<SpasmEvent>,
    pub criterion: String,
}

/// How far the head went to each side on one axis, degrees from neutral.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct AxisReach {
    /// The most negative angle held (rotation: chin to the left; tilt: left ear down;
    /// flexion: extension, chin up).
    pub negative_deg: f64,
    /// The most positive angle held (chin right; right ear down; chin down).
    pub positive_deg: f64,
    /// `positive_deg − negative_deg`.
    pub range_deg: f64,
}

/// Range of motion in a guided task: the extremes held on each axis (schema 1.2).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RangeOfMotion {
    /// Extremes are of the angle averaged over this many seconds (a position held, not a spike).
    pub hold_s: f64,
    /// `null` when rotation has no reference.
    pub rotation_deg: Option<AxisReach>,
    pub tilt_deg: AxisReach,
    pub flexion_deg: AxisReach,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct NeutralHold {
    pub tolerance_deg: f64,
    /// Axes that have a reference and were checked.
    pub axes: Vec<Axis>,
    pub time_within_s: f64,
    pub fraction_within: f64,
    pub fraction_deviated: f64,
    pub longest_hold_s: f64,
    /// For a hold task: seconds from the start of the recording (neutral segment excluded)
    /// until the head first left the tolerance, capped at 60 s.
    pub first_hold_s: f64,
}

/// One figure that an item score came from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Evidence {
    pub figure: String,
    pub value: f64,
    pub unit: String,
}

impl Evidence {
    pub fn new(figure: &str, value: f64, unit: &str) -> Self {
        Evidence {
            figure: figure.to_string(),
            value,
            unit: unit.to_string(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TwstrsItem {
    pub score: u8,
    pub max: u8,
    /// The anchor that gave this score, in words.
    pub rule: String,
    pub evidence: Vec<Evidence>,
}

/// A TWSTRS item the recording cannot support.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Unscored {
    /// `rotation`, `laterocollis`, `antero_retrocollis`, `duration_factor` or
    /// `hold_within_10deg`.
    pub item: String,
    pub reason: String,
    /// What would make it scorable.
    pub remedy: String,
}

/// The TWSTRS severity subscale's full score (Consky & Lang 1994; Comella 1997; clinical.md):
/// the denominator a machine subtotal is a part of. Higher is worse.
pub const TWSTRS_SEVERITY_MAX: u8 = 35;

/// The TWSTRS severity items a machine can score (Consky & Lang 1994; Comella 1997).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Twstrs {
    /// `null` when rotation has no reference.
    pub rotation: Option<TwstrsItem>,
    pub laterocollis: Option<TwstrsItem>,
    pub antero_retrocollis: Option<TwstrsItem>,
    /// Score 0–5 (×2 in the TWSTRS total).
    pub duration_factor: Option<TwstrsItem>,
    /// Time within 10° of neutral, only for a hold task.
    pub hold_within_10deg: Option<TwstrsItem>,
    /// Range of motion 0–4, only for a range-of-motion task (schema 1.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range_of_motion: Option<TwstrsItem>,
    /// Items left unscored because the recording cannot support them, with the reason and what
    /// would make them scorable (schema 1.4).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unscored: Vec<Unscored>,
    /// Sum of the items scored here, duration factor weighted ×2 as in the scale.
    pub machine_subtotal: u8,
    pub machine_subtotal_max: u8,
    pub note: String,
}
