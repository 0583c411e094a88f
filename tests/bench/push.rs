//! Push one preview to many people through the WeChat fake and measure the drain; then do it
//! again and `kill -9` the server mid-drain, restart it, and count what each person got.
//!
//! cargo build --release -p huodongri
//! cargo run --release -p api-tests --example push_bench -- [--people 20000] [--delay-ms 5] [--kill-at 0.3]
//!
//! The server runs as a child process (so it can be killed) on the embedded SQLite store,
//! or on PostgreSQL when BENCH_DATABASE_URL is set. The fake runs in this process.
use std::{
    collections::HashMap,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use huodongri::{
    auth::TokenIssuer,
    cli,
    config::{Environment, Settings},
    db,
    entities::{person, push_outbox, subscription_quota},
    secrets::Secrets,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{Value, json};

const TEMPLATE: &str = "TPL_ACTIVITY_PREVIEW";
const SEND: &str = "/cgi-bin/message/subscribe/send";

struct Args {
    people: usize,
    delay_ms: u64,
    kill_at: f64,
    bin: String,
}

fn args() -> Args {
    let mut out = Args {
        people: 20_000,
        delay_ms: 5,
        kill_at: 0.3,
        bin: "target/release/huodongri".into(),
    };
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < raw.len() {
        let value = raw.get(i + 1).cloned().unwrap_or_default();
        match raw[i].as_str() {
            "--people" => out.people = value.parse().expect("--people N"),
            "--delay-ms" => out.delay_ms = value.parse().expect("--delay-ms N"),
            "--kill-at" => out.kill_at = value.parse().expect("--kill-at 0.0-1.0"),
            "--bin" => out.bin = value,
            other => panic!("unknown argument {other}; see the header of bench/push.rs"),
        }
        i += 2;
    }
    out
}

struct Server {
    child: Child,
    base: String,
}

fn start_server(
    bin: &str,
    settings: &Settings,
    fake: &wechat_fake::FakeWechat,
    port: u16,
) -> Server {
    let mut command = Command::new(bin);
    command
        .args([
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(&settings.application.data_dir)
        .env("RUST_LOG", "warn")
        .env("APP_WECHAT__BASE_URL", fake.uri())
        .env("APP_WECHAT__APPID", fake.appid())
        .env("APP_WECHAT__APP_SECRET", fake.secret())
        .env("APP_PUSH__STUCK_AFTER_SECS", "3")
        .env("APP_PUSH__IDLE_POLL_MS", "200")
        .stdout(if std::env::var("BENCH_VERBOSE").is_ok() {
            Stdio::inherit()
        } else {
            Stdio::null()
        });
    if let Ok(url) = std::env::var("BENCH_DATABASE_URL") {
        command.env("DATABASE_URL", url);
        command.env(
            "APP_DATABASE__SCHEMA",
            settings.database.schema.clone().unwrap_or_default(),
        );
    }
    let child = command.spawn().unwrap_or_else(|e| {
        panic!("cannot start {bin} ({e}); build it with cargo build --release -p huodongri")
    });
    Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    }
}

async fn wait_ready(client: &reqwest::Client, base: &str) {
    for _ in 0..200 {
        if client
            .get(format!("{base}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not become ready");
}

async fn seed(db: &DatabaseConnection, fake: &wechat_fake::FakeWechat, people: usize) -> i64 {
    cli::create_org(db, "BENCH", "压测市", "city", None)
        .await
        .expect("city");
    cli::create_org(db, "BENCH-C", "压测党委", "committee", Some("BENCH"))
        .await
        .expect("committee");
    let branch = cli::create_org(db, "BENCH-C-1", "压测支部", "branch", Some("BENCH-C"))
        .await
        .expect("branch");
    cli::create_admin(db, "13300000000", "压测管理员", "BENCH", None)
        .await
        .expect("admin");
    let now = huodongri::clock::now();
    for chunk in (0..people).collect::<Vec<_>>().chunks(500) {
        let rows = chunk.iter().map(|i| person::ActiveModel {
            name: Set(format!("党员{i}")),
            phone: Set(format!("{}", 15_000_000_000u64 + *i as u64)),
            org_id: Set(branch),
            status: Set(huodongri::domain::MemberStatus::Full),
            join_date: Set(None),
            party_post: Set(None),
            leader_level: Set(None),
            deputy_level: Set(None),
            work_unit: Set(None),
            in_service_organ: Set(false),
            exempt: Set(false),
            exempt_reason: Set(None),
            active: Set(true),
            wechat_openid: Set(Some(format!("o-bench-{i}"))),
            wechat_unionid: Set(None),
            password_hash: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
        person::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await
            .expect("people");
    }
    let ids: Vec<(i64, String)> = person::Entity::find()
        .filter(person::Column::OrgId.eq(branch))
        .all(db)
        .await
        .expect("ids")
        .into_iter()
        .map(|p| (p.id, p.wechat_openid.unwrap_or_default()))
        .collect();
    for chunk in ids.chunks(500) {
        let rows = chunk.iter().map(|(id, _)| subscription_quota::ActiveModel {
            person_id: Set(*id),
            template_id: Set(TEMPLATE.into()),
            remaining: Set(2),
            long_term: Set(false),
            updated_at: Set(now),
        });
        subscription_quota::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await
            .expect("quotas");
    }
    for (_, openid) in &ids {
        fake.accept(openid, TEMPLATE);
        fake.accept(openid, TEMPLATE);
    }
    branch
}

fn month(offset: i32) -> String {
    use chrono::Datelike;
    let today = huodongri::clock::now()
        .with_timezone(&huodongri::clock::shanghai())
        .date_naive();
    let index = today.year() * 12 + today.month0() as i32 + offset;
    format!("{}-{:02}", index.div_euclid(12), index.rem_euclid(12) + 1)
}

/// Drafts, submits, approves and publishes (the admin acts for the branch); returns the id.
async fn publish(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    branch: i64,
    month: &str,
) -> i64 {
    let year = &month[..4];
    let calendar = client
        .get(format!("{base}/api/v1/calendar/{year}"))
        .send()
        .await
        .expect("calendar");
    if calendar.status().as_u16() == 404 {
        let minimal = json!({"holidays": [[format!("{year}-01-01"), "元旦"]], "workdays": []});
        client
            .put(format!("{base}/api/v1/calendar/{year}"))
            .bearer_auth(token)
            .json(&minimal)
            .send()
            .await
            .expect("load year");
    }
    let body = json!({"month": month, "theme": "压测预告", "category": "党课", "start_time": "09:00",
                      "end_time": "10:00", "place": "会议室", "organiser": "管理员"});
    let created: Value = client
        .post(format!("{base}/api/v1/orgs/{branch}/plans"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("create")
        .json()
        .await
        .expect("json");
    let id = created["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("plan not created: {created}"));
    for step in ["submit", "approve", "publish"] {
        let response = client
            .post(format!("{base}/api/v1/plans/{id}/{step}"))
            .bearer_auth(token)
            .json(&json!({}))
            .send()
            .await
            .expect(step);
        assert!(
            response.status().is_success(),
            "{step}: {}",
            response.text().await.unwrap_or_default()
        );
    }
    id
}

async fn open_rows(db: &DatabaseConnection, plan: i64) -> u64 {
    push_outbox::Entity::find()
        .filter(push_outbox::Column::PlanId.eq(plan))
        .filter(push_outbox::Column::Status.is_in(["pending", "sending"]))
        .count(db)
        .await
        .expect("count")
}

async fn statuses(db: &DatabaseConnection, plan: i64) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for row in push_outbox::Entity::find()
        .filter(push_outbox::Column::PlanId.eq(plan))
        .all(db)
        .await
        .expect("rows")
    {
        *out.entry(row.status.as_str().to_owned()).or_insert(0) += 1;
    }
    out
}

fn delivered_for(fake: &wechat_fake::FakeWechat, plan: i64) -> HashMap<String, usize> {
    let marker = format!("plan={plan}");
    let mut per_person = HashMap::new();
    for message in fake.delivered() {
        if message
            .page
            .as_deref()
            .is_some_and(|p| p.ends_with(&marker))
        {
            *per_person.entry(message.openid).or_insert(0) += 1;
        }
    }
    per_person
}

#[tokio::main]
async fn main() {
    let args = args();
    let fake = wechat_fake::spawn().await;
    fake.delay(SEND, Duration::from_millis(args.delay_ms));
    let mut settings = Settings::load(Environment::Local, None).expect("settings");
    settings.application.data_dir =
        std::env::temp_dir().join(format!("hdr-bench-{}", uuid::Uuid::new_v4().simple()));
    if let Ok(url) = std::env::var("BENCH_DATABASE_URL") {
        settings.database.url = Some(secrecy::SecretString::from(url));
        settings.database.schema = Some(format!("bench_{}", uuid::Uuid::new_v4().simple()));
    }
    let db = db::connect(&settings.database, &settings.application.data_dir)
        .await
        .expect("db");
    db::migrate(&db).await.expect("migrate");
    let started = Instant::now();
    let branch = seed(&db, &fake, args.people).await;
    eprintln!(
        "seeded {} people in {:.1} s ({})",
        args.people,
        started.elapsed().as_secs_f64(),
        db::kind(&db)
    );
    let secrets = Secrets::resolve(&settings).expect("secrets");
    let admin = huodongri::people::find_by_phone(&db, "13300000000")
        .await
        .expect("admin")
        .expect("admin");
    let token = TokenIssuer::new(&secrets.jwt_secret, &settings.auth)
        .issue_access_for(admin.id, Duration::from_secs(3600))
        .expect("token");
    let client = reqwest::Client::new();
    let port = 18_600 + (std::process::id() % 1000) as u16;

    // Phase 1: an undisturbed drain.
    let mut server = start_server(&args.bin, &settings, &fake, port);
    wait_ready(&client, &server.base).await;
    let first = publish(&client, &server.base, &token, branch, &month(2)).await;
    let drain = Instant::now();
    while open_rows(&db, first).await > 0 {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let elapsed = drain.elapsed().as_secs_f64();
    let sent = statuses(&db, first).await.get("sent").copied().unwrap_or(0);
    let per_person = delivered_for(&fake, first);
    eprintln!(
        "phase 1: {sent} sent in {elapsed:.2} s = {:.0} messages/s; fake latency {} ms; people with exactly one message: {}; with more: {}",
        sent as f64 / elapsed,
        args.delay_ms,
        per_person.values().filter(|n| **n == 1).count(),
        per_person.values().filter(|n| **n > 1).count()
    );

    // Phase 2: kill -9 mid-drain, restart, finish.
    let second = publish(&client, &server.base, &token, branch, &month(3)).await;
    let target = (args.people as f64 * args.kill_at) as usize;
    while delivered_for(&fake, second).len() < target {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.child.kill().expect("kill -9"); // SIGKILL: no chance to clean up
    let _ = server.child.wait();
    let at_kill = delivered_for(&fake, second).len();
    let restarted = Instant::now();
    server = start_server(&args.bin, &settings, &fake, port);
    wait_ready(&client, &server.base).await;
    while open_rows(&db, second).await > 0 {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let per_person = delivered_for(&fake, second);
    let counts = statuses(&db, second).await;
    eprintln!(
        "phase 2: killed at {at_kill} delivered; after restart drained in {:.2} s (includes {} s to give up on rows in flight at the kill)",
        restarted.elapsed().as_secs_f64(),
        3
    );
    eprintln!(
        "phase 2: rows {:?}; people with exactly one message: {}; with more than one: {}; with none: {}",
        counts,
        per_person.values().filter(|n| **n == 1).count(),
        per_person.values().filter(|n| **n > 1).count(),
        args.people - per_person.len()
    );
    let _ = server.child.kill();
    let _ = server.child.wait();
    let _ = std::fs::remove_dir_all(&settings.application.data_dir);
    if let Some(schema) = &settings.database.schema {
        use sea_orm::ConnectionTrait;
        let _ = db
            .execute_unprepared(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
            .await;
    }
    let duplicates = per_person.values().filter(|n| **n > 1).count();
    assert_eq!(duplicates, 0, "somebody got the preview twice");
}
