//! QR check-in end to end: every reason code, retries, races, offline scans, organiser
//! check-in and corrections, leave and exemptions, live counters after a cache wipe, and the
//! ledger read back from the XLSX the server writes.
use std::io::Cursor;

use api_tests::{
    Someone, Stores, TestApp, VENUE, World, error_code, month_from_now, on_both_stores, spawn_with,
    test_settings,
};
use calamine::{Data, Reader, Xlsx};
use huodongri::{
    checkin::{
        decision::Attendance,
        live,
        token::{Rotation, Signer},
    },
    clock,
    entities::{activity_plan, checkin},
    secrets::Secrets,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use secrecy::ExposeSecret;
use serde_json::{Value, json};

/// The activity code and token inside the venue QR, read the way a phone reads them.
pub(crate) async fn venue(app: &TestApp, secretary: &Someone, id: i64) -> (String, String) {
    let qr: Value = app
        .get_as(secretary, &format!("/api/v1/activities/{id}/qr"))
        .await
        .json()
        .await
        .expect("json");
    let url = qr["url"].as_str().expect("url");
    let rest = url
        .strip_prefix("https://hdr.test/c/")
        .expect("the configured prefix");
    let (code, token) = rest.split_once("?t=").expect("a token parameter");
    assert!(!qr["png_base64"].as_str().expect("png").is_empty());
    (code.to_owned(), token.to_owned())
}

pub(crate) fn signer(app: &TestApp) -> Signer {
    let secrets = Secrets::resolve(&app.settings).expect("secrets");
    Signer::new(secrets.qr_secret.expose_secret().as_bytes())
}

/// A genuine token of the window `seconds_ago` seconds back (30-second rotation).
pub(crate) fn token_from(app: &TestApp, code: &str, seconds_ago: i64) -> String {
    let rotation = Rotation { seconds: 30 };
    signer(app).venue_token(
        code,
        rotation,
        rotation.window_at(clock::now().timestamp() - seconds_ago),
    )
}

pub(crate) fn nonce() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

pub(crate) async fn scan(app: &TestApp, who: &Someone, body: Value) -> Value {
    let response = app.post_as(who, "/api/v1/checkins", &body).await;
    assert_eq!(response.status().as_u16(), 200, "{body}");
    response.json().await.expect("json")
}

pub(crate) async fn scan_now(app: &TestApp, who: &Someone, code: &str, token: &str) -> Value {
    scan(
        app,
        who,
        json!({"activity_code": code, "token": token, "nonce": nonce()}),
    )
    .await
}

async fn present_rows(app: &TestApp, plan: i64, person: i64) -> u64 {
    checkin::Entity::find()
        .filter(checkin::Column::PlanId.eq(plan))
        .filter(checkin::Column::PersonId.eq(person))
        .filter(checkin::Column::Present.eq(true))
        .count(&app.db)
        .await
        .expect("count")
}

pub(crate) async fn live(app: &TestApp, who: &Someone, id: i64) -> Value {
    let response = app
        .get_as(who, &format!("/api/v1/activities/{id}/live"))
        .await;
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.expect("json")
}

async fn move_plan(app: &TestApp, id: i64, days: i64) {
    let plan = activity_plan::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .expect("read")
        .expect("plan");
    let date = plan.activity_date + chrono::Duration::days(days);
    let mut active = plan.into_active_model();
    active.activity_date = Set(date);
    active.update(&app.db).await.expect("moved");
    // Written behind the services' backs: say so, as they do after their writes.
    app.facts.invalidate().await;
}

on_both_stores! {
    async fn a_repeat_puts_a_stored_check_in_the_counters_missed_back_into_them(app) {
        // An instance killed after its check-in committed and before the live counters heard
        // of it: the row is there, the counters lack the member. The member's phone repeats
        // the scan with the same nonce (through another instance, in production).
        let w = app.world().await;
        let id = app.open_activity(&w).await;
        let (code, token) = venue(&app, &w.secretary_a, id).await;
        let first_nonce = nonce();
        let first = scan(&app, &w.member_a, json!({"activity_code": code, "token": token, "nonce": first_nonce})).await;
        assert_eq!(first["live"]["present"], 1);
        let removed = app
            .cache
            .remove_from_set(&live::set_key(id, Attendance::Member), &w.member_a.id.to_string())
            .await
            .expect("remove");
        assert!(removed, "the member was in the counters");
        assert_eq!(live(&app, &w.secretary_a, id).await["present"], 0, "the counters missed the stored row");

        let repeat = scan(&app, &w.member_a, json!({"activity_code": code, "token": token, "nonce": first_nonce})).await;
        assert_eq!(repeat["result"], "ok");
        assert_eq!(repeat["checkin_id"], first["checkin_id"]);
        assert_eq!(repeat["live"]["present"], 1, "the repeat's own answer counts the member");
        assert_eq!(live(&app, &w.secretary_a, id).await["present"], 1);

        // The same through a second scan (a new nonce): already checked in, and counted.
        app.cache
            .remove_from_set(&live::set_key(id, Attendance::Member), &w.member_a.id.to_string())
            .await
            .expect("remove");
        let again = scan_now(&app, &w.member_a, &code, &token).await;
        assert_eq!(again["result"], "already_checked_in");
        assert_eq!(live(&app, &w.secretary_a, id).await["present"], 1);
    }
}

on_both_stores! {
    async fn a_member_checks_in_once_and_retries_get_the_first_answer(app) {
        let w = app.world().await;
        let id = app.open_activity(&w).await;
        let (code, token) = venue(&app, &w.secretary_a, id).await;
        let first_nonce = nonce();
        let first = scan(&app, &w.member_a, json!({"activity_code": code, "token": token, "nonce": first_nonce})).await;
        assert_eq!(first["result"], "ok");
        assert_eq!(first["accepted"], true);
        assert_eq!(first["attendance"], "member");
        assert_eq!(first["activity"]["id"], id);
        assert_eq!(first["live"]["present"], 1);
        assert_eq!(first["live"]["expected"], 3, "secretary, reviewer and member of branch A");

        let retry = scan(&app, &w.member_a, json!({"activity_code": code, "token": token, "nonce": first_nonce})).await;
        assert_eq!(retry["result"], "ok", "the same nonce gets the same answer");
        assert_eq!(retry["checkin_id"], first["checkin_id"]);
        let again = scan_now(&app, &w.member_a, &code, &token).await;
        assert_eq!(again["result"], "already_checked_in");
        assert_eq!(again["accepted"], true);
        let t = |v: &Value| chrono::DateTime::parse_from_rfc3339(v["checked_in_at"].as_str().expect("time")).expect("rfc3339");
        assert_eq!(t(&again), t(&first), "the first check-in's time");
        assert_eq!(present_rows(&app, id, w.member_a.id).await, 1);
        assert_eq!(checkin::Entity::find().filter(checkin::Column::PersonId.eq(w.member_a.id)).count(&app.db).await.expect("count"), 1,
            "neither the retry nor the second scan wrote a row");
        assert_eq!(live(&app, &w.secretary_a, id).await["present"], 1);

        // Malformed input is a 400, never a decision.
        for bad in [json!({"activity_code": code, "token": token, "nonce": "short"}),
                    json!({"activity_code": code, "token": token, "nonce": nonce(), "scanned_at": "yesterday"}),
                    json!({"activity_code": code, "token": token, "nonce": nonce(), "location": {"latitude": 91.0, "longitude": 0.0}}),
                    json!({"activity_code": "", "token": token, "nonce": nonce()})] {
            let response = app.post_as(&w.member_a, "/api/v1/checkins", &bad).await;
            assert_eq!(response.status().as_u16(), 400, "{bad}");
            assert_eq!(error_code(response).await, "checkin.invalid_input");
        }
    }

    async fn one_person_scanning_many_times_at_once_is_present_once(app) {
        let w = app.world().await;
        let id = app.open_activity(&w).await;
        let (code, token) = venue(&app, &w.secretary_a, id).await;
        let scans = (0..16).map(|_| scan_now(&app, &w.member_a, &code, &token));
        let answers = futures_util::future::join_all(scans).await;
        let ok = answers.iter().filter(|a| a["result"] == "ok").count();
        let already = answers.iter().filter(|a| a["result"] == "already_checked_in").count();
        assert_eq!((ok, already), (1, 15), "{answers:?}");
        assert_eq!(present_rows(&app, id, w.member_a.id).await, 1);
        assert_eq!(live(&app, &w.secretary_a, id).await["present"], 1);
    }

    async fn forged_foreign_replayed_and_refused_scans_are_stored_with_their_reason(app) {
        let w = app.world().await;
        let id = app.open_activity(&w).await;
        let (code, token) = venue(&app, &w.secretary_a, id).await;
        let forged = scan_now(&app, &w.member_a, &code, "AAAAAAAAAAAAAAAA").await;
        assert_eq!(forged["result"], "invalid_token");
        assert_eq!(forged["accepted"], false);
        let other_key = Signer::new(b"not the server key, 32 bytes long").venue_token(&code, Rotation { seconds: 30 }, Rotation { seconds: 30 }.window_at(clock::now().timestamp()));
        assert_eq!(scan_now(&app, &w.member_a, &code, &other_key).await["result"], "invalid_token");
        assert_eq!(scan_now(&app, &w.member_a, "ZZZZZZZZ", &token).await["result"], "invalid_token", "unknown activity");
        let previous = token_from(&app, &code, 30);
        let replayed = token_from(&app, &code, 300);
        assert_eq!(scan_now(&app, &w.member_a, &code, &replayed).await["result"], "window_expired", "a photo of an old code");
        assert_eq!(scan_now(&app, &w.member_a, &code, &previous).await["result"], "ok", "the previous window is accepted");

        let guest = scan_now(&app, &w.member_c, &code, &token).await;
        assert_eq!(guest["result"], "not_expected");
        assert_eq!(guest["attendance"], "guest");
        assert_eq!(guest["live"]["guests"], 1);
        assert_eq!(guest["live"]["present"], 1, "a guest is not counted in the rate");

        // Location: flagged when far; refused only once the activity requires it.
        let far = json!({"latitude": VENUE.0 + 0.05, "longitude": VENUE.1});
        let flagged = scan(&app, &w.reviewer, json!({"activity_code": code, "token": token, "nonce": nonce(), "location": far})).await;
        assert_eq!((flagged["result"].as_str(), flagged["location_far"].as_bool()), (Some("ok"), Some(true)));
        let settings = app.put_as(&w.secretary_a, &format!("/api/v1/activities/{id}/checkin-settings"),
            &json!({"window_seconds": 30, "require_location": true, "radius_m": 300})).await;
        assert_eq!(settings.status().as_u16(), 200);
        let late = app.add_person("迟到党员", "13700000031", w.branch_a).await;
        app.post_as(&w.secretary_a, &format!("/api/v1/plans/{id}/participants/refresh"), &json!({})).await;
        let refused = scan(&app, &late, json!({"activity_code": code, "token": token, "nonce": nonce(), "location": far})).await;
        assert_eq!(refused["result"], "location_far");
        assert_eq!(scan_now(&app, &late, &code, &token).await["result"], "location_missing", "no location at all is told apart from too far");
        let near = json!({"latitude": VENUE.0 + 0.001, "longitude": VENUE.1});
        assert_eq!(scan(&app, &late, json!({"activity_code": code, "token": token, "nonce": nonce(), "location": near})).await["result"], "ok");

        // Retrying a refused scan gets the refusal again, even though a new scan would pass.
        let refused_nonce = nonce();
        let body = json!({"activity_code": code, "token": replayed, "nonce": refused_nonce});
        assert_eq!(scan(&app, &w.secretary_a, body.clone()).await["result"], "window_expired");
        let mut retry = body;
        retry["token"] = json!(token);
        assert_eq!(scan(&app, &w.secretary_a, retry).await["result"], "window_expired");

        let refusals: Value = app.get_as(&w.supervisor, &format!("/api/v1/activities/{id}/refusals")).await.json().await.expect("json");
        let reasons: Vec<&str> = refusals.as_array().expect("list").iter().map(|r| r["result"].as_str().expect("result")).collect();
        for reason in ["invalid_token", "window_expired", "location_far"] {
            assert!(reasons.contains(&reason), "{reason} in {reasons:?}");
        }
        assert_eq!(reasons.iter().filter(|r| **r == "window_expired").count(), 2, "the retry wrote nothing");
    }

    async fn timing_exemption_and_cancellation_have_their_own_answers(app) {
        let w = app.world().await;
        let id = app.open_activity(&w).await;
        let (code, token) = venue(&app, &w.secretary_a, id).await;
        move_plan(&app, id, 2).await;
        assert_eq!(scan_now(&app, &w.member_a, &code, &token).await["result"], "not_open_yet");
        move_plan(&app, id, -4).await;
        assert_eq!(scan_now(&app, &w.member_a, &code, &token).await["result"], "closed");
        move_plan(&app, id, 2).await;

        let today = clock::now().with_timezone(&clock::shanghai()).date_naive();
        let exemption = app.post_as(&w.reviewer, &format!("/api/v1/people/{}/exemptions", w.member_a.id),
            &json!({"reason": "长期病休", "valid_from": today.to_string(), "valid_until": null})).await;
        assert_eq!(exemption.status().as_u16(), 200);
        let refused = app.post_as(&w.secretary_a, &format!("/api/v1/people/{}/exemptions", w.member_a.id),
            &json!({"reason": "x", "valid_from": today.to_string()})).await;
        assert_eq!(refused.status().as_u16(), 403, "a branch secretary cannot exempt: the committee does");
        let exempt = scan_now(&app, &w.member_a, &code, &token).await;
        assert_eq!(exempt["result"], "exempt");
        assert_eq!(exempt["accepted"], true);
        assert_eq!(exempt["live"]["expected"], 2, "the exempt member left the expected count");
        assert_eq!(exempt["live"]["present"], 0);

        let cancel = app.post_as(&w.secretary_a, &format!("/api/v1/activities/{id}/cancel"), &json!({"reason": "台风"})).await;
        assert_eq!(cancel.status().as_u16(), 200);
        let cancelled = scan_now(&app, &w.reviewer, &code, &token).await;
        assert_eq!(cancelled["result"], "cancelled");
        assert_eq!(cancelled["accepted"], false);
    }

    async fn organiser_check_in_and_corrections_are_new_audited_entries(app) {
        let w = app.world().await;
        let id = app.open_activity(&w).await;
        let (code, token) = venue(&app, &w.secretary_a, id).await;
        let card: Value = app.get_as(&w.member_a, "/api/v1/me/card").await.json().await.expect("json");
        let card_code = card["code"].as_str().expect("code").to_owned();
        let path = format!("/api/v1/activities/{id}/checkins");
        let no_reason = app.post_as(&w.secretary_a, &path, &json!({"card_code": card_code, "reason": " "})).await;
        assert_eq!(error_code(no_reason).await, "checkin.invalid_input");
        let forged = app.post_as(&w.secretary_a, &path, &json!({"card_code": "HDRC.5.AAAAAAAAAAA", "reason": "无智能手机"})).await;
        assert_eq!(error_code(forged).await, "checkin.invalid_input");
        let outsider = app.add_person("丙书记", "13700000041", w.branch_c).await;
        app.grant(&outsider, huodongri::domain::Role::Secretary, w.branch_c).await;
        let out_of_scope = app.post_as(&outsider, &path, &json!({"card_code": card_code, "reason": "无智能手机"})).await;
        assert_eq!(out_of_scope.status().as_u16(), 403, "another branch's secretary");
        let by_member = app.post_as(&w.member_a, &path, &json!({"person_id": w.member_a.id, "reason": "自己签"})).await;
        assert_eq!(by_member.status().as_u16(), 403);

        let done: Value = app.post_as(&w.secretary_a, &path, &json!({"card_code": card_code, "reason": "无智能手机"})).await.json().await.expect("json");
        assert_eq!(done["result"], "ok");
        assert_eq!(done["live"]["present"], 1);
        let checkin_id = done["checkin_id"].as_i64().expect("id");
        assert_eq!(scan_now(&app, &w.member_a, &code, &token).await["result"], "already_checked_in");

        let undo_path = format!("/api/v1/checkins/{checkin_id}/undo");
        assert_eq!(app.post_as(&outsider, &undo_path, &json!({"reason": "错签"})).await.status().as_u16(), 403);
        let undone = app.post_as(&w.secretary_a, &undo_path, &json!({"reason": "签错了人"})).await;
        assert_eq!(undone.status().as_u16(), 200);
        assert_eq!(error_code(app.post_as(&w.secretary_a, &undo_path, &json!({"reason": "again"})).await).await, "checkin.already_undone");
        assert_eq!(live(&app, &w.secretary_a, id).await["present"], 0);
        let rescan = scan_now(&app, &w.member_a, &code, &token).await;
        assert_eq!(rescan["result"], "ok", "after an undo the person can check in again");
        assert_eq!(checkin::Entity::find().filter(checkin::Column::PersonId.eq(w.member_a.id)).count(&app.db).await.expect("count"), 2,
            "the undone row is kept");

        let attendance: Value = app.get_as(&w.supervisor, &format!("/api/v1/activities/{id}/attendance")).await.json().await.expect("json");
        let me = attendance["people"].as_array().expect("people").iter().find(|p| p["person_id"] == w.member_a.id).expect("listed");
        assert_eq!((me["status"].as_str(), me["method"].as_str()), (Some("present"), Some("scan")));
        let audit: Value = app.get_as(&w.admin, &format!("/api/v1/orgs/{}/audit", w.branch_a)).await.json().await.expect("json");
        let actions: Vec<String> = audit["items"].as_array().or(audit.as_array()).expect("entries").iter().map(|e| e["action"].as_str().unwrap_or_default().to_owned()).collect();
        assert!(actions.iter().any(|a| a == "checkin.organiser") && actions.iter().any(|a| a == "checkin.undo"), "{actions:?}");
    }

    async fn offline_scans_are_late_syncs_within_the_limit_only(app) {
        let w = app.world().await;
        let id = app.open_activity(&w).await;
        let (code, _) = venue(&app, &w.secretary_a, id).await;
        let half_hour_ago = clock::now() - chrono::Duration::minutes(30);
        let queued = json!({"activity_code": code, "token": token_from(&app, &code, 1800), "nonce": nonce(),
            "scanned_at": half_hour_ago.with_timezone(&clock::shanghai()).to_rfc3339()});
        let synced = scan(&app, &w.member_a, queued.clone()).await;
        assert_eq!(synced["result"], "ok");
        assert_eq!(synced["late_sync"], true);
        let mut without_flag = queued;
        without_flag["nonce"] = json!(nonce());
        without_flag.as_object_mut().expect("object").remove("scanned_at");
        assert_eq!(scan(&app, &w.reviewer, without_flag).await["result"], "window_expired", "an old window sent live is a replay");

        let attendance: Value = app.get_as(&w.secretary_a, &format!("/api/v1/activities/{id}/attendance")).await.json().await.expect("json");
        let me = attendance["people"].as_array().expect("people").iter().find(|p| p["person_id"] == w.member_a.id).expect("listed");
        assert_eq!(me["method"], "late_sync");
    }

    async fn live_counters_come_back_from_the_database_after_a_cache_wipe(app) {
        let w = app.world().await;
        let id = app.open_activity(&w).await;
        let (code, token) = venue(&app, &w.secretary_a, id).await;
        for who in [&w.member_a, &w.reviewer, &w.member_c] {
            assert!(scan_now(&app, who, &code, &token).await["accepted"].as_bool().expect("accepted"));
        }
        for kind in [Attendance::Member, Attendance::Guest] {
            app.cache.delete(&live::set_key(id, kind)).await.expect("wiped");
        }
        let counts = live(&app, &w.secretary_a, id).await;
        assert_eq!((counts["present"].as_u64(), counts["guests"].as_u64()), (Some(2), Some(1)));
        // Wiped again, then a new check-in re-creates a partial set: still counted right.
        for kind in [Attendance::Member, Attendance::Guest] {
            app.cache.delete(&live::set_key(id, kind)).await.expect("wiped");
        }
        let last = scan_now(&app, &w.secretary_a, &code, &token).await;
        assert_eq!(last["live"]["present"], 3);
        assert_eq!(live(&app, &w.secretary_a, id).await["present"], 3);
    }

    async fn leave_is_asked_before_the_start_and_decided_by_the_secretary(app) {
        let w = app.world().await;
        let today_id = app.open_activity(&w).await;
        let too_late = app.post_as(&w.member_a, &format!("/api/v1/activities/{today_id}/leave"), &json!({"reason": "出差"})).await;
        assert_eq!(error_code(too_late).await, "leave.too_late");

        let month = month_from_now(1);
        app.ensure_calendar_year(&w.admin, &month[..4]).await;
        let created = app.post_as(&w.secretary_a, &format!("/api/v1/orgs/{}/plans", w.branch_a), &json!({"month": month,
            "theme": "下月活动", "category": "党课", "start_time": "09:00", "end_time": "11:00", "place": "会议室",
            "organiser": "甲书记", "requirements": ""})).await;
        let next = created.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
        app.post_as(&w.secretary_a, &format!("/api/v1/plans/{next}/submit"), &json!({})).await;
        app.post_as(&w.reviewer, &format!("/api/v1/plans/{next}/approve"), &json!({})).await;
        let not_mine = app.post_as(&w.member_c, &format!("/api/v1/activities/{next}/leave"), &json!({"reason": "x"})).await;
        assert_eq!(error_code(not_mine).await, "leave.not_participant");
        let asked: Value = app.post_as(&w.member_a, &format!("/api/v1/activities/{next}/leave"), &json!({"reason": "出差"})).await.json().await.expect("json");
        assert_eq!(asked["status"], "pending");
        let leave_id = asked["id"].as_i64().expect("id");
        let mine: Value = app.get_as(&w.member_a, "/api/v1/me/activities").await.json().await.expect("json");
        let entry = mine.as_array().expect("list").iter().find(|a| a["activity_id"] == next).expect("listed");
        assert_eq!(entry["my_status"], "leave_pending");
        let decision = format!("/api/v1/leave/{leave_id}/decision");
        assert_eq!(app.post_as(&w.member_a, &decision, &json!({"approve": true})).await.status().as_u16(), 403);
        let approved: Value = app.post_as(&w.secretary_a, &decision, &json!({"approve": true, "comment": "同意"})).await.json().await.expect("json");
        assert_eq!(approved["status"], "approved");
        assert_eq!(error_code(app.post_as(&w.secretary_a, &decision, &json!({"approve": false})).await).await, "leave.wrong_state");
        let counts = live(&app, &w.secretary_a, next).await;
        assert_eq!((counts["expected"].as_u64(), counts["on_leave"].as_u64()), (Some(3), Some(1)));
        let attendance: Value = app.get_as(&w.secretary_a, &format!("/api/v1/activities/{next}/attendance")).await.json().await.expect("json");
        let me = attendance["people"].as_array().expect("people").iter().find(|p| p["person_id"] == w.member_a.id).expect("listed");
        assert_eq!(me["status"], "on_leave");
    }

    async fn the_ledger_exports_a_spreadsheet_with_the_right_rows(app) {
        let w = app.world().await;
        let id = app.open_activity(&w).await;
        let (code, token) = venue(&app, &w.secretary_a, id).await;
        scan_now(&app, &w.member_a, &code, &token).await;
        scan_now(&app, &w.member_c, &code, &token).await;
        app.put_as(&w.secretary_a, &format!("/api/v1/activities/{id}/minutes"), &json!({"text": "学习了党章第一章。"})).await;
        let xlsx = app.get_as(&w.supervisor, &format!("/api/v1/activities/{id}/ledger?format=xlsx")).await;
        assert_eq!(xlsx.status().as_u16(), 200);
        let bytes = xlsx.bytes().await.expect("bytes").to_vec();
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("a real XLSX");
        let sheet = book.worksheet_range("活动台账").expect("the ledger sheet");
        let rows: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(|c| match c { Data::Empty => String::new(), other => other.to_string() }).collect()).collect();
        let row_of = |name: &str| rows.iter().find(|r| r.first().is_some_and(|c| c == name)).unwrap_or_else(|| panic!("{name} in {rows:?}")).clone();
        assert_eq!(row_of("甲党员")[1], "出席");
        assert_eq!(row_of("甲党员")[3], "扫码");
        assert_eq!(row_of("丙党员")[1], "列席");
        assert_eq!(row_of("审核员")[1], "缺席");
        assert!(rows.iter().any(|r| r.iter().any(|c| c == "扫码签到测试")), "the plan's theme");
        let minutes = book.worksheet_range("会议记录").expect("minutes sheet");
        assert!(minutes.rows().any(|r| r.iter().any(|c| c.to_string().contains("党章第一章"))));

        let csv = app.get_as(&w.supervisor, &format!("/api/v1/activities/{id}/ledger?format=csv")).await.text().await.expect("text");
        assert!(csv.contains("姓名") && csv.contains("甲党员"), "{csv}");
        let bad = app.get_as(&w.supervisor, &format!("/api/v1/activities/{id}/ledger?format=pdf")).await;
        assert_eq!(error_code(bad).await, "checkin.invalid_input");
        assert_eq!(app.get_as(&w.member_c, &format!("/api/v1/activities/{id}/ledger?format=csv")).await.status().as_u16(), 403);

        let month = clock::now().with_timezone(&clock::shanghai()).format("%Y-%m").to_string();
        let org: Value = app.get_as(&w.supervisor, &format!("/api/v1/orgs/{}/attendance?month={month}", w.city)).await.json().await.expect("json");
        let activity = org["activities"].as_array().expect("list").iter().find(|a| a["activity_id"] == id).expect("listed");
        assert_eq!((activity["present"].as_u64(), activity["expected"].as_u64()), (Some(1), Some(3)));
        assert_eq!(activity["below_threshold"], true);
        let book = app.get_as(&w.supervisor, &format!("/api/v1/orgs/{}/ledger?month={month}&format=xlsx", w.city)).await.bytes().await.expect("bytes").to_vec();
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(book)).expect("a real XLSX");
        assert!(book.worksheet_range("考勤明细").expect("detail").rows().any(|r| r.iter().any(|c| *c == "甲党员")));
        // The yearly ledger of the whole city holds the same activity.
        let this_year = &month[..4];
        let yearly = app.get_as(&w.supervisor, &format!("/api/v1/orgs/{}/ledger?year={this_year}&format=xlsx", w.city)).await;
        assert_eq!(yearly.status().as_u16(), 200);
        let mut yearly: Xlsx<_> = Xlsx::new(Cursor::new(yearly.bytes().await.expect("bytes").to_vec())).expect("a real XLSX");
        let names = yearly.sheet_names();
        assert!(names.iter().any(|n| n == "考勤明细"), "{names:?}");
        let detail: Vec<Vec<String>> = yearly.worksheet_range("考勤明细").expect("detail").rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
        assert!(detail.iter().any(|r| r.iter().any(|c| c == "甲党员") && r.iter().any(|c| c == "出席")), "{detail:?}");
        assert!(detail.iter().any(|r| r.iter().any(|c| c == "扫码签到测试")), "the activity's theme: {detail:?}");
        let year: Value = app.get_as(&w.member_a, "/api/v1/me/attendance").await.json().await.expect("json");
        assert!(year["activities"].as_array().expect("list").iter().any(|a| a["activity_id"] == id && a["status"] == "present"));
    }

    async fn the_projector_page_needs_a_display_link(app) {
        let w = app.world().await;
        let id = app.open_activity(&w).await;
        let link: Value = app.post_as(&w.secretary_a, &format!("/api/v1/activities/{id}/display-link"), &json!({})).await.json().await.expect("json");
        let url = link["url"].as_str().expect("url");
        let path = url.strip_prefix("http://hdr.test").expect("public base");
        let page = app.get(path).await;
        assert_eq!(page.status().as_u16(), 200);
        assert!(page.text().await.expect("html").contains("扫码签到测试"));
        let (base, key) = path.split_once("?k=").expect("key");
        assert_eq!(app.get(&format!("{base}?k=1.AAAA")).await.status().as_u16(), 403);
        let svg = app.get(&format!("{base}/qr.svg?k={key}")).await.text().await.expect("svg");
        assert!(svg.contains("<svg"));
        let png = app.get_as(&w.secretary_a, &format!("/api/v1/activities/{id}/qr.png")).await.bytes().await.expect("png");
        assert_eq!(&png[..4], b"\x89PNG");
        assert_eq!(app.get_as(&w.member_a, &format!("/api/v1/activities/{id}/qr.svg")).await.status().as_u16(), 403, "members cannot print the code");
        let mut events = app.client.get(app.url(&format!("{base}/events?k={key}"))).send().await.expect("sse");
        let first = events.chunk().await.expect("chunk").expect("data");
        let text = String::from_utf8_lossy(&first);
        assert!(text.starts_with("data: ") && text.contains("\"present\":0"), "{text}");
        let (code, token) = venue(&app, &w.secretary_a, id).await;
        scan_now(&app, &w.member_a, &code, &token).await;
        // The screen shows the new count within a second of the member's answer (an event
        // already on its way may still carry the old one).
        let shown = tokio::time::timeout(std::time::Duration::from_secs(1), async {
            loop {
                let chunk = events.chunk().await.expect("chunk").expect("data");
                if String::from_utf8_lossy(&chunk).contains("\"present\":1") {
                    break;
                }
            }
        })
        .await;
        assert!(shown.is_ok(), "the projector showed the check-in within 1 s");
    }
}

