//! The pages of periodic checks (주기적 점검): the cycles and one cycle, the progress report form
//! with its files, OPC's review (return with comments, rate 정상 / 주의 / 지연), the overdue reports.
//! Each handler calls the use cases of `hanteam_app::checks`, the same as the JSON API.

use askama::Template;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use chrono::Utc;
use hanteam_app::checks::{self, CheckSummary, CycleSummary, ReportDue};
use hanteam_domain::access::can_run_checks;
use hanteam_domain::checks::{
    CarryKind, CycleInput, ProgressRating, RatingInput, ReportInput, ReportKpiInput, ReportMilestoneInput,
    ReportStatus, ReturnInput, MAX_ATTACHMENTS,
};
use hanteam_domain::edit::VersionInput;
use hanteam_domain::time::kst_date;
use hanteam_domain::{AttachmentId, CheckCycleId, TaskId, ValidationError};

use super::context::Ctx;
use super::form::{answer, form_input, mark_errors, Alert, ConfirmPage, Fact, Field, FormPage, FormView};
use super::format::{date_ko, day, iso_date, lines, number, when, Day};
use super::layout::{Layout, Section};
use super::render::{error_page, render, respond, see_other};
use super::widgets::{plain_options, Badge, Cell, ListQuery, Pager, Table};
use crate::endpoint::Endpoint;
use crate::error::AppError;
use crate::AppState;

// ---------------------------------------------------------------------------------------------
// Shared pieces.

/// A light as a KRDS badge, in the colours of the old 국정과제 system (green, yellow, red).
pub(crate) fn light_badge(r: ProgressRating) -> Badge {
    let class = match r {
        ProgressRating::OnTrack => "bg-light-success hanteam-light hanteam-light-on_track",
        ProgressRating::AtRisk => "bg-light-warning hanteam-light hanteam-light-at_risk",
        ProgressRating::Delayed => "bg-light-danger hanteam-light hanteam-light-delayed",
    };
    Badge { label: r.label_ko().into(), class }
}

pub(crate) fn report_badge(s: ReportStatus) -> Badge {
    let class = match s {
        ReportStatus::NotStarted => "bg-light-gray",
        ReportStatus::Draft => "bg-light-information",
        ReportStatus::Submitted => "bg-light-success",
        ReportStatus::Returned => "bg-light-warning",
    };
    Badge { label: s.label_ko().into(), class }
}

fn cycle_href(id: CheckCycleId) -> String {
    Endpoint::PageCycle.href(&[&id])
}

pub(crate) fn report_href(cycle: CheckCycleId, task: TaskId, agency: hanteam_domain::AgencyId) -> String {
    Endpoint::PageReport.href(&[&cycle, &task, &agency])
}

fn rating_href(cycle: CheckCycleId, task: TaskId) -> String {
    Endpoint::PageRating.href(&[&cycle, &task])
}

/// The lights of the latest closed cycle and the next deadlines, as the home and agency pages show
/// them.
pub(crate) struct ChecksPanel {
    /// Said after the heading (": 환경부의 과제").
    pub scope: String,
    pub cycle_name: Option<String>,
    /// (badge, count) for 정상, 주의, 지연.
    pub lights: Vec<(Badge, i64)>,
    pub deadlines: Vec<DeadlineRow>,
    /// Links to the cycle list, for signed-in readers.
    pub cycles_href: Option<String>,
}

pub(crate) struct DeadlineRow {
    pub name: String,
    pub due: Day,
    pub open_reports: i64,
    pub href: Option<String>,
}

pub(crate) fn cycle_new_href() -> String {
    Endpoint::PageCycleNew.href(&[])
}

pub(crate) fn overdue_href() -> String {
    Endpoint::PageOverdue.href(&[])
}

pub(crate) fn checks_panel(s: CheckSummary, cx: &Ctx, scope: String) -> ChecksPanel {
    let reader = cx.principal().is_some();
    ChecksPanel {
        scope,
        cycle_name: s.lights.as_ref().map(|l| l.cycle_name.clone()),
        lights: s
            .lights
            .map(|l| {
                vec![
                    (light_badge(ProgressRating::OnTrack), l.on_track),
                    (light_badge(ProgressRating::AtRisk), l.at_risk),
                    (light_badge(ProgressRating::Delayed), l.delayed),
                ]
            })
            .unwrap_or_default(),
        deadlines: s
            .deadlines
            .into_iter()
            .map(|d| DeadlineRow {
                name: d.cycle_name,
                due: day(d.due),
                open_reports: d.open_reports,
                href: reader.then(|| cycle_href(d.cycle_id)),
            })
            .collect(),
        cycles_href: reader.then(|| Endpoint::PageCycles.href(&[])),
    }
}

/// A report to file or mend, on a person's work list.
pub(crate) struct ReportDueRow {
    pub href: String,
    pub task_title: String,
    pub agency: String,
    pub cycle_name: String,
    pub due: Day,
    pub status: Badge,
    pub overdue: bool,
}

