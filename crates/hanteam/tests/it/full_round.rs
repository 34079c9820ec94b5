//! A whole evaluation round on the 41 built-in tasks with the demo panel (`serve --demo`'s five
//! evaluators), through the API on both databases: the worked example of the note. Task 30 (개보위,
//! 방통위; pair 8) gets five totals, 100, 90, 80, 70 and 40: the highest and the lowest are dropped,
//! so its score is (90 + 80 + 70) / 3 = 80.00 against a plain mean of 76; every other task scores
//! 20 + its number (21 to 61), so task 30 ranks first, takes an S and is an excellent task (top 2). A pool of
//! 50,000,000원 gives each excellent task 25,000,000원; OPC gives task 30's agencies 3 : 2 (개보위
//! 15,000,000원, 방통위 10,000,000원) and within 개보위 its exchangee 2 and 김민수 1 (10,000,000원 and
//! 5,000,000원). The exchangee is 과장급: its bonus is 50% × 9,218,000원 = 4,609,000원 from the 2024
//! pay table, the year the round is set up in; pair 1's 국장급 exchangee shows no amount.

use hanteam_domain::access::Grant;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{console, Browser, TestApp};
use crate::objections::stage;
use crate::prizes::{exchangee_and_post, line};

const WORKED_TASK: i64 = 30;
/// Every criterion of a sheet gets the same score s, so its weighted total is 20 × s.
const WORKED_SCORES: [f64; 5] = [5.0, 4.5, 4.0, 3.5, 2.0];

/// The score evaluator `k` gives every criterion of task `task`. Other tasks: 1 + task/20, spread
/// by ±0.1 and ±0.2 among the evaluators, so their scores (after the drop) are 20 + task, all
/// different: no tie blurs a grade boundary or the top 2.
fn score_of(task: i64, k: usize) -> f64 {
    if task == WORKED_TASK {
        WORKED_SCORES[k]
    } else {
        1.0 + task as f64 * 0.05 + [0.2, 0.1, 0.0, -0.1, -0.2][k]
    }
}

fn sheet(s: f64) -> Value {
    let codes = ["citizen_change", "collaboration", "goal_achievement", "procedure_saving", "spread"];
    json!(codes.iter().map(|c| json!({"code": c, "score": s, "comment": null})).collect::<Vec<_>>())
}

async fn submit(b: &Browser, round: i64, task: i64, s: f64) {
    let path = format!("/api/v1/evaluation-rounds/{round}/tasks/{task}/score");
    let (st, w) = b.send(Method::PUT, &path, Some(json!({"scores": sheet(s), "comment": null, "version": null}))).await;
    assert_eq!(st, 200, "task {task}: {w}");
    let (st, w) = b.send(Method::POST, &format!("{path}/submit"), Some(json!({"version": w["version"]}))).await;
    assert_eq!(st, 200, "task {task}: {w}");
}

async fn page(b: &Browser, round: i64) -> String {
    let r = b.client.get(b.url(&format!("/evaluation-rounds/{round}"))).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    r.text().await.unwrap()
}

