//! The pages of proposals (과제 발굴): the list (과제 발굴 목록), the 과제 제안 form and its edit, and a
//! co-agency's answer (참여 확인 / 참여 거절) from the task page.

use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use hanteam_app::views::{Agency, ProposalSummary, TaskDetail};
use hanteam_app::{proposals, registry, Db, UseCaseError};
use hanteam_domain::access::Proposer;
use hanteam_domain::proposal::{Answer, Participation, ParticipationInput, ProposalInput};
use hanteam_domain::{AgencyId, PagingInput, TaskId, TaskSource, TaskType};

use super::context::Ctx;
use super::edit::{task_layout, version_field};
use super::form::{answer, mark_errors, posted, Alert, Fact, Field, FormPage, FormView, Hidden};
use super::format::{trimmed, when};
use super::layout::{Layout, Section};
use super::links;
use super::render::{error_page, render, respond};
use super::widgets::{options_with, pager_for, Cell, Opt, Pager, Table};
use crate::endpoint::Endpoint;
use crate::error::AppError;
use crate::AppState;

// ---------------------------------------------------------------------------------------------
// The list.

#[derive(Template)]
#[template(path = "proposals.html")]
struct ProposalsPage {
    layout: Layout,
    total: i64,
    table: Table,
    pager: Option<Pager>,
    alert: Option<Alert>,
    can_propose: bool,
}

/// "환경부 참여 확인 대기" for each agency of a proposal not yet confirmed; "모두 참여 확인" otherwise.
fn answers_text(p: &ProposalSummary) -> String {
    let waiting: Vec<String> = p
        .task
        .agencies
        .iter()
        .filter(|a| a.participation != Participation::Confirmed)
        .map(|a| format!("{} {}", a.short_name, a.participation.label_ko()))
        .collect();
    if waiting.is_empty() {
        "모두 참여 확인".into()
    } else {
        waiting.join(", ")
    }
}

fn proposals_table(items: &[ProposalSummary]) -> Table {
    Table {
        caption: "과제 발굴 목록".into(),
        head: vec!["번호", "과제명", "상태", "제안 기관", "참여기관", "참여 확인", "최근 변경"],
        rows: items
            .iter()
            .map(|p| {
                let t = &p.task;
                vec![
                    Cell::Head(t.seq.to_string()),
                    Cell::Link { href: links::task(&t.id), text: t.title.clone(), hidden: None },
                    Cell::Text(t.status.label_ko().into()),
                    Cell::Text(p.proposed_by.as_ref().map_or("국무조정실".into(), |a| a.short_name.clone())),
                    Cell::Text(t.agencies.iter().map(|a| a.short_name.as_str()).collect::<Vec<_>>().join(", ")),
                    Cell::Text(answers_text(p)),
                    Cell::Time(when(t.updated_at)),
                ]
            })
            .collect(),
        scroll_label: Some("과제 발굴 목록 (옆으로 밀어 더 보기)".into()),
    }
}

pub(crate) async fn proposal_list(
    State(state): State<AppState>,
    cx: Ctx,
    q: Result<Query<PagingInput>, QueryRejection>,
) -> Response {
    let input = q.map(|Query(q)| q).unwrap_or_default();
    let mut page = ProposalsPage {
        layout: Layout::nested(&cx, Section::Tasks, vec![], "과제 발굴 목록"),
        total: 0,
        table: proposals_table(&[]),
        pager: None,
        alert: None,
        can_propose: proposals::may_propose(cx.by(), None).is_ok(),
    };
    match proposals::list(&state.db, cx.by(), &input).await {
        Ok((paging, list)) => {
            let limit_param = (!trimmed(&input.limit).is_empty()).then_some(paging.limit);
            page.pager = (list.total > paging.limit || paging.offset > 0).then(|| {
                pager_for(&Endpoint::PageProposals.href(&[]), &[], limit_param, paging.limit, paging.offset, list.total)
            });
            page.total = list.total;
            page.table = proposals_table(&list.items);
            render(StatusCode::OK, &page)
        }
        Err(UseCaseError::Invalid(errors)) => {
            page.alert = Some(mark_errors(&mut [], &errors));
            render(StatusCode::BAD_REQUEST, &page)
        }
        Err(e) => error_page(e, &cx),
    }
}

