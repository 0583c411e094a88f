//! Settings: the compiled-in `configuration/*.yaml` files, then an optional operator file,
//! then `APP_*` environment variables (`APP_DATABASE__MAX_CONNECTIONS=8`), then the two
//! conventional shortcuts `DATABASE_URL` and `REDIS_URL`.
//!
//! The YAML files are compiled in so the binary behaves the same from any working directory.
use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
};

use config::{Config, Environment as EnvSource, File, FileFormat};
use secrecy::SecretString;
use serde::Deserialize;

const BASE: &str = include_str!("../configuration/base.yaml");
const LOCAL: &str = include_str!("../configuration/local.yaml");
const PRODUCTION: &str = include_str!("../configuration/production.yaml");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    /// Developer machines and tests: missing secrets are generated into the data dir.
    Local,
    /// Every secret must be configured; nothing is generated.
    Production,
}

impl Environment {
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "local" => Ok(Self::Local),
            "production" => Ok(Self::Production),
            other => Err(format!(
                "APP_ENVIRONMENT is `{other}`; use `local` or `production`"
            )),
        }
    }

    /// Reads APP_ENVIRONMENT; unset means `local`.
    pub fn from_env() -> Result<Self, String> {
        match std::env::var("APP_ENVIRONMENT") {
            Ok(raw) => Self::parse(&raw),
            Err(_) => Ok(Self::Local),
        }
    }

    fn file(self) -> &'static str {
        match self {
            Self::Local => LOCAL,
            Self::Production => PRODUCTION,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    #[serde(skip, default = "default_environment")]
    pub environment: Environment,
    pub application: ApplicationSettings,
    pub database: DatabaseSettings,
    pub cache: CacheSettings,
    pub secrets: SecretSettings,
    pub wechat: WechatSettings,
    pub auth: AuthSettings,
    pub push: PushSettings,
    pub scheduler: SchedulerSettings,
    pub checkin: CheckinSettings,
    pub community: CommunitySettings,
    pub duties: DutySettings,
    pub attachments: AttachmentSettings,
    pub deputies: DeputySettings,
    pub feedback: FeedbackSettings,
    pub org_life: OrgLifeSettings,
}

fn default_environment() -> Environment {
    Environment::Local
}

#[derive(Debug, Clone, Deserialize)]
pub struct ApplicationSettings {
    pub bind: String,
    pub data_dir: PathBuf,
    pub public_base_url: String,
    pub json_limit_bytes: usize,
    pub log_format: LogFormat,
    pub shutdown_timeout_secs: u64,
    /// After SIGTERM, how long `/readyz` answers 503 while the instance still serves, so a
    /// load balancer's health check takes it out before the listener closes.
    pub drain_secs: u64,
    pub workers: usize,
    /// A second listener for operators (e.g. `127.0.0.1:9090`, where Prometheus scrapes):
    /// `/metrics` answers there without a token. Unset: no second listener, and `/metrics`
    /// needs an operator token.
    #[serde(default)]
    pub admin_bind: Option<String>,
}

impl ApplicationSettings {
    pub fn bind_addr(&self) -> Result<SocketAddr, String> {
        self.bind
            .parse()
            .map_err(|_| format!("application.bind `{}` is not an IP:port address", self.bind))
    }

