use sea_orm::entity::prelude::*;

/// A deputy attached to a studio (takes turns on its rota).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "studio_deputy")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub studio_id: i64,
    pub person_id: i64,
}

impl ActiveModelBehavior for ActiveModel {}
