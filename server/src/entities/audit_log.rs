use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub occurred_at: DateTimeWithTimeZone,
    pub actor_person_id: Option<i64>,
    pub actor_label: String,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub org_id: Option<i64>,
    pub request_id: Option<String>,
    pub detail: String,
}

impl ActiveModelBehavior for ActiveModel {}
