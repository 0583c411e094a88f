//! Errors of the democratic evaluation (`evaluation.*`).
use actix_web::http::StatusCode;

#[derive(thiserror::Error)]
pub enum EvaluationError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("no such {0}")]
    NotFound(&'static str),
    #[error("{0}")]
    WrongState(String),
    #[error("you have already evaluated this member in this campaign")]
    AlreadyVoted,
    #[error("{0}")]
    NotAMember(String),
    #[error("too many answers from this WeChat account; please try again later")]
    TooManyRequests,
    #[error("the service is busy; please try again shortly")]
    TemporarilyUnavailable,
    #[error("you do not have a role that allows this for that organisation")]
    Forbidden,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl crate::error::ApiError for EvaluationError {
    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            Self::InvalidInput(_) => (StatusCode::BAD_REQUEST, "evaluation.invalid_input"),
            Self::NotFound(_) => (StatusCode::NOT_FOUND, "evaluation.not_found"),
            Self::WrongState(_) => (StatusCode::CONFLICT, "evaluation.wrong_state"),
            Self::AlreadyVoted => (StatusCode::CONFLICT, "evaluation.already_voted"),
            Self::NotAMember(_) => (StatusCode::FORBIDDEN, "evaluation.not_a_member"),
            Self::TooManyRequests => (
                StatusCode::TOO_MANY_REQUESTS,
                "evaluation.too_many_requests",
            ),
            Self::TemporarilyUnavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "evaluation.temporarily_unavailable",
            ),
            Self::Forbidden => (StatusCode::FORBIDDEN, "auth.forbidden"),
            Self::Unexpected(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

pub fn invalid(message: impl Into<String>) -> EvaluationError {
    EvaluationError::InvalidInput(message.into())
}

crate::api_error!(EvaluationError, forbidden = EvaluationError::Forbidden);

impl From<sea_orm::DbErr> for EvaluationError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Unexpected(err.into())
    }
}
