//! Branch rosters (名册) as CSV or XLSX files, read and written with the same Chinese headers
//! so that an exported roster imports again unchanged.
//!
//! Imports are all-or-nothing, so `parse` checks every cell and reports every problem at once:
//! a secretary fixes the whole file in one go instead of uploading it once per mistake.
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Cursor;

use anyhow::Context;
use calamine::Reader;
use chrono::{Datelike, NaiveDate};

use crate::domain::{
    DeputyLevel, LeaderLevel, MemberStatus, OrgCode, PartyPost, PersonName, Phone,
};

pub const MAX_ROWS: usize = 5000;

const CSV_CONTENT_TYPE: &str = "text/csv";
const XLSX_CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RosterFormat {
    Csv,
    Xlsx,
}

impl RosterFormat {
    /// Accepts the bare media type or one with parameters (`text/csv; charset=utf-8`).
    pub fn from_content_type(ct: &str) -> Option<Self> {
        let media_type = ct.split(';').next().unwrap_or_default().trim();
        // Browsers on Windows label a .csv upload as Excel's old type; a real .xls then fails
        // the UTF-8 check with a clear reason.
        if media_type.eq_ignore_ascii_case(CSV_CONTENT_TYPE)
            || media_type.eq_ignore_ascii_case("application/vnd.ms-excel")
        {
            Some(Self::Csv)
        } else if media_type.eq_ignore_ascii_case(XLSX_CONTENT_TYPE) {
            Some(Self::Xlsx)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => XLSX_CONTENT_TYPE,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }
}

/// One member line of an imported roster; every field has passed its check.
#[derive(Debug, Clone)]
pub struct RosterRow {
    /// The spreadsheet row number, counting the header: the first data row is 2.
    pub row: usize,
    pub name: PersonName,
    pub phone: Phone,
    pub status: MemberStatus,
    pub join_date: Option<NaiveDate>,
    pub party_post: Option<PartyPost>,
    pub leader_level: Option<LeaderLevel>,
    pub deputy_level: Option<DeputyLevel>,
    pub work_unit: Option<String>,
    pub in_service_organ: bool,
    pub exempt: bool,
    pub exempt_reason: Option<String>,
    pub org_code: Option<OrgCode>,
    /// A deputy's constituency (选区): organisation codes; `None` leaves it as it is.
    pub constituency: Option<Vec<OrgCode>>,
}

/// Why an import was refused. `row` is the spreadsheet row (1 for header problems), or 0 when
/// the file as a whole cannot be read; `column` is the header as written in the file, or empty
/// when the problem is not about one column (a missing header, the whole file).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct RowProblem {
    pub row: usize,
    pub column: String,
    pub reason: String,
}

/// A member as stored, in the shape the export writes: the org code as text.
#[derive(Debug, Clone)]
pub struct ExportRow {
    pub name: String,
    pub phone: String,
    pub status: MemberStatus,
    pub join_date: Option<NaiveDate>,
    pub party_post: Option<PartyPost>,
    pub leader_level: Option<LeaderLevel>,
    pub deputy_level: Option<DeputyLevel>,
    pub work_unit: Option<String>,
    pub in_service_organ: bool,
    pub exempt: bool,
    pub exempt_reason: Option<String>,
    pub org_code: String,
    /// A deputy's constituency (选区) as organisation codes.
    pub constituency: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    Name,
    Phone,
    Status,
    JoinDate,
    PartyPost,
    LeaderLevel,
    DeputyLevel,
    WorkUnit,
    InServiceOrgan,
    Exempt,
    ExemptReason,
    OrgCode,
    Constituency,
}

impl Column {
    /// The export order.
    const ALL: [Column; 13] = [
        Column::Name,
        Column::Phone,
        Column::Status,
        Column::JoinDate,
        Column::PartyPost,
        Column::LeaderLevel,
        Column::DeputyLevel,
        Column::WorkUnit,
        Column::InServiceOrgan,
        Column::Exempt,
        Column::ExemptReason,
        Column::OrgCode,
        Column::Constituency,
    ];

    fn header(self) -> &'static str {
        match self {
            Column::Name => "姓名",
            Column::Phone => "手机号",
            Column::Status => "党员状态",
            Column::JoinDate => "入党日期",
            Column::PartyPost => "党内职务",
            Column::LeaderLevel => "领导职级",
            Column::DeputyLevel => "党代表",
            Column::WorkUnit => "工作单位",
            Column::InServiceOrgan => "机关事业单位在职",
            Column::Exempt => "暂不参加组织生活",
            Column::ExemptReason => "暂不参加原因",
            Column::OrgCode => "支部编码",
            Column::Constituency => "选区",
        }
    }

    fn alias(self) -> &'static str {
        match self {
            Column::Name => "name",
            Column::Phone => "phone",
            Column::Status => "status",
            Column::JoinDate => "join_date",
            Column::PartyPost => "party_post",
            Column::LeaderLevel => "leader_level",
            Column::DeputyLevel => "deputy_level",
            Column::WorkUnit => "work_unit",
            Column::InServiceOrgan => "in_service_organ",
            Column::Exempt => "exempt",
            Column::ExemptReason => "exempt_reason",
            Column::OrgCode => "org_code",
            Column::Constituency => "constituency",
        }
    }

    fn required(self) -> bool {
        matches!(self, Column::Name | Column::Phone | Column::Status)
    }

    fn from_header(header: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|c| header == c.header() || header.eq_ignore_ascii_case(c.alias()))
    }

    fn width(self) -> f64 {
        match self {
            Column::Name | Column::Status | Column::PartyPost | Column::DeputyLevel => 12.0,
            Column::Phone | Column::JoinDate | Column::LeaderLevel | Column::OrgCode => 14.0,
            Column::InServiceOrgan | Column::Exempt => 18.0,
            Column::WorkUnit | Column::ExemptReason | Column::Constituency => 30.0,
        }
    }
}

/// A trimmed cell as the file holds it; XLSX cells keep their type so a date cell or an Excel
/// serial number in the join-date column can be read as a date.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
    /// A formula error such as `#N/A`, shown as the spreadsheet shows it.
    Error(String),
}

/// No roster field is longer than 200 characters; anything past this is cut on reading, so
/// a crafted cell costs bounded memory and its "too long" error stays short.
const MAX_CELL_CHARS: usize = 1000;
/// Enough to fix a file; a report of every cell of a wholly wrong file would be megabytes.
const MAX_PROBLEMS: usize = 200;

