//! Bottlenecks (애로사항) and their mediation (이견 조정): what an agency raises on a task, the
//! positions (입장) of the agencies involved, OPC's mediation and its outcome.
//!
//! A bottleneck is raised (제기), taken into mediation by OPC (조정 중), and ends resolved (해소) —
//! by agreement in mediation, or by OPC without mediation, with a reason — or escalated (상위 보고)
//! when the mediation reaches no agreement. [`transition`] is the one place the moves are decided.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use crate::access::Role;
use crate::edit::{Check, MAX_LONG_TEXT, MAX_ROLE, MAX_TITLE};
use crate::follow_up::{FollowUpDraft, FollowUpInput};
use crate::time::{kst_date, KST};
use crate::{AgencyId, MeetingId, ValidationError};

macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident, $what:literal { $($(#[$vdoc:meta])* $variant:ident => $code:literal, $label:literal;)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)*
                }
            }

            pub fn label_ko(self) -> &'static str {
                match self {
                    $($name::$variant => $label,)*
                }
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| {
                    let names: Vec<String> =
                        Self::ALL.iter().map(|v| format!("{}({})", v.as_str(), v.label_ko())).collect();
                    format!("알 수 없는 {}입니다: '{s}'. 다음 중 하나를 고르세요: {}", $what, names.join(", "))
                })
            }
        }
    };
}

code_enum! {
    /// 애로사항 유형.
    BottleneckCategory, "애로사항 유형" {
        LawRegulation => "law_regulation", "법령·규제";
        Budget => "budget", "예산";
        Personnel => "personnel", "인력";
        DataSystems => "data_systems", "데이터·시스템";
        /// 기관 간 이견: needs at least two agencies.
        Disagreement => "disagreement", "기관 간 이견";
        Other => "other", "기타";
    }
}

code_enum! {
    /// Where a bottleneck stands.
    BottleneckStatus, "애로사항 상태" {
        Raised => "raised", "제기";
        InMediation => "in_mediation", "조정 중";
        Resolved => "resolved", "해소";
        Escalated => "escalated", "상위 보고";
    }
}

code_enum! {
    /// What a mediation came to.
    MediationOutcome, "조정 결과" {
        Agreed => "agreed", "합의";
        PartlyAgreed => "partly_agreed", "일부 합의";
        NotAgreed => "not_agreed", "합의 안 됨(상위 보고)";
    }
}

impl BottleneckStatus {
    /// Still to be dealt with (shown on the task, agency and home pages with its age).
    pub fn is_open(self) -> bool {
        matches!(self, BottleneckStatus::Raised | BottleneckStatus::InMediation)
    }

    /// The open statuses, for queries.
    pub const OPEN: [BottleneckStatus; 2] = [BottleneckStatus::Raised, BottleneckStatus::InMediation];
}

/// A move of a bottleneck.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BottleneckAction {
    /// OPC takes it into mediation.
    Mediate,
    /// OPC resolves it without mediation (a reason is required).
    ResolveWithoutMediation,
    /// OPC records the mediation's outcome.
    RecordOutcome(MediationOutcome),
}

impl BottleneckAction {
    pub fn label_ko(self) -> &'static str {
        match self {
            BottleneckAction::Mediate => "조정 시작",
            BottleneckAction::ResolveWithoutMediation => "조정 없이 해소",
            BottleneckAction::RecordOutcome(_) => "조정 결과 기록",
        }
    }
}

/// A refused move: what was asked, and what can be done now and by whom.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct BottleneckMoveError {
    pub message: String,
}

/// The moves open from a status (all OPC's).
pub fn allowed_from(from: BottleneckStatus) -> &'static [BottleneckAction] {
    match from {
        BottleneckStatus::Raised => &[BottleneckAction::Mediate, BottleneckAction::ResolveWithoutMediation],
        BottleneckStatus::InMediation => &[
            BottleneckAction::RecordOutcome(MediationOutcome::Agreed),
            BottleneckAction::RecordOutcome(MediationOutcome::PartlyAgreed),
            BottleneckAction::RecordOutcome(MediationOutcome::NotAgreed),
        ],
        BottleneckStatus::Resolved | BottleneckStatus::Escalated => &[],
    }
}

