//! The evaluation rounds `hanteam synth` makes, read through the API on both databases: last year's
//! published with a result for each of its tasks; this year's in 채점 with a full panel on every
//! task, nobody excluded (제척) sitting on one, a submitted sheet for every seat, and closing scoring
//! giving one result per task.

use hanteam_domain::access::Grant;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{Backend, TestApp};

async fn number(app: &TestApp, sql: &str) -> i64 {
    match &app.db {
        hanteam_store::Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
        hanteam_store::Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn ok(app: &TestApp, token: &str, path: &str) -> Value {
    let (status, body) = app.call(Method::GET, path, Some(token), None).await;
    assert_eq!(status, 200, "GET {path}: {body}");
    body
}

async fn synth_rounds_are_complete_keep_the_excluded_off_and_close_to_one_result_per_task(b: Backend) {
    let app = TestApp::spawn(b).await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hanteam"))
        .env("DATABASE_URL", &app.database_url)
        .env("RUST_LOG", "warn")
        .args(["synth", "--tasks", "200", "--agencies", "60"])
        .output()
        .expect("run hanteam synth");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("평가 회차 2개"), "{said}");
    let opc = app.token_for("opc.rounds", vec![Grant::OpcAdmin]).await;

    let rounds = ok(&app, &opc, "/api/v1/evaluation-rounds?limit=100").await;
    let find = |stage: &str| -> Value {
        let found: Vec<&Value> =
            rounds["items"].as_array().expect("items").iter().filter(|r| r["stage"] == stage).collect();
        assert_eq!(found.len(), 1, "one round in {stage}: {rounds}");
        found[0].clone()
    };
    let (published, open) = (find("published"), find("scoring"));
    let active = number(
        &app,
        "SELECT COUNT(*) FROM tasks WHERE status IN ('confirmed', 'in_progress', 'completed') AND archived_at IS NULL",
    )
    .await;
    assert_eq!(open["task_count"].as_i64(), Some(active), "this year's round takes every task a new round would");
    let last_year = published["task_count"].as_i64().expect("task count");
    assert!(last_year > 0 && last_year < active, "last year's round had the tasks of then: {last_year} of {active}");

    // Last year's result is published: one row per task, for anyone.
    let pid = published["id"].as_i64().expect("id");
    let results = app.json(&format!("/api/v1/evaluation-rounds/{pid}/results?limit=1"), 200).await;
    assert_eq!(results["total"].as_i64(), Some(last_year), "{results}");
    app.html(&format!("/evaluation-rounds/{pid}/results"), 200).await;

    // This year's panels: five members each, the private share met, nobody excluded on them; and
    // 제척 does happen.
    let id = open["id"].as_i64().expect("id");
    let (mut tasks, mut exclusions) = (0, 0);
    loop {
        let page = ok(&app, &opc, &format!("/api/v1/evaluation-rounds/{id}/panels?limit=100&offset={tasks}")).await;
        let items = page["items"].as_array().expect("items");
        for p in items {
            let members: Vec<i64> = p["members"]
                .as_array()
                .expect("members")
                .iter()
                .map(|m| m["evaluator_id"].as_i64().expect("id"))
                .collect();
            assert_eq!(members.len(), 5, "{p}");
            assert_eq!(p["complete"], true, "{p}");
            for x in p["exclusions"].as_array().expect("exclusions") {
                exclusions += 1;
                assert!(!members.contains(&x["evaluator_id"].as_i64().expect("id")), "excluded but seated: {p}");
            }
        }
        tasks += items.len() as i64;
        if items.is_empty() || tasks >= page["total"].as_i64().expect("total") {
            break;
        }
    }
    assert_eq!(tasks, active);
    assert!(exclusions > 0, "제척 happens in a synthetic round");

    // Every seat has its evaluator's pledge and a submitted sheet, and there is no other sheet.
    let seats = number(&app, &format!("SELECT COUNT(*) FROM evaluation_panel_members WHERE round_id = {id}")).await;
    assert_eq!(seats, active * 5);
    let missing = format!(
        "SELECT COUNT(*) FROM evaluation_panel_members m WHERE m.round_id = {id} AND NOT EXISTS
           (SELECT 1 FROM evaluation_score_sheets s WHERE s.round_id = m.round_id AND s.task_id = m.task_id
              AND s.evaluator_id = m.evaluator_id AND s.status = 'submitted')"
    );
    assert_eq!(number(&app, &missing).await, 0, "a seat without a submitted sheet");
    let sheets = number(&app, &format!("SELECT COUNT(*) FROM evaluation_score_sheets WHERE round_id = {id}")).await;
    assert_eq!(sheets, seats);
    let unpledged = format!(
        "SELECT COUNT(*) FROM evaluation_panel_members m WHERE m.round_id = {id} AND NOT EXISTS
           (SELECT 1 FROM evaluation_pledges p WHERE p.round_id = m.round_id AND p.evaluator_id = m.evaluator_id)"
    );
    assert_eq!(number(&app, &unpledged).await, 0, "a seat without the pledge");

    // Closing scoring, as OPC does it: one result per task, none unscored.
    let path = format!("/api/v1/evaluation-rounds/{id}");
    let version = open["version"].clone();
    let (status, body) = app
        .call(Method::POST, &format!("{path}/stage"), Some(&opc), Some(json!({"to": "review", "version": version})))
        .await;
    assert_eq!(status, 200, "{body}");
    let results = ok(&app, &opc, &format!("{path}/results?limit=5")).await;
    assert_eq!(results["total"].as_i64(), Some(active), "{results}");
    assert_eq!(results["unscored"].as_i64(), Some(0), "{results}");
    assert!(results["items"].as_array().expect("items").iter().all(|r| r["n_scores"] == 5), "{results}");
}

on_both_backends!(synth_rounds_are_complete_keep_the_excluded_off_and_close_to_one_result_per_task);
