//! `hanteam synth` through the real binary: the same data for the same parameters on SQLite and
//! PostgreSQL, what was asked for in the database, one audit record, plain progress lines in a log,
//! and a database with more than the built-in dataset refused unless `--force`.

use std::process::Command;

use crate::common::Backend;
use hanteam_domain::access::Grant;
use hanteam_store::Db;

const OS_USER: &str = "kim.dba";
/// A run small enough for a test: 400 tasks, 80 agencies in all.
const SMALL: [&str; 5] = ["synth", "--tasks", "400", "--agencies", "80"];

struct Ran {
    code: i32,
    out: String,
    err: String,
}

fn run(url: &str, args: &[&str]) -> Ran {
    let out = Command::new(env!("CARGO_BIN_EXE_hanteam"))
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .env("USER", OS_USER)
        .args(args)
        .output()
        .expect("run hanteam");
    Ran {
        code: out.status.code().unwrap_or(-1),
        out: String::from_utf8_lossy(&out.stdout).into(),
        err: String::from_utf8_lossy(&out.stderr).into(),
    }
}

/// Runs a synth that must succeed; returns its output and the checksum it printed.
fn synth(url: &str, extra: &[&str]) -> (Ran, String) {
    let args: Vec<&str> = SMALL.iter().chain(extra).copied().collect();
    let ran = run(url, &args);
    assert_eq!(ran.code, 0, "hanteam {args:?} failed:\n{}\n{}", ran.out, ran.err);
    let checksum = ran
        .out
        .lines()
        .find_map(|l| l.strip_prefix("checksum: "))
        .unwrap_or_else(|| panic!("no checksum line:\n{}", ran.out))
        .to_string();
    assert_eq!(checksum.len(), 64, "{checksum}");
    (ran, checksum)
}

