use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("audit_log")
                    .col(big_pk_auto("id"))
                    .col(timestamp_with_time_zone("occurred_at"))
                    // Who acted: a person id when a signed-in person did it, or a label such as
                    // "cli" for the operator's shell, so command-line actions are audited too.
                    .col(big_integer_null("actor_person_id"))
                    .col(string_len("actor_label", 100))
                    .col(string_len("action", 100))
                    .col(string_len_null("target_type", 50))
                    .col(string_len_null("target_id", 100))
                    .col(big_integer_null("org_id"))
                    .col(string_len_null("request_id", 64))
                    // JSON text rather than jsonb: the same column type on SQLite and PostgreSQL.
                    .col(text("detail"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_log_org_time")
                    .table("audit_log")
                    .col("org_id")
                    .col("occurred_at")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("audit_log").to_owned())
            .await
    }
}
