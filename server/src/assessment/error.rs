//! Errors of the yearly assessment and the dashboards (`assessment.*`).
use actix_web::http::StatusCode;

#[derive(thiserror::Error)]
pub enum AssessmentError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("no such {0}")]
    NotFound(&'static str),
    #[error("{0}")]
    NoData(String),
    #[error("you do not have a role that allows this for that organisation")]
    Forbidden,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl crate::error::ApiError for AssessmentError {
    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            Self::InvalidInput(_) => (StatusCode::BAD_REQUEST, "assessment.invalid_input"),
            Self::NotFound(_) => (StatusCode::NOT_FOUND, "assessment.not_found"),
            Self::NoData(_) => (StatusCode::UNPROCESSABLE_ENTITY, "assessment.no_data"),
            Self::Forbidden => (StatusCode::FORBIDDEN, "auth.forbidden"),
            Self::Unexpected(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

pub fn invalid(message: impl Into<String>) -> AssessmentError {
    AssessmentError::InvalidInput(message.into())
}

crate::api_error!(AssessmentError, forbidden = AssessmentError::Forbidden);

impl From<sea_orm::DbErr> for AssessmentError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Unexpected(err.into())
    }
}
