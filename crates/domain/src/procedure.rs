//! 행정절차 소요기간 (procedure lead times): an administrative procedure a task goes through — its
//! legal basis, how long it usually takes, when it was planned and when it actually ran — and the
//! time the task saves against the usual duration (the Yongin cluster's 환경영향평가, which usually
//! takes more than a year, shortened).
//!
//! A duration is counted as the days from the start to the end (`end − start`): a procedure that
//! starts on 2024-05-01 and ends on 2024-05-31 took 30 days.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::edit::{Check, MAX_ROLE, MAX_TITLE};
use crate::korean::thousands;
use crate::task_part::TaskPart;
use crate::{ProcedureId, ValidationError};

/// The longest usual duration a procedure takes, in days (100 years): more is a typing mistake.
pub const MAX_USUAL_DAYS: i64 = 36_500;
/// The most procedures one task tracks: a task goes through a handful; the list is shown whole.
pub const MAX_PROCEDURES_PER_TASK: i64 = 50;

/// 행정절차: one administrative procedure of a task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Procedure {
    /// 절차명, e.g. 환경영향평가.
    pub name: String,
    /// 법적 근거, e.g. 환경영향평가법.
    #[serde(default)]
    pub legal_basis: Option<String>,
    /// 통상 소요기간: how many days the procedure usually takes.
    pub usual_days: i64,
    #[serde(default)]
    pub planned_start: Option<NaiveDate>,
    #[serde(default)]
    pub planned_end: Option<NaiveDate>,
    #[serde(default)]
    pub actual_start: Option<NaiveDate>,
    #[serde(default)]
    pub actual_end: Option<NaiveDate>,
    #[serde(default)]
    pub note: Option<String>,
}

/// What a saving is measured on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SavedBasis {
    /// The procedure has ended: its actual duration.
    Actual,
    /// It has not ended (or its actual dates are not entered): its planned duration.
    Planned,
}

impl SavedBasis {
    pub fn label_ko(self) -> &'static str {
        match self {
            SavedBasis::Actual => "실제 소요기간 기준",
            SavedBasis::Planned => "계획 기준",
        }
    }
}

/// The time a procedure saves against its usual duration. Negative: it takes longer than usual.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Saving {
    /// The duration the saving is measured on, in days.
    pub duration_days: i64,
    /// The usual days minus that duration.
    pub saved_days: i64,
    pub basis: SavedBasis,
}

impl Saving {
    /// "120일 단축 (실제 소요기간 기준)", "5일 초과 (계획 기준)".
    pub fn describe_ko(&self) -> String {
        let amount = match self.saved_days {
            d if d > 0 => format!("{}일 단축", thousands(d as usize)),
            0 => "통상 소요기간과 같음".to_string(),
            d => format!("{}일 초과", thousands(d.unsigned_abs() as usize)),
        };
        format!("{amount} ({})", self.basis.label_ko())
    }
}

/// Days from `start` to `end`, when both are known.
fn days_between(start: Option<NaiveDate>, end: Option<NaiveDate>) -> Option<i64> {
    Some((end? - start?).num_days())
}

impl Procedure {
    /// The actual duration, once the procedure has ended.
    pub fn actual_days(&self) -> Option<i64> {
        days_between(self.actual_start, self.actual_end)
    }

    pub fn planned_days(&self) -> Option<i64> {
        days_between(self.planned_start, self.planned_end)
    }

    /// The saving against the usual duration: on the actual duration when the procedure has ended,
    /// otherwise on the planned one; `None` when neither is known.
    pub fn saving(&self) -> Option<Saving> {
        let (duration_days, basis) = match (self.actual_days(), self.planned_days()) {
            (Some(d), _) => (d, SavedBasis::Actual),
            (None, Some(d)) => (d, SavedBasis::Planned),
            (None, None) => return None,
        };
        Some(Saving { duration_days, saved_days: self.usual_days - duration_days, basis })
    }
}

/// The time a task saves over all its procedures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SavingTotal {
    /// The sum of the procedures' `saved_days`, those without one left out.
    pub saved_days: i64,
    /// How many procedures it sums on their actual duration.
    pub actual_count: i64,
    /// How many on their planned duration.
    pub planned_count: i64,
    /// How many have neither and are left out.
    pub unknown_count: i64,
}

impl SavingTotal {
    pub fn of<'a>(procedures: impl IntoIterator<Item = &'a Procedure>) -> SavingTotal {
        let mut total = SavingTotal::default();
        for p in procedures {
            match p.saving() {
                Some(s) => {
                    total.saved_days += s.saved_days;
                    match s.basis {
                        SavedBasis::Actual => total.actual_count += 1,
                        SavedBasis::Planned => total.planned_count += 1,
                    }
                }
                None => total.unknown_count += 1,
            }
        }
        total
    }

    /// What the total is made of: "실제 소요기간 기준 1건, 계획 기준 1건 합계 (기간 미입력 1건 제외)".
    pub fn basis_ko(&self) -> String {
        let mut parts = Vec::new();
        if self.actual_count > 0 {
            parts.push(format!("실제 소요기간 기준 {}건", self.actual_count));
        }
        if self.planned_count > 0 {
            parts.push(format!("계획 기준 {}건", self.planned_count));
        }
        let mut out =
            if parts.is_empty() { "합계할 기간이 없음".to_string() } else { parts.join(", ") + " 합계" };
        if self.unknown_count > 0 {
            out.push_str(&format!(" (기간 미입력 {}건 제외)", self.unknown_count));
        }
        out
    }
}

