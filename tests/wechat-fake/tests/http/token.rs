use wechat_fake::FakeConfig;

use crate::helpers::{TOKEN, assert_error, errcode, pinned, secs, start, start_with, token_of};

#[tokio::test]
async fn every_call_mints_a_new_token_and_the_previous_works_five_more_minutes() {
    let wx = start().await;
    let first = wx.classic_token().await;
    assert_eq!(first["expires_in"], 7200);
    let first = token_of(&first);
    let second = token_of(&wx.classic_token().await);
    assert_ne!(first, second);

    wx.fake.advance_clock(secs(295));
    assert_eq!(errcode(&wx.use_token(&first).await), 0);
    assert!(wx.fake.is_valid_access_token(&first));

    wx.fake.advance_clock(secs(10));
    assert_error(&wx.use_token(&first).await, 40001, "invalid credential");
    assert!(!wx.fake.is_valid_access_token(&first));
    assert_eq!(errcode(&wx.use_token(&second).await), 0);
}

#[tokio::test]
async fn a_token_expires_after_expires_in_with_42001() {
    let wx = start_with(FakeConfig {
        token_expires_in: 60,
        ..FakeConfig::default()
    })
    .await;
    let body = wx.classic_token().await;
    assert_eq!(body["expires_in"], 60);
    let token = token_of(&body);

    wx.fake.advance_clock(secs(55));
    assert_eq!(errcode(&wx.use_token(&token).await), 0);
    wx.fake.advance_clock(secs(10));

    assert_error(&wx.use_token(&token).await, 42001, "access_token expired");
}

#[tokio::test]
async fn bad_credentials_and_grant_types_are_refused() {
    let wx = start().await;
    let (appid, secret) = (wx.fake.appid(), wx.fake.secret());
    let grant = ("grant_type", "client_credential");

    let other_app = [grant, ("appid", "wx-other"), ("secret", secret)];
    assert_error(&wx.get(TOKEN, &other_app).await, 40013, "invalid appid");
    let wrong_secret = [grant, ("appid", appid), ("secret", "wrong")];
    assert_error(
        &wx.get(TOKEN, &wrong_secret).await,
        40125,
        "invalid appsecret",
    );
    let wrong_grant = [
        ("grant_type", "authorization_code"),
        ("appid", appid),
        ("secret", secret),
    ];
    assert_error(
        &wx.get(TOKEN, &wrong_grant).await,
        40002,
        "invalid grant_type",
    );
    let no_grant = [("appid", appid), ("secret", secret)];
    assert_error(&wx.get(TOKEN, &no_grant).await, 40002, "invalid grant_type");
    assert_error(
        &wx.get(TOKEN, &[grant, ("secret", secret)]).await,
        41002,
        "appid missing",
    );
    assert_error(
        &wx.get(TOKEN, &[grant, ("appid", appid)]).await,
        41004,
        "appsecret missing",
    );
    assert_eq!(wx.fake.token_fetches(TOKEN), 0);
}

#[tokio::test]
async fn a_wrong_secret_may_be_configured_to_answer_40001() {
    let wx = start_with(FakeConfig {
        token_wrong_secret_errcode: 40001,
        ..FakeConfig::default()
    })
    .await;
    let query = [
        ("grant_type", "client_credential"),
        ("appid", wx.fake.appid()),
        ("secret", "wrong"),
    ];

    assert_error(&wx.get(TOKEN, &query).await, 40001, "invalid credential");
}

#[tokio::test]
async fn the_daily_quota_runs_out_with_45009_and_comes_back_the_next_day() {
    let wx = start_with(FakeConfig {
        token_daily_limit: 3,
        ..pinned()
    })
    .await;
    for _ in 0..3 {
        token_of(&wx.classic_token().await);
    }

    assert_error(
        &wx.classic_token().await,
        45009,
        "reach max api daily quota limit",
    );

    wx.fake.advance_clock(secs(24 * 3600));
    token_of(&wx.classic_token().await);
    assert_eq!(wx.fake.token_fetches(TOKEN), 4, "refusals are not fetches");
    assert_eq!(wx.fake.tokens_minted(TOKEN), 4);
}

#[tokio::test]
async fn the_ip_whitelist_refuses_other_callers_with_40164() {
    let elsewhere = start_with(FakeConfig {
        ip_whitelist: Some(vec!["10.1.2.3".parse().expect("an IP")]),
        ..FakeConfig::default()
    })
    .await;
    let refused = elsewhere.classic_token().await;
    assert_error(&refused, 40164, "invalid ip 127.0.0.1");

    let here = start_with(FakeConfig {
        ip_whitelist: Some(vec!["127.0.0.1".parse().expect("an IP")]),
        ..FakeConfig::default()
    })
    .await;
    token_of(&here.classic_token().await);
}

#[tokio::test]
async fn the_classic_token_endpoint_requires_get() {
    let wx = start().await;

    let body = wx.post_json(TOKEN, &serde_json::json!({})).await;

    assert_error(&body, 43001, "require GET method");
}
