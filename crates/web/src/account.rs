//! Signing in and out, changing one's password, API tokens, and reading the audit log: the logic
//! both the pages and the JSON API use.

use chrono::{NaiveDate, TimeZone, Utc};
use hanteam_domain::access::{can_read_audit, Right};
use hanteam_domain::account::{check_password, Throttle};
use hanteam_domain::ValidationError;
use hanteam_store::accounts::ApiTokenView;
use hanteam_store::audit::{Actor, AuditFilter, AuditRecord};
use hanteam_store::views::Page;
use hanteam_store::Db;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::auth::secrets::{decoy_hash, hash_password, random_secret, secret_hash, verify_password};
use crate::auth::{Credential, Viewer};
use crate::error::AppError;

fn throttle_keys(login: &str, client_addr: Option<&str>) -> Vec<(String, Throttle)> {
    let mut keys = vec![(format!("login:{login}"), Throttle::Account)];
    if let Some(addr) = client_addr {
        keys.push((format!("addr:{addr}"), Throttle::ClientAddress));
    }
    keys
}

const BAD_CREDENTIALS: &str = "아이디 또는 비밀번호가 맞지 않습니다. 다섯 번 넘게 틀리면 잠시 로그인할 수 없습니다.";

/// Checks a login and password. Attempts are counted per account and per client address before
/// the check (an account's count is cleared by its success) and lock sign-in for a while: after five
/// failures for an account, twenty from an address. Both outcomes go to the audit log. Returns the
/// user id.
pub async fn sign_in(db: &Db, login: &str, password: &str, client_addr: Option<&str>) -> Result<i64, AppError> {
    let login = login.trim().to_lowercase();
    if login.is_empty() || password.is_empty() {
        return Err(AppError::invalid(
            if login.is_empty() { "login" } else { "password" },
            "아이디와 비밀번호를 입력해 주세요.",
        ));
    }
    let keys = throttle_keys(&login, client_addr);
    if let Some(until) = db.reserve_sign_in_attempt(&keys).await? {
        return Err(AppError::Locked { retry_after_secs: (until - Utc::now()).num_seconds().max(1) });
    }
    let who = db.credentials(&login).await?;
    // Verify against a decoy when the login does not exist, so timing does not reveal accounts.
    let hash = who.as_ref().map_or(decoy_hash(), |c| c.password_hash.as_str());
    let password_ok = verify_password(hash, password);
    let actor =
        |user_id: Option<i64>| Actor { user_id, label: login.clone(), client_addr: client_addr.map(str::to_string) };
    match who {
        Some(c) if password_ok && c.disabled_at.is_none() => {
            // Only the account's count: a sign-in of one's own must not wipe the failures others made
            // from the same address. The address count is forgotten after a quiet hour.
            db.clear_sign_in_failures(&[keys[0].0.clone()]).await?;
            db.record_event(&actor(Some(c.id)), "auth.sign_in", "user", Some(c.id), None).await?;
            Ok(c.id)
        }
        who => {
            let user_id = who.as_ref().map(|c| c.id);
            let reason = match &who {
                None => "unknown_login",
                Some(c) if c.disabled_at.is_some() => "disabled",
                Some(_) => "wrong_password",
            };
            let detail = serde_json::json!({ "reason": reason }).to_string();
            db.record_event(&actor(user_id), "auth.sign_in_failed", "user", user_id, Some(detail)).await?;
            Err(AppError::Unauthenticated(BAD_CREDENTIALS.into()))
        }
    }
}

/// Ends the viewer's session (records it in the audit log).
pub async fn sign_out(db: &Db, viewer: &Viewer) -> Result<(), AppError> {
    if let Credential::Session { id, .. } = &viewer.credential {
        db.end_session(*id).await?;
        db.record_event(&viewer.actor(), "auth.sign_out", "user", viewer.account.as_ref().map(|a| a.id), None).await?;
    }
    Ok(())
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, ToSchema)]
pub struct PasswordChangeInput {
    pub current_password: Option<String>,
    pub new_password: Option<String>,
    pub new_password_confirm: Option<String>,
}

/// Changes the viewer's own password (all their sessions end; the caller starts a new one).
pub async fn change_password(db: &Db, viewer: &Viewer, input: &PasswordChangeInput) -> Result<(), AppError> {
    viewer.require()?;
    let account = viewer.account.as_ref().ok_or_else(AppError::forbidden)?;
    let current = input.current_password.as_deref().unwrap_or_default();
    let new = input.new_password.as_deref().unwrap_or_default();
    let confirm = input.new_password_confirm.as_deref().unwrap_or_default();
    let creds = db.credentials_by_id(account.id).await?.ok_or_else(AppError::forbidden)?;
    let mut errors = Vec::new();
    if !verify_password(&creds.password_hash, current) {
        errors.push(ValidationError::new("current_password", "지금 비밀번호가 맞지 않습니다."));
    }
    if let Err(e) = check_password(new, &account.login) {
        errors.push(ValidationError::new("new_password", e.message));
    } else if new == current {
        errors.push(ValidationError::new("new_password", "지금과 다른 비밀번호를 정해 주세요."));
    }
    if new != confirm {
        errors.push(ValidationError::new("new_password_confirm", "새 비밀번호 확인이 일치하지 않습니다."));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let hash = hash_password(new).map_err(AppError::Internal)?;
    db.set_password(&viewer.actor(), &account.login, &hash, false).await?;
    Ok(())
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, ToSchema)]
pub struct TokenInput {
    /// What the token is for, e.g. "성과 집계 스크립트".
    pub name: Option<String>,
    /// A subset of the creator's rights: read, write, audit, admin.
    #[serde(default)]
    pub rights: Vec<String>,
}

