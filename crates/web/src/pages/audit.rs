//! The audit log: every change and sign-in, newest first, filtered by person, record and date.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use hanteam_app::audit::{AuditLine, ChangedField};
use hanteam_domain::audit::fields::RECORD_TYPES;
use hanteam_domain::audit::names::{Name, NameLink};
use hanteam_domain::filter::DEFAULT_LIMIT;
use hanteam_domain::{AuditFilterInput, TaskId};

use super::context::Ctx;
use super::form::{mark_errors, Alert, Field};
use super::format::{trimmed, when, When};
use super::layout::{Layout, Section};
use super::links;
use super::render::{error_page, no_store, render};
use super::widgets::{pager_for, select_options, Pager};
use crate::endpoint::encode;
use crate::error::AppError;
use crate::AppState;

/// A name on the page, and where it links to.
struct NameView {
    text: String,
    href: Option<String>,
}

fn name_view(name: &Name) -> NameView {
    let audit_of = |params: &[(&str, String)]| {
        let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
        format!("{}?{}", links::audit(), query.join("&"))
    };
    let href = name.link.as_ref().map(|link| match link {
        NameLink::Task(id) => links::task(&TaskId::new(*id)),
        NameLink::Agency(short_name) => links::agency(short_name),
        NameLink::Pair(seq) => links::pair(seq),
        NameLink::RecordLog { record_type, record_id } => {
            audit_of(&[("record_type", record_type.clone()), ("record_id", record_id.to_string())])
        }
        NameLink::ActorLog(actor) => audit_of(&[("actor", actor.clone())]),
    });
    NameView { text: name.text.clone(), href }
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
    actor: NameView,
    client_addr: String,
    action: &'static str,
    action_code: String,
    record: NameView,
    /// The fields that changed; `None` when a snapshot is not JSON (only the raw text is shown).
    changes: Option<Vec<ChangedField>>,
    before: Option<String>,
    after: Option<String>,
}

fn audit_row(line: &AuditLine) -> AuditRow {
    let r = &line.record.entry;
    AuditRow {
        seq: r.seq,
        at: when(r.occurred_at),
        actor: name_view(&line.actor),
        client_addr: r.client_addr.clone().unwrap_or_else(|| "-".into()),
        action: line.action,
        action_code: r.action.clone(),
        record: name_view(&line.subject),
        changes: line.changes.clone(),
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
    let types = RECORD_TYPES.iter().map(|t| (t.code.to_string(), t.label.to_string())).collect();
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
    match hanteam_app::audit::readable_log(&state.db, cx.by(), &q).await.map_err(AppError::from) {
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
