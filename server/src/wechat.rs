//! The WeChat server API, as a typed client (contract: `shared/wechat-api.md`). Business
//! errors arrive as HTTP 200 with `errcode`; success is `errcode` 0 or absent.
use std::{sync::Arc, time::Duration};

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::{cache::Cache, config::WechatSettings, domain::LoginCode};

/// `-1` means "system busy, retry"; WeChat recommends backing off.
const BUSY: i64 = -1;
const BUSY_RETRIES: u32 = 2;

/// Calls carry the app secret in the query string (WeChat's design), so every reqwest error
/// is stripped of its URL before it can reach a log.
pub struct WechatClient {
    http: reqwest::Client,
    base_url: String,
    appid: String,
    secret: SecretString,
}

#[derive(Debug, thiserror::Error)]
pub enum WechatError {
    #[error("WeChat answered errcode {code}: {message}")]
    Api { code: i64, message: String },
    #[error("WeChat could not be reached")]
    Transport(#[source] reqwest::Error),
    #[error("WeChat's answer could not be read")]
    Decode(#[source] reqwest::Error),
}

impl WechatError {
    pub fn code(&self) -> Option<i64> {
        match self {
            Self::Api { code, .. } => Some(*code),
            _ => None,
        }
    }
}

/// A token from `stable_token` and its lifetime in seconds.
#[derive(Debug, Clone)]
pub struct AccessToken {
    pub token: String,
    pub expires_in: u64,
}

#[derive(Deserialize)]
struct TokenBody {
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
    access_token: Option<String>,
    expires_in: Option<u64>,
}

#[derive(Deserialize)]
struct SendBody {
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
}

/// A subscribe message, values already formatted to WeChat's per-key rules.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SubscribeMessage {
    pub touser: String,
    pub template_id: String,
    pub page: String,
    pub miniprogram_state: String,
    pub lang: String,
    pub data: std::collections::BTreeMap<String, Value>,
}

/// An official-account template message: to the account's openid of the member, opening the
/// mini-program page (`miniprogram`), deduplicated by WeChat for ten minutes per
/// `client_msg_id`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TemplateMessage {
    pub touser: String,
    pub template_id: String,
    pub miniprogram: MiniprogramJump,
    pub client_msg_id: String,
    pub data: std::collections::BTreeMap<String, Value>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct MiniprogramJump {
    pub appid: String,
    pub pagepath: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Value {
    pub value: String,
}

/// Codes that mean "this access token is no good": refresh once and retry.
pub const TOKEN_INVALID: [i64; 3] = [40001, 40014, 42001];

/// The result of `jscode2session`. `session_key` never leaves the server and is not kept.
#[derive(Debug, Clone)]
pub struct Session {
    pub openid: String,
    pub unionid: Option<String>,
}

#[derive(Deserialize)]
struct SessionBody {
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
    openid: Option<String>,
    unionid: Option<String>,
}

#[derive(Deserialize)]
struct FollowerPageBody {
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
    data: Option<FollowerOpenids>,
    next_openid: Option<String>,
}

#[derive(Deserialize)]
struct FollowerOpenids {
    #[serde(default)]
    openid: Vec<String>,
}

/// What the official account knows of one of its users (`user/info`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OaUser {
    pub following: bool,
    pub unionid: Option<String>,
}

#[derive(Deserialize)]
struct UserInfoBody {
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
    #[serde(default)]
    subscribe: i64,
    unionid: Option<String>,
}

impl WechatClient {
    /// The mini-program's client.
    pub fn new(settings: &WechatSettings, secret: SecretString) -> anyhow::Result<Self> {
        Self::for_app(settings, &settings.appid, secret)
    }

