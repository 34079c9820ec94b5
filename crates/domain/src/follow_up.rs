//! Follow-up actions (후속조치): what a mediation's outcome (or, later, a council decision) asks of an
//! owner agency — and optionally one person of it — by a due date, until it is marked done.
//!
//! A follow-up names where it came from by a kind and an id ([`FollowUpSource`]), so a new source is
//! a new variant here, not a new table.

use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::edit::{Check, MAX_ROLE, MAX_TITLE};
use crate::{AgencyId, AgendaItemId, BottleneckId, UserId, ValidationError};

/// Where a follow-up came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum FollowUpSource {
    /// The agreed actions of a mediation (the bottleneck mediated).
    Mediation(BottleneckId),
    /// A council decision (the agenda item decided).
    Council(AgendaItemId),
}

impl FollowUpSource {
    /// The kinds a follow-up's source can be of (`follow_ups.source_kind`).
    pub const KINDS: [&'static str; 2] = ["mediation", "council"];

    pub fn kind(self) -> &'static str {
        match self {
            FollowUpSource::Mediation(_) => "mediation",
            FollowUpSource::Council(_) => "council",
        }
    }

    pub fn id(self) -> i64 {
        match self {
            FollowUpSource::Mediation(b) => b.get(),
            FollowUpSource::Council(i) => i.get(),
        }
    }

    /// A source as stored.
    pub fn from_stored(kind: &str, id: i64) -> Result<FollowUpSource, String> {
        match kind {
            "mediation" => Ok(FollowUpSource::Mediation(BottleneckId::new(id))),
            "council" => Ok(FollowUpSource::Council(AgendaItemId::new(id))),
            other => Err(format!("알 수 없는 후속조치 출처입니다: '{other}'")),
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            FollowUpSource::Mediation(_) => "이견 조정 결과",
            FollowUpSource::Council(_) => "협의회 결정",
        }
    }
}

/// A value as a form (text) or a script (a number) sends it, inside a list where the API's own
/// reading of numbers as text does not reach.
fn text_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(other) => Some(other.to_string()),
    })
}

/// A follow-up as typed: on a mediation's outcome form, or sent by the council's use cases.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpInput {
    /// What is to be done (200자 이내).
    pub title: Option<String>,
    /// The agency that owns it (its id).
    #[serde(default, deserialize_with = "text_or_number")]
    pub owner_agency_id: Option<String>,
    /// A person of that agency who owns it (their account's id), if one is named.
    #[serde(default, deserialize_with = "text_or_number")]
    pub owner_user_id: Option<String>,
    /// By when (YYYY-MM-DD).
    pub due: Option<String>,
}

impl FollowUpInput {
    /// Nothing typed: an empty row of a form, left out.
    pub fn is_blank(&self) -> bool {
        [&self.title, &self.owner_agency_id, &self.owner_user_id, &self.due]
            .iter()
            .all(|v| v.as_deref().is_none_or(|s| s.trim().is_empty()))
    }
}

/// A follow-up checked field by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpDraft {
    pub title: String,
    pub owner_agency_id: AgencyId,
    pub owner_user_id: Option<UserId>,
    pub due: NaiveDate,
}

impl FollowUpDraft {
    /// `prefix` names the fields in errors (`follow_ups[0].title` on a form with several rows; empty
    /// for a single one).
    pub fn parse(input: &FollowUpInput, prefix: &str) -> Result<FollowUpDraft, Vec<ValidationError>> {
        let mut c = Check::default();
        let f = |name: &str| format!("{prefix}{name}");
        let title = c.line(&f("title"), "후속조치 내용", &input.title, MAX_TITLE, true);
        let agency: Option<AgencyId> = c.id(&f("owner_agency_id"), "담당 기관", &input.owner_agency_id);
        if agency.is_none() && input.owner_agency_id.as_deref().is_none_or(|s| s.trim().is_empty()) {
            c.fail(&f("owner_agency_id"), "담당 기관을 골라 주세요.");
        }
        let user: Option<UserId> = c.id(&f("owner_user_id"), "담당자", &input.owner_user_id);
        let due = c.date(&f("due"), "기한", &input.due);
        if due.is_none() && input.due.as_deref().is_none_or(|s| s.trim().is_empty()) {
            c.fail(&f("due"), "기한을 2024-06-30처럼 연-월-일로 입력해 주세요.");
        }
        match (title, agency, due) {
            (Some(title), Some(owner_agency_id), Some(due)) => {
                c.done(FollowUpDraft { title, owner_agency_id, owner_user_id: user, due })
            }
            _ => Err(c.done(()).err().unwrap_or_default()),
        }
    }
}

/// Marking a follow-up done: the day it was done (today when left empty) and a note.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpDoneInput {
    /// The day it was done (YYYY-MM-DD); today (Korean time) when empty.
    pub done_on: Option<String>,
    /// What was done (1,000자 이내).
    pub note: Option<String>,
    /// The version of the follow-up the change is based on.
    pub version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpDone {
    pub done_on: NaiveDate,
    pub note: Option<String>,
    pub version: i64,
}

