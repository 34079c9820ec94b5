//! How an audit entry reads for an auditor: what its record types and fields are called in Korean,
//! how a stored value is written for a person, and which fields a change changed.
//!
//! The log keeps each record before and after a change as JSON, with the column names as keys
//! (`{"title": …, "lead_agency_id": 3}`). [`changes`] turns the two into the list of fields that
//! differ, each with its Korean label and both values as text; a value that points at another record
//! (an agency's id) is left as a [`Named`] for the page to name from the database.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value};

use crate::access::{Right, Role};
use crate::bottleneck::{BottleneckCategory, BottleneckStatus, MediationOutcome};
use crate::follow_up::FollowUpSource;
use crate::memo::WriterCapacity;
use crate::time::{korean_date, korean_moment};
use crate::{PositionLevel, TaskSource, TaskStatus, TaskType};

/// A record type of the log (`audit_log.record_type`), its Korean name, and the fields its JSON
/// holds, each with its label, in the order they are shown.
pub struct RecordType {
    pub code: &'static str,
    pub label: &'static str,
    pub fields: &'static [(&'static str, &'static str)],
}

/// Every record type the program writes to the log.
pub const RECORD_TYPES: &[RecordType] = &[
    RecordType {
        code: "task",
        label: "과제",
        fields: &[
            ("seq", "과제 번호"),
            ("title", "과제명"),
            ("status", "과제 상태"),
            ("task_type", "과제 유형"),
            ("source", "과제 출처"),
            ("pair_id", "교류직위 쌍"),
            ("lead_agency_id", "주관 기관"),
            ("proposed_by_agency_id", "제안 기관"),
            ("description", "과제 내용"),
            ("archived_at", "보관 일시"),
            // A lifecycle move: the action, why, and the council meeting that decided it.
            ("action", "작업"),
            ("reason", "사유"),
            ("meeting_id", "협의회 회의"),
            // An evaluator assigned to the task.
            ("user_id", "평가위원"),
            ("task_id", "과제"),
        ],
    },
    RecordType {
        code: "task_agency_role",
        label: "기관별 역할",
        fields: &[
            ("task_id", "과제"),
            ("agency_id", "기관"),
            ("role", "역할"),
            ("participation", "참여 여부"),
            ("participation_reason", "참여 여부 사유"),
        ],
    },
    RecordType {
        code: "task_kpi",
        label: "성과지표",
        fields: &[
            ("task_id", "과제"),
            ("seq", "순서"),
            ("name", "지표명"),
            ("baseline_value", "기준값"),
            ("target_value", "목표값"),
            ("unit", "단위"),
            ("due", "목표 시점"),
            ("note", "비고"),
        ],
    },
    RecordType {
        code: "task_milestone",
        label: "추진일정",
        fields: &[
            ("task_id", "과제"),
            ("seq", "순서"),
            ("title", "일정명"),
            ("due", "기한"),
            ("done_on", "완료일"),
            ("note", "비고"),
        ],
    },
    RecordType {
        code: "task_procedure",
        label: "행정절차",
        fields: &[
            ("task_id", "과제"),
            ("seq", "순서"),
            ("name", "절차명"),
            ("legal_basis", "법적 근거"),
            ("usual_days", "통상 소요기간(일)"),
            ("planned_start", "계획 시작일"),
            ("planned_end", "계획 종료일"),
            ("actual_start", "실제 시작일"),
            ("actual_end", "실제 종료일"),
            ("note", "비고"),
        ],
    },
    RecordType {
        code: "task_memo",
        label: "기관 간 메모",
        fields: &[
            ("task_id", "과제"),
            ("writer_user_id", "작성자"),
            ("writer_capacity", "작성 자격"),
            ("writer_agency_id", "작성 기관"),
            ("body", "메모 내용"),
            ("withdrawn_at", "철회 일시"),
        ],
    },
    RecordType {
        code: "agency",
        label: "기관",
        fields: &[("short_name", "약칭"), ("name", "기관명"), ("name_en", "영문 기관명")],
    },
    RecordType {
        code: "position",
        label: "교류직위",
        fields: &[("agency_id", "기관"), ("title", "직위명"), ("level", "직위 등급")],
    },
    RecordType {
        code: "exchange_pair", label: "교류직위 쌍", fields: &[("seq", "연번"), ("theme", "주요내용")]
    },
    RecordType {
        code: "exchangee",
        label: "교류자",
        fields: &[("position_id", "교류직위"), ("name", "이름"), ("expertise", "전문 분야"), ("careers", "이전 경력")],
    },
    RecordType {
        code: "user",
        label: "사용자 계정",
        fields: &[
            ("login", "아이디"),
            ("display_name", "이름"),
            ("email", "이메일 주소"),
            ("roles", "역할"),
            ("must_change_password", "다음 로그인 때 비밀번호 변경"),
            ("is_private_expert", "민간 전문가"),
            ("disabled_at", "사용 중지 일시"),
            // A failed sign-in, and the tokens a password change revoked.
            ("reason", "실패 사유"),
            ("revoked_tokens", "폐기된 API 토큰 수"),
            // Notifications marked read at once.
            ("marked_read", "읽음으로 표시한 알림 수"),
        ],
    },
    RecordType {
        code: "notification",
        label: "알림",
        fields: &[
            ("user_id", "받는 사람"),
            ("kind", "알림 종류"),
            ("subject_type", "알림 대상 종류"),
            ("subject_id", "알림 대상 번호"),
            ("occasion", "알림 계기"),
            ("title", "알림 내용"),
            ("link", "바로 가기 주소"),
            ("created_at", "알림 생성 일시"),
            ("read_at", "읽은 일시"),
        ],
    },
    RecordType {
        code: "api_token",
        label: "API 토큰",
        fields: &[("user_id", "계정"), ("name", "토큰 이름"), ("rights", "권한")],
    },
    RecordType {
        code: "evaluator_affiliation",
        label: "평가위원 소속 이력",
        fields: &[
            ("user_id", "평가위원"),
            ("organization", "소속 기관"),
            ("title", "직위"),
            ("from_date", "시작일"),
            ("to_date", "종료일"),
        ],
    },
    RecordType {
        code: "follow_up",
        label: "후속조치",
        fields: &[
            ("task_id", "과제"),
            ("source_kind", "출처"),
            ("source_id", "출처 번호"),
            ("title", "후속조치 내용"),
            ("owner_agency_id", "담당 기관"),
            ("owner_user_id", "담당자"),
            ("due", "기한"),
            ("done_on", "완료일"),
            ("done_note", "조치 내용"),
        ],
    },
    RecordType {
        code: "bottleneck",
        label: "애로사항",
        fields: &[
            ("task_id", "과제"),
            ("category", "애로사항 유형"),
            ("description", "애로사항 내용"),
            ("status", "상태"),
            ("raised_by_agency_id", "제기 기관"),
            ("raised_at", "제기 일시"),
            ("mediation_opened_at", "조정 시작 일시"),
            ("closed_at", "종결 일시"),
            ("resolution_reason", "해소 사유"),
            ("outcome", "조정 결과"),
            ("outcome_note", "조정 결과 내용"),
        ],
    },
    RecordType {
        code: "bottleneck_agency",
        label: "애로사항 관련 기관",
        fields: &[
            ("bottleneck_id", "애로사항"),
            ("task_id", "과제"),
            ("agency_id", "기관"),
            ("stance", "기관 입장"),
            ("stated_at", "입장 작성 일시"),
        ],
    },
    RecordType {
        code: "mediation_meeting",
        label: "조정 회의",
        fields: &[
            ("bottleneck_id", "애로사항"),
            ("task_id", "과제"),
            ("held_at", "회의 일시"),
            ("venue", "장소"),
            ("attendees", "참석자"),
            ("council_meeting_id", "협의회 회의"),
        ],
    },
    RecordType {
        code: "council_meeting",
        label: "협의회 회의",
        fields: &[
            ("council", "협의회"),
            ("seq", "차수"),
            ("title", "회의명"),
            ("held_at", "회의 일시"),
            ("ends_at", "종료 일시"),
            ("place", "장소"),
            ("chair", "의장"),
            ("status", "회의 상태"),
            ("cancel_reason", "취소 사유"),
            ("attendee_agency_ids", "참석 기관"),
        ],
    },
    RecordType {
        code: "meeting_agenda_item",
        label: "협의회 안건",
        fields: &[
            ("meeting_id", "협의회 회의"),
            ("seq", "순서"),
            ("title", "안건명"),
            ("kind", "안건 종류"),
            ("task_id", "과제"),
            ("bottleneck_id", "애로사항"),
            ("decision", "결정"),
            ("decision_reason", "결정 사유"),
            ("decided_at", "결정 일시"),
        ],
    },
    RecordType {
        code: "evaluation_round",
        label: "평가 회차",
        fields: &[
            ("name", "평가 회차 이름"),
            ("stage", "평가 단계"),
            ("setup_on", "준비 시작일"),
            ("assignment_on", "배정 시작일"),
            ("scoring_on", "채점 시작일"),
            ("review_on", "검토 시작일"),
            ("objections_on", "이의신청 시작일"),
            ("final_on", "확정일"),
            ("published_on", "공개일"),
            ("params_json", "평가 설정(평가표·집계·등급·배정 규칙)"),
            ("task_count", "평가 대상 과제 수"),
        ],
    },
    RecordType {
        code: "evaluation_panel",
        label: "평가단 구성",
        fields: &[
            ("round_id", "평가 회차"),
            ("tasks", "배정한 과제 수"),
            ("seats", "배정한 자리 수"),
            ("evaluators", "배정된 평가위원 수"),
            ("max_load", "평가위원별 최대 배정 수"),
            ("min_load", "평가위원별 최소 배정 수"),
            ("replaced", "바뀐 이전 배정 수"),
        ],
    },
    RecordType {
        code: "evaluation_pledge",
        label: "평가위원 서약",
        fields: &[
            ("round_id", "평가 회차"),
            ("evaluator_id", "평가위원"),
            ("pledge_version", "서약서 판"),
            ("signed_at", "서약 일시"),
        ],
    },
    RecordType {
        code: "evaluation_conflict",
        label: "평가위원 이해충돌 신청",
        fields: &[
            ("round_id", "평가 회차"),
            ("task_id", "과제"),
            ("evaluator_id", "평가위원"),
            ("kind", "유형(회피·기피)"),
            ("status", "결정"),
            ("reason", "신청 사유"),
            ("by_agency_id", "신청 기관"),
            ("raised_by_user_id", "신청자"),
            ("decision_reason", "결정 사유"),
            ("decided_by_user_id", "결정한 사람"),
            ("decided_at", "결정 일시"),
            ("removed_from_panel", "배정에서 뺌"),
        ],
    },
    RecordType {
        code: "evaluation_objection",
        label: "이의신청",
        fields: &[
            ("round_id", "평가 회차"),
            ("task_id", "과제"),
            ("agency_id", "신청 기관"),
            ("filed_by_user_id", "신청자"),
            ("reason", "신청 사유"),
            ("status", "결정(대기·인용·기각)"),
            ("decision_reason", "결정 사유"),
            ("decided_by_user_id", "결정한 사람"),
            ("decided_at", "결정 일시"),
            ("reopened_sheets", "재채점으로 연 채점표 수"),
        ],
    },
    RecordType {
        code: "evaluation_score_sheet",
        label: "평가위원 채점표",
        fields: &[
            ("round_id", "평가 회차"),
            ("task_id", "과제"),
            ("evaluator_id", "평가위원"),
            ("status", "상태(임시 저장·제출)"),
            ("submitted_at", "제출 일시"),
            ("reopened_reason", "재채점 사유"),
            ("reopened_by_user_id", "재채점을 허용한 사람"),
            ("reopened_at", "재채점 허용 일시"),
        ],
    },
    RecordType {
        code: "evaluation_result",
        label: "평가 결과",
        fields: &[
            ("round_id", "평가 회차"),
            ("tasks", "점수가 나온 과제 수"),
            ("unscored", "제출된 채점표가 없는 과제 수"),
            ("sheets", "반영한 채점표 수"),
            ("excellent", "우수과제 수"),
            ("icc1", "평가위원 간 일치도(ICC)"),
        ],
    },
    RecordType {
        code: "check_cycle",
        label: "점검 주기",
        fields: &[
            ("name", "점검 주기 이름"),
            ("period_start", "점검 기간 시작일"),
            ("period_end", "점검 기간 종료일"),
            ("due", "보고 기한"),
            ("closed_at", "마감 일시"),
            ("reports", "요청한 보고 수"),
            ("rated", "평가한 과제 수"),
            ("unrated", "평가하지 않은 과제 수"),
            ("carried_over", "이월 항목 수"),
            ("carried_in", "이전 주기에서 이월된 항목 수"),
        ],
    },
    RecordType {
        code: "progress_report",
        label: "추진실적 보고",
        fields: &[
            ("cycle_id", "점검 주기"),
            ("task_id", "과제"),
            ("agency_id", "기관"),
            ("status", "보고 상태"),
            ("narrative", "추진실적"),
            ("citizen_change", "국민이 체감하는 변화"),
            ("bottlenecks", "애로사항"),
            ("return_comment", "보완 요청 내용"),
            ("submitted_at", "제출 일시"),
            ("returned_at", "반려 일시"),
            ("milestones", "추진일정별 실적"),
            ("kpis", "성과지표 실적"),
        ],
    },
    RecordType {
        code: "report_attachment",
        label: "추진실적 첨부파일",
        fields: &[
            ("report_id", "추진실적 보고"),
            ("file_name", "파일 이름"),
            ("kind", "파일 종류"),
            ("size_bytes", "크기(바이트)"),
            ("sha256", "SHA-256 해시"),
        ],
    },
    RecordType {
        code: "check_rating",
        label: "점검 결과",
        fields: &[
            ("cycle_id", "점검 주기"),
            ("task_id", "과제"),
            ("rating", "점검 결과"),
            ("reason", "평가 사유"),
            ("suggested", "제안된 점검 결과"),
            ("suggestion", "제안 근거"),
        ],
    },
    RecordType {
        code: "pay_table",
        label: "지급표",
        fields: &[
            ("year", "연도"),
            ("source", "출처"),
            ("copied_from_year", "복사한 연도"),
            ("bonus_rate_pct", "특별성과가산금 지급률(%)"),
            ("bonus_rounding", "원 단위 처리"),
            ("bands", "보수 등급별 금액"),
            ("band", "보수 등급"),
            ("standard_won", "표준 금액(원)"),
            ("s_grade_won", "S등급 금액(원)"),
        ],
    },
    RecordType {
        code: "pay_table_band",
        label: "지급표 금액",
        fields: &[
            ("pay_table_id", "지급표"),
            ("year", "연도"),
            ("band", "보수 등급"),
            ("standard_won", "표준 금액(원)"),
            ("s_grade_won", "S등급 금액(원)"),
            ("source", "출처"),
        ],
    },
    RecordType {
        code: "exchangee_pay_band",
        label: "교류자 보수 등급",
        fields: &[("exchangee_id", "교류자"), ("band", "보수 등급"), ("reason", "지정 사유")],
    },
    RecordType {
        code: "exchangee_rating",
        label: "교류자 개인 성과등급",
        fields: &[
            ("exchangee_id", "교류자"),
            ("year", "연도"),
            ("pre_exchange_grade", "교류 전 등급"),
            ("recommended_grade", "권고 등급(이상)"),
            ("recommendation", "권고 내용"),
            ("confirmed_grade", "확정 등급"),
            ("below_recommendation", "권고보다 낮게 확정"),
            ("reason", "확정 사유"),
        ],
    },
    RecordType {
        code: "dataset",
        label: "기본 자료",
        fields: &[
            ("dataset", "자료"),
            ("tasks", "과제 수"),
            ("agencies", "기관 수"),
            ("seed", "난수 시드"),
            ("force", "기존 자료가 있어도 생성"),
            ("counts", "만든 기록 수"),
            ("positions", "교류직위 수"),
            ("exchangees", "교류자 수"),
            ("pairs", "교류직위 쌍 수"),
            ("agency_roles", "기관별 역할 수"),
            ("kpis", "성과지표 수"),
            ("milestones", "추진일정 수"),
            ("meetings", "회의 수"),
            ("agenda_items", "안건 수"),
            ("decisions", "결정 사항 수"),
            ("meeting_tasks", "회의에 상정된 과제 수"),
            ("accounts", "계정 수"),
            ("affiliations", "소속 이력 수"),
            ("evaluator_assignments", "평가위원 배정 수"),
        ],
    },
];

