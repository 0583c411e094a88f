use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Followers of the organisation's official account (公众号), by the account's own openid,
/// with the unionid that joins them to a member's mini-program login. Kept current by the
/// account's subscribe/unsubscribe pushes; a person has at most one unionid.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("oa_follower")
                    .col(string_len("oa_openid", 64).primary_key())
                    .col(string_len_null("unionid", 64))
                    .col(boolean("following"))
                    .col(timestamp_with_time_zone("changed_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_oa_follower_unionid")
                    .table("oa_follower")
                    .col("unionid")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_person_wechat_unionid")
                    .table("person")
                    .col("wechat_unionid")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("uq_person_wechat_unionid")
                    .table("person")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table("oa_follower").to_owned())
            .await
    }
}
