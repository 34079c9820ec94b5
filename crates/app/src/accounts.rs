//! Accounts: signing in and out, who a request is, one's own password and API tokens, and the
//! administration of accounts (OPC, or the console) — the same for the pages, the API and the CLI.

use chrono::Utc;
use hanteam_domain::access::{self, Grant, Principal, Right, Role};
use hanteam_domain::account::{
    check_new_account, check_password, session_is_live, AccountDraft, AccountFields, AccountInput, Throttle,
    MAX_LOGIN_CHARS,
};
use hanteam_domain::audit::AuditAction;
use hanteam_domain::edit::{AffiliationDraft, AffiliationInput};
use hanteam_domain::validation::refused_characters;
use hanteam_domain::{AgencyRef, Paging, PositionId, SessionId, TokenId, UserId, ValidationError};
use hanteam_store::accounts::{Affiliation, ApiTokenView, NewUser, RoleView, UserRecord, UserView};
use hanteam_store::audit::{Actor, Change};
use hanteam_store::views::Page;
use hanteam_store::{Db, Tx};
use serde::Deserialize;

use crate::secrets::{decoy_hash, hash_password, initial_password, random_secret, secret_hash, verify_password};
use crate::{Caller, Credential, Result, UseCaseError};

// ---------------------------------------------------------------------------------------------
// Signing in, and who a request is.

fn throttle_keys(login: &str, client_addr: Option<&str>) -> Vec<(String, Throttle)> {
    let mut keys = vec![(format!("login:{login}"), Throttle::Account)];
    if let Some(addr) = client_addr {
        keys.push((format!("addr:{addr}"), Throttle::ClientAddress));
    }
    keys
}

const BAD_CREDENTIALS: &str = "아이디 또는 비밀번호가 맞지 않습니다. 다섯 번 넘게 틀리면 잠시 로그인할 수 없습니다.";

/// Checks a login and password. Attempts are counted per account and per client address before
/// the check (so that simultaneous guesses cannot slip past the limit), a success is taken back, and
/// failures lock sign-in for a while: after five for an account, twenty from an address. Both outcomes go to the audit log.
pub async fn sign_in(db: &Db, login: &str, password: &str, client_addr: Option<&str>) -> Result<SignedIn> {
    let login = login.trim().to_lowercase();
    if login.is_empty() || password.is_empty() {
        return Err(UseCaseError::invalid(
            if login.is_empty() { "login" } else { "password" },
            "아이디와 비밀번호를 입력해 주세요.",
        ));
    }
    // No account has a longer login: refused before anything is counted or written.
    if login.chars().count() > MAX_LOGIN_CHARS {
        return Err(UseCaseError::invalid(
            "login",
            format!("아이디는 {MAX_LOGIN_CHARS}자 이하입니다. 아이디를 확인해 주세요."),
        ));
    }
    let keys = throttle_keys(&login, client_addr);
    if let Some(until) = db.reserve_sign_in_attempt(&keys).await? {
        return Err(UseCaseError::Locked { retry_after_secs: (until - Utc::now()).num_seconds().max(1) });
    }
    let who = db.credentials(&login).await?;
    // Verify against a decoy when the login does not exist, so timing does not reveal accounts.
    let hash = who.as_ref().map_or(decoy_hash(), |c| c.password_hash.as_str());
    let password_ok = verify_password(hash, password);
    let actor =
        |user_id: Option<UserId>| Actor { user_id, label: login.clone(), client_addr: client_addr.map(str::to_string) };
    match who {
        Some(c) if password_ok && c.disabled_at.is_none() => {
            // The account's count is cleared; the address's only loses this attempt, so a sign-in of
            // one's own neither counts against the address (everyone behind one proxy signs in from
            // it) nor wipes the failures others made from it.
            db.clear_sign_in_failures(&[keys[0].0.clone()]).await?;
            for (key, throttle) in &keys[1..] {
                db.release_sign_in_attempt(key, *throttle).await?;
            }
            db.record_event(&actor(Some(c.id)), Change::event(AuditAction::SignIn, "user", Some(c.id.get()), None))
                .await?;
            Ok(SignedIn { user_id: c.id, must_change_password: c.must_change_password })
        }
        who => {
            let user_id = who.as_ref().map(|c| c.id);
            let reason = match &who {
                None => "unknown_login",
                Some(c) if c.disabled_at.is_some() => "disabled",
                Some(_) => "wrong_password",
            };
            let detail = serde_json::json!({ "reason": reason }).to_string();
            let change = Change::event(AuditAction::SignInFailed, "user", user_id.map(UserId::get), Some(detail));
            db.record_event(&actor(user_id), change).await?;
            Err(UseCaseError::Unauthenticated(BAD_CREDENTIALS.into()))
        }
    }
}

