use api_tests::{month_from_now, on_both_stores};
use chrono::TimeZone;
use huodongri::scheduler::run_due;
use serde_json::{Value, json};

fn at(month: &str, day: u32, hour: u32, minute: u32) -> chrono::DateTime<chrono::FixedOffset> {
    let (y, m) = month.split_once('-').expect("YYYY-MM");
    huodongri::clock::shanghai()
        .with_ymd_and_hms(
            y.parse().expect("year"),
            m.parse().expect("month"),
            day,
            hour,
            minute,
            0,
        )
        .single()
        .expect("a valid time")
}

on_both_stores! {
    async fn on_the_10th_approved_but_unpublished_previews_are_pushed_exactly_once(app) {
        let w = app.world().await;
        let month = month_from_now(2);
        app.ensure_calendar_year(&w.admin, &month[..4]).await;
        let body = json!({"month": month, "theme": "主题党日", "category": "党课", "start_time": "09:00",
                          "end_time": "10:00", "place": "会议室", "organiser": "甲书记"});
        let plan: Value = app.post_as(&w.secretary_a, &format!("/api/v1/orgs/{}/plans", w.branch_a), &body).await.json().await.expect("json");
        let id = plan["id"].as_i64().expect("id");
        app.post_as(&w.secretary_a, &format!("/api/v1/plans/{id}/submit"), &json!({})).await;
        app.post_as(&w.reviewer, &format!("/api/v1/plans/{id}/approve"), &json!({})).await;
        let draft_b: Value = app.post_as(&w.reviewer, &format!("/api/v1/orgs/{}/plans", w.branch_b), &body).await.json().await.expect("json");

        let settings = &app.settings;
        let early = run_due(&app.db, at(&month, 10, 8, 59), &settings.scheduler, &settings.wechat).await.expect("runs");
        assert!(early.is_empty(), "not due before 09:00 on the 10th");

        // Two instances tick at once, after a downtime over the due time: one runs the job.
        let late = at(&month, 15, 12, 0);
        let (a, b) = tokio::join!(
            run_due(&app.db, late, &settings.scheduler, &settings.wechat),
            run_due(&app.db, late, &settings.scheduler, &settings.wechat)
        );
        let ran: Vec<String> = a.expect("a").into_iter().chain(b.expect("b")).collect();
        assert_eq!(ran, vec![format!("preview_push:{month}")]);
        let again = run_due(&app.db, at(&month, 20, 9, 0), &settings.scheduler, &settings.wechat).await.expect("runs");
        assert!(again.is_empty(), "once per month");

        let published: Value = app.get_as(&w.secretary_a, &format!("/api/v1/plans/{id}")).await.json().await.expect("json");
        assert!(published["published_at"].is_string());
        let last = published["history"].as_array().expect("history").last().expect("event").clone();
        assert_eq!(last["action"], "published");
        assert!(last["actor_person_id"].is_null(), "the scheduler acted");
        let deliveries: Value = app.get_as(&w.secretary_a, &format!("/api/v1/plans/{id}/deliveries")).await.json().await.expect("json");
        assert!(!deliveries.as_array().expect("rows").is_empty(), "pushes were queued");
        let untouched: Value = app.get_as(&w.reviewer, &format!("/api/v1/plans/{}", draft_b["id"])).await.json().await.expect("json");
        assert!(untouched["published_at"].is_null(), "a plan not yet approved is not published");
    }
}
