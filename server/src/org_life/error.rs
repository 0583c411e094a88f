//! Errors of organisational life beyond the monthly meeting (`life.*`).
use actix_web::http::StatusCode;

#[derive(thiserror::Error)]
pub enum LifeError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("no such {0}")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(String),
    #[error("you do not have a role that allows this for that organisation")]
    Forbidden,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl crate::error::ApiError for LifeError {
    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            Self::InvalidInput(_) => (StatusCode::BAD_REQUEST, "life.invalid_input"),
            Self::NotFound(_) => (StatusCode::NOT_FOUND, "life.not_found"),
            Self::Conflict(_) => (StatusCode::CONFLICT, "life.conflict"),
            Self::Forbidden => (StatusCode::FORBIDDEN, "auth.forbidden"),
            Self::Unexpected(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

pub fn invalid(message: impl Into<String>) -> LifeError {
    LifeError::InvalidInput(message.into())
}

crate::api_error!(LifeError, forbidden = LifeError::Forbidden);

impl From<sea_orm::DbErr> for LifeError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Unexpected(err.into())
    }
}
