//! The running fake and the test-facing hooks. Every hook locks the shared state for a moment,
//! so it is synchronous and can be called between two HTTP requests of a test.

use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};

use crate::config::FakeConfig;
use crate::plumbing::{intercept, not_implemented};
use crate::routes;
use crate::state::{RecordedRequest, State, lock};

/// A fake `api.weixin.qq.com` listening on loopback. The server stops when this is dropped.
pub struct FakeWechat {
    state: Arc<Mutex<State>>,
    address: SocketAddr,
    appid: String,
    secret: String,
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

    /// Whether an authenticated WeChat API would accept this token right now.
    pub fn is_valid_access_token(&self, token: &str) -> bool {
        let state = lock(&self.state);
        state.tokens.check(token, state.clock.now()).is_ok()
    }
}

impl Drop for FakeWechat {
    fn drop(&mut self) {
        // The stop command is sent when `stop` is called; awaiting would only wait for it.
        drop(self.server.stop(false));
    }
}
