use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wechat_fake::{FakeConfig, TemplateSpec};

use crate::helpers::{
    SUBSCRIBE_SEND, assert_error, errcode, pinned, secs, start, start_with, token_of,
};

const PREVIEW: &str = "TPL_ACTIVITY_PREVIEW";
const REMINDER: &str = "TPL_ACTIVITY_REMINDER";

/// A valid monthly preview for `openid`, as §3.2's example but with a released page.
fn preview(openid: &str) -> Value {
    json!({
        "touser": openid,
        "template_id": PREVIEW,
        "page": "pages/activity/index?month=2025-07",
        "miniprogram_state": "formal",
        "lang": "zh_CN",
        "data": {
            "thing1": {"value": "七月活动预告"},
            "date2": {"value": "2025年7月5日~2025年7月26日"},
            "thing3": {"value": "共4场，点击查看并报名"},
            "phrase4": {"value": "报名中"},
        },
    })
}

fn reminder(openid: &str) -> Value {
    json!({
        "touser": openid,
        "template_id": REMINDER,
        "data": {
            "thing1": {"value": "城市徒步"},
            "time2": {"value": "2025-07-05 09:00"},
            "thing3": {"value": "人民公园东门"},
        },
    })
}

#[track_caller]
fn msgid(body: &Value) -> u64 {
    assert_eq!(errcode(body), 0, "{body}");
    assert_eq!(body["errmsg"], "ok");
    body["msgid"]
        .as_u64()
        .unwrap_or_else(|| panic!("a numeric msgid: {body}"))
}

#[tokio::test]
async fn one_accept_allows_one_send_which_is_recorded() {
    let wx = start().await;
    wx.fake.mint_code("o-alice");
    wx.fake.accept("o-alice", PREVIEW);
    assert_eq!(wx.fake.quota("o-alice", PREVIEW), 1);
    let token = wx.mini_token().await;

    let id = msgid(&wx.send_subscribe(&token, &preview("o-alice")).await);

    assert!(id > u64::from(u32::MAX), "msgids outgrow 32 bits: {id}");
    assert_eq!(wx.fake.quota("o-alice", PREVIEW), 0);
    let delivered = wx.fake.delivered_to("o-alice");
    assert_eq!(delivered.len(), 1);
    let message = &delivered[0];
    assert_eq!(message.msgid, id);
    assert_eq!(message.template_id, PREVIEW);
    assert_eq!(message.data["phrase4"], "报名中");
    assert_eq!(
        message.page.as_deref(),
        Some("pages/activity/index?month=2025-07")
    );
    assert_eq!(
        (message.miniprogram_state.as_str(), message.lang.as_str()),
        ("formal", "zh_CN")
    );

    assert_error(
        &wx.send_subscribe(&token, &preview("o-alice")).await,
        43101,
        "user refuse to accept the msg",
    );
    assert_eq!(wx.fake.delivered().len(), 1);
}

#[tokio::test]
async fn accepts_accumulate_and_never_accepting_is_43101() {
    let wx = start().await;
    wx.fake.accept("o-alice", PREVIEW);
    wx.fake.accept("o-alice", PREVIEW);
    wx.fake.register_openid("o-bob");
    let token = wx.mini_token().await;

    let first = msgid(&wx.send_subscribe(&token, &preview("o-alice")).await);
    let second = msgid(&wx.send_subscribe(&token, &preview("o-alice")).await);

    assert_ne!(first, second);
    assert_error(
        &wx.send_subscribe(&token, &preview("o-alice")).await,
        43101,
        "user refuse",
    );
    assert_error(
        &wx.send_subscribe(&token, &preview("o-bob")).await,
        43101,
        "user refuse",
    );
}

#[tokio::test]
async fn a_refused_send_consumes_nothing() {
    let wx = start().await;
    wx.fake.accept("o-alice", PREVIEW);
    let token = wx.mini_token().await;

    let mut too_long = preview("o-alice");
    too_long["data"]["thing1"]["value"] = json!("七月活动预告：城市徒步、读书会、篮球赛、周末电影");
    assert_error(
        &wx.send_subscribe(&token, &too_long).await,
        47003,
        "argument invalid! data.thing1.value invalid",
    );
    let mut unreleased = preview("o-alice");
    unreleased["page"] = json!("pages/activity/list?month=2025-07");
    assert_error(
        &wx.send_subscribe(&token, &unreleased).await,
        41030,
        "invalid page",
    );
    wx.fake.fail_next(SUBSCRIBE_SEND, -1, 1);
    assert_error(
        &wx.send_subscribe(&token, &preview("o-alice")).await,
        -1,
        "system error",
    );
    assert_eq!(wx.fake.quota("o-alice", PREVIEW), 1);
    assert!(wx.fake.delivered().is_empty());

    msgid(&wx.send_subscribe(&token, &preview("o-alice")).await);
    assert_eq!(wx.fake.quota("o-alice", PREVIEW), 0);
}

