//! The envelope of a channel kept as a short series for plots: the 25-ms envelope decimated
//! to [`ENVELOPE_RATE_HZ`] by RMS over each bin, in bounded memory.
//!
//! At 20 Hz a 2-minute recording is 2 400 values. At most [`MAX_BINS`] are kept: when the
//! series is full, neighbouring bins are merged in pairs (RMS of the two) and the bins are
//! twice as long from then on, so recordings up to 3.4 min stay at 20 Hz and longer ones
//! hold 2 048–4 096 values (1 h: 0.625 Hz, a value every 1.6 s). Memory: [`MAX_BINS`]
//! numbers per channel, whatever the length. 20 Hz shows where bursts are and the
//! envelope's shape at the scale of a report figure, not each onset (those are in
//! `bursts[]`).

/// Rate of the series, Hz, while it holds fewer than [`MAX_BINS`] values.
pub const ENVELOPE_RATE_HZ: f64 = 20.0;
/// Most values kept per channel.
pub const MAX_BINS: usize = 4096;

/// Mean squares of the envelope in bins of `bin` samples.
#[derive(Debug, Clone)]
pub struct EnvelopeSeries {
    rate_hz: f64,
    /// Samples per bin (doubles at each merge).
    bin: u64,
    /// Σ e² and count of the bin being filled.
    sum_sq: f64,
    count: u64,
    mean_sq: Vec<f64>,
}

impl EnvelopeSeries {
    /// For envelope samples at `rate_hz`.
    pub fn new(rate_hz: f64) -> Self {
        EnvelopeSeries {
            rate_hz,
            bin: ((rate_hz / ENVELOPE_RATE_HZ).round() as u64).max(1),
            sum_sq: 0.0,
            count: 0,
            mean_sq: Vec::new(),
        }
    }

    /// The next envelope sample.
    #[inline]
    pub fn push(&mut self, e: f64) {
        self.sum_sq += e * e;
        self.count += 1;
        if self.count == self.bin {
            if self.mean_sq.len() == MAX_BINS {
                self.mean_sq = self
                    .mean_sq
                    .chunks(2)
                    .map(|p| p.iter().sum::<f64>() / p.len() as f64)
                    .collect();
                self.bin *= 2;
                // The bin just completed is the first half of a new, longer one.
                return;
            }
            self.mean_sq.push(self.sum_sq / self.count as f64);
            self.sum_sq = 0.0;
            self.count = 0;
        }
    }

    /// Rate of the series now, Hz.
    pub fn rate_hz(&self) -> f64 {
        self.rate_hz / self.bin as f64
    }

    /// The complete bins, RMS, each divided by `scale`.
    pub fn values(&self, scale: f64) -> Vec<f64> {
        self.mean_sq.iter().map(|m| m.sqrt() / scale).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_are_rms_and_merge_when_full() {
        let mut s = EnvelopeSeries::new(2000.0);
        // 100 samples per bin: a bin of 3s and 4s has RMS √12.5.
        for i in 0..200 {
            s.push(if i % 2 == 0 { 3.0 } else { 4.0 });
        }
        assert_eq!(s.values(1.0).len(), 2);
        assert!((s.values(1.0)[0] - 12.5f64.sqrt()).abs() < 1e-12);
        assert_eq!(s.rate_hz(), 20.0);
        // One bin of ones, then up to the limit; one more full bin merges the series.
        let mut s = EnvelopeSeries::new(20.0);
        s.push(1.0);
        for _ in 1..MAX_BINS {
            s.push(0.0);
        }
        assert_eq!(s.values(1.0).len(), MAX_BINS);
        s.push(0.0);
        s.push(0.0);
        let v = s.values(1.0);
        assert_eq!((v.len(), s.rate_hz()), (MAX_BINS / 2 + 1, 10.0));
        assert!((v[0] - 0.5f64.sqrt()).abs() < 1e-12, "{}", v[0]);
        for _ in 0..100 * MAX_BINS {
            s.push(0.0);
        }
        assert!(s.values(1.0).len() <= MAX_BINS);
    }
}
