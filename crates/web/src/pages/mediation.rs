//! The pages of follow-up actions (후속조치), bottlenecks (애로사항) and their mediation (이견 조정):
//! the forms that change them, and the list and detail pages.

use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use chrono::Utc;
use hanteam_app::mediation::{self, BottleneckListInput};
use hanteam_app::mediation_views::{BottleneckDetail, BottleneckSummary, FollowUp};
use hanteam_app::views::{MeetingSummary, TaskDetail};
use hanteam_app::{follow_ups, registry, Db, UseCaseError};
use hanteam_domain::access;
use hanteam_domain::bottleneck::{
    AgencyPositionInput, BottleneckCategory, BottleneckInput, BottleneckStatus, DecisionInput, MediationOutcome,
    MeetingInput, OutcomeInput,
};
use hanteam_domain::follow_up::{FollowUpDoneInput, FollowUpInput};
use hanteam_domain::time::kst_date;
use hanteam_domain::{AgencyId, BottleneckId, FollowUpId, Paging, TaskId};

use super::context::Ctx;
use super::edit::{task_layout, version_field};
use super::form::{answer, form_input, mark_errors, Alert, ConfirmPage, Fact, Field, FormPage, FormView};
use super::format::{date_ko, day, lines, trimmed, when, Day, When};
use super::layout::{Layout, Section};
use super::links;
use super::render::{error_page, render, respond};
use super::widgets::{options_with, pager_for, Badge, Opt, Pager, SavedQuery};
use crate::endpoint::Endpoint;
use crate::error::AppError;
use crate::AppState;

// ---------------------------------------------------------------------------------------------
// Follow-ups: marking one done.

fn follow_up_done_page(cx: &Ctx, f: &FollowUp, input: &FollowUpDoneInput) -> FormPage {
    let task_href = links::task(&f.task.id);
    FormPage {
        layout: Layout::nested(cx, Section::Tasks, vec![(f.task.title.clone(), task_href.clone())], "후속조치 완료"),
        heading: "후속조치 완료".into(),
        context: vec![
            Fact::new("과제", f.task.title.clone()),
            Fact::new("후속조치", f.title.clone()),
            Fact::new("담당", owner_text(f)),
            Fact::new("기한", date_ko(f.due)),
            Fact::new("출처", f.source.label_ko()),
        ],
        intro: vec!["조치를 마친 날과 한 일을 적습니다. 완료하면 담당자의 업무 목록에서 빠집니다.".into()],
        alert: None,
        form: FormView {
            action: Endpoint::FollowUpDone.href(&[&f.id]),
            csrf: cx.csrf(),
            hidden: version_field(&input.version),
            fields: vec![
                Field::date("done_on", "완료일", &input.done_on)
                    .hint("2024-06-30처럼 연-월-일로 입력합니다. 비워 두면 오늘로 기록합니다."),
                Field::textarea("note", "조치 내용", &input.note, 4),
            ],
            submit: "완료 처리",
            cancel: links::home(),
        },
        reload: Endpoint::FollowUpDoneForm.href(&[&f.id]),
    }
}

/// "환경부 (홍길동)" or "환경부".
pub(crate) fn owner_text(f: &FollowUp) -> String {
    match &f.owner {
        Some(p) => format!("{} ({})", f.owner_agency.short_name, p.display_name),
        None => f.owner_agency.short_name.clone(),
    }
}

async fn follow_up_done_form_page(
    db: &Db,
    cx: &Ctx,
    id: FollowUpId,
    input: Option<&FollowUpDoneInput>,
) -> Result<FormPage, AppError> {
    let f = follow_ups::open_for_done(db, cx.by(), id).await?;
    let input = input
        .cloned()
        .unwrap_or_else(|| FollowUpDoneInput { version: Some(f.version.to_string()), ..Default::default() });
    Ok(follow_up_done_page(cx, &f, &input))
}

pub(crate) async fn follow_up_done_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = async { follow_up_done_form_page(&state.db, &cx, FollowUpId::parse(&id)?, None).await }.await;
    respond(result, &cx)
}

