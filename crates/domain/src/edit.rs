//! What a user submits to change a record, checked field by field. Every problem is reported at once
//! (the form shows each next to its field), and nothing is written unless all fields pass.
//!
//! Inputs are the text of each field as typed; turning a form or a JSON body into one is the web's
//! business, not the domain's.

use crate::korean::{thousands, with_particle, Particle};
use chrono::NaiveDate;
use serde::Deserialize;

use crate::validation::refused_characters;
use crate::{AgencyId, PairId, PositionLevel, TaskSource, TaskStatus, TaskType, ValidationError};

#[derive(Default)]
pub(crate) struct Check {
    errors: Vec<ValidationError>,
}

impl Check {
    pub(crate) fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(ValidationError::new(field, message));
    }

    /// A one-line field: a title, a name, a unit.
    pub(crate) fn line(
        &mut self,
        field: &str,
        label: &str,
        raw: &Option<String>,
        max: usize,
        required: bool,
    ) -> Option<String> {
        self.checked_text(field, label, raw, max, required, false)
    }

    /// A field that may run over several lines: a description, a role, a note.
    pub(crate) fn text(
        &mut self,
        field: &str,
        label: &str,
        raw: &Option<String>,
        max: usize,
        required: bool,
    ) -> Option<String> {
        self.checked_text(field, label, raw, max, required, true)
    }

    fn checked_text(
        &mut self,
        field: &str,
        label: &str,
        raw: &Option<String>,
        max: usize,
        required: bool,
        multi_line: bool,
    ) -> Option<String> {
        // A browser sends a textarea's line breaks as CRLF: kept as LF, so that saving a form
        // unchanged changes nothing (and the audit log records no change of line breaks).
        let v = raw.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| s.replace("\r\n", "\n"));
        match &v {
            None if required => self.fail(field, format!("{} 입력해 주세요.", with_particle(label, Particle::Object))),
            Some(s) if s.chars().count() > max => self.fail(
                field,
                format!("{} {}자 이내로 입력해 주세요.", with_particle(label, Particle::Topic), thousands(max)),
            ),
            Some(s) => {
                if let Some(m) = refused_characters(s, label, multi_line) {
                    self.fail(field, m)
                }
            }
            _ => {}
        }
        v
    }

    /// A number as people write one in a KPI: `1,500`, `50%`, `3 건` — the number, and the unit
    /// written after it, if any.
    pub(crate) fn measure(&mut self, field: &str, label: &str, raw: &Option<String>) -> (Option<f64>, Option<String>) {
        let Some(s) = raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) else { return (None, None) };
        let split = s
            .char_indices()
            .find(|(i, c)| !(c.is_ascii_digit() || *c == ',' || *c == '.' || (*i == 0 && (*c == '-' || *c == '+'))))
            .map_or(s.len(), |(i, _)| i);
        let unit = s[split..].trim();
        if unit.chars().any(|c| c.is_ascii_digit()) || unit.chars().count() > MAX_UNIT {
            self.fail(
                field,
                format!(
                    "{} 숫자로 입력해 주세요. 단위는 숫자 뒤에 붙여 쓸 수 있습니다 (예: 1,500, 50%). 입력값: '{s}'",
                    with_particle(label, Particle::Topic)
                ),
            );
            return (None, None);
        }
        let number =
            self.number(field, label, &Some(s[..split].to_string()).filter(|n| !n.is_empty()).or(Some(s.into())));
        (number, number.and((!unit.is_empty()).then(|| unit.to_string())))
    }

    pub(crate) fn number(&mut self, field: &str, label: &str, raw: &Option<String>) -> Option<f64> {
        let s = raw.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
        match s.replace(',', "").parse::<f64>() {
            Ok(n) if n.is_finite() && n.abs() < 1e15 => Some(n),
            _ => {
                self.fail(
                    field,
                    format!("{} 숫자로 입력해 주세요. (입력값: '{s}')", with_particle(label, Particle::Topic)),
                );
                None
            }
        }
    }

    pub(crate) fn date(&mut self, field: &str, label: &str, raw: &Option<String>) -> Option<NaiveDate> {
        let s = raw.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
        match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.fail(
                    field,
                    format!(
                        "{} 연-월-일로 입력해 주세요 (예: 2024-06-30). 입력값: '{s}'",
                        with_particle(label, Particle::Topic)
                    ),
                );
                None
            }
        }
    }

    pub(crate) fn id<I: From<i64>>(&mut self, field: &str, label: &str, raw: &Option<String>) -> Option<I> {
        let s = raw.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
        match s.parse::<i64>() {
            Ok(n) if n > 0 => Some(I::from(n)),
            _ => {
                self.fail(field, format!("{} 목록에서 골라 주세요.", with_particle(label, Particle::Object)));
                None
            }
        }
    }

    pub(crate) fn choice<T: std::str::FromStr<Err = String>>(
        &mut self,
        field: &str,
        raw: &Option<String>,
    ) -> Option<T> {
        let s = raw.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
        match s.parse::<T>() {
            Ok(v) => Some(v),
            Err(m) => {
                self.fail(field, m);
                None
            }
        }
    }

    pub(crate) fn version(&mut self, raw: &Option<String>) -> i64 {
        match raw.as_deref().map(str::trim).and_then(|s| s.parse::<i64>().ok()) {
            Some(v) if v > 0 => v,
            _ => {
                self.fail("version", "수정할 기록의 버전 정보가 없습니다. 화면을 새로 고친 뒤 다시 시도해 주세요.");
                0
            }
        }
    }

    pub(crate) fn done<T>(self, value: T) -> Result<T, Vec<ValidationError>> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(self.errors)
        }
    }
}