/// A procedure as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProcedureInput {
    pub name: Option<String>,
    pub legal_basis: Option<String>,
    /// A whole number of days from 1.
    pub usual_days: Option<String>,
    pub planned_start: Option<String>,
    pub planned_end: Option<String>,
    pub actual_start: Option<String>,
    pub actual_end: Option<String>,
    pub note: Option<String>,
    /// Required when editing.
    pub version: Option<String>,
}

/// Checks that a pair of dates is in order and that an end has its start.
fn check_span(
    c: &mut Check,
    what: &str,
    (start_field, start): (&str, Option<NaiveDate>),
    end: (&str, Option<NaiveDate>),
) {
    let (end_field, end) = end;
    match (start, end) {
        (None, Some(_)) => c.fail(start_field, format!("{what} 종료일을 입력하려면 {what} 시작일도 입력해 주세요.")),
        (Some(s), Some(e)) if e < s => c.fail(
            end_field,
            format!(
                "{what} 종료일({})이 시작일({})보다 앞설 수 없습니다. 날짜를 확인해 주세요.",
                e.format("%Y-%m-%d"),
                s.format("%Y-%m-%d")
            ),
        ),
        _ => {}
    }
}

impl TaskPart for Procedure {
    type Id = ProcedureId;
    type Input = ProcedureInput;
    const WHAT: &'static str = "행정절차";

