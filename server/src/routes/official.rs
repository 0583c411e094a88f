//! The official account's message pushes (消息推送): WeChat checks the URL with a GET and
//! then POSTs follow and unfollow events. No bearer token: the signature is the credential.
use actix_web::{HttpResponse, web};
use sea_orm::DatabaseConnection;

use crate::{
    error::ErrorBody,
    official::{
        OfficialAccount, OfficialError,
        followers::{self, Signed},
    },
};

/// WeChat checking the push URL (接入验证): answers `echostr` when the signature holds.
#[utoipa::path(get, path = "/api/v1/wechat/official-account/events", tag = "official", params(Signed),
    responses(
    (status = 200, description = "echostr, as text", body = String),
    (status = 400, description = "official.bad_push", body = ErrorBody),
    (status = 403, description = "official.bad_signature, official.stale_push", body = ErrorBody),
    (status = 404, description = "official.not_configured", body = ErrorBody)))]
pub async fn verify_url(
    query: web::Query<Signed>,
    account: web::Data<OfficialAccount>,
) -> Result<HttpResponse, OfficialError> {
    let echo = followers::verify_url(&account, &query)?;
    Ok(HttpResponse::Ok().content_type("text/plain").body(echo))
}

/// A push from WeChat (XML, plaintext mode): a follow records the follower and their
/// unionid, an unfollow stops them being a target; anything else is acknowledged.
#[utoipa::path(post, path = "/api/v1/wechat/official-account/events", tag = "official", params(Signed),
    request_body(content = String, content_type = "text/xml"),
    responses(
    (status = 200, description = "success, as text (what WeChat expects)", body = String),
    (status = 400, description = "official.bad_push", body = ErrorBody),
    (status = 403, description = "official.bad_signature, official.stale_push", body = ErrorBody),
    (status = 404, description = "official.not_configured", body = ErrorBody),
    (status = 503, description = "official.wechat_unavailable", body = ErrorBody)))]
pub async fn receive_push(
    query: web::Query<Signed>,
    payload: web::Payload,
    db: web::Data<DatabaseConnection>,
    account: web::Data<OfficialAccount>,
) -> Result<HttpResponse, OfficialError> {
    // Read no more than a push can be: this URL is open to anyone until the signature is
    // checked, so the app-wide body limit (sized for roster uploads) is far too generous.
    let body = match payload.to_bytes_limited(followers::MAX_PUSH_BYTES).await {
        Ok(Ok(body)) => body,
        Ok(Err(_)) => return Err(OfficialError::BadPush("the push could not be read".into())),
        Err(_) => {
            return Err(OfficialError::BadPush(format!(
                "a push is at most {} bytes",
                followers::MAX_PUSH_BYTES
            )));
        }
    };
    followers::receive(&db, &account, &query, &body).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain")
        .body("success"))
}
