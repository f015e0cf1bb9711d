//! Streams of separate sensor files put on one clock: the gyroscope's timestamps, with the
//! other sensors (accelerometer, gravity, magnetometer) linearly interpolated at each of them.
//! All files are read as sorted streams side by side, two rows of each kept — nothing is
//! loaded whole. Gyroscope samples before the first or after the last sample of another
//! sensor have nothing to interpolate from and are dropped (counted).

use crate::checks::TimeChecks;
use crate::error::{ImportError, ImportWarning};
use crate::row::{RowReader, GYR, TIME};
use crate::source::{RawSample, SampleSource};
use collis_core::ImuSample;

/// Where a time falls in a track.
#[derive(Debug, Clone, Copy, PartialEq)]
enum At {
    Before,
    Value([f64; 3]),
    After,
}

/// One secondary sensor file: a time and a 3-vector per row.
pub(crate) struct Track {
    rows: RowReader,
    checks: TimeChecks,
    /// Seconds per time unit, for the checks.
    time_scale: f64,
    prev: Option<(f64, [f64; 3])>,
    next: Option<(f64, [f64; 3])>,
    done: bool,
}

impl Track {
    /// `rows` has its time in slot `TIME` and the vector in the three `GYR` slots.
    pub(crate) fn new(rows: RowReader, time_scale: f64, nominal_dt_s: f64) -> Self {
        let checks = TimeChecks::new(rows.path(), nominal_dt_s);
        Track {
            rows,
            checks,
            time_scale,
            prev: None,
            next: None,
            done: false,
        }
    }

    /// The next row with a time later than the previous one.
    fn read(&mut self) -> Result<Option<(f64, [f64; 3])>, ImportError> {
        while let Some(row) = self.rows.next_row()? {
            let v = &self.rows.vals;
            let t = v[usize::from(TIME)];
            if self.checks.admit(row.line, t * self.time_scale) {
                let g = usize::from(GYR);
                return Ok(Some((t, [v[g], v[g + 1], v[g + 2]])));
            }
        }
        Ok(None)
    }

    fn at(&mut self, t: f64) -> Result<At, ImportError> {
        while !self.done && self.next.is_none_or(|(tn, _)| tn < t) {
            match self.read()? {
                Some(s) => self.prev = self.next.replace(s),
                None => self.done = true,
            }
        }
        Ok(match (self.prev, self.next) {
            (_, None) => At::After,
            (_, Some((tn, vn))) if tn == t => At::Value(vn),
            (_, Some((tn, _))) if tn < t => At::After,
            (None, Some(_)) => At::Before,
            (Some((tp, vp)), Some((tn, vn))) => {
                // A gyroscope time earlier than `tp` (out of order) holds `vp`; the reader
                // drops that sample anyway.
                let w = ((t - tp) / (tn - tp)).clamp(0.0, 1.0);
                At::Value([0, 1, 2].map(|i| vp[i] + w * (vn[i] - vp[i])))
            }
        })
    }

    fn warnings(&self, out: &mut Vec<ImportWarning>) {
        self.rows.warnings(out);
        self.checks.warnings(out);
    }
}

/// Several tracks at one time: their sum, or where the time falls outside one of them.
fn sum_at(tracks: &mut [Track], t: f64) -> Result<At, ImportError> {
    let mut sum = [0.0; 3];
    for track in tracks {
        match track.at(t)? {
            At::Value(v) => (0..3).for_each(|i| sum[i] += v[i]),
            outside => return Ok(outside),
        }
    }
    Ok(At::Value(sum))
}

/// The gyroscope file as the clock, the other sensors interpolated onto it.
pub(crate) struct MergeSource {
    gyro: RowReader,
    gyr_scale: f64,
    /// Summed into the specific force (e.g. user acceleration + gravity).
    acc: Vec<Track>,
    acc_scale: f64,
    mag: Option<Track>,
    /// Names of the interpolated files, for messages.
    others: String,
    before: u64,
    after: u64,
}

impl MergeSource {
    pub(crate) fn new(
        gyro: RowReader,
        acc: Vec<Track>,
        acc_scale: f64,
        mag: Option<Track>,
        others: String,
    ) -> Self {
        MergeSource {
            gyro,
            gyr_scale: 1.0,
            acc,
            acc_scale,
            mag,
            others,
            before: 0,
            after: 0,
        }
    }

    /// Counts the gyroscope rows left once another sensor has ended.
    fn drain(&mut self) -> Result<(), ImportError> {
        while self.gyro.next_row()?.is_some() {
            self.after += 1;
        }
        Ok(())
    }
}

impl SampleSource for MergeSource {
    fn next_sample(&mut self) -> Result<Option<RawSample>, ImportError> {
        while let Some(row) = self.gyro.next_row()? {
            let v = self.gyro.vals;
            let t = v[usize::from(TIME)];
            let g = usize::from(GYR);
            let gyr = [v[g], v[g + 1], v[g + 2]];
            let mut outside = sum_at(&mut self.acc, t)?;
            let mut mag = None;
            if let (At::Value(_), Some(track)) = (outside, self.mag.as_mut()) {
                match track.at(t)? {
                    At::Value(m) => mag = Some(m),
                    other => outside = other,
                }
            }
            match outside {
                At::Before => self.before += 1,
                At::After => {
                    self.after += 1;
                    self.drain()?;
                    return Ok(None);
                }
                At::Value(acc) => {
                    return Ok(Some(RawSample {
                        line: row.line,
                        time: t,
                        sample: ImuSample {
                            time_s: 0.0,
                            gyr_rad_s: gyr.map(|x| x * self.gyr_scale),
                            acc_m_s2: acc.map(|x| x * self.acc_scale),
                            mag,
                        },
                    }))
                }
            }
        }
        Ok(None)
    }

    fn rescale(&mut self, acc: f64, gyr: f64) {
        self.acc_scale *= acc;
        self.gyr_scale *= gyr;
    }

    fn rows(&self) -> (u64, u64) {
        self.gyro.counts()
    }

    fn warnings(&self, out: &mut Vec<ImportWarning>) {
        self.gyro.warnings(out);
        for track in self.acc.iter().chain(&self.mag) {
            track.warnings(out);
        }
        if self.before + self.after > 0 {
            out.push(ImportWarning::new(
                self.gyro.path(),
                None,
                format!(
                    "{} gyroscope samples before the first and {} after the last sample of {} \
                     dropped (nothing to interpolate from)",
                    self.before, self.after, self.others
                ),
            ));
        }
    }
}
