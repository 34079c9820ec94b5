//! Accounts, roles, sessions, API tokens and sign-in throttling. Passwords arrive here already hashed
//! and session ids and tokens as hashes: this crate never sees a secret.

use chrono::{DateTime, Utc};
use hanteam_domain::access::{Grant, Right, Role};
use hanteam_domain::account::{failures_still_counted, Throttle};
use hanteam_domain::edit::AffiliationDraft;
use serde::Serialize;
use utoipa::ToSchema;

use crate::audit::{append_audit, begin_write_sql, entry, head_sql, now, snapshot, Actor};
use crate::{with_db, Db, Result, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("이미 있는 아이디입니다: {0}")]
    LoginTaken(String),
    #[error("없는 계정입니다: {0}")]
    NoSuchUser(String),
    #[error("{0}")]
    BadGrant(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for AccountError {
    fn from(e: sqlx::Error) -> Self {
        AccountError::Store(StoreError::Database(e))
    }
}

/// What a sign-in needs to know about an account.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Credentials {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub disabled_at: Option<DateTime<Utc>>,
}

/// An account as lists and the audit log show it (never the password hash).
#[derive(Debug, Clone, Serialize, ToSchema, sqlx::FromRow)]
pub struct UserRecord {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub must_change_password: bool,
    pub is_private_expert: bool,
    pub disabled_at: Option<DateTime<Utc>>,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoleView {
    pub role: Role,
    pub agency_id: Option<i64>,
    pub agency_short_name: Option<String>,
    pub position_id: Option<i64>,
    pub position_title: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserView {
    #[serde(flatten)]
    pub user: UserRecord,
    pub roles: Vec<RoleView>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub login: String,
    pub display_name: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub is_private_expert: bool,
    pub grants: Vec<Grant>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRecord {
    pub id: i64,
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiTokenView {
    pub id: i64,
    pub name: String,
    pub rights: Vec<Right>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Where an evaluator works or worked.
#[derive(Debug, Clone, Serialize, ToSchema, sqlx::FromRow)]
pub struct Affiliation {
    pub id: i64,
    pub user_id: i64,
    pub organization: String,
    pub title: Option<String>,
    pub from_date: Option<chrono::NaiveDate>,
    pub to_date: Option<chrono::NaiveDate>,
    pub version: i64,
}

const AFFILIATION_QUERY: &str =
    "SELECT id, user_id, organization, title, from_date, to_date, version FROM evaluator_affiliations WHERE id = $1";

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: i64,
    user_id: i64,
    name: String,
    rights: String,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct RoleRow {
    user_id: i64,
    role: String,
    agency_id: Option<i64>,
    short_name: Option<String>,
    position_id: Option<i64>,
    title: Option<String>,
}

fn parse_rights(raw: &str) -> Vec<Right> {
    raw.split(',').filter_map(|r| r.trim().parse().ok()).collect()
}

fn join_rights(rights: &[Right]) -> String {
    rights.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",")
}

fn grant_of(r: &RoleRow) -> Result<Grant> {
    let role: Role = r.role.parse().map_err(StoreError::Corrupt)?;
    Ok(match (role, r.agency_id, r.position_id) {
        (Role::OpcAdmin, _, _) => Grant::OpcAdmin,
        (Role::AgencyOfficer, Some(agency_id), _) => Grant::AgencyOfficer { agency_id },
        (Role::Exchangee, _, Some(position_id)) => Grant::Exchangee { position_id },
        (Role::Evaluator, _, _) => Grant::Evaluator,
        (Role::Auditor, _, _) => Grant::Auditor,
        _ => return Err(StoreError::Corrupt(format!("역할 '{}'의 대상이 없습니다", r.role))),
    })
}

const USER_COLUMNS: &str = "id, login, display_name, must_change_password, is_private_expert, disabled_at, version";
const ROLE_QUERY: &str = "SELECT r.user_id, r.role, r.agency_id, a.short_name, r.position_id, p.title FROM user_roles r
     LEFT JOIN agencies a ON a.id = r.agency_id LEFT JOIN positions p ON p.id = r.position_id";

impl Db {
    /// Creates an account with its roles; the audit log records it (without the password hash).
    pub async fn create_user(&self, actor: &Actor, u: &NewUser) -> Result<i64, AccountError> {
        for g in &u.grants {
            match g {
                Grant::AgencyOfficer { agency_id }
                    if self.find_agency(&hanteam_domain::AgencyRef::Id(*agency_id)).await?.is_none() =>
                {
                    return Err(AccountError::BadGrant(format!("{agency_id}번 기관이 없습니다.")));
                }
                _ => {}
            }
        }
        let (begin, head) = (begin_write_sql(self), head_sql(self));
        let t = now();
        let user_sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        with_db!(self, |pool| {
            let mut tx = pool.begin_with(begin).await?;
            let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE login = $1")
                .bind(&u.login)
                .fetch_optional(&mut *tx)
                .await?;
            if taken.is_some() {
                return Err(AccountError::LoginTaken(u.login.clone()));
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO users (login, display_name, password_hash, must_change_password, is_private_expert,
                    created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
            )
            .bind(&u.login)
            .bind(&u.display_name)
            .bind(&u.password_hash)
            .bind(u.must_change_password)
            .bind(u.is_private_expert)
            .bind(t)
            .fetch_one(&mut *tx)
            .await?;
            for g in &u.grants {
                let (agency_id, position_id) = match g {
                    Grant::AgencyOfficer { agency_id } => (Some(*agency_id), None),
                    Grant::Exchangee { position_id } => (None, Some(*position_id)),
                    _ => (None, None),
                };
                sqlx::query(
                    "INSERT INTO user_roles (user_id, role, agency_id, position_id, created_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(g.role().as_str())
                .bind(agency_id)
                .bind(position_id)
                .bind(t)
                .execute(&mut *tx)
                .await?;
            }
            let after: UserRecord = sqlx::query_as(&user_sql).bind(id).fetch_one(&mut *tx).await?;
            let roles: Vec<&str> = u.grants.iter().map(|g| g.role().as_str()).collect();
            let detail = serde_json::json!({ "user": after, "roles": roles });
            let e = entry(actor, "user.create", "user", Some(id), None, snapshot(&detail));
            append_audit!(tx, head, e);
            tx.commit().await?;
            Ok(id)
        })
    }

    pub async fn credentials(&self, login: &str) -> Result<Option<Credentials>> {
        Ok(with_db!(self, |pool| {
            sqlx::query_as::<_, Credentials>(
                "SELECT id, login, display_name, password_hash, must_change_password, disabled_at FROM users WHERE login = $1",
            )
            .bind(login)
            .fetch_optional(pool)
            .await?
        }))
    }

    pub async fn credentials_by_id(&self, id: i64) -> Result<Option<Credentials>> {
        Ok(with_db!(self, |pool| {
            sqlx::query_as::<_, Credentials>(
                "SELECT id, login, display_name, password_hash, must_change_password, disabled_at FROM users WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
        }))
    }

    /// The roles a person holds, as grants for access checks.
    pub async fn grants(&self, user_id: i64) -> Result<Vec<Grant>> {
        let sql = format!("{ROLE_QUERY} WHERE r.user_id = $1 ORDER BY r.id");
        let rows: Vec<RoleRow> =
            with_db!(self, |pool| sqlx::query_as::<_, RoleRow>(&sql).bind(user_id).fetch_all(pool).await?);
        rows.iter().map(grant_of).collect()
    }

    pub async fn list_users(&self) -> Result<Vec<UserView>> {
        let users_sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY login");
        let roles_sql = format!("{ROLE_QUERY} ORDER BY r.id");
        let (users, roles): (Vec<UserRecord>, Vec<RoleRow>) = with_db!(self, |pool| {
            (
                sqlx::query_as::<_, UserRecord>(&users_sql).fetch_all(pool).await?,
                sqlx::query_as::<_, RoleRow>(&roles_sql).fetch_all(pool).await?,
            )
        });
        users
            .into_iter()
            .map(|user| {
                let roles = roles
                    .iter()
                    .filter(|r| r.user_id == user.id)
                    .map(|r| {
                        Ok(RoleView {
                            role: r.role.parse().map_err(StoreError::Corrupt)?,
                            agency_id: r.agency_id,
                            agency_short_name: r.short_name.clone(),
                            position_id: r.position_id,
                            position_title: r.title.clone(),
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                Ok(UserView { user, roles })
            })
            .collect()
    }

    /// Sets a new password hash; `must_change` for an initial or reset password. Ends the person's
    /// sessions, so a stolen session does not outlive a password change.
    pub async fn set_password(
        &self,
        actor: &Actor,
        login: &str,
        password_hash: &str,
        must_change: bool,
    ) -> Result<(), AccountError> {
        self.change_user(actor, login, "user.password", |t| {
            (
                "UPDATE users SET password_hash = $2, must_change_password = $3, updated_at = $4, version = version + 1 WHERE id = $1",
                Some((password_hash.to_string(), must_change, t)),
            )
        })
        .await
    }

    /// Disables an account (never deleted: the audit log refers to it) and ends its sessions.
    pub async fn disable_user(&self, actor: &Actor, login: &str) -> Result<(), AccountError> {
        self.change_user(actor, login, "user.disable", |_| {
            ("UPDATE users SET disabled_at = $2, updated_at = $2, version = version + 1 WHERE id = $1", None)
        })
        .await
    }

    async fn change_user(
        &self,
        actor: &Actor,
        login: &str,
        action: &str,
        statement: impl FnOnce(DateTime<Utc>) -> (&'static str, Option<(String, bool, DateTime<Utc>)>),
    ) -> Result<(), AccountError> {
        let (begin, head) = (begin_write_sql(self), head_sql(self));
        let t = now();
        let (sql, password) = statement(t);
        let select = format!("SELECT {USER_COLUMNS} FROM users WHERE login = $1");
        let select_id = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        with_db!(self, |pool| {
            let mut tx = pool.begin_with(begin).await?;
            let before: Option<UserRecord> = sqlx::query_as(&select).bind(login).fetch_optional(&mut *tx).await?;
            let Some(before) = before else {
                return Err(AccountError::NoSuchUser(login.to_string()));
            };
            match &password {
                Some((hash, must_change, t)) => {
                    sqlx::query(sql).bind(before.id).bind(hash).bind(*must_change).bind(*t).execute(&mut *tx).await?;
                }
                None => {
                    sqlx::query(sql).bind(before.id).bind(t).execute(&mut *tx).await?;
                }
            }
            sqlx::query("UPDATE sessions SET ended_at = $2 WHERE user_id = $1 AND ended_at IS NULL")
                .bind(before.id)
                .bind(t)
                .execute(&mut *tx)
                .await?;
            let after: UserRecord = sqlx::query_as(&select_id).bind(before.id).fetch_one(&mut *tx).await?;
            let e = entry(actor, action, "user", Some(before.id), snapshot(&before), snapshot(&after));
            append_audit!(tx, head, e);
            tx.commit().await?;
            Ok(())
        })
    }

    pub async fn create_session(
        &self,
        user_id: i64,
        token_hash: &str,
        csrf_token: &str,
        client_addr: Option<&str>,
    ) -> Result<()> {
        let t = now();
        with_db!(self, |pool| {
            sqlx::query(
                "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, client_addr)
                 VALUES ($1, $2, $3, $4, $4, $5)",
            )
            .bind(token_hash)
            .bind(user_id)
            .bind(csrf_token)
            .bind(t)
            .bind(client_addr)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// A session that has not been ended, with its owner's account still enabled.
    pub async fn open_session(&self, token_hash: &str) -> Result<Option<SessionRecord>> {
        Ok(with_db!(self, |pool| {
            sqlx::query_as::<_, SessionRecord>(
                "SELECT s.id, s.user_id, s.csrf_token, s.created_at, s.last_seen_at FROM sessions s
                 JOIN users u ON u.id = s.user_id
                 WHERE s.token_hash = $1 AND s.ended_at IS NULL AND u.disabled_at IS NULL",
            )
            .bind(token_hash)
            .fetch_optional(pool)
            .await?
        }))
    }

    pub async fn touch_session(&self, session_id: i64) -> Result<()> {
        let t = now();
        with_db!(self, |pool| {
            sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id = $1")
                .bind(session_id)
                .bind(t)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    pub async fn end_session(&self, session_id: i64) -> Result<()> {
        let t = now();
        with_db!(self, |pool| {
            sqlx::query("UPDATE sessions SET ended_at = $2 WHERE id = $1 AND ended_at IS NULL")
                .bind(session_id)
                .bind(t)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Stores a new API token (its hash) for `user_id` with `rights`; recorded in the audit log.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        user_id: i64,
        name: &str,
        token_hash: &str,
        rights: &[Right],
    ) -> Result<i64> {
        let (begin, head) = (begin_write_sql(self), head_sql(self));
        let t = now();
        let rights_text = join_rights(rights);
        with_db!(self, |pool| {
            let mut tx = pool.begin_with(begin).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO api_tokens (user_id, name, token_hash, rights, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(user_id)
            .bind(name)
            .bind(token_hash)
            .bind(&rights_text)
            .bind(t)
            .fetch_one(&mut *tx)
            .await?;
            let after = serde_json::json!({ "id": id, "user_id": user_id, "name": name, "rights": rights_text });
            let e = entry(actor, "api_token.create", "api_token", Some(id), None, snapshot(&after));
            append_audit!(tx, head, e);
            tx.commit().await?;
            Ok(id)
        })
    }

    /// The owner and rights of a live token; records its use.
    pub async fn use_api_token(&self, token_hash: &str) -> Result<Option<(i64, Vec<Right>)>> {
        let t = now();
        let row: Option<TokenRow> = with_db!(self, |pool| {
            let row = sqlx::query_as::<_, TokenRow>(
                "SELECT k.id, k.user_id, k.name, k.rights, k.created_at, k.last_used_at, k.revoked_at FROM api_tokens k
                 JOIN users u ON u.id = k.user_id
                 WHERE k.token_hash = $1 AND k.revoked_at IS NULL AND u.disabled_at IS NULL",
            )
            .bind(token_hash)
            .fetch_optional(pool)
            .await?;
            if let Some(r) = &row {
                sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
                    .bind(r.id)
                    .bind(t)
                    .execute(pool)
                    .await?;
            }
            row
        });
        Ok(row.map(|r| (r.user_id, parse_rights(&r.rights))))
    }

    pub async fn list_api_tokens(&self, user_id: i64) -> Result<Vec<ApiTokenView>> {
        let rows: Vec<TokenRow> = with_db!(self, |pool| {
            sqlx::query_as::<_, TokenRow>(
                "SELECT id, user_id, name, rights, created_at, last_used_at, revoked_at FROM api_tokens
                 WHERE user_id = $1 ORDER BY id DESC",
            )
            .bind(user_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|r| ApiTokenView {
                id: r.id,
                name: r.name,
                rights: parse_rights(&r.rights),
                created_at: r.created_at,
                last_used_at: r.last_used_at,
                revoked_at: r.revoked_at,
            })
            .collect())
    }

    /// Revokes one of `user_id`'s tokens. Returns false when there is no such live token.
    pub async fn revoke_api_token(&self, actor: &Actor, user_id: i64, token_id: i64) -> Result<bool> {
        let (begin, head) = (begin_write_sql(self), head_sql(self));
        let t = now();
        with_db!(self, |pool| {
            let mut tx = pool.begin_with(begin).await?;
            let n = sqlx::query(
                "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
            )
            .bind(token_id)
            .bind(user_id)
            .bind(t)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Ok(false);
            }
            let e = entry(actor, "api_token.revoke", "api_token", Some(token_id), None, None);
            append_audit!(tx, head, e);
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Counts a sign-in attempt for each key (account and client address) before the password is
    /// checked, so that attempts sent at the same moment cannot slip past the limit. Returns the end
    /// of the lock when any key is locked (nothing is counted then); a successful sign-in clears the
    /// count with [`Db::clear_sign_in_failures`].
    pub async fn reserve_sign_in_attempt(&self, keys: &[(String, Throttle)]) -> Result<Option<DateTime<Utc>>> {
        let begin = begin_write_sql(self);
        let select = match self {
            Db::Sqlite(_) => "SELECT failures, last_failure_at, locked_until FROM sign_in_throttle WHERE key = $1",
            Db::Postgres(_) => {
                "SELECT failures, last_failure_at, locked_until FROM sign_in_throttle WHERE key = $1 FOR UPDATE"
            }
        };
        let t = now();
        with_db!(self, |pool| {
            let mut tx = pool.begin_with(begin).await?;
            let mut counts = Vec::new();
            let mut locked: Option<DateTime<Utc>> = None;
            for (key, throttle) in keys {
                sqlx::query(
                    "INSERT INTO sign_in_throttle (key, failures, last_failure_at) VALUES ($1, 0, $2) ON CONFLICT (key) DO NOTHING",
                )
                .bind(key)
                .bind(t)
                .execute(&mut *tx)
                .await?;
                let (failures, last, until): (i64, DateTime<Utc>, Option<DateTime<Utc>>) =
                    sqlx::query_as(select).bind(key).fetch_one(&mut *tx).await?;
                if let Some(u) = until.filter(|u| *u > t) {
                    locked = locked.max(Some(u));
                }
                let failures = failures_still_counted(failures.clamp(0, u32::MAX as i64) as u32, last, t);
                counts.push((key, *throttle, failures, until));
            }
            if locked.is_some() {
                return Ok(locked);
            }
            for (key, throttle, failures, until) in counts {
                let failures = failures.saturating_add(1);
                let new_lock = throttle.lock_duration(failures).map(|d| t + d);
                sqlx::query(
                    "UPDATE sign_in_throttle SET failures = $2, last_failure_at = $3, locked_until = $4 WHERE key = $1",
                )
                .bind(key)
                .bind(i64::from(failures))
                .bind(t)
                .bind(new_lock.max(until))
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(None)
        })
    }

    pub async fn clear_sign_in_failures(&self, keys: &[String]) -> Result<()> {
        for key in keys {
            with_db!(self, |pool| {
                sqlx::query("DELETE FROM sign_in_throttle WHERE key = $1").bind(key).execute(pool).await?;
            });
        }
        Ok(())
    }

    /// Adds a line to an evaluator's affiliation history.
    pub async fn add_affiliation(&self, actor: &Actor, login: &str, d: &AffiliationDraft) -> Result<i64, AccountError> {
        let (begin, head) = (begin_write_sql(self), head_sql(self));
        let t = now();
        with_db!(self, |pool| {
            let mut tx = pool.begin_with(begin).await?;
            let user: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE login = $1")
                .bind(login)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(user_id) = user else { return Err(AccountError::NoSuchUser(login.to_string())) };
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO evaluator_affiliations (user_id, organization, title, from_date, to_date, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
            )
            .bind(user_id)
            .bind(&d.organization)
            .bind(&d.title)
            .bind(d.from)
            .bind(d.to)
            .bind(t)
            .fetch_one(&mut *tx)
            .await?;
            let after: Affiliation = sqlx::query_as(AFFILIATION_QUERY).bind(id).fetch_one(&mut *tx).await?;
            let e =
                entry(actor, "evaluator_affiliation.create", "evaluator_affiliation", Some(id), None, snapshot(&after));
            append_audit!(tx, head, e);
            tx.commit().await?;
            Ok(id)
        })
    }

    /// An account's affiliation history, the most recent first.
    pub async fn affiliations(&self, login: &str) -> Result<Vec<Affiliation>> {
        Ok(with_db!(self, |pool| {
            sqlx::query_as::<_, Affiliation>(
                "SELECT f.id, f.user_id, f.organization, f.title, f.from_date, f.to_date, f.version
                 FROM evaluator_affiliations f JOIN users u ON u.id = f.user_id
                 WHERE u.login = $1 ORDER BY f.from_date DESC, f.id DESC",
            )
            .bind(login)
            .fetch_all(pool)
            .await?
        }))
    }

    pub async fn count_users(&self) -> Result<i64> {
        Ok(with_db!(self, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(pool).await?))
    }

    pub async fn assign_evaluator(&self, actor: &Actor, user_id: i64, task_id: i64) -> Result<()> {
        let (begin, head) = (begin_write_sql(self), head_sql(self));
        let t = now();
        with_db!(self, |pool| {
            let mut tx = pool.begin_with(begin).await?;
            sqlx::query("INSERT INTO evaluator_assignments (user_id, task_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(user_id)
                .bind(task_id)
                .bind(t)
                .execute(&mut *tx)
                .await?;
            let after = serde_json::json!({ "user_id": user_id, "task_id": task_id });
            let e = entry(actor, "evaluator.assign", "task", Some(task_id), None, snapshot(&after));
            append_audit!(tx, head, e);
            tx.commit().await?;
        });
        Ok(())
    }
}
