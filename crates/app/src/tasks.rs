//! Collaboration tasks: the list, one task, and the changes to a task and to its agencies' roles.

use std::collections::HashMap;

use chrono::{DateTime, Days, NaiveDate, Utc};
use hanteam_domain::access::{self, task_scope, TaskAccess, TaskChange, TaskScope};
use hanteam_domain::audit::AuditAction;
use hanteam_domain::edit::{parse_role, parse_version, RoleInput, TaskDraft, TaskInput, VersionInput};
use hanteam_domain::task::{agencies_joining_with_pair, check_lead_agency};
use hanteam_domain::time::kst_date;
use hanteam_domain::{AgencyId, TaskFilter, TaskFilterInput, TaskId, TaskSort, ValidationError};
use hanteam_store::audit::Change;
use hanteam_store::views::{DueMilestone, Overview, Page, TaskAgency, TaskDetail, TaskSummary};
use hanteam_store::writes::TaskRecord;
use hanteam_store::{Db, Tx};

use crate::{Caller, Result, Saved, UseCaseError};

pub(crate) fn task_not_found(id: TaskId) -> UseCaseError {
    UseCaseError::NotFound(format!("{id}번 과제"))
}

/// The task list for the given filters, as far as the caller may see. An agency that does not exist
/// is a bad filter, not an empty list.
pub async fn list(db: &Db, by: &Caller, input: &TaskFilterInput) -> Result<(TaskFilter, Page<TaskSummary>)> {
    let filter = TaskFilter::parse(input)?;
    let agency_id = filter_agency(db, &filter, input).await?;
    let mut page = db.list_tasks(&task_scope(by.principal()), &filter, agency_id).await?;
    db.with_lights(&mut page.items).await?;
    Ok((filter, page))
}

/// The agency a parsed filter names, by id: one that does not exist is a bad filter.
pub(crate) async fn filter_agency(db: &Db, filter: &TaskFilter, input: &TaskFilterInput) -> Result<Option<AgencyId>> {
    let Some(agency) = &filter.agency else { return Ok(None) };
    let found = db.find_agency(agency).await?.ok_or_else(|| {
        ValidationError::new(
            "agency",
            format!(
                "없는 기관입니다: '{}'. 기관 번호나 약칭(예: 환경부)을 입력해 주세요.",
                input.agency.as_deref().unwrap_or_default().trim()
            ),
        )
    })?;
    Ok(Some(found.id))
}

/// The descriptions of the tasks of a page the caller was given (a search result shows where its
/// words were found).
pub async fn descriptions(db: &Db, page: &Page<TaskSummary>) -> Result<HashMap<TaskId, String>> {
    let ids: Vec<TaskId> = page.items.iter().map(|t| t.id).collect();
    Ok(db.task_descriptions(&ids).await?)
}

/// The counts of the home page, of the tasks the caller may see.
pub async fn overview(db: &Db, by: &Caller) -> Result<Overview> {
    Ok(db.overview(&task_scope(by.principal())).await?)
}

/// A person's own work, shown first on their home page: their tasks by last change, and the
/// milestones of them not done that are overdue or due within [`DUE_SOON_DAYS`].
pub struct MyWork {
    pub tasks: Page<TaskSummary>,
    pub milestones: Vec<DueMilestone>,
    /// The day it was read (Korean time), against which "overdue" and "due soon" are told.
    pub today: NaiveDate,
    /// The task list's filter that lists all of them, when one does (all tasks for OPC, one
    /// agency's for its officer).
    pub whole_list: Option<TaskFilterInput>,
}

pub const DUE_SOON_DAYS: i64 = 14;
const MY_WORK_ROWS: i64 = 10;

