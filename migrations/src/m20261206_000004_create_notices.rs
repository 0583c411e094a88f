use sea_orm_migration::{prelude::*, schema::*};

use crate::schema_parts::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // 党务公开: a notice of an organisation (党务, 政务 or 财务) to its own members, to its
        // whole subtree, and optionally to the public of a community.
        manager
            .create_table(
                Table::create()
                    .table("notice")
                    .col(big_pk_auto("id"))
                    .col(big_integer("org_id"))
                    .col(string_len("kind", 12))
                    .col(string_len("audience", 12))
                    .col(big_integer_null("community_id"))
                    .col(string_len("title", 100))
                    .col(text("body"))
                    .col(big_integer("author_id"))
                    .col(timestamp_with_time_zone("published_at"))
                    .foreign_key(&mut fk("notice", "org_id", "organisation"))
                    .foreign_key(&mut fk("notice", "community_id", "organisation"))
                    .foreign_key(&mut fk("notice", "author_id", "person"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_notice_org",
                "notice",
                &["org_id", "published_at"],
            ))
            .await?;
        manager
            .create_index(index("idx_notice_community", "notice", &["community_id"]))
            .await?;
        // Read receipts: the first time each member opened the notice.
        manager
            .create_table(
                Table::create()
                    .table("notice_read")
                    .col(big_pk_auto("id"))
                    .col(big_integer("notice_id"))
                    .col(big_integer("person_id"))
                    .col(timestamp_with_time_zone("read_at"))
                    .foreign_key(&mut fk("notice_read", "notice_id", "notice"))
                    .foreign_key(&mut fk("notice_read", "person_id", "person"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index("uq_notice_read", "notice_read", &["notice_id", "person_id"])
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["notice_read", "notice"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
