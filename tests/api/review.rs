//! What the outside review found in the loop (issue 12), each replayed: the camera-scanned
//! code, plan edits that erased data, the rules as the document states them, and consent.
use api_tests::{Stores, TestApp, World, error_code, on_both_stores, spawn_with, test_settings};
use huodongri::{clock, domain::Role};
use serde_json::{Value, json};

use crate::checkin::{nonce, open_activity, scan, token_from, venue};

/// A plan of branch A for next month, with coordinates, a wider check-in window and an
/// invited activist: everything the mini-program's form does not show.
async fn full_plan(app: &TestApp, w: &World) -> (i64, i64) {
    let month = api_tests::month_from_now(1);
    app.ensure_calendar_year(&w.admin, &month[..4]).await;
    let activist = app.add_person("积极分子", "13700000070", w.branch_a).await;
    use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
    let mut row = huodongri::entities::person::Entity::find_by_id(activist.id)
        .one(&app.db)
        .await
        .expect("read")
        .expect("person")
        .into_active_model();
    row.status = Set(huodongri::domain::MemberStatus::Activist);
    row.update(&app.db).await.expect("an activist");
    let body = json!({"month": month, "theme": "原主题", "category": "党课", "start_time": "09:00",
        "end_time": "11:00", "place": "党群服务中心", "organiser": "甲书记", "requirements": "带党章",
        "latitude": 32.3942, "longitude": 119.4129, "checkin_opens_minutes_before": 90,
        "checkin_closes_minutes_after": 15, "invited_person_ids": [activist.id]});
    let created = app
        .post_as(
            &w.secretary_a,
            &format!("/api/v1/orgs/{}/plans", w.branch_a),
            &body,
        )
        .await;
    assert_eq!(created.status().as_u16(), 201);
    let id = created.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id");
    (id, activist.id)
}

async fn participants(app: &TestApp, w: &World, id: i64) -> Vec<Value> {
    let body: Value = app
        .get_as(&w.secretary_a, &format!("/api/v1/plans/{id}/participants"))
        .await
        .json()
        .await
        .expect("json");
    body.as_array()
        .or_else(|| body["items"].as_array())
        .or_else(|| body["participants"].as_array())
        .cloned()
        .unwrap_or_else(|| panic!("a participant list: {body}"))
}

