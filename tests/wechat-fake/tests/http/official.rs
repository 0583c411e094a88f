use serde_json::{Value, json};
use wechat_fake::FakeConfig;

use crate::helpers::{
    STABLE, TEMPLATE_SEND, TOKEN, assert_error, errcode, pinned, secs, start, start_with, token_of,
};

const OA_PREVIEW: &str = "OA_TPL_ACTIVITY_PREVIEW";
const UNIFORM_SEND: &str = "/cgi-bin/message/wxopen/template/uniform_send";
const WXOPEN_SEND: &str = "/cgi-bin/message/wxopen/template/send";

/// §4's example, with a released page of the linked mini-program.
fn preview(wx: &crate::helpers::Wx, oa_openid: &str) -> Value {
    json!({
        "touser": oa_openid,
        "template_id": OA_PREVIEW,
        "url": "https://example.org/activities/2025-07",
        "miniprogram": {"appid": wx.fake.appid(), "pagepath": "pages/activity/index?month=2025-07"},
        "data": {"thing2": {"value": "七月活动预告"}, "time3": {"value": "2025-07-05 09:00"}},
    })
}

#[track_caller]
fn msgid(body: &Value) -> u64 {
    assert_eq!(errcode(body), 0, "{body}");
    body["msgid"]
        .as_u64()
        .unwrap_or_else(|| panic!("a numeric msgid: {body}"))
}

#[tokio::test]
async fn the_official_account_has_its_own_tokens() {
    let wx = start().await;
    let classic = wx
        .get(
            TOKEN,
            &[
                ("grant_type", "client_credential"),
                ("appid", wx.fake.oa_appid()),
                ("secret", wx.fake.oa_secret()),
            ],
        )
        .await;
    let classic = token_of(&classic);
    let stable = wx.oa_token().await;
    let mini = wx.mini_token().await;

    assert_ne!(stable, mini);
    assert_eq!(wx.fake.oa_token_fetches(TOKEN), 1);
    assert_eq!(wx.fake.oa_token_fetches(STABLE), 1);
    assert_eq!(
        wx.fake.token_fetches(TOKEN),
        0,
        "the mini-program fetched none"
    );
    assert_eq!(wx.fake.token_fetches(STABLE), 1);
    assert!(wx.fake.is_valid_access_token(&classic));

    let wrong_secret = json!({
        "grant_type": "client_credential", "appid": wx.fake.oa_appid(), "secret": wx.fake.secret(),
    });
    assert_error(
        &wx.post_json(STABLE, &wrong_secret).await,
        40125,
        "invalid appsecret",
    );

    let fetches = wx.control_get("/__fake/oa-token-fetches").await;
    assert_eq!(fetches[STABLE]["fetches"], 1);
}

#[tokio::test]
async fn a_follower_gets_the_message_with_a_numeric_msgid() {
    let wx = start().await;
    wx.fake.follow("oOA-alice");
    let token = wx.oa_token().await;

    let body = wx.send_template(&token, &preview(&wx, "oOA-alice")).await;

    assert_eq!(body["errmsg"], "ok");
    let id = msgid(&body);
    let delivered = wx.fake.oa_delivered_to("oOA-alice");
    assert_eq!(delivered.len(), 1);
    let message = &delivered[0];
    assert_eq!(message.msgid, id);
    assert_eq!(message.template_id, OA_PREVIEW);
    assert_eq!(message.data["time3"], "2025-07-05 09:00");
    assert_eq!(
        message.url.as_deref(),
        Some("https://example.org/activities/2025-07")
    );
    let link = message.miniprogram.as_ref().expect("a mini-program link");
    assert_eq!(link.appid, wx.fake.appid());
    assert!(message.ignored.is_empty());
}

