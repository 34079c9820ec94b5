//! Evaluation rounds and panels through the API, on both databases: a round's create, edit and
//! stage moves with their refusals and the rubric frozen from 채점; 제척 by affiliation keeps an
//! evaluator off a task and out of it; the pledge comes before any task; the assignment fills every
//! task with N, keeps M and the share, and an impossible one says why and writes nothing; 회피 and
//! 기피 are declared and decided.

use chrono::{Duration, NaiveDate, Utc};
use hanteam_domain::access::Grant;
use hanteam_domain::audit::AuditAction;
use hanteam_domain::edit::AffiliationDraft;
use hanteam_domain::{AgencyId, UserId};
use hanteam_store::accounts::NewUser;
use hanteam_store::audit::{Actor, Change};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{Backend, TestApp, TEST_PASSWORD};

fn day(offset: i64) -> String {
    (Utc::now().date_naive() + Duration::days(offset)).to_string()
}

/// A round whose objection period runs from yesterday to 5 days from now.
fn round_body(name: &str, tasks: Option<Vec<i64>>) -> Value {
    let mut b = json!({
        "name": name,
        "setup_on": day(-30), "assignment_on": day(-20), "scoring_on": day(-10), "review_on": day(-5),
        "objections_on": day(-1), "final_on": day(6), "published_on": day(10),
    });
    if let Some(t) = tasks {
        b["task_ids"] = json!(t);
    }
    b
}

