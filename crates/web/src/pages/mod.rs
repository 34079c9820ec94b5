//! The server-rendered HTML pages: Korean, in the look of the government design system KRDS, and
//! usable without JavaScript. Handlers load and write through [`crate::shared`] and
//! [`crate::account`] (the same code as the JSON API) and turn the read models into small view rows;
//! the templates in `templates/` only lay them out.
//!
//! - `read`: the published views (home, tasks, pairs, agencies, meetings);
//! - `form`: what every form page shares (fields, error summary, the answer to a POST);
//! - `edit`: the forms that change tasks, their parts and the registry;
//! - `account`: signing in and out, one's own account and API tokens;
//! - `audit`: the audit log.

use std::collections::HashMap;
use std::convert::Infallible;

use askama::Template;
use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::http::{HeaderMap, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::Router;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike, Utc};
use hanteam_domain::access::{can_read_audit, Principal};
use hanteam_domain::TaskStatus;
use hanteam_store::views::{CareerEntry, ExchangePair, NameVariant, Position, TaskSummary};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::routes::Endpoint;
use crate::AppState;

mod account;
mod audit;
mod edit;
mod form;
mod read;

/// Every HTML route and static file, built from the route table (`crate::routes::Endpoint`): a page
/// cannot be routed without a rule there, and `page` names a handler for every page rule. (The JSON
/// API's routes are checked against the table through its OpenAPI document.)
pub fn router() -> Router<AppState> {
    Endpoint::ALL.iter().fold(Router::new(), |router, e| match page(*e) {
        Some(handler) => router.route(e.path(), handler),
        None => router,
    })
}

/// The handler of a page endpoint; `None` for the JSON API's, which `api.rs` routes.
fn page(e: Endpoint) -> Option<MethodRouter<AppState>> {
    use Endpoint::*;
    Some(match e {
        PageHome => get(read::home),
        PageTasks => get(read::task_list),
        PageTask => get(read::task_detail),
        PagePairs => get(read::pair_list),
        PageAgencies => get(read::agency_list),
        PageAgency => get(read::agency_detail),
        PageMeetings => get(read::meeting_list),
        PageMeeting => get(read::meeting_detail),
        StaticKrds => get(crate::assets::krds),
        StaticOwn => get(crate::assets::own),
        SignInForm => get(account::sign_in_form),
        SignIn => post(account::sign_in),
        SignOut => post(account::sign_out),
        AccountPage => get(account::account_page),
        PasswordChange => post(account::change_password),
        TokenCreate => post(account::create_token),
        TokenRevoke => post(account::revoke_token),
        AuditPage => get(audit::audit_page),
        TaskNewForm => get(edit::task_new_form),
        TaskCreate => post(edit::task_create),
        TaskEditForm => get(edit::task_edit_form),
        TaskEdit => post(edit::task_edit),
        TaskArchiveForm => get(edit::task_archive_form),
        TaskArchive => post(edit::task_archive),
        RoleEditForm => get(edit::role_form),
        RoleEdit => post(edit::role_edit),
        KpiNewForm => get(edit::kpi_new_form),
        KpiCreate => post(edit::kpi_create),
        KpiEditForm => get(edit::kpi_edit_form),
        KpiEdit => post(edit::kpi_edit),
        KpiRemoveForm => get(edit::kpi_remove_form),
        KpiRemove => post(edit::kpi_remove),
        MilestoneNewForm => get(edit::milestone_new_form),
        MilestoneCreate => post(edit::milestone_create),
        MilestoneEditForm => get(edit::milestone_edit_form),
        MilestoneEdit => post(edit::milestone_edit),
        MilestoneRemoveForm => get(edit::milestone_remove_form),
        MilestoneRemove => post(edit::milestone_remove),
        AgencyEditForm => get(edit::agency_form),
        AgencyEdit => post(edit::agency_edit),
        PositionEditForm => get(edit::position_form),
        PositionEdit => post(edit::position_edit),
        PairEditForm => get(edit::pair_form),
        PairEdit => post(edit::pair_edit),
        ExchangeeEditForm => get(edit::exchangee_form),
        ExchangeeEdit => post(edit::exchangee_edit),
        Healthz | ApiOpenApi | ApiOverview | ApiAgencies | ApiAgency | ApiAgencyUpdate | ApiPairs | ApiPairUpdate
        | ApiPositionUpdate | ApiExchangeeUpdate | ApiTasks | ApiTaskCreate | ApiTask | ApiTaskUpdate
        | ApiTaskArchive | ApiRoleUpdate | ApiKpiCreate | ApiKpiUpdate | ApiKpiRemove | ApiMilestoneCreate
        | ApiMilestoneUpdate | ApiMilestoneRemove | ApiMeetings | ApiMeeting | ApiMe | ApiTokens | ApiTokenCreate
        | ApiTokenRevoke | ApiAudit => return None,
    })
}

