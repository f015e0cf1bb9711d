//! Posture: where the head sits — median, mean, p5 and p95 of each angle — and the angle
//! distributions that the motion range also comes from. O(1) memory (0.01° histograms).

use collis_core::results::{AxisStats, Posture};
use collis_core::Axis;
use collis_dsp::Histogram;

/// Histogram resolution, degrees: well below any stated measurement tolerance.
const BIN_DEG: f64 = 0.01;

/// Distribution of the three angles over the analysed samples.
#[derive(Clone)]
pub struct AngleDistribution {
    hist: [Histogram; 3],
    referenced: [bool; 3],
    /// For an unreferenced axis, the first value: the histogram holds values relative to it.
    offset: [Option<f64>; 3],
}

impl AngleDistribution {
    pub fn new(referenced: [bool; 3]) -> Self {
        let h = || Histogram::new(-180.0, 180.0, BIN_DEG);
        AngleDistribution {
            hist: [h(), h(), h()],
            referenced,
            offset: [None; 3],
        }
    }

    #[inline]
    pub fn push(&mut self, angles_deg: &[f64; 3]) {
        for (i, &a) in angles_deg.iter().enumerate() {
            let x = if self.referenced[i] {
                a
            } else {
                a - *self.offset[i].get_or_insert(a)
            };
            self.hist[i].push(x);
        }
    }

    /// Seconds covered, given the sample rate.
    pub fn count(&self) -> u64 {
        self.hist[0].count()
    }

    /// Robust range of an axis: p99.5 − p0.5 (a single spike does not make a range).
    pub fn range_deg(&self, axis: Axis) -> f64 {
        let h = &self.hist[axis as usize];
        match (h.quantile(0.005), h.quantile(0.995)) {
            (Some(lo), Some(hi)) => hi - lo,
            _ => 0.0,
        }
    }

    fn stats(&self, axis: Axis) -> Option<AxisStats> {
        let i = axis as usize;
        if !self.referenced[i] {
            return None;
        }
        let h = &self.hist[i];
        Some(AxisStats {
            median: h.quantile(0.5)?,
            mean: h.mean()?,
            p5: h.quantile(0.05)?,
            p95: h.quantile(0.95)?,
            uncertainty_deg: None,
        })
    }

    pub fn posture(&self, rate_hz: f64) -> Posture {
        Posture {
            rotation_deg: self.stats(Axis::Rotation),
            tilt_deg: self.stats(Axis::Tilt),
            flexion_deg: self.stats(Axis::Flexion),
            analysed_s: self.count() as f64 / rate_hz,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreferenced_rotation_has_no_posture_but_a_range() {
        let mut d = AngleDistribution::new([false, true, true]);
        for i in 0..1000 {
            let x = (i as f64 / 100.0).sin() * 10.0;
            d.push(&[200.0 + x, 5.0 + x, -3.0]);
        }
        let p = d.posture(100.0);
        assert!(p.rotation_deg.is_none());
        assert!((p.flexion_deg.unwrap().median + 3.0).abs() < 0.01);
        assert!((d.range_deg(Axis::Rotation) - 20.0).abs() < 0.3);
        assert!((p.analysed_s - 10.0).abs() < 1e-9);
    }
}
