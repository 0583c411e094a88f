//! The democratic evaluation (民主评议党员): a branch's campaign, self-assessment, secret
//! ballots once per member and never on oneself, results only after closing and only from
//! five ballots, the secretary's comments and the meeting's final grades, the evidence sheet.
use api_tests::{Someone, TestApp, error_code, on_both_stores};
use chrono::Duration;
use huodongri::{clock, entities::evaluation_campaign};
use sea_orm::{ActiveModelTrait, EntityTrait, FromQueryResult, IntoActiveModel, Set, Statement};
use serde_json::{Value, json};

async fn vote(
    app: &TestApp,
    who: &Someone,
    campaign: i64,
    subject: i64,
    grade: &str,
) -> reqwest::Response {
    app.post_as(
        who,
        &format!("/api/v1/evaluations/{campaign}/ballots"),
        &json!({"subject_id": subject, "grade": grade, "comment": format!("{grade}的评语")}),
    )
    .await
}

on_both_stores! {
    async fn members_rate_each_other_in_secret_and_results_wait_for_the_close(app) {
        let w = app.world().await;
        let mut voters = Vec::new();
        for i in 0..5 {
            voters.push(app.add_person(&format!("评议人{i}"), &format!("1370000060{i}"), w.branch_a).await);
        }
        let path = format!("/api/v1/orgs/{}/evaluations", w.branch_a);
        let window = |from: i64, to: i64| json!({"year": clock::now().with_timezone(&clock::shanghai()).format("%Y").to_string().parse::<i32>().expect("year"),
            "opens_at": (clock::now() + Duration::hours(from)).to_rfc3339(), "closes_at": (clock::now() + Duration::hours(to)).to_rfc3339()});
        assert_eq!(error_code(app.post_as(&w.secretary_a, &format!("/api/v1/orgs/{}/evaluations", w.branch_b), &window(-1, 1)).await).await, "auth.forbidden");
        assert_eq!(error_code(app.post_as(&w.admin, &format!("/api/v1/orgs/{}/evaluations", w.committee), &window(-1, 1)).await).await, "evaluation.invalid_input");
        assert_eq!(error_code(app.post_as(&w.secretary_a, &path, &window(1, -1)).await).await, "evaluation.invalid_input");
        assert_eq!(error_code(app.post_as(&w.secretary_a, &path, &json!({"year": 2001, "opens_at": clock::now().to_rfc3339(), "closes_at": (clock::now() + Duration::hours(1)).to_rfc3339()})).await).await, "evaluation.invalid_input");
        let opened = app.post_as(&w.secretary_a, &path, &window(-1, 1)).await;
        assert_eq!(opened.status().as_u16(), 201);
        let campaign: Value = opened.json().await.expect("json");
        let id = campaign["id"].as_i64().expect("id");
        assert_eq!(error_code(app.post_as(&w.secretary_a, &path, &window(-1, 1)).await).await, "evaluation.wrong_state");

        // 自评, then 互评: once per member, never on oneself, only within the branch.
        let own = app.put_as(&w.member_a, &format!("/api/v1/evaluations/{id}/self-assessment"), &json!({"text": "本年度按时参加组织生活……"})).await;
        assert_eq!(own.status().as_u16(), 204);
        assert_eq!(error_code(app.put_as(&w.member_b, &format!("/api/v1/evaluations/{id}/self-assessment"), &json!({"text": "x"})).await).await, "evaluation.not_a_member");
        for (i, voter) in voters.iter().enumerate() {
            let grade = if i < 3 { "excellent" } else { "qualified" };
            assert_eq!(vote(&app, voter, id, w.member_a.id, grade).await.status().as_u16(), 204);
        }
        assert_eq!(error_code(vote(&app, &voters[0], id, w.member_a.id, "unqualified").await).await, "evaluation.already_voted");
        assert_eq!(error_code(vote(&app, &w.member_a, id, w.member_a.id, "excellent").await).await, "evaluation.invalid_input");
        assert_eq!(error_code(vote(&app, &w.member_a, id, w.member_b.id, "excellent").await).await, "evaluation.invalid_input");
        assert_eq!(error_code(vote(&app, &w.member_b, id, w.member_a.id, "excellent").await).await, "evaluation.not_a_member");
        assert_eq!(vote(&app, &w.member_a, id, voters[0].id, "qualified").await.status().as_u16(), 204);
        let bad_grade = app.post_as(&voters[1], &format!("/api/v1/evaluations/{id}/ballots"), &json!({"subject_id": voters[0].id, "grade": "good"})).await;
        assert_eq!(bad_grade.status().as_u16(), 400);
        let seen: Value = app.get_as(&voters[0], &format!("/api/v1/evaluations/{id}")).await.json().await.expect("json");
        assert!(seen["members"].as_array().expect("members").iter().any(|m| m["person_id"] == w.member_a.id && m["rated_by_me"] == true));

        // What was voted is only a tally per member: no row per ballot, no voter, no time, so
        // neither a column nor the store's row metadata ties a grade to the one who gave it.
        let tables = sea_orm::JsonValue::find_by_statement(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT * FROM evaluation_tally",
        ))
        .all(&app.db)
        .await
        .expect("tallies");
        assert_eq!(tables.len(), 2, "one row per member rated, not per ballot");
        for row in &tables {
            let mut columns: Vec<&str> = row.as_object().expect("a row").keys().map(String::as_str).collect();
            columns.sort_unstable();
            assert_eq!(columns, ["basically_qualified", "campaign_id", "comments", "excellent", "id", "qualified", "subject_id", "unqualified"]);
        }
        let a_tally = tables.iter().find(|r| r["subject_id"] == w.member_a.id).expect("member a's tally");
        let comments: Vec<String> = serde_json::from_str(a_tally["comments"].as_str().expect("comments")).expect("a list");
        let mut sorted = comments.clone();
        sorted.sort();
        assert_eq!((comments.len(), comments == sorted), (5, true), "comments kept sorted, not in the order given");

        // Nothing is released while it is open; the secretary comments, grades wait for the close.
        assert_eq!(error_code(app.get_as(&w.secretary_a, &format!("/api/v1/evaluations/{id}/results")).await).await, "evaluation.wrong_state");
        let remark = format!("/api/v1/evaluations/{id}/members/{}/comment", w.member_a.id);
        assert_eq!(error_code(app.put_as(&w.member_a, &remark, &json!({"text": "自己点评自己"})).await).await, "auth.forbidden");
        assert_eq!(app.put_as(&w.secretary_a, &remark, &json!({"text": "积极参加活动，发挥先锋模范作用"})).await.status().as_u16(), 204);
        let grade = format!("/api/v1/evaluations/{id}/members/{}/grade", w.member_a.id);
        let today = clock::now().with_timezone(&clock::shanghai()).date_naive();
        assert_eq!(error_code(app.put_as(&w.secretary_a, &grade, &json!({"grade": "excellent", "meeting_date": today.to_string()})).await).await, "evaluation.wrong_state");

        let mut row = evaluation_campaign::Entity::find_by_id(id).one(&app.db).await.expect("read").expect("campaign").into_active_model();
        row.opens_at = Set(clock::now() - Duration::days(3));
        row.closes_at = Set(clock::now() - Duration::days(1));
        row.update(&app.db).await.expect("closed");
        assert_eq!(error_code(vote(&app, &voters[1], id, voters[2].id, "excellent").await).await, "evaluation.wrong_state");
        assert_eq!(error_code(app.put_as(&w.secretary_a, &grade, &json!({"grade": "excellent", "meeting_date": (today + Duration::days(3)).to_string()})).await).await, "evaluation.invalid_input");
        assert_eq!(app.put_as(&w.secretary_a, &grade, &json!({"grade": "excellent", "meeting_date": today.to_string()})).await.status().as_u16(), 204);

        let results: Value = app.get_as(&w.secretary_a, &format!("/api/v1/evaluations/{id}/results")).await.json().await.expect("json");
        let of = |person: i64| results.as_array().expect("rows").iter().find(|r| r["person_id"] == person).cloned().expect("a row");
        let a = of(w.member_a.id);
        assert_eq!(a["counts"], json!([3, 2, 0, 0]));
        assert_eq!(a["final_grade"], "excellent");
        assert_eq!(a["secretary_comment"], "积极参加活动，发挥先锋模范作用");
        let one_ballot = of(voters[0].id);
        assert_eq!((one_ballot["ballots"].as_u64(), one_ballot["counts"].is_null()), (Some(1), true), "below five: hidden");
        assert!(one_ballot["comments"].as_array().expect("comments").is_empty());
        let record: Value = app.get_as(&w.member_a, "/api/v1/me/evaluations").await.json().await.expect("json");
        assert_eq!((record[0]["my_final_grade"].as_str(), record[0]["my_meeting_date"].as_str()), (Some("excellent"), Some(today.to_string().as_str())), "the grade goes on the member's record");
        let mine: Value = app.get_as(&w.member_a, &format!("/api/v1/evaluations/{id}/results")).await.json().await.expect("json");
        assert_eq!(mine.as_array().expect("rows").len(), 1, "a member sees their own");
        assert_eq!(error_code(app.get_as(&w.member_b, &format!("/api/v1/evaluations/{id}/results")).await).await, "evaluation.not_found");

        // The evidence sheet comes from the records: the member's own, and staff's.
        let sheet: Value = app.get_as(&w.member_a, &format!("/api/v1/evaluations/{id}/members/{}/evidence", w.member_a.id)).await.json().await.expect("json");
        assert!(sheet["attendance"]["expected"].is_u64());
        assert!(sheet["service"]["volunteer"]["required"].is_u64(), "service minimums: {sheet}");
        assert_eq!((sheet["commitments"].as_u64(), sheet["exempt"].as_bool()), (Some(0), Some(false)));
        assert!(sheet["duties"].is_null(), "a member without duties has none");
        let secretary_sheet: Value = app.get_as(&w.secretary_a, &format!("/api/v1/evaluations/{id}/members/{}/evidence", w.secretary_a.id)).await.json().await.expect("json");
        assert!(secretary_sheet["duties"]["behind"].is_array() || secretary_sheet["duties"].is_null(), "{secretary_sheet}");
        assert_eq!(error_code(app.get_as(&w.member_a, &format!("/api/v1/evaluations/{id}/members/{}/evidence", voters[0].id)).await).await, "evaluation.not_found");
        assert_eq!(app.get_as(&w.reviewer, &format!("/api/v1/evaluations/{id}/members/{}/evidence", voters[0].id)).await.status().as_u16(), 200);
    }
}