/// A new token: the secret is shown this once and only its hash is kept.
#[derive(Debug, Clone, serde::Serialize, ToSchema)]
pub struct CreatedToken {
    pub id: i64,
    pub name: String,
    pub rights: Vec<Right>,
    /// Send as `Authorization: Bearer <token>`. It cannot be shown again.
    pub token: String,
}

pub async fn create_token(db: &Db, viewer: &Viewer, input: &TokenInput) -> Result<CreatedToken, AppError> {
    let p = viewer.require()?;
    if matches!(viewer.credential, Credential::Token) {
        return Err(AppError::Forbidden(
            "API 토큰으로는 새 토큰을 만들 수 없습니다. 화면에서 로그인하여 만들어 주세요.".into(),
        ));
    }
    let mut errors = Vec::new();
    let name = input.name.as_deref().map(str::trim).unwrap_or_default().to_string();
    if name.is_empty() || name.chars().count() > 60 {
        errors.push(ValidationError::new("name", "토큰 이름을 60자 이내로 입력해 주세요."));
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
        return Err(AppError::Invalid(errors));
    }
    let secret = format!("ht_{}", random_secret());
    let id = db.create_api_token(&viewer.actor(), p.user_id, &name, &secret_hash(&secret), &rights).await?;
    Ok(CreatedToken { id, name, rights, token: secret })
}

pub async fn tokens(db: &Db, viewer: &Viewer) -> Result<Vec<ApiTokenView>, AppError> {
    Ok(db.list_api_tokens(viewer.require()?.user_id).await?)
}

pub async fn revoke_token(db: &Db, viewer: &Viewer, raw_id: &str) -> Result<(), AppError> {
    let p = viewer.require()?;
    let id = crate::error::parse_id(raw_id, "토큰")?;
    if db.revoke_api_token(&viewer.actor(), p.user_id, id).await? {
        Ok(())
    } else {
        Err(AppError::NotFound(format!("{id}번 토큰(이미 폐기되었거나 내 토큰이 아님)")))
    }
}

/// Filters of the audit log, as they arrive.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Login name of the person who made the change.
    pub actor: Option<String>,
    /// Record type, e.g. task, task_agency_role, user.
    pub record_type: Option<String>,
    /// Record id (with record_type).
    pub record_id: Option<String>,
    /// First day, YYYY-MM-DD (Korean time).
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD (Korean time), inclusive.
    pub until: Option<String>,
    /// Page size, 1–500, default 50.
    pub limit: Option<String>,
    pub offset: Option<String>,
}

fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

pub async fn audit_log(db: &Db, viewer: &Viewer, q: &AuditQuery) -> Result<Page<AuditRecord>, AppError> {
    if !can_read_audit(viewer.require()?) {
        return Err(AppError::forbidden());
    }
    let mut errors = Vec::new();
    let mut day = |field: &str, raw: &Option<String>| {
        present(raw).and_then(|s| match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(ValidationError::new(
                    field,
                    format!("날짜는 2024-04-15 처럼 입력해 주세요. (입력값: '{s}')"),
                ));
                None
            }
        })
    };
    let from = day("from", &q.from);
    let until = day("until", &q.until);
    let mut number = |field: &str, raw: &Option<String>, min: i64, max: i64, default: i64| match present(raw) {
        None => default,
        Some(s) => s.parse::<i64>().ok().filter(|n| (min..=max).contains(n)).unwrap_or_else(|| {
            errors.push(ValidationError::new(
                field,
                format!("{min}부터 {max}까지의 정수로 입력해 주세요. (입력값: '{s}')"),
            ));
            default
        }),
    };
    let limit = number("limit", &q.limit, 1, 500, 50);
    let offset = number("offset", &q.offset, 0, 1_000_000_000, 0);
    let record_id = present(&q.record_id).map(|_| number("record_id", &q.record_id, 1, i64::MAX, 0));
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    // Days as Korean officials count them: from midnight KST (UTC+9).
    let kst = chrono::FixedOffset::east_opt(9 * 3600);
    let midnight = |d: NaiveDate| {
        let local = d.and_hms_opt(0, 0, 0)?;
        kst?.from_local_datetime(&local).single().map(|t| t.with_timezone(&Utc))
    };
    let filter = AuditFilter {
        actor: present(&q.actor).map(str::to_string),
        record_type: present(&q.record_type).map(str::to_string),
        record_id,
        from: from.and_then(midnight),
        until: until.and_then(|d| d.succ_opt()).and_then(midnight),
        limit,
        offset,
    };
    Ok(db.list_audit(&filter).await?)
}
