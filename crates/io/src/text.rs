//! A single delimited text file as a sample stream: rows parsed into value slots, then scaled
//! into an `ImuSample` according to a [`Layout`] (shared by the Collis CSV, device-log and
//! CoreMotion readers, which differ only in how they map columns and units).

use crate::error::{ImportError, ImportWarning};
use crate::row::{RowReader, ACC, AUX, GYR, MAG, TIME};
use crate::source::{RawSample, SampleSource};
use collis_core::ImuSample;

/// How value slots become a sample.
pub(crate) struct Layout {
    pub has_time: bool,
    pub has_mag: bool,
    /// Specific force = (acc [+ aux]) × `acc_scale`.
    pub acc_plus_aux: bool,
    pub acc_scale: f64,
    pub gyr_scale: f64,
}

pub(crate) struct TextSource {
    rows: RowReader,
    layout: Layout,
}

impl TextSource {
    pub(crate) fn new(rows: RowReader, layout: Layout) -> Self {
        TextSource { rows, layout }
    }
}

fn slot3(v: &[f64], first: u8) -> [f64; 3] {
    let i = usize::from(first);
    [v[i], v[i + 1], v[i + 2]]
}

impl SampleSource for TextSource {
    fn next_sample(&mut self) -> Result<Option<RawSample>, ImportError> {
        let Some(row) = self.rows.next_row()? else {
            return Ok(None);
        };
        let v = &self.rows.vals;
        let l = &self.layout;
        let mut acc = slot3(v, ACC);
        if l.acc_plus_aux {
            let aux = slot3(v, AUX);
            acc = [acc[0] + aux[0], acc[1] + aux[1], acc[2] + aux[2]];
        }
        let gyr = slot3(v, GYR);
        Ok(Some(RawSample {
            line: row.line,
            time: if l.has_time {
                v[usize::from(TIME)]
            } else {
                row.index as f64
            },
            sample: ImuSample {
                time_s: 0.0,
                gyr_rad_s: gyr.map(|g| g * l.gyr_scale),
                acc_m_s2: acc.map(|a| a * l.acc_scale),
                mag: l.has_mag.then(|| slot3(v, MAG)),
            },
        }))
    }

    fn rescale(&mut self, acc: f64, gyr: f64) {
        self.layout.acc_scale *= acc;
        self.layout.gyr_scale *= gyr;
    }

    fn rows(&self) -> (u64, u64) {
        self.rows.counts()
    }

    fn warnings(&self, out: &mut Vec<ImportWarning>) {
        self.rows.warnings(out);
    }
}
