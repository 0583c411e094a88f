use sea_orm::entity::prelude::*;

/// 民主评议党员: a branch's yearly campaign, open for ballots between `opens_at` and `closes_at`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluation_campaign")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_id: i64,
    pub year: i32,
    pub opens_at: DateTimeWithTimeZone,
    pub closes_at: DateTimeWithTimeZone,
    pub created_by: i64,
    pub created_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
