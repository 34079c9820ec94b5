//! HTTP for hanteam: the JSON API (`/api/v1`), the server-rendered pages and the OpenAPI document.
//! Handlers are thin: parse, call the store or the domain, render.

use std::time::Duration;

use axum::Router;
use hanteam_store::Db;
use tokio::net::TcpListener;

mod api;
mod assets;
mod error;
mod middleware;
mod pages;
mod shared;

pub use api::openapi_document;
pub use error::AppError;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
}

/// Every route of the application.
pub fn router(state: AppState) -> Router {
    let (api_router, _) = api::router().split_for_parts();
    let app = Router::new()
        .merge(api_router)
        .merge(pages::router())
        .merge(assets::router())
        .fallback(not_found)
        .with_state(state);
    middleware::apply(app, Duration::from_secs(30))
}

/// An unknown address: JSON under /api/, a page elsewhere.
async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        AppError::NotFound("요청한 API".into()).into_response()
    } else {
        pages::not_found().await
    }
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state).into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}
