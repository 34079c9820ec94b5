//! What the JSON API and the HTML pages both do: load, authorize, validate, write, and say what is
//! missing. Only the rendering differs between the two.

use hanteam_domain::access::{self, task_scope, TaskAccess};
use hanteam_domain::edit::{
    parse_agency_edit, parse_exchangee_edit, parse_pair_edit, parse_position_edit, parse_role, parse_version,
    AgencyInput, ExchangeeInput, KpiDraft, KpiInput, MilestoneDraft, MilestoneInput, PairInput, PositionInput,
    RoleInput, TaskDraft, TaskInput, VersionInput,
};
use hanteam_domain::{AgencyRef, TaskFilter, TaskFilterInput, ValidationError};
use hanteam_store::views::{Agency, ExchangePair, MeetingDetail, Overview, Page, TaskDetail, TaskSummary};
use hanteam_store::Db;

use crate::auth::Viewer;
use crate::error::{parse_id, AppError};

/// The task list for the given filters, as far as `viewer` may see. An agency that does not exist is
/// a bad filter, not an empty list.
pub async fn task_list(
    db: &Db,
    viewer: &Viewer,
    input: &TaskFilterInput,
) -> Result<(TaskFilter, Page<TaskSummary>), AppError> {
    let filter = TaskFilter::parse(input)?;
    let agency_id = match &filter.agency {
        None => None,
        Some(agency) => Some(
            db.find_agency(agency)
                .await?
                .ok_or_else(|| {
                    ValidationError::new(
                        "agency",
                        format!(
                            "기관 '{}'을(를) 찾을 수 없습니다. 기관 번호나 약칭(예: 환경부)을 입력해 주세요.",
                            input.agency.as_deref().unwrap_or_default().trim()
                        ),
                    )
                })?
                .id,
        ),
    };
    let page = db.list_tasks(&task_scope(viewer.principal()), &filter, agency_id).await?;
    Ok((filter, page))
}

pub async fn overview(db: &Db, viewer: &Viewer) -> Result<Overview, AppError> {
    Ok(db.overview(&task_scope(viewer.principal())).await?)
}

/// What access checks need about a task; a task the viewer may not see is "not found", so its
/// existence is not disclosed.
async fn visible_task(db: &Db, viewer: &Viewer, id: i64) -> Result<TaskAccess, AppError> {
    let not_found = || AppError::NotFound(format!("{id}번 과제"));
    let t = db.task_access(id).await?.ok_or_else(not_found)?;
    if access::can_view_task(viewer.principal(), &t) {
        Ok(t)
    } else {
        Err(not_found())
    }
}

pub async fn task(db: &Db, viewer: &Viewer, raw_id: &str) -> Result<TaskDetail, AppError> {
    let id = parse_id(raw_id, "과제")?;
    visible_task(db, viewer, id).await?;
    db.get_task(id).await?.ok_or_else(|| AppError::NotFound(format!("{id}번 과제")))
}

pub async fn meeting(db: &Db, raw_id: &str) -> Result<MeetingDetail, AppError> {
    let id = parse_id(raw_id, "회의")?;
    db.get_meeting(id).await?.ok_or_else(|| AppError::NotFound(format!("{id}번 회의")))
}

/// An agency with the exchange pairs it takes part in and its tasks (all of them, in annex order).
pub struct AgencyPage {
    pub agency: Agency,
    pub pairs: Vec<ExchangePair>,
    pub tasks: Page<TaskSummary>,
}

/// An agency by id or short name (`/agencies/환경부` works as well as `/agencies/4`).
pub async fn agency(db: &Db, viewer: &Viewer, raw: &str) -> Result<AgencyPage, AppError> {
    let agency =
        db.find_agency(&AgencyRef::parse(raw)).await?.ok_or_else(|| AppError::NotFound(format!("기관 '{raw}'")))?;
    let pairs = db.pairs_of_agency(agency.id).await?;
    let all = TaskFilter { limit: hanteam_domain::task_filter::MAX_LIMIT, ..TaskFilter::default() };
    let tasks = db.list_tasks(&task_scope(viewer.principal()), &all, Some(agency.id)).await?;
    Ok(AgencyPage { agency, pairs, tasks })
}

