//! 督查: an unannounced round's draw redone from its seed, rounds hidden from the inspected,
//! findings only at the round's organisations and within the inspector's reach, rectification
//! tasks answered, returned and accepted, overdue tasks flagged upward once by the scheduler's
//! clock, results published on a date and corrected only by a new version.
use api_tests::{TestApp, error_code, on_both_stores};
use chrono::Duration;
use huodongri::{
    clock,
    domain::Role,
    entities::{audit_log, rectification},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use serde_json::{Value, json};

use crate::attachments::{png, upload_form};

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let got = response.status().as_u16();
    let body: Value = response.json().await.expect("json");
    assert_eq!(got, status, "{body}");
    body
}

fn day(offset: i64) -> String {
    (clock::today() + Duration::days(offset)).to_string()
}

on_both_stores! {
    async fn an_unannounced_draw_is_redone_from_its_seed_and_stays_hidden_from_the_inspected(app) {
        let w = app.world().await;
        let path = format!("/api/v1/orgs/{}/inspection-rounds", w.city);
        let drawn = json_of(app.post_as(&w.supervisor, &path, &json!({
            "title": "第四季度不定期抽查", "mode": "unannounced", "method": "records_review",
            "planned_on": day(3), "draw_from_org_id": w.city, "draw_size": 2})).await, 201).await;
        let id = drawn["id"].as_i64().expect("id");
        let seed = drawn["draw_seed"].as_str().expect("a stored seed").to_owned();
        assert_eq!(seed.len(), 32);
        let targets = drawn["targets"].as_array().expect("targets");
        assert_eq!(targets.len(), 2);
        assert_eq!((targets[0]["draw_rank"].as_i64(), targets[1]["draw_rank"].as_i64()), (Some(1), Some(2)));
        let check = json_of(app.get_as(&w.supervisor, &format!("/api/v1/inspection-rounds/{id}/draw")).await, 200).await;
        assert_eq!(check["reproduced"], true);
        assert_eq!(check["seed"], seed.as_str());
        assert_eq!(check["ranking"].as_array().map(Vec::len), Some(3), "every branch of the city, keyed");
        assert_eq!(check["ranking"][0]["org_id"], targets[0]["org_id"]);
        assert_eq!(check["ranking"][1]["draw_key"], targets[1]["draw_key"]);
        // The key is SHA-256(seed ":" code): anyone with the seed and the codes can check it.
        let first_code = check["ranking"][0]["org_code"].as_str().expect("code");
        let key = {
            use sha2::Digest;
            hex::encode(sha2::Sha256::digest(format!("{seed}:{first_code}").as_bytes()))
        };
        assert_eq!(check["ranking"][0]["draw_key"], key.as_str());

        // The inspected know nothing of it beforehand.
        assert_eq!(error_code(app.get_as(&w.secretary_a, &format!("/api/v1/inspection-rounds/{id}")).await).await, "supervision.not_found");
        assert_eq!(error_code(app.get_as(&w.secretary_a, &path).await).await, "auth.forbidden");
        let listed = json_of(app.get_as(&w.supervisor, &path).await, 200).await;
        assert_eq!(listed["total"], 1);

        for bad in [
            json!({"title": "x", "mode": "unannounced", "method": "site_visit", "planned_on": day(1), "draw_from_org_id": w.city, "draw_size": 9}),
            json!({"title": "x", "mode": "unannounced", "method": "site_visit", "planned_on": day(1), "draw_from_org_id": w.city}),
            json!({"title": "x", "mode": "scheduled", "method": "site_visit", "planned_on": day(-1), "org_ids": [w.branch_a]}),
            json!({"title": "x", "mode": "scheduled", "method": "site_visit", "planned_on": day(1), "org_ids": []}),
            json!({"title": "", "mode": "scheduled", "method": "site_visit", "planned_on": day(1), "org_ids": [w.branch_a]}),
        ] {
            assert_eq!(error_code(app.post_as(&w.supervisor, &path, &bad).await).await, "supervision.invalid_input", "{bad}");
        }
        assert_eq!(app.post_as(&w.supervisor, &path, &json!({"title": "x", "mode": "sometimes", "method": "site_visit", "planned_on": day(1)})).await.status().as_u16(), 400);

        // A committee's inspector plans only under the committee, records findings only at the
        // round's organisations, and never sees the city's rounds.
        let local = app.add_person("党委督查员", "13700000901", w.committee).await;
        app.grant(&local, Role::Supervisor, w.committee).await;
        let local_path = format!("/api/v1/orgs/{}/inspection-rounds", w.committee);
        assert_eq!(error_code(app.post_as(&local, &local_path, &json!({"title": "越界", "mode": "scheduled", "method": "interviews", "planned_on": day(1), "org_ids": [w.branch_c]})).await).await, "supervision.invalid_input");
        let round = json_of(app.post_as(&local, &local_path, &json!({"title": "定期督查", "mode": "scheduled", "method": "interviews", "planned_on": day(0), "org_ids": [w.branch_a]})).await, 201).await;
        let finding = |org: i64| json!({"org_id": org, "kind": "problem", "text": "会议记录不全"});
        let round_id = round["id"].as_i64().expect("id");
        assert_eq!(error_code(app.post_as(&local, &format!("/api/v1/inspection-rounds/{round_id}/findings"), &finding(w.branch_c)).await).await, "supervision.invalid_input");
        assert_eq!(error_code(app.get_as(&local, &format!("/api/v1/inspection-rounds/{id}")).await).await, "supervision.not_found");
        assert_eq!(error_code(app.post_as(&local, &format!("/api/v1/inspection-rounds/{id}/findings"), &finding(w.branch_c)).await).await, "supervision.not_found");
        assert_eq!(error_code(app.get_as(&local, &format!("/api/v1/inspection-rounds/{round_id}/draw")).await).await, "supervision.wrong_state");
    }
}

