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

async fn publish(app: &TestApp, who: &Someone, org: i64, body: Value) -> reqwest::Response {
    app.post_as(who, &format!("/api/v1/orgs/{org}/notices"), &body)
        .await
}

async fn my_notices(app: &TestApp, who: &Someone) -> Value {
    app.get_as(who, "/api/v1/me/notices")
        .await
        .json()
        .await
        .expect("json")
}

on_both_stores! {
    async fn notices_reach_their_audience_and_count_who_has_read_them(app) {
        let w = app.world().await;
        let finance = json!({"kind": "finance", "audience": "subtree", "title": "2026年党费收缴使用情况", "body": "收缴党费12,000元，使用……"});
        assert_eq!(error_code(publish(&app, &w.secretary_a, w.committee, finance.clone()).await).await, "auth.forbidden");
        assert_eq!(error_code(publish(&app, &w.admin, w.committee, json!({"kind": "gossip", "audience": "subtree", "title": "x", "body": "y"})).await).await, "request.invalid_body");
        assert_eq!(error_code(publish(&app, &w.admin, w.committee, json!({"kind": "party", "audience": "members", "title": "", "body": "y"})).await).await, "life.invalid_input");
        let to_committee = publish(&app, &w.admin, w.committee, finance).await;
        assert_eq!(to_committee.status().as_u16(), 201);
        let committee_notice = to_committee.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
        let branch_only = publish(&app, &w.secretary_a, w.branch_a, json!({"kind": "party", "audience": "members", "title": "发展党员公示", "body": "拟发展……"})).await;
        assert_eq!(branch_only.status().as_u16(), 201);

        let a = my_notices(&app, &w.member_a).await;
        assert_eq!((a["unread"].as_u64(), a["page"]["total"].as_u64()), (Some(2), Some(2)));
        let b = my_notices(&app, &w.member_b).await;
        assert_eq!(b["page"]["total"], 1, "branch A's own notice does not reach branch B");
        assert_eq!(my_notices(&app, &w.member_c).await["page"]["total"], 0);
        assert_eq!(error_code(app.get_as(&w.member_c, &format!("/api/v1/notices/{committee_notice}")).await).await, "life.not_found");

        // Opening is the read receipt, once.
        for _ in 0..2 {
            let opened: Value = app.get_as(&w.member_a, &format!("/api/v1/notices/{committee_notice}")).await.json().await.expect("json");
            assert_eq!(opened["read"], true);
        }
        assert_eq!(my_notices(&app, &w.member_a).await["unread"], 1);
        let readers: Value = app.get_as(&w.reviewer, &format!("/api/v1/notices/{committee_notice}/readers")).await.json().await.expect("json");
        assert_eq!(readers["read"], 1);
        let unread: Vec<&str> = readers["unread"].as_array().expect("unread").iter().map(|u| u["name"].as_str().expect("name")).collect();
        assert!(unread.contains(&"乙党员") && !unread.contains(&"甲党员"), "{unread:?}");
        assert_eq!(readers["expected"].as_u64(), Some(unread.len() as u64 + 1));
        assert_eq!(error_code(app.get_as(&w.member_a, &format!("/api/v1/notices/{committee_notice}/readers")).await).await, "auth.forbidden");

        // A question about the notice goes to the committee, which answers it like any other.
        let asked = app.post_as(&w.member_b, &format!("/api/v1/notices/{committee_notice}/questions"), &json!({"title": "党费结余用途", "body": "结余部分计划怎么用？"})).await;
        assert_eq!(asked.status().as_u16(), 201);
        let question: Value = asked.json().await.expect("json");
        assert_eq!(question["kind"], "question");
        assert_eq!(question["handler_org"]["id"], w.committee);
        assert!(question["body"].as_str().expect("body").starts_with("关于《2026年党费收缴使用情况》"));
        let outsider = app.post_as(&w.member_c, &format!("/api/v1/notices/{committee_notice}/questions"), &json!({"title": "x", "body": "y"})).await;
        assert_eq!(error_code(outsider).await, "life.not_found");

        // Files: the publisher attaches, the audience reads.
        let file = crate::attachments::xlsx();
        let by_secretary = crate::attachments::upload_form(&app, &w.secretary_a, "notice", committee_notice, "党费明细.xlsx", &file).await;
        assert_eq!(by_secretary.status().as_u16(), 403);
        let by_admin = crate::attachments::upload_form(&app, &w.admin, "notice", committee_notice, "党费明细.xlsx", &file).await;
        assert_eq!(by_admin.status().as_u16(), 201);
        let listed = app.get_as(&w.member_b, &format!("/api/v1/attachments?owner_type=notice&owner_id={committee_notice}")).await;
        assert_eq!(listed.status().as_u16(), 200);
    }

    async fn a_public_notice_names_a_community_under_the_publisher(app) {
        let w = app.world().await;
        let community = huodongri::cli::create_org(&app.db, "TS-C1-SQ", "幸福社区", "community", Some("TS-C1")).await.expect("community");
        let elsewhere = huodongri::cli::create_org(&app.db, "TS-C2-SQ", "和平社区", "community", Some("TS-C2")).await.expect("community");
        let body = |community: Option<i64>| json!({"kind": "government", "audience": "public", "community_id": community, "title": "老旧小区改造公示", "body": "改造范围……"});
        assert_eq!(error_code(publish(&app, &w.admin, w.committee, body(None)).await).await, "life.invalid_input");
        assert_eq!(error_code(publish(&app, &w.admin, w.committee, body(Some(elsewhere))).await).await, "life.invalid_input");
        assert_eq!(error_code(publish(&app, &w.admin, w.committee, body(Some(w.branch_a))).await).await, "life.invalid_input");
        let members_with_community = json!({"kind": "party", "audience": "members", "community_id": community, "title": "x", "body": "y"});
        assert_eq!(error_code(publish(&app, &w.admin, w.committee, members_with_community).await).await, "life.invalid_input");
        let published = publish(&app, &w.admin, w.committee, body(Some(community))).await;
        assert_eq!(published.status().as_u16(), 201);
        let id = published.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
        let public = Someone { id: 0, phone: String::new(), token: app.token_issuer().issue_visitor("o-resident").expect("token") };
        let listed: Value = app.get_as(&public, &format!("/api/v1/communities/{community}/notices")).await.json().await.expect("json");
        assert_eq!(listed["total"], 1);
        let opened = app.get_as(&public, &format!("/api/v1/notices/{id}")).await;
        assert_eq!(opened.status().as_u16(), 200);
        let members_only = publish(&app, &w.admin, w.committee, json!({"kind": "party", "audience": "members", "title": "内部", "body": "仅党员"})).await;
        let hidden = members_only.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
        assert_eq!(error_code(app.get_as(&public, &format!("/api/v1/notices/{hidden}")).await).await, "life.not_found");
        assert_eq!(app.get_as(&public, "/api/v1/me/notices").await.status().as_u16(), 401);
    }
}