#[tokio::test]
async fn long_term_templates_send_while_granted() {
    let wx = start().await;
    wx.fake.grant_long_term("o-alice", REMINDER);
    wx.fake.register_openid("o-bob");
    let token = wx.mini_token().await;

    for _ in 0..3 {
        msgid(&wx.send_subscribe(&token, &reminder("o-alice")).await);
    }
    assert_eq!(wx.fake.quota("o-alice", REMINDER), u32::MAX);
    assert_error(
        &wx.send_subscribe(&token, &reminder("o-bob")).await,
        43101,
        "user refuse",
    );

    wx.fake.revoke_long_term("o-alice", REMINDER);
    assert_eq!(wx.fake.quota("o-alice", REMINDER), 0);
    assert_error(
        &wx.send_subscribe(&token, &reminder("o-alice")).await,
        43101,
        "user refuse",
    );

    wx.fake.accept("o-alice", REMINDER);
    msgid(&wx.send_subscribe(&token, &reminder("o-alice")).await);
    assert_eq!(wx.fake.delivered_to("o-alice").len(), 4);
}

#[tokio::test]
async fn unsubscribing_drops_every_accept() {
    let wx = start().await;
    wx.fake.accept("o-alice", PREVIEW);
    wx.fake.accept("o-alice", PREVIEW);
    wx.fake.unsubscribe("o-alice", PREVIEW);
    let token = wx.mini_token().await;

    assert_error(
        &wx.send_subscribe(&token, &preview("o-alice")).await,
        43101,
        "user refuse",
    );
}

#[tokio::test]
async fn the_template_must_be_registered() {
    let wx = start().await;
    wx.fake.accept("o-alice", PREVIEW);
    let token = wx.mini_token().await;

    for template_id in [json!("TPL_NOT_REGISTERED"), json!(""), Value::Null] {
        let mut body = preview("o-alice");
        body["template_id"] = template_id;
        assert_error(
            &wx.send_subscribe(&token, &body).await,
            40037,
            "invalid template_id",
        );
    }
    assert_eq!(wx.fake.quota("o-alice", PREVIEW), 1);
}

#[tokio::test]
async fn the_openid_must_belong_to_the_mini_program() {
    let wx = start().await;
    wx.fake.follow("oOA-alice");
    let token = wx.mini_token().await;

    for touser in ["o-stranger", "oOA-alice", ""] {
        assert_error(
            &wx.send_subscribe(&token, &preview(touser)).await,
            40003,
            "invalid openid",
        );
    }
    let mut no_touser = preview("x");
    no_touser
        .as_object_mut()
        .expect("an object")
        .remove("touser");
    assert_error(
        &wx.send_subscribe(&token, &no_touser).await,
        40003,
        "invalid openid",
    );

    wx.fake.register_openid("o-stranger");
    assert_error(
        &wx.send_subscribe(&token, &preview("o-stranger")).await,
        43101,
        "user refuse",
    );
}

#[tokio::test]
async fn released_pages_bind_only_the_formal_build() {
    let wx = start().await;
    wx.fake.grant_long_term("o-alice", REMINDER);
    let token = wx.mini_token().await;
    let with = |page: Option<&str>, state: Option<&str>| {
        let mut body = reminder("o-alice");
        if let Some(page) = page {
            body["page"] = json!(page);
        }
        if let Some(state) = state {
            body["miniprogram_state"] = json!(state);
        }
        body
    };

    for (page, state) in [
        (Some("pages/checkin/index"), None),
        (Some("pages/index/index?from=notice"), Some("formal")),
        (None, Some("formal")),
        (Some("pages/new/feature"), Some("developer")),
        (Some("pages/new/feature"), Some("trial")),
    ] {
        let body = wx.send_subscribe(&token, &with(page, state)).await;
        assert_eq!(errcode(&body), 0, "{page:?} {state:?}: {body}");
    }
    for page in ["pages/new/feature", "/pages/index/index", ""] {
        assert_error(
            &wx.send_subscribe(&token, &with(Some(page), None)).await,
            41030,
            "invalid page",
        );
    }
    let last = wx.fake.delivered().pop().expect("delivered");
    assert_eq!(last.miniprogram_state, "trial");
    assert_eq!(last.page.as_deref(), Some("pages/new/feature"));
}