/// The status a move leads to from `from`, made by someone holding `roles`; or why not, saying
/// what is possible now and who may do it.
pub fn transition(
    from: BottleneckStatus,
    action: BottleneckAction,
    roles: &[Role],
) -> Result<BottleneckStatus, BottleneckMoveError> {
    use BottleneckAction::*;
    use BottleneckStatus::*;
    let to = match (from, action) {
        (Raised, Mediate) => Some(InMediation),
        (Raised, ResolveWithoutMediation) => Some(Resolved),
        (InMediation, RecordOutcome(MediationOutcome::Agreed | MediationOutcome::PartlyAgreed)) => Some(Resolved),
        (InMediation, RecordOutcome(MediationOutcome::NotAgreed)) => Some(Escalated),
        _ => None,
    };
    let Some(to) = to else {
        let now: Vec<&str> = {
            let mut names: Vec<&str> = allowed_from(from).iter().map(|a| a.label_ko()).collect();
            names.dedup();
            names
        };
        let message = if now.is_empty() {
            format!(
                "'{}' 상태의 애로사항은 더 바꿀 수 없습니다({}할 수 없음). 새로운 애로가 있으면 새로 제기해 주세요.",
                from.label_ko(),
                action.label_ko()
            )
        } else {
            format!(
                "'{}' 상태의 애로사항은 {}할 수 없습니다. 지금 할 수 있는 일: {} (국무조정실 관리자).",
                from.label_ko(),
                action.label_ko(),
                now.join(", ")
            )
        };
        return Err(BottleneckMoveError { message });
    };
    if !roles.contains(&Role::OpcAdmin) {
        return Err(BottleneckMoveError {
            message: format!("{}은(는) 국무조정실 관리자만 할 수 있습니다.", action.label_ko()),
        });
    }
    Ok(to)
}

/// How many days a bottleneck has been (or was) open: from the Korean day it was raised to the
/// Korean day it closed, or to today while open.
pub fn days_open(raised_at: DateTime<Utc>, closed_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> i64 {
    (kst_date(closed_at.unwrap_or(now)) - kst_date(raised_at)).num_days().max(0)
}

/// A list of ids as a form or a script sends them: `["3", 4]`.
fn ids_as_text<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let raw: Vec<serde_json::Value> = Vec::deserialize(d)?;
    Ok(raw
        .into_iter()
        .map(|v| match v {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        })
        .collect())
}

/// A bottleneck as raised on the form or through the API.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BottleneckInput {
    /// law_regulation, budget, personnel, data_systems, disagreement, other.
    pub category: Option<String>,
    pub description: Option<String>,
    /// The agencies involved (ids, of the task's agencies).
    #[serde(default, deserialize_with = "ids_as_text")]
    pub agency_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BottleneckDraft {
    pub category: BottleneckCategory,
    pub description: String,
    pub agency_ids: Vec<AgencyId>,
}

impl BottleneckDraft {
    /// `task_agencies` are the agencies of the task it is raised on: those involved are some of them.
    pub fn parse(input: &BottleneckInput, task_agencies: &[AgencyId]) -> Result<BottleneckDraft, Vec<ValidationError>> {
        let mut c = Check::default();
        let category: Option<BottleneckCategory> = c.choice("category", &input.category);
        if input.category.as_deref().is_none_or(|s| s.trim().is_empty()) {
            c.fail("category", "애로사항 유형을 골라 주세요.");
        }
        let description = c.text("description", "애로사항 내용", &input.description, MAX_LONG_TEXT, true);
        let mut agency_ids: Vec<AgencyId> = Vec::new();
        for raw in input.agency_ids.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            match raw.parse::<i64>().ok().map(AgencyId::new).filter(|a| task_agencies.contains(a)) {
                Some(a) if !agency_ids.contains(&a) => agency_ids.push(a),
                Some(_) => {}
                None => c.fail(
                    "agency_ids",
                    format!("관련 기관은 이 과제의 참여기관 가운데서 골라 주세요. (입력값: '{raw}')"),
                ),
            }
        }
        if agency_ids.is_empty() && input.agency_ids.iter().all(|s| s.trim().is_empty()) {
            c.fail("agency_ids", "관련 기관을 하나 이상 골라 주세요.");
        }
        if category == Some(BottleneckCategory::Disagreement) && agency_ids.len() == 1 {
            c.fail("agency_ids", "‘기관 간 이견’은 이견이 있는 기관을 둘 이상 골라 주세요.");
        }
        match (category, description) {
            (Some(category), Some(description)) => c.done(BottleneckDraft { category, description, agency_ids }),
            _ => Err(c.done(()).err().unwrap_or_default()),
        }
    }
}

