//! Binding a WeChat account to a person on a roster with a one-time invite code.
use anyhow::Context;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    Set,
    sea_query::{Expr, ExprTrait},
};
use serde_json::json;

use super::{AuthError, SignInGuard, TokenIssuer, TokenPair};
use crate::{
    audit::{self, Actor, AuditEntry},
    clock,
    domain::{InviteCode, InviteKey},
    entities::invite_code,
    people,
};

/// Binds the WeChat account behind a bind ticket to the person an invite code was issued
/// to: counted attempts first (per WeChat account and per address), then the invite found by
/// its lookup and checked by its keyed hash, never replacing an existing binding.
#[allow(clippy::too_many_arguments)]
pub async fn bind(
    db: &DatabaseConnection,
    guard: &SignInGuard,
    tokens: &TokenIssuer,
    invite_key: &InviteKey,
    address: &str,
    bind_ticket: &str,
    invite_code: &str,
    request_id: Option<String>,
) -> Result<TokenPair, AuthError> {
    let identity = tokens.verify_bind_ticket(bind_ticket)?;
    let counted = guard
        .count(&[
            (format!("bind:{}", identity.openid), guard.per_account()),
            (format!("signin-addr:{}", address), guard.per_address()),
        ])
        .await?;
    let code = InviteCode::parse(invite_code).map_err(|_| AuthError::InviteInvalid)?;
    let txn = crate::db::begin_write(db)
        .await
        .context("cannot start a transaction")?;
    let now = clock::now();
    let Some(invite) = find_invite(&txn, &code, invite_key, guard.per_account(), now).await? else {
        txn.commit()
            .await
            .context("cannot record a wrong invite code")?;
        return Err(AuthError::InviteInvalid);
    };
    // Claim the code in the statement that checks it: two racing binds cannot both win.
    let claimed = invite_code::Entity::update_many()
        .col_expr(invite_code::Column::UsedAt, Expr::value(now))
        .filter(invite_code::Column::Id.eq(invite.id))
        .filter(invite_code::Column::UsedAt.is_null())
        .exec(&txn)
        .await
        .context("cannot claim an invite code")?;
    if claimed.rows_affected != 1 {
        return Err(AuthError::InviteInvalid);
    }
    if let Some(other) = people::find_by_openid(&txn, &identity.openid).await?
        && other.id != invite.person_id
    {
        return Err(AuthError::AlreadyBound);
    }
    let person = people::find(&txn, invite.person_id)
        .await?
        .filter(|p| p.active)
        .ok_or(AuthError::AccountDisabled)?;
    // A binding is replaced only after an administrator revoked it (audited, the person
    // told): an invite must never take over an account someone is using.
    if person
        .wechat_openid
        .as_deref()
        .is_some_and(|bound| bound != identity.openid)
    {
        return Err(AuthError::PersonAlreadyBound);
    }
    // One WeChat user is one person: a unionid someone else still holds (a binding revoked
    // by hand, or WeChat misbehaving) is not shared.
    if let Some(unionid) = &identity.unionid
        && people::find_by_unionid(&txn, unionid)
            .await?
            .is_some_and(|holder| holder.id != person.id)
    {
        return Err(AuthError::AlreadyBound);
    }
    let org_id = person.org_id;
    let person_id = person.id;
    let mut active = person.into_active_model();
    active.wechat_openid = Set(Some(identity.openid.clone()));
    active.wechat_unionid = Set(identity.unionid.clone());
    active.updated_at = Set(now);
    active
        .update(&txn)
        .await
        .context("cannot bind the openid")?;
    audit::record(
        &txn,
        request_id,
        AuditEntry {
            actor: Actor::Person(person_id),
            action: "person.bind_wechat",
            target_type: "person",
            target_id: person_id.to_string(),
            org_id: Some(org_id),
            detail: json!({"invite_id": invite.id}),
        },
    )
    .await?;
    let pair = tokens.issue_pair(&txn, person_id).await?;
    txn.commit().await.context("cannot commit the binding")?;
    guard.refund(counted).await;
    tracing::info!(person_id, "WeChat account bound");
    Ok(pair)
}

/// The live invite a code opens. A wrong secret for a live lookup counts against that
/// invite, which stops working at `max_failures`: guessing is limited per person being
/// bound, however many WeChat accounts the guesser uses.
async fn find_invite(
    txn: &impl sea_orm::ConnectionTrait,
    code: &InviteCode,
    key: &InviteKey,
    max_failures: u32,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> Result<Option<invite_code::Model>, AuthError> {
    let live = invite_code::Entity::find()
        .filter(invite_code::Column::Lookup.eq(code.lookup()))
        .filter(invite_code::Column::UsedAt.is_null())
        .filter(invite_code::Column::ExpiresAt.gt(now))
        .all(txn)
        .await
        .context("cannot read invite codes")?;
    let hash = code.hash(key);
    if let Some(found) = live
        .iter()
        .find(|invite| same_bytes(invite.code_hash.as_bytes(), hash.as_bytes()))
    {
        return Ok(Some(found.clone()));
    }
    for invite in &live {
        let failures = invite.failures.saturating_add(1);
        let mut update = invite_code::Entity::update_many()
            .col_expr(
                invite_code::Column::Failures,
                Expr::col(invite_code::Column::Failures).add(1),
            )
            .filter(invite_code::Column::Id.eq(invite.id));
        if u32::try_from(failures).unwrap_or(u32::MAX) >= max_failures {
            tracing::warn!(
                invite_id = invite.id,
                person_id = invite.person_id,
                "invite code retired after repeated wrong guesses"
            );
            update = update.col_expr(invite_code::Column::ExpiresAt, Expr::value(now));
        }
        update
            .exec(txn)
            .await
            .context("cannot count a wrong invite code")?;
    }
    Ok(None)
}

/// Compares in time independent of where the first difference is.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
