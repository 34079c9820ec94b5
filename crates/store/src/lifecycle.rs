//! The lifecycle's moves as they are stored: the task's status, and one row of its history per move.

use chrono::{DateTime, Utc};
use hanteam_domain::{MeetingId, TaskAction, TaskId, TaskStatus, UserId};
use serde::Serialize;

use crate::audit::Actor;
use crate::tx::Tx;
use crate::{with_db, Db, Result, StoreError};

/// One move as the history keeps it (and the audit log records it).
#[derive(Debug, Clone, Serialize)]
pub struct TransitionRecord {
    pub id: i64,
    pub task_id: i64,
    pub action: &'static str,
    pub from_status: &'static str,
    pub to_status: &'static str,
    pub reason: Option<String>,
    pub meeting_id: Option<i64>,
}

/// A move in a task's history, for reading.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Transition {
    pub action: TaskAction,
    pub from: TaskStatus,
    pub to: TaskStatus,
    pub reason: Option<String>,
    /// Who made the move: the person's name, or the council meeting for a move recorded from the
    /// source.
    pub by: String,
    #[serde(skip)]
    pub by_user_id: Option<UserId>,
    pub meeting_id: Option<MeetingId>,
    pub meeting_title: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct TransitionRow {
    action: String,
    from_status: String,
    to_status: String,
    reason: Option<String>,
    actor_user_id: Option<i64>,
    actor: String,
    display_name: Option<String>,
    meeting_id: Option<i64>,
    meeting_title: Option<String>,
    occurred_at: DateTime<Utc>,
}

impl TryFrom<TransitionRow> for Transition {
    type Error = StoreError;
    fn try_from(r: TransitionRow) -> Result<Transition> {
        Ok(Transition {
            action: r.action.parse().map_err(StoreError::Corrupt)?,
            from: r.from_status.parse().map_err(StoreError::Corrupt)?,
            to: r.to_status.parse().map_err(StoreError::Corrupt)?,
            reason: r.reason,
            by: r.display_name.unwrap_or(r.actor),
            by_user_id: r.actor_user_id.map(UserId::new),
            meeting_id: r.meeting_id.map(MeetingId::new),
            meeting_title: r.meeting_title,
            at: r.occurred_at,
        })
    }
}

/// A move to record: the task, the action, where it went from and to, and why.
pub struct Move<'a> {
    pub task: TaskId,
    pub action: TaskAction,
    pub from: TaskStatus,
    pub to: TaskStatus,
    pub reason: Option<&'a str>,
    pub meeting: Option<MeetingId>,
}

impl Tx {
    /// Moves a task to `m.to` if it is still at `version`, and keeps the move in its history: the
    /// new version and the history row, or `None` when the task changed meanwhile (nothing written).
    pub async fn move_task(
        &mut self,
        actor: &Actor,
        version: i64,
        m: &Move<'_>,
    ) -> Result<Option<(i64, TransitionRecord)>> {
        let written =
            self.update_versioned("tasks", m.task.get(), version, &[("status", m.to.as_str().into())]).await?;
        let Some(version) = written else { return Ok(None) };
        self.refresh_tasks(&[m.task]).await?;
        let row = self.record_move(actor, m).await?;
        Ok(Some((version, row)))
    }

    /// Keeps a move in the task's history (the status itself is written by the caller).
    pub async fn record_move(&mut self, actor: &Actor, m: &Move<'_>) -> Result<TransitionRecord> {
        let at = self.at();
        self.record_move_at(actor, m, at).await
    }

    /// As [`Tx::record_move`], for a move made at another time than this change (a decision
    /// recorded from the source).
    pub(crate) async fn record_move_at(
        &mut self,
        actor: &Actor,
        m: &Move<'_>,
        at: DateTime<Utc>,
    ) -> Result<TransitionRecord> {
        let id = self
            .insert(
                "task_transitions",
                &[
                    ("task_id", m.task.into()),
                    ("action", m.action.as_str().into()),
                    ("from_status", m.from.as_str().into()),
                    ("to_status", m.to.as_str().into()),
                    ("reason", m.reason.into()),
                    ("actor_user_id", actor.user_id.into()),
                    ("actor", actor.label.as_str().into()),
                    ("meeting_id", m.meeting.map(|id| id.get()).into()),
                    ("occurred_at", at.into()),
                ],
            )
            .await?;
        Ok(TransitionRecord {
            id,
            task_id: m.task.get(),
            action: m.action.as_str(),
            from_status: m.from.as_str(),
            to_status: m.to.as_str(),
            reason: m.reason.map(str::to_string),
            meeting_id: m.meeting.map(|id| id.get()),
        })
    }
}

impl Db {
    /// A task's moves, oldest first.
    pub async fn task_history(&self, task: TaskId) -> Result<Vec<Transition>> {
        const SQL: &str = "SELECT h.action, h.from_status, h.to_status, h.reason, h.actor_user_id, h.actor,
                u.display_name, h.meeting_id, m.title AS meeting_title, h.occurred_at
            FROM task_transitions h
            LEFT JOIN users u ON u.id = h.actor_user_id
            LEFT JOIN council_meetings m ON m.id = h.meeting_id
            WHERE h.task_id = $1 ORDER BY h.occurred_at, h.id";
        let rows: Vec<TransitionRow> =
            with_db!(self, |pool| sqlx::query_as::<_, TransitionRow>(SQL).bind(task.get()).fetch_all(pool).await?);
        rows.into_iter().map(Transition::try_from).collect()
    }
}
