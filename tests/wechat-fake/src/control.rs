//! The test hooks over HTTP under `/__fake/`, for the Node end-to-end test and for humans.
//! Each one does what the matching `FakeWechat` method does.

use std::fmt;
use std::time::Duration;

use actix_web::error::InternalError;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError, web};
use serde::Deserialize;
use serde_json::json;

use crate::routes::WECHAT_ENDPOINTS;
use crate::state::{SharedState, State, lock};

pub(crate) const CONTROL_PREFIX: &str = "/__fake";

/// Shown by `GET /__fake` and printed by the binary on start.
pub const CONTROL_ENDPOINTS: &[&str] = &[
    "GET    /__fake                this summary: appid, secret, fake time, endpoints",
    r#"POST   /__fake/codes          {"openid","unionid"?} -> {"code"}: a single-use js_code"#,
    r#"POST   /__fake/risky          {"openid"}: that user's codes get 40226"#,
    r#"POST   /__fake/clock          {"advance_seconds"} -> {"now"}: move fake time forward"#,
    r#"POST   /__fake/faults         {"path","errcode","times"?}: the next calls to path fail"#,
    r#"POST   /__fake/delays         {"path","millis"}: slow answers on path (0 removes)"#,
    "GET    /__fake/requests       every recorded WeChat request, oldest first",
    "DELETE /__fake/requests       forget the recorded requests",
    r#"GET    /__fake/token-fetches  {path: {"fetches","minted"}} of the mini-program"#,
    r#"GET    /__fake/oa-token-fetches  {path: {"fetches","minted"}} of the official account"#,
    r#"POST   /__fake/openids        {"openid"}: a mini-program user known without a login"#,
    r#"POST   /__fake/subscriptions  {"openid","template_id","accept"?=true} -> {"quota","long_term"}: accept adds one send (long-term: grants); false removes all"#,
    r#"GET    /__fake/subscriptions?openid=&template_id=  -> {"quota","long_term"}"#,
    r#"POST   /__fake/follow         {"oa_openid","follow"?=true,"unionid"?}: the user (un)follows the official account"#,
    "GET    /__fake/delivered      subscribe messages delivered, oldest first (?openid= filters)",
    "GET    /__fake/oa-delivered   official-account messages delivered (?oa_openid= filters)",
    "DELETE /__fake/delivered      forget delivered messages of both channels",
];

#[derive(Debug)]
struct ControlError(String);

impl fmt::Display for ControlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl ResponseError for ControlError {
    fn status_code(&self) -> StatusCode {
        StatusCode::BAD_REQUEST
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::BadRequest().json(json!({ "error": self.0 }))
    }
}

fn non_empty(field: &str, value: &str) -> Result<(), ControlError> {
    if value.is_empty() {
        return Err(ControlError(format!("{field} must not be empty")));
    }
    Ok(())
}

fn a_path(path: &str) -> Result<(), ControlError> {
    if !path.starts_with('/') {
        return Err(ControlError(format!("path must start with '/': {path:?}")));
    }
    Ok(())
}

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    // Without this, actix answers a bad control body in plain text.
    let json_errors = web::JsonConfig::default().error_handler(|err, _req| {
        let body = json!({ "error": err.to_string() });
        InternalError::from_response(err, HttpResponse::BadRequest().json(body)).into()
    });
    cfg.service(
        web::scope(CONTROL_PREFIX)
            .app_data(json_errors)
            .route("", web::get().to(summary))
            .route("/codes", web::post().to(mint_code))
            .route("/risky", web::post().to(flag_risky))
            .route("/clock", web::post().to(advance_clock))
            .route("/faults", web::post().to(fail_next))
            .route("/delays", web::post().to(delay))
            .route("/requests", web::get().to(requests))
            .route("/requests", web::delete().to(clear_requests))
            .route("/token-fetches", web::get().to(token_fetches))
            .route("/oa-token-fetches", web::get().to(oa_token_fetches))
            .route("/openids", web::post().to(register_openid))
            .route("/subscriptions", web::post().to(subscribe))
            .route("/subscriptions", web::get().to(subscription))
            .route("/follow", web::post().to(follow))
            .route("/delivered", web::get().to(delivered))
            .route("/delivered", web::delete().to(clear_delivered))
            .route("/oa-delivered", web::get().to(oa_delivered)),
    );
}

async fn summary(shared: SharedState) -> HttpResponse {
    let state = lock(&shared);
    HttpResponse::Ok().json(json!({
        "appid": state.config.appid,
        "secret": state.config.secret,
        "oa_appid": state.config.oa_appid,
        "oa_secret": state.config.oa_secret,
        "now": state.clock.now(),
        "wechat_endpoints": WECHAT_ENDPOINTS,
        "control_endpoints": CONTROL_ENDPOINTS,
    }))
}

#[derive(Deserialize)]
struct MintCodeRequest {
    openid: String,
    unionid: Option<String>,
}

async fn mint_code(
    body: web::Json<MintCodeRequest>,
    shared: SharedState,
) -> Result<HttpResponse, ControlError> {
    non_empty("openid", &body.openid)?;
    if let Some(unionid) = &body.unionid {
        non_empty("unionid", unionid)?;
    }
    let code = lock(&shared).mint_code(&body.openid, body.unionid.as_deref());
    Ok(HttpResponse::Ok().json(json!({ "code": code })))
}

#[derive(Deserialize)]
struct RiskyRequest {
    openid: String,
}

async fn flag_risky(
    body: web::Json<RiskyRequest>,
    shared: SharedState,
) -> Result<HttpResponse, ControlError> {
    non_empty("openid", &body.openid)?;
    lock(&shared).login.flag_risky(&body.openid);
    Ok(HttpResponse::Ok().json(json!({ "openid": body.openid, "risky": true })))
}

