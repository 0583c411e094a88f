//! `GET /sns/jscode2session`: codes minted by tests for an openid, single use, valid 5 minutes,
//! rate-limited per user, refused for risky users.

use std::collections::{HashMap, VecDeque};

use actix_web::{HttpRequest, HttpResponse};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, TimeDelta, Utc};
use rand::Rng;
use serde::Serialize;

use crate::plumbing::{WxError, check_app, param, query_map, random_string};
use crate::state::{SharedState, lock};

pub(crate) const LOGIN_PATH: &str = "/sns/jscode2session";
const CODE_TTL: TimeDelta = TimeDelta::minutes(5);
const RATE_WINDOW: TimeDelta = TimeDelta::minutes(1);
const CODE_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

#[derive(Debug)]
struct IssuedCode {
    openid: String,
    minted_at: DateTime<Utc>,
    used: bool,
}

/// What WeChat knows about one mini-program user.
#[derive(Debug, Default)]
pub(crate) struct User {
    /// Once bound to an Open Platform account a user keeps its unionid.
    pub(crate) unionid: Option<String>,
    pub(crate) risky: bool,
    /// For content-security checks that need a recent visit.
    pub(crate) last_login: Option<DateTime<Utc>>,
    exchanges: VecDeque<DateTime<Utc>>,
}

#[derive(Debug, Default)]
pub(crate) struct LoginStore {
    codes: HashMap<String, IssuedCode>,
    pub(crate) users: HashMap<String, User>,
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Session {
    pub(crate) openid: String,
    pub(crate) session_key: String,
    pub(crate) unionid: Option<String>,
}

impl LoginStore {
    pub(crate) fn mint_code(
        &mut self,
        openid: &str,
        unionid: Option<&str>,
        now: DateTime<Utc>,
    ) -> String {
        let user = self.users.entry(openid.to_owned()).or_default();
        if let Some(unionid) = unionid {
            user.unionid = Some(unionid.to_owned());
        }
        let code = random_string(CODE_ALPHABET, 32);
        self.codes.insert(
            code.clone(),
            IssuedCode {
                openid: openid.to_owned(),
                minted_at: now,
                used: false,
            },
        );
        code
    }

    /// The user opened the mini-program: WeChat knows the openid from now on.
    pub(crate) fn register(&mut self, openid: &str) {
        self.users.entry(openid.to_owned()).or_default();
    }

    /// Whether the openid belongs to this mini-program: a code was minted for it, or a hook
    /// registered it.
    pub(crate) fn is_known(&self, openid: &str) -> bool {
        self.users.contains_key(openid)
    }

    pub(crate) fn flag_risky(&mut self, openid: &str) {
        self.users.entry(openid.to_owned()).or_default().risky = true;
    }

