//! Evaluation rounds as stored: the round row (its settings as one JSON document), the tasks it
//! evaluates, the confirmed panels (round, task, evaluator — what a score will reference), the
//! pledges, and 회피·기피 with OPC's decisions. The rules are in `hanteam_domain::evaluation` and
//! `hanteam_domain::panel`; this module only reads and writes.

use chrono::{DateTime, NaiveDate, Utc};
use hanteam_domain::evaluation::round::Stage;
use hanteam_domain::evaluation::setup::RoundDraft;
use hanteam_domain::{AgencyId, EvaluationConflictId, EvaluationRoundId, Paging, TaskId, UserId};
use serde::Serialize;

use crate::record::record;
use crate::tx::{Tx, Value};
use crate::views::{Page, TaskBrief};
use crate::{with_db, Db, Result, StoreError};

/// An evaluation round's row.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RoundRecord {
    pub id: i64,
    pub name: String,
    pub stage: String,
    pub setup_on: NaiveDate,
    pub assignment_on: NaiveDate,
    pub scoring_on: NaiveDate,
    pub review_on: NaiveDate,
    pub objections_on: NaiveDate,
    pub final_on: NaiveDate,
    pub published_on: NaiveDate,
    pub params_json: String,
    pub task_count: i64,
    pub version: i64,
}
record!(RoundRecord, id: EvaluationRoundId, table: "evaluation_rounds", audit: "evaluation_round",
    columns: "id, name, stage, setup_on, assignment_on, scoring_on, review_on, objections_on, final_on, published_on, params_json, task_count, version");

impl RoundRecord {
    pub fn stage(&self) -> Result<Stage> {
        self.stage.parse().map_err(StoreError::Corrupt)
    }
}

/// A 회피 or 기피 row.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ConflictRecord {
    pub id: i64,
    pub round_id: i64,
    pub task_id: i64,
    pub evaluator_id: i64,
    pub kind: String,
    pub status: String,
    pub reason: String,
    pub by_agency_id: Option<i64>,
    pub raised_by_user_id: Option<i64>,
    pub decision_reason: Option<String>,
    pub decided_by_user_id: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
    pub version: i64,
}
record!(ConflictRecord, id: EvaluationConflictId, table: "evaluation_conflicts", audit: "evaluation_conflict",
    columns: "id, round_id, task_id, evaluator_id, kind, status, reason, by_agency_id, raised_by_user_id, decision_reason, decided_by_user_id, decided_at, version");

/// A signed pledge, as the audit log records it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PledgeRecord {
    pub id: i64,
    pub round_id: i64,
    pub evaluator_id: i64,
    pub pledge_version: String,
    pub signed_at: DateTime<Utc>,
}

/// An evaluator as the panel tools need it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EvaluatorRow {
    pub id: i64,
    pub display_name: String,
    pub is_private_expert: bool,
}

/// One stint of an evaluator's affiliation history.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AffiliationRow {
    pub user_id: i64,
    pub organization: String,
    pub from_date: Option<NaiveDate>,
    pub to_date: Option<NaiveDate>,
}

/// An agency by its names, to match an affiliation's organisation.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AgencyNames {
    pub id: i64,
    pub short_name: String,
    pub name: String,
}

/// A declared conflict with the challenging agency's short name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeclaredConflict {
    pub id: i64,
    pub task_id: i64,
    pub evaluator_id: i64,
    pub kind: String,
    pub status: String,
    pub reason: String,
    pub by_agency_id: Option<i64>,
    pub by_agency: Option<String>,
    pub decision_reason: Option<String>,
    pub version: i64,
}

/// A panel seat on a page: the member's name and private flag.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PanelSeat {
    pub task_id: i64,
    pub evaluator_id: i64,
    pub display_name: String,
    pub is_private_expert: bool,
}

#[derive(sqlx::FromRow)]
struct BriefRow {
    id: i64,
    seq: i64,
    title: String,
}

