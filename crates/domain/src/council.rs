//! The review council (협업과제점검협의회): meetings OPC schedules, edits and cancels, their agenda
//! (a tabled task to confirm, an active task's progress review, a mediation), and the decision on
//! each item, with the task's move a decision makes.

use std::str::FromStr;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde::Deserializer;

use crate::edit::{Check, MAX_LONG_TEXT, MAX_TITLE};
use crate::follow_up::FollowUpInput;
use crate::time::KST;
use crate::{AgencyId, TaskAction, TaskStatus, ValidationError};

/// Closed sets stored by name, with a Korean label and a parse that lists the names.
macro_rules! named {
    ($(#[$doc:meta])* $ty:ident, $what:literal { $($(#[$vdoc:meta])* $v:ident => $code:literal, $label:literal;)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $ty {
            $($(#[$vdoc])* $v,)*
        }

        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$v,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$v => $code,)*
                }
            }

            pub fn label_ko(self) -> &'static str {
                match self {
                    $($ty::$v => $label,)*
                }
            }
        }

        impl FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| {
                    let names: Vec<String> =
                        Self::ALL.iter().map(|v| format!("{}({})", v.as_str(), v.label_ko())).collect();
                    format!("알 수 없는 {}입니다: '{s}'. 다음 중 하나를 쓰세요: {}", $what, names.join(", "))
                })
            }
        }
    };
}

named! {
    /// Where a meeting stands: scheduled (개최 예정), held (개최), cancelled (취소).
    MeetingStatus, "회의 상태" {
        Scheduled => "scheduled", "개최 예정";
        Held => "held", "개최";
        Cancelled => "cancelled", "취소";
    }
}

named! {
    /// What an agenda item is about.
    AgendaKind, "안건 종류" {
        /// 확정 안건: a tabled task to confirm.
        TaskConfirmation => "task_confirmation", "과제 확정";
        /// 추진상황 점검: an active task's progress reviewed.
        ProgressReview => "progress_review", "추진상황 점검";
        /// 이견 조정: a bottleneck in mediation.
        Mediation => "mediation", "이견 조정";
    }
}

named! {
    /// The council's decision on an agenda item.
    ItemDecision, "결정" {
        /// 확정: the task is confirmed.
        Confirmed => "confirmed", "확정";
        /// 반려: the task goes back to its proposers.
        Returned => "returned", "반려";
        /// 보류: deferred; the item goes back to the backlog.
        Deferred => "deferred", "보류";
        /// 보고·접수: reviewed and noted, nothing moves.
        Noted => "noted", "보고 접수";
    }
}

impl AgendaKind {
    /// Whether a task in `status` may be taken up as an item of this kind.
    pub fn fits(self, status: TaskStatus) -> bool {
        match self {
            AgendaKind::TaskConfirmation => status == TaskStatus::Tabled,
            AgendaKind::ProgressReview => {
                matches!(status, TaskStatus::Confirmed | TaskStatus::InProgress | TaskStatus::OnHold)
            }
            AgendaKind::Mediation => true,
        }
    }

    /// What a task must be for this kind, said to whoever picked the wrong one.
    pub fn wanted_ko(self) -> &'static str {
        match self {
            AgendaKind::TaskConfirmation => "‘상정’ 상태인 과제만 확정 안건으로 올릴 수 있습니다",
            AgendaKind::ProgressReview => {
                "확정·추진 중·일시 중지 상태인 과제만 추진상황 점검 안건으로 올릴 수 있습니다"
            }
            AgendaKind::Mediation => "조정 중인 애로사항만 이견 조정 안건으로 올릴 수 있습니다",
        }
    }
}

