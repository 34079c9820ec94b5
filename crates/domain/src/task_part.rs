//! The parts of a task that are added, changed and removed one by one: its KPIs (성과지표) and
//! its milestones (추진일정). The same shapes are read from the built-in dataset, checked from what a
//! user submits, and shown.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::edit::{Check, MAX_ROLE, MAX_TITLE, MAX_UNIT};
use crate::{KpiId, MilestoneId, RecordId, ValidationError};

/// A part of a task with its own list, its own forms and its own rows: what the code that adds,
/// changes and removes one needs to know of it.
pub trait TaskPart: Sized {
    type Id: RecordId;
    /// The fields as typed.
    type Input;
    /// What one is called, in Korean ("성과지표").
    const WHAT: &'static str;

    fn parse(input: &Self::Input) -> Result<Self, Vec<ValidationError>>;
    /// What can only be checked knowing the day it is saved (Korean time).
    fn check_on(&self, _today: NaiveDate) -> Result<(), Vec<ValidationError>> {
        Ok(())
    }
    /// The version the change is based on.
    fn input_version(input: &Self::Input) -> &Option<String>;

    /// A change of an existing one: its fields and the version the change is based on.
    fn parse_edit(input: &Self::Input) -> Result<(Self, i64), Vec<ValidationError>> {
        let mut c = Check::default();
        let version = c.version(Self::input_version(input));
        let parsed = Self::parse(input);
        match (parsed, c.done(version)) {
            (Ok(part), Ok(version)) => Ok((part, version)),
            (parsed, version) => {
                let mut errors = version.err().unwrap_or_default();
                errors.extend(parsed.err().unwrap_or_default());
                Err(errors)
            }
        }
    }
}

/// 성과지표: a measure of what the task achieves, from a baseline to a target by a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Kpi {
    pub name: String,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub unit: Option<String>,
    pub due: Option<NaiveDate>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KpiInput {
    pub name: Option<String>,
    pub baseline: Option<String>,
    pub target: Option<String>,
    pub unit: Option<String>,
    pub due: Option<String>,
    pub note: Option<String>,
    /// Required when editing.
    pub version: Option<String>,
}

impl TaskPart for Kpi {
    type Id = KpiId;
    type Input = KpiInput;
    const WHAT: &'static str = "성과지표";

    fn parse(input: &KpiInput) -> Result<Kpi, Vec<ValidationError>> {
        let mut c = Check::default();
        let name = c.line("name", "성과지표 이름", &input.name, MAX_TITLE, true).unwrap_or_default();
        let (baseline, baseline_unit) = c.measure("baseline", "기준값", &input.baseline);
        let (target, target_unit) = c.measure("target", "목표값", &input.target);
        let unit_field = c.line("unit", "단위", &input.unit, MAX_UNIT, false);
        // "50%" in a value says its unit; it must agree with the unit field and the other value.
        let written: Vec<(&str, String)> = [("단위", unit_field), ("기준값", baseline_unit), ("목표값", target_unit)]
            .into_iter()
            .filter_map(|(what, u)| u.map(|u| (what, u)))
            .collect();
        let unit = written.first().map(|(_, u)| u.clone());
        if written.iter().any(|(_, u)| Some(u) != unit.as_ref()) {
            let said: Vec<String> = written.iter().map(|(what, u)| format!("{what} '{u}'")).collect();
            c.fail("unit", format!("단위가 서로 다릅니다: {}. 하나로 맞춰 주세요.", said.join(", ")));
        }
        let kpi = Kpi {
            name,
            baseline,
            target,
            unit,
            due: c.date("due", "기한", &input.due),
            note: c.text("note", "비고", &input.note, MAX_ROLE, false),
        };
        c.done(kpi)
    }

    fn input_version(input: &KpiInput) -> &Option<String> {
        &input.version
    }
}

impl Milestone {
    /// Days past the due date of a milestone not done by `today`; `None` when it is not overdue.
    pub fn days_overdue(&self, today: NaiveDate) -> Option<i64> {
        match (self.due, self.done_on) {
            (Some(due), None) if due < today => Some((today - due).num_days()),
            _ => None,
        }
    }
}

/// 추진일정: a step of the task with its due date, and the day it was done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    pub title: String,
    pub due: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MilestoneInput {
    pub title: Option<String>,
    pub due: Option<String>,
    pub done_on: Option<String>,
    pub note: Option<String>,
    /// Required when editing.
    pub version: Option<String>,
}

impl TaskPart for Milestone {
    type Id = MilestoneId;
    type Input = MilestoneInput;
    const WHAT: &'static str = "추진일정";

