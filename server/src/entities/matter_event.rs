use sea_orm::entity::prelude::*;

/// One step of a matter's timeline: the action, the status it led to, who and what was said.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "matter_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub matter_id: i64,
    pub action: crate::deputies::MatterAction,
    pub status: crate::deputies::MatterStatus,
    pub actor_id: Option<i64>,
    pub org_id: Option<i64>,
    pub note: String,
    pub at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
