//! Where attachment bytes live. The service sees only `BlobStore`: content-addressed by
//! SHA-256, written once, read whole. `DbStore` keeps them in the database (the default:
//! every instance behind a balancer sees them); `FsStore` under the data directory, for a
//! single instance or a shared mount.
use std::path::PathBuf;

use anyhow::Context;
use futures_util::future::BoxFuture;
use sea_orm::{DatabaseConnection, EntityTrait, Set, sea_query::OnConflict};

use crate::entities::attachment_blob;

pub trait BlobStore: Send + Sync {
    /// Stores `bytes` under `sha256` (lower-case hex). Storing the same bytes again is a no-op.
    fn put<'a>(&'a self, sha256: &'a str, bytes: &'a [u8]) -> BoxFuture<'a, anyhow::Result<()>>;
    /// The bytes stored under `sha256`, if any.
    fn get<'a>(&'a self, sha256: &'a str) -> BoxFuture<'a, anyhow::Result<Option<Vec<u8>>>>;
}

fn ensure_sha256_name(sha256: &str) -> anyhow::Result<()> {
    anyhow::ensure!(
        sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit()),
        "not a SHA-256 name: {sha256}"
    );
    Ok(())
}

/// One row per distinct content in `attachment_blob`.
pub struct DbStore {
    db: DatabaseConnection,
}

impl DbStore {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

impl BlobStore for DbStore {
    fn put<'a>(&'a self, sha256: &'a str, bytes: &'a [u8]) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            ensure_sha256_name(sha256)?;
            // Two instances storing the same photo at once: the second insert does nothing.
            attachment_blob::Entity::insert(attachment_blob::ActiveModel {
                sha256: Set(sha256.to_owned()),
                bytes: Set(bytes.to_vec()),
            })
            .on_conflict(
                OnConflict::column(attachment_blob::Column::Sha256)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(&self.db)
            .await
            .context("cannot store an attachment's bytes")?;
            Ok(())
        })
    }

    fn get<'a>(&'a self, sha256: &'a str) -> BoxFuture<'a, anyhow::Result<Option<Vec<u8>>>> {
        Box::pin(async move {
            ensure_sha256_name(sha256)?;
            Ok(attachment_blob::Entity::find_by_id(sha256.to_owned())
                .one(&self.db)
                .await
                .context("cannot read an attachment's bytes")?
                .map(|blob| blob.bytes))
        })
    }
}

/// `<root>/ab/abcdef…`: two hex characters per directory keep directories small.
pub struct FsStore {
    root: PathBuf,
}

impl FsStore {
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }

    fn path(&self, sha256: &str) -> anyhow::Result<PathBuf> {
        ensure_sha256_name(sha256)?;
        Ok(self.root.join(&sha256[..2]).join(sha256))
    }
}

impl BlobStore for FsStore {
    fn put<'a>(&'a self, sha256: &'a str, bytes: &'a [u8]) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            let path = self.path(sha256)?;
            if tokio::fs::try_exists(&path).await.unwrap_or(false) {
                return Ok(());
            }
            let dir = path.parent().context("a blob has a directory")?;
            tokio::fs::create_dir_all(dir)
                .await
                .with_context(|| format!("cannot create {}", dir.display()))?;
            // Written aside, then renamed: a reader never sees half a file.
            let partial = dir.join(format!(".{sha256}.{}", uuid::Uuid::new_v4().simple()));
            tokio::fs::write(&partial, bytes)
                .await
                .with_context(|| format!("cannot write {}", partial.display()))?;
            tokio::fs::rename(&partial, &path)
                .await
                .with_context(|| format!("cannot move a blob into {}", path.display()))
        })
    }

    fn get<'a>(&'a self, sha256: &'a str) -> BoxFuture<'a, anyhow::Result<Option<Vec<u8>>>> {
        Box::pin(async move {
            let path = self.path(sha256)?;
            match tokio::fs::read(&path).await {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
            }
        })
    }
}
