//! The administration of accounts through the pages and the API (OPC), on SQLite and PostgreSQL.

use hanteam_domain::access::Grant;
use reqwest::Method;
use serde_json::json;

use crate::common::{hidden_field, Backend, TestApp};

async fn opc_creates_an_account_through_the_api_and_its_password_works_once_changed(b: Backend) {
    let app = TestApp::spawn(b).await;
    let t = app.token_for("opc", vec![Grant::OpcAdmin]).await;
    let new =
        json!({"login": "Kim.Env", "display_name": "김환경", "roles": ["agency_officer"], "agencies": ["환경부"]});
    let (s, created) = app.call(Method::POST, "/api/v1/users", Some(&t), Some(new.clone())).await;
    assert_eq!(s, 201, "{created}");
    assert_eq!(created["user"]["login"], "kim.env");
    assert_eq!(created["user"]["must_change_password"], true);
    assert_eq!(created["user"]["roles"][0]["agency_short_name"], "환경부");
    let password = created["one_time_password"].as_str().unwrap().to_string();
    let (client, csrf) = app.anonymous_browser().await;
    let r = client
        .post(format!("{}/sign-in", app.base))
        .form(&[("login", "kim.env"), ("password", password.as_str()), ("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/account?password=required", "the one-time password must be changed");

    let (s, e) = app.call(Method::POST, "/api/v1/users", Some(&t), Some(new)).await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("login")), "{e}");
    let (s, e) = app
        .call(Method::POST, "/api/v1/users", Some(&t), Some(json!({"login": "x", "roles": ["exchangee", "boss"]})))
        .await;
    assert_eq!(s, 400, "{e}");
    assert_eq!(e["error"]["field"], "role", "an unknown role is named: {e}");
    let (s, e) = app
        .call(
            Method::POST,
            "/api/v1/users",
            Some(&t),
            Some(json!({"login": "lee.x", "display_name": "이", "roles": ["exchangee"]})),
        )
        .await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("position")), "{e}");
    let officer = app.token_for("officer", vec![Grant::AgencyOfficer { agency_id: 1.into() }]).await;
    assert_eq!(app.call(Method::GET, "/api/v1/users", Some(&officer), None).await.0, 403);
    let (s, list) = app.call(Method::GET, "/api/v1/users", Some(&t), None).await;
    assert_eq!(s, 200);
    assert_eq!(list["total"], 3, "opc, kim.env and officer: {list}");
}

async fn opc_adds_disables_and_resets_accounts_through_the_pages(b: Backend) {
    let app = TestApp::spawn(b).await;
    let me = app.user("opc", vec![Grant::OpcAdmin]).await;
    let browser = app.sign_in("opc").await;
    let list = browser.client.get(browser.url("/users")).send().await.unwrap();
    assert_eq!(list.headers()["cache-control"], "no-store");
    let html = list.text().await.unwrap();
    assert!(html.contains("<th scope=\"row\" data-label=\"아이디\"><code>opc</code></th>"), "{html}");
    assert!(!html.contains(&format!("/users/{me}/disable")), "nobody disables their own account here");

    // A form with a mistake keeps what was typed and names the field.
    let r = browser.post_form("/users", &[("login", "park.audit"), ("display_name", ""), ("roles", "auditor")]).await;
    assert_eq!(r.status().as_u16(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("value=\"park.audit\"") && html.contains("이름은 1~100자"), "{html}");
    assert!(html.contains(r#"value="auditor" id="f-role-auditor" checked"#), "the ticked role stays ticked");

    let r =
        browser.post_form("/users", &[("login", "park.audit"), ("display_name", "박감사"), ("roles", "auditor")]).await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store", "a page with a password is not kept");
    let html = r.text().await.unwrap();
    let shown = html.split("<code class=\"hanteam-secret\">").nth(1).and_then(|s| s.split('<').next()).unwrap();
    let account = app.db.credentials("park.audit").await.unwrap().expect("created");
    assert!(hanteam_app::secrets::verify_password(&account.password_hash, shown));

    // Reset: a new one-time password; the old one no longer works.
    let id = account.id;
    let form = browser.client.get(browser.url(&format!("/users/{id}/reset-password"))).send().await.unwrap();
    let version = hidden_field(&form.text().await.unwrap(), "version").unwrap();
    let r = browser.post_form(&format!("/users/{id}/reset-password"), &[("version", &version)]).await;
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap();
    let renewed = html.split("<code class=\"hanteam-secret\">").nth(1).and_then(|s| s.split('<').next()).unwrap();
    let account = app.db.credentials("park.audit").await.unwrap().unwrap();
    assert!(hanteam_app::secrets::verify_password(&account.password_hash, renewed));
    assert!(!hanteam_app::secrets::verify_password(&account.password_hash, shown));

    // Disable, with a stale version first (nothing changes), then the current one.
    let stale = browser.post_form(&format!("/users/{id}/disable"), &[("version", &version)]).await;
    assert_eq!(stale.status().as_u16(), 409, "the reset changed the account since");
    assert!(app.db.credentials("park.audit").await.unwrap().unwrap().disabled_at.is_none());
    let form = browser.client.get(browser.url(&format!("/users/{id}/disable"))).send().await.unwrap();
    let version = hidden_field(&form.text().await.unwrap(), "version").unwrap();
    let r = browser.post_form(&format!("/users/{id}/disable"), &[("version", &version)]).await;
    assert_eq!((r.status().as_u16(), r.headers()["location"].to_str().unwrap()), (303, "/users?saved=1"));
    assert!(app.db.credentials("park.audit").await.unwrap().unwrap().disabled_at.is_some());
    let mine = browser.post_form(&format!("/users/{me}/disable"), &[("version", "1")]).await;
    assert_eq!(mine.status().as_u16(), 403, "one's own account is not disabled");
}

on_both_backends!(
    opc_creates_an_account_through_the_api_and_its_password_works_once_changed,
    opc_adds_disables_and_resets_accounts_through_the_pages,
);