#[tokio::test]
async fn only_followers_of_the_account_are_reached() {
    let wx = start().await;
    wx.fake.mint_code("o-alice");
    let token = wx.oa_token().await;

    assert_error(
        &wx.send_template(&token, &preview(&wx, "oOA-bob")).await,
        43004,
        "require subscribe",
    );
    assert_error(
        &wx.send_template(&token, &preview(&wx, "o-alice")).await,
        40003,
        "invalid openid",
    );
    assert_error(
        &wx.send_template(&token, &preview(&wx, "")).await,
        40003,
        "invalid openid",
    );

    wx.fake.follow("oOA-bob");
    msgid(&wx.send_template(&token, &preview(&wx, "oOA-bob")).await);
    wx.fake.unfollow("oOA-bob");
    assert_error(
        &wx.send_template(&token, &preview(&wx, "oOA-bob")).await,
        43004,
        "require subscribe",
    );

    let followed = wx
        .control("/__fake/follow", &json!({ "oa_openid": "oOA-bob" }))
        .await;
    assert_eq!(followed.status().as_u16(), 200);
    msgid(&wx.send_template(&token, &preview(&wx, "oOA-bob")).await);
    assert_eq!(wx.fake.oa_delivered().len(), 2);
}

#[tokio::test]
async fn a_client_msg_id_is_delivered_once_within_ten_minutes() {
    let wx = start().await;
    wx.fake.follow("oOA-alice");
    wx.fake.follow("oOA-bob");
    let token = wx.oa_token().await;
    let with_id = |openid: &str, id: &str| {
        let mut body = preview(&wx, openid);
        body["client_msg_id"] = json!(id);
        body
    };

    let first = msgid(
        &wx.send_template(&token, &with_id("oOA-alice", "preview-2025-07"))
            .await,
    );
    let again = msgid(
        &wx.send_template(&token, &with_id("oOA-alice", "preview-2025-07"))
            .await,
    );
    assert_eq!(again, first);
    assert_eq!(wx.fake.oa_delivered().len(), 1);

    let other_user = msgid(
        &wx.send_template(&token, &with_id("oOA-bob", "preview-2025-07"))
            .await,
    );
    let other_id = msgid(
        &wx.send_template(&token, &with_id("oOA-alice", "preview-2025-08"))
            .await,
    );
    assert_ne!(other_user, first);
    assert_ne!(other_id, first);
    assert_eq!(wx.fake.oa_delivered().len(), 3);

    wx.fake.advance_clock(secs(601));
    let token = wx.oa_token().await;
    let later = msgid(
        &wx.send_template(&token, &with_id("oOA-alice", "preview-2025-07"))
            .await,
    );
    assert_ne!(later, first);
    assert_eq!(wx.fake.oa_delivered_to("oOA-alice").len(), 3);
    assert_eq!(
        wx.fake.oa_delivered()[0].client_msg_id.as_deref(),
        Some("preview-2025-07")
    );
}

#[tokio::test]
async fn first_remark_and_color_are_accepted_but_ignored() {
    let wx = start().await;
    wx.fake.follow("oOA-alice");
    let token = wx.oa_token().await;
    let mut body = preview(&wx, "oOA-alice");
    body["data"]["first"] = json!({ "value": "您好" });
    body["data"]["remark"] = json!({ "value": "欢迎参加" });
    body["data"]["thing2"]["color"] = json!("#173177");
    body["color"] = json!("#FF0000");

    msgid(&wx.send_template(&token, &body).await);

    let message = wx.fake.oa_delivered().pop().expect("delivered");
    assert_eq!(
        message.ignored,
        vec!["data.thing2.color", "data.first", "data.remark", "color"]
    );
    assert!(!message.data.contains_key("first"));
    let over_http = wx
        .control_get("/__fake/oa-delivered?oa_openid=oOA-alice")
        .await;
    assert_eq!(over_http[0]["ignored"][1], "data.first");
}

