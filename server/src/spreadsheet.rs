//! What every spreadsheet crossing the server's edge goes through.
//!
//! Outbound, one formula guard for every CSV and XLSX text cell the product writes: a cell a
//! user typed must never run in an administrator's Excel. Inbound, an uploaded workbook is a
//! zip archive whose own headers say how big its parts are and how many strings it holds; a
//! reader that trusts them can be made to reserve terabytes (and abort the process) or to
//! inflate a few hundred kilobytes into gigabytes. So the archive is checked byte by byte,
//! with hard limits, before any parser sees it.
use std::{borrow::Cow, io::Read};

/// Excel, WPS and LibreOffice run a CSV cell starting with = + - or @ as a formula, and some
/// readers skip a leading tab or CR before looking, so such a cell gets an apostrophe that
/// keeps it text. A workbook's text cell is never run as it stands, but it becomes a formula
/// once someone edits it and presses Enter or saves the sheet as CSV, so workbooks get the
/// same guard.
pub fn defused(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A one-sheet workbook of a list: a bold, frozen header row with each column's width, then
/// one row per item, every cell text through `defused`.
pub fn list_workbook(
    sheet_name: &str,
    columns: &[(&str, f64)],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> anyhow::Result<Vec<u8>> {
    use anyhow::Context;
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet
        .set_name(sheet_name)
        .context("cannot name the sheet")?;
    let bold = Format::new().set_bold();
    for (col, (title, width)) in (0u16..).zip(columns) {
        sheet
            .write_string_with_format(0, col, *title, &bold)
            .and_then(|s| s.set_column_width(col, *width))
            .context("cannot write the header")?;
    }
    sheet
        .set_freeze_panes(1, 0)
        .context("cannot freeze the header")?;
    for (row, cells) in (1u32..).zip(rows) {
        for (col, text) in (0u16..).zip(&cells) {
            sheet
                .write_string(row, col, defused(text))
                .context("cannot write a cell")?;
        }
    }
    book.save_to_buffer().context("cannot write the workbook")
}

/// The inverse of `defused` for files we wrote and users send back: an exported roster
/// imports unchanged.
pub fn undefused(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => text,
    }
}

/// At most `max` characters of a user's text, for echoing it in an error message.
pub fn excerpt(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => Cow::Borrowed(text),
        Some((cut, _)) => Cow::Owned(format!("{}…", &text[..cut])),
    }
}

/// Far beyond any roster: 5,000 rows of 12 short cells are ~3 MB of sheet XML.
pub const MAX_ENTRY_BYTES: u64 = 24 * 1024 * 1024;
pub const MAX_TOTAL_BYTES: u64 = 48 * 1024 * 1024;
const MAX_ENTRIES: usize = 256;
/// Entries above `RATIO_FLOOR` must not inflate more than this (plain XML stays far below).
const MAX_RATIO: u64 = 200;
const RATIO_FLOOR: u64 = 1024 * 1024;
/// More distinct strings than a 5,000 × 64 sheet can hold is a lie meant for `reserve`.
pub const MAX_SHARED_STRINGS: u64 = 400_000;

const EOCD: &[u8; 4] = b"PK\x05\x06";
const CENTRAL: &[u8; 4] = b"PK\x01\x02";
const LOCAL: &[u8; 4] = b"PK\x03\x04";
const ZIP64_LOCATOR: &[u8; 4] = b"PK\x06\x07";

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// One part of the archive as its central directory describes it.
struct Entry {
    name: String,
    method: u16,
    compressed: u64,
    declared: u64,
    local_offset: usize,
}

/// Checks an uploaded workbook before a parser sees it. The reason is for the person who
/// uploaded it (it says what to do).
pub fn vet_xlsx(bytes: &[u8]) -> Result<(), String> {
    let entries = central_directory(bytes)?;
    let mut total: u64 = 0;
    for entry in &entries {
        let inflated = inflated_size(bytes, entry)?;
        total = total.saturating_add(inflated);
        if total > MAX_TOTAL_BYTES {
            return Err(too_big());
        }
        if inflated > RATIO_FLOOR && inflated / entry.compressed.max(1) > MAX_RATIO {
            return Err(too_big());
        }
        if entry.name.eq_ignore_ascii_case("xl/sharedStrings.xml") {
            check_shared_strings(bytes, entry)?;
        }
    }
    Ok(())
}

/// The names of the parts of a ZIP archive (an Office file), read from its central
/// directory only: nothing is decompressed.
pub fn zip_entry_names(bytes: &[u8]) -> Result<Vec<String>, String> {
    Ok(central_directory(bytes)?
        .into_iter()
        .map(|entry| entry.name)
        .collect())
}