impl ItemDecision {
    /// The decisions an item of `kind` can take.
    pub fn allowed_for(kind: AgendaKind) -> &'static [ItemDecision] {
        use ItemDecision::*;
        match kind {
            AgendaKind::TaskConfirmation => &[Confirmed, Returned, Deferred],
            AgendaKind::ProgressReview | AgendaKind::Mediation => &[Noted, Deferred],
        }
    }

    /// A reason is asked where the decision sends the task back or changes nothing.
    pub fn needs_reason(self) -> bool {
        self != ItemDecision::Confirmed
    }

    /// The move the decision makes on the item's task (deferred and noted make none).
    pub fn task_action(self) -> Option<TaskAction> {
        match self {
            ItemDecision::Confirmed => Some(TaskAction::Confirm),
            ItemDecision::Returned => Some(TaskAction::Return),
            ItemDecision::Deferred | ItemDecision::Noted => None,
        }
    }

    /// What the meeting's list of tasks records for the item's task.
    pub fn task_outcome(self) -> DecisionOutcome {
        match self {
            ItemDecision::Confirmed => DecisionOutcome::Confirmed,
            ItemDecision::Returned => DecisionOutcome::Returned,
            ItemDecision::Deferred => DecisionOutcome::Deferred,
            ItemDecision::Noted => DecisionOutcome::Noted,
        }
    }
}

/// The council hanteam runs (the release's).
pub const COUNCIL: &str = "협업과제점검협의회";

/// A list of ids as a form (text) or a script (numbers) sends it.
fn texts_or_numbers<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    use serde::Deserialize;
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => vec![],
        Some(serde_json::Value::Array(items)) => items
            .into_iter()
            .map(|v| match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            })
            .collect(),
        Some(serde_json::Value::String(s)) => vec![s],
        Some(other) => vec![other.to_string()],
    })
}

/// A meeting as submitted (`POST /api/v1/meetings`, `PUT /api/v1/meetings/{id}`, the form).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CouncilMeetingInput {
    /// The council; 협업과제점검협의회 when left out.
    pub council: Option<String>,
    /// The meeting's number (차수), from 1: `3` or `제3차`.
    pub seq: Option<String>,
    /// Start, Korean time: `2026-07-09T15:00`.
    pub starts_at: Option<String>,
    /// End, Korean time (optional; two hours after the start in the calendar when left out).
    pub ends_at: Option<String>,
    /// 장소.
    pub place: Option<String>,
    /// 의장 (주재), e.g. 국무1차장.
    pub chair: Option<String>,
    /// The attending agencies' ids.
    #[serde(default, deserialize_with = "texts_or_numbers")]
    pub attendee_agency_ids: Vec<String>,
    /// For an edit: the version read.
    pub version: Option<String>,
}

/// A meeting, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingDraft {
    pub council: String,
    pub seq: i64,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub place: String,
    pub chair: Option<String>,
    pub attendees: Vec<AgencyId>,
}

/// A Korean wall-clock time (`2026-07-09T15:00` or `2026-07-09 15:00`) as a moment.
pub fn parse_kst(raw: &str) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(raw, f).ok())
        .and_then(|n| KST.from_local_datetime(&n).single())
        .map(|t| t.with_timezone(&Utc))
}

/// A moment as the form's `datetime-local` value (Korean time): `2026-07-09T15:00`.
pub fn kst_input(at: DateTime<Utc>) -> String {
    at.with_timezone(&KST).format("%Y-%m-%dT%H:%M").to_string()
}

fn moment(c: &mut Check, field: &str, label: &str, raw: &Option<String>, required: bool) -> Option<DateTime<Utc>> {
    match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => {
            if required {
                c.fail(field, format!("{label}를 2026-07-09 15:00처럼 연-월-일 시:분으로 입력해 주세요 (한국 시각)."));
            }
            None
        }
        Some(s) => parse_kst(s).or_else(|| {
            c.fail(field, format!("{label}는 2026-07-09 15:00처럼 연-월-일 시:분으로 입력해 주세요. 입력값: '{s}'"));
            None
        }),
    }
}

