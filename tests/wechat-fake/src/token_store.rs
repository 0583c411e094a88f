//! Access tokens and their lifetimes. Both endpoints share one registry, so any authenticated
//! endpoint accepts either kind, but each endpoint has its own "current" token per app, which is
//! what keeps them isolated: a fetch from one never supersedes a token from the other. Every
//! token names its app (mini-program or official account), so an endpoint can refuse the other's.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};

use crate::clock::{DailyCount, delta};
use crate::config::FakeConfig;
use crate::plumbing::{WxError, random_string};

/// How long a classic token survives the fetch of its successor.
const SUPERSEDED_GRACE: TimeDelta = TimeDelta::minutes(5);
/// The last stretch of a stable token's life, during which a new one is handed out.
const ROTATION_WINDOW: TimeDelta = TimeDelta::minutes(5);
const TOKEN_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Classic,
    Stable,
}

#[derive(Debug)]
struct IssuedToken {
    appid: String,
    source: Source,
    expires_at: DateTime<Utc>,
    /// When it stopped (or will stop) working before its expiry.
    revoked_at: Option<DateTime<Utc>>,
}

impl IssuedToken {
    fn is_live(&self, now: DateTime<Utc>) -> bool {
        now < self.expires_at && self.revoked_at.is_none_or(|at| now < at)
    }

    fn expires_in(&self, now: DateTime<Utc>) -> u64 {
        u64::try_from((self.expires_at - now).num_seconds()).unwrap_or(0)
    }
}

#[derive(Debug, Default)]
struct AppTokens {
    classic: Option<String>,
    stable: Option<String>,
    last_forced_refresh: Option<DateTime<Utc>>,
    forced_refreshes: DailyCount,
}

#[derive(Debug, Default)]
pub(crate) struct TokenStore {
    tokens: HashMap<String, IssuedToken>,
    apps: HashMap<String, AppTokens>,
}

/// A token as an endpoint hands it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Grant {
    pub(crate) token: String,
    pub(crate) expires_in: u64,
    pub(crate) minted: bool,
}

impl TokenStore {
    /// Every classic fetch mints a token; the one it replaces keeps working for five minutes.
    pub(crate) fn mint_classic(
        &mut self,
        config: &FakeConfig,
        appid: &str,
        now: DateTime<Utc>,
    ) -> Grant {
        let app = self.apps.entry(appid.to_owned()).or_default();
        if let Some(previous) = app.classic.take().and_then(|t| self.tokens.get_mut(&t)) {
            let cutoff = now + SUPERSEDED_GRACE;
            previous.revoked_at = Some(previous.revoked_at.map_or(cutoff, |at| at.min(cutoff)));
        }
        let grant = mint(&mut self.tokens, config, appid, Source::Classic, now);
        app.classic = Some(grant.token.clone());
        grant
    }

    /// The stable endpoint: the current token while it has more than the rotation window left,
    /// then a new one (the old still works until its own expiry). A forced refresh kills every
    /// live stable token of the app at once, unless it comes too soon after the last one.
    pub(crate) fn stable(
        &mut self,
        config: &FakeConfig,
        appid: &str,
        now: DateTime<Utc>,
        force_refresh: bool,
    ) -> Result<Grant, WxError> {
        let app = self.apps.entry(appid.to_owned()).or_default();
        let too_soon = app
            .last_forced_refresh
            .is_some_and(|at| now - at < delta(config.force_refresh_min_interval));
        if force_refresh && !too_soon {
            if !app
                .forced_refreshes
                .try_take(now, config.force_refresh_daily_limit)
            {
                return Err(WxError::new(45009));
            }
            for token in self.tokens.values_mut() {
                if token.appid == appid && token.source == Source::Stable && token.is_live(now) {
                    token.revoked_at = Some(now);
                }
            }
            app.last_forced_refresh = Some(now);
            let grant = mint(&mut self.tokens, config, appid, Source::Stable, now);
            app.stable = Some(grant.token.clone());
            return Ok(grant);
        }

        // A short test lifetime would otherwise sit in the window forever and rotate on every call.
        let window = ROTATION_WINDOW.min(ttl(config) / 2);
        let current = app
            .stable
            .as_ref()
            .and_then(|t| self.tokens.get(t).map(|issued| (t, issued)));
        if let Some((token, issued)) = current
            && issued.is_live(now)
            && now < issued.expires_at - window
        {
            return Ok(Grant {
                token: token.clone(),
                expires_in: issued.expires_in(now),
                minted: false,
            });
        }
        let grant = mint(&mut self.tokens, config, appid, Source::Stable, now);
        app.stable = Some(grant.token.clone());
        Ok(grant)
    }

    /// Resolves a token to its appid. A superseded or force-refreshed token is 40001 ("not
    /// latest"), an expired one 42001, one that could never have been issued 40014.
    pub(crate) fn check(&self, token: &str, now: DateTime<Utc>) -> Result<&str, WxError> {
        let Some(issued) = self.tokens.get(token) else {
            let malformed = !token.bytes().all(|b| TOKEN_ALPHABET.contains(&b));
            return Err(WxError::new(if malformed { 40014 } else { 40001 }));
        };
        if let Some(revoked_at) = issued.revoked_at
            && now >= revoked_at
            && revoked_at < issued.expires_at
        {
            return Err(WxError::new(40001));
        }
        if now >= issued.expires_at {
            return Err(WxError::new(42001));
        }
        Ok(&issued.appid)
    }
}

fn ttl(config: &FakeConfig) -> TimeDelta {
    TimeDelta::seconds(i64::try_from(config.token_expires_in).unwrap_or(i64::MAX / 1000))
}

