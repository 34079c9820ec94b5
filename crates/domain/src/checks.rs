//! Periodic checks (주기적 점검): OPC opens a check cycle, each participating agency of every active
//! task files a progress report (추진실적), OPC returns it or rates the task 정상 / 주의 / 지연, and
//! closing the cycle carries what was not filed or not done over to the next one.
//!
//! Everything here is plain rules: the input checks, the report's moves, the rating suggestion, the
//! carry-over, and what an attached file really is (by its bytes, not its name).

use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

use crate::edit::{Check, MAX_LONG_TEXT, MAX_ROLE};
use crate::korean::{with_particle, Particle};
use crate::{AgencyId, KpiId, MilestoneId, TaskId, TaskStatus, ValidationError};

// ---------------------------------------------------------------------------------------------
// The light and the report's status.

/// 추진상황 점검 결과: OPC's light for a task in a check cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProgressRating {
    /// 정상 (green)
    OnTrack,
    /// 주의 (yellow)
    AtRisk,
    /// 지연 (red)
    Delayed,
}

impl ProgressRating {
    pub const ALL: [ProgressRating; 3] = [ProgressRating::OnTrack, ProgressRating::AtRisk, ProgressRating::Delayed];

    pub fn as_str(self) -> &'static str {
        match self {
            ProgressRating::OnTrack => "on_track",
            ProgressRating::AtRisk => "at_risk",
            ProgressRating::Delayed => "delayed",
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            ProgressRating::OnTrack => "정상",
            ProgressRating::AtRisk => "주의",
            ProgressRating::Delayed => "지연",
        }
    }
}

/// Where one agency's report for one task in one cycle stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    /// Expected, nothing saved yet (미작성).
    NotStarted,
    /// Saved, not submitted (작성 중).
    Draft,
    /// Submitted: locked until OPC returns it (제출).
    Submitted,
    /// Returned by OPC with comments: open again for the agency (보완 요청).
    Returned,
}

impl ReportStatus {
    pub const ALL: [ReportStatus; 4] =
        [ReportStatus::NotStarted, ReportStatus::Draft, ReportStatus::Submitted, ReportStatus::Returned];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::NotStarted => "not_started",
            ReportStatus::Draft => "draft",
            ReportStatus::Submitted => "submitted",
            ReportStatus::Returned => "returned",
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            ReportStatus::NotStarted => "미작성",
            ReportStatus::Draft => "작성 중",
            ReportStatus::Submitted => "제출",
            ReportStatus::Returned => "보완 요청",
        }
    }

    /// Whether the agency may still change it.
    pub fn is_open(self) -> bool {
        self != ReportStatus::Submitted
    }
}

macro_rules! from_str_by_name {
    ($ty:ty, $what:literal) => {
        impl FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL.into_iter().find(|v| v.as_str() == s).ok_or_else(|| {
                    let names: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    format!("알 수 없는 {}입니다: '{}'. 다음 중 하나를 쓰세요: {}", $what, s, names.join(", "))
                })
            }
        }
    };
}
from_str_by_name!(ProgressRating, "점검 결과");
from_str_by_name!(ReportStatus, "보고 상태");

/// The tasks a cycle asks reports of: confirmed or under way (on hold too, once the lifecycle has it),
/// and not archived.
pub fn is_active(status: TaskStatus) -> bool {
    ACTIVE_STATUSES.contains(&status.as_str())
}

/// The stored names of the active statuses, for queries (a status the lifecycle does not have yet
/// matches no row).
pub const ACTIVE_STATUSES: &[&str] = &["confirmed", "in_progress", "on_hold"];

/// What is done to a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportAction {
    /// Save the agency's draft.
    Save,
    /// Submit it to OPC: it locks.
    Submit,
    /// OPC sends it back with comments: it opens again.
    Return,
}

/// Why a report cannot make a move.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportMoveError {
    #[error(
        "제출된 보고는 잠겨 있어 고칠 수 없습니다. 고칠 것이 있으면 국무조정실에 보완 요청(반려)을 부탁해 주세요."
    )]
    Locked,
    #[error("아직 제출되지 않은 보고는 반려할 수 없습니다. 기관이 제출한 뒤에 보완을 요청해 주세요.")]
    NotSubmitted,
    #[error("마감된 점검 주기의 보고는 바꿀 수 없습니다.")]
    CycleClosed,
}

/// The moves of a report: saved and submitted while open; returned only once submitted; nothing once
/// the cycle is closed.
pub fn report_move(
    from: ReportStatus,
    action: ReportAction,
    cycle_closed: bool,
) -> Result<ReportStatus, ReportMoveError> {
    use ReportAction as A;
    use ReportStatus as S;
    if cycle_closed {
        return Err(ReportMoveError::CycleClosed);
    }
    match (from, action) {
        (S::Submitted, A::Save | A::Submit) => Err(ReportMoveError::Locked),
        // A returned report stays marked as returned while the agency mends it.
        (S::Returned, A::Save) => Ok(S::Returned),
        (_, A::Save) => Ok(S::Draft),
        (_, A::Submit) => Ok(S::Submitted),
        (S::Submitted, A::Return) => Ok(S::Returned),
        (_, A::Return) => Err(ReportMoveError::NotSubmitted),
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs.

/// A value a form sends as text and a script may send as a number.
fn text_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        other => Some(other.to_string()),
    })
}

/// A list that may be sent as null (a whole PUT names every field).
fn null_as_empty<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

pub const MAX_CYCLE_NAME: usize = 100;

