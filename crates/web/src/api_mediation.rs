//! JSON API v1 of bottlenecks (애로사항), their mediation (이견 조정) and follow-up actions
//! (후속조치). Who may call what is in `routes.rs`; the record-level rules are the use cases'.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use hanteam_app::follow_ups;
use hanteam_app::mediation::{self, BottleneckListInput};
use hanteam_app::mediation_views::{BottleneckDetail, BottleneckSummary, FollowUp};
use hanteam_app::views::Page;
use hanteam_domain::bottleneck::{AgencyPositionInput, BottleneckInput, DecisionInput, MeetingInput, OutcomeInput};
use hanteam_domain::filter::{Paging, PagingInput};
use hanteam_domain::follow_up::FollowUpDoneInput;
use hanteam_domain::{AgencyId, BottleneckId, FollowUpId, TaskId};

use crate::api::Written;
use crate::auth::Viewer;
use crate::error::{AppError, ErrorBody};
use crate::wire::{ApiJson, ApiQuery};
use crate::AppState;

/// The caller's own follow-ups not yet done (assigned to them, or owned by their agency), by due
/// date, a page at a time, with how many there are.
#[utoipa::path(get, path = "/api/v1/follow-ups", tag = "mediation", params(PagingInput), security(("token" = [])),
    responses((status = 200, body = Page<FollowUp>), (status = 400, body = ErrorBody)))]
pub(crate) async fn my_follow_ups(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<PagingInput>,
) -> Result<Json<Page<FollowUp>>, AppError> {
    let page = follow_ups::mine(&state.db, &viewer.caller, Paging::parse(&paging)?).await?;
    Ok(Json(page.unwrap_or(Page { items: vec![], total: 0 })))
}

/// One follow-up (of a task whose internal record the caller sees).
#[utoipa::path(get, path = "/api/v1/follow-ups/{id}", tag = "mediation", security(("token" = [])),
    params(("id" = i64, Path, description = "Follow-up id")),
    responses((status = 200, body = FollowUp), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_follow_up(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Json<FollowUp>, AppError> {
    Ok(Json(follow_ups::get(&state.db, &viewer.caller, FollowUpId::parse(&id)?).await?))
}

/// Mark a follow-up done (today unless `done_on` says): an officer of the owner agency, the person
/// it is assigned to, or OPC.
#[utoipa::path(post, path = "/api/v1/follow-ups/{id}/done", tag = "mediation", request_body = FollowUpDoneInput,
    params(("id" = i64, Path, description = "Follow-up id")), security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn follow_up_done(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<FollowUpDoneInput>,
) -> Result<(StatusCode, Json<Written>), AppError> {
    let saved = follow_ups::complete(&state.db, &viewer.caller, FollowUpId::parse(&id)?, &input).await?;
    Ok((StatusCode::OK, Json(saved.into())))
}

// ---------------------------------------------------------------------------------------------
// Bottlenecks and their mediation.

/// Raise a bottleneck on a task: an officer of one of its agencies, an exchangee of its pair, or
/// OPC. `agency_ids` are the agencies involved (some of the task's).
#[utoipa::path(post, path = "/api/v1/tasks/{id}/bottlenecks", tag = "mediation", request_body = BottleneckInput,
    params(("id" = i64, Path, description = "Task id")), security(("token" = [])),
    responses((status = 201, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody)))]
pub(crate) async fn raise_bottleneck(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<BottleneckInput>,
) -> Result<(StatusCode, Json<Written>), AppError> {
    let saved = mediation::raise(&state.db, &viewer.caller, TaskId::parse(&id)?, &input).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

/// The bottlenecks of the tasks whose internal record the caller sees (their agencies' and pair's
/// tasks; OPC and auditors all): open ones first, oldest first, with how many days each has been open.
#[utoipa::path(get, path = "/api/v1/bottlenecks", tag = "mediation", params(BottleneckListInput),
    security(("token" = [])),
    responses((status = 200, body = Page<BottleneckSummary>), (status = 400, body = ErrorBody)))]
