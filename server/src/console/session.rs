//! Browser sessions of the console: a random token in an `HttpOnly; SameSite=Strict` cookie,
//! kept in the shared cache under its SHA-256 (so a cache dump holds no usable cookie), with
//! an idle timeout that slides on every page and a fixed lifetime it never slides past. Each
//! session carries its own CSRF token, which every form posts back.
use std::time::Duration;

use actix_web::{
    FromRequest, HttpRequest,
    cookie::{Cookie, SameSite},
    dev::Payload,
    web,
};
use anyhow::Context;
use base64::Engine;
use futures_util::future::LocalBoxFuture;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{ConsoleError, PageError};
use crate::{authz::Caller, cache::Cache, clock};

pub const SESSION_COOKIE: &str = "hdr_console";
/// The CSRF token of the sign-in form, before there is a session to hold one.
pub const SIGN_IN_COOKIE: &str = "hdr_console_sign_in";

#[derive(Serialize, Deserialize)]
struct Stored {
    person_id: i64,
    csrf: String,
    /// Unix seconds of the sign-in.
    started: i64,
}

/// A signed-in person at the console. Taking one as a handler argument makes the page need
/// a session; what they may see is checked by the services, as for the API.
#[derive(Debug, Clone)]
pub struct ConsoleUser {
    pub person_id: i64,
    pub csrf: String,
    key: String,
}

impl From<&ConsoleUser> for Caller {
    fn from(user: &ConsoleUser) -> Self {
        Caller {
            person_id: user.person_id,
        }
    }
}

impl ConsoleUser {
    /// A form's `csrf` field against the session's token (in constant time).
    pub fn check_csrf(&self, sent: &str) -> Result<(), PageError> {
        if same(sent, &self.csrf) {
            Ok(())
        } else {
            Err(PageError::CsrfRefused)
        }
    }
}

/// Compares two secrets without stopping at the first difference.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && !a.is_empty()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// 32 random bytes, base64url: cookies, CSRF tokens.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn key_of(token: &str) -> String {
    format!(
        "console:session:{}",
        hex::encode(Sha256::digest(token.as_bytes()))
    )
}

#[derive(Clone)]
pub struct ConsoleSessions {
    cache: Cache,
    /// Signed out after this long without a page.
    idle: Duration,
    /// Signed out this long after signing in, however busy.
    lifetime: Duration,
}

impl ConsoleSessions {
    pub fn new(cache: Cache, settings: &crate::config::AuthSettings) -> Self {
        Self {
            cache,
            idle: Duration::from_secs(settings.console_idle_secs.max(1)),
            lifetime: Duration::from_secs(settings.console_lifetime_secs.max(1)),
        }
    }

    /// A new session for `person_id`: the cookie's value.
    pub async fn start(&self, person_id: i64) -> Result<String, ConsoleError> {
        let token = random_token();
        let stored = Stored {
            person_id,
            csrf: random_token(),
            started: clock::now().timestamp(),
        };
        let value = serde_json::to_string(&stored).context("a session serialises")?;
        self.cache
            .set(&key_of(&token), &value, Some(self.idle))
            .await
            .context("cannot store a console session")?;
        tracing::info!(person_id, "console session started");
        Ok(token)
    }

    /// The session a cookie names, its idle timeout moved on; None once it ended.
    pub async fn resume(&self, token: &str) -> Result<Option<ConsoleUser>, ConsoleError> {
        if token.is_empty() || token.len() > 64 {
            return Ok(None);
        }
        let key = key_of(token);
        let Some(value) = self
            .cache
            .get(&key)
            .await
            .context("cannot read a console session")?
        else {
            return Ok(None);
        };
        let Ok(stored) = serde_json::from_str::<Stored>(&value) else {
            return Ok(None);
        };
        let age = clock::now().timestamp() - stored.started;
        if age < 0 || age as u64 >= self.lifetime.as_secs() {
            self.cache.delete(&key).await.ok();
            return Ok(None);
        }
        let left = Duration::from_secs(self.lifetime.as_secs() - age as u64);
        self.cache
            .expire(&key, self.idle.min(left))
            .await
            .context("cannot extend a console session")?;
        Ok(Some(ConsoleUser {
            person_id: stored.person_id,
            csrf: stored.csrf,
            key,
        }))
    }

    pub async fn end(&self, user: &ConsoleUser) -> Result<(), ConsoleError> {
        self.cache
            .delete(&user.key)
            .await
            .context("cannot end a console session")?;
        tracing::info!(person_id = user.person_id, "console session ended");
        Ok(())
    }
}

/// Loopback hosts get cookies without `Secure` (a browser on the same machine over plain
/// HTTP, as in development and the browser tests); every other host only over HTTPS.
pub fn is_loopback(host: &str) -> bool {
    let name = host
        .rsplit_once(':')
        .filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit()))
        .map_or(host, |(name, _)| name);
    matches!(name, "127.0.0.1" | "localhost" | "[::1]")
}

/// A cookie of the console: HttpOnly, SameSite=Strict, under /console, Secure off loopback.
pub fn cookie(req: &HttpRequest, name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/console")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(!is_loopback(req.connection_info().host()))
        .finish()
}

/// The same cookie, expired.
pub fn removal(req: &HttpRequest, name: &'static str) -> Cookie<'static> {
    let mut gone = cookie(req, name, String::new());
    gone.make_removal();
    gone
}

impl FromRequest for ConsoleUser {
    type Error = PageError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let sessions = req.app_data::<web::Data<ConsoleSessions>>().cloned();
        let token = req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned());
        let wanted = req.uri().path_and_query().map(|p| p.as_str().to_owned());
        Box::pin(async move {
            let sessions = sessions
                .ok_or_else(|| anyhow::anyhow!("the console sessions are not registered"))?;
            let Some(token) = token else {
                return Err(PageError::SignedOut { wanted });
            };
            sessions
                .resume(&token)
                .await?
                .ok_or(PageError::SignedOut { wanted })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_whole() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
        assert!(!same("", ""));
    }

    #[test]
    fn only_loopback_hosts_go_without_secure() {
        assert!(is_loopback("127.0.0.1:8080"));
        assert!(is_loopback("localhost"));
        assert!(is_loopback("[::1]:443"));
        assert!(!is_loopback("console.example.cn"));
        assert!(!is_loopback("127.0.0.1.example.cn:80"));
    }
}