#[tokio::test]
async fn the_linked_mini_program_and_its_released_pages_are_checked() {
    let wx = start().await;
    wx.fake.follow("oOA-alice");
    let token = wx.oa_token().await;

    let mut other_app = preview(&wx, "oOA-alice");
    other_app["miniprogram"]["appid"] = json!("wx00000000notlinked");
    assert_error(
        &wx.send_template(&token, &other_app).await,
        40013,
        "invalid appid",
    );
    let mut unreleased = preview(&wx, "oOA-alice");
    unreleased["miniprogram"]["pagepath"] = json!("pages/activity/list");
    assert_error(
        &wx.send_template(&token, &unreleased).await,
        40165,
        "invalid weapp pagepath",
    );

    let mut path_variant = preview(&wx, "oOA-alice");
    path_variant["miniprogram"] = json!({ "appid": wx.fake.appid(), "path": "pages/index/index" });
    msgid(&wx.send_template(&token, &path_variant).await);
    let mut url_only = preview(&wx, "oOA-alice");
    url_only
        .as_object_mut()
        .expect("an object")
        .remove("miniprogram");
    msgid(&wx.send_template(&token, &url_only).await);

    let delivered = wx.fake.oa_delivered();
    assert_eq!(
        delivered[0]
            .miniprogram
            .as_ref()
            .and_then(|l| l.pagepath.as_deref()),
        Some("pages/index/index")
    );
    assert_eq!(delivered[1].miniprogram, None);
}

#[tokio::test]
async fn templates_and_typed_values_are_checked() {
    let wx = start().await;
    wx.fake.follow("oOA-alice");
    let token = wx.oa_token().await;

    let mut unknown = preview(&wx, "oOA-alice");
    unknown["template_id"] = json!("TPL_ACTIVITY_PREVIEW");
    assert_error(
        &wx.send_template(&token, &unknown).await,
        40037,
        "invalid template_id",
    );
    let mut bad_time = preview(&wx, "oOA-alice");
    bad_time["data"]["time3"] = json!({ "value": "July 5, 9am" });
    assert_error(
        &wx.send_template(&token, &bad_time).await,
        47003,
        "argument invalid! data.time3.value invalid",
    );
    let mut long_thing = preview(&wx, "oOA-alice");
    long_thing["data"]["thing2"] = json!({ "value": "x".repeat(21) });
    assert_error(
        &wx.send_template(&token, &long_thing).await,
        47003,
        "argument invalid! data.thing2.value invalid",
    );
    let mut missing = preview(&wx, "oOA-alice");
    missing["data"]
        .as_object_mut()
        .expect("an object")
        .remove("time3");
    assert_error(
        &wx.send_template(&token, &missing).await,
        47003,
        "argument invalid! data.time3.value is empty",
    );
    assert!(wx.fake.oa_delivered().is_empty());
}

#[tokio::test]
async fn tokens_of_the_mini_program_are_refused() {
    let wx = start().await;
    wx.fake.follow("oOA-alice");
    let body = preview(&wx, "oOA-alice");

    let mini = wx.mini_token().await;
    assert_error(
        &wx.send_template(&mini, &body).await,
        40001,
        "invalid credential",
    );
    assert_error(
        &wx.post_json_to(TEMPLATE_SEND, &[], &body).await,
        41001,
        "access_token missing",
    );
    assert_error(
        &wx.send_template("93_neverIssued", &body).await,
        40001,
        "invalid credential",
    );
}

#[tokio::test]
async fn the_daily_quota_runs_out_with_45009() {
    let wx = start_with(FakeConfig {
        oa_template_daily_limit: 1,
        ..pinned()
    })
    .await;
    wx.fake.follow("oOA-alice");
    let token = wx.oa_token().await;
    msgid(&wx.send_template(&token, &preview(&wx, "oOA-alice")).await);

    assert_error(
        &wx.send_template(&token, &preview(&wx, "oOA-alice")).await,
        45009,
        "reach max api daily quota limit",
    );
}

