//! The task list as a file to download: its columns, defined once here for the CSV and the Excel
//! (XLSX) file alike, the CSV encoding, and the file's name.
//!
//! The CSV is UTF-8 with a byte order mark (Excel reads a CSV without one in the system's code
//! page, which garbles Korean), quoted as RFC 4180 says, with CRLF line ends. A text cell that a
//! spreadsheet would take for a formula (it begins with `=`, `+`, `-`, `@`, a tab or a carriage
//! return) gets a leading apostrophe, so that opening the file cannot run what someone typed into a
//! title (CSV or formula injection). Numbers and dates are written as such, never neutralised.

use chrono::NaiveDate;

use crate::{TaskStatus, TaskType};

/// The most tasks one file may hold: twice the national scale hanteam is measured at (100,000
/// tasks, whose whole list must download). A list that matches more is refused with a request to
/// narrow the filters, not cut short without a word.
pub const MAX_ROWS: usize = 200_000;

/// What a cell shows where a value can be entered and has not been: the word the task list shows.
const NOT_ENTERED: &str = "미입력";

/// One task as the file shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskExportRow {
    /// The task's number (연번), as the list shows it.
    pub seq: i64,
    pub title: String,
    /// The short names of the agencies of the pair's two positions (국토부, 환경부).
    pub pair_agencies: Option<[String; 2]>,
    pub task_type: Option<TaskType>,
    pub status: TaskStatus,
    /// The lead agency's short name (주관기관).
    pub lead_agency: Option<String>,
    /// The participating agencies' short names, in the list's order.
    pub agencies: Vec<String>,
    pub kpi_count: i64,
    pub milestone_count: i64,
    /// The Korean calendar day of the last change of the task or of one of its parts.
    pub updated_on: NaiveDate,
}

/// A cell, typed: a spreadsheet gets numbers as numbers and dates as dates.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(i64),
    Date(NaiveDate),
}

/// A column of the file: its Korean header, its width in a spreadsheet (in characters of the
/// default font; a Hangul syllable takes about two) and its value for a task.
pub struct Column {
    pub header: &'static str,
    pub width: f64,
    pub value: fn(&TaskExportRow) -> Cell,
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

/// `국토부↔환경부`.
pub fn pair_label(agencies: &[String; 2]) -> String {
    format!("{}↔{}", agencies[0], agencies[1])
}

/// The columns, in order.
pub const COLUMNS: [Column; 10] = [
    Column { header: "번호", width: 7.0, value: |t| Cell::Number(t.seq) },
    Column { header: "과제명", width: 60.0, value: |t| text(&t.title) },
    Column {
        header: "교류직위 쌍",
        width: 20.0,
        value: |t| t.pair_agencies.as_ref().map_or_else(|| text(NOT_ENTERED), |p| Cell::Text(pair_label(p))),
    },
    Column {
        header: "과제 유형", width: 24.0, value: |t| text(t.task_type.map_or(NOT_ENTERED, TaskType::label_ko))
    },
    Column { header: "현재 상태", width: 11.0, value: |t| text(t.status.label_ko()) },
    Column { header: "주관기관", width: 13.0, value: |t| text(t.lead_agency.as_deref().unwrap_or(NOT_ENTERED)) },
    Column { header: "참여기관", width: 32.0, value: |t| Cell::Text(t.agencies.join(", ")) },
    Column { header: "성과지표 수", width: 12.0, value: |t| Cell::Number(t.kpi_count) },
    Column { header: "추진일정 수", width: 12.0, value: |t| Cell::Number(t.milestone_count) },
    Column { header: "최종 수정일", width: 13.0, value: |t| Cell::Date(t.updated_on) },
];

/// The format of a date cell: `2024-04-15`, in the CSV's text and in the spreadsheet's number format.
pub const DATE_FORMAT: &str = "yyyy-mm-dd";

/// A text as a spreadsheet must not take it for a formula: with a leading apostrophe when it
/// begins with one of the characters that start a formula (OWASP's list for CSV injection).
pub fn defuse_formula(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}").into(),
        _ => s.into(),
    }
}