fn unreadable() -> String {
    "the file is not a readable .xlsx workbook; open it in Excel or WPS, save it as .xlsx and \
     upload it again"
        .to_owned()
}

fn too_big() -> String {
    format!(
        "the workbook unpacks to more than a roster can hold (at most {} MB); delete other \
         sheets, pictures and unused rows, or save the roster as CSV",
        MAX_TOTAL_BYTES / (1024 * 1024)
    )
}

/// The archive's table of contents, checked against the file it is in.
fn central_directory(bytes: &[u8]) -> Result<Vec<Entry>, String> {
    // The end record is in the last 22 bytes plus a comment of up to 65,535.
    let search_from = bytes.len().saturating_sub(22 + 65_535);
    let eocd = (search_from..bytes.len().saturating_sub(21))
        .rev()
        .find(|&at| bytes.get(at..at + 4) == Some(EOCD))
        .ok_or_else(unreadable)?;
    let field16 = |offset| u16_at(bytes, eocd + offset).ok_or_else(unreadable);
    let field32 = |offset| u32_at(bytes, eocd + offset).ok_or_else(unreadable);
    let (disk, cd_disk) = (field16(4)?, field16(6)?);
    let (on_disk, count) = (field16(8)?, field16(10)?);
    let (cd_size, cd_offset) = (field32(12)?, field32(16)?);
    let zip64 = eocd >= 20 && bytes.get(eocd - 20..eocd - 16) == Some(ZIP64_LOCATOR);
    if zip64 || count == u16::MAX || cd_size == u32::MAX || cd_offset == u32::MAX {
        return Err(unreadable());
    }
    if disk != 0 || cd_disk != 0 || on_disk != count || usize::from(count) > MAX_ENTRIES {
        return Err(unreadable());
    }
    let start = cd_offset as usize;
    let end = start.checked_add(cd_size as usize).ok_or_else(unreadable)?;
    if end > eocd {
        return Err(unreadable());
    }
    let mut entries = Vec::with_capacity(usize::from(count));
    let mut at = start;
    for _ in 0..count {
        if bytes.get(at..at + 4) != Some(CENTRAL) || at + 46 > end {
            return Err(unreadable());
        }
        let flags = u16_at(bytes, at + 8).ok_or_else(unreadable)?;
        let method = u16_at(bytes, at + 10).ok_or_else(unreadable)?;
        let compressed = u32_at(bytes, at + 20).ok_or_else(unreadable)?;
        let declared = u32_at(bytes, at + 24).ok_or_else(unreadable)?;
        let name_len = usize::from(u16_at(bytes, at + 28).ok_or_else(unreadable)?);
        let extra_len = usize::from(u16_at(bytes, at + 30).ok_or_else(unreadable)?);
        let comment_len = usize::from(u16_at(bytes, at + 32).ok_or_else(unreadable)?);
        let local_offset = u32_at(bytes, at + 42).ok_or_else(unreadable)?;
        // Encrypted parts, zip64 sizes and exotic methods are not what Excel or WPS write.
        if flags & 1 != 0
            || !matches!(method, 0 | 8)
            || compressed == u32::MAX
            || declared == u32::MAX
            || local_offset == u32::MAX
        {
            return Err(unreadable());
        }
        if u64::from(declared) > MAX_ENTRY_BYTES {
            return Err(too_big());
        }
        let name = bytes
            .get(at + 46..at + 46 + name_len)
            .ok_or_else(unreadable)?;
        entries.push(Entry {
            name: String::from_utf8_lossy(name).into_owned(),
            method,
            compressed: u64::from(compressed),
            declared: u64::from(declared),
            local_offset: local_offset as usize,
        });
        at += 46 + name_len + extra_len + comment_len;
        if at > end {
            return Err(unreadable());
        }
    }
    Ok(entries)
}

/// The entry's data as it lies in the file.
fn raw_data<'a>(bytes: &'a [u8], entry: &Entry) -> Result<&'a [u8], String> {
    let at = entry.local_offset;
    if bytes.get(at..at + 4) != Some(LOCAL) {
        return Err(unreadable());
    }
    let name_len = usize::from(u16_at(bytes, at + 26).ok_or_else(unreadable)?);
    let extra_len = usize::from(u16_at(bytes, at + 28).ok_or_else(unreadable)?);
    let start = at + 30 + name_len + extra_len;
    let end = start
        .checked_add(usize::try_from(entry.compressed).map_err(|_| unreadable())?)
        .ok_or_else(unreadable)?;
    bytes.get(start..end).ok_or_else(unreadable)
}