/// `None` for the public and for a person with no tasks of their own (an auditor).
pub async fn my_work(db: &Db, by: &Caller, now: DateTime<Utc>) -> Result<Option<MyWork>> {
    let Some(scope) = by.principal().and_then(access::work_scope) else { return Ok(None) };
    let filter = TaskFilter { sort: Some(TaskSort::Updated), limit: MY_WORK_ROWS, ..TaskFilter::default() };
    let mut tasks = db.list_tasks(&scope, &filter, None).await?;
    db.with_lights(&mut tasks.items).await?;
    let today = kst_date(now);
    let milestones = db.milestones_due(&scope, today + Days::new(DUE_SOON_DAYS as u64), MY_WORK_ROWS).await?;
    let by_updated = TaskFilterInput { sort: Some(TaskSort::Updated.as_str().into()), ..TaskFilterInput::default() };
    let whole_list = match &scope {
        TaskScope::All => Some(by_updated),
        TaskScope::Limited { agency_ids, position_ids, evaluator_id: None, .. }
            if agency_ids.len() == 1 && position_ids.is_empty() =>
        {
            Some(TaskFilterInput { agency: Some(agency_ids[0].to_string()), ..by_updated })
        }
        _ => None,
    };
    Ok(Some(MyWork { tasks, milestones, today, whole_list }))
}

/// What access rules need about a task the caller may see; a task they may not see is "not
/// found", so its existence is not disclosed.
pub(crate) async fn visible(db: &Db, by: &Caller, id: TaskId) -> Result<TaskAccess> {
    let t = db.task_access(id).await?.ok_or_else(|| task_not_found(id))?;
    if access::can_view_task(by.principal(), &t) {
        Ok(t)
    } else {
        Err(task_not_found(id))
    }
}

/// As [`visible`], inside a change: the task's row is locked, so the rules are asked of the task as
/// it is while the change is made.
pub(crate) async fn visible_in(tx: &mut Tx, by: &Caller, id: TaskId) -> Result<TaskAccess> {
    let t = tx.task_access(id).await?.ok_or_else(|| task_not_found(id))?;
    if access::can_view_task(by.principal(), &t) {
        Ok(t)
    } else {
        Err(task_not_found(id))
    }
}

/// One task in full, if the caller may see it.
pub async fn detail(db: &Db, by: &Caller, id: TaskId) -> Result<TaskDetail> {
    let t = visible(db, by, id).await?;
    let mut task = db.get_task(id).await?.ok_or_else(|| task_not_found(id))?;
    db.with_lights(std::slice::from_mut(&mut task.summary)).await?;
    if access::can_see_internal_record(by.principal(), &t) {
        task.reveal_participation_reasons();
    }
    Ok(task)
}

/// What the caller may change on a task they see.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskPermissions {
    /// Edit and archive the task.
    pub manage: bool,
    /// Add, change and remove KPIs and milestones.
    pub progress: bool,
    /// Add, change and remove procedures, and write memos.
    pub collaborate: bool,
    /// See the task's memos (its internal record).
    pub memos: bool,
    /// The agencies whose role text they may change.
    pub roles: Vec<AgencyId>,
    /// The lifecycle moves they may make now.
    pub moves: Vec<hanteam_domain::TaskAction>,
    /// Edit the proposal (its fields and co-agencies): a proposal's proposer or OPC.
    pub edit_proposal: bool,
    /// The co-agencies whose participation they may answer for now.
    pub answers: Vec<AgencyId>,
}

/// A task and what the caller may change on it (the task page shows those as links).
pub struct TaskWithPermissions {
    pub task: TaskDetail,
    pub may: TaskPermissions,
}

