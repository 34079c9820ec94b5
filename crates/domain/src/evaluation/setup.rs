//! Setting a round up (평가 회차 준비): what OPC types to create or change a round, checked; the
//! round's settings as they are stored (one JSON document in the round's row, so later work adds
//! parameters without a migration); the pledge (서약서) every evaluator signs; and the inputs of
//! 회피, 기피 and OPC's decision on a 기피.
//!
//! Rules:
//! - A round has a name (at most [`MAX_ROUND_NAME`] characters) and the seven stage dates of
//!   [`RoundSchedule`], in stage order with an objection period of at least a day.
//! - Its settings start from hanteam's defaults ([`RoundSettings::default`]): the citizen-change
//!   rubric (a 기본안 for OPC to edit) or the 2024 main-policy preset, drop from 5 scores, S/A/B/C
//!   20/40/30/10, excellent = S, agencies by the mean; N = 3 evaluators per task, M = 15 tasks per
//!   evaluator, private share 2/3, 제척 look-back 3 years.
//! - On an edit, a setting left empty (null) keeps its current value.
//! - The rubric may change only before scoring starts (`round::ensure_rubric_editable`); the other
//!   settings are checked with the same rules `evaluate` uses, so a round that saves can be evaluated.
//! - 제척 counts back from the day scoring starts ([`RoundSettings::exclusion_rule`]): that is when
//!   the evaluators judge.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::agency_score::AgencyParams;
use super::aggregate::AggregationParams;
use super::grade::{ExcellentRule, GradingParams};
use super::outcome::RoundParams;
use super::round::{RoundSchedule, Stage};
use super::rubric::{Rubric, RubricPreset};
use crate::edit::Check;
use crate::korean::{with_particle, Particle};
use crate::panel::{ConflictKind, ExclusionRule, PanelRules};
use crate::{AgencyId, TaskId, UserId, ValidationError};

pub const MAX_ROUND_NAME: usize = 100;
pub const MAX_REASON: usize = 1000;

/// Everything a round is set up with, as stored in its row (`params_json`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RoundSettings {
    #[serde(flatten)]
    pub params: RoundParams,
    pub panel: PanelRules,
    /// The prize pool and split rules (rounds saved before prizes existed get the defaults).
    #[serde(default)]
    pub prizes: crate::reward::pool::PrizeSettings,
}

impl RoundSettings {
    /// The 제척 rule of a round with this schedule: the look-back counted from the day scoring starts.
    pub fn exclusion_rule(&self, schedule: &RoundSchedule) -> ExclusionRule {
        ExclusionRule { reference_date: schedule.scoring_on, lookback_years: self.panel.lookback_years }
    }

    /// The settings' own rules (the rubric, aggregation, grading, excellent and agency rules), as
    /// `evaluate` would check them; the field is where a form shows the message.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let p = &self.params;
        p.rubric.validate().map_err(|e| ValidationError::new("rubric", e.to_string()))?;
        p.aggregation.validate().map_err(|e| ValidationError::new("aggregation", e.to_string()))?;
        p.grading.rule.validate().map_err(|e| ValidationError::new("grading", e.to_string()))?;
        p.excellent.validate(&p.grading.rule).map_err(|e| ValidationError::new("excellent", e.to_string()))?;
        p.agency.rule.validate(&p.grading.rule.grades()).map_err(|e| ValidationError::new("agency", e.to_string()))?;
        Ok(())
    }
}

/// A round as OPC creates or edits it (the form and `POST`/`PUT /api/v1/evaluation-rounds`).
/// Numbers may come as text (forms) or numbers (scripts).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoundInput {
    /// 2024년 협업과제 평가
    pub name: Option<String>,
    /// The day each stage starts, YYYY-MM-DD.
    pub setup_on: Option<String>,
    pub assignment_on: Option<String>,
    pub scoring_on: Option<String>,
    pub review_on: Option<String>,
    pub objections_on: Option<String>,
    pub final_on: Option<String>,
    pub published_on: Option<String>,
    /// The tasks evaluated. On create, null: every confirmed, in-progress or completed task not
    /// archived. On edit, null keeps them (they change only in 준비).
    pub task_ids: Option<Vec<i64>>,
    /// The rubric to start from: `citizen_change` (기본안, default) or `main_policy_2024`. On edit,
    /// a preset replaces the rubric (before scoring only).
    pub rubric_preset: Option<String>,
    /// The whole rubric (criteria, weights, levels); null keeps it (or takes the preset).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub rubric: Option<Rubric>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub aggregation: Option<AggregationParams>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub grading: Option<GradingParams>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub excellent: Option<ExcellentRule>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub agency: Option<AgencyParams>,
    /// N: evaluators per task (default 3).
    pub evaluators_per_task: Option<String>,
    /// M: the most tasks one evaluator scores (default 15).
    pub tasks_per_evaluator: Option<String>,
    /// The private-expert share as a fraction, default 2/3.
    pub private_share_num: Option<String>,
    pub private_share_den: Option<String>,
    /// 제척 look-back in years (default 3).
    pub lookback_years: Option<String>,
    /// Required when editing: the version read.
    pub version: Option<String>,
}

