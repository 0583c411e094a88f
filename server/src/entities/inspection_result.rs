use sea_orm::entity::prelude::*;

/// One organisation's result in a published version.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspection_result")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub publication_id: i64,
    pub org_id: i64,
    pub verdict: crate::supervision::Verdict,
    pub comment: String,
}

impl ActiveModelBehavior for ActiveModel {}
