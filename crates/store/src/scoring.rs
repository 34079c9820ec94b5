//! Scoring as stored: the evaluators' score sheets (one per panel seat) and the round's computed
//! result (one row per scored task, and the round-wide figures). The rules — who may score or read
//! a sheet, what a valid sheet is, how the result is computed — are in `hanteam_domain::evaluation`;
//! this module only reads and writes.

use chrono::{DateTime, Utc};
use hanteam_domain::evaluation::agency_score::{AgencyRole, TaskAgency};
use hanteam_domain::evaluation::outcome::Outcome;
use hanteam_domain::{AgencyId, EvaluationRoundId, Paging, TaskId, UserId};
use serde::Serialize;

use crate::bulk::EvaluationResultRow;
use crate::record::record;
use crate::tx::Tx;
use crate::views::Page;
use crate::{with_db, Db, Result};

/// A score sheet's row. Its scores and comments are never serialised (the audit log records a
/// sheet's state, never what it says, so nobody reads scores there while they are sealed).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SheetRecord {
    pub id: i64,
    pub round_id: i64,
    pub task_id: i64,
    pub evaluator_id: i64,
    #[serde(skip_serializing)]
    pub scores_json: String,
    #[serde(skip_serializing)]
    pub comment: Option<String>,
    pub status: String,
    pub submitted_at: Option<DateTime<Utc>>,
    pub reopened_reason: Option<String>,
    pub reopened_by_user_id: Option<i64>,
    pub reopened_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing)]
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}
record!(SheetRecord, id: i64, table: "evaluation_score_sheets", audit: "evaluation_score_sheet",
    columns: "id, round_id, task_id, evaluator_id, scores_json, comment, status, submitted_at, reopened_reason, reopened_by_user_id, reopened_at, updated_at, version");

/// One stored task result.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ResultRow {
    pub task_id: i64,
    pub seq: i64,
    pub title: String,
    pub position: i64,
    pub score: f64,
    pub grade: String,
    pub excellent: bool,
    pub n_scores: i64,
    pub spread: f64,
    pub min_total: f64,
    pub max_total: f64,
    pub dropped_low: Option<f64>,
    pub dropped_high: Option<f64>,
    pub disagreement: bool,
}

/// The round-wide figures of the last computation.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct OutcomeRow {
    pub icc1: Option<f64>,
    pub n_tasks: i64,
    pub n_scores: i64,
    pub unscored: i64,
    pub agencies_json: String,
    pub computed_at: DateTime<Utc>,
}

/// A submitted sheet as closing reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SubmittedSheet {
    pub task_id: i64,
    pub evaluator_id: i64,
    pub scores_json: String,
}

fn sheet_select(filter: &str) -> String {
    use crate::record::Record;
    format!("SELECT {} FROM evaluation_score_sheets WHERE {filter}", SheetRecord::COLUMNS)
}

impl Tx {
    /// Whether the evaluator holds a seat on the task's panel of the round (회피 and upheld 기피
    /// take the seat away; 제척 never gives one).
    pub async fn holds_seat(&mut self, round: EvaluationRoundId, task: TaskId, evaluator: UserId) -> Result<bool> {
        let found: Option<(i64,)> = self
            .fetch_optional(
                "SELECT id FROM evaluation_panel_members WHERE round_id = $1 AND task_id = $2 AND evaluator_id = $3",
                &[round.into(), task.into(), evaluator.into()],
            )
            .await?;
        Ok(found.is_some())
    }

    /// The evaluator's sheet of the task, locked for the rest of the transaction.
    pub async fn sheet(
        &mut self,
        round: EvaluationRoundId,
        task: TaskId,
        evaluator: UserId,
    ) -> Result<Option<SheetRecord>> {
        let sql = self.locking(&sheet_select("round_id = $1 AND task_id = $2 AND evaluator_id = $3"));
        self.fetch_optional(&sql, &[round.into(), task.into(), evaluator.into()]).await
    }

    /// A new draft sheet.
    pub async fn insert_sheet(
        &mut self,
        round: EvaluationRoundId,
        task: TaskId,
        evaluator: UserId,
        scores_json: &str,
        comment: Option<&str>,
    ) -> Result<i64> {
        self.insert_stamped(
            "evaluation_score_sheets",
            &[
                ("round_id", round.into()),
                ("task_id", task.into()),
                ("evaluator_id", evaluator.into()),
                ("scores_json", scores_json.into()),
                ("comment", comment.into()),
                ("status", "draft".into()),
            ],
        )
        .await
    }