impl Cell {
    fn text(raw: &str) -> Self {
        let trimmed = crate::spreadsheet::undefused(raw.trim());
        if trimmed.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(trimmed.chars().take(MAX_CELL_CHARS + 1).collect())
        }
    }

    /// The cell as the spreadsheet shows it.
    fn display(&self) -> Option<String> {
        match self {
            Cell::Empty => None,
            Cell::Text(text) | Cell::Error(text) => Some(text.clone()),
            Cell::Number(number) => Some(number_text(*number)),
            Cell::Date(date) => Some(date.format("%Y-%m-%d").to_string()),
        }
    }

    /// The cell as text, for every column except the join date.
    fn value(&self) -> Result<Option<String>, String> {
        match self {
            Cell::Error(error) => Err(spreadsheet_error(error)),
            _ => Ok(self.display()),
        }
    }
}

fn spreadsheet_error(error: &str) -> String {
    format!("the cell shows the spreadsheet error {error}; fix the formula or type the value")
}

/// Whole numbers print without a fraction, so a phone typed as a number reads `13812345678`.
fn number_text(number: f64) -> String {
    if number.fract() == 0.0 && number.abs() < 1e15 {
        format!("{number:.0}")
    } else {
        number.to_string()
    }
}

/// The non-blank rows of the first sheet with their spreadsheet row numbers; a cell's index is
/// its spreadsheet column (0 = A).
type Rows = Vec<(usize, Vec<Cell>)>;

struct Sheet {
    rows: Rows,
    /// Workbooks saved by old Mac Excel count serial dates from 1904.
    date_1904: bool,
}

fn whole_file(reason: impl Into<String>) -> RowProblem {
    RowProblem {
        row: 0,
        column: String::new(),
        reason: reason.into(),
    }
}

fn is_blank(cells: &[Cell]) -> bool {
    cells.iter().all(|cell| *cell == Cell::Empty)
}

/// The header plus one row more than allowed is enough to know the file is too long.
const ROWS_TO_READ: usize = MAX_ROWS + 2;
/// Far more than the twelve roster columns; it bounds what a crafted workbook can make us hold.
const MAX_COLUMNS: usize = 64;

fn read_csv(bytes: &[u8]) -> Result<Sheet, RowProblem> {
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if std::str::from_utf8(bytes).is_err() {
        return Err(whole_file(
            "the file is not UTF-8 text; it is probably GBK, which Excel writes for plain “CSV” \
             on Chinese Windows. Save it as “CSV UTF-8 (逗号分隔)” or as an .xlsx workbook and \
             upload it again",
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut record = csv::StringRecord::new();
    let mut rows = Vec::new();
    let mut row = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(err) => return Err(whole_file(format!("the CSV file cannot be read: {err}"))),
        }
        // The reader skips empty lines, which a spreadsheet shows as empty rows; a record's
        // position is where that skipping began, so count them to keep the sheet's numbering.
        let mut start = record.position().map_or(0, |p| p.byte() as usize);
        // The reader ends a CRLF record at its CR, so its LF is not an empty line.
        if start > 0 && bytes.get(start - 1) == Some(&b'\r') && bytes.get(start) == Some(&b'\n') {
            start += 1;
        }
        let skipped = bytes
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .filter(|b| **b == b'\n')
            .count();
        row += 1 + skipped;
        let cells: Vec<Cell> = record.iter().map(Cell::text).collect();
        if !is_blank(&cells) {
            rows.push((row, cells));
            if rows.len() >= ROWS_TO_READ {
                break;
            }
        }
    }
    Ok(Sheet {
        rows,
        date_1904: false,
    })
}

fn read_xlsx(bytes: &[u8]) -> Result<Sheet, RowProblem> {
    if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return Err(whole_file(
            "this is an old-style .xls workbook; save it as .xlsx (Excel 工作簿) and upload it again",
        ));
    }
    let unreadable = |err: &dyn std::fmt::Display| {
        whole_file(format!(
            "the file is not a readable .xlsx workbook ({err}); open it in Excel or WPS, save it \
             as .xlsx and upload it again"
        ))
    };
    // The archive's sizes and counts are checked first: calamine reserves whatever the
    // shared-strings table declares, and an allocation failure aborts the whole process.
    crate::spreadsheet::vet_xlsx(bytes).map_err(whole_file)?;
    let mut workbook = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|err| unreadable(&err))?;
    let date_1904 = workbook.has_1904_epoch();
    let Some(first_sheet) = workbook.sheet_names().first().cloned() else {
        return Err(whole_file("the workbook has no worksheet"));
    };
    // Cells are streamed rather than loaded as a range: a range spans the bounding box of the
    // used cells, so one stray cell at XFD1048576 would allocate billions of them.
    let mut cells = workbook
        .worksheet_cells_reader(&first_sheet)
        .map_err(|err| unreadable(&err))?;
    let mut by_row: BTreeMap<u32, Vec<Cell>> = BTreeMap::new();
    while let Some(cell) = cells.next_cell().map_err(|err| unreadable(&err))? {
        let value = xlsx_cell(cell.get_value());
        if value == Cell::Empty {
            continue;
        }
        let (row, column) = cell.get_position();
        let column = column as usize;
        if column >= MAX_COLUMNS {
            return Err(whole_file(format!(
                "column {} has values, but a roster has at most {MAX_COLUMNS} columns; delete \
                 the columns to the right of the roster",
                column_letter(column)
            )));
        }
        if by_row.len() >= ROWS_TO_READ && !by_row.contains_key(&row) {
            break;
        }
        let line = by_row.entry(row).or_default();
        if line.len() <= column {
            line.resize(column + 1, Cell::Empty);
        }
        line[column] = value;
    }
    let rows = by_row
        .into_iter()
        .map(|(row, cells)| (row as usize + 1, cells))
        .collect();
    Ok(Sheet { rows, date_1904 })
}

fn xlsx_cell(data: &calamine::DataRef<'_>) -> Cell {
    use calamine::DataRef;
    match data {
        DataRef::Empty => Cell::Empty,
        DataRef::String(text) | DataRef::DurationIso(text) => Cell::text(text),
        DataRef::DateTimeIso(text) => text
            .get(..10)
            .and_then(|date| NaiveDate::parse_from_str(date, "%Y-%m-%d").ok())
            .map_or_else(|| Cell::text(text), Cell::Date),
        DataRef::SharedString(text) => Cell::text(text),
        DataRef::Int(number) => Cell::Number(*number as f64),
        DataRef::Float(number) => Cell::Number(*number),
        DataRef::Bool(flag) => Cell::Text(flag.to_string()),
        DataRef::DateTime(datetime) if datetime.is_datetime() => {
            let (year, month, day, ..) = datetime.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(year.into(), month.into(), day.into())
                .map_or_else(|| Cell::Number(datetime.as_f64()), Cell::Date)
        }
        DataRef::DateTime(duration) => Cell::Number(duration.as_f64()),
        DataRef::Error(error) => Cell::Error(error.to_string()),
    }
}

