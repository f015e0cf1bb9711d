//! A compact trace of the head angles over time for plots: means over consecutive bins.
//!
//! Streaming with bounded memory: bins start at 1 s; when more than
//! [`AngleTrace::MAX_ROWS`] bins exist, neighbours are merged pairwise and the bin width
//! doubles, so any recording length fits in a few kilobytes.

use collis_core::results::AngleTrace;

const FIRST_BIN_S: f64 = 1.0;

/// Sums over one bin: `[time, rotation, tilt, flexion]` and the sample count.
#[derive(Debug, Clone, Copy, Default)]
struct Bin {
    index: i64,
    sum: [f64; 4],
    n: u64,
}

impl Bin {
    fn merge(&mut self, other: &Bin) {
        for (a, b) in self.sum.iter_mut().zip(other.sum) {
            *a += b;
        }
        self.n += other.n;
    }

    fn mean(&self) -> [f64; 4] {
        self.sum.map(|v| v / self.n as f64)
    }
}

#[derive(Debug, Clone)]
pub struct TraceBuilder {
    bin_s: f64,
    bins: Vec<Bin>,
}

impl Default for TraceBuilder {
    fn default() -> Self {
        TraceBuilder {
            bin_s: FIRST_BIN_S,
            bins: Vec::new(),
        }
    }
}

impl TraceBuilder {
    /// Add one valid sample.
    #[inline]
    pub fn push(&mut self, time_s: f64, angles_deg: &[f64; 3]) {
        let index = (time_s / self.bin_s).floor() as i64;
        let row = [time_s, angles_deg[0], angles_deg[1], angles_deg[2]];
        match self.bins.last_mut() {
            Some(b) if b.index == index => {
                for (a, v) in b.sum.iter_mut().zip(row) {
                    *a += v;
                }
                b.n += 1;
            }
            _ => {
                self.bins.push(Bin {
                    index,
                    sum: row,
                    n: 1,
                });
                if self.bins.len() > AngleTrace::MAX_ROWS {
                    self.coarsen();
                }
            }
        }
    }

    /// Double the bin width, merging bins that now share an index.
    fn coarsen(&mut self) {
        self.bin_s *= 2.0;
        let mut merged: Vec<Bin> = Vec::with_capacity(self.bins.len() / 2 + 1);
        for b in &self.bins {
            let index = b.index.div_euclid(2);
            match merged.last_mut() {
                Some(m) if m.index == index => m.merge(b),
                _ => merged.push(Bin { index, ..*b }),
            }
        }
        self.bins = merged;
    }

    /// The trace so far, `None` before the first sample.
    pub fn snapshot(&self) -> Option<AngleTrace> {
        (!self.bins.is_empty()).then(|| AngleTrace {
            bin_s: self.bin_s,
            rows: self.bins.iter().map(Bin::mean).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_average_and_stay_bounded() {
        let mut t = TraceBuilder::default();
        // 100 Hz for 2 hours: rotation = time in minutes.
        for i in 0..(100 * 7200) {
            let time_s = i as f64 / 100.0;
            t.push(time_s, &[time_s / 60.0, 1.0, -2.0]);
        }
        let trace = t.snapshot().unwrap();
        assert!(
            trace.rows.len() <= AngleTrace::MAX_ROWS,
            "{}",
            trace.rows.len()
        );
        assert!(trace.rows.len() > AngleTrace::MAX_ROWS / 2);
        assert_eq!(trace.bin_s, 16.0);
        for row in &trace.rows {
            // A linear ramp's bin mean sits at the bin's mean time.
            assert!((row[1] - row[0] / 60.0).abs() < 1e-9);
            assert_eq!([row[2], row[3]], [1.0, -2.0]);
        }
        assert!(TraceBuilder::default().snapshot().is_none());
    }
}
