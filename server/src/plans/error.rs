//! Errors of the monthly cycle (`plan.*`, with `calendar.year_missing` when the holiday
//! calendar lacks the plan's year).
use actix_web::http::StatusCode;

use crate::calendar::CalendarError;

#[derive(thiserror::Error)]
pub enum PlanError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("no such plan")]
    NotFound,
    #[error("no such organisation")]
    OrgNotFound,
    #[error("you do not have a role that allows this for that organisation")]
    Forbidden,
    #[error("{0}")]
    WrongState(String),
    #[error("this organisation already has a plan for {0}")]
    Exists(String),
    #[error(transparent)]
    Calendar(CalendarError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl crate::error::ApiError for PlanError {
    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            Self::InvalidInput(_) => (StatusCode::BAD_REQUEST, "plan.invalid_input"),
            Self::NotFound => (StatusCode::NOT_FOUND, "plan.not_found"),
            Self::OrgNotFound => (StatusCode::NOT_FOUND, "org.not_found"),
            Self::Forbidden => (StatusCode::FORBIDDEN, "auth.forbidden"),
            Self::WrongState(_) => (StatusCode::CONFLICT, "plan.wrong_state"),
            Self::Exists(_) => (StatusCode::CONFLICT, "plan.exists"),
            Self::Calendar(_) => (StatusCode::UNPROCESSABLE_ENTITY, "calendar.year_missing"),
            Self::Unexpected(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

crate::api_error!(PlanError, forbidden = PlanError::Forbidden);

pub(crate) fn invalid(msg: impl Into<String>) -> PlanError {
    PlanError::InvalidInput(msg.into())
}
