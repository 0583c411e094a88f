//! Attendance ledgers (台账) of the unified activity day as CSV and XLSX files with Chinese
//! headers: one activity, or every activity of an organisation over a period.
//!
//! Both formats are built from the same cells, so a CSV and a workbook of one ledger show the
//! same text. Names, notes and reasons are typed by users, so every text cell is defused against
//! formula injection on its way into either format.
use std::borrow::Cow;

use anyhow::Context;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, Timelike};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, Worksheet};

#[derive(Debug, Clone)]
pub struct Counts {
    pub expected: u32,
    pub present: u32,
    pub on_leave: u32,
    pub absent: u32,
    pub guests: u32,
    pub exempt: u32,
}

impl Counts {
    /// Present over expected; `None` when nobody was expected, as a rate of 0/0 means nothing.
    pub fn rate(&self) -> Option<f64> {
        (self.expected > 0).then(|| f64::from(self.present) / f64::from(self.expected))
    }

    /// Whether the rate is below 80%. Decided in integers so that exactly 80% is never flagged
    /// through a rounding error; an activity nobody was expected at has nothing to flag.
    pub fn below_threshold(&self) -> bool {
        u64::from(self.present) * 5 < u64::from(self.expected) * 4
    }
}

#[derive(Debug, Clone)]
pub struct LedgerRow {
    pub name: String,
    /// The Chinese label already: 出席, 请假, 缺席, 免参加 or 列席.
    pub status: &'static str,
    pub checked_in_at: Option<DateTime<FixedOffset>>,
    /// 扫码, 离线补传 or 组织者代签.
    pub method: Option<&'static str>,
    pub location_far: bool,
    /// The leave reason, the organiser's reason for signing on someone's behalf, and so on.
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct Correction {
    pub at: DateTime<FixedOffset>,
    pub actor: String,
    pub person: String,
    /// 撤销签到 or 补签.
    pub action: &'static str,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct ActivityLedger {
    pub org_name: String,
    pub org_code: String,
    pub activity_id: i64,
    pub theme: String,
    pub category: String,
    pub activity_date: NaiveDate,
    pub start_time: String,
    pub end_time: String,
    pub place: String,
    pub organiser: String,
    pub requirements: String,
    pub filed_at: Option<DateTime<FixedOffset>>,
    pub published_at: Option<DateTime<FixedOffset>>,
    pub preview: Option<String>,
    pub counts: Counts,
    pub rows: Vec<LedgerRow>,
    pub corrections: Vec<Correction>,
    pub minutes: Option<String>,
    /// The names of the photos and documents attached to the minutes.
    pub photos: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct OrgLedger {
    pub org_name: String,
    pub org_code: String,
    /// As it should read in the title, e.g. `2026年11月` or `2026年`.
    pub period: String,
    pub activities: Vec<ActivityLedger>,
}

const UTF8_BOM: &str = "\u{feff}";
/// Shown where there is no value, such as the rate of an activity nobody was expected at.
const NONE: &str = "—";

const ACTIVITY_SHEET: &str = "活动台账";
const CORRECTIONS_SHEET: &str = "更正记录";
const MINUTES_SHEET: &str = "会议记录";
const SUMMARY_SHEET: &str = "汇总";
const DETAIL_SHEET: &str = "考勤明细";

const ATTENDANCE_HEADERS: [&str; 6] = ["姓名", "状态", "签到时间", "方式", "位置异常", "备注"];
const ATTENDANCE_WIDTHS: [f64; 6] = [16.0, 10.0, 20.0, 12.0, 10.0, 40.0];
const CORRECTION_HEADERS: [&str; 5] = ["时间", "操作人", "对象", "操作", "原因"];
const CORRECTION_WIDTHS: [f64; 5] = [20.0, 12.0, 12.0, 10.0, 40.0];
const SUMMARY_HEADERS: [&str; 10] = [
    "日期",
    "主题",
    "类别",
    "应到",
    "实到",
    "请假",
    "缺席",
    "列席",
    "参与率",
    "低于80%",
];
const SUMMARY_WIDTHS: [f64; 10] = [12.0, 36.0, 14.0, 8.0, 8.0, 8.0, 8.0, 8.0, 10.0, 10.0];
const DETAIL_HEADERS: [&str; 7] = [
    "活动日期",
    "主题",
    "姓名",
    "状态",
    "签到时间",
    "方式",
    "备注",
];
const DETAIL_WIDTHS: [f64; 7] = [12.0, 30.0, 12.0, 10.0, 20.0, 12.0, 40.0];
const MINUTES_WIDTH: f64 = 100.0;

/// Excel's limit on the characters of one cell.
const MAX_CELL_CHARS: usize = 32_767;
/// Points per line of wrapped 11-point text, with room for the taller CJK fallback fonts.
const LINE_HEIGHT: f64 = 15.0;
const MAX_ROW_HEIGHT: f64 = 409.0;

/// The attendance table of one activity, UTF-8 with a BOM so that Excel shows the Chinese text.
pub fn activity_csv(l: &ActivityLedger) -> Vec<u8> {
    csv_table(ATTENDANCE_HEADERS, l.rows.iter().map(attendance_cells))
}

/// Sheets 活动台账 (the facts of the activity above its attendance table), 更正记录 and 会议记录.
pub fn activity_xlsx(l: &ActivityLedger) -> anyhow::Result<Vec<u8>> {
    let styles = Styles::new();
    let mut workbook = Workbook::new();
    write_activity_sheet(workbook.add_worksheet(), l, &styles)
        .context("cannot write the 活动台账 sheet")?;
    write_corrections_sheet(workbook.add_worksheet(), &l.corrections, &styles)
        .context("cannot write the 更正记录 sheet")?;
    write_minutes_sheet(
        workbook.add_worksheet(),
        l.minutes.as_deref(),
        &l.photos,
        &styles,
    )
    .context("cannot write the 会议记录 sheet")?;
    workbook
        .save_to_buffer()
        .context("cannot assemble the activity ledger workbook")
}

/// Every attendance row of every activity, each with its activity's date and theme.
pub fn org_csv(l: &OrgLedger) -> Vec<u8> {
    csv_table(DETAIL_HEADERS, detail_rows(l))
}

/// Sheets 汇总 (one row per activity and a total) and 考勤明细 (every attendance row).
pub fn org_xlsx(l: &OrgLedger) -> anyhow::Result<Vec<u8>> {
    let styles = Styles::new();
    let mut workbook = Workbook::new();
    write_summary_sheet(workbook.add_worksheet(), l, &styles)
        .context("cannot write the 汇总 sheet")?;
    write_detail_sheet(workbook.add_worksheet(), l, &styles)
        .context("cannot write the 考勤明细 sheet")?;
    workbook
        .save_to_buffer()
        .context("cannot assemble the organisation ledger workbook")
}

/// One cell of either format. Dates and times stay typed so that a workbook can sort and filter
/// them; the CSV writes them as the workbook displays them.
#[derive(Debug, Clone)]
enum Cell<'a> {
    Empty,
    Text(Cow<'a, str>),
    /// Free text that may run long, wrapped in a workbook.
    Wrapped(Cow<'a, str>),
    Count(u32),
    Date(NaiveDate),
    Time(DateTime<FixedOffset>),
}

impl Cell<'_> {
    fn text(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(text) | Cell::Wrapped(text) => defused(text),
            Cell::Count(count) => Cow::Owned(count.to_string()),
            Cell::Date(date) => Cow::Owned(date_text(*date)),
            Cell::Time(time) => Cow::Owned(time_text(time)),
        }
    }
}

use crate::spreadsheet::defused;

fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// The wall-clock time in the offset the time carries (Asia/Shanghai as the server gives it).
fn time_text(time: &DateTime<FixedOffset>) -> String {
    time.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// Rounded down, so a rate below 80% never shows as 80.0% beside 是 in the 低于80% column.
fn rate_text(counts: &Counts) -> String {
    if counts.expected == 0 {
        return NONE.to_owned();
    }
    let permille = u64::from(counts.present) * 1000 / u64::from(counts.expected);
    format!("{}.{}%", permille / 10, permille % 10)
}

fn below_text(counts: &Counts) -> &'static str {
    match (counts.expected, counts.below_threshold()) {
        (0, _) => NONE,
        (_, true) => "是",
        (_, false) => "否",
    }
}

fn yes_no(flag: bool) -> &'static str {
    if flag { "是" } else { "否" }
}

