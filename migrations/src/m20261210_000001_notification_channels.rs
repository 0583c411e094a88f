use sea_orm_migration::{prelude::*, schema::*};

use crate::schema_parts::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The second channel's bookkeeping: which channel reached each queued notification (the
/// delivery report's totals), and an organisation's own order of channels, inherited by the
/// organisations below it.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("push_outbox")
                    .add_column(string_len_null("channel", 24))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("org_notification_channels")
                    .col(big_integer("org_id").primary_key())
                    .col(string_len("channel_order", 64))
                    .col(big_integer("changed_by"))
                    .col(timestamp_with_time_zone("changed_at"))
                    .foreign_key(&mut fk(
                        "org_notification_channels",
                        "org_id",
                        "organisation",
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("org_notification_channels").to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("push_outbox")
                    .drop_column("channel")
                    .to_owned(),
            )
            .await
    }
}
