//! Sanity checks users hit in practice, as warnings (or errors where the data are unusable):
//!
//! - time: non-monotonic and duplicated timestamps (sample dropped, counted, first line named),
//!   gaps longer than 3 nominal steps (counted, longest named);
//! - units, on the first ~2 s: the median |acc| must be gravity (9.81 m/s² ± 25 %) — when the
//!   header declares the unit a mismatch is an error naming the unit the raw values look like
//!   (≈1 → g, ≈9.8 → m/s², ≈1000 → mg) and the `--acc-unit` to pass; when it does not, the unit
//!   is inferred that way (with a warning); with `--acc-unit` a mismatch is only a warning.
//!   A gyroscope read as rad/s that exceeds 35 rad/s (≈ 2000 °/s, the largest MEMS range)
//!   is almost surely deg/s: an error if its median |ω| in the window also exceeds 1 rad/s
//!   (57 °/s — no head turns that fast for most of 2 s), else a warning; without a unit in the
//!   header this decides between rad/s and deg/s;
//! - saturation: a channel whose largest |value| recurs in ≥ 3 consecutive samples at a usual
//!   full scale (acc 2/4/8/16 g; gyro 125…2000 °/s, or the ×1.147 that ST gyroscopes reach at
//!   32767 LSB) within ±2 %;
//! - gyroscope values above 35 rad/s anywhere in the stream.

use crate::error::{ImportError, ImportWarning};
use crate::source::UnitSpec;
use crate::units::{AccUnit, GyrUnit, STANDARD_GRAVITY};
use crate::ImportOptions;
use collis_core::ImuSample;
use std::path::{Path, PathBuf};

/// Gravity tolerance of the unit check.
const GRAVITY_TOLERANCE: f64 = 0.25;
/// Above this a rate in "rad/s" is surely deg/s: 2000 °/s ≈ 34.9 rad/s.
const MAX_GYR_RAD_S: f64 = 35.0;
/// Median |ω| above which a window with such peaks is an error rather than a warning.
const GYR_MEDIAN_LIMIT: f64 = 1.0;
/// A gap is longer than this many nominal steps (plus rounding).
const GAP_STEPS: f64 = 3.0 * (1.0 + 1e-6);
/// Samples at the maximum needed to call a channel saturated.
const SATURATION_RUN: u32 = 3;
/// Relative tolerance for "at the maximum" (covers +32767 vs −32768 LSB).
const AT_MAX: f64 = 1e-4;
const ACC_FULL_SCALES_G: [f64; 4] = [2.0, 4.0, 8.0, 16.0];
const GYR_FULL_SCALES_DPS: [f64; 5] = [125.0, 250.0, 500.0, 1000.0, 2000.0];
/// ST gyroscopes: 32767 LSB × sensitivity (e.g. 70 mdps/LSB at ±2000 °/s = 2293.7 °/s).
const ST_GYR_OVERRANGE: f64 = 1.146_85;
const CHANNELS: [&str; 6] = ["acc_x", "acc_y", "acc_z", "gyr_x", "gyr_y", "gyr_z"];

/// Median of a non-empty list (NaN-free); 0 for an empty one.
pub(crate) fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mid = values.len() / 2;
    let (_, m, _) = values.select_nth_unstable_by(mid, f64::total_cmp);
    *m
}

fn norm(v: [f64; 3]) -> f64 {
    (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt()
}

/// How many events, and the line of the first.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    count: u64,
    first_line: u64,
}

impl Tally {
    fn add(&mut self, line: u64) {
        if self.count == 0 {
            self.first_line = line;
        }
        self.count += 1;
    }
}

/// Monotonicity, duplicates and gaps of one stream's timestamps (seconds).
pub(crate) struct TimeChecks {
    path: PathBuf,
    max_step: f64,
    last: Option<f64>,
    backwards: Tally,
    duplicates: Tally,
    gaps: Tally,
    longest_gap: (f64, u64),
}

impl TimeChecks {
    pub(crate) fn new(path: &Path, nominal_dt: f64) -> Self {
        TimeChecks {
            path: path.to_path_buf(),
            max_step: GAP_STEPS * nominal_dt,
            last: None,
            backwards: Tally::default(),
            duplicates: Tally::default(),
            gaps: Tally::default(),
            longest_gap: (0.0, 0),
        }
    }

