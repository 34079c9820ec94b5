//! The audit page as an auditor reads it: Korean field labels and only the fields that changed,
//! actions by their Korean names, records and people by name, the raw JSON one click away. On
//! SQLite and on PostgreSQL.

use crate::common::{Backend, TestApp};
use hanteam_domain::access::Grant;
use hanteam_domain::audit::fields::unlabelled_fields;
use hanteam_domain::audit::AuditAction;
use reqwest::Method;
use serde_json::{json, Value};

/// The row of the audit table that holds `needle`.
fn row_with<'a>(html: &'a str, needle: &str) -> &'a str {
    let at = html.find(needle).unwrap_or_else(|| panic!("the page shows {needle}"));
    let start = html[..at].rfind("<tr").expect("inside a row");
    let end = at + html[at..].find("</tr>").expect("the row ends");
    &html[start..end]
}

/// What a row shows without opening its raw record.
fn outside_details(row: &str) -> String {
    let mut out = String::new();
    let mut rest = row;
    while let Some(open) = rest.find("<details") {
        out.push_str(&rest[..open]);
        let close = rest[open..].find("</details>").expect("details close") + open + "</details>".len();
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

async fn a_title_edit_reads_in_korean_with_the_task_and_the_person_by_name(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("opc", vec![Grant::OpcAdmin]).await;
    let browser = app.sign_in("opc").await;
    let (s, task) = browser.send(Method::GET, "/api/v1/tasks/1", None).await;
    assert_eq!(s, 200, "{task}");
    let old = task["title"].as_str().expect("title").to_string();
    let new = "용인 반도체 국가산단 용수 공급 (제목 수정)";
    let edit = json!({
        "title": new,
        "type": task["type"],
        "source": task["source"],
        "status": task["status"],
        "description": task["description"],
        "pair_id": task["pair_id"],
        "lead_agency_id": task["lead_agency"]["id"],
        "version": task["version"],
    });
    let (s, saved) = browser.send(Method::PUT, "/api/v1/tasks/1", Some(edit)).await;
    assert_eq!(s, 200, "{saved}");

    let page = browser.client.get(browser.url("/audit?record_type=task&record_id=1")).send().await.expect("audit");
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.expect("html");
    let row = row_with(&html, "과제 수정");
    let shown = outside_details(row);
    for wanted in ["과제명", old.as_str(), new, "과제 수정", "opc 담당자 (opc)", r#"href="/tasks/1""#, "과제 1 · "]
    {
        assert!(shown.contains(wanted), "the row shows {wanted}: {shown}");
    }
    for raw in [r#""title""#, "&#34;title&#34;", "task.update", "과제 내용", "과제 상태", "버전"] {
        assert!(!shown.contains(raw), "only the title changed, in Korean; not {raw}: {shown}");
    }
    let details = &row[row.find("<details").expect("the raw record is one click away")..];
    assert!(details.contains("&#34;title&#34;"), "{details}");
    assert!(details.contains("task.update"), "the code stays with the raw record");
}

async fn sign_ins_the_console_and_the_program_read_as_who_they_are(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("opc", vec![Grant::OpcAdmin]).await;
    let (client, token) = app.anonymous_browser().await;
    let r = client
        .post(format!("{}/sign-in", app.base))
        .form(&[("login", "opc"), ("password", "wrong-password-1"), ("csrf_token", &token)])
        .send()
        .await
        .expect("sign in");
    assert_eq!(r.status().as_u16(), 401);
    app.assign(app.user("eval", vec![Grant::Evaluator]).await, 1).await;
    let browser = app.sign_in("opc").await;
    let html = browser.client.get(browser.url("/audit")).send().await.expect("audit").text().await.expect("html");
    let failed = outside_details(row_with(&html, "로그인 실패"));
    assert!(failed.contains("입력한 아이디: opc"), "{failed}");
    assert!(failed.contains("실패 사유") && failed.contains("비밀번호가 맞지 않음"), "{failed}");
    let assigned = outside_details(row_with(&html, "평가위원 배정"));
    assert!(assigned.contains("명령줄 (서버 관리자, 운영체제 계정 test)"), "{assigned}");
    assert!(assigned.contains("eval 담당자 (eval)"), "the evaluator by name: {assigned}");
    let created = outside_details(row_with(&html, "계정 생성"));
    assert!(created.contains("한팀 시스템 (자동 처리)"), "{created}");
    assert!(created.contains(r#"href="/audit?record_type=user&#38;record_id="#), "{created}");
    let table = &html[html.find("<tbody").expect("a table")..];
    let shown = outside_details(table);
    for raw in ["cli:", "auth.sign_in", "user.create", "사용자 계정 2번", "evaluator.assign"] {
        assert!(!shown.contains(raw), "{raw} is shown only in the raw record");
    }
}

async fn every_field_and_action_the_log_holds_has_a_korean_name(b: Backend) {
    let app = TestApp::spawn(b).await;
    let token = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let opc = app.sign_in("opc").await;
    // Some of everything an administrator does: a task and its parts, the registry, accounts.
    let call = |method: Method, path: &str, body: Value| {
        let (app, token) = (&app, token.clone());
        let path = path.to_string();
        async move {
            let (s, out) = app.call(method, &path, Some(&token), Some(body)).await;
            assert!((200..300).contains(&s), "{path}: {s} {out}");
            out
        }
    };
    let task = call(Method::POST, "/api/v1/tasks", json!({"title": "감사기록 확인용 과제", "pair_id": 2})).await;
    let id = task["id"].as_i64().expect("id");
    call(
        Method::PUT,
        &format!("/api/v1/tasks/{id}"),
        json!({"title": "감사기록 확인용 과제 (고침)", "pair_id": 3, "version": 1}),
    )
    .await;
    let kpi = call(Method::POST, &format!("/api/v1/tasks/{id}/kpis"), json!({"name": "만족도", "unit": "%"})).await;
    let kpi_id = kpi["id"].as_i64().expect("kpi");
    let (s, _) = app.call(Method::DELETE, &format!("/api/v1/kpis/{kpi_id}?version=1"), Some(&token), None).await;
    assert_eq!(s, 204);
    let m =
        call(Method::POST, &format!("/api/v1/tasks/{id}/milestones"), json!({"title": "착수", "due": "2024-09-30"}))
            .await;
    let m_id = m["id"].as_i64().expect("milestone");
    call(
        Method::PUT,
        &format!("/api/v1/milestones/{m_id}"),
        json!({"title": "착수", "due": "2024-09-30", "done_on": "2024-09-01", "version": 1}),
    )
    .await;
    let agency = app.json("/api/v1/agencies/환경부", 200).await;
    let role = json!({"role": "용수 공급 협의", "version": agency["version"]});
    let _ =
        app.call(Method::PUT, &format!("/api/v1/tasks/{id}/agencies/{}", agency["id"]), Some(&token), Some(role)).await;
    call(Method::PUT, &format!("/api/v1/agencies/{}", agency["id"]), json!({"short_name": "환경부", "name": "환경부", "name_en": "Ministry of Environment", "version": agency["version"]}))
        .await;
    call(Method::POST, &format!("/api/v1/tasks/{id}/archive"), json!({"version": 2})).await;
    let user =
        call(Method::POST, "/api/v1/users", json!({"login": "kim", "display_name": "김담당", "roles": ["auditor"]}))
            .await;
    let user_id = user["user"]["id"].as_i64().or_else(|| user["id"].as_i64()).expect("user id");
    let reset = call(Method::POST, &format!("/api/v1/users/{user_id}/reset-password"), json!({"version": 1})).await;
    let version = reset["user"]["version"].as_i64().or_else(|| reset["version"].as_i64()).unwrap_or(2);
    call(Method::POST, &format!("/api/v1/users/{user_id}/disable"), json!({"version": version})).await;
    let (s, _) = opc.send(Method::POST, "/api/v1/tokens", Some(json!({"name": "집계", "rights": ["read"]}))).await;
    assert_eq!(s, 201);

    let (s, log) = app.call(Method::GET, "/api/v1/audit?limit=500", Some(&token), None).await;
    assert_eq!(s, 200, "{log}");
    let mut actions = std::collections::BTreeSet::new();
    for e in log["items"].as_array().expect("items") {
        let (action, record_type) = (e["action"].as_str().unwrap(), e["record_type"].as_str().unwrap());
        assert!(AuditAction::from_code(action).is_some(), "{action} has a Korean name");
        actions.insert(action.to_string());
        for side in ["before", "after"] {
            if let Some(json) = e[side].as_str() {
                assert_eq!(unlabelled_fields(record_type, json), Vec::<String>::new(), "{action} {side}: {json}");
            }
        }
    }
    assert!(actions.len() >= 12, "the tour wrote many kinds of entry: {actions:?}");
    let html = opc.client.get(opc.url("/audit?limit=100")).send().await.expect("audit").text().await.expect("html");
    let shown = outside_details(&html[html.find("<tbody").expect("a table")..]);
    for action in &actions {
        assert!(!shown.contains(&format!(">{action}<")), "{action} is shown by its Korean name");
    }
}

on_both_backends!(
    a_title_edit_reads_in_korean_with_the_task_and_the_person_by_name,
    sign_ins_the_console_and_the_program_read_as_who_they_are,
    every_field_and_action_the_log_holds_has_a_korean_name,
);
