use sea_orm::entity::prelude::*;

/// That a member has voted on another (the one-ballot rule), never what they voted.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluation_voted")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub campaign_id: i64,
    pub voter_id: i64,
    pub subject_id: i64,
}

impl ActiveModelBehavior for ActiveModel {}
