//! After scoring, through the API on both databases: an agency objects to its task's provisional
//! result within the objection period (refused outside it, to an agency not in the task, without a
//! reason), OPC rejects one with a reason and upholds another, which reopens the task's sheets; the
//! round cannot be final while an objection is undecided or the rescoring is open, and the final
//! result is the rescored one. The published result hides evaluators, individual scores, comments,
//! objections and money; a task's agencies then read its evaluators' names. The prize split adds up
//! exactly to the pool.

use chrono::{Duration, Utc};
use hanteam_domain::access::Grant;
use hanteam_domain::audit::AuditAction;
use hanteam_domain::AgencyId;
use hanteam_store::accounts::NewUser;
use hanteam_store::audit::{Actor, Change};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{Browser, TestApp, TEST_PASSWORD};

fn day(offset: i64) -> String {
    (Utc::now().date_naive() + Duration::days(offset)).to_string()
}

/// The round's dates with the objection period from `objections` to the day before `final_on`.
fn dates(objections: i64, final_on: i64) -> Value {
    json!({
        "setup_on": day(-30), "assignment_on": day(-20), "scoring_on": day(-10), "review_on": day(-5),
        "objections_on": day(objections), "final_on": day(final_on), "published_on": day(final_on.max(0)),
    })
}

/// A round of `tasks`, three evaluators each, whose objection period runs from yesterday to the day
/// after tomorrow (today is inside it).
fn round_body(tasks: &[i64], extra: Value) -> Value {
    let mut b = json!({"name": "2024년 협업과제 평가(이의신청)", "task_ids": tasks, "evaluators_per_task": 3,
        "tasks_per_evaluator": 15});
    for (k, v) in dates(-1, 3).as_object().unwrap().iter().chain(extra.as_object().unwrap()) {
        b[k] = v.clone();
    }
    b
}

async fn evaluator(app: &TestApp, login: &str) {
    let user = NewUser {
        login: login.into(),
        display_name: format!("{login} 위원"),
        password_hash: hanteam_app::secrets::hash_password(TEST_PASSWORD).expect("hash"),
        must_change_password: false,
        is_private_expert: true,
        email: None,
        grants: vec![Grant::Evaluator],
    };
    let mut tx = app.db.begin().await.expect("begin");
    let id = tx.insert_user(&user).await.expect("insert user");
    tx.audit(&Actor::system(), Change::event(AuditAction::UserCreate, "user", Some(id.get()), None))
        .await
        .expect("audit");
    tx.commit().await.expect("commit");
}

pub(crate) async fn stage(app: &TestApp, opc: &str, round: i64, to: &str) -> (u16, Value) {
    let path = format!("/api/v1/evaluation-rounds/{round}");
    let version = app.call(Method::GET, &path, Some(opc), None).await.1["version"].clone();
    app.call(Method::POST, &format!("{path}/stage"), Some(opc), Some(json!({"to": to, "version": version}))).await
}

/// OPC moves the objection period so it ended yesterday (the final date today), as it may while
/// the round is open: the only way to reach 확정 today without a clock.
pub(crate) async fn end_objection_period(app: &TestApp, opc: &str, round: i64) {
    let path = format!("/api/v1/evaluation-rounds/{round}");
    let current = app.call(Method::GET, &path, Some(opc), None).await.1;
    let mut body = dates(-1, 0);
    body["name"] = current["name"].clone();
    body["version"] = current["version"].clone();
    let (s, w) = app.call(Method::PUT, &path, Some(opc), Some(body)).await;
    assert_eq!(s, 200, "{w}");
}

fn all(s: f64) -> Value {
    let codes = ["citizen_change", "collaboration", "goal_achievement", "procedure_saving", "spread"];
    json!(codes
        .iter()
        .map(|c| json!({"code": c, "score": s, "comment": format!("채점 의견 비밀 {c}")}))
        .collect::<Vec<_>>())
}

fn sheet_path(round: i64, task: i64) -> String {
    format!("/api/v1/evaluation-rounds/{round}/tasks/{task}/score")
}

/// Saves and submits a whole sheet (every criterion `s`, so a total of 20 × s).
async fn score(b: &Browser, round: i64, task: i64, s: f64) {
    let path = sheet_path(round, task);
    let version = b.send(Method::GET, &path, None).await.1["version"].clone();
    let body = json!({"scores": all(s), "comment": "종합 의견 비밀", "version": version});
    let (st, w) = b.send(Method::PUT, &path, Some(body)).await;
    assert_eq!(st, 200, "{w}");
    let (st, w) = b.send(Method::POST, &format!("{path}/submit"), Some(json!({"version": w["version"]}))).await;
    assert_eq!(st, 200, "{w}");
}

