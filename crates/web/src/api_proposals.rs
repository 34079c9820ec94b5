//! JSON API v1 of proposals (과제 발굴): proposing a task, editing the proposal, the list, and each
//! co-agency's answer. Who may call what is in `routes.rs`; the record-level rules are the use
//! cases'. Tabling is a move (`POST /api/v1/tasks/{id}/transitions` with `table`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use hanteam_app::proposals;
use hanteam_app::views::{Page, ProposalSummary};
use hanteam_domain::proposal::{ParticipationInput, ProposalInput};
use hanteam_domain::{PagingInput, TaskId};

use crate::api::Written;
use crate::auth::Viewer;
use crate::error::{AppError, ErrorBody};
use crate::wire::{ApiJson, ApiQuery};
use crate::AppState;

/// Propose a task (과제 제안): an agency officer for their own agency (the lead; `lead_agency_id` may
/// be left out), or OPC (naming the lead). `co_agency_ids` are the co-agencies asked to take part:
/// they start `pending` and their officers are notified. The task starts `proposed` (발굴) and is
/// not public. KPIs and milestones are added next (`POST /api/v1/tasks/{id}/kpis`, `…/milestones`).
#[utoipa::path(post, path = "/api/v1/proposals", tag = "proposals", request_body = ProposalInput,
    security(("token" = [])),
    responses((status = 201, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn propose(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<ProposalInput>,
) -> Result<(StatusCode, Json<Written>), AppError> {
    let saved = proposals::propose(&state.db, &viewer.caller, &input).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

/// The proposals (과제 발굴 목록) the caller may see, proposed or tabled, last changed first: all for
/// OPC and auditors, those of their agency for an officer. Each task's `agencies` carry their
/// `participation` (pending, confirmed, declined).
#[utoipa::path(get, path = "/api/v1/proposals", tag = "proposals", params(PagingInput), security(("token" = [])),
    responses((status = 200, body = Page<ProposalSummary>), (status = 400, body = ErrorBody),
               (status = 401, body = ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<PagingInput>,
) -> Result<Json<Page<ProposalSummary>>, AppError> {
    Ok(Json(proposals::list(&state.db, &viewer.caller, &paging).await?.1))
}

/// Edit a proposal while it is `proposed` (before tabling, or after the council returned it): its
/// proposer's officers or OPC. Co-agencies no longer named leave it; new ones are asked.
#[utoipa::path(put, path = "/api/v1/proposals/{id}", tag = "proposals", request_body = ProposalInput,
    params(("id" = i64, Path, description = "Task id")), security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ProposalInput>,
) -> Result<Json<Written>, AppError> {
    Ok(Json(proposals::update(&state.db, &viewer.caller, TaskId::parse(&id)?, &input).await?.into()))
}

/// A co-agency confirms (`confirm`) or declines (`decline`, with a `reason`) taking part in a
/// proposed task: that agency's officers only. `version` is the agency's `role_version` in the
/// task; the answer is `id` (the agency) and its new version.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/participation", tag = "proposals", request_body = ParticipationInput,
    params(("id" = i64, Path, description = "Task id")), security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn answer(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ParticipationInput>,
) -> Result<Json<Written>, AppError> {
    Ok(Json(proposals::answer(&state.db, &viewer.caller, TaskId::parse(&id)?, &input).await?.into()))
}
