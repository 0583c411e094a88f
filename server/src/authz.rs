//! What a person may do: roles are granted on an organisation and reach its whole subtree.
//! Every check reads the database, so a revoked grant takes effect at once.
use anyhow::Context;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait, Query},
};

use crate::{
    auth::AuthUser,
    domain::Role,
    entities::{organisation_closure as closure, person, role_grant},
};

/// Who may read people, rosters and audit entries of an org.
pub const READ_DIRECTORY: &[Role] = &[
    Role::Secretary,
    Role::Reviewer,
    Role::OrgAdmin,
    Role::Supervisor,
];
/// Who may change people and rosters (supervisors and reviewers read only).
pub const MANAGE_PEOPLE: &[Role] = &[Role::Secretary, Role::OrgAdmin];
/// Who runs a branch's activities: QR codes, organiser check-ins, minutes and their photos.
pub const ORGANISE: &[Role] = &[Role::Secretary, Role::OrgAdmin];
/// Who may create organisations and grant roles.
pub const MANAGE_ORGS: &[Role] = &[Role::OrgAdmin];

/// Who is acting, as the services see it: a person, whatever the door they came in by (an
/// API token, a console session, a command). Services take this, never an HTTP extractor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    pub person_id: i64,
}

impl From<AuthUser> for Caller {
    fn from(user: AuthUser) -> Self {
        Self {
            person_id: user.person_id,
        }
    }
}

/// Who is asking at the doors open to the public too: a person on a roster (an access
/// token) or a member of the public known only by their WeChat openid (a visitor token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requester {
    Person(i64),
    Visitor(String),
}

impl Requester {
    /// The key bookings and rate limits are counted under.
    pub fn key(&self) -> String {
        match self {
            Self::Person(id) => format!("p:{id}"),
            Self::Visitor(openid) => format!("v:{openid}"),
        }
    }

    pub fn person_id(&self) -> Option<i64> {
        match self {
            Self::Person(id) => Some(*id),
            Self::Visitor(_) => None,
        }
    }
}

/// The caller lacks a role for this organisation.
#[derive(Debug, thiserror::Error)]
#[error("you do not have a role that allows this for that organisation")]
pub struct Forbidden;

#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// The person's id when they are active (a subquery: inactive people hold no role).
fn active_person(person_id: i64) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(person::Column::Id)
        .from(person::Entity)
        .and_where(Expr::col(person::Column::Id).eq(person_id))
        .and_where(Expr::col(person::Column::Active).eq(true))
        .to_owned()
}

/// True when the (active) person holds one of `roles` on `org_id` or one of its ancestors.
pub async fn has_role(
    db: &impl ConnectionTrait,
    person_id: i64,
    roles: &[Role],
    org_id: i64,
) -> anyhow::Result<bool> {
    let ancestors = Query::select()
        .column(closure::Column::AncestorId)
        .from(closure::Entity)
        .and_where(Expr::col(closure::Column::DescendantId).eq(org_id))
        .to_owned();
    let active = active_person(person_id);
    let count = role_grant::Entity::find()
        .filter(role_grant::Column::PersonId.in_subquery(active))
        .filter(role_grant::Column::Role.is_in(roles.iter().map(|r| r.as_str())))
        .filter(role_grant::Column::OrgId.in_subquery(ancestors))
        .count(db)
        .await
        .context("cannot check the caller's roles")?;
    Ok(count > 0)
}

/// True when the (active) person holds one of `roles` anywhere.
pub async fn holds_any(
    db: &impl ConnectionTrait,
    person_id: i64,
    roles: &[Role],
) -> anyhow::Result<bool> {
    let active = active_person(person_id);
    let count = role_grant::Entity::find()
        .filter(role_grant::Column::PersonId.in_subquery(active))
        .filter(role_grant::Column::Role.is_in(roles.iter().map(|r| r.as_str())))
        .count(db)
        .await
        .context("cannot check the caller's roles")?;
    Ok(count > 0)
}

pub async fn require(
    db: &impl ConnectionTrait,
    user: impl Into<Caller>,
    roles: &[Role],
    org_id: i64,
) -> Result<(), AccessError> {
    let user = user.into();
    if has_role(db, user.person_id, roles, org_id).await? {
        Ok(())
    } else {
        tracing::info!(person_id = user.person_id, org_id, "access refused");
        Err(Forbidden.into())
    }
}

/// Every role a person holds, by organisation, reaching down each grant's subtree: loaded
/// once, so checks over many people and organisations (a roster import) cost no queries.
#[derive(Debug, Default)]
pub struct Scope {
    roles_by_org: std::collections::HashMap<i64, std::collections::HashSet<Role>>,
}

