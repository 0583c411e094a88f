//! What a test may tune. Defaults follow WeChat's documented numbers.

use std::net::IpAddr;
use std::time::Duration;

use chrono::{DateTime, Utc};

/// A message template as registered on mp.weixin.qq.com: its id, its keys in order (`thing1`,
/// `date2`…, whose prefix decides the value rules of `wechat-api.md` §3.3) and its kind.
/// `long_term` templates are sent while a flag is set; one-time ones consume one accept per send.
/// Official-account templates use the same shape and ignore `long_term`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TemplateSpec {
    pub id: String,
    pub keys: Vec<String>,
    pub long_term: bool,
}

impl TemplateSpec {
    /// A one-time template: each accept entitles one send.
    pub fn one_time(id: &str, keys: &[&str]) -> Self {
        Self {
            id: id.to_owned(),
            keys: keys.iter().map(|&k| k.to_owned()).collect(),
            long_term: false,
        }
    }

    /// A long-term template: one subscription allows any number of sends.
    pub fn long_term(id: &str, keys: &[&str]) -> Self {
        Self {
            long_term: true,
            ..Self::one_time(id, keys)
        }
    }
}

/// The values an `enum…` (subscribe) or `const…` (official account) key of one template accepts.
/// Such a key without an entry here takes any text of up to 20 characters.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EnumValues {
    pub template_id: String,
    pub key: String,
    pub values: Vec<String>,
}

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
    /// `/cgi-bin/token` calls per WeChat day (midnight Beijing time) before 45009, per app.
    pub token_daily_limit: u32,
    /// `/cgi-bin/stable_token` calls per WeChat day before 45009, per app.
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

    /// The mini-program's subscribe-message templates; any other id gets 40037.
    pub templates: Vec<TemplateSpec>,
    /// Pages of the released build: a `page` (query ignored) outside this list gets 41030 when
    /// `miniprogram_state` is `formal`; the official account's `miniprogram.pagepath` gets 40165.
    pub released_pages: Vec<String>,
    /// Refuse data keys the template lacks (47003). WeChat's behaviour is unverified.
    pub strict_keys: bool,
    /// Allowed values of `enum…`/`const…` keys.
    pub enum_values: Vec<EnumValues>,
    /// Successful subscribe sends per WeChat day before 45009 (WeChat: 10 million).
    pub subscribe_daily_limit: u32,
    /// When set, a subscribe send keeps its openid busy this long (real time) before answering,
    /// and another send to that openid meanwhile gets 43108. `None`: no such check.
    pub concurrent_send_window: Option<Duration>,

    /// The official account linked to the mini-program: its own tokens, openids and templates.
    pub oa_appid: String,
    pub oa_secret: String,
    pub oa_templates: Vec<TemplateSpec>,
    /// Successful official-account template sends per WeChat day before 45009.
    pub oa_template_daily_limit: u32,
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
            templates: vec![
                TemplateSpec::one_time(
                    "TPL_ACTIVITY_PREVIEW",
                    &["thing1", "date2", "thing3", "phrase4"],
                ),
                TemplateSpec::long_term("TPL_ACTIVITY_REMINDER", &["thing1", "time2", "thing3"]),
            ],
            released_pages: vec![
                "pages/index/index".to_owned(),
                "pages/activity/index".to_owned(),
                "pages/checkin/index".to_owned(),
                "pages/service-item/index".to_owned(),
            ],
            strict_keys: true,
            enum_values: Vec::new(),
            subscribe_daily_limit: 10_000_000,
            concurrent_send_window: None,
            oa_appid: "wx0000000000fakeoa".to_owned(),
            oa_secret: "fake-oa-secret-0123456789abcdef0".to_owned(),
            oa_templates: vec![
                TemplateSpec::one_time("OA_TPL_ACTIVITY_PREVIEW", &["thing2", "time3"]),
                TemplateSpec::one_time("OA_TPL_ACTIVITY_REMINDER", &["thing1", "time2"]),
            ],
            oa_template_daily_limit: 100_000,
        }
    }
}

impl FakeConfig {
    pub(crate) fn template(&self, id: &str) -> Option<&TemplateSpec> {
        self.templates.iter().find(|t| t.id == id)
    }

    pub(crate) fn oa_template(&self, id: &str) -> Option<&TemplateSpec> {
        self.oa_templates.iter().find(|t| t.id == id)
    }

    pub(crate) fn enum_values(&self, template_id: &str, key: &str) -> Option<&[String]> {
        self.enum_values
            .iter()
            .find(|e| e.template_id == template_id && e.key == key)
            .map(|e| e.values.as_slice())
    }

    /// Whether `page` (its query ignored) is a page of the released build.
    pub(crate) fn is_released_page(&self, page: &str) -> bool {
        let path = page.split_once('?').map_or(page, |(path, _)| path);
        self.released_pages.iter().any(|p| p == path)
    }
}
