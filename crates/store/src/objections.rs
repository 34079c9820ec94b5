//! Objections (이의신청) as stored, and the reads that finalising, publication and prizes need:
//! the undecided objections and the rescoring still open, the published results with what each
//! task changes for citizens, the excellent tasks with their agencies, and a task's evaluators'
//! names. The rules are in `hanteam_domain::evaluation::objection` and `hanteam_domain::access`.

use chrono::{DateTime, Utc};
use hanteam_domain::evaluation::objection::{OpenRescoring, UndecidedObjection};
use hanteam_domain::reward::pool::ExcellentTask;
use hanteam_domain::{AgencyId, EvaluationObjectionId, EvaluationRoundId, Paging, TaskId, UserId};
use serde::Serialize;

use crate::record::record;
use crate::scoring::SheetRecord;
use crate::tx::Tx;
use crate::views::Page;
use crate::{with_db, Db, Result};

/// An objection's row.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ObjectionRecord {
    pub id: i64,
    pub round_id: i64,
    pub task_id: i64,
    pub agency_id: i64,
    pub filed_by_user_id: Option<i64>,
    pub reason: String,
    pub status: String,
    pub decision_reason: Option<String>,
    pub decided_by_user_id: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
    pub reopened_sheets: i64,
    #[serde(skip_serializing)]
    pub created_at: DateTime<Utc>,
    pub version: i64,
}
record!(ObjectionRecord, id: EvaluationObjectionId, table: "evaluation_objections", audit: "evaluation_objection",
    columns: "id, round_id, task_id, agency_id, filed_by_user_id, reason, status, decision_reason, decided_by_user_id, decided_at, reopened_sheets, created_at, version");

/// An objection as the lists show it: with the task and the agency named.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ObjectionRow {
    pub id: i64,
    pub task_id: i64,
    pub task_seq: i64,
    pub task_title: String,
    pub agency_id: i64,
    pub agency_name: String,
    pub reason: String,
    pub status: String,
    pub decision_reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub version: i64,
}

/// A published task result: never the spread, the dropped scores or anything of an evaluator.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PublishedRow {
    pub task_id: i64,
    pub seq: i64,
    pub title: String,
    pub description: Option<String>,
    pub position: i64,
    pub score: f64,
    pub grade: String,
    pub excellent: bool,
}

const OBJECTION_ROW: &str = "SELECT o.id, o.task_id, t.seq AS task_seq, t.title AS task_title, o.agency_id,
        a.short_name AS agency_name, o.reason, o.status, o.decision_reason, o.decided_at, o.created_at, o.version
    FROM evaluation_objections o JOIN tasks t ON t.id = o.task_id JOIN agencies a ON a.id = o.agency_id";

/// `AND o.agency_id IN (…)` for a scope of agencies; ids are numbers we hold, never typed text.
fn agency_filter(agencies: Option<&[AgencyId]>) -> String {
    match agencies {
        None => String::new(),
        Some([]) => " AND 1 = 0".into(),
        Some(a) => {
            let ids: Vec<String> = a.iter().map(|a| a.get().to_string()).collect();
            format!(" AND o.agency_id IN ({})", ids.join(", "))
        }
    }
}

impl Tx {
    /// The agency's undecided objection on the task, if any.
    pub async fn pending_objection(
        &mut self,
        round: EvaluationRoundId,
        task: TaskId,
        agency: AgencyId,
    ) -> Result<Option<ObjectionRecord>> {
        use crate::record::Record;
        let sql = format!(
            "SELECT {} FROM evaluation_objections WHERE round_id = $1 AND task_id = $2 AND agency_id = $3 AND status = 'pending'",
            ObjectionRecord::COLUMNS
        );
        self.fetch_optional(&sql, &[round.into(), task.into(), agency.into()]).await
    }

    pub async fn insert_objection(
        &mut self,
        round: EvaluationRoundId,
        task: TaskId,
        agency: AgencyId,
        by: Option<UserId>,
        reason: &str,
    ) -> Result<EvaluationObjectionId> {
        let id = self
            .insert_stamped(
                "evaluation_objections",
                &[
                    ("round_id", round.into()),
                    ("task_id", task.into()),
                    ("agency_id", agency.into()),
                    ("filed_by_user_id", by.into()),
                    ("reason", reason.into()),
                    ("status", "pending".into()),
                ],
            )
            .await?;
        Ok(EvaluationObjectionId::new(id))
    }

    /// Records OPC's answer on the objection still at `version`: the new version, or `None`.
    pub async fn decide_objection(
        &mut self,
        id: EvaluationObjectionId,
        version: i64,
        status: &str,
        reason: Option<&str>,
        by: Option<UserId>,
        reopened_sheets: i64,
    ) -> Result<Option<i64>> {
        let at = self.at();
        self.update_versioned(
            "evaluation_objections",
            id.get(),
            version,
            &[
                ("status", status.into()),
                ("decision_reason", reason.into()),
                ("decided_by_user_id", by.into()),
                ("decided_at", at.into()),
                ("reopened_sheets", reopened_sheets.into()),
            ],
        )
        .await
    }

