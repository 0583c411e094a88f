//! Errors of attachments (`attachment.*`).
use actix_web::http::StatusCode;

#[derive(thiserror::Error)]
pub enum AttachmentError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("the file is larger than {0} MB")]
    TooLarge(u64),
    #[error("{0}")]
    UnsupportedType(String),
    #[error("{0}")]
    TypeMismatch(String),
    #[error("the image cannot be read: {0}")]
    UnreadableImage(String),
    #[error("a record keeps at most {0} attachments")]
    TooMany(u64),
    #[error("no such {0}")]
    NotFound(&'static str),
    #[error("you do not have a role that allows this for that organisation")]
    Forbidden,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl crate::error::ApiError for AttachmentError {
    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            Self::InvalidInput(_) => (StatusCode::BAD_REQUEST, "attachment.invalid_input"),
            Self::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "attachment.too_large"),
            Self::UnsupportedType(_) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "attachment.unsupported_type",
            ),
            Self::TypeMismatch(_) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "attachment.type_mismatch",
            ),
            Self::UnreadableImage(_) => (StatusCode::BAD_REQUEST, "attachment.unreadable_image"),
            Self::TooMany(_) => (StatusCode::CONFLICT, "attachment.too_many"),
            Self::NotFound(_) => (StatusCode::NOT_FOUND, "attachment.not_found"),
            Self::Forbidden => (StatusCode::FORBIDDEN, "auth.forbidden"),
            Self::Unexpected(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

pub fn invalid(message: impl Into<String>) -> AttachmentError {
    AttachmentError::InvalidInput(message.into())
}

crate::api_error!(AttachmentError, forbidden = AttachmentError::Forbidden);

impl From<sea_orm::DbErr> for AttachmentError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Unexpected(err.into())
    }
}
