//! Operator commands: the first administrator, tokens for scripts, and a demo city.
//! Every command that changes or grants something is audited as actor `cli`.
use std::time::Duration;

use anyhow::{Context, bail};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    Set,
};
use serde_json::json;

use crate::{
    audit::{self, Actor, AuditEntry},
    auth::{TokenIssuer, passwords},
    clock,
    config::Settings,
    domain::{
        DeputyLevel, MemberStatus, OrgCode, OrgKind, PartyPost, Password, PersonName, Phone,
        PlanCategory, Role,
    },
    entities::{admin_token, role_grant},
    orgs::{self, NewOrg},
    people::{self, PersonFields, Upserted},
    secrets::Secrets,
};

/// Creates an organisation from the command line (the city root has no parent).
pub async fn create_org(
    db: &DatabaseConnection,
    code: &str,
    name: &str,
    kind: &str,
    parent_code: Option<&str>,
) -> anyhow::Result<i64> {
    let code = OrgCode::parse(code).map_err(anyhow::Error::msg)?;
    let kind = OrgKind::parse(kind).map_err(anyhow::Error::msg)?;
    let parent_id = match parent_code {
        Some(parent) => Some(
            orgs::find_by_code(db, parent)
                .await?
                .with_context(|| format!("no organisation has code {parent}"))?
                .id,
        ),
        None => None,
    };
    let txn = crate::db::begin_write(db).await?;
    let org = orgs::create(
        &txn,
        NewOrg {
            code,
            name: name.trim().to_owned(),
            kind,
            parent_id,
        },
    )
    .await?;
    audit::record(
        &txn,
        None,
        AuditEntry {
            actor: Actor::CommandLine,
            action: "org.create",
            target_type: "organisation",
            target_id: org.id.to_string(),
            org_id: Some(org.id),
            detail: json!({"after": {"code": org.code, "name": org.name, "kind": org.kind}}),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(org.id)
}

/// Creates (or updates) a person and makes them org-department admin of the org's subtree.
pub async fn create_admin(
    db: &DatabaseConnection,
    phone: &str,
    name: &str,
    org_code: &str,
    password: Option<&str>,
) -> anyhow::Result<i64> {
    let phone = Phone::parse(phone).map_err(anyhow::Error::msg)?;
    let name = PersonName::parse(name).map_err(anyhow::Error::msg)?;
    let password = password
        .map(Password::parse)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let org = orgs::find_by_code(db, org_code).await?.with_context(|| {
        format!("no organisation has code {org_code}; create it with `huodongri admin create-org`")
    })?;
    let txn = crate::db::begin_write(db).await?;
    let fields = PersonFields {
        name,
        phone,
        org_id: org.id,
        status: MemberStatus::Full,
        join_date: None,
        party_post: None,
        leader_level: None,
        deputy_level: None,
        work_unit: None,
        in_service_organ: false,
        exempt: false,
        exempt_reason: None,
    };
    let person = match people::upsert_by_phone(&txn, &fields).await? {
        Upserted::Created(p) | Upserted::Unchanged(p) | Upserted::Updated(p) => p,
    };
    if let Some(password) = &password {
        let mut active = person.clone().into_active_model();
        active.password_hash = Set(Some(passwords::hash(password)?));
        active.update(&txn).await?;
    }
    grant(&txn, person.id, Role::OrgAdmin, org.id).await?;
    audit::record(
        &txn,
        None,
        AuditEntry {
            actor: Actor::CommandLine,
            action: "admin.create",
            target_type: "person",
            target_id: person.id.to_string(),
            org_id: Some(org.id),
            detail: json!({"role": "org_admin", "password_set": password.is_some()}),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(person.id)
}

async fn grant(
    db: &impl sea_orm::ConnectionTrait,
    person_id: i64,
    role: Role,
    org_id: i64,
) -> anyhow::Result<()> {
    let exists = role_grant::Entity::find()
        .filter(role_grant::Column::PersonId.eq(person_id))
        .filter(role_grant::Column::Role.eq(role.as_str()))
        .filter(role_grant::Column::OrgId.eq(org_id))
        .one(db)
        .await?
        .is_some();
    if !exists {
        role_grant::ActiveModel {
            person_id: Set(person_id),
            role: Set(role),
            org_id: Set(org_id),
            granted_by: Set(None),
            created_at: Set(clock::now()),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Parses `30m`, `12h`, `7d` or plain seconds.
pub fn parse_ttl(raw: &str) -> anyhow::Result<Duration> {
    let raw = raw.trim();
    let (number, unit) = raw.split_at(raw.find(|c: char| !c.is_ascii_digit()).unwrap_or(raw.len()));
    let n: u64 = number
        .parse()
        .with_context(|| format!("`{raw}` is not a duration like 30m, 12h or 7d"))?;
    let secs = match unit {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => bail!("`{raw}` is not a duration like 30m, 12h or 7d"),
    };
    if secs == 0 || secs > 30 * 86_400 {
        bail!("a token lives between 1 second and 30 days");
    }
    Ok(Duration::from_secs(secs))
}

/// An operator's access token (`huodongri admin token`): recorded so it can be revoked,
/// checked on every use, and audited with its lifetime.
pub async fn issue_token(
    db: &DatabaseConnection,
    settings: &Settings,
    phone: &str,
    ttl: Duration,
) -> anyhow::Result<String> {
    if ttl.as_secs() > settings.auth.admin_token_max_ttl_secs {
        bail!(
            "a token lives at most {} seconds (auth.admin_token_max_ttl_secs)",
            settings.auth.admin_token_max_ttl_secs
        );
    }
    let phone = Phone::parse(phone).map_err(anyhow::Error::msg)?;
    let person = people::find_by_phone(db, phone.as_str())
        .await?
        .filter(|p| p.active)
        .with_context(|| format!("no active person has phone {}", phone.as_str()))?;
    let secrets = Secrets::resolve(settings)?;
    let (token, jti) =
        TokenIssuer::new(&secrets.jwt_secret, &settings.auth).issue_admin(person.id, ttl)?;
    let now = clock::now();
    admin_token::ActiveModel {
        jti: Set(jti.clone()),
        person_id: Set(person.id),
        expires_at: Set(now + ttl),
        revoked_at: Set(None),
        created_at: Set(now),
    }
    .insert(db)
    .await
    .context("cannot record the token")?;
    audit::record(
        db,
        None,
        AuditEntry {
            actor: Actor::CommandLine,
            action: "admin.token",
            target_type: "person",
            target_id: person.id.to_string(),
            org_id: Some(person.org_id),
            detail: json!({"ttl_secs": ttl.as_secs(), "jti": jti}),
        },
    )
    .await?;
    Ok(token)
}

/// Ends every operator token of a person at once (`huodongri admin revoke-tokens`). Audited.
pub async fn revoke_tokens(db: &DatabaseConnection, phone: &str) -> anyhow::Result<u64> {
    let phone = Phone::parse(phone).map_err(anyhow::Error::msg)?;
    let person = people::find_by_phone(db, phone.as_str())
        .await?
        .with_context(|| format!("no person has phone {}", phone.as_str()))?;
    let revoked = admin_token::Entity::update_many()
        .col_expr(
            admin_token::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(clock::now()),
        )
        .filter(admin_token::Column::PersonId.eq(person.id))
        .filter(admin_token::Column::RevokedAt.is_null())
        .exec(db)
        .await
        .context("cannot revoke tokens")?
        .rows_affected;
    audit::record(
        db,
        None,
        AuditEntry {
            actor: Actor::CommandLine,
            action: "admin.revoke_tokens",
            target_type: "person",
            target_id: person.id.to_string(),
            org_id: Some(person.org_id),
            detail: json!({"revoked": revoked}),
        },
    )
    .await?;
    Ok(revoked)
}

struct DemoOrg {
    code: &'static str,
    name: &'static str,
    kind: OrgKind,
    parent: Option<&'static str>,
}

const DEMO_ORGS: &[DemoOrg] = &[
    DemoOrg {
        code: "YZ",
        name: "扬州市",
        kind: OrgKind::City,
        parent: None,
    },
    DemoOrg {
        code: "YZ-GL",
        name: "广陵区",
        kind: OrgKind::District,
        parent: Some("YZ"),
    },
    DemoOrg {
        code: "YZ-HJ",
        name: "邗江区",
        kind: OrgKind::District,
        parent: Some("YZ"),
    },
    DemoOrg {
        code: "YZ-KFQ",
        name: "扬州经济技术开发区",
        kind: OrgKind::District,
        parent: Some("YZ"),
    },
    DemoOrg {
        code: "YZ-GL-DJ",
        name: "东关街道党工委",
        kind: OrgKind::Committee,
        parent: Some("YZ-GL"),
    },
    DemoOrg {
        code: "YZ-GL-DJ-01",
        name: "东关社区第一党支部",
        kind: OrgKind::Branch,
        parent: Some("YZ-GL-DJ"),
    },
    DemoOrg {
        code: "YZ-GL-DJ-02",
        name: "东关社区第二党支部",
        kind: OrgKind::Branch,
        parent: Some("YZ-GL-DJ"),
    },
    DemoOrg {
        code: "YZ-GL-DJ-SQ",
        name: "东关社区",
        kind: OrgKind::Community,
        parent: Some("YZ-GL-DJ"),
    },
    DemoOrg {
        code: "YZ-HJ-JG",
        name: "邗江区机关党委",
        kind: OrgKind::Committee,
        parent: Some("YZ-HJ"),
    },
    DemoOrg {
        code: "YZ-HJ-JG-01",
        name: "区发改委党支部",
        kind: OrgKind::Branch,
        parent: Some("YZ-HJ-JG"),
    },
    DemoOrg {
        code: "YZ-HJ-JG-02",
        name: "区教育局党支部",
        kind: OrgKind::Branch,
        parent: Some("YZ-HJ-JG"),
    },
    DemoOrg {
        code: "YZ-KFQ-QY",
        name: "开发区非公企业党委",
        kind: OrgKind::Committee,
        parent: Some("YZ-KFQ"),
    },
    DemoOrg {
        code: "YZ-KFQ-QY-01",
        name: "精工科技党支部",
        kind: OrgKind::Branch,
        parent: Some("YZ-KFQ-QY"),
    },
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "朱", "马", "胡",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "敏", "静", "强", "磊", "洋", "艳", "军", "杰", "娟", "涛", "明", "霞", "平", "刚",
];

/// One demo login: who, which role where, and their phone for `admin token`.
pub struct DemoLogin {
    pub role: &'static str,
    pub role_label: &'static str,
    pub org: &'static str,
    pub org_id: i64,
    pub org_code: &'static str,
    pub name: String,
    pub phone: String,
}

/// Seeds a small city: districts, committees, branches, a community, ~200 people of every
/// status and position, and a secretary / reviewer / supervisor / admin per level. Running
/// it again changes nothing (codes and phone numbers are fixed).
pub async fn seed_demo(db: &DatabaseConnection) -> anyhow::Result<Vec<DemoLogin>> {
    let txn = crate::db::begin_write(db).await?;
    let mut ids = std::collections::HashMap::new();
    for org in DEMO_ORGS {
        let id = match orgs::find_by_code(&txn, org.code).await? {
            Some(existing) => existing.id,
            None => {
                let parent_id = org.parent.and_then(|p| ids.get(p).copied());
                orgs::create(
                    &txn,
                    NewOrg {
                        code: OrgCode::parse(org.code).map_err(anyhow::Error::msg)?,
                        name: org.name.to_owned(),
                        kind: org.kind,
                        parent_id,
                    },
                )
                .await?
                .id
            }
        };
        ids.insert(org.code, id);
    }
    let branches: Vec<&DemoOrg> = DEMO_ORGS
        .iter()
        .filter(|o| o.kind == OrgKind::Branch)
        .collect();
    let mut logins = Vec::new();
    let mut n: usize = 0;
    for (b, branch) in branches.iter().enumerate() {
        for i in 0..40 {
            n += 1;
            let status = match i % 10 {
                0 => MemberStatus::Activist,
                1 | 2 => MemberStatus::Probationary,
                _ => MemberStatus::Full,
            };
            let fields = PersonFields {
                name: PersonName::parse(&format!(
                    "{}{}{}",
                    SURNAMES[n % SURNAMES.len()],
                    GIVEN[(n / 3) % GIVEN.len()],
                    GIVEN[n % GIVEN.len()]
                ))
                .map_err(anyhow::Error::msg)?,
                phone: Phone::parse(&format!("1390000{:04}", b * 100 + i))
                    .map_err(anyhow::Error::msg)?,
                org_id: ids[branch.code],
                status,
                join_date: chrono::NaiveDate::from_ymd_opt(
                    1990 + (n % 34) as i32,
                    1 + (n % 12) as u32,
                    1 + (n % 28) as u32,
                ),
                party_post: match i {
                    0 => Some(PartyPost::Secretary),
                    1 => Some(PartyPost::DeputySecretary),
                    2 | 3 => Some(PartyPost::CommitteeMember),
                    4 => Some(PartyPost::GroupLeader),
                    _ => None,
                },
                leader_level: (i == 5).then_some(crate::domain::LeaderLevel::CountyOrAbove),
                deputy_level: match i {
                    6 => Some(DeputyLevel::City),
                    7 => Some(DeputyLevel::County),
                    8 => Some(DeputyLevel::Township),
                    _ => None,
                },
                work_unit: Some(branch.name.trim_end_matches("党支部").to_owned()),
                in_service_organ: branch.code.starts_with("YZ-HJ-JG"),
                exempt: i == 39,
                exempt_reason: (i == 39).then(|| "长期病休，按规定暂不参加组织生活".to_owned()),
            };
            let person = match people::upsert_by_phone(&txn, &fields).await? {
                Upserted::Created(p) | Upserted::Unchanged(p) | Upserted::Updated(p) => p,
            };
            if i == 0 {
                grant(&txn, person.id, Role::Secretary, ids[branch.code]).await?;
                logins.push(DemoLogin {
                    role: Role::Secretary.as_str(),
                    role_label: Role::Secretary.label(),
                    org: branch.name,
                    org_id: ids[branch.code],
                    org_code: branch.code,
                    name: person.name.clone(),
                    phone: person.phone.clone(),
                });
            }
        }
    }
    // Staff above the branches: one person per role and level, placed in the first branch
    // under their org so everyone stays on a roster.
    let staff: &[(&str, Role, &str)] = &[
        ("YZ", Role::OrgAdmin, "13900009001"),
        ("YZ", Role::Supervisor, "13900009002"),
        ("YZ-GL", Role::OrgAdmin, "13900009003"),
        ("YZ-GL", Role::Supervisor, "13900009004"),
        ("YZ-GL-DJ", Role::Reviewer, "13900009005"),
        ("YZ-HJ-JG", Role::Reviewer, "13900009006"),
        ("YZ-KFQ-QY", Role::Reviewer, "13900009007"),
        ("YZ-GL-DJ-SQ", Role::CommunityAdmin, "13900009008"),
        ("YZ-GL-DJ-SQ", Role::VolunteerLead, "13900009009"),
    ];
    for (k, (org_code, role, phone)) in staff.iter().enumerate() {
        let home = DEMO_ORGS
            .iter()
            .find(|o| {
                o.kind == OrgKind::Branch && o.code.starts_with(&org_code[..org_code.len().min(5)])
            })
            .unwrap_or(branches[0]);
        let fields = PersonFields {
            name: PersonName::parse(&format!(
                "{}{}",
                SURNAMES[k % SURNAMES.len()],
                ["主任", "科长", "部长"][k % 3]
            ))
            .map_err(anyhow::Error::msg)?,
            phone: Phone::parse(phone).map_err(anyhow::Error::msg)?,
            org_id: ids[home.code],
            status: MemberStatus::Full,
            join_date: chrono::NaiveDate::from_ymd_opt(2000 + k as i32, 7, 1),
            party_post: None,
            leader_level: Some(crate::domain::LeaderLevel::CountyOrAbove),
            deputy_level: None,
            work_unit: Some("组织部".to_owned()),
            in_service_organ: true,
            exempt: false,
            exempt_reason: None,
        };
        let person = match people::upsert_by_phone(&txn, &fields).await? {
            Upserted::Created(p) | Upserted::Unchanged(p) | Upserted::Updated(p) => p,
        };
        grant(&txn, person.id, *role, ids[org_code]).await?;
        let org_name = DEMO_ORGS
            .iter()
            .find(|o| o.code == *org_code)
            .map(|o| o.name)
            .unwrap_or_default();
        logins.push(DemoLogin {
            role: role.as_str(),
            role_label: role.label(),
            org: org_name,
            org_id: ids[org_code],
            org_code,
            name: person.name,
            phone: person.phone,
        });
    }
    audit::record(
        &txn,
        None,
        AuditEntry {
            actor: Actor::CommandLine,
            action: "demo.seed",
            target_type: "organisation",
            target_id: ids["YZ"].to_string(),
            org_id: Some(ids["YZ"]),
            detail: json!({"organisations": DEMO_ORGS.len(), "people": n + staff.len()}),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(logins)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttls_read_like_people_write_them() {
        assert_eq!(parse_ttl("30m").expect("valid"), Duration::from_secs(1800));
        assert_eq!(parse_ttl("2h").expect("valid"), Duration::from_secs(7200));
        assert_eq!(parse_ttl("90").expect("valid"), Duration::from_secs(90));
        assert!(parse_ttl("0").is_err());
        assert!(parse_ttl("31d").is_err());
        assert!(parse_ttl("3w").is_err());
        assert!(parse_ttl("").is_err());
    }
}

/// A demo person's sign-in to the browser console.
#[derive(Debug, serde::Serialize)]
pub struct ConsoleLogin {
    pub role: &'static str,
    pub role_label: &'static str,
    pub org_code: &'static str,
    pub org_id: i64,
    pub org_name: &'static str,
    pub name: String,
    pub phone: String,
    pub password: String,
}

/// A fresh random password for each demo login (there are no default passwords, not even in
/// the demo): printed once and written to demo.json, stored only as an argon2 hash.
pub async fn demo_console_passwords(
    db: &DatabaseConnection,
    logins: &[DemoLogin],
) -> anyhow::Result<Vec<ConsoleLogin>> {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut out = Vec::with_capacity(logins.len());
    for login in logins {
        let mut rng = rand::rng();
        let random: String = (0..12)
            .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
            .collect();
        // The fixed head makes sure every kind of character a password needs is present.
        let password = format!("Hd7{random}");
        let parsed = Password::parse(&password).map_err(anyhow::Error::msg)?;
        let person = people::find_by_phone(db, &login.phone)
            .await?
            .context("a demo login's person exists")?;
        let mut active = person.into_active_model();
        active.password_hash = Set(Some(passwords::hash(&parsed)?));
        active.update(db).await?;
        out.push(ConsoleLogin {
            role: login.role,
            role_label: login.role_label,
            org_code: login.org_code,
            org_id: login.org_id,
            org_name: login.org,
            name: login.name.clone(),
            phone: login.phone.clone(),
            password,
        });
    }
    Ok(out)
}

/// What `huodongri demo` leaves in `<data dir>/demo.json` so a newcomer (or the check-in
/// benchmark) can drive the whole flow from the command line.
#[derive(Debug, serde::Serialize)]
pub struct DemoActivity {
    pub organisations: Vec<DemoOrgRef>,
    /// One browser-console sign-in per demo role (passwords made afresh on every run).
    pub console_logins: Vec<ConsoleLogin>,
    pub activity_id: i64,
    pub activity_code: String,
    pub branch_code: String,
    pub theme: String,
    pub checkin_opens_at: String,
    pub checkin_closes_at: String,
    pub organiser_phone: String,
    pub participant_phones: Vec<String>,
}

#[derive(Debug, serde::Serialize)]
pub struct DemoOrgRef {
    pub id: i64,
    pub code: &'static str,
    pub name: &'static str,
    pub kind: &'static str,
}

/// This month's activity of the first demo branch: filed, preview published, check-in open
/// now (from an hour ago to two hours ahead, Asia/Shanghai). Re-running moves it to now.
pub async fn seed_demo_activity(
    db: &DatabaseConnection,
    settings: &crate::config::CheckinSettings,
) -> anyhow::Result<DemoActivity> {
    use chrono::Timelike;
    use sea_orm::TryIntoModel;

    use crate::{
        checkin::facts,
        domain::PlanStatus,
        entities::{activity_plan, person, plan_participant},
    };
    let branch = DEMO_ORGS
        .iter()
        .find(|o| o.kind == OrgKind::Branch)
        .context("the demo has a branch")?;
    let org = orgs::find_by_code(db, branch.code)
        .await?
        .context("run the demo seed first")?;
    let now = crate::clock::now().with_timezone(&crate::clock::shanghai());
    let today = now.date_naive();
    let minutes = i64::from(now.hour() * 60 + now.minute());
    let hhmm = |m: i64| format!("{:02}:{:02}", m / 60, m % 60);
    // The times stay within the day; near midnight the check-in window reaches over it
    // through the minutes before the start and after the end (a demo at 23:59 is still open).
    let (start, end) = ((minutes - 60).max(0), (minutes + 120).min(23 * 60 + 59));
    let opens_before = i32::try_from(start - (minutes - 60)).unwrap_or(0);
    let closes_after = i32::try_from((minutes + 120) - end).unwrap_or(0);
    let month = today.format("%Y-%m").to_string();
    let members = person::Entity::find()
        .filter(person::Column::OrgId.eq(org.id))
        .filter(person::Column::Active.eq(true))
        .all(db)
        .await?;
    let organiser = members
        .iter()
        .min_by_key(|p| p.phone.clone())
        .context("the demo branch has members")?;
    let txn = crate::db::begin_write(db).await?;
    let existing = activity_plan::Entity::find()
        .filter(activity_plan::Column::OrgId.eq(org.id))
        .filter(activity_plan::Column::Month.eq(month.clone()))
        .one(&txn)
        .await?;
    let stamp = crate::clock::now();
    let mut plan = match existing {
        Some(plan) => plan.into_active_model(),
        None => activity_plan::ActiveModel {
            org_id: Set(org.id),
            month: Set(month.clone()),
            version: Set(1),
            created_by: Set(organiser.id),
            created_at: Set(stamp),
            ..Default::default()
        },
    };
    plan.status = Set(PlanStatus::Filed);
    plan.theme = Set("学习贯彻党的二十大精神（演示）".to_owned());
    plan.category = Set(PlanCategory::PartyLecture);
    plan.activity_date = Set(today);
    plan.start_time = Set(hhmm(start));
    plan.end_time = Set(hhmm(end));
    plan.date_reason = Set(Some("演示：今日举办，便于体验扫码签到".to_owned()));
    plan.place = Set("文昌阁社区党群服务中心".to_owned());
    plan.latitude = Set(Some(32.3942));
    plan.longitude = Set(Some(119.4129));
    plan.requirements = Set("请携带党员学习笔记本，准时扫码签到。".to_owned());
    plan.organiser = Set(organiser.name.clone());
    plan.checkin_opens_minutes_before = Set(opens_before);
    plan.checkin_closes_minutes_after = Set(closes_after);
    plan.filed_to_org_id = Set(org.parent_id);
    plan.filed_at = Set(Some(stamp));
    plan.published_at = Set(Some(stamp));
    plan.preview = Set(Some(format!(
        "【活动预告】{} {} {}–{}，主题：学习贯彻党的二十大精神，请准时参加。",
        today,
        "文昌阁社区党群服务中心",
        hhmm(start),
        hhmm(end)
    )));
    plan.updated_at = Set(stamp);
    let plan = plan.save(&txn).await?.try_into_model()?;
    plan_participant::Entity::delete_many()
        .filter(plan_participant::Column::PlanId.eq(plan.id))
        .exec(&txn)
        .await?;
    let expected: Vec<&person::Model> = members
        .iter()
        .filter(|p| p.status != MemberStatus::Activist && !p.exempt)
        .collect();
    plan_participant::Entity::insert_many(expected.iter().map(|p| plan_participant::ActiveModel {
        plan_id: Set(plan.id),
        person_id: Set(p.id),
        invited: Set(false),
    }))
    .exec(&txn)
    .await?;
    grant(&txn, organiser.id, Role::Secretary, org.id).await?;
    txn.commit().await?;
    let activity = facts::ensure_activity(db, &plan, settings)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let (opens, closes) = facts::check_in_period(&plan);
    let mut organisations = Vec::with_capacity(DEMO_ORGS.len());
    for o in DEMO_ORGS {
        organisations.push(DemoOrgRef {
            id: orgs::find_by_code(db, o.code)
                .await?
                .context("the demo organisations exist")?
                .id,
            code: o.code,
            name: o.name,
            kind: o.kind.as_str(),
        });
    }
    Ok(DemoActivity {
        organisations,
        console_logins: Vec::new(),
        activity_id: plan.id,
        activity_code: activity.code,
        branch_code: branch.code.to_owned(),
        theme: plan.theme,
        checkin_opens_at: opens.to_rfc3339(),
        checkin_closes_at: closes.to_rfc3339(),
        organiser_phone: organiser.phone.clone(),
        participant_phones: expected.iter().map(|p| p.phone.clone()).collect(),
    })
}

/// Catches up with the official account's follower list (`huodongri admin sync-followers`).
/// The account's token is fetched afresh (an in-process cache): `stable_token` hands out the
/// token the running servers use, so this never evicts theirs. Audited.
pub async fn sync_followers(
    db: &DatabaseConnection,
    settings: &Settings,
) -> anyhow::Result<crate::official::followers::SyncReport> {
    let account = crate::official::OfficialAccount::from_settings(
        &settings.wechat,
        crate::cache::Cache::in_process(&settings.cache.key_prefix),
    )?;
    if !account.is_configured() {
        bail!(
            "the official account is not configured (wechat.oa_appid, APP_WECHAT__OA_APP_SECRET, APP_WECHAT__OA_EVENT_TOKEN)"
        );
    }
    let report = crate::official::followers::sync_followers(db, &account)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    audit::record(
        db,
        None,
        AuditEntry {
            actor: Actor::CommandLine,
            action: "admin.sync_followers",
            target_type: "oa_follower",
            target_id: "*".to_owned(),
            org_id: None,
            detail: json!({"listed": report.listed, "joined": report.joined, "left": report.left}),
        },
    )
    .await?;
    Ok(report)
}
