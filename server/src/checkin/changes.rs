//! Writes that change what scans are decided on: an activity's settings or cancellation,
//! leave and exemptions. Each owns its transaction and audit entry and, once committed,
//! invalidates the cached activity facts (here and, through the shared version, on every
//! instance), so no caller can forget to.
use anyhow::Context;
use chrono::NaiveDate;
use sea_orm::ActiveModelTrait;

use super::{AttendanceError, CheckinService, leave};
use crate::{
    audit::{self, Actor, AuditEntry},
    db::begin_write,
    entities::{activity, activity_plan, exemption, leave_request, person},
};

impl CheckinService {
    /// Stores a change to an activity together with its audit entry (one transaction).
    pub async fn change_activity(
        &self,
        actor_id: i64,
        plan: &activity_plan::Model,
        change: activity::ActiveModel,
        action: &'static str,
        detail: serde_json::Value,
        request_id: Option<String>,
    ) -> Result<activity::Model, AttendanceError> {
        let txn = begin_write(&self.db)
            .await
            .context("cannot start a transaction")?;
        let updated = change
            .update(&txn)
            .await
            .with_context(|| format!("cannot store {action}"))?;
        audit::record(
            &txn,
            request_id,
            AuditEntry {
                actor: Actor::Person(actor_id),
                action,
                target_type: "activity",
                target_id: plan.id.to_string(),
                org_id: Some(plan.org_id),
                detail,
            },
        )
        .await?;
        txn.commit().await.context("cannot commit")?;
        self.facts.invalidate().await;
        Ok(updated)
    }

    /// A member asks for leave from a filed activity, before it starts.
    pub async fn request_leave(
        &self,
        person_id: i64,
        plan_id: i64,
        reason: &str,
    ) -> Result<leave::Leave, AttendanceError> {
        use sea_orm::EntityTrait;
        let plan = super::facts::find_plan(&self.db, plan_id).await?;
        if plan.status != crate::domain::PlanStatus::Filed {
            return Err(AttendanceError::NotFiled(
                "this plan has not been filed yet".into(),
            ));
        }
        let expected = crate::entities::plan_participant::Entity::find_by_id((plan.id, person_id))
            .one(&self.db)
            .await
            .context("cannot read participation")?
            .is_some();
        let txn = begin_write(&self.db)
            .await
            .context("cannot start a transaction")?;
        let row = leave::request(&txn, &plan, person_id, reason, expected).await?;
        txn.commit().await.context("cannot commit")?;
        let names = crate::people::names(&self.db, std::iter::once(person_id)).await?;
        Ok(leave::leave_view(
            row,
            names.get(&person_id).cloned().unwrap_or_default(),
        ))
    }

    pub async fn withdraw_leave(
        &self,
        row: leave_request::Model,
    ) -> Result<leave_request::Model, AttendanceError> {
        let updated = leave::withdraw(&self.db, row).await?;
        self.facts.invalidate().await;
        Ok(updated)
    }

    pub async fn decide_leave(
        &self,
        actor_id: i64,
        org_id: i64,
        row: leave_request::Model,
        approve: bool,
        comment: Option<&str>,
        request_id: Option<String>,
    ) -> Result<leave_request::Model, AttendanceError> {
        let txn = begin_write(&self.db)
            .await
            .context("cannot start a transaction")?;
        let updated =
            leave::decide(&txn, actor_id, org_id, row, approve, comment, request_id).await?;
        txn.commit().await.context("cannot commit")?;
        self.facts.invalidate().await;
        Ok(updated)
    }

    pub async fn create_exemption(
        &self,
        actor_id: i64,
        person: &person::Model,
        reason: &str,
        valid_from: NaiveDate,
        valid_until: Option<NaiveDate>,
        request_id: Option<String>,
    ) -> Result<exemption::Model, AttendanceError> {
        let txn = begin_write(&self.db)
            .await
            .context("cannot start a transaction")?;
        let row = leave::create_exemption(
            &txn,
            actor_id,
            person,
            reason,
            valid_from,
            valid_until,
            request_id,
        )
        .await?;
        txn.commit().await.context("cannot commit")?;
        self.facts.invalidate().await;
        Ok(row)
    }

    /// Exempts person `person_id` (暂不参加组织生活) as `caller`, the committee over the person's
    /// branch, from `valid_from` (YYYY-MM-DD) until `valid_until` or further notice. Audited.
    pub async fn create_exemption_as(
        &self,
        caller: crate::authz::Caller,
        person_id: i64,
        reason: &str,
        valid_from: &str,
        valid_until: Option<&str>,
        request_id: Option<String>,
    ) -> Result<leave::Exemption, AttendanceError> {
        let person = crate::people::find(&self.db, person_id)
            .await?
            .ok_or(AttendanceError::PersonNotFound)?;
        leave::require_committee(&self.db, caller, person.org_id).await?;
        let from = leave::parse_date(valid_from, "valid_from")?;
        let until = valid_until
            .map(str::trim)
            .filter(|raw| !raw.is_empty())
            .map(|raw| leave::parse_date(raw, "valid_until"))
            .transpose()?;
        let row = self
            .create_exemption(caller.person_id, &person, reason, from, until, request_id)
            .await?;
        Ok(leave::exemption_view(&self.db, row).await?)
    }

    /// Revokes exemption `id` as `caller` (the committee over the person's branch). Audited.
    pub async fn revoke_exemption_as(
        &self,
        caller: crate::authz::Caller,
        id: i64,
        reason: &str,
        request_id: Option<String>,
    ) -> Result<leave::Exemption, AttendanceError> {
        let row = leave::find_exemption(&self.db, id).await?;
        let person = crate::people::find(&self.db, row.person_id)
            .await?
            .ok_or(AttendanceError::PersonNotFound)?;
        leave::require_committee(&self.db, caller, person.org_id).await?;
        let updated = self
            .revoke_exemption(caller.person_id, person.org_id, row, reason, request_id)
            .await?;
        Ok(leave::exemption_view(&self.db, updated).await?)
    }

    pub async fn revoke_exemption(
        &self,
        actor_id: i64,
        org_id: i64,
        row: exemption::Model,
        reason: &str,
        request_id: Option<String>,
    ) -> Result<exemption::Model, AttendanceError> {
        let txn = begin_write(&self.db)
            .await
            .context("cannot start a transaction")?;
        let updated =
            leave::revoke_exemption(&txn, actor_id, org_id, row, reason, request_id).await?;
        txn.commit().await.context("cannot commit")?;
        self.facts.invalidate().await;
        Ok(updated)
    }
}