impl Scope {
    /// The scope of an active person (empty for an inactive one). Three queries.
    pub async fn load(db: &impl ConnectionTrait, person_id: i64) -> anyhow::Result<Self> {
        let active = crate::people::is_active(db, person_id).await?;
        if !active {
            return Ok(Self::default());
        }
        let grants = role_grant::Entity::find()
            .filter(role_grant::Column::PersonId.eq(person_id))
            .all(db)
            .await
            .context("cannot read the caller's grants")?;
        let reach: Vec<(i64, i64)> = closure::Entity::find()
            .select_only()
            .column(closure::Column::AncestorId)
            .column(closure::Column::DescendantId)
            .filter(closure::Column::AncestorId.is_in(grants.iter().map(|g| g.org_id)))
            .into_tuple()
            .all(db)
            .await
            .context("cannot read the subtrees of the caller's grants")?;
        let mut scope = Self::default();
        for grant in &grants {
            let role = grant.role;
            for (_, descendant) in reach.iter().filter(|(a, _)| *a == grant.org_id) {
                scope
                    .roles_by_org
                    .entry(*descendant)
                    .or_default()
                    .insert(role);
            }
        }
        Ok(scope)
    }

    /// True when one of `roles` reaches `org_id`.
    pub fn allows(&self, roles: &[Role], org_id: i64) -> bool {
        self.roles_by_org
            .get(&org_id)
            .is_some_and(|held| roles.iter().any(|r| held.contains(r)))
    }

    /// Whether this scope may act on someone holding `grant`: an org admin whose subtree
    /// holds the grant covers any role; a secretary covers roles below org admin inside
    /// their branch. Nobody covers a role granted above their own reach.
    pub fn covers_grant(&self, grant: &role_grant::Model) -> bool {
        if self.allows(&[Role::OrgAdmin], grant.org_id) {
            return true;
        }
        grant.role != Role::OrgAdmin && self.allows(&[Role::Secretary], grant.org_id)
    }
}

/// The roles held by each of `person_ids`, for checks that must cover the people affected.
pub async fn grants_of(
    db: &impl ConnectionTrait,
    person_ids: &[i64],
) -> anyhow::Result<std::collections::HashMap<i64, Vec<role_grant::Model>>> {
    let mut by_person: std::collections::HashMap<i64, Vec<role_grant::Model>> =
        std::collections::HashMap::new();
    for chunk in person_ids.chunks(500) {
        let grants = role_grant::Entity::find()
            .filter(role_grant::Column::PersonId.is_in(chunk.iter().copied()))
            .all(db)
            .await
            .context("cannot read role grants")?;
        for grant in grants {
            by_person.entry(grant.person_id).or_default().push(grant);
        }
    }
    Ok(by_person)
}

/// Requires that the caller may manage `person` *and* every role the person holds: a
/// secretary manages the members of their branch, but not a city administrator who happens
/// to be one of them (a lower role never acts on a higher one).
pub async fn require_covers_person(
    db: &impl ConnectionTrait,
    user: impl Into<Caller>,
    person: &person::Model,
) -> Result<(), AccessError> {
    let user = user.into();
    if covers_person(db, user, person).await? {
        Ok(())
    } else {
        tracing::info!(
            person_id = user.person_id,
            target = person.id,
            "refused: the person holds a role beyond the caller's scope"
        );
        Err(Forbidden.into())
    }
}

/// Whether `user` may change `person`: they manage people at the person's organisation and
/// their scope covers every role the person holds (see `require_covers_person`).
pub async fn covers_person(
    db: &impl ConnectionTrait,
    user: Caller,
    person: &person::Model,
) -> Result<bool, AccessError> {
    let scope = Scope::load(db, user.person_id).await?;
    let grants = grants_of(db, &[person.id]).await?;
    Ok(scope.allows(MANAGE_PEOPLE, person.org_id)
        && grants
            .get(&person.id)
            .is_none_or(|held| held.iter().all(|g| scope.covers_grant(g))))
}

/// Who approves exemptions from organisational life: the committee above the branch
/// (its reviewers, or org admins above it), never the branch itself.
pub const APPROVE_EXEMPTIONS: &[Role] = &[Role::Reviewer, Role::OrgAdmin];

/// True when the person may approve exemptions for members of `branch_id`.
pub async fn approves_exemptions_for(
    db: &impl ConnectionTrait,
    person_id: i64,
    branch_id: i64,
) -> anyhow::Result<bool> {
    let parent = crate::orgs::find(db, branch_id)
        .await?
        .and_then(|org| org.parent_id);
    match parent {
        Some(parent) => has_role(db, person_id, APPROVE_EXEMPTIONS, parent).await,
        None => Ok(false),
    }
}