impl MeetingDraft {
    pub fn parse(input: &CouncilMeetingInput) -> Result<MeetingDraft, Vec<ValidationError>> {
        let mut c = Check::default();
        let council = c.line("council", "협의회", &input.council, 100, false).unwrap_or_else(|| COUNCIL.into());
        let seq = match input.seq.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                c.fail("seq", "회의 차수를 숫자로 입력해 주세요 (예: 3).");
                None
            }
            Some(s) => match s.trim_start_matches('제').trim_end_matches('차').trim().parse::<i64>() {
                Ok(n) if (1..=1000).contains(&n) => Some(n),
                _ => {
                    c.fail("seq", format!("회의 차수는 1부터 1000 사이의 숫자로 입력해 주세요 (예: 3). 입력값: '{s}'"));
                    None
                }
            },
        };
        let starts_at = moment(&mut c, "starts_at", "회의 일시", &input.starts_at, true);
        let ends_at = moment(&mut c, "ends_at", "종료 일시", &input.ends_at, false);
        if let (Some(s), Some(e)) = (starts_at, ends_at) {
            if e <= s {
                c.fail("ends_at", "종료 일시는 회의 일시보다 뒤여야 합니다.");
            }
        }
        let place = c.line("place", "장소", &input.place, MAX_TITLE, true);
        let chair = c.line("chair", "의장", &input.chair, 100, false);
        let mut attendees: Vec<AgencyId> = Vec::new();
        for raw in &input.attendee_agency_ids {
            match raw.trim().parse::<i64>() {
                Ok(n) if n > 0 => {
                    if !attendees.contains(&AgencyId::new(n)) {
                        attendees.push(AgencyId::new(n));
                    }
                }
                _ => {
                    c.fail("attendee_agency_ids", format!("참석 기관은 기관 목록에서 골라 주세요. 입력값: '{raw}'"));
                    break;
                }
            }
        }
        match (seq, starts_at, place) {
            (Some(seq), Some(starts_at), Some(place)) => c.done(MeetingDraft {
                title: format!("제{seq}차 {council}"),
                council,
                seq,
                starts_at,
                ends_at,
                place,
                chair,
                attendees,
            }),
            _ => Err(c.done(()).err().unwrap_or_default()),
        }
    }
}

/// A cancellation as submitted: why, and the version read.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CancelMeetingInput {
    /// Why the meeting is cancelled (required).
    pub reason: Option<String>,
    pub version: Option<String>,
}

/// A cancellation, checked: the reason and the version.
pub fn parse_cancel(input: &CancelMeetingInput) -> Result<(String, i64), Vec<ValidationError>> {
    let mut c = Check::default();
    let reason = c.text("reason", "취소 사유", &input.reason, MAX_LONG_TEXT, true);
    let version = c.version(&input.version);
    match reason {
        Some(r) => c.done((r, version)),
        None => Err(c.done(()).err().unwrap_or_default()),
    }
}

/// An item put on a meeting's agenda (`POST /api/v1/meetings/{id}/agenda-items`).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgendaItemInput {
    /// task_confirmation (a tabled task), progress_review (an active task) or mediation (a
    /// bottleneck in mediation).
    pub kind: Option<String>,
    /// The task, for task_confirmation and progress_review.
    pub task_id: Option<String>,
    /// The bottleneck in mediation, for mediation.
    pub bottleneck_id: Option<String>,
}

/// What an agenda item is about, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgendaSubject {
    Task(AgendaKind, i64),
    Mediation(i64),
}

impl AgendaSubject {
    pub fn kind(self) -> AgendaKind {
        match self {
            AgendaSubject::Task(k, _) => k,
            AgendaSubject::Mediation(_) => AgendaKind::Mediation,
        }
    }

