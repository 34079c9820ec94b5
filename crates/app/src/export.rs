//! Downloading the task list as it is filtered, as a CSV or an Excel (XLSX) file: every task that
//! matches the filters and that the caller may see, in the list's order, without the list's pages.
//!
//! The tasks are read with the list's own query (the same filter, the same visibility, the same
//! order and sort, whatever the filter comes to hold), a page of `PAGE` (5,000) at a time, each page with
//! what the file adds to the list's rows (KPI and milestone counts) and written into the file
//! before the next is read; pairs are named as the list names them (국토부↔환경부). The columns are
//! [`hanteam_domain::export::COLUMNS`], for both kinds of file. Reading is not audited: the task list
//! is not, and the file holds nothing the list does not show.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Utc};
use hanteam_domain::access::task_scope;
use hanteam_domain::export::{self, Cell, CsvFile, FileKind, TaskExportRow, COLUMNS, DATE_FORMAT, MAX_ROWS};
use hanteam_domain::korean::thousands;
use hanteam_domain::time::kst_date;
use hanteam_domain::{PairId, TaskFilter, TaskFilterInput};
use hanteam_store::export::PartCounts;
use hanteam_store::views::TaskSummary;
use hanteam_store::Db;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatBorder, Workbook, XlsxError};

use crate::{tasks, Caller, Result, UseCaseError};

/// How many tasks are read at a time.
const PAGE: i64 = 5_000;

/// A file to hand to the caller.
#[derive(Debug, Clone)]
pub struct ExportFile {
    pub kind: FileKind,
    /// `협업과제_목록_2024-04-15.csv`, with the Korean day it was made.
    pub name: String,
    /// The same in ASCII, for clients that cannot read the Korean name.
    pub ascii_name: String,
    pub bytes: Vec<u8>,
    /// How many tasks it holds.
    pub rows: usize,
}

/// The task list filtered by `input` (its `limit` and `offset` are not used: the file holds every
/// match, at most [`MAX_ROWS`]) as a file of `kind`, made at `now`. Each page of tasks is written
/// into the file as it is read, so what is held is the file and one page, not every task.
pub async fn task_list(
    db: &Db,
    by: &Caller,
    input: &TaskFilterInput,
    kind: FileKind,
    now: DateTime<Utc>,
) -> Result<ExportFile> {
    let whole = TaskFilterInput { limit: None, offset: None, ..input.clone() };
    let mut filter = TaskFilter::parse(&whole)?;
    (filter.limit, filter.offset) = (PAGE, 0);
    let agency_id = tasks::filter_agency(db, &filter, &whole).await?;
    let scope = task_scope(by.principal());
    let pairs: HashMap<PairId, [String; 2]> = db.pair_briefs().await?.into_iter().map(|p| (p.id, p.agencies)).collect();
    let mut file = match kind {
        FileKind::Csv => Sink::Csv(CsvFile::new()),
        FileKind::Xlsx => Sink::Xlsx(Box::new(XlsxFile::new().map_err(xlsx_failed)?)),
    };
    let mut seen = HashSet::new();
    loop {
        let page = db.list_tasks(&scope, &filter, agency_id).await?;
        if page.total > MAX_ROWS as i64 {
            return Err(too_many(page.total));
        }
        let read = page.items.len() as i64;
        let ids: Vec<_> = page.items.iter().map(|t| t.id).collect();
        let counts = db.task_part_counts(&ids).await?;
        for t in page.items {
            // Pages are read one after another: a change in between may show a task twice.
            if !seen.insert(t.id) {
                continue;
            }
            let parts = counts.get(&t.id).copied().unwrap_or_default();
            let pair = t.pair_id.and_then(|p| pairs.get(&p).cloned());
            file.push(&row(t, pair, parts))?;
        }
        if filter.offset == 0 {
            file.reserve_rows(usize::try_from(page.total - read).unwrap_or(0));
        }
        filter.offset += read;
        if read < PAGE || filter.offset >= page.total {
            break;
        }
    }
    let rows = seen.len();
    let bytes = file.finish()?;
    let today = kst_date(now);
    tracing::info!(rows, kind = kind.extension(), bytes = bytes.len(), "task list exported");
    Ok(ExportFile {
        kind,
        name: export::file_name(kind, today),
        ascii_name: export::ascii_file_name(kind, today),
        bytes,
        rows,
    })
}

