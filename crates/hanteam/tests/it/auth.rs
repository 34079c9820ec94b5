//! Signing in and out through the sign-in form, sessions, lock-out, CSRF and password changes, over
//! real HTTP on SQLite and PostgreSQL.

use crate::common::{Backend, TestApp, TEST_PASSWORD};
use hanteam_domain::access::Grant;
use reqwest::Method;
use serde_json::json;

async fn post_sign_in(app: &TestApp, login: &str, password: &str, extra: &[(&str, &str)]) -> reqwest::Response {
    let (client, token) = app.anonymous_browser().await;
    let mut req = client.post(format!("{}/sign-in", app.base)).form(&[
        ("login", login),
        ("password", password),
        ("csrf_token", &token),
    ]);
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    req.send().await.unwrap()
}

fn session_cookie(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("hanteam_session="))
        .map(str::to_string)
}

/// `/api/v1/me` on `app` with the session `cookie` (`name=value`): the status and the body.
async fn me_with(app: &TestApp, cookie: &str) -> (u16, serde_json::Value) {
    let r = app.client.get(format!("{}/api/v1/me", app.base)).header("cookie", cookie).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or_default())
}

/// Two servers on one database, as behind a load balancer: what one keeps, the other sees.
async fn a_session_a_sign_out_and_a_lock_out_made_on_one_instance_hold_on_the_other(b: Backend) {
    let app = TestApp::spawn(b).await;
    let other = app.spawn_sharing().await;
    app.user("choi", vec![Grant::Auditor]).await;
    let r = post_sign_in(&app, "choi", TEST_PASSWORD, &[]).await;
    let cookie = session_cookie(&r).expect("a session cookie").split(';').next().unwrap().to_string();
    let (status, me) = me_with(&other, &cookie).await;
    assert_eq!((status, me["login"].as_str()), (200, Some("choi")), "signed in on one, known on the other: {me}");

    let csrf = me["csrf_token"].as_str().expect("the session's CSRF token").to_string();
    let out = other
        .client
        .post(format!("{}/sign-out", other.base))
        .header("cookie", &cookie)
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status().as_u16(), 303, "signed out on the other");
    assert_eq!(me_with(&app, &cookie).await.0, 401, "the session ended for both");

    app.user("jung", vec![Grant::Auditor]).await;
    for _ in 0..5 {
        assert_eq!(post_sign_in(&app, "jung", "wrong-password-1", &[]).await.status().as_u16(), 401);
    }
    let r = post_sign_in(&other, "jung", TEST_PASSWORD, &[]).await;
    assert_eq!(r.status().as_u16(), 429, "locked out on one, locked out on the other");
}