    pub fn parse(input: &AgendaItemInput) -> Result<AgendaSubject, Vec<ValidationError>> {
        let mut c = Check::default();
        let kind = match input.kind.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                c.fail("kind", "안건 종류(kind)를 고르세요: task_confirmation(과제 확정), progress_review(추진상황 점검), mediation(이견 조정).");
                None
            }
            Some(_) => c.choice::<AgendaKind>("kind", &input.kind),
        };
        let subject = match kind {
            Some(AgendaKind::Mediation) => {
                let id: Option<i64> = c.id("bottleneck_id", "애로사항", &input.bottleneck_id);
                if id.is_none() && input.bottleneck_id.as_deref().is_none_or(|s| s.trim().is_empty()) {
                    c.fail("bottleneck_id", "조정할 애로사항을 골라 주세요.");
                }
                id.map(AgendaSubject::Mediation)
            }
            Some(k) => {
                let id: Option<i64> = c.id("task_id", "과제", &input.task_id);
                if id.is_none() && input.task_id.as_deref().is_none_or(|s| s.trim().is_empty()) {
                    c.fail("task_id", "안건으로 올릴 과제의 번호를 입력해 주세요.");
                }
                id.map(|t| AgendaSubject::Task(k, t))
            }
            None => None,
        };
        match subject {
            Some(s) => c.done(s),
            None => Err(c.done(()).err().unwrap_or_default()),
        }
    }
}

/// The council's decision as submitted (`POST /api/v1/agenda-items/{id}/decision`).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CouncilDecisionInput {
    /// confirmed, returned or deferred (a task to confirm); noted or deferred (a progress review,
    /// a mediation).
    pub decision: Option<String>,
    /// Why: required unless the task is confirmed.
    pub reason: Option<String>,
    /// The agenda item's version the decision is based on.
    pub version: Option<String>,
    /// Follow-up actions the decision asks for (후속조치), each with an owner agency, optionally
    /// an owner person of it, and a due date.
    #[serde(default)]
    pub follow_ups: Vec<FollowUpInput>,
}

/// A decision, checked against the item's kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRequest {
    pub decision: ItemDecision,
    pub reason: Option<String>,
    pub version: i64,
}

impl DecisionRequest {
    pub fn parse(input: &CouncilDecisionInput, kind: AgendaKind) -> Result<DecisionRequest, Vec<ValidationError>> {
        let mut c = Check::default();
        let allowed = ItemDecision::allowed_for(kind);
        let names: Vec<String> = allowed.iter().map(|d| format!("{}({})", d.as_str(), d.label_ko())).collect();
        let decision = match input.decision.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                c.fail("decision", format!("결정을 고르세요: {}.", names.join(", ")));
                None
            }
            Some(s) => match s.parse::<ItemDecision>() {
                Ok(d) if allowed.contains(&d) => Some(d),
                _ => {
                    c.fail(
                        "decision",
                        format!(
                            "‘{}’ 안건에는 다음 결정만 할 수 있습니다: {}. 입력값: '{s}'",
                            kind.label_ko(),
                            names.join(", ")
                        ),
                    );
                    None
                }
            },
        };
        let reason = c.text("reason", "결정 사유", &input.reason, MAX_LONG_TEXT, false);
        if let Some(d) = decision {
            if d.needs_reason() && reason.is_none() {
                c.fail("reason", format!("‘{}’ 결정에는 사유를 입력해 주세요.", d.label_ko()));
            }
        }
        let version = c.version(&input.version);
        match decision {
            Some(decision) => c.done(DecisionRequest { decision, reason, version }),
            None => Err(c.done(()).err().unwrap_or_default()),
        }
    }
}

/// What the council did with a task on its agenda (상정 / 확정 / 보류 / 반려 / 보고 접수).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DecisionOutcome {
    /// 상정: put before the meeting, not yet decided.
    Tabled,
    /// 확정: confirmed as a collaboration task.
    Confirmed,
    /// 보류: deferred to a later meeting.
    Deferred,
    /// 반려: returned to its proposers.
    Returned,
    /// 보고 접수: reviewed and noted, no move.
    Noted,
}

