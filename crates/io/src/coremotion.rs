//! iOS CoreMotion device-motion exports (`CMDeviceMotion` fields as columns), e.g. the mPower
//! tremor records (`timestamp`, `attitude_*`, `gravity_*`, `userAcceleration_*`,
//! `rotationRate_*`, `magneticField_*`) and SensorLog's `motionRotationRateX(rad/s)` style.
//!
//! Apple documents `gravity` and `userAcceleration` in g and `rotationRate` in rad/s; the
//! acceleration sign is Apple's: a device lying face up at rest has gravity = (0, 0, −1) g,
//! i.e. the opposite of the specific force an accelerometer measures. So the specific force
//! is −(gravity + userAcceleration) × 9.80665 m/s², which at rest is +9.81 m/s² along the
//! axis pointing up (checked on the mPower rest record by rotating it with `attitude`).
//! `magneticField` (calibrated, µT) is used only if it is not all zero: with
//! `magneticField_accuracy` −1 (uncalibrated) CoreMotion exports zeros.

use crate::error::ImportError;
use crate::header::Header;
use crate::lines::LineReader;
use crate::row::{RowParser, RowReader, ACC, AUX, GYR, IGNORE, MAG, TIME};
use crate::source::{Clock, Columns, Opened, UnitSpec};
use crate::text::{Layout, TextSource};
use crate::units::{AccUnit, GyrUnit, TimeUnit, STANDARD_GRAVITY};
use std::path::Path;

/// Lower-case letters and digits of a name, bracketed unit removed:
/// `motionRotationRateX(rad/s)` → `motionrotationratex`.
fn key(name: &str) -> String {
    let base = name.split(['(', '[']).next().unwrap_or(name);
    base.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Column index of each axis of the quantity whose key ends in `stem` + axis.
fn axes(keys: &[String], stem: &str) -> Option<[usize; 3]> {
    let find = |axis: &str| {
        keys.iter()
            .position(|k| k.ends_with(&format!("{stem}{axis}")))
    };
    Some([find("x")?, find("y")?, find("z")?])
}

/// Whether the header is a CoreMotion device-motion export.
pub(crate) fn matches(names: &[String]) -> bool {
    let keys: Vec<String> = names.iter().map(|n| key(n)).collect();
    ["rotationrate", "useracceleration", "gravity"]
        .iter()
        .all(|stem| axes(&keys, stem).is_some())
}

fn joined(names: &[String], cols: [usize; 3]) -> String {
    cols.map(|i| names[i].as_str()).join(", ")
}

/// Opens a CoreMotion export whose header has been read ([`matches`] is true).
pub(crate) fn open(path: &Path, lines: LineReader, header: Header) -> Result<Opened, ImportError> {
    let names = header.names;
    let keys: Vec<String> = names.iter().map(|n| key(n)).collect();
    let missing = || ImportError::new(path, "not a CoreMotion header").at_line(header.number);
    let gyr = axes(&keys, "rotationrate").ok_or_else(missing)?;
    let user = axes(&keys, "useracceleration").ok_or_else(missing)?;
    let gravity = axes(&keys, "gravity").ok_or_else(missing)?;
    let mag = axes(&keys, "magneticfield");
    let time = keys
        .iter()
        .position(|k| k.contains("motiontimestamp"))
        .or_else(|| keys.iter().position(|k| k == "timestamp"));

    let mut slots = vec![IGNORE; names.len()];
    if let Some(t) = time {
        slots[t] = TIME;
    }
    for (first, cols) in [
        (GYR, Some(gyr)),
        (ACC, Some(user)),
        (AUX, Some(gravity)),
        (MAG, mag),
    ] {
        for (offset, i) in (0u8..).zip(cols.into_iter().flatten()) {
            slots[i] = first + offset;
        }
    }
    let columns = Columns {
        time: time.map(|t| names[t].clone()),
        gyr: joined(&names, gyr),
        acc: (0..3)
            .map(|a| format!("−({} + {})", names[gravity[a]], names[user[a]]))
            .collect::<Vec<_>>()
            .join(", "),
        mag: mag.map(|m| joined(&names, m)),
        ignored: slots
            .iter()
            .zip(&names)
            .filter(|(&s, _)| s == IGNORE)
            .map(|(_, n)| n.clone())
            .collect(),
    };
    let layout = Layout {
        has_time: time.is_some(),
        has_mag: mag.is_some(),
        acc_plus_aux: true,
        acc_scale: -STANDARD_GRAVITY,
        gyr_scale: 1.0,
    };
    let clock = match time {
        Some(t) => Clock::Column {
            name: names[t].clone(),
            unit: Some(TimeUnit::Seconds),
            keep_origin: false,
        },
        None => Clock::RowIndex,
    };
    let parser = RowParser::new(header.delimiter, slots);
    let rows = RowReader::new(path, lines, parser, names);
    Ok(Opened {
        source: Box::new(TextSource::new(rows, layout)),
        format: "coremotion",
        clock_path: path.to_path_buf(),
        clock,
        acc: UnitSpec {
            unit: AccUnit::G,
            declared: true,
        },
        gyr: UnitSpec {
            unit: GyrUnit::RadPerS,
            declared: true,
        },
        columns,
        notes: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_mpower_and_sensorlog_headers() {
        let mpower: Vec<String> = "timestamp,attitude_w,gravity_x,gravity_y,gravity_z,\
            magneticField_accuracy,magneticField_x,magneticField_y,magneticField_z,\
            rotationRate_x,rotationRate_y,rotationRate_z,userAcceleration_x,\
            userAcceleration_y,userAcceleration_z"
            .split(',')
            .map(String::from)
            .collect();
        assert!(matches(&mpower));
        let keys: Vec<String> = mpower.iter().map(|n| key(n)).collect();
        assert_eq!(axes(&keys, "magneticfield"), Some([6, 7, 8]));
        let sensorlog: Vec<String> = [
            "motionTimestamp_sinceReboot(s)",
            "motionRotationRateX(rad/s)",
            "motionRotationRateY(rad/s)",
            "motionRotationRateZ(rad/s)",
            "motionUserAccelerationX(G)",
            "motionUserAccelerationY(G)",
            "motionUserAccelerationZ(G)",
            "motionGravityX(G)",
            "motionGravityY(G)",
            "motionGravityZ(G)",
        ]
        .map(String::from)
        .to_vec();
        assert!(matches(&sensorlog));
        assert!(!matches(&["time".into(), "gx".into()]));
    }
}
