//! Errors of the official-account channel (`official.*`).
use actix_web::http::StatusCode;

#[derive(thiserror::Error)]
pub enum OfficialError {
    #[error("no official account is configured on this server")]
    NotConfigured,
    #[error("the push's signature does not match this server's token")]
    BadSignature,
    #[error("the push is older (or newer) than five minutes; replays are refused")]
    Stale,
    #[error("{0}")]
    BadPush(String),
    #[error("WeChat could not be asked about the follower; WeChat will push again")]
    Upstream,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl crate::error::ApiError for OfficialError {
    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            Self::NotConfigured => (StatusCode::NOT_FOUND, "official.not_configured"),
            Self::BadSignature => (StatusCode::FORBIDDEN, "official.bad_signature"),
            Self::Stale => (StatusCode::FORBIDDEN, "official.stale_push"),
            Self::BadPush(_) => (StatusCode::BAD_REQUEST, "official.bad_push"),
            Self::Upstream => (
                StatusCode::SERVICE_UNAVAILABLE,
                "official.wechat_unavailable",
            ),
            Self::Unexpected(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

crate::api_error!(OfficialError);

impl From<sea_orm::DbErr> for OfficialError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Unexpected(err.into())
    }
}
