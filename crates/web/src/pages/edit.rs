//! The forms that change records: a task, its agencies' roles, its KPIs and milestones, and the
//! registry (agencies, exchange positions, pairs, exchangees).
//!
//! A GET shows the form, but only to someone who may make the change (else the 403 page); a POST
//! writes through `shared` (which checks again), then answers 303 to the page that shows the record
//! with `?saved=1`, or shows the form again with the user's input (400 wrong input, 409 conflict).

use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use hanteam_domain::access::{self, TaskAccess};
use hanteam_domain::edit::{
    AgencyInput, ExchangeeInput, KpiInput, MilestoneInput, PairInput, PositionInput, RoleInput, TaskInput, VersionInput,
};
use hanteam_domain::task::can_move;
use hanteam_domain::{AgencyRef, PositionLevel, TaskSource, TaskStatus, TaskType};
use hanteam_store::views::{Agency, ExchangePair, Exchangee, Kpi, Milestone, Position, TaskAgency, TaskDetail};
use hanteam_store::Db;

use super::form::{conclude, form_input, ConfirmPage, Fact, Field, FormPage, FormView, Hidden};
use super::*;
use crate::error::{parse_id, AppError};
use crate::{shared, AppState};

fn allow(ok: bool) -> Result<(), AppError> {
    if ok {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

const ARCHIVED: &str = "보관된 과제는 고칠 수 없습니다. 보관된 과제와 그 기록은 감사기록과 함께 그대로 남습니다.";

fn version_field(v: &Option<String>) -> Vec<Hidden> {
    vec![Hidden { name: "version", value: v.clone().unwrap_or_default() }]
}

fn opt_string<T: ToString>(v: Option<T>) -> Option<String> {
    v.map(|v| v.to_string())
}

/// Options of a select that always has a value (no "none" option); `default` is chosen when the
/// input is empty.
fn plain_options(raw: &str, default: &str, known: Vec<(String, String)>) -> Vec<Opt> {
    let chosen = if raw.is_empty() { default } else { raw };
    let found = known.iter().any(|(v, _)| v == chosen);
    let mut opts: Vec<Opt> =
        known.into_iter().map(|(value, label)| Opt { selected: value == chosen, value, label }).collect();
    if !found {
        opts.push(Opt { value: chosen.into(), label: format!("{chosen} (알 수 없는 값)"), selected: true });
    }
    opts
}

/// 홈 > 협업과제 목록 > the task > `title`.
fn task_layout(cx: &Ctx, task: &TaskDetail, title: &str) -> Layout {
    let parent = (task.summary.title.clone(), format!("/tasks/{}", task.summary.id));
    Layout::nested(cx, Section::Tasks, vec![parent], title)
}

fn task_href(task: &TaskDetail) -> String {
    format!("/tasks/{}", task.summary.id)
}

fn saved_task(task_id: i64) -> String {
    format!("/tasks/{task_id}?saved=1")
}

/// The task (as far as the viewer may see it) with what access checks need; an archived task
/// cannot be changed.
async fn open_task(db: &Db, cx: &Ctx, raw_id: &str) -> Result<(TaskDetail, TaskAccess), AppError> {
    let task = shared::task(db, &cx.viewer, raw_id).await?;
    let access = db
        .task_access(task.summary.id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("{}번 과제", task.summary.id)))?;
    if access.archived {
        return Err(AppError::Forbidden(ARCHIVED.into()));
    }
    Ok((task, access))
}

// ---------------------------------------------------------------------------------------------
// Tasks: new, edit, archive.

struct TaskChoices {
    agencies: Vec<Agency>,
    pairs: Vec<ExchangePair>,
}

async fn task_choices(db: &Db) -> Result<TaskChoices, AppError> {
    Ok(TaskChoices { agencies: db.list_agencies().await?, pairs: db.list_pairs().await? })
}

fn task_input(t: &TaskDetail) -> TaskInput {
    TaskInput {
        title: Some(t.summary.title.clone()),
        task_type: t.summary.task_type.map(|v| v.as_str().to_string()),
        source: Some(t.summary.source.as_str().to_string()),
        status: Some(t.summary.status.as_str().to_string()),
        description: t.description.clone(),
        pair_id: opt_string(t.summary.pair_id),
        lead_agency_id: t.lead_agency.as_ref().map(|a| a.id.to_string()),
        version: Some(t.version.to_string()),
    }
}

/// `current`: the status of the task being edited (it may only make a lifecycle move); `None` for a
/// new task.
fn task_fields(input: &TaskInput, choices: &TaskChoices, current: Option<TaskStatus>) -> Vec<Field> {
    let types = TaskType::ALL.iter().map(|t| (t.as_str().to_string(), t.label_ko().to_string())).collect();
    let sources = TaskSource::ALL.iter().map(|s| (s.as_str().to_string(), s.label_ko().to_string())).collect();
    let statuses = TaskStatus::ALL
        .iter()
        .filter(|s| current.is_none_or(|c| **s == c || can_move(c, **s)))
        .map(|s| {
            let label = if Some(*s) == current {
                format!("{} (지금 상태)", s.label_ko())
            } else {
                s.label_ko().to_string()
            };
            (s.as_str().to_string(), label)
        })
        .collect();
    let status_default = current.unwrap_or(TaskStatus::Proposed).as_str();
    let status_hint = if current.is_some() {
        "지금 상태와, 지금 상태에서 옮길 수 있는 상태만 고를 수 있습니다."
    } else {
        "새 과제는 보통 '발굴'로 등록하고, 협업과제점검협의회에서 확정되면 '확정'으로 바꿉니다."
    };
    let pairs = choices.pairs.iter().map(|p| (p.id.to_string(), format!("연번 {}. {}", p.seq, p.theme))).collect();
    let agencies =
        choices.agencies.iter().map(|a| (a.id.to_string(), format!("{} ({})", a.short_name, a.name))).collect();
    vec![
        Field::text("title", "과제명", &input.title).required().hint("200자 이내로 적습니다."),
        Field::select("type", "과제 유형", options_with("미정", trimmed(&input.task_type), types)),
        Field::select("source", "출처", plain_options(trimmed(&input.source), TaskSource::Exchange.as_str(), sources)),
        Field::select("status", "상태", plain_options(trimmed(&input.status), status_default, statuses))
            .hint(status_hint),
        Field::select("pair_id", "교류직위 쌍", options_with("없음", trimmed(&input.pair_id), pairs))
            .hint("과제를 추진하는 교류직위 쌍입니다. 고르면 그 쌍의 두 기관이 참여 기관이 됩니다."),
        Field::select("lead_agency_id", "주관 기관", options_with("미정", trimmed(&input.lead_agency_id), agencies)),
        Field::textarea("description", "과제 내용", &input.description, 8)
            .hint("5,000자 이내로 적습니다. 줄을 바꾸면 문단이 나뉩니다."),
    ]
}

fn task_form_page(cx: &Ctx, choices: &TaskChoices, input: &TaskInput, existing: Option<&TaskDetail>) -> FormPage {
    match existing {
        None => FormPage {
            layout: Layout::detail(cx, Section::Tasks, "새 과제 등록"),
            heading: "새 과제 등록".into(),
            context: vec![],
            intro: vec!["새 협업과제를 등록합니다. 등록한 과제는 '발굴' 상태에서는 공개 화면에 나타나지 않고, 확정된 뒤에 공개됩니다.".into()],
            alert: None,
            form: FormView {
                action: "/tasks".into(),
                csrf: cx.csrf(),
                hidden: vec![],
                fields: task_fields(input, choices, None),
                submit: "저장",
                cancel: "/tasks".into(),
            },
            reload: "/tasks/new".into(),
        },
        Some(t) => FormPage {
            layout: task_layout(cx, t, "과제 수정"),
            heading: "과제 수정".into(),
            context: vec![Fact::new("과제", t.summary.title.clone()), Fact::new("번호", t.summary.seq.to_string())],
            intro: vec![],
            alert: None,
            form: FormView {
                action: format!("/tasks/{}/edit", t.summary.id),
                csrf: cx.csrf(),
                hidden: version_field(&input.version),
                fields: task_fields(input, choices, Some(t.summary.status)),
                submit: "저장",
                cancel: task_href(t),
            },
            reload: format!("/tasks/{}/edit", t.summary.id),
        },
    }
}

fn may_manage_tasks(cx: &Ctx) -> Result<(), AppError> {
    allow(access::can_manage_task(cx.viewer.require()?))
}

pub(super) async fn task_new_form(State(state): State<AppState>, cx: Ctx) -> Response {
    let result = async {
        may_manage_tasks(&cx)?;
        let choices = task_choices(&state.db).await?;
        let input = TaskInput {
            source: Some(TaskSource::Exchange.as_str().into()),
            status: Some(TaskStatus::Proposed.as_str().into()),
            ..TaskInput::default()
        };
        Ok(task_form_page(&cx, &choices, &input, None))
    }
    .await;
    respond(result, &cx)
}

pub(super) async fn task_create(
    State(state): State<AppState>,
    cx: Ctx,
    form: Result<Form<TaskInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let page = async {
        may_manage_tasks(&cx)?;
        Ok(task_form_page(&cx, &task_choices(db).await?, &input, None))
    }
    .await;
    let page = match page {
        Ok(p) => p,
        Err(e) => return error_page(e, &cx),
    };
    let result = shared::create_task(db, &cx.viewer, &input).await.map(saved_task);
    conclude(&cx, page, result)
}

pub(super) async fn task_edit_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = async {
        let (task, _) = open_task(&state.db, &cx, &id).await?;
        may_manage_tasks(&cx)?;
        Ok(task_form_page(&cx, &task_choices(&state.db).await?, &task_input(&task), Some(&task)))
    }
    .await;
    respond(result, &cx)
}