    /// Saves a draft over the sheet still at `version`: the new version, or `None`.
    pub async fn update_sheet(
        &mut self,
        id: i64,
        version: i64,
        scores_json: &str,
        comment: Option<&str>,
    ) -> Result<Option<i64>> {
        self.update_versioned(
            "evaluation_score_sheets",
            id,
            version,
            &[("scores_json", scores_json.into()), ("comment", comment.into())],
        )
        .await
    }

    /// Submits (locks) the sheet still at `version`.
    pub async fn submit_sheet(&mut self, id: i64, version: i64) -> Result<Option<i64>> {
        let at = self.at();
        self.update_versioned(
            "evaluation_score_sheets",
            id,
            version,
            &[("status", "submitted".into()), ("submitted_at", at.into())],
        )
        .await
    }

    /// Unlocks the submitted sheet still at `version`, recording why and by whom.
    pub async fn reopen_sheet(
        &mut self,
        id: i64,
        version: i64,
        reason: &str,
        by: Option<UserId>,
    ) -> Result<Option<i64>> {
        let at = self.at();
        self.update_versioned(
            "evaluation_score_sheets",
            id,
            version,
            &[
                ("status", "draft".into()),
                ("reopened_reason", reason.into()),
                ("reopened_by_user_id", by.into()),
                ("reopened_at", at.into()),
            ],
        )
        .await
    }

    /// Every submitted sheet of the round whose evaluator still holds its seat, by task then
    /// evaluator: what the result is computed from.
    pub async fn submitted_sheets(&mut self, round: EvaluationRoundId) -> Result<Vec<SubmittedSheet>> {
        self.fetch_all(
            "SELECT s.task_id, s.evaluator_id, s.scores_json FROM evaluation_score_sheets s
             WHERE s.round_id = $1 AND s.status = 'submitted'
               AND EXISTS (SELECT 1 FROM evaluation_panel_members m
                           WHERE m.round_id = s.round_id AND m.task_id = s.task_id AND m.evaluator_id = s.evaluator_id)
             ORDER BY s.task_id, s.evaluator_id",
            &[round.into()],
        )
        .await
    }

    /// The round's tasks with their agencies and roles (the task's lead agency 주관, the others
    /// 참여), by task id, in one query.
    pub async fn round_task_roles(&mut self, round: EvaluationRoundId) -> Result<Vec<(TaskId, Vec<TaskAgency>)>> {
        let rows: Vec<(i64, Option<i64>, Option<i64>)> = self
            .fetch_all(
                "SELECT rt.task_id, r.agency_id, t.lead_agency_id FROM evaluation_round_tasks rt
                 JOIN tasks t ON t.id = rt.task_id
                 LEFT JOIN task_agency_roles r ON r.task_id = rt.task_id
                 WHERE rt.round_id = $1 ORDER BY rt.task_id, r.agency_id",
                &[round.into()],
            )
            .await?;
        let mut out: Vec<(TaskId, Vec<TaskAgency>)> = Vec::new();
        for (task, agency, lead) in rows {
            let task = TaskId::new(task);
            if out.last().is_none_or(|(t, _)| *t != task) {
                out.push((task, Vec::new()));
                if let (Some(l), Some((_, list))) = (lead, out.last_mut()) {
                    list.push(TaskAgency { agency: AgencyId::new(l), role: AgencyRole::Lead });
                }
            }
            if let (Some(a), Some((_, list))) = (agency, out.last_mut()) {
                if Some(a) != lead {
                    list.push(TaskAgency { agency: AgencyId::new(a), role: AgencyRole::Participant });
                }
            }
        }
        Ok(out)
    }

