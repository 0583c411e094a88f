use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_run")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub job: crate::scheduler::Job,
    #[sea_orm(primary_key, auto_increment = false)]
    pub period: String,
    pub started_at: DateTimeWithTimeZone,
    pub finished_at: Option<DateTimeWithTimeZone>,
    pub outcome: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
