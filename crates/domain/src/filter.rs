//! The filters of the lists people search: tasks (API `GET /api/v1/tasks` and the task list page)
//! and the audit log (`GET /api/v1/audit` and the audit page), each validated once here.

use chrono::{DateTime, NaiveDate, Utc};

use crate::korean::{with_particle, Particle};
use crate::task::TypeFilter;
use crate::time::kst_midnight;
use crate::{PairId, TaskStatus, ValidationError};

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 500;
const MAX_QUERY_CHARS: usize = 100;
const MAX_QUERY_TERMS: usize = 5;

/// The filters as they arrive: strings, possibly empty (an HTML form sends every field).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct TaskFilterInput {
    /// Agency id or short name (환경부).
    pub agency: Option<String>,
    /// Exchange pair id.
    pub pair: Option<String>,
    /// conflict_resolution, expertise_sharing, silo_removal, or unset (no type yet).
    #[serde(rename = "type")]
    #[cfg_attr(feature = "openapi", param(rename = "type"))]
    pub task_type: Option<String>,
    /// proposed, confirmed, in_progress, completed, dropped.
    pub status: Option<String>,
    /// Words that must all appear in the title, the description or one agency's role, also inside
    /// a longer word (용수 finds 공업용수; one syllable works); "…" keeps a phrase. Tasks with every
    /// word in the title come first, then the others, newest first in each group.
    pub q: Option<String>,
    /// Order: `seq` (task number, the default without search words), `title` (가나다순), `status`
    /// (in the order of the lifecycle), `updated` (last change, newest first); with search words
    /// the default is by relevance.
    pub sort: Option<String>,
    /// Page size, 1–500, default 50.
    pub limit: Option<String>,
    /// Items to skip, default 0.
    pub offset: Option<String>,
}

/// The orders a task list can be read in. Each has the one direction people expect of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskSort {
    /// By task number, as the annex lists them.
    Seq,
    /// By title, 가나다순 (Unicode order, which is 가나다 order for Hangul syllables).
    Title,
    /// By status in the order of the lifecycle (발굴 first), then by number.
    Status,
    /// By last change, the most recent first.
    Updated,
}

impl TaskSort {
    pub const ALL: [TaskSort; 4] = [TaskSort::Seq, TaskSort::Title, TaskSort::Status, TaskSort::Updated];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskSort::Seq => "seq",
            TaskSort::Title => "title",
            TaskSort::Status => "status",
            TaskSort::Updated => "updated",
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            TaskSort::Seq => "번호순",
            TaskSort::Title => "과제명순",
            TaskSort::Status => "상태순",
            TaskSort::Updated => "최근 변경순",
        }
    }

    fn parse(raw: &str) -> Result<TaskSort, ValidationError> {
        TaskSort::ALL.into_iter().find(|s| s.as_str() == raw).ok_or_else(|| {
            let allowed: Vec<String> =
                TaskSort::ALL.iter().map(|s| format!("{} ({})", s.as_str(), s.label_ko())).collect();
            ValidationError::new(
                "sort",
                format!(
                    "정렬 기준 {} 없습니다. {} 가운데 하나를 고르세요.",
                    with_particle(&format!("'{raw}'"), Particle::Subject),
                    allowed.join(", ")
                ),
            )
        })
    }
}

/// An agency named by id (`12`) or by short name (`환경부`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgencyRef {
    Id(crate::AgencyId),
    ShortName(String),
}

impl AgencyRef {
    pub fn parse(raw: &str) -> AgencyRef {
        match raw.parse::<i64>() {
            Ok(id) => AgencyRef::Id(crate::AgencyId::new(id)),
            Err(_) => AgencyRef::ShortName(raw.to_string()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaskFilter {
    pub agency: Option<AgencyRef>,
    pub pair_id: Option<PairId>,
    pub task_type: Option<TypeFilter>,
    pub status: Option<TaskStatus>,
    /// Words that must all appear in the task's text, normalized ([`crate::search::parse_terms`]).
    pub terms: Vec<String>,
    /// None: by number, or by relevance when there are search words.
    pub sort: Option<TaskSort>,
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
            sort: None,
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
            format!(
                "{} {min}부터 {max}까지의 정수로 입력해 주세요. (입력값: '{raw}')",
                with_particle(what, Particle::Topic)
            ),
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
            f.pair_id = Some(PairId::new(whole_number("pair", raw, 1, i64::MAX, "교류직위 쌍 번호")?));
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
            f.terms = crate::search::parse_terms(raw);
            if f.terms.len() > MAX_QUERY_TERMS {
                return Err(ValidationError::new(
                    "q",
                    format!("검색어는 {MAX_QUERY_TERMS}개 단어 이내로 입력해 주세요."),
                ));
            }
        }
        if let Some(raw) = present(&input.sort) {
            f.sort = Some(TaskSort::parse(raw)?);
        }
        let paging = Paging::parse(&PagingInput { limit: input.limit.clone(), offset: input.offset.clone() })?;
        (f.limit, f.offset) = (paging.limit, paging.offset);
        Ok(f)
    }
}

/// Which page of a list to show, as it arrives (`?limit=…&offset=…`).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct PagingInput {
    /// Page size, 1–500, default 50.
    pub limit: Option<String>,
    /// Items to skip, default 0.
    pub offset: Option<String>,
}

/// Which page of a list to show: every list is read a page at a time, at most [`MAX_LIMIT`] items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub limit: i64,
    pub offset: i64,
}

impl Default for Paging {
    fn default() -> Self {
        Paging { limit: DEFAULT_LIMIT, offset: 0 }
    }
}

