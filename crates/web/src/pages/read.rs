//! The published views: home, the task list and a task, exchange pairs, agencies, council meetings.
//! What a signed-in person may change shows here as links to the forms of `edit` and `parts`.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{NaiveDate, Utc};
use hanteam_app::views::{Agency, AgencyBrief, AgendaItem, MeetingSummary, NameVariant, PairBrief, TaskDetail};
use hanteam_app::{lifecycle, registry, tasks, Db};
use hanteam_domain::access::{can_edit_registry, can_manage_task};
use hanteam_domain::filter::DEFAULT_LIMIT;
use hanteam_domain::time::kst_date;
use hanteam_domain::{MeetingId, TaskFilterInput, TaskId, TaskSort, TaskStatus, TaskType, ValidationError};

use super::context::Ctx;
use super::format::{day, lines, number, trimmed, when, Day, When};
use super::layout::{Layout, Section};
use super::links;
use super::render::{error_page, render, respond};
use super::rows::{pair_labels, position_view, task_heads, task_rows, Head, PositionView, SearchWords, TaskRow};
use super::widgets::{
    filtered_href, options_with, pager_for, select_options, status_badge, Action, Badge, Cell, ListQuery, Opt, Pager,
    SavedQuery, Table,
};
use crate::error::AppError;
use crate::AppState;

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
    /// Said under the count (그 밖의 기관 2곳).
    aside: Option<String>,
}

/// A milestone on a person's work list, with how it stands against its due date.
struct DueRow {
    task_href: String,
    task_title: String,
    title: String,
    due: Day,
    badge: Badge,
}

/// A follow-up on a person's work list.
struct FollowUpRow {
    task_href: String,
    task_title: String,
    title: String,
    owner: String,
    due: Day,
    badge: Badge,
    done_href: String,
}

/// A person's own work, first on their home page.
struct WorkView {
    /// Their follow-up actions not yet done, by due date.
    follow_ups: Vec<FollowUpRow>,
    /// The open bottlenecks and mediations they see, oldest first.
    bottlenecks: Vec<super::mediation::BottleneckRow>,
    bottleneck_total: i64,
    follow_up_total: i64,
    total: i64,
    heads: Vec<Head>,
    rows: Vec<TaskRow>,
    /// The whole list of their tasks, when one filter says which they are.
    all_href: Option<String>,
    due: Vec<DueRow>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    work: Option<WorkView>,
    totals: Vec<CountLink>,
    by_type: Table,
    /// The kinds no task is of, said in one line instead of rows of zeros.
    types_without: Vec<&'static str>,
    by_status: Table,
    statuses_without: Vec<&'static str>,
    /// The lights of the latest closed check cycle and the next report deadlines.
    checks: super::checks::ChecksPanel,
    /// The reports the person files or mends (내 점검 보고), if they file any.
    my_reports: Option<Vec<super::checks::ReportDueRow>>,
    /// The council meetings scheduled from today on.
    upcoming: Vec<super::council::UpcomingRow>,
}

pub(crate) async fn home(State(state): State<AppState>, cx: Ctx) -> Response {
    respond(home_page(&state.db, &cx).await, &cx)
}

/// A count that links to the list of what it counts.
fn count_cell(count: i64, href: String, label: &str) -> Cell {
    Cell::Link { href, text: format!("{count}건"), hidden: Some(format!(" ({label} 과제 목록 보기)")) }
}

/// How a milestone not done stands on `today`: overdue, due today, or due in some days.
fn due_badge(due: NaiveDate, today: NaiveDate) -> Badge {
    let days = (due - today).num_days();
    match days {
        d if d < 0 => Badge { label: format!("기한 {}일 지남", -d).into(), class: "bg-light-danger" },
        0 => Badge { label: "오늘 기한".into(), class: "bg-light-warning" },
        d => Badge { label: format!("{d}일 남음").into(), class: "bg-light-information" },
    }
}

async fn work_view(db: &Db, cx: &Ctx) -> Result<Option<WorkView>, AppError> {
    let Some(work) = tasks::my_work(db, cx.by(), Utc::now()).await? else { return Ok(None) };
    let mine = hanteam_app::follow_ups::mine(db, cx.by(), hanteam_app::follow_ups::MY_FOLLOW_UPS).await?;
    let follow_up_total = mine.as_ref().map_or(0, |p| p.total);
    let follow_ups = mine
        .map(|p| p.items)
        .unwrap_or_default()
        .iter()
        .map(|f| FollowUpRow {
            task_href: links::task(&f.task.id),
            task_title: f.task.title.clone(),
            title: f.title.clone(),
            owner: super::mediation::owner_text(f),
            due: day(f.due),
            badge: due_badge(f.due, work.today),
            done_href: crate::endpoint::Endpoint::FollowUpDoneForm.href(&[&f.id]),
        })
        .collect();
    let pairs = pair_labels(&registry::pair_choices(db).await?);
    let all_href = work
        .whole_list
        .as_ref()
        .map(|input| filtered_href(&links::tasks(), &list_filters(input), limit_param(input, DEFAULT_LIMIT)));
    let open = hanteam_app::mediation::open_ones(db, cx.by(), None, 10, Utc::now()).await?;
    let bottleneck_total = open.as_ref().map_or(0, |p| p.total);
    let bottlenecks = open.map(|p| p.items.iter().map(super::mediation::bottleneck_row).collect()).unwrap_or_default();
    Ok(Some(WorkView {
        bottlenecks,
        bottleneck_total,
        follow_ups,
        follow_up_total,
        total: work.tasks.total,
        heads: task_heads(None, None),
        rows: task_rows(&work.tasks.items, &pairs, None),
        all_href,
        due: work
            .milestones
            .iter()
            .map(|m| DueRow {
                task_href: links::task(&m.task_id),
                task_title: m.task_title.clone(),
                title: m.title.clone(),
                due: day(m.due),
                badge: due_badge(m.due, work.today),
            })
            .collect(),
    }))
}

