//! Errors of notification deliveries and channels (`delivery.*`).
use actix_web::http::StatusCode;

#[derive(thiserror::Error)]
pub enum DeliveryError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("no such plan")]
    PlanNotFound,
    #[error("no such organisation")]
    OrgNotFound,
    #[error("this member was not sent this plan's preview")]
    NotFound,
    #[error("this member already has the preview ({0})")]
    AlreadyReached(&'static str),
    #[error("the preview to this member is still being sent; look again in a minute")]
    UnderWay,
    #[error("you do not have a role that allows this for that organisation or member")]
    Forbidden,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl crate::error::ApiError for DeliveryError {
    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            Self::InvalidInput(_) => (StatusCode::BAD_REQUEST, "delivery.invalid_input"),
            Self::PlanNotFound => (StatusCode::NOT_FOUND, "plan.not_found"),
            Self::OrgNotFound => (StatusCode::NOT_FOUND, "org.not_found"),
            Self::NotFound => (StatusCode::NOT_FOUND, "delivery.not_found"),
            Self::AlreadyReached(_) => (StatusCode::CONFLICT, "delivery.already_reached"),
            Self::UnderWay => (StatusCode::CONFLICT, "delivery.under_way"),
            Self::Forbidden => (StatusCode::FORBIDDEN, "auth.forbidden"),
            Self::Unexpected(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

crate::api_error!(DeliveryError, forbidden = DeliveryError::Forbidden);

impl From<sea_orm::DbErr> for DeliveryError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Unexpected(err.into())
    }
}
