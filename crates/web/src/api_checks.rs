//! JSON API of periodic checks: cycles, reports (draft, submit, return), attachments, ratings.
//! Each handler reads the request and calls one use case of `hanteam_app::checks`.

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hanteam_app::checks::{self, ReportPage};
use hanteam_app::checks::{AttachmentRecord, CycleSummary, CycleTaskRow, OverdueCount, ReportView};
use hanteam_app::views::Page;
use hanteam_domain::checks::{
    CycleInput, ProgressRating, RatingInput, ReportInput, ReturnInput, Suggestion, MAX_ATTACHMENT_BYTES,
};
use hanteam_domain::edit::VersionInput;
use hanteam_domain::{AttachmentId, CheckCycleId, Paging, PagingInput, TaskId};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::Written;
use crate::auth::Viewer;
use crate::endpoint::encode;
use crate::error::{AppError, ErrorBody};
use crate::wire::{ApiJson, ApiQuery};
use crate::AppState;

/// The most a request carrying one file may hold: the file and the form around it.
pub const MAX_UPLOAD_BYTES: usize = MAX_ATTACHMENT_BYTES + 64 * 1024;

/// The check cycles, newest period first.
#[utoipa::path(get, path = "/api/v1/check-cycles", tag = "checks", params(PagingInput), security(("token" = [])),
    responses((status = 200, body = Page<CycleSummary>), (status = 400, body = ErrorBody)))]
pub(crate) async fn list_cycles(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(paging): ApiQuery<PagingInput>,
) -> Result<Json<Page<CycleSummary>>, AppError> {
    Ok(Json(checks::cycles(&state.db, &viewer.caller, Paging::parse(&paging)?).await?))
}