async fn signing_in_sets_a_protected_session_cookie_and_is_audited(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("kim", vec![Grant::Auditor]).await;
    let r = post_sign_in(&app, "kim", TEST_PASSWORD, &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    let cookie = session_cookie(&r).expect("a session cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http: no Secure flag");
    assert!(!cookie.contains("Max-Age") && !cookie.contains("Expires"), "not kept on disk: {cookie}");
    let me = app
        .client
        .get(format!("{}/api/v1/me", app.base))
        .header("cookie", cookie.split(';').next().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(me.headers()["cache-control"], "no-store", "what a signed-in person sees is not cached");
    let r = post_sign_in(&app, "kim", TEST_PASSWORD, &[("x-forwarded-proto", "https")]).await;
    assert!(session_cookie(&r).unwrap().contains("Secure"), "behind an HTTPS proxy the cookie is Secure");
    let log = app
        .db
        .list_audit(&hanteam_domain::AuditFilter { actor: Some("kim".into()), limit: 50, ..Default::default() })
        .await
        .unwrap();
    assert!(log.items.iter().all(|e| e.entry.action == "auth.sign_in"));
    assert_eq!(log.items.len(), 2);
}

async fn a_wrong_password_is_refused_and_repeated_failures_lock_sign_in(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("lee", vec![Grant::Auditor]).await;
    for _ in 0..5 {
        let r = post_sign_in(&app, "lee", "wrong-password-1", &[]).await;
        assert_eq!(r.status().as_u16(), 401);
        assert!(session_cookie(&r).is_none());
        assert!(r.text().await.unwrap().contains("아이디 또는 비밀번호가 맞지 않습니다"));
    }
    let r = post_sign_in(&app, "lee", TEST_PASSWORD, &[]).await;
    assert_eq!(r.status().as_u16(), 429, "locked even with the right password");
    assert!(r.text().await.unwrap().contains("분 뒤에 다시 시도해 주세요"));
    // Another account from the same address is not locked by five failures (an office shares one).
    app.user("park", vec![Grant::Auditor]).await;
    assert_eq!(post_sign_in(&app, "park", TEST_PASSWORD, &[]).await.status().as_u16(), 303);
    let failed = app
        .db
        .list_audit(&hanteam_domain::AuditFilter { actor: Some("lee".into()), limit: 50, ..Default::default() })
        .await
        .unwrap();
    assert_eq!(failed.items.iter().filter(|e| e.entry.action == "auth.sign_in_failed").count(), 5);
    assert!(
        !failed.items.iter().any(|e| e.entry.after.as_deref().unwrap_or("").contains("wrong-password")),
        "passwords are never logged"
    );
}

async fn attempts_sent_at_the_same_moment_cannot_pass_the_limit(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("yoon", vec![Grant::Auditor]).await;
    let mut browsers = Vec::new();
    for _ in 0..12 {
        browsers.push(app.anonymous_browser().await);
    }
    let url = format!("{}/sign-in", app.base);
    let attempts = browsers.iter().map(|(client, token)| {
        let url = url.clone();
        async move {
            let form = [("login", "yoon"), ("password", "wrong-password-1"), ("csrf_token", token.as_str())];
            client.post(url).form(&form).send().await.unwrap().status().as_u16()
        }
    });
    let statuses = futures::future::join_all(attempts).await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked + refused, 12, "{statuses:?}");
    assert!(checked <= 5, "only five passwords are checked before the lock: {statuses:?}");
}

async fn only_failures_count_against_an_address(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("kim", vec![Grant::Auditor]).await;
    // More successful sign-ins than the address may fail (an office behind one proxy signs in all day).
    for i in 0..22 {
        assert_eq!(post_sign_in(&app, "kim", TEST_PASSWORD, &[]).await.status().as_u16(), 303, "sign-in {i}");
    }
    // Nineteen failures over many logins: one short of the address's lock.
    for i in 0..19 {
        let r = post_sign_in(&app, &format!("guess{i}"), "wrong-password-1", &[]).await;
        assert_eq!(r.status().as_u16(), 401, "failure {i}");
    }
    assert_eq!(post_sign_in(&app, "kim", TEST_PASSWORD, &[]).await.status().as_u16(), 303, "a success is not counted");
    assert_eq!(post_sign_in(&app, "guess19", "wrong-password-1", &[]).await.status().as_u16(), 401);
    let r = post_sign_in(&app, "kim", TEST_PASSWORD, &[]).await;
    assert_eq!(r.status().as_u16(), 429, "the twentieth failure locks the address");
}

async fn behind_a_trusted_proxy_the_forwarded_client_address_is_used(b: Backend) {
    let app = TestApp::spawn_behind_proxy(b).await;
    app.user("han", vec![Grant::Auditor]).await;
    app.user("oh", vec![Grant::Auditor]).await;
    // Twenty failures from one address, over several accounts, lock the address.
    for i in 0..20 {
        let login = ["han", "kang", "cho", "lim"][i % 4];
        let r = post_sign_in(&app, login, "wrong-password-1", &[("x-forwarded-for", "203.0.113.5")]).await;
        assert_eq!(r.status().as_u16(), 401, "attempt {i}");
    }
    // Another person behind the same proxy is not locked out with the attacker.
    let r = post_sign_in(&app, "oh", TEST_PASSWORD, &[("x-forwarded-for", "203.0.113.6")]).await;
    assert_eq!(r.status().as_u16(), 303);
    let r = post_sign_in(&app, "oh", TEST_PASSWORD, &[("x-forwarded-for", "203.0.113.5")]).await;
    assert_eq!(r.status().as_u16(), 429, "the attacker's address is locked");
    let log = app
        .db
        .list_audit(&hanteam_domain::AuditFilter { actor: Some("han".into()), limit: 5, ..Default::default() })
        .await
        .unwrap();
    assert_eq!(log.items[0].entry.client_addr.as_deref(), Some("203.0.113.5"));
}

async fn without_a_trusted_proxy_forwarded_headers_are_ignored(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("seo", vec![Grant::Auditor]).await;
    let r = post_sign_in(&app, "seo", TEST_PASSWORD, &[("x-forwarded-for", "203.0.113.9")]).await;
    assert_eq!(r.status().as_u16(), 303);
    let log = app
        .db
        .list_audit(&hanteam_domain::AuditFilter { actor: Some("seo".into()), limit: 5, ..Default::default() })
        .await
        .unwrap();
    assert_eq!(log.items[0].entry.client_addr.as_deref(), Some("127.0.0.1"));
}

async fn an_unknown_login_and_a_disabled_account_get_the_same_answer(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("gone", vec![Grant::Auditor]).await;
    let gone = hanteam_app::accounts::UserRef::Login("gone".into());
    hanteam_app::accounts::disable_user(&app.db, &crate::common::console(), &gone, None).await.unwrap();
    let a = post_sign_in(&app, "gone", TEST_PASSWORD, &[]).await;
    let b2 = post_sign_in(&app, "nobody", TEST_PASSWORD, &[]).await;
    assert_eq!((a.status().as_u16(), b2.status().as_u16()), (401, 401));
}

async fn signing_out_ends_the_session(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("choi", vec![Grant::Auditor]).await;
    let browser = app.sign_in("choi").await;
    assert_eq!(browser.send(Method::GET, "/api/v1/me", None).await.0, 200);
    let r = browser.post_form("/sign-out", &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(browser.send(Method::GET, "/api/v1/me", None).await.0, 401);
}

async fn a_session_ends_after_thirty_idle_minutes(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("jung", vec![Grant::Auditor]).await;
    let browser = app.sign_in("jung").await;
    let past = chrono::Utc::now() - chrono::Duration::minutes(31);
    match &app.db {
        hanteam_store::Db::Sqlite(p) => {
            sqlx::query("UPDATE sessions SET last_seen_at = $1").bind(past).execute(p).await.map(|_| ())
        }
        hanteam_store::Db::Postgres(p) => {
            sqlx::query("UPDATE sessions SET last_seen_at = $1").bind(past).execute(p).await.map(|_| ())
        }
    }
    .unwrap();
    assert_eq!(browser.send(Method::GET, "/api/v1/me", None).await.0, 401);
    let page = browser.client.get(browser.url("/account")).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 303);
    assert!(page.headers()["location"].to_str().unwrap().starts_with("/sign-in?next=/account"));
}

async fn changes_from_a_browser_need_the_csrf_token_of_the_session(b: Backend) {
    let app = TestApp::spawn(b).await;
    let env = app.agency_id("환경부").await;
    app.user("officer", vec![Grant::AgencyOfficer { agency_id: env.into() }]).await;
    let browser = app.sign_in("officer").await;
    let url = browser.url(&format!("/api/v1/tasks/1/agencies/{env}"));
    let body = json!({"role": "바뀐 역할", "version": 1});
    let no_token = browser.client.put(&url).json(&body).send().await.unwrap();
    assert_eq!(no_token.status().as_u16(), 403);
    let wrong = browser.client.put(&url).header("x-csrf-token", "0".repeat(64)).json(&body).send().await.unwrap();
    assert_eq!(wrong.status().as_u16(), 403);
    let foreign = browser
        .client
        .put(&url)
        .header("x-csrf-token", &browser.csrf)
        .header("origin", "https://evil.example")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status().as_u16(), 403, "another site's origin is refused");
    assert_eq!(
        app.json("/api/v1/tasks/1", 200).await["agencies"][1]["role"],
        "환경영향평가 평가전담반 운영, 용수확보·공급 지원"
    );
    let (s, _) = browser.send(Method::PUT, &format!("/api/v1/tasks/1/agencies/{env}"), Some(body)).await;
    assert_eq!(s, 200);
    let (client, _) = app.anonymous_browser().await;
    let r = client
        .post(format!("{}/sign-in", app.base))
        .form(&[("login", "officer"), ("password", TEST_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403, "even the sign-in form needs its token");
}

async fn a_first_password_must_be_changed_before_anything_else(b: Backend) {
    let app = TestApp::spawn(b).await;
    crate::common::insert_user(&app.db, "new", vec![Grant::OpcAdmin], TEST_PASSWORD, true).await;
    let browser = app.sign_in("new").await;
    let (s, e) = browser.send(Method::GET, "/api/v1/audit", None).await;
    assert_eq!((s, e["error"]["code"].as_str()), (403, Some("forbidden")));
    let page = browser.client.get(browser.url("/tasks/new")).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 303);
    assert_eq!(page.headers()["location"], "/account?password=required");
    let weak = browser
        .post_form(
            "/account/password",
            &[("current_password", TEST_PASSWORD), ("new_password", "short"), ("new_password_confirm", "short")],
        )
        .await;
    assert_eq!(weak.status().as_u16(), 400);
    assert!(weak.text().await.unwrap().contains("10자 이상"));
    let good = "새-비밀번호-2024";
    let r = browser
        .post_form(
            "/account/password",
            &[("current_password", TEST_PASSWORD), ("new_password", good), ("new_password_confirm", good)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap_or_default());
    let (s, _) = browser.send(Method::GET, "/api/v1/me", None).await;
    assert_eq!(s, 200, "a new session replaces the ended one");
    let c = app.db.credentials("new").await.unwrap().unwrap();
    assert!(!c.must_change_password);
    assert!(hanteam_app::secrets::verify_password(&c.password_hash, good));
}

async fn error_pages_still_show_who_is_signed_in(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("moon", vec![Grant::AgencyOfficer { agency_id: 1.into() }]).await;
    let browser = app.sign_in("moon").await;
    for (path, status) in [("/no-such-page", 404), ("/audit", 403)] {
        let r = browser.client.get(browser.url(path)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), status, "{path}");
        let html = r.text().await.unwrap();
        assert!(html.contains("moon 담당자") && html.contains("로그아웃"), "{path}: the header shows the person");
    }
}

async fn security_headers_are_on_every_page(b: Backend) {
    let app = TestApp::spawn(b).await;
    for path in ["/", "/sign-in", "/tasks/1", "/no-such-page"] {
        let r = app.get(path).await;
        let h = r.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("default-src 'self'")
                && csp.contains("frame-ancestors 'none'")
                && !csp.contains("unsafe-inline"),
            "{path}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
    }
}

on_both_backends!(
    signing_in_sets_a_protected_session_cookie_and_is_audited,
    a_wrong_password_is_refused_and_repeated_failures_lock_sign_in,
    a_session_a_sign_out_and_a_lock_out_made_on_one_instance_hold_on_the_other,
    attempts_sent_at_the_same_moment_cannot_pass_the_limit,
    only_failures_count_against_an_address,
    behind_a_trusted_proxy_the_forwarded_client_address_is_used,
    without_a_trusted_proxy_forwarded_headers_are_ignored,
    an_unknown_login_and_a_disabled_account_get_the_same_answer,
    signing_out_ends_the_session,
    a_session_ends_after_thirty_idle_minutes,
    changes_from_a_browser_need_the_csrf_token_of_the_session,
    a_first_password_must_be_changed_before_anything_else,
    security_headers_are_on_every_page,
    error_pages_still_show_who_is_signed_in,
);
