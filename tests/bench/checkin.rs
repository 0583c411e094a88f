//! Helper of the check-in benchmark (`tests/bench/checkin.sh`, which runs `wrk`):
//!
//! * `provision --people N --out DIR`: one branch with N members, today's activity filed and
//!   open (codes valid for an hour), and DIR/requests.txt with one distinct check-in per line
//!   (access token, activity code, venue token, nonce) for the wrk script;
//! * `verify --out DIR --base URL`: after a run, compares the check-ins wrk saw answered `ok`
//!   (DIR/ok-*.txt, written by the wrk script) with the database and the live counters.
//!
//! It reads the same settings as the server (DATABASE_URL, REDIS_URL, APP_* variables), so
//! both point at the same stores and secrets.
use std::{collections::HashSet, path::PathBuf, time::Duration};

use api_tests::load;
use huodongri::{
    cache::{Cache, SetAdd},
    config::{Environment, Settings},
    db,
    entities::checkin,
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect};
use secrecy::ExposeSecret;

const WINDOW_SECONDS: i32 = 3600;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings = Settings::load(Environment::Local, None)?;
    let out = PathBuf::from(arg("--out").unwrap_or_else(|| "target/bench-checkin".into()));
    std::fs::create_dir_all(&out)?;
    match std::env::args().nth(1).as_deref() {
        Some("provision") => {
            let people: usize = arg("--people").unwrap_or_else(|| "100000".into()).parse()?;
            provision(&settings, people, &out).await
        }
        Some("verify") => {
            let base = arg("--base").unwrap_or_else(|| "http://127.0.0.1:8080".into());
            verify(&settings, &out, &base).await
        }
        _ => anyhow::bail!(
            "usage: checkin_bench provision --people N --out DIR | verify --out DIR --base URL"
        ),
    }
}

async fn provision(
    settings: &Settings,
    people: usize,
    out: &std::path::Path,
) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let db = db::connect(&settings.database, &settings.application.data_dir).await?;
    db::migrate(&db).await?;
    let branch = load::seed_branch(&db, people, None).await?;
    let activity = load::open_activity_today(&db, settings, &branch, WINDOW_SECONDS).await?;
    let ttl = Duration::from_secs(2 * 3600);
    let tokens = load::tokens_for(settings, &branch.people, ttl)?;
    let mut lines = String::with_capacity(tokens.len() * 260);
    for token in &tokens {
        let nonce = uuid::Uuid::new_v4().simple().to_string();
        lines.push_str(&format!(
            "{token} {} {} {nonce}\n",
            activity.code, activity.venue_token
        ));
    }
    std::fs::write(out.join("requests.txt"), lines)?;
    let organiser = load::tokens_for(settings, &[branch.organiser], ttl)?;
    std::fs::write(out.join("organiser.token"), &organiser[0])?;
    std::fs::write(out.join("activity.id"), activity.plan_id.to_string())?;
    eprintln!(
        "provisioned {} people and activity {} (code {}) in {:.1} s",
        tokens.len(),
        activity.plan_id,
        activity.code,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn verify(settings: &Settings, out: &std::path::Path, base: &str) -> anyhow::Result<()> {
    let db = db::connect(&settings.database, &settings.application.data_dir).await?;
    let plan_id: i64 = std::fs::read_to_string(out.join("activity.id"))?
        .trim()
        .parse()?;
    let mut answered_ok: HashSet<i64> = HashSet::new();
    let mut ok_lines = 0usize;
    for entry in std::fs::read_dir(out)? {
        let path = entry?.path();
        let is_ok_file = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("ok-"));
        if is_ok_file {
            for line in std::fs::read_to_string(&path)?.lines() {
                if let Ok(id) = line.trim().parse::<i64>() {
                    ok_lines += 1;
                    answered_ok.insert(id);
                }
            }
        }
    }
    let rows: Vec<(i64, i64)> = checkin::Entity::find()
        .select_only()
        .column(checkin::Column::Id)
        .column(checkin::Column::PersonId)
        .filter(checkin::Column::PlanId.eq(plan_id))
        .filter(checkin::Column::Present.eq(true))
        .into_tuple()
        .all(&db)
        .await?;
    let stored: HashSet<i64> = rows.iter().map(|(id, _)| *id).collect();
    let people: HashSet<i64> = rows.iter().map(|(_, person)| *person).collect();
    let lost = answered_ok.difference(&stored).count();
    let refused = checkin::Entity::find()
        .filter(checkin::Column::PlanId.eq(plan_id))
        .filter(checkin::Column::Present.eq(false))
        .count(&db)
        .await?;
    let redis = match &settings.cache.redis_url {
        Some(url) => {
            let cache = Cache::redis(
                url.expose_secret(),
                &settings.cache.key_prefix,
                Duration::from_secs(2),
            )?;
            let key = huodongri::checkin::live::set_key(
                plan_id,
                huodongri::checkin::decision::Attendance::Member,
            );
            let state = cache
                .add_to_sets(
                    &[SetAdd {
                        key: &key,
                        members: &[],
                    }],
                    "#",
                )
                .await?;
            Some(state[0])
        }
        None => None,
    };
    let organiser = std::fs::read_to_string(out.join("organiser.token"))?;
    let live: serde_json::Value = reqwest::Client::new()
        .get(format!("{base}/api/v1/activities/{plan_id}/live"))
        .bearer_auth(organiser.trim())
        .send()
        .await?
        .json()
        .await?;
    println!("answered ok (wrk saw)      {}", answered_ok.len());
    println!(
        "duplicate ok answers       {}",
        ok_lines - answered_ok.len()
    );
    println!("present rows in database   {}", rows.len());
    println!("distinct people present    {}", people.len());
    println!("refused rows               {refused}");
    println!("ok answers not in database {lost}");
    match redis {
        Some(state) if state.has_marker => println!("redis set size             {}", state.len - 1),
        Some(_) => println!("redis set                  incomplete (rebuilt on the next read)"),
        None => println!("redis                      (embedded: in-process cache)"),
    }
    println!("live present (server)      {}", live["present"]);
    let consistent = lost == 0
        && rows.len() == people.len()
        && live["present"].as_u64() == Some(rows.len() as u64)
        && redis.is_none_or(|s| !s.has_marker || s.len - 1 == rows.len() as u64);
    println!("consistent                 {consistent}");
    if !consistent {
        anyhow::bail!("the run lost or duplicated check-ins");
    }
    Ok(())
}
