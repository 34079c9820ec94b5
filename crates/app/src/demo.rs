//! Demo accounts (`hanteam serve --demo`): one for every role, so a newcomer can try each view, and
//! a panel of five evaluators (four private experts and one official, so that a panel of five meets
//! the two-thirds private share), so that a whole evaluation round can be run on the 41 tasks.
//! Their passwords are shown on the sign-in page, so the edge allows this only on a loopback address.

use hanteam_domain::access::{Grant, TaskScope};
use hanteam_domain::audit::AuditAction;
use hanteam_domain::filter::MAX_LIMIT;
use hanteam_domain::korean::{with_particle, Particle};
use hanteam_domain::{AgencyRef, TaskFilter, TaskId, UserId};
use hanteam_store::accounts::NewUser;
use hanteam_store::audit::Change;
use hanteam_store::Db;

use crate::secrets::{hash_password, initial_password};
use crate::{Caller, Result, UseCaseError};

/// A demo account and its password for this run, shown on the sign-in page.
#[derive(Clone, Debug)]
pub struct DemoAccount {
    pub login: String,
    pub password: String,
    /// What the account can do, in Korean (e.g. "기관 담당자 (환경부)").
    pub description: String,
}

pub const DEMO_LOGINS: [&str; 9] = [
    "demo-admin",
    "demo-officer",
    "demo-exchangee",
    "demo-evaluator",
    "demo-evaluator-2",
    "demo-evaluator-3",
    "demo-evaluator-4",
    "demo-evaluator-5",
    "demo-auditor",
];

/// The panel's other evaluators: login, display name, private expert or not.
const PANEL: [(&str, &str, bool); 4] = [
    ("demo-evaluator-2", "체험용 평가위원 2", true),
    ("demo-evaluator-3", "체험용 평가위원 3", true),
    ("demo-evaluator-4", "체험용 평가위원 4", true),
    ("demo-evaluator-5", "체험용 평가위원 5 (공무원)", false),
];

const OFFICER_AGENCY: &str = "환경부";
const EXCHANGEE_AGENCY: &str = "국토부";
const EXCHANGEE_POSITION: &str = "국토정책관";
const EVALUATOR_TASK: &str = "용인 반도체";

/// One demo account to create (or whose password to renew).
struct DemoSpec {
    login: &'static str,
    display_name: &'static str,
    description: String,
    grants: Vec<Grant>,
    is_private_expert: bool,
    /// Task the evaluator is assigned to.
    evaluator_task: Option<TaskId>,
}

/// What preparing the demo accounts did: the accounts ready for this run, and notes for the
/// operator (accounts left out, and why).
pub struct Prepared {
    pub accounts: Vec<DemoAccount>,
    pub notes: Vec<String>,
}

/// Creates the demo accounts, or gives those left from an earlier demo run fresh passwords.
/// An account whose target (agency, position, task) is missing from this database is left out
/// with a note; a demo account disabled by an administrator stays disabled and is left out.
pub async fn prepare(db: &Db, by: &Caller) -> Result<Prepared> {
    if !hanteam_domain::access::can_manage_users(by.signed_in()?) {
        return Err(UseCaseError::forbidden());
    }
    let mut notes = Vec::new();
    let mut accounts = Vec::new();
    for spec in specs(db, &mut notes).await? {
        let password = initial_password();
        let hash = hash_password(&password).map_err(UseCaseError::Internal)?;
        let user_id = match db.credentials(spec.login).await? {
            Some(c) if c.disabled_at.is_some() => {
                notes.push(format!(
                    "체험용 계정 {} 사용 중지 상태라 목록에서 뺐습니다.",
                    with_particle(spec.login, Particle::Topic)
                ));
                continue;
            }
            Some(c) => {
                renew_password(db, by, c.id, &hash).await?;
                c.id
            }
            None => {
                let new = NewUser {
                    login: spec.login.into(),
                    display_name: spec.display_name.into(),
                    password_hash: hash.clone(),
                    must_change_password: false,
                    is_private_expert: spec.is_private_expert,
                    email: None,
                    grants: spec.grants.clone(),
                };
                match create(db, by, &new).await? {
                    Some(id) => id,
                    // Another instance created it a moment ago: renew the password instead.
                    None => match db.credentials(spec.login).await? {
                        Some(c) => {
                            renew_password(db, by, c.id, &hash).await?;
                            c.id
                        }
                        None => continue,
                    },
                }
            }
        };
        if let Some(task) = spec.evaluator_task {
            crate::accounts::assign_evaluator(db, by, user_id, task).await?;
        }
        accounts.push(DemoAccount { login: spec.login.into(), password, description: spec.description });
    }
    Ok(Prepared { accounts, notes })
}

/// A demo account made with a password of this run (no change required, unlike other accounts);
/// `None` when the login was taken meanwhile.
async fn create(db: &Db, by: &Caller, new: &NewUser) -> Result<Option<UserId>> {
    let mut tx = db.begin().await?;
    if tx.user_by_login(&new.login).await?.is_some() {
        return Ok(None);
    }
    let id = tx.insert_user(new).await?;
    let after = tx.load::<hanteam_store::accounts::UserRecord>(id).await?;
    let roles: Vec<&str> = new.grants.iter().map(|g| g.role().as_str()).collect();
    let detail = serde_json::json!({ "user": after, "roles": roles });
    tx.audit(&by.actor, Change::of(AuditAction::UserCreate, "user", Some(id.get()), None::<&()>, Some(&detail)))
        .await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// A fresh password for an existing demo account, usable at once.
async fn renew_password(db: &Db, by: &Caller, id: UserId, hash: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    let before = tx
        .load::<hanteam_store::accounts::UserRecord>(id)
        .await?
        .ok_or_else(|| UseCaseError::NotFound(format!("{id}번 계정")))?;
    tx.set_password(id, before.version, hash, false)
        .await?
        .ok_or(UseCaseError::Stale { current_version: before.version })?;
    tx.end_sessions_of(id).await?;
    let after = tx.load::<hanteam_store::accounts::UserRecord>(id).await?;
    if let Some(after) = after {
        tx.audit(&by.actor, Change::updated(AuditAction::UserPassword, &before, &after)).await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn specs(db: &Db, notes: &mut Vec<String>) -> Result<Vec<DemoSpec>> {
    let mut skipped = |login: &str, missing: &str| {
        notes.push(format!(
            "이 데이터베이스에 {} 없어 체험용 계정 {} 만들지 않았습니다.",
            with_particle(missing, Particle::Subject),
            with_particle(login, Particle::Object)
        ));
    };
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
            notes.push(format!("'{EVALUATOR_TASK}' 과제가 없어 체험용 평가위원에게 배정할 과제가 없습니다."));
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
    for (login, display_name, is_private_expert) in PANEL {
        let kind = if is_private_expert { "민간 전문가" } else { "공무원" };
        specs.push(DemoSpec {
            login,
            display_name,
            description: format!("평가위원 ({kind}, 체험용 평가 회차의 패널)"),
            grants: vec![Grant::Evaluator],
            is_private_expert,
            evaluator_task: None,
        });
    }

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

/// Demo accounts left enabled by an earlier `serve --demo`: ordinary accounts whose passwords were
/// on screen (the edge warns when the server is reachable from other computers while they exist).
pub async fn left_enabled(db: &Db) -> Result<Vec<String>> {
    Ok(db
        .list_users()
        .await?
        .into_iter()
        .filter(|u| u.user.disabled_at.is_none() && DEMO_LOGINS.contains(&u.user.login.as_str()))
        .map(|u| u.user.login)
        .collect())
}
