//! The forms that change records: a task, its agencies' roles, and the registry (agencies,
//! exchange positions, pairs, exchangees). The forms of KPIs and milestones are in `parts`.
//!
//! A GET shows the form when the use case that opens the record allows it (else the 403 page); a
//! POST runs the use case, then answers 303 to the page that shows the record with `?saved=1`, or
//! shows the form again with the user's input (400 wrong input, 409 conflict).

use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use hanteam_app::views::{Agency, CareerEntry, ExchangePair, Exchangee, PairBrief, Position, TaskAgency, TaskDetail};
use hanteam_app::{registry, tasks, Db};
use hanteam_domain::access::TaskChange;
use hanteam_domain::edit::{AgencyInput, ExchangeeInput, PairInput, PositionInput, RoleInput, TaskInput, VersionInput};
use hanteam_domain::{AgencyId, ExchangeeId, PairId, PositionId, PositionLevel, TaskId, TaskSource, TaskType};

use super::context::Ctx;
use super::form::{answer, form_input, posted, ConfirmPage, Fact, Field, FormPage, FormView, Hidden};
use super::format::trimmed;
use super::layout::{Layout, Section};
use super::links;
use super::render::{error_page, respond};
use super::widgets::{options_with, plain_options};
use crate::error::AppError;
use crate::AppState;

pub(crate) fn version_field(v: &Option<String>) -> Vec<Hidden> {
    vec![Hidden { name: "version", value: v.clone().unwrap_or_default() }]
}

fn opt_string<T: ToString>(v: Option<T>) -> Option<String> {
    v.map(|v| v.to_string())
}

/// 홈 > 협업과제 목록 > the task > `title`.
pub(crate) fn task_layout(cx: &Ctx, task: &TaskDetail, title: &str) -> Layout {
    let parent = (task.summary.title.clone(), links::task(&task.summary.id));
    Layout::nested(cx, Section::Tasks, vec![parent], title)
}

fn saved_task(id: TaskId) -> String {
    links::saved(&links::task(&id))
}

// ---------------------------------------------------------------------------------------------
// Tasks: new, edit, archive.

struct TaskChoices {
    agencies: Vec<Agency>,
    pairs: Vec<PairBrief>,
}

async fn task_choices(db: &Db) -> Result<TaskChoices, AppError> {
    Ok(TaskChoices { agencies: registry::agency_choices(db).await?, pairs: registry::pair_choices(db).await? })
}

fn task_input(t: &TaskDetail) -> TaskInput {
    TaskInput {
        title: Some(t.summary.title.clone()),
        task_type: t.summary.task_type.map(|v| v.as_str().to_string()),
        source: Some(t.summary.source.as_str().to_string()),
        status: None,
        description: t.description.clone(),
        pair_id: opt_string(t.summary.pair_id),
        lead_agency_id: t.summary.lead_agency.as_ref().map(|a| a.id.to_string()),
        version: Some(t.summary.version.to_string()),
    }
}

