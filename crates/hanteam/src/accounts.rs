//! Accounts from the command line: `hanteam user add|list|disable|reset-password`, and the first
//! administrator that `hanteam serve` creates on a database without accounts.
//!
//! One-time passwords go to stdout once and nowhere else: never to `tracing`, never to the
//! database (only their Argon2id hash).

use std::process::ExitCode;

use anyhow::anyhow;
use clap::{Args, Subcommand};
use hanteam_domain::access::{Grant, Role};
use hanteam_domain::account::parse_login;
use hanteam_domain::AgencyRef;
use hanteam_store::accounts::{AccountError, NewUser, RoleView, UserView};
use hanteam_store::Db;
use hanteam_web::auth::{hash_password, initial_password};

use crate::{cli_actor, UsageError};
use hanteam_domain::edit::{AffiliationDraft, AffiliationInput};

/// The account `hanteam serve` creates when the database has none.
pub const FIRST_ADMIN_LOGIN: &str = "admin";
const FIRST_ADMIN_NAME: &str = "국무조정실 관리자";
const MAX_NAME_CHARS: usize = 100;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create an account with a one-time password, printed once (it must be changed at first
    /// sign-in)
    Add(AddArgs),
    /// List the accounts with their roles and state
    List,
    /// Disable an account and end its sessions (the account is kept: the audit log refers to it)
    Disable {
        /// The account's login name
        login: String,
    },
    /// Give an account a new one-time password, printed once (it must be changed at first
    /// sign-in), and end its sessions
    ResetPassword {
        /// The account's login name
        login: String,
    },
    /// Add a line to an evaluator's affiliation history (where the expert works or worked), or
    /// list it when no --organization is given
    Affiliation {
        /// The account's login name
        login: String,
        /// Organization, e.g. "한국개발연구원"
        #[arg(long)]
        organization: Option<String>,
        /// Title there, e.g. "연구위원"
        #[arg(long)]
        title: Option<String>,
        /// First day, YYYY-MM-DD
        #[arg(long)]
        from: Option<String>,
        /// Last day, YYYY-MM-DD (leave out while it lasts)
        #[arg(long)]
        to: Option<String>,
    },
}

#[derive(Args)]
pub struct AddArgs {
    /// Login name: 3–40 lower-case letters, digits, '.', '_' or '-'
    #[arg(long)]
    login: String,
    /// The person's name as the UI and the audit log show it, e.g. "김민준"
    #[arg(long)]
    name: String,
    /// opc_admin, agency_officer (needs --agency), exchangee (needs --position), evaluator or
    /// auditor; repeat for several roles
    #[arg(long = "role", value_name = "ROLE", required = true, value_parser = parse_role)]
    roles: Vec<Role>,
    /// For agency_officer: the agency's id or short name, e.g. 환경부; repeat for several agencies
    #[arg(long = "agency", value_name = "AGENCY")]
    agencies: Vec<String>,
    /// For exchangee: the exchange position's id (the pairs page or /api/v1/exchange-pairs shows
    /// them); repeat for several positions
    #[arg(long = "position", value_name = "ID", value_parser = parse_position_id)]
    positions: Vec<i64>,
    /// The person is a private expert, not a civil servant (e.g. an outside evaluator)
    #[arg(long)]
    private_expert: bool,
}

fn usage(message: impl Into<String>) -> UsageError {
    UsageError { message: message.into(), command: "user add" }
}

fn parse_role(raw: &str) -> Result<Role, String> {
    raw.trim().parse()
}

fn parse_position_id(raw: &str) -> Result<i64, String> {
    match raw.trim().parse::<i64>() {
        Ok(id) if id > 0 => Ok(id),
        _ => Err(format!("교류직위 번호는 1 이상의 숫자로 입력해 주세요 (입력값: '{raw}'). 예: --position 1")),
    }
}

