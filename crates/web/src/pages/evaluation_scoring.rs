//! The evaluator's scoring page (채점) of a task of its panel: the evidence it scores on (the task,
//! its KPIs, milestones and procedures, the lights of past check cycles — what
//! `hanteam_app::scoring::sheet` gives its own evaluator), the round's rubric with each criterion's
//! weight, scale and levels, a score and a comment per criterion, 임시 저장, and 제출 after a
//! confirmation, since a submitted sheet is locked until OPC reopens it. Also OPC's form to reopen a
//! submitted sheet with a reason. Blindness and every rule are the use cases'
//! (`hanteam_app::scoring`); these handlers parse and render.

use askama::Template;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use chrono::Utc;
use hanteam_app::evaluation;
use hanteam_app::scoring::{self, ReopenInput, SheetView};
use hanteam_domain::edit::VersionInput;
use hanteam_domain::evaluation::round::Stage;
use hanteam_domain::evaluation::sheet::{CriterionScoreInput, ScoreSheetInput, SheetStatus};
use hanteam_domain::time::kst_date;
use hanteam_domain::{EvaluationRoundId, Paging, TaskId, ValidationError};
use serde::Deserialize;

use super::checks::light_badge;
use super::context::Ctx;
use super::form::{form_input, mark_errors, Alert, ConfirmPage, Fact, Field, FormPage, FormView, Refusable};
use super::format::{lines, when};
use super::layout::{Layout, Section};
use super::read::{parts_sections, procedure_section, PartsSection};
use super::render::{error_page, render, see_other};
use super::widgets::{options_with, Badge};
use crate::endpoint::Endpoint;
use crate::error::AppError;
use crate::AppState;

fn round_href(id: EvaluationRoundId) -> String {
    Endpoint::PageEvalRound.href(&[&id])
}

fn my_tasks_href(id: EvaluationRoundId) -> String {
    Endpoint::PageEvalMyTasks.href(&[&id])
}

fn score_href(id: EvaluationRoundId, task: TaskId) -> String {
    Endpoint::PageEvalScoreForm.href(&[&id, &task])
}

fn ids(raw: &(String, String)) -> Result<(EvaluationRoundId, TaskId), AppError> {
    Ok((EvaluationRoundId::parse(&raw.0)?, TaskId::parse(&raw.1)?))
}

/// "4", "3.5": a score as the evaluator typed it.
fn score_text(s: f64) -> String {
    format!("{s}")
}

/// The sheet's state as the page names it.
fn state_badge(v: &SheetView) -> Badge {
    match v.status {
        None => Badge { label: "작성 전".into(), class: "bg-light-gray" },
        Some(SheetStatus::Submitted) => Badge { label: "제출됨".into(), class: "bg-light-success" },
        Some(SheetStatus::Draft) if v.reopened_at.is_some() => {
            Badge { label: "재채점 요청됨".into(), class: "bg-light-warning" }
        }
        Some(SheetStatus::Draft) => Badge { label: "작성 중".into(), class: "bg-light-information" },
    }
}

/// Why the sheet cannot be changed now, when it cannot (the use case says whether; this says why
/// in the evaluator's words).
fn closed_text(v: &SheetView) -> Option<String> {
    if v.editable {
        return None;
    }
    Some(if v.status == Some(SheetStatus::Submitted) {
        "제출한 채점표는 잠겨 있어 고칠 수 없습니다. 고쳐야 하면 국무조정실에 재채점(사유 기재)을 요청해 주세요.".into()
    } else if v.stage < Stage::Scoring {
        format!(
            "지금은 '{}' 단계라 아직 채점할 수 없습니다. 채점은 '채점' 단계가 시작되면 할 수 있습니다. 그 전에 평가 근거와 평가표를 미리 볼 수 있습니다.",
            v.stage.label_ko()
        )
    } else {
        format!(
            "채점이 마감되어(지금은 '{}' 단계) 채점할 수 없습니다. 이 과제의 채점표를 고쳐야 하면 국무조정실에 재채점(사유 기재)을 요청해 주세요.",
            v.stage.label_ko()
        )
    })
}

