//! Still images from disk (PNG, JPEG) as RGB8, with errors naming the file; PNG output.

use std::path::Path;

use crate::image::Rgb;
use crate::VisionError;

/// An owned RGB8 image.
#[derive(Debug, Clone)]
pub struct OwnedRgb {
    pub width: usize,
    pub height: usize,
    pub data: Vec<u8>,
}

impl OwnedRgb {
    pub fn view(&self) -> Rgb<'_> {
        Rgb {
            width: self.width,
            height: self.height,
            data: &self.data,
        }
    }
}

/// Reads a PNG or JPEG file into RGB8.
pub fn read_image(path: &Path) -> Result<OwnedRgb, VisionError> {
    let fail = |reason: String| VisionError::Image {
        path: path.to_path_buf(),
        reason,
    };
    let bytes = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
    decode_image(&bytes, path)
}

/// Largest width or height of a still image read from a file: 16384 pixels holds the photos of
/// today's largest phone and camera sensors (200 MP is 16320 × 12240), while an image bomb (a
/// small file that claims more pixels) is refused from its header before it is decoded.
pub const MAX_STILL_SIDE: u32 = 16_384;

/// Decodes PNG or JPEG bytes (a file's) into RGB8, at most [`MAX_STILL_SIDE`] pixels a side;
/// errors name `path`.
pub fn decode_image(bytes: &[u8], path: &Path) -> Result<OwnedRgb, VisionError> {
    decode_image_within(bytes, path, MAX_STILL_SIDE)
}

/// Decodes PNG or JPEG bytes (a file's, or a webcam frame's) into RGB8; errors name `path`.
/// The size is read from the image's header first and an image wider or taller than
/// `max_side` pixels is refused before anything is decoded (a few hundred kilobytes of PNG can
/// claim gigabytes of pixels). The decoder's memory stays within the same bound.
pub fn decode_image_within(
    bytes: &[u8],
    path: &Path,
    max_side: u32,
) -> Result<OwnedRgb, VisionError> {
    let fail = |reason: String| VisionError::Image {
        path: path.to_path_buf(),
        reason,
    };
    if bytes.is_empty() {
        return Err(fail("empty file (0 bytes): not an image".into()));
    }
    let reader = || {
        image::ImageReader::new(std::io::Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| fail(format!("not a readable PNG/JPEG image: {e}")))
    };
    let (w, h) = reader()?
        .into_dimensions()
        .map_err(|e| fail(format!("not a readable PNG/JPEG image: {e}")))?;
    if w > max_side || h > max_side {
        return Err(fail(format!(
            "{w}×{h} pixels: larger than the {max_side}×{max_side} accepted (not decoded)"
        )));
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(max_side);
    limits.max_image_height = Some(max_side);
    // The decoded image (up to 8 bytes a pixel: 16-bit RGBA PNG) and the decoder's buffers,
    // never more than the decoder's own default (512 MiB).
    let need = u64::from(w) * u64::from(h) * 8 + (64 << 20);
    limits.max_alloc = Some(need.min(512 << 20));
    let mut r = reader()?;
    r.limits(limits);
    let img = r
        .decode()
        .map_err(|e| fail(format!("not a readable PNG/JPEG image: {e}")))?
        .to_rgb8();
    let (w, h) = img.dimensions();
    if w == 0 || h == 0 {
        return Err(fail("image has no pixels".into()));
    }
    Ok(OwnedRgb {
        width: w as usize,
        height: h as usize,
        data: img.into_raw(),
    })
}

/// Writes an RGB8 image as PNG.
pub fn write_png(path: &Path, img: &OwnedRgb) -> Result<(), VisionError> {
    image::save_buffer(
        path,
        &img.data,
        img.width as u32,
        img.height as u32,
        image::ColorType::Rgb8,
    )
    .map_err(|e| VisionError::Image {
        path: path.to_path_buf(),
        reason: format!("writing PNG: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let mut out = Vec::new();
        image::GrayImage::new(w, h)
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn images_larger_than_the_bound_are_refused_from_their_header() {
        let wide = png(5000, 2);
        let e = decode_image_within(&wide, Path::new("frame"), 4096).unwrap_err();
        assert!(e.to_string().contains("5000×2 pixels"), "{e}");
        let img = decode_image(&wide, Path::new("still")).unwrap();
        assert_eq!((img.width, img.height, img.data.len()), (5000, 2, 30_000));
        let small = decode_image_within(&png(64, 48), Path::new("frame"), 4096).unwrap();
        assert_eq!((small.width, small.height), (64, 48));
    }
}
