//! Push one preview to many people through the WeChat fake and measure the drain; then do it
//! again and `kill -9` the server mid-drain, restart it, and count what each person got, on
//! each channel.
//!
//! cargo build --release -p huodongri
//! cargo run --release -p api-tests --example push_bench -- [--people 20000] [--delay-ms 5] [--kill-at 0.3] [--followers 0.5]
//!
//! `--followers F`: that share of the people never subscribed in the mini-program but follow
//! the official account (matched by unionid), so their preview goes out as the account's
//! template message; the rest subscribed. 0 is the subscribe-only run of earlier figures.
//!
//! The server runs as a child process (so it can be killed) on the embedded SQLite store,
//! or on PostgreSQL when BENCH_DATABASE_URL is set. The fake runs in this process.
use std::{
    collections::HashMap,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use api_tests::load;
use huodongri::{
    auth::TokenIssuer,
    config::{Environment, Settings},
    db,
    entities::{person, push_outbox},
    secrets::Secrets,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

const TEMPLATE: &str = "TPL_ACTIVITY_PREVIEW";
const SEND: &str = "/cgi-bin/message/subscribe/send";
const OA_SEND: &str = "/cgi-bin/message/template/send";
const OA_TEMPLATE: &str = "OA_TPL_ACTIVITY_PREVIEW";
const PUBLISH: &[&str] = &["submit", "approve", "publish"];

struct Args {
    people: usize,
    delay_ms: u64,
    kill_at: f64,
    followers: f64,
    bin: String,
}

fn args() -> Args {
    let mut out = Args {
        people: 20_000,
        delay_ms: 5,
        kill_at: 0.3,
        followers: 0.5,
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
            "--followers" => out.followers = value.parse().expect("--followers 0.0-1.0"),
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
        .arg("--config")
        .arg(settings.application.data_dir.join("bench.yaml"))
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
        .env("APP_WECHAT__OA_APPID", fake.oa_appid())
        .env("APP_WECHAT__OA_APP_SECRET", fake.oa_secret())
        .env("APP_WECHAT__OA_EVENT_TOKEN", "bench-oa-push-token")
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

/// The account's stand-in for the preview, as `wechat.oa_templates` in a config file.
fn write_config(settings: &Settings) {
    std::fs::create_dir_all(&settings.application.data_dir).expect("data dir");
    std::fs::write(
        settings.application.data_dir.join("bench.yaml"),
        format!(
            "wechat:\n  oa_templates:\n    - stands_for: \"{TEMPLATE}\"\n      template_id: \"{OA_TEMPLATE}\"\n      keys: {{ thing2: \"thing1\", time3: \"date2\" }}\n"
        ),
    )
    .expect("config file");
}

/// One branch of `people`; every other one (as `followers` says) follows the official
/// account and never subscribed, the rest subscribed for two previews.
async fn seed(
    db: &DatabaseConnection,
    fake: &wechat_fake::FakeWechat,
    people: usize,
    followers: f64,
) -> i64 {
    let branch = load::seed_branch(db, people, Some("o-bench-"))
        .await
        .expect("people");
    let every = if followers > 0.0 {
        (1.0 / followers).round().max(1.0) as usize
    } else {
        usize::MAX
    };
    let follows = |n: usize| every != usize::MAX && n % every == every - 1;
    let (mut following, mut subscribing) = (Vec::new(), Vec::new());
    for (n, id) in branch.people.iter().copied().enumerate() {
        if follows(n) {
            following.push(id);
        } else {
            subscribing.push(id);
        }
    }
    load::grant_consent(db, &subscribing, TEMPLATE, 2)
        .await
        .expect("quotas");
    load::follow_official_account(db, &following)
        .await
        .expect("followers");
    let openids: HashMap<i64, String> = person::Entity::find()
        .filter(person::Column::OrgId.eq(branch.branch))
        .all(db)
        .await
        .expect("people")
        .into_iter()
        .filter_map(|p| Some((p.id, p.wechat_openid?)))
        .collect();
    for id in &subscribing {
        fake.accept(&openids[id], TEMPLATE);
        fake.accept(&openids[id], TEMPLATE);
    }
    for id in &following {
        fake.follow_with_unionid(
            &format!("oOA-{}", openids[id]),
            &format!("u-{}", openids[id]),
        );
    }
    eprintln!(
        "{} subscribed, {} follow the official account only",
        subscribing.len(),
        following.len()
    );
    branch.branch
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

/// Messages per person for the plan, whatever the channel: subscribe messages by openid,
/// template messages by the account's openid (`oOA-` + the mini-program openid here).
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
    for message in fake.oa_delivered() {
        let page = message
            .miniprogram
            .as_ref()
            .and_then(|m| m.pagepath.as_deref());
        if page.is_some_and(|p| p.ends_with(&marker)) {
            let openid = message.oa_openid.trim_start_matches("oOA-").to_owned();
            *per_person.entry(openid).or_insert(0) += 1;
        }
    }
    per_person
}

/// Messages for the plan on each channel.
fn per_channel(fake: &wechat_fake::FakeWechat, plan: i64) -> (usize, usize) {
    let marker = format!("plan={plan}");
    let subscribe = fake
        .delivered()
        .iter()
        .filter(|m| m.page.as_deref().is_some_and(|p| p.ends_with(&marker)))
        .count();
    let official = fake
        .oa_delivered()
        .iter()
        .filter(|m| {
            m.miniprogram
                .as_ref()
                .and_then(|j| j.pagepath.as_deref())
                .is_some_and(|p| p.ends_with(&marker))
        })
        .count();
    (subscribe, official)
}

#[tokio::main]
async fn main() {
    let args = args();
    let fake = wechat_fake::spawn().await;
    fake.delay(SEND, Duration::from_millis(args.delay_ms));
    fake.delay(OA_SEND, Duration::from_millis(args.delay_ms));
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
    write_config(&settings);
    let started = Instant::now();
    let branch = seed(&db, &fake, args.people, args.followers).await;
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
    let first = load::plan_through(
        &client,
        &server.base,
        &token,
        branch,
        &load::month_from_today(2),
        PUBLISH,
    )
    .await;
    let drain = Instant::now();
    while open_rows(&db, first).await > 0 {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let elapsed = drain.elapsed().as_secs_f64();
    let sent = statuses(&db, first).await.get("sent").copied().unwrap_or(0);
    let per_person = delivered_for(&fake, first);
    let (by_subscribe, by_account) = per_channel(&fake, first);
    eprintln!(
        "phase 1: {sent} sent in {elapsed:.2} s = {:.0} messages/s ({by_subscribe} subscribe, {by_account} official account); fake latency {} ms; people with exactly one message: {}; with more: {}; with none: {}",
        sent as f64 / elapsed,
        args.delay_ms,
        per_person.values().filter(|n| **n == 1).count(),
        per_person.values().filter(|n| **n > 1).count(),
        args.people - per_person.len()
    );
    let first_duplicates = per_person.values().filter(|n| **n > 1).count();

    // Phase 2: kill -9 mid-drain, restart, finish.
    let second = load::plan_through(
        &client,
        &server.base,
        &token,
        branch,
        &load::month_from_today(3),
        PUBLISH,
    )
    .await;
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
    let (by_subscribe, by_account) = per_channel(&fake, second);
    let counts = statuses(&db, second).await;
    eprintln!(
        "phase 2: killed at {at_kill} delivered; after restart drained in {:.2} s (includes {} s to give up on rows in flight at the kill)",
        restarted.elapsed().as_secs_f64(),
        3
    );
    eprintln!(
        "phase 2: rows {:?}; {by_subscribe} subscribe, {by_account} official account; people with exactly one message: {}; with more than one: {}; with none: {}",
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
    assert_eq!(
        (first_duplicates, duplicates),
        (0, 0),
        "somebody got the preview twice"
    );
}
