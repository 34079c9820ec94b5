//! The task lifecycle through the real interfaces: the moves by the API and by the task page's
//! forms, who may make which, the history, what the public sees, and concurrent moves.
//! On SQLite and on PostgreSQL.

use crate::common::{Backend, TestApp};
use hanteam_domain::access::Grant;
use reqwest::Method;
use serde_json::{json, Value};

async fn post_move(app: &TestApp, token: &str, task: i64, body: Value) -> (u16, Value) {
    app.call(Method::POST, &format!("/api/v1/tasks/{task}/transitions"), Some(token), Some(body)).await
}

async fn version(app: &TestApp, token: &str, task: i64) -> i64 {
    app.call(Method::GET, &format!("/api/v1/tasks/{task}"), Some(token), None).await.1["version"].as_i64().unwrap()
}

/// A new task of pair 7 (농식품부↔식약처) with what tabling asks for: a KPI with a target and a due
/// date, and a dated milestone.
async fn new_task(app: &TestApp, token: &str, title: &str) -> i64 {
    let (s, created) =
        app.call(Method::POST, "/api/v1/tasks", Some(token), Some(json!({"title": title, "pair_id": 7}))).await;
    assert_eq!(s, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    let kpi = json!({"name": "처리 기간", "target": "30", "unit": "일", "due": "2026-12-31"});
    assert_eq!(app.call(Method::POST, &format!("/api/v1/tasks/{id}/kpis"), Some(token), Some(kpi)).await.0, 201);
    let ms = json!({"title": "공동 지침 마련", "due": "2026-06-30"});
    assert_eq!(app.call(Method::POST, &format!("/api/v1/tasks/{id}/milestones"), Some(token), Some(ms)).await.0, 201);
    id
}

async fn a_task_moves_only_as_the_lifecycle_allows_and_keeps_its_history(b: Backend) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let id = new_task(&app, &opc, "하천 점용허가 절차 통합").await;
    assert_eq!(app.get(&format!("/api/v1/tasks/{id}")).await.status().as_u16(), 404, "a proposal is not public");

    // The status is not a field of an edit any more.
    let v = version(&app, &opc, id).await;
    let edit = json!({"title": "하천 점용허가 절차 통합", "pair_id": 7, "status": "confirmed", "version": v});
    let (s, e) = app.call(Method::PUT, &format!("/api/v1/tasks/{id}"), Some(&opc), Some(edit)).await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("status")), "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("/transitions"), "{e}");

    // A move the status does not allow: 409, with what is possible now.
    let (s, e) = post_move(&app, &opc, id, json!({"action": "complete", "version": v})).await;
    assert_eq!((s, e["error"]["code"].as_str()), (409, Some("conflict")), "{e}");
    assert_eq!(
        e["error"]["message"],
        "'발굴' 상태의 과제는 '완료'할 수 없습니다. 지금 할 수 있는 작업: 상정(국무조정실 관리자)."
    );
    let (s, e) = post_move(&app, &opc, id, json!({"action": "approve", "version": v})).await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("action")), "{e}");

    app.move_task(&opc, id, &["table"]).await;
    assert_eq!(app.get(&format!("/api/v1/tasks/{id}")).await.status().as_u16(), 404, "tabled is not public yet");
    let v = version(&app, &opc, id).await;
    let (s, e) = post_move(&app, &opc, id, json!({"action": "return", "reason": " ", "version": v})).await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("reason")), "a return says why: {e}");
    let (s, moved) =
        post_move(&app, &opc, id, json!({"action": "return", "reason": "성과지표 보완 필요", "version": v})).await;
    assert_eq!(
        (s, moved["status"].as_str(), moved["version"].as_i64()),
        (200, Some("proposed"), Some(v + 1)),
        "{moved}"
    );

    let t = app.move_task(&opc, id, &["table", "confirm", "start", "hold", "resume", "complete"]).await;
    assert_eq!(t["status"], "completed");
    let v = version(&app, &opc, id).await;
    let (s, e) = post_move(&app, &opc, id, json!({"action": "resume", "version": v})).await;
    assert_eq!(s, 409);
    assert!(e["error"]["message"].as_str().unwrap().ends_with("더 이상 상태가 바뀌지 않습니다."), "{e}");

    let (_, history) = app.call(Method::GET, &format!("/api/v1/tasks/{id}/history"), Some(&opc), None).await;
    let actions: Vec<&str> = history.as_array().unwrap().iter().map(|m| m["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["table", "return", "table", "confirm", "start", "hold", "resume", "complete"]);
    assert_eq!(history[1]["reason"], "성과지표 보완 필요");
    assert_eq!((history[1]["from"].as_str(), history[1]["to"].as_str()), (Some("tabled"), Some("proposed")));
    assert_eq!(history[1]["by"], "opc 담당자", "by name");

    // The public sees the task now, and its moves from the confirmation on, made by OPC.
    let public = app.json(&format!("/api/v1/tasks/{id}/history"), 200).await;
    let public_actions: Vec<&str> = public.as_array().unwrap().iter().map(|m| m["action"].as_str().unwrap()).collect();
    assert_eq!(public_actions, ["confirm", "start", "hold", "resume", "complete"]);
    assert!(public.as_array().unwrap().iter().all(|m| m["by"] == "국무조정실"), "{public}");

    // Every move is in the audit log with its action and reason.
    let (_, log) =
        app.call(Method::GET, &format!("/api/v1/audit?record_type=task&record_id={id}"), Some(&opc), None).await;
    let moves: Vec<&Value> = log["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{log}"))
        .iter()
        .filter(|e| e["action"] == "task.transition")
        .collect();
    assert_eq!(moves.len(), 8, "{log}");
    assert!(moves.iter().any(|e| e["after"].as_str().is_some_and(|a| a.contains("성과지표 보완 필요"))), "{log}");
}