/// A `user` command whose arguments were checked; what is left needs the database.
pub enum UserAction {
    Add(AddPlan),
    List,
    Disable(String),
    ResetPassword(String),
    AddAffiliation(String, AffiliationDraft),
    ListAffiliations(String),
}

#[derive(Debug)]
pub struct AddPlan {
    login: String,
    display_name: String,
    roles: Vec<Role>,
    agencies: Vec<String>,
    positions: Vec<i64>,
    private_expert: bool,
}

impl UserCommand {
    /// Checks what can be checked without the database (login rule, roles and their targets).
    pub fn plan(&self) -> Result<UserAction, UsageError> {
        Ok(match self {
            UserCommand::Add(args) => UserAction::Add(args.plan()?),
            UserCommand::List => UserAction::List,
            UserCommand::Disable { login } => UserAction::Disable(normalize_login(login)),
            UserCommand::ResetPassword { login } => UserAction::ResetPassword(normalize_login(login)),
            UserCommand::Affiliation { login, organization: None, title: None, from: None, to: None } => {
                UserAction::ListAffiliations(normalize_login(login))
            }
            UserCommand::Affiliation { login, organization, title, from, to } => {
                let input = AffiliationInput {
                    organization: organization.clone(),
                    title: title.clone(),
                    from: from.clone(),
                    to: to.clone(),
                };
                let draft = AffiliationDraft::parse(&input).map_err(|errors| UsageError {
                    message: errors
                        .iter()
                        .map(|e| format!("--{}: {}", e.field, e.message))
                        .collect::<Vec<_>>()
                        .join("\n"),
                    command: "user affiliation",
                })?;
                UserAction::AddAffiliation(normalize_login(login), draft)
            }
        })
    }
}

/// Logins are stored in lower case; an invalid one is looked up as typed (and not found).
fn normalize_login(raw: &str) -> String {
    parse_login(raw).unwrap_or_else(|_| raw.trim().to_string())
}

impl AddArgs {
    fn plan(&self) -> Result<AddPlan, UsageError> {
        let login = parse_login(&self.login).map_err(|e| usage(format!("--login: {}", e.message)))?;
        let display_name = self.name.trim().to_string();
        if display_name.is_empty() || display_name.chars().count() > MAX_NAME_CHARS {
            return Err(usage(format!("--name: 이름은 1~{MAX_NAME_CHARS}자로 입력해 주세요. 예: --name \"김민준\"")));
        }
        let mut roles: Vec<Role> = Vec::new();
        for r in &self.roles {
            if !roles.contains(r) {
                roles.push(*r);
            }
        }
        let officer = roles.contains(&Role::AgencyOfficer);
        let exchangee = roles.contains(&Role::Exchangee);
        if officer && self.agencies.is_empty() {
            return Err(usage(
                "agency_officer(기관 담당자) 역할에는 --agency 로 기관을 지정해야 합니다. \
                 예: --role agency_officer --agency 환경부 (기관 약칭이나 번호)",
            ));
        }
        if !officer && !self.agencies.is_empty() {
            return Err(usage(
                "--agency 는 agency_officer(기관 담당자) 역할과 함께만 쓸 수 있습니다. \
                 --role agency_officer 를 더하거나 --agency 를 빼 주세요.",
            ));
        }
        if exchangee && self.positions.is_empty() {
            return Err(usage(
                "exchangee(교류자) 역할에는 --position 으로 교류직위 번호를 지정해야 합니다. \
                 예: --role exchangee --position 1 (번호는 웹의 교류직위 화면이나 \
                 /api/v1/exchange-pairs 에서 확인할 수 있습니다)",
            ));
        }
        if !exchangee && !self.positions.is_empty() {
            return Err(usage(
                "--position 은 exchangee(교류자) 역할과 함께만 쓸 수 있습니다. \
                 --role exchangee 를 더하거나 --position 을 빼 주세요.",
            ));
        }
        Ok(AddPlan {
            login,
            display_name,
            roles,
            agencies: self.agencies.iter().map(|a| a.trim().to_string()).collect(),
            positions: self.positions.iter().fold(Vec::new(), |mut ids, id| {
                if !ids.contains(id) {
                    ids.push(*id);
                }
                ids
            }),
            private_expert: self.private_expert,
        })
    }
}

