//! The `hanteam` binary as a newcomer runs it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::common::Backend;

pub(crate) fn hanteam() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hanteam"));
    cmd.env_remove("DATABASE_URL").env_remove("HANTEAM_ADDR").env("RUST_LOG", "warn");
    cmd
}

fn run(cmd: &mut Command) -> (bool, String, String) {
    let out = cmd.output().expect("run hanteam");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

/// Starts `hanteam serve` and waits (up to a deadline) for the line that gives its address.
pub(crate) fn start_server(cmd: &mut Command) -> (Child, String) {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().expect("spawn hanteam serve");
    let url = address_of(&mut child);
    (child, url)
}

/// Waits (up to a deadline) for the line of `child`'s standard output that gives its address.
fn address_of(child: &mut Child) -> String {
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("hanteam listening on ") {
                let _ = tx.send(url.to_string());
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(60)).expect("hanteam serve did not report its address within 60 s")
}

pub(crate) fn stop(mut child: Child) {
    // SIGTERM asks for a graceful stop; the exit status says whether it was clean.
    let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
    let status = child.wait().expect("wait");
    assert!(status.success(), "hanteam serve did not stop cleanly: {status}");
}

#[test]
fn every_subcommand_has_help() {
    for args in [vec!["--help"], vec!["serve", "--help"], vec!["migrate", "--help"], vec!["seed", "--help"]] {
        let (ok, out, err) = run(hanteam().args(&args));
        assert!(ok, "{args:?}: {err}");
        assert!(out.contains("Usage: hanteam"), "{args:?}: {out}");
    }
    let (_, out, _) = run(hanteam().args(["serve", "--help"]));
    assert!(out.contains("--addr") && out.contains("HANTEAM_ADDR") && out.contains("DATABASE_URL"), "{out}");
}

#[test]
fn a_bad_address_is_refused_with_a_korean_message() {
    let (ok, _, err) = run(hanteam().args(["serve", "--addr", "localhost"]));
    assert!(!ok);
    assert!(err.contains("IP:포트"), "{err}");
    let (ok, _, err) = run(hanteam().args(["serve"]).env("HANTEAM_ADDR", "8080"));
    assert!(!ok);
    assert!(err.contains("IP:포트"), "{err}");
}

#[test]
fn a_bad_database_url_is_refused_with_a_korean_message() {
    let (ok, _, err) = run(hanteam().arg("migrate").env("DATABASE_URL", "mysql://app:pw@db/x"));
    assert!(!ok);
    assert!(err.contains("sqlite:// 또는 postgres://"), "{err}");
    assert!(!err.contains(":pw@"), "the password must not be echoed: {err}");
}

#[test]
fn serve_in_an_empty_directory_creates_hanteam_db_and_serves_the_41_tasks() {
    let dir = tempfile::tempdir().unwrap();
    let (child, url) = start_server(hanteam().args(["serve", "--addr", "127.0.0.1:0"]).current_dir(dir.path()));
    let body: serde_json::Value = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(async { reqwest::get(format!("{url}/api/v1/tasks")).await.unwrap().json().await.unwrap() });
    let wal = dir.path().join("hanteam.db-wal");
    assert!(wal.exists(), "a running server writes ahead into hanteam.db-wal");
    stop(child);
    assert_eq!(body["total"], 41);
    let db = dir.path().join("hanteam.db");
    assert!(db.exists(), "the default database is hanteam.db in the working directory");
    assert!(!wal.exists(), "a clean stop closes the database: the write-ahead log is folded into the file");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&db).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "official records are readable by their owner only");
}

#[test]
fn the_footer_names_the_configured_operator_and_links_pages_that_exist() {
    let dir = tempfile::tempdir().unwrap();
    let (child, url) = start_server(
        hanteam()
            .args(["serve", "--addr", "127.0.0.1:0", "--operator-address", "(30109) 세종특별자치시 한누리대로 411"])
            .env("HANTEAM_OPERATOR", "국무조정실 협업정책과")
            .env("HANTEAM_OPERATOR_CONTACT", "044-000-0000")
            .current_dir(dir.path()),
    );
    let pages: Vec<(String, u16, String)> = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let mut out = Vec::new();
        for path in ["/", "/privacy", "/copyright", "/accessibility"] {
            let r = reqwest::get(format!("{url}{path}")).await.unwrap();
            out.push((path.to_string(), r.status().as_u16(), r.text().await.unwrap()));
        }
        out
    });
    stop(child);
    let home = &pages[0].2;
    let footer = &home[home.find("<footer").expect("a footer")..];
    assert!(
        footer.contains("<strong class=\"strong\">운영기관</strong> <span class=\"span\">국무조정실 협업정책과</span>"),
        "{footer}"
    );
    assert!(footer.contains("(30109) 세종특별자치시 한누리대로 411") && footer.contains("044-000-0000"), "{footer}");
    for (path, label) in
        [("/privacy", "개인정보처리방침"), ("/copyright", "저작권정책"), ("/accessibility", "웹접근성")]
    {
        assert!(footer.contains(&format!("href=\"{path}\"")) && footer.contains(label), "{path} linked: {footer}");
    }
    for (path, status, html) in &pages[1..] {
        assert_eq!(*status, 200, "{path}");
        assert!(html.contains("044-000-0000"), "{path} says where to ask");
    }
    assert!(pages[1].2.contains("국무조정실 협업정책과는 한팀(hanteam)을 운영하면서"), "the particle follows the name");
    assert!(pages[1].2.contains("30분 동안 쓰지 않거나"), "the session rule as it is");
}