pub(super) async fn task_edit(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<TaskInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let page = async {
        let (task, _) = open_task(db, &cx, &id).await?;
        may_manage_tasks(&cx)?;
        Ok((task.summary.id, task_form_page(&cx, &task_choices(db).await?, &input, Some(&task))))
    }
    .await;
    let (task_id, page) = match page {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let result = shared::update_task(db, &cx.viewer, &id, &input).await.map(|_| saved_task(task_id));
    conclude(&cx, page, result)
}

fn archive_page(cx: &Ctx, task: &TaskDetail, version: &Option<String>) -> ConfirmPage {
    ConfirmPage {
        layout: task_layout(cx, task, "과제 보관"),
        heading: "과제 보관".into(),
        context: vec![Fact::new("과제", task.summary.title.clone()), Fact::new("번호", task.summary.seq.to_string())],
        message: vec![
            "이 과제를 보관합니다. 목록과 공개 화면에서 사라지지만 삭제되지는 않으며 감사기록에 남습니다.".into(),
            "보관한 과제는 더 고칠 수 없습니다.".into(),
        ],
        alert: None,
        action: format!("/tasks/{}/archive", task.summary.id),
        csrf: cx.csrf(),
        version: version.clone().unwrap_or_default(),
        submit: "보관",
        cancel: task_href(task),
        reload: format!("/tasks/{}/archive", task.summary.id),
    }
}

pub(super) async fn task_archive_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = async {
        let (task, _) = open_task(&state.db, &cx, &id).await?;
        may_manage_tasks(&cx)?;
        Ok(archive_page(&cx, &task, &Some(task.version.to_string())))
    }
    .await;
    respond(result, &cx)
}