fn mint(
    tokens: &mut HashMap<String, IssuedToken>,
    config: &FakeConfig,
    appid: &str,
    source: Source,
    now: DateTime<Utc>,
) -> Grant {
    // Real tokens look like "93_" followed by ~130 URL-safe characters; clients must store 512.
    let token = format!("93_{}", random_string(TOKEN_ALPHABET, 133));
    tokens.insert(
        token.clone(),
        IssuedToken {
            appid: appid.to_owned(),
            source,
            expires_at: now + ttl(config),
            revoked_at: None,
        },
    );
    Grant {
        token,
        expires_in: config.token_expires_in,
        minted: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "wx0000000000fake01";

    fn t0() -> DateTime<Utc> {
        "2025-07-01T02:00:00Z".parse().expect("a valid timestamp")
    }

    fn secs(n: i64) -> TimeDelta {
        TimeDelta::seconds(n)
    }

    fn errcode(store: &TokenStore, token: &str, at: DateTime<Utc>) -> Option<i64> {
        store.check(token, at).err().map(|e| e.code)
    }

    #[test]
    fn a_superseded_classic_token_works_five_more_minutes() {
        let config = FakeConfig::default();
        let mut store = TokenStore::default();
        let first = store.mint_classic(&config, APP, t0());
        let second = store.mint_classic(&config, APP, t0() + secs(60));
        assert_ne!(first.token, second.token);
        assert_eq!(errcode(&store, &first.token, t0() + secs(359)), None);
        assert_eq!(errcode(&store, &first.token, t0() + secs(360)), Some(40001));
        assert_eq!(errcode(&store, &second.token, t0() + secs(360)), None);
    }

    #[test]
    fn a_token_expires_at_expires_in() {
        let config = FakeConfig {
            token_expires_in: 60,
            ..FakeConfig::default()
        };
        let mut store = TokenStore::default();
        let grant = store.mint_classic(&config, APP, t0());
        assert_eq!(grant.expires_in, 60);
        assert_eq!(errcode(&store, &grant.token, t0() + secs(59)), None);
        assert_eq!(errcode(&store, &grant.token, t0() + secs(60)), Some(42001));
    }

    #[test]
    fn a_stable_token_is_shared_then_rotated_in_its_last_five_minutes() {
        let config = FakeConfig::default();
        let mut store = TokenStore::default();
        let first = store.stable(&config, APP, t0(), false).expect("issued");
        let again = store
            .stable(&config, APP, t0() + secs(100), false)
            .expect("issued");
        assert_eq!(again.token, first.token);
        assert_eq!(again.expires_in, 7100);
        assert!(!again.minted);

        let in_window = t0() + secs(7200 - 300);
        let rotated = store
            .stable(&config, APP, in_window, false)
            .expect("issued");
        assert_ne!(rotated.token, first.token);
        assert_eq!(errcode(&store, &first.token, in_window + secs(299)), None);
        assert_eq!(
            errcode(&store, &first.token, t0() + secs(7200)),
            Some(42001)
        );
        let after = store
            .stable(&config, APP, in_window + secs(1), false)
            .expect("issued");
        assert_eq!(after.token, rotated.token);
    }

    #[test]
    fn a_forced_refresh_revokes_at_once_but_not_twice_within_the_interval() {
        let config = FakeConfig::default();
        let mut store = TokenStore::default();
        let first = store.stable(&config, APP, t0(), false).expect("issued");
        let forced = store
            .stable(&config, APP, t0() + secs(1), true)
            .expect("issued");
        assert_ne!(forced.token, first.token);
        assert_eq!(errcode(&store, &first.token, t0() + secs(1)), Some(40001));

        let too_soon = store
            .stable(&config, APP, t0() + secs(20), true)
            .expect("issued");
        assert_eq!(too_soon.token, forced.token);
        let later = store
            .stable(&config, APP, t0() + secs(31), true)
            .expect("issued");
        assert_ne!(later.token, forced.token);
    }

    #[test]
    fn classic_and_stable_tokens_do_not_supersede_each_other() {
        let config = FakeConfig::default();
        let mut store = TokenStore::default();
        let stable = store.stable(&config, APP, t0(), false).expect("issued");
        store.mint_classic(&config, APP, t0());
        let classic = store.mint_classic(&config, APP, t0() + secs(10));
        let again = store
            .stable(&config, APP, t0() + secs(10), false)
            .expect("issued");
        assert_eq!(again.token, stable.token);
        assert_eq!(errcode(&store, &stable.token, t0() + secs(400)), None);

        store
            .stable(&config, APP, t0() + secs(20), true)
            .expect("issued");
        assert_eq!(errcode(&store, &stable.token, t0() + secs(20)), Some(40001));
        assert_eq!(errcode(&store, &classic.token, t0() + secs(400)), None);
    }

    #[test]
    fn each_app_has_its_own_tokens() {
        let config = FakeConfig::default();
        let mut store = TokenStore::default();
        let mini = store.stable(&config, APP, t0(), false).expect("issued");
        let oa = store
            .stable(&config, &config.oa_appid, t0(), false)
            .expect("issued");
        assert_ne!(mini.token, oa.token);
        assert_eq!(
            store.check(&oa.token, t0()).ok(),
            Some(config.oa_appid.as_str())
        );
        store
            .stable(&config, &config.oa_appid, t0() + secs(1), true)
            .expect("issued");
        assert_eq!(errcode(&store, &mini.token, t0() + secs(1)), None);
        assert_eq!(errcode(&store, &oa.token, t0() + secs(1)), Some(40001));
    }

    #[test]
    fn unknown_tokens_are_40001_and_malformed_ones_40014() {
        let store = TokenStore::default();
        assert_eq!(errcode(&store, "93_abcDEF-_", t0()), Some(40001));
        assert_eq!(errcode(&store, "not a token", t0()), Some(40014));
    }
}
