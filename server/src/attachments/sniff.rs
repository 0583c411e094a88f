//! What a file is, from its first bytes (and for Office files, the names inside the ZIP):
//! never from its name or the Content-Type a client sends.
use super::FileType;

pub fn sniff(bytes: &[u8]) -> Option<FileType> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(FileType::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(FileType::Png);
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Some(FileType::Webp);
    }
    if bytes.starts_with(b"%PDF-") {
        return Some(FileType::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        let names = crate::spreadsheet::zip_entry_names(bytes).ok()?;
        let has = |wanted: &str| names.iter().any(|n| n.eq_ignore_ascii_case(wanted));
        if has("[Content_Types].xml") && has("word/document.xml") {
            return Some(FileType::Docx);
        }
        if has("[Content_Types].xml") && has("xl/workbook.xml") {
            return Some(FileType::Xlsx);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_and_pdfs_are_known_by_their_first_bytes() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0\x00\x10JFIF"), Some(FileType::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(FileType::Png));
        assert_eq!(sniff(b"RIFF\x24\0\0\0WEBPVP8 "), Some(FileType::Webp));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(FileType::Pdf));
    }

    #[test]
    fn anything_else_is_unknown() {
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(b"MZ\x90\0"), None, "an executable");
        assert_eq!(sniff(b"<html>"), None);
        assert_eq!(sniff(b"RIFF\x24\0\0\0WAVEfmt "), None, "audio in a RIFF");
        assert_eq!(sniff(b"PK\x03\x04 not really a zip"), None);
    }

    #[test]
    fn a_name_claims_a_type_by_its_extension() {
        assert_eq!(FileType::from_name("会议照片.JPG"), Some(FileType::Jpeg));
        assert_eq!(FileType::from_name("调研报告.docx"), Some(FileType::Docx));
        assert_eq!(FileType::from_name("readme"), None);
        assert_eq!(FileType::from_name("run.exe"), None);
    }
}