/// Open a check cycle (OPC admin): each participating agency of every active task (confirmed, in
/// progress, on hold; not archived) is asked for a progress report.
#[utoipa::path(post, path = "/api/v1/check-cycles", tag = "checks", request_body = CycleInput, security(("token" = [])),
    responses((status = 201, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn create_cycle(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<CycleInput>,
) -> Result<(StatusCode, Json<Written>), AppError> {
    let saved = checks::open_cycle(&state.db, &viewer.caller, &input).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

#[derive(Serialize, ToSchema)]
pub struct CycleOut {
    #[serde(flatten)]
    cycle: CycleSummary,
    /// A page of the cycle's tasks the caller may see: reports by agency and OPC's rating.
    tasks: Page<CycleTaskRow>,
}

/// One cycle with a page of its tasks, their reports' status by agency and their ratings.
#[utoipa::path(get, path = "/api/v1/check-cycles/{id}", tag = "checks",
    params(("id" = i64, Path, description = "Check cycle id"), PagingInput), security(("token" = [])),
    responses((status = 200, body = CycleOut), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_cycle(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiQuery(paging): ApiQuery<PagingInput>,
) -> Result<Json<CycleOut>, AppError> {
    let (cycle, tasks) =
        checks::cycle(&state.db, &viewer.caller, CheckCycleId::parse(&id)?, Paging::parse(&paging)?).await?;
    Ok(Json(CycleOut { cycle, tasks }))
}

/// Close a cycle (OPC admin): what was not filed or not done carries over to the next cycle, and
/// each rated task's light becomes this cycle's rating.
#[utoipa::path(post, path = "/api/v1/check-cycles/{id}/close", tag = "checks", request_body = VersionInput,
    params(("id" = i64, Path, description = "Check cycle id")), security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn close_cycle(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<VersionInput>,
) -> Result<Json<Written>, AppError> {
    Ok(Json(checks::close_cycle(&state.db, &viewer.caller, CheckCycleId::parse(&id)?, &input).await?.into()))
}

#[derive(Serialize, ToSchema)]
pub struct ReportOut {
    #[serde(flatten)]
    report: ReportView,
    /// The caller may save, submit and attach files.
    may_file: bool,
    /// The caller may return the report and rate the task (OPC).
    may_review: bool,
}

impl From<ReportPage> for ReportOut {
    fn from(p: ReportPage) -> ReportOut {
        ReportOut { report: p.report, may_file: p.may_file, may_review: p.may_review }
    }
}

fn ids(raw: &(String, String, String)) -> Result<(CheckCycleId, TaskId, hanteam_domain::AgencyId), AppError> {
    Ok(checks::parse_ids(&raw.0, &raw.1, &raw.2)?)
}

/// One agency's progress report on one task in one cycle. Drafts are seen only by those who file
/// them and OPC; the public never sees a report.
#[utoipa::path(get, path = "/api/v1/check-cycles/{id}/reports/{task_id}/{agency_id}", tag = "checks",
    params(("id" = i64, Path, description = "Check cycle id"), ("task_id" = i64, Path, description = "Task id"),
           ("agency_id" = i64, Path, description = "Agency id")), security(("token" = [])),
    responses((status = 200, body = ReportOut), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_report(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(raw): Path<(String, String, String)>,
) -> Result<Json<ReportOut>, AppError> {
    let (c, t, a) = ids(&raw)?;
    Ok(Json(checks::report(&state.db, &viewer.caller, c, t, a).await?.into()))
}

/// Save the report's draft (an officer of the agency, or the pair's exchangee of that agency).
/// `milestones`: one `{milestone_id, done_on, reason}` per milestone of the task; `kpis`: one
/// `{kpi_id, actual}` per KPI (`actual` as written: 1,500 or 50%).
#[utoipa::path(put, path = "/api/v1/check-cycles/{id}/reports/{task_id}/{agency_id}", tag = "checks",
    request_body = ReportInput,
    params(("id" = i64, Path, description = "Check cycle id"), ("task_id" = i64, Path, description = "Task id"),
           ("agency_id" = i64, Path, description = "Agency id")), security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn save_report(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(raw): Path<(String, String, String)>,
    ApiJson(input): ApiJson<ReportInput>,
) -> Result<Json<Written>, AppError> {
    let (c, t, a) = ids(&raw)?;
    Ok(Json(checks::save_report(&state.db, &viewer.caller, c, t, a, &input).await?.into()))
}

/// Submit the report as saved: it locks until OPC returns it.
#[utoipa::path(post, path = "/api/v1/check-cycles/{id}/reports/{task_id}/{agency_id}/submit", tag = "checks",
    request_body = VersionInput,
    params(("id" = i64, Path, description = "Check cycle id"), ("task_id" = i64, Path, description = "Task id"),
           ("agency_id" = i64, Path, description = "Agency id")), security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn submit_report(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(raw): Path<(String, String, String)>,
    ApiJson(input): ApiJson<VersionInput>,
) -> Result<Json<Written>, AppError> {
    let (c, t, a) = ids(&raw)?;
    Ok(Json(checks::submit_report(&state.db, &viewer.caller, c, t, a, &input).await?.into()))
}

/// Return a submitted report with comments (OPC admin): it opens again for the agency.
#[utoipa::path(post, path = "/api/v1/check-cycles/{id}/reports/{task_id}/{agency_id}/return", tag = "checks",
    request_body = ReturnInput,
    params(("id" = i64, Path, description = "Check cycle id"), ("task_id" = i64, Path, description = "Task id"),
           ("agency_id" = i64, Path, description = "Agency id")), security(("token" = [])),
    responses((status = 200, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn return_report(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(raw): Path<(String, String, String)>,
    ApiJson(input): ApiJson<ReturnInput>,
) -> Result<Json<Written>, AppError> {
    let (c, t, a) = ids(&raw)?;
    Ok(Json(checks::return_report(&state.db, &viewer.caller, c, t, a, &input).await?.into()))
}

/// The file of a multipart form (`file`), read with the upload's own size limit, and the form's
/// other text fields.
pub(crate) async fn read_upload(req: Request) -> Result<(String, Vec<u8>, Vec<(String, String)>), AppError> {
    use tower::{Layer, ServiceExt};
    let parse =
        tower::service_fn(|req: Request| async move { Ok::<_, std::convert::Infallible>(upload_fields(req).await) });
    let limited = DefaultBodyLimit::max(MAX_UPLOAD_BYTES).layer(parse);
    match limited.oneshot(req).await {
        Ok(result) => result,
        Err(never) => match never {},
    }
}

/// A text field of a multipart form already read (the CSRF check reads the token from it).
pub(crate) async fn multipart_text(content_type: &str, bytes: axum::body::Bytes, wanted: &str) -> Option<String> {
    use tower::{Layer, ServiceExt};
    let req = Request::builder().header(header::CONTENT_TYPE, content_type).body(Body::from(bytes)).ok()?;
    let wanted = wanted.to_string();
    let find = tower::service_fn(move |req: Request| {
        let wanted = wanted.clone();
        async move {
            let Ok(mut form) = Multipart::from_request(req, &()).await else { return Ok(None) };
            while let Ok(Some(field)) = form.next_field().await {
                if field.name() == Some(wanted.as_str()) {
                    return Ok::<_, std::convert::Infallible>(field.text().await.ok());
                }
            }
            Ok(None)
        }
    });
    DefaultBodyLimit::disable().layer(find).oneshot(req).await.unwrap_or(None)
}

async fn upload_fields(req: Request) -> Result<(String, Vec<u8>, Vec<(String, String)>), AppError> {
    let bad = |m: &str| AppError::invalid("file", m);
    let mut form = Multipart::from_request(req, &())
        .await
        .map_err(|_| bad("파일은 multipart/form-data 양식의 file 필드로 보내 주세요."))?;
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut fields = Vec::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(bad("파일이 너무 큽니다. 파일 하나는 10MB까지 올릴 수 있습니다."))
            }
            Err(_) => return Err(bad("보낸 양식을 읽을 수 없습니다. 파일을 다시 골라 보내 주세요.")),
        };
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let bytes = field.bytes().await.map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    bad("파일이 너무 큽니다. 파일 하나는 10MB까지 올릴 수 있습니다.")
                } else {
                    bad("파일을 끝까지 받지 못했습니다. 다시 올려 주세요.")
                }
            })?;
            if file.is_none() {
                file = Some((file_name, bytes.to_vec()));
            }
        } else if let Ok(text) = field.text().await {
            fields.push((name, text));
        }
    }
    let (name, bytes) = file.filter(|(n, _)| !n.is_empty()).ok_or_else(|| bad("올릴 파일을 골라 주세요."))?;
    Ok((name, bytes, fields))
}

