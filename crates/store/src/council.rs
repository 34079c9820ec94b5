//! Council meetings as hanteam runs them: scheduling, the agenda and the decisions as methods of a
//! transaction (each record is the row as the audit log records it), and the reads of the backlog,
//! the upcoming meetings and a meeting's attendees.

use chrono::{DateTime, Utc};
use hanteam_domain::council::{AgendaKind, AgendaSubject, ItemDecision, MeetingDraft, MeetingStatus};
use hanteam_domain::{AgencyId, AgendaItemId, BottleneckId, DecisionOutcome, MeetingId, Paging, TaskId};
use serde::Serialize;

use crate::record::record;
use crate::tx::{Tx, Value};
use crate::views::{AgencyBrief, Page, TaskBrief};
use crate::{with_db, Db, Result, StoreError};

/// A council meeting row.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct MeetingRecord {
    pub id: i64,
    pub council: String,
    pub seq: i64,
    pub title: String,
    pub held_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub place: Option<String>,
    pub chair: Option<String>,
    pub status: String,
    pub cancel_reason: Option<String>,
    pub version: i64,
}
record!(MeetingRecord, id: MeetingId, table: "council_meetings", audit: "council_meeting",
    columns: "id, council, seq, title, held_at, ends_at, place, chair, status, cancel_reason, version");

impl MeetingRecord {
    pub fn status(&self) -> Result<MeetingStatus> {
        self.status.parse().map_err(StoreError::Corrupt)
    }
}

/// An agenda item row, with its decision once made.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AgendaItemRecord {
    pub id: i64,
    pub meeting_id: i64,
    pub seq: i64,
    pub title: String,
    pub kind: Option<String>,
    pub task_id: Option<i64>,
    pub bottleneck_id: Option<i64>,
    pub decision: Option<String>,
    pub decision_reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub version: i64,
}
record!(AgendaItemRecord, id: AgendaItemId, table: "meeting_agenda_items", audit: "meeting_agenda_item",
    columns: "id, meeting_id, seq, title, kind, task_id, bottleneck_id, decision, decision_reason, decided_at, version");

impl AgendaItemRecord {
    /// The item's kind; `None` for an item of the built-in source.
    pub fn kind(&self) -> Result<Option<AgendaKind>> {
        self.kind.as_deref().map(|k| k.parse().map_err(StoreError::Corrupt)).transpose()
    }
}

/// A meeting as the audit log records it: the row and its attendees.
#[derive(Debug, Clone, Serialize)]
pub struct MeetingWithAttendees {
    #[serde(flatten)]
    pub meeting: MeetingRecord,
    pub attendee_agency_ids: Vec<i64>,
}

/// What is waiting for a council: a tabled task to confirm, or a bottleneck in mediation, on no
/// meeting's agenda undecided.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BacklogItem {
    pub kind: AgendaKind,
    pub task: TaskBrief,
    /// The bottleneck in mediation, for a mediation.
    pub bottleneck_id: Option<BottleneckId>,
    /// The bottleneck's category (its code), for a mediation.
    pub category: Option<String>,
    /// Since when it waits: the task's last change, or the mediation's start.
    pub since: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct BacklogRow {
    kind: String,
    task_id: i64,
    task_seq: i64,
    task_title: String,
    bottleneck_id: Option<i64>,
    category: Option<String>,
    since: DateTime<Utc>,
}

/// An item is pending while it is on the agenda of a meeting not cancelled, undecided.
const PENDING: &str = "SELECT 1 FROM meeting_agenda_items i JOIN council_meetings m ON m.id = i.meeting_id
    WHERE i.decision IS NULL AND m.status <> 'cancelled'";

