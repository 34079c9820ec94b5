//! Cross-site request forgery: a state-changing request from a browser must carry a token that a
//! page of this site gave it. A signed-in session has its own token (stored with the session); before
//! sign-in, the sign-in form uses a token kept in a cookie of its own. Requests with an API token in
//! the Authorization header are not sent by browsers on their own and need none.

use axum::body::{to_bytes, Body};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use hanteam_app::secrets::{random_secret, same_secret};

use super::session::Viewer;
use crate::endpoint::{answers_in_json, Endpoint};
use crate::error::{AppError, MAX_BODY_BYTES};
use crate::AppState;

/// The form field and the header that carry the token.
pub const FIELD: &str = "csrf_token";
pub const HEADER: &str = "x-csrf-token";
/// The cookie that carries the token before sign-in.
pub const PRE_SESSION_COOKIE: &str = "hanteam_csrf";

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The token the sign-in form must carry, and the cookie to set when the browser has none yet.
pub fn pre_session_token(headers: &HeaderMap, https: bool) -> (String, Option<Cookie<'static>>) {
    if let Some(c) = CookieJar::from_headers(headers).get(PRE_SESSION_COOKIE) {
        if c.value().len() == 64 {
            return (c.value().to_string(), None);
        }
    }
    let token = random_secret();
    let mut c = Cookie::new(PRE_SESSION_COOKIE, token.clone());
    c.set_http_only(true);
    c.set_same_site(SameSite::Strict);
    c.set_secure(https);
    c.set_path("/");
    (token, Some(c))
}

/// Sets `cookie` on `response`.
pub fn with_cookie(mut response: Response, cookie: &Cookie<'_>) -> Response {
    if let Ok(v) = HeaderValue::from_str(&cookie.to_string()) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

fn refused(err: AppError, is_api: bool, viewer: &Viewer, uri: &Uri, headers: &HeaderMap) -> Response {
    if is_api {
        err.into_response()
    } else {
        crate::pages::render::error_response(err, viewer, uri, headers)
    }
}

/// Where the browser says the request came from, if it says (Origin, else Referer).
fn claimed_origin(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER))?.to_str().ok()
}

/// Middleware: refuses a state-changing browser request without the right token, or one that says it
/// comes from another site.
pub async fn protect(
    State(state): State<AppState>,
    matched: Option<MatchedPath>,
    viewer: Viewer,
    req: Request,
    next: Next,
) -> Response {
    if !changes_state(req.method()) || viewer.by_token() {
        return next.run(req).await;
    }
    let endpoint = matched.and_then(|m| Endpoint::find(req.method(), m.as_str()));
    let is_api = answers_in_json(endpoint, req.uri().path());
    let headers = req.headers().clone();
    let uri = req.uri().clone();
    let refuse = |message: &str| refused(AppError::Forbidden(message.into()), is_api, &viewer, &uri, &headers);
    // Compared with the configured site, never with the Host header: a rebinding page sets both.
    if let (Some(from), Some(site)) = (claimed_origin(&headers), &state.site) {
        if !site.is_origin(from) {
            return refuse("다른 사이트에서 보낸 요청은 받을 수 없습니다. 이 사이트의 화면에서 다시 시도해 주세요.");
        }
    }
    let expected = match viewer.csrf_token() {
        Some(session_token) => Some(session_token.to_string()),
        None => CookieJar::from_headers(&headers).get(PRE_SESSION_COOKIE).map(|c| c.value().to_string()),
    };
    let Some(expected) = expected else {
        return refuse("보안 확인 정보가 없습니다. 화면을 새로 고친 뒤 다시 시도해 주세요.");
    };
    // The token comes in a header (scripts in the page) or in the form itself.
    let (parts, body) = req.into_parts();
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let multipart = content_type.starts_with("multipart/form-data");
    // A form carrying a file may be as large as the file it carries.
    let limit = if multipart { crate::api_checks::MAX_UPLOAD_BYTES } else { MAX_BODY_BYTES };
    let bytes = match to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => return refused(AppError::TooLarge, is_api, &viewer, &uri, &headers),
    };
    let mut given = headers.get(HEADER).and_then(|v| v.to_str().ok()).map(str::to_string);
    if given.is_none() && multipart {
        given = crate::api_checks::multipart_text(&content_type, bytes.clone(), FIELD).await;
    }
    let given = given.or_else(|| {
        let is_form = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
        is_form
            .then(|| serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes).ok())
            .flatten()
            .and_then(|fields| fields.into_iter().find(|(k, _)| k == FIELD).map(|(_, v)| v))
    });
    match given {
        Some(given) if same_secret(&given, &expected) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        _ => refuse(
            "보안 확인 정보가 맞지 않습니다. 화면을 새로 고친 뒤 다시 시도해 주세요. 아무것도 저장되지 않았습니다.",
        ),
    }
}
