//! `POST /cgi-bin/message/subscribe/send`: the mini-program's subscribe messages. A send needs
//! the mini-program's token, a known openid, a registered template, data that follows the value
//! rules, a released page in `formal` state, and a subscription: one accept per send for
//! one-time templates, a flag for long-term ones. A refused send consumes nothing.

use std::collections::{BTreeMap, HashMap, HashSet};

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::clock::DailyCount;
use crate::plumbing::{WxError, json_body, query_map};
use crate::state::{SharedState, State, lock};
use crate::values::{Channel, check_data};

pub(crate) const SUBSCRIBE_SEND_PATH: &str = "/cgi-bin/message/subscribe/send";
const STATES: &[&str] = &["developer", "trial", "formal"];
const LANGS: &[&str] = &["zh_CN", "en_US", "zh_HK", "zh_TW"];

/// A subscribe message WeChat accepted, as the user would see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveredMessage {
    pub msgid: u64,
    pub openid: String,
    pub template_id: String,
    /// The `value` of every template key.
    pub data: BTreeMap<String, String>,
    pub page: Option<String>,
    /// As sent, or WeChat's default `formal`.
    pub miniprogram_state: String,
    /// As sent, or WeChat's default `zh_CN`.
    pub lang: String,
    /// On the fake clock.
    pub delivered_at: DateTime<Utc>,
}

type Subscription = (String, String);

fn subscription(openid: &str, template_id: &str) -> Subscription {
    (openid.to_owned(), template_id.to_owned())
}

#[derive(Debug, Default)]
pub(crate) struct Subscriptions {
    one_time: HashMap<Subscription, u32>,
    long_term: HashSet<Subscription>,
    /// Openids with a send in flight, when `concurrent_send_window` is set.
    busy: HashSet<String>,
    sent_today: DailyCount,
}

impl State {
    /// The user tapped "allow": one more send of a one-time template, or the flag of a long-term
    /// one. The user is then known to the mini-program. Returns the quota after the accept.
    pub(crate) fn accept(&mut self, openid: &str, template_id: &str) -> Result<u32, String> {
        let long_term = self.template_kind(template_id)?;
        self.login.register(openid);
        let key = subscription(openid, template_id);
        if long_term {
            self.subscriptions.long_term.insert(key);
        } else {
            let count = self.subscriptions.one_time.entry(key).or_default();
            *count = count.saturating_add(1);
        }
        Ok(self.quota(openid, template_id))
    }

    /// The user switched the template off: every accept is gone and any long-term flag revoked.
    pub(crate) fn unsubscribe(&mut self, openid: &str, template_id: &str) -> Result<(), String> {
        self.template_kind(template_id)?;
        let key = subscription(openid, template_id);
        self.subscriptions.one_time.remove(&key);
        self.subscriptions.long_term.remove(&key);
        Ok(())
    }

    pub(crate) fn set_long_term(
        &mut self,
        openid: &str,
        template_id: &str,
        granted: bool,
    ) -> Result<(), String> {
        if !self.template_kind(template_id)? {
            return Err(format!("{template_id} is a one-time template"));
        }
        let key = subscription(openid, template_id);
        if granted {
            self.login.register(openid);
            self.subscriptions.long_term.insert(key);
        } else {
            self.subscriptions.long_term.remove(&key);
        }
        Ok(())
    }

    /// Sends left: the accept count of a one-time template, `u32::MAX` for a granted long-term
    /// template, 0 otherwise (also for an unknown template).
    pub(crate) fn quota(&self, openid: &str, template_id: &str) -> u32 {
        let key = subscription(openid, template_id);
        match self.config.template(template_id) {
            Some(t) if t.long_term && self.subscriptions.long_term.contains(&key) => u32::MAX,
            Some(t) if !t.long_term => self.subscriptions.one_time.get(&key).copied().unwrap_or(0),
            _ => 0,
        }
    }

    /// Whether the template is long-term, or why it cannot be used.
    fn template_kind(&self, template_id: &str) -> Result<bool, String> {
        self.config
            .template(template_id)
            .map(|t| t.long_term)
            .ok_or_else(|| format!("{template_id:?} is not a configured subscribe template"))
    }