/// A check cycle as OPC opens it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CycleInput {
    /// 2024년 2분기
    pub name: Option<String>,
    /// YYYY-MM-DD
    pub period_start: Option<String>,
    pub period_end: Option<String>,
    /// The day reports are due.
    pub due: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CycleDraft {
    pub name: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub due: NaiveDate,
}

impl CycleDraft {
    pub fn parse(input: &CycleInput) -> Result<CycleDraft, Vec<ValidationError>> {
        let mut c = Check::default();
        let name = c.line("name", "점검 주기 이름", &input.name, MAX_CYCLE_NAME, true).unwrap_or_default();
        let date = |c: &mut Check, field: &str, label: &str, raw: &Option<String>| {
            let d = c.date(field, label, raw);
            if d.is_none() && raw.as_deref().is_none_or(|s| s.trim().is_empty()) {
                c.fail(field, format!("{} 입력해 주세요 (예: 2024-06-30).", with_particle(label, Particle::Object)));
            }
            d
        };
        let start = date(&mut c, "period_start", "점검 기간 시작일", &input.period_start);
        let end = date(&mut c, "period_end", "점검 기간 종료일", &input.period_end);
        let due = date(&mut c, "due", "보고 기한", &input.due);
        if let (Some(s), Some(e)) = (start, end) {
            if e < s {
                c.fail("period_end", "점검 기간 종료일은 시작일과 같거나 뒤여야 합니다.");
            }
        }
        if let (Some(s), Some(d)) = (start, due) {
            if d < s {
                c.fail("due", "보고 기한은 점검 기간 시작일보다 앞설 수 없습니다.");
            }
        }
        match (start, end, due) {
            (Some(period_start), Some(period_end), Some(due)) => {
                c.done(CycleDraft { name, period_start, period_end, due })
            }
            _ => Err(c.done(()).err().unwrap_or_default()),
        }
    }
}

/// One milestone's line in a report: done on a day, or not and why.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportMilestoneInput {
    #[serde(default, deserialize_with = "text_or_number")]
    pub milestone_id: Option<String>,
    /// The day it was done (YYYY-MM-DD); empty when not done.
    #[serde(default, deserialize_with = "text_or_number")]
    pub done_on: Option<String>,
    /// Why it is not done (required at submission when not done).
    #[serde(default, deserialize_with = "text_or_number")]
    pub reason: Option<String>,
}

/// One KPI's actual value in a report: `1,500`, `50%`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportKpiInput {
    #[serde(default, deserialize_with = "text_or_number")]
    pub kpi_id: Option<String>,
    #[serde(default, deserialize_with = "text_or_number")]
    pub actual: Option<String>,
}

/// A progress report as the agency writes it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportInput {
    /// 추진실적: what was done in the period.
    pub narrative: Option<String>,
    /// 국민이 체감하는 변화: the change citizens can already see.
    pub citizen_change: Option<String>,
    /// 애로사항, as free text (a bottleneck record is raised on the task's page).
    pub bottlenecks: Option<String>,
    /// Each milestone of the task: done (with the day) or not and why.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub milestones: Vec<ReportMilestoneInput>,
    /// Each KPI of the task: its actual value.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub kpis: Vec<ReportKpiInput>,
    /// The report's version the change is based on.
    pub version: Option<String>,
}

/// What the report is about: the task's milestones and KPIs, by id.
pub struct ReportSubject<'a> {
    pub milestones: &'a [(MilestoneId, crate::Milestone)],
    pub kpis: &'a [(KpiId, crate::Kpi)],
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportMilestone {
    pub milestone_id: MilestoneId,
    pub done_on: Option<NaiveDate>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportKpi {
    pub kpi_id: KpiId,
    pub actual: Option<f64>,
}

/// A report's content as checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportDraft {
    pub narrative: Option<String>,
    pub citizen_change: Option<String>,
    pub bottlenecks: Option<String>,
    /// One line for each milestone of the task, in the task's order.
    pub milestones: Vec<ReportMilestone>,
    pub kpis: Vec<ReportKpi>,
}

