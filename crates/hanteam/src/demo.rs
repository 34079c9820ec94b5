//! `hanteam serve --demo`: one account for every role, so a newcomer can try each view. Their
//! passwords are shown on the sign-in page, so this runs only on a loopback address.

use std::net::SocketAddr;

use hanteam_domain::access::{Grant, TaskScope};
use hanteam_domain::task_filter::MAX_LIMIT;
use hanteam_domain::{AgencyRef, TaskFilter};
use hanteam_store::accounts::{AccountError, NewUser};
use hanteam_store::Db;
use hanteam_web::auth::{hash_password, initial_password};
use hanteam_web::DemoAccount;

use crate::{cli_actor, UsageError};

const OFFICER_AGENCY: &str = "환경부";
const EXCHANGEE_AGENCY: &str = "국토부";
const EXCHANGEE_POSITION: &str = "국토정책관";
const EVALUATOR_TASK: &str = "용인 반도체";

/// Demo accounts put their passwords on the sign-in page: refused unless only this computer can
/// reach the server.
pub fn check_address(addr: SocketAddr) -> Result<(), UsageError> {
    if addr.ip().is_loopback() {
        return Ok(());
    }
    Err(UsageError {
        command: "serve",
        message: format!(
            "--demo(체험용 계정)는 이 컴퓨터에서만 접속할 수 있는 주소(127.0.0.1 또는 [::1])에서만 쓸 수 있습니다. \
         체험용 계정의 비밀번호가 로그인 화면에 그대로 표시되기 때문입니다. \
         지금 주소는 {addr}입니다. --addr 127.0.0.1:8080 처럼 지정해 주세요."
        ),
    })
}

const DEMO_LOGINS: [&str; 5] = ["demo-admin", "demo-officer", "demo-exchangee", "demo-evaluator", "demo-auditor"];

/// One demo account to create (or whose password to renew).
struct DemoSpec {
    login: &'static str,
    display_name: &'static str,
    description: String,
    grants: Vec<Grant>,
    is_private_expert: bool,
    /// Task the evaluator is assigned to.
    evaluator_task: Option<i64>,
}

