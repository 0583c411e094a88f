//! Feedback on an activity: only those who attended, once, within the window after it ends;
//! aggregates only from five answers on, never traceable to a member; a member sees their
//! own answer; the organisation's average beside its attendance rate.
use api_tests::{Someone, TestApp, error_code, on_both_stores};
use chrono::Duration;
use huodongri::{
    clock,
    entities::{activity_feedback, activity_plan},
};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::{Value, json};

use crate::checkin::{scan_now, venue};

/// Moves the activity's day `days` back, as if that much time had passed since.
async fn held_days_ago(app: &TestApp, id: i64, days: i64) {
    let mut plan = activity_plan::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .expect("read")
        .expect("plan")
        .into_active_model();
    let today = clock::now().with_timezone(&clock::shanghai()).date_naive();
    plan.activity_date = Set(today - Duration::days(days));
    plan.update(&app.db).await.expect("moved");
}

async fn rate(app: &TestApp, who: &Someone, id: i64, body: Value) -> reqwest::Response {
    app.post_as(who, &format!("/api/v1/activities/{id}/feedback"), &body)
        .await
}

async fn summary(app: &TestApp, who: &Someone, id: i64) -> Value {
    let response = app
        .get_as(who, &format!("/api/v1/activities/{id}/feedback/summary"))
        .await;
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.expect("json")
}

on_both_stores! {
    async fn members_who_came_rate_an_activity_once_and_staff_see_only_aggregates(app) {
        let w = app.world().await;
        let mut members = Vec::new();
        for i in 0..7 {
            members.push(app.add_person(&format!("党员{i}"), &format!("1370000050{i}"), w.branch_a).await);
        }
        let id = app.open_activity(&w).await;
        let (code, token) = venue(&app, &w.secretary_a, id).await;
        for m in &members[..6] {
            assert_eq!(scan_now(&app, m, &code, &token).await["result"], "ok");
        }
        // Not before the activity has ended.
        let early = rate(&app, &members[0], id, json!({"rating": 5})).await;
        assert_eq!(error_code(early).await, "feedback.closed");
        held_days_ago(&app, id, 1).await;
        for bad in [json!({"rating": 0}), json!({"rating": 6}), json!({"rating": 3, "comment": "长".repeat(501)})] {
            assert_eq!(error_code(rate(&app, &members[0], id, bad.clone()).await).await, "feedback.invalid_input", "{bad}");
        }
        assert_eq!(rate(&app, &members[0], id, json!({"rating": "five"})).await.status().as_u16(), 400);
        let absent = rate(&app, &members[6], id, json!({"rating": 5})).await;
        assert_eq!(error_code(absent).await, "feedback.not_attended");
        let answers = [(5, "形式新颖"), (4, ""), (4, "很有收获"), (3, "时间有点长")];
        for (m, (rating, comment)) in members.iter().zip(answers) {
            assert_eq!(rate(&app, m, id, json!({"rating": rating, "comment": comment})).await.status().as_u16(), 201);
        }
        let twice = rate(&app, &members[0], id, json!({"rating": 1})).await;
        assert_eq!(error_code(twice).await, "feedback.already_given");

        // Four answers: only the count, so no answer can be singled out.
        let few = summary(&app, &w.secretary_a, id).await;
        assert_eq!((few["answers"].as_u64(), few["enough"].as_bool()), (Some(4), Some(false)));
        assert!(few["distribution"].is_null() && few["average"].is_null());
        assert!(few["comments"].as_array().expect("comments").is_empty());
        assert_eq!(rate(&app, &members[4], id, json!({"rating": 2, "comment": "不如上次"})).await.status().as_u16(), 201);
        let enough = summary(&app, &w.reviewer, id).await;
        assert_eq!(enough["enough"], true);
        assert_eq!(enough["distribution"], json!([0, 1, 1, 2, 1]));
        assert_eq!(enough["average"], 3.6);
        let mut comments = vec!["形式新颖", "很有收获", "时间有点长", "不如上次"];
        comments.sort_unstable();
        assert_eq!(enough["comments"], json!(comments), "in a fixed order, never the order given");
        assert_eq!(error_code(app.get_as(&w.member_b, &format!("/api/v1/activities/{id}/feedback/summary")).await).await, "auth.forbidden");
        assert_eq!(error_code(app.get_as(&members[0], &format!("/api/v1/activities/{id}/feedback/summary")).await).await, "auth.forbidden");

        // Each member sees their own answer, and nothing links an answer to a person.
        let mine: Value = app.get_as(&members[2], &format!("/api/v1/activities/{id}/feedback")).await.json().await.expect("json");
        assert_eq!(mine["mine"], json!({"rating": 4, "comment": "很有收获"}));
        assert_eq!(mine["can_answer"], false);
        let theirs: Value = app.get_as(&members[5], &format!("/api/v1/activities/{id}/feedback")).await.json().await.expect("json");
        assert!(theirs["mine"].is_null());
        assert_eq!(theirs["can_answer"], true);
        let stored = activity_feedback::Entity::find().all(&app.db).await.expect("read");
        assert_eq!(stored.len(), 5);
        let receipts: std::collections::HashSet<&str> = stored.iter().map(|r| r.receipt.as_str()).collect();
        assert_eq!(receipts.len(), 5, "one keyed receipt per answer");
        assert!(stored.iter().all(|r| r.id.len() == 32), "random ids, not a sequence that follows who answered when");

        // The organisation's average sits beside its attendance rate.
        let month = (clock::now().with_timezone(&clock::shanghai()).date_naive() - Duration::days(1)).format("%Y-%m");
        let attendance: Value = app.get_as(&w.reviewer, &format!("/api/v1/orgs/{}/attendance?month={month}", w.committee)).await.json().await.expect("json");
        let branch = attendance["organisations"].as_array().expect("orgs").iter().find(|o| o["org_id"] == w.branch_a).expect("branch A");
        assert_eq!(branch["feedback_answers"], 5);
        assert_eq!(branch["feedback_average"], 3.6);

        // After the window nobody answers any more.
        held_days_ago(&app, id, 5).await;
        let late = rate(&app, &members[5], id, json!({"rating": 5})).await;
        assert_eq!(error_code(late).await, "feedback.closed");
    }
}