/// What the evaluator typed (or, before typing, what the sheet holds): scores and comments by
/// criterion code, the sheet's comment and the version it was read at.
#[derive(Default)]
struct Typed {
    scores: Vec<(String, String)>,
    comments: Vec<(String, String)>,
    comment: String,
    version: String,
}

impl Typed {
    fn of(v: &SheetView) -> Typed {
        Typed {
            scores: v.scores.iter().map(|s| (s.code.clone(), score_text(s.score))).collect(),
            comments: v.scores.iter().map(|s| (s.code.clone(), s.comment.clone().unwrap_or_default())).collect(),
            comment: v.comment.clone().unwrap_or_default(),
            version: v.version.map(|n| n.to_string()).unwrap_or_default(),
        }
    }

    /// The form's fields: `scores.{code}`, `scores.{code}.comment` (the names the use case gives
    /// its errors), `comment` and `version`; anything else (the CSRF token, the button) is left out.
    fn from_form(fields: &[(String, String)]) -> Typed {
        let mut t = Typed::default();
        for (k, v) in fields {
            if let Some(rest) = k.strip_prefix("scores.") {
                match rest.strip_suffix(".comment") {
                    Some(code) => t.comments.push((code.to_string(), v.clone())),
                    None => t.scores.push((rest.to_string(), v.clone())),
                }
            } else if k == "comment" {
                t.comment = v.clone();
            } else if k == "version" {
                t.version = v.clone();
            }
        }
        t
    }

    fn score(&self, code: &str) -> Option<String> {
        self.scores.iter().find(|(c, _)| c == code).map(|(_, v)| v.clone())
    }

    fn comment_of(&self, code: &str) -> Option<String> {
        self.comments.iter().find(|(c, _)| c == code).map(|(_, v)| v.clone())
    }

    /// The sheet as the use case takes it: a criterion per code the form named, its score left
    /// out where the box is empty.
    fn input(&self) -> ScoreSheetInput {
        let mut codes: Vec<&str> = self.scores.iter().map(|(c, _)| c.as_str()).collect();
        for (c, _) in &self.comments {
            if !codes.contains(&c.as_str()) {
                codes.push(c);
            }
        }
        let scores = codes
            .into_iter()
            .map(|code| CriterionScoreInput {
                code: Some(code.to_string()),
                score: self.score(code).filter(|s| !s.trim().is_empty()).map(serde_json::Value::String),
                comment: self.comment_of(code).filter(|s| !s.trim().is_empty()),
            })
            .collect();
        ScoreSheetInput {
            scores: Some(scores),
            comment: Some(self.comment.clone()).filter(|s| !s.trim().is_empty()),
            version: Some(self.version.clone()).filter(|s| !s.trim().is_empty()),
        }
    }
}

struct LevelRow {
    score: u32,
    label: String,
    description: String,
}

/// One criterion of the form: what it measures, its levels, and its two controls.
struct CriterionBlock {
    code: String,
    name: String,
    weight_pct: u32,
    scale_max: u32,
    description: String,
    levels: Vec<LevelRow>,
    score: Field,
    comment: Field,
}

/// One criterion of a sheet that cannot be changed now, as scored.
struct ScoredRow {
    name: String,
    weight_pct: u32,
    scale_max: u32,
    score: String,
    comment: String,
}

struct SheetForm {
    action: String,
    csrf: String,
    version: String,
    criteria: Vec<CriterionBlock>,
    comment: Field,
}

#[derive(Template)]
#[template(path = "evaluation_score.html")]
struct ScorePage {
    layout: Layout,
    heading: String,
    alert: Option<Alert>,
    state: Badge,
    reopened_reason: Option<String>,
    facts: Vec<Fact>,
    closed: Option<String>,
    task_href: String,
    task_facts: Vec<Fact>,
    paragraphs: Vec<String>,
    lights: Vec<(String, Badge, String)>,
    parts: Vec<PartsSection>,
    form: Option<SheetForm>,
    scored: Vec<ScoredRow>,
    overall_comment: Option<String>,
    back: String,
}

