//! `hanteam backup` while writes go on, and `hanteam restore` into a fresh database: every write
//! acknowledged before the copy began is in it, nothing else is, and a copy at rest restores to
//! every table as it was.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hanteam_app::Db;
use hanteam_domain::access::Grant;

use crate::common::{fresh_database, Backend, TestApp};

fn hanteam(url: &str, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_hanteam"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run hanteam");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

/// Every table's rows, each as text, sorted: two databases with equal maps hold the same records.
async fn every_table(db: &Db) -> BTreeMap<String, Vec<String>> {
    let mut tables = BTreeMap::new();
    match db {
        Db::Sqlite(pool) => {
            let names: Vec<String> = sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
            )
            .fetch_all(pool)
            .await
            .expect("tables");
            for name in names {
                let columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info($1)")
                    .bind(&name)
                    .fetch_all(pool)
                    .await
                    .expect("columns");
                let row = columns.iter().map(|c| format!("quote(\"{c}\")")).collect::<Vec<_>>().join(" || '|' || ");
                let sql = format!("SELECT {row} AS r FROM \"{name}\" ORDER BY r");
                tables.insert(name, sqlx::query_scalar(&sql).fetch_all(pool).await.expect("rows"));
            }
        }
        Db::Postgres(pool) => {
            let names: Vec<String> = sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables
                 WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
            )
            .fetch_all(pool)
            .await
            .expect("tables");
            for name in names {
                let sql = format!("SELECT t::text FROM \"{name}\" t ORDER BY 1");
                tables.insert(name, sqlx::query_scalar(&sql).fetch_all(pool).await.expect("rows"));
            }
        }
    }
    tables
}

async fn memo_texts(db: &Db) -> Vec<String> {
    let sql = "SELECT body FROM task_memos WHERE body LIKE '부하 %'";
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
    }
    .expect("memos")
}

/// Four clients posting memos until told to stop; what each got 201 for, in order.
fn writers(
    app: &TestApp,
    token: &str,
    stop: &Arc<AtomicBool>,
) -> (Arc<Mutex<Vec<String>>>, Vec<tokio::task::JoinHandle<()>>) {
    let acked = Arc::new(Mutex::new(Vec::new()));
    let handles = (0..4)
        .map(|w| {
            let (client, base, token) = (app.client.clone(), app.base.clone(), token.to_string());
            let (stop, acked) = (stop.clone(), acked.clone());
            tokio::spawn(async move {
                let mut i = 0;
                while !stop.load(Ordering::SeqCst) {
                    let text = format!("부하 {w}-{i}");
                    let r = client
                        .post(format!("{base}/api/v1/tasks/{}/memos", 1 + w))
                        .bearer_auth(&token)
                        .json(&serde_json::json!({ "body": text }))
                        .send()
                        .await;
                    if r.is_ok_and(|r| r.status() == 201) {
                        acked.lock().expect("acked").push(text);
                    }
                    i += 1;
                }
            })
        })
        .collect();
    (acked, handles)
}

/// Waits, up to a deadline, until `acked` holds at least `n` writes.
async fn until_acked(acked: &Mutex<Vec<String>>, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while acked.lock().expect("acked").len() < n {
        assert!(Instant::now() < deadline, "fewer than {n} writes in 60 s");
        tokio::task::yield_now().await;
    }
}

async fn a_backup_under_write_load_restores_to_what_was_acknowledged_and_a_copy_at_rest_to_every_table(b: Backend) {
    let app = TestApp::spawn(b).await;
    let token = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("under-load.backup");

    let stop = Arc::new(AtomicBool::new(false));
    let (acked, handles) = writers(&app, &token, &stop);
    until_acked(&acked, 20).await;
    let before = acked.lock().expect("acked").clone();
    let (url, path) = (app.database_url.clone(), file.display().to_string());
    let (ok, out, err) =
        tokio::task::spawn_blocking(move || hanteam(&url, &["backup", &path])).await.expect("backup runs");
    assert!(ok, "backup: {err}");
    assert!(out.contains("백업했습니다"), "{out}");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&file).expect("the copy").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "a copy of official records is readable by its owner only");
    until_acked(&acked, before.len() + 20).await;
    stop.store(true, Ordering::SeqCst);
    for h in handles {
        h.await.expect("writer");
    }
    let acked = acked.lock().expect("acked").clone();

    let target_dir = tempfile::tempdir().expect("dir");
    let target = fresh_database(b, &target_dir).await;
    let (ok, out, err) = hanteam(&target, &["restore", &file.display().to_string()]);
    assert!(ok, "restore: {err}");
    assert!(out.contains("체인을 확인했습니다"), "{out}");
    let restored = Db::open(&target).await.expect("open the restored database");
    let memos = memo_texts(&restored).await;
    for text in &before {
        assert!(memos.contains(text), "{text} was acknowledged before the backup began, and is missing");
    }
    for text in &memos {
        assert!(acked.contains(text), "{text} is in the copy but was never acknowledged");
    }
    assert!(restored.verify_audit().await.expect("verify").is_ok(), "the copy's audit chain holds");
    restored.close().await;
    let (ok, _, err) =
        hanteam(&target, &["user", "add", "--login", "after.restore", "--name", "복원후", "--role", "auditor"]);
    assert!(ok, "the restored database takes new records (its sequences came along): {err}");

    // At rest: the restored database is the source, table by table.
    let at_rest = dir.path().join("at-rest.backup");
    let (ok, _, err) = hanteam(&app.database_url, &["backup", &at_rest.display().to_string()]);
    assert!(ok, "{err}");
    let (ok, _, err) = hanteam(&app.database_url, &["backup", &at_rest.display().to_string()]);
    assert!(!ok && err.contains("이미 있습니다"), "a backup never overwrites a file: {err}");
    let again_dir = tempfile::tempdir().expect("dir");
    let again = fresh_database(b, &again_dir).await;
    let (ok, _, err) = hanteam(&again, &["restore", &at_rest.display().to_string()]);
    assert!(ok, "{err}");
    let copy = Db::connect(&again).await.expect("open");
    let (source, copied) = (every_table(&app.db).await, every_table(&copy).await);
    assert!(source.len() > 30 && source.values().map(Vec::len).sum::<usize>() > 500, "{:?}", source.keys());
    for (table, rows) in &source {
        assert_eq!(copied.get(table), Some(rows), "table {table} differs after the round trip");
    }
    assert_eq!(source.len(), copied.len());
    copy.close().await;

    refuses_a_database_with_records(&app, &at_rest).await;
}

async fn refuses_a_database_with_records(app: &TestApp, copy: &Path) {
    let before = every_table(&app.db).await;
    let (ok, _, err) = hanteam(&app.database_url, &["restore", &copy.display().to_string()]);
    assert!(!ok, "a database with records is not restored over without --force");
    assert!(err.contains("비어 있지 않습니다") && err.contains("--force"), "{err}");
    assert_eq!(every_table(&app.db).await, before, "nothing changed");
}

on_both_backends!(a_backup_under_write_load_restores_to_what_was_acknowledged_and_a_copy_at_rest_to_every_table);
