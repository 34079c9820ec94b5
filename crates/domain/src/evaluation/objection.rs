//! 이의신청 (objections): before a round's result is final, each agency taking part in a task sees
//! the task's provisional score and grade (never an evaluator's score) and may object within the
//! objection period (`round::may_object`); OPC answers each one.
//!
//! Rules:
//! - An objection names one task of the round and gives a reason (at most [`MAX_REASON`]
//!   characters); an agency has at most one undecided objection per task.
//! - OPC upholds (인용) or rejects (기각) it; a rejection always says why, so the agency can read the
//!   answer; an upheld one may add a note for the panel.
//! - Upholding sends the task back to its panel: each seated evaluator's submitted sheet is
//!   reopened with the objection's number as the reason, and every resubmission recomputes the
//!   round's result (as `scoring::submit` does after scoring has closed). Rescoring ends when every
//!   reopened sheet is submitted again; that is the "close" of rescoring.
//! - The round becomes final (확정) only when every objection is decided and no rescoring is still
//!   open ([`ensure_finalisable`]), and the message names what is holding it back.

use serde::{Deserialize, Serialize};

use super::setup::MAX_REASON;
use crate::edit::Check;
use crate::{TaskId, ValidationError};

/// Where an objection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ObjectionStatus {
    /// Filed, waiting for OPC.
    Pending,
    /// 인용: the panel rescores the task.
    Upheld,
    /// 기각: the result stands, with OPC's reason.
    Rejected,
}

impl ObjectionStatus {
    pub const ALL: [ObjectionStatus; 3] =
        [ObjectionStatus::Pending, ObjectionStatus::Upheld, ObjectionStatus::Rejected];

    pub fn as_str(self) -> &'static str {
        match self {
            ObjectionStatus::Pending => "pending",
            ObjectionStatus::Upheld => "upheld",
            ObjectionStatus::Rejected => "rejected",
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            ObjectionStatus::Pending => "결정 대기",
            ObjectionStatus::Upheld => "인용(재채점)",
            ObjectionStatus::Rejected => "기각",
        }
    }
}

impl std::str::FromStr for ObjectionStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| format!("알 수 없는 결정입니다: '{s}'. upheld(인용) 또는 rejected(기각)를 쓰세요."))
    }
}

/// An agency's objection as typed (`POST /api/v1/evaluation-rounds/{id}/objections`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ObjectionInput {
    pub task_id: Option<String>,
    /// What the agency disputes and why.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectionDraft {
    pub task: TaskId,
    pub reason: String,
}

pub fn parse_objection(input: &ObjectionInput) -> Result<ObjectionDraft, Vec<ValidationError>> {
    let mut c = Check::default();
    let task = c.id::<TaskId>("task_id", "과제", &input.task_id);
    if input.task_id.as_deref().is_none_or(|s| s.trim().is_empty()) {
        c.fail("task_id", "이의를 신청할 과제를 골라 주세요.");
    }
    let reason = c.text("reason", "이의신청 사유", &input.reason, MAX_REASON, true).unwrap_or_default();
    c.done(ObjectionDraft { task: task.unwrap_or(TaskId::new(0)), reason })
}

/// OPC's answer (`POST /api/v1/evaluation-objections/{id}/decision`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ObjectionDecisionInput {
    /// `upheld` (인용: the panel rescores) or `rejected` (기각).
    pub decision: Option<String>,
    /// Required when rejecting; for an upheld objection, an optional note to the panel.
    pub reason: Option<String>,
    pub version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectionDecision {
    pub status: ObjectionStatus,
    pub reason: Option<String>,
    pub version: i64,
}

pub fn parse_objection_decision(input: &ObjectionDecisionInput) -> Result<ObjectionDecision, Vec<ValidationError>> {
    let mut c = Check::default();
    let status = c.choice::<ObjectionStatus>("decision", &input.decision);
    match status {
        None if input.decision.as_deref().is_none_or(|s| s.trim().is_empty()) => {
            c.fail("decision", "인용(upheld)인지 기각(rejected)인지 골라 주세요.")
        }
        Some(ObjectionStatus::Pending) => c.fail("decision", "결정은 인용(upheld) 또는 기각(rejected)입니다."),
        _ => {}
    }
    let rejected = status == Some(ObjectionStatus::Rejected);
    let reason = c.text("reason", "결정 사유", &input.reason, MAX_REASON, false);
    if rejected && reason.is_none() && input.reason.as_deref().is_none_or(|s| s.trim().is_empty()) {
        c.fail("reason", "기각 사유를 적어 주세요. 사유는 이의를 신청한 기관에 그대로 전달됩니다.");
    }
    let version = c.version(&input.version);
    c.done(ObjectionDecision { status: status.unwrap_or(ObjectionStatus::Rejected), reason, version })
}