async fn the_built_in_tasks_history_opens_with_the_first_councils_confirmation(b: Backend) {
    let app = TestApp::spawn(b).await;
    let history = app.json("/api/v1/tasks/1/history", 200).await;
    assert_eq!(history.as_array().unwrap().len(), 1, "{history}");
    assert_eq!(history[0]["action"], "confirm");
    assert_eq!(history[0]["by"], "제1차 협업과제점검협의회");
    assert!(history[0]["meeting_id"].as_i64().is_some(), "{history}");
    let html = app.html("/tasks/1", 200).await;
    assert!(html.contains("상태 변경 이력"), "the page shows the history");
    assert!(!html.contains("id=\"h-moves\""), "the public may make no move");
}

async fn an_officer_may_start_a_task_of_its_agency_and_nothing_else(b: Backend) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let mafra = app.agency_id("농식품부").await;
    let mofa = app.agency_id("외교부").await;
    let officer =
        app.token_for("mafra", vec![Grant::AgencyOfficer { agency_id: hanteam_domain::AgencyId::new(mafra) }]).await;
    let outsider =
        app.token_for("mofa", vec![Grant::AgencyOfficer { agency_id: hanteam_domain::AgencyId::new(mofa) }]).await;
    let id = new_task(&app, &opc, "건설폐기물 재활용 기준 정비").await;
    app.move_task(&opc, id, &["table", "confirm"]).await;

    let v = version(&app, &opc, id).await;
    let (s, e) = post_move(&app, &officer, id, json!({"action": "drop", "reason": "필요 없음", "version": v})).await;
    assert_eq!(s, 403, "{e}");
    assert!(
        e["error"]["message"].as_str().unwrap().starts_with("'중단' 작업은 국무조정실 관리자만 할 수 있습니다."),
        "{e}"
    );
    let (s, _) = post_move(&app, &outsider, id, json!({"action": "start", "version": v})).await;
    assert_eq!(s, 403, "an agency that does not take part may not start it");
    let (s, moved) = post_move(&app, &officer, id, json!({"action": "start", "version": v})).await;
    assert_eq!((s, moved["status"].as_str()), (200, Some("in_progress")), "{moved}");
    let (s, _) = post_move(&app, &officer, id, json!({"action": "start", "version": v + 1})).await;
    assert_eq!(s, 409, "started already");
}