pub(crate) fn due_rows(items: &[ReportDue]) -> Vec<ReportDueRow> {
    let today = kst_date(Utc::now());
    items
        .iter()
        .map(|r| ReportDueRow {
            href: report_href(r.cycle_id, r.task_id, r.agency.id),
            task_title: r.task_title.clone(),
            agency: r.agency.short_name.clone(),
            cycle_name: r.cycle_name.clone(),
            due: day(r.due),
            status: report_badge(r.status),
            overdue: r.due < today,
        })
        .collect()
}

fn cycle_facts(c: &CycleSummary) -> Vec<Fact> {
    vec![
        Fact::new("점검 주기", c.name.clone()),
        Fact::new("점검 기간", format!("{} ~ {}", date_ko(c.period_start), date_ko(c.period_end))),
        Fact::new("보고 기한", date_ko(c.due)),
        Fact::new("상태", if c.closed_at.is_some() { "마감" } else { "진행 중" }),
    ]
}

// ---------------------------------------------------------------------------------------------
// 1. The cycles.

#[derive(Template)]
#[template(path = "checks.html")]
struct CyclesPage {
    layout: Layout,
    total: i64,
    table: Table,
    pager: Option<Pager>,
    can_open: bool,
    saved: bool,
}

pub(crate) async fn cycle_list(
    State(state): State<AppState>,
    cx: Ctx,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let result = async {
        let paging = q.paging()?;
        let page = checks::cycles(&state.db, cx.by(), paging).await?;
        let rows = page
            .items
            .iter()
            .map(|c| {
                vec![
                    Cell::HeadLink { href: cycle_href(c.id), text: c.name.clone() },
                    Cell::Text(format!("{} ~ {}", date_ko(c.period_start), date_ko(c.period_end))),
                    Cell::Date(Some(day(c.due)), ""),
                    Cell::Text(format!("{} / {}건", c.submitted, c.reports)),
                    Cell::Text(format!("{}건", c.rated)),
                    Cell::Text(if c.closed_at.is_some() { "마감".into() } else { "진행 중".into() }),
                ]
            })
            .collect();
        Ok::<_, AppError>(CyclesPage {
            layout: Layout::section(&cx, Section::Checks),
            total: page.total,
            table: Table {
                caption: "점검 주기 목록: 이름, 점검 기간, 보고 기한, 제출된 보고, 평가한 과제, 상태".into(),
                head: vec!["점검 주기", "점검 기간", "보고 기한", "제출 / 요청 보고", "평가한 과제", "상태"],
                rows,
                scroll_label: Some("점검 주기 표".into()),
            },
            pager: q.pager(&Endpoint::PageCycles.href(&[]), paging, page.total),
            can_open: cx.principal().is_some_and(can_run_checks),
            saved: q.saved(),
        })
    }
    .await;
    respond(result, &cx)
}

fn cycle_form(cx: &Ctx, input: &CycleInput) -> FormPage {
    FormPage {
        layout: Layout::detail(cx, Section::Checks, "점검 주기 시작"),
        heading: "점검 주기 시작".into(),
        context: vec![],
        intro: vec!["확정되었거나 추진 중인 모든 과제(보관된 과제 제외)의 참여 기관마다 추진실적 보고를 요청합니다. \
             이전 주기에서 이월된 항목도 이 주기에 함께 표시됩니다."
            .into()],
        alert: None,
        form: FormView {
            action: Endpoint::PageCycleCreate.href(&[]),
            csrf: cx.csrf(),
            hidden: vec![],
            fields: vec![
                Field::text("name", "점검 주기 이름", &input.name).required().hint("예: 2024년 2분기"),
                Field::date("period_start", "점검 기간 시작일", &input.period_start).required(),
                Field::date("period_end", "점검 기간 종료일", &input.period_end).required(),
                Field::date("due", "보고 기한", &input.due).required(),
            ],
            submit: "점검 주기 시작",
            cancel: Endpoint::PageCycles.href(&[]),
        },
        reload: Endpoint::PageCycleNew.href(&[]),
    }
}

pub(crate) async fn cycle_new_form(cx: Ctx) -> Response {
    if !cx.principal().is_some_and(can_run_checks) {
        return error_page(AppError::forbidden(), &cx);
    }
    render(StatusCode::OK, &cycle_form(&cx, &CycleInput::default()))
}

pub(crate) async fn cycle_create(
    State(state): State<AppState>,
    cx: Ctx,
    form: Result<Form<CycleInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let result = checks::open_cycle(&state.db, cx.by(), &input)
        .await
        .map(|s| format!("{}?saved=1", cycle_href(CheckCycleId::new(s.id))))
        .map_err(AppError::from);
    answer(&cx, result, async || Ok(cycle_form(&cx, &input))).await
}

