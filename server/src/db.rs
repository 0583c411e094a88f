//! Database connection and migrations, for both the embedded SQLite file and PostgreSQL.
use std::{path::Path, time::Duration};

use anyhow::Context;
use migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};
use secrecy::ExposeSecret;

use crate::config::DatabaseSettings;

/// Statements run through one database connection (pool) and its clones, an atomic add
/// each: how tests prove a list endpoint does a fixed number of queries.
pub type StatementCount = std::sync::Arc<std::sync::atomic::AtomicU64>;

/// SQLite serialises writers, so more connections only queue on its write lock; a few
/// cover concurrent readers (WAL lets them run beside the writer).
const SQLITE_MAX_CONNECTIONS: u32 = 4;

pub fn sqlite_path(data_dir: &Path) -> std::path::PathBuf {
    data_dir.join("huodongri.sqlite")
}

/// Creates a directory (and its missing parents) readable by the server's user only.
pub fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .with_context(|| format!("cannot create {}", dir.display()))
}

/// The data dir holds the database and the generated secrets: only the server's own user may
/// enter it (0700), and the SQLite file and its journals are 0600 from the moment they exist
/// (SQLite gives its -wal and -shm files the database file's permissions).
pub fn prepare_data_dir(data_dir: &Path) -> anyhow::Result<()> {
    create_private_dir(data_dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let private = |path: &Path, mode: u32| -> anyhow::Result<()> {
            if path.exists() {
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
                    .with_context(|| format!("cannot restrict {}", path.display()))?;
            }
            Ok(())
        };
        private(data_dir, 0o700)?;
        private(&data_dir.join("secrets"), 0o700)?;
        let database = sqlite_path(data_dir);
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&database)
            .with_context(|| format!("cannot create {}", database.display()))?;
        for suffix in ["", "-wal", "-shm", "-journal"] {
            private(&data_dir.join(format!("huodongri.sqlite{suffix}")), 0o600)?;
        }
    }
    Ok(())
}

#[tracing::instrument(name = "Connect to the database", skip_all)]
pub async fn connect(
    settings: &DatabaseSettings,
    data_dir: &Path,
) -> anyhow::Result<DatabaseConnection> {
    connect_counted(settings, data_dir, StatementCount::default()).await
}

/// `connect`, counting every statement into `statements`.
pub async fn connect_counted(
    settings: &DatabaseSettings,
    data_dir: &Path,
    statements: StatementCount,
) -> anyhow::Result<DatabaseConnection> {
    let mut options = match &settings.url {
        Some(url) => {
            let mut options = ConnectOptions::new(url.expose_secret().to_owned());
            options
                .max_connections(settings.max_connections)
                .min_connections(settings.min_connections);
            if let Some(schema) = &settings.schema {
                options.set_schema_search_path(valid_schema_name(schema)?.to_owned());
            }
            options
        }
        None => {
            prepare_data_dir(data_dir)?;
            let path = sqlite_path(data_dir);
            let mut options = ConnectOptions::new(format!("sqlite://{}?mode=rwc", path.display()));
            options
                .max_connections(settings.max_connections.min(SQLITE_MAX_CONNECTIONS))
                .min_connections(1)
                .map_sqlx_sqlite_opts(|o| {
                    o.journal_mode(SqliteJournalMode::Wal)
                        // FULL: an acknowledged check-in survives a power cut, not only a crash.
                        .synchronous(SqliteSynchronous::Full)
                        .busy_timeout(Duration::from_secs(5))
                        .foreign_keys(true)
                });
            options
        }
    };
    options
        .acquire_timeout(Duration::from_millis(settings.acquire_timeout_ms))
        .connect_timeout(Duration::from_millis(settings.acquire_timeout_ms))
        // The per-acquire ping costs ~27 % of check-in throughput here; a dead connection
        // surfaces as a query error instead and the pool replaces it.
        .test_before_acquire(false)
        .sqlx_logging(false);
    let mut db = Database::connect(options)
        .await
        .context("cannot connect to the database")?;
    let counter = statements.clone();
    db.set_metric_callback(move |_| {
        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    });
    if let Some(schema) = settings
        .schema
        .as_deref()
        .filter(|_| settings.url.is_some())
    {
        db.execute_unprepared(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
            .await
            .with_context(|| format!("cannot create the schema {schema}"))?;
    }
    Ok(db)
}

fn valid_schema_name(name: &str) -> anyhow::Result<&str> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if ok {
        Ok(name)
    } else {
        anyhow::bail!("database.schema `{name}` must be lower-case letters, digits and _")
    }
}

