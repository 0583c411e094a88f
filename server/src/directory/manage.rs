//! The directory's use cases, one function each: who may see or change which people and
//! organisations, rosters in and out, invites and bindings, role grants and the audit trail.
//! Routes parse a request and call one of these.
use anyhow::Context;
use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, ModelTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use super::{
    error::DirectoryError,
    orgs::{self, NewOrg},
    people::{self, PersonFields, Upserted},
    roster::{self, ExportRow, RosterFormat},
};
use crate::{
    audit::{self, Actor, AuditEntry},
    authz::{self, Caller, MANAGE_ORGS, MANAGE_PEOPLE, READ_DIRECTORY},
    clock,
    config::AuthSettings,
    domain::{
        DeputyLevel, InviteCode, InviteKey, LeaderLevel, MemberStatus, OrgCode, OrgKind, PartyPost,
        PersonName, Phone, Role,
    },
    entities::{
        audit_log, invite_code, organisation, organisation_closure as closure, person,
        refresh_token, role_grant,
    },
    pagination::{Page, PageQuery},
};

/// A roster file for download.
pub struct RosterFile {
    pub bytes: Vec<u8>,
    pub filename: String,
    pub format: RosterFormat,
}

/// A person as staff see them. No openid, no password hash: only whether WeChat is bound.
/// The phone is whole only for those who manage the person's organisation (and the person);
/// reviewers and supervisors who only read see it masked (138****5678).
#[derive(Serialize, ToSchema)]
pub struct PersonResponse {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub org_id: i64,
    pub status: MemberStatus,
    pub join_date: Option<NaiveDate>,
    pub party_post: Option<PartyPost>,
    pub leader_level: Option<LeaderLevel>,
    pub deputy_level: Option<DeputyLevel>,
    pub work_unit: Option<String>,
    pub in_service_organ: bool,
    pub exempt: bool,
    pub exempt_reason: Option<String>,
    pub active: bool,
    pub wechat_bound: bool,
}

impl PersonResponse {
    /// The person as `viewer` may see them: the phone masked unless `manages`.
    fn seen(p: person::Model, manages: bool) -> Self {
        let mut out = Self::from(p);
        if !manages {
            out.phone = Phone::mask(&out.phone);
        }
        out
    }
}

impl From<person::Model> for PersonResponse {
    fn from(p: person::Model) -> Self {
        Self {
            id: p.id,
            name: p.name,
            phone: p.phone,
            org_id: p.org_id,
            status: p.status,
            join_date: p.join_date,
            party_post: p.party_post,
            leader_level: p.leader_level,
            deputy_level: p.deputy_level,
            work_unit: p.work_unit,
            in_service_organ: p.in_service_organ,
            exempt: p.exempt,
            exempt_reason: p.exempt_reason,
            active: p.active,
            wechat_bound: p.wechat_openid.is_some(),
        }
    }
}

/// A person's details as a form sends them; `org_id` defaults to the org in the path.
#[derive(Deserialize, ToSchema)]
pub struct PersonRequest {
    pub name: String,
    pub phone: String,
    pub org_id: Option<i64>,
    /// full, probationary or activist (or 正式党员 / 预备党员 / 入党积极分子)
    pub status: String,
    /// YYYY-MM-DD
    pub join_date: Option<String>,
    pub party_post: Option<String>,
    pub leader_level: Option<String>,
    pub deputy_level: Option<String>,
    pub work_unit: Option<String>,
    #[serde(default)]
    pub in_service_organ: bool,
    #[serde(default)]
    pub exempt: bool,
    pub exempt_reason: Option<String>,
}

pub(crate) fn optional_text(
    value: &Option<String>,
    field: &str,
    max: usize,
) -> Result<Option<String>, DirectoryError> {
    let raw = value.as_deref().unwrap_or_default();
    Ok(
        crate::domain::Text::optional(raw, field, max, crate::domain::Lines::One)
            .map_err(DirectoryError::InvalidInput)?
            .map(crate::domain::Text::into_inner),
    )
}

pub(crate) fn optional<T>(
    value: &Option<String>,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Option<T>, DirectoryError> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(parse)
        .transpose()
        .map_err(DirectoryError::InvalidInput)
}

impl PersonRequest {
    fn parse(&self, default_org: i64) -> Result<PersonFields, DirectoryError> {
        let invalid = DirectoryError::InvalidInput;
        let exempt_reason = optional_text(&self.exempt_reason, "exempt_reason", 200)?;
        if self.exempt && exempt_reason.is_none() {
            return Err(invalid("an exempt person needs an exempt_reason".into()));
        }
        Ok(PersonFields {
            name: PersonName::parse(&self.name).map_err(invalid)?,
            phone: Phone::parse(&self.phone).map_err(invalid)?,
            org_id: self.org_id.unwrap_or(default_org),
            status: MemberStatus::parse(&self.status).map_err(invalid)?,
            join_date: optional(&self.join_date, |d| {
                let date = NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .ok()
                    .filter(|_| d.len() == 10)
                    .ok_or_else(|| "join_date must be YYYY-MM-DD".to_owned())?;
                let today = clock::now().with_timezone(&clock::shanghai()).date_naive();
                crate::domain::dates::check_join_date(date, today)
            })?,
            party_post: optional(&self.party_post, PartyPost::parse)?,
            leader_level: optional(&self.leader_level, LeaderLevel::parse)?,
            deputy_level: optional(&self.deputy_level, DeputyLevel::parse)?,
            work_unit: optional_text(&self.work_unit, "work_unit", 100)?,
            in_service_organ: self.in_service_organ,
            exempt: self.exempt,
            exempt_reason,
        })
    }
}