/// The reason recorded on a sheet reopened for an upheld objection: what the evaluator reads.
pub fn rescoring_reason(objection: i64, note: Option<&str>) -> String {
    match note {
        Some(n) => format!("이의신청 {objection}번 인용에 따른 재채점: {n}"),
        None => format!("이의신청 {objection}번 인용에 따른 재채점"),
    }
}

/// An objection still waiting for OPC, as the refusal to finalise names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndecidedObjection {
    pub id: i64,
    pub task_seq: i64,
    pub agency: String,
}

/// A task of an upheld objection whose reopened sheets are not all submitted again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenRescoring {
    pub task_seq: i64,
    pub open_sheets: i64,
}

/// How many of a list a message names before "외 N건".
const NAMED: usize = 5;

fn named<T>(items: &[T], show: impl Fn(&T) -> String) -> String {
    let mut parts: Vec<String> = items.iter().take(NAMED).map(show).collect();
    if items.len() > NAMED {
        parts.push(format!("외 {}건", items.len() - NAMED));
    }
    parts.join(", ")
}

/// Whether the round may become final: no objection undecided and no rescoring open. The message
/// says which ones and what to do.
pub fn ensure_finalisable(undecided: &[UndecidedObjection], rescoring: &[OpenRescoring]) -> Result<(), String> {
    if !undecided.is_empty() {
        return Err(format!(
            "결정하지 않은 이의신청이 있어 확정할 수 없습니다: {}. 인용 또는 기각을 결정한 뒤 확정해 주세요.",
            named(undecided, |o| format!("{}번(과제 {}, {})", o.id, o.task_seq, o.agency))
        ));
    }
    if !rescoring.is_empty() {
        return Err(format!(
            "이의신청 인용으로 재채점 중인 과제가 있어 확정할 수 없습니다: {}. 평가위원이 채점표를 다시 제출하면 결과가 다시 계산되고 확정할 수 있습니다.",
            named(rescoring, |r| format!("과제 {}(다시 제출되지 않은 채점표 {}장)", r.task_seq, r.open_sheets))
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Option<String> {
        Some(v.into())
    }

    #[test]
    fn an_objection_needs_a_task_and_a_reason() {
        let errors = parse_objection(&ObjectionInput { task_id: None, reason: s("  ") }).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["task_id", "reason"]);
        let d = parse_objection(&ObjectionInput { task_id: s("12"), reason: s("절차 단축 실적 누락") }).unwrap();
        assert_eq!((d.task, d.reason.as_str()), (TaskId::new(12), "절차 단축 실적 누락"));
    }

    #[test]
    fn a_rejection_says_why_and_an_upheld_objection_may_add_a_note() {
        let input = |d: &str, r: Option<String>| ObjectionDecisionInput { decision: s(d), reason: r, version: s("1") };
        let e = parse_objection_decision(&input("rejected", None)).unwrap_err();
        assert_eq!(e[0].field, "reason");
        assert!(e[0].message.contains("기각 사유"), "{}", e[0].message);
        let up = parse_objection_decision(&input("upheld", None)).unwrap();
        assert_eq!((up.status, up.reason), (ObjectionStatus::Upheld, None));
        assert!(parse_objection_decision(&input("pending", None)).is_err());
        let no = parse_objection_decision(&input("rejected", s("실적이 평가 기간 밖"))).unwrap();
        assert_eq!(no.reason.as_deref(), Some("실적이 평가 기간 밖"));
        assert_eq!(rescoring_reason(3, None), "이의신청 3번 인용에 따른 재채점");
    }

    #[test]
    fn finalising_waits_for_every_decision_and_every_rescoring_and_names_them() {
        assert!(ensure_finalisable(&[], &[]).is_ok());
        let undecided: Vec<UndecidedObjection> =
            (1..=7).map(|i| UndecidedObjection { id: i, task_seq: 10 + i, agency: "환경부".into() }).collect();
        let e = ensure_finalisable(&undecided[..1], &[]).unwrap_err();
        assert!(e.contains("1번(과제 11, 환경부)"), "{e}");
        let e = ensure_finalisable(&undecided, &[]).unwrap_err();
        assert!(e.contains("5번(과제 15, 환경부), 외 2건"), "{e}");
        let e = ensure_finalisable(&[], &[OpenRescoring { task_seq: 4, open_sheets: 2 }]).unwrap_err();
        assert!(e.contains("과제 4(다시 제출되지 않은 채점표 2장)"), "{e}");
    }
}