/// A round checked.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundDraft {
    pub name: String,
    pub schedule: RoundSchedule,
    pub settings: RoundSettings,
    /// `None`: the default set (create) or unchanged (edit).
    pub task_ids: Option<Vec<TaskId>>,
}

fn whole(c: &mut Check, field: &str, label: &str, raw: &Option<String>, current: u32) -> u32 {
    match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => current,
        Some(s) => match s.parse::<u32>() {
            Ok(n) => n,
            Err(_) => {
                c.fail(
                    field,
                    format!("{} 0 이상의 정수로 입력해 주세요. (입력값: '{s}')", with_particle(label, Particle::Topic)),
                );
                current
            }
        },
    }
}

impl RoundDraft {
    /// A round as typed; `current` is the round's settings when editing (empty fields keep them).
    pub fn parse(input: &RoundInput, current: Option<&RoundSettings>) -> Result<RoundDraft, Vec<ValidationError>> {
        let mut c = Check::default();
        let name = c.line("name", "평가 회차 이름", &input.name, MAX_ROUND_NAME, true).unwrap_or_default();
        let fields: [(&str, &str, &Option<String>); 7] = [
            ("setup_on", "준비 시작일", &input.setup_on),
            ("assignment_on", "배정 시작일", &input.assignment_on),
            ("scoring_on", "채점 시작일", &input.scoring_on),
            ("review_on", "검토 시작일", &input.review_on),
            ("objections_on", "이의신청 시작일", &input.objections_on),
            ("final_on", "확정일", &input.final_on),
            ("published_on", "공개일", &input.published_on),
        ];
        let mut dates: Vec<Option<NaiveDate>> = Vec::with_capacity(7);
        for (field, label, raw) in fields {
            let d = c.date(field, label, raw);
            if d.is_none() && raw.as_deref().is_none_or(|s| s.trim().is_empty()) {
                c.fail(field, format!("{} 입력해 주세요 (예: 2024-11-01).", with_particle(label, Particle::Object)));
            }
            dates.push(d);
        }
        let schedule = match dates.iter().copied().collect::<Option<Vec<NaiveDate>>>() {
            Some(ds) => {
                let starts: [NaiveDate; 7] = [ds[0], ds[1], ds[2], ds[3], ds[4], ds[5], ds[6]];
                match RoundSchedule::new(starts) {
                    Ok(s) => Some(s),
                    Err(e) => {
                        let field = match &e {
                            super::round::RoundError::ScheduleOutOfOrder { later, .. } => stage_field(*later),
                            _ => "final_on",
                        };
                        c.fail(field, e.to_string());
                        None
                    }
                }
            }
            None => None,
        };
        let base = current.cloned().unwrap_or_default();
        let mut settings = base.clone();
        if let Some(p) = c.choice::<RubricPreset>("rubric_preset", &input.rubric_preset) {
            settings.params.rubric = p.rubric();
        }
        if let Some(r) = &input.rubric {
            settings.params.rubric = r.clone();
        }
        if let Some(a) = input.aggregation {
            settings.params.aggregation = a;
        }
        if let Some(g) = &input.grading {
            settings.params.grading = g.clone();
        }
        if let Some(x) = &input.excellent {
            settings.params.excellent = x.clone();
        }
        if let Some(a) = &input.agency {
            settings.params.agency = a.clone();
        }
        let p = base.panel;
        let n = whole(
            &mut c,
            "evaluators_per_task",
            "과제당 평가위원 수",
            &input.evaluators_per_task,
            p.evaluators_per_task,
        );
        let m = whole(
            &mut c,
            "tasks_per_evaluator",
            "평가위원당 최대 과제 수",
            &input.tasks_per_evaluator,
            p.tasks_per_evaluator,
        );
        let num = whole(
            &mut c,
            "private_share_num",
            "민간 전문가 비율(분자)",
            &input.private_share_num,
            p.private_share.num(),
        );
        let den = whole(
            &mut c,
            "private_share_den",
            "민간 전문가 비율(분모)",
            &input.private_share_den,
            p.private_share.den(),
        );
        let years = whole(&mut c, "lookback_years", "제척 기준 기간(년)", &input.lookback_years, p.lookback_years);
        match PanelRules::parse(n, m, num, den, years) {
            Ok(rules) => settings.panel = rules,
            Err(errors) => {
                for e in errors {
                    c.fail(&e.field, e.message);
                }
            }
        }
        if let Err(e) = settings.validate() {
            c.fail(&e.field, e.message);
        }
        let task_ids = input.task_ids.as_ref().map(|ids| {
            let mut ids: Vec<TaskId> = ids.iter().map(|i| TaskId::new(*i)).collect();
            ids.sort();
            ids.dedup();
            ids
        });
        if task_ids.as_ref().is_some_and(|ids| ids.iter().any(|t| t.get() <= 0)) {
            c.fail("task_ids", "과제 번호는 1 이상의 정수입니다. 과제 목록에서 골라 주세요.");
        }
        let schedule = schedule.unwrap_or(RoundSchedule {
            setup_on: NaiveDate::MIN,
            assignment_on: NaiveDate::MIN,
            scoring_on: NaiveDate::MIN,
            review_on: NaiveDate::MIN,
            objections_on: NaiveDate::MIN,
            final_on: NaiveDate::MIN,
            published_on: NaiveDate::MIN,
        });
        c.done(RoundDraft { name, schedule, settings, task_ids })
    }
}

