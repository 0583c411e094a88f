//! Every path the fake serves, in one screen. A WeChat endpoint answers a wrong method with
//! WeChat's 43001/43002; unknown paths get the fake's own 404.

use actix_web::{FromRequest, Handler, Resource, Responder, web};

use crate::control;
use crate::login::{self, LOGIN_PATH};
use crate::network::{self, DOMAIN_IP_PATH};
use crate::plumbing::{require_get, require_post};
use crate::token::{self, CLASSIC_PATH, STABLE_PATH};

/// Shown by `GET /__fake` and printed by the binary on start.
pub const WECHAT_ENDPOINTS: &[&str] = &[
    "GET    /sns/jscode2session         login code -> openid, session_key, unionid?",
    "GET    /cgi-bin/token              classic access token, a new one per call",
    "POST   /cgi-bin/stable_token       stable access token, JSON body",
    "GET    /cgi-bin/get_api_domain_ip  needs ?access_token=",
];

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(get(LOGIN_PATH, login::jscode2session))
        .service(get(CLASSIC_PATH, token::classic))
        .service(post(STABLE_PATH, token::stable))
        .service(get(DOMAIN_IP_PATH, network::api_domain_ip))
        .configure(control::configure);
}

fn get<F, Args>(path: &str, handler: F) -> Resource
where
    F: Handler<Args>,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    web::resource(path)
        .route(web::get().to(handler))
        .default_service(web::to(require_get))
}

fn post<F, Args>(path: &str, handler: F) -> Resource
where
    F: Handler<Args>,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    web::resource(path)
        .route(web::post().to(handler))
        .default_service(web::to(require_post))
}
