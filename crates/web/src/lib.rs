//! HTTP for hanteam: the JSON API (`/api/v1`), the server-rendered pages and the OpenAPI document.
//! Handlers are thin: they read the request, call one use case of `hanteam_app`, and render.
//!
//! `routes.rs` is the table of every route; `endpoint.rs` and `router.rs` are read from it, and
//! `gate.rs` checks every request against it.

#![forbid(unsafe_code)]

use std::time::Duration;

use axum::Router;
use hanteam_app::demo::DemoAccount;
use hanteam_app::Db;
use tokio::net::TcpListener;

mod api;
mod api_checks;
mod api_council;
mod api_evaluation;
mod api_mediation;
mod api_objections;
mod api_pay;
mod api_proposals;
mod api_scoring;
mod api_what_if;
mod assets;
pub mod auth;
pub mod endpoint;
mod error;
mod export;
mod gate;
mod lifecycle;
mod middleware;
mod pages;
mod router;
mod routes;
pub mod site;
mod wire;

pub use error::AppError;
pub use router::openapi_document;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// Accounts created by `hanteam serve --demo`, listed on the sign-in page (empty otherwise).
    pub demo_accounts: Vec<DemoAccount>,
    /// Reverse proxies whose X-Forwarded-For names the real client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The public origin; [`serve`] takes the listening address on loopback when it is not set.
    pub site: Option<site::Site>,
    /// Who runs the site (every page's footer).
    pub operator: site::Operator,
}

impl AppState {
    pub fn new(db: Db) -> AppState {
        AppState {
            db,
            demo_accounts: Vec::new(),
            trusted_proxies: Vec::new(),
            site: None,
            operator: site::Operator::default(),
        }
    }
}

/// Every route of the application.
pub fn router(state: AppState) -> Router {
    let (routes, _) = router::routes().split_for_parts();
    // Layers run outside-in: identify the viewer, route, gate by the route's rule, check CSRF.
    let app = routes
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), auth::csrf::protect))
        .route_layer(axum::middleware::from_fn(gate::gate))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::session::identify))
        .layer(axum::middleware::from_fn_with_state(state.clone(), site::check_host))
        .layer(axum::Extension(state.operator.clone()))
        .with_state(state);
    middleware::apply(app, Duration::from_secs(30))
}

/// An unknown address: JSON under /api/, a page elsewhere.
async fn not_found(
    uri: axum::http::Uri,
    viewer: auth::Viewer,
    headers: axum::http::HeaderMap,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if endpoint::answers_in_json(None, uri.path()) {
        AppError::NotFound("요청한 API".into()).into_response()
    } else {
        pages::render::not_found(viewer, &uri, &headers)
    }
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    mut state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    if state.site.is_none() {
        let site = site::Site::new(listener.local_addr()?, None)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        state.site = Some(site);
    }
    axum::serve(listener, router(state).into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}
