use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A static (poster) code proves nothing about when it was scanned, so a queued offline
        // scan of one is accepted only where the organiser opted in.
        manager
            .alter_table(
                Table::alter()
                    .table("activity")
                    .add_column(boolean("offline_static").default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("activity")
                    .drop_column("offline_static")
                    .to_owned(),
            )
            .await
    }
}