#[tokio::test]
async fn miniprogram_state_and_lang_take_only_their_documented_values() {
    let wx = start().await;
    wx.fake.grant_long_term("o-alice", REMINDER);
    let token = wx.mini_token().await;

    for state in ["release", "Formal", ""] {
        let mut body = reminder("o-alice");
        body["miniprogram_state"] = json!(state);
        assert_error(
            &wx.send_subscribe(&token, &body).await,
            47003,
            "argument invalid! miniprogram_state invalid",
        );
    }
    for lang in ["fr_FR", "zh-CN", ""] {
        let mut body = reminder("o-alice");
        body["lang"] = json!(lang);
        assert_error(
            &wx.send_subscribe(&token, &body).await,
            47003,
            "argument invalid! lang invalid",
        );
    }
    for lang in ["zh_CN", "en_US", "zh_HK", "zh_TW"] {
        let mut body = reminder("o-alice");
        body["lang"] = json!(lang);
        msgid(&wx.send_subscribe(&token, &body).await);
    }
    assert_eq!(wx.fake.delivered()[1].lang, "en_US");
}

#[tokio::test]
async fn the_daily_send_quota_runs_out_with_45009() {
    let wx = start_with(FakeConfig {
        subscribe_daily_limit: 2,
        ..pinned()
    })
    .await;
    wx.fake.grant_long_term("o-alice", REMINDER);
    wx.fake.accept("o-alice", PREVIEW);
    let token = wx.mini_token().await;
    msgid(&wx.send_subscribe(&token, &reminder("o-alice")).await);
    msgid(&wx.send_subscribe(&token, &reminder("o-alice")).await);

    assert_error(
        &wx.send_subscribe(&token, &preview("o-alice")).await,
        45009,
        "reach max api daily quota limit",
    );
    assert_eq!(wx.fake.quota("o-alice", PREVIEW), 1, "nothing consumed");

    wx.fake.advance_clock(secs(24 * 3600));
    let token = wx.mini_token().await;
    msgid(&wx.send_subscribe(&token, &preview("o-alice")).await);
}

#[tokio::test]
async fn the_access_token_is_checked_and_must_be_the_mini_programs() {
    let wx = start_with(FakeConfig {
        token_expires_in: 60,
        ..FakeConfig::default()
    })
    .await;
    wx.fake.grant_long_term("o-alice", REMINDER);
    let body = reminder("o-alice");

    let missing = wx.post_json_to(SUBSCRIBE_SEND, &[], &body).await;
    assert_error(&missing, 41001, "access_token missing");
    assert_error(
        &wx.send_subscribe("not a token!", &body).await,
        40014,
        "invalid access_token",
    );
    assert_error(
        &wx.send_subscribe("93_neverIssued", &body).await,
        40001,
        "invalid credential",
    );
    let oa_token = wx.oa_token().await;
    assert_error(
        &wx.send_subscribe(&oa_token, &body).await,
        40001,
        "invalid credential",
    );

    let token = token_of(&wx.classic_token().await);
    wx.fake.advance_clock(secs(61));
    assert_error(
        &wx.send_subscribe(&token, &body).await,
        42001,
        "access_token expired",
    );
    assert!(wx.fake.delivered().is_empty());
}

#[tokio::test]
async fn the_send_wants_a_json_post() {
    let wx = start().await;
    wx.fake.grant_long_term("o-alice", REMINDER);
    let token = wx.mini_token().await;
    let url = wx.url(SUBSCRIBE_SEND, &[("access_token", &token)]);

    let form = wx
        .http
        .post(url.clone())
        .header("content-type", "application/x-www-form-urlencoded")
        .body("touser=o-alice&template_id=TPL_ACTIVITY_REMINDER")
        .send()
        .await
        .expect("sent");
    let form: Value = form.json().await.expect("JSON");
    assert_error(&form, 47001, "data format error");

    let get: Value = wx
        .http
        .get(url)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("JSON");
    assert_error(&get, 43002, "require POST method");
}