fn backlog_union() -> String {
    format!(
        "SELECT 'task_confirmation' AS kind, t.id AS task_id, t.seq AS task_seq, t.title AS task_title,
                CAST(NULL AS BIGINT) AS bottleneck_id, CAST(NULL AS TEXT) AS category, t.updated_at AS since
         FROM tasks t
         WHERE t.status = 'tabled' AND t.archived_at IS NULL
           AND NOT EXISTS ({PENDING} AND i.task_id = t.id AND i.kind <> 'mediation')
         UNION ALL
         SELECT 'mediation' AS kind, t.id AS task_id, t.seq AS task_seq, t.title AS task_title,
                b.id AS bottleneck_id, b.category AS category, COALESCE(b.mediation_opened_at, b.raised_at) AS since
         FROM bottlenecks b JOIN tasks t ON t.id = b.task_id
         WHERE b.status = 'in_mediation' AND t.archived_at IS NULL
           AND NOT EXISTS ({PENDING} AND i.bottleneck_id = b.id)"
    )
}

/// An agenda item with its meeting, for the decision form.
#[derive(Debug, Clone)]
pub struct AgendaItemWithMeeting {
    pub item: AgendaItemRecord,
    pub meeting: MeetingRecord,
    pub task: Option<TaskBrief>,
}

impl Tx {
    /// Whether another meeting of the council has this number.
    pub async fn meeting_number_taken(&mut self, council: &str, seq: i64, except: Option<MeetingId>) -> Result<bool> {
        let found: Option<(i64,)> = self
            .fetch_optional(
                "SELECT id FROM council_meetings WHERE council = $1 AND seq = $2 AND id <> $3",
                &[council.into(), seq.into(), except.map_or(0, |m| m.get()).into()],
            )
            .await?;
        Ok(found.is_some())
    }

    /// The first of these agencies that does not exist.
    pub async fn missing_agency(&mut self, ids: &[AgencyId]) -> Result<Option<AgencyId>> {
        for id in ids {
            if !self.agency_exists(*id).await? {
                return Ok(Some(*id));
            }
        }
        Ok(None)
    }

    /// Schedules a meeting with its attendees.
    pub async fn insert_meeting(&mut self, d: &MeetingDraft) -> Result<MeetingId> {
        let id = self
            .insert_stamped(
                "council_meetings",
                &[
                    ("council", d.council.as_str().into()),
                    ("seq", d.seq.into()),
                    ("title", d.title.as_str().into()),
                    ("held_at", d.starts_at.into()),
                    ("ends_at", d.ends_at.into()),
                    ("place", d.place.as_str().into()),
                    ("chair", d.chair.clone().into()),
                    ("status", MeetingStatus::Scheduled.as_str().into()),
                ],
            )
            .await?;
        let id = MeetingId::new(id);
        self.set_attendees(id, &d.attendees).await?;
        Ok(id)
    }

    /// Changes a meeting if it is still at `version`: the new version, or `None`.
    pub async fn update_meeting(&mut self, id: MeetingId, version: i64, d: &MeetingDraft) -> Result<Option<i64>> {
        let set = [
            ("council", d.council.as_str().into()),
            ("seq", d.seq.into()),
            ("title", d.title.as_str().into()),
            ("held_at", d.starts_at.into()),
            ("ends_at", d.ends_at.into()),
            ("place", d.place.as_str().into()),
            ("chair", d.chair.clone().into()),
        ];
        let written = self.update_versioned("council_meetings", id.get(), version, &set).await?;
        if written.is_some() {
            self.execute("DELETE FROM meeting_attendees WHERE meeting_id = $1", &[id.into()]).await?;
            self.set_attendees(id, &d.attendees).await?;
        }
        Ok(written)
    }

    async fn set_attendees(&mut self, id: MeetingId, agencies: &[AgencyId]) -> Result<()> {
        for a in agencies {
            self.execute(
                "INSERT INTO meeting_attendees (meeting_id, agency_id) VALUES ($1, $2)",
                &[id.into(), (*a).into()],
            )
            .await?;
        }
        Ok(())
    }

    /// Sets a meeting's status (held; cancelled with the reason) if it is still at `version`.
    pub async fn set_meeting_status(
        &mut self,
        id: MeetingId,
        version: i64,
        status: MeetingStatus,
        reason: Option<&str>,
    ) -> Result<Option<i64>> {
        let set = [("status", status.as_str().into()), ("cancel_reason", reason.into())];
        self.update_versioned("council_meetings", id.get(), version, &set).await
    }

