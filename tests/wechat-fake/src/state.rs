//! Everything the fake remembers, behind one mutex: handlers lock it briefly and never across
//! an await, which keeps the test-facing methods synchronous.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use actix_web::web;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::clock::{Clock, DailyCount};
use crate::config::FakeConfig;
use crate::login::LoginStore;
use crate::official::{OaDeliveredMessage, OfficialStore};
use crate::plumbing::{WxError, param};
use crate::subscribe::{DeliveredMessage, Subscriptions};
use crate::token_store::TokenStore;

/// Above `u32::MAX`, so a client that keeps msgids in 32 bits is caught.
const FIRST_MSGID: u64 = 5_000_000_001;

/// The state as actix hands it to handlers; `FakeWechat` holds the same `Arc`.
pub(crate) type SharedState = web::Data<Mutex<State>>;

/// A test that panicked while holding the lock must not take every later assertion down with it.
pub(crate) fn lock(shared: &Mutex<State>) -> MutexGuard<'_, State> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One request that reached a WeChat endpoint (control requests are not recorded).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    /// Decoded query parameters; a repeated key keeps its last value.
    pub query: BTreeMap<String, String>,
    /// The body when it parses as JSON, whatever its Content-Type said.
    pub body: Option<serde_json::Value>,
    pub content_type: Option<String>,
    /// On the fake clock.
    pub received_at: DateTime<Utc>,
}

#[derive(Debug, Default, Serialize)]
pub(crate) struct EndpointCounts {
    /// Successful answers that carried a token, minted or not.
    pub(crate) fetches: usize,
    /// Tokens created; lower than `fetches` when stable_token hands out its current token.
    pub(crate) minted: usize,
}

#[derive(Debug)]
struct Fault {
    errcode: i64,
    remaining: u32,
}

#[derive(Debug)]
pub(crate) struct State {
    pub(crate) config: FakeConfig,
    pub(crate) clock: Clock,
    pub(crate) login: LoginStore,
    pub(crate) tokens: TokenStore,
    pub(crate) requests: Vec<RecordedRequest>,
    pub(crate) delays: HashMap<String, Duration>,
    /// The mini-program's token fetches by path.
    pub(crate) token_counts: BTreeMap<String, EndpointCounts>,
    /// The official account's token fetches by path.
    pub(crate) oa_token_counts: BTreeMap<String, EndpointCounts>,
    pub(crate) subscriptions: Subscriptions,
    pub(crate) official: OfficialStore,
    pub(crate) delivered: Vec<DeliveredMessage>,
    pub(crate) oa_delivered: Vec<OaDeliveredMessage>,
    next_msgid: u64,
    daily_quotas: HashMap<(String, &'static str), DailyCount>,
    faults: HashMap<String, VecDeque<Fault>>,
}

impl State {
    pub(crate) fn new(config: FakeConfig) -> Self {
        let clock = Clock::starting_at(config.start_at.unwrap_or_else(Utc::now));
        Self {
            config,
            clock,
            login: LoginStore::default(),
            tokens: TokenStore::default(),
            requests: Vec::new(),
            delays: HashMap::new(),
            token_counts: BTreeMap::new(),
            oa_token_counts: BTreeMap::new(),
            subscriptions: Subscriptions::default(),
            official: OfficialStore::default(),
            delivered: Vec::new(),
            oa_delivered: Vec::new(),
            next_msgid: FIRST_MSGID,
            daily_quotas: HashMap::new(),
            faults: HashMap::new(),
        }
    }

    pub(crate) fn mint_code(&mut self, openid: &str, unionid: Option<&str>) -> String {
        let now = self.clock.now();
        self.login.mint_code(openid, unionid, now)
    }

    /// Faults queue up: `-1` twice then `45009` once is two calls to `fail_next`.
    pub(crate) fn fail_next(&mut self, path: &str, errcode: i64, times: u32) {
        if times == 0 {
            return;
        }
        self.faults
            .entry(path.to_owned())
            .or_default()
            .push_back(Fault {
                errcode,
                remaining: times,
            });
    }

