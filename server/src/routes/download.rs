//! Files for download (ledgers, rosters): one way to name the format and send the bytes.
use actix_web::{HttpResponse, http::header};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::checkin::{AttendanceError, error::invalid};

#[derive(Deserialize, IntoParams)]
pub struct FormatQuery {
    /// json (default), csv or xlsx
    pub format: Option<String>,
}

pub enum Format {
    Json,
    Csv,
    Xlsx,
}

/// `json` (the default) or `xlsx`: lists whose download is a workbook only.
pub fn json_or_xlsx(raw: Option<&str>) -> Result<Format, String> {
    match raw.unwrap_or("json") {
        "json" => Ok(Format::Json),
        "xlsx" => Ok(Format::Xlsx),
        other => Err(format!("format `{other}` is not one of json, xlsx")),
    }
}

pub fn parse_format(raw: Option<&str>) -> Result<Format, AttendanceError> {
    match raw.unwrap_or("json") {
        "json" => Ok(Format::Json),
        "csv" => Ok(Format::Csv),
        "xlsx" => Ok(Format::Xlsx),
        other => Err(invalid(format!(
            "format `{other}` is not one of json, csv, xlsx"
        ))),
    }
}

pub fn download(bytes: Vec<u8>, format: &Format, name: &str) -> HttpResponse {
    let (content_type, extension) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "csv"),
        _ => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
    };
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}.{extension}\""),
        ))
        .body(bytes)
}