impl Paging {
    /// The whole of a list known to be short (a task's agencies), or the first page of the largest
    /// size.
    pub const LARGEST: Paging = Paging { limit: MAX_LIMIT, offset: 0 };

    pub fn parse(input: &PagingInput) -> Result<Paging, ValidationError> {
        let mut p = Paging::default();
        if let Some(raw) = present(&input.limit) {
            p.limit = whole_number("limit", raw, 1, MAX_LIMIT, "한 번에 보여 줄 개수")?;
        }
        if let Some(raw) = present(&input.offset) {
            p.offset = whole_number("offset", raw, 0, 1_000_000_000, "시작 위치")?;
        }
        Ok(p)
    }

    /// The next page, if `total` items go beyond this one.
    pub fn next(self, total: i64) -> Option<Paging> {
        (self.offset + self.limit < total).then_some(Paging { offset: self.offset + self.limit, ..self })
    }
}

/// The filters of the audit log, as they arrive.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct AuditFilterInput {
    /// Login name of the person who made the change.
    pub actor: Option<String>,
    /// Record type, e.g. task, task_agency_role, user.
    pub record_type: Option<String>,
    /// Record id (with record_type).
    pub record_id: Option<String>,
    /// First day, YYYY-MM-DD (Korean time).
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD (Korean time), inclusive.
    pub until: Option<String>,
    /// Page size, 1–500, default 50.
    pub limit: Option<String>,
    pub offset: Option<String>,
}

/// Which audit rows to show: by person (login), record, and the moments from (inclusive) and until
/// (exclusive) — whole Korean days, as the people reading the log count them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub record_type: Option<String>,
    pub record_id: Option<i64>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub limit: i64,
    pub offset: i64,
}

impl Default for AuditFilter {
    fn default() -> Self {
        Self {
            actor: None,
            record_type: None,
            record_id: None,
            from: None,
            until: None,
            limit: DEFAULT_LIMIT,
            offset: 0,
        }
    }
}

impl AuditFilter {
    /// Every problem at once, each naming its field.
    pub fn parse(input: &AuditFilterInput) -> Result<AuditFilter, Vec<ValidationError>> {
        let mut errors = Vec::new();
        let mut day = |field: &str, raw: &Option<String>| {
            present(raw).and_then(|s| match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.push(ValidationError::new(
                        field,
                        format!("날짜는 2024-04-15처럼 입력해 주세요. (입력값: '{s}')"),
                    ));
                    None
                }
            })
        };
        let from = day("from", &input.from);
        let until = day("until", &input.until);
        let mut number = |field: &str, raw: &Option<String>, min: i64, max: i64, what: &str| {
            present(raw).and_then(|s| whole_number(field, s, min, max, what).map_err(|e| errors.push(e)).ok())
        };
        let filter = AuditFilter {
            actor: present(&input.actor).map(str::to_string),
            record_type: present(&input.record_type).map(str::to_string),
            record_id: number("record_id", &input.record_id, 1, i64::MAX, "기록 번호"),
            limit: number("limit", &input.limit, 1, MAX_LIMIT, "한 번에 보여 줄 개수").unwrap_or(DEFAULT_LIMIT),
            offset: number("offset", &input.offset, 0, 1_000_000_000, "시작 위치").unwrap_or(0),
            from: from.map(kst_midnight),
            until: until.and_then(|d| d.succ_opt()).map(kst_midnight),
        };
        if errors.is_empty() {
            Ok(filter)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TaskType;

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
                "sort" => i.sort = v,
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
    fn sort_is_one_of_the_named_orders() {
        assert_eq!(TaskFilter::parse(&input(&[])).unwrap().sort, None);
        for s in TaskSort::ALL {
            assert_eq!(TaskFilter::parse(&input(&[("sort", s.as_str())])).unwrap().sort, Some(s));
        }
        let e = TaskFilter::parse(&input(&[("sort", "date")])).unwrap_err();
        assert_eq!(e.field, "sort");
        assert!(e.message.starts_with("정렬 기준 'date'가 없습니다."), "{}", e.message);
        assert!(e.message.contains("updated (최근 변경순)"), "{}", e.message);
    }

    #[test]
    fn agency_takes_an_id_or_a_short_name() {
        let f = TaskFilter::parse(&input(&[("agency", "환경부")])).unwrap();
        assert_eq!(f.agency, Some(AgencyRef::ShortName("환경부".into())));
        let f = TaskFilter::parse(&input(&[("agency", "4")])).unwrap();
        assert_eq!(f.agency, Some(AgencyRef::Id(crate::AgencyId::new(4))));
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

    #[test]
    fn audit_days_are_korean_days_and_every_bad_field_is_named() {
        let f = AuditFilter::parse(&AuditFilterInput {
            from: Some("2024-04-15".into()),
            until: Some("2024-04-15".into()),
            actor: Some(" ".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(f.from.map(|t| t.to_rfc3339()).as_deref(), Some("2024-04-14T15:00:00+00:00"));
        assert_eq!(f.until.map(|t| t.to_rfc3339()).as_deref(), Some("2024-04-15T15:00:00+00:00"));
        assert_eq!((f.actor, f.limit, f.offset), (None, DEFAULT_LIMIT, 0));
        let e = AuditFilter::parse(&AuditFilterInput {
            from: Some("2024/01/01".into()),
            limit: Some("0".into()),
            record_id: Some("x".into()),
            ..Default::default()
        })
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["from", "record_id", "limit"]);
    }
}
