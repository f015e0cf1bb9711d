//! Known-angle test images: MediaPipe's canonical face mesh, textured from a real photograph,
//! rendered at set clinical angles (orthographic camera, z-buffer, bilinear texture), and a real
//! photograph rotated in the image plane. Used by the acceptance tests and `collis validate`.
//!
//! The texture mapping takes each canonical vertex's texture position from the face mesh's own
//! landmarks on the (frontal) photograph, so the rendered face carries real skin, eyes and mouth
//! on exactly known geometry: the truth of a rendered frame is the angle it was rendered at.

use collis_core::HeadAngles;
use nalgebra::Vector3;

use crate::canonical::CanonicalFace;
use crate::image::{Rgb, RotatedRect};
use crate::pose::rotation_of;
use crate::still::OwnedRgb;

/// Background grey of rendered frames.
const BACKGROUND: u8 = 110;

fn sample(img: &Rgb, x: f64, y: f64) -> [u8; 3] {
    let x = x.clamp(0.0, img.width as f64 - 1.001);
    let y = y.clamp(0.0, img.height as f64 - 1.001);
    let (x0, y0) = (x.floor() as usize, y.floor() as usize);
    let (fx, fy) = (x - x0 as f64, y - y0 as f64);
    let px = |x: usize, y: usize, c: usize| f64::from(img.data[(y * img.width + x) * 3 + c]);
    std::array::from_fn(|c| {
        let top = px(x0, y0, c) * (1.0 - fx) + px(x0 + 1, y0, c) * fx;
        let bottom = px(x0, y0 + 1, c) * (1.0 - fx) + px(x0 + 1, y0 + 1, c) * fx;
        (top * (1.0 - fy) + bottom * fy).round() as u8
    })
}

/// Renders `face` at `angles` into a `size`×`size` image, the face about `face_px` wide,
/// textured from `texture` where vertex i sits at `tex_points[i]` (pixels).
pub fn render(
    face: &CanonicalFace,
    texture: &Rgb,
    tex_points: &[[f64; 3]],
    angles: &HeadAngles,
    size: usize,
    face_px: f64,
) -> OwnedRgb {
    let r = rotation_of(angles);
    // Canonical face width ≈ 15 cm between the outermost vertices.
    let (min_x, max_x) = face
        .vertices
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v[0]), b.max(v[0])));
    let scale = face_px / (max_x - min_x);
    let c = size as f64 / 2.0;
    let screen: Vec<[f64; 3]> = face
        .vertices
        .iter()
        .map(|v| {
            let p = r * Vector3::from(*v);
            [c + p.x * scale, c - p.y * scale, p.z]
        })
        .collect();
    let mut data = vec![BACKGROUND; size * size * 3];
    let mut depth = vec![f64::MIN; size * size];
    for t in &face.triangles {
        let [a, b, d] = t.map(|i| i as usize);
        let (pa, pb, pd) = (screen[a], screen[b], screen[d]);
        let area = (pb[0] - pa[0]) * (pd[1] - pa[1]) - (pd[0] - pa[0]) * (pb[1] - pa[1]);
        if area.abs() < 1e-9 {
            continue;
        }
        let x0 = pa[0].min(pb[0]).min(pd[0]).floor().max(0.0) as usize;
        let x1 = (pa[0].max(pb[0]).max(pd[0]).ceil() as usize).min(size - 1);
        let y0 = pa[1].min(pb[1]).min(pd[1]).floor().max(0.0) as usize;
        let y1 = (pa[1].max(pb[1]).max(pd[1]).ceil() as usize).min(size - 1);
        for y in y0..=y1 {
            for x in x0..=x1 {
                let (px, py) = (x as f64 + 0.5, y as f64 + 0.5);
                let wb = ((px - pa[0]) * (pd[1] - pa[1]) - (pd[0] - pa[0]) * (py - pa[1])) / area;
                let wd = ((pb[0] - pa[0]) * (py - pa[1]) - (px - pa[0]) * (pb[1] - pa[1])) / area;
                let wa = 1.0 - wb - wd;
                if wa < 0.0 || wb < 0.0 || wd < 0.0 {
                    continue;
                }
                let z = wa * pa[2] + wb * pb[2] + wd * pd[2];
                let k = y * size + x;
                if z <= depth[k] {
                    continue;
                }
                depth[k] = z;
                let tx = wa * tex_points[a][0] + wb * tex_points[b][0] + wd * tex_points[d][0];
                let ty = wa * tex_points[a][1] + wb * tex_points[b][1] + wd * tex_points[d][1];
                data[k * 3..k * 3 + 3].copy_from_slice(&sample(texture, tx, ty));
            }
        }
    }
    OwnedRgb {
        width: size,
        height: size,
        data,
    }
}

/// `img` rotated in the image plane by `angle_deg` about (`cx`, `cy`) (+ = content turns
/// counter-clockwise on screen, i.e. the subject's right ear — image left — goes down: tilt +),
/// same size, black outside.
pub fn rotate_in_plane(img: &Rgb, cx: f64, cy: f64, angle_deg: f64) -> OwnedRgb {
    let side = img.width.max(img.height);
    let rect = RotatedRect {
        cx,
        cy,
        width: side as f64,
        height: side as f64,
        angle_rad: angle_deg.to_radians(),
    };
    let mut buf = vec![0f32; side * side * 3];
    img.crop_into(&rect, side, 1.0, 0.0, &mut buf);
    OwnedRgb {
        width: side,
        height: side,
        data: buf
            .iter()
            .map(|v| v.round().clamp(0.0, 255.0) as u8)
            .collect(),
    }
}