    /// Whether a sample at time `t` (on `line`) is kept.
    pub(crate) fn admit(&mut self, line: u64, t: f64) -> bool {
        if let Some(last) = self.last {
            if t < last {
                self.backwards.add(line);
                return false;
            }
            if t == last {
                self.duplicates.add(line);
                return false;
            }
            let dt = t - last;
            if dt > self.max_step {
                self.gaps.add(line);
                if dt > self.longest_gap.0 {
                    self.longest_gap = (dt, line);
                }
            }
        }
        self.last = Some(t);
        true
    }

    pub(crate) fn warnings(&self, out: &mut Vec<ImportWarning>) {
        let tally = |t: Tally, what: &str| {
            ImportWarning::new(
                &self.path,
                Some(t.first_line),
                format!(
                    "{} {what} timestamps dropped (first at line {})",
                    t.count, t.first_line
                ),
            )
        };
        if self.backwards.count > 0 {
            out.push(tally(
                self.backwards,
                "non-monotonic (earlier than the previous)",
            ));
        }
        if self.duplicates.count > 0 {
            out.push(tally(self.duplicates, "duplicated"));
        }
        if self.gaps.count > 0 {
            let (dt, line) = self.longest_gap;
            out.push(ImportWarning::new(
                &self.path,
                Some(line),
                format!(
                    "{} gaps longer than 3 sampling steps ({:.4} s); the longest is {dt:.3} s \
                     before line {line}",
                    self.gaps.count, self.max_step
                ),
            ));
        }
    }
}

/// Running maximum of one channel and how often it is reached in a row.
#[derive(Debug, Default, Clone, Copy)]
struct Saturation {
    max: f64,
    at_max: u64,
    run: u32,
    longest_run: u32,
}

impl Saturation {
    fn observe(&mut self, v: f64) {
        let a = v.abs();
        if a > self.max * (1.0 + AT_MAX) {
            *self = Saturation {
                max: a,
                at_max: 1,
                run: 1,
                longest_run: 1,
            };
        } else if a >= self.max * (1.0 - AT_MAX) {
            self.max = self.max.max(a);
            self.at_max += 1;
            self.run += 1;
            self.longest_run = self.longest_run.max(self.run);
        } else {
            self.run = 0;
        }
    }
}

/// The full scale (in `unit`) that `max` matches within ±2 %.
fn full_scale(max: f64, scales: &[f64], overrange: f64) -> Option<f64> {
    scales.iter().copied().find(|&fs| {
        [fs, fs * overrange]
            .iter()
            .any(|&v| (max / v - 1.0).abs() <= 0.02)
    })
}

/// Saturation and gyroscope-range checks over the stream.
pub(crate) struct ValueChecks {
    path: PathBuf,
    channels: [Saturation; 6],
    fast_gyr: Tally,
    /// The gyroscope is read as rad/s without the user saying so.
    gyr_maybe_dps: bool,
}

impl ValueChecks {
    pub(crate) fn new(path: &Path, gyr_maybe_dps: bool) -> Self {
        ValueChecks {
            path: path.to_path_buf(),
            channels: [Saturation::default(); 6],
            fast_gyr: Tally::default(),
            gyr_maybe_dps,
        }
    }

    pub(crate) fn observe(&mut self, line: u64, s: &ImuSample) {
        let values = [
            s.acc_m_s2[0],
            s.acc_m_s2[1],
            s.acc_m_s2[2],
            s.gyr_rad_s[0],
            s.gyr_rad_s[1],
            s.gyr_rad_s[2],
        ];
        for (ch, v) in self.channels.iter_mut().zip(values) {
            ch.observe(v);
        }
        if s.gyr_rad_s.iter().any(|g| g.abs() > MAX_GYR_RAD_S) {
            self.fast_gyr.add(line);
        }
    }

