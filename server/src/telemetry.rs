//! One tracing subscriber for the process: human-readable lines for developers, JSON lines in
//! production; the level comes from RUST_LOG (default `info`).
use tracing_subscriber::{EnvFilter, fmt::MakeWriter};

use crate::config::LogFormat;

pub fn init<W>(format: LogFormat, writer: W)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    // try_init: tests start many apps in one process; only the first installs the subscriber.
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
        LogFormat::Pretty => builder.compact().try_init(),
    };
}

/// The root span of every request, like tracing-actix-web's default but with the secrets of
/// the query string (display keys, venue tokens, tickets) replaced: log files are read by
/// more people than may open a projector page or check someone in.
pub struct RedactingRootSpan;

impl tracing_actix_web::RootSpanBuilder for RedactingRootSpan {
    fn on_request_start(request: &actix_web::dev::ServiceRequest) -> tracing::Span {
        use actix_web::HttpMessage;
        let request_id = request
            .extensions()
            .get::<tracing_actix_web::RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        // The route is filled in at the end, from the pattern the resource carries: asking
        // actix for it here would match the path against every route's regex once more.
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = tracing::field::Empty,
            http.target = %redacted_target(request.uri()),
            http.client_ip = %request.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default(),
            http.status_code = tracing::field::Empty,
            request_id = %request_id,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        )
    }

    fn on_request_end<B: actix_web::body::MessageBody>(
        span: tracing::Span,
        outcome: &Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>,
    ) {
        if let Ok(response) = outcome {
            span.record(
                "http.route",
                crate::metrics::route_label(response.request()),
            );
        }
        tracing_actix_web::DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

/// Query parameters whose values are credentials somewhere in the API.
const SECRET_PARAMETERS: &[&str] = &[
    "k",
    "t",
    "key",
    "token",
    "ticket",
    "code",
    "sig",
    "signature",
    "access_token",
    "refresh_token",
    "password",
];

/// The path and query with every secret parameter's value replaced by `[redacted]`.
pub fn redacted_target(uri: &actix_web::http::Uri) -> String {
    let Some(query) = uri.query() else {
        return uri.path().to_owned();
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if SECRET_PARAMETERS.contains(&name.to_ascii_lowercase().as_str()) => {
                format!("{name}=[redacted]")
            }
            _ => pair.to_owned(),
        })
        .collect();
    format!("{}?{}", uri.path(), pairs.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_query_values_are_redacted_and_the_rest_kept() {
        let uri: actix_web::http::Uri = "/display/K7P2QX9M?k=secret-key&page=2&T=tok"
            .parse()
            .expect("a uri");
        assert_eq!(
            redacted_target(&uri),
            "/display/K7P2QX9M?k=[redacted]&page=2&T=[redacted]"
        );
        let plain: actix_web::http::Uri = "/api/v1/me".parse().expect("a uri");
        assert_eq!(redacted_target(&plain), "/api/v1/me");
    }

    /// A shared buffer the test subscriber writes log lines into.
    #[derive(Clone, Default)]
    struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("not poisoned").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_request_log_line_never_carries_the_display_key() {
        use tracing_actix_web::RootSpanBuilder;
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let request = actix_web::test::TestRequest::with_uri(
                "/display/K7P2QX9M/events?k=the-display-key&t=the-venue-token",
            )
            .to_srv_request();
            let span = RedactingRootSpan::on_request_start(&request);
            let _entered = span.enter();
            tracing::info!("request");
        });
        let lines =
            String::from_utf8(captured.0.lock().expect("not poisoned").clone()).expect("utf-8");
        assert!(
            lines.contains("/display/K7P2QX9M/events?k=[redacted]&t=[redacted]"),
            "{lines}"
        );
        assert!(!lines.contains("the-display-key") && !lines.contains("the-venue-token"));
    }
}