/// The form field of a stage's start date.
pub fn stage_field(stage: Stage) -> &'static str {
    match stage {
        Stage::Setup => "setup_on",
        Stage::Assignment => "assignment_on",
        Stage::Scoring => "scoring_on",
        Stage::Review => "review_on",
        Stage::Objections => "objections_on",
        Stage::Final => "final_on",
        Stage::Published => "published_on",
    }
}

/// OPC moves a round to a stage (`POST /api/v1/evaluation-rounds/{id}/stage`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageInput {
    /// The stage to move to: setup, assignment, scoring, review, objections, final, published.
    pub to: Option<String>,
    pub version: Option<String>,
}

pub fn parse_stage(input: &StageInput) -> Result<(Stage, i64), Vec<ValidationError>> {
    let mut c = Check::default();
    let to = c.choice::<Stage>("to", &input.to);
    if input.to.as_deref().is_none_or(|s| s.trim().is_empty()) {
        c.fail("to", "옮길 단계를 골라 주세요 (예: assignment).");
    }
    let version = c.version(&input.version);
    c.done((to.unwrap_or(Stage::Setup), version))
}

/// OPC runs the assignment tool (`POST /api/v1/evaluation-rounds/{id}/assignment`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssignmentInput {
    /// `true`: propose only, write nothing; `false` (default): confirm the panels.
    pub dry_run: Option<String>,
}

pub fn parse_dry_run(input: &AssignmentInput) -> Result<bool, ValidationError> {
    match input.dry_run.as_deref().map(str::trim).unwrap_or("") {
        "" | "false" | "0" | "no" => Ok(false),
        "true" | "1" | "yes" | "on" => Ok(true),
        other => Err(ValidationError::new(
            "dry_run",
            format!("dry_run은 true 또는 false로 보내 주세요. (입력값: '{other}')"),
        )),
    }
}

/// 회피 (by the evaluator, about itself) or 기피 (by an officer of a task's agency, naming the
/// evaluator), with a reason.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConflictInput {
    /// `recusal` (회피) or `challenge` (기피).
    pub kind: Option<String>,
    pub task_id: Option<String>,
    /// 기피 only: the evaluator challenged.
    pub evaluator_id: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictDraft {
    pub kind: ConflictKind,
    pub task: TaskId,
    /// The challenged evaluator (기피); `None` for 회피 (the caller).
    pub evaluator: Option<UserId>,
    pub reason: String,
}