/// A round of `tasks` created, assigned (three evaluators p1–p3), scored with `scores[task][k]`
/// and closed into 이의신청.
pub(crate) async fn round_in_objections(
    app: &TestApp,
    opc: &str,
    tasks: &[i64],
    scores: &[[f64; 3]],
    extra: Value,
) -> (i64, Vec<Browser>) {
    for login in ["p1", "p2", "p3"] {
        evaluator(app, login).await;
    }
    let (s, r) = app.call(Method::POST, "/api/v1/evaluation-rounds", Some(opc), Some(round_body(tasks, extra))).await;
    assert_eq!(s, 201, "{r}");
    let round = r["id"].as_i64().unwrap();
    assert_eq!(stage(app, opc, round, "assignment").await.0, 200);
    let (s, a) = app
        .call(Method::POST, &format!("/api/v1/evaluation-rounds/{round}/assignment"), Some(opc), Some(json!({})))
        .await;
    assert_eq!(s, 200, "{a}");
    assert_eq!(stage(app, opc, round, "scoring").await.0, 200);
    let mut ev = Vec::new();
    for login in ["p1", "p2", "p3"] {
        let b = app.sign_in(login).await;
        assert_eq!(b.send(Method::POST, &format!("/api/v1/evaluation-rounds/{round}/pledge"), None).await.0, 201);
        ev.push(b);
    }
    for (task, row) in tasks.iter().zip(scores) {
        for (b, s) in ev.iter().zip(row) {
            score(b, round, *task, *s).await;
        }
    }
    for to in ["review", "objections"] {
        let (s, e) = stage(app, opc, round, to).await;
        assert_eq!(s, 200, "{to}: {e}");
    }
    (round, ev)
}

pub(crate) async fn audit_count(app: &TestApp) -> usize {
    let log = app.db.list_audit(&hanteam_domain::AuditFilter { limit: 500, ..Default::default() }).await.unwrap();
    log.items.iter().filter(|r| !r.entry.action.starts_with("auth.")).count()
}

fn result_of(results: &Value, task: i64) -> Value {
    results["items"].as_array().unwrap().iter().find(|i| i["task_id"] == task).cloned().unwrap_or(Value::Null)
}

