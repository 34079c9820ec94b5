//! The review council's pages for OPC: scheduling a meeting (회의 일정 등록), editing and
//! cancelling it, its agenda from the backlog, the decision on each item with its follow-ups; and
//! for everyone the minutes (회의록, printable on A4) and the meeting as a calendar event (.ics).

use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use hanteam_app::council::{self, MeetingView};
use hanteam_app::council_views::{AgendaItemWithMeeting, BacklogItem};
use hanteam_app::views::AgencyBrief;
use hanteam_app::{registry, Db};
use hanteam_domain::bottleneck::BottleneckCategory;
use hanteam_domain::council::{
    kst_input, AgendaItemInput, AgendaKind, CancelMeetingInput, CouncilDecisionInput, CouncilMeetingInput,
    ItemDecision, MeetingStatus,
};
use hanteam_domain::follow_up::FollowUpInput;
use hanteam_domain::ical;
use hanteam_domain::{AgendaItemId, MeetingId, Paging, PagingInput, TaskId};

use super::context::Ctx;
use super::edit::version_field;
use super::form::{answer, mark_errors, Alert, Fact, Field, FormPage, FormView, Refusable};
use super::format::{lines, trimmed, when, When};
use super::layout::{Layout, Section};
use super::links;
use super::render::{error_page, respond};
use super::widgets::{options_with, pager_for, Badge, Opt, Pager};
use crate::endpoint::Endpoint;
use crate::error::AppError;
use crate::AppState;

/// A form body of repeated fields (`attendee_agency_ids=3&attendee_agency_ids=4`), or why it
/// cannot be read.
fn form_pairs(body: &Bytes) -> Result<Vec<(String, String)>, AppError> {
    serde_urlencoded::from_bytes(body)
        .map_err(|_| AppError::invalid("body", "보낸 양식을 읽을 수 없습니다. 화면을 새로 고친 뒤 다시 보내 주세요."))
}