impl DecisionOutcome {
    pub const ALL: [DecisionOutcome; 5] = [
        DecisionOutcome::Tabled,
        DecisionOutcome::Confirmed,
        DecisionOutcome::Deferred,
        DecisionOutcome::Returned,
        DecisionOutcome::Noted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DecisionOutcome::Tabled => "tabled",
            DecisionOutcome::Confirmed => "confirmed",
            DecisionOutcome::Deferred => "deferred",
            DecisionOutcome::Returned => "returned",
            DecisionOutcome::Noted => "noted",
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            DecisionOutcome::Tabled => "상정",
            DecisionOutcome::Confirmed => "확정",
            DecisionOutcome::Deferred => "보류",
            DecisionOutcome::Returned => "반려",
            DecisionOutcome::Noted => "보고 접수",
        }
    }
}

impl FromStr for DecisionOutcome {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|o| o.as_str() == s).ok_or_else(|| format!("알 수 없는 회의 결과입니다: '{s}'"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_round_trip_through_their_storage_names_and_read_in_korean() {
        for o in DecisionOutcome::ALL {
            assert_eq!(o.as_str().parse::<DecisionOutcome>(), Ok(o));
        }
        assert_eq!(DecisionOutcome::Confirmed.label_ko(), "확정");
        assert!("approved".parse::<DecisionOutcome>().is_err());
        for d in ItemDecision::ALL {
            assert_eq!(d.as_str().parse::<ItemDecision>(), Ok(*d));
        }
        let e = "vote".parse::<AgendaKind>().unwrap_err();
        assert!(e.contains("task_confirmation(과제 확정)"), "{e}");
    }

    #[test]
    fn a_decision_moves_the_task_only_when_it_confirms_or_returns() {
        assert_eq!(ItemDecision::Confirmed.task_action(), Some(TaskAction::Confirm));
        assert_eq!(ItemDecision::Returned.task_action(), Some(TaskAction::Return));
        assert_eq!(ItemDecision::Deferred.task_action(), None);
        assert_eq!(ItemDecision::Noted.task_action(), None);
        assert_eq!(ItemDecision::Returned.task_outcome(), DecisionOutcome::Returned);
        assert_eq!(ItemDecision::Noted.task_outcome(), DecisionOutcome::Noted);
    }

    #[test]
    fn a_decision_must_fit_its_item_and_say_why_unless_it_confirms() {
        let input = |d: &str, r: &str| CouncilDecisionInput {
            decision: Some(d.into()),
            reason: Some(r.into()),
            version: Some("1".into()),
            follow_ups: vec![],
        };
        let ok = DecisionRequest::parse(&input("confirmed", ""), AgendaKind::TaskConfirmation).unwrap();
        assert_eq!((ok.decision, ok.reason, ok.version), (ItemDecision::Confirmed, None, 1));
        let e = DecisionRequest::parse(&input("noted", "보고"), AgendaKind::TaskConfirmation).unwrap_err();
        assert_eq!(e[0].field, "decision");
        assert!(e[0].message.contains("confirmed(확정)"), "{}", e[0].message);
        let e = DecisionRequest::parse(&input("returned", " "), AgendaKind::TaskConfirmation).unwrap_err();
        assert_eq!(e[0].field, "reason");
        assert!(e[0].message.contains("반려"), "{}", e[0].message);
        let e = DecisionRequest::parse(&input("deferred", ""), AgendaKind::Mediation).unwrap_err();
        assert_eq!(e[0].field, "reason");
        assert!(DecisionRequest::parse(&input("noted", "조정 경과 보고"), AgendaKind::Mediation).is_ok());
        assert!(DecisionRequest::parse(&input("confirmed", ""), AgendaKind::ProgressReview).is_err());
        let mut no_version = input("confirmed", "");
        no_version.version = None;
        let e = DecisionRequest::parse(&no_version, AgendaKind::TaskConfirmation).unwrap_err();
        assert_eq!(e[0].field, "version");
    }

    #[test]
    fn a_meeting_is_read_in_korean_time_with_its_number_in_the_title() {
        let input = CouncilMeetingInput {
            seq: Some("제3차".into()),
            starts_at: Some("2026-07-09T15:00".into()),
            place: Some("정부서울청사".into()),
            attendee_agency_ids: vec!["2".into(), "2".into(), "3".into()],
            ..CouncilMeetingInput::default()
        };
        let d = MeetingDraft::parse(&input).unwrap();
        assert_eq!(d.title, "제3차 협업과제점검협의회");
        assert_eq!(d.seq, 3);
        assert_eq!(d.starts_at.to_rfc3339(), "2026-07-09T06:00:00+00:00");
        assert_eq!(kst_input(d.starts_at), "2026-07-09T15:00");
        assert_eq!(d.attendees, vec![AgencyId::new(2), AgencyId::new(3)]);
        let bad = CouncilMeetingInput {
            seq: Some("셋".into()),
            starts_at: Some("7월 9일".into()),
            attendee_agency_ids: vec!["환경부".into()],
            ..CouncilMeetingInput::default()
        };
        let fields: Vec<String> = MeetingDraft::parse(&bad).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["seq", "starts_at", "place", "attendee_agency_ids"]);
        let backwards = CouncilMeetingInput { ends_at: Some("2026-07-09T14:00".into()), ..input };
        let e = MeetingDraft::parse(&backwards).unwrap_err();
        assert_eq!(e[0].field, "ends_at");
    }

    #[test]
    fn ids_come_as_text_or_numbers() {
        let i: CouncilMeetingInput = serde_json::from_str(r#"{"attendee_agency_ids":[2,"3"]}"#).unwrap();
        assert_eq!(i.attendee_agency_ids, ["2", "3"]);
        let i: CouncilMeetingInput = serde_json::from_str(r#"{"attendee_agency_ids":null}"#).unwrap();
        assert!(i.attendee_agency_ids.is_empty());
    }

    #[test]
    fn an_agenda_item_names_what_its_kind_needs() {
        let input = |k: &str, t: Option<&str>, b: Option<&str>| AgendaItemInput {
            kind: Some(k.into()),
            task_id: t.map(Into::into),
            bottleneck_id: b.map(Into::into),
        };
        assert_eq!(
            AgendaSubject::parse(&input("task_confirmation", Some("5"), None)).unwrap(),
            AgendaSubject::Task(AgendaKind::TaskConfirmation, 5)
        );
        assert_eq!(AgendaSubject::parse(&input("mediation", None, Some("7"))).unwrap(), AgendaSubject::Mediation(7));
        let e = AgendaSubject::parse(&input("mediation", Some("5"), None)).unwrap_err();
        assert_eq!(e[0].field, "bottleneck_id");
        let e = AgendaSubject::parse(&input("vote", Some("5"), None)).unwrap_err();
        assert_eq!(e[0].field, "kind");
        assert!(AgendaKind::TaskConfirmation.fits(TaskStatus::Tabled));
        assert!(!AgendaKind::TaskConfirmation.fits(TaskStatus::Proposed));
        assert!(AgendaKind::ProgressReview.fits(TaskStatus::InProgress));
        assert!(!AgendaKind::ProgressReview.fits(TaskStatus::Tabled));
    }

    #[test]
    fn a_cancellation_says_why() {
        let e = parse_cancel(&CancelMeetingInput { reason: Some(" ".into()), version: Some("2".into()) }).unwrap_err();
        assert_eq!(e[0].field, "reason");
        assert_eq!(
            parse_cancel(&CancelMeetingInput { reason: Some("의장 일정".into()), version: Some("2".into()) }).unwrap(),
            ("의장 일정".to_string(), 2)
        );
    }
}
