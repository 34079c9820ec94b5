//! Turning a page into a response, and errors into error pages: the same look for a refusal by the
//! access gate, a failed use case and an unknown address.

use askama::Template;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};

use super::context::Ctx;
use super::layout::Layout;
use crate::auth::Viewer;
use crate::error::AppError;

pub(crate) fn render<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html(
                    "<!DOCTYPE html><html lang=\"ko\"><head><meta charset=\"utf-8\"><title>서버 오류 | 한팀 hanteam</title>\
                     </head><body><main id=\"main\"><h1>서버 오류</h1><p>화면을 만드는 중 오류가 발생했습니다. \
                     잠시 후 다시 시도해 주세요.</p></main></body></html>",
                ),
            )
                .into_response()
        }
    }
}

/// A page that must not be kept by the browser or a proxy (it shows a secret or personal data).
pub(crate) fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// 303 See Other: after a POST, the browser loads `href` with GET.
pub(crate) fn see_other(href: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(href) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    response
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    heading: &'static str,
    message: String,
    request_id: Option<String>,
}

fn error_heading(err: &AppError) -> &'static str {
    match err {
        AppError::Invalid(_) => "요청을 처리할 수 없습니다",
        AppError::Unauthenticated(_) => "로그인이 필요합니다",
        AppError::Forbidden(_) => "권한이 없습니다",
        AppError::Stale { .. } => "다른 사람이 먼저 고쳤습니다",
        AppError::Conflict(_) => "지금은 할 수 없는 작업입니다",
        AppError::Locked { .. } => "잠시 후 다시 시도해 주세요",
        AppError::NotFound(_) => "페이지를 찾을 수 없습니다",
        AppError::TooLarge => "보낸 내용이 너무 큽니다",
        AppError::MethodNotAllowed { .. } => "이 방식으로는 요청할 수 없습니다",
        AppError::Internal(cause) => {
            tracing::error!(%cause, "page request failed");
            "서버 오류가 발생했습니다"
        }
    }
}

/// The error page for `err`, with its status and its Korean message (a server error says nothing of its cause).
pub(crate) fn error_page(err: impl Into<AppError>, cx: &Ctx) -> Response {
    let err = err.into();
    let heading = error_heading(&err);
    let request_id = matches!(err, AppError::Internal(_)).then(|| cx.request_id.clone()).flatten();
    let page = ErrorPage { layout: Layout::plain(cx, heading), heading, message: err.detail().message, request_id };
    no_store(render(err.status(), &page))
}

/// The error page for `err`, for code outside the page handlers (the access gate, CSRF checks).
pub fn error_response(err: AppError, viewer: &Viewer, uri: &Uri, headers: &HeaderMap) -> Response {
    error_page(err, &Ctx::new(viewer.clone(), uri, headers))
}

/// The HTML 404 page, for every path no router knows.
pub fn not_found(viewer: Viewer, uri: &Uri, headers: &HeaderMap) -> Response {
    let cx = Ctx::new(viewer, uri, headers);
    let page = ErrorPage {
        layout: Layout::plain(&cx, "페이지를 찾을 수 없습니다"),
        heading: "페이지를 찾을 수 없습니다",
        message: "요청하신 페이지가 없거나 주소가 바뀌었습니다. 주소를 확인하거나 아래 메뉴에서 찾아 주세요.".into(),
        request_id: None,
    };
    render(StatusCode::NOT_FOUND, &page)
}

/// A page handler's outcome: `Ok` renders with 200, `Err` renders the error page.
pub(crate) fn respond<T: Template, E: Into<AppError>>(result: Result<T, E>, cx: &Ctx) -> Response {
    match result {
        Ok(page) => render(StatusCode::OK, &page),
        Err(e) => error_page(e, cx),
    }
}
