//! What every WeChat endpoint shares: the error shape, parameter and body rules, the app
//! credential check, and the middleware that records requests and injects delays and faults.

use std::collections::BTreeMap;
use std::fmt;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{Error, HttpRequest, HttpResponse, ResponseError, web};
use chrono::Utc;
use rand::Rng;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::config::FakeConfig;
use crate::control::CONTROL_PREFIX;
use crate::state::{RecordedRequest, SharedState, lock};

/// A business error as WeChat sends it: HTTP 200 and `{"errcode","errmsg"}`, never a 4xx.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WxError {
    pub(crate) code: i64,
    pub(crate) message: String,
}

impl WxError {
    pub(crate) fn new(code: i64) -> Self {
        Self::with_message(code, standard_errmsg(code))
    }

    pub(crate) fn with_message(code: i64, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for WxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "errcode {}: {}", self.code, self.message)
    }
}

impl ResponseError for WxError {
    fn status_code(&self) -> StatusCode {
        StatusCode::OK
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::Ok().json(json!({
            "errcode": self.code,
            "errmsg": format!("{}, rid: {}", self.message, request_id()),
        }))
    }
}

/// WeChat's wording, so a client that logs errmsg shows what production would.
pub(crate) fn standard_errmsg(code: i64) -> &'static str {
    match code {
        -1 => "system error",
        40001 => "invalid credential, access_token is invalid or not latest",
        40002 => "invalid grant_type",
        40003 => "invalid openid",
        40013 => "invalid appid",
        40014 => "invalid access_token",
        40029 => "invalid code",
        40037 => "invalid template_id",
        40125 => "invalid appsecret",
        40163 => "code been used",
        40164 => "invalid ip, not in whitelist",
        40165 => "invalid weapp pagepath",
        40226 => "code blocked",
        41001 => "access_token missing",
        41002 => "appid missing",
        41004 => "appsecret missing",
        41008 => "missing code",
        41030 => "invalid page",
        42001 => "access_token expired",
        43001 => "require GET method",
        43002 => "require POST method",
        43004 => "require subscribe",
        43101 => "user refuse to accept the msg",
        43108 => "Cannot make concurrent calls to the same OpenID, please try again",
        45009 => "reach max api daily quota limit",
        45011 => "api minute-quota reach limit mustslower retry next minute",
        45103 => "This API has been unsupported",
        45109 => "This API has been unsupported",
        47001 => "data format error",
        47003 => "argument invalid!",
        _ => "error",
    }
}

/// Three groups of 8 hex digits, the first being the Unix time, like WeChat's `rid`.
pub(crate) fn request_id() -> String {
    let mut rng = rand::rng();
    let seconds = u32::try_from(Utc::now().timestamp()).unwrap_or(u32::MAX);
    format!(
        "{seconds:08x}-{:08x}-{:08x}",
        rng.random::<u32>(),
        rng.random::<u32>()
    )
}

pub(crate) fn random_string(alphabet: &[u8], length: usize) -> String {
    let mut rng = rand::rng();
    (0..length)
        .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
        .collect()
}

/// The query string decoded; a repeated key keeps its last value, as WeChat's CGI does.
pub(crate) fn query_map(query_string: &str) -> BTreeMap<String, String> {
    web::Query::<Vec<(String, String)>>::from_query(query_string)
        .map(|pairs| pairs.into_inner().into_iter().collect())
        .unwrap_or_default()
}

/// A parameter that is absent or empty counts as missing, as it does for WeChat.
pub(crate) fn param<'a>(query: &'a BTreeMap<String, String>, name: &str) -> Option<&'a str> {
    query
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
}

/// The mini-program credentials jscode2session checks, presence first, then validity.
pub(crate) fn check_app(
    config: &FakeConfig,
    appid: Option<&str>,
    secret: Option<&str>,
    wrong_secret_errcode: i64,
) -> Result<(), WxError> {
    let apps = [(config.appid.as_str(), config.secret.as_str())];
    check_credentials(&apps, appid, secret, wrong_secret_errcode).map(drop)
}

/// The token endpoints serve the mini-program and the official account alike; the answer names
/// the app whose credentials these are.
pub(crate) fn check_token_app<'a>(
    config: &'a FakeConfig,
    appid: Option<&str>,
    secret: Option<&str>,
    wrong_secret_errcode: i64,
) -> Result<&'a str, WxError> {
    let apps = [
        (config.appid.as_str(), config.secret.as_str()),
        (config.oa_appid.as_str(), config.oa_secret.as_str()),
    ];
    check_credentials(&apps, appid, secret, wrong_secret_errcode)
}

