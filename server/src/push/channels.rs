//! Which channel carries a notification to a member, and in what order they are tried.
//!
//! A member is reached by the first channel in the order that can reach them: the
//! mini-program's subscribe message when they have consent left for its template, the
//! official account's template message when they follow the account (matched on the
//! unionid) and the template has a stand-in there. The order is the deployment's
//! (`wechat.channel_order`) unless the member's organisation, or the nearest one above it,
//! set its own.
use std::collections::HashMap;

use anyhow::Context;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set,
    sea_query::OnConflict,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::error::DeliveryError;
use crate::{
    audit::{self, Actor, AuditEntry},
    authz::{self, Caller, MANAGE_ORGS, READ_DIRECTORY},
    clock,
    config::WechatSettings,
    domain::Channel,
    entities::{org_notification_channels, organisation, organisation_closure},
};

/// Channels to try, first first: at least one, none twice, and only channels a machine
/// sends through (telling someone in person is the secretary's, after all of them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelOrder(Vec<Channel>);

impl ChannelOrder {
    pub fn new(channels: Vec<Channel>) -> Result<Self, String> {
        if channels.is_empty() {
            return Err("name at least one channel".into());
        }
        for (i, channel) in channels.iter().enumerate() {
            if *channel == Channel::InPerson {
                return Err("in_person is not sent by the server; it is what the secretary marks when no channel reached a member".into());
            }
            if channels[..i].contains(channel) {
                return Err(format!("{channel} is named twice"));
            }
        }
        Ok(Self(channels))
    }

    /// As stored: slugs, comma-separated.
    fn parse_stored(stored: &str) -> Option<Self> {
        let channels = stored
            .split(',')
            .map(|slug| Channel::parse(slug).ok())
            .collect::<Option<Vec<_>>>()?;
        Self::new(channels).ok()
    }