on_both_stores! {
    async fn a_phone_camera_scan_opens_a_chinese_page_not_a_404(app) {
        let w = app.world().await;
        let id = open_activity(&app, &w).await;
        let (code, token) = venue(&app, &w.secretary_a, id).await;
        let page = app.get(&format!("/c/{code}?t={token}")).await;
        assert_eq!(page.status().as_u16(), 200);
        assert!(page.headers()["content-type"].to_str().expect("ascii").starts_with("text/html"));
        let html = page.text().await.expect("html");
        assert!(html.contains("请用微信扫码签到") && html.contains("扫一扫"), "{html}");
        assert!(!html.contains("wxaurl"), "no URL Link configured, no button");
        let unknown = app.get("/c/not-a-code").await;
        assert_eq!(unknown.status().as_u16(), 404);
        assert_eq!(error_code(unknown).await, "request.not_found");

        // Opened from the camera, signing in took five minutes: WeChat's scan time decides.
        let five_minutes_ago = token_from(&app, &code, 300);
        let late = json!({"activity_code": code, "token": five_minutes_ago, "nonce": nonce()});
        assert_eq!(scan(&app, &w.member_a, late).await["result"], "window_expired");
        let scanned = clock::now().timestamp() - 298;
        let camera = json!({"activity_code": code, "token": five_minutes_ago, "nonce": nonce(), "scancode_time": scanned});
        let answer = scan(&app, &w.member_a, camera).await;
        assert_eq!((answer["result"].as_str(), answer["late_sync"].as_bool()), (Some("ok"), Some(false)));
        let absurd = json!({"activity_code": code, "token": five_minutes_ago, "nonce": nonce(), "scancode_time": 99_999_999_999i64});
        assert_eq!(app.post_as(&w.reviewer, "/api/v1/checkins", &absurd).await.status().as_u16(), 400);
    }

    async fn editing_a_plan_keeps_every_field_the_form_leaves_out(app) {
        let w = app.world().await;
        let (id, activist) = full_plan(&app, &w).await;
        // What the mini-program's form sends: only the fields it shows.
        let patch = app.client.patch(app.url(&format!("/api/v1/plans/{id}"))).bearer_auth(&w.secretary_a.token)
            .json(&json!({"theme": "新主题", "place": "会议室"})).send().await.expect("sent");
        assert_eq!(patch.status().as_u16(), 200);
        let plan: Value = patch.json().await.expect("json");
        assert_eq!(plan["theme"], "新主题");
        assert_eq!(plan["latitude"], 32.3942);
        assert_eq!(plan["longitude"], 119.4129);
        assert_eq!(plan["checkin_opens_minutes_before"], 90);
        assert_eq!(plan["checkin_closes_minutes_after"], 15);
        assert_eq!(plan["requirements"], "带党章");
        assert!(participants(&app, &w, id).await.iter().any(|p| p["person_id"] == activist), "the invited activist stays");
        // PUT has the same semantics; an explicit null clears.
        let put = app.put_as(&w.secretary_a, &format!("/api/v1/plans/{id}"), &json!({"latitude": null, "longitude": null})).await;
        assert_eq!(put.status().as_u16(), 200);
        let plan: Value = put.json().await.expect("json");
        assert!(plan["latitude"].is_null() && plan["longitude"].is_null());
        assert_eq!(plan["theme"], "新主题");
        let wrong = app.put_as(&w.secretary_a, &format!("/api/v1/plans/{id}"), &json!({"start_time": "25:00"})).await;
        assert_eq!(error_code(wrong).await, "plan.invalid_input");
    }

    async fn the_participation_rate_counts_party_members_only(app) {
        let w = app.world().await;
        let id = open_activity(&app, &w).await;
        let activist = app.add_person("积极分子", "13700000071", w.branch_a).await;
        use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
        let mut row = huodongri::entities::person::Entity::find_by_id(activist.id).one(&app.db).await.expect("read").expect("person").into_active_model();
        row.status = Set(huodongri::domain::MemberStatus::Activist);
        row.update(&app.db).await.expect("an activist");
        // Invite them to the filed activity's participants (a refresh keeps the invitation).
        huodongri::entities::plan_participant::ActiveModel { plan_id: Set(id), person_id: Set(activist.id), invited: Set(true) }
            .insert(&app.db).await.expect("invited");
        let (code, token) = venue(&app, &w.secretary_a, id).await;
        let answer = scan(&app, &activist, json!({"activity_code": code, "token": token, "nonce": nonce()})).await;
        assert_eq!((answer["result"].as_str(), answer["attendance"].as_str()), (Some("ok"), Some("guest")));
        assert_eq!(answer["live"]["expected"], 3, "secretary, reviewer and member: the activist is not expected");
        assert_eq!(answer["live"]["present"], 0, "nor counted in the rate");
        let attendance: Value = app.get_as(&w.secretary_a, &format!("/api/v1/activities/{id}/attendance")).await.json().await.expect("json");
        let listed = attendance["people"].as_array().expect("people").iter().find(|p| p["person_id"] == activist.id).expect("listed");
        assert_eq!(listed["status"], "invited");
        assert_eq!(attendance["counts"]["expected"].as_u64().or(attendance["live"]["expected"].as_u64()), Some(3));
    }

    async fn only_the_committee_marks_someone_exempt(app) {
        let w = app.world().await;
        let mut body = json!({"name": "甲党员", "phone": w.member_a.phone, "status": "正式党员", "exempt": true, "exempt_reason": "长期外出"});
        let by_secretary = app.put_as(&w.secretary_a, &format!("/api/v1/people/{}", w.member_a.id), &body).await;
        assert_eq!(by_secretary.status().as_u16(), 400);
        let message = by_secretary.json::<Value>().await.expect("json")["message"].as_str().expect("message").to_owned();
        assert!(message.contains("须经上级党委审批"), "{message}");
        let roster = format!("姓名,手机号,党员状态,暂不参加组织生活,暂不参加原因\n甲党员,{},正式党员,是,长期外出\n", w.member_a.phone);
        let imported = app.upload_as(&w.secretary_a, &format!("/api/v1/orgs/{}/roster", w.branch_a), "text/csv", roster.into_bytes()).await;
        assert_eq!(imported.status().as_u16(), 422);
        let created = app.post_as(&w.secretary_a, &format!("/api/v1/orgs/{}/people", w.branch_a),
            &json!({"name": "新人", "phone": "13811110201", "status": "正式党员", "exempt": true, "exempt_reason": "病休"})).await;
        assert_eq!(created.status().as_u16(), 400);
        // The committee above the branch decides.
        body["name"] = json!("甲党员");
        let by_committee = app.put_as(&w.reviewer, &format!("/api/v1/people/{}", w.member_a.id), &body).await;
        assert_eq!(by_committee.status().as_u16(), 403, "reviewers read the directory but do not edit people");
        app.grant(&w.reviewer, Role::OrgAdmin, w.committee).await;
        let by_committee = app.put_as(&w.reviewer, &format!("/api/v1/people/{}", w.member_a.id), &body).await;
        assert_eq!(by_committee.status().as_u16(), 200);
    }

    async fn yearly_minimums_count_done_things_and_commitments_list_who_owes_one(app) {
        let w = app.world().await;
        let activist = app.add_person("积极分子", "13700000072", w.branch_a).await;
        use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
        let mut row = huodongri::entities::person::Entity::find_by_id(activist.id).one(&app.db).await.expect("read").expect("person").into_active_model();
        row.status = Set(huodongri::domain::MemberStatus::Activist);
        row.update(&app.db).await.expect("an activist");
        let year = clock::now().with_timezone(&clock::shanghai()).format("%Y").to_string();
        let made = app.put_as(&w.member_a, &format!("/api/v1/me/commitments/{year}"), &json!({"category": "organ", "content": "每月走访一户困难群众"})).await;
        assert_eq!(made.status().as_u16(), 200);
        let missing: Value = app.get_as(&w.secretary_a, &format!("/api/v1/orgs/{}/commitments/missing?year={year}", w.branch_a)).await.json().await.expect("json");
        let names: Vec<&str> = missing.as_array().expect("list").iter().map(|m| m["name"].as_str().expect("name")).collect();
        assert!(names.contains(&"甲书记") && names.contains(&"审核员"), "{names:?}");
        assert!(!names.contains(&"甲党员"), "made one: {names:?}");
        assert!(!names.contains(&"积极分子"), "activists are not asked: {names:?}");
        let progress: Value = app.get_as(&w.secretary_a, &format!("/api/v1/orgs/{}/progress?year={year}", w.branch_a)).await.json().await.expect("json");
        let of_activist = progress.as_array().expect("list").iter().find(|p| p["person_id"] == activist.id).expect("listed");
        assert_eq!(of_activist["volunteer"]["required"], 0, "the minimums are for members");
        assert_eq!(of_activist["behind"], false);
    }

    async fn the_contract_lists_every_status_and_constraint_and_405_says_what_is_allowed(app) {
        let wrong = app.client.delete(app.url("/api/v1/auth/bind")).send().await.expect("sent");
        assert_eq!(wrong.status().as_u16(), 405);
        assert_eq!(wrong.headers()["allow"], "POST");
        assert_eq!(error_code(wrong).await, "request.method_not_allowed");
        let trace = app.client.request(reqwest::Method::TRACE, app.url("/api/v1/plans/1")).send().await.expect("sent");
        assert_eq!(trace.headers()["allow"], "GET, PUT, PATCH");

        let w = app.world().await;
        for (per_page, status) in [(0, 400), (101, 400), (100, 200)] {
            let response = app.get_as(&w.admin, &format!("/api/v1/orgs/{}/people?per_page={per_page}", w.branch_a)).await;
            assert_eq!(response.status().as_u16(), status, "per_page={per_page}");
        }

        let doc: Value = app.get("/openapi.json").await.json().await.expect("json");
        let patch = &doc["paths"]["/api/v1/plans/{id}"]["patch"]["responses"];
        for status in ["200", "400", "401", "403", "404", "409", "413", "415", "503"] {
            assert!(patch[status].is_object(), "PATCH /plans/{{id}} documents {status}");
        }
        assert!(patch["503"]["headers"]["Retry-After"].is_object());
        let year = doc["paths"]["/api/v1/calendar/{year}"]["get"]["parameters"].as_array().expect("params")
            .iter().find(|p| p["name"] == "year").expect("year").clone();
        assert_eq!((year["schema"]["minimum"].as_i64(), year["schema"]["maximum"].as_i64()), (Some(2000), Some(2100)));
        let per_page = doc["paths"]["/api/v1/orgs/{id}/people"]["get"]["parameters"].as_array().expect("params")
            .iter().find(|p| p["name"] == "per_page").expect("per_page").clone();
        assert_eq!(per_page["schema"]["maximum"], 100);
        assert!(doc["components"]["schemas"]["PlanRequest"]["properties"]["month"]["pattern"].is_string());
    }

    async fn consent_templates_come_from_the_server_with_what_is_left(app) {
        let w = app.world().await;
        let before: Value = app.get_as(&w.member_a, "/api/v1/notifications/templates").await.json().await.expect("json");
        let kinds: Vec<&str> = before["templates"].as_array().expect("list").iter().map(|t| t["kind"].as_str().expect("kind")).collect();
        assert_eq!(kinds, ["preview", "reminder", "offer"]);
        let preview = before["templates"][0].clone();
        assert_eq!(preview["template_id"], app.settings.wechat.preview_template_id);
        assert_eq!((preview["long_term"].as_bool(), preview["remaining"].as_i64()), (Some(false), Some(0)));
        let offer_id = app.settings.community.offer_template_id.clone();
        let reported = app.post_as(&w.member_a, "/api/v1/subscriptions",
            &json!({"results": {preview["template_id"].as_str().expect("id"): "accept", offer_id.as_str(): "accept"}})).await;
        assert_eq!(reported.status().as_u16(), 204);
        let after: Value = app.get_as(&w.member_a, "/api/v1/notifications/templates").await.json().await.expect("json");
        assert_eq!(after["templates"][0]["remaining"], 1);
        assert_eq!(after["templates"][2]["remaining"], 1);
        assert_eq!(app.get("/api/v1/notifications/templates").await.status().as_u16(), 401);
    }
}

