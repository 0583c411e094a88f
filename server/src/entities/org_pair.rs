use sea_orm::entity::prelude::*;

/// 结对共建: two organisations paired for a period, with goals.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "org_pair")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_a: i64,
    pub org_b: i64,
    pub starts_on: Date,
    pub ends_on: Date,
    pub goals: String,
    pub created_by: i64,
    pub created_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