async fn scheduled_round(app: &TestApp, w: &api_tests::World) -> i64 {
    let round = json_of(
        app.post_as(
            &w.supervisor,
            &format!("/api/v1/orgs/{}/inspection-rounds", w.city),
            &json!({
        "title": "统一活动日定期督查", "mode": "scheduled", "method": "site_visit",
        "planned_on": day(0), "org_ids": [w.branch_a, w.branch_b]}),
        )
        .await,
        201,
    )
    .await;
    round["id"].as_i64().expect("id")
}

on_both_stores! {
    async fn a_rectification_is_answered_returned_accepted_and_flagged_when_overdue(app) {
        let w = app.world().await;
        let round = scheduled_round(&app, &w).await;
        let findings = format!("/api/v1/inspection-rounds/{round}/findings");
        let with_task = |deadline: String| json!({"org_id": w.branch_a, "kind": "problem", "text": "三会一课记录缺少照片",
            "rectification": {"requirement": "补齐照片并建立台账", "deadline": deadline}});
        assert_eq!(error_code(app.post_as(&w.supervisor, &findings, &with_task(day(0))).await).await, "supervision.invalid_input", "a deadline after today");
        assert_eq!(error_code(app.post_as(&w.supervisor, &findings, &with_task(day(181))).await).await, "supervision.invalid_input");
        assert_eq!(error_code(app.post_as(&w.secretary_a, &findings, &with_task(day(5))).await).await, "supervision.not_found");
        let found = json_of(app.post_as(&w.supervisor, &findings, &with_task(day(1))).await, 201).await;
        let task_id = found["rectification_id"].as_i64().expect("a task");
        let good = json_of(app.post_as(&w.supervisor, &findings, &json!({"org_id": w.branch_b, "kind": "commendation", "text": "亮点：党员参与率高"})).await, 201).await;
        assert!(good["rectification_id"].is_null());
        assert_eq!(json_of(app.get_as(&w.supervisor, &findings).await, 200).await.as_array().map(Vec::len), Some(2));

        // Evidence on the finding, by the inspector.
        let png = png(40, 30);
        let finding_id = found["id"].as_i64().expect("id");
        let uploaded = upload_form(&app, &w.supervisor, "inspection_finding", finding_id, "现场.png", &png).await;
        assert_eq!(uploaded.status().as_u16(), 201);

        let task = format!("/api/v1/rectifications/{task_id}");
        let step = |action: &str, note: &str| json!({"action": action, "note": note});
        assert_eq!(error_code(app.post_as(&w.member_a, &format!("{task}/steps"), &step("answer", "已整改")).await).await, "supervision.not_found");
        assert_eq!(error_code(app.post_as(&w.secretary_a, &format!("{task}/steps"), &step("accept", "")).await).await, "auth.forbidden");
        assert_eq!(error_code(app.post_as(&w.secretary_a, &format!("{task}/steps"), &step("answer", "")).await).await, "supervision.invalid_input");
        assert_eq!(upload_form(&app, &w.member_a, "inspection_finding", finding_id, "x.png", &png).await.status().as_u16(), 403);
        let evidence = upload_form(&app, &w.secretary_a, "rectification", task_id, "整改照片.png", &png).await;
        assert_eq!(evidence.status().as_u16(), 201);
        let answered = json_of(app.post_as(&w.secretary_a, &format!("{task}/steps"), &step("answer", "已补齐照片")).await, 200).await;
        assert_eq!(answered["status"], "answered");
        assert_eq!(error_code(app.post_as(&w.secretary_a, &format!("{task}/steps"), &step("answer", "再报一次")).await).await, "supervision.wrong_state");
        assert_eq!(json_of(app.post_as(&w.supervisor, &format!("{task}/steps"), &step("return", "照片不清晰")).await, 200).await["status"], "returned");
        assert_eq!(json_of(app.post_as(&w.secretary_a, &format!("{task}/steps"), &step("answer", "重新拍摄")).await, 200).await["status"], "answered");
        let accepted = json_of(app.post_as(&w.supervisor, &format!("{task}/steps"), &step("accept", "")).await, 200).await;
        assert_eq!((accepted["status"].as_str(), accepted["answer"].as_str()), (Some("accepted"), Some("重新拍摄")));
        assert_eq!(error_code(app.post_as(&w.supervisor, &format!("{task}/steps"), &step("return", "x")).await).await, "supervision.wrong_state");
        let late_upload = upload_form(&app, &w.secretary_a, "rectification", task_id, "迟到.png", &png).await;
        assert_eq!(late_upload.status().as_u16(), 403, "no more evidence once accepted");

        // A second task runs past its deadline: the scheduler's clock decides, once.
        let second = json_of(app.post_as(&w.supervisor, &findings, &with_task(day(2))).await, 201).await;
        let second_id = second["rectification_id"].as_i64().expect("a task");
        let today = clock::today();
        assert_eq!(huodongri::supervision::rectifications::escalate_overdue(&app.db, today + Duration::days(2)).await.expect("ran"), 0, "due that day, not overdue yet");
        assert_eq!(huodongri::supervision::rectifications::escalate_overdue(&app.db, today + Duration::days(3)).await.expect("ran"), 1);
        assert_eq!(huodongri::supervision::rectifications::escalate_overdue(&app.db, today + Duration::days(4)).await.expect("ran"), 0, "flagged once");
        let flagged = rectification::Entity::find_by_id(second_id).one(&app.db).await.expect("read").expect("task");
        assert_eq!(flagged.escalated_to_org_id, Some(w.committee), "to the organisation above the branch");
        let audited = audit_log::Entity::find().filter(audit_log::Column::Action.eq("rectification.overdue")).count(&app.db).await.expect("count");
        assert_eq!(audited, 1);
        // As the lists see it once the deadline has really passed.
        let mut row = flagged.into_active_model();
        row.deadline = Set(today - Duration::days(1));
        row.update(&app.db).await.expect("moved");
        let overdue = json_of(app.get_as(&w.reviewer, &format!("/api/v1/orgs/{}/rectifications?overdue=true", w.committee)).await, 200).await;
        assert_eq!(overdue["total"], 1);
        assert_eq!((overdue["items"][0]["id"].as_i64(), overdue["items"][0]["overdue"].as_bool()), (Some(second_id), Some(true)));
        let all = json_of(app.get_as(&w.secretary_a, &format!("/api/v1/orgs/{}/rectifications", w.branch_a)).await, 200).await;
        assert_eq!(all["total"], 2);
        assert_eq!(error_code(app.get_as(&w.secretary_a, &format!("/api/v1/orgs/{}/rectifications", w.branch_b)).await).await, "auth.forbidden");
    }
}

