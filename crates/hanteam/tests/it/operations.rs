//! Stopping and readiness: a stop answers what is in flight and takes nothing new; `/readyz` tells a
//! load balancer when to send requests here.

use std::time::{Duration, Instant};

use hanteam_app::Db;
use hanteam_domain::access::Grant;
use hanteam_web::{AppState, MetricsAccess, Shutdown};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::common::{Backend, TestApp};

/// A second server on `app`'s database that stops when told, as `hanteam serve` on a signal.
struct Stoppable {
    addr: std::net::SocketAddr,
    stop: oneshot::Sender<()>,
    served: JoinHandle<std::io::Result<()>>,
}

async fn stoppable(db: &Db, shutdown: Shutdown) -> Stoppable {
    configured(db, |state| state.shutdown = shutdown).await
}

async fn configured(db: &Db, configure: impl FnOnce(&mut AppState)) -> Stoppable {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let mut state = AppState::new(db.clone());
    configure(&mut state);
    let (stop, stopped) = oneshot::channel::<()>();
    let served = tokio::spawn(hanteam_web::serve(listener, state, async {
        let _ = stopped.await;
    }));
    Stoppable { addr, stop, served }
}

/// Waits, up to a deadline, until the port takes no new connections.
async fn until_port_closed(addr: std::net::SocketAddr) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(addr).await.is_ok() {
        assert!(Instant::now() < deadline, "the port still takes connections 20 s after the stop");
        tokio::task::yield_now().await;
    }
}

/// A memo posted by hand over TCP, cut in two: the head and the first half of the body, then the
/// rest. The server cannot answer before it has the whole body.
fn memo_request(addr: std::net::SocketAddr, token: &str, text: &str) -> (Vec<u8>, Vec<u8>) {
    let body = serde_json::json!({ "body": text }).to_string().into_bytes();
    let head = format!(
        "POST /api/v1/tasks/1/memos HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer {token}\r\n\
         content-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    let (first, rest) = body.split_at(body.len() / 2);
    ([head.as_bytes(), first].concat(), rest.to_vec())
}

async fn memo_texts(app: &TestApp, token: &str) -> Vec<String> {
    let (status, list) = app.call(reqwest::Method::GET, "/api/v1/tasks/1/memos", Some(token), None).await;
    assert_eq!(status, 200, "{list}");
    list["items"].as_array().expect("items").iter().filter_map(|m| m["body"].as_str().map(str::to_string)).collect()
}

/// Waits, up to a deadline, until the server is answering `n` requests besides the one that asks.
async fn until_in_flight(addr: std::net::SocketAddr, n: usize) {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let r = client.get(format!("http://{addr}/metrics")).bearer_auth(METRICS_TOKEN).send().await;
        let text = r.expect("metrics").text().await.expect("text");
        if sample(&text, "hanteam_http_requests_in_flight") == Some(n as f64 + 1.0) {
            return;
        }
        assert!(Instant::now() < deadline, "not {n} requests in flight after 20 s: {text}");
    }
}

/// A server with `grace` that is working on a memo whose body it has only half of: the server,
/// the connection and the rest of the body.
async fn a_memo_half_sent(app: &TestApp, token: &str, grace: Duration, text: &str) -> (Stoppable, TcpStream, Vec<u8>) {
    let server = configured(&app.db, |s| {
        s.shutdown = Shutdown { delay: Duration::ZERO, grace };
        s.metrics_access.token = Some(METRICS_TOKEN.into());
    })
    .await;
    let (first, rest) = memo_request(server.addr, token, text);
    let mut conn = TcpStream::connect(server.addr).await.expect("connect");
    conn.write_all(&first).await.expect("send the first half");
    until_in_flight(server.addr, 1).await;
    (server, conn, rest)
}