/// The page of the evaluator's own sheet `v`, its form filled with `typed`.
fn score_page(cx: &Ctx, round_name: &str, v: &SheetView, typed: &Typed) -> Result<ScorePage, AppError> {
    let id = EvaluationRoundId::new(v.round_id);
    let task_id = TaskId::new(v.task_id);
    let evidence =
        v.evidence.as_ref().ok_or_else(|| AppError::Internal("평가 근거 없이 채점표를 읽었습니다".into()))?;
    let task = &evidence.task;
    let s = &task.summary;
    let title = format!("{}. {}", s.seq, s.title);
    let mut facts = vec![
        Fact::new("평가 회차", round_name),
        Fact::new("현재 단계", v.stage.label_ko()),
        Fact::new("과제", title.clone()),
    ];
    if let Some(at) = v.submitted_at {
        facts.push(Fact::new("제출 시각", when(at).text));
    }
    if let Some(total) = v.weighted_total {
        facts.push(Fact::new("가중 합계", format!("{total:.2}점 (100점 만점)")));
    }
    let roles = s
        .agencies
        .iter()
        .map(|a| match &a.role {
            Some(r) if !r.trim().is_empty() => format!("{}: {}", a.short_name, r.trim()),
            _ => format!("{}: 역할 미입력", a.short_name),
        })
        .collect::<Vec<_>>();
    let mut task_facts = vec![
        Fact::new("과제 유형", s.type_label()),
        Fact::new("주관기관", s.lead_agency.as_ref().map_or_else(|| "미입력".into(), |a| a.short_name.clone())),
    ];
    task_facts.push(Fact::new("참여 기관과 역할", if roles.is_empty() { "미입력".into() } else { roles.join(" / ") }));
    let mut parts = parts_sections(task, false, kst_date(Utc::now()));
    parts.push(procedure_section(task, false));
    let form = v.editable.then(|| {
        let criteria = v
            .rubric
            .criteria
            .iter()
            .map(|c| {
                let mut score = Field::text(format!("scores.{}", c.code), &format!("{} 점수", c.name_ko), &typed.score(&c.code))
                    .hint(&format!(
                        "0~{}점 사이의 숫자로 입력합니다(소수 가능, 예: 3.5). 임시 저장은 비워 두어도 되지만, 제출하려면 모든 항목에 점수가 있어야 합니다.",
                        c.scale_max
                    ));
                score.id = format!("f-score-{}", c.code);
                let mut comment = Field::textarea(
                    format!("scores.{}.comment", c.code),
                    &format!("{} 의견", c.name_ko),
                    &typed.comment_of(&c.code),
                    3,
                );
                comment.id = format!("f-comment-{}", c.code);
                CriterionBlock {
                    code: c.code.clone(),
                    name: c.name_ko.clone(),
                    weight_pct: c.weight_pct,
                    scale_max: c.scale_max,
                    description: c.description_ko.clone(),
                    levels: c
                        .levels
                        .iter()
                        .map(|l| LevelRow { score: l.score, label: l.label_ko.clone(), description: l.description_ko.clone() })
                        .collect(),
                    score,
                    comment,
                }
            })
            .collect();
        SheetForm {
            action: Endpoint::PageEvalScoreSave.href(&[&id, &task_id]),
            csrf: cx.csrf(),
            version: typed.version.clone(),
            criteria,
            comment: Field::textarea("comment", "종합 의견", &Some(typed.comment.clone()), 4)
                .hint("과제 전체에 대한 의견입니다. 채점이 끝난 뒤에도 다른 평가위원과 참여 기관에는 공개되지 않습니다."),
        }
    });
    let scored = if form.is_some() {
        vec![]
    } else {
        v.rubric
            .criteria
            .iter()
            .map(|c| {
                let given = v.scores.iter().find(|s| s.code == c.code);
                ScoredRow {
                    name: c.name_ko.clone(),
                    weight_pct: c.weight_pct,
                    scale_max: c.scale_max,
                    score: given.map_or_else(|| "채점 안 함".into(), |s| format!("{}점", score_text(s.score))),
                    comment: given.and_then(|s| s.comment.clone()).unwrap_or_default(),
                }
            })
            .collect()
    };
    Ok(ScorePage {
        layout: Layout::nested(
            cx,
            Section::Evaluation,
            vec![(round_name.to_string(), round_href(id)), ("내 평가 과제".into(), my_tasks_href(id))],
            format!("채점: {title}"),
        ),
        heading: format!("채점: {title}"),
        alert: None,
        state: state_badge(v),
        reopened_reason: v.reopened_reason.clone().filter(|_| v.status == Some(SheetStatus::Draft)),
        facts,
        closed: closed_text(v),
        task_href: super::links::task(&task_id),
        task_facts,
        paragraphs: lines(task.description.as_deref()),
        lights: evidence.lights.iter().map(|l| (l.cycle.clone(), light_badge(l.rating), l.reason.clone())).collect(),
        parts,
        form,
        scored,
        overall_comment: v.comment.clone().filter(|_| v.status == Some(SheetStatus::Submitted) || !v.editable),
        back: my_tasks_href(id),
    })
}