pub(super) async fn task_archive(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<VersionInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let page = async {
        let (task, _) = open_task(db, &cx, &id).await?;
        may_manage_tasks(&cx)?;
        Ok((task.summary.id, archive_page(&cx, &task, &input.version)))
    }
    .await;
    let (task_id, page) = match page {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let result = shared::archive_task(db, &cx.viewer, &id, &input).await.map(|_| saved_task(task_id));
    conclude(&cx, page, result)
}

// ---------------------------------------------------------------------------------------------
// An agency's role in a task.

/// The task and the agency whose role the viewer may change (else 403; an agency that does not
/// take part in the task is 404).
async fn role_target(
    db: &Db,
    cx: &Ctx,
    raw_task: &str,
    raw_agency: &str,
) -> Result<(TaskDetail, TaskAgency), AppError> {
    let (task, access) = open_task(db, cx, raw_task).await?;
    let agency_id = parse_id(raw_agency, "기관")?;
    let agency = task
        .summary
        .agencies
        .iter()
        .find(|a| a.id == agency_id)
        .cloned()
        .ok_or_else(|| AppError::NotFound("이 과제에 참여하는 해당 기관".into()))?;
    allow(access::can_write_agency_role(cx.viewer.require()?, &access, agency_id))?;
    Ok((task, agency))
}

fn role_page(cx: &Ctx, task: &TaskDetail, agency: &TaskAgency, input: &RoleInput) -> FormPage {
    let title = format!("{} 역할 수정", agency.short_name);
    let action = format!("/tasks/{}/roles/{}", task.summary.id, agency.id);
    FormPage {
        layout: task_layout(cx, task, &title),
        heading: title,
        context: vec![Fact::new("과제", task.summary.title.clone()), Fact::new("기관", agency.short_name.clone())],
        intro: vec![format!("이 과제에서 이 기관({})이 맡는 일을 적습니다.", agency.short_name)],
        alert: None,
        form: FormView {
            action: action.clone(),
            csrf: cx.csrf(),
            hidden: version_field(&input.version),
            fields: vec![Field::textarea("role", &format!("{} 역할", agency.short_name), &input.role, 5)
                .hint("1,000자 이내로 적습니다. 비워 두면 '미정'으로 표시됩니다.")],
            submit: "저장",
            cancel: task_href(task),
        },
        reload: action,
    }
}

pub(super) async fn role_form(
    State(state): State<AppState>,
    cx: Ctx,
    Path((id, agency_id)): Path<(String, String)>,
) -> Response {
    let result = async {
        let (task, agency) = role_target(&state.db, &cx, &id, &agency_id).await?;
        let input = RoleInput { role: agency.role.clone(), version: Some(agency.role_version.to_string()) };
        Ok(role_page(&cx, &task, &agency, &input))
    }
    .await;
    respond(result, &cx)
}

pub(super) async fn role_edit(
    State(state): State<AppState>,
    cx: Ctx,
    Path((id, agency_id)): Path<(String, String)>,
    form: Result<Form<RoleInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let (task_id, page) = match role_target(db, &cx, &id, &agency_id).await {
        Ok((task, agency)) => (task.summary.id, role_page(&cx, &task, &agency, &input)),
        Err(e) => return error_page(e, &cx),
    };
    let result = shared::set_role(db, &cx.viewer, &id, &agency_id, &input).await.map(|_| saved_task(task_id));
    conclude(&cx, page, result)
}

// ---------------------------------------------------------------------------------------------
// KPIs (성과지표).

/// A task whose progress (KPIs, milestones) the viewer may write.
async fn progress_task(db: &Db, cx: &Ctx, raw_task: &str) -> Result<TaskDetail, AppError> {
    let (task, access) = open_task(db, cx, raw_task).await?;
    allow(access::can_write_progress(cx.viewer.require()?, &access))?;
    Ok(task)
}

async fn kpi_target(db: &Db, cx: &Ctx, raw_kpi: &str) -> Result<(TaskDetail, Kpi), AppError> {
    let (kpi_id, task_id) = shared::kpi_task(db, &cx.viewer, raw_kpi).await?;
    let task = shared::task(db, &cx.viewer, &task_id.to_string()).await?;
    let kpi = task
        .kpis
        .iter()
        .find(|k| k.id == kpi_id)
        .cloned()
        .ok_or_else(|| AppError::NotFound(format!("{kpi_id}번 성과지표")))?;
    Ok((task, kpi))
}

fn kpi_input(k: &Kpi) -> KpiInput {
    KpiInput {
        name: Some(k.name.clone()),
        baseline: opt_string(k.baseline),
        target: opt_string(k.target),
        unit: k.unit.clone(),
        due: k.due.map(iso_date),
        note: k.note.clone(),
        version: Some(k.version.to_string()),
    }
}

fn kpi_fields(input: &KpiInput) -> Vec<Field> {
    const NUMBER_HINT: &str = "숫자로 입력합니다(예: 1,500 또는 0.5). 모르면 비워 둡니다.";
    vec![
        Field::text("name", "지표명", &input.name).required(),
        Field::text("baseline", "기준값", &input.baseline).hint(NUMBER_HINT).autocomplete("off"),
        Field::text("target", "목표값", &input.target).hint(NUMBER_HINT).autocomplete("off"),
        Field::text("unit", "단위", &input.unit).hint("예: 건, %, 억원"),
        Field::date("due", "기한", &input.due),
        Field::textarea("note", "비고", &input.note, 3),
    ]
}

/// `kpi`: the KPI being edited; `None` to add one to `task`.
fn kpi_page(cx: &Ctx, task: &TaskDetail, kpi: Option<&Kpi>, input: &KpiInput) -> FormPage {
    let (title, action, hidden) = match kpi {
        None => ("성과지표 추가", format!("/tasks/{}/kpis", task.summary.id), vec![]),
        Some(k) => ("성과지표 수정", format!("/kpis/{}/edit", k.id), version_field(&input.version)),
    };
    let reload = match kpi {
        None => format!("/tasks/{}/kpis/new", task.summary.id),
        Some(_) => action.clone(),
    };
    FormPage {
        layout: task_layout(cx, task, title),
        heading: title.into(),
        context: vec![Fact::new("과제", task.summary.title.clone())],
        intro: vec![],
        alert: None,
        form: FormView {
            action,
            csrf: cx.csrf(),
            hidden,
            fields: kpi_fields(input),
            submit: "저장",
            cancel: task_href(task),
        },
        reload,
    }
}

pub(super) async fn kpi_new_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = progress_task(&state.db, &cx, &id).await.map(|task| kpi_page(&cx, &task, None, &KpiInput::default()));
    respond(result, &cx)
}

