//! Blind scoring and the round's results through the API, on both databases: an evaluator saves a
//! draft, submits it and cannot change it until OPC reopens it with a reason; nobody — another
//! evaluator, OPC, an auditor, an agency — reads a sheet while scoring is open, and an evaluator
//! kept off a task (제척, 회피) can neither see nor score it; a bad sheet is refused in Korean and
//! writes nothing; closing scoring computes the result (checked by hand below) and each role reads
//! what it may at each stage.

use chrono::{Duration, Utc};
use hanteam_domain::access::Grant;
use hanteam_domain::audit::AuditAction;
use hanteam_domain::edit::AffiliationDraft;
use hanteam_domain::{AgencyId, UserId};
use hanteam_store::accounts::NewUser;
use hanteam_store::audit::{Actor, Change};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{Browser, TestApp, TEST_PASSWORD};

fn day(offset: i64) -> String {
    (Utc::now().date_naive() + Duration::days(offset)).to_string()
}

/// A round of `tasks` with `n` evaluators per task, whose objection period ended yesterday (so
/// it can be finalised and published today).
fn round_body(tasks: &[i64], n: u32) -> Value {
    json!({
        "name": "2024년 협업과제 평가(채점)",
        "setup_on": day(-30), "assignment_on": day(-20), "scoring_on": day(-10), "review_on": day(-5),
        "objections_on": day(-3), "final_on": day(-1), "published_on": day(0),
        "task_ids": tasks, "evaluators_per_task": n, "tasks_per_evaluator": 15,
    })
}

async fn evaluator(app: &TestApp, login: &str) -> UserId {
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
    id
}

async fn stage(app: &TestApp, opc: &str, round: i64, to: &str) -> (u16, Value) {
    let path = format!("/api/v1/evaluation-rounds/{round}");
    let version = app.call(Method::GET, &path, Some(opc), None).await.1["version"].clone();
    app.call(Method::POST, &format!("{path}/stage"), Some(opc), Some(json!({"to": to, "version": version}))).await
}

async fn audit_count(app: &TestApp) -> usize {
    let log = app.db.list_audit(&hanteam_domain::AuditFilter { limit: 500, ..Default::default() }).await.unwrap();
    log.items.iter().filter(|r| !r.entry.action.starts_with("auth.")).count()
}

/// A round of `tasks` in 채점 with its panels confirmed, and the evaluators `logins` signed in
/// with their pledges signed.
async fn scoring_round(app: &TestApp, opc: &str, tasks: &[i64], logins: &[&str]) -> (i64, Vec<Browser>) {
    let (s, r) = app
        .call(Method::POST, "/api/v1/evaluation-rounds", Some(opc), Some(round_body(tasks, logins.len() as u32)))
        .await;
    assert_eq!(s, 201, "{r}");
    let round = r["id"].as_i64().unwrap();
    assert_eq!(stage(app, opc, round, "assignment").await.0, 200);
    let (s, a) = app
        .call(Method::POST, &format!("/api/v1/evaluation-rounds/{round}/assignment"), Some(opc), Some(json!({})))
        .await;
    assert_eq!(s, 200, "{a}");
    assert_eq!(stage(app, opc, round, "scoring").await.0, 200);
    let mut browsers = Vec::new();
    for login in logins {
        let b = app.sign_in(login).await;
        let (s, p) = b.send(Method::POST, &format!("/api/v1/evaluation-rounds/{round}/pledge"), None).await;
        assert_eq!(s, 201, "{p}");
        browsers.push(b);
    }
    (round, browsers)
}

/// Every criterion of the default rubric (five criteria on 0–5) scored `s`: a weighted total of 20 × s.
fn all(s: f64) -> Value {
    let codes = ["citizen_change", "collaboration", "goal_achievement", "procedure_saving", "spread"];
    json!(codes.iter().map(|c| json!({"code": c, "score": s, "comment": null})).collect::<Vec<_>>())
}

