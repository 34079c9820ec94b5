//! A round's result sheet as an Excel (XLSX) file: one sheet of every task's result in ranking order,
//! and, for those who may read the prize money, a second sheet of its payments. Made the way the task
//! list's file is (`export::XlsxFile`): Korean headers in bold above a frozen pane with an
//! autofilter, set widths, numbers as numbers (scores to two decimals), the first sheet in
//! constant-memory mode and read a page of 5,000 results at a time, so a round of 100,000 tasks is
//! not held cell by cell.
//!
//! Who gets what is the results' rule (`access::result_access`), asked the same way as
//! `GET …/results`: OPC and auditors every task with its rank, spread and the disagreement flag once
//! scoring has closed; an agency officer its own tasks' provisional score and grade from 이의신청;
//! everyone every task's rank, score and grade once published. The payments sheet follows
//! `access::prize_scope` (OPC and auditors all, an officer its own agencies' once final); nobody else
//! gets one. Reading is not audited, as reading the results is not.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use hanteam_domain::access::{self, ResultAccess, ResultRefusal};
use hanteam_domain::evaluation::round::Stage;
use hanteam_domain::export::FileKind;
use hanteam_domain::time::kst_date;
use hanteam_domain::{EvaluationRoundId, Paging};
use hanteam_store::scoring::ResultScope;
use hanteam_store::Db;
use rust_xlsxwriter::{Format, FormatBorder, Workbook, Worksheet, XlsxError};

use crate::export::ExportFile;
use crate::{Caller, Result, UseCaseError};

const PAGE: i64 = 5_000;
const RESULTS_SHEET: &str = "평가 결과";
const PRIZES_SHEET: &str = "포상금 지급 내역";

fn xlsx_failed(e: XlsxError) -> UseCaseError {
    UseCaseError::Internal(format!("XLSX: {e}"))
}

/// The result sheet's columns, each with its width; `full` adds what only OPC and auditors read.
fn result_columns(ranked: bool, full: bool) -> Vec<(&'static str, f64)> {
    let mut c = Vec::new();
    if ranked {
        c.push(("순위", 7.0));
    }
    c.extend([
        ("과제 ID", 9.0),
        ("과제 번호", 11.0),
        ("과제명", 60.0),
        ("참여기관", 28.0),
        ("점수", 9.0),
        ("등급", 7.0),
        ("우수과제", 10.0),
        ("채점 수", 9.0),
    ]);
    if full {
        c.extend([("편차(표준편차)", 16.0), ("평가위원 간 이견", 18.0)]);
    }
    c
}

const PRIZE_COLUMNS: [(&str, f64); 8] = [
    ("과제 ID", 9.0),
    ("과제 번호", 11.0),
    ("과제명", 50.0),
    ("기관 ID", 9.0),
    ("기관", 12.0),
    ("받는 사람", 30.0),
    ("교류자 ID", 11.0),
    ("금액(원)", 16.0),
];