    pub(crate) fn warnings(&self, out: &mut Vec<ImportWarning>) {
        for (name, ch) in CHANNELS.iter().zip(&self.channels) {
            if ch.longest_run < SATURATION_RUN {
                continue;
            }
            let scale = if name.starts_with("acc") {
                full_scale(ch.max / STANDARD_GRAVITY, &ACC_FULL_SCALES_G, 1.0)
                    .map(|fs| format!("±{fs} g"))
            } else {
                full_scale(ch.max.to_degrees(), &GYR_FULL_SCALES_DPS, ST_GYR_OVERRANGE)
                    .map(|fs| format!("±{fs} °/s"))
            };
            if let Some(scale) = scale {
                out.push(ImportWarning::new(
                    &self.path,
                    None,
                    format!(
                        "{name} probably saturated at {scale} ({} samples)",
                        ch.at_max
                    ),
                ));
            }
        }
        if self.fast_gyr.count > 0 {
            let hint = if self.gyr_maybe_dps {
                "the values are probably deg/s: pass --gyr-unit dps"
            } else {
                "check the gyroscope unit"
            };
            out.push(ImportWarning::new(
                &self.path,
                Some(self.fast_gyr.first_line),
                format!(
                    "{} samples with a gyroscope value above {MAX_GYR_RAD_S} rad/s (2000 °/s, \
                     beyond MEMS gyroscopes; first at line {}): {hint}",
                    self.fast_gyr.count, self.fast_gyr.first_line
                ),
            ));
        }
    }
}

/// Units after the checks on the first seconds, and the factors from the source's units.
pub(crate) struct UnitDecision {
    pub acc: AccUnit,
    pub gyr: GyrUnit,
    pub acc_factor: f64,
    pub gyr_factor: f64,
}

fn is_gravity(m_s2: f64) -> bool {
    (m_s2 / STANDARD_GRAVITY - 1.0).abs() <= GRAVITY_TOLERANCE
}

/// The unit in which a raw magnitude would be gravity.
fn gravity_unit(raw: f64) -> Option<AccUnit> {
    [AccUnit::G, AccUnit::MetrePerS2, AccUnit::MilliG]
        .into_iter()
        .find(|u| is_gravity(raw * u.to_m_s2()))
}

fn acc_mismatch(span_s: f64, med: f64, used: AccUnit, how: &str, raw: f64) -> String {
    let hint = match gravity_unit(raw) {
        Some(u) => format!(
            "the raw values (median magnitude {raw:.4}) look like {}: pass --acc-unit {}",
            u.name(),
            u.option_name()
        ),
        None => format!(
            "the raw values (median magnitude {raw:.4}) match no unit (≈1 g, ≈9.81 m/s², \
             ≈1000 mg): raw sensor counts, or acceleration without gravity? Convert them, or \
             pass --acc-unit"
        ),
    };
    format!(
        "median |acc| over the first {span_s:.1} s is {med:.3} m/s² with the {how} unit {}, \
         not gravity (9.81 m/s² ± 25 %): {hint}",
        used.name()
    )
}

