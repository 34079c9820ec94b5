//! Proposals (과제 발굴): a task proposed by an agency officer or OPC, with its lead agency and the
//! co-agencies (협력 기관) asked to take part; each co-agency's answer (참여 확인 / 참여 거절); and the
//! rule that a proposal is tabled (상정) only once it is ready — every agency has confirmed, a KPI
//! has a target and a due date, and the milestones are dated.
//!
//! Who may propose and answer is in `access` ([`crate::access::Proposer`]); this module does not
//! ask it.

use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

use crate::access::Proposer;
use crate::edit::{Check, TaskDraft, MAX_LONG_TEXT, MAX_TITLE};
use crate::{AgencyId, TaskSource, ValidationError};

/// The most co-agencies a proposal asks at once.
pub const MAX_CO_AGENCIES: usize = 20;
/// The longest reason for an answer.
pub const MAX_REASON: usize = 2000;

/// An agency's answer to taking part in a task (`task_agency_roles.participation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Participation {
    /// Asked, not answered yet (참여 확인 대기).
    Pending,
    Confirmed,
    Declined,
}

impl Participation {
    pub const ALL: [Participation; 3] = [Participation::Pending, Participation::Confirmed, Participation::Declined];

    pub fn as_str(self) -> &'static str {
        match self {
            Participation::Pending => "pending",
            Participation::Confirmed => "confirmed",
            Participation::Declined => "declined",
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            Participation::Pending => "참여 확인 대기",
            Participation::Confirmed => "참여 확인",
            Participation::Declined => "참여 거절",
        }
    }
}

impl FromStr for Participation {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| format!("알 수 없는 참여 상태입니다: '{s}'. pending, confirmed, declined 중 하나입니다."))
    }
}

/// What a co-agency answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Confirm,
    Decline,
}

impl Answer {
    pub const ALL: [Answer; 2] = [Answer::Confirm, Answer::Decline];

    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Confirm => "confirm",
            Answer::Decline => "decline",
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            Answer::Confirm => "참여 확인",
            Answer::Decline => "참여 거절",
        }
    }

    /// The participation the answer records.
    pub fn participation(self) -> Participation {
        match self {
            Answer::Confirm => Participation::Confirmed,
            Answer::Decline => Participation::Declined,
        }
    }
}

impl FromStr for Answer {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|a| a.as_str() == s).ok_or_else(|| {
            format!("알 수 없는 답변입니다: '{s}'. confirm(참여 확인) 또는 decline(참여 거절)으로 답해 주세요.")
        })
    }
}

/// A list of ids as a form or a script sends them: `["3", 4]`.
fn ids_as_text<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let raw: Option<Vec<serde_json::Value>> = Option::deserialize(d)?;
    Ok(raw
        .unwrap_or_default()
        .into_iter()
        .map(|v| match v {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        })
        .collect())
}

/// A proposal as submitted (the 과제 제안 form, `POST /api/v1/proposals`, `PUT
/// /api/v1/proposals/{id}`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalInput {
    pub title: Option<String>,
    /// conflict_resolution, expertise_sharing or silo_removal (may be left unset).
    #[serde(rename = "type")]
    #[cfg_attr(feature = "openapi", schema(rename = "type"))]
    pub task_type: Option<String>,
    /// exchange, national_agenda, livelihood_debate or other.
    pub source: Option<String>,
    pub description: Option<String>,
    /// The lead agency (주관 기관): an officer's own agency (left out, it is theirs); required from OPC.
    pub lead_agency_id: Option<String>,
    /// The co-agencies (협력 기관) asked to take part: at least one, not the lead.
    #[serde(default, deserialize_with = "ids_as_text")]
    pub co_agency_ids: Vec<String>,
    /// Required when editing: the task's version the change is based on.
    pub version: Option<String>,
}

/// A proposal, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ProposalDraft {
    /// The task's own fields (no pair: a proposal names its agencies itself).
    pub task: TaskDraft,
    pub lead: AgencyId,
    /// In the order given, without repeats.
    pub co_agencies: Vec<AgencyId>,
}

impl ProposalDraft {
    /// A new proposal by `by`.
    pub fn parse_new(input: &ProposalInput, by: Proposer) -> Result<ProposalDraft, Vec<ValidationError>> {
        let mut c = Check::default();
        let d = Self::fields(&mut c, input, by);
        c.done(()).and_then(|()| d.ok_or_default())
    }

