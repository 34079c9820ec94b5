//! Changes to the registry: tasks and their parts, agencies, positions, pairs and exchangees.
//!
//! Every change is `tx { load; check version; write; audit }`: a stale version changes nothing and
//! reports the current one; the audit row (before and after) is written in the same transaction.

use chrono::{DateTime, NaiveDate, Utc};
use hanteam_domain::access::TaskAccess;
use hanteam_domain::edit::{AgencyDraft, ExchangeeDraft, KpiDraft, MilestoneDraft, PositionDraft, TaskDraft};
use hanteam_domain::{TaskStatus, ValidationError};
use serde::Serialize;

use crate::audit::{append_audit, begin_write_sql, entry, head_sql, now, snapshot, Actor};
use crate::{with_db, Db, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{0}을(를) 찾을 수 없습니다.")]
    NotFound(&'static str),
    #[error(
        "다른 사람이 먼저 고쳤습니다 (현재 버전 {current}). 화면을 새로 고쳐 바뀐 내용을 확인한 뒤 다시 수정해 주세요."
    )]
    Stale { current: i64 },
    #[error("{0}")]
    Invalid(ValidationError),
    /// The change is not the writer's to make, judged on the task as it is inside the transaction.
    #[error("이 작업을 할 권한이 없습니다.")]
    Forbidden,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for WriteError {
    fn from(e: sqlx::Error) -> Self {
        WriteError::Store(StoreError::Database(e))
    }
}

type WriteResult<T> = Result<T, WriteError>;

