//! Draws what was measured onto a frame: the face-mesh landmarks, the crop, the head axes
//! (forward red, left green, up blue) and the three angles as text, so a clinician can see it.

use nalgebra::Vector3;

use crate::estimator::FramePose;
use crate::still::OwnedRgb;

/// 3×5 bitmap glyphs (rows top to bottom, 3 bits each) for the angle labels.
fn glyph(c: char) -> [u8; 5] {
    match c {
        '0' => [7, 5, 5, 5, 7],
        '1' => [2, 6, 2, 2, 7],
        '2' => [7, 1, 7, 4, 7],
        '3' => [7, 1, 7, 1, 7],
        '4' => [5, 5, 7, 1, 1],
        '5' => [7, 4, 7, 1, 7],
        '6' => [7, 4, 7, 5, 7],
        '7' => [7, 1, 1, 1, 1],
        '8' => [7, 5, 7, 5, 7],
        '9' => [7, 5, 7, 1, 7],
        '+' => [0, 2, 7, 2, 0],
        '-' => [0, 0, 7, 0, 0],
        '.' => [0, 0, 0, 0, 2],
        'R' => [6, 5, 6, 5, 5],
        'T' => [7, 2, 2, 2, 2],
        'F' => [7, 4, 6, 4, 4],
        'C' => [7, 4, 4, 4, 7],
        '=' => [0, 7, 0, 7, 0],
        _ => [0; 5],
    }
}

impl OwnedRgb {
    fn put(&mut self, x: i64, y: i64, rgb: [u8; 3]) {
        if x >= 0 && y >= 0 && (x as usize) < self.width && (y as usize) < self.height {
            let k = (y as usize * self.width + x as usize) * 3;
            self.data[k..k + 3].copy_from_slice(&rgb);
        }
    }

    fn line(&mut self, (x0, y0): (f64, f64), (x1, y1): (f64, f64), rgb: [u8; 3]) {
        let n = (x1 - x0).abs().max((y1 - y0).abs()).ceil().max(1.0) as usize;
        for i in 0..=n {
            let t = i as f64 / n as f64;
            self.put(
                (x0 + (x1 - x0) * t).round() as i64,
                (y0 + (y1 - y0) * t).round() as i64,
                rgb,
            );
        }
    }

    /// Writes `text` with its top-left corner at (x, y), each glyph pixel `scale`² pixels.
    pub fn text(&mut self, x: i64, y: i64, text: &str, scale: i64, rgb: [u8; 3]) {
        for (i, c) in text.chars().enumerate() {
            for (row, bits) in glyph(c).iter().enumerate() {
                for col in 0..3 {
                    if bits & (4 >> col) != 0 {
                        for dy in 0..scale {
                            for dx in 0..scale {
                                self.put(
                                    x + (i as i64 * 4 + col) * scale + dx,
                                    y + row as i64 * scale + dy,
                                    rgb,
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    /// Draws the landmarks, crop, head axes and angles (R rotation, T tilt, F flexion, C
    /// confidence) of `pose`; angles are the ones reported (relative to the reference).
    pub fn draw_pose(&mut self, pose: &FramePose, angles_deg: [f64; 3]) {
        let corners =
            [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)].map(|(u, v)| pose.rect.to_image(u, v));
        for i in 0..4 {
            self.line(corners[i], corners[(i + 1) % 4], [255, 255, 0]);
        }
        for p in &pose.mesh.points {
            self.put(p[0].round() as i64, p[1].round() as i64, [0, 255, 255]);
        }
        // Head axes from the nose tip (landmark 1), in camera axes (x right, y up).
        let [nx, ny, _] = pose.mesh.points[1];
        let len = pose.rect.width * 0.3;
        let r = pose.pose.rotation;
        for (axis, rgb) in [
            (Vector3::z(), [255, 0, 0]),
            (Vector3::x(), [0, 255, 0]),
            (Vector3::y(), [0, 0, 255]),
        ] {
            let d = r * axis;
            self.line((nx, ny), (nx + d.x * len, ny - d.y * len), rgb);
        }
        let scale = (self.width as i64 / 160).clamp(1, 4);
        let [ro, ti, fl] = angles_deg;
        for (i, s) in [
            format!("R{ro:+.1}"),
            format!("T{ti:+.1}"),
            format!("F{fl:+.1}"),
            format!("C{:.2}", pose.confidence),
        ]
        .iter()
        .enumerate()
        {
            let y = 2 + i as i64 * 7 * scale;
            self.text(2, y, s, scale, [255, 255, 255]);
        }
    }
}
