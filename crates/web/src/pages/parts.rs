//! The forms of a part of a task — a KPI (성과지표), a milestone (추진일정) or an administrative
//! procedure (행정절차): add, change, remove. One set of handlers serves all; [`PartForm`] says what
//! differs (fields, words, addresses).

use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use hanteam_app::parts::{self, Part};
use hanteam_app::views::{TaskDetail, TaskKpi, TaskMilestone, TaskProcedure};
use hanteam_app::Db;
use hanteam_domain::edit::VersionInput;
use hanteam_domain::korean::{with_particle, Particle};
use hanteam_domain::{Kpi, KpiInput, Milestone, MilestoneInput, Procedure, ProcedureInput, RecordId, TaskId};
use serde::de::DeserializeOwned;

use super::context::Ctx;
use super::edit::{task_layout, version_field};
use super::form::{answer, posted, ConfirmPage, Fact, Field, FormPage, FormView};
use super::format::iso_date;
use super::links;
use super::render::{error_page, respond};
use crate::endpoint::Endpoint;
use crate::error::AppError;
use crate::AppState;

/// What the forms of one kind of part need to know of it.
pub(crate) trait PartForm: Part<Input: DeserializeOwned + Default + Clone + Send> {
    /// The endpoints of its forms: add (GET, POST), edit (GET, POST), remove (GET, POST).
    const ADD: (Endpoint, Endpoint);
    const EDIT: (Endpoint, Endpoint);
    const REMOVE: (Endpoint, Endpoint);
    /// What the confirmation says stays in the audit log after removal.
    const KEPT: &'static str;

    fn fields(input: &Self::Input) -> Vec<Field>;
    /// The form filled with what is stored.
    fn input_of(view: &Self::View) -> Self::Input;
    /// How it is named on the page ("국가산단 조성기간").
    fn name_of(view: &Self::View) -> String;
}

const NUMBER_HINT: &str =
    "숫자로 입력합니다(예: 1,500 또는 0.5). 단위를 붙여 써도 됩니다(예: 50%). 모르면 비워 둡니다.";

impl PartForm for Kpi {
    const ADD: (Endpoint, Endpoint) = (Endpoint::KpiNewForm, Endpoint::KpiCreate);
    const EDIT: (Endpoint, Endpoint) = (Endpoint::KpiEditForm, Endpoint::KpiEdit);
    const REMOVE: (Endpoint, Endpoint) = (Endpoint::KpiRemoveForm, Endpoint::KpiRemove);
    const KEPT: &'static str = "지표명, 기준값, 목표값, 단위, 기한, 비고";

    fn fields(input: &KpiInput) -> Vec<Field> {
        vec![
            Field::text("name", "지표명", &input.name).required(),
            Field::text("baseline", "기준값", &input.baseline).hint(NUMBER_HINT).autocomplete("off"),
            Field::text("target", "목표값", &input.target).hint(NUMBER_HINT).autocomplete("off"),
            Field::text("unit", "단위", &input.unit).hint("예: 건, %, 억원"),
            Field::date("due", "기한", &input.due),
            Field::textarea("note", "비고", &input.note, 3),
        ]
    }

    fn input_of(k: &TaskKpi) -> KpiInput {
        KpiInput {
            name: Some(k.kpi.name.clone()),
            baseline: k.kpi.baseline.map(|v| v.to_string()),
            target: k.kpi.target.map(|v| v.to_string()),
            unit: k.kpi.unit.clone(),
            due: k.kpi.due.map(iso_date),
            note: k.kpi.note.clone(),
            version: Some(k.version.to_string()),
        }
    }

    fn name_of(k: &TaskKpi) -> String {
        k.kpi.name.clone()
    }
}

impl PartForm for Milestone {
    const ADD: (Endpoint, Endpoint) = (Endpoint::MilestoneNewForm, Endpoint::MilestoneCreate);
    const EDIT: (Endpoint, Endpoint) = (Endpoint::MilestoneEditForm, Endpoint::MilestoneEdit);
    const REMOVE: (Endpoint, Endpoint) = (Endpoint::MilestoneRemoveForm, Endpoint::MilestoneRemove);
    const KEPT: &'static str = "일정, 기한, 완료일, 비고";

