//! The first writes over real HTTP with API tokens: every change version-checked, validated,
//! authorized per record, and recorded in the audit log. On SQLite and on PostgreSQL.

use crate::common::{Backend, TestApp};
use hanteam_domain::access::Grant;
use reqwest::Method;
use serde_json::{json, Value};

async fn admin(app: &TestApp) -> String {
    app.token_for("opc", vec![Grant::OpcAdmin]).await
}

async fn audit(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let (s, body) = app.call(Method::GET, &format!("/api/v1/audit?{query}"), Some(token), None).await;
    assert_eq!(s, 200, "{body}");
    body["items"].as_array().unwrap().clone()
}

async fn opc_creates_edits_and_archives_a_task_and_each_change_is_audited(b: Backend) {
    let app = TestApp::spawn(b).await;
    let t = admin(&app).await;
    let pair7 = app.json("/api/v1/exchange-pairs", 200).await["items"][6]["id"].clone();
    let (s, created) = app
        .call(
            Method::POST,
            "/api/v1/tasks",
            Some(&t),
            Some(json!({"title": "달걀 유통 이력 공동 점검", "pair_id": pair7})),
        )
        .await;
    assert_eq!(s, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    let task = app.json(&format!("/api/v1/tasks/{id}"), 404).await;
    assert_eq!(task["error"]["code"], "not_found", "a new task is proposed, not yet public");
    let (_, task) = app.call(Method::GET, &format!("/api/v1/tasks/{id}"), Some(&t), None).await;
    assert_eq!(task["status"], "proposed");
    assert_eq!(task["seq"], 42);
    let agencies: Vec<&str> =
        task["agencies"].as_array().unwrap().iter().map(|a| a["short_name"].as_str().unwrap()).collect();
    assert_eq!(agencies, vec!["농식품부", "식약처"], "a pair's task gets both agencies");

    let edit = json!({"title": "달걀 유통 이력 공동 점검", "status": "proposed", "type": "silo_removal", "version": 1, "pair_id": pair7});
    let (s, written) = app.call(Method::PUT, &format!("/api/v1/tasks/{id}"), Some(&t), Some(edit)).await;
    assert_eq!((s, written["version"].as_i64()), (200, Some(2)), "{written}");
    let confirmed = app.bring_to(&t, id, "confirmed").await;
    assert_eq!(
        app.json(&format!("/api/v1/tasks/{id}"), 200).await["type"],
        "silo_removal",
        "confirmed tasks are public"
    );

    let archive = json!({"version": confirmed["version"]});
    let (s, _) = app.call(Method::POST, &format!("/api/v1/tasks/{id}/archive"), Some(&t), Some(archive)).await;
    assert_eq!(s, 200);
    app.json(&format!("/api/v1/tasks/{id}"), 404).await;
    assert_eq!(app.json("/api/v1/tasks", 200).await["total"], 41, "archived tasks leave the lists");
    let (_, kept) = app.call(Method::GET, &format!("/api/v1/tasks/{id}"), Some(&t), None).await;
    assert!(kept["archived_at"].is_string(), "never deleted: OPC still sees it");

    let log = audit(&app, &t, &format!("record_type=task&record_id={id}")).await;
    let actions: Vec<&str> = log.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, vec!["task.archive", "task.transition", "task.transition", "task.update", "task.create"]);
    assert_eq!(log[1]["actor"], "opc");
    let before: Value = serde_json::from_str(log[1]["before"].as_str().unwrap()).unwrap();
    let after: Value = serde_json::from_str(log[1]["after"].as_str().unwrap()).unwrap();
    assert_eq!((before["status"].as_str(), after["status"].as_str()), (Some("tabled"), Some("confirmed")));
    assert_eq!(after["action"], "confirm");
    let updated: Value = serde_json::from_str(log[3]["after"].as_str().unwrap()).unwrap();
    assert_eq!(updated["task_type"], "silo_removal");
    assert!(log[0]["client_addr"].as_str().unwrap().starts_with("127."));
    assert_eq!(app.db.verify_audit().await.unwrap(), Ok(app.db.list_audit(&Default::default()).await.unwrap().total));
}

