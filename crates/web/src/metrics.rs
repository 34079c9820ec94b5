//! Prometheus metrics at `/metrics`: requests by route and status, their latency, the database
//! pool, the scheduled jobs and the audit log's length. Only a configured address or the configured
//! token may read them: route names and rates say something of how the system is used.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::error::{AppError, ErrorBody};
use crate::AppState;

/// Who may read `/metrics`: a client from one of `from`, or one that sends `token` as
/// `Authorization: Bearer`. With neither set, nobody.
#[derive(Clone, Debug, Default)]
pub struct MetricsAccess {
    pub from: Vec<IpAddr>,
    pub token: Option<String>,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: &'static str,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    job: &'static str,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobName {
    job: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: &'static str,
}

type Histograms = Family<RouteLabels, Histogram, fn() -> Histogram>;

/// What one server has counted since it started (each instance its own; Prometheus adds them up).
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Histograms,
    in_flight: Gauge,
    job_runs: Family<JobLabels, Counter>,
    job_last_success: Family<JobName, Gauge>,
    job_items: Family<JobLabels, Counter>,
    pool: Family<PoolLabels, Gauge>,
    pool_max: Gauge,
    audit_rows: Gauge,
}

fn latency_buckets() -> Histogram {
    // 1 ms to about 4 s: a page's p99 target is 20 ms; closing a round takes seconds.
    Histogram::new(exponential_buckets(0.001, 2.0, 13))
}

impl Default for Metrics {
    fn default() -> Metrics {
        let mut registry = Registry::with_prefix("hanteam");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency: Histograms = Family::new_with_constructor(latency_buckets);
        let job_runs = Family::<JobLabels, Counter>::default();
        let job_last_success = Family::<JobName, Gauge>::default();
        let job_items = Family::<JobLabels, Counter>::default();
        let in_flight = Gauge::default();
        let pool = Family::<PoolLabels, Gauge>::default();
        let pool_max = Gauge::default();
        let audit_rows = Gauge::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route (its template) and status",
            requests.clone(),
        );
        registry.register("http_request_duration_seconds", "Time to answer a request, by route", latency.clone());
        registry.register("http_requests_in_flight", "Requests being answered now (this one too)", in_flight.clone());
        registry.register("job_runs", "Runs of a scheduled job, by outcome (ok, failed)", job_runs.clone());
        registry.register(
            "job_last_success_timestamp_seconds",
            "When a scheduled job last ran without failing (Unix time)",
            job_last_success.clone(),
        );
        registry.register(
            "job_items",
            "What a scheduled job did: reminders made, mails sent or failed",
            job_items.clone(),
        );
        registry.register(
            "db_connections",
            "Database connections of this server, by state (in_use, idle)",
            pool.clone(),
        );
        registry.register("db_connections_max", "The most database connections this server opens", pool_max.clone());
        registry.register(
            "audit_log_rows",
            "Rows in the audit log (all servers together; never fewer)",
            audit_rows.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            in_flight,
            job_runs,
            job_last_success,
            job_items,
            pool,
            pool_max,
            audit_rows,
        }
    }
}

impl Metrics {
    /// One run of the job `job`: whether it failed, and what it did (`what` = count, e.g.
    /// ("reminders_made", 3)).
    pub fn job_ran(&self, job: &'static str, ok: bool, did: &[(&'static str, u64)]) {
        let outcome = if ok { "ok" } else { "failed" };
        self.job_runs.get_or_create(&JobLabels { job, outcome }).inc();
        for &(outcome, n) in did {
            self.job_items.get_or_create(&JobLabels { job, outcome }).inc_by(n);
        }
        if ok {
            let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
            self.job_last_success.get_or_create(&JobName { job }).set(i64::try_from(now).unwrap_or(i64::MAX));
        }
    }

    fn record(&self, method: &'static str, route: String, status: u16, seconds: f64) {
        self.latency.get_or_create(&RouteLabels { method, route: route.clone() }).observe(seconds);
        self.requests.get_or_create(&RequestLabels { method, route, status }).inc();
    }
}

/// Methods outside the usual ones are counted together, so a client cannot grow the label set.
fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// A request being answered: in flight until dropped (also when its client goes away and it is
/// dropped mid-way); [`InFlight::finish`] counts and times it under its route's template (never
/// its path, which would make a series per task).
pub struct InFlight {
    metrics: Arc<Metrics>,
    method: &'static str,
    route: String,
    started: Instant,
}

impl Metrics {
    pub fn start(self: &Arc<Self>, req: &Request) -> InFlight {
        self.in_flight.inc();
        let route =
            req.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
        InFlight { metrics: self.clone(), method: method_label(req.method()), route, started: Instant::now() }
    }
}

impl InFlight {
    pub fn finish(mut self, status: u16) {
        let seconds = self.started.elapsed().as_secs_f64();
        let route = std::mem::take(&mut self.route);
        self.metrics.record(self.method, route, status, seconds);
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.metrics.in_flight.dec();
    }
}

/// Metrics for Prometheus (OpenMetrics text): only from the addresses in HANTEAM_METRICS_FROM, or
/// with HANTEAM_METRICS_TOKEN as `Authorization: Bearer` (not an account's API token).
#[utoipa::path(get, path = "/metrics", tag = "system",
    responses((status = 200, description = "The metrics", content_type = "application/openmetrics-text"),
              (status = 403, body = ErrorBody)))]
pub(crate) async fn metrics(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let client = crate::auth::client_of(peer.ip(), &headers, &state.trusted_proxies);
    if !may_read(&state.metrics_access, client, &headers) {
        return Err(AppError::Forbidden(
            "지표(/metrics)는 설정한 주소(HANTEAM_METRICS_FROM)에서나 설정한 토큰(HANTEAM_METRICS_TOKEN)으로만 볼 수 있습니다."
                .into(),
        ));
    }
    let m = &state.metrics;
    let (open, idle, max) = state.db.connections();
    m.pool.get_or_create(&PoolLabels { state: "in_use" }).set(i64::from(open) - idle as i64);
    m.pool.get_or_create(&PoolLabels { state: "idle" }).set(idle as i64);
    m.pool_max.set(i64::from(max));
    m.audit_rows.set(hanteam_app::audit::rows_in_log(&state.db).await?);
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &m.registry)
        .map_err(|e| AppError::Internal(format!("metrics: {e}")))?;
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

fn may_read(access: &MetricsAccess, client: IpAddr, headers: &HeaderMap) -> bool {
    if access.from.contains(&client) {
        return true;
    }
    let sent = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match (&access.token, sent) {
        (Some(token), Some(sent)) => hanteam_app::secrets::same_secret(token, sent),
        _ => false,
    }
}