/// Runs the pending migrations. Instances started together (all restarted at once, a new
/// release on several machines) must not run one migration twice: on PostgreSQL they run in
/// one transaction holding an advisory lock keyed by the schema, so one instance migrates
/// while the others wait, and those find nothing pending (DDL is transactional there).
#[tracing::instrument(name = "Run pending migrations", skip_all)]
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<usize> {
    if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        use sea_orm::TransactionTrait;
        let txn = db
            .begin()
            .await
            .context("cannot start the migrations' transaction")?;
        txn.execute_unprepared(
            "SELECT pg_advisory_xact_lock(1751412327, hashtext(current_schema()))",
        )
        .await
        .context("cannot take the migration lock")?;
        let applied = apply_pending(&txn).await?;
        txn.commit().await.context("cannot commit the migrations")?;
        return Ok(applied);
    }
    apply_pending(db).await
}

async fn apply_pending<C>(db: &C) -> anyhow::Result<usize>
where
    C: sea_orm::ConnectionTrait,
    for<'c> &'c C: sea_orm::IntoDatabaseExecutor<'c>,
{
    let pending = Migrator::get_pending_migrations(db)
        .await
        .context("cannot read the migration status")?
        .len();
    Migrator::up(db, None).await.context("a migration failed")?;
    if pending > 0 {
        tracing::info!(applied = pending, "database migrated");
    }
    Ok(pending)
}

pub fn kind(db: &DatabaseConnection) -> &'static str {
    match db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => "postgresql",
        sea_orm::DatabaseBackend::Sqlite => "sqlite",
        _ => "other",
    }
}

/// Starts a transaction that is going to write. On SQLite it takes the write lock at
/// `BEGIN IMMEDIATE`, so a concurrent writer makes it wait (busy_timeout) instead of failing
/// with SQLITE_BUSY when a read-then-write transaction tries to upgrade; PostgreSQL starts
/// an ordinary transaction.
pub async fn begin_write<C: sea_orm::TransactionTrait>(
    db: &C,
) -> Result<C::Transaction, sea_orm::DbErr> {
    db.begin_with_options(sea_orm::TransactionOptions {
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// `id → name` for the rows of `E` whose `id` column is among `ids`, read in chunks of 500
/// so a long list stays within every store's parameter limit. Lists use it to name people and
/// organisations with one statement per chunk, never one per row.
pub async fn names_by_id<E: sea_orm::EntityTrait>(
    db: &impl sea_orm::ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
    id: E::Column,
    name: E::Column,
) -> anyhow::Result<std::collections::HashMap<i64, String>> {
    use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    let mut out = std::collections::HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let rows: Vec<(i64, String)> = E::find()
            .select_only()
            .column(id)
            .column(name)
            .filter(id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await
            .with_context(|| format!("cannot read names from {}", E::default().table_name()))?;
        out.extend(rows);
    }
    Ok(out)
}

/// Placeholders in each store's dialect (`$1, $2…` or `?`), numbered as values are added:
/// for the few statements built by hand (multi-row INSERTs of the group-commit writers).
#[derive(Clone, Copy)]
pub struct Params(pub sea_orm::DatabaseBackend);

impl Params {
    /// Adds `value` and returns its placeholder.
    pub fn param(self, values: &mut Vec<sea_orm::Value>, value: sea_orm::Value) -> String {
        values.push(value);
        match self.0 {
            sea_orm::DatabaseBackend::Postgres => format!("${}", values.len()),
            _ => "?".to_owned(),
        }
    }

    /// Adds every id and returns their placeholders, comma-separated (for `IN (…)`).
    pub fn list(self, values: &mut Vec<sea_orm::Value>, ids: impl Iterator<Item = i64>) -> String {
        ids.map(|id| self.param(values, id.into()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}