/// An evaluator account, private expert or not.
async fn evaluator(app: &TestApp, login: &str, private: bool) -> UserId {
    let user = NewUser {
        login: login.into(),
        display_name: format!("{login} 위원"),
        password_hash: hanteam_app::secrets::hash_password(TEST_PASSWORD).expect("hash"),
        must_change_password: false,
        is_private_expert: private,
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

async fn affiliate(app: &TestApp, user: UserId, organization: &str, from: NaiveDate, to: Option<NaiveDate>) {
    let mut tx = app.db.begin().await.expect("begin");
    let d = AffiliationDraft { organization: organization.into(), title: None, from: Some(from), to };
    tx.insert_affiliation(user, &d).await.expect("affiliation");
    tx.commit().await.expect("commit");
}

async fn create(app: &TestApp, token: &str, body: Value) -> i64 {
    let (s, r) = app.call(Method::POST, "/api/v1/evaluation-rounds", Some(token), Some(body)).await;
    assert_eq!(s, 201, "{r}");
    r["id"].as_i64().unwrap()
}

async fn stage(app: &TestApp, token: &str, round: i64, to: &str) -> (u16, Value) {
    let version = app.call(Method::GET, &format!("/api/v1/evaluation-rounds/{round}"), Some(token), None).await.1
        ["version"]
        .clone();
    app.call(
        Method::POST,
        &format!("/api/v1/evaluation-rounds/{round}/stage"),
        Some(token),
        Some(json!({"to": to, "version": version})),
    )
    .await
}

async fn audit_count(app: &TestApp) -> usize {
    let log = app.db.list_audit(&hanteam_domain::AuditFilter { limit: 500, ..Default::default() }).await.unwrap();
    log.items.iter().filter(|r| !r.entry.action.starts_with("auth.")).count()
}

async fn a_round_is_created_edited_and_moved_through_its_stages_with_refusals(b: Backend) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let env = app.agency_id("환경부").await;
    let officer = app.token_for("env", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(env) }]).await;
    let reader = app.token_for("ev", vec![Grant::Evaluator]).await;

    // Bad input: nothing written, each field named.
    let before = audit_count(&app).await;
    let mut bad = round_body("", None);
    bad["scoring_on"] = json!(day(-25));
    let (s, e) = app.call(Method::POST, "/api/v1/evaluation-rounds", Some(&opc), Some(bad)).await;
    assert_eq!(s, 400, "{e}");
    assert_eq!(e["error"]["field"], "name", "{e}");
    let (s, e) = app
        .call(Method::POST, "/api/v1/evaluation-rounds", Some(&opc), Some(round_body("x", Some(vec![999_999]))))
        .await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("task_ids")), "{e}");
    assert_eq!(audit_count(&app).await, before);
    let (s, _) = app.call(Method::POST, "/api/v1/evaluation-rounds", Some(&officer), Some(round_body("x", None))).await;
    assert_eq!(s, 403);

    // The defaults: every active task, the 기본안 rubric, N = 3, 2/3, 3 years.
    let round = create(&app, &opc, round_body("2024년 협업과제 평가", None)).await;
    let r = app.call(Method::GET, &format!("/api/v1/evaluation-rounds/{round}"), Some(&opc), None).await.1;
    assert_eq!(r["stage"], "setup");
    let active = app.json("/api/v1/tasks?limit=500", 200).await["total"].as_i64().unwrap();
    assert_eq!(r["task_count"].as_i64(), Some(active), "{r}");
    assert_eq!(r["settings"]["rubric"]["criteria"][0]["code"], "citizen_change");
    assert_eq!(r["settings"]["panel"]["evaluators_per_task"], 3);
    assert_eq!(r["settings"]["panel"]["private_share"], json!({"num": 2, "den": 3}));
    assert_eq!(r["settings"]["panel"]["lookback_years"], 3);
    assert_eq!(r["rubric_editable"], true);

    // In 준비 only OPC and auditors see it.
    let path = format!("/api/v1/evaluation-rounds/{round}");
    assert_eq!(app.call(Method::GET, &path, Some(&reader), None).await.0, 404);
    assert_eq!(app.call(Method::GET, &path, None, None).await.0, 404);
    assert_eq!(app.json("/api/v1/evaluation-rounds", 200).await["total"], 0, "the public sees no round");

    // Edits: the preset replaces the rubric; a stale version is 409 and changes nothing.
    let (s, e) = app
        .call(Method::PUT, &path, Some(&opc), Some(json!({"name": "옛 이름", "setup_on": day(-30), "version": 9})))
        .await;
    assert_eq!(s, 400, "the dates are all needed: {e}");
    let mut edit = round_body("2024년 협업과제 평가(수정)", None);
    edit["rubric_preset"] = json!("main_policy_2024");
    edit["version"] = json!(9);
    assert_eq!(app.call(Method::PUT, &path, Some(&opc), Some(edit.clone())).await.0, 409);
    edit["version"] = json!(1);
    let (s, w) = app.call(Method::PUT, &path, Some(&opc), Some(edit.clone())).await;
    assert_eq!(s, 200, "{w}");
    let r = app.call(Method::GET, &path, Some(&opc), None).await.1;
    assert_eq!(r["settings"]["rubric"]["criteria"][0]["code"], "policy_effect");
    assert_eq!(r["settings"]["rubric"]["source"].as_str().map(|s| s.contains("2024년도 정부업무평가")), Some(true));

    // Stages: one at a time, with the reason when refused.
    let (s, e) = stage(&app, &opc, round, "scoring").await;
    assert_eq!(s, 409, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("다음 단계는 '배정'"), "{e}");
    let (s, e) = stage(&app, &opc, round, "assignment").await;
    assert_eq!(s, 200, "{e}");
    assert_eq!(app.call(Method::GET, &path, Some(&reader), None).await.0, 200, "evaluators read it from 배정");
    assert_eq!(app.call(Method::GET, &path, None, None).await.0, 404, "the public not before 공개");
    let (s, e) = app
        .call(Method::POST, &format!("{path}/stage"), Some(&opc), Some(json!({"to": "scoring", "version": 1})))
        .await;
    assert_eq!(s, 409, "a stale version: {e}");
    assert_eq!(stage(&app, &opc, round, "scoring").await.0, 200);

    // The rubric is frozen from 채점; the rest still changes.
    let version = app.call(Method::GET, &path, Some(&opc), None).await.1["version"].clone();
    let mut frozen = round_body("2024년 협업과제 평가", None);
    frozen["rubric_preset"] = json!("citizen_change");
    frozen["version"] = version.clone();
    let (s, e) = app.call(Method::PUT, &path, Some(&opc), Some(frozen)).await;
    assert_eq!(s, 409, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("평가표가 고정"), "{e}");
    let mut rename = round_body("2024년 협업과제 평가", None);
    rename["version"] = version;
    assert_eq!(app.call(Method::PUT, &path, Some(&opc), Some(rename)).await.0, 200);
    let r = app.call(Method::GET, &path, Some(&opc), None).await.1;
    assert_eq!((r["name"].as_str(), r["rubric_editable"].as_bool()), (Some("2024년 협업과제 평가"), Some(false)));
    assert_eq!(r["settings"]["rubric"]["criteria"][0]["code"], "policy_effect", "unchanged");

    // Back from 검토 to 채점 is allowed; leaving 이의신청 waits for its period to end.
    for to in ["review", "scoring", "review", "objections"] {
        let (s, e) = stage(&app, &opc, round, to).await;
        assert_eq!(s, 200, "{to}: {e}");
    }
    let (s, e) = stage(&app, &opc, round, "final").await;
    assert_eq!(s, 409, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("이의신청 기간이"), "{e}");
    assert_eq!(app.call(Method::GET, &path, Some(&opc), None).await.1["stage"], "objections");
    let (s, _) = stage(&app, &officer, round, "final").await;
    assert_eq!(s, 403, "only OPC moves a round");
}

