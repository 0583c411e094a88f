//! The official account's `POST /cgi-bin/message/template/send`, and the two retired
//! mini-program template APIs that now always fail. A template send needs the official
//! account's token, a follower's OA openid, a registered template, a linked mini-program and data
//! that follows the value rules; `client_msg_id` makes a repeat within 10 minutes a no-op that
//! answers the first msgid. The retired `first`/`remark` keys and `color`s are accepted and
//! recorded as ignored.

use std::collections::{BTreeMap, HashMap};

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::clock::DailyCount;
use crate::plumbing::{WxError, json_body, query_map};
use crate::state::{SharedState, State, lock};
use crate::values::{Channel, check_data};

pub(crate) const TEMPLATE_SEND_PATH: &str = "/cgi-bin/message/template/send";
pub(crate) const UNIFORM_SEND_PATH: &str = "/cgi-bin/message/wxopen/template/uniform_send";
pub(crate) const WXOPEN_SEND_PATH: &str = "/cgi-bin/message/wxopen/template/send";
pub(crate) const USER_INFO_PATH: &str = "/cgi-bin/user/info";
pub(crate) const USER_GET_PATH: &str = "/cgi-bin/user/get";
/// `user/get` lists at most this many followers per call, as WeChat does.
const FOLLOWERS_PER_PAGE: usize = 10_000;
const DEDUP_WINDOW: TimeDelta = TimeDelta::minutes(10);

/// Where the card of an official-account message jumps to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MiniprogramLink {
    pub appid: String,
    /// `pagepath`, or WxJava's variant key `path`.
    pub pagepath: Option<String>,
}

/// An official-account template message WeChat accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OaDeliveredMessage {
    pub msgid: u64,
    pub oa_openid: String,
    pub template_id: String,
    /// The `value` of every template key.
    pub data: BTreeMap<String, String>,
    pub url: Option<String>,
    pub miniprogram: Option<MiniprogramLink>,
    pub client_msg_id: Option<String>,
    /// Fields WeChat accepts since 2023 but no longer shows: `data.first`, `data.remark`,
    /// `data.<key>.color`, `color`, `topcolor`.
    pub ignored: Vec<String>,
    /// On the fake clock.
    pub delivered_at: DateTime<Utc>,
}

#[derive(Debug, Default)]
pub(crate) struct OfficialStore {
    /// Every OA openid the fake has heard of, and whether it follows now.
    followers: HashMap<String, bool>,
    /// OA openid -> the unionid of the Open Platform account both apps are bound to.
    unionids: HashMap<String, String>,
    /// OA openid -> when it last followed (fake clock, seconds).
    followed_at: HashMap<String, i64>,
    /// (openid, client_msg_id) -> the msgid it got and when.
    recent: HashMap<(String, String), (u64, DateTime<Utc>)>,
    sent_today: DailyCount,
}

impl State {
    pub(crate) fn set_following(&mut self, oa_openid: &str, follows: bool, unionid: Option<&str>) {
        self.official
            .followers
            .insert(oa_openid.to_owned(), follows);
        if let Some(unionid) = unionid {
            self.official
                .unionids
                .insert(oa_openid.to_owned(), unionid.to_owned());
        }
        if follows {
            let at = self.clock.now().timestamp();
            self.official.followed_at.insert(oa_openid.to_owned(), at);
        }
    }

    /// `user/info`: a follower's details; someone who does not follow gets `subscribe: 0`
    /// and nothing else, as WeChat answers.
    fn user_info(&self, openid: &str) -> Result<Value, WxError> {
        match self.official.followers.get(openid) {
            Some(true) => {
                let mut info = json!({
                    "subscribe": 1,
                    "openid": openid,
                    "language": "zh_CN",
                    "subscribe_time": self.official.followed_at.get(openid).copied().unwrap_or(0),
                    "subscribe_scene": "ADD_SCENE_QR_CODE",
                });
                if let Some(unionid) = self.official.unionids.get(openid) {
                    info["unionid"] = json!(unionid);
                }
                Ok(info)
            }
            Some(false) => Ok(json!({ "subscribe": 0, "openid": openid })),
            None => Err(WxError::new(40003)),
        }
    }

    /// Only the official account's own token (a mini-program token is 40001).
    fn authenticate_account(
        &self,
        query: &std::collections::BTreeMap<String, String>,
    ) -> Result<(), WxError> {
        if self.authenticate(query)? == self.config.oa_appid {
            Ok(())
        } else {
            Err(WxError::new(40001))
        }
    }

    /// `user/get`: the account's followers now, in a stable order, from after `next_openid`.
    /// `next_openid` of an answer is its last openid; the call after the last page answers
    /// `count: 0` without `data`, as WeChat does.
    fn follower_page(&self, next_openid: Option<&str>) -> Value {
        let mut following: Vec<&String> = self
            .official
            .followers
            .iter()
            .filter(|(_, follows)| **follows)
            .map(|(openid, _)| openid)
            .collect();
        following.sort();
        let total = following.len();
        let page: Vec<&String> = following
            .into_iter()
            .filter(|openid| next_openid.is_none_or(|after| openid.as_str() > after))
            .take(FOLLOWERS_PER_PAGE)
            .collect();
        let mut answer = json!({
            "total": total,
            "count": page.len(),
            "next_openid": page.last().map_or(next_openid.unwrap_or_default(), |o| o.as_str()),
        });
        if !page.is_empty() {
            answer["data"] = json!({ "openid": page });
        }
        answer
    }

