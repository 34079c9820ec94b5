//! The edges are thin: the same change made through a form, through the JSON API and on the
//! command line goes through one use case and leaves the same audit record.

use std::process::Command;

use hanteam_domain::access::Grant;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{hidden_field, insert_user, Backend, TestApp, TEST_PASSWORD};

/// The parts of an audit record that say what changed, with what names the account (its id,
/// login and name) and when (the moment it was disabled) left out.
fn what_changed(record: &Value) -> Value {
    let state = |raw: &Value| {
        let mut v: Value = serde_json::from_str(raw.as_str().expect("a snapshot")).expect("JSON");
        let obj = v.as_object_mut().expect("an object");
        for key in ["id", "login", "display_name"] {
            obj.remove(key);
        }
        let disabled = obj.remove("disabled_at").is_some_and(|d| !d.is_null());
        obj.insert("disabled".into(), json!(disabled));
        v
    };
    json!({
        "action": record["action"],
        "record_type": record["record_type"],
        "before": state(&record["before"]),
        "after": state(&record["after"]),
    })
}

async fn the_same_change_through_a_form_the_api_and_the_cli_leaves_the_same_audit_record(b: Backend) {
    let app = TestApp::spawn(b).await;
    let mut ids = Vec::new();
    for login in ["same-form", "same-api", "same-cli"] {
        ids.push(insert_user(&app.db, login, vec![Grant::Auditor], TEST_PASSWORD, false).await.get());
    }
    app.user("opc", vec![Grant::OpcAdmin]).await;

    // A form: the confirmation page carries the version the decision is based on.
    let browser = app.sign_in("opc").await;
    let page = browser.client.get(browser.url(&format!("/users/{}/disable", ids[0]))).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let version = hidden_field(&page.text().await.unwrap(), "version").expect("the form carries the version");
    let r = browser.post_form(&format!("/users/{}/disable", ids[0]), &[("version", &version)]).await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap_or_default());

    // The API, with a token of OPC.
    let token = app.token_for("opc-script", vec![Grant::OpcAdmin]).await;
    let (s, body) = app
        .call(Method::POST, &format!("/api/v1/users/{}/disable", ids[1]), Some(&token), Some(json!({"version": 1})))
        .await;
    assert_eq!(s, 200, "{body}");
    assert!(body["disabled_at"].is_string(), "{body}");

    // The command line on the server.
    let out = Command::new(env!("CARGO_BIN_EXE_hanteam"))
        .args(["user", "disable", "same-cli"])
        .env("DATABASE_URL", &app.database_url)
        .env("RUST_LOG", "warn")
        .env("USER", "kim.dba")
        .output()
        .expect("run hanteam");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let (_, log) = app.call(Method::GET, "/api/v1/audit?limit=500", Some(&token), None).await;
    let records: Vec<&Value> = ids
        .iter()
        .map(|id| {
            log["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["action"] == "user.disable" && r["record_id"] == *id)
                .unwrap_or_else(|| panic!("no user.disable of {id}: {log}"))
        })
        .collect();
    let actors: Vec<&str> = records.iter().map(|r| r["actor"].as_str().unwrap()).collect();
    assert_eq!(actors, ["opc", "opc-script", "cli:kim.dba"], "each names who made it");
    let first = what_changed(records[0]);
    assert_eq!(first["after"]["disabled"], true, "{first}");
    assert_eq!(first["before"]["disabled"], false);
    assert_eq!(first["after"]["version"], 2);
    for r in &records[1..] {
        assert_eq!(what_changed(r), first, "the same record through every edge");
    }
    for login in ["same-form", "same-api", "same-cli"] {
        assert!(app.db.credentials(login).await.unwrap().unwrap().disabled_at.is_some(), "{login}");
    }
    assert!(app.db.verify_audit().await.unwrap().is_ok());
}

on_both_backends!(the_same_change_through_a_form_the_api_and_the_cli_leaves_the_same_audit_record);
