use sea_orm::entity::prelude::*;

/// A case (反映问题), question (质询) or proposal (提案): something an organisation must
/// answer by `due_on`. `rounds` counts the answers asked for (a 不满意 opens the second).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "matter")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: crate::deputies::MatterKind,
    pub status: crate::deputies::MatterStatus,
    /// Proposals only: e.g. 市党代表提案 2026-017.
    #[sea_orm(unique)]
    pub number: Option<String>,
    pub category: crate::deputies::Category,
    pub title: String,
    pub body: String,
    pub raiser_person_id: Option<i64>,
    pub raiser_openid: Option<String>,
    pub raiser_name: String,
    /// Kept for the studio that received a member of the public; masked elsewhere.
    pub raiser_phone: String,
    pub deputy_id: Option<i64>,
    pub level: Option<crate::domain::DeputyLevel>,
    pub reception_id: Option<i64>,
    /// Where a question or proposal was addressed (the committee that accepts a proposal).
    pub addressed_org_id: Option<i64>,
    pub handler_org_id: Option<i64>,
    pub due_on: Option<Date>,
    pub escalated_to_org_id: Option<i64>,
    pub answer: String,
    pub answered_at: Option<DateTimeWithTimeZone>,
    pub rating: Option<crate::deputies::Rating>,
    pub rounds: i16,
    pub private_reason: Option<String>,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
