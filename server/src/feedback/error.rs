//! Errors of activity feedback (`feedback.*`).
use actix_web::http::StatusCode;

#[derive(thiserror::Error)]
pub enum FeedbackError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("no such activity")]
    NotFound,
    #[error("only members who attended the activity give feedback on it")]
    NotAttended,
    #[error(
        "feedback on this activity is not open (it opens when the activity ends, for {0} days)"
    )]
    Closed(u32),
    #[error("you have already given feedback on this activity")]
    AlreadyGiven,
    #[error("you do not have a role that allows this for that organisation")]
    Forbidden,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl crate::error::ApiError for FeedbackError {
    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            Self::InvalidInput(_) => (StatusCode::BAD_REQUEST, "feedback.invalid_input"),
            Self::NotFound => (StatusCode::NOT_FOUND, "feedback.not_found"),
            Self::NotAttended => (StatusCode::FORBIDDEN, "feedback.not_attended"),
            Self::Closed(_) => (StatusCode::CONFLICT, "feedback.closed"),
            Self::AlreadyGiven => (StatusCode::CONFLICT, "feedback.already_given"),
            Self::Forbidden => (StatusCode::FORBIDDEN, "auth.forbidden"),
            Self::Unexpected(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

crate::api_error!(FeedbackError, forbidden = FeedbackError::Forbidden);

impl From<sea_orm::DbErr> for FeedbackError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Unexpected(err.into())
    }
}
