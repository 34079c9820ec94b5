//! Accounts, roles, sessions, API tokens and sign-in throttling. Passwords arrive here already hashed
//! and session ids and tokens as hashes: this crate never sees a secret.

use chrono::{DateTime, NaiveDate, Utc};
use hanteam_domain::access::{Grant, Right, Role};
use hanteam_domain::account::{failures_still_counted, use_worth_recording, Throttle};
use hanteam_domain::edit::AffiliationDraft;
use std::collections::HashMap;

use hanteam_domain::{AgencyId, Paging, PositionId, SessionId, TaskId, TokenId, UserId};
use serde::Serialize;

use crate::record::Record;
use crate::tx::Tx;
use crate::views::Page;
use crate::{with_db, Db, Result, StoreError};

/// What a sign-in needs to know about an account.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Credentials {
    #[sqlx(try_from = "i64")]
    pub id: UserId,
    pub login: String,
    pub display_name: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub disabled_at: Option<DateTime<Utc>>,
}

/// An account as lists and the audit log show it (never the password hash).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserRecord {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    /// Where reminders are e-mailed.
    pub email: Option<String>,
    pub must_change_password: bool,
    pub is_private_expert: bool,
    pub disabled_at: Option<DateTime<Utc>>,
    pub version: i64,
}

impl Record for UserRecord {
    type Id = UserId;
    const TABLE: &'static str = "users";
    const COLUMNS: &'static str =
        "id, login, display_name, email, must_change_password, is_private_expert, disabled_at, version";
    const AUDIT_TYPE: &'static str = "user";

    fn id(&self) -> i64 {
        self.id
    }