    fn parse(input: &MilestoneInput) -> Result<Milestone, Vec<ValidationError>> {
        let mut c = Check::default();
        let milestone = Milestone {
            title: c.line("title", "추진일정", &input.title, MAX_TITLE, true).unwrap_or_default(),
            due: c.date("due", "기한", &input.due),
            done_on: c.date("done_on", "완료일", &input.done_on),
            note: c.text("note", "비고", &input.note, MAX_ROLE, false),
        };
        c.done(milestone)
    }

    fn check_on(&self, today: NaiveDate) -> Result<(), Vec<ValidationError>> {
        match self.done_on {
            Some(done) if done > today => Err(vec![ValidationError::new(
                "done_on",
                format!(
                    "완료일은 오늘({})보다 뒤일 수 없습니다. 끝난 날을 입력하거나, 아직 끝나지 않았으면 비워 두세요.",
                    today.format("%Y-%m-%d")
                ),
            )]),
            _ => Ok(()),
        }
    }

    fn input_version(input: &MilestoneInput) -> &Option<String> {
        &input.version
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    #[test]
    fn numbers_and_dates_are_checked_with_the_expected_form() {
        let e =
            Kpi::parse(&KpiInput { name: s("지표"), target: s("절반"), due: s("2024/6/30"), ..Default::default() })
                .unwrap_err();
        assert_eq!(e[0].field, "target");
        assert_eq!(e[1].field, "due");
        assert!(e[1].message.contains("2024-06-30"));
        let d =
            Kpi::parse(&KpiInput { name: s("지표"), target: s("1,500"), due: s("2024-06-30"), ..Default::default() })
                .unwrap();
        assert_eq!(d.target, Some(1500.0));
    }

    #[test]
    fn a_kpi_value_may_carry_its_unit_and_thousands_separators() {
        let k = Kpi::parse(&KpiInput {
            name: s("조성기간 단축"),
            target: s("50%"),
            baseline: s("0 %"),
            ..Default::default()
        })
        .unwrap();
        assert_eq!((k.baseline, k.target, k.unit.as_deref()), (Some(0.0), Some(50.0), Some("%")));
        let k = Kpi::parse(&KpiInput {
            name: s("지원 기업"),
            target: s("1,500개사"),
            unit: s("개사"),
            ..Default::default()
        })
        .unwrap();
        assert_eq!((k.target, k.unit.as_deref()), (Some(1500.0), Some("개사")));
        let e = Kpi::parse(&KpiInput { name: s("지표"), target: s("50%"), unit: s("건"), ..Default::default() })
            .unwrap_err();
        assert_eq!(e[0].field, "unit");
        assert!(e[0].message.contains("단위 '건', 목표값 '%'"), "{}", e[0].message);
        let e = Kpi::parse(&KpiInput { name: s("지표"), target: s("50%3"), ..Default::default() }).unwrap_err();
        assert_eq!(e[0].field, "target");
        assert!(e[0].message.contains("예: 1,500, 50%"), "{}", e[0].message);
        let e = Kpi::parse(&KpiInput { name: s("지표"), target: s("%"), ..Default::default() }).unwrap_err();
        assert_eq!(e[0].field, "target");
    }

    #[test]
    fn a_milestone_is_overdue_past_its_due_date_until_done_and_is_not_done_in_the_future() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let m = |due: Option<&str>, done: Option<&str>| Milestone {
            title: "점검".into(),
            due: due.map(day),
            done_on: done.map(day),
            note: None,
        };
        let today = day("2024-07-10");
        assert_eq!(m(Some("2024-06-30"), None).days_overdue(today), Some(10));
        assert_eq!(m(Some("2024-07-10"), None).days_overdue(today), None, "due today is not late yet");
        assert_eq!(m(Some("2024-06-30"), Some("2024-07-05")).days_overdue(today), None, "done, late or not");
        assert_eq!(m(None, None).days_overdue(today), None);
        assert!(m(None, Some("2024-07-10")).check_on(today).is_ok());
        let e = m(None, Some("2024-07-11")).check_on(today).unwrap_err();
        assert_eq!(e[0].field, "done_on");
        assert!(e[0].message.contains("오늘(2024-07-10)보다 뒤일 수 없습니다"), "{}", e[0].message);
    }

    #[test]
    fn an_edit_needs_the_version_first_and_reports_every_field() {
        let e = Milestone::parse_edit(&MilestoneInput { due: s("내일"), ..Default::default() }).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["version", "title", "due"]);
        let (m, v) =
            Milestone::parse_edit(&MilestoneInput { title: s("완료 보고"), version: s("4"), ..Default::default() })
                .unwrap();
        assert_eq!((m.title.as_str(), v), ("완료 보고", 4));
    }
}