pub(super) async fn kpi_create(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<KpiInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let (task_id, page) = match progress_task(db, &cx, &id).await {
        Ok(task) => (task.summary.id, kpi_page(&cx, &task, None, &input)),
        Err(e) => return error_page(e, &cx),
    };
    let result = shared::add_kpi(db, &cx.viewer, &id, &input).await.map(|_| saved_task(task_id));
    conclude(&cx, page, result)
}

pub(super) async fn kpi_edit_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result =
        kpi_target(&state.db, &cx, &id).await.map(|(task, kpi)| kpi_page(&cx, &task, Some(&kpi), &kpi_input(&kpi)));
    respond(result, &cx)
}

pub(super) async fn kpi_edit(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<KpiInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let (task_id, page) = match kpi_target(db, &cx, &id).await {
        Ok((task, kpi)) => (task.summary.id, kpi_page(&cx, &task, Some(&kpi), &input)),
        Err(e) => return error_page(e, &cx),
    };
    let result = shared::update_kpi(db, &cx.viewer, &id, &input).await.map(|_| saved_task(task_id));
    conclude(&cx, page, result)
}

fn kpi_remove_page(cx: &Ctx, task: &TaskDetail, kpi: &Kpi, version: &Option<String>) -> ConfirmPage {
    ConfirmPage {
        layout: task_layout(cx, task, "성과지표 삭제"),
        heading: "성과지표 삭제".into(),
        context: vec![Fact::new("과제", task.summary.title.clone()), Fact::new("성과지표", kpi.name.clone())],
        message: vec![
            format!("성과지표 '{}'을(를) 삭제합니다. 과제 화면에서 사라집니다.", kpi.name),
            "삭제하기 전의 마지막 내용(지표명, 기준값, 목표값, 단위, 기한, 비고)은 감사기록에 남습니다.".into(),
        ],
        alert: None,
        action: format!("/kpis/{}/remove", kpi.id),
        csrf: cx.csrf(),
        version: version.clone().unwrap_or_default(),
        submit: "삭제",
        cancel: task_href(task),
        reload: format!("/kpis/{}/remove", kpi.id),
    }
}