/// Checks and settles the accelerometer and gyroscope units on the first samples.
pub(crate) fn decide_units(
    path: &Path,
    window: &[ImuSample],
    acc: UnitSpec<AccUnit>,
    gyr: UnitSpec<GyrUnit>,
    opts: &ImportOptions,
    notes: &mut Vec<ImportWarning>,
) -> Result<UnitDecision, ImportError> {
    let span_s = match (window.first(), window.last()) {
        (Some(a), Some(b)) => b.time_s - a.time_s,
        _ => 0.0,
    };
    let med_acc = median(&mut window.iter().map(|s| norm(s.acc_m_s2)).collect::<Vec<_>>());
    let raw_acc = med_acc / acc.unit.to_m_s2();
    let acc_unit = match opts.acc_unit {
        Some(u) => {
            if !is_gravity(raw_acc * u.to_m_s2()) {
                let m = acc_mismatch(span_s, raw_acc * u.to_m_s2(), u, "given", raw_acc);
                notes.push(ImportWarning::new(path, None, m));
            }
            u
        }
        None if acc.declared => {
            if !is_gravity(med_acc) {
                let m = acc_mismatch(span_s, med_acc, acc.unit, "declared", raw_acc);
                return Err(ImportError::new(path, m));
            }
            acc.unit
        }
        None => match gravity_unit(raw_acc) {
            Some(u) => {
                notes.push(ImportWarning::new(
                    path,
                    None,
                    format!(
                        "no accelerometer unit in the header: assumed {} (median magnitude of \
                         the raw values over the first {span_s:.1} s is {raw_acc:.4})",
                        u.name()
                    ),
                ));
                u
            }
            None => {
                let m = acc_mismatch(span_s, med_acc, acc.unit, "assumed", raw_acc);
                return Err(ImportError::new(path, m));
            }
        },
    };

    let max_gyr = window
        .iter()
        .flat_map(|s| s.gyr_rad_s)
        .fold(0.0, |m: f64, g| m.max(g.abs()));
    let med_gyr = median(&mut window.iter().map(|s| norm(s.gyr_rad_s)).collect::<Vec<_>>());
    let (max_raw, med_raw) = (max_gyr / gyr.unit.to_rad_s(), med_gyr / gyr.unit.to_rad_s());
    let too_fast = format!(
        "gyroscope values read as rad/s reach {max_raw:.1} rad/s in the first {span_s:.1} s \
         (median |ω| {med_raw:.2} rad/s), beyond the 35 rad/s (2000 °/s) of MEMS gyroscopes"
    );
    let gyr_unit = match opts.gyr_unit {
        Some(u) => u,
        None if gyr.declared && gyr.unit == GyrUnit::RadPerS && max_raw > MAX_GYR_RAD_S => {
            let m = format!("{too_fast}: the values are probably deg/s; pass --gyr-unit dps");
            if med_raw > GYR_MEDIAN_LIMIT {
                return Err(ImportError::new(path, m));
            }
            notes.push(ImportWarning::new(path, None, m));
            GyrUnit::RadPerS
        }
        None if gyr.declared => gyr.unit,
        None => {
            let u = if max_raw > MAX_GYR_RAD_S {
                GyrUnit::DegPerS
            } else {
                GyrUnit::RadPerS
            };
            notes.push(ImportWarning::new(
                path,
                None,
                format!(
                    "no gyroscope unit in the header: assumed {} (largest raw value in the \
                     first {span_s:.1} s: {max_raw:.2}); pass --gyr-unit {} if that is wrong",
                    u.name(),
                    if u == GyrUnit::RadPerS {
                        "dps"
                    } else {
                        "rad/s"
                    }
                ),
            ));
            u
        }
    };
    Ok(UnitDecision {
        acc: acc_unit,
        gyr: gyr_unit,
        acc_factor: acc_unit.to_m_s2() / acc.unit.to_m_s2(),
        gyr_factor: gyr_unit.to_rad_s() / gyr.unit.to_rad_s(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_checks_count_and_name_lines() {
        let mut c = TimeChecks::new(Path::new("nod.txt"), 0.01);
        let times = [0.0, 0.01, 0.02, 0.02, 0.015, 0.03, 0.2, 0.21, 0.21, 0.21];
        let kept: Vec<bool> = (0..).zip(times).map(|(i, t)| c.admit(100 + i, t)).collect();
        assert_eq!(
            kept,
            [true, true, true, false, false, true, true, true, false, false]
        );
        let mut w = Vec::new();
        c.warnings(&mut w);
        let w: Vec<String> = w.iter().map(ToString::to_string).collect();
        assert_eq!(
            w[0],
            "nod.txt:104: 1 non-monotonic (earlier than the previous) timestamps dropped (first at line 104)"
        );
        assert_eq!(
            w[1],
            "nod.txt:103: 3 duplicated timestamps dropped (first at line 103)"
        );
        assert!(w[2].starts_with("nod.txt:106: 1 gaps"), "{}", w[2]);
        assert!(w[2].contains("0.170 s"), "{}", w[2]);
    }

    #[test]
    fn saturation_needs_a_run_at_a_full_scale() {
        let g4 = 4.0 * STANDARD_GRAVITY;
        let mut c = ValueChecks::new(Path::new("a.csv"), true);
        for (i, a) in [1.0, g4, g4, -g4 * 0.99999, 3.0, g4]
            .into_iter()
            .enumerate()
        {
            let s = ImuSample {
                time_s: i as f64,
                gyr_rad_s: [0.1; 3],
                acc_m_s2: [a, 9.8, 0.0],
                mag: None,
            };
            c.observe(i as u64 + 2, &s);
        }
        let mut w = Vec::new();
        c.warnings(&mut w);
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(
            w[0].message(),
            "acc_x probably saturated at ±4 g (4 samples)"
        );
        // 2293.7 °/s, where ST gyroscopes clip at ±2000 °/s.
        assert_eq!(
            full_scale(2293.7, &GYR_FULL_SCALES_DPS, ST_GYR_OVERRANGE),
            Some(2000.0)
        );
        assert_eq!(
            full_scale(1500.0, &GYR_FULL_SCALES_DPS, ST_GYR_OVERRANGE),
            None
        );
    }

    #[test]
    fn median_of_odd_and_even() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 3.0);
        assert_eq!(median(&mut []), 0.0);
    }
}