fn org_label(name: &str, code: &str) -> String {
    if code.is_empty() {
        name.to_owned()
    } else {
        format!("{name}（{code}）")
    }
}

fn time_range(start: &str, end: &str) -> String {
    match (start.trim(), end.trim()) {
        ("", "") => NONE.to_owned(),
        (start, "") => start.to_owned(),
        ("", end) => end.to_owned(),
        (start, end) => format!("{start}–{end}"),
    }
}

fn optional_time(time: Option<DateTime<FixedOffset>>) -> Cell<'static> {
    time.map_or(Cell::Empty, Cell::Time)
}

fn attendance_cells(row: &LedgerRow) -> [Cell<'_>; 6] {
    [
        Cell::Text(Cow::Borrowed(&row.name)),
        Cell::Text(Cow::Borrowed(row.status)),
        optional_time(row.checked_in_at),
        row.method
            .map_or(Cell::Empty, |m| Cell::Text(Cow::Borrowed(m))),
        Cell::Text(Cow::Borrowed(yes_no(row.location_far))),
        Cell::Wrapped(Cow::Borrowed(&row.note)),
    ]
}

fn correction_cells(correction: &Correction) -> [Cell<'_>; 5] {
    [
        Cell::Time(correction.at),
        Cell::Text(Cow::Borrowed(&correction.actor)),
        Cell::Text(Cow::Borrowed(&correction.person)),
        Cell::Text(Cow::Borrowed(correction.action)),
        Cell::Wrapped(Cow::Borrowed(&correction.reason)),
    ]
}

fn count_cells(counts: &Counts) -> [Cell<'static>; 7] {
    [
        Cell::Count(counts.expected),
        Cell::Count(counts.present),
        Cell::Count(counts.on_leave),
        Cell::Count(counts.absent),
        Cell::Count(counts.guests),
        Cell::Text(Cow::Owned(rate_text(counts))),
        Cell::Text(Cow::Borrowed(below_text(counts))),
    ]
}

fn summary_cells<'a>(
    date: Cell<'a>,
    theme: Cell<'a>,
    category: Cell<'a>,
    counts: &Counts,
) -> [Cell<'a>; 10] {
    let [expected, present, on_leave, absent, guests, rate, below] = count_cells(counts);
    [
        date, theme, category, expected, present, on_leave, absent, guests, rate, below,
    ]
}

fn detail_rows(l: &OrgLedger) -> impl Iterator<Item = [Cell<'_>; 7]> {
    l.activities.iter().flat_map(|activity| {
        activity.rows.iter().map(move |row| {
            let [name, status, time, method, _location, note] = attendance_cells(row);
            [
                Cell::Date(activity.activity_date),
                Cell::Text(Cow::Borrowed(&activity.theme)),
                name,
                status,
                time,
                method,
                note,
            ]
        })
    })
}

fn total_counts(activities: &[ActivityLedger]) -> Counts {
    let zero = Counts {
        expected: 0,
        present: 0,
        on_leave: 0,
        absent: 0,
        guests: 0,
        exempt: 0,
    };
    activities.iter().fold(zero, |sum, activity| {
        let c = &activity.counts;
        Counts {
            expected: sum.expected.saturating_add(c.expected),
            present: sum.present.saturating_add(c.present),
            on_leave: sum.on_leave.saturating_add(c.on_leave),
            absent: sum.absent.saturating_add(c.absent),
            guests: sum.guests.saturating_add(c.guests),
            exempt: sum.exempt.saturating_add(c.exempt),
        }
    })
}