pub const MAX_TITLE: usize = 200;
pub const MAX_LONG_TEXT: usize = 5000;
/// The longest unit a KPI takes (개소, 억원, %).
pub const MAX_UNIT: usize = 20;
pub const MAX_ROLE: usize = 1000;

/// A task as submitted on the create or edit form.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskInput {
    pub title: Option<String>,
    #[serde(rename = "type")]
    #[cfg_attr(feature = "openapi", schema(rename = "type"))]
    pub task_type: Option<String>,
    pub source: Option<String>,
    /// Not changed here: a status moves only by a lifecycle action (`POST
    /// /api/v1/tasks/{id}/transitions`). A client that sends the task back as it read it may leave
    /// the status in; any other status is refused.
    pub status: Option<String>,
    pub description: Option<String>,
    pub pair_id: Option<String>,
    pub lead_agency_id: Option<String>,
    /// Required when editing: the version the change is based on.
    pub version: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaskDraft {
    pub title: String,
    pub task_type: Option<TaskType>,
    pub source: TaskSource,
    pub description: Option<String>,
    pub pair_id: Option<PairId>,
    pub lead_agency_id: Option<AgencyId>,
}

impl TaskDraft {
    /// A new task starts as found (발굴); it is tabled and confirmed by lifecycle actions.
    pub fn parse_new(input: &TaskInput) -> Result<TaskDraft, Vec<ValidationError>> {
        let mut c = Check::default();
        let draft = Self::fields(&mut c, input);
        Self::status_unchanged(&mut c, input, TaskStatus::Proposed);
        c.done(draft)
    }

    /// An edit of a task whose status is now `current`, which the edit leaves as it is.
    pub fn parse_edit(input: &TaskInput, current: TaskStatus) -> Result<(TaskDraft, i64), Vec<ValidationError>> {
        let mut c = Check::default();
        let version = c.version(&input.version);
        let draft = Self::fields(&mut c, input);
        Self::status_unchanged(&mut c, input, current);
        c.done((draft, version))
    }

