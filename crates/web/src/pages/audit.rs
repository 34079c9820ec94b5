//! The audit log: every change and sign-in, newest first, filtered by person, record and date.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use hanteam_app::AuditRecord;
use hanteam_domain::filter::DEFAULT_LIMIT;
use hanteam_domain::{AuditFilterInput, TaskId};

use super::context::Ctx;
use super::form::{mark_errors, Alert, Field};
use super::format::{trimmed, when, When};
use super::layout::{Layout, Section};
use super::links;
use super::render::{error_page, no_store, render};
use super::widgets::{pager_for, select_options, Pager};
use crate::error::AppError;
use crate::AppState;

/// What the log calls its records, in Korean.
const RECORD_TYPES: [(&str, &str); 11] = [
    ("task", "과제"),
    ("task_agency_role", "기관별 역할"),
    ("task_kpi", "성과지표"),
    ("task_milestone", "추진일정"),
    ("agency", "기관"),
    ("position", "교류직위"),
    ("exchange_pair", "교류직위 쌍"),
    ("exchangee", "교류자"),
    ("user", "사용자 계정"),
    ("api_token", "API 토큰"),
    ("dataset", "기본 자료"),
];

fn record_type_label(code: &str) -> &str {
    RECORD_TYPES.iter().find(|(c, _)| *c == code).map_or(code, |(_, label)| label)
}

/// What an action did, in Korean (the code stays beside it for those who search by it).
fn action_label(code: &str) -> &'static str {
    match code {
        "task.create" => "과제 등록",
        "task.update" => "과제 수정",
        "task.archive" => "과제 보관",
        "task_role.update" => "기관별 역할 수정",
        "kpi.create" => "성과지표 추가",
        "kpi.update" => "성과지표 수정",
        "kpi.remove" => "성과지표 삭제",
        "milestone.create" => "추진일정 추가",
        "milestone.update" => "추진일정 수정",
        "milestone.remove" => "추진일정 삭제",
        "agency.update" => "기관 정보 수정",
        "position.update" => "교류직위 수정",
        "exchange_pair.update" => "교류직위 쌍 수정",
        "exchangee.update" => "교류자 정보 수정",
        "evaluator.assign" => "평가위원 배정",
        "auth.sign_in" => "로그인",
        "auth.sign_in_failed" => "로그인 실패",
        "auth.sign_out" => "로그아웃",
        "user.create" => "계정 생성",
        "user.disable" => "계정 사용 중지",
        "user.password" => "비밀번호 변경",
        "api_token.create" => "API 토큰 생성",
        "api_token.revoke" => "API 토큰 폐기",
        "dataset.load" => "기본 자료 적재",
        _ => "기타",
    }
}

/// A JSON snapshot, indented for reading (as stored when it is not JSON).
fn pretty(json: &str) -> String {
    serde_json::from_str::<serde_json::Value>(json)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| json.to_string())
}

struct AuditRow {
    seq: i64,
    at: When,
    actor: String,
    client_addr: String,
    action: &'static str,
    action_code: String,
    record: String,
    record_href: Option<String>,
    before: Option<String>,
    after: Option<String>,
}

fn audit_row(record: &AuditRecord) -> AuditRow {
    let r = &record.entry;
    let kind = record_type_label(&r.record_type);
    let record = match r.record_id {
        Some(id) => format!("{kind} {id}번"),
        None => kind.to_string(),
    };
    AuditRow {
        seq: r.seq,
        at: when(r.occurred_at),
        actor: r.actor.clone(),
        client_addr: r.client_addr.clone().unwrap_or_else(|| "-".into()),
        action: action_label(&r.action),
        action_code: r.action.clone(),
        record,
        record_href: (r.record_type == "task").then_some(r.record_id).flatten().map(|id| links::task(&TaskId::new(id))),
        before: r.before.as_deref().map(pretty),
        after: r.after.as_deref().map(pretty),
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    alert: Option<Alert>,
    fields: Vec<Field>,
    /// `None` when the filters were refused.
    total: Option<i64>,
    rows: Vec<AuditRow>,
    pager: Option<Pager>,
}

fn filter_fields(q: &AuditFilterInput) -> Vec<Field> {
    let types = RECORD_TYPES.iter().map(|(c, l)| (c.to_string(), l.to_string())).collect();
    const DAY_HINT: &str = "한국 시간 기준 날짜입니다.";
    vec![
        Field::text("actor", "사용자 아이디", &q.actor).hint("예: admin").autocomplete("off"),
        Field::select("record_type", "기록 종류", select_options(trimmed(&q.record_type), types)),
        Field::text("record_id", "기록 번호", &q.record_id)
            .hint("기록 종류와 함께 씁니다(예: 과제 1번이면 1).")
            .autocomplete("off"),
        Field { hint: Some(DAY_HINT.into()), ..Field::date("from", "시작일", &q.from) },
        Field { hint: Some(DAY_HINT.into()), ..Field::date("until", "종료일", &q.until) },
    ]
}

fn parse_or(raw: &Option<String>, default: i64) -> i64 {
    trimmed(raw).parse().unwrap_or(default)
}

pub(crate) async fn audit_page(
    State(state): State<AppState>,
    cx: Ctx,
    q: Result<Query<AuditFilterInput>, QueryRejection>,
) -> Response {
    let Ok(Query(q)) = q else {
        return error_page(
            AppError::invalid(
                "query",
                "검색 조건을 읽을 수 없습니다. 같은 조건을 두 번 넣지 않았는지 확인하고 다시 검색해 주세요.",
            ),
            &cx,
        );
    };
    let mut page = AuditPage {
        layout: Layout::section(&cx, Section::Audit),
        alert: None,
        fields: filter_fields(&q),
        total: None,
        rows: vec![],
        pager: None,
    };
    match hanteam_app::audit::log(&state.db, cx.by(), &q).await.map_err(AppError::from) {
        Ok(found) => {
            let limit = parse_or(&q.limit, DEFAULT_LIMIT).max(1);
            let offset = parse_or(&q.offset, 0).max(0);
            let filters = [
                ("actor", &q.actor),
                ("record_type", &q.record_type),
                ("record_id", &q.record_id),
                ("from", &q.from),
                ("until", &q.until),
            ];
            let limit_param = (limit != DEFAULT_LIMIT).then_some(limit);
            page.pager = (found.total > 0)
                .then(|| pager_for(&links::audit(), &filters, limit_param, limit, offset, found.total));
            page.total = Some(found.total);
            page.rows = found.items.iter().map(audit_row).collect();
            no_store(render(StatusCode::OK, &page))
        }
        Err(AppError::Invalid(errors)) => {
            page.alert = Some(mark_errors(&mut page.fields, &errors));
            no_store(render(StatusCode::BAD_REQUEST, &page))
        }
        Err(e) => error_page(e, &cx),
    }
}