/// Any table of text as CSV with the same BOM, quoting and formula guard as the ledgers (the
/// commitment list of a branch meeting uses it).
pub fn text_csv<const N: usize>(
    headers: [&str; N],
    rows: impl IntoIterator<Item = [String; N]>,
) -> Vec<u8> {
    let rows: Vec<[String; N]> = rows.into_iter().collect();
    csv_table(
        headers,
        rows.iter()
            .map(|row| std::array::from_fn(|i| Cell::Text(Cow::Borrowed(row[i].as_str())))),
    )
}

/// Written by hand rather than through `csv::Writer`: the fields are already text and the target
/// is memory, so there is no error to hand back. Quoting follows RFC 4180, as the csv crate does.
fn csv_table<'a, const N: usize>(
    headers: [&str; N],
    rows: impl IntoIterator<Item = [Cell<'a>; N]>,
) -> Vec<u8> {
    let mut out = String::from(UTF8_BOM);
    push_csv_record(&mut out, headers.map(Cow::Borrowed));
    for cells in rows {
        push_csv_record(&mut out, cells.iter().map(Cell::text));
    }
    out.into_bytes()
}

fn push_csv_record<'a>(out: &mut String, fields: impl IntoIterator<Item = Cow<'a, str>>) {
    for (index, field) in fields.into_iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        if field.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&field);
        }
    }
    // CRLF, as the roster export and Excel write it.
    out.push_str("\r\n");
}

struct Styles {
    bold: Format,
    title: Format,
    text: Format,
    wrapped: Format,
    count: Format,
    date: Format,
    time: Format,
    /// A value of the 活动台账 header block, read like a form rather than a table column.
    field: Format,
    field_count: Format,
}

impl Styles {
    fn new() -> Self {
        // Top-aligned throughout, so a row made tall by a wrapped note still reads across.
        let top = Format::new().set_align(FormatAlign::Top);
        Self {
            bold: top.clone().set_bold(),
            title: Format::new().set_bold().set_font_size(14),
            text: top.clone(),
            wrapped: top.clone().set_text_wrap(),
            count: top.clone(),
            date: top.clone().set_num_format("yyyy-mm-dd"),
            time: top.clone().set_num_format("yyyy-mm-dd hh:mm:ss"),
            field: top.clone().set_align(FormatAlign::Left).set_text_wrap(),
            field_count: top.set_align(FormatAlign::Left),
        }
    }
}

fn excel_date(date: NaiveDate) -> anyhow::Result<ExcelDateTime> {
    let out_of_range = || format!("the date {date} is outside what Excel can show");
    let year = u16::try_from(date.year()).with_context(out_of_range)?;
    let month = u8::try_from(date.month()).with_context(out_of_range)?;
    let day = u8::try_from(date.day()).with_context(out_of_range)?;
    ExcelDateTime::from_ymd(year, month, day).with_context(|| format!("the date {date}"))
}

/// Whole seconds only: Excel rounds a fraction when it displays seconds, and the CSV would then
/// show a different second than the workbook.
fn excel_time(time: &DateTime<FixedOffset>) -> anyhow::Result<ExcelDateTime> {
    let local: NaiveDateTime = time.naive_local();
    let hour = u16::try_from(local.hour()).context("an hour past 65535")?;
    let minute = u8::try_from(local.minute()).context("a minute past 255")?;
    let second = local.second();
    excel_date(local.date())?
        .and_hms(hour, minute, second)
        .with_context(|| format!("the time {local}"))
}

fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    cell: &Cell<'_>,
    styles: &Styles,
) -> anyhow::Result<()> {
    match cell {
        Cell::Empty => {}
        Cell::Text(text) | Cell::Wrapped(text) if text.is_empty() => {}
        Cell::Text(_) => {
            sheet.write_string_with_format(row, column, cell.text(), &styles.text)?;
        }
        Cell::Wrapped(_) => {
            sheet.write_string_with_format(row, column, cell.text(), &styles.wrapped)?;
        }
        Cell::Count(count) => {
            sheet.write_number_with_format(row, column, f64::from(*count), &styles.count)?;
        }
        Cell::Date(date) => {
            sheet.write_datetime_with_format(row, column, excel_date(*date)?, &styles.date)?;
        }
        Cell::Time(time) => {
            sheet.write_datetime_with_format(row, column, excel_time(time)?, &styles.time)?;
        }
    }
    Ok(())
}