/// The evaluator's own sheet and the round's name; `Err(href)` sends an evaluator who has not
/// signed the round's pledge to it first.
async fn own_sheet(
    state: &AppState,
    cx: &Ctx,
    id: EvaluationRoundId,
    task: TaskId,
) -> Result<Result<(String, SheetView), String>, AppError> {
    let mine = evaluation::my_tasks(&state.db, cx.by(), id, Paging { limit: 1, offset: 0 }).await?;
    if !mine.pledged {
        return Ok(Err(my_tasks_href(id)));
    }
    let v = scoring::sheet(&state.db, cx.by(), id, task, None).await?;
    Ok(Ok((mine.round_name, v)))
}

#[derive(Deserialize, Default)]
pub(crate) struct ScoreQuery {
    saved: Option<String>,
    submitted: Option<String>,
    /// Back from 제출 with criteria left unscored.
    missing: Option<String>,
}

/// The criteria not yet scored, each at its score box: what stops the sheet from being submitted.
fn unscored(v: &SheetView) -> Vec<ValidationError> {
    v.rubric
        .criteria
        .iter()
        .filter(|c| !v.scores.iter().any(|s| s.code == c.code))
        .map(|c| {
            ValidationError::new(
                format!("scores.{}", c.code),
                format!("'{}' 항목의 점수를 입력해 주세요. 제출하려면 모든 항목을 채점해야 합니다.", c.name_ko),
            )
        })
        .collect()
}

/// Marks `errors` at their fields of the form and returns the alert listing them.
fn show_errors(page: &mut ScorePage, errors: &[ValidationError]) -> Alert {
    let Some(form) = page.form.as_mut() else { return mark_errors(&mut [], errors) };
    let mut fields: Vec<Field> = Vec::new();
    for c in form.criteria.iter_mut() {
        fields.push(std::mem::replace(&mut c.score, Field::text("", "", &None)));
        fields.push(std::mem::replace(&mut c.comment, Field::text("", "", &None)));
    }
    fields.push(std::mem::replace(&mut form.comment, Field::text("", "", &None)));
    let alert = mark_errors(&mut fields, errors);
    let mut fields = fields.into_iter();
    for c in form.criteria.iter_mut() {
        c.score = fields.next().unwrap_or_else(|| Field::text("", "", &None));
        c.comment = fields.next().unwrap_or_else(|| Field::text("", "", &None));
    }
    form.comment = fields.next().unwrap_or_else(|| Field::text("", "", &None));
    alert
}