pub fn parse_conflict(input: &ConflictInput) -> Result<ConflictDraft, Vec<ValidationError>> {
    let mut c = Check::default();
    let kind = c.choice::<ConflictKind>("kind", &input.kind);
    match kind {
        None if input.kind.as_deref().is_none_or(|s| s.trim().is_empty()) => {
            c.fail("kind", "회피(recusal)인지 기피(challenge)인지 골라 주세요.")
        }
        Some(ConflictKind::Exclusion) => {
            c.fail("kind", "제척은 소속 이력으로 자동 판정됩니다. 회피(recusal)나 기피(challenge)를 골라 주세요.")
        }
        _ => {}
    }
    let task = c.id::<TaskId>("task_id", "과제", &input.task_id);
    if input.task_id.as_deref().is_none_or(|s| s.trim().is_empty()) {
        c.fail("task_id", "과제를 골라 주세요.");
    }
    let evaluator = c.id::<UserId>("evaluator_id", "평가위원", &input.evaluator_id);
    if kind == Some(ConflictKind::Challenge)
        && evaluator.is_none()
        && input.evaluator_id.as_deref().is_none_or(|s| s.trim().is_empty())
    {
        c.fail("evaluator_id", "기피를 신청할 평가위원을 골라 주세요.");
    }
    let reason = c.text("reason", "사유", &input.reason, MAX_REASON, true).unwrap_or_default();
    c.done(ConflictDraft {
        kind: kind.unwrap_or(ConflictKind::Recusal),
        task: task.unwrap_or(TaskId::new(0)),
        evaluator: if kind == Some(ConflictKind::Challenge) { evaluator } else { None },
        reason,
    })
}

/// OPC's decision on a 기피: upheld (인용) or rejected (기각), with a reason.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConflictDecisionInput {
    /// `upheld` or `rejected`.
    pub decision: Option<String>,
    pub reason: Option<String>,
    pub version: Option<String>,
}

/// The stored state of a 기피 (회피 is always `accepted`: a declaration needs no decision).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConflictStatus {
    /// 회피: takes effect when declared.
    Accepted,
    /// 기피 waiting for OPC.
    Pending,
    Upheld,
    Rejected,
}

impl ConflictStatus {
    pub const ALL: [ConflictStatus; 4] =
        [ConflictStatus::Accepted, ConflictStatus::Pending, ConflictStatus::Upheld, ConflictStatus::Rejected];

    pub fn as_str(self) -> &'static str {
        match self {
            ConflictStatus::Accepted => "accepted",
            ConflictStatus::Pending => "pending",
            ConflictStatus::Upheld => "upheld",
            ConflictStatus::Rejected => "rejected",
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            ConflictStatus::Accepted => "회피 수용",
            ConflictStatus::Pending => "결정 대기",
            ConflictStatus::Upheld => "인용",
            ConflictStatus::Rejected => "기각",
        }
    }

    /// Whether the evaluator is kept off the task (a pending 기피 too, until OPC decides).
    pub fn excludes(self) -> bool {
        self != ConflictStatus::Rejected
    }
}

impl std::str::FromStr for ConflictStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| format!("알 수 없는 결정입니다: '{s}'. upheld(인용) 또는 rejected(기각)를 쓰세요."))
    }
}

pub fn parse_decision(input: &ConflictDecisionInput) -> Result<(ConflictStatus, String, i64), Vec<ValidationError>> {
    let mut c = Check::default();
    let d = c.choice::<ConflictStatus>("decision", &input.decision);
    match d {
        None if input.decision.as_deref().is_none_or(|s| s.trim().is_empty()) => {
            c.fail("decision", "인용(upheld)인지 기각(rejected)인지 골라 주세요.")
        }
        Some(ConflictStatus::Accepted | ConflictStatus::Pending) => {
            c.fail("decision", "결정은 인용(upheld) 또는 기각(rejected)입니다.")
        }
        _ => {}
    }
    let reason = c.text("reason", "결정 사유", &input.reason, MAX_REASON, true).unwrap_or_default();
    let version = c.version(&input.version);
    c.done((d.unwrap_or(ConflictStatus::Rejected), reason, version))
}

