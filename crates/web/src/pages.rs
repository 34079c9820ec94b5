//! The server-rendered HTML pages: Korean, in the look of the government design system KRDS, and
//! usable without JavaScript. Handlers load through [`crate::shared`] (the same code as the JSON API)
//! and turn the read models into small view rows; the templates in `templates/` only lay them out.

use std::collections::HashMap;
use std::convert::Infallible;

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike, Utc};
use hanteam_domain::task_filter::{DEFAULT_LIMIT, MAX_LIMIT};
use hanteam_domain::{TaskFilterInput, TaskStatus, TaskType, ValidationError};
use hanteam_store::views::{
    Agency, AgendaItem, CareerEntry, ExchangePair, MeetingDetail, MeetingSummary, NameVariant, Position, TaskDetail,
    TaskSummary,
};
use hanteam_store::Db;

use crate::error::AppError;
use crate::{shared, AppState};

/// Every HTML route. The JSON API and the static assets have their own routers.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/tasks", get(task_list))
        .route("/tasks/{id}", get(task_detail))
        .route("/pairs", get(pair_list))
        .route("/agencies", get(agency_list))
        .route("/agencies/{id}", get(agency_detail))
        .route("/meetings", get(meeting_list))
        .route("/meetings/{id}", get(meeting_detail))
}

/// The HTML 404 page, for every path no router knows.
pub async fn not_found() -> Response {
    let page = ErrorPage {
        layout: Layout::error("페이지를 찾을 수 없습니다"),
        heading: "페이지를 찾을 수 없습니다",
        message: "요청하신 페이지가 없거나 주소가 바뀌었습니다. 주소를 확인하거나 아래 메뉴에서 찾아 주세요.".into(),
        request_id: None,
    };
    render(StatusCode::NOT_FOUND, &page)
}

// ---------------------------------------------------------------------------------------------
// Layout: title, main menu (GNB) and breadcrumb, shared by every page through base.html.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Home,
    Tasks,
    Pairs,
    Agencies,
    Meetings,
    None,
}

const MENU: [(Section, &str, &str); 5] = [
    (Section::Home, "/", "홈"),
    (Section::Tasks, "/tasks", "협업과제"),
    (Section::Pairs, "/pairs", "교류직위"),
    (Section::Agencies, "/agencies", "기관"),
    (Section::Meetings, "/meetings", "협의회"),
];

/// What a section is called in the breadcrumb (the menu label is shorter).
fn section_crumb(section: Section) -> Option<(&'static str, &'static str)> {
    match section {
        Section::Tasks => Some(("협업과제 목록", "/tasks")),
        Section::Pairs => Some(("교류직위 쌍", "/pairs")),
        Section::Agencies => Some(("기관 목록", "/agencies")),
        Section::Meetings => Some(("협업과제점검협의회", "/meetings")),
        Section::Home | Section::None => None,
    }
}

struct MenuItem {
    href: &'static str,
    label: &'static str,
    current: bool,
}

/// One step of the breadcrumb; the last one is the current page and has no link.
struct Crumb {
    label: String,
    href: Option<String>,
}

struct Layout {
    /// The page's name; `<title>` adds the site name after it.
    title: String,
    menu: Vec<MenuItem>,
    crumbs: Vec<Crumb>,
}

impl Layout {
    fn with_crumbs(title: String, section: Section, crumbs: Vec<Crumb>) -> Layout {
        let menu = MENU.iter().map(|&(s, href, label)| MenuItem { href, label, current: s == section }).collect();
        Layout { title, menu, crumbs }
    }

    fn home() -> Layout {
        Layout::with_crumbs("범정부 협업과제 관리".into(), Section::Home, vec![Crumb { label: "홈".into(), href: None }])
    }

    /// A section's own page (a list): 홈 > section.
    fn section(section: Section) -> Layout {
        let (label, _) = section_crumb(section).unwrap_or(("", "/"));
        let crumbs = vec![home_crumb(), Crumb { label: label.into(), href: None }];
        Layout::with_crumbs(label.into(), section, crumbs)
    }

    /// A page inside a section: 홈 > section > title.
    fn detail(section: Section, title: impl Into<String>) -> Layout {
        let title = title.into();
        let mut crumbs = vec![home_crumb()];
        if let Some((label, href)) = section_crumb(section) {
            crumbs.push(Crumb { label: label.into(), href: Some(href.into()) });
        }
        crumbs.push(Crumb { label: title.clone(), href: None });
        Layout::with_crumbs(title, section, crumbs)
    }

