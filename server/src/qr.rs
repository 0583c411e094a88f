//! QR rendering as pure functions: what the content is, is the caller's business.
use anyhow::Context;

pub fn qr_svg(content: &str) -> anyhow::Result<String> {
    let code = qrcode::QrCode::with_error_correction_level(content, qrcode::EcLevel::M)
        .context("cannot encode the QR code")?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(320, 320)
        .quiet_zone(true)
        .build())
}

pub fn qr_png(content: &str) -> anyhow::Result<Vec<u8>> {
    let code = qrcode::QrCode::with_error_correction_level(content, qrcode::EcLevel::M)
        .context("cannot encode the QR code")?;
    let image = code
        .render::<image::Luma<u8>>()
        .min_dimensions(480, 480)
        .build();
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .context("cannot write the QR PNG")?;
    Ok(out.into_inner())
}
