use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "push_outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub dedupe_key: String,
    pub kind: crate::domain::PushKind,
    pub plan_id: Option<i64>,
    pub person_id: i64,
    pub template_id: String,
    pub payload: String,
    pub status: crate::domain::DeliveryStatus,
    pub claimed_by: Option<String>,
    pub attempts: i32,
    pub next_attempt_at: DateTimeWithTimeZone,
    pub last_error: Option<String>,
    pub msgid: Option<String>,
    /// Which channel reached the person (`None` until one did).
    pub channel: Option<crate::domain::Channel>,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