fn one(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

pub(crate) fn status_badge(s: MeetingStatus) -> Badge {
    let class = match s {
        MeetingStatus::Scheduled => "bg-light-information",
        MeetingStatus::Held => "bg-light-success",
        MeetingStatus::Cancelled => "bg-light-danger",
    };
    Badge { label: s.label_ko().into(), class }
}

fn saved_meeting(id: MeetingId) -> String {
    links::saved(&links::meeting(&id))
}

/// 홈 > 협업과제점검협의회 > the meeting > `title`.
fn meeting_layout(cx: &Ctx, v: &MeetingView, title: &str) -> Layout {
    let m = &v.meeting.summary;
    Layout::nested(cx, Section::Meetings, vec![(m.title.clone(), links::meeting(&m.id))], title)
}

fn meeting_facts(v: &MeetingView) -> Vec<Fact> {
    let m = &v.meeting.summary;
    vec![
        Fact::new("회의", m.title.clone()),
        Fact::new("일시", when(m.held_at).text),
        Fact::new("장소", m.place.clone().unwrap_or_else(|| "미입력".into())),
    ]
}

// ---------------------------------------------------------------------------------------------
// Scheduling and editing a meeting.

fn meeting_input(pairs: &[(String, String)]) -> CouncilMeetingInput {
    CouncilMeetingInput {
        council: None,
        seq: one(pairs, "seq"),
        starts_at: one(pairs, "starts_at"),
        ends_at: one(pairs, "ends_at"),
        place: one(pairs, "place"),
        chair: one(pairs, "chair"),
        attendee_agency_ids: pairs.iter().filter(|(k, _)| k == "attendee_agency_ids").map(|(_, v)| v.clone()).collect(),
        version: one(pairs, "version"),
    }
}

fn meeting_fields(input: &CouncilMeetingInput, agencies: &[AgencyBrief]) -> Vec<Field> {
    let checks = agencies
        .iter()
        .map(|a| Opt {
            value: a.id.to_string(),
            label: a.short_name.clone(),
            selected: input.attendee_agency_ids.iter().any(|v| v.trim() == a.id.to_string()),
        })
        .collect();
    vec![
        Field::text("seq", "회의 차수", &input.seq)
            .required()
            .hint("숫자로 입력합니다. 3이면 ‘제3차 협업과제점검협의회’가 됩니다."),
        Field::date_time("starts_at", "회의 일시", &input.starts_at).required(),
        Field::date_time("ends_at", "종료 일시", &input.ends_at).hint(
            "비워 두면 일정 파일(.ics)에는 시작 2시간 뒤로 적힙니다. 2024-07-09 17:00처럼 입력합니다 (한국 시각).",
        ),
        Field::text("place", "장소", &input.place).required().hint("예: 정부서울청사 별관 회의실"),
        Field::text("chair", "의장", &input.chair).hint("예: 국무1차장"),
        Field::checks("attendee_agency_ids", "참석 기관", checks).hint("회의에 참석하는 기관을 모두 고릅니다."),
    ]
}

fn new_meeting_page(cx: &Ctx, agencies: &[AgencyBrief], input: &CouncilMeetingInput) -> FormPage {
    FormPage {
        layout: Layout::detail(cx, Section::Meetings, "회의 일정 등록"),
        heading: "회의 일정 등록".into(),
        context: vec![],
        intro: vec!["협업과제점검협의회의 다음 회의를 등록합니다. 등록한 뒤 회의 화면에서 상정 대기 중인 과제와 이견 조정을 안건으로 올립니다.".into()],
        alert: None,
        form: FormView {
            action: Endpoint::PageMeetingCreate.href(&[]),
            csrf: cx.csrf(),
            hidden: vec![],
            fields: meeting_fields(input, agencies),
            submit: "등록",
            cancel: links::meetings(),
        },
        reload: Endpoint::PageMeetingNew.href(&[]),
    }
}

fn may_schedule(cx: &Ctx) -> Result<(), AppError> {
    match cx.principal() {
        Some(p) if hanteam_domain::access::can_run_council(p) => Ok(()),
        _ => Err(AppError::from(hanteam_app::UseCaseError::Forbidden(
            "협의회 회의는 국무조정실 관리자만 등록할 수 있습니다.".into(),
        ))),
    }
}

pub(crate) async fn meeting_new_form(State(state): State<AppState>, cx: Ctx) -> Response {
    let result = async {
        may_schedule(&cx)?;
        let agencies = registry::agency_names(&state.db).await?;
        Ok::<_, AppError>(new_meeting_page(&cx, &agencies, &CouncilMeetingInput::default()))
    }
    .await;
    respond(result, &cx)
}

pub(crate) async fn meeting_create(State(state): State<AppState>, cx: Ctx, body: Bytes) -> Response {
    let input = match form_pairs(&body) {
        Ok(p) => meeting_input(&p),
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let result = council::schedule(db, cx.by(), &input).await.map(|saved| saved_meeting(MeetingId::new(saved.id)));
    answer(&cx, result.map_err(AppError::from), async || {
        let agencies = registry::agency_names(db).await?;
        Ok(new_meeting_page(&cx, &agencies, &input))
    })
    .await
}

fn edit_meeting_page(cx: &Ctx, v: &MeetingView, agencies: &[AgencyBrief], input: &CouncilMeetingInput) -> FormPage {
    let id = v.meeting.summary.id;
    FormPage {
        layout: meeting_layout(cx, v, "회의 수정"),
        heading: "회의 수정".into(),
        context: meeting_facts(v),
        intro: vec!["개최 예정인 회의의 차수, 일시, 장소, 의장, 참석 기관을 고칩니다.".into()],
        alert: None,
        form: FormView {
            action: Endpoint::PageMeetingEdit.href(&[&id]),
            csrf: cx.csrf(),
            hidden: version_field(&input.version),
            fields: meeting_fields(input, agencies),
            submit: "저장",
            cancel: links::meeting(&id),
        },
        reload: Endpoint::PageMeetingEditForm.href(&[&id]),
    }
}

async fn edit_form_page(
    db: &Db,
    cx: &Ctx,
    id: MeetingId,
    input: Option<&CouncilMeetingInput>,
) -> Result<FormPage, AppError> {
    let v = council::open_scheduled(db, cx.by(), id).await?;
    let agencies = registry::agency_names(db).await?;
    let m = &v.meeting.summary;
    let input = input.cloned().unwrap_or_else(|| CouncilMeetingInput {
        council: None,
        seq: Some(m.seq.to_string()),
        starts_at: Some(kst_input(m.held_at)),
        ends_at: m.ends_at.map(kst_input),
        place: m.place.clone(),
        chair: m.chair.clone(),
        attendee_agency_ids: v.attendees.iter().map(|a| a.id.to_string()).collect(),
        version: Some(v.meeting.version.to_string()),
    });
    Ok(edit_meeting_page(cx, &v, &agencies, &input))
}

pub(crate) async fn meeting_edit_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = async { edit_form_page(&state.db, &cx, MeetingId::parse(&id)?, None).await }.await;
    respond(result, &cx)
}

pub(crate) async fn meeting_edit(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (input, id) = match form_pairs(&body).and_then(|p| Ok((meeting_input(&p), MeetingId::parse(&id)?))) {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let result = council::update(db, cx.by(), id, &input).await.map(|_| saved_meeting(id));
    answer(&cx, result.map_err(AppError::from), async || edit_form_page(db, &cx, id, Some(&input)).await).await
}

// ---------------------------------------------------------------------------------------------
// Cancelling a meeting: a confirmation that asks why.

fn cancel_page(cx: &Ctx, v: &MeetingView, input: &CancelMeetingInput) -> FormPage {
    let id = v.meeting.summary.id;
    FormPage {
        layout: meeting_layout(cx, v, "회의 취소"),
        heading: "회의 취소".into(),
        context: meeting_facts(v),
        intro: vec![
            "이 회의를 취소합니다. 취소한 회의는 되살릴 수 없고, 결정하지 않은 안건은 상정 대기 목록으로 돌아갑니다. \
             취소 사유는 회의 화면과 회의록에 남습니다."
                .into(),
        ],
        alert: None,
        form: FormView {
            action: Endpoint::PageMeetingCancel.href(&[&id]),
            csrf: cx.csrf(),
            hidden: version_field(&input.version),
            fields: vec![Field::textarea("reason", "취소 사유", &input.reason, 4)
                .required()
                .hint("예: 의장 일정 변경으로 다음 달로 연기")],
            submit: "회의 취소",
            cancel: links::meeting(&id),
        },
        reload: Endpoint::PageMeetingCancelForm.href(&[&id]),
    }
}

async fn cancel_form_page(
    db: &Db,
    cx: &Ctx,
    id: MeetingId,
    input: Option<&CancelMeetingInput>,
) -> Result<FormPage, AppError> {
    let v = council::open_scheduled(db, cx.by(), id).await?;
    let input = input
        .cloned()
        .unwrap_or_else(|| CancelMeetingInput { reason: None, version: Some(v.meeting.version.to_string()) });
    Ok(cancel_page(cx, &v, &input))
}

pub(crate) async fn meeting_cancel_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = async { cancel_form_page(&state.db, &cx, MeetingId::parse(&id)?, None).await }.await;
    respond(result, &cx)
}

pub(crate) async fn meeting_cancel(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let parsed = form_pairs(&body).and_then(|p| {
        Ok((CancelMeetingInput { reason: one(&p, "reason"), version: one(&p, "version") }, MeetingId::parse(&id)?))
    });
    let (input, id) = match parsed {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let result = council::cancel(db, cx.by(), id, &input).await.map(|_| saved_meeting(id));
    answer(&cx, result.map_err(AppError::from), async || cancel_form_page(db, &cx, id, Some(&input)).await).await
}

// ---------------------------------------------------------------------------------------------
// The agenda: items picked from the backlog, and a progress review of any active task.

struct BacklogRow {
    kind: &'static str,
    kind_code: &'static str,
    task_id: i64,
    bottleneck_id: Option<i64>,
    task_href: String,
    task_title: String,
    note: Option<String>,
    since: When,
}

fn backlog_row(b: &BacklogItem) -> BacklogRow {
    BacklogRow {
        kind: b.kind.label_ko(),
        kind_code: b.kind.as_str(),
        task_id: b.task.id.get(),
        bottleneck_id: b.bottleneck_id.map(|x| x.get()),
        task_href: links::task(&b.task.id),
        task_title: b.task.title.clone(),
        note: b.bottleneck_id.map(|x| {
            let category = b.category.as_deref().and_then(|c| c.parse::<BottleneckCategory>().ok());
            format!("애로사항 {x}번{}", category.map(|c| format!(" · {}", c.label_ko())).unwrap_or_default())
        }),
        since: when(b.since),
    }
}

#[derive(Template)]
#[template(path = "council_agenda.html")]
struct AgendaPage {
    layout: Layout,
    heading: String,
    context: Vec<Fact>,
    alert: Option<Alert>,
    action: String,
    csrf: String,
    total: i64,
    rows: Vec<BacklogRow>,
    pager: Option<Pager>,
    task_field: Field,
    back: String,
}

impl Refusable for AgendaPage {
    fn show_errors(&mut self, errors: &[hanteam_domain::ValidationError]) {
        let mut fields = [std::mem::replace(&mut self.task_field, Field::text("task_id", "", &None))];
        self.alert = Some(mark_errors(&mut fields, errors));
        let [f] = fields;
        self.task_field = f;
    }

    fn show_stale(&mut self) {
        self.alert = Some(Alert::stale(&self.back));
    }
}

async fn agenda_page(
    db: &Db,
    cx: &Ctx,
    id: MeetingId,
    paging: Paging,
    limit_chosen: bool,
    task: &Option<String>,
) -> Result<AgendaPage, AppError> {
    let v = council::open_scheduled(db, cx.by(), id).await?;
    let backlog = council::backlog(db, cx.by(), paging).await?;
    let base = Endpoint::PageAgendaForm.href(&[&id]);
    let pager = (backlog.total > paging.limit || paging.offset > 0).then(|| {
        pager_for(&base, &[], limit_chosen.then_some(paging.limit), paging.limit, paging.offset, backlog.total)
    });
    Ok(AgendaPage {
        layout: meeting_layout(cx, &v, "안건 올리기"),
        heading: "안건 올리기".into(),
        context: meeting_facts(&v),
        alert: None,
        action: Endpoint::PageAgendaAdd.href(&[&id]),
        csrf: cx.csrf(),
        total: backlog.total,
        rows: backlog.items.iter().map(backlog_row).collect(),
        pager,
        task_field: Field::text("task_id", "과제 번호", task)
            .required()
            .hint("확정·추진 중·일시 중지 상태인 과제의 번호를 입력합니다 (과제 화면 주소의 숫자, 예: 12)."),
        back: links::meeting(&id),
    })
}

pub(crate) async fn agenda_form(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    q: Result<Query<PagingInput>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let result = async {
        let paging = Paging::parse(&q)?;
        agenda_page(&state.db, &cx, MeetingId::parse(&id)?, paging, !trimmed(&q.limit).is_empty(), &None).await
    }
    .await;
    respond(result, &cx)
}

pub(crate) async fn agenda_add(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let parsed = form_pairs(&body).and_then(|p| {
        let input = AgendaItemInput {
            kind: one(&p, "kind"),
            task_id: one(&p, "task_id"),
            bottleneck_id: one(&p, "bottleneck_id"),
        };
        Ok((input, MeetingId::parse(&id)?))
    });
    let (input, id) = match parsed {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let result = council::add_item(db, cx.by(), id, &input).await.map(|_| saved_meeting(id));
    answer(&cx, result.map_err(AppError::from), async || {
        let typed = (input.kind.as_deref() == Some(AgendaKind::ProgressReview.as_str())).then(|| input.task_id.clone());
        agenda_page(db, &cx, id, Paging { limit: 50, offset: 0 }, false, &typed.flatten()).await
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// The decision on an item, with its follow-ups.

/// How many follow-up rows the decision form offers.
const FOLLOW_UP_ROWS: usize = 2;

fn row_name(i: usize, field: &str) -> String {
    format!("follow_ups[{i}].{field}")
}

fn decision_input(pairs: &[(String, String)]) -> CouncilDecisionInput {
    CouncilDecisionInput {
        decision: one(pairs, "decision"),
        reason: one(pairs, "reason"),
        version: one(pairs, "version"),
        follow_ups: (0..FOLLOW_UP_ROWS)
            .map(|i| FollowUpInput {
                title: one(pairs, &row_name(i, "title")),
                owner_agency_id: one(pairs, &row_name(i, "owner_agency_id")),
                owner_user_id: one(pairs, &row_name(i, "owner_user_id")),
                due: one(pairs, &row_name(i, "due")),
            })
            .collect(),
    }
}

struct DecisionChoices {
    agencies: Vec<AgencyBrief>,
    owners: Vec<hanteam_app::council_views::OwnerChoice>,
}

fn decision_page(
    cx: &Ctx,
    found: &AgendaItemWithMeeting,
    choices: &DecisionChoices,
    input: &CouncilDecisionInput,
) -> FormPage {
    let item = &found.item;
    let id = AgendaItemId::new(item.id);
    let meeting = MeetingId::new(found.meeting.id);
    let kind = item.kind.as_deref().and_then(|k| k.parse::<AgendaKind>().ok()).unwrap_or(AgendaKind::TaskConfirmation);
    let decisions = options_with(
        "고르세요",
        trimmed(&input.decision),
        ItemDecision::allowed_for(kind).iter().map(|d| (d.as_str().to_string(), d.label_ko().to_string())).collect(),
    );
    let mut fields = vec![
        Field::select("decision", "결정", decisions).required().hint(match kind {
            AgendaKind::TaskConfirmation => "확정하면 과제가 ‘확정’으로, 반려하면 ‘발굴’로 돌아가며 과제 이력에 이 회의가 남습니다. 보류하면 상정 대기 목록으로 돌아갑니다.",
            _ => "보고 접수는 상태를 바꾸지 않고 회의록에 남깁니다. 보류하면 상정 대기 목록으로 돌아갑니다.",
        }),
        Field::textarea("reason", "결정 사유", &input.reason, 4).hint("반려·보류·보고 접수에는 사유가 필요합니다."),
    ];
    for i in 0..FOLLOW_UP_ROWS {
        let row = input.follow_ups.get(i).cloned().unwrap_or_default();
        let n = i + 1;
        let agencies = options_with(
            "고르세요",
            trimmed(&row.owner_agency_id),
            choices.agencies.iter().map(|a| (a.id.to_string(), a.short_name.clone())).collect(),
        );
        let owners = options_with(
            "지정하지 않음 (기관이 맡음)",
            trimmed(&row.owner_user_id),
            choices
                .owners
                .iter()
                .map(|o| (o.user_id.to_string(), format!("{} · {}", o.short_name, o.display_name)))
                .collect(),
        );
        fields.push(Field::text(row_name(i, "title"), &format!("후속조치 {n}: 내용"), &row.title).hint(if i == 0 {
            "결정에 따라 할 일을 적습니다. 담당 기관의 업무 목록(내 후속조치)에 올라갑니다. 없으면 비워 둡니다."
        } else {
            "더 있으면 적습니다."
        }));
        fields.push(Field::select(row_name(i, "owner_agency_id"), &format!("후속조치 {n}: 담당 기관"), agencies));
        fields.push(Field::select(row_name(i, "owner_user_id"), &format!("후속조치 {n}: 담당자"), owners));
        fields.push(Field::date(row_name(i, "due"), &format!("후속조치 {n}: 기한"), &row.due));
    }
    let mut context = vec![
        Fact::new("회의", found.meeting.title.clone()),
        Fact::new("안건", format!("{}. {}", item.seq, item.title)),
        Fact::new("안건 종류", kind.label_ko()),
    ];
    if let Some(t) = &found.task {
        context.push(Fact::new("과제", format!("{}. {}", t.seq, t.title)));
    }
    FormPage {
        layout: Layout::nested(
            cx,
            Section::Meetings,
            vec![(found.meeting.title.clone(), links::meeting(&meeting))],
            "안건 결정",
        ),
        heading: "안건 결정".into(),
        context,
        intro: vec![],
        alert: None,
        form: FormView {
            action: Endpoint::PageAgendaDecide.href(&[&id]),
            csrf: cx.csrf(),
            hidden: version_field(&input.version),
            fields,
            submit: "결정 기록",
            cancel: links::meeting(&meeting),
        },
        reload: Endpoint::PageAgendaDecisionForm.href(&[&id]),
    }
}

async fn decision_form_page(
    db: &Db,
    cx: &Ctx,
    id: AgendaItemId,
    input: Option<&CouncilDecisionInput>,
) -> Result<FormPage, AppError> {
    let found = council::open_item(db, cx.by(), id).await?;
    let agencies = registry::agency_names(db).await?;
    let owners = match found.item.task_id {
        Some(t) => db.follow_up_owners(TaskId::new(t)).await.map_err(hanteam_app::UseCaseError::from)?,
        None => vec![],
    };
    let input = input.cloned().unwrap_or_else(|| CouncilDecisionInput {
        version: Some(found.item.version.to_string()),
        ..Default::default()
    });
    Ok(decision_page(cx, &found, &DecisionChoices { agencies, owners }, &input))
}

pub(crate) async fn decision_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = async { decision_form_page(&state.db, &cx, AgendaItemId::parse(&id)?, None).await }.await;
    respond(result, &cx)
}

pub(crate) async fn decide(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>, body: Bytes) -> Response {
    let (input, id) = match form_pairs(&body).and_then(|p| Ok((decision_input(&p), AgendaItemId::parse(&id)?))) {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let meeting = db.agenda_item(id).await.ok().flatten().map(|f| MeetingId::new(f.meeting.id));
    let result = council::decide(db, cx.by(), id, &input)
        .await
        .map(|_| meeting.map(saved_meeting).unwrap_or_else(|| links::saved(&links::meetings())));
    answer(&cx, result.map_err(AppError::from), async || decision_form_page(db, &cx, id, Some(&input)).await).await
}

// ---------------------------------------------------------------------------------------------
// The minutes and the calendar event.

pub(crate) struct MinutesItem {
    pub seq: i64,
    pub title: String,
    pub kind: Option<&'static str>,
    pub decision: Option<&'static str>,
    pub reason: Vec<String>,
    pub decided: Option<When>,
    /// The source's decision lines (the built-in 1st meeting).
    pub decisions: Vec<String>,
    pub tasks: Vec<(i64, String, &'static str)>,
}

#[derive(Template)]
#[template(path = "minutes.html")]
struct MinutesPage {
    layout: Layout,
    title: String,
    held: When,
    ends: Option<When>,
    place: String,
    chair: String,
    status: Badge,
    cancel_reason: Option<String>,
    attendees: String,
    items: Vec<MinutesItem>,
    back: String,
}

pub(crate) async fn minutes(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = async {
        let v = council::meeting(&state.db, cx.by(), MeetingId::parse(&id)?).await?;
        let m = &v.meeting.summary;
        Ok::<_, AppError>(MinutesPage {
            layout: meeting_layout(&cx, &v, "회의록"),
            title: m.title.clone(),
            held: when(m.held_at),
            ends: m.ends_at.map(when),
            place: m.place.clone().unwrap_or_else(|| "미입력".into()),
            chair: [m.chair.clone(), v.meeting.chair_name.clone()].into_iter().flatten().collect::<Vec<_>>().join(" "),
            status: status_badge(m.status),
            cancel_reason: m.cancel_reason.clone(),
            attendees: if v.attendees.is_empty() {
                "미입력".into()
            } else {
                v.attendees.iter().map(|a| a.short_name.as_str()).collect::<Vec<_>>().join(", ")
            },
            items: v
                .meeting
                .agenda
                .iter()
                .map(|a| MinutesItem {
                    seq: a.seq,
                    title: a.title.clone(),
                    kind: a.kind.map(|k| k.label_ko()),
                    decision: a.decision.map(|d| d.label_ko()),
                    reason: lines(a.decision_reason.as_deref()),
                    decided: a.decided_at.map(when),
                    decisions: a.decisions.iter().map(|d| d.text.clone()).collect(),
                    tasks: if a.kind.is_none() {
                        a.tasks.iter().map(|t| (t.seq, t.title.clone(), t.outcome.label_ko())).collect()
                    } else {
                        vec![]
                    },
                })
                .collect(),
            back: links::meeting(&m.id),
        })
    }
    .await;
    respond(result, &cx)
}

/// `/meetings/{id}.ics`: the meeting as one iCalendar event (text/calendar, CRLF lines, times in
/// UTC, a UID that stays the same for the meeting).
pub(crate) async fn calendar(state: &AppState, cx: &Ctx, raw_id: &str) -> Response {
    let result = async {
        let v = council::meeting(&state.db, cx.by(), MeetingId::parse(raw_id)?).await?;
        let m = &v.meeting.summary;
        let uid = format!("meeting-{}@hanteam", m.id);
        let mut description: Vec<String> =
            v.meeting.agenda.iter().map(|a| format!("안건 {}. {}", a.seq, a.title)).collect();
        if let Some(r) = &m.cancel_reason {
            description.insert(0, format!("취소 사유: {r}"));
        }
        let description = description.join("\n");
        let summary = m.title.clone();
        let event = ical::Event {
            uid: &uid,
            stamp: Utc::now(),
            starts: m.held_at,
            ends: m.ends_at,
            summary: &summary,
            location: m.place.as_deref(),
            description: (!description.is_empty()).then_some(description.as_str()),
            cancelled: m.status == MeetingStatus::Cancelled,
        };
        Ok::<_, AppError>((ical::calendar(&event), m.id))
    }
    .await;
    match result {
        Ok((body, id)) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"meeting-{id}.ics\"")),
            ],
            body,
        )
            .into_response(),
        Err(e) => error_page(e, cx),
    }
}

/// A meeting's page: what OPC may do with it.
pub(crate) struct MeetingActions {
    pub edit: Option<String>,
    pub cancel: Option<String>,
    pub agenda: Option<String>,
}

pub(crate) fn meeting_actions(v: &MeetingView) -> MeetingActions {
    let id = v.meeting.summary.id;
    let open = v.may_run && v.meeting.summary.status == MeetingStatus::Scheduled;
    MeetingActions {
        edit: open.then(|| Endpoint::PageMeetingEditForm.href(&[&id])),
        cancel: open.then(|| Endpoint::PageMeetingCancelForm.href(&[&id])),
        agenda: open.then(|| Endpoint::PageAgendaForm.href(&[&id])),
    }
}

/// Where an item's decision form is, for OPC, while it is undecided on a meeting not cancelled.
pub(crate) fn decide_href(v: &MeetingView, item: &hanteam_app::views::AgendaItem) -> Option<String> {
    (v.may_run
        && item.kind.is_some()
        && item.decision.is_none()
        && v.meeting.summary.status != MeetingStatus::Cancelled)
        .then(|| Endpoint::PageAgendaDecisionForm.href(&[&item.id]))
}

/// The calendar file's address of a meeting.
pub(crate) fn ics_href(id: &MeetingId) -> String {
    format!("{}.ics", links::meeting(id))
}

pub(crate) fn minutes_href(id: &MeetingId) -> String {
    Endpoint::PageMeetingMinutes.href(&[id])
}

/// An upcoming meeting on the home page.
pub(crate) struct UpcomingRow {
    pub href: String,
    pub title: String,
    pub held: When,
    pub place: String,
}

pub(crate) async fn upcoming_rows(db: &Db) -> Result<Vec<UpcomingRow>, AppError> {
    Ok(council::upcoming(db, Utc::now())
        .await?
        .iter()
        .map(|m| UpcomingRow {
            href: links::meeting(&m.id),
            title: m.title.clone(),
            held: when(m.held_at),
            place: m.place.clone().unwrap_or_else(|| "미입력".into()),
        })
        .collect())
}