    /// Replaces the round's stored result with `outcome`, many rows per statement
    /// ([`Tx::insert_rows`] keeps each statement's binds where SQLite binds them fast).
    pub async fn replace_results(
        &mut self,
        round: EvaluationRoundId,
        outcome: &Outcome,
        agencies_json: &str,
    ) -> Result<()> {
        self.execute("DELETE FROM evaluation_results WHERE round_id = $1", &[round.into()]).await?;
        self.execute("DELETE FROM evaluation_outcomes WHERE round_id = $1", &[round.into()]).await?;
        let rows = outcome
            .tasks
            .iter()
            .map(|t| {
                let r = &t.result;
                EvaluationResultRow {
                    round_id: round.get(),
                    task_id: r.task.get(),
                    position: t.position as i64,
                    score: r.score,
                    grade: t.grade.clone(),
                    grade_index: t.grade_index as i64,
                    excellent: t.excellent,
                    n_scores: r.n_scores as i64,
                    spread: r.spread,
                    min_total: r.min,
                    max_total: r.max,
                    dropped_low: r.dropped.map(|d| d.0),
                    dropped_high: r.dropped.map(|d| d.1),
                    disagreement: r.disagreement,
                }
            })
            .collect();
        self.insert_rows(rows).await?;
        let at = self.at();
        self.execute(
            "INSERT INTO evaluation_outcomes (round_id, icc1, n_tasks, n_scores, unscored, agencies_json, computed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                round.into(),
                outcome.agreement.icc1.into(),
                (outcome.agreement.n_tasks as i64).into(),
                (outcome.agreement.n_scores as i64).into(),
                (outcome.unscored.len() as i64).into(),
                agencies_json.into(),
                at.into(),
            ],
        )
        .await?;
        Ok(())
    }
}

/// Which of a round's results a page shows.
#[derive(Debug, Clone)]
pub enum ResultScope {
    All,
    /// Only tasks these agencies take part in.
    Agencies(Vec<AgencyId>),
}

impl Db {
    /// The evaluator's sheet of the task, if saved.
    pub async fn get_sheet(
        &self,
        round: EvaluationRoundId,
        task: TaskId,
        evaluator: UserId,
    ) -> Result<Option<SheetRecord>> {
        let sql = sheet_select("round_id = $1 AND task_id = $2 AND evaluator_id = $3");
        Ok(with_db!(self, |pool| sqlx::query_as::<_, SheetRecord>(&sql)
            .bind(round.get())
            .bind(task.get())
            .bind(evaluator.get())
            .fetch_optional(pool)
            .await?))
    }

    /// Whether the evaluator holds a seat on the task's panel of the round.
    pub async fn holds_seat(&self, round: EvaluationRoundId, task: TaskId, evaluator: UserId) -> Result<bool> {
        const SQL: &str =
            "SELECT id FROM evaluation_panel_members WHERE round_id = $1 AND task_id = $2 AND evaluator_id = $3";
        let found: Option<i64> = with_db!(self, |pool| sqlx::query_scalar::<_, i64>(SQL)
            .bind(round.get())
            .bind(task.get())
            .bind(evaluator.get())
            .fetch_optional(pool)
            .await?);
        Ok(found.is_some())
    }

    /// A page of the round's results in ranking order (best first, then task id).
    pub async fn results_page(
        &self,
        round: EvaluationRoundId,
        scope: &ResultScope,
        paging: Paging,
    ) -> Result<Page<ResultRow>> {
        let filter = match scope {
            ResultScope::All => String::new(),
            ResultScope::Agencies(a) if a.is_empty() => " AND 1 = 0".into(),
            ResultScope::Agencies(a) => {
                // Ids are numbers we hold, never text a person typed.
                let ids: Vec<String> = a.iter().map(|a| a.get().to_string()).collect();
                format!(
                    " AND EXISTS (SELECT 1 FROM task_agency_roles r WHERE r.task_id = e.task_id AND r.agency_id IN ({}))",
                    ids.join(", ")
                )
            }
        };
        let sql = format!(
            "SELECT e.task_id, t.seq, t.title, e.position, e.score, e.grade, e.excellent, e.n_scores, e.spread,
                    e.min_total, e.max_total, e.dropped_low, e.dropped_high, e.disagreement
             FROM evaluation_results e JOIN tasks t ON t.id = e.task_id
             WHERE e.round_id = $1{filter} ORDER BY e.position, e.task_id LIMIT $2 OFFSET $3"
        );
        let count = format!("SELECT COUNT(*) FROM evaluation_results e WHERE e.round_id = $1{filter}");
        let (items, total) = with_db!(self, |pool| {
            let items = sqlx::query_as::<_, ResultRow>(&sql)
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

    /// The round-wide figures of the last computation, if any.
    pub async fn round_outcome(&self, round: EvaluationRoundId) -> Result<Option<OutcomeRow>> {
        const SQL: &str = "SELECT icc1, n_tasks, n_scores, unscored, agencies_json, computed_at
            FROM evaluation_outcomes WHERE round_id = $1";
        Ok(with_db!(self, |pool| sqlx::query_as::<_, OutcomeRow>(SQL).bind(round.get()).fetch_optional(pool).await?))
    }
}
