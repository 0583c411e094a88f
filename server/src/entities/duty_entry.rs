use sea_orm::entity::prelude::*;

/// One thing a leading cadre did (research, a stay, a visit, a contact-point activity, a
/// report). `corrects_id` names the entry this one supersedes.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "duty_entry")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub person_id: i64,
    pub kind: crate::duties::DutyKind,
    pub starts_on: Date,
    pub ends_on: Date,
    pub org_id: Option<i64>,
    pub place: String,
    pub topic: String,
    pub summary: String,
    pub corrects_id: Option<i64>,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