    /// A client for another app on the same WeChat servers (the official account).
    pub fn for_app(
        settings: &WechatSettings,
        appid: &str,
        secret: SecretString,
    ) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_millis(settings.timeout_ms))
            .build()?;
        Ok(Self {
            http,
            base_url: settings.base_url.trim_end_matches('/').to_owned(),
            appid: appid.to_owned(),
            secret,
        })
    }

    /// The official account's `user/info`: whether `oa_openid` follows it, and its unionid.
    #[tracing::instrument(name = "WeChat user/info", skip_all)]
    pub async fn user_info(
        &self,
        access_token: &str,
        oa_openid: &str,
    ) -> Result<OaUser, WechatError> {
        let body: UserInfoBody = self
            .get_json(
                "/cgi-bin/user/info",
                &[
                    ("access_token", access_token),
                    ("openid", oa_openid),
                    ("lang", "zh_CN"),
                ],
            )
            .await?;
        if body.errcode != 0 {
            return Err(WechatError::Api {
                code: body.errcode,
                message: body.errmsg,
            });
        }
        Ok(OaUser {
            following: body.subscribe == 1,
            unionid: body.unionid.filter(|u| !u.is_empty()),
        })
    }

    /// One page of the official account's followers (`user/get`): their openids, and the
    /// openid to ask after (`None` once a page comes back empty).
    #[tracing::instrument(name = "WeChat user/get", skip_all)]
    pub async fn follower_page(
        &self,
        access_token: &str,
        after: Option<&str>,
    ) -> Result<(Vec<String>, Option<String>), WechatError> {
        let mut params = vec![("access_token", access_token)];
        if let Some(after) = after {
            params.push(("next_openid", after));
        }
        let body: FollowerPageBody = self.get_json("/cgi-bin/user/get", &params).await?;
        if body.errcode != 0 {
            return Err(WechatError::Api {
                code: body.errcode,
                message: body.errmsg,
            });
        }
        let openids = body.data.map(|d| d.openid).unwrap_or_default();
        let next = (!openids.is_empty())
            .then_some(body.next_openid)
            .flatten()
            .filter(|n| !n.is_empty());
        Ok((openids, next))
    }

    /// `stable_token` in normal mode: concurrent callers and instances get the same token,
    /// so fetching never evicts a token someone else is using.
    #[tracing::instrument(name = "WeChat stable_token", skip_all)]
    pub async fn stable_token(&self) -> Result<AccessToken, WechatError> {
        let body: TokenBody = self
            .http
            .post(format!("{}/cgi-bin/stable_token", self.base_url))
            .json(&serde_json::json!({
                "grant_type": "client_credential",
                "appid": self.appid,
                "secret": self.secret.expose_secret(),
                "force_refresh": false,
            }))
            .send()
            .await
            .map_err(|e| WechatError::Transport(e.without_url()))?
            .json()
            .await
            .map_err(|e| WechatError::Decode(e.without_url()))?;
        match (body.errcode, body.access_token) {
            (0, Some(token)) => Ok(AccessToken {
                token,
                expires_in: body.expires_in.unwrap_or(7200),
            }),
            (code, _) => {
                tracing::error!(errcode = code, errmsg = %body.errmsg, "stable_token refused");
                Err(WechatError::Api {
                    code,
                    message: body.errmsg,
                })
            }
        }
    }

    /// One `subscribe/send`. The token travels in the query string, as WeChat requires.
    #[tracing::instrument(name = "WeChat subscribe/send", skip_all)]
    pub async fn send_subscribe(
        &self,
        access_token: &str,
        message: &SubscribeMessage,
    ) -> Result<(), WechatError> {
        self.post_send("/cgi-bin/message/subscribe/send", access_token, message)
            .await
    }

    /// The official account's template message (`message/template/send`), with the
    /// account's own token.
    pub async fn send_template(
        &self,
        access_token: &str,
        message: &TemplateMessage,
    ) -> Result<(), WechatError> {
        self.post_send("/cgi-bin/message/template/send", access_token, message)
            .await
    }

    /// A POST of one message; WeChat's `errcode` becomes the error.
    async fn post_send(
        &self,
        path: &str,
        access_token: &str,
        message: &impl serde::Serialize,
    ) -> Result<(), WechatError> {
        let url = reqwest::Url::parse_with_params(
            &format!("{}{path}", self.base_url),
            [("access_token", access_token)],
        )
        .map_err(|e| WechatError::Api {
            code: 0,
            message: format!("bad base URL: {e}"),
        })?;
        let body: SendBody = self
            .http
            .post(url)
            .json(message)
            .send()
            .await
            .map_err(|e| WechatError::Transport(e.without_url()))?
            .json()
            .await
            .map_err(|e| WechatError::Decode(e.without_url()))?;
        if body.errcode == 0 {
            Ok(())
        } else {
            Err(WechatError::Api {
                code: body.errcode,
                message: body.errmsg,
            })
        }
    }

    #[tracing::instrument(name = "WeChat jscode2session", skip_all)]
    pub async fn code_to_session(&self, code: &LoginCode) -> Result<Session, WechatError> {
        let mut attempt = 0;
        loop {
            match self.code_to_session_once(code).await {
                Err(WechatError::Api { code: BUSY, .. }) if attempt < BUSY_RETRIES => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(200 * 2u64.pow(attempt))).await;
                }
                other => return other,
            }
        }
    }

    /// A GET with `params` in the query string, its JSON answer read as `T`.
    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        params: &[(&str, &str)],
    ) -> Result<T, WechatError> {
        let url = reqwest::Url::parse_with_params(&format!("{}{path}", self.base_url), params)
            .map_err(|e| WechatError::Api {
                code: 0,
                message: format!("bad base URL: {e}"),
            })?;
        self.http
            .get(url)
            .send()
            .await
            .map_err(|e| WechatError::Transport(e.without_url()))?
            .json()
            .await
            .map_err(|e| WechatError::Decode(e.without_url()))
    }

    async fn code_to_session_once(&self, code: &LoginCode) -> Result<Session, WechatError> {
        let body: SessionBody = self
            .get_json(
                "/sns/jscode2session",
                &[
                    ("appid", self.appid.as_str()),
                    ("secret", self.secret.expose_secret()),
                    ("js_code", code.as_str()),
                    ("grant_type", "authorization_code"),
                ],
            )
            .await?;
        if body.errcode != 0 {
            tracing::warn!(errcode = body.errcode, errmsg = %body.errmsg, "jscode2session refused");
            return Err(WechatError::Api {
                code: body.errcode,
                message: body.errmsg,
            });
        }
        match body.openid {
            Some(openid) if !openid.is_empty() => Ok(Session {
                openid,
                unionid: body.unionid,
            }),
            _ => Err(WechatError::Api {
                code: 0,
                message: "success without an openid".into(),
            }),
        }
    }
}