impl ReportDraft {
    /// Checks a report against the task it is about, on `today` (Korean time). Lines for milestones
    /// or KPIs the task does not have are refused; those the input leaves out are empty.
    pub fn parse(
        input: &ReportInput,
        subject: &ReportSubject,
        today: NaiveDate,
    ) -> Result<(ReportDraft, i64), Vec<ValidationError>> {
        let mut c = Check::default();
        let version = c.version(&input.version);
        let narrative = c.text("narrative", "추진실적", &input.narrative, MAX_LONG_TEXT, false);
        let citizen_change =
            c.text("citizen_change", "국민이 체감하는 변화", &input.citizen_change, MAX_LONG_TEXT, false);
        let bottlenecks = c.text("bottlenecks", "애로사항", &input.bottlenecks, MAX_LONG_TEXT, false);
        let mut milestones: Vec<ReportMilestone> = subject
            .milestones
            .iter()
            .map(|(id, _)| ReportMilestone { milestone_id: *id, done_on: None, reason: None })
            .collect();
        for line in &input.milestones {
            let Some(id) = c.id::<MilestoneId>("milestones", "추진일정", &line.milestone_id) else { continue };
            let Some(pos) = subject.milestones.iter().position(|(m, _)| *m == id) else {
                c.fail(
                    "milestones",
                    format!("이 과제에 없는 추진일정입니다 ({id}번). 화면을 새로 고친 뒤 다시 작성해 주세요."),
                );
                continue;
            };
            let title = &subject.milestones[pos].1.title;
            let field = format!("ms_{id}_done_on");
            let done_on = c.date(&field, &format!("‘{title}’ 완료일"), &line.done_on);
            if let Some(d) = done_on.filter(|d| *d > today) {
                c.fail(
                    &field,
                    format!(
                        "‘{title}’의 완료일({})은 오늘({})보다 뒤일 수 없습니다. 아직 끝나지 않았으면 비우고 사유를 적어 주세요.",
                        d.format("%Y-%m-%d"),
                        today.format("%Y-%m-%d")
                    ),
                );
            }
            let reason =
                c.text(&format!("ms_{id}_reason"), &format!("‘{title}’ 미완료 사유"), &line.reason, MAX_ROLE, false);
            milestones[pos] =
                ReportMilestone { milestone_id: id, done_on, reason: if done_on.is_some() { None } else { reason } };
        }
        let mut kpis: Vec<ReportKpi> =
            subject.kpis.iter().map(|(id, _)| ReportKpi { kpi_id: *id, actual: None }).collect();
        for line in &input.kpis {
            let Some(id) = c.id::<KpiId>("kpis", "성과지표", &line.kpi_id) else { continue };
            let Some(pos) = subject.kpis.iter().position(|(k, _)| *k == id) else {
                c.fail(
                    "kpis",
                    format!("이 과제에 없는 성과지표입니다 ({id}번). 화면을 새로 고친 뒤 다시 작성해 주세요."),
                );
                continue;
            };
            let kpi = &subject.kpis[pos].1;
            let field = format!("kpi_{id}_actual");
            let (actual, unit) = c.measure(&field, &format!("‘{}’ 실적", kpi.name), &line.actual);
            if let (Some(u), Some(expected)) = (&unit, &kpi.unit) {
                if u != expected {
                    c.fail(
                        &field,
                        format!(
                            "‘{}’의 단위는 '{expected}'입니다. 실적을 '{u}'가 아닌 '{expected}'로 적어 주세요.",
                            kpi.name
                        ),
                    );
                }
            }
            kpis[pos] = ReportKpi { kpi_id: id, actual };
        }
        c.done((ReportDraft { narrative, citizen_change, bottlenecks, milestones, kpis }, version))
    }

    /// What a report needs before it is submitted: the narrative, and for each milestone not done, why.
    pub fn check_complete(&self, subject: &ReportSubject) -> Result<(), Vec<ValidationError>> {
        let mut errors = Vec::new();
        if self.narrative.is_none() {
            errors.push(ValidationError::new("narrative", "제출하려면 추진실적을 입력해 주세요."));
        }
        for line in &self.milestones {
            if line.done_on.is_none() && line.reason.is_none() {
                let title = subject
                    .milestones
                    .iter()
                    .find(|(m, _)| *m == line.milestone_id)
                    .map_or_else(|| line.milestone_id.to_string(), |(_, m)| m.title.clone());
                errors.push(ValidationError::new(
                    format!("ms_{}_reason", line.milestone_id),
                    format!("제출하려면 추진일정 ‘{title}’의 완료일을 넣거나, 끝나지 않았으면 그 사유를 적어 주세요."),
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// OPC's comments when sending a report back.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReturnInput {
    /// What the agency should mend (required).
    pub comment: Option<String>,
    pub version: Option<String>,
}

pub fn parse_return(input: &ReturnInput) -> Result<(String, i64), Vec<ValidationError>> {
    let mut c = Check::default();
    let version = c.version(&input.version);
    let comment = c.text("comment", "보완 요청 내용", &input.comment, MAX_ROLE, true).unwrap_or_default();
    c.done((comment, version))
}

/// OPC's rating of a task for a cycle.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingInput {
    /// on_track (정상), at_risk (주의), delayed (지연).
    pub rating: Option<String>,
    /// Why (required): shown to everyone with the light.
    pub reason: Option<String>,
    /// The rating's version when changing one already given; empty for the first.
    pub version: Option<String>,
}

pub fn parse_rating(input: &RatingInput) -> Result<(ProgressRating, String, Option<i64>), Vec<ValidationError>> {
    let mut c = Check::default();
    let rating = c.choice::<ProgressRating>("rating", &input.rating);
    if rating.is_none() && input.rating.as_deref().is_none_or(|s| s.trim().is_empty()) {
        c.fail("rating", "점검 결과를 정상, 주의, 지연 중에서 골라 주세요.");
    }
    let reason = c.text("reason", "평가 사유", &input.reason, MAX_ROLE, true).unwrap_or_default();
    let version = input.version.as_deref().filter(|s| !s.trim().is_empty()).map(|_| c.version(&input.version));
    match rating {
        Some(r) => c.done((r, reason, version)),
        None => Err(c.done(()).err().unwrap_or_default()),
    }
}

// ---------------------------------------------------------------------------------------------
// The rating suggestion.

/// A milestone as the suggestion reads it: its due date and when it was done (by the task or by a
/// report of the cycle).
#[derive(Debug, Clone, PartialEq)]
pub struct MilestoneFact {
    pub title: String,
    pub due: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
}

/// A KPI as the suggestion reads it: where it started, where it must get and by when, and the actual
/// value reported.
#[derive(Debug, Clone, PartialEq)]
pub struct KpiFact {
    pub name: String,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub unit: Option<String>,
    pub due: Option<NaiveDate>,
    pub actual: Option<f64>,
}

/// What the domain suggests, and why, in one Korean sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Suggestion {
    pub rating: ProgressRating,
    pub explanation: String,
}

/// A milestone more than this many days past its due date, not done, makes the task 지연.
pub const DELAYED_AFTER_DAYS: i64 = 30;

/// The light the facts point to on `as_of` (the cycle's report due date, or today if earlier):
/// - 지연: a milestone not done more than [`DELAYED_AFTER_DAYS`] days past due, or more than half of
///   the milestones due by then not done;
/// - 주의: a milestone not done past its due date, or a KPI past its due date short of its target;
/// - 정상: otherwise.
pub fn suggest(milestones: &[MilestoneFact], kpis: &[KpiFact], as_of: NaiveDate) -> Suggestion {
    let total = milestones.len();
    let late: Vec<i64> = milestones
        .iter()
        .filter_map(|m| match (m.due, m.done_on) {
            (Some(due), None) if due < as_of => Some((as_of - due).num_days()),
            _ => None,
        })
        .collect();
    let due_by_now = milestones.iter().filter(|m| m.due.is_some_and(|d| d < as_of)).count();
    let worst = late.iter().copied().max().unwrap_or(0);
    let short: Vec<&KpiFact> = kpis
        .iter()
        .filter(|k| match (k.due, k.target, k.actual) {
            (Some(due), Some(target), Some(actual)) if due <= as_of => {
                let rising = k.baseline.is_none_or(|b| target >= b);
                if rising {
                    actual < target
                } else {
                    actual > target
                }
            }
            _ => false,
        })
        .collect();
    let mut parts = Vec::new();
    if !late.is_empty() {
        parts.push(if late.len() == 1 {
            format!("추진일정 {total}개 중 1개가 기한을 {worst}일 넘김")
        } else {
            format!("추진일정 {total}개 중 {}개가 기한을 넘김 (가장 늦은 것 {worst}일)", late.len())
        });
    }
    for k in &short {
        let unit = k.unit.as_deref().unwrap_or("");
        parts.push(format!(
            "성과지표 ‘{}’ 실적 {}{unit}이(가) 목표 {}{unit}에 못 미침",
            k.name,
            crate::korean::decimal(k.actual.unwrap_or_default()),
            crate::korean::decimal(k.target.unwrap_or_default())
        ));
    }
    let rating = if worst > DELAYED_AFTER_DAYS || late.len() * 2 > due_by_now {
        ProgressRating::Delayed
    } else if !late.is_empty() || !short.is_empty() {
        ProgressRating::AtRisk
    } else {
        ProgressRating::OnTrack
    };
    let explanation = if parts.is_empty() {
        match (total, kpis.len()) {
            (0, 0) => "점검할 추진일정과 성과지표가 없음".to_string(),
            (0, _) => "목표 시점이 지나 목표에 못 미친 성과지표가 없음".to_string(),
            _ => format!("추진일정 {total}개 중 기한을 넘긴 것이 없음"),
        }
    } else {
        parts.join(", ")
    };
    Suggestion { rating, explanation }
}

// ---------------------------------------------------------------------------------------------
// Carry-over.

/// What is left of a closed cycle for the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CarryKind {
    /// The agency's report was not submitted.
    NotFiled,
    /// A milestone the report says is not done.
    MilestoneNotDone,
}

impl CarryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CarryKind::NotFiled => "not_filed",
            CarryKind::MilestoneNotDone => "milestone_not_done",
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            CarryKind::NotFiled => "미제출 보고 이월",
            CarryKind::MilestoneNotDone => "미완료 추진일정 이월",
        }
    }
}

