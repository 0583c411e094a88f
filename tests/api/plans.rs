use api_tests::{Someone, TestApp, World, error_code, month_from_now, on_both_stores};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::{Value, json};

fn plan(month: &str) -> Value {
    json!({"month": month, "theme": "学习党章", "category": "党课", "start_time": "09:00", "end_time": "11:00",
           "place": "社区党群服务中心", "organiser": "甲书记", "requirements": "带笔记本"})
}

async fn set_status(app: &TestApp, who: &Someone, status: &str, exempt: bool) {
    let person = huodongri::entities::person::Entity::find_by_id(who.id)
        .one(&app.db)
        .await
        .expect("read")
        .expect("exists");
    let mut active = person.into_active_model();
    active.status = Set(huodongri::domain::MemberStatus::parse(status).expect("a status"));
    active.exempt = Set(exempt);
    if exempt {
        active.exempt_reason = Set(Some("病休".into()));
    }
    active.update(&app.db).await.expect("updated");
}

/// Months relative to today, so the tests hold whenever they run: `past` is last month (its
/// 10th and activity day are behind us), `future` the month after next (its 10th ahead).
/// A year without official data gets a minimal arrangement loaded by the admin.
struct Months {
    past: String,
    future: String,
    future_activity_day: String,
}

async fn months(app: &TestApp, w: &World) -> Months {
    let (past, future) = (month_from_now(-1), month_from_now(2));
    app.ensure_calendar_year(&w.admin, &past[..4]).await;
    app.ensure_calendar_year(&w.admin, &future[..4]).await;
    let calendar: Value = app
        .get(&format!("/api/v1/calendar/{}", &future[..4]))
        .await
        .json()
        .await
        .expect("json");
    let index: usize = future[5..].parse().expect("month");
    Months {
        future_activity_day: calendar["months"][index - 1]["activity_day"]
            .as_str()
            .expect("day")
            .to_owned(),
        past,
        future,
    }
}

async fn draft(app: &TestApp, w: &World, month: &str) -> Value {
    let created = app
        .post_as(
            &w.secretary_a,
            &format!("/api/v1/orgs/{}/plans", w.branch_a),
            &plan(month),
        )
        .await;
    assert_eq!(created.status().as_u16(), 201, "{month}");
    created.json().await.expect("json")
}