async fn a_stale_version_gets_409_with_the_current_version_and_nothing_changes(b: Backend) {
    let app = TestApp::spawn(b).await;
    let t = admin(&app).await;
    let first = json!({"title": "세계 최대규모 용인 반도체 국가산단 신속조성", "type": "conflict_resolution", "status": "confirmed", "version": 1, "description": "첫 수정"});
    assert_eq!(app.call(Method::PUT, "/api/v1/tasks/1", Some(&t), Some(first)).await.0, 200);
    let stale = json!({"title": "덮어쓰기", "status": "confirmed", "version": 1});
    let (s, body) = app.call(Method::PUT, "/api/v1/tasks/1", Some(&t), Some(stale)).await;
    assert_eq!(s, 409);
    assert_eq!(body["error"]["code"], "stale_version");
    assert_eq!(body["error"]["current_version"], 2);
    assert!(body["error"]["message"].as_str().unwrap().contains("아무것도 저장되지 않았습니다"));
    let task = app.json("/api/v1/tasks/1", 200).await;
    assert_eq!(
        (task["title"].as_str(), task["version"].as_i64()),
        (Some("세계 최대규모 용인 반도체 국가산단 신속조성"), Some(2))
    );
    let kpi = task["kpis"][0]["id"].as_i64().unwrap();
    let edit = json!({"name": "국가산단 조성기간", "target": 50, "unit": "%", "note": "절반으로 단축", "version": 1});
    let (s, w) = app.call(Method::PUT, &format!("/api/v1/kpis/{kpi}"), Some(&t), Some(edit.clone())).await;
    assert_eq!((s, w["version"].as_i64()), (200, Some(2)), "{w}");
    assert_eq!(app.call(Method::PUT, &format!("/api/v1/kpis/{kpi}"), Some(&t), Some(edit)).await.0, 409);
    let (s, _) = app.call(Method::DELETE, &format!("/api/v1/kpis/{kpi}?version=7"), Some(&t), None).await;
    assert_eq!(s, 409);
    assert_eq!(app.json("/api/v1/tasks/1", 200).await["kpis"].as_array().unwrap().len(), 2);
}