    pub(crate) fn take_fault(&mut self, path: &str) -> Option<i64> {
        let queue = self.faults.get_mut(path)?;
        let fault = queue.front_mut()?;
        let errcode = fault.errcode;
        fault.remaining -= 1;
        if fault.remaining == 0 {
            queue.pop_front();
        }
        Some(errcode)
    }

    /// A zero delay removes the delay.
    pub(crate) fn set_delay(&mut self, path: &str, by: Duration) {
        if by.is_zero() {
            self.delays.remove(path);
        } else {
            self.delays.insert(path.to_owned(), by);
        }
    }

    /// Takes one call from an app's daily quota of an endpoint, or answers 45009.
    pub(crate) fn take_daily_quota(
        &mut self,
        appid: &str,
        path: &'static str,
        limit: u32,
    ) -> Result<(), WxError> {
        let now = self.clock.now();
        let count = self
            .daily_quotas
            .entry((appid.to_owned(), path))
            .or_default();
        if count.try_take(now, limit) {
            Ok(())
        } else {
            Err(WxError::new(45009))
        }
    }

    pub(crate) fn count_token_fetch(&mut self, appid: &str, path: &str, minted: bool) {
        let counts = if appid == self.config.oa_appid {
            &mut self.oa_token_counts
        } else {
            &mut self.token_counts
        };
        let counts = counts.entry(path.to_owned()).or_default();
        counts.fetches += 1;
        if minted {
            counts.minted += 1;
        }
    }

    /// Message ids are numbers, unique across both message channels.
    pub(crate) fn next_msgid(&mut self) -> u64 {
        let msgid = self.next_msgid;
        self.next_msgid += 1;
        msgid
    }

    /// What WeChat's authenticated APIs do with `?access_token=`: 41001 when it is missing,
    /// 40014 when malformed, 40001 when unknown or superseded, 42001 when expired. Returns the
    /// appid the token belongs to, so an endpoint can refuse another app's token.
    pub(crate) fn authenticate(&self, query: &BTreeMap<String, String>) -> Result<String, WxError> {
        let token = param(query, "access_token").ok_or_else(|| WxError::new(41001))?;
        self.tokens
            .check(token, self.clock.now())
            .map(str::to_owned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plumbing::query_map;

    fn state() -> State {
        State::new(FakeConfig {
            token_expires_in: 600,
            ..FakeConfig::default()
        })
    }

    fn errcode(state: &State, query: &str) -> Result<String, i64> {
        state.authenticate(&query_map(query)).map_err(|e| e.code)
    }

    #[test]
    fn authenticate_accepts_a_live_token_and_names_its_app() {
        let mut state = state();
        let now = state.clock.now();
        let grant = state
            .tokens
            .mint_classic(&state.config, &state.config.appid, now);
        let query = format!("access_token={}", grant.token);
        assert_eq!(errcode(&state, &query), Ok(state.config.appid.clone()));
    }

    #[test]
    fn authenticate_rejects_missing_malformed_unknown_and_expired_tokens() {
        let mut state = state();
        let now = state.clock.now();
        let grant = state
            .tokens
            .mint_classic(&state.config, &state.config.appid, now);

        assert_eq!(errcode(&state, ""), Err(41001));
        assert_eq!(errcode(&state, "access_token="), Err(41001));
        assert_eq!(errcode(&state, "access_token=not%20a%20token!"), Err(40014));
        assert_eq!(errcode(&state, "access_token=93_unknownToken"), Err(40001));

        state.clock.advance(Duration::from_secs(600));
        let query = format!("access_token={}", grant.token);
        assert_eq!(errcode(&state, &query), Err(42001));
    }

    #[test]
    fn faults_are_served_in_order_and_then_run_out() {
        let mut state = state();
        state.fail_next("/x", -1, 2);
        state.fail_next("/x", 45009, 1);
        state.fail_next("/x", 40001, 0);
        let served: Vec<Option<i64>> = (0..4).map(|_| state.take_fault("/x")).collect();
        assert_eq!(served, vec![Some(-1), Some(-1), Some(45009), None]);
        assert_eq!(state.take_fault("/other"), None);
    }
}
