use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Attachment bytes in the database, content-addressed by SHA-256: every instance behind the
/// balancer serves what any of them took, with no shared disk to run.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("attachment_blob")
                    .col(string_len("sha256", 64).primary_key())
                    .col(blob("bytes"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("attachment_blob").to_owned())
            .await
    }
}
