//! Who is calling: access tokens, refresh tokens, bind tickets, staff passwords, and the
//! `AuthUser` extractor. What they may do is `authz`.
pub mod account;
pub mod binding;
mod extractor;
pub mod guard;
pub mod passwords;
pub mod tokens;

pub use extractor::{AnyRequester, AuthUser, require_operator};
pub use guard::SignInGuard;
pub use tokens::{TokenIssuer, TokenPair};

use actix_web::http::StatusCode;

#[derive(thiserror::Error)]
pub enum AuthError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("sign in first: the Authorization: Bearer header is missing")]
    TokenMissing,
    #[error("the access token is not valid")]
    TokenInvalid,
    #[error("the access token has expired")]
    TokenExpired,
    #[error("the refresh token is not valid, expired or revoked; sign in again")]
    RefreshRejected,
    #[error("WeChat did not accept the login code; call wx.login again")]
    CodeInvalid,
    #[error("this login code was already used; call wx.login again")]
    CodeUsed,
    #[error("WeChat refused this account's login")]
    CodeBlocked,
    #[error("WeChat is busy; try again in a moment")]
    WechatBusy,
    #[error("the bind ticket is not valid or has expired; log in again")]
    BindTicketInvalid,
    #[error("the invite code is wrong, expired or already used")]
    InviteInvalid,
    #[error("too many attempts; wait {0} minutes")]
    TooManyAttempts(u64),
    #[error("this WeChat account is already bound to someone else")]
    AlreadyBound,
    #[error(
        "this person's WeChat is already bound; an administrator must revoke that binding first"
    )]
    PersonAlreadyBound,
    #[error("sign-in is busy; try again in a moment")]
    Busy,
    #[error("this account is disabled; ask your branch secretary")]
    AccountDisabled,
    #[error("wrong phone number or password")]
    BadCredentials,
    #[error("this feature is temporarily unavailable; try again shortly")]
    TemporarilyUnavailable,
    #[error("only an operator token (huodongri admin token) may read this")]
    OperatorOnly,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl crate::error::ApiError for AuthError {
    fn retry_after(&self) -> Option<u64> {
        match self {
            Self::TooManyAttempts(minutes) => Some(minutes * 60),
            Self::Busy | Self::TemporarilyUnavailable | Self::WechatBusy => Some(2),
            _ => None,
        }
    }

    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            Self::InvalidInput(_) => (StatusCode::BAD_REQUEST, "auth.invalid_input"),
            Self::TokenMissing => (StatusCode::UNAUTHORIZED, "auth.token_missing"),
            Self::TokenInvalid => (StatusCode::UNAUTHORIZED, "auth.token_invalid"),
            Self::TokenExpired => (StatusCode::UNAUTHORIZED, "auth.token_expired"),
            Self::RefreshRejected => (StatusCode::UNAUTHORIZED, "auth.refresh_rejected"),
            Self::CodeInvalid => (StatusCode::UNAUTHORIZED, "auth.code_invalid"),
            Self::CodeUsed => (StatusCode::UNAUTHORIZED, "auth.code_used"),
            Self::CodeBlocked => (StatusCode::FORBIDDEN, "auth.code_blocked"),
            Self::WechatBusy => (StatusCode::SERVICE_UNAVAILABLE, "auth.wechat_busy"),
            Self::BindTicketInvalid => (StatusCode::UNAUTHORIZED, "auth.bind_ticket_invalid"),
            Self::InviteInvalid => (StatusCode::BAD_REQUEST, "auth.invite_invalid"),
            Self::TooManyAttempts(_) => (StatusCode::TOO_MANY_REQUESTS, "auth.too_many_attempts"),
            Self::AlreadyBound => (StatusCode::CONFLICT, "auth.already_bound"),
            Self::PersonAlreadyBound => (StatusCode::CONFLICT, "auth.person_already_bound"),
            Self::Busy => (StatusCode::SERVICE_UNAVAILABLE, "auth.busy"),
            Self::AccountDisabled => (StatusCode::FORBIDDEN, "auth.account_disabled"),
            Self::BadCredentials => (StatusCode::UNAUTHORIZED, "auth.bad_credentials"),
            Self::TemporarilyUnavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "auth.temporarily_unavailable",
            ),
            Self::OperatorOnly => (StatusCode::FORBIDDEN, "auth.forbidden"),
            Self::Unexpected(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

crate::api_error!(AuthError);
