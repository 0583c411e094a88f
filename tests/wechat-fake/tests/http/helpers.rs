use std::time::Duration;

use reqwest::{Response, Url};
use serde_json::{Value, json};
use wechat_fake::{FakeConfig, FakeWechat};

pub const LOGIN: &str = "/sns/jscode2session";
pub const TOKEN: &str = "/cgi-bin/token";
pub const STABLE: &str = "/cgi-bin/stable_token";
pub const DOMAIN_IP: &str = "/cgi-bin/get_api_domain_ip";
pub const SUBSCRIBE_SEND: &str = "/cgi-bin/message/subscribe/send";
pub const TEMPLATE_SEND: &str = "/cgi-bin/message/template/send";

/// A running fake and a client for it.
pub struct Wx {
    pub fake: FakeWechat,
    pub http: reqwest::Client,
}

pub async fn start() -> Wx {
    start_with(FakeConfig::default()).await
}

pub async fn start_with(config: FakeConfig) -> Wx {
    Wx {
        fake: wechat_fake::spawn_with(config).await,
        http: reqwest::Client::new(),
    }
}

/// 10:00 in Beijing: a test that spends hours of fake time stays within one WeChat day.
pub fn pinned() -> FakeConfig {
    FakeConfig {
        start_at: Some("2025-07-01T02:00:00Z".parse().expect("a valid timestamp")),
        ..FakeConfig::default()
    }
}

pub fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

impl Wx {
    pub fn url(&self, path: &str, query: &[(&str, &str)]) -> Url {
        Url::parse_with_params(&format!("{}{path}", self.fake.uri()), query).expect("a valid URL")
    }

    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> Value {
        json_of(
            self.http
                .get(self.url(path, query))
                .send()
                .await
                .expect("sent"),
        )
        .await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Value {
        let response = self
            .http
            .post(self.url(path, &[]))
            .json(body)
            .send()
            .await
            .expect("sent");
        json_of(response).await
    }

    pub async fn post_json_to(&self, path: &str, query: &[(&str, &str)], body: &Value) -> Value {
        let response = self
            .http
            .post(self.url(path, query))
            .json(body)
            .send()
            .await
            .expect("sent");
        json_of(response).await
    }

    pub async fn post_raw(&self, path: &str, content_type: &str, body: &str) -> Value {
        let response = self
            .http
            .post(self.url(path, &[]))
            .header("content-type", content_type)
            .body(body.to_owned())
            .send()
            .await
            .expect("sent");
        json_of(response).await
    }

    pub async fn login(&self, code: &str) -> Value {
        let (appid, secret) = (self.fake.appid(), self.fake.secret());
        self.get(
            LOGIN,
            &[
                ("appid", appid),
                ("secret", secret),
                ("js_code", code),
                ("grant_type", "authorization_code"),
            ],
        )
        .await
    }

    pub async fn classic_token(&self) -> Value {
        let (appid, secret) = (self.fake.appid(), self.fake.secret());
        self.get(
            TOKEN,
            &[
                ("grant_type", "client_credential"),
                ("appid", appid),
                ("secret", secret),
            ],
        )
        .await
    }

    pub async fn stable_token(&self, force_refresh: bool) -> Value {
        let body = json!({
            "grant_type": "client_credential",
            "appid": self.fake.appid(),
            "secret": self.fake.secret(),
            "force_refresh": force_refresh,
        });
        self.post_json(STABLE, &body).await
    }

    /// The official account's stable token.
    pub async fn oa_stable_token(&self) -> Value {
        let body = json!({
            "grant_type": "client_credential",
            "appid": self.fake.oa_appid(),
            "secret": self.fake.oa_secret(),
        });
        self.post_json(STABLE, &body).await
    }

    /// A mini-program token, for the authenticated APIs.
    pub async fn mini_token(&self) -> String {
        token_of(&self.stable_token(false).await)
    }

    pub async fn oa_token(&self) -> String {
        token_of(&self.oa_stable_token().await)
    }

    pub async fn send_subscribe(&self, token: &str, body: &Value) -> Value {
        self.post_json_to(SUBSCRIBE_SEND, &[("access_token", token)], body)
            .await
    }

    pub async fn send_template(&self, token: &str, body: &Value) -> Value {
        self.post_json_to(TEMPLATE_SEND, &[("access_token", token)], body)
            .await
    }

    pub async fn control_get(&self, path_and_query: &str) -> Value {
        let response = self
            .http
            .get(format!("{}{path_and_query}", self.fake.uri()))
            .send()
            .await
            .expect("sent");
        json_of(response).await
    }

    /// An authenticated call, to see what WeChat's APIs make of a token.
    pub async fn use_token(&self, token: &str) -> Value {
        self.get(DOMAIN_IP, &[("access_token", token)]).await
    }

    pub async fn control(&self, path: &str, body: &Value) -> Response {
        self.http
            .post(format!("{}{path}", self.fake.uri()))
            .json(body)
            .send()
            .await
            .expect("sent")
    }
}

/// WeChat answers business errors with HTTP 200, so anything else is a failure of the fake.
async fn json_of(response: Response) -> Value {
    assert_eq!(response.status().as_u16(), 200, "WeChat always answers 200");
    response.json().await.expect("a JSON body")
}

/// Absent errcode means success, as WeChat's docs say.
pub fn errcode(body: &Value) -> i64 {
    body.get("errcode")
        .map_or(0, |c| c.as_i64().expect("errcode is a number"))
}

/// Asserts a business error with its errmsg prefix and WeChat's `, rid: xxxxxxxx-xxxxxxxx-xxxxxxxx`.
#[track_caller]
pub fn assert_error(body: &Value, code: i64, errmsg_prefix: &str) {
    assert_eq!(errcode(body), code, "{body}");
    let errmsg = body["errmsg"].as_str().expect("errmsg is a string");
    assert!(
        errmsg.starts_with(errmsg_prefix),
        "{errmsg:?} should start with {errmsg_prefix:?}"
    );
    assert!(has_rid_suffix(errmsg), "{errmsg:?} should end with a rid");
}

pub fn has_rid_suffix(errmsg: &str) -> bool {
    let Some((_, rid)) = errmsg.rsplit_once(", rid: ") else {
        return false;
    };
    let groups: Vec<&str> = rid.split('-').collect();
    groups.len() == 3
        && groups
            .iter()
            .all(|g| g.len() == 8 && g.chars().all(|c| c.is_ascii_hexdigit()))
}

#[track_caller]
pub fn token_of(body: &Value) -> String {
    body["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("expected a token, got {body}"))
        .to_owned()
}