    pub(crate) fn release_openid(&mut self, openid: &str) {
        self.subscriptions.busy.remove(openid);
    }

    /// Every rule of the send, in the order WeChat is assumed to apply them; on success the
    /// subscription is consumed and the message recorded. Returns the msgid and whether the
    /// openid was marked busy.
    fn subscribe_send(&mut self, request: SendRequest) -> Result<(u64, bool), WxError> {
        let openid = request
            .touser
            .filter(|o| self.login.is_known(o))
            .ok_or_else(|| WxError::new(40003))?;
        let template = request
            .template_id
            .as_deref()
            .and_then(|id| self.config.template(id))
            .ok_or_else(|| WxError::new(40037))?;
        let state = request.miniprogram_state.as_deref().unwrap_or("formal");
        if !STATES.contains(&state) {
            return Err(WxError::with_message(
                47003,
                "argument invalid! miniprogram_state invalid",
            ));
        }
        let lang = request.lang.as_deref().unwrap_or("zh_CN");
        if !LANGS.contains(&lang) {
            return Err(WxError::with_message(
                47003,
                "argument invalid! lang invalid",
            ));
        }
        let checked = check_data(
            &self.config,
            template,
            request.data.as_ref(),
            Channel::Subscribe,
        )?;
        if let Some(page) = &request.page
            && state == "formal"
            && !self.config.is_released_page(page)
        {
            return Err(WxError::new(41030));
        }
        let template_id = template.id.clone();
        let long_term = template.long_term;
        if self.quota(&openid, &template_id) == 0 {
            return Err(WxError::new(43101));
        }
        let hold = self.config.concurrent_send_window.is_some();
        if hold && self.subscriptions.busy.contains(&openid) {
            return Err(WxError::new(43108));
        }
        let now = self.clock.now();
        if !self
            .subscriptions
            .sent_today
            .try_take(now, self.config.subscribe_daily_limit)
        {
            return Err(WxError::new(45009));
        }

        if !long_term
            && let Some(count) = self
                .subscriptions
                .one_time
                .get_mut(&subscription(&openid, &template_id))
        {
            *count -= 1;
        }
        if hold {
            self.subscriptions.busy.insert(openid.clone());
        }
        let msgid = self.next_msgid();
        self.delivered.push(DeliveredMessage {
            msgid,
            openid,
            template_id,
            data: checked.values,
            page: request.page,
            miniprogram_state: state.to_owned(),
            lang: lang.to_owned(),
            delivered_at: now,
        });
        Ok((msgid, hold))
    }
}

#[derive(Deserialize)]
struct SendRequest {
    touser: Option<String>,
    template_id: Option<String>,
    page: Option<String>,
    miniprogram_state: Option<String>,
    lang: Option<String>,
    data: Option<Map<String, Value>>,
}

/// Frees the openid when the held send answers, or when its client gives up on it.
struct Busy {
    shared: SharedState,
    openid: String,
}

impl Drop for Busy {
    fn drop(&mut self) {
        lock(&self.shared).release_openid(&self.openid);
    }
}

pub(crate) async fn send(
    req: HttpRequest,
    body: web::Bytes,
    shared: SharedState,
) -> Result<HttpResponse, WxError> {
    let query = query_map(req.query_string());
    let (msgid, hold) = {
        let mut state = lock(&shared);
        let appid = state.authenticate(&query)?;
        if appid != state.config.appid {
            return Err(WxError::new(40001));
        }
        let request: SendRequest = json_body(&req, &body)?;
        let openid = request.touser.clone().unwrap_or_default();
        let (msgid, busy) = state.subscribe_send(request)?;
        let hold = state.config.concurrent_send_window.filter(|_| busy);
        (msgid, hold.map(|window| (window, openid)))
    };
    if let Some((window, openid)) = hold {
        let _busy = Busy {
            shared: shared.clone(),
            openid,
        };
        tokio::time::sleep(window).await;
    }
    Ok(HttpResponse::Ok().json(json!({ "errcode": 0, "errmsg": "ok", "msgid": msgid })))
}
