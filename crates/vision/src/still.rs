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

/// Decodes PNG or JPEG bytes (a file's, or a webcam frame's) into RGB8; errors name `path`.
pub fn decode_image(bytes: &[u8], path: &Path) -> Result<OwnedRgb, VisionError> {
    let fail = |reason: String| VisionError::Image {
        path: path.to_path_buf(),
        reason,
    };
    if bytes.is_empty() {
        return Err(fail("empty file (0 bytes): not an image".into()));
    }
    let img = image::load_from_memory(bytes)
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