/// Two private experts besides the one excluded: 제척 keeps `excluded` off task 1 (환경부 takes
/// part) and it never sees that task.
async fn exclusion_by_affiliation_keeps_an_evaluator_off_a_task_and_out_of_it(b: Backend) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let excluded = evaluator(&app, "ex", true).await;
    let today = Utc::now().date_naive();
    affiliate(&app, excluded, "환경부 기후탄소정책실", today - Duration::days(2000), Some(today - Duration::days(400)))
        .await;
    // Long ago: outside the 3-year look-back.
    let old = evaluator(&app, "old", true).await;
    affiliate(&app, old, "환경부", today - Duration::days(5000), Some(today - Duration::days(3000))).await;
    for login in ["p1", "p2"] {
        evaluator(&app, login, true).await;
    }
    let mut body = round_body("제척 확인", Some(vec![1, 30]));
    body["evaluators_per_task"] = json!(3);
    body["tasks_per_evaluator"] = json!(2);
    let round = create(&app, &opc, body).await;
    assert_eq!(stage(&app, &opc, round, "assignment").await.0, 200);
    let (s, a) = app
        .call(Method::POST, &format!("/api/v1/evaluation-rounds/{round}/assignment"), Some(&opc), Some(json!({})))
        .await;
    assert_eq!(s, 200, "{a}");
    assert_eq!(a["confirmed"], true);
    let panels = app.call(Method::GET, &format!("/api/v1/evaluation-rounds/{round}/panels"), Some(&opc), None).await.1;
    let task1 = panels["items"].as_array().unwrap().iter().find(|t| t["task"]["id"] == 1).expect("task 1").clone();
    let members: Vec<i64> =
        task1["members"].as_array().unwrap().iter().map(|m| m["evaluator_id"].as_i64().unwrap()).collect();
    assert_eq!(members.len(), 3, "{task1}");
    assert!(!members.contains(&excluded.get()), "the excluded evaluator is not on task 1: {task1}");
    assert!(members.contains(&old.get()), "a stint beyond the look-back does not exclude");
    let why = &task1["exclusions"][0];
    assert_eq!(
        (why["evaluator_id"].as_i64(), why["kind"].as_str()),
        (Some(excluded.get()), Some("exclusion")),
        "{task1}"
    );
    assert!(why["reason"].as_str().unwrap().contains("환경부 기후탄소정책실 재직"), "{why}");
    assert!(why["reason"].as_str().unwrap().contains("3년 이내"), "{why}");
    assert_eq!(task1["complete"], true);

    // The excluded evaluator signs and sees task 30 only; task 1 stays out of reach.
    let ex = app.sign_in("ex").await;
    let mine = format!("/api/v1/evaluation-rounds/{round}/my-tasks");
    assert_eq!(ex.send(Method::POST, &format!("/api/v1/evaluation-rounds/{round}/pledge"), None).await.0, 201);
    let (s, list) = ex.send(Method::GET, &mine, None).await;
    assert_eq!(s, 200, "{list}");
    let ids: Vec<i64> = list["tasks"].as_array().unwrap().iter().map(|t| t["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![30]);
    assert_eq!(ex.send(Method::GET, "/api/v1/tasks/1", None).await.0, 404);
    assert_eq!(ex.send(Method::GET, "/api/v1/tasks/30", None).await.0, 200);
    // Never the other members' names.
    for other in ["p1 위원", "p2 위원", "old 위원"] {
        assert!(!list.to_string().contains(other), "{list}");
    }
}

async fn the_pledge_comes_before_any_task_of_the_round(b: Backend) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    for login in ["p1", "p2", "p3"] {
        evaluator(&app, login, true).await;
    }
    let round = create(&app, &opc, round_body("서약 확인", Some(vec![2]))).await;
    let p1 = app.sign_in("p1").await;
    let pledge = format!("/api/v1/evaluation-rounds/{round}/pledge");
    assert_eq!(p1.send(Method::POST, &pledge, None).await.0, 404, "not before the round leaves 준비");
    assert_eq!(stage(&app, &opc, round, "assignment").await.0, 200);
    let (s, a) = app
        .call(Method::POST, &format!("/api/v1/evaluation-rounds/{round}/assignment"), Some(&opc), Some(json!({})))
        .await;
    assert_eq!(s, 200, "{a}");
    let mine = format!("/api/v1/evaluation-rounds/{round}/my-tasks");
    let (s, before) = p1.send(Method::GET, &mine, None).await;
    assert_eq!(s, 200, "{before}");
    assert_eq!((before["pledged"].as_bool(), before["tasks"].as_array().map(Vec::len)), (Some(false), Some(0)));
    assert!(before["pledge_text"][0].as_str().unwrap().contains("서약합니다"), "{before}");
    assert_eq!(p1.send(Method::GET, "/api/v1/tasks/2", None).await.0, 404, "assigned, but not yet pledged");
    let (s, signed) = p1.send(Method::POST, &pledge, None).await;
    assert_eq!(s, 201, "{signed}");
    let (s, again) = p1.send(Method::POST, &pledge, None).await;
    assert_eq!(s, 409, "{again}");
    let after = p1.send(Method::GET, &mine, None).await.1;
    assert_eq!(after["pledged"], true);
    assert_eq!(after["tasks"][0]["id"], 2, "{after}");
    assert_eq!(p1.send(Method::GET, "/api/v1/tasks/2", None).await.0, 200);
    let (s, _) = app.call(Method::GET, &mine, Some(&opc), None).await;
    assert_eq!(s, 403, "my-tasks is an evaluator's");
}