// ---------------------------------------------------------------------------------------------
// 2. One cycle.

struct ReportCell {
    agency: String,
    href: String,
    status: Badge,
    carried: Vec<&'static str>,
}

struct CycleRow {
    seq: i64,
    task_href: String,
    title: String,
    reports: Vec<ReportCell>,
    rating: Option<Badge>,
    reason: Option<String>,
    rating_href: Option<String>,
}

#[derive(Template)]
#[template(path = "check_cycle.html")]
struct CyclePage {
    layout: Layout,
    facts: Vec<Fact>,
    total: i64,
    rows: Vec<CycleRow>,
    pager: Option<Pager>,
    close_href: Option<String>,
    saved: bool,
}

pub(crate) async fn cycle_detail(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let result = async {
        let id = CheckCycleId::parse(&id)?;
        let paging = q.paging()?;
        let (c, page) = checks::cycle(&state.db, cx.by(), id, paging).await?;
        let opc = cx.principal().is_some_and(can_run_checks);
        let open = c.closed_at.is_none();
        let rows = page
            .items
            .iter()
            .map(|t| CycleRow {
                seq: t.seq,
                task_href: super::links::task(&t.task_id),
                title: t.title.clone(),
                reports: t
                    .reports
                    .iter()
                    .map(|r| ReportCell {
                        agency: r.agency.short_name.clone(),
                        href: report_href(id, t.task_id, r.agency.id),
                        status: report_badge(r.status),
                        carried: r.carried_over.iter().map(|k| k.label_ko()).collect(),
                    })
                    .collect(),
                rating: t.rating.map(light_badge),
                reason: t.reason.clone(),
                rating_href: (opc && open).then(|| rating_href(id, t.task_id)),
            })
            .collect();
        Ok::<_, AppError>(CyclePage {
            layout: Layout::detail(&cx, Section::Checks, c.name.clone()),
            facts: cycle_facts(&c),
            total: page.total,
            rows,
            pager: q.pager(&cycle_href(id), paging, page.total),
            close_href: (opc && open).then(|| Endpoint::PageCycleCloseForm.href(&[&id])),
            saved: q.saved(),
        })
    }
    .await;
    respond(result, &cx)
}

async fn close_page(state: &AppState, cx: &Ctx, raw: &str) -> Result<ConfirmPage, AppError> {
    let id = CheckCycleId::parse(raw)?;
    if !cx.principal().is_some_and(can_run_checks) {
        return Err(AppError::forbidden());
    }
    let (c, _) = checks::cycle(&state.db, cx.by(), id, hanteam_domain::Paging { limit: 1, offset: 0 }).await?;
    Ok(ConfirmPage {
        layout: Layout::nested(cx, Section::Checks, vec![(c.name.clone(), cycle_href(id))], "점검 주기 마감"),
        heading: format!("{} 마감", c.name),
        context: cycle_facts(&c),
        message: vec![
            format!("보고 {}건 가운데 {}건이 제출되었고, 과제 {}건이 평가되었습니다.", c.reports, c.submitted, c.rated),
            "마감하면 이 주기의 보고와 점검 결과는 더 바꿀 수 없습니다. 제출되지 않은 보고와 완료되지 않은 추진일정은 \
             다음 점검 주기로 이월되고, 평가한 과제의 점검 결과가 과제의 현재 신호등이 되어 모두에게 공개됩니다."
                .into(),
        ],
        alert: None,
        action: Endpoint::PageCycleClose.href(&[&id]),
        csrf: cx.csrf(),
        version: c.version.to_string(),
        submit: "점검 주기 마감",
        cancel: cycle_href(id),
        reload: Endpoint::PageCycleCloseForm.href(&[&id]),
    })
}

pub(crate) async fn cycle_close_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    respond(close_page(&state, &cx, &id).await, &cx)
}

pub(crate) async fn cycle_close(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<VersionInput>, FormRejection>,
) -> Response {
    let result = async {
        let input = form_input(form)?;
        let cid = CheckCycleId::parse(&id)?;
        checks::close_cycle(&state.db, cx.by(), cid, &input).await?;
        Ok::<_, AppError>(format!("{}?saved=1", cycle_href(cid)))
    }
    .await;
    answer(&cx, result, async || close_page(&state, &cx, &id).await).await
}

// ---------------------------------------------------------------------------------------------
// 3. A report: the form, the files, OPC's return.

struct MilestoneRow {
    id: i64,
    title: String,
    due: Option<Day>,
    carried: bool,
    done: Field,
    reason: Field,
}

struct KpiRow {
    name: String,
    target: String,
    unit: String,
    actual: Field,
}

struct FileRow {
    name: String,
    kind: &'static str,
    size: String,
    href: String,
    remove_href: Option<String>,
}

