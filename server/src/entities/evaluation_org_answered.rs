use sea_orm::entity::prelude::*;

/// That someone answered the questionnaire on the organisation (`p:<person>` or
/// `v:<openid>`): one answer each, never what they answered.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluation_org_answered")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub campaign_id: i64,
    pub answerer: String,
}

impl ActiveModelBehavior for ActiveModel {}