async fn a_whole_round_on_the_41_tasks_gives_the_worked_example(b: crate::common::Backend) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let demo = hanteam_app::demo::prepare(&app.db, &console()).await.expect("demo accounts");
    let panel: Vec<_> = demo.accounts.iter().filter(|a| a.login.starts_with("demo-evaluator")).collect();
    assert_eq!(panel.len(), 5, "{:?}", demo.accounts);

    let body = json!({
        "name": "2024년 협업과제 평가", "setup_on": "2024-10-01", "assignment_on": "2024-10-15",
        "scoring_on": "2024-11-01", "review_on": "2024-11-20", "objections_on": "2024-12-01",
        "final_on": "2024-12-08", "published_on": "2024-12-15",
        "evaluators_per_task": 5, "tasks_per_evaluator": 41, "lookback_years": 0,
        "excellent": {"kind": "top_k", "value": 2},
    });
    let (s, r) = app.call(Method::POST, "/api/v1/evaluation-rounds", Some(&opc), Some(body)).await;
    assert_eq!(s, 201, "{r}");
    let round = r["id"].as_i64().unwrap();
    let path = format!("/api/v1/evaluation-rounds/{round}");
    assert_eq!(stage(&app, &opc, round, "assignment").await.0, 200);
    let (s, a) = app.call(Method::POST, &format!("{path}/assignment"), Some(&opc), Some(json!({}))).await;
    assert_eq!(s, 200, "{a}");
    assert_eq!(stage(&app, &opc, round, "scoring").await.0, 200);

    // Each evaluator signs the pledge and scores its 41 tasks (the whole panel sits on every task:
    // five seats, four of them private experts, as two thirds of five asks).
    for (k, account) in panel.iter().enumerate() {
        let ev = app.sign_in_with(&account.login, &account.password).await;
        assert_eq!(ev.send(Method::POST, &format!("{path}/pledge"), None).await.0, 201, "{}", account.login);
        let (s, mine) = ev.send(Method::GET, &format!("{path}/my-tasks?limit=100"), None).await;
        assert_eq!(s, 200, "{mine}");
        assert_eq!(mine["total"], 41, "{}: {mine}", account.login);
        for task in 1..=41 {
            submit(&ev, round, task, score_of(task, k)).await;
        }
    }
    assert_eq!(stage(&app, &opc, round, "review").await.0, 200, "closing scoring computes the result");

    let (s, results) = app.call(Method::GET, &format!("{path}/results?limit=100"), Some(&opc), None).await;
    assert_eq!(s, 200, "{results}");
    assert_eq!(results["total"], 41);
    let items = results["items"].as_array().unwrap();
    let worked = &items[0];
    assert_eq!(worked["task_id"], WORKED_TASK, "task 30 ranks first: {results}");
    assert_eq!(
        (worked["score"].as_f64(), worked["n_scores"].as_i64(), worked["dropped_low"].as_f64()),
        (Some(80.0), Some(5), Some(40.0)),
        "{worked}"
    );
    assert_eq!(worked["dropped_high"].as_f64(), Some(100.0), "{worked}");
    assert_eq!((worked["grade"].as_str(), worked["excellent"].as_bool()), (Some("S"), Some(true)), "{worked}");
    // The population spread of 100, 90, 80, 70, 40: mean 76, squares 576 + 196 + 16 + 36 + 1296.
    let spread = (2120.0_f64 / 5.0).sqrt();
    assert!((worked["spread"].as_f64().unwrap() - spread).abs() < 0.01, "{worked}");
    let second = &items[1];
    assert_eq!((second["task_id"].as_i64(), second["score"].as_f64()), (Some(41), Some(61.0)), "{second}");
    assert_eq!(items.iter().filter(|i| i["excellent"] == true).count(), 2, "top 2");
    // Grades by the default shares S/A/B/C 20/40/30/10 over 41 tasks, rounded cumulatively half up:
    // 8.2 → 8, 24.6 → 25, 36.9 → 37, 41.
    let graded = |g: &str| items.iter().filter(|i| i["grade"] == g).count();
    assert_eq!((graded("S"), graded("A"), graded("B"), graded("C")), (8, 17, 12, 4), "{results}");

    // OPC sets the pool and task 30's shares while the round is in 이의신청.
    assert_eq!(stage(&app, &opc, round, "objections").await.0, 200);
    let pipc = app.agency_id("개보위").await;
    let kcc = app.agency_id("방통위").await;
    let (exchangee, _) = exchangee_and_post(&app, 8, "개보위").await;
    let version = app.call(Method::GET, &path, Some(&opc), None).await.1["version"].clone();
    let shares = json!({
        "pool_won": "50,000,000", "version": version,
        "shares": [{"task_id": WORKED_TASK, "agencies": [
            {"agency_id": pipc, "share": 3, "people": [
                {"exchangee_id": exchangee, "share": 2}, {"name": "김민수", "share": 1}]},
            {"agency_id": kcc, "share": 2, "people": []}]}]
    });
    let (s, w) = app.call(Method::PUT, &format!("{path}/prizes"), Some(&opc), Some(shares)).await;
    assert_eq!(s, 200, "{w}");
    // The exchangee's link to its own statement appears on the round's page once the round is final.
    let (_, post) = exchangee_and_post(&app, 8, "개보위").await;
    app.user("x-pipc", vec![Grant::Exchangee { position_id: hanteam_domain::PositionId::new(post) }]).await;
    let me = app.sign_in("x-pipc").await;
    let own_link = format!("statements/person?key=exchangee%3A{exchangee}");
    let html = page(&me, round).await;
    assert!(!html.contains(&own_link), "not before 확정: {html}");
    for to in ["final", "published"] {
        let (s, e) = stage(&app, &opc, round, to).await;
        assert_eq!(s, 200, "{to}: {e}");
    }

    let (s, prizes) = app.call(Method::GET, &format!("{path}/prizes"), Some(&opc), None).await;
    assert_eq!(s, 200, "{prizes}");
    assert_eq!(prizes["pool_won"], 50_000_000);
    let paid: i64 = prizes["items"].as_array().unwrap().iter().map(|l| l["amount_won"].as_i64().unwrap()).sum();
    assert_eq!(paid, 50_000_000, "the lines add up to the pool: {prizes}");
    let to_exchangee = prizes["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["task_id"] == WORKED_TASK && l["exchangee_id"] == exchangee)
        .unwrap_or_else(|| panic!("the exchangee's line: {prizes}"));
    assert_eq!(to_exchangee["amount_won"], 10_000_000, "{to_exchangee}");
    assert_eq!(line(&prizes, WORKED_TASK, Some("김민수")).expect("김민수")["amount_won"], 5_000_000);
    let to_kcc = prizes["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["task_id"] == WORKED_TASK && l["agency_id"] == kcc)
        .expect("방통위's line");
    assert_eq!(to_kcc["amount_won"], 10_000_000, "{to_kcc}");

    let (s, bonuses) = app.call(Method::GET, &format!("{path}/bonuses?limit=500"), Some(&opc), None).await;
    assert_eq!(s, 200, "{bonuses}");
    let of = |id: i64| {
        bonuses["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["exchangee_id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("exchangee {id} in {bonuses}"))
    };
    let b = of(exchangee);
    assert_eq!(
        (b["pay_band"].as_str(), b["s_grade_amount_won"].as_i64(), b["bonus_won"].as_i64()),
        (Some("director"), Some(9_218_000), Some(4_609_000)),
        "{b}"
    );

    let html = page(&me, round).await;
    assert!(html.contains(&own_link) && html.contains("내 지급 명세서"), "{html}");
    // The statements in JSON: the exchangee reads its own (the round is final), with the arithmetic;
    // OPC reads 개보위's.
    let (s, st) = me.send(Method::GET, &format!("{path}/statements/person?key=exchangee:{exchangee}"), None).await;
    assert_eq!(s, 200, "{st}");
    assert_eq!((st["prize_won"].as_i64(), st["bonus_won"].as_i64()), (Some(10_000_000), Some(4_609_000)), "{st}");
    let details: Vec<&str> = st["lines"].as_array().unwrap().iter().map(|l| l["detail"].as_str().unwrap()).collect();
    for part in ["25,000,000원 × 3/5", "15,000,000원 × 2/3", "50% × 9,218,000원 = 4,609,000원"] {
        assert!(details.iter().any(|d| d.contains(part)), "{part} in {details:?}");
    }
    let (s, _) = me.send(Method::GET, &format!("{path}/statements/agencies/{pipc}"), None).await;
    assert_eq!(s, 403, "an exchangee reads its own statement, not its agency's");
    let (s, _) = me.send(Method::GET, &format!("{path}/statements/person"), None).await;
    assert_eq!(s, 400, "no key");
    let (s, agency) = app.call(Method::GET, &format!("{path}/statements/agencies/{pipc}"), Some(&opc), None).await;
    assert_eq!(s, 200, "{agency}");
    assert_eq!(agency["prize_won"], 15_000_000, "{agency}");

    let (general, _) = exchangee_and_post(&app, 1, "국토부").await;
    let g = of(general);
    assert!(g["bonus_won"].is_null() && g["note"].as_str().unwrap().starts_with("지급표에 금액 없음"), "{g}");

    // The public reads the published grades, never a dropped score or the spread.
    let public = app.json(&format!("{path}/results?limit=100"), 200).await;
    let first = &public["items"][0];
    assert_eq!((first["task_id"].as_i64(), first["grade"].as_str()), (Some(WORKED_TASK), Some("S")), "{public}");
    assert!(first["dropped_low"].is_null() && first["spread"].is_null(), "{first}");
}

on_both_backends!(a_whole_round_on_the_41_tasks_gives_the_worked_example);