    fn parse(input: &ProcedureInput) -> Result<Procedure, Vec<ValidationError>> {
        let mut c = Check::default();
        let name = c.line("name", "절차명", &input.name, MAX_TITLE, true).unwrap_or_default();
        let legal_basis = c.line("legal_basis", "법적 근거", &input.legal_basis, MAX_TITLE, false);
        let usual_days = match input.usual_days.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                c.fail("usual_days", "통상 소요기간을 일 수로 입력해 주세요 (예: 365).");
                0
            }
            Some(raw) => match raw.replace(',', "").trim_end_matches('일').trim().parse::<i64>() {
                Ok(d) if (1..=MAX_USUAL_DAYS).contains(&d) => d,
                _ => {
                    c.fail(
                        "usual_days",
                        format!(
                            "통상 소요기간은 1부터 {}까지의 정수(일)로 입력해 주세요 (예: 365). 입력값: '{raw}'",
                            thousands(MAX_USUAL_DAYS as usize)
                        ),
                    );
                    0
                }
            },
        };
        let planned_start = c.date("planned_start", "계획 시작일", &input.planned_start);
        let planned_end = c.date("planned_end", "계획 종료일", &input.planned_end);
        let actual_start = c.date("actual_start", "실제 시작일", &input.actual_start);
        let actual_end = c.date("actual_end", "실제 종료일", &input.actual_end);
        check_span(&mut c, "계획", ("planned_start", planned_start), ("planned_end", planned_end));
        check_span(&mut c, "실제", ("actual_start", actual_start), ("actual_end", actual_end));
        let note = c.text("note", "비고", &input.note, MAX_ROLE, false);
        c.done(Procedure { name, legal_basis, usual_days, planned_start, planned_end, actual_start, actual_end, note })
    }

    /// What actually happened cannot have happened after today (Korean time).
    fn check_on(&self, today: NaiveDate) -> Result<(), Vec<ValidationError>> {
        let mut errors = Vec::new();
        for (field, label, day) in
            [("actual_start", "실제 시작일", self.actual_start), ("actual_end", "실제 종료일", self.actual_end)]
        {
            if day.is_some_and(|d| d > today) {
                errors.push(ValidationError::new(
                    field,
                    format!(
                        "{label}은 오늘({})보다 뒤일 수 없습니다. 예정된 날짜는 계획 시작일·종료일에 입력해 주세요.",
                        today.format("%Y-%m-%d")
                    ),
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    fn input_version(input: &ProcedureInput) -> &Option<String> {
        &input.version
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    fn day(v: &str) -> NaiveDate {
        NaiveDate::parse_from_str(v, "%Y-%m-%d").unwrap()
    }

    fn eia() -> Procedure {
        Procedure {
            name: "환경영향평가".into(),
            legal_basis: None,
            usual_days: 365,
            planned_start: None,
            planned_end: None,
            actual_start: None,
            actual_end: None,
            note: None,
        }
    }

    #[test]
    fn the_saving_is_on_the_actual_duration_once_ended_else_on_the_plan_else_unknown() {
        assert_eq!(eia().saving(), None, "neither duration known");
        let planned =
            Procedure { planned_start: Some(day("2024-07-01")), planned_end: Some(day("2024-12-31")), ..eia() };
        assert_eq!(planned.saving(), Some(Saving { duration_days: 183, saved_days: 182, basis: SavedBasis::Planned }));
        let started = Procedure { actual_start: Some(day("2024-07-08")), ..planned.clone() };
        assert_eq!(started.saving().unwrap().basis, SavedBasis::Planned, "not ended yet: still the plan");
        let ended = Procedure { actual_end: Some(day("2024-11-15")), ..started };
        assert_eq!(ended.saving(), Some(Saving { duration_days: 130, saved_days: 235, basis: SavedBasis::Actual }));
        assert_eq!(ended.saving().unwrap().describe_ko(), "235일 단축 (실제 소요기간 기준)");
        let slow = Procedure {
            usual_days: 30,
            actual_start: Some(day("2024-01-01")),
            actual_end: Some(day("2024-02-05")),
            ..eia()
        };
        assert_eq!(slow.saving().unwrap().saved_days, -5);
        assert_eq!(slow.saving().unwrap().describe_ko(), "5일 초과 (실제 소요기간 기준)");
    }

    #[test]
    fn the_task_total_adds_what_is_known_and_says_what_it_is_made_of() {
        let ended = Procedure { actual_start: Some(day("2024-07-08")), actual_end: Some(day("2024-11-15")), ..eia() };
        let planned = Procedure {
            usual_days: 90,
            planned_start: Some(day("2024-08-01")),
            planned_end: Some(day("2024-08-31")),
            ..eia()
        };
        let total = SavingTotal::of([&ended, &planned, &eia()]);
        assert_eq!(total, SavingTotal { saved_days: 235 + 60, actual_count: 1, planned_count: 1, unknown_count: 1 });
        assert_eq!(total.basis_ko(), "실제 소요기간 기준 1건, 계획 기준 1건 합계 (기간 미입력 1건 제외)");
        assert_eq!(SavingTotal::of([]), SavingTotal::default());
    }

    #[test]
    fn usual_days_are_a_positive_whole_number_and_the_name_is_required() {
        let e = Procedure::parse(&ProcedureInput::default()).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["name", "usual_days"]);
        for bad in ["0", "-3", "1.5", "일 년", "40000"] {
            let e =
                Procedure::parse(&ProcedureInput {
                    name: s("환경영향평가"), usual_days: s(bad), ..Default::default()
                })
                .unwrap_err();
            assert_eq!(e[0].field, "usual_days", "{bad}");
            assert!(e[0].message.contains("정수(일)"), "{}", e[0].message);
        }
        let p = Procedure::parse(&ProcedureInput {
            name: s("환경영향평가"),
            usual_days: s("1,095일"),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(p.usual_days, 1095);
    }

    #[test]
    fn an_end_needs_its_start_and_is_not_before_it() {
        let base = || ProcedureInput { name: s("환경영향평가"), usual_days: s("365"), ..Default::default() };
        let e = Procedure::parse(&ProcedureInput { planned_end: s("2024-06-30"), ..base() }).unwrap_err();
        assert_eq!(e[0].field, "planned_start");
        let e =
            Procedure::parse(&ProcedureInput { actual_start: s("2024-06-30"), actual_end: s("2024-06-01"), ..base() })
                .unwrap_err();
        assert_eq!(e[0].field, "actual_end");
        assert!(
            e[0].message.contains("실제 종료일(2024-06-01)이 시작일(2024-06-30)보다 앞설 수 없습니다"),
            "{}",
            e[0].message
        );
        let same_day = Procedure::parse(&ProcedureInput {
            planned_start: s("2024-06-30"),
            planned_end: s("2024-06-30"),
            ..base()
        })
        .unwrap();
        assert_eq!(same_day.saving().unwrap().duration_days, 0);
        let e = Procedure::parse(&ProcedureInput { planned_start: s("2024/06/30"), ..base() }).unwrap_err();
        assert_eq!(e[0].field, "planned_start");
    }

    #[test]
    fn what_actually_happened_is_not_in_the_future_in_korean_time() {
        let today = day("2024-07-10");
        let p = Procedure { actual_start: Some(day("2024-07-10")), ..eia() };
        assert!(p.check_on(today).is_ok(), "today is not the future");
        let e = Procedure { actual_end: Some(day("2024-07-11")), ..p.clone() }.check_on(today).unwrap_err();
        assert_eq!(e[0].field, "actual_end");
        assert!(e[0].message.contains("오늘(2024-07-10)보다 뒤일 수 없습니다"), "{}", e[0].message);
        let planned_ahead = Procedure { planned_end: Some(day("2099-01-01")), planned_start: Some(today), ..eia() };
        assert!(planned_ahead.check_on(today).is_ok(), "a plan may lie ahead");
    }

    #[test]
    fn an_edit_needs_the_version() {
        let e =
            Procedure::parse_edit(&ProcedureInput { name: s("인허가"), usual_days: s("30"), ..Default::default() })
                .unwrap_err();
        assert_eq!(e[0].field, "version");
    }
}
