//! The first gate of every request: its route's row in `routes.rs` must allow the caller, and a
//! route without a row is refused to everyone. Refusals are answered as the route's kind wants:
//! JSON for the API, a redirect to the sign-in form or an error page for pages.

use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use crate::auth::Viewer;
use crate::endpoint::{answers_in_json, encode_path, Access, Endpoint};
use crate::error::AppError;

/// Middleware after routing: refuses a request its endpoint's rule does not allow.
pub async fn gate(matched: Option<MatchedPath>, viewer: Viewer, req: Request, next: Next) -> Response {
    // No matched route: the fallback answers 404 (or 405 for a known path with another method).
    let Some(matched) = matched else { return next.run(req).await };
    let Some(endpoint) = Endpoint::find(req.method(), matched.as_str()) else {
        if req.method() == Method::HEAD {
            if let Some(get) = Endpoint::find(&Method::GET, matched.as_str()) {
                return check(get, &viewer, req, next).await;
            }
        }
        let allowed = Endpoint::methods_of(matched.as_str());
        if !allowed.is_empty() {
            // A client's mistake, not the server's: answered, and not worth a line in the log.
            tracing::debug!(method = %req.method(), route = matched.as_str(), "method not allowed");
            return method_not_allowed(&allowed, viewer, &req);
        }
        tracing::error!(method = %req.method(), route = matched.as_str(), "route without an access rule refused");
        return AppError::Forbidden("이 주소에는 접근 규칙이 없어 누구도 쓸 수 없습니다.".into()).into_response();
    };
    check(endpoint, &viewer, req, next).await
}

/// 405 with the methods the path takes in `Allow`, in the error shape (JSON for the API, a page
/// otherwise).
fn method_not_allowed(allowed: &[Method], viewer: Viewer, req: &Request) -> Response {
    let mut names: Vec<&str> = allowed.iter().map(Method::as_str).collect();
    if allowed.contains(&Method::GET) {
        names.push("HEAD");
    }
    let allow = names.join(", ");
    let err = AppError::MethodNotAllowed { method: req.method().to_string(), allowed: allow.clone() };
    let mut response = if answers_in_json(None, req.uri().path()) {
        err.into_response()
    } else {
        crate::pages::render::error_response(err, &viewer, req.uri(), req.headers())
    };
    if let Ok(v) = axum::http::HeaderValue::from_str(&allow) {
        response.headers_mut().insert(axum::http::header::ALLOW, v);
    }
    response
}

async fn check(endpoint: Endpoint, viewer: &Viewer, req: Request, next: Next) -> Response {
    let refusal = match (endpoint.access(), viewer.principal()) {
        (Access::Public, _) => None,
        (_, None) => Some(AppError::Unauthenticated("로그인이 필요합니다. 먼저 로그인해 주세요.".into())),
        (Access::SignedIn, Some(_)) => None,
        (Access::Right(right), Some(p)) => (!p.has_right(right)).then(AppError::forbidden),
    };
    let must_change = viewer.account.as_ref().is_some_and(|a| a.must_change_password);
    let refusal = refusal.or_else(|| {
        (must_change && !endpoint.allowed_before_password_change()).then(|| {
            AppError::Forbidden(
                "처음 받은 비밀번호를 바꾼 뒤에 쓸 수 있습니다. 내 정보 화면에서 비밀번호를 바꿔 주세요.".into(),
            )
        })
    });
    let Some(refusal) = refusal else { return next.run(req).await };
    if answers_in_json(Some(endpoint), req.uri().path()) {
        return refusal.into_response();
    }
    match refusal {
        AppError::Unauthenticated(_) => {
            let back = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
            Redirect::to(&format!("{}?next={}", Endpoint::SignInForm.href(&[]), encode_path(back))).into_response()
        }
        AppError::Forbidden(_) if must_change => {
            Redirect::to(&format!("{}?password=required", Endpoint::AccountPage.href(&[]))).into_response()
        }
        other => crate::pages::render::error_response(other, viewer, req.uri(), req.headers()),
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    /// A route nobody wrote a rule for is refused, even to the public, even for a GET.
    #[tokio::test]
    async fn a_route_without_a_rule_is_refused_to_everyone() {
        let app = axum::Router::new()
            .route("/unlisted", get(|| async { "secret" }))
            .route("/", get(|| async { "home" }))
            .route_layer(axum::middleware::from_fn(gate));
        let unlisted = app.clone().oneshot(Request::get("/unlisted").body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(unlisted.status(), axum::http::StatusCode::FORBIDDEN);
        let listed = app.oneshot(Request::get("/").body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(listed.status(), axum::http::StatusCode::OK);
    }
}
