//! The running fake and the test-facing hooks. Every hook locks the shared state for a moment,
//! so it is synchronous and can be called between two HTTP requests of a test.

use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};

use crate::config::FakeConfig;
use crate::official::OaDeliveredMessage;
use crate::plumbing::{intercept, not_implemented};
use crate::routes;
use crate::state::{RecordedRequest, State, lock};
use crate::subscribe::DeliveredMessage;

/// A fake `api.weixin.qq.com` listening on loopback. The server stops when this is dropped.
pub struct FakeWechat {
    state: Arc<Mutex<State>>,
    address: SocketAddr,
    appid: String,
    secret: String,
    oa_appid: String,
    oa_secret: String,
    server: ServerHandle,
}

/// Starts a fake with the default configuration on a free port of 127.0.0.1.
pub async fn spawn() -> FakeWechat {
    spawn_with(FakeConfig::default()).await
}

pub async fn spawn_with(config: FakeConfig) -> FakeWechat {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port for wechat-fake");
    serve(listener, config).expect("wechat-fake starts on its listener")
}

/// Serves the fake on a listener the caller bound. Must run inside a Tokio runtime.
pub fn serve(listener: TcpListener, config: FakeConfig) -> std::io::Result<FakeWechat> {
    let address = listener.local_addr()?;
    let appid = config.appid.clone();
    let secret = config.secret.clone();
    let oa_appid = config.oa_appid.clone();
    let oa_secret = config.oa_secret.clone();
    let state = Arc::new(Mutex::new(State::new(config)));
    let data = web::Data::from(Arc::clone(&state));
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .wrap(from_fn(intercept))
            .configure(routes::configure)
            .default_service(web::to(not_implemented))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)?
    .run();
    let handle = server.handle();
    tokio::spawn(server);
    Ok(FakeWechat {
        state,
        address,
        appid,
        secret,
        oa_appid,
        oa_secret,
        server: handle,
    })
}

impl FakeWechat {
    /// The base URL to configure in place of `https://api.weixin.qq.com`.
    pub fn uri(&self) -> String {
        format!("http://{}", self.address)
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn appid(&self) -> &str {
        &self.appid
    }

    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// The linked official account's appid, for its token fetches.
    pub fn oa_appid(&self) -> &str {
        &self.oa_appid
    }

    pub fn oa_secret(&self) -> &str {
        &self.oa_secret
    }

    /// What `wx.login` would hand the mini-program for this user: a fresh single-use code.
    pub fn mint_code(&self, openid: &str) -> String {
        lock(&self.state).mint_code(openid, None)
    }

    /// As [`FakeWechat::mint_code`], for a user bound to an Open Platform account; the unionid
    /// stays with the user for later codes too.
    pub fn mint_code_with_unionid(&self, openid: &str, unionid: &str) -> String {
        lock(&self.state).mint_code(openid, Some(unionid))
    }

    /// From now on every code of this user is refused with 40226.
    pub fn flag_risky(&self, openid: &str) {
        lock(&self.state).login.flag_risky(openid);
    }

    /// Moves fake time forward; code and token lifetimes and all quotas follow it.
    pub fn advance_clock(&self, by: Duration) {
        lock(&self.state).clock.advance(by);
    }

    /// The fake's current time.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        lock(&self.state).clock.now()
    }

    /// The next `times` requests to `path` (e.g. "/sns/jscode2session") get `errcode` instead of
    /// their real answer (-1 reads "system error"). Calls queue up behind each other.
    pub fn fail_next(&self, path: &str, errcode: i64, times: u32) {
        lock(&self.state).fail_next(path, errcode, times);
    }

    /// Every later request to `path` waits `by` before it is answered; zero removes the delay.
    pub fn delay(&self, path: &str, by: Duration) {
        lock(&self.state).set_delay(path, by);
    }

