//! Errors of the deputies' area (`deputy.*`).
use actix_web::http::StatusCode;

#[derive(thiserror::Error)]
pub enum DeputyError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("no such {0}")]
    NotFound(&'static str),
    #[error("{0}")]
    NotADeputy(String),
    #[error("{0}")]
    WrongState(String),
    #[error("this slot is fully booked")]
    SlotFull,
    #[error("you have already booked this slot")]
    AlreadyBooked,
    #[error("this has already been rated")]
    AlreadyRated,
    #[error(
        "too many requests from this WeChat account or phone number today; please try again tomorrow"
    )]
    TooManyRequests,
    #[error("the service is briefly unavailable; please try again")]
    TemporarilyUnavailable,
    #[error("you do not have a role that allows this for that organisation")]
    Forbidden,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl crate::error::ApiError for DeputyError {
    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            Self::InvalidInput(_) => (StatusCode::BAD_REQUEST, "deputy.invalid_input"),
            Self::NotFound(_) => (StatusCode::NOT_FOUND, "deputy.not_found"),
            Self::NotADeputy(_) => (StatusCode::CONFLICT, "deputy.not_a_deputy"),
            Self::WrongState(_) => (StatusCode::CONFLICT, "deputy.wrong_state"),
            Self::SlotFull => (StatusCode::CONFLICT, "deputy.slot_full"),
            Self::AlreadyBooked => (StatusCode::CONFLICT, "deputy.already_booked"),
            Self::AlreadyRated => (StatusCode::CONFLICT, "deputy.already_rated"),
            Self::TooManyRequests => (StatusCode::TOO_MANY_REQUESTS, "deputy.too_many_requests"),
            Self::TemporarilyUnavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "deputy.temporarily_unavailable",
            ),
            Self::Forbidden => (StatusCode::FORBIDDEN, "auth.forbidden"),
            Self::Unexpected(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

pub fn invalid(message: impl Into<String>) -> DeputyError {
    DeputyError::InvalidInput(message.into())
}

pub fn wrong_state(message: impl Into<String>) -> DeputyError {
    DeputyError::WrongState(message.into())
}

crate::api_error!(DeputyError, forbidden = DeputyError::Forbidden);

impl From<sea_orm::DbErr> for DeputyError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Unexpected(err.into())
    }
}
