//! Changes to the registry as methods of a transaction: tasks and their parts, agencies, positions,
//! pairs and exchangees. Each record type is the row as the audit log records it.
//!
//! An update is versioned (`… WHERE id = $1 AND version = $2`): `Ok(None)` means the row was not at
//! that version and nothing changed. Who may make a change is decided by the caller (the use cases)
//! on what it loads here, inside the same transaction.

use chrono::{DateTime, NaiveDate, Utc};
use hanteam_domain::access::TaskAccess;
use hanteam_domain::audit::AuditAction;
use hanteam_domain::edit::{AgencyDraft, ExchangeeDraft, PositionDraft, TaskDraft};
use hanteam_domain::task::agencies_joining_with_pair;
use hanteam_domain::{
    AgencyId, ExchangeeId, Kpi, KpiId, Milestone, MilestoneId, PairId, PositionId, Procedure, ProcedureId, TaskId,
    TaskPart, TaskStatus, UserId,
};
use serde::Serialize;

use crate::record::{record, Record};
use crate::tx::{Tx, Value};
use crate::{with_db, Db, Result, StoreError};

/// A task row.
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
    /// The agency that proposed the task (None: OPC, or the built-in data).
    pub proposed_by_agency_id: Option<i64>,
    pub version: i64,
}
record!(TaskRecord, id: TaskId, table: "tasks", audit: "task",
    columns: "id, seq, pair_id, title, task_type, source, status, description, lead_agency_id, archived_at,
              proposed_by_agency_id, version");

/// One agency's part in a task.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RoleRecord {
    pub id: i64,
    pub task_id: i64,
    pub agency_id: i64,
    pub role: Option<String>,
    /// Its answer to taking part: pending, confirmed or declined (`proposal::Participation`).
    pub participation: String,
    /// Why it declined (or what it said confirming).
    pub participation_reason: Option<String>,
    pub version: i64,
}

/// The id of a task's agency role row (the row has no id of its own outside the task).
#[derive(Debug, Clone, Copy)]
pub struct RoleRowId(pub i64);

impl From<RoleRowId> for i64 {
    fn from(id: RoleRowId) -> i64 {
        id.0
    }
}

record!(RoleRecord, id: RoleRowId, table: "task_agency_roles", audit: "task_agency_role",
    columns: "id, task_id, agency_id, role, participation, participation_reason, version");

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
record!(KpiRecord, id: KpiId, table: "task_kpis", audit: "task_kpi",
    columns: "id, task_id, seq, name, baseline_value, target_value, unit, due, note, version");

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
record!(MilestoneRecord, id: MilestoneId, table: "task_milestones", audit: "task_milestone",
    columns: "id, task_id, seq, title, due, done_on, note, version");

