//! 기관 간 메모: memos on a task, written, withdrawn and read a page at a time (newest first).

use chrono::{DateTime, Utc};
use hanteam_domain::memo::WriterCapacity;
use hanteam_domain::{AgencyId, MemoId, Paging, PositionId, TaskId, UserId};
use serde::Serialize;

use crate::record::Record;
use crate::tx::Tx;
use crate::views::{AgencyBrief, Page, TaskMemo};
use crate::{with_db, Db, Result, StoreError};

/// A memo row as the audit log records it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct MemoRecord {
    pub id: i64,
    pub task_id: i64,
    pub writer_user_id: Option<i64>,
    pub writer_capacity: String,
    pub writer_agency_id: Option<i64>,
    pub body: Option<String>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub version: i64,
}

impl Record for MemoRecord {
    type Id = MemoId;
    const TABLE: &'static str = "task_memos";
    const COLUMNS: &'static str =
        "id, task_id, writer_user_id, writer_capacity, writer_agency_id, body, withdrawn_at, version";
    const AUDIT_TYPE: &'static str = "task_memo";

    fn id(&self) -> i64 {
        self.id
    }

    fn version(&self) -> i64 {
        self.version
    }
}

/// What is written with a new memo.
#[derive(Debug, Clone)]
pub struct NewMemo {
    pub task: TaskId,
    pub writer: Option<UserId>,
    pub capacity: WriterCapacity,
    pub agency: Option<AgencyId>,
    pub body: String,
}

#[derive(sqlx::FromRow)]
struct MemoRow {
    id: i64,
    task_id: i64,
    writer_user_id: Option<i64>,
    writer_name: Option<String>,
    writer_capacity: String,
    agency_id: Option<i64>,
    agency_short_name: Option<String>,
    body: Option<String>,
    withdrawn_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    version: i64,
}

fn memo_view(r: MemoRow) -> Result<TaskMemo> {
    Ok(TaskMemo {
        id: MemoId::new(r.id),
        task_id: TaskId::new(r.task_id),
        writer_user_id: r.writer_user_id.map(UserId::new),
        writer_name: r.writer_name,
        writer_capacity: r.writer_capacity.parse().map_err(StoreError::Corrupt)?,
        writer_agency: match (r.agency_id, r.agency_short_name) {
            (Some(id), Some(short_name)) => Some(AgencyBrief { id: AgencyId::new(id), short_name }),
            _ => None,
        },
        body: r.body,
        withdrawn_at: r.withdrawn_at,
        created_at: r.created_at,
        version: r.version,
    })
}

impl Db {
    /// One page of a task's memos, newest first, and how many it has.
    pub async fn task_memos(&self, task: TaskId, paging: Paging) -> Result<Page<TaskMemo>> {
        let (total, rows): (i64, Vec<MemoRow>) = with_db!(self, |pool| {
            let total = sqlx::query_scalar("SELECT COUNT(*) FROM task_memos WHERE task_id = $1")
                .bind(task.get())
                .fetch_one(pool)
                .await?;
            let rows = sqlx::query_as(
                "SELECT m.id, m.task_id, m.writer_user_id, u.display_name AS writer_name, m.writer_capacity,
                        a.id AS agency_id, a.short_name AS agency_short_name, m.body, m.withdrawn_at, m.created_at,
                        m.version
                 FROM task_memos m
                 LEFT JOIN users u ON u.id = m.writer_user_id
                 LEFT JOIN agencies a ON a.id = m.writer_agency_id
                 WHERE m.task_id = $1 ORDER BY m.id DESC LIMIT $2 OFFSET $3",
            )
            .bind(task.get())
            .bind(paging.limit)
            .bind(paging.offset)
            .fetch_all(pool)
            .await?;
            (total, rows)
        });
        Ok(Page { items: rows.into_iter().map(memo_view).collect::<Result<_>>()?, total })
    }

    /// The task a memo is on.
    pub async fn task_of_memo(&self, id: MemoId) -> Result<Option<TaskId>> {
        let found: Option<i64> = with_db!(self, |pool| {
            sqlx::query_scalar("SELECT task_id FROM task_memos WHERE id = $1")
                .bind(id.get())
                .fetch_optional(pool)
                .await?
        });
        Ok(found.map(TaskId::new))
    }

    /// One memo as a page shows it.
    pub async fn memo(&self, id: MemoId) -> Result<Option<TaskMemo>> {
        let row: Option<MemoRow> = with_db!(self, |pool| {
            sqlx::query_as(
                "SELECT m.id, m.task_id, m.writer_user_id, u.display_name AS writer_name, m.writer_capacity,
                        a.id AS agency_id, a.short_name AS agency_short_name, m.body, m.withdrawn_at, m.created_at,
                        m.version
                 FROM task_memos m
                 LEFT JOIN users u ON u.id = m.writer_user_id
                 LEFT JOIN agencies a ON a.id = m.writer_agency_id
                 WHERE m.id = $1",
            )
            .bind(id.get())
            .fetch_optional(pool)
            .await?
        });
        row.map(memo_view).transpose()
    }
}

impl Tx {
    /// The agency an exchange position belongs to.
    pub async fn position_agency(&mut self, position: PositionId) -> Result<Option<AgencyId>> {
        let found: Option<(i64,)> =
            self.fetch_optional("SELECT agency_id FROM positions WHERE id = $1", &[position.into()]).await?;
        Ok(found.map(|(a,)| AgencyId::new(a)))
    }

    /// An agency by its short name (국무조정실).
    pub async fn agency_by_short_name(&mut self, short_name: &str) -> Result<Option<AgencyId>> {
        let found: Option<(i64,)> =
            self.fetch_optional("SELECT id FROM agencies WHERE short_name = $1", &[short_name.into()]).await?;
        Ok(found.map(|(a,)| AgencyId::new(a)))
    }

    pub async fn insert_memo(&mut self, m: &NewMemo) -> Result<MemoId> {
        let columns = [
            ("task_id", m.task.into()),
            ("writer_user_id", m.writer.into()),
            ("writer_capacity", m.capacity.as_str().into()),
            ("writer_agency_id", m.agency.into()),
            ("body", m.body.as_str().into()),
        ];
        Ok(MemoId::new(self.insert_stamped("task_memos", &columns).await?))
    }

    /// Withdraws a memo at `version`: its text is cleared (the audit log keeps it) and the time
    /// recorded. `None` when the memo is not at that version.
    pub async fn withdraw_memo(&mut self, id: MemoId, version: i64) -> Result<Option<i64>> {
        let at = self.at();
        self.update_versioned(
            "task_memos",
            id.get(),
            version,
            &[("body", None::<&str>.into()), ("withdrawn_at", at.into())],
        )
        .await
    }
}
