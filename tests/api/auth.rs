use api_tests::{error_code, on_both_stores};
use serde_json::json;

pub(crate) async fn login(app: &api_tests::TestApp, openid: &str) -> serde_json::Value {
    let code = app.wechat.mint_code(openid);
    let response = app
        .post_json("/api/v1/auth/wechat", &json!({ "code": code }))
        .await;
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.expect("json")
}

pub(crate) async fn invite(
    app: &api_tests::TestApp,
    issuer: &api_tests::Someone,
    person_id: i64,
) -> String {
    let response = app
        .post_as(
            issuer,
            &format!("/api/v1/people/{person_id}/invite"),
            &json!({}),
        )
        .await;
    assert_eq!(response.status().as_u16(), 201);
    let body: serde_json::Value = response.json().await.expect("json");
    assert!(body["qr_svg"].as_str().expect("svg").starts_with("<?xml"));
    body["code"].as_str().expect("code").to_owned()
}

on_both_stores! {
    async fn an_unbound_member_binds_with_an_invite_code_then_logs_in_directly(app) {
        let world = app.world().await;
        let first = login(&app, "openid-member-a").await;
        assert_eq!(first["status"], "unbound");
        let ticket = first["bind_ticket"].as_str().expect("ticket").to_owned();

        let code = invite(&app, &world.secretary_a, world.member_a.id).await;
        let bound = app.post_json("/api/v1/auth/bind", &json!({"bind_ticket": ticket, "invite_code": code.to_lowercase()})).await;
        assert_eq!(bound.status().as_u16(), 200);
        let pair: serde_json::Value = bound.json().await.expect("json");
        assert_eq!(pair["status"], "ok");

        let me = app.client.get(app.url("/api/v1/me")).bearer_auth(pair["access_token"].as_str().expect("token")).send().await.expect("sent");
        assert_eq!(me.status().as_u16(), 200);
        let me: serde_json::Value = me.json().await.expect("json");
        assert_eq!(me["id"], world.member_a.id);

        let again = login(&app, "openid-member-a").await;
        assert_eq!(again["status"], "ok", "a bound openid logs straight in");

        // The code was single-use.
        let other = login(&app, "openid-someone-else").await;
        let reuse = app.post_json("/api/v1/auth/bind", &json!({"bind_ticket": other["bind_ticket"], "invite_code": code})).await;
        assert_eq!(reuse.status().as_u16(), 400);
        assert_eq!(error_code(reuse).await, "auth.invite_invalid");
    }

    async fn wechat_refusals_map_to_stable_codes(app) {
        let code = app.wechat.mint_code("openid-x");
        assert_eq!(app.post_json("/api/v1/auth/wechat", &json!({"code": code})).await.status().as_u16(), 200);
        let used = app.post_json("/api/v1/auth/wechat", &json!({"code": code})).await;
        assert_eq!(used.status().as_u16(), 401);
        assert_eq!(error_code(used).await, "auth.code_used");

        let unknown = app.post_json("/api/v1/auth/wechat", &json!({"code": "never-minted"})).await;
        assert_eq!(error_code(unknown).await, "auth.code_invalid");

        let stale = app.wechat.mint_code("openid-y");
        app.wechat.advance_clock(std::time::Duration::from_secs(301));
        let expired = app.post_json("/api/v1/auth/wechat", &json!({"code": stale})).await;
        assert_eq!(error_code(expired).await, "auth.code_invalid");

        // -1 is retried (twice) by the client; three in a row surface as busy.
        let code = app.wechat.mint_code("openid-z");
        app.wechat.fail_next("/sns/jscode2session", -1, 1);
        assert_eq!(app.post_json("/api/v1/auth/wechat", &json!({"code": code})).await.status().as_u16(), 200);
        let code = app.wechat.mint_code("openid-z");
        app.wechat.fail_next("/sns/jscode2session", -1, 3);
        let busy = app.post_json("/api/v1/auth/wechat", &json!({"code": code})).await;
        assert_eq!(busy.status().as_u16(), 503);
        assert_eq!(error_code(busy).await, "auth.wechat_busy");

        let bad = app.post_json("/api/v1/auth/wechat", &json!({"code": ""})).await;
        assert_eq!(error_code(bad).await, "auth.invalid_input");
    }

    async fn wrong_expired_and_repeated_invite_codes_are_refused_then_rate_limited(app) {
        let world = app.world().await;
        let ticket = login(&app, "openid-guesser").await["bind_ticket"].clone();
        let code = invite(&app, &world.secretary_a, world.member_a.id).await;

        // A newer code replaces the older one.
        let newer = invite(&app, &world.secretary_a, world.member_a.id).await;
        let old = app.post_json("/api/v1/auth/bind", &json!({"bind_ticket": ticket, "invite_code": code})).await;
        assert_eq!(error_code(old).await, "auth.invite_invalid");

        for _ in 0..3 {
            let wrong = app.post_json("/api/v1/auth/bind", &json!({"bind_ticket": ticket, "invite_code": "ZZZZZZZZ"})).await;
            assert_eq!(error_code(wrong).await, "auth.invite_invalid");
        }
        let garbage = app.post_json("/api/v1/auth/bind", &json!({"bind_ticket": ticket, "invite_code": "!"})).await;
        assert_eq!(error_code(garbage).await, "auth.invite_invalid");
        // Five failures: even the right code is now refused for this WeChat account.
        let limited = app.post_json("/api/v1/auth/bind", &json!({"bind_ticket": ticket, "invite_code": newer})).await;
        assert_eq!(limited.status().as_u16(), 429);
        assert_eq!(error_code(limited).await, "auth.too_many_attempts");

        let forged = app.post_json("/api/v1/auth/bind", &json!({"bind_ticket": "not-a-ticket", "invite_code": newer})).await;
        assert_eq!(error_code(forged).await, "auth.bind_ticket_invalid");
    }

    async fn an_expired_invite_code_is_refused(app) {
        let world = app.world().await;
        let code = invite(&app, &world.admin, world.member_b.id).await;
        use sea_orm::{EntityTrait, sea_query::Expr};
        huodongri::entities::invite_code::Entity::update_many()
            .col_expr(huodongri::entities::invite_code::Column::ExpiresAt, Expr::value(huodongri::clock::now() - std::time::Duration::from_secs(1)))
            .exec(&app.db)
            .await
            .expect("expired");
        let ticket = login(&app, "openid-late").await["bind_ticket"].clone();
        let late = app.post_json("/api/v1/auth/bind", &json!({"bind_ticket": ticket, "invite_code": code})).await;
        assert_eq!(error_code(late).await, "auth.invite_invalid");
    }

    async fn bad_access_tokens_are_refused_with_stable_codes(app) {
        let world = app.world().await;
        let me = |token: String| {
            let app = &app;
            async move { app.client.get(app.url("/api/v1/me")).bearer_auth(token).send().await.expect("sent") }
        };
        let ok = me(world.member_a.token.clone()).await;
        assert_eq!(ok.status().as_u16(), 200);

        let missing = app.get("/api/v1/me").await;
        assert_eq!(error_code(missing).await, "auth.token_missing");

        let mut tampered = world.member_a.token.clone();
        tampered.pop();
        tampered.push(if world.member_a.token.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(error_code(me(tampered).await).await, "auth.token_invalid");

        use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
        let claims = |exp: u64| URL_SAFE_NO_PAD.encode(format!(r#"{{"sub":"{}","iat":{},"exp":{exp},"jti":"t","typ":"access"}}"#, world.member_a.id, now - 10));
        let none = format!("{}.{}.", URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#), claims(now + 600));
        assert_eq!(error_code(me(none).await).await, "auth.token_invalid");

        let foreign = jsonwebtoken::encode(
            &jsonwebtoken::Header::default(),
            &json!({"sub": world.member_a.id.to_string(), "iat": now, "exp": now + 600, "jti": "f", "typ": "access"}),
            &jsonwebtoken::EncodingKey::from_secret(b"someone-else's-key-someone-else's-key"),
        ).expect("signed");
        assert_eq!(error_code(me(foreign).await).await, "auth.token_invalid");

        let secrets = huodongri::secrets::Secrets::resolve(&app.settings).expect("secrets");
        use secrecy::ExposeSecret;
        let expired = jsonwebtoken::encode(
            &jsonwebtoken::Header::default(),
            &json!({"sub": world.member_a.id.to_string(), "iat": now - 7200, "exp": now - 3600, "jti": "e", "typ": "access"}),
            &jsonwebtoken::EncodingKey::from_secret(secrets.jwt_secret.expose_secret().as_bytes()),
        ).expect("signed");
        let expired = me(expired).await;
        assert_eq!(expired.status().as_u16(), 401);
        assert_eq!(error_code(expired).await, "auth.token_expired");
    }

    async fn refresh_tokens_rotate_and_reuse_revokes_the_family(app) {
        let world = app.world().await;
        let ticket = login(&app, "openid-rotator").await["bind_ticket"].clone();
        let code = invite(&app, &world.secretary_a, world.member_a.id).await;
        let pair: serde_json::Value = app.post_json("/api/v1/auth/bind", &json!({"bind_ticket": ticket, "invite_code": code})).await.json().await.expect("json");
        let first = pair["refresh_token"].as_str().expect("refresh").to_owned();

        let rotated = app.post_json("/api/v1/auth/refresh", &json!({"refresh_token": first})).await;
        assert_eq!(rotated.status().as_u16(), 200);
        let second: serde_json::Value = rotated.json().await.expect("json");
        let second = second["refresh_token"].as_str().expect("refresh").to_owned();
        assert_ne!(first, second);

        // Presenting the rotated token again is reuse: refused, and the newer one dies too.
        let reuse = app.post_json("/api/v1/auth/refresh", &json!({"refresh_token": first})).await;
        assert_eq!(error_code(reuse).await, "auth.refresh_rejected");
        let family_gone = app.post_json("/api/v1/auth/refresh", &json!({"refresh_token": second})).await;
        assert_eq!(error_code(family_gone).await, "auth.refresh_rejected");

        // Logout revokes; an unknown token is refused.
        let fresh: serde_json::Value = app.post_json("/api/v1/auth/wechat", &json!({"code": app.wechat.mint_code("openid-rotator")})).await.json().await.expect("json");
        let token = fresh["refresh_token"].as_str().expect("refresh").to_owned();
        assert_eq!(app.post_json("/api/v1/auth/logout", &json!({"refresh_token": token})).await.status().as_u16(), 204);
        let after_logout = app.post_json("/api/v1/auth/refresh", &json!({"refresh_token": token})).await;
        assert_eq!(error_code(after_logout).await, "auth.refresh_rejected");
        let unknown = app.post_json("/api/v1/auth/refresh", &json!({"refresh_token": "nope"})).await;
        assert_eq!(error_code(unknown).await, "auth.refresh_rejected");
    }

    async fn an_expired_refresh_token_is_refused(app) {
        let world = app.world().await;
        let pair = app.token_issuer().issue_pair(&app.db, world.member_a.id).await.expect("pair");
        use sea_orm::{EntityTrait, sea_query::Expr};
        huodongri::entities::refresh_token::Entity::update_many()
            .col_expr(huodongri::entities::refresh_token::Column::ExpiresAt, Expr::value(huodongri::clock::now() - std::time::Duration::from_secs(1)))
            .exec(&app.db)
            .await
            .expect("expired");
        let refused = app.post_json("/api/v1/auth/refresh", &json!({"refresh_token": pair.refresh_token})).await;
        assert_eq!(error_code(refused).await, "auth.refresh_rejected");
    }

    async fn staff_log_in_with_a_password_and_wrong_ones_are_limited(app) {
        let world = app.world().await;
        let _ = world;
        huodongri::cli::create_admin(&app.db, "13600000001", "部长", "TS", Some("Correct horse 7")).await.expect("admin");
        let ok = app.post_json("/api/v1/auth/password", &json!({"phone": "136 0000 0001", "password": "Correct horse 7"})).await;
        assert_eq!(ok.status().as_u16(), 200);
        for _ in 0..5 {
            let wrong = app.post_json("/api/v1/auth/password", &json!({"phone": "13600000001", "password": "wrong"})).await;
            assert_eq!(error_code(wrong).await, "auth.bad_credentials");
        }
        let limited = app.post_json("/api/v1/auth/password", &json!({"phone": "13600000001", "password": "Correct horse 7"})).await;
        assert_eq!(error_code(limited).await, "auth.too_many_attempts");
        let nobody = app.post_json("/api/v1/auth/password", &json!({"phone": "13600000009", "password": "Correct horse 7"})).await;
        assert_eq!(error_code(nobody).await, "auth.bad_credentials");
    }
}

#[tokio::test]
async fn an_unreachable_wechat_is_a_503_and_the_error_never_carries_the_secret() {
    let wechat = wechat_fake::spawn().await;
    let mut settings =
        api_tests::test_settings(api_tests::Stores::Embedded, &wechat).expect("settings");
    settings.wechat.base_url = "http://127.0.0.1:1".into();
    let app = api_tests::spawn_with(api_tests::Stores::Embedded, settings, wechat).await;
    let response = app
        .post_json("/api/v1/auth/wechat", &json!({"code": "abc"}))
        .await;
    assert_eq!(response.status().as_u16(), 503);
    assert_eq!(error_code(response).await, "auth.wechat_busy");

    let client = huodongri::wechat::WechatClient::new(
        &app.settings.wechat,
        secrecy::SecretString::from("the-app-secret".to_owned()),
    )
    .expect("client");
    let err = client
        .code_to_session(&huodongri::domain::LoginCode::parse("abc").expect("code"))
        .await
        .expect_err("unreachable");
    let text = format!("{err:?} {err}");
    assert!(!text.contains("the-app-secret"), "{text}");
}