/// A task row as the audit log records it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct TaskRecord {
    pub id: i64,
    pub seq: i64,
    pub pair_id: Option<i64>,
    pub title: String,
    pub task_type: Option<String>,
    pub source: String,
    pub status: String,
    pub description: Option<String>,
    pub lead_agency_id: Option<i64>,
    pub archived_at: Option<DateTime<Utc>>,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RoleRecord {
    pub id: i64,
    pub task_id: i64,
    pub agency_id: i64,
    pub role: Option<String>,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct KpiRecord {
    pub id: i64,
    pub task_id: i64,
    pub seq: i64,
    pub name: String,
    pub baseline_value: Option<f64>,
    pub target_value: Option<f64>,
    pub unit: Option<String>,
    pub due: Option<NaiveDate>,
    pub note: Option<String>,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct MilestoneRecord {
    pub id: i64,
    pub task_id: i64,
    pub seq: i64,
    pub title: String,
    pub due: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
    pub note: Option<String>,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AgencyRecord {
    pub id: i64,
    pub short_name: String,
    pub name: String,
    pub name_en: Option<String>,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PositionRecord {
    pub id: i64,
    pub agency_id: i64,
    pub title: String,
    pub level: Option<String>,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PairRecord {
    pub id: i64,
    pub seq: i64,
    pub theme: String,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ExchangeeRecord {
    pub id: i64,
    pub position_id: i64,
    pub name: Option<String>,
    pub expertise: Option<String>,
    pub version: i64,
}

const TASK_RECORD: &str = "SELECT id, seq, pair_id, title, task_type, source, status, description, lead_agency_id,
    archived_at, version FROM tasks WHERE id = $1";
const ROLE_RECORD: &str =
    "SELECT id, task_id, agency_id, role, version FROM task_agency_roles WHERE task_id = $1 AND agency_id = $2";
const KPI_RECORD: &str =
    "SELECT id, task_id, seq, name, baseline_value, target_value, unit, due, note, version FROM task_kpis WHERE id = $1";
const MILESTONE_RECORD: &str =
    "SELECT id, task_id, seq, title, due, done_on, note, version FROM task_milestones WHERE id = $1";
const AGENCY_RECORD: &str = "SELECT id, short_name, name, name_en, version FROM agencies WHERE id = $1";
const POSITION_RECORD: &str = "SELECT id, agency_id, title, level, version FROM positions WHERE id = $1";
const PAIR_RECORD: &str = "SELECT id, seq, theme, version FROM exchange_pairs WHERE id = $1";
const EXCHANGEE_RECORD: &str = "SELECT id, position_id, name, expertise, version FROM exchangees WHERE id = $1";

fn stale_unless(expected: i64, current: i64) -> WriteResult<()> {
    if expected == current {
        Ok(())
    } else {
        Err(WriteError::Stale { current })
    }
}

/// Loads the row of `$sql` with the given binds inside `$tx`, or returns NotFound.
macro_rules! load {
    ($tx:expr, $ty:ty, $sql:expr, $what:expr, $($bind:expr),+) => {{
        let row: Option<$ty> = sqlx::query_as($sql)$(.bind($bind))+.fetch_optional(&mut *$tx).await?;
        match row {
            Some(r) => r,
            None => return Err(WriteError::NotFound($what)),
        }
    }};
}

/// A version-checked change of one row in one transaction, audited with the row before and after:
/// `tx { load; guard; check version; update; load again; audit }`. Evaluates to the new version.
/// `$update` is a query whose `$1` is the row's id and which increments `version`.
macro_rules! versioned_update {
    ($db:expr, $actor:expr, $action:literal, $record_type:literal, $Record:ty, $select:expr, $what:literal,
     $id:expr, $version:expr, task(|$before:ident| $task_id:expr, $rule:expr), $update:expr) => {{
        let (begin, head) = (begin_write_sql($db), head_sql($db));
        let (locking, task_lock) = (for_update($db, $select), for_update($db, TASK_ACCESS));
        with_db!($db, |pool| {
            let mut tx = pool.begin_with(begin).await?;
            let $before = load!(tx, $Record, &locking, $what, $id);
            guard_task!(tx, &task_lock, $task_id, $rule);
            stale_unless($version, $before.version)?;
            $update.execute(&mut *tx).await?;
            let after = load!(tx, $Record, $select, $what, $id);
            let e = entry($actor, $action, $record_type, Some($id), snapshot(&$before), snapshot(&after));
            append_audit!(tx, head, e);
            tx.commit().await?;
            Ok(after.version)
        })
    }};
    ($db:expr, $actor:expr, $action:literal, $record_type:literal, $Record:ty, $select:expr, $what:literal,
     $id:expr, $version:expr, $update:expr) => {{
        let (begin, head) = (begin_write_sql($db), head_sql($db));
        let locking = for_update($db, $select);
        with_db!($db, |pool| {
            let mut tx = pool.begin_with(begin).await?;
            let before = load!(tx, $Record, &locking, $what, $id);
            stale_unless($version, before.version)?;
            $update.execute(&mut *tx).await?;
            let after = load!(tx, $Record, $select, $what, $id);
            let e = entry($actor, $action, $record_type, Some($id), snapshot(&before), snapshot(&after));
            append_audit!(tx, head, e);
            tx.commit().await?;
            Ok(after.version)
        })
    }};
}

/// The row-loading query of a change, locking the row until the transaction ends where the dialect
/// needs it: on PostgreSQL two writers would otherwise both read the same version and both write.
/// (SQLite write transactions begin IMMEDIATE and so already run one at a time.)
fn for_update(db: &Db, select: &str) -> String {
    match db {
        Db::Sqlite(_) => select.to_string(),
        Db::Postgres(_) => format!("{select} FOR UPDATE"),
    }
}

/// Who may change a task's parts, asked of the task as it is: `hanteam_domain::access` rules,
/// passed in by the caller and applied inside the transaction of the change.
pub type TaskRule<'a> = &'a (dyn Fn(&TaskAccess) -> bool + Sync);

const TASK_ACCESS: &str = "SELECT status, archived_at, pair_id FROM tasks WHERE id = $1";

/// The access facts of task `$task_id`, read through `$conn` (a pool, or `&mut *tx` inside a
/// transaction); `$task_sql` reads the task row (locking it inside a write).
macro_rules! load_task_access {
    ($conn:expr, $task_sql:expr, $task_id:expr) => {{
        let found: Option<(String, Option<DateTime<Utc>>, Option<i64>)> =
            sqlx::query_as($task_sql).bind($task_id).fetch_optional($conn).await?;
        match found {
            None => None,
            Some((status, archived_at, pair_id)) => {
                let agency_ids: Vec<i64> =
                    sqlx::query_scalar("SELECT agency_id FROM task_agency_roles WHERE task_id = $1")
                        .bind($task_id)
                        .fetch_all($conn)
                        .await?;
                let positions: Vec<(i64, i64)> =
                    sqlx::query_as("SELECT position_a_id, position_b_id FROM exchange_pairs WHERE id = $1")
                        .bind(pair_id.unwrap_or(0))
                        .fetch_all($conn)
                        .await?;
                let evaluator_ids: Vec<i64> =
                    sqlx::query_scalar("SELECT user_id FROM evaluator_assignments WHERE task_id = $1")
                        .bind($task_id)
                        .fetch_all($conn)
                        .await?;
                Some(TaskAccess {
                    status: status.parse::<TaskStatus>().map_err(StoreError::Corrupt)?,
                    archived: archived_at.is_some(),
                    agency_ids,
                    position_ids: positions.into_iter().flat_map(|(a, b)| [a, b]).collect(),
                    evaluator_ids,
                })
            }
        }
    }};
}

/// Inside a write transaction: locks task `$task_id`, refuses an archived one, and asks `$rule`
/// whether this writer may change it now (the caller asked before; the task may have changed since).
macro_rules! guard_task {
    ($tx:expr, $task_lock:expr, $task_id:expr, $rule:expr) => {{
        let access = load_task_access!(&mut *$tx, $task_lock, $task_id).ok_or(WriteError::NotFound("과제"))?;
        if access.archived {
            return Err(WriteError::Invalid(ValidationError::new("id", "보관된 과제는 고칠 수 없습니다.")));
        }
        if !($rule)(&access) {
            return Err(WriteError::Forbidden);
        }
    }};
}

impl Db {
    /// What access checks need to know about a task (agencies, pair positions, assigned evaluators).
    pub async fn task_access(&self, task_id: i64) -> crate::Result<Option<TaskAccess>> {
        Ok(with_db!(self, |pool| load_task_access!(pool, TASK_ACCESS, task_id)))
    }

    async fn check_refs(&self, pair_id: Option<i64>, lead_agency_id: Option<i64>) -> WriteResult<()> {
        if let Some(pair) = pair_id {
            let found: Option<i64> =
                with_db!(self, |pool| sqlx::query_scalar("SELECT id FROM exchange_pairs WHERE id = $1")
                    .bind(pair)
                    .fetch_optional(pool)
                    .await?);
            if found.is_none() {
                return Err(WriteError::Invalid(ValidationError::new(
                    "pair_id",
                    "없는 교류직위 쌍입니다. 목록에서 골라 주세요.",
                )));
            }
        }
        if let Some(agency) = lead_agency_id {
            let found: Option<i64> = with_db!(self, |pool| sqlx::query_scalar("SELECT id FROM agencies WHERE id = $1")
                .bind(agency)
                .fetch_optional(pool)
                .await?);
            if found.is_none() {
                return Err(WriteError::Invalid(ValidationError::new(
                    "lead_agency_id",
                    "없는 기관입니다. 목록에서 골라 주세요.",
                )));
            }
        }
        Ok(())
    }

    /// Creates a task (numbered after the last one). When it belongs to a pair, both agencies of the
    /// pair take part, with their roles not yet set.
    pub async fn create_task(&self, actor: &Actor, d: &TaskDraft) -> WriteResult<i64> {
        self.check_refs(d.pair_id, d.lead_agency_id).await?;
        let (begin, head) = (begin_write_sql(self), head_sql(self));
        let t = now();
        with_db!(self, |pool| {
            let mut tx = pool.begin_with(begin).await?;
            let seq: i64 =
                sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) + 1 FROM tasks").fetch_one(&mut *tx).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO tasks (seq, pair_id, title, task_type, source, status, description, lead_agency_id, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
            )
            .bind(seq)
            .bind(d.pair_id)
            .bind(&d.title)
            .bind(d.task_type.map(|t| t.as_str()))
            .bind(d.source.as_str())
            .bind(d.status.as_str())
            .bind(&d.description)
            .bind(d.lead_agency_id)
            .bind(t)
            .fetch_one(&mut *tx)
            .await?;
            if let Some(pair_id) = d.pair_id {
                sqlx::query(
                    "INSERT INTO task_agency_roles (task_id, agency_id, created_at, updated_at)
                     SELECT $1, p.agency_id, $2, $2 FROM positions p JOIN exchange_pairs x
                       ON p.id IN (x.position_a_id, x.position_b_id) WHERE x.id = $3 ORDER BY p.id",
                )
                .bind(id)
                .bind(t)
                .bind(pair_id)
                .execute(&mut *tx)
                .await?;
            }
            let after = load!(tx, TaskRecord, TASK_RECORD, "과제", id);
            let e = entry(actor, "task.create", "task", Some(id), None, snapshot(&after));
            append_audit!(tx, head, e);
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Edits a task's own fields. Returns the new version.
    pub async fn update_task(
        &self,
        actor: &Actor,
        id: i64,
        d: &TaskDraft,
        version: i64,
        rule: TaskRule<'_>,
    ) -> WriteResult<i64> {
        self.check_refs(d.pair_id, d.lead_agency_id).await?;
        let t = now();
        versioned_update!(
            self,
            actor,
            "task.update",
            "task",
            TaskRecord,
            TASK_RECORD,
            "과제",
            id,
            version,
            task(|_before| id, rule),
            sqlx::query(
                "UPDATE tasks SET title = $2, task_type = $3, source = $4, status = $5, description = $6, pair_id = $7,
                    lead_agency_id = $8, updated_at = $9, version = version + 1 WHERE id = $1",
            )
            .bind(id)
            .bind(&d.title)
            .bind(d.task_type.map(|t| t.as_str()))
            .bind(d.source.as_str())
            .bind(d.status.as_str())
            .bind(&d.description)
            .bind(d.pair_id)
            .bind(d.lead_agency_id)
            .bind(t)
        )
    }

    /// Archives a task: it leaves lists and public views but is never deleted.
    pub async fn archive_task(&self, actor: &Actor, id: i64, version: i64, rule: TaskRule<'_>) -> WriteResult<i64> {
        let t = now();
        versioned_update!(
            self,
            actor,
            "task.archive",
            "task",
            TaskRecord,
            TASK_RECORD,
            "과제",
            id,
            version,
            task(|_before| id, rule),
            sqlx::query("UPDATE tasks SET archived_at = $2, updated_at = $2, version = version + 1 WHERE id = $1")
                .bind(id)
                .bind(t)
        )
    }

    /// Sets the role text of an agency that takes part in the task. Returns the role row's new version.
    pub async fn set_agency_role(
        &self,
        actor: &Actor,
        task_id: i64,
        agency_id: i64,
        role: Option<&str>,
        version: i64,
        rule: TaskRule<'_>,
    ) -> WriteResult<i64> {
        let (begin, head) = (begin_write_sql(self), head_sql(self));
        let (locking, task_lock) = (for_update(self, ROLE_RECORD), for_update(self, TASK_ACCESS));
        let t = now();
        with_db!(self, |pool| {
            let mut tx = pool.begin_with(begin).await?;
            let before = load!(tx, RoleRecord, &locking, "과제의 참여 기관", task_id, agency_id);
            guard_task!(tx, &task_lock, task_id, rule);
            stale_unless(version, before.version)?;
            sqlx::query("UPDATE task_agency_roles SET role = $2, updated_at = $3, version = version + 1 WHERE id = $1")
                .bind(before.id)
                .bind(role)
                .bind(t)
                .execute(&mut *tx)
                .await?;
            let after = load!(tx, RoleRecord, ROLE_RECORD, "과제의 참여 기관", task_id, agency_id);
            let e = entry(
                actor,
                "task_role.update",
                "task_agency_role",
                Some(before.id),
                snapshot(&before),
                snapshot(&after),
            );
            append_audit!(tx, head, e);
            tx.commit().await?;
            Ok(after.version)
        })
    }

    pub async fn add_kpi(&self, actor: &Actor, task_id: i64, d: &KpiDraft, rule: TaskRule<'_>) -> WriteResult<i64> {
        let (begin, head) = (begin_write_sql(self), head_sql(self));
        let task_lock = for_update(self, TASK_ACCESS);
        let t = now();
        with_db!(self, |pool| {
            let mut tx = pool.begin_with(begin).await?;
            guard_task!(tx, &task_lock, task_id, rule);
            let seq: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) + 1 FROM task_kpis WHERE task_id = $1")
                .bind(task_id)
                .fetch_one(&mut *tx)
                .await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO task_kpis (task_id, seq, name, baseline_value, target_value, unit, due, note, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
            )
            .bind(task_id)
            .bind(seq)
            .bind(&d.name)
            .bind(d.baseline)
            .bind(d.target)
            .bind(&d.unit)
            .bind(d.due)
            .bind(&d.note)
            .bind(t)
            .fetch_one(&mut *tx)
            .await?;
            let after = load!(tx, KpiRecord, KPI_RECORD, "성과지표", id);
            let e = entry(actor, "kpi.create", "task_kpi", Some(id), None, snapshot(&after));
            append_audit!(tx, head, e);
            tx.commit().await?;
            Ok(id)
        })
    }

    /// The task a KPI belongs to (for access checks before the change).
    pub async fn kpi_task(&self, kpi_id: i64) -> crate::Result<Option<i64>> {
        Ok(with_db!(self, |pool| sqlx::query_scalar("SELECT task_id FROM task_kpis WHERE id = $1")
            .bind(kpi_id)
            .fetch_optional(pool)
            .await?))
    }

    pub async fn milestone_task(&self, milestone_id: i64) -> crate::Result<Option<i64>> {
        Ok(with_db!(self, |pool| {
            sqlx::query_scalar("SELECT task_id FROM task_milestones WHERE id = $1")
                .bind(milestone_id)
                .fetch_optional(pool)
                .await?
        }))
    }

    pub async fn update_kpi(
        &self,
        actor: &Actor,
        id: i64,
        d: &KpiDraft,
        version: i64,
        rule: TaskRule<'_>,
    ) -> WriteResult<i64> {
        let t = now();
        versioned_update!(self, actor, "kpi.update", "task_kpi", KpiRecord, KPI_RECORD, "성과지표", id, version,
            task(|before| before.task_id, rule),
            sqlx::query(
                "UPDATE task_kpis SET name = $2, baseline_value = $3, target_value = $4, unit = $5, due = $6, note = $7,
                    updated_at = $8, version = version + 1 WHERE id = $1",
            )
            .bind(id)
            .bind(&d.name)
            .bind(d.baseline)
            .bind(d.target)
            .bind(&d.unit)
            .bind(d.due)
            .bind(&d.note)
            .bind(t))
    }

    /// Removes a KPI; its last state stays in the audit log.
    pub async fn remove_kpi(&self, actor: &Actor, id: i64, version: i64, rule: TaskRule<'_>) -> WriteResult<()> {
        let (begin, head) = (begin_write_sql(self), head_sql(self));
        let (locking, task_lock) = (for_update(self, KPI_RECORD), for_update(self, TASK_ACCESS));
        with_db!(self, |pool| {
            let mut tx = pool.begin_with(begin).await?;
            let before = load!(tx, KpiRecord, &locking, "성과지표", id);
            guard_task!(tx, &task_lock, before.task_id, rule);
            stale_unless(version, before.version)?;
            sqlx::query("DELETE FROM task_kpis WHERE id = $1").bind(id).execute(&mut *tx).await?;
            let e = entry(actor, "kpi.remove", "task_kpi", Some(id), snapshot(&before), None);
            append_audit!(tx, head, e);
            tx.commit().await?;
            Ok(())
        })
    }

    pub async fn add_milestone(
        &self,
        actor: &Actor,
        task_id: i64,
        d: &MilestoneDraft,
        rule: TaskRule<'_>,
    ) -> WriteResult<i64> {
        let (begin, head) = (begin_write_sql(self), head_sql(self));
        let task_lock = for_update(self, TASK_ACCESS);
        let t = now();
        with_db!(self, |pool| {
            let mut tx = pool.begin_with(begin).await?;
            guard_task!(tx, &task_lock, task_id, rule);
            let seq: i64 =
                sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) + 1 FROM task_milestones WHERE task_id = $1")
                    .bind(task_id)
                    .fetch_one(&mut *tx)
                    .await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO task_milestones (task_id, seq, title, due, done_on, note, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
            )
            .bind(task_id)
            .bind(seq)
            .bind(&d.title)
            .bind(d.due)
            .bind(d.done_on)
            .bind(&d.note)
            .bind(t)
            .fetch_one(&mut *tx)
            .await?;
            let after = load!(tx, MilestoneRecord, MILESTONE_RECORD, "추진일정", id);
            let e = entry(actor, "milestone.create", "task_milestone", Some(id), None, snapshot(&after));
            append_audit!(tx, head, e);
            tx.commit().await?;
            Ok(id)
        })
    }

    pub async fn update_milestone(
        &self,
        actor: &Actor,
        id: i64,
        d: &MilestoneDraft,
        version: i64,
        rule: TaskRule<'_>,
    ) -> WriteResult<i64> {
        let t = now();
        versioned_update!(self, actor, "milestone.update", "task_milestone", MilestoneRecord, MILESTONE_RECORD, "추진일정", id, version,
            task(|before| before.task_id, rule),
            sqlx::query(
                "UPDATE task_milestones SET title = $2, due = $3, done_on = $4, note = $5, updated_at = $6, version = version + 1
                 WHERE id = $1",
            )
            .bind(id)
            .bind(&d.title)
            .bind(d.due)
            .bind(d.done_on)
            .bind(&d.note)
            .bind(t))
    }

    pub async fn remove_milestone(&self, actor: &Actor, id: i64, version: i64, rule: TaskRule<'_>) -> WriteResult<()> {
        let (begin, head) = (begin_write_sql(self), head_sql(self));
        let (locking, task_lock) = (for_update(self, MILESTONE_RECORD), for_update(self, TASK_ACCESS));
        with_db!(self, |pool| {
            let mut tx = pool.begin_with(begin).await?;
            let before = load!(tx, MilestoneRecord, &locking, "추진일정", id);
            guard_task!(tx, &task_lock, before.task_id, rule);
            stale_unless(version, before.version)?;
            sqlx::query("DELETE FROM task_milestones WHERE id = $1").bind(id).execute(&mut *tx).await?;
            let e = entry(actor, "milestone.remove", "task_milestone", Some(id), snapshot(&before), None);
            append_audit!(tx, head, e);
            tx.commit().await?;
            Ok(())
        })
    }

    pub async fn update_agency(&self, actor: &Actor, id: i64, d: &AgencyDraft, version: i64) -> WriteResult<i64> {
        let (begin, head) = (begin_write_sql(self), head_sql(self));
        let locking = for_update(self, AGENCY_RECORD);
        let t = now();
        with_db!(self, |pool| {
            let mut tx = pool.begin_with(begin).await?;
            let before = load!(tx, AgencyRecord, &locking, "기관", id);
            stale_unless(version, before.version)?;
            let clash: Option<i64> = sqlx::query_scalar("SELECT id FROM agencies WHERE short_name = $1 AND id <> $2")
                .bind(&d.short_name)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            if clash.is_some() {
                return Err(WriteError::Invalid(ValidationError::new(
                    "short_name",
                    "같은 약칭의 기관이 이미 있습니다.",
                )));
            }
            sqlx::query("UPDATE agencies SET short_name = $2, name = $3, name_en = $4, updated_at = $5, version = version + 1 WHERE id = $1")
                .bind(id)
                .bind(&d.short_name)
                .bind(&d.name)
                .bind(&d.name_en)
                .bind(t)
                .execute(&mut *tx)
                .await?;
            let after = load!(tx, AgencyRecord, AGENCY_RECORD, "기관", id);
            let e = entry(actor, "agency.update", "agency", Some(id), snapshot(&before), snapshot(&after));
            append_audit!(tx, head, e);
            tx.commit().await?;
            Ok(after.version)
        })
    }

    pub async fn update_position(&self, actor: &Actor, id: i64, d: &PositionDraft, version: i64) -> WriteResult<i64> {
        let t = now();
        versioned_update!(
            self,
            actor,
            "position.update",
            "position",
            PositionRecord,
            POSITION_RECORD,
            "교류직위",
            id,
            version,
            sqlx::query(
                "UPDATE positions SET title = $2, level = $3, updated_at = $4, version = version + 1 WHERE id = $1"
            )
            .bind(id)
            .bind(&d.title)
            .bind(d.level.map(|l| l.as_str()))
            .bind(t)
        )
    }

    pub async fn update_pair(&self, actor: &Actor, id: i64, theme: &str, version: i64) -> WriteResult<i64> {
        let t = now();
        versioned_update!(
            self,
            actor,
            "exchange_pair.update",
            "exchange_pair",
            PairRecord,
            PAIR_RECORD,
            "교류직위 쌍",
            id,
            version,
            sqlx::query("UPDATE exchange_pairs SET theme = $2, updated_at = $3, version = version + 1 WHERE id = $1")
                .bind(id)
                .bind(theme)
                .bind(t)
        )
    }

    pub async fn update_exchangee(&self, actor: &Actor, id: i64, d: &ExchangeeDraft, version: i64) -> WriteResult<i64> {
        let t = now();
        versioned_update!(
            self,
            actor,
            "exchangee.update",
            "exchangee",
            ExchangeeRecord,
            EXCHANGEE_RECORD,
            "교류자",
            id,
            version,
            sqlx::query(
                "UPDATE exchangees SET name = $2, expertise = $3, updated_at = $4, version = version + 1 WHERE id = $1"
            )
            .bind(id)
            .bind(&d.name)
            .bind(&d.expertise)
            .bind(t)
        )
    }
}
