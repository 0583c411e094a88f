use std::time::Duration;

use api_tests::{Someone, TestApp, World, error_code, month_from_now, on_both_stores};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::{Value, json};

const TEMPLATE: &str = "TPL_ACTIVITY_PREVIEW";
const SEND: &str = "/cgi-bin/message/subscribe/send";

async fn bind_openid(app: &TestApp, who: &Someone, openid: &str) {
    let person = huodongri::entities::person::Entity::find_by_id(who.id)
        .one(&app.db)
        .await
        .expect("read")
        .expect("exists");
    let mut active = person.into_active_model();
    active.wechat_openid = Set(Some(openid.to_owned()));
    active.update(&app.db).await.expect("bound");
    app.wechat.register_openid(openid);
}

async fn consent(app: &TestApp, who: &Someone) {
    let response = app
        .post_as(
            who,
            "/api/v1/subscriptions",
            &json!({"results": {TEMPLATE: "accept"}}),
        )
        .await;
    assert_eq!(response.status().as_u16(), 204);
}

fn next_month_but_one() -> String {
    month_from_now(2)
}

/// Drafts, submits, approves and publishes a plan for branch A; returns its id.
async fn publish(app: &TestApp, w: &World) -> i64 {
    let body = json!({"month": next_month_but_one(), "theme": "重温入党誓词，过好政治生日，一起学习新修订的党章", "category": "政治生日",
                      "start_time": "14:30", "end_time": "16:00", "place": "党群服务中心三楼会议室", "organiser": "甲书记"});
    let id = app.draft_plan(w, &body).await;
    publish_again(app, w, id).await;
    id
}

async fn publish_again(app: &TestApp, w: &World, id: i64) {
    app.file_plan(w, id).await;
    app.publish_plan(w, id).await;
}

/// The people of the settled report.
async fn settled(app: &TestApp, w: &World, id: i64) -> Vec<Value> {
    app.settled_deliveries(&w.secretary_a, id).await["people"]
        .as_array()
        .expect("rows")
        .clone()
}

fn status_of<'a>(rows: &'a [Value], name: &str) -> &'a str {
    rows.iter()
        .find(|r| r["name"] == name)
        .and_then(|r| r["status"].as_str())
        .unwrap_or("missing")
}

