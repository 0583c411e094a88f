use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Tokens printed by `huodongri admin token` may live longer than a login's, so each
        // is recorded and checked on use: revoking the row ends the token at once.
        manager
            .create_table(
                Table::create()
                    .table("admin_token")
                    .col(string_len("jti", 40).primary_key())
                    .col(big_integer("person_id"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("admin_token", "person_id")
                            .to("person", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_admin_token_person")
                    .table("admin_token")
                    .col("person_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("admin_token").to_owned())
            .await
    }
}
