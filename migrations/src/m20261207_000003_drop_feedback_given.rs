use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Feedback's once-only rule moves to the answer's receipt (already unique): a row naming who
/// answered, written in the same transaction as the answer, could be joined to it by what the
/// store keeps about rows (PostgreSQL's `xmin`), so it goes. Every answer already has its
/// receipt; nothing is lost.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("feedback_given").to_owned())
            .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // Who answered cannot be rebuilt without the server's secret; the table stays gone.
        Ok(())
    }
}
