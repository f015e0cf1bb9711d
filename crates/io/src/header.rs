//! The header line of a text recording: reading it safely (UTF-8, no NUL, ≤ 64 KiB, comment
//! lines skipped), finding the delimiter, and recognising what each column holds — sensor
//! (gyroscope, accelerometer, magnetometer) or time, axis and unit — from the way device logs
//! name them: `A_X [mg]`, `G_Z [dps]`, `gyro_x(rad/s)`, `accel_y_g`, `acc_x_mps2`, `gx`, `AccX`,
//! `GyroZ`, `mag_x_uT`, `Magnetometer X (µT)`, `time_ms`, `timestamp_ns`, `seconds_elapsed`.

use crate::error::ImportError;
use crate::lines::{LineError, LineReader, MAX_LINE};
use crate::row::Delimiter;
use crate::units::{is_mag_unit, AccUnit, GyrUnit, TimeUnit};
use std::path::Path;

/// Comment lines (`#`, `%`, `//`) accepted before the header.
const MAX_COMMENT_LINES: u64 = 100;

/// The header of a delimited text recording.
pub(crate) struct Header {
    /// 1-based line number of the header.
    pub number: u64,
    pub delimiter: Delimiter,
    /// Column names, trimmed, without quotes.
    pub names: Vec<String>,
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Time,
    Gyr(usize),
    Acc(usize),
    Mag(usize),
    Other,
}

/// A recognised column: its role and the unit written in its name, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Column {
    pub role: Role,
    pub unit: Option<String>,
}

/// Converts a line-reading failure into an error naming the file.
pub(crate) fn line_error(path: &Path, e: LineError) -> ImportError {
    match e {
        LineError::Io(e) => ImportError::io(path, "cannot read", e),
        LineError::TooLong(n) => ImportError::new(
            path,
            format!(
                "line is longer than {} KiB: this is not a text recording",
                MAX_LINE / 1024
            ),
        )
        .at_line(n),
    }
}

/// Reads the header line: the first line that is not blank or a comment.
pub(crate) fn read_header(lines: &mut LineReader, path: &Path) -> Result<Header, ImportError> {
    loop {
        let Some(line) = lines.next_line().map_err(|e| line_error(path, e))? else {
            return Err(ImportError::new(path, "empty file (no header line)"));
        };
        let number = line.number;
        if line.bytes.contains(&0) {
            return Err(ImportError::new(
                path,
                "binary data (NUL byte): this is not a text recording",
            )
            .at_line(number));
        }
        let Ok(text) = std::str::from_utf8(line.bytes) else {
            return Err(
                ImportError::new(path, "not UTF-8 text: this is not a text recording")
                    .at_line(number),
            );
        };
        let text = text.trim_start_matches('\u{feff}').trim();
        if text.is_empty()
            || text.starts_with('#')
            || text.starts_with('%')
            || text.starts_with("//")
        {
            if number >= MAX_COMMENT_LINES {
                return Err(ImportError::new(
                    path,
                    format!("no header line within the first {MAX_COMMENT_LINES} lines"),
                ));
            }
            continue;
        }
        let Some(delimiter) = Delimiter::detect(text) else {
            return Err(ImportError::new(
                path,
                format!(
                    "header '{}' has a single column: expected delimited columns (comma, tab, \
                     semicolon or spaces) for time, gyroscope and accelerometer",
                    shorten(text)
                ),
            )
            .at_line(number));
        };
        let names = delimiter
            .split_header(text)
            .map(|s| s.trim().trim_matches('"').trim().to_string())
            .collect();
        return Ok(Header {
            number,
            delimiter,
            names,
        });
    }
}