/// `hanteam serve` with its standard error read line by line (for the JSON log test).
fn start_server_logging(cmd: &mut Command) -> (Child, String, mpsc::Receiver<String>) {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn hanteam serve");
    let stderr = child.stderr.take().expect("stderr");
    let (log_tx, logs) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = log_tx.send(line);
        }
    });
    let url = address_of(&mut child);
    (child, url, logs)
}

#[test]
fn json_logs_carry_the_request_id_and_the_reminder_job_shows_in_the_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let token = "a-metrics-token-for-the-cli-test-0123456789";
    let (child, url, logs) = start_server_logging(
        hanteam()
            .args(["serve", "--addr", "127.0.0.1:0"])
            .env("HANTEAM_LOG_FORMAT", "json")
            .env("RUST_LOG", "info,tower_http=debug")
            .env("HANTEAM_METRICS_TOKEN", token)
            .current_dir(dir.path()),
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let client = reqwest::Client::new();
    let answered = runtime.block_on(async {
        client.get(format!("{url}/api/v1/tasks/1")).header("x-request-id", "cli-json-log-1").send().await.unwrap()
    });
    assert_eq!(answered.headers()["x-request-id"], "cli-json-log-1");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let line = loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let line = logs.recv_timeout(left).expect("a log line of the request within 30 s");
        let json: serde_json::Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        if json["span"]["request_id"] == "cli-json-log-1" {
            break json;
        }
    };
    assert_eq!(line["span"]["route"], "/api/v1/tasks/{id}", "{line}");
    assert!(line["timestamp"].is_string() && line["level"].is_string(), "{line}");

    // The reminder job runs once at start, then every minute.
    let job_ran = runtime.block_on(async {
        loop {
            let text =
                client.get(format!("{url}/metrics")).bearer_auth(token).send().await.unwrap().text().await.unwrap();
            if text.contains(r#"hanteam_job_runs_total{job="reminders",outcome="ok"} 1"#) {
                break text;
            }
            assert!(std::time::Instant::now() < deadline, "the reminder job did not show in 30 s: {text}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    assert!(job_ran.contains("hanteam_job_last_success_timestamp_seconds{job=\"reminders\"}"), "{job_ran}");
    stop(child);
}

#[test]
fn sigterm_with_a_request_unfinished_exits_after_the_grace_leaving_it_unanswered() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let token = "a-metrics-token-for-the-cli-test-0123456789";
    let (child, url) = start_server(
        hanteam()
            .args(["serve", "--addr", "127.0.0.1:0", "--shutdown-grace", "0"])
            .env("HANTEAM_METRICS_TOKEN", token)
            .current_dir(dir.path()),
    );
    let addr = url.trim_start_matches("http://");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let client = reqwest::Client::new();
    // With the sign-in form's cookie, the server reads the whole form (for its CSRF token) before
    // it answers: a request that stays in flight while its body is not all there.
    let form = runtime.block_on(async { client.get(format!("{url}/sign-in")).send().await.unwrap() });
    let cookie = form.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let mut conn = std::net::TcpStream::connect(addr).unwrap();
    let head = format!(
        "POST /sign-in HTTP/1.1\r\nhost: {addr}\r\ncookie: {cookie}\r\n\
         content-type: application/x-www-form-urlencoded\r\ncontent-length: 1000\r\n\r\nlogin="
    );
    conn.write_all(head.as_bytes()).unwrap();
    // The server is working on it once the metrics count it (and the request that asks).
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    runtime.block_on(async {
        loop {
            let text =
                client.get(format!("{url}/metrics")).bearer_auth(token).send().await.unwrap().text().await.unwrap();
            if text.contains("hanteam_http_requests_in_flight 2") {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "the request never got in flight: {text}");
        }
    });

    let pid = child.id();
    let (exited, exit) = mpsc::channel();
    let mut child = child;
    std::thread::spawn(move || {
        let _ = exited.send(child.wait());
    });
    let _ = Command::new("kill").arg("-TERM").arg(pid.to_string()).status();
    let status = exit.recv_timeout(Duration::from_secs(30)).expect("hanteam serve exits within 30 s").expect("wait");
    assert!(status.success(), "a stop past its grace is still a clean exit: {status}");
    let mut answer = Vec::new();
    conn.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let _ = conn.read_to_end(&mut answer);
    assert!(answer.is_empty(), "the unfinished request is not answered: {}", String::from_utf8_lossy(&answer));
}

#[test]
fn an_unknown_log_format_is_refused_with_a_korean_message() {
    let (ok, _, err) = run(hanteam().arg("migrate").env("HANTEAM_LOG_FORMAT", "xml"));
    assert!(!ok);
    assert!(err.contains("HANTEAM_LOG_FORMAT은 text 또는 json"), "{err}");
}

async fn migrate_dry_run_lists_what_would_run_and_changes_nothing(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::common::fresh_database(b, &dir).await;
    let (ok, _, err) = run(hanteam().arg("migrate").env("DATABASE_URL", &url));
    assert!(ok, "{err}");
    let (ok, out, err) = run(hanteam().args(["migrate", "--dry-run"]).env("DATABASE_URL", &url));
    assert!(ok, "{err}");
    assert!(out.contains("적용할 마이그레이션이 없습니다"), "{out}");

    let db = hanteam_store::Db::connect(&url).await.unwrap();
    execute(&db, "DELETE FROM schema_migrations WHERE version = 19").await;
    let (ok, out, err) = run(hanteam().args(["migrate", "--dry-run"]).env("DATABASE_URL", &url));
    assert!(ok, "{err}");
    assert!(out.contains("적용할 마이그레이션 1개") && out.contains("0019 evaluation_objections"), "{out}");
    assert_eq!(db.pending_migrations().await.unwrap().len(), 1, "the dry run applied nothing");

    execute(&db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'newer', CURRENT_TIMESTAMP)")
        .await;
    for args in [&["migrate", "--dry-run"][..], &["migrate"], &["serve", "--addr", "127.0.0.1:0"]] {
        let (ok, _, err) = run(hanteam().args(args).env("DATABASE_URL", &url).current_dir(dir.path()));
        assert!(!ok, "{args:?} refuses a newer schema");
        assert!(err.contains("버전 9999") && err.contains("이 프로그램이 아는 것(버전"), "{args:?}: {err}");
    }
    db.close().await;
}

async fn execute(db: &hanteam_store::Db, sql: &str) {
    let done = match db {
        hanteam_store::Db::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
        hanteam_store::Db::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
    };
    done.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn seed_twice_loads_once(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::common::fresh_database(b, &dir).await;
    let (ok, out, err) = run(hanteam().arg("migrate").env("DATABASE_URL", &url));
    assert!(ok, "{err}");
    assert!(out.contains("최신 구조"), "{out}");
    let (ok, out, err) = run(hanteam().arg("seed").env("DATABASE_URL", &url));
    assert!(ok, "{err}");
    assert!(out.contains("협업과제 41건"), "{out}");
    let (ok, out, err) = run(hanteam().args(["seed", "--database-url", &url]));
    assert!(ok, "{err}");
    assert!(out.contains("이미 들어 있습니다"), "{out}");
    let db = hanteam_store::Db::open(&url).await.unwrap();
    assert_eq!(db.overview(&hanteam_domain::access::TaskScope::All).await.unwrap().tasks, 41);
    db.close().await;
}

async fn serve_on_the_database_url_seeds_it_once(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::common::fresh_database(b, &dir).await;
    for _ in 0..2 {
        let (child, base) = start_server(
            hanteam().args(["serve", "--addr", "127.0.0.1:0"]).env("DATABASE_URL", &url).current_dir(dir.path()),
        );
        let body: serde_json::Value =
            reqwest::get(format!("{base}/api/v1/overview")).await.unwrap().json().await.unwrap();
        stop(child);
        assert_eq!(body["tasks"], 41);
    }
}

on_both_backends!(
    seed_twice_loads_once,
    serve_on_the_database_url_seeds_it_once,
    migrate_dry_run_lists_what_would_run_and_changes_nothing
);
