use sea_orm::entity::prelude::*;

/// A secret ballot (互评): a random id, the member it is about, the grade — no voter, no time.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluation_ballot")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub campaign_id: i64,
    pub subject_id: i64,
    pub grade: crate::evaluation::Grade,
    pub comment: String,
}

impl ActiveModelBehavior for ActiveModel {}