/// The tasks a round may evaluate, with the tasks table's columns prefixed as given.
macro_rules! active {
    ($t:literal) => {
        concat!($t, "status IN ('confirmed', 'in_progress', 'completed') AND ", $t, "archived_at IS NULL")
    };
}
const ACTIVE: &str = active!("");
/// [`ACTIVE`] for a query that names the tasks table `t`.
pub(crate) const ACTIVE_TASK: &str = active!("t.");
/// Multi-row inserts, this many rows per statement.
const CHUNK: usize = 200;

impl Tx {
    /// The tasks a new round evaluates by default: every confirmed, in-progress or completed task
    /// that is not archived.
    pub async fn default_round_tasks(&mut self) -> Result<Vec<TaskId>> {
        let sql = format!("SELECT id FROM tasks WHERE {ACTIVE} ORDER BY id");
        let rows: Vec<(i64,)> = self.fetch_all(&sql, &[]).await?;
        Ok(rows.into_iter().map(|(id,)| TaskId::new(id)).collect())
    }

    /// Of these tasks, the first that does not exist or is archived.
    pub async fn first_unusable_task(&mut self, ids: &[TaskId]) -> Result<Option<TaskId>> {
        for chunk in ids.chunks(500) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql =
                format!("SELECT id FROM tasks WHERE archived_at IS NULL AND id IN ({}) ORDER BY id", marks.join(", "));
            let values: Vec<Value> = chunk.iter().map(|t| (*t).into()).collect();
            let found: Vec<(i64,)> = self.fetch_all(&sql, &values).await?;
            let found: std::collections::HashSet<i64> = found.into_iter().map(|(i,)| i).collect();
            if let Some(t) = chunk.iter().find(|t| !found.contains(&t.get())) {
                return Ok(Some(*t));
            }
        }
        Ok(None)
    }

    /// Creates a round in 준비 with its tasks.
    pub async fn insert_round(
        &mut self,
        d: &RoundDraft,
        params_json: &str,
        tasks: &[TaskId],
    ) -> Result<EvaluationRoundId> {
        let s = &d.schedule;
        let id = self
            .insert_stamped(
                "evaluation_rounds",
                &[
                    ("name", d.name.as_str().into()),
                    ("stage", Stage::Setup.as_str().into()),
                    ("setup_on", s.setup_on.into()),
                    ("assignment_on", s.assignment_on.into()),
                    ("scoring_on", s.scoring_on.into()),
                    ("review_on", s.review_on.into()),
                    ("objections_on", s.objections_on.into()),
                    ("final_on", s.final_on.into()),
                    ("published_on", s.published_on.into()),
                    ("params_json", params_json.into()),
                    ("task_count", (tasks.len() as i64).into()),
                ],
            )
            .await?;
        let id = EvaluationRoundId::new(id);
        self.insert_round_tasks(id, tasks).await?;
        Ok(id)
    }

    async fn insert_round_tasks(&mut self, id: EvaluationRoundId, tasks: &[TaskId]) -> Result<()> {
        for chunk in tasks.chunks(CHUNK) {
            let rows: Vec<String> = (0..chunk.len()).map(|i| format!("($1, ${})", i + 2)).collect();
            let sql = format!("INSERT INTO evaluation_round_tasks (round_id, task_id) VALUES {}", rows.join(", "));
            let mut values: Vec<Value> = vec![id.into()];
            values.extend(chunk.iter().map(|t| Value::from(*t)));
            self.execute(&sql, &values).await?;
        }
        Ok(())
    }

    /// Changes a round still at `version` (its tasks too, when given): the new version, or `None`.
    pub async fn update_round(
        &mut self,
        id: EvaluationRoundId,
        version: i64,
        d: &RoundDraft,
        params_json: &str,
        tasks: Option<&[TaskId]>,
    ) -> Result<Option<i64>> {
        let s = &d.schedule;
        let mut set = vec![
            ("name", d.name.as_str().into()),
            ("setup_on", s.setup_on.into()),
            ("assignment_on", s.assignment_on.into()),
            ("scoring_on", s.scoring_on.into()),
            ("review_on", s.review_on.into()),
            ("objections_on", s.objections_on.into()),
            ("final_on", s.final_on.into()),
            ("published_on", s.published_on.into()),
            ("params_json", params_json.into()),
        ];
        if let Some(t) = tasks {
            set.push(("task_count", (t.len() as i64).into()));
        }
        let written = self.update_versioned("evaluation_rounds", id.get(), version, &set).await?;
        if let (Some(_), Some(t)) = (written, tasks) {
            self.execute("DELETE FROM evaluation_round_tasks WHERE round_id = $1", &[id.into()]).await?;
            self.insert_round_tasks(id, t).await?;
        }
        Ok(written)
    }

    /// Moves a round still at `version` to `stage`.
    pub async fn set_round_stage(&mut self, id: EvaluationRoundId, version: i64, stage: Stage) -> Result<Option<i64>> {
        self.update_versioned("evaluation_rounds", id.get(), version, &[("stage", stage.as_str().into())]).await
    }

    /// The round's tasks with every agency taking part, by task id.
    pub async fn round_task_agencies(&mut self, id: EvaluationRoundId) -> Result<Vec<(TaskId, Vec<AgencyId>)>> {
        let rows: Vec<(i64, Option<i64>)> = self
            .fetch_all(
                "SELECT rt.task_id, r.agency_id FROM evaluation_round_tasks rt
                 LEFT JOIN task_agency_roles r ON r.task_id = rt.task_id
                 WHERE rt.round_id = $1 ORDER BY rt.task_id, r.agency_id",
                &[id.into()],
            )
            .await?;
        Ok(group_agencies(rows))
    }

    /// Every active evaluator (the evaluator role, account in use), by id.
    pub async fn evaluators(&mut self) -> Result<Vec<EvaluatorRow>> {
        self.fetch_all(EVALUATORS, &[]).await
    }

    /// The affiliation histories of every evaluator.
    pub async fn evaluator_affiliations(&mut self) -> Result<Vec<AffiliationRow>> {
        self.fetch_all(AFFILIATIONS, &[]).await
    }

    /// Every agency by its names.
    pub async fn agencies_by_name(&mut self) -> Result<Vec<AgencyNames>> {
        self.fetch_all("SELECT id, short_name, name FROM agencies ORDER BY id", &[]).await
    }

    /// The round's 회피 and 기피.
    pub async fn declared_conflicts(&mut self, id: EvaluationRoundId) -> Result<Vec<DeclaredConflict>> {
        self.fetch_all(DECLARED, &[id.into()]).await
    }

    /// Replaces the round's panels with these seats (task, evaluator, private flag): how many seats
    /// there were before.
    pub async fn replace_panels(&mut self, id: EvaluationRoundId, seats: &[(TaskId, UserId, bool)]) -> Result<u64> {
        let replaced = self.execute("DELETE FROM evaluation_panel_members WHERE round_id = $1", &[id.into()]).await?;
        let at = self.at();
        for chunk in seats.chunks(CHUNK) {
            let rows: Vec<String> =
                (0..chunk.len()).map(|i| format!("($1, ${}, ${}, ${}, $2)", 3 + i * 3, 4 + i * 3, 5 + i * 3)).collect();
            let sql = format!(
                "INSERT INTO evaluation_panel_members (round_id, task_id, evaluator_id, is_private_expert, created_at) VALUES {}",
                rows.join(", ")
            );
            let mut values: Vec<Value> = vec![id.into(), at.into()];
            for (t, e, private) in chunk {
                values.push((*t).into());
                values.push((*e).into());
                values.push((*private).into());
            }
            self.execute(&sql, &values).await?;
        }
        Ok(replaced)
    }

    /// Takes an evaluator off a task's panel of the round: whether it was on it.
    pub async fn remove_panel_seat(&mut self, id: EvaluationRoundId, task: TaskId, evaluator: UserId) -> Result<bool> {
        let n = self
            .execute(
                "DELETE FROM evaluation_panel_members WHERE round_id = $1 AND task_id = $2 AND evaluator_id = $3",
                &[id.into(), task.into(), evaluator.into()],
            )
            .await?;
        Ok(n > 0)
    }

    /// Whether the task is one of the round's.
    pub async fn round_has_task(&mut self, id: EvaluationRoundId, task: TaskId) -> Result<bool> {
        let found: Option<(i64,)> = self
            .fetch_optional(
                "SELECT task_id FROM evaluation_round_tasks WHERE round_id = $1 AND task_id = $2",
                &[id.into(), task.into()],
            )
            .await?;
        Ok(found.is_some())
    }

    /// Whether this user is an active evaluator.
    pub async fn is_evaluator(&mut self, user: UserId) -> Result<bool> {
        let found: Option<(i64,)> = self
            .fetch_optional(
                "SELECT u.id FROM users u WHERE u.id = $1 AND u.disabled_at IS NULL
                   AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'evaluator')",
                &[user.into()],
            )
            .await?;
        Ok(found.is_some())
    }

    /// An open (not rejected) 회피 or 기피 of this evaluator on this task of the round.
    pub async fn open_conflict(
        &mut self,
        id: EvaluationRoundId,
        task: TaskId,
        evaluator: UserId,
        kind: &str,
    ) -> Result<Option<ConflictRecord>> {
        let sql = format!(
            "SELECT {} FROM evaluation_conflicts WHERE round_id = $1 AND task_id = $2 AND evaluator_id = $3
               AND kind = $4 AND status <> 'rejected'",
            <ConflictRecord as crate::record::Record>::COLUMNS
        );
        self.fetch_optional(&sql, &[id.into(), task.into(), evaluator.into(), kind.into()]).await
    }

    /// Records a 회피 (accepted at once) or a 기피 (pending).
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_conflict(
        &mut self,
        id: EvaluationRoundId,
        task: TaskId,
        evaluator: UserId,
        kind: &str,
        status: &str,
        reason: &str,
        by_agency: Option<AgencyId>,
        raised_by: Option<UserId>,
    ) -> Result<EvaluationConflictId> {
        let id = self
            .insert_stamped(
                "evaluation_conflicts",
                &[
                    ("round_id", id.into()),
                    ("task_id", task.into()),
                    ("evaluator_id", evaluator.into()),
                    ("kind", kind.into()),
                    ("status", status.into()),
                    ("reason", reason.into()),
                    ("by_agency_id", by_agency.into()),
                    ("raised_by_user_id", raised_by.into()),
                ],
            )
            .await?;
        Ok(EvaluationConflictId::new(id))
    }

    /// Records OPC's decision on a 기피 still at `version`.
    pub async fn decide_conflict(
        &mut self,
        id: EvaluationConflictId,
        version: i64,
        status: &str,
        reason: &str,
        by: Option<UserId>,
    ) -> Result<Option<i64>> {
        let at = self.at();
        let set = [
            ("status", status.into()),
            ("decision_reason", reason.into()),
            ("decided_by_user_id", by.into()),
            ("decided_at", Value::from(at)),
        ];
        self.update_versioned("evaluation_conflicts", id.get(), version, &set).await
    }

    /// The evaluator's pledge for the round, if signed.
    pub async fn pledge(&mut self, id: EvaluationRoundId, evaluator: UserId) -> Result<Option<PledgeRecord>> {
        self.fetch_optional(
            "SELECT id, round_id, evaluator_id, pledge_version, signed_at FROM evaluation_pledges
             WHERE round_id = $1 AND evaluator_id = $2",
            &[id.into(), evaluator.into()],
        )
        .await
    }

    /// Records a signed pledge.
    pub async fn insert_pledge(
        &mut self,
        id: EvaluationRoundId,
        evaluator: UserId,
        version: &str,
    ) -> Result<PledgeRecord> {
        let at = self.at();
        let pid = self
            .insert(
                "evaluation_pledges",
                &[
                    ("round_id", id.into()),
                    ("evaluator_id", evaluator.into()),
                    ("pledge_version", version.into()),
                    ("signed_at", at.into()),
                ],
            )
            .await?;
        Ok(PledgeRecord {
            id: pid,
            round_id: id.get(),
            evaluator_id: evaluator.get(),
            pledge_version: version.into(),
            signed_at: at,
        })
    }
}

