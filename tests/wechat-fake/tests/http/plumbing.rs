use std::time::{Duration, Instant};

use serde_json::json;

use crate::helpers::{DOMAIN_IP, LOGIN, STABLE, TOKEN, assert_error, errcode, start, token_of};

#[tokio::test]
async fn an_injected_fault_answers_once_instead_of_the_real_endpoint() {
    let wx = start().await;
    let code = wx.fake.mint_code("o-alice");
    wx.fake.fail_next(LOGIN, -1, 1);

    assert_error(&wx.login(&code).await, -1, "system error");

    assert_eq!(
        wx.login(&code).await["openid"],
        "o-alice",
        "the fault used no code"
    );
}

#[tokio::test]
async fn faults_repeat_as_asked_and_stay_on_their_path() {
    let wx = start().await;
    wx.fake.fail_next(TOKEN, 45009, 2);

    assert_eq!(errcode(&wx.stable_token(false).await), 0);
    assert_error(
        &wx.classic_token().await,
        45009,
        "reach max api daily quota limit",
    );
    assert_error(
        &wx.classic_token().await,
        45009,
        "reach max api daily quota limit",
    );
    token_of(&wx.classic_token().await);
}

#[tokio::test]
async fn a_delay_slows_the_answer_enough_for_a_client_timeout() {
    let wx = start().await;
    wx.fake.delay(TOKEN, Duration::from_millis(400));

    let impatient = wx
        .http
        .get(wx.url(TOKEN, &[]))
        .timeout(Duration::from_millis(100))
        .send()
        .await;
    assert!(
        impatient
            .expect_err("the call should time out")
            .is_timeout()
    );

    let started = Instant::now();
    token_of(&wx.classic_token().await);
    assert!(started.elapsed() >= Duration::from_millis(400));

    wx.fake.delay(TOKEN, Duration::ZERO);
    let started = Instant::now();
    token_of(&wx.classic_token().await);
    assert!(started.elapsed() < Duration::from_millis(400));
}

#[tokio::test]
async fn every_request_is_recorded_with_its_query_and_json_body() {
    let wx = start().await;
    let code = wx.fake.mint_code("o-alice");
    wx.login(&code).await;
    wx.stable_token(true).await;
    wx.post_raw(STABLE, "application/x-www-form-urlencoded", "a=b")
        .await;

    let requests = wx.fake.requests();

    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].method, "GET");
    assert_eq!(requests[0].path, LOGIN);
    assert_eq!(requests[0].query["js_code"], code);
    assert_eq!(requests[0].query["appid"], wx.fake.appid());
    assert_eq!(requests[0].body, None);
    assert_eq!(requests[1].method, "POST");
    assert_eq!(
        requests[1].body.as_ref().expect("a JSON body")["force_refresh"],
        true
    );
    assert_eq!(
        requests[1].content_type.as_deref(),
        Some("application/json")
    );
    assert_eq!(
        requests[2].content_type.as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(wx.fake.requests_to(STABLE).len(), 2);
}

#[tokio::test]
async fn an_authenticated_api_checks_the_access_token() {
    let wx = start().await;

    assert_error(&wx.get(DOMAIN_IP, &[]).await, 41001, "access_token missing");
    assert_error(&wx.use_token("").await, 41001, "access_token missing");
    assert_error(
        &wx.use_token("not a token!").await,
        40014,
        "invalid access_token",
    );
    assert_error(
        &wx.use_token("93_neverIssued").await,
        40001,
        "invalid credential",
    );

    let token = token_of(&wx.classic_token().await);
    let body = wx.use_token(&token).await;
    assert_eq!(body["ip_list"], json!(["127.0.0.1"]));
}

#[tokio::test]
async fn a_path_the_fake_lacks_is_a_404_in_the_fakes_words() {
    let wx = start().await;

    let response = wx
        .http
        .post(wx.url("/cgi-bin/message/no_such_api", &[]))
        .send()
        .await
        .expect("sent");

    assert_eq!(response.status().as_u16(), 404);
    let body: serde_json::Value = response.json().await.expect("JSON");
    let message = body["fake_error"].as_str().expect("a message");
    assert!(
        message.contains("/cgi-bin/message/no_such_api"),
        "{message}"
    );
}

#[tokio::test]
async fn the_server_stops_when_the_fake_is_dropped() {
    let wx = start().await;
    let url = wx.url(TOKEN, &[]);
    let client = wx.http.clone();
    drop(wx);
    tokio::time::sleep(Duration::from_millis(200)).await;

    let result = client.get(url).timeout(Duration::from_secs(2)).send().await;

    assert!(result.is_err(), "nothing should answer any more");
}
