use sea_orm::entity::prelude::*;

/// An exchange or help given between paired organisations, logged by one side.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "org_pair_entry")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub pair_id: i64,
    pub org_id: i64,
    pub kind: crate::org_life::PairEntryKind,
    pub on_date: Date,
    pub summary: String,
    pub created_by: i64,
    pub created_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
