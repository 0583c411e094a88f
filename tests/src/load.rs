//! Seeding for the load tools (the check-in and push benchmarks, the cluster suite): many
//! people written straight to the database in batches, since signing up 150,000 members
//! through the API would take longer than the run it prepares.
use std::time::Duration;

use huodongri::{
    auth::TokenIssuer,
    checkin::{
        facts,
        token::{Rotation, Signer},
    },
    cli,
    config::Settings,
    entities::{
        activity, activity_plan, oa_follower, person, plan_participant, subscription_quota,
    },
    secrets::Secrets,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Set,
};
use secrecy::ExposeSecret;
use serde_json::{Value, json};

/// A branch full of members, and the admin (phone 13300000000) who organises for it.
pub struct LoadBranch {
    pub branch: i64,
    pub organiser: i64,
    /// The members, in the order they were written.
    pub people: Vec<i64>,
}

/// The city BENCH, committee BENCH-C and branch BENCH-C-1 with `people` members. With
/// `openid_prefix`, member i is bound to WeChat as `<prefix><i>`.
pub async fn seed_branch(
    db: &DatabaseConnection,
    people: usize,
    openid_prefix: Option<&str>,
) -> anyhow::Result<LoadBranch> {
    cli::create_org(db, "BENCH", "压测市", "city", None).await?;
    cli::create_org(db, "BENCH-C", "压测党委", "committee", Some("BENCH")).await?;
    let branch = cli::create_org(db, "BENCH-C-1", "压测支部", "branch", Some("BENCH-C")).await?;
    let organiser = cli::create_admin(db, "13300000000", "压测管理员", "BENCH", None).await?;
    let now = huodongri::clock::now();
    let indices: Vec<usize> = (0..people).collect();
    for (n, chunk) in indices.chunks(500).enumerate() {
        let rows = chunk.iter().map(|i| person::ActiveModel {
            name: Set(format!("党员{i}")),
            phone: Set(format!("{}", 15_000_000_000u64 + *i as u64)),
            org_id: Set(branch),
            status: Set(huodongri::domain::MemberStatus::Full),
            in_service_organ: Set(false),
            exempt: Set(false),
            active: Set(true),
            wechat_openid: Set(openid_prefix.map(|prefix| format!("{prefix}{i}"))),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
        person::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
        if n % 40 == 39 {
            eprintln!("  {} / {people} people", (n + 1) * 500);
        }
    }
    let people: Vec<i64> = person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .filter(person::Column::OrgId.eq(branch))
        .into_tuple()
        .all(db)
        .await?;
    Ok(LoadBranch {
        branch,
        organiser,
        people,
    })
}

/// Gives each of `people` `sends` one-time consents to `template` (as if they had tapped
/// 允许 that many times).
pub async fn grant_consent(
    db: &DatabaseConnection,
    people: &[i64],
    template: &str,
    sends: i32,
) -> anyhow::Result<()> {
    let now = huodongri::clock::now();
    for chunk in people.chunks(500) {
        let rows = chunk.iter().map(|id| subscription_quota::ActiveModel {
            person_id: Set(*id),
            template_id: Set(template.into()),
            remaining: Set(sends),
            long_term: Set(false),
            updated_at: Set(now),
        });
        subscription_quota::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Makes `people` followers of the official account, as its subscribe pushes would have:
/// each gets the unionid `u-<openid>` (recorded at their mini-program login) and a
/// following row under the account's openid `oOA-<openid>`.
pub async fn follow_official_account(
    db: &DatabaseConnection,
    people: &[i64],
) -> anyhow::Result<()> {
    let now = huodongri::clock::now();
    for chunk in people.chunks(500) {
        let members = person::Entity::find()
            .filter(person::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        let mut followers = Vec::new();
        for member in members {
            let Some(openid) = member.wechat_openid.clone() else {
                continue;
            };
            let unionid = format!("u-{openid}");
            followers.push(oa_follower::ActiveModel {
                oa_openid: Set(format!("oOA-{openid}")),
                unionid: Set(Some(unionid.clone())),
                following: Set(true),
                changed_at: Set(now),
            });
            let mut active = member.into_active_model();
            active.wechat_unionid = Set(Some(unionid));
            active.update(db).await?;
        }
        if !followers.is_empty() {
            oa_follower::Entity::insert_many(followers)
                .exec_without_returning(db)
                .await?;
        }
    }
    Ok(())
}

/// Today's activity of a load branch, open all day, with one venue token valid for its
/// whole window.
pub struct OpenActivity {
    pub plan_id: i64,
    pub code: String,
    pub venue_token: String,
}

/// Files today's plan for every member of `branch` and opens its activity with a code that
/// stays valid for `window_seconds`.
pub async fn open_activity_today(
    db: &DatabaseConnection,
    settings: &Settings,
    branch: &LoadBranch,
    window_seconds: i32,
) -> anyhow::Result<OpenActivity> {
    let now = huodongri::clock::now();
    let today = huodongri::clock::today();
    let plan = activity_plan::ActiveModel {
        org_id: Set(branch.branch),
        month: Set(today.format("%Y-%m").to_string()),
        version: Set(1),
        status: Set(huodongri::domain::PlanStatus::Filed),
        theme: Set("压测：扫码签到".into()),
        category: Set(huodongri::domain::PlanCategory::PartyLecture),
        activity_date: Set(today),
        start_time: Set("00:00".into()),
        end_time: Set("23:59".into()),
        date_reason: Set(Some("压测".into())),
        place: Set("压测会场".into()),
        requirements: Set(String::new()),
        organiser: Set("压测管理员".into()),
        checkin_opens_minutes_before: Set(720),
        checkin_closes_minutes_after: Set(720),
        created_by: Set(branch.organiser),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    for chunk in branch.people.chunks(1000) {
        let rows = chunk.iter().map(|id| plan_participant::ActiveModel {
            plan_id: Set(plan.id),
            person_id: Set(*id),
            invited: Set(false),
        });
        plan_participant::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    let created = facts::ensure_activity(db, &plan, &settings.checkin)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut active = created.into_active_model();
    active.window_seconds = Set(window_seconds);
    let activity: activity::Model = active.update(db).await?;
    let secrets = Secrets::resolve(settings)?;
    let signer = Signer::new(secrets.qr_secret.expose_secret().as_bytes());
    let rotation = Rotation {
        seconds: window_seconds as u32,
    };
    let venue_token = signer.venue_token(
        &activity.code,
        rotation,
        rotation.window_at(now.timestamp()),
    );
    Ok(OpenActivity {
        plan_id: plan.id,
        code: activity.code,
        venue_token,
    })
}

/// Access tokens for `people`, signed with the settings' secret, valid for `ttl`.
pub fn tokens_for(
    settings: &Settings,
    people: &[i64],
    ttl: Duration,
) -> anyhow::Result<Vec<String>> {
    let secrets = Secrets::resolve(settings)?;
    let issuer = TokenIssuer::new(&secrets.jwt_secret, &settings.auth);
    people
        .iter()
        .map(|id| issuer.issue_access_for(*id, ttl))
        .collect()
}

/// `YYYY-MM` of the month `offset` months from today's (Asia/Shanghai).
pub fn month_from_today(offset: i32) -> String {
    use chrono::Datelike;
    let today = huodongri::clock::today();
    let index = today.year() * 12 + today.month0() as i32 + offset;
    format!("{}-{:02}", index.div_euclid(12), index.rem_euclid(12) + 1)
}

/// Drafts a plan of `month` for `branch` through the API (an admin acting for it), takes it
/// through `steps` (`submit`, `approve`, `publish`) and returns its id. Loads a minimal
/// holiday calendar for the year when none is there.
pub async fn plan_through(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    branch: i64,
    month: &str,
    steps: &[&str],
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
    for step in steps {
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