pub async fn run(db: &Db, action: UserAction) -> anyhow::Result<ExitCode> {
    match action {
        UserAction::Add(plan) => add(db, plan).await?,
        UserAction::List => list(db).await?,
        UserAction::Disable(login) => disable(db, &login).await?,
        UserAction::ResetPassword(login) => reset_password(db, &login).await?,
        UserAction::AddAffiliation(login, draft) => add_affiliation(db, &login, &draft).await?,
        UserAction::ListAffiliations(login) => list_affiliations(db, &login).await?,
    }
    Ok(ExitCode::SUCCESS)
}

async fn add(db: &Db, plan: AddPlan) -> anyhow::Result<()> {
    let mut agency_ids = Vec::new();
    for raw in &plan.agencies {
        let id = agency_id(db, raw).await?;
        if !agency_ids.contains(&id) {
            agency_ids.push(id); // `--agency 환경부 --agency 4` may name one agency twice
        }
    }
    if !plan.positions.is_empty() {
        let known = exchange_positions(db).await?;
        for id in &plan.positions {
            if !known.iter().any(|p| p.id == *id) {
                return Err(anyhow!(unknown_position_message(*id, &known)));
            }
        }
    }
    let mut grants = Vec::new();
    for role in &plan.roles {
        match role {
            Role::OpcAdmin => grants.push(Grant::OpcAdmin),
            Role::AgencyOfficer => {
                grants.extend(agency_ids.iter().map(|&agency_id| Grant::AgencyOfficer { agency_id }))
            }
            Role::Exchangee => {
                grants.extend(plan.positions.iter().map(|&position_id| Grant::Exchangee { position_id }))
            }
            Role::Evaluator => grants.push(Grant::Evaluator),
            Role::Auditor => grants.push(Grant::Auditor),
        }
    }
    let password = initial_password();
    let new = NewUser {
        login: plan.login.clone(),
        display_name: plan.display_name.clone(),
        password_hash: hash_password(&password).map_err(anyhow::Error::msg)?,
        must_change_password: true,
        is_private_expert: plan.private_expert,
        grants,
    };
    db.create_user(&cli_actor(), &new).await.map_err(|e| account_error(e, &plan.login))?;
    let roles = plan.roles.iter().map(|r| r.label_ko()).collect::<Vec<_>>().join(", ");
    print_one_time_password(
        &format!("계정을 만들었습니다 / Account created: {} ({roles})", plan.display_name),
        &plan.login,
        &password,
    );
    Ok(())
}

async fn agency_id(db: &Db, raw: &str) -> anyhow::Result<i64> {
    if let Some(a) = db.find_agency(&AgencyRef::parse(raw)).await? {
        return Ok(a.id);
    }
    let agencies = db.list_agencies().await?;
    if agencies.is_empty() {
        return Err(anyhow!(
            "'{raw}' 기관이 없습니다. 기관 목록이 비어 있으니 먼저 `hanteam seed`로 \
             2024년 내장 데이터를 불러와 주세요."
        ));
    }
    let names: Vec<String> = agencies.iter().map(|a| format!("{} {}", a.id, a.short_name)).collect();
    Err(anyhow!("'{raw}' 기관이 없습니다. 다음 중 하나를 약칭이나 번호로 지정해 주세요: {}", names.join(", ")))
}

/// An exchange position as `user add` offers it.
pub struct PositionChoice {
    pub id: i64,
    pub agency: String,
    pub title: String,
}

