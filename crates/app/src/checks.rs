//! Periodic checks (주기적 점검): OPC opens and closes cycles, returns reports and rates tasks; the
//! agencies' officers (and the pair's exchangee for the agency of its position) file the reports.

use chrono::{DateTime, Utc};
use hanteam_domain::access::{self, Right, Role, TaskAccess};
use hanteam_domain::audit::AuditAction;
use hanteam_domain::checks::{
    carry_over, check_attachment, parse_rating, parse_return, report_move, suggest, CycleDraft, CycleInput,
    RatingInput, ReportAction, ReportDraft, ReportInput, ReportStatus, ReportSubject, ReturnInput, Suggestion,
    MAX_ATTACHMENTS,
};
use hanteam_domain::edit::{parse_version, VersionInput};
use hanteam_domain::notification::{notice_title, NotificationKind};
use hanteam_domain::time::kst_date;
use hanteam_domain::{AgencyId, AttachmentId, CheckCycleId, Paging, PositionId, ReportId, TaskId, ValidationError};
use hanteam_store::audit::Change;
/// Read models of the checks.
pub use hanteam_store::checks::{
    AttachmentRecord, AttachmentView, CycleSummary, CycleTaskRow, Deadline, LightCounts, OverdueCount, ReportDue,
    ReportKpiView, ReportMilestoneView, ReportStatusRow, ReportView,
};
use hanteam_store::checks::{CycleRecord, RatingRecord, ReportRecord, ReportSnapshot};
use hanteam_store::views::Page;
use hanteam_store::{Db, Tx};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::notify::{queue_in, Notice, Recipient, Subject};
use crate::tasks::{visible, visible_in};
use crate::{Caller, Result, Saved, UseCaseError};

fn cycle_not_found(id: CheckCycleId) -> UseCaseError {
    UseCaseError::NotFound(format!("{id}번 점검 주기"))
}

fn report_not_found() -> UseCaseError {
    UseCaseError::NotFound("이 점검 주기의 해당 기관 추진실적 보고".into())
}

fn may_run(by: &Caller) -> Result<()> {
    if access::can_run_checks(by.signed_in()?) {
        Ok(())
    } else {
        Err(UseCaseError::Forbidden(
            "점검 주기를 열고 닫거나 보고를 반려하고 점검 결과를 매기는 일은 국무조정실 관리자만 할 수 있습니다."
                .into(),
        ))
    }
}

/// Reading cycles beyond the lights: anyone signed in with the read right.
fn may_read(by: &Caller) -> Result<()> {
    if by.signed_in()?.has_right(Right::Read) {
        Ok(())
    } else {
        Err(UseCaseError::forbidden())
    }
}

fn closed(c: &CycleRecord) -> bool {
    c.closed_at.is_some()
}

/// Audits a change of report `id` as `action`: the report as it was (`before`) and as it is now.
async fn audit_report(
    tx: &mut Tx,
    by: &Caller,
    action: AuditAction,
    id: ReportId,
    before: &ReportSnapshot,
) -> Result<()> {
    let after = tx.report_snapshot(id).await?.ok_or_else(report_not_found)?;
    tx.audit(&by.actor, Change::of(action, "progress_report", Some(id.get()), Some(before), Some(&after))).await?;
    Ok(())
}

async fn cycle_in(tx: &mut Tx, id: CheckCycleId) -> Result<CycleRecord> {
    tx.load::<CycleRecord>(id).await?.ok_or_else(|| cycle_not_found(id))
}

/// Opens a check cycle (OPC): every participating agency of every active task is asked for a report,
/// and what closed cycles left over shows in it.
pub async fn open_cycle(db: &Db, by: &Caller, input: &CycleInput) -> Result<Saved> {
    may_run(by)?;
    let draft = CycleDraft::parse(input)?;
    let mut tx = db.begin().await?;
    let (id, reports, carried_in) = tx.insert_cycle(&draft).await?;
    let after = cycle_in(&mut tx, id).await?;
    #[derive(Serialize)]
    struct Opened<'a> {
        check_cycle: &'a CycleRecord,
        reports: u64,
        carried_in: u64,
    }
    let detail = Opened { check_cycle: &after, reports, carried_in };
    tx.audit(
        &by.actor,
        Change::of(AuditAction::CheckCycleCreate, "check_cycle", Some(after.id), None::<&()>, Some(&detail)),
    )
    .await?;
    tx.commit().await?;
    Ok(Saved { id: after.id, version: after.version })
}

