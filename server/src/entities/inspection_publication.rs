use sea_orm::entity::prelude::*;

/// One version of a round's published results (通报); a correction is a new version.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspection_publication")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub round_id: i64,
    pub version: i32,
    /// Nobody below the office sees it before this day.
    pub publish_on: Date,
    pub summary: String,
    pub correction_reason: Option<String>,
    pub published_by: i64,
    pub created_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
