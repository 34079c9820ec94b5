//! Accounts from the command line: `hanteam user add|list|disable|reset-password|affiliation`, and
//! the first administrator that `hanteam serve` creates on a database without accounts. The same
//! use cases as the account pages and the API (`hanteam_app::accounts`), acting as the console.
//!
//! One-time passwords go to stdout once and nowhere else: never to `tracing`, never to the
//! database (only their Argon2id hash).

use hanteam_domain::korean::{with_particle, Particle};
use std::process::ExitCode;

use anyhow::anyhow;
use clap::{Args, Subcommand};
use hanteam_app::accounts::{self, Disabled, OneTimePassword, TokenInput, UserRef, FIRST_ADMIN_LOGIN};
use hanteam_app::{Db, RoleView, UseCaseError, UserView};
use hanteam_domain::access::Role;
use hanteam_domain::account::{check_new_account, parse_login, AccountInput};
use hanteam_domain::edit::{AffiliationDraft, AffiliationInput};
use hanteam_domain::Paging;
use hanteam_domain::PositionId;

use crate::{console, use_case_error, UsageError};

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
    /// Make an API token for an account (printed once), e.g. for a service account of a program;
    /// its rights are a subset of the account's
    Token {
        /// The account's login name
        login: String,
        /// What the token is for, e.g. "성과 집계 스크립트"
        #[arg(long)]
        name: String,
        /// read, write, audit or admin; repeat for several (default: read)
        #[arg(long = "right", value_name = "RIGHT")]
        rights: Vec<String>,
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
    positions: Vec<PositionId>,
    /// The person is a private expert, not a civil servant (e.g. an outside evaluator)
    #[arg(long)]
    private_expert: bool,
    /// Where reminders are e-mailed (when `serve` has an SMTP server), e.g. hong@korea.kr
    #[arg(long)]
    email: Option<String>,
    /// An account for a program, not a person: no password (it never signs in), only the API
    /// tokens `hanteam user token` makes for it
    #[arg(long)]
    service: bool,
}

fn usage(message: impl Into<String>) -> UsageError {
    UsageError { message: message.into(), command: "user add" }
}

fn parse_role(raw: &str) -> Result<Role, String> {
    raw.trim().parse()
}

fn parse_position_id(raw: &str) -> Result<PositionId, String> {
    PositionId::parse(raw)
        .map_err(|_| format!("교류직위 번호는 1 이상의 숫자로 입력해 주세요 (입력값: '{raw}'). 예: --position 1"))
}

/// A `user` command whose arguments were checked; what is left needs the database.
pub enum UserAction {
    Add(AccountInput, bool),
    Token(String, TokenInput),
    List,
    Disable(String),
    ResetPassword(String),
    AddAffiliation(String, AffiliationInput),
    ListAffiliations(String),
}

impl UserCommand {
    /// Checks what can be checked without the database (the account rules: login, name, roles and
    /// what each is tied to), so a mistaken call changes nothing.
    pub fn plan(&self) -> Result<UserAction, UsageError> {
        Ok(match self {
            UserCommand::Add(args) => UserAction::Add(args.plan()?, args.service),
            UserCommand::Token { login, name, rights } => UserAction::Token(
                normalize_login(login),
                TokenInput {
                    name: Some(name.clone()),
                    rights: if rights.is_empty() { vec!["read".into()] } else { rights.clone() },
                },
            ),
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
                AffiliationDraft::parse(&input).map_err(|errors| UsageError {
                    message: errors
                        .iter()
                        .map(|e| format!("--{}: {}", e.field, e.message))
                        .collect::<Vec<_>>()
                        .join("\n"),
                    command: "user affiliation",
                })?;
                UserAction::AddAffiliation(normalize_login(login), input)
            }
        })
    }
}

/// Logins are stored in lower case; an invalid one is looked up as typed (and not found).
fn normalize_login(raw: &str) -> String {
    parse_login(raw).unwrap_or_else(|_| raw.trim().to_string())
}

/// The option of `user add` that gives an account field, and an example of it.
fn flag_of(field: &str) -> (&'static str, &'static str) {
    match field {
        "login" => ("--login", ""),
        "display_name" => ("--name", " 예: --name \"김민준\""),
        "email" => ("--email", " 예: --email hong@korea.kr"),
        "agency" => ("--agency", " 예: --role agency_officer --agency 환경부"),
        "position" => ("--position", " 예: --role exchangee --position 1"),
        _ => ("--role", ""),
    }
}