/// Task 1 (환경부 takes part): 100, 80, 80 → 86.67; task 30 (개보위): 60 each → 60. 환경부 objects to
/// task 1 and OPC upholds it; p1 rescores 40 → (40 + 80 + 80) / 3 = 66.67. 개보위's objection to
/// task 30 is rejected with a reason.
async fn an_objection_filed_in_period_is_upheld_the_panel_rescores_and_the_final_result_is_the_new_one(
    b: crate::common::Backend,
) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let env = app.agency_id("환경부").await;
    let pipc = app.agency_id("개보위").await;
    let env_officer = app.token_for("env", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(env) }]).await;
    let pipc_officer = app.token_for("pipc", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(pipc) }]).await;
    let (round, ev) = round_in_objections(&app, &opc, &[1, 30], &[[5.0, 4.0, 4.0], [3.0, 3.0, 3.0]], json!({})).await;
    let objections = format!("/api/v1/evaluation-rounds/{round}/objections");
    let results = format!("/api/v1/evaluation-rounds/{round}/results");

    // 환경부 sees task 1's provisional score and grade, never an individual score.
    let mine = app.call(Method::GET, &results, Some(&env_officer), None).await.1;
    assert_eq!((mine["total"].as_i64(), result_of(&mine, 1)["score"].as_f64()), (Some(1), Some(86.67)), "{mine}");
    assert!(!mine.to_string().contains("채점 의견"), "{mine}");

    // Refused, and nothing written: an agency not in the task, no reason, a task not in the round,
    // an evaluator.
    let before = audit_count(&app).await;
    let (s, e) = app
        .call(Method::POST, &objections, Some(&pipc_officer), Some(json!({"task_id": 1, "reason": "점수가 낮음"})))
        .await;
    assert_eq!(s, 403, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("참여하는 기관의 담당자만"), "{e}");
    let (s, e) =
        app.call(Method::POST, &objections, Some(&env_officer), Some(json!({"task_id": 1, "reason": " "}))).await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("reason")), "{e}");
    let (s, e) =
        app.call(Method::POST, &objections, Some(&env_officer), Some(json!({"task_id": 2, "reason": "누락"}))).await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("task_id")), "{e}");
    let (s, _) = ev[0].send(Method::POST, &objections, Some(json!({"task_id": 1, "reason": "평가위원"}))).await;
    assert_eq!(s, 403);
    assert_eq!(audit_count(&app).await, before);

    // Filed within the period; a second one on the same task waits for the first.
    let reason = "용인 산단 환경영향평가 단축 실적(6개월)이 증빙에서 빠졌습니다.";
    let (s, w) =
        app.call(Method::POST, &objections, Some(&env_officer), Some(json!({"task_id": 1, "reason": reason}))).await;
    assert_eq!(s, 201, "{w}");
    let upheld = w["id"].as_i64().unwrap();
    let (s, e) =
        app.call(Method::POST, &objections, Some(&env_officer), Some(json!({"task_id": 1, "reason": "다시"}))).await;
    assert_eq!(s, 409, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("결정 대기 중"), "{e}");
    let (s, w) = app
        .call(Method::POST, &objections, Some(&pipc_officer), Some(json!({"task_id": 30, "reason": "정량지표 오기"})))
        .await;
    assert_eq!(s, 201, "{w}");
    let rejected = w["id"].as_i64().unwrap();

    // OPC reads both; each agency only its own; an evaluator none.
    let all_of = app.call(Method::GET, &objections, Some(&opc), None).await.1;
    assert_eq!(all_of["total"], 2, "{all_of}");
    let env_list = app.call(Method::GET, &objections, Some(&env_officer), None).await.1;
    assert_eq!((env_list["total"].as_i64(), env_list["items"][0]["reason"].as_str()), (Some(1), Some(reason)));
    assert_eq!(env_list["items"][0]["status"], "pending");
    let pipc_list = app.call(Method::GET, &objections, Some(&pipc_officer), None).await.1;
    assert_eq!((pipc_list["total"].as_i64(), pipc_list["items"][0]["task_id"].as_i64()), (Some(1), Some(30)));
    assert_eq!(ev[0].send(Method::GET, &objections, None).await.0, 403);

    // The period ends: no more objections, and 확정 waits for both decisions, naming them.
    end_objection_period(&app, &opc, round).await;
    let (s, e) =
        app.call(Method::POST, &objections, Some(&env_officer), Some(json!({"task_id": 1, "reason": "기간 후"}))).await;
    assert_eq!(s, 409, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("이의신청 기간"), "{e}");
    let (s, e) = stage(&app, &opc, round, "final").await;
    assert_eq!(s, 409, "{e}");
    let m = e["error"]["message"].as_str().unwrap();
    assert!(m.contains("결정하지 않은 이의신청") && m.contains(&format!("{upheld}번(과제 1, 환경부)")), "{m}");

    // Rejected only with a reason, and only by OPC.
    let decide = |id: i64| format!("/api/v1/evaluation-objections/{id}/decision");
    let (s, e) = app
        .call(Method::POST, &decide(rejected), Some(&opc), Some(json!({"decision": "rejected", "version": 1})))
        .await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("reason")), "{e}");
    let (s, _) = app
        .call(
            Method::POST,
            &decide(rejected),
            Some(&env_officer),
            Some(json!({"decision": "rejected", "reason": "x", "version": 1})),
        )
        .await;
    assert_eq!(s, 403);
    let answer = "지표 산식은 평가 편람대로 적용되었습니다.";
    let (s, w) = app
        .call(
            Method::POST,
            &decide(rejected),
            Some(&opc),
            Some(json!({"decision": "rejected", "reason": answer, "version": 1})),
        )
        .await;
    assert_eq!(s, 200, "{w}");
    let (s, _) =
        app.call(Method::POST, &decide(rejected), Some(&opc), Some(json!({"decision": "upheld", "version": 2}))).await;
    assert_eq!(s, 409, "decided once");
    let pipc_list = app.call(Method::GET, &objections, Some(&pipc_officer), None).await.1;
    assert_eq!(
        (pipc_list["items"][0]["status"].as_str(), pipc_list["items"][0]["decision_reason"].as_str()),
        (Some("rejected"), Some(answer))
    );

    // Upheld: every sheet of task 1 is reopened with the objection's number as the reason.
    let (s, w) = app
        .call(
            Method::POST,
            &decide(upheld),
            Some(&opc),
            Some(json!({"decision": "upheld", "reason": "증빙 보완 반영", "version": 1})),
        )
        .await;
    assert_eq!(s, 200, "{w}");
    for b in &ev {
        let sheet = b.send(Method::GET, &sheet_path(round, 1), None).await.1;
        assert_eq!((sheet["status"].as_str(), sheet["editable"].as_bool()), (Some("draft"), Some(true)), "{sheet}");
        let why = sheet["reopened_reason"].as_str().unwrap();
        assert!(why.contains(&format!("이의신청 {upheld}번 인용")) && why.contains("증빙 보완 반영"), "{why}");
        let other = b.send(Method::GET, &sheet_path(round, 30), None).await.1;
        assert_eq!(other["status"], "submitted", "task 30 is not rescored");
    }

    // Rescoring open: 확정 is refused, naming the task; p1 rescores, p2 and p3 resubmit.
    let (s, e) = stage(&app, &opc, round, "final").await;
    assert_eq!(s, 409, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("재채점 중인 과제가 있어"), "{e}");
    score(&ev[0], round, 1, 2.0).await;
    score(&ev[1], round, 1, 4.0).await;
    let (s, _) = stage(&app, &opc, round, "final").await;
    assert_eq!(s, 409, "p3 has not resubmitted");
    score(&ev[2], round, 1, 4.0).await;
    let (s, e) = stage(&app, &opc, round, "final").await;
    assert_eq!(s, 200, "{e}");

    // The final result is the rescored one; the objections keep their answers.
    let r = app.call(Method::GET, &results, Some(&opc), None).await.1;
    assert_eq!(r["provisional"], false);
    assert_eq!(result_of(&r, 1)["score"].as_f64(), Some(66.67), "{r}");
    assert_eq!(result_of(&r, 30)["score"].as_f64(), Some(60.0), "{r}");
    let list = app.call(Method::GET, &objections, Some(&opc), None).await.1;
    let statuses: Vec<&str> = list["items"].as_array().unwrap().iter().map(|o| o["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, vec!["rejected", "upheld"], "newest first: {list}");
    let (s, e) = app
        .call(
            Method::POST,
            &decide(upheld),
            Some(&opc),
            Some(json!({"decision": "rejected", "reason": "x", "version": 2})),
        )
        .await;
    assert_eq!(s, 409, "{e}");

    // The audit log has the filing and both decisions, every field labelled.
    let log = app.call(Method::GET, "/api/v1/audit?limit=500", Some(&opc), None).await.1;
    let entries: Vec<&Value> =
        log["items"].as_array().unwrap().iter().filter(|e| e["record_type"] == "evaluation_objection").collect();
    let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions.iter().filter(|a| **a == "evaluation_objection.file").count(), 2, "{actions:?}");
    assert_eq!(actions.iter().filter(|a| **a == "evaluation_objection.decide").count(), 2, "{actions:?}");
    for e in &entries {
        if let Some(after) = e["after"].as_str() {
            assert_eq!(
                hanteam_domain::audit::fields::unlabelled_fields("evaluation_objection", after),
                Vec::<String>::new()
            );
        }
    }
}