    fn template_send(&mut self, request: TemplateSendRequest) -> Result<u64, WxError> {
        let openid = request
            .touser
            .filter(|o| !o.trim().is_empty())
            .ok_or_else(|| WxError::new(40003))?;
        match self.official.followers.get(&openid) {
            Some(true) => {}
            // A mini-program openid is not an openid of this account at all.
            None if self.login.is_known(&openid) => return Err(WxError::new(40003)),
            _ => return Err(WxError::new(43004)),
        }
        let now = self.clock.now();
        let client_msg_id = request.client_msg_id.filter(|id| !id.is_empty());
        if let Some(id) = &client_msg_id
            && let Some(&(msgid, at)) = self.official.recent.get(&(openid.clone(), id.clone()))
            && now - at < DEDUP_WINDOW
        {
            return Ok(msgid);
        }
        let template = request
            .template_id
            .as_deref()
            .and_then(|id| self.config.oa_template(id))
            .ok_or_else(|| WxError::new(40037))?;
        let miniprogram = match request.miniprogram {
            None => None,
            Some(link) => {
                if link.appid.as_deref() != Some(self.config.appid.as_str()) {
                    return Err(WxError::new(40013));
                }
                let pagepath = link.pagepath.or(link.path).filter(|p| !p.is_empty());
                if let Some(page) = &pagepath
                    && !self.config.is_released_page(page)
                {
                    return Err(WxError::new(40165));
                }
                Some(MiniprogramLink {
                    appid: self.config.appid.clone(),
                    pagepath,
                })
            }
        };
        let mut checked = check_data(
            &self.config,
            template,
            request.data.as_ref(),
            Channel::Official,
        )?;
        let template_id = template.id.clone();
        for (field, value) in [("color", &request.color), ("topcolor", &request.topcolor)] {
            if value.is_some() {
                checked.ignored.push(field.to_owned());
            }
        }
        if !self
            .official
            .sent_today
            .try_take(now, self.config.oa_template_daily_limit)
        {
            return Err(WxError::new(45009));
        }

        let msgid = self.next_msgid();
        if let Some(id) = &client_msg_id {
            self.official
                .recent
                .insert((openid.clone(), id.clone()), (msgid, now));
        }
        self.oa_delivered.push(OaDeliveredMessage {
            msgid,
            oa_openid: openid,
            template_id,
            data: checked.values,
            url: request.url,
            miniprogram,
            client_msg_id,
            ignored: checked.ignored,
            delivered_at: now,
        });
        Ok(msgid)
    }
}

#[derive(Deserialize)]
struct MiniprogramField {
    appid: Option<String>,
    pagepath: Option<String>,
    path: Option<String>,
}

#[derive(Deserialize)]
struct TemplateSendRequest {
    touser: Option<String>,
    template_id: Option<String>,
    url: Option<String>,
    miniprogram: Option<MiniprogramField>,
    client_msg_id: Option<String>,
    data: Option<Map<String, Value>>,
    color: Option<Value>,
    topcolor: Option<Value>,
}

pub(crate) async fn template_send(
    req: HttpRequest,
    body: web::Bytes,
    shared: SharedState,
) -> Result<HttpResponse, WxError> {
    let query = query_map(req.query_string());
    let mut state = lock(&shared);
    state.authenticate_account(&query)?;
    let request: TemplateSendRequest = json_body(&req, &body)?;
    let msgid = state.template_send(request)?;
    Ok(HttpResponse::Ok().json(json!({ "errcode": 0, "errmsg": "ok", "msgid": msgid })))
}

/// `GET /cgi-bin/user/get?access_token=OA_TOKEN&next_openid=…`: the official account's token
/// only (a mini-program token is 40001).
pub(crate) async fn user_get(
    req: HttpRequest,
    shared: SharedState,
) -> Result<HttpResponse, WxError> {
    let query = query_map(req.query_string());
    let state = lock(&shared);
    state.authenticate_account(&query)?;
    let next = crate::plumbing::param(&query, "next_openid").filter(|o| !o.is_empty());
    Ok(HttpResponse::Ok().json(state.follower_page(next)))
}

/// `GET /cgi-bin/user/info?access_token=OA_TOKEN&openid=OA_OPENID&lang=zh_CN`: only with the
/// official account's token (a mini-program token is 40001), only for an openid of the account
/// (else 40003).
pub(crate) async fn user_info(
    req: HttpRequest,
    shared: SharedState,
) -> Result<HttpResponse, WxError> {
    let query = query_map(req.query_string());
    let state = lock(&shared);
    state.authenticate_account(&query)?;
    let openid = crate::plumbing::param(&query, "openid")
        .filter(|o| !o.trim().is_empty())
        .ok_or_else(|| WxError::new(40003))?;
    Ok(HttpResponse::Ok().json(state.user_info(openid)?))
}

/// Withdrawn 20 Sep 2023.
pub(crate) async fn uniform_send() -> Result<HttpResponse, WxError> {
    Err(WxError::new(45109))
}

/// Offline since 10 Jan 2020.
pub(crate) async fn wxopen_template_send() -> Result<HttpResponse, WxError> {
    Err(WxError::new(45103))
}