fn sheet_path(round: i64, task: i64) -> String {
    format!("/api/v1/evaluation-rounds/{round}/tasks/{task}/score")
}

/// Saves and submits a whole sheet; the version after.
async fn score(b: &Browser, round: i64, task: i64, s: f64) -> i64 {
    let path = sheet_path(round, task);
    let version = b.send(Method::GET, &path, None).await.1["version"].clone();
    let (st, w) =
        b.send(Method::PUT, &path, Some(json!({"scores": all(s), "comment": null, "version": version}))).await;
    assert_eq!(st, 200, "{w}");
    let (st, w) = b.send(Method::POST, &format!("{path}/submit"), Some(json!({"version": w["version"]}))).await;
    assert_eq!(st, 200, "{w}");
    w["version"].as_i64().unwrap()
}

async fn an_evaluator_saves_submits_and_cannot_edit_until_opc_reopens_with_a_reason(b: crate::common::Backend) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    for login in ["p1", "p2", "p3"] {
        evaluator(&app, login).await;
    }
    let (round, ev) = scoring_round(&app, &opc, &[1], &["p1", "p2", "p3"]).await;
    let path = sheet_path(round, 1);

    // Before the first save: the rubric and the evidence, nothing scored, never the other members.
    let (s, first) = ev[0].send(Method::GET, &path, None).await;
    assert_eq!(s, 200, "{first}");
    assert_eq!(
        (first["status"].clone(), first["version"].clone(), first["editable"].clone()),
        (Value::Null, Value::Null, json!(true))
    );
    assert_eq!(first["rubric"]["criteria"].as_array().map(Vec::len), Some(5));
    assert_eq!(first["evidence"]["task"]["id"], 1, "{first}");
    assert!(first["evidence"]["task"]["kpis"].as_array().is_some_and(|k| !k.is_empty()), "the task's KPIs");
    for other in ["p2 위원", "p3 위원"] {
        assert!(!first.to_string().contains(other), "no other member's name: {first}");
    }

    // A draft may be partial; submitting it is refused until every criterion is scored.
    let partial = json!({"scores": [{"code": "citizen_change", "score": 4, "comment": "대기시간 단축 확인"}], "comment": null, "version": null});
    let (s, w) = ev[0].send(Method::PUT, &path, Some(partial)).await;
    assert_eq!((s, w["version"].as_i64()), (200, Some(1)), "{w}");
    let (s, e) = ev[0].send(Method::POST, &format!("{path}/submit"), Some(json!({"version": 1}))).await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("scores")), "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("'협업의 실질성' 항목의 점수가 없습니다"), "{e}");

    // A stale version is 409; the current one saves.
    let whole = |v: i64| json!({"scores": all(4.0), "comment": "전반적으로 우수", "version": v});
    assert_eq!(ev[0].send(Method::PUT, &path, Some(whole(9))).await.0, 409);
    let (s, w) = ev[0].send(Method::PUT, &path, Some(whole(1))).await;
    assert_eq!((s, w["version"].as_i64()), (200, Some(2)), "{w}");
    let (s, w) = ev[0].send(Method::POST, &format!("{path}/submit"), Some(json!({"version": 2}))).await;
    assert_eq!((s, w["version"].as_i64()), (200, Some(3)), "{w}");
    let mine = ev[0].send(Method::GET, &path, None).await.1;
    assert_eq!((mine["status"].as_str(), mine["editable"].as_bool()), (Some("submitted"), Some(false)), "{mine}");
    assert_eq!(mine["weighted_total"].as_f64(), Some(80.0), "4/5 everywhere");
    assert_eq!(mine["comment"], "전반적으로 우수");

    // Locked: no edit, no second submit.
    let (s, e) = ev[0].send(Method::PUT, &path, Some(whole(3))).await;
    assert_eq!(s, 409, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("재채점(사유 기재)을 요청"), "{e}");
    assert_eq!(ev[0].send(Method::POST, &format!("{path}/submit"), Some(json!({"version": 3}))).await.0, 409);

    // Only OPC reopens, and only with a reason.
    let p1 = mine["evaluator_id"].as_i64().unwrap();
    let reopen = format!("{path}/reopen");
    let (s, _) = ev[1].send(Method::POST, &reopen, Some(json!({"evaluator_id": p1, "reason": "잘못 입력"}))).await;
    assert_eq!(s, 403, "an evaluator does not reopen");
    let (s, e) = app.call(Method::POST, &reopen, Some(&opc), Some(json!({"evaluator_id": p1}))).await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("reason")), "{e}");
    let (s, w) = app
        .call(Method::POST, &reopen, Some(&opc), Some(json!({"evaluator_id": p1, "reason": "목표 달성도 점수 재확인"})))
        .await;
    assert_eq!(s, 200, "{w}");
    let (s, _) = app.call(Method::POST, &reopen, Some(&opc), Some(json!({"evaluator_id": p1, "reason": "다시"}))).await;
    assert_eq!(s, 409, "a draft needs no reopening");
    let mine = ev[0].send(Method::GET, &path, None).await.1;
    assert_eq!(
        (mine["status"].as_str(), mine["editable"].as_bool(), mine["reopened_reason"].as_str()),
        (Some("draft"), Some(true), Some("목표 달성도 점수 재확인")),
        "{mine}"
    );
    let v = mine["version"].as_i64().unwrap();
    assert_eq!(ev[0].send(Method::PUT, &path, Some(whole(v))).await.0, 200);
    assert_eq!(ev[0].send(Method::POST, &format!("{path}/submit"), Some(json!({"version": v + 1}))).await.0, 200);

    // The audit log has every step, labelled, and never a score or a comment.
    let log = app.call(Method::GET, "/api/v1/audit?limit=500", Some(&opc), None).await.1;
    let sheets: Vec<&Value> =
        log["items"].as_array().unwrap().iter().filter(|e| e["record_type"] == "evaluation_score_sheet").collect();
    let actions: Vec<&str> = sheets.iter().map(|e| e["action"].as_str().unwrap()).collect();
    for a in ["evaluation_score.save", "evaluation_score.submit", "evaluation_score.reopen"] {
        assert!(actions.contains(&a), "{a}: {actions:?}");
    }
    for e in &sheets {
        for side in ["before", "after"] {
            if let Some(json) = e[side].as_str() {
                assert!(!json.contains("scores") && !json.contains("전반적으로"), "{json}");
                assert_eq!(
                    hanteam_domain::audit::fields::unlabelled_fields("evaluation_score_sheet", json),
                    Vec::<String>::new()
                );
            }
        }
    }
}

