use sea_orm::entity::prelude::*;

/// Counts of the answers to one question on the organisation, per audience.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluation_org_tally")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub campaign_id: i64,
    pub audience: crate::evaluation::Respondent,
    pub question: i16,
    pub satisfied: i32,
    pub basically_satisfied: i32,
    pub dissatisfied: i32,
}

impl ActiveModelBehavior for ActiveModel {}
