//! The official account's followers: WeChat's signed pushes keep them current, a follow is
//! joined to the member by the unionid from `user/info`, and a member's login records their
//! unionid. Pushes with a wrong signature, an old timestamp or a hostile body are refused.
use api_tests::{OA_EVENT_TOKEN, TestApp, error_code, on_both_stores};
use huodongri::{clock, entities::oa_follower, entities::person};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::json;
use wechat_fake::{OaEvent, signed_event};

const EVENTS: &str = "/api/v1/wechat/official-account/events";

async fn push(app: &TestApp, query: &str, body: &str) -> reqwest::Response {
    app.client
        .post(format!("{}?{query}", app.url(EVENTS)))
        .header("Content-Type", "text/xml")
        .body(body.to_owned())
        .send()
        .await
        .expect("push")
}

async fn event(app: &TestApp, oa_openid: &str, what: OaEvent, at: i64) -> reqwest::Response {
    let signed = signed_event(OA_EVENT_TOKEN, "gh_test", oa_openid, what, at);
    push(app, &signed.query, &signed.body).await
}

async fn follower(app: &TestApp, oa_openid: &str) -> Option<oa_follower::Model> {
    oa_follower::Entity::find_by_id(oa_openid.to_owned())
        .one(&app.db)
        .await
        .expect("read")
}

