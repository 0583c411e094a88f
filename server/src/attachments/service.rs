//! Uploading, listing and serving attachments, with the owning record's scope checked on
//! every call.
use std::sync::Arc;

use anyhow::Context;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use utoipa::ToSchema;

use super::{
    AttachmentOwner, FileType,
    error::{AttachmentError, invalid},
    sniff::sniff,
    store::BlobStore,
};
use crate::{
    audit::{self, Actor, AuditEntry},
    authz::{self, Caller, ORGANISE, READ_DIRECTORY},
    clock,
    config::AttachmentSettings,
    entities::{activity_plan, attachment, duty_entry},
};

#[derive(Serialize, ToSchema)]
pub struct AttachmentView {
    pub id: i64,
    pub owner_type: AttachmentOwner,
    pub owner_id: i64,
    pub file_type: FileType,
    pub media_type: &'static str,
    pub name: String,
    pub size_bytes: i64,
    pub sha256: String,
    /// `/api/v1/attachments/{id}/content`
    pub content_url: String,
    /// `/api/v1/attachments/{id}/thumbnail` for images; `null` for documents.
    pub thumbnail_url: Option<String>,
    pub uploaded_by: i64,
    pub created_at: String,
}

fn view(row: attachment::Model) -> AttachmentView {
    AttachmentView {
        content_url: format!("/api/v1/attachments/{}/content", row.id),
        thumbnail_url: row
            .thumbnail_sha256
            .as_ref()
            .map(|_| format!("/api/v1/attachments/{}/thumbnail", row.id)),
        media_type: row.file_type.media_type(),
        created_at: row
            .created_at
            .with_timezone(&clock::shanghai())
            .to_rfc3339(),
        id: row.id,
        owner_type: row.owner_type,
        owner_id: row.owner_id,
        file_type: row.file_type,
        name: row.name,
        size_bytes: row.size_bytes,
        sha256: row.sha256,
        uploaded_by: row.uploaded_by,
    }
}

/// A file to serve: its bytes, type and name.
pub struct Content {
    pub bytes: Vec<u8>,
    pub media_type: &'static str,
    pub name: String,
    pub inline: bool,
}

/// The attachments service: the blob store, the limits, and the gate on image decoding.
#[derive(Clone)]
pub struct Attachments {
    store: Arc<dyn BlobStore>,
    settings: AttachmentSettings,
    decoding: Arc<Semaphore>,
}

enum Access {
    Upload,
    Read,
}

impl Attachments {
    pub fn new(store: Arc<dyn BlobStore>, settings: AttachmentSettings) -> Self {
        let permits = settings.concurrent_decodes.max(1);
        Self {
            store,
            settings,
            decoding: Arc::new(Semaphore::new(permits)),
        }
    }

    pub fn max_bytes(&self) -> u64 {
        self.settings.max_bytes
    }

