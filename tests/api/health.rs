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
    async fn metrics_need_an_operator_token_and_count_requests_and_check_ins_by_outcome(app) {
        let w = app.world().await;
        assert_eq!(app.get("/metrics").await.status().as_u16(), 401, "no token");
        let member = app.client.get(app.url("/metrics")).bearer_auth(&w.member_a.token).send().await.expect("sent");
        assert_eq!(member.status().as_u16(), 403, "a person's ordinary token is not an operator's");
        assert_eq!(api_tests::error_code(member).await, "auth.forbidden");

        // A check-in refused for its token, so there is an outcome to count.
        let plan = app.open_activity(&w).await;
        let (code, token) = crate::checkin::venue(&app, &w.secretary_a, plan).await;
        let scanned: serde_json::Value = app.post_as(&w.member_a, "/api/v1/checkins", &serde_json::json!({
            "activity_code": code, "token": "forged-token-0000", "nonce": uuid::Uuid::new_v4().simple().to_string()})).await.json().await.expect("json");
        assert_eq!(scanned["result"], "invalid_token");
        let present: serde_json::Value = app.post_as(&w.member_a, "/api/v1/checkins", &serde_json::json!({
            "activity_code": code, "token": token, "nonce": uuid::Uuid::new_v4().simple().to_string()})).await.json().await.expect("json");
        assert_eq!(present["result"], "ok", "through the group-commit writer");

        let operator = huodongri::cli::issue_token(&app.db, &app.settings, &w.admin.phone, std::time::Duration::from_secs(600)).await.expect("a token");
        let metrics = app.client.get(app.url("/metrics")).bearer_auth(&operator).send().await.expect("sent");
        assert_eq!(metrics.status().as_u16(), 200);
        let text = metrics.text().await.expect("text");
        assert!(text.contains("# TYPE http_request_duration_seconds histogram"), "{text}");
        assert!(text.contains("route=\"/api/v1/checkins\""), "requests by route pattern: {text}");
        assert!(text.contains("checkin_outcomes_total{outcome=\"invalid_token\"}"), "check-ins by outcome: {text}");
        assert!(!text.contains(&format!("/api/v1/plans/{plan}")), "never a raw path with an id");
        assert!(text.contains("push_outbox_depth") && text.contains("push_outbox_oldest_age_seconds"));
        assert!(text.contains("checkin_writer_batch_rows_count") && text.contains("checkin_writer_queue_depth"), "{text}");
        assert!(text.contains("db_pool_connections{state=\"in_use\"}"));
        assert!(text.ends_with("# EOF\n"));
        huodongri::cli::revoke_tokens(&app.db, &w.admin.phone).await.expect("revoked");
        let revoked = app.client.get(app.url("/metrics")).bearer_auth(&operator).send().await.expect("sent");
        assert_eq!(revoked.status().as_u16(), 401, "a revoked operator token");
    }
}

#[tokio::test]
async fn metrics_are_open_on_the_operators_listener_only() {
    let wechat = wechat_fake::spawn().await;
    let mut settings = test_settings(Stores::Embedded, &wechat).expect("embedded settings");
    let free = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let admin = free.local_addr().expect("an address");
    drop(free);
    settings.application.admin_bind = Some(admin.to_string());
    let app = spawn_with(Stores::Embedded, settings, wechat).await;
    let scraped = app
        .client
        .get(format!("http://{admin}/metrics"))
        .send()
        .await
        .expect("sent");
    assert_eq!(
        scraped.status().as_u16(),
        200,
        "Prometheus scrapes the operators' listener without a token"
    );
    assert!(
        scraped
            .text()
            .await
            .expect("text")
            .contains("http_request_duration_seconds")
    );
    assert_eq!(
        app.get("/metrics").await.status().as_u16(),
        401,
        "the public listener still needs a token"
    );
}