impl FromStr for CarryKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [CarryKind::NotFiled, CarryKind::MilestoneNotDone]
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("알 수 없는 이월 항목입니다: '{s}'"))
    }
}

/// One report of the cycle being closed, as the carry-over reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportAtClose {
    pub task_id: TaskId,
    pub agency_id: AgencyId,
    pub status: ReportStatus,
    /// The report's milestone lines: done on a day, or not (with the reason given).
    pub milestones: Vec<(MilestoneId, Option<NaiveDate>, Option<String>)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CarryOver {
    pub task_id: TaskId,
    pub agency_id: AgencyId,
    pub kind: CarryKind,
    pub milestone_id: Option<MilestoneId>,
    pub note: Option<String>,
}

/// What carries over when a cycle closes: every report not submitted (as one item), and in each
/// submitted report every milestone it says is not done (with its reason). A report returned and not
/// resubmitted counts as not filed.
pub fn carry_over(reports: &[ReportAtClose]) -> Vec<CarryOver> {
    let mut out = Vec::new();
    for r in reports {
        if r.status != ReportStatus::Submitted {
            out.push(CarryOver {
                task_id: r.task_id,
                agency_id: r.agency_id,
                kind: CarryKind::NotFiled,
                milestone_id: None,
                note: Some(format!("보고 상태: {}", r.status.label_ko())),
            });
            continue;
        }
        for (m, done, reason) in &r.milestones {
            if done.is_none() {
                out.push(CarryOver {
                    task_id: r.task_id,
                    agency_id: r.agency_id,
                    kind: CarryKind::MilestoneNotDone,
                    milestone_id: Some(*m),
                    note: reason.clone(),
                });
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Attachments.

/// The most bytes one attached file may have (10 MiB).
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;
/// The most files one report may carry.
pub const MAX_ATTACHMENTS: usize = 10;
pub const MAX_FILE_NAME_CHARS: usize = 120;

/// The kinds of file a report may carry, each told by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    Pdf,
    /// 한글 (HWP 5, an OLE compound file).
    Hwp,
    /// 한글 (HWPX, a zip holding the OWPML package).
    Hwpx,
    /// Excel (a zip holding an Office Open XML workbook).
    Xlsx,
    Png,
    Jpeg,
}

impl AttachmentKind {
    pub const ALL: [AttachmentKind; 6] = [
        AttachmentKind::Pdf,
        AttachmentKind::Hwp,
        AttachmentKind::Hwpx,
        AttachmentKind::Xlsx,
        AttachmentKind::Png,
        AttachmentKind::Jpeg,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AttachmentKind::Pdf => "pdf",
            AttachmentKind::Hwp => "hwp",
            AttachmentKind::Hwpx => "hwpx",
            AttachmentKind::Xlsx => "xlsx",
            AttachmentKind::Png => "png",
            AttachmentKind::Jpeg => "jpeg",
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            AttachmentKind::Pdf => "PDF 문서",
            AttachmentKind::Hwp => "한글 문서(HWP)",
            AttachmentKind::Hwpx => "한글 문서(HWPX)",
            AttachmentKind::Xlsx => "엑셀 문서(XLSX)",
            AttachmentKind::Png => "PNG 그림",
            AttachmentKind::Jpeg => "JPEG 그림",
        }
    }

    /// The Content-Type it is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            AttachmentKind::Pdf => "application/pdf",
            AttachmentKind::Hwp => "application/x-hwp",
            AttachmentKind::Hwpx => "application/hwp+zip",
            AttachmentKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            AttachmentKind::Png => "image/png",
            AttachmentKind::Jpeg => "image/jpeg",
        }
    }

    /// The name endings that say this kind.
    fn extensions(self) -> &'static [&'static str] {
        match self {
            AttachmentKind::Pdf => &["pdf"],
            AttachmentKind::Hwp => &["hwp"],
            AttachmentKind::Hwpx => &["hwpx"],
            AttachmentKind::Xlsx => &["xlsx"],
            AttachmentKind::Png => &["png"],
            AttachmentKind::Jpeg => &["jpg", "jpeg"],
        }
    }

    fn by_extension(ext: &str) -> Option<AttachmentKind> {
        AttachmentKind::ALL.into_iter().find(|k| k.extensions().contains(&ext))
    }
}