on_both_stores! {
    async fn members_and_the_public_evaluate_the_branch_once_each_and_counts_wait_for_five(app) {
        let w = app.world().await;
        let year: i32 = clock::now().with_timezone(&clock::shanghai()).format("%Y").to_string().parse().expect("year");
        let opened: Value = app.post_as(&w.secretary_a, &format!("/api/v1/orgs/{}/evaluations", w.branch_a), &json!({
            "year": year, "opens_at": (clock::now() - Duration::hours(1)).to_rfc3339(),
            "closes_at": (clock::now() + Duration::hours(1)).to_rfc3339()})).await.json().await.expect("json");
        let id = opened["id"].as_i64().expect("id");
        let listed: Value = app.get_as(&w.member_a, "/api/v1/me/evaluations").await.json().await.expect("json");
        assert_eq!(listed[0]["id"], id, "a member finds the branch's campaign");
        assert_eq!(listed[0]["open"], true);

        let path = format!("/api/v1/evaluations/{id}/questionnaire");
        // The branch prints a QR code for the public; other scanners get a page saying to use WeChat.
        let qr: Value = app.get_as(&w.secretary_a, &format!("{path}/qr")).await.json().await.expect("json");
        let url = qr["url"].as_str().expect("url");
        assert_eq!(url, format!("https://hdr.test/e/{id}"));
        assert!(!qr["png_base64"].as_str().expect("png").is_empty());
        assert_eq!(error_code(app.get_as(&w.member_b, &format!("{path}/qr")).await).await, "auth.forbidden");
        let landing = app.get(&format!("/e/{id}")).await;
        assert_eq!(landing.status().as_u16(), 200);
        assert!(landing.text().await.expect("html").contains("请用微信扫码参加评议"));
        let public = app.visitor("o-evaluator-1");
        let form: Value = app.get_as(&public, &path).await.json().await.expect("json");
        assert_eq!((form["questions"].as_array().map(Vec::len), form["answered"].as_bool()), (Some(5), Some(false)));
        let all = |answer: &str| json!({"answers": [answer, answer, answer, answer, answer]});
        assert_eq!(error_code(app.post_as(&public, &path, &json!({"answers": ["satisfied"]})).await).await, "evaluation.invalid_input");
        assert_eq!(app.post_as(&public, &path, &all("satisfied")).await.status().as_u16(), 204);
        assert_eq!(error_code(app.post_as(&public, &path, &all("dissatisfied")).await).await, "evaluation.already_voted");
        let again: Value = app.get_as(&public, &path).await.json().await.expect("json");
        assert_eq!(again["answered"], true);
        assert_eq!(app.post_as(&w.member_a, &path, &all("basically_satisfied")).await.status().as_u16(), 204);
        assert_eq!(app.post_as(&w.member_c, &path, &all("satisfied")).await.status().as_u16(), 204, "a member elsewhere answers as the public");
        assert_eq!(error_code(app.get_as(&w.secretary_a, &format!("{path}/results")).await).await, "evaluation.wrong_state");
        for i in 2..5 {
            let visitor = app.visitor(&format!("o-evaluator-{i}"));
            assert_eq!(app.post_as(&visitor, &path, &all(if i == 4 { "dissatisfied" } else { "satisfied" })).await.status().as_u16(), 204);
        }
        // The public flooding from one WeChat identity is refused, counted or not.
        let flood = app.visitor("o-flood");
        let mut refused = None;
        for _ in 0..12 {
            let r = app.post_as(&flood, &path, &json!({"answers": ["satisfied"]})).await;
            if r.status().as_u16() == 429 {
                refused = Some(error_code(r).await);
                break;
            }
        }
        assert_eq!(refused.as_deref(), Some("evaluation.too_many_requests"));

        let mut row = evaluation_campaign::Entity::find_by_id(id).one(&app.db).await.expect("read").expect("campaign").into_active_model();
        row.closes_at = Set(clock::now() - Duration::minutes(1));
        row.update(&app.db).await.expect("closed");
        assert_eq!(error_code(app.post_as(&app.visitor("o-late"), &path, &all("satisfied")).await).await, "evaluation.wrong_state");
        let results: Value = app.get_as(&w.secretary_a, &format!("{path}/results")).await.json().await.expect("json");
        let member = &results[0];
        assert_eq!((member["audience"].as_str(), member["answers"].as_u64()), (Some("member"), Some(1)));
        assert!(member["questions"].is_null(), "one member's answers stay hidden");
        let public_counts = &results[1];
        assert_eq!(public_counts["answers"], 5);
        assert_eq!(public_counts["questions"][0]["counts"], json!([4, 0, 1]));
        assert_eq!(error_code(app.get_as(&w.member_b, &format!("{path}/results")).await).await, "evaluation.not_found");
    }
}