impl FollowUpDone {
    /// `today` is the Korean day it is marked: the default, and the latest day it can be done on.
    pub fn parse(input: &FollowUpDoneInput, today: NaiveDate) -> Result<FollowUpDone, Vec<ValidationError>> {
        let mut c = Check::default();
        let version = c.version(&input.version);
        let done_on = c.date("done_on", "완료일", &input.done_on).unwrap_or(today);
        if done_on > today {
            c.fail(
                "done_on",
                format!(
                    "완료일은 오늘({})보다 뒤일 수 없습니다. 끝난 날을 입력하거나 비워 두세요(비우면 오늘).",
                    today.format("%Y-%m-%d")
                ),
            );
        }
        let note = c.text("note", "조치 내용", &input.note, MAX_ROLE, false);
        c.done(FollowUpDone { done_on, note, version })
    }
}

/// Why a follow-up cannot be marked done.
pub fn check_not_done(done_on: Option<NaiveDate>) -> Result<(), ValidationError> {
    match done_on {
        Some(d) => {
            Err(ValidationError::new("done_on", format!("이미 {}에 완료 처리된 후속조치입니다.", d.format("%Y-%m-%d"))))
        }
        None => Ok(()),
    }
}

/// Days until a follow-up not done is due on `today` (negative: overdue by that many days).
pub fn days_left(due: NaiveDate, today: NaiveDate) -> i64 {
    (due - today).num_days()
}

impl FromStr for FollowUpSource {
    type Err = String;
    /// `mediation:12`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (kind, id) = s.split_once(':').ok_or_else(|| format!("후속조치 출처는 종류:번호로 씁니다: '{s}'"))?;
        let id = id.trim().parse::<i64>().map_err(|_| format!("후속조치 출처의 번호가 숫자가 아닙니다: '{s}'"))?;
        FollowUpSource::from_stored(kind.trim(), id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_follow_up_needs_what_who_and_by_when_and_says_each_in_korean() {
        let e = FollowUpDraft::parse(&FollowUpInput::default(), "").unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["title", "owner_agency_id", "due"]);
        assert!(e[0].message.contains("후속조치 내용"), "{}", e[0].message);
        assert!(e[1].message.contains("담당 기관"), "{}", e[1].message);
        let e = FollowUpDraft::parse(
            &FollowUpInput {
                title: s("고시 개정"), owner_agency_id: s("x"), due: s("6월 말"), ..Default::default()
            },
            "follow_ups[1].",
        )
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["follow_ups[1].owner_agency_id", "follow_ups[1].due"]);
        assert!(e[1].message.contains("2024-06-30"), "{}", e[1].message);
        let d = FollowUpDraft::parse(
            &FollowUpInput {
                title: s(" 고시 개정 "),
                owner_agency_id: s("4"),
                owner_user_id: s(""),
                due: s("2024-09-30"),
            },
            "",
        )
        .unwrap();
        assert_eq!(
            d,
            FollowUpDraft {
                title: "고시 개정".into(),
                owner_agency_id: AgencyId::new(4),
                owner_user_id: None,
                due: day("2024-09-30")
            }
        );
    }

    #[test]
    fn done_is_today_unless_said_and_never_in_the_future() {
        let today = day("2024-07-10");
        let d = FollowUpDone::parse(&FollowUpDoneInput { version: s("2"), ..Default::default() }, today).unwrap();
        assert_eq!((d.done_on, d.version, d.note), (today, 2, None));
        let e = FollowUpDone::parse(
            &FollowUpDoneInput { done_on: s("2024-07-11"), version: s("2"), ..Default::default() },
            today,
        )
        .unwrap_err();
        assert_eq!(e[0].field, "done_on");
        assert!(e[0].message.contains("오늘(2024-07-10)보다 뒤일 수 없습니다"), "{}", e[0].message);
        let e = FollowUpDone::parse(&FollowUpDoneInput::default(), today).unwrap_err();
        assert_eq!(e[0].field, "version");
        assert!(check_not_done(Some(today)).unwrap_err().message.contains("이미 2024-07-10에 완료"));
        assert!(check_not_done(None).is_ok());
    }

    #[test]
    fn a_source_is_a_kind_and_an_id_and_an_unknown_kind_is_refused() {
        let m = FollowUpSource::Mediation(BottleneckId::new(12));
        assert_eq!((m.kind(), m.id()), ("mediation", 12));
        assert_eq!(FollowUpSource::from_stored("mediation", 12), Ok(m));
        assert_eq!("mediation:12".parse::<FollowUpSource>(), Ok(m));
        assert!(FollowUpSource::from_stored("memo", 1).is_err());
        assert_eq!(serde_json::to_value(m).unwrap(), serde_json::json!({"kind": "mediation", "id": 12}));
        assert!(FollowUpSource::KINDS.contains(&m.kind()));
        let c = FollowUpSource::Council(AgendaItemId::new(3));
        assert_eq!("council:3".parse::<FollowUpSource>(), Ok(c));
        assert!(FollowUpSource::KINDS.contains(&c.kind()));
    }

    #[test]
    fn days_left_count_down_to_the_due_date_and_past_it() {
        assert_eq!(days_left(day("2024-07-20"), day("2024-07-10")), 10);
        assert_eq!(days_left(day("2024-07-01"), day("2024-07-10")), -9);
        assert!(FollowUpInput::default().is_blank());
        assert!(!FollowUpInput { due: s("2024-01-01"), ..Default::default() }.is_blank());
    }
}