    fn version(&self) -> i64 {
        self.version
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleView {
    pub role: Role,
    pub agency_id: Option<AgencyId>,
    pub agency_short_name: Option<String>,
    pub position_id: Option<PositionId>,
    pub position_title: Option<String>,
    /// The agency of the exchangee's position.
    pub position_agency_short_name: Option<String>,
}

impl RoleView {
    /// "기관 담당자(환경부)", "교류자(국토부 국토정책관)", "감사 담당자".
    pub fn label_ko(&self) -> String {
        let role = self.role.label_ko();
        match self.role {
            Role::AgencyOfficer => format!("{role}({})", self.agency_short_name.as_deref().unwrap_or("기관 미입력")),
            Role::Exchangee => {
                let position = [self.position_agency_short_name.as_deref(), self.position_title.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                format!("{role}({position})")
            }
            _ => role.to_string(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserView {
    #[serde(flatten)]
    pub user: UserRecord,
    pub roles: Vec<RoleView>,
}

/// A new account, its password already hashed.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub login: String,
    pub display_name: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub is_private_expert: bool,
    pub email: Option<String>,
    pub grants: Vec<Grant>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRecord {
    #[sqlx(try_from = "i64")]
    pub id: SessionId,
    #[sqlx(try_from = "i64")]
    pub user_id: UserId,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiTokenView {
    pub id: TokenId,
    pub name: String,
    pub rights: Vec<Right>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Where an evaluator works or worked.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Affiliation {
    pub id: i64,
    pub user_id: i64,
    pub organization: String,
    pub title: Option<String>,
    pub from_date: Option<NaiveDate>,
    pub to_date: Option<NaiveDate>,
    pub version: i64,
}

/// The id of a line of an affiliation history.
#[derive(Debug, Clone, Copy)]
pub struct AffiliationId(pub i64);

impl From<AffiliationId> for i64 {
    fn from(id: AffiliationId) -> i64 {
        id.0
    }
}

impl Record for Affiliation {
    type Id = AffiliationId;
    const TABLE: &'static str = "evaluator_affiliations";
    const COLUMNS: &'static str = "id, user_id, organization, title, from_date, to_date, version";
    const AUDIT_TYPE: &'static str = "evaluator_affiliation";

    fn id(&self) -> i64 {
        self.id
    }

    fn version(&self) -> i64 {
        self.version
    }
}

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

impl TokenRow {
    fn view(self) -> ApiTokenView {
        ApiTokenView {
            id: TokenId::new(self.id),
            rights: parse_rights(&self.rights),
            name: self.name,
            created_at: self.created_at,
            last_used_at: self.last_used_at,
            revoked_at: self.revoked_at,
        }
    }
}

/// A live token's owner and rights.
#[derive(Debug, Clone)]
pub struct TokenOwner {
    pub token: TokenId,
    pub user_id: UserId,
    pub rights: Vec<Right>,
}

#[derive(sqlx::FromRow)]
struct RoleRow {
    user_id: i64,
    role: String,
    agency_id: Option<i64>,
    short_name: Option<String>,
    position_id: Option<i64>,
    title: Option<String>,
    position_agency: Option<String>,
}

fn parse_rights(raw: &str) -> Vec<Right> {
    raw.split(',').filter_map(|r| r.trim().parse().ok()).collect()
}

/// How a token's rights are stored: their names, comma-separated.
pub fn join_rights(rights: &[Right]) -> String {
    rights.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",")
}

fn role_view(r: &RoleRow) -> Result<RoleView> {
    Ok(RoleView {
        role: r.role.parse().map_err(StoreError::Corrupt)?,
        agency_id: r.agency_id.map(AgencyId::new),
        agency_short_name: r.short_name.clone(),
        position_id: r.position_id.map(PositionId::new),
        position_title: r.title.clone(),
        position_agency_short_name: r.position_agency.clone(),
    })
}

fn grant_of(r: &RoleRow) -> Result<Grant> {
    let role: Role = r.role.parse().map_err(StoreError::Corrupt)?;
    Ok(match (role, r.agency_id, r.position_id) {
        (Role::OpcAdmin, _, _) => Grant::OpcAdmin,
        (Role::AgencyOfficer, Some(agency_id), _) => Grant::AgencyOfficer { agency_id: AgencyId::new(agency_id) },
        (Role::Exchangee, _, Some(position_id)) => Grant::Exchangee { position_id: PositionId::new(position_id) },
        (Role::Evaluator, _, _) => Grant::Evaluator,
        (Role::Auditor, _, _) => Grant::Auditor,
        _ => return Err(StoreError::Corrupt(format!("역할 '{}'의 대상이 없습니다", r.role))),
    })
}

const CREDENTIALS: &str = "SELECT id, login, display_name, password_hash, must_change_password, disabled_at FROM users";
const ROLE_QUERY: &str = "SELECT r.user_id, r.role, r.agency_id, a.short_name, r.position_id, p.title,
        pa.short_name AS position_agency FROM user_roles r
     LEFT JOIN agencies a ON a.id = r.agency_id LEFT JOIN positions p ON p.id = r.position_id
     LEFT JOIN agencies pa ON pa.id = p.agency_id";
const TOKEN_COLUMNS: &str = "k.id, k.user_id, k.name, k.rights, k.created_at, k.last_used_at, k.revoked_at";

impl Db {
    pub async fn credentials(&self, login: &str) -> Result<Option<Credentials>> {
        let sql = format!("{CREDENTIALS} WHERE login = $1");
        Ok(with_db!(self, |pool| sqlx::query_as::<_, Credentials>(&sql).bind(login).fetch_optional(pool).await?))
    }

    pub async fn credentials_by_id(&self, id: UserId) -> Result<Option<Credentials>> {
        let sql = format!("{CREDENTIALS} WHERE id = $1");
        Ok(with_db!(self, |pool| sqlx::query_as::<_, Credentials>(&sql).bind(id.get()).fetch_optional(pool).await?))
    }

    /// The roles a person holds, as grants for access checks.
    pub async fn grants(&self, user_id: UserId) -> Result<Vec<Grant>> {
        let sql = format!("{ROLE_QUERY} WHERE r.user_id = $1 ORDER BY r.id");
        let rows: Vec<RoleRow> =
            with_db!(self, |pool| sqlx::query_as::<_, RoleRow>(&sql).bind(user_id.get()).fetch_all(pool).await?);
        rows.iter().map(grant_of).collect()
    }

    /// Every account, by login (the console's `user list`, which has no page to turn).
    pub async fn list_users(&self) -> Result<Vec<UserView>> {
        Ok(self.users_page(Paging { limit: i64::MAX, offset: 0 }).await?.items)
    }

    /// One page of the accounts, by login.
    pub async fn users_page(&self, paging: Paging) -> Result<Page<UserView>> {
        let users_sql = format!("SELECT {} FROM users ORDER BY login LIMIT $1 OFFSET $2", UserRecord::COLUMNS);
        let count_sql = "SELECT COUNT(*) FROM users";
        let (total, users): (i64, Vec<UserRecord>) = with_db!(self, |pool| {
            (
                sqlx::query_scalar(count_sql).fetch_one(pool).await?,
                sqlx::query_as::<_, UserRecord>(&users_sql)
                    .bind(paging.limit)
                    .bind(paging.offset)
                    .fetch_all(pool)
                    .await?,
            )
        });
        let mut roles_of: HashMap<i64, Vec<RoleView>> = HashMap::new();
        for ids in users.chunks(500) {
            let list = (1..=ids.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
            let roles_sql = format!("{ROLE_QUERY} WHERE r.user_id IN ({list}) ORDER BY r.id");
            let rows: Vec<RoleRow> = with_db!(self, |pool| {
                let mut q = sqlx::query_as::<_, RoleRow>(&roles_sql);
                for u in ids {
                    q = q.bind(u.id);
                }
                q.fetch_all(pool).await?
            });
            for r in &rows {
                roles_of.entry(r.user_id).or_default().push(role_view(r)?);
            }
        }
        let items = users
            .into_iter()
            .map(|user| UserView { roles: roles_of.remove(&user.id).unwrap_or_default(), user })
            .collect();
        Ok(Page { items, total })
    }

    /// One account with its roles.
    pub async fn user_view(&self, id: UserId) -> Result<Option<UserView>> {
        let user_sql = format!("SELECT {} FROM users WHERE id = $1", UserRecord::COLUMNS);
        let roles_sql = format!("{ROLE_QUERY} WHERE r.user_id = $1 ORDER BY r.id");
        let (user, roles): (Option<UserRecord>, Vec<RoleRow>) = with_db!(self, |pool| {
            (
                sqlx::query_as::<_, UserRecord>(&user_sql).bind(id.get()).fetch_optional(pool).await?,
                sqlx::query_as::<_, RoleRow>(&roles_sql).bind(id.get()).fetch_all(pool).await?,
            )
        });
        let Some(user) = user else { return Ok(None) };
        Ok(Some(UserView { user, roles: roles.iter().map(role_view).collect::<Result<Vec<_>>>()? }))
    }

    pub async fn count_disabled_users(&self) -> Result<i64> {
        Ok(with_db!(self, |pool| {
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE disabled_at IS NOT NULL").fetch_one(pool).await?
        }))
    }

    pub async fn count_users(&self) -> Result<i64> {
        Ok(with_db!(self, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(pool).await?))
    }

    pub async fn create_session(
        &self,
        user_id: UserId,
        token_hash: &str,
        csrf_token: &str,
        client_addr: Option<&str>,
    ) -> Result<()> {
        let t = crate::audit::now();
        with_db!(self, |pool| {
            sqlx::query(
                "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, client_addr)
                 VALUES ($1, $2, $3, $4, $4, $5)",
            )
            .bind(token_hash)
            .bind(user_id.get())
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

    /// Records a session's use when the recorded one is old enough to matter (see
    /// [`use_worth_recording`]; a write, so it waits its turn with the others), as
    /// [`Db::use_api_token`] does for a token.
    pub async fn touch_session(&self, s: &SessionRecord) -> Result<()> {
        if !use_worth_recording(Some(s.last_seen_at), crate::audit::now()) {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        let t = tx.at();
        tx.execute("UPDATE sessions SET last_seen_at = $2 WHERE id = $1", &[s.id.get().into(), t.into()]).await?;
        tx.commit().await
    }

    pub async fn end_session(&self, id: SessionId) -> Result<()> {
        let t = crate::audit::now();
        with_db!(self, |pool| {
            sqlx::query("UPDATE sessions SET ended_at = $2 WHERE id = $1 AND ended_at IS NULL")
                .bind(id.get())
                .bind(t)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// The owner and rights of a live token; records its use.
    pub async fn use_api_token(&self, token_hash: &str) -> Result<Option<TokenOwner>> {
        let t = crate::audit::now();
        let sql = format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens k JOIN users u ON u.id = k.user_id
             WHERE k.token_hash = $1 AND k.revoked_at IS NULL AND u.disabled_at IS NULL"
        );
        let row: Option<TokenRow> =
            with_db!(self, |pool| sqlx::query_as::<_, TokenRow>(&sql).bind(token_hash).fetch_optional(pool).await?);
        if let Some(r) = row.as_ref().filter(|r| use_worth_recording(r.last_used_at, t)) {
            let mut tx = self.begin().await?;
            tx.execute("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1", &[r.id.into(), t.into()]).await?;
            tx.commit().await?;
        }
        Ok(row.map(|r| TokenOwner {
            token: TokenId::new(r.id),
            user_id: UserId::new(r.user_id),
            rights: parse_rights(&r.rights),
        }))
    }

    pub async fn list_api_tokens(&self, user_id: UserId) -> Result<Vec<ApiTokenView>> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens k WHERE k.user_id = $1 ORDER BY k.id DESC");
        let rows: Vec<TokenRow> =
            with_db!(self, |pool| sqlx::query_as::<_, TokenRow>(&sql).bind(user_id.get()).fetch_all(pool).await?);
        Ok(rows.into_iter().map(TokenRow::view).collect())
    }

    /// Counts a sign-in attempt for each key (account and client address) before the password is
    /// checked, so that attempts sent at the same moment cannot slip past the limit. Returns the end
    /// of the lock when any key is locked (nothing is counted then); a successful sign-in clears the
    /// count with [`Db::clear_sign_in_failures`].
    pub async fn reserve_sign_in_attempt(&self, keys: &[(String, Throttle)]) -> Result<Option<DateTime<Utc>>> {
        let mut tx = self.begin().await?;
        let t = tx.at();
        let select = tx.locking("SELECT failures, last_failure_at, locked_until FROM sign_in_throttle WHERE key = $1");
        let mut counts = Vec::new();
        let mut locked: Option<DateTime<Utc>> = None;
        for (key, throttle) in keys {
            tx.execute(
                "INSERT INTO sign_in_throttle (key, failures, last_failure_at) VALUES ($1, 0, $2) ON CONFLICT (key) DO NOTHING",
                &[key.as_str().into(), t.into()],
            )
            .await?;
            let (failures, last, until): (i64, DateTime<Utc>, Option<DateTime<Utc>>) = tx
                .fetch_optional(&select, &[key.as_str().into()])
                .await?
                .ok_or_else(|| StoreError::Corrupt(format!("로그인 시도 기록이 없습니다: {key}")))?;
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
            tx.execute(
                "UPDATE sign_in_throttle SET failures = $2, last_failure_at = $3, locked_until = $4 WHERE key = $1",
                &[key.as_str().into(), i64::from(failures).into(), t.into(), new_lock.max(until).into()],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(None)
    }

    /// Takes back the attempt [`Db::reserve_sign_in_attempt`] counted for `key` when it succeeded:
    /// only failures count. A lock that the count no longer reaches goes with it.
    pub async fn release_sign_in_attempt(&self, key: &str, throttle: Throttle) -> Result<()> {
        let mut tx = self.begin().await?;
        let select = tx.locking("SELECT failures, locked_until FROM sign_in_throttle WHERE key = $1");
        let Some((failures, until)): Option<(i64, Option<DateTime<Utc>>)> =
            tx.fetch_optional(&select, &[key.into()]).await?
        else {
            return Ok(());
        };
        let failures = (failures - 1).clamp(0, u32::MAX as i64);
        let until = until.filter(|_| throttle.lock_duration(failures as u32).is_some());
        tx.execute(
            "UPDATE sign_in_throttle SET failures = $2, locked_until = $3 WHERE key = $1",
            &[key.into(), failures.into(), until.into()],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn clear_sign_in_failures(&self, keys: &[String]) -> Result<()> {
        for key in keys {
            with_db!(self, |pool| {
                sqlx::query("DELETE FROM sign_in_throttle WHERE key = $1").bind(key).execute(pool).await?;
            });
        }
        Ok(())
    }

    /// An account's affiliation history, the most recent first.
    pub async fn affiliations(&self, user_id: UserId) -> Result<Vec<Affiliation>> {
        let sql = format!(
            "SELECT {} FROM evaluator_affiliations WHERE user_id = $1 ORDER BY from_date DESC, id DESC",
            Affiliation::COLUMNS
        );
        Ok(with_db!(self, |pool| sqlx::query_as::<_, Affiliation>(&sql).bind(user_id.get()).fetch_all(pool).await?))
    }
}

impl Tx {
    /// An account by login, locked.
    pub async fn user_by_login(&mut self, login: &str) -> Result<Option<UserRecord>> {
        let sql = self.locking(&format!("SELECT {} FROM users WHERE login = $1", UserRecord::COLUMNS));
        self.fetch_optional(&sql, &[login.into()]).await
    }

    /// Creates an account with its roles.
    pub async fn insert_user(&mut self, u: &NewUser) -> Result<UserId> {
        let id = self
            .insert_stamped(
                "users",
                &[
                    ("login", u.login.as_str().into()),
                    ("display_name", u.display_name.as_str().into()),
                    ("password_hash", u.password_hash.as_str().into()),
                    ("must_change_password", u.must_change_password.into()),
                    ("is_private_expert", u.is_private_expert.into()),
                    ("email", u.email.as_deref().into()),
                ],
            )
            .await?;
        for g in &u.grants {
            let (agency_id, position_id) = match g {
                Grant::AgencyOfficer { agency_id } => (Some(*agency_id), None),
                Grant::Exchangee { position_id } => (None, Some(*position_id)),
                _ => (None, None),
            };
            let at = self.at();
            self.insert(
                "user_roles",
                &[
                    ("user_id", id.into()),
                    ("role", g.role().as_str().into()),
                    ("agency_id", agency_id.into()),
                    ("position_id", position_id.into()),
                    ("created_at", at.into()),
                ],
            )
            .await?;
        }
        Ok(UserId::new(id))
    }

    /// A new e-mail address (or none) for the account at `version`; `None` when it is not (or no
    /// longer) at that version.
    pub async fn set_email(&mut self, id: UserId, version: i64, email: Option<&str>) -> Result<Option<i64>> {
        self.update_versioned("users", id.get(), version, &[("email", email.into())]).await
    }

    /// A new password hash; `must_change` for an initial or reset password.
    pub async fn set_password(
        &mut self,
        id: UserId,
        version: i64,
        password_hash: &str,
        must_change: bool,
    ) -> Result<Option<i64>> {
        let set = [("password_hash", password_hash.into()), ("must_change_password", must_change.into())];
        self.update_versioned("users", id.get(), version, &set).await
    }

    /// Disables an account (never deleted: the audit log refers to it).
    pub async fn disable_user(&mut self, id: UserId, version: i64) -> Result<Option<i64>> {
        let at = self.at();
        self.update_versioned("users", id.get(), version, &[("disabled_at", at.into())]).await
    }

    /// Ends every open session of the person.
    pub async fn end_sessions_of(&mut self, user_id: UserId) -> Result<u64> {
        let at = self.at();
        self.execute(
            "UPDATE sessions SET ended_at = $2 WHERE user_id = $1 AND ended_at IS NULL",
            &[user_id.into(), at.into()],
        )
        .await
    }

    /// Revokes every live API token of `user_id`; returns how many.
    pub async fn revoke_api_tokens_of(&mut self, user_id: UserId) -> Result<u64> {
        let at = self.at();
        self.execute(
            "UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
            &[user_id.into(), at.into()],
        )
        .await
    }

    /// Stores a new API token (its hash) for `user_id` with `rights`.
    pub async fn insert_api_token(
        &mut self,
        user_id: UserId,
        name: &str,
        token_hash: &str,
        rights: &[Right],
    ) -> Result<TokenId> {
        let at = self.at();
        let id = self
            .insert(
                "api_tokens",
                &[
                    ("user_id", user_id.into()),
                    ("name", name.into()),
                    ("token_hash", token_hash.into()),
                    ("rights", join_rights(rights).into()),
                    ("created_at", at.into()),
                ],
            )
            .await?;
        Ok(TokenId::new(id))
    }

    /// Revokes one of `user_id`'s tokens; false when there is no such live token.
    pub async fn revoke_api_token(&mut self, user_id: UserId, token: TokenId) -> Result<bool> {
        let at = self.at();
        let n = self
            .execute(
                "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
                &[token.into(), user_id.into(), at.into()],
            )
            .await?;
        Ok(n == 1)
    }

    /// Adds a line to an evaluator's affiliation history.
    pub async fn insert_affiliation(&mut self, user_id: UserId, d: &AffiliationDraft) -> Result<AffiliationId> {
        let id = self
            .insert_stamped(
                "evaluator_affiliations",
                &[
                    ("user_id", user_id.into()),
                    ("organization", d.organization.as_str().into()),
                    ("title", (&d.title).into()),
                    ("from_date", d.from.into()),
                    ("to_date", d.to.into()),
                ],
            )
            .await?;
        Ok(AffiliationId(id))
    }

    /// Assigns an evaluator to a task; false when it was assigned already.
    pub async fn assign_evaluator(&mut self, user_id: UserId, task: TaskId) -> Result<bool> {
        let at = self.at();
        let n = self
            .execute(
                "INSERT INTO evaluator_assignments (user_id, task_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                &[user_id.into(), task.into(), at.into()],
            )
            .await?;
        Ok(n == 1)
    }
}
