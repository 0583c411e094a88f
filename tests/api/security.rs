//! The intruder's findings (issue 11), each replayed as the attack it was: a branch secretary
//! reaching for a city administrator, crafted workbooks, floods of anonymous sign-ins, a photo
//! of the venue code, absurd dates and page numbers, secrets in logs and on disk.
use std::io::Write;

use api_tests::{Someone, Stores, TestApp, error_code, on_both_stores, spawn_with, test_settings};
use huodongri::{
    clock,
    domain::Role,
    entities::{checkin, invite_code, person, push_outbox},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use serde_json::{Value, json};

use crate::auth::login;
use crate::checkin::{live, nonce, open_activity, scan, token_from, venue};

fn person_body(name: &str, phone: &str) -> Value {
    json!({"name": name, "phone": phone, "status": "正式党员"})
}

async fn read_person(app: &TestApp, id: i64) -> person::Model {
    person::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .expect("read")
        .expect("the person")
}

/// A district-level administrator (org admin of the committee) who is, as a member, on
/// branch A's roster: the account a branch secretary must never be able to touch.
async fn district_admin_in_branch_a(app: &TestApp, w: &api_tests::World) -> Someone {
    let someone = app.add_person("区管理员", "13700000050", w.branch_a).await;
    app.grant(&someone, Role::OrgAdmin, w.committee).await;
    someone
}

async fn bind(app: &TestApp, ticket: &Value, code: &str) -> reqwest::Response {
    app.post_json(
        "/api/v1/auth/bind",
        &json!({"bind_ticket": ticket, "invite_code": code}),
    )
    .await
}

async fn invite(app: &TestApp, issuer: &Someone, person_id: i64) -> reqwest::Response {
    app.post_as(
        issuer,
        &format!("/api/v1/people/{person_id}/invite"),
        &json!({}),
    )
    .await
}

async fn invite_code_of(response: reqwest::Response) -> String {
    assert_eq!(response.status().as_u16(), 201);
    let body: Value = response.json().await.expect("json");
    body["code"].as_str().expect("code").to_owned()
}

/// A zip archive written by hand, so a test can say anything in its headers.
fn zip(entries: &[(&str, &[u8], bool)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data, deflate) in entries {
        let mut crc = flate2::Crc::new();
        crc.update(data);
        let stored = if *deflate {
            let mut encoder =
                flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
            encoder.write_all(data).expect("compressed");
            encoder.finish().expect("compressed")
        } else {
            data.to_vec()
        };
        let method: u16 = if *deflate { 8 } else { 0 };
        let offset = out.len() as u32;
        let header = |signature: &[u8], central_entry: bool| {
            let mut h = signature.to_vec();
            if central_entry {
                h.extend_from_slice(&20u16.to_le_bytes());
            }
            h.extend_from_slice(&20u16.to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            h.extend_from_slice(&method.to_le_bytes());
            h.extend_from_slice(&[0, 0, 0x21, 0]);
            h.extend_from_slice(&crc.sum().to_le_bytes());
            h.extend_from_slice(&(stored.len() as u32).to_le_bytes());
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            if central_entry {
                h.extend_from_slice(&[0; 8]);
                h.extend_from_slice(&0u32.to_le_bytes()[..2]);
                h.extend_from_slice(&0u32.to_le_bytes()[..2]);
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(name.as_bytes());
            h
        };
        out.extend(header(b"PK\x03\x04", false));
        out.extend_from_slice(&stored);
        central.extend(header(b"PK\x01\x02", true));
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The resident set of this process (the server runs inside the test), in MiB.
fn rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .expect("VmRSS in kB")
        / 1024
}

on_both_stores! {
    async fn a_roster_import_cannot_rename_or_move_people_outside_the_callers_scope(app) {
        let w = app.world().await;
        let district_admin = district_admin_in_branch_a(&app, &w).await;
        let path = format!("/api/v1/orgs/{}/roster", w.branch_a);

        // The district administrator is on branch A's roster, but holds a role above it.
        let takeover = format!("姓名,手机号,党员状态\n新人,13811110009,正式党员\n被改名,{},正式党员\n", district_admin.phone);
        let refused = app.upload_as(&w.secretary_a, &path, "text/csv", takeover.into_bytes()).await;
        assert_eq!(refused.status().as_u16(), 422);
        let report: Value = refused.json().await.expect("json");
        assert_eq!(report["problems"][0]["row"], 3);
        assert_eq!(report["problems"][0]["column"], "手机号");
        assert_eq!(report["problems"][0]["reason"], "此手机号已属于其他组织的人员");

        // A member of another branch cannot be pulled in either.
        let steal = format!("姓名,手机号,党员状态\n改乙,{},正式党员\n", w.member_b.phone);
        let refused = app.upload_as(&w.secretary_a, &path, "text/csv", steal.clone().into_bytes()).await;
        assert_eq!(refused.status().as_u16(), 422);

        let untouched = read_person(&app, district_admin.id).await;
        assert_eq!((untouched.name.as_str(), untouched.org_id), ("区管理员", w.branch_a));
        assert_eq!(read_person(&app, w.member_b.id).await.org_id, w.branch_b);
        let created = person::Entity::find().filter(person::Column::Phone.eq("13811110009")).count(&app.db).await.expect("count");
        assert_eq!(created, 0, "all or nothing: the valid row was not imported either");

        // The city administrator's scope covers both branches: moving is theirs to do.
        let moved = app.upload_as(&w.admin, &path, "text/csv", steal.into_bytes()).await;
        assert_eq!(moved.status().as_u16(), 200);
        assert_eq!(read_person(&app, w.member_b.id).await.org_id, w.branch_a);
    }

    async fn a_secretary_cannot_invite_edit_or_unbind_a_higher_administrator_on_their_roster(app) {
        let w = app.world().await;
        let district_admin = district_admin_in_branch_a(&app, &w).await;

        let takeover = invite(&app, &w.secretary_a, district_admin.id).await;
        assert_eq!(takeover.status().as_u16(), 403);
        assert_eq!(error_code(takeover).await, "auth.forbidden");
        let rename = app.put_as(&w.secretary_a, &format!("/api/v1/people/{}", district_admin.id), &person_body("改名", &district_admin.phone)).await;
        assert_eq!(error_code(rename).await, "auth.forbidden");
        let unbind = app.post_as(&w.secretary_a, &format!("/api/v1/people/{}/unbind", district_admin.id), &json!({"reason": "换手机"})).await;
        assert_eq!(error_code(unbind).await, "auth.forbidden");
        // Their own members remain theirs.
        assert_eq!(invite(&app, &w.secretary_a, w.member_a.id).await.status().as_u16(), 201);

        // A district administrator cannot hand a role to someone of another district.
        let grant = app.post_as(&district_admin, &format!("/api/v1/orgs/{}/roles", w.branch_a), &json!({"person_id": w.member_c.id, "role": "secretary"})).await;
        assert_eq!(grant.status().as_u16(), 403);
        let in_scope = app.post_as(&district_admin, &format!("/api/v1/orgs/{}/roles", w.branch_a), &json!({"person_id": w.member_a.id, "role": "secretary"})).await;
        assert_eq!(in_scope.status().as_u16(), 201);
    }

    async fn a_bound_account_is_never_taken_over_by_an_invite_and_unbinding_is_audited_and_told(app) {
        let w = app.world().await;
        // The rightful owner binds.
        let code = invite_code_of(invite(&app, &w.admin, w.member_a.id).await).await;
        let owner = login(&app, "openid-owner").await;
        let bound = bind(&app, &owner["bind_ticket"], &code).await;
        assert_eq!(bound.status().as_u16(), 200);
        let owner_pair: Value = bound.json().await.expect("json");

        // Nobody can be issued a code for a bound person…
        let again = invite(&app, &w.admin, w.member_a.id).await;
        assert_eq!(again.status().as_u16(), 409);
        assert_eq!(error_code(again).await, "person.already_bound");
        // …and a code issued earlier, still live, cannot replace the binding.
        let stale = invite_code_of(invite(&app, &w.admin, w.member_b.id).await).await;
        let mut member_b = read_person(&app, w.member_b.id).await.into_active_model();
        member_b.wechat_openid = Set(Some("openid-b-owner".into()));
        member_b.update(&app.db).await.expect("bound");
        let attacker = login(&app, "openid-attacker").await;
        let takeover = bind(&app, &attacker["bind_ticket"], &stale).await;
        assert_eq!(takeover.status().as_u16(), 409);
        assert_eq!(error_code(takeover).await, "auth.person_already_bound");
        assert_eq!(read_person(&app, w.member_b.id).await.wechat_openid.as_deref(), Some("openid-b-owner"));

        // An administrator whose scope covers the person revokes the binding.
        let missing_reason = app.post_as(&w.admin, &format!("/api/v1/people/{}/unbind", w.member_a.id), &json!({"reason": " "})).await;
        assert_eq!(missing_reason.status().as_u16(), 400);
        let unbound = app.post_as(&w.admin, &format!("/api/v1/people/{}/unbind", w.member_a.id), &json!({"reason": "手机遗失"})).await;
        assert_eq!(unbound.status().as_u16(), 204);
        assert_eq!(read_person(&app, w.member_a.id).await.wechat_openid, None);
        let refresh = app.post_json("/api/v1/auth/refresh", &json!({"refresh_token": owner_pair["refresh_token"]})).await;
        assert_eq!(error_code(refresh).await, "auth.refresh_rejected", "the old sign-in ended");
        let told = push_outbox::Entity::find().filter(push_outbox::Column::Kind.eq("binding_revoked")).one(&app.db).await.expect("read").expect("a notification");
        assert_eq!(told.person_id, w.member_a.id);
        let payload: Value = serde_json::from_str(&told.payload).expect("json");
        assert_eq!(payload["touser"], "openid-owner", "the account that was bound hears of it");
        let audit: Value = app.get_as(&w.admin, &format!("/api/v1/orgs/{}/audit", w.branch_a)).await.json().await.expect("json");
        let entry = audit["items"].as_array().expect("items").iter().find(|e| e["action"] == "person.unbind_wechat").expect("audited");
        assert_eq!(entry["actor"], format!("person:{}", w.admin.id));

        // Then a new code binds the new phone.
        let fresh = invite_code_of(invite(&app, &w.admin, w.member_a.id).await).await;
        let new_phone = login(&app, "openid-new-phone").await;
        assert_eq!(bind(&app, &new_phone["bind_ticket"], &fresh).await.status().as_u16(), 200);
    }

    async fn invite_codes_are_keyed_hashes_and_guesses_at_one_invite_retire_it(app) {
        let w = app.world().await;
        let code = invite_code_of(invite(&app, &w.admin, w.member_a.id).await).await;
        let plain: String = code.chars().filter(|c| *c != '-').collect();
        assert_eq!(plain.len(), 12);
        let row = invite_code::Entity::find().filter(invite_code::Column::PersonId.eq(w.member_a.id)).one(&app.db).await.expect("read").expect("row");
        use sha2::Digest;
        assert_ne!(row.code_hash, hex::encode(sha2::Sha256::digest(plain.as_bytes())), "not an unsalted SHA-256");
        assert_eq!(row.lookup.as_deref(), Some(&plain[..4]));

        // Five guessers, each with a fresh WeChat account, aim at the same invite: it retires.
        let mut wrong: Vec<char> = plain.chars().collect();
        for (attempt, guesser) in ["g1", "g2", "g3", "g4", "g5"].iter().enumerate() {
            wrong[11] = if plain.ends_with('A') { 'B' } else { 'A' };
            wrong[10] = ['C', 'D', 'E', 'F', 'G'][attempt];
            let guess: String = wrong.iter().collect();
            let ticket = login(&app, guesser).await["bind_ticket"].clone();
            assert_eq!(error_code(bind(&app, &ticket, &guess).await).await, "auth.invite_invalid");
        }
        let ticket = login(&app, "openid-member-a").await["bind_ticket"].clone();
        let too_late = bind(&app, &ticket, &code).await;
        assert_eq!(error_code(too_late).await, "auth.invite_invalid", "the invite was retired");
        assert_eq!(read_person(&app, w.member_a.id).await.wechat_openid, None);

        // Parallel guesses from one account: the count comes before the check.
        let ticket = login(&app, "openid-flood").await["bind_ticket"].clone();
        let guesses = (0..20).map(|_| bind(&app, &ticket, "ZZZZ-ZZZZ-ZZZZ"));
        let answers = futures_util::future::join_all(guesses).await;
        let evaluated = answers.iter().filter(|r| r.status().as_u16() == 400).count();
        let limited = answers.iter().filter(|r| r.status().as_u16() == 429).count();
        assert_eq!(evaluated + limited, 20);
        assert!(evaluated <= 5, "{evaluated} guesses were evaluated");
        assert!(answers.iter().filter(|r| r.status().as_u16() == 429).all(|r| r.headers().contains_key("retry-after")));
    }

    async fn crafted_workbooks_are_refused_without_ever_aborting_the_server(app) {
        let w = app.world().await;
        let path = format!("/api/v1/orgs/{}/roster", w.branch_a);
        // 1. A 2 KB archive whose shared-strings table declares a trillion strings.
        let absurd = br#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1000000000000" uniqueCount="1000000000000"><si><t>x</t></si></sst>"#;
        let small = zip(&[("xl/sharedStrings.xml", absurd, false)]);
        assert!(small.len() < 2048);
        let refused = app.upload_as(&w.secretary_a, &path, XLSX, small).await;
        assert_eq!(refused.status().as_u16(), 422);
        assert_eq!(error_code(refused).await, "roster.invalid");

        // 2. One 64 MB string deflated into a small file.
        let mut bomb = b"<?xml version=\"1.0\"?><sst uniqueCount=\"1\"><si><t>".to_vec();
        bomb.resize(bomb.len() + 64 * 1024 * 1024, b'A');
        bomb.extend_from_slice(b"</t></si></sst>");
        let archive = zip(&[("xl/sharedStrings.xml", &bomb, true)]);
        drop(bomb);
        assert!(archive.len() < 1024 * 1024, "{} bytes", archive.len());
        let started = std::time::Instant::now();
        let refused = app.upload_as(&w.secretary_a, &path, XLSX, archive).await;
        assert_eq!(refused.status().as_u16(), 422);
        let body = refused.bytes().await.expect("body");
        assert!(body.len() < 4096, "the error is short: {} bytes", body.len());
        assert!(started.elapsed() < std::time::Duration::from_secs(10));

        // 3. A real workbook whose header is 100,000 characters long: echoed at most 100.
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.write_string(0, 0, "姓名").expect("cell");
        sheet.write_string(0, 1, "手机号").expect("cell");
        sheet.write_string(0, 2, "党员状态").expect("cell");
        sheet.write_string(0, 3, "长".repeat(30_000)).expect("cell");
        sheet.write_string(1, 0, "张三").expect("cell");
        sheet.write_string(1, 1, "13811110077").expect("cell");
        sheet.write_string(1, 2, "正式党员").expect("cell");
        let bytes = workbook.save_to_buffer().expect("workbook");
        let refused = app.upload_as(&w.secretary_a, &path, XLSX, bytes).await;
        assert_eq!(refused.status().as_u16(), 422);
        let body = refused.bytes().await.expect("body");
        assert!(body.len() < 4096, "the header is not echoed whole: {} bytes", body.len());

        // The process is alive and answering.
        assert_eq!(app.get("/healthz").await.status().as_u16(), 200);
    }

    async fn the_attempt_limit_holds_in_parallel_and_does_not_lock_the_owner_out(app) {
        let w = app.world().await;
        huodongri::cli::create_admin(&app.db, "13700000060", "密码管理员", "TS", Some("correct horse 7")).await.expect("admin");
        let attempt = |password: &'static str| {
            let app = &app;
            async move {
                app.post_json("/api/v1/auth/password", &json!({"phone": "13700000060", "password": password})).await
            }
        };
        let guesses = (0..60).map(|_| attempt("wrong guess 1"));
        let answers = futures_util::future::join_all(guesses).await;
        let evaluated = answers.iter().filter(|r| r.status().as_u16() == 401).count();
        let limited = answers.iter().filter(|r| r.status().as_u16() == 429).count();
        let busy = answers.iter().filter(|r| r.status().as_u16() == 503).count();
        assert_eq!(evaluated + limited + busy, 60);
        assert!(evaluated <= 5, "{evaluated} of 60 parallel guesses reached the password check");
        let _ = w;

        // The owner, at another address, still signs in.
        let elsewhere = reqwest::Client::builder()
            .local_address(Some("127.0.0.2".parse().expect("an address")))
            .build()
            .expect("a client");
        let owner = elsewhere.post(app.url("/api/v1/auth/password"))
            .json(&json!({"phone": "13700000060", "password": "correct horse 7"}))
            .send().await.expect("sent");
        assert_eq!(owner.status().as_u16(), 200);
        let pair: Value = owner.json().await.expect("json");
        assert!(pair["expires_in"].as_u64().expect("expires_in") <= 900, "access tokens are short");
        // The guessing address stays paused, and says for how long.
        let paused = attempt("correct horse 7").await;
        assert_eq!(paused.status().as_u16(), 429);
        assert!(paused.headers().contains_key("retry-after"));
    }

    async fn a_photo_of_the_venue_code_does_not_check_anyone_in_from_home(app) {
        let w = app.world().await;
        let id = open_activity(&app, &w).await;
        let (code, token) = venue(&app, &w.secretary_a, id).await;
        let now = clock::now().with_timezone(&clock::shanghai());
        // A photo taken three hours ago, scanned now by the offline queue.
        let photo = json!({"activity_code": code, "token": token_from(&app, &code, 3 * 3600), "nonce": nonce(), "scanned_at": now.to_rfc3339()});
        assert_eq!(scan(&app, &w.member_a, photo).await["result"], "offline_refused");
        // A scan time in the future, or before the token's window.
        let future = json!({"activity_code": code, "token": token_from(&app, &code, 600), "nonce": nonce(), "scanned_at": "2030-01-01T09:00:00+08:00"});
        assert_eq!(scan(&app, &w.member_a, future).await["result"], "offline_refused");
        let before = json!({"activity_code": code, "token": token_from(&app, &code, 600), "nonce": nonce(),
            "scanned_at": (now - chrono::Duration::minutes(40)).to_rfc3339()});
        assert_eq!(scan(&app, &w.member_a, before).await["result"], "offline_refused");
        // An honest queued scan still counts.
        let honest = json!({"activity_code": code, "token": token_from(&app, &code, 600), "nonce": nonce(),
            "scanned_at": (now - chrono::Duration::minutes(10)).to_rfc3339()});
        let synced = scan(&app, &w.member_a, honest).await;
        assert_eq!((synced["result"].as_str(), synced["late_sync"].as_bool()), (Some("ok"), Some(true)));

        // A static poster code proves nothing about time: offline scans need the organiser's opt-in.
        let settings = |offline_static: bool| json!({"window_seconds": 0, "require_location": false, "radius_m": 500, "offline_static": offline_static});
        assert_eq!(app.put_as(&w.secretary_a, &format!("/api/v1/activities/{id}/checkin-settings"), &settings(false)).await.status().as_u16(), 200);
        let (_, poster) = venue(&app, &w.secretary_a, id).await;
        let queued = json!({"activity_code": code, "token": poster, "nonce": nonce(), "scanned_at": (now - chrono::Duration::minutes(5)).to_rfc3339()});
        assert_eq!(scan(&app, &w.reviewer, queued.clone()).await["result"], "offline_refused");
        assert_eq!(app.put_as(&w.secretary_a, &format!("/api/v1/activities/{id}/checkin-settings"), &settings(true)).await.status().as_u16(), 200);
        let mut opted_in = queued;
        opted_in["nonce"] = json!(nonce());
        assert_eq!(scan(&app, &w.reviewer, opted_in).await["late_sync"], true);
        let _ = token;

        let attendance: Value = app.get_as(&w.secretary_a, &format!("/api/v1/activities/{id}/attendance")).await.json().await.expect("json");
        let methods: Vec<&str> = attendance["people"].as_array().expect("people").iter().filter_map(|p| p["method"].as_str()).collect();
        assert_eq!(methods.iter().filter(|m| **m == "late_sync").count(), 2, "the organiser sees which came late: {methods:?}");
    }

    async fn dates_years_and_page_numbers_out_of_range_are_400s_not_panics(app) {
        let w = app.world().await;
        let month = api_tests::month_from_now(1);
        app.ensure_calendar_year(&w.admin, &month[..4]).await;
        let plan = json!({"month": month, "theme": "远未来", "category": "党课", "date": "+262142-01-20",
            "date_reason": "x", "start_time": "09:00", "end_time": "10:00", "place": "会议室", "organiser": "甲书记", "requirements": ""});
        let refused = app.post_as(&w.secretary_a, &format!("/api/v1/orgs/{}/plans", w.branch_a), &plan).await;
        assert_eq!(refused.status().as_u16(), 400);
        let mut far_month = plan.clone();
        far_month["month"] = json!("2999-01");
        far_month["date"] = json!("2999-01-20");
        assert_eq!(app.post_as(&w.secretary_a, &format!("/api/v1/orgs/{}/plans", w.branch_a), &far_month).await.status().as_u16(), 400);
        let list = app.get_as(&w.secretary_a, &format!("/api/v1/orgs/{}/plans?month={month}", w.branch_a)).await;
        assert_eq!(list.status().as_u16(), 200);
        assert_eq!(app.get("/api/v1/calendar/262142").await.status().as_u16(), 400);

        for path in [
            format!("/api/v1/orgs/{}/people?page=18446744073709551615", w.branch_a),
            format!("/api/v1/orgs/{}/audit?page=18446744073709551615", w.city),
            format!("/api/v1/orgs/{}/people?page=0", w.branch_a),
        ] {
            let response = app.get_as(&w.admin, &path).await;
            assert_eq!(response.status().as_u16(), 400, "{path}");
            assert_eq!(error_code(response).await, "request.invalid_query");
        }
        assert_eq!(app.get_as(&w.admin, &format!("/api/v1/orgs/{}/people?page=100000", w.branch_a)).await.status().as_u16(), 200);
    }

    async fn an_organiser_checks_in_only_people_on_the_roster_or_in_their_scope(app) {
        let w = app.world().await;
        let id = open_activity(&app, &w).await;
        let path = format!("/api/v1/activities/{id}/checkins");
        let elsewhere = app.post_as(&w.secretary_a, &path, &json!({"person_id": w.member_c.id, "reason": "无智能手机"})).await;
        assert_eq!(elsewhere.status().as_u16(), 403);
        assert_eq!(error_code(elsewhere).await, "checkin.person_out_of_scope");
        let card: Value = app.get_as(&w.member_b, "/api/v1/me/card").await.json().await.expect("json");
        let by_card = app.post_as(&w.secretary_a, &path, &json!({"card_code": card["code"], "reason": "无智能手机"})).await;
        assert_eq!(by_card.status().as_u16(), 403, "a neighbouring branch's member is not the secretary's");
        let on_roster: Value = app.post_as(&w.secretary_a, &path, &json!({"person_id": w.member_a.id, "reason": "无智能手机"})).await.json().await.expect("json");
        assert_eq!(on_roster["result"], "ok");
        // An administrator above both may record a visitor as a guest.
        let guest: Value = app.post_as(&w.admin, &path, &json!({"person_id": w.member_c.id, "reason": "列席"})).await.json().await.expect("json");
        assert_eq!(guest["result"], "not_expected");
        assert_eq!(live(&app, &w.secretary_a, id).await["guests"], 1);
    }

    async fn scans_of_unknown_codes_store_nothing_and_are_limited(app) {
        let w = app.world().await;
        let mut answers = Vec::new();
        for _ in 0..35 {
            let response = app.post_as(&w.member_a, "/api/v1/checkins", &json!({"activity_code": "ZZZZZZZZ", "token": "AAAAAAAAAAAAAAAA", "nonce": nonce()})).await;
            answers.push(response.status().as_u16());
        }
        assert_eq!(answers.iter().filter(|s| **s == 200).count(), 30);
        assert_eq!(answers.iter().filter(|s| **s == 429).count(), 5);
        let stored = checkin::Entity::find().filter(checkin::Column::PersonId.eq(w.member_a.id)).count(&app.db).await.expect("count");
        assert_eq!(stored, 0, "no refusal rows for codes that are no activity's");
    }

    async fn control_characters_are_refused_everywhere_with_a_400(app) {
        let w = app.world().await;
        let nul = app.post_as(&w.secretary_a, &format!("/api/v1/orgs/{}/people", w.branch_a), &person_body("张\u{0}三", "13811110088")).await;
        assert_eq!(nul.status().as_u16(), 400);
        assert_eq!(error_code(nul).await, "request.control_character");
        let mut unit = person_body("张三", "13811110088");
        unit["work_unit"] = json!("单位\u{1b}[2J");
        assert_eq!(error_code(app.post_as(&w.secretary_a, &format!("/api/v1/orgs/{}/people", w.branch_a), &unit).await).await, "request.control_character");
        let query = app.get_as(&w.secretary_a, &format!("/api/v1/orgs/{}/people?q=%00", w.branch_a)).await;
        assert_eq!(error_code(query).await, "request.control_character");
        let roster = "姓名,手机号,党员状态,工作单位\n张三,13811110088,正式党员,\"单位\u{0}\"\n";
        let refused = app.upload_as(&w.secretary_a, &format!("/api/v1/orgs/{}/roster", w.branch_a), "text/csv", roster.as_bytes().to_vec()).await;
        assert_eq!(refused.status().as_u16(), 422);
        // Line breaks in multi-line text still pass the gate (the field decides).
        let id = open_activity(&app, &w).await;
        let minutes = app.put_as(&w.secretary_a, &format!("/api/v1/activities/{id}/minutes"), &json!({"text": "第一项\n第二项"})).await;
        assert_eq!(minutes.status().as_u16(), 200);
    }

    async fn roster_exports_defuse_formulas_and_import_back_unchanged(app) {
        let w = app.world().await;
        let mut body = person_body("公式人", "13811110099");
        body["work_unit"] = json!("=HYPERLINK(\"http://x\",\"点我\")");
        assert_eq!(app.post_as(&w.secretary_a, &format!("/api/v1/orgs/{}/people", w.branch_a), &body).await.status().as_u16(), 201);
        let mut plus = person_body("加号人", "13811110098");
        plus["work_unit"] = json!("+1车间");
        assert_eq!(app.post_as(&w.secretary_a, &format!("/api/v1/orgs/{}/people", w.branch_a), &plus).await.status().as_u16(), 201);
        let path = format!("/api/v1/orgs/{}/roster", w.branch_a);
        let csv = app.get_as(&w.admin, &format!("{path}?format=csv")).await.bytes().await.expect("csv").to_vec();
        let text = String::from_utf8(csv.clone()).expect("utf-8");
        assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\""), "{text}");
        assert!(text.contains(",'+1车间,"), "{text}");
        let xlsx = app.get_as(&w.admin, &format!("{path}?format=xlsx")).await.bytes().await.expect("xlsx").to_vec();
        use calamine::Reader;
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(xlsx)).expect("workbook");
        let sheet = book.worksheet_range("名册").expect("sheet");
        assert!(sheet.rows().any(|row| row.iter().any(|c| c.to_string().starts_with("'=HYPERLINK"))));
        let again = app.upload_as(&w.secretary_a, &path, "text/csv", csv).await;
        assert_eq!(again.status().as_u16(), 200);
        let found: Value = app.get_as(&w.secretary_a, &format!("/api/v1/orgs/{}/people?q=公式人", w.branch_a)).await.json().await.expect("json");
        assert_eq!(found["items"][0]["work_unit"], "=HYPERLINK(\"http://x\",\"点我\")", "the guard comes off on import");
    }

    async fn operator_tokens_are_short_by_default_revocable_and_the_data_dir_is_private(app) {
        let w = app.world().await;
        let too_long = huodongri::cli::issue_token(&app.db, &app.settings, &w.secretary_a.phone, std::time::Duration::from_secs(2 * 86_400)).await;
        assert!(too_long.is_err(), "longer than auth.admin_token_max_ttl_secs");
        let token = huodongri::cli::issue_token(&app.db, &app.settings, &w.secretary_a.phone, std::time::Duration::from_secs(3600)).await.expect("token");
        let me = || app.client.get(app.url("/api/v1/me")).bearer_auth(&token).send();
        assert_eq!(me().await.expect("sent").status().as_u16(), 200);
        assert_eq!(huodongri::cli::revoke_tokens(&app.db, &w.secretary_a.phone).await.expect("revoked"), 1);
        let revoked = me().await.expect("sent");
        assert_eq!(error_code(revoked).await, "auth.token_invalid");

        use std::os::unix::fs::PermissionsExt;
        let mode = |path: &std::path::Path| std::fs::metadata(path).expect("exists").permissions().mode() & 0o777;
        let dir = &app.settings.application.data_dir;
        assert_eq!(mode(dir), 0o700);
        if app.stores == Stores::Embedded {
            assert_eq!(mode(&huodongri::db::sqlite_path(dir)), 0o600);
            let wal = dir.join("huodongri.sqlite-wal");
            if wal.exists() {
                assert_eq!(mode(&wal), 0o600);
            }
        }
    }
}

