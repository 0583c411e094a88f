//! Sign-in: WeChat login bound to a pre-loaded roster, invite-code binding, token refresh,
//! logout, and password login for staff in a browser.
use actix_web::{HttpRequest, HttpResponse, web};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use tracing_actix_web::RequestId;
use utoipa::ToSchema;

use crate::{
    auth::{
        AuthError, AuthUser, SignInGuard, TokenIssuer, TokenPair,
        account::{self, MeResponse},
        binding,
        guard::address_of,
        tokens::WechatIdentity,
    },
    config::AuthSettings,
    domain::{InviteKey, LoginCode},
    error::ErrorBody,
    people,
    wechat::{WechatClient, WechatError},
};

#[derive(Deserialize, ToSchema)]
pub struct WechatLoginRequest {
    /// The code from `wx.login`.
    pub code: String,
}

/// Either a token pair (`status: ok`) or, for a WeChat account not yet bound to a person
/// on a roster, `status: unbound` with a short-lived bind ticket.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum WechatLoginResponse {
    Bound(TokenPair),
    Unbound(UnboundResponse),
}

#[derive(Serialize, ToSchema)]
pub struct UnboundResponse {
    #[schema(example = "unbound")]
    pub status: String,
    pub bind_ticket: String,
    pub expires_in: u64,
    /// Opens the public's doors without binding: booking a deputy's reception and
    /// following one's own cases (as long as an access token).
    pub visitor_token: String,
}

#[derive(Deserialize, ToSchema)]
pub struct BindRequest {
    pub bind_ticket: String,
    /// The one-time code the branch secretary issued to this person.
    pub invite_code: String,
}

#[derive(Deserialize, ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordLoginRequest {
    pub phone: String,
    pub password: String,
}

fn map_wechat(err: WechatError) -> AuthError {
    match err.code() {
        Some(40029) => AuthError::CodeInvalid,
        Some(40163) => AuthError::CodeUsed,
        Some(40226) => AuthError::CodeBlocked,
        Some(-1) | Some(45011) => AuthError::WechatBusy,
        None => {
            tracing::warn!(error = ?err, "WeChat unreachable");
            AuthError::WechatBusy
        }
        _ => AuthError::Unexpected(anyhow::Error::new(err).context("jscode2session failed")),
    }
}

/// Log in with a `wx.login` code.
#[utoipa::path(post, path = "/api/v1/auth/wechat", tag = "auth", request_body = WechatLoginRequest, responses(
    (status = 200, description = "Tokens, or `unbound` with a bind ticket", body = WechatLoginResponse),
    (status = 400, description = "auth.invalid_input, request.invalid_body", body = ErrorBody),
    (status = 401, description = "auth.code_invalid, auth.code_used", body = ErrorBody),
    (status = 403, description = "auth.code_blocked, auth.account_disabled", body = ErrorBody),
    (status = 503, description = "auth.wechat_busy", body = ErrorBody)))]
#[tracing::instrument(name = "Log in with WeChat", skip_all)]
pub async fn wechat_login(
    body: web::Json<WechatLoginRequest>,
    db: web::Data<DatabaseConnection>,
    wechat: web::Data<WechatClient>,
    tokens: web::Data<TokenIssuer>,
    settings: web::Data<AuthSettings>,
) -> Result<web::Json<WechatLoginResponse>, AuthError> {
    let code = LoginCode::parse(&body.code).map_err(AuthError::InvalidInput)?;
    let session = wechat.code_to_session(&code).await.map_err(map_wechat)?;
    match people::find_by_openid(db.get_ref(), &session.openid).await? {
        Some(person) if !person.active => Err(AuthError::AccountDisabled),
        Some(person) => {
            // The unionid is what joins the member to the official account's follower; WeChat
            // may start returning it after the binding (the app joined an open platform).
            if let Some(unionid) = &session.unionid
                && person.wechat_unionid.as_deref() != Some(unionid.as_str())
            {
                people::record_unionid(db.get_ref(), person.id, unionid).await?;
            }
            let pair = tokens.issue_pair(db.get_ref(), person.id).await?;
            tracing::info!(person_id = person.id, "logged in with WeChat");
            Ok(web::Json(WechatLoginResponse::Bound(pair)))
        }
        None => {
            let visitor_token = tokens.issue_visitor(&session.openid)?;
            let ticket = tokens.issue_bind_ticket(&WechatIdentity {
                openid: session.openid,
                unionid: session.unionid,
            })?;
            Ok(web::Json(WechatLoginResponse::Unbound(UnboundResponse {
                status: "unbound".into(),
                bind_ticket: ticket,
                expires_in: settings.bind_ticket_ttl_secs,
                visitor_token,
            })))
        }
    }
}

/// Bind the WeChat account behind a bind ticket to the person an invite code was issued to.
#[utoipa::path(post, path = "/api/v1/auth/bind", tag = "auth", request_body = BindRequest, responses(
    (status = 200, description = "Bound; tokens for the person", body = TokenPair),
    (status = 400, description = "auth.invite_invalid", body = ErrorBody),
    (status = 401, description = "auth.bind_ticket_invalid", body = ErrorBody),
    (status = 409, description = "auth.already_bound, auth.person_already_bound", body = ErrorBody),
    (status = 429, description = "auth.too_many_attempts", body = ErrorBody),
    (status = 503, description = "auth.temporarily_unavailable", body = ErrorBody)))]