/// Which audit entries to list.
#[derive(Deserialize, IntoParams, Default)]
pub struct AuditQuery {
    /// An action (`plan.approve`) or its area with a dot (`plan.`): up to 64 of a–z, `_`, `.`.
    #[param(max_length = 64, pattern = "^[a-z_.]+$")]
    pub action: Option<String>,
    /// First day, YYYY-MM-DD (Asia/Shanghai).
    #[serde(default, deserialize_with = "empty_as_none")]
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    /// Last day, YYYY-MM-DD (Asia/Shanghai).
    #[serde(default, deserialize_with = "empty_as_none")]
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<NaiveDate>,
}

/// A date field a form left empty (`from=`) is no date, not a malformed one.
fn empty_as_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    let raw: Option<String> = Option::deserialize(d)?;
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| serde::de::Error::custom("a date is YYYY-MM-DD")),
    }
}

#[derive(Deserialize, IntoParams)]
pub struct PeopleQuery {
    /// Part of a name or phone number.
    pub q: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct InviteResponse {
    /// Hand this to the person; it is shown once and stored only as a hash.
    pub code: String,
    pub expires_at: String,
    /// The same code as an SVG QR code, for the person to scan.
    pub qr_svg: String,
}

#[derive(Serialize, ToSchema)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

#[derive(Deserialize, IntoParams)]
pub struct ExportQuery {
    /// csv (default) or xlsx
    pub format: Option<String>,
}

pub(crate) async fn existing_person(
    db: &DatabaseConnection,
    id: i64,
) -> Result<person::Model, DirectoryError> {
    people::find(db, id)
        .await?
        .ok_or(DirectoryError::PersonNotFound)
}

pub(crate) const EXEMPTION_NEEDS_APPROVAL: &str = "“暂不参加组织生活”须经上级党委审批：请由党委在免参加登记中办理（POST /api/v1/people/{id}/exemptions），此处请保持原值";

/// Marking someone exempt is the committee's decision (its approval is what
/// `/api/v1/people/{id}/exemptions` records); a form or a roster must not go around it.
pub(crate) async fn require_exemption_approver(
    db: &DatabaseConnection,
    user: Caller,
    branch_id: i64,
) -> Result<(), DirectoryError> {
    if authz::approves_exemptions_for(db, user.person_id, branch_id).await? {
        Ok(())
    } else {
        Err(DirectoryError::InvalidInput(
            EXEMPTION_NEEDS_APPROVAL.into(),
        ))
    }
}

/// People belong to branches (党支部).
pub(crate) async fn require_branch(
    db: &DatabaseConnection,
    org_id: i64,
) -> Result<(), DirectoryError> {
    let org = existing_org(db, org_id).await?;
    if org.kind == OrgKind::Branch {
        Ok(())
    } else {
        Err(DirectoryError::InvalidInput(format!(
            "people belong to a branch; {} is a {}",
            org.name, org.kind
        )))
    }
}

pub(crate) fn phone_taken(err: sea_orm::DbErr) -> DirectoryError {
    match err.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => DirectoryError::Conflict(
            "someone else has this phone number".into(),
            "person.phone_taken",
        ),
        _ => DirectoryError::Unexpected(anyhow::Error::new(err).context("cannot save a person")),
    }
}

pub(crate) fn summary(p: &person::Model) -> serde_json::Value {
    // The audit log is read by everyone who reads the organisation: the phone only masked.
    json!({"name": p.name, "phone": Phone::mask(&p.phone), "org_id": p.org_id, "status": p.status,
           "party_post": p.party_post, "exempt": p.exempt, "active": p.active})
}

/// Rows that would change someone the caller may not change: a person of another
/// organisation, or one holding a role beyond the caller's scope. An import creates people
/// in its branches and updates people already in the caller's scope, never anyone else
/// (else a secretary could rename and move a district administrator into their branch).
pub(crate) async fn people_beyond_scope(
    db: &DatabaseConnection,
    user: Caller,
    fields: &[PersonFields],
    row_numbers: &[usize],
) -> Result<Vec<roster::RowProblem>, DirectoryError> {
    let mut problems = exemptions_without_approval(db, user, fields, row_numbers).await?;
    let mut existing = std::collections::HashMap::new();
    for chunk in fields.chunks(500) {
        let found = person::Entity::find()
            .filter(person::Column::Phone.is_in(chunk.iter().map(|f| f.phone.as_str())))
            .all(db)
            .await
            .context("cannot read the people a roster names")?;
        existing.extend(found.into_iter().map(|p| (p.phone.clone(), p)));
    }
    if existing.is_empty() {
        return Ok(problems);
    }
    let scope = authz::Scope::load(db, user.person_id).await?;
    let ids: Vec<i64> = existing.values().map(|p| p.id).collect();
    let grants = authz::grants_of(db, &ids).await?;
    for (f, row) in fields.iter().zip(row_numbers) {
        // A row that changes nothing is no takeover: an exported roster imports back.
        let Some(person) = existing
            .get(f.phone.as_str())
            .filter(|p| !people::is_unchanged(p, f))
        else {
            continue;
        };
        let covered = scope.allows(MANAGE_PEOPLE, person.org_id)
            && grants
                .get(&person.id)
                .is_none_or(|held| held.iter().all(|g| scope.covers_grant(g)));
        if !covered {
            problems.push(roster::RowProblem {
                row: *row,
                column: "手机号".into(),
                reason: "此手机号已属于其他组织的人员".into(),
            });
        }
    }
    Ok(problems)
}

