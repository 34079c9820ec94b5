//! The task list as a file to download (CSV, XLSX), for people (the buttons of the task list page)
//! and for programs (the API): one use case (`hanteam_app::export`) makes the file for both; the
//! routes differ only in how they tell of an error, as a page or as JSON.

use std::borrow::Borrow;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hanteam_app::export::{self, ExportFile};
use hanteam_app::Caller;
use hanteam_domain::export::{FileKind, MAX_ROWS};
use hanteam_domain::korean::thousands;
use hanteam_domain::TaskFilterInput;
use tokio::sync::Semaphore;

use crate::endpoint::{encode, Endpoint};
use crate::error::AppError;
use crate::pages::context::Ctx;
use crate::pages::render::error_page;
use crate::AppState;

/// The file as a download: its type, and its Korean name (`filename*`, UTF-8 percent-encoded as
/// RFC 6266 says) with an ASCII `filename` for clients that cannot read that. Never kept by a
/// cache: a signed-in person's file may hold tasks the public does not see.
pub(crate) fn attachment(file: ExportFile) -> Response {
    let disposition = format!("attachment; filename=\"{}\"; filename*=UTF-8''{}", file.ascii_name, encode(&file.name));
    let mut response = (StatusCode::OK, file.bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(file.kind.content_type()));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// How many files one server makes at once; more requests wait their turn. A file of 100,000 tasks
/// takes seconds of the database and tens of MiB, and the routes are public.
static MAKING: Semaphore = Semaphore::const_new(2);

/// The task list filtered by `input`, as a file of `kind`.
pub(crate) async fn task_file(
    state: &AppState,
    by: &Caller,
    input: &TaskFilterInput,
    kind: FileKind,
) -> Result<Response, AppError> {
    let _turn = MAKING.acquire().await.map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(attachment(export::task_list(&state.db, by, input, kind, chrono::Utc::now()).await?))
}

async fn page(
    state: &AppState,
    cx: &Ctx,
    query: Result<Query<TaskFilterInput>, QueryRejection>,
    kind: FileKind,
) -> Response {
    let Ok(Query(input)) = query else {
        return error_page(
            AppError::invalid(
                "query",
                "검색 조건을 읽을 수 없습니다. 협업과제 목록에서 다시 검색한 뒤 내려받아 주세요.",
            ),
            cx,
        );
    };
    task_file(state, cx.by(), &input, kind).await.unwrap_or_else(|e| error_page(e, cx))
}

/// The task list page's CSV download.
pub(crate) async fn tasks_csv(
    State(state): State<AppState>,
    cx: Ctx,
    query: Result<Query<TaskFilterInput>, QueryRejection>,
) -> Response {
    page(&state, &cx, query, FileKind::Csv).await
}

/// The task list page's Excel download.
pub(crate) async fn tasks_xlsx(
    State(state): State<AppState>,
    cx: Ctx,
    query: Result<Query<TaskFilterInput>, QueryRejection>,
) -> Response {
    page(&state, &cx, query, FileKind::Xlsx).await
}

/// A round's result sheet (and its payments, for those who read them) as an Excel file; the use case
/// says who gets which rows and columns.
pub(crate) async fn round_results_xlsx(
    State(state): State<AppState>,
    cx: Ctx,
    axum::extract::Path(raw): axum::extract::Path<String>,
) -> Response {
    let result = async {
        let id = hanteam_domain::EvaluationRoundId::parse(&raw)?;
        let _turn = MAKING.acquire().await.map_err(|e| AppError::Internal(e.to_string()))?;
        Ok::<_, AppError>(attachment(
            hanteam_app::round_export::results_xlsx(&state.db, cx.by(), id, chrono::Utc::now()).await?,
        ))
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, &cx))
}

/// The download buttons of the task list page: the addresses of its files, with the list's filters.
pub(crate) struct ExportLinks {
    pub csv: String,
    pub xlsx: String,
}

impl ExportLinks {
    /// The files of the list filtered by `input` (every filter it has, its page left out).
    pub fn of(input: &TaskFilterInput) -> ExportLinks {
        let query = filter_query(input);
        let href = |e: Endpoint| if query.is_empty() { e.href(&[]) } else { format!("{}?{query}", e.href(&[])) };
        ExportLinks { csv: href(Endpoint::PageTasksCsv), xlsx: href(Endpoint::PageTasksXlsx) }
    }

    /// Whether a list of `total` tasks can be downloaded in one file.
    pub fn fits(&self, total: &impl Borrow<i64>) -> bool {
        *total.borrow() <= MAX_ROWS as i64
    }

    /// What the page says instead of the buttons when the list is too long for one file.
    pub fn too_many(&self) -> String {
        format!("{}건이 넘는 목록은 내려받을 수 없습니다. 조건을 좁혀 검색해 주세요.", thousands(MAX_ROWS))
    }
}

/// The query string of a task list's filters, without its page (`limit`, `offset`) and without
/// empty fields. Written from the input type itself, so a filter added to it is carried along.
fn filter_query(input: &TaskFilterInput) -> String {
    let filters = TaskFilterInput { limit: None, offset: None, ..input.clone() };
    let query = serde_urlencoded::to_string(&filters).unwrap_or_default();
    query.split('&').filter(|kv| !kv.is_empty() && !kv.ends_with('=')).collect::<Vec<_>>().join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_buttons_carry_the_filters_and_not_the_page() {
        let input = TaskFilterInput {
            agency: Some("환경부".into()),
            q: Some("용수 공급".into()),
            status: Some(String::new()),
            limit: Some("10".into()),
            offset: Some("20".into()),
            ..Default::default()
        };
        let links = ExportLinks::of(&input);
        assert_eq!(
            links.csv,
            "/tasks/export.csv?agency=%ED%99%98%EA%B2%BD%EB%B6%80&q=%EC%9A%A9%EC%88%98+%EA%B3%B5%EA%B8%89"
        );
        assert!(links.xlsx.starts_with("/tasks/export.xlsx?agency="), "{}", links.xlsx);
        assert_eq!(ExportLinks::of(&TaskFilterInput::default()).csv, "/tasks/export.csv");
        assert!(links.fits(&(MAX_ROWS as i64)) && !links.fits(&(MAX_ROWS as i64 + 1)));
    }

    #[test]
    fn the_korean_name_is_percent_encoded_beside_an_ascii_one() {
        let file = ExportFile {
            kind: FileKind::Csv,
            name: "협업과제_목록_2024-04-15.csv".into(),
            ascii_name: "hanteam-tasks-2024-04-15.csv".into(),
            bytes: b"x".to_vec(),
            rows: 0,
        };
        let r = attachment(file);
        let h = |name| r.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        assert_eq!(h(header::CONTENT_TYPE), "text/csv; charset=utf-8");
        assert_eq!(
            h(header::CONTENT_DISPOSITION),
            "attachment; filename=\"hanteam-tasks-2024-04-15.csv\"; \
             filename*=UTF-8''%ED%98%91%EC%97%85%EA%B3%BC%EC%A0%9C_%EB%AA%A9%EB%A1%9D_2024-04-15.csv"
        );
        assert_eq!(h(header::CACHE_CONTROL), "no-store");
    }
}
