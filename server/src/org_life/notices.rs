//! Open Party affairs (党务公开). An organisation publishes notices of three kinds — 党务,
//! 政务, 财务 (dues collected, spending) — to its own members, to every member of its
//! subtree, or also to the public of a community. Members see them with an unread badge; the
//! first opening is a read receipt, so the secretary sees who has not read one. A member
//! may ask about a notice: it becomes a question (质询) to the organisation, with its
//! deadline and the asker's rating (`deputies::matters`).
use std::collections::HashSet;

use anyhow::Context;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set, sea_query::OnConflict,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    Audience, NoticeKind,
    error::{LifeError, invalid},
};
use crate::{
    audit::{self, Actor, AuditEntry},
    authz::{self, Caller, ORGANISE, READ_DIRECTORY, Requester},
    clock,
    domain::{Lines, OrgKind, Text},
    entities::{notice, notice_read, organisation_closure as closure, person},
    pagination::Page,
};

#[derive(Deserialize, ToSchema)]
pub struct NoticeRequest {
    pub kind: NoticeKind,
    pub audience: Audience,
    /// With `audience = public`: a community under the organisation.
    pub community_id: Option<i64>,
    pub title: String,
    /// Up to 10,000 characters; files are attached with `owner_type=notice`.
    pub body: String,
}

#[derive(Serialize, ToSchema)]
pub struct Notice {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub kind: NoticeKind,
    pub audience: Audience,
    pub community_id: Option<i64>,
    pub title: String,
    pub body: String,
    /// RFC 3339, Asia/Shanghai
    pub published_at: String,
    /// For a member: whether they have opened it.
    pub read: bool,
}

#[derive(Serialize, ToSchema)]
pub struct MyNotices {
    pub unread: u64,
    pub page: Page<Notice>,
}

#[derive(Serialize, ToSchema)]
pub struct Unread {
    pub person_id: i64,
    pub name: String,
    pub org_name: String,
}

#[derive(Serialize, ToSchema)]
pub struct Readers {
    pub notice_id: i64,
    /// Members the notice is for.
    pub expected: u64,
    pub read: u64,
    /// Who has not opened it yet, by organisation and name.
    pub unread: Vec<Unread>,
}

async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<notice::Model>,
    reader: Option<i64>,
) -> anyhow::Result<Vec<Notice>> {
    let read: HashSet<i64> = match reader {
        Some(person) => notice_read::Entity::find()
            .select_only()
            .column(notice_read::Column::NoticeId)
            .filter(notice_read::Column::PersonId.eq(person))
            .filter(notice_read::Column::NoticeId.is_in(rows.iter().map(|n| n.id)))
            .into_tuple::<i64>()
            .all(db)
            .await
            .context("cannot read receipts")?
            .into_iter()
            .collect(),
        None => HashSet::new(),
    };
    let org_names = crate::orgs::names(db, rows.iter().map(|n| n.org_id)).await?;
    Ok(rows
        .into_iter()
        .map(|n| Notice {
            read: read.contains(&n.id),
            org_name: org_names.get(&n.org_id).cloned().unwrap_or_default(),
            published_at: clock::rfc3339(n.published_at),
            id: n.id,
            org_id: n.org_id,
            kind: n.kind,
            audience: n.audience,
            community_id: n.community_id,
            title: n.title,
            body: n.body,
        })
        .collect())
}

