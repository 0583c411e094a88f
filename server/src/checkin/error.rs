//! Errors of check-in, attendance, leave and exemptions (`activity.*`, `checkin.*`,
//! `leave.*`, `exemption.*`). Refused check-ins are not errors: they are answers with a
//! reason code. These are for requests that cannot be answered.
use actix_web::http::StatusCode;

#[derive(thiserror::Error)]
pub enum AttendanceError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("no such activity")]
    ActivityNotFound,
    #[error("{0}")]
    NotFiled(String),
    #[error("no such check-in")]
    CheckinNotFound,
    #[error("that check-in was already undone")]
    AlreadyUndone,
    #[error("no such leave request")]
    LeaveNotFound,
    #[error("{0}")]
    LeaveTooLate(String),
    #[error("{0}")]
    LeaveWrongState(String),
    #[error("you are not among this activity's expected participants")]
    NotParticipant,
    #[error("no such person")]
    PersonNotFound,
    #[error("this person is neither on the activity's roster nor in an organisation you manage")]
    PersonOutOfScope,
    #[error("no such exemption")]
    ExemptionNotFound,
    #[error("no such organisation")]
    OrgNotFound,
    #[error("you do not have a role that allows this for that organisation")]
    Forbidden,
    #[error("check-ins cannot be stored right now; the phone keeps the scan and retries")]
    Unavailable,
    #[error(
        "too many scans of codes that are not ours; wait a minute and scan the code at the venue"
    )]
    TooManyAttempts,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl crate::error::ApiError for AttendanceError {
    fn retry_after(&self) -> Option<u64> {
        match self {
            Self::TooManyAttempts => Some(60),
            // The phone keeps the scan and retries with the same nonce.
            Self::Unavailable => Some(2),
            _ => None,
        }
    }

    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            Self::InvalidInput(_) => (StatusCode::BAD_REQUEST, "checkin.invalid_input"),
            Self::ActivityNotFound => (StatusCode::NOT_FOUND, "activity.not_found"),
            Self::NotFiled(_) => (StatusCode::CONFLICT, "activity.not_filed"),
            Self::CheckinNotFound => (StatusCode::NOT_FOUND, "checkin.not_found"),
            Self::AlreadyUndone => (StatusCode::CONFLICT, "checkin.already_undone"),
            Self::LeaveNotFound => (StatusCode::NOT_FOUND, "leave.not_found"),
            Self::LeaveTooLate(_) => (StatusCode::CONFLICT, "leave.too_late"),
            Self::LeaveWrongState(_) => (StatusCode::CONFLICT, "leave.wrong_state"),
            Self::NotParticipant => (StatusCode::FORBIDDEN, "leave.not_participant"),
            Self::PersonNotFound => (StatusCode::NOT_FOUND, "person.not_found"),
            Self::PersonOutOfScope => (StatusCode::FORBIDDEN, "checkin.person_out_of_scope"),
            Self::ExemptionNotFound => (StatusCode::NOT_FOUND, "exemption.not_found"),
            Self::OrgNotFound => (StatusCode::NOT_FOUND, "org.not_found"),
            Self::Forbidden => (StatusCode::FORBIDDEN, "auth.forbidden"),
            Self::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "checkin.unavailable"),
            Self::TooManyAttempts => (StatusCode::TOO_MANY_REQUESTS, "checkin.too_many_attempts"),
            Self::Unexpected(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

pub fn invalid(message: impl Into<String>) -> AttendanceError {
    AttendanceError::InvalidInput(message.into())
}

crate::api_error!(AttendanceError, forbidden = AttendanceError::Forbidden);