async fn the_assignment_fills_every_task_keeps_m_and_the_share_and_an_impossible_one_writes_nothing(b: Backend) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let mut private = std::collections::HashSet::new();
    for login in ["p1", "p2", "p3", "p4"] {
        private.insert(evaluator(&app, login, true).await.get());
    }
    for login in ["g1", "g2"] {
        evaluator(&app, login, false).await;
    }
    let mut body = round_body("배정 확인", Some(vec![1, 2, 3, 4, 5, 6]));
    body["tasks_per_evaluator"] = json!(4);
    let round = create(&app, &opc, body).await;
    let assignment = format!("/api/v1/evaluation-rounds/{round}/assignment");
    let panels = format!("/api/v1/evaluation-rounds/{round}/panels");

    let (s, dry) = app.call(Method::POST, &assignment, Some(&opc), Some(json!({"dry_run": true}))).await;
    assert_eq!(s, 200, "{dry}");
    assert_eq!((dry["confirmed"].as_bool(), dry["panels_total"].as_i64()), (Some(false), Some(6)));
    assert_eq!(app.call(Method::GET, &panels, Some(&opc), None).await.1["seats"], 0, "a dry run writes nothing");

    let (s, a) = app.call(Method::POST, &assignment, Some(&opc), Some(json!({"dry_run": false}))).await;
    assert_eq!(s, 200, "{a}");
    assert_eq!(a["seats"], 18);
    assert!(a["max_load"].as_u64().unwrap() <= 4, "{a}");
    assert_eq!(a["max_load"], 3, "18 seats over 6 evaluators, levelled");
    let p = app.call(Method::GET, &panels, Some(&opc), None).await.1;
    assert_eq!(p["seats"], 18);
    let mut load: std::collections::HashMap<i64, u32> = Default::default();
    for t in p["items"].as_array().unwrap() {
        let members = t["members"].as_array().unwrap();
        assert_eq!(members.len(), 3, "{t}");
        let n_private = members.iter().filter(|m| private.contains(&m["evaluator_id"].as_i64().unwrap())).count();
        assert!(n_private >= 2, "two thirds private: {t}");
        assert_eq!(t["private_count"].as_u64(), Some(n_private as u64));
        assert_eq!(t["complete"], true, "{t}");
        for m in members {
            *load.entry(m["evaluator_id"].as_i64().unwrap()).or_default() += 1;
        }
    }
    assert!(load.values().all(|l| *l <= 4), "{load:?}");

    // N = 7 with six evaluators: impossible, said per task, nothing written.
    let r = app.call(Method::GET, &format!("/api/v1/evaluation-rounds/{round}"), Some(&opc), None).await.1;
    let mut edit = round_body("배정 확인", None);
    edit["evaluators_per_task"] = json!(7);
    edit["version"] = r["version"].clone();
    assert_eq!(
        app.call(Method::PUT, &format!("/api/v1/evaluation-rounds/{round}"), Some(&opc), Some(edit)).await.0,
        200
    );
    let before = audit_count(&app).await;
    let (s, e) = app.call(Method::POST, &assignment, Some(&opc), Some(json!({}))).await;
    assert_eq!(s, 409, "{e}");
    let msg = e["error"]["message"].as_str().unwrap();
    assert!(msg.contains("과제 1: 제척·회피·기피 후 적격 평가위원 6명, 최소 7명 필요"), "{msg}");
    assert!(msg.contains("아무것도 저장하지 않았습니다"), "{msg}");
    assert_eq!(audit_count(&app).await, before);
    let p = app.call(Method::GET, &panels, Some(&opc), None).await.1;
    assert_eq!(p["seats"], 18, "the confirmed panels stay");
    assert_eq!(p["items"][0]["complete"], false, "three of seven now: {}", p["items"][0]);
}

