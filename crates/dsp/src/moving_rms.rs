//! A centred moving RMS (the EMG "RMS envelope"): the root of the mean square over the last
//! `n` samples, reported for the window's centre, so its delay is exactly `(n − 1) / 2`
//! samples (a linear-phase FIR of the squared signal). O(n) memory, O(1) per sample.

#[derive(Debug, Clone)]
pub struct MovingRms {
    ring: Vec<f64>,
    pos: usize,
    filled: usize,
    sum: f64,
}

impl MovingRms {
    /// A window of `n ≥ 1` samples.
    pub fn new(n: usize) -> Self {
        MovingRms {
            ring: vec![0.0; n.max(1)],
            pos: 0,
            filled: 0,
            sum: 0.0,
        }
    }

    /// Samples between an input and the output that describes it (the window's centre).
    pub fn delay(&self) -> usize {
        (self.ring.len() - 1) / 2
    }

    /// Adds one sample; the RMS of the full window, or `None` while it fills.
    #[inline]
    pub fn push(&mut self, x: f64) -> Option<f64> {
        let sq = x * x;
        self.sum += sq - self.ring[self.pos];
        self.ring[self.pos] = sq;
        self.pos += 1;
        if self.pos == self.ring.len() {
            self.pos = 0;
            // Re-sum once per window: rounding of the running sum cannot accumulate.
            self.sum = self.ring.iter().sum();
        }
        self.filled = (self.filled + 1).min(self.ring.len());
        (self.filled == self.ring.len())
            .then(|| (self.sum.max(0.0) / self.ring.len() as f64).sqrt())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rms_of_a_window_and_its_delay() {
        let mut m = MovingRms::new(5);
        assert_eq!(m.delay(), 2);
        let out: Vec<Option<f64>> = [3.0, -3.0, 3.0, -3.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0]
            .iter()
            .map(|&x| m.push(x))
            .collect();
        assert_eq!(out[3], None);
        assert!((out[4].unwrap() - 3.0).abs() < 1e-12);
        assert!((out[6].unwrap() - (27.0f64 / 5.0).sqrt()).abs() < 1e-12);
        assert!(out[9].unwrap().abs() < 1e-12);
    }
}