// ---------------------------------------------------------------------------------------------
// The 과제 제안 form: new and edit.

/// A form body of repeated fields (`co_agency_ids=3&co_agency_ids=4`), or why it cannot be read.
fn proposal_input(body: &Bytes) -> Result<ProposalInput, AppError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).map_err(|_| {
        AppError::invalid("body", "보낸 양식을 읽을 수 없습니다. 화면을 새로 고친 뒤 다시 보내 주세요.")
    })?;
    let one = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    Ok(ProposalInput {
        title: one("title"),
        task_type: one("type"),
        source: one("source"),
        description: one("description"),
        lead_agency_id: one("lead_agency_id"),
        co_agency_ids: pairs.iter().filter(|(k, _)| k == "co_agency_ids").map(|(_, v)| v.clone()).collect(),
        version: one("version"),
    })
}

fn input_of(t: &TaskDetail) -> ProposalInput {
    let lead = t.summary.lead_agency.as_ref().map(|a| a.id);
    ProposalInput {
        title: Some(t.summary.title.clone()),
        task_type: t.summary.task_type.map(|v| v.as_str().to_string()),
        source: Some(t.summary.source.as_str().to_string()),
        description: t.description.clone(),
        lead_agency_id: lead.map(|a| a.to_string()),
        co_agency_ids: t.summary.agencies.iter().filter(|a| Some(a.id) != lead).map(|a| a.id.to_string()).collect(),
        version: Some(t.summary.version.to_string()),
    }
}

fn agency_label(a: &Agency) -> String {
    if a.name == a.short_name {
        a.short_name.clone()
    } else {
        format!("{} ({})", a.short_name, a.name)
    }
}

fn proposal_fields(input: &ProposalInput, agencies: &[Agency], proposer: Proposer) -> Vec<Field> {
    let types = TaskType::ALL.iter().map(|t| (t.as_str().to_string(), t.label_ko().to_string())).collect();
    let sources = TaskSource::ALL.iter().map(|s| (s.as_str().to_string(), s.label_ko().to_string())).collect();
    let own = proposer.agency();
    let chosen_lead = own.map(|a| a.to_string()).unwrap_or_else(|| trimmed(&input.lead_agency_id).to_string());
    let co = agencies
        .iter()
        .filter(|a| Some(a.id) != own)
        .map(|a| Opt {
            value: a.id.to_string(),
            label: agency_label(a),
            selected: input.co_agency_ids.iter().any(|v| v.trim() == a.id.to_string()),
        })
        .collect();
    let mut fields = vec![
        Field::text("title", "과제명", &input.title).required().hint("200자 이내로 적습니다."),
        Field::select("source", "과제 출처", options_with("고르세요", trimmed(&input.source), sources))
            .required()
            .hint("과제를 찾은 곳입니다: 전략적 인사교류, 국정과제, 민생토론회, 기타."),
        Field::select("type", "과제 유형", options_with("선택 안 함", trimmed(&input.task_type), types)),
    ];
    if own.is_none() {
        let leads = agencies.iter().map(|a| (a.id.to_string(), agency_label(a))).collect();
        fields.push(
            Field::select("lead_agency_id", "주관 기관", options_with("고르세요", &chosen_lead, leads))
                .required()
                .hint("과제를 이끄는 기관입니다. 제안하면 주관 기관의 참여는 확인된 것으로 기록됩니다."),
        );
    }
    fields.push(Field::checks("co_agency_ids", "협력 기관", co).required().hint(
        "함께할 기관을 한 곳 이상 고릅니다. 고른 기관의 담당자에게 참여 여부를 묻는 알림이 갑니다. 모든 기관이 참여를 확인해야 상정할 수 있습니다.",
    ));
    fields.push(
        Field::textarea("description", "과제 내용", &input.description, 8)
            .hint("5,000자 이내로 적습니다. 무엇을 함께 바꾸려는지, 국민이 체감할 변화가 무엇인지 적습니다."),
    );
    fields
}

fn lead_fact(agencies: &[Agency], proposer: Proposer) -> Vec<Fact> {
    match proposer.agency() {
        Some(own) => {
            let name = agencies.iter().find(|a| a.id == own).map(agency_label).unwrap_or_else(|| own.to_string());
            vec![Fact::new("주관 기관 (제안 기관)", name)]
        }
        None => vec![],
    }
}

