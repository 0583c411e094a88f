use sea_orm_migration::{prelude::*, schema::*};

/// The official holiday arrangements known on the day this migration was written
/// (2007–2026, State Council notices); later years are loaded through the admin API.
const SEED: &str = include_str!("../data/cn-holidays.json");

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("calendar_day")
                    .col(date("day").primary_key())
                    .col(integer("year"))
                    // holiday (a day off in a State Council period) or workday (a make-up
                    // Saturday or Sunday)
                    .col(string_len("kind", 10))
                    .col(string_len("name", 50))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_calendar_day_year")
                    .table("calendar_day")
                    .col("year")
                    .to_owned(),
            )
            .await?;
        let seed: serde_json::Value =
            serde_json::from_str(SEED).map_err(|e| DbErr::Migration(format!("bad seed: {e}")))?;
        let years = seed
            .as_object()
            .ok_or_else(|| DbErr::Migration("the seed is not an object".into()))?;
        for (year, arrangement) in years {
            let year: i32 = year
                .parse()
                .map_err(|_| DbErr::Migration(format!("bad year key {year}")))?;
            let mut insert = Query::insert();
            insert
                .into_table("calendar_day")
                .columns(["day", "year", "kind", "name"]);
            for kind in ["holidays", "workdays"] {
                let entries = arrangement[kind]
                    .as_array()
                    .ok_or_else(|| DbErr::Migration(format!("{year}: no {kind}")))?;
                for entry in entries {
                    let (Some(day), Some(name)) = (entry[0].as_str(), entry[1].as_str()) else {
                        return Err(DbErr::Migration(format!("{year}: bad entry {entry}")));
                    };
                    let day = parse_date(day)?;
                    insert.values_panic([
                        day.into(),
                        year.into(),
                        kind.trim_end_matches('s').into(),
                        name.into(),
                    ]);
                }
            }
            manager.exec_stmt(insert).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("calendar_day").to_owned())
            .await
    }
}

fn parse_date(raw: &str) -> Result<sea_orm::prelude::Date, DbErr> {
    sea_orm::prelude::Date::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| DbErr::Migration(format!("bad date {raw}")))
}
