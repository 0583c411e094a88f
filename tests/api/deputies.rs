//! Party congress deputies (§二.4) end to end: a studio and its fair rota, unavailable days,
//! swaps by agreement, presence on duty by the studio's QR, the reminder the day before,
//! bookings under a concurrent burst, the public's limits and masked phones, and cases,
//! questions and proposals through every step — refusals, deadlines flagged upward by the
//! scheduler, ratings and the one reopening.
use std::collections::HashMap;

use api_tests::{Someone, TestApp, World, error_code, on_both_stores};
use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone};
use huodongri::{
    clock,
    domain::{DeputyLevel, PushKind},
    entities::{audit_log, matter, person, push_outbox, rota_shift},
    scheduler::run_due,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use serde_json::{Value, json};

use crate::checkin::{scan_now, signer};

fn today() -> NaiveDate {
    clock::now().with_timezone(&clock::shanghai()).date_naive()
}

/// The first day of next month, and its `YYYY-MM`.
fn next_month() -> (NaiveDate, String) {
    let first = today()
        .with_day(1)
        .expect("first")
        .checked_add_months(chrono::Months::new(1))
        .expect("next month");
    (first, first.format("%Y-%m").to_string())
}

/// `hour`:00 on `day` in Asia/Shanghai: the scheduler's chosen clock.
fn at(day: NaiveDate, hour: u32) -> DateTime<FixedOffset> {
    clock::shanghai()
        .from_local_datetime(&day.and_hms_opt(hour, 0, 0).expect("a time"))
        .single()
        .expect("a local time")
}

async fn deputy(app: &TestApp, name: &str, phone: &str, org: i64) -> Someone {
    let someone = app.add_person(name, phone, org).await;
    let mut row = person::Entity::find_by_id(someone.id)
        .one(&app.db)
        .await
        .expect("read")
        .expect("person")
        .into_active_model();
    row.deputy_level = Set(Some(DeputyLevel::City));
    row.update(&app.db).await.expect("deputy level set");
    someone
}

/// A member of the public: a WeChat user on no roster.
struct Studio {
    id: i64,
    deputies: [Someone; 3],
}

/// A studio run by the first committee, with three city deputies, open every day 09:00–11:00
/// for three people.
async fn studio(app: &TestApp, w: &World) -> Studio {
    let deputies = [
        deputy(app, "王代表", "13700000071", w.branch_a).await,
        deputy(app, "李代表", "13700000072", w.branch_b).await,
        deputy(app, "张代表", "13700000073", w.branch_a).await,
    ];
    let openings: Vec<Value> = (1..=7)
        .map(|d| json!({"weekday": d, "starts_at": "09:00", "ends_at": "11:00", "capacity": 3}))
        .collect();
    let response = app
        .post_as(
            &w.admin,
            "/api/v1/studios",
            &json!({
                "name": "第一党委党代表工作室",
                "address": "文昌路1号",
                "org_id": w.committee,
                "deputy_ids": deputies.iter().map(|d| d.id).collect::<Vec<_>>(),
                "openings": openings,
            }),
        )
        .await;
    assert_eq!(response.status().as_u16(), 201);
    let body: Value = response.json().await.expect("json");
    Studio {
        id: body["id"].as_i64().expect("id"),
        deputies,
    }
}

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let got = response.status().as_u16();
    let body: Value = response.json().await.expect("json");
    assert_eq!(got, status, "{body}");
    body
}

async fn generate(app: &TestApp, w: &World, s: &Studio) -> Value {
    let (_, month) = next_month();
    json_of(
        app.post_as(
            &w.admin,
            &format!("/api/v1/studios/{}/rota", s.id),
            &json!({"month": month}),
        )
        .await,
        201,
    )
    .await
}

/// A booked place in the first slot of next month's rota.
async fn first_shift(rota: &Value) -> (i64, i64) {
    let shift = &rota["shifts"][0];
    (
        shift["id"].as_i64().expect("id"),
        shift["deputy_id"].as_i64().expect("deputy"),
    )
}

fn deputy_named(s: &Studio, id: i64) -> &Someone {
    s.deputies
        .iter()
        .find(|d| d.id == id)
        .expect("a deputy of the studio")
}

async fn step(app: &TestApp, who: &Someone, id: i64, body: Value) -> reqwest::Response {
    app.post_as(who, &format!("/api/v1/matters/{id}/steps"), &body)
        .await
}

async fn audited(app: &TestApp, action: &str) -> u64 {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action))
        .count(&app.db)
        .await
        .expect("count")
}