fn new_page(cx: &Ctx, agencies: &[Agency], proposer: Proposer, input: &ProposalInput) -> FormPage {
    let title = "과제 제안";
    FormPage {
        layout: Layout::nested(cx, Section::Tasks, vec![("과제 발굴 목록".into(), links::proposals())], title),
        heading: title.into(),
        context: lead_fact(agencies, proposer),
        intro: vec![
            "새 협업과제를 제안합니다. 제안한 과제는 '발굴' 상태로 시작하고, 참여기관과 국무조정실만 봅니다.".into(),
            "제안한 뒤 과제 화면에서 성과지표(목표치와 기한)와 추진일정(날짜)을 더합니다. 협력 기관이 모두 참여를 확인하고 \
             이것들이 갖추어지면 국무조정실이 협업과제점검협의회에 상정합니다."
                .into(),
        ],
        alert: None,
        form: FormView {
            action: Endpoint::ProposalCreate.href(&[]),
            csrf: cx.csrf(),
            hidden: vec![],
            fields: proposal_fields(input, agencies, proposer),
            submit: "제안",
            cancel: links::proposals(),
        },
        reload: Endpoint::ProposalNewForm.href(&[]),
    }
}

fn edit_page(cx: &Ctx, t: &TaskDetail, agencies: &[Agency], proposer: Proposer, input: &ProposalInput) -> FormPage {
    let title = "과제 제안 수정";
    let mut context = vec![Fact::new("과제", t.summary.title.clone()), Fact::new("번호", t.summary.seq.to_string())];
    context.extend(lead_fact(agencies, proposer));
    FormPage {
        layout: task_layout(cx, t, title),
        heading: title.into(),
        context,
        intro: vec![
            "제안 내용을 고칩니다. 협력 기관에서 뺀 기관은 과제에서 빠지고, 새로 고른 기관에는 참여 여부를 묻습니다. \
             그대로 둔 기관의 답은 그대로 남습니다."
                .into(),
        ],
        alert: None,
        form: FormView {
            action: Endpoint::ProposalEdit.href(&[&t.summary.id]),
            csrf: cx.csrf(),
            hidden: version_field(&input.version),
            fields: proposal_fields(input, agencies, proposer),
            submit: "저장",
            cancel: links::task(&t.summary.id),
        },
        reload: Endpoint::ProposalEditForm.href(&[&t.summary.id]),
    }
}

pub(crate) async fn new_form(State(state): State<AppState>, cx: Ctx) -> Response {
    let result = async {
        let proposer = proposals::may_propose(cx.by(), None)?;
        let agencies = registry::agency_choices(&state.db).await?;
        Ok::<_, AppError>(new_page(&cx, &agencies, proposer, &ProposalInput::default()))
    }
    .await;
    respond(result, &cx)
}

pub(crate) async fn create(State(state): State<AppState>, cx: Ctx, body: Bytes) -> Response {
    let input = match proposal_input(&body) {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let result =
        proposals::propose(db, cx.by(), &input).await.map(|saved| links::saved(&links::task(&TaskId::new(saved.id))));
    answer(&cx, result.map_err(AppError::from), async || {
        let proposer = proposals::may_propose(cx.by(), None)?;
        let agencies = registry::agency_choices(db).await?;
        Ok(new_page(&cx, &agencies, proposer, &input))
    })
    .await
}

async fn edit_form_page(db: &Db, cx: &Ctx, id: TaskId, input: Option<&ProposalInput>) -> Result<FormPage, AppError> {
    let (task, proposer) = proposals::open_edit(db, cx.by(), id).await?;
    let agencies = registry::agency_choices(db).await?;
    let input = input.cloned().unwrap_or_else(|| input_of(&task));
    Ok(edit_page(cx, &task, &agencies, proposer, &input))
}

pub(crate) async fn edit_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = async { edit_form_page(&state.db, &cx, TaskId::parse(&id)?, None).await }.await;
    respond(result, &cx)
}

