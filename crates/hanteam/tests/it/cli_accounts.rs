//! Accounts and the audit log from the command line, through the real `hanteam` binary:
//! `user add|list|disable|reset-password`, the first administrator created by `serve`, the demo
//! accounts of `serve --demo`, and `audit verify` against a log tampered with by hand.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::common::Backend;
use hanteam_app::demo::DEMO_LOGINS;
use hanteam_app::secrets::verify_password;
use hanteam_domain::access::Grant;
use hanteam_domain::AuditFilter;
use hanteam_store::Db;

const OS_USER: &str = "kim.dba";

fn hanteam(url: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hanteam"));
    cmd.env_remove("HANTEAM_ADDR").env("DATABASE_URL", url).env("RUST_LOG", "warn").env("USER", OS_USER);
    cmd
}

struct Ran {
    code: i32,
    out: String,
    err: String,
}

fn run<const N: usize>(url: &str, args: [&str; N]) -> Ran {
    let out = hanteam(url).args(args).output().expect("run hanteam");
    Ran {
        code: out.status.code().unwrap_or(-1),
        out: String::from_utf8_lossy(&out.stdout).into(),
        err: String::from_utf8_lossy(&out.stderr).into(),
    }
}

/// Runs a command that must succeed.
fn ok<const N: usize>(url: &str, args: [&str; N]) -> String {
    let r = run(url, args);
    assert_eq!(r.code, 0, "hanteam {args:?} failed:\n{}\n{}", r.out, r.err);
    r.out
}

/// The one-time password in a command's output (the line that names it).
fn one_time_password(out: &str) -> Option<String> {
    out.lines()
        .find(|l| l.contains("일회용 비밀번호 / one-time password:"))
        .and_then(|l| l.split_whitespace().last())
        .map(str::to_string)
}

/// The line of `user list` for `login`.
fn list_line(url: &str, login: &str) -> String {
    let out = ok(url, ["user", "list"]);
    out.lines()
        .find(|l| l.split_whitespace().next() == Some(login))
        .unwrap_or_else(|| panic!("{login} is not in the list:\n{out}"))
        .to_string()
}

/// A running `hanteam serve`: what it printed before it listened, and its output readers.
struct Server {
    child: Child,
    before_listening: Vec<String>,
    /// Where it listens, e.g. `http://127.0.0.1:40123`.
    base: String,
    stdout: JoinHandle<Vec<String>>,
    stderr: JoinHandle<String>,
}

impl Server {
    fn start(cmd: &mut Command) -> Server {
        let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn hanteam serve");
        let (tx, rx) = mpsc::channel();
        let stdout: ChildStdout = child.stdout.take().expect("stdout");
        let stdout = std::thread::spawn(move || {
            let mut lines = Vec::new();
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line.clone());
                lines.push(line);
            }
            lines
        });
        let mut err = child.stderr.take().expect("stderr");
        let stderr = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = err.read_to_string(&mut s);
            s
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut before_listening = Vec::new();
        let base = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) if line.starts_with("hanteam listening on http://") => {
                    break line.trim_start_matches("hanteam listening on ").trim().to_string()
                }
                Ok(line) => before_listening.push(line),
                Err(_) => {
                    let _ = child.kill();
                    let err = stderr.join().unwrap_or_default();
                    panic!("hanteam serve did not report its address within 60 s:\n{before_listening:?}\n{err}");
                }
            }
        };
        Server { child, before_listening, base, stdout, stderr }
    }

    /// Stops the server gracefully; returns everything it printed to stdout and stderr.
    fn stop(mut self) -> (String, String) {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let status = self.child.wait().expect("wait");
        let out = self.stdout.join().expect("stdout reader").join("\n");
        let err = self.stderr.join().expect("stderr reader");
        assert!(status.success(), "hanteam serve did not stop cleanly: {status}\n{err}");
        (out, err)
    }
}

fn serve(url: &str, extra: &[&str]) -> Server {
    Server::start(hanteam(url).args(["serve", "--addr", "127.0.0.1:0"]).args(extra))
}

async fn seeded(b: Backend, dir: &tempfile::TempDir) -> String {
    let url = crate::common::fresh_database(b, dir).await;
    ok(&url, ["seed"]);
    url
}