/// The HTML 404 page, for every path no router knows.
pub fn not_found(viewer: Viewer, uri: &Uri, headers: &HeaderMap) -> Response {
    let cx = Ctx::new(viewer, uri, headers);
    let page = ErrorPage {
        layout: Layout::plain(&cx, "페이지를 찾을 수 없습니다"),
        heading: "페이지를 찾을 수 없습니다",
        message: "요청하신 페이지가 없거나 주소가 바뀌었습니다. 주소를 확인하거나 아래 메뉴에서 찾아 주세요.".into(),
        request_id: None,
    };
    render(StatusCode::NOT_FOUND, &page)
}

// ---------------------------------------------------------------------------------------------
// The request as every page handler needs it.

/// Who is asking, where they are (for "sign in and come back here") and the request id (quoted on a
/// server error page). Every page handler takes one; its layout shows the person in the header.
struct Ctx {
    viewer: Viewer,
    /// Path and query of this request.
    here: String,
    request_id: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let viewer = Viewer::from_request_parts(parts, state).await?;
        let uri = parts.extensions.get::<OriginalUri>().map_or(&parts.uri, |o| &o.0);
        Ok(Ctx::new(viewer, uri, &parts.headers))
    }
}

impl Ctx {
    fn new(viewer: Viewer, uri: &Uri, headers: &HeaderMap) -> Ctx {
        let here = uri.path_and_query().map_or_else(|| uri.path().to_string(), |p| p.as_str().to_string());
        let request_id = headers.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_string);
        Ctx { viewer, here, request_id }
    }
}

impl Ctx {
    fn principal(&self) -> Option<&Principal> {
        self.viewer.principal()
    }

    /// The session's CSRF token for the hidden field of a POST form.
    fn csrf(&self) -> String {
        self.viewer.csrf_token().unwrap_or_default().to_string()
    }

    fn path(&self) -> &str {
        self.here.split('?').next().unwrap_or("/")
    }
}

// ---------------------------------------------------------------------------------------------
// Layout: title, main menu (GNB), the signed-in person and breadcrumb, shared by every page
// through base.html.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Home,
    Tasks,
    Pairs,
    Agencies,
    Meetings,
    Audit,
    Account,
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
        Section::Audit => Some(("감사기록", "/audit")),
        Section::Account => Some(("내 정보", "/account")),
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

/// The signed-in person in the header.
struct SignedIn {
    name: String,
    /// Their roles, in Korean.
    roles: String,
    csrf: String,
    /// The page is the account page (its link is marked as the current page).
    on_account: bool,
    /// The sign-out form needs the session's token; a page seen through an API token has none.
    can_sign_out: bool,
}

/// The header's account area: a person, a sign-in link, or nothing (pages drawn without knowing who
/// asks: the access gate's refusals and the 404 fallback).
struct UserBar {
    signed_in: Option<SignedIn>,
    sign_in_href: Option<String>,
}

struct Layout {
    /// The page's name; `<title>` adds the site name after it.
    title: String,
    menu: Vec<MenuItem>,
    crumbs: Vec<Crumb>,
    user: UserBar,
}

fn menu(section: Section, with_audit: bool) -> Vec<MenuItem> {
    let mut items: Vec<MenuItem> =
        MENU.iter().map(|&(s, href, label)| MenuItem { href, label, current: s == section }).collect();
    if with_audit {
        items.push(MenuItem { href: "/audit", label: "감사기록", current: section == Section::Audit });
    }
    items
}

fn user_bar(cx: &Ctx) -> UserBar {
    match (&cx.viewer.account, cx.principal()) {
        (Some(account), Some(p)) => UserBar {
            signed_in: Some(SignedIn {
                name: account.display_name.clone(),
                roles: p.roles().iter().map(|r| r.label_ko()).collect::<Vec<_>>().join(", "),
                csrf: cx.csrf(),
                on_account: cx.path() == "/account",
                can_sign_out: cx.viewer.csrf_token().is_some(),
            }),
            sign_in_href: None,
        },
        _ => {
            // On the sign-in page itself the link would lead back to the same form.
            let href = if cx.path() == "/sign-in" { None } else { Some(format!("/sign-in?next={}", enc(&cx.here))) };
            UserBar { signed_in: None, sign_in_href: href }
        }
    }
}

impl Layout {
    fn with_crumbs(cx: &Ctx, title: String, section: Section, crumbs: Vec<Crumb>) -> Layout {
        let with_audit = cx.principal().is_some_and(can_read_audit);
        Layout { title, menu: menu(section, with_audit), crumbs, user: user_bar(cx) }
    }