#[derive(Template)]
#[template(path = "check_report.html")]
struct ReportPageView {
    layout: Layout,
    heading: String,
    facts: Vec<Fact>,
    status: Badge,
    alert: Option<Alert>,
    saved: bool,
    return_comment: Option<String>,
    carried: Vec<&'static str>,
    /// The form (the reader may file the report).
    form: Option<ReportForm>,
    /// The report as read (no form).
    read: Option<ReportRead>,
    files: Vec<FileRow>,
    upload: Option<UploadForm>,
    /// OPC's return form (the report is submitted).
    review: Option<ReviewForm>,
    rating_href: Option<String>,
    task_href: String,
    cycle_href: String,
}

struct ReportForm {
    action: String,
    csrf: String,
    version: i64,
    narrative: Field,
    citizen_change: Field,
    bottlenecks: Field,
    milestones: Vec<MilestoneRow>,
    kpis: Vec<KpiRow>,
}

struct ReportRead {
    narrative: Vec<String>,
    citizen_change: Vec<String>,
    bottlenecks: Vec<String>,
    milestones: Table,
    kpis: Table,
}

struct UploadForm {
    action: String,
    csrf: String,
    error: Option<String>,
    limit: String,
}

struct ReviewForm {
    action: String,
    csrf: String,
    version: i64,
    comment: Field,
}

/// What the reader sent, to show again after a refusal.
#[derive(Default)]
struct Typed {
    fields: Vec<(String, String)>,
    errors: Vec<ValidationError>,
    upload_error: Option<String>,
    stale: bool,
}

impl Typed {
    fn get(&self, name: &str) -> Option<String> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }
}

