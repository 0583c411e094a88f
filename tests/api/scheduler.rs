use api_tests::{month_from_now, on_both_stores};
use chrono::{Datelike, TimeZone};
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
        let id = app.draft_plan(&w, &body).await;
        app.file_plan(&w, id).await;
        let draft_b: Value = app.post_as(&w.reviewer, &format!("/api/v1/orgs/{}/plans", w.branch_b), &body).await.json().await.expect("json");

        let settings = &app.settings;
        let early = run_due(&app.db, at(&month, 10, 8, 59), settings).await.expect("runs");
        assert!(early.iter().all(|j| !j.starts_with("preview_push")), "not due before 09:00 on the 10th: {early:?}");

        // Two instances tick at once, after a downtime over the due time: one runs the job.
        let late = at(&month, 15, 12, 0);
        let (a, b) = tokio::join!(
            run_due(&app.db, late, settings),
            run_due(&app.db, late, settings)
        );
        let ran: Vec<String> = a.expect("a").into_iter().chain(b.expect("b")).filter(|j| j.starts_with("preview_push")).collect();
        assert_eq!(ran, vec![format!("preview_push:{month}")]);
        let again = run_due(&app.db, at(&month, 20, 9, 0), settings).await.expect("runs");
        assert!(again.iter().all(|j| !j.starts_with("preview_push")), "once per month: {again:?}");

        let published: Value = app.get_as(&w.secretary_a, &format!("/api/v1/plans/{id}")).await.json().await.expect("json");
        assert!(published["published_at"].is_string());
        let last = published["history"].as_array().expect("history").last().expect("event").clone();
        assert_eq!(last["action"], "published");
        assert!(last["actor_person_id"].is_null(), "the scheduler acted");
        let deliveries: Value = app.get_as(&w.secretary_a, &format!("/api/v1/plans/{id}/deliveries")).await.json().await.expect("json");
        assert!(!deliveries["people"].as_array().expect("rows").is_empty(), "pushes were queued");
        let untouched: Value = app.get_as(&w.reviewer, &format!("/api/v1/plans/{}", draft_b["id"])).await.json().await.expect("json");
        assert!(untouched["published_at"].is_null(), "a plan not yet approved is not published");
    }
}

const REMINDER: &str = "TPL_ACTIVITY_REMINDER";

async fn reachable(app: &api_tests::TestApp, who: &api_tests::Someone, openid: &str) {
    use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
    let person = huodongri::entities::person::Entity::find_by_id(who.id)
        .one(&app.db)
        .await
        .expect("read")
        .expect("exists");
    let mut active = person.into_active_model();
    active.wechat_openid = Set(Some(openid.to_owned()));
    active.update(&app.db).await.expect("bound");
    app.wechat.grant_long_term(openid, REMINDER);
    let reported = app
        .post_as(
            who,
            "/api/v1/subscriptions",
            &json!({"results": {REMINDER: "accept"}}),
        )
        .await;
    assert_eq!(reported.status().as_u16(), 204);
}

async fn reminders_to(
    app: &api_tests::TestApp,
    openid: &str,
    expected: usize,
) -> Vec<wechat_fake::DeliveredMessage> {
    for _ in 0..100 {
        let got: Vec<_> = app
            .wechat
            .delivered_to(openid)
            .into_iter()
            .filter(|m| m.template_id == REMINDER)
            .collect();
        if got.len() >= expected {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            return app
                .wechat
                .delivered_to(openid)
                .into_iter()
                .filter(|m| m.template_id == REMINDER)
                .collect();
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{openid} did not get {expected} reminder(s)");
}

on_both_stores! {
    async fn secretaries_are_reminded_on_the_5th_and_8th_and_members_the_day_before(app) {
        let w = app.world().await;
        let month = month_from_now(2);
        app.ensure_calendar_year(&w.admin, &month[..4]).await;
        reachable(&app, &w.secretary_a, "o-sec-a").await;
        reachable(&app, &w.member_a, "o-mem-a").await;
        let settings = &app.settings;

        // The 5th: branch A has no plan yet.
        let ran = run_due(&app.db, at(&month, 5, 9, 1), settings).await.expect("runs");
        assert!(ran.contains(&format!("remind_submit:{month}")), "{ran:?}");
        let first = reminders_to(&app, "o-sec-a", 1).await;
        assert_eq!(first.len(), 1);
        assert!(first[0].data["thing1"].contains("提交"), "{:?}", first[0].data);
        assert!(run_due(&app.db, at(&month, 6, 9, 1), settings).await.expect("runs").iter().all(|j| !j.starts_with("remind_submit")));

        // The 8th: the plan is submitted but not approved.
        let body = json!({"month": month, "theme": "主题党日", "category": "党课", "start_time": "09:00",
                          "end_time": "10:00", "place": "会议室", "organiser": "甲书记"});
        let plan: Value = app.post_as(&w.secretary_a, &format!("/api/v1/orgs/{}/plans", w.branch_a), &body).await.json().await.expect("json");
        let id = plan["id"].as_i64().expect("id");
        app.post_as(&w.secretary_a, &format!("/api/v1/plans/{id}/submit"), &json!({})).await;
        let ran = run_due(&app.db, at(&month, 8, 9, 1), settings).await.expect("runs");
        assert!(ran.contains(&format!("remind_approve:{month}")), "{ran:?}");
        let second = reminders_to(&app, "o-sec-a", 2).await;
        assert_eq!(second.len(), 2);

        // The day before the activity, at 18:00: expected participants.
        app.post_as(&w.reviewer, &format!("/api/v1/plans/{id}/approve"), &json!({})).await;
        app.post_as(&w.secretary_a, &format!("/api/v1/plans/{id}/publish"), &json!({})).await;
        let day: chrono::NaiveDate = plan["date"].as_str().expect("date").parse().expect("a date");
        let eve = day.pred_opt().expect("the day before");
        let eve_month = format!("{}", eve.format("%Y-%m"));
        use chrono::Datelike;
        let ran = run_due(&app.db, at(&eve_month, eve.day(), 18, 1), settings).await.expect("runs");
        assert!(ran.contains(&format!("remind_members:{eve}")), "{ran:?}");
        let member = reminders_to(&app, "o-mem-a", 1).await;
        assert_eq!(member.len(), 1);
        assert_eq!(member[0].data["thing1"], "主题党日");
        assert_eq!(reminders_to(&app, "o-sec-a", 3).await.len(), 3, "the secretary is also an expected participant");
    }
}

on_both_stores! {
    async fn the_years_scores_are_recomputed_every_night_once(app) {
        use sea_orm::{EntityTrait, PaginatorTrait};
        let _w = app.world().await;
        let today = huodongri::clock::today();
        let month = today.format("%Y-%m").to_string();
        let settings = &app.settings;
        let before = run_due(&app.db, at(&month, today.day(), 1, 59), settings).await.expect("runs");
        assert!(before.iter().all(|j| !j.starts_with("assess_year")), "{before:?}");
        let ran = run_due(&app.db, at(&month, today.day(), 2, 1), settings).await.expect("runs");
        assert!(ran.contains(&format!("assess_year:{today}")), "{ran:?}");
        let scores = huodongri::entities::assessment_score::Entity::find().count(&app.db).await.expect("count");
        assert_eq!(scores, 6, "every organisation of the city, data or not");
        let again = run_due(&app.db, at(&month, today.day(), 3, 0), settings).await.expect("runs");
        assert!(again.iter().all(|j| !j.starts_with("assess_year")), "once a night: {again:?}");
    }
}
