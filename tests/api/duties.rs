//! Leaders' duties (§二.3) end to end: contact points within the assigner's scope, research
//! days counted once across overlapping periods, contact-point activities proved by a
//! check-in and a lecture plan, corrections, talk privacy, per-person talk quotas, the
//! organisation department's list and its workbook, and the reminders.
use api_tests::{Someone, TestApp, World, error_code, on_both_stores};
use chrono::{Datelike, Duration, NaiveDate, TimeZone};
use huodongri::{
    clock,
    domain::{LeaderLevel, PartyPost, PushKind},
    entities::{audit_log, duty_entry, person, push_outbox, talk},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use serde_json::{Value, json};

use crate::checkin::{scan_now, venue};

fn today() -> NaiveDate {
    clock::now().with_timezone(&clock::shanghai()).date_naive()
}

/// Last year: every day of it is in the past whenever the tests run.
fn past_year() -> i32 {
    today().year() - 1
}

fn day(year: i32, month: u32, d: u32) -> String {
    NaiveDate::from_ymd_opt(year, month, d)
        .expect("a date")
        .to_string()
}

/// Sets what the roster would say of someone: their leader level and party post.
async fn on_roster(
    app: &TestApp,
    who: &Someone,
    level: Option<LeaderLevel>,
    post: Option<PartyPost>,
) {
    let mut row = person::Entity::find_by_id(who.id)
        .one(&app.db)
        .await
        .expect("read")
        .expect("person")
        .into_active_model();
    row.leader_level = Set(level);
    row.party_post = Set(post);
    row.update(&app.db).await.expect("roster updated");
}

/// A county-level leader of the city organ with branch A as contact point since 1 January
/// of last year.
async fn leader(app: &TestApp, w: &World) -> Someone {
    let leader = app.add_person("李局长", "13700000061", w.city).await;
    on_roster(app, &leader, Some(LeaderLevel::CountyOrAbove), None).await;
    let assigned = app
        .post_as(
            &w.admin,
            &format!("/api/v1/people/{}/contact-points", leader.id),
            &json!({"org_id": w.branch_a, "valid_from": day(past_year(), 1, 1)}),
        )
        .await;
    assert_eq!(assigned.status().as_u16(), 201);
    leader
}

async fn log(app: &TestApp, who: &Someone, body: Value) -> reqwest::Response {
    app.post_as(who, "/api/v1/me/duties", &body).await
}

async fn logged(app: &TestApp, who: &Someone, body: Value) -> Value {
    let response = log(app, who, body.clone()).await;
    assert_eq!(response.status().as_u16(), 201, "{body}");
    response.json().await.expect("json")
}

async fn progress(app: &TestApp, who: &Someone, person: i64, year: i32) -> Value {
    let response = app
        .get_as(who, &format!("/api/v1/people/{person}/duties?year={year}"))
        .await;
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.expect("json")
}

fn item<'a>(progress: &'a Value, kind: &str) -> &'a Value {
    progress["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in {progress}"))
}

fn done(progress: &Value, kind: &str) -> i64 {
    item(progress, kind)["done"].as_i64().expect("done")
}