fn allow(ok: bool) -> Result<(), AppError> {
    if ok {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

// ---------------------------------------------------------------------------------------------
// Writes. Each: who is asking → may they → is the input right → write (version-checked, audited).

pub async fn create_task(db: &Db, viewer: &Viewer, input: &TaskInput) -> Result<i64, AppError> {
    allow(access::can_manage_task(viewer.require()?))?;
    let draft = TaskDraft::parse_new(input)?;
    Ok(db.create_task(&viewer.actor(), &draft).await?)
}

/// Returns the task's new version.
pub async fn update_task(db: &Db, viewer: &Viewer, raw_id: &str, input: &TaskInput) -> Result<i64, AppError> {
    let id = parse_id(raw_id, "과제")?;
    let t = visible_task(db, viewer, id).await?;
    let p = viewer.require()?;
    allow(access::can_manage_task(p))?;
    let (draft, version) = TaskDraft::parse_edit(input, t.status)?;
    Ok(db.update_task(&viewer.actor(), id, &draft, version, &|_| access::can_manage_task(p)).await?)
}

pub async fn archive_task(db: &Db, viewer: &Viewer, raw_id: &str, input: &VersionInput) -> Result<i64, AppError> {
    let id = parse_id(raw_id, "과제")?;
    visible_task(db, viewer, id).await?;
    let p = viewer.require()?;
    allow(access::can_manage_task(p))?;
    let version = parse_version(input)?;
    Ok(db.archive_task(&viewer.actor(), id, version, &|_| access::can_manage_task(p)).await?)
}

/// Sets one agency's role text in a task. Returns the role's new version.
pub async fn set_role(
    db: &Db,
    viewer: &Viewer,
    raw_task: &str,
    raw_agency: &str,
    input: &RoleInput,
) -> Result<i64, AppError> {
    let task_id = parse_id(raw_task, "과제")?;
    let agency_id = parse_id(raw_agency, "기관")?;
    let t = visible_task(db, viewer, task_id).await?;
    if !t.agency_ids.contains(&agency_id) {
        return Err(AppError::NotFound("이 과제에 참여하는 해당 기관".into()));
    }
    let p = viewer.require()?;
    allow(access::can_write_agency_role(p, &t, agency_id))?;
    let (role, version) = parse_role(input)?;
    let rule = |now: &TaskAccess| access::can_write_agency_role(p, now, agency_id);
    Ok(db.set_agency_role(&viewer.actor(), task_id, agency_id, role.as_deref(), version, &rule).await?)
}

/// Whether the viewer may report progress on the task (KPIs, milestones); checked again inside the
/// write with [`progress_rule`].
async fn progress_task(db: &Db, viewer: &Viewer, task_id: i64) -> Result<(), AppError> {
    let t = visible_task(db, viewer, task_id).await?;
    allow(progress_rule(viewer)?(&t))
}

fn progress_rule(viewer: &Viewer) -> Result<impl Fn(&TaskAccess) -> bool + Sync + '_, AppError> {
    let p = viewer.require()?;
    Ok(move |t: &TaskAccess| access::can_write_progress(p, t))
}

pub async fn add_kpi(db: &Db, viewer: &Viewer, raw_task: &str, input: &KpiInput) -> Result<i64, AppError> {
    let task_id = parse_id(raw_task, "과제")?;
    progress_task(db, viewer, task_id).await?;
    let draft = KpiDraft::parse(input)?;
    Ok(db.add_kpi(&viewer.actor(), task_id, &draft, &progress_rule(viewer)?).await?)
}

/// The task a KPI belongs to, once the viewer may write its progress.
pub async fn kpi_task(db: &Db, viewer: &Viewer, raw_kpi: &str) -> Result<(i64, i64), AppError> {
    let id = parse_id(raw_kpi, "성과지표")?;
    let task_id = db.kpi_task(id).await?.ok_or_else(|| AppError::NotFound(format!("{id}번 성과지표")))?;
    progress_task(db, viewer, task_id).await?;
    Ok((id, task_id))
}

pub async fn update_kpi(db: &Db, viewer: &Viewer, raw_kpi: &str, input: &KpiInput) -> Result<i64, AppError> {
    let (id, _) = kpi_task(db, viewer, raw_kpi).await?;
    let (draft, version) = KpiDraft::parse_edit(input)?;
    Ok(db.update_kpi(&viewer.actor(), id, &draft, version, &progress_rule(viewer)?).await?)
}

pub async fn remove_kpi(db: &Db, viewer: &Viewer, raw_kpi: &str, input: &VersionInput) -> Result<i64, AppError> {
    let (id, task_id) = kpi_task(db, viewer, raw_kpi).await?;
    db.remove_kpi(&viewer.actor(), id, parse_version(input)?, &progress_rule(viewer)?).await?;
    Ok(task_id)
}

pub async fn add_milestone(db: &Db, viewer: &Viewer, raw_task: &str, input: &MilestoneInput) -> Result<i64, AppError> {
    let task_id = parse_id(raw_task, "과제")?;
    progress_task(db, viewer, task_id).await?;
    let draft = MilestoneDraft::parse(input)?;
    Ok(db.add_milestone(&viewer.actor(), task_id, &draft, &progress_rule(viewer)?).await?)
}

pub async fn milestone_task(db: &Db, viewer: &Viewer, raw_milestone: &str) -> Result<(i64, i64), AppError> {
    let id = parse_id(raw_milestone, "추진일정")?;
    let task_id = db.milestone_task(id).await?.ok_or_else(|| AppError::NotFound(format!("{id}번 추진일정")))?;
    progress_task(db, viewer, task_id).await?;
    Ok((id, task_id))
}

pub async fn update_milestone(
    db: &Db,
    viewer: &Viewer,
    raw_milestone: &str,
    input: &MilestoneInput,
) -> Result<i64, AppError> {
    let (id, _) = milestone_task(db, viewer, raw_milestone).await?;
    let (draft, version) = MilestoneDraft::parse_edit(input)?;
    Ok(db.update_milestone(&viewer.actor(), id, &draft, version, &progress_rule(viewer)?).await?)
}

pub async fn remove_milestone(
    db: &Db,
    viewer: &Viewer,
    raw_milestone: &str,
    input: &VersionInput,
) -> Result<i64, AppError> {
    let (id, task_id) = milestone_task(db, viewer, raw_milestone).await?;
    db.remove_milestone(&viewer.actor(), id, parse_version(input)?, &progress_rule(viewer)?).await?;
    Ok(task_id)
}

fn registry_editor(viewer: &Viewer) -> Result<(), AppError> {
    allow(access::can_edit_registry(viewer.require()?))
}

pub async fn update_agency(db: &Db, viewer: &Viewer, raw_id: &str, input: &AgencyInput) -> Result<i64, AppError> {
    registry_editor(viewer)?;
    let id = parse_id(raw_id, "기관")?;
    let (draft, version) = parse_agency_edit(input)?;
    Ok(db.update_agency(&viewer.actor(), id, &draft, version).await?)
}

pub async fn update_position(db: &Db, viewer: &Viewer, raw_id: &str, input: &PositionInput) -> Result<i64, AppError> {
    registry_editor(viewer)?;
    let id = parse_id(raw_id, "교류직위")?;
    let (draft, version) = parse_position_edit(input)?;
    Ok(db.update_position(&viewer.actor(), id, &draft, version).await?)
}

pub async fn update_pair(db: &Db, viewer: &Viewer, raw_id: &str, input: &PairInput) -> Result<i64, AppError> {
    registry_editor(viewer)?;
    let id = parse_id(raw_id, "교류직위 쌍")?;
    let (theme, version) = parse_pair_edit(input)?;
    Ok(db.update_pair(&viewer.actor(), id, &theme, version).await?)
}

pub async fn update_exchangee(db: &Db, viewer: &Viewer, raw_id: &str, input: &ExchangeeInput) -> Result<i64, AppError> {
    registry_editor(viewer)?;
    let id = parse_id(raw_id, "교류자")?;
    let (draft, version) = parse_exchangee_edit(input)?;
    Ok(db.update_exchangee(&viewer.actor(), id, &draft, version).await?)
}
