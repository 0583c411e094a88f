use sea_orm::entity::prelude::*;

/// A deputy named as co-signer of a proposal; it is submitted only when all confirmed.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "matter_cosigner")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub matter_id: i64,
    pub person_id: i64,
    pub confirmed_at: Option<DateTimeWithTimeZone>,
}

impl ActiveModelBehavior for ActiveModel {}