/// The agency an organisation's text names: its short or full name exactly, or either followed by
/// a space and a unit ("환경부 기후탄소정책실"). `None` for bodies that are not agencies.
pub fn resolve_agency<'a>(
    organization: &str,
    agencies: impl IntoIterator<Item = (AgencyId, &'a str, &'a str)>,
) -> Option<AgencyId> {
    let org = organization.trim();
    let names = |a: &str| -> bool {
        !a.is_empty() && (org == a || org.strip_prefix(a).is_some_and(|rest| rest.starts_with(' ')))
    };
    agencies.into_iter().find(|(_, short, full)| names(short.trim()) || names(full.trim())).map(|(id, _, _)| id)
}

/// The pledge's version: a signature names the text it signed.
pub const PLEDGE_VERSION: &str = "2024-1";

/// 서약서: what an evaluator signs for a round before seeing any of its tasks.
pub const PLEDGE_TEXT_KO: &[&str] = &[
    "본인은 이 평가 회차의 평가위원으로서 다음 사항을 성실히 지킬 것을 서약합니다.",
    "1. (공정성) 평가 대상 과제를 객관적 근거에 따라 공정하게 평가하며, 어떠한 청탁이나 외부의 영향도 받지 않겠습니다.",
    "2. (이해충돌) 평가 대상 과제의 참여 기관에 최근 재직했거나 그 밖에 공정한 평가를 해칠 사정이 있으면 즉시 회피를 신청하겠습니다.",
    "3. (비밀 유지) 평가 과정에서 알게 된 과제 자료, 다른 평가위원의 신원, 평가 점수와 의견을 평가 목적 외에 쓰거나 누설하지 않겠습니다.",
    "4. (자료 관리) 평가 자료를 복제·반출하지 않으며, 평가가 끝나면 받은 자료를 파기하겠습니다.",
    "5. 위 사항을 어기면 평가위원에서 해촉되고 관계 법령에 따른 책임을 질 수 있음을 알고 있습니다.",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> RoundInput {
        RoundInput {
            name: Some("2024년 협업과제 평가".into()),
            setup_on: Some("2024-10-01".into()),
            assignment_on: Some("2024-10-15".into()),
            scoring_on: Some("2024-11-01".into()),
            review_on: Some("2024-11-20".into()),
            objections_on: Some("2024-12-01".into()),
            final_on: Some("2024-12-08".into()),
            published_on: Some("2024-12-15".into()),
            ..RoundInput::default()
        }
    }

    #[test]
    fn a_new_round_starts_from_the_defaults_and_counts_exclusions_back_from_scoring() {
        let d = RoundDraft::parse(&input(), None).unwrap();
        assert_eq!(d.settings, RoundSettings::default());
        assert_eq!(d.settings.panel.evaluators_per_task, 3);
        assert_eq!(d.settings.panel.private_share.to_string(), "2/3");
        assert_eq!(d.settings.params.rubric, Rubric::citizen_change_default());
        let rule = d.settings.exclusion_rule(&d.schedule);
        assert_eq!((rule.reference_date.to_string(), rule.lookback_years), ("2024-11-01".to_string(), 3));
        assert_eq!(d.task_ids, None);
    }

    #[test]
    fn the_settings_round_trip_through_their_stored_json() {
        let s = RoundSettings::default();
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.contains("\"rubric\"") && json.contains("\"panel\""), "{json}");
        assert_eq!(serde_json::from_str::<RoundSettings>(&json).unwrap(), s);
    }

    #[test]
    fn the_preset_and_the_panel_numbers_are_taken_and_checked() {
        let mut i = input();
        i.rubric_preset = Some("main_policy_2024".into());
        i.evaluators_per_task = Some("5".into());
        i.private_share_num = Some("1".into());
        i.private_share_den = Some("2".into());
        let d = RoundDraft::parse(&i, None).unwrap();
        assert_eq!(d.settings.params.rubric, Rubric::main_policy_2024());
        assert_eq!(d.settings.panel.evaluators_per_task, 5);
        i.evaluators_per_task = Some("0".into());
        i.private_share_num = Some("3".into());
        let e = RoundDraft::parse(&i, None).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["evaluators_per_task", "private_share"], "{e:?}");
    }

    #[test]
    fn dates_out_of_order_and_a_bad_rubric_are_refused_at_their_fields() {
        let mut i = input();
        i.scoring_on = Some("2024-10-10".into());
        let mut r = Rubric::citizen_change_default();
        r.criteria[0].weight_pct = 39;
        i.rubric = Some(r);
        let e = RoundDraft::parse(&i, None).unwrap_err();
        assert_eq!(e[0].field, "scoring_on");
        assert!(e[0].message.contains("'채점' 단계 시작일"), "{}", e[0].message);
        assert_eq!(e[1].field, "rubric");
        assert!(e[1].message.contains("합계가 99"), "{}", e[1].message);
        let e = RoundDraft::parse(&RoundInput::default(), None).unwrap_err();
        assert_eq!(e.iter().filter(|e| e.field.ends_with("_on")).count(), 7);
    }

    #[test]
    fn an_edit_keeps_what_it_leaves_empty() {
        let mut current = RoundSettings::default();
        current.panel.tasks_per_evaluator = 7;
        current.params.rubric = Rubric::main_policy_2024();
        let d = RoundDraft::parse(&input(), Some(&current)).unwrap();
        assert_eq!(d.settings, current);
    }

    #[test]
    fn a_conflict_names_its_kind_task_and_reason_and_a_challenge_its_evaluator() {
        let ok = parse_conflict(&ConflictInput {
            kind: Some("challenge".into()),
            task_id: Some("3".into()),
            evaluator_id: Some("9".into()),
            reason: Some("자문 계약".into()),
        })
        .unwrap();
        assert_eq!((ok.kind, ok.task, ok.evaluator), (ConflictKind::Challenge, TaskId::new(3), Some(UserId::new(9))));
        let e = parse_conflict(&ConflictInput { kind: Some("challenge".into()), ..Default::default() }).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["task_id", "evaluator_id", "reason"]);
        let e = parse_conflict(&ConflictInput {
            kind: Some("exclusion".into()),
            task_id: Some("3".into()),
            reason: Some("r".into()),
            ..Default::default()
        })
        .unwrap_err();
        assert!(e[0].message.contains("자동"), "{e:?}");
        let recusal = parse_conflict(&ConflictInput {
            kind: Some("recusal".into()),
            task_id: Some("3".into()),
            evaluator_id: Some("9".into()),
            reason: Some("공동 연구".into()),
        })
        .unwrap();
        assert_eq!(recusal.evaluator, None, "회피 is always the caller's own");
    }

    #[test]
    fn a_decision_is_upheld_or_rejected_with_a_reason() {
        let d = ConflictDecisionInput {
            decision: Some("upheld".into()),
            reason: Some("근거 있음".into()),
            version: Some("1".into()),
        };
        assert_eq!(parse_decision(&d).unwrap(), (ConflictStatus::Upheld, "근거 있음".to_string(), 1));
        let e = parse_decision(&ConflictDecisionInput { decision: Some("pending".into()), ..Default::default() })
            .unwrap_err();
        assert_eq!(e.len(), 3);
        assert!(ConflictStatus::Pending.excludes() && ConflictStatus::Upheld.excludes());
        assert!(!ConflictStatus::Rejected.excludes());
    }

    #[test]
    fn an_organisation_names_an_agency_by_short_or_full_name_or_with_a_unit() {
        let agencies = [(AgencyId::new(1), "환경부", "환경부"), (AgencyId::new(2), "국토부", "국토교통부")];
        assert_eq!(resolve_agency("국토교통부", agencies), Some(AgencyId::new(2)));
        assert_eq!(resolve_agency(" 국토부 ", agencies), Some(AgencyId::new(2)));
        assert_eq!(resolve_agency("환경부 기후탄소정책실", agencies), Some(AgencyId::new(1)));
        assert_eq!(resolve_agency("환경부산하연구원", agencies), None);
        assert_eq!(resolve_agency("한국환경연구원", agencies), None);
    }

    #[test]
    fn the_dry_run_flag_reads_as_a_boolean() {
        assert_eq!(parse_dry_run(&AssignmentInput { dry_run: Some("true".into()) }), Ok(true));
        assert_eq!(parse_dry_run(&AssignmentInput::default()), Ok(false));
        assert!(parse_dry_run(&AssignmentInput { dry_run: Some("maybe".into()) }).is_err());
    }
}