/// `existing`: the task being edited (its lead agency is one of its agencies); `None` for a new task.
/// The status is not here: it moves by the lifecycle's actions on the task page.
fn task_fields(input: &TaskInput, choices: &TaskChoices, existing: Option<&TaskDetail>) -> Vec<Field> {
    let types = TaskType::ALL.iter().map(|t| (t.as_str().to_string(), t.label_ko().to_string())).collect();
    let sources = TaskSource::ALL.iter().map(|s| (s.as_str().to_string(), s.label_ko().to_string())).collect();
    let pairs = choices.pairs.iter().map(|p| (p.id.to_string(), format!("연번 {}. {}", p.seq, p.theme))).collect();
    // The lead is one of the task's agencies; a new task's agencies are its pair's.
    let (leads, lead_hint) = match existing {
        Some(t) => (
            t.summary.agencies.iter().map(|a| (a.id, a.short_name.as_str())).collect::<Vec<_>>(),
            "이 과제의 참여 기관 가운데에서 고릅니다. 다른 교류직위 쌍으로 옮기면, 새로 참여하는 기관은 저장한 뒤에 고를 수 있습니다.",
        ),
        None => (
            choices
                .agencies
                .iter()
                .filter(|a| choices.pairs.iter().any(|p| p.agencies.contains(&a.short_name)))
                .map(|a| (a.id, a.short_name.as_str()))
                .collect(),
            "고른 교류직위 쌍의 두 기관 가운데 하나를 고릅니다.",
        ),
    };
    let names: std::collections::HashMap<_, _> = choices.agencies.iter().map(|a| (a.id, a.name.as_str())).collect();
    let agencies = leads
        .into_iter()
        .map(|(id, short)| (id.to_string(), format!("{short} ({})", names.get(&id).copied().unwrap_or(short))))
        .collect();
    vec![
        Field::text("title", "과제명", &input.title).required().hint("200자 이내로 적습니다."),
        Field::select("type", "과제 유형", options_with("선택 안 함", trimmed(&input.task_type), types)),
        Field::select("source", "출처", plain_options(trimmed(&input.source), TaskSource::Exchange.as_str(), sources)),
        Field::select("pair_id", "교류직위 쌍", options_with("없음", trimmed(&input.pair_id), pairs)).hint(
            "과제를 추진하는 교류직위 쌍입니다. 고르면 그 쌍의 두 기관이 참여 기관이 됩니다. 다른 쌍으로 바꾸면 \
                 새 쌍의 기관이 참여 기관으로 더해지고, 현재의 참여 기관과 그 역할은 그대로 남습니다.",
        ),
        Field::select(
            "lead_agency_id",
            "주관 기관",
            options_with("선택 안 함", trimmed(&input.lead_agency_id), agencies),
        )
        .hint(lead_hint),
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
            intro: vec!["새 협업과제를 등록합니다. 등록한 과제는 '발굴' 상태로 시작하며, 협업과제점검협의회에 상정되어 확정된 뒤에 공개 화면에 나타납니다.".into()],
            alert: None,
            form: FormView {
                action: links::tasks(),
                csrf: cx.csrf(),
                hidden: vec![],
                fields: task_fields(input, choices, None),
                submit: "저장",
                cancel: links::tasks(),
            },
            reload: links::task_new(),
        },
        Some(t) => FormPage {
            layout: task_layout(cx, t, "과제 수정"),
            heading: "과제 수정".into(),
            context: vec![Fact::new("과제", t.summary.title.clone()), Fact::new("번호", t.summary.seq.to_string())],
            intro: vec![],
            alert: None,
            form: FormView {
                action: links::task_edit(&t.summary.id),
                csrf: cx.csrf(),
                hidden: version_field(&input.version),
                fields: task_fields(input, choices, Some(t)),
                submit: "저장",
                cancel: links::task(&t.summary.id),
            },
            reload: links::task_edit(&t.summary.id),
        },
    }
}

async fn new_task_page(db: &Db, cx: &Ctx, input: &TaskInput) -> Result<FormPage, AppError> {
    tasks::may_create(cx.by())?;
    Ok(task_form_page(cx, &task_choices(db).await?, input, None))
}

pub(crate) async fn task_new_form(State(state): State<AppState>, cx: Ctx) -> Response {
    let input = TaskInput { source: Some(TaskSource::Exchange.as_str().into()), ..TaskInput::default() };
    respond(new_task_page(&state.db, &cx, &input).await, &cx)
}

pub(crate) async fn task_create(
    State(state): State<AppState>,
    cx: Ctx,
    form: Result<Form<TaskInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let result = tasks::create(db, cx.by(), &input).await.map(|s| saved_task(TaskId::new(s.id)));
    answer(&cx, result.map_err(AppError::from), async || new_task_page(db, &cx, &input).await).await
}

async fn edit_task_page(db: &Db, cx: &Ctx, id: TaskId, input: Option<&TaskInput>) -> Result<FormPage, AppError> {
    let task = tasks::open_for(db, cx.by(), id, TaskChange::Manage).await?;
    let input = input.cloned().unwrap_or_else(|| task_input(&task));
    Ok(task_form_page(cx, &task_choices(db).await?, &input, Some(&task)))
}