async fn invalid_input_names_each_field_in_korean_and_changes_nothing(b: Backend) {
    let app = TestApp::spawn(b).await;
    let t = admin(&app).await;
    let before = app.db.list_audit(&Default::default()).await.unwrap().total;
    let (s, body) = app
        .call(Method::POST, "/api/v1/tasks", Some(&t), Some(json!({"title": " ", "type": "merger", "pair_id": 999})))
        .await;
    assert_eq!(s, 400, "{body}");
    let fields: Vec<&str> =
        body["error"]["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["title", "type"]);
    assert_eq!(body["error"]["field"], "title");
    let (s, body) =
        app.call(Method::POST, "/api/v1/tasks", Some(&t), Some(json!({"title": "새 과제", "pair_id": 999}))).await;
    assert_eq!((s, body["error"]["field"].as_str()), (400, Some("pair_id")));
    let (s, body) = app
        .call(
            Method::POST,
            "/api/v1/tasks/1/kpis",
            Some(&t),
            Some(json!({"name": "지표", "target": "절반", "due": "6월 말"})),
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(body["error"]["errors"][1]["field"], "due");
    let (s, body) = app
        .client
        .post(format!("{}/api/v1/tasks", app.base))
        .bearer_auth(&t)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .map(|r| (r.status().as_u16(), r))
        .unwrap();
    assert_eq!(s, 400);
    let body: Value = body.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_parameter", "a malformed body gets the same error shape");
    assert_eq!(app.json("/api/v1/tasks", 200).await["total"], 41);
    assert_eq!(
        app.db.list_audit(&Default::default()).await.unwrap().total,
        before,
        "a rejected request changes nothing"
    );
}

async fn an_agency_officer_writes_its_own_agencys_role_and_no_other(b: Backend) {
    let app = TestApp::spawn(b).await;
    let env = app.agency_id("환경부").await;
    let molit = app.agency_id("국토부").await;
    let t = app.token_for("env-officer", vec![Grant::AgencyOfficer { agency_id: env.into() }]).await;
    let body = json!({"role": "환경영향평가 평가전담반 운영, 용수확보·공급 지원, 사전컨설팅", "version": 1});
    let (s, w) = app.call(Method::PUT, &format!("/api/v1/tasks/1/agencies/{env}"), Some(&t), Some(body)).await;
    assert_eq!((s, w["version"].as_i64()), (200, Some(2)), "{w}");
    let task = app.json("/api/v1/tasks/1", 200).await;
    assert_eq!(task["agencies"][1]["role"], "환경영향평가 평가전담반 운영, 용수확보·공급 지원, 사전컨설팅");
    let (s, e) = app
        .call(
            Method::PUT,
            &format!("/api/v1/tasks/1/agencies/{molit}"),
            Some(&t),
            Some(json!({"role": "x", "version": 1})),
        )
        .await;
    assert_eq!((s, e["error"]["code"].as_str()), (403, Some("forbidden")));
    assert_eq!(
        app.json("/api/v1/tasks/1", 200).await["agencies"][0]["role"],
        "산업단지계획 마련 및 입지규제 개선, 범부처 추진지원단 운영"
    );
    // Task 30 (pair 8: 개보위·방통위) is not 환경부's.
    let (s, _) = app
        .call(
            Method::PUT,
            &format!("/api/v1/tasks/30/agencies/{env}"),
            Some(&t),
            Some(json!({"role": "x", "version": 1})),
        )
        .await;
    assert_eq!(s, 404, "환경부 takes no part in it");
    for (method, path, body) in [
        (Method::PUT, "/api/v1/tasks/1", json!({"title": "x", "version": 1})),
        (Method::POST, "/api/v1/tasks/1/kpis", json!({"name": "x"})),
        (Method::POST, "/api/v1/tasks", json!({"title": "x"})),
    ] {
        let (s, _) = app.call(method, path, Some(&t), Some(body)).await;
        assert_eq!(s, 403, "{path}");
    }
}

async fn an_exchangee_reports_progress_on_its_pairs_tasks_only(b: Backend) {
    let app = TestApp::spawn(b).await;
    let pairs = app.json("/api/v1/exchange-pairs", 200).await;
    let position = pairs["items"][0]["positions"][0]["id"].as_i64().unwrap();
    let t = app.token_for("exchangee", vec![Grant::Exchangee { position_id: position.into() }]).await;
    let (s, m) = app
        .call(
            Method::POST,
            "/api/v1/tasks/1/milestones",
            Some(&t),
            Some(json!({"title": "환경영향평가 협의 완료", "due": "2024-09-30"})),
        )
        .await;
    assert_eq!(s, 201, "{m}");
    let milestone = m["id"].as_i64().unwrap();
    let done = json!({"title": "환경영향평가 협의 완료", "due": "2024-09-30", "done_on": "2024-09-20", "version": 1});
    let (s, _) = app.call(Method::PUT, &format!("/api/v1/milestones/{milestone}"), Some(&t), Some(done)).await;
    assert_eq!(s, 200);
    let task = app.json("/api/v1/tasks/1", 200).await;
    assert_eq!(task["milestones"][1]["done_on"], "2024-09-20");
    let (s, _) = app.call(Method::POST, "/api/v1/tasks/6/milestones", Some(&t), Some(json!({"title": "x"}))).await;
    assert_eq!(s, 403, "pair 2's task is not this exchangee's");
    let (s, _) = app.call(Method::PUT, "/api/v1/tasks/1", Some(&t), Some(json!({"title": "x", "version": 1}))).await;
    assert_eq!(s, 403);
}

async fn an_auditor_reads_the_audit_log_and_writes_nothing(b: Backend) {
    let app = TestApp::spawn(b).await;
    let t = app.token_for("auditor", vec![Grant::Auditor]).await;
    let (s, page) = app.call(Method::GET, "/api/v1/audit", Some(&t), None).await;
    assert_eq!(s, 200);
    assert!(page["items"].as_array().unwrap().iter().any(|e| e["action"] == "user.create"));
    for (method, path) in [
        (Method::PUT, "/api/v1/tasks/1"),
        (Method::POST, "/api/v1/tasks"),
        (Method::PUT, "/api/v1/agencies/1"),
        (Method::POST, "/api/v1/tasks/1/kpis"),
    ] {
        assert_eq!(app.call(method, path, Some(&t), Some(json!({"version": 1}))).await.0, 403, "{path}");
    }
    let officer = app.token_for("officer", vec![Grant::AgencyOfficer { agency_id: 1.into() }]).await;
    assert_eq!(app.call(Method::GET, "/api/v1/audit", Some(&officer), None).await.0, 403);
    assert_eq!(app.call(Method::GET, "/api/v1/audit", None, None).await.0, 401);
    let (s, e) = app.call(Method::GET, "/api/v1/audit?from=2024/01/01", Some(&t), None).await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("from")));
    // Days are Korean days: today (KST) holds the rows just written, tomorrow holds none.
    let kst = chrono::FixedOffset::east_opt(9 * 3600).unwrap();
    let today = chrono::Utc::now().with_timezone(&kst).date_naive();
    let (_, page) = app.call(Method::GET, &format!("/api/v1/audit?from={today}&until={today}"), Some(&t), None).await;
    assert!(page["total"].as_i64().unwrap() > 0, "{page}");
    let tomorrow = today.succ_opt().unwrap();
    let (_, page) = app.call(Method::GET, &format!("/api/v1/audit?from={tomorrow}"), Some(&t), None).await;
    assert_eq!(page["total"], 0);
}

