//! Garbage in, a stable JSON error out: never a 500, never a plain-text body.
use api_tests::{error_code, on_both_stores};
use serde_json::json;

on_both_stores! {
    async fn malformed_requests_get_a_4xx_json_error_with_a_stable_code(app) {
        let cases: Vec<(&str, reqwest::Response, u16, &str)> = vec![
            ("invalid JSON", app.post_raw("/api/v1/auth/wechat", "application/json", "{\"code\":").await, 400, "request.invalid_body"),
            ("wrong type", app.post_json("/api/v1/auth/wechat", &json!({"code": 42})).await, 400, "request.invalid_body"),
            ("missing field", app.post_json("/api/v1/auth/wechat", &json!({})).await, 400, "request.invalid_body"),
            ("JSON array", app.post_json("/api/v1/auth/wechat", &json!([1, 2])).await, 400, "request.invalid_body"),
            ("not JSON content type", app.post_raw("/api/v1/auth/wechat", "text/plain", "code=1").await, 415, "request.unsupported_media_type"),
            ("10 MB JSON body", app.post_raw("/api/v1/auth/wechat", "application/json", vec![b' '; 10 * 1024 * 1024]).await, 413, "request.body_too_large"),
            ("unknown route", app.get("/api/v1/nope").await, 404, "request.not_found"),
            ("wrong method", app.client.delete(app.url("/api/v1/auth/wechat")).send().await.expect("sent"), 405, "request.method_not_allowed"),
            ("non-numeric path id", app.client.get(app.url("/api/v1/orgs/abc")).bearer_auth("x").send().await.expect("sent"), 401, "auth.token_invalid"),
            ("garbage bearer", app.client.get(app.url("/api/v1/me")).bearer_auth("garbage").send().await.expect("sent"), 401, "auth.token_invalid"),
        ];
        for (what, response, status, code) in cases {
            assert_eq!(response.status().as_u16(), status, "{what}");
            assert_eq!(error_code(response).await, code, "{what}");
        }
    }

    async fn bad_path_and_query_parameters_are_400s(app) {
        let w = app.world().await;
        let path = app.get_as(&w.admin, "/api/v1/orgs/abc").await;
        assert_eq!(path.status().as_u16(), 400);
        assert_eq!(error_code(path).await, "request.invalid_path");
        let query = app.get_as(&w.admin, &format!("/api/v1/orgs/{}/people?page=-1", w.city)).await;
        assert_eq!(query.status().as_u16(), 400);
        assert_eq!(error_code(query).await, "request.invalid_query");
        let huge = app.get_as(&w.admin, "/api/v1/orgs/99999999999999999999").await;
        assert_eq!(error_code(huge).await, "request.invalid_path");
        let missing = app.get_as(&w.admin, "/api/v1/orgs/424242").await;
        assert_eq!(missing.status().as_u16(), 404);
        assert_eq!(error_code(missing).await, "org.not_found");
        let format = app.get_as(&w.admin, &format!("/api/v1/orgs/{}/roster?format=pdf", w.city)).await;
        assert_eq!(error_code(format).await, "directory.invalid_input");
        let bad_person = app.post_as(&w.admin, &format!("/api/v1/orgs/{}/people", w.branch_a), &json!({"name": "", "phone": "123", "status": "x"})).await;
        assert_eq!(bad_person.status().as_u16(), 400);
        assert_eq!(error_code(bad_person).await, "directory.invalid_input");
    }
}