    /// Whether the caller may upload to or read the record: a duty entry is its author's
    /// (staff who read the author's organisation may read it); an activity's files are its
    /// organisers' to add and its ledger readers' to read.
    async fn check(
        db: &DatabaseConnection,
        caller: Caller,
        owner: AttachmentOwner,
        owner_id: i64,
        access: Access,
    ) -> Result<(), AttachmentError> {
        let allowed = match owner {
            AttachmentOwner::DutyEntry => {
                let entry = duty_entry::Entity::find_by_id(owner_id)
                    .one(db)
                    .await
                    .context("cannot read a duty entry")?
                    .ok_or(AttachmentError::NotFound("duty entry"))?;
                if entry.person_id == caller.person_id {
                    true
                } else if matches!(access, Access::Upload) {
                    false
                } else {
                    let author = crate::people::find(db, entry.person_id)
                        .await?
                        .ok_or(AttachmentError::NotFound("duty entry"))?;
                    authz::has_role(db, caller.person_id, READ_DIRECTORY, author.org_id).await?
                }
            }
            AttachmentOwner::Activity => {
                let plan = activity_plan::Entity::find_by_id(owner_id)
                    .one(db)
                    .await
                    .context("cannot read a plan")?
                    .ok_or(AttachmentError::NotFound("activity"))?;
                let roles = match access {
                    Access::Upload => ORGANISE,
                    Access::Read => READ_DIRECTORY,
                };
                authz::has_role(db, caller.person_id, roles, plan.org_id).await?
            }
            AttachmentOwner::Inspection => {
                let upload = matches!(access, Access::Upload);
                match crate::deputies::inspections::may_access(db, caller, owner_id, upload).await {
                    Ok(allowed) => allowed,
                    Err(crate::deputies::DeputyError::NotFound(_)) => {
                        return Err(AttachmentError::NotFound("inspection"));
                    }
                    Err(e) => return Err(AttachmentError::Unexpected(anyhow::anyhow!("{e}"))),
                }
            }
            AttachmentOwner::PoliticalBirthday => {
                let upload = matches!(access, Access::Upload);
                match crate::org_life::birthdays::may_access_report(db, caller, owner_id, upload)
                    .await
                {
                    Ok(allowed) => allowed,
                    Err(crate::org_life::LifeError::NotFound(_)) => {
                        return Err(AttachmentError::NotFound("political birthday"));
                    }
                    Err(e) => return Err(AttachmentError::Unexpected(anyhow::anyhow!("{e}"))),
                }
            }
            AttachmentOwner::Notice => {
                let upload = matches!(access, Access::Upload);
                match crate::org_life::notices::may_access_files(db, caller, owner_id, upload).await
                {
                    Ok(allowed) => allowed,
                    Err(crate::org_life::LifeError::NotFound(_)) => {
                        return Err(AttachmentError::NotFound("notice"));
                    }
                    Err(e) => return Err(AttachmentError::Unexpected(anyhow::anyhow!("{e}"))),
                }
            }
            AttachmentOwner::InspectionFinding => {
                let upload = matches!(access, Access::Upload);
                match crate::supervision::inspections::may_access_finding(
                    db, caller, owner_id, upload,
                )
                .await
                {
                    Ok(allowed) => allowed,
                    Err(crate::supervision::SupervisionError::NotFound(_)) => {
                        return Err(AttachmentError::NotFound("finding"));
                    }
                    Err(e) => return Err(AttachmentError::Unexpected(anyhow::anyhow!("{e}"))),
                }
            }
            AttachmentOwner::Rectification => {
                let upload = matches!(access, Access::Upload);
                match crate::supervision::rectifications::may_access(db, caller, owner_id, upload)
                    .await
                {
                    Ok(allowed) => allowed,
                    Err(crate::supervision::SupervisionError::NotFound(_)) => {
                        return Err(AttachmentError::NotFound("rectification"));
                    }
                    Err(e) => return Err(AttachmentError::Unexpected(anyhow::anyhow!("{e}"))),
                }
            }
        };
        if allowed {
            Ok(())
        } else {
            // Someone else's duty entry is not theirs to know of; an activity refuses plainly.
            match (owner, access) {
                (AttachmentOwner::DutyEntry, Access::Read) => {
                    Err(AttachmentError::NotFound("duty entry"))
                }
                (AttachmentOwner::Inspection, Access::Read) => {
                    Err(AttachmentError::NotFound("inspection"))
                }
                (AttachmentOwner::PoliticalBirthday, Access::Read) => {
                    Err(AttachmentError::NotFound("political birthday"))
                }
                (AttachmentOwner::Notice, Access::Read) => Err(AttachmentError::NotFound("notice")),
                (AttachmentOwner::InspectionFinding, Access::Read) => {
                    Err(AttachmentError::NotFound("finding"))
                }
                (AttachmentOwner::Rectification, Access::Read) => {
                    Err(AttachmentError::NotFound("rectification"))
                }
                _ => Err(AttachmentError::Forbidden),
            }
        }
    }

