//! Delimited device logs (comma, tab, semicolon or space separated) and the Collis IMU CSV.
//!
//! The Collis IMU CSV is the header `time_s,gyr_x,gyr_y,gyr_z,acc_x,acc_y,acc_z` optionally
//! followed by `mag_x,mag_y,mag_z`: seconds, rad/s, m/s², µT (any consistent magnetometer
//! unit); its time origin is kept. Other logs are mapped column by column
//! ([`crate::header::classify`]): the first column of each sensor axis is used, units come
//! from the header (or are inferred and reported by the reader), unknown columns are ignored
//! and listed, and the time starts at 0.

use crate::error::{ImportError, ImportWarning};
use crate::header::{classify, Column, Header, Role};
use crate::lines::LineReader;
use crate::row::{RowParser, RowReader, ACC, GYR, IGNORE, MAG, TIME};
use crate::source::{Clock, Columns, Opened, UnitSpec};
use crate::text::{Layout, TextSource};
use crate::units::{AccUnit, GyrUnit, TimeUnit};
use std::path::Path;

/// The Collis IMU CSV columns (the last three optional).
pub(crate) const COLLIS_COLUMNS: [&str; 10] = [
    "time_s", "gyr_x", "gyr_y", "gyr_z", "acc_x", "acc_y", "acc_z", "mag_x", "mag_y", "mag_z",
];

const AXES: [&str; 3] = ["x", "y", "z"];

/// Column indices chosen for each role.
#[derive(Default)]
struct Chosen {
    time: Option<usize>,
    gyr: [Option<usize>; 3],
    acc: [Option<usize>; 3],
    mag: [Option<usize>; 3],
    ignored: Vec<usize>,
}

fn choose(cols: &[Column]) -> Chosen {
    let mut c = Chosen::default();
    for (i, col) in cols.iter().enumerate() {
        let slot = match col.role {
            Role::Time => {
                // A later time column wins only if it has a unit and the earlier has none.
                match c.time {
                    Some(t) if cols[t].unit.is_some() || col.unit.is_none() => c.ignored.push(i),
                    earlier => {
                        c.ignored.extend(earlier);
                        c.time = Some(i);
                    }
                }
                continue;
            }
            Role::Gyr(a) => &mut c.gyr[a],
            Role::Acc(a) => &mut c.acc[a],
            Role::Mag(a) => &mut c.mag[a],
            Role::Other => {
                c.ignored.push(i);
                continue;
            }
        };
        match slot {
            None => *slot = Some(i),
            Some(_) => c.ignored.push(i),
        }
    }
    c
}

fn count(set: &[Option<usize>; 3]) -> usize {
    set.iter().flatten().count()
}

fn unknown_header(path: &Path, header: &Header) -> ImportError {
    let lower: Vec<String> = header.names.iter().map(|n| n.to_lowercase()).collect();
    let sensor_logger = ["seconds_elapsed", "x", "y", "z"]
        .iter()
        .all(|n| lower.iter().any(|l| l == n));
    let openface = ["pose_rx", "pose_ry", "pose_rz"]
        .iter()
        .all(|n| lower.iter().any(|l| l == n));
    let hint = if sensor_logger {
        " This looks like one file of a Sensor Logger export: open the export's directory \
         or zip instead."
    } else if openface {
        " This is an OpenFace CSV (head pose from video): `collis analyze` and `collis angles` \
         read it."
    } else {
        ""
    };
    let seen: Vec<String> = header.names.iter().map(|n| format!("'{n}'")).collect();
    ImportError::new(
        path,
        format!(
            "unrecognised header: columns {} name no gyroscope or accelerometer axis. Expected \
             one column per axis named like gyr_x, gx, GyroX, G_X [dps] or gyro_x(rad/s) \
             (gyroscope) and acc_x, ax, AccX, A_X [mg] or accel_x_g (accelerometer), \
             optionally mag_x_uT and a time column (time_s, t, timestamp, time_ms, \
             timestamp_ns, seconds_elapsed).{hint}",
            seen.join(", ")
        ),
    )
    .at_line(header.number)
}

fn missing_axes(path: &Path, header: &Header, c: &Chosen) -> ImportError {
    let mut missing = Vec::new();
    let mut found = Vec::new();
    for (sensor, set) in [("gyroscope", &c.gyr), ("accelerometer", &c.acc)] {
        for (axis, col) in AXES.iter().zip(set) {
            match col {
                Some(i) => found.push(format!("'{}' ({sensor} {axis})", header.names[*i])),
                None => missing.push(format!("{sensor} {axis}")),
            }
        }
    }
    ImportError::new(
        path,
        format!(
            "no column for the {} axis; recognised: {}",
            missing.join(", "),
            found.join(", ")
        ),
    )
    .at_line(header.number)
}