    /// The checks run in the order a replayed or stale code would meet them at WeChat. A call
    /// refused for the rate limit leaves the code unused, so the client may retry next minute.
    pub(crate) fn exchange(
        &mut self,
        code: &str,
        now: DateTime<Utc>,
        per_minute_limit: u32,
    ) -> Result<Session, WxError> {
        let issued = self
            .codes
            .get_mut(code)
            .ok_or_else(|| WxError::new(40029))?;
        let user = self.users.entry(issued.openid.clone()).or_default();

        while user
            .exchanges
            .front()
            .is_some_and(|at| now - *at >= RATE_WINDOW)
        {
            user.exchanges.pop_front();
        }
        if user.exchanges.len() >= per_minute_limit as usize {
            return Err(WxError::new(45011));
        }
        user.exchanges.push_back(now);

        if user.risky {
            return Err(WxError::new(40226));
        }
        if issued.used {
            return Err(WxError::new(40163));
        }
        if now - issued.minted_at >= CODE_TTL {
            return Err(WxError::new(40029));
        }
        issued.used = true;
        user.last_login = Some(now);
        Ok(Session {
            openid: issued.openid.clone(),
            session_key: BASE64.encode(rand::rng().random::<[u8; 16]>()),
            unionid: user.unionid.clone(),
        })
    }
}

#[derive(Serialize)]
struct SessionResponse {
    openid: String,
    session_key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    unionid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errcode: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errmsg: Option<&'static str>,
}

pub(crate) async fn jscode2session(
    req: HttpRequest,
    shared: SharedState,
) -> Result<HttpResponse, WxError> {
    let query = query_map(req.query_string());
    let mut guard = lock(&shared);
    let state = &mut *guard;
    check_app(
        &state.config,
        param(&query, "appid"),
        param(&query, "secret"),
        40125,
    )?;
    if param(&query, "grant_type") != Some("authorization_code") {
        return Err(WxError::new(40002));
    }
    let code = param(&query, "js_code").ok_or_else(|| WxError::new(41008))?;
    let now = state.clock.now();
    let session = state
        .login
        .exchange(code, now, state.config.login_rate_limit_per_minute)?;

    let with_errcode = !state.config.omit_errcode_on_success;
    Ok(HttpResponse::Ok().json(SessionResponse {
        openid: session.openid,
        session_key: session.session_key,
        unionid: session.unionid,
        errcode: with_errcode.then_some(0),
        errmsg: with_errcode.then_some("ok"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        "2025-07-01T02:00:00Z".parse().expect("a valid timestamp")
    }

    fn errcode(result: Result<Session, WxError>) -> i64 {
        result.expect_err("the exchange should fail").code
    }

    #[test]
    fn a_code_yields_its_openid_once() {
        let mut store = LoginStore::default();
        let code = store.mint_code("o-alice", None, t0());
        let session = store
            .exchange(&code, t0(), 100)
            .expect("first use succeeds");
        assert_eq!(session.openid, "o-alice");
        assert_eq!(session.unionid, None);
        let key = BASE64.decode(&session.session_key).expect("base64");
        assert_eq!(key.len(), 16);
        assert_eq!(errcode(store.exchange(&code, t0(), 100)), 40163);
    }

    #[test]
    fn a_code_expires_after_five_minutes() {
        let mut store = LoginStore::default();
        let fresh = store.mint_code("o-alice", None, t0());
        let stale = store.mint_code("o-alice", None, t0());
        let later = t0() + TimeDelta::seconds(299);
        assert!(store.exchange(&fresh, later, 100).is_ok());
        assert_eq!(errcode(store.exchange(&stale, t0() + CODE_TTL, 100)), 40029);
    }

    #[test]
    fn a_unionid_sticks_to_its_user() {
        let mut store = LoginStore::default();
        store.mint_code("o-alice", Some("u-alice"), t0());
        let code = store.mint_code("o-alice", None, t0());
        let session = store.exchange(&code, t0(), 100).expect("succeeds");
        assert_eq!(session.unionid.as_deref(), Some("u-alice"));
    }

    #[test]
    fn the_rate_limit_counts_calls_per_user_in_a_sliding_minute() {
        let mut store = LoginStore::default();
        let codes: Vec<String> = (0..4)
            .map(|_| store.mint_code("o-alice", None, t0()))
            .collect();
        let other = store.mint_code("o-bob", None, t0());
        assert!(store.exchange(&codes[0], t0(), 2).is_ok());
        assert!(store.exchange(&codes[1], t0(), 2).is_ok());
        assert_eq!(errcode(store.exchange(&codes[2], t0(), 2)), 45011);
        assert!(store.exchange(&other, t0(), 2).is_ok());
        let next_minute = t0() + RATE_WINDOW;
        assert!(store.exchange(&codes[2], next_minute, 2).is_ok());
    }

    #[test]
    fn a_risky_user_is_refused_and_an_unknown_code_is_invalid() {
        let mut store = LoginStore::default();
        let code = store.mint_code("o-mallory", None, t0());
        store.flag_risky("o-mallory");
        assert_eq!(errcode(store.exchange(&code, t0(), 100)), 40226);
        assert_eq!(errcode(store.exchange("no-such-code", t0(), 100)), 40029);
    }
}