/// The verification file WeChat fetches under the registered prefix, and the URL Link
/// button, both from configuration.
async fn landing_with_settings(stores: Stores) {
    let wechat = wechat_fake::spawn().await;
    let Some(mut settings) = test_settings(stores, &wechat) else {
        return;
    };
    settings.checkin.url_link = Some("https://wxaurl.cn/AbCdEfGh".into());
    settings.checkin.verify_file_name = Some("Xy12Ab34Cd.txt".into());
    settings.checkin.verify_file_content = Some("9f8e7d6c5b4a".into());
    let app = spawn_with(stores, settings, wechat).await;
    let file = app.get("/c/Xy12Ab34Cd.txt").await;
    assert_eq!(file.status().as_u16(), 200);
    assert!(
        file.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/plain")
    );
    assert_eq!(file.text().await.expect("text"), "9f8e7d6c5b4a");
    let page = app.get("/c/ABCDEFGH?t=x").await.text().await.expect("html");
    assert!(
        page.contains(r#"href="https://wxaurl.cn/AbCdEfGh""#),
        "{page}"
    );
}

mod the_verification_file_and_url_link_come_from_configuration {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn embedded() {
        landing_with_settings(Stores::Embedded).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn production() {
        landing_with_settings(Stores::Production).await;
    }
}
