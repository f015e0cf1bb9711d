//! The shape of a head tremor, for telling dystonic from essential tremor: how its motion
//! spreads over the three axes (principal components of the band-passed angles, PC1/PC2
//! ratio: higher in dystonic tremor than in essential tremor, Gait & Posture 2023 via
//! clinical.md) and how its amplitude changes with head position (a null point: dystonic
//! tremor lessens or stops in one head position; clinical.md, "often with a null point").
//!
//! Fed by [`crate::tremor::TremorAnalyzer`] once per committed 1-s block (jerk blocks left
//! out), so it costs nothing per sample and O(1) memory.

use nalgebra::{Matrix3, SymmetricEigen};

/// Least-squares line through `(x, y)` points, streaming (Welford-style co-moments).
#[derive(Debug, Clone, Copy, Default)]
struct LineFit {
    n: u64,
    mean_x: f64,
    mean_y: f64,
    m2_x: f64,
    m2_y: f64,
    c_xy: f64,
}

impl LineFit {
    fn push(&mut self, x: f64, y: f64) {
        self.n += 1;
        let n = self.n as f64;
        let dx = x - self.mean_x;
        self.mean_x += dx / n;
        let dy = y - self.mean_y;
        self.mean_y += dy / n;
        self.m2_x += dx * (x - self.mean_x);
        self.m2_y += dy * (y - self.mean_y);
        self.c_xy += dx * (y - self.mean_y);
    }

    fn sd_x(&self) -> f64 {
        if self.n < 2 {
            return 0.0;
        }
        (self.m2_x / (self.n - 1) as f64).sqrt()
    }
}

/// Tremor amplitude against head position on one axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NullPointFit {
    /// Change of the tremor amplitude per 10° of position on the axis, degrees.
    pub slope_deg_per_10deg: f64,
    /// Pearson correlation of block amplitude with block position.
    pub r: f64,
    /// Spread (SD) of the block positions the fit saw, degrees.
    pub position_sd_deg: f64,
    pub blocks: u64,
}

/// What the fit needs before it says anything: positions that vary (SD ≥ 3°) over ≥ 20
/// blocks. A 2-minute recording in one posture does not allow a null-point statement.
const MIN_POSITION_SD_DEG: f64 = 3.0;
const MIN_BLOCKS: u64 = 20;

#[derive(Debug, Clone, Default)]
pub struct TremorShapeAcc {
    /// Sums of products of the band-passed angles: `[rr, tt, ff, rt, rf, tf]`.
    moments: [f64; 6],
    position: [LineFit; 3],
}

impl TremorShapeAcc {
    /// One jerk-free block: its sums of products of band-passed angles, its mean position
    /// and its sinusoid-equivalent amplitude (all axes together).
    pub fn push_block(&mut self, moments: &[f64; 6], mean_deg: &[f64; 3], amplitude_deg: f64) {
        for (m, x) in self.moments.iter_mut().zip(moments) {
            *m += x;
        }
        for (fit, &x) in self.position.iter_mut().zip(mean_deg) {
            fit.push(x, amplitude_deg);
        }
    }

    /// PC1/PC2 variance ratio of the band-passed motion and the axis loadings of PC1
    /// (`None` before any block or without motion). Capped at 1000 (one-axis motion).
    pub fn principal_ratio(&self) -> Option<(f64, [f64; 3])> {
        let [rr, tt, ff, rt, rf, tf] = self.moments;
        if rr + tt + ff <= 0.0 {
            return None;
        }
        let m = Matrix3::new(rr, rt, rf, rt, tt, tf, rf, tf, ff);
        let eig = SymmetricEigen::new(m);
        let mut order = [0, 1, 2];
        order.sort_by(|&a, &b| eig.eigenvalues[b].total_cmp(&eig.eigenvalues[a]));
        let (l1, l2) = (
            eig.eigenvalues[order[0]],
            eig.eigenvalues[order[1]].max(0.0),
        );
        let ratio = if l2 > l1 / 1000.0 { l1 / l2 } else { 1000.0 };
        let v = eig.eigenvectors.column(order[0]);
        Some((ratio, [v[0].abs(), v[1].abs(), v[2].abs()]))
    }

    /// Amplitude against position on `axis` (0 rotation, 1 tilt, 2 flexion), when the
    /// positions varied enough to tell.
    pub fn null_point(&self, axis: usize) -> Option<NullPointFit> {
        let fit = &self.position[axis];
        let sd = fit.sd_x();
        if fit.n < MIN_BLOCKS || sd < MIN_POSITION_SD_DEG {
            return None;
        }
        let slope = fit.c_xy / fit.m2_x;
        let r = if fit.m2_y > 0.0 {
            fit.c_xy / (fit.m2_x * fit.m2_y).sqrt()
        } else {
            0.0
        };
        Some(NullPointFit {
            slope_deg_per_10deg: 10.0 * slope,
            r,
            position_sd_deg: sd,
            blocks: fit.n,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_axis_motion_has_a_large_ratio_and_spread_motion_a_small_one() {
        let mut one = TremorShapeAcc::default();
        one.push_block(&[4.0, 0.01, 0.01, 0.0, 0.0, 0.0], &[0.0; 3], 1.0);
        let (ratio, load) = one.principal_ratio().unwrap();
        assert!(ratio > 100.0 && load[0] > 0.99, "{ratio} {load:?}");
        let mut spread = TremorShapeAcc::default();
        spread.push_block(&[1.0, 1.0, 1.0, 0.0, 0.0, 0.0], &[0.0; 3], 1.0);
        assert!((spread.principal_ratio().unwrap().0 - 1.0).abs() < 1e-9);
    }

    #[test]
    fn amplitude_falling_toward_one_side_is_a_null_point() {
        let mut acc = TremorShapeAcc::default();
        for k in 0..40 {
            let position = -20.0 + k as f64; // −20° … +19°
            let amplitude = 2.0 - 0.05 * position; // smaller to the right
            acc.push_block(&[0.0; 6], &[position, 0.0, 0.0], amplitude);
        }
        let fit = acc.null_point(0).unwrap();
        assert!((fit.slope_deg_per_10deg + 0.5).abs() < 1e-9, "{fit:?}");
        assert!(fit.r < -0.999);
        // Tilt never varied: nothing to say.
        assert!(acc.null_point(1).is_none());
    }
}