on_both_stores! {
    async fn a_studio_is_opened_by_its_organisation_with_deputies_only(app) {
        let w = app.world().await;
        let deputy = deputy(&app, "王代表", "13700000071", w.branch_a).await;
        let body = |deputies: Vec<i64>, openings: Value| json!({
            "name": "工作室", "address": "文昌路1号", "org_id": w.committee,
            "deputy_ids": deputies, "openings": openings,
        });
        let good = json!([{"weekday": 2, "starts_at": "09:00", "ends_at": "11:00", "capacity": 2}]);
        let refused = app.post_as(&w.member_a, "/api/v1/studios", &body(vec![deputy.id], good.clone())).await;
        assert_eq!(error_code(refused).await, "auth.forbidden");
        // An admin of another committee cannot put this committee's deputy on a rota.
        let other_admin = app.add_person("二委组织员", "13700000079", w.other_committee).await;
        app.grant(&other_admin, huodongri::domain::Role::OrgAdmin, w.other_committee).await;
        let elsewhere = json!({"name": "工作室", "address": "和平路1号", "org_id": w.other_committee, "deputy_ids": [deputy.id], "openings": good.clone()});
        assert_eq!(error_code(app.post_as(&other_admin, "/api/v1/studios", &elsewhere).await).await, "auth.forbidden");
        let not_deputy = app.post_as(&w.admin, "/api/v1/studios", &body(vec![w.member_a.id], good.clone())).await;
        assert_eq!(error_code(not_deputy).await, "deputy.not_a_deputy");
        for openings in [
            json!([]),
            json!([{"weekday": 8, "starts_at": "09:00", "ends_at": "11:00", "capacity": 2}]),
            json!([{"weekday": 1, "starts_at": "11:00", "ends_at": "09:00", "capacity": 2}]),
            json!([{"weekday": 1, "starts_at": "9点", "ends_at": "11:00", "capacity": 2}]),
            json!([{"weekday": 1, "starts_at": "09:00", "ends_at": "11:00", "capacity": 0}]),
        ] {
            let bad = app.post_as(&w.admin, "/api/v1/studios", &body(vec![deputy.id], openings.clone())).await;
            assert_eq!(error_code(bad).await, "deputy.invalid_input", "{openings}");
        }
        let me = json_of(app.get_as(&deputy, "/api/v1/me").await, 200).await;
        assert_eq!(me["deputy_level"], "city", "the mini-program shows a deputy's pages by it");
        let created = json_of(app.post_as(&w.admin, "/api/v1/studios", &body(vec![deputy.id], good)).await, 201).await;
        assert_eq!(created["deputies"][0]["name"], "王代表");
        assert_eq!(created["org_name"], "第一党委");
        assert_eq!(audited(&app, "deputy.create_studio").await, 1);
        // Studios are public: a member of the public sees them too.
        let public = app.visitor("o-public-1");
        let listed = json_of(app.get_as(&public, "/api/v1/studios").await, 200).await;
        assert_eq!(listed["total"], 1);

        // The constituency is set by the organisation department that manages the deputy.
        let path = format!("/api/v1/people/{}/constituency", deputy.id);
        let by_secretary = app.put_as(&w.secretary_a, &path, &json!({"org_ids": [w.branch_a]})).await;
        assert_eq!(error_code(by_secretary).await, "auth.forbidden");
        let set = json_of(app.put_as(&w.admin, &path, &json!({"org_ids": [w.branch_a, w.branch_b]})).await, 200).await;
        assert_eq!(set["orgs"].as_array().expect("orgs").len(), 2);
        let seen = json_of(app.get_as(&public, &path).await, 200).await;
        assert_eq!(seen["level"], "city");
    }

    async fn the_rota_shares_slots_fairly_and_respects_unavailable_days(app) {
        let w = app.world().await;
        let s = studio(&app, &w).await;
        let (first, month) = next_month();
        let away: Vec<String> = (0..4).map(|d| (first + Duration::days(d)).to_string()).collect();
        let declared = json_of(app.put_as(&s.deputies[0], "/api/v1/me/unavailable-days", &json!({"days": away})).await, 200).await;
        assert_eq!(declared["days"].as_array().expect("days").len(), 4);
        let not_deputy = app.put_as(&w.member_a, "/api/v1/me/unavailable-days", &json!({"days": []})).await;
        assert_eq!(error_code(not_deputy).await, "deputy.not_a_deputy");
        let past = app.put_as(&s.deputies[0], "/api/v1/me/unavailable-days", &json!({"days": ["2020-01-01"]})).await;
        assert_eq!(error_code(past).await, "deputy.invalid_input");

        let refused = app.post_as(&w.member_a, &format!("/api/v1/studios/{}/rota", s.id), &json!({"month": month})).await;
        assert_eq!(error_code(refused).await, "auth.forbidden");
        let rota = generate(&app, &w, &s).await;
        let shifts = rota["shifts"].as_array().expect("shifts");
        assert!(shifts.len() >= 20, "a slot most days: {}", shifts.len());
        // Fair: each slot went to an available deputy with the fewest slots so far.
        let mut served: HashMap<i64, u32> = s.deputies.iter().map(|d| (d.id, 0)).collect();
        for shift in shifts {
            let day = shift["day"].as_str().expect("day");
            let chosen = shift["deputy_id"].as_i64().expect("deputy");
            let away_today = away.iter().any(|a| a == day);
            if away_today {
                assert_ne!(chosen, s.deputies[0].id, "unavailable on {day}");
            }
            let fewest = served
                .iter()
                .filter(|(d, _)| !(away_today && **d == s.deputies[0].id))
                .map(|(_, n)| *n)
                .min()
                .expect("someone available");
            assert_eq!(served[&chosen], fewest, "{day}: nobody serves again before the others");
            *served.get_mut(&chosen).expect("known") += 1;
        }
        assert!(rota["uncovered"].as_array().expect("uncovered").is_empty());
        let again = app.post_as(&w.admin, &format!("/api/v1/studios/{}/rota", s.id), &json!({"month": month})).await;
        assert_eq!(error_code(again).await, "deputy.wrong_state");
        let public = json_of(app.get_as(&app.visitor("o-rota"), &format!("/api/v1/studios/{}/rota?month={month}", s.id)).await, 200).await;
        assert_eq!(public["shifts"].as_array().expect("shifts").len(), shifts.len());
        let mine = json_of(app.get_as(&s.deputies[1], "/api/v1/me/rota").await, 200).await;
        assert_eq!(mine["shifts"].as_array().expect("mine").len() as u32, served[&s.deputies[1].id]);
        assert_eq!(audited(&app, "deputy.generate_rota").await, 1);
    }

    async fn a_slot_changes_hands_only_when_the_other_deputy_agrees(app) {
        let w = app.world().await;
        let s = studio(&app, &w).await;
        let rota = generate(&app, &w, &s).await;
        let (shift, holder) = first_shift(&rota).await;
        let holder = deputy_named(&s, holder);
        let other = s.deputies.iter().find(|d| d.id != holder.id).expect("another");
        let third = s.deputies.iter().find(|d| d.id != holder.id && d.id != other.id).expect("a third");
        let path = format!("/api/v1/rota-shifts/{shift}/swaps");
        let not_mine = app.post_as(other, &path, &json!({"to_person_id": third.id})).await;
        assert_eq!(error_code(not_mine).await, "auth.forbidden");
        let outsider = app.post_as(holder, &path, &json!({"to_person_id": w.member_a.id})).await;
        assert_eq!(error_code(outsider).await, "deputy.invalid_input");
        let asked = json_of(app.post_as(holder, &path, &json!({"to_person_id": other.id})).await, 201).await;
        let swap = asked["id"].as_i64().expect("id");
        let twice = app.post_as(holder, &path, &json!({"to_person_id": third.id})).await;
        assert_eq!(error_code(twice).await, "deputy.wrong_state");
        let by_asker = app.post_as(holder, &format!("/api/v1/rota-swaps/{swap}/accept"), &json!({})).await;
        assert_eq!(error_code(by_asker).await, "auth.forbidden");
        let by_third = app.post_as(third, &format!("/api/v1/rota-swaps/{swap}/accept"), &json!({})).await;
        assert_eq!(error_code(by_third).await, "deputy.not_found");
        let inbox = json_of(app.get_as(other, "/api/v1/me/rota").await, 200).await;
        assert_eq!(inbox["swaps_asked_of_me"][0]["id"], swap);
        let accepted = json_of(app.post_as(other, &format!("/api/v1/rota-swaps/{swap}/accept"), &json!({})).await, 200).await;
        assert_eq!(accepted["status"], "accepted");
        let row = rota_shift::Entity::find_by_id(shift).one(&app.db).await.expect("read").expect("shift");
        assert_eq!(row.deputy_id, other.id);
        let again = app.post_as(other, &format!("/api/v1/rota-swaps/{swap}/decline"), &json!({})).await;
        assert_eq!(error_code(again).await, "deputy.wrong_state");
        assert_eq!(audited(&app, "deputy.swap_slot").await, 1);
        // Declined: the slot stays.
        let back = json_of(app.post_as(other, &path, &json!({"to_person_id": third.id})).await, 201).await;
        let declined = json_of(app.post_as(third, &format!("/api/v1/rota-swaps/{}/decline", back["id"]), &json!({})).await, 200).await;
        assert_eq!(declined["status"], "declined");
        let row = rota_shift::Entity::find_by_id(shift).one(&app.db).await.expect("read").expect("shift");
        assert_eq!(row.deputy_id, other.id);
    }

    async fn presence_on_duty_is_proved_by_scanning_the_studios_code(app) {
        let w = app.world().await;
        let s = studio(&app, &w).await;
        let rota = generate(&app, &w, &s).await;
        let (shift, holder) = first_shift(&rota).await;
        let holder = deputy_named(&s, holder);
        let other = s.deputies.iter().find(|d| d.id != holder.id).expect("another");
        // The slot is moved to now, as if its day had come.
        let mut row = rota_shift::Entity::find_by_id(shift).one(&app.db).await.expect("read").expect("shift").into_active_model();
        row.starts_at = Set(clock::now() - Duration::minutes(10));
        row.ends_at = Set(clock::now() + Duration::hours(2));
        row.update(&app.db).await.expect("moved");
        let refused = app.get_as(&w.member_a, &format!("/api/v1/studios/{}/qr", s.id)).await;
        assert_eq!(error_code(refused).await, "auth.forbidden");
        let qr = json_of(app.get_as(&w.admin, &format!("/api/v1/studios/{}/qr", s.id)).await, 200).await;
        let url = qr["url"].as_str().expect("url");
        let (code, token) = url.strip_prefix("https://hdr.test/c/").expect("prefix").split_once("?t=").expect("token");
        let first = scan_now(&app, holder, code, token).await;
        assert_eq!(first["result"], "ok", "{first}");
        assert_eq!(scan_now(&app, holder, code, token).await["result"], "already_checked_in");
        assert_eq!(scan_now(&app, other, code, token).await["result"], "not_on_duty");
        let forged = signer(&app).venue_token("OTHERCODE", huodongri::checkin::token::Rotation { seconds: 30 }, 1);
        assert_eq!(scan_now(&app, holder, code, &forged).await["result"], "invalid_token");
        let row = rota_shift::Entity::find_by_id(shift).one(&app.db).await.expect("read").expect("shift");
        assert!(row.checked_in_at.is_some());
        let mine = json_of(app.get_as(holder, "/api/v1/me/rota").await, 200).await;
        assert!(mine["shifts"].as_array().expect("shifts").iter().any(|s| s["id"] == shift && s["checked_in"] == true));
    }

    async fn the_deputy_on_duty_and_whoever_booked_are_reminded_the_day_before_once(app) {
        let w = app.world().await;
        let s = studio(&app, &w).await;
        let rota = generate(&app, &w, &s).await;
        let (shift, holder) = first_shift(&rota).await;
        json_of(app.post_as(&w.member_a, &format!("/api/v1/rota-shifts/{shift}/bookings"), &json!({"topic": "医保"})).await, 201).await;
        let day = NaiveDate::parse_from_str(rota["shifts"][0]["day"].as_str().expect("day"), "%Y-%m-%d").expect("date");
        let holder_someone = deputy_named(&s, holder);
        let invited = app.post_as(holder_someone, "/api/v1/me/invitations", &json!({"person_id": w.member_b.id, "meets_at": at(day, 15).to_rfc3339(), "topic": "听取意见"})).await;
        assert_eq!(invited.status().as_u16(), 201);
        let bad_time = app.post_as(holder_someone, "/api/v1/me/invitations", &json!({"person_id": w.member_b.id, "meets_at": "2020-01-01T10:00:00+08:00", "topic": "听取意见"})).await;
        assert_eq!(error_code(bad_time).await, "deputy.invalid_input");
        let eve = at(day - Duration::days(1), 20);
        let ran = run_due(&app.db, eve, &app.settings).await.expect("runs");
        assert!(ran.iter().any(|j| j.starts_with("remind_rota:")), "{ran:?}");
        run_due(&app.db, eve + Duration::minutes(5), &app.settings).await.expect("runs");
        let queued = push_outbox::Entity::find()
            .filter(push_outbox::Column::Kind.eq(PushKind::RotaReminder))
            .filter(push_outbox::Column::PersonId.eq(holder))
            .all(&app.db)
            .await
            .expect("read");
        assert!(queued.iter().any(|p| p.dedupe_key == format!("rota:{shift}:{holder}")), "one reminder for the slot");
        assert_eq!(queued.iter().filter(|p| p.dedupe_key == format!("rota:{shift}:{holder}")).count(), 1);
        let booker = push_outbox::Entity::find()
            .filter(push_outbox::Column::Kind.eq(PushKind::ReceptionReminder))
            .filter(push_outbox::Column::PersonId.eq(w.member_a.id))
            .count(&app.db)
            .await
            .expect("count");
        assert_eq!(booker, 1, "whoever booked is reminded too");
        let invitee = push_outbox::Entity::find()
            .filter(push_outbox::Column::Kind.eq(PushKind::ReceptionReminder))
            .filter(push_outbox::Column::PersonId.eq(w.member_b.id))
            .count(&app.db)
            .await
            .expect("count");
        assert_eq!(invitee, 1, "and whoever was invited for that day");
    }

    async fn a_burst_of_bookings_never_overfills_a_slot(app) {
        let w = app.world().await;
        let s = studio(&app, &w).await;
        let rota = generate(&app, &w, &s).await;
        let (shift, _) = first_shift(&rota).await;
        let path = format!("/api/v1/rota-shifts/{shift}/bookings");
        let mut people = Vec::new();
        for i in 0..6 {
            people.push(app.add_person(&format!("群众{i}"), &format!("1370000080{i}"), w.branch_a).await);
        }
        let visitors: Vec<Someone> = (0..6).map(|i| app.visitor(&format!("o-burst-{i}"))).collect();
        let bodies: Vec<(&Someone, Value)> = people
            .iter()
            .map(|who| (who, json!({"topic": "停车难"})))
            .chain(visitors.iter().enumerate().map(|(i, who)| {
                (who, json!({"topic": "停车难", "name": "居民", "phone": format!("1390000000{i}")}))
            }))
            .collect();
        let calls: Vec<_> = bodies.iter().map(|(who, body)| app.post_as(who, &path, body)).collect();
        let answers = futures_util::future::join_all(calls).await;
        let mut codes: HashMap<String, usize> = HashMap::new();
        for answer in answers {
            let code = if answer.status().as_u16() == 201 { "booked".to_owned() } else { error_code(answer).await };
            *codes.entry(code).or_default() += 1;
        }
        assert_eq!(codes.get("booked"), Some(&3), "{codes:?}");
        assert_eq!(codes.get("deputy.slot_full"), Some(&9), "{codes:?}");
        let row = rota_shift::Entity::find_by_id(shift).one(&app.db).await.expect("read").expect("shift");
        assert_eq!(row.booked, 3);

        // One live booking per person and slot; a cancellation frees the place.
        let second = first_shift(&json!({"shifts": [rota["shifts"][1]]})).await.0;
        let path = format!("/api/v1/rota-shifts/{second}/bookings");
        let booked = json_of(app.post_as(&w.member_a, &path, &json!({"topic": "加装电梯"})).await, 201).await;
        assert_eq!(error_code(app.post_as(&w.member_a, &path, &json!({"topic": "加装电梯"})).await).await, "deputy.already_booked");
        let id = booked["id"].as_i64().expect("id");
        let not_theirs = app.post_as(&w.member_b, &format!("/api/v1/receptions/{id}/cancel"), &json!({})).await;
        assert_eq!(error_code(not_theirs).await, "deputy.not_found");
        json_of(app.post_as(&w.member_a, &format!("/api/v1/receptions/{id}/cancel"), &json!({})).await, 200).await;
        let row = rota_shift::Entity::find_by_id(second).one(&app.db).await.expect("read").expect("shift");
        assert_eq!(row.booked, 0);
        json_of(app.post_as(&w.member_a, &path, &json!({"topic": "加装电梯"})).await, 201).await;
        let mine = json_of(app.get_as(&w.member_a, "/api/v1/me/receptions").await, 200).await;
        assert_eq!(mine.as_array().expect("mine").len(), 2, "the cancelled one and the new one");
    }

    async fn the_public_is_limited_and_their_phone_is_kept_for_the_studio(app) {
        let w = app.world().await;
        let s = studio(&app, &w).await;
        let rota = generate(&app, &w, &s).await;
        let shifts: Vec<i64> = rota["shifts"].as_array().expect("shifts").iter().map(|s| s["id"].as_i64().expect("id")).collect();
        let public = app.visitor("o-limited");
        let book = |shift: i64, phone: &str| {
            let body = json!({"topic": "小区路灯不亮", "name": "赵大爷", "phone": phone});
            let path = format!("/api/v1/rota-shifts/{shift}/bookings");
            let public = &public;
            let app = &app;
            async move { app.post_as(public, &path, &body).await }
        };
        assert_eq!(error_code(book(shifts[0], "12345").await).await, "deputy.invalid_input");
        let no_name = app.post_as(&public, &format!("/api/v1/rota-shifts/{}/bookings", shifts[0]), &json!({"topic": "x", "phone": "13900000001"})).await;
        assert_eq!(error_code(no_name).await, "deputy.invalid_input");
        let long_topic = app.post_as(&public, &format!("/api/v1/rota-shifts/{}/bookings", shifts[0]), &json!({"topic": "长".repeat(201), "name": "赵大爷", "phone": "13900000001"})).await;
        assert_eq!(error_code(long_topic).await, "deputy.invalid_input");
        let booked = json_of(book(shifts[0], "13900000001").await, 201).await;
        assert_eq!(booked["phone"], "13900000001", "the visitor sees their own number");
        // Five a day per WeChat identity (refused input above was not counted).
        let mut last = String::new();
        for shift in &shifts[1..6] {
            let response = book(*shift, "13900000001").await;
            last = if response.status().as_u16() == 201 { "booked".into() } else { error_code(response).await };
        }
        assert_eq!(last, "deputy.too_many_requests");
        // And per phone number, whatever the WeChat account.
        let other_account = app.visitor("o-limited-2");
        let same_phone = app.post_as(&other_account, &format!("/api/v1/rota-shifts/{}/bookings", shifts[7]), &json!({"topic": "路灯", "name": "赵大爷", "phone": "13900000001"})).await;
        assert_eq!(error_code(same_phone).await, "deputy.too_many_requests");

        let holder = deputy_named(&s, rota["shifts"][0]["deputy_id"].as_i64().expect("deputy"));
        let seen_by_deputy = json_of(app.get_as(holder, &format!("/api/v1/rota-shifts/{}/receptions", shifts[0])).await, 200).await;
        assert_eq!(seen_by_deputy[0]["phone"], "139****0001");
        let seen_by_studio = json_of(app.get_as(&w.admin, &format!("/api/v1/rota-shifts/{}/receptions", shifts[0])).await, 200).await;
        assert_eq!(seen_by_studio[0]["phone"], "13900000001");
        let refused = app.get_as(&w.member_a, &format!("/api/v1/rota-shifts/{}/receptions", shifts[0])).await;
        assert_eq!(error_code(refused).await, "auth.forbidden");
        // A visitor token opens no member's door.
        assert_eq!(app.get_as(&public, "/api/v1/me").await.status().as_u16(), 401);
        assert_eq!(app.get_as(&public, "/api/v1/me/rota").await.status().as_u16(), 401);
    }

    async fn a_case_goes_from_the_reception_to_an_answer_the_raiser_rates(app) {
        let w = app.world().await;
        let s = studio(&app, &w).await;
        let rota = generate(&app, &w, &s).await;
        let (shift, holder) = first_shift(&rota).await;
        let holder = deputy_named(&s, holder);
        let public = app.visitor("o-case");
        let booked = json_of(app.post_as(&public, &format!("/api/v1/rota-shifts/{shift}/bookings"), &json!({"topic": "路灯", "name": "赵大爷", "phone": "13900000002"})).await, 201).await;
        let reception = booked["id"].as_i64().expect("id");
        let record = json!({"came": true, "raised": "小区路灯坏了三个月", "cases": [{"category": "livelihood", "title": "小区路灯不亮", "body": "幸福小区3栋前路灯坏了三个月"}]});
        let by_other = app.post_as(&w.member_a, &format!("/api/v1/receptions/{reception}/record"), &record).await;
        assert_eq!(error_code(by_other).await, "deputy.not_found");
        let bad_case = app.post_as(holder, &format!("/api/v1/receptions/{reception}/record"), &json!({"came": true, "cases": [{"category": "天气", "title": "x", "body": "y"}]})).await;
        assert_eq!(error_code(bad_case).await, "deputy.invalid_input");
        let recorded = json_of(app.post_as(holder, &format!("/api/v1/receptions/{reception}/record"), &record).await, 200).await;
        assert_eq!(recorded["status"], "attended");
        let case = recorded["case_ids"][0].as_i64().expect("a case");
        let twice = app.post_as(holder, &format!("/api/v1/receptions/{reception}/record"), &record).await;
        assert_eq!(error_code(twice).await, "deputy.wrong_state");

        // Not forwarded yet: nobody can answer it.
        assert_eq!(error_code(step(&app, &w.secretary_a, case, json!({"step": "answer", "answer": "修"})).await).await, "deputy.not_found");
        assert_eq!(error_code(step(&app, &w.member_a, case, json!({"step": "forward", "org_id": w.branch_a})).await).await, "deputy.not_found");
        let forwarded = json_of(step(&app, holder, case, json!({"step": "forward", "org_id": w.branch_a})).await, 200).await;
        assert_eq!(forwarded["status"], "forwarded");
        assert_eq!(forwarded["due_on"], (today() + Duration::days(15)).to_string());
        // Another branch's secretary cannot answer; the handler returns it with a reason.
        let other_secretary = app.add_person("乙书记", "13700000090", w.branch_b).await;
        app.grant(&other_secretary, huodongri::domain::Role::Secretary, w.branch_b).await;
        assert_eq!(error_code(step(&app, &other_secretary, case, json!({"step": "answer", "answer": "修"})).await).await, "deputy.not_found");
        assert_eq!(error_code(step(&app, &w.secretary_a, case, json!({"step": "return", "reason": ""})).await).await, "deputy.invalid_input");
        let returned = json_of(step(&app, &w.secretary_a, case, json!({"step": "return", "reason": "路灯归社区管理"})).await, 200).await;
        assert_eq!(returned["status"], "returned");
        json_of(step(&app, holder, case, json!({"step": "forward", "org_id": w.branch_a})).await, 200).await;
        let rate_early = app.post_as(&public, &format!("/api/v1/matters/{case}/rating"), &json!({"rating": "satisfied"})).await;
        assert_eq!(error_code(rate_early).await, "deputy.wrong_state");
        assert_eq!(error_code(step(&app, &w.secretary_a, case, json!({"step": "answer", "answer": "长".repeat(4001)})).await).await, "deputy.invalid_input");
        json_of(step(&app, &w.secretary_a, case, json!({"step": "answer", "answer": "已联系供电所，本周内修复"})).await, 200).await;
        assert_eq!(error_code(step(&app, &w.secretary_a, case, json!({"step": "answer", "answer": "再答"})).await).await, "deputy.wrong_state");

        // Only the raiser rates; 不满意 sends it back once.
        let by_deputy = app.post_as(holder, &format!("/api/v1/matters/{case}/rating"), &json!({"rating": "satisfied"})).await;
        assert_eq!(error_code(by_deputy).await, "auth.forbidden");
        let stranger = app.visitor("o-stranger");
        assert_eq!(error_code(app.get_as(&stranger, &format!("/api/v1/matters/{case}")).await).await, "deputy.not_found");
        let reopened = json_of(app.post_as(&public, &format!("/api/v1/matters/{case}/rating"), &json!({"rating": "unsatisfied", "comment": "还没修"})).await, 200).await;
        assert_eq!(reopened["status"], "forwarded");
        assert_eq!(reopened["rounds"], 2);
        json_of(step(&app, &w.secretary_a, case, json!({"step": "answer", "answer": "已修复，请查看"})).await, 200).await;
        let closed = json_of(app.post_as(&public, &format!("/api/v1/matters/{case}/rating"), &json!({"rating": "unsatisfied"})).await, 200).await;
        assert_eq!(closed["status"], "closed", "a second 不满意 closes it");
        let again = app.post_as(&public, &format!("/api/v1/matters/{case}/rating"), &json!({"rating": "satisfied"})).await;
        assert_eq!(error_code(again).await, "deputy.already_rated");

        // The raiser sees every step; their phone only they see in full.
        let seen = json_of(app.get_as(&public, &format!("/api/v1/matters/{case}")).await, 200).await;
        let steps: Vec<&str> = seen["timeline"].as_array().expect("timeline").iter().map(|e| e["action"].as_str().expect("action")).collect();
        assert_eq!(steps, ["raise", "forward", "return", "forward", "answer", "reopen", "answer", "rate"]);
        assert_eq!(seen["raiser_phone"], "13900000002");
        let by_handler = json_of(app.get_as(&w.secretary_a, &format!("/api/v1/matters/{case}")).await, 200).await;
        assert_eq!(by_handler["raiser_phone"], "139****0002");
        let mine = json_of(app.get_as(&public, "/api/v1/me/matters").await, 200).await;
        assert_eq!(mine[0]["id"], case);
        for action in ["deputy.raise", "deputy.forward", "deputy.return", "deputy.answer", "deputy.reopen", "deputy.rate"] {
            assert!(audited(&app, action).await >= 1, "{action} audited");
        }
    }

    async fn an_overdue_matter_is_flagged_to_the_organisation_above_once(app) {
        let w = app.world().await;
        let raiser_deputy = deputy(&app, "王代表", "13700000071", w.branch_a).await;
        let case = json_of(app.post_as(&raiser_deputy, "/api/v1/cases", &json!({"category": "governance", "title": "村道破损", "body": "需修补", "raiser_name": "孙大妈"})).await, 201).await;
        let id = case["id"].as_i64().expect("id");
        let not_deputy = app.post_as(&w.member_a, "/api/v1/cases", &json!({"category": "governance", "title": "村道", "body": "x", "raiser_name": "孙大妈"})).await;
        assert_eq!(error_code(not_deputy).await, "deputy.not_a_deputy");
        json_of(step(&app, &raiser_deputy, id, json!({"step": "forward", "org_id": w.branch_a})).await, 200).await;
        let inbox = json_of(app.get_as(&w.secretary_a, &format!("/api/v1/orgs/{}/matters", w.branch_a)).await, 200).await;
        assert_eq!(inbox["total"], 1);
        assert_eq!(error_code(app.get_as(&w.member_a, &format!("/api/v1/orgs/{}/matters", w.branch_a)).await).await, "auth.forbidden");
        assert_eq!(error_code(app.get_as(&w.secretary_a, &format!("/api/v1/orgs/{}/matters?kind=thing", w.branch_a)).await).await, "deputy.invalid_input");

        // Day 15 is still in time; on day 16 the scheduler flags it to the committee.
        let in_time = at(today() + Duration::days(15), 12);
        run_due(&app.db, in_time, &app.settings).await.expect("runs");
        let row = matter::Entity::find_by_id(id).one(&app.db).await.expect("read").expect("matter");
        assert_eq!(row.escalated_to_org_id, None);
        let late = at(today() + Duration::days(16), 12);
        run_due(&app.db, late, &app.settings).await.expect("runs");
        run_due(&app.db, late + Duration::days(1), &app.settings).await.expect("runs");
        let row = matter::Entity::find_by_id(id).one(&app.db).await.expect("read").expect("matter");
        assert_eq!(row.escalated_to_org_id, Some(w.committee));
        let seen = json_of(app.get_as(&raiser_deputy, &format!("/api/v1/matters/{id}")).await, 200).await;
        let flags = seen["timeline"].as_array().expect("timeline").iter().filter(|e| e["action"] == "escalate").count();
        assert_eq!(flags, 1, "flagged once");
        assert_eq!(seen["escalated_to"]["name"], "第一党委");
        assert_eq!(audited(&app, "deputy.escalate").await, 1);
    }

    async fn questions_are_answered_by_the_organisation_asked_and_seen_by_the_askers_branch(app) {
        let w = app.world().await;
        let ask = |who: &Someone, org: i64| {
            let body = json!({"org_id": org, "category": "party_building", "title": "党费使用情况", "body": "请公开今年党费使用明细"});
            let app = &app;
            let who = who.clone();
            async move { app.post_as(&who, "/api/v1/questions", &body).await }
        };
        assert_eq!(error_code(ask(&w.member_a, w.other_committee).await).await, "deputy.invalid_input");
        assert_eq!(error_code(ask(&w.member_a, w.branch_b).await).await, "deputy.invalid_input");
        let question = json_of(ask(&w.member_a, w.committee).await, 201).await;
        let id = question["id"].as_i64().expect("id");
        assert_eq!(question["status"], "forwarded");
        assert_eq!(question["due_on"], (today() + Duration::days(15)).to_string());
        let colleague = app.add_person("甲同志", "13700000095", w.branch_a).await;
        assert_eq!(app.get_as(&colleague, &format!("/api/v1/matters/{id}")).await.status().as_u16(), 200);
        let listed = json_of(app.get_as(&colleague, "/api/v1/me/org-questions").await, 200).await;
        assert_eq!(listed[0]["id"], id);
        assert_eq!(error_code(app.get_as(&w.member_b, &format!("/api/v1/matters/{id}")).await).await, "deputy.not_found");
        // The committee's secretary answers; a branch secretary below it is not the handler.
        let committee_secretary = app.add_person("党委书记", "13700000096", w.committee).await;
        app.grant(&committee_secretary, huodongri::domain::Role::Secretary, w.committee).await;
        assert_eq!(error_code(step(&app, &w.secretary_a, id, json!({"step": "answer", "answer": "x"})).await).await, "auth.forbidden");
        assert_eq!(error_code(step(&app, &committee_secretary, id, json!({"step": "return", "reason": "不归我们"})).await).await, "deputy.wrong_state");
        json_of(step(&app, &committee_secretary, id, json!({"step": "make_private", "reason": "涉及个人信息"})).await, 200).await;
        assert_eq!(error_code(app.get_as(&colleague, &format!("/api/v1/matters/{id}")).await).await, "deputy.not_found");
        assert!(json_of(app.get_as(&colleague, "/api/v1/me/org-questions").await, 200).await.as_array().expect("list").is_empty());
        json_of(step(&app, &committee_secretary, id, json!({"step": "answer", "answer": "明细已在支部公开栏公布"})).await, 200).await;
        let told = push_outbox::Entity::find()
            .filter(push_outbox::Column::Kind.eq(PushKind::MatterAnswered))
            .filter(push_outbox::Column::PersonId.eq(w.member_a.id))
            .count(&app.db)
            .await
            .expect("count");
        assert_eq!(told, 1, "the asker is told of the answer");
        let rated = json_of(app.post_as(&w.member_a, &format!("/api/v1/matters/{id}/rating"), &json!({"rating": "basic"})).await, 200).await;
        assert_eq!(rated["status"], "closed");
        assert_eq!(rated["rating"], "basic");
        let unknown = app.post_as(&w.member_a, &format!("/api/v1/matters/{id}/rating"), &json!({"rating": "great"})).await;
        assert_eq!(unknown.status().as_u16(), 400);
    }

    async fn a_proposal_needs_every_cosigner_then_the_committee_accepts_it(app) {
        let w = app.world().await;
        let lead = deputy(&app, "王代表", "13700000071", w.branch_a).await;
        let cosigner = deputy(&app, "李代表", "13700000072", w.branch_b).await;
        let body = json!({"category": "economy", "title": "关于扶持村级集体经济的提案", "body": "建议设立专项资金", "addressed_org_id": w.city, "cosigner_ids": [cosigner.id]});
        assert_eq!(error_code(app.post_as(&w.member_a, "/api/v1/proposals", &body).await).await, "deputy.not_a_deputy");
        let with_member = json!({"category": "economy", "title": "提案", "body": "x", "addressed_org_id": w.city, "cosigner_ids": [w.member_a.id]});
        assert_eq!(error_code(app.post_as(&lead, "/api/v1/proposals", &with_member).await).await, "deputy.not_a_deputy");
        let draft = json_of(app.post_as(&lead, "/api/v1/proposals", &body).await, 201).await;
        let id = draft["id"].as_i64().expect("id");
        assert_eq!(draft["status"], "draft");
        assert_eq!(error_code(step(&app, &lead, id, json!({"step": "submit"})).await).await, "deputy.wrong_state");
        assert_eq!(error_code(step(&app, &cosigner, id, json!({"step": "submit"})).await).await, "auth.forbidden");
        assert_eq!(error_code(step(&app, &lead, id, json!({"step": "cosign"})).await).await, "deputy.wrong_state");
        let cosigned = json_of(step(&app, &cosigner, id, json!({"step": "cosign"})).await, 200).await;
        assert_eq!(cosigned["cosigners"][0]["confirmed"], true);
        let submitted = json_of(step(&app, &lead, id, json!({"step": "submit"})).await, 200).await;
        assert_eq!(submitted["status"], "submitted");
        assert_eq!(submitted["number"], format!("市党代表提案 {}-001", today().year()));
        let inbox = json_of(app.get_as(&w.admin, &format!("/api/v1/orgs/{}/matters?status=submitted", w.city)).await, 200).await;
        assert_eq!(inbox["total"], 1);
        assert_eq!(error_code(step(&app, &w.reviewer, id, json!({"step": "accept", "handler_org_id": w.committee})).await).await, "deputy.not_found");
        let accepted = json_of(step(&app, &w.admin, id, json!({"step": "accept", "handler_org_id": w.committee})).await, 200).await;
        assert_eq!(accepted["status"], "forwarded");
        assert_eq!(accepted["due_on"], (today() + Duration::days(90)).to_string());
        assert_eq!(error_code(step(&app, &w.admin, id, json!({"step": "reject", "reason": "晚了"})).await).await, "deputy.wrong_state");

        // A second proposal is numbered after the first, and may be turned down with a reason.
        let second = json_of(app.post_as(&lead, "/api/v1/proposals", &json!({"category": "other", "title": "第二件", "body": "x", "addressed_org_id": w.city})).await, 201).await;
        let second = second["id"].as_i64().expect("id");
        let numbered = json_of(step(&app, &lead, second, json!({"step": "submit"})).await, 200).await;
        assert_eq!(numbered["number"], format!("市党代表提案 {}-002", today().year()));
        let rejected = json_of(step(&app, &w.admin, second, json!({"step": "reject", "reason": "不属于党代会职权范围"})).await, 200).await;
        assert_eq!(rejected["status"], "not_accepted");
        let lead_view = json_of(app.get_as(&lead, &format!("/api/v1/matters/{second}")).await, 200).await;
        assert_eq!(lead_view["timeline"].as_array().expect("timeline").last().expect("last")["note"], "不属于党代会职权范围");
        let unknown_step = step(&app, &lead, second, json!({"step": "fly"})).await;
        assert_eq!(unknown_step.status().as_u16(), 400);
    }

    async fn inspections_and_a_deputys_year_add_up_what_happened(app) {
        let w = app.world().await;
        let s = studio(&app, &w).await;
        let rota = generate(&app, &w, &s).await;
        let shifts: Vec<i64> = rota["shifts"].as_array().expect("shifts").iter().map(|s| s["id"].as_i64().expect("id")).collect();
        let d = deputy_named(&s, rota["shifts"][0]["deputy_id"].as_i64().expect("deputy"));
        let other = s.deputies.iter().find(|x| x.id != d.id).expect("another");
        // A reception with a case, in a slot still to come.
        let booked = json_of(app.post_as(&w.member_a, &format!("/api/v1/rota-shifts/{}/bookings", shifts[0]), &json!({"topic": "停车"})).await, 201).await;
        json_of(app.post_as(d, &format!("/api/v1/receptions/{}/record", booked["id"]), &json!({"came": true, "raised": "停车难", "cases": [{"category": "livelihood", "title": "小区停车难", "body": "晚上车位不够"}]})).await, 200).await;
        // Two of the deputy's slots have begun: one served (scanned), one missed.
        let mine: Vec<i64> = rota["shifts"].as_array().expect("shifts").iter().filter(|x| x["deputy_id"] == d.id).map(|x| x["id"].as_i64().expect("id")).take(2).collect();
        for (k, id) in mine.iter().enumerate() {
            let mut row = rota_shift::Entity::find_by_id(*id).one(&app.db).await.expect("read").expect("shift").into_active_model();
            row.starts_at = Set(clock::now() - Duration::hours(3 + k as i64 * 3));
            row.ends_at = Set(clock::now() - Duration::hours(1 + k as i64 * 3));
            row.checked_in_at = Set((k == 0).then(clock::now));
            row.update(&app.db).await.expect("moved");
        }
        // An inspection with another deputy, its report uploaded by a participant.
        let bad = app.post_as(d, "/api/v1/inspections", &json!({"topic": "乡村振兴", "starts_on": today().to_string(), "ends_on": (today() - Duration::days(1)).to_string(), "places": "江都区"})).await;
        assert_eq!(error_code(bad).await, "deputy.invalid_input");
        let by_member = app.post_as(&w.member_a, "/api/v1/inspections", &json!({"topic": "乡村振兴", "starts_on": today().to_string(), "ends_on": today().to_string(), "places": "江都区"})).await;
        assert_eq!(error_code(by_member).await, "deputy.not_a_deputy");
        let inspection = json_of(app.post_as(d, "/api/v1/inspections", &json!({"topic": "乡村振兴", "starts_on": today().to_string(), "ends_on": today().to_string(), "places": "江都区三个村", "summary": "集体经济薄弱", "deputy_ids": [other.id]})).await, 201).await;
        let inspection = inspection["id"].as_i64().expect("id");
        let report = crate::attachments::xlsx();
        let refused = crate::attachments::upload_form(&app, &w.member_a, "deputy_inspection", inspection, "调研报告.xlsx", &report).await;
        assert_eq!(refused.status().as_u16(), 403);
        let uploaded = crate::attachments::upload_form(&app, other, "deputy_inspection", inspection, "调研报告.xlsx", &report).await;
        assert_eq!(uploaded.status().as_u16(), 201);
        let files = json_of(app.get_as(&w.admin, &format!("/api/v1/attachments?owner_type=deputy_inspection&owner_id={inspection}")).await, 200).await;
        assert_eq!(files.as_array().expect("files").len(), 1);
        assert_eq!(error_code(app.get_as(&w.member_c, &format!("/api/v1/inspections/{inspection}")).await).await, "deputy.not_found");
        let theirs = json_of(app.get_as(other, "/api/v1/me/inspections").await, 200).await;
        assert_eq!(theirs[0]["deputies"].as_array().expect("deputies").len(), 2);
        // A question and a submitted proposal.
        json_of(app.post_as(d, "/api/v1/questions", &json!({"org_id": w.city, "category": "economy", "title": "招商引资情况", "body": "请说明"})).await, 201).await;
        let proposal = json_of(app.post_as(d, "/api/v1/proposals", &json!({"category": "economy", "title": "提案一", "body": "建议", "addressed_org_id": w.city})).await, 201).await;
        json_of(step(&app, d, proposal["id"].as_i64().expect("id"), json!({"step": "submit"})).await, 200).await;

        let year = today().year();
        let own = json_of(app.get_as(d, &format!("/api/v1/people/{}/deputy-duties?year={year}", d.id)).await, 200).await;
        assert_eq!((own["duty_slots"].as_i64(), own["duty_slots_served"].as_i64()), (Some(2), Some(1)), "{own}");
        assert_eq!(own["receptions_held"], 1);
        assert_eq!(own["cases_raised"], 1);
        assert_eq!(own["inspections"], 1);
        assert_eq!(own["questions"], 1);
        assert_eq!(own["proposals"], 1);
        assert_eq!(own["proposals_accepted"], 0);
        assert_eq!(error_code(app.get_as(&w.member_c, &format!("/api/v1/people/{}/deputy-duties", d.id)).await).await, "deputy.not_found");
        assert_eq!(error_code(app.get_as(d, &format!("/api/v1/people/{}/deputy-duties?year=2013", d.id)).await).await, "deputy.invalid_input");
        let list = json_of(app.get_as(&w.admin, &format!("/api/v1/orgs/{}/deputy-duties?level=city", w.city)).await, 200).await;
        assert_eq!(list["page"]["total"], 3);
        assert_eq!(error_code(app.get_as(&w.admin, &format!("/api/v1/orgs/{}/deputy-duties?level=province", w.city)).await).await, "deputy.invalid_input");
        assert_eq!(error_code(app.get_as(&w.member_a, &format!("/api/v1/orgs/{}/deputy-duties", w.city)).await).await, "auth.forbidden");
        let xlsx = app.get_as(&w.admin, &format!("/api/v1/orgs/{}/deputy-duties?format=xlsx", w.city)).await;
        assert_eq!(xlsx.status().as_u16(), 200);
        let bytes = xlsx.bytes().await.expect("bytes").to_vec();
        use calamine::Reader;
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).expect("workbook");
        let name = book.sheet_names()[0].clone();
        let sheet = book.worksheet_range(&name).expect("sheet");
        assert_eq!(sheet.get((0, 0)).map(ToString::to_string).as_deref(), Some("姓名"));
        assert!(sheet.rows().any(|r| r.iter().any(|c| *c == "王代表")));
    }

    async fn a_deputys_constituency_comes_from_the_roster(app) {
        let w = app.world().await;
        let path = format!("/api/v1/orgs/{}/roster", w.committee);
        let roster = |constituency: &str, level: &str| format!(
            "姓名,手机号,党员状态,党代表,支部编码,选区\r\n王代表,13700000071,正式党员,{level},TS-C1-A,{constituency}\r\n"
        );
        let not_deputy = app.upload_as(&w.admin, &path, "text/csv", roster("TS-C1-A", "").into_bytes()).await;
        assert_eq!(not_deputy.status().as_u16(), 422);
        let body: Value = not_deputy.json().await.expect("json");
        assert!(body.to_string().contains("选区"), "{body}");
        let outside = app.upload_as(&w.admin, &path, "text/csv", roster("TS-C2-C", "市").into_bytes()).await;
        assert_eq!(outside.status().as_u16(), 422, "another committee's branch is outside the import");
        assert_eq!(person::Entity::find().filter(huodongri::entities::person::Column::Phone.eq("13700000071")).count(&app.db).await.expect("count"), 0, "nothing half-imported");
        let imported = app.upload_as(&w.admin, &path, "text/csv", roster("TS-C1-A；TS-C1-B", "市").into_bytes()).await;
        assert_eq!(imported.status().as_u16(), 200);
        let deputy = person::Entity::find().filter(huodongri::entities::person::Column::Phone.eq("13700000071")).one(&app.db).await.expect("read").expect("imported");
        let seen = json_of(app.get_as(&w.member_a, &format!("/api/v1/people/{}/constituency", deputy.id)).await, 200).await;
        let names: Vec<&str> = seen["orgs"].as_array().expect("orgs").iter().map(|o| o["name"].as_str().expect("name")).collect();
        assert_eq!(names, ["甲支部", "乙支部"]);
        let exported = app.get_as(&w.admin, &format!("{path}?format=csv")).await.text().await.expect("text");
        assert!(exported.contains("TS-C1-A；TS-C1-B"), "the export writes it back: {exported}");
    }
}
