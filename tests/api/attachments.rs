//! Evidence files end to end: the type comes from the bytes and must agree with the name,
//! limits are 4xx and leave nothing behind, images get thumbnails, and a file is served only
//! to people whose scope covers the record it belongs to; photos of the minutes are on the
//! activity's ledger.
use api_tests::{Someone, TestApp, error_code, on_both_stores};
use huodongri::{
    domain::LeaderLevel,
    entities::{attachment, person},
};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, PaginatorTrait, Set};
use serde_json::{Value, json};

/// A real one-colour PNG, written by hand (the tests do not depend on an image crate):
/// IHDR, one zlib-compressed IDAT, IEND.
pub(crate) fn png(width: u32, height: u32) -> Vec<u8> {
    use flate2::{Compression, write::ZlibEncoder};
    use std::io::Write;
    let mut out = Vec::new();
    let out = &mut out;
    let chunk = |out: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
        out.extend_from_slice(&u32::try_from(data.len()).expect("small").to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    };
    out.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    let mut header = Vec::new();
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(out, b"IHDR", &header);
    // Each scanline: filter byte 0, then the pixels.
    let line: Vec<u8> = std::iter::once(0)
        .chain([180u8, 20, 20].repeat(width as usize))
        .collect();
    let raw = line.repeat(height as usize);
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::fast());
    encoder.write_all(&raw).expect("deflate");
    chunk(out, b"IDAT", &encoder.finish().expect("deflate"));
    chunk(out, b"IEND", &[]);
    std::mem::take(out)
}

pub(crate) fn xlsx() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet()
        .write_string(0, 0, "走访记录")
        .expect("cell");
    book.save_to_buffer().expect("xlsx")
}

fn multipart(name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----hdrBoundary7MA4YWxk";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nphoto\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub(crate) async fn upload_form(
    app: &TestApp,
    who: &Someone,
    owner: &str,
    id: i64,
    name: &str,
    bytes: &[u8],
) -> reqwest::Response {
    let (content_type, body) = multipart(name, bytes);
    app.upload_as(
        who,
        &format!("/api/v1/attachments?owner_type={owner}&owner_id={id}"),
        &content_type,
        body,
    )
    .await
}

async fn upload_raw(
    app: &TestApp,
    who: &Someone,
    owner: &str,
    id: i64,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    app.upload_as(
        who,
        &format!("/api/v1/attachments?owner_type={owner}&owner_id={id}&name={name}"),
        "application/octet-stream",
        bytes,
    )
    .await
}

async fn leader_entry(app: &TestApp, w: &api_tests::World) -> (Someone, i64) {
    let leader = app.add_person("王处长", "13700000071", w.city).await;
    let mut row = person::Entity::find_by_id(leader.id)
        .one(&app.db)
        .await
        .expect("read")
        .expect("row")
        .into_active_model();
    row.leader_level = Set(Some(LeaderLevel::CountyOrAbove));
    row.update(&app.db).await.expect("a leader");
    let day = huodongri::clock::now()
        .with_timezone(&huodongri::clock::shanghai())
        .date_naive()
        .to_string();
    let entry: Value = app
        .post_as(
            &leader,
            "/api/v1/me/duties",
            &json!({"kind": "research_report", "starts_on": day, "topic": "调研报告"}),
        )
        .await
        .json()
        .await
        .expect("json");
    (leader, entry["id"].as_i64().expect("id"))
}

