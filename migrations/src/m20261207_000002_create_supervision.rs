use sea_orm_migration::{prelude::*, schema::*};

use crate::schema_parts::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// 督查考评 (§三.3): inspection rounds with their targets (an unannounced round's draw kept
/// with its seed), findings, rectification tasks, published results in versions, and the
/// yearly assessment with its versioned rubric.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("inspection_round")
                    .col(big_pk_auto("id"))
                    .col(big_integer("org_id"))
                    .col(string_len("title", 200))
                    .col(string_len("mode", 16))
                    .col(string_len("method", 16))
                    .col(date("planned_on"))
                    .col(big_integer_null("draw_from_org_id"))
                    .col(integer_null("draw_size"))
                    .col(string_len_null("draw_seed", 64))
                    .col(big_integer("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("inspection_round", "org_id", "organisation"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("inspection_target")
                    .col(big_pk_auto("id"))
                    .col(big_integer("round_id"))
                    .col(big_integer("org_id"))
                    .col(integer_null("draw_rank"))
                    .col(string_len_null("draw_key", 64))
                    .foreign_key(&mut fk("inspection_target", "round_id", "inspection_round"))
                    .foreign_key(&mut fk("inspection_target", "org_id", "organisation"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "uq_inspection_target",
                    "inspection_target",
                    &["round_id", "org_id"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("inspection_finding")
                    .col(big_pk_auto("id"))
                    .col(big_integer("round_id"))
                    .col(big_integer("org_id"))
                    .col(big_integer("inspector_id"))
                    .col(string_len("kind", 16))
                    .col(text("text"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk(
                        "inspection_finding",
                        "round_id",
                        "inspection_round",
                    ))
                    .foreign_key(&mut fk("inspection_finding", "org_id", "organisation"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_inspection_finding_org",
                "inspection_finding",
                &["org_id", "round_id"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("rectification")
                    .col(big_pk_auto("id"))
                    .col(big_integer("finding_id"))
                    .col(big_integer("round_id"))
                    .col(big_integer("org_id"))
                    .col(text("requirement"))
                    .col(date("deadline"))
                    .col(string_len("status", 16))
                    .col(text_null("answer"))
                    .col(timestamp_with_time_zone_null("answered_at"))
                    .col(big_integer_null("answered_by"))
                    .col(text_null("decision_note"))
                    .col(timestamp_with_time_zone_null("decided_at"))
                    .col(big_integer_null("decided_by"))
                    .col(big_integer_null("escalated_to_org_id"))
                    .col(big_integer("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("rectification", "finding_id", "inspection_finding"))
                    .foreign_key(&mut fk("rectification", "org_id", "organisation"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_rectification_due",
                "rectification",
                &["status", "deadline"],
            ))
            .await?;
        manager
            .create_index(index("idx_rectification_org", "rectification", &["org_id"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("inspection_publication")
                    .col(big_pk_auto("id"))
                    .col(big_integer("round_id"))
                    .col(integer("version"))
                    .col(date("publish_on"))
                    .col(text("summary"))
                    .col(text_null("correction_reason"))
                    .col(big_integer("published_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk(
                        "inspection_publication",
                        "round_id",
                        "inspection_round",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "uq_inspection_publication",
                    "inspection_publication",
                    &["round_id", "version"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("inspection_result")
                    .col(big_pk_auto("id"))
                    .col(big_integer("publication_id"))
                    .col(big_integer("org_id"))
                    .col(string_len("verdict", 24))
                    .col(text("comment"))
                    .foreign_key(&mut fk(
                        "inspection_result",
                        "publication_id",
                        "inspection_publication",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "uq_inspection_result",
                    "inspection_result",
                    &["publication_id", "org_id"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("assessment_rubric")
                    .col(big_pk_auto("id"))
                    .col(integer("version").unique_key())
                    .col(text("lines"))
                    .col(text("note"))
                    .col(big_integer_null("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        // The city's first rubric (README, "The yearly assessment", says why these weights);
        // the city changes it by adding a version, never by editing this one.
        let default_lines = serde_json::json!([
            {"key": "previews_on_time", "weight": 15, "threshold": 1.0},
            {"key": "participation", "weight": 25, "threshold": 0.8},
            {"key": "ledger_complete", "weight": 15, "threshold": 1.0},
            {"key": "themed_activities", "weight": 10, "threshold": 2.0},
            {"key": "service_minimums", "weight": 10, "threshold": 1.0},
            {"key": "leaders_quotas", "weight": 10, "threshold": 1.0},
            {"key": "feedback_average", "weight": 5, "threshold": 4.0},
            {"key": "rectifications_closed", "weight": 10, "threshold": 1.0}
        ]);
        manager
            .exec_stmt(
                Query::insert()
                    .into_table("assessment_rubric")
                    .columns(["version", "lines", "note", "created_at"])
                    .values([
                        1.into(),
                        default_lines.to_string().into(),
                        "默认考核细则".into(),
                        Expr::current_timestamp(),
                    ])
                    .map_err(|e| DbErr::Custom(e.to_string()))?
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("assessment_score")
                    .col(big_pk_auto("id"))
                    .col(big_integer("org_id"))
                    .col(integer("year"))
                    .col(integer("rubric_version"))
                    .col(double_null("total"))
                    .col(text("lines"))
                    .col(timestamp_with_time_zone("computed_at"))
                    .foreign_key(&mut fk("assessment_score", "org_id", "organisation"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "uq_assessment_score",
                    "assessment_score",
                    &["org_id", "year"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "assessment_score",
            "assessment_rubric",
            "inspection_result",
            "inspection_publication",
            "rectification",
            "inspection_finding",
            "inspection_target",
            "inspection_round",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
