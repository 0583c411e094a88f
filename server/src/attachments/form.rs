//! The file in an upload: the `file` part of a multipart/form-data body (what
//! `wx.uploadFile` sends), or the whole body with the name in the query. The body is
//! already bounded by the caller; this only finds slices in it.
pub struct Upload<'a> {
    pub name: Option<String>,
    pub bytes: &'a [u8],
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let first = *needle.first()?;
    let mut at = from;
    while at + needle.len() <= haystack.len() {
        let offset = haystack.get(at..)?.iter().position(|&b| b == first)?;
        at += offset;
        if haystack.get(at..at + needle.len()) == Some(needle) {
            return Some(at);
        }
        at += 1;
    }
    None
}

/// The `boundary` parameter of a multipart Content-Type, if it is one.
pub fn boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').to_owned())
            .filter(|b| (1..=70).contains(&b.len()))
    })
}

/// A quoted parameter (`name="file"`) of a Content-Disposition header.
fn parameter(disposition: &str, key: &str) -> Option<String> {
    disposition.split(';').find_map(|part| {
        let (k, v) = part.split_once('=')?;
        (k.trim().eq_ignore_ascii_case(key)).then(|| v.trim().trim_matches('"').to_owned())
    })
}

/// The part named `file`.
pub fn file_part<'a>(body: &'a [u8], boundary: &str) -> Result<Upload<'a>, String> {
    part(body, boundary, "file")
}

/// The part named `name` (a file, or a plain field such as the console's CSRF token).
pub fn part<'a>(body: &'a [u8], boundary: &str, name: &str) -> Result<Upload<'a>, String> {
    let delimiter = format!("--{boundary}");
    let closing = format!("\r\n--{boundary}");
    let mut at = find(body, delimiter.as_bytes(), 0).ok_or("the form has no parts")?;
    loop {
        at += delimiter.len();
        if body.get(at..at + 2) == Some(b"--") {
            return Err(format!("the form has no part named `{name}`"));
        }
        let headers_start = at + 2;
        let headers_end =
            find(body, b"\r\n\r\n", headers_start).ok_or("a form part has no end of headers")?;
        let headers =
            String::from_utf8_lossy(body.get(headers_start..headers_end).unwrap_or_default());
        let content_start = headers_end + 4;
        let content_end =
            find(body, closing.as_bytes(), content_start).ok_or("a form part is not closed")?;
        let disposition = headers
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.trim()
                    .eq_ignore_ascii_case("content-disposition")
                    .then(|| value.to_owned())
            })
            .unwrap_or_default();
        if parameter(&disposition, "name").as_deref() == Some(name) {
            return Ok(Upload {
                name: parameter(&disposition, "filename"),
                bytes: body.get(content_start..content_end).unwrap_or_default(),
            });
        }
        at = content_end + 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
        let mut body = Vec::new();
        for (name, filename, content) in parts {
            body.extend_from_slice(b"--XyZ\r\nContent-Disposition: form-data; name=\"");
            body.extend_from_slice(name.as_bytes());
            body.push(b'"');
            if let Some(f) = filename {
                body.extend_from_slice(format!("; filename=\"{f}\"").as_bytes());
            }
            body.extend_from_slice(b"\r\nContent-Type: application/octet-stream\r\n\r\n");
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b"--XyZ--\r\n");
        body
    }

    #[test]
    fn the_file_part_is_found_among_others() {
        let body = form(&[
            ("note", None, b"hello"),
            ("file", Some("照片.jpg"), b"\xFF\xD8\xFF\r\n--X"),
        ]);
        let upload = file_part(&body, "XyZ").expect("found");
        assert_eq!(upload.name.as_deref(), Some("照片.jpg"));
        assert_eq!(upload.bytes, b"\xFF\xD8\xFF\r\n--X");
    }

    #[test]
    fn broken_forms_are_refused() {
        assert!(file_part(b"", "XyZ").is_err());
        assert!(file_part(&form(&[("note", None, b"x")]), "XyZ").is_err());
        assert!(
            file_part(
                b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nno end",
                "XyZ"
            )
            .is_err()
        );
    }

    #[test]
    fn the_boundary_comes_from_the_content_type() {
        assert_eq!(
            boundary("multipart/form-data; boundary=\"ab c\"").as_deref(),
            Some("ab c")
        );
        assert_eq!(
            boundary("multipart/form-data; charset=utf-8; boundary=XyZ").as_deref(),
            Some("XyZ")
        );
        assert_eq!(boundary("image/jpeg"), None);
        assert_eq!(boundary("multipart/form-data"), None);
    }
}