pub(crate) async fn score_form(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<(String, String)>,
    q: Result<Query<ScoreQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let result = async {
        let (id, task) = ids(&raw)?;
        let (name, v) = match own_sheet(&state, &cx, id, task).await? {
            Ok(found) => found,
            Err(pledge) => return Ok(Err(pledge)),
        };
        let mut page = score_page(&cx, &name, &v, &Typed::of(&v))?;
        let missing = unscored(&v);
        page.alert = if q.missing.is_some() && v.editable && !missing.is_empty() {
            let mut a = show_errors(&mut page, &missing);
            a.badge = "제출 안 됨";
            a.message = format!(
                "입력한 점수는 임시 저장했지만 아직 제출하지 않았습니다. 채점하지 않은 항목이 {}개 있습니다.",
                missing.len()
            );
            Some(a)
        } else if q.submitted.is_some() && v.status == Some(SheetStatus::Submitted) {
            Some(Alert::ok("채점표를 제출했습니다. 제출한 채점표는 잠겨 더 고칠 수 없습니다."))
        } else if q.saved.is_some() && v.editable {
            Some(Alert::ok("임시 저장했습니다. 제출하기 전까지 언제든 고칠 수 있습니다."))
        } else {
            None
        };
        Ok::<_, AppError>(Ok(page))
    }
    .await;
    match result {
        Ok(Ok(page)) => render(StatusCode::OK, &page),
        Ok(Err(pledge)) => see_other(&pledge),
        Err(e) => error_page(e, &cx),
    }
}

/// The form again after a refused save (wrong input 400; someone saved first, or the sheet or the
/// stage no longer allows it, 409), with what the evaluator typed; nothing was saved.
async fn refused(
    state: &AppState,
    cx: &Ctx,
    id: EvaluationRoundId,
    task: TaskId,
    typed: &Typed,
    why: AppError,
) -> Response {
    if !matches!(why, AppError::Invalid(_) | AppError::Stale { .. } | AppError::Conflict(_)) {
        return error_page(why, cx);
    }
    let (name, v) = match own_sheet(state, cx, id, task).await {
        Ok(Ok(found)) => found,
        Ok(Err(_)) => return error_page(why, cx),
        Err(e) => return error_page(e, cx),
    };
    let mut page = match score_page(cx, &name, &v, typed) {
        Ok(p) => p,
        Err(e) => return error_page(e, cx),
    };
    let (status, alert) = match &why {
        AppError::Invalid(errors) => (StatusCode::BAD_REQUEST, show_errors(&mut page, errors)),
        AppError::Conflict(message) => {
            (StatusCode::CONFLICT, Alert::danger("저장 안 됨", &format!("{message} 아무것도 저장되지 않았습니다.")))
        }
        _ => (StatusCode::CONFLICT, Alert::stale(&score_href(id, task))),
    };
    page.alert = Some(alert);
    render(status, &page)
}

/// 임시 저장, or 제출: the sheet is saved as a draft either way (nothing is written when it does not
/// fit the rubric), and 제출 goes on to the confirmation.
pub(crate) async fn save(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<(String, String)>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let fields = match form_input(form) {
        Ok(f) => f,
        Err(e) => return error_page(e, &cx),
    };
    let (id, task) = match ids(&raw) {
        Ok(x) => x,
        Err(e) => return error_page(e, &cx),
    };
    let typed = Typed::from_form(&fields);
    let submit = fields.iter().any(|(k, v)| k == "intent" && v == "submit");
    match scoring::save_draft(&state.db, cx.by(), id, task, &typed.input()).await {
        Ok(_) if submit => see_other(&Endpoint::PageEvalScoreSubmitForm.href(&[&id, &task])),
        Ok(_) => see_other(&format!("{}?saved=1", score_href(id, task))),
        Err(e) => refused(&state, &cx, id, task, &typed, e.into()).await,
    }
}