fn too_many(total: i64) -> UseCaseError {
    UseCaseError::invalid(
        "query",
        format!(
            "조건에 맞는 과제가 {}건으로, 한 번에 내려받을 수 있는 {}건을 넘습니다. 기관, 교류직위 쌍, 과제 유형, \
             상태나 검색어로 범위를 좁혀 주세요.",
            thousands(total.max(0) as usize),
            thousands(MAX_ROWS)
        ),
    )
}

fn row(t: TaskSummary, pair_agencies: Option<[String; 2]>, parts: PartCounts) -> TaskExportRow {
    TaskExportRow {
        seq: t.seq,
        title: t.title,
        pair_agencies,
        task_type: t.task_type,
        status: t.status,
        lead_agency: t.lead_agency.map(|a| a.short_name),
        agencies: t.agencies.into_iter().map(|a| a.short_name).collect(),
        kpi_count: parts.kpis,
        milestone_count: parts.milestones,
        updated_on: kst_date(t.updated_at),
    }
}

fn xlsx_failed(e: XlsxError) -> UseCaseError {
    UseCaseError::Internal(format!("XLSX: {e}"))
}

/// The file being written.
enum Sink {
    Csv(CsvFile),
    Xlsx(Box<XlsxFile>),
}

impl Sink {
    fn push(&mut self, row: &TaskExportRow) -> Result<()> {
        match self {
            Sink::Csv(f) => f.push(row),
            Sink::Xlsx(f) => f.push(row).map_err(xlsx_failed)?,
        }
        Ok(())
    }

    fn reserve_rows(&mut self, more: usize) {
        if let Sink::Csv(f) = self {
            f.reserve_rows(more);
        }
    }

    fn finish(self) -> Result<Vec<u8>> {
        match self {
            Sink::Csv(f) => Ok(f.finish().into_bytes()),
            Sink::Xlsx(f) => f.finish().map_err(xlsx_failed),
        }
    }
}

/// An Excel workbook being written a row at a time: one sheet, the Korean headers in bold above a
/// frozen pane with an autofilter, each column as wide as [`COLUMNS`] says, numbers as numbers and
/// dates as dates. A text cell is a string cell, which Excel never evaluates, so it is written as
/// it is. The sheet is in rust_xlsxwriter's constant-memory mode: each row goes to a temporary file
/// (the system's temporary directory, readable by its owner only, removed with the workbook) as soon
/// as the next one is written, so a sheet of 100,000 tasks is not held in memory cell by cell.
pub struct XlsxFile {
    workbook: Workbook,
    date: Format,
    /// The row the next task goes in (the header is row 0).
    next_row: u32,
}

