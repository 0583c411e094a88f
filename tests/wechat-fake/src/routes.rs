//! Every path the fake serves, in one screen. A WeChat endpoint answers a wrong method with
//! WeChat's 43001/43002; unknown paths get the fake's own 404.

use actix_web::{FromRequest, Handler, Resource, Responder, web};

use crate::control;
use crate::login::{self, LOGIN_PATH};
use crate::network::{self, DOMAIN_IP_PATH};
use crate::official::{
    self, TEMPLATE_SEND_PATH, UNIFORM_SEND_PATH, USER_GET_PATH, USER_INFO_PATH, WXOPEN_SEND_PATH,
};
use crate::plumbing::{require_get, require_post};
use crate::subscribe::{self, SUBSCRIBE_SEND_PATH};
use crate::token::{self, CLASSIC_PATH, STABLE_PATH};

/// Shown by `GET /__fake` and printed by the binary on start.
pub const WECHAT_ENDPOINTS: &[&str] = &[
    "GET    /sns/jscode2session                           login code -> openid, session_key, unionid?",
    "GET    /cgi-bin/token                                classic access token (mini-program or OA appid)",
    "POST   /cgi-bin/stable_token                         stable access token, JSON body (mini-program or OA appid)",
    "GET    /cgi-bin/get_api_domain_ip                    needs ?access_token=",
    "POST   /cgi-bin/message/subscribe/send               subscribe message, mini-program token",
    "POST   /cgi-bin/message/template/send                official-account template message, OA token",
    "GET    /cgi-bin/user/info                            a follower's subscribe flag and unionid, OA token",
    "GET    /cgi-bin/user/get                             the account's followers, 10,000 per page, OA token",
    "POST   /cgi-bin/message/wxopen/template/uniform_send always 45109 (withdrawn 2023)",
    "POST   /cgi-bin/message/wxopen/template/send         always 45103 (offline since 2020)",
];

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(get(LOGIN_PATH, login::jscode2session))
        .service(get(CLASSIC_PATH, token::classic))
        .service(post(STABLE_PATH, token::stable))
        .service(get(DOMAIN_IP_PATH, network::api_domain_ip))
        .service(post(SUBSCRIBE_SEND_PATH, subscribe::send))
        .service(post(TEMPLATE_SEND_PATH, official::template_send))
        .service(get(USER_INFO_PATH, official::user_info))
        .service(get(USER_GET_PATH, official::user_get))
        .service(post(UNIFORM_SEND_PATH, official::uniform_send))
        .service(post(WXOPEN_SEND_PATH, official::wxopen_template_send))
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