async fn a_move_from_a_stale_version_writes_nothing_and_of_two_at_once_one_wins(b: Backend) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let other = app.token_for("opc2", vec![Grant::OpcAdmin]).await;
    let id = new_task(&app, &opc, "공동 점검 체계 구축").await;
    app.move_task(&opc, id, &["table"]).await;
    let v = version(&app, &opc, id).await;
    let (s, e) = post_move(&app, &opc, id, json!({"action": "confirm", "version": v - 1})).await;
    assert_eq!(
        (s, e["error"]["code"].as_str(), e["error"]["current_version"].as_i64()),
        (409, Some("stale_version"), Some(v))
    );

    let confirm = post_move(&app, &opc, id, json!({"action": "confirm", "version": v}));
    let ret = post_move(&app, &other, id, json!({"action": "return", "reason": "보완", "version": v}));
    let ((s1, a), (s2, c)) = tokio::join!(confirm, ret);
    let mut statuses = [s1, s2];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{a} {c}");
    let (_, history) = app.call(Method::GET, &format!("/api/v1/tasks/{id}/history"), Some(&opc), None).await;
    assert_eq!(history.as_array().unwrap().len(), 2, "one move of the two: {history}");
}

async fn the_task_page_moves_a_task_after_a_confirmation_with_the_reason(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("opc-staff", vec![Grant::OpcAdmin]).await;
    let admin = app.sign_in("opc-staff").await;
    let html = admin.client.get(admin.url("/tasks/3")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("id=\"h-moves\""), "{html}");
    for action in ["/tasks/3/transitions/start", "/tasks/3/transitions/drop"] {
        assert!(html.contains(action), "{action}");
    }
    assert!(!html.contains("/tasks/3/transitions/complete"), "a confirmed task is not completed before it starts");
    assert!(!html.contains("name=\"status\""), "the status is not in a form");
    let edit = admin.client.get(admin.url("/tasks/3/edit")).send().await.unwrap().text().await.unwrap();
    assert!(!edit.contains("name=\"status\""), "nor in the edit form");

    let form = admin.client.get(admin.url("/tasks/3/transitions/drop")).send().await.unwrap();
    assert_eq!(form.status().as_u16(), 200);
    let form = form.text().await.unwrap();
    assert!(form.contains("과제 중단") && form.contains("name=\"reason\""), "{form}");
    let version = crate::common::hidden_field(&form, "version").unwrap();
    let r = admin.post_form("/tasks/3/transitions", &[("action", "drop"), ("reason", ""), ("version", &version)]).await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().await.unwrap().contains("하는 까닭을 적어 주세요"));
    let r = admin
        .post_form(
            "/tasks/3/transitions",
            &[("action", "drop"), ("reason", "관계기관 협의로 대체"), ("version", &version)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let page = admin.client.get(admin.url("/tasks/3")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("관계기관 협의로 대체") && page.contains("확정 → 중단"), "{page}");

    let r = admin.client.get(admin.url("/tasks/3/transitions/resume")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 409, "a dropped task does not move");
    let r = admin.client.get(admin.url("/tasks/3/transitions/approve")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
}

on_both_backends!(
    a_task_moves_only_as_the_lifecycle_allows_and_keeps_its_history,
    the_built_in_tasks_history_opens_with_the_first_councils_confirmation,
    an_officer_may_start_a_task_of_its_agency_and_nothing_else,
    a_move_from_a_stale_version_writes_nothing_and_of_two_at_once_one_wins,
    the_task_page_moves_a_task_after_a_confirmation_with_the_reason,
);