/// The confirmation before 제출, or where to go instead: the pledge first; the form when the sheet
/// cannot be changed now, or (marked) when criteria are left unscored.
async fn submit_page(
    state: &AppState,
    cx: &Ctx,
    id: EvaluationRoundId,
    task: TaskId,
) -> Result<Result<ConfirmPage, String>, AppError> {
    let (name, v) = match own_sheet(state, cx, id, task).await? {
        Ok(found) => found,
        Err(pledge) => return Ok(Err(pledge)),
    };
    let (Some(version), Some(total), true) = (v.version, v.weighted_total, v.editable) else {
        let back = if v.editable { format!("{}?missing=1", score_href(id, task)) } else { score_href(id, task) };
        return Ok(Err(back));
    };
    let page = score_page(cx, &name, &v, &Typed::of(&v))?;
    let mut context = page.facts;
    for c in &v.rubric.criteria {
        if let Some(s) = v.scores.iter().find(|s| s.code == c.code) {
            context.push(Fact::new(
                &format!("{} (가중치 {}%)", c.name_ko, c.weight_pct),
                format!("{}점 / {}점", score_text(s.score), c.scale_max),
            ));
        }
    }
    let title = page.heading.trim_start_matches("채점: ").to_string();
    Ok(Ok(ConfirmPage {
        layout: Layout::nested(
            cx,
            Section::Evaluation,
            vec![(name.clone(), round_href(id)), ("내 평가 과제".into(), my_tasks_href(id)), (page.heading.clone(), score_href(id, task))],
            "채점표 제출",
        ),
        heading: format!("채점표 제출: {title}"),
        context,
        message: vec![
            format!("가중 합계 {total:.2}점으로 이 채점표를 제출합니다."),
            "제출하면 채점표가 잠겨 점수와 의견을 더 고칠 수 없습니다. 고쳐야 하면 국무조정실에 재채점(사유 기재)을 요청해야 합니다.".into(),
            "제출한 점수는 채점이 마감되기 전까지 국무조정실을 포함해 아무도 볼 수 없고, 다른 평가위원의 이름과 점수도 공개되지 않습니다.".into(),
        ],
        alert: None,
        action: Endpoint::PageEvalScoreSubmit.href(&[&id, &task]),
        csrf: cx.csrf(),
        version: version.to_string(),
        submit: "제출",
        cancel: score_href(id, task),
        reload: Endpoint::PageEvalScoreSubmitForm.href(&[&id, &task]),
    }))
}

pub(crate) async fn submit_form(State(state): State<AppState>, cx: Ctx, Path(raw): Path<(String, String)>) -> Response {
    let result = async {
        let (id, task) = ids(&raw)?;
        submit_page(&state, &cx, id, task).await
    }
    .await;
    match result {
        Ok(Ok(page)) => render(StatusCode::OK, &page),
        Ok(Err(href)) => see_other(&href),
        Err(e) => error_page(e, &cx),
    }
}

pub(crate) async fn submit(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<(String, String)>,
    form: Result<Form<VersionInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let (id, task) = match ids(&raw) {
        Ok(x) => x,
        Err(e) => return error_page(e, &cx),
    };
    let why: AppError = match scoring::submit(&state.db, cx.by(), id, task, &input).await {
        Ok(_) => return see_other(&format!("{}?submitted=1", score_href(id, task))),
        Err(e) => e.into(),
    };
    match &why {
        // Criteria left unscored: the form shows which.
        AppError::Invalid(errors) if errors.iter().any(|e| e.field == "scores") => {
            see_other(&format!("{}?missing=1", score_href(id, task)))
        }
        AppError::Invalid(_) | AppError::Stale { .. } | AppError::Conflict(_) => {
            let mut page = match submit_page(&state, &cx, id, task).await {
                Ok(Ok(p)) => p,
                Ok(Err(_)) => return error_page(why, &cx),
                Err(e) => return error_page(e, &cx),
            };
            let status = match &why {
                AppError::Invalid(errors) => {
                    page.show_errors(errors);
                    StatusCode::BAD_REQUEST
                }
                AppError::Conflict(message) => {
                    page.alert = Some(Alert::danger("제출 안 됨", &format!("{message} 제출되지 않았습니다.")));
                    StatusCode::CONFLICT
                }
                _ => {
                    page.show_stale();
                    StatusCode::CONFLICT
                }
            };
            render(status, &page)
        }
        _ => error_page(why, &cx),
    }
}

