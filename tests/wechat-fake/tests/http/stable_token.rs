use serde_json::json;

use crate::helpers::{
    STABLE, TOKEN, assert_error, errcode, pinned, secs, start, start_with, token_of,
};

#[tokio::test]
async fn normal_mode_returns_the_same_token_while_it_is_valid() {
    let wx = start().await;
    let first = wx.stable_token(false).await;
    assert_eq!(first["expires_in"], 7200);

    wx.fake.advance_clock(secs(600));
    let second = wx.stable_token(false).await;

    assert_eq!(token_of(&second), token_of(&first));
    let left = second["expires_in"].as_u64().expect("a number");
    assert!(
        (6590..=6600).contains(&left),
        "expires_in counts down: {left}"
    );
    assert_eq!(wx.fake.token_fetches(STABLE), 2);
    assert_eq!(wx.fake.tokens_minted(STABLE), 1);
}

#[tokio::test]
async fn in_its_last_five_minutes_the_token_rotates_and_both_work_until_the_old_expires() {
    let wx = start().await;
    let old = token_of(&wx.stable_token(false).await);

    wx.fake.advance_clock(secs(7200 - 290));
    let rotated = wx.stable_token(false).await;
    let new = token_of(&rotated);
    assert_ne!(new, old);
    assert_eq!(rotated["expires_in"], 7200);
    assert_eq!(
        token_of(&wx.stable_token(false).await),
        new,
        "the new one is now current"
    );
    assert_eq!(errcode(&wx.use_token(&old).await), 0);

    wx.fake.advance_clock(secs(295));
    assert_error(&wx.use_token(&old).await, 42001, "access_token expired");
    assert_eq!(errcode(&wx.use_token(&new).await), 0);
}

#[tokio::test]
async fn force_refresh_invalidates_the_previous_token_at_once() {
    let wx = start().await;
    let old = token_of(&wx.stable_token(false).await);

    let new = token_of(&wx.stable_token(true).await);

    assert_ne!(new, old);
    assert_error(&wx.use_token(&old).await, 40001, "invalid credential");
    assert_eq!(errcode(&wx.use_token(&new).await), 0);
}

#[tokio::test]
async fn a_force_refresh_within_30_seconds_of_the_last_refreshes_nothing() {
    let wx = start().await;
    let forced = token_of(&wx.stable_token(true).await);

    wx.fake.advance_clock(secs(20));
    assert_eq!(token_of(&wx.stable_token(true).await), forced);
    assert!(wx.fake.is_valid_access_token(&forced));

    wx.fake.advance_clock(secs(15));
    assert_ne!(token_of(&wx.stable_token(true).await), forced);
    assert!(!wx.fake.is_valid_access_token(&forced));
}

#[tokio::test]
async fn more_than_20_force_refreshes_a_day_is_45009() {
    let wx = start_with(pinned()).await;
    for _ in 0..20 {
        wx.fake.advance_clock(secs(31));
        token_of(&wx.stable_token(true).await);
    }
    wx.fake.advance_clock(secs(31));
    let current = token_of(&wx.stable_token(false).await);

    assert_error(
        &wx.stable_token(true).await,
        45009,
        "reach max api daily quota limit",
    );
    assert!(
        wx.fake.is_valid_access_token(&current),
        "a refused refresh revokes nothing"
    );

    wx.fake.advance_clock(secs(24 * 3600));
    token_of(&wx.stable_token(true).await);
}

#[tokio::test]
async fn stable_and_classic_tokens_do_not_evict_each_other() {
    let wx = start().await;
    let stable = token_of(&wx.stable_token(false).await);
    token_of(&wx.classic_token().await);
    let classic = token_of(&wx.classic_token().await);

    wx.fake.advance_clock(secs(301));
    assert_eq!(token_of(&wx.stable_token(false).await), stable);
    assert_eq!(errcode(&wx.use_token(&stable).await), 0);

    token_of(&wx.stable_token(true).await);
    assert_eq!(errcode(&wx.use_token(&classic).await), 0);
    assert_eq!(wx.fake.token_fetches(TOKEN), 2);
    assert_eq!(wx.fake.token_fetches(STABLE), 3);
}

#[tokio::test]
async fn a_form_encoded_body_is_a_data_format_error() {
    let wx = start().await;
    let form = format!(
        "grant_type=client_credential&appid={}&secret={}",
        wx.fake.appid(),
        wx.fake.secret()
    );

    let body = wx
        .post_raw(STABLE, "application/x-www-form-urlencoded", &form)
        .await;

    assert_error(&body, 47001, "data format error");
    assert_eq!(wx.fake.token_fetches(STABLE), 0);
}

#[tokio::test]
async fn a_body_that_is_not_json_or_has_wrong_types_is_a_data_format_error() {
    let wx = start().await;
    let not_json = wx
        .post_raw(STABLE, "application/json", "grant_type=client_credential")
        .await;
    assert_error(&not_json, 47001, "data format error");

    let wrong_type = json!({
        "grant_type": "client_credential",
        "appid": wx.fake.appid(),
        "secret": wx.fake.secret(),
        "force_refresh": "false",
    });
    assert_error(
        &wx.post_json(STABLE, &wrong_type).await,
        47001,
        "data format error",
    );
    assert_error(
        &wx.post_json(STABLE, &json!([1, 2])).await,
        47001,
        "data format error",
    );
}

#[tokio::test]
async fn stable_token_checks_credentials_and_grant_type() {
    let wx = start().await;
    let with = |appid: &str, secret: &str, grant_type: &str| json!({ "grant_type": grant_type, "appid": appid, "secret": secret });
    let (appid, secret) = (wx.fake.appid(), wx.fake.secret());

    let other_app = with("wx-other", secret, "client_credential");
    assert_error(
        &wx.post_json(STABLE, &other_app).await,
        40013,
        "invalid appid",
    );
    let wrong_secret = with(appid, "wrong", "client_credential");
    assert_error(
        &wx.post_json(STABLE, &wrong_secret).await,
        40125,
        "invalid appsecret",
    );
    let wrong_grant = with(appid, secret, "authorization_code");
    assert_error(
        &wx.post_json(STABLE, &wrong_grant).await,
        40002,
        "invalid grant_type",
    );
    let no_appid = json!({ "grant_type": "client_credential", "secret": secret });
    assert_error(
        &wx.post_json(STABLE, &no_appid).await,
        41002,
        "appid missing",
    );
    let force_is_optional =
        json!({ "grant_type": "client_credential", "appid": appid, "secret": secret });
    token_of(&wx.post_json(STABLE, &force_is_optional).await);
}

#[tokio::test]
async fn stable_token_requires_post() {
    let wx = start().await;

    assert_error(&wx.get(STABLE, &[]).await, 43002, "require POST method");
}