async fn report_page(
    state: &AppState,
    cx: &Ctx,
    raw: &(String, String, String),
    saved: bool,
    typed: Typed,
) -> Result<ReportPageView, AppError> {
    let (c, t, a) = checks::parse_ids(&raw.0, &raw.1, &raw.2)?;
    let page = checks::report(&state.db, cx.by(), c, t, a).await?;
    let r = &page.report;
    let here = report_href(c, t, a);
    let have = !typed.fields.is_empty();
    let value = |name: &str, stored: Option<String>| if have { typed.get(name) } else { stored };
    let mut facts = cycle_facts(&r.cycle);
    facts.truncate(3);
    facts.push(Fact::new("과제", format!("{}. {}", r.task_seq, r.task_title)));
    facts.push(Fact::new("보고 기관", r.agency.short_name.clone()));
    if let Some(at) = r.submitted_at {
        facts.push(Fact::new("제출 일시", when(at).text));
    }
    let form = page.may_file.then(|| {
        let milestones = r
            .milestones
            .iter()
            .map(|m| {
                let id = m.milestone_id.get();
                let done_name = format!("ms_{id}_done_on");
                let reason_name = format!("ms_{id}_reason");
                MilestoneRow {
                    id,
                    title: m.title.clone(),
                    due: m.due.map(day),
                    carried: m.carried_over,
                    done: Field::date(
                        done_name.clone(),
                        &format!("‘{}’ 완료일", m.title),
                        &value(&done_name, m.done_on.map(iso_date)),
                    )
                    .hint("끝났으면 끝난 날을 2024-06-30처럼 적습니다."),
                    reason: Field::textarea(
                        reason_name.clone(),
                        &format!("‘{}’ 미완료 사유", m.title),
                        &value(&reason_name, m.reason.clone()),
                        2,
                    )
                    .hint("끝나지 않았으면 그 사유를 적습니다 (제출할 때 필요)."),
                }
            })
            .collect();
        let kpis = r
            .kpis
            .iter()
            .map(|k| {
                let name = format!("kpi_{}_actual", k.kpi_id.get());
                KpiRow {
                    name: k.name.clone(),
                    target: number(k.target),
                    unit: k.unit.clone().unwrap_or_else(|| "미입력".into()),
                    actual: Field::text(
                        name.clone(),
                        &format!("‘{}’ 실적", k.name),
                        &value(&name, k.actual.map(|v| v.to_string())),
                    )
                    .hint("예: 1,500 또는 50%"),
                }
            })
            .collect();
        ReportForm {
            action: Endpoint::PageReportSave.href(&[&c, &t, &a]),
            csrf: cx.csrf(),
            version: r.version,
            narrative: Field::textarea("narrative", "추진실적", &value("narrative", r.narrative.clone()), 6)
                .hint("이번 점검 기간에 추진한 내용을 적습니다 (제출할 때 필요)."),
            citizen_change: Field::textarea(
                "citizen_change",
                "국민이 체감하는 변화",
                &value("citizen_change", r.citizen_change.clone()),
                4,
            ),
            bottlenecks: Field::textarea("bottlenecks", "애로사항", &value("bottlenecks", r.bottlenecks.clone()), 4)
                .hint("애로사항을 기록으로 올려 국무조정실의 해소·조정을 요청하려면 과제 화면에서 등록합니다."),
            milestones,
            kpis,
        }
    });
    let mut form = form;
    let mut alert = None;
    if let Some(f) = form.as_mut() {
        if typed.stale {
            alert = Some(Alert::stale(&here));
        } else if !typed.errors.is_empty() {
            let mut all: Vec<&mut Field> = vec![&mut f.narrative, &mut f.citizen_change, &mut f.bottlenecks];
            for m in f.milestones.iter_mut() {
                all.push(&mut m.done);
                all.push(&mut m.reason);
            }
            for k in f.kpis.iter_mut() {
                all.push(&mut k.actual);
            }
            alert = Some(mark_fields(all, &typed.errors));
        }
    }
    let read = (!page.may_file).then(|| ReportRead {
        narrative: lines(r.narrative.as_deref()),
        citizen_change: lines(r.citizen_change.as_deref()),
        bottlenecks: lines(r.bottlenecks.as_deref()),
        milestones: Table {
            caption: "추진일정별 실적".into(),
            head: vec!["추진일정", "기한", "완료일", "미완료 사유"],
            rows: r
                .milestones
                .iter()
                .map(|m| {
                    vec![
                        Cell::Head(if m.carried_over { format!("{} (이월)", m.title) } else { m.title.clone() }),
                        Cell::Date(m.due.map(day), "미입력"),
                        Cell::Date(m.done_on.map(day), "미완료"),
                        Cell::Text(m.reason.clone().unwrap_or_default()),
                    ]
                })
                .collect(),
            scroll_label: None,
        },
        kpis: Table {
            caption: "성과지표 실적".into(),
            head: vec!["성과지표", "목표값", "단위", "실적"],
            rows: r
                .kpis
                .iter()
                .map(|k| {
                    vec![
                        Cell::Head(k.name.clone()),
                        Cell::Text(number(k.target)),
                        Cell::Text(k.unit.clone().unwrap_or_else(|| "미입력".into())),
                        Cell::Text(number(k.actual)),
                    ]
                })
                .collect(),
            scroll_label: None,
        },
    });
    let files = r
        .attachments
        .iter()
        .map(|f| FileRow {
            name: f.file_name.clone(),
            kind: f.kind.label_ko(),
            size: format!("{} KB", (f.size_bytes + 1023) / 1024),
            href: Endpoint::PageAttachment.href(&[&c, &t, &a, &f.id]),
            remove_href: page.may_file.then(|| Endpoint::PageAttachmentRemoveForm.href(&[&c, &t, &a, &f.id])),
        })
        .collect();
    let upload = (page.may_file && r.attachments.len() < MAX_ATTACHMENTS).then(|| UploadForm {
        action: Endpoint::PageAttachmentAdd.href(&[&c, &t, &a]),
        csrf: cx.csrf(),
        error: typed.upload_error.clone(),
        limit: format!(
            "PDF, HWP, HWPX, XLSX, PNG, JPG 파일을 하나에 10MB까지, 보고 하나에 {MAX_ATTACHMENTS}개까지 올릴 수 있습니다. 파일 종류는 내용으로 확인합니다."
        ),
    });
    let review = (page.may_review && r.status == ReportStatus::Submitted).then(|| ReviewForm {
        action: Endpoint::PageReportReturn.href(&[&c, &t, &a]),
        csrf: cx.csrf(),
        version: r.version,
        comment: Field::textarea("comment", "보완 요청 내용", &typed.get("comment"), 3).required(),
    });
    let mut review = review;
    if let (Some(rv), false) = (review.as_mut(), typed.errors.is_empty()) {
        if typed.errors.iter().any(|e| e.field == "comment") {
            alert = Some(mark_errors(std::slice::from_mut(&mut rv.comment), &typed.errors));
        }
    }
    Ok(ReportPageView {
        layout: Layout::nested(
            cx,
            Section::Checks,
            vec![(r.cycle.name.clone(), cycle_href(c))],
            format!("{} 추진실적 ({})", r.task_title, r.agency.short_name),
        ),
        heading: format!("추진실적 보고: {} ({})", r.task_title, r.agency.short_name),
        facts,
        status: report_badge(r.status),
        alert,
        saved,
        return_comment: (r.status == ReportStatus::Returned).then(|| r.return_comment.clone()).flatten(),
        carried: r.carried_over.iter().map(|k: &CarryKind| k.label_ko()).collect(),
        form,
        read,
        files,
        upload,
        review,
        rating_href: page.may_review.then(|| rating_href(c, t)),
        task_href: super::links::task(&t),
        cycle_href: cycle_href(c),
    })
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct ReportQuery {
    saved: Option<String>,
}

pub(crate) async fn report_view(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<(String, String, String)>,
    q: Result<Query<ReportQuery>, QueryRejection>,
) -> Response {
    let saved = q.ok().and_then(|Query(q)| q.saved).is_some();
    respond(report_page(&state, &cx, &raw, saved, Typed::default()).await, &cx)
}

/// The ids a report form's lines name (`ms_12_done_on`, `kpi_3_actual`), in order, once each.
fn line_ids(fields: &[(String, String)], prefix: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    for (name, _) in fields {
        let id = name.strip_prefix(prefix).and_then(|rest| rest.split('_').next()).and_then(|n| n.parse::<i64>().ok());
        if let Some(id) = id.filter(|id| !ids.contains(id)) {
            ids.push(id);
        }
    }
    ids
}

/// The report form's fields into the use case's input.
fn report_input(fields: &[(String, String)]) -> ReportInput {
    let milestone_ids = line_ids(fields, "ms_");
    let kpi_ids = line_ids(fields, "kpi_");
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    ReportInput {
        narrative: get("narrative"),
        citizen_change: get("citizen_change"),
        bottlenecks: get("bottlenecks"),
        milestones: milestone_ids
            .iter()
            .map(|id| ReportMilestoneInput {
                milestone_id: Some(id.to_string()),
                done_on: get(&format!("ms_{id}_done_on")),
                reason: get(&format!("ms_{id}_reason")),
            })
            .collect(),
        kpis: kpi_ids
            .iter()
            .map(|id| ReportKpiInput { kpi_id: Some(id.to_string()), actual: get(&format!("kpi_{id}_actual")) })
            .collect(),
        version: get("version"),
    }
}

pub(crate) async fn report_save(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<(String, String, String)>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let fields = match form_input(form) {
        Ok(f) => f,
        Err(e) => return error_page(e, &cx),
    };
    let result = async {
        let (c, t, a) = checks::parse_ids(&raw.0, &raw.1, &raw.2)?;
        let input = report_input(&fields);
        let saved = checks::save_report(&state.db, cx.by(), c, t, a, &input).await?;
        let submit = fields.iter().any(|(k, v)| k == "action" && v == "submit");
        if submit {
            let v = VersionInput { version: Some(saved.version.to_string()) };
            checks::submit_report(&state.db, cx.by(), c, t, a, &v).await?;
        }
        Ok::<_, AppError>(format!("{}?saved=1", report_href(c, t, a)))
    }
    .await;
    match result {
        Ok(href) => see_other(&href),
        Err(e @ (AppError::Invalid(_) | AppError::Stale { .. })) => {
            let stale = matches!(e, AppError::Stale { .. });
            let errors = e.field_errors().to_vec();
            // The draft may have been saved before a submission was refused: the form shows what
            // was typed, at the version now stored.
            let typed = Typed { fields, errors, upload_error: None, stale };
            match report_page(&state, &cx, &raw, false, typed).await {
                Ok(mut page) => {
                    if page.alert.is_none() {
                        page.alert = Some(mark_errors(&mut [], e.field_errors()));
                    }
                    render(if stale { StatusCode::CONFLICT } else { StatusCode::BAD_REQUEST }, &page)
                }
                Err(e) => error_page(e, &cx),
            }
        }
        Err(e) => error_page(e, &cx),
    }
}

pub(crate) async fn report_return(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<(String, String, String)>,
    form: Result<Form<ReturnInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(f) => f,
        Err(e) => return error_page(e, &cx),
    };
    let result = async {
        let (c, t, a) = checks::parse_ids(&raw.0, &raw.1, &raw.2)?;
        checks::return_report(&state.db, cx.by(), c, t, a, &input).await?;
        Ok::<_, AppError>(format!("{}?saved=1", report_href(c, t, a)))
    }
    .await;
    match result {
        Ok(href) => see_other(&href),
        Err(AppError::Invalid(errors)) => {
            let typed = Typed {
                fields: vec![("comment".into(), input.comment.clone().unwrap_or_default())],
                errors,
                ..Typed::default()
            };
            match report_page(&state, &cx, &raw, false, typed).await {
                Ok(page) => render(StatusCode::BAD_REQUEST, &page),
                Err(e) => error_page(e, &cx),
            }
        }
        Err(e) => error_page(e, &cx),
    }
}