    fn status_unchanged(c: &mut Check, input: &TaskInput, current: TaskStatus) {
        let Some(given) = c.choice::<TaskStatus>("status", &input.status) else { return };
        if given == current {
            return;
        }
        c.fail(
            "status",
            if current == TaskStatus::Proposed && input.version.is_none() {
                "새 과제는 '발굴' 상태로 등록됩니다. 상정·확정 등 상태는 과제 화면의 '상태 변경'(API: POST \
                 /api/v1/tasks/{id}/transitions)으로 바꿔 주세요."
                    .to_string()
            } else {
                format!(
                    "과제의 상태('{}')는 이 양식으로 바꿀 수 없습니다. 과제 화면의 '상태 변경'(API: POST \
                     /api/v1/tasks/{{id}}/transitions)으로 바꿔 주세요.",
                    current.label_ko()
                )
            },
        );
    }

    fn fields(c: &mut Check, input: &TaskInput) -> TaskDraft {
        TaskDraft {
            title: c.line("title", "과제명", &input.title, MAX_TITLE, true).unwrap_or_default(),
            task_type: c.choice("type", &input.task_type),
            source: c.choice("source", &input.source).unwrap_or(TaskSource::Exchange),
            description: c.text("description", "과제 내용", &input.description, MAX_LONG_TEXT, false),
            pair_id: c.id("pair_id", "교류직위 쌍", &input.pair_id),
            lead_agency_id: c.id("lead_agency_id", "주관 기관", &input.lead_agency_id),
        }
    }
}

/// The role text of one agency in a task.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleInput {
    pub role: Option<String>,
    pub version: Option<String>,
}

/// Empty text clears the role (shown as 미입력).
pub fn parse_role(input: &RoleInput) -> Result<(Option<String>, i64), Vec<ValidationError>> {
    let mut c = Check::default();
    let version = c.version(&input.version);
    let role = c.text("role", "기관별 역할", &input.role, MAX_ROLE, false);
    c.done((role, version))
}

/// Only the version: for archiving and other changes that carry no fields.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionInput {
    pub version: Option<String>,
}