/// Every string and number of a JSON document, to look for what must not be there.
fn leaves(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                out.push(k.clone());
                leaves(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| leaves(x, out)),
        Value::String(s) => out.push(s.clone()),
        Value::Number(n) => out.push(n.to_string()),
        _ => {}
    }
}

/// The round of the first test's shape, published: task 1 scored 100, 80, 60 (80), task 30
/// 100, 100, 80 (93.33, grade A: two tasks give no S under 20/40/30/10; excellent is the top 1); one
/// objection filed and rejected.
async fn the_published_result_hides_evaluators_scores_comments_objections_and_money(b: crate::common::Backend) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let env = app.agency_id("환경부").await;
    let pipc = app.agency_id("개보위").await;
    let env_officer = app.token_for("env", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(env) }]).await;
    let pipc_officer = app.token_for("pipc", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(pipc) }]).await;
    let (round, ev) = round_in_objections(
        &app,
        &opc,
        &[1, 30],
        &[[5.0, 4.0, 3.0], [5.0, 5.0, 4.0]],
        json!({"excellent": {"kind": "top_k", "value": 1}}),
    )
    .await;
    let objections = format!("/api/v1/evaluation-rounds/{round}/objections");
    let (s, w) = app
        .call(Method::POST, &objections, Some(&env_officer), Some(json!({"task_id": 1, "reason": "이의 사유 비밀"})))
        .await;
    assert_eq!(s, 201, "{w}");
    let (s, _) = app
        .call(
            Method::POST,
            &format!("/api/v1/evaluation-objections/{}/decision", w["id"]),
            Some(&opc),
            Some(json!({"decision": "rejected", "reason": "기각 사유 비밀", "version": 1})),
        )
        .await;
    assert_eq!(s, 200);
    end_objection_period(&app, &opc, round).await;
    assert_eq!(stage(&app, &opc, round, "final").await.0, 200);

    // Before publication: nothing public, no evaluator disclosed.
    let publication = format!("/api/v1/evaluation-rounds/{round}/publication");
    let evaluators = format!("/api/v1/evaluation-rounds/{round}/tasks/1/evaluators");
    assert_eq!(app.call(Method::GET, &publication, None, None).await.0, 404);
    assert_eq!(app.call(Method::GET, &publication, Some(&opc), None).await.0, 409);
    let (s, e) = app.call(Method::GET, &evaluators, Some(&env_officer), None).await;
    assert_eq!(s, 403, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("공개된 뒤"), "{e}");
    let prize_lines =
        app.call(Method::GET, &format!("/api/v1/evaluation-rounds/{round}/prizes"), Some(&opc), None).await.1;
    assert!(prize_lines["items"].as_array().is_some_and(|i| !i.is_empty()), "{prize_lines}");

    assert_eq!(stage(&app, &opc, round, "published").await.0, 200);
    let (s, public) = app.call(Method::GET, &publication, None, None).await;
    assert_eq!(s, 200, "{public}");
    assert_eq!(public["total"], 2);
    let first = &public["items"][0];
    assert_eq!(
        (first["task_id"].as_i64(), first["grade"].as_str(), first["excellent"].as_bool()),
        (Some(30), Some("A"), Some(true)),
        "{public}"
    );
    assert!(first["citizen_change"].is_string() || first["citizen_change"].is_null());
    assert_eq!(public["excellent_total"], 1);
    let excellent = app.call(Method::GET, &format!("{publication}?excellent=true"), None, None).await.1;
    assert_eq!((excellent["total"].as_i64(), excellent["items"][0]["task_id"].as_i64()), (Some(1), Some(30)));
    let ranked: Vec<&str> =
        public["agencies"].as_array().unwrap().iter().map(|a| a["agency_name"].as_str().unwrap()).collect();
    assert!(ranked.contains(&"환경부") && ranked.contains(&"개보위"), "{ranked:?}");

    // What must not be there: names, individual totals (100, 60), comments, objections, money.
    let mut seen = Vec::new();
    leaves(&public, &mut seen);
    leaves(&excellent, &mut seen);
    let amounts: Vec<String> =
        prize_lines["items"].as_array().unwrap().iter().map(|l| l["amount_won"].to_string()).collect();
    for bad in ["p1 위원", "p2 위원", "p3 위원", "채점 의견 비밀", "종합 의견 비밀", "이의 사유 비밀", "기각 사유 비밀"]
    {
        assert!(!seen.iter().any(|s| s.contains(bad)), "{bad} in {public}");
    }
    for bad in ["100", "100.0", "60", "60.0", "spread", "n_scores", "evaluator_id", "amount_won", "pool_won"] {
        assert!(!seen.iter().any(|s| s == bad), "{bad} in {public}");
    }
    for a in &amounts {
        assert!(!seen.contains(a), "prize {a} in {public}");
    }
    let results = app.call(Method::GET, &format!("/api/v1/evaluation-rounds/{round}/results"), None, None).await.1;
    let text = results.to_string();
    assert!(!text.contains("위원") && !text.contains("비밀"), "{text}");

    // Each agency of task 1 reads its evaluators' names, by name; nobody else does.
    let (s, names) = app.call(Method::GET, &evaluators, Some(&env_officer), None).await;
    assert_eq!(s, 200, "{names}");
    assert_eq!(names["names"], json!(["p1 위원", "p2 위원", "p3 위원"]));
    assert_eq!(names.as_object().unwrap().len(), 3, "names only: {names}");
    assert_eq!(app.call(Method::GET, &evaluators, Some(&pipc_officer), None).await.0, 403);
    assert_eq!(app.call(Method::GET, &evaluators, None, None).await.0, 401);
    assert_eq!(ev[0].send(Method::GET, &evaluators, None).await.0, 403);
}

