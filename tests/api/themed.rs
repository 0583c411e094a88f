//! Themed activities (集中主题活动) of higher organisations: a committee's activity joined by
//! three branches at three venues, through the same review and check-in; each branch's
//! members at their own venue; attendance rolled up per branch; the yearly count against
//! the quota of 2; the city's own activity reviewed by the city's reviewers.
use api_tests::{Someone, TestApp, error_code, on_both_stores};
use huodongri::{clock, domain::Role};
use serde_json::{Value, json};

use crate::checkin::scan_now;

fn themed_body(branch_ids: Option<Vec<i64>>) -> Value {
    let today = clock::now().with_timezone(&clock::shanghai()).date_naive();
    let mut body = json!({"month": today.format("%Y-%m").to_string(), "theme": "学习贯彻全会精神集中主题党日",
        "category": "党课", "date": today.to_string(), "date_reason": "测试：当日举办",
        "start_time": "00:00", "end_time": "23:59", "place": "各支部活动室", "organiser": "党委组织委员",
        "requirements": "", "checkin_opens_minutes_before": 720, "checkin_closes_minutes_after": 720});
    if let Some(ids) = branch_ids {
        body["branch_ids"] = json!(ids);
    }
    body
}

async fn step(app: &TestApp, who: &Someone, plan: i64, step: &str) -> reqwest::Response {
    app.post_as(who, &format!("/api/v1/plans/{plan}/{step}"), &json!({}))
        .await
}

/// The venue code and token of `branch` from the activity's venue list, as `who` sees it.
async fn venue_of(app: &TestApp, who: &Someone, plan: i64, branch: i64) -> (String, String) {
    let venues: Value = app
        .get_as(who, &format!("/api/v1/activities/{plan}/venues"))
        .await
        .json()
        .await
        .expect("json");
    let venue = venues
        .as_array()
        .expect("venues")
        .iter()
        .find(|v| v["branch_id"] == branch)
        .unwrap_or_else(|| panic!("no venue of {branch} in {venues}"));
    let url = venue["url"].as_str().expect("url");
    let (code, token) = url
        .strip_prefix("https://hdr.test/c/")
        .expect("prefix")
        .split_once("?t=")
        .expect("token");
    (code.to_owned(), token.to_owned())
}