/// The positions of the exchange pairs (the only ones an exchangee can hold).
pub async fn exchange_positions(db: &Db) -> anyhow::Result<Vec<PositionChoice>> {
    let mut out: Vec<PositionChoice> = Vec::new();
    for pair in db.list_pairs().await? {
        for p in pair.positions {
            if !out.iter().any(|o| o.id == p.id) {
                out.push(PositionChoice { id: p.id, agency: p.agency.short_name, title: p.title });
            }
        }
    }
    out.sort_by_key(|p| p.id);
    Ok(out)
}

fn unknown_position_message(id: i64, known: &[PositionChoice]) -> String {
    if known.is_empty() {
        return format!(
            "{id}번 교류직위가 없습니다. 교류직위 목록이 비어 있으니 먼저 `hanteam seed`로 \
             2024년 내장 데이터를 불러와 주세요."
        );
    }
    let lines: Vec<String> = known.iter().map(|p| format!("  {:>3}  {} {}", p.id, p.agency, p.title)).collect();
    format!("{id}번 교류직위가 없습니다. 다음 번호 중에서 골라 주세요:\n{}", lines.join("\n"))
}

fn account_error(e: AccountError, login: &str) -> anyhow::Error {
    match e {
        AccountError::LoginTaken(_) => {
            anyhow!("이미 있는 아이디입니다: {login}. 다른 아이디를 쓰거나 `hanteam user list`로 확인해 주세요.")
        }
        AccountError::NoSuchUser(_) => no_such_user(login),
        AccountError::BadGrant(m) => anyhow!("{m}"),
        AccountError::Store(e) => anyhow::Error::new(e),
    }
}

fn no_such_user(login: &str) -> anyhow::Error {
    anyhow!("없는 계정입니다: {login}. `hanteam user list`로 아이디를 확인해 주세요.")
}

async fn list(db: &Db) -> anyhow::Result<()> {
    let users = db.list_users().await?;
    if users.is_empty() {
        println!("등록된 계정이 없습니다. `hanteam user add`로 만들 수 있습니다.");
        return Ok(());
    }
    let header = ["아이디", "이름", "역할", "상태"].map(String::from);
    // An exchangee's role names its position; the position's agency comes from the pairs.
    let positions = exchange_positions(db).await?;
    let rows: Vec<[String; 4]> = users.iter().map(|u| row_of(u, &positions)).collect();
    print!("{}", table(&header, &rows));
    let disabled = users.iter().filter(|u| u.user.disabled_at.is_some()).count();
    println!("계정 {}개 (사용 중 {}개, 사용 중지 {disabled}개)", users.len(), users.len() - disabled);
    Ok(())
}

fn row_of(u: &UserView, positions: &[PositionChoice]) -> [String; 4] {
    let mut roles: Vec<String> = u.roles.iter().map(|r| describe_role(r, positions)).collect();
    if u.user.is_private_expert {
        roles.push("민간 전문가".into());
    }
    let mut state = vec![if u.user.disabled_at.is_some() { "사용 중지" } else { "사용 중" }];
    if u.user.must_change_password {
        state.push("비밀번호 변경 필요");
    }
    [u.user.login.clone(), u.user.display_name.clone(), roles.join(", "), state.join(", ")]
}

fn describe_role(r: &RoleView, positions: &[PositionChoice]) -> String {
    let label = r.role.label_ko();
    match (r.role, r.position_id) {
        (Role::AgencyOfficer, _) => {
            let agency = r.agency_short_name.clone().or(r.agency_id.map(|id| format!("기관 {id}")));
            format!("{label}({})", agency.unwrap_or_default())
        }
        (Role::Exchangee, Some(id)) => match positions.iter().find(|p| p.id == id) {
            Some(p) => format!("{label}({} {}, 직위 {id})", p.agency, p.title),
            None => format!("{label}({}, 직위 {id})", r.position_title.as_deref().unwrap_or("")),
        },
        _ => label.to_string(),
    }
}

