//! What an outside security test found (issue 9), each reproduced over real HTTP on both databases:
//! the request that got through before, and what it gets now.

use hanteam_domain::access::Grant;
use hanteam_store::Db;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{Backend, TestApp};

/// The port of the test server, for Host and Origin headers of our own making.
fn port(app: &TestApp) -> u16 {
    app.base.rsplit(':').next().unwrap().parse().unwrap()
}

async fn a_request_for_another_host_is_refused_and_origins_are_checked_against_the_site(b: Backend) {
    let app = TestApp::spawn(b).await;
    let port = port(&app);
    // A DNS-rebinding page: the browser sends the attacker's name as Host.
    let rebound = app
        .client
        .get(format!("{}/sign-in", app.base))
        .header("host", format!("attacker.example:{port}"))
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status().as_u16(), 400);
    let body: Value = rebound.json().await.unwrap();
    assert_eq!(body["error"]["field"], "host");
    assert!(body["error"]["message"].as_str().unwrap().contains("주소창의 주소를 확인해 주세요"), "{body}");
    let health = app.client.get(format!("{}/healthz", app.base)).header("host", "10.0.0.7:8080").send().await.unwrap();
    assert_eq!(health.status().as_u16(), 200, "a load balancer's health check names the instance");
    let by_name = app.client.get(format!("{}/", app.base)).header("host", format!("localhost:{port}")).send().await;
    assert_eq!(by_name.unwrap().status().as_u16(), 200, "on loopback, localhost is the same site");

    // Origin is compared with the site, not with the Host header the page chose.
    app.user("kim", vec![Grant::OpcAdmin]).await;
    let browser = app.sign_in("kim").await;
    let put = |origin: String| {
        browser
            .client
            .put(browser.url("/api/v1/agencies/1"))
            .header("x-csrf-token", &browser.csrf)
            .header("origin", origin)
            .json(&crate::common::whole_put("/api/v1/agencies/1", json!({"version": 1})))
            .send()
    };
    assert_eq!(put(format!("http://127.0.0.1:{}", port + 1)).await.unwrap().status().as_u16(), 403);
    assert_eq!(put(format!("https://127.0.0.1:{port}")).await.unwrap().status().as_u16(), 403, "another scheme");
    let same = put(format!("http://localhost:{port}")).await.unwrap();
    assert_eq!(same.status().as_u16(), 400, "our own origin gets through to the rules (a name is required)");
}

async fn a_meeting_names_only_the_tabled_tasks_the_reader_may_see(b: Backend) {
    let app = TestApp::spawn(b).await;
    let token = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let task = app.json("/api/v1/tasks/5", 200).await;
    let title = task["title"].as_str().unwrap().to_string();
    let (s, _) = app
        .call(Method::POST, "/api/v1/tasks/5/archive", Some(&token), Some(json!({"version": task["version"]})))
        .await;
    assert_eq!(s, 200);
    let tabled = |m: &Value| -> Vec<i64> {
        m["agenda"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|i| i["tasks"].as_array().unwrap().clone())
            .map(|t| t["id"].as_i64().unwrap())
            .collect()
    };
    let public = app.json("/api/v1/meetings/1", 200).await;
    assert!(!tabled(&public).contains(&5), "an archived task is not named to the public");
    assert_eq!(tabled(&public).len(), 40);
    assert!(!app.html("/meetings/1", 200).await.contains(&title));
    let (_, opc) = app.call(Method::GET, "/api/v1/meetings/1", Some(&token), None).await;
    assert!(tabled(&opc).contains(&5), "OPC still sees what was tabled");
}