/// An administrative procedure of a task (행정절차 소요기간).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ProcedureRecord {
    pub id: i64,
    pub task_id: i64,
    pub seq: i64,
    pub name: String,
    pub legal_basis: Option<String>,
    pub usual_days: i64,
    pub planned_start: Option<NaiveDate>,
    pub planned_end: Option<NaiveDate>,
    pub actual_start: Option<NaiveDate>,
    pub actual_end: Option<NaiveDate>,
    pub note: Option<String>,
    pub version: i64,
}
record!(ProcedureRecord, id: ProcedureId, table: "task_procedures", audit: "task_procedure",
    columns: "id, task_id, seq, name, legal_basis, usual_days, planned_start, planned_end, actual_start, actual_end, note, version");

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AgencyRecord {
    pub id: i64,
    pub short_name: String,
    pub name: String,
    pub name_en: Option<String>,
    pub version: i64,
}
record!(AgencyRecord, id: AgencyId, table: "agencies", audit: "agency",
    columns: "id, short_name, name, name_en, version");

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PositionRecord {
    pub id: i64,
    pub agency_id: i64,
    pub title: String,
    pub level: Option<String>,
    pub version: i64,
}
record!(PositionRecord, id: PositionId, table: "positions", audit: "position",
    columns: "id, agency_id, title, level, version");

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PairRecord {
    pub id: i64,
    pub seq: i64,
    pub theme: String,
    pub version: i64,
}
record!(PairRecord, id: PairId, table: "exchange_pairs", audit: "exchange_pair", columns: "id, seq, theme, version");

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ExchangeeRecord {
    pub id: i64,
    pub position_id: i64,
    pub name: Option<String>,
    pub expertise: Option<String>,
    /// The earlier posts, one per line as the form writes them (`환경부 자연보전국장`): they are
    /// rows of their own, kept in the exchangee's record so that the audit log shows their change.
    pub careers: Option<String>,
    pub version: i64,
}
record!(ExchangeeRecord, id: ExchangeeId, table: "exchangees", audit: "exchangee",
    columns: "id, position_id, name, expertise,
              (SELECT string_agg(TRIM(COALESCE(a.short_name, '') || ' ' || COALESCE(c.title, '') || ' ' || COALESCE(c.note, '')),
                                 '
' ORDER BY c.seq)
               FROM exchangee_careers c LEFT JOIN agencies a ON a.id = c.agency_id
               WHERE c.exchangee_id = exchangees.id) AS careers,
              version");

/// How a part of a task (a KPI, a milestone) is stored and what the audit log calls its changes.
pub trait StoredPart: TaskPart {
    type Record: Record<Id = Self::Id>;
    /// The audit actions of adding, changing and removing one.
    const CREATED: AuditAction;
    const UPDATED: AuditAction;
    const REMOVED: AuditAction;

    /// The task the stored part belongs to.
    fn task_of(record: &Self::Record) -> TaskId;
    /// The columns this part's fields are stored in.
    fn columns(&self) -> Vec<(&'static str, Value)>;
}

impl StoredPart for Kpi {
    type Record = KpiRecord;
    const CREATED: AuditAction = AuditAction::KpiCreate;
    const UPDATED: AuditAction = AuditAction::KpiUpdate;
    const REMOVED: AuditAction = AuditAction::KpiRemove;

    fn task_of(record: &KpiRecord) -> TaskId {
        TaskId::new(record.task_id)
    }

    fn columns(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("name", self.name.as_str().into()),
            ("baseline_value", self.baseline.into()),
            ("target_value", self.target.into()),
            ("unit", (&self.unit).into()),
            ("due", self.due.into()),
            ("note", (&self.note).into()),
        ]
    }
}

impl StoredPart for Milestone {
    type Record = MilestoneRecord;
    const CREATED: AuditAction = AuditAction::MilestoneCreate;
    const UPDATED: AuditAction = AuditAction::MilestoneUpdate;
    const REMOVED: AuditAction = AuditAction::MilestoneRemove;

    fn task_of(record: &MilestoneRecord) -> TaskId {
        TaskId::new(record.task_id)
    }

    fn columns(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("title", self.title.as_str().into()),
            ("due", self.due.into()),
            ("done_on", self.done_on.into()),
            ("note", (&self.note).into()),
        ]
    }
}

impl StoredPart for Procedure {
    type Record = ProcedureRecord;
    const CREATED: AuditAction = AuditAction::ProcedureCreate;
    const UPDATED: AuditAction = AuditAction::ProcedureUpdate;
    const REMOVED: AuditAction = AuditAction::ProcedureRemove;

    fn task_of(record: &ProcedureRecord) -> TaskId {
        TaskId::new(record.task_id)
    }

    fn columns(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("name", self.name.as_str().into()),
            ("legal_basis", (&self.legal_basis).into()),
            ("usual_days", self.usual_days.into()),
            ("planned_start", self.planned_start.into()),
            ("planned_end", self.planned_end.into()),
            ("actual_start", self.actual_start.into()),
            ("actual_end", self.actual_end.into()),
            ("note", (&self.note).into()),
        ]
    }
}

const TASK_ACCESS: &str = "SELECT status, archived_at, pair_id, proposed_by_agency_id FROM tasks WHERE id = $1";
const TASK_AGENCIES: &str = "SELECT agency_id FROM task_agency_roles WHERE task_id = $1";
const PAIR_POSITIONS: &str = "SELECT position_a_id, position_b_id FROM exchange_pairs WHERE id = $1";
/// The evaluators assigned to a task: by hand (`evaluator_assignments`), or on a panel of an
/// evaluation round whose pledge they signed (an evaluator sees nothing of a round before signing).
const TASK_EVALUATORS: &str = "SELECT user_id FROM evaluator_assignments WHERE task_id = $1
    UNION SELECT m.evaluator_id FROM evaluation_panel_members m
    JOIN evaluation_pledges g ON g.round_id = m.round_id AND g.evaluator_id = m.evaluator_id
    WHERE m.task_id = $1";

/// The facts of a task that access rules need, from the rows read.
type TaskAccessRow = (String, Option<DateTime<Utc>>, Option<i64>, Option<i64>);