#[tokio::test]
async fn concurrent_sends_to_one_openid_may_be_refused_with_43108() {
    let wx = start_with(FakeConfig {
        concurrent_send_window: Some(Duration::from_millis(300)),
        ..FakeConfig::default()
    })
    .await;
    wx.fake.grant_long_term("o-alice", REMINDER);
    wx.fake.grant_long_term("o-bob", REMINDER);
    let token = wx.mini_token().await;
    let alice = reminder("o-alice");

    let (first, second, other) = tokio::join!(
        wx.send_subscribe(&token, &alice),
        async {
            tokio::time::sleep(Duration::from_millis(100)).await;
            wx.send_subscribe(&token, &alice).await
        },
        async {
            tokio::time::sleep(Duration::from_millis(100)).await;
            wx.send_subscribe(&token, &reminder("o-bob")).await
        },
    );

    // Whichever reached the fake first holds the openid; on a busy machine it may be either.
    let (held, refused) = if errcode(&first) == 0 {
        (first, second)
    } else {
        (second, first)
    };
    msgid(&held);
    assert_error(
        &refused,
        43108,
        "Cannot make concurrent calls to the same OpenID",
    );
    msgid(&other);
    msgid(&wx.send_subscribe(&token, &alice).await);
    assert_eq!(wx.fake.delivered_to("o-alice").len(), 2);
}

#[tokio::test]
async fn an_injected_delay_slows_the_send() {
    let wx = start().await;
    wx.fake.grant_long_term("o-alice", REMINDER);
    let token = wx.mini_token().await;
    wx.fake.delay(SUBSCRIBE_SEND, Duration::from_millis(200));

    let started = Instant::now();
    msgid(&wx.send_subscribe(&token, &reminder("o-alice")).await);

    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(wx.fake.requests_to(SUBSCRIBE_SEND).len(), 1);
}

#[tokio::test]
async fn subscriptions_and_deliveries_are_reachable_over_http() {
    let wx = start_with(FakeConfig {
        templates: vec![TemplateSpec::one_time("TPL_X", &["thing1"])],
        ..FakeConfig::default()
    })
    .await;
    let accept = json!({ "openid": "o-carol", "template_id": "TPL_X" });
    let accepted: Value = wx
        .control("/__fake/subscriptions", &accept)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(accepted["quota"], 1);
    assert_eq!(accepted["long_term"], false);
    wx.control("/__fake/subscriptions", &accept).await;
    let seen = wx
        .control_get("/__fake/subscriptions?openid=o-carol&template_id=TPL_X")
        .await;
    assert_eq!(seen["quota"], 2);

    let token = wx.mini_token().await;
    let body = json!({
        "touser": "o-carol", "template_id": "TPL_X", "data": {"thing1": {"value": "hi"}},
    });
    let sent = msgid(&wx.send_subscribe(&token, &body).await);
    let delivered = wx.control_get("/__fake/delivered?openid=o-carol").await;
    assert_eq!(delivered[0]["msgid"], sent);
    assert_eq!(delivered[0]["data"]["thing1"], "hi");
    assert_eq!(delivered[0]["page"], Value::Null);
    assert_eq!(
        wx.control_get("/__fake/delivered?openid=o-dave").await,
        json!([])
    );

    let revoke = json!({ "openid": "o-carol", "template_id": "TPL_X", "accept": false });
    let revoked: Value = wx
        .control("/__fake/subscriptions", &revoke)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(revoked["quota"], 0);

    wx.control("/__fake/openids", &json!({ "openid": "o-dave" }))
        .await;
    let mut to_dave = body.clone();
    to_dave["touser"] = json!("o-dave");
    assert_error(&wx.send_subscribe(&token, &to_dave).await, 43101, "user");

    let unknown = json!({ "openid": "o-carol", "template_id": "TPL_NOPE" });
    let refused = wx.control("/__fake/subscriptions", &unknown).await;
    assert_eq!(refused.status().as_u16(), 400);

    let cleared = wx
        .http
        .delete(format!("{}/__fake/delivered", wx.fake.uri()))
        .send()
        .await
        .expect("sent");
    assert_eq!(cleared.status().as_u16(), 204);
    assert!(wx.fake.delivered().is_empty());
}
