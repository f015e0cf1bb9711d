//! Surface EMG of the neck: muscles and sides (with the channel-label spellings found in EDF,
//! WFDB and CSV files), and the `emg` section of the results schema.
//!
//! Muscles are the ones injected and recorded in cervical dystonia: sternocleidomastoid (SCM),
//! splenius capitis (SPL), trapezius (TRAP), levator scapulae (LEV), scalenes (SCAL),
//! semispinalis capitis (SSC).

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Muscle {
    Sternocleidomastoid,
    SpleniusCapitis,
    Trapezius,
    LevatorScapulae,
    Scalene,
    SemispinalisCapitis,
}

impl Muscle {
    pub const ALL: [Muscle; 6] = [
        Muscle::Sternocleidomastoid,
        Muscle::SpleniusCapitis,
        Muscle::Trapezius,
        Muscle::LevatorScapulae,
        Muscle::Scalene,
        Muscle::SemispinalisCapitis,
    ];

    /// Short code used in labels: `SCM`, `SPL`, `TRAP`, `LEV`, `SCAL`, `SSC`.
    pub fn code(self) -> &'static str {
        match self {
            Muscle::Sternocleidomastoid => "SCM",
            Muscle::SpleniusCapitis => "SPL",
            Muscle::Trapezius => "TRAP",
            Muscle::LevatorScapulae => "LEV",
            Muscle::Scalene => "SCAL",
            Muscle::SemispinalisCapitis => "SSC",
        }
    }

    /// Spellings (lower case, one word each, or joined words) that name the muscle in a label.
    fn spellings(self) -> &'static [&'static str] {
        match self {
            Muscle::Sternocleidomastoid => &[
                "scm",
                "stcm",
                "sternocleidomastoid",
                "sternocleidomastoideus",
                "sternomastoid",
                "sternocleido",
            ],
            Muscle::SpleniusCapitis => &["spl", "splc", "splenius", "spleniuscapitis", "splcap"],
            Muscle::Trapezius => &["trap", "trapezius", "uppertrapezius", "utrap", "trapz"],
            Muscle::LevatorScapulae => &["lev", "levator", "levatorscapulae", "ls"],
            Muscle::Scalene => &["scal", "scalene", "scalenus", "scaleni", "scalenes"],
            Muscle::SemispinalisCapitis => &["ssc", "semispinalis", "semispinaliscapitis"],
        }
    }
}

impl fmt::Display for Muscle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Left,
    Right,
}

impl Side {
    pub fn code(self) -> &'static str {
        match self {
            Side::Left => "L",
            Side::Right => "R",
        }
    }
}

/// Where an electrode pair sits: a muscle and, when the label says it, a side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MuscleSite {
    pub muscle: Muscle,
    pub side: Option<Side>,
}

impl fmt::Display for MuscleSite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.side {
            Some(side) => write!(f, "{}-{}", self.muscle.code(), side.code()),
            None => f.write_str(self.muscle.code()),
        }
    }
}

fn side_word(w: &str) -> Option<Side> {
    match w {
        "l" | "lt" | "left" | "links" | "sin" | "sinister" | "sinistra" | "gauche" => {
            Some(Side::Left)
        }
        "r" | "rt" | "right" | "rechts" | "dex" | "dexter" | "dextra" | "droit" => {
            Some(Side::Right)
        }
        _ => None,
    }
}

impl MuscleSite {
    /// Reads a channel label such as `SCM-L`, `EMG SCM R`, `L_SPL`, `Trapezius right`,
    /// `sternocleidomastoid left` or `lSCM`. `None` when no known muscle is named.
    pub fn from_label(label: &str) -> Option<MuscleSite> {
        let lower = label.to_ascii_lowercase();
        let words: Vec<&str> = lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let mut muscle = None;
        let mut side = None;
        // Single words, then adjacent pairs joined ("splenius capitis" → "spleniuscapitis").
        for (i, w) in words.iter().enumerate() {
            if let Some(s) = side_word(w) {
                side = side.or(Some(s));
                continue;
            }
            let joined = words.get(i + 1).map(|n| format!("{w}{n}"));
            for m in Muscle::ALL {
                let names = m.spellings();
                if names.contains(w) || joined.as_deref().is_some_and(|j| names.contains(&j)) {
                    muscle = muscle.or(Some(m));
                } else if let Some((s, rest)) = split_side_prefix_or_suffix(w) {
                    if names.contains(&rest) {
                        muscle = muscle.or(Some(m));
                        side = side.or(Some(s));
                    }
                }
            }
        }
        muscle.map(|muscle| MuscleSite { muscle, side })
    }
}