#[tokio::test]
async fn the_retired_template_apis_always_fail() {
    let wx = start().await;
    let token = wx.mini_token().await;
    let query = [("access_token", token.as_str())];
    let body = json!({ "touser": "o-alice", "weapp_template_msg": {}, "mp_template_msg": {} });

    assert_error(
        &wx.post_json_to(UNIFORM_SEND, &query, &body).await,
        45109,
        "",
    );
    assert_error(
        &wx.post_json_to(WXOPEN_SEND, &query, &body).await,
        45103,
        "",
    );
    assert_error(
        &wx.post_json_to(WXOPEN_SEND, &[], &json!({})).await,
        45103,
        "",
    );

    wx.fake.fail_next(UNIFORM_SEND, -1, 1);
    assert_error(
        &wx.post_json_to(UNIFORM_SEND, &query, &body).await,
        -1,
        "system error",
    );
    assert_eq!(wx.fake.requests_to(UNIFORM_SEND).len(), 2);
}

const USER_INFO: &str = "/cgi-bin/user/info";

#[tokio::test]
async fn user_info_names_a_followers_unionid_and_only_to_the_official_account() {
    let wx = start().await;
    wx.fake.follow_with_unionid("oOA-alice", "u-alice");
    let token = wx.oa_token().await;
    let ask = |token: String, openid: &'static str| {
        let wx = &wx;
        async move {
            wx.get(
                USER_INFO,
                &[
                    ("access_token", &token),
                    ("openid", openid),
                    ("lang", "zh_CN"),
                ],
            )
            .await
        }
    };

    let alice = ask(token.clone(), "oOA-alice").await;
    assert_eq!(alice["subscribe"], 1, "{alice}");
    assert_eq!(alice["unionid"], "u-alice");
    assert_eq!(alice["openid"], "oOA-alice");

    let mini = wx.mini_token().await;
    assert_error(&ask(mini, "oOA-alice").await, 40001, "invalid credential");
    assert_error(
        &ask(token.clone(), "oOA-nobody").await,
        40003,
        "invalid openid",
    );

    // Unfollowing leaves an openid WeChat still knows, with nothing else to say.
    wx.control(
        "/__fake/follow",
        &json!({"oa_openid": "oOA-alice", "follow": false}),
    )
    .await;
    let gone = ask(token.clone(), "oOA-alice").await;
    assert_eq!(gone, json!({"subscribe": 0, "openid": "oOA-alice"}));

    // Following again through the control endpoint, with a unionid.
    wx.control(
        "/__fake/follow",
        &json!({"oa_openid": "oOA-bob", "unionid": "u-bob"}),
    )
    .await;
    assert_eq!(ask(token, "oOA-bob").await["unionid"], "u-bob");
}

#[tokio::test]
async fn user_get_lists_the_accounts_followers_now_and_only_to_the_account() {
    let wx = start().await;
    wx.fake.follow_with_unionid("oOA-b", "u-b");
    wx.fake.follow_with_unionid("oOA-a", "u-a");
    wx.fake.follow_with_unionid("oOA-c", "u-c");
    wx.fake.unfollow("oOA-c");
    let token = wx.oa_token().await;
    let first = wx
        .get("/cgi-bin/user/get", &[("access_token", &token)])
        .await;
    assert_eq!(first["total"], 2, "{first}");
    assert_eq!(
        first["data"]["openid"],
        json!(["oOA-a", "oOA-b"]),
        "followers only, in order"
    );
    assert_eq!(first["next_openid"], "oOA-b");
    let after = wx
        .get(
            "/cgi-bin/user/get",
            &[("access_token", &token), ("next_openid", "oOA-b")],
        )
        .await;
    assert_eq!(after["count"], 0);
    assert!(
        after.get("data").is_none(),
        "no data after the last page: {after}"
    );
    let mini = wx.mini_token().await;
    assert_error(
        &wx.get("/cgi-bin/user/get", &[("access_token", &mini)])
            .await,
        40001,
        "invalid credential",
    );
}