pub(crate) async fn attachment_add(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<(String, String, String)>,
    req: Request,
) -> Response {
    let result = async {
        let (c, t, a) = checks::parse_ids(&raw.0, &raw.1, &raw.2)?;
        checks::may_file(&state.db, cx.by(), c, t, a).await?;
        let (name, bytes, _) = crate::api_checks::read_upload(req).await?;
        checks::add_attachment(&state.db, cx.by(), c, t, a, &name, &bytes).await?;
        Ok::<_, AppError>(format!("{}?saved=1#h-files", report_href(c, t, a)))
    }
    .await;
    match result {
        Ok(href) => see_other(&href),
        Err(AppError::Invalid(errors)) => {
            let message = errors.first().map(|e| e.message.clone());
            let typed = Typed { upload_error: message.clone(), ..Typed::default() };
            match report_page(&state, &cx, &raw, false, typed).await {
                Ok(mut page) => {
                    let mut alert =
                        Alert::danger("올리지 못함", "파일을 올리지 못했습니다. 아무것도 저장되지 않았습니다.");
                    alert.items = errors
                        .iter()
                        .map(|e| super::form::AlertItem { message: e.message.clone(), target: Some("f-file".into()) })
                        .collect();
                    page.alert = Some(alert);
                    render(StatusCode::BAD_REQUEST, &page)
                }
                Err(e) => error_page(e, &cx),
            }
        }
        Err(e) => error_page(e, &cx),
    }
}