impl XlsxFile {
    pub fn new() -> Result<XlsxFile, XlsxError> {
        let mut workbook = Workbook::new();
        let header = Format::new().set_bold().set_border_bottom(FormatBorder::Thin);
        let sheet = workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name("협업과제 목록")?;
        for (c, column) in (0u16..).zip(COLUMNS.iter()) {
            sheet.set_column_width(c, column.width)?;
            sheet.write_string_with_format(0, c, column.header, &header)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        Ok(XlsxFile { workbook, date: Format::new().set_num_format(DATE_FORMAT), next_row: 1 })
    }

    pub fn push(&mut self, task: &TaskExportRow) -> Result<(), XlsxError> {
        let r = self.next_row;
        let sheet = self.workbook.worksheet_from_index(0)?;
        for (c, column) in (0u16..).zip(COLUMNS.iter()) {
            match (column.value)(task) {
                Cell::Text(s) => sheet.write_string(r, c, s)?,
                // Counts and numbers are far below 2^53: exact as a spreadsheet's number.
                Cell::Number(n) => sheet.write_number(r, c, n as f64)?,
                Cell::Date(d) => {
                    let (year, month, day) = (u16::try_from(d.year()).unwrap_or(0), d.month() as u8, d.day() as u8);
                    sheet.write_datetime_with_format(r, c, ExcelDateTime::from_ymd(year, month, day)?, &self.date)?
                }
            };
        }
        self.next_row += 1;
        Ok(())
    }

    pub fn finish(mut self) -> Result<Vec<u8>, XlsxError> {
        let last_row = self.next_row - 1;
        self.workbook.worksheet_from_index(0)?.autofilter(0, 0, last_row, COLUMNS.len() as u16 - 1)?;
        self.workbook.save_to_buffer()
    }
}

/// The rows as an Excel workbook.
pub fn xlsx(rows: &[TaskExportRow]) -> Result<Vec<u8>, XlsxError> {
    let mut file = XlsxFile::new()?;
    for row in rows {
        file.push(row)?;
    }
    file.finish()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use hanteam_domain::{TaskStatus, TaskType};

    use super::*;

    /// A part of the workbook (it is a zip archive of XML files), as text.
    fn part(bytes: &[u8], name: &str) -> String {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an XLSX file is a zip archive");
        let mut text = String::new();
        zip.by_name(name).expect(name).read_to_string(&mut text).expect("UTF-8 XML");
        text
    }

    #[test]
    fn the_sheet_has_a_frozen_bold_header_an_autofilter_set_widths_and_dated_cells() {
        let row = TaskExportRow {
            seq: 1,
            title: "=1+1".into(),
            pair_agencies: None,
            task_type: Some(TaskType::SiloRemoval),
            status: TaskStatus::Confirmed,
            lead_agency: None,
            agencies: vec![],
            kpi_count: 0,
            milestone_count: 3,
            updated_on: NaiveDate::from_ymd_opt(2024, 4, 15).unwrap(),
        };
        let bytes = xlsx(&[row.clone(), row]).unwrap();
        let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
        assert!(
            sheet.contains(r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#),
            "{sheet}"
        );
        assert!(sheet.contains(r#"<autoFilter ref="A1:J3"/>"#), "{sheet}");
        // Widths in characters, as COLUMNS says (Excel adds a little padding to each).
        assert!(sheet.contains(r#"<col min="2" max="2" width="60.7109375" customWidth="1"/>"#), "{sheet}");
        // 2024-04-15 is day 45397 of Excel's calendar; a count is a number cell, not text.
        assert!(sheet.contains(r#"<c r="J2" s="2"><v>45397</v></c>"#), "{sheet}");
        assert!(sheet.contains(r#"<c r="I2"><v>3</v></c>"#), "{sheet}");
        // Text in the cells themselves (constant-memory mode writes no shared string table); the
        // header in its own (bold) style; a title that looks like a formula is text, not a formula.
        assert!(sheet.contains(r#"<c r="A1" s="1" t="inlineStr"><is><t>번호</t></is></c>"#), "{sheet}");
        assert!(sheet.contains(r#"<c r="B2" t="inlineStr"><is><t>=1+1</t></is></c>"#), "{sheet}");
        assert!(!sheet.contains("<f>"), "no formula cell: {sheet}");
        let styles = part(&bytes, "xl/styles.xml");
        assert!(styles.contains(r#"formatCode="yyyy-mm-dd""#) && styles.contains("<b/>"), "{styles}");
        let book = part(&bytes, "xl/workbook.xml");
        assert!(book.contains(r#"name="협업과제 목록""#), "{book}");
    }

    #[test]
    fn too_many_says_how_many_and_the_bound_in_korean() {
        let e = too_many(123_456 + MAX_ROWS as i64);
        assert_eq!(e.field_errors()[0].field, "query");
        let bound = format!("{}건", thousands(MAX_ROWS));
        let found = format!("{}건", thousands(123_456 + MAX_ROWS));
        assert!(e.to_string().contains(&found) && e.to_string().contains(&bound), "{e}");
    }
}