    /// An edit of a proposal: the draft and the version it is based on.
    pub fn parse_edit(input: &ProposalInput, by: Proposer) -> Result<(ProposalDraft, i64), Vec<ValidationError>> {
        let mut c = Check::default();
        let version = c.version(&input.version);
        let d = Self::fields(&mut c, input, by);
        c.done(()).and_then(|()| d.ok_or_default()).map(|d| (d, version))
    }

    fn fields(c: &mut Check, input: &ProposalInput, by: Proposer) -> Option<ProposalDraft> {
        let title = c.line("title", "과제명", &input.title, MAX_TITLE, true);
        let task_type = c.choice("type", &input.task_type);
        let source: Option<TaskSource> = c.choice("source", &input.source);
        if input.source.as_deref().is_none_or(|s| s.trim().is_empty()) {
            c.fail("source", "과제 출처를 골라 주세요: 전략적 인사교류, 국정과제, 민생토론회, 기타.");
        }
        let description = c.text("description", "과제 내용", &input.description, MAX_LONG_TEXT, false);
        let given_lead: Option<AgencyId> = c.id("lead_agency_id", "주관 기관", &input.lead_agency_id);
        let lead = match by {
            Proposer::Agency(own) => {
                match given_lead {
                    Some(l) if l != own => {
                        c.fail("lead_agency_id", "기관 담당자가 제안하는 과제는 소속 기관이 주관 기관입니다. 소속 기관을 고르거나 비워 두세요.");
                        None
                    }
                    _ => Some(own),
                }
            }
            Proposer::Opc => {
                if given_lead.is_none() && input.lead_agency_id.as_deref().is_none_or(|s| s.trim().is_empty()) {
                    c.fail("lead_agency_id", "주관 기관을 골라 주세요.");
                }
                given_lead
            }
        };
        let mut co_agencies: Vec<AgencyId> = Vec::new();
        for raw in input.co_agency_ids.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            match raw.parse::<i64>().ok().filter(|n| *n > 0).map(AgencyId::new) {
                Some(a) if Some(a) == lead => c.fail(
                    "co_agency_ids",
                    "주관 기관은 협력 기관으로 고를 수 없습니다. 함께할 다른 기관을 골라 주세요.",
                ),
                Some(a) if !co_agencies.contains(&a) => co_agencies.push(a),
                Some(_) => {}
                None => c.fail("co_agency_ids", format!("협력 기관은 목록에서 골라 주세요. (입력값: '{raw}')")),
            }
        }
        if co_agencies.is_empty() && input.co_agency_ids.iter().all(|s| s.trim().is_empty()) {
            c.fail("co_agency_ids", "함께할 협력 기관을 한 곳 이상 골라 주세요. 협업과제는 두 기관 이상이 함께합니다.");
        }
        if co_agencies.len() > MAX_CO_AGENCIES {
            c.fail("co_agency_ids", format!("협력 기관은 {MAX_CO_AGENCIES}곳까지 고를 수 있습니다."));
        }
        Some(ProposalDraft {
            task: TaskDraft {
                title: title?,
                task_type,
                source: source?,
                description,
                pair_id: None,
                lead_agency_id: lead,
            },
            lead: lead?,
            co_agencies,
        })
    }

    /// Every agency of the proposal, the lead first.
    pub fn agencies(&self) -> Vec<AgencyId> {
        std::iter::once(self.lead).chain(self.co_agencies.iter().copied()).collect()
    }
}

trait OrDefault<T> {
    fn ok_or_default(self) -> Result<T, Vec<ValidationError>>;
}

impl<T> OrDefault<T> for Option<T> {
    /// Only reached with no error recorded when a field was unreadable in a way `Check` has said.
    fn ok_or_default(self) -> Result<T, Vec<ValidationError>> {
        self.ok_or_else(|| vec![ValidationError::new("body", "입력한 내용을 확인해 주세요.")])
    }
}

/// A co-agency's answer as submitted (`POST /api/v1/tasks/{id}/participation`, the task page).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ParticipationInput {
    /// The agency answering (the caller's own).
    pub agency_id: Option<String>,
    /// confirm or decline.
    pub answer: Option<String>,
    /// Why: required to decline.
    pub reason: Option<String>,
    /// The version of the agency's part of the task (`agencies[].role_version` of the task).
    pub version: Option<String>,
}

/// An answer, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipationAnswer {
    pub agency: AgencyId,
    pub answer: Answer,
    pub reason: Option<String>,
    pub version: i64,
}