on_both_stores! {
    async fn follows_and_unfollows_keep_the_followers_current_and_joined_by_unionid(app) {
        let now = clock::now().timestamp();
        app.wechat.follow_with_unionid("oOA-member-a", "u-member-a");
        let answer = event(&app, "oOA-member-a", OaEvent::Subscribe, now).await;
        assert_eq!(answer.status().as_u16(), 200);
        assert_eq!(answer.text().await.expect("text"), "success", "what WeChat expects");
        let joined = follower(&app, "oOA-member-a").await.expect("recorded");
        assert!(joined.following);
        assert_eq!(joined.unionid.as_deref(), Some("u-member-a"), "asked of user/info");

        // WeChat repeats a push it got no answer to: nothing changes.
        assert_eq!(event(&app, "oOA-member-a", OaEvent::Subscribe, now).await.status().as_u16(), 200);
        assert_eq!(follower(&app, "oOA-member-a").await, Some(joined.clone()));

        app.wechat.unfollow("oOA-member-a");
        assert_eq!(event(&app, "oOA-member-a", OaEvent::Unsubscribe, now + 1).await.status().as_u16(), 200);
        let left = follower(&app, "oOA-member-a").await.expect("kept");
        assert!(!left.following, "no longer a target");
        assert_eq!(left.unionid.as_deref(), Some("u-member-a"), "still known for a return");

        // A late retry of the older follow does not undo the newer unfollow.
        assert_eq!(event(&app, "oOA-member-a", OaEvent::Subscribe, now - 1).await.status().as_u16(), 200);
        assert!(!follower(&app, "oOA-member-a").await.expect("kept").following);
    }

    async fn pushes_that_are_not_wechats_are_refused(app) {
        let now = clock::now().timestamp();
        app.wechat.follow_with_unionid("oOA-x", "u-x");
        let forged = signed_event("not-our-token", "gh_test", "oOA-x", OaEvent::Subscribe, now);
        let refused = push(&app, &forged.query, &forged.body).await;
        assert_eq!(refused.status().as_u16(), 403);
        assert_eq!(error_code(refused).await, "official.bad_signature");

        let replayed = event(&app, "oOA-x", OaEvent::Subscribe, now - 3600).await;
        assert_eq!(replayed.status().as_u16(), 403);
        assert_eq!(error_code(replayed).await, "official.stale_push");

        let unsigned = push(&app, "timestamp=1&nonce=2", "<xml/>").await;
        assert_eq!(unsigned.status().as_u16(), 400, "the signature is required");

        let signed = signed_event(OA_EVENT_TOKEN, "gh_test", "oOA-x", OaEvent::Subscribe, now);
        let entity = format!("<!DOCTYPE xml [<!ENTITY boom \"{}\">]>{}", "x".repeat(10), signed.body);
        let hostile = push(&app, &signed.query, &entity).await;
        assert_eq!(error_code(hostile).await, "official.bad_push");
        let huge = push(&app, &signed.query, &"<xml>".repeat(4000)).await;
        assert_eq!(error_code(huge).await, "official.bad_push");
        let binary = app.client.post(format!("{}?{}", app.url(EVENTS), signed.query))
            .body(vec![0xff_u8, 0xfe, 0x00]).send().await.expect("push");
        assert_eq!(error_code(binary).await, "official.bad_push");

        // Someone WeChat does not know as a user of the account.
        let stranger = event(&app, "oOA-never-seen", OaEvent::Subscribe, now).await;
        assert_eq!(error_code(stranger).await, "official.bad_push");
        assert!(follower(&app, "oOA-x").await.is_none(), "nothing was recorded");

        // WeChat checking the URL.
        let check = signed_event(OA_EVENT_TOKEN, "gh_test", "-", OaEvent::Subscribe, now);
        let echo = app.get(&format!("{EVENTS}?{}&echostr=hello123", check.query)).await;
        assert_eq!(echo.status().as_u16(), 200);
        assert_eq!(echo.text().await.expect("text"), "hello123");
        let bad = app.get(&format!("{EVENTS}?signature=00&timestamp={now}&nonce=1&echostr=x")).await;
        assert_eq!(error_code(bad).await, "official.bad_signature");
    }

    async fn a_login_records_the_unionid_and_never_shares_one(app) {
        let w = app.world().await;
        // Two members bound before the mini-program joined an open platform: no unionid yet.
        for (who, openid) in [(w.member_a.id, "o-member-a"), (w.member_b.id, "o-member-b")] {
            let mut bound = person::Entity::find_by_id(who).one(&app.db).await.expect("read").expect("person").into_active_model();
            bound.wechat_openid = Set(Some(openid.to_owned()));
            bound.update(&app.db).await.expect("bound");
        }
        let unionid_of = |who: i64| {
            let db = app.db.clone();
            async move { person::Entity::find_by_id(who).one(&db).await.expect("read").expect("person").wechat_unionid }
        };
        let code = app.wechat.mint_code_with_unionid("o-member-a", "u-shared");
        let login = app.post_json("/api/v1/auth/wechat", &json!({"code": code})).await;
        assert_eq!(login.status().as_u16(), 200);
        assert_eq!(unionid_of(w.member_a.id).await.as_deref(), Some("u-shared"));

        // WeChat naming the same unionid for another member: the login goes on, the unionid
        // stays with the first.
        let code = app.wechat.mint_code_with_unionid("o-member-b", "u-shared");
        let login = app.post_json("/api/v1/auth/wechat", &json!({"code": code})).await;
        assert_eq!(login.status().as_u16(), 200);
        assert_eq!(unionid_of(w.member_b.id).await, None);
        assert_eq!(unionid_of(w.member_a.id).await.as_deref(), Some("u-shared"));

        // Binding a new WeChat account whose unionid a member already holds is refused.
        let code = app.wechat.mint_code_with_unionid("o-newcomer", "u-shared");
        let first: serde_json::Value = app.post_json("/api/v1/auth/wechat", &json!({"code": code})).await.json().await.expect("json");
        let invite = crate::auth::invite(&app, &w.admin, w.member_c.id).await;
        let bind = app.post_json("/api/v1/auth/bind", &json!({"bind_ticket": first["bind_ticket"], "invite_code": invite})).await;
        assert_eq!(error_code(bind).await, "auth.already_bound");
        assert_eq!(unionid_of(w.member_c.id).await, None);
    }

    async fn an_operator_catches_up_with_followers_the_pushes_never_told_of(app) {
        // Two followed before the push URL was configured; one we knew has left since.
        app.wechat.follow_with_unionid("oOA-early-1", "u-early-1");
        app.wechat.follow_with_unionid("oOA-early-2", "u-early-2");
        let now = clock::now().timestamp();
        app.wechat.follow_with_unionid("oOA-known", "u-known");
        assert_eq!(event(&app, "oOA-known", OaEvent::Subscribe, now - 60).await.status().as_u16(), 200);
        app.wechat.unfollow("oOA-known"); // its push was lost

        let account = huodongri::official::OfficialAccount::from_settings(
            &app.settings.wechat,
            huodongri::cache::Cache::in_process("sync-test:"),
        )
        .expect("account");
        let report = huodongri::official::followers::sync_followers(&app.db, &account).await.expect("synced");
        assert_eq!((report.listed, report.joined, report.left), (2, 2, 1));
        let early = follower(&app, "oOA-early-1").await.expect("recorded");
        assert!(early.following);
        assert_eq!(early.unionid.as_deref(), Some("u-early-1"), "asked of user/info");
        assert!(!follower(&app, "oOA-known").await.expect("kept").following, "no longer listed");

        // Again: nothing new to ask.
        let again = huodongri::official::followers::sync_followers(&app.db, &account).await.expect("synced");
        assert_eq!((again.listed, again.joined, again.left), (2, 0, 0));
        assert_eq!(app.wechat.requests_to("/cgi-bin/user/info").len(), 3, "one user/info per newcomer, plus the push's");
    }
}