#[tracing::instrument(name = "Bind WeChat with an invite code", skip_all)]
pub async fn bind(
    req: HttpRequest,
    body: web::Json<BindRequest>,
    db: web::Data<DatabaseConnection>,
    guard: web::Data<SignInGuard>,
    tokens: web::Data<TokenIssuer>,
    invite_key: web::Data<InviteKey>,
    request_id: RequestId,
) -> Result<web::Json<TokenPair>, AuthError> {
    let pair = binding::bind(
        &db,
        &guard,
        &tokens,
        &invite_key,
        &address_of(&req),
        &body.bind_ticket,
        &body.invite_code,
        Some(request_id.to_string()),
    )
    .await?;
    Ok(web::Json(pair))
}

/// Exchange a refresh token for a new pair. The old token stops working; presenting it
/// again revokes every token of that login.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest, responses(
    (status = 200, description = "A new pair", body = TokenPair),
    (status = 401, description = "auth.refresh_rejected", body = ErrorBody)))]
#[tracing::instrument(name = "Refresh tokens", skip_all)]
pub async fn refresh(
    body: web::Json<RefreshRequest>,
    db: web::Data<DatabaseConnection>,
    tokens: web::Data<TokenIssuer>,
) -> Result<web::Json<TokenPair>, AuthError> {
    if body.refresh_token.is_empty() || body.refresh_token.len() > 200 {
        return Err(AuthError::RefreshRejected);
    }
    Ok(web::Json(tokens.refresh(&db, &body.refresh_token).await?))
}

/// Revoke the refresh token (and its whole login).
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", request_body = RefreshRequest, responses(
    (status = 204, description = "Logged out (also when the token was unknown)")))]
#[tracing::instrument(name = "Log out", skip_all)]
pub async fn logout(
    body: web::Json<RefreshRequest>,
    db: web::Data<DatabaseConnection>,
    tokens: web::Data<TokenIssuer>,
) -> Result<HttpResponse, AuthError> {
    tokens.revoke(db.get_ref(), &body.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Password login for staff working in a browser.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "auth", request_body = PasswordLoginRequest, responses(
    (status = 200, description = "Tokens", body = TokenPair),
    (status = 400, description = "auth.invalid_input", body = ErrorBody),
    (status = 401, description = "auth.bad_credentials", body = ErrorBody),
    (status = 429, description = "auth.too_many_attempts (with Retry-After)", body = ErrorBody),
    (status = 503, description = "auth.busy, auth.temporarily_unavailable (with Retry-After)", body = ErrorBody)))]
#[tracing::instrument(name = "Log in with a password", skip_all)]
pub async fn password_login(
    req: HttpRequest,
    body: web::Json<PasswordLoginRequest>,
    db: web::Data<DatabaseConnection>,
    guard: web::Data<SignInGuard>,
    tokens: web::Data<TokenIssuer>,
) -> Result<web::Json<TokenPair>, AuthError> {
    let person = guard
        .sign_in_with_password(&db, &body.phone, &body.password, &address_of(&req))
        .await?;
    Ok(web::Json(tokens.issue_pair(db.get_ref(), person.id).await?))
}

/// Who I am and which roles I hold where.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])), responses(
    (status = 200, description = "The signed-in person", body = MeResponse),
    (status = 401, description = "auth.token_missing, auth.token_invalid, auth.token_expired", body = ErrorBody)))]
#[tracing::instrument(name = "Read me", skip_all, fields(person_id = user.person_id))]
pub async fn me(
    user: AuthUser,
    db: web::Data<DatabaseConnection>,
) -> Result<web::Json<MeResponse>, AuthError> {
    Ok(web::Json(account::me(&db, user.into()).await?))
}

/// Confirm, from the mini-program, the one-time code the console's sign-in page shows: that
/// browser is then signed in as the caller (staff only; the first confirmation wins; the
/// code lives two minutes and only the browser that showed it can use it).
#[utoipa::path(post, path = "/api/v1/console-sign-ins/{code}/confirm", tag = "auth", security(("bearer" = [])),
    params(("code" = String, Path, description = "8 characters of A–Z (no I, O) and 2–9")), responses(
    (status = 204, description = "Confirmed"),
    (status = 401, description = "auth.token_missing | auth.token_invalid (sign in on the phone first)", body = ErrorBody),
    (status = 403, description = "auth.forbidden (no staff role)", body = ErrorBody),
    (status = 404, description = "console.sign_in_not_found (unknown or expired)", body = ErrorBody),
    (status = 409, description = "console.sign_in_used", body = ErrorBody),
    (status = 429, description = "console.too_many_requests (more than 10 confirmations a minute; Retry-After)", body = ErrorBody)))]
#[tracing::instrument(name = "Confirm a console sign-in", skip_all, fields(person_id = user.person_id))]
pub async fn confirm_console_sign_in(
    user: AuthUser,
    path: web::Path<String>,
    db: web::Data<DatabaseConnection>,
    cache: web::Data<crate::cache::Cache>,
) -> Result<HttpResponse, crate::console::ConsoleError> {
    crate::console::qr_sign_in::confirm(&db, &cache, user.into(), &path).await?;
    Ok(HttpResponse::NoContent().finish())
}
