use sea_orm::entity::prelude::*;

/// An evidence file of a record; its bytes are in the blob store under `sha256`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attachment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub owner_type: crate::attachments::AttachmentOwner,
    pub owner_id: i64,
    pub file_type: crate::attachments::FileType,
    pub sha256: String,
    pub size_bytes: i64,
    pub name: String,
    pub thumbnail_sha256: Option<String>,
    pub uploaded_by: i64,
    pub created_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