/// Publishes a notice of an organisation the caller organises (audited). A community named
/// for the public must be under that organisation.
pub async fn publish(
    db: &DatabaseConnection,
    caller: Caller,
    org_id: i64,
    body: &NoticeRequest,
    request_id: Option<String>,
) -> Result<Notice, LifeError> {
    let title = Text::parse(&body.title, "title", 100, Lines::One)
        .map_err(invalid)?
        .into_inner();
    let text = Text::parse(&body.body, "body", 10_000, Lines::Many)
        .map_err(invalid)?
        .into_inner();
    crate::orgs::find(db, org_id)
        .await?
        .ok_or(LifeError::NotFound("organisation"))?;
    authz::require(db, caller, ORGANISE, org_id).await?;
    let community = match (body.audience, body.community_id) {
        (Audience::Public, Some(id)) => {
            let community = crate::orgs::find(db, id)
                .await?
                .filter(|c| c.kind == OrgKind::Community)
                .ok_or_else(|| invalid(format!("organisation {id} is not a community")))?;
            if !crate::orgs::subtree_ids(db, org_id)
                .await?
                .contains(&community.id)
            {
                return Err(invalid(
                    "the community must be under the publishing organisation",
                ));
            }
            Some(community.id)
        }
        (Audience::Public, None) => {
            return Err(invalid("a notice to the public names its community"));
        }
        (_, Some(_)) => return Err(invalid("only a notice to the public names a community")),
        (_, None) => None,
    };
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let row = notice::ActiveModel {
        org_id: Set(org_id),
        kind: Set(body.kind),
        audience: Set(body.audience),
        community_id: Set(community),
        title: Set(title),
        body: Set(text),
        author_id: Set(caller.person_id),
        published_at: Set(clock::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .context("cannot store a notice")?;
    audit::record(
        &txn,
        request_id,
        AuditEntry {
            actor: Actor::Person(caller.person_id),
            action: "life.publish_notice",
            target_type: "notice",
            target_id: row.id.to_string(),
            org_id: Some(org_id),
            detail: serde_json::json!({ "kind": row.kind, "audience": row.audience, "title": row.title }),
        },
    )
    .await?;
    txn.commit().await.context("cannot commit a notice")?;
    Ok(views(db, vec![row], None).await?.remove(0))
}

/// Notices that reach a member of `org_id`: the organisation's own, and those of every
/// organisation above it sent to the whole subtree (or the public).
fn reaching(org_id: i64) -> Condition {
    let above = closure::Entity::find()
        .select_only()
        .column(closure::Column::AncestorId)
        .filter(closure::Column::DescendantId.eq(org_id))
        .into_query();
    Condition::any().add(notice::Column::OrgId.eq(org_id)).add(
        Condition::all()
            .add(notice::Column::Audience.is_in([Audience::Subtree, Audience::Public]))
            .add(notice::Column::OrgId.in_subquery(above)),
    )
}

async fn member(db: &impl ConnectionTrait, caller: Caller) -> Result<person::Model, LifeError> {
    crate::people::find(db, caller.person_id)
        .await?
        .filter(|p| p.active)
        .ok_or(LifeError::Forbidden)
}

/// The notices that reach the caller, newest first, with the number still unread.
pub async fn mine(
    db: &DatabaseConnection,
    caller: Caller,
    (index, per_page): (u64, u64),
) -> Result<MyNotices, LifeError> {
    let me = member(db, caller).await?;
    let query = notice::Entity::find().filter(reaching(me.org_id));
    let total = query
        .clone()
        .count(db)
        .await
        .context("cannot count notices")?;
    let read_ids = notice_read::Entity::find()
        .select_only()
        .column(notice_read::Column::NoticeId)
        .filter(notice_read::Column::PersonId.eq(me.id))
        .into_query();
    let unread = query
        .clone()
        .filter(notice::Column::Id.not_in_subquery(read_ids))
        .count(db)
        .await
        .context("cannot count unread notices")?;
    let rows = query
        .order_by_desc(notice::Column::PublishedAt)
        .order_by_desc(notice::Column::Id)
        .offset(index * per_page)
        .limit(per_page)
        .all(db)
        .await
        .context("cannot read notices")?;
    Ok(MyNotices {
        unread,
        page: Page {
            items: views(db, rows, Some(me.id)).await?,
            page: index + 1,
            per_page,
            total,
        },
    })
}

async fn find(db: &impl ConnectionTrait, id: i64) -> Result<notice::Model, LifeError> {
    notice::Entity::find_by_id(id)
        .one(db)
        .await
        .context("cannot read a notice")?
        .ok_or(LifeError::NotFound("notice"))
}

/// Whether the notice is addressed to `person` (a member it reaches).
async fn reaches(
    db: &impl ConnectionTrait,
    n: &notice::Model,
    person: &person::Model,
) -> anyhow::Result<bool> {
    if !person.active {
        return Ok(false);
    }
    Ok(notice::Entity::find()
        .filter(notice::Column::Id.eq(n.id))
        .filter(reaching(person.org_id))
        .count(db)
        .await
        .context("cannot check a notice's audience")?
        > 0)
}

/// Whether the caller may read a notice (the members it reaches, staff who read its
/// organisation, anyone for a public one); and whether that is a member's read receipt.
async fn access(
    db: &impl ConnectionTrait,
    n: &notice::Model,
    who: &Requester,
) -> Result<Option<Option<i64>>, LifeError> {
    let Requester::Person(id) = who else {
        return Ok((n.audience == Audience::Public).then_some(None));
    };
    let person = crate::people::find(db, *id).await?;
    if let Some(person) = &person
        && reaches(db, n, person).await?
    {
        return Ok(Some(Some(person.id)));
    }
    if n.audience == Audience::Public || authz::has_role(db, *id, READ_DIRECTORY, n.org_id).await? {
        return Ok(Some(None));
    }
    Ok(None)
}

/// One notice; a member it reaches leaves a read receipt the first time.
pub async fn open(db: &DatabaseConnection, who: &Requester, id: i64) -> Result<Notice, LifeError> {
    let n = find(db, id).await?;
    let receipt = access(db, &n, who)
        .await?
        .ok_or(LifeError::NotFound("notice"))?;
    if let Some(person) = receipt {
        notice_read::Entity::insert(notice_read::ActiveModel {
            notice_id: Set(n.id),
            person_id: Set(person),
            read_at: Set(clock::now()),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::columns([notice_read::Column::NoticeId, notice_read::Column::PersonId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await
        .context("cannot record a read receipt")?;
    }
    Ok(views(db, vec![n], receipt).await?.remove(0))
}

/// Whether the caller may attach files to (`upload`) or read the files of a notice.
pub async fn may_access_files(
    db: &impl ConnectionTrait,
    caller: Caller,
    id: i64,
    upload: bool,
) -> Result<bool, LifeError> {
    let n = find(db, id).await?;
    if upload {
        return Ok(authz::has_role(db, caller.person_id, ORGANISE, n.org_id).await?);
    }
    Ok(access(db, &n, &Requester::Person(caller.person_id))
        .await?
        .is_some())
}

/// Who the notice is for and who has not read it (staff who read its organisation).
pub async fn readers(
    db: &DatabaseConnection,
    caller: Caller,
    id: i64,
) -> Result<Readers, LifeError> {
    let n = find(db, id).await?;
    authz::require(db, caller, READ_DIRECTORY, n.org_id).await?;
    let orgs = match n.audience {
        Audience::Members => vec![n.org_id],
        Audience::Subtree | Audience::Public => crate::orgs::subtree_ids(db, n.org_id).await?,
    };
    let mut people = Vec::new();
    for chunk in orgs.chunks(500) {
        people.extend(
            person::Entity::find()
                .filter(person::Column::OrgId.is_in(chunk.iter().copied()))
                .filter(person::Column::Active.eq(true))
                .order_by_asc(person::Column::OrgId)
                .order_by_asc(person::Column::Name)
                .all(db)
                .await
                .context("cannot read members")?,
        );
    }
    let read: HashSet<i64> = notice_read::Entity::find()
        .select_only()
        .column(notice_read::Column::PersonId)
        .filter(notice_read::Column::NoticeId.eq(n.id))
        .into_tuple::<i64>()
        .all(db)
        .await
        .context("cannot read receipts")?
        .into_iter()
        .collect();
    let org_names = crate::orgs::names(db, people.iter().map(|p| p.org_id)).await?;
    let expected = people.len() as u64;
    let unread: Vec<Unread> = people
        .into_iter()
        .filter(|p| !read.contains(&p.id))
        .map(|p| Unread {
            org_name: org_names.get(&p.org_id).cloned().unwrap_or_default(),
            person_id: p.id,
            name: p.name,
        })
        .collect();
    Ok(Readers {
        notice_id: n.id,
        expected,
        read: expected - unread.len() as u64,
        unread,
    })
}

/// The public notices for a community (anyone, the public included), newest first.
pub async fn of_community(
    db: &DatabaseConnection,
    community_id: i64,
    (index, per_page): (u64, u64),
) -> Result<Page<Notice>, LifeError> {
    let query = notice::Entity::find()
        .filter(notice::Column::Audience.eq(Audience::Public))
        .filter(notice::Column::CommunityId.eq(community_id));
    let total = query
        .clone()
        .count(db)
        .await
        .context("cannot count notices")?;
    let rows = query
        .order_by_desc(notice::Column::PublishedAt)
        .order_by_desc(notice::Column::Id)
        .offset(index * per_page)
        .limit(per_page)
        .all(db)
        .await
        .context("cannot read notices")?;
    Ok(Page {
        items: views(db, rows, None).await?,
        page: index + 1,
        per_page,
        total,
    })
}

#[derive(Deserialize, ToSchema)]
pub struct NoticeQuestion {
    pub title: String,
    pub body: String,
}

/// A member the notice reaches asks about it: a question (质询) to the publishing
/// organisation, answered within `deputies.question_answer_days` and rated by the asker.
pub async fn ask_about(
    db: &DatabaseConnection,
    settings: &crate::config::DeputySettings,
    caller: Caller,
    id: i64,
    body: &NoticeQuestion,
    request_id: Option<String>,
) -> Result<crate::deputies::matters::Matter, LifeError> {
    let n = find(db, id).await?;
    let me = member(db, caller).await?;
    if !reaches(db, &n, &me).await? {
        return Err(LifeError::NotFound("notice"));
    }
    let question = crate::deputies::matters::QuestionRequest {
        org_id: n.org_id,
        category: crate::deputies::Category::PartyBuilding.as_str().to_owned(),
        title: body.title.clone(),
        body: format!("关于《{}》：{}", n.title, body.body.trim()),
    };
    crate::deputies::matters::ask(db, settings, caller, &question, request_id)
        .await
        .map_err(|e| match e {
            crate::deputies::DeputyError::InvalidInput(m) => LifeError::InvalidInput(m),
            other => LifeError::Unexpected(anyhow::anyhow!("{other}")),
        })
}
