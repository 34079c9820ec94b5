//! The reads the prize shares and statements need beyond the excellent tasks
//! (`objections::excellent_tasks`): the exchangees of the excellent tasks' pairs, with the agency
//! of the position each holds. The rules are in `hanteam_domain::reward::shares`.

use hanteam_domain::reward::shares::PairExchangee;
use hanteam_domain::{AgencyId, EvaluationRoundId, ExchangeeId, PositionId, TaskId};

use crate::{with_db, Db, Result};

/// An exchangee of an excellent task's pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskExchangee {
    pub task: TaskId,
    pub position: PositionId,
    pub exchangee: PairExchangee,
}

/// An excellent task's number and title, for the prize pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskTitle {
    pub task: TaskId,
    pub seq: i64,
    pub title: String,
}

impl Db {
    /// The round's excellent tasks' numbers and titles, by task id: all of them, or `only` these.
    pub async fn excellent_task_titles(
        &self,
        round: EvaluationRoundId,
        only: Option<&[TaskId]>,
    ) -> Result<Vec<TaskTitle>> {
        let Some(among) = among(only) else { return Ok(Vec::new()) };
        let sql = format!(
            "SELECT e.task_id, t.seq, t.title FROM evaluation_results e JOIN tasks t ON t.id = e.task_id
             WHERE e.round_id = $1 AND e.excellent{among} ORDER BY e.task_id"
        );
        let rows: Vec<(i64, i64, String)> = with_db!(self, |pool| {
            let mut q = sqlx::query_as(&sql).bind(round.get());
            for t in only.unwrap_or_default() {
                q = q.bind(t.get());
            }
            q.fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(|(t, seq, title)| TaskTitle { task: TaskId::new(t), seq, title }).collect())
    }

    /// Every exchangee of the pairs of the round's excellent tasks (all of them, or `only` these),
    /// by task and exchangee id. Named by their name, or by their post while the name is not entered
    /// ("국토부 국토정책관 교류자").
    pub async fn excellent_task_exchangees(
        &self,
        round: EvaluationRoundId,
        only: Option<&[TaskId]>,
    ) -> Result<Vec<TaskExchangee>> {
        let Some(among) = among(only) else { return Ok(Vec::new()) };
        let sql = format!(
            "SELECT e.task_id, x.id, x.position_id, p.agency_id, x.name, a.short_name, p.title
             FROM evaluation_results e JOIN tasks t ON t.id = e.task_id
             JOIN exchange_pairs pr ON pr.id = t.pair_id
             JOIN positions p ON p.id = pr.position_a_id OR p.id = pr.position_b_id
             JOIN exchangees x ON x.position_id = p.id
             JOIN agencies a ON a.id = p.agency_id
             WHERE e.round_id = $1 AND e.excellent{among} ORDER BY e.task_id, x.id"
        );
        type Row = (i64, i64, i64, i64, Option<String>, String, String);
        let rows: Vec<Row> = with_db!(self, |pool| {
            let mut q = sqlx::query_as(&sql).bind(round.get());
            for t in only.unwrap_or_default() {
                q = q.bind(t.get());
            }
            q.fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|(task, x, position, agency, name, short, title)| TaskExchangee {
                task: TaskId::new(task),
                position: PositionId::new(position),
                exchangee: PairExchangee {
                    exchangee: ExchangeeId::new(x),
                    agency: AgencyId::new(agency),
                    label: exchangee_label(name.as_deref(), &short, &title),
                },
            })
            .collect())
    }
}

/// The condition that keeps only these tasks (binds from $2 on), nothing for all of them; `None` when
/// the list is empty (nothing to read).
fn among(only: Option<&[TaskId]>) -> Option<String> {
    match only {
        None => Some(String::new()),
        Some([]) => None,
        Some(ids) => Some(format!(" AND e.task_id IN ({})", crate::queries::placeholders(2, ids.len()))),
    }
}

/// An exchangee as a list names them: the name, with the post; or the post alone.
pub fn exchangee_label(name: Option<&str>, agency: &str, position: &str) -> String {
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => format!("{n} ({agency} {position})"),
        None => format!("{agency} {position} 교류자"),
    }
}
