//! Sign-in: WeChat login bound to a pre-loaded roster, invite-code binding, token refresh,
//! logout, and password login for staff in a browser.
use std::time::Duration;

use actix_web::{HttpResponse, web};
use anyhow::Context;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    Set, sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tracing_actix_web::RequestId;
use utoipa::ToSchema;

use crate::{
    audit::{self, Actor, AuditEntry},
    auth::{AuthError, AuthUser, TokenIssuer, TokenPair, passwords, tokens::WechatIdentity},
    cache::Cache,
    clock,
    config::AuthSettings,
    domain::{InviteCode, LoginCode, Phone},
    entities::{invite_code, organisation, role_grant},
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

#[derive(Serialize, ToSchema)]
pub struct MeResponse {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub org_id: i64,
    pub status: String,
    pub roles: Vec<RoleGrantView>,
}

#[derive(Serialize, ToSchema)]
pub struct RoleGrantView {
    pub role: String,
    pub org_id: i64,
    pub org_name: String,
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
            let pair = tokens.issue_pair(db.get_ref(), person.id).await?;
            tracing::info!(person_id = person.id, "logged in with WeChat");
            Ok(web::Json(WechatLoginResponse::Bound(pair)))
        }
        None => {
            let ticket = tokens.issue_bind_ticket(&WechatIdentity {
                openid: session.openid,
                unionid: session.unionid,
            })?;
            Ok(web::Json(WechatLoginResponse::Unbound(UnboundResponse {
                status: "unbound".into(),
                bind_ticket: ticket,
                expires_in: settings.bind_ticket_ttl_secs,
            })))
        }
    }
}

/// Bind the WeChat account behind a bind ticket to the person an invite code was issued to.
#[utoipa::path(post, path = "/api/v1/auth/bind", tag = "auth", request_body = BindRequest, responses(
    (status = 200, description = "Bound; tokens for the person", body = TokenPair),
    (status = 400, description = "auth.invite_invalid", body = ErrorBody),
    (status = 401, description = "auth.bind_ticket_invalid", body = ErrorBody),
    (status = 409, description = "auth.already_bound", body = ErrorBody),
    (status = 429, description = "auth.too_many_attempts", body = ErrorBody)))]
#[tracing::instrument(name = "Bind WeChat with an invite code", skip_all)]
pub async fn bind(
    body: web::Json<BindRequest>,
    db: web::Data<DatabaseConnection>,
    cache: web::Data<Cache>,
    tokens: web::Data<TokenIssuer>,
    settings: web::Data<AuthSettings>,
    request_id: RequestId,
) -> Result<web::Json<TokenPair>, AuthError> {
    let identity = tokens.verify_bind_ticket(&body.bind_ticket)?;
    let limiter = FailureLimiter::new(&cache, &settings, format!("bind-fail:{}", identity.openid));
    limiter.check().await?;
    let Ok(code) = InviteCode::parse(&body.invite_code) else {
        limiter.note_failure().await;
        return Err(AuthError::InviteInvalid);
    };
    let txn = crate::db::begin_write(db.get_ref())
        .await
        .context("cannot start a transaction")?;
    let now = clock::now();
    let invite = invite_code::Entity::find()
        .filter(invite_code::Column::CodeHash.eq(code.hash()))
        .one(&txn)
        .await
        .context("cannot read an invite code")?
        .filter(|i| i.used_at.is_none() && i.expires_at > now);
    let Some(invite) = invite else {
        drop(txn);
        limiter.note_failure().await;
        return Err(AuthError::InviteInvalid);
    };
    // Claim the code in the statement that checks it: two racing binds cannot both win.
    let claimed = invite_code::Entity::update_many()
        .col_expr(invite_code::Column::UsedAt, Expr::value(now))
        .filter(invite_code::Column::Id.eq(invite.id))
        .filter(invite_code::Column::UsedAt.is_null())
        .exec(&txn)
        .await
        .context("cannot claim an invite code")?;
    if claimed.rows_affected != 1 {
        return Err(AuthError::InviteInvalid);
    }
    if let Some(other) = people::find_by_openid(&txn, &identity.openid).await?
        && other.id != invite.person_id
    {
        return Err(AuthError::AlreadyBound);
    }
    let person = people::find(&txn, invite.person_id)
        .await?
        .filter(|p| p.active)
        .ok_or(AuthError::AccountDisabled)?;
    let previous_openid = person.wechat_openid.clone();
    let org_id = person.org_id;
    let person_id = person.id;
    let mut active = person.into_active_model();
    active.wechat_openid = Set(Some(identity.openid.clone()));
    active.wechat_unionid = Set(identity.unionid.clone());
    active.updated_at = Set(now);
    active
        .update(&txn)
        .await
        .context("cannot bind the openid")?;
    audit::record(
        &txn,
        Some(request_id.to_string()),
        AuditEntry {
            actor: Actor::Person(person_id),
            action: "person.bind_wechat",
            target_type: "person",
            target_id: person_id.to_string(),
            org_id: Some(org_id),
            detail: json!({"invite_id": invite.id, "rebound": previous_openid.is_some()}),
        },
    )
    .await?;
    let pair = tokens.issue_pair(&txn, person_id).await?;
    txn.commit().await.context("cannot commit the binding")?;
    limiter.clear().await;
    tracing::info!(person_id, "WeChat account bound");
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
    let txn = crate::db::begin_write(db.get_ref())
        .await
        .context("cannot start a transaction")?;
    let pair = tokens.rotate(&txn, &body.refresh_token).await;
    // Commit even on refusal: a detected reuse must leave the family revoked.
    txn.commit().await.context("cannot commit a rotation")?;
    Ok(web::Json(pair?))
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
    (status = 401, description = "auth.bad_credentials", body = ErrorBody),
    (status = 429, description = "auth.too_many_attempts", body = ErrorBody)))]
