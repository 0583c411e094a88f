//! The test harness: every integration test starts the real application on a random port,
//! against its own stores, with its own WeChat fake. Nothing is shared, so tests run in
//! parallel in any order.
//!
//! Store pairs: SQLite + in-process cache always; PostgreSQL + Redis when
//! `TEST_DATABASE_URL` / `TEST_REDIS_URL` are set (each test gets a fresh schema and a
//! fresh key prefix). With `TEST_REQUIRE_STORES=1` (CI) a missing variable fails the test.
pub mod load;
mod world;

use std::path::PathBuf;

pub use world::{Someone, VENUE, World, month_from_now};

use huodongri::{
    cache::Cache,
    config::{Environment, Settings},
    startup::Application,
    telemetry,
};
use sea_orm::DatabaseConnection;
use secrecy::SecretString;
use wechat_fake::FakeWechat;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stores {
    /// SQLite file + in-process cache: the default a newcomer runs.
    Embedded,
    /// PostgreSQL + Redis: what production runs.
    Production,
}

pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub client: reqwest::Client,
    pub db: DatabaseConnection,
    pub cache: Cache,
    /// The app's cached activity facts: a test that writes the database directly invalidates
    /// them, as the services do after their own writes.
    pub facts: huodongri::checkin::facts::FactsCache,
    /// Statements the app has run (its pool and `db` share the count).
    pub statements: huodongri::db::StatementCount,
    pub wechat: FakeWechat,
    pub stores: Stores,
    pub settings: Settings,
    data_dir: PathBuf,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

/// The token of the official account's push URL in every test app (as configured on the
/// account's console in production).
pub const OA_EVENT_TOKEN: &str = "test-oa-push-token";

/// The account's stand-ins for the preview and the reminders, as registered on the fake.
pub fn oa_templates() -> Vec<huodongri::config::OaTemplate> {
    let template = |stands_for: &str, template_id: &str, keys: &[(&str, &str)]| {
        huodongri::config::OaTemplate {
            stands_for: stands_for.to_owned(),
            template_id: template_id.to_owned(),
            keys: keys
                .iter()
                .map(|(oa, subscribe)| ((*oa).to_owned(), (*subscribe).to_owned()))
                .collect(),
        }
    };
    vec![
        template(
            "TPL_ACTIVITY_PREVIEW",
            "OA_TPL_ACTIVITY_PREVIEW",
            &[("thing2", "thing1"), ("time3", "date2")],
        ),
        template(
            "TPL_ACTIVITY_REMINDER",
            "OA_TPL_ACTIVITY_REMINDER",
            &[("thing1", "thing1"), ("time2", "time2")],
        ),
    ]
}

/// Settings for one test on the given stores; `None` when the production stores are not
/// configured and not required.
pub fn test_settings(stores: Stores, wechat: &FakeWechat) -> Option<Settings> {
    let mut settings = Settings::load(Environment::Local, None).expect("test settings load");
    let id = uuid::Uuid::new_v4().simple().to_string();
    settings.application.bind = "127.0.0.1:0".into();
    settings.application.workers = 1;
    settings.application.shutdown_timeout_secs = 1;
    settings.application.data_dir = std::env::temp_dir().join(format!("hdr-test-{id}"));
    settings.application.public_base_url = "http://hdr.test".into();
    settings.wechat.base_url = wechat.uri();
    settings.wechat.appid = wechat.appid().to_owned();
    settings.wechat.app_secret = Some(SecretString::from(wechat.secret().to_owned()));
    settings.wechat.oa_appid = Some(wechat.oa_appid().to_owned());
    settings.wechat.oa_app_secret = Some(SecretString::from(wechat.oa_secret().to_owned()));
    settings.wechat.oa_event_token = Some(SecretString::from(OA_EVENT_TOKEN.to_owned()));
    settings.wechat.oa_templates = oa_templates();
    settings.cache.key_prefix = format!("test:{id}:");
    // The facts cache stays on, as in production: a write that forgets to invalidate the
    // activity facts fails the test that scans right after it.
    // Jobs run only when a test calls them with its own clock: the background tick would
    // remind this test's people for the real month while the test is setting them up.
    settings.scheduler.enabled = false;
    settings.checkin.qr_base_url = "https://hdr.test".into();
    settings.database.url = None;
    settings.cache.redis_url = None;
    if stores == Stores::Production {
        let database = required_env("TEST_DATABASE_URL")?;
        let redis = required_env("TEST_REDIS_URL")?;
        settings.database.url = Some(SecretString::from(database));
        settings.database.schema = Some(format!("t_{id}"));
        settings.database.max_connections = 4;
        settings.cache.redis_url = Some(SecretString::from(redis));
    }
    Some(settings)
}

