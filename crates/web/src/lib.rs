//! HTTP for hanteam: the JSON API (`/api/v1`), the server-rendered pages and the OpenAPI document.
//! Handlers are thin: they read the request, call one use case of `hanteam_app`, and render.
//!
//! `routes.rs` is the table of every route; `endpoint.rs` and `router.rs` are read from it, and
//! `gate.rs` checks every request against it.

#![forbid(unsafe_code)]

use std::future::IntoFuture;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
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
mod metrics;
mod middleware;
mod pages;
mod router;
mod routes;
pub mod site;
mod wire;

pub use error::AppError;
pub use metrics::{Metrics, MetricsAccess};
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
    /// How [`serve`] stops.
    pub shutdown: Shutdown,
    /// Set when a stop begins: `/readyz` answers 503 from then on.
    pub stopping: Arc<AtomicBool>,
    /// What this server counts for `/metrics`, and who may read it.
    pub metrics: Arc<Metrics>,
    pub metrics_access: MetricsAccess,
}

/// How a stop goes, once its signal comes: for `delay`, `/readyz` answers 503 while everything else
/// is still served (so a load balancer stops sending requests before the port closes); then the
/// port closes and the requests in flight get up to `grace` to finish. Whatever is still running
/// then ends with the process, unanswered; its transaction never committed, so nothing of it is kept.
#[derive(Clone, Copy, Debug)]
pub struct Shutdown {
    pub delay: Duration,
    pub grace: Duration,
}

impl Default for Shutdown {
    fn default() -> Shutdown {
        Shutdown { delay: Duration::ZERO, grace: Duration::from_secs(20) }
    }
}

impl AppState {
    pub fn new(db: Db) -> AppState {
        AppState {
            db,
            demo_accounts: Vec::new(),
            trusted_proxies: Vec::new(),
            site: None,
            operator: site::Operator::default(),
            shutdown: Shutdown::default(),
            stopping: Arc::new(AtomicBool::new(false)),
            metrics: Arc::new(Metrics::default()),
            metrics_access: MetricsAccess::default(),
        }
    }
}

/// Every route of the application.
pub fn router(state: AppState) -> Router {
    let (routes, _) = router::routes().split_for_parts();
    let metrics = state.metrics.clone();
    // Layers run outside-in: identify the viewer, route, gate by the route's rule, check CSRF.
    let app = routes
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), auth::csrf::protect))
        .route_layer(axum::middleware::from_fn(gate::gate))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::session::identify))
        .layer(axum::middleware::from_fn_with_state(state.clone(), site::check_host))
        .layer(axum::Extension(state.operator.clone()))
        .with_state(state);
    middleware::apply(app, Duration::from_secs(30), metrics)
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

/// Serves until `shutdown` resolves, then stops as [`Shutdown`] says. Returns once every request
/// in flight has been answered, or when the grace is over: what still runs then ends with the
/// process (`hanteam serve` exits right after).
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
    let Shutdown { delay, grace } = state.shutdown;
    let stopping = state.stopping.clone();
    let (closing, closed) = tokio::sync::oneshot::channel::<()>();
    let signal = async move {
        shutdown.await;
        stopping.store(true, Ordering::SeqCst);
        if !delay.is_zero() {
            tracing::info!(
                delay_ms = delay.as_millis() as u64,
                "stopping: not ready any more; still serving meanwhile"
            );
            tokio::time::sleep(delay).await;
        }
        tracing::info!("stopping: no new connections; finishing the requests in flight");
        let _ = closing.send(());
    };
    // On a task of its own, so that when the grace is over it is left running rather than dropped:
    // dropping it would end the bodies still being read, and their handlers would answer with
    // errors about what they could not read. Left alone, they end unanswered with the process.
    let server = tokio::spawn(
        axum::serve(listener, router(state).into_make_service_with_connect_info::<std::net::SocketAddr>())
            .with_graceful_shutdown(signal)
            .into_future(),
    );
    let grace_over = async move {
        match closed.await {
            Ok(()) => tokio::time::sleep(grace).await,
            // The server ended without a stop (it failed): nothing to time.
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        served = server => served.map_err(std::io::Error::other)?,
        () = grace_over => {
            tracing::warn!(grace_ms = grace.as_millis() as u64, "stopping: requests still running after the grace; they are dropped unanswered");
            Ok(())
        }
    }
}