#[tracing::instrument(name = "Log in with a password", skip_all)]
pub async fn password_login(
    body: web::Json<PasswordLoginRequest>,
    db: web::Data<DatabaseConnection>,
    cache: web::Data<Cache>,
    tokens: web::Data<TokenIssuer>,
    settings: web::Data<AuthSettings>,
) -> Result<web::Json<TokenPair>, AuthError> {
    let phone = Phone::parse(&body.phone).map_err(AuthError::InvalidInput)?;
    let limiter = FailureLimiter::new(
        &cache,
        &settings,
        format!("password-fail:{}", phone.as_str()),
    );
    limiter.check().await?;
    let person = people::find_by_phone(db.get_ref(), phone.as_str()).await?;
    let stored = person.as_ref().and_then(|p| p.password_hash.as_deref());
    // Hash verification is CPU-bound (~tens of ms); keep it off the async workers.
    let candidate = body.password.clone();
    let stored_owned = stored.map(str::to_owned);
    let ok = web::block(move || passwords::verify(&candidate, stored_owned.as_deref()))
        .await
        .context("the password check did not run")?;
    match person {
        Some(p) if ok && p.active => {
            limiter.clear().await;
            Ok(web::Json(tokens.issue_pair(db.get_ref(), p.id).await?))
        }
        _ => {
            limiter.note_failure().await;
            Err(AuthError::BadCredentials)
        }
    }
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
    let person = people::find(db.get_ref(), user.person_id)
        .await?
        .filter(|p| p.active)
        .ok_or(AuthError::TokenInvalid)?;
    let grants = role_grant::Entity::find()
        .filter(role_grant::Column::PersonId.eq(person.id))
        .all(db.get_ref())
        .await
        .context("cannot read role grants")?;
    let names: std::collections::HashMap<i64, String> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(grants.iter().map(|g| g.org_id)))
        .all(db.get_ref())
        .await
        .context("cannot read the granting organisations")?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    Ok(web::Json(MeResponse {
        id: person.id,
        name: person.name,
        phone: person.phone,
        org_id: person.org_id,
        status: person.status,
        roles: grants
            .into_iter()
            .map(|g| RoleGrantView {
                org_name: names.get(&g.org_id).cloned().unwrap_or_default(),
                role: g.role,
                org_id: g.org_id,
            })
            .collect(),
    }))
}

/// Counts wrong guesses per account in the cache. If the cache is down the limiter fails
/// closed (refuses) rather than allowing unlimited guessing.
struct FailureLimiter<'a> {
    cache: &'a Cache,
    key: String,
    max: u32,
    window: Duration,
}

impl<'a> FailureLimiter<'a> {
    fn new(cache: &'a Cache, settings: &AuthSettings, key: String) -> Self {
        Self {
            cache,
            key,
            max: settings.invite_max_failures,
            window: Duration::from_secs(settings.invite_failure_window_secs),
        }
    }

    async fn check(&self) -> Result<(), AuthError> {
        let failures = match self.cache.get(&self.key).await {
            Ok(value) => value.and_then(|v| v.parse::<u32>().ok()).unwrap_or(0),
            Err(e) => {
                tracing::warn!(error = %e, "cache down: refusing guessable sign-in");
                return Err(AuthError::TemporarilyUnavailable);
            }
        };
        if failures >= self.max {
            return Err(AuthError::TooManyAttempts(
                self.window.as_secs().div_ceil(60),
            ));
        }
        Ok(())
    }

    async fn note_failure(&self) {
        match self.cache.incr_by(&self.key, 1).await {
            Ok(1) => {
                let _ = self.cache.expire(&self.key, self.window).await;
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "cannot count a failed sign-in"),
        }
    }

    async fn clear(&self) {
        let _ = self.cache.delete(&self.key).await;
    }
}
