use serde_json::{Value, json};

use crate::helpers::{LOGIN, TOKEN, assert_error, errcode, start, token_of};

async fn json_of(response: reqwest::Response) -> Value {
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.expect("JSON")
}

#[tokio::test]
async fn codes_minted_over_http_exchange_like_library_ones() {
    let wx = start().await;
    let minted = json_of(
        wx.control(
            "/__fake/codes",
            &json!({ "openid": "o-alice", "unionid": "u-alice" }),
        )
        .await,
    )
    .await;
    let code = minted["code"].as_str().expect("a code");

    let body = wx.login(code).await;

    assert_eq!(body["openid"], "o-alice");
    assert_eq!(body["unionid"], "u-alice");
}

#[tokio::test]
async fn the_clock_endpoint_moves_fake_time() {
    let wx = start().await;
    let code = wx.fake.mint_code("o-alice");
    let before = wx.fake.now();

    let moved = json_of(
        wx.control("/__fake/clock", &json!({ "advance_seconds": 301 }))
            .await,
    )
    .await;

    let now: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(moved["now"].clone()).expect("a timestamp");
    assert!(now - before >= chrono::TimeDelta::seconds(301));
    assert_error(&wx.login(&code).await, 40029, "invalid code");
}

#[tokio::test]
async fn faults_risky_users_and_delays_can_be_set_over_http() {
    let wx = start().await;
    let fault = json!({ "path": TOKEN, "errcode": -1, "times": 1 });
    json_of(wx.control("/__fake/faults", &fault).await).await;
    assert_error(&wx.classic_token().await, -1, "system error");
    token_of(&wx.classic_token().await);

    json_of(
        wx.control("/__fake/risky", &json!({ "openid": "o-mallory" }))
            .await,
    )
    .await;
    let code = wx.fake.mint_code("o-mallory");
    assert_error(&wx.login(&code).await, 40226, "code blocked");

    let delay = json!({ "path": LOGIN, "millis": 300 });
    json_of(wx.control("/__fake/delays", &delay).await).await;
    let started = std::time::Instant::now();
    wx.login("whatever").await;
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));
}

#[tokio::test]
async fn recorded_requests_and_token_fetches_can_be_read_over_http() {
    let wx = start().await;
    let code = wx.fake.mint_code("o-alice");
    wx.login(&code).await;
    wx.classic_token().await;
    let base = wx.fake.uri();

    let requests: Value = json_of(
        wx.http
            .get(format!("{base}/__fake/requests"))
            .send()
            .await
            .expect("sent"),
    )
    .await;
    let paths: Vec<&str> = requests
        .as_array()
        .expect("an array")
        .iter()
        .map(|r| r["path"].as_str().expect("a path"))
        .collect();
    assert_eq!(
        paths,
        vec![LOGIN, TOKEN],
        "control requests are not recorded"
    );
    assert_eq!(requests[0]["query"]["js_code"], code.as_str());

    let fetches = json_of(
        wx.http
            .get(format!("{base}/__fake/token-fetches"))
            .send()
            .await
            .expect("sent"),
    )
    .await;
    assert_eq!(fetches[TOKEN]["fetches"], 1);

    let cleared = wx
        .http
        .delete(format!("{base}/__fake/requests"))
        .send()
        .await
        .expect("sent");
    assert_eq!(cleared.status().as_u16(), 204);
    assert!(wx.fake.requests().is_empty());
}

#[tokio::test]
async fn the_summary_names_the_app_and_the_endpoints() {
    let wx = start().await;

    let summary = json_of(
        wx.http
            .get(format!("{}/__fake", wx.fake.uri()))
            .send()
            .await
            .expect("sent"),
    )
    .await;

    assert_eq!(summary["appid"], wx.fake.appid());
    assert_eq!(summary["secret"], wx.fake.secret());
    let listed = summary["control_endpoints"].to_string();
    assert!(listed.contains("/__fake/codes") && listed.contains("/__fake/faults"));
}

#[tokio::test]
async fn bad_control_input_is_a_400_with_a_json_reason() {
    let wx = start().await;

    for (path, body) in [
        ("/__fake/codes", json!({ "openid": "" })),
        ("/__fake/codes", json!({ "unionid": "u" })),
        (
            "/__fake/faults",
            json!({ "path": "cgi-bin/token", "errcode": -1 }),
        ),
        ("/__fake/clock", json!({ "advance_seconds": -5 })),
    ] {
        let response = wx.control(path, &body).await;
        assert_eq!(response.status().as_u16(), 400, "{path} {body}");
        let reason: Value = response.json().await.expect("JSON");
        assert!(reason["error"].is_string(), "{reason}");
    }
    assert_eq!(
        errcode(&wx.classic_token().await),
        0,
        "nothing was injected"
    );
}