// ---------------------------------------------------------------------------------------------
// OPC reopens a submitted sheet, with a reason.

async fn reopen_page(
    state: &AppState,
    cx: &Ctx,
    id: EvaluationRoundId,
    task: TaskId,
    typed: &ReopenInput,
) -> Result<FormPage, AppError> {
    let c = scoring::reopen_choices(&state.db, cx.by(), id, task).await?;
    let title = format!("{}. {}", c.task_seq, c.task_title);
    let chosen = typed.evaluator_id.clone().unwrap_or_default();
    let members = c.members.iter().map(|(e, name)| (e.to_string(), name.clone())).collect();
    Ok(FormPage {
        layout: Layout::nested(cx, Section::Evaluation, vec![(c.round_name.clone(), round_href(id))], "재채점 요청"),
        heading: format!("재채점 요청: {title}"),
        context: vec![
            Fact::new("평가 회차", c.round_name.clone()),
            Fact::new("현재 단계", c.stage.label_ko()),
            Fact::new("과제", title),
        ],
        intro: vec![
            "평가위원이 제출한 채점표를 다시 열어, 그 평가위원이 고쳐 다시 제출하게 합니다. 사유는 평가위원의 채점 화면에 보이고 감사기록에 남습니다."
                .into(),
            "채점표는 '채점'·'검토'·'이의신청' 단계에서 다시 열 수 있습니다. 아직 제출되지 않은 채점표는 평가위원이 지금도 고칠 수 있어 열 필요가 없습니다."
                .into(),
        ],
        alert: None,
        form: FormView {
            action: Endpoint::PageEvalReopen.href(&[&id, &task]),
            csrf: cx.csrf(),
            hidden: vec![],
            fields: vec![
                Field::select("evaluator_id", "평가위원", options_with("고르세요", &chosen, members))
                    .required()
                    .hint("이 과제에 배정된 평가위원입니다."),
                Field::textarea("reason", "재채점 사유", &typed.reason, 4)
                    .required()
                    .hint("예: 검토 중 점수 입력 착오 확인, 이의신청 인용에 따른 재채점"),
            ],
            submit: "재채점 요청",
            cancel: round_href(id),
        },
        reload: Endpoint::PageEvalReopenForm.href(&[&id, &task]),
    })
}

pub(crate) async fn reopen_form(State(state): State<AppState>, cx: Ctx, Path(raw): Path<(String, String)>) -> Response {
    let result = async {
        let (id, task) = ids(&raw)?;
        reopen_page(&state, &cx, id, task, &ReopenInput::default()).await
    }
    .await;
    super::render::respond(result, &cx)
}

pub(crate) async fn reopen(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<(String, String)>,
    form: Result<Form<ReopenInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let (id, task) = match ids(&raw) {
        Ok(x) => x,
        Err(e) => return error_page(e, &cx),
    };
    let why: AppError = match scoring::reopen(&state.db, cx.by(), id, task, &input).await {
        Ok(_) => return see_other(&format!("{}?saved=1#h-panels", round_href(id))),
        Err(e) => e.into(),
    };
    if !matches!(why, AppError::Invalid(_) | AppError::Stale { .. } | AppError::Conflict(_)) {
        return error_page(why, &cx);
    }
    let mut page = match reopen_page(&state, &cx, id, task, &input).await {
        Ok(p) => p,
        Err(e) => return error_page(e, &cx),
    };
    let status = match &why {
        AppError::Invalid(errors) => {
            page.show_errors(errors);
            StatusCode::BAD_REQUEST
        }
        AppError::Conflict(message) => {
            page.alert = Some(Alert::danger("저장 안 됨", &format!("{message} 아무것도 저장되지 않았습니다.")));
            StatusCode::CONFLICT
        }
        _ => {
            page.show_stale();
            StatusCode::CONFLICT
        }
    };
    render(status, &page)
}
