//! Attachments: photos and documents kept as evidence for a record (a duty entry, the
//! minutes of an activity; later inspections). A file's type is read from its bytes and
//! must agree with its name; its bytes are stored once under their SHA-256 in a `BlobStore`
//! (the data directory by default); images get a JPEG thumbnail, decoded with bounded
//! memory and at most `attachments.concurrent_decodes` at a time. A file is served only to
//! people whose scope covers the record that owns it.
pub mod error;
pub mod form;
pub mod service;
pub mod sniff;
pub mod store;

pub use error::AttachmentError;
pub use service::Attachments;

crate::domain::enums::slug_enum!(
    /// What kind of file an attachment is, as its bytes say.
    FileType {
        Jpeg = ("jpeg", "JPEG 图片"),
        Png = ("png", "PNG 图片"),
        Webp = ("webp", "WebP 图片"),
        Pdf = ("pdf", "PDF 文档"),
        Docx = ("docx", "Word 文档"),
        Xlsx = ("xlsx", "Excel 表格"),
    }
);

impl FileType {
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    pub fn is_image(self) -> bool {
        matches!(self, Self::Jpeg | Self::Png | Self::Webp)
    }

    /// The type a file name claims by its extension.
    pub fn from_name(name: &str) -> Option<Self> {
        let (_, extension) = name.rsplit_once('.')?;
        match extension.to_ascii_lowercase().as_str() {
            "jpg" | "jpeg" => Some(Self::Jpeg),
            "png" => Some(Self::Png),
            "webp" => Some(Self::Webp),
            "pdf" => Some(Self::Pdf),
            "docx" => Some(Self::Docx),
            "xlsx" => Some(Self::Xlsx),
            _ => None,
        }
    }
}

crate::domain::enums::slug_enum!(
    /// The record an attachment is evidence for.
    AttachmentOwner {
        DutyEntry = ("duty_entry", "履职记录"),
        Activity = ("activity", "活动记录"),
        Inspection = ("deputy_inspection", "调研视察"),
        PoliticalBirthday = ("political_birthday", "政治生日思想汇报"),
        Notice = ("notice", "党务公开"),
        InspectionFinding = ("inspection_finding", "督查发现"),
        Rectification = ("rectification", "整改材料"),
    }
);
