//! Scoring in the JSON API: an evaluator's own score sheet of a task (read with the evidence, save
//! a draft, submit), OPC's reopening of a submitted sheet, and the round's results. The use cases
//! are in `hanteam_app::scoring`; blindness is theirs to enforce.

use axum::extract::{Path, State};
use axum::Json;
use hanteam_app::scoring::{self, ReopenInput, ResultsView, SheetView};
use hanteam_domain::edit::VersionInput;
use hanteam_domain::evaluation::sheet::ScoreSheetInput;
use hanteam_domain::{EvaluationRoundId, Paging, PagingInput, TaskId, UserId, ValidationError};
use serde::{Deserialize, Serialize};

use crate::api::Written;
use crate::auth::Viewer;
use crate::error::{AppError, ErrorBody};
use crate::wire::{ApiJson, ApiQuery};
use crate::AppState;

/// Whose sheet to read: left out, one's own (an evaluator).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct SheetQuery {
    /// Another evaluator's sheet: OPC and auditors only, once scoring has closed.
    pub evaluator_id: Option<String>,
}

fn ids(id: &str, task: &str) -> Result<(EvaluationRoundId, TaskId), AppError> {
    Ok((EvaluationRoundId::parse(id)?, TaskId::parse(task)?))
}

/// A score sheet of a task: the evaluator's own with the evidence it scores on (the task, its KPIs,
/// milestones and procedures, the lights of past check cycles); with `evaluator_id`, another
/// evaluator's, which only OPC and auditors read, and only once scoring has closed.
#[utoipa::path(get, path = "/api/v1/evaluation-rounds/{id}/tasks/{task_id}/score", tag = "evaluation",
    params(("id" = i64, Path, description = "Round id"), ("task_id" = i64, Path, description = "Task id"), SheetQuery),
    security(("token" = [])),
    responses((status = 200, body = SheetView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody)))]
pub(crate) async fn get_sheet(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, task)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<SheetQuery>,
) -> Result<Json<SheetView>, AppError> {
    let (id, task) = ids(&id, &task)?;
    let of = match q.evaluator_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => Some(UserId::parse(raw).map_err(|e| ValidationError::new("evaluator_id", e.message))?),
        None => None,
    };
    Ok(Json(scoring::sheet(&state.db, &viewer.caller, id, task, of).await?))
}

/// Save the evaluator's sheet as a draft, with the version read (null for the first save). Every
/// score must be on a criterion of the round's rubric and on its scale; a draft may leave criteria
/// unscored. Only in 채점, or after it for a sheet OPC reopened.
#[utoipa::path(put, path = "/api/v1/evaluation-rounds/{id}/tasks/{task_id}/score", tag = "evaluation",
    request_body = ScoreSheetInput,
    params(("id" = i64, Path, description = "Round id"), ("task_id" = i64, Path, description = "Task id")),
    security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn save_sheet(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, task)): Path<(String, String)>,
    ApiJson(input): ApiJson<ScoreSheetInput>,
) -> Result<Json<Written>, AppError> {
    let (id, task) = ids(&id, &task)?;
    Ok(Json(scoring::save_draft(&state.db, &viewer.caller, id, task, &input).await?.into()))
}

/// Submit the saved sheet, with its version: every criterion must be scored. The sheet locks until
/// OPC reopens it.
#[utoipa::path(post, path = "/api/v1/evaluation-rounds/{id}/tasks/{task_id}/score/submit", tag = "evaluation",
    request_body = VersionInput,
    params(("id" = i64, Path, description = "Round id"), ("task_id" = i64, Path, description = "Task id")),
    security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn submit_sheet(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, task)): Path<(String, String)>,
    ApiJson(input): ApiJson<VersionInput>,
) -> Result<Json<Written>, AppError> {
    let (id, task) = ids(&id, &task)?;
    Ok(Json(scoring::submit(&state.db, &viewer.caller, id, task, &input).await?.into()))
}

/// Reopen an evaluator's submitted sheet (OPC), with the reason recorded: the evaluator may change
/// and resubmit it (in 채점, 검토 or 이의신청).
#[utoipa::path(post, path = "/api/v1/evaluation-rounds/{id}/tasks/{task_id}/score/reopen", tag = "evaluation",
    request_body = ReopenInput,
    params(("id" = i64, Path, description = "Round id"), ("task_id" = i64, Path, description = "Task id")),
    security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn reopen_sheet(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, task)): Path<(String, String)>,
    ApiJson(input): ApiJson<ReopenInput>,
) -> Result<Json<Written>, AppError> {
    let (id, task) = ids(&id, &task)?;
    Ok(Json(scoring::reopen(&state.db, &viewer.caller, id, task, &input).await?.into()))
}

/// The round's results in ranking order, a page at a time: OPC and auditors once scoring has closed
/// (409 before); the officers of a task's agencies its provisional score and grade from 이의신청 on;
/// everyone once the round is published. Never the individual scores.
#[utoipa::path(get, path = "/api/v1/evaluation-rounds/{id}/results", tag = "evaluation",
    params(("id" = i64, Path, description = "Round id"), PagingInput),
    responses((status = 200, body = ResultsView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn results(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiQuery(paging): ApiQuery<PagingInput>,
) -> Result<Json<ResultsView>, AppError> {
    Ok(Json(
        scoring::results(&state.db, &viewer.caller, EvaluationRoundId::parse(&id)?, Paging::parse(&paging)?).await?,
    ))
}
