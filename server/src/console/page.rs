//! How every console page answers: HTML with a strict Content-Security-Policy (scripts and
//! styles only from /console/static, nothing inline), never cached, never framed; and the
//! Chinese error page for whatever a service refused.
use actix_web::{
    HttpResponse, ResponseError,
    http::{StatusCode, header},
};
use askama::Template;

use super::messages;
use crate::error::ApiError;

pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The parts of every signed-in page around its content: who is signed in and the token
/// their forms post back.
pub struct Chrome {
    pub name: String,
    pub csrf: String,
}

/// A page rendered with the console's headers.
pub fn html(status: StatusCode, page: &impl Template) -> HttpResponse {
    match page.render() {
        Ok(body) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CONTENT_SECURITY_POLICY, CSP))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .insert_header((header::REFERRER_POLICY, "same-origin"))
            .body(body),
        Err(err) => {
            tracing::error!(error = %err, "a console page did not render");
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("页面暂时无法显示，请稍后重试")
        }
    }
}

/// 303 to another console page (after a form, to the sign-in page).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

/// A `next` target a sign-in may return to: a console path, never another site.
pub fn safe_next(next: Option<&str>) -> String {
    next.filter(|n| n.starts_with("/console/") && !n.contains("//") && !n.contains('\\'))
        .filter(|n| n.len() <= 512 && !n.starts_with("/console/login"))
        .unwrap_or("/console/")
        .to_owned()
}

#[derive(Template)]
#[template(path = "console/error.html")]
struct ErrorPage<'a> {
    heading: &'a str,
    message: &'a str,
    code: &'a str,
}

/// Why a console page could not be shown, as a person should read it.
#[derive(Debug)]
pub enum PageError {
    /// No session (or it ended): off to the sign-in page, then back to `wanted`.
    SignedOut { wanted: Option<String> },
    /// A form whose CSRF token is missing or not this session's.
    CsrfRefused,
    /// What an area's service answered, by its stable code.
    Refused {
        status: StatusCode,
        code: &'static str,
    },
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::SignedOut { .. } => write!(f, "signed out"),
            Self::CsrfRefused => write!(f, "csrf token refused"),
            Self::Refused { status, code } => write!(f, "{status} {code}"),
        }
    }
}

impl<E: ApiError + std::fmt::Debug> From<E> for PageError {
    fn from(err: E) -> Self {
        let (status, code) = err.parts();
        if status.is_server_error() {
            tracing::error!(error = ?err, "a console page failed");
        }
        Self::Refused { status, code }
    }
}

impl From<anyhow::Error> for PageError {
    fn from(err: anyhow::Error) -> Self {
        super::ConsoleError::Unexpected(err).into()
    }
}

impl From<actix_web::error::HttpError> for PageError {
    fn from(err: actix_web::error::HttpError) -> Self {
        anyhow::anyhow!("cannot build a console response: {err}").into()
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::SignedOut { .. } => StatusCode::SEE_OTHER,
            Self::CsrfRefused => StatusCode::FORBIDDEN,
            Self::Refused { status, .. } => *status,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let (heading, message, code) = match self {
            Self::SignedOut { wanted } => {
                let next = safe_next(wanted.as_deref());
                let location = format!("/console/login?next={}", encode(&next));
                return see_other(&location);
            }
            Self::CsrfRefused => (
                "页面已过期",
                "这个页面打开太久或已在别处退出，为了安全没有执行刚才的操作。请刷新页面后重新操作。",
                "console.csrf_refused",
            ),
            Self::Refused { status, code } => {
                let heading = match *status {
                    StatusCode::FORBIDDEN => "无权访问",
                    StatusCode::NOT_FOUND => "没有找到",
                    StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => "请稍后再试",
                    s if s.is_server_error() => "出错了",
                    _ => "无法完成",
                };
                let message = if *status == StatusCode::FORBIDDEN {
                    "您的角色不能查看或办理这一项。如需要，请联系上级组织部门为您授权。"
                } else {
                    messages::chinese(code)
                };
                (heading, message, *code)
            }
        };
        html(
            self.status_code(),
            &ErrorPage {
                heading,
                message,
                code,
            },
        )
    }
}

/// Percent-encodes a query value (the sign-in page's `next`).
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sign_in_returns_only_to_console_pages() {
        assert_eq!(safe_next(Some("/console/orgs/3")), "/console/orgs/3");
        assert_eq!(safe_next(Some("https://evil.example/")), "/console/");
        assert_eq!(safe_next(Some("/console//evil.example")), "/console/");
        assert_eq!(safe_next(Some("/console/login")), "/console/");
        assert_eq!(safe_next(None), "/console/");
        assert_eq!(
            encode("/console/orgs/3?month=2026-11&x=中"),
            "/console/orgs/3%3Fmonth%3D2026-11%26x%3D%E4%B8%AD"
        );
    }
}
