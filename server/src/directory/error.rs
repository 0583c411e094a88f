//! Errors of the directory area: organisations, people, roles, rosters, audit reads.
use actix_web::{HttpResponse, http::StatusCode};
use serde::Serialize;

use crate::{authz::Forbidden, error::json_error, orgs::CreateOrgError, roster::RowProblem};

#[derive(thiserror::Error)]
pub enum DirectoryError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("no such organisation")]
    OrgNotFound,
    #[error("no such person")]
    PersonNotFound,
    #[error("no such role grant")]
    GrantNotFound,
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error("{0}")]
    Conflict(String, &'static str),
    #[error("{0}")]
    WrongParentKind(String),
    #[error("the roster has {} problem(s); nothing was imported", .0.problems.len())]
    RosterInvalid(crate::roster::Refusal),
    #[error("send the roster as text/csv or as an .xlsx spreadsheet")]
    UnsupportedFormat,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl crate::error::ApiError for DirectoryError {
    fn body(&self, status: StatusCode, code: &'static str) -> HttpResponse {
        match self {
            Self::RosterInvalid(refusal) => HttpResponse::build(status).json(RosterErrorBody {
                code: code.to_owned(),
                message: self.to_string(),
                problems: refusal.problems.clone(),
                rows: refusal.rows,
            }),
            _ => json_error(status, code, self),
        }
    }

    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            Self::InvalidInput(_) => (StatusCode::BAD_REQUEST, "directory.invalid_input"),
            Self::OrgNotFound => (StatusCode::NOT_FOUND, "org.not_found"),
            Self::PersonNotFound => (StatusCode::NOT_FOUND, "person.not_found"),
            Self::GrantNotFound => (StatusCode::NOT_FOUND, "role.not_found"),
            Self::Forbidden(_) => (StatusCode::FORBIDDEN, "auth.forbidden"),
            Self::Conflict(_, code) => (StatusCode::CONFLICT, code),
            Self::WrongParentKind(_) => (StatusCode::UNPROCESSABLE_ENTITY, "org.wrong_parent_kind"),
            Self::RosterInvalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "roster.invalid"),
            Self::UnsupportedFormat => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "roster.unsupported_format",
            ),
            Self::Unexpected(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl From<CreateOrgError> for DirectoryError {
    fn from(err: CreateOrgError) -> Self {
        match err {
            CreateOrgError::CodeTaken(_) => Self::Conflict(err.to_string(), "org.code_taken"),
            CreateOrgError::WrongParentKind { .. } => Self::WrongParentKind(err.to_string()),
            CreateOrgError::ParentMissing => Self::OrgNotFound,
            CreateOrgError::Unexpected(e) => Self::Unexpected(e),
        }
    }
}

crate::api_error!(
    DirectoryError,
    forbidden = DirectoryError::Forbidden(Forbidden)
);

/// The roster report: the usual error body plus every problem found.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RosterErrorBody {
    pub code: String,
    pub message: String,
    pub problems: Vec<RowProblem>,
    /// Member rows in the file (0 when the file itself could not be read).
    pub rows: usize,
}