on_both_stores! {
    async fn contact_points_are_assigned_by_the_organisation_department_within_its_scope(app) {
        let w = app.world().await;
        let leader = leader(&app, &w).await;
        let path = format!("/api/v1/people/{}/contact-points", leader.id);
        let body = json!({"org_id": w.branch_b, "valid_from": day(past_year(), 3, 1)});
        for staff in [&w.secretary_a, &w.reviewer, &w.supervisor] {
            let refused = app.post_as(staff, &path, &body).await;
            assert_eq!(error_code(refused).await, "auth.forbidden");
        }
        // An org admin of the other committee reaches neither the city's leader nor branch B.
        let committee_admin = app.add_person("二委组织员", "13700000062", w.other_committee).await;
        app.grant(&committee_admin, huodongri::domain::Role::OrgAdmin, w.other_committee).await;
        assert_eq!(error_code(app.post_as(&committee_admin, &path, &body).await).await, "auth.forbidden");
        let not_leader = app.post_as(&w.admin, &format!("/api/v1/people/{}/contact-points", w.member_a.id), &body).await;
        assert_eq!(error_code(not_leader).await, "duty.not_a_leader");
        let committee = app.post_as(&w.admin, &path, &json!({"org_id": w.committee, "valid_from": day(past_year(), 3, 1)})).await;
        assert_eq!(error_code(committee).await, "duty.invalid_input");
        let reversed = app.post_as(&w.admin, &path, &json!({"org_id": w.branch_b, "valid_from": day(past_year(), 3, 1), "valid_until": day(past_year(), 2, 1)})).await;
        assert_eq!(error_code(reversed).await, "duty.invalid_input");
        let again = app.post_as(&w.admin, &path, &json!({"org_id": w.branch_a, "valid_from": day(past_year(), 6, 1)})).await;
        assert_eq!(error_code(again).await, "duty.overlap");
        assert_eq!(app.post_as(&w.admin, &path, &body).await.status().as_u16(), 201);
        let audited = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("duty.assign_contact_point"))
            .count(&app.db)
            .await
            .expect("count");
        assert_eq!(audited, 2, "both assignments are audited");

        let mine: Value = app.get_as(&leader, "/api/v1/me/contact-points").await.json().await.expect("json");
        let names: Vec<&str> = mine.as_array().expect("list").iter().map(|cp| cp["org_name"].as_str().expect("name")).collect();
        assert_eq!(names, ["甲支部", "乙支部"]);
        assert_eq!(app.get_as(&w.supervisor, &path).await.status().as_u16(), 200);
        assert_eq!(error_code(app.get_as(&w.member_c, &path).await).await, "duty.not_found");
    }

    async fn research_days_count_each_day_once_across_overlapping_periods(app) {
        let w = app.world().await;
        let leader = leader(&app, &w).await;
        let y = past_year();
        logged(&app, &leader, json!({"kind": "research", "starts_on": day(y, 3, 10), "ends_on": day(y, 3, 19), "place": "江都区", "topic": "乡村振兴"})).await;
        // A stay inside the research period is research time too: its days are not added again.
        logged(&app, &leader, json!({"kind": "stationed", "starts_on": day(y, 3, 15), "ends_on": day(y, 3, 17), "org_id": w.branch_b})).await;
        logged(&app, &leader, json!({"kind": "micro_research", "starts_on": day(y, 3, 20), "place": "菜市场"})).await;
        logged(&app, &leader, json!({"kind": "research", "starts_on": day(y, 3, 25), "ends_on": day(y, 3, 26), "place": "仪征市"})).await;
        logged(&app, &leader, json!({"kind": "research_report", "starts_on": day(y, 4, 2), "topic": "关于乡村振兴的调研报告", "summary": "三条建议"})).await;
        let overlap = log(&app, &leader, json!({"kind": "research", "starts_on": day(y, 3, 18), "ends_on": day(y, 3, 22), "place": "高邮"})).await;
        assert_eq!(error_code(overlap).await, "duty.overlap");

        let p = progress(&app, &leader, leader.id, y).await;
        assert_eq!(done(&p, "research_days"), 13, "10 + 1 + 2, the stay's days counted once");
        assert_eq!(item(&p, "research_days")["required"], 30);
        assert_eq!(item(&p, "research_days")["met"], false);
        assert_eq!(done(&p, "stationed_days"), 3);
        assert_eq!(item(&p, "stationed_days")["met"], true);
        assert_eq!(done(&p, "micro_research"), 1);
        assert!(item(&p, "micro_research")["required"].is_null(), "counted, no quota");
        assert_eq!(item(&p, "research_reports")["met"], true);
        assert_eq!(item(&p, "research_days")["evidence"].as_array().expect("evidence").len(), 4);
        assert!(p["items"].as_array().expect("items").iter().any(|i| i["kind"] == "talks"), "a county-level leader owes talks");

        // Bad input: each a 4xx with a code, nothing stored.
        let before = duty_entry::Entity::find().count(&app.db).await.expect("count");
        let tomorrow = (today() + Duration::days(1)).to_string();
        for (body, code) in [
            (json!({"kind": "research", "starts_on": day(y, 5, 9), "ends_on": day(y, 5, 1), "place": "x"}), "duty.invalid_input"),
            (json!({"kind": "research", "starts_on": tomorrow, "place": "x"}), "duty.invalid_input"),
            (json!({"kind": "micro_research", "starts_on": day(y, 5, 1), "ends_on": day(y, 5, 2), "place": "x"}), "duty.invalid_input"),
            (json!({"kind": "sightseeing", "starts_on": day(y, 5, 1)}), "duty.invalid_input"),
            (json!({"kind": "research", "starts_on": day(y, 5, 1)}), "duty.invalid_input"),
            (json!({"kind": "research_report", "starts_on": day(y, 5, 1)}), "duty.invalid_input"),
            (json!({"kind": "research", "starts_on": "2013-05-01", "place": "x"}), "duty.invalid_input"),
            (json!({"kind": "research", "starts_on": "5/1", "place": "x"}), "duty.invalid_input"),
            (json!({"kind": "contact_visit", "starts_on": day(y, 5, 1), "org_id": w.branch_c}), "duty.not_contact_point"),
            (json!({"kind": "contact_review", "starts_on": day(y, 5, 1)}), "duty.not_contact_point"),
            (json!({"kind": "research", "starts_on": day(y, 5, 1), "place": "x".repeat(201)}), "duty.invalid_input"),
        ] {
            assert_eq!(error_code(log(&app, &leader, body.clone()).await).await, code, "{body}");
        }
        assert_eq!(duty_entry::Entity::find().count(&app.db).await.expect("count"), before);
        for year in ["1999", "2013", &(today().year() + 1).to_string()] {
            let response = app.get_as(&leader, &format!("/api/v1/people/{}/duties?year={year}", leader.id)).await;
            assert_eq!(error_code(response).await, "duty.invalid_input", "{year}");
        }
        let words = app.get_as(&leader, &format!("/api/v1/people/{}/duties?year=abc", leader.id)).await;
        assert_eq!(words.status().as_u16(), 400);
        // A year with nothing logged is all zeros, not an error.
        let empty = progress(&app, &leader, leader.id, y - 1).await;
        assert_eq!(done(&empty, "research_days"), 0);
        // Someone else's progress is not visible to a member of another branch.
        let hidden = app.get_as(&w.member_c, &format!("/api/v1/people/{}/duties?year={y}", leader.id)).await;
        assert_eq!(error_code(hidden).await, "duty.not_found");
    }

    async fn a_check_in_and_a_lecture_at_a_contact_point_count_without_a_second_entry(app) {
        let w = app.world().await;
        let leader = leader(&app, &w).await;
        let now = today();
        let body = json!({"month": now.format("%Y-%m").to_string(), "theme": "专题党课：基层治理",
            "category": "党课", "date": now.to_string(), "date_reason": "测试：当日举办",
            "start_time": "00:00", "end_time": "23:59", "place": "党群服务中心", "organiser": "甲书记",
            "checkin_opens_minutes_before": 720, "checkin_closes_minutes_after": 720,
            "speaker_person_id": leader.id});
        let plan = app.draft_plan(&w, &body).await;
        app.file_plan(&w, plan).await;
        let (code, token) = venue(&app, &w.secretary_a, plan).await;
        let answer = scan_now(&app, &leader, &code, &token).await;
        assert_eq!(answer["result"], "not_expected", "the leader is a guest of the branch");

        // A leading cadre who is a member of the branch is counted apart (§三.2).
        on_roster(&app, &w.member_a, Some(LeaderLevel::Township), None).await;
        let month = now.format("%Y-%m").to_string();
        let path = format!("/api/v1/orgs/{}/attendance?month={month}", w.branch_a);
        let summary = || async { app.get_as(&w.secretary_a, &path).await.json::<Value>().await.expect("json") };
        let before = summary().await;
        assert_eq!(before["activities"][0]["leaders"], json!({"expected": 1, "present": 0}));
        scan_now(&app, &w.member_a, &code, &token).await;
        let after = summary().await;
        assert_eq!(after["activities"][0]["leaders"], json!({"expected": 1, "present": 1}));
        assert_eq!(after["organisations"][0]["leaders"], json!({"expected": 1, "present": 1}));
        assert_eq!(after["activities"][0]["guests"], 1, "the visiting leader is a guest, not in the rate");

        let p = progress(&app, &leader, leader.id, now.year()).await;
        assert_eq!(done(&p, "contact_org_life"), 1);
        assert_eq!(item(&p, "contact_org_life")["evidence"][0]["source"], "checkin");
        assert_eq!(done(&p, "contact_visits"), 1);
        assert_eq!(item(&p, "contact_visits")["evidence"][0]["detail"], "专题党课：基层治理");
        assert_eq!(done(&p, "contact_lecture"), 1);
        assert_eq!(item(&p, "contact_lecture")["evidence"][0]["source"], "plan");
        // A visit logged for the same day at the same point is the same visit.
        logged(&app, &leader, json!({"kind": "contact_visit", "starts_on": now.to_string(), "org_id": w.branch_a})).await;
        logged(&app, &leader, json!({"kind": "contact_review", "starts_on": now.to_string(), "org_id": w.branch_a, "topic": "组织生活质量点评"})).await;
        let p = progress(&app, &leader, leader.id, now.year()).await;
        assert_eq!(done(&p, "contact_visits"), 1);
        assert_eq!(done(&p, "contact_review"), 1);
        assert_eq!(item(&p, "contact_research")["met"], false);

        // A lecture with a speaker is a Party lecture's business only.
        let mut meeting = body.clone();
        meeting["category"] = json!("支部党员大会");
        let refused = app.post_as(&w.secretary_a, &format!("/api/v1/orgs/{}/plans", w.branch_a), &meeting).await;
        assert_eq!(error_code(refused).await, "plan.invalid_input");
    }

    async fn entries_are_corrected_in_place_for_a_week_then_only_by_an_audited_new_entry(app) {
        let w = app.world().await;
        let leader = leader(&app, &w).await;
        let y = past_year();
        let entry = logged(&app, &leader, json!({"kind": "research", "starts_on": day(y, 6, 1), "ends_on": day(y, 6, 3), "place": "宝应"})).await;
        let id = entry["id"].as_i64().expect("id");
        let changed = app.patch_as(&leader, &format!("/api/v1/duty-entries/{id}"), &json!({"ends_on": day(y, 6, 5)})).await;
        assert_eq!(changed.status().as_u16(), 200);
        assert_eq!(error_code(app.patch_as(&w.admin, &format!("/api/v1/duty-entries/{id}"), &json!({"place": "别处"})).await).await, "duty.not_found");

        // Eight days later the window has closed.
        let mut row = duty_entry::Entity::find_by_id(id).one(&app.db).await.expect("read").expect("row").into_active_model();
        row.created_at = Set(clock::now() - Duration::days(8));
        row.update(&app.db).await.expect("aged");
        let late = app.patch_as(&leader, &format!("/api/v1/duty-entries/{id}"), &json!({"place": "高邮"})).await;
        assert_eq!(error_code(late).await, "duty.correction_closed");
        let correction = logged(&app, &leader, json!({"kind": "research", "starts_on": day(y, 6, 1), "ends_on": day(y, 6, 2), "place": "宝应", "corrects": id})).await;
        assert_eq!(correction["corrects"], id);
        let twice = log(&app, &leader, json!({"kind": "research", "starts_on": day(y, 7, 1), "place": "宝应", "corrects": id})).await;
        assert_eq!(error_code(twice).await, "duty.invalid_input");
        let audited = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("duty.correct_entry"))
            .filter(audit_log::Column::TargetId.eq(id.to_string()))
            .count(&app.db)
            .await
            .expect("count");
        assert_eq!(audited, 1);
        let mine: Value = app.get_as(&leader, &format!("/api/v1/me/duties?year={y}")).await.json().await.expect("json");
        let old = mine.as_array().expect("list").iter().find(|e| e["id"] == id).expect("kept on record");
        assert_eq!(old["superseded"], true);
        let p = progress(&app, &leader, leader.id, y).await;
        assert_eq!(done(&p, "research_days"), 2, "only the correcting entry counts");
    }

    async fn talk_notes_stay_between_the_two_people_and_each_member_is_owed_two(app) {
        let w = app.world().await;
        on_roster(&app, &w.secretary_a, None, Some(PartyPost::Secretary)).await;
        let today = today().to_string();
        let talk = app.post_as(&w.secretary_a, "/api/v1/me/talks",
            &json!({"with_person_id": w.member_a.id, "talked_on": today, "notes": "家里老人住院，需要帮助"})).await;
        assert_eq!(talk.status().as_u16(), 201);
        let id = talk.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
        let path = format!("/api/v1/talks/{id}");
        for party in [&w.secretary_a, &w.member_a] {
            let seen: Value = app.get_as(party, &path).await.json().await.expect("json");
            assert_eq!(seen["notes"], "家里老人住院，需要帮助");
        }
        for staff in [&w.admin, &w.reviewer, &w.supervisor] {
            let seen = app.get_as(staff, &path).await;
            assert_eq!(seen.status().as_u16(), 200);
            let seen: Value = seen.json().await.expect("json");
            assert!(seen["notes"].is_null(), "staff see that it happened, not what was said");
            assert_eq!(seen["talked_on"], today);
        }
        assert_eq!(error_code(app.get_as(&w.member_c, &path).await).await, "duty.not_found");
        let theirs: Value = app.get_as(&w.member_a, "/api/v1/me/talks").await.json().await.expect("json");
        assert_eq!(theirs[0]["notes"], "家里老人住院，需要帮助");

        // Corrected in place for a week by the leader only, then only by an audited new record.
        let edited = app.patch_as(&w.secretary_a, &path, &json!({"notes": "家里老人住院，已联系社区帮助"})).await;
        assert_eq!(edited.status().as_u16(), 200);
        assert_eq!(error_code(app.patch_as(&w.member_a, &path, &json!({"notes": "改"})).await).await, "duty.not_found");
        let mut row = talk::Entity::find_by_id(id).one(&app.db).await.expect("read").expect("row").into_active_model();
        row.created_at = Set(clock::now() - Duration::days(8));
        row.update(&app.db).await.expect("aged");
        assert_eq!(error_code(app.patch_as(&w.secretary_a, &path, &json!({"notes": "晚了"})).await).await, "duty.correction_closed");
        let corrected = app.post_as(&w.secretary_a, "/api/v1/me/talks",
            &json!({"with_person_id": w.member_a.id, "talked_on": today, "notes": "家里老人住院，已联系社区帮助", "corrects": id})).await;
        assert_eq!(corrected.status().as_u16(), 201);
        let old: Value = app.get_as(&w.secretary_a, &path).await.json().await.expect("json");
        assert_eq!(old["superseded"], true);
        let audit = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("duty.correct_talk"))
            .one(&app.db).await.expect("read").expect("audited");
        assert!(!audit.detail.contains("住院"), "the audit log says whom and when, never what was said");

        for (body, code) in [
            (json!({"with_person_id": w.secretary_a.id, "talked_on": today}), "duty.talk_with_self"),
            (json!({"talked_on": today}), "duty.invalid_input"),
            (json!({"with_name": "张", "talked_on": (self::today() + Duration::days(1)).to_string()}), "duty.invalid_input"),
            (json!({"with_person_id": 999_999, "talked_on": today}), "duty.invalid_input"),
            (json!({"with_name": "张三", "talked_on": today, "notes": "长".repeat(4001)}), "duty.invalid_input"),
        ] {
            assert_eq!(error_code(app.post_as(&w.secretary_a, "/api/v1/me/talks", &body).await).await, code, "{body}");
        }

        // Branch A's members besides its secretary: the reviewer and member A, two talks each.
        let p = progress(&app, &w.secretary_a, w.secretary_a.id, self::today().year()).await;
        let members = item(&p, "talks_with_members");
        assert_eq!(members["required"], 4);
        assert_eq!(members["done"], 1);
        let owed: Vec<(i64, i64)> = members["owed"].as_array().expect("owed").iter()
            .map(|o| (o["person_id"].as_i64().expect("id"), o["owed"].as_i64().expect("owed"))).collect();
        assert!(owed.contains(&(w.member_a.id, 1)) && owed.contains(&(w.reviewer.id, 2)), "{owed:?}");
        assert!(!p.to_string().contains("住院"), "progress never carries notes");

        // The head of the committee owes each secretary under it one talk.
        let head = app.add_person("党委书记", "13700000063", w.committee).await;
        on_roster(&app, &head, None, Some(PartyPost::Secretary)).await;
        let before = item(&progress(&app, &head, head.id, self::today().year()).await, "talks_with_secretaries").clone();
        assert_eq!((before["required"].as_i64(), before["met"].as_bool()), (Some(1), Some(false)));
        app.post_as(&head, "/api/v1/me/talks", &json!({"with_person_id": w.secretary_a.id, "talked_on": today})).await;
        let after = progress(&app, &head, head.id, self::today().year()).await;
        assert_eq!(item(&after, "talks_with_secretaries")["met"], true);

        // The organisation department's list: who is behind, never what was said; a workbook too.
        let list = app.get_as(&w.admin, &format!("/api/v1/orgs/{}/duties?behind_only=true", w.city)).await;
        assert_eq!(list.status().as_u16(), 200);
        let list: Value = list.json().await.expect("json");
        assert!(!list.to_string().contains("住院"));
        let row = list["items"].as_array().expect("rows").iter().find(|r| r["person_id"] == w.secretary_a.id).expect("the secretary is behind");
        assert!(row["behind"].as_array().expect("behind").iter().any(|b| b["kind"] == "talks_with_members"));
        assert!(list["items"].as_array().expect("rows").iter().all(|r| r["person_id"] != head.id), "the head is not behind");
        assert_eq!(error_code(app.get_as(&w.secretary_a, &format!("/api/v1/orgs/{}/duties", w.city)).await).await, "auth.forbidden");
        let xlsx = app.get_as(&w.admin, &format!("/api/v1/orgs/{}/duties?format=xlsx", w.city)).await;
        assert_eq!(xlsx.status().as_u16(), 200);
        let bytes = xlsx.bytes().await.expect("bytes").to_vec();
        use calamine::Reader;
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).expect("workbook");
        let name = book.sheet_names()[0].clone();
        let sheet = book.worksheet_range(&name).expect("sheet");
        assert_eq!(sheet.get((0, 0)).map(ToString::to_string).as_deref(), Some("姓名"));
        assert!(sheet.rows().any(|r| r.iter().any(|c| *c == "甲书记")));
        let bad = app.get_as(&w.admin, &format!("/api/v1/orgs/{}/duties?format=pdf", w.city)).await;
        assert_eq!(error_code(bad).await, "duty.invalid_input");
    }

    async fn leaders_behind_are_reminded_once_on_the_reminder_dates(app) {
        let w = app.world().await;
        let leader = leader(&app, &w).await;
        let y = today().year();
        let september = clock::shanghai().with_ymd_and_hms(y, 9, 1, 9, 1, 0).single().expect("a time");
        let ran = huodongri::scheduler::run_due(&app.db, september, &app.settings).await.expect("runs");
        assert!(ran.contains(&format!("remind_duties:{y}-09-01")), "{ran:?}");
        let again = huodongri::scheduler::run_due(&app.db, september, &app.settings).await.expect("runs");
        assert!(!again.iter().any(|j| j.starts_with("remind_duties")), "once per date");
        let reminders = push_outbox::Entity::find()
            .filter(push_outbox::Column::Kind.eq(PushKind::DutyReminder))
            .filter(push_outbox::Column::PersonId.eq(leader.id))
            .all(&app.db)
            .await
            .expect("outbox");
        assert_eq!(reminders.len(), 1);
        assert!(reminders[0].payload.contains("未完成"), "{}", reminders[0].payload);
        let not_a_date = clock::shanghai().with_ymd_and_hms(y, 9, 2, 9, 1, 0).single().expect("a time");
        let ran = huodongri::scheduler::run_due(&app.db, not_a_date, &app.settings).await.expect("runs");
        assert!(!ran.iter().any(|j| j.starts_with("remind_duties")));
    }
}