fn check_credentials<'a>(
    apps: &[(&'a str, &str)],
    appid: Option<&str>,
    secret: Option<&str>,
    wrong_secret_errcode: i64,
) -> Result<&'a str, WxError> {
    let appid = appid.ok_or_else(|| WxError::new(41002))?;
    let secret = secret.ok_or_else(|| WxError::new(41004))?;
    let Some(&(known, expected)) = apps.iter().find(|(known, _)| *known == appid) else {
        return Err(WxError::new(40013));
    };
    if secret != expected {
        return Err(WxError::new(wrong_secret_errcode));
    }
    Ok(known)
}

/// POST bodies must be JSON. A form-encoded one is the classic client mistake, so it is refused
/// even when its text happens to parse; a field of the wrong type is a format error too.
pub(crate) fn json_body<T: DeserializeOwned>(req: &HttpRequest, body: &[u8]) -> Result<T, WxError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if content_type.starts_with("application/x-www-form-urlencoded")
        || content_type.starts_with("multipart/form-data")
    {
        return Err(WxError::new(47001));
    }
    serde_json::from_slice(body).map_err(|_| WxError::new(47001))
}

pub(crate) async fn require_get() -> HttpResponse {
    WxError::new(43001).error_response()
}

pub(crate) async fn require_post() -> HttpResponse {
    WxError::new(43002).error_response()
}

/// Paths the fake does not serve answer 404 in the fake's own words, so a test that reaches one
/// learns the fake needs an endpoint instead of seeing a plausible WeChat error.
pub(crate) async fn not_implemented(req: HttpRequest) -> HttpResponse {
    HttpResponse::NotFound().json(json!({
        "fake_error": format!("wechat-fake does not implement {} {}", req.method(), req.path()),
    }))
}

/// Records every WeChat-side request, then applies an injected delay and fault before the
/// handler runs. Control paths pass untouched so tests can steer the fake during a fault.
pub(crate) async fn intercept(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let path = req.path().to_owned();
    if path.starts_with(CONTROL_PREFIX) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let shared = req
        .app_data::<SharedState>()
        .cloned()
        .expect("the fake's state is registered as app data");

    let body = req.extract::<web::Bytes>().await?;
    req.set_payload(Payload::from(body.clone()));
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);

    let (delay, fault) = {
        let mut state = lock(&shared);
        let received_at = state.clock.now();
        state.requests.push(RecordedRequest {
            method: req.method().to_string(),
            path: path.clone(),
            query: query_map(req.query_string()),
            body: serde_json::from_slice(&body).ok(),
            content_type,
            received_at,
        });
        (state.delays.get(&path).copied(), state.take_fault(&path))
    };
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    if let Some(errcode) = fault {
        let response = WxError::new(errcode).error_response();
        return Ok(req.into_response(response));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_id_is_three_groups_of_eight_hex_digits() {
        let rid = request_id();
        let groups: Vec<&str> = rid.split('-').collect();
        assert_eq!(groups.len(), 3, "{rid}");
        assert!(
            groups
                .iter()
                .all(|g| g.len() == 8 && g.chars().all(|c| c.is_ascii_hexdigit()))
        );
    }

    #[test]
    fn empty_parameters_count_as_missing() {
        let query = query_map("appid=&secret=s&secret=t");
        assert_eq!(param(&query, "appid"), None);
        assert_eq!(param(&query, "secret"), Some("t"));
        assert_eq!(param(&query, "absent"), None);
    }

    #[test]
    fn credentials_are_checked_for_presence_before_validity() {
        let config = FakeConfig::default();
        let code = |appid, secret| check_app(&config, appid, secret, 40125).map_err(|e| e.code);
        assert_eq!(code(None, Some("x")), Err(41002));
        assert_eq!(code(Some("wx-other"), None), Err(41004));
        assert_eq!(code(Some("wx-other"), Some(&config.secret)), Err(40013));
        assert_eq!(code(Some(&config.appid), Some("wrong")), Err(40125));
        assert_eq!(code(Some(&config.appid), Some(&config.secret)), Ok(()));
        let oa = check_app(
            &config,
            Some(&config.oa_appid),
            Some(&config.oa_secret),
            40125,
        );
        assert_eq!(
            oa.map_err(|e| e.code),
            Err(40013),
            "login is the mini-program's"
        );
    }

    #[test]
    fn token_endpoints_know_both_apps() {
        let config = FakeConfig::default();
        let app = |appid: &str, secret: &str| {
            check_token_app(&config, Some(appid), Some(secret), 40125)
                .map(str::to_owned)
                .map_err(|e| e.code)
        };
        assert_eq!(app(&config.appid, &config.secret), Ok(config.appid.clone()));
        assert_eq!(
            app(&config.oa_appid, &config.oa_secret),
            Ok(config.oa_appid.clone())
        );
        assert_eq!(app(&config.oa_appid, &config.secret), Err(40125));
        assert_eq!(app("wx-other", &config.secret), Err(40013));
    }
}
