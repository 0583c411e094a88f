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

/// What every area's error tells the HTTP layer. Each area writes `parts()` (status and
/// code side by side: the contract with clients); `api_error!` writes the rest once.
pub trait ApiError: std::error::Error {
    fn parts(&self) -> (StatusCode, &'static str);

    /// Seconds the client should wait before trying again (sent as `Retry-After`).
    fn retry_after(&self) -> Option<u64> {
        None
    }

    /// The body, when an area says more than `{code, message}` (the roster's problems).
    fn body(&self, status: StatusCode, code: &'static str) -> HttpResponse
    where
        Self: Sized,
    {
        json_error(status, code, self)
    }
}

/// The one answer path of every area's error: an exhausted pool is 503 `server.busy`, a
/// 5xx is logged with its cause chain and reveals nothing, a retryable refusal carries
/// `Retry-After`.
pub fn respond<E: ApiError + fmt::Debug>(
    err: &E,
    unexpected: Option<&anyhow::Error>,
) -> HttpResponse {
    if unexpected.is_some_and(is_overload) {
        tracing::warn!(error = ?err, "overloaded: no database connection in time");
        return busy();
    }
    let (status, code) = err.parts();
    if let Some(seconds) = err.retry_after() {
        return retry_later(status, code, err, seconds);
    }
    if status.is_server_error() {
        tracing::error!(error = ?err, "request failed");
    }
    err.body(status, code)
}

/// `Debug` through the cause chain, `ResponseError` through `respond`, and (with
/// `forbidden = …`) the conversion from an authorisation check: written once for every area.
#[macro_export]
macro_rules! api_error {
    ($ty:ident $(, forbidden = $forbidden:expr)?) => {
        impl ::std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                $crate::error::error_chain_fmt(self, f)
            }
        }

        impl ::actix_web::ResponseError for $ty {
            fn status_code(&self) -> ::actix_web::http::StatusCode {
                $crate::error::ApiError::parts(self).0
            }
            fn error_response(&self) -> ::actix_web::HttpResponse {
                let unexpected = match self {
                    Self::Unexpected(cause) => Some(cause),
                    #[allow(unreachable_patterns)]
                    _ => None,
                };
                $crate::error::respond(self, unexpected)
            }
        }

        $(
            impl From<$crate::authz::AccessError> for $ty {
                fn from(err: $crate::authz::AccessError) -> Self {
                    match err {
                        $crate::authz::AccessError::Forbidden(_) => $forbidden,
                        $crate::authz::AccessError::Unexpected(cause) => Self::Unexpected(cause),
                    }
                }
            }
        )?
    };
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

impl ApiError for RequestError {
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
        respond(self, None)
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
        .is_some_and(|v| v.starts_with("application/json") || v.starts_with("text/html"));
    // JSON bodies are already `{code, message}`; HTML is a console page written for people.
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

/// Every error code the server can answer with, read from its own source, is listed in
/// `miniprogram/utils/error-codes.json`; the mini-program's tests require Chinese text for
/// each. Run with `UPDATE_ERROR_CODES=1` to rewrite the list after adding a code.
#[cfg(test)]
mod codes {
    use std::{collections::BTreeSet, path::Path};

    /// Literals shaped like codes that are not: audit actions, files and setting keys.
    const NOT_CODES: &[&str] = &[
        "area.reason",
        "cache.redis_url",
        "console.css",
        "database.url",
        "http.route",
        "demo.json",
        "huodongri.sqlite",
        "live.js",
        "plan.participants_refresh",
    ];

    fn is_code_shaped(text: &str) -> bool {
        let mut parts = text.split('.');
        let (Some(area), Some(reason), None) = (parts.next(), parts.next(), parts.next()) else {
            return false;
        };
        let word = |w: &str| {
            w.starts_with(|c: char| c.is_ascii_lowercase())
                && w.chars().all(|c| c.is_ascii_lowercase() || c == '_')
        };
        word(area) && word(reason)
    }

    /// Lines that name an audit action, a setting or a documented example rather than an
    /// error the server answers with.
    fn is_not_an_error_line(line: &str) -> bool {
        let trimmed = line.trim_start();
        trimmed.starts_with("//")
            || trimmed.starts_with("#[schema")
            || line.to_ascii_lowercase().contains("action")
            || line.contains("description =")
            || line.contains("\" => \"")
            || line.contains("scheduler.")
            || line.contains("save_audited")
    }

    fn scan(dir: &Path, found: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).expect("the source dir reads") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                scan(&path, found);
                continue;
            }
            if path.extension().and_then(|e| e.to_str()) != Some("rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("a source file reads");
            // Test modules hold example values, not codes the server answers with.
            let text = text.split("#[cfg(test)]").next().unwrap_or_default();
            let mut audited_call = false;
            for line in text.lines() {
                // An audited change names its audit action on a later line of the call.
                if line.contains("save_audited(") || line.contains(".change_activity(") {
                    audited_call = true;
                }
                if audited_call {
                    if line.contains(");") || line.trim() == ")" {
                        audited_call = false;
                    }
                    continue;
                }
                if is_not_an_error_line(line) {
                    continue;
                }
                for (index, piece) in line.split('"').enumerate() {
                    if index % 2 == 1 && is_code_shaped(piece) && !NOT_CODES.contains(&piece) {
                        found.insert(piece.to_owned());
                    }
                }
            }
        }
    }

    #[test]
    fn every_error_code_is_listed_for_the_mini_program() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut found = BTreeSet::new();
        scan(&root.join("src"), &mut found);
        found.insert("internal".to_owned());
        let listed_path = root.join("../miniprogram/utils/error-codes.json");
        let wanted = serde_json::to_string_pretty(&found).expect("json") + "\n";
        if std::env::var("UPDATE_ERROR_CODES").is_ok() {
            std::fs::write(&listed_path, &wanted).expect("the list is written");
        }
        let listed = std::fs::read_to_string(&listed_path).unwrap_or_default();
        assert_eq!(
            listed, wanted,
            "miniprogram/utils/error-codes.json is out of date; run \
             UPDATE_ERROR_CODES=1 cargo test -p huodongri --lib error::codes and give each new \
             code Chinese text in miniprogram/utils/errors.js"
        );
    }
}