/// Reads a roster and checks every row. On failure, the problems found are returned (the
/// first `MAX_PROBLEMS`, each echoing at most 100 characters of the file), and no row.
pub fn parse(format: RosterFormat, bytes: &[u8]) -> Result<Vec<RosterRow>, Refusal> {
    check_all(format, bytes).map_err(|(problems, rows)| Refusal {
        problems: bounded(problems),
        rows,
    })
}

/// A roster refused: every problem found, and how many member rows the file held (0 when
/// the file itself could not be read), so a report can say how many were fine.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub problems: Vec<RowProblem>,
    pub rows: usize,
}

fn bounded(mut problems: Vec<RowProblem>) -> Vec<RowProblem> {
    let more = problems.len().saturating_sub(MAX_PROBLEMS);
    problems.truncate(MAX_PROBLEMS);
    for problem in &mut problems {
        problem.column = crate::spreadsheet::excerpt(&problem.column, 100).into_owned();
        problem.reason = crate::spreadsheet::excerpt(&problem.reason, 300).into_owned();
    }
    if more > 0 {
        problems.push(whole_file(format!(
            "and {more} more problems; fix these and upload the file again"
        )));
    }
    problems
}

/// The rows, or the problems with the number of member rows read (0 before any could be).
fn check_all(
    format: RosterFormat,
    bytes: &[u8],
) -> Result<Vec<RosterRow>, (Vec<RowProblem>, usize)> {
    let (layout, data, date_1904) = read_data(format, bytes).map_err(|problems| (problems, 0))?;
    let rows = data.len();
    check_rows(layout, data, date_1904).map_err(|problems| (problems, rows))
}

fn read_data(format: RosterFormat, bytes: &[u8]) -> Result<(Layout, Rows, bool), Vec<RowProblem>> {
    let sheet = match format {
        RosterFormat::Csv => read_csv(bytes),
        RosterFormat::Xlsx => read_xlsx(bytes),
    }
    .map_err(|problem| vec![problem])?;
    let mut rows = sheet.rows.into_iter();
    let Some((header_row, header_cells)) = rows.next() else {
        return Err(vec![whole_file("the file is empty")]);
    };
    let layout = Layout::read(header_row, &header_cells)?;
    let data: Rows = rows.collect();
    if data.len() > MAX_ROWS {
        return Err(vec![whole_file(format!(
            "the roster has more than {MAX_ROWS} member rows; split it into several files"
        ))]);
    }
    if data.is_empty() {
        return Err(vec![whole_file(
            "the roster has a header but no member rows",
        )]);
    }
    Ok((layout, data, sheet.date_1904))
}

fn check_rows(
    layout: Layout,
    data: Rows,
    date_1904: bool,
) -> Result<Vec<RosterRow>, Vec<RowProblem>> {
    let mut problems = Vec::new();
    let mut parsed = Vec::with_capacity(data.len());
    let mut first_row_of_phone = HashMap::new();
    let mut unlabelled_reported = HashSet::new();
    for (row, cells) in &data {
        for (index, cell) in cells.iter().enumerate() {
            if *cell != Cell::Empty
                && layout.column_at(index).is_none()
                && unlabelled_reported.insert(index)
            {
                problems.push(RowProblem {
                    row: *row,
                    column: String::new(),
                    reason: format!(
                        "column {} has values but no header; add a header or delete the column",
                        column_letter(index)
                    ),
                });
            }
        }
        let mut check = RowCheck {
            row: *row,
            cells,
            layout: &layout,
            date_1904,
            first_row_of_phone: &mut first_row_of_phone,
            problems: &mut problems,
        };
        parsed.extend(check.member());
    }
    if problems.is_empty() {
        Ok(parsed)
    } else {
        Err(problems)
    }
}

/// Which known column each spreadsheet column holds, and how the file spells its header.
struct Layout {
    by_index: Vec<Option<Column>>,
    written: HashMap<Column, String>,
}

impl Layout {
    fn read(header_row: usize, cells: &[Cell]) -> Result<Self, Vec<RowProblem>> {
        let mut problems = Vec::new();
        let mut by_index = Vec::with_capacity(cells.len());
        let mut written: HashMap<Column, String> = HashMap::new();
        for cell in cells {
            let Some(header) = cell.display() else {
                by_index.push(None);
                continue;
            };
            let column = Column::from_header(&header);
            match column {
                // Identity-card numbers are never stored: say so rather than "unknown".
                None if header.contains("身份证") => problems.push(RowProblem {
                    row: header_row,
                    column: header.clone(),
                    reason: "identity-card numbers are not kept by this system; delete the column"
                        .into(),
                }),
                None => problems.push(RowProblem {
                    row: header_row,
                    column: header.clone(),
                    reason: format!(
                        "unknown column `{}`; the columns are {}",
                        crate::spreadsheet::excerpt(&header, 100),
                        Column::ALL.map(Column::header).join(", ")
                    ),
                }),
                Some(known) => {
                    if let Some(earlier) = written.get(&known) {
                        problems.push(RowProblem {
                            row: header_row,
                            column: header.clone(),
                            reason: format!(
                                "the column {} appears twice (`{earlier}` and `{header}`)",
                                known.header()
                            ),
                        });
                    } else {
                        written.insert(known, header);
                    }
                }
            }
            by_index.push(column);
        }
        for column in Column::ALL {
            if column.required() && !written.contains_key(&column) {
                problems.push(RowProblem {
                    row: header_row,
                    column: String::new(),
                    reason: format!(
                        "the required column {} ({}) is missing",
                        column.header(),
                        column.alias()
                    ),
                });
            }
        }
        if problems.is_empty() {
            Ok(Self { by_index, written })
        } else {
            Err(problems)
        }
    }

    fn column_at(&self, index: usize) -> Option<Column> {
        self.by_index.get(index).copied().flatten()
    }

    fn index_of(&self, column: Column) -> Option<usize> {
        self.by_index.iter().position(|c| *c == Some(column))
    }

    /// The header as the file writes it; a column the file lacks goes by its Chinese name.
    fn written(&self, column: Column) -> &str {
        self.written
            .get(&column)
            .map_or(column.header(), String::as_str)
    }
}

