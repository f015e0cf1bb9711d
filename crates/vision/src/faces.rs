//! Which face is measured when several are in view. The patient is normally the face nearest
//! the camera, so by default the largest detector box is measured ([`FaceChoice::Largest`]);
//! [`FaceChoice::Center`] takes the box whose centre is nearest the image centre. In video the
//! face already followed is kept: when the detector runs again, the box overlapping the last
//! measured face (most overlap first) comes before the others.

use std::str::FromStr;

use crate::detector::Detection;

/// An axis-aligned box in image pixels: centre and size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaceBox {
    pub cx: f64,
    pub cy: f64,
    pub width: f64,
    pub height: f64,
}

impl FaceBox {
    /// The bounding box of image points (x, y, …).
    pub fn around(points: &[[f64; 3]]) -> FaceBox {
        let (x0, x1, y0, y1) = points.iter().fold(
            (f64::MAX, f64::MIN, f64::MAX, f64::MIN),
            |(a, b, c, d), p| (a.min(p[0]), b.max(p[0]), c.min(p[1]), d.max(p[1])),
        );
        FaceBox {
            cx: (x0 + x1) / 2.0,
            cy: (y0 + y1) / 2.0,
            width: x1 - x0,
            height: y1 - y0,
        }
    }

    pub fn area(&self) -> f64 {
        self.width * self.height
    }

    /// Intersection over union with `other` (0 when apart).
    pub fn iou(&self, other: &FaceBox) -> f64 {
        let ix = (self.cx + self.width / 2.0).min(other.cx + other.width / 2.0)
            - (self.cx - self.width / 2.0).max(other.cx - other.width / 2.0);
        let iy = (self.cy + self.height / 2.0).min(other.cy + other.height / 2.0)
            - (self.cy - self.height / 2.0).max(other.cy - other.height / 2.0);
        let inter = ix.max(0.0) * iy.max(0.0);
        let union = self.area() + other.area() - inter;
        if union > 0.0 {
            inter / union
        } else {
            0.0
        }
    }
}

/// The face to measure among several.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FaceChoice {
    /// The largest detector box (the face nearest the camera).
    #[default]
    Largest,
    /// The box whose centre is nearest the image centre.
    Center,
}

impl FaceChoice {
    /// The names [`FromStr`] takes.
    pub const NAMES: [&'static str; 2] = ["largest", "center"];
}

impl FromStr for FaceChoice {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "largest" => Ok(FaceChoice::Largest),
            "center" => Ok(FaceChoice::Center),
            other => Err(format!(
                "unknown face choice '{other}' (expected {})",
                FaceChoice::NAMES.join(" or ")
            )),
        }
    }
}

/// Orders `faces` (found in a `width`×`height` image) so that the one to measure comes first
/// and the next best follow (tried in turn when the face mesh rejects a box): the boxes
/// overlapping `tracked` (the face followed in a video) first, most overlap first, then by
/// `choice`. Ties keep the detector's order (best score first).
pub(crate) fn rank(
    faces: &mut [Detection],
    choice: FaceChoice,
    (width, height): (usize, usize),
    tracked: Option<&FaceBox>,
) {
    let (mx, my) = (width as f64 / 2.0, height as f64 / 2.0);
    let key = |d: &Detection| {
        let b = d.face_box();
        let overlap = tracked.map_or(0.0, |t| t.iou(&b));
        let preference = match choice {
            FaceChoice::Largest => b.area(),
            FaceChoice::Center => -((b.cx - mx).powi(2) + (b.cy - my).powi(2)),
        };
        (overlap, preference)
    };
    faces.sort_by(|a, b| {
        let (ka, kb) = (key(a), key(b));
        kb.0.total_cmp(&ka.0).then(kb.1.total_cmp(&ka.1))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face(cx: f64, cy: f64, side: f64, score: f32) -> Detection {
        Detection {
            score,
            cx,
            cy,
            width: side,
            height: side,
            keypoints: [(cx, cy); 6],
        }
    }

    fn order(faces: &[Detection], choice: FaceChoice, tracked: Option<&FaceBox>) -> Vec<f32> {
        let mut f = faces.to_vec();
        rank(&mut f, choice, (400, 300), tracked);
        f.iter().map(|d| d.score).collect()
    }

    #[test]
    fn the_largest_the_centred_or_the_tracked_face_comes_first() {
        // Best score first, as the detector gives them: a small centred face, a large face at
        // the left, a middle-sized face at the right.
        let faces = [
            face(200.0, 150.0, 40.0, 0.9),
            face(90.0, 150.0, 160.0, 0.7),
            face(340.0, 120.0, 80.0, 0.6),
        ];
        assert_eq!(order(&faces, FaceChoice::Largest, None), [0.7, 0.6, 0.9]);
        assert_eq!(order(&faces, FaceChoice::Center, None), [0.9, 0.7, 0.6]);
        // Following the face at the right, which has moved a little since.
        let tracked = FaceBox {
            cx: 330.0,
            cy: 130.0,
            width: 90.0,
            height: 90.0,
        };
        assert_eq!(
            order(&faces, FaceChoice::Largest, Some(&tracked)),
            [0.6, 0.7, 0.9]
        );
        // Nothing overlaps a face tracked elsewhere: the largest.
        let gone = FaceBox {
            cy: 290.0,
            ..tracked
        };
        assert_eq!(
            order(&faces, FaceChoice::Largest, Some(&gone)),
            [0.7, 0.6, 0.9]
        );
    }

    #[test]
    fn boxes_and_names() {
        let b = FaceBox::around(&[[10.0, 20.0, 0.0], [30.0, 60.0, -5.0], [20.0, 40.0, 3.0]]);
        assert_eq!((b.cx, b.cy, b.width, b.height), (20.0, 40.0, 20.0, 40.0));
        assert!((b.iou(&b) - 1.0).abs() < 1e-12);
        let half = FaceBox { cx: 30.0, ..b };
        assert!((b.iou(&half) - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(b.iou(&FaceBox { cx: 100.0, ..b }), 0.0);
        assert_eq!("center".parse(), Ok(FaceChoice::Center));
        assert_eq!("largest".parse(), Ok(FaceChoice::Largest));
        assert!("biggest"
            .parse::<FaceChoice>()
            .unwrap_err()
            .contains("largest or center"));
    }
}
