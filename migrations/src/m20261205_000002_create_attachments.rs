use sea_orm_migration::{prelude::*, schema::*};

use crate::schema_parts::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Evidence files (photos of the minutes, reports, inspection evidence). The bytes are
        // stored once by their SHA-256 in the blob store; this row says whose they are.
        manager
            .create_table(
                Table::create()
                    .table("attachment")
                    .col(big_pk_auto("id"))
                    .col(string_len("owner_type", 20))
                    .col(big_integer("owner_id"))
                    .col(string_len("file_type", 10))
                    .col(string_len("sha256", 64))
                    .col(big_integer("size_bytes"))
                    .col(string_len("name", 120))
                    .col(string_len_null("thumbnail_sha256", 64))
                    .col(big_integer("uploaded_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("attachment", "uploaded_by", "person"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_attachment_owner",
                "attachment",
                &["owner_type", "owner_id"],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("attachment").to_owned())
            .await
    }
}
