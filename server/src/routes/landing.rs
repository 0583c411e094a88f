//! What a venue QR opens outside WeChat. The code's text is `{qr_base_url}/c/{code}?t=…`:
//! WeChat's own scanner opens the mini-program from it (扫普通链接二维码打开小程序), but a
//! phone's camera or another scanner opens it as a web page, which must say in plain Chinese
//! what to do instead of answering "not found". The same path serves the verification file
//! WeChat fetches when the prefix is registered.
use actix_web::{HttpResponse, http::header, web};

use crate::{checkin::facts, config::CheckinSettings};

/// The page for a scanned venue code (or WeChat's verification file).
#[utoipa::path(get, path = "/c/{code}", tag = "checkin",
    params(("code" = String, Path, description = "The activity code, or the name of WeChat's verification file")),
    responses(
    (status = 200, description = "A Chinese page telling the person to scan with WeChat (text/html), or the verification file (text/plain)", content_type = "text/html", body = String),
    (status = 404, description = "request.not_found: neither an activity code nor the verification file", body = crate::error::ErrorBody)))]
pub async fn venue_landing(
    path: web::Path<String>,
    settings: web::Data<CheckinSettings>,
) -> HttpResponse {
    let name = path.into_inner();
    if let (Some(file), Some(content)) = (&settings.verify_file_name, &settings.verify_file_content)
        && *file == name
    {
        return HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body(content.clone());
    }
    if !facts::is_activity_code(&name) {
        return HttpResponse::NotFound().json(crate::error::ErrorBody {
            code: "request.not_found".into(),
            message: "no such page".into(),
        });
    }
    let button = settings
        .url_link
        .as_deref()
        .filter(|link| link.starts_with("https://"))
        .map(|link| {
            format!(
                r#"<p><a class="button" href="{}">打开“活动日”小程序</a></p>"#,
                link.replace('"', "%22")
            )
        })
        .unwrap_or_default();
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'",
        ))
        .body(PAGE.replace("{{BUTTON}}", &button))
}

const PAGE: &str = r#"<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>活动日 · 扫码签到</title>
<style>
  body { margin: 0; padding: 2em 1.2em; font-family: "PingFang SC", "Microsoft YaHei", sans-serif;
         font-size: 20px; line-height: 1.7; color: #1a1a1a; background: #fff; }
  h1 { color: #a8141a; font-size: 26px; margin: 0 0 0.8em; }
  ol { padding-left: 1.3em; }
  .button { display: inline-block; margin-top: 1em; padding: 0.6em 1.4em; border-radius: 8px;
            background: #a8141a; color: #fff; text-decoration: none; font-size: 22px; }
</style>
</head>
<body>
  <h1>请用微信扫码签到</h1>
  <p>您刚才扫描的是“活动日”的签到二维码。签到需要在微信里完成：</p>
  <ol>
    <li>打开微信，点右上角的“＋”，选“扫一扫”；</li>
    <li>对准活动现场屏幕上的二维码；</li>
    <li>在打开的“活动日”小程序里完成签到。</li>
  </ol>
  {{BUTTON}}
  <p>如有疑问，请询问活动组织人。</p>
</body>
</html>
"#;
