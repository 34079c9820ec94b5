//! Layers every response goes through: request ids, tracing, limits, security headers, and
//! server errors that name their request id.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestId, MakeRequestUuid};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::endpoint::answers_in_json;
use crate::error::{internal_detail, ErrorBody, CURRENT_REQUEST, MAX_BODY_BYTES};
use crate::Metrics;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// No inline script or style anywhere, nothing from other origins, never framed.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; \
     form-action 'self'; frame-ancestors 'none'";

/// Wraps every route of `router` in the layers above.
pub fn apply(router: Router, timeout: Duration, metrics: Arc<Metrics>) -> Router {
    let layers = ServiceBuilder::new()
        .layer(axum::middleware::from_fn_with_state(metrics, name_and_count))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
                let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned());
                let request_id = req.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                // The path, never the query string: it may carry what a user typed.
                tracing::info_span!("request", method = %req.method(), route = route.as_deref().unwrap_or(req.uri().path()), request_id)
            }),
        )
        .layer(axum::middleware::from_fn(name_request_in_server_errors))
        // Text is compressed (the KRDS stylesheet is 584 KB, 60 KB in gzip); fonts, images and Excel
        // files (zip archives) are compressed already.
        .layer(
            CompressionLayer::new().gzip(true).br(true).compress_when(
                DefaultPredicate::new()
                    .and(NotForContentType::const_new("font/"))
                    .and(NotForContentType::IMAGES)
                    .and(NotForContentType::const_new("application/vnd.openxmlformats-officedocument.")),
            ),
        )
        .layer(CatchPanicLayer::new())
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, timeout))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    router.layer(layers)
}

/// Every request gets an id, in the header of the request (for the log's span) and of its answer,
/// and at hand for the error bodies ([`CURRENT_REQUEST`]); and it is counted for `/metrics`.
/// One layer for both, as each layer costs every request (the cheapest ones most).
///
/// A proxy's or a client's own X-Request-Id is kept, so one id follows a request through every log;
/// but only a short plain one, as it goes into logs and answers as it is. Any other gets a new id.
async fn name_and_count(State(metrics): State<Arc<Metrics>>, mut req: Request, next: Next) -> Response {
    let fit = |v: &HeaderValue| {
        (1..=64).contains(&v.len())
            && v.as_bytes().iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
    };
    let id = match req.headers().get(&REQUEST_ID) {
        Some(v) if fit(v) => v.clone(),
        _ => MakeRequestUuid
            .make_request_id(&req)
            .map(|id| id.header_value().clone())
            .unwrap_or(HeaderValue::from_static("-")),
    };
    req.headers_mut().insert(REQUEST_ID, id.clone());
    let counting = metrics.start(&req);
    let text = id.to_str().unwrap_or_default().to_owned();
    let mut response = CURRENT_REQUEST.scope(text, next.run(req)).await;
    counting.finish(response.status().as_u16());
    response.headers_mut().insert(REQUEST_ID, id);
    response
}

/// A 500 from the API gets the standard error body with the request id, so a user can quote it and
/// an operator can find the cause in the log. Pages keep their own error page.
async fn name_request_in_server_errors(req: Request, next: Next) -> Response {
    let request_id = req.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).map(str::to_owned);
    // This layer wraps the router, so the request is not routed yet: its path decides.
    let is_api = answers_in_json(None, req.uri().path());
    let response = next.run(req).await;
    if response.status() == StatusCode::INTERNAL_SERVER_ERROR && is_api {
        return (StatusCode::INTERNAL_SERVER_ERROR, Json(ErrorBody { error: internal_detail(request_id) }))
            .into_response();
    }
    response
}
