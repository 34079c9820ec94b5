//! Read models: what the API and the pages show. Field names are the API v1 contract.

use chrono::{DateTime, NaiveDate, Utc};
use hanteam_domain::{
    AgencyId, DecisionOutcome, ExchangeeId, Kpi, KpiId, MeetingId, Milestone, MilestoneId, PairId, PositionId,
    PositionLevel, TaskId, TaskSource, TaskStatus, TaskType,
};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyBrief {
    #[sqlx(try_from = "i64")]
    pub id: AgencyId,
    pub short_name: String,
}

/// An exchange pair by its number and theme: what a choice of pairs shows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PairBrief {
    pub id: PairId,
    pub seq: i64,
    pub theme: String,
    /// The agencies of the pair's two positions, by short name: 국토부, 환경부.
    pub agencies: [String; 2],
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Agency {
    #[sqlx(try_from = "i64")]
    pub id: AgencyId,
    /// 약칭, e.g. 환경부, 국토부.
    pub short_name: String,
    /// Official name, e.g. 국토교통부.
    pub name: String,
    /// English name (our translation).
    pub name_en: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NameVariant {
    pub text: String,
    /// Where in the source this wording appears.
    pub found_in: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CareerEntry {
    pub agency: Option<AgencyBrief>,
    pub title: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Exchangee {
    pub id: ExchangeeId,
    pub version: i64,
    /// Not given in the release: empty until OPC enters it.
    pub name: Option<String>,
    pub expertise: Option<String>,
    pub careers: Vec<CareerEntry>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Position {
    pub id: PositionId,
    pub version: i64,
    pub agency: AgencyBrief,
    pub title: String,
    pub level: Option<PositionLevel>,
    pub variants: Vec<NameVariant>,
    pub exchangees: Vec<Exchangee>,
}

impl Position {
    pub fn level_label(&self) -> &'static str {
        self.level.map(PositionLevel::label_ko).unwrap_or("미입력")
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExchangePair {
    pub id: PairId,
    pub version: i64,
    /// 연번 in the annex.
    pub seq: i64,
    pub theme: String,
    /// Other wordings of the theme in the release (the record writes it cleanly).
    pub variants: Vec<NameVariant>,
    pub designated_on: Option<NaiveDate>,
    pub positions: Vec<Position>,
}

/// An exchange pair with how many of its tasks the reader may see, and the first few of them.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PairWithTasks {
    #[serde(flatten)]
    pub pair: ExchangePair,
    /// The pair's tasks the reader may see (list them with `GET /api/v1/tasks?pair={id}`).
    pub task_count: i64,
    /// The first of them, in annex order (at most 3).
    pub first_tasks: Vec<TaskBrief>,
}

/// A task named in a list of something else (a pair's first tasks).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskBrief {
    pub id: TaskId,
    pub seq: i64,
    pub title: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskAgency {
    pub id: AgencyId,
    pub short_name: String,
    /// What this agency does in the task; empty where the release does not say.
    pub role: Option<String>,
    /// Version of this agency's part of the task (for editing the role).
    pub role_version: i64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskSummary {
    pub id: TaskId,
    pub seq: i64,
    pub title: String,
    #[serde(rename = "type")]
    #[cfg_attr(feature = "openapi", schema(rename = "type"))]
    pub task_type: Option<TaskType>,
    pub status: TaskStatus,
    pub source: TaskSource,
    pub pair_id: Option<PairId>,
    pub agencies: Vec<TaskAgency>,
    /// The agency that leads the task (주관기관), if one is chosen.
    pub lead_agency: Option<AgencyBrief>,
    /// The version to send with a change of the task.
    pub version: i64,
    /// The last change of the task or of one of its parts (roles, KPIs, milestones).
    pub updated_at: DateTime<Utc>,
}

impl TaskSummary {
    pub fn type_label(&self) -> &'static str {
        self.task_type.map(TaskType::label_ko).unwrap_or("미입력")
    }
}

/// A milestone not yet done, due soon or overdue, with its task: a person's work list.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DueMilestone {
    pub id: MilestoneId,
    pub task_id: TaskId,
    pub task_title: String,
    pub title: String,
    pub due: NaiveDate,
}

/// A KPI of a task, with what editing it needs.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskKpi {
    pub id: KpiId,
    #[serde(flatten)]
    pub kpi: Kpi,
    pub version: i64,
}

/// A milestone of a task, with what editing it needs.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskMilestone {
    pub id: MilestoneId,
    #[serde(flatten)]
    pub milestone: Milestone,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingBrief {
    pub id: MeetingId,
    pub title: String,
    pub held_at: DateTime<Utc>,
    /// What the meeting decided on the task.
    pub outcome: DecisionOutcome,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskDetail {
    #[serde(flatten)]
    pub summary: TaskSummary,
    pub description: Option<String>,
    pub variants: Vec<NameVariant>,
    pub kpis: Vec<TaskKpi>,
    pub milestones: Vec<TaskMilestone>,
    pub pair: Option<ExchangePair>,
    pub meetings: Vec<MeetingBrief>,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingSummary {
    pub id: MeetingId,
    pub council: String,
    pub seq: i64,
    pub title: String,
    pub held_at: DateTime<Utc>,
    pub place: Option<String>,
    pub chair: Option<String>,
    pub task_count: i64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Decision {
    pub id: i64,
    pub seq: i64,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TabledTask {
    pub id: TaskId,
    pub seq: i64,
    pub title: String,
    pub outcome: DecisionOutcome,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgendaItem {
    pub id: i64,
    pub seq: i64,
    pub title: String,
    pub decisions: Vec<Decision>,
    pub tasks: Vec<TabledTask>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceDocument {
    pub id: i64,
    pub title: String,
    pub publisher: String,
    pub department: Option<String>,
    pub released_on: NaiveDate,
    pub contacts: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingDetail {
    #[serde(flatten)]
    pub summary: MeetingSummary,
    pub chair_name: Option<String>,
    pub purpose: Option<String>,
    pub remarks: Option<String>,
    pub agenda: Vec<AgendaItem>,
    pub source: Option<SourceDocument>,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Count<K> {
    pub key: K,
    pub count: i64,
}

/// The home page's numbers.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Overview {
    pub pairs: i64,
    pub tasks: i64,
    /// Every agency in the registry, those in no task (국무조정실, 인사처) included.
    pub agencies: i64,
    /// The agencies that take part in a task the reader may see.
    pub agencies_in_tasks: i64,
    pub meetings: i64,
    /// Tasks per type; `key` null counts the tasks whose type is not set yet.
    pub tasks_by_type: Vec<Count<Option<TaskType>>>,
    pub tasks_by_status: Vec<Count<TaskStatus>>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}
