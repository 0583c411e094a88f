use sea_orm::entity::prelude::*;

/// One organisation of a deputy's constituency (选区).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deputy_constituency")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub person_id: i64,
    pub org_id: i64,
}

impl ActiveModelBehavior for ActiveModel {}