on_both_stores! {
    async fn a_committees_themed_activity_is_joined_by_its_branches_at_their_own_venues(app) {
        let w = app.world().await;
        let branch_d = huodongri::cli::create_org(&app.db, "TS-C1-D", "丁支部", "branch", Some("TS-C1")).await.expect("branch D");
        let member_d = app.add_person("丁党员", "13700000301", branch_d).await;
        let city_reviewer = app.add_person("市审核员", "13700000302", w.city).await;
        app.grant(&city_reviewer, Role::Reviewer, w.city).await;
        let month = clock::now().with_timezone(&clock::shanghai()).format("%Y").to_string();
        app.ensure_calendar_year(&w.admin, &month).await;

        let path = format!("/api/v1/orgs/{}/themed-activities", w.committee);
        assert_eq!(error_code(app.post_as(&w.secretary_a, &path, &themed_body(None)).await).await, "auth.forbidden");
        assert_eq!(error_code(app.post_as(&w.admin, &path, &themed_body(Some(vec![w.branch_c]))).await).await, "plan.invalid_input");
        assert_eq!(error_code(app.post_as(&w.admin, &format!("/api/v1/orgs/{}/themed-activities", w.branch_a), &themed_body(None)).await).await, "plan.invalid_input");
        let created = app.post_as(&w.admin, &path, &themed_body(None)).await;
        assert_eq!(created.status().as_u16(), 201);
        let plan = created.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
        let participants: Value = app.get_as(&w.admin, &format!("/api/v1/plans/{plan}/participants")).await.json().await.expect("json");
        let expected: Vec<i64> = participants.as_array().expect("list").iter().map(|p| p["person_id"].as_i64().expect("id")).collect();
        for member in [&w.member_a, &w.member_b, &member_d] {
            assert!(expected.contains(&member.id), "the subtree's branches are expected");
        }
        assert!(!expected.contains(&w.member_c.id), "another committee's branch is not");

        // The same review path: submitted by the committee, approved by the city above.
        assert_eq!(step(&app, &w.admin, plan, "submit").await.status().as_u16(), 200);
        assert_eq!(error_code(step(&app, &w.reviewer, plan, "approve").await).await, "auth.forbidden");
        assert_eq!(step(&app, &city_reviewer, plan, "approve").await.status().as_u16(), 200);

        // Each branch's secretary sees their own venue; the committee sees all three.
        let all: Value = app.get_as(&w.admin, &format!("/api/v1/activities/{plan}/venues")).await.json().await.expect("json");
        assert_eq!(all.as_array().expect("venues").len(), 3);
        let own: Value = app.get_as(&w.secretary_a, &format!("/api/v1/activities/{plan}/venues")).await.json().await.expect("json");
        assert_eq!(own.as_array().expect("venues").len(), 1);
        assert_eq!(error_code(app.get_as(&w.member_a, &format!("/api/v1/activities/{plan}/venues")).await).await, "auth.forbidden");

        // The branch secretary finds the activities the branch joins and opens its own venue's QR.
        let joined: Value = app.get_as(&w.secretary_a, &format!("/api/v1/orgs/{}/themed-venues", w.branch_a)).await.json().await.expect("json");
        assert_eq!(joined[0]["activity_id"], plan);
        assert_eq!(joined[0]["host_org_name"], "第一党委");
        let qr: Value = app.get_as(&w.secretary_a, &format!("/api/v1/activities/{plan}/venues/{}/qr", w.branch_a)).await.json().await.expect("json");
        assert!(!qr["png_base64"].as_str().expect("png").is_empty());
        assert_eq!(error_code(app.get_as(&w.secretary_a, &format!("/api/v1/activities/{plan}/venues/{}/qr", w.branch_b)).await).await, "auth.forbidden");
        assert_eq!(error_code(app.get_as(&w.member_b, &format!("/api/v1/orgs/{}/themed-venues", w.branch_a)).await).await, "auth.forbidden");
        let (code_a, token_a) = venue_of(&app, &w.admin, plan, w.branch_a).await;
        let (code_b, token_b) = venue_of(&app, &w.admin, plan, w.branch_b).await;
        let (code_d, token_d) = venue_of(&app, &w.admin, plan, branch_d).await;
        assert_eq!(scan_now(&app, &w.member_a, &code_a, &token_a).await["result"], "ok");
        assert_eq!(scan_now(&app, &w.member_b, &code_a, &token_a).await["result"], "wrong_venue", "not at another branch's venue");
        assert_eq!(scan_now(&app, &w.member_b, &code_b, &token_b).await["result"], "ok");
        assert_eq!(scan_now(&app, &member_d, &code_d, &token_b).await["result"], "invalid_token", "a token is its venue's");
        assert_eq!(scan_now(&app, &member_d, &code_d, &token_d).await["result"], "ok");
        assert_eq!(scan_now(&app, &w.secretary_a, &code_a, &token_a).await["result"], "ok");

        // Rolled up per branch: A 2 of 3, B 1 of 1, D 1 of 1.
        let month = clock::now().with_timezone(&clock::shanghai()).format("%Y-%m");
        let rollup: Value = app.get_as(&w.admin, &format!("/api/v1/orgs/{}/attendance?month={month}", w.committee)).await.json().await.expect("json");
        let of = |org: i64| rollup["organisations"].as_array().expect("orgs").iter().find(|o| o["org_id"] == org).cloned().unwrap_or_else(|| panic!("{org} in {rollup}"));
        assert_eq!((of(w.branch_a)["expected"].as_u64(), of(w.branch_a)["present"].as_u64()), (Some(3), Some(2)));
        assert_eq!((of(w.branch_b)["expected"].as_u64(), of(w.branch_b)["present"].as_u64()), (Some(1), Some(1)));
        assert_eq!((of(branch_d)["expected"].as_u64(), of(branch_d)["present"].as_u64()), (Some(1), Some(1)));
        let branch_view: Value = app.get_as(&w.secretary_a, &format!("/api/v1/orgs/{}/attendance?month={month}", w.branch_a)).await.json().await.expect("json");
        assert!(branch_view["activities"].as_array().expect("activities").iter().any(|a| a["activity_id"] == plan), "the branch sees the themed activity it joined");

        // The quota: the committee held 1 of 2 this year; the city none.
        let quota: Value = app.get_as(&w.admin, &format!("/api/v1/orgs/{}/themed-activities", w.city)).await.json().await.expect("json");
        let line = |org: i64| quota.as_array().expect("rows").iter().find(|q| q["org_id"] == org).cloned().expect("a line");
        assert_eq!((line(w.committee)["held"].as_u64(), line(w.committee)["met"].as_bool()), (Some(1), Some(false)));
        assert_eq!(line(w.city)["held"], 0);
        assert!(quota.as_array().expect("rows").iter().all(|q| q["required"] == 2));
        assert_eq!(error_code(app.get_as(&w.member_a, &format!("/api/v1/orgs/{}/themed-activities", w.city)).await).await, "auth.forbidden");
    }

    async fn the_citys_own_themed_activity_is_approved_by_the_citys_reviewers(app) {
        let w = app.world().await;
        let city_reviewer = app.add_person("市审核员", "13700000302", w.city).await;
        app.grant(&city_reviewer, Role::Reviewer, w.city).await;
        let created = app.post_as(&w.admin, &format!("/api/v1/orgs/{}/themed-activities", w.city), &themed_body(Some(vec![w.branch_a, w.branch_c]))).await;
        assert_eq!(created.status().as_u16(), 201);
        let plan = created.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
        assert_eq!(step(&app, &w.admin, plan, "submit").await.status().as_u16(), 200);
        assert_eq!(error_code(step(&app, &w.supervisor, plan, "approve").await).await, "auth.forbidden");
        assert_eq!(step(&app, &city_reviewer, plan, "approve").await.status().as_u16(), 200);
        let participants: Value = app.get_as(&w.admin, &format!("/api/v1/plans/{plan}/participants")).await.json().await.expect("json");
        let ids: Vec<i64> = participants.as_array().expect("list").iter().map(|p| p["person_id"].as_i64().expect("id")).collect();
        assert!(ids.contains(&w.member_a.id) && ids.contains(&w.member_c.id) && !ids.contains(&w.member_b.id));
    }
}