/// Columns padded to the widest cell, counting Hangul and other wide characters as two columns.
fn table(header: &[String; 4], rows: &[[String; 4]]) -> String {
    let mut widths = header.clone().map(|h| display_width(&h));
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(display_width(cell));
        }
    }
    let line = |cells: &[String; 4]| {
        let mut out = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            out.push_str(cell);
            if i + 1 < cells.len() {
                out.push_str(&" ".repeat(w - display_width(cell) + 2));
            }
        }
        out.trim_end().to_string() + "\n"
    };
    let mut out = line(header);
    out.push_str(&line(&widths.map(|w| "-".repeat(w))));
    for row in rows {
        out.push_str(&line(row));
    }
    out
}

/// Terminal columns a text takes: East Asian wide characters (Hangul, CJK, full-width forms) take two.
fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let wide = matches!(c as u32,
                0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
                | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
                | 0xFFE0..=0xFFE6);
            if wide {
                2
            } else {
                1
            }
        })
        .sum()
}

async fn add_affiliation(db: &Db, login: &str, draft: &AffiliationDraft) -> anyhow::Result<()> {
    db.add_affiliation(&cli_actor(), login, draft).await.map_err(|e| account_error(e, login))?;
    println!("계정 '{login}'의 소속 이력에 '{}'을(를) 더했습니다.", draft.organization);
    list_affiliations(db, login).await
}

async fn list_affiliations(db: &Db, login: &str) -> anyhow::Result<()> {
    if db.credentials(login).await?.is_none() {
        return Err(no_such_user(login));
    }
    let history = db.affiliations(login).await?;
    if history.is_empty() {
        println!("계정 '{login}'의 소속 이력이 없습니다. --organization 으로 더할 수 있습니다.");
        return Ok(());
    }
    let header = ["소속 기관", "직위", "시작일", "종료일"].map(String::from);
    let rows: Vec<[String; 4]> = history
        .iter()
        .map(|a| [a.organization.clone(), a.title.clone().unwrap_or_default(), day(a.from_date), day(a.to_date)])
        .collect();
    print!("{}", table(&header, &rows));
    Ok(())
}

fn day(d: Option<impl std::fmt::Display>) -> String {
    d.map_or_else(|| "-".to_string(), |d| d.to_string())
}

async fn disable(db: &Db, login: &str) -> anyhow::Result<()> {
    let Some(account) = db.credentials(login).await? else {
        return Err(no_such_user(login));
    };
    if let Some(since) = account.disabled_at {
        println!(
            "계정 '{login}'({})은(는) 이미 {} (UTC)부터 사용 중지 상태입니다. 바뀐 것은 없습니다.",
            account.display_name,
            since.format("%Y-%m-%d %H:%M")
        );
        return Ok(());
    }
    db.disable_user(&cli_actor(), login).await.map_err(|e| account_error(e, login))?;
    println!(
        "계정 '{login}'({})을(를) 사용 중지했습니다. 열려 있던 로그인 세션도 모두 끝냈습니다.",
        account.display_name
    );
    println!("계정과 그 감사기록은 지워지지 않고 남습니다.");
    Ok(())
}

async fn reset_password(db: &Db, login: &str) -> anyhow::Result<()> {
    let Some(account) = db.credentials(login).await? else {
        return Err(no_such_user(login));
    };
    let password = initial_password();
    let hash = hash_password(&password).map_err(anyhow::Error::msg)?;
    db.set_password(&cli_actor(), login, &hash, true).await.map_err(|e| account_error(e, login))?;
    print_one_time_password(
        &format!("비밀번호를 다시 만들었습니다 / Password reset: {} ({login})", account.display_name),
        login,
        &password,
    );
    println!("이 계정으로 열려 있던 로그인 세션은 모두 끝났습니다. 이전 비밀번호는 더 이상 쓸 수 없습니다.");
    if account.disabled_at.is_some() {
        println!("참고: 이 계정은 사용 중지 상태라서 새 비밀번호로도 로그인할 수 없습니다.");
    }
    Ok(())
}

