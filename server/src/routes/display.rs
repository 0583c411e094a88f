//! The projector page: the rotating venue code and the live count, for the meeting-room
//! screen. A display link (made by an organiser) carries a signed, expiring key instead of a
//! login, so the screen's browser never holds anyone's token. Counts arrive by server-sent
//! events: pushed on every change through the cache's pub/sub (so any instance's check-ins
//! reach every instance's screens), and at least once a second regardless.
use std::time::Duration;

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{
    cache::Subscription,
    checkin::{AttendanceError, CheckinService, facts, live},
    clock,
    entities::activity,
    error::ErrorBody,
};
use crate::{checkin::venue::venue_code, qr::qr_svg};

#[derive(Deserialize, IntoParams)]
pub struct DisplayQuery {
    /// The key from `POST /api/v1/activities/{id}/display-link`.
    pub k: String,
}

async fn authorised(
    service: &CheckinService,
    code: &str,
    key: &str,
) -> Result<activity::Model, AttendanceError> {
    if !facts::is_activity_code(code)
        || !service
            .signer
            .verify_display_key(code, key, clock::now().timestamp())
    {
        // One answer for unknown codes and bad keys: the page reveals nothing to guessers.
        return Err(AttendanceError::Forbidden);
    }
    facts::find_by_code(&service.db, code)
        .await?
        .ok_or(AttendanceError::ActivityNotFound)
}

/// The projector page (HTML).
#[utoipa::path(get, path = "/display/{code}", tag = "checkin",
    params(("code" = String, Path), DisplayQuery), responses(
    (status = 200, description = "text/html", content_type = "text/html", body = String),
    (status = 403, description = "auth.forbidden (bad or expired key)", body = ErrorBody)))]
pub async fn display_page(
    path: web::Path<String>,
    query: web::Query<DisplayQuery>,
    service: web::Data<CheckinService>,
) -> Result<HttpResponse, AttendanceError> {
    let code = path.into_inner();
    let activity = authorised(&service, &code, &query.k).await?;
    let plan = facts::find_plan(&service.db, activity.plan_id).await?;
    let page = PAGE
        .replace("{{THEME}}", &html_escape(&plan.theme))
        .replace("{{PLACE}}", &html_escape(&plan.place))
        .replace("{{CODE}}", &code)
        .replace("{{KEY}}", &html_escape(&query.k));
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("Referrer-Policy", "no-referrer"))
        .body(page))
}

/// The current venue code for the projector page (SVG); the page renews it every window.
#[utoipa::path(get, path = "/display/{code}/qr.svg", tag = "checkin",
    params(("code" = String, Path), DisplayQuery), responses(
    (status = 200, description = "image/svg+xml", content_type = "image/svg+xml", body = String),
    (status = 403, description = "auth.forbidden", body = ErrorBody)))]
pub async fn display_qr(
    path: web::Path<String>,
    query: web::Query<DisplayQuery>,
    service: web::Data<CheckinService>,
) -> Result<HttpResponse, AttendanceError> {
    let activity = authorised(&service, &path.into_inner(), &query.k).await?;
    let code = venue_code(&service, &activity);
    let mut response = HttpResponse::Ok();
    response
        .content_type("image/svg+xml")
        .insert_header(("Cache-Control", "no-store"));
    if let Some(until) = code.valid_until {
        response.insert_header(("X-Valid-Until", until.to_rfc3339()));
    }
    Ok(response.body(qr_svg(&code.url)?))
}

struct Feed {
    service: web::Data<CheckinService>,
    code: String,
    subscription: Option<Subscription>,
    first: bool,
}

/// Live counts as server-sent events (`data: {LiveCounts + valid_until}`).
#[utoipa::path(get, path = "/display/{code}/events", tag = "checkin",
    params(("code" = String, Path), DisplayQuery), responses(
    (status = 200, description = "text/event-stream of LiveCounts", content_type = "text/event-stream", body = super::openapi::ServerSentEvent),
    (status = 403, description = "auth.forbidden", body = ErrorBody)))]
