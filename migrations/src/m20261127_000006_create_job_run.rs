use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One row per scheduled job and period: inserting it is the lock, so each job runs
        // once per period however many server instances tick.
        manager
            .create_table(
                Table::create()
                    .table("job_run")
                    .col(string_len("job", 50))
                    .col(string_len("period", 20))
                    .col(timestamp_with_time_zone("started_at"))
                    .col(timestamp_with_time_zone_null("finished_at"))
                    .col(text_null("outcome"))
                    .primary_key(Index::create().col("job").col("period"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("job_run").to_owned())
            .await
    }
}
