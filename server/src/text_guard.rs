//! One gate for control characters. PostgreSQL refuses NUL in text (a 500 waiting to
//! happen), and other control characters in a name or a note only ever come from a bug or an
//! attack. So every request's path, query and JSON body is checked before any handler runs:
//! NUL, DEL and the C0/C1 control characters are refused with 400 `request.control_character`;
//! only line breaks and tabs pass in JSON strings, for multi-line text such as minutes (the
//! single-line fields refuse those themselves).
use std::{
    future::{Ready, ready},
    rc::Rc,
};

use actix_web::{
    Error, HttpMessage, HttpResponse, ResponseError,
    body::{BoxBody, EitherBody, MessageBody},
    dev::{Payload, Service, ServiceRequest, ServiceResponse, Transform, forward_ready},
    http::{StatusCode, header},
    web::BytesMut,
};
use futures_util::{StreamExt, future::LocalBoxFuture};

#[derive(thiserror::Error)]
pub enum TextError {
    #[error("the request contains a control character (such as NUL) in its {0}; remove it")]
    ControlCharacter(&'static str),
    #[error("the JSON body is larger than {0} bytes")]
    TooLarge(usize),
}

impl crate::error::ApiError for TextError {
    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            Self::ControlCharacter(_) => (StatusCode::BAD_REQUEST, "request.control_character"),
            Self::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "request.body_too_large"),
        }
    }
}

impl std::fmt::Debug for TextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::error::error_chain_fmt(self, f)
    }
}

impl ResponseError for TextError {
    fn status_code(&self) -> StatusCode {
        crate::error::ApiError::parts(self).0
    }
    fn error_response(&self) -> HttpResponse {
        crate::error::respond(self, None)
    }
}

/// True for NUL, the other C0 controls, DEL and the C1 controls (U+0080–U+009F).
fn is_forbidden(c: char) -> bool {
    c.is_control()
}

/// Percent-decodes `raw` (a path or query) and looks for forbidden characters.
pub fn url_part_is_clean(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                decoded.push(((hex(h).unwrap_or(0) << 4) | hex(l).unwrap_or(0)) as u8);
                i += 3;
            }
            (b, _, _) => {
                decoded.push(b);
                i += 1;
            }
        }
    }
    // A '+' in a query is a space, which is fine; invalid UTF-8 is left to the extractors.
    !String::from_utf8_lossy(&decoded).chars().any(is_forbidden)
}

/// Scans JSON text for forbidden characters, raw or as `\u` escapes (`\u0000`, `\u001b`,
/// `\u007f`, `\u0085` …). Escaped line breaks and tabs pass.
pub fn json_is_clean(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body);
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('u') => {
                    let hex: String = chars.by_ref().take(4).collect();
                    let Some(code) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
                    else {
                        // A surrogate half or bad hex: the JSON parser will refuse or pair it.
                        continue;
                    };
                    if is_forbidden(code) && !matches!(code, '\n' | '\r' | '\t') {
                        return false;
                    }
                }
                _ => continue,
            }
        } else if is_forbidden(c) && !matches!(c, '\n' | '\r' | '\t') {
            return false;
        }
    }
    true
}

pub struct RejectControlCharacters {
    pub json_limit: usize,
}

impl<S, B> Transform<S, ServiceRequest> for RejectControlCharacters
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B, BoxBody>>;
    type Error = Error;
    type Transform = RejectControlCharactersMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(RejectControlCharactersMiddleware {
            service: Rc::new(service),
            json_limit: self.json_limit,
        }))
    }
}

pub struct RejectControlCharactersMiddleware<S> {
    service: Rc<S>,
    json_limit: usize,
}

fn refuse<B>(req: ServiceRequest, err: TextError) -> ServiceResponse<EitherBody<B, BoxBody>> {
    let (req, _) = req.into_parts();
    ServiceResponse::new(req, err.error_response()).map_into_right_body()
}

impl<S, B> Service<ServiceRequest> for RejectControlCharactersMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B, BoxBody>>;
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, mut req: ServiceRequest) -> Self::Future {
        let service = self.service.clone();
        let limit = self.json_limit;
        Box::pin(async move {
            if !url_part_is_clean(req.path()) {
                return Ok(refuse(req, TextError::ControlCharacter("path")));
            }
            if !url_part_is_clean(req.query_string()) {
                return Ok(refuse(req, TextError::ControlCharacter("query")));
            }
            let is_json = req
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| {
                    v.trim_start()
                        .to_ascii_lowercase()
                        .starts_with("application/json")
                });
            if is_json {
                let mut payload = req.take_payload();
                let mut body = BytesMut::new();
                while let Some(chunk) = payload.next().await {
                    let chunk = chunk?;
                    if body.len() + chunk.len() > limit {
                        return Ok(refuse(req, TextError::TooLarge(limit)));
                    }
                    body.extend_from_slice(&chunk);
                }
                if !json_is_clean(&body) {
                    return Ok(refuse(req, TextError::ControlCharacter("body")));
                }
                req.set_payload(Payload::from(body.freeze()));
            }
            service
                .call(req)
                .await
                .map(ServiceResponse::map_into_left_body)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_and_raw_control_characters_are_found() {
        assert!(!json_is_clean(br#"{"name":"a\u0000b"}"#));
        assert!(!json_is_clean(br#"{"name":"a\u001Bb"}"#));
        assert!(!json_is_clean(br#"{"name":"a\u007fb"}"#));
        assert!(!json_is_clean(br#"{"name":"a\u0085b"}"#));
        assert!(!json_is_clean("{\"name\":\"a\u{0}b\"}".as_bytes()));
        assert!(json_is_clean(br#"{"minutes":"line one\nline two\ttab"}"#));
        assert!(json_is_clean(br#"{"path":"C:\\u0000 is text"}"#));
        assert!(json_is_clean("{\"name\":\"张三\"}".as_bytes()));
    }

    #[test]
    fn percent_encoded_controls_in_urls_are_found() {
        assert!(!url_part_is_clean("q=%00"));
        assert!(!url_part_is_clean("/api/v1/calendar/%1b"));
        assert!(!url_part_is_clean("q=%C2%85"));
        assert!(url_part_is_clean("q=%E5%BC%A0&page=2"));
        assert!(url_part_is_clean("q=100%"));
    }
}