pub(crate) async fn follow_up_done(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<FollowUpDoneInput>, FormRejection>,
) -> Response {
    let (input, id) = match form_input(form).and_then(|i| Ok((i, FollowUpId::parse(&id)?))) {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let result = follow_ups::complete(db, cx.by(), id, &input).await.map(|_| links::saved(&links::home()));
    answer(&cx, result.map_err(AppError::from), async || follow_up_done_form_page(db, &cx, id, Some(&input)).await)
        .await
}

// ---------------------------------------------------------------------------------------------
// Bottlenecks: the list, one bottleneck, and the forms of each step.

/// A form body of repeated fields (`agency_ids=3&agency_ids=4`, `follow_ups[0].title=…`), or why
/// it cannot be read.
fn form_pairs(body: &Bytes) -> Result<Vec<(String, String)>, AppError> {
    serde_urlencoded::from_bytes(body)
        .map_err(|_| AppError::invalid("body", "보낸 양식을 읽을 수 없습니다. 화면을 새로 고친 뒤 다시 보내 주세요."))
}

fn one(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

fn bottleneck_input(pairs: &[(String, String)]) -> BottleneckInput {
    BottleneckInput {
        category: one(pairs, "category"),
        description: one(pairs, "description"),
        agency_ids: pairs.iter().filter(|(k, _)| k == "agency_ids").map(|(_, v)| v.clone()).collect(),
    }
}

/// How many rows of agreed actions the outcome form offers.
const FOLLOW_UP_ROWS: usize = 3;
const ROW_TITLE: [&str; FOLLOW_UP_ROWS] = ["follow_ups[0].title", "follow_ups[1].title", "follow_ups[2].title"];
const ROW_AGENCY: [&str; FOLLOW_UP_ROWS] =
    ["follow_ups[0].owner_agency_id", "follow_ups[1].owner_agency_id", "follow_ups[2].owner_agency_id"];
const ROW_DUE: [&str; FOLLOW_UP_ROWS] = ["follow_ups[0].due", "follow_ups[1].due", "follow_ups[2].due"];

fn outcome_input(pairs: &[(String, String)]) -> OutcomeInput {
    OutcomeInput {
        outcome: one(pairs, "outcome"),
        note: one(pairs, "note"),
        version: one(pairs, "version"),
        follow_ups: (0..FOLLOW_UP_ROWS)
            .map(|i| FollowUpInput {
                title: one(pairs, ROW_TITLE[i]),
                owner_agency_id: one(pairs, ROW_AGENCY[i]),
                owner_user_id: None,
                due: one(pairs, ROW_DUE[i]),
            })
            .collect(),
    }
}

fn status_badge(s: BottleneckStatus) -> Badge {
    let class = match s {
        BottleneckStatus::Raised => "bg-light-warning",
        BottleneckStatus::InMediation => "bg-light-information",
        BottleneckStatus::Resolved => "bg-light-success",
        BottleneckStatus::Escalated => "bg-light-danger",
    };
    Badge { label: s.label_ko().into(), class }
}

/// A bottleneck as a row of a list (the list page, a task's, an agency's, the home page).
pub(crate) struct BottleneckRow {
    pub href: String,
    pub id: i64,
    pub task_href: String,
    pub task_title: String,
    pub category: &'static str,
    pub agencies: String,
    pub status: Badge,
    pub raised: Day,
    pub days_open: i64,
    pub open: bool,
}

pub(crate) fn bottleneck_row(b: &BottleneckSummary) -> BottleneckRow {
    BottleneckRow {
        href: Endpoint::PageBottleneck.href(&[&b.id]),
        id: b.id.get(),
        task_href: links::task(&b.task.id),
        task_title: b.task.title.clone(),
        category: b.category.label_ko(),
        agencies: b.agencies.iter().map(|a| a.short_name.as_str()).collect::<Vec<_>>().join(", "),
        status: status_badge(b.status),
        raised: day(kst_date(b.raised_at)),
        days_open: b.days_open,
        open: b.status.is_open(),
    }
}

#[derive(Template)]
#[template(path = "bottlenecks.html")]
struct BottlenecksPage {
    layout: Layout,
    status: Field,
    agency: Field,
    total: i64,
    rows: Vec<BottleneckRow>,
    pager: Option<Pager>,
    alert: Option<Alert>,
}

fn status_choices() -> Vec<(String, String)> {
    let mut v = vec![("open".to_string(), "미해결 (제기·조정 중)".to_string())];
    v.extend(BottleneckStatus::ALL.iter().map(|s| (s.as_str().to_string(), s.label_ko().to_string())));
    v
}

pub(crate) async fn bottleneck_list(
    State(state): State<AppState>,
    cx: Ctx,
    q: Result<Query<BottleneckListInput>, QueryRejection>,
) -> Response {
    let input = q.map(|Query(q)| q).unwrap_or_default();
    let db = &state.db;
    let agencies = match registry::agency_names(db).await {
        Ok(a) => a,
        Err(e) => return error_page(e, &cx),
    };
    let mut status = Field::select("status", "상태", options_with("전체", trimmed(&input.status), status_choices()));
    let mut agency = Field::select(
        "agency",
        "관련 기관",
        options_with(
            "전체",
            trimmed(&input.agency),
            agencies.iter().map(|a| (a.short_name.clone(), a.short_name.clone())).collect(),
        ),
    );
    let mut page = BottlenecksPage {
        layout: Layout::plain(&cx, "애로사항"),
        status: Field { id: "f-status".into(), ..Field::text("status", "", &None) },
        agency: Field { id: "f-agency".into(), ..Field::text("agency", "", &None) },
        total: 0,
        rows: vec![],
        pager: None,
        alert: None,
    };
    match mediation::list(db, cx.by(), &input, Utc::now()).await {
        Ok((f, list)) => {
            let filters = [("status", &input.status), ("agency", &input.agency)];
            let limit_param = (!trimmed(&input.limit).is_empty()).then_some(f.paging.limit);
            page.pager = (list.total > f.paging.limit || f.paging.offset > 0).then(|| {
                pager_for(
                    &Endpoint::PageBottlenecks.href(&[]),
                    &filters,
                    limit_param,
                    f.paging.limit,
                    f.paging.offset,
                    list.total,
                )
            });
            page.total = list.total;
            page.rows = list.items.iter().map(bottleneck_row).collect();
        }
        Err(UseCaseError::Invalid(errors)) => {
            let mut fields = [status, agency];
            page.alert = Some(mark_errors(&mut fields, &errors));
            [status, agency] = fields;
            page.status = status;
            page.agency = agency;
            return render(axum::http::StatusCode::BAD_REQUEST, &page);
        }
        Err(e) => return error_page(e, &cx),
    }
    page.status = status;
    page.agency = agency;
    render(axum::http::StatusCode::OK, &page)
}

struct PositionRow {
    agency: String,
    position: Option<String>,
    stated: Option<When>,
    edit_href: Option<String>,
}

struct MeetingRow {
    held: When,
    venue: String,
    attendees: Vec<String>,
    council_href: Option<String>,
}

struct FollowUpLine {
    title: String,
    owner: String,
    due: Day,
    done: Option<Day>,
    note: Option<String>,
    done_href: Option<String>,
}

#[derive(Template)]
#[template(path = "bottleneck.html")]
struct BottleneckPage {
    layout: Layout,
    b: BottleneckSummary,
    category: &'static str,
    status: Badge,
    raised_by: String,
    raised: When,
    closed: Option<When>,
    mediation_opened: Option<When>,
    task_href: String,
    paragraphs: Vec<String>,
    positions: Vec<PositionRow>,
    any_position_edit: bool,
    meetings: Vec<MeetingRow>,
    outcome: Option<&'static str>,
    outcome_note: Vec<String>,
    resolution_reason: Option<String>,
    follow_ups: Vec<FollowUpLine>,
    mediate_href: Option<String>,
    resolve_href: Option<String>,
    meeting_href: Option<String>,
    outcome_href: Option<String>,
    saved: bool,
}

pub(crate) async fn bottleneck_detail(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    q: Result<Query<SavedQuery>, QueryRejection>,
) -> Response {
    let saved = q.map(|Query(q)| q.saved()).unwrap_or(false);
    let result = async {
        let id = BottleneckId::parse(&id)?;
        let w = mediation::detail(&state.db, cx.by(), id, Utc::now()).await?;
        let (b, may) = (w.bottleneck, w.may);
        let p = cx.principal();
        let title = format!("애로사항 {} · {}", b.summary.id, b.summary.category.label_ko());
        let task_href = links::task(&b.summary.task.id);
        let follow_ups = b
            .follow_ups
            .iter()
            .map(|f| FollowUpLine {
                title: f.title.clone(),
                owner: owner_text(f),
                due: day(f.due),
                done: f.done_on.map(day),
                note: f.done_note.clone(),
                done_href: (f.done_on.is_none()
                    && p.is_some_and(|p| {
                        access::can_complete_follow_up(p, f.owner_agency.id, f.owner.as_ref().map(|o| o.id))
                    }))
                .then(|| Endpoint::FollowUpDoneForm.href(&[&f.id])),
            })
            .collect();
        let positions: Vec<PositionRow> = b
            .positions
            .iter()
            .map(|x| PositionRow {
                agency: x.agency.short_name.clone(),
                position: x.position.clone(),
                stated: x.stated_at.map(when),
                edit_href: may
                    .positions
                    .contains(&x.agency.id)
                    .then(|| Endpoint::BottleneckPositionForm.href(&[&b.summary.id, &x.agency.id])),
            })
            .collect();
        Ok::<_, AppError>(BottleneckPage {
            layout: Layout::nested(&cx, Section::Tasks, vec![(b.summary.task.title.clone(), task_href.clone())], title),
            category: b.summary.category.label_ko(),
            status: status_badge(b.summary.status),
            raised_by: b
                .summary
                .raised_by_agency
                .as_ref()
                .map_or_else(|| "국무조정실 또는 교류자".to_string(), |a| a.short_name.clone()),
            raised: when(b.summary.raised_at),
            closed: b.summary.closed_at.map(when),
            mediation_opened: b.summary.mediation_opened_at.map(when),
            task_href,
            paragraphs: lines(Some(&b.summary.description)),
            any_position_edit: positions.iter().any(|r| r.edit_href.is_some()),
            positions,
            meetings: b
                .meetings
                .iter()
                .map(|m| MeetingRow {
                    held: when(m.held_at),
                    venue: m.venue.clone().unwrap_or_else(|| "미입력".into()),
                    attendees: m.attendees.iter().map(|a| format!("{} {}", a.agency, a.people)).collect(),
                    council_href: m.council_meeting_id.map(|c| links::meeting(&c)),
                })
                .collect(),
            outcome: b.outcome.map(|o| o.label_ko()),
            outcome_note: lines(b.outcome_note.as_deref()),
            resolution_reason: b.resolution_reason.clone(),
            follow_ups,
            mediate_href: may.mediate.then(|| Endpoint::MediationOpenForm.href(&[&b.summary.id])),
            resolve_href: may.mediate.then(|| Endpoint::BottleneckResolveForm.href(&[&b.summary.id])),
            meeting_href: may.conclude.then(|| Endpoint::MediationMeetingForm.href(&[&b.summary.id])),
            outcome_href: may.conclude.then(|| Endpoint::MediationOutcomeForm.href(&[&b.summary.id])),
            saved,
            b: b.summary,
        })
    }
    .await;
    respond(result, &cx)
}

fn saved_bottleneck(id: BottleneckId) -> String {
    links::saved(&Endpoint::PageBottleneck.href(&[&id]))
}

/// 홈 > 협업과제 목록 > the task > 애로사항 N > `title`.
fn bottleneck_layout(cx: &Ctx, b: &BottleneckSummary, title: &str) -> Layout {
    Layout::nested(
        cx,
        Section::Tasks,
        vec![
            (b.task.title.clone(), links::task(&b.task.id)),
            (format!("애로사항 {}", b.id), Endpoint::PageBottleneck.href(&[&b.id])),
        ],
        title,
    )
}

fn bottleneck_facts(b: &BottleneckSummary) -> Vec<Fact> {
    vec![
        Fact::new("과제", b.task.title.clone()),
        Fact::new(
            "애로사항",
            format!("{} · {}", b.category.label_ko(), b.description.chars().take(80).collect::<String>()),
        ),
        Fact::new("상태", b.status.label_ko()),
    ]
}

// A new bottleneck.

fn category_options(raw: &str) -> Vec<Opt> {
    options_with(
        "고르세요",
        raw,
        BottleneckCategory::ALL.iter().map(|c| (c.as_str().to_string(), c.label_ko().to_string())).collect(),
    )
}

fn raise_page(cx: &Ctx, task: &TaskDetail, input: &BottleneckInput) -> FormPage {
    let agencies = task
        .summary
        .agencies
        .iter()
        .map(|a| Opt {
            value: a.id.to_string(),
            label: a.short_name.clone(),
            selected: input.agency_ids.iter().any(|v| v.trim() == a.id.to_string()),
        })
        .collect();
    FormPage {
        layout: task_layout(cx, task, "애로사항 제기"),
        heading: "애로사항 제기".into(),
        context: vec![Fact::new("과제", task.summary.title.clone())],
        intro: vec![
            "과제를 추진하며 부딪힌 애로를 적습니다. 관련 기관은 저마다 입장을 적고, 국무조정실이 필요하면 이견을 조정합니다. \
             애로사항은 과제 참여기관과 국무조정실만 봅니다."
                .into(),
        ],
        alert: None,
        form: FormView {
            action: Endpoint::BottleneckCreate.href(&[&task.summary.id]),
            csrf: cx.csrf(),
            hidden: vec![],
            fields: vec![
                Field::select("category", "애로사항 유형", category_options(trimmed(&input.category))).required(),
                Field::textarea("description", "애로사항 내용", &input.description, 6)
                    .required()
                    .hint("무엇이 막혀 있는지, 필요한 조치가 무엇인지 적습니다 (5,000자 이내)."),
                Field::checks("agency_ids", "관련 기관", agencies)
                    .required()
                    .hint("이 애로에 관련된 과제 참여기관을 모두 고릅니다. ‘기관 간 이견’이면 둘 이상 고릅니다."),
            ],
            submit: "제기",
            cancel: links::task(&task.summary.id),
        },
        reload: Endpoint::BottleneckNewForm.href(&[&task.summary.id]),
    }
}

pub(crate) async fn bottleneck_new_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = async {
        let task = mediation::open_task(&state.db, cx.by(), TaskId::parse(&id)?).await?;
        Ok::<_, AppError>(raise_page(&cx, &task, &BottleneckInput::default()))
    }
    .await;
    respond(result, &cx)
}

pub(crate) async fn bottleneck_create(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (input, task) = match form_pairs(&body).and_then(|p| Ok((bottleneck_input(&p), TaskId::parse(&id)?))) {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let result =
        mediation::raise(db, cx.by(), task, &input).await.map(|saved| saved_bottleneck(BottleneckId::new(saved.id)));
    answer(&cx, result.map_err(AppError::from), async || {
        let t = mediation::open_task(db, cx.by(), task).await?;
        Ok(raise_page(&cx, &t, &input))
    })
    .await
}

// An agency's position.

fn position_page(cx: &Ctx, b: &BottleneckDetail, agency: AgencyId, input: &AgencyPositionInput) -> FormPage {
    let name =
        b.positions.iter().find(|p| p.agency.id == agency).map(|p| p.agency.short_name.clone()).unwrap_or_default();
    let mut context = bottleneck_facts(&b.summary);
    context.push(Fact::new("기관", name.clone()));
    FormPage {
        layout: bottleneck_layout(cx, &b.summary, "기관 입장"),
        heading: format!("{name} 입장"),
        context,
        intro: vec!["이 애로에 대한 기관의 입장을 적습니다. 조정이 끝나기 전까지 고칠 수 있으며, 공개 화면에는 나오지 않습니다.".into()],
        alert: None,
        form: FormView {
            action: Endpoint::BottleneckPositionEdit.href(&[&b.summary.id, &agency]),
            csrf: cx.csrf(),
            hidden: version_field(&input.version),
            fields: vec![Field::textarea("position", "기관 입장", &input.position, 8).required()],
            submit: "저장",
            cancel: Endpoint::PageBottleneck.href(&[&b.summary.id]),
        },
        reload: Endpoint::BottleneckPositionForm.href(&[&b.summary.id, &agency]),
    }
}

async fn position_form_page(
    db: &Db,
    cx: &Ctx,
    id: BottleneckId,
    agency: AgencyId,
    input: Option<&AgencyPositionInput>,
) -> Result<FormPage, AppError> {
    let b = mediation::open_position(db, cx.by(), id, agency, Utc::now()).await?;
    let input = input.cloned().unwrap_or_else(|| {
        let own = b.positions.iter().find(|p| p.agency.id == agency);
        AgencyPositionInput {
            position: own.and_then(|p| p.position.clone()),
            version: own.map(|p| p.version.to_string()),
        }
    });
    Ok(position_page(cx, &b, agency, &input))
}

fn position_ids(id: &str, agency: &str) -> Result<(BottleneckId, AgencyId), AppError> {
    Ok((BottleneckId::parse(id)?, AgencyId::parse(agency)?))
}

pub(crate) async fn position_form(
    State(state): State<AppState>,
    cx: Ctx,
    Path((id, agency_id)): Path<(String, String)>,
) -> Response {
    let result = async {
        let (id, agency) = position_ids(&id, &agency_id)?;
        position_form_page(&state.db, &cx, id, agency, None).await
    }
    .await;
    respond(result, &cx)
}

pub(crate) async fn position_edit(
    State(state): State<AppState>,
    cx: Ctx,
    Path((id, agency_id)): Path<(String, String)>,
    form: Result<Form<AgencyPositionInput>, FormRejection>,
) -> Response {
    let ((id, agency), input) = match position_ids(&id, &agency_id).and_then(|ids| Ok((ids, form_input(form)?))) {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let result = mediation::state_position(db, cx.by(), id, agency, &input).await.map(|_| saved_bottleneck(id));
    answer(&cx, result.map_err(AppError::from), async || position_form_page(db, &cx, id, agency, Some(&input)).await)
        .await
}

// Taking into mediation (a confirmation), resolving without it (a reason).

pub(crate) async fn mediation_open_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = async { mediation_confirm_page(&state.db, &cx, BottleneckId::parse(&id)?).await }.await;
    respond(result, &cx)
}

async fn mediation_confirm_page(db: &Db, cx: &Ctx, id: BottleneckId) -> Result<ConfirmPage, AppError> {
    let b = mediation::open_for_opc(db, cx.by(), id, Utc::now()).await?;
    Ok(ConfirmPage {
        layout: bottleneck_layout(cx, &b.summary, "이견 조정 시작"),
        heading: "이견 조정 시작".into(),
        context: bottleneck_facts(&b.summary),
        message: vec![
            "이 애로사항을 국무조정실의 이견 조정에 부칩니다. 조정을 시작하면 ‘조정 없이 해소’로 되돌릴 수 없고, \
             조정 회의를 거쳐 합의·일부 합의·합의 안 됨(상위 보고) 가운데 하나로 결과를 기록해야 끝납니다."
                .into(),
        ],
        alert: None,
        action: Endpoint::MediationOpen.href(&[&id]),
        csrf: cx.csrf(),
        version: b.summary.version.to_string(),
        submit: "조정 시작",
        cancel: Endpoint::PageBottleneck.href(&[&id]),
        reload: Endpoint::MediationOpenForm.href(&[&id]),
    })
}

pub(crate) async fn mediation_open(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<DecisionInput>, FormRejection>,
) -> Response {
    let (input, id) = match form_input(form).and_then(|i| Ok((i, BottleneckId::parse(&id)?))) {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let result = mediation::mediate(db, cx.by(), id, &input).await.map(|_| saved_bottleneck(id));
    answer(&cx, result.map_err(AppError::from), async || mediation_confirm_page(db, &cx, id).await).await
}

fn resolve_page(cx: &Ctx, b: &BottleneckDetail, input: &DecisionInput) -> FormPage {
    let id = b.summary.id;
    FormPage {
        layout: bottleneck_layout(cx, &b.summary, "조정 없이 해소"),
        heading: "조정 없이 해소".into(),
        context: bottleneck_facts(&b.summary),
        intro: vec!["이견 조정 없이 애로가 풀렸을 때 씁니다. 해소하면 다시 열 수 없습니다.".into()],
        alert: None,
        form: FormView {
            action: Endpoint::BottleneckResolve.href(&[&id]),
            csrf: cx.csrf(),
            hidden: version_field(&input.version),
            fields: vec![Field::textarea("reason", "해소 사유", &input.reason, 4)
                .required()
                .hint("어떻게 풀렸는지 적습니다 (예: 관계 부처 협의로 고시 해석 정리).")],
            submit: "해소",
            cancel: Endpoint::PageBottleneck.href(&[&id]),
        },
        reload: Endpoint::BottleneckResolveForm.href(&[&id]),
    }
}

async fn resolve_form_page(
    db: &Db,
    cx: &Ctx,
    id: BottleneckId,
    input: Option<&DecisionInput>,
) -> Result<FormPage, AppError> {
    let b = mediation::open_for_opc(db, cx.by(), id, Utc::now()).await?;
    let input =
        input.cloned().unwrap_or_else(|| DecisionInput { reason: None, version: Some(b.summary.version.to_string()) });
    Ok(resolve_page(cx, &b, &input))
}

pub(crate) async fn resolve_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = async { resolve_form_page(&state.db, &cx, BottleneckId::parse(&id)?, None).await }.await;
    respond(result, &cx)
}

pub(crate) async fn resolve(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<DecisionInput>, FormRejection>,
) -> Response {
    let (input, id) = match form_input(form).and_then(|i| Ok((i, BottleneckId::parse(&id)?))) {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let result = mediation::resolve(db, cx.by(), id, &input).await.map(|_| saved_bottleneck(id));
    answer(&cx, result.map_err(AppError::from), async || resolve_form_page(db, &cx, id, Some(&input)).await).await
}

// A mediation meeting.

fn meeting_page(cx: &Ctx, b: &BottleneckDetail, meetings: &[MeetingSummary], input: &MeetingInput) -> FormPage {
    let id = b.summary.id;
    let council = options_with(
        "해당 없음",
        trimmed(&input.council_meeting_id),
        meetings.iter().map(|m| (m.id.to_string(), m.title.clone())).collect(),
    );
    let example =
        b.summary.agencies.iter().map(|a| format!("{} 담당 과장", a.short_name)).collect::<Vec<_>>().join(", ");
    FormPage {
        layout: bottleneck_layout(cx, &b.summary, "조정 회의 등록"),
        heading: "조정 회의 등록".into(),
        context: bottleneck_facts(&b.summary),
        intro: vec![],
        alert: None,
        form: FormView {
            action: Endpoint::MediationMeetingCreate.href(&[&id]),
            csrf: cx.csrf(),
            hidden: vec![],
            fields: vec![
                Field::date_time("held_at", "회의 일시", &input.held_at).required(),
                Field::text("venue", "장소", &input.venue).hint("예: 정부서울청사 회의실"),
                Field::textarea("attendees", "기관별 참석자", &input.attendees, 4)
                    .hint(&format!("한 줄에 한 기관씩, 기관 약칭을 먼저 씁니다 (예: {example}).")),
                Field::select("council_meeting_id", "협의회 안건으로 다룰 회의", council)
                    .hint("협업과제점검협의회에서 이 조정을 다루면 그 회의를 고릅니다."),
            ],
            submit: "등록",
            cancel: Endpoint::PageBottleneck.href(&[&id]),
        },
        reload: Endpoint::MediationMeetingForm.href(&[&id]),
    }
}

async fn meeting_form_page(
    db: &Db,
    cx: &Ctx,
    id: BottleneckId,
    input: Option<&MeetingInput>,
) -> Result<FormPage, AppError> {
    let b = mediation::open_for_opc(db, cx.by(), id, Utc::now()).await?;
    let meetings = registry::meetings(db, Paging { limit: 100, offset: 0 }).await?;
    Ok(meeting_page(cx, &b, &meetings.items, input.unwrap_or(&MeetingInput::default())))
}

pub(crate) async fn meeting_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = async { meeting_form_page(&state.db, &cx, BottleneckId::parse(&id)?, None).await }.await;
    respond(result, &cx)
}

pub(crate) async fn meeting_create(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<MeetingInput>, FormRejection>,
) -> Response {
    let (input, id) = match form_input(form).and_then(|i| Ok((i, BottleneckId::parse(&id)?))) {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let result = mediation::schedule_meeting(db, cx.by(), id, &input).await.map(|_| saved_bottleneck(id));
    answer(&cx, result.map_err(AppError::from), async || meeting_form_page(db, &cx, id, Some(&input)).await).await
}

// The outcome.

fn outcome_page(cx: &Ctx, b: &BottleneckDetail, input: &OutcomeInput) -> FormPage {
    let id = b.summary.id;
    let outcomes = options_with(
        "고르세요",
        trimmed(&input.outcome),
        MediationOutcome::ALL.iter().map(|o| (o.as_str().to_string(), o.label_ko().to_string())).collect(),
    );
    let mut fields = vec![
        Field::select("outcome", "조정 결과", outcomes).required(),
        Field::textarea("note", "조정 결과 내용", &input.note, 5)
            .hint("합의한 내용, 또는 합의하지 못한 까닭과 상위 보고 내용을 적습니다 (일부 합의·합의 안 됨은 필수)."),
    ];
    for i in 0..FOLLOW_UP_ROWS {
        let row = input.follow_ups.get(i).cloned().unwrap_or_default();
        let agencies = options_with(
            "고르세요",
            trimmed(&row.owner_agency_id),
            b.summary.agencies.iter().map(|a| (a.id.to_string(), a.short_name.clone())).collect(),
        );
        let n = i + 1;
        fields.push(Field::text(ROW_TITLE[i], &format!("후속조치 {n}: 내용"), &row.title).hint(if i == 0 {
            "합의한 조치를 하나씩 적습니다. 합의·일부 합의면 하나 이상 적어야 합니다. 빈 줄은 넘어갑니다."
        } else {
            "더 있으면 적습니다."
        }));
        fields.push(Field::select(ROW_AGENCY[i], &format!("후속조치 {n}: 담당 기관"), agencies));
        fields.push(Field::date(ROW_DUE[i], &format!("후속조치 {n}: 기한"), &row.due));
    }
    FormPage {
        layout: bottleneck_layout(cx, &b.summary, "조정 결과 기록"),
        heading: "조정 결과 기록".into(),
        context: bottleneck_facts(&b.summary),
        intro: vec!["조정 결과를 기록하면 애로사항이 해소(합의·일부 합의)되거나 상위 보고(합의 안 됨)로 끝나고, 후속조치는 담당 기관의 업무 목록에 올라갑니다.".into()],
        alert: None,
        form: FormView {
            action: Endpoint::MediationOutcome.href(&[&id]),
            csrf: cx.csrf(),
            hidden: version_field(&input.version),
            fields,
            submit: "결과 기록",
            cancel: Endpoint::PageBottleneck.href(&[&id]),
        },
        reload: Endpoint::MediationOutcomeForm.href(&[&id]),
    }
}

async fn outcome_form_page(
    db: &Db,
    cx: &Ctx,
    id: BottleneckId,
    input: Option<&OutcomeInput>,
) -> Result<FormPage, AppError> {
    let b = mediation::open_for_opc(db, cx.by(), id, Utc::now()).await?;
    let input = input
        .cloned()
        .unwrap_or_else(|| OutcomeInput { version: Some(b.summary.version.to_string()), ..Default::default() });
    Ok(outcome_page(cx, &b, &input))
}

pub(crate) async fn outcome_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = async { outcome_form_page(&state.db, &cx, BottleneckId::parse(&id)?, None).await }.await;
    respond(result, &cx)
}

pub(crate) async fn outcome(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>, body: Bytes) -> Response {
    let (input, id) = match form_pairs(&body).and_then(|p| Ok((outcome_input(&p), BottleneckId::parse(&id)?))) {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let result = mediation::record_outcome(db, cx.by(), id, &input).await.map(|_| saved_bottleneck(id));
    answer(&cx, result.map_err(AppError::from), async || outcome_form_page(db, &cx, id, Some(&input)).await).await
}