/// Fields every record has: its own id and the version each change counts up.
const COMMON_FIELDS: &[(&str, &str)] = &[("id", "번호"), ("version", "버전")];

/// Fields that say nothing a person reads: the version counts every change and is left out of the
/// list of what changed (it stays in the JSON).
const BOOKKEEPING: &[&str] = &["id", "version"];

pub fn record_type(code: &str) -> Option<&'static RecordType> {
    RECORD_TYPES.iter().find(|t| t.code == code)
}

/// The Korean name of a record type; an unknown code is shown as it is.
pub fn record_type_label(code: &str) -> &str {
    record_type(code).map_or(code, |t| t.label)
}

/// The Korean label of a field of a record type's JSON; `None` when it has none (a test keeps
/// every field the program writes labelled).
pub fn field_label(record_type_code: &str, key: &str) -> Option<&'static str> {
    let own = record_type(record_type_code).map_or(&[][..], |t| t.fields);
    own.iter().chain(COMMON_FIELDS).find(|(k, _)| *k == key).map(|(_, label)| *label)
}

/// Where a field stands in the order fields are shown.
fn field_rank(record_type_code: &str, key: &str) -> usize {
    let own = record_type(record_type_code).map_or(&[][..], |t| t.fields);
    own.iter().chain(COMMON_FIELDS).position(|(k, _)| *k == key).unwrap_or(usize::MAX)
}