async fn recusal_and_challenge_are_declared_and_decided(b: Backend) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let env = app.agency_id("환경부").await;
    let officer = app.token_for("env", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(env) }]).await;
    let mut ids = Vec::new();
    for login in ["p1", "p2", "p3", "p4", "p5"] {
        ids.push(evaluator(&app, login, true).await);
    }
    let round = create(&app, &opc, round_body("이해충돌 확인", Some(vec![1, 30]))).await;
    assert_eq!(stage(&app, &opc, round, "assignment").await.0, 200);
    let (s, a) = app
        .call(Method::POST, &format!("/api/v1/evaluation-rounds/{round}/assignment"), Some(&opc), Some(json!({})))
        .await;
    assert_eq!(s, 200, "{a}");
    let panels = format!("/api/v1/evaluation-rounds/{round}/panels");
    let conflicts = format!("/api/v1/evaluation-rounds/{round}/conflicts");
    let members_of = |p: &Value, task: i64| -> Vec<i64> {
        p["items"].as_array().unwrap().iter().find(|t| t["task"]["id"] == task).unwrap()["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["evaluator_id"].as_i64().unwrap())
            .collect()
    };
    let p = app.call(Method::GET, &panels, Some(&opc), None).await.1;
    let on1 = members_of(&p, 1);
    let login = |id: i64| format!("p{}", ids.iter().position(|u| u.get() == id).unwrap() + 1);

    // 회피: the evaluator leaves task 1's panel at once, with its reason shown to OPC.
    let recusing = app.sign_in(&login(on1[0])).await;
    let (s, e) = recusing.send(Method::POST, &conflicts, Some(json!({"kind": "recusal", "task_id": 1}))).await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("reason")), "{e}");
    let (s, r) = recusing
        .send(Method::POST, &conflicts, Some(json!({"kind": "recusal", "task_id": 1, "reason": "과제 자문에 참여함"})))
        .await;
    assert_eq!(s, 201, "{r}");
    let (s, _) =
        recusing.send(Method::POST, &conflicts, Some(json!({"kind": "recusal", "task_id": 1, "reason": "다시"}))).await;
    assert_eq!(s, 409, "once");
    let p = app.call(Method::GET, &panels, Some(&opc), None).await.1;
    assert!(!members_of(&p, 1).contains(&on1[0]));
    let t1 = p["items"].as_array().unwrap().iter().find(|t| t["task"]["id"] == 1).unwrap().clone();
    assert!(
        t1["exclusions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["kind"] == "recusal" && x["reason"].as_str().unwrap().contains("과제 자문에 참여함")),
        "{t1}"
    );
    assert_eq!(t1["complete"], false, "two of three until OPC reassigns");

    // 기피: by 환경부's officer on task 1 (not on task 30, which 환경부 is not part of).
    let challenge = |evaluator: i64, task: i64| json!({"kind": "challenge", "task_id": task, "evaluator_id": evaluator, "reason": "해당 위원이 경쟁 사업 수행"});
    let (s, _) = app.call(Method::POST, &conflicts, Some(&officer), Some(challenge(on1[1], 30))).await;
    assert_eq!(s, 403);
    let (s, _) = recusing.send(Method::POST, &conflicts, Some(challenge(on1[1], 1))).await;
    assert_eq!(s, 403, "an evaluator does not raise 기피");
    let (s, rejected) = app.call(Method::POST, &conflicts, Some(&officer), Some(challenge(on1[1], 1))).await;
    assert_eq!(s, 201, "{rejected}");
    let (s, upheld) = app.call(Method::POST, &conflicts, Some(&officer), Some(challenge(on1[2], 1))).await;
    assert_eq!(s, 201, "{upheld}");
    let p = app.call(Method::GET, &panels, Some(&opc), None).await.1;
    let pending: Vec<&Value> = p["conflicts"].as_array().unwrap().iter().filter(|c| c["status"] == "pending").collect();
    assert_eq!(pending.len(), 2, "{p}");
    assert_eq!(pending[0]["by_agency"], "환경부");
    assert_eq!(members_of(&p, 1).len(), 2, "a pending 기피 leaves the panel as it is until decided");

    let decide = |id: &Value| format!("/api/v1/evaluation-conflicts/{}/decision", id["id"]);
    let (s, _) = app
        .call(
            Method::POST,
            &decide(&rejected),
            Some(&officer),
            Some(json!({"decision": "rejected", "reason": "r", "version": 1})),
        )
        .await;
    assert_eq!(s, 403, "OPC decides");
    let (s, e) = app
        .call(Method::POST, &decide(&rejected), Some(&opc), Some(json!({"decision": "rejected", "version": 1})))
        .await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("reason")), "{e}");
    let (s, d) = app
        .call(
            Method::POST,
            &decide(&rejected),
            Some(&opc),
            Some(json!({"decision": "rejected", "reason": "소명 자료상 이해관계 없음", "version": 1})),
        )
        .await;
    assert_eq!(s, 200, "{d}");
    let (s, _) = app
        .call(
            Method::POST,
            &decide(&rejected),
            Some(&opc),
            Some(json!({"decision": "upheld", "reason": "r", "version": 2})),
        )
        .await;
    assert_eq!(s, 409, "decided once");
    let (s, d) = app
        .call(
            Method::POST,
            &decide(&upheld),
            Some(&opc),
            Some(json!({"decision": "upheld", "reason": "경쟁 사업 수행 확인", "version": 1})),
        )
        .await;
    assert_eq!(s, 200, "{d}");
    let p = app.call(Method::GET, &panels, Some(&opc), None).await.1;
    let on1_now = members_of(&p, 1);
    assert!(on1_now.contains(&on1[1]) && !on1_now.contains(&on1[2]), "rejected stays, upheld leaves: {on1_now:?}");
    let statuses: Vec<&str> =
        p["conflicts"].as_array().unwrap().iter().map(|c| c["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, vec!["accepted", "rejected", "upheld"]);

    // A new run fills task 1 again without the recused and the upheld.
    let (s, a) = app
        .call(Method::POST, &format!("/api/v1/evaluation-rounds/{round}/assignment"), Some(&opc), Some(json!({})))
        .await;
    assert_eq!(s, 200, "{a}");
    let p = app.call(Method::GET, &panels, Some(&opc), None).await.1;
    let on1_now = members_of(&p, 1);
    assert_eq!(on1_now.len(), 3);
    assert!(!on1_now.contains(&on1[0]) && !on1_now.contains(&on1[2]), "{on1_now:?}");

    // Every change is in the audit log with its Korean name and labelled fields.
    let log = app.call(Method::GET, "/api/v1/audit?limit=500", Some(&opc), None).await.1;
    let actions: Vec<&str> = log["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for a in [
        "evaluation_round.create",
        "evaluation_round.stage",
        "evaluation_panel.confirm",
        "evaluation_conflict.recusal",
        "evaluation_conflict.challenge",
        "evaluation_conflict.decide",
    ] {
        assert!(actions.contains(&a), "{a}: {actions:?}");
    }
    for e in log["items"].as_array().unwrap() {
        for side in ["before", "after"] {
            if let Some(json) = e[side].as_str() {
                let rt = e["record_type"].as_str().unwrap();
                assert_eq!(
                    hanteam_domain::audit::fields::unlabelled_fields(rt, json),
                    Vec::<String>::new(),
                    "{rt} {json}"
                );
            }
        }
    }
}

on_both_backends!(
    a_round_is_created_edited_and_moved_through_its_stages_with_refusals,
    exclusion_by_affiliation_keeps_an_evaluator_off_a_task_and_out_of_it,
    the_pledge_comes_before_any_task_of_the_round,
    the_assignment_fills_every_task_keeps_m_and_the_share_and_an_impossible_one_writes_nothing,
    recusal_and_challenge_are_declared_and_decided,
);
