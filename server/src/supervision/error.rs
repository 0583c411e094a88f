//! Errors of inspections, rectifications and published results (`supervision.*`).
use actix_web::http::StatusCode;

#[derive(thiserror::Error)]
pub enum SupervisionError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("no such {0}")]
    NotFound(&'static str),
    #[error("{0}")]
    WrongState(String),
    #[error("you do not have a role that allows this for that organisation")]
    Forbidden,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl crate::error::ApiError for SupervisionError {
    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            Self::InvalidInput(_) => (StatusCode::BAD_REQUEST, "supervision.invalid_input"),
            Self::NotFound(_) => (StatusCode::NOT_FOUND, "supervision.not_found"),
            Self::WrongState(_) => (StatusCode::CONFLICT, "supervision.wrong_state"),
            Self::Forbidden => (StatusCode::FORBIDDEN, "auth.forbidden"),
            Self::Unexpected(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

pub fn invalid(message: impl Into<String>) -> SupervisionError {
    SupervisionError::InvalidInput(message.into())
}

crate::api_error!(SupervisionError, forbidden = SupervisionError::Forbidden);

impl From<sea_orm::DbErr> for SupervisionError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Unexpected(err.into())
    }
}