/// The uploaded file (an OpenAPI type only).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct Upload {
    /// PDF, HWP, HWPX, XLSX, PNG or JPEG, at most 10 MiB; its type is checked by its content.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Attach a file to an open report (multipart/form-data, field `file`): PDF, HWP, HWPX, XLSX, PNG or
/// JPEG, at most 10 MiB and 10 files a report. The type is told by the content (a renamed program is
/// refused), and the file is kept in the database.
#[utoipa::path(post, path = "/api/v1/check-cycles/{id}/reports/{task_id}/{agency_id}/attachments", tag = "checks",
    request_body(content = Upload, content_type = "multipart/form-data"),
    params(("id" = i64, Path, description = "Check cycle id"), ("task_id" = i64, Path, description = "Task id"),
           ("agency_id" = i64, Path, description = "Agency id")), security(("token" = [])),
    responses((status = 201, body = Written), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody)))]
pub(crate) async fn add_attachment(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(raw): Path<(String, String, String)>,
    req: Request,
) -> Result<(StatusCode, Json<Written>), AppError> {
    let (c, t, a) = ids(&raw)?;
    checks::may_file(&state.db, &viewer.caller, c, t, a).await?;
    let (name, bytes, _) = read_upload(req).await?;
    let saved = checks::add_attachment(&state.db, &viewer.caller, c, t, a, &name, &bytes).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

/// A file as a download: its own type, a safe Content-Disposition (an ASCII name and the Korean one
/// encoded), never sniffed by the browser.
pub(crate) fn download(file: &AttachmentRecord, bytes: Vec<u8>) -> Response {
    let kind: hanteam_domain::checks::AttachmentKind =
        file.kind.parse().unwrap_or(hanteam_domain::checks::AttachmentKind::Pdf);
    let ext = file.file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let ascii = format!(
        "attachment-{}.{}",
        file.id,
        if ext.is_ascii() && !ext.is_empty() { ext } else { kind.as_str().into() }
    );
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{}", encode(&file.file_name));
    let mut response = (StatusCode::OK, Body::from(bytes)).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind.content_type()));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
    response
}