async fn number(db: &Db, sql: &str) -> i64 {
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn texts(db: &Db, sql: &str) -> Vec<String> {
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

#[tokio::test]
async fn the_same_parameters_give_the_same_data_on_sqlite_and_postgresql_and_another_seed_other_data() {
    let dirs: Vec<tempfile::TempDir> = (0..4).map(|_| tempfile::tempdir().expect("temp dir")).collect();
    let first = crate::common::fresh_database(Backend::Sqlite, &dirs[0]).await;
    let second = crate::common::fresh_database(Backend::Sqlite, &dirs[1]).await;
    let postgres = crate::common::fresh_database(Backend::Postgres, &dirs[2]).await;
    let other_seed = crate::common::fresh_database(Backend::Sqlite, &dirs[3]).await;

    let (_, a) = synth(&first, &["--seed", "7"]);
    let (_, b) = synth(&second, &["--seed", "7"]);
    let (_, c) = synth(&postgres, &["--seed", "7"]);
    assert_eq!(a, b, "two fresh SQLite databases");
    assert_eq!(a, c, "SQLite and PostgreSQL");
    let (_, d) = synth(&other_seed, &["--seed", "8"]);
    assert_ne!(a, d, "another seed");

    // The checksum printed is the one the use case computes from the rows read back.
    for url in [&first, &postgres] {
        let db = Db::open(url).await.expect("open");
        assert_eq!(hanteam_app::synth::checksum(&db).await.expect("checksum"), a);
        db.close().await;
    }
}

async fn synth_adds_what_was_asked_audits_it_and_reports_progress_in_plain_lines(b: Backend) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = crate::common::fresh_database(b, &dir).await;
    // The account `serve` creates does not make the database "more than the built-in dataset".
    let db = Db::open(&url).await.expect("open");
    crate::common::insert_user(&db, "admin", vec![Grant::OpcAdmin], crate::common::TEST_PASSWORD, true).await;

    let (ran, _) = synth(&url, &[]);
    assert!(ran.out.contains("2024년 내장 데이터(협업과제 41건)를 먼저 불러왔습니다"), "{}", ran.out);
    assert!(ran.out.contains("협업과제 400건") && ran.out.contains("걸린 시간"), "{}", ran.out);
    // Not a terminal: a plain line at every tenth, no bar.
    let progress: Vec<&str> = ran.err.lines().filter(|l| l.starts_with("합성 데이터: 협업과제")).collect();
    assert_eq!(progress.len(), 10, "{}", ran.err);
    assert_eq!(progress[0], "합성 데이터: 협업과제 40/400건 (10%)");
    assert_eq!(progress[9], "합성 데이터: 협업과제 400/400건 (100%)");
    assert!(!ran.err.contains('\u{1b}'), "no terminal escapes in a log: {}", ran.err);

    assert_eq!(number(&db, "SELECT COUNT(*) FROM tasks").await, 41 + 400);
    assert_eq!(number(&db, "SELECT COUNT(*) FROM agencies").await, 80);
    let roles_per_task = "SELECT COUNT(*) AS n FROM task_agency_roles r JOIN tasks t ON t.id = r.task_id
                          WHERE t.seq > 41 GROUP BY r.task_id";
    assert_eq!(number(&db, &format!("SELECT MIN(n) FROM ({roles_per_task}) x")).await, 2);
    assert_eq!(number(&db, &format!("SELECT MAX(n) FROM ({roles_per_task}) x")).await, 5);
    let lead_elsewhere = "SELECT COUNT(*) FROM tasks t WHERE t.seq > 41 AND NOT EXISTS
        (SELECT 1 FROM task_agency_roles r WHERE r.task_id = t.id AND r.agency_id = t.lead_agency_id)";
    assert_eq!(number(&db, lead_elsewhere).await, 0, "the lead agency takes part");
    let pair_agency_missing = "SELECT COUNT(*) FROM tasks t JOIN exchange_pairs x ON x.id = t.pair_id
        JOIN positions p ON p.id IN (x.position_a_id, x.position_b_id) WHERE t.seq > 41 AND NOT EXISTS
        (SELECT 1 FROM task_agency_roles r WHERE r.task_id = t.id AND r.agency_id = p.agency_id)";
    assert_eq!(number(&db, pair_agency_missing).await, 0, "both agencies of an exchange task's pair take part");
    assert!(number(&db, "SELECT COUNT(*) FROM tasks WHERE source = 'exchange' AND seq > 41").await > 10);
    for table in ["task_kpis", "task_milestones", "meeting_tasks", "evaluator_assignments", "evaluator_affiliations"] {
        assert!(number(&db, &format!("SELECT COUNT(*) FROM {table}")).await > 0, "{table}");
    }
    let meetings = texts(&db, "SELECT title FROM council_meetings ORDER BY seq").await;
    assert_eq!(meetings[0], "제1차 협업과제점검협의회");
    assert_eq!(meetings[1], "제2차 협업과제점검협의회", "numbered after the built-in meeting");

    // Periodic checks: the quarter before the base date's closed, its own open.
    let cycles = texts(&db, "SELECT name FROM check_cycles ORDER BY id").await;
    assert_eq!(cycles, ["2026년 1분기", "2026년 2분기"]);
    let (closed, open) = (
        number(&db, "SELECT id FROM check_cycles WHERE closed_at IS NOT NULL").await,
        number(&db, "SELECT id FROM check_cycles WHERE closed_at IS NULL").await,
    );
    // Each asks one report of every agency of every active task.
    let expected = number(
        &db,
        "SELECT COUNT(*) FROM task_agency_roles r JOIN tasks t ON t.id = r.task_id
         WHERE t.status IN ('confirmed', 'in_progress', 'on_hold')",
    )
    .await;
    assert!(expected > 300, "{expected}");
    for cycle in [closed, open] {
        let n = number(&db, &format!("SELECT COUNT(*) FROM progress_reports WHERE cycle_id = {cycle}")).await;
        assert_eq!(n, expected, "cycle {cycle}");
    }
    let reports = |cycle: i64, status: &str| {
        format!("SELECT COUNT(*) FROM progress_reports WHERE cycle_id = {cycle} AND status = '{status}'")
    };
    let submitted = number(&db, &reports(closed, "submitted")).await;
    assert!(submitted * 100 > expected * 85 && submitted < expected, "{submitted} of {expected}");
    assert!(number(&db, &reports(open, "not_started")).await > number(&db, &reports(open, "draft")).await);
    assert!(number(&db, &reports(open, "draft")).await > 0);
    assert!(number(&db, "SELECT COUNT(*) FROM report_milestones").await > 0);
    // Every active task rated in the closed cycle, mostly on track; its lights and counts kept.
    let active_tasks =
        number(&db, &format!("SELECT COUNT(DISTINCT task_id) FROM progress_reports WHERE cycle_id = {closed}")).await;
    assert_eq!(number(&db, "SELECT COUNT(*) FROM check_ratings").await, active_tasks);
    let on_track = number(&db, "SELECT COUNT(*) FROM check_ratings WHERE rating = 'on_track'").await;
    assert!(on_track * 100 > active_tasks * 75 && on_track < active_tasks, "{on_track} of {active_tasks}");
    assert_eq!(number(&db, "SELECT COUNT(*) FROM task_lights").await, active_tasks);
    assert_eq!(
        number(&db, "SELECT CAST(SUM(n) AS BIGINT) FROM check_light_counts WHERE agency_id = 0").await,
        active_tasks
    );
    // What was not filed is carried over into the open cycle.
    assert_eq!(
        number(&db, "SELECT COUNT(*) FROM check_carryovers WHERE kind = 'not_filed'").await,
        expected - submitted
    );
    assert_eq!(
        number(
            &db,
            &format!("SELECT COUNT(*) FROM check_carryovers WHERE to_cycle_id IS NULL OR to_cycle_id <> {open}")
        )
        .await,
        0
    );
    // Bottlenecks on a few active tasks, among the task's own agencies.
    let bottlenecks = number(&db, "SELECT COUNT(*) FROM bottlenecks").await;
    assert!(bottlenecks > 0);
    let outsiders = "SELECT COUNT(*) FROM bottleneck_agencies ba JOIN bottlenecks b ON b.id = ba.bottleneck_id
        WHERE NOT EXISTS (SELECT 1 FROM task_agency_roles r WHERE r.task_id = b.task_id AND r.agency_id = ba.agency_id)";
    assert_eq!(number(&db, outsiders).await, 0);
    let unmediated = "SELECT COUNT(*) FROM bottlenecks b WHERE b.status IN ('in_mediation', 'escalated')
        AND NOT EXISTS (SELECT 1 FROM mediation_meetings m WHERE m.bottleneck_id = b.id)";
    assert_eq!(number(&db, unmediated).await, 0, "a mediation has its meeting");

    // Accounts: about 3% of the tasks, at least 50, and the evaluation rounds' evaluators (at least
    // 40), all with one hash nobody knows the password of.
    let accounts = number(&db, "SELECT COUNT(*) FROM users WHERE login LIKE 'synth.%'").await;
    assert!(accounts >= 50 + 40 - 5, "{accounts}");
    assert_eq!(number(&db, "SELECT COUNT(DISTINCT password_hash) FROM users WHERE login LIKE 'synth.%'").await, 1);
    assert_eq!(number(&db, "SELECT COUNT(*) FROM users WHERE login LIKE 'synth.%' AND must_change_password").await, 0);
    let roles = texts(
        &db,
        "SELECT DISTINCT r.role FROM user_roles r JOIN users u ON u.id = r.user_id
                           WHERE u.login LIKE 'synth.%' ORDER BY r.role",
    )
    .await;
    assert_eq!(roles, ["agency_officer", "auditor", "evaluator", "exchangee"]);

    // One audit record for the run, by the console, with what was asked and what was written.
    let actors =
        texts(&db, "SELECT actor FROM audit_log WHERE action IN ('dataset.load', 'dataset.synth') ORDER BY seq").await;
    assert_eq!(actors, [format!("cli:{OS_USER}"), format!("cli:{OS_USER}")]);
    let after = texts(&db, "SELECT after_json FROM audit_log WHERE action = 'dataset.synth'").await;
    let after: serde_json::Value = serde_json::from_str(&after[0]).expect("JSON");
    assert_eq!(
        (after["tasks"].as_i64(), after["agencies"].as_i64(), after["seed"].as_i64()),
        (Some(400), Some(80), Some(1))
    );
    assert_eq!(after["counts"]["tasks"].as_i64(), Some(400));
    assert_eq!(after["counts"]["agencies"].as_i64(), Some(60));
    assert_eq!(after["counts"]["check_cycles"].as_i64(), Some(2));
    assert_eq!(after["counts"]["bottlenecks"].as_i64(), Some(bottlenecks));
    assert_eq!(after["counts"]["accounts"].as_i64(), Some(accounts));
    assert_eq!(after["counts"]["evaluation_rounds"].as_i64(), Some(2));
    db.close().await;

    let verified = run(&url, &["audit", "verify"]);
    assert_eq!(verified.code, 0, "{}\n{}", verified.out, verified.err);
}

async fn a_database_with_more_than_the_built_in_dataset_is_refused_unless_forced(b: Backend) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = crate::common::fresh_database(b, &dir).await;
    assert_eq!(run(&url, &["seed"]).code, 0);
    let db = Db::open(&url).await.expect("open");
    let by_hand = hanteam_domain::edit::TaskInput {
        title: Some("손으로 넣은 협업과제".into()),
        source: Some("other".into()),
        ..Default::default()
    };
    hanteam_app::tasks::create(&db, &crate::common::console(), &by_hand).await.expect("a task by hand");

    let refused = run(&url, &SMALL);
    assert_eq!(refused.code, 1, "{}\n{}", refused.out, refused.err);
    assert!(refused.err.contains("협업과제 1건") && refused.err.contains("--force"), "{}", refused.err);
    assert_eq!(number(&db, "SELECT COUNT(*) FROM tasks").await, 42, "nothing was added");
    assert_eq!(number(&db, "SELECT COUNT(*) FROM users").await, 0);

    synth(&url, &["--force"]);
    assert_eq!(number(&db, "SELECT COUNT(*) FROM tasks").await, 442);

    // A synthetic set is there now: refused again, added on top with --force, nothing colliding.
    let again = run(&url, &SMALL);
    assert_eq!(again.code, 1);
    assert!(again.err.contains("합성 데이터가 이미 들어 있습니다"), "{}", again.err);
    let (ran, _) = synth(&url, &["--force", "--seed", "2"]);
    assert!(ran.out.contains("기관 0곳"), "80 agencies were there already: {}", ran.out);
    assert_eq!(number(&db, "SELECT COUNT(*) FROM tasks").await, 842);
    assert_eq!(number(&db, "SELECT COUNT(DISTINCT seq) FROM tasks").await, 842);
    assert_eq!(number(&db, "SELECT MAX(seq) FROM tasks").await, 842);
    // Numbered on from the first run's accounts (its evaluation rounds' evaluators among them).
    let synthetic = number(&db, "SELECT COUNT(DISTINCT login) FROM users WHERE login LIKE 'synth.%'").await;
    assert_eq!(number(&db, "SELECT COUNT(*) FROM users WHERE login LIKE 'synth.%'").await, synthetic);
    assert!(synthetic > 100, "{synthetic}");
    assert_eq!(texts(&db, "SELECT MAX(login) FROM users").await, [format!("synth.{synthetic:05}")]);
    assert_eq!(number(&db, "SELECT COUNT(*) FROM evaluation_rounds").await, 4, "two rounds a run");
    assert_eq!(
        number(&db, "SELECT COUNT(DISTINCT seq) FROM council_meetings").await,
        number(&db, "SELECT COUNT(*) FROM council_meetings").await
    );
    assert_eq!(number(&db, "SELECT COUNT(*) FROM agencies").await, 80);
    // New rows after the synthetic ones get ids of their own (PostgreSQL's sequences moved past them).
    hanteam_app::tasks::create(&db, &crate::common::console(), &by_hand).await.expect("a task after synth");
    assert_eq!(number(&db, "SELECT MAX(seq) FROM tasks").await, 843);
    db.close().await;

    let verified = run(&url, &["audit", "verify"]);
    assert_eq!(verified.code, 0, "{}\n{}", verified.out, verified.err);
    let bad = run(&url, &["synth", "--tasks", "0"]);
    assert!(bad.code == 1 && bad.err.contains("--tasks는"), "{}", bad.err);
}

on_both_backends!(
    synth_adds_what_was_asked_audits_it_and_reports_progress_in_plain_lines,
    a_database_with_more_than_the_built_in_dataset_is_refused_unless_forced,
);
