use sea_orm::entity::prelude::*;

/// A reception: a booked duty slot, a requested meeting with a named deputy (约谈), a
/// deputy's invitation or a walk-in. `requester_key` is `p:<person id>` or `v:<openid>`.
/// `phone` is kept for the studio; everyone else sees it masked.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reception")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: crate::deputies::ReceptionKind,
    pub status: crate::deputies::ReceptionStatus,
    pub shift_id: Option<i64>,
    pub deputy_id: i64,
    pub studio_id: i64,
    pub person_id: Option<i64>,
    pub visitor_openid: Option<String>,
    pub requester_key: String,
    pub name: String,
    pub phone: String,
    pub topic: String,
    pub meets_at: Option<DateTimeWithTimeZone>,
    /// What the person raised, recorded by the deputy.
    pub raised: String,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