impl AddArgs {
    fn plan(&self) -> Result<AccountInput, UsageError> {
        let input = AccountInput {
            login: self.login.clone(),
            display_name: self.name.clone(),
            roles: self.roles.clone(),
            agencies: self.agencies.clone(),
            positions: self.positions.clone(),
            private_expert: self.private_expert,
            email: self.email.clone().unwrap_or_default(),
        };
        check_new_account(&input).map_err(|errors| {
            usage(
                errors
                    .iter()
                    .map(|e| {
                        let (flag, example) = flag_of(&e.field);
                        format!("{flag}: {}{example}", e.message)
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
            )
        })?;
        Ok(input)
    }
}

pub async fn run(db: &Db, action: UserAction) -> anyhow::Result<ExitCode> {
    match action {
        UserAction::Add(plan, false) => add(db, plan).await?,
        UserAction::Add(plan, true) => add_service(db, plan).await?,
        UserAction::Token(login, input) => token(db, &login, &input).await?,
        UserAction::List => list(db).await?,
        UserAction::Disable(login) => disable(db, &login).await?,
        UserAction::ResetPassword(login) => reset_password(db, &login).await?,
        UserAction::AddAffiliation(login, draft) => add_affiliation(db, &login, &draft).await?,
        UserAction::ListAffiliations(login) => list_affiliations(db, &login).await?,
    }
    Ok(ExitCode::SUCCESS)
}

async fn add(db: &Db, input: AccountInput) -> anyhow::Result<()> {
    let created = accounts::add_user(db, &console(), &input).await.map_err(|e| account_error(e, &input.login))?;
    let roles = input.roles.iter().map(|r| r.label_ko()).collect::<Vec<_>>().join(", ");
    print_one_time_password(
        &format!("계정을 만들었습니다 / Account created: {} ({roles})", created.user.user.display_name),
        &created.user.user.login,
        &created.password,
    );
    Ok(())
}

async fn add_service(db: &Db, input: AccountInput) -> anyhow::Result<()> {
    let user = accounts::add_service_user(db, &console(), &input).await.map_err(|e| account_error(e, &input.login))?;
    println!(
        "프로그램용 계정을 만들었습니다 / Service account created: {} ({}). 비밀번호로는 로그인할 수 없습니다.",
        user.user.login, user.user.display_name
    );
    println!("`hanteam user token {} --name …`으로 API 토큰을 만들어 쓰세요.", user.user.login);
    Ok(())
}

async fn token(db: &Db, login: &str, input: &TokenInput) -> anyhow::Result<()> {
    let who = UserRef::Login(login.to_string());
    let t = accounts::create_token_for(db, &console(), &who, input).await.map_err(|e| match e {
        UseCaseError::NotFound(_) => no_such_user(login),
        other => use_case_error(other),
    })?;
    let rights = t.rights.iter().map(|r| r.label_ko()).collect::<Vec<_>>().join(", ");
    eprintln!(
        "'{login}'의 API 토큰 {} 만들었습니다. 아래 토큰은 지금 한 번만 표시됩니다.",
        with_particle(&format!("'{}'({rights})", t.name), Particle::Object)
    );
    // The token alone on stdout, so a script can take it: TOKEN=$(hanteam user token …)
    println!("{}", t.token);
    Ok(())
}

/// A use case's refusal of an account command, in the command line's words.
fn account_error(e: UseCaseError, login: &str) -> anyhow::Error {
    match e {
        UseCaseError::NotFound(_) => no_such_user(login),
        UseCaseError::Invalid(errors) if errors.iter().any(|e| e.field == "login") => {
            anyhow!("이미 있는 아이디입니다: {login}. 다른 아이디를 쓰거나 `hanteam user list`로 확인해 주세요.")
        }
        other => use_case_error(other),
    }
}

fn no_such_user(login: &str) -> anyhow::Error {
    anyhow!("없는 계정입니다: {login}. `hanteam user list`로 아이디를 확인해 주세요.")
}

async fn list(db: &Db) -> anyhow::Result<()> {
    let mut users = Vec::new();
    let mut paging = Paging::LARGEST;
    loop {
        let page = accounts::users(db, &console(), paging).await.map_err(use_case_error)?;
        users.extend(page.items);
        match paging.next(page.total) {
            Some(next) => paging = next,
            None => break,
        }
    }
    if users.is_empty() {
        println!("등록된 계정이 없습니다. `hanteam user add`로 만들 수 있습니다.");
        return Ok(());
    }
    let header = ["아이디", "이름", "역할", "상태"].map(String::from);
    let rows: Vec<[String; 4]> = users.iter().map(row_of).collect();
    print!("{}", table(&header, &rows));
    let disabled = users.iter().filter(|u| u.user.disabled_at.is_some()).count();
    println!("계정 {}개 (사용 중 {}개, 사용 중지 {disabled}개)", users.len(), users.len() - disabled);
    Ok(())
}

fn row_of(u: &UserView) -> [String; 4] {
    let mut roles: Vec<String> = u.roles.iter().map(describe_role).collect();
    if u.user.is_private_expert {
        roles.push("민간 전문가".into());
    }
    let mut state = vec![if u.user.disabled_at.is_some() { "사용 중지" } else { "사용 중" }];
    if u.user.must_change_password {
        state.push("비밀번호 변경 필요");
    }
    [u.user.login.clone(), u.user.display_name.clone(), roles.join(", "), state.join(", ")]
}

/// The role as the pages show it, with the position's number for an exchangee (which `user add
/// --position` takes).
fn describe_role(r: &RoleView) -> String {
    match (r.role, r.position_id) {
        (Role::Exchangee, Some(id)) => format!("{}, 직위 {id})", r.label_ko().trim_end_matches(')')),
        _ => r.label_ko(),
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

async fn add_affiliation(db: &Db, login: &str, input: &AffiliationInput) -> anyhow::Result<()> {
    let who = UserRef::Login(login.to_string());
    let added = accounts::add_affiliation(db, &console(), &who, input).await.map_err(|e| account_error(e, login))?;
    println!(
        "계정 '{login}'의 소속 이력에 {} 더했습니다.",
        with_particle(&format!("'{}'", added.organization), Particle::Object)
    );
    list_affiliations(db, login).await
}

async fn list_affiliations(db: &Db, login: &str) -> anyhow::Result<()> {
    let who = UserRef::Login(login.to_string());
    let history = accounts::affiliations(db, &console(), &who).await.map_err(|e| account_error(e, login))?;
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
    let who = UserRef::Login(login.to_string());
    match accounts::disable_user(db, &console(), &who, None).await.map_err(|e| account_error(e, login))? {
        Disabled::Already(u) => {
            let since = u.user.disabled_at.map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default();
            println!(
                "계정 {} 이미 {since} (UTC)부터 사용 중지 상태입니다. 바뀐 것은 없습니다.",
                with_particle(&format!("'{login}'({})", u.user.display_name), Particle::Topic)
            );
        }
        Disabled::Now(u) => {
            println!(
                "계정 {} 사용 중지했습니다. 열려 있던 로그인 세션도 모두 끝냈습니다.",
                with_particle(&format!("'{login}'({})", u.user.display_name), Particle::Object)
            );
            println!("계정과 그 감사기록은 지워지지 않고 남습니다.");
        }
    }
    Ok(())
}

async fn reset_password(db: &Db, login: &str) -> anyhow::Result<()> {
    let who = UserRef::Login(login.to_string());
    let reset = accounts::reset_password(db, &console(), &who, None).await.map_err(|e| account_error(e, login))?;
    print_one_time_password(
        &format!("비밀번호를 다시 만들었습니다 / Password reset: {} ({login})", reset.user.user.display_name),
        login,
        &reset.password,
    );
    println!("이 계정으로 열려 있던 로그인 세션은 모두 끝났고, 이 계정의 API 토큰은 모두 폐기되었습니다. 이전 비밀번호는 더 이상 쓸 수 없습니다.");
    if reset.user.user.disabled_at.is_some() {
        println!("참고: 이 계정은 사용 중지 상태라서 새 비밀번호로도 로그인할 수 없습니다.");
    }
    Ok(())
}

/// On a database without accounts, creates `admin` (OPC admin) and prints its one-time password
/// once. When several instances start at once, only one creates it; the others print nothing.
pub async fn create_first_admin(db: &Db) -> anyhow::Result<()> {
    if let Some(password) = accounts::create_first_admin(db, &console()).await.map_err(use_case_error)? {
        print_one_time_password(
            "첫 관리자 계정을 만들었습니다 / Created the first administrator account",
            FIRST_ADMIN_LOGIN,
            &password,
        );
    }
    Ok(())
}

/// The one place a one-time password is shown: stdout, once.
fn print_one_time_password(heading: &str, login: &str, OneTimePassword(password): &OneTimePassword) {
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
}