    fn fields(input: &MilestoneInput) -> Vec<Field> {
        vec![
            Field::text("title", "일정", &input.title).required().hint("예: 산업단지계획 승인"),
            Field::date("due", "기한", &input.due),
            Field::date("done_on", "완료일", &input.done_on)
                .hint("2024-06-30처럼 연-월-일로 입력합니다. 끝나지 않았으면 비워 둡니다."),
            Field::textarea("note", "비고", &input.note, 3),
        ]
    }

    fn input_of(m: &TaskMilestone) -> MilestoneInput {
        MilestoneInput {
            title: Some(m.milestone.title.clone()),
            due: m.milestone.due.map(iso_date),
            done_on: m.milestone.done_on.map(iso_date),
            note: m.milestone.note.clone(),
            version: Some(m.version.to_string()),
        }
    }

    fn name_of(m: &TaskMilestone) -> String {
        m.milestone.title.clone()
    }
}

impl PartForm for Procedure {
    const ADD: (Endpoint, Endpoint) = (Endpoint::ProcedureNewForm, Endpoint::ProcedureCreate);
    const EDIT: (Endpoint, Endpoint) = (Endpoint::ProcedureEditForm, Endpoint::ProcedureEdit);
    const REMOVE: (Endpoint, Endpoint) = (Endpoint::ProcedureRemoveForm, Endpoint::ProcedureRemove);
    const KEPT: &'static str = "절차명, 법적 근거, 통상 소요기간, 계획·실제 시작일과 종료일, 비고";

    fn fields(input: &ProcedureInput) -> Vec<Field> {
        vec![
            Field::text("name", "절차명", &input.name).required().hint("예: 산업단지계획 승인을 위한 환경영향평가"),
            Field::text("legal_basis", "법적 근거", &input.legal_basis).hint("예: 환경영향평가법 제16조. 모르면 비워 둡니다."),
            Field::text("usual_days", "통상 소요기간(일)", &input.usual_days)
                .required()
                .hint("이 절차가 보통 걸리는 날수를 정수로 입력합니다(예: 1년이면 365).")
                .autocomplete("off"),
            Field::date("planned_start", "계획 시작일", &input.planned_start),
            Field::date("planned_end", "계획 종료일", &input.planned_end),
            Field::date("actual_start", "실제 시작일", &input.actual_start)
                .hint("2024-06-30처럼 연-월-일로 입력합니다. 아직 시작하지 않았으면 비워 둡니다."),
            Field::date("actual_end", "실제 종료일", &input.actual_end)
                .hint("2024-06-30처럼 연-월-일로 입력합니다. 끝나지 않았으면 비워 둡니다. 끝나면 실제 기간으로 단축 일수를 계산합니다."),
            Field::textarea("note", "비고", &input.note, 3),
        ]
    }

    fn input_of(p: &TaskProcedure) -> ProcedureInput {
        let d = &p.procedure;
        ProcedureInput {
            name: Some(d.name.clone()),
            legal_basis: d.legal_basis.clone(),
            usual_days: Some(d.usual_days.to_string()),
            planned_start: d.planned_start.map(iso_date),
            planned_end: d.planned_end.map(iso_date),
            actual_start: d.actual_start.map(iso_date),
            actual_end: d.actual_end.map(iso_date),
            note: d.note.clone(),
            version: Some(p.version.to_string()),
        }
    }

    fn name_of(p: &TaskProcedure) -> String {
        p.procedure.name.clone()
    }
}

fn saved(task: TaskId) -> String {
    links::saved(&links::task(&task))
}

/// The form of a new part (`part` is `None`) or of one to change.
fn part_page<P: PartForm>(cx: &Ctx, task: &TaskDetail, part: Option<&P::View>, input: &P::Input) -> FormPage {
    let (title, action, reload, hidden) = match part {
        None => {
            let id = task.summary.id;
            (format!("{} 추가", P::WHAT), P::ADD.1.href(&[&id]), P::ADD.0.href(&[&id]), vec![])
        }
        Some(v) => {
            let id = Into::<i64>::into(P::view_id(v));
            let version = version_field(P::input_version(input));
            (format!("{} 수정", P::WHAT), P::EDIT.1.href(&[&id]), P::EDIT.0.href(&[&id]), version)
        }
    };
    FormPage {
        layout: task_layout(cx, task, &title),
        heading: title,
        context: vec![Fact::new("과제", task.summary.title.clone())],
        intro: vec![],
        alert: None,
        form: FormView {
            action,
            csrf: cx.csrf(),
            hidden,
            fields: P::fields(input),
            submit: "저장",
            cancel: links::task(&task.summary.id),
        },
        reload,
    }
}