/// Closes a cycle (OPC): its reports lock for good, what was not filed or not done carries over to
/// the next cycle, and the ratings become the tasks' lights.
pub async fn close_cycle(db: &Db, by: &Caller, id: CheckCycleId, input: &VersionInput) -> Result<Saved> {
    may_run(by)?;
    let version = parse_version(input)?;
    let mut tx = db.begin().await?;
    let before = cycle_in(&mut tx, id).await?;
    if closed(&before) {
        return Err(UseCaseError::invalid("version", "이미 마감된 점검 주기입니다."));
    }
    if before.version != version {
        return Err(UseCaseError::Stale { current_version: before.version });
    }
    let carried = carry_over(&tx.reports_at_close(id).await?);
    let (_, counts) =
        tx.close_cycle(&before, &carried).await?.ok_or(UseCaseError::Stale { current_version: before.version })?;
    let after = cycle_in(&mut tx, id).await?;
    #[derive(Serialize)]
    struct Closed<'a> {
        check_cycle: &'a CycleRecord,
        rated: i64,
        unrated: i64,
        carried_over: i64,
    }
    #[derive(Serialize)]
    struct Before<'a> {
        check_cycle: &'a CycleRecord,
    }
    let detail =
        Closed { check_cycle: &after, rated: counts.rated, unrated: counts.unrated, carried_over: counts.carried_over };
    tx.audit(
        &by.actor,
        Change::of(
            AuditAction::CheckCycleClose,
            "check_cycle",
            Some(after.id),
            Some(&Before { check_cycle: &before }),
            Some(&detail),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(Saved { id: after.id, version: after.version })
}

pub async fn cycles(db: &Db, by: &Caller, paging: Paging) -> Result<Page<CycleSummary>> {
    may_read(by)?;
    Ok(db.list_cycles(paging.limit, paging.offset).await?)
}

/// A cycle and a page of its tasks the caller may see, with reports and ratings.
pub async fn cycle(
    db: &Db,
    by: &Caller,
    id: CheckCycleId,
    paging: Paging,
) -> Result<(CycleSummary, Page<CycleTaskRow>)> {
    may_read(by)?;
    let c = db.cycle(id).await?.ok_or_else(|| cycle_not_found(id))?;
    let rows = db.cycle_tasks(id, &access::task_scope(by.principal()), paging.limit, paging.offset).await?;
    Ok((c, rows))
}

/// A report, and what the caller may do with it.
pub struct ReportPage {
    pub report: ReportView,
    /// The caller may save, submit and attach (the report is open, the cycle too).
    pub may_file: bool,
    /// The caller is OPC: it may return the report and rate the task.
    pub may_review: bool,
}

async fn readable(
    db: &Db,
    by: &Caller,
    task: TaskId,
    agency: AgencyId,
    status: ReportStatus,
    returned: bool,
) -> Result<TaskAccess> {
    let t = visible(db, by, task).await?;
    let pair = db.pair_positions_of(task).await?;
    let submitted_once = status == ReportStatus::Submitted || returned;
    if access::may_read_report(by.principal(), &t, agency, &pair, submitted_once) {
        Ok(t)
    } else {
        Err(report_not_found())
    }
}

pub async fn report(db: &Db, by: &Caller, cycle: CheckCycleId, task: TaskId, agency: AgencyId) -> Result<ReportPage> {
    let p = by.signed_in()?;
    let report = db.report(cycle, task, agency).await?.ok_or_else(report_not_found)?;
    let t = readable(db, by, task, agency, report.status, report.returned_at.is_some()).await?;
    let pair = db.pair_positions_of(task).await?;
    let open = report.cycle.closed_at.is_none() && report.status.is_open();
    Ok(ReportPage {
        may_file: open && access::may_file_report(p, &t, agency, &pair).is_ok(),
        may_review: access::can_run_checks(p) && report.cycle.closed_at.is_none(),
        report,
    })
}

/// Inside a change: the cycle, the report (locked) and the check that the caller may file it.
async fn filing(
    tx: &mut Tx,
    by: &Caller,
    cycle: CheckCycleId,
    task: TaskId,
    agency: AgencyId,
) -> Result<(CycleRecord, ReportRecord)> {
    let p = by.signed_in()?;
    // Filings share the cycle's row (sixteen officers filing at once waited on one another's
    // whole change); closing it waits for them, and later ones find it closed.
    let c = tx.load_shared::<CycleRecord>(cycle).await?.ok_or_else(|| cycle_not_found(cycle))?;
    let t = visible_in(tx, by, task).await?;
    let pair = tx.pair_positions_of(task).await?;
    let r = tx.report_of(cycle, task, agency).await?.ok_or_else(report_not_found)?;
    access::may_file_report(p, &t, agency, &pair)?;
    Ok((c, r))
}

fn refused(e: hanteam_domain::checks::ReportMoveError) -> UseCaseError {
    UseCaseError::invalid("status", e.to_string())
}

/// Saves the report's draft (its agency's officer, or the pair's exchangee of that agency).
pub async fn save_report(
    db: &Db,
    by: &Caller,
    cycle: CheckCycleId,
    task: TaskId,
    agency: AgencyId,
    input: &ReportInput,
) -> Result<Saved> {
    let mut tx = db.begin().await?;
    let (c, before) = filing(&mut tx, by, cycle, task, agency).await?;
    let to = report_move(before.status()?, ReportAction::Save, closed(&c)).map_err(refused)?;
    let (ms, ks) = tx.task_parts(task).await?;
    let subject = ReportSubject { milestones: &ms, kpis: &ks };
    let (draft, version) = ReportDraft::parse(input, &subject, kst_date(tx.at()))?;
    let id = ReportId::new(before.id);
    let snapshot_before = tx.report_snapshot(id).await?.ok_or_else(report_not_found)?;
    let version = tx
        .save_report(id, version, to, &draft)
        .await?
        .ok_or(UseCaseError::Stale { current_version: before.version })?;
    audit_report(&mut tx, by, AuditAction::ReportSave, id, &snapshot_before).await?;
    tx.commit().await?;
    Ok(Saved { id: before.id, version })
}

/// Submits the report as saved: it locks until OPC returns it. It needs the narrative and, for each
/// milestone not done, the reason.
pub async fn submit_report(
    db: &Db,
    by: &Caller,
    cycle: CheckCycleId,
    task: TaskId,
    agency: AgencyId,
    input: &VersionInput,
) -> Result<Saved> {
    let mut tx = db.begin().await?;
    let (c, before) = filing(&mut tx, by, cycle, task, agency).await?;
    let to = report_move(before.status()?, ReportAction::Submit, closed(&c)).map_err(refused)?;
    let version = parse_version(input)?;
    if before.version != version {
        return Err(UseCaseError::Stale { current_version: before.version });
    }
    let id = ReportId::new(before.id);
    let snapshot_before = tx.report_snapshot(id).await?.ok_or_else(report_not_found)?;
    let (ms, ks) = tx.task_parts(task).await?;
    let subject = ReportSubject { milestones: &ms, kpis: &ks };
    // The stored content, read back through the same rules (and completed for milestones added since).
    let stored = ReportInput {
        narrative: before.narrative.clone(),
        citizen_change: before.citizen_change.clone(),
        bottlenecks: before.bottlenecks.clone(),
        milestones: snapshot_before
            .milestones
            .iter()
            .map(|m| hanteam_domain::checks::ReportMilestoneInput {
                milestone_id: Some(m.milestone_id.to_string()),
                done_on: m.done_on.map(|d| d.format("%Y-%m-%d").to_string()),
                reason: m.reason.clone(),
            })
            .collect(),
        kpis: snapshot_before
            .kpis
            .iter()
            .map(|k| hanteam_domain::checks::ReportKpiInput {
                kpi_id: Some(k.kpi_id.to_string()),
                actual: k.actual_value.map(|v| v.to_string()),
            })
            .collect(),
        version: Some(version.to_string()),
    };
    let (draft, _) = ReportDraft::parse(&stored, &subject, kst_date(tx.at()))?;
    draft.check_complete(&subject)?;
    let version = tx
        .save_report(id, version, to, &draft)
        .await?
        .ok_or(UseCaseError::Stale { current_version: before.version })?;
    audit_report(&mut tx, by, AuditAction::ReportSubmit, id, &snapshot_before).await?;
    tx.commit().await?;
    Ok(Saved { id: before.id, version })
}

/// OPC sends a submitted report back with what to mend; it opens again for the agency.
pub async fn return_report(
    db: &Db,
    by: &Caller,
    cycle: CheckCycleId,
    task: TaskId,
    agency: AgencyId,
    input: &ReturnInput,
) -> Result<Saved> {
    may_run(by)?;
    let mut tx = db.begin().await?;
    let c = cycle_in(&mut tx, cycle).await?;
    visible_in(&mut tx, by, task).await?;
    let before = tx.report_of(cycle, task, agency).await?.ok_or_else(report_not_found)?;
    report_move(before.status()?, ReportAction::Return, closed(&c)).map_err(refused)?;
    let (comment, version) = parse_return(input)?;
    let id = ReportId::new(before.id);
    let snapshot_before = tx.report_snapshot(id).await?.ok_or_else(report_not_found)?;
    let version = tx
        .return_report(id, version, &comment)
        .await?
        .ok_or(UseCaseError::Stale { current_version: before.version })?;
    audit_report(&mut tx, by, AuditAction::ReportReturn, id, &snapshot_before).await?;
    let t = crate::tasks::task_record(&mut tx, task).await?;
    let kind = NotificationKind::ReportReturned;
    let notice = Notice {
        kind,
        recipients: vec![Recipient::AgencyOfficers(agency)],
        subject: Subject { record_type: "progress_report", id: before.id },
        title: notice_title(kind, &format!("{} — 과제 {} · {}", c.name, t.seq, t.title)),
        link: format!("/checks/{}/reports/{}/{}", cycle.get(), task.get(), agency.get()),
        occasion: format!("returned:{version}"),
    };
    queue_in(&mut tx, &by.actor, &notice).await?;
    tx.commit().await?;
    Ok(Saved { id: before.id, version })
}

/// Whether the caller may file the report (asked before a file is read from the request).
pub async fn may_file(db: &Db, by: &Caller, cycle: CheckCycleId, task: TaskId, agency: AgencyId) -> Result<()> {
    let mut tx = db.begin().await?;
    filing(&mut tx, by, cycle, task, agency).await?;
    Ok(())
}

/// Attaches a file to an open report; its type is told by its content.
pub async fn add_attachment(
    db: &Db,
    by: &Caller,
    cycle: CheckCycleId,
    task: TaskId,
    agency: AgencyId,
    file_name: &str,
    bytes: &[u8],
) -> Result<Saved> {
    let (name, kind) = check_attachment(file_name, bytes)?;
    let mut tx = db.begin().await?;
    let (c, report) = filing(&mut tx, by, cycle, task, agency).await?;
    report_move(report.status()?, ReportAction::Save, closed(&c)).map_err(refused)?;
    let id = ReportId::new(report.id);
    if tx.attachment_count(id).await? >= MAX_ATTACHMENTS as i64 {
        return Err(UseCaseError::invalid(
            "file",
            format!(
                "보고 하나에는 파일을 {MAX_ATTACHMENTS}개까지 붙일 수 있습니다. 필요 없는 파일을 지운 뒤 올려 주세요."
            ),
        ));
    }
    let sha = Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect::<String>();
    let file = tx.insert_attachment(id, &name, kind.as_str(), &sha, bytes).await?;
    let after = tx.load::<AttachmentRecord>(file).await?.ok_or_else(report_not_found)?;
    tx.audit(&by.actor, Change::created(AuditAction::AttachmentAdd, &after)).await?;
    tx.commit().await?;
    Ok(Saved { id: file.get(), version: 1 })
}

/// Removes a file from an open report.
pub async fn remove_attachment(
    db: &Db,
    by: &Caller,
    cycle: CheckCycleId,
    task: TaskId,
    agency: AgencyId,
    file: AttachmentId,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let (c, report) = filing(&mut tx, by, cycle, task, agency).await?;
    report_move(report.status()?, ReportAction::Save, closed(&c)).map_err(refused)?;
    let before = tx
        .load::<AttachmentRecord>(file)
        .await?
        .filter(|a| a.report_id == report.id)
        .ok_or_else(|| UseCaseError::NotFound(format!("{file}번 첨부파일")))?;
    tx.remove_attachment(file).await?;
    tx.audit(&by.actor, Change::removed(AuditAction::AttachmentRemove, &before)).await?;
    tx.commit().await?;
    Ok(())
}

/// An attached file to download, when the caller may read its report.
pub async fn attachment(db: &Db, by: &Caller, file: AttachmentId) -> Result<(AttachmentRecord, Vec<u8>)> {
    by.signed_in()?;
    let not_found = || UseCaseError::NotFound(format!("{file}번 첨부파일"));
    let (record, (_, task, agency, status), bytes) = db.attachment(file).await?.ok_or_else(not_found)?;
    let status: ReportStatus = status.parse().map_err(|e: String| UseCaseError::Internal(e))?;
    let (task, agency) = (TaskId::new(task), AgencyId::new(agency));
    // A report once returned has been submitted: its co-agencies have seen it.
    readable(db, by, task, agency, status, status == ReportStatus::Returned).await.map_err(|_| not_found())?;
    Ok((record, bytes))
}

/// What the domain suggests for a task in a cycle (OPC's review page).
pub async fn suggestion(db: &Db, by: &Caller, cycle: CheckCycleId, task: TaskId) -> Result<Suggestion> {
    may_run(by)?;
    let c = db.cycle(cycle).await?.ok_or_else(|| cycle_not_found(cycle))?;
    visible(db, by, task).await?;
    let facts = db.suggestion_facts(cycle, task).await?;
    // What the reports are due to say: the state on their due date (or today, if earlier).
    let as_of = c.due.min(kst_date(Utc::now()));
    Ok(suggest(&facts.milestones, &facts.kpis, as_of))
}

/// OPC rates a task for an open cycle; the suggestion is kept beside the rating.
pub async fn rate(db: &Db, by: &Caller, cycle: CheckCycleId, task: TaskId, input: &RatingInput) -> Result<Saved> {
    may_run(by)?;
    let (rating, reason, version) = parse_rating(input)?;
    let s = suggestion(db, by, cycle, task).await?;
    let mut tx = db.begin().await?;
    let c = cycle_in(&mut tx, cycle).await?;
    if closed(&c) {
        return Err(UseCaseError::invalid("rating", "마감된 점검 주기의 점검 결과는 바꿀 수 없습니다."));
    }
    visible_in(&mut tx, by, task).await?;
    if !tx.task_in_cycle(cycle, task).await? {
        return Err(UseCaseError::NotFound(format!("이 점검 주기의 {task}번 과제")));
    }
    let saved = match (tx.rating_of(cycle, task).await?, version) {
        (None, _) => {
            tx.insert_rating(cycle, task, rating, &reason, s.rating, &s.explanation).await?;
            let after = tx.rating_of(cycle, task).await?.ok_or_else(report_not_found)?;
            tx.audit(&by.actor, Change::created(AuditAction::CheckRatingSet, &after)).await?;
            Saved { id: after.id, version: after.version }
        }
        (Some(before), None) => return Err(UseCaseError::Stale { current_version: before.version }),
        (Some(before), Some(version)) => {
            let row = hanteam_store::checks::RatingRowId(before.id);
            let version = tx
                .update_rating(row, version, rating, &reason, s.rating, &s.explanation)
                .await?
                .ok_or(UseCaseError::Stale { current_version: before.version })?;
            let after: RatingRecord = tx.load(row).await?.ok_or_else(report_not_found)?;
            tx.audit(&by.actor, Change::updated(AuditAction::CheckRatingSet, &before, &after)).await?;
            Saved { id: after.id, version }
        }
    };
    tx.commit().await?;
    Ok(saved)
}

/// A task's rating in a cycle, if given (for the review page's form).
pub async fn rating(db: &Db, by: &Caller, cycle: CheckCycleId, task: TaskId) -> Result<Option<(String, String, i64)>> {
    may_run(by)?;
    let mut tx = db.begin().await?;
    let r = tx.rating_of(cycle, task).await?;
    drop(tx);
    Ok(r.map(|r| (r.rating, r.reason, r.version)))
}

/// The overdue reports per agency (OPC and auditors).
pub async fn overdue(db: &Db, by: &Caller, now: DateTime<Utc>) -> Result<Vec<OverdueCount>> {
    let p = by.signed_in()?;
    if !(p.has_role(Role::OpcAdmin) || p.has_role(Role::Auditor)) || !p.has_right(Right::Read) {
        return Err(UseCaseError::forbidden());
    }
    Ok(db.overdue_by_agency(kst_date(now)).await?)
}

/// An agency's overdue reports, for a signed-in reader of its page.
pub async fn overdue_of_agency(
    db: &Db,
    by: &Caller,
    agency: AgencyId,
    now: DateTime<Utc>,
) -> Result<Option<Page<ReportDue>>> {
    match by.principal() {
        Some(p) if p.has_right(Right::Read) => {
            Ok(Some(db.open_reports(&[agency], &[], Some(kst_date(now)), 50).await?))
        }
        _ => Ok(None),
    }
}

/// The reports that are the caller's to file or mend ("내 점검 보고"); `None` for one who files none.
pub async fn my_reports(db: &Db, by: &Caller) -> Result<Option<Page<ReportDue>>> {
    let Some(p) = by.principal() else { return Ok(None) };
    let agencies: Vec<AgencyId> = p
        .grants
        .iter()
        .filter_map(|g| match g {
            access::Grant::AgencyOfficer { agency_id } => Some(*agency_id),
            _ => None,
        })
        .collect();
    let positions: Vec<PositionId> = p
        .grants
        .iter()
        .filter_map(|g| match g {
            access::Grant::Exchangee { position_id } => Some(*position_id),
            _ => None,
        })
        .collect();
    if (agencies.is_empty() && positions.is_empty()) || !p.has_right(Right::Write) {
        return Ok(None);
    }
    Ok(Some(db.open_reports(&agencies, &positions, None, 10).await?))
}

/// What the home page and an agency's page show of the checks, to everyone: the lights of the latest
/// closed cycle counted, and the next report deadlines.
pub struct CheckSummary {
    pub lights: Option<LightCounts>,
    pub deadlines: Vec<Deadline>,
}

pub async fn summary(db: &Db, agency: Option<AgencyId>) -> Result<CheckSummary> {
    Ok(CheckSummary { lights: db.latest_light_counts(agency).await?, deadlines: db.deadlines(agency, 5).await? })
}

/// A task's lights in closed cycles, newest first (public: only the light and OPC's reason).
pub async fn light_history(
    db: &Db,
    by: &Caller,
    task: TaskId,
) -> Result<Vec<(String, hanteam_domain::checks::ProgressRating, String)>> {
    visible(db, by, task).await?;
    Ok(db.task_light_history(task, 8).await?)
}

/// A report's agency as the caller typed it, checked to be a whole number.
pub fn parse_ids(cycle: &str, task: &str, agency: &str) -> Result<(CheckCycleId, TaskId, AgencyId)> {
    let mut errors: Vec<ValidationError> = Vec::new();
    let c = CheckCycleId::parse(cycle).map_err(|e| errors.push(e)).ok();
    let t = TaskId::parse(task).map_err(|e| errors.push(e)).ok();
    let a = AgencyId::parse(agency).map_err(|e| errors.push(e)).ok();
    match (c, t, a) {
        (Some(c), Some(t), Some(a)) => Ok((c, t, a)),
        _ => Err(UseCaseError::Invalid(errors)),
    }
}
