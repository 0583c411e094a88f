//! The preview reaches each member through the first channel that can: the mini-program's
//! subscribe message with consent, else the official account's template message to a
//! follower, else nobody (and the secretary tells them in person). One report shows which.
use std::time::Duration;

use chrono::TimeZone;

use api_tests::{Someone, TestApp, World, error_code, month_from_now, on_both_stores};
use huodongri::{
    entities::{audit_log, oa_follower},
    scheduler::run_due,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

const PREVIEW: &str = "TPL_ACTIVITY_PREVIEW";
const OA_PREVIEW: &str = "OA_TPL_ACTIVITY_PREVIEW";
const SUBSCRIBE_SEND: &str = "/cgi-bin/message/subscribe/send";
const TEMPLATE_SEND: &str = "/cgi-bin/message/template/send";

/// The member tapped "subscribe" for the preview, at WeChat and in the mini-program.
async fn consent(app: &TestApp, who: &Someone, openid: &str) {
    app.wechat.accept(openid, PREVIEW);
    let response = app
        .post_as(
            who,
            "/api/v1/subscriptions",
            &json!({"results": {PREVIEW: "accept"}}),
        )
        .await;
    assert_eq!(response.status().as_u16(), 204);
}

async fn publish(app: &TestApp, w: &World) -> i64 {
    let body = json!({"month": month_from_now(2), "theme": "重温入党誓词", "category": "政治生日",
                      "start_time": "14:30", "end_time": "16:00", "place": "党群服务中心", "organiser": "甲书记"});
    let id = app.draft_plan(w, &body).await;
    app.file_plan(w, id).await;
    app.publish_plan(w, id).await;
    id
}

async fn settled(app: &TestApp, who: &Someone, id: i64) -> Value {
    app.settled_deliveries(who, id).await
}

fn row<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["people"]
        .as_array()
        .expect("people")
        .iter()
        .find(|r| r["name"] == name)
        .expect("a row for the person")
}

fn preview_totals(report: &Value) -> &Value {
    report["totals"]
        .as_array()
        .expect("totals")
        .iter()
        .find(|t| t["kind"] == "preview")
        .expect("preview totals")
}

