//! Errors of the leaders' duties (`duty.*`).
use actix_web::http::StatusCode;

#[derive(thiserror::Error)]
pub enum DutyError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("no such {0}")]
    NotFound(&'static str),
    #[error("{0}")]
    Overlap(String),
    #[error("this entry can no longer be changed; record a correcting entry (`corrects`) instead")]
    CorrectionClosed,
    #[error("{0}")]
    NotContactPoint(String),
    #[error("{0} has no leader level on the roster; contact points are for leading cadres")]
    NotALeader(String),
    #[error("a talk is with someone else")]
    TalkWithSelf,
    #[error("you do not have a role that allows this for that organisation")]
    Forbidden,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl crate::error::ApiError for DutyError {
    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            Self::InvalidInput(_) => (StatusCode::BAD_REQUEST, "duty.invalid_input"),
            Self::NotFound(_) => (StatusCode::NOT_FOUND, "duty.not_found"),
            Self::Overlap(_) => (StatusCode::CONFLICT, "duty.overlap"),
            Self::CorrectionClosed => (StatusCode::CONFLICT, "duty.correction_closed"),
            Self::NotContactPoint(_) => (StatusCode::BAD_REQUEST, "duty.not_contact_point"),
            Self::NotALeader(_) => (StatusCode::CONFLICT, "duty.not_a_leader"),
            Self::TalkWithSelf => (StatusCode::BAD_REQUEST, "duty.talk_with_self"),
            Self::Forbidden => (StatusCode::FORBIDDEN, "auth.forbidden"),
            Self::Unexpected(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

pub fn invalid(message: impl Into<String>) -> DutyError {
    DutyError::InvalidInput(message.into())
}

crate::api_error!(DutyError, forbidden = DutyError::Forbidden);

impl From<sea_orm::DbErr> for DutyError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Unexpected(err.into())
    }
}
