//! Political birthdays: the list by month with years in the Party (29 February joining
//! dates, a list that crosses the year), a 政治生日 activity for a group of the branch's
//! members (all or nothing), the four items with the secretary's talk counted as a talk,
//! the member's report attached by themself, and the greeting on the day.
use api_tests::{Someone, TestApp, World, error_code, on_both_stores};
use chrono::{Datelike, NaiveDate, TimeZone};
use huodongri::{
    clock,
    domain::PushKind,
    entities::{person, political_birthday, push_outbox, talk},
    scheduler::run_due,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use serde_json::{Value, json};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

async fn joined(app: &TestApp, who: &Someone, on: NaiveDate, exempt: bool) {
    let mut row = person::Entity::find_by_id(who.id)
        .one(&app.db)
        .await
        .expect("read")
        .expect("person")
        .into_active_model();
    row.join_date = Set(Some(on));
    row.exempt = Set(exempt);
    row.update(&app.db).await.expect("roster updated");
}

async fn list(app: &TestApp, who: &Someone, org: i64, query: &str) -> Vec<Value> {
    let response = app
        .get_as(
            who,
            &format!("/api/v1/orgs/{org}/political-birthdays?{query}"),
        )
        .await;
    assert_eq!(response.status().as_u16(), 200, "{query}");
    response
        .json::<Value>()
        .await
        .expect("json")
        .as_array()
        .expect("a list")
        .clone()
}

fn names(rows: &[Value]) -> Vec<&str> {
    rows.iter()
        .map(|r| r["name"].as_str().expect("name"))
        .collect()
}

/// Branch A's activity of the month `months_ahead` from now (one plan a month), on its 1st
/// or today.
async fn birthday_activity(app: &TestApp, w: &World, category: &str, months_ahead: u32) -> i64 {
    let now = clock::now().with_timezone(&clock::shanghai()).date_naive();
    let today = if months_ahead == 0 {
        now
    } else {
        now.with_day(1).expect("first") + chrono::Months::new(months_ahead)
    };
    app.draft_plan(
        w,
        &json!({"month": today.format("%Y-%m").to_string(), "theme": "集体过政治生日",
            "category": category, "date": today.to_string(), "date_reason": "测试",
            "start_time": "14:00", "end_time": "16:00", "place": "党员活动室", "organiser": "甲书记",
            "requirements": ""}),
    )
    .await
}

on_both_stores! {
    async fn the_branch_sees_whose_political_birthday_falls_in_each_month(app) {
        let w = app.world().await;
        let leap = app.add_person("闰年党员", "13700000201", w.branch_a).await;
        let december = app.add_person("腊月党员", "13700000202", w.branch_a).await;
        let january = app.add_person("正月党员", "13700000203", w.branch_b).await;
        joined(&app, &leap, date(2000, 2, 29), false).await;
        joined(&app, &december, date(2010, 12, 20), false).await;
        joined(&app, &january, date(2010, 1, 10), false).await;
        joined(&app, &w.member_a, date(2015, 7, 1), false).await;

        let in_leap_year = list(&app, &w.reviewer, w.committee, "year=2024&month=2").await;
        assert_eq!(names(&in_leap_year), ["闰年党员"]);
        assert_eq!((in_leap_year[0]["birthday"].as_str(), in_leap_year[0]["years"].as_i64()), (Some("2024-02-29"), Some(24)));
        let other_year = list(&app, &w.reviewer, w.committee, "year=2025&month=2").await;
        assert_eq!((other_year[0]["birthday"].as_str(), other_year[0]["years"].as_i64()), (Some("2025-02-28"), Some(25)));
        // December of one year, then January of the next: each with its own count of years.
        let dec = list(&app, &w.reviewer, w.committee, "year=2025&month=12").await;
        assert_eq!(names(&dec), ["腊月党员"]);
        assert_eq!(dec[0]["years"], 15);
        let jan = list(&app, &w.reviewer, w.committee, "year=2026&month=1").await;
        assert_eq!(names(&jan), ["正月党员"]);
        assert_eq!(jan[0]["years"], 16);
        // The whole year, by date; a branch sees only its own.
        let year = list(&app, &w.reviewer, w.committee, "year=2025").await;
        assert_eq!(names(&year), ["正月党员", "闰年党员", "甲党员", "腊月党员"]);
        let branch = list(&app, &w.secretary_a, w.branch_a, "year=2025").await;
        assert_eq!(names(&branch), ["闰年党员", "甲党员", "腊月党员"]);
        assert_eq!(error_code(app.get_as(&w.secretary_a, &format!("/api/v1/orgs/{}/political-birthdays", w.branch_b)).await).await, "auth.forbidden");
        for bad in ["month=13", "year=1999", "year=abc"] {
            let response = app.get_as(&w.reviewer, &format!("/api/v1/orgs/{}/political-birthdays?{bad}", w.committee)).await;
            assert_eq!(response.status().as_u16(), 400, "{bad}");
        }
        let card: Value = app.get_as(&w.member_a, "/api/v1/me/political-birthday").await.json().await.expect("json");
        assert_eq!(card["join_date"], "2015-07-01");
        assert_eq!(error_code(app.get_as(&w.member_c, "/api/v1/me/political-birthday").await).await, "life.not_found");
    }

    async fn a_political_birthday_activity_records_the_four_items_for_each_member(app) {
        let w = app.world().await;
        let year = clock::now().with_timezone(&clock::shanghai()).year();
        let second = app.add_person("乙同志", "13700000204", w.branch_a).await;
        joined(&app, &w.member_a, date(2015, 7, 1), false).await;
        joined(&app, &second, date(2001, 3, 5), false).await;
        joined(&app, &w.member_b, date(2003, 4, 5), false).await;
        let lecture = birthday_activity(&app, &w, "党课", 1).await;
        let path = format!("/api/v1/plans/{lecture}/political-birthdays");
        assert_eq!(error_code(app.post_as(&w.secretary_a, &path, &json!({"person_ids": [w.member_a.id]})).await).await, "life.invalid_input");
        let plan = birthday_activity(&app, &w, "政治生日", 0).await;
        let path = format!("/api/v1/plans/{plan}/political-birthdays");
        // A member of another branch refuses the whole request: nothing is half-saved.
        let mixed = app.post_as(&w.secretary_a, &path, &json!({"person_ids": [w.member_a.id, w.member_b.id]})).await;
        assert_eq!(error_code(mixed).await, "life.invalid_input");
        assert_eq!(political_birthday::Entity::find().count(&app.db).await.expect("count"), 0);
        let other_secretary = app.add_person("乙书记", "13700000205", w.branch_b).await;
        app.grant(&other_secretary, huodongri::domain::Role::Secretary, w.branch_b).await;
        assert_eq!(error_code(app.post_as(&other_secretary, &path, &json!({"person_ids": [w.member_a.id]})).await).await, "auth.forbidden");
        let held: Vec<Value> = app.post_as(&w.secretary_a, &path, &json!({"person_ids": [w.member_a.id, second.id]})).await.json().await.expect("json");
        assert_eq!(held.len(), 2);
        let again = app.post_as(&w.secretary_a, &path, &json!({"person_ids": [second.id]})).await;
        assert_eq!(error_code(again).await, "life.conflict");
        let pending = list(&app, &w.secretary_a, w.branch_a, &format!("year={year}&pending=true")).await;
        assert!(names(&pending).is_empty(), "both were celebrated: {pending:?}");

        let record = held.iter().find(|b| b["person_id"] == w.member_a.id).expect("member A")["celebration"]["id"].as_i64().expect("id");
        let items = format!("/api/v1/political-birthdays/{record}");
        assert_eq!(error_code(app.patch_as(&w.secretary_a, &items, &json!({"report": "长".repeat(4001)})).await).await, "life.invalid_input");
        let done: Value = app.patch_as(&w.secretary_a, &items, &json!({"report": "入党以来的思想汇报……", "oath_renewed": true, "visit_done": true, "secretary_talk": true})).await.json().await.expect("json");
        assert_eq!(done["celebration"]["complete"], true);
        // Once only: a second tap does not record a second talk.
        app.patch_as(&w.secretary_a, &items, &json!({"secretary_talk": true})).await;
        let talks = talk::Entity::find()
            .filter(talk::Column::LeaderId.eq(w.secretary_a.id))
            .filter(talk::Column::WithPersonId.eq(w.member_a.id))
            .count(&app.db)
            .await
            .expect("count");
        assert_eq!(talks, 1, "the secretary's talk counts for their duties");
        let mine: Value = app.get_as(&w.secretary_a, "/api/v1/me/talks").await.json().await.expect("json");
        assert!(mine.as_array().expect("talks").iter().any(|t| t["with_person_id"] == w.member_a.id));

        // The member attaches their own written report; others outside the branch cannot.
        let other_record = held.iter().find(|b| b["person_id"] == second.id).expect("second")["celebration"]["id"].as_i64().expect("id");
        let report = crate::attachments::xlsx();
        let own = crate::attachments::upload_form(&app, &second, "political_birthday", other_record, "思想汇报.xlsx", &report).await;
        assert_eq!(own.status().as_u16(), 201);
        let outsider = crate::attachments::upload_form(&app, &w.member_c, "political_birthday", other_record, "思想汇报.xlsx", &report).await;
        assert_eq!(outsider.status().as_u16(), 403);
    }

    async fn members_are_greeted_on_the_day_unless_exempt_or_off_the_roster(app) {
        let w = app.world().await;
        let today = clock::now().with_timezone(&clock::shanghai()).date_naive();
        let anniversary = date(today.year() - 10, today.month(), today.day().min(28));
        let exempt = app.add_person("病休党员", "13700000206", w.branch_a).await;
        let gone = app.add_person("已故党员", "13700000207", w.branch_a).await;
        joined(&app, &w.member_a, anniversary, false).await;
        joined(&app, &exempt, anniversary, true).await;
        joined(&app, &gone, anniversary, false).await;
        let mut row = person::Entity::find_by_id(gone.id).one(&app.db).await.expect("read").expect("p").into_active_model();
        row.active = Set(false);
        row.update(&app.db).await.expect("off the roster");
        let day = if today.day() > 28 { date(today.year(), today.month(), 28) } else { today };
        let at = clock::shanghai().from_local_datetime(&day.and_hms_opt(9, 5, 0).expect("time")).single().expect("time");
        let ran = run_due(&app.db, at.fixed_offset(), &app.settings).await.expect("runs");
        assert!(ran.iter().any(|j| j.starts_with("greet_birthdays:")), "{ran:?}");
        run_due(&app.db, at.fixed_offset(), &app.settings).await.expect("runs again");
        let greeted: Vec<i64> = push_outbox::Entity::find()
            .filter(push_outbox::Column::Kind.eq(PushKind::PoliticalBirthday))
            .all(&app.db)
            .await
            .expect("read")
            .into_iter()
            .map(|p| p.person_id)
            .collect();
        assert_eq!(greeted, [w.member_a.id]);
    }
}