fn write_row(
    sheet: &mut Worksheet,
    row: u32,
    cells: &[Cell<'_>],
    styles: &Styles,
) -> anyhow::Result<()> {
    for (column, cell) in (0..).zip(cells) {
        write_cell(sheet, row, column, cell, styles)
            .with_context(|| format!("cannot write row {} column {}", row + 1, column + 1))?;
    }
    Ok(())
}

/// A bold header row at `top` and the rows under it; returns the last row written.
fn write_table<'a, const N: usize>(
    sheet: &mut Worksheet,
    top: u32,
    headers: [&str; N],
    rows: impl IntoIterator<Item = [Cell<'a>; N]>,
    styles: &Styles,
) -> anyhow::Result<u32> {
    for (column, header) in (0..).zip(headers) {
        sheet.write_string_with_format(top, column, header, &styles.bold)?;
    }
    let mut last = top;
    for cells in rows {
        last += 1;
        write_row(sheet, last, &cells, styles)?;
    }
    Ok(last)
}

fn set_widths(sheet: &mut Worksheet, widths: &[f64]) -> anyhow::Result<()> {
    for (column, width) in (0..).zip(widths) {
        sheet.set_column_width(column, *width)?;
    }
    Ok(())
}

/// Excel never grows a row to fit a merged cell's wrapped text, so the height is estimated:
/// a CJK character is about two width units wide, anything else one.
fn merged_height(text: &str, width: f64) -> Option<f64> {
    let per_line = (width - 2.0).max(1.0);
    let lines: f64 = text
        .lines()
        .map(|line| {
            let units: f64 = line
                .chars()
                .map(|c| if is_wide(c) { 2.0 } else { 1.0 })
                .sum();
            (units / per_line).ceil().max(1.0)
        })
        .sum();
    (lines > 1.0).then(|| (lines * LINE_HEIGHT).min(MAX_ROW_HEIGHT))
}

fn is_wide(c: char) -> bool {
    matches!(
        u32::from(c),
        0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x2_0000..=0x3_FFFD
    )
}

fn header_block(l: &ActivityLedger) -> Vec<(&'static str, Cell<'_>)> {
    fn text(value: &str) -> Cell<'_> {
        Cell::Wrapped(Cow::Borrowed(value))
    }
    fn time(value: Option<&DateTime<FixedOffset>>) -> Cell<'static> {
        Cell::Text(Cow::Owned(value.map_or(NONE.to_owned(), time_text)))
    }
    let [expected, present, on_leave, absent, guests, rate, below] = count_cells(&l.counts);
    vec![
        (
            "组织",
            Cell::Wrapped(Cow::Owned(org_label(&l.org_name, &l.org_code))),
        ),
        ("活动主题", text(&l.theme)),
        ("类别", text(&l.category)),
        ("日期", Cell::Text(Cow::Owned(date_text(l.activity_date)))),
        (
            "时间",
            Cell::Text(Cow::Owned(time_range(&l.start_time, &l.end_time))),
        ),
        ("地点", text(&l.place)),
        ("组织者", text(&l.organiser)),
        ("活动内容/要求", text(&l.requirements)),
        ("审核备案时间", time(l.filed_at.as_ref())),
        ("预告发布时间", time(l.published_at.as_ref())),
        ("预告内容", text(l.preview.as_deref().unwrap_or(NONE))),
        ("应到", expected),
        ("实到", present),
        ("请假", on_leave),
        ("缺席", absent),
        ("列席", guests),
        ("免参加", Cell::Count(l.counts.exempt)),
        ("参与率", rate),
        ("是否低于80%", below),
    ]
}

/// The header block fills columns A and B–F above the attendance table, so B–F are merged for
/// each value: the table's narrow 状态 column would otherwise squeeze the theme and the notice.
fn write_activity_sheet(
    sheet: &mut Worksheet,
    l: &ActivityLedger,
    styles: &Styles,
) -> anyhow::Result<()> {
    sheet.set_name(ACTIVITY_SHEET)?;
    set_widths(sheet, &ATTENDANCE_WIDTHS)?;
    let last_column = u16::try_from(ATTENDANCE_HEADERS.len() - 1)?;
    let merged_width: f64 = ATTENDANCE_WIDTHS[1..].iter().sum();

    let mut row = 0;
    for (label, value) in header_block(l) {
        sheet.write_string_with_format(row, 0, label, &styles.bold)?;
        match value {
            Cell::Count(count) => {
                sheet.write_number_with_format(row, 1, f64::from(count), &styles.field_count)?;
            }
            value => {
                let text = value.text();
                sheet.merge_range(row, 1, row, last_column, &text, &styles.field)?;
                if let Some(height) = merged_height(&text, merged_width) {
                    sheet.set_row_height(row, height)?;
                }
            }
        }
        row += 1;
    }

    // A frozen pane would pin the whole header block and leave a laptop screen no room to
    // scroll the names, so the table header repeats on printed pages and gets a filter instead.
    let top = row + 1;
    let last = write_table(
        sheet,
        top,
        ATTENDANCE_HEADERS,
        l.rows.iter().map(attendance_cells),
        styles,
    )?;
    sheet.autofilter(top, 0, last, last_column)?;
    sheet.set_repeat_rows(top, top)?;
    sheet.set_print_fit_to_pages(1, 0);
    Ok(())
}