    /// The meeting row and its attendees' ids, as the audit log records them.
    pub async fn meeting_with_attendees(&mut self, id: MeetingId) -> Result<Option<MeetingWithAttendees>> {
        let Some(meeting) = self.load::<MeetingRecord>(id).await? else { return Ok(None) };
        let rows: Vec<(i64,)> = self
            .fetch_all("SELECT agency_id FROM meeting_attendees WHERE meeting_id = $1 ORDER BY agency_id", &[id.into()])
            .await?;
        Ok(Some(MeetingWithAttendees { meeting, attendee_agency_ids: rows.into_iter().map(|(a,)| a).collect() }))
    }

    /// The meeting whose agenda holds this task or bottleneck undecided (a meeting not cancelled).
    pub async fn pending_item_for(&mut self, subject: AgendaSubject) -> Result<Option<MeetingRecord>> {
        let (condition, id) = match subject {
            AgendaSubject::Task(_, t) => ("i.task_id = $1 AND i.kind <> 'mediation'", t),
            AgendaSubject::Mediation(b) => ("i.bottleneck_id = $1", b),
        };
        let sql = format!(
            "SELECT m.id, m.council, m.seq, m.title, m.held_at, m.ends_at, m.place, m.chair, m.status,
                    m.cancel_reason, m.version
             FROM meeting_agenda_items i JOIN council_meetings m ON m.id = i.meeting_id
             WHERE {condition} AND i.decision IS NULL AND m.status <> 'cancelled'"
        );
        self.fetch_optional(&sql, &[id.into()]).await
    }

    /// Puts an item on a meeting's agenda, after the last one; a task's item is listed with the
    /// meeting's tasks as tabled (상정).
    pub async fn insert_agenda_item(
        &mut self,
        meeting: MeetingId,
        kind: AgendaKind,
        task: TaskId,
        bottleneck: Option<BottleneckId>,
        title: &str,
    ) -> Result<AgendaItemId> {
        let (next,): (i64,) = self
            .fetch_optional(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM meeting_agenda_items WHERE meeting_id = $1",
                &[meeting.into()],
            )
            .await?
            .unwrap_or((1,));
        let id = self
            .insert_stamped(
                "meeting_agenda_items",
                &[
                    ("meeting_id", meeting.into()),
                    ("seq", next.into()),
                    ("title", title.into()),
                    ("kind", kind.as_str().into()),
                    ("task_id", task.into()),
                    ("bottleneck_id", bottleneck.into()),
                ],
            )
            .await?;
        self.execute(
            "INSERT INTO meeting_tasks (agenda_item_id, task_id, outcome) VALUES ($1, $2, $3)",
            &[id.into(), task.into(), DecisionOutcome::Tabled.as_str().into()],
        )
        .await?;
        Ok(AgendaItemId::new(id))
    }

    /// Records the decision on an item still at `version`: the new version, or `None` (nothing
    /// written). The item's task takes the decision's outcome in the meeting's list of tasks.
    pub async fn decide_agenda_item(
        &mut self,
        item: &AgendaItemRecord,
        version: i64,
        decision: ItemDecision,
        reason: Option<&str>,
    ) -> Result<Option<i64>> {
        let at = self.at();
        let set = [
            ("decision", decision.as_str().into()),
            ("decision_reason", reason.into()),
            ("decided_at", Value::from(at)),
        ];
        let written = self.update_versioned("meeting_agenda_items", item.id, version, &set).await?;
        if let (Some(_), Some(task)) = (written, item.task_id) {
            self.execute(
                "UPDATE meeting_tasks SET outcome = $1 WHERE agenda_item_id = $2 AND task_id = $3",
                &[decision.task_outcome().as_str().into(), item.id.into(), task.into()],
            )
            .await?;
        }
        Ok(written)
    }
}

#[derive(sqlx::FromRow)]
struct TaskBriefRow {
    id: i64,
    seq: i64,
    title: String,
}

/// An officer who may own a follow-up of a task: one of an agency taking part in it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OwnerChoice {
    pub user_id: i64,
    pub display_name: String,
    pub agency_id: i64,
    pub short_name: String,
}

