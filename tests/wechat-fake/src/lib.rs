//! A stateful fake of the WeChat server API (`api.weixin.qq.com`) for offline tests. It
//! enforces WeChat's rules (single-use login codes, token lifetimes and eviction, quotas, JSON
//! bodies) so a client that would fail against WeChat fails here too. Contract:
//! `shared/wechat-api.md` §9.
//!
//! ```no_run
//! # async fn demo() {
//! let wechat = wechat_fake::spawn().await;
//! let code = wechat.mint_code("o-alice");
//! // point the client at wechat.uri() and exchange `code` exactly once
//! wechat.accept("o-alice", "TPL_ACTIVITY_PREVIEW");
//! // ... the server sends the preview; then:
//! assert_eq!(wechat.delivered_to("o-alice").len(), 1);
//! assert_eq!(wechat.quota("o-alice", "TPL_ACTIVITY_PREVIEW"), 0);
//! # }
//! ```
//!
//! New endpoint families get a module of their own plus a line in `routes.rs`; the middleware
//! in `plumbing.rs` records, delays and fails them without further work, and
//! `State::authenticate` checks their `?access_token=`.

mod clock;
mod config;
mod control;
mod events;
mod fake;
mod login;
mod network;
mod official;
mod plumbing;
mod routes;
mod state;
mod subscribe;
mod token;
mod token_store;
mod values;

pub use config::{EnumValues, FakeConfig, TemplateSpec};
pub use control::CONTROL_ENDPOINTS;
pub use events::{OaEvent, SignedPush, signature, signed_event};
pub use fake::{FakeWechat, serve, spawn, spawn_with};
pub use official::{MiniprogramLink, OaDeliveredMessage};
pub use routes::WECHAT_ENDPOINTS;
pub use state::RecordedRequest;
pub use subscribe::DeliveredMessage;