on_both_stores! {
    async fn files_are_typed_by_their_bytes_and_served_only_within_the_records_scope(app) {
        let w = app.world().await;
        let (leader, entry) = leader_entry(&app, &w).await;
        let photo = png(1200, 900);
        let stored = upload_form(&app, &leader, "duty_entry", entry, "调研现场.png", &photo).await;
        assert_eq!(stored.status().as_u16(), 201);
        let stored: Value = stored.json().await.expect("json");
        assert_eq!(stored["file_type"], "png");
        let id = stored["id"].as_i64().expect("id");
        let content = app.get_as(&leader, &format!("/api/v1/attachments/{id}/content")).await;
        assert_eq!(content.headers()["content-type"], "image/png");
        assert_eq!(content.headers()["x-content-type-options"], "nosniff");
        assert_eq!(content.bytes().await.expect("bytes").to_vec(), photo);
        let thumb = app.get_as(&leader, stored["thumbnail_url"].as_str().expect("a thumbnail")).await;
        assert_eq!(thumb.headers()["content-type"], "image/jpeg");
        assert!(thumb.bytes().await.expect("bytes").starts_with(&[0xFF, 0xD8, 0xFF]));
        // Staff who read the leader's organisation may see it; a member elsewhere may not.
        assert_eq!(app.get_as(&w.admin, &format!("/api/v1/attachments/{id}/content")).await.status().as_u16(), 200);
        assert_eq!(error_code(app.get_as(&w.member_c, &format!("/api/v1/attachments/{id}/content")).await).await, "attachment.not_found");
        assert_eq!(error_code(app.get_as(&w.member_c, &format!("/api/v1/attachments?owner_type=duty_entry&owner_id={entry}")).await).await, "attachment.not_found");

        let report = upload_raw(&app, &leader, "duty_entry", entry, "走访记录.xlsx", xlsx()).await;
        assert_eq!(report.status().as_u16(), 201);
        let report: Value = report.json().await.expect("json");
        assert!(report["thumbnail_url"].is_null());
        let listed: Value = app.get_as(&leader, &format!("/api/v1/attachments?owner_type=duty_entry&owner_id={entry}")).await.json().await.expect("json");
        assert_eq!(listed.as_array().expect("list").len(), 2);
        let download = app.get_as(&leader, &format!("/api/v1/attachments/{}/content", report["id"])).await;
        assert!(download.headers()["content-disposition"].to_str().expect("ascii").starts_with("attachment; filename*=UTF-8''%E8%B5%B0"));
        assert_eq!(error_code(app.get_as(&leader, &format!("/api/v1/attachments/{}/thumbnail", report["id"])).await).await, "attachment.not_found");

        // Bad files: each a 4xx with a code, and nothing is recorded.
        let before = attachment::Entity::find().count(&app.db).await.expect("count");
        let mut corrupt = vec![0xFF, 0xD8, 0xFF, 0xE0];
        corrupt.extend(std::iter::repeat_n(7u8, 400));
        for (name, bytes, code) in [
            ("报告.pdf", photo.clone(), "attachment.type_mismatch"),
            ("表格.docx", xlsx(), "attachment.type_mismatch"),
            ("照片.jpg", b"just some text, not a photo".to_vec(), "attachment.unsupported_type"),
            ("setup.exe", b"MZ\x90\x00\x03".to_vec(), "attachment.unsupported_type"),
            ("坏照片.jpg", corrupt, "attachment.unreadable_image"),
            ("空.pdf", Vec::new(), "attachment.invalid_input"),
        ] {
            assert_eq!(error_code(upload_form(&app, &leader, "duty_entry", entry, name, &bytes).await).await, code, "{name}");
        }
        let huge = upload_raw(&app, &leader, "duty_entry", entry, "大.pdf", vec![b'%'; 11 * 1024 * 1024]).await;
        assert_eq!(huge.status().as_u16(), 413);
        assert_eq!(error_code(huge).await, "attachment.too_large");
        let no_part = app.upload_as(&leader, &format!("/api/v1/attachments?owner_type=duty_entry&owner_id={entry}"), "multipart/form-data; boundary=abc", b"--abc--\r\n".to_vec()).await;
        assert_eq!(error_code(no_part).await, "attachment.invalid_input");
        assert_eq!(error_code(upload_raw(&app, &leader, "diary", entry, "a.pdf", b"%PDF-1.4".to_vec()).await).await, "attachment.invalid_input");
        assert_eq!(error_code(upload_raw(&app, &w.member_a, "duty_entry", entry, "a.pdf", b"%PDF-1.4".to_vec()).await).await, "auth.forbidden");
        assert_eq!(error_code(upload_raw(&app, &leader, "duty_entry", 999_999, "a.pdf", b"%PDF-1.4".to_vec()).await).await, "attachment.not_found");
        assert_eq!(attachment::Entity::find().count(&app.db).await.expect("count"), before);
    }

    async fn photos_of_the_minutes_are_on_the_activitys_ledger(app) {
        let w = app.world().await;
        let id = app.open_activity(&w).await;
        let refused = upload_form(&app, &w.member_a, "activity", id, "会场.png", &png(40, 30)).await;
        assert_eq!(error_code(refused).await, "auth.forbidden");
        let stored = upload_form(&app, &w.secretary_a, "activity", id, "会场.png", &png(40, 30)).await;
        assert_eq!(stored.status().as_u16(), 201);
        assert_eq!(app.get_as(&w.supervisor, &format!("/api/v1/attachments?owner_type=activity&owner_id={id}")).await.status().as_u16(), 200);
        assert_eq!(error_code(app.get_as(&w.member_c, &format!("/api/v1/attachments?owner_type=activity&owner_id={id}")).await).await, "auth.forbidden");
        let xlsx = app.get_as(&w.supervisor, &format!("/api/v1/activities/{id}/ledger?format=xlsx")).await.bytes().await.expect("bytes").to_vec();
        use calamine::Reader;
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(xlsx)).expect("workbook");
        let minutes = book.worksheet_range("会议记录").expect("the minutes sheet");
        let cells: Vec<String> = minutes.rows().flat_map(|r| r.iter().map(ToString::to_string)).collect();
        assert!(cells.iter().any(|c| c == "会场.png"), "{cells:?}");
        assert!(cells.iter().any(|c| c.starts_with("会议照片及附件（1 个）")), "{cells:?}");
    }
}