impl Db {
    /// The officers (accounts in use) of the agencies taking part in `task`, by agency: whom the
    /// decision form offers as a follow-up's owner (at most 200).
    pub async fn follow_up_owners(&self, task: TaskId) -> Result<Vec<OwnerChoice>> {
        const SQL: &str = "SELECT DISTINCT u.id AS user_id, u.display_name, a.id AS agency_id, a.short_name
            FROM user_roles r JOIN users u ON u.id = r.user_id JOIN agencies a ON a.id = r.agency_id
            WHERE r.role = 'agency_officer' AND u.disabled_at IS NULL
              AND r.agency_id IN (SELECT agency_id FROM task_agency_roles WHERE task_id = $1)
            ORDER BY a.short_name, u.display_name, u.id LIMIT 200";
        Ok(with_db!(self, |pool| sqlx::query_as::<_, OwnerChoice>(SQL).bind(task.get()).fetch_all(pool).await?))
    }

    /// The attending agencies, in the registry's order.
    pub async fn meeting_attendees(&self, id: MeetingId) -> Result<Vec<AgencyBrief>> {
        const SQL: &str = "SELECT a.id, a.short_name FROM meeting_attendees ma JOIN agencies a ON a.id = ma.agency_id
            WHERE ma.meeting_id = $1 ORDER BY a.id";
        Ok(with_db!(self, |pool| sqlx::query_as::<_, AgencyBrief>(SQL).bind(id.get()).fetch_all(pool).await?))
    }

    /// A page of the backlog: tabled tasks and bottlenecks in mediation on no agenda undecided,
    /// longest waiting first.
    pub async fn agenda_backlog(&self, paging: Paging) -> Result<Page<BacklogItem>> {
        let union = backlog_union();
        let count_sql = format!("SELECT COUNT(*) FROM ({union}) x");
        let sql = format!("SELECT * FROM ({union}) x ORDER BY since, kind, task_id, bottleneck_id LIMIT $1 OFFSET $2");
        let (total, rows) = with_db!(self, |pool| {
            let total: i64 = sqlx::query_scalar(&count_sql).fetch_one(pool).await?;
            let rows =
                sqlx::query_as::<_, BacklogRow>(&sql).bind(paging.limit).bind(paging.offset).fetch_all(pool).await?;
            (total, rows)
        });
        let items = rows
            .into_iter()
            .map(|r| {
                Ok(BacklogItem {
                    kind: r.kind.parse().map_err(StoreError::Corrupt)?,
                    task: TaskBrief { id: TaskId::new(r.task_id), seq: r.task_seq, title: r.task_title },
                    bottleneck_id: r.bottleneck_id.map(BottleneckId::new),
                    category: r.category,
                    since: r.since,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Page { items, total })
    }

    /// An agenda item with its meeting and task (for the decision form).
    pub async fn agenda_item(&self, id: AgendaItemId) -> Result<Option<AgendaItemWithMeeting>> {
        use crate::record::Record;
        let item_sql = format!("SELECT {} FROM {} WHERE id = $1", AgendaItemRecord::COLUMNS, AgendaItemRecord::TABLE);
        let meeting_sql = format!("SELECT {} FROM {} WHERE id = $1", MeetingRecord::COLUMNS, MeetingRecord::TABLE);
        let found = with_db!(self, |pool| {
            match sqlx::query_as::<_, AgendaItemRecord>(&item_sql).bind(id.get()).fetch_optional(pool).await? {
                None => None,
                Some(item) => {
                    let meeting =
                        sqlx::query_as::<_, MeetingRecord>(&meeting_sql).bind(item.meeting_id).fetch_one(pool).await?;
                    let task = sqlx::query_as::<_, TaskBriefRow>("SELECT id, seq, title FROM tasks WHERE id = $1")
                        .bind(item.task_id.unwrap_or(0))
                        .fetch_optional(pool)
                        .await?;
                    Some((item, meeting, task))
                }
            }
        });
        Ok(found.map(|(item, meeting, task)| AgendaItemWithMeeting {
            item,
            meeting,
            task: task.map(|t| TaskBrief { id: TaskId::new(t.id), seq: t.seq, title: t.title }),
        }))
    }
}
