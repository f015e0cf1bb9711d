//! RGB frames and rotated-rectangle crops sampled into network input tensors.
//!
//! The crop is an affine warp with bilinear sampling written by hand: it writes straight into the
//! network's input buffer with the network's value scaling, which no image crate does in one
//! pass (they would warp into an intermediate image first).

/// A borrowed packed RGB8 image (row-major, 3 bytes per pixel).
#[derive(Debug, Clone, Copy)]
pub struct Rgb<'a> {
    pub width: usize,
    pub height: usize,
    pub data: &'a [u8],
}

/// A rotated rectangle in image pixels: centre, size, rotation (radians, + = clockwise on screen,
/// i.e. from the image x axis toward the image y axis).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RotatedRect {
    pub cx: f64,
    pub cy: f64,
    pub width: f64,
    pub height: f64,
    pub angle_rad: f64,
}

impl RotatedRect {
    /// Image point of the normalised rect coordinates (u, v) ∈ [0, 1]².
    pub fn to_image(&self, u: f64, v: f64) -> (f64, f64) {
        let (s, c) = self.angle_rad.sin_cos();
        let dx = (u - 0.5) * self.width;
        let dy = (v - 0.5) * self.height;
        (self.cx + c * dx - s * dy, self.cy + s * dx + c * dy)
    }
}

impl Rgb<'_> {
    /// Samples `rect` into a `size`×`size`×3 f32 buffer (`out`), mapping byte values v to
    /// `v * scale + offset`; outside the image reads as black (0).
    pub fn crop_into(
        &self,
        rect: &RotatedRect,
        size: usize,
        scale: f32,
        offset: f32,
        out: &mut [f32],
    ) {
        debug_assert_eq!(out.len(), size * size * 3);
        let (s, c) = rect.angle_rad.sin_cos();
        let step_u = rect.width / size as f64;
        let step_v = rect.height / size as f64;
        // Image position of output pixel (i, j) centre, incrementally.
        let (x00, y00) = rect.to_image(0.5 / size as f64, 0.5 / size as f64);
        let (dxu, dyu) = (c * step_u, s * step_u);
        let (dxv, dyv) = (-s * step_v, c * step_v);
        let w = self.width as isize;
        let h = self.height as isize;
        let px = |x: isize, y: isize, ch: usize| -> f32 {
            if x < 0 || y < 0 || x >= w || y >= h {
                0.0
            } else {
                f32::from(self.data[(y as usize * self.width + x as usize) * 3 + ch])
            }
        };
        for j in 0..size {
            for i in 0..size {
                let x = x00 + dxu * i as f64 + dxv * j as f64 - 0.5;
                let y = y00 + dyu * i as f64 + dyv * j as f64 - 0.5;
                let (x0, y0) = (x.floor(), y.floor());
                let (fx, fy) = ((x - x0) as f32, (y - y0) as f32);
                let (x0, y0) = (x0 as isize, y0 as isize);
                let o = (j * size + i) * 3;
                for ch in 0..3 {
                    let top = px(x0, y0, ch) * (1.0 - fx) + px(x0 + 1, y0, ch) * fx;
                    let bottom = px(x0, y0 + 1, ch) * (1.0 - fx) + px(x0 + 1, y0 + 1, ch) * fx;
                    out[o + ch] = (top * (1.0 - fy) + bottom * fy) * scale + offset;
                }
            }
        }
    }
}