const EVALUATORS: &str = "SELECT u.id, u.display_name, u.is_private_expert FROM users u
    WHERE u.disabled_at IS NULL AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'evaluator')
    ORDER BY u.id";
const AFFILIATIONS: &str = "SELECT f.user_id, f.organization, f.from_date, f.to_date FROM evaluator_affiliations f
    WHERE EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = f.user_id AND r.role = 'evaluator')
    ORDER BY f.user_id, f.id";
const DECLARED: &str = "SELECT c.id, c.task_id, c.evaluator_id, c.kind, c.status, c.reason, c.by_agency_id,
        a.short_name AS by_agency, c.decision_reason, c.version
    FROM evaluation_conflicts c LEFT JOIN agencies a ON a.id = c.by_agency_id
    WHERE c.round_id = $1 ORDER BY c.task_id, c.evaluator_id, c.id";

fn group_agencies(rows: Vec<(i64, Option<i64>)>) -> Vec<(TaskId, Vec<AgencyId>)> {
    let mut out: Vec<(TaskId, Vec<AgencyId>)> = Vec::new();
    for (task, agency) in rows {
        let task = TaskId::new(task);
        if out.last().is_none_or(|(t, _)| *t != task) {
            out.push((task, Vec::new()));
        }
        if let (Some(a), Some((_, list))) = (agency, out.last_mut()) {
            list.push(AgencyId::new(a));
        }
    }
    out
}

