use sea_orm::entity::prelude::*;

/// An organisation's computed score of a year, with its lines as JSON.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "assessment_score")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_id: i64,
    pub year: i32,
    pub rubric_version: i32,
    /// `None` when the year holds no data for the organisation.
    pub total: Option<f64>,
    pub lines: String,
    pub computed_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
