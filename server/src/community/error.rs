//! Errors of community service (`community.*`, `service.*`). Claim outcomes such as `full`
//! are answers, not errors.
use actix_web::http::StatusCode;

#[derive(thiserror::Error)]
pub enum CommunityError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("no such community")]
    CommunityNotFound,
    #[error("no such service item")]
    ItemNotFound,
    #[error("no such claim")]
    ClaimNotFound,
    #[error("{0}")]
    TooLate(String),
    #[error("the offer has expired; the place went to the next person waiting")]
    OfferExpired,
    #[error("{0}")]
    WrongState(String),
    #[error("no such {0}")]
    NotFound(&'static str),
    #[error("you do not have a role that allows this for that organisation")]
    Forbidden,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl crate::error::ApiError for CommunityError {
    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            Self::InvalidInput(_) => (StatusCode::BAD_REQUEST, "community.invalid_input"),
            Self::CommunityNotFound => (StatusCode::NOT_FOUND, "community.not_found"),
            Self::ItemNotFound => (StatusCode::NOT_FOUND, "service.item_not_found"),
            Self::ClaimNotFound => (StatusCode::NOT_FOUND, "service.claim_not_found"),
            Self::TooLate(_) => (StatusCode::CONFLICT, "service.too_late"),
            Self::OfferExpired => (StatusCode::CONFLICT, "service.offer_expired"),
            Self::WrongState(_) => (StatusCode::CONFLICT, "community.wrong_state"),
            Self::NotFound(_) => (StatusCode::NOT_FOUND, "community.not_found"),
            Self::Forbidden => (StatusCode::FORBIDDEN, "auth.forbidden"),
            Self::Unexpected(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

pub fn invalid(message: impl Into<String>) -> CommunityError {
    CommunityError::InvalidInput(message.into())
}

crate::api_error!(CommunityError, forbidden = CommunityError::Forbidden);

impl From<sea_orm::DbErr> for CommunityError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Unexpected(err.into())
    }
}
