use sea_orm::entity::prelude::*;

/// An inspection round (督查) planned by a city's or county's office.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspection_round")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_id: i64,
    pub title: String,
    pub mode: crate::supervision::InspectionMode,
    pub method: crate::supervision::InspectionMethod,
    pub planned_on: Date,
    pub draw_from_org_id: Option<i64>,
    pub draw_size: Option<i32>,
    /// The seed an unannounced round's draw is computed from (hex), kept to show and redo it.
    pub draw_seed: Option<String>,
    pub created_by: i64,
    pub created_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