    fn error(title: &str) -> Layout {
        Layout::with_crumbs(title.into(), Section::None, vec![home_crumb(), Crumb { label: title.into(), href: None }])
    }
}

fn home_crumb() -> Crumb {
    Crumb { label: "홈".into(), href: Some("/".into()) }
}

// ---------------------------------------------------------------------------------------------
// Rendering and errors.

fn render<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html(
                    "<!DOCTYPE html><html lang=\"ko\"><head><meta charset=\"utf-8\"><title>서버 오류 | 한팀 hanteam</title>\
                     </head><body><main id=\"main\"><h1>서버 오류</h1><p>화면을 만드는 중 오류가 발생했습니다. \
                     잠시 후 다시 시도해 주세요.</p></main></body></html>",
                ),
            )
                .into_response()
        }
    }
}

/// The request id set by the middleware, quoted on the page of a server error.
struct RequestId(Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for RequestId {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let id = parts.headers.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_string);
        Ok(RequestId(id))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    heading: &'static str,
    message: String,
    request_id: Option<String>,
}

/// The error page for `err`, with its status and its Korean message (a server error says nothing of its cause).
fn error_page(err: AppError, request_id: RequestId) -> Response {
    let status = err.status();
    let heading = match &err {
        AppError::Invalid(_) => "요청을 처리할 수 없습니다",
        AppError::NotFound(_) => "페이지를 찾을 수 없습니다",
        AppError::Internal(cause) => {
            tracing::error!(%cause, "page request failed");
            "서버 오류가 발생했습니다"
        }
    };
    let shown_id = match &err {
        AppError::Internal(_) => request_id.0,
        _ => None,
    };
    let page = ErrorPage { layout: Layout::error(heading), heading, message: err.detail().message, request_id: shown_id };
    render(status, &page)
}

/// Runs a page handler's body: `Ok` renders with 200, `Err` renders the error page.
fn respond<T: Template>(result: Result<T, AppError>, request_id: RequestId) -> Response {
    match result {
        Ok(page) => render(StatusCode::OK, &page),
        Err(e) => error_page(e, request_id),
    }
}

// ---------------------------------------------------------------------------------------------
// Formatting: dates as Korean officials write them, times in KST.

fn kst() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset")
}

/// "2024. 6. 30."
fn date_ko(d: NaiveDate) -> String {
    format!("{}. {}. {}.", d.year(), d.month(), d.day())
}

/// A moment for `<time>`: machine-readable in KST, and "2024. 4. 15. 15:00" for people.
struct When {
    iso: String,
    text: String,
}

fn when(at: DateTime<Utc>) -> When {
    let local = at.with_timezone(&kst());
    When {
        iso: local.format("%Y-%m-%dT%H:%M%:z").to_string(),
        text: format!("{}. {}. {}. {:02}:{:02}", local.year(), local.month(), local.day(), local.hour(), local.minute()),
    }
}

/// A date for `<time>`.
struct Day {
    iso: String,
    text: String,
}

fn day(d: NaiveDate) -> Day {
    Day { iso: d.format("%Y-%m-%d").to_string(), text: date_ko(d) }
}

/// Percent-encodes a path segment or query value (everything but the unreserved ASCII characters).
fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn agency_href(short_name: &str) -> String {
    format!("/agencies/{}", enc(short_name))
}

/// A status as a KRDS badge (light colours: all of them pass the contrast check except "disabled").
struct Badge {
    label: &'static str,
    class: &'static str,
}

fn status_badge(s: TaskStatus) -> Badge {
    let class = match s {
        TaskStatus::Proposed => "bg-light-secondary",
        TaskStatus::Confirmed => "bg-light-primary",
        TaskStatus::InProgress => "bg-light-information",
        TaskStatus::Completed => "bg-light-success",
        TaskStatus::Dropped => "bg-light-gray",
    };
    Badge { label: s.label_ko(), class }
}

/// What a council meeting decided on a task.
fn outcome_label(outcome: &str) -> String {
    match outcome {
        "confirmed" => "확정".into(),
        "tabled" => "상정".into(),
        "deferred" => "보류".into(),
        other => other.into(),
    }
}

/// Number values as written (1.0 → "1", 0.5 → "0.5").
fn number(v: Option<f64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "미정".into())
}

fn lines(text: Option<&str>) -> Vec<String> {
    text.unwrap_or_default().lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
}