pub async fn with_permissions(db: &Db, by: &Caller, id: TaskId) -> Result<TaskWithPermissions> {
    let t = visible(db, by, id).await?;
    let mut task = db.get_task(id).await?.ok_or_else(|| task_not_found(id))?;
    db.with_lights(std::slice::from_mut(&mut task.summary)).await?;
    let may = match by.principal() {
        None => TaskPermissions::default(),
        Some(p) => {
            let ok = |change| access::may_change_task(p, &t, change).is_ok();
            TaskPermissions {
                manage: ok(TaskChange::Manage),
                progress: ok(TaskChange::Progress),
                collaborate: ok(TaskChange::Collaborate),
                memos: access::can_see_internal_record(Some(p), &t),
                roles: task.summary.agencies.iter().map(|a| a.id).filter(|a| ok(TaskChange::AgencyRole(*a))).collect(),
                moves: hanteam_domain::lifecycle::moves_for(Some(p), &t),
                edit_proposal: t.status == hanteam_domain::TaskStatus::Proposed
                    && access::may_edit_proposal(p, &t).is_ok(),
                answers: if t.status == hanteam_domain::TaskStatus::Proposed {
                    let lead = task.summary.lead_agency.as_ref().map(|l| l.id);
                    task.summary
                        .agencies
                        .iter()
                        .map(|a| a.id)
                        .filter(|a| Some(*a) != lead && access::may_answer_participation(p, &t, *a).is_ok())
                        .collect()
                } else {
                    vec![]
                },
            }
        }
    };
    Ok(TaskWithPermissions { task, may })
}

/// A task the caller is about to change (a form to fill in), once they may make `change` to it.
pub async fn open_for(db: &Db, by: &Caller, id: TaskId, change: TaskChange) -> Result<TaskDetail> {
    let p = by.signed_in()?;
    let t = visible(db, by, id).await?;
    access::may_change_task(p, &t, change)?;
    db.get_task(id).await?.ok_or_else(|| task_not_found(id))
}

/// Whether the caller may register a new task.
pub fn may_create(by: &Caller) -> Result<()> {
    if access::can_manage_task(by.signed_in()?) {
        Ok(())
    } else {
        Err(UseCaseError::forbidden())
    }
}

/// A task's pair and lead agency must exist.
async fn check_refs(tx: &mut Tx, d: &TaskDraft) -> Result<()> {
    if let Some(pair) = d.pair_id {
        if !tx.pair_exists(pair).await? {
            return Err(UseCaseError::invalid("pair_id", "없는 교류직위 쌍입니다. 목록에서 골라 주세요."));
        }
    }
    if let Some(agency) = d.lead_agency_id {
        if !tx.agency_exists(agency).await? {
            return Err(UseCaseError::invalid("lead_agency_id", "없는 기관입니다. 목록에서 골라 주세요."));
        }
    }
    Ok(())
}

pub(crate) async fn task_record(tx: &mut Tx, id: TaskId) -> Result<TaskRecord> {
    tx.load::<TaskRecord>(id).await?.ok_or_else(|| task_not_found(id))
}

/// Registers a task (OPC). It starts as found (발굴) unless a status is given; a task of a pair gets
/// both agencies of the pair.
pub async fn create(db: &Db, by: &Caller, input: &TaskInput) -> Result<Saved> {
    may_create(by)?;
    let draft = TaskDraft::parse_new(input)?;
    let mut tx = db.begin().await?;
    check_refs(&mut tx, &draft).await?;
    let agencies = match draft.pair_id {
        Some(pair) => tx.pair_agencies(pair).await?,
        None => vec![],
    };
    check_lead_agency(draft.lead_agency_id, &agencies)?;
    let id = tx.insert_task(&draft).await?;
    let after = task_record(&mut tx, id).await?;
    tx.audit(&by.actor, Change::created(AuditAction::TaskCreate, &after)).await?;
    tx.commit().await?;
    Ok(Saved { id: id.get(), version: after.version })
}