async fn new_page<P: PartForm>(db: &Db, cx: &Ctx, task: TaskId, input: &P::Input) -> Result<FormPage, AppError> {
    let task = parts::open_task::<P>(db, cx.by(), task).await?;
    Ok(part_page::<P>(cx, &task, None, input))
}

pub(crate) async fn new_form<P: PartForm>(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = async { new_page::<P>(&state.db, &cx, TaskId::parse(&id)?, &P::Input::default()).await }.await;
    respond(result, &cx)
}

pub(crate) async fn create<P: PartForm>(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<P::Input>, FormRejection>,
) -> Response {
    let (input, task): (_, TaskId) = match posted(form, &id) {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let result = parts::add::<P>(db, cx.by(), task, &input).await.map(|_| saved(task));
    answer(&cx, result.map_err(AppError::from), async || new_page::<P>(db, &cx, task, &input).await).await
}

async fn edit_page<P: PartForm>(db: &Db, cx: &Ctx, id: P::Id, input: Option<&P::Input>) -> Result<FormPage, AppError> {
    let (task, view) = parts::open::<P>(db, cx.by(), id).await?;
    let input = input.cloned().unwrap_or_else(|| P::input_of(&view));
    Ok(part_page::<P>(cx, &task, Some(&view), &input))
}

pub(crate) async fn edit_form<P: PartForm>(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = async { edit_page::<P>(&state.db, &cx, P::Id::parse(&id)?, None).await }.await;
    respond(result, &cx)
}

pub(crate) async fn edit<P: PartForm>(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<P::Input>, FormRejection>,
) -> Response {
    let (input, id): (_, P::Id) = match posted(form, &id) {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let result = parts::update::<P>(db, cx.by(), id, &input).await.map(|(_, task)| saved(task));
    answer(&cx, result.map_err(AppError::from), async || edit_page::<P>(db, &cx, id, Some(&input)).await).await
}

fn remove_page<P: PartForm>(cx: &Ctx, task: &TaskDetail, view: &P::View, version: &Option<String>) -> ConfirmPage {
    let id = Into::<i64>::into(P::view_id(view));
    let name = P::name_of(view);
    let title = format!("{} 삭제", P::WHAT);
    ConfirmPage {
        layout: task_layout(cx, task, &title),
        heading: title,
        context: vec![Fact::new("과제", task.summary.title.clone()), Fact::new(P::WHAT, name.clone())],
        message: vec![
            format!(
                "{} {} 삭제합니다. 과제 화면에서 사라집니다.",
                P::WHAT,
                with_particle(&format!("'{name}'"), Particle::Object)
            ),
            format!("삭제하기 전의 마지막 내용({})은 감사기록에 남습니다.", P::KEPT),
        ],
        alert: None,
        action: P::REMOVE.1.href(&[&id]),
        csrf: cx.csrf(),
        version: version.clone().unwrap_or_default(),
        submit: "삭제",
        cancel: links::task(&task.summary.id),
        reload: P::REMOVE.0.href(&[&id]),
    }
}

async fn removal_page<P: PartForm>(
    db: &Db,
    cx: &Ctx,
    id: P::Id,
    version: Option<&Option<String>>,
) -> Result<ConfirmPage, AppError> {
    let (task, view) = parts::open::<P>(db, cx.by(), id).await?;
    let stored = P::input_version(&P::input_of(&view)).clone();
    Ok(remove_page::<P>(cx, &task, &view, version.unwrap_or(&stored)))
}

pub(crate) async fn remove_form<P: PartForm>(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let result = async { removal_page::<P>(&state.db, &cx, P::Id::parse(&id)?, None).await }.await;
    respond(result, &cx)
}

pub(crate) async fn remove<P: PartForm>(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<VersionInput>, FormRejection>,
) -> Response {
    let (input, id): (_, P::Id) = match posted(form, &id) {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let result = parts::remove::<P>(db, cx.by(), id, &input).await.map(saved);
    answer(&cx, result.map_err(AppError::from), async || removal_page::<P>(db, &cx, id, Some(&input.version)).await)
        .await
}