/// 200 anonymous password sign-ins at once (each asking for an argon2 hash of ~19 MiB) stay
/// within a bounded memory, measured from /proc: hashing runs two at a time, the rest wait
/// briefly or get 503 with Retry-After.
async fn password_flood(stores: Stores) {
    let wechat = wechat_fake::spawn().await;
    let Some(mut settings) = test_settings(stores, &wechat) else {
        return;
    };
    // Only the hashing bound is under test here, not the attempt limits.
    settings.auth.max_attempts_per_address = 100_000;
    settings.auth.invite_max_failures = 100_000;
    let app = spawn_with(stores, settings, wechat).await;
    let before = rss_mib();
    let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(before));
    let sampling = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sampler = {
        let (peak, sampling) = (peak.clone(), sampling.clone());
        tokio::spawn(async move {
            while sampling.load(std::sync::atomic::Ordering::Relaxed) {
                peak.fetch_max(rss_mib(), std::sync::atomic::Ordering::Relaxed);
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
        })
    };
    let logins = (0..200).map(|i| {
        let app = &app;
        async move {
            app.post_json(
                "/api/v1/auth/password",
                &json!({"phone": format!("139{:08}", i), "password": "anything at all"}),
            )
            .await
        }
    });
    let answers = futures_util::future::join_all(logins).await;
    sampling.store(false, std::sync::atomic::Ordering::Relaxed);
    sampler.await.expect("sampler");
    let statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    assert!(
        statuses.iter().all(|s| *s == 401 || *s == 503),
        "{statuses:?}"
    );
    assert!(statuses.contains(&401), "some hashes ran");
    assert!(
        answers
            .iter()
            .filter(|r| r.status().as_u16() == 503)
            .all(|r| r.headers().contains_key("retry-after"))
    );
    let grown = peak
        .load(std::sync::atomic::Ordering::Relaxed)
        .saturating_sub(before);
    // Unbounded, this grew by 700–900 MiB here (each argon2 run left ~10 MiB behind), and by
    // 8.8 GB on the reviewer's machine; now ~80–105 MiB with both store pairs flooding at
    // once. The margin is for the other tests sharing this process.
    eprintln!("password flood on {stores:?}: resident memory grew by {grown} MiB");
    assert!(grown < 400, "resident memory grew by {grown} MiB");
}

mod password_flood_stays_within_bounded_memory {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn embedded() {
        password_flood(Stores::Embedded).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn production() {
        password_flood(Stores::Production).await;
    }
}
