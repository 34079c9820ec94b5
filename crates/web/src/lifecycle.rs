//! A task's lifecycle at the edges: the moves as a form on the task page (each move asks for a
//! confirmation, with the reason where one is needed) and as `POST /api/v1/tasks/{id}/transitions`,
//! and the history of moves as a section of the task page and `GET /api/v1/tasks/{id}/history`.

use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::{Form, Json};
use hanteam_app::lifecycle::{self, Moved, Transition};
use hanteam_app::{tasks, Db};
use hanteam_domain::lifecycle::TransitionInput;
use hanteam_domain::{TaskAction, TaskId};

use crate::auth::Viewer;
use crate::endpoint::Endpoint;
use crate::error::{AppError, ErrorBody};
use crate::pages::context::Ctx;
use crate::pages::edit::{task_layout, version_field};
use crate::pages::form::{answer, posted, Fact, Field, FormPage, FormView, Hidden};
use crate::pages::format::when;
use crate::pages::links;
use crate::pages::render::{error_page, respond};
use crate::pages::widgets::{Cell, Table};
use crate::wire::ApiJson;
use crate::AppState;

/// Make a lifecycle move on a task: `table`, `confirm`, `return`, `start`, `hold`, `resume`,
/// `complete` or `drop`. A reason is required for return, hold and drop. A move the task's status
/// does not allow is 409, one the caller's role may not make 403; both say which moves are
/// allowed now and who may make them.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/transitions", tag = "registry", request_body = TransitionInput,
    params(("id" = i64, Path, description = "Task id")), security(("token" = [])),
    responses((status = 200, body = Moved), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn api_transition(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<TransitionInput>,
) -> Result<Json<Moved>, AppError> {
    let id = TaskId::parse(&id)?;
    Ok(Json(lifecycle::transition(&state.db, &viewer.caller, id, &input).await?))
}

/// A task's moves, oldest first: who, when, why, and the council meeting that decided it.
#[utoipa::path(get, path = "/api/v1/tasks/{id}/history", tag = "registry",
    params(("id" = i64, Path, description = "Task id")),
    responses((status = 200, body = Vec<Transition>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn api_history(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Json<Vec<Transition>>, AppError> {
    Ok(Json(lifecycle::history(&state.db, &viewer.caller, TaskId::parse(&id)?).await?))
}

/// The history as the task page shows it.
pub(crate) fn history_table(moves: &[Transition]) -> Table {
    Table {
        caption: "상태 변경 이력".into(),
        head: vec!["일시", "작업", "상태", "사유", "처리"],
        rows: moves
            .iter()
            .map(|m| {
                vec![
                    Cell::Time(when(m.at)),
                    Cell::Text(m.action.label_ko().into()),
                    Cell::Text(format!("{} → {}", m.from.label_ko(), m.to.label_ko())),
                    Cell::Text(m.reason.clone().unwrap_or_else(|| "-".into())),
                    match m.meeting_id {
                        Some(meeting) => {
                            Cell::Link { href: links::meeting(&meeting), text: m.by.clone(), hidden: None }
                        }
                        None => Cell::Text(m.by.clone()),
                    },
                ]
            })
            .collect(),
        scroll_label: None,
    }
}

/// The task page's buttons: one per move the viewer may make now.
pub(crate) fn move_links(id: TaskId, moves: &[TaskAction]) -> Vec<(String, &'static str)> {
    moves.iter().map(|a| (Endpoint::TaskMoveForm.href(&[&id, &a.as_str()]), a.label_ko())).collect()
}

/// What the confirmation page says a move does.
fn explain(action: TaskAction) -> &'static str {
    match action {
        TaskAction::Table => "이 과제를 협업과제점검협의회에 상정합니다. 상정하려면 참여하는 모든 기관이 참여를 확인했고, 목표와 기한이 있는 성과지표와 날짜가 있는 추진일정이 있어야 합니다.",
        TaskAction::Confirm => "협의회의 결정에 따라 이 과제를 협업과제로 확정합니다. 확정된 과제는 공개 화면에 나타납니다.",
        TaskAction::Return => "협의회의 결정에 따라 이 과제를 제안한 기관에 반려합니다. 과제는 '발굴' 상태로 돌아가고, 보완한 뒤 다시 상정할 수 있습니다.",
        TaskAction::Start => "이 과제의 추진에 착수합니다.",
        TaskAction::Hold => "이 과제의 추진을 일시중지합니다. 다시 추진할 때 '재개'합니다.",
        TaskAction::Resume => "일시중지한 과제의 추진을 재개합니다.",
        TaskAction::Complete => "이 과제를 완료합니다. 완료한 과제는 상태가 더 바뀌지 않습니다.",
        TaskAction::Drop => "이 과제의 추진을 중단합니다. 중단한 과제는 상태가 더 바뀌지 않으며, 기록은 그대로 남습니다.",
    }
}

async fn move_page(db: &Db, cx: &Ctx, id: TaskId, input: &TransitionInput) -> Result<FormPage, AppError> {
    let raw = input.action.as_deref().unwrap_or_default();
    let action: TaskAction = raw.parse().map_err(|_| AppError::NotFound(format!("'{raw}' 작업")))?;
    // Refused with the reason (the status, or who may) and what is possible now.
    lifecycle::may_move(db, cx.by(), id, action).await?;
    let task = tasks::detail(db, cx.by(), id).await?;
    let title = format!("과제 {}", action.label_ko());
    let version = input.version.clone().or_else(|| Some(task.summary.version.to_string()));
    let mut reason = Field::textarea("reason", "사유", &input.reason, 4);
    reason = if action.needs_reason() {
        reason.required().hint("2,000자 이내로 적습니다. 과제의 상태 변경 이력에 남습니다.")
    } else {
        reason.hint("적지 않아도 됩니다. 적으면 과제의 상태 변경 이력에 남습니다.")
    };
    let mut hidden = version_field(&version);
    hidden.push(Hidden { name: "action", value: action.as_str().into() });
    Ok(FormPage {
        layout: task_layout(cx, &task, &title),
        heading: title,
        context: vec![
            Fact::new("과제", task.summary.title.clone()),
            Fact::new("현재 상태", task.summary.status.label_ko().to_string()),
        ],
        intro: vec![explain(action).into()],
        alert: None,
        form: FormView {
            action: Endpoint::TaskMove.href(&[&id]),
            csrf: cx.csrf(),
            hidden,
            fields: vec![reason],
            submit: action.label_ko(),
            cancel: links::task(&id),
        },
        reload: Endpoint::TaskMoveForm.href(&[&id, &action.as_str()]),
    })
}

pub(crate) async fn move_form(
    State(state): State<AppState>,
    cx: Ctx,
    Path((id, action)): Path<(String, String)>,
) -> Response {
    let result = async {
        let input = TransitionInput { action: Some(action), ..TransitionInput::default() };
        move_page(&state.db, &cx, TaskId::parse(&id)?, &input).await
    }
    .await;
    respond(result, &cx)
}

pub(crate) async fn move_task(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<TransitionInput>, FormRejection>,
) -> Response {
    let (input, id): (TransitionInput, TaskId) = match posted(form, &id) {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let result = lifecycle::transition(db, cx.by(), id, &input).await.map(|_| links::saved(&links::task(&id)));
    if input.action.as_deref().unwrap_or_default().trim().parse::<TaskAction>().is_err() {
        // Not a form of ours (no move to show the form of again): the refusal as a page.
        return match result {
            Ok(href) => crate::pages::render::see_other(&href),
            Err(e) => error_page(e, &cx),
        };
    }
    answer(&cx, result.map_err(AppError::from), async || move_page(db, &cx, id, &input).await).await
}