/// Edits a task's own fields (OPC); a status change must be a lifecycle move.
pub async fn update(db: &Db, by: &Caller, id: TaskId, input: &TaskInput) -> Result<Saved> {
    let p = by.signed_in()?;
    let mut tx = db.begin().await?;
    let t = visible_in(&mut tx, by, id).await?;
    access::may_change_task(p, &t, TaskChange::Manage)?;
    let (draft, version) = TaskDraft::parse_edit(input, t.status)?;
    check_refs(&mut tx, &draft).await?;
    let before = task_record(&mut tx, id).await?;
    let mut agencies = tx.task_agency_ids(id).await?;
    let joining = match draft.pair_id.filter(|p| before.pair_id != Some(p.get())) {
        Some(pair) => agencies_joining_with_pair(&agencies, &tx.pair_agencies(pair).await?),
        None => vec![],
    };
    agencies.extend(&joining);
    check_lead_agency(draft.lead_agency_id, &agencies)?;
    let version =
        tx.update_task(id, version, &draft).await?.ok_or(UseCaseError::Stale { current_version: before.version })?;
    let after = task_record(&mut tx, id).await?;
    tx.audit(&by.actor, Change::updated(AuditAction::TaskUpdate, &before, &after)).await?;
    if !joining.is_empty() {
        for role in tx.add_task_agencies(id, &joining).await? {
            tx.audit(&by.actor, Change::created(AuditAction::TaskRoleCreate, &role)).await?;
        }
    }
    tx.commit().await?;
    Ok(Saved { id: id.get(), version })
}

/// Archives a task (OPC): it leaves lists and public views; it is never deleted.
pub async fn archive(db: &Db, by: &Caller, id: TaskId, input: &VersionInput) -> Result<Saved> {
    let p = by.signed_in()?;
    let mut tx = db.begin().await?;
    let t = visible_in(&mut tx, by, id).await?;
    access::may_change_task(p, &t, TaskChange::Manage)?;
    let version = parse_version(input)?;
    let before = task_record(&mut tx, id).await?;
    let version = tx.archive_task(id, version).await?.ok_or(UseCaseError::Stale { current_version: before.version })?;
    let after = task_record(&mut tx, id).await?;
    tx.audit(&by.actor, Change::updated(AuditAction::TaskArchive, &before, &after)).await?;
    tx.commit().await?;
    Ok(Saved { id: id.get(), version })
}

fn not_in_task() -> UseCaseError {
    UseCaseError::NotFound("이 과제에 참여하는 해당 기관".into())
}

/// The task and one of its agencies, for the form that changes that agency's role.
pub async fn open_role(db: &Db, by: &Caller, id: TaskId, agency: AgencyId) -> Result<(TaskDetail, TaskAgency)> {
    let p = by.signed_in()?;
    let t = visible(db, by, id).await?;
    if !t.agency_ids.contains(&agency) {
        return Err(not_in_task());
    }
    access::may_change_task(p, &t, TaskChange::AgencyRole(agency))?;
    let task = db.get_task(id).await?.ok_or_else(|| task_not_found(id))?;
    let role = task.summary.agencies.iter().find(|a| a.id == agency).cloned().ok_or_else(not_in_task)?;
    Ok((task, role))
}

/// Sets what one agency does in a task: OPC, or an officer of that agency. Empty text clears it.
/// `Saved` names the agency and the new version of its part.
pub async fn set_role(db: &Db, by: &Caller, id: TaskId, agency: AgencyId, input: &RoleInput) -> Result<Saved> {
    let p = by.signed_in()?;
    let mut tx = db.begin().await?;
    let t = visible_in(&mut tx, by, id).await?;
    if !t.agency_ids.contains(&agency) {
        return Err(not_in_task());
    }
    access::may_change_task(p, &t, TaskChange::AgencyRole(agency))?;
    let (role, version) = parse_role(input)?;
    let before = tx.agency_role(id, agency).await?.ok_or_else(not_in_task)?;
    let row = hanteam_store::writes::RoleRowId(before.id);
    let version = tx
        .set_agency_role(row, version, role.as_deref())
        .await?
        .ok_or(UseCaseError::Stale { current_version: before.version })?;
    let after = tx.load(row).await?.ok_or_else(not_in_task)?;
    tx.audit(&by.actor, Change::updated(AuditAction::TaskRoleUpdate, &before, &after)).await?;
    tx.commit().await?;
    Ok(Saved { id: agency.get(), version })
}
