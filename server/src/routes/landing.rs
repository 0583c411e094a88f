//! What a venue QR opens outside WeChat. The code's text is `{qr_base_url}/c/{code}?t=…`:
//! WeChat's own scanner opens the mini-program from it (扫普通链接二维码打开小程序), but a
//! phone's camera or another scanner opens it as a web page, which must say in plain Chinese
//! what to do instead of answering "not found". The same path serves the verification file
//! WeChat fetches when the prefix is registered.
use actix_web::{HttpResponse, http::header, web};

use crate::{checkin::facts, config::CheckinSettings, error::ErrorBody};

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
    page_response(page(CHECKIN, &open_button(&settings)))
}

/// What the questionnaire QR (`{qr_base_url}/e/{campaign}`) opens outside WeChat.
#[utoipa::path(get, path = "/e/{id}", tag = "evaluation",
    params(("id" = i64, Path, description = "The evaluation campaign")),
    responses(
    (status = 200, description = "A Chinese page telling the person to scan with WeChat (text/html)", content_type = "text/html", body = String),
    (status = 400, description = "request.invalid_path (the id is not a number)", body = ErrorBody)))]
pub async fn questionnaire_landing(
    _path: web::Path<i64>,
    settings: web::Data<CheckinSettings>,
) -> HttpResponse {
    page_response(page(QUESTIONNAIRE, &open_button(&settings)))
}

fn open_button(settings: &CheckinSettings) -> String {
    settings
        .url_link
        .as_deref()
        .filter(|link| link.starts_with("https://"))
        .map(|link| {
            format!(
                r#"<p><a class="button" href="{}">打开“活动日”小程序</a></p>"#,
                link.replace('"', "%22")
            )
        })
        .unwrap_or_default()
}

fn page_response(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'",
        ))
        .body(body)
}

/// The words of one landing page: its title, heading and what to do.
struct Words {
    title: &'static str,
    heading: &'static str,
    body: &'static str,
}

const CHECKIN: Words = Words {
    title: "活动日 · 扫码签到",
    heading: "请用微信扫码签到",
    body: r#"<p>您刚才扫描的是“活动日”的签到二维码。签到需要在微信里完成：</p>
  <ol>
    <li>打开微信，点右上角的“＋”，选“扫一扫”；</li>
    <li>对准活动现场屏幕上的二维码；</li>
    <li>在打开的“活动日”小程序里完成签到。</li>
  </ol>"#,
};

const QUESTIONNAIRE: Words = Words {
    title: "活动日 · 评议党组织",
    heading: "请用微信扫码参加评议",
    body: r#"<p>您刚才扫描的是党支部“民主评议”的问卷二维码。问卷需要在微信里填写：</p>
  <ol>
    <li>打开微信，点右上角的“＋”，选“扫一扫”；</li>
    <li>对准这个二维码；</li>
    <li>在打开的“活动日”小程序里回答五个问题，每人一次。</li>
  </ol>"#,
};

fn page(words: Words, button: &str) -> String {
    PAGE.replace("{{TITLE}}", words.title)
        .replace("{{HEADING}}", words.heading)
        .replace("{{BODY}}", words.body)
        .replace("{{BUTTON}}", button)
}

const PAGE: &str = r#"<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{TITLE}}</title>
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
  <h1>{{HEADING}}</h1>
  {{BODY}}
  {{BUTTON}}
  <p>如有疑问，请询问活动组织人或党支部。</p>
</body>
</html>
"#;