fn task_access(
    (status, archived_at, _, proposed_by): TaskAccessRow,
    agency_ids: Vec<(i64,)>,
    positions: Vec<(i64, i64)>,
    evaluator_ids: Vec<(i64,)>,
) -> Result<TaskAccess> {
    Ok(TaskAccess {
        status: status.parse::<TaskStatus>().map_err(StoreError::Corrupt)?,
        archived: archived_at.is_some(),
        agency_ids: agency_ids.into_iter().map(|(a,)| AgencyId::new(a)).collect(),
        position_ids: positions.into_iter().flat_map(|(a, b)| [PositionId::new(a), PositionId::new(b)]).collect(),
        evaluator_ids: evaluator_ids.into_iter().map(|(u,)| UserId::new(u)).collect(),
        proposed_by: proposed_by.map(AgencyId::new),
    })
}

impl Db {
    /// What access rules need to know about a task (agencies, pair positions, assigned evaluators),
    /// outside any change.
    pub async fn task_access(&self, id: TaskId) -> Result<Option<TaskAccess>> {
        let found = with_db!(self, |pool| {
            let task: Option<TaskAccessRow> = sqlx::query_as(TASK_ACCESS).bind(id.get()).fetch_optional(pool).await?;
            match task {
                None => None,
                Some(task) => Some((
                    sqlx::query_as(TASK_AGENCIES).bind(id.get()).fetch_all(pool).await?,
                    sqlx::query_as(PAIR_POSITIONS).bind(task.2.unwrap_or(0)).fetch_all(pool).await?,
                    sqlx::query_as(TASK_EVALUATORS).bind(id.get()).fetch_all(pool).await?,
                    task,
                )),
            }
        });
        found
            .map(|(agencies, positions, evaluators, task)| task_access(task, agencies, positions, evaluators))
            .transpose()
    }
}

impl Db {
    /// The task a KPI or milestone belongs to.
    pub async fn task_of_part<P: StoredPart>(&self, id: P::Id) -> Result<Option<TaskId>> {
        let sql = format!("SELECT task_id FROM {} WHERE id = $1", P::Record::TABLE);
        let found: Option<i64> =
            with_db!(self, |pool| sqlx::query_scalar(&sql).bind(Into::<i64>::into(id)).fetch_optional(pool).await?);
        Ok(found.map(TaskId::new))
    }
}

impl Tx {
    /// What access rules need to know about a task, with the task's row locked: a change is judged on
    /// the task as it is inside the change, not as it was when the request arrived.
    pub async fn task_access(&mut self, id: TaskId) -> Result<Option<TaskAccess>> {
        let sql = self.locking(TASK_ACCESS);
        let Some(task) = self.fetch_optional::<TaskAccessRow>(&sql, &[id.into()]).await? else {
            return Ok(None);
        };
        let agencies = self.fetch_all(TASK_AGENCIES, &[id.into()]).await?;
        let positions = self.fetch_all(PAIR_POSITIONS, &[task.2.unwrap_or(0).into()]).await?;
        let evaluators = self.fetch_all(TASK_EVALUATORS, &[id.into()]).await?;
        task_access(task, agencies, positions, evaluators).map(Some)
    }

    pub async fn pair_exists(&mut self, id: PairId) -> Result<bool> {
        Ok(self.fetch_optional::<(i64,)>("SELECT id FROM exchange_pairs WHERE id = $1", &[id.into()]).await?.is_some())
    }

    /// The agencies of a pair's two positions (one, if both are in the same agency), in position order.
    pub async fn pair_agencies(&mut self, pair: PairId) -> Result<Vec<AgencyId>> {
        let rows: Vec<(i64,)> = self
            .fetch_all(
                "SELECT p.agency_id FROM positions p JOIN exchange_pairs x ON p.id IN (x.position_a_id, x.position_b_id)
                 WHERE x.id = $1 ORDER BY p.id",
                &[pair.into()],
            )
            .await?;
        Ok(rows.into_iter().map(|(a,)| AgencyId::new(a)).collect())
    }

    /// The agencies taking part in a task, in the order they joined.
    pub async fn task_agency_ids(&mut self, task: TaskId) -> Result<Vec<AgencyId>> {
        let rows: Vec<(i64,)> = self
            .fetch_all("SELECT agency_id FROM task_agency_roles WHERE task_id = $1 ORDER BY id", &[task.into()])
            .await?;
        Ok(rows.into_iter().map(|(a,)| AgencyId::new(a)).collect())
    }