/// A record that a field (or an entry) points at by its id, named from the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Named {
    Task(i64),
    Agency(i64),
    Pair(i64),
    Position(i64),
    User(i64),
}

impl Named {
    pub fn id(self) -> i64 {
        match self {
            Named::Task(id) | Named::Agency(id) | Named::Pair(id) | Named::Position(id) | Named::User(id) => id,
        }
    }
}

/// What a field whose value is an id points at.
fn reference(key: &str, id: i64) -> Option<Named> {
    match key {
        "task_id" => Some(Named::Task(id)),
        "agency_id"
        | "lead_agency_id"
        | "writer_agency_id"
        | "owner_agency_id"
        | "raised_by_agency_id"
        | "by_agency_id"
        | "proposed_by_agency_id" => Some(Named::Agency(id)),
        "pair_id" => Some(Named::Pair(id)),
        "position_id" => Some(Named::Position(id)),
        "user_id" | "writer_user_id" | "owner_user_id" | "evaluator_id" | "raised_by_user_id"
        | "decided_by_user_id" => Some(Named::User(id)),
        _ => None,
    }
}

/// A value as a person reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    /// Nothing there: 미입력 for what someone could have entered, 없음 for what happens to a record
    /// (a date it was archived or disabled).
    Empty(&'static str),
    Text(String),
    /// An id of another record: the page names it.
    Ref(Named),
}