async fn an_evaluator_sees_only_the_tasks_assigned_to_it(b: Backend) {
    let app = TestApp::spawn(b).await;
    let t = app.token_for("expert", vec![Grant::Evaluator]).await;
    let id = app.db.credentials("expert").await.unwrap().unwrap().id;
    app.assign(id, 7).await;
    let (_, page) = app.call(Method::GET, "/api/v1/tasks", Some(&t), None).await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["id"], 7);
    assert_eq!(app.call(Method::GET, "/api/v1/tasks/1", Some(&t), None).await.0, 404);
    assert_eq!(app.call(Method::GET, "/api/v1/tasks/7", Some(&t), None).await.0, 200);
    let (_, overview) = app.call(Method::GET, "/api/v1/overview", Some(&t), None).await;
    assert_eq!(overview["tasks"], 1);
}

async fn registry_edits_need_opc_and_carry_versions(b: Backend) {
    let app = TestApp::spawn(b).await;
    let t = admin(&app).await;
    let env = app.agency_id("환경부").await;
    let edit =
        json!({"short_name": "환경부", "name": "환경부", "name_en": "Ministry of Environment (Korea)", "version": 1});
    let (s, w) = app.call(Method::PUT, &format!("/api/v1/agencies/{env}"), Some(&t), Some(edit.clone())).await;
    assert_eq!((s, w["version"].as_i64()), (200, Some(2)));
    assert_eq!(app.call(Method::PUT, &format!("/api/v1/agencies/{env}"), Some(&t), Some(edit)).await.0, 409);
    let clash = json!({"short_name": "국토부", "name": "환경부", "version": 2});
    let (s, e) = app.call(Method::PUT, &format!("/api/v1/agencies/{env}"), Some(&t), Some(clash)).await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("short_name")));
    let pair = &app.json("/api/v1/exchange-pairs", 200).await["items"][0];
    let exchangee = pair["positions"][0]["exchangees"][0]["id"].as_i64().unwrap();
    let (s, _) = app
        .call(
            Method::PUT,
            &format!("/api/v1/exchangees/{exchangee}"),
            Some(&t),
            Some(json!({"name": "홍길동", "version": 1})),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = app
        .call(
            Method::PUT,
            &format!("/api/v1/exchange-pairs/{}", pair["id"]),
            Some(&t),
            Some(json!({"theme": "국토-환경 상호 이해", "version": 1})),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = app
        .call(
            Method::PUT,
            &format!("/api/v1/positions/{}", pair["positions"][0]["id"]),
            Some(&t),
            Some(json!({"title": "국토정책관", "level": "director_general", "version": 1})),
        )
        .await;
    assert_eq!(s, 200);
    let officer = app.token_for("officer", vec![Grant::AgencyOfficer { agency_id: env.into() }]).await;
    assert_eq!(
        app.call(Method::PUT, &format!("/api/v1/agencies/{env}"), Some(&officer), Some(json!({"version": 2}))).await.0,
        403
    );
}

async fn a_token_carries_only_its_rights_and_stops_working_when_revoked(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("opc", vec![Grant::OpcAdmin]).await;
    let browser = app.sign_in("opc").await;
    let (s, created) =
        browser.send(Method::POST, "/api/v1/tokens", Some(json!({"name": "조회용", "rights": ["read"]}))).await;
    assert_eq!(s, 201, "{created}");
    let token = created["token"].as_str().unwrap().to_string();
    let (s, me) = app.call(Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!((s, me["rights"].clone()), (200, json!(["read"])));
    assert_eq!(app.call(Method::PUT, "/api/v1/tasks/1", Some(&token), Some(json!({"version": 1}))).await.0, 403);
    assert_eq!(app.call(Method::GET, "/api/v1/audit", Some(&token), None).await.0, 403);
    let (_, list) = browser.send(Method::GET, "/api/v1/tokens", None).await;
    assert!(list[0]["last_used_at"].is_string(), "{list}");
    assert!(list[0].get("token").is_none() && !list.to_string().contains(&token), "the secret is never shown again");
    let (s, _) =
        app.call(Method::POST, "/api/v1/tokens", Some(&token), Some(json!({"name": "x", "rights": ["read"]}))).await;
    assert_eq!(s, 403, "a token cannot make tokens");
    let (s, e) = browser.send(Method::POST, "/api/v1/tokens", Some(json!({"name": "x", "rights": ["root"]}))).await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("rights")));
    let (s, _) = browser.send(Method::DELETE, &format!("/api/v1/tokens/{}", created["id"]), None).await;
    assert_eq!(s, 204);
    let (s, e) = app.call(Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!((s, e["error"]["code"].as_str()), (401, Some("unauthenticated")));
}

async fn request_bodies_over_the_limit_are_refused(b: Backend) {
    let app = TestApp::spawn(b).await;
    let t = admin(&app).await;
    let big = json!({"title": "x", "description": "가".repeat(200_000)});
    let (s, _) = app.call(Method::POST, "/api/v1/tasks", Some(&t), Some(big)).await;
    assert_eq!(s, 413);
    assert_eq!(app.json("/api/v1/tasks", 200).await["total"], 41);
}

async fn two_edits_from_the_same_version_at_once_let_exactly_one_through(b: Backend) {
    let app = TestApp::spawn(b).await;
    let t = admin(&app).await;
    let edit = |title: &str| json!({"title": title, "status": "confirmed", "version": 1});
    let (a, b2) = tokio::join!(
        app.call(Method::PUT, "/api/v1/tasks/2", Some(&t), Some(edit("첫째 수정"))),
        app.call(Method::PUT, "/api/v1/tasks/2", Some(&t), Some(edit("둘째 수정"))),
    );
    let mut statuses = [a.0, b2.0];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    let task = app.json("/api/v1/tasks/2", 200).await;
    assert_eq!(task["version"], 2);
    let winner = if a.0 == 200 { "첫째 수정" } else { "둘째 수정" };
    assert_eq!(task["title"], winner);
}

async fn concurrent_changes_keep_the_audit_chain_whole(b: Backend) {
    let app = TestApp::spawn(b).await;
    let t = admin(&app).await;
    let calls = (0..16).map(|i| {
        let body = json!({"name": format!("지표 {i}"), "target": i});
        let path = format!("/api/v1/tasks/{}/kpis", 1 + i % 4);
        let (app, t) = (&app, &t);
        async move { app.call(Method::POST, &path, Some(t), Some(body)).await.0 }
    });
    let statuses = futures::future::join_all(calls).await;
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    let total = app.db.list_audit(&Default::default()).await.unwrap().total;
    assert_eq!(app.db.verify_audit().await.unwrap(), Ok(total));
}

async fn sql_and_markup_in_input_are_stored_as_text_and_shown_escaped(b: Backend) {
    let app = TestApp::spawn(b).await;
    let t = admin(&app).await;
    let title = "'); DROP TABLE tasks; -- <script>alert(1)</script>";
    let (s, created) = app.call(Method::POST, "/api/v1/tasks", Some(&t), Some(json!({"title": title}))).await;
    assert_eq!(s, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    app.bring_to(&t, id, "confirmed").await;
    assert_eq!(app.json(&format!("/api/v1/tasks/{id}"), 200).await["title"], title);
    assert_eq!(app.json("/api/v1/tasks", 200).await["total"], 42, "the table is still there");
    let html = app.html(&format!("/tasks/{id}"), 200).await;
    assert!(!html.contains("<script>alert(1)</script>"), "markup from users is never sent as markup");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") || html.contains("&#60;script&#62;"));
    let found = app.json("/api/v1/tasks?q=%27%20OR%201%3D1%20--", 200).await;
    assert_eq!(found["total"], 0, "a quote in a search word is just a character");
}

async fn paths_that_climb_out_of_the_static_folders_find_nothing(b: Backend) {
    let app = TestApp::spawn(b).await;
    for path in
        ["/static/..%2F..%2FCargo.toml", "/static/krds/../../../etc/passwd", "/static/krds/%2e%2e/%2e%2e/package.json"]
    {
        let r = app.get(path).await;
        assert!(matches!(r.status().as_u16(), 400 | 404), "{path}: {}", r.status());
        assert!(!r.text().await.unwrap().contains("[workspace]"));
    }
}

async fn a_change_is_judged_on_the_task_as_it_is_inside_the_transaction(b: Backend) {
    use hanteam_app::{parts, Caller, Credential, UseCaseError};
    use hanteam_domain::access::Principal;
    use hanteam_domain::{Kpi, KpiInput, TaskId};
    let app = TestApp::spawn(b).await;
    let pairs = app.json("/api/v1/exchange-pairs", 200).await;
    let position = hanteam_domain::PositionId::new(pairs["items"][0]["positions"][0]["id"].as_i64().unwrap());
    let id = app.user("exchangee", vec![Grant::Exchangee { position_id: position }]).await;
    let exchangee = Caller::person(
        Principal::person(id, vec![Grant::Exchangee { position_id: position }], None),
        "exchangee",
        Credential::Console,
        None,
    );
    let kpi = KpiInput { name: Some("지표".into()), target: Some("1".into()), ..Default::default() };
    let before = app.db.list_audit(&Default::default()).await.unwrap().total;
    let refused = parts::add::<Kpi>(&app.db, &exchangee, TaskId::new(6), &kpi).await;
    assert!(matches!(refused, Err(UseCaseError::Forbidden(_))), "pair 2's task is not its: {refused:?}");
    assert_eq!(app.db.list_audit(&Default::default()).await.unwrap().total, before, "nothing written");
    parts::add::<Kpi>(&app.db, &exchangee, TaskId::new(1), &kpi).await.expect("its pair's task");
    // Archived after the exchangee read the task: the change is refused on the task as it is now.
    let archive = hanteam_domain::edit::VersionInput { version: Some("1".into()) };
    hanteam_app::tasks::archive(&app.db, &crate::common::console(), TaskId::new(1), &archive).await.unwrap();
    let late = parts::add::<Kpi>(&app.db, &exchangee, TaskId::new(1), &kpi).await;
    assert!(matches!(late, Err(UseCaseError::Forbidden(ref m)) if m.contains("보관된 과제")), "{late:?}");
}

on_both_backends!(
    a_change_is_judged_on_the_task_as_it_is_inside_the_transaction,
    sql_and_markup_in_input_are_stored_as_text_and_shown_escaped,
    paths_that_climb_out_of_the_static_folders_find_nothing,
    two_edits_from_the_same_version_at_once_let_exactly_one_through,
    concurrent_changes_keep_the_audit_chain_whole,
    opc_creates_edits_and_archives_a_task_and_each_change_is_audited,
    a_stale_version_gets_409_with_the_current_version_and_nothing_changes,
    invalid_input_names_each_field_in_korean_and_changes_nothing,
    an_agency_officer_writes_its_own_agencys_role_and_no_other,
    an_exchangee_reports_progress_on_its_pairs_tasks_only,
    an_auditor_reads_the_audit_log_and_writes_nothing,
    an_evaluator_sees_only_the_tasks_assigned_to_it,
    registry_edits_need_opc_and_carry_versions,
    a_token_carries_only_its_rights_and_stops_working_when_revoked,
    request_bodies_over_the_limit_are_refused,
);