    fn home(cx: &Ctx) -> Layout {
        Layout::with_crumbs(
            cx,
            "범정부 협업과제 관리".into(),
            Section::Home,
            vec![Crumb { label: "홈".into(), href: None }],
        )
    }

    /// A section's own page (a list): 홈 > section.
    fn section(cx: &Ctx, section: Section) -> Layout {
        let (label, _) = section_crumb(section).unwrap_or(("", "/"));
        let crumbs = vec![home_crumb(), Crumb { label: label.into(), href: None }];
        Layout::with_crumbs(cx, label.into(), section, crumbs)
    }

    /// A page inside a section: 홈 > section > title.
    fn detail(cx: &Ctx, section: Section, title: impl Into<String>) -> Layout {
        Layout::nested(cx, section, vec![], title)
    }

    /// A page under other pages of a section: 홈 > section > parents… > title.
    fn nested(cx: &Ctx, section: Section, parents: Vec<(String, String)>, title: impl Into<String>) -> Layout {
        let title = title.into();
        let mut crumbs = vec![home_crumb()];
        if let Some((label, href)) = section_crumb(section) {
            crumbs.push(Crumb { label: label.into(), href: Some(href.into()) });
        }
        crumbs.extend(parents.into_iter().map(|(label, href)| Crumb { label, href: Some(href) }));
        crumbs.push(Crumb { label: title.clone(), href: None });
        Layout::with_crumbs(cx, title, section, crumbs)
    }

    /// A page outside the sections (errors, sign-in): 홈 > title.
    fn plain(cx: &Ctx, title: &str) -> Layout {
        Layout::with_crumbs(
            cx,
            title.into(),
            Section::None,
            vec![home_crumb(), Crumb { label: title.into(), href: None }],
        )
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

/// A page that must not be kept by the browser or a proxy (it shows a secret or personal data).
fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// 303 See Other: after a POST, the browser loads `href` with GET.
fn see_other(href: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(href) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    response
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    heading: &'static str,
    message: String,
    request_id: Option<String>,
}

fn error_heading(err: &AppError) -> &'static str {
    match err {
        AppError::Invalid(_) => "요청을 처리할 수 없습니다",
        AppError::Unauthenticated(_) => "로그인이 필요합니다",
        AppError::Forbidden(_) => "권한이 없습니다",
        AppError::Stale { .. } => "다른 사람이 먼저 고쳤습니다",
        AppError::Locked { .. } => "잠시 후 다시 시도해 주세요",
        AppError::NotFound(_) => "페이지를 찾을 수 없습니다",
        AppError::TooLarge => "보낸 내용이 너무 큽니다",
        AppError::Internal(cause) => {
            tracing::error!(%cause, "page request failed");
            "서버 오류가 발생했습니다"
        }
    }
}

/// The error page for `err`, with its status and its Korean message (a server error says nothing of its cause).
fn error_page(err: AppError, cx: &Ctx) -> Response {
    let heading = error_heading(&err);
    let request_id = matches!(err, AppError::Internal(_)).then(|| cx.request_id.clone()).flatten();
    let page = ErrorPage { layout: Layout::plain(cx, heading), heading, message: err.detail().message, request_id };
    no_store(render(err.status(), &page))
}

/// The error page for `err`, for code outside the page handlers (the access gate, CSRF checks).
pub fn error_response(err: AppError, viewer: &Viewer, uri: &Uri, headers: &HeaderMap) -> Response {
    error_page(err, &Ctx::new(viewer.clone(), uri, headers))
}

/// Runs a page handler's body: `Ok` renders with 200, `Err` renders the error page.
fn respond<T: Template>(result: Result<T, AppError>, cx: &Ctx) -> Response {
    match result {
        Ok(page) => render(StatusCode::OK, &page),
        Err(e) => error_page(e, cx),
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
        text: format!(
            "{}. {}. {}. {:02}:{:02}",
            local.year(),
            local.month(),
            local.day(),
            local.hour(),
            local.minute()
        ),
    }
}

/// A date for `<time>`.
struct Day {
    iso: String,
    text: String,
}

fn day(d: NaiveDate) -> Day {
    Day { iso: iso_date(d), text: date_ko(d) }
}

/// "2024-06-30", as `<input type="date">` and the server expect it.
fn iso_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
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

fn trimmed(v: &Option<String>) -> &str {
    v.as_deref().map(str::trim).unwrap_or("")
}

// ---------------------------------------------------------------------------------------------
// Options of a select (filters and edit forms).

struct Opt {
    value: String,
    label: String,
    selected: bool,
}

/// The options of a select with a first "nothing chosen" option labelled `none_label`. A submitted
/// value that is not among the options is kept as an extra option, so that the form shows what the
/// user sent.
fn options_with(none_label: &str, raw: &str, known: Vec<(String, String)>) -> Vec<Opt> {
    let mut opts = vec![Opt { value: String::new(), label: none_label.into(), selected: raw.is_empty() }];
    let found = known.iter().any(|(v, _)| v == raw);
    opts.extend(known.into_iter().map(|(value, label)| Opt { selected: value == raw, value, label }));
    if !raw.is_empty() && !found {
        opts.push(Opt { value: raw.into(), label: format!("{raw} (알 수 없는 값)"), selected: true });
    }
    opts
}

/// A filter's options: "전체" first.
fn select_options(raw: &str, known: Vec<(String, String)>) -> Vec<Opt> {
    options_with("전체", raw, known)
}

// ---------------------------------------------------------------------------------------------
// Pagination (task list and audit log).

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

/// A list's address with the same filters, at another offset.
fn list_href(base: &str, filters: &[(&str, String)], limit: Option<i64>, offset: i64) -> String {
    let mut parts: Vec<String> = filters.iter().map(|(k, v)| format!("{k}={}", enc(v))).collect();
    if let Some(limit) = limit {
        parts.push(format!("limit={limit}"));
    }
    if offset > 0 {
        parts.push(format!("offset={offset}"));
    }
    if parts.is_empty() {
        base.into()
    } else {
        format!("{base}?{}", parts.join("&"))
    }
}

/// The pages of a list at `base` with `filters` (empty values left out); `limit_param` is the page
/// size to carry in the links (only when the user chose one).
fn pager_for(
    base: &str,
    filters: &[(&str, &Option<String>)],
    limit_param: Option<i64>,
    limit: i64,
    offset: i64,
    total: i64,
) -> Pager {
    let limit = limit.max(1);
    let filters: Vec<(&str, String)> = filters
        .iter()
        .filter_map(|(k, v)| {
            let v = trimmed(v);
            (!v.is_empty()).then(|| (*k, v.to_string()))
        })
        .collect();
    let href = |off: i64| list_href(base, &filters, limit_param, off);

    let pages = ((total + limit - 1) / limit).max(1);
    let current = (offset / limit + 1).min(pages);
    let mut links = Vec::new();
    let mut last_shown = 0;
    for n in 1..=pages {
        if n == 1 || n == pages || (n - current).abs() <= 2 {
            links.push(PageLink {
                number: n,
                href: href((n - 1) * limit),
                current: n == current,
                gap_before: n > last_shown + 1,
            });
            last_shown = n;
        }
    }
    Pager {
        prev: (offset > 0).then(|| href((offset - limit).max(0))),
        next: (offset + limit < total).then(|| href(offset + limit)),
        links,
    }
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
    id: i64,
    name: String,
    expertise: Option<String>,
    careers: Vec<String>,
}

/// An exchange position with its holders, ready to show.
struct PositionView {
    id: i64,
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
        id: p.id,
        agency: p.agency.short_name.clone(),
        agency_href: agency_href(&p.agency.short_name),
        title: p.title.clone(),
        level: p.level_label(),
        variants: p.variants.clone(),
        exchangees: p
            .exchangees
            .iter()
            .map(|e| ExchangeeView {
                id: e.id,
                name: e.name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| "미공개".into()),
                expertise: e.expertise.clone(),
                careers: e.careers.iter().map(career_text).collect(),
            })
            .collect(),
    }
}