pub const NOT_ENTERED: &str = "미입력";
pub const NONE: &str = "없음";

/// Fields that record when something happened to the record, rather than something entered.
const EVENT_TIMES: &[&str] = &["archived_at", "disabled_at", "withdrawn_at", "read_at"];

fn empty_for(key: &str) -> Shown {
    Shown::Empty(if EVENT_TIMES.contains(&key) { NONE } else { NOT_ENTERED })
}

/// One stored value of `key` as text: codes by their Korean names, dates the Korean way, times in
/// Korean time, booleans as 예/아니요, lists one item after another.
pub fn show(key: &str, value: &Value) -> Shown {
    match value {
        Value::Null => empty_for(key),
        Value::Bool(b) => Shown::Text(if *b { "예" } else { "아니요" }.into()),
        Value::Number(n) => match n.as_i64().and_then(|id| reference(key, id)) {
            Some(named) => Shown::Ref(named),
            None => Shown::Text(n.to_string()),
        },
        Value::String(s) if s.trim().is_empty() => empty_for(key),
        Value::String(s) => Shown::Text(show_text(key, s)),
        Value::Array(items) if items.is_empty() => empty_for(key),
        Value::Array(items) => Shown::Text(items.iter().map(|v| plain(key, v)).collect::<Vec<_>>().join(", ")),
        Value::Object(fields) => Shown::Text(
            fields
                .iter()
                .map(|(k, v)| format!("{}: {}", label_or_key("", k), plain(k, v)))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    }
}

/// A value inside a list or a nested object, as one piece of text.
fn plain(key: &str, value: &Value) -> String {
    match show(key, value) {
        Shown::Empty(s) => s.to_string(),
        Shown::Text(t) => t,
        Shown::Ref(n) => n.id().to_string(),
    }
}

fn label_or_key<'a>(record_type_code: &str, key: &'a str) -> &'a str {
    field_label(record_type_code, key).unwrap_or(key)
}

fn show_text(key: &str, s: &str) -> String {
    let coded = match key {
        "status" => s
            .parse::<TaskStatus>()
            .ok()
            .map(TaskStatus::label_ko)
            .or_else(|| s.parse::<BottleneckStatus>().ok().map(BottleneckStatus::label_ko))
            .or_else(|| s.parse::<crate::checks::ReportStatus>().ok().map(crate::checks::ReportStatus::label_ko)),
        "rating" | "suggested" => {
            s.parse::<crate::checks::ProgressRating>().ok().map(crate::checks::ProgressRating::label_ko)
        }
        "participation" => {
            s.parse::<crate::proposal::Participation>().ok().map(crate::proposal::Participation::label_ko)
        }
        "category" => s.parse::<BottleneckCategory>().ok().map(BottleneckCategory::label_ko),
        "outcome" => s.parse::<MediationOutcome>().ok().map(MediationOutcome::label_ko),
        "source_kind" => FollowUpSource::from_stored(s, 0).ok().map(FollowUpSource::label_ko),
        "action" => s.parse::<crate::TaskAction>().ok().map(crate::TaskAction::label_ko),
        "task_type" => s.parse::<TaskType>().ok().map(TaskType::label_ko),
        "source" => s.parse::<TaskSource>().ok().map(TaskSource::label_ko),
        "level" => s.parse::<PositionLevel>().ok().map(PositionLevel::label_ko),
        "roles" => s.parse::<Role>().ok().map(Role::label_ko),
        "reason" => sign_in_failure(s),
        "writer_capacity" => s.parse::<WriterCapacity>().ok().map(WriterCapacity::label_ko),
        "kind" => s
            .parse::<crate::notification::NotificationKind>()
            .ok()
            .map(crate::notification::NotificationKind::label_ko)
            .or_else(|| s.parse::<crate::checks::AttachmentKind>().ok().map(crate::checks::AttachmentKind::label_ko)),
        _ => None,
    };
    if let Some(label) = coded {
        return label.to_string();
    }
    if key == "rights" {
        let rights: Option<Vec<&str>> =
            s.split(',').map(|r| r.trim().parse::<Right>().ok().map(Right::label_ko)).collect();
        if let Some(rights) = rights {
            return rights.join(", ");
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return korean_date(d);
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(s) {
        return korean_moment(at.with_timezone(&Utc));
    }
    s.to_string()
}

/// Why a sign-in failed, as the log records it.
fn sign_in_failure(code: &str) -> Option<&'static str> {
    match code {
        "unknown_login" => Some("없는 아이디"),
        "wrong_password" => Some("비밀번호가 맞지 않음"),
        "disabled" => Some("사용 중지된 계정"),
        _ => None,
    }
}

/// One field a change changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// The key in the JSON, nested keys joined by `.` (`counts.tasks`).
    pub key: String,
    pub label: String,
    /// `None` when the record did not exist before (a creation) or after (a removal), and when
    /// only the spacing changed.
    pub before: Option<Shown>,
    pub after: Option<Shown>,
    /// Only line breaks or spaces changed (a text sent back by a browser's form, whose line breaks
    /// are CR LF): the values read the same.
    pub spacing_only: bool,
}