pub(super) async fn kpi_remove_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = kpi_target(&state.db, &cx, &id)
        .await
        .map(|(task, kpi)| kpi_remove_page(&cx, &task, &kpi, &Some(kpi.version.to_string())));
    respond(result, &cx)
}

pub(super) async fn kpi_remove(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<VersionInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let page = match kpi_target(db, &cx, &id).await {
        Ok((task, kpi)) => kpi_remove_page(&cx, &task, &kpi, &input.version),
        Err(e) => return error_page(e, &cx),
    };
    let result = shared::remove_kpi(db, &cx.viewer, &id, &input).await.map(saved_task);
    conclude(&cx, page, result)
}

// ---------------------------------------------------------------------------------------------
// Milestones (추진일정).

async fn milestone_target(db: &Db, cx: &Ctx, raw: &str) -> Result<(TaskDetail, Milestone), AppError> {
    let (milestone_id, task_id) = shared::milestone_task(db, &cx.viewer, raw).await?;
    let task = shared::task(db, &cx.viewer, &task_id.to_string()).await?;
    let m = task
        .milestones
        .iter()
        .find(|m| m.id == milestone_id)
        .cloned()
        .ok_or_else(|| AppError::NotFound(format!("{milestone_id}번 추진일정")))?;
    Ok((task, m))
}

fn milestone_input(m: &Milestone) -> MilestoneInput {
    MilestoneInput {
        title: Some(m.title.clone()),
        due: m.due.map(iso_date),
        done_on: m.done_on.map(iso_date),
        note: m.note.clone(),
        version: Some(m.version.to_string()),
    }
}

fn milestone_fields(input: &MilestoneInput) -> Vec<Field> {
    vec![
        Field::text("title", "일정", &input.title).required().hint("예: 산업단지계획 승인"),
        Field::date("due", "기한", &input.due),
        Field::date("done_on", "완료일", &input.done_on)
            .hint("2024-06-30 처럼 연-월-일로 입력합니다. 끝나지 않았으면 비워 둡니다."),
        Field::textarea("note", "비고", &input.note, 3),
    ]
}

fn milestone_page(cx: &Ctx, task: &TaskDetail, m: Option<&Milestone>, input: &MilestoneInput) -> FormPage {
    let (title, action, hidden) = match m {
        None => ("추진일정 추가", format!("/tasks/{}/milestones", task.summary.id), vec![]),
        Some(m) => ("추진일정 수정", format!("/milestones/{}/edit", m.id), version_field(&input.version)),
    };
    let reload = match m {
        None => format!("/tasks/{}/milestones/new", task.summary.id),
        Some(_) => action.clone(),
    };
    FormPage {
        layout: task_layout(cx, task, title),
        heading: title.into(),
        context: vec![Fact::new("과제", task.summary.title.clone())],
        intro: vec![],
        alert: None,
        form: FormView {
            action,
            csrf: cx.csrf(),
            hidden,
            fields: milestone_fields(input),
            submit: "저장",
            cancel: task_href(task),
        },
        reload,
    }
}