/// The checks of one data row; each failed check adds one problem and yields `None`.
struct RowCheck<'a> {
    row: usize,
    cells: &'a [Cell],
    layout: &'a Layout,
    date_1904: bool,
    first_row_of_phone: &'a mut HashMap<Phone, usize>,
    problems: &'a mut Vec<RowProblem>,
}

impl RowCheck<'_> {
    fn member(&mut self) -> Option<RosterRow> {
        let name = self.required(Column::Name, PersonName::parse);
        let phone = self
            .required(Column::Phone, Phone::parse)
            .and_then(|phone| self.first_use(phone));
        let status = self.required(Column::Status, MemberStatus::parse);
        let join_date = self.join_date();
        let party_post = self.optional(Column::PartyPost, PartyPost::parse);
        let leader_level = self.optional(Column::LeaderLevel, LeaderLevel::parse);
        let deputy_level = self.optional(Column::DeputyLevel, DeputyLevel::parse);
        let work_unit = self.optional(Column::WorkUnit, |raw| free_text(raw, 100));
        let in_service_organ = self.optional(Column::InServiceOrgan, parse_flag);
        let exempt = self.optional(Column::Exempt, parse_flag);
        let exempt_reason = self.optional(Column::ExemptReason, |raw| free_text(raw, 200));
        let org_code = self.optional(Column::OrgCode, OrgCode::parse);
        let constituency = self.optional(Column::Constituency, parse_constituency);

        if matches!(constituency, Some(Some(_))) && deputy_level == Some(None) {
            let reason = format!(
                "{} is for Party congress deputies: fill in {} too",
                self.layout.written(Column::Constituency),
                self.layout.written(Column::DeputyLevel)
            );
            self.report(Column::Constituency, reason);
            return None;
        }
        if exempt == Some(Some(true)) && exempt_reason == Some(None) {
            let column = if self.layout.index_of(Column::ExemptReason).is_some() {
                Column::ExemptReason
            } else {
                Column::Exempt
            };
            let reason = format!(
                "{} is 是, so {} must say why",
                self.layout.written(Column::Exempt),
                self.layout.written(Column::ExemptReason)
            );
            self.report(column, reason);
            return None;
        }

        Some(RosterRow {
            row: self.row,
            name: name?,
            phone: phone?,
            status: status?,
            join_date: join_date?,
            party_post: party_post?,
            leader_level: leader_level?,
            deputy_level: deputy_level?,
            work_unit: work_unit?,
            in_service_organ: in_service_organ?.unwrap_or(false),
            exempt: exempt?.unwrap_or(false),
            exempt_reason: exempt_reason?,
            org_code: org_code?,
            constituency: constituency?,
        })
    }

    /// Checked even when other cells of the row fail, so a duplicate is never missed.
    fn first_use(&mut self, phone: Phone) -> Option<Phone> {
        if let Some(first) = self.first_row_of_phone.get(&phone) {
            let reason = format!(
                "the phone number {} is already on row {first}",
                phone.as_str()
            );
            self.report(Column::Phone, reason);
            return None;
        }
        self.first_row_of_phone.insert(phone.clone(), self.row);
        Some(phone)
    }

    fn cell(&self, column: Column) -> &Cell {
        self.layout
            .index_of(column)
            .and_then(|index| self.cells.get(index))
            .unwrap_or(&Cell::Empty)
    }

    fn report(&mut self, column: Column, reason: String) {
        self.problems.push(RowProblem {
            row: self.row,
            column: self.layout.written(column).to_owned(),
            reason,
        });
    }

    fn checked<T>(&mut self, column: Column, outcome: Result<T, String>) -> Option<T> {
        outcome.map_err(|reason| self.report(column, reason)).ok()
    }

    fn required<T>(
        &mut self,
        column: Column,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let outcome = self.cell(column).value().and_then(|value| match value {
            Some(value) => parse(&value),
            None => Err("this column is required but the cell is empty".to_owned()),
        });
        self.checked(column, outcome)
    }

    /// `Some(None)` for an empty cell, `None` when the value failed its check.
    fn optional<T>(
        &mut self,
        column: Column,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<Option<T>> {
        let outcome = self
            .cell(column)
            .value()
            .and_then(|value| value.as_deref().map(parse).transpose());
        self.checked(column, outcome)
    }

    fn join_date(&mut self) -> Option<Option<NaiveDate>> {
        let outcome = match self.cell(Column::JoinDate) {
            Cell::Empty => Ok(None),
            Cell::Date(date) => Ok(Some(*date)),
            Cell::Number(serial) => serial_date(*serial, self.date_1904).map(Some),
            Cell::Text(text) => parse_date(text).map(Some),
            Cell::Error(error) => Err(spreadsheet_error(error)),
        };
        let today = crate::clock::now()
            .with_timezone(&crate::clock::shanghai())
            .date_naive();
        let outcome = outcome.and_then(|date| {
            date.map(|d| crate::domain::dates::check_join_date(d, today))
                .transpose()
        });
        self.checked(Column::JoinDate, outcome)
    }
}

fn free_text(raw: &str, max: usize) -> Result<String, String> {
    let length = raw.chars().count();
    if length > max {
        return Err(format!(
            "at most {max} characters are allowed, this one has {length}"
        ));
    }
    // Line breaks are text a spreadsheet shows (a reason over two lines); NUL, escape and
    // the other controls are not.
    if raw
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r'))
    {
        return Err("the cell contains a control character (such as NUL); delete it".into());
    }
    Ok(raw.to_owned())
}

fn parse_flag(raw: &str) -> Result<bool, String> {
    match raw.to_ascii_lowercase().as_str() {
        "是" | "yes" | "true" | "1" => Ok(true),
        "否" | "no" | "false" | "0" => Ok(false),
        _ => Err(format!(
            "`{raw}` is not 是 or 否 (yes/no, true/false and 1/0 are accepted too)"
        )),
    }
}

/// `2021-07-01`, `2021/7/1` or `2021年7月1日`.
fn parse_date(raw: &str) -> Result<NaiveDate, String> {
    let invalid =
        || format!("`{raw}` is not a date; write it as 2021-07-01, 2021/7/1 or 2021年7月1日");
    let parts: Vec<&str> = if let Some(chinese) = raw.strip_suffix('日') {
        chinese.split(['年', '月']).collect()
    } else if raw.contains('-') {
        raw.split('-').collect()
    } else {
        raw.split('/').collect()
    };
    let [year, month, day] = parts.as_slice() else {
        return Err(invalid());
    };
    let digits = |part: &str, lengths: std::ops::RangeInclusive<usize>| {
        lengths.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit())
    };
    if !(digits(year, 4..=4) && digits(month, 1..=2) && digits(day, 1..=2)) {
        return Err(invalid());
    }
    let number = |part: &str| part.parse::<u32>().map_err(|_| invalid());
    let year = i32::try_from(number(year)?).map_err(|_| invalid())?;
    NaiveDate::from_ymd_opt(year, number(month)?, number(day)?)
        .ok_or_else(|| format!("`{raw}` is not a real calendar date"))
}

