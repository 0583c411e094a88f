//! `GET /cgi-bin/get_api_domain_ip`: the smallest authenticated WeChat API, here so the
//! access-token rules can be exercised over HTTP before the bigger endpoints exist.

use actix_web::{HttpRequest, HttpResponse};
use serde_json::json;

use crate::plumbing::{WxError, query_map};
use crate::state::{SharedState, lock};

pub(crate) const DOMAIN_IP_PATH: &str = "/cgi-bin/get_api_domain_ip";

pub(crate) async fn api_domain_ip(
    req: HttpRequest,
    shared: SharedState,
) -> Result<HttpResponse, WxError> {
    let query = query_map(req.query_string());
    lock(&shared).authenticate(&query)?;
    let ip = req.app_config().local_addr().ip().to_string();
    Ok(HttpResponse::Ok().json(json!({ "ip_list": [ip] })))
}