on_both_stores! {
    async fn a_joint_activity_counts_each_sides_attendance_in_its_own_rate(app) {
        let w = app.world().await;
        let year = clock::now().with_timezone(&clock::shanghai()).year();
        let pair = |a: i64, b: i64, from: &str| json!({"org_a": a, "org_b": b, "starts_on": from, "ends_on": format!("{year}-12-31"), "goals": "机关支部与村支部结对，帮助发展集体经济"});
        let start = format!("{year}-01-01");
        assert_eq!(error_code(app.post_as(&w.admin, "/api/v1/org-pairs", &pair(w.branch_a, w.branch_a, &start)).await).await, "life.invalid_input");
        assert_eq!(error_code(app.post_as(&w.admin, "/api/v1/org-pairs", &pair(w.branch_a, w.committee, &start)).await).await, "life.invalid_input");
        assert_eq!(error_code(app.post_as(&w.secretary_a, "/api/v1/org-pairs", &pair(w.branch_a, w.branch_c, &start)).await).await, "auth.forbidden");
        let created = app.post_as(&w.admin, "/api/v1/org-pairs", &pair(w.branch_a, w.branch_c, &start)).await;
        assert_eq!(created.status().as_u16(), 201);
        let pair_id = created.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
        let overlapping = app.post_as(&w.admin, "/api/v1/org-pairs", &pair(w.branch_c, w.branch_a, &format!("{year}-06-01"))).await;
        assert_eq!(error_code(overlapping).await, "life.conflict");

        // Branch A's activity today, held jointly with branch C.
        let today = clock::now().with_timezone(&clock::shanghai()).date_naive();
        let plan = app.draft_plan(&w, &json!({"month": today.format("%Y-%m").to_string(), "theme": "结对共建主题党日",
            "category": "共建", "date": today.to_string(), "date_reason": "测试：当日举办",
            "start_time": "00:00", "end_time": "23:59", "place": "村党群服务中心", "organiser": "甲书记",
            "requirements": "", "checkin_opens_minutes_before": 720, "checkin_closes_minutes_after": 720})).await;
        let path = format!("/api/v1/plans/{plan}/co-organiser");
        assert_eq!(error_code(app.put_as(&w.secretary_a, &path, &json!({"org_id": w.branch_b})).await).await, "plan.invalid_input");
        let joint: Value = app.put_as(&w.secretary_a, &path, &json!({"org_id": w.branch_c})).await.json().await.expect("json");
        assert_eq!(joint["co_org_id"], w.branch_c);
        let participants: Value = app.get_as(&w.secretary_a, &format!("/api/v1/plans/{plan}/participants")).await.json().await.expect("json");
        assert!(participants.as_array().expect("list").iter().any(|p| p["person_id"] == w.member_c.id), "branch C's members are expected");
        app.file_plan(&w, plan).await;
        assert_eq!(error_code(app.put_as(&w.secretary_a, &path, &json!({"org_id": null})).await).await, "plan.wrong_state");

        let (code, token) = crate::checkin::venue(&app, &w.secretary_a, plan).await;
        assert_eq!(crate::checkin::scan_now(&app, &w.member_a, &code, &token).await["result"], "ok");
        assert_eq!(crate::checkin::scan_now(&app, &w.member_c, &code, &token).await["result"], "ok");

        // Each side in its own rate: A has 3 members (1 came), C has 2 (1 came).
        let month = today.format("%Y-%m");
        let side = |body: &Value, org: i64| body["organisations"].as_array().expect("orgs").iter().find(|o| o["org_id"] == org).cloned().expect("the side");
        let a: Value = app.get_as(&w.secretary_a, &format!("/api/v1/orgs/{}/attendance?month={month}", w.branch_a)).await.json().await.expect("json");
        let a = side(&a, w.branch_a);
        assert_eq!((a["expected"].as_u64(), a["present"].as_u64()), (Some(3), Some(1)), "{a}");
        let c: Value = app.get_as(&w.admin, &format!("/api/v1/orgs/{}/attendance?month={month}", w.other_committee)).await.json().await.expect("json");
        let c = side(&c, w.branch_c);
        assert_eq!((c["expected"].as_u64(), c["present"].as_u64()), (Some(2), Some(1)), "{c}");
        let city: Value = app.get_as(&w.admin, &format!("/api/v1/orgs/{}/attendance?month={month}", w.city)).await.json().await.expect("json");
        assert_eq!(city["activities"].as_array().expect("activities").iter().filter(|x| x["activity_id"] == plan).count(), 2, "once per side");

        // The pair's year and its log.
        let entry = json!({"org_id": w.branch_a, "kind": "help", "on": today.to_string(), "summary": "帮助村里对接农产品销路"});
        assert_eq!(app.post_as(&w.secretary_a, &format!("/api/v1/org-pairs/{pair_id}/entries"), &entry).await.status().as_u16(), 201);
        let for_c = json!({"org_id": w.branch_c, "kind": "exchange", "on": today.to_string(), "summary": "x"});
        assert_eq!(error_code(app.post_as(&w.secretary_a, &format!("/api/v1/org-pairs/{pair_id}/entries"), &for_c).await).await, "auth.forbidden");
        let future = json!({"org_id": w.branch_a, "kind": "exchange", "on": (today + chrono::Duration::days(2)).to_string(), "summary": "x"});
        assert_eq!(error_code(app.post_as(&w.secretary_a, &format!("/api/v1/org-pairs/{pair_id}/entries"), &future).await).await, "life.invalid_input");
        let record: Value = app.get_as(&w.secretary_a, &format!("/api/v1/org-pairs/{pair_id}/year")).await.json().await.expect("json");
        assert_eq!(record["help_given"], 1);
        let sides: Vec<(i64, u64, u64)> = record["joint_activities"][0]["sides"].as_array().expect("sides").iter()
            .map(|s| (s["org"]["id"].as_i64().expect("id"), s["expected"].as_u64().expect("e"), s["present"].as_u64().expect("p")))
            .collect();
        assert_eq!(sides, [(w.branch_a, 3, 1), (w.branch_c, 2, 1)]);
        assert_eq!(error_code(app.get_as(&w.member_b, &format!("/api/v1/org-pairs/{pair_id}/year")).await).await, "auth.forbidden");
        let listed: Value = app.get_as(&w.secretary_a, &format!("/api/v1/orgs/{}/pairs", w.branch_a)).await.json().await.expect("json");
        assert_eq!(listed[0]["org_b"]["name"], "丙支部");
    }
}
