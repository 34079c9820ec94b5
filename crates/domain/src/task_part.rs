//! The parts of a task that are added, changed and removed one by one: its KPIs (성과지표) and
//! its milestones (추진일정). The same shapes are read from the built-in dataset, checked from what a
//! user submits, and shown.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::edit::{Check, MAX_ROLE, MAX_TITLE};
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
        let kpi = Kpi {
            name: c.line("name", "성과지표 이름", &input.name, MAX_TITLE, true).unwrap_or_default(),
            baseline: c.number("baseline", "기준값", &input.baseline),
            target: c.number("target", "목표값", &input.target),
            unit: c.line("unit", "단위", &input.unit, 20, false),
            due: c.date("due", "기한", &input.due),
            note: c.text("note", "비고", &input.note, MAX_ROLE, false),
        };
        c.done(kpi)
    }

    fn input_version(input: &KpiInput) -> &Option<String> {
        &input.version
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