/// A report's file (its bytes), for those who may read the report.
#[utoipa::path(get, path = "/api/v1/check-cycles/{id}/reports/{task_id}/{agency_id}/attachments/{file_id}", tag = "checks",
    params(("id" = i64, Path, description = "Check cycle id"), ("task_id" = i64, Path, description = "Task id"),
           ("agency_id" = i64, Path, description = "Agency id"), ("file_id" = i64, Path, description = "Attachment id")),
    security(("token" = [])),
    responses((status = 200, description = "The file, as attachment", content_type = "application/octet-stream"),
              (status = 404, body = ErrorBody)))]
pub(crate) async fn get_attachment(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((cycle, task, agency, file)): Path<(String, String, String, String)>,
) -> Result<Response, AppError> {
    let (c, t, a) = checks::parse_ids(&cycle, &task, &agency)?;
    let (record, bytes) = checks::attachment(&state.db, &viewer.caller, AttachmentId::parse(&file)?).await?;
    let _ = (c, t, a);
    Ok(download(&record, bytes))
}

/// Remove a file from an open report.
#[utoipa::path(delete, path = "/api/v1/check-cycles/{id}/reports/{task_id}/{agency_id}/attachments/{file_id}", tag = "checks",
    params(("id" = i64, Path, description = "Check cycle id"), ("task_id" = i64, Path, description = "Task id"),
           ("agency_id" = i64, Path, description = "Agency id"), ("file_id" = i64, Path, description = "Attachment id")),
    security(("token" = [])),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn remove_attachment(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((cycle, task, agency, file)): Path<(String, String, String, String)>,
) -> Result<StatusCode, AppError> {
    let (c, t, a) = checks::parse_ids(&cycle, &task, &agency)?;
    checks::remove_attachment(&state.db, &viewer.caller, c, t, a, AttachmentId::parse(&file)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct RatingOut {
    id: i64,
    version: i64,
    rating: ProgressRating,
    /// What the domain suggested from the milestones and KPIs, for comparison; OPC's rating counts.
    suggestion: Suggestion,
}

/// Rate a task for an open cycle (OPC admin): on_track (정상), at_risk (주의) or delayed (지연),
/// with a reason. `version` is empty for the first rating, the rating's version to change one.
#[utoipa::path(put, path = "/api/v1/check-cycles/{id}/ratings/{task_id}", tag = "checks", request_body = RatingInput,
    params(("id" = i64, Path, description = "Check cycle id"), ("task_id" = i64, Path, description = "Task id")),
    security(("token" = [])),
    responses((status = 200, body = RatingOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn rate(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((cycle, task)): Path<(String, String)>,
    ApiJson(input): ApiJson<RatingInput>,
) -> Result<Json<RatingOut>, AppError> {
    let (c, t) = (CheckCycleId::parse(&cycle)?, TaskId::parse(&task)?);
    let saved = checks::rate(&state.db, &viewer.caller, c, t, &input).await?;
    let suggestion = checks::suggestion(&state.db, &viewer.caller, c, t).await?;
    let rating = input
        .rating
        .as_deref()
        .unwrap_or_default()
        .trim()
        .parse()
        .map_err(|m: String| AppError::invalid("rating", m))?;
    Ok(Json(RatingOut { id: saved.id, version: saved.version, rating, suggestion }))
}

/// Reports past their cycle's due date and not submitted, counted per agency (OPC, auditors).
#[utoipa::path(get, path = "/api/v1/overdue-reports", tag = "checks", security(("token" = [])),
    responses((status = 200, body = Vec<OverdueCount>)))]
pub(crate) async fn overdue(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Json<Vec<OverdueCount>>, AppError> {
    Ok(Json(checks::overdue(&state.db, &viewer.caller, chrono::Utc::now()).await?))
}
