use sea_orm::entity::prelude::*;

/// One member in a campaign: their 自评, the secretary's 点评 and the meeting's final grade.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluation_member")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub campaign_id: i64,
    pub person_id: i64,
    pub self_assessment: String,
    pub secretary_comment: String,
    pub final_grade: Option<crate::evaluation::Grade>,
    pub meeting_date: Option<Date>,
    pub updated_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