pub(super) async fn milestone_new_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = progress_task(&state.db, &cx, &id)
        .await
        .map(|task| milestone_page(&cx, &task, None, &MilestoneInput::default()));
    respond(result, &cx)
}

pub(super) async fn milestone_create(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<MilestoneInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let (task_id, page) = match progress_task(db, &cx, &id).await {
        Ok(task) => (task.summary.id, milestone_page(&cx, &task, None, &input)),
        Err(e) => return error_page(e, &cx),
    };
    let result = shared::add_milestone(db, &cx.viewer, &id, &input).await.map(|_| saved_task(task_id));
    conclude(&cx, page, result)
}

pub(super) async fn milestone_edit_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = milestone_target(&state.db, &cx, &id)
        .await
        .map(|(task, m)| milestone_page(&cx, &task, Some(&m), &milestone_input(&m)));
    respond(result, &cx)
}

pub(super) async fn milestone_edit(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<MilestoneInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let (task_id, page) = match milestone_target(db, &cx, &id).await {
        Ok((task, m)) => (task.summary.id, milestone_page(&cx, &task, Some(&m), &input)),
        Err(e) => return error_page(e, &cx),
    };
    let result = shared::update_milestone(db, &cx.viewer, &id, &input).await.map(|_| saved_task(task_id));
    conclude(&cx, page, result)
}

fn milestone_remove_page(cx: &Ctx, task: &TaskDetail, m: &Milestone, version: &Option<String>) -> ConfirmPage {
    ConfirmPage {
        layout: task_layout(cx, task, "추진일정 삭제"),
        heading: "추진일정 삭제".into(),
        context: vec![Fact::new("과제", task.summary.title.clone()), Fact::new("추진일정", m.title.clone())],
        message: vec![
            format!("추진일정 '{}'을(를) 삭제합니다. 과제 화면에서 사라집니다.", m.title),
            "삭제하기 전의 마지막 내용(일정, 기한, 완료일, 비고)은 감사기록에 남습니다.".into(),
        ],
        alert: None,
        action: format!("/milestones/{}/remove", m.id),
        csrf: cx.csrf(),
        version: version.clone().unwrap_or_default(),
        submit: "삭제",
        cancel: task_href(task),
        reload: format!("/milestones/{}/remove", m.id),
    }
}

pub(super) async fn milestone_remove_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = milestone_target(&state.db, &cx, &id)
        .await
        .map(|(task, m)| milestone_remove_page(&cx, &task, &m, &Some(m.version.to_string())));
    respond(result, &cx)
}

pub(super) async fn milestone_remove(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<VersionInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let page = match milestone_target(db, &cx, &id).await {
        Ok((task, m)) => milestone_remove_page(&cx, &task, &m, &input.version),
        Err(e) => return error_page(e, &cx),
    };
    let result = shared::remove_milestone(db, &cx.viewer, &id, &input).await.map(saved_task);
    conclude(&cx, page, result)
}

// ---------------------------------------------------------------------------------------------
// The registry: agencies, exchange positions, pairs, exchangees.

fn may_edit_registry(cx: &Ctx) -> Result<(), AppError> {
    allow(access::can_edit_registry(cx.viewer.require()?))
}

fn pair_anchor(seq: i64) -> String {
    format!("/pairs#pair-{seq}")
}

fn saved_pair(seq: i64) -> String {
    format!("/pairs?saved=1#pair-{seq}")
}

/// 홈 > 교류직위 쌍 > 연번 N > `title`.
fn pair_layout(cx: &Ctx, seq: i64, title: &str) -> Layout {
    Layout::nested(cx, Section::Pairs, vec![(format!("연번 {seq}"), pair_anchor(seq))], title)
}

async fn agency_target(db: &Db, cx: &Ctx, raw: &str) -> Result<Agency, AppError> {
    may_edit_registry(cx)?;
    let id = parse_id(raw, "기관")?;
    db.find_agency(&AgencyRef::Id(id)).await?.ok_or_else(|| AppError::NotFound(format!("{id}번 기관")))
}

