//! The operator commands, called as the binary calls them.
use api_tests::{error_code, on_both_stores};

on_both_stores! {
    async fn the_demo_city_seeds_once_and_its_logins_work(app) {
        use sea_orm::{EntityTrait, PaginatorTrait};
        let logins = huodongri::cli::seed_demo(&app.db).await.expect("seeded");
        let people = huodongri::entities::person::Entity::find().count(&app.db).await.expect("count");
        let again = huodongri::cli::seed_demo(&app.db).await.expect("seeded twice");
        assert_eq!(huodongri::entities::person::Entity::find().count(&app.db).await.expect("count"), people, "idempotent");
        assert_eq!(logins.len(), again.len());
        assert!(people >= 200, "about 200 people, got {people}");
        // Its leaders have contact points and a half-done year; a second run adds nothing.
        let leaders = huodongri::duties::demo::seed(&app.db).await.expect("duties seeded");
        assert!(leaders >= 5, "{leaders}");
        assert_eq!(huodongri::duties::demo::seed(&app.db).await.expect("again"), 0);
        let leader = huodongri::entities::contact_point::Entity::find().one(&app.db).await.expect("read").expect("a contact point");
        let admin = logins.iter().find(|l| l.role == "org_admin").expect("an org admin");
        let admin_token = huodongri::cli::issue_token(&app.db, &app.settings, &admin.phone, huodongri::cli::parse_ttl("10m").expect("ttl")).await.expect("token");
        // The demo's visit was ten days ago: ask for that day's year.
        let year = chrono::Datelike::year(&(huodongri::clock::now().with_timezone(&huodongri::clock::shanghai()).date_naive() - chrono::Duration::days(10)));
        let progress: serde_json::Value = app.client.get(app.url(&format!("/api/v1/people/{}/duties?year={year}", leader.person_id))).bearer_auth(&admin_token).send().await.expect("sent").json().await.expect("json");
        let visits = progress["items"].as_array().expect("items").iter().find(|i| i["kind"] == "contact_visits").expect("visits");
        assert_eq!(visits["done"], 1, "{progress}");
        for role in ["secretary", "reviewer", "supervisor", "org_admin", "community_admin"] {
            assert!(logins.iter().any(|l| l.role == role), "a {role} login");
        }

        let secretary = logins.iter().find(|l| l.role == "secretary").expect("a secretary");
        let ttl = huodongri::cli::parse_ttl("10m").expect("ttl");
        let token = huodongri::cli::issue_token(&app.db, &app.settings, &secretary.phone, ttl).await.expect("token");
        let me: serde_json::Value = app.client.get(app.url("/api/v1/me")).bearer_auth(&token).send().await.expect("sent").json().await.expect("json");
        assert_eq!(me["roles"][0]["role"], "secretary");
        let branch = me["roles"][0]["org_id"].as_i64().expect("org");
        let list = app.client.get(app.url(&format!("/api/v1/orgs/{branch}/people"))).bearer_auth(&token).send().await.expect("sent");
        assert_eq!(list.status().as_u16(), 200);
        let parent = app.client.get(app.url("/api/v1/orgs/1")).bearer_auth(&token).send().await.expect("sent");
        assert_eq!(error_code(parent).await, "auth.forbidden", "a secretary cannot read the city");

        // The demo activity is open now: its organiser's QR checks in one of its members.
        let demo = huodongri::cli::seed_demo_activity(&app.db, &app.settings.checkin).await.expect("demo activity");
        let again = huodongri::cli::seed_demo_activity(&app.db, &app.settings.checkin).await.expect("twice");
        assert_eq!((again.activity_id, &again.activity_code), (demo.activity_id, &demo.activity_code), "idempotent");
        assert!(demo.participant_phones.len() >= 30);
        let organiser = huodongri::cli::issue_token(&app.db, &app.settings, &demo.organiser_phone, ttl).await.expect("token");
        let qr: serde_json::Value = app.client.get(app.url(&format!("/api/v1/activities/{}/qr", demo.activity_id))).bearer_auth(&organiser).send().await.expect("sent").json().await.expect("json");
        let token = qr["token"].as_str().expect("token");
        let member = huodongri::cli::issue_token(&app.db, &app.settings, &demo.participant_phones[5], ttl).await.expect("token");
        let answer: serde_json::Value = app.client.post(app.url("/api/v1/checkins")).bearer_auth(&member)
            .json(&serde_json::json!({"activity_code": demo.activity_code, "token": token, "nonce": "demo-nonce-0000000001"}))
            .send().await.expect("sent").json().await.expect("json");
        assert_eq!(answer["result"], "ok", "{answer}");
        assert_eq!(answer["live"]["expected"].as_u64(), Some(demo.participant_phones.len() as u64));
    }

    async fn the_first_administrator_is_created_on_the_command_line_and_audited(app) {
        huodongri::cli::create_org(&app.db, "YZ", "扬州市", "city", None).await.expect("city");
        let id = huodongri::cli::create_admin(&app.db, "13912345678", "组织部管理员", "YZ", None).await.expect("admin");
        let refused = huodongri::cli::create_admin(&app.db, "13912345678", "x", "NOPE", None).await;
        assert!(refused.is_err(), "an unknown org code is refused");
        let weak = huodongri::cli::create_admin(&app.db, "13912345679", "y", "YZ", Some("short")).await;
        assert!(weak.is_err(), "a weak password is refused");
        let token = huodongri::cli::issue_token(&app.db, &app.settings, "13912345678", std::time::Duration::from_secs(60)).await.expect("token");
        let audit: serde_json::Value = app.client.get(app.url("/api/v1/orgs/1/audit")).bearer_auth(&token).send().await.expect("sent").json().await.expect("json");
        let actions: Vec<String> = audit["items"].as_array().expect("items").iter().map(|e| format!("{} by {}", e["action"].as_str().unwrap_or(""), e["actor"].as_str().unwrap_or(""))).collect();
        assert!(actions.contains(&"admin.create by cli".to_owned()), "{actions:?}");
        assert!(actions.contains(&"admin.token by cli".to_owned()), "{actions:?}");
        assert!(actions.contains(&"org.create by cli".to_owned()), "{actions:?}");
        assert!(id > 0);
    }
}

/// Three instances started at the same moment on an empty PostgreSQL schema: one migrates,
/// the others wait for it and find nothing to do (each migration is recorded once).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_started_together_migrate_once() {
    use migrations::MigratorTrait;
    use sea_orm::ConnectionTrait;
    let fake = wechat_fake::spawn().await;
    let Some(settings) = api_tests::test_settings(api_tests::Stores::Production, &fake) else {
        return;
    };
    let mut connections = Vec::new();
    for _ in 0..3 {
        connections.push(
            huodongri::db::connect(&settings.database, &settings.application.data_dir)
                .await
                .expect("connect"),
        );
    }
    let runs = futures_util::future::join_all(connections.iter().map(huodongri::db::migrate)).await;
    let applied: Vec<usize> = runs
        .into_iter()
        .map(|r| r.expect("every instance starts"))
        .collect();
    let total = migrations::Migrator::migrations().len();
    assert_eq!(
        applied.iter().sum::<usize>(),
        total,
        "one instance applied them all: {applied:?}"
    );
    assert!(applied.contains(&total), "{applied:?}");
    let recorded = migrations::Migrator::get_applied_migrations(&connections[0])
        .await
        .expect("read");
    assert_eq!(recorded.len(), total, "each migration recorded once");
    let schema = settings.database.schema.expect("a schema");
    connections[0]
        .execute_unprepared(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
        .await
        .expect("dropped");
}
