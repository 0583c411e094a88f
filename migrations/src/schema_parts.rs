//! Statement parts several migrations build alike.
use sea_orm_migration::prelude::*;

/// A foreign key from `from_table.from_col` to `to.id`.
pub fn fk(
    from_table: &'static str,
    from_col: &'static str,
    to: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, from_col)
        .to(to, "id")
        .to_owned()
}

/// A plain index `name` on `table (cols…)`.
pub fn index(
    name: &'static str,
    table: &'static str,
    cols: &[&'static str],
) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for col in cols {
        index.col(*col);
    }
    index.to_owned()
}