/// An Excel serial date in a cell not formatted as a date. Only serials from the founding of the
/// Party (1921-07-01) on are taken as dates, so a bare year such as 2021 is refused rather than
/// read as a day in 1905.
fn serial_date(serial: f64, date_1904: bool) -> Result<NaiveDate, String> {
    let refused = || {
        format!(
            "`{}` is a number, not a date; write it as 2021-07-01 or format the cell as a date",
            number_text(serial)
        )
    };
    if !serial.is_finite() || !(0.0..2_958_466.0).contains(&serial) {
        return Err(refused());
    }
    let days = serial.trunc() as i64;
    let (epoch, days) = if date_1904 {
        ((1904, 1, 1), days)
    } else {
        // The 1900 system counts a 29 February 1900 that never was.
        ((1899, 12, 30), if days < 61 { days + 1 } else { days })
    };
    let date = NaiveDate::from_ymd_opt(epoch.0, epoch.1, epoch.2)
        .and_then(|epoch| epoch.checked_add_signed(chrono::Duration::days(days)))
        .ok_or_else(refused)?;
    let founding = (1921, 7, 1);
    if (date.year(), date.month(), date.day()) < founding {
        return Err(refused());
    }
    Ok(date)
}

/// `A`, `B`, ..., `Z`, `AA`, ... for a 0-based column index.
fn column_letter(index: usize) -> String {
    let mut letters = Vec::new();
    let mut rest = index + 1;
    while rest > 0 {
        let remainder = (rest - 1) % 26;
        letters.push(char::from(b'A' + remainder as u8));
        rest = (rest - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// The organisation codes of a 选区 cell, separated by ；, ;, 、 or commas (at most 50).
fn parse_constituency(raw: &str) -> Result<Vec<OrgCode>, String> {
    let codes = raw
        .split(['；', ';', '、', ',', '，'])
        .map(str::trim)
        .filter(|code| !code.is_empty())
        .map(OrgCode::parse)
        .collect::<Result<Vec<_>, _>>()?;
    if codes.len() > 50 {
        return Err("a constituency has at most 50 organisations".into());
    }
    Ok(codes)
}

/// Writes a roster with the Chinese headers and labels that `parse` reads back unchanged.
/// CSV starts with a UTF-8 BOM so that Excel shows the Chinese text correctly.
pub fn export(format: RosterFormat, rows: &[ExportRow]) -> anyhow::Result<Vec<u8>> {
    let lines: Vec<[String; 13]> = rows.iter().map(export_cells).collect();
    match format {
        RosterFormat::Csv => write_csv(&lines),
        RosterFormat::Xlsx => write_xlsx(rows, &lines),
    }
}

/// The cells of one row as text, in `Column::ALL` order.
fn export_cells(row: &ExportRow) -> [String; 13] {
    let flag = |value: bool| if value { "是" } else { "否" }.to_owned();
    [
        row.name.clone(),
        row.phone.clone(),
        row.status.label().to_owned(),
        row.join_date
            .map(|date| date.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        row.party_post
            .map_or_else(String::new, |post| post.label().to_owned()),
        row.leader_level
            .map_or_else(String::new, |level| level.label().to_owned()),
        row.deputy_level
            .map_or_else(String::new, |level| level.label().to_owned()),
        row.work_unit.clone().unwrap_or_default(),
        flag(row.in_service_organ),
        flag(row.exempt),
        row.exempt_reason.clone().unwrap_or_default(),
        row.org_code.clone(),
        row.constituency.join("；"),
    ]
}

fn write_csv(lines: &[[String; 13]]) -> anyhow::Result<Vec<u8>> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(UTF8_BOM.to_vec());
    writer
        .write_record(Column::ALL.map(Column::header))
        .context("cannot write the roster CSV header")?;
    for line in lines {
        writer
            .write_record(
                line.iter()
                    .map(|cell| crate::spreadsheet::defused(cell).into_owned()),
            )
            .context("cannot write a roster CSV row")?;
    }
    writer
        .into_inner()
        .map_err(|err| anyhow::anyhow!("cannot finish the roster CSV: {}", err.error()))
}

fn write_xlsx(rows: &[ExportRow], lines: &[[String; 13]]) -> anyhow::Result<Vec<u8>> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet
        .set_name("名册")
        .context("cannot name the roster sheet")?;
    let bold = Format::new().set_bold();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    for (index, column) in Column::ALL.into_iter().enumerate() {
        let index = u16::try_from(index).context("too many roster columns")?;
        sheet
            .write_string_with_format(0, index, column.header(), &bold)
            .and_then(|sheet| sheet.set_column_width(index, column.width()))
            .context("cannot write the roster XLSX header")?;
    }
    sheet
        .set_freeze_panes(1, 0)
        .context("cannot freeze the roster header")?;
    for (offset, (row, line)) in rows.iter().zip(lines).enumerate() {
        let sheet_row = u32::try_from(offset + 1).context("too many roster rows")?;
        for (index, (column, text)) in Column::ALL.into_iter().zip(line).enumerate() {
            let index = u16::try_from(index).context("too many roster columns")?;
            let written = match (column, row.join_date) {
                (Column::JoinDate, Some(date)) => {
                    let year = u16::try_from(date.year()).context("join year out of range")?;
                    let month = u8::try_from(date.month()).context("join month out of range")?;
                    let day = u8::try_from(date.day()).context("join day out of range")?;
                    let cell = ExcelDateTime::from_ymd(year, month, day)
                        .with_context(|| format!("cannot write the join date {date}"))?;
                    sheet.write_datetime_with_format(sheet_row, index, cell, &date_format)
                }
                _ if text.is_empty() => continue,
                // Strings, so phones and codes keep their digits and leading zeros.
                _ => sheet.write_string(sheet_row, index, crate::spreadsheet::defused(text)),
            };
            written.context("cannot write a roster XLSX cell")?;
        }
    }
    workbook
        .save_to_buffer()
        .context("cannot assemble the roster XLSX workbook")
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "姓名,手机号,党员状态";

    fn csv(text: &str) -> Vec<u8> {
        text.as_bytes().to_vec()
    }

    fn problems(format: RosterFormat, bytes: &[u8]) -> Vec<RowProblem> {
        parse(format, bytes)
            .expect_err("the roster should be refused")
            .problems
    }

    fn problem(row: usize, column: &str, reason_part: &str) -> impl Fn(&RowProblem) -> bool {
        let column = column.to_owned();
        let reason_part = reason_part.to_owned();
        move |p: &RowProblem| p.row == row && p.column == column && p.reason.contains(&reason_part)
    }

    fn sample_rows() -> Vec<ExportRow> {
        let secretary = ExportRow {
            name: "张三".into(),
            phone: "13812345678".into(),
            status: MemberStatus::Full,
            join_date: NaiveDate::from_ymd_opt(2001, 7, 1),
            party_post: Some(PartyPost::Secretary),
            leader_level: Some(LeaderLevel::CountyOrAbove),
            deputy_level: Some(DeputyLevel::County),
            work_unit: Some("扬州市广陵区人民政府, \"办公室\"".into()),
            in_service_organ: true,
            exempt: false,
            exempt_reason: None,
            org_code: "YZ-GL_01".into(),
            constituency: vec!["YZ-GL".into(), "YZ-GL_01".into()],
        };
        // A reason spanning two lines comes first, so the next row checks CSV row numbering.
        vec![
            ExportRow {
                name: "李四".into(),
                phone: "13987654321".into(),
                status: MemberStatus::Probationary,
                join_date: None,
                party_post: None,
                leader_level: None,
                deputy_level: None,
                work_unit: None,
                in_service_organ: false,
                exempt: true,
                exempt_reason: Some("长期外出务工\n联系不上".into()),
                org_code: String::new(),
                constituency: Vec::new(),
            },
            secretary,
        ]
    }

    fn assert_same(exported: &ExportRow, parsed: &RosterRow) {
        assert_eq!(parsed.name.as_str(), exported.name);
        assert_eq!(parsed.phone.as_str(), exported.phone);
        assert_eq!(parsed.status, exported.status);
        assert_eq!(parsed.join_date, exported.join_date);
        assert_eq!(parsed.party_post, exported.party_post);
        assert_eq!(parsed.leader_level, exported.leader_level);
        assert_eq!(parsed.deputy_level, exported.deputy_level);
        assert_eq!(parsed.work_unit, exported.work_unit);
        assert_eq!(parsed.in_service_organ, exported.in_service_organ);
        assert_eq!(parsed.exempt, exported.exempt);
        assert_eq!(parsed.exempt_reason, exported.exempt_reason);
        assert_eq!(
            parsed.org_code.as_ref().map_or("", OrgCode::as_str),
            exported.org_code
        );
        let constituency: Vec<&str> = parsed
            .constituency
            .iter()
            .flatten()
            .map(OrgCode::as_str)
            .collect();
        assert_eq!(constituency, exported.constituency);
    }

    fn round_trip(format: RosterFormat) {
        let rows = sample_rows();
        let bytes = export(format, &rows).expect("the roster exports");
        let parsed = parse(format, &bytes).expect("an exported roster imports again");
        assert_eq!(parsed.len(), rows.len());
        for (index, (exported, parsed)) in rows.iter().zip(&parsed).enumerate() {
            assert_eq!(parsed.row, index + 2);
            assert_same(exported, parsed);
        }
    }

    #[test]
    fn a_valid_csv_with_a_bom_parses() {
        let mut bytes = UTF8_BOM.to_vec();
        bytes.extend_from_slice(
            "姓名,手机号,党员状态,入党日期,党内职务,机关事业单位在职\r\n\
             张三,138 1234 5678,正式党员,2001/7/1,书记,是\r\n\
             李四,+8613987654321,预备党员,2024年3月5日,,\r\n"
                .as_bytes(),
        );
        let rows = parse(RosterFormat::Csv, &bytes).expect("valid roster");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].row, 2);
        assert_eq!(rows[0].name.as_str(), "张三");
        assert_eq!(rows[0].phone.as_str(), "13812345678");
        assert_eq!(rows[0].status, MemberStatus::Full);
        assert_eq!(rows[0].join_date, NaiveDate::from_ymd_opt(2001, 7, 1));
        assert_eq!(rows[0].party_post, Some(PartyPost::Secretary));
        assert!(rows[0].in_service_organ);
        assert_eq!(rows[1].row, 3);
        assert_eq!(rows[1].status, MemberStatus::Probationary);
        assert_eq!(rows[1].join_date, NaiveDate::from_ymd_opt(2024, 3, 5));
        assert_eq!(rows[1].party_post, None);
        assert!(!rows[1].in_service_organ && !rows[1].exempt);
    }

    #[test]
    fn chinese_headers_and_english_aliases_mix_in_any_order() {
        let bytes = csv(
            " Phone ,status,姓名,Deputy_Level,党内职务,exempt,暂不参加原因\n\
             13812345678,activist, 王五 ,乡,group_leader,否,\n",
        );
        let rows = parse(RosterFormat::Csv, &bytes).expect("valid roster");
        assert_eq!(rows[0].name.as_str(), "王五");
        assert_eq!(rows[0].status, MemberStatus::Activist);
        assert_eq!(rows[0].deputy_level, Some(DeputyLevel::Township));
        assert_eq!(rows[0].party_post, Some(PartyPost::GroupLeader));
        assert!(!rows[0].exempt);
    }

    #[test]
    fn every_bad_cell_is_reported_with_its_row_and_header_and_nothing_is_returned() {
        let bytes = csv(&format!(
            "{HEADER}\n张三,1381234567,正式党员\n李四,13987654321,党员\n王五,13700001111,full\n"
        ));
        let found = problems(RosterFormat::Csv, &bytes);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().any(problem(2, "手机号", "mainland mobile")));
        assert!(
            found
                .iter()
                .any(problem(3, "党员状态", "`党员` is not one of"))
        );
    }

    #[test]
    fn problems_name_the_header_as_the_file_writes_it() {
        let bytes = csv("name,phone,status\n张三,12345,full\n");
        assert!(
            problems(RosterFormat::Csv, &bytes)
                .iter()
                .any(problem(2, "phone", "12345"))
        );
    }

    #[test]
    fn each_missing_required_header_is_reported() {
        let bytes = csv("姓名,工作单位\n张三,区政府\n");
        let found = problems(RosterFormat::Csv, &bytes);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().any(problem(1, "", "手机号 (phone)")));
        assert!(found.iter().any(problem(1, "", "党员状态 (status)")));
    }

    #[test]
    fn an_unknown_header_is_reported_not_ignored() {
        let bytes = csv(&format!(
            "{HEADER},工作单元\n张三,13812345678,正式党员,区政府\n"
        ));
        let found = problems(RosterFormat::Csv, &bytes);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].row == 1 && found[0].column == "工作单元");
        assert!(found[0].reason.contains("unknown column"));
    }

    #[test]
    fn an_identity_card_column_is_refused_with_its_reason() {
        let bytes = csv(&format!(
            "{HEADER},身份证号\n张三,13812345678,正式党员,320000199001011234\n"
        ));
        let found = problems(RosterFormat::Csv, &bytes);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0]
                .reason
                .contains("identity-card numbers are not kept")
        );
    }

    #[test]
    fn a_header_given_twice_is_reported() {
        let bytes = csv(&format!(
            "{HEADER},phone\n张三,13812345678,正式党员,13812345678\n"
        ));
        let found = problems(RosterFormat::Csv, &bytes);
        assert!(
            found.iter().any(problem(1, "phone", "appears twice")),
            "{found:?}"
        );
    }

    #[test]
    fn the_same_phone_twice_is_reported_on_the_second_row() {
        let bytes = csv(&format!(
            "{HEADER}\n张三,13812345678,正式党员\n李四,13987654321,正式党员\n王五,138-1234-5678,预备党员\n"
        ));
        let found = problems(RosterFormat::Csv, &bytes);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found.iter().any(problem(4, "手机号", "already on row 2")));
    }

    #[test]
    fn exempt_members_need_a_reason() {
        let bytes = csv(&format!(
            "{HEADER},暂不参加组织生活,暂不参加原因\n\
             张三,13812345678,正式党员,是,\n\
             王五,13700001111,正式党员,yes,卧病在床\n"
        ));
        let found = problems(RosterFormat::Csv, &bytes);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found.iter().any(problem(2, "暂不参加原因", "must say why")));

        let without_reason_column = csv(&format!("{HEADER},exempt\n张三,13812345678,正式党员,1\n"));
        let found = problems(RosterFormat::Csv, &without_reason_column);
        assert!(
            found.iter().any(problem(2, "exempt", "must say why")),
            "{found:?}"
        );
    }

    #[test]
    fn limits_booleans_and_dates_are_checked_per_cell() {
        let long_unit = "单".repeat(101);
        let bytes = csv(&format!(
            "{HEADER},工作单位,机关事业单位在职,入党日期,支部编码\n\
             张三,13812345678,正式党员,{long_unit},也许,2021-02-30,扬州\n"
        ));
        let found = problems(RosterFormat::Csv, &bytes);
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(found.iter().any(problem(2, "工作单位", "at most 100")));
        assert!(found.iter().any(problem(2, "机关事业单位在职", "`也许`")));
        assert!(
            found
                .iter()
                .any(problem(2, "入党日期", "not a real calendar date"))
        );
        assert!(
            found
                .iter()
                .any(problem(2, "支部编码", "organisation code"))
        );
    }

    #[test]
    fn gbk_csv_gets_a_clear_reason() {
        let gbk = b"\xd0\xd5\xc3\xfb,\xca\xd6\xbb\xfa\xba\xc5,\xb5\xb3\xd4\xb1\xd7\xb4\xcc\xac\n\
                    \xd5\xc5\xc8\xfd,13812345678,\xd5\xfd\xca\xbd\xb5\xb3\xd4\xb1\n";
        let found = problems(RosterFormat::Csv, gbk);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].row, found[0].column.as_str()), (0, ""));
        assert!(found[0].reason.contains("GBK") && found[0].reason.contains("UTF-8"));
    }

    #[test]
    fn blank_rows_are_skipped_and_row_numbers_still_match_the_sheet() {
        for newline in ["\n", "\r\n"] {
            let text = format!("{HEADER}\n\n,,\n张三,123,正式党员\n\n\n李四,456,正式党员\n");
            let found = problems(RosterFormat::Csv, text.replace('\n', newline).as_bytes());
            assert!(found.iter().any(problem(4, "手机号", "123")), "{found:?}");
            assert!(found.iter().any(problem(7, "手机号", "456")), "{found:?}");
        }
    }

    #[test]
    fn a_value_under_no_header_is_reported_once() {
        let bytes = csv(&format!(
            "{HEADER},\n张三,13812345678,正式党员,x\n李四,13987654321,正式党员,y\n"
        ));
        let found = problems(RosterFormat::Csv, &bytes);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found
                .iter()
                .any(problem(2, "", "column D has values but no header"))
        );
    }

    #[test]
    fn empty_files_header_only_files_and_unreadable_workbooks_are_refused() {
        for bytes in [&b""[..], UTF8_BOM, b"\n\n"] {
            assert!(
                problems(RosterFormat::Csv, bytes)
                    .iter()
                    .any(problem(0, "", "empty"))
            );
        }
        let header_only = csv(&format!("{HEADER}\n"));
        assert!(
            problems(RosterFormat::Csv, &header_only)
                .iter()
                .any(problem(0, "", "no member rows"))
        );
        let not_xlsx = problems(RosterFormat::Xlsx, b"PK\x03\x04 not really a zip");
        assert!(
            not_xlsx.iter().any(problem(0, "", "not a readable .xlsx")),
            "{not_xlsx:?}"
        );
        let old_xls = problems(RosterFormat::Xlsx, b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
        assert!(old_xls.iter().any(problem(0, "", ".xls")));
    }

    #[test]
    fn more_than_max_rows_is_refused() {
        let mut text = format!("{HEADER}\n");
        for index in 0..=MAX_ROWS {
            text.push_str(&format!("张三,138{index:08},正式党员\n"));
        }
        let found = problems(RosterFormat::Csv, text.as_bytes());
        assert_eq!(found.len(), 1);
        assert!(found[0].reason.contains("more than 5000"));
    }

    #[test]
    fn an_exported_csv_imports_unchanged() {
        round_trip(RosterFormat::Csv);
    }

    #[test]
    fn an_exported_xlsx_imports_unchanged() {
        round_trip(RosterFormat::Xlsx);
    }

    #[test]
    fn export_writes_the_chinese_headers_and_labels() {
        let bytes = export(RosterFormat::Csv, &sample_rows()).expect("the roster exports");
        let text = std::str::from_utf8(&bytes).expect("UTF-8");
        let text = text.strip_prefix('\u{feff}').expect("a BOM for Excel");
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some(
                "姓名,手机号,党员状态,入党日期,党内职务,领导职级,党代表,工作单位,\
                 机关事业单位在职,暂不参加组织生活,暂不参加原因,支部编码,选区"
            )
        );
        assert!(text.contains(
            "\r\n张三,13812345678,正式党员,2001-07-01,书记,县处级以上,县,\
             \"扬州市广陵区人民政府, \"\"办公室\"\"\",是,否,,YZ-GL_01,YZ-GL；YZ-GL_01\r\n"
        ));
    }

    /// A workbook whose first sheet holds `cells`: (row, column, value), rows and columns 0-based.
    fn workbook(cells: &[(u32, u16, XlsxValue)]) -> Vec<u8> {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        let date = rust_xlsxwriter::Format::new().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
        for (row, column, value) in cells {
            match value {
                XlsxValue::Text(text) => sheet.write_string(*row, *column, *text),
                XlsxValue::Number(number) => sheet.write_number(*row, *column, *number),
                XlsxValue::Date(y, m, d) => {
                    let day = rust_xlsxwriter::ExcelDateTime::from_ymd(*y, *m, *d).expect("date");
                    sheet.write_datetime_with_format(*row, *column, &day, &date)
                }
            }
            .expect("cell written");
        }
        workbook.save_to_buffer().expect("workbook saved")
    }

    enum XlsxValue {
        Text(&'static str),
        Number(f64),
        Date(u16, u8, u8),
    }
    use XlsxValue::{Date, Number, Text};

    fn xlsx_header() -> Vec<(u32, u16, XlsxValue)> {
        vec![
            (0, 0, Text("姓名")),
            (0, 1, Text("手机号")),
            (0, 2, Text("党员状态")),
            (0, 3, Text("入党日期")),
        ]
    }

    #[test]
    fn xlsx_join_dates_may_be_date_cells_or_serial_numbers() {
        let mut cells = xlsx_header();
        cells.extend([
            (1, 0, Text("张三")),
            (1, 1, Number(13812345678.0)),
            (1, 2, Text("正式党员")),
            (1, 3, Date(2019, 7, 1)),
            (2, 0, Text("李四")),
            (2, 1, Text("13987654321")),
            (2, 2, Text("预备党员")),
            (2, 3, Number(45108.0)),
        ]);
        let rows = parse(RosterFormat::Xlsx, &workbook(&cells)).expect("valid roster");
        assert_eq!(rows[0].phone.as_str(), "13812345678");
        assert_eq!(rows[0].join_date, NaiveDate::from_ymd_opt(2019, 7, 1));
        assert_eq!(rows[1].join_date, NaiveDate::from_ymd_opt(2023, 7, 1));
    }

    #[test]
    fn a_bare_year_in_the_xlsx_join_date_column_is_refused() {
        let mut cells = xlsx_header();
        cells.extend([
            (1, 0, Text("张三")),
            (1, 1, Text("13812345678")),
            (1, 2, Text("正式党员")),
            (1, 3, Number(2021.0)),
        ]);
        let found = problems(RosterFormat::Xlsx, &workbook(&cells));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found
                .iter()
                .any(problem(2, "入党日期", "`2021` is a number"))
        );
    }

    #[test]
    fn an_xlsx_table_away_from_a1_keeps_the_sheet_row_and_column_names() {
        let cells: Vec<_> = xlsx_header()
            .into_iter()
            .chain([
                (1, 0, Text("张三")),
                (1, 1, Text("1381234")),
                (1, 2, Text("正式党员")),
                (1, 4, Text("stray")),
            ])
            .map(|(row, column, value)| (row + 2, column + 1, value))
            .collect();
        let found = problems(RosterFormat::Xlsx, &workbook(&cells));
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().any(problem(4, "手机号", "1381234")));
        assert!(found.iter().any(problem(4, "", "column F has values")));
    }

    #[test]
    fn far_away_xlsx_cells_are_handled_without_loading_the_whole_sheet() {
        let mut cells = xlsx_header();
        cells.extend([
            (1, 0, Text("张三")),
            (1, 1, Text("13812345678")),
            (1, 2, Text("正式党员")),
            (1_048_000, 0, Text("李四")),
        ]);
        let found = problems(RosterFormat::Xlsx, &workbook(&cells));
        assert!(
            found.iter().any(problem(1_048_001, "手机号", "required")),
            "{found:?}"
        );

        cells.push((1_048_575, 16_383, Text("stray")));
        let found = problems(RosterFormat::Xlsx, &workbook(&cells));
        assert!(
            found.iter().any(problem(0, "", "column XFD has values")),
            "{found:?}"
        );
    }

    #[test]
    fn text_dates_take_three_spellings() {
        let expected = NaiveDate::from_ymd_opt(2021, 7, 1);
        for raw in [
            "2021-07-01",
            "2021-7-1",
            "2021/7/1",
            "2021/07/01",
            "2021年7月1日",
        ] {
            assert_eq!(parse_date(raw).ok(), expected, "{raw}");
        }
        for raw in [
            "21-07-01",
            "2021.7.1",
            "2021年7月1",
            "2021/7",
            "2021-07-01-02",
            "20210701",
        ] {
            assert!(parse_date(raw).is_err(), "{raw} should be refused");
        }
    }

    #[test]
    fn serial_dates_follow_excel_epochs() {
        assert_eq!(
            serial_date(45108.0, false).ok(),
            NaiveDate::from_ymd_opt(2023, 7, 1)
        );
        assert_eq!(
            serial_date(43646.0, true).ok(),
            NaiveDate::from_ymd_opt(2023, 7, 1)
        );
        assert!(serial_date(2021.0, false).is_err());
        assert!(serial_date(-1.0, false).is_err());
        assert!(serial_date(f64::NAN, false).is_err());
    }

    #[test]
    fn content_types_map_to_formats() {
        assert_eq!(
            RosterFormat::from_content_type("text/csv"),
            Some(RosterFormat::Csv)
        );
        assert_eq!(
            RosterFormat::from_content_type("Text/CSV; charset=utf-8"),
            Some(RosterFormat::Csv)
        );
        assert_eq!(
            RosterFormat::from_content_type(XLSX_CONTENT_TYPE),
            Some(RosterFormat::Xlsx)
        );
        assert_eq!(RosterFormat::from_content_type("application/json"), None);
        for format in [RosterFormat::Csv, RosterFormat::Xlsx] {
            assert_eq!(
                RosterFormat::from_content_type(format.content_type()),
                Some(format)
            );
        }
        assert_eq!(RosterFormat::Xlsx.extension(), "xlsx");
    }

    #[test]
    fn column_letters_count_like_a_spreadsheet() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }
}