/// The most characters of a text value the list of changes shows; the whole is in the raw record.
pub const MAX_SHOWN_CHARS: usize = 200;

/// The fields of a record's JSON, nested objects opened up: `(key path, label, value)`, in the
/// order they are shown. An object under a key named as the record type itself (`{"user": {…}}`
/// of a new account) holds the record's own fields.
fn flatten<'a>(record_type_code: &str, value: &'a Value) -> Vec<(String, String, &'a Value)> {
    fn walk<'a>(
        rt: &str,
        path: &str,
        label: &str,
        fields: &'a Map<String, Value>,
        out: &mut Vec<(String, String, &'a Value)>,
    ) {
        for (k, v) in fields {
            let top = path.is_empty();
            if let (true, true, Value::Object(own)) = (top, k == rt, v) {
                walk(rt, "", "", own, out);
                continue;
            }
            let (p, l) = if top {
                (k.clone(), label_or_key(rt, k).to_string())
            } else {
                (format!("{path}.{k}"), format!("{label} · {}", label_or_key(rt, k)))
            };
            match v {
                Value::Object(inner) if !inner.is_empty() => walk(rt, &p, &l, inner, out),
                _ => out.push((p, l, v)),
            }
        }
    }
    let mut out = Vec::new();
    if let Value::Object(fields) = value {
        walk(record_type_code, "", "", fields, &mut out);
    }
    out.sort_by_cached_key(|(p, _, _)| p.split('.').map(|k| field_rank(record_type_code, k)).collect::<Vec<_>>());
    out
}

/// What changed between two JSON snapshots of a record of `record_type_code` (either may be
/// absent: a creation, a removal, an event with a detail): every field whose value differs, or, with
/// one side only, every field that holds something. The id and version are left out. `None` when a
/// snapshot is not a JSON object (the page then shows it as stored).
pub fn changes(record_type_code: &str, before: Option<&str>, after: Option<&str>) -> Option<Vec<FieldChange>> {
    let parse = |s: Option<&str>| -> Option<Option<Value>> {
        match s {
            None => Some(None),
            Some(text) => match serde_json::from_str::<Value>(text) {
                Ok(v @ Value::Object(_)) => Some(Some(v)),
                _ => None,
            },
        }
    };
    let (before, after) = (parse(before)?, parse(after)?);
    let b = before.as_ref().map(|v| flatten(record_type_code, v));
    let a = after.as_ref().map(|v| flatten(record_type_code, v));
    let mut keys: Vec<(String, String)> = Vec::new();
    for (k, l, _) in b.iter().flatten().chain(a.iter().flatten()) {
        if !keys.iter().any(|(seen, _)| seen == k) {
            keys.push((k.clone(), l.clone()));
        }
    }
    /// The value of `key` on a side: `None` when the side is absent, `Some(None)` when it lacks the key.
    fn find<'v>(side: &Option<Vec<(String, String, &'v Value)>>, key: &str) -> Option<Option<&'v Value>> {
        side.as_ref().map(|fields| fields.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| *v))
    }
    let mut out = Vec::new();
    for (key, label) in keys {
        let leaf = key.rsplit('.').next().unwrap_or(&key).to_string();
        if BOOKKEEPING.contains(&leaf.as_str()) {
            continue;
        }
        let (was, is) = (find(&b, &key), find(&a, &key));
        let (was_value, is_value) = (was.flatten(), is.flatten());
        let differs = match (was, is) {
            (Some(_), Some(_)) => !same(was_value, is_value),
            // One side only: what it holds (a `false` says nothing a new record did not already).
            (None, Some(v)) | (Some(v), None) => !is_blank(v) && v != Some(&Value::Bool(false)),
            (None, None) => false,
        };
        if !differs {
            continue;
        }
        if let (Some(Value::String(a)), Some(Value::String(b))) = (was_value, is_value) {
            if spacing(a) == spacing(b) {
                out.push(FieldChange { key, label, before: None, after: None, spacing_only: true });
                continue;
            }
        }
        let shown = |side: Option<Option<&Value>>| {
            side.map(|v| match v.map_or_else(|| empty_for(&leaf), |v| show(&leaf, v)) {
                Shown::Text(t) => Shown::Text(super::cut(&t, MAX_SHOWN_CHARS)),
                other => other,
            })
        };
        out.push(FieldChange { key, label, before: shown(was), after: shown(is), spacing_only: false });
    }
    Some(out)
}

