//! Streaming quantiles at a fixed resolution: a histogram over a bounded range.
//!
//! Whole-recording medians and percentiles need either all samples (memory grows with the
//! recording) or an approximation. Angles live in a known range, so a histogram with a bin
//! width well below the measurement error (default 0.01°) gives quantiles exact to half a bin
//! with memory independent of length. Written by hand: the quantile crates on crates.io
//! (t-digest, P²) trade accuracy for unbounded ranges, which angles do not need.

/// Histogram-based accumulator of count, mean and quantiles.
#[derive(Clone, Debug)]
pub struct Histogram {
    min: f64,
    bin_width: f64,
    bins: Vec<u32>,
    count: u64,
    sum: f64,
}

impl Histogram {
    /// A histogram over `[min, max]` with bins of `bin_width`; values outside are clamped.
    pub fn new(min: f64, max: f64, bin_width: f64) -> Self {
        let n = ((max - min) / bin_width).ceil().max(1.0) as usize;
        Histogram {
            min,
            bin_width,
            bins: vec![0; n],
            count: 0,
            sum: 0.0,
        }
    }

    #[inline]
    pub fn push(&mut self, x: f64) {
        if !x.is_finite() {
            return;
        }
        let i = ((x - self.min) / self.bin_width) as isize;
        let i = i.clamp(0, self.bins.len() as isize - 1) as usize;
        self.bins[i] = self.bins[i].saturating_add(1);
        self.count += 1;
        self.sum += x;
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum / self.count as f64)
    }

    /// The `p` quantile (0–1), linearly interpolated inside the bin; `None` when empty.
    pub fn quantile(&self, p: f64) -> Option<f64> {
        if self.count == 0 {
            return None;
        }
        let target = p.clamp(0.0, 1.0) * self.count as f64;
        let mut seen = 0.0;
        for (i, &c) in self.bins.iter().enumerate() {
            let c = c as f64;
            if c > 0.0 && seen + c >= target {
                let frac = ((target - seen) / c).clamp(0.0, 1.0);
                return Some(self.min + (i as f64 + frac) * self.bin_width);
            }
            seen += c;
        }
        Some(self.min + self.bins.len() as f64 * self.bin_width)
    }

    /// Number of values at or above `x` (to bin resolution).
    pub fn count_at_least(&self, x: f64) -> u64 {
        let i = ((x - self.min) / self.bin_width).max(0.0) as usize;
        self.bins.iter().skip(i).map(|&c| c as u64).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_sorted_data() {
        let mut h = Histogram::new(-180.0, 180.0, 0.01);
        let xs: Vec<f64> = (0..10_001).map(|i| -50.0 + i as f64 * 0.01).collect();
        xs.iter().for_each(|&x| h.push(x));
        assert!((h.quantile(0.5).unwrap() - 0.0).abs() < 0.02);
        assert!((h.quantile(0.05).unwrap() - (-45.0)).abs() < 0.02);
        assert!((h.quantile(0.95).unwrap() - 45.0).abs() < 0.02);
        assert!((h.mean().unwrap()).abs() < 1e-9);
        assert_eq!(h.count_at_least(40.0), 1001);
        h.push(f64::NAN);
        assert_eq!(h.count(), 10_001);
        assert!(Histogram::new(0.0, 1.0, 0.1).quantile(0.5).is_none());
    }
}
