use sea_orm::entity::prelude::*;

/// An organisation a round inspects; a drawn one keeps its place and key in the draw.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspection_target")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub round_id: i64,
    pub org_id: i64,
    pub draw_rank: Option<i32>,
    pub draw_key: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
