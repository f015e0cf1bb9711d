//! Per-axis excursions for the jerk detector: how far each angle is from the mean of the
//! window centred on it, and the running peak of that distance outside jerks (the size of the
//! local tremor, sway or movement on that axis).
//!
//! Being centred, the mean follows steady movement without lag, and a tremor's cycles average
//! out in it. Streaming: a running sum over the window the detector keeps anyway, O(1) per
//! sample.

/// Time constant of the running peak's decay, seconds: slow enough to hold between two peaks
/// of a tremor, fast enough to follow one that waxes and wanes over a few seconds.
const PEAK_TAU_S: f64 = 1.0;

/// Running sum of the angles in the window and running peak excursion per axis.
pub(super) struct Excursions {
    sum: [f64; 3],
    n: usize,
    peak: [f64; 3],
    decay: f64,
}

impl Excursions {
    pub(super) fn new(rate_hz: f64) -> Self {
        Excursions {
            sum: [0.0; 3],
            n: 0,
            peak: [0.0; 3],
            decay: (-1.0 / (PEAK_TAU_S * rate_hz)).exp(),
        }
    }

    /// Forget the window and the background (after a gap).
    pub(super) fn clear(&mut self) {
        self.sum = [0.0; 3];
        self.n = 0;
        self.peak = [0.0; 3];
    }

    /// A sample entering the window.
    pub(super) fn add(&mut self, angles: &[f64; 3]) {
        self.n += 1;
        for (s, a) in self.sum.iter_mut().zip(angles) {
            *s += a;
        }
    }

    /// A sample leaving the window.
    pub(super) fn remove(&mut self, angles: &[f64; 3]) {
        self.n -= 1;
        for (s, a) in self.sum.iter_mut().zip(angles) {
            *s -= a;
        }
    }

    /// Mean angles of the window (zero while it is empty).
    pub(super) fn mean(&self) -> [f64; 3] {
        let n = self.n.max(1) as f64;
        self.sum.map(|s| s / n)
    }

    /// Running peak excursion per axis, degrees.
    pub(super) fn peak(&self) -> [f64; 3] {
        self.peak
    }

    /// Learn the background from the excursion of a sample outside jerks.
    pub(super) fn learn(&mut self, excursion: &[f64; 3]) {
        for (p, x) in self.peak.iter_mut().zip(excursion) {
            *p = x.abs().max(*p * self.decay);
        }
    }
}
