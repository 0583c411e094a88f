//! Community service end to end: reporting, claims with their reason codes, capacity under
//! a crowd, the waitlist and its offers, volunteer check-in and hours, privacy of household
//! data, commitments and the yearly progress against the minimums.
use api_tests::{Someone, TestApp, World, error_code, on_both_stores};
use chrono::{DateTime, Duration, FixedOffset};
use huodongri::{
    clock,
    domain::Role,
    entities::{person, service_claim, service_item},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use serde_json::{Value, json};

struct Community {
    id: i64,
    admin: Someone,
}

async fn community(app: &TestApp, w: &World) -> Community {
    let id = huodongri::cli::create_org(&app.db, "TS-SQ", "文昌社区", "community", Some("TS"))
        .await
        .expect("community");
    let admin = app.add_person("社区主任", "13700000051", id).await;
    app.grant(&admin, Role::CommunityAdmin, id).await;
    let _ = w;
    Community { id, admin }
}

fn at(offset: Duration) -> String {
    (clock::now() + offset)
        .with_timezone(&clock::shanghai())
        .to_rfc3339()
}

/// An item open for sign-up now, held in two days for two hours.
fn item(title: &str, capacity: i32) -> Value {
    json!({"kind": "item", "title": title, "description": "陪老人聊天", "capacity": capacity,
        "starts_at": at(Duration::days(2)), "ends_at": at(Duration::days(2) + Duration::hours(2)),
        "place": "社区活动室", "skills": "", "signup_opens_at": at(-Duration::hours(1)), "signup_closes_at": at(Duration::days(1))})
}

async fn publish(app: &TestApp, c: &Community, body: &Value) -> i64 {
    let created = app
        .post_as(
            &c.admin,
            &format!("/api/v1/communities/{}/service-items", c.id),
            body,
        )
        .await;
    assert_eq!(created.status().as_u16(), 201);
    created.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id")
}

async fn claim(app: &TestApp, who: &Someone, item: i64) -> Value {
    let response = app
        .post_as(
            who,
            &format!("/api/v1/service-items/{item}/claims"),
            &json!({}),
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.expect("json")
}

async fn accepted(app: &TestApp, c: &Community, who: &Someone) {
    let report: Value = app
        .post_as(
            who,
            &format!("/api/v1/communities/{}/reports", c.id),
            &json!({}),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(report["status"], "pending");
    let decided: Value = app
        .post_as(
            &c.admin,
            &format!("/api/v1/community-reports/{}/decision", report["id"]),
            &json!({"accept": true}),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(decided["status"], "accepted");
}

async fn taken(app: &TestApp, item: i64) -> i32 {
    service_item::Entity::find_by_id(item)
        .one(&app.db)
        .await
        .expect("read")
        .expect("item")
        .taken
}

on_both_stores! {
    async fn claims_answer_with_a_reason_code(app) {
        let w = app.world().await;
        let c = community(&app, &w).await;
        let first = publish(&app, &c, &item("陪伴空巢老人", 1)).await;
        assert_eq!(claim(&app, &w.member_a, first).await["result"], "not_reported");
        accepted(&app, &c, &w.member_a).await;
        let ok = claim(&app, &w.member_a, first).await;
        assert_eq!(ok["result"], "ok");
        assert_eq!(ok["claim"]["status"], "claimed");
        assert_eq!(claim(&app, &w.member_a, first).await["result"], "already_claimed");
        accepted(&app, &c, &w.member_b).await;
        let full = claim(&app, &w.member_b, first).await;
        assert_eq!((full["result"].as_str(), full["claim"]["status"].as_str()), (Some("full"), Some("waitlisted")));
        assert_eq!(full["claim"]["waitlist_position"], 1);
        assert_eq!(taken(&app, first).await, 1, "capacity 1, one place taken");

        let mut overlapping = item("同时段的岗位", 5);
        overlapping["kind"] = json!("post");
        let clash = publish(&app, &c, &overlapping).await;
        assert_eq!(claim(&app, &w.member_a, clash).await["result"], "time_clash");
        assert_eq!(claim(&app, &w.member_b, clash).await["result"], "ok", "a waitlist place does not clash");

        let mut later = item("下周的项目", 5);
        later["signup_opens_at"] = json!(at(Duration::hours(3)));
        let later = publish(&app, &c, &later).await;
        assert_eq!(claim(&app, &w.member_a, later).await["result"], "not_open_yet");
        let past = json!({"kind": "item", "title": "上月的项目", "description": "", "capacity": 5,
            "starts_at": at(-Duration::days(3)), "ends_at": at(-Duration::days(3) + Duration::hours(2)), "place": "社区",
            "signup_opens_at": at(-Duration::days(10)), "signup_closes_at": at(-Duration::days(4))});
        let past = publish(&app, &c, &past).await;
        assert_eq!(claim(&app, &w.member_a, past).await["result"], "closed");

        // A member of the community itself needs no report.
        let resident = app.add_person("社区居民党员", "13700000052", c.id).await;
        assert_eq!(claim(&app, &resident, later).await["result"], "not_open_yet");
        assert_eq!(claim(&app, &resident, clash).await["result"], "ok");

        let bad = app.post_as(&c.admin, &format!("/api/v1/communities/{}/service-items", c.id), &json!({"kind": "party", "title": "x", "description": "", "capacity": 0,
            "starts_at": "soon", "ends_at": "", "place": "", "signup_opens_at": "", "signup_closes_at": ""})).await;
        assert_eq!(error_code(bad).await, "community.invalid_input");
        let not_admin = app.post_as(&w.member_a, &format!("/api/v1/communities/{}/service-items", c.id), &item("x", 1)).await;
        assert_eq!(not_admin.status().as_u16(), 403);
        let listed: Value = app.get_as(&w.member_a, &format!("/api/v1/communities/{}/service-items?kind=item", c.id)).await.json().await.expect("json");
        assert_eq!(listed["total"], 3);

        // Claims are settled in batches: one for an item that does not exist is a 404 and
        // spoils nothing for a claim settled beside it.
        let open = publish(&app, &c, &item("旁边的项目", 3)).await;
        let newcomer = app.add_person("新来的", "13700000099", c.id).await;
        let empty = json!({});
        let (missing, beside) = tokio::join!(
            app.post_as(&newcomer, "/api/v1/service-items/987654321/claims", &empty),
            claim(&app, &newcomer, open)
        );
        assert_eq!((missing.status().as_u16(), error_code(missing).await.as_str()), (404, "service.item_not_found"));
        assert_eq!(beside["result"], "ok");
    }

    async fn a_crowd_never_overfills_an_item(app) {
        let w = app.world().await;
        let c = community(&app, &w).await;
        let id = publish(&app, &c, &item("最后的名额", 5)).await;
        let mut crowd = Vec::new();
        for i in 0..40 {
            crowd.push(app.add_person(&format!("居民{i}"), &format!("1370001{i:04}"), c.id).await);
        }
        let answers = futures_util::future::join_all(crowd.iter().map(|who| claim(&app, who, id))).await;
        let ok = answers.iter().filter(|a| a["result"] == "ok").count();
        let full = answers.iter().filter(|a| a["result"] == "full").count();
        assert_eq!((ok, full), (5, 35));
        let claimed = service_claim::Entity::find()
            .filter(service_claim::Column::ItemId.eq(id))
            .filter(service_claim::Column::Status.eq("claimed"))
            .count(&app.db).await.expect("count");
        assert_eq!(claimed, 5);
        assert_eq!(taken(&app, id).await, 5);
        // Claims are settled in batches; the queue is still one line, told the same way to
        // each member and to the admin.
        let mut told: Vec<(i64, u64)> = answers.iter().filter(|a| a["result"] == "full")
            .map(|a| (a["claim"]["person_id"].as_i64().expect("person"), a["claim"]["waitlist_position"].as_u64().expect("position")))
            .collect();
        told.sort_by_key(|(_, position)| *position);
        assert_eq!(told.iter().map(|(_, p)| *p).collect::<Vec<_>>(), (1..=35).collect::<Vec<_>>(), "positions 1 to 35, each once");
        let queue: Value = app.get_as(&c.admin, &format!("/api/v1/service-items/{id}/claims")).await.json().await.expect("json");
        let waiting: Vec<(i64, u64)> = queue.as_array().expect("claims").iter().filter(|c| c["status"] == "waitlisted")
            .map(|c| (c["person_id"].as_i64().expect("person"), c["waitlist_position"].as_u64().expect("position")))
            .collect();
        assert_eq!(waiting, told, "the admin's queue is the order members were told");

        // One member tapping five times at once holds one claim (someone only waiting on the
        // first item, so the two do not clash).
        let last = publish(&app, &c, &item("另一个项目", 1)).await;
        let tapper = crowd.iter().find(|p| p.id == told[0].0).expect("a waiting member");
        let taps = futures_util::future::join_all((0..5).map(|_| claim(&app, tapper, last))).await;
        let results: Vec<&str> = taps.iter().map(|a| a["result"].as_str().expect("result")).collect();
        assert_eq!(results.iter().filter(|r| **r == "ok").count(), 1, "{results:?}");
        assert_eq!(results.iter().filter(|r| **r == "already_claimed").count(), 4, "{results:?}");
        assert!(taps.iter().all(|a| a["claim"]["id"] == taps[0]["claim"]["id"]), "the same claim every time");
        assert_eq!(taken(&app, last).await, 1);
    }

    async fn an_offer_reaches_a_member_who_only_follows_the_official_account(app) {
        let w = app.world().await;
        let c = community(&app, &w).await;
        let id = publish(&app, &c, &item("唯一的名额", 1)).await;
        let holder = app.add_person("甲", "13700000061", c.id).await;
        let waiting = app.add_person("乙", "13700000062", c.id).await;
        app.bind_wechat(&waiting, "o-waiting").await;
        let account = app.follow_official_account("o-waiting").await;
        let first = claim(&app, &holder, id).await;
        assert_eq!(claim(&app, &waiting, id).await["result"], "full");
        app.post_as(&holder, &format!("/api/v1/service-claims/{}/cancel", first["claim"]["id"]), &json!({})).await;
        let mut cards = Vec::new();
        for _ in 0..100 {
            cards = app.wechat.oa_delivered_to(&account);
            if !cards.is_empty() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let rows = huodongri::entities::push_outbox::Entity::find().all(&app.db).await.expect("rows");
        assert_eq!(cards.len(), 1, "told once, by the account, since they never subscribed: {rows:?}");
        assert!(cards[0].data["thing1"].contains("唯一的名额"), "{:?}", cards[0].data);
        let jump = cards[0].miniprogram.as_ref().and_then(|m| m.pagepath.clone());
        assert_eq!(jump, Some(format!("pages/service-item/index?id={id}")), "opens the item to confirm");
        assert!(app.wechat.delivered_to("o-waiting").is_empty());
    }

    async fn a_freed_place_is_offered_to_the_first_waiting_until_a_deadline(app) {
        let w = app.world().await;
        let c = community(&app, &w).await;
        let id = publish(&app, &c, &item("唯一的名额", 1)).await;
        let people = [app.add_person("甲", "13700000061", c.id).await, app.add_person("乙", "13700000062", c.id).await, app.add_person("丙", "13700000063", c.id).await];
        let first = claim(&app, &people[0], id).await;
        let second = claim(&app, &people[1], id).await;
        let third = claim(&app, &people[2], id).await;
        assert_eq!((second["result"].as_str(), third["claim"]["waitlist_position"].as_u64()), (Some("full"), Some(2)));
        let queue: Value = app.get_as(&c.admin, &format!("/api/v1/service-items/{id}/claims")).await.json().await.expect("json");
        let queue: Vec<_> = queue.as_array().expect("claims").iter()
            .map(|c| (c["person_name"].as_str(), c["status"].as_str(), c["waitlist_position"].as_u64())).collect();
        assert_eq!(queue, [(Some("甲"), Some("claimed"), None), (Some("乙"), Some("waitlisted"), Some(1)), (Some("丙"), Some("waitlisted"), Some(2))],
            "the admin sees who holds the place and who waits in which order");
        let cancelled: Value = app.post_as(&people[0], &format!("/api/v1/service-claims/{}/cancel", first["claim"]["id"]), &json!({})).await.json().await.expect("json");
        assert_eq!(cancelled["status"], "cancelled");
        let mine: Value = app.get_as(&people[1], &format!("/api/v1/service-items/{id}")).await.json().await.expect("json");
        assert_eq!(mine["my_claim"]["status"], "offered");
        let deadline = DateTime::parse_from_rfc3339(mine["my_claim"]["offer_expires_at"].as_str().expect("deadline")).expect("time");
        assert!(deadline > clock::now() + Duration::hours(23), "24 hours to confirm");
        assert_eq!(taken(&app, id).await, 1, "the place moved on, it was not released");
        let told = huodongri::entities::push_outbox::Entity::find()
            .filter(huodongri::entities::push_outbox::Column::Kind.eq("service_offer"))
            .filter(huodongri::entities::push_outbox::Column::PersonId.eq(people[1].id))
            .all(&app.db).await.expect("outbox");
        assert_eq!(told.len(), 1, "the person offered the place is told by WeChat, once");
        assert!(told[0].payload.contains(&format!("pages/service-item/index?id={id}")), "{}", told[0].payload);
        let other: Value = app.post_as(&people[2], &format!("/api/v1/service-claims/{}/confirm", second["claim"]["id"]), &json!({})).await.json().await.expect("json");
        assert_eq!(other["code"], "service.claim_not_found", "someone else's offer");

        // The deadline passes: the offer expires and goes to the next person.
        let offered = service_claim::Entity::find_by_id(second["claim"]["id"].as_i64().expect("id")).one(&app.db).await.expect("read").expect("claim");
        let mut active = offered.into_active_model();
        active.offer_expires_at = Set(Some((clock::now() - Duration::minutes(1)).fixed_offset() as DateTime<FixedOffset>));
        active.update(&app.db).await.expect("moved");
        let late = app.post_as(&people[1], &format!("/api/v1/service-claims/{}/confirm", second["claim"]["id"]), &json!({})).await;
        assert_eq!(error_code(late).await, "service.offer_expired");
        let next: Value = app.get_as(&people[2], &format!("/api/v1/service-items/{id}")).await.json().await.expect("json");
        assert_eq!(next["my_claim"]["status"], "offered");
        let confirmed: Value = app.post_as(&people[2], &format!("/api/v1/service-claims/{}/confirm", third["claim"]["id"]), &json!({})).await.json().await.expect("json");
        assert_eq!(confirmed["status"], "claimed");
        let gone: Value = app.post_as(&people[2], &format!("/api/v1/service-claims/{}/cancel", third["claim"]["id"]), &json!({})).await.json().await.expect("json");
        assert_eq!(gone["status"], "cancelled");
        assert_eq!(taken(&app, id).await, 0, "nobody waiting: the place is free again");
        assert_eq!(claim(&app, &people[0], id).await["result"], "ok", "and can be claimed again");
    }

    async fn volunteers_check_in_with_the_rotating_qr_and_get_hours(app) {
        let w = app.world().await;
        let c = community(&app, &w).await;
        let body = json!({"kind": "volunteer", "volunteer_kind": "community_service", "title": "清理楼道", "description": "", "capacity": 3,
            "starts_at": at(-Duration::minutes(10)), "ends_at": at(Duration::hours(2)), "place": "3号楼",
            "signup_opens_at": at(-Duration::days(1)), "signup_closes_at": at(Duration::hours(1))});
        let id = publish(&app, &c, &body).await;
        let [a, b, no_show] = [app.add_person("志愿者甲", "13700000071", c.id).await, app.add_person("志愿者乙", "13700000072", c.id).await, app.add_person("志愿者丙", "13700000073", c.id).await];
        assert_eq!(claim(&app, &a, id).await["result"], "ok");
        assert_eq!(claim(&app, &no_show, id).await["result"], "ok");
        let qr: Value = app.get_as(&c.admin, &format!("/api/v1/service-items/{id}/qr")).await.json().await.expect("json");
        let url = qr["url"].as_str().expect("url");
        let (code, token) = url.split_once("/c/").expect("path").1.split_once("?t=").expect("token");
        let scan = |who: &Someone, token: &str| {
            let body = json!({"activity_code": code, "token": token, "nonce": uuid::Uuid::new_v4().simple().to_string()});
            let who = who.clone();
            let app = &app;
            async move { app.post_as(&who, "/api/v1/checkins", &body).await.json::<Value>().await.expect("json") }
        };
        let ok = scan(&a, token).await;
        assert_eq!((ok["result"].as_str(), ok["activity"]["theme"].as_str()), (Some("ok"), Some("清理楼道")));
        assert_eq!(scan(&a, token).await["result"], "already_checked_in");
        assert_eq!(scan(&b, token).await["result"], "not_expected", "a walk-in is recorded");
        assert_eq!(scan(&a, "AAAAAAAAAAAAAAAA").await["result"], "invalid_token");

        let hours = app.post_as(&c.admin, &format!("/api/v1/service-items/{id}/attendance"),
            &json!({"entries": [{"person_id": a.id, "hours": 2.5}, {"person_id": b.id, "hours": 1}]})).await;
        assert_eq!(hours.status().as_u16(), 200);
        let rows: Value = hours.json().await.expect("json");
        let status_of = |p: i64| rows.as_array().expect("list").iter().find(|r| r["person_id"] == p).map(|r| (r["status"].as_str().unwrap_or("").to_owned(), r["hours"].as_f64()));
        assert_eq!(status_of(a.id), Some(("attended".into(), Some(2.5))));
        assert_eq!(status_of(b.id), Some(("attended".into(), Some(1.0))));
        assert_eq!(status_of(no_show.id), Some(("no_show".into(), None)));
        let negative = app.post_as(&c.admin, &format!("/api/v1/service-items/{id}/attendance"), &json!({"entries": [{"person_id": a.id, "hours": -1}]})).await;
        assert_eq!(error_code(negative).await, "community.invalid_input");
        let progress: Value = app.get_as(&a, "/api/v1/me/progress").await.json().await.expect("json");
        assert_eq!((progress["volunteer"]["done"].as_u64(), progress["community_services"]["done"].as_u64()), (Some(1), Some(1)));
    }

    async fn household_details_are_seen_only_by_the_paired_member_and_the_community(app) {
        let w = app.world().await;
        let c = community(&app, &w).await;
        let household: Value = app.post_as(&c.admin, &format!("/api/v1/communities/{}/households", c.id),
            &json!({"kind": "empty_nest", "name": "王奶奶", "address": "文昌路1号", "phone": "13900001111", "notes": "独居"})).await.json().await.expect("json");
        let hid = household["id"].as_i64().expect("id");
        let paired: Value = app.post_as(&c.admin, &format!("/api/v1/households/{hid}/pairings"), &json!({"person_id": w.member_a.id})).await.json().await.expect("json");
        let mine: Value = app.get_as(&w.member_a, "/api/v1/me/pairings").await.json().await.expect("json");
        assert_eq!(mine[0]["household"]["address"], "文昌路1号");
        assert_eq!(app.get_as(&w.member_a, &format!("/api/v1/households/{hid}")).await.status().as_u16(), 200);
        assert_eq!(app.get_as(&c.admin, &format!("/api/v1/households/{hid}")).await.status().as_u16(), 200);
        assert_eq!(app.get_as(&w.member_b, &format!("/api/v1/households/{hid}")).await.status().as_u16(), 404, "hidden from others");
        assert_eq!(app.get_as(&w.secretary_a, &format!("/api/v1/households/{hid}")).await.status().as_u16(), 404, "even the member's secretary");
        assert_eq!(app.get_as(&w.member_b, &format!("/api/v1/communities/{}/households", c.id)).await.status().as_u16(), 403);
        let visit = app.post_as(&w.member_a, &format!("/api/v1/pairings/{}/visits", paired["id"]), &json!({"visited_on": clock::now().with_timezone(&clock::shanghai()).date_naive().to_string(), "note": "送去米面油"})).await;
        assert_eq!(visit.status().as_u16(), 200);
        let foreign = app.post_as(&w.member_b, &format!("/api/v1/pairings/{}/visits", paired["id"]), &json!({"visited_on": "2026-01-01", "note": "x"})).await;
        assert_eq!(foreign.status().as_u16(), 404);

        let second: Value = app.post_as(&c.admin, &format!("/api/v1/communities/{}/households", c.id),
            &json!({"kind": "hardship", "name": "赵大爷", "address": "文昌路2号", "phone": "13900003333"})).await.json().await.expect("json");
        app.post_as(&c.admin, &format!("/api/v1/households/{}/pairings", second["id"]), &json!({"person_id": w.member_a.id})).await;
        let mine: Value = app.get_as(&w.member_a, "/api/v1/me/pairings").await.json().await.expect("json");
        let seen: Vec<_> = mine.as_array().expect("pairings").iter()
            .map(|p| (p["household"]["name"].as_str(), p["visits"].as_array().map(Vec::len))).collect();
        assert_eq!(seen, [(Some("赵大爷"), Some(0)), (Some("王奶奶"), Some(1))], "newest pairing first, each with its own visits");
        assert_eq!(mine[1]["visits"][0]["note"], "送去米面油");
    }

    async fn progress_commitments_and_suggestions_follow_the_minimums(app) {
        let w = app.world().await;
        let c = community(&app, &w).await;
        let organ = person::Entity::find_by_id(w.member_a.id).one(&app.db).await.expect("read").expect("person");
        let mut active = organ.into_active_model();
        active.in_service_organ = Set(true);
        active.update(&app.db).await.expect("updated");
        let before: Value = app.get_as(&w.member_a, "/api/v1/me/progress").await.json().await.expect("json");
        assert_eq!(before["behind"], true);
        assert_eq!((before["items"]["required"].as_u64(), before["community_services"]["required"].as_u64(), before["suggestions"]["required"].as_u64(), before["pairings"]["required"].as_u64(), before["volunteer"]["required"].as_u64()), (Some(1), Some(2), Some(1), Some(1), Some(2)));
        let other: Value = app.get_as(&w.member_b, "/api/v1/me/progress").await.json().await.expect("json");
        assert_eq!((other["items"]["required"].as_u64(), other["volunteer"]["required"].as_u64()), (Some(0), Some(2)), "only in-service members of organs report");

        accepted(&app, &c, &w.member_a).await;
        let id = publish(&app, &c, &item("助老岗位", 2)).await;
        assert_eq!(claim(&app, &w.member_a, id).await["result"], "ok");
        let suggestion: Value = app.post_as(&w.member_a, &format!("/api/v1/communities/{}/suggestions", c.id), &json!({"title": "增设休息座椅", "content": "小区门口老人多"})).await.json().await.expect("json");
        let answered: Value = app.post_as(&c.admin, &format!("/api/v1/suggestions/{}/answer", suggestion["id"]), &json!({"answer": "已采纳"})).await.json().await.expect("json");
        assert_eq!(answered["answer"], "已采纳");
        assert_eq!(app.post_as(&w.member_b, &format!("/api/v1/suggestions/{}/answer", suggestion["id"]), &json!({"answer": "x"})).await.status().as_u16(), 403);
        let mine: Value = app.get_as(&w.member_a, "/api/v1/me/suggestions").await.json().await.expect("json");
        assert_eq!((mine[0]["title"].as_str(), mine[0]["answer"].as_str()), (Some("增设休息座椅"), Some("已采纳")));
        let to_community: Value = app.get_as(&c.admin, &format!("/api/v1/communities/{}/suggestions", c.id)).await.json().await.expect("json");
        assert_eq!(to_community.as_array().map(Vec::len), Some(1));
        assert!(to_community[0]["person_name"].as_str().is_some_and(|n| !n.is_empty()), "the author is named");
        let accepted_reports: Value = app.get_as(&c.admin, &format!("/api/v1/communities/{}/reports?status=accepted", c.id)).await.json().await.expect("json");
        assert_eq!(accepted_reports[0]["person_id"], w.member_a.id);
        assert_eq!(accepted_reports[0]["community_name"], "文昌社区");
        let none_pending: Value = app.get_as(&c.admin, &format!("/api/v1/communities/{}/reports?status=pending", c.id)).await.json().await.expect("json");
        assert_eq!(none_pending.as_array().map(Vec::len), Some(0));
        let bad = app.get_as(&c.admin, &format!("/api/v1/communities/{}/reports?status=maybe", c.id)).await;
        assert_eq!(error_code(bad).await, "community.invalid_input", "an unknown status is refused, not ignored");
        let household: Value = app.post_as(&c.admin, &format!("/api/v1/communities/{}/households", c.id),
            &json!({"kind": "disabled", "name": "李叔", "address": "2号楼", "phone": "13900002222"})).await.json().await.expect("json");
        app.post_as(&c.admin, &format!("/api/v1/households/{}/pairings", household["id"]), &json!({"person_id": w.member_a.id})).await;
        let after: Value = app.get_as(&w.member_a, "/api/v1/me/progress").await.json().await.expect("json");
        assert_eq!((after["items"]["done"].as_u64(), after["suggestions"]["done"].as_u64(), after["pairings"]["done"].as_u64()), (Some(1), Some(1), Some(1)));
        assert_eq!(after["behind"], true, "volunteer services still missing");
        let behind: Value = app.get_as(&c.admin, &format!("/api/v1/orgs/{}/progress?behind=true", c.id)).await.json().await.expect("json");
        assert!(behind.as_array().expect("list").iter().any(|p| p["person_id"] == w.member_a.id), "the reported member is in the community's table");
        let branch: Value = app.get_as(&w.secretary_a, &format!("/api/v1/orgs/{}/progress", w.branch_a)).await.json().await.expect("json");
        assert!(branch.as_array().expect("list").iter().any(|p| p["person_id"] == w.member_a.id));
        assert_eq!(app.get_as(&w.member_b, &format!("/api/v1/orgs/{}/progress", w.branch_a)).await.status().as_u16(), 403);

        let year = clock::now().with_timezone(&clock::shanghai()).format("%Y").to_string();
        let made: Value = app.put_as(&w.member_a, &format!("/api/v1/me/commitments/{year}"), &json!({"category": "organ", "content": "每月下沉社区服务一次"})).await.json().await.expect("json");
        assert_eq!(made["emphasis"], "机关事业单位党员：改进工作作风、联系服务基层");
        app.post_as(&w.member_a, &format!("/api/v1/me/commitments/{year}/progress"), &json!({"note": "三月已下沉"})).await;
        let done: Value = app.post_as(&w.member_a, &format!("/api/v1/me/commitments/{year}/complete"), &json!({"note": "全年完成"})).await.json().await.expect("json");
        assert_eq!((done["status"].as_str(), done["updates"].as_array().map(Vec::len)), (Some("completed"), Some(1)));
        let csv = app.get_as(&w.secretary_a, &format!("/api/v1/orgs/{}/commitments?year={year}&format=csv", w.branch_a)).await.text().await.expect("csv");
        assert!(csv.contains("甲党员") && csv.contains("已完成"), "{csv}");
        let bad = app.put_as(&w.member_a, &format!("/api/v1/me/commitments/{year}"), &json!({"category": "x", "content": "y"})).await;
        assert_eq!(error_code(bad).await, "community.invalid_input");
        let changed = app.put_as(&w.member_a, &format!("/api/v1/me/commitments/{year}"), &json!({"category": "organ", "content": "改一改"})).await;
        assert_eq!(error_code(changed).await, "community.wrong_state", "a completed commitment stays as it was");
        app.put_as(&w.member_b, &format!("/api/v1/me/commitments/{year}"), &json!({"category": "retired", "content": "关心下一代"})).await;
        let listed: Value = app.get_as(&w.reviewer, &format!("/api/v1/orgs/{}/commitments?year={year}", w.committee)).await.json().await.expect("json");
        let listed: Vec<_> = listed.as_array().expect("commitments").iter()
            .map(|c| (c["person_id"].as_i64(), c["status"].as_str(), c["updates"].as_array().map(Vec::len))).collect();
        assert!(listed.contains(&(Some(w.member_a.id), Some("completed"), Some(1))) && listed.contains(&(Some(w.member_b.id), Some("in_progress"), Some(0))),
            "each with its own progress notes: {listed:?}");
        let mine: Value = app.get_as(&w.member_a, "/api/v1/me/commitments").await.json().await.expect("json");
        assert_eq!(mine[0]["updates"][0]["note"], "三月已下沉");
    }
}