fn agency_page(cx: &Ctx, agency: &Agency, input: &AgencyInput) -> FormPage {
    let href = agency_href(&agency.short_name);
    let action = format!("/agencies/{}/edit", agency.id);
    FormPage {
        layout: Layout::nested(cx, Section::Agencies, vec![(agency.name.clone(), href.clone())], "기관 정보 수정"),
        heading: "기관 정보 수정".into(),
        context: vec![Fact::new("기관", agency.name.clone())],
        intro: vec![],
        alert: None,
        form: FormView {
            action: action.clone(),
            csrf: cx.csrf(),
            hidden: version_field(&input.version),
            fields: vec![
                Field::text("short_name", "약칭", &input.short_name)
                    .required()
                    .hint("예: 국토부 (20자 이내). 주소와 검색에 쓰입니다."),
                Field::text("name", "기관명", &input.name).required().hint("예: 국토교통부"),
                Field::text("name_en", "영문명", &input.name_en)
                    .hint("예: Ministry of Land, Infrastructure and Transport"),
            ],
            submit: "저장",
            cancel: href,
        },
        reload: action,
    }
}

pub(super) async fn agency_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = agency_target(&state.db, &cx, &id).await.map(|a| {
        let input = AgencyInput {
            short_name: Some(a.short_name.clone()),
            name: Some(a.name.clone()),
            name_en: a.name_en.clone(),
            version: Some(a.version.to_string()),
        };
        agency_page(&cx, &a, &input)
    });
    respond(result, &cx)
}

pub(super) async fn agency_edit(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<AgencyInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let (agency_id, page) = match agency_target(db, &cx, &id).await {
        Ok(a) => (a.id, agency_page(&cx, &a, &input)),
        Err(e) => return error_page(e, &cx),
    };
    let result = async {
        shared::update_agency(db, &cx.viewer, &id, &input).await?;
        // The short name (and so the page's address) may have changed.
        let a = db
            .find_agency(&AgencyRef::Id(agency_id))
            .await?
            .ok_or_else(|| AppError::NotFound(format!("{agency_id}번 기관")))?;
        Ok(format!("{}?saved=1", agency_href(&a.short_name)))
    }
    .await;
    conclude(&cx, page, result)
}

/// The pair a position, or an exchangee's position, belongs to.
async fn find_position(db: &Db, id: i64) -> Result<(ExchangePair, Position), AppError> {
    for pair in db.list_pairs().await? {
        if let Some(p) = pair.positions.iter().find(|p| p.id == id).cloned() {
            return Ok((pair, p));
        }
    }
    Err(AppError::NotFound(format!("{id}번 교류직위")))
}

async fn position_target(db: &Db, cx: &Ctx, raw: &str) -> Result<(ExchangePair, Position), AppError> {
    may_edit_registry(cx)?;
    find_position(db, parse_id(raw, "교류직위")?).await
}

fn position_page(cx: &Ctx, pair: &ExchangePair, p: &Position, input: &PositionInput) -> FormPage {
    let levels = PositionLevel::ALL.iter().map(|l| (l.as_str().to_string(), l.label_ko().to_string())).collect();
    let action = format!("/positions/{}/edit", p.id);
    FormPage {
        layout: pair_layout(cx, pair.seq, "교류직위 수정"),
        heading: "교류직위 수정".into(),
        context: vec![
            Fact::new("기관", p.agency.short_name.clone()),
            Fact::new("교류직위 쌍", format!("연번 {}. {}", pair.seq, pair.theme)),
        ],
        intro: vec![],
        alert: None,
        form: FormView {
            action: action.clone(),
            csrf: cx.csrf(),
            hidden: version_field(&input.version),
            fields: vec![
                Field::text("title", "직위명", &input.title).required().hint("예: 국토정책관"),
                Field::select("level", "등급", options_with("미정", trimmed(&input.level), levels)),
            ],
            submit: "저장",
            cancel: pair_anchor(pair.seq),
        },
        reload: action,
    }
}

pub(super) async fn position_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = position_target(&state.db, &cx, &id).await.map(|(pair, p)| {
        let input = PositionInput {
            title: Some(p.title.clone()),
            level: p.level.map(|l| l.as_str().to_string()),
            version: Some(p.version.to_string()),
        };
        position_page(&cx, &pair, &p, &input)
    });
    respond(result, &cx)
}

pub(super) async fn position_edit(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<PositionInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let (seq, page) = match position_target(db, &cx, &id).await {
        Ok((pair, p)) => (pair.seq, position_page(&cx, &pair, &p, &input)),
        Err(e) => return error_page(e, &cx),
    };
    let result = shared::update_position(db, &cx.viewer, &id, &input).await.map(|_| saved_pair(seq));
    conclude(&cx, page, result)
}