/// A text with its runs of spaces and line breaks as one space.
fn spacing(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_blank(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        _ => false,
    }
}

/// Equal as a person reads them: a missing field, null and an empty text are all 미입력.
fn same(a: Option<&Value>, b: Option<&Value>) -> bool {
    (is_blank(a) && is_blank(b)) || a == b
}

/// Every key path a JSON snapshot of `record_type_code` holds that has no Korean label.
pub fn unlabelled_fields(record_type_code: &str, json: &str) -> Vec<String> {
    let Ok(v) = serde_json::from_str::<Value>(json) else { return vec![] };
    fn walk(rt: &str, path: &str, v: &Value, out: &mut Vec<String>) {
        if let Value::Object(fields) = v {
            for (k, child) in fields {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                // The record itself, wrapped (see `flatten`).
                let wrapper = path.is_empty() && k == rt && child.is_object();
                if !wrapper && field_label(rt, k).is_none() {
                    out.push(p.clone());
                }
                walk(rt, &p, child, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(record_type_code, "", &v, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(s: &str) -> Option<Shown> {
        Some(Shown::Text(s.into()))
    }

    #[test]
    fn an_edit_lists_only_the_fields_it_changed_with_korean_labels() {
        let before = json!({"id": 12, "seq": 12, "title": "옛 제목", "status": "proposed", "description": null,
            "lead_agency_id": null, "pair_id": 3, "version": 1});
        let after = json!({"id": 12, "seq": 12, "title": "새 제목", "status": "confirmed", "description": "",
            "lead_agency_id": 4, "pair_id": 3, "version": 2});
        let got = changes("task", Some(&before.to_string()), Some(&after.to_string())).unwrap();
        let labels: Vec<&str> = got.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(
            labels,
            vec!["과제명", "과제 상태", "주관 기관"],
            "null and \"\" are both 미입력; version is bookkeeping"
        );
        assert_eq!((got[0].before.clone(), got[0].after.clone()), (text("옛 제목"), text("새 제목")));
        assert_eq!((got[1].before.clone(), got[1].after.clone()), (text("발굴"), text("확정")));
        assert_eq!(got[2].before, Some(Shown::Empty(NOT_ENTERED)));
        assert_eq!(got[2].after, Some(Shown::Ref(Named::Agency(4))));
    }

    #[test]
    fn a_creation_lists_what_the_record_was_made_with_and_a_removal_what_it_held() {
        let kpi = json!({"id": 5, "task_id": 1, "seq": 1, "name": "용수 공급량", "baseline_value": 10.5,
            "target_value": null, "unit": "만 톤", "due": "2024-12-31", "note": null, "version": 1})
        .to_string();
        let made = changes("task_kpi", None, Some(&kpi)).unwrap();
        let labels: Vec<&str> = made.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, vec!["과제", "순서", "지표명", "기준값", "단위", "목표 시점"], "empty fields are left out");
        assert!(made.iter().all(|c| c.before.is_none()));
        assert_eq!(made[5].after, text("2024. 12. 31."));
        let removed = changes("task_kpi", Some(&kpi), None).unwrap();
        assert_eq!(removed.len(), 6);
        assert!(removed.iter().all(|c| c.after.is_none() && c.before.is_some()));
    }

    #[test]
    fn values_read_as_a_person_writes_them() {
        assert_eq!(show("must_change_password", &json!(true)), Shown::Text("예".into()));
        assert_eq!(show("is_private_expert", &json!(false)), Shown::Text("아니요".into()));
        assert_eq!(show("archived_at", &Value::Null), Shown::Empty("없음"));
        assert_eq!(show("description", &Value::Null), Shown::Empty("미입력"));
        assert_eq!(
            show("archived_at", &json!("2024-04-15T06:00:00.123456Z")),
            Shown::Text("2024. 4. 15. 15:00".into())
        );
        assert_eq!(
            show("roles", &json!(["opc_admin", "auditor"])),
            Shown::Text("국무조정실 관리자, 감사 담당자".into())
        );
        assert_eq!(show("rights", &json!("read,write")), Shown::Text("조회, 수정".into()));
        assert_eq!(show("reason", &json!("wrong_password")), Shown::Text("비밀번호가 맞지 않음".into()));
        assert_eq!(show("task_type", &json!("silo_removal")), Shown::Text("부처간 칸막이 해소".into()));
        assert_eq!(show("level", &json!("director")), Shown::Text("과장급".into()));
        assert_eq!(show("user_id", &json!(3)), Shown::Ref(Named::User(3)));
        assert_eq!(show("tasks", &json!(41)), Shown::Text("41".into()));
        assert_eq!(show("note", &json!(["a", "b"])), Shown::Text("a, b".into()));
        assert_eq!(show("title", &json!("그대로 둔 제목")), Shown::Text("그대로 둔 제목".into()));
    }

    #[test]
    fn a_nested_record_is_opened_up_and_its_fields_labelled() {
        let detail = json!({"user": {"id": 2, "login": "kim", "display_name": "김담당", "must_change_password": true,
            "is_private_expert": false, "disabled_at": null, "version": 1}, "roles": ["agency_officer"]})
        .to_string();
        let made = changes("user", None, Some(&detail)).unwrap();
        let labels: Vec<&str> = made.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, vec!["아이디", "이름", "역할", "다음 로그인 때 비밀번호 변경"], "a false says nothing new");
        assert_eq!(made[2].after, text("기관 담당자"));
        let synth = json!({"tasks": 10, "agencies": 5, "seed": 1, "force": false, "counts": {"tasks": 10, "kpis": 20}});
        let made = changes("dataset", None, Some(&synth.to_string())).unwrap();
        let labels: Vec<&str> = made.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(
            labels,
            vec!["과제 수", "기관 수", "난수 시드", "만든 기록 수 · 과제 수", "만든 기록 수 · 성과지표 수"]
        );
    }

    #[test]
    fn an_event_detail_reads_like_a_record() {
        let got = changes("user", None, Some(r#"{"reason":"unknown_login"}"#)).unwrap();
        assert_eq!(
            got,
            vec![FieldChange {
                key: "reason".into(),
                label: "실패 사유".into(),
                before: None,
                after: text("없는 아이디"),
                spacing_only: false,
            }]
        );
        assert_eq!(changes("user", None, None), Some(vec![]));
        assert_eq!(changes("task", Some("not json"), None), None, "shown as stored instead");
    }

    #[test]
    fn a_text_whose_line_breaks_alone_changed_says_so_and_a_long_text_is_cut() {
        let before = json!({"description": "첫 줄\n둘째 줄", "title": "가".repeat(300)}).to_string();
        let after = json!({"description": "첫 줄\r\n둘째 줄", "title": "나".repeat(300)}).to_string();
        let got = changes("task", Some(&before), Some(&after)).unwrap();
        let description = got.iter().find(|c| c.key == "description").unwrap();
        assert!(description.spacing_only && description.before.is_none() && description.after.is_none());
        let title = got.iter().find(|c| c.key == "title").unwrap();
        assert_eq!(title.after, text(&format!("{}…(이하 100자 생략)", "나".repeat(MAX_SHOWN_CHARS))));
    }

    /// A snapshot of every record type as the program writes it (the store's rows and the details
    /// the use cases write); the store's own test does the same from its row types.
    #[test]
    fn every_field_of_every_record_type_has_a_korean_label() {
        let samples = [
            (
                "task",
                json!({"id":1,"seq":1,"pair_id":1,"title":"t","task_type":null,"source":"exchange","status":"proposed","description":null,"lead_agency_id":null,"archived_at":null,"proposed_by_agency_id":null,"version":1}),
            ),
            ("task", json!({"user_id": 3, "task_id": 1})),
            (
                "task_agency_role",
                json!({"id":1,"task_id":1,"agency_id":1,"role":null,"participation":"pending","participation_reason":null,"version":1}),
            ),
            (
                "task_kpi",
                json!({"id":1,"task_id":1,"seq":1,"name":"n","baseline_value":null,"target_value":null,"unit":null,"due":null,"note":null,"version":1}),
            ),
            (
                "task_milestone",
                json!({"id":1,"task_id":1,"seq":1,"title":"t","due":null,"done_on":null,"note":null,"version":1}),
            ),
            (
                "task_procedure",
                json!({"id":1,"task_id":1,"seq":1,"name":"n","legal_basis":null,"usual_days":365,"planned_start":null,"planned_end":null,"actual_start":null,"actual_end":null,"note":null,"version":1}),
            ),
            (
                "task_memo",
                json!({"id":1,"task_id":1,"writer_user_id":3,"writer_capacity":"officer","writer_agency_id":2,"body":"b","withdrawn_at":null,"version":1}),
            ),
            ("agency", json!({"id":1,"short_name":"s","name":"n","name_en":null,"version":1})),
            ("position", json!({"id":1,"agency_id":1,"title":"t","level":null,"version":1})),
            ("exchange_pair", json!({"id":1,"seq":1,"theme":"t","version":1})),
            ("exchangee", json!({"id":1,"position_id":1,"name":null,"expertise":null,"careers":null,"version":1})),
            (
                "user",
                json!({"user":{"id":1,"login":"l","display_name":"d","email":null,"must_change_password":true,"is_private_expert":false,"disabled_at":null,"version":1},"roles":["opc_admin"]}),
            ),
            ("user", json!({"reason": "unknown_login"})),
            ("user", json!({"revoked_tokens": 2})),
            ("user", json!({"marked_read": 3})),
            (
                "notification",
                json!({"id":1,"user_id":1,"kind":"milestone_due_7","subject_type":"task_milestone","subject_id":1,"occasion":"due:2024-06-30","title":"t","link":"/tasks/1","created_at":"2024-06-23T00:00:00Z","read_at":null,"version":1}),
            ),
            ("api_token", json!({"id":1,"user_id":1,"name":"n","rights":"read"})),
            (
                "evaluator_affiliation",
                json!({"id":1,"user_id":1,"organization":"o","title":null,"from_date":null,"to_date":null,"version":1}),
            ),
            ("dataset", json!({"dataset":"2024","tasks":41,"agencies":20})),
            (
                "follow_up",
                json!({"id":1,"task_id":1,"source_kind":"mediation","source_id":1,"title":"t","owner_agency_id":1,"owner_user_id":null,"due":"2024-09-30","done_on":null,"done_note":null,"version":1}),
            ),
            (
                "bottleneck",
                json!({"id":1,"task_id":1,"category":"budget","description":"d","status":"raised","raised_by_agency_id":1,"raised_at":"2024-07-01T00:00:00Z","mediation_opened_at":null,"closed_at":null,"resolution_reason":null,"outcome":null,"outcome_note":null,"version":1}),
            ),
            (
                "bottleneck_agency",
                json!({"id":1,"bottleneck_id":1,"task_id":1,"agency_id":1,"stance":null,"stated_at":null,"version":1}),
            ),
            (
                "mediation_meeting",
                json!({"id":1,"bottleneck_id":1,"task_id":1,"held_at":"2024-07-09T06:00:00Z","venue":null,"attendees":null,"council_meeting_id":null,"version":1}),
            ),
            (
                "pay_table",
                json!({"id":1,"year":2025,"source":"s","copied_from_year":2024,"bonus_rate_pct":50,"bonus_rounding":"won","version":1,"bands":[{"band":"director","standard_won":1,"s_grade_won":2,"source":"s"}]}),
            ),
            (
                "pay_table_band",
                json!({"id":1,"pay_table_id":1,"year":2024,"band":"director","standard_won":1,"s_grade_won":2,"source":null,"version":1}),
            ),
            ("exchangee_pay_band", json!({"id":1,"exchangee_id":1,"band":"director","reason":"r","version":1})),
            (
                "exchangee_rating",
                json!({"id":1,"exchangee_id":1,"year":2024,"pre_exchange_grade":"B","recommended_grade":"A","recommendation":"n","confirmed_grade":null,"below_recommendation":false,"reason":null,"version":1}),
            ),
            (
                "dataset",
                json!({"tasks":1,"agencies":1,"seed":1,"force":false,"counts":{"agencies":0,"positions":0,"exchangees":0,"pairs":0,"tasks":0,"agency_roles":0,"kpis":0,"milestones":0,"meetings":0,"agenda_items":0,"decisions":0,"meeting_tasks":0,"accounts":0,"affiliations":0,"evaluator_assignments":0}}),
            ),
            (
                "council_meeting",
                json!({"id":1,"council":"c","seq":3,"title":"t","held_at":"2026-07-09T06:00:00Z","ends_at":null,"place":"p","chair":null,"status":"scheduled","cancel_reason":null,"version":1,"attendee_agency_ids":[2,3]}),
            ),
            (
                "meeting_agenda_item",
                json!({"id":1,"meeting_id":1,"seq":1,"title":"t","kind":"task_confirmation","task_id":1,"bottleneck_id":null,"decision":null,"decision_reason":null,"decided_at":null,"version":1}),
            ),
            (
                "evaluation_round",
                json!({"id":1,"name":"2024년 협업과제 평가","stage":"setup","setup_on":"2024-10-01","assignment_on":"2024-10-15","scoring_on":"2024-11-01","review_on":"2024-11-20","objections_on":"2024-12-01","final_on":"2024-12-08","published_on":"2024-12-15","params_json":"{}","task_count":41,"version":1}),
            ),
            (
                "evaluation_panel",
                json!({"round_id":1,"tasks":41,"seats":123,"evaluators":9,"max_load":14,"min_load":13,"replaced":0}),
            ),
            (
                "evaluation_pledge",
                json!({"id":1,"round_id":1,"evaluator_id":3,"pledge_version":"2024-1","signed_at":"2024-10-16T00:00:00Z"}),
            ),
            (
                "evaluation_conflict",
                json!({"id":1,"round_id":1,"task_id":1,"evaluator_id":3,"kind":"challenge","status":"pending","reason":"r","by_agency_id":2,"raised_by_user_id":4,"decision_reason":null,"decided_by_user_id":null,"decided_at":null,"version":1,"removed_from_panel":false}),
            ),
            (
                "evaluation_score_sheet",
                json!({"id":1,"round_id":1,"task_id":1,"evaluator_id":3,"status":"submitted","submitted_at":"2024-11-05T00:00:00Z","reopened_reason":null,"reopened_by_user_id":null,"reopened_at":null,"version":2}),
            ),
            (
                "evaluation_objection",
                json!({"id":1,"round_id":1,"task_id":1,"agency_id":2,"filed_by_user_id":4,"reason":"r","status":"upheld","decision_reason":null,"decided_by_user_id":5,"decided_at":"2024-12-02T00:00:00Z","reopened_sheets":3,"version":2}),
            ),
            ("evaluation_result", json!({"round_id":1,"tasks":41,"unscored":0,"sheets":123,"excellent":8,"icc1":0.62})),
            (
                "check_cycle",
                json!({"check_cycle":{"id":1,"name":"2024년 2분기","period_start":"2024-04-01","period_end":"2024-06-30","due":"2024-07-05","closed_at":null,"version":1},"reports":82,"carried_in":0}),
            ),
            (
                "check_cycle",
                json!({"check_cycle":{"id":1,"name":"n","period_start":"2024-04-01","period_end":"2024-06-30","due":"2024-07-05","closed_at":"2024-07-10T00:00:00Z","version":2},"rated":3,"unrated":38,"carried_over":5}),
            ),
            (
                "progress_report",
                json!({"id":1,"cycle_id":1,"task_id":1,"agency_id":2,"status":"draft","narrative":null,"citizen_change":null,"bottlenecks":null,"return_comment":null,"submitted_at":null,"returned_at":null,"version":2,"milestones":[],"kpis":[]}),
            ),
            (
                "report_attachment",
                json!({"id":1,"report_id":1,"file_name":"a.pdf","kind":"pdf","size_bytes":10,"sha256":"ab"}),
            ),
            (
                "check_rating",
                json!({"id":1,"cycle_id":1,"task_id":1,"rating":"at_risk","reason":"r","suggested":"on_track","suggestion":"s","version":1}),
            ),
            (
                "dataset",
                json!({"tasks":1,"agencies":1,"seed":1,"force":false,"counts":{"agencies":0,"positions":0,"exchangees":0,"pairs":0,"tasks":0,"agency_roles":0,"kpis":0,"milestones":0,"meetings":0,"agenda_items":0,"decisions":0,"meeting_tasks":0,"accounts":0,"affiliations":0,"evaluator_assignments":0}}),
            ),
        ];
        for (rt, sample) in &samples {
            assert!(record_type(rt).is_some(), "record type {rt} has a Korean name");
            assert_eq!(unlabelled_fields(rt, &sample.to_string()), Vec::<String>::new(), "{rt}");
        }
        for t in RECORD_TYPES {
            assert!(samples.iter().any(|(rt, _)| *rt == t.code), "a sample of {}", t.code);
        }
        assert_eq!(unlabelled_fields("task", r#"{"titel": "typo"}"#), vec!["titel".to_string()], "the check can fail");
    }
}