    /// Every request that reached a WeChat endpoint, oldest first (control requests excluded).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state).requests.clone()
    }

    pub fn requests_to(&self, path: &str) -> Vec<RecordedRequest> {
        let state = lock(&self.state);
        state
            .requests
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect()
    }

    pub fn clear_requests(&self) {
        lock(&self.state).requests.clear();
    }

    /// Successful token answers from `path` ("/cgi-bin/token" or "/cgi-bin/stable_token"),
    /// counting a stable token handed out again: what "N instances made one fetch" asserts.
    pub fn token_fetches(&self, path: &str) -> usize {
        lock(&self.state)
            .token_counts
            .get(path)
            .map_or(0, |counts| counts.fetches)
    }

    /// Distinct tokens `path` created.
    pub fn tokens_minted(&self, path: &str) -> usize {
        lock(&self.state)
            .token_counts
            .get(path)
            .map_or(0, |counts| counts.minted)
    }

    /// As [`FakeWechat::token_fetches`], for the official account's fetches.
    pub fn oa_token_fetches(&self, path: &str) -> usize {
        lock(&self.state)
            .oa_token_counts
            .get(path)
            .map_or(0, |counts| counts.fetches)
    }

    /// As [`FakeWechat::tokens_minted`], for the official account's tokens.
    pub fn oa_tokens_minted(&self, path: &str) -> usize {
        lock(&self.state)
            .oa_token_counts
            .get(path)
            .map_or(0, |counts| counts.minted)
    }

    /// Whether an authenticated WeChat API would accept this token right now (a token of
    /// either app; the message endpoints also want the right app's).
    pub fn is_valid_access_token(&self, token: &str) -> bool {
        let state = lock(&self.state);
        state.tokens.check(token, state.clock.now()).is_ok()
    }

    /// Makes the openid one of this mini-program's users without a login, so subscribe sends
    /// to it get past 40003. Minting a code or accepting a template does the same.
    pub fn register_openid(&self, openid: &str) {
        lock(&self.state).login.register(openid);
    }

    /// The user accepted the template in `wx.requestSubscribeMessage`: a one-time template gains
    /// one send, a long-term one is granted. Registers the openid.
    ///
    /// # Panics
    /// When `template_id` is not one of `FakeConfig::templates`.
    pub fn accept(&self, openid: &str, template_id: &str) {
        if let Err(reason) = lock(&self.state).accept(openid, template_id) {
            panic!("accept: {reason}");
        }
    }

    /// The user switched the template off: its accepts are gone, a long-term grant revoked.
    ///
    /// # Panics
    /// When `template_id` is not one of `FakeConfig::templates`.
    pub fn unsubscribe(&self, openid: &str, template_id: &str) {
        if let Err(reason) = lock(&self.state).unsubscribe(openid, template_id) {
            panic!("unsubscribe: {reason}");
        }
    }

    /// Sends of the template the user has left: its accept count for a one-time template,
    /// `u32::MAX` for a granted long-term template, 0 otherwise or for an unknown template.
    pub fn quota(&self, openid: &str, template_id: &str) -> u32 {
        lock(&self.state).quota(openid, template_id)
    }

    /// Grants a long-term template to the user (registering the openid).
    ///
    /// # Panics
    /// When `template_id` is not a long-term template of `FakeConfig::templates`.
    pub fn grant_long_term(&self, openid: &str, template_id: &str) {
        if let Err(reason) = lock(&self.state).set_long_term(openid, template_id, true) {
            panic!("grant_long_term: {reason}");
        }
    }

    /// Revokes a long-term template: the next send gets 43101.
    ///
    /// # Panics
    /// When `template_id` is not a long-term template of `FakeConfig::templates`.
    pub fn revoke_long_term(&self, openid: &str, template_id: &str) {
        if let Err(reason) = lock(&self.state).set_long_term(openid, template_id, false) {
            panic!("revoke_long_term: {reason}");
        }
    }

    /// The official-account user follows the account: template messages reach them.
    pub fn follow(&self, oa_openid: &str) {
        lock(&self.state).set_following(oa_openid, true, None);
    }

    /// As [`FakeWechat::follow`], for a user whose Open Platform account has `unionid`: the
    /// account's `user/info` then names it.
    pub fn follow_with_unionid(&self, oa_openid: &str, unionid: &str) {
        lock(&self.state).set_following(oa_openid, true, Some(unionid));
    }

    /// The official-account user unfollows: template messages get 43004.
    pub fn unfollow(&self, oa_openid: &str) {
        lock(&self.state).set_following(oa_openid, false, None);
    }

    /// Every subscribe message accepted, oldest first.
    pub fn delivered(&self) -> Vec<DeliveredMessage> {
        lock(&self.state).delivered.clone()
    }

    pub fn delivered_to(&self, openid: &str) -> Vec<DeliveredMessage> {
        let state = lock(&self.state);
        state
            .delivered
            .iter()
            .filter(|m| m.openid == openid)
            .cloned()
            .collect()
    }

    /// Every official-account template message accepted, oldest first; a de-duplicated repeat
    /// appears once.
    pub fn oa_delivered(&self) -> Vec<OaDeliveredMessage> {
        lock(&self.state).oa_delivered.clone()
    }

    pub fn oa_delivered_to(&self, oa_openid: &str) -> Vec<OaDeliveredMessage> {
        let state = lock(&self.state);
        state
            .oa_delivered
            .iter()
            .filter(|m| m.oa_openid == oa_openid)
            .cloned()
            .collect()
    }

    /// Forgets the delivered messages of both channels (quotas and follows stay).
    pub fn clear_delivered(&self) {
        let mut state = lock(&self.state);
        state.delivered.clear();
        state.oa_delivered.clear();
    }
}

impl Drop for FakeWechat {
    fn drop(&mut self) {
        // The stop command is sent when `stop` is called; awaiting would only wait for it.
        drop(self.server.stop(false));
    }
}
