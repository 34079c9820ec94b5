//! The filters of the task list (API `GET /api/v1/tasks` and the task list page), validated once here.

use crate::{TaskStatus, TaskType, ValidationError};

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 500;
const MAX_QUERY_CHARS: usize = 100;
const MAX_QUERY_TERMS: usize = 5;

/// The filters as they arrive: strings, possibly empty (an HTML form sends every field).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskFilterInput {
    /// Agency id or short name (환경부).
    pub agency: Option<String>,
    /// Exchange pair id.
    pub pair: Option<String>,
    /// conflict_resolution, expertise_sharing, silo_removal, or unset (no type yet).
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub task_type: Option<String>,
    /// proposed, confirmed, in_progress, completed, dropped.
    pub status: Option<String>,
    /// Words that must all appear in the title, description or an agency's role (two-syllable words work).
    pub q: Option<String>,
    /// Page size, 1–500, default 50.
    pub limit: Option<String>,
    /// Items to skip, default 0.
    pub offset: Option<String>,
}

/// An agency named by id (`12`) or by short name (`환경부`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgencyRef {
    Id(i64),
    ShortName(String),
}

impl AgencyRef {
    pub fn parse(raw: &str) -> AgencyRef {
        match raw.parse::<i64>() {
            Ok(id) => AgencyRef::Id(id),
            Err(_) => AgencyRef::ShortName(raw.to_string()),
        }
    }
}

/// Which tasks have a type: one of the three, or none set yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeFilter {
    Is(TaskType),
    Unset,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaskFilter {
    pub agency: Option<AgencyRef>,
    pub pair_id: Option<i64>,
    pub task_type: Option<TypeFilter>,
    pub status: Option<TaskStatus>,
    /// Words that must all appear (as substrings) in the task's text.
    pub terms: Vec<String>,
    pub limit: i64,
    pub offset: i64,
}

impl Default for TaskFilter {
    fn default() -> Self {
        Self {
            agency: None,
            pair_id: None,
            task_type: None,
            status: None,
            terms: vec![],
            limit: DEFAULT_LIMIT,
            offset: 0,
        }
    }
}

fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn whole_number(field: &str, raw: &str, min: i64, max: i64, what: &str) -> Result<i64, ValidationError> {
    match raw.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(ValidationError::new(
            field,
            format!("{what}은(는) {min}부터 {max}까지의 정수로 입력해 주세요. (입력값: '{raw}')"),
        )),
    }
}

impl TaskFilter {
    pub fn parse(input: &TaskFilterInput) -> Result<TaskFilter, ValidationError> {
        let mut f = TaskFilter::default();
        if let Some(raw) = present(&input.agency) {
            f.agency = Some(AgencyRef::parse(raw));
        }
        if let Some(raw) = present(&input.pair) {
            f.pair_id = Some(whole_number("pair", raw, 1, i64::MAX, "교류직위 쌍 번호")?);
        }
        if let Some(raw) = present(&input.task_type) {
            f.task_type = Some(if raw == "unset" {
                TypeFilter::Unset
            } else {
                TypeFilter::Is(raw.parse().map_err(|m| ValidationError::new("type", format!("{m}, unset")))?)
            });
        }
        if let Some(raw) = present(&input.status) {
            f.status = Some(raw.parse().map_err(|m| ValidationError::new("status", m))?);
        }
        if let Some(raw) = present(&input.q) {
            if raw.chars().count() > MAX_QUERY_CHARS {
                return Err(ValidationError::new("q", format!("검색어는 {MAX_QUERY_CHARS}자 이내로 입력해 주세요.")));
            }
            f.terms = raw.split_whitespace().map(str::to_lowercase).collect();
            if f.terms.len() > MAX_QUERY_TERMS {
                return Err(ValidationError::new(
                    "q",
                    format!("검색어는 {MAX_QUERY_TERMS}개 단어 이내로 입력해 주세요."),
                ));
            }
        }
        if let Some(raw) = present(&input.limit) {
            f.limit = whole_number("limit", raw, 1, MAX_LIMIT, "한 번에 가져올 개수(limit)")?;
        }
        if let Some(raw) = present(&input.offset) {
            f.offset = whole_number("offset", raw, 0, 1_000_000_000, "시작 위치(offset)")?;
        }
        Ok(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(pairs: &[(&str, &str)]) -> TaskFilterInput {
        let mut i = TaskFilterInput::default();
        for (k, v) in pairs {
            let v = Some(v.to_string());
            match *k {
                "agency" => i.agency = v,
                "pair" => i.pair = v,
                "type" => i.task_type = v,
                "status" => i.status = v,
                "q" => i.q = v,
                "limit" => i.limit = v,
                "offset" => i.offset = v,
                _ => unreachable!(),
            }
        }
        i
    }

    #[test]
    fn empty_fields_from_a_form_mean_no_filter() {
        let f = TaskFilter::parse(&input(&[("agency", ""), ("q", "  "), ("limit", "")])).unwrap();
        assert_eq!(f, TaskFilter::default());
        assert_eq!(f.limit, 50);
    }

    #[test]
    fn agency_takes_an_id_or_a_short_name() {
        let f = TaskFilter::parse(&input(&[("agency", "환경부")])).unwrap();
        assert_eq!(f.agency, Some(AgencyRef::ShortName("환경부".into())));
        let f = TaskFilter::parse(&input(&[("agency", "4")])).unwrap();
        assert_eq!(f.agency, Some(AgencyRef::Id(4)));
    }

    #[test]
    fn limit_is_bounded_and_errors_name_the_field_in_korean() {
        assert_eq!(TaskFilter::parse(&input(&[("limit", "500")])).unwrap().limit, 500);
        for bad in ["0", "501", "-1", "열"] {
            let e = TaskFilter::parse(&input(&[("limit", bad)])).unwrap_err();
            assert_eq!(e.field, "limit");
            assert!(e.message.contains("1부터 500까지"), "{}", e.message);
        }
        assert_eq!(TaskFilter::parse(&input(&[("offset", "-3")])).unwrap_err().field, "offset");
        assert_eq!(TaskFilter::parse(&input(&[("pair", "x")])).unwrap_err().field, "pair");
    }

    #[test]
    fn type_and_status_must_be_known_names() {
        let f = TaskFilter::parse(&input(&[("type", "silo_removal"), ("status", "confirmed")])).unwrap();
        assert_eq!(f.task_type, Some(TypeFilter::Is(TaskType::SiloRemoval)));
        assert_eq!(f.status, Some(TaskStatus::Confirmed));
        assert_eq!(TaskFilter::parse(&input(&[("type", "unset")])).unwrap().task_type, Some(TypeFilter::Unset));
        assert_eq!(TaskFilter::parse(&input(&[("type", "갈등")])).unwrap_err().field, "type");
        assert_eq!(TaskFilter::parse(&input(&[("status", "done")])).unwrap_err().field, "status");
    }

    #[test]
    fn search_splits_words_and_keeps_two_syllable_korean_words() {
        let f = TaskFilter::parse(&input(&[("q", " 용인  반도체 ")])).unwrap();
        assert_eq!(f.terms, vec!["용인", "반도체"]);
        let f = TaskFilter::parse(&input(&[("q", "달걀")])).unwrap();
        assert_eq!(f.terms, vec!["달걀"]);
        assert_eq!(TaskFilter::parse(&input(&[("q", &"가".repeat(101))])).unwrap_err().field, "q");
    }
}
