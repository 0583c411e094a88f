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

on_both_stores! {
    async fn the_calendar_moves_the_20th_by_the_official_holidays(app) {
        let body: serde_json::Value = app.get("/api/v1/calendar/2021").await.json().await.expect("json");
        assert_eq!(body["policy"], "next_working_day");
        assert_eq!(body["months"][1]["activity_day"], "2021-02-20", "a make-up Saturday is a working day");
        assert_eq!(body["months"][8]["activity_day"], "2021-09-22");
        assert!(body["months"][8]["moved_because"].is_string());
        assert_eq!(body["months"][8]["preview_deadline"], "2021-09-10");
        let body: serde_json::Value = app.get("/api/v1/calendar/2015?policy=statutory_only").await.json().await.expect("json");
        assert_eq!(body["months"][1]["activity_day"], "2015-02-25");
        let missing = app.get("/api/v1/calendar/2027").await;
        assert_eq!(missing.status().as_u16(), 404);
        assert_eq!(api_tests::error_code(missing).await, "calendar.year_missing");
        let bad = app.get("/api/v1/calendar/2021?policy=sometimes").await;
        assert_eq!(api_tests::error_code(bad).await, "calendar.invalid_input");
    }
}