    /// Stores a file as evidence of a record. Its bytes decide its type, which its name
    /// must agree with; an image must decode (within the memory limit) to get a thumbnail.
    /// The row is written last, so a refused file leaves no record.
    #[allow(clippy::too_many_arguments)]
    pub async fn upload(
        &self,
        db: &DatabaseConnection,
        caller: Caller,
        owner: AttachmentOwner,
        owner_id: i64,
        name: &str,
        bytes: &[u8],
        request_id: Option<String>,
    ) -> Result<AttachmentView, AttachmentError> {
        Self::check(db, caller, owner, owner_id, Access::Upload).await?;
        let name = file_name(name)?;
        if bytes.is_empty() {
            return Err(invalid("the file is empty"));
        }
        if bytes.len() as u64 > self.settings.max_bytes {
            return Err(AttachmentError::TooLarge(
                self.settings.max_bytes / (1024 * 1024),
            ));
        }
        let held = attachment::Entity::find()
            .filter(attachment::Column::OwnerType.eq(owner))
            .filter(attachment::Column::OwnerId.eq(owner_id))
            .count(db)
            .await
            .context("cannot count attachments")?;
        if held >= self.settings.max_per_record {
            return Err(AttachmentError::TooMany(self.settings.max_per_record));
        }
        let actual = sniff(bytes).ok_or_else(|| {
            AttachmentError::UnsupportedType(
                "only JPEG, PNG and WebP images and PDF, Word (.docx) and Excel (.xlsx) files are accepted".into(),
            )
        })?;
        let claimed = FileType::from_name(&name);
        if claimed != Some(actual) {
            return Err(AttachmentError::TypeMismatch(format!(
                "the file is called {name} but its contents are a {} file",
                actual.label()
            )));
        }
        let thumbnail = if actual.is_image() {
            Some(self.thumbnail(bytes.to_vec(), actual).await?)
        } else {
            None
        };
        let sha256 = hex::encode(Sha256::digest(bytes));
        self.store.put(&sha256, bytes).await?;
        let thumbnail_sha256 = match &thumbnail {
            Some(thumb) => {
                let sha = hex::encode(Sha256::digest(thumb));
                self.store.put(&sha, thumb).await?;
                Some(sha)
            }
            None => None,
        };
        let txn = crate::db::begin_write(db)
            .await
            .context("cannot start a transaction")?;
        let row = attachment::ActiveModel {
            owner_type: Set(owner),
            owner_id: Set(owner_id),
            file_type: Set(actual),
            sha256: Set(sha256),
            size_bytes: Set(i64::try_from(bytes.len()).unwrap_or(i64::MAX)),
            name: Set(name),
            thumbnail_sha256: Set(thumbnail_sha256),
            uploaded_by: Set(caller.person_id),
            created_at: Set(clock::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .context("cannot store an attachment")?;
        audit::record(
            &txn,
            request_id,
            AuditEntry {
                actor: Actor::Person(caller.person_id),
                action: "attachment.upload",
                target_type: owner.as_str(),
                target_id: owner_id.to_string(),
                org_id: None,
                detail: serde_json::json!({"attachment": row.id, "name": row.name,
                    "file_type": row.file_type, "size_bytes": row.size_bytes, "sha256": row.sha256}),
            },
        )
        .await?;
        txn.commit().await.context("cannot commit an attachment")?;
        Ok(view(row))
    }

    /// Decodes an image within the memory limit, at most `concurrent_decodes` at once, and
    /// writes a JPEG whose longer side is `thumbnail_px`.
    async fn thumbnail(
        &self,
        bytes: Vec<u8>,
        file_type: FileType,
    ) -> Result<Vec<u8>, AttachmentError> {
        let _permit = self
            .decoding
            .acquire()
            .await
            .context("the decoding gate is closed")?;
        let px = self.settings.thumbnail_px.max(16);
        let limit = self.settings.decode_limit_bytes;
        tokio::task::spawn_blocking(move || make_thumbnail(&bytes, file_type, px, limit))
            .await
            .context("the thumbnail task failed")?
            .map_err(AttachmentError::UnreadableImage)
    }

    /// The attachments of a record, oldest first.
    pub async fn list(
        &self,
        db: &DatabaseConnection,
        caller: Caller,
        owner: AttachmentOwner,
        owner_id: i64,
    ) -> Result<Vec<AttachmentView>, AttachmentError> {
        Self::check(db, caller, owner, owner_id, Access::Read).await?;
        Ok(of_record(db, owner, owner_id)
            .await?
            .into_iter()
            .map(view)
            .collect())
    }

    /// A file's bytes (or its thumbnail's), for someone whose scope covers its record.
    pub async fn content(
        &self,
        db: &DatabaseConnection,
        caller: Caller,
        id: i64,
        thumbnail: bool,
    ) -> Result<Content, AttachmentError> {
        let row = attachment::Entity::find_by_id(id)
            .one(db)
            .await
            .context("cannot read an attachment")?
            .ok_or(AttachmentError::NotFound("attachment"))?;
        Self::check(db, caller, row.owner_type, row.owner_id, Access::Read)
            .await
            .map_err(|e| match e {
                AttachmentError::Forbidden | AttachmentError::NotFound(_) => {
                    AttachmentError::NotFound("attachment")
                }
                other => other,
            })?;
        let (sha, media_type) = if thumbnail {
            let sha = row
                .thumbnail_sha256
                .clone()
                .ok_or(AttachmentError::NotFound("thumbnail"))?;
            (sha, "image/jpeg")
        } else {
            (row.sha256.clone(), row.file_type.media_type())
        };
        let bytes = self
            .store
            .get(&sha)
            .await?
            .with_context(|| format!("attachment {id}'s bytes are missing from the store"))?;
        Ok(Content {
            bytes,
            media_type,
            inline: thumbnail || row.file_type.is_image(),
            name: row.name,
        })
    }
}

/// The attachments of a record (for lists and ledgers that show them).
pub async fn of_record(
    db: &impl sea_orm::ConnectionTrait,
    owner: AttachmentOwner,
    owner_id: i64,
) -> anyhow::Result<Vec<attachment::Model>> {
    attachment::Entity::find()
        .filter(attachment::Column::OwnerType.eq(owner))
        .filter(attachment::Column::OwnerId.eq(owner_id))
        .order_by_asc(attachment::Column::Id)
        .all(db)
        .await
        .context("cannot read attachments")
}

/// A file name as shown and downloaded: the last path segment, 1–120 characters, no control
/// characters or quotes.
fn file_name(raw: &str) -> Result<String, AttachmentError> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    let length = base.chars().count();
    if length == 0 || length > 120 {
        return Err(invalid(
            "a file name of 1 to 120 characters is required (name)",
        ));
    }
    if base.chars().any(|c| c.is_control() || c == '"') {
        return Err(invalid(
            "the file name contains characters that are not allowed",
        ));
    }
    Ok(base.to_owned())
}

fn make_thumbnail(
    bytes: &[u8],
    file_type: FileType,
    px: u32,
    limit: u64,
) -> Result<Vec<u8>, String> {
    let format = match file_type {
        FileType::Jpeg => image::ImageFormat::Jpeg,
        FileType::Png => image::ImageFormat::Png,
        FileType::Webp => image::ImageFormat::WebP,
        _ => return Err("not an image".into()),
    };
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(limit);
    limits.max_image_width = Some(16_384);
    limits.max_image_height = Some(16_384);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| e.to_string())?;
    let thumb = image.thumbnail(px, px).into_rgb8();
    let mut out = std::io::Cursor::new(Vec::new());
    thumb
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_their_paths_and_keep_their_words() {
        assert_eq!(file_name("C:\\照片\\会议.jpg").expect("valid"), "会议.jpg");
        assert_eq!(file_name("../../etc/passwd").expect("valid"), "passwd");
        assert!(file_name("").is_err());
        assert!(file_name("a\u{0}.jpg").is_err());
        assert!(file_name(&"长".repeat(121)).is_err());
    }