async fn position_id(db: &Db, agency: &str, title: &str) -> hanteam_domain::PositionId {
    db.list_pairs()
        .await
        .unwrap()
        .into_iter()
        .flat_map(|p| p.positions)
        .find(|p| p.agency.short_name == agency && p.title == title)
        .map(|p| p.id)
        .unwrap_or_else(|| panic!("no position {agency} {title}"))
}

async fn user_add_list_and_disable_round_trip_and_are_audited_as_the_cli(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let url = seeded(b, &dir).await;
    let db = Db::open(&url).await.unwrap();

    let out = ok(
        &url,
        ["user", "add", "--login", "Kim.Env", "--name", "김환경", "--role", "agency_officer", "--agency", "환경부"],
    );
    let password = one_time_password(&out).unwrap_or_else(|| panic!("no one-time password printed:\n{out}"));
    assert!(out.contains("kim.env") && out.contains("첫 로그인 때 새 비밀번호로 바꿔야 합니다"), "{out}");
    let account = db.credentials("kim.env").await.unwrap().expect("the login is stored in lower case");
    assert!(verify_password(&account.password_hash, &password), "the printed password is the account's");
    assert!(account.must_change_password);
    let env = db.find_agency(&hanteam_domain::AgencyRef::parse("환경부")).await.unwrap().unwrap();
    assert_eq!(db.grants(account.id).await.unwrap(), vec![Grant::AgencyOfficer { agency_id: env.id }]);

    let position = position_id(&db, "국토부", "국토정책관").await;
    ok(
        &url,
        [
            "user",
            "add",
            "--login",
            "lee.molit",
            "--name",
            "이국토",
            "--role",
            "exchangee",
            "--position",
            &position.to_string(),
            "--role",
            "auditor",
        ],
    );

    let line = list_line(&url, "kim.env");
    assert!(line.contains("김환경") && line.contains("기관 담당자(환경부)"), "{line}");
    assert!(line.contains("사용 중, 비밀번호 변경 필요"), "{line}");
    let line = list_line(&url, "lee.molit");
    assert!(
        line.contains(&format!("교류자(국토부 국토정책관, 직위 {position})")) && line.contains("감사 담당자"),
        "{line}"
    );

    let out = ok(&url, ["user", "disable", "kim.env"]);
    assert!(out.contains("사용 중지했습니다"), "{out}");
    let line = list_line(&url, "kim.env");
    assert!(line.contains("사용 중지"), "{line}");
    assert!(list_line(&url, "lee.molit").contains("사용 중,"), "only kim.env is disabled");
    let out = ok(&url, ["user", "disable", "kim.env"]);
    assert!(out.contains("이미") && out.contains("바뀐 것은 없습니다"), "disabling twice changes nothing: {out}");

    let audit = db
        .list_audit(&AuditFilter { actor: Some(format!("cli:{OS_USER}")), limit: 50, ..Default::default() })
        .await
        .unwrap();
    let actions: Vec<&str> = audit.items.iter().map(|r| r.entry.action.as_str()).collect();
    assert_eq!(
        actions,
        ["user.disable", "user.create", "user.create", "dataset.load"],
        "the audit log names the OS user, for `hanteam seed` too"
    );
    assert!(audit.items.iter().all(|r| !r.entry.after.as_deref().unwrap_or("").contains(&password)));
    db.close().await;
}

async fn reset_password_prints_a_new_one_time_password_that_must_be_changed(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::common::fresh_database(b, &dir).await;
    let first =
        one_time_password(&ok(&url, ["user", "add", "--login", "park.audit", "--name", "박감사", "--role", "auditor"]))
            .unwrap();

    let out = ok(&url, ["user", "reset-password", "park.audit"]);
    let second = one_time_password(&out).unwrap_or_else(|| panic!("no new password printed:\n{out}"));
    assert_ne!(first, second);
    assert!(out.contains("세션은 모두 끝났고") && out.contains("API 토큰은 모두 폐기되었습니다"), "{out}");
    let db = Db::open(&url).await.unwrap();
    let account = db.credentials("park.audit").await.unwrap().unwrap();
    assert!(verify_password(&account.password_hash, &second));
    assert!(!verify_password(&account.password_hash, &first), "the old password no longer works");
    assert!(account.must_change_password);

    let r = run(&url, ["user", "reset-password", "nobody"]);
    assert_eq!(r.code, 1, "{}", r.err);
    assert!(r.err.contains("없는 계정입니다: nobody") && r.err.contains("hanteam user list"), "{}", r.err);
    let r = run(&url, ["user", "disable", "nobody"]);
    assert_eq!(r.code, 1);
    assert!(r.err.contains("없는 계정입니다"), "{}", r.err);
    db.close().await;
}