/// One CSV field as RFC 4180 writes it: in double quotes, doubled inside, when it holds a comma, a
/// double quote or a line break; as it is otherwise.
fn csv_field(out: &mut String, s: &str) {
    if s.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

fn csv_cell(out: &mut String, cell: &Cell) {
    match cell {
        Cell::Text(s) => csv_field(out, &defuse_formula(s)),
        Cell::Number(n) => out.push_str(&n.to_string()),
        Cell::Date(d) => out.push_str(&d.format("%Y-%m-%d").to_string()),
    }
}

/// The byte order mark a CSV starts with, so that Excel reads it as UTF-8.
pub const BOM: char = '\u{feff}';

/// A CSV file being written a row at a time: the byte order mark and the header row, then one row
/// per task, CRLF after each.
#[derive(Debug, Clone)]
pub struct CsvFile {
    out: String,
    rows: usize,
}

impl Default for CsvFile {
    fn default() -> Self {
        Self::new()
    }
}

impl CsvFile {
    pub fn new() -> CsvFile {
        let mut out = String::new();
        out.push(BOM);
        for (i, c) in COLUMNS.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            csv_field(&mut out, c.header);
        }
        out.push_str("\r\n");
        CsvFile { out, rows: 0 }
    }

    /// Makes room for `more` rows like the ones written so far (the file's length is known after
    /// its first rows, so it grows once instead of doubling).
    pub fn reserve_rows(&mut self, more: usize) {
        if let Some(per_row) = self.out.len().checked_div(self.rows) {
            self.out.reserve(per_row.saturating_mul(more) + per_row.saturating_mul(more) / 20);
        }
    }

    pub fn push(&mut self, row: &TaskExportRow) {
        for (i, c) in COLUMNS.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            csv_cell(&mut self.out, &(c.value)(row));
        }
        self.out.push_str("\r\n");
        self.rows += 1;
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// The tasks as a CSV file.
pub fn csv(rows: &[TaskExportRow]) -> String {
    let mut file = CsvFile::new();
    for row in rows {
        file.push(row);
    }
    file.finish()
}

/// The kinds of file the list downloads as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Xlsx,
}