/// Which rounds a list shows.
#[derive(Debug, Clone)]
pub enum RoundScope {
    All,
    /// Only rounds at these stages.
    Stages(Vec<Stage>),
}

impl Db {
    /// A page of rounds, the newest first.
    pub async fn list_rounds(&self, scope: &RoundScope, paging: Paging) -> Result<Page<RoundRecord>> {
        use crate::record::Record;
        let filter = match scope {
            RoundScope::All => "1 = 1".to_string(),
            RoundScope::Stages(s) if s.is_empty() => "1 = 0".to_string(),
            RoundScope::Stages(s) => {
                let names: Vec<String> = s.iter().map(|s| format!("'{}'", s.as_str())).collect();
                format!("stage IN ({})", names.join(", "))
            }
        };
        let count_sql = format!("SELECT COUNT(*) FROM evaluation_rounds WHERE {filter}");
        let sql = format!(
            "SELECT {} FROM evaluation_rounds WHERE {filter} ORDER BY setup_on DESC, id DESC LIMIT $1 OFFSET $2",
            RoundRecord::COLUMNS
        );
        let (total, items) = with_db!(self, |pool| {
            let total: i64 = sqlx::query_scalar(&count_sql).fetch_one(pool).await?;
            let items =
                sqlx::query_as::<_, RoundRecord>(&sql).bind(paging.limit).bind(paging.offset).fetch_all(pool).await?;
            (total, items)
        });
        Ok(Page { items, total })
    }