/// `lscm` → (Left, "scm"), `scmr` → (Right, "scm").
fn split_side_prefix_or_suffix(w: &str) -> Option<(Side, &str)> {
    let side = |c: u8| match c {
        b'l' => Some(Side::Left),
        b'r' => Some(Side::Right),
        _ => None,
    };
    let b = w.as_bytes();
    if b.len() < 3 {
        return None;
    }
    if let Some(s) = side(b[0]) {
        return Some((s, &w[1..]));
    }
    side(b[b.len() - 1]).map(|s| (s, &w[..w.len() - 1]))
}

impl std::str::FromStr for MuscleSite {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MuscleSite::from_label(s).ok_or_else(|| {
            format!("'{s}' names no known muscle (SCM, SPL, TRAP, LEV, SCAL, SSC, with -L/-R)")
        })
    }
}

/// `--channels`: which muscle each channel records, for files whose labels do not say it.
/// `KEY=SITE` pairs separated by commas; `KEY` is a channel label or its 1-based number:
/// `EMG1=SCM-L,EMG2=SCM-R` or `1=SPL-L,2=SPL-R`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChannelMap {
    entries: Vec<(String, MuscleSite)>,
}

impl std::str::FromStr for ChannelMap {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut entries = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, site) = part
                .split_once('=')
                .ok_or_else(|| format!("'{part}' is not CHANNEL=MUSCLE-SIDE (e.g. 1=SCM-L)"))?;
            entries.push((key.trim().to_string(), site.trim().parse()?));
        }
        Ok(ChannelMap { entries })
    }
}

impl ChannelMap {
    /// The site of channel `index` (0-based) labelled `label`: the mapping when it names the
    /// channel, otherwise what the label says.
    pub fn site(&self, index: usize, label: &str) -> Option<MuscleSite> {
        let number = (index + 1).to_string();
        self.entries
            .iter()
            .find(|(k, _)| k == &number || k.eq_ignore_ascii_case(label.trim()))
            .map(|(_, s)| *s)
            .or_else(|| MuscleSite::from_label(label))
    }
}

/// The `emg` section of the results: one entry per EMG channel, and the comparisons between
/// channels (left/right, antagonists, head tremor).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Emg {
    pub channels: Vec<EmgChannel>,
    /// One entry per muscle recorded on both sides.
    pub asymmetry: Vec<EmgAsymmetry>,
    /// Antagonist pairs recorded on the same side (SCM against splenius capitis).
    pub co_contraction: Vec<CoContraction>,
    /// Coherence of each channel's rectified EMG with the head-angle tremor, when a head
    /// recording of the same session was analysed with it.
    pub tremor_coupling: Vec<TremorCoupling>,
    pub method: EmgMethod,
    /// A live biofeedback exercise's outcome (schema 1.3): present in sessions recorded by
    /// the web app's live EMG stream, absent from the analysis of a file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exercise: Option<EmgExerciseOutcome>,
}

/// How a live EMG biofeedback exercise went.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EmgExerciseOutcome {
    /// `relax` or `activate`.
    pub exercise: String,
    /// Seconds of exercise after the rest calibration.
    pub seconds: f64,
    pub muscles: Vec<EmgTargetTime>,
}

/// Time a chosen muscle's envelope spent within its target.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EmgTargetTime {
    pub label: String,
    /// Target level in `scale`: the envelope stays below it (relax) or above it (activate).
    pub target: f64,
    /// `x_baseline` (multiples of the resting level) or `pct_mvc`.
    pub scale: String,
    pub seconds_in_target: f64,
    pub fraction_in_target: f64,
}

/// How the figures were computed, in numbers and words.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EmgMethod {
    /// Band-pass, Hz (the upper edge is limited by the sampling rate).
    pub band_hz: [f64; 2],
    /// Centred moving-RMS window of the envelope, s.
    pub envelope_window_s: f64,
    /// Bursts shorter than this are flagged `short` (myoclonus support).
    pub short_burst_s: f64,
    pub onset: String,
    pub asymmetry: String,
    pub co_contraction: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EmgChannel {
    pub label: String,
    pub muscle: Option<Muscle>,
    pub side: Option<Side>,
    pub rate_hz: f64,
    /// Physical unit of the signal as read (e.g. "uV", "mV", "ADC counts").
    pub unit: String,
    pub duration_s: f64,
    /// Mains frequency found in the signal and notched out (with harmonics in the band);
    /// `null` when no hum was found.
    pub mains_hz: Option<f64>,
    /// RMS of the band-passed signal over the recording, `unit`.
    pub rms: f64,
    /// Average rectified value (mean of the full-wave rectified band-passed signal), `unit`.
    pub arv: f64,
    /// Envelope at rest (mean and SD), `unit`: the reference of onset detection.
    pub baseline_rms: f64,
    pub baseline_sd: f64,
    /// Onset threshold on the envelope, `unit`.
    pub threshold: f64,
    /// Activity above rest: `sqrt(rms² − baseline_rms²)`, `unit`.
    pub activity_rms: f64,
    /// Mean envelope as a multiple of the baseline.
    pub mean_envelope_x_baseline: f64,
    /// Reference RMS of a maximal voluntary contraction, when given.
    pub mvc_rms: Option<f64>,
    /// `activity_rms` as a percentage of `mvc_rms`.
    pub activity_pct_mvc: Option<f64>,
    /// Fraction of the recording inside bursts.
    pub active_fraction: f64,
    pub burst_count: u64,
    pub short_burst_count: u64,
    pub bursts: Vec<EmgBurst>,
    /// The envelope over the recording, decimated for plotting (schema 1.3; absent in
    /// results of earlier versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub envelope: Option<EmgEnvelope>,
}

