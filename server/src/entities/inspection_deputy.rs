use sea_orm::entity::prelude::*;

/// A deputy who took part in a research inspection.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspection_deputy")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub inspection_id: i64,
    pub person_id: i64,
}

impl ActiveModelBehavior for ActiveModel {}
