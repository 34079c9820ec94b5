//! Evaluation rounds and panels in the JSON API: rounds (create, list, read, edit, move a stage),
//! panels (OPC), the assignment tool (run, dry run, confirm), the pledge, an evaluator's own tasks,
//! 회피·기피 and OPC's decision. The use cases are in `hanteam_app::evaluation`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use hanteam_app::evaluation::{self, AssignmentView, MyTasksView, PanelsView, PledgeView, RoundView};
use hanteam_app::views::Page;
use hanteam_domain::evaluation::setup::{
    AssignmentInput, ConflictDecisionInput, ConflictInput, RoundInput, StageInput,
};
use hanteam_domain::{EvaluationConflictId, EvaluationRoundId, Paging, PagingInput};

use crate::api::Written;
use crate::auth::Viewer;
use crate::error::{AppError, ErrorBody};
use crate::wire::{ApiJson, ApiQuery};
use crate::AppState;

/// Create an evaluation round in 준비 (OPC): its name, the seven stage dates, the tasks (null: every
/// confirmed, in-progress or completed task not archived) and its settings from the presets.
#[utoipa::path(post, path = "/api/v1/evaluation-rounds", tag = "evaluation", request_body = RoundInput,
    security(("token" = [])),
    responses((status = 201, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn create_round(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<RoundInput>,
) -> Result<(StatusCode, Json<Written>), AppError> {
    let saved = evaluation::create(&state.db, &viewer.caller, &input).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

/// The rounds the caller may read, newest first: OPC and auditors all; other signed-in people those
/// past 준비; the public the published ones.
#[utoipa::path(get, path = "/api/v1/evaluation-rounds", tag = "evaluation", params(PagingInput),
    responses((status = 200, body = Page<RoundView>), (status = 400, body = ErrorBody)))]
pub(crate) async fn list_rounds(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<PagingInput>,
) -> Result<Json<Page<RoundView>>, AppError> {
    Ok(Json(evaluation::list(&state.db, &viewer.caller, Paging::parse(&paging)?).await?))
}

/// One round with its schedule and settings; 404 for those who may not read it yet.
#[utoipa::path(get, path = "/api/v1/evaluation-rounds/{id}", tag = "evaluation",
    params(("id" = i64, Path, description = "Round id")),
    responses((status = 200, body = RoundView), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_round(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Json<RoundView>, AppError> {
    Ok(Json(evaluation::get(&state.db, &viewer.caller, EvaluationRoundId::parse(&id)?).await?))
}

/// Edit a round (OPC) with the version read; null keeps a setting. The rubric is frozen from 채점
/// (409), the tasks change only in 준비.
#[utoipa::path(put, path = "/api/v1/evaluation-rounds/{id}", tag = "evaluation", request_body = RoundInput,
    params(("id" = i64, Path, description = "Round id")), security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn update_round(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<RoundInput>,
) -> Result<Json<Written>, AppError> {
    Ok(Json(evaluation::update(&state.db, &viewer.caller, EvaluationRoundId::parse(&id)?, &input).await?.into()))
}

/// Move a round to a stage (OPC): the next one, or from 검토 back to 채점. A refused move is 409 with
/// the reason (e.g. the objection period has not ended).
#[utoipa::path(post, path = "/api/v1/evaluation-rounds/{id}/stage", tag = "evaluation", request_body = StageInput,
    params(("id" = i64, Path, description = "Round id")), security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn move_stage(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<StageInput>,
) -> Result<Json<Written>, AppError> {
    let saved =
        evaluation::move_stage(&state.db, &viewer.caller, EvaluationRoundId::parse(&id)?, &input, chrono::Utc::now())
            .await?;
    Ok(Json(saved.into()))
}

/// The round's panels a page of tasks at a time (OPC): members with their private flag, the share
/// check, and who is kept off each task and why (제척·회피·기피); every 회피 and 기피 of the round.
#[utoipa::path(get, path = "/api/v1/evaluation-rounds/{id}/panels", tag = "evaluation", params(("id" = i64, Path, description = "Round id"), PagingInput),
    security(("token" = [])),
    responses((status = 200, body = PanelsView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn panels(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiQuery(paging): ApiQuery<PagingInput>,
) -> Result<Json<PanelsView>, AppError> {
    Ok(Json(
        evaluation::panels(&state.db, &viewer.caller, EvaluationRoundId::parse(&id)?, Paging::parse(&paging)?).await?,
    ))
}

/// Run the assignment tool (OPC): `dry_run: true` proposes and writes nothing; otherwise the panels
/// are confirmed. When no assignment exists, 409 with the reasons per task, and nothing is written.
#[utoipa::path(post, path = "/api/v1/evaluation-rounds/{id}/assignment", tag = "evaluation", request_body = AssignmentInput,
    params(("id" = i64, Path, description = "Round id")), security(("token" = [])),
    responses((status = 200, body = AssignmentView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn run_assignment(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<AssignmentInput>,
) -> Result<Json<AssignmentView>, AppError> {
    Ok(Json(evaluation::run_assignment(&state.db, &viewer.caller, EvaluationRoundId::parse(&id)?, &input).await?))
}

/// Sign the round's pledge of impartiality and confidentiality (an evaluator), once.
#[utoipa::path(post, path = "/api/v1/evaluation-rounds/{id}/pledge", tag = "evaluation",
    params(("id" = i64, Path, description = "Round id")), security(("token" = [])),
    responses((status = 201, body = PledgeView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
               (status = 409, body = ErrorBody)))]
pub(crate) async fn sign_pledge(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<PledgeView>), AppError> {
    let p = evaluation::sign_pledge(&state.db, &viewer.caller, EvaluationRoundId::parse(&id)?).await?;
    Ok((StatusCode::CREATED, Json(p)))
}

/// The evaluator's own tasks in the round: only the pledge until it is signed; never the other
/// members of a panel.
#[utoipa::path(get, path = "/api/v1/evaluation-rounds/{id}/my-tasks", tag = "evaluation", params(("id" = i64, Path, description = "Round id"), PagingInput),
    security(("token" = [])),
    responses((status = 200, body = MyTasksView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn my_tasks(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiQuery(paging): ApiQuery<PagingInput>,
) -> Result<Json<MyTasksView>, AppError> {
    Ok(Json(
        evaluation::my_tasks(&state.db, &viewer.caller, EvaluationRoundId::parse(&id)?, Paging::parse(&paging)?)
            .await?,
    ))
}

/// 회피 (`kind: recusal`, by the evaluator about itself; takes it off the task at once) or 기피
/// (`kind: challenge`, by an officer of the task's agency naming `evaluator_id`; OPC decides), with a reason.
#[utoipa::path(post, path = "/api/v1/evaluation-rounds/{id}/conflicts", tag = "evaluation", request_body = ConflictInput,
    params(("id" = i64, Path, description = "Round id")), security(("token" = [])),
    responses((status = 201, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn declare_conflict(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ConflictInput>,
) -> Result<(StatusCode, Json<Written>), AppError> {
    let saved = evaluation::declare_conflict(&state.db, &viewer.caller, EvaluationRoundId::parse(&id)?, &input).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

/// OPC's decision on a pending 기피: `upheld` (the evaluator leaves the task's panel) or `rejected`, with a reason.
#[utoipa::path(post, path = "/api/v1/evaluation-conflicts/{id}/decision", tag = "evaluation", request_body = ConflictDecisionInput,
    params(("id" = i64, Path, description = "Conflict id")), security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn decide_conflict(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ConflictDecisionInput>,
) -> Result<Json<Written>, AppError> {
    Ok(Json(
        evaluation::decide_conflict(&state.db, &viewer.caller, EvaluationConflictId::parse(&id)?, &input).await?.into(),
    ))
}
