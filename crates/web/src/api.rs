//! JSON API v1. The OpenAPI document (`router.rs`) is generated from these handlers and the read
//! models, so it cannot drift from what the server does. Who may call what is in `routes.rs`; each
//! handler reads the request, calls one use case (`hanteam_app`) and writes its answer.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use hanteam_app::accounts::{self, CreatedToken, TokenInput, UserRef};
use hanteam_app::views::{
    Agency, MeetingDetail, MeetingSummary, Overview, Page, PairWithTasks, ProcedureList, TaskDetail, TaskMemo,
    TaskProcedure, TaskSummary,
};
use hanteam_app::{
    memos, notify, parts, registry, tasks, ApiTokenView, AuditRecord, NotificationRecord, Saved, UserView,
};
use hanteam_domain::access::{Right, Role};
use hanteam_domain::account::AccountFields;
use hanteam_domain::edit::{
    parse_version, AgencyInput, ExchangeeInput, PairInput, PositionInput, RoleInput, TaskInput, VersionInput,
};
use hanteam_domain::export::FileKind;
use hanteam_domain::memo::MemoInput;
use hanteam_domain::{
    AgencyId, AuditFilterInput, ExchangeeId, Kpi, KpiId, KpiInput, MeetingId, MemoId, Milestone, MilestoneId,
    MilestoneInput, NotificationId, Paging, PagingInput, PairId, PositionId, Procedure, ProcedureId, ProcedureInput,
    TaskFilterInput, TaskId, TokenId, UserId,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Viewer;
use crate::endpoint::Endpoint;
use crate::error::{AppError, ErrorBody};
use crate::wire::{ApiJson, ApiQuery};
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// "ok" when the server answers and its database does.
    status: &'static str,
}

/// Liveness: answers ok when the database answers (readiness is `/readyz`).
#[utoipa::path(get, path = "/healthz", tag = "system",
    responses((status = 200, body = Health), (status = 500, body = ErrorBody)))]
pub(crate) async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, AppError> {
    hanteam_app::database_answers(&state.db).await?;
    Ok(Json(Health { status: "ok" }))
}

/// Whether this instance should be sent requests.
#[derive(Serialize, ToSchema)]
pub struct Readiness {
    /// ready, stopping, migrations_pending or database_unavailable.
    status: &'static str,
    /// Why not, in Korean (absent when ready).
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

/// Readiness, for a load balancer: 200 when the database answers with every migration of this
/// binary applied and the server is not stopping; 503 otherwise, with the reason.
#[utoipa::path(get, path = "/readyz", tag = "system",
    responses((status = 200, body = Readiness), (status = 503, body = Readiness)))]
pub(crate) async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    use hanteam_app::Readiness as R;
    let (status, message) = if state.stopping.load(std::sync::atomic::Ordering::SeqCst) {
        ("stopping", "서버가 멈추는 중입니다. 다른 서버로 보내 주세요.".to_string())
    } else {
        match hanteam_app::readiness(&state.db).await {
            R::Ready => return (StatusCode::OK, Json(Readiness { status: "ready", message: None })),
            R::MigrationsPending(versions) => (
                "migrations_pending",
                format!(
                    "데이터베이스에 아직 적용되지 않은 마이그레이션이 있습니다 (버전 {}). `hanteam migrate`를 실행해 주세요.",
                    versions.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
                ),
            ),
            R::DatabaseUnavailable(cause) => {
                tracing::warn!(%cause, "not ready: the database");
                ("database_unavailable", "데이터베이스에 연결할 수 없습니다. 서버 기록을 확인해 주세요.".to_string())
            }
        }
    };
    (StatusCode::SERVICE_UNAVAILABLE, Json(Readiness { status, message: Some(message) }))
}

/// Counts for a dashboard: pairs, tasks by type and status (those the caller may see), agencies, meetings.
#[utoipa::path(get, path = "/api/v1/overview", tag = "registry", responses((status = 200, body = Overview)))]
pub(crate) async fn overview(State(state): State<AppState>, viewer: Viewer) -> Result<Json<Overview>, AppError> {
    Ok(Json(tasks::overview(&state.db, &viewer.caller).await?))
}

