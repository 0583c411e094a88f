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
