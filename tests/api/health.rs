use api_tests::{Stores, on_both_stores, spawn_with, test_settings};
use secrecy::SecretString;

on_both_stores! {
    async fn liveness_and_readiness_answer_ok(app) {
        let live = app.get("/healthz").await;
        assert_eq!(live.status().as_u16(), 200);
        let ready = app.get("/readyz").await;
        assert_eq!(ready.status().as_u16(), 200);
        let body: serde_json::Value = ready.json().await.expect("json");
        assert_eq!(body["status"], "ready");
        let (db, cache) = match app.stores {
            Stores::Embedded => ("sqlite", "in-process"),
            Stores::Production => ("postgresql", "redis"),
        };
        assert_eq!(body["database"]["kind"], db);
        assert_eq!(body["cache"]["kind"], cache);
    }

    async fn every_response_carries_a_request_id(app) {
        let first = app.get("/healthz").await;
        let second = app.get("/healthz").await;
        let id = |r: &reqwest::Response| {
            r.headers()["x-request-id"].to_str().expect("ascii").to_owned()
        };
        assert_ne!(id(&first), id(&second));
    }
}

#[tokio::test]
async fn readiness_reports_a_redis_that_is_down_while_the_server_keeps_serving() {
    let wechat = wechat_fake::spawn().await;
    let mut settings = test_settings(Stores::Embedded, &wechat).expect("embedded settings");
    settings.cache.redis_url = Some(SecretString::from("redis://127.0.0.1:1".to_owned()));
    settings.cache.timeout_ms = 300;
    let app = spawn_with(Stores::Embedded, settings, wechat).await;

    let ready = app.get("/readyz").await;
    assert_eq!(ready.status().as_u16(), 503);
    let body: serde_json::Value = ready.json().await.expect("json");
    assert_eq!(body["status"], "not_ready");
    assert_eq!(body["cache"]["kind"], "redis");
    assert_eq!(body["cache"]["ok"], false);
    assert_eq!(body["database"]["ok"], true);
    assert_eq!(app.get("/healthz").await.status().as_u16(), 200);
}
