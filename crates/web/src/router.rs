//! The router, built from the route table (`routes.rs`): a page row becomes an axum route, an API
//! row a route with its OpenAPI operation. No route exists without a row.

use axum::routing::MethodRouter;
use hanteam_domain::{Kpi, Milestone};
use utoipa_axum::router::OpenApiRouter;

use crate::api::ApiDoc;
use crate::AppState;

macro_rules! method_router {
    (GET, $h:expr) => {
        axum::routing::get($h)
    };
    (POST, $h:expr) => {
        axum::routing::post($h)
    };
    (PUT, $h:expr) => {
        axum::routing::put($h)
    };
    (DELETE, $h:expr) => {
        axum::routing::delete($h)
    };
}

macro_rules! add_route {
    ($router:ident, Page, $method:ident, $path:literal, $($handler:tt)+) => {
        $router = $router.route($path, { let m: MethodRouter<AppState> = method_router!($method, crate::$($handler)+); m });
    };
    ($router:ident, Api, $method:ident, $path:literal, $($handler:tt)+) => {
        $router = $router.routes(utoipa_axum::routes!(crate::$($handler)+));
    };
}

macro_rules! build_router {
    ($($name:ident => $method:ident $path:literal, $kind:ident($($handler:tt)+), $access:expr;)*) => {
        /// Every route of the table, with the OpenAPI document of its API rows.
        pub(crate) fn routes() -> OpenApiRouter<AppState> {
            use utoipa::OpenApi;
            let mut router = OpenApiRouter::with_openapi(ApiDoc::openapi());
            $( add_route!(router, $kind, $method, $path, $($handler)+); )*
            router
        }
    };
}

crate::routes::route_table!(build_router);