/// Who just signed in, and whether they must change an initial password before anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedIn {
    pub user_id: UserId,
    pub must_change_password: bool,
}

/// A new browser session for someone who just signed in: the secret for their cookie. Only its
/// hash is kept.
pub async fn start_session(db: &Db, user_id: UserId, client_addr: Option<&str>) -> Result<String> {
    let secret = random_secret();
    db.create_session(user_id, &secret_hash(&secret), &random_secret(), client_addr).await?;
    Ok(secret)
}

/// Ends the caller's browser session (recorded in the audit log).
pub async fn sign_out(db: &Db, by: &Caller) -> Result<()> {
    if let Credential::Session(id) = by.credential {
        db.end_session(id).await?;
        db.record_event(
            &by.actor,
            Change::event(AuditAction::SignOut, "user", by.actor.user_id.map(UserId::get), None),
        )
        .await?;
    }
    Ok(())
}

/// A signed-in person, as a request proves them.
#[derive(Debug, Clone)]
pub struct Identity {
    pub user_id: UserId,
    pub login: String,
    pub display_name: String,
    pub must_change_password: bool,
    pub grants: Vec<Grant>,
}

impl Identity {
    /// The caller this identity acts as, through `credential` (a token narrows the rights).
    pub fn caller(
        &self,
        credential: Credential,
        token_rights: Option<Vec<Right>>,
        client_addr: Option<String>,
    ) -> Caller {
        let principal = Principal::person(self.user_id, self.grants.clone(), token_rights);
        Caller::person(principal, &self.login, credential, client_addr)
    }
}

async fn identity(db: &Db, user_id: UserId) -> Result<Identity> {
    let c = db
        .credentials_by_id(user_id)
        .await?
        .filter(|c| c.disabled_at.is_none())
        .ok_or_else(|| UseCaseError::Unauthenticated("사용이 중지된 계정입니다.".into()))?;
    Ok(Identity {
        user_id,
        login: c.login,
        display_name: c.display_name,
        must_change_password: c.must_change_password,
        grants: db.grants(user_id).await?,
    })
}

/// A live browser session: its person, and the CSRF token its forms must carry.
pub struct SessionIdentity {
    pub identity: Identity,
    pub session: SessionId,
    pub csrf_token: String,
}

/// The person of a session cookie, if the session is open and not idle or old (then it is ended).
pub async fn identify_session(db: &Db, secret: &str) -> Result<Option<SessionIdentity>> {
    let Some(session) = db.open_session(&secret_hash(secret)).await? else { return Ok(None) };
    if !session_is_live(session.created_at, session.last_seen_at, Utc::now()) {
        db.end_session(session.id).await?;
        return Ok(None);
    }
    db.touch_session(&session).await?;
    let identity = identity(db, session.user_id).await?;
    Ok(Some(SessionIdentity { identity, session: session.id, csrf_token: session.csrf_token }))
}

/// The person of an API token, and what the token lets them do.
pub struct TokenIdentity {
    pub identity: Identity,
    pub token: TokenId,
    pub rights: Vec<Right>,
}