/// An involved agency's position (입장), stated or revised.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyPositionInput {
    pub position: Option<String>,
    /// The version of the agency's part of the bottleneck.
    pub version: Option<String>,
}

pub fn parse_position(input: &AgencyPositionInput) -> Result<(String, i64), Vec<ValidationError>> {
    let mut c = Check::default();
    let version = c.version(&input.version);
    let position = c.text("position", "기관 입장", &input.position, MAX_LONG_TEXT, true);
    match position {
        Some(p) => c.done((p, version)),
        None => Err(c.done(()).err().unwrap_or_default()),
    }
}

/// Taking into mediation, or resolving without it (then with a reason).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionInput {
    /// Why it is resolved without mediation (required for that; not used to open a mediation).
    pub reason: Option<String>,
    /// The version of the bottleneck.
    pub version: Option<String>,
}

/// The version, and for `ResolveWithoutMediation` the reason.
pub fn parse_decision(
    input: &DecisionInput,
    action: BottleneckAction,
) -> Result<(Option<String>, i64), Vec<ValidationError>> {
    let mut c = Check::default();
    let version = c.version(&input.version);
    let required = action == BottleneckAction::ResolveWithoutMediation;
    let reason = c.text("reason", "해소 사유", &input.reason, MAX_ROLE, required);
    c.done((reason, version))
}

/// A mediation meeting as scheduled.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingInput {
    /// Date and time, Korean time: `2024-07-09T15:00` (or `2024-07-09 15:00`).
    pub held_at: Option<String>,
    pub venue: Option<String>,
    /// One line per agency, its short name first: `환경부 물관리정책과장, 사무관 1명`.
    pub attendees: Option<String>,
    /// The council meeting (협업과제점검협의회 회의) it is held as an item of, if any.
    pub council_meeting_id: Option<String>,
}

/// One agency's attendees of a meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttendeeLine {
    /// The agency's short name.
    pub agency: String,
    pub people: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingDraft {
    pub held_at: DateTime<Utc>,
    pub venue: Option<String>,
    pub attendees: Vec<AttendeeLine>,
    pub council_meeting_id: Option<MeetingId>,
}

/// Attendee lines as stored (`환경부 물관리정책과장`), read back.
pub fn attendee_lines(stored: Option<&str>) -> Vec<AttendeeLine> {
    stored
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| match l.split_once(char::is_whitespace) {
            Some((agency, people)) => AttendeeLine { agency: agency.into(), people: people.trim().into() },
            None => AttendeeLine { agency: l.into(), people: String::new() },
        })
        .collect()
}

/// The attendee lines written back as stored.
pub fn attendees_text(lines: &[AttendeeLine]) -> Option<String> {
    (!lines.is_empty())
        .then(|| lines.iter().map(|l| format!("{} {}", l.agency, l.people)).collect::<Vec<_>>().join("\n"))
}

impl MeetingDraft {
    /// `is_agency` tells whether a word is an agency's short name (the first word of an attendee line).
    pub fn parse(input: &MeetingInput, is_agency: impl Fn(&str) -> bool) -> Result<MeetingDraft, Vec<ValidationError>> {
        let mut c = Check::default();
        let raw = input.held_at.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let held_at = match raw {
            None => {
                c.fail("held_at", "회의 일시를 2024-07-09T15:00처럼 입력해 주세요.");
                None
            }
            Some(s) => match ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
            {
                Some(local) => KST.from_local_datetime(&local).single().map(|t| t.with_timezone(&Utc)),
                None => {
                    c.fail(
                        "held_at",
                        format!("회의 일시는 연-월-일 시:분으로 입력해 주세요 (예: 2024-07-09 15:00). 입력값: '{s}'"),
                    );
                    None
                }
            },
        };
        let venue = c.line("venue", "장소", &input.venue, MAX_TITLE, false);
        let text = c.text("attendees", "참석자", &input.attendees, MAX_ROLE, false);
        let attendees = attendee_lines(text.as_deref());
        if let Some(bad) = attendees.iter().find(|l| !is_agency(&l.agency) || l.people.is_empty()) {
            c.fail(
                "attendees",
                format!(
                    "참석자는 한 줄에 한 기관씩, 기관 약칭을 먼저 쓰고 참석자를 적어 주세요 (예: 환경부 물관리정책과장). 맞지 않는 줄: '{} {}'",
                    bad.agency, bad.people
                ),
            );
        }
        let council_meeting_id = c.id("council_meeting_id", "협의회 회의", &input.council_meeting_id);
        match held_at {
            Some(held_at) => c.done(MeetingDraft { held_at, venue, attendees, council_meeting_id }),
            None => Err(c.done(()).err().unwrap_or_default()),
        }
    }
}