/// The unit the header gives for a sensor's columns, if any.
fn sensor_unit<U: PartialEq + Copy>(
    path: &Path,
    header: &Header,
    cols: &[Column],
    set: &[Option<usize>; 3],
    parse: fn(&str) -> Option<U>,
    notes: &mut Vec<ImportWarning>,
) -> Result<Option<U>, ImportError> {
    let mut unit: Option<(U, usize)> = None;
    for &i in set.iter().flatten() {
        let Some(text) = &cols[i].unit else {
            continue;
        };
        match (parse(text), unit) {
            (None, _) => notes.push(ImportWarning::new(
                path,
                Some(header.number),
                format!(
                    "unit '{text}' of column '{}' not understood: ignored",
                    header.names[i]
                ),
            )),
            (Some(u), Some((first, j))) if u != first => {
                return Err(ImportError::new(
                    path,
                    format!(
                        "columns '{}' and '{}' give different units",
                        header.names[j], header.names[i]
                    ),
                )
                .at_line(header.number))
            }
            (Some(u), None) => unit = Some((u, i)),
            (Some(_), Some(_)) => {}
        }
    }
    Ok(unit.map(|(u, _)| u))
}

fn names_of(header: &Header, set: &[Option<usize>; 3]) -> String {
    let names: Vec<&str> = set
        .iter()
        .flatten()
        .map(|&i| header.names[i].as_str())
        .collect();
    names.join(", ")
}

/// Opens a delimited recording whose header has been read.
pub(crate) fn open(
    path: &Path,
    lines: LineReader,
    header: Header,
    ignore_mag: bool,
) -> Result<Opened, ImportError> {
    let collis = [7, 10].iter().any(|&n| {
        header
            .names
            .iter()
            .map(String::as_str)
            .eq(COLLIS_COLUMNS[..n].iter().copied())
    });
    let cols: Vec<Column> = header.names.iter().map(|n| classify(n)).collect();
    let mut c = choose(&cols);
    if count(&c.gyr) + count(&c.acc) == 0 {
        return Err(unknown_header(path, &header));
    }
    if count(&c.gyr) < 3 || count(&c.acc) < 3 {
        return Err(missing_axes(path, &header, &c));
    }
    let mut notes = Vec::new();
    if (1..3).contains(&count(&c.mag)) {
        notes.push(ImportWarning::new(
            path,
            Some(header.number),
            format!(
                "magnetometer columns {} ignored: x, y and z are all needed",
                names_of(&header, &c.mag)
            ),
        ));
        c.ignored.extend(c.mag.iter().flatten());
        c.mag = [None; 3];
    }
    if ignore_mag {
        c.ignored.extend(c.mag.iter().flatten());
        c.mag = [None; 3];
    }
    c.ignored.sort_unstable();
    let has_mag = count(&c.mag) == 3;

    let (acc_unit, gyr_unit, time_unit) = if collis {
        (
            Some(AccUnit::MetrePerS2),
            Some(GyrUnit::RadPerS),
            Some(TimeUnit::Seconds),
        )
    } else {
        let acc = sensor_unit(
            path,
            &header,
            &cols,
            &c.acc,
            AccUnit::from_token,
            &mut notes,
        )?;
        let gyr = sensor_unit(
            path,
            &header,
            &cols,
            &c.gyr,
            GyrUnit::from_token,
            &mut notes,
        )?;
        let time = match c.time {
            Some(t) => {
                let time = [Some(t), None, None];
                sensor_unit(
                    path,
                    &header,
                    &cols,
                    &time,
                    TimeUnit::from_token,
                    &mut notes,
                )?
            }
            None => None,
        };
        (acc, gyr, time)
    };

    let mut slots = vec![IGNORE; header.names.len()];
    if let Some(t) = c.time {
        slots[t] = TIME;
    }
    for (first, set) in [(GYR, &c.gyr), (ACC, &c.acc), (MAG, &c.mag)] {
        for (offset, &i) in (0u8..).zip(set) {
            if let Some(i) = i {
                slots[i] = first + offset;
            }
        }
    }
    let acc = UnitSpec {
        unit: acc_unit.unwrap_or(AccUnit::MetrePerS2),
        declared: acc_unit.is_some(),
    };
    let gyr = UnitSpec {
        unit: gyr_unit.unwrap_or(GyrUnit::RadPerS),
        declared: gyr_unit.is_some(),
    };
    let layout = Layout {
        has_time: c.time.is_some(),
        has_mag,
        acc_plus_aux: false,
        acc_scale: acc.unit.to_m_s2(),
        gyr_scale: gyr.unit.to_rad_s(),
    };
    let columns = Columns {
        time: c.time.map(|t| header.names[t].clone()),
        gyr: names_of(&header, &c.gyr),
        acc: names_of(&header, &c.acc),
        mag: has_mag.then(|| names_of(&header, &c.mag)),
        ignored: c.ignored.iter().map(|&i| header.names[i].clone()).collect(),
    };
    let clock = match c.time {
        Some(t) => Clock::Column {
            name: header.names[t].clone(),
            unit: time_unit,
            keep_origin: collis,
        },
        None => Clock::RowIndex,
    };
    let parser = RowParser::new(header.delimiter, slots).exact_time();
    let rows = RowReader::new(path, lines, parser, header.names);
    Ok(Opened {
        source: Box::new(TextSource::new(rows, layout)),
        format: if collis { "collis-csv" } else { "delimited" },
        clock_path: path.to_path_buf(),
        clock,
        acc,
        gyr,
        columns,
        notes,
    })
}
