//! The published views: home, the task list and a task, exchange pairs, agencies, council meetings.
//! What a signed-in person may change shows here as links to the forms of `edit`.

use std::collections::HashMap;

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use hanteam_domain::access::{can_edit_registry, can_manage_task, can_write_agency_role, can_write_progress};
use hanteam_domain::task_filter::{DEFAULT_LIMIT, MAX_LIMIT};
use hanteam_domain::{TaskFilterInput, TaskStatus, TaskType, ValidationError};
use hanteam_store::views::{Agency, AgendaItem, ExchangePair, MeetingDetail, MeetingSummary, TaskDetail, TaskSummary};
use hanteam_store::Db;

use super::*;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::{shared, AppState};

fn saved_flag(q: Result<Query<SavedQuery>, QueryRejection>) -> bool {
    q.map(|Query(q)| q.saved()).unwrap_or(false)
}

fn registry_editor(cx: &Ctx) -> bool {
    cx.principal().is_some_and(can_edit_registry)
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

pub(super) async fn home(State(state): State<AppState>, cx: Ctx) -> Response {
    respond(home_page(&state.db, &cx).await, &cx)
}

async fn home_page(db: &Db, cx: &Ctx) -> Result<HomePage, AppError> {
    let o = shared::overview(db, &cx.viewer).await?;
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
    Ok(HomePage { layout: Layout::home(cx), totals, by_type, by_status })
}

// ---------------------------------------------------------------------------------------------
// 2. Task list with its filter form.

/// A select of the filter form.
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

fn pager(input: &TaskFilterInput, limit: i64, offset: i64, total: i64) -> Pager {
    let filters = [
        ("agency", &input.agency),
        ("pair", &input.pair),
        ("type", &input.task_type),
        ("status", &input.status),
        ("q", &input.q),
    ];
    // The page size only goes into the links when the user chose one.
    let limit_param = (!trimmed(&input.limit).is_empty() || limit != DEFAULT_LIMIT).then_some(limit.max(1));
    pager_for("/tasks", &filters, limit_param, limit, offset, total)
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
    /// The viewer may register a new task.
    can_create: bool,
}

pub(super) async fn task_list(
    State(state): State<AppState>,
    cx: Ctx,
    query: Result<Query<TaskFilterInput>, QueryRejection>,
) -> Response {
    let Ok(Query(input)) = query else {
        return error_page(
            AppError::invalid(
                "query",
                "검색 조건을 읽을 수 없습니다. 같은 조건을 두 번 넣지 않았는지 확인하고, 검색 화면에서 다시 검색해 주세요.",
            ),
            &cx,
        );
    };
    let db = &state.db;
    let lists = async { Ok::<_, AppError>((db.list_agencies().await?, db.list_pairs().await?)) };
    let (agencies, pairs) = match lists.await {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let can_create = cx.principal().is_some_and(can_manage_task);
    match shared::task_list(db, &cx.viewer, &input).await {
        Ok((filter, page)) => {
            let rows = task_rows(&page.items, &pair_seqs(&pairs));
            let pager = (page.total > 0).then(|| pager(&input, filter.limit, filter.offset, page.total));
            let view = TaskListPage {
                layout: Layout::section(&cx, Section::Tasks),
                form: filter_form(&input, &agencies, &pairs, None),
                total: Some(page.total),
                rows,
                pager,
                can_create,
            };
            render(StatusCode::OK, &view)
        }
        Err(AppError::Invalid(errors)) if !errors.is_empty() => {
            let err = &errors[0];
            let view = TaskListPage {
                layout: Layout::section(&cx, Section::Tasks),
                form: filter_form(&input, &agencies, &pairs, Some(err)),
                total: None,
                rows: vec![],
                pager: None,
                can_create,
            };
            render(StatusCode::BAD_REQUEST, &view)
        }
        Err(e) => error_page(e, &cx),
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Task detail.

struct RoleRow {
    short_name: String,
    role: Option<String>,
    /// The role form, when the viewer may change this agency's role.
    edit_href: Option<String>,
}

struct KpiRow {
    id: i64,
    name: String,
    baseline: String,
    target: String,
    unit: String,
    due: Option<Day>,
    note: String,
}

struct MilestoneRow {
    id: i64,
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
    roles: Vec<RoleRow>,
    /// Some role of the table may be changed (the table gets a column for the links).
    any_role_edit: bool,
    kpis: Vec<KpiRow>,
    milestones: Vec<MilestoneRow>,
    meetings: Vec<TaskMeetingRow>,
    archived: bool,
    /// The viewer may edit and archive the task.
    can_manage: bool,
    /// The viewer may add, change and remove KPIs and milestones.
    can_progress: bool,
    saved: bool,
}

pub(super) async fn task_detail(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    q: Result<Query<SavedQuery>, QueryRejection>,
) -> Response {
    respond(task_page(&state.db, &cx, &id, saved_flag(q)).await, &cx)
}

async fn task_page(db: &Db, cx: &Ctx, id: &str, saved: bool) -> Result<TaskPage, AppError> {
    let task = shared::task(db, &cx.viewer, id).await?;
    let s = &task.summary;
    let archived = task.archived_at.is_some();
    // What the viewer may change here (nothing once the task is archived).
    let access = match cx.principal() {
        Some(_) if !archived => db.task_access(s.id).await?,
        _ => None,
    };
    let who = cx.principal().zip(access.as_ref());
    let can_manage = who.is_some_and(|(p, _)| can_manage_task(p));
    let can_progress = who.is_some_and(|(p, t)| can_write_progress(p, t));
    let roles: Vec<RoleRow> = s
        .agencies
        .iter()
        .map(|a| RoleRow {
            short_name: a.short_name.clone(),
            role: a.role.clone(),
            edit_href: who
                .is_some_and(|(p, t)| can_write_agency_role(p, t, a.id))
                .then(|| format!("/tasks/{}/roles/{}", s.id, a.id)),
        })
        .collect();
    Ok(TaskPage {
        layout: Layout::detail(cx, Section::Tasks, s.title.clone()),
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
        any_role_edit: roles.iter().any(|r| r.edit_href.is_some()),
        roles,
        kpis: task
            .kpis
            .iter()
            .map(|k| KpiRow {
                id: k.id,
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
                id: m.id,
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
        archived,
        can_manage,
        can_progress,
        saved,
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
    id: i64,
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
    /// The viewer may edit pairs, positions and exchangees (the rows get links to the forms).
    editor: bool,
    saved: bool,
}

pub(super) async fn pair_list(
    State(state): State<AppState>,
    cx: Ctx,
    q: Result<Query<SavedQuery>, QueryRejection>,
) -> Response {
    respond(pairs_page(&state.db, &cx, saved_flag(q)).await, &cx)
}

/// Every task (for titles), however many there are.
async fn all_tasks(db: &Db, viewer: &Viewer) -> Result<Vec<TaskSummary>, AppError> {
    let input = TaskFilterInput { limit: Some(MAX_LIMIT.to_string()), ..TaskFilterInput::default() };
    let (_, first) = shared::task_list(db, viewer, &input).await?;
    let mut items = first.items;
    while (items.len() as i64) < first.total {
        let more = TaskFilterInput { offset: Some(items.len().to_string()), ..input.clone() };
        let (_, page) = shared::task_list(db, viewer, &more).await?;
        if page.items.is_empty() {
            break;
        }
        items.extend(page.items);
    }
    Ok(items)
}

async fn pairs_page(db: &Db, cx: &Ctx, saved: bool) -> Result<PairsPage, AppError> {
    let pairs = db.list_pairs().await?;
    let tasks = all_tasks(db, &cx.viewer).await?;
    let by_id: HashMap<i64, &TaskSummary> = tasks.iter().map(|t| (t.id, t)).collect();
    let mut designated: Vec<NaiveDate> = pairs.iter().filter_map(|p| p.designated_on).collect();
    designated.sort();
    designated.dedup();
    let rows = pairs
        .iter()
        .map(|p| PairRow {
            id: p.id,
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
    Ok(PairsPage {
        layout: Layout::section(cx, Section::Pairs),
        designated_on: designated.into_iter().map(day).collect(),
        rows,
        editor: registry_editor(cx),
        saved,
    })
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

pub(super) async fn agency_list(State(state): State<AppState>, cx: Ctx) -> Response {
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
        Ok(AgenciesPage { layout: Layout::section(&cx, Section::Agencies), rows })
    }
    .await;
    respond(result, &cx)
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
    /// The viewer may edit the agency and its positions.
    editor: bool,
    saved: bool,
}

pub(super) async fn agency_detail(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    q: Result<Query<SavedQuery>, QueryRejection>,
) -> Response {
    let saved = saved_flag(q);
    let result = async {
        let page = shared::agency(&state.db, &cx.viewer, &id).await?;
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
            layout: Layout::detail(&cx, Section::Agencies, page.agency.name.clone()),
            rows: task_rows(&page.tasks.items, &pair_seqs(&all_pairs)),
            total: page.tasks.total,
            positions,
            agency: page.agency,
            editor: registry_editor(&cx),
            saved,
        })
    }
    .await;
    respond(result, &cx)
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

pub(super) async fn meeting_list(State(state): State<AppState>, cx: Ctx) -> Response {
    let result = async {
        let meetings = state.db.list_meetings().await?;
        Ok(MeetingsPage {
            layout: Layout::section(&cx, Section::Meetings),
            rows: meetings.iter().map(meeting_row).collect(),
        })
    }
    .await;
    respond(result, &cx)
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

pub(super) async fn meeting_detail(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = async {
        let m: MeetingDetail = shared::meeting(&state.db, &id).await?;
        Ok(MeetingPage {
            layout: Layout::detail(&cx, Section::Meetings, m.summary.title.clone()),
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
    respond(result, &cx)
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::super::testing::public;
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
        let input =
            TaskFilterInput { q: Some("용인".into()), limit: Some("10".into()), ..TaskFilterInput::default() };
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
        let input =
            TaskFilterInput {
                task_type: Some("merger".into()), q: Some("용인".into()), ..TaskFilterInput::default()
            };
        let err = ValidationError::new("type", "알 수 없는 과제 유형입니다");
        let cx = public("/tasks?type=merger");
        let page = TaskListPage {
            layout: Layout::section(&cx, Section::Tasks),
            form: filter_form(&input, &[], &[], Some(&err)),
            total: None,
            rows: vec![],
            pager: None,
            can_create: false,
        };
        let html = page.render().expect("the page renders");
        assert!(html.contains(r#"<select id="f-type" name="type" class="krds-form-select is-error" aria-invalid="true" aria-describedby="f-type-err">"#), "{html}");
        assert!(html.contains(r#"<p class="form-hint-invalid" id="f-type-err">알 수 없는 과제 유형입니다</p>"#));
        assert!(html.contains(r#"<option value="merger" selected>"#));
        assert!(html.contains(r#"role="alert""#) && html.contains(r##"href="#f-type""##));
        assert!(html.contains(r#"value="용인""#));
        assert!(!html.contains("총 "));
        assert!(
            html.contains(r#"href="/sign-in?next=%2Ftasks%3Ftype%3Dmerger""#),
            "the public gets a sign-in link back here"
        );
        assert!(!html.contains("새 과제 등록"));
    }

    #[test]
    fn an_unknown_submitted_value_stays_selected() {
        let opts = select_options("merger", vec![("silo_removal".into(), "부처간 칸막이 해소".into())]);
        assert!(opts[0].value.is_empty() && !opts[0].selected);
        assert!(opts.last().is_some_and(|o| o.value == "merger" && o.selected));
    }
}
