use actix_web::http::StatusCode;

use crate::error::ApiError;

/// What the console's JSON door (the phone confirming a sign-in code) answers.
#[derive(thiserror::Error)]
pub enum ConsoleError {
    #[error("that sign-in code is unknown or expired")]
    SignInNotFound,
    #[error("that sign-in code was already confirmed")]
    SignInUsed,
    #[error("too many sign-in codes asked for; wait a minute")]
    TooManyRequests,
    #[error("only staff sign in to the console")]
    Forbidden,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

crate::api_error!(ConsoleError);

impl ApiError for ConsoleError {
    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            Self::SignInNotFound => (StatusCode::NOT_FOUND, "console.sign_in_not_found"),
            Self::SignInUsed => (StatusCode::CONFLICT, "console.sign_in_used"),
            Self::TooManyRequests => (StatusCode::TOO_MANY_REQUESTS, "console.too_many_requests"),
            Self::Forbidden => (StatusCode::FORBIDDEN, "auth.forbidden"),
            Self::Unexpected(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    fn retry_after(&self) -> Option<u64> {
        matches!(self, Self::TooManyRequests).then_some(60)
    }
}
