//! The official account (公众号) as the preview's second channel (审核预告制度: "做到广大党员
//! 早知道"). Members who never tap "subscribe" in the mini-program can still be reached by the
//! account's template messages if they follow it. The two apps share one open platform, so a
//! member's mini-program login and the account's follower meet on the unionid.
//!
//! This module keeps the followers current from the account's message pushes (消息推送):
//! every push is signed with the server's token (`wechat.oa_event_token`) and refused when
//! the signature is wrong or older than five minutes; a subscribe asks WeChat's `user/info`
//! for the follower's unionid with the account's own access token (cached and refreshed under
//! a lock like the mini-program's); an unsubscribe stops the follower being a target.
pub mod error;
pub mod followers;

use std::sync::Arc;

use secrecy::SecretString;

pub use error::OfficialError;

use crate::{
    cache::Cache,
    config::WechatSettings,
    wechat::{AccessTokens, WechatClient},
};

const TOKEN_KEY: &str = "wechat:oa_access_token";
const TOKEN_LOCK: &str = "wechat:oa_token_refresh";

/// The official account of this deployment, when one is configured.
#[derive(Clone)]
pub struct OfficialAccount {
    configured: Option<Arc<Configured>>,
}

pub(crate) struct Configured {
    pub(crate) wechat: Arc<WechatClient>,
    pub(crate) tokens: AccessTokens,
    pub(crate) event_token: SecretString,
}

impl OfficialAccount {
    /// From `wechat.oa_*`; off (every push answered `official.not_configured`) while any of
    /// the three is missing.
    pub fn from_settings(settings: &WechatSettings, cache: Cache) -> anyhow::Result<Self> {
        let (Some(appid), Some(secret), Some(event_token)) = (
            settings.oa_appid.as_deref(),
            settings.oa_app_secret.clone(),
            settings.oa_event_token.clone(),
        ) else {
            return Ok(Self { configured: None });
        };
        let wechat = Arc::new(WechatClient::for_app(settings, appid, secret)?);
        Ok(Self {
            configured: Some(Arc::new(Configured {
                tokens: AccessTokens::kept_under(wechat.clone(), cache, TOKEN_KEY, TOKEN_LOCK),
                wechat,
                event_token,
            })),
        })
    }

    pub fn is_configured(&self) -> bool {
        self.configured.is_some()
    }

    pub(crate) fn configured(&self) -> Result<&Configured, OfficialError> {
        self.configured
            .as_deref()
            .ok_or(OfficialError::NotConfigured)
    }
}