pub(crate) async fn task_edit_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = async { edit_task_page(&state.db, &cx, TaskId::parse(&id)?, None).await }.await;
    respond(result, &cx)
}

pub(crate) async fn task_edit(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<TaskInput>, FormRejection>,
) -> Response {
    let (input, id): (_, TaskId) = match posted(form, &id) {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let result = tasks::update(db, cx.by(), id, &input).await.map(|_| saved_task(id));
    answer(&cx, result.map_err(AppError::from), async || edit_task_page(db, &cx, id, Some(&input)).await).await
}

fn archive_page(cx: &Ctx, task: &TaskDetail, version: &Option<String>) -> ConfirmPage {
    let id = task.summary.id;
    ConfirmPage {
        layout: task_layout(cx, task, "과제 보관"),
        heading: "과제 보관".into(),
        context: vec![Fact::new("과제", task.summary.title.clone()), Fact::new("번호", task.summary.seq.to_string())],
        message: vec![
            "이 과제를 보관합니다. 목록과 공개 화면에서 사라지지만 삭제되지는 않으며 감사기록에 남습니다.".into(),
            "보관한 과제는 더 고칠 수 없습니다.".into(),
        ],
        alert: None,
        action: links::task_archive(&id),
        csrf: cx.csrf(),
        version: version.clone().unwrap_or_default(),
        submit: "보관",
        cancel: links::task(&id),
        reload: links::task_archive(&id),
    }
}

async fn archive_task_page(
    db: &Db,
    cx: &Ctx,
    id: TaskId,
    version: Option<&Option<String>>,
) -> Result<ConfirmPage, AppError> {
    let task = tasks::open_for(db, cx.by(), id, TaskChange::Manage).await?;
    let version = version.cloned().unwrap_or_else(|| Some(task.summary.version.to_string()));
    Ok(archive_page(cx, &task, &version))
}

pub(crate) async fn task_archive_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = async { archive_task_page(&state.db, &cx, TaskId::parse(&id)?, None).await }.await;
    respond(result, &cx)
}

pub(crate) async fn task_archive(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<VersionInput>, FormRejection>,
) -> Response {
    let (input, id): (_, TaskId) = match posted(form, &id) {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let result = tasks::archive(db, cx.by(), id, &input).await.map(|_| saved_task(id));
    answer(&cx, result.map_err(AppError::from), async || archive_task_page(db, &cx, id, Some(&input.version)).await)
        .await
}

// ---------------------------------------------------------------------------------------------
// An agency's role in a task.

fn role_page(cx: &Ctx, task: &TaskDetail, agency: &TaskAgency, input: &RoleInput) -> FormPage {
    let title = format!("{} 역할 수정", agency.short_name);
    let action = links::role_edit(&task.summary.id, &agency.id);
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
                .hint("1,000자 이내로 적습니다. 비워 두면 '미입력'으로 표시됩니다.")],
            submit: "저장",
            cancel: links::task(&task.summary.id),
        },
        reload: action,
    }
}

fn role_ids(raw_task: &str, raw_agency: &str) -> Result<(TaskId, AgencyId), AppError> {
    Ok((TaskId::parse(raw_task)?, AgencyId::parse(raw_agency)?))
}

async fn role_edit_page(
    db: &Db,
    cx: &Ctx,
    (id, agency): (TaskId, AgencyId),
    input: Option<&RoleInput>,
) -> Result<FormPage, AppError> {
    let (task, role) = tasks::open_role(db, cx.by(), id, agency).await?;
    let input = input
        .cloned()
        .unwrap_or_else(|| RoleInput { role: role.role.clone(), version: Some(role.role_version.to_string()) });
    Ok(role_page(cx, &task, &role, &input))
}

pub(crate) async fn role_form(
    State(state): State<AppState>,
    cx: Ctx,
    Path((id, agency_id)): Path<(String, String)>,
) -> Response {
    let result = async { role_edit_page(&state.db, &cx, role_ids(&id, &agency_id)?, None).await }.await;
    respond(result, &cx)
}