/// Rows that would mark someone exempt (or lift it) without the committee's approval.
pub(crate) async fn exemptions_without_approval(
    db: &DatabaseConnection,
    user: Caller,
    fields: &[PersonFields],
    row_numbers: &[usize],
) -> Result<Vec<roster::RowProblem>, DirectoryError> {
    let mut current = std::collections::HashMap::new();
    for chunk in fields.chunks(500) {
        let found: Vec<(String, bool)> = person::Entity::find()
            .select_only()
            .column(person::Column::Phone)
            .column(person::Column::Exempt)
            .filter(person::Column::Phone.is_in(chunk.iter().map(|f| f.phone.as_str())))
            .into_tuple()
            .all(db)
            .await
            .context("cannot read the people a roster names")?;
        current.extend(found);
    }
    let mut approves = std::collections::HashMap::new();
    let mut problems = Vec::new();
    for (f, row) in fields.iter().zip(row_numbers) {
        let was = current.get(f.phone.as_str()).copied().unwrap_or(false);
        if f.exempt == was {
            continue;
        }
        let allowed = match approves.get(&f.org_id) {
            Some(allowed) => *allowed,
            None => {
                let allowed = authz::approves_exemptions_for(db, user.person_id, f.org_id).await?;
                approves.insert(f.org_id, allowed);
                allowed
            }
        };
        if !allowed {
            problems.push(roster::RowProblem {
                row: *row,
                column: "暂不参加组织生活".into(),
                reason: EXEMPTION_NEEDS_APPROVAL.into(),
            });
        }
    }
    Ok(problems)
}

#[derive(Deserialize, ToSchema)]
pub struct UnbindRequest {
    /// Why the binding is revoked (kept in the audit log), 1–200 characters.
    pub reason: String,
}

#[derive(Deserialize, ToSchema)]
pub struct CreateOrgRequest {
    pub parent_id: i64,
    pub code: String,
    pub name: String,
    /// district, committee, branch or community
    pub kind: String,
}

#[derive(Serialize, ToSchema)]
pub struct OrgResponse {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
    pub parent_id: Option<i64>,
    pub activity_day_policy: crate::calendar::Policy,
}