fn write_corrections_sheet(
    sheet: &mut Worksheet,
    corrections: &[Correction],
    styles: &Styles,
) -> anyhow::Result<()> {
    sheet.set_name(CORRECTIONS_SHEET)?;
    set_widths(sheet, &CORRECTION_WIDTHS)?;
    write_table(
        sheet,
        0,
        CORRECTION_HEADERS,
        corrections.iter().map(correction_cells),
        styles,
    )?;
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// One paragraph per row: Excel caps a row at 409 points, so minutes kept in one cell would be
/// cut off on screen and in print once they pass a page or so.
fn write_minutes_sheet(
    sheet: &mut Worksheet,
    minutes: Option<&str>,
    photos: &[String],
    styles: &Styles,
) -> anyhow::Result<()> {
    sheet.set_name(MINUTES_SHEET)?;
    sheet.set_column_width(0, MINUTES_WIDTH)?;
    sheet.set_print_fit_to_pages(1, 0);
    let mut row = 0;
    match minutes.filter(|m| !m.trim().is_empty()) {
        None => {
            sheet.write_string_with_format(0, 0, "（未填写会议记录）", &styles.text)?;
            row = 1;
        }
        Some(minutes) => {
            for paragraph in minutes.lines() {
                for piece in cell_sized(paragraph) {
                    let cell = Cell::Wrapped(Cow::Borrowed(piece));
                    write_cell(sheet, row, 0, &cell, styles)
                        .with_context(|| format!("cannot write minutes row {}", row + 1))?;
                    row += 1;
                }
            }
        }
    }
    // The photos of the meeting (kept as attachments), by file name.
    if !photos.is_empty() {
        let heading = format!("会议照片及附件（{} 个）", photos.len());
        let cell = Cell::Wrapped(Cow::Owned(heading));
        write_cell(sheet, row + 1, 0, &cell, styles)?;
        for (offset, name) in (row + 2..).zip(photos) {
            write_cell(
                sheet,
                offset,
                0,
                &Cell::Wrapped(Cow::Borrowed(name)),
                styles,
            )
            .context("cannot write an attachment's name")?;
        }
    }
    Ok(())
}

/// `text` in pieces Excel accepts in one cell, leaving room for the formula guard's apostrophe.
fn cell_sized(text: &str) -> Vec<&str> {
    let limit = MAX_CELL_CHARS - 1;
    let mut pieces = Vec::new();
    let mut rest = text;
    loop {
        match rest.char_indices().nth(limit) {
            Some((cut, _)) => {
                let (piece, tail) = rest.split_at(cut);
                pieces.push(piece);
                rest = tail;
            }
            None => {
                pieces.push(rest);
                return pieces;
            }
        }
    }
}

fn write_summary_sheet(
    sheet: &mut Worksheet,
    l: &OrgLedger,
    styles: &Styles,
) -> anyhow::Result<()> {
    sheet.set_name(SUMMARY_SHEET)?;
    set_widths(sheet, &SUMMARY_WIDTHS)?;
    let last_column = u16::try_from(SUMMARY_HEADERS.len() - 1)?;
    let title = format!(
        "{}　{}　统一活动日台账汇总",
        org_label(&l.org_name, &l.org_code),
        l.period
    );
    sheet.merge_range(0, 0, 0, last_column, &defused(&title), &styles.title)?;

    let rows = l.activities.iter().map(|activity| {
        summary_cells(
            Cell::Date(activity.activity_date),
            Cell::Wrapped(Cow::Borrowed(&activity.theme)),
            Cell::Text(Cow::Borrowed(&activity.category)),
            &activity.counts,
        )
    });
    let last = write_table(sheet, 1, SUMMARY_HEADERS, rows, styles)?;

    let total_row = last + 1;
    let total = summary_cells(
        Cell::Empty,
        Cell::Text(Cow::Owned(format!("共{}次活动", l.activities.len()))),
        Cell::Empty,
        &total_counts(&l.activities),
    );
    write_row(sheet, total_row, &total, styles)?;
    sheet.write_string_with_format(total_row, 0, "合计", &styles.bold)?;
    sheet.set_freeze_panes(2, 0)?;
    sheet.set_print_fit_to_pages(1, 0);
    Ok(())
}

fn write_detail_sheet(sheet: &mut Worksheet, l: &OrgLedger, styles: &Styles) -> anyhow::Result<()> {
    sheet.set_name(DETAIL_SHEET)?;
    set_widths(sheet, &DETAIL_WIDTHS)?;
    let last = write_table(sheet, 0, DETAIL_HEADERS, detail_rows(l), styles)?;
    let last_column = u16::try_from(DETAIL_HEADERS.len() - 1)?;
    sheet.autofilter(0, 0, last, last_column)?;
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader};
    use chrono::TimeZone;

    use super::*;

    fn shanghai(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<FixedOffset> {
        FixedOffset::east_opt(8 * 3600)
            .expect("+08:00 is a valid offset")
            .with_ymd_and_hms(y, mo, d, h, mi, s)
            .single()
            .expect("an unambiguous time")
    }

    fn counts(expected: u32, present: u32) -> Counts {
        Counts {
            expected,
            present,
            on_leave: 0,
            absent: 0,
            guests: 0,
            exempt: 0,
        }
    }

    fn row(name: &str, status: &'static str) -> LedgerRow {
        LedgerRow {
            name: name.into(),
            status,
            checked_in_at: None,
            method: None,
            location_far: false,
            note: String::new(),
        }
    }

    fn sample() -> ActivityLedger {
        ActivityLedger {
            org_name: "广陵区机关第一支部".into(),
            org_code: "YZ-GL_01".into(),
            activity_id: 42,
            theme: "学习贯彻党的二十届四中全会精神".into(),
            category: "主题党日".into(),
            activity_date: NaiveDate::from_ymd_opt(2026, 11, 15).expect("a date"),
            start_time: "14:30".into(),
            end_time: "16:30".into(),
            place: "区政府三楼会议室".into(),
            organiser: "张书记".into(),
            requirements: "全体党员参加，携带笔记本".into(),
            filed_at: Some(shanghai(2026, 11, 10, 9, 0, 0)),
            published_at: Some(shanghai(2026, 11, 11, 8, 30, 15)),
            preview: Some("本月主题党日安排如下".into()),
            counts: Counts {
                expected: 7,
                present: 6,
                on_leave: 1,
                absent: 0,
                guests: 1,
                exempt: 1,
            },
            rows: vec![
                LedgerRow {
                    checked_in_at: Some(shanghai(2026, 11, 15, 14, 21, 5)),
                    method: Some("扫码"),
                    ..row("张三", "出席")
                },
                LedgerRow {
                    checked_in_at: Some(shanghai(2026, 11, 15, 14, 40, 59)),
                    method: Some("组织者代签"),
                    location_far: true,
                    note: "手机没电，由书记代签".into(),
                    ..row("李四", "出席")
                },
                LedgerRow {
                    note: "出差, 在外地\n已提交书面请假".into(),
                    ..row("王五", "请假")
                },
                row("赵六", "免参加"),
                LedgerRow {
                    checked_in_at: Some(shanghai(2026, 11, 15, 14, 25, 0)),
                    method: Some("离线补传"),
                    ..row("钱七", "列席")
                },
            ],
            corrections: vec![Correction {
                at: shanghai(2026, 11, 15, 17, 2, 3),
                actor: "张书记".into(),
                person: "孙八".into(),
                action: "撤销签到",
                reason: "误扫他人二维码".into(),
            }],
            minutes: Some("一、传达学习全会精神\n\n二、讨论发言".into()),
            photos: vec!["会场.jpg".into()],
        }
    }

    fn empty_activity() -> ActivityLedger {
        ActivityLedger {
            counts: counts(0, 0),
            rows: Vec::new(),
            corrections: Vec::new(),
            minutes: None,
            photos: Vec::new(),
            filed_at: None,
            published_at: None,
            preview: None,
            ..sample()
        }
    }

    fn org() -> OrgLedger {
        let mut second = sample();
        second.activity_id = 43;
        second.activity_date = NaiveDate::from_ymd_opt(2026, 11, 28).expect("a date");
        second.theme = "组织生活会".into();
        second.counts = counts(5, 3);
        second.rows = vec![LedgerRow {
            checked_in_at: Some(shanghai(2026, 11, 28, 9, 5, 0)),
            method: Some("扫码"),
            ..row("周九", "出席")
        }];
        OrgLedger {
            org_name: "广陵区机关第一支部".into(),
            org_code: "YZ-GL_01".into(),
            period: "2026年11月".into(),
            activities: vec![sample(), second],
        }
    }

    /// A sheet as the text a reader sees: numbers without a needless fraction, dates and times
    /// as they are formatted.
    fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<String>> {
        let mut workbook = calamine::Xlsx::new(Cursor::new(bytes)).expect("a readable workbook");
        let range = workbook.worksheet_range(name).expect("the sheet exists");
        assert_eq!(range.start(), Some((0, 0)), "{name} starts at A1");
        range
            .rows()
            .map(|cells| cells.iter().map(shown).collect())
            .collect()
    }

    fn shown(cell: &Data) -> String {
        match cell {
            Data::Empty => String::new(),
            Data::String(text) => text.clone(),
            Data::Float(number) => format!("{number}"),
            Data::DateTime(datetime) => {
                let (y, mo, d, h, mi, s, _) = datetime.to_ymd_hms_milli();
                if (h, mi, s) == (0, 0, 0) {
                    format!("{y:04}-{mo:02}-{d:02}")
                } else {
                    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
                }
            }
            other => panic!("unexpected cell {other:?}"),
        }
    }

    fn raw_cell(bytes: &[u8], name: &str, row: u32, column: u32) -> Data {
        let mut workbook = calamine::Xlsx::new(Cursor::new(bytes)).expect("a readable workbook");
        let range = workbook.worksheet_range(name).expect("the sheet exists");
        range
            .get_value((row, column))
            .cloned()
            .unwrap_or(Data::Empty)
    }

    fn sheet_names(bytes: &[u8]) -> Vec<String> {
        calamine::Xlsx::new(Cursor::new(bytes))
            .expect("a readable workbook")
            .sheet_names()
    }

    /// The value beside `label` in the 活动台账 header block.
    fn field<'a>(grid: &'a [Vec<String>], label: &str) -> &'a str {
        grid.iter()
            .find(|line| line.first().is_some_and(|first| first == label))
            .and_then(|line| line.get(1))
            .unwrap_or_else(|| panic!("no header field {label}"))
    }

    /// The attendance table of the 活动台账 sheet: the rows from its header on, trimmed to six.
    fn attendance_table(grid: &[Vec<String>]) -> Vec<Vec<String>> {
        let header = grid
            .iter()
            .position(|line| line.first().is_some_and(|first| first == "姓名"))
            .expect("the attendance header");
        grid[header..]
            .iter()
            .map(|line| line.iter().take(6).cloned().collect())
            .collect()
    }

    fn strings(lines: &[&[&str]]) -> Vec<Vec<String>> {
        lines
            .iter()
            .map(|line| line.iter().map(|cell| (*cell).to_owned()).collect())
            .collect()
    }

    fn csv_records(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
        let text = std::str::from_utf8(bytes).expect("UTF-8");
        let body = text.strip_prefix('\u{feff}').expect("a BOM for Excel");
        let mut reader = csv::Reader::from_reader(body.as_bytes());
        let headers = reader
            .headers()
            .expect("a header row")
            .iter()
            .map(str::to_owned)
            .collect();
        let records = reader
            .records()
            .map(|record| {
                record
                    .expect("a well-formed record")
                    .iter()
                    .map(str::to_owned)
                    .collect()
            })
            .collect();
        (headers, records)
    }

    #[test]
    fn the_rate_is_present_over_expected_and_none_when_nobody_was_expected() {
        assert_eq!(counts(4, 3).rate(), Some(0.75));
        assert_eq!(counts(0, 0).rate(), None);
        assert_eq!(counts(0, 2).rate(), None);
    }

    #[test]
    fn exactly_eighty_percent_is_not_below_the_threshold() {
        assert!(!counts(5, 4).below_threshold());
        assert!(!counts(10, 8).below_threshold());
        assert!(counts(2000, 1599).below_threshold());
        assert!(counts(5, 3).below_threshold());
        assert!(!counts(0, 0).below_threshold());
        assert!(!counts(u32::MAX, u32::MAX).below_threshold());
    }

    #[test]
    fn the_rate_text_has_one_decimal_rounded_down_so_it_agrees_with_the_flag() {
        assert_eq!(rate_text(&counts(7, 6)), "85.7%");
        assert_eq!(rate_text(&counts(3, 2)), "66.6%");
        assert_eq!(rate_text(&counts(2000, 1599)), "79.9%");
        assert_eq!(rate_text(&counts(5, 4)), "80.0%");
        assert_eq!(rate_text(&counts(1, 1)), "100.0%");
        assert_eq!(rate_text(&counts(0, 0)), "—");
        assert_eq!(below_text(&counts(2000, 1599)), "是");
        assert_eq!(below_text(&counts(0, 0)), "—");
    }

    #[test]
    fn the_activity_workbook_has_the_header_block_and_the_attendance_table() {
        let bytes = activity_xlsx(&sample()).expect("the ledger exports");
        assert_eq!(sheet_names(&bytes), ["活动台账", "更正记录", "会议记录"]);
        let grid = sheet(&bytes, ACTIVITY_SHEET);

        assert_eq!(field(&grid, "组织"), "广陵区机关第一支部（YZ-GL_01）");
        assert_eq!(field(&grid, "活动主题"), "学习贯彻党的二十届四中全会精神");
        assert_eq!(field(&grid, "类别"), "主题党日");
        assert_eq!(field(&grid, "日期"), "2026-11-15");
        assert_eq!(field(&grid, "时间"), "14:30–16:30");
        assert_eq!(field(&grid, "地点"), "区政府三楼会议室");
        assert_eq!(field(&grid, "组织者"), "张书记");
        assert_eq!(field(&grid, "活动内容/要求"), "全体党员参加，携带笔记本");
        assert_eq!(field(&grid, "审核备案时间"), "2026-11-10 09:00:00");
        assert_eq!(field(&grid, "预告发布时间"), "2026-11-11 08:30:15");
        assert_eq!(field(&grid, "预告内容"), "本月主题党日安排如下");
        for (label, count) in [
            ("应到", "7"),
            ("实到", "6"),
            ("请假", "1"),
            ("缺席", "0"),
            ("列席", "1"),
            ("免参加", "1"),
        ] {
            assert_eq!(field(&grid, label), count, "{label}");
        }
        assert_eq!(field(&grid, "参与率"), "85.7%");
        assert_eq!(field(&grid, "是否低于80%"), "否");
        assert_eq!(raw_cell(&bytes, ACTIVITY_SHEET, 11, 1), Data::Float(7.0));

        assert_eq!(
            attendance_table(&grid),
            strings(&[
                &["姓名", "状态", "签到时间", "方式", "位置异常", "备注"],
                &["张三", "出席", "2026-11-15 14:21:05", "扫码", "否", ""],
                &[
                    "李四",
                    "出席",
                    "2026-11-15 14:40:59",
                    "组织者代签",
                    "是",
                    "手机没电，由书记代签",
                ],
                &["王五", "请假", "", "", "否", "出差, 在外地\n已提交书面请假"],
                &["赵六", "免参加", "", "", "否", ""],
                &["钱七", "列席", "2026-11-15 14:25:00", "离线补传", "否", ""],
            ])
        );
    }

    #[test]
    fn the_activity_workbook_lists_corrections_and_the_minutes() {
        let bytes = activity_xlsx(&sample()).expect("the ledger exports");
        assert_eq!(
            sheet(&bytes, CORRECTIONS_SHEET),
            strings(&[
                &["时间", "操作人", "对象", "操作", "原因"],
                &[
                    "2026-11-15 17:02:03",
                    "张书记",
                    "孙八",
                    "撤销签到",
                    "误扫他人二维码",
                ],
            ])
        );
        assert_eq!(
            sheet(&bytes, MINUTES_SHEET),
            strings(&[
                &["一、传达学习全会精神"],
                &[""],
                &["二、讨论发言"],
                &[""],
                &["会议照片及附件（1 个）"],
                &["会场.jpg"],
            ]),
            "the photos of the meeting are listed below the minutes"
        );
    }

    #[test]
    fn the_activity_csv_is_the_attendance_table_with_a_bom_and_chinese_headers() {
        let bytes = activity_csv(&sample());
        let (headers, records) = csv_records(&bytes);
        assert_eq!(headers, ATTENDANCE_HEADERS);
        assert_eq!(records.len(), 5);
        assert_eq!(
            records[1],
            [
                "李四",
                "出席",
                "2026-11-15 14:40:59",
                "组织者代签",
                "是",
                "手机没电，由书记代签",
            ]
        );
        assert_eq!(
            records[2],
            ["王五", "请假", "", "", "否", "出差, 在外地\n已提交书面请假"]
        );
        assert_eq!(
            records[4][0..4],
            ["钱七", "列席", "2026-11-15 14:25:00", "离线补传"]
        );
        let text = std::str::from_utf8(&bytes).expect("UTF-8");
        assert!(text.contains("\r\n张三,出席,2026-11-15 14:21:05,扫码,否,\r\n"));
    }

    #[test]
    fn the_org_workbook_summarises_each_activity_and_totals_them() {
        let bytes = org_xlsx(&org()).expect("the ledger exports");
        assert_eq!(sheet_names(&bytes), ["汇总", "考勤明细"]);
        let grid = sheet(&bytes, SUMMARY_SHEET);
        assert_eq!(
            grid[0][0],
            "广陵区机关第一支部（YZ-GL_01）　2026年11月　统一活动日台账汇总"
        );
        assert_eq!(
            grid[1..],
            strings(&[
                &[
                    "日期",
                    "主题",
                    "类别",
                    "应到",
                    "实到",
                    "请假",
                    "缺席",
                    "列席",
                    "参与率",
                    "低于80%",
                ],
                &[
                    "2026-11-15",
                    "学习贯彻党的二十届四中全会精神",
                    "主题党日",
                    "7",
                    "6",
                    "1",
                    "0",
                    "1",
                    "85.7%",
                    "否",
                ],
                &[
                    "2026-11-28",
                    "组织生活会",
                    "主题党日",
                    "5",
                    "3",
                    "0",
                    "0",
                    "0",
                    "60.0%",
                    "是",
                ],
                &[
                    "合计",
                    "共2次活动",
                    "",
                    "12",
                    "9",
                    "1",
                    "0",
                    "1",
                    "75.0%",
                    "是",
                ],
            ])[..]
        );
        assert_eq!(raw_cell(&bytes, SUMMARY_SHEET, 4, 3), Data::Float(12.0));

        let detail = sheet(&bytes, DETAIL_SHEET);
        assert_eq!(detail[0], DETAIL_HEADERS);
        assert_eq!(detail.len(), 1 + 5 + 1);
        assert_eq!(
            detail[2],
            [
                "2026-11-15",
                "学习贯彻党的二十届四中全会精神",
                "李四",
                "出席",
                "2026-11-15 14:40:59",
                "组织者代签",
                "手机没电，由书记代签",
            ]
        );
        assert_eq!(
            detail[6],
            [
                "2026-11-28",
                "组织生活会",
                "周九",
                "出席",
                "2026-11-28 09:05:00",
                "扫码",
                "",
            ]
        );
    }

    #[test]
    fn the_org_csv_lists_every_attendance_row_with_its_activity() {
        let (headers, records) = csv_records(&org_csv(&org()));
        assert_eq!(headers, DETAIL_HEADERS);
        assert_eq!(records.len(), 6);
        assert_eq!(
            records[0],
            [
                "2026-11-15",
                "学习贯彻党的二十届四中全会精神",
                "张三",
                "出席",
                "2026-11-15 14:21:05",
                "扫码",
                "",
            ]
        );
        assert_eq!(records[2][2..4], ["王五", "请假"]);
        assert_eq!(records[2][6], "出差, 在外地\n已提交书面请假");
        assert_eq!(records[5][..3], ["2026-11-28", "组织生活会", "周九"]);
    }

    #[test]
    fn cells_that_a_spreadsheet_would_run_as_formulas_get_an_apostrophe() {
        for (raw, written) in [
            (
                "=HYPERLINK(\"http://x\",\"点我\")",
                "'=HYPERLINK(\"http://x\",\"点我\")",
            ),
            ("+86 138", "'+86 138"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "'\r=1+1"),
            ("张三", "张三"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(defused(raw), written, "{raw:?}");
        }

        let mut ledger = sample();
        ledger.theme = "=cmd|'/C calc'!A0".into();
        ledger.rows = vec![LedgerRow {
            note: "@SUM(1+1)*cmd".into(),
            ..row("=1+2", "出席")
        }];
        let (_, records) = csv_records(&activity_csv(&ledger));
        assert_eq!(records[0][0], "'=1+2");
        assert_eq!(records[0][5], "'@SUM(1+1)*cmd");

        let bytes = activity_xlsx(&ledger).expect("the ledger exports");
        let grid = sheet(&bytes, ACTIVITY_SHEET);
        assert_eq!(field(&grid, "活动主题"), "'=cmd|'/C calc'!A0");
        let table = attendance_table(&grid);
        assert_eq!(table[1][0], "'=1+2");
        assert_eq!(table[1][5], "'@SUM(1+1)*cmd");

        let org = OrgLedger {
            org_name: "-".into(),
            org_code: String::new(),
            period: "2026年".into(),
            activities: vec![ledger],
        };
        let (_, records) = csv_records(&org_csv(&org));
        assert_eq!(records[0][1], "'=cmd|'/C calc'!A0");
        let bytes = org_xlsx(&org).expect("the ledger exports");
        assert_eq!(
            sheet(&bytes, SUMMARY_SHEET)[0][0],
            "'-　2026年　统一活动日台账汇总"
        );
        assert_eq!(sheet(&bytes, DETAIL_SHEET)[1][2], "'=1+2");
    }

    #[test]
    fn an_empty_activity_exports_headers_only_and_a_dash_for_the_rate() {
        let ledger = empty_activity();
        let (headers, records) = csv_records(&activity_csv(&ledger));
        assert_eq!(headers, ATTENDANCE_HEADERS);
        assert!(records.is_empty());

        let bytes = activity_xlsx(&ledger).expect("the ledger exports");
        let grid = sheet(&bytes, ACTIVITY_SHEET);
        assert_eq!(field(&grid, "应到"), "0");
        assert_eq!(field(&grid, "参与率"), "—");
        assert_eq!(field(&grid, "是否低于80%"), "—");
        assert_eq!(field(&grid, "审核备案时间"), "—");
        assert_eq!(field(&grid, "预告内容"), "—");
        assert_eq!(attendance_table(&grid), strings(&[&ATTENDANCE_HEADERS]));
        assert_eq!(
            sheet(&bytes, CORRECTIONS_SHEET),
            strings(&[&CORRECTION_HEADERS])
        );
        assert_eq!(
            sheet(&bytes, MINUTES_SHEET),
            strings(&[&["（未填写会议记录）"]])
        );
    }

    #[test]
    fn an_org_without_activities_exports_a_zero_total() {
        let org = OrgLedger {
            activities: Vec::new(),
            ..org()
        };
        let (headers, records) = csv_records(&org_csv(&org));
        assert_eq!(headers, DETAIL_HEADERS);
        assert!(records.is_empty());

        let bytes = org_xlsx(&org).expect("the ledger exports");
        let grid = sheet(&bytes, SUMMARY_SHEET);
        assert_eq!(
            grid[2],
            ["合计", "共0次活动", "", "0", "0", "0", "0", "0", "—", "—"]
        );
        assert_eq!(sheet(&bytes, DETAIL_SHEET), strings(&[&DETAIL_HEADERS]));
    }

    #[test]
    fn minutes_longer_than_an_excel_cell_are_split_across_rows() {
        let mut ledger = sample();
        let long = "记".repeat(MAX_CELL_CHARS + 10);
        ledger.minutes = Some(format!("-开场\n{long}"));
        ledger.photos.clear();
        let bytes = activity_xlsx(&ledger).expect("long minutes still export");
        let grid = sheet(&bytes, MINUTES_SHEET);
        assert_eq!(grid.len(), 3);
        assert_eq!(grid[0][0], "'-开场");
        assert_eq!(
            grid[1][0].chars().count() + grid[2][0].chars().count(),
            long.chars().count()
        );
        assert_eq!(format!("{}{}", grid[1][0], grid[2][0]), long);
    }

    #[test]
    fn merged_rows_grow_with_wrapped_chinese_text() {
        assert_eq!(merged_height("短", 92.0), None);
        assert_eq!(merged_height(&"字".repeat(45), 92.0), None);
        assert_eq!(
            merged_height(&"字".repeat(46), 92.0),
            Some(2.0 * LINE_HEIGHT)
        );
        assert_eq!(merged_height("一\n二\n三", 92.0), Some(3.0 * LINE_HEIGHT));
        assert_eq!(
            merged_height(&"字".repeat(100_000), 92.0),
            Some(MAX_ROW_HEIGHT)
        );
    }
}