async fn sheets_are_sealed_before_close_and_an_excluded_evaluator_neither_sees_nor_scores(b: crate::common::Backend) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let auditor = app.token_for("aud", vec![Grant::Auditor]).await;
    let env = app.agency_id("환경부").await;
    let officer = app.token_for("env", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(env) }]).await;
    for login in ["p1", "p2", "p3"] {
        evaluator(&app, login).await;
    }
    // 제척: worked at 환경부 (a party of task 1) two years ago.
    let excluded = evaluator(&app, "ex").await;
    let today = Utc::now().date_naive();
    let mut tx = app.db.begin().await.unwrap();
    let stint = AffiliationDraft {
        organization: "환경부".into(),
        title: None,
        from: Some(today - Duration::days(2000)),
        to: Some(today - Duration::days(700)),
    };
    tx.insert_affiliation(excluded, &stint).await.unwrap();
    tx.commit().await.unwrap();
    let (round, ev) = scoring_round(&app, &opc, &[1], &["p1", "p2", "p3"]).await;
    let path = sheet_path(round, 1);
    let (s, w) = ev[0]
        .send(Method::PUT, &path, Some(json!({"scores": all(3.0), "comment": "비공개 의견", "version": null})))
        .await;
    assert_eq!(s, 200, "{w}");
    let p1 = ev[0].send(Method::GET, &path, None).await.1["evaluator_id"].as_i64().unwrap();
    let of_p1 = format!("{path}?evaluator_id={p1}");

    // Sealed: another evaluator, OPC, an auditor, an agency — none reads it while scoring is open.
    let (s, e) = ev[1].send(Method::GET, &of_p1, None).await;
    assert_eq!(s, 403, "{e}");
    assert!(!e.to_string().contains("비공개 의견"));
    let (s, e) = app.call(Method::GET, &of_p1, Some(&opc), None).await;
    assert_eq!(s, 403, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("국무조정실도"), "{e}");
    assert_eq!(app.call(Method::GET, &of_p1, Some(&auditor), None).await.0, 403);
    assert_eq!(app.call(Method::GET, &of_p1, Some(&officer), None).await.0, 403);
    assert_eq!(app.call(Method::GET, &of_p1, None, None).await.0, 401);

    // The excluded evaluator signed the pledge but has no seat on task 1: refused, nothing written.
    let ex = app.sign_in("ex").await;
    assert_eq!(ex.send(Method::POST, &format!("/api/v1/evaluation-rounds/{round}/pledge"), None).await.0, 201);
    let before = audit_count(&app).await;
    let (s, e) = ex.send(Method::GET, &path, None).await;
    assert_eq!(s, 403, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("제척·회피·기피"), "{e}");
    let (s, _) = ex.send(Method::PUT, &path, Some(json!({"scores": all(5.0), "comment": null, "version": null}))).await;
    assert_eq!(s, 403);
    assert_eq!(ex.send(Method::GET, &of_p1, None).await.0, 403);
    assert_eq!(audit_count(&app).await, before);

    // 회피 takes the seat away: from then on that evaluator is refused too.
    let (s, r) = ev[2]
        .send(
            Method::POST,
            &format!("/api/v1/evaluation-rounds/{round}/conflicts"),
            Some(json!({"kind": "recusal", "task_id": 1, "reason": "자문 참여"})),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(ev[2].send(Method::GET, &path, None).await.0, 403);
    assert_eq!(
        ev[2].send(Method::PUT, &path, Some(json!({"scores": all(5.0), "comment": null, "version": null}))).await.0,
        403
    );

    // A bad sheet: a Korean 400 at each field, and nothing written.
    let before = audit_count(&app).await;
    let bad = json!({"scores": [{"code": "citizen_change", "score": 7, "comment": null}, {"code": "budget", "score": 1, "comment": null}], "comment": null, "version": null});
    let (s, e) = ev[1].send(Method::PUT, &path, Some(bad)).await;
    assert_eq!(s, 400, "{e}");
    assert_eq!(e["error"]["field"], "scores.citizen_change", "{e}");
    assert_eq!(e["error"]["message"], "'국민 체감 변화' 항목의 점수 7는 척도 밖입니다. 0~5점 사이로 주세요.");
    let (s, e) = ev[1]
        .send(
            Method::PUT,
            &path,
            Some(
                json!({"scores": [{"code": "budget", "score": 1, "comment": null}], "comment": null, "version": null}),
            ),
        )
        .await;
    assert_eq!(s, 400, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("평가표에 없는 항목 'budget'"), "{e}");
    assert_eq!(audit_count(&app).await, before);
    assert_eq!(ev[1].send(Method::GET, &path, None).await.1["status"], Value::Null, "no sheet was saved");

    // A task that is not the round's is not one to score either.
    assert_eq!(ev[0].send(Method::GET, &sheet_path(round, 30), None).await.0, 403);
    assert_eq!(
        ev[0]
            .send(
                Method::PUT,
                &sheet_path(round, 30),
                Some(json!({"scores": all(5.0), "comment": null, "version": null}))
            )
            .await
            .0,
        404
    );
}