    /// Adds agencies to a task, their roles not yet set; the task's index and counts follow once.
    pub async fn add_task_agencies(&mut self, task: TaskId, agencies: &[AgencyId]) -> Result<Vec<RoleRecord>> {
        let at = self.at();
        for agency in agencies {
            self.execute(
                "INSERT INTO task_agency_roles (task_id, agency_id, created_at, updated_at) VALUES ($1, $2, $3, $3)",
                &[task.into(), (*agency).into(), at.into()],
            )
            .await?;
        }
        self.refresh_tasks(&[task]).await?;
        let mut added = Vec::new();
        for agency in agencies {
            let role = self.agency_role(task, *agency).await?.ok_or_else(|| {
                crate::StoreError::Corrupt(format!("{task}번 과제에 방금 더한 참여기관이 없습니다: {agency}번"))
            })?;
            added.push(role);
        }
        Ok(added)
    }

    pub async fn agency_exists(&mut self, id: AgencyId) -> Result<bool> {
        Ok(self.fetch_optional::<(i64,)>("SELECT id FROM agencies WHERE id = $1", &[id.into()]).await?.is_some())
    }

    /// Adds a task, numbered after the last one. When it belongs to a pair, both agencies of the pair
    /// take part, with their roles not yet set.
    pub async fn insert_task(&mut self, d: &TaskDraft) -> Result<TaskId> {
        let (seq,): (i64,) =
            self.fetch_optional("SELECT COALESCE(MAX(seq), 0) + 1 FROM tasks", &[]).await?.unwrap_or((1,));
        // A new task is found (발굴); its status moves only by the lifecycle.
        let mut columns = vec![("seq", seq.into()), ("status", TaskStatus::Proposed.as_str().into())];
        columns.extend(task_fields(d));
        let id = TaskId::new(self.insert_stamped("tasks", &columns).await?);
        let agencies = match d.pair_id {
            Some(pair) => agencies_joining_with_pair(&[], &self.pair_agencies(pair).await?),
            None => Vec::new(),
        };
        self.add_task_agencies(id, &agencies).await?;
        Ok(id)
    }

    /// Edits a task's own fields.
    pub async fn update_task(&mut self, id: TaskId, version: i64, d: &TaskDraft) -> Result<Option<i64>> {
        let written = self.update_versioned("tasks", id.get(), version, &task_fields(d)).await?;
        self.refreshed(id, written).await
    }

    /// Archives a task: it leaves lists and public views but is never deleted.
    pub async fn archive_task(&mut self, id: TaskId, version: i64) -> Result<Option<i64>> {
        let at = self.at();
        let written = self.update_versioned("tasks", id.get(), version, &[("archived_at", at.into())]).await?;
        self.refreshed(id, written).await
    }

    /// After a versioned write to a task (`written`: its new version, if it was written), its search
    /// index entry and counts follow.
    async fn refreshed(&mut self, task: TaskId, written: Option<i64>) -> Result<Option<i64>> {
        if written.is_some() {
            self.refresh_tasks(&[task]).await?;
        }
        Ok(written)
    }

    /// One agency's part in a task, locked.
    pub async fn agency_role(&mut self, task: TaskId, agency: AgencyId) -> Result<Option<RoleRecord>> {
        let sql = self.locking(&format!(
            "SELECT {} FROM task_agency_roles WHERE task_id = $1 AND agency_id = $2",
            RoleRecord::COLUMNS
        ));
        self.fetch_optional(&sql, &[task.into(), agency.into()]).await
    }

    pub async fn set_agency_role(&mut self, id: RoleRowId, version: i64, role: Option<&str>) -> Result<Option<i64>> {
        let written = self.update_versioned("task_agency_roles", id.0, version, &[("role", role.into())]).await?;
        let Some((task,)): Option<(i64,)> =
            self.fetch_optional("SELECT task_id FROM task_agency_roles WHERE id = $1", &[id.0.into()]).await?
        else {
            return Ok(written);
        };
        if written.is_some() {
            self.touch_task(TaskId::new(task)).await?;
        }
        self.refreshed(TaskId::new(task), written).await
    }

    /// Adds a KPI or milestone to a task, after its last one.
    pub async fn insert_part<P: StoredPart>(&mut self, task: TaskId, part: &P) -> Result<P::Id> {
        let table = P::Record::TABLE;
        let (seq,): (i64,) = self
            .fetch_optional(
                &format!("SELECT COALESCE(MAX(seq), 0) + 1 FROM {table} WHERE task_id = $1"),
                &[task.into()],
            )
            .await?
            .unwrap_or((1,));
        let mut columns = vec![("task_id", task.into()), ("seq", seq.into())];
        columns.extend(part.columns());
        let id = self.insert_stamped(table, &columns).await?;
        self.touch_task(task).await?;
        Ok(P::Id::from(id))
    }

