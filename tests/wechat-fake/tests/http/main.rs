//! The fake over real HTTP, as the server's WeChat client will meet it. One binary keeps the
//! link time down; one module per endpoint family.

mod control;
mod helpers;
mod login;
mod official;
mod plumbing;
mod stable_token;
mod subscribe;
mod token;
mod values;