    /// The task's submitted sheets whose evaluators still hold their seats, locked: what an upheld
    /// objection reopens.
    pub async fn seated_submitted_sheets(
        &mut self,
        round: EvaluationRoundId,
        task: TaskId,
    ) -> Result<Vec<SheetRecord>> {
        use crate::record::Record;
        let sql = self.locking(&format!(
            "SELECT {} FROM evaluation_score_sheets s
             WHERE s.round_id = $1 AND s.task_id = $2 AND s.status = 'submitted'
               AND EXISTS (SELECT 1 FROM evaluation_panel_members m
                           WHERE m.round_id = s.round_id AND m.task_id = s.task_id AND m.evaluator_id = s.evaluator_id)
             ORDER BY s.evaluator_id",
            SheetRecord::COLUMNS
        ));
        self.fetch_all(&sql, &[round.into(), task.into()]).await
    }

    /// The round's undecided objections, by id, with the task and agency to name them.
    pub async fn undecided_objections(&mut self, round: EvaluationRoundId) -> Result<Vec<UndecidedObjection>> {
        let rows: Vec<(i64, i64, String)> = self
            .fetch_all(
                "SELECT o.id, t.seq, a.short_name FROM evaluation_objections o
                 JOIN tasks t ON t.id = o.task_id JOIN agencies a ON a.id = o.agency_id
                 WHERE o.round_id = $1 AND o.status = 'pending' ORDER BY o.id",
                &[round.into()],
            )
            .await?;
        Ok(rows.into_iter().map(|(id, task_seq, agency)| UndecidedObjection { id, task_seq, agency }).collect())
    }

    /// Tasks of upheld objections with reopened sheets not yet submitted again (seated evaluators
    /// only), by task number.
    pub async fn open_rescoring(&mut self, round: EvaluationRoundId) -> Result<Vec<OpenRescoring>> {
        let rows: Vec<(i64, i64)> = self
            .fetch_all(
                "SELECT t.seq, COUNT(*) FROM evaluation_score_sheets s JOIN tasks t ON t.id = s.task_id
                 WHERE s.round_id = $1 AND s.status = 'draft' AND s.reopened_at IS NOT NULL
                   AND EXISTS (SELECT 1 FROM evaluation_objections o
                               WHERE o.round_id = s.round_id AND o.task_id = s.task_id AND o.status = 'upheld')
                   AND EXISTS (SELECT 1 FROM evaluation_panel_members m
                               WHERE m.round_id = s.round_id AND m.task_id = s.task_id AND m.evaluator_id = s.evaluator_id)
                 GROUP BY t.seq ORDER BY t.seq",
                &[round.into()],
            )
            .await?;
        Ok(rows.into_iter().map(|(task_seq, open_sheets)| OpenRescoring { task_seq, open_sheets }).collect())
    }

    /// Whether any objection of the round was upheld (finalising then recomputes the result).
    pub async fn any_upheld_objection(&mut self, round: EvaluationRoundId) -> Result<bool> {
        let found: Option<(i64,)> = self
            .fetch_optional(
                "SELECT id FROM evaluation_objections WHERE round_id = $1 AND status = 'upheld' LIMIT 1",
                &[round.into()],
            )
            .await?;
        Ok(found.is_some())
    }

    /// Sets the round's settings document, on the round still at `version` (prize pool edits).
    pub async fn set_round_params(
        &mut self,
        round: EvaluationRoundId,
        version: i64,
        json: &str,
    ) -> Result<Option<i64>> {
        self.update_versioned("evaluation_rounds", round.get(), version, &[("params_json", json.into())]).await
    }
}

impl Db {
    /// A page of the round's objections, newest first; `agencies` limits them to those agencies'.
    pub async fn objections_page(
        &self,
        round: EvaluationRoundId,
        agencies: Option<&[AgencyId]>,
        paging: Paging,
    ) -> Result<Page<ObjectionRow>> {
        let filter = agency_filter(agencies);
        let sql = format!("{OBJECTION_ROW} WHERE o.round_id = $1{filter} ORDER BY o.id DESC LIMIT $2 OFFSET $3");
        let count = format!("SELECT COUNT(*) FROM evaluation_objections o WHERE o.round_id = $1{filter}");
        let (items, total) = with_db!(self, |pool| {
            let items = sqlx::query_as::<_, ObjectionRow>(&sql)
                .bind(round.get())
                .bind(paging.limit)
                .bind(paging.offset)
                .fetch_all(pool)
                .await?;
            let total: i64 = sqlx::query_scalar(&count).bind(round.get()).fetch_one(pool).await?;
            (items, total)
        });
        Ok(Page { items, total })
    }