impl From<organisation::Model> for OrgResponse {
    fn from(o: organisation::Model) -> Self {
        Self {
            id: o.id,
            code: o.code,
            name: o.name,
            kind: o.kind,
            parent_id: o.parent_id,
            activity_day_policy: o.activity_day_policy,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct GrantRoleRequest {
    pub person_id: i64,
    /// secretary, reviewer, org_admin, supervisor, community_admin, volunteer_lead
    pub role: String,
}

#[derive(Serialize, ToSchema)]
pub struct RoleGrantResponse {
    pub id: i64,
    pub person_id: i64,
    pub role: crate::domain::Role,
    pub org_id: i64,
}

#[derive(Serialize, ToSchema)]
pub struct AuditEntryResponse {
    pub id: i64,
    pub occurred_at: String,
    pub actor: String,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub org_id: Option<i64>,
    pub request_id: Option<String>,
    pub detail: serde_json::Value,
}

pub(crate) fn org_name(raw: &str) -> Result<String, DirectoryError> {
    let trimmed = raw.trim();
    let length = trimmed.chars().count();
    if (1..=100).contains(&length) && !trimmed.chars().any(char::is_control) {
        Ok(trimmed.to_owned())
    } else {
        Err(DirectoryError::InvalidInput(format!(
            "an organisation name has 1 to 100 characters, this one has {length}"
        )))
    }
}

/// The organisation, or 404 `org.not_found`; shared by the directory routes.
pub(super) async fn existing_org(
    db: &DatabaseConnection,
    id: i64,
) -> Result<organisation::Model, DirectoryError> {
    orgs::find(db, id).await?.ok_or(DirectoryError::OrgNotFound)
}

#[derive(Deserialize, ToSchema)]
pub struct OrgSettingsRequest {
    /// next_working_day (the 20th moves to the next working day) or statutory_only (it moves
    /// only out of a statutory holiday period).
    pub activity_day_policy: String,
}

pub async fn list_people(
    db: &DatabaseConnection,
    user: Caller,
    org_id: i64,
    page: &PageQuery,
    filter: &PeopleQuery,
) -> Result<Page<PersonResponse>, DirectoryError> {
    let org = existing_org(db, org_id).await?;
    authz::require(db, user, READ_DIRECTORY, org.id).await?;
    let (index, per_page) = page.resolve();
    let subtree = orgs::subtree_ids(db, org.id).await?;
    let mut query = person::Entity::find().filter(person::Column::OrgId.is_in(subtree));
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        // Searching by digits would reveal masked phones: only those who manage may.
        let by_phone = authz::has_role(db, user.person_id, MANAGE_PEOPLE, org.id).await?;
        let mut any = sea_orm::Condition::any().add(person::Column::Name.contains(q));
        if by_phone {
            any = any.add(person::Column::Phone.contains(q));
        }
        query = query.filter(any);
    }
    let paginator = query
        .order_by_asc(person::Column::Name)
        .order_by_asc(person::Column::Id)
        .paginate(db, per_page);
    let total = paginator.num_items().await.context("cannot count people")?;
    let items = paginator
        .fetch_page(index)
        .await
        .context("cannot list people")?;
    let scope = authz::Scope::load(db, user.person_id).await?;
    Ok(Page {
        items: items
            .into_iter()
            .map(|p| {
                let manages = p.id == user.person_id || scope.allows(MANAGE_PEOPLE, p.org_id);
                PersonResponse::seen(p, manages)
            })
            .collect(),
        page: index + 1,
        per_page,
        total,
    })
}

pub async fn create_person(
    db: &DatabaseConnection,
    user: Caller,
    org_id: i64,
    body: &PersonRequest,
    request_id: Option<String>,
) -> Result<PersonResponse, DirectoryError> {
    let fields = body.parse(org_id)?;
    require_branch(db, fields.org_id).await?;
    authz::require(db, user, MANAGE_PEOPLE, org_id).await?;
    authz::require(db, user, MANAGE_PEOPLE, fields.org_id).await?;
    if fields.exempt {
        require_exemption_approver(db, user, fields.org_id).await?;
    }
    if people::find_by_phone(db, fields.phone.as_str())
        .await?
        .is_some()
    {
        return Err(DirectoryError::Conflict(
            "someone else has this phone number".into(),
            "person.phone_taken",
        ));
    }
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let created = match people::upsert_by_phone(&txn, &fields).await? {
        Upserted::Created(p) => p,
        _ => {
            return Err(DirectoryError::Conflict(
                "someone else has this phone number".into(),
                "person.phone_taken",
            ));
        }
    };
    audit::record(
        &txn,
        request_id.clone(),
        AuditEntry {
            actor: Actor::Person(user.person_id),
            action: "person.create",
            target_type: "person",
            target_id: created.id.to_string(),
            org_id: Some(created.org_id),
            detail: json!({"after": summary(&created)}),
        },
    )
    .await?;
    txn.commit().await.map_err(phone_taken)?;
    Ok(PersonResponse::from(created))
}

pub async fn get_person(
    db: &DatabaseConnection,
    user: Caller,
    id: i64,
) -> Result<PersonResponse, DirectoryError> {
    let person = existing_person(db, id).await?;
    if person.id == user.person_id {
        return Ok(person.into());
    }
    authz::require(db, user, READ_DIRECTORY, person.org_id).await?;
    let manages = authz::has_role(db, user.person_id, MANAGE_PEOPLE, person.org_id).await?;
    Ok(PersonResponse::seen(person, manages))
}

/// A person as staff in scope see them, and whether the caller may change them (edit their
/// details, issue an invite code): the console shows its forms only then.
pub async fn person_for_staff(
    db: &DatabaseConnection,
    user: Caller,
    id: i64,
) -> Result<(PersonResponse, bool), DirectoryError> {
    let person = existing_person(db, id).await?;
    authz::require(db, user, READ_DIRECTORY, person.org_id).await?;
    let manages = authz::has_role(db, user.person_id, MANAGE_PEOPLE, person.org_id).await?;
    let may_change = authz::covers_person(db, user, &person).await?;
    Ok((PersonResponse::seen(person, manages), may_change))
}

/// A person's details as `body` gives them, their exemption left as it is (that is the
/// committee's, on its own form): the console's edit form.
pub async fn update_details(
    db: &DatabaseConnection,
    user: Caller,
    id: i64,
    mut body: PersonRequest,
    request_id: Option<String>,
) -> Result<PersonResponse, DirectoryError> {
    let existing = existing_person(db, id).await?;
    body.exempt = existing.exempt;
    body.exempt_reason = existing.exempt_reason;
    update_person(db, user, id, &body, request_id).await
}

pub async fn update_person(
    db: &DatabaseConnection,
    user: Caller,
    id: i64,
    body: &PersonRequest,
    request_id: Option<String>,
) -> Result<PersonResponse, DirectoryError> {
    let existing = existing_person(db, id).await?;
    let fields = body.parse(existing.org_id)?;
    authz::require_covers_person(db, user, &existing).await?;
    if fields.org_id != existing.org_id {
        require_branch(db, fields.org_id).await?;
        authz::require(db, user, MANAGE_PEOPLE, fields.org_id).await?;
    }
    if fields.exempt != existing.exempt || (fields.exempt && fields.org_id != existing.org_id) {
        require_exemption_approver(db, user, fields.org_id).await?;
    }
    let before = summary(&existing);
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let updated = people::update(&txn, existing, &fields)
        .await
        .map_err(phone_taken)?;
    audit::record(
        &txn,
        request_id.clone(),
        AuditEntry {
            actor: Actor::Person(user.person_id),
            action: "person.update",
            target_type: "person",
            target_id: updated.id.to_string(),
            org_id: Some(updated.org_id),
            detail: json!({"before": before, "after": summary(&updated)}),
        },
    )
    .await?;
    txn.commit().await.context("cannot commit an update")?;
    Ok(updated.into())
}

pub async fn issue_invite(
    db: &DatabaseConnection,
    settings: &AuthSettings,
    invite_key: &InviteKey,
    user: Caller,
    id: i64,
    request_id: Option<String>,
) -> Result<InviteResponse, DirectoryError> {
    let person = existing_person(db, id).await?;
    authz::require_covers_person(db, user, &person).await?;
    if person.wechat_openid.is_some() {
        return Err(DirectoryError::Conflict(
            "this person's WeChat is already bound; revoke that binding first".into(),
            "person.already_bound",
        ));
    }
    let code = InviteCode::generate();
    let now = clock::now();
    let expires_at = now + std::time::Duration::from_secs(settings.invite_code_ttl_hours * 3600);
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    // One live code per person: an older, unused code stops working.
    invite_code::Entity::update_many()
        .col_expr(
            invite_code::Column::ExpiresAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(invite_code::Column::PersonId.eq(person.id))
        .filter(invite_code::Column::UsedAt.is_null())
        .filter(invite_code::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await
        .context("cannot retire older invite codes")?;
    let stored = invite_code::ActiveModel {
        person_id: Set(person.id),
        lookup: Set(Some(code.lookup().to_owned())),
        code_hash: Set(code.hash(invite_key)),
        failures: Set(0),
        expires_at: Set(expires_at),
        used_at: Set(None),
        created_by: Set(Some(user.person_id)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .context("cannot store an invite code")?;
    audit::record(
        &txn,
        request_id.clone(),
        AuditEntry {
            actor: Actor::Person(user.person_id),
            action: "person.issue_invite",
            target_type: "person",
            target_id: person.id.to_string(),
            org_id: Some(person.org_id),
            detail: json!({"invite_id": stored.id, "expires_at": expires_at.to_rfc3339()}),
        },
    )
    .await?;
    txn.commit().await.context("cannot commit an invite code")?;
    let qr_svg = qrcode::QrCode::new(code.display().as_bytes())
        .context("cannot encode the invite QR code")?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .build();
    Ok(InviteResponse {
        code: code.display(),
        expires_at: expires_at.with_timezone(&clock::shanghai()).to_rfc3339(),
        qr_svg,
    })
}

pub async fn import_roster(
    db: &DatabaseConnection,
    user: Caller,
    org_id: i64,
    content_type: Option<&str>,
    body: &[u8],
    request_id: Option<String>,
) -> Result<ImportReport, DirectoryError> {
    let org = existing_org(db, org_id).await?;
    authz::require(db, user, MANAGE_PEOPLE, org.id).await?;
    let format = content_type
        .and_then(RosterFormat::from_content_type)
        .ok_or(DirectoryError::UnsupportedFormat)?;
    let rows = roster::parse(format, body).map_err(DirectoryError::RosterInvalid)?;

    // Resolve each row's branch and check the caller may manage it; report every problem.
    let subtree = orgs::subtree_ids(db, org.id).await?;
    let mut problems = Vec::new();
    let mut fields = Vec::with_capacity(rows.len());
    let mut row_numbers = Vec::with_capacity(rows.len());
    // Each row's constituency (选区), resolved: organisations under the importing one.
    let mut constituencies: Vec<Option<Vec<i64>>> = Vec::with_capacity(rows.len());
    let mut by_code: std::collections::HashMap<String, Option<organisation::Model>> =
        std::collections::HashMap::new();
    for row in rows {
        let mut resolved = None;
        if let Some(codes) = &row.constituency {
            let mut ids = Vec::with_capacity(codes.len());
            for code in codes {
                if !by_code.contains_key(code.as_str()) {
                    let found = orgs::find_by_code(db, code.as_str()).await?;
                    by_code.insert(code.as_str().to_owned(), found);
                }
                match by_code.get(code.as_str()).cloned().flatten() {
                    Some(o) if subtree.contains(&o.id) => ids.push(o.id),
                    _ => problems.push(roster::RowProblem {
                        row: row.row,
                        column: "选区".into(),
                        reason: format!(
                            "{} is not an organisation under {}",
                            code.as_str(),
                            org.name
                        ),
                    }),
                }
            }
            ids.sort_unstable();
            ids.dedup();
            resolved = Some(ids);
        }
        let target = match &row.org_code {
            None => Some(org.clone()),
            Some(code) => orgs::find_by_code(db, code.as_str()).await?,
        };
        let target = match target {
            Some(t) if subtree.contains(&t.id) && t.kind == OrgKind::Branch => t,
            _ => {
                problems.push(roster::RowProblem {
                    row: row.row,
                    column: "支部编码".into(),
                    reason: format!("not a branch under {}", org.name),
                });
                continue;
            }
        };
        row_numbers.push(row.row);
        constituencies.push(resolved);
        fields.push(PersonFields {
            name: row.name,
            phone: row.phone,
            org_id: target.id,
            status: row.status,
            join_date: row.join_date,
            party_post: row.party_post,
            leader_level: row.leader_level,
            deputy_level: row.deputy_level,
            work_unit: row.work_unit,
            in_service_organ: row.in_service_organ,
            exempt: row.exempt,
            exempt_reason: row.exempt_reason,
        });
    }
    problems.extend(people_beyond_scope(db, user, &fields, &row_numbers).await?);
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.row);
        return Err(DirectoryError::RosterInvalid(roster::Refusal {
            problems,
            rows: row_numbers.len(),
        }));
    }
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let mut report = ImportReport {
        created: 0,
        updated: 0,
        unchanged: 0,
    };
    let mut constituency_changed = 0;
    for (f, constituency) in fields.iter().zip(&constituencies) {
        let person = match people::upsert_by_phone(&txn, f).await? {
            Upserted::Created(p) => {
                report.created += 1;
                p
            }
            Upserted::Updated(p) => {
                report.updated += 1;
                p
            }
            Upserted::Unchanged(p) => {
                report.unchanged += 1;
                p
            }
        };
        if let Some(org_ids) = constituency {
            crate::entities::deputy_constituency::Entity::delete_many()
                .filter(crate::entities::deputy_constituency::Column::PersonId.eq(person.id))
                .exec(&txn)
                .await
                .context("cannot clear a constituency")?;
            if !org_ids.is_empty() {
                crate::entities::deputy_constituency::Entity::insert_many(org_ids.iter().map(
                    |org_id| crate::entities::deputy_constituency::ActiveModel {
                        person_id: Set(person.id),
                        org_id: Set(*org_id),
                        ..Default::default()
                    },
                ))
                .exec(&txn)
                .await
                .context("cannot store a constituency")?;
            }
            constituency_changed += 1;
        }
    }
    audit::record(&txn, request_id.clone(), AuditEntry {
        actor: Actor::Person(user.person_id),
        action: "roster.import",
        target_type: "organisation",
        target_id: org.id.to_string(),
        org_id: Some(org.id),
        detail: json!({"format": format.extension(), "rows": fields.len(),
                       "created": report.created, "updated": report.updated, "unchanged": report.unchanged,
                       "constituencies": constituency_changed}),
    })
    .await?;
    txn.commit().await.context("cannot commit the import")?;
    tracing::info!(
        org_id = org.id,
        created = report.created,
        updated = report.updated,
        "roster imported"
    );
    Ok(report)
}

pub async fn export_roster(
    db: &DatabaseConnection,
    user: Caller,
    org_id: i64,
    query: &ExportQuery,
) -> Result<RosterFile, DirectoryError> {
    let format = match query.format.as_deref().unwrap_or("csv") {
        "csv" => RosterFormat::Csv,
        "xlsx" => RosterFormat::Xlsx,
        other => {
            return Err(DirectoryError::InvalidInput(format!(
                "format `{other}` is not csv or xlsx"
            )));
        }
    };
    let org = existing_org(db, org_id).await?;
    authz::require(db, user, READ_DIRECTORY, org.id).await?;
    let subtree = orgs::subtree_ids(db, org.id).await?;
    let codes: std::collections::HashMap<i64, String> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(subtree.clone()))
        .all(db)
        .await
        .context("cannot read the subtree")?
        .into_iter()
        .map(|o| (o.id, o.code))
        .collect();
    let people = person::Entity::find()
        .filter(person::Column::OrgId.is_in(subtree))
        .order_by_asc(person::Column::OrgId)
        .order_by_asc(person::Column::Name)
        .all(db)
        .await
        .context("cannot read the roster")?;
    let mut constituencies: std::collections::HashMap<i64, Vec<i64>> =
        std::collections::HashMap::new();
    let deputies: Vec<i64> = people
        .iter()
        .filter(|p| p.deputy_level.is_some())
        .map(|p| p.id)
        .collect();
    for chunk in deputies.chunks(500) {
        for row in crate::entities::deputy_constituency::Entity::find()
            .filter(
                crate::entities::deputy_constituency::Column::PersonId.is_in(chunk.iter().copied()),
            )
            .all(db)
            .await
            .context("cannot read constituencies")?
        {
            constituencies
                .entry(row.person_id)
                .or_default()
                .push(row.org_id);
        }
    }
    let outside: Vec<i64> = constituencies
        .values()
        .flatten()
        .filter(|id| !codes.contains_key(id))
        .copied()
        .collect();
    let mut codes = codes;
    for o in organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(outside))
        .all(db)
        .await
        .context("cannot read constituency organisations")?
    {
        codes.insert(o.id, o.code);
    }
    // Whole phones only for rows the exporter manages (a reviewer's or supervisor's copy is
    // for reading, not for calling people).
    let scope = authz::Scope::load(db, user.person_id).await?;
    let rows: Vec<ExportRow> = people
        .into_iter()
        .map(|p| ExportRow {
            constituency: constituencies
                .get(&p.id)
                .map(|ids| ids.iter().filter_map(|id| codes.get(id).cloned()).collect())
                .unwrap_or_default(),
            org_code: codes.get(&p.org_id).cloned().unwrap_or_default(),
            phone: if scope.allows(MANAGE_PEOPLE, p.org_id) {
                p.phone
            } else {
                Phone::mask(&p.phone)
            },
            name: p.name,
            status: p.status,
            join_date: p.join_date,
            party_post: p.party_post,
            leader_level: p.leader_level,
            deputy_level: p.deputy_level,
            work_unit: p.work_unit,
            in_service_organ: p.in_service_organ,
            exempt: p.exempt,
            exempt_reason: p.exempt_reason,
        })
        .collect();
    let bytes = roster::export(format, &rows)?;
    let filename = format!("roster-{}.{}", org.code, format.extension());
    Ok(RosterFile {
        bytes,
        filename,
        format,
    })
}

pub async fn unbind_wechat(
    db: &DatabaseConnection,
    wechat: &crate::config::WechatSettings,
    user: Caller,
    id: i64,
    body: &UnbindRequest,
    request_id: Option<String>,
) -> Result<(), DirectoryError> {
    let reason = optional_text(&Some(body.reason.clone()), "reason", 200)?
        .ok_or_else(|| DirectoryError::InvalidInput("reason is required".into()))?;
    let person = existing_person(db, id).await?;
    authz::require_covers_person(db, user, &person).await?;
    let Some(old_openid) = person.wechat_openid.clone() else {
        return Err(DirectoryError::Conflict(
            "this person has no WeChat binding".into(),
            "person.not_bound",
        ));
    };
    let now = clock::now();
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let (person_id, org_id) = (person.id, person.org_id);
    let mut active: person::ActiveModel = person.into();
    active.wechat_openid = Set(None);
    active.wechat_unionid = Set(None);
    active.updated_at = Set(now);
    active
        .update(&txn)
        .await
        .context("cannot clear a binding")?;
    refresh_token::Entity::update_many()
        .col_expr(
            refresh_token::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(refresh_token::Column::PersonId.eq(person_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await
        .context("cannot end the person's sign-ins")?;
    let local = now.with_timezone(&clock::shanghai());
    crate::push::enqueue(
        &txn,
        vec![crate::push::NewPush {
            kind: crate::domain::PushKind::BindingRevoked,
            dedupe_key: format!("binding_revoked:{person_id}:{}", now.timestamp_micros()),
            plan_id: None,
            person_id,
            template_id: wechat.reminder_template_id.clone(),
            payload: json!({
                // Addressed to the account that was bound: its owner must hear of this.
                "touser": old_openid,
                "page": wechat.preview_page,
                "data": {
                    "thing1": crate::push::thing("您的微信与活动日账号的绑定已解除"),
                    "time2": local.format("%Y年%m月%d日 %H:%M").to_string(),
                    "thing3": crate::push::thing("如非本人申请，请立即联系支部书记"),
                },
            }),
        }],
    )
    .await?;
    audit::record(
        &txn,
        request_id.clone(),
        AuditEntry {
            actor: Actor::Person(user.person_id),
            action: "person.unbind_wechat",
            target_type: "person",
            target_id: person_id.to_string(),
            org_id: Some(org_id),
            detail: json!({"reason": reason}),
        },
    )
    .await?;
    txn.commit().await.context("cannot commit an unbinding")?;
    tracing::info!(target = person_id, "WeChat binding revoked");
    Ok(())
}

pub async fn create_org(
    db: &DatabaseConnection,
    user: Caller,
    body: &CreateOrgRequest,
    request_id: Option<String>,
) -> Result<OrgResponse, DirectoryError> {
    let code = OrgCode::parse(&body.code).map_err(DirectoryError::InvalidInput)?;
    let kind = OrgKind::parse(&body.kind).map_err(DirectoryError::InvalidInput)?;
    let name = org_name(&body.name)?;
    existing_org(db, body.parent_id).await?;
    authz::require(db, user, MANAGE_ORGS, body.parent_id).await?;
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let org = orgs::create(
        &txn,
        NewOrg {
            code,
            name,
            kind,
            parent_id: Some(body.parent_id),
        },
    )
    .await?;
    audit::record(&txn, request_id.clone(), AuditEntry {
        actor: Actor::Person(user.person_id),
        action: "org.create",
        target_type: "organisation",
        target_id: org.id.to_string(),
        org_id: Some(org.id),
        detail: json!({"after": {"code": org.code, "name": org.name, "kind": org.kind, "parent_id": org.parent_id}}),
    })
    .await?;
    txn.commit()
        .await
        .context("cannot commit an organisation")?;
    tracing::info!(org_id = org.id, "organisation created");
    Ok(OrgResponse::from(org))
}

pub async fn get_org(
    db: &DatabaseConnection,
    user: Caller,
    id: i64,
) -> Result<OrgResponse, DirectoryError> {
    get_org_as(db, user, id, READ_DIRECTORY).await
}

/// The organisation, for someone holding one of `roles` at it or above (403 otherwise): the
/// console shows a community's heading to its admins, who do not read the directory.
pub async fn get_org_as(
    db: &DatabaseConnection,
    user: Caller,
    id: i64,
    roles: &[crate::domain::Role],
) -> Result<OrgResponse, DirectoryError> {
    let org = existing_org(db, id).await?;
    authz::require(db, user, roles, org.id).await?;
    Ok(org.into())
}

pub async fn list_children(
    db: &DatabaseConnection,
    user: Caller,
    id: i64,
) -> Result<Vec<OrgResponse>, DirectoryError> {
    let org = existing_org(db, id).await?;
    authz::require(db, user, READ_DIRECTORY, org.id).await?;
    let children = organisation::Entity::find()
        .filter(organisation::Column::ParentId.eq(org.id))
        .order_by_asc(organisation::Column::Code)
        .all(db)
        .await
        .context("cannot list child organisations")?;
    Ok(children.into_iter().map(Into::into).collect())
}

pub async fn grant_role(
    db: &DatabaseConnection,
    user: Caller,
    org_id: i64,
    body: &GrantRoleRequest,
    request_id: Option<String>,
) -> Result<RoleGrantResponse, DirectoryError> {
    let role = Role::parse(&body.role).map_err(DirectoryError::InvalidInput)?;
    let org = existing_org(db, org_id).await?;
    authz::require(db, user, MANAGE_ORGS, org.id).await?;
    let grantee = people::find(db, body.person_id)
        .await?
        .ok_or(DirectoryError::PersonNotFound)?;
    // Roles go only to people inside the granter's scope, who hold nothing beyond it: an
    // administrator cannot hand a role to (or through) someone they do not manage.
    authz::require_covers_person(db, user, &grantee).await?;
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let grant = role_grant::ActiveModel {
        person_id: Set(body.person_id),
        role: Set(role),
        org_id: Set(org.id),
        granted_by: Set(Some(user.person_id)),
        created_at: Set(clock::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => DirectoryError::Conflict(
            "this person already holds that role here".into(),
            "role.already_granted",
        ),
        _ => DirectoryError::Unexpected(anyhow::Error::new(e).context("cannot grant a role")),
    })?;
    audit::record(
        &txn,
        request_id.clone(),
        AuditEntry {
            actor: Actor::Person(user.person_id),
            action: "role.grant",
            target_type: "person",
            target_id: body.person_id.to_string(),
            org_id: Some(org.id),
            detail: json!({"after": {"role": role.as_str(), "org_id": org.id}}),
        },
    )
    .await?;
    txn.commit().await.context("cannot commit a grant")?;
    Ok(RoleGrantResponse {
        id: grant.id,
        person_id: grant.person_id,
        role: grant.role,
        org_id: grant.org_id,
    })
}

pub async fn list_roles(
    db: &DatabaseConnection,
    user: Caller,
    id: i64,
) -> Result<Vec<RoleGrantResponse>, DirectoryError> {
    let org = existing_org(db, id).await?;
    authz::require(db, user, READ_DIRECTORY, org.id).await?;
    let grants = role_grant::Entity::find()
        .filter(role_grant::Column::OrgId.eq(org.id))
        .order_by_asc(role_grant::Column::Id)
        .all(db)
        .await
        .context("cannot list grants")?;
    Ok(grants
        .into_iter()
        .map(|g| RoleGrantResponse {
            id: g.id,
            person_id: g.person_id,
            role: g.role,
            org_id: g.org_id,
        })
        .collect())
}

pub async fn revoke_role(
    db: &DatabaseConnection,
    user: Caller,
    org_id: i64,
    grant_id: i64,
    request_id: Option<String>,
) -> Result<(), DirectoryError> {
    let org = existing_org(db, org_id).await?;
    authz::require(db, user, MANAGE_ORGS, org.id).await?;
    let grant = role_grant::Entity::find_by_id(grant_id)
        .filter(role_grant::Column::OrgId.eq(org.id))
        .one(db)
        .await
        .context("cannot read a grant")?
        .ok_or(DirectoryError::GrantNotFound)?;
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let summary = json!({"before": {"role": grant.role, "org_id": grant.org_id}});
    let person_id = grant.person_id;
    grant.delete(&txn).await.context("cannot delete a grant")?;
    audit::record(
        &txn,
        request_id.clone(),
        AuditEntry {
            actor: Actor::Person(user.person_id),
            action: "role.revoke",
            target_type: "person",
            target_id: person_id.to_string(),
            org_id: Some(org.id),
            detail: summary,
        },
    )
    .await?;
    txn.commit().await.context("cannot commit a revocation")?;
    Ok(())
}

pub async fn list_audit(
    db: &DatabaseConnection,
    user: Caller,
    id: i64,
    query: &PageQuery,
    filter: &AuditQuery,
) -> Result<Page<AuditEntryResponse>, DirectoryError> {
    let org = existing_org(db, id).await?;
    authz::require(db, user, READ_DIRECTORY, org.id).await?;
    let (page, per_page) = query.resolve();
    let subtree = sea_orm::sea_query::Query::select()
        .column(closure::Column::DescendantId)
        .from(closure::Entity)
        .and_where(sea_orm::sea_query::ExprTrait::eq(
            sea_orm::sea_query::Expr::col(closure::Column::AncestorId),
            org.id,
        ))
        .to_owned();
    let mut find = audit_log::Entity::find().filter(audit_log::Column::OrgId.in_subquery(subtree));
    if let Some(action) = filter.action.as_deref().filter(|a| !a.is_empty()) {
        if action.len() > 64
            || !action
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
        {
            return Err(DirectoryError::InvalidInput(
                "action is up to 64 of a–z, `_` and `.` (e.g. plan.approve or plan.)".into(),
            ));
        }
        find = if action.ends_with('.') {
            find.filter(audit_log::Column::Action.starts_with(action))
        } else {
            find.filter(audit_log::Column::Action.eq(action))
        };
    }
    let day_start = |day: NaiveDate| {
        day.and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(clock::shanghai()).single())
            .map(|t| t.with_timezone(&chrono::Utc))
    };
    if let (Some(from), Some(to)) = (filter.from, filter.to)
        && from > to
    {
        return Err(DirectoryError::InvalidInput("from is after to".into()));
    }
    if let Some(start) = filter.from.and_then(day_start) {
        find = find.filter(audit_log::Column::OccurredAt.gte(start));
    }
    if let Some(end) = filter.to.and_then(|d| d.succ_opt()).and_then(day_start) {
        find = find.filter(audit_log::Column::OccurredAt.lt(end));
    }
    let paginator = find
        .order_by_desc(audit_log::Column::Id)
        .paginate(db, per_page);
    let total = paginator
        .num_items()
        .await
        .context("cannot count audit entries")?;
    let items = paginator
        .fetch_page(page)
        .await
        .context("cannot read audit entries")?;
    Ok(Page {
        items: items
            .into_iter()
            .map(|e| AuditEntryResponse {
                id: e.id,
                occurred_at: e.occurred_at.with_timezone(&clock::shanghai()).to_rfc3339(),
                actor: e.actor_label,
                action: e.action,
                target_type: e.target_type,
                target_id: e.target_id,
                org_id: e.org_id,
                request_id: e.request_id,
                detail: serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::Null),
            })
            .collect(),
        page: page + 1,
        per_page,
        total,
    })
}

/// Whether `user` may change organisation `id`'s settings (org-department admins at it or
/// above), for showing the form.
pub async fn may_change_settings(
    db: &DatabaseConnection,
    user: Caller,
    id: i64,
) -> Result<bool, DirectoryError> {
    Ok(authz::has_role(db, user.person_id, MANAGE_ORGS, id).await?)
}

pub async fn update_settings(
    db: &DatabaseConnection,
    user: Caller,
    id: i64,
    body: &OrgSettingsRequest,
    request_id: Option<String>,
) -> Result<OrgResponse, DirectoryError> {
    let policy = crate::calendar::Policy::parse(&body.activity_day_policy)
        .map_err(DirectoryError::InvalidInput)?;
    let org = existing_org(db, id).await?;
    authz::require(db, user, MANAGE_ORGS, org.id).await?;
    let before = org.activity_day_policy;
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let mut active: organisation::ActiveModel = org.into();
    active.activity_day_policy = Set(policy);
    let org = active
        .update(&txn)
        .await
        .context("cannot update settings")?;
    audit::record(
        &txn,
        request_id.clone(),
        AuditEntry {
            actor: Actor::Person(user.person_id),
            action: "org.settings",
            target_type: "organisation",
            target_id: org.id.to_string(),
            org_id: Some(org.id),
            detail: json!({"before": {"activity_day_policy": before}, "after": {"activity_day_policy": org.activity_day_policy}}),
        },
    )
    .await?;
    txn.commit().await.context("cannot commit settings")?;
    Ok(org.into())
}