pub(crate) async fn list_bottlenecks(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(input): ApiQuery<BottleneckListInput>,
) -> Result<Json<Page<BottleneckSummary>>, AppError> {
    Ok(Json(mediation::list(&state.db, &viewer.caller, &input, Utc::now()).await?.1))
}

/// One bottleneck: the positions of the agencies involved, the mediation's meetings, its outcome
/// and follow-ups. Never to the public or evaluators (404).
#[utoipa::path(get, path = "/api/v1/bottlenecks/{id}", tag = "mediation", security(("token" = [])),
    params(("id" = i64, Path, description = "Bottleneck id")),
    responses((status = 200, body = BottleneckDetail), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_bottleneck(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Json<BottleneckDetail>, AppError> {
    Ok(Json(mediation::detail(&state.db, &viewer.caller, BottleneckId::parse(&id)?, Utc::now()).await?.bottleneck))
}

/// State or revise an involved agency's position (입장): that agency's officers, while open.
#[utoipa::path(put, path = "/api/v1/bottlenecks/{id}/positions/{agency_id}", tag = "mediation",
    request_body = AgencyPositionInput, security(("token" = [])),
    params(("id" = i64, Path, description = "Bottleneck id"), ("agency_id" = i64, Path, description = "Agency id")),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn state_position(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, agency_id)): Path<(String, String)>,
    ApiJson(input): ApiJson<AgencyPositionInput>,
) -> Result<Json<Written>, AppError> {
    let (id, agency) = (BottleneckId::parse(&id)?, AgencyId::parse(&agency_id)?);
    Ok(Json(mediation::state_position(&state.db, &viewer.caller, id, agency, &input).await?.into()))
}

/// Take a bottleneck into mediation (OPC).
#[utoipa::path(post, path = "/api/v1/bottlenecks/{id}/mediation", tag = "mediation", request_body = DecisionInput,
    params(("id" = i64, Path, description = "Bottleneck id")), security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn open_mediation(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<DecisionInput>,
) -> Result<Json<Written>, AppError> {
    Ok(Json(mediation::mediate(&state.db, &viewer.caller, BottleneckId::parse(&id)?, &input).await?.into()))
}

/// Resolve a bottleneck without mediation, with a reason (OPC).
#[utoipa::path(post, path = "/api/v1/bottlenecks/{id}/resolve", tag = "mediation", request_body = DecisionInput,
    params(("id" = i64, Path, description = "Bottleneck id")), security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn resolve_bottleneck(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<DecisionInput>,
) -> Result<Json<Written>, AppError> {
    Ok(Json(mediation::resolve(&state.db, &viewer.caller, BottleneckId::parse(&id)?, &input).await?.into()))
}

/// Schedule a mediation meeting (OPC), while in mediation: Korean date and time, venue, attendees
/// by agency, and the council meeting it is an item of, if any.
#[utoipa::path(post, path = "/api/v1/bottlenecks/{id}/meetings", tag = "mediation", request_body = MeetingInput,
    params(("id" = i64, Path, description = "Bottleneck id")), security(("token" = [])),
    responses((status = 201, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody)))]
pub(crate) async fn schedule_meeting(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<MeetingInput>,
) -> Result<(StatusCode, Json<Written>), AppError> {
    let saved = mediation::schedule_meeting(&state.db, &viewer.caller, BottleneckId::parse(&id)?, &input).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

/// Record a mediation's outcome (OPC): agreed / partly_agreed resolve it, not_agreed escalates it;
/// `follow_ups` are the agreed actions (owner agency of the task, due date).
#[utoipa::path(post, path = "/api/v1/bottlenecks/{id}/outcome", tag = "mediation", request_body = OutcomeInput,
    params(("id" = i64, Path, description = "Bottleneck id")), security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn record_outcome(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<OutcomeInput>,
) -> Result<Json<Written>, AppError> {
    Ok(Json(mediation::record_outcome(&state.db, &viewer.caller, BottleneckId::parse(&id)?, &input).await?.into()))
}