/// A reader of the entry's content that stops one byte past the entry limit.
fn content<'a>(bytes: &'a [u8], entry: &Entry) -> Result<Box<dyn Read + 'a>, String> {
    let raw = raw_data(bytes, entry)?;
    let reader: Box<dyn Read + 'a> = if entry.method == 8 {
        Box::new(flate2::read::DeflateDecoder::new(raw))
    } else {
        Box::new(raw)
    };
    Ok(Box::new(reader.take(MAX_ENTRY_BYTES + 1)))
}

/// What the entry really inflates to (its header may say anything), counted without
/// keeping it.
fn inflated_size(bytes: &[u8], entry: &Entry) -> Result<u64, String> {
    let inflated = std::io::copy(&mut content(bytes, entry)?, &mut std::io::sink())
        .map_err(|_| unreadable())?;
    if inflated > MAX_ENTRY_BYTES {
        return Err(too_big());
    }
    if inflated != entry.declared {
        return Err(unreadable());
    }
    Ok(inflated)
}

/// The shared-strings table declares how many strings follow; readers reserve that much.
fn check_shared_strings(bytes: &[u8], entry: &Entry) -> Result<(), String> {
    let mut head = Vec::with_capacity(4096);
    content(bytes, entry)?
        .take(4096)
        .read_to_end(&mut head)
        .map_err(|_| unreadable())?;
    let head = String::from_utf8_lossy(&head);
    let Some(tag_start) = head.find("<sst") else {
        return Ok(());
    };
    let tag = &head[tag_start..];
    let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
    for attribute in ["uniqueCount", "count"] {
        let Some(value) = attribute_value(tag, attribute) else {
            continue;
        };
        let count = value
            .parse::<u64>()
            .ok()
            .filter(|_| value.len() <= 12 && value.bytes().all(|b| b.is_ascii_digit()));
        match count {
            Some(n) if n <= MAX_SHARED_STRINGS => {}
            _ => return Err(too_big()),
        }
    }
    Ok(())
}

/// The value of `name="…"` (or `'…'`) in a start tag, matched as a whole attribute name.
fn attribute_value<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = tag;
    while let Some(found) = rest.find(name) {
        let before = rest[..found].chars().last();
        let after = &rest[found + name.len()..];
        let after_trimmed = after.trim_start();
        if before.is_some_and(char::is_whitespace)
            && let Some(value) = after_trimmed.strip_prefix('=')
        {
            let value = value.trim_start();
            let quote = value.chars().next()?;
            if quote == '"' || quote == '\'' {
                let inner = &value[1..];
                return inner.find(quote).map(|end| &inner[..end]);
            }
            return None;
        }
        rest = after;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_would_run_as_formulas_get_an_apostrophe_and_come_back_unchanged() {
        for (raw, written) in [
            ("=1+1", "'=1+1"),
            ("+86 138", "'+86 138"),
            ("-3", "'-3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("张三", "张三"),
            ("a=b", "a=b"),
        ] {
            assert_eq!(defused(raw), written, "{raw:?}");
        }
        for raw in ["=1+1", "-3", "@x", "'plain", "张三"] {
            assert_eq!(undefused(&defused(raw)), raw);
        }
    }

    #[test]
    fn excerpts_cut_long_text_on_a_character_boundary() {
        assert_eq!(excerpt("短", 100), "短");
        let long = "长".repeat(500);
        let cut = excerpt(&long, 100);
        assert_eq!(cut.chars().count(), 101);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn attributes_are_found_by_whole_name() {
        let tag = r#"<sst xmlns="x" count="12" uniqueCount='7'"#;
        assert_eq!(attribute_value(tag, "count"), Some("12"));
        assert_eq!(attribute_value(tag, "uniqueCount"), Some("7"));
        assert_eq!(attribute_value(tag, "missing"), None);
    }

    #[test]
    fn garbage_and_truncated_archives_are_refused_without_panicking() {
        assert!(vet_xlsx(b"").is_err());
        assert!(vet_xlsx(b"PK\x03\x04 not really a zip").is_err());
        let mut fake_end = vec![0u8; 40];
        fake_end.extend_from_slice(EOCD);
        fake_end.extend_from_slice(&[
            0, 0, 0, 0, 1, 0, 1, 0, 0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0, 0, 0,
        ]);
        assert!(vet_xlsx(&fake_end).is_err());
    }
}