/// The agencies, a page at a time, in the order they were entered.
#[utoipa::path(get, path = "/api/v1/agencies", tag = "registry", params(PagingInput),
    responses((status = 200, body = Page<Agency>), (status = 400, body = ErrorBody)))]
pub(crate) async fn list_agencies(
    State(state): State<AppState>,
    ApiQuery(paging): ApiQuery<PagingInput>,
) -> Result<Json<Page<Agency>>, AppError> {
    Ok(Json(registry::agencies(&state.db, Paging::parse(&paging)?).await?))
}

/// Where a pair's tasks are listed, and how many of them the caller may see.
#[derive(Serialize, ToSchema)]
pub struct PairTasks {
    /// How many of the pair's tasks the caller may see.
    count: i64,
    /// The task list filtered by this pair (paged like every list).
    href: String,
}

/// The task list filtered by a pair.
fn tasks_of_pair(pair: PairId) -> String {
    format!("{}?pair={pair}", Endpoint::ApiTasks.href(&[]))
}

/// An exchange pair as the API shows it: positions, exchangees, and its tasks as a count, the
/// first few and a link to all of them.
#[derive(Serialize, ToSchema)]
pub struct PairOut {
    #[serde(flatten)]
    pair: PairWithTasks,
    /// The task list filtered by this pair (paged like every list).
    tasks_href: String,
}

impl From<PairWithTasks> for PairOut {
    fn from(pair: PairWithTasks) -> PairOut {
        PairOut { tasks_href: tasks_of_pair(pair.pair.id), pair }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AgencyDetail {
    #[serde(flatten)]
    agency: Agency,
    /// The exchange pairs the agency takes part in.
    exchange_pairs: Vec<PairOut>,
    /// A page of its tasks (those the caller may see), in annex order: `limit` and `offset` page it.
    tasks: Page<TaskSummary>,
}

/// One agency, by id or short name, with its exchange pairs and a page of its tasks.
#[utoipa::path(get, path = "/api/v1/agencies/{id}", tag = "registry",
    params(("id" = String, Path, description = "Agency id or short name (환경부)"), PagingInput),
    responses((status = 200, body = AgencyDetail), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_agency(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiQuery(paging): ApiQuery<PagingInput>,
) -> Result<Json<AgencyDetail>, AppError> {
    let page = registry::agency(&state.db, &viewer.caller, &id, Paging::parse(&paging)?).await?;
    Ok(Json(AgencyDetail {
        agency: page.agency,
        exchange_pairs: page.pairs.into_iter().map(PairOut::from).collect(),
        tasks: page.tasks,
    }))
}

/// The outcome of a change: the record and its version now.
#[derive(Serialize, ToSchema)]
pub struct Written {
    pub id: i64,
    pub version: i64,
}

impl From<Saved> for Written {
    fn from(s: Saved) -> Written {
        Written { id: s.id, version: s.version }
    }
}

/// Edit an agency (OPC admin).
#[utoipa::path(put, path = "/api/v1/agencies/{id}", tag = "registry", request_body = AgencyInput,
    params(("id" = String, Path, description = "Agency id")), security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn update_agency(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<AgencyInput>,
) -> Result<Json<Written>, AppError> {
    let id = AgencyId::parse(&id)?;
    Ok(Json(registry::update_agency(&state.db, &viewer.caller, id, &input).await?.into()))
}

/// The exchange pairs (교류직위 쌍) in annex order, a page at a time, with their positions and
/// exchangees, and their tasks as a count (of those the caller may see), the first few and a link.
#[utoipa::path(get, path = "/api/v1/exchange-pairs", tag = "registry", params(PagingInput),
    responses((status = 200, body = Page<PairOut>), (status = 400, body = ErrorBody)))]
pub(crate) async fn list_exchange_pairs(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<PagingInput>,
) -> Result<Json<Page<PairOut>>, AppError> {
    let page = registry::pairs(&state.db, &viewer.caller, Paging::parse(&paging)?).await?;
    Ok(Json(Page { items: page.items.into_iter().map(PairOut::from).collect(), total: page.total }))
}

/// Edit an exchange pair's theme (OPC admin).
#[utoipa::path(put, path = "/api/v1/exchange-pairs/{id}", tag = "registry", request_body = PairInput,
    params(("id" = String, Path, description = "Exchange pair id")), security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn update_pair(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<PairInput>,
) -> Result<Json<Written>, AppError> {
    let id = PairId::parse(&id)?;
    Ok(Json(registry::update_pair(&state.db, &viewer.caller, id, &input).await?.into()))
}

/// Edit an exchange position (OPC admin).
#[utoipa::path(put, path = "/api/v1/positions/{id}", tag = "registry", request_body = PositionInput,
    params(("id" = String, Path, description = "Position id")), security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn update_position(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<PositionInput>,
) -> Result<Json<Written>, AppError> {
    let id = PositionId::parse(&id)?;
    Ok(Json(registry::update_position(&state.db, &viewer.caller, id, &input).await?.into()))
}

/// Edit an exchangee (name, expertise) (OPC admin).
#[utoipa::path(put, path = "/api/v1/exchangees/{id}", tag = "registry", request_body = ExchangeeInput,
    params(("id" = String, Path, description = "Exchangee id")), security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn update_exchangee(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ExchangeeInput>,
) -> Result<Json<Written>, AppError> {
    let id = ExchangeeId::parse(&id)?;
    Ok(Json(registry::update_exchangee(&state.db, &viewer.caller, id, &input).await?.into()))
}

/// Collaboration tasks (those the caller may see), filtered and paged; `total` counts all matches.
#[utoipa::path(get, path = "/api/v1/tasks", tag = "registry", params(TaskFilterInput),
    responses((status = 200, body = Page<TaskSummary>), (status = 400, body = ErrorBody)))]