/// Task 1 (환경부 takes part): totals 100, 80, 80, 60, 20 — five scores, so the single highest and
/// lowest go: (80 + 80 + 60) / 3 = 73.33; spread = √((32² + 12² + 12² + 8² + 48²) / 5) = √736 = 27.13,
/// above the 15-point rule, so flagged. Task 30 (개보위): 80, 80, 60, 60 submitted and one draft
/// left out — four scores, the plain mean 70, spread 10. S/A/B/C 20/40/30/10 over two tasks, cumulative
/// half up: ⌊0.4 + ½⌋ = 0 S, ⌊1.2 + ½⌋ = 1 → A, ⌊1.8 + ½⌋ = 2 → B: task 1 A, task 30 B; no S, so no
/// excellent task.
async fn closing_scoring_computes_the_result_and_each_role_reads_what_it_may_at_each_stage(b: crate::common::Backend) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let env = app.agency_id("환경부").await;
    let pipc = app.agency_id("개보위").await;
    let env_officer = app.token_for("env", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(env) }]).await;
    let pipc_officer = app.token_for("pipc", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(pipc) }]).await;
    let logins = ["p1", "p2", "p3", "p4", "p5"];
    for login in logins {
        evaluator(&app, login).await;
    }
    let (round, ev) = scoring_round(&app, &opc, &[1, 30], &logins).await;
    let results = format!("/api/v1/evaluation-rounds/{round}/results");
    let (s, e) = app.call(Method::GET, &results, Some(&opc), None).await;
    assert_eq!(s, 409, "no result before scoring closes: {e}");

    for (b, s) in ev.iter().zip([5.0, 4.0, 4.0, 3.0, 1.0]) {
        score(b, round, 1, s).await;
    }
    for (b, s) in ev.iter().take(4).zip([4.0, 4.0, 3.0, 3.0]) {
        score(b, round, 30, s).await;
    }
    let (s, w) = ev[4]
        .send(Method::PUT, &sheet_path(round, 30), Some(json!({"scores": all(1.0), "comment": null, "version": null})))
        .await;
    assert_eq!(s, 200, "a draft, never submitted: {w}");

    // Close: 채점 → 검토 computes and stores the result.
    let (s, e) = stage(&app, &opc, round, "review").await;
    assert_eq!(s, 200, "{e}");
    let (s, r) = app.call(Method::GET, &results, Some(&opc), None).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!((r["total"].as_i64(), r["provisional"].as_bool()), (Some(2), Some(true)), "{r}");
    let (t1, t30) = (&r["items"][0], &r["items"][1]);
    assert_eq!((t1["task_id"].as_i64(), t1["position"].as_i64()), (Some(1), Some(1)), "{r}");
    assert_eq!(t1["score"].as_f64(), Some(73.33));
    assert_eq!(
        (t1["n_scores"].as_i64(), t1["grade"].as_str(), t1["excellent"].as_bool()),
        (Some(5), Some("A"), Some(false))
    );
    assert!((t1["spread"].as_f64().unwrap() - 736f64.sqrt()).abs() < 0.01, "{t1}");
    assert_eq!(t1["disagreement"], true);
    assert_eq!(
        (t30["task_id"].as_i64(), t30["score"].as_f64(), t30["n_scores"].as_i64()),
        (Some(30), Some(70.0), Some(4))
    );
    assert_eq!((t30["grade"].as_str(), t30["disagreement"].as_bool()), (Some("B"), Some(false)));
    assert!((t30["spread"].as_f64().unwrap() - 10.0).abs() < 1e-9, "{t30}");
    assert_eq!(r["unscored"], 0);
    // Pages.
    let page = app.call(Method::GET, &format!("{results}?limit=1&offset=1"), Some(&opc), None).await.1;
    assert_eq!((page["items"].as_array().map(Vec::len), page["total"].as_i64()), (Some(1), Some(2)));
    assert_eq!(page["items"][0]["task_id"], 30);

    // After close OPC reads a sheet; another evaluator still does not; scoring is over for the draft.
    let p1 = ev[0].send(Method::GET, &sheet_path(round, 1), None).await.1["evaluator_id"].as_i64().unwrap();
    let of_p1 = format!("{}?evaluator_id={p1}", sheet_path(round, 1));
    let (s, sheet) = app.call(Method::GET, &of_p1, Some(&opc), None).await;
    assert_eq!((s, sheet["weighted_total"].as_f64()), (200, Some(100.0)), "{sheet}");
    assert_eq!(sheet["evidence"], Value::Null);
    assert_eq!(ev[1].send(Method::GET, &of_p1, None).await.0, 403);
    let draft = ev[4].send(Method::GET, &sheet_path(round, 30), None).await.1;
    let (s, e) = ev[4]
        .send(
            Method::PUT,
            &sheet_path(round, 30),
            Some(json!({"scores": all(2.0), "comment": null, "version": draft["version"]})),
        )
        .await;
    assert_eq!(s, 409, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("'검토' 단계라 채점할 수 없습니다"), "{e}");

    // In 검토 only OPC (and auditors) read the result.
    assert_eq!(app.call(Method::GET, &results, Some(&env_officer), None).await.0, 403);
    assert_eq!(ev[0].send(Method::GET, &results, None).await.0, 403);
    assert_eq!(app.call(Method::GET, &results, None, None).await.0, 404);

    // 이의신청: each agency its own tasks' provisional score and grade, never the spread.
    assert_eq!(stage(&app, &opc, round, "objections").await.0, 200);
    let (s, mine) = app.call(Method::GET, &results, Some(&env_officer), None).await;
    assert_eq!(s, 200, "{mine}");
    assert_eq!(mine["total"], 1);
    let item = &mine["items"][0];
    assert_eq!(
        (item["task_id"].as_i64(), item["score"].as_f64(), item["grade"].as_str()),
        (Some(1), Some(73.33), Some("A"))
    );
    assert_eq!(
        (item["spread"].clone(), item["position"].clone(), mine["icc1"].clone()),
        (Value::Null, Value::Null, Value::Null)
    );
    let theirs = app.call(Method::GET, &results, Some(&pipc_officer), None).await.1;
    assert_eq!((theirs["total"].as_i64(), theirs["items"][0]["task_id"].as_i64()), (Some(1), Some(30)), "{theirs}");
    assert_eq!(app.call(Method::GET, &results, None, None).await.0, 404);
    assert_eq!(ev[0].send(Method::GET, &results, None).await.0, 403);
    let (s, _) = app.call(Method::GET, &of_p1, Some(&env_officer), None).await;
    assert_eq!(s, 403, "an agency never reads an evaluator's scores");

    // 공개: everyone reads every task's score and grade, never the spread.
    for to in ["final", "published"] {
        let (s, e) = stage(&app, &opc, round, to).await;
        assert_eq!(s, 200, "{to}: {e}");
    }
    let (s, public) = app.call(Method::GET, &results, None, None).await;
    assert_eq!(s, 200, "{public}");
    assert_eq!((public["total"].as_i64(), public["provisional"].as_bool()), (Some(2), Some(false)));
    assert_eq!((public["items"][0]["grade"].as_str(), public["items"][0]["spread"].clone()), (Some("A"), Value::Null));
    assert!(!public.to_string().contains("p1 위원"));

    let log = app.call(Method::GET, "/api/v1/audit?limit=500", Some(&opc), None).await.1;
    let computed: Vec<&Value> =
        log["items"].as_array().unwrap().iter().filter(|e| e["action"] == "evaluation_result.compute").collect();
    assert_eq!(computed.len(), 1, "computed once, at close");
    let after = computed[0]["after"].as_str().unwrap();
    assert_eq!(hanteam_domain::audit::fields::unlabelled_fields("evaluation_result", after), Vec::<String>::new());
    assert!(after.contains("\"sheets\":9"), "five and four submitted sheets: {after}");
}

on_both_backends!(
    an_evaluator_saves_submits_and_cannot_edit_until_opc_reopens_with_a_reason,
    sheets_are_sealed_before_close_and_an_excluded_evaluator_neither_sees_nor_scores,
    closing_scoring_computes_the_result_and_each_role_reads_what_it_may_at_each_stage,
);
