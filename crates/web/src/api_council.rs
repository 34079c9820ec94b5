//! The review council in the JSON API: `POST /api/v1/meetings` (schedule), `PUT
//! /api/v1/meetings/{id}` (edit while scheduled), `POST /api/v1/meetings/{id}/cancel`, `POST
//! /api/v1/meetings/{id}/agenda-items` (the agenda), `POST /api/v1/agenda-items/{id}/decision` (the
//! council's decision, which moves the task) and `GET /api/v1/agenda-backlog`. The use cases are in
//! `hanteam_app::council`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use hanteam_app::council::{self, Decided};
use hanteam_app::council_views::BacklogItem;
use hanteam_app::views::Page;
use hanteam_domain::council::{AgendaItemInput, CancelMeetingInput, CouncilDecisionInput, CouncilMeetingInput};
use hanteam_domain::{AgendaItemId, MeetingId, Paging, PagingInput};

use crate::api::Written;
use crate::auth::Viewer;
use crate::error::{AppError, ErrorBody};
use crate::wire::{ApiJson, ApiQuery};
use crate::AppState;

/// Schedule a council meeting (OPC): number (차수), start and end in Korean time, venue, chair and
/// the attending agencies.
#[utoipa::path(post, path = "/api/v1/meetings", tag = "council", request_body = CouncilMeetingInput,
    security(("token" = [])),
    responses((status = 201, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn schedule(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<CouncilMeetingInput>,
) -> Result<(StatusCode, Json<Written>), AppError> {
    let saved = council::schedule(&state.db, &viewer.caller, &input).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

/// Change a scheduled meeting (OPC); `version` is the one read. A meeting held or cancelled is 409.
#[utoipa::path(put, path = "/api/v1/meetings/{id}", tag = "council", request_body = CouncilMeetingInput,
    params(("id" = i64, Path, description = "Meeting id")), security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CouncilMeetingInput>,
) -> Result<Json<Written>, AppError> {
    Ok(Json(council::update(&state.db, &viewer.caller, MeetingId::parse(&id)?, &input).await?.into()))
}

/// Cancel a scheduled meeting with a reason (OPC); its undecided items go back to the backlog.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/cancel", tag = "council", request_body = CancelMeetingInput,
    params(("id" = i64, Path, description = "Meeting id")), security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn cancel(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CancelMeetingInput>,
) -> Result<Json<Written>, AppError> {
    Ok(Json(council::cancel(&state.db, &viewer.caller, MeetingId::parse(&id)?, &input).await?.into()))
}

/// Put an item on a scheduled meeting's agenda (OPC): a tabled task to confirm
/// (`task_confirmation`), an active task's progress review (`progress_review`) or a bottleneck in
/// mediation (`mediation`; its agencies' officers are notified).
#[utoipa::path(post, path = "/api/v1/meetings/{id}/agenda-items", tag = "council", request_body = AgendaItemInput,
    params(("id" = i64, Path, description = "Meeting id")), security(("token" = [])),
    responses((status = 201, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn add_item(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<AgendaItemInput>,
) -> Result<(StatusCode, Json<Written>), AppError> {
    let saved = council::add_item(&state.db, &viewer.caller, MeetingId::parse(&id)?, &input).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

/// Record the council's decision on an agenda item (OPC): confirmed (the task is confirmed),
/// returned (back to its proposers), deferred (back to the backlog) or noted, with a reason unless
/// confirmed, and follow-ups for their owners. Of two decisions from the same version, one wins
/// and the other gets 409.
#[utoipa::path(post, path = "/api/v1/agenda-items/{id}/decision", tag = "council", request_body = CouncilDecisionInput,
    params(("id" = i64, Path, description = "Agenda item id")), security(("token" = [])),
    responses((status = 200, body = Decided), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn decide(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CouncilDecisionInput>,
) -> Result<Json<Decided>, AppError> {
    Ok(Json(council::decide(&state.db, &viewer.caller, AgendaItemId::parse(&id)?, &input).await?))
}

/// What waits for a council (OPC): tabled tasks and bottlenecks in mediation on no meeting's
/// agenda undecided, longest waiting first, a page at a time.
#[utoipa::path(get, path = "/api/v1/agenda-backlog", tag = "council", params(PagingInput), security(("token" = [])),
    responses((status = 200, body = Page<BacklogItem>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn backlog(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<PagingInput>,
) -> Result<Json<Page<BacklogItem>>, AppError> {
    Ok(Json(council::backlog(&state.db, &viewer.caller, Paging::parse(&paging)?).await?))
}
