//! Reminders through the real thing, on SQLite and PostgreSQL: the job run at a given moment (as
//! `serve` runs it every minute), a real SMTP server (Python's aiosmtpd, started here, writing what
//! it receives into a Maildir), the bell and the list over HTTP, and two servers on one database.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use hanteam_app::notify::{self, Mailer};
use hanteam_domain::access::Grant;
use hanteam_domain::time::kst_date;
use hanteam_domain::AgencyId;
use reqwest::Method;
use serde_json::json;

use crate::common::{Backend, TestApp};

/// A local SMTP server (aiosmtpd) that keeps every message it accepts in a Maildir.
struct SmtpServer {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

/// Debian's Python, where python3-aiosmtpd installs (a Python earlier in PATH, e.g. pyenv's, lacks
/// it); `HANTEAM_TEST_PYTHON` names another.
fn python() -> String {
    std::env::var("HANTEAM_TEST_PYTHON").unwrap_or_else(|_| {
        if Path::new("/usr/bin/python3").exists() { "/usr/bin/python3" } else { "python3" }.to_string()
    })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

impl SmtpServer {
    async fn start_on(port: u16) -> SmtpServer {
        let dir = tempfile::tempdir().expect("maildir");
        let child = Command::new(python())
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("mail"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 -m aiosmtpd (apt-get install python3-aiosmtpd; scripts/setup.sh does)");
        let deadline = Instant::now() + Duration::from_secs(20);
        while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            assert!(Instant::now() < deadline, "aiosmtpd did not start listening on port {port}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        SmtpServer { child, port, dir }
    }

    async fn start() -> SmtpServer {
        SmtpServer::start_on(free_port()).await
    }

    /// Every message received: (To, Subject, body), read back by Python's own e-mail parser.
    fn received(&self) -> Vec<(String, String, String)> {
        received_in(&self.dir.path().join("mail"))
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn received_in(maildir: &Path) -> Vec<(String, String, String)> {
    let script = r#"
import json, mailbox, sys
from email import policy
from email.parser import BytesParser
out = []
for key, msg in sorted(mailbox.Maildir(sys.argv[1], create=False).items()):
    m = BytesParser(policy=policy.default).parsebytes(msg.as_bytes())
    out.append([str(m["To"]), str(m["Subject"]), m.get_body().get_content()])
print(json.dumps(out))
"#;
    if !maildir.join("new").exists() {
        return Vec::new();
    }
    let out = Command::new(python()).arg("-c").arg(script).arg(maildir).output().expect("python3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json")
}

const FROM: &str = "한팀 알림 <hanteam@example.go.kr>";

fn mailer(app: &TestApp, port: u16) -> Mailer {
    Mailer::new(&format!("smtp://127.0.0.1:{port}"), FROM, &app.base).expect("mailer")
}

/// Task 1 and the first agency taking part in it.
async fn task_and_agency(app: &TestApp) -> (i64, AgencyId) {
    let task = app.json("/api/v1/tasks/1", 200).await;
    let agency = task["agencies"][0]["agency_id"]
        .as_i64()
        .or_else(|| task["agencies"][0]["id"].as_i64())
        .unwrap_or_else(|| panic!("task 1 names its agencies: {}", task["agencies"]));
    (1, AgencyId::new(agency))
}

/// An officer of `agency` who signs in and saves `email` on the account page.
async fn officer_with_email(app: &TestApp, login: &str, agency: AgencyId, email: &str) -> crate::common::Browser {
    app.user(login, vec![Grant::AgencyOfficer { agency_id: agency }]).await;
    let browser = app.sign_in(login).await;
    let page = browser.client.get(browser.url("/account")).send().await.unwrap().text().await.unwrap();
    let version = crate::common::hidden_field(&page, "version").expect("the e-mail form carries the version");
    let r = browser.post_form("/account/email", &[("email", email), ("version", &version)]).await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap_or_default());
    browser
}

/// A milestone of task 1 due a week after `now` (Korean days), added by OPC through the API.
async fn milestone_due_in_a_week(app: &TestApp, task: i64, now: DateTime<Utc>) -> String {
    let opc = app.token_for("opc-notify", vec![Grant::OpcAdmin]).await;
    let due = (kst_date(now) + chrono::Duration::days(7)).to_string();
    let (s, m) = app
        .call(
            Method::POST,
            &format!("/api/v1/tasks/{task}/milestones"),
            Some(&opc),
            Some(json!({"title": "산업단지계획 승인 신청", "due": due})),
        )
        .await;
    assert_eq!(s, 201, "{m}");
    due
}

async fn bell(browser: &crate::common::Browser) -> String {
    let html = browser.client.get(browser.url("/")).send().await.unwrap().text().await.unwrap();
    let at = html.find("data-unread=\"").expect("a signed-in page shows the bell") + 13;
    html[at..at + html[at..].find('"').unwrap()].to_string()
}

async fn a_milestone_due_in_a_week_reminds_once_in_the_bell_and_by_one_e_mail(b: Backend) {
    let app = TestApp::spawn(b).await;
    let smtp = SmtpServer::start().await;
    let (task, agency) = task_and_agency(&app).await;
    let officer = officer_with_email(&app, "notify-officer", agency, "Officer@Example.GO.KR").await;
    assert_eq!(bell(&officer).await, "0");
    let now = Utc::now();
    milestone_due_in_a_week(&app, task, now).await;

    let (made, sent) = notify::run_job(&app.db, Some(&mailer(&app, smtp.port)), now).await.expect("job");
    assert_eq!((made, sent.sent, sent.failed), (1, 1, 0));
    // The next minute, and the next day: nothing new.
    let again = notify::run_job(&app.db, Some(&mailer(&app, smtp.port)), now + chrono::Duration::minutes(1)).await;
    assert_eq!(again.expect("job").0, 0);
    let next_day = notify::run_job(&app.db, Some(&mailer(&app, smtp.port)), now + chrono::Duration::days(1)).await;
    assert_eq!(next_day.expect("job"), (0, notify::Delivery::default()), "still the week-before reminder");

    let mails = smtp.received();
    assert_eq!(mails.len(), 1, "{mails:?}");
    let (to, subject, body) = &mails[0];
    assert_eq!(to, "Officer@example.go.kr", "the address as saved (the domain in lower case)");
    assert!(subject.starts_with("[한팀] [추진일정 기한 7일 전] 과제 1 · "), "{subject}");
    assert!(subject.contains("산업단지계획 승인 신청") && subject.contains("기한까지 7일 남음"), "{subject}");
    assert!(body.contains(&format!("바로 가기: {}/tasks/{task}", app.base)), "{body}");
    assert!(body.contains(&format!("{}/notifications", app.base)), "{body}");

    // The bell, the list and the API say the same.
    assert_eq!(bell(&officer).await, "1");
    let list = officer.client.get(officer.url("/notifications")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("산업단지계획 승인 신청") && list.contains("읽지 않음"), "{list}");
    let (s, api) = officer.send(Method::GET, "/api/v1/notifications", None).await;
    assert_eq!((s, api["total"].as_i64(), api["unread"].as_i64()), (200, Some(1), Some(1)), "{api}");
    assert_eq!(api["items"][0]["kind"], "milestone_due_7");
    assert_eq!(api["items"][0]["link"], format!("/tasks/{task}"));
    let id = api["items"][0]["id"].as_i64().unwrap();

    // Someone else cannot see or mark it.
    let other = app.token_for("notify-other", vec![Grant::AgencyOfficer { agency_id: agency }]).await;
    let (s, e) = app.call(Method::POST, &format!("/api/v1/notifications/{id}/read"), Some(&other), None).await;
    assert_eq!(s, 404, "{e}");
    let (_, theirs) = app.call(Method::GET, "/api/v1/notifications", Some(&other), None).await;
    assert_eq!(theirs["total"], 0, "an officer who joined later was not reminded: {theirs}");

    // Marked read from the list page: the bell goes back to 0.
    let r = officer.post_form(&format!("/notifications/{id}/read"), &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(bell(&officer).await, "0");
    let (_, api) = officer.send(Method::GET, "/api/v1/notifications", None).await;
    assert!(api["items"][0]["read_at"].is_string(), "{api}");
    let audit = app.db.list_audit(&hanteam_domain::AuditFilter { limit: 500, ..Default::default() }).await.unwrap();
    let actions: Vec<&str> = audit.items.iter().map(|r| r.entry.action.as_str()).collect();
    assert!(actions.contains(&"notification.create") && actions.contains(&"notification.read"), "{actions:?}");
    assert!(actions.contains(&"user.email"), "{actions:?}");
}

async fn two_servers_running_the_job_at_the_same_moment_remind_and_mail_once(b: Backend) {
    let app = TestApp::spawn(b).await;
    let other = app.spawn_sharing().await;
    let smtp = SmtpServer::start().await;
    let (task, agency) = task_and_agency(&app).await;
    for n in 1..=3 {
        officer_with_email(&app, &format!("twin-officer-{n}"), agency, &format!("twin{n}@example.go.kr")).await;
    }
    let now = Utc::now();
    milestone_due_in_a_week(&app, task, now).await;
    let (m1, m2) = (mailer(&app, smtp.port), mailer(&other, smtp.port));
    for round in 0..2 {
        let at = now + chrono::Duration::minutes(round);
        let (a, b) = tokio::join!(notify::run_job(&app.db, Some(&m1), at), notify::run_job(&other.db, Some(&m2), at));
        let (a, b) = (a.expect("job on the first server"), b.expect("job on the second server"));
        let expected = if round == 0 { 3 } else { 0 };
        assert_eq!(a.0 + b.0, expected, "round {round}: notifications made between them ({a:?}, {b:?})");
        assert_eq!(a.1.sent + b.1.sent, expected, "round {round}: e-mails sent between them ({a:?}, {b:?})");
    }
    let mut to: Vec<String> = smtp.received().into_iter().map(|(to, _, _)| to).collect();
    to.sort();
    assert_eq!(to, vec!["twin1@example.go.kr", "twin2@example.go.kr", "twin3@example.go.kr"]);
    let (_, api) = app.call(Method::GET, "/api/v1/notifications", None, None).await;
    assert_eq!(api["error"]["code"].as_str().map(|_| ()), Some(()), "the list needs someone signed in: {api}");
    let states = app.db.mails_of_kind("milestone_due_7").await.unwrap();
    assert_eq!(states.len(), 3);
    assert!(states.iter().all(|m| m.sent_at.is_some() && m.attempts == 1), "{states:?}");
}

async fn a_mail_the_smtp_server_cannot_take_stays_queued_and_a_later_run_sends_it_once(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (task, agency) = task_and_agency(&app).await;
    officer_with_email(&app, "retry-officer", agency, "retry@example.go.kr").await;
    let now = Utc::now();
    milestone_due_in_a_week(&app, task, now).await;
    let port = free_port(); // nobody listens there yet
    let down = notify::run_job(&app.db, Some(&mailer(&app, port)), now).await.expect("job");
    assert_eq!((down.0, down.1.sent, down.1.failed), (1, 0, 1), "the notification is made, its e-mail fails");
    let state = &app.db.mails_of_kind("milestone_due_7").await.unwrap()[0];
    assert_eq!((state.attempts, state.sent_at, state.gave_up_at), (1, None, None));
    assert!(state.last_error.is_some());

    let smtp = SmtpServer::start_on(port).await;
    let soon = notify::run_job(&app.db, Some(&mailer(&app, port)), now + chrono::Duration::seconds(30)).await;
    assert_eq!(soon.expect("job").1, notify::Delivery::default(), "not tried again before its time");
    let later = notify::run_job(&app.db, Some(&mailer(&app, port)), now + chrono::Duration::minutes(2)).await;
    assert_eq!(later.expect("job").1, notify::Delivery { sent: 1, failed: 0 });
    let after = notify::run_job(&app.db, Some(&mailer(&app, port)), now + chrono::Duration::hours(3)).await;
    assert_eq!(after.expect("job").1, notify::Delivery::default(), "never twice after success");
    let mails = smtp.received();
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(mails[0].1.contains("추진일정 기한 7일 전"), "{}", mails[0].1);
}

async fn a_wrong_e_mail_address_is_refused_in_korean_and_nothing_is_saved(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (_, agency) = task_and_agency(&app).await;
    app.user("bad-email", vec![Grant::AgencyOfficer { agency_id: agency }]).await;
    let browser = app.sign_in("bad-email").await;
    let page = browser.client.get(browser.url("/account")).send().await.unwrap().text().await.unwrap();
    let version = crate::common::hidden_field(&page, "version").unwrap();
    let r = browser.post_form("/account/email", &[("email", "hong@korea"), ("version", &version)]).await;
    assert_eq!(r.status().as_u16(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("이메일 주소 형식이 아닙니다") && html.contains("hong@korea"), "{html}");
    let (_, me) = browser.send(Method::GET, "/api/v1/me", None).await;
    let user = app.db.user_view(hanteam_domain::UserId::new(me["user_id"].as_i64().unwrap())).await.unwrap().unwrap();
    assert_eq!((user.user.email, user.user.version.to_string()), (None, version.clone()), "nothing written");
    // A stale version is refused too.
    let r = browser.post_form("/account/email", &[("email", "hong@korea.kr"), ("version", "99")]).await;
    assert_eq!(r.status().as_u16(), 409);

    let opc = app.token_for("opc-email", vec![Grant::OpcAdmin]).await;
    let body = json!({"login": "kim.mail", "display_name": "김메일", "roles": ["auditor"], "email": "kim@@korea.kr"});
    let (s, e) = app.call(Method::POST, "/api/v1/users", Some(&opc), Some(body)).await;
    assert_eq!((s, e["error"]["field"].as_str()), (400, Some("email")), "{e}");
    let body = json!({"login": "kim.mail", "display_name": "김메일", "roles": ["auditor"], "email": "Kim@Korea.kr"});
    let (s, created) = app.call(Method::POST, "/api/v1/users", Some(&opc), Some(body)).await;
    assert_eq!((s, created["user"]["email"].as_str()), (201, Some("Kim@korea.kr")), "{created}");
}

/// The titles and links of the notifications of `kind` the holder of `token` has, newest first.
async fn notices(app: &TestApp, token: &str, kind: &str) -> Vec<(String, String)> {
    let (s, list) = app.call(Method::GET, "/api/v1/notifications?limit=500", Some(token), None).await;
    assert_eq!(s, 200, "{list}");
    crate::common::notices_of_kind(&list, kind)
}

/// 09:00 in Korea on `day`.
fn morning(day: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("{day}T00:00:00Z")).unwrap().with_timezone(&Utc)
}

/// The job runs every minute: what a run reminded of is remembered and left out of the next run's
/// pick (on 100,000 tasks it was otherwise ~900,000 notifications tried again each minute), while
/// a milestone added later the same day is still reminded.
async fn a_run_remembers_what_it_reminded_of_and_a_milestone_added_later_is_still_reminded(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (task, agency) = task_and_agency(&app).await;
    let officer = app.token_for("remember-officer", vec![Grant::AgencyOfficer { agency_id: agency }]).await;
    let now = Utc::now();
    let today = kst_date(now);
    let (from, to) = (today + chrono::Duration::days(2), today + chrono::Duration::days(7));
    milestone_due_in_a_week(&app, task, now).await;
    let picked = app.db.open_milestones_due("milestone_due_7", from, to).await.expect("due milestones");
    assert_eq!(picked.len(), 1, "{picked:?}");

    assert_eq!(notify::remind_due(&app.db, now).await.expect("job"), 1);
    let picked = app.db.open_milestones_due("milestone_due_7", from, to).await.expect("due milestones");
    assert!(picked.is_empty(), "reminded already: {picked:?}");

    let opc = app.token_for("opc-remember", vec![Grant::OpcAdmin]).await;
    let due = (today + chrono::Duration::days(3)).to_string();
    let body = json!({"title": "실시계획 승인", "due": due});
    let (s, m) = app.call(Method::POST, &format!("/api/v1/tasks/{task}/milestones"), Some(&opc), Some(body)).await;
    assert_eq!(s, 201, "{m}");
    assert_eq!(notify::remind_due(&app.db, now + chrono::Duration::minutes(1)).await.expect("job"), 1);
    assert_eq!(notify::remind_due(&app.db, now + chrono::Duration::minutes(2)).await.expect("job"), 0);
    let mine = notices(&app, &officer, "milestone_due_7").await;
    assert_eq!(mine.len(), 2, "{mine:?}");
    assert!(mine.iter().any(|(title, _)| title.contains("실시계획 승인")), "{mine:?}");
}

async fn reports_due_in_a_week_tomorrow_and_overdue_remind_each_agency_once_and_a_returned_report_says_so(b: Backend) {
    let app = TestApp::spawn(b).await;
    let opc = app.token_for("opc-cycle", vec![Grant::OpcAdmin]).await;
    let env = app.agency_id("환경부").await;
    let officer = app.token_for("env-reports", vec![Grant::AgencyOfficer { agency_id: AgencyId::new(env) }]).await;
    let cycle =
        json!({"name": "2024년 2분기", "period_start": "2024-04-01", "period_end": "2024-06-30", "due": "2024-07-05"});
    let (s, c) = app.call(Method::POST, "/api/v1/check-cycles", Some(&opc), Some(cycle)).await;
    assert_eq!(s, 201, "{c}");
    let cycle = c["id"].as_i64().unwrap();
    let run = |day: &'static str| {
        let db = app.db.clone();
        async move { notify::run_job(&db, None, morning(day)).await.expect("job") }
    };

    run("2024-06-27").await;
    assert!(notices(&app, &officer, "report_due_7").await.is_empty(), "eight days before: nothing yet");
    for day in ["2024-06-28", "2024-06-29", "2024-07-02"] {
        run(day).await;
    }
    let week = notices(&app, &officer, "report_due_7").await;
    assert_eq!(week.len(), 1, "once over the week: {week:?}");
    let (title, link) = &week[0];
    assert!(title.starts_with("[추진실적 제출 기한 7일 전] 2024년 2분기 — 환경부 추진실적 "), "{title}");
    assert!(title.ends_with("건 미제출 (2024. 7. 5., 기한까지 7일 남음)"), "{title}");
    assert_eq!(link, &format!("/checks/{cycle}"));

    run("2024-07-04").await;
    run("2024-07-05").await;
    let tomorrow = notices(&app, &officer, "report_due_1").await;
    assert_eq!(tomorrow.len(), 1, "{tomorrow:?}");
    assert!(tomorrow[0].0.ends_with("(2024. 7. 5., 기한까지 1일 남음)"), "{}", tomorrow[0].0);
    for day in ["2024-07-06", "2024-07-10"] {
        run(day).await;
    }
    let overdue = notices(&app, &officer, "report_overdue").await;
    assert_eq!(overdue.len(), 1, "{overdue:?}");
    assert!(overdue[0].0.ends_with("(2024. 7. 5., 기한이 1일 지남)"), "{}", overdue[0].0);

    // A returned report tells its agency each time it is returned.
    let path = format!("/api/v1/check-cycles/{cycle}/reports/1/{env}");
    for round in 1..=2 {
        let (_, r) = app.call(Method::GET, &path, Some(&officer), None).await;
        let (s, saved) =
            app.call(Method::PUT, &path, Some(&officer), Some(crate::checks::draft(&r, "산업단지계획 수립"))).await;
        assert_eq!(s, 200, "{saved}");
        let v = saved["version"].clone();
        let (s, e) =
            app.call(Method::POST, &format!("{path}/submit"), Some(&officer), Some(json!({"version": v}))).await;
        assert_eq!(s, 200, "{e}");
        let (_, r) = app.call(Method::GET, &path, Some(&officer), None).await;
        let back = json!({"comment": "성과지표 실적을 채워 주세요", "version": r["version"]});
        let (s, e) = app.call(Method::POST, &format!("{path}/return"), Some(&opc), Some(back)).await;
        assert_eq!(s, 200, "{e}");
        let returned = notices(&app, &officer, "report_returned").await;
        assert_eq!(returned.len(), round, "{returned:?}");
        assert!(returned[0].0.starts_with("[추진실적 보완 요청] 2024년 2분기 — 과제 1 · "), "{}", returned[0].0);
        assert_eq!(returned[0].1, format!("/checks/{cycle}/reports/1/{env}"));
    }
}

on_both_backends!(
    a_milestone_due_in_a_week_reminds_once_in_the_bell_and_by_one_e_mail,
    a_run_remembers_what_it_reminded_of_and_a_milestone_added_later_is_still_reminded,
    two_servers_running_the_job_at_the_same_moment_remind_and_mail_once,
    a_mail_the_smtp_server_cannot_take_stays_queued_and_a_later_run_sends_it_once,
    a_wrong_e_mail_address_is_refused_in_korean_and_nothing_is_saved,
    reports_due_in_a_week_tomorrow_and_overdue_remind_each_agency_once_and_a_returned_report_says_so,
);