    /// One objection with its task and agency named.
    pub async fn objection_row(&self, id: EvaluationObjectionId) -> Result<Option<ObjectionRow>> {
        let sql = format!("{OBJECTION_ROW} WHERE o.id = $1");
        Ok(with_db!(self, |pool| sqlx::query_as::<_, ObjectionRow>(&sql).bind(id.get()).fetch_optional(pool).await?))
    }

    /// A page of the published result in ranking order; `excellent_only` for the excellent tasks.
    pub async fn published_page(
        &self,
        round: EvaluationRoundId,
        excellent_only: bool,
        paging: Paging,
    ) -> Result<Page<PublishedRow>> {
        let filter = if excellent_only { " AND e.excellent" } else { "" };
        let sql = format!(
            "SELECT e.task_id, t.seq, t.title, t.description, e.position, e.score, e.grade, e.excellent
             FROM evaluation_results e JOIN tasks t ON t.id = e.task_id
             WHERE e.round_id = $1{filter} ORDER BY e.position, e.task_id LIMIT $2 OFFSET $3"
        );
        let count = format!("SELECT COUNT(*) FROM evaluation_results e WHERE e.round_id = $1{filter}");
        let (items, total) = with_db!(self, |pool| {
            let items = sqlx::query_as::<_, PublishedRow>(&sql)
                .bind(round.get())
                .bind(paging.limit)
                .bind(paging.offset)
                .fetch_all(pool)
                .await?;
            let total: i64 = sqlx::query_scalar(&count).bind(round.get()).fetch_one(pool).await?;
            (items, total)
        });
        Ok(Page { items, total })
    }

    /// The round's excellent tasks by id, each with the agencies taking part (the lead agency and
    /// the others of its roles), named, in one query.
    pub async fn excellent_tasks(&self, round: EvaluationRoundId) -> Result<Vec<ExcellentTask>> {
        // The lead agency and the roles as two joins made one (UNION drops a lead that also has a
        // role). Joined as `a.id = lead OR a.id IN (roles)`, PostgreSQL tried every agency against
        // every excellent task: seconds a request at 10,000 excellent tasks.
        const SQL: &str = "SELECT x.task_id, x.grade, x.score, a.id, a.short_name FROM (
                SELECT e.task_id, e.grade, e.score, t.lead_agency_id AS agency_id
                FROM evaluation_results e JOIN tasks t ON t.id = e.task_id
                WHERE e.round_id = $1 AND e.excellent AND t.lead_agency_id IS NOT NULL
                UNION
                SELECT e.task_id, e.grade, e.score, r.agency_id
                FROM evaluation_results e JOIN task_agency_roles r ON r.task_id = e.task_id
                WHERE e.round_id = $1 AND e.excellent
            ) x JOIN agencies a ON a.id = x.agency_id ORDER BY x.task_id, a.id";
        let rows: Vec<(i64, String, f64, i64, String)> =
            with_db!(self, |pool| sqlx::query_as(SQL).bind(round.get()).fetch_all(pool).await?);
        let mut out: Vec<ExcellentTask> = Vec::new();
        for (task, grade, score, agency, name) in rows {
            let task = TaskId::new(task);
            if out.last().is_none_or(|t| t.task != task) {
                out.push(ExcellentTask { task, grade, score, agencies: vec![] });
            }
            if let Some(t) = out.last_mut() {
                t.agencies.push((AgencyId::new(agency), name));
            }
        }
        Ok(out)
    }

    /// The agencies taking part in a task: its lead agency and those of its roles, by id.
    pub async fn task_parties(&self, task: TaskId) -> Result<Vec<AgencyId>> {
        const SQL: &str = "SELECT a.id FROM agencies a
            WHERE a.id = (SELECT t.lead_agency_id FROM tasks t WHERE t.id = $1)
               OR a.id IN (SELECT r.agency_id FROM task_agency_roles r WHERE r.task_id = $1)
            ORDER BY a.id";
        let ids: Vec<i64> = with_db!(self, |pool| sqlx::query_scalar(SQL).bind(task.get()).fetch_all(pool).await?);
        Ok(ids.into_iter().map(AgencyId::new).collect())
    }

    /// The names of the evaluators seated on the task's panel, by name: never their ids, their
    /// sheets or the order they were seated in, so nobody can match a name to a score.
    pub async fn task_evaluator_names(&self, round: EvaluationRoundId, task: TaskId) -> Result<Vec<String>> {
        const SQL: &str = "SELECT u.display_name FROM evaluation_panel_members m JOIN users u ON u.id = m.evaluator_id
            WHERE m.round_id = $1 AND m.task_id = $2 ORDER BY u.display_name";
        Ok(with_db!(self, |pool| sqlx::query_scalar(SQL).bind(round.get()).bind(task.get()).fetch_all(pool).await?))
    }
}