    /// How many parts of this kind the task has.
    pub async fn count_parts<P: StoredPart>(&mut self, task: TaskId) -> Result<i64> {
        let sql = format!("SELECT COUNT(*) FROM {} WHERE task_id = $1", P::Record::TABLE);
        let (n,): (i64,) = self.fetch_optional(&sql, &[task.into()]).await?.unwrap_or((0,));
        Ok(n)
    }

    pub async fn update_part<P: StoredPart>(&mut self, id: P::Id, version: i64, part: &P) -> Result<Option<i64>> {
        let written = self.update_versioned(P::Record::TABLE, id.into(), version, &part.columns()).await?;
        if written.is_some() {
            self.touch_task_of::<P>(id).await?;
        }
        Ok(written)
    }

    /// Removes a KPI or milestone; whether it was there at `version`.
    pub async fn remove_part<P: StoredPart>(&mut self, id: P::Id, version: i64) -> Result<bool> {
        self.touch_task_of::<P>(id).await?;
        self.delete_versioned(P::Record::TABLE, id.into(), version).await
    }

    /// A change of a task's part is a change of the task for whoever reads "last changed": its
    /// time is written on the task, not its version (a KPI edit must not make an open edit of
    /// the title stale).
    pub async fn touch_task(&mut self, task: TaskId) -> Result<()> {
        let at = self.at();
        self.execute("UPDATE tasks SET updated_at = $1 WHERE id = $2", &[at.into(), task.into()]).await?;
        Ok(())
    }

    async fn touch_task_of<P: StoredPart>(&mut self, id: P::Id) -> Result<()> {
        let sql = format!("SELECT task_id FROM {} WHERE id = $1", P::Record::TABLE);
        if let Some((task,)) = self.fetch_optional::<(i64,)>(&sql, &[id.into().into()]).await? {
            self.touch_task(TaskId::new(task)).await?;
        }
        Ok(())
    }

    /// Whether another agency than `except` has this short name.
    pub async fn short_name_taken(&mut self, short_name: &str, except: AgencyId) -> Result<bool> {
        let found: Option<(i64,)> = self
            .fetch_optional(
                "SELECT id FROM agencies WHERE short_name = $1 AND id <> $2",
                &[short_name.into(), except.into()],
            )
            .await?;
        Ok(found.is_some())
    }

    pub async fn update_agency(&mut self, id: AgencyId, version: i64, d: &AgencyDraft) -> Result<Option<i64>> {
        let set = [
            ("short_name", d.short_name.as_str().into()),
            ("name", d.name.as_str().into()),
            ("name_en", (&d.name_en).into()),
        ];
        self.update_versioned("agencies", id.get(), version, &set).await
    }

    pub async fn update_position(&mut self, id: PositionId, version: i64, d: &PositionDraft) -> Result<Option<i64>> {
        let set = [("title", d.title.as_str().into()), ("level", d.level.map(|l| l.as_str()).into())];
        self.update_versioned("positions", id.get(), version, &set).await
    }

    pub async fn update_pair(&mut self, id: PairId, version: i64, theme: &str) -> Result<Option<i64>> {
        self.update_versioned("exchange_pairs", id.get(), version, &[("theme", theme.into())]).await
    }

    pub async fn update_exchangee(&mut self, id: ExchangeeId, version: i64, d: &ExchangeeDraft) -> Result<Option<i64>> {
        let set = [("name", (&d.name).into()), ("expertise", (&d.expertise).into())];
        let written = self.update_versioned("exchangees", id.get(), version, &set).await?;
        if written.is_some() {
            self.execute("DELETE FROM exchangee_careers WHERE exchangee_id = $1", &[id.into()]).await?;
            for (seq, line) in d.careers.iter().enumerate() {
                let agency: Option<(i64,)> = match &line.agency {
                    Some(short) => {
                        self.fetch_optional("SELECT id FROM agencies WHERE short_name = $1", &[short.as_str().into()])
                            .await?
                    }
                    None => None,
                };
                let columns = [
                    ("exchangee_id", id.into()),
                    ("seq", (seq as i64 + 1).into()),
                    ("agency_id", agency.map(|(a,)| a).into()),
                    ("title", line.title.as_str().into()),
                ];
                self.insert_stamped("exchangee_careers", &columns).await?;
            }
        }
        Ok(written)
    }
}

/// The columns a task's own fields are stored in.
fn task_fields(d: &TaskDraft) -> Vec<(&'static str, Value)> {
    vec![
        ("title", d.title.as_str().into()),
        ("task_type", d.task_type.map(|t| t.as_str()).into()),
        ("source", d.source.as_str().into()),
        ("description", (&d.description).into()),
        ("pair_id", d.pair_id.into()),
        ("lead_agency_id", d.lead_agency_id.into()),
    ]
}