pub(crate) async fn attachment_download(
    State(state): State<AppState>,
    cx: Ctx,
    Path((_, _, _, file)): Path<(String, String, String, String)>,
) -> Response {
    let result = async {
        let (record, bytes) = checks::attachment(&state.db, cx.by(), AttachmentId::parse(&file)?).await?;
        Ok::<_, AppError>(crate::api_checks::download(&record, bytes))
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, &cx))
}

async fn remove_page(
    state: &AppState,
    cx: &Ctx,
    raw: &(String, String, String, String),
) -> Result<ConfirmPage, AppError> {
    let (c, t, a) = checks::parse_ids(&raw.0, &raw.1, &raw.2)?;
    let file = AttachmentId::parse(&raw.3)?;
    let page = checks::report(&state.db, cx.by(), c, t, a).await?;
    if !page.may_file {
        return Err(AppError::forbidden());
    }
    let f = page
        .report
        .attachments
        .iter()
        .find(|f| f.id == file)
        .ok_or_else(|| AppError::NotFound(format!("{file}번 첨부파일")))?;
    let back = report_href(c, t, a);
    Ok(ConfirmPage {
        layout: Layout::nested(
            cx,
            Section::Checks,
            vec![(page.report.cycle.name.clone(), cycle_href(c)), ("추진실적 보고".into(), back.clone())],
            "첨부파일 삭제",
        ),
        heading: "첨부파일 삭제".into(),
        context: vec![Fact::new("파일", f.file_name.clone()), Fact::new("과제", page.report.task_title.clone())],
        message: vec!["이 파일을 보고에서 지웁니다. 지운 기록은 감사기록에 남습니다.".into()],
        alert: None,
        action: Endpoint::PageAttachmentRemove.href(&[&c, &t, &a, &file]),
        csrf: cx.csrf(),
        version: "1".into(),
        submit: "삭제",
        cancel: back,
        reload: Endpoint::PageAttachmentRemoveForm.href(&[&c, &t, &a, &file]),
    })
}

pub(crate) async fn attachment_remove_form(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<(String, String, String, String)>,
) -> Response {
    respond(remove_page(&state, &cx, &raw).await, &cx)
}

pub(crate) async fn attachment_remove(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<(String, String, String, String)>,
    form: Result<Form<VersionInput>, FormRejection>,
) -> Response {
    let result = async {
        form_input(form)?;
        let (c, t, a) = checks::parse_ids(&raw.0, &raw.1, &raw.2)?;
        checks::remove_attachment(&state.db, cx.by(), c, t, a, AttachmentId::parse(&raw.3)?).await?;
        Ok::<_, AppError>(format!("{}?saved=1", report_href(c, t, a)))
    }
    .await;
    answer(&cx, result, async || remove_page(&state, &cx, &raw).await).await
}

// ---------------------------------------------------------------------------------------------
// 4. OPC's rating of a task.

#[derive(Template)]
#[template(path = "check_rating.html")]
struct RatingPage {
    layout: Layout,
    heading: String,
    facts: Vec<Fact>,
    suggestion: Badge,
    explanation: String,
    reports: Vec<ReportCell>,
    alert: Option<Alert>,
    form: FormView,
}