async fn home_page(db: &Db, cx: &Ctx) -> Result<HomePage, AppError> {
    let o = tasks::overview(db, cx.by()).await?;
    let others = o.agencies - o.agencies_in_tasks;
    let totals = vec![
        CountLink { label: "교류직위 쌍", note: "쌍", href: links::pairs(), count: o.pairs, aside: None },
        CountLink { label: "협업과제", note: "건", href: links::tasks(), count: o.tasks, aside: None },
        CountLink {
            label: "참여 기관",
            note: "곳",
            href: links::agencies(),
            count: o.agencies_in_tasks,
            aside: (others > 0).then(|| format!("과제에 참여하지 않는 기관 {others}곳 별도")),
        },
        CountLink {
            label: "협업과제점검협의회", note: "회", href: links::meetings(), count: o.meetings, aside: None
        },
    ];
    let mut types_without = Vec::new();
    let mut by_type = Vec::new();
    for c in &o.tasks_by_type {
        let (label, note, value) = match c.key {
            Some(t) => (t.label_ko(), t.criterion_ko(), t.as_str()),
            None => ("미입력", "아직 유형이 입력되지 않은 과제", "unset"),
        };
        if c.count == 0 {
            types_without.push(label);
            continue;
        }
        by_type.push(vec![
            Cell::Head(label.into()),
            Cell::Text(note.into()),
            count_cell(c.count, format!("{}?type={value}", links::tasks()), label),
        ]);
    }
    let mut statuses_without = Vec::new();
    let mut by_status = Vec::new();
    for c in &o.tasks_by_status {
        let label = c.key.label_ko();
        if c.count == 0 {
            statuses_without.push(label);
            continue;
        }
        by_status.push(vec![
            Cell::Head(label.into()),
            count_cell(c.count, format!("{}?status={}", links::tasks(), c.key.as_str()), label),
        ]);
    }
    let checks = super::checks::checks_panel(hanteam_app::checks::summary(db, None).await?, cx, String::new());
    let my_reports = hanteam_app::checks::my_reports(db, cx.by()).await?.map(|p| super::checks::due_rows(&p.items));
    Ok(HomePage {
        upcoming: super::council::upcoming_rows(db).await?,
        checks,
        my_reports,
        layout: Layout::home(cx),
        work: work_view(db, cx).await?,
        totals,
        by_type: Table {
            caption: "과제 유형별 협업과제 수".into(),
            head: vec!["과제 유형", "기준", "과제 수"],
            rows: by_type,
            scroll_label: None,
        },
        types_without,
        by_status: Table {
            caption: "상태별 협업과제 수".into(),
            head: vec!["상태", "과제 수"],
            rows: by_status,
            scroll_label: None,
        },
        statuses_without,
    })
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
    sort: SelectField,
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
    agencies: &[AgencyBrief],
    pairs: &[PairBrief],
    error: Option<&ValidationError>,
) -> FilterForm {
    let field_error = |field: &str| error.filter(|e| e.field == field).map(|e| e.message.clone());

    // An agency may arrive by id (`?agency=4`); the select shows it by short name.
    let raw_agency = trimmed(&input.agency);
    let agency_value = raw_agency
        .parse::<i64>()
        .ok()
        .and_then(|id| agencies.iter().find(|a| a.id.get() == id))
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
    types.push(("unset".into(), "미입력".into()));
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
    let sort = SelectField {
        id: "f-sort",
        name: "sort",
        label: "정렬",
        options: options_with(
            "관련도순 (검색어가 없으면 번호순)",
            trimmed(&input.sort),
            TaskSort::ALL.iter().map(|s| (s.as_str().to_string(), s.label_ko().to_string())).collect(),
        ),
        error: field_error("sort"),
    };
    let limit_value = trimmed(&input.limit);
    let limit_ok = !limit_value.is_empty() && error.is_none_or(|e| e.field != "limit");
    FilterForm {
        agency,
        pair,
        task_type,
        status,
        q,
        sort,
        limit: limit_ok.then(|| limit_value.to_string()),
        error: error.map(|e| FormError {
            message: e.message.clone(),
            target: match e.field.as_str() {
                "agency" => Some("f-agency"),
                "pair" => Some("f-pair"),
                "type" => Some("f-type"),
                "status" => Some("f-status"),
                "q" => Some("f-q"),
                "sort" => Some("f-sort"),
                _ => None,
            },
        }),
    }
}