    #[test]
    fn an_image_larger_than_the_memory_limit_is_refused_before_decoding() {
        // A PNG header that declares 16,000 × 16,000 pixels (~1 GB decoded).
        let mut png = Vec::new();
        image::RgbImage::new(1, 1)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .expect("a png");
        png[16..20].copy_from_slice(&16_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&16_000u32.to_be_bytes());
        // A correct checksum, so the header is believed and only the limit can refuse it.
        let mut crc = flate2::Crc::new();
        crc.update(&png[12..29]);
        png[29..33].copy_from_slice(&crc.sum().to_be_bytes());
        let refused =
            make_thumbnail(&png, FileType::Png, 320, 200 * 1024 * 1024).expect_err("refused");
        assert!(refused.to_lowercase().contains("limit"), "{refused}");
    }

    #[test]
    fn a_photo_gets_a_small_jpeg_thumbnail() {
        let mut png = Vec::new();
        image::RgbImage::from_pixel(1200, 800, image::Rgb([200, 30, 30]))
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .expect("a png");
        let thumb = make_thumbnail(&png, FileType::Png, 320, 200 * 1024 * 1024).expect("thumbnail");
        let decoded = image::load_from_memory(&thumb).expect("a jpeg");
        assert_eq!((decoded.width(), decoded.height()), (320, 213));
    }
}