/// Creates the demo accounts, or gives those left from an earlier demo run fresh passwords.
/// An account whose target (agency, position, task) is missing from this database is skipped
/// with a note; a demo account disabled by an administrator stays disabled and is left out.
pub async fn prepare_accounts(db: &Db) -> anyhow::Result<Vec<DemoAccount>> {
    let actor = cli_actor();
    let mut ready = Vec::new();
    for spec in specs(db).await? {
        let password = initial_password();
        let hash = hash_password(&password).map_err(anyhow::Error::msg)?;
        let existing = db.credentials(spec.login).await?;
        let user_id = match existing {
            Some(c) if c.disabled_at.is_some() => {
                println!("참고: 체험용 계정 {}은(는) 사용 중지 상태라 목록에서 뺐습니다.", spec.login);
                continue;
            }
            Some(c) => {
                db.set_password(&actor, spec.login, &hash, false).await?;
                c.id
            }
            None => {
                let new = NewUser {
                    login: spec.login.into(),
                    display_name: spec.display_name.into(),
                    password_hash: hash.clone(),
                    must_change_password: false,
                    is_private_expert: spec.is_private_expert,
                    grants: spec.grants.clone(),
                };
                match db.create_user(&actor, &new).await {
                    Ok(id) => id,
                    // Another instance created it a moment ago: renew the password instead.
                    Err(AccountError::LoginTaken(_)) => {
                        db.set_password(&actor, spec.login, &hash, false).await?;
                        match db.credentials(spec.login).await? {
                            Some(c) => c.id,
                            None => continue,
                        }
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        };
        if let Some(task_id) = spec.evaluator_task {
            let assigned = db.task_access(task_id).await?.is_some_and(|t| t.evaluator_ids.contains(&user_id));
            if !assigned {
                db.assign_evaluator(&actor, user_id, task_id).await?;
            }
        }
        ready.push(DemoAccount { login: spec.login.into(), password, description: spec.description });
    }
    Ok(ready)
}

async fn specs(db: &Db) -> anyhow::Result<Vec<DemoSpec>> {
    let mut specs = vec![DemoSpec {
        login: "demo-admin",
        display_name: "체험용 국무조정실 관리자",
        description: "국무조정실 관리자 (모든 기능)".into(),
        grants: vec![Grant::OpcAdmin],
        is_private_expert: false,
        evaluator_task: None,
    }];

    match db.find_agency(&AgencyRef::parse(OFFICER_AGENCY)).await? {
        Some(agency) => specs.push(DemoSpec {
            login: "demo-officer",
            display_name: "체험용 기관 담당자",
            description: format!("기관 담당자 ({})", agency.short_name),
            grants: vec![Grant::AgencyOfficer { agency_id: agency.id }],
            is_private_expert: false,
            evaluator_task: None,
        }),
        None => skipped("demo-officer", &format!("{OFFICER_AGENCY} 기관")),
    }

    let position = db
        .list_pairs()
        .await?
        .into_iter()
        .flat_map(|pair| pair.positions)
        .find(|p| p.agency.short_name == EXCHANGEE_AGENCY && p.title == EXCHANGEE_POSITION);
    match position {
        Some(p) => specs.push(DemoSpec {
            login: "demo-exchangee",
            display_name: "체험용 교류자",
            description: format!("교류자 ({} {})", p.agency.short_name, p.title),
            grants: vec![Grant::Exchangee { position_id: p.id }],
            is_private_expert: false,
            evaluator_task: None,
        }),
        None => skipped("demo-exchangee", &format!("{EXCHANGEE_AGENCY} {EXCHANGEE_POSITION} 교류직위")),
    }

    let all_tasks = TaskFilter { limit: MAX_LIMIT, ..TaskFilter::default() };
    let task = db
        .list_tasks(&TaskScope::All, &all_tasks, None)
        .await?
        .items
        .into_iter()
        .find(|t| t.title.contains(EVALUATOR_TASK));
    let description = match &task {
        Some(t) => format!("평가위원 (민간 전문가, 배정 과제: {})", t.title),
        None => {
            println!("참고: '{EVALUATOR_TASK}' 과제가 없어 체험용 평가위원에게 배정할 과제가 없습니다.");
            "평가위원 (민간 전문가, 배정 과제 없음)".into()
        }
    };
    specs.push(DemoSpec {
        login: "demo-evaluator",
        display_name: "체험용 평가위원",
        description,
        grants: vec![Grant::Evaluator],
        is_private_expert: true,
        evaluator_task: task.map(|t| t.id),
    });

    specs.push(DemoSpec {
        login: "demo-auditor",
        display_name: "체험용 감사 담당자",
        description: "감사 담당자 (모든 기록 조회, 감사기록 열람)".into(),
        grants: vec![Grant::Auditor],
        is_private_expert: false,
        evaluator_task: None,
    });
    Ok(specs)
}

fn skipped(login: &str, missing: &str) {
    println!("참고: 이 데이터베이스에 {missing}이(가) 없어 체험용 계정 {login}은(는) 만들지 않았습니다.");
}

/// Demo accounts left enabled by an earlier `serve --demo` are ordinary accounts whose passwords
/// were on screen: warns when the server is reachable from other computers while they exist.
pub async fn warn_if_left_enabled(db: &Db) -> anyhow::Result<()> {
    let logins: Vec<String> = db
        .list_users()
        .await?
        .into_iter()
        .filter(|u| u.user.disabled_at.is_none() && DEMO_LOGINS.contains(&u.user.login.as_str()))
        .map(|u| u.user.login)
        .collect();
    if !logins.is_empty() {
        tracing::warn!(
            accounts = %logins.join(", "),
            "체험용 계정이 사용 중인 채로 외부에서 접속할 수 있는 주소에서 시작합니다. \
             필요 없으면 `hanteam user disable <아이디>`로 사용 중지해 주세요."
        );
    }
    Ok(())
}

/// Prints the demo accounts once at start (they are also on the sign-in page).
pub fn print_accounts(accounts: &[DemoAccount]) {
    let rule = "=".repeat(72);
    println!("{rule}");
    println!(" 체험용 계정 / Demo accounts (이번 실행에서만 쓰는 비밀번호 / passwords for this run)");
    let width = accounts.iter().map(|a| a.login.len()).max().unwrap_or(0);
    for a in accounts {
        println!("   {:<width$}  {}  {}", a.login, a.password, a.description);
    }
    println!(" 로그인 화면에도 표시됩니다. 체험이 끝나면 `hanteam user disable <아이디>`로 사용 중지할 수 있습니다.");
    println!("{rule}");
}