pub fn parse_version(input: &VersionInput) -> Result<i64, Vec<ValidationError>> {
    let mut c = Check::default();
    let v = c.version(&input.version);
    c.done(v)
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyInput {
    pub short_name: Option<String>,
    pub name: Option<String>,
    pub name_en: Option<String>,
    pub version: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AgencyDraft {
    pub short_name: String,
    pub name: String,
    pub name_en: Option<String>,
}

pub fn parse_agency_edit(input: &AgencyInput) -> Result<(AgencyDraft, i64), Vec<ValidationError>> {
    let mut c = Check::default();
    let version = c.version(&input.version);
    let d = AgencyDraft {
        short_name: c.line("short_name", "약칭", &input.short_name, 20, true).unwrap_or_default(),
        name: c.line("name", "기관명", &input.name, 100, true).unwrap_or_default(),
        name_en: c.line("name_en", "영문명", &input.name_en, 200, false),
    };
    c.done((d, version))
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PositionInput {
    pub title: Option<String>,
    pub level: Option<String>,
    pub version: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PositionDraft {
    pub title: String,
    pub level: Option<PositionLevel>,
}

pub fn parse_position_edit(input: &PositionInput) -> Result<(PositionDraft, i64), Vec<ValidationError>> {
    let mut c = Check::default();
    let version = c.version(&input.version);
    let d = PositionDraft {
        title: c.line("title", "직위명", &input.title, 100, true).unwrap_or_default(),
        level: c.choice("level", &input.level),
    };
    c.done((d, version))
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PairInput {
    pub theme: Option<String>,
    pub version: Option<String>,
}

pub fn parse_pair_edit(input: &PairInput) -> Result<(String, i64), Vec<ValidationError>> {
    let mut c = Check::default();
    let version = c.version(&input.version);
    let theme = c.line("theme", "주제", &input.theme, MAX_TITLE, true).unwrap_or_default();
    c.done((theme, version))
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExchangeeInput {
    pub name: Option<String>,
    pub expertise: Option<String>,
    /// Earlier posts (前), one per line, the agency's short name first: `환경부 자연보전국장`. Every
    /// line replaces what was there; empty clears them.
    pub careers: Option<String>,
    pub version: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExchangeeDraft {
    pub name: Option<String>,
    pub expertise: Option<String>,
    pub careers: Vec<CareerLine>,
}

/// One earlier post of an exchangee as written: the agency it names first (when the first word is
/// an agency's short name) and the post.
#[derive(Debug, Clone, PartialEq)]
pub struct CareerLine {
    pub agency: Option<String>,
    pub title: String,
}

const MAX_CAREERS: usize = 20;

impl CareerLine {
    /// `line` read with `is_agency` telling whether a word is an agency's short name.
    pub fn read(line: &str, is_agency: impl Fn(&str) -> bool) -> CareerLine {
        let line = line.trim();
        match line.split_once(char::is_whitespace) {
            Some((first, rest)) if is_agency(first) && !rest.trim().is_empty() => {
                CareerLine { agency: Some(first.to_string()), title: rest.trim().to_string() }
            }
            _ => CareerLine { agency: None, title: line.to_string() },
        }
    }
}

/// `is_agency` tells whether a word is an agency's short name (the first word of a career line).
pub fn parse_exchangee_edit(
    input: &ExchangeeInput,
    is_agency: impl Fn(&str) -> bool,
) -> Result<(ExchangeeDraft, i64), Vec<ValidationError>> {
    let mut c = Check::default();
    let version = c.version(&input.version);
    let name = c.line("name", "교류자 이름", &input.name, 50, false);
    let expertise = c.text("expertise", "전문성", &input.expertise, MAX_ROLE, false);
    let careers_text = c.text("careers", "이전 경력", &input.careers, MAX_ROLE, false);
    let lines: Vec<&str> =
        careers_text.as_deref().unwrap_or_default().lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if lines.len() > MAX_CAREERS {
        c.fail("careers", format!("이전 경력은 {MAX_CAREERS}줄 이내로 적어 주세요. (입력: {}줄)", lines.len()));
    }
    if let Some(long) = lines.iter().find(|l| l.chars().count() > MAX_TITLE) {
        c.fail(
            "careers",
            format!(
                "이전 경력은 한 줄에 {MAX_TITLE}자 이내로 적어 주세요. ('{}…')",
                long.chars().take(20).collect::<String>()
            ),
        );
    }
    let careers = lines.iter().map(|l| CareerLine::read(l, &is_agency)).collect();
    c.done((ExchangeeDraft { name, expertise, careers }, version))
}

/// One line of an evaluator's affiliation history (where the expert works or worked): the basis
/// of later conflict-of-interest checks (제척·기피·회피).
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AffiliationInput {
    pub organization: Option<String>,
    pub title: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AffiliationDraft {
    pub organization: String,
    pub title: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl AffiliationDraft {
    pub fn parse(input: &AffiliationInput) -> Result<AffiliationDraft, Vec<ValidationError>> {
        let mut c = Check::default();
        let d = AffiliationDraft {
            organization: c.line("organization", "소속 기관", &input.organization, 100, true).unwrap_or_default(),
            title: c.line("title", "직위", &input.title, 100, false),
            from: c.date("from", "시작일", &input.from),
            to: c.date("to", "종료일", &input.to),
        };
        if let (Some(from), Some(to)) = (d.from, d.to) {
            if to < from {
                c.fail("to", "종료일이 시작일보다 앞설 수 없습니다.");
            }
        }
        c.done(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_textarea_s_crlf_line_breaks_are_kept_as_lf() {
        let mut c = Check::default();
        let v = c.text("description", "과제 내용", &Some("첫 줄\r\n둘째 줄\r\n".into()), MAX_LONG_TEXT, false);
        assert_eq!(v.as_deref(), Some("첫 줄\n둘째 줄"));
    }

    #[test]
    fn career_lines_name_the_agency_first_when_it_is_one() {
        let agency = |w: &str| ["환경부", "국토부"].contains(&w);
        let input = ExchangeeInput {
            careers: Some("환경부 자연보전국장\n\n  국토부   국토정책관 \n대통령비서실 행정관\n환경부".into()),
            version: Some("3".into()),
            ..Default::default()
        };
        let (d, v) = parse_exchangee_edit(&input, agency).unwrap();
        assert_eq!(v, 3);
        let line = |a: Option<&str>, t: &str| CareerLine { agency: a.map(str::to_string), title: t.into() };
        assert_eq!(
            d.careers,
            vec![
                line(Some("환경부"), "자연보전국장"),
                line(Some("국토부"), "국토정책관"),
                line(None, "대통령비서실 행정관"),
                line(None, "환경부"),
            ]
        );
        let many =
            ExchangeeInput { careers: Some("직위\n".repeat(21)), version: Some("1".into()), ..Default::default() };
        let e = parse_exchangee_edit(&many, agency).unwrap_err();
        assert_eq!(e[0].field, "careers");
        assert!(e[0].message.contains("20줄 이내"), "{}", e[0].message);
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    #[test]
    fn a_new_task_needs_a_title_and_reports_every_bad_field_at_once() {
        let errors = TaskDraft::parse_new(&TaskInput {
            title: s("  "),
            task_type: s("merger"),
            pair_id: s("x"),
            ..Default::default()
        })
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["title", "type", "pair_id"]);
        assert!(errors[0].message.contains("과제명"));
    }

    #[test]
    fn a_new_task_starts_as_proposed_from_the_exchange() {
        let d = TaskDraft::parse_new(&TaskInput { title: s(" 새 과제 "), ..Default::default() }).unwrap();
        assert_eq!(d.title, "새 과제");
        assert_eq!(d.source, TaskSource::Exchange);
        assert_eq!(d.task_type, None);
    }

    #[test]
    fn an_edit_needs_a_version_and_leaves_the_status_to_the_lifecycle() {
        let input = TaskInput { title: s("과제"), status: s("completed"), ..Default::default() };
        let errors = TaskDraft::parse_edit(&input, TaskStatus::Confirmed).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["version", "status"]);
        assert!(
            errors[1].message.contains("'확정'") && errors[1].message.contains("/transitions"),
            "{}",
            errors[1].message
        );
        let same = TaskInput { title: s("과제"), status: s("confirmed"), version: s("3"), ..Default::default() };
        assert_eq!(
            TaskDraft::parse_edit(&same, TaskStatus::Confirmed).unwrap().1,
            3,
            "the status as read is left alone"
        );
        let none = TaskInput { title: s("과제"), version: s("3"), ..Default::default() };
        assert!(TaskDraft::parse_edit(&none, TaskStatus::InProgress).is_ok());
        let new = TaskInput { title: s("과제"), status: s("confirmed"), ..Default::default() };
        let e = TaskDraft::parse_new(&new).unwrap_err();
        assert!(e[0].message.starts_with("새 과제는 '발굴' 상태로"), "{}", e[0].message);
    }

    #[test]
    fn too_long_or_control_characters_are_refused() {
        let long = "가".repeat(MAX_ROLE + 1);
        let e = parse_role(&RoleInput { role: Some(long), version: s("1") }).unwrap_err();
        assert!(e[0].message.contains("1,000자 이내"), "{}", e[0].message);
        let e = parse_role(&RoleInput { role: s("a\u{0}b"), version: s("1") }).unwrap_err();
        assert_eq!(e[0].field, "role");
        assert_eq!(parse_role(&RoleInput { role: s("  "), version: s("2") }).unwrap(), (None, 2));
    }

    #[test]
    fn an_affiliation_needs_an_organization_and_dates_in_order() {
        let e = AffiliationDraft::parse(&AffiliationInput {
            from: s("2023-03-01"),
            to: s("2020-02-28"),
            ..Default::default()
        })
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["organization", "to"]);
        let d = AffiliationDraft::parse(&AffiliationInput {
            organization: s("한국개발연구원"),
            from: s("2020-03-01"),
            ..Default::default()
        })
        .unwrap();
        assert_eq!((d.organization.as_str(), d.to), ("한국개발연구원", None));
    }
}