fn required_env(name: &str) -> Option<String> {
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => Some(value),
        _ if std::env::var("TEST_REQUIRE_STORES").as_deref() == Ok("1") => {
            panic!("{name} is not set, and TEST_REQUIRE_STORES=1 requires the production stores")
        }
        _ => {
            eprintln!("{name} is not set: skipping this test's PostgreSQL + Redis run");
            None
        }
    }
}

fn init_logs() {
    if std::env::var("TEST_LOG").is_ok() {
        telemetry::init(huodongri::config::LogFormat::Pretty, std::io::stdout);
    } else {
        telemetry::init(huodongri::config::LogFormat::Pretty, std::io::sink);
    }
}

/// Starts the application on `stores`; `None` when those stores are not available.
pub async fn spawn_app(stores: Stores) -> Option<TestApp> {
    let wechat = wechat_fake::spawn().await;
    let settings = test_settings(stores, &wechat)?;
    Some(spawn_with(stores, settings, wechat).await)
}

/// Starts the application with settings a test has adjusted.
pub async fn spawn_with(stores: Stores, settings: Settings, wechat: FakeWechat) -> TestApp {
    init_logs();
    let app = Application::build(settings.clone())
        .await
        .expect("the application builds");
    let port = app.port();
    let db = app.db().clone();
    let cache = app.cache().clone();
    let facts = app.facts().clone();
    let statements = app.statements().clone();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a reqwest client"),
        db,
        cache,
        facts,
        statements,
        wechat,
        stores,
        data_dir: settings.application.data_dir.clone(),
        settings,
    }
}

impl TestApp {
    /// Another instance of the same deployment — the same database, cache and secrets on its
    /// own port, as a load balancer spreads requests over them — running until the test ends.
    /// Its base URL.
    pub async fn another_instance(&self) -> String {
        let mut settings = self.settings.clone();
        settings.application.bind = "127.0.0.1:0".into();
        let app = Application::build(settings)
            .await
            .expect("the second instance builds");
        let port = app.port();
        tokio::spawn(app.run_until_stopped());
        format!("http://127.0.0.1:{port}")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("the request is sent")
    }

    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("the request is sent")
    }

    pub async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("the request is sent")
    }
}

/// Reads a JSON error body and returns its `code`, checking the shape on the way.
pub async fn error_code(response: reqwest::Response) -> String {
    let body: serde_json::Value = response.json().await.expect("an error body is JSON");
    assert!(
        body["message"].is_string(),
        "error body has a message: {body}"
    );
    body["code"]
        .as_str()
        .unwrap_or_else(|| panic!("error body has a code: {body}"))
        .to_owned()
}

/// Writes each scenario once and runs it on both store pairs:
/// `area::scenario::embedded` and `area::scenario::production`.
#[macro_export]
macro_rules! on_both_stores {
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                async fn scenario($app: $crate::TestApp) $body

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn embedded() {
                    let app = $crate::spawn_app($crate::Stores::Embedded)
                        .await
                        .expect("the embedded stores are always available");
                    scenario(app).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn production() {
                    if let Some(app) = $crate::spawn_app($crate::Stores::Production).await {
                        scenario(app).await;
                    }
                }
            }
        )*
    };
}