impl ParticipationAnswer {
    pub fn parse(input: &ParticipationInput) -> Result<ParticipationAnswer, Vec<ValidationError>> {
        let mut c = Check::default();
        let version = c.version(&input.version);
        let agency: Option<AgencyId> = c.id("agency_id", "답하는 기관", &input.agency_id);
        if input.agency_id.as_deref().is_none_or(|s| s.trim().is_empty()) {
            c.fail("agency_id", "답하는 기관(agency_id)을 적어 주세요.");
        }
        let answer: Option<Answer> = c.choice("answer", &input.answer);
        if input.answer.as_deref().is_none_or(|s| s.trim().is_empty()) {
            c.fail("answer", "참여 확인(confirm) 또는 참여 거절(decline)을 골라 주세요.");
        }
        let reason = c.text("reason", "사유", &input.reason, MAX_REASON, false);
        if answer == Some(Answer::Decline) && reason.is_none() {
            c.fail("reason", "참여를 거절하는 까닭을 적어 주세요. 제안한 기관과 국무조정실이 봅니다.");
        }
        c.done(())?;
        match (agency, answer) {
            (Some(agency), Some(answer)) => Ok(ParticipationAnswer { agency, answer, reason, version }),
            _ => Err(vec![ValidationError::new("answer", "입력한 내용을 확인해 주세요.")]),
        }
    }
}

/// What tabling needs to know about a task.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TablingFacts {
    /// Each agency taking part (short name) and its answer, in the order they joined.
    pub agencies: Vec<(String, Participation)>,
    /// Each KPI: whether it has a target value, whether it has a due date.
    pub kpis: Vec<(bool, bool)>,
    /// Each milestone: whether it has a due date.
    pub milestones: Vec<bool>,
}

/// Why a task may not be tabled yet: everything missing, in Korean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotReady {
    pub missing: Vec<String>,
}

impl std::fmt::Display for NotReady {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "상정할 수 없습니다: {}", self.missing.join(", "))
    }
}

impl std::error::Error for NotReady {}