on_both_stores! {
    async fn a_published_preview_reaches_consenting_members_exactly_once(app) {
        let w = app.world().await;
        bind_openid(&app, &w.member_a, "o-member-a").await;
        app.wechat.accept("o-member-a", TEMPLATE);
        consent(&app, &w.member_a).await;
        bind_openid(&app, &w.secretary_a, "o-secretary-a").await;

        let id = publish(&app, &w).await;
        let rows = settled(&app, &w, id).await;
        assert_eq!(status_of(&rows, "甲党员"), "sent");
        assert_eq!(status_of(&rows, "甲书记"), "no_consent", "never accepted");
        assert_eq!(status_of(&rows, "审核员"), "no_wechat", "never bound WeChat");
        let delivered = app.wechat.delivered_to("o-member-a");
        assert_eq!(delivered.len(), 1);
        assert_eq!(delivered[0].data["thing1"].chars().count(), 20, "the theme is cut to WeChat's 20 characters");
        assert!(delivered[0].data["thing1"].ends_with('…'));
        assert_eq!(app.wechat.quota("o-member-a", TEMPLATE), 0);

        // A new version published again queues nothing new: one message per person and plan.
        app.wechat.accept("o-member-a", TEMPLATE);
        consent(&app, &w.member_a).await;
        let mut edit = app.get_as(&w.secretary_a, &format!("/api/v1/plans/{id}")).await.json::<Value>().await.expect("json");
        edit["start_time"] = json!("15:00");
        edit["category"] = json!("political_birthday");
        assert_eq!(app.put_as(&w.secretary_a, &format!("/api/v1/plans/{id}"), &edit).await.status().as_u16(), 200);
        publish_again(&app, &w, id).await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(app.wechat.delivered_to("o-member-a").len(), 1);
    }

    async fn wechat_saying_no_quota_is_recorded_and_not_retried(app) {
        let w = app.world().await;
        bind_openid(&app, &w.member_a, "o-member-a").await;
        consent(&app, &w.member_a).await; // our mirror says yes, WeChat has no accept on file
        let id = publish(&app, &w).await;
        let rows = settled(&app, &w, id).await;
        assert_eq!(status_of(&rows, "甲党员"), "no_consent");
        let row = rows.iter().find(|r| r["name"] == "甲党员").expect("row");
        assert!(row["last_error"].as_str().expect("error").starts_with("43101"));
        assert_eq!(app.wechat.requests_to(SEND).len(), 1, "43101 is not retried");
    }

    async fn a_busy_wechat_is_retried_and_an_expired_token_is_refreshed_once(app) {
        let w = app.world().await;
        bind_openid(&app, &w.member_a, "o-member-a").await;
        app.wechat.accept("o-member-a", TEMPLATE);
        app.wechat.accept("o-member-a", TEMPLATE);
        consent(&app, &w.member_a).await;
        consent(&app, &w.member_a).await;
        app.wechat.fail_next(SEND, -1, 1);
        let id = publish(&app, &w).await;
        let rows = settled(&app, &w, id).await;
        assert_eq!(status_of(&rows, "甲党员"), "sent");
        assert_eq!(rows.iter().find(|r| r["name"] == "甲党员").expect("row")["attempts"], 2);
        assert_eq!(app.wechat.delivered_to("o-member-a").len(), 1);
        assert_eq!(app.wechat.token_fetches("/cgi-bin/stable_token"), 1, "one token shared by every send");

        // The cached token expires at WeChat: 42001, one refresh, then the send goes through.
        app.wechat.advance_clock(Duration::from_secs(7300));
        let plan_b = {
            let body = json!({"month": next_month_but_one(), "theme": "党课", "category": "党课", "start_time": "09:00",
                              "end_time": "10:00", "place": "会议室", "organiser": "乙书记"});
            let created: Value = app.post_as(&w.reviewer, &format!("/api/v1/orgs/{}/plans", w.branch_b), &body).await.json().await.expect("json");
            created["id"].as_i64().expect("id")
        };
        bind_openid(&app, &w.member_b, "o-member-b").await;
        app.wechat.accept("o-member-b", TEMPLATE);
        consent(&app, &w.member_b).await;
        app.post_as(&w.reviewer, &format!("/api/v1/plans/{plan_b}/submit"), &json!({})).await;
        app.post_as(&w.admin, &format!("/api/v1/plans/{plan_b}/approve"), &json!({})).await;
        assert_eq!(app.post_as(&w.reviewer, &format!("/api/v1/plans/{plan_b}/publish"), &json!({})).await.status().as_u16(), 200);
        for _ in 0..100 {
            if !app.wechat.delivered_to("o-member-b").is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(app.wechat.delivered_to("o-member-b").len(), 1);
        assert_eq!(app.wechat.token_fetches("/cgi-bin/stable_token"), 2, "refreshed exactly once");
    }

    async fn subscription_reports_are_validated(app) {
        let w = app.world().await;
        let unknown = app.post_as(&w.member_a, "/api/v1/subscriptions", &json!({"results": {"SOMEONE_ELSES": "accept"}})).await;
        assert_eq!(error_code(unknown).await, "plan.invalid_input");
        let odd = app.post_as(&w.member_a, "/api/v1/subscriptions", &json!({"results": {TEMPLATE: "maybe"}})).await;
        assert_eq!(error_code(odd).await, "plan.invalid_input");
        let empty = app.post_as(&w.member_a, "/api/v1/subscriptions", &json!({"results": {}})).await;
        assert_eq!(error_code(empty).await, "plan.invalid_input");
        let anonymous = app.post_json("/api/v1/subscriptions", &json!({"results": {TEMPLATE: "accept"}})).await;
        assert_eq!(error_code(anonymous).await, "auth.token_missing");
        assert_eq!(app.post_as(&w.member_a, "/api/v1/subscriptions", &json!({"results": {TEMPLATE: "reject"}})).await.status().as_u16(), 204);
        let other = app.get_as(&w.secretary_a, &format!("/api/v1/plans/{}/deliveries", 999_999)).await;
        assert_eq!(error_code(other).await, "plan.not_found");
    }
}