async fn only_a_person_at_the_screen_manages_tokens(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("kim", vec![Grant::OpcAdmin]).await;
    let browser = app.sign_in("kim").await;
    let make = |rights: Value| {
        browser.send(Method::POST, "/api/v1/tokens", Some(json!({"name": "스크립트", "rights": rights})))
    };
    let (s, full) = make(json!(["read", "write"])).await;
    assert_eq!(s, 201, "{full}");
    let (_, read_only) = make(json!(["read"])).await;
    let read_only = read_only["token"].as_str().unwrap().to_string();
    let path = format!("/api/v1/tokens/{}", full["id"]);
    let (s, body) = app.call(Method::DELETE, &path, Some(&read_only), None).await;
    assert_eq!(s, 403, "a read-only token cannot revoke the full one: {body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("화면에서 로그인하여"));
    let (s, _) = app.call(Method::POST, "/api/v1/tokens", Some(&read_only), Some(json!({"name": "x"}))).await;
    assert_eq!(s, 403);
    let full_token = full["token"].as_str().unwrap();
    assert_eq!(app.call(Method::GET, "/api/v1/me", Some(full_token), None).await.0, 200, "still valid");
    assert_eq!(browser.send(Method::DELETE, &path, None).await.0, 204, "the person revokes it");
    assert_eq!(app.call(Method::GET, "/api/v1/me", Some(full_token), None).await.0, 401);
}

async fn a_new_password_ends_the_tokens_too(b: Backend) {
    let app = TestApp::spawn(b).await;
    let id = app.user("lee", vec![Grant::Auditor]).await;
    let browser = app.sign_in("lee").await;
    let (_, made) = browser
        .send(Method::POST, "/api/v1/tokens", Some(json!({"name": "감사 스크립트", "rights": ["read", "audit"]})))
        .await;
    let token = made["token"].as_str().unwrap().to_string();
    assert_eq!(app.call(Method::GET, "/api/v1/audit", Some(&token), None).await.0, 200);
    let changed = browser
        .post_form(
            "/account/password",
            &[
                ("current_password", crate::common::TEST_PASSWORD),
                ("new_password", "Hanteam-new-2024!"),
                ("new_password_confirm", "Hanteam-new-2024!"),
            ],
        )
        .await;
    assert_eq!(changed.status().as_u16(), 303);
    assert_eq!(
        app.call(Method::GET, "/api/v1/audit", Some(&token), None).await.0,
        401,
        "a stolen token ends with the password"
    );
    let page = browser.client.get(browser.url("/account?changed=1")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("API 토큰은 모두 폐기되었습니다"), "the page says so");

    // An administrator's reset (the compromise case) does the same. This browser's new session has
    // a CSRF token of its own.
    let me: Value = browser.client.get(browser.url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
    let browser = crate::common::Browser { csrf: me["csrf_token"].as_str().unwrap().to_string(), ..browser };
    let (_, again) =
        browser.send(Method::POST, "/api/v1/tokens", Some(json!({"name": "두 번째", "rights": ["read"]}))).await;
    let again = again["token"].as_str().unwrap().to_string();
    let admin = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let version = app.db.user_view(id).await.unwrap().unwrap().user.version;
    let (s, body) = app
        .call(
            Method::POST,
            &format!("/api/v1/users/{id}/reset-password"),
            Some(&admin),
            Some(json!({"version": version})),
        )
        .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(app.call(Method::GET, "/api/v1/me", Some(&again), None).await.0, 401);
}

async fn a_put_names_every_field_and_an_unknown_field_is_refused(b: Backend) {
    let app = TestApp::spawn(b).await;
    let token = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let before = app.json("/api/v1/tasks/1", 200).await;
    let put =
        |body: Value| app.client.put(format!("{}/api/v1/tasks/1", app.base)).bearer_auth(&token).json(&body).send();
    // What used to clear the description, the pair, the type and the lead agency without a word.
    let partial = put(json!({"title": "제목만 바꿈", "version": 1})).await.unwrap();
    assert_eq!(partial.status().as_u16(), 400);
    let body: Value = partial.json().await.unwrap();
    let fields: Vec<&str> =
        body["error"]["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"description") && fields.contains(&"pair_id") && fields.contains(&"type"), "{body}");
    let typo = app
        .client
        .post(format!("{}/api/v1/tasks/1/kpis", app.base))
        .bearer_auth(&token)
        .json(&json!({"name": "지표", "targte": "50"}))
        .send()
        .await
        .unwrap();
    assert_eq!(typo.status().as_u16(), 400);
    let body: Value = typo.json().await.unwrap();
    assert_eq!(body["error"]["field"], "targte", "{body}");
    assert_eq!(app.json("/api/v1/tasks/1", 200).await, before, "nothing changed");
    // Every field given, nulls included, is a whole replacement.
    let mut whole = crate::common::whole_put("/api/v1/tasks/1", json!({}));
    for (k, v) in before.as_object().unwrap() {
        if whole.get(k).is_some() {
            whole[k] = v.clone();
        }
    }
    whole["title"] = "제목만 바꿈".into();
    whole["version"] = 1.into();
    let r = put(whole).await.unwrap();
    assert_eq!(r.status().as_u16(), 200, "{}", r.text().await.unwrap());
    let after = app.json("/api/v1/tasks/1", 200).await;
    assert_eq!((after["title"].as_str(), &after["description"]), (Some("제목만 바꿈"), &before["description"]));
}

async fn a_task_moved_to_another_pair_gains_its_agencies_and_keeps_its_own(b: Backend) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let env = app.agency_id("환경부").await;
    let officer = app.token_for("officer", vec![Grant::AgencyOfficer { agency_id: env.into() }]).await;
    let bangtong = app.agency_id("방통위").await;
    let new_officer = app.token_for("officer2", vec![Grant::AgencyOfficer { agency_id: bangtong.into() }]).await;
    let role = json!({"role": "이용자 보호 기준 마련", "version": 1});
    let (s, _) = app
        .call(Method::PUT, &format!("/api/v1/tasks/1/agencies/{bangtong}"), Some(&new_officer), Some(role.clone()))
        .await;
    assert_eq!(s, 404, "방통위 takes no part in task 1 yet");
    let new_pair_holder = app.token_for("holder", vec![Grant::Exchangee { position_id: 15.into() }]).await;
    let milestone = |who: &str| json!({"title": format!("{who}이 더한 일정"), "due": "2024-12-31"});
    let (s, _) =
        app.call(Method::POST, "/api/v1/tasks/1/milestones", Some(&new_pair_holder), Some(milestone("교류자"))).await;
    assert_eq!(s, 403, "pair 8's exchangee has no part in task 1 yet");

    let (_, before) = app.call(Method::GET, "/api/v1/tasks/1", Some(&opc), None).await;
    let mut edit = crate::common::whole_put("/api/v1/tasks/1", json!({}));
    for (k, v) in before.as_object().unwrap() {
        if edit.get(k).is_some() {
            edit[k] = v.clone();
        }
    }
    edit["pair_id"] = 8.into();
    let (s, saved) = app.call(Method::PUT, "/api/v1/tasks/1", Some(&opc), Some(edit)).await;
    assert_eq!(s, 200, "{saved}");
    let (_, after) = app.call(Method::GET, "/api/v1/tasks/1", Some(&opc), None).await;
    let names = |t: &Value| -> Vec<String> {
        t["agencies"].as_array().unwrap().iter().map(|a| a["short_name"].as_str().unwrap().to_string()).collect()
    };
    let (old, new) = (names(&before), names(&after));
    assert_eq!(&new[..old.len()], &old[..], "every agency stays, with its role");
    assert_eq!(&new[old.len()..], &["개보위".to_string(), "방통위".to_string()], "the new pair's agencies join");
    assert_eq!(after["agencies"][1]["role"], before["agencies"][1]["role"]);
    let joined = app
        .db
        .list_audit(&hanteam_domain::AuditFilter {
            record_type: Some("task_agency_role".into()),
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(joined.items.iter().filter(|r| r.entry.action == "task_role.create").count(), 2, "each join is audited");
    let found =
        app.call(Method::GET, "/api/v1/tasks?agency=%EB%B0%A9%ED%86%B5%EC%9C%84&limit=100", Some(&opc), None).await.1;
    assert!(found["items"].as_array().unwrap().iter().any(|t| t["id"] == 1), "the agency's list and counts follow");

    let (s, _) =
        app.call(Method::POST, "/api/v1/tasks/1/milestones", Some(&new_pair_holder), Some(milestone("교류자"))).await;
    assert_eq!(s, 201, "the new pair's exchangee writes through the pair");
    let (s, _) = app
        .call(Method::PUT, &format!("/api/v1/tasks/1/agencies/{bangtong}"), Some(&new_officer), Some(role.clone()))
        .await;
    assert_eq!(s, 200, "the joining agency's officer writes its part");
    let version = before["agencies"][1]["role_version"].clone();
    let (s, _) = app
        .call(
            Method::PUT,
            &format!("/api/v1/tasks/1/agencies/{env}"),
            Some(&officer),
            Some(json!({"role": "그대로", "version": version})),
        )
        .await;
    assert_eq!(s, 200, "환경부 still takes part, so its officer still writes its part");
}

async fn an_overlong_login_is_refused_before_anything_is_written(b: Backend) {
    let app = TestApp::spawn(b).await;
    let count = |db: Db| async move { db.list_audit(&Default::default()).await.unwrap().total };
    let before = count(app.db.clone()).await;
    let (client, token) = app.anonymous_browser().await;
    let login = "a".repeat(200_000);
    let r = client
        .post(format!("{}/sign-in", app.base))
        .form(&[("login", login.as_str()), ("password", "x"), ("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().await.unwrap().contains("아이디는 40자 이하입니다"));
    assert_eq!(count(app.db.clone()).await, before, "no audit row");
}

/// Runs one statement as someone with the database in hand would, around the append-only trigger.
async fn tamper(db: &Db, statement: &str) {
    match db {
        Db::Sqlite(pool) => {
            let sql = format!(
                "DROP TRIGGER audit_log_no_update; {statement};
                 CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                 BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;"
            );
            sqlx::raw_sql(&sql).execute(pool).await.unwrap();
        }
        Db::Postgres(pool) => {
            let sql = format!(
                "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change; {statement};
                 ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change;"
            );
            sqlx::raw_sql(&sql).execute(pool).await.unwrap();
        }
    }
}

async fn an_absent_value_turned_into_a_dash_breaks_the_chain(b: Backend) {
    let app = TestApp::spawn(b).await;
    assert!(app.db.verify_audit().await.unwrap().is_ok());
    // The dataset's load was written from the console: no client address.
    tamper(&app.db, "UPDATE audit_log SET client_addr = '-' WHERE seq = 1 AND client_addr IS NULL").await;
    let broken = app.db.verify_audit().await.unwrap();
    assert!(matches!(broken, Err(hanteam_domain::audit::ChainBreak::Edited { seq: 1 })), "{broken:?}");
}

async fn a_wrong_method_gets_405_with_allow(b: Backend) {
    let app = TestApp::spawn(b).await;
    let r = app.client.patch(format!("{}/api/v1/tasks/1", app.base)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 405);
    assert_eq!(r.headers()["allow"], "GET, PUT, HEAD");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
    let page = app.client.delete(format!("{}/tasks/1", app.base)).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 405);
    assert!(page.text().await.unwrap().contains("이 방식으로는 요청할 수 없습니다"), "a page answers with a page");
}

async fn text_that_hides_or_reorders_itself_is_refused(b: Backend) {
    let app = TestApp::spawn(b).await;
    let token = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    for title in ["과제\u{202E}명", "과제\u{200B}명", "\u{FEFF}과제", "과제\u{2066}명\u{2069}", "두\n줄"] {
        let (s, body) = app.call(Method::POST, "/api/v1/tasks", Some(&token), Some(json!({"title": title}))).await;
        assert_eq!(s, 400, "{title:?}: {body}");
        assert_eq!(body["error"]["field"], "title");
    }
    let (s, _) = app
        .call(
            Method::POST,
            "/api/v1/tasks",
            Some(&token),
            Some(json!({"title": "과제", "description": "첫 줄\n둘째 줄"})),
        )
        .await;
    assert_eq!(s, 201, "a description keeps its lines");
}

async fn every_status_a_route_answers_is_in_the_document(b: Backend) {
    let app = TestApp::spawn(b).await;
    let doc = app.json("/api/v1/openapi.json", 200).await;
    let declared = |path: &str, method: &str, status: u16| {
        doc["paths"][path][method]["responses"].get(status.to_string()).is_some()
    };
    let token = app.token_for("reader", vec![Grant::Auditor]).await;
    // method, path, its template in the document, token, body
    type Call<'a> = (Method, &'a str, &'a str, Option<&'a str>, Option<Value>);
    let calls: [Call; 6] = [
        (Method::GET, "/api/v1/me", "/api/v1/me", None, None),
        (Method::GET, "/api/v1/tokens", "/api/v1/tokens", None, None),
        (Method::PUT, "/api/v1/tasks/1", "/api/v1/tasks/{id}", Some(&token), Some(json!({"version": 1}))),
        (Method::PUT, "/api/v1/tasks/1", "/api/v1/tasks/{id}", None, Some(json!({}))),
        (Method::GET, "/api/v1/tasks/999999", "/api/v1/tasks/{id}", None, None),
        (Method::GET, "/api/v1/users", "/api/v1/users", Some(&token), None),
    ];
    for (method, path, template, token, body) in calls {
        let name = method.as_str().to_lowercase();
        let (status, answer) = app.call(method, path, token, body).await;
        assert!(
            declared(template, &name, status),
            "{name} {template} answered {status}, not in the document: {answer}"
        );
    }
}

async fn text_is_compressed_and_files_are_kept_by_their_hash(b: Backend) {
    let app = TestApp::spawn(b).await;
    // reqwest without its gzip feature: the bytes come as sent.
    let home = app.client.get(format!("{}/", app.base)).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(home.headers()["content-encoding"], "gzip");
    let page = app.html("/", 200).await;
    let css = page
        .split("href=\"")
        .map(|s| s.split('"').next().unwrap())
        .find(|h| h.contains("output.css"))
        .unwrap()
        .to_string();
    assert!(css.contains("?v="), "the stylesheet is linked by its hash: {css}");
    let r = app.client.get(format!("{}{css}", app.base)).header("accept-encoding", "br, gzip").send().await.unwrap();
    assert_eq!(r.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(r.headers()["content-encoding"], "br");
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    let again = app.client.get(format!("{}{css}", app.base)).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(again.status().as_u16(), 304, "a browser that has it is told so");
    let font = "/static/krds/fonts/PretendardGOV-Regular.subset.woff2";
    let f = app.client.get(format!("{}{font}", app.base)).header("accept-encoding", "gzip").send().await.unwrap();
    assert!(f.headers().get("content-encoding").is_none(), "a font is compressed already");
    assert_eq!(f.headers()["cache-control"], "public, max-age=86400", "named without its hash, it is kept a day");
}

async fn a_page_prints_with_its_title_and_date_and_a_form_error_takes_the_focus(b: Backend) {
    let app = TestApp::spawn(b).await;
    let page = app.html("/tasks/1", 200).await;
    assert!(page.contains("class=\"hanteam-print-only hanteam-print-stamp\""), "the line a printed copy carries");
    assert!(page.contains(" 출력</p>"));
    let refused = app.html("/tasks?limit=abc", 400).await;
    let notice =
        refused.split("<div class=\"hanteam-alert").nth(1).expect("a notice").split('>').next().unwrap().to_string();
    assert!(notice.contains("autofocus") && notice.contains("tabindex=\"-1\""), "{notice}");
    assert!(!refused.contains("krds-critical-alerts"), "not the emergency alert");
}

on_both_backends!(
    a_request_for_another_host_is_refused_and_origins_are_checked_against_the_site,
    a_meeting_names_only_the_tabled_tasks_the_reader_may_see,
    only_a_person_at_the_screen_manages_tokens,
    a_new_password_ends_the_tokens_too,
    a_put_names_every_field_and_an_unknown_field_is_refused,
    a_task_moved_to_another_pair_gains_its_agencies_and_keeps_its_own,
    an_overlong_login_is_refused_before_anything_is_written,
    an_absent_value_turned_into_a_dash_breaks_the_chain,
    a_wrong_method_gets_405_with_allow,
    text_that_hides_or_reorders_itself_is_refused,
    every_status_a_route_answers_is_in_the_document,
    text_is_compressed_and_files_are_kept_by_their_hash,
    a_page_prints_with_its_title_and_date_and_a_form_error_takes_the_focus,
);

/// SQLite's `INSERT OR REPLACE` deletes the row it replaces without the no-delete trigger firing.
#[tokio::test]
async fn an_audit_row_cannot_be_replaced_on_sqlite() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let Db::Sqlite(pool) = &app.db else { unreachable!() };
    let replaced = sqlx::raw_sql(
        "INSERT OR REPLACE INTO audit_log (id, seq, occurred_at, actor, action, record_type, prev_hash, hash, chain_version)
         SELECT id, seq, occurred_at, 'mallory', action, record_type, prev_hash, hash, chain_version FROM audit_log WHERE seq = 1",
    )
    .execute(pool)
    .await;
    assert!(replaced.unwrap_err().to_string().contains("append-only"));
    let first = app.db.list_audit(&hanteam_domain::AuditFilter { limit: 500, ..Default::default() }).await.unwrap();
    assert!(first.items.iter().all(|r| r.entry.actor != "mallory"));
    assert!(app.db.verify_audit().await.unwrap().is_ok());
}
