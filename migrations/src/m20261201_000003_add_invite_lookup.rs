use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Invite codes become a public lookup tag plus a secret checked by a keyed hash, so
        // wrong guesses can be counted against the one invite (and person) they aim at.
        // Unused codes of the old shape can no longer be checked: they expire now.
        manager
            .alter_table(
                Table::alter()
                    .table("invite_code")
                    .add_column(string_len_null("lookup", 8))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("invite_code")
                    .add_column(integer("failures").default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_invite_code_lookup")
                    .table("invite_code")
                    .col("lookup")
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE invite_code SET expires_at = created_at WHERE used_at IS NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_invite_code_lookup")
                    .table("invite_code")
                    .to_owned(),
            )
            .await?;
        for column in ["failures", "lookup"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("invite_code")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