/// Beyond the offline limit (1 hour here) a queued scan is refused, whatever the phone says.
async fn offline_limit(stores: Stores) {
    let wechat = wechat_fake::spawn().await;
    let Some(mut settings) = test_settings(stores, &wechat) else {
        return;
    };
    settings.checkin.offline_hours = 1;
    let app = spawn_with(stores, settings, wechat).await;
    let w = app.world().await;
    let id = app.open_activity(&w).await;
    let (code, _) = venue(&app, &w.secretary_a, id).await;
    let two_hours = token_from(&app, &code, 2 * 3600);
    let answer = scan(
        &app,
        &w.member_a,
        json!({"activity_code": code, "token": two_hours, "nonce": nonce(),
        "scanned_at": (clock::now() - chrono::Duration::hours(2)).to_rfc3339()}),
    )
    .await;
    assert_eq!(answer["result"], "window_expired");
    let half_hour = token_from(&app, &code, 1800);
    let answer = scan(
        &app,
        &w.member_a,
        json!({"activity_code": code, "token": half_hour, "nonce": nonce(),
        "scanned_at": (clock::now() - chrono::Duration::minutes(30)).to_rfc3339()}),
    )
    .await;
    assert_eq!(
        (answer["result"].as_str(), answer["late_sync"].as_bool()),
        (Some("ok"), Some(true))
    );
}

mod offline_limit_is_configurable {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn embedded() {
        offline_limit(Stores::Embedded).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn production() {
        offline_limit(Stores::Production).await;
    }
}

/// The filed, open activity the check-in tests scan (for the other test files).
pub(crate) async fn open_activity(app: &TestApp, w: &World) -> i64 {
    app.open_activity(w).await
}