pub async fn identify_token(db: &Db, secret: &str) -> Result<TokenIdentity> {
    let Some(owner) = db.use_api_token(&secret_hash(secret)).await? else {
        return Err(UseCaseError::Unauthenticated(
            "API 토큰이 올바르지 않거나 폐기되었습니다. 내 정보 화면에서 새 토큰을 만들어 주세요.".into(),
        ));
    };
    Ok(TokenIdentity { identity: identity(db, owner.user_id).await?, token: owner.token, rights: owner.rights })
}

// ---------------------------------------------------------------------------------------------
// One's own account.

/// The caller's own roles, as the account page shows them.
pub async fn my_roles(db: &Db, by: &Caller) -> Result<Vec<RoleView>> {
    let me = by.user_id()?;
    Ok(db.user_view(me).await?.map(|u| u.roles).unwrap_or_default())
}

/// The caller's own account (with its roles), as the account page shows it.
pub async fn my_account(db: &Db, by: &Caller) -> Result<UserView> {
    let me = by.user_id()?;
    db.user_view(me).await?.ok_or_else(|| no_such_user(&UserRef::Id(me)))
}

/// A new e-mail address for one's own reminders, as a form or a script sends it.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailInput {
    /// e.g. hong@korea.kr; empty for none (no reminder e-mails).
    pub email: Option<String>,
    /// The account's version the change is based on.
    pub version: Option<String>,
}

