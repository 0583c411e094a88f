//! The claim-storm benchmark (`tests/bench/claims.sh`): PEOPLE members of one community claim
//! ITEMS items of capacity CAPACITY at the same moment (person i claims item i mod ITEMS).
//! Reports claims/s and latency, then checks that exactly ITEMS × CAPACITY claims succeeded,
//! that everyone else was waitlisted, and that no item holds more than its capacity.
//!
//! It reads the same settings as the server (DATABASE_URL, APP_* variables) for provisioning
//! and verification, and talks to the server over HTTP for the claims themselves.
use std::{sync::Arc, time::Duration};

use huodongri::{
    auth::TokenIssuer,
    cli,
    config::{Environment, Settings},
    db,
    entities::{person, service_claim, service_item},
    secrets::Secrets,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Set,
};
use tokio::sync::Barrier;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let (people, items, capacity) = (
        arg("--people", 1000),
        arg("--items", 50),
        arg("--capacity", 10),
    );
    let base = std::env::var("BENCH_BASE").unwrap_or_else(|_| "http://127.0.0.1:18080".into());
    let settings = Settings::load(Environment::Local, None)?;
    let db = db::connect(&settings.database, &settings.application.data_dir).await?;
    db::migrate(&db).await?;
    cli::create_org(&db, "BENCH", "压测市", "city", None).await?;
    let community =
        cli::create_org(&db, "BENCH-SQ", "压测社区", "community", Some("BENCH")).await?;
    let now = huodongri::clock::now();
    for chunk in (0..people).collect::<Vec<_>>().chunks(500) {
        let rows = chunk.iter().map(|i| person::ActiveModel {
            name: Set(format!("居民{i}")),
            phone: Set(format!("{}", 16_000_000_000u64 + *i as u64)),
            org_id: Set(community),
            status: Set(huodongri::domain::MemberStatus::Full),
            in_service_organ: Set(false),
            exempt: Set(false),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
        person::Entity::insert_many(rows)
            .exec_without_returning(&db)
            .await?;
    }
    let ids: Vec<i64> = person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .filter(person::Column::OrgId.eq(community))
        .into_tuple()
        .all(&db)
        .await?;
    let mut item_ids = Vec::with_capacity(items);
    for n in 0..items {
        // Far apart in time, so nobody's claims clash with each other.
        let starts = now + chrono::Duration::days(2 + n as i64);
        let item = service_item::ActiveModel {
            community_id: Set(community),
            kind: Set(huodongri::domain::ItemKind::Item),
            title: Set(format!("服务项目{n}")),
            description: Set(String::new()),
            capacity: Set(capacity as i32),
            taken: Set(0),
            starts_at: Set(starts),
            ends_at: Set(starts + chrono::Duration::hours(2)),
            place: Set("社区".into()),
            skills: Set(String::new()),
            signup_opens_at: Set(now - chrono::Duration::hours(1)),
            signup_closes_at: Set(now + chrono::Duration::days(1)),
            status: Set(huodongri::domain::ItemStatus::Open),
            window_seconds: Set(30),
            created_by: Set(ids[0]),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&db)
        .await?;
        item_ids.push(item.id);
    }
    let secrets = Secrets::resolve(&settings)?;
    let issuer = TokenIssuer::new(&secrets.jwt_secret, &settings.auth);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(people)
        .timeout(Duration::from_secs(60))
        .build()?;
    // PROFILE_OUT (set by `PROFILE=1 claims.sh`): sample the whole machine during the storm
    // only, not while people and items are provisioned.
    let profiler = match std::env::var("PROFILE_OUT") {
        Ok(out) => {
            let seconds = std::env::var("PROFILE_SECONDS").unwrap_or_else(|_| "3".into());
            let child = std::process::Command::new("perf")
                .args([
                    "record",
                    "-q",
                    "-a",
                    "-g",
                    "-e",
                    "cpu-clock",
                    "-F",
                    "499",
                    "-o",
                    &out,
                ])
                .args(["--", "sleep", &seconds])
                .stderr(std::process::Stdio::null())
                .spawn()?;
            tokio::time::sleep(Duration::from_millis(300)).await;
            Some(child)
        }
        Err(_) => None,
    };
    let barrier = Arc::new(Barrier::new(ids.len()));
    let mut tasks = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        let token = issuer.issue_access_for(*id, Duration::from_secs(3600))?;
        let url = format!("{base}/api/v1/service-items/{}/claims", item_ids[i % items]);
        let (client, barrier) = (client.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let started = std::time::Instant::now();
            let answer: serde_json::Value = client
                .post(&url)
                .bearer_auth(token)
                .json(&serde_json::json!({}))
                .send()
                .await?
                .json()
                .await?;
            Ok::<_, anyhow::Error>((
                answer["result"].as_str().unwrap_or("error").to_owned(),
                started.elapsed(),
            ))
        }));
    }
    let started = std::time::Instant::now();
    let mut results = std::collections::BTreeMap::new();
    let mut latencies = Vec::with_capacity(tasks.len());
    for task in tasks {
        let (result, latency) = task.await??;
        *results.entry(result).or_insert(0usize) += 1;
        latencies.push(latency);
    }
    let elapsed = started.elapsed();
    if let Some(mut profiler) = profiler {
        profiler.wait()?;
    }
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    println!(
        "{people} people, {items} items of capacity {capacity}: {:.2} s, {:.0} claims/s",
        elapsed.as_secs_f64(),
        people as f64 / elapsed.as_secs_f64()
    );
    println!(
        "latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        pct(0.5).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        pct(1.0).as_secs_f64() * 1e3
    );
    println!("results {results:?}");
    let mut over = 0;
    for item in &item_ids {
        let held = service_claim::Entity::find()
            .filter(service_claim::Column::ItemId.eq(*item))
            .filter(service_claim::Column::Status.eq("claimed"))
            .count(&db)
            .await?;
        let row = service_item::Entity::find_by_id(*item)
            .one(&db)
            .await?
            .expect("item");
        if held as usize > capacity || row.taken as usize != held as usize {
            over += 1;
        }
    }
    let claimed = service_claim::Entity::find()
        .filter(service_claim::Column::Status.eq("claimed"))
        .count(&db)
        .await?;
    let expected = (items * capacity).min(people);
    println!(
        "claimed rows {claimed} (expected {expected}); items over capacity or miscounted: {over}"
    );
    let ok = results.get("ok").copied().unwrap_or(0);
    if claimed as usize != expected || ok != expected || over != 0 {
        anyhow::bail!("the storm broke capacity or lost claims");
    }
    println!("consistent true");
    Ok(())
}