async fn a_stop_answers_the_request_in_flight_and_takes_no_new_one(b: Backend) {
    let app = TestApp::spawn(b).await;
    let token = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let (server, mut conn, rest) =
        a_memo_half_sent(&app, &token, Duration::from_secs(60), "멈추는 중에 받은 메모").await;

    server.stop.send(()).expect("stop");
    until_port_closed(server.addr).await;
    conn.write_all(&rest).await.expect("send the rest after the port closed");
    let mut answer = String::new();
    conn.read_to_string(&mut answer).await.expect("the answer, then the connection closes");

    assert!(answer.starts_with("HTTP/1.1 201"), "the request in flight is answered: {answer}");
    let stopped = tokio::time::timeout(Duration::from_secs(20), server.served).await;
    assert!(matches!(stopped, Ok(Ok(Ok(())))), "the server returns once it has answered");
    assert!(memo_texts(&app, &token).await.contains(&"멈추는 중에 받은 메모".to_string()), "the write is kept");
}

async fn a_stop_returns_after_the_grace_without_the_request_still_running(b: Backend) {
    let app = TestApp::spawn(b).await;
    let token = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let (server, _conn, _never_sent) =
        a_memo_half_sent(&app, &token, Duration::from_millis(200), "끝나지 않은 요청의 메모").await;

    server.stop.send(()).expect("stop");
    let stopped = tokio::time::timeout(Duration::from_secs(20), server.served).await;
    assert!(matches!(stopped, Ok(Ok(Ok(())))), "the server returns after the grace, without the request");
    assert!(!memo_texts(&app, &token).await.contains(&"끝나지 않은 요청의 메모".to_string()));
}

async fn readyz_turns_503_when_a_stop_begins_while_the_rest_is_still_served(b: Backend) {
    let app = TestApp::spawn(b).await;
    let server = stoppable(&app.db, Shutdown { delay: Duration::from_secs(30), grace: Duration::ZERO }).await;
    let client = reqwest::Client::new();
    let get = |path: &str| client.get(format!("http://{}{path}", server.addr)).send();

    let ready = get("/readyz").await.expect("readyz");
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.json::<Value>().await.expect("json"), serde_json::json!({"status": "ready"}));

    server.stop.send(()).expect("stop");
    let deadline = Instant::now() + Duration::from_secs(20);
    let not_ready = loop {
        let r = get("/readyz").await.expect("readyz during the delay");
        if r.status() == 503 {
            break r.json::<Value>().await.expect("json");
        }
        assert!(Instant::now() < deadline, "/readyz still says ready 20 s after the stop");
        tokio::task::yield_now().await;
    };
    assert_eq!(not_ready["status"], "stopping");
    assert!(not_ready["message"].as_str().unwrap_or("").contains("멈추는 중"), "{not_ready}");
    assert_eq!(get("/healthz").await.expect("healthz").status(), 200, "alive while stopping");
    assert_eq!(get("/api/v1/overview").await.expect("overview").status(), 200, "still served during the delay");
    server.served.abort();
}

async fn readyz_names_missing_migrations_and_a_schema_newer_than_the_binary(b: Backend) {
    let app = TestApp::spawn(b).await;
    assert_eq!(app.json("/readyz", 200).await["status"], "ready");

    execute(&app.db, "DELETE FROM schema_migrations WHERE version = 19").await;
    let r = app.get("/readyz").await;
    assert_eq!(r.status(), 503);
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["status"], "migrations_pending");
    assert!(body["message"].as_str().unwrap_or("").contains("버전 19"), "{body}");
    assert_eq!(app.json("/healthz", 200).await["status"], "ok", "alive all the same");

    execute(&app.db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (19, 'x', CURRENT_TIMESTAMP)")
        .await;
    execute(
        &app.db,
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'from_a_newer_binary', CURRENT_TIMESTAMP)",
    )
    .await;
    let body: Value = app.get("/readyz").await.json().await.expect("json");
    assert_eq!(body["status"], "database_unavailable", "{body}");
    let refused = Db::open(&app.database_url).await.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        refused.contains("버전 9999") && refused.contains("이 프로그램이 아는 것(버전"),
        "opening names both versions: {refused}"
    );
}

const METRICS_TOKEN: &str = "metrics-secret-of-this-test-0123456789";

/// The value of the sample `series` (its name and labels exactly as written) in an exposition.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.split(' ').next()?.parse().ok())
}