pub(crate) async fn role_edit(
    State(state): State<AppState>,
    cx: Ctx,
    Path((id, agency_id)): Path<(String, String)>,
    form: Result<Form<RoleInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let ids = match role_ids(&id, &agency_id) {
        Ok(ids) => ids,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let result = tasks::set_role(db, cx.by(), ids.0, ids.1, &input).await.map(|_| saved_task(ids.0));
    answer(&cx, result.map_err(AppError::from), async || role_edit_page(db, &cx, ids, Some(&input)).await).await
}

// ---------------------------------------------------------------------------------------------
// The registry: agencies, exchange positions, pairs, exchangees.

/// Where a saved change of the registry sends the browser: the row of the pair it belongs to.
fn saved_pair(pair: &ExchangePair) -> String {
    links::saved(&links::pair(&pair.seq))
}

/// 홈 > 교류직위 쌍 > 연번 N > `title`.
fn pair_layout(cx: &Ctx, seq: i64, title: &str) -> Layout {
    Layout::nested(cx, Section::Pairs, vec![(format!("연번 {seq}"), links::pair(&seq))], title)
}

fn agency_page(cx: &Ctx, agency: &Agency, input: &AgencyInput) -> FormPage {
    let href = links::agency(&agency.short_name);
    let action = links::agency_edit(&agency.id);
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

async fn agency_edit_page(db: &Db, cx: &Ctx, id: AgencyId, input: Option<&AgencyInput>) -> Result<FormPage, AppError> {
    let a = registry::open_agency(db, cx.by(), id).await?;
    let input = input.cloned().unwrap_or_else(|| AgencyInput {
        short_name: Some(a.short_name.clone()),
        name: Some(a.name.clone()),
        name_en: a.name_en.clone(),
        version: Some(a.version.to_string()),
    });
    Ok(agency_page(cx, &a, &input))
}

pub(crate) async fn agency_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = async { agency_edit_page(&state.db, &cx, AgencyId::parse(&id)?, None).await }.await;
    respond(result, &cx)
}

pub(crate) async fn agency_edit(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<AgencyInput>, FormRejection>,
) -> Response {
    let (input, id): (_, AgencyId) = match posted(form, &id) {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let result = async {
        registry::update_agency(db, cx.by(), id, &input).await?;
        // The short name (and so the page's address) may have changed.
        let agencies = registry::agency_choices(db).await?;
        Ok(agencies
            .iter()
            .find(|a| a.id == id)
            .map_or_else(links::agencies, |a| links::saved(&links::agency(&a.short_name))))
    }
    .await;
    answer(&cx, result, async || agency_edit_page(db, &cx, id, Some(&input)).await).await
}

fn position_page(cx: &Ctx, pair: &ExchangePair, p: &Position, input: &PositionInput) -> FormPage {
    let levels = PositionLevel::ALL.iter().map(|l| (l.as_str().to_string(), l.label_ko().to_string())).collect();
    let action = links::position_edit(&p.id);
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
                Field::select("level", "등급", options_with("선택 안 함", trimmed(&input.level), levels)),
            ],
            submit: "저장",
            cancel: links::pair(&pair.seq),
        },
        reload: action,
    }
}

async fn position_edit_page(
    db: &Db,
    cx: &Ctx,
    id: PositionId,
    input: Option<&PositionInput>,
) -> Result<FormPage, AppError> {
    let (pair, p) = registry::open_position(db, cx.by(), id).await?;
    let input = input.cloned().unwrap_or_else(|| PositionInput {
        title: Some(p.title.clone()),
        level: p.level.map(|l| l.as_str().to_string()),
        version: Some(p.version.to_string()),
    });
    Ok(position_page(cx, &pair, &p, &input))
}

pub(crate) async fn position_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = async { position_edit_page(&state.db, &cx, PositionId::parse(&id)?, None).await }.await;
    respond(result, &cx)
}