on_both_stores! {
    async fn each_member_gets_the_preview_once_through_the_first_channel_that_reaches_them(app) {
        let w = app.world().await;
        // 甲书记 subscribed; 甲党员 never did but follows the account; 审核员 has no WeChat.
        app.bind_wechat(&w.secretary_a, "o-sec").await;
        consent(&app, &w.secretary_a, "o-sec").await;
        app.bind_wechat(&w.member_a, "o-mem").await;
        let member_oa = app.follow_official_account("o-mem").await;

        let id = publish(&app, &w).await;
        let report = settled(&app, &w.secretary_a, id).await;
        assert_eq!((row(&report, "甲书记")["channel"].as_str(), row(&report, "甲书记")["status"].as_str()), (Some("subscribe"), Some("sent")));
        assert_eq!((row(&report, "甲党员")["channel"].as_str(), row(&report, "甲党员")["status"].as_str()), (Some("official_account"), Some("sent")));
        assert_eq!(row(&report, "审核员")["status"], "no_wechat");
        assert!(row(&report, "审核员")["channel"].is_null());
        let totals = preview_totals(&report);
        assert_eq!((totals["subscribe"].as_u64(), totals["official_account"].as_u64(), totals["unreached"].as_u64()), (Some(1), Some(1), Some(1)));

        // Exactly one message each, through exactly one channel.
        assert_eq!(app.wechat.delivered_to("o-sec").len(), 1);
        assert!(app.wechat.delivered_to("o-mem").is_empty());
        let card = app.wechat.oa_delivered_to(&member_oa);
        assert_eq!(card.len(), 1);
        assert_eq!(card[0].template_id, OA_PREVIEW);
        assert_eq!(card[0].data["thing2"], "重温入党誓词", "the theme, in the account's own key");
        assert!(card[0].data["time3"].contains("14:30"));
        let jump = card[0].miniprogram.as_ref().expect("opens the mini-program");
        assert_eq!(jump.appid, app.wechat.appid());
        assert_eq!(jump.pagepath.as_deref(), Some(format!("pages/index/index?plan={id}").as_str()), "lands where they can check in");
        assert!(app.wechat.oa_delivered().iter().all(|m| m.oa_openid == member_oa), "the subscriber got no card");

        // The secretary manages the branch and sees phones whole; the committee's reviewer does not.
        assert_eq!(row(&report, "甲党员")["phone"], "13700000005");
        let seen_above = settled(&app, &w.reviewer, id).await;
        assert_eq!(row(&seen_above, "甲党员")["phone"], "137****0005");
    }

    async fn an_organisation_may_put_the_official_account_first_and_its_branches_inherit_it(app) {
        let w = app.world().await;
        let path = |org: i64| format!("/api/v1/orgs/{org}/notification-channels");
        let before: Value = app.get_as(&w.secretary_a, &path(w.branch_a)).await.json().await.expect("json");
        assert_eq!(before["source"], "deployment");
        assert_eq!(before["order"], json!(["subscribe", "official_account"]));

        // Bad orders, wrong people, missing organisations.
        let twice = app.put_as(&w.admin, &path(w.committee), &json!({"order": ["subscribe", "subscribe"]})).await;
        assert_eq!(error_code(twice).await, "delivery.invalid_input");
        let by_hand = app.put_as(&w.admin, &path(w.committee), &json!({"order": ["in_person"]})).await;
        assert_eq!(error_code(by_hand).await, "delivery.invalid_input");
        let none = app.put_as(&w.admin, &path(w.committee), &json!({"order": []})).await;
        assert_eq!(error_code(none).await, "delivery.invalid_input");
        let fax = app.put_as(&w.admin, &path(w.committee), &json!({"order": ["fax"]})).await;
        assert_eq!(fax.status().as_u16(), 400);
        let secretary = app.put_as(&w.secretary_a, &path(w.branch_a), &json!({"order": ["official_account"]})).await;
        assert_eq!(error_code(secretary).await, "auth.forbidden", "only organisation administrators");
        let missing = app.put_as(&w.admin, &path(999_999), &json!({"order": ["official_account"]})).await;
        assert_eq!(error_code(missing).await, "org.not_found");

        let set = app.put_as(&w.admin, &path(w.committee), &json!({"order": ["official_account", "subscribe"]})).await;
        assert_eq!(set.status().as_u16(), 200);
        let inherited: Value = app.get_as(&w.secretary_a, &path(w.branch_a)).await.json().await.expect("json");
        assert_eq!((inherited["source"].as_str(), inherited["from_org_id"].as_i64()), (Some("inherited"), Some(w.committee)));
        let audited = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("org.notification_channels"))
            .all(&app.db).await.expect("read");
        assert_eq!(audited.len(), 1);

        // A member who both subscribed and follows is reached by the account, and keeps the
        // consent for another time.
        app.bind_wechat(&w.member_a, "o-mem").await;
        consent(&app, &w.member_a, "o-mem").await;
        let member_oa = app.follow_official_account("o-mem").await;
        let id = publish(&app, &w).await;
        let report = settled(&app, &w.secretary_a, id).await;
        assert_eq!(row(&report, "甲党员")["channel"], "official_account");
        assert_eq!(app.wechat.oa_delivered_to(&member_oa).len(), 1);
        assert!(app.wechat.delivered_to("o-mem").is_empty());
        let templates: Value = app.get_as(&w.member_a, "/api/v1/notifications/templates").await.json().await.expect("json");
        let preview = templates["templates"].as_array().expect("templates").iter().find(|t| t["kind"] == "preview").expect("preview");
        assert_eq!(preview["remaining"], 1, "the unused consent is still there");

        // Cleared, the branch is back on the deployment's order.
        assert_eq!(app.put_as(&w.admin, &path(w.committee), &json!({"order": null})).await.status().as_u16(), 200);
        let cleared: Value = app.get_as(&w.secretary_a, &path(w.branch_a)).await.json().await.expect("json");
        assert_eq!(cleared["source"], "deployment");
    }

    async fn someone_who_unfollowed_a_second_ago_is_recorded_and_not_retried(app) {
        let w = app.world().await;
        let path = format!("/api/v1/orgs/{}/notification-channels", w.branch_a);
        assert_eq!(app.put_as(&w.admin, &path, &json!({"order": ["official_account", "subscribe"]})).await.status().as_u16(), 200);
        // Both followed; both left the account before WeChat's push reached the server.
        app.bind_wechat(&w.member_a, "o-mem").await;
        let member_oa = app.follow_official_account("o-mem").await;
        app.bind_wechat(&w.secretary_a, "o-sec").await;
        consent(&app, &w.secretary_a, "o-sec").await;
        let secretary_oa = app.follow_official_account("o-sec").await;
        app.wechat.unfollow(&member_oa);
        app.wechat.unfollow(&secretary_oa);

        let id = publish(&app, &w).await;
        let report = settled(&app, &w.secretary_a, id).await;
        let member = row(&report, "甲党员");
        assert_eq!(member["status"], "not_following");
        assert!(member["last_error"].as_str().expect("why").starts_with("43004"));
        // The secretary had consent: the next channel in the order took over.
        assert_eq!((row(&report, "甲书记")["channel"].as_str(), row(&report, "甲书记")["status"].as_str()), (Some("subscribe"), Some("sent")));
        assert_eq!(app.wechat.delivered_to("o-sec").len(), 1);
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(app.wechat.requests_to(TEMPLATE_SEND).len(), 2, "43004 is an outcome, not retried");
        let gone = oa_follower::Entity::find_by_id(member_oa).one(&app.db).await.expect("read").expect("kept");
        assert!(!gone.following, "no longer a target");
    }

    async fn a_plan_nobody_can_reach_lists_everyone_for_the_secretary_to_tell_in_person(app) {
        let w = app.world().await;
        app.bind_wechat(&w.member_a, "o-mem").await; // bound, never subscribed, does not follow
        app.bind_wechat(&w.secretary_a, "o-sec").await;
        consent(&app, &w.secretary_a, "o-sec").await;
        let id = publish(&app, &w).await;
        let report = settled(&app, &w.secretary_a, id).await;
        assert_eq!(row(&report, "甲党员")["status"], "no_consent");
        assert!(row(&report, "甲党员")["last_error"].as_str().expect("why").contains("not following"));
        assert_eq!(app.wechat.requests_to(TEMPLATE_SEND).len(), 0, "nothing sent to people who cannot get it");
        let unreached_before = preview_totals(&report)["unreached"].as_u64().expect("count");

        // The workbook: who to phone, with phones as the caller may see them.
        let sheet = |bytes: Vec<u8>| {
            use calamine::Reader;
            let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).expect("a workbook");
            let range = book.worksheet_range("未送达名单").expect("the sheet");
            range.rows().map(|r| r.iter().map(ToString::to_string).collect::<Vec<_>>()).collect::<Vec<_>>()
        };
        let xlsx = format!("/api/v1/plans/{id}/deliveries/unreached.xlsx");
        let own = sheet(app.get_as(&w.secretary_a, &xlsx).await.bytes().await.expect("bytes").to_vec());
        assert_eq!(own[0][..3], ["姓名", "所在组织", "手机号"]);
        let member_line = own.iter().find(|r| r[0] == "甲党员").expect("listed");
        assert_eq!((member_line[1].as_str(), member_line[2].as_str()), ("甲支部", "13700000005"));
        assert!(own.iter().all(|r| r[0] != "甲书记"), "the reached are not listed");
        let above = sheet(app.get_as(&w.reviewer, &xlsx).await.bytes().await.expect("bytes").to_vec());
        assert_eq!(above.iter().find(|r| r[0] == "甲党员").expect("listed")[2], "137****0005");
        assert_eq!(error_code(app.get_as(&w.member_a, &xlsx).await).await, "auth.forbidden");

        // Told in person: counted as delivered, audited, once.
        let told = format!("/api/v1/plans/{id}/deliveries/{}/told-in-person", w.member_a.id);
        assert_eq!(error_code(app.post_as(&w.member_a, &told, &json!({})).await).await, "auth.forbidden");
        assert_eq!(error_code(app.post_as(&w.reviewer, &told, &json!({})).await).await, "auth.forbidden", "the branch's secretary tells, not the reviewer");
        let marked = app.post_as(&w.secretary_a, &told, &json!({})).await;
        assert_eq!(marked.status().as_u16(), 200);
        let marked: Value = marked.json().await.expect("json");
        assert_eq!((marked["status"].as_str(), marked["channel"].as_str()), (Some("told_in_person"), Some("in_person")));
        assert_eq!(error_code(app.post_as(&w.secretary_a, &told, &json!({})).await).await, "delivery.already_reached");
        let sent = format!("/api/v1/plans/{id}/deliveries/{}/told-in-person", w.secretary_a.id);
        assert_eq!(error_code(app.post_as(&w.secretary_a, &sent, &json!({})).await).await, "delivery.already_reached");
        let stranger = format!("/api/v1/plans/{id}/deliveries/{}/told-in-person", w.member_c.id);
        assert_eq!(error_code(app.post_as(&w.secretary_a, &stranger, &json!({})).await).await, "delivery.not_found");
        let no_plan = format!("/api/v1/plans/999999/deliveries/{}/told-in-person", w.member_a.id);
        assert_eq!(error_code(app.post_as(&w.secretary_a, &no_plan, &json!({})).await).await, "plan.not_found");
        let after = settled(&app, &w.secretary_a, id).await;
        let totals = preview_totals(&after);
        assert_eq!(totals["in_person"], 1);
        assert_eq!(totals["unreached"].as_u64(), Some(unreached_before - 1));
        let audited = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("delivery.told_in_person"))
            .all(&app.db).await.expect("read");
        assert_eq!(audited.len(), 1);
        assert_eq!(audited[0].actor_person_id, Some(w.secretary_a.id));
        let listed = sheet(app.get_as(&w.secretary_a, &xlsx).await.bytes().await.expect("bytes").to_vec());
        assert!(listed.iter().all(|r| r[0] != "甲党员"), "told, so no longer on the list");
    }

    async fn reminders_take_the_same_channels(app) {
        let w = app.world().await;
        let month = month_from_now(2);
        app.ensure_calendar_year(&w.admin, &month[..4]).await;
        // The secretary never allowed the mini-program's reminders but follows the account.
        app.bind_wechat(&w.secretary_a, "o-sec").await;
        let secretary_oa = app.follow_official_account("o-sec").await;
        let (year, m) = month.split_once('-').expect("a month");
        let fifth = huodongri::clock::shanghai()
            .with_ymd_and_hms(year.parse().expect("year"), m.parse().expect("month"), 5, 9, 1, 0)
            .single()
            .expect("a time");
        let ran = run_due(&app.db, fifth, &app.settings).await.expect("runs");
        assert!(ran.contains(&format!("remind_submit:{month}")), "{ran:?}");
        let mut cards = Vec::new();
        for _ in 0..100 {
            cards = app.wechat.oa_delivered_to(&secretary_oa);
            if !cards.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(cards.len(), 1);
        assert_eq!(cards[0].template_id, "OA_TPL_ACTIVITY_REMINDER");
        assert!(cards[0].data["thing1"].contains("提交"), "{:?}", cards[0].data);
        assert!(app.wechat.requests_to(SUBSCRIBE_SEND).is_empty());
    }
}