async fn metrics_count_requests_by_route_and_status_for_whom_they_are_for(b: Backend) {
    let app = TestApp::spawn(b).await;
    let closed = app.get("/metrics").await;
    assert_eq!(closed.status(), 403, "nobody reads the metrics unless configured");
    let body: Value = closed.json().await.expect("json");
    assert!(body["error"]["message"].as_str().unwrap_or("").contains("HANTEAM_METRICS_TOKEN"), "{body}");

    let server = configured(&app.db, |s| {
        s.metrics_access = MetricsAccess { from: vec![], token: Some(METRICS_TOKEN.into()) };
    })
    .await;
    let client = reqwest::Client::new();
    let url = |path: &str| format!("http://{}{path}", server.addr);
    for path in ["/api/v1/tasks/1", "/api/v1/tasks/2", "/api/v1/tasks/999999"] {
        client.get(url(path)).send().await.expect("request");
    }
    let wrong = client.get(url("/metrics")).bearer_auth("metrics-secret-of-this-test-0123456788").send().await;
    assert_eq!(wrong.expect("metrics").status(), 403, "a wrong token is refused");
    let r = client.get(url("/metrics")).bearer_auth(METRICS_TOKEN).send().await.expect("metrics");
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap_or("").starts_with("application/openmetrics-text"));
    let text = r.text().await.expect("text");

    let task = r#"method="GET",route="/api/v1/tasks/{id}""#;
    assert_eq!(sample(&text, &format!("hanteam_http_requests_total{{{task},status=\"200\"}}")), Some(2.0), "{text}");
    assert_eq!(sample(&text, &format!("hanteam_http_requests_total{{{task},status=\"404\"}}")), Some(1.0), "{text}");
    assert_eq!(sample(&text, &format!("hanteam_http_request_duration_seconds_count{{{task}}}")), Some(3.0), "{text}");
    let rows = app.db.audit_rows().await.expect("audit rows");
    assert!(rows > 0);
    assert_eq!(sample(&text, "hanteam_audit_log_rows"), Some(rows as f64), "{text}");
    let max = sample(&text, "hanteam_db_connections_max").expect("pool size");
    let in_use = sample(&text, r#"hanteam_db_connections{state="in_use"}"#).expect("in use");
    assert!(max >= 8.0 && (0.0..=max).contains(&in_use), "{text}");
    assert!(!text.contains("/999999"), "paths never become labels: {text}");

    let by_address = configured(&app.db, |s| {
        s.metrics_access = MetricsAccess { from: vec!["127.0.0.1".parse().expect("ip")], token: None };
    })
    .await;
    let r = client.get(format!("http://{}/metrics", by_address.addr)).send().await.expect("metrics");
    assert_eq!(r.status(), 200, "a configured address needs no token");
    server.served.abort();
    by_address.served.abort();
}

async fn every_error_body_names_its_request_id_and_a_fit_id_from_outside_is_kept(b: Backend) {
    let app = TestApp::spawn(b).await;
    let r = app
        .client
        .get(format!("{}/api/v1/tasks/999999", app.base))
        .header("x-request-id", "lb-7f3a.01:22")
        .send()
        .await;
    let r = r.expect("request");
    assert_eq!(r.status(), 404);
    assert_eq!(r.headers()["x-request-id"], "lb-7f3a.01:22", "the proxy's id is kept");
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["error"]["request_id"], "lb-7f3a.01:22", "{body}");

    let unfit = "x".repeat(65);
    let r = app
        .client
        .get(format!("{}/api/v1/tasks/abc", app.base))
        .header("x-request-id", &unfit)
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 400);
    let id = r.headers()["x-request-id"].to_str().expect("id").to_string();
    assert!(id != unfit && !id.is_empty(), "an unfit id is replaced: {id}");
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["error"]["request_id"], id.as_str(), "{body}");
}

async fn execute(db: &Db, sql: &str) {
    let done = match db {
        Db::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
        Db::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
    };
    done.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

on_both_backends!(
    a_stop_answers_the_request_in_flight_and_takes_no_new_one,
    a_stop_returns_after_the_grace_without_the_request_still_running,
    readyz_turns_503_when_a_stop_begins_while_the_rest_is_still_served,
    readyz_names_missing_migrations_and_a_schema_newer_than_the_binary,
    metrics_count_requests_by_route_and_status_for_whom_they_are_for,
    every_error_body_names_its_request_id_and_a_fit_id_from_outside_is_kept,
);
