use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use wechat_fake::FakeConfig;

use crate::helpers::{LOGIN, assert_error, errcode, secs, start, start_with};

#[tokio::test]
async fn a_minted_code_returns_its_openid_and_a_16_byte_session_key_without_errcode() {
    let wx = start().await;
    let code = wx.fake.mint_code("o-alice");

    let body = wx.login(&code).await;

    assert_eq!(body["openid"], "o-alice");
    let key = BASE64
        .decode(body["session_key"].as_str().expect("a session_key"))
        .expect("base64");
    assert_eq!(key.len(), 16);
    assert!(body.get("errcode").is_none(), "{body}");
    assert!(body.get("errmsg").is_none(), "{body}");
    assert!(body.get("unionid").is_none(), "{body}");
}

#[tokio::test]
async fn success_carries_errcode_0_when_configured_the_old_way() {
    let wx = start_with(FakeConfig {
        omit_errcode_on_success: false,
        ..FakeConfig::default()
    })
    .await;
    let code = wx.fake.mint_code("o-alice");

    let body = wx.login(&code).await;

    assert_eq!(body["errcode"], 0);
    assert_eq!(body["errmsg"], "ok");
    assert_eq!(body["openid"], "o-alice");
}

#[tokio::test]
async fn a_user_bound_to_an_open_platform_account_gets_its_unionid() {
    let wx = start().await;
    let code = wx.fake.mint_code_with_unionid("o-alice", "u-alice");

    let body = wx.login(&code).await;

    assert_eq!(body["unionid"], "u-alice");
}

#[tokio::test]
async fn a_code_can_be_exchanged_only_once() {
    let wx = start().await;
    let code = wx.fake.mint_code("o-alice");
    assert_eq!(errcode(&wx.login(&code).await), 0);

    let second = wx.login(&code).await;

    assert_error(&second, 40163, "code been used");
}

#[tokio::test]
async fn a_code_older_than_five_minutes_is_invalid() {
    let wx = start().await;
    let fresh = wx.fake.mint_code("o-alice");
    let stale = wx.fake.mint_code("o-alice");

    wx.fake.advance_clock(secs(290));
    assert_eq!(errcode(&wx.login(&fresh).await), 0);
    wx.fake.advance_clock(secs(20));

    assert_error(&wx.login(&stale).await, 40029, "invalid code");
}

#[tokio::test]
async fn an_unknown_code_is_invalid() {
    let wx = start().await;

    assert_error(&wx.login("0a1B2c3D4e5F").await, 40029, "invalid code");
}

#[tokio::test]
async fn more_than_100_exchanges_a_minute_for_one_user_is_45011_until_the_minute_passes() {
    let wx = start().await;
    let codes: Vec<String> = (0..101).map(|_| wx.fake.mint_code("o-alice")).collect();
    for code in &codes[..100] {
        assert_eq!(errcode(&wx.login(code).await), 0);
    }

    let refused = wx.login(&codes[100]).await;
    assert_error(&refused, 45011, "api minute-quota reach limit");

    let bob = wx.fake.mint_code("o-bob");
    assert_eq!(errcode(&wx.login(&bob).await), 0, "the limit is per user");
    wx.fake.advance_clock(secs(61));
    assert_eq!(wx.login(&codes[100]).await["openid"], "o-alice");
}

#[tokio::test]
async fn a_risky_user_is_refused_with_40226() {
    let wx = start().await;
    let code = wx.fake.mint_code("o-mallory");
    wx.fake.flag_risky("o-mallory");

    assert_error(&wx.login(&code).await, 40226, "code blocked");
}

#[tokio::test]
async fn a_wrong_appid_is_40013_and_a_wrong_secret_40125() {
    let wx = start().await;
    let code = wx.fake.mint_code("o-alice");
    let (appid, secret) = (wx.fake.appid(), wx.fake.secret());
    let grant = ("grant_type", "authorization_code");

    let other_app = [
        ("appid", "wx-other"),
        ("secret", secret),
        ("js_code", &code),
        grant,
    ];
    assert_error(&wx.get(LOGIN, &other_app).await, 40013, "invalid appid");
    let wrong_secret = [
        ("appid", appid),
        ("secret", "wrong"),
        ("js_code", &code),
        grant,
    ];
    assert_error(
        &wx.get(LOGIN, &wrong_secret).await,
        40125,
        "invalid appsecret",
    );
    assert_eq!(
        wx.login(&code).await["openid"],
        "o-alice",
        "refusals used no code"
    );
}

#[tokio::test]
async fn missing_parameters_and_a_wrong_grant_type_are_refused() {
    let wx = start().await;
    let (appid, secret) = (wx.fake.appid(), wx.fake.secret());
    let grant = ("grant_type", "authorization_code");

    let no_appid = wx
        .get(LOGIN, &[("secret", secret), ("js_code", "c"), grant])
        .await;
    assert_error(&no_appid, 41002, "appid missing");
    let no_secret = wx
        .get(LOGIN, &[("appid", appid), ("js_code", "c"), grant])
        .await;
    assert_error(&no_secret, 41004, "appsecret missing");
    let no_code = wx
        .get(LOGIN, &[("appid", appid), ("secret", secret), grant])
        .await;
    assert_error(&no_code, 41008, "missing code");
    let empty_code = [("appid", appid), ("secret", secret), ("js_code", ""), grant];
    assert_error(&wx.get(LOGIN, &empty_code).await, 41008, "missing code");
    let wrong_grant = [
        ("appid", appid),
        ("secret", secret),
        ("js_code", "c"),
        ("grant_type", "client_credential"),
    ];
    assert_error(
        &wx.get(LOGIN, &wrong_grant).await,
        40002,
        "invalid grant_type",
    );
}

#[tokio::test]
async fn jscode2session_requires_get() {
    let wx = start().await;

    let body = wx.post_json(LOGIN, &serde_json::json!({})).await;

    assert_error(&body, 43001, "require GET method");
}