/// Two excellent tasks (top 2) share an odd pool: 100,000,001원 → 50,000,001 and 50,000,000, each
/// equally among its agencies; the lines add up to the pool to the won.
async fn the_prize_split_adds_up_exactly_to_the_pool_and_each_agency_reads_its_own(b: crate::common::Backend) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let env = app.agency_id("환경부").await;
    let env_officer = app.token_for("env", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(env) }]).await;
    let (round, _) = round_in_objections(
        &app,
        &opc,
        &[1, 2, 30],
        &[[5.0, 4.0, 4.0], [2.0, 2.0, 2.0], [4.0, 4.0, 4.0]],
        json!({"excellent": {"kind": "top_k", "value": 2}}),
    )
    .await;
    let prizes = format!("/api/v1/evaluation-rounds/{round}/prizes");
    let round_path = format!("/api/v1/evaluation-rounds/{round}");

    // The default pool, then OPC's: a bad amount is refused at its field with nothing written.
    let p = app.call(Method::GET, &prizes, Some(&opc), None).await.1;
    assert_eq!(p["pool_won"], 100_000_000, "{p}");
    let version = app.call(Method::GET, &round_path, Some(&opc), None).await.1["version"].clone();
    let before = audit_count(&app).await;
    let (s, e) = app.call(Method::PUT, &prizes, Some(&opc), Some(json!({"pool_won": "1억", "version": version}))).await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("pool_won")), "{e}");
    let (s, _) =
        app.call(Method::PUT, &prizes, Some(&env_officer), Some(json!({"pool_won": 1, "version": version}))).await;
    assert_eq!(s, 403);
    assert_eq!(audit_count(&app).await, before);
    let (s, w) =
        app.call(Method::PUT, &prizes, Some(&opc), Some(json!({"pool_won": 100_000_001, "version": version}))).await;
    assert_eq!(s, 200, "{w}");

    let p = app.call(Method::GET, &prizes, Some(&opc), None).await.1;
    assert_eq!((p["pool_won"].as_i64(), p["provisional"].as_bool()), (Some(100_000_001), Some(true)), "{p}");
    let items = p["items"].as_array().unwrap();
    let sum: i64 = items.iter().map(|l| l["amount_won"].as_i64().unwrap()).sum();
    assert_eq!(sum, 100_000_001, "{p}");
    assert_eq!((p["paid_won"].as_i64(), p["undistributed_won"].as_i64()), (Some(100_000_001), Some(0)));
    let task_sum =
        |t: i64| -> i64 { items.iter().filter(|l| l["task_id"] == t).map(|l| l["amount_won"].as_i64().unwrap()).sum() };
    assert_eq!((task_sum(1), task_sum(30), task_sum(2)), (50_000_001, 50_000_000, 0), "{p}");
    for t in [1, 30] {
        let parts: Vec<i64> =
            items.iter().filter(|l| l["task_id"] == t).map(|l| l["amount_won"].as_i64().unwrap()).collect();
        assert!(parts.len() >= 2, "every agency of task {t}: {p}");
        assert!(parts.iter().max().unwrap() - parts.iter().min().unwrap() <= 1, "equal shares: {parts:?}");
    }
    assert!(items.iter().all(|l| l["person"].is_null()), "paid to the agencies: {p}");

    // An agency reads only its own lines, and only once the round is final; the pool is then fixed.
    assert_eq!(app.call(Method::GET, &prizes, Some(&env_officer), None).await.0, 403);
    end_objection_period(&app, &opc, round).await;
    assert_eq!(stage(&app, &opc, round, "final").await.0, 200);
    let mine = app.call(Method::GET, &prizes, Some(&env_officer), None).await.1;
    let lines = mine["items"].as_array().unwrap();
    assert!(!lines.is_empty() && lines.iter().all(|l| l["agency_id"] == env), "{mine}");
    assert_eq!(mine["undistributed_won"], Value::Null);
    let version = app.call(Method::GET, &round_path, Some(&opc), None).await.1["version"].clone();
    let (s, e) = app.call(Method::PUT, &prizes, Some(&opc), Some(json!({"pool_won": 1, "version": version}))).await;
    assert_eq!(s, 409, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("'확정' 단계"), "{e}");
}

on_both_backends!(
    an_objection_filed_in_period_is_upheld_the_panel_rescores_and_the_final_result_is_the_new_one,
    the_published_result_hides_evaluators_scores_comments_objections_and_money,
    the_prize_split_adds_up_exactly_to_the_pool_and_each_agency_reads_its_own,
);
