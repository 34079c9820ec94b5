//! The `hanteam` binary as a newcomer runs it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::common::Backend;

fn hanteam() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hanteam"));
    cmd.env_remove("DATABASE_URL").env_remove("HANTEAM_ADDR").env("RUST_LOG", "warn");
    cmd
}

fn run(cmd: &mut Command) -> (bool, String, String) {
    let out = cmd.output().expect("run hanteam");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

/// Starts `hanteam serve` and waits (up to a deadline) for the line that gives its address.
fn start_server(cmd: &mut Command) -> (Child, String) {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().expect("spawn hanteam serve");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("hanteam listening on ") {
                let _ = tx.send(url.to_string());
            }
        }
    });
    let url = rx.recv_timeout(Duration::from_secs(60)).expect("hanteam serve did not report its address within 60 s");
    (child, url)
}

fn stop(mut child: Child) {
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
    stop(child);
    assert_eq!(body["total"], 41);
    let db = dir.path().join("hanteam.db");
    assert!(db.exists(), "the default database is hanteam.db in the working directory");
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

on_both_backends!(seed_twice_loads_once, serve_on_the_database_url_seeds_it_once);