impl FileKind {
    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Csv => "csv",
            FileKind::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Csv => "text/csv; charset=utf-8",
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// The file's name, in Korean and with the Korean day it was made: `협업과제_목록_2024-04-15.csv`.
pub fn file_name(kind: FileKind, today: NaiveDate) -> String {
    format!("협업과제_목록_{}.{}", today.format("%Y-%m-%d"), kind.extension())
}

/// The same name in ASCII, for a client that cannot read the Korean one: `hanteam-tasks-2024-04-15.csv`.
pub fn ascii_file_name(kind: FileKind, today: NaiveDate) -> String {
    format!("hanteam-tasks-{}.{}", today.format("%Y-%m-%d"), kind.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn row(title: &str) -> TaskExportRow {
        TaskExportRow {
            seq: 7,
            title: title.into(),
            pair_agencies: Some(["국토부".into(), "환경부".into()]),
            task_type: Some(TaskType::ConflictResolution),
            status: TaskStatus::InProgress,
            lead_agency: Some("국토부".into()),
            agencies: vec!["국토부".into(), "환경부".into()],
            kpi_count: 2,
            milestone_count: 0,
            updated_on: day("2024-04-15"),
        }
    }

    /// The CSV's lines after the byte order mark (a title with a line break spans two).
    fn body(csv: &str) -> &str {
        csv.strip_prefix(BOM).expect("the CSV starts with the byte order mark")
    }

    #[test]
    fn the_csv_starts_with_a_bom_and_the_korean_headers_and_ends_lines_with_crlf() {
        let csv = csv(&[row("용인 반도체 국가산단")]);
        assert!(csv.as_bytes().starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 BOM");
        let lines: Vec<&str> = body(&csv).split("\r\n").collect();
        assert_eq!(
            lines[0],
            "번호,과제명,교류직위 쌍,과제 유형,현재 상태,주관기관,참여기관,성과지표 수,추진일정 수,최종 수정일"
        );
        assert_eq!(
            lines[1],
            "7,용인 반도체 국가산단,국토부↔환경부,구조적 갈등 해소·협력,추진 중,국토부,\"국토부, 환경부\",2,0,2024-04-15"
        );
        assert_eq!(lines[2], "", "the last line ends with CRLF too");
        assert_eq!(lines.len(), 3);
    }

    #[test]
    fn commas_quotes_and_line_breaks_are_quoted_as_rfc_4180_says() {
        let csv = csv(&[row("가, 나 \"다\"\n라\r\n마")]);
        let line = body(&csv).split_once("\r\n").unwrap().1;
        assert!(line.starts_with("7,\"가, 나 \"\"다\"\"\n라\r\n마\",국토부↔환경부,"), "{line}");
        let plain = csv_field_of("쉼표 없음");
        assert_eq!(plain, "쉼표 없음", "a field without those characters is not quoted");
    }

    #[test]
    fn a_csv_parser_reads_back_every_title_as_it_was_written() {
        let titles = ["쉼표, 그리고 \"따옴표\"", "줄\n바꿈\r\n두 번", "  앞뒤 공백  ", "따옴표만\"", "", "@멘션"];
        let rows: Vec<TaskExportRow> = titles.iter().map(|t| row(t)).collect();
        let csv = csv(&rows);
        let mut reader = ::csv::ReaderBuilder::new().has_headers(true).from_reader(body(&csv).as_bytes());
        assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), COLUMNS.map(|c| c.header));
        let read: Vec<String> = reader.records().map(|r| r.unwrap()[1].to_string()).collect();
        let expected: Vec<String> = titles.iter().map(|t| defuse_formula(t).into_owned()).collect();
        assert_eq!(read, expected);
        assert_eq!(read[5], "'@멘션");
    }

    fn csv_field_of(s: &str) -> String {
        let mut out = String::new();
        csv_field(&mut out, s);
        out
    }

    #[test]
    fn a_text_that_would_start_a_formula_gets_an_apostrophe() {
        for s in ["=1+2", "+82 10", "-2+3", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK(\"http://x\",\"y\")"] {
            assert_eq!(defuse_formula(s), format!("'{s}"), "{s:?}");
        }
        for s in ["용인", "1+2", "a=b", "", "'이미"] {
            assert_eq!(defuse_formula(s), s, "{s:?}");
        }
        let csv = csv(&[row("=cmd|' /C calc'!A0")]);
        let line = body(&csv).split("\r\n").nth(1).unwrap();
        assert!(line.starts_with("7,'=cmd|' /C calc'!A0,"), "{line}");
        // Quoting and the apostrophe together: the apostrophe is inside the quotes.
        assert_eq!(csv_field_of(&defuse_formula("=A1,\"B\"")), "\"'=A1,\"\"B\"\"\"");
    }

    #[test]
    fn numbers_and_dates_are_written_as_they_are() {
        let mut r = row("제목");
        r.seq = -3;
        let csv = csv(&[r]);
        let line = body(&csv).split("\r\n").nth(1).unwrap();
        assert!(line.starts_with("-3,"), "a number is never taken for a formula: {line}");
        assert!(line.ends_with(",2024-04-15"), "{line}");
    }

    #[test]
    fn missing_values_read_as_the_list_shows_them() {
        let mut r = row("제목");
        (r.pair_agencies, r.task_type, r.lead_agency, r.agencies) = (None, None, None, vec![]);
        let cells: Vec<Cell> = COLUMNS.iter().map(|c| (c.value)(&r)).collect();
        assert_eq!(cells[2], Cell::Text("미입력".into()));
        assert_eq!(cells[3], Cell::Text("미입력".into()));
        assert_eq!(cells[5], Cell::Text("미입력".into()));
        assert_eq!(cells[6], Cell::Text(String::new()));
    }

    #[test]
    fn every_column_is_wide_enough_for_its_header() {
        for c in &COLUMNS {
            // A Hangul syllable takes two characters' width, a space or a digit one.
            let needed: usize = c.header.chars().map(|ch| if ch.is_ascii() { 1 } else { 2 }).sum();
            assert!(c.width >= needed as f64 + 1.0, "{}: {} < {needed}", c.header, c.width);
        }
    }

    #[test]
    fn the_file_is_named_in_korean_with_the_day_and_in_ascii_for_old_clients() {
        let d = day("2024-04-15");
        assert_eq!(file_name(FileKind::Csv, d), "협업과제_목록_2024-04-15.csv");
        assert_eq!(file_name(FileKind::Xlsx, d), "협업과제_목록_2024-04-15.xlsx");
        assert_eq!(ascii_file_name(FileKind::Xlsx, d), "hanteam-tasks-2024-04-15.xlsx");
        assert!(ascii_file_name(FileKind::Csv, d).is_ascii());
    }
}
