//! Writes plain EDF (16-bit samples; Kemp et al. 1992): EMG exports and generated recordings
//! (the `collis speed --emg` benchmark file). Streaming, one data record at a time through a
//! `BufWriter`; the number of records is written into the header at [`EdfWriter::finish`]
//! (until then it is −1, "still recording", as the specification allows). Values outside a
//! channel's physical range are clipped to it.

use crate::error::WriteError;
use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// One signal of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct EdfChannel {
    pub label: String,
    pub unit: String,
    pub samples_per_record: usize,
    /// Physical minimum and maximum (mapped onto −32768…32767).
    pub physical_range: [f64; 2],
}

pub struct EdfWriter {
    path: PathBuf,
    out: BufWriter<File>,
    channels: Vec<EdfChannel>,
    record: Vec<u8>,
    records: u64,
}

/// `s` left-justified and space-padded to `n` bytes, or `None` if longer.
fn field(s: &str, n: usize) -> Option<Vec<u8>> {
    let s: String = s
        .chars()
        .map(|c| if c.is_ascii() { c } else { '?' })
        .collect();
    if s.len() > n {
        return None;
    }
    let mut b = s.into_bytes();
    b.resize(n, b' ');
    Some(b)
}

/// A number in at most 8 characters (as many decimals as fit).
fn number(v: f64) -> Option<String> {
    (0..=6)
        .rev()
        .map(|p| format!("{v:.p$}"))
        .find(|s| s.len() <= 8)
}

impl EdfWriter {
    /// Creates `path` with data records of `record_duration_s` seconds.
    pub fn create(
        path: &Path,
        channels: &[EdfChannel],
        record_duration_s: f64,
    ) -> Result<Self, WriteError> {
        let invalid =
            |what: String| WriteError::new(path, io::Error::new(io::ErrorKind::InvalidInput, what));
        if channels.is_empty() || channels.len() > 9999 {
            return Err(invalid(format!("{} channels (1 to 9999)", channels.len())));
        }
        let ns = channels.len();
        let mut h = Vec::with_capacity(256 * (ns + 1));
        let duration = number(record_duration_s)
            .filter(|_| record_duration_s > 0.0)
            .ok_or_else(|| invalid(format!("record duration {record_duration_s}")))?;
        for (text, n) in [
            ("0", 8),
            ("X X X X", 80),
            ("Startdate X X X X", 80),
            ("01.01.00", 8),
            ("00.00.00", 8),
            (&(256 * (ns + 1)).to_string(), 8),
            ("", 44),
            ("-1", 8),
            (&duration, 8),
            (&ns.to_string(), 4),
        ] {
            h.extend(field(text, n).ok_or_else(|| invalid(format!("'{text}' is too long")))?);
        }
        type Field = fn(&EdfChannel) -> Option<String>;
        let columns: [(usize, Field); 10] = [
            (16, |c| Some(c.label.clone())),
            (80, |_| Some(String::new())),
            (8, |c| Some(c.unit.clone())),
            (8, |c| number(c.physical_range[0])),
            (8, |c| number(c.physical_range[1])),
            (8, |_| Some("-32768".into())),
            (8, |_| Some("32767".into())),
            (80, |_| Some(String::new())),
            (8, |c| Some(c.samples_per_record.to_string())),
            (32, |_| Some(String::new())),
        ];
        for (n, value) in columns {
            for c in channels {
                let ok = c.samples_per_record > 0 && c.physical_range[1] > c.physical_range[0];
                let v = value(c)
                    .filter(|_| ok)
                    .and_then(|v| field(&v, n))
                    .ok_or_else(|| invalid(format!("channel '{}' does not fit EDF", c.label)))?;
                h.extend(v);
            }
        }
        let file = File::create(path).map_err(|e| WriteError::new(path, e))?;
        let mut out = BufWriter::with_capacity(1 << 18, file);
        out.write_all(&h).map_err(|e| WriteError::new(path, e))?;
        Ok(EdfWriter {
            path: path.to_path_buf(),
            out,
            channels: channels.to_vec(),
            record: Vec::new(),
            records: 0,
        })
    }

    /// One data record: for each channel exactly `samples_per_record` values.
    pub fn write_record(&mut self, data: &[&[f64]]) -> Result<(), WriteError> {
        self.record.clear();
        for (c, values) in self.channels.iter().zip(data) {
            if values.len() != c.samples_per_record {
                return Err(WriteError::new(
                    &self.path,
                    io::Error::new(
                        io::ErrorKind::InvalidInput,
                        format!(
                            "channel '{}': {} samples for a record of {}",
                            c.label,
                            values.len(),
                            c.samples_per_record
                        ),
                    ),
                ));
            }
            let [lo, hi] = c.physical_range;
            let scale = 65535.0 / (hi - lo);
            for &v in *values {
                let d = ((v.clamp(lo, hi) - lo) * scale - 32768.0).round();
                self.record
                    .extend_from_slice(&(d.clamp(-32768.0, 32767.0) as i16).to_le_bytes());
            }
        }
        self.out
            .write_all(&self.record)
            .map_err(|e| WriteError::new(&self.path, e))?;
        self.records += 1;
        Ok(())
    }

    /// Hands the records written so far to the operating system: they stay readable (the
    /// header says −1 records, "still recording") if the process is killed.
    pub fn flush(&mut self) -> Result<(), WriteError> {
        self.out.flush().map_err(|e| WriteError::new(&self.path, e))
    }

    /// Writes the number of records into the header and flushes; returns that number.
    pub fn finish(mut self) -> Result<u64, WriteError> {
        let count = field(&self.records.to_string(), 8).unwrap_or_else(|| b"-1      ".to_vec());
        let path = self.path.clone();
        let r: io::Result<()> = (|| {
            self.out.flush()?;
            let f = self.out.get_mut();
            f.seek(SeekFrom::Start(236))?;
            f.write_all(&count)?;
            f.sync_all()
        })();
        r.map_err(|e| WriteError::new(&path, e))?;
        Ok(self.records)
    }
}