impl FromStr for AttachmentKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AttachmentKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("알 수 없는 파일 종류입니다: '{s}'"))
    }
}

const ALLOWED_KO: &str = "PDF, HWP, HWPX, XLSX, PNG, JPG";

/// A file as it may be stored: its cleaned name and its kind, told by its bytes; the name's ending
/// must agree with them (a program renamed `보고서.pdf` is refused).
pub fn check_attachment(raw_name: &str, bytes: &[u8]) -> Result<(String, AttachmentKind), ValidationError> {
    let err = |m: String| ValidationError::new("file", m);
    let name = clean_file_name(raw_name);
    if name.is_empty() {
        return Err(err("파일 이름이 없습니다. 파일을 골라 주세요.".into()));
    }
    if bytes.is_empty() {
        return Err(err(format!("‘{name}’은(는) 빈 파일입니다. 내용이 있는 파일을 올려 주세요.")));
    }
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(err(format!(
            "‘{name}’은(는) {}MB를 넘습니다. 파일 하나는 10MB까지 올릴 수 있습니다.",
            bytes.len().div_ceil(1024 * 1024)
        )));
    }
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let Some(claimed) = AttachmentKind::by_extension(&ext) else {
        return Err(err(format!(
            "‘{name}’은(는) 올릴 수 없는 종류의 파일입니다. {ALLOWED_KO} 파일만 올릴 수 있습니다."
        )));
    };
    match sniff(bytes) {
        Some(found) if found == claimed => Ok((name, found)),
        Some(found) => Err(err(format!(
            "‘{name}’의 내용은 {}인데 이름은 .{ext} 파일입니다. 파일 이름을 내용에 맞게 고쳐 다시 올려 주세요.",
            found.label_ko()
        ))),
        None => Err(err(format!(
            "‘{name}’의 내용이 {}이(가) 아닙니다. 이름만 바꾼 다른 파일은 올릴 수 없습니다. {ALLOWED_KO} 파일만 올릴 수 있습니다.",
            claimed.label_ko()
        ))),
    }
}

/// A file name without a path, control or reordering characters, at most [`MAX_FILE_NAME_CHARS`].
pub fn clean_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && crate::validation::refused_characters(&c.to_string(), "", false).is_none())
        .map(|c| if matches!(c, '"' | '<' | '>' | ':' | '*' | '?' | '|') { '_' } else { c })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim().to_string();
    if cleaned.chars().count() <= MAX_FILE_NAME_CHARS {
        return cleaned;
    }
    // Keep the ending, cut the stem.
    match cleaned.rsplit_once('.') {
        Some((stem, ext)) if ext.chars().count() < 10 => {
            let keep = MAX_FILE_NAME_CHARS - ext.chars().count() - 1;
            format!("{}.{ext}", stem.chars().take(keep).collect::<String>())
        }
        _ => cleaned.chars().take(MAX_FILE_NAME_CHARS).collect(),
    }
}

/// What a file is, by its first bytes and, for a zip, the names inside it.
pub fn sniff(bytes: &[u8]) -> Option<AttachmentKind> {
    if bytes.starts_with(b"%PDF-") {
        return Some(AttachmentKind::Pdf);
    }
    if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        return Some(AttachmentKind::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(AttachmentKind::Jpeg);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        // An OLE compound file: HWP 5 holds a FileHeader stream starting with this signature.
        return contains(bytes, b"HWP Document File").then_some(AttachmentKind::Hwp);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        let names = zip_names(bytes)?;
        let has = |n: &str| names.iter().any(|x| x == n);
        if has("mimetype") && has("Contents/content.hpf") {
            return Some(AttachmentKind::Hwpx);
        }
        if has("[Content_Types].xml") && has("xl/workbook.xml") {
            return Some(AttachmentKind::Xlsx);
        }
    }
    None
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn u16_at(b: &[u8], at: usize) -> Option<usize> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?) as usize)
}

