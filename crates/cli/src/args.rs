//! Command-line option groups shared by several commands.

use clap::Args;
use collis_core::results::Task;
use collis_core::Mounting;
use collis_io::{AccUnit, GyrUnit, ImportOptions};
use std::path::PathBuf;

/// How to read a recording.
#[derive(Args, Debug, Clone, Default)]
pub struct ImportArgs {
    /// Sampling rate in Hz, for files without a time column.
    #[arg(long, value_name = "HZ", value_parser = parse_rate)]
    pub rate: Option<f64>,
    /// Accelerometer unit when the header does not say it or says it wrong: m/s2, g, mg.
    #[arg(long, value_name = "UNIT")]
    pub acc_unit: Option<AccUnit>,
    /// Gyroscope unit when the header does not say it or says it wrong: rad/s, dps, mdps.
    #[arg(long, value_name = "UNIT")]
    pub gyr_unit: Option<GyrUnit>,
}

impl ImportArgs {
    /// The import options; `no_mag` leaves magnetometer columns unread.
    pub fn options(&self, no_mag: bool) -> ImportOptions {
        ImportOptions {
            rate_hz: self.rate,
            acc_unit: self.acc_unit,
            gyr_unit: self.gyr_unit,
            ignore_mag: no_mag,
        }
    }
}

/// How the sensor sits and what the angles are relative to.
#[derive(Args, Debug, Clone)]
pub struct AngleArgs {
    #[command(flatten)]
    pub import: ImportArgs,
    /// Sensor mounting on the head: the head direction of each sensor axis
    /// (forward, back, left, right, up, down).
    #[arg(
        long,
        value_name = "x=..,y=..,z=..",
        default_value = "x=forward,y=left,z=up"
    )]
    pub axes: Mounting,
    /// Seconds START:END where the head was held in neutral: angles are relative to it.
    #[arg(long, value_name = "START:END", value_parser = parse_segment)]
    pub neutral: Option<[f64; 2]>,
    /// Seconds START:END where the sensor lay still (not worn, e.g. on the table before it
    /// was put on): the gyroscope bias is measured there. Such a rest of ≥ 3 s is also found
    /// in the recording by itself.
    #[arg(long, value_name = "START:END", value_parser = parse_segment)]
    pub still: Option<[f64; 2]>,
    /// A trunk (sternum) sensor recording on the same clock: head-on-trunk angles.
    #[arg(long, value_name = "FILE")]
    pub trunk: Option<PathBuf>,
    /// Mounting of the trunk sensor on the trunk.
    #[arg(
        long,
        value_name = "x=..,y=..,z=..",
        default_value = "x=forward,y=left,z=up"
    )]
    pub trunk_axes: Mounting,
    /// Ignore the magnetometer (6D fusion).
    #[arg(long)]
    pub no_mag: bool,
}

impl Default for AngleArgs {
    /// The command-line defaults: default mountings, no reference, magnetometer used.
    fn default() -> Self {
        AngleArgs {
            import: ImportArgs::default(),
            axes: Mounting::default(),
            neutral: None,
            still: None,
            trunk: None,
            trunk_axes: Mounting::default(),
            no_mag: false,
        }
    }
}

/// Parse `START:END` seconds.
pub fn parse_segment(s: &str) -> Result<[f64; 2], String> {
    let (a, b) = s
        .split_once(':')
        .ok_or_else(|| format!("'{s}' is not START:END in seconds"))?;
    let parse = |x: &str| {
        x.trim()
            .parse::<f64>()
            .map_err(|_| format!("'{x}' in '{s}' is not a number of seconds"))
    };
    let (a, b) = (parse(a)?, parse(b)?);
    if !(a.is_finite() && b.is_finite() && a >= 0.0 && b > a) {
        return Err(format!("segment '{s}' must have 0 ≤ START < END"));
    }
    Ok([a, b])
}

/// Parse a sampling rate: a finite number of Hz above 0 (each reader checks its own range).
pub fn parse_rate(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(hz) if hz.is_finite() && hz > 0.0 => Ok(hz),
        _ => Err(format!(
            "'{s}' is not a sampling rate in Hz (a number above 0)"
        )),
    }
}

/// Parse a time in seconds from the start: a finite number ≥ 0.
pub fn parse_seconds(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(t) if t.is_finite() && t >= 0.0 => Ok(t),
        _ => Err(format!("'{s}' is not a time in seconds (a number ≥ 0)")),
    }
}

/// Parse a task name.
pub fn parse_task(s: &str) -> Result<Task, String> {
    match s {
        "rest" => Ok(Task::Rest),
        "hold-neutral" => Ok(Task::HoldNeutral),
        "rom" => Ok(Task::Rom),
        "sensory-trick" => Ok(Task::SensoryTrick),
        "exercise" => Ok(Task::Exercise),
        _ => Err(format!(
            "unknown task '{s}' (rest, hold-neutral, rom, sensory-trick, exercise)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments() {
        assert_eq!(parse_segment("0.5:7.5"), Ok([0.5, 7.5]));
        assert!(parse_segment("7:5").is_err());
        assert!(parse_segment("a:5").is_err());
        assert!(parse_segment("5").is_err());
        assert!(parse_segment("-1:5").is_err());
    }

    /// Issue 19: `--rate NaN` was accepted and did nothing.
    #[test]
    fn rates_and_seconds() {
        assert_eq!(parse_rate("100"), Ok(100.0));
        for bad in ["NaN", "inf", "0", "-5", "fast"] {
            assert!(parse_rate(bad).is_err(), "{bad}");
            assert!(bad == "0" || parse_seconds(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_seconds("0"), Ok(0.0));
    }
}