fn list_filters(input: &TaskFilterInput) -> [(&'static str, &Option<String>); 6] {
    [
        ("agency", &input.agency),
        ("pair", &input.pair),
        ("type", &input.task_type),
        ("status", &input.status),
        ("q", &input.q),
        ("sort", &input.sort),
    ]
}

/// The page size to carry in a list's links: only when the user chose one.
fn limit_param(input: &TaskFilterInput, limit: i64) -> Option<i64> {
    (!trimmed(&input.limit).is_empty() || limit != DEFAULT_LIMIT).then_some(limit.max(1))
}

fn pager(input: &TaskFilterInput, limit: i64, offset: i64, total: i64) -> Pager {
    pager_for(&links::tasks(), &list_filters(input), limit_param(input, limit), limit, offset, total)
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TaskListPage {
    layout: Layout,
    form: FilterForm,
    /// `None` when the filters were refused.
    total: Option<i64>,
    heads: Vec<Head>,
    rows: Vec<TaskRow>,
    pager: Option<Pager>,
    /// The viewer may register a new task.
    can_create: bool,
    /// The 과제 발굴 목록 and the 과제 제안 form, for those who may see and propose.
    proposals: bool,
    can_propose: bool,
    /// The download buttons, with the list's filters.
    export: crate::export::ExportLinks,
}

pub(crate) async fn task_list(
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
    let lists = async { Ok::<_, AppError>((registry::agency_names(db).await?, registry::pair_choices(db).await?)) };
    let (agencies, pairs) = match lists.await {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let can_create = cx.principal().is_some_and(can_manage_task);
    let proposals = cx.principal().is_some_and(|p| p.has_right(hanteam_domain::access::Right::Read));
    let can_propose = hanteam_app::proposals::may_propose(cx.by(), None).is_ok();
    let page = |form, total, heads, rows, pager| TaskListPage {
        layout: Layout::section(&cx, Section::Tasks),
        form,
        total,
        heads,
        rows,
        pager,
        can_create,
        proposals,
        can_propose,
        export: crate::export::ExportLinks::of(&input),
    };
    match tasks::list(db, cx.by(), &input).await.map_err(AppError::from) {
        Ok((filter, found)) => {
            let descriptions = if filter.terms.is_empty() {
                Default::default()
            } else {
                match tasks::descriptions(db, &found).await {
                    Ok(d) => d,
                    Err(e) => return error_page(AppError::from(e), &cx),
                }
            };
            let words = SearchWords { terms: &filter.terms, descriptions: &descriptions };
            let rows = task_rows(&found.items, &pair_labels(&pairs), (!filter.terms.is_empty()).then_some(&words));
            let pager = (found.total > 0).then(|| pager(&input, filter.limit, filter.offset, found.total));
            let sorted = |sort: TaskSort| {
                let input = TaskFilterInput { sort: Some(sort.as_str().into()), ..input.clone() };
                filtered_href(&links::tasks(), &list_filters(&input), limit_param(&input, filter.limit))
            };
            let heads = task_heads(Some(&sorted), filter.sort.or((filter.terms.is_empty()).then_some(TaskSort::Seq)));
            let view = page(filter_form(&input, &agencies, &pairs, None), Some(found.total), heads, rows, pager);
            render(StatusCode::OK, &view)
        }
        Err(AppError::Invalid(errors)) if !errors.is_empty() => {
            let view = page(filter_form(&input, &agencies, &pairs, Some(&errors[0])), None, vec![], vec![], None);
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

/// An agency's answer to taking part, on the page of a proposal (발굴) or a tabled task.
struct ParticipationRow {
    agency: String,
    /// 주관 기관 or 협력 기관.
    part: &'static str,
    state: &'static str,
    reason: Option<String>,
    /// The viewer's buttons to answer for this agency: (address, label).
    links: Vec<(String, String)>,
}

struct PairInfo {
    seq: i64,
    theme: String,
    positions: Vec<PositionView>,
    /// How many of the pair's tasks the viewer may see, and the list of them.
    task_count: i64,
    tasks_href: String,
}

/// A list of a task's parts (KPIs, milestones): the button to add one and the table of them.
pub(crate) struct PartsSection {
    pub id: &'static str,
    pub heading: &'static str,
    /// What the section is about, above its table.
    pub intro: Option<&'static str>,
    pub add: Option<(String, &'static str)>,
    pub empty: &'static str,
    pub table: Table,
    /// A line below the table (the procedures' total saving).
    pub summary: Option<String>,
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
    parts: Vec<PartsSection>,
    meetings: Table,
    /// The lifecycle moves the viewer may make now: (the form's address, the action's name).
    moves: Vec<(String, &'static str)>,
    history: Table,
    /// The memos between the task's agencies, for a viewer who may see them.
    memos: Option<super::memos::MemoSection>,
    /// The task's bottlenecks: the rows for those who see its internal record, otherwise only how
    /// many are open.
    bottlenecks: Option<Vec<super::mediation::BottleneckRow>>,
    open_bottlenecks: i64,
    raise_href: Option<String>,
    archived: bool,
    /// The viewer may edit and archive the task.
    can_manage: bool,
    /// The agencies' answers, while the task is a proposal or tabled.
    participation: Vec<ParticipationRow>,
    /// The 과제 제안 수정 form, for the proposer and OPC while it is a proposal.
    edit_proposal_href: Option<String>,
    saved: bool,
    /// The sections left out because nothing is in them and the viewer cannot add to them, named
    /// in one line instead.
    not_entered: Vec<&'static str>,
    /// The current light (점검 결과): badge, OPC's reason, the cycle; and the lights of earlier closed cycles.
    light: Option<(Badge, String, String)>,
    light_history: Vec<(String, Badge, String)>,
}

/// What a task page's address may carry: the saved notice, and which page of memos to show
/// (`?memos=20`: from the 21st newest).
#[derive(serde::Deserialize, Default)]
pub(crate) struct TaskPageQuery {
    #[serde(flatten)]
    saved: SavedQuery,
    memos: Option<String>,
}

pub(crate) async fn task_detail(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    q: Result<Query<TaskPageQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    respond(task_page(&state.db, &cx, &id, &q).await, &cx)
}

fn date_cell(d: Option<NaiveDate>, none: &'static str) -> Cell {
    Cell::Date(d.map(day), none)
}

fn part_actions(progress: bool, edit: String, remove: String, of: &str) -> Option<Cell> {
    progress.then(|| {
        Cell::Actions(vec![
            Action { href: edit, label: "수정", of: of.to_string() },
            Action { href: remove, label: "삭제", of: of.to_string() },
        ])
    })
}

/// The task's KPIs and milestones, with the links to change them when the viewer may. `today`
/// (Korean time) flags the milestones past their due date.
pub(crate) fn parts_sections(task: &TaskDetail, progress: bool, today: NaiveDate) -> Vec<PartsSection> {
    let id = task.summary.id;
    let manage = |mut head: Vec<&'static str>| {
        if progress {
            head.push("관리");
        }
        head
    };
    let kpis = task
        .kpis
        .iter()
        .map(|k| {
            let mut row = vec![
                Cell::Head(k.kpi.name.clone()),
                Cell::Text(number(k.kpi.baseline)),
                Cell::Text(number(k.kpi.target)),
                Cell::Text(k.kpi.unit.clone().unwrap_or_else(|| "미입력".into())),
                date_cell(k.kpi.due, "미입력"),
                Cell::Text(k.kpi.note.clone().unwrap_or_default()),
            ];
            row.extend(part_actions(progress, links::kpi_edit(&k.id), links::kpi_remove(&k.id), &k.kpi.name));
            row
        })
        .collect();
    let milestones = task
        .milestones
        .iter()
        .map(|m| {
            let ms = &m.milestone;
            let mut row = vec![
                Cell::Head(ms.title.clone()),
                date_cell(ms.due, "미입력"),
                match ms.days_overdue(today) {
                    Some(days) => Cell::Overdue(days),
                    None => date_cell(ms.done_on, "미완료"),
                },
                Cell::Text(ms.note.clone().unwrap_or_default()),
            ];
            row.extend(part_actions(progress, links::milestone_edit(&m.id), links::milestone_remove(&m.id), &ms.title));
            row
        })
        .collect();
    vec![
        PartsSection {
            id: "h-kpis",
            heading: "성과지표",
            intro: None,
            add: progress.then(|| (links::kpi_new(&id), "성과지표 추가")),
            empty: "등록된 성과지표가 없습니다.",
            table: Table {
                caption: "성과지표".into(),
                head: manage(vec!["지표", "기준값", "목표값", "단위", "기한", "비고"]),
                rows: kpis,
                scroll_label: Some("성과지표 표".into()),
            },
            summary: None,
        },
        PartsSection {
            id: "h-milestones",
            heading: "추진일정",
            intro: None,
            add: progress.then(|| (links::milestone_new(&id), "추진일정 추가")),
            empty: "등록된 추진일정이 없습니다.",
            table: Table {
                caption: "추진일정".into(),
                head: manage(vec!["일정", "기한", "완료일", "비고"]),
                rows: milestones,
                scroll_label: Some("추진일정 표".into()),
            },
            summary: None,
        },
    ]
}

/// "2024. 7. 1. ~ 2024. 12. 31. (183일)", "2024. 7. 8. ~ (진행 중)", "미입력".
fn period(start: Option<NaiveDate>, end: Option<NaiveDate>, days: Option<i64>, ongoing: &str) -> String {
    let d = |d: NaiveDate| super::format::date_ko(d);
    match (start, end, days) {
        (Some(s), Some(e), Some(n)) => {
            format!("{} ~ {} ({}일)", d(s), d(e), hanteam_domain::korean::thousands(n as usize))
        }
        (Some(s), None, _) => format!("{} ~ ({ongoing})", d(s)),
        _ => "미입력".into(),
    }
}

/// The task's administrative procedures with the time each saves, and the total; with the links to
/// change them when the viewer may.
pub(crate) fn procedure_section(task: &TaskDetail, may: bool) -> PartsSection {
    let rows = task
        .procedures
        .items
        .iter()
        .map(|p| {
            let d = &p.procedure;
            let saved = match d.saving() {
                Some(s) => s.describe_ko(),
                None => "계산할 기간 미입력".into(),
            };
            let mut row = vec![
                Cell::Head(d.name.clone()),
                Cell::Text(d.legal_basis.clone().unwrap_or_else(|| "미입력".into())),
                Cell::Text(format!("{}일", hanteam_domain::korean::thousands(d.usual_days as usize))),
                Cell::Text(period(d.planned_start, d.planned_end, d.planned_days(), "종료 예정일 미입력")),
                Cell::Text(period(d.actual_start, d.actual_end, d.actual_days(), "진행 중")),
                Cell::Text(saved),
                Cell::Text(d.note.clone().unwrap_or_default()),
            ];
            row.extend(part_actions(may, links::procedure_edit(&p.id), links::procedure_remove(&p.id), &d.name));
            row
        })
        .collect();
    let mut head = vec!["절차", "법적 근거", "통상 소요기간", "계획 기간", "실제 기간", "단축 일수", "비고"];
    if may {
        head.push("관리");
    }
    let total = &task.procedures.total;
    let summary = (total.actual_count + total.planned_count > 0).then(|| {
        let days = total.saved_days;
        let amount = if days >= 0 {
            format!("{}일 단축", hanteam_domain::korean::thousands(days as usize))
        } else {
            format!("{}일 초과", hanteam_domain::korean::thousands(days.unsigned_abs() as usize))
        };
        format!("과제 전체: {amount} ({})", total.basis_ko())
    });
    PartsSection {
        id: "h-procedures",
        heading: "행정절차 소요기간",
        intro: Some(
            "단축 일수는 통상 소요기간에서 실제 기간(끝난 절차) 또는 계획 기간(끝나지 않은 절차)을 뺀 날수입니다. \
             기간은 시작일부터 종료일까지의 날수로 셉니다.",
        ),
        add: may.then(|| (links::procedure_new(&task.summary.id), "행정절차 추가")),
        empty: "등록된 행정절차가 없습니다.",
        table: Table {
            caption: "행정절차 소요기간".into(),
            head,
            rows,
            scroll_label: Some("행정절차 소요기간 표".into()),
        },
        summary,
    }
}

async fn task_page(db: &Db, cx: &Ctx, raw_id: &str, q: &TaskPageQuery) -> Result<TaskPage, AppError> {
    let id = TaskId::parse(raw_id)?;
    let saved = q.saved.saved();
    let memo_paging = hanteam_domain::Paging::parse(&hanteam_domain::PagingInput {
        limit: Some(hanteam_domain::memo::MEMO_PAGE.to_string()),
        offset: q.memos.clone(),
    })
    .map_err(|e| ValidationError::new("memos", e.message))?;
    let tasks::TaskWithPermissions { task, may } = tasks::with_permissions(db, cx.by(), id).await?;
    let memos = hanteam_app::memos::for_task_page(db, cx.by(), id, memo_paging)
        .await?
        .map(|m| super::memos::section(cx, id, &m, memo_paging.offset));
    let s = &task.summary;
    let roles: Vec<RoleRow> = s
        .agencies
        .iter()
        .map(|a| RoleRow {
            short_name: a.short_name.clone(),
            role: a.role.clone(),
            edit_href: may.roles.contains(&a.id).then(|| links::role_edit(&s.id, &a.id)),
        })
        .collect();
    let meetings = task
        .meetings
        .iter()
        .map(|m| {
            vec![
                Cell::Link { href: links::meeting(&m.id), text: m.title.clone(), hidden: None },
                Cell::Time(when(m.held_at)),
                Cell::Text(m.outcome.label_ko().into()),
            ]
        })
        .collect();
    let mut parts = parts_sections(&task, may.progress, kst_date(Utc::now()));
    parts.push(procedure_section(&task, may.collaborate));
    let history = crate::lifecycle::history_table(&lifecycle::history(db, cx.by(), id).await?);
    let b = hanteam_app::mediation::of_task(db, cx.by(), id, Utc::now()).await?;
    let mut not_entered = Vec::new();
    if task.description.as_deref().is_none_or(|d| d.trim().is_empty()) && !may.manage {
        not_entered.push("과제 내용");
    }
    not_entered.extend(parts.iter().filter(|p| p.table.rows.is_empty() && p.add.is_none()).map(|p| p.heading));
    if task.pair.is_none() {
        not_entered.push("교류직위 쌍과 교류자");
    }
    if task.meetings.is_empty() {
        not_entered.push("협업과제점검협의회 상정 이력");
    }
    let light =
        s.light.as_ref().map(|l| (super::checks::light_badge(l.rating), l.reason.clone(), l.cycle_name.clone()));
    let light_history = hanteam_app::checks::light_history(db, cx.by(), id)
        .await?
        .into_iter()
        .map(|(cycle, rating, reason)| (cycle, super::checks::light_badge(rating), reason))
        .collect();
    Ok(TaskPage {
        light,
        light_history,
        layout: Layout::detail(cx, Section::Tasks, s.title.clone()),
        type_label: s.type_label(),
        type_criterion: s.task_type.map(TaskType::criterion_ko),
        status: status_badge(s.status),
        source_label: s.source.label_ko(),
        lead_agency: task.summary.lead_agency.as_ref().map(|a| a.short_name.clone()),
        paragraphs: lines(task.description.as_deref()),
        pair: match task.pair.as_ref() {
            Some(p) => Some(PairInfo {
                seq: p.seq,
                theme: p.theme.clone(),
                positions: p.positions.iter().map(position_view).collect(),
                task_count: registry::pair_task_count(db, cx.by(), p.id).await?,
                tasks_href: links::tasks_of_pair(&p.id),
            }),
            None => None,
        },
        any_role_edit: roles.iter().any(|r| r.edit_href.is_some()),
        roles,
        parts,
        meetings: Table {
            caption: "협업과제점검협의회 상정 이력".into(),
            head: vec!["회의", "일시", "결과"],
            rows: meetings,
            scroll_label: None,
        },
        moves: crate::lifecycle::move_links(id, &may.moves),
        history,
        memos,
        bottlenecks: b.items.map(|items| items.iter().map(super::mediation::bottleneck_row).collect()),
        open_bottlenecks: b.open_count,
        raise_href: b.may_raise.then(|| crate::endpoint::Endpoint::BottleneckNewForm.href(&[&id])),
        archived: task.archived_at.is_some(),
        can_manage: may.manage,
        participation: if matches!(s.status, TaskStatus::Proposed | TaskStatus::Tabled) {
            s.agencies
                .iter()
                .map(|a| {
                    let lead = s.lead_agency.as_ref().is_some_and(|l| l.id == a.id);
                    ParticipationRow {
                        agency: a.short_name.clone(),
                        part: if lead { "주관 기관" } else { "협력 기관" },
                        state: a.participation.label_ko(),
                        reason: a.participation_reason.clone(),
                        links: if may.answers.contains(&a.id) {
                            super::proposals::answer_links(id, a.id, &a.short_name)
                        } else {
                            vec![]
                        },
                    }
                })
                .collect()
        } else {
            vec![]
        },
        edit_proposal_href: may.edit_proposal.then(|| crate::endpoint::Endpoint::ProposalEditForm.href(&[&id])),
        saved,
        not_entered,
        task,
    })
}

// ---------------------------------------------------------------------------------------------
// 4. Exchange pairs (the annex table).

struct TaskLink {
    id: TaskId,
    title: String,
}

struct PairRow {
    id: hanteam_domain::PairId,
    seq: i64,
    theme: String,
    /// The theme as the release spells it, where that differs.
    variants: Vec<NameVariant>,
    positions: Vec<PositionView>,
    /// The first few tasks, and how many the viewer may see in all (with the list of them).
    tasks: Vec<TaskLink>,
    task_count: i64,
    tasks_href: String,
}

#[derive(Template)]
#[template(path = "pairs.html")]
struct PairsPage {
    layout: Layout,
    designated_on: Vec<Day>,
    total: i64,
    rows: Vec<PairRow>,
    pager: Option<Pager>,
    /// The viewer may edit pairs, positions and exchangees (the rows get links to the forms).
    editor: bool,
    saved: bool,
}

pub(crate) async fn pair_list(
    State(state): State<AppState>,
    cx: Ctx,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    respond(pairs_page(&state.db, &cx, &q).await, &cx)
}

async fn pairs_page(db: &Db, cx: &Ctx, q: &ListQuery) -> Result<PairsPage, AppError> {
    let mut paging = q.paging()?;
    // `?at=7` opens the page that holds pair 7 (where a saved change of it sends the browser).
    if let Some(seq) = q.at.as_deref().and_then(|s| s.trim().parse::<i64>().ok()) {
        paging.offset = registry::pair_position(db, seq).await? / paging.limit * paging.limit;
    }
    let page = registry::pairs(db, cx.by(), paging).await?;
    let mut designated: Vec<NaiveDate> = page.items.iter().filter_map(|p| p.pair.designated_on).collect();
    designated.sort();
    designated.dedup();
    let rows = page
        .items
        .iter()
        .map(|p| PairRow {
            id: p.pair.id,
            seq: p.pair.seq,
            theme: p.pair.theme.clone(),
            variants: p.pair.variants.clone(),
            positions: p.pair.positions.iter().map(position_view).collect(),
            tasks: p.first_tasks.iter().map(|t| TaskLink { id: t.id, title: t.title.clone() }).collect(),
            task_count: p.task_count,
            tasks_href: links::tasks_of_pair(&p.pair.id),
        })
        .collect();
    Ok(PairsPage {
        layout: Layout::section(cx, Section::Pairs),
        designated_on: designated.into_iter().map(day).collect(),
        total: page.total,
        rows,
        pager: q.pager(&links::pairs(), paging, page.total),
        editor: registry_editor(cx),
        saved: q.saved(),
    })
}

// ---------------------------------------------------------------------------------------------
// 5. Agencies.

struct AgencyRow {
    short_name: String,
    name: String,
    name_en: String,
}

#[derive(Template)]
#[template(path = "agencies.html")]
struct AgenciesPage {
    layout: Layout,
    total: i64,
    rows: Vec<AgencyRow>,
    pager: Option<Pager>,
}

pub(crate) async fn agency_list(
    State(state): State<AppState>,
    cx: Ctx,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let result = async {
        let paging = q.paging()?;
        let page = registry::agencies(&state.db, paging).await?;
        let rows = page
            .items
            .into_iter()
            .map(|a| AgencyRow {
                name_en: a.name_en.unwrap_or_else(|| "미입력".into()),
                short_name: a.short_name,
                name: a.name,
            })
            .collect();
        Ok::<_, AppError>(AgenciesPage {
            layout: Layout::section(&cx, Section::Agencies),
            total: page.total,
            rows,
            pager: q.pager(&links::agencies(), paging, page.total),
        })
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
    heads: Vec<Head>,
    rows: Vec<TaskRow>,
    pager: Option<Pager>,
    /// The viewer may edit the agency and its positions.
    editor: bool,
    saved: bool,
    /// The open bottlenecks involving the agency, for those who see them.
    bottlenecks: Option<(i64, Vec<super::mediation::BottleneckRow>)>,
    bottlenecks_href: String,
    checks: super::checks::ChecksPanel,
    /// The agency's reports past their due date, for a signed-in reader.
    overdue: Option<Vec<super::checks::ReportDueRow>>,
}

pub(crate) async fn agency_detail(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let result = async {
        let paging = q.paging()?;
        let page = registry::agency(&state.db, cx.by(), &id, paging).await?;
        let pair_labels = pair_labels(&registry::pair_choices(&state.db).await?);
        let mut positions = Vec::new();
        for pair in page.pairs.iter().map(|p| &p.pair) {
            for own in pair.positions.iter().filter(|p| p.agency.id == page.agency.id) {
                positions.push(AgencyPositionRow {
                    pair_seq: pair.seq,
                    theme: pair.theme.clone(),
                    own: position_view(own),
                    partners: pair.positions.iter().filter(|p| p.id != own.id).map(position_view).collect(),
                });
            }
        }
        let checks = super::checks::checks_panel(
            hanteam_app::checks::summary(&state.db, Some(page.agency.id)).await?,
            &cx,
            format!(": {}의 과제", page.agency.short_name),
        );
        let overdue = hanteam_app::checks::overdue_of_agency(&state.db, cx.by(), page.agency.id, Utc::now())
            .await?
            .map(|p| super::checks::due_rows(&p.items));
        let open = hanteam_app::mediation::open_ones(&state.db, cx.by(), Some(page.agency.id), 10, Utc::now()).await?;
        Ok::<_, AppError>(AgencyPage {
            checks,
            overdue,
            bottlenecks: open.map(|p| (p.total, p.items.iter().map(super::mediation::bottleneck_row).collect())),
            bottlenecks_href: format!(
                "{}?status=open&agency={}",
                crate::endpoint::Endpoint::PageBottlenecks.href(&[]),
                crate::endpoint::encode(&page.agency.short_name)
            ),
            layout: Layout::detail(&cx, Section::Agencies, page.agency.name.clone()),
            heads: task_heads(None, None),
            rows: task_rows(&page.tasks.items, &pair_labels, None),
            total: page.tasks.total,
            pager: q.pager(&links::agency(&page.agency.short_name), paging, page.tasks.total),
            positions,
            agency: page.agency,
            editor: registry_editor(&cx),
            saved: q.saved(),
        })
    }
    .await;
    respond(result, &cx)
}

// ---------------------------------------------------------------------------------------------
// 6. Council meetings.

struct MeetingRow {
    title: String,
    held_at: When,
    place: String,
    chair: String,
    task_count: i64,
}

fn meeting_row(m: &MeetingSummary) -> MeetingRow {
    MeetingRow {
        title: m.title.clone(),
        held_at: when(m.held_at),
        place: m.place.clone().unwrap_or_else(|| "미입력".into()),
        chair: m.chair.clone().unwrap_or_else(|| "미입력".into()),
        task_count: m.task_count,
    }
}

#[derive(Template)]
#[template(path = "meetings.html")]
struct MeetingsPage {
    layout: Layout,
    new_href: Option<String>,
    total: i64,
    table: Table,
    pager: Option<Pager>,
}

pub(crate) async fn meeting_list(
    State(state): State<AppState>,
    cx: Ctx,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let result = async {
        let paging = q.paging()?;
        let meetings = registry::meetings(&state.db, paging).await?;
        let rows = meetings
            .items
            .iter()
            .map(|m| {
                let r = meeting_row(m);
                vec![
                    Cell::HeadLink { href: links::meeting(&m.id), text: r.title },
                    Cell::Time(r.held_at),
                    Cell::Text(m.status.label_ko().into()),
                    Cell::Text(r.place),
                    Cell::Text(r.chair),
                    Cell::Text(format!("{}건", r.task_count)),
                ]
            })
            .collect();
        Ok::<_, AppError>(MeetingsPage {
            new_href: cx
                .principal()
                .is_some_and(hanteam_domain::access::can_run_council)
                .then(|| crate::endpoint::Endpoint::PageMeetingNew.href(&[])),
            layout: Layout::section(&cx, Section::Meetings),
            total: meetings.total,
            pager: q.pager(&links::meetings(), paging, meetings.total),
            table: Table {
                caption: "협업과제점검협의회 회의 목록: 회의명, 일시, 상태, 장소, 주재, 상정 과제 수".into(),
                head: vec!["회의명", "일시", "상태", "장소", "주재", "상정 과제 수"],
                rows,
                scroll_label: None,
            },
        })
    }
    .await;
    respond(result, &cx)
}

struct AgendaView {
    seq: i64,
    title: String,
    decisions: Vec<String>,
    tasks: Table,
    kind: Option<&'static str>,
    decision: Option<&'static str>,
    reason: Vec<String>,
    decide_href: Option<String>,
}

fn agenda_view(v: &hanteam_app::council::MeetingView, a: &AgendaItem) -> AgendaView {
    AgendaView {
        kind: a.kind.map(|k| k.label_ko()),
        decision: a.decision.map(|d| d.label_ko()),
        reason: lines(a.decision_reason.as_deref()),
        decide_href: super::council::decide_href(v, a),
        seq: a.seq,
        title: a.title.clone(),
        decisions: a.decisions.iter().map(|d| d.text.clone()).collect(),
        tasks: Table {
            caption: format!("안건 {}의 상정 과제: 번호, 과제명, 결과", a.seq),
            head: vec!["번호", "과제명", "결과"],
            rows: a
                .tasks
                .iter()
                .map(|t| {
                    vec![
                        Cell::Text(t.seq.to_string()),
                        Cell::Link { href: links::task(&t.id), text: t.title.clone(), hidden: None },
                        Cell::Text(t.outcome.label_ko().into()),
                    ]
                })
                .collect(),
            scroll_label: None,
        },
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
    saved: bool,
    ends: Option<When>,
    status: super::widgets::Badge,
    cancel_reason: Option<String>,
    attendees: String,
    actions: super::council::MeetingActions,
    minutes_href: String,
    ics_href: String,
    chair_name: Option<String>,
    purpose: Option<String>,
    remarks: Vec<String>,
    agenda: Vec<AgendaView>,
    source: Option<SourceView>,
}

pub(crate) async fn meeting_detail(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    q: Result<Query<super::widgets::SavedQuery>, QueryRejection>,
) -> Response {
    // The meeting as a calendar event: /meetings/{id}.ics (the router has no suffix parameters).
    if let Some(raw) = id.strip_suffix(".ics") {
        return super::council::calendar(&state, &cx, raw).await;
    }
    let saved = q.map(|Query(q)| q.saved()).unwrap_or(false);
    let result = async {
        let v = hanteam_app::council::meeting(&state.db, cx.by(), MeetingId::parse(&id)?).await?;
        let m = &v.meeting;
        Ok::<_, AppError>(MeetingPage {
            saved,
            ends: m.summary.ends_at.map(when),
            status: super::council::status_badge(m.summary.status),
            cancel_reason: m.summary.cancel_reason.clone(),
            attendees: v.attendees.iter().map(|a| a.short_name.as_str()).collect::<Vec<_>>().join(", "),
            actions: super::council::meeting_actions(&v),
            minutes_href: super::council::minutes_href(&m.summary.id),
            ics_href: super::council::ics_href(&m.summary.id),
            layout: Layout::detail(&cx, Section::Meetings, m.summary.title.clone()),
            meeting: meeting_row(&m.summary),
            chair_name: m.chair_name.clone(),
            purpose: m.purpose.clone(),
            remarks: lines(m.remarks.as_deref()),
            agenda: m.agenda.iter().map(|a| agenda_view(&v, a)).collect(),
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
    use super::super::context::testing::public;
    use super::*;

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
            heads: vec![],
            rows: vec![],
            pager: None,
            can_create: false,
            proposals: false,
            can_propose: false,
            export: crate::export::ExportLinks::of(&input),
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
}