/// A channel's envelope as a short series: value `k` is the RMS of the envelope over
/// `[start_s + k / rate_hz, start_s + (k + 1) / rate_hz)`, normalised by `scale`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EmgEnvelope {
    pub rate_hz: f64,
    pub start_s: f64,
    /// `pct_mvc` (% of `mvc_rms`), `x_baseline` (multiples of `baseline_rms`), or the
    /// channel's unit when it has neither (a flat signal).
    pub scale: String,
    /// The onset threshold (`threshold`) in the same scale.
    pub threshold: f64,
    pub values: Vec<f64>,
}

impl EmgChannel {
    pub fn site(&self) -> Option<MuscleSite> {
        self.muscle.map(|muscle| MuscleSite {
            muscle,
            side: self.side,
        })
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct EmgBurst {
    pub onset_s: f64,
    pub offset_s: f64,
    pub duration_s: f64,
    /// Largest envelope value in the burst, channel unit.
    pub peak: f64,
    /// Shorter than `method.short_burst_s`.
    pub short: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EmgAsymmetry {
    pub muscle: Muscle,
    pub left: String,
    pub right: String,
    /// Activity (`activity_rms`, or % MVC when both sides have an MVC reference) per side.
    pub left_activity: f64,
    pub right_activity: f64,
    /// `(right − left) / (right + left)`: −1 all left … +1 all right.
    pub index: f64,
    pub ratio_right_left: Option<f64>,
    /// "activity_rms" or "pct_mvc".
    pub measure: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CoContraction {
    pub agonist: String,
    pub antagonist: String,
    /// Falconer & Winter co-contraction index, %.
    pub index_pct: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TremorCoupling {
    pub channel: String,
    pub axis: crate::Axis,
    pub tremor_hz: f64,
    /// Magnitude-squared coherence at the tremor frequency.
    pub coherence: f64,
    /// 95 % significance level of the coherence for the number of segments averaged.
    pub significance: f64,
    pub locked: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(s: &str) -> Option<String> {
        MuscleSite::from_label(s).map(|m| m.to_string())
    }

    #[test]
    fn labels_name_muscle_and_side() {
        for (label, want) in [
            ("SCM-L", "SCM-L"),
            ("SCM-R", "SCM-R"),
            ("SPL-L", "SPL-L"),
            ("TRAP-R", "TRAP-R"),
            ("EMG SCM R", "SCM-R"),
            ("sternocleidomastoid left", "SCM-L"),
            ("Sternocleidomastoid (right)", "SCM-R"),
            ("L Splenius capitis", "SPL-L"),
            ("splenius_capitis_rt", "SPL-R"),
            ("Upper trapezius", "TRAP"),
            ("lSCM", "SCM-L"),
            ("SCMr", "SCM-R"),
            ("Levator scapulae left", "LEV-L"),
        ] {
            assert_eq!(site(label).as_deref(), Some(want), "{label}");
        }
        for label in ["EMG", "EMG1", "Fp1", "EDF Annotations", ""] {
            assert_eq!(site(label), None, "{label}");
        }
    }

    #[test]
    fn channel_map_overrides_labels() {
        let map: ChannelMap = "1=SCM-L, EMG2=scm right".parse().unwrap();
        assert_eq!(map.site(0, "EMG1").unwrap().to_string(), "SCM-L");
        assert_eq!(map.site(1, "emg2").unwrap().to_string(), "SCM-R");
        assert_eq!(map.site(2, "TRAP-L").unwrap().to_string(), "TRAP-L");
        assert_eq!(map.site(3, "EMG4"), None);
        assert!("1:SCM-L".parse::<ChannelMap>().is_err());
        assert!("1=elbow".parse::<ChannelMap>().is_err());
    }
}