async fn pair_target(db: &Db, cx: &Ctx, raw: &str) -> Result<ExchangePair, AppError> {
    may_edit_registry(cx)?;
    let id = parse_id(raw, "교류직위 쌍")?;
    db.list_pairs()
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or_else(|| AppError::NotFound(format!("{id}번 교류직위 쌍")))
}

fn pair_page(cx: &Ctx, pair: &ExchangePair, input: &PairInput) -> FormPage {
    let positions: Vec<String> =
        pair.positions.iter().map(|p| format!("{} {}", p.agency.short_name, p.title)).collect();
    let action = format!("/pairs/{}/edit", pair.id);
    FormPage {
        layout: pair_layout(cx, pair.seq, "교류직위 쌍 수정"),
        heading: "교류직위 쌍 수정".into(),
        context: vec![Fact::new("연번", pair.seq.to_string()), Fact::new("교류직위", positions.join(" ↔ "))],
        intro: vec![],
        alert: None,
        form: FormView {
            action: action.clone(),
            csrf: cx.csrf(),
            hidden: version_field(&input.version),
            fields: vec![Field::text("theme", "주제", &input.theme)
                .required()
                .hint("보도자료 붙임의 '주요내용'입니다. 200자 이내로 적습니다.")],
            submit: "저장",
            cancel: pair_anchor(pair.seq),
        },
        reload: action,
    }
}

pub(super) async fn pair_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = pair_target(&state.db, &cx, &id).await.map(|pair| {
        let input = PairInput { theme: Some(pair.theme.clone()), version: Some(pair.version.to_string()) };
        pair_page(&cx, &pair, &input)
    });
    respond(result, &cx)
}

pub(super) async fn pair_edit(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<PairInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let (seq, page) = match pair_target(db, &cx, &id).await {
        Ok(pair) => (pair.seq, pair_page(&cx, &pair, &input)),
        Err(e) => return error_page(e, &cx),
    };
    let result = shared::update_pair(db, &cx.viewer, &id, &input).await.map(|_| saved_pair(seq));
    conclude(&cx, page, result)
}

async fn exchangee_target(db: &Db, cx: &Ctx, raw: &str) -> Result<(ExchangePair, Position, Exchangee), AppError> {
    may_edit_registry(cx)?;
    let id = parse_id(raw, "교류자")?;
    for pair in db.list_pairs().await? {
        for p in &pair.positions {
            if let Some(e) = p.exchangees.iter().find(|e| e.id == id).cloned() {
                let p = p.clone();
                return Ok((pair, p, e));
            }
        }
    }
    Err(AppError::NotFound(format!("{id}번 교류자")))
}

fn exchangee_page(cx: &Ctx, pair: &ExchangePair, p: &Position, e: &Exchangee, input: &ExchangeeInput) -> FormPage {
    let action = format!("/exchangees/{}/edit", e.id);
    FormPage {
        layout: pair_layout(cx, pair.seq, "교류자 정보 수정"),
        heading: "교류자 정보 수정".into(),
        context: vec![
            Fact::new("교류직위", format!("{} {}", p.agency.short_name, p.title)),
            Fact::new("교류직위 쌍", format!("연번 {}. {}", pair.seq, pair.theme)),
        ],
        intro: vec![],
        alert: None,
        form: FormView {
            action: action.clone(),
            csrf: cx.csrf(),
            hidden: version_field(&input.version),
            fields: vec![
                Field::text("name", "이름", &input.name)
                    .hint("50자 이내. 비워 두면 '미공개'로 표시됩니다.")
                    .autocomplete("off"),
                Field::textarea("expertise", "전문성", &input.expertise, 4).hint("1,000자 이내로 적습니다."),
            ],
            submit: "저장",
            cancel: pair_anchor(pair.seq),
        },
        reload: action,
    }
}

pub(super) async fn exchangee_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = exchangee_target(&state.db, &cx, &id).await.map(|(pair, p, e)| {
        let input = ExchangeeInput {
            name: e.name.clone(),
            expertise: e.expertise.clone(),
            version: Some(e.version.to_string()),
        };
        exchangee_page(&cx, &pair, &p, &e, &input)
    });
    respond(result, &cx)
}

pub(super) async fn exchangee_edit(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<ExchangeeInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let (seq, page) = match exchangee_target(db, &cx, &id).await {
        Ok((pair, p, e)) => (pair.seq, exchangee_page(&cx, &pair, &p, &e, &input)),
        Err(e) => return error_page(e, &cx),
    };
    let result = shared::update_exchangee(db, &cx.viewer, &id, &input).await.map(|_| saved_pair(seq));
    conclude(&cx, page, result)
}
