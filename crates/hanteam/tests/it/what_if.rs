//! The what-if (모의 계산), on both databases, through the API and the page: OPC changes the grade
//! shares or the drop rule and sees grades, excellent tasks and money move beside the official
//! result, which stays as it was; bad changes are refused at their field; agencies are refused,
//! and nobody may run it before scoring closes. Nothing is written, not even to the audit log.

use hanteam_domain::access::Grant;
use hanteam_domain::AgencyId;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::TestApp;
use crate::objections::{audit_count, round_in_objections};

fn item(v: &Value, task: i64) -> Value {
    v["items"].as_array().unwrap().iter().find(|i| i["task_id"] == task).cloned().unwrap_or(Value::Null)
}

/// Tasks 1, 2, 30 scored 5/4/4, 2/2/2 and 4/4/4 on every criterion: 86.67, 40 and 80. Under the
/// default S/A/B/C 20/40/30/10 of 3 tasks (cumulative 0.6 → 1, 1.8 → 2, 2.7 → 3) task 1 is S, task 30
/// A, task 2 B; S is excellent, so task 1 takes the whole default pool of 100,000,000원.
/// With S at 70% (2.1 → 2) tasks 1 and 30 are S and share the pool equally: 50,000,000원 each.
/// Dropping the highest and lowest from 3 scores leaves task 1 with its middle 4 → 80.
async fn opc_sees_grades_and_money_move_and_the_official_result_stays(b: crate::common::Backend) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let env = app.agency_id("환경부").await;
    let officer = app.token_for("env", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(env) }]).await;
    let (round, _) =
        round_in_objections(&app, &opc, &[1, 2, 30], &[[5.0, 4.0, 4.0], [2.0, 2.0, 2.0], [4.0, 4.0, 4.0]], json!({}))
            .await;
    let path = format!("/api/v1/evaluation-rounds/{round}/what-if");
    let results = format!("/api/v1/evaluation-rounds/{round}/results");
    let official = app.call(Method::GET, &results, Some(&opc), None).await.1;
    let audit_before = audit_count(&app).await;

    let shares = json!({"shares": {"S": 70, "A": 10, "B": 10, "C": 10}});
    let (s, w) = app.call(Method::POST, &path, Some(&opc), Some(shares.clone())).await;
    assert_eq!(s, 200, "{w}");
    assert_eq!(w["summary"]["tasks"], 3, "{w}");
    assert_eq!((w["summary"]["excellent_in"].as_i64(), w["summary"]["excellent_out"].as_i64()), (Some(1), Some(0)));
    assert_eq!(w["summary"]["money_moved_won"], 50_000_000, "{w}");
    assert_eq!(w["pool_won"], 100_000_000);
    let t1 = item(&w, 1);
    assert_eq!(
        (t1["official"]["grade"].as_str(), t1["official"]["prize_won"].as_i64()),
        (Some("S"), Some(100_000_000))
    );
    assert_eq!(t1["changed"]["prize_won"], 50_000_000, "{t1}");
    let t30 = item(&w, 30);
    assert_eq!((t30["official"]["grade"].as_str(), t30["changed"]["grade"].as_str()), (Some("A"), Some("S")), "{t30}");
    assert_eq!(
        (t30["changed"]["excellent"].as_bool(), t30["changed"]["prize_won"].as_i64()),
        (Some(true), Some(50_000_000))
    );
    assert_eq!(item(&w, 2)["moved"], false);
    assert!(w["changes"].as_array().unwrap().iter().any(|c| c == "S 등급 비율 20% → 70%"), "{w}");
    // The official order: task 1, then 30, then 2.
    let order: Vec<i64> = w["items"].as_array().unwrap().iter().map(|i| i["task_id"].as_i64().unwrap()).collect();
    assert_eq!(order, vec![1, 30, 2]);

    let (s, moved) = app.call(Method::POST, &format!("{path}?only_moved=true&limit=1"), Some(&opc), Some(shares)).await;
    assert_eq!(s, 200, "{moved}");
    assert_eq!((moved["total"].as_i64(), moved["items"].as_array().unwrap().len()), (Some(2), 1), "{moved}");

    let (s, d) = app.call(Method::POST, &path, Some(&opc), Some(json!({"drop_extremes_from": 3}))).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(
        (item(&d, 1)["official"]["score"].as_f64(), item(&d, 1)["changed"]["score"].as_f64()),
        (Some(86.67), Some(80.0))
    );

    // Bad changes: refused at their field.
    for (body, field) in [
        (json!({"shares": {"S": 50}}), "share.S"),
        (json!({"weights": {"no_such": 10}}), "weight.no_such"),
        (json!({"weights": {"citizen_change": "많이"}}), "weight.citizen_change"),
        (json!({"drop_extremes_from": 2}), "drop_extremes_from"),
    ] {
        let (s, e) = app.call(Method::POST, &path, Some(&opc), Some(body.clone())).await;
        assert_eq!((s, e["error"]["field"].as_str()), (400, Some(field)), "{body}: {e}");
    }
    let (s, e) = app.call(Method::POST, &path, Some(&opc), Some(json!({"weight": {}}))).await;
    assert_eq!(s, 400, "a misspelt field is named: {e}");

    // Agencies see their provisional result, never a recomputation of the sheets.
    let (s, e) = app.call(Method::POST, &path, Some(&officer), Some(json!({}))).await;
    assert_eq!(s, 403, "{e}");
    assert_eq!(app.call(Method::POST, &path, None, Some(json!({}))).await.0, 401);

    // Nothing was written: the official result and the audit log are as they were.
    assert_eq!(app.call(Method::GET, &results, Some(&opc), None).await.1, official);
    assert_eq!(audit_count(&app).await, audit_before);

    // The page: OPC's form with the official values, the two results, an error at its field.
    let browser = app.sign_in("opc").await;
    let page = |q: &str| {
        let url = browser.url(&format!("/evaluation-rounds/{round}/what-if{q}"));
        let client = browser.client.clone();
        async move {
            let r = client.get(url).send().await.expect("request");
            (r.status().as_u16(), r.text().await.expect("body"))
        }
    };
    let (s, form) = page("").await;
    assert_eq!(s, 200, "{form}");
    assert!(form.contains(r#"name="share.S" value="20""#), "official share prefilled");
    assert!(!form.contains("모의 계산 결과"), "nothing computed before asked");
    let (s, html) = page("?run=1&share.S=70&share.A=10&share.B=10&share.C=10").await;
    assert_eq!(s, 200);
    assert!(
        html.contains("모의 계산 결과") && html.contains("50,000,000원") && html.contains("S 등급 비율 20% → 70%"),
        "{html}"
    );
    let (s, bad) = page("?run=1&share.S=abc").await;
    assert_eq!(s, 200);
    assert!(bad.contains("aria-invalid=\"true\"") && bad.contains("S 등급 비율은 0에서 100 사이의 정수"), "{bad}");
    assert!(!bad.contains("모의 계산 결과"));
    let (s, round_page) = {
        let r = browser.client.get(browser.url(&format!("/evaluation-rounds/{round}"))).send().await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    };
    assert_eq!(s, 200);
    assert!(round_page.contains(&format!("/evaluation-rounds/{round}/what-if")), "linked from the round page");
    assert_eq!(audit_count(&app).await, audit_before);
}

/// Before scoring closes there is nothing to recompute, and the sheets are sealed: 409.
async fn what_if_is_refused_before_scoring_closes(b: crate::common::Backend) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let body = json!({"name": "2024년 협업과제 평가", "task_ids": [1, 2],
        "setup_on": "2024-10-01", "assignment_on": "2024-10-10", "scoring_on": "2024-10-20", "review_on": "2024-11-01",
        "objections_on": "2024-11-10", "final_on": "2024-11-20", "published_on": "2024-11-30"});
    let (s, r) = app.call(Method::POST, "/api/v1/evaluation-rounds", Some(&opc), Some(body)).await;
    assert_eq!(s, 201, "{r}");
    let (s, e) = app
        .call(Method::POST, &format!("/api/v1/evaluation-rounds/{}/what-if", r["id"]), Some(&opc), Some(json!({})))
        .await;
    assert_eq!(s, 409, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("채점이 아직 끝나지 않아"), "{e}");
}

on_both_backends!(
    opc_sees_grades_and_money_move_and_the_official_result_stays,
    what_if_is_refused_before_scoring_closes
);
