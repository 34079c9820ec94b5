//! JSON API v1. The OpenAPI document is generated from these handlers and the view types, so it
//! cannot drift from what the server does.

use std::sync::OnceLock;

use axum::extract::{Path, Query, State};
use axum::Json;
use hanteam_domain::TaskFilterInput;
use hanteam_store::views::{
    Agency, ExchangePair, MeetingDetail, MeetingSummary, Overview, Page, TaskDetail, TaskSummary,
};
use serde::Serialize;
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{AppError, ErrorBody};
use crate::{shared, AppState};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "hanteam API",
        version = "1",
        description = "한팀(hanteam): 범정부 협업과제 관리 시스템의 JSON API. 오류는 언제나 \
                       {\"error\":{\"code\",\"message\",\"field\"}} 형태이며 message는 한국어입니다."
    ),
    tags(
        (name = "registry", description = "기관, 교류직위 쌍, 협업과제, 협의회"),
        (name = "system", description = "상태 확인과 API 문서")
    )
)]
struct ApiDoc;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(healthz))
        .routes(routes!(openapi_json))
        .routes(routes!(overview))
        .routes(routes!(list_agencies))
        .routes(routes!(get_agency))
        .routes(routes!(list_exchange_pairs))
        .routes(routes!(list_tasks))
        .routes(routes!(get_task))
        .routes(routes!(list_meetings))
        .routes(routes!(get_meeting))
}

/// The OpenAPI 3 document of every endpoint above.
pub fn openapi_document() -> &'static OpenApiDoc {
    static DOC: OnceLock<OpenApiDoc> = OnceLock::new();
    DOC.get_or_init(|| router().split_for_parts().1)
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// "ok" when the server answers and its database does.
    status: &'static str,
}

/// Liveness and readiness: answers ok when the database answers.
#[utoipa::path(get, path = "/healthz", tag = "system",
    responses((status = 200, body = Health), (status = 500, body = ErrorBody)))]
async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, AppError> {
    state.db.overview().await?;
    Ok(Json(Health { status: "ok" }))
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "system", responses((status = 200, description = "OpenAPI 3 document")))]
async fn openapi_json() -> Json<&'static OpenApiDoc> {
    Json(openapi_document())
}

/// Counts for a dashboard: pairs, tasks by type and status, agencies, meetings.
#[utoipa::path(get, path = "/api/v1/overview", tag = "registry", responses((status = 200, body = Overview)))]
async fn overview(State(state): State<AppState>) -> Result<Json<Overview>, AppError> {
    Ok(Json(state.db.overview().await?))
}

/// All agencies.
#[utoipa::path(get, path = "/api/v1/agencies", tag = "registry", responses((status = 200, body = Page<Agency>)))]
async fn list_agencies(State(state): State<AppState>) -> Result<Json<Page<Agency>>, AppError> {
    let items = state.db.list_agencies().await?;
    Ok(Json(Page { total: items.len() as i64, items }))
}

#[derive(Serialize, ToSchema)]
pub struct AgencyDetail {
    #[serde(flatten)]
    agency: Agency,
    /// The exchange pairs the agency takes part in.
    exchange_pairs: Vec<ExchangePair>,
    /// Its tasks, in annex order.
    tasks: Page<TaskSummary>,
}

/// One agency, by id or short name, with its exchange pairs and tasks.
#[utoipa::path(get, path = "/api/v1/agencies/{id}", tag = "registry",
    params(("id" = String, Path, description = "Agency id or short name (환경부)")),
    responses((status = 200, body = AgencyDetail), (status = 404, body = ErrorBody)))]
async fn get_agency(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<AgencyDetail>, AppError> {
    let page = shared::agency(&state.db, &id).await?;
    Ok(Json(AgencyDetail { agency: page.agency, exchange_pairs: page.pairs, tasks: page.tasks }))
}

/// The exchange pairs (교류직위 쌍) in annex order, with their positions and task ids.
#[utoipa::path(get, path = "/api/v1/exchange-pairs", tag = "registry", responses((status = 200, body = Page<ExchangePair>)))]
async fn list_exchange_pairs(State(state): State<AppState>) -> Result<Json<Page<ExchangePair>>, AppError> {
    let items = state.db.list_pairs().await?;
    Ok(Json(Page { total: items.len() as i64, items }))
}

/// Collaboration tasks, filtered and paged; `total` counts all matches.
#[utoipa::path(get, path = "/api/v1/tasks", tag = "registry", params(TaskFilterInput),
    responses((status = 200, body = Page<TaskSummary>), (status = 400, body = ErrorBody)))]
async fn list_tasks(
    State(state): State<AppState>,
    Query(input): Query<TaskFilterInput>,
) -> Result<Json<Page<TaskSummary>>, AppError> {
    let (_, page) = shared::task_list(&state.db, &input).await?;
    Ok(Json(page))
}

/// One task in full: agencies and roles, KPIs, milestones, its pair with positions and exchangees,
/// and the meetings where it was tabled.
#[utoipa::path(get, path = "/api/v1/tasks/{id}", tag = "registry",
    params(("id" = i64, Path, description = "Task id")),
    responses((status = 200, body = TaskDetail), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_task(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<TaskDetail>, AppError> {
    Ok(Json(shared::task(&state.db, &id).await?))
}

/// Review council meetings (협업과제점검협의회), oldest first.
#[utoipa::path(get, path = "/api/v1/meetings", tag = "registry", responses((status = 200, body = Page<MeetingSummary>)))]
async fn list_meetings(State(state): State<AppState>) -> Result<Json<Page<MeetingSummary>>, AppError> {
    let items = state.db.list_meetings().await?;
    Ok(Json(Page { total: items.len() as i64, items }))
}

/// One meeting with its agenda, decisions and the tasks tabled.
#[utoipa::path(get, path = "/api/v1/meetings/{id}", tag = "registry",
    params(("id" = i64, Path, description = "Meeting id")),
    responses((status = 200, body = MeetingDetail), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_meeting(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<MeetingDetail>, AppError> {
    Ok(Json(shared::meeting(&state.db, &id).await?))
}