fn u32_at(b: &[u8], at: usize) -> Option<usize> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?) as usize)
}

/// The entry names of a zip archive, from its central directory; `None` when it is not a whole zip.
fn zip_names(b: &[u8]) -> Option<Vec<String>> {
    // The end-of-central-directory record is in the last 64 KiB + 22 bytes.
    let from = b.len().saturating_sub(22 + 65_535);
    let eocd = (from..=b.len().checked_sub(22)?).rev().find(|&i| b[i..].starts_with(b"PK\x05\x06"))?;
    let count = u16_at(b, eocd + 10)?;
    let mut at = u32_at(b, eocd + 16)?;
    let mut names = Vec::with_capacity(count.min(1000));
    for _ in 0..count.min(10_000) {
        if !b.get(at..)?.starts_with(b"PK\x01\x02") {
            return None;
        }
        let name_len = u16_at(b, at + 28)?;
        let extra = u16_at(b, at + 30)?;
        let comment = u16_at(b, at + 32)?;
        let name = b.get(at + 46..at + 46 + name_len)?;
        names.push(String::from_utf8_lossy(name).into_owned());
        at += 46 + name_len + extra + comment;
    }
    Some(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn ms(title: &str, due: &str, done: Option<&str>) -> MilestoneFact {
        MilestoneFact { title: title.into(), due: Some(day(due)), done_on: done.map(day) }
    }

    #[test]
    fn one_milestone_of_three_32_days_late_is_delayed_and_says_so() {
        let as_of = day("2024-06-30");
        let facts = [
            ms("산단계획 수립", "2024-03-31", Some("2024-03-28")),
            ms("승인 신청", "2024-05-29", None),
            ms("환경영향평가 착수", "2024-09-30", None),
        ];
        let s = suggest(&facts, &[], as_of);
        assert_eq!(s.explanation, "추진일정 3개 중 1개가 기한을 32일 넘김");
        assert_eq!(s.rating, ProgressRating::Delayed, "32 days is over the 30 that make a task 지연");
        let s = suggest(
            &[ms("a", "2024-06-20", None), ms("b", "2024-05-01", Some("2024-05-01")), ms("c", "2024-12-31", None)],
            &[],
            as_of,
        );
        assert_eq!(
            (s.rating, s.explanation.as_str()),
            (ProgressRating::AtRisk, "추진일정 3개 중 1개가 기한을 10일 넘김")
        );
    }

    #[test]
    fn more_than_half_the_milestones_due_not_done_is_delayed_even_when_each_is_only_a_little_late() {
        let as_of = day("2024-06-30");
        let s = suggest(&[ms("a", "2024-06-20", None), ms("b", "2024-06-25", Some("2024-06-24"))], &[], as_of);
        assert_eq!(s.rating, ProgressRating::AtRisk, "1 of the 2 due is half, not more");
        let s = suggest(
            &[ms("a", "2024-06-20", None), ms("b", "2024-06-10", None), ms("c", "2024-06-01", Some("2024-06-01"))],
            &[],
            as_of,
        );
        assert_eq!(s.explanation, "추진일정 3개 중 2개가 기한을 넘김 (가장 늦은 것 20일)");
        assert_eq!(s.rating, ProgressRating::Delayed);
    }

    #[test]
    fn a_kpi_past_its_due_date_short_of_its_target_is_at_risk() {
        let as_of = day("2024-06-30");
        let kpi = KpiFact {
            name: "조성기간 단축".into(),
            baseline: Some(0.0),
            target: Some(50.0),
            unit: Some("%".into()),
            due: Some(day("2024-06-30")),
            actual: Some(30.0),
        };
        let s = suggest(&[ms("a", "2024-03-31", Some("2024-03-31"))], std::slice::from_ref(&kpi), as_of);
        assert_eq!(s.rating, ProgressRating::AtRisk);
        assert_eq!(s.explanation, "성과지표 ‘조성기간 단축’ 실적 30%이(가) 목표 50%에 못 미침");
        let met = KpiFact { actual: Some(50.0), ..kpi.clone() };
        assert_eq!(suggest(&[], &[met], as_of).rating, ProgressRating::OnTrack);
        let not_yet_due = KpiFact { due: Some(day("2024-12-31")), ..kpi.clone() };
        assert_eq!(suggest(&[], &[not_yet_due], as_of).rating, ProgressRating::OnTrack, "not due yet");
        let falling = KpiFact { baseline: Some(400.0), target: Some(200.0), actual: Some(250.0), ..kpi };
        assert_eq!(
            suggest(&[], &[falling], as_of).rating,
            ProgressRating::AtRisk,
            "a target below the baseline is reached by going down"
        );
    }

    #[test]
    fn nothing_late_is_on_track_and_says_what_was_checked() {
        let as_of = day("2024-06-30");
        let s = suggest(&[ms("a", "2024-06-30", None), ms("b", "2024-03-01", Some("2024-03-05"))], &[], as_of);
        assert_eq!(
            (s.rating, s.explanation.as_str()),
            (ProgressRating::OnTrack, "추진일정 2개 중 기한을 넘긴 것이 없음")
        );
        assert_eq!(suggest(&[], &[], as_of).explanation, "점검할 추진일정과 성과지표가 없음");
    }

    fn report(
        task: i64,
        agency: i64,
        status: ReportStatus,
        lines: &[(i64, Option<&str>, Option<&str>)],
    ) -> ReportAtClose {
        ReportAtClose {
            task_id: TaskId::new(task),
            agency_id: AgencyId::new(agency),
            status,
            milestones: lines
                .iter()
                .map(|(m, d, r)| (MilestoneId::new(*m), d.map(day), r.map(str::to_string)))
                .collect(),
        }
    }

    #[test]
    fn what_was_not_filed_or_not_done_carries_over() {
        let reports = [
            report(
                1,
                10,
                ReportStatus::Submitted,
                &[(100, Some("2024-05-01"), None), (101, None, Some("예산 협의 중"))],
            ),
            report(1, 11, ReportStatus::Draft, &[(100, Some("2024-05-01"), None)]),
            report(2, 10, ReportStatus::NotStarted, &[]),
            report(3, 12, ReportStatus::Returned, &[]),
            report(4, 12, ReportStatus::Submitted, &[(200, Some("2024-06-01"), None)]),
        ];
        let carried = carry_over(&reports);
        let got: Vec<(i64, i64, CarryKind, Option<i64>)> = carried
            .iter()
            .map(|c| (c.task_id.get(), c.agency_id.get(), c.kind, c.milestone_id.map(|m| m.get())))
            .collect();
        assert_eq!(
            got,
            vec![
                (1, 10, CarryKind::MilestoneNotDone, Some(101)),
                (1, 11, CarryKind::NotFiled, None),
                (2, 10, CarryKind::NotFiled, None),
                (3, 12, CarryKind::NotFiled, None),
            ],
            "a draft, an untouched and a returned report are not filed; a submitted one carries its undone milestones"
        );
        assert_eq!(carried[0].note.as_deref(), Some("예산 협의 중"));
        assert_eq!(carried[2].note.as_deref(), Some("보고 상태: 미작성"));
    }

    #[test]
    fn a_submitted_report_is_locked_until_returned_and_a_closed_cycle_moves_nothing() {
        use ReportAction as A;
        use ReportStatus as S;
        assert_eq!(report_move(S::NotStarted, A::Save, false), Ok(S::Draft));
        assert_eq!(report_move(S::Draft, A::Submit, false), Ok(S::Submitted));
        assert_eq!(report_move(S::Submitted, A::Save, false), Err(ReportMoveError::Locked));
        assert_eq!(report_move(S::Submitted, A::Submit, false), Err(ReportMoveError::Locked));
        assert_eq!(report_move(S::Submitted, A::Return, false), Ok(S::Returned));
        assert_eq!(report_move(S::Returned, A::Save, false), Ok(S::Returned));
        assert_eq!(report_move(S::Returned, A::Submit, false), Ok(S::Submitted));
        assert_eq!(report_move(S::Draft, A::Return, false), Err(ReportMoveError::NotSubmitted));
        for s in ReportStatus::ALL {
            for a in [A::Save, A::Submit, A::Return] {
                assert_eq!(report_move(s, a, true), Err(ReportMoveError::CycleClosed));
            }
        }
    }

    #[test]
    fn a_cycle_needs_a_name_and_a_period_in_order() {
        let s = |v: &str| Some(v.to_string());
        let ok = CycleDraft::parse(&CycleInput {
            name: s("2024년 2분기"),
            period_start: s("2024-04-01"),
            period_end: s("2024-06-30"),
            due: s("2024-07-05"),
        })
        .unwrap();
        assert_eq!(ok.due, day("2024-07-05"));
        let e = CycleDraft::parse(&CycleInput {
            name: None,
            period_start: s("2024-06-30"),
            period_end: s("2024-04-01"),
            due: s("7월 5일"),
        })
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["name", "due", "period_end"]);
        assert!(e[1].message.contains("2024-06-30"), "{}", e[1].message);
    }

    type Parts = (Vec<(MilestoneId, crate::Milestone)>, Vec<(KpiId, crate::Kpi)>);

    fn subject_parts() -> Parts {
        let m =
            crate::Milestone { title: "승인 신청".into(), due: Some(day("2024-06-30")), done_on: None, note: None };
        let k = crate::Kpi {
            name: "조성기간 단축".into(),
            baseline: None,
            target: Some(50.0),
            unit: Some("%".into()),
            due: None,
            note: None,
        };
        (vec![(MilestoneId::new(5), m)], vec![(KpiId::new(9), k)])
    }

    #[test]
    fn a_report_reads_kpi_values_as_written_and_needs_every_undone_milestone_explained_to_submit() {
        let (ms, ks) = subject_parts();
        let subject = ReportSubject { milestones: &ms, kpis: &ks };
        let today = day("2024-07-01");
        let input = ReportInput {
            narrative: Some("계획 수립 완료".into()),
            kpis: vec![ReportKpiInput { kpi_id: Some("9".into()), actual: Some("30%".into()) }],
            version: Some("1".into()),
            ..Default::default()
        };
        let (draft, v) = ReportDraft::parse(&input, &subject, today).unwrap();
        assert_eq!((v, draft.kpis[0].actual), (1, Some(30.0)));
        let e = draft.check_complete(&subject).unwrap_err();
        assert_eq!(e[0].field, "ms_5_reason");
        assert!(e[0].message.contains("‘승인 신청’"), "{}", e[0].message);
        let wrong_unit = ReportInput {
            kpis: vec![ReportKpiInput { kpi_id: Some("9".into()), actual: Some("30건".into()) }],
            milestones: vec![ReportMilestoneInput { milestone_id: Some("77".into()), ..Default::default() }],
            ..input.clone()
        };
        let e = ReportDraft::parse(&wrong_unit, &subject, today).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["milestones", "kpi_9_actual"]);
        let future = ReportInput {
            milestones: vec![ReportMilestoneInput {
                milestone_id: Some("5".into()),
                done_on: Some("2024-07-02".into()),
                reason: None,
            }],
            ..input
        };
        assert_eq!(ReportDraft::parse(&future, &subject, today).unwrap_err()[0].field, "ms_5_done_on");
    }

    #[test]
    fn a_rating_needs_one_of_the_three_lights_and_a_reason() {
        let e = parse_rating(&RatingInput { rating: Some("green".into()), reason: None, version: None }).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["rating", "reason"]);
        let (r, reason, v) = parse_rating(&RatingInput {
            rating: Some("at_risk".into()),
            reason: Some("승인 지연".into()),
            version: None,
        })
        .unwrap();
        assert_eq!((r, reason.as_str(), v), (ProgressRating::AtRisk, "승인 지연", None));
        assert_eq!(r.label_ko(), "주의");
    }

    fn zip_with(names: &[&str]) -> Vec<u8> {
        // A stored (uncompressed) zip of empty entries, enough for the central directory.
        let mut out = Vec::new();
        let mut central = Vec::new();
        for n in names {
            let offset = out.len() as u32;
            out.extend_from_slice(b"PK\x03\x04");
            out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend_from_slice(&(n.len() as u16).to_le_bytes());
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(n.as_bytes());
            central.extend_from_slice(b"PK\x01\x02");
            central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            central.extend_from_slice(&(n.len() as u16).to_le_bytes());
            central.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(n.as_bytes());
        }
        let cd_offset = out.len() as u32;
        let cd_len = central.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        out.extend_from_slice(&(names.len() as u16).to_le_bytes());
        out.extend_from_slice(&(names.len() as u16).to_le_bytes());
        out.extend_from_slice(&cd_len.to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    #[test]
    fn a_file_is_told_by_its_content_and_its_name_must_agree() {
        assert_eq!(
            check_attachment("보고서.pdf", b"%PDF-1.7\n...").unwrap(),
            ("보고서.pdf".into(), AttachmentKind::Pdf)
        );
        let exe = b"MZ\x90\x00\x03\x00\x00\x00This program cannot be run in DOS mode";
        let e = check_attachment("보고서.pdf", exe).unwrap_err();
        assert!(e.message.contains("PDF 문서이(가) 아닙니다"), "{}", e.message);
        let e = check_attachment("setup.exe", exe).unwrap_err();
        assert!(e.message.contains("PDF, HWP, HWPX, XLSX, PNG, JPG 파일만"), "{}", e.message);
        let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0];
        let e = check_attachment("사진.jpg", &png).unwrap_err();
        assert!(e.message.contains("PNG 그림인데 이름은 .jpg"), "{}", e.message);
        assert_eq!(check_attachment("사진.JPEG", &[0xFF, 0xD8, 0xFF, 0xE0]).unwrap().1, AttachmentKind::Jpeg);
        let xlsx = zip_with(&["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml"]);
        assert_eq!(check_attachment("실적.xlsx", &xlsx).unwrap().1, AttachmentKind::Xlsx);
        let docx = zip_with(&["[Content_Types].xml", "word/document.xml"]);
        assert!(check_attachment("실적.xlsx", &docx).is_err(), "a Word file renamed .xlsx");
        let hwpx = zip_with(&["mimetype", "Contents/content.hpf", "Contents/section0.xml"]);
        assert_eq!(check_attachment("보고.hwpx", &hwpx).unwrap().1, AttachmentKind::Hwpx);
        let mut hwp = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        hwp.extend_from_slice(&[0; 504]);
        hwp.extend_from_slice(b"HWP Document File\0\0");
        assert_eq!(check_attachment("보고.hwp", &hwp).unwrap().1, AttachmentKind::Hwp);
        let doc = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0];
        assert!(check_attachment("보고.hwp", &doc).is_err(), "an old Word file renamed .hwp");
        assert!(check_attachment("빈.pdf", b"").unwrap_err().message.contains("빈 파일"));
        let big = vec![b'%'; MAX_ATTACHMENT_BYTES + 1];
        assert!(check_attachment("큰.pdf", &big).unwrap_err().message.contains("10MB"));
    }

    #[test]
    fn a_file_name_keeps_no_path_and_no_characters_that_break_a_header() {
        assert_eq!(clean_file_name("C:\\Users\\kim\\보고서.pdf"), "보고서.pdf");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\"b\r\n.pdf"), "a_b.pdf");
        assert_eq!(clean_file_name("과제\u{202E}fdp.exe"), "과제fdp.exe");
        let long = format!("{}.pdf", "가".repeat(300));
        let cut = clean_file_name(&long);
        assert!(cut.ends_with(".pdf") && cut.chars().count() == MAX_FILE_NAME_CHARS);
    }

    #[test]
    fn names_round_trip() {
        for r in ProgressRating::ALL {
            assert_eq!(r.as_str().parse::<ProgressRating>(), Ok(r));
        }
        for s in ReportStatus::ALL {
            assert_eq!(s.as_str().parse::<ReportStatus>(), Ok(s));
        }
        for k in AttachmentKind::ALL {
            assert_eq!(k.as_str().parse::<AttachmentKind>(), Ok(k));
        }
        assert!(
            is_active(TaskStatus::Confirmed) && is_active(TaskStatus::InProgress) && !is_active(TaskStatus::Proposed)
        );
    }
}