/// The "저장되었습니다." notice after a form was saved (`?saved=1`).
#[derive(serde::Deserialize, Default)]
struct SavedQuery {
    saved: Option<String>,
}

impl SavedQuery {
    fn saved(&self) -> bool {
        self.saved.as_deref() == Some("1")
    }
}

#[cfg(test)]
pub(super) mod testing {
    use hanteam_domain::access::{Grant, Principal};

    use super::Ctx;
    use crate::auth::{Account, Credential, Viewer};

    /// A request of the public, on `here`.
    pub(in crate::pages) fn public(here: &str) -> Ctx {
        let viewer = Viewer {
            account: None,
            principal: None,
            credential: Credential::Anonymous,
            client_addr: None,
            https: false,
        };
        Ctx { viewer, here: here.into(), request_id: None }
    }

    /// A request of a signed-in person with `grants`, on `here`; the session's CSRF token is "tok".
    pub(in crate::pages) fn signed_in(here: &str, grants: Vec<Grant>) -> Ctx {
        let viewer = Viewer {
            account: Some(Account {
                id: 7,
                login: "kim".into(),
                display_name: "김한팀".into(),
                must_change_password: false,
            }),
            principal: Some(Principal { user_id: 7, grants, token_rights: None }),
            credential: Credential::Session { id: 1, csrf_token: "tok".into() },
            client_addr: None,
            https: false,
        };
        Ctx { viewer, here: here.into(), request_id: None }
    }
}
