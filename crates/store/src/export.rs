//! What the task list's export shows of each task beyond the list's own rows: how many KPIs and
//! milestones it has.

use std::collections::HashMap;

use hanteam_domain::TaskId;

use crate::{with_db, Db, Result};

/// How many KPIs (성과지표) and milestones (추진일정) a task has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PartCounts {
    pub kpis: i64,
    pub milestones: i64,
}

#[derive(sqlx::FromRow)]
struct CountsRow {
    id: i64,
    kpis: i64,
    milestones: i64,
}

/// How many ids one statement binds: far below what either database allows (SQLite 32,766,
/// PostgreSQL 65,535 parameters).
const IDS_PER_QUERY: usize = 5_000;

impl Db {
    /// The KPI and milestone counts of these tasks, by id, each counted on the index of the task's
    /// key. The caller has already chosen the tasks the reader may see.
    pub async fn task_part_counts(&self, ids: &[TaskId]) -> Result<HashMap<TaskId, PartCounts>> {
        let mut out = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(IDS_PER_QUERY) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT t.id,
                        (SELECT COUNT(*) FROM task_kpis k WHERE k.task_id = t.id) AS kpis,
                        (SELECT COUNT(*) FROM task_milestones m WHERE m.task_id = t.id) AS milestones
                 FROM tasks t WHERE t.id IN ({})",
                marks.join(", ")
            );
            let rows: Vec<CountsRow> = with_db!(self, |pool| {
                let mut q = sqlx::query_as::<_, CountsRow>(&sql);
                for id in chunk {
                    q = q.bind(id.get());
                }
                q.fetch_all(pool).await?
            });
            out.extend(
                rows.into_iter().map(|r| (TaskId::new(r.id), PartCounts { kpis: r.kpis, milestones: r.milestones })),
            );
        }
        Ok(out)
    }
}
