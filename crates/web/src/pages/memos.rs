//! 기관 간 메모 on the task page: the memos themselves (shown by `read::task_detail` to those who may
//! see them), the form that writes one, and the confirmation that withdraws one's own.

use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use hanteam_app::memos::{self, Memos};
use hanteam_app::views::TaskMemo;
use hanteam_app::Db;
use hanteam_domain::access::TaskChange;
use hanteam_domain::edit::VersionInput;
use hanteam_domain::memo::{MemoInput, MAX_MEMO_CHARS, MEMO_PAGE};
use hanteam_domain::{MemoId, TaskId};

use super::context::Ctx;
use super::edit::task_layout;
use super::form::{answer, posted, ConfirmPage, Fact, Field, FormPage, FormView};
use super::format::{lines, when, When};
use super::links;
use super::render::{error_page, respond};
use crate::error::AppError;
use crate::AppState;

/// One memo as the task page shows it.
pub(crate) struct MemoView {
    pub writer: String,
    /// The agency the writer wrote for (국무조정실 for OPC).
    pub agency: String,
    /// In what capacity (기관 담당자, 교류자, 국무조정실).
    pub capacity: &'static str,
    pub at: When,
    /// The text by paragraphs; empty once withdrawn.
    pub paragraphs: Vec<String>,
    pub withdrawn: Option<When>,
    /// The confirmation page that withdraws it, for its writer.
    pub withdraw_href: Option<String>,
}

/// The "기관 간 메모" section of a task page.
pub(crate) struct MemoSection {
    pub total: i64,
    /// Which of them this page shows ("최근 1–20번째").
    pub range: Option<String>,
    pub items: Vec<MemoView>,
    /// The form that writes a memo, for those who may.
    pub form: Option<FormView>,
    pub newer: Option<String>,
    pub older: Option<String>,
}

fn memo_view(m: &TaskMemo, withdrawable: bool) -> MemoView {
    MemoView {
        writer: m.writer_name.clone().unwrap_or_else(|| "서버 콘솔".into()),
        agency: m.agency_label(),
        capacity: m.writer_capacity.label_ko(),
        at: when(m.created_at),
        paragraphs: lines(m.body.as_deref()),
        withdrawn: m.withdrawn_at.map(when),
        withdraw_href: withdrawable.then(|| links::memo_withdraw(&m.id)),
    }
}

fn memo_fields(input: &MemoInput) -> Vec<Field> {
    vec![Field::textarea("body", "메모 내용", &input.body, 4).required().hint(&format!(
        "참여기관과 국무조정실만 봅니다. 공개되지 않습니다. {}자까지 쓸 수 있습니다.",
        hanteam_domain::korean::thousands(MAX_MEMO_CHARS)
    ))]
}

fn memo_form(cx: &Ctx, task: TaskId, input: &MemoInput) -> FormView {
    FormView {
        action: links::memo_create(&task),
        csrf: cx.csrf(),
        hidden: vec![],
        fields: memo_fields(input),
        submit: "메모 남기기",
        cancel: links::task_memos(&task, 0),
    }
}

/// The section from a page of memos starting at `offset`.
pub(crate) fn section(cx: &Ctx, task: TaskId, memos: &Memos, offset: i64) -> MemoSection {
    let page = &memos.page;
    let shown = page.items.len() as i64;
    MemoSection {
        total: page.total,
        range: (page.total > shown || offset > 0)
            .then(|| format!("최근 메모 {}–{}번째", offset + 1, offset + shown.max(1))),
        items: page.items.iter().map(|m| memo_view(m, memos.withdrawable.contains(&m.id))).collect(),
        form: memos.may_write.then(|| memo_form(cx, task, &MemoInput::default())),
        newer: (offset > 0).then(|| links::task_memos(&task, (offset - MEMO_PAGE).max(0))),
        older: (offset + shown < page.total).then(|| links::task_memos(&task, offset + shown)),
    }
}

/// The memo form on a page of its own: shown again when what was sent is refused.
async fn memo_page(db: &Db, cx: &Ctx, task: TaskId, input: &MemoInput) -> Result<FormPage, AppError> {
    let task = hanteam_app::tasks::open_for(db, cx.by(), task, TaskChange::Collaborate).await?;
    let title = "기관 간 메모 작성".to_string();
    Ok(FormPage {
        layout: task_layout(cx, &task, &title),
        heading: title,
        context: vec![Fact::new("과제", task.summary.title.clone())],
        intro: vec![],
        alert: None,
        form: memo_form(cx, task.summary.id, input),
        reload: links::task_memos(&task.summary.id, 0),
    })
}

pub(crate) async fn create(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<MemoInput>, FormRejection>,
) -> Response {
    let (input, task): (MemoInput, TaskId) = match posted(form, &id) {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let result = memos::create(db, cx.by(), task, &input).await.map(|_| links::saved(&links::task_memos(&task, 0)));
    answer(&cx, result.map_err(AppError::from), async || memo_page(db, &cx, task, &input).await).await
}

async fn withdrawal_page(
    db: &Db,
    cx: &Ctx,
    id: MemoId,
    version: Option<&Option<String>>,
) -> Result<ConfirmPage, AppError> {
    let (task_id, memo) = memos::open(db, cx.by(), id).await?;
    let task = hanteam_app::tasks::detail(db, cx.by(), task_id).await?;
    let title = "기관 간 메모 철회".to_string();
    let written = when(memo.created_at);
    let excerpt: String = memo.body.as_deref().unwrap_or_default().chars().take(100).collect();
    Ok(ConfirmPage {
        layout: task_layout(cx, &task, &title),
        heading: title,
        context: vec![
            Fact::new("과제", task.summary.title.clone()),
            Fact::new("작성", format!("{} · {}", memo.agency_label(), written.text)),
            Fact::new("메모", excerpt),
        ],
        message: vec![
            "이 메모를 철회합니다. 과제 화면에는 '철회된 메모'로만 남고 내용은 보이지 않습니다.".into(),
            "철회하기 전의 내용은 감사기록에 남습니다. 철회는 되돌릴 수 없습니다.".into(),
        ],
        alert: None,
        action: links::memo_withdraw(&id),
        csrf: cx.csrf(),
        version: version.cloned().flatten().unwrap_or_else(|| memo.version.to_string()),
        submit: "철회",
        cancel: links::task_memos(&task_id, 0),
        reload: links::memo_withdraw(&id),
    })
}

pub(crate) async fn withdraw_form(State(state): State<AppState>, cx: Ctx, Path(id): Path<String>) -> Response {
    let result = async { withdrawal_page(&state.db, &cx, MemoId::parse(&id)?, None).await }.await;
    respond(result, &cx)
}

pub(crate) async fn withdraw(
    State(state): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
    form: Result<Form<VersionInput>, FormRejection>,
) -> Response {
    let (input, id): (VersionInput, MemoId) = match posted(form, &id) {
        Ok(v) => v,
        Err(e) => return error_page(e, &cx),
    };
    let db = &state.db;
    let result = memos::withdraw(db, cx.by(), None, id, &input)
        .await
        .map(|(_, task)| links::saved(&links::task_memos(&task, 0)));
    answer(&cx, result.map_err(AppError::from), async || withdrawal_page(db, &cx, id, Some(&input.version)).await).await
}