/// On a database without accounts, creates `admin` (OPC admin) and prints its one-time password
/// once. When several instances start at once, only one creates it; the others print nothing.
pub async fn create_first_admin(db: &Db) -> anyhow::Result<()> {
    if db.count_users().await? > 0 {
        return Ok(());
    }
    let password = initial_password();
    let new = NewUser {
        login: FIRST_ADMIN_LOGIN.into(),
        display_name: FIRST_ADMIN_NAME.into(),
        password_hash: hash_password(&password).map_err(anyhow::Error::msg)?,
        must_change_password: true,
        is_private_expert: false,
        grants: vec![Grant::OpcAdmin],
    };
    match db.create_user(&cli_actor(), &new).await {
        Ok(_) => {}
        Err(AccountError::LoginTaken(_)) => return Ok(()),
        // On PostgreSQL a concurrent insert of the same login fails on the unique index instead.
        Err(e) => {
            if db.credentials(FIRST_ADMIN_LOGIN).await?.is_some() {
                return Ok(());
            }
            return Err(e.into());
        }
    }
    print_one_time_password(
        "첫 관리자 계정을 만들었습니다 / Created the first administrator account",
        FIRST_ADMIN_LOGIN,
        &password,
    );
    Ok(())
}

/// The one place a one-time password is shown: stdout, once.
pub fn print_one_time_password(heading: &str, login: &str, password: &str) {
    let rule = "=".repeat(72);
    println!("{rule}");
    println!(" {heading}");
    println!("   아이디 / login:                      {login}");
    println!("   일회용 비밀번호 / one-time password: {password}");
    println!(" 이 비밀번호는 지금 한 번만 표시되고 어디에도 기록되지 않습니다.");
    println!(" 첫 로그인 때 새 비밀번호로 바꿔야 합니다.");
    println!(" Shown only this once and never logged; it must be changed at first sign-in.");
    println!("{rule}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hangul_takes_two_columns_so_tables_line_up() {
        assert_eq!(display_width("admin"), 5);
        assert_eq!(display_width("사용 중"), 7);
        let t = table(
            &["아이디", "이름", "역할", "상태"].map(String::from),
            &[["kim".into(), "김민준".into(), "감사 담당자".into(), "사용 중".into()]],
        );
        let lines: Vec<&str> = t.lines().collect();
        let at = |line: &str, cell: &str| display_width(&line[..line.find(cell).unwrap()]);
        assert_eq!(at(lines[0], "역할"), at(lines[2], "감사 담당자"), "{t}");
        assert_eq!(at(lines[0], "상태"), at(lines[2], "사용 중"), "{t}");
    }

    #[test]
    fn an_officer_needs_an_agency_and_an_exchangee_a_position() {
        let args = |roles: &[Role], agencies: &[&str], positions: &[i64]| AddArgs {
            login: "Kim.Env".into(),
            name: " 김환경 ".into(),
            roles: roles.to_vec(),
            agencies: agencies.iter().map(|s| s.to_string()).collect(),
            positions: positions.to_vec(),
            private_expert: false,
        };
        let ok = args(&[Role::AgencyOfficer, Role::AgencyOfficer], &["환경부"], &[]).plan().unwrap();
        assert_eq!((ok.login.as_str(), ok.display_name.as_str(), ok.roles.len()), ("kim.env", "김환경", 1));
        assert!(args(&[Role::AgencyOfficer], &[], &[]).plan().unwrap_err().message.contains("--agency"));
        assert!(args(&[Role::Auditor], &["환경부"], &[]).plan().unwrap_err().message.contains("agency_officer"));
        assert!(args(&[Role::Exchangee], &[], &[]).plan().unwrap_err().message.contains("--position"));
        assert!(args(&[Role::Evaluator], &[], &[3]).plan().unwrap_err().message.contains("exchangee"));
        assert!(args(&[Role::Exchangee], &[], &[3]).plan().is_ok());
    }
}