/// Whether a task may be tabled (상정): every agency has confirmed its part, at least one KPI has
/// a target and a due date, and it has milestones, each dated. The refusal lists all that is missing.
pub fn check_tabling(f: &TablingFacts) -> Result<(), NotReady> {
    let mut missing = Vec::new();
    for (agency, p) in &f.agencies {
        match p {
            Participation::Confirmed => {}
            p => missing.push(format!("{agency} {}", p.label_ko())),
        }
    }
    if !f.kpis.iter().any(|(target, due)| *target && *due) {
        missing.push("목표치와 기한이 있는 성과지표 없음".to_string());
    }
    let undated = f.milestones.iter().filter(|dated| !**dated).count();
    if f.milestones.is_empty() {
        missing.push("날짜가 있는 추진일정 없음".to_string());
    } else if undated > 0 {
        missing.push(format!("날짜가 없는 추진일정 {undated}건"));
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(NotReady { missing })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(title: &str, lead: Option<&str>, co: &[&str]) -> ProposalInput {
        ProposalInput {
            title: Some(title.into()),
            source: Some("national_agenda".into()),
            lead_agency_id: lead.map(str::to_string),
            co_agency_ids: co.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    fn fields(e: &[ValidationError]) -> Vec<&str> {
        e.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn an_officers_proposal_is_led_by_its_own_agency() {
        let d =
            ProposalDraft::parse_new(&input("하천 정비", None, &["5", "7", "5"]), Proposer::Agency(AgencyId::new(3)))
                .unwrap();
        assert_eq!(d.lead, AgencyId::new(3));
        assert_eq!(d.task.lead_agency_id, Some(AgencyId::new(3)));
        assert_eq!(d.co_agencies, vec![AgencyId::new(5), AgencyId::new(7)], "repeats dropped");
        assert_eq!(d.agencies(), vec![AgencyId::new(3), AgencyId::new(5), AgencyId::new(7)]);
        assert_eq!(d.task.source, TaskSource::NationalAgenda);
        let e = ProposalDraft::parse_new(&input("하천 정비", Some("4"), &["5"]), Proposer::Agency(AgencyId::new(3)))
            .unwrap_err();
        assert_eq!(fields(&e), vec!["lead_agency_id"]);
        assert!(e[0].message.contains("소속 기관이 주관 기관"), "{}", e[0].message);
    }

    #[test]
    fn opc_names_the_lead_and_the_lead_is_no_co_agency() {
        let e = ProposalDraft::parse_new(&input("하천 정비", None, &["5"]), Proposer::Opc).unwrap_err();
        assert_eq!((fields(&e), e[0].message.as_str()), (vec!["lead_agency_id"], "주관 기관을 골라 주세요."));
        let e = ProposalDraft::parse_new(&input("하천 정비", Some("5"), &["5"]), Proposer::Opc).unwrap_err();
        assert_eq!(fields(&e), vec!["co_agency_ids"], "one message, not two: {e:?}");
        let d = ProposalDraft::parse_new(&input("하천 정비", Some("4"), &["5"]), Proposer::Opc).unwrap();
        assert_eq!((d.lead, d.co_agencies), (AgencyId::new(4), vec![AgencyId::new(5)]));
    }

    #[test]
    fn every_problem_of_a_proposal_is_reported_at_once_in_korean() {
        let bad = ProposalInput {
            title: Some("  ".into()),
            task_type: Some("merger".into()),
            co_agency_ids: vec!["x".into()],
            ..Default::default()
        };
        let e = ProposalDraft::parse_new(&bad, Proposer::Opc).unwrap_err();
        assert_eq!(fields(&e), vec!["title", "type", "source", "lead_agency_id", "co_agency_ids"], "{e:?}");
        assert_eq!(e[0].message, "과제명을 입력해 주세요.");
        assert!(e[4].message.contains("목록에서 골라"), "{}", e[4].message);
        let none = ProposalDraft::parse_new(&input("t", Some("1"), &[]), Proposer::Opc).unwrap_err();
        assert!(none[0].message.starts_with("함께할 협력 기관을 한 곳 이상"), "{none:?}");
        let e = ProposalDraft::parse_edit(&input("t", Some("1"), &["2"]), Proposer::Opc).unwrap_err();
        assert_eq!(fields(&e), vec!["version"]);
    }

    #[test]
    fn a_decline_needs_a_reason_and_an_answer_is_one_of_two() {
        let i = |a: &str, r: &str| ParticipationInput {
            agency_id: Some("5".into()),
            answer: Some(a.into()),
            reason: Some(r.into()),
            version: Some("2".into()),
        };
        assert_eq!(
            ParticipationAnswer::parse(&i("confirm", "")),
            Ok(ParticipationAnswer { agency: AgencyId::new(5), answer: Answer::Confirm, reason: None, version: 2 })
        );
        let e = ParticipationAnswer::parse(&i("decline", " ")).unwrap_err();
        assert_eq!(fields(&e), vec!["reason"]);
        assert_eq!(
            ParticipationAnswer::parse(&i("decline", " 인력 부족 ")).unwrap().reason.as_deref(),
            Some("인력 부족")
        );
        let e = ParticipationAnswer::parse(&i("maybe", "")).unwrap_err();
        assert!(e[0].message.contains("confirm(참여 확인)"), "{e:?}");
        let e = ParticipationAnswer::parse(&ParticipationInput::default()).unwrap_err();
        assert_eq!(fields(&e), vec!["version", "agency_id", "answer"]);
    }

    #[test]
    fn tabling_waits_for_every_agency_a_kpi_with_target_and_due_date_and_dated_milestones() {
        let ready = TablingFacts {
            agencies: vec![("국토부".into(), Participation::Confirmed), ("환경부".into(), Participation::Confirmed)],
            kpis: vec![(false, true), (true, true)],
            milestones: vec![true],
        };
        assert_eq!(check_tabling(&ready), Ok(()));

        let not_yet = TablingFacts {
            agencies: vec![
                ("국토부".into(), Participation::Confirmed),
                ("환경부".into(), Participation::Pending),
                ("산업부".into(), Participation::Declined),
            ],
            kpis: vec![(true, false), (false, true)],
            milestones: vec![],
        };
        assert_eq!(
            check_tabling(&not_yet).unwrap_err().to_string(),
            "상정할 수 없습니다: 환경부 참여 확인 대기, 산업부 참여 거절, 목표치와 기한이 있는 성과지표 없음, \
             날짜가 있는 추진일정 없음"
        );
        let undated = TablingFacts { milestones: vec![true, false, false], ..ready.clone() };
        assert_eq!(check_tabling(&undated).unwrap_err().missing, vec!["날짜가 없는 추진일정 2건".to_string()]);
        assert!(check_tabling(&TablingFacts::default()).is_err(), "nothing at all is not ready");
    }

    #[test]
    fn participations_and_answers_round_trip() {
        for p in Participation::ALL {
            assert_eq!(p.as_str().parse::<Participation>(), Ok(p));
        }
        for a in Answer::ALL {
            assert_eq!(a.as_str().parse::<Answer>(), Ok(a));
        }
        assert_eq!(Answer::Decline.participation(), Participation::Declined);
    }
}