async fn user_add_refuses_bad_roles_and_missing_or_unknown_targets_in_korean(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let url = seeded(b, &dir).await;
    let add = |extra: &[&str]| {
        let mut args = vec!["user", "add", "--login", "choi.test", "--name", "최시험"];
        args.extend_from_slice(extra);
        let out = hanteam(&url).args(&args).output().expect("run hanteam");
        (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).to_string())
    };

    let (code, err) = add(&["--role", "boss"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("알 수 없는 역할입니다: 'boss'") && err.contains("agency_officer"), "{err}");

    let (code, err) = add(&["--role", "agency_officer"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--agency") && err.contains("기관 담당자"), "{err}");

    let (code, err) = add(&["--role", "agency_officer", "--agency", "없는부"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("'없는부' 기관이 없습니다") && err.contains("환경부"), "lists the agencies: {err}");

    let (code, err) = add(&["--role", "exchangee"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--position"), "{err}");

    let (code, err) = add(&["--role", "exchangee", "--position", "99999"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("99999번 교류직위가 없습니다") && err.contains("국토정책관"), "lists the positions: {err}");

    let (code, err) = add(&["--role", "exchangee", "--position", "첫번째"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("숫자로 입력해 주세요"), "{err}");

    let (code, err) = add(&["--role", "auditor", "--agency", "환경부"]);
    assert_eq!(code, 2, "an agency without the officer role is a mistake: {err}");

    let r = run(&url, ["user", "add", "--login", "A", "--name", "가", "--role", "auditor"]);
    assert_eq!(r.code, 2);
    assert!(r.err.contains("아이디는 3~40자"), "{}", r.err);

    let db = Db::open(&url).await.unwrap();
    assert_eq!(db.count_users().await.unwrap(), 0, "nothing was created by the refused calls");

    let (code, err) = add(&["--role", "auditor"]);
    assert_eq!(code, 0, "{err}");
    let (code, err) = add(&["--role", "evaluator"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("이미 있는 아이디입니다: choi.test"), "{err}");
    assert_eq!(db.count_users().await.unwrap(), 1);
    db.close().await;
}

async fn the_first_serve_prints_the_admin_password_once_and_a_second_serve_none(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::common::fresh_database(b, &dir).await;

    // Log everything, to see that the password never reaches the log.
    let server = Server::start(hanteam(&url).args(["serve", "--addr", "127.0.0.1:0"]).env("RUST_LOG", "debug"));
    let printed = server.before_listening.join("\n");
    let (out, err) = server.stop();
    let password =
        one_time_password(&printed).unwrap_or_else(|| panic!("no admin password before listening:\n{printed}"));
    assert!(printed.contains("admin") && printed.contains("첫 로그인 때 새 비밀번호로 바꿔야 합니다"), "{printed}");
    assert!(printed.contains("must be changed at first sign-in"), "{printed}");
    assert_eq!(out.matches(&password).count(), 1, "printed exactly once:\n{out}");
    assert!(!err.contains(&password), "the password must not be logged");

    let db = Db::open(&url).await.unwrap();
    let admin = db.credentials("admin").await.unwrap().expect("admin exists");
    assert!(verify_password(&admin.password_hash, &password));
    assert!(admin.must_change_password);
    assert_eq!(admin.display_name, "국무조정실 관리자");
    assert_eq!(db.grants(admin.id).await.unwrap(), vec![Grant::OpcAdmin]);

    let (out, _) = serve(&url, &[]).stop();
    assert!(
        one_time_password(&out).is_none() && !out.contains("비밀번호"),
        "a second serve prints no password:\n{out}"
    );
    assert_eq!(db.count_users().await.unwrap(), 1);
    assert_eq!(db.verify_audit().await.unwrap(), Ok(2), "two audit rows: the dataset load and the admin's creation");
    db.close().await;
}

async fn two_instances_starting_at_once_create_one_admin(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let url = seeded(b, &dir).await;
    let (first, second) = (serve(&url, &[]), serve(&url, &[]));
    let printed = [first.before_listening.join("\n"), second.before_listening.join("\n")];
    first.stop();
    second.stop();
    let passwords: Vec<String> = printed.iter().filter_map(|p| one_time_password(p)).collect();
    assert_eq!(passwords.len(), 1, "exactly one instance creates and prints the admin: {printed:?}");
    let db = Db::open(&url).await.unwrap();
    assert_eq!(db.count_users().await.unwrap(), 1);
    let admin = db.credentials("admin").await.unwrap().unwrap();
    assert!(verify_password(&admin.password_hash, &passwords[0]));
    db.close().await;
}

#[test]
fn demo_is_refused_unless_bound_to_a_loopback_address() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hanteam.db");
    let url = format!("sqlite://{}", file.display());
    for addr in ["0.0.0.0:0", "[::]:0", "192.0.2.10:8080"] {
        let r = run(&url, ["serve", "--demo", "--addr", addr]);
        assert_eq!(r.code, 2, "{addr}: {}", r.err);
        assert!(r.err.contains("--demo") && r.err.contains("127.0.0.1") && r.err.contains(addr), "{}", r.err);
        assert!(!r.out.contains("hanteam listening on"), "{}", r.out);
    }
    assert!(!file.exists(), "a refused call does not touch the database");
}

/// Demo logins and passwords as `serve --demo` printed them.
fn demo_passwords(printed: &[String]) -> Vec<(String, String)> {
    DEMO_LOGINS
        .iter()
        .map(|login| {
            let line = printed
                .iter()
                .find(|l| l.split_whitespace().next() == Some(login))
                .unwrap_or_else(|| panic!("{login} was not printed: {printed:#?}"));
            let password = line.split_whitespace().nth(1).expect("a password after the login");
            (login.to_string(), password.to_string())
        })
        .collect()
}

async fn demo_creates_one_account_per_role_and_renews_their_passwords(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::common::fresh_database(b, &dir).await;

    let server = Server::start(hanteam(&url).args(["serve", "--demo", "--addr", "127.0.0.1:0"]));
    let first = demo_passwords(&server.before_listening);
    assert!(one_time_password(&server.before_listening.join("\n")).is_some(), "the admin is created too");
    server.stop();

    let db = Db::open(&url).await.unwrap();
    for (login, password) in &first {
        let c = db.credentials(login).await.unwrap().unwrap_or_else(|| panic!("{login} exists"));
        assert!(verify_password(&c.password_hash, password), "{login}: the printed password works");
        assert!(!c.must_change_password && c.disabled_at.is_none(), "{login}");
    }
    let users = db.list_users().await.unwrap();
    let grants = |login: &str| {
        let u = users.iter().find(|u| u.user.login == login).unwrap();
        (
            u.roles
                .iter()
                .map(|r| (r.role.as_str(), r.agency_short_name.clone(), r.position_title.clone()))
                .collect::<Vec<_>>(),
            u.user.is_private_expert,
            hanteam_domain::UserId::new(u.user.id),
        )
    };
    assert_eq!(grants("demo-admin").0, [("opc_admin", None, None)]);
    assert_eq!(grants("demo-officer").0, [("agency_officer", Some("환경부".to_string()), None)]);
    assert_eq!(grants("demo-exchangee").0[0].2.as_deref(), Some("국토정책관"));
    assert_eq!(grants("demo-auditor").0, [("auditor", None, None)]);
    let (evaluator_roles, private_expert, evaluator_id) = grants("demo-evaluator");
    assert_eq!(evaluator_roles, [("evaluator", None, None)]);
    assert!(private_expert);
    let panel: Vec<_> = DEMO_LOGINS.iter().filter(|l| l.starts_with("demo-evaluator")).map(|l| grants(l)).collect();
    assert!(panel.iter().all(|(roles, _, _)| roles == &[("evaluator", None, None)]), "{panel:?}");
    assert_eq!(panel.iter().filter(|(_, private, _)| *private).count(), 4, "four of the five are private experts");
    let yongin = db
        .list_tasks(
            &hanteam_domain::access::TaskScope::All,
            &hanteam_domain::TaskFilter { limit: 500, ..Default::default() },
            None,
        )
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|t| t.title.contains("용인 반도체"))
        .expect("the Yongin task");
    let access = db.task_access(yongin.id).await.unwrap().unwrap();
    assert_eq!(access.evaluator_ids, vec![evaluator_id], "the evaluator is assigned to the Yongin task");
    let list = ok(&url, ["user", "list"]);
    assert!(DEMO_LOGINS.iter().all(|l| list.contains(l)), "{list}");

    // A second demo run renews the passwords and creates nothing new.
    let server = Server::start(hanteam(&url).args(["serve", "--demo", "--addr", "127.0.0.1:0"]));
    let second = demo_passwords(&server.before_listening);
    assert!(one_time_password(&server.before_listening.join("\n")).is_none());
    server.stop();
    for ((login, old), (_, new)) in first.iter().zip(&second) {
        let c = db.credentials(login).await.unwrap().unwrap();
        assert!(verify_password(&c.password_hash, new) && !verify_password(&c.password_hash, old), "{login}");
    }
    assert_eq!(db.count_users().await.unwrap(), 10, "admin and the nine demo accounts");
    assert_eq!(db.task_access(yongin.id).await.unwrap().unwrap().evaluator_ids, vec![evaluator_id]);
    assert!(db.verify_audit().await.unwrap().is_ok());

    // Later served to other computers without --demo: a warning names the demo accounts still enabled.
    let served = ["serve", "--addr", "0.0.0.0:0", "--public-url", "https://hanteam.example.go.kr"];
    let (_, err) = Server::start(hanteam(&url).args(served)).stop();
    assert!(err.contains("체험용 계정이 사용 중인") && err.contains("demo-officer"), "{err}");
    ok(&url, ["user", "disable", "demo-officer"]);
    let (out, _) = Server::start(hanteam(&url).args(["serve", "--demo", "--addr", "127.0.0.1:0"])).stop();
    assert!(out.contains("demo-officer는 사용 중지 상태라 목록에서 뺐습니다"), "{out}");
    db.close().await;
}

/// Three audit rows made through the CLI: two accounts created, one disabled.
fn three_audited_changes(url: &str) {
    ok(url, ["user", "add", "--login", "jung.one", "--name", "정하나", "--role", "auditor"]);
    ok(url, ["user", "add", "--login", "jung.two", "--name", "정두리", "--role", "evaluator", "--private-expert"]);
    ok(url, ["user", "disable", "jung.one"]);
}

async fn execute(db: &Db, sql: &str) -> Result<u64, sqlx::Error> {
    Ok(match db {
        Db::Sqlite(pool) => sqlx::query(sql).execute(pool).await?.rows_affected(),
        Db::Postgres(pool) => sqlx::query(sql).execute(pool).await?.rows_affected(),
    })
}

/// What a DBA with full rights could do: remove the append-only triggers.
async fn drop_append_only_triggers(db: &Db) {
    let statements: &[&str] = match db {
        Db::Sqlite(_) => &["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"],
        Db::Postgres(_) => &["DROP TRIGGER audit_log_no_change ON audit_log"],
    };
    for sql in statements {
        execute(db, sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

async fn audit_verify_passes_after_changes_and_names_a_row_edited_by_hand(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::common::fresh_database(b, &dir).await;
    three_audited_changes(&url);
    let r = run(&url, ["audit", "verify"]);
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    assert!(r.out.contains("감사기록 3건을 확인했습니다. 변조 흔적이 없습니다."), "{}", r.out);

    let db = Db::connect(&url).await.unwrap();
    let blocked = execute(&db, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2").await;
    assert!(
        blocked.as_ref().is_err_and(|e| e.to_string().contains("append-only")),
        "the trigger blocks an UPDATE: {blocked:?}"
    );
    let blocked = execute(&db, "DELETE FROM audit_log WHERE seq = 2").await;
    assert!(
        blocked.as_ref().is_err_and(|e| e.to_string().contains("append-only")),
        "the trigger blocks a DELETE: {blocked:?}"
    );
    assert_eq!(run(&url, ["audit", "verify"]).code, 0, "nothing changed");

    drop_append_only_triggers(&db).await;
    assert_eq!(execute(&db, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2").await.unwrap(), 1);
    db.close().await;
    let r = run(&url, ["audit", "verify"]);
    assert_eq!(r.code, 1, "tampering exits 1: {}{}", r.out, r.err);
    assert!(r.out.contains("감사기록 2번의 내용이 기록 후에 바뀌었습니다"), "{}", r.out);
    assert!(!r.out.contains("변조 흔적이 없습니다"), "{}", r.out);
}

async fn audit_verify_names_the_row_after_one_deleted_by_hand(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::common::fresh_database(b, &dir).await;
    three_audited_changes(&url);
    let db = Db::connect(&url).await.unwrap();
    drop_append_only_triggers(&db).await;
    assert_eq!(execute(&db, "DELETE FROM audit_log WHERE seq = 2").await.unwrap(), 1);
    db.close().await;
    let r = run(&url, ["audit", "verify"]);
    assert_eq!(r.code, 1, "{}{}", r.out, r.err);
    assert!(r.out.contains("감사기록 3번 앞의 기록이 지워졌습니다"), "{}", r.out);
}

#[test]
fn audit_verify_exits_2_when_it_cannot_check() {
    let r = run("mysql://app:pw@db/x", ["audit", "verify"]);
    assert_eq!(r.code, 2, "{}", r.err);
    assert!(r.err.contains("sqlite:// 또는 postgres://"), "{}", r.err);
}

#[test]
fn every_new_subcommand_has_help() {
    let url = "sqlite://unused.db";
    for args in [
        vec!["user", "--help"],
        vec!["user", "add", "--help"],
        vec!["user", "list", "--help"],
        vec!["user", "disable", "--help"],
        vec!["user", "reset-password", "--help"],
        vec!["user", "token", "--help"],
        vec!["audit", "--help"],
        vec!["audit", "verify", "--help"],
        vec!["synth", "--help"],
    ] {
        let out = hanteam(url).args(&args).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success() && text.contains("Usage: hanteam"), "{args:?}: {text}");
    }
    let help =
        String::from_utf8_lossy(&hanteam(url).args(["user", "add", "--help"]).output().unwrap().stdout).to_string();
    for word in ["--login", "--name", "--role", "--agency", "--position", "--private-expert", "agency_officer"] {
        assert!(help.contains(word), "{word}: {help}");
    }
    let help = String::from_utf8_lossy(&hanteam(url).args(["serve", "--help"]).output().unwrap().stdout).to_string();
    assert!(help.contains("--demo") && help.contains("loopback"), "{help}");
}

/// What a DBA could do after editing a row: recompute every hash after it and the head, so that the
/// chain is consistent again.
async fn recompute_chain(db: &Db) {
    use hanteam_domain::audit::{chain, AuditEntry, ChainHead};
    type Row = (
        i64,
        chrono::DateTime<chrono::Utc>,
        Option<i64>,
        String,
        Option<String>,
        String,
        String,
        Option<i64>,
        Option<String>,
        Option<String>,
    );
    let select = "SELECT seq, occurred_at, actor_user_id, actor, client_addr, action, record_type, record_id, before_json, after_json FROM audit_log ORDER BY seq";
    let rows: Vec<Row> = match db {
        Db::Sqlite(p) => sqlx::query_as(select).fetch_all(p).await.unwrap(),
        Db::Postgres(p) => sqlx::query_as(select).fetch_all(p).await.unwrap(),
    };
    let mut head = ChainHead::empty();
    for (seq, occurred_at, actor_user_id, actor, client_addr, action, record_type, record_id, before, after) in rows {
        let entry = AuditEntry {
            seq,
            occurred_at,
            actor_user_id: actor_user_id.map(hanteam_domain::UserId::new),
            actor,
            client_addr,
            action,
            record_type,
            record_id,
            before,
            after,
        };
        let c = chain(&head, entry);
        let update =
            format!("UPDATE audit_log SET prev_hash = '{}', hash = '{}' WHERE seq = {seq}", c.prev_hash, c.hash);
        execute(db, &update).await.unwrap();
        head = ChainHead { count: seq, last_hash: c.hash };
    }
    execute(
        db,
        &format!("UPDATE audit_head SET count = {}, last_hash = '{}' WHERE id = 1", head.count, head.last_hash),
    )
    .await
    .unwrap();
}

async fn a_head_kept_outside_catches_a_chain_recomputed_after_an_edit(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::common::fresh_database(b, &dir).await;
    three_audited_changes(&url);
    let r = run(&url, ["audit", "verify"]);
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    let anchor = r
        .out
        .lines()
        .find_map(|l| l.strip_prefix("마지막 기록: "))
        .and_then(|l| l.split_whitespace().next())
        .expect("verify prints the head to keep")
        .to_string();
    assert!(anchor.starts_with("3:"), "{anchor}");
    assert_eq!(run(&url, ["audit", "verify", "--expect", &anchor]).code, 0);

    let db = Db::connect(&url).await.unwrap();
    drop_append_only_triggers(&db).await;
    execute(&db, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2").await.unwrap();
    recompute_chain(&db).await;
    let plain = run(&url, ["audit", "verify"]);
    assert_eq!(plain.code, 0, "a recomputed chain is consistent in itself: {}", plain.out);
    let anchored = run(&url, ["audit", "verify", "--expect", &anchor]);
    assert_eq!(anchored.code, 1, "{}{}", anchored.out, anchored.err);
    assert!(anchored.out.contains("감사기록 3번의 해시가 따로 적어 둔 값과 다릅니다"), "{}", anchored.out);
    let bad = run(&url, ["audit", "verify", "--expect", "3:xyz"]);
    assert_eq!(bad.code, 2, "a malformed head is a usage error: {}", bad.err);
    db.close().await;
}

async fn an_evaluators_affiliation_history_is_kept_and_audited(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::common::fresh_database(b, &dir).await;
    ok(&url, ["user", "add", "--login", "expert.kim", "--name", "김평가", "--role", "evaluator", "--private-expert"]);
    let out = run(&url, ["user", "affiliation", "expert.kim"]);
    assert!(out.out.contains("소속 이력이 없습니다"), "{}", out.out);
    ok(
        &url,
        [
            "user",
            "affiliation",
            "expert.kim",
            "--organization",
            "한국개발연구원",
            "--title",
            "연구위원",
            "--from",
            "2018-03-01",
            "--to",
            "2021-02-28",
        ],
    );
    let out = ok(
        &url,
        ["user", "affiliation", "expert.kim", "--organization", "서울대학교 행정대학원", "--from", "2021-03-01"],
    );
    let kdi = out.find("한국개발연구원").expect("the first affiliation is listed");
    let snu = out.find("서울대학교 행정대학원").expect("the second affiliation is listed");
    assert!(snu < kdi, "the most recent first:\n{out}");
    assert!(out.contains("2021-02-28") && out.contains("연구위원"), "{out}");
    let bad = run(
        &url,
        ["user", "affiliation", "expert.kim", "--organization", "x", "--from", "2023-01-01", "--to", "2022-01-01"],
    );
    assert_eq!(bad.code, 2, "{}{}", bad.out, bad.err);
    assert!(bad.err.contains("종료일이 시작일보다 앞설 수 없습니다"), "{}", bad.err);
    let missing = run(&url, ["user", "affiliation", "nobody", "--organization", "x"]);
    assert_eq!(missing.code, 1, "{}", missing.err);
    let db = Db::open(&url).await.unwrap();
    let filter = hanteam_domain::AuditFilter {
        record_type: Some("evaluator_affiliation".into()),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(db.list_audit(&filter).await.unwrap().total, 2);
    assert!(db.verify_audit().await.unwrap().is_ok());
    db.close().await;
}

async fn a_service_account_never_signs_in_and_acts_through_tokens_made_on_the_console(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let url = seeded(b, &dir).await;
    let out = ok(
        &url,
        [
            "user",
            "add",
            "--service",
            "--login",
            "pipeline.env",
            "--name",
            "환경부 성과 집계",
            "--role",
            "agency_officer",
            "--agency",
            "환경부",
        ],
    );
    assert!(out.contains("프로그램용 계정을 만들었습니다") && one_time_password(&out).is_none(), "{out}");
    let line = list_line(&url, "pipeline.env");
    assert!(line.contains("사용 중") && !line.contains("비밀번호 변경 필요"), "no password change is pending: {line}");

    let write = run(&url, ["user", "token", "pipeline.env", "--name", "집계", "--right", "read", "--right", "write"]);
    assert_eq!(write.code, 0, "{}", write.err);
    let token = write.out.trim().to_string();
    assert_eq!(write.out.lines().count(), 1, "the token alone on stdout: {:?}", write.out);
    assert!(write.err.contains("한 번만 표시됩니다"), "{}", write.err);
    let read = ok(&url, ["user", "token", "pipeline.env", "--name", "조회"]).trim().to_string();

    let r = run(&url, ["user", "token", "pipeline.env", "--name", "관리", "--right", "admin"]);
    assert_eq!(r.code, 1, "a right the account does not hold is refused");
    assert!(r.err.contains("admin") || r.err.contains("관리"), "{}", r.err);
    let r = run(&url, ["user", "token", "nobody", "--name", "x"]);
    assert_eq!(r.code, 1);
    assert!(r.err.contains("없는 계정입니다: nobody"), "{}", r.err);

    let server = serve(&url, &[]);
    let http = reqwest::Client::new();
    let me: serde_json::Value =
        http.get(format!("{}/api/v1/me", server.base)).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["login"], "pipeline.env", "{me}");
    // Task 1 is shared by 국토부 and 환경부: a 환경부 officer may write 환경부's role in it.
    let task: serde_json::Value =
        http.get(format!("{}/api/v1/tasks/1", server.base)).send().await.unwrap().json().await.unwrap();
    let env = &task["agencies"][1];
    assert_eq!(env["short_name"], "환경부");
    let edit = serde_json::json!({ "role": "용수 공급 지원(집계 프로그램이 고침)", "version": env["role_version"] });
    let path = format!("{}/api/v1/tasks/1/agencies/{}", server.base, env["id"]);
    let put = |t: &str| http.put(&path).bearer_auth(t.to_string()).json(&edit).send();
    assert_eq!(put(&read).await.unwrap().status().as_u16(), 403, "a read token cannot write");
    let r = put(&token).await.unwrap();
    assert_eq!(r.status().as_u16(), 200, "{}", r.text().await.unwrap());
    let signin = http
        .post(format!("{}/login", server.base))
        .form(&[("login", "pipeline.env"), ("password", "")])
        .send()
        .await
        .unwrap();
    assert_ne!(signin.status().as_u16(), 303, "no password signs a service account in");
    server.stop();

    ok(&url, ["user", "disable", "pipeline.env"]);
    let r = run(&url, ["user", "token", "pipeline.env", "--name", "다시"]);
    assert_eq!(r.code, 1);
    assert!(r.err.contains("사용 중지된 계정"), "{}", r.err);
    let db = Db::open(&url).await.unwrap();
    let audit = db
        .list_audit(&AuditFilter { actor: Some(format!("cli:{OS_USER}")), limit: 50, ..Default::default() })
        .await
        .unwrap();
    let actions: Vec<&str> = audit.items.iter().map(|r| r.entry.action.as_str()).collect();
    assert_eq!(actions[..4], ["user.disable", "api_token.create", "api_token.create", "user.create"], "{actions:?}");
    db.close().await;
}

on_both_backends!(
    a_service_account_never_signs_in_and_acts_through_tokens_made_on_the_console,
    an_evaluators_affiliation_history_is_kept_and_audited,
    a_head_kept_outside_catches_a_chain_recomputed_after_an_edit,
    user_add_list_and_disable_round_trip_and_are_audited_as_the_cli,
    reset_password_prints_a_new_one_time_password_that_must_be_changed,
    user_add_refuses_bad_roles_and_missing_or_unknown_targets_in_korean,
    the_first_serve_prints_the_admin_password_once_and_a_second_serve_none,
    two_instances_starting_at_once_create_one_admin,
    demo_creates_one_account_per_role_and_renews_their_passwords,
    audit_verify_passes_after_changes_and_names_a_row_edited_by_hand,
    audit_verify_names_the_row_after_one_deleted_by_hand,
);