pub(crate) async fn position_edit(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<PositionInput>, FormRejection>,
) -> Response {
    let (input, id): (_, PositionId) = match posted(form, &id) {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let result = async {
        registry::update_position(db, cx.by(), id, &input).await?;
        Ok(saved_pair(&registry::open_position(db, cx.by(), id).await?.0))
    }
    .await;
    answer(&cx, result, async || position_edit_page(db, &cx, id, Some(&input)).await).await
}

fn pair_page(cx: &Ctx, pair: &ExchangePair, input: &PairInput) -> FormPage {
    let positions: Vec<String> =
        pair.positions.iter().map(|p| format!("{} {}", p.agency.short_name, p.title)).collect();
    let action = links::pair_edit(&pair.id);
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
            cancel: links::pair(&pair.seq),
        },
        reload: action,
    }
}

async fn pair_edit_page(db: &Db, cx: &Ctx, id: PairId, input: Option<&PairInput>) -> Result<FormPage, AppError> {
    let pair = registry::open_pair(db, cx.by(), id).await?;
    let input = input
        .cloned()
        .unwrap_or_else(|| PairInput { theme: Some(pair.theme.clone()), version: Some(pair.version.to_string()) });
    Ok(pair_page(cx, &pair, &input))
}

pub(crate) async fn pair_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = async { pair_edit_page(&state.db, &cx, PairId::parse(&id)?, None).await }.await;
    respond(result, &cx)
}

pub(crate) async fn pair_edit(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<PairInput>, FormRejection>,
) -> Response {
    let (input, id): (_, PairId) = match posted(form, &id) {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let result = async {
        registry::update_pair(db, cx.by(), id, &input).await?;
        Ok(saved_pair(&registry::open_pair(db, cx.by(), id).await?))
    }
    .await;
    answer(&cx, result, async || pair_edit_page(db, &cx, id, Some(&input)).await).await
}

fn exchangee_page(cx: &Ctx, pair: &ExchangePair, p: &Position, e: &Exchangee, input: &ExchangeeInput) -> FormPage {
    let action = links::exchangee_edit(&e.id);
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
                Field::textarea("careers", "이전 경력", &input.careers, 4).hint(
                    "한 줄에 하나씩, 기관 약칭을 앞에 적습니다 (예: 환경부 자연보전국장). 지우면 목록에서 빠집니다.",
                ),
            ],
            submit: "저장",
            cancel: links::pair(&pair.seq),
        },
        reload: action,
    }
}

/// The careers as the form writes them, one per line: `환경부 자연보전국장`.
fn career_lines(careers: &[CareerEntry]) -> String {
    careers
        .iter()
        .map(|c| {
            [c.agency.as_ref().map(|a| a.short_name.as_str()), c.title.as_deref(), c.note.as_deref()]
                .into_iter()
                .flatten()
                .filter(|s| !s.trim().is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

async fn exchangee_edit_page(
    db: &Db,
    cx: &Ctx,
    id: ExchangeeId,
    input: Option<&ExchangeeInput>,
) -> Result<FormPage, AppError> {
    let (pair, p, e) = registry::open_exchangee(db, cx.by(), id).await?;
    let input = input.cloned().unwrap_or_else(|| ExchangeeInput {
        name: e.name.clone(),
        expertise: e.expertise.clone(),
        careers: Some(career_lines(&e.careers)),
        version: Some(e.version.to_string()),
    });
    Ok(exchangee_page(cx, &pair, &p, &e, &input))
}

pub(crate) async fn exchangee_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = async { exchangee_edit_page(&state.db, &cx, ExchangeeId::parse(&id)?, None).await }.await;
    respond(result, &cx)
}

pub(crate) async fn exchangee_edit(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<ExchangeeInput>, FormRejection>,
) -> Response {
    let (input, id): (_, ExchangeeId) = match posted(form, &id) {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let result = async {
        registry::update_exchangee(db, cx.by(), id, &input).await?;
        Ok(saved_pair(&registry::open_exchangee(db, cx.by(), id).await?.0))
    }
    .await;
    answer(&cx, result, async || exchangee_edit_page(db, &cx, id, Some(&input)).await).await
}
