//! Read models: what the API and the pages show. Field names are the API v1 contract.

use chrono::{DateTime, NaiveDate, Utc};
use hanteam_domain::memo::WriterCapacity;
use hanteam_domain::procedure::{SavedBasis, SavingTotal};
use hanteam_domain::{
    AgencyId, DecisionOutcome, ExchangeeId, Kpi, KpiId, MeetingId, MemoId, Milestone, MilestoneId, PairId, PositionId,
    PositionLevel, Procedure, ProcedureId, TaskId, TaskSource, TaskStatus, TaskType, UserId,
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
    /// Version of this agency's part of the task (for editing the role, and answering).
    pub role_version: i64,
    /// Its answer to taking part (a co-agency of a proposal starts `pending`).
    pub participation: hanteam_domain::proposal::Participation,
    /// Why it declined, when it said. Internal to the task: never in a list's or the public's JSON;
    /// [`TaskDetail::participation_reasons`] carries it to those who may see it.
    #[serde(skip)]
    pub participation_reason: Option<String>,
}

/// A co-agency's reason for its answer to taking part.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ParticipationReason {
    pub agency_id: AgencyId,
    pub reason: String,
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
    /// Its light (점검 결과) in the latest closed check cycle that rated it; none before that.
    pub light: Option<TaskLight>,
}

/// A task's current light: OPC's rating and reason in the latest closed check cycle that rated it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskLight {
    pub rating: hanteam_domain::checks::ProgressRating,
    pub reason: String,
    pub cycle_id: hanteam_domain::CheckCycleId,
    pub cycle_name: String,
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

/// An administrative procedure of a task, with the time it saves against its usual duration.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskProcedure {
    pub id: ProcedureId,
    #[serde(flatten)]
    pub procedure: Procedure,
    /// The duration `saved_days` is measured on (end − start, in days); null when neither the
    /// actual nor the planned duration is known.
    pub duration_days: Option<i64>,
    /// The usual days minus the actual duration once the procedure has ended, otherwise minus the
    /// planned duration; null when neither is known. Negative: longer than usual.
    pub saved_days: Option<i64>,
    /// Which duration `saved_days` is measured on: `actual` or `planned`.
    pub saved_basis: Option<SavedBasis>,
    pub version: i64,
}

impl TaskProcedure {
    pub fn new(id: ProcedureId, procedure: Procedure, version: i64) -> TaskProcedure {
        let saving = procedure.saving();
        TaskProcedure {
            id,
            duration_days: saving.map(|s| s.duration_days),
            saved_days: saving.map(|s| s.saved_days),
            saved_basis: saving.map(|s| s.basis),
            procedure,
            version,
        }
    }
}

/// A task's procedures and the time they save together.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProcedureList {
    pub items: Vec<TaskProcedure>,
    pub total: SavingTotal,
}

impl ProcedureList {
    pub fn of(items: Vec<TaskProcedure>) -> ProcedureList {
        let total = SavingTotal::of(items.iter().map(|p| &p.procedure));
        ProcedureList { items, total }
    }
}

/// A memo between a task's agencies and OPC (기관 간 메모). Never in a public answer.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskMemo {
    pub id: MemoId,
    pub task_id: TaskId,
    /// The writer's account; null for the server's console.
    pub writer_user_id: Option<UserId>,
    /// The writer's name as the account gives it.
    pub writer_name: Option<String>,
    pub writer_capacity: WriterCapacity,
    /// The agency the writer wrote for, as it was when the memo was written (OPC: 국무조정실).
    pub writer_agency: Option<AgencyBrief>,
    /// The text; null once withdrawn (it stays in the audit log).
    pub body: Option<String>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub version: i64,
}

impl TaskMemo {
    /// The agency shown beside the writer: the one recorded, or 국무조정실 for OPC.
    pub fn agency_label(&self) -> String {
        match (&self.writer_agency, self.writer_capacity) {
            (Some(a), _) => a.short_name.clone(),
            (None, WriterCapacity::Opc) => hanteam_domain::memo::OPC_SHORT_NAME.to_string(),
            (None, _) => "미입력".to_string(),
        }
    }
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
    /// Administrative procedures (행정절차 소요기간), at most 50, with the total time saved.
    pub procedures: ProcedureList,
    pub pair: Option<ExchangePair>,
    pub meetings: Vec<MeetingBrief>,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// The co-agencies' reasons for their answers, for those who see the task's internal record
    /// (OPC, auditors, its agencies and exchangees); empty for anyone else.
    pub participation_reasons: Vec<ParticipationReason>,
}

impl TaskDetail {
    /// Shows the participation reasons (read with the task) to one who sees the internal record.
    pub fn reveal_participation_reasons(&mut self) {
        self.participation_reasons = self
            .summary
            .agencies
            .iter()
            .filter_map(|a| {
                a.participation_reason.clone().map(|reason| ParticipationReason { agency_id: a.id, reason })
            })
            .collect();
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingSummary {
    pub id: MeetingId,
    pub council: String,
    pub seq: i64,
    pub title: String,
    /// When it starts (for a meeting held: when it was held).
    pub held_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub status: hanteam_domain::MeetingStatus,
    /// Why it was cancelled, if it was.
    pub cancel_reason: Option<String>,
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
    /// What the item is about (none: an item of the built-in source).
    pub kind: Option<hanteam_domain::AgendaKind>,
    pub task_id: Option<TaskId>,
    /// The bottleneck in mediation, for a mediation.
    pub bottleneck_id: Option<hanteam_domain::BottleneckId>,
    /// The council's decision, once made, and why.
    pub decision: Option<hanteam_domain::ItemDecision>,
    pub decision_reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// For a decision: the version it is based on.
    pub version: i64,
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

/// A proposal (과제 발굴) as its list shows it: the task, and the agency that proposed it (none:
/// OPC).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalSummary {
    #[serde(flatten)]
    pub task: TaskSummary,
    pub proposed_by: Option<AgencyBrief>,
}