pub(crate) async fn list_tasks(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(input): ApiQuery<TaskFilterInput>,
) -> Result<Json<Page<TaskSummary>>, AppError> {
    let (_, page) = tasks::list(&state.db, &viewer.caller, &input).await?;
    Ok(Json(page))
}

/// The task list as filtered (the parameters of `GET /api/v1/tasks`) as a CSV file: every task that
/// matches and that the caller may see, in the list's order. UTF-8 with a byte order mark (Excel
/// reads Korean), RFC 4180 quoting, CRLF line ends, Korean headers; a text cell that would start a
/// formula (=, +, -, @) begins with an apostrophe. `limit` and `offset` are not used; more than
/// 200,000 matches are refused (400) with a request to narrow the filters.
#[utoipa::path(get, path = "/api/v1/tasks/export.csv", tag = "registry", params(TaskFilterInput),
    responses((status = 200, description = "The CSV file (협업과제_목록_YYYY-MM-DD.csv, the day in Korean time)",
               content_type = "text/csv; charset=utf-8", body = String,
               headers(("content-disposition" = String, description = "attachment, with filename (ASCII) and filename* (Korean, UTF-8)"))),
              (status = 400, body = ErrorBody)))]
pub(crate) async fn export_tasks_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(input): ApiQuery<TaskFilterInput>,
) -> Result<Response, AppError> {
    crate::export::task_file(&state, &viewer.caller, &input, FileKind::Csv).await
}

/// An Excel workbook (XLSX), as the bytes of its file (a type for the OpenAPI document only).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct XlsxFile(#[allow(dead_code)] Vec<u8>);

/// The task list as filtered (the parameters of `GET /api/v1/tasks`) as an Excel (XLSX) file: the
/// rows and columns of the CSV, with a bold header row that stays in view, an autofilter, set column
/// widths, numbers as numbers and dates as dates (yyyy-mm-dd). `limit` and `offset` are not used;
/// more than 200,000 matches are refused (400).
#[utoipa::path(get, path = "/api/v1/tasks/export.xlsx", tag = "registry", params(TaskFilterInput),
    responses((status = 200, description = "The Excel file (협업과제_목록_YYYY-MM-DD.xlsx, the day in Korean time)",
               content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = XlsxFile,
               headers(("content-disposition" = String, description = "attachment, with filename (ASCII) and filename* (Korean, UTF-8)"))),
              (status = 400, body = ErrorBody)))]