#[derive(Deserialize)]
struct AdvanceClockRequest {
    advance_seconds: u64,
}

async fn advance_clock(body: web::Json<AdvanceClockRequest>, shared: SharedState) -> HttpResponse {
    let mut state = lock(&shared);
    state
        .clock
        .advance(Duration::from_secs(body.advance_seconds));
    HttpResponse::Ok().json(json!({ "now": state.clock.now() }))
}

#[derive(Deserialize)]
struct FaultRequest {
    path: String,
    errcode: i64,
    #[serde(default = "once")]
    times: u32,
}

fn once() -> u32 {
    1
}

async fn fail_next(
    body: web::Json<FaultRequest>,
    shared: SharedState,
) -> Result<HttpResponse, ControlError> {
    a_path(&body.path)?;
    lock(&shared).fail_next(&body.path, body.errcode, body.times);
    Ok(HttpResponse::Ok().json(json!({
        "path": body.path, "errcode": body.errcode, "times": body.times,
    })))
}

#[derive(Deserialize)]
struct DelayRequest {
    path: String,
    millis: u64,
}

async fn delay(
    body: web::Json<DelayRequest>,
    shared: SharedState,
) -> Result<HttpResponse, ControlError> {
    a_path(&body.path)?;
    lock(&shared).set_delay(&body.path, Duration::from_millis(body.millis));
    Ok(HttpResponse::Ok().json(json!({ "path": body.path, "millis": body.millis })))
}

async fn requests(shared: SharedState) -> HttpResponse {
    HttpResponse::Ok().json(&lock(&shared).requests)
}

async fn clear_requests(shared: SharedState) -> HttpResponse {
    lock(&shared).requests.clear();
    HttpResponse::NoContent().finish()
}

async fn token_fetches(shared: SharedState) -> HttpResponse {
    HttpResponse::Ok().json(&lock(&shared).token_counts)
}

async fn oa_token_fetches(shared: SharedState) -> HttpResponse {
    HttpResponse::Ok().json(&lock(&shared).oa_token_counts)
}

#[derive(Deserialize)]
struct OpenidRequest {
    openid: String,
}

async fn register_openid(
    body: web::Json<OpenidRequest>,
    shared: SharedState,
) -> Result<HttpResponse, ControlError> {
    non_empty("openid", &body.openid)?;
    lock(&shared).login.register(&body.openid);
    Ok(HttpResponse::Ok().json(json!({ "openid": body.openid })))
}

#[derive(Deserialize)]
struct SubscriptionRequest {
    openid: String,
    template_id: String,
    #[serde(default = "yes")]
    accept: bool,
}

fn yes() -> bool {
    true
}

fn subscription_view(state: &State, openid: &str, template_id: &str) -> HttpResponse {
    let long_term = state
        .config
        .template(template_id)
        .is_some_and(|t| t.long_term);
    HttpResponse::Ok().json(json!({
        "openid": openid,
        "template_id": template_id,
        "quota": state.quota(openid, template_id),
        "long_term": long_term,
    }))
}

async fn subscribe(
    body: web::Json<SubscriptionRequest>,
    shared: SharedState,
) -> Result<HttpResponse, ControlError> {
    non_empty("openid", &body.openid)?;
    let mut state = lock(&shared);
    let changed = if body.accept {
        state.accept(&body.openid, &body.template_id).map(drop)
    } else {
        state.unsubscribe(&body.openid, &body.template_id)
    };
    changed.map_err(ControlError)?;
    Ok(subscription_view(&state, &body.openid, &body.template_id))
}

#[derive(Deserialize)]
struct SubscriptionQuery {
    openid: String,
    template_id: String,
}

async fn subscription(query: web::Query<SubscriptionQuery>, shared: SharedState) -> HttpResponse {
    subscription_view(&lock(&shared), &query.openid, &query.template_id)
}

#[derive(Deserialize)]
struct FollowRequest {
    oa_openid: String,
    #[serde(default = "yes")]
    follow: bool,
    unionid: Option<String>,
}

async fn follow(
    body: web::Json<FollowRequest>,
    shared: SharedState,
) -> Result<HttpResponse, ControlError> {
    non_empty("oa_openid", &body.oa_openid)?;
    if let Some(unionid) = &body.unionid {
        non_empty("unionid", unionid)?;
    }
    lock(&shared).set_following(&body.oa_openid, body.follow, body.unionid.as_deref());
    Ok(HttpResponse::Ok().json(json!({ "oa_openid": body.oa_openid, "follow": body.follow })))
}

#[derive(Deserialize)]
struct DeliveredQuery {
    openid: Option<String>,
    oa_openid: Option<String>,
}

async fn delivered(query: web::Query<DeliveredQuery>, shared: SharedState) -> HttpResponse {
    let state = lock(&shared);
    let messages: Vec<_> = state
        .delivered
        .iter()
        .filter(|m| query.openid.as_ref().is_none_or(|o| *o == m.openid))
        .collect();
    HttpResponse::Ok().json(messages)
}

async fn oa_delivered(query: web::Query<DeliveredQuery>, shared: SharedState) -> HttpResponse {
    let state = lock(&shared);
    let messages: Vec<_> = state
        .oa_delivered
        .iter()
        .filter(|m| query.oa_openid.as_ref().is_none_or(|o| *o == m.oa_openid))
        .collect();
    HttpResponse::Ok().json(messages)
}

async fn clear_delivered(shared: SharedState) -> HttpResponse {
    let mut state = lock(&shared);
    state.delivered.clear();
    state.oa_delivered.clear();
    HttpResponse::NoContent().finish()
}