async fn rating_page(
    state: &AppState,
    cx: &Ctx,
    raw: &(String, String),
    typed: Option<&RatingInput>,
) -> Result<RatingPage, AppError> {
    let c = CheckCycleId::parse(&raw.0)?;
    let t = TaskId::parse(&raw.1)?;
    let s = checks::suggestion(&state.db, cx.by(), c, t).await?;
    let cycle = state
        .db
        .cycle(c)
        .await
        .map_err(hanteam_app::UseCaseError::from)?
        .ok_or_else(|| AppError::NotFound(format!("{c}번 점검 주기")))?;
    let task = hanteam_app::tasks::detail(&state.db, cx.by(), t).await?;
    let current = checks::rating(&state.db, cx.by(), c, t).await?;
    let (rating, reason, version) = match (typed, &current) {
        (Some(i), cur) => {
            (i.rating.clone().unwrap_or_default(), i.reason.clone(), cur.as_ref().map(|c| c.2.to_string()))
        }
        (None, Some((r, why, v))) => (r.clone(), Some(why.clone()), Some(v.to_string())),
        (None, None) => (s.rating.as_str().to_string(), None, None),
    };
    let (_, rows) = checks::cycle(&state.db, cx.by(), c, hanteam_domain::Paging { limit: 500, offset: 0 }).await?;
    let reports = rows
        .items
        .iter()
        .filter(|r| r.task_id == t)
        .flat_map(|r| r.reports.iter())
        .map(|r| ReportCell {
            agency: r.agency.short_name.clone(),
            href: report_href(c, t, r.agency.id),
            status: report_badge(r.status),
            carried: r.carried_over.iter().map(|k| k.label_ko()).collect(),
        })
        .collect();
    let options = plain_options(
        &rating,
        ProgressRating::OnTrack.as_str(),
        ProgressRating::ALL.iter().map(|r| (r.as_str().to_string(), r.label_ko().to_string())).collect(),
    );
    let mut hidden = vec![];
    if let Some(v) = version {
        hidden.push(super::form::Hidden { name: "version", value: v });
    }
    Ok(RatingPage {
        layout: Layout::nested(
            cx,
            Section::Checks,
            vec![(cycle.name.clone(), cycle_href(c))],
            format!("{} 점검 결과", task.summary.title),
        ),
        heading: format!("점검 결과 평가: {}", task.summary.title),
        facts: vec![
            Fact::new("점검 주기", cycle.name.clone()),
            Fact::new("과제", format!("{}. {}", task.summary.seq, task.summary.title)),
        ],
        suggestion: light_badge(s.rating),
        explanation: s.explanation,
        reports,
        alert: None,
        form: FormView {
            action: Endpoint::PageRatingSave.href(&[&c, &t]),
            csrf: cx.csrf(),
            hidden,
            fields: vec![
                Field::select("rating", "점검 결과", options).required(),
                Field::textarea("reason", "평가 사유", &reason, 3)
                    .required()
                    .hint("과제의 신호등과 함께 모두에게 공개됩니다."),
            ],
            submit: "점검 결과 저장",
            cancel: cycle_href(c),
        },
    })
}

impl super::form::Refusable for RatingPage {
    fn show_errors(&mut self, errors: &[ValidationError]) {
        self.alert = Some(mark_errors(&mut self.form.fields, errors));
    }

    fn show_stale(&mut self) {
        self.alert = Some(Alert::stale(&self.form.cancel));
    }
}

pub(crate) async fn rating_form(State(state): State<AppState>, cx: Ctx, Path(raw): Path<(String, String)>) -> Response {
    respond(rating_page(&state, &cx, &raw, None).await, &cx)
}

pub(crate) async fn rating_save(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<(String, String)>,
    form: Result<Form<RatingInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let result = async {
        let c = CheckCycleId::parse(&raw.0)?;
        let t = TaskId::parse(&raw.1)?;
        checks::rate(&state.db, cx.by(), c, t, &input).await?;
        Ok::<_, AppError>(format!("{}?saved=1", cycle_href(c)))
    }
    .await;
    answer(&cx, result, async || rating_page(&state, &cx, &raw, Some(&input)).await).await
}

// ---------------------------------------------------------------------------------------------
// 5. Overdue reports per agency.

#[derive(Template)]
#[template(path = "check_overdue.html")]
struct OverduePage {
    layout: Layout,
    table: Table,
    today: String,
}

pub(crate) async fn overdue(State(state): State<AppState>, cx: Ctx) -> Response {
    let result = async {
        let rows = checks::overdue(&state.db, cx.by(), Utc::now()).await?;
        Ok::<_, AppError>(OverduePage {
            layout: Layout::detail(&cx, Section::Checks, "기한이 지난 보고"),
            today: date_ko(kst_date(Utc::now())),
            table: Table {
                caption: "기관별 기한이 지난 추진실적 보고: 기관, 보고 수".into(),
                head: vec!["기관", "기한이 지난 보고"],
                rows: rows
                    .iter()
                    .map(|o| {
                        vec![
                            Cell::HeadLink {
                                href: format!("{}#h-overdue", super::links::agency(&o.agency.short_name)),
                                text: o.agency.short_name.clone(),
                            },
                            Cell::Text(format!("{}건", o.count)),
                        ]
                    })
                    .collect(),
                scroll_label: None,
            },
        })
    }
    .await;
    respond(result, &cx)
}

/// As `form::mark_errors`, over fields kept in several places of a page.
fn mark_fields(mut fields: Vec<&mut Field>, errors: &[ValidationError]) -> Alert {
    let mut items = Vec::new();
    for e in errors {
        let target = fields.iter_mut().find(|f| f.name == e.field.as_str()).map(|f| {
            if f.error.is_none() {
                f.error = Some(e.message.clone());
            }
            f.id.clone()
        });
        items.push(super::form::AlertItem { message: e.message.clone(), target });
    }
    let mut alert = mark_errors(&mut [], errors);
    alert.items = items;
    alert
}
