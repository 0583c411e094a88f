//! The one error shape clients see: `{"code": "area.reason", "message": "…"}`.
//!
//! Each area has its own error enum with a `parts()` match (status and code side by side);
//! this module holds what they share, plus the handlers that give actix's own failures
//! (bad JSON, bad path or query, unknown route, wrong method, oversized body) the same shape.
use std::fmt;

use actix_web::{
    HttpRequest, HttpResponse, ResponseError,
    body::MessageBody,
    dev::ServiceResponse,
    error::{JsonPayloadError, PathError, QueryPayloadError},
    http::{StatusCode, header},
    middleware::ErrorHandlerResponse,
};
use serde::Serialize;
use utoipa::ToSchema;

/// Every 4xx and 5xx body.
#[derive(Debug, Serialize, serde::Deserialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable reason, `area.snake_case`; clients switch on this.
    #[schema(example = "request.invalid_body")]
    pub code: String,
    /// Human-readable explanation; may change wording between releases.
    pub message: String,
}

/// A 5xx reveals nothing: the cause chain goes to the log (via the error's `Debug`).
pub fn json_error(status: StatusCode, code: &str, err: &dyn fmt::Display) -> HttpResponse {
    let message = if status.is_server_error() {
        "internal error".to_owned()
    } else {
        err.to_string()
    };
    HttpResponse::build(status).json(ErrorBody {
        code: code.to_owned(),
        message,
    })
}

/// True when the cause is a database pool with no free connection in time: the server is
/// overloaded, not broken, and the client should retry shortly (503, not 500).
pub fn is_overload(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<sea_orm::DbErr>(),
            Some(sea_orm::DbErr::ConnectionAcquire(_))
        )
    })
}

/// The answer for an overloaded server: 503 `server.busy` with a Retry-After.
pub fn busy() -> HttpResponse {
    HttpResponse::build(StatusCode::SERVICE_UNAVAILABLE)
        .insert_header(("Retry-After", "1"))
        .json(ErrorBody {
            code: "server.busy".to_owned(),
            message: "the server is busy; retry in a moment".to_owned(),
        })
}

/// A client error that asks the caller to come back later (429 or 503 with `Retry-After`).
pub fn retry_later(
    status: StatusCode,
    code: &str,
    err: &dyn fmt::Display,
    retry_after_secs: u64,
) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::RETRY_AFTER, retry_after_secs.max(1).to_string()))
        .json(ErrorBody {
            code: code.to_owned(),
            message: err.to_string(),
        })
}

/// Writes an error and its whole `source()` chain, so a log line reads as a story.
pub fn error_chain_fmt(e: &impl std::error::Error, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    writeln!(f, "{e}")?;
    let mut current = e.source();
    while let Some(cause) = current {
        writeln!(f, "Caused by:\n\t{cause}")?;
        current = cause.source();
    }
    Ok(())
}

/// Failures that happen before a handler runs, in the shared shape.
#[derive(thiserror::Error)]
pub enum RequestError {
    #[error("{0}")]
    InvalidBody(String),
    #[error("the JSON body is larger than {limit} bytes")]
    BodyTooLarge { limit: usize },
    #[error("send the body as JSON with Content-Type: application/json")]
    UnsupportedMediaType,
    #[error("{0}")]
    InvalidPath(String),
    #[error("{0}")]
    InvalidQuery(String),
}

impl RequestError {
    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            Self::InvalidBody(_) => (StatusCode::BAD_REQUEST, "request.invalid_body"),
            Self::BodyTooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "request.body_too_large"),
            Self::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "request.unsupported_media_type",
            ),
            Self::InvalidPath(_) => (StatusCode::BAD_REQUEST, "request.invalid_path"),
            Self::InvalidQuery(_) => (StatusCode::BAD_REQUEST, "request.invalid_query"),
        }
    }
}

impl fmt::Debug for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        error_chain_fmt(self, f)
    }
}

impl ResponseError for RequestError {
    fn status_code(&self) -> StatusCode {
        self.parts().0
    }
    fn error_response(&self) -> HttpResponse {
        let (status, code) = self.parts();
        json_error(status, code, self)
    }
}

pub fn json_error_handler(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let mapped = match &err {
        JsonPayloadError::Overflow { limit }
        | JsonPayloadError::OverflowKnownLength { limit, .. } => {
            RequestError::BodyTooLarge { limit: *limit }
        }
        JsonPayloadError::ContentType => RequestError::UnsupportedMediaType,
        JsonPayloadError::Deserialize(e) => RequestError::InvalidBody(format!(
            "the JSON body does not match the expected shape: {e}"
        )),
        other => RequestError::InvalidBody(format!("the body could not be read as JSON: {other}")),
    };
    mapped.into()
}

pub fn path_error_handler(err: PathError, _req: &HttpRequest) -> actix_web::Error {
    RequestError::InvalidPath(format!("a path parameter is invalid: {err}")).into()
}

pub fn query_error_handler(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    RequestError::InvalidQuery(format!("a query parameter is invalid: {err}")).into()
}

/// Gives every error response that is not already JSON (actix's own 404, 405, 413, …) the
/// shared shape, keyed by status.
pub fn normalise_error_response<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_json = res
        .response()
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (code, message) = match status {
        StatusCode::NOT_FOUND => ("request.not_found", "no such route"),
        StatusCode::METHOD_NOT_ALLOWED => (
            "request.method_not_allowed",
            "this route does not accept that method",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ("request.body_too_large", "the body is too large"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ("request.unsupported_media_type", "unsupported Content-Type")
        }
        s if s.is_server_error() => ("internal", "internal error"),
        _ => ("request.invalid", "the request could not be processed"),
    };
    let (req, _) = res.into_parts();
    let response = HttpResponse::build(status).json(ErrorBody {
        code: code.to_owned(),
        message: message.to_owned(),
    });
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body(),
    ))
}

#[cfg(test)]
mod tests {
    use anyhow::Context;

    use super::*;

    #[test]
    fn a_pool_timeout_under_context_is_overload_and_other_failures_are_not() {
        let timeout: Result<(), sea_orm::DbErr> = Err(sea_orm::DbErr::ConnectionAcquire(
            sea_orm::error::ConnAcquireErr::Timeout,
        ));
        let err = timeout.context("cannot read claims").expect_err("an error");
        assert!(is_overload(&err));
        let other: Result<(), sea_orm::DbErr> = Err(sea_orm::DbErr::Custom("boom".into()));
        assert!(!is_overload(
            &other.context("cannot read claims").expect_err("an error")
        ));
        assert_eq!(busy().status(), StatusCode::SERVICE_UNAVAILABLE);
    }
}
