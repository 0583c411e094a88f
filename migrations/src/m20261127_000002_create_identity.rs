use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("organisation")
                    .col(big_pk_auto("id"))
                    .col(string_len_uniq("code", 50))
                    .col(string_len("name", 100))
                    // city, district, committee, branch, community, department
                    .col(string_len("kind", 20))
                    .col(big_integer_null("parent_id"))
                    .col(string_len("activity_day_policy", 30).default("next_working_day"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("organisation", "parent_id")
                            .to("organisation", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_organisation_parent")
                    .table("organisation")
                    .col("parent_id")
                    .to_owned(),
            )
            .await?;
        // Closure table: one row per (ancestor, descendant) pair, including each org with
        // itself at depth 0, so "everything under X" is one indexed lookup on any backend.
        manager
            .create_table(
                Table::create()
                    .table("organisation_closure")
                    .col(big_integer("ancestor_id"))
                    .col(big_integer("descendant_id"))
                    .col(integer("depth"))
                    .primary_key(Index::create().col("ancestor_id").col("descendant_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("organisation_closure", "ancestor_id")
                            .to("organisation", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("organisation_closure", "descendant_id")
                            .to("organisation", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_organisation_closure_descendant")
                    .table("organisation_closure")
                    .col("descendant_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("person")
                    .col(big_pk_auto("id"))
                    .col(string_len("name", 50))
                    // Normalised mainland mobile number, 11 digits.
                    .col(string_len_uniq("phone", 20))
                    .col(big_integer("org_id"))
                    // full, probationary, activist
                    .col(string_len("status", 20))
                    .col(date_null("join_date"))
                    // 书记, 副书记, 委员, 党小组长
                    .col(string_len_null("party_post", 20))
                    .col(string_len_null("leader_level", 30))
                    .col(string_len_null("deputy_level", 10))
                    .col(string_len_null("work_unit", 100))
                    .col(boolean("in_service_organ").default(false))
                    // 按规定可暂不参加组织生活: excluded from expected participants.
                    .col(boolean("exempt").default(false))
                    .col(string_len_null("exempt_reason", 200))
                    .col(boolean("active").default(true))
                    .col(string_len_null("wechat_openid", 64).unique_key())
                    .col(string_len_null("wechat_unionid", 64))
                    .col(string_len_null("password_hash", 200))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("person", "org_id")
                            .to("organisation", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_person_org")
                    .table("person")
                    .col("org_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("role_grant")
                    .col(big_pk_auto("id"))
                    .col(big_integer("person_id"))
                    // secretary, reviewer, org_admin, supervisor, community_admin, volunteer_lead
                    .col(string_len("role", 30))
                    .col(big_integer("org_id"))
                    .col(big_integer_null("granted_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("role_grant", "person_id")
                            .to("person", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("role_grant", "org_id")
                            .to("organisation", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_role_grant")
                    .table("role_grant")
                    .col("person_id")
                    .col("role")
                    .col("org_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("invite_code")
                    .col(big_pk_auto("id"))
                    .col(big_integer("person_id"))
                    // SHA-256 of the code: a leaked table does not reveal usable codes.
                    .col(string_len_uniq("code_hash", 64))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .col(big_integer_null("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("invite_code", "person_id")
                            .to("person", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("refresh_token")
                    .col(big_pk_auto("id"))
                    .col(big_integer("person_id"))
                    // All tokens descended from one login share a family; reuse of a rotated
                    // token revokes the family.
                    .col(string_len("family_id", 36))
                    .col(string_len_uniq("token_hash", 64))
                    .col(timestamp_with_time_zone("issued_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("rotated_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("refresh_token", "person_id")
                            .to("person", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_refresh_token_family")
                    .table("refresh_token")
                    .col("family_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "refresh_token",
            "invite_code",
            "role_grant",
            "person",
            "organisation_closure",
            "organisation",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
