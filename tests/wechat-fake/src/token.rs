//! `GET /cgi-bin/token` and `POST /cgi-bin/stable_token`, for the mini-program and the official
//! account alike. The lifetime rules live in `token_store`; this module checks the callers and
//! counts the fetches, per app.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::config::FakeConfig;
use crate::plumbing::{WxError, check_token_app, json_body, param, query_map};
use crate::state::{SharedState, lock};

pub(crate) const CLASSIC_PATH: &str = "/cgi-bin/token";
pub(crate) const STABLE_PATH: &str = "/cgi-bin/stable_token";
const GRANT_TYPE: &str = "client_credential";

#[derive(Serialize)]
struct TokenResponse {
    access_token: String,
    expires_in: u64,
}

#[derive(Deserialize)]
struct StableTokenRequest {
    grant_type: Option<String>,
    appid: Option<String>,
    secret: Option<String>,
    #[serde(default)]
    force_refresh: bool,
}

pub(crate) async fn classic(
    req: HttpRequest,
    shared: SharedState,
) -> Result<HttpResponse, WxError> {
    let query = query_map(req.query_string());
    let mut guard = lock(&shared);
    let state = &mut *guard;
    let appid = check_token_app(
        &state.config,
        param(&query, "appid"),
        param(&query, "secret"),
        state.config.token_wrong_secret_errcode,
    )?
    .to_owned();
    if param(&query, "grant_type") != Some(GRANT_TYPE) {
        return Err(WxError::new(40002));
    }
    check_ip(&state.config, &req)?;
    state.take_daily_quota(&appid, CLASSIC_PATH, state.config.token_daily_limit)?;
    let now = state.clock.now();
    let grant = state.tokens.mint_classic(&state.config, &appid, now);
    state.count_token_fetch(&appid, CLASSIC_PATH, grant.minted);
    Ok(HttpResponse::Ok().json(TokenResponse {
        access_token: grant.token,
        expires_in: grant.expires_in,
    }))
}

pub(crate) async fn stable(
    req: HttpRequest,
    body: web::Bytes,
    shared: SharedState,
) -> Result<HttpResponse, WxError> {
    let request: StableTokenRequest = json_body(&req, &body)?;
    let non_empty = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
    let mut guard = lock(&shared);
    let state = &mut *guard;
    let appid = check_token_app(
        &state.config,
        non_empty(&request.appid).as_deref(),
        non_empty(&request.secret).as_deref(),
        40125,
    )?
    .to_owned();
    if request.grant_type.as_deref() != Some(GRANT_TYPE) {
        return Err(WxError::new(40002));
    }
    check_ip(&state.config, &req)?;
    state.take_daily_quota(&appid, STABLE_PATH, state.config.stable_token_daily_limit)?;
    let now = state.clock.now();
    let grant = state
        .tokens
        .stable(&state.config, &appid, now, request.force_refresh)?;
    state.count_token_fetch(&appid, STABLE_PATH, grant.minted);
    Ok(HttpResponse::Ok().json(TokenResponse {
        access_token: grant.token,
        expires_in: grant.expires_in,
    }))
}

/// The optional API IP whitelist; WeChat names the caller's address in the message.
fn check_ip(config: &FakeConfig, req: &HttpRequest) -> Result<(), WxError> {
    let Some(whitelist) = &config.ip_whitelist else {
        return Ok(());
    };
    match req.peer_addr().map(|addr| addr.ip()) {
        Some(ip) if whitelist.contains(&ip) => Ok(()),
        Some(ip) => Err(WxError::with_message(
            40164,
            format!("invalid ip {ip} ipv6 ::ffff:{ip}, not in whitelist"),
        )),
        None => Err(WxError::new(40164)),
    }
}
