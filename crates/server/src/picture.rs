//! User pictures (DIR1): whatever comes in (PNG, JPEG, GIF or BMP, from `user add --picture`,
//! `user picture` or the directory's `thumbnailPhoto` / `jpegPhoto`) is stored as a 96x96 PNG:
//! scaled to fit with its aspect ratio kept, centred on a transparent square. Decoding is
//! bounded, so a hostile file cannot make the server allocate without limit.

use std::io::Cursor;

use image::imageops::FilterType;
use image::{DynamicImage, ImageFormat, ImageReader, Limits, RgbaImage};

/// Width and height of a stored picture.
pub const PICTURE_SIZE: u32 = 96;
/// Largest picture file accepted.
pub const MAX_PICTURE_BYTES: usize = 10 * 1024 * 1024;
/// Largest width or height of a picture accepted.
const MAX_DIMENSION: u32 = 10_000;

/// Why a picture was refused.
#[derive(Debug, thiserror::Error)]
pub enum PictureError {
    /// The file is larger than [`MAX_PICTURE_BYTES`].
    #[error("the picture has {0} bytes; at most 10 MiB are accepted")]
    TooLarge(usize),
    /// Not an image in a format callboard reads, or a damaged one.
    #[error("not a readable PNG, JPEG, GIF or BMP image ({0})")]
    Unreadable(String),
}

/// The picture as callboard stores it: a 96x96 PNG.
pub fn scale_picture(bytes: &[u8]) -> Result<Vec<u8>, PictureError> {
    if bytes.len() > MAX_PICTURE_BYTES {
        return Err(PictureError::TooLarge(bytes.len()));
    }
    // The decoders' messages may span lines; a sync warning is one line.
    let unreadable = |e: &dyn std::fmt::Display| {
        PictureError::Unreadable(
            e.to_string()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        )
    };
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| unreadable(&e))?;
    if reader.format().is_none() {
        return Err(PictureError::Unreadable("unknown format".into()));
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| unreadable(&e))?;
    let fitted = image.resize(PICTURE_SIZE, PICTURE_SIZE, FilterType::Triangle);
    let mut square = RgbaImage::new(PICTURE_SIZE, PICTURE_SIZE);
    let x = (PICTURE_SIZE - fitted.width()) / 2;
    let y = (PICTURE_SIZE - fitted.height()) / 2;
    image::imageops::overlay(&mut square, &fitted.to_rgba8(), x.into(), y.into());
    let mut png = Vec::new();
    DynamicImage::ImageRgba8(square)
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .map_err(|e| unreadable(&e))?;
    Ok(png)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GenericImageView, Rgb, RgbImage};

    fn encoded(image: DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut out = Vec::new();
        image.write_to(&mut Cursor::new(&mut out), format).unwrap();
        out
    }

    fn decoded(png: &[u8]) -> DynamicImage {
        let image = image::load_from_memory(png).unwrap();
        assert_eq!(
            image::guess_format(png).unwrap(),
            ImageFormat::Png,
            "stored as PNG"
        );
        image
    }

    #[test]
    fn a_wide_jpeg_becomes_a_96_square_png_with_the_aspect_kept() {
        let red = RgbImage::from_pixel(300, 150, Rgb([255, 0, 0]));
        let png = scale_picture(&encoded(DynamicImage::ImageRgb8(red), ImageFormat::Jpeg)).unwrap();
        let image = decoded(&png);
        assert_eq!(image.dimensions(), (96, 96));
        // 300x150 fits as 96x48, centred: rows 24..72 are the picture, above and below clear
        let centre = image.get_pixel(48, 48);
        assert!(
            centre[0] > 200 && centre[1] < 60 && centre[3] == 255,
            "{centre:?}"
        );
        assert_eq!(image.get_pixel(48, 5)[3], 0, "transparent above");
        assert_eq!(image.get_pixel(48, 90)[3], 0, "transparent below");
    }

    #[test]
    fn small_and_tall_pictures_are_scaled_up_or_down_to_96() {
        for (w, h) in [(10, 10), (40, 400), (96, 96), (1000, 1000)] {
            let image = DynamicImage::ImageRgb8(RgbImage::from_pixel(w, h, Rgb([0, 0, 255])));
            for format in [ImageFormat::Png, ImageFormat::Gif, ImageFormat::Bmp] {
                let png = scale_picture(&encoded(image.clone(), format)).unwrap();
                assert_eq!(decoded(&png).dimensions(), (96, 96), "{w}x{h} {format:?}");
            }
        }
    }

    #[test]
    fn garbage_truncated_and_oversized_input_is_refused() {
        assert!(matches!(
            scale_picture(b"hello, not a picture"),
            Err(PictureError::Unreadable(_))
        ));
        assert!(matches!(
            scale_picture(&[]),
            Err(PictureError::Unreadable(_))
        ));
        let full = encoded(
            DynamicImage::ImageRgb8(RgbImage::from_pixel(50, 50, Rgb([1, 2, 3]))),
            ImageFormat::Png,
        );
        assert!(matches!(
            scale_picture(&full[..full.len() / 2]),
            Err(PictureError::Unreadable(_))
        ));
        assert!(matches!(
            scale_picture(&vec![0u8; MAX_PICTURE_BYTES + 1]),
            Err(PictureError::TooLarge(_))
        ));
    }

    #[test]
    fn a_picture_claiming_huge_dimensions_is_refused_before_allocating() {
        // a valid PNG header for 60000x60000 pixels, no data: the limits stop it
        let mut png = Vec::new();
        png.extend_from_slice(b"\x89PNG\r\n\x1a\n");
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&60_000u32.to_be_bytes());
        ihdr.extend_from_slice(&60_000u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        png.extend_from_slice(&(ihdr.len() as u32).to_be_bytes());
        let mut chunk = b"IHDR".to_vec();
        chunk.extend_from_slice(&ihdr);
        png.extend_from_slice(&chunk);
        png.extend_from_slice(&crc32(&chunk).to_be_bytes());
        assert!(matches!(
            scale_picture(&png),
            Err(PictureError::Unreadable(_))
        ));
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &byte in data {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
}