const TOKEN_KEY: &str = "wechat:access_token";
const TOKEN_LOCK: &str = "wechat:token_refresh";
/// Refresh well before WeChat's own expiry (it rotates stable tokens 5 min early).
const TOKEN_EARLY_SECS: u64 = 600;

/// One shared access token for every instance: kept in the cache, refreshed early under a
/// lock. `stable_token` returns the same token to concurrent callers, so when the cache is
/// down each caller may simply fetch it.
pub struct AccessTokens {
    wechat: Arc<WechatClient>,
    cache: Cache,
    key: &'static str,
    lock: &'static str,
}

impl AccessTokens {
    /// The mini-program's token.
    pub fn new(wechat: Arc<WechatClient>, cache: Cache) -> Self {
        Self::kept_under(wechat, cache, TOKEN_KEY, TOKEN_LOCK)
    }

    /// Another app's token (the official account's), under its own cache key and lock.
    pub fn kept_under(
        wechat: Arc<WechatClient>,
        cache: Cache,
        key: &'static str,
        lock: &'static str,
    ) -> Self {
        Self {
            wechat,
            cache,
            key,
            lock,
        }
    }

    pub async fn current(&self) -> Result<String, WechatError> {
        if let Ok(Some(token)) = self.cache.get(self.key).await {
            return Ok(token);
        }
        let lock = self
            .cache
            .lock(self.lock, Duration::from_secs(10), Duration::from_secs(5))
            .await
            .ok()
            .flatten();
        if lock.is_some()
            && let Ok(Some(token)) = self.cache.get(self.key).await
        {
            if let Some(lock) = lock {
                let _ = lock.release().await;
            }
            return Ok(token);
        }
        let fetched = self.wechat.stable_token().await;
        if let Ok(token) = &fetched {
            let ttl = Ord::max(token.expires_in.saturating_sub(TOKEN_EARLY_SECS), 60);
            let _ = self
                .cache
                .set(self.key, &token.token, Some(Duration::from_secs(ttl)))
                .await;
        }
        if let Some(lock) = lock {
            let _ = lock.release().await;
        }
        fetched.map(|t| t.token)
    }

    /// Drops the token only if it is still the one that failed (another caller may already
    /// have replaced it).
    pub async fn invalidate(&self, failing: &str) {
        let _ = self.cache.delete_if_equals(self.key, failing).await;
    }
}
