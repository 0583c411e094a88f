//! What a test may tune. Defaults follow WeChat's documented numbers.

use std::net::IpAddr;
use std::time::Duration;

use chrono::{DateTime, Utc};

/// How the fake behaves. Every field is public so a test changes only what it cares about:
/// `FakeConfig { token_expires_in: 60, ..FakeConfig::default() }`.
#[derive(Debug, Clone)]
pub struct FakeConfig {
    /// The only mini-program appid the fake knows; any other gets 40013.
    pub appid: String,
    pub secret: String,
    /// Leave `errcode`/`errmsg` out of a successful jscode2session body, as WeChat usually does.
    /// `false` sends the older `"errcode":0,"errmsg":"ok"`, so a client can be tested on both.
    pub omit_errcode_on_success: bool,
    /// Lifetime of every access token in seconds (WeChat: 7200). Tests shorten it.
    pub token_expires_in: u64,
    /// jscode2session calls one openid may make in any 60 s before 45011.
    pub login_rate_limit_per_minute: u32,
    /// `/cgi-bin/token` calls per WeChat day (midnight Beijing time) before 45009.
    pub token_daily_limit: u32,
    /// `/cgi-bin/stable_token` calls per WeChat day before 45009.
    pub stable_token_daily_limit: u32,
    /// `force_refresh: true` refreshes per WeChat day before 45009.
    pub force_refresh_daily_limit: u32,
    /// A forced refresh sooner than this after the last one refreshes nothing.
    pub force_refresh_min_interval: Duration,
    /// errcode for a wrong secret on `/cgi-bin/token`: 40125, though WeChat may answer 40001 there.
    pub token_wrong_secret_errcode: i64,
    /// When set, token endpoints refuse callers from any other address with 40164.
    pub ip_whitelist: Option<Vec<IpAddr>>,
    /// Fake time at start-up, `None` for now. Pin it when a test must not cross a WeChat day.
    pub start_at: Option<DateTime<Utc>>,
}

impl Default for FakeConfig {
    fn default() -> Self {
        Self {
            appid: "wx0000000000fake01".to_owned(),
            secret: "fake-app-secret-0123456789abcdef".to_owned(),
            omit_errcode_on_success: true,
            token_expires_in: 7200,
            login_rate_limit_per_minute: 100,
            token_daily_limit: 2000,
            stable_token_daily_limit: 500_000,
            force_refresh_daily_limit: 20,
            force_refresh_min_interval: Duration::from_secs(30),
            token_wrong_secret_errcode: 40125,
            ip_whitelist: None,
            start_at: None,
        }
    }
}