on_both_stores! {
    async fn results_are_published_on_their_day_and_corrected_only_by_a_new_version(app) {
        let w = app.world().await;
        let round = scheduled_round(&app, &w).await;
        let path = format!("/api/v1/inspection-rounds/{round}/publications");
        let results = json!([{"org_id": w.branch_a, "verdict": "fair", "comment": "基本规范"}, {"org_id": w.branch_b, "verdict": "good"}]);
        for bad in [
            json!({"publish_on": day(-1), "summary": "通报", "results": results}),
            json!({"publish_on": day(1), "summary": "通报", "results": [{"org_id": w.branch_c, "verdict": "good"}]}),
            json!({"publish_on": day(1), "summary": "通报", "results": [{"org_id": w.branch_a, "verdict": "good"}, {"org_id": w.branch_a, "verdict": "poor"}]}),
            json!({"publish_on": day(1), "summary": "通报", "results": results, "correction_reason": "无"}),
        ] {
            assert_eq!(error_code(app.post_as(&w.supervisor, &path, &bad).await).await, "supervision.invalid_input", "{bad}");
        }
        assert_eq!(error_code(app.post_as(&w.secretary_a, &path, &json!({"publish_on": day(0), "summary": "x", "results": []})).await).await, "supervision.not_found");
        let first = json_of(app.post_as(&w.supervisor, &path, &json!({"publish_on": day(1), "summary": "全市督查通报（第一期）", "results": results})).await, 201).await;
        assert_eq!(first["version"], 1);
        // Not before its day.
        assert_eq!(json_of(app.get_as(&w.member_a, "/api/v1/me/inspection-results").await, 200).await, json!([]));

        assert_eq!(error_code(app.post_as(&w.supervisor, &path, &json!({"publish_on": day(0), "summary": "改", "results": results})).await).await, "supervision.invalid_input", "a correction gives its reason");
        let corrected = json!([{"org_id": w.branch_a, "verdict": "good", "comment": "复核后更正"}, {"org_id": w.branch_b, "verdict": "good"}]);
        let second = json_of(app.post_as(&w.supervisor, &path, &json!({"publish_on": day(0), "summary": "全市督查通报（更正）", "results": corrected, "correction_reason": "甲支部材料复核"})).await, 201).await;
        assert_eq!(second["version"], 2);

        let mine = json_of(app.get_as(&w.member_a, "/api/v1/me/inspection-results").await, 200).await;
        assert_eq!(mine.as_array().map(Vec::len), Some(1));
        assert_eq!((mine[0]["version"].as_i64(), mine[0]["correction_reason"].as_str()), (Some(2), Some("甲支部材料复核")));
        assert_eq!((mine[0]["result"]["verdict"].as_str(), mine[0]["result"]["org_id"].as_i64()), (Some("good"), Some(w.branch_a)), "only my organisation's result");
        let elsewhere = json_of(app.get_as(&w.member_c, "/api/v1/me/inspection-results").await, 200).await;
        assert_eq!((elsewhere[0]["summary"].as_str(), elsewhere[0]["result"].is_null()), (Some("全市督查通报（更正）"), true), "the summary reaches the whole city");
        assert_eq!(error_code(app.get_as(&w.member_a, &format!("/api/v1/orgs/{}/inspection-results", w.branch_b)).await).await, "auth.forbidden");

        // Every version is kept and each publication is in the audit log.
        let versions = json_of(app.get_as(&w.supervisor, &path).await, 200).await;
        assert_eq!(versions.as_array().map(Vec::len), Some(2));
        assert_eq!((versions[1]["version"].as_i64(), versions[1]["results"][0]["verdict"].as_str()), (Some(1), Some("fair")));
        for action in ["inspection.publish", "inspection.correct"] {
            let n = audit_log::Entity::find().filter(audit_log::Column::Action.eq(action)).count(&app.db).await.expect("count");
            assert_eq!(n, 1, "{action}");
        }
    }
}