// ---------------------------------------------------------------------------------------------
// Shared rows: the task table (task list and agency page) and positions (task, pairs, agency).

/// One row of the task table.
struct TaskRow {
    id: i64,
    seq: i64,
    title: String,
    pair_seq: Option<i64>,
    agencies: String,
    type_label: &'static str,
    status: Badge,
}

/// 연번 of each exchange pair, by pair id.
fn pair_seqs(pairs: &[ExchangePair]) -> HashMap<i64, i64> {
    pairs.iter().map(|p| (p.id, p.seq)).collect()
}

fn task_rows(tasks: &[TaskSummary], seqs: &HashMap<i64, i64>) -> Vec<TaskRow> {
    tasks
        .iter()
        .map(|t| TaskRow {
            id: t.id,
            seq: t.seq,
            title: t.title.clone(),
            pair_seq: t.pair_id.and_then(|id| seqs.get(&id).copied()),
            agencies: t.agencies.iter().map(|a| a.short_name.as_str()).collect::<Vec<_>>().join(", "),
            type_label: t.type_label(),
            status: status_badge(t.status),
        })
        .collect()
}

struct ExchangeeView {
    name: String,
    expertise: Option<String>,
    careers: Vec<String>,
}

/// An exchange position with its holders, ready to show.
struct PositionView {
    agency: String,
    agency_href: String,
    title: String,
    level: &'static str,
    variants: Vec<NameVariant>,
    exchangees: Vec<ExchangeeView>,
}