/// The outcome of a mediation, with the agreed actions.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutcomeInput {
    /// agreed (합의), partly_agreed (일부 합의), not_agreed (합의 안 됨 — 상위 보고).
    pub outcome: Option<String>,
    /// What was agreed, or why not (required unless fully agreed).
    pub note: Option<String>,
    /// The agreed actions, each with an owner agency (one of the task's) and a due date.
    #[serde(default)]
    pub follow_ups: Vec<FollowUpInput>,
    /// The version of the bottleneck.
    pub version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeDraft {
    pub outcome: MediationOutcome,
    pub note: Option<String>,
    /// The agreed actions, each with the row of the input it was typed in (for its errors).
    pub follow_ups: Vec<(usize, FollowUpDraft)>,
    pub version: i64,
}

/// At most this many agreed actions on one outcome.
pub const MAX_FOLLOW_UPS: usize = 20;

impl OutcomeDraft {
    /// `task_agencies`: the owners of the agreed actions are among them.
    pub fn parse(input: &OutcomeInput, task_agencies: &[AgencyId]) -> Result<OutcomeDraft, Vec<ValidationError>> {
        let mut c = Check::default();
        let version = c.version(&input.version);
        let outcome: Option<MediationOutcome> = c.choice("outcome", &input.outcome);
        if input.outcome.as_deref().is_none_or(|s| s.trim().is_empty()) {
            c.fail("outcome", "조정 결과를 골라 주세요 (합의, 일부 합의, 합의 안 됨).");
        }
        let note_required = matches!(outcome, Some(MediationOutcome::PartlyAgreed | MediationOutcome::NotAgreed));
        let note = c.text("note", "조정 결과 내용", &input.note, MAX_LONG_TEXT, note_required);
        let rows: Vec<(usize, &FollowUpInput)> =
            input.follow_ups.iter().enumerate().filter(|(_, f)| !f.is_blank()).collect();
        if rows.len() > MAX_FOLLOW_UPS {
            c.fail("follow_ups", format!("후속조치는 한 번에 {MAX_FOLLOW_UPS}건까지 적을 수 있습니다."));
        }
        let mut follow_ups = Vec::new();
        let mut errors = Vec::new();
        for (i, row) in rows {
            let prefix = format!("follow_ups[{i}].");
            match FollowUpDraft::parse(row, &prefix) {
                Ok(d) if !task_agencies.contains(&d.owner_agency_id) => errors.push(ValidationError::new(
                    format!("{prefix}owner_agency_id"),
                    "후속조치의 담당 기관은 이 과제의 참여기관 가운데서 골라 주세요.",
                )),
                Ok(d) => follow_ups.push((i, d)),
                Err(e) => errors.extend(e),
            }
        }
        let agreed = matches!(outcome, Some(MediationOutcome::Agreed | MediationOutcome::PartlyAgreed));
        if agreed && follow_ups.is_empty() && errors.is_empty() {
            c.fail("follow_ups", "합의한 내용을 후속조치로 하나 이상 적어 주세요 (내용, 담당 기관, 기한).");
        }
        for e in errors {
            c.fail(&e.field, e.message);
        }
        match outcome {
            Some(outcome) => c.done(OutcomeDraft { outcome, note, follow_ups, version }),
            None => Err(c.done(()).err().unwrap_or_default()),
        }
    }
}