/// At most 60 characters of a text, for messages.
pub(crate) fn shorten(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

/// Recognises a column name.
pub(crate) fn classify(name: &str) -> Column {
    let (base, mut unit) = split_bracket_unit(name);
    let mut parts: Vec<&str> = base
        .split(|c: char| !c.is_alphanumeric())
        .filter(|s| !s.is_empty())
        .collect();
    if unit.is_none() && parts.len() >= 2 && parts.last().is_some_and(|t| is_unit_token(t)) {
        unit = parts.pop().map(str::to_string);
    }
    let words: Vec<String> = parts
        .iter()
        .flat_map(|p| camel_split(p))
        .map(|w| w.to_lowercase())
        .collect();
    if let Some(time_unit) = time_role(&words) {
        return Column {
            role: Role::Time,
            unit: unit.or(time_unit.map(|u| u.name().to_string())),
        };
    }
    Column {
        role: sensor_role(&words),
        unit,
    }
}

/// `"A_X [mg]"` → `("A_X", Some("mg"))`; `"gyro_x(rad/s)"` → `("gyro_x", Some("rad/s"))`.
fn split_bracket_unit(name: &str) -> (String, Option<String>) {
    let open = name.rfind(['[', '(']);
    if let Some(open) = open {
        let close_char = if name[open..].starts_with('[') {
            ']'
        } else {
            ')'
        };
        if let Some(len) = name[open + 1..].find(close_char) {
            let unit = name[open + 1..open + 1 + len].trim().to_string();
            let base = format!("{} {}", &name[..open], &name[open + 2 + len..]);
            return (base, (!unit.is_empty()).then_some(unit));
        }
    }
    (name.to_string(), None)
}

fn is_unit_token(t: &str) -> bool {
    AccUnit::from_token(t).is_some()
        || GyrUnit::from_token(t).is_some()
        || TimeUnit::from_token(t).is_some()
        || is_mag_unit(t)
}

/// `"GyroZ"` → `["Gyro", "Z"]`; `"rotationRateX"` → `["rotation", "Rate", "X"]`.
fn camel_split(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev_lower = false;
    for (i, c) in s.char_indices() {
        if c.is_uppercase() && prev_lower {
            out.push(&s[start..i]);
            start = i;
        }
        prev_lower = c.is_lowercase();
    }
    out.push(&s[start..]);
    out
}

const TIME_WORDS: [&str; 7] = [
    "time",
    "timestamp",
    "timestamps",
    "ts",
    "epoch",
    "elapsed",
    "stamp",
];

/// `Some(unit implied by the name)` when the column is a time column.
fn time_role(words: &[String]) -> Option<Option<TimeUnit>> {
    if words.len() == 1 && words[0] == "t" {
        return Some(None);
    }
    if words.iter().any(|w| sensor_of(w).is_some()) {
        return None;
    }
    // A unit word that only a time can have: "millis", "seconds_elapsed".
    let spelled_unit = words
        .iter()
        .filter(|w| w.len() >= 4)
        .find_map(|w| TimeUnit::from_token(w));
    if spelled_unit.is_some() || words.iter().any(|w| TIME_WORDS.contains(&w.as_str())) {
        return Some(spelled_unit);
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sensor {
    Gyr,
    Acc,
    Mag,
}

fn sensor_of(word: &str) -> Option<Sensor> {
    Some(match word {
        "g" | "gy" | "gyr" | "gyro" | "gyros" | "gyroscope" | "gyrometer" | "w" | "omega"
        | "angvel" | "rotationrate" => Sensor::Gyr,
        "a" | "acc" | "acce" | "accl" | "accel" | "accelero" | "accelerometer" | "acceleration"
        | "xl" => Sensor::Acc,
        "m" | "mag" | "magn" | "magnet" | "magnetometer" | "magnetic" | "magneticfield" => {
            Sensor::Mag
        }
        _ => return None,
    })
}

/// Words that make a column something other than a raw sensor axis.
const EXCLUDED: [&str; 17] = [
    "lin",
    "linear",
    "user",
    "gravity",
    "grav",
    "bias",
    "quat",
    "quaternion",
    "orientation",
    "euler",
    "angle",
    "attitude",
    "temp",
    "temperature",
    "accuracy",
    "std",
    "offset",
];

fn axis_of(c: char) -> Option<usize> {
    match c {
        'x' => Some(0),
        'y' => Some(1),
        'z' => Some(2),
        _ => None,
    }
}

fn sensor_role(words: &[String]) -> Role {
    if words.iter().any(|w| EXCLUDED.contains(&w.as_str())) {
        return Role::Other;
    }
    let mut sensor_words: Vec<&str> = words.iter().map(String::as_str).collect();
    let axis = match sensor_words
        .iter()
        .rposition(|w| w.len() == 1 && axis_of_word(w).is_some())
    {
        Some(i) => axis_of_word(sensor_words.remove(i)),
        // "gx", "accx": the axis glued to the sensor word.
        None => sensor_words.iter_mut().rev().find_map(|w| {
            let word = *w;
            let c = word.chars().last()?;
            let prefix = &word[..word.len() - c.len_utf8()];
            let axis = axis_of(c)?;
            sensor_of(prefix)?;
            *w = prefix;
            Some(axis)
        }),
    };
    let Some(axis) = axis else {
        return Role::Other;
    };
    let mut sensors: Vec<Sensor> = sensor_words.iter().filter_map(|w| sensor_of(w)).collect();
    let has = |w: &str| sensor_words.contains(&w);
    if (has("rotation") && has("rate")) || (has("angular") && (has("velocity") || has("rate"))) {
        sensors.push(Sensor::Gyr);
    }
    sensors.dedup();
    match sensors.as_slice() {
        [Sensor::Gyr] => Role::Gyr(axis),
        [Sensor::Acc] => Role::Acc(axis),
        [Sensor::Mag] => Role::Mag(axis),
        _ => Role::Other,
    }
}

fn axis_of_word(w: &str) -> Option<usize> {
    let mut chars = w.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => axis_of(c),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(name: &str) -> (Role, Option<String>) {
        let col = classify(name);
        (col.role, col.unit)
    }

    #[test]
    fn recognises_device_log_names() {
        assert_eq!(c("A_X [mg]"), (Role::Acc(0), Some("mg".into())));
        assert_eq!(c(" G_Z [dps] "), (Role::Gyr(2), Some("dps".into())));
        assert_eq!(c("gyro_x(rad/s)"), (Role::Gyr(0), Some("rad/s".into())));
        assert_eq!(c("accel_y_g"), (Role::Acc(1), Some("g".into())));
        assert_eq!(c("acc_x_mps2"), (Role::Acc(0), Some("mps2".into())));
        assert_eq!(c("gx"), (Role::Gyr(0), None));
        assert_eq!(c("az"), (Role::Acc(2), None));
        assert_eq!(c("AccX"), (Role::Acc(0), None));
        assert_eq!(c("GyroZ"), (Role::Gyr(2), None));
        assert_eq!(c("ACCY"), (Role::Acc(1), None));
        assert_eq!(c("mag_x_uT"), (Role::Mag(0), Some("uT".into())));
        assert_eq!(c("Magnetometer X (µT)"), (Role::Mag(0), Some("µT".into())));
        assert_eq!(c("rotationRate_y"), (Role::Gyr(1), None));
        assert_eq!(c("angular_velocity_z"), (Role::Gyr(2), None));
        assert_eq!(c("gyr_x"), (Role::Gyr(0), None));
        assert_eq!(c("acc_z"), (Role::Acc(2), None));
    }

    #[test]
    fn recognises_time_columns() {
        assert_eq!(c("time"), (Role::Time, None));
        assert_eq!(c("t"), (Role::Time, None));
        assert_eq!(c("time_s"), (Role::Time, Some("s".into())));
        assert_eq!(c("time_ms"), (Role::Time, Some("ms".into())));
        assert_eq!(c("timestamp_ns"), (Role::Time, Some("ns".into())));
        assert_eq!(c("timestamp"), (Role::Time, None));
        assert_eq!(c("seconds_elapsed"), (Role::Time, Some("s".into())));
        assert_eq!(c("Time (s)"), (Role::Time, Some("s".into())));
        assert_eq!(c("millis"), (Role::Time, Some("ms".into())));
    }

    #[test]
    fn leaves_other_columns_alone() {
        for name in [
            "gravity_x",
            "userAcceleration_x",
            "linear_acc_x",
            "quat_w",
            "roll",
            "temperature",
            "label",
            "max",
            "index",
            "x",
            "magneticField_accuracy",
            "acc_gyro_x",
        ] {
            assert_eq!(classify(name).role, Role::Other, "{name}");
        }
    }

    #[test]
    fn header_line_checks() {
        let mut lines = LineReader::new(Box::new(std::io::Cursor::new(
            b"\xef\xbb\xbf# comment\n\n\"time\";\"gx\";\"gy\"\n".to_vec(),
        )));
        let h = read_header(&mut lines, Path::new("a.csv")).unwrap();
        assert_eq!(h.number, 3);
        assert_eq!(h.names, ["time", "gx", "gy"]);
        let mut lines = LineReader::new(Box::new(std::io::Cursor::new(b"a\0b\n".to_vec())));
        let e = read_header(&mut lines, Path::new("b.bin")).err().unwrap();
        assert_eq!(e.line(), Some(1));
        assert!(e.to_string().contains("NUL"), "{e}");
    }
}