    fn stored(&self) -> String {
        self.0
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn channels(&self) -> &[Channel] {
        &self.0
    }
}

/// Each organisation's order: its own, else the nearest ancestor's, else the deployment's.
/// One query for any number of organisations (the closure table holds every ancestor).
pub async fn orders_for(
    db: &impl ConnectionTrait,
    org_ids: impl IntoIterator<Item = i64>,
    deployment: &ChannelOrder,
) -> anyhow::Result<HashMap<i64, ChannelOrder>> {
    let org_ids: Vec<i64> = org_ids.into_iter().collect();
    let set: HashMap<i64, String> = org_notification_channels::Entity::find()
        .all(db)
        .await
        .context("cannot read organisations' channel orders")?
        .into_iter()
        .map(|row| (row.org_id, row.channel_order))
        .collect();
    let mut nearest: HashMap<i64, (i32, ChannelOrder)> = HashMap::new();
    if !set.is_empty() && !org_ids.is_empty() {
        let links = organisation_closure::Entity::find()
            .filter(organisation_closure::Column::DescendantId.is_in(org_ids.clone()))
            .filter(organisation_closure::Column::AncestorId.is_in(set.keys().copied()))
            .all(db)
            .await
            .context("cannot read the organisation tree")?;
        for link in links {
            let Some(order) = set
                .get(&link.ancestor_id)
                .and_then(|s| ChannelOrder::parse_stored(s))
            else {
                continue;
            };
            match nearest.get(&link.descendant_id) {
                Some((depth, _)) if *depth <= link.depth => {}
                _ => {
                    nearest.insert(link.descendant_id, (link.depth, order));
                }
            }
        }
    }
    Ok(org_ids
        .into_iter()
        .map(|id| {
            let order = nearest
                .remove(&id)
                .map_or_else(|| deployment.clone(), |(_, order)| order);
            (id, order)
        })
        .collect())
}

pub fn deployment_order(wechat: &WechatSettings) -> ChannelOrder {
    // Validated at start (`WechatSettings::validate`).
    ChannelOrder::new(wechat.channel_order.clone())
        .unwrap_or_else(|_| ChannelOrder(vec![Channel::Subscribe, Channel::OfficialAccount]))
}

#[derive(Serialize, ToSchema)]
pub struct ChannelOrderResponse {
    pub org_id: i64,
    /// Tried first to last for the organisation's members.
    pub order: Vec<Channel>,
    /// `own` (set here), `inherited` (from the organisation named in `from_org_id`) or
    /// `deployment` (the server's default).
    pub source: String,
    pub from_org_id: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
pub struct ChannelOrderRequest {
    /// `subscribe` and/or `official_account`, first tried first; `null` goes back to what
    /// the organisation above (or the server) uses.
    pub order: Option<Vec<Channel>>,
}

/// The order an organisation's members are tried in, and where it comes from.
pub async fn order_of(
    db: &DatabaseConnection,
    user: Caller,
    org_id: i64,
    wechat: &WechatSettings,
) -> Result<ChannelOrderResponse, DeliveryError> {
    require_org(db, org_id).await?;
    authz::require(db, user, READ_DIRECTORY, org_id).await?;
    describe(db, org_id, wechat).await
}

async fn describe(
    db: &impl ConnectionTrait,
    org_id: i64,
    wechat: &WechatSettings,
) -> Result<ChannelOrderResponse, DeliveryError> {
    let deployment = deployment_order(wechat);
    let chain = organisation_closure::Entity::find()
        .filter(organisation_closure::Column::DescendantId.eq(org_id))
        .all(db)
        .await
        .context("cannot read the organisation tree")?;
    let set: HashMap<i64, String> = org_notification_channels::Entity::find()
        .filter(org_notification_channels::Column::OrgId.is_in(chain.iter().map(|l| l.ancestor_id)))
        .all(db)
        .await
        .context("cannot read channel orders")?
        .into_iter()
        .map(|row| (row.org_id, row.channel_order))
        .collect();
    let found = chain
        .iter()
        .filter_map(|l| {
            set.get(&l.ancestor_id)
                .and_then(|s| ChannelOrder::parse_stored(s))
                .map(|order| (l.depth, l.ancestor_id, order))
        })
        .min_by_key(|(depth, _, _)| *depth);
    Ok(match found {
        Some((depth, from, order)) => ChannelOrderResponse {
            org_id,
            order: order.0,
            source: if depth == 0 { "own" } else { "inherited" }.to_owned(),
            from_org_id: Some(from),
        },
        None => ChannelOrderResponse {
            org_id,
            order: deployment.0,
            source: "deployment".to_owned(),
            from_org_id: None,
        },
    })
}

/// Sets (or clears) an organisation's own order; organisation administrators only, audited.
pub async fn set_order(
    db: &DatabaseConnection,
    user: Caller,
    org_id: i64,
    body: ChannelOrderRequest,
    wechat: &WechatSettings,
    request_id: Option<String>,
) -> Result<ChannelOrderResponse, DeliveryError> {
    require_org(db, org_id).await?;
    authz::require(db, user, MANAGE_ORGS, org_id).await?;
    let order = body
        .order
        .map(|channels| ChannelOrder::new(channels).map_err(DeliveryError::InvalidInput))
        .transpose()?;
    let txn = crate::db::begin_write(db).await?;
    let before = describe(&txn, org_id, wechat).await?;
    match &order {
        Some(order) => {
            org_notification_channels::Entity::insert(org_notification_channels::ActiveModel {
                org_id: Set(org_id),
                channel_order: Set(order.stored()),
                changed_by: Set(user.person_id),
                changed_at: Set(clock::now()),
            })
            .on_conflict(
                OnConflict::column(org_notification_channels::Column::OrgId)
                    .update_columns([
                        org_notification_channels::Column::ChannelOrder,
                        org_notification_channels::Column::ChangedBy,
                        org_notification_channels::Column::ChangedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await
            .context("cannot store the channel order")?;
        }
        None => {
            org_notification_channels::Entity::delete_by_id(org_id)
                .exec(&txn)
                .await
                .context("cannot clear the channel order")?;
        }
    }
    let after = describe(&txn, org_id, wechat).await?;
    audit::record(
        &txn,
        request_id,
        AuditEntry {
            actor: Actor::Person(user.person_id),
            action: "org.notification_channels",
            target_type: "organisation",
            target_id: org_id.to_string(),
            org_id: Some(org_id),
            detail: json!({"before": before.order, "after": after.order, "source": after.source}),
        },
    )
    .await?;
    txn.commit().await.context("cannot commit")?;
    Ok(after)
}

async fn require_org(db: &impl ConnectionTrait, org_id: i64) -> Result<(), DeliveryError> {
    organisation::Entity::find_by_id(org_id)
        .one(db)
        .await
        .context("cannot read an organisation")?
        .map(|_| ())
        .ok_or(DeliveryError::OrgNotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_order_names_each_sending_channel_at_most_once() {
        assert!(ChannelOrder::new(vec![Channel::OfficialAccount]).is_ok());
        assert!(ChannelOrder::new(vec![]).is_err());
        assert!(ChannelOrder::new(vec![Channel::Subscribe, Channel::Subscribe]).is_err());
        assert!(ChannelOrder::new(vec![Channel::InPerson]).is_err());
        let order =
            ChannelOrder::new(vec![Channel::OfficialAccount, Channel::Subscribe]).expect("valid");
        assert_eq!(ChannelOrder::parse_stored(&order.stored()), Some(order));
        assert_eq!(ChannelOrder::parse_stored("subscribe,fax"), None);
    }
}