/// The Korean day a meeting is held, for lists.
pub fn meeting_day(held_at: DateTime<Utc>) -> NaiveDate {
    kst_date(held_at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use BottleneckAction::*;
    use BottleneckStatus::*;
    use MediationOutcome::*;

    const OPC: &[Role] = &[Role::OpcAdmin];

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    const ACTIONS: [BottleneckAction; 5] = [
        Mediate,
        ResolveWithoutMediation,
        RecordOutcome(Agreed),
        RecordOutcome(PartlyAgreed),
        RecordOutcome(NotAgreed),
    ];

    #[test]
    fn every_allowed_move_and_only_those() {
        let allowed = [
            (Raised, Mediate, InMediation),
            (Raised, ResolveWithoutMediation, Resolved),
            (InMediation, RecordOutcome(Agreed), Resolved),
            (InMediation, RecordOutcome(PartlyAgreed), Resolved),
            (InMediation, RecordOutcome(NotAgreed), Escalated),
        ];
        for &from in BottleneckStatus::ALL {
            for action in ACTIONS {
                let want = allowed.iter().find(|(f, a, _)| *f == from && *a == action).map(|(_, _, to)| *to);
                match (transition(from, action, OPC), want) {
                    (Ok(to), Some(w)) => assert_eq!(to, w, "{from:?} {action:?}"),
                    (Err(e), None) => {
                        assert!(e.message.contains(from.label_ko()), "{from:?} {action:?}: {}", e.message)
                    }
                    (got, want) => panic!("{from:?} {action:?}: got {got:?}, want {want:?}"),
                }
                assert_eq!(allowed_from(from).contains(&action), want.is_some(), "{from:?} {action:?}");
            }
        }
    }

    #[test]
    fn a_refused_move_says_what_can_be_done_now_and_by_whom() {
        let e = transition(Raised, RecordOutcome(Agreed), OPC).unwrap_err();
        assert!(
            e.message.contains("지금 할 수 있는 일: 조정 시작, 조정 없이 해소 (국무조정실 관리자)"),
            "{}",
            e.message
        );
        let e = transition(InMediation, Mediate, OPC).unwrap_err();
        assert!(e.message.contains("조정 결과 기록"), "{}", e.message);
        let e = transition(Resolved, Mediate, OPC).unwrap_err();
        assert!(e.message.contains("더 바꿀 수 없습니다"), "{}", e.message);
        let e = transition(Escalated, ResolveWithoutMediation, OPC).unwrap_err();
        assert!(e.message.contains("'상위 보고' 상태"), "{}", e.message);
    }

    #[test]
    fn only_opc_moves_a_bottleneck() {
        for roles in [&[Role::AgencyOfficer][..], &[Role::Exchangee], &[Role::Auditor], &[Role::Evaluator], &[]] {
            for (from, action) in
                [(Raised, Mediate), (Raised, ResolveWithoutMediation), (InMediation, RecordOutcome(NotAgreed))]
            {
                let e = transition(from, action, roles).unwrap_err();
                assert!(e.message.contains("국무조정실 관리자만"), "{roles:?}: {}", e.message);
            }
        }
        assert_eq!(transition(Raised, Mediate, &[Role::AgencyOfficer, Role::OpcAdmin]), Ok(InMediation));
    }

    #[test]
    fn days_open_count_korean_days_until_closed() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        // Raised 2024-07-01 23:30 KST (14:30 UTC); now 2024-07-02 00:10 KST: one Korean day later.
        assert_eq!(days_open(at("2024-07-01T14:30:00Z"), None, at("2024-07-01T15:10:00Z")), 1);
        assert_eq!(days_open(at("2024-07-01T01:00:00Z"), None, at("2024-07-01T14:00:00Z")), 0, "the same Korean day");
        assert_eq!(
            days_open(at("2024-07-01T01:00:00Z"), Some(at("2024-07-11T01:00:00Z")), at("2024-12-01T00:00:00Z")),
            10,
            "a closed one stops counting"
        );
    }

    #[test]
    fn a_bottleneck_needs_a_category_a_description_and_agencies_of_the_task() {
        let task = [AgencyId::new(3), AgencyId::new(4)];
        let e = BottleneckDraft::parse(&BottleneckInput::default(), &task).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["category", "description", "agency_ids"]);
        let e = BottleneckDraft::parse(
            &BottleneckInput { category: s("weather"), description: s("내용"), agency_ids: vec!["9".into()] },
            &task,
        )
        .unwrap_err();
        assert!(e[0].message.contains("law_regulation(법령·규제)"), "{}", e[0].message);
        assert!(e[1].message.contains("참여기관 가운데서"), "{}", e[1].message);
        let e = BottleneckDraft::parse(
            &BottleneckInput { category: s("disagreement"), description: s("내용"), agency_ids: vec!["3".into()] },
            &task,
        )
        .unwrap_err();
        assert!(e[0].message.contains("둘 이상"), "{}", e[0].message);
        let d = BottleneckDraft::parse(
            &BottleneckInput {
                category: s("law_regulation"),
                description: s(" 환경영향평가 협의 기간 \r\n"),
                agency_ids: vec!["4".into(), "3".into(), "4".into()],
            },
            &task,
        )
        .unwrap();
        assert_eq!(d.agency_ids, vec![AgencyId::new(4), AgencyId::new(3)], "each once, in the order given");
        assert_eq!(d.description, "환경영향평가 협의 기간");
        let json: BottleneckInput = serde_json::from_str(r#"{"category":"budget","agency_ids":[3,"4"]}"#).unwrap();
        assert_eq!(json.agency_ids, vec!["3".to_string(), "4".to_string()]);
    }

    #[test]
    fn a_position_is_required_text_and_resolving_without_mediation_needs_a_reason() {
        let e = parse_position(&AgencyPositionInput { position: s("  "), version: s("1") }).unwrap_err();
        assert_eq!(e[0].field, "position");
        assert_eq!(parse_position(&AgencyPositionInput { position: s("수용 곤란"), version: s("2") }).unwrap().1, 2);
        let e = parse_decision(&DecisionInput { version: s("1"), ..Default::default() }, ResolveWithoutMediation)
            .unwrap_err();
        assert!(e[0].message.contains("해소 사유"), "{}", e[0].message);
        assert_eq!(parse_decision(&DecisionInput { version: s("1"), ..Default::default() }, Mediate), Ok((None, 1)));
    }

    #[test]
    fn a_meeting_is_held_at_a_korean_time_with_attendees_by_agency() {
        let agency = |w: &str| ["환경부", "국토부", "국조실"].contains(&w);
        let d = MeetingDraft::parse(
            &MeetingInput {
                held_at: s("2024-07-09T15:00"),
                venue: s("정부서울청사"),
                attendees: s("환경부 물관리정책과장\r\n\n국토부  산업입지정책과장, 사무관"),
                council_meeting_id: None,
            },
            agency,
        )
        .unwrap();
        assert_eq!(d.held_at.to_rfc3339(), "2024-07-09T06:00:00+00:00");
        assert_eq!(
            d.attendees,
            vec![
                AttendeeLine { agency: "환경부".into(), people: "물관리정책과장".into() },
                AttendeeLine { agency: "국토부".into(), people: "산업입지정책과장, 사무관".into() },
            ]
        );
        assert_eq!(attendee_lines(attendees_text(&d.attendees).as_deref()), d.attendees);
        let e = MeetingDraft::parse(
            &MeetingInput { held_at: s("7월 9일"), attendees: s("기재부 예산실장"), ..Default::default() },
            agency,
        )
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["held_at", "attendees"]);
        assert!(e[1].message.contains("'기재부 예산실장'"), "{}", e[1].message);
    }

    #[test]
    fn an_agreement_lists_its_actions_and_a_failed_one_says_why() {
        let task = [AgencyId::new(3), AgencyId::new(4)];
        let action = |agency: &str| FollowUpInput {
            title: s("협의 기간 단축 지침 마련"),
            owner_agency_id: s(agency),
            owner_user_id: None,
            due: s("2024-09-30"),
        };
        let e =
            OutcomeDraft::parse(&OutcomeInput { outcome: s("agreed"), version: s("3"), ..Default::default() }, &task)
                .unwrap_err();
        assert_eq!(e[0].field, "follow_ups");
        let e = OutcomeDraft::parse(
            &OutcomeInput { outcome: s("not_agreed"), version: s("3"), ..Default::default() },
            &task,
        )
        .unwrap_err();
        assert_eq!(e[0].field, "note", "escalating says why");
        let e = OutcomeDraft::parse(
            &OutcomeInput {
                outcome: s("partly_agreed"),
                note: s("기간 단축만 합의"),
                follow_ups: vec![FollowUpInput::default(), action("9")],
                version: s("3"),
            },
            &task,
        )
        .unwrap_err();
        assert_eq!(e[0].field, "follow_ups[1].owner_agency_id", "the blank row is left out, the other named");
        let d = OutcomeDraft::parse(
            &OutcomeInput {
                outcome: s("agreed"),
                note: None,
                follow_ups: vec![action("4"), FollowUpInput::default()],
                version: s("3"),
            },
            &task,
        )
        .unwrap();
        assert_eq!((d.outcome, d.follow_ups.len(), d.version), (Agreed, 1, 3));
        for o in MediationOutcome::ALL {
            assert_eq!(o.as_str().parse::<MediationOutcome>(), Ok(*o));
        }
        assert_eq!(BottleneckCategory::DataSystems.label_ko(), "데이터·시스템");
    }
}