pub async fn display_events(
    path: web::Path<String>,
    query: web::Query<DisplayQuery>,
    service: web::Data<CheckinService>,
) -> Result<HttpResponse, AttendanceError> {
    let code = path.into_inner();
    let activity = authorised(&service, &code, &query.k).await?;
    let subscription = match service
        .live
        .cache()
        .subscribe(&live::channel(activity.plan_id))
        .await
    {
        Ok(s) => Some(s),
        Err(err) => {
            tracing::warn!(error = %err, "no live channel; the display polls every second");
            None
        }
    };
    let feed = Feed {
        service,
        code,
        subscription,
        first: true,
    };
    let stream = futures_util::stream::unfold(feed, |mut feed| async move {
        if !feed.first {
            wait_for_change(&mut feed).await;
        }
        feed.first = false;
        let event = match snapshot(&feed).await {
            Ok(json) => format!("data: {json}\n\n"),
            Err(err) => {
                tracing::warn!(error = ?err, "display update failed");
                ": retrying\n\n".to_owned()
            }
        };
        Some((Ok::<_, actix_web::Error>(web::Bytes::from(event)), feed))
    });
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(stream))
}

/// Returns on the next announced change or after a second, whichever is first; a burst of
/// announcements is coalesced so a busy activity updates screens a few times a second.
async fn wait_for_change(feed: &mut Feed) {
    let tick = Duration::from_secs(1);
    match &mut feed.subscription {
        Some(sub) => {
            if let Ok(None) = tokio::time::timeout(tick, sub.next()).await {
                feed.subscription = None;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        None => tokio::time::sleep(tick).await,
    }
}

async fn snapshot(feed: &Feed) -> anyhow::Result<String> {
    let service = &feed.service;
    let facts = service
        .facts
        .by_code(&service.db, &feed.code)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the activity disappeared"))?;
    let counts = service.live.counts(&facts).await?;
    let activity = facts::find_by_code(&service.db, &feed.code)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the activity disappeared"))?;
    let code = venue_code(service, &activity);
    Ok(serde_json::json!({
        "counts": counts,
        "valid_until": code.valid_until,
        "cancelled": facts.cancelled,
    })
    .to_string())
}

fn html_escape(raw: &str) -> String {
    raw.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

const PAGE: &str = r#"<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>扫码签到 · {{THEME}}</title>
<style>
  body { margin: 0; font-family: "PingFang SC", "Microsoft YaHei", sans-serif; background: #fff; color: #222;
         display: flex; flex-direction: column; align-items: center; justify-content: center; min-height: 100vh; }
  h1 { color: #c8161d; margin: 0.5em 0 0.2em; font-size: 4vmin; text-align: center; }
  .place { color: #666; font-size: 2.4vmin; margin-bottom: 1em; }
  #qr { width: 62vmin; height: 62vmin; }
  #qr svg, #qr img { width: 100%; height: 100%; }
  .counts { font-size: 5vmin; margin-top: 0.6em; }
  .counts b { color: #c8161d; }
  .sub { font-size: 2.4vmin; color: #666; }
  .warn { color: #c8161d; }
</style>
</head>
<body>
  <h1>{{THEME}}</h1>
  <div class="place">{{PLACE}} · 请用微信扫码签到</div>
  <div id="qr"><img id="qrimg" alt="签到二维码" src="/display/{{CODE}}/qr.svg?k={{KEY}}"></div>
  <div class="counts">实到 <b id="present">–</b> / 应到 <b id="expected">–</b></div>
  <div class="sub">请假 <span id="leave">–</span> · 列席 <span id="guests">–</span> · 参与率 <span id="rate">–</span> <span id="flag" class="warn"></span></div>
  <div class="sub" id="status"></div>
<script>
(function () {
  var code = "{{CODE}}", key = encodeURIComponent("{{KEY}}");
  var img = document.getElementById("qrimg");
  var nextRenew = 0;
  function renew() { img.src = "/display/" + code + "/qr.svg?k=" + key + "&_=" + Date.now(); }
  function set(id, v) { document.getElementById(id).textContent = v; }
  function show(data) {
    var c = data.counts;
    set("present", c.present); set("expected", c.expected); set("leave", c.on_leave); set("guests", c.guests);
    set("rate", c.rate === null ? "—" : (Math.floor(c.rate * 1000) / 10) + "%");
    set("flag", c.below_threshold ? "低于80%" : "");
    set("status", data.cancelled ? "活动已取消" : "");
    if (data.valid_until) {
      var until = Date.parse(data.valid_until);
      if (until !== nextRenew) { if (nextRenew !== 0) renew(); nextRenew = until; }
    }
  }
  // Renew the code at each window's end even if the event stream is quiet or broken.
  setInterval(function () { if (nextRenew && Date.now() >= nextRenew) { renew(); nextRenew = 0; } }, 500);
  var events = new EventSource("/display/" + code + "/events?k=" + key);
  events.onmessage = function (e) { set("status", ""); show(JSON.parse(e.data)); };
  events.onerror = function () { set("status", "连接中断，正在重连…"); };
})();
</script>
</body>
</html>
"#;