pub(crate) async fn edit(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>, body: Bytes) -> Response {
    let (input, id) = match proposal_input(&body).and_then(|i| Ok((i, TaskId::parse(&id)?))) {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let result = proposals::update(db, cx.by(), id, &input).await.map(|_| links::saved(&links::task(&id)));
    answer(&cx, result.map_err(AppError::from), async || edit_form_page(db, &cx, id, Some(&input)).await).await
}

// ---------------------------------------------------------------------------------------------
// A co-agency's answer.

async fn answer_page(db: &Db, cx: &Ctx, id: TaskId, input: &ParticipationInput) -> Result<FormPage, AppError> {
    let agency = AgencyId::parse(input.agency_id.as_deref().unwrap_or_default())?;
    let raw = input.answer.as_deref().unwrap_or_default();
    let choice: Answer = raw.trim().parse().map_err(|_| AppError::NotFound(format!("'{raw}' 답변")))?;
    let task = proposals::open_answer(db, cx.by(), id, agency).await?;
    let part = task.summary.agencies.iter().find(|a| a.id == agency);
    let name = part.map(|a| a.short_name.clone()).unwrap_or_default();
    let version = input.version.clone().or_else(|| part.map(|a| a.role_version.to_string()));
    let title = format!("{} ({name})", choice.label_ko());
    let mut reason = Field::textarea("reason", "사유", &input.reason, 4);
    reason = match choice {
        Answer::Decline => {
            reason.required().hint("참여하지 않는 까닭을 2,000자 이내로 적습니다. 제안한 기관과 국무조정실이 봅니다.")
        }
        Answer::Confirm => reason.hint("적지 않아도 됩니다. 적으면 제안한 기관과 국무조정실이 봅니다."),
    };
    let mut hidden = version_field(&version);
    hidden.push(Hidden { name: "agency_id", value: agency.to_string() });
    hidden.push(Hidden { name: "answer", value: choice.as_str().into() });
    let current = part.map_or("", |a| a.participation.label_ko());
    Ok(FormPage {
        layout: task_layout(cx, &task, &title),
        heading: title,
        context: vec![
            Fact::new("과제", task.summary.title.clone()),
            Fact::new("답하는 기관", name),
            Fact::new("지금 상태", current.to_string()),
        ],
        intro: vec![match choice {
            Answer::Confirm => "이 과제에 협력 기관으로 참여함을 확인합니다. 상정하기 전까지는 답을 바꿀 수 있습니다.".into(),
            Answer::Decline => {
                "이 과제에 참여하지 않겠다고 답합니다. 참여를 거절한 기관이 있으면 과제를 상정할 수 없으며, 제안한 기관이 \
                 협력 기관을 고치거나 다시 협의합니다."
                    .into()
            }
        }],
        alert: None,
        form: FormView {
            action: Endpoint::ParticipationAnswer.href(&[&id]),
            csrf: cx.csrf(),
            hidden,
            fields: vec![reason],
            submit: choice.label_ko(),
            cancel: links::task(&id),
        },
        reload: Endpoint::ParticipationForm.href(&[&id, &agency, &choice.as_str()]),
    })
}

pub(crate) async fn answer_form(
    State(state): State<AppState>,
    cx: Ctx,
    Path((id, agency, choice)): Path<(String, String, String)>,
) -> Response {
    let result = async {
        let input = ParticipationInput { agency_id: Some(agency), answer: Some(choice), ..Default::default() };
        answer_page(&state.db, &cx, TaskId::parse(&id)?, &input).await
    }
    .await;
    respond(result, &cx)
}

pub(crate) async fn answer_post(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<ParticipationInput>, FormRejection>,
) -> Response {
    let (input, id): (ParticipationInput, TaskId) = match posted(form, &id) {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let result = proposals::answer(db, cx.by(), id, &input).await.map(|_| links::saved(&links::task(&id)));
    answer(&cx, result.map_err(AppError::from), async || answer_page(db, &cx, id, &input).await).await
}

/// The task page's buttons for the co-agencies the viewer answers for: (address, label).
pub(crate) fn answer_links(id: TaskId, agency: AgencyId, name: &str) -> Vec<(String, String)> {
    Answer::ALL
        .iter()
        .map(|a| (Endpoint::ParticipationForm.href(&[&id, &agency, &a.as_str()]), format!("{} ({name})", a.label_ko())))
        .collect()
}