    pub async fn get_round(&self, id: EvaluationRoundId) -> Result<Option<RoundRecord>> {
        use crate::record::Record;
        let sql = format!("SELECT {} FROM evaluation_rounds WHERE id = $1", RoundRecord::COLUMNS);
        Ok(with_db!(self, |pool| sqlx::query_as::<_, RoundRecord>(&sql).bind(id.get()).fetch_optional(pool).await?))
    }

    /// A page of the round's tasks by number, with every agency taking part in each.
    pub async fn round_tasks_page(
        &self,
        id: EvaluationRoundId,
        paging: Paging,
    ) -> Result<(Vec<(TaskBrief, Vec<AgencyId>)>, i64)> {
        const SQL: &str = "SELECT t.id, t.seq, t.title FROM evaluation_round_tasks rt JOIN tasks t ON t.id = rt.task_id
            WHERE rt.round_id = $1 ORDER BY t.seq, t.id LIMIT $2 OFFSET $3";
        const COUNT: &str = "SELECT task_count FROM evaluation_rounds WHERE id = $1";
        let (rows, total) = with_db!(self, |pool| {
            let rows = sqlx::query_as::<_, BriefRow>(SQL)
                .bind(id.get())
                .bind(paging.limit)
                .bind(paging.offset)
                .fetch_all(pool)
                .await?;
            let total: Option<i64> = sqlx::query_scalar(COUNT).bind(id.get()).fetch_optional(pool).await?;
            (rows, total.unwrap_or(0))
        });
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let agencies = self.agencies_of_tasks(&ids).await?;
        let items = rows
            .into_iter()
            .map(|r| {
                let a = agencies.get(&r.id).cloned().unwrap_or_default();
                (TaskBrief { id: TaskId::new(r.id), seq: r.seq, title: r.title }, a)
            })
            .collect();
        Ok((items, total))
    }