/// "前 환경부 자연보전국장".
fn career_text(c: &CareerEntry) -> String {
    let parts: Vec<&str> = [c.agency.as_ref().map(|a| a.short_name.as_str()), c.title.as_deref(), c.note.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .collect();
    format!("前 {}", parts.join(" "))
}

fn position_view(p: &Position) -> PositionView {
    PositionView {
        agency: p.agency.short_name.clone(),
        agency_href: agency_href(&p.agency.short_name),
        title: p.title.clone(),
        level: p.level_label(),
        variants: p.variants.clone(),
        exchangees: p
            .exchangees
            .iter()
            .map(|e| ExchangeeView {
                name: e.name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| "미공개".into()),
                expertise: e.expertise.clone(),
                careers: e.careers.iter().map(career_text).collect(),
            })
            .collect(),
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Home.

struct CountLink {
    label: &'static str,
    note: &'static str,
    href: String,
    count: i64,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    totals: Vec<CountLink>,
    by_type: Vec<CountLink>,
    by_status: Vec<CountLink>,
}

async fn home(State(state): State<AppState>, rid: RequestId) -> Response {
    respond(home_page(&state.db).await, rid)
}

async fn home_page(db: &Db) -> Result<HomePage, AppError> {
    let o = db.overview().await?;
    let totals = vec![
        CountLink { label: "교류직위 쌍", note: "쌍", href: "/pairs".into(), count: o.pairs },
        CountLink { label: "협업과제", note: "건", href: "/tasks".into(), count: o.tasks },
        CountLink { label: "참여 기관", note: "곳", href: "/agencies".into(), count: o.agencies },
        CountLink { label: "협업과제점검협의회", note: "회", href: "/meetings".into(), count: o.meetings },
    ];
    let by_type = o
        .tasks_by_type
        .iter()
        .map(|c| match c.key {
            Some(t) => CountLink {
                label: t.label_ko(),
                note: t.criterion_ko(),
                href: format!("/tasks?type={}", t.as_str()),
                count: c.count,
            },
            None => CountLink {
                label: "미정",
                note: "아직 유형이 정해지지 않은 과제",
                href: "/tasks?type=unset".into(),
                count: c.count,
            },
        })
        .collect();
    let by_status = o
        .tasks_by_status
        .iter()
        .map(|c| CountLink {
            label: c.key.label_ko(),
            note: "",
            href: format!("/tasks?status={}", c.key.as_str()),
            count: c.count,
        })
        .collect();
    Ok(HomePage { layout: Layout::home(), totals, by_type, by_status })
}

// ---------------------------------------------------------------------------------------------
// 2. Task list with its filter form.

struct Opt {
    value: String,
    label: String,
    selected: bool,
}

/// A select of the filter form. A submitted value that is not among the options is kept as an extra
/// option, so that the form shows what the user sent.
struct SelectField {
    id: &'static str,
    name: &'static str,
    label: &'static str,
    options: Vec<Opt>,
    error: Option<String>,
}

impl SelectField {
    /// Whether something other than "전체" is chosen (KRDS draws such a select as `completed`).
    fn filled(&self) -> bool {
        self.options.iter().any(|o| o.selected && !o.value.is_empty())
    }
}

struct TextField {
    id: &'static str,
    name: &'static str,
    label: &'static str,
    value: String,
    hint: &'static str,
    error: Option<String>,
}

struct FilterForm {
    agency: SelectField,
    pair: SelectField,
    task_type: SelectField,
    status: SelectField,
    q: TextField,
    /// Kept as a hidden field so that a new search keeps the page size.
    limit: Option<String>,
    /// The error of a field without a control (limit, offset), or of any field: shown at the top.
    error: Option<FormError>,
}

struct FormError {
    message: String,
    /// The control to jump to, if the error belongs to one.
    target: Option<&'static str>,
}

fn trimmed(v: &Option<String>) -> &str {
    v.as_deref().map(str::trim).unwrap_or("")
}

fn select_options(raw: &str, known: Vec<(String, String)>) -> Vec<Opt> {
    let mut opts = vec![Opt { value: String::new(), label: "전체".into(), selected: raw.is_empty() }];
    let found = known.iter().any(|(v, _)| v == raw);
    opts.extend(known.into_iter().map(|(value, label)| Opt { selected: value == raw, value, label }));
    if !raw.is_empty() && !found {
        opts.push(Opt { value: raw.into(), label: format!("{raw} (알 수 없는 값)"), selected: true });
    }
    opts
}

fn filter_form(
    input: &TaskFilterInput,
    agencies: &[Agency],
    pairs: &[ExchangePair],
    error: Option<&ValidationError>,
) -> FilterForm {
    let field_error = |field: &str| error.filter(|e| e.field == field).map(|e| e.message.clone());

    // An agency may arrive by id (`?agency=4`); the select shows it by short name.
    let raw_agency = trimmed(&input.agency);
    let agency_value = raw_agency
        .parse::<i64>()
        .ok()
        .and_then(|id| agencies.iter().find(|a| a.id == id))
        .map_or(raw_agency, |a| a.short_name.as_str());
    let agency = SelectField {
        id: "f-agency",
        name: "agency",
        label: "기관",
        options: select_options(
            agency_value,
            agencies.iter().map(|a| (a.short_name.clone(), a.short_name.clone())).collect(),
        ),
        error: field_error("agency"),
    };
    let pair = SelectField {
        id: "f-pair",
        name: "pair",
        label: "교류직위 쌍",
        options: select_options(
            trimmed(&input.pair),
            pairs.iter().map(|p| (p.id.to_string(), format!("연번 {}. {}", p.seq, p.theme))).collect(),
        ),
        error: field_error("pair"),
    };
    let mut types: Vec<(String, String)> =
        TaskType::ALL.iter().map(|t| (t.as_str().to_string(), t.label_ko().to_string())).collect();
    types.push(("unset".into(), "미정".into()));
    let task_type = SelectField {
        id: "f-type",
        name: "type",
        label: "과제 유형",
        options: select_options(trimmed(&input.task_type), types),
        error: field_error("type"),
    };
    let status = SelectField {
        id: "f-status",
        name: "status",
        label: "상태",
        options: select_options(
            trimmed(&input.status),
            TaskStatus::ALL.iter().map(|s| (s.as_str().to_string(), s.label_ko().to_string())).collect(),
        ),
        error: field_error("status"),
    };
    let q = TextField {
        id: "f-q",
        name: "q",
        label: "검색어",
        value: input.q.clone().unwrap_or_default(),
        hint: "과제명, 과제 내용, 기관별 역할에서 찾습니다. 띄어 쓴 단어는 모두 들어 있는 과제만 찾습니다.",
        error: field_error("q"),
    };
    let limit_value = trimmed(&input.limit);
    let limit_ok = !limit_value.is_empty() && error.is_none_or(|e| e.field != "limit");
    FilterForm {
        agency,
        pair,
        task_type,
        status,
        q,
        limit: limit_ok.then(|| limit_value.to_string()),
        error: error.map(|e| FormError {
            message: e.message.clone(),
            target: match e.field.as_str() {
                "agency" => Some("f-agency"),
                "pair" => Some("f-pair"),
                "type" => Some("f-type"),
                "status" => Some("f-status"),
                "q" => Some("f-q"),
                _ => None,
            },
        }),
    }
}

/// A link of the pagination; `gap_before` draws "…" before it.
struct PageLink {
    number: i64,
    href: String,
    current: bool,
    gap_before: bool,
}

struct Pager {
    prev: Option<String>,
    next: Option<String>,
    links: Vec<PageLink>,
}

/// The list's address with the same filters, at another offset.
fn list_href(filters: &[(&str, String)], limit: Option<i64>, offset: i64) -> String {
    let mut parts: Vec<String> = filters.iter().map(|(k, v)| format!("{k}={}", enc(v))).collect();
    if let Some(limit) = limit {
        parts.push(format!("limit={limit}"));
    }
    if offset > 0 {
        parts.push(format!("offset={offset}"));
    }
    if parts.is_empty() {
        "/tasks".into()
    } else {
        format!("/tasks?{}", parts.join("&"))
    }
}

fn pager(input: &TaskFilterInput, limit: i64, offset: i64, total: i64) -> Pager {
    let limit = limit.max(1);
    let filters: Vec<(&str, String)> = [
        ("agency", &input.agency),
        ("pair", &input.pair),
        ("type", &input.task_type),
        ("status", &input.status),
        ("q", &input.q),
    ]
    .into_iter()
    .filter_map(|(k, v)| {
        let v = trimmed(v);
        (!v.is_empty()).then(|| (k, v.to_string()))
    })
    .collect();
    // The page size only goes into the links when the user chose one.
    let limit_param = (!trimmed(&input.limit).is_empty() || limit != DEFAULT_LIMIT).then_some(limit);
    let href = |off: i64| list_href(&filters, limit_param, off);

    let pages = ((total + limit - 1) / limit).max(1);
    let current = (offset / limit + 1).min(pages);
    let mut links = Vec::new();
    let mut last_shown = 0;
    for n in 1..=pages {
        if n == 1 || n == pages || (n - current).abs() <= 2 {
            links.push(PageLink { number: n, href: href((n - 1) * limit), current: n == current, gap_before: n > last_shown + 1 });
            last_shown = n;
        }
    }
    Pager {
        prev: (offset > 0).then(|| href((offset - limit).max(0))),
        next: (offset + limit < total).then(|| href(offset + limit)),
        links,
    }
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TaskListPage {
    layout: Layout,
    form: FilterForm,
    /// `None` when the filters were refused.
    total: Option<i64>,
    rows: Vec<TaskRow>,
    pager: Option<Pager>,
}

async fn task_list(
    State(state): State<AppState>,
    query: Result<Query<TaskFilterInput>, QueryRejection>,
    rid: RequestId,
) -> Response {
    let Ok(Query(input)) = query else {
        return error_page(
            AppError::Invalid(ValidationError::new(
                "query",
                "검색 조건을 읽을 수 없습니다. 같은 조건을 두 번 넣지 않았는지 확인하고, 검색 화면에서 다시 검색해 주세요.",
            )),
            rid,
        );
    };
    let db = &state.db;
    let lists = async { Ok::<_, AppError>((db.list_agencies().await?, db.list_pairs().await?)) };
    let (agencies, pairs) = match lists.await {
        Ok(v) => v,
        Err(e) => return error_page(e, rid),
    };
    match shared::task_list(db, &input).await {
        Ok((filter, page)) => {
            let rows = task_rows(&page.items, &pair_seqs(&pairs));
            let pager = (page.total > 0).then(|| pager(&input, filter.limit, filter.offset, page.total));
            let view = TaskListPage {
                layout: Layout::section(Section::Tasks),
                form: filter_form(&input, &agencies, &pairs, None),
                total: Some(page.total),
                rows,
                pager,
            };
            render(StatusCode::OK, &view)
        }
        Err(AppError::Invalid(err)) => {
            let view = TaskListPage {
                layout: Layout::section(Section::Tasks),
                form: filter_form(&input, &agencies, &pairs, Some(&err)),
                total: None,
                rows: vec![],
                pager: None,
            };
            render(StatusCode::BAD_REQUEST, &view)
        }
        Err(e) => error_page(e, rid),
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Task detail.

struct KpiRow {
    name: String,
    baseline: String,
    target: String,
    unit: String,
    due: Option<Day>,
    note: String,
}

struct MilestoneRow {
    title: String,
    due: Option<Day>,
    done_on: Option<Day>,
    note: String,
}

struct TaskMeetingRow {
    id: i64,
    title: String,
    held_at: When,
    outcome: String,
}

struct PairInfo {
    seq: i64,
    theme: String,
    positions: Vec<PositionView>,
}

#[derive(Template)]
#[template(path = "task.html")]
struct TaskPage {
    layout: Layout,
    task: TaskDetail,
    type_label: &'static str,
    type_criterion: Option<&'static str>,
    status: Badge,
    source_label: &'static str,
    lead_agency: Option<String>,
    paragraphs: Vec<String>,
    pair: Option<PairInfo>,
    kpis: Vec<KpiRow>,
    milestones: Vec<MilestoneRow>,
    meetings: Vec<TaskMeetingRow>,
}

async fn task_detail(State(state): State<AppState>, Path(id): Path<String>, rid: RequestId) -> Response {
    respond(task_page(&state.db, &id).await, rid)
}

async fn task_page(db: &Db, id: &str) -> Result<TaskPage, AppError> {
    let task = shared::task(db, id).await?;
    let s = &task.summary;
    Ok(TaskPage {
        layout: Layout::detail(Section::Tasks, s.title.clone()),
        type_label: s.type_label(),
        type_criterion: s.task_type.map(TaskType::criterion_ko),
        status: status_badge(s.status),
        source_label: s.source.label_ko(),
        lead_agency: task.lead_agency.as_ref().map(|a| a.short_name.clone()),
        paragraphs: lines(task.description.as_deref()),
        pair: task.pair.as_ref().map(|p| PairInfo {
            seq: p.seq,
            theme: p.theme.clone(),
            positions: p.positions.iter().map(position_view).collect(),
        }),
        kpis: task
            .kpis
            .iter()
            .map(|k| KpiRow {
                name: k.name.clone(),
                baseline: number(k.baseline),
                target: number(k.target),
                unit: k.unit.clone().unwrap_or_else(|| "미정".into()),
                due: k.due.map(day),
                note: k.note.clone().unwrap_or_default(),
            })
            .collect(),
        milestones: task
            .milestones
            .iter()
            .map(|m| MilestoneRow {
                title: m.title.clone(),
                due: m.due.map(day),
                done_on: m.done_on.map(day),
                note: m.note.clone().unwrap_or_default(),
            })
            .collect(),
        meetings: task
            .meetings
            .iter()
            .map(|m| TaskMeetingRow {
                id: m.id,
                title: m.title.clone(),
                held_at: when(m.held_at),
                outcome: outcome_label(&m.outcome),
            })
            .collect(),
        task,
    })
}

// ---------------------------------------------------------------------------------------------
// 4. Exchange pairs (the annex table).

struct TaskLink {
    id: i64,
    title: String,
}

struct PairRow {
    seq: i64,
    theme: String,
    positions: Vec<PositionView>,
    tasks: Vec<TaskLink>,
}

#[derive(Template)]
#[template(path = "pairs.html")]
struct PairsPage {
    layout: Layout,
    designated_on: Vec<Day>,
    rows: Vec<PairRow>,
}

async fn pair_list(State(state): State<AppState>, rid: RequestId) -> Response {
    respond(pairs_page(&state.db).await, rid)
}

/// Every task (for titles), however many there are.
async fn all_tasks(db: &Db) -> Result<Vec<TaskSummary>, AppError> {
    let input = TaskFilterInput { limit: Some(MAX_LIMIT.to_string()), ..TaskFilterInput::default() };
    let (_, first) = shared::task_list(db, &input).await?;
    let mut items = first.items;
    while (items.len() as i64) < first.total {
        let more = TaskFilterInput { offset: Some(items.len().to_string()), ..input.clone() };
        let (_, page) = shared::task_list(db, &more).await?;
        if page.items.is_empty() {
            break;
        }
        items.extend(page.items);
    }
    Ok(items)
}

async fn pairs_page(db: &Db) -> Result<PairsPage, AppError> {
    let pairs = db.list_pairs().await?;
    let tasks = all_tasks(db).await?;
    let by_id: HashMap<i64, &TaskSummary> = tasks.iter().map(|t| (t.id, t)).collect();
    let mut designated: Vec<NaiveDate> = pairs.iter().filter_map(|p| p.designated_on).collect();
    designated.sort();
    designated.dedup();
    let rows = pairs
        .iter()
        .map(|p| PairRow {
            seq: p.seq,
            theme: p.theme.clone(),
            positions: p.positions.iter().map(position_view).collect(),
            tasks: p
                .task_ids
                .iter()
                .filter_map(|id| by_id.get(id))
                .map(|t| TaskLink { id: t.id, title: t.title.clone() })
                .collect(),
        })
        .collect();
    Ok(PairsPage { layout: Layout::section(Section::Pairs), designated_on: designated.into_iter().map(day).collect(), rows })
}

// ---------------------------------------------------------------------------------------------
// 5. Agencies.

struct AgencyRow {
    href: String,
    short_name: String,
    name: String,
    name_en: String,
}

#[derive(Template)]
#[template(path = "agencies.html")]
struct AgenciesPage {
    layout: Layout,
    rows: Vec<AgencyRow>,
}

async fn agency_list(State(state): State<AppState>, rid: RequestId) -> Response {
    let result = async {
        let agencies = state.db.list_agencies().await?;
        let rows = agencies
            .into_iter()
            .map(|a| AgencyRow {
                href: agency_href(&a.short_name),
                name_en: a.name_en.unwrap_or_else(|| "미정".into()),
                short_name: a.short_name,
                name: a.name,
            })
            .collect();
        Ok(AgenciesPage { layout: Layout::section(Section::Agencies), rows })
    }
    .await;
    respond(result, rid)
}

/// One exchange position of the agency, with the post it swaps with.
struct AgencyPositionRow {
    pair_seq: i64,
    theme: String,
    own: PositionView,
    partners: Vec<PositionView>,
}

#[derive(Template)]
#[template(path = "agency.html")]
struct AgencyPage {
    layout: Layout,
    agency: Agency,
    positions: Vec<AgencyPositionRow>,
    total: i64,
    rows: Vec<TaskRow>,
}

async fn agency_detail(State(state): State<AppState>, Path(id): Path<String>, rid: RequestId) -> Response {
    let result = async {
        let page = shared::agency(&state.db, &id).await?;
        let all_pairs = state.db.list_pairs().await?;
        let mut positions = Vec::new();
        for pair in &page.pairs {
            for own in pair.positions.iter().filter(|p| p.agency.id == page.agency.id) {
                positions.push(AgencyPositionRow {
                    pair_seq: pair.seq,
                    theme: pair.theme.clone(),
                    own: position_view(own),
                    partners: pair.positions.iter().filter(|p| p.id != own.id).map(position_view).collect(),
                });
            }
        }
        Ok(AgencyPage {
            layout: Layout::detail(Section::Agencies, page.agency.name.clone()),
            rows: task_rows(&page.tasks.items, &pair_seqs(&all_pairs)),
            total: page.tasks.total,
            positions,
            agency: page.agency,
        })
    }
    .await;
    respond(result, rid)
}

// ---------------------------------------------------------------------------------------------
// 6. Council meetings.

struct MeetingRow {
    id: i64,
    title: String,
    held_at: When,
    place: String,
    chair: String,
    task_count: i64,
}

fn meeting_row(m: &MeetingSummary) -> MeetingRow {
    MeetingRow {
        id: m.id,
        title: m.title.clone(),
        held_at: when(m.held_at),
        place: m.place.clone().unwrap_or_else(|| "미정".into()),
        chair: m.chair.clone().unwrap_or_else(|| "미정".into()),
        task_count: m.task_count,
    }
}

#[derive(Template)]
#[template(path = "meetings.html")]
struct MeetingsPage {
    layout: Layout,
    rows: Vec<MeetingRow>,
}

async fn meeting_list(State(state): State<AppState>, rid: RequestId) -> Response {
    let result = async {
        let meetings = state.db.list_meetings().await?;
        Ok(MeetingsPage { layout: Layout::section(Section::Meetings), rows: meetings.iter().map(meeting_row).collect() })
    }
    .await;
    respond(result, rid)
}

struct TabledRow {
    id: i64,
    seq: i64,
    title: String,
    outcome: String,
}

struct AgendaView {
    seq: i64,
    title: String,
    decisions: Vec<String>,
    tasks: Vec<TabledRow>,
}

fn agenda_view(a: &AgendaItem) -> AgendaView {
    AgendaView {
        seq: a.seq,
        title: a.title.clone(),
        decisions: a.decisions.iter().map(|d| d.text.clone()).collect(),
        tasks: a
            .tasks
            .iter()
            .map(|t| TabledRow { id: t.id, seq: t.seq, title: t.title.clone(), outcome: outcome_label(&t.outcome) })
            .collect(),
    }
}

struct SourceView {
    title: String,
    publisher: String,
    department: Option<String>,
    released_on: Day,
    contacts: Vec<String>,
}

#[derive(Template)]
#[template(path = "meeting.html")]
struct MeetingPage {
    layout: Layout,
    meeting: MeetingRow,
    chair_name: Option<String>,
    purpose: Option<String>,
    remarks: Vec<String>,
    agenda: Vec<AgendaView>,
    source: Option<SourceView>,
}

async fn meeting_detail(State(state): State<AppState>, Path(id): Path<String>, rid: RequestId) -> Response {
    let result = async {
        let m: MeetingDetail = shared::meeting(&state.db, &id).await?;
        Ok(MeetingPage {
            layout: Layout::detail(Section::Meetings, m.summary.title.clone()),
            meeting: meeting_row(&m.summary),
            chair_name: m.chair_name.clone(),
            purpose: m.purpose.clone(),
            remarks: lines(m.remarks.as_deref()),
            agenda: m.agenda.iter().map(agenda_view).collect(),
            source: m.source.as_ref().map(|s| SourceView {
                title: s.title.clone(),
                publisher: s.publisher.clone(),
                department: s.department.clone(),
                released_on: day(s.released_on),
                contacts: s.contacts.clone(),
            }),
        })
    }
    .await;
    respond(result, rid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times_are_written_the_korean_way_in_kst() {
        let d = NaiveDate::from_ymd_opt(2024, 6, 30).expect("valid date");
        assert_eq!(date_ko(d), "2024. 6. 30.");
        let at = DateTime::parse_from_rfc3339("2024-04-15T06:00:00Z").expect("valid time").with_timezone(&Utc);
        let w = when(at);
        assert_eq!(w.text, "2024. 4. 15. 15:00");
        assert_eq!(w.iso, "2024-04-15T15:00+09:00");
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(enc("환경부"), "%ED%99%98%EA%B2%BD%EB%B6%80");
        assert_eq!(enc("a b&c"), "a%20b%26c");
        assert_eq!(agency_href("국토부"), "/agencies/%EA%B5%AD%ED%86%A0%EB%B6%80");
    }

    #[test]
    fn pagination_keeps_the_filters_and_marks_the_current_page() {
        let input = TaskFilterInput { q: Some("용인".into()), limit: Some("10".into()), ..TaskFilterInput::default() };
        let p = pager(&input, 10, 10, 41);
        assert_eq!(p.prev.as_deref(), Some("/tasks?q=%EC%9A%A9%EC%9D%B8&limit=10"));
        assert_eq!(p.next.as_deref(), Some("/tasks?q=%EC%9A%A9%EC%9D%B8&limit=10&offset=20"));
        let numbers: Vec<i64> = p.links.iter().map(|l| l.number).collect();
        assert_eq!(numbers, vec![1, 2, 3, 4, 5]);
        assert!(p.links[1].current);
        let first = pager(&TaskFilterInput::default(), 50, 0, 41);
        assert!(first.prev.is_none() && first.next.is_none());
        assert_eq!(first.links.len(), 1);
    }

    #[test]
    fn a_refused_filter_is_marked_on_its_field_and_announced_at_the_top() {
        let input = TaskFilterInput { task_type: Some("merger".into()), q: Some("용인".into()), ..TaskFilterInput::default() };
        let err = ValidationError::new("type", "알 수 없는 과제 유형입니다");
        let page = TaskListPage {
            layout: Layout::section(Section::Tasks),
            form: filter_form(&input, &[], &[], Some(&err)),
            total: None,
            rows: vec![],
            pager: None,
        };
        let html = page.render().expect("the page renders");
        assert!(html.contains(r#"<select id="f-type" name="type" class="krds-form-select is-error" aria-invalid="true" aria-describedby="f-type-err">"#), "{html}");
        assert!(html.contains(r#"<p class="form-hint-invalid" id="f-type-err">알 수 없는 과제 유형입니다</p>"#));
        assert!(html.contains(r#"<option value="merger" selected>"#));
        assert!(html.contains(r#"role="alert""#) && html.contains(r##"href="#f-type""##));
        assert!(html.contains(r#"value="용인""#));
        assert!(!html.contains("총 "));
    }

    #[test]
    fn an_unknown_submitted_value_stays_selected() {
        let opts = select_options("merger", vec![("silo_removal".into(), "부처간 칸막이 해소".into())]);
        assert!(opts[0].value.is_empty() && !opts[0].selected);
        assert!(opts.last().is_some_and(|o| o.value == "merger" && o.selected));
    }
}