pub(crate) async fn export_tasks_xlsx(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(input): ApiQuery<TaskFilterInput>,
) -> Result<Response, AppError> {
    crate::export::task_file(&state, &viewer.caller, &input, FileKind::Xlsx).await
}

/// Create a task (OPC admin). A task of an exchange pair gets both agencies of the pair.
#[utoipa::path(post, path = "/api/v1/tasks", tag = "registry", request_body = TaskInput, security(("token" = [])),
    responses((status = 201, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn create_task(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<TaskInput>,
) -> Result<(StatusCode, Json<Written>), AppError> {
    let saved = tasks::create(&state.db, &viewer.caller, &input).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

/// A task in full, and its pair's tasks as a count and a link.
#[derive(Serialize, ToSchema)]
pub struct TaskOut {
    #[serde(flatten)]
    task: TaskDetail,
    /// The tasks of the task's pair (none without a pair).
    pair_tasks: Option<PairTasks>,
}

/// One task in full: agencies and roles, KPIs, milestones, administrative procedures with the days
/// they save, its pair with positions and exchangees, and the meetings where it was tabled. Memos
/// are not in it (they are never public): see `/api/v1/tasks/{id}/memos`.
#[utoipa::path(get, path = "/api/v1/tasks/{id}", tag = "registry",
    params(("id" = i64, Path, description = "Task id")),
    responses((status = 200, body = TaskOut), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_task(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Json<TaskOut>, AppError> {
    let task = tasks::detail(&state.db, &viewer.caller, TaskId::parse(&id)?).await?;
    let pair_tasks = match &task.pair {
        Some(p) => Some(PairTasks {
            count: registry::pair_task_count(&state.db, &viewer.caller, p.id).await?,
            href: tasks_of_pair(p.id),
        }),
        None => None,
    };
    Ok(Json(TaskOut { task, pair_tasks }))
}

/// Edit a task's own fields (OPC admin). A status change must be a lifecycle move.
#[utoipa::path(put, path = "/api/v1/tasks/{id}", tag = "registry", request_body = TaskInput,
    params(("id" = i64, Path, description = "Task id")), security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn update_task(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<TaskInput>,
) -> Result<Json<Written>, AppError> {
    let id = TaskId::parse(&id)?;
    Ok(Json(tasks::update(&state.db, &viewer.caller, id, &input).await?.into()))
}

/// Archive a task (OPC admin): it leaves lists and public views; it is never deleted.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/archive", tag = "registry", request_body = VersionInput,
    params(("id" = i64, Path, description = "Task id")), security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn archive_task(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<VersionInput>,
) -> Result<Json<Written>, AppError> {
    let id = TaskId::parse(&id)?;
    Ok(Json(tasks::archive(&state.db, &viewer.caller, id, &input).await?.into()))
}

/// Set one agency's role in a task: OPC, or an officer of that agency. `version` is the agency's
/// `role_version` in the task.
#[utoipa::path(put, path = "/api/v1/tasks/{id}/agencies/{agency_id}", tag = "registry", request_body = RoleInput,
    params(("id" = i64, Path, description = "Task id"), ("agency_id" = i64, Path, description = "Agency id")),
    security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn update_role(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, agency_id)): Path<(String, String)>,
    ApiJson(input): ApiJson<RoleInput>,
) -> Result<Json<Written>, AppError> {
    let (id, agency) = (TaskId::parse(&id)?, AgencyId::parse(&agency_id)?);
    Ok(Json(tasks::set_role(&state.db, &viewer.caller, id, agency, &input).await?.into()))
}

/// Add a KPI to a task: OPC, or an exchangee of the task's pair.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/kpis", tag = "registry", request_body = KpiInput,
    params(("id" = i64, Path, description = "Task id")), security(("token" = [])),
    responses((status = 201, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn create_kpi(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<KpiInput>,
) -> Result<(StatusCode, Json<Written>), AppError> {
    let saved = parts::add::<Kpi>(&state.db, &viewer.caller, TaskId::parse(&id)?, &input).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

#[utoipa::path(put, path = "/api/v1/kpis/{id}", tag = "registry", request_body = KpiInput,
    params(("id" = i64, Path, description = "KPI id")), security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn update_kpi(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<KpiInput>,
) -> Result<Json<Written>, AppError> {
    let (saved, _) = parts::update::<Kpi>(&state.db, &viewer.caller, KpiId::parse(&id)?, &input).await?;
    Ok(Json(saved.into()))
}

/// Remove a KPI (`?version=`); its last state stays in the audit log.
#[utoipa::path(delete, path = "/api/v1/kpis/{id}", tag = "registry",
    params(("id" = i64, Path, description = "KPI id"), ("version" = i64, Query, description = "Current version")),
    security(("token" = [])),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn remove_kpi(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiQuery(input): ApiQuery<VersionInput>,
) -> Result<StatusCode, AppError> {
    parts::remove::<Kpi>(&state.db, &viewer.caller, KpiId::parse(&id)?, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add a milestone to a task: OPC, or an exchangee of the task's pair.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/milestones", tag = "registry", request_body = MilestoneInput,
    params(("id" = i64, Path, description = "Task id")), security(("token" = [])),
    responses((status = 201, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn create_milestone(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<MilestoneInput>,
) -> Result<(StatusCode, Json<Written>), AppError> {
    let saved = parts::add::<Milestone>(&state.db, &viewer.caller, TaskId::parse(&id)?, &input).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

#[utoipa::path(put, path = "/api/v1/milestones/{id}", tag = "registry", request_body = MilestoneInput,
    params(("id" = i64, Path, description = "Milestone id")), security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn update_milestone(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<MilestoneInput>,
) -> Result<Json<Written>, AppError> {
    let (saved, _) = parts::update::<Milestone>(&state.db, &viewer.caller, MilestoneId::parse(&id)?, &input).await?;
    Ok(Json(saved.into()))
}

/// Remove a milestone (`?version=`); its last state stays in the audit log.
#[utoipa::path(delete, path = "/api/v1/milestones/{id}", tag = "registry",
    params(("id" = i64, Path, description = "Milestone id"), ("version" = i64, Query, description = "Current version")),
    security(("token" = [])),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn remove_milestone(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiQuery(input): ApiQuery<VersionInput>,
) -> Result<StatusCode, AppError> {
    parts::remove::<Milestone>(&state.db, &viewer.caller, MilestoneId::parse(&id)?, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A task's administrative procedures (행정절차 소요기간) with the days each saves against its usual
/// duration, and the task's total. The public sees those of published tasks.
#[utoipa::path(get, path = "/api/v1/tasks/{id}/procedures", tag = "registry",
    params(("id" = i64, Path, description = "Task id")),
    responses((status = 200, body = ProcedureList), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn list_procedures(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Json<ProcedureList>, AppError> {
    Ok(Json(parts::procedures(&state.db, &viewer.caller, TaskId::parse(&id)?).await?))
}

/// Add an administrative procedure to a task: OPC, an officer of an agency taking part, or an
/// exchangee of the task's pair. Dates are YYYY-MM-DD; `usual_days` a whole number from 1; an
/// actual date cannot be after today (Korean time). Answers with the procedure and its `saved_days`.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/procedures", tag = "registry", request_body = ProcedureInput,
    params(("id" = i64, Path, description = "Task id")), security(("token" = [])),
    responses((status = 201, body = TaskProcedure), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody)))]
pub(crate) async fn create_procedure(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ProcedureInput>,
) -> Result<(StatusCode, Json<TaskProcedure>), AppError> {
    let task = TaskId::parse(&id)?;
    let saved = parts::add::<Procedure>(&state.db, &viewer.caller, task, &input).await?;
    let procedure = parts::procedure(&state.db, &viewer.caller, task, ProcedureId::new(saved.id)).await?;
    Ok((StatusCode::CREATED, Json(procedure)))
}

/// Change a procedure of the task (with its `version`).
#[utoipa::path(put, path = "/api/v1/tasks/{id}/procedures/{pid}", tag = "registry", request_body = ProcedureInput,
    params(("id" = i64, Path, description = "Task id"), ("pid" = i64, Path, description = "Procedure id")),
    security(("token" = [])),
    responses((status = 200, body = TaskProcedure), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn update_procedure(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, pid)): Path<(String, String)>,
    ApiJson(input): ApiJson<ProcedureInput>,
) -> Result<Json<TaskProcedure>, AppError> {
    let (task, pid) = (TaskId::parse(&id)?, ProcedureId::parse(&pid)?);
    parts::update_in::<Procedure>(&state.db, &viewer.caller, Some(task), pid, &input).await?;
    Ok(Json(parts::procedure(&state.db, &viewer.caller, task, pid).await?))
}

/// Remove a procedure of the task (`?version=`); its last state stays in the audit log.
#[utoipa::path(delete, path = "/api/v1/tasks/{id}/procedures/{pid}", tag = "registry",
    params(("id" = i64, Path, description = "Task id"), ("pid" = i64, Path, description = "Procedure id"),
           ("version" = i64, Query, description = "Current version")),
    security(("token" = [])),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn remove_procedure(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, pid)): Path<(String, String)>,
    ApiQuery(input): ApiQuery<VersionInput>,
) -> Result<StatusCode, AppError> {
    let (task, pid) = (TaskId::parse(&id)?, ProcedureId::parse(&pid)?);
    parts::remove_in::<Procedure>(&state.db, &viewer.caller, Some(task), pid, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A task's memos between its agencies and OPC (기관 간 메모), newest first, a page at a time. Only
/// for OPC, auditors, officers of the agencies taking part and exchangees of the task's pair; never
/// public. A withdrawn memo is listed without its text.
#[utoipa::path(get, path = "/api/v1/tasks/{id}/memos", tag = "registry",
    params(("id" = i64, Path, description = "Task id"), PagingInput), security(("token" = [])),
    responses((status = 200, body = Page<TaskMemo>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody)))]
pub(crate) async fn list_memos(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiQuery(paging): ApiQuery<PagingInput>,
) -> Result<Json<Page<TaskMemo>>, AppError> {
    let (task, paging) = (TaskId::parse(&id)?, Paging::parse(&paging)?);
    Ok(Json(memos::list(&state.db, &viewer.caller, task, paging).await?.page))
}

/// Leave a memo on a task (at most 2,000 characters): OPC, an officer of an agency taking part, or
/// an exchangee of the task's pair. The writer's agency is recorded with it.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/memos", tag = "registry", request_body = MemoInput,
    params(("id" = i64, Path, description = "Task id")), security(("token" = [])),
    responses((status = 201, body = TaskMemo), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody)))]
pub(crate) async fn create_memo(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<MemoInput>,
) -> Result<(StatusCode, Json<TaskMemo>), AppError> {
    let task = TaskId::parse(&id)?;
    let saved = memos::create(&state.db, &viewer.caller, task, &input).await?;
    let (_, memo) = memos::open(&state.db, &viewer.caller, MemoId::new(saved.id)).await?;
    Ok((StatusCode::CREATED, Json(memo)))
}

/// Withdraw one's own memo (with its `version`): it stays, marked withdrawn and without its text;
/// the text stays in the audit log. Only the writer may.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/memos/{mid}/withdraw", tag = "registry", request_body = VersionInput,
    params(("id" = i64, Path, description = "Task id"), ("mid" = i64, Path, description = "Memo id")),
    security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn withdraw_memo(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, mid)): Path<(String, String)>,
    ApiJson(input): ApiJson<VersionInput>,
) -> Result<Json<Written>, AppError> {
    let (task, mid) = (TaskId::parse(&id)?, MemoId::parse(&mid)?);
    let (saved, _) = memos::withdraw(&state.db, &viewer.caller, Some(task), mid, &input).await?;
    Ok(Json(saved.into()))
}

/// Review council meetings (협업과제점검협의회), oldest first, a page at a time.
#[utoipa::path(get, path = "/api/v1/meetings", tag = "registry", params(PagingInput),
    responses((status = 200, body = Page<MeetingSummary>), (status = 400, body = ErrorBody)))]
pub(crate) async fn list_meetings(
    State(state): State<AppState>,
    ApiQuery(paging): ApiQuery<PagingInput>,
) -> Result<Json<Page<MeetingSummary>>, AppError> {
    Ok(Json(registry::meetings(&state.db, Paging::parse(&paging)?).await?))
}

/// One meeting with its agenda, decisions and the tasks tabled.
#[utoipa::path(get, path = "/api/v1/meetings/{id}", tag = "registry",
    params(("id" = i64, Path, description = "Meeting id")),
    responses((status = 200, body = MeetingDetail), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_meeting(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Json<MeetingDetail>, AppError> {
    Ok(Json(registry::meeting(&state.db, &viewer.caller, MeetingId::parse(&id)?).await?))
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub user_id: UserId,
    pub login: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    /// What this request may do (a token may carry fewer rights than its owner).
    pub rights: Vec<Right>,
    pub must_change_password: bool,
    /// With a browser session: the token to send as `X-CSRF-Token` on changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
}

/// Who the caller is, with roles and rights.
#[utoipa::path(get, path = "/api/v1/me", tag = "account", security(("token" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub(crate) async fn me(viewer: Viewer) -> Result<Json<Me>, AppError> {
    let p = viewer.caller.signed_in()?;
    let a = viewer.account.as_ref().ok_or_else(AppError::forbidden)?;
    Ok(Json(Me {
        user_id: a.id,
        login: a.login.clone(),
        display_name: a.display_name.clone(),
        roles: p.roles(),
        rights: p.grantable_rights(),
        must_change_password: a.must_change_password,
        csrf_token: viewer.csrf_token().map(str::to_string),
    }))
}

/// The caller's API tokens (never the secrets).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "account", security(("token" = [])),
    responses((status = 200, body = Vec<ApiTokenView>), (status = 401, body = ErrorBody)))]
pub(crate) async fn list_tokens(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Json<Vec<ApiTokenView>>, AppError> {
    Ok(Json(accounts::tokens(&state.db, &viewer.caller).await?))
}

/// Create an API token with a subset of the caller's rights; the token is shown once. Needs a
/// browser session (with its CSRF token in `X-CSRF-Token`); a token cannot create tokens.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "account", request_body = TokenInput,
    responses((status = 201, body = CreatedToken), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn create_token(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<TokenInput>,
) -> Result<(StatusCode, Json<CreatedToken>), AppError> {
    Ok((StatusCode::CREATED, Json(accounts::create_token(&state.db, &viewer.caller, &input).await?)))
}

/// Revoke one of the caller's tokens.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "account", security(("token" = [])),
    params(("id" = i64, Path, description = "Token id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn revoke_token(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    accounts::revoke_token(&state.db, &viewer.caller, TokenId::parse(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The accounts with their roles, by login, a page at a time (OPC admin).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(PagingInput), security(("token" = [])),
    responses((status = 200, body = Page<UserView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
               (status = 403, body = ErrorBody)))]
pub(crate) async fn list_users(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<PagingInput>,
) -> Result<Json<Page<UserView>>, AppError> {
    Ok(Json(accounts::users(&state.db, &viewer.caller, Paging::parse(&paging)?).await?))
}

/// An account and the one-time password made for it: shown this once, never stored.
#[derive(Serialize, ToSchema)]
pub struct UserWithPassword {
    pub user: UserView,
    /// Give it to the person; they must change it at their next sign-in.
    pub one_time_password: String,
}

impl From<accounts::Created> for UserWithPassword {
    fn from(c: accounts::Created) -> Self {
        UserWithPassword { user: c.user, one_time_password: c.password.0 }
    }
}

/// Create an account with its roles and a one-time password (OPC admin).
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = AccountFields, security(("token" = [])),
    responses((status = 201, body = UserWithPassword), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
               (status = 403, body = ErrorBody)))]
pub(crate) async fn create_user(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<AccountFields>,
) -> Result<(StatusCode, Json<UserWithPassword>), AppError> {
    let created = accounts::add_user_from(&state.db, &viewer.caller, &input).await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// Disable an account and end its sessions (OPC admin); the account and its audit records stay.
#[utoipa::path(post, path = "/api/v1/users/{id}/disable", tag = "users", request_body = VersionInput,
    params(("id" = i64, Path, description = "User id")), security(("token" = [])),
    responses((status = 200, body = UserView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
               (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn disable_user(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<VersionInput>,
) -> Result<Json<UserView>, AppError> {
    let who = UserRef::Id(UserId::parse(&id)?);
    let version = parse_version(&input)?;
    match accounts::disable_user(&state.db, &viewer.caller, &who, Some(version)).await? {
        accounts::Disabled::Now(user) | accounts::Disabled::Already(user) => Ok(Json(user)),
    }
}

/// Give an account a new one-time password and end its sessions (OPC admin).
#[utoipa::path(post, path = "/api/v1/users/{id}/reset-password", tag = "users", request_body = VersionInput,
    params(("id" = i64, Path, description = "User id")), security(("token" = [])),
    responses((status = 200, body = UserWithPassword), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
               (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn reset_password(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<VersionInput>,
) -> Result<Json<UserWithPassword>, AppError> {
    let who = UserRef::Id(UserId::parse(&id)?);
    let version = parse_version(&input)?;
    Ok(Json(accounts::reset_password(&state.db, &viewer.caller, &who, Some(version)).await?.into()))
}

/// The audit log, newest first (auditors and OPC admins).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditFilterInput), security(("token" = [])),
    responses((status = 200, body = Page<AuditRecord>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn audit_log(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(q): ApiQuery<AuditFilterInput>,
) -> Result<Json<Page<AuditRecord>>, AppError> {
    Ok(Json(hanteam_app::audit::log(&state.db, &viewer.caller, &q).await?))
}

/// The caller's notifications, newest first, a page at a time, and how many are unread.
#[derive(Serialize, ToSchema)]
pub struct NotificationList {
    pub items: Vec<NotificationRecord>,
    /// All of the caller's notifications.
    pub total: i64,
    /// How many are unread (counted up to 100).
    pub unread: i64,
}

/// One's own notifications (알림), newest first.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "account", params(PagingInput), security(("token" = [])),
    responses((status = 200, body = NotificationList), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub(crate) async fn list_notifications(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<PagingInput>,
) -> Result<Json<NotificationList>, AppError> {
    let (page, unread) = notify::my_notifications(&state.db, &viewer.caller, Paging::parse(&paging)?).await?;
    Ok(Json(NotificationList { items: page.items, total: page.total, unread }))
}

/// Mark one of one's own notifications read (again: no change); someone else's is not found.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "account",
    params(("id" = i64, Path, description = "Notification id")), security(("token" = [])),
    responses((status = 200, body = NotificationRecord), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn read_notification(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Json<NotificationRecord>, AppError> {
    Ok(Json(notify::mark_read(&state.db, &viewer.caller, NotificationId::parse(&id)?).await?))
}

/// How many notifications were marked read.
#[derive(Serialize, ToSchema)]
pub struct MarkedRead {
    pub marked_read: u64,
}

/// Mark all of one's own notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/read-all", tag = "account", security(("token" = [])),
    responses((status = 200, body = MarkedRead), (status = 401, body = ErrorBody)))]
pub(crate) async fn read_all_notifications(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Json<MarkedRead>, AppError> {
    Ok(Json(MarkedRead { marked_read: notify::mark_all_read(&state.db, &viewer.caller).await? }))
}