    /// These tasks' numbers and titles, by id (a page of rows that came from elsewhere).
    pub async fn task_briefs(&self, ids: &[TaskId]) -> Result<Vec<TaskBrief>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!("SELECT id, seq, title FROM tasks WHERE id IN ({}) ORDER BY id", marks.join(", "));
        let rows: Vec<BriefRow> = with_db!(self, |pool| {
            let mut q = sqlx::query_as::<_, BriefRow>(&sql);
            for i in ids {
                q = q.bind(i.get());
            }
            q.fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(|r| TaskBrief { id: TaskId::new(r.id), seq: r.seq, title: r.title }).collect())
    }

    async fn agencies_of_tasks(&self, ids: &[i64]) -> Result<std::collections::HashMap<i64, Vec<AgencyId>>> {
        let mut out: std::collections::HashMap<i64, Vec<AgencyId>> = std::collections::HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT task_id, agency_id FROM task_agency_roles WHERE task_id IN ({}) ORDER BY task_id, agency_id",
            marks.join(", ")
        );
        let rows: Vec<(i64, i64)> = with_db!(self, |pool| {
            let mut q = sqlx::query_as::<_, (i64, i64)>(&sql);
            for i in ids {
                q = q.bind(*i);
            }
            q.fetch_all(pool).await?
        });
        for (t, a) in rows {
            out.entry(t).or_default().push(AgencyId::new(a));
        }
        Ok(out)
    }

    /// The seats of these tasks' panels in the round, by task then member id.
    pub async fn panel_seats(&self, id: EvaluationRoundId, tasks: &[TaskId]) -> Result<Vec<PanelSeat>> {
        if tasks.is_empty() {
            return Ok(vec![]);
        }
        let marks: Vec<String> = (2..tasks.len() + 2).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT m.task_id, m.evaluator_id, u.display_name, m.is_private_expert
             FROM evaluation_panel_members m JOIN users u ON u.id = m.evaluator_id
             WHERE m.round_id = $1 AND m.task_id IN ({}) ORDER BY m.task_id, m.evaluator_id",
            marks.join(", ")
        );
        Ok(with_db!(self, |pool| {
            let mut q = sqlx::query_as::<_, PanelSeat>(&sql).bind(id.get());
            for t in tasks {
                q = q.bind(t.get());
            }
            q.fetch_all(pool).await?
        }))
    }

    /// How many seats the round's panels have.
    pub async fn panel_seat_count(&self, id: EvaluationRoundId) -> Result<i64> {
        const SQL: &str = "SELECT COUNT(*) FROM evaluation_panel_members WHERE round_id = $1";
        Ok(with_db!(self, |pool| sqlx::query_scalar::<_, i64>(SQL).bind(id.get()).fetch_one(pool).await?))
    }

    /// Whether the evaluator signed the round's pledge, and when.
    pub async fn pledge_signed_at(&self, id: EvaluationRoundId, evaluator: UserId) -> Result<Option<DateTime<Utc>>> {
        const SQL: &str = "SELECT signed_at FROM evaluation_pledges WHERE round_id = $1 AND evaluator_id = $2";
        Ok(with_db!(self, |pool| {
            sqlx::query_scalar::<_, DateTime<Utc>>(SQL)
                .bind(id.get())
                .bind(evaluator.get())
                .fetch_optional(pool)
                .await?
        }))
    }

    /// A page of the tasks the evaluator sits on in the round, by number.
    pub async fn evaluator_tasks(
        &self,
        id: EvaluationRoundId,
        evaluator: UserId,
        paging: Paging,
    ) -> Result<Page<TaskBrief>> {
        const SQL: &str = "SELECT t.id, t.seq, t.title FROM evaluation_panel_members m JOIN tasks t ON t.id = m.task_id
            WHERE m.round_id = $1 AND m.evaluator_id = $2 ORDER BY t.seq, t.id LIMIT $3 OFFSET $4";
        const COUNT: &str = "SELECT COUNT(*) FROM evaluation_panel_members WHERE round_id = $1 AND evaluator_id = $2";
        let (rows, total) = with_db!(self, |pool| {
            let rows = sqlx::query_as::<_, BriefRow>(SQL)
                .bind(id.get())
                .bind(evaluator.get())
                .bind(paging.limit)
                .bind(paging.offset)
                .fetch_all(pool)
                .await?;
            let total: i64 = sqlx::query_scalar(COUNT).bind(id.get()).bind(evaluator.get()).fetch_one(pool).await?;
            (rows, total)
        });
        Ok(Page {
            items: rows.into_iter().map(|r| TaskBrief { id: TaskId::new(r.id), seq: r.seq, title: r.title }).collect(),
            total,
        })
    }

    /// The round's 회피 and 기피 (at most `limit`, by task).
    pub async fn round_conflicts(&self, id: EvaluationRoundId) -> Result<Vec<DeclaredConflict>> {
        Ok(with_db!(self, |pool| sqlx::query_as::<_, DeclaredConflict>(DECLARED)
            .bind(id.get())
            .fetch_all(pool)
            .await?))
    }

    /// Every active evaluator, by id (the 기피 form's choice).
    pub async fn evaluator_pool(&self) -> Result<Vec<EvaluatorRow>> {
        Ok(with_db!(self, |pool| sqlx::query_as::<_, EvaluatorRow>(EVALUATORS).fetch_all(pool).await?))
    }

    /// The affiliation histories of every evaluator, and the agencies by name (for 제척 on a page).
    pub async fn exclusion_inputs(&self) -> Result<(Vec<AffiliationRow>, Vec<AgencyNames>)> {
        Ok(with_db!(self, |pool| {
            let a = sqlx::query_as::<_, AffiliationRow>(AFFILIATIONS).fetch_all(pool).await?;
            let n = sqlx::query_as::<_, AgencyNames>("SELECT id, short_name, name FROM agencies ORDER BY id")
                .fetch_all(pool)
                .await?;
            (a, n)
        }))
    }

    pub async fn get_conflict(&self, id: EvaluationConflictId) -> Result<Option<ConflictRecord>> {
        use crate::record::Record;
        let sql = format!("SELECT {} FROM evaluation_conflicts WHERE id = $1", ConflictRecord::COLUMNS);
        Ok(with_db!(self, |pool| sqlx::query_as::<_, ConflictRecord>(&sql).bind(id.get()).fetch_optional(pool).await?))
    }
}