on_both_stores! {
    async fn a_plan_goes_from_draft_through_review_to_filing_and_a_published_preview(app) {
        let w = app.world().await;
        let activist = app.add_person("积极分子", "13700000011", w.branch_a).await;
        set_status(&app, &activist, "activist", false).await;
        let exempt = app.add_person("病休党员", "13700000012", w.branch_a).await;
        set_status(&app, &exempt, "full", true).await;

        let m = months(&app, &w).await;
        let mut body = plan(&m.future);
        body["invited_person_ids"] = json!([activist.id]);
        let created = app.post_as(&w.secretary_a, &format!("/api/v1/orgs/{}/plans", w.branch_a), &body).await;
        assert_eq!(created.status().as_u16(), 201);
        let p: Value = created.json().await.expect("json");
        assert_eq!(p["date"], m.future_activity_day.as_str(), "defaults to the activity day");
        assert_eq!(p["status"], "draft");
        assert_eq!(p["preview_deadline"], format!("{}-10", m.future));
        assert_eq!(p["checkin_opens_at"], format!("{}T08:30:00+08:00", m.future_activity_day));
        let id = p["id"].as_i64().expect("id");
        let people: Value = app.get_as(&w.secretary_a, &format!("/api/v1/plans/{id}/participants")).await.json().await.expect("json");
        let names: Vec<&str> = people.as_array().expect("list").iter().map(|p| p["name"].as_str().expect("name")).collect();
        assert!(names.contains(&"甲党员") && names.contains(&"甲书记") && names.contains(&"审核员"), "{names:?}");
        assert!(names.contains(&"积极分子"), "invited activist");
        assert!(!names.contains(&"病休党员"), "exempt people are not expected");

        assert_eq!(app.post_as(&w.secretary_a, &format!("/api/v1/plans/{id}/submit"), &json!({})).await.status().as_u16(), 200);
        let no_comment = app.post_as(&w.reviewer, &format!("/api/v1/plans/{id}/return"), &json!({})).await;
        assert_eq!(error_code(no_comment).await, "plan.invalid_input");
        let returned: Value = app.post_as(&w.reviewer, &format!("/api/v1/plans/{id}/return"), &json!({"comment": "请补充学习材料"})).await.json().await.expect("json");
        assert_eq!(returned["status"], "returned");
        assert_eq!(returned["review_comment"], "请补充学习材料");

        let mut edited = plan(&m.future);
        edited["requirements"] = json!("带笔记本和党章");
        assert_eq!(app.put_as(&w.secretary_a, &format!("/api/v1/plans/{id}"), &edited).await.status().as_u16(), 200);
        assert_eq!(app.post_as(&w.secretary_a, &format!("/api/v1/plans/{id}/submit"), &json!({})).await.status().as_u16(), 200);
        let approved: Value = app.post_as(&w.reviewer, &format!("/api/v1/plans/{id}/approve"), &json!({"comment": "同意"})).await.json().await.expect("json");
        assert_eq!(approved["status"], "filed");
        assert_eq!(approved["filed_to_org_id"], w.committee, "no district above: filed with the city-directly-attached committee (市直单位党委), not the city root");

        let published: Value = app.post_as(&w.secretary_a, &format!("/api/v1/plans/{id}/publish"), &json!({})).await.json().await.expect("json");
        assert!(published["published_at"].is_string());
        let actions: Vec<&str> = published["history"].as_array().expect("history").iter().map(|e| e["action"].as_str().expect("action")).collect();
        assert_eq!(actions, ["created", "submitted", "returned", "edited", "submitted", "approved", "filed", "published"]);

        let mine: Value = app.get_as(&w.member_a, &format!("/api/v1/me/preview?month={}", m.future)).await.json().await.expect("json");
        assert_eq!(mine["activity_day"], m.future_activity_day.as_str());
        assert_eq!(mine["preview"]["theme"], "学习党章");
        assert_eq!(mine["expected"], true);
        let theirs: Value = app.get_as(&w.member_b, &format!("/api/v1/me/preview?month={}", m.future)).await.json().await.expect("json");
        assert!(theirs["preview"].is_null(), "branch B has published nothing");
        assert_eq!(theirs["expected"], false);

        // An edit after approval is a new version that needs review again.
        let v2: Value = app.put_as(&w.secretary_a, &format!("/api/v1/plans/{id}"), &plan(&m.future)).await.json().await.expect("json");
        assert_eq!(v2["version"], 2);
        assert_eq!(v2["status"], "draft");

        let statuses: Value = app.get_as(&w.supervisor, &format!("/api/v1/orgs/{}/previews?month={}", w.city, m.future)).await.json().await.expect("json");
        let a = statuses.as_array().expect("rows").iter().find(|r| r["org_id"] == w.branch_a).expect("branch A");
        assert_eq!(a["missing"], false);
        assert_eq!(a["late"], false, "published before the 10th");
        let b = statuses.as_array().expect("rows").iter().find(|r| r["org_id"] == w.branch_b).expect("branch B");
        assert_eq!(b["missing"], true);
        assert_eq!(b["late"], false, "the deadline has not come yet");
    }

    async fn each_review_step_is_allowed_only_to_the_right_role_in_scope(app) {
        let w = app.world().await;
        let m = months(&app, &w).await;
        let p = draft(&app, &w, &m.future).await;
        let id = p["id"].as_i64().expect("id");
        let other_secretary = app.add_person("乙书记", "13700000021", w.branch_b).await;
        app.grant(&other_secretary, huodongri::domain::Role::Secretary, w.branch_b).await;
        let outside_reviewer = app.add_person("外审核", "13700000022", w.branch_c).await;
        app.grant(&outside_reviewer, huodongri::domain::Role::Reviewer, w.other_committee).await;

        for (who, path) in [
            (&other_secretary, format!("/api/v1/plans/{id}/submit")),
            (&w.member_a, format!("/api/v1/plans/{id}/submit")),
            (&w.supervisor, format!("/api/v1/plans/{id}/submit")),
        ] {
            assert_eq!(error_code(app.post_as(who, &path, &json!({})).await).await, "auth.forbidden");
        }
        assert_eq!(error_code(app.put_as(&other_secretary, &format!("/api/v1/plans/{id}"), &plan(&m.future)).await).await, "auth.forbidden");
        assert_eq!(app.post_as(&w.secretary_a, &format!("/api/v1/plans/{id}/submit"), &json!({})).await.status().as_u16(), 200);
        let again = app.post_as(&w.secretary_a, &format!("/api/v1/plans/{id}/submit"), &json!({})).await;
        assert_eq!(error_code(again).await, "plan.wrong_state");
        let during_review = app.put_as(&w.secretary_a, &format!("/api/v1/plans/{id}"), &plan(&m.future)).await;
        assert_eq!(error_code(during_review).await, "plan.wrong_state");
        for who in [&w.secretary_a, &outside_reviewer, &w.supervisor, &w.member_a] {
            let refused = app.post_as(who, &format!("/api/v1/plans/{id}/approve"), &json!({})).await;
            assert_eq!(error_code(refused).await, "auth.forbidden");
        }
        let publish_early = app.post_as(&w.secretary_a, &format!("/api/v1/plans/{id}/publish"), &json!({})).await;
        assert_eq!(error_code(publish_early).await, "plan.wrong_state");
        assert_eq!(app.post_as(&w.admin, &format!("/api/v1/plans/{id}/approve"), &json!({})).await.status().as_u16(), 200, "the city admin is above the branch");

        // A superior drafting for branch B is flagged as acting on its behalf.
        let for_b = app.post_as(&w.reviewer, &format!("/api/v1/orgs/{}/plans", w.branch_b), &plan(&m.future)).await;
        assert_eq!(for_b.status().as_u16(), 201);
        let for_b: Value = for_b.json().await.expect("json");
        assert_eq!(for_b["history"][0]["on_behalf"], true);
        let c = app.post_as(&w.reviewer, &format!("/api/v1/orgs/{}/plans", w.branch_c), &plan(&m.future)).await;
        assert_eq!(error_code(c).await, "auth.forbidden", "outside the reviewer's committee");
        assert_eq!(error_code(app.get_as(&other_secretary, &format!("/api/v1/plans/{id}")).await).await, "auth.forbidden");
    }

    async fn bad_plans_are_refused_with_clear_codes(app) {
        let w = app.world().await;
        let m = months(&app, &w).await;
        let path = format!("/api/v1/orgs/{}/plans", w.branch_a);
        let mut other_day = plan(&m.future);
        other_day["date"] = json!(format!("{}-18", m.future));
        assert_eq!(error_code(app.post_as(&w.secretary_a, &path, &other_day).await).await, "plan.invalid_input");
        other_day["date_reason"] = json!("与区里主题活动合并");
        let mut backwards = plan(&m.future);
        backwards["end_time"] = json!("08:00");
        assert_eq!(error_code(app.post_as(&w.secretary_a, &path, &backwards).await).await, "plan.invalid_input");
        let mut category = plan(&m.future);
        category["category"] = json!("聚餐");
        assert_eq!(error_code(app.post_as(&w.secretary_a, &path, &category).await).await, "plan.invalid_input");
        assert_eq!(error_code(app.post_as(&w.secretary_a, &path, &plan("2026-13")).await).await, "plan.invalid_input");
        let no_year = app.post_as(&w.secretary_a, &path, &plan("2099-03")).await;
        assert_eq!(no_year.status().as_u16(), 422);
        assert_eq!(error_code(no_year).await, "calendar.year_missing");
        let committee = app.post_as(&w.reviewer, &format!("/api/v1/orgs/{}/plans", w.committee), &plan(&m.future)).await;
        assert_eq!(error_code(committee).await, "plan.invalid_input");
        assert_eq!(app.post_as(&w.secretary_a, &path, &other_day).await.status().as_u16(), 201, "another day with a reason");
        assert_eq!(error_code(app.post_as(&w.secretary_a, &path, &plan(&m.future)).await).await, "plan.exists");
    }

    async fn a_preview_after_the_10th_is_late_and_participants_freeze_after_the_day(app) {
        let w = app.world().await;
        let m = months(&app, &w).await;
        // Last month: its 10th and its activity day are behind us.
        let p = draft(&app, &w, &m.past).await;
        let id = p["id"].as_i64().expect("id");
        let frozen = app.post_as(&w.secretary_a, &format!("/api/v1/plans/{id}/participants/refresh"), &json!({})).await;
        assert_eq!(error_code(frozen).await, "plan.wrong_state");
        let before: Value = app.get_as(&w.reviewer, &format!("/api/v1/orgs/{}/previews?month={}", w.committee, m.past)).await.json().await.expect("json");
        for row in before.as_array().expect("rows") {
            assert_eq!(row["late"], true, "no preview by the 10th: {row}");
        }
        app.post_as(&w.secretary_a, &format!("/api/v1/plans/{id}/submit"), &json!({})).await;
        app.post_as(&w.reviewer, &format!("/api/v1/plans/{id}/approve"), &json!({})).await;
        let published: Value = app.post_as(&w.secretary_a, &format!("/api/v1/plans/{id}/publish"), &json!({})).await.json().await.expect("json");
        assert_eq!(published["history"].as_array().expect("history").last().expect("event")["comment"], "published after the 10th");
        let after: Value = app.get_as(&w.reviewer, &format!("/api/v1/orgs/{}/previews?month={}", w.committee, m.past)).await.json().await.expect("json");
        let a = after.as_array().expect("rows").iter().find(|r| r["org_id"] == w.branch_a).expect("A");
        assert_eq!((a["missing"].as_bool(), a["late"].as_bool()), (Some(false), Some(true)));
        let bad_month = app.get_as(&w.reviewer, &format!("/api/v1/orgs/{}/previews?month=November", w.committee)).await;
        assert_eq!(error_code(bad_month).await, "plan.invalid_input");

        // A later month is still open: the roster change shows up after a refresh.
        let dec = draft(&app, &w, &m.future).await;
        let dec_id = dec["id"].as_i64().expect("id");
        let before = dec["expected_participants"].as_u64().expect("count");
        app.add_person("新党员", "13700000031", w.branch_a).await;
        let refreshed: Value = app.post_as(&w.secretary_a, &format!("/api/v1/plans/{dec_id}/participants/refresh"), &json!({})).await.json().await.expect("json");
        assert_eq!(refreshed.as_array().expect("list").len() as u64, before + 1);
    }

    async fn a_yearly_plan_keeps_a_theme_per_month(app) {
        let w = app.world().await;
        let path = format!("/api/v1/orgs/{}/yearly-plans/2027", w.branch_a);
        let saved = app.put_as(&w.secretary_a, &path, &json!({"themes": {"01": "学习新党章", "07": "庆祝建党节"}})).await;
        assert_eq!(saved.status().as_u16(), 200);
        let read: Value = app.get_as(&w.reviewer, &path).await.json().await.expect("json");
        assert_eq!(read["themes"]["07"], "庆祝建党节");
        let bad = app.put_as(&w.secretary_a, &path, &json!({"themes": {"13": "x"}})).await;
        assert_eq!(error_code(bad).await, "plan.invalid_input");
        let other = app.put_as(&w.secretary_a, &format!("/api/v1/orgs/{}/yearly-plans/2027", w.branch_b), &json!({"themes": {}})).await;
        assert_eq!(error_code(other).await, "auth.forbidden");
    }
}