/// Sets (or clears) the caller's own e-mail address; reminders are e-mailed there from now on.
pub async fn set_my_email(db: &Db, by: &Caller, input: &EmailInput) -> Result<UserView> {
    let me = by.user_id()?;
    let mut errors = Vec::new();
    let email = hanteam_domain::notification::parse_email(input.email.as_deref().unwrap_or_default())
        .map_err(|e| errors.push(e))
        .unwrap_or_default();
    let version =
        hanteam_domain::edit::parse_version(&hanteam_domain::edit::VersionInput { version: input.version.clone() })
            .map_err(|e| errors.extend(e))
            .unwrap_or_default();
    if !errors.is_empty() {
        return Err(UseCaseError::Invalid(errors));
    }
    let mut tx = db.begin().await?;
    let before = user_record(&mut tx, &UserRef::Id(me)).await?;
    tx.set_email(me, version, email.as_deref())
        .await?
        .ok_or(UseCaseError::Stale { current_version: before.version })?;
    let after = user_record(&mut tx, &UserRef::Id(me)).await?;
    tx.audit(&by.actor, Change::updated(AuditAction::UserEmail, &before, &after)).await?;
    tx.commit().await?;
    my_account(db, by).await
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordChangeInput {
    pub current_password: Option<String>,
    pub new_password: Option<String>,
    pub new_password_confirm: Option<String>,
}

/// Changes the caller's own password; every session of theirs ends (the caller starts a new one).
pub async fn change_password(db: &Db, by: &Caller, input: &PasswordChangeInput) -> Result<()> {
    let me = by.user_id()?;
    let current = input.current_password.as_deref().unwrap_or_default();
    let new = input.new_password.as_deref().unwrap_or_default();
    let confirm = input.new_password_confirm.as_deref().unwrap_or_default();
    let creds = db.credentials_by_id(me).await?.ok_or_else(UseCaseError::forbidden)?;
    let mut errors = Vec::new();
    if !verify_password(&creds.password_hash, current) {
        errors.push(ValidationError::new("current_password", "현재 비밀번호가 맞지 않습니다."));
    }
    if let Err(e) = check_password(new, &creds.login) {
        errors.push(ValidationError::new("new_password", e.message));
    } else if new == current {
        errors.push(ValidationError::new("new_password", "현재 비밀번호와 다른 비밀번호를 정해 주세요."));
    }
    if new != confirm {
        errors.push(ValidationError::new("new_password_confirm", "새 비밀번호 확인이 일치하지 않습니다."));
    }
    if !errors.is_empty() {
        return Err(UseCaseError::Invalid(errors));
    }
    let hash = hash_password(new).map_err(UseCaseError::Internal)?;
    let mut tx = db.begin().await?;
    let before = user_record(&mut tx, &UserRef::Id(me)).await?;
    let version = before.version;
    new_password(&mut tx, by, before, version, &hash, false).await?;
    Ok(tx.commit().await?)
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenInput {
    /// What the token is for, e.g. "성과 집계 스크립트".
    pub name: Option<String>,
    /// A subset of the creator's rights: read, write, audit, admin.
    #[serde(default)]
    pub rights: Vec<String>,
}

/// A new token: the secret is shown this once and only its hash is kept.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedToken {
    pub id: TokenId,
    pub name: String,
    pub rights: Vec<Right>,
    /// Send as `Authorization: Bearer <token>`. It cannot be shown again.
    pub token: String,
}

/// A token for scripts, with a subset of the caller's rights. Made from a browser session only: a
/// token cannot make tokens.
pub async fn create_token(db: &Db, by: &Caller, input: &TokenInput) -> Result<CreatedToken> {
    let p = by.signed_in()?;
    by.user_id()?;
    from_a_session(by)?;
    issue_token(db, by, p, input).await
}

/// Tokens are made and revoked by a person at the screen, never by a token: a read-only token that
/// leaked must not be able to revoke (or outlive) the full one beside it.
fn from_a_session(by: &Caller) -> Result<()> {
    match by.credential {
        Credential::Session(_) => Ok(()),
        _ => Err(UseCaseError::Forbidden(
            "API 토큰으로는 토큰을 만들거나 폐기할 수 없습니다. 화면에서 로그인하여 내 계정에서 해 주세요.".into(),
        )),
    }
}

/// A token of `owner` with the rights asked for (each one the owner holds); the secret is returned
/// this once, and only its hash kept.
async fn issue_token(db: &Db, by: &Caller, owner: &Principal, input: &TokenInput) -> Result<CreatedToken> {
    let (p, me) = (owner, owner.user_id.ok_or_else(UseCaseError::forbidden)?);
    let mut errors = Vec::new();
    let name = input.name.as_deref().map(str::trim).unwrap_or_default().to_string();
    if name.is_empty() || name.chars().count() > 60 {
        errors.push(ValidationError::new("name", "토큰 이름을 60자 이내로 입력해 주세요."));
    } else if let Some(m) = refused_characters(&name, "토큰 이름", false) {
        errors.push(ValidationError::new("name", m));
    }
    let mut rights = Vec::new();
    for raw in &input.rights {
        match raw.parse::<Right>() {
            Ok(r) if p.has_right(r) => rights.push(r),
            Ok(r) => errors.push(ValidationError::new(
                "rights",
                format!("'{}' 권한은 가지고 있지 않아 토큰에 줄 수 없습니다.", r.label_ko()),
            )),
            Err(m) => errors.push(ValidationError::new("rights", m)),
        }
    }
    rights.sort();
    rights.dedup();
    if rights.is_empty() && errors.is_empty() {
        errors.push(ValidationError::new("rights", "토큰에 줄 권한을 하나 이상 골라 주세요."));
    }
    if !errors.is_empty() {
        return Err(UseCaseError::Invalid(errors));
    }
    let secret = format!("ht_{}", random_secret());
    let mut tx = db.begin().await?;
    let id = tx.insert_api_token(me, &name, &secret_hash(&secret), &rights).await?;
    let after = serde_json::json!({
        "id": id, "user_id": me, "name": name, "rights": hanteam_store::accounts::join_rights(&rights)
    });
    tx.audit(&by.actor, Change::of(AuditAction::TokenCreate, "api_token", Some(id.get()), None::<&()>, Some(&after)))
        .await?;
    tx.commit().await?;
    Ok(CreatedToken { id, name, rights, token: secret })
}

/// A token for someone else's account (OPC, or the console): how a service account gets one. The
/// rights are a subset of the account's own.
pub async fn create_token_for(db: &Db, by: &Caller, who: &UserRef, input: &TokenInput) -> Result<CreatedToken> {
    may_manage_users(by)?;
    let user = user(db, by, who).await?;
    let id = UserId::new(user.user.id);
    if user.user.disabled_at.is_some() {
        return Err(UseCaseError::invalid("login", "사용 중지된 계정에는 토큰을 만들 수 없습니다."));
    }
    let owner = Principal::person(id, db.grants(id).await?, None);
    issue_token(db, by, &owner, input).await
}

/// The caller's API tokens (never the secrets).
pub async fn tokens(db: &Db, by: &Caller) -> Result<Vec<ApiTokenView>> {
    Ok(db.list_api_tokens(by.user_id()?).await?)
}

/// Revokes one of the caller's tokens.
pub async fn revoke_token(db: &Db, by: &Caller, token: TokenId) -> Result<()> {
    let me = by.user_id()?;
    from_a_session(by)?;
    let mut tx = db.begin().await?;
    if !tx.revoke_api_token(me, token).await? {
        return Err(UseCaseError::NotFound(format!("{token}번 토큰(이미 폐기되었거나 내 토큰이 아님)")));
    }
    tx.audit(&by.actor, Change::event(AuditAction::TokenRevoke, "api_token", Some(token.get()), None)).await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Administration of accounts: OPC administrators, and the console.

fn may_manage_users(by: &Caller) -> Result<()> {
    if access::can_manage_users(by.signed_in()?) {
        Ok(())
    } else {
        Err(UseCaseError::forbidden())
    }
}

/// An account named by its id (the pages and the API) or its login (the command line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserRef {
    Id(UserId),
    Login(String),
}

fn no_such_user(who: &UserRef) -> UseCaseError {
    match who {
        UserRef::Id(id) => UseCaseError::NotFound(format!("{id}번 계정")),
        UserRef::Login(login) => UseCaseError::NotFound(format!("계정 '{login}'")),
    }
}

/// The account, locked.
async fn user_record(tx: &mut Tx, who: &UserRef) -> Result<UserRecord> {
    let found = match who {
        UserRef::Id(id) => tx.load::<UserRecord>(*id).await?,
        UserRef::Login(login) => tx.user_by_login(&login.trim().to_lowercase()).await?,
    };
    found.ok_or_else(|| no_such_user(who))
}

/// One page of the accounts with their roles, by login.
pub async fn users(db: &Db, by: &Caller, paging: Paging) -> Result<Page<UserView>> {
    may_manage_users(by)?;
    Ok(db.users_page(paging).await?)
}

/// How many accounts are disabled (of all of them).
pub async fn disabled_count(db: &Db, by: &Caller) -> Result<i64> {
    may_manage_users(by)?;
    Ok(db.count_disabled_users().await?)
}

/// One account with its roles.
pub async fn user(db: &Db, by: &Caller, who: &UserRef) -> Result<UserView> {
    may_manage_users(by)?;
    let id = match who {
        UserRef::Id(id) => *id,
        UserRef::Login(login) => {
            db.credentials(&login.trim().to_lowercase()).await?.ok_or_else(|| no_such_user(who))?.id
        }
    };
    db.user_view(id).await?.ok_or_else(|| no_such_user(who))
}

/// A password made for someone, shown to the person who made it once: never logged, never stored
/// (only its hash). The person must change it at their first sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneTimePassword(pub String);

/// An account made, with its one-time password.
#[derive(Debug, Clone)]
pub struct Created {
    pub user: UserView,
    pub password: OneTimePassword,
}

/// As [`add_user`], from what a form or a script sent.
pub async fn add_user_from(db: &Db, by: &Caller, fields: &AccountFields) -> Result<Created> {
    may_manage_users(by)?;
    add_user(db, by, &fields.parse()?).await
}

/// Creates an account with its roles and a one-time password.
pub async fn add_user(db: &Db, by: &Caller, input: &AccountInput) -> Result<Created> {
    may_manage_users(by)?;
    let draft = check_new_account(input)?;
    let grants = grants_of(db, &draft).await?;
    let password = initial_password();
    let new = NewUser {
        login: draft.login.clone(),
        display_name: draft.display_name.clone(),
        password_hash: hash_password(&password).map_err(UseCaseError::Internal)?,
        must_change_password: true,
        is_private_expert: draft.private_expert,
        email: draft.email.clone(),
        grants,
    };
    let id = insert_user(db, by, &new).await?;
    let user = db.user_view(id).await?.ok_or_else(|| no_such_user(&UserRef::Id(id)))?;
    Ok(Created { user, password: OneTimePassword(password) })
}

/// Creates an account for a program (a ministry's data pipeline, the benchmark): it has no password
/// anyone knows, so it never signs in; it acts only through API tokens made for it
/// ([`create_token_for`]).
pub async fn add_service_user(db: &Db, by: &Caller, input: &AccountInput) -> Result<UserView> {
    may_manage_users(by)?;
    let draft = check_new_account(input)?;
    let grants = grants_of(db, &draft).await?;
    let new = NewUser {
        login: draft.login.clone(),
        display_name: draft.display_name.clone(),
        // The hash of a secret nobody is given.
        password_hash: hash_password(&random_secret()).map_err(UseCaseError::Internal)?,
        must_change_password: false,
        is_private_expert: draft.private_expert,
        email: draft.email.clone(),
        grants,
    };
    let id = insert_user(db, by, &new).await?;
    db.user_view(id).await?.ok_or_else(|| no_such_user(&UserRef::Id(id)))
}

/// The grants of a new account's roles, each tied to an agency or position that exists.
async fn grants_of(db: &Db, draft: &AccountDraft) -> Result<Vec<Grant>> {
    let mut grants = Vec::new();
    for role in &draft.roles {
        match role {
            Role::OpcAdmin => grants.push(Grant::OpcAdmin),
            Role::AgencyOfficer => {
                for raw in &draft.agencies {
                    let agency_id = agency_of(db, raw).await?;
                    let grant = Grant::AgencyOfficer { agency_id };
                    if !grants.contains(&grant) {
                        grants.push(grant); // `환경부` and `4` may name one agency twice
                    }
                }
            }
            Role::Exchangee => {
                let known = exchange_positions(db).await?;
                for position_id in &draft.positions {
                    if !known.iter().any(|p| p.id == *position_id) {
                        return Err(unknown_position(*position_id, &known));
                    }
                    grants.push(Grant::Exchangee { position_id: *position_id });
                }
            }
            Role::Evaluator => grants.push(Grant::Evaluator),
            Role::Auditor => grants.push(Grant::Auditor),
        }
    }
    Ok(grants)
}

/// The account and its roles in one transaction, audited without the password hash.
async fn insert_user(db: &Db, by: &Caller, new: &NewUser) -> Result<UserId> {
    let mut tx = db.begin().await?;
    if tx.user_by_login(&new.login).await?.is_some() {
        return Err(UseCaseError::invalid(
            "login",
            format!("이미 있는 아이디입니다: {}. 다른 아이디를 써 주세요.", new.login),
        ));
    }
    let id = tx.insert_user(new).await?;
    let after = tx.load::<UserRecord>(id).await?.ok_or_else(|| no_such_user(&UserRef::Id(id)))?;
    let roles: Vec<&str> = new.grants.iter().map(|g| g.role().as_str()).collect();
    let detail = serde_json::json!({ "user": after, "roles": roles });
    tx.audit(&by.actor, Change::of(AuditAction::UserCreate, "user", Some(id.get()), None::<&()>, Some(&detail)))
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// An agency by id or short name; a wrong one is answered with the agencies there are.
async fn agency_of(db: &Db, raw: &str) -> Result<hanteam_domain::AgencyId> {
    if let Some(a) = db.find_agency(&AgencyRef::parse(raw)).await? {
        return Ok(a.id);
    }
    let agencies = db.list_agencies().await?;
    let message = if agencies.is_empty() {
        format!(
            "'{raw}' 기관이 없습니다. 기관 목록이 비어 있으니 먼저 `hanteam seed`로 2024년 내장 데이터를 불러와 주세요."
        )
    } else {
        let names: Vec<String> = agencies.iter().map(|a| format!("{} {}", a.id, a.short_name)).collect();
        format!("'{raw}' 기관이 없습니다. 다음 중 하나를 약칭이나 번호로 지정해 주세요: {}", names.join(", "))
    };
    Err(UseCaseError::invalid("agency", message))
}

/// An exchange position as an account's role can name it.
#[derive(Debug, Clone)]
pub struct PositionChoice {
    pub id: PositionId,
    pub agency: String,
    pub title: String,
}

/// The positions of the exchange pairs (the only ones an exchangee can hold), by id.
pub async fn exchange_positions(db: &Db) -> Result<Vec<PositionChoice>> {
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

fn unknown_position(id: PositionId, known: &[PositionChoice]) -> UseCaseError {
    let message = if known.is_empty() {
        format!(
            "{id}번 교류직위가 없습니다. 교류직위 목록이 비어 있으니 먼저 `hanteam seed`로 2024년 내장 데이터를 불러와 주세요."
        )
    } else {
        let lines: Vec<String> = known.iter().map(|p| format!("  {:>3}  {} {}", p.id, p.agency, p.title)).collect();
        format!("{id}번 교류직위가 없습니다. 다음 번호 중에서 골라 주세요:\n{}", lines.join("\n"))
    };
    UseCaseError::invalid("position", message)
}

/// What disabling an account did.
#[derive(Debug, Clone)]
pub enum Disabled {
    /// Disabled now, and its sessions ended.
    Now(UserView),
    /// It was disabled already; nothing changed.
    Already(UserView),
}

/// Disables an account (never deleted: the audit log refers to it) and ends its sessions.
/// `version`, when given, is the version the decision was based on.
pub async fn disable_user(db: &Db, by: &Caller, who: &UserRef, version: Option<i64>) -> Result<Disabled> {
    may_manage_users(by)?;
    let mut tx = db.begin().await?;
    let before = user_record(&mut tx, who).await?;
    let id = UserId::new(before.id);
    if by.actor.user_id == Some(id) {
        return Err(UseCaseError::Forbidden(
            "자기 계정은 사용 중지할 수 없습니다. 다른 관리자에게 요청해 주세요.".into(),
        ));
    }
    if before.disabled_at.is_some() {
        drop(tx);
        return Ok(Disabled::Already(db.user_view(id).await?.ok_or_else(|| no_such_user(who))?));
    }
    tx.disable_user(id, version.unwrap_or(before.version))
        .await?
        .ok_or(UseCaseError::Stale { current_version: before.version })?;
    tx.end_sessions_of(id).await?;
    let after = tx.load::<UserRecord>(id).await?.ok_or_else(|| no_such_user(who))?;
    tx.audit(&by.actor, Change::updated(AuditAction::UserDisable, &before, &after)).await?;
    tx.commit().await?;
    Ok(Disabled::Now(db.user_view(id).await?.ok_or_else(|| no_such_user(who))?))
}

/// A new one-time password for someone (they must change it at their next sign-in); their
/// sessions end and the old password no longer works.
pub async fn reset_password(db: &Db, by: &Caller, who: &UserRef, version: Option<i64>) -> Result<Created> {
    may_manage_users(by)?;
    let password = initial_password();
    let hash = hash_password(&password).map_err(UseCaseError::Internal)?;
    let mut tx = db.begin().await?;
    let before = user_record(&mut tx, who).await?;
    let (id, version) = (UserId::new(before.id), version.unwrap_or(before.version));
    new_password(&mut tx, by, before, version, &hash, true).await?;
    tx.commit().await?;
    let user = db.user_view(id).await?.ok_or_else(|| no_such_user(who))?;
    Ok(Created { user, password: OneTimePassword(password) })
}

/// Sets a password hash in `tx` on the account `before` (as loaded, locked), ends the person's
/// sessions and revokes their API tokens (neither a stolen session nor a stolen token outlives a
/// password change or an administrator's reset, the compromise case), and audits it. `version` is
/// the version the change is based on.
async fn new_password(
    tx: &mut Tx,
    by: &Caller,
    before: UserRecord,
    version: i64,
    hash: &str,
    must_change: bool,
) -> Result<()> {
    let id = UserId::new(before.id);
    tx.set_password(id, version, hash, must_change)
        .await?
        .ok_or(UseCaseError::Stale { current_version: before.version })?;
    tx.end_sessions_of(id).await?;
    let tokens = tx.revoke_api_tokens_of(id).await?;
    let after = tx.load::<UserRecord>(id).await?.ok_or_else(|| no_such_user(&UserRef::Id(id)))?;
    tx.audit(&by.actor, Change::updated(AuditAction::UserPassword, &before, &after)).await?;
    if tokens > 0 {
        let detail = serde_json::json!({ "revoked_tokens": tokens }).to_string();
        tx.audit(&by.actor, Change::event(AuditAction::TokenRevokeAll, "user", Some(id.get()), Some(detail))).await?;
    }
    Ok(())
}

/// On a database without accounts, creates `admin` (OPC admin) with a one-time password. When
/// several instances start at once, only one creates it; the others get `None`.
pub async fn create_first_admin(db: &Db, by: &Caller) -> Result<Option<OneTimePassword>> {
    may_manage_users(by)?;
    if db.count_users().await? > 0 {
        return Ok(None);
    }
    let password = initial_password();
    let new = NewUser {
        login: FIRST_ADMIN_LOGIN.into(),
        display_name: FIRST_ADMIN_NAME.into(),
        password_hash: hash_password(&password).map_err(UseCaseError::Internal)?,
        must_change_password: true,
        is_private_expert: false,
        email: None,
        grants: vec![Grant::OpcAdmin],
    };
    match insert_user(db, by, &new).await {
        Ok(_) => Ok(Some(OneTimePassword(password))),
        // Another instance made it a moment ago (on PostgreSQL, a concurrent insert of the same
        // login fails on the unique index instead).
        Err(_) if db.credentials(FIRST_ADMIN_LOGIN).await?.is_some() => Ok(None),
        Err(e) => Err(e),
    }
}

/// The account `hanteam serve` creates when the database has none.
pub const FIRST_ADMIN_LOGIN: &str = "admin";
const FIRST_ADMIN_NAME: &str = "국무조정실 관리자";

/// Adds a line to an evaluator's affiliation history (the basis of conflict-of-interest checks).
pub async fn add_affiliation(db: &Db, by: &Caller, who: &UserRef, input: &AffiliationInput) -> Result<Affiliation> {
    may_manage_users(by)?;
    let draft = AffiliationDraft::parse(input)?;
    let mut tx = db.begin().await?;
    let user = user_record(&mut tx, who).await?;
    let id = tx.insert_affiliation(UserId::new(user.id), &draft).await?;
    let after = tx.load::<Affiliation>(id).await?.ok_or_else(|| no_such_user(who))?;
    tx.audit(&by.actor, Change::created(AuditAction::AffiliationCreate, &after)).await?;
    tx.commit().await?;
    Ok(after)
}

/// An account's affiliation history, the most recent first.
pub async fn affiliations(db: &Db, by: &Caller, who: &UserRef) -> Result<Vec<Affiliation>> {
    let user = user(db, by, who).await?;
    Ok(db.affiliations(UserId::new(user.user.id)).await?)
}

/// Assigns an evaluator to a task (recorded in the audit log when it is new).
pub async fn assign_evaluator(db: &Db, by: &Caller, user: UserId, task: hanteam_domain::TaskId) -> Result<()> {
    may_manage_users(by)?;
    let mut tx = db.begin().await?;
    if tx.assign_evaluator(user, task).await? {
        let after = serde_json::json!({ "user_id": user, "task_id": task });
        tx.audit(
            &by.actor,
            Change::of(AuditAction::EvaluatorAssign, "task", Some(task.get()), None::<&()>, Some(&after)),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
