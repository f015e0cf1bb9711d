//! Streaming least-squares line `y = a + b·x`: sums of x, y and their products, so a slope,
//! intercept or spread can be read at any time from O(1) memory. Written here rather than
//! taken from a crate: it is five sums, and the streaming analyses need it without storage.

/// Sums for a least-squares line through `(x, y)` points.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LineFit {
    n: f64,
    sx: f64,
    sy: f64,
    sxx: f64,
    sxy: f64,
    syy: f64,
}

impl LineFit {
    #[inline]
    pub fn push(&mut self, x: f64, y: f64) {
        self.n += 1.0;
        self.sx += x;
        self.sy += y;
        self.sxx += x * x;
        self.sxy += x * y;
        self.syy += y * y;
    }

    /// Points pushed.
    pub fn count(&self) -> f64 {
        self.n
    }

    /// The slope `b`; `None` with fewer than `min_points` points or no spread in x.
    pub fn slope(&self, min_points: f64) -> Option<f64> {
        let den = self.n * self.sxx - self.sx * self.sx;
        (self.n >= min_points && den > 0.0).then(|| (self.n * self.sxy - self.sx * self.sy) / den)
    }

    /// `(a, b)`; a flat line through the mean of y when x does not spread, `(0, 0)` when empty.
    pub fn line(&self) -> (f64, f64) {
        if self.n == 0.0 {
            return (0.0, 0.0);
        }
        let b = self.slope(1.0).unwrap_or(0.0);
        ((self.sy - b * self.sx) / self.n, b)
    }

    /// Population standard deviation of y.
    pub fn sd_y(&self) -> f64 {
        if self.n == 0.0 {
            return 0.0;
        }
        let mean = self.sy / self.n;
        (self.syy / self.n - mean * mean).max(0.0).sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_found_and_a_flat_x_has_no_slope() {
        let mut f = LineFit::default();
        for i in 0..10 {
            f.push(i as f64, 2.0 + 0.5 * i as f64);
        }
        let (a, b) = f.line();
        assert!((a - 2.0).abs() < 1e-12 && (b - 0.5).abs() < 1e-12);
        assert_eq!(f.slope(11.0), None);
        let mut flat = LineFit::default();
        flat.push(1.0, 3.0);
        flat.push(1.0, 5.0);
        assert_eq!(flat.slope(1.0), None);
        assert_eq!(flat.line(), (4.0, 0.0));
        assert!((flat.sd_y() - 1.0).abs() < 1e-12);
    }
}
