//! No acknowledged write is lost: `hanteam serve` is killed with SIGKILL at random moments while
//! four clients post memos, and after every restart each memo that got a 201 is there, intact, and
//! the audit chain holds. A write whose answer never came (the kill cut it) may be there or not, but
//! whole: a memo is there only with its audit row.
//!
//! `HANTEAM_KILLS` sets the kills per database (10 here, for CI's time);
//! `scripts/kill-test.sh` runs 100 on each.

use std::collections::BTreeSet;
use std::process::Child;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hanteam_app::Db;

use crate::cli::{hanteam, start_server};
use crate::common::{fresh_database, Backend};

#[derive(Default)]
struct Outcomes {
    acknowledged: Vec<String>,
    /// Sent, and no answer came (or an error did): may be there, whole, or not at all.
    unanswered: Vec<String>,
}

/// Four clients posting memos until the server stops answering; what each got.
fn writers(base: &str, token: &str, round: usize, outcomes: &Arc<Mutex<Outcomes>>) -> Vec<tokio::task::JoinHandle<()>> {
    let down = Arc::new(AtomicBool::new(false));
    (0..4)
        .map(|w| {
            let (base, token, outcomes, down) = (base.to_string(), token.to_string(), outcomes.clone(), down.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("client");
                let mut i = 0;
                while !down.load(Ordering::SeqCst) {
                    let text = format!("kill {round} writer {w} memo {i}");
                    let sent = client
                        .post(format!("{base}/api/v1/tasks/{}/memos", 1 + w))
                        .bearer_auth(&token)
                        .json(&serde_json::json!({ "body": text }))
                        .send()
                        .await;
                    let mut o = outcomes.lock().expect("outcomes");
                    match sent {
                        Ok(r) if r.status() == 201 => o.acknowledged.push(text),
                        Ok(r) => panic!("a memo was refused with {} before any kill", r.status()),
                        Err(_) => {
                            o.unanswered.push(text);
                            down.store(true, Ordering::SeqCst);
                        }
                    }
                    i += 1;
                }
            })
        })
        .collect()
}

async fn memos(db: &Db) -> Vec<String> {
    let sql = "SELECT body FROM task_memos WHERE body LIKE 'kill %'";
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
    }
    .expect("memos")
}

async fn memo_audit_rows(db: &Db) -> i64 {
    let sql = "SELECT COUNT(*) FROM audit_log WHERE record_type = 'task_memo' AND after_json LIKE '%kill %'";
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
    }
    .expect("audit rows")
}

fn kill(mut child: Child) {
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
}

async fn acknowledged_writes_survive_sigkill(b: Backend) {
    let kills: usize = std::env::var("HANTEAM_KILLS").ok().and_then(|k| k.parse().ok()).unwrap_or(10);
    let dir = tempfile::tempdir().expect("dir");
    let url = fresh_database(b, &dir).await;
    let run = |args: &[&str]| {
        let out = hanteam().args(args).env("DATABASE_URL", &url).current_dir(dir.path()).output().expect("run");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    run(&["seed"]);
    run(&["user", "add", "--service", "--login", "crash.writer", "--name", "강제 종료 시험", "--role", "opc_admin"]);
    let token =
        run(&["user", "token", "crash.writer", "--name", "강제 종료 시험", "--right", "read", "--right", "write"]);

    let outcomes = Arc::new(Mutex::new(Outcomes::default()));
    // A kill comes after a different number of answered writes each time, from 1 to 60.
    let mut seed = std::process::id() as usize;
    for round in 0..kills {
        let (child, base) = start_server(
            hanteam().args(["serve", "--addr", "127.0.0.1:0"]).env("DATABASE_URL", &url).current_dir(dir.path()),
        );
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let after = outcomes.lock().expect("outcomes").acknowledged.len() + 1 + (seed >> 33) % 60;
        let handles = writers(&base, &token, round, &outcomes);
        let deadline = Instant::now() + Duration::from_secs(120);
        while outcomes.lock().expect("outcomes").acknowledged.len() < after {
            assert!(Instant::now() < deadline, "round {round}: too few writes answered in 120 s");
            tokio::task::yield_now().await;
        }
        kill(child);
        for h in handles {
            h.await.expect("writer");
        }
    }

    // One more start: the database as a restarted server finds it.
    let (child, _) = start_server(
        hanteam().args(["serve", "--addr", "127.0.0.1:0"]).env("DATABASE_URL", &url).current_dir(dir.path()),
    );
    let db = Db::connect(&url).await.expect("open");
    let there: Vec<String> = memos(&db).await;
    let audited = memo_audit_rows(&db).await;
    db.close().await;
    crate::cli::stop(child);
    let o = outcomes.lock().expect("outcomes");
    let there_set: BTreeSet<&String> = there.iter().collect();
    let lost: Vec<&String> = o.acknowledged.iter().filter(|t| !there_set.contains(t)).collect();
    let sent: BTreeSet<&String> = o.acknowledged.iter().chain(&o.unanswered).collect();
    println!(
        "kill test ({b:?}): writes acknowledged {}, unanswered {} (of them kept {}), kills {kills}, losses {}",
        o.acknowledged.len(),
        o.unanswered.len(),
        o.unanswered.iter().filter(|t| there_set.contains(t)).count(),
        lost.len()
    );
    assert!(lost.is_empty(), "acknowledged and lost: {lost:?}");
    assert_eq!(there.len(), there_set.len(), "no memo is there twice");
    assert!(there.iter().all(|t| sent.contains(t)), "only what was sent is there, as it was sent");
    assert_eq!(audited, there.len() as i64, "every memo there has its audit row, and no other");
    let verify = hanteam().args(["audit", "verify"]).env("DATABASE_URL", &url).output().expect("verify");
    assert!(verify.status.success(), "audit verify: {}", String::from_utf8_lossy(&verify.stdout));
}

on_both_backends!(acknowledged_writes_survive_sigkill);