fn header(sheet: &mut Worksheet, columns: &[(&str, f64)], bold: &Format) -> Result<(), XlsxError> {
    for (c, (name, width)) in (0u16..).zip(columns) {
        sheet.set_column_width(c, *width)?;
        sheet.write_string_with_format(0, c, *name, bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The round's result sheet (`GET /evaluation-rounds/{id}/results.xlsx`), made at `now`.
pub async fn results_xlsx(db: &Db, by: &Caller, id: EvaluationRoundId, now: DateTime<Utc>) -> Result<ExportFile> {
    let r = db.get_round(id).await?.ok_or_else(|| UseCaseError::NotFound(format!("{id}번 평가 회차")))?;
    let stage = r.stage()?;
    if !access::may_read_round(by.principal(), stage) {
        return Err(UseCaseError::NotFound(format!("{id}번 평가 회차")));
    }
    let how = access::result_access(by.principal(), stage).map_err(|why| match why {
        ResultRefusal::NotYet => UseCaseError::Conflict(
            "채점이 아직 끝나지 않아 평가 결과가 없습니다. 채점을 마감(검토 단계로 이동)하면 결과표를 내려받을 수 있습니다."
                .into(),
        ),
        ResultRefusal::BeforeObjections => {
            UseCaseError::Forbidden("참여 과제의 잠정 결과는 이의신청 단계부터 볼 수 있습니다.".into())
        }
        ResultRefusal::BeforePublication => UseCaseError::Forbidden("평가 결과는 공개된 뒤에 볼 수 있습니다.".into()),
    })?;
    let scope = match &how {
        ResultAccess::OwnAgencies(a) => ResultScope::Agencies(a.clone()),
        _ => ResultScope::All,
    };
    let full = how == ResultAccess::Full;
    let ranked = full || how == ResultAccess::Published;
    let names: HashMap<i64, String> =
        db.list_agencies().await?.into_iter().map(|a| (a.id.get(), a.short_name)).collect();
    let agencies_of: HashMap<i64, String> = {
        let mut tx = db.begin().await?;
        let roles = tx.round_task_roles(id).await?;
        drop(tx);
        roles
            .into_iter()
            .map(|(t, list)| {
                let names: Vec<String> =
                    list.iter().map(|a| names.get(&a.agency.get()).cloned().unwrap_or_default()).collect();
                (t.get(), names.join(", "))
            })
            .collect()
    };

    let mut book = Workbook::new();
    let bold = Format::new().set_bold().set_border_bottom(FormatBorder::Thin);
    let score = Format::new().set_num_format("0.00");
    let columns = result_columns(ranked, full);
    let mut rows = 0u32;
    {
        let sheet = book.add_worksheet_with_constant_memory().map_err(xlsx_failed)?;
        sheet.set_name(RESULTS_SHEET).map_err(xlsx_failed)?;
        header(sheet, &columns, &bold).map_err(xlsx_failed)?;
        let mut offset = 0;
        loop {
            let page = db.results_page(id, &scope, Paging { limit: PAGE, offset }).await?;
            let read = page.items.len() as i64;
            for e in page.items {
                rows += 1;
                let mut c = 0u16;
                let mut next = || {
                    c += 1;
                    c - 1
                };
                let w = |e: XlsxError| xlsx_failed(e);
                if ranked {
                    sheet.write_number(rows, next(), e.position as f64).map_err(w)?;
                }
                sheet.write_number(rows, next(), e.task_id as f64).map_err(w)?;
                sheet.write_number(rows, next(), e.seq as f64).map_err(w)?;
                sheet.write_string(rows, next(), &e.title).map_err(w)?;
                sheet
                    .write_string(rows, next(), agencies_of.get(&e.task_id).map(String::as_str).unwrap_or(""))
                    .map_err(w)?;
                sheet.write_number_with_format(rows, next(), e.score, &score).map_err(w)?;
                sheet.write_string(rows, next(), &e.grade).map_err(w)?;
                sheet.write_string(rows, next(), if e.excellent { "우수과제" } else { "" }).map_err(w)?;
                sheet.write_number(rows, next(), e.n_scores as f64).map_err(w)?;
                if full {
                    sheet.write_number_with_format(rows, next(), e.spread, &score).map_err(w)?;
                    sheet.write_string(rows, next(), if e.disagreement { "이견 큼" } else { "" }).map_err(w)?;
                }
            }
            offset += read;
            if read < PAGE || offset >= page.total {
                break;
            }
        }
        sheet.autofilter(0, 0, rows, columns.len() as u16 - 1).map_err(xlsx_failed)?;
    }

    // The payments, for those who read them (a short list: the excellent tasks' lines).
    let prize_rows = match crate::prizes::scope(by, stage) {
        Ok(scope) if stage > Stage::Scoring => {
            let c = crate::prizes::Computed::of(db, &r).await?;
            let lines: Vec<_> =
                c.lines().into_iter().filter(|l| scope.as_ref().is_none_or(|a| a.contains(&l.agency_id))).collect();
            let sheet = book.add_worksheet();
            sheet.set_name(PRIZES_SHEET).map_err(xlsx_failed)?;
            header(sheet, &PRIZE_COLUMNS, &bold).map_err(xlsx_failed)?;
            let won = Format::new().set_num_format("#,##0");
            for (i, l) in lines.iter().enumerate() {
                let row = i as u32 + 1;
                let item = c.item(l);
                let (seq, title) = c.title(l.task_id);
                let w = |e: XlsxError| xlsx_failed(e);
                sheet.write_number(row, 0, item.task_id as f64).map_err(w)?;
                sheet.write_number(row, 1, seq as f64).map_err(w)?;
                sheet.write_string(row, 2, &title).map_err(w)?;
                sheet.write_number(row, 3, item.agency_id as f64).map_err(w)?;
                sheet.write_string(row, 4, &item.agency_name).map_err(w)?;
                sheet.write_string(row, 5, item.person.as_deref().unwrap_or("(기관 지급)")).map_err(w)?;
                if let Some(x) = item.exchangee_id {
                    sheet.write_number(row, 6, x as f64).map_err(w)?;
                }
                // Won amounts are far below 2^53: exact as a spreadsheet's number.
                sheet.write_number_with_format(row, 7, item.amount_won as f64, &won).map_err(w)?;
            }
            sheet.autofilter(0, 0, lines.len() as u32, PRIZE_COLUMNS.len() as u16 - 1).map_err(xlsx_failed)?;
            lines.len()
        }
        _ => 0,
    };
    let bytes = book.save_to_buffer().map_err(xlsx_failed)?;
    let today = kst_date(now);
    tracing::info!(round = id.get(), rows, prize_rows, bytes = bytes.len(), "round results exported");
    Ok(ExportFile {
        kind: FileKind::Xlsx,
        name: format!("평가결과_{}_{}.xlsx", id, today.format("%Y-%m-%d")),
        ascii_name: format!("hanteam-round-{id}-results-{}.xlsx", today.format("%Y-%m-%d")),
        bytes,
        rows: rows as usize,
    })
}