    /// The operators' listener's address, when one is configured.
    pub fn admin_bind_addr(&self) -> Result<Option<SocketAddr>, String> {
        self.admin_bind
            .as_deref()
            .map(|raw| {
                raw.parse().map_err(|_| {
                    format!("application.admin_bind `{raw}` is not an IP:port address")
                })
            })
            .transpose()
    }
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    /// `postgres://…`; unset selects the embedded SQLite file in the data dir.
    pub url: Option<SecretString>,
    /// PostgreSQL schema to use as the search path (tests give each run its own).
    pub schema: Option<String>,
    pub max_connections: u32,
    pub min_connections: u32,
    pub acquire_timeout_ms: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CacheSettings {
    /// `redis://…`; unset selects the in-process cache.
    pub redis_url: Option<SecretString>,
    pub key_prefix: String,
    pub timeout_ms: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SecretSettings {
    pub jwt_secret: Option<SecretString>,
    pub qr_secret: Option<SecretString>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct WechatSettings {
    pub base_url: String,
    pub appid: String,
    pub app_secret: Option<SecretString>,
    pub timeout_ms: u64,
    pub preview_template_id: String,
    pub preview_page: String,
    pub reminder_template_id: String,
    pub miniprogram_state: String,
    pub long_term_templates: Vec<String>,
    /// The official account (公众号) bound to the same open platform: its AppID, its
    /// AppSecret (`APP_WECHAT__OA_APP_SECRET`) and the token of its message-push URL
    /// (`APP_WECHAT__OA_EVENT_TOKEN`). The second channel is off until all three are set.
    #[serde(default)]
    pub oa_appid: Option<String>,
    #[serde(default)]
    pub oa_app_secret: Option<SecretString>,
    #[serde(default)]
    pub oa_event_token: Option<SecretString>,
    /// The account's template messages, each standing in for one subscribe template: a
    /// notification queued for `stands_for` goes out as `template_id` to a member reached
    /// only through the account, with `keys` naming which subscribe key fills each of its
    /// keys. A subscribe template without one here has no second channel.
    #[serde(default)]
    pub oa_templates: Vec<OaTemplate>,
    /// Channels tried in this order unless an organisation (or one above it) set its own.
    #[serde(default = "default_channel_order")]
    pub channel_order: Vec<crate::domain::Channel>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct OaTemplate {
    pub stands_for: String,
    pub template_id: String,
    /// Official-account key -> subscribe key.
    pub keys: std::collections::BTreeMap<String, String>,
}

fn default_channel_order() -> Vec<crate::domain::Channel> {
    vec![
        crate::domain::Channel::Subscribe,
        crate::domain::Channel::OfficialAccount,
    ]
}

impl WechatSettings {
    pub fn validate(&self) -> Result<(), String> {
        crate::push::channels::ChannelOrder::new(self.channel_order.clone())
            .map_err(|e| format!("wechat.channel_order: {e}"))?;
        for t in &self.oa_templates {
            if t.stands_for.is_empty() || t.template_id.is_empty() || t.keys.is_empty() {
                return Err(format!(
                    "wechat.oa_templates: `{}` needs stands_for, template_id and keys",
                    t.template_id
                ));
            }
        }
        Ok(())
    }

    /// The official-account template standing in for a subscribe template, if any.
    pub fn oa_template_for(&self, subscribe_template: &str) -> Option<&OaTemplate> {
        self.oa_templates
            .iter()
            .find(|t| t.stands_for == subscribe_template)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct SchedulerSettings {
    /// Whether this instance runs scheduled jobs at all (tests drive `run_due` themselves).
    pub enabled: bool,
    pub tick_secs: u64,
    /// HH:MM, Asia/Shanghai, on the 10th.
    pub preview_push_at: String,
    pub remind_submit_day: u32,
    pub remind_approve_day: u32,
    pub reminders_at: String,
    pub remind_members_at: String,
    /// Seconds added to the clock the scheduler decides by (never to anything else): 0 in
    /// service; a rehearsal or the cluster suite moves it to a due time so every instance
    /// races for the same job at once.
    #[serde(default)]
    pub clock_offset_secs: i64,
}

/// A year: a rehearsal moves the scheduler's clock to a coming 10th, not to another era.
const MAX_CLOCK_OFFSET_SECS: i64 = 366 * 24 * 3600;

impl SchedulerSettings {
    /// The time the scheduler decides by.
    pub fn now(&self) -> chrono::DateTime<chrono::FixedOffset> {
        crate::clock::now() + chrono::Duration::seconds(self.clock_offset_secs)
    }

    /// Every month has these days and times, so no job can be silently skipped in February.
    pub fn validate(&self) -> Result<(), String> {
        for (name, day) in [
            ("scheduler.remind_submit_day", self.remind_submit_day),
            ("scheduler.remind_approve_day", self.remind_approve_day),
        ] {
            if !(1..=28).contains(&day) {
                return Err(format!("{name} is {day}; use a day from 1 to 28"));
            }
        }
        for (name, time) in [
            ("scheduler.preview_push_at", &self.preview_push_at),
            ("scheduler.reminders_at", &self.reminders_at),
            ("scheduler.remind_members_at", &self.remind_members_at),
        ] {
            if chrono::NaiveTime::parse_from_str(time, "%H:%M").is_err() {
                return Err(format!("{name} is `{time}`; use HH:MM"));
            }
        }
        if self.clock_offset_secs.abs() > MAX_CLOCK_OFFSET_SECS {
            return Err(format!(
                "scheduler.clock_offset_secs is {}; use at most a year either way",
                self.clock_offset_secs
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct CommunitySettings {
    /// How long a person offered a freed place has to confirm it before it moves on.
    pub offer_hours: u32,
    /// The WeChat template (keys thing1 time2 thing3) and page that tell someone waiting
    /// that a place is theirs to confirm.
    pub offer_template_id: String,
    pub offer_page: String,
    /// Group commit for claims: writer tasks, and the most claims settled in one transaction.
    pub claim_writers: usize,
    pub claim_max_batch: usize,
}

/// Where attachments' bytes are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentStorage {
    /// In the database: every instance serves what any instance took.
    Database,
    /// Under `<data_dir>/attachments`: one instance, or a directory all instances mount.
    Files,
}

/// Evidence files (photos, reports).
#[derive(Debug, Clone, Deserialize)]
pub struct AttachmentSettings {
    pub storage: AttachmentStorage,
    /// The largest file accepted, in bytes.
    pub max_bytes: u64,
    /// How many files one record may keep.
    pub max_per_record: u64,
    /// The longer side of an image's thumbnail, in pixels.
    pub thumbnail_px: u32,
    /// Images decoded at once (each may take up to `decode_limit_bytes`).
    pub concurrent_decodes: usize,
    /// The most memory one image may need decoded; a larger one is refused, not decoded.
    pub decode_limit_bytes: u64,
}

/// The leaders' duties (§二.3): the quotas the document leaves as words, and reminders.
#[derive(Debug, Clone, Deserialize)]
pub struct DutySettings {
    /// "每年到基层调查研究时间不少于一个月", in distinct days.
    pub research_days_target: u32,
    /// "每年安排驻点调研不少于3天".
    pub stationed_days_target: u32,
    /// An entry's author may change it for this many days; after that only a new,
    /// audited entry that names it (`corrects`) changes the record.
    pub correction_days: u32,
    /// MM-DD dates on which leaders and secretaries who are behind are reminded once.
    pub reminder_dates: Vec<String>,
    /// The page the reminder opens.
    pub reminder_page: String,
}

/// Organisational life beyond the monthly meeting (political birthdays, …).
#[derive(Debug, Clone, Deserialize)]
pub struct OrgLifeSettings {
    /// The page a political-birthday greeting opens (the member's card).
    pub birthday_page: String,
}

/// Members' feedback on activities (成效 and 吸引力).
#[derive(Debug, Clone, Deserialize)]
pub struct FeedbackSettings {
    /// Days after an activity ends during which those who attended may answer once.
    pub window_days: u32,
    /// Below this many answers only the count is shown, so nobody's answer can be singled out.
    pub min_answers: u32,
}

/// Party congress deputies (§二.4): answer deadlines and the public's limits.
#[derive(Debug, Clone, Deserialize)]
pub struct DeputySettings {
    /// Days the receiving organisation has to answer a case (反映问题).
    pub case_answer_days: u32,
    /// Days an organisation has to answer a question (质询).
    pub question_answer_days: u32,
    /// Days the handling organisation has to answer an accepted proposal.
    pub proposal_answer_days: u32,
    /// Bookings and meeting requests one WeChat identity, or one phone number, may make a day
    /// without being on a roster.
    pub public_requests_per_day: u32,
    /// The page the reminder of tomorrow's duty opens.
    pub rota_reminder_page: String,
    /// The page a booked person's reminder the day before opens.
    pub reception_page: String,
    /// The page the notice of an answer opens (`?id=` of the matter is added).
    pub matter_page: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CheckinSettings {
    /// Venue QR codes hold `{qr_base_url}/c/{activity code}?t={token}`; register this prefix
    /// for WeChat's "scan an ordinary link QR code to open the mini-program".
    pub qr_base_url: String,
    /// Default rotation of new activities' codes; 0 = static codes for printed posters.
    pub window_seconds: u32,
    /// Default distance from the venue beyond which a scan is flagged `location_far`.
    pub radius_m: u32,
    /// How long after its window a scan queued offline may still be submitted.
    pub offline_hours: u32,
    /// How long a projector display link stays valid.
    pub display_link_hours: u32,
    /// Group-commit writer tasks and the most rows one INSERT carries.
    pub writers: usize,
    pub max_batch: usize,
    /// How long scan decisions may use cached activity facts (other instances see a
    /// cancellation or a leave decision within this time); 0 reads them on every scan.
    pub facts_ttl_ms: u64,
    /// Live counter sets are rebuilt from the database at least this often.
    pub live_ttl_secs: u64,
    /// The mini-program's URL Link (from WeChat's `urllink.generate`), shown as a button on
    /// the page a non-WeChat scanner opens; unset = no button.
    #[serde(default)]
    pub url_link: Option<String>,
    /// WeChat's verification file for 扫普通链接二维码打开小程序, served at
    /// `/c/{verify_file_name}` (the registered prefix's directory).
    #[serde(default)]
    pub verify_file_name: Option<String>,
    #[serde(default)]
    pub verify_file_content: Option<String>,
}

impl CheckinSettings {
    pub fn validate(&self) -> Result<(), String> {
        if self.window_seconds != 0 && !(10..=3600).contains(&self.window_seconds) {
            return Err(format!(
                "checkin.window_seconds is {}; use 0 (static) or 10–3600",
                self.window_seconds
            ));
        }
        if !(1..=2000).contains(&self.max_batch) {
            return Err("checkin.max_batch must be 1–2000 (SQLite allows ~32k parameters per statement, 17 per row)".into());
        }
        if self.writers == 0 || self.writers > 16 {
            return Err("checkin.writers must be 1–16".into());
        }
        Ok(())
    }
}

impl CommunitySettings {
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=2000).contains(&self.claim_max_batch) {
            return Err(
                "community.claim_max_batch must be 1–2000 (5 parameters per claim in one INSERT)"
                    .into(),
            );
        }
        if !(1..=16).contains(&self.claim_writers) {
            return Err("community.claim_writers must be 1–16".into());
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct PushSettings {
    pub concurrency: usize,
    pub batch: u64,
    pub max_attempts: i32,
    pub idle_poll_ms: u64,
    pub stuck_after_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AuthSettings {
    pub access_token_ttl_secs: u64,
    pub refresh_token_ttl_days: u64,
    pub bind_ticket_ttl_secs: u64,
    pub invite_code_ttl_hours: u64,
    pub invite_max_failures: u32,
    pub invite_failure_window_secs: u64,
    /// Sign-in attempts (passwords and invite codes) one network address may make per
    /// window, whichever accounts they aim at.
    pub max_attempts_per_address: u32,
    /// Threads that check passwords (each hash takes ~19 MiB); more attempts wait briefly.
    pub hash_concurrency: usize,
    /// How long a password sign-in waits for a password thread before answering 503.
    pub hash_wait_ms: u64,
    /// Sign-ins allowed to wait at once; beyond that the answer is 503 at once.
    pub hash_queue: usize,
    /// Longest lifetime `huodongri admin token --ttl` accepts.
    pub admin_token_max_ttl_secs: u64,
    /// A console session ends after this long without a page (sliding).
    #[serde(default = "default_console_idle_secs")]
    pub console_idle_secs: u64,
    /// A console session ends this long after signing in, however busy.
    #[serde(default = "default_console_lifetime_secs")]
    pub console_lifetime_secs: u64,
}

fn default_console_idle_secs() -> u64 {
    30 * 60
}

fn default_console_lifetime_secs() -> u64 {
    12 * 60 * 60
}

impl AuthSettings {
    /// Access tokens cannot be recalled (refresh tokens can), so they must stay short.
    pub fn validate(&self) -> Result<(), String> {
        if !(60..=900).contains(&self.access_token_ttl_secs) {
            return Err(
                "auth.access_token_ttl_secs must be 60–900: an access token cannot be recalled"
                    .into(),
            );
        }
        if self.hash_concurrency == 0 || self.hash_queue == 0 {
            return Err("auth.hash_concurrency and auth.hash_queue must be at least 1".into());
        }
        if self.admin_token_max_ttl_secs > 30 * 86_400 {
            return Err("auth.admin_token_max_ttl_secs is at most 30 days".into());
        }
        Ok(())
    }
}

impl Settings {
    /// Loads the layered settings. `extra_file` is an operator's YAML file (`--config`).
    pub fn load(
        environment: Environment,
        extra_file: Option<&Path>,
    ) -> Result<Self, config::ConfigError> {
        let mut builder = Config::builder()
            .add_source(File::from_str(BASE, FileFormat::Yaml))
            .add_source(File::from_str(environment.file(), FileFormat::Yaml));
        if let Some(path) = extra_file {
            builder = builder.add_source(File::from(path).required(true));
        }
        builder = builder
            .add_source(
                EnvSource::with_prefix("APP")
                    .prefix_separator("_")
                    .separator("__")
                    .try_parsing(true),
            )
            .set_override_option("database.url", non_empty_env("DATABASE_URL"))?
            .set_override_option("cache.redis_url", non_empty_env("REDIS_URL"))?;
        let mut settings: Settings = builder.build()?.try_deserialize()?;
        settings.environment = environment;
        Ok(settings)
    }

    pub fn uses_postgres(&self) -> bool {
        self.database.url.is_some()
    }

    pub fn uses_redis(&self) -> bool {
        self.cache.redis_url.is_some()
    }
}

fn non_empty_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// `APP_*` variables that match no setting are almost always typos; say so at start-up
/// instead of silently running on a default.
pub fn unknown_app_variables() -> Vec<String> {
    const KNOWN_PREFIXES: &[&str] = &[
        "APP_ENVIRONMENT",
        "APP_APPLICATION__",
        "APP_DATABASE__",
        "APP_CACHE__",
        "APP_SECRETS__",
        "APP_WECHAT__",
        "APP_AUTH__",
        "APP_PUSH__",
        "APP_SCHEDULER__",
        "APP_CHECKIN__",
        "APP_COMMUNITY__",
    ];
    std::env::vars()
        .map(|(name, _)| name)
        .filter(|name| name.starts_with("APP_"))
        .filter(|name| !KNOWN_PREFIXES.iter().any(|p| name.starts_with(p)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_describe_the_embedded_mode() {
        let settings = Settings::load(Environment::Local, None).expect("defaults load");
        assert_eq!(settings.application.bind, "127.0.0.1:8080");
        assert_eq!(settings.application.data_dir, PathBuf::from("./data"));
        assert!(settings.application.bind_addr().is_ok());
        assert_eq!(settings.application.log_format, LogFormat::Pretty);
    }

    #[test]
    fn production_logs_json_and_listens_everywhere() {
        let settings = Settings::load(Environment::Production, None).expect("production loads");
        assert_eq!(settings.application.log_format, LogFormat::Json);
        assert_eq!(settings.application.bind, "0.0.0.0:8080");
        assert_eq!(settings.environment, Environment::Production);
    }

    #[test]
    fn scheduler_days_and_times_are_checked() {
        let mut settings = Settings::load(Environment::Local, None).expect("defaults load");
        assert!(settings.scheduler.validate().is_ok());
        settings.scheduler.remind_approve_day = 30;
        assert!(settings.scheduler.validate().is_err());
        settings.scheduler.remind_approve_day = 8;
        settings.scheduler.reminders_at = "9am".into();
        assert!(settings.scheduler.validate().is_err());
    }

    #[test]
    fn an_unknown_environment_name_is_refused() {
        assert!(Environment::parse("staging").is_err());
        assert_eq!(
            Environment::parse(" Production "),
            Ok(Environment::Production)
        );
    }
}
