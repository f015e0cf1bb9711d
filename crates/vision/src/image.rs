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
        let (w, h) = (self.width as isize, self.height as isize);
        let stride = self.width * 3;
        let data = self.data;
        // One channel of pixel (x, y); outside the image reads as 0.
        let px = |x: isize, y: isize, ch: usize| -> f32 {
            if x < 0 || y < 0 || x >= w || y >= h {
                0.0
            } else {
                f32::from(data[y as usize * stride + x as usize * 3 + ch])
            }
        };
        for (j, row) in out.chunks_exact_mut(size * 3).enumerate() {
            // f32 is ample for positions (a 4096-px image to ~1/1000 px) and keeps the per-pixel
            // arithmetic in single precision.
            let (xj, yj) = (
                (x00 + dxv * j as f64 - 0.5) as f32,
                (y00 + dyv * j as f64 - 0.5) as f32,
            );
            let (dxu, dyu) = (dxu as f32, dyu as f32);
            for (i, o) in row.chunks_exact_mut(3).enumerate() {
                let x = xj + dxu * i as f32;
                let y = yj + dyu * i as f32;
                // floor by truncation (no libm call in this per-pixel loop).
                let (x0, y0) = (
                    x as isize - isize::from(x < 0.0),
                    y as isize - isize::from(y < 0.0),
                );
                let (fx, fy) = (x - x0 as f32, y - y0 as f32);
                let weights = [
                    (1.0 - fx) * (1.0 - fy),
                    fx * (1.0 - fy),
                    (1.0 - fx) * fy,
                    fx * fy,
                ];
                let v: [f32; 3] = if x0 >= 0 && y0 >= 0 && x0 + 2 < w && y0 + 1 < h {
                    // Inside (with one spare byte after the last neighbour): the four
                    // neighbours as 4-byte loads, weighted as 4-lane vectors.
                    let a = y0 as usize * stride + x0 as usize * 3;
                    let quad = |q: usize| -> [f32; 4] {
                        let b: [u8; 4] = data[q..q + 4].try_into().expect("4 bytes");
                        b.map(f32::from)
                    };
                    let [p, q, r, t] =
                        [quad(a), quad(a + 3), quad(a + stride), quad(a + stride + 3)];
                    let v: [f32; 4] = std::array::from_fn(|k| {
                        p[k] * weights[0]
                            + q[k] * weights[1]
                            + r[k] * weights[2]
                            + t[k] * weights[3]
                    });
                    [v[0], v[1], v[2]]
                } else {
                    std::array::from_fn(|ch| {
                        px(x0, y0, ch) * weights[0]
                            + px(x0 + 1, y0, ch) * weights[1]
                            + px(x0, y0 + 1, ch) * weights[2]
                            + px(x0 + 1, y0 + 1, ch) * weights[3]
                    })
                };
                for (o, v) in o.iter_mut().zip(v) {
                    *o = v * scale + offset;
                }
            }
        }
    }
}
