//! The pages of evaluation rounds (평가 회차): the rounds and one round (its stages and dates, the
//! rubric, the grading and excellent rules, its panels for OPC); OPC's forms to create and edit a
//! round, move its stage, run the assignment and decide a 기피; the evaluator's pledge, its own
//! tasks and its 회피. Each handler calls the use cases of `hanteam_app::evaluation`, the same as
//! the JSON API.

use askama::Template;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use chrono::Utc;
use hanteam_app::evaluation::{self, AssignmentView, ConflictView, RoundView};
use hanteam_app::objections::{self, ObjectionView};
use hanteam_domain::access::{can_run_evaluation, objection_scope};
use hanteam_domain::evaluation::grade::{ExcellentRule, GradingRule};
use hanteam_domain::evaluation::objection::{ObjectionDecisionInput, ObjectionInput, ObjectionStatus};
use hanteam_domain::evaluation::round::Stage;
use hanteam_domain::evaluation::rubric::{Rubric, RubricPreset};
use hanteam_domain::evaluation::setup::{
    AssignmentInput, ConflictDecisionInput, ConflictInput, ConflictStatus, RoundInput, RoundSettings, StageInput,
};
use hanteam_domain::{EvaluationConflictId, EvaluationObjectionId, EvaluationRoundId, Paging, TaskId};

use super::context::Ctx;
use super::form::{answer, form_input, mark_errors, Alert, ConfirmPage, Fact, Field, FormPage, FormView, Hidden};
use super::format::{date_ko, day, iso_date, when, Day};
use super::layout::{Layout, Section};
use super::render::{error_page, render, respond, see_other};
use super::widgets::{options_with, Badge, Cell, ListQuery, Pager, Table};
use crate::endpoint::Endpoint;
use crate::error::AppError;
use crate::AppState;

// ---------------------------------------------------------------------------------------------
// Shared pieces.

/// A stage as a KRDS badge; the label carries the meaning, the colour only repeats it.
fn stage_badge(s: Stage) -> Badge {
    let class = match s {
        Stage::Setup | Stage::Assignment => "bg-light-gray",
        Stage::Scoring | Stage::Review => "bg-light-information",
        Stage::Objections => "bg-light-warning",
        Stage::Final | Stage::Published => "bg-light-success",
    };
    Badge { label: s.label_ko().into(), class }
}

fn round_href(id: EvaluationRoundId) -> String {
    Endpoint::PageEvalRound.href(&[&id])
}

fn list_href() -> String {
    Endpoint::PageEvalRounds.href(&[])
}

/// The rounds' list, for the link at the foot of a round's page.
pub(crate) fn rounds_href() -> String {
    list_href()
}

fn my_tasks_href(id: EvaluationRoundId) -> String {
    Endpoint::PageEvalMyTasks.href(&[&id])
}

fn is_opc(cx: &Ctx) -> bool {
    cx.principal().is_some_and(can_run_evaluation)
}

fn only_opc(cx: &Ctx) -> Result<(), AppError> {
    if is_opc(cx) {
        Ok(())
    } else {
        Err(AppError::Forbidden("평가 회차는 국무조정실 관리자만 만들고 바꿀 수 있습니다.".into()))
    }
}

fn round_id(v: i64) -> EvaluationRoundId {
    EvaluationRoundId::new(v)
}

/// Where a rubric comes from, as the page says it: hanteam's 기본안 is never shown as the official
/// rubric.
fn rubric_origin(r: &Rubric) -> String {
    if *r == Rubric::citizen_change_default() {
        "hanteam이 제안하는 기본안입니다. 공식 평가표가 아니므로 국무조정실이 이 평가 회차에 맞게 항목과 가중치를 고쳐 쓰세요."
            .into()
    } else if let Some(src) = &r.source {
        format!("출처: {src}")
    } else {
        "국무조정실이 정한 평가표입니다.".into()
    }
}

fn grading_text(rule: &GradingRule, within_tiers: bool) -> String {
    let text = match rule {
        GradingRule::Relative { shares, .. } => {
            let parts: Vec<String> = shares.iter().map(|s| format!("{} {}%", s.grade, s.share_pct)).collect();
            format!("상대평가: {}", parts.join(", "))
        }
        GradingRule::Absolute { cutoffs } => {
            let parts: Vec<String> = cutoffs.iter().map(|c| format!("{} {}점 이상", c.grade, c.min_score)).collect();
            format!("절대평가: {}", parts.join(", "))
        }
    };
    if within_tiers {
        format!("{text} (구분별로 따로 등급을 매김)")
    } else {
        text
    }
}

fn excellent_text(rule: &ExcellentRule) -> String {
    match rule {
        ExcellentRule::None => "이 회차에는 우수과제를 뽑지 않습니다.".into(),
        ExcellentRule::InGrades(g) => format!("{} 등급을 받은 과제", g.join("·")),
        ExcellentRule::TopK(k) => format!("점수 순위 상위 {k}개 과제 (같은 점수는 함께 포함)"),
        ExcellentRule::ScoreAtLeast(t) => format!("점수 {t}점 이상인 과제"),
    }
}

fn rule_facts(s: &RoundSettings) -> Vec<Fact> {
    let p = &s.params;
    vec![
        Fact::new(
            "최고·최저점 제외",
            match p.aggregation.drop_extremes_from {
                Some(n) => format!("점수가 {n}개 이상이면 가장 높은 점수와 가장 낮은 점수를 하나씩 빼고 평균"),
                None => "빼지 않고 모든 점수를 평균".into(),
            },
        ),
        Fact::new(
            "평가위원별 표준화",
            if p.aggregation.standardise { "함 (관대·엄격한 평가 성향 보정)" } else { "하지 않음" },
        ),
        Fact::new("등급 규칙", grading_text(&p.grading.rule, p.grading.within_tiers)),
        Fact::new("우수과제", excellent_text(&p.excellent)),
        Fact::new("기관 협업 점수", p.agency.rule.label_ko()),
    ]
}

fn panel_facts(s: &RoundSettings) -> Vec<Fact> {
    let p = &s.panel;
    vec![
        Fact::new("과제당 평가위원", format!("{}명", p.evaluators_per_task)),
        Fact::new("평가위원당 최대 과제", format!("{}개", p.tasks_per_evaluator)),
        Fact::new("민간 전문가 비율", format!("{} 이상", p.private_share)),
        Fact::new(
            "제척 기준",
            format!("채점 시작일 전 {}년 안에 과제 참여 기관에 소속된 적이 있으면 제외", p.lookback_years),
        ),
    ]
}

fn round_facts(r: &RoundView) -> Vec<Fact> {
    vec![
        Fact::new("평가 회차", r.name.clone()),
        Fact::new("현재 단계", r.stage_label.clone()),
        Fact::new("평가 대상 과제", format!("{}건", r.task_count)),
    ]
}

/// The stage moves OPC may ask for from `s`: the next stage, and from 검토 back to 채점.
fn moves_from(s: Stage) -> Vec<Stage> {
    let mut out: Vec<Stage> = s.next().into_iter().collect();
    if s == Stage::Review {
        out.push(Stage::Scoring);
    }
    out
}

/// What moving to `to` means, said before OPC confirms it.
fn move_consequence(to: Stage) -> &'static str {
    match to {
        Stage::Setup => "",
        Stage::Assignment => "배정 단계부터는 평가위원과 참여 기관도 이 평가 회차를 볼 수 있습니다. 평가 대상 과제는 더 바꿀 수 없습니다.",
        Stage::Scoring => "채점이 시작되면 평가표가 고정되어 항목과 가중치를 더 고칠 수 없습니다. 서약서에 서명한 평가위원은 배정된 과제를 채점합니다.",
        Stage::Review => "검토 단계로 옮기면 채점이 닫힙니다. 필요하면 검토 단계에서 채점 단계로 되돌릴 수 있습니다.",
        Stage::Objections => "이의신청 단계에서는 참여 기관이 과제의 잠정 등급과 점수를 보고 이의신청 기간 안에 이의를 신청할 수 있습니다.",
        Stage::Final => "확정하면 이의신청을 더 받지 않습니다. 이의신청 기간이 끝나야 옮길 수 있습니다.",
        Stage::Published => "공개하면 누구나 과제별 등급과 우수과제를 볼 수 있습니다. 공개한 평가 회차는 더 고칠 수 없습니다.",
    }
}

// ---------------------------------------------------------------------------------------------
// 1. The rounds.

#[derive(Template)]
#[template(path = "evaluation_rounds.html")]
struct RoundsPage {
    layout: Layout,
    total: i64,
    table: Table,
    pager: Option<Pager>,
    new_href: Option<String>,
    saved: bool,
}

pub(crate) async fn round_list(
    State(state): State<AppState>,
    cx: Ctx,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let result = async {
        let paging = q.paging()?;
        let page = evaluation::list(&state.db, cx.by(), paging).await?;
        let rows = page
            .items
            .iter()
            .map(|r| {
                let s = &r.schedule;
                vec![
                    Cell::HeadLink { href: round_href(round_id(r.id)), text: r.name.clone() },
                    Cell::Text(r.stage_label.clone()),
                    Cell::Text(format!("{} ~ {}", date_ko(s.scoring_on), date_ko(s.review_on))),
                    Cell::Date(Some(day(s.objections_on)), ""),
                    Cell::Date(Some(day(s.published_on)), ""),
                    Cell::Text(format!("{}건", r.task_count)),
                ]
            })
            .collect();
        Ok::<_, AppError>(RoundsPage {
            layout: Layout::section(&cx, Section::Evaluation),
            total: page.total,
            table: Table {
                caption: "평가 회차 목록: 이름, 현재 단계, 채점 기간, 이의신청 시작일, 공개일, 평가 대상 과제 수"
                    .into(),
                head: vec!["평가 회차", "현재 단계", "채점 기간", "이의신청 시작", "공개일", "과제 수"],
                rows,
                scroll_label: Some("평가 회차 표".into()),
            },
            pager: q.pager(&list_href(), paging, page.total),
            new_href: is_opc(&cx).then(|| Endpoint::PageEvalRoundNew.href(&[])),
            saved: q.saved(),
        })
    }
    .await;
    respond(result, &cx)
}

// ---------------------------------------------------------------------------------------------
// 2. One round.

struct StageRow {
    label: &'static str,
    starts: Day,
    /// 지난 단계, 현재 단계, 예정.
    state: &'static str,
    current: bool,
}

struct CriterionRow {
    name: String,
    weight_pct: u32,
    scale_max: u32,
    description: String,
    levels: Vec<String>,
}

struct PanelRow {
    seq: i64,
    task_href: String,
    title: String,
    members: String,
    private_count: u32,
    complete: bool,
    problem: Option<String>,
    excluded: Vec<String>,
    /// OPC's form to reopen a submitted sheet of the task, while sheets may be reopened.
    reopen_href: Option<String>,
}

struct ConflictRow {
    task_id: i64,
    evaluator: String,
    kind: String,
    status: Badge,
    reason: String,
    by_agency: Option<String>,
    decision_reason: Option<String>,
    decide_href: Option<String>,
}

struct PanelsSummary {
    seats: i64,
    total: i64,
    rows: Vec<PanelRow>,
    pager: Option<Pager>,
    conflicts: Vec<ConflictRow>,
}

struct MoveLink {
    href: String,
    label: String,
}

#[derive(Template)]
#[template(path = "evaluation_round.html")]
struct RoundPage {
    layout: Layout,
    saved: bool,
    stage: Badge,
    facts: Vec<Fact>,
    stages: Vec<StageRow>,
    rubric_name: String,
    rubric_description: String,
    rubric_origin: String,
    rubric_is_default: bool,
    rubric_frozen: bool,
    criteria: Vec<CriterionRow>,
    rules: Vec<Fact>,
    panel_rules: Vec<Fact>,
    edit_href: Option<String>,
    moves: Vec<MoveLink>,
    assignment_href: Option<String>,
    my_tasks_href: Option<String>,
    panels: Option<PanelsSummary>,
    results_href: Option<String>,
    /// The prize money and the round's files, for those who may read them.
    more_links: Vec<(String, String)>,
    objection_href: Option<String>,
    /// OPC and auditors, once scoring has closed.
    what_if_href: Option<String>,
    objections: Option<Vec<ObjectionRow>>,
}

fn conflict_row(id: EvaluationRoundId, c: &ConflictView, opc: bool) -> ConflictRow {
    let class = match c.status {
        ConflictStatus::Pending => "bg-light-warning",
        ConflictStatus::Rejected => "bg-light-gray",
        ConflictStatus::Accepted | ConflictStatus::Upheld => "bg-light-information",
    };
    ConflictRow {
        task_id: c.task_id,
        evaluator: c.evaluator_name.clone(),
        kind: c.kind_label.clone(),
        status: Badge { label: c.status_label.clone().into(), class },
        reason: c.reason.clone(),
        by_agency: c.by_agency.clone(),
        decision_reason: c.decision_reason.clone(),
        decide_href: (opc && c.status == ConflictStatus::Pending)
            .then(|| Endpoint::PageEvalDecisionForm.href(&[&id, &c.id])),
    }
}

pub(crate) async fn round_detail(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<String>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let result = async {
        let id = EvaluationRoundId::parse(&raw)?;
        let paging = q.paging()?;
        let r = evaluation::get(&state.db, cx.by(), id).await?;
        let opc = is_opc(&cx);
        let sees_panels = cx.principal().is_some_and(hanteam_domain::access::can_see_panels);
        let panels =
            if sees_panels {
                let p = evaluation::panels(&state.db, cx.by(), id, paging).await?;
                Some(PanelsSummary {
                    seats: p.seats,
                    total: p.total,
                    rows: p
                        .items
                        .iter()
                        .map(|t| PanelRow {
                            seq: t.task.seq,
                            task_href: super::links::task(&t.task.id),
                            title: t.task.title.clone(),
                            members: if t.members.is_empty() {
                                "없음".into()
                            } else {
                                t.members
                                    .iter()
                                    .map(|m| {
                                        if m.is_private_expert {
                                            format!("{} (민간)", m.name)
                                        } else {
                                            m.name.clone()
                                        }
                                    })
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            },
                            private_count: t.private_count,
                            complete: t.complete,
                            problem: t.problem.clone(),
                            excluded: t
                                .exclusions
                                .iter()
                                .map(|x| format!("{} ({}: {})", x.name, x.kind_label, x.reason))
                                .collect(),
                            reopen_href: (opc
                                && !t.members.is_empty()
                                && matches!(r.stage, Stage::Scoring | Stage::Review | Stage::Objections))
                            .then(|| Endpoint::PageEvalReopenForm.href(&[&id, &t.task.id])),
                        })
                        .collect(),
                    pager: q.pager(&round_href(id), paging, p.total),
                    conflicts: p.conflicts.iter().map(|c| conflict_row(id, c, opc)).collect(),
                })
            } else {
                None
            };
        let evaluator = cx.principal().is_some_and(|p| hanteam_domain::access::may_act_as_evaluator(p).is_ok());
        let rubric = &r.settings.params.rubric;
        let published = r.stage.is_published();
        let objections = objection_rows(&state, &cx, id, r.stage).await?;
        let agency_officer = cx.principal().is_some_and(|p| objection_scope(p).is_some_and(|a| !a.is_empty()));
        Ok::<_, AppError>(RoundPage {
            layout: Layout::detail(&cx, Section::Evaluation, r.name.clone()),
            saved: q.saved(),
            stage: stage_badge(r.stage),
            facts: vec![
                Fact::new("평가 대상 과제", format!("{}건", r.task_count)),
                Fact::new(
                    "평가표",
                    if r.rubric_editable {
                        "채점 시작 전이라 고칠 수 있음"
                    } else {
                        "채점이 시작되어 고정됨"
                    },
                ),
            ],
            stages: Stage::ALL
                .into_iter()
                .map(|s| StageRow {
                    label: s.label_ko(),
                    starts: day(r.schedule.starts(s)),
                    state: if s == r.stage {
                        "현재 단계"
                    } else if s < r.stage {
                        "지난 단계"
                    } else {
                        "예정"
                    },
                    current: s == r.stage,
                })
                .collect(),
            rubric_name: rubric.name_ko.clone(),
            rubric_description: rubric.description_ko.clone(),
            rubric_origin: rubric_origin(rubric),
            rubric_is_default: *rubric == Rubric::citizen_change_default(),
            rubric_frozen: !r.rubric_editable,
            criteria: rubric
                .criteria
                .iter()
                .map(|c| CriterionRow {
                    name: c.name_ko.clone(),
                    weight_pct: c.weight_pct,
                    scale_max: c.scale_max,
                    description: c.description_ko.clone(),
                    levels: c
                        .levels
                        .iter()
                        .map(|l| format!("{}점 {}: {}", l.score, l.label_ko, l.description_ko))
                        .collect(),
                })
                .collect(),
            rules: rule_facts(&r.settings),
            panel_rules: panel_facts(&r.settings),
            edit_href: (opc && !published).then(|| Endpoint::PageEvalRoundEditForm.href(&[&id])),
            moves: if opc {
                moves_from(r.stage)
                    .into_iter()
                    .map(|to| MoveLink {
                        href: Endpoint::PageEvalStageForm.href(&[&id, &to.as_str()]),
                        label: if to < r.stage {
                            format!("'{}' 단계로 되돌리기", to.label_ko())
                        } else {
                            format!("'{}' 단계로 옮기기", to.label_ko())
                        },
                    })
                    .collect()
            } else {
                vec![]
            },
            assignment_href: (opc && r.stage <= Stage::Assignment)
                .then(|| Endpoint::PageEvalAssignmentForm.href(&[&id])),
            my_tasks_href: evaluator.then(|| my_tasks_href(id)),
            panels,
            results_href: published.then(|| results_href(id)),
            more_links: more_links(
                &cx,
                id,
                r.stage,
                hanteam_app::prizes::own_statements(&state.db, cx.by(), r.stage).await?,
            ),
            objection_href: (agency_officer && r.stage == Stage::Objections)
                .then(|| Endpoint::PageEvalObjectionForm.href(&[&id])),
            what_if_href: matches!(
                hanteam_domain::access::result_access(cx.principal(), r.stage),
                Ok(hanteam_domain::access::ResultAccess::Full)
            )
            .then(|| Endpoint::PageEvalWhatIf.href(&[&id])),
            objections,
        })
    }
    .await;
    respond(result, &cx)
}

/// The links of a round to its result sheet (for whoever may read its results at this stage) and
/// its prize money: the split for OPC and auditors once there is a result,
/// for an agency officer once the round is final (`access::prize_scope`, which the pages ask
/// again); the pool and the cap for OPC until 확정; an exchangee's own statements (`own`, from
/// `prizes::own_statements`) once final.
fn more_links(cx: &Ctx, id: EvaluationRoundId, stage: Stage, own: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut links = Vec::new();
    if hanteam_domain::access::result_access(cx.principal(), stage).is_ok() {
        links.push((Endpoint::PageEvalResultsXlsx.href(&[&id]), "결과표 내려받기 (XLSX)".into()));
    }
    if cx.principal().is_some_and(|p| hanteam_domain::access::prize_scope(p, stage).is_ok()) {
        links.push((super::evaluation_prizes::prizes_href(id), "포상금 배분".into()));
        for a in cx.principal().map(hanteam_domain::access::officer_agencies).unwrap_or_default() {
            links.push((super::evaluation_prizes::agency_statement_href(id, a.get()), "우리 기관 명세서".into()));
        }
    }
    for (key, label) in own {
        links.push((super::evaluation_prizes::person_statement_href(id, &key), label));
    }
    if cx.principal().is_some_and(hanteam_domain::access::can_decide_objections) && stage < Stage::Final {
        links.push((Endpoint::PageEvalPrizeSettingsForm.href(&[&id]), "포상금 총액과 1인 상한".into()));
    }
    links
}

// ---------------------------------------------------------------------------------------------
// 3. OPC creates and edits a round.

/// The round's current values as the form shows them.
fn input_of(r: &RoundView) -> RoundInput {
    let s = &r.schedule;
    let p = &r.settings.panel;
    RoundInput {
        name: Some(r.name.clone()),
        setup_on: Some(iso_date(s.setup_on)),
        assignment_on: Some(iso_date(s.assignment_on)),
        scoring_on: Some(iso_date(s.scoring_on)),
        review_on: Some(iso_date(s.review_on)),
        objections_on: Some(iso_date(s.objections_on)),
        final_on: Some(iso_date(s.final_on)),
        published_on: Some(iso_date(s.published_on)),
        evaluators_per_task: Some(p.evaluators_per_task.to_string()),
        tasks_per_evaluator: Some(p.tasks_per_evaluator.to_string()),
        private_share_num: Some(p.private_share.num().to_string()),
        private_share_den: Some(p.private_share.den().to_string()),
        lookback_years: Some(p.lookback_years.to_string()),
        version: Some(r.version.to_string()),
        ..RoundInput::default()
    }
}

/// The form's fields; `editing` is the round being edited (its rubric may be frozen).
fn round_fields(input: &RoundInput, editing: Option<&RoundView>) -> Vec<Field> {
    let frozen = editing.is_some_and(|r| !r.rubric_editable);
    let preset_none = if editing.is_some() {
        "지금 평가표 그대로 두기"
    } else {
        "기본 평가표(국민 체감 변화 중심, 수정용 예시)"
    };
    let presets = RubricPreset::ALL
        .iter()
        .filter(|p| editing.is_some() || **p != RubricPreset::CitizenChange)
        .map(|p| (p.as_str().to_string(), p.label_ko().to_string()))
        .collect();
    let preset_hint = if frozen {
        "채점이 시작되어 평가표가 고정되었습니다. 다른 평가표를 고르면 저장되지 않습니다."
    } else if editing.is_some() {
        "고르면 지금 평가표를 그 평가표로 바꿉니다. 채점이 시작되면 평가표는 고정됩니다."
    } else {
        "기본 평가표는 hanteam이 제안하는 예시로, 공식 평가표가 아닙니다. 만든 뒤 국무조정실이 고쳐 씁니다."
    };
    let mut fields =
        vec![Field::text("name", "평가 회차 이름", &input.name).required().hint("예: 2024년 협업과제 평가")];
    for (name, label) in [
        ("setup_on", "준비 시작일"),
        ("assignment_on", "배정 시작일"),
        ("scoring_on", "채점 시작일"),
        ("review_on", "검토 시작일"),
        ("objections_on", "이의신청 시작일"),
        ("final_on", "확정일"),
        ("published_on", "공개일"),
    ] {
        let value = match name {
            "setup_on" => &input.setup_on,
            "assignment_on" => &input.assignment_on,
            "scoring_on" => &input.scoring_on,
            "review_on" => &input.review_on,
            "objections_on" => &input.objections_on,
            "final_on" => &input.final_on,
            _ => &input.published_on,
        };
        fields.push(Field::date(name, label, value).required());
    }
    fields.push(
        Field::select(
            "rubric_preset",
            "평가표",
            options_with(preset_none, input.rubric_preset.as_deref().unwrap_or(""), presets),
        )
        .hint(preset_hint),
    );
    fields.push(
        Field::text("evaluators_per_task", "과제당 평가위원 수", &input.evaluators_per_task)
            .hint("비워 두면 지금 값(처음에는 3명)을 씁니다."),
    );
    fields.push(
        Field::text("tasks_per_evaluator", "평가위원당 최대 과제 수", &input.tasks_per_evaluator)
            .hint("비워 두면 지금 값(처음에는 15개)을 씁니다."),
    );
    fields.push(
        Field::text("private_share_num", "민간 전문가 비율(분자)", &input.private_share_num)
            .hint("예: 3분의 2 이상이면 분자 2, 분모 3. 비워 두면 지금 값을 씁니다."),
    );
    fields.push(Field::text("private_share_den", "민간 전문가 비율(분모)", &input.private_share_den));
    fields.push(
        Field::text("lookback_years", "제척 기준 기간(년)", &input.lookback_years)
            .hint("채점 시작일 전 이 기간 안에 과제 참여 기관에 소속된 평가위원은 그 과제에서 자동으로 제외됩니다."),
    );
    fields
}

fn create_form(cx: &Ctx, input: &RoundInput) -> FormPage {
    FormPage {
        layout: Layout::detail(cx, Section::Evaluation, "새 평가 회차"),
        heading: "새 평가 회차".into(),
        context: vec![],
        intro: vec![
            "평가 회차는 준비 → 배정 → 채점 → 검토 → 이의신청 → 확정 → 공개 단계로 진행합니다. 단계마다 시작일을 순서대로 입력하세요."
                .into(),
            "평가 대상 과제는 확정·추진 중·완료된 과제 가운데 보관되지 않은 모든 과제입니다. 등급 규칙과 우수과제 규칙은 기본값(S/A/B/C 20/40/30/10%, S 등급이 우수과제)으로 시작합니다."
                .into(),
        ],
        alert: None,
        form: FormView {
            action: Endpoint::PageEvalRoundCreate.href(&[]),
            csrf: cx.csrf(),
            hidden: vec![],
            fields: round_fields(input, None),
            submit: "평가 회차 만들기",
            cancel: list_href(),
        },
        reload: Endpoint::PageEvalRoundNew.href(&[]),
    }
}

pub(crate) async fn new_form(cx: Ctx) -> Response {
    if let Err(e) = only_opc(&cx) {
        return error_page(e, &cx);
    }
    render(StatusCode::OK, &create_form(&cx, &RoundInput::default()))
}

/// A page form's fields: everything a script could send that a form does not is left out.
fn from_form(input: RoundInput) -> RoundInput {
    let blank = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    RoundInput {
        rubric_preset: blank(input.rubric_preset),
        evaluators_per_task: blank(input.evaluators_per_task),
        tasks_per_evaluator: blank(input.tasks_per_evaluator),
        private_share_num: blank(input.private_share_num),
        private_share_den: blank(input.private_share_den),
        lookback_years: blank(input.lookback_years),
        task_ids: None,
        rubric: None,
        aggregation: None,
        grading: None,
        excellent: None,
        agency: None,
        ..input
    }
}

/// The answer to a form whose use case may refuse by the record's state (409 with a reason): the
/// form again with the reason on top and what the user typed, nothing written.
async fn answer_or_refuse<P: super::form::Refusable + WithAlert>(
    cx: &Ctx,
    result: Result<String, AppError>,
    page: impl AsyncFnOnce() -> Result<P, AppError>,
) -> Response {
    match result {
        Err(AppError::Conflict(message)) => match page().await {
            Ok(mut p) => {
                p.set_alert(Alert::danger("저장 안 됨", &format!("{message} 아무것도 저장되지 않았습니다.")));
                render(StatusCode::CONFLICT, &p)
            }
            Err(e) => error_page(e, cx),
        },
        other => answer(cx, other, page).await,
    }
}

trait WithAlert {
    fn set_alert(&mut self, alert: Alert);
}

impl WithAlert for FormPage {
    fn set_alert(&mut self, alert: Alert) {
        self.alert = Some(alert);
    }
}

impl WithAlert for ConfirmPage {
    fn set_alert(&mut self, alert: Alert) {
        self.alert = Some(alert);
    }
}

pub(crate) async fn create(
    State(state): State<AppState>,
    cx: Ctx,
    form: Result<Form<RoundInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => from_form(i),
        Err(e) => return error_page(e, &cx),
    };
    let result = evaluation::create(&state.db, cx.by(), &input)
        .await
        .map(|s| format!("{}?saved=1", round_href(round_id(s.id))))
        .map_err(AppError::from);
    answer_or_refuse(&cx, result, async || Ok(create_form(&cx, &input))).await
}

async fn edit_page(state: &AppState, cx: &Ctx, raw: &str, typed: Option<&RoundInput>) -> Result<FormPage, AppError> {
    only_opc(cx)?;
    let id = EvaluationRoundId::parse(raw)?;
    let r = evaluation::get(&state.db, cx.by(), id).await?;
    let current = input_of(&r);
    let input = typed.unwrap_or(&current);
    let mut hidden = vec![Hidden { name: "version", value: input.version.clone().unwrap_or_default() }];
    hidden.retain(|h| !h.value.is_empty());
    let mut intro =
        vec![format!("현재 단계는 '{}'입니다. 평가 대상 과제는 '준비' 단계에서만 바뀝니다.", r.stage_label)];
    if !r.rubric_editable {
        intro.push(
            "채점이 시작되어 평가표(항목·가중치)는 고정되었습니다. 이름, 일정, 평가위원 구성 규칙은 고칠 수 있습니다."
                .into(),
        );
    }
    Ok(FormPage {
        layout: Layout::nested(cx, Section::Evaluation, vec![(r.name.clone(), round_href(id))], "평가 회차 수정"),
        heading: format!("평가 회차 수정: {}", r.name),
        context: round_facts(&r),
        intro,
        alert: None,
        form: FormView {
            action: Endpoint::PageEvalRoundEdit.href(&[&id]),
            csrf: cx.csrf(),
            hidden,
            fields: round_fields(input, Some(&r)),
            submit: "저장",
            cancel: round_href(id),
        },
        reload: Endpoint::PageEvalRoundEditForm.href(&[&id]),
    })
}

pub(crate) async fn edit_form(State(state): State<AppState>, cx: Ctx, Path(raw): Path<String>) -> Response {
    respond(edit_page(&state, &cx, &raw, None).await, &cx)
}

pub(crate) async fn edit(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<String>,
    form: Result<Form<RoundInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => from_form(i),
        Err(e) => return error_page(e, &cx),
    };
    let result = async {
        let id = EvaluationRoundId::parse(&raw)?;
        evaluation::update(&state.db, cx.by(), id, &input).await?;
        Ok::<_, AppError>(format!("{}?saved=1", round_href(id)))
    }
    .await;
    answer_or_refuse(&cx, result, async || edit_page(&state, &cx, &raw, Some(&input)).await).await
}

// ---------------------------------------------------------------------------------------------
// 4. OPC moves a round's stage, after a confirmation.

fn parse_to(raw: &str) -> Result<Stage, AppError> {
    raw.parse::<Stage>().map_err(|m| AppError::invalid("to", m))
}

async fn stage_page(state: &AppState, cx: &Ctx, raw: &(String, String)) -> Result<ConfirmPage, AppError> {
    only_opc(cx)?;
    let id = EvaluationRoundId::parse(&raw.0)?;
    let to = parse_to(&raw.1)?;
    let r = evaluation::get(&state.db, cx.by(), id).await?;
    let back = to < r.stage;
    let verb = if back { "되돌리기" } else { "옮기기" };
    let mut context = round_facts(&r);
    context.push(Fact::new("옮길 단계", format!("{} (시작일 {})", to.label_ko(), date_ko(r.schedule.starts(to)))));
    Ok(ConfirmPage {
        layout: Layout::nested(cx, Section::Evaluation, vec![(r.name.clone(), round_href(id))], format!("단계 {verb}")),
        heading: format!("'{}' 단계에서 '{}' 단계로 {verb}", r.stage_label, to.label_ko()),
        context,
        message: vec![
            move_consequence(to).to_string(),
            "단계는 한 번에 한 단계씩만 옮길 수 있고, 검토 단계에서만 채점 단계로 되돌릴 수 있습니다.".into(),
        ],
        alert: None,
        action: Endpoint::PageEvalStage.href(&[&id, &to.as_str()]),
        csrf: cx.csrf(),
        version: r.version.to_string(),
        submit: if back { "단계 되돌리기" } else { "단계 옮기기" },
        cancel: round_href(id),
        reload: Endpoint::PageEvalStageForm.href(&[&id, &to.as_str()]),
    })
}

pub(crate) async fn stage_form(State(state): State<AppState>, cx: Ctx, Path(raw): Path<(String, String)>) -> Response {
    respond(stage_page(&state, &cx, &raw).await, &cx)
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct VersionForm {
    version: Option<String>,
}

pub(crate) async fn stage_move(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<(String, String)>,
    form: Result<Form<VersionForm>, FormRejection>,
) -> Response {
    let result = async {
        let input = form_input(form)?;
        let id = EvaluationRoundId::parse(&raw.0)?;
        let to = parse_to(&raw.1)?;
        let input = StageInput { to: Some(to.as_str().into()), version: input.version };
        evaluation::move_stage(&state.db, cx.by(), id, &input, Utc::now()).await?;
        Ok::<_, AppError>(format!("{}?saved=1", round_href(id)))
    }
    .await;
    answer_or_refuse(&cx, result, async || stage_page(&state, &cx, &raw).await).await
}

// ---------------------------------------------------------------------------------------------
// 5. OPC runs the assignment tool.

/// The most proposed panels the page lists; the count says how many there are in all.
const PANELS_SHOWN: usize = 50;

struct ProposedRow {
    task_id: i64,
    evaluators: String,
}

struct AssignmentResult {
    tasks: usize,
    seats: usize,
    max_load: u32,
    min_load: u32,
    evaluators: usize,
    rows: Vec<ProposedRow>,
    shown: usize,
    total: usize,
}

#[derive(Template)]
#[template(path = "evaluation_assignment.html")]
struct AssignmentPage {
    layout: Layout,
    heading: String,
    facts: Vec<Fact>,
    rules: Vec<Fact>,
    alert: Option<Alert>,
    /// Why the tool cannot run at this stage; no form then.
    closed: Option<String>,
    action: String,
    csrf: String,
    result: Option<AssignmentResult>,
    back: String,
}

async fn assignment_page(state: &AppState, cx: &Ctx, raw: &str) -> Result<AssignmentPage, AppError> {
    only_opc(cx)?;
    let id = EvaluationRoundId::parse(raw)?;
    let r = evaluation::get(&state.db, cx.by(), id).await?;
    Ok(AssignmentPage {
        layout: Layout::nested(cx, Section::Evaluation, vec![(r.name.clone(), round_href(id))], "평가위원 배정"),
        heading: format!("평가위원 배정: {}", r.name),
        facts: round_facts(&r),
        rules: panel_facts(&r.settings),
        alert: None,
        closed: (r.stage > Stage::Assignment).then(|| {
            format!(
                "'{}' 단계에서는 평가위원을 배정할 수 없습니다. 배정은 '준비'·'배정' 단계에서 합니다.",
                r.stage_label
            )
        }),
        action: Endpoint::PageEvalAssignment.href(&[&id]),
        csrf: cx.csrf(),
        result: None,
        back: round_href(id),
    })
}

fn assignment_result(a: &AssignmentView) -> AssignmentResult {
    AssignmentResult {
        tasks: a.tasks,
        seats: a.seats,
        max_load: a.max_load,
        min_load: a.min_load,
        evaluators: a.loads.len(),
        rows: a
            .panels
            .iter()
            .take(PANELS_SHOWN)
            .map(|p| ProposedRow {
                task_id: p.task_id,
                evaluators: p.evaluator_ids.iter().map(|e| format!("평가위원 {e}")).collect::<Vec<_>>().join(", "),
            })
            .collect(),
        shown: a.panels.len().min(PANELS_SHOWN),
        total: a.panels_total,
    }
}

pub(crate) async fn assignment_form(State(state): State<AppState>, cx: Ctx, Path(raw): Path<String>) -> Response {
    respond(assignment_page(&state, &cx, &raw).await, &cx)
}

pub(crate) async fn assignment_run(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<String>,
    form: Result<Form<AssignmentInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let ran = async {
        let id = EvaluationRoundId::parse(&raw)?;
        Ok::<_, AppError>((id, evaluation::run_assignment(&state.db, cx.by(), id, &input).await?))
    }
    .await;
    let (status, alert, result) = match ran {
        Ok((id, a)) if a.confirmed => return see_other(&format!("{}?saved=1#h-panels", round_href(id))),
        Ok((_, a)) => (
            StatusCode::OK,
            Alert::info("미리 보기입니다. 아무것도 저장하지 않았습니다. 이대로 배정하려면 '배정 확정'을 누르세요."),
            Some(assignment_result(&a)),
        ),
        Err(AppError::Conflict(message)) => (StatusCode::CONFLICT, Alert::danger("배정 불가", &message), None),
        Err(AppError::Invalid(errors)) => (StatusCode::BAD_REQUEST, mark_errors(&mut [], &errors), None),
        Err(e) => return error_page(e, &cx),
    };
    match assignment_page(&state, &cx, &raw).await {
        Ok(mut page) => {
            page.alert = Some(alert);
            page.result = result;
            render(status, &page)
        }
        Err(e) => error_page(e, &cx),
    }
}

// ---------------------------------------------------------------------------------------------
// 6. OPC decides a 기피.

async fn decision_page(
    state: &AppState,
    cx: &Ctx,
    raw: &(String, String),
    typed: Option<&ConflictDecisionInput>,
) -> Result<FormPage, AppError> {
    only_opc(cx)?;
    let id = EvaluationRoundId::parse(&raw.0)?;
    let cid = EvaluationConflictId::parse(&raw.1)?;
    let p = evaluation::panels(&state.db, cx.by(), id, Paging { limit: 1, offset: 0 }).await?;
    let missing = || AppError::NotFound(format!("{cid}번 기피 신청"));
    let c = p.conflicts.iter().find(|c| c.id == cid.get()).ok_or_else(missing)?;
    if c.kind != "challenge" {
        return Err(missing());
    }
    let decision = typed.and_then(|t| t.decision.clone()).unwrap_or_default();
    let reason = typed.and_then(|t| t.reason.clone());
    let version = typed.and_then(|t| t.version.clone()).unwrap_or_else(|| c.version.to_string());
    let mut context = vec![
        Fact::new("평가 회차", p.round.name.clone()),
        Fact::new("과제", format!("{}번 과제", c.task_id)),
        Fact::new("평가위원", c.evaluator_name.clone()),
        Fact::new("신청 기관", c.by_agency.clone().unwrap_or_else(|| "미입력".into())),
        Fact::new("신청 사유", c.reason.clone()),
        Fact::new("상태", c.status_label.clone()),
    ];
    if let Some(d) = &c.decision_reason {
        context.push(Fact::new("결정 사유", d.clone()));
    }
    Ok(FormPage {
        layout: Layout::nested(
            cx,
            Section::Evaluation,
            vec![(p.round.name.clone(), round_href(id))],
            "기피 신청 결정",
        ),
        heading: format!("기피 신청 결정: {} ({}번 과제)", c.evaluator_name, c.task_id),
        context,
        intro: vec!["인용하면 이 평가위원은 이 과제의 평가위원에서 빠집니다. 기각하면 그대로 평가합니다. 결정과 사유는 감사기록에 남습니다.".into()],
        alert: None,
        form: FormView {
            action: Endpoint::PageEvalDecide.href(&[&id, &cid]),
            csrf: cx.csrf(),
            hidden: vec![Hidden { name: "version", value: version }],
            fields: vec![
                Field::select(
                    "decision",
                    "결정",
                    options_with(
                        "고르세요",
                        &decision,
                        vec![
                            ("upheld".into(), "인용 (평가위원에서 제외)".into()),
                            ("rejected".into(), "기각 (그대로 평가)".into()),
                        ],
                    ),
                )
                .required(),
                Field::textarea("reason", "결정 사유", &reason, 4).required(),
            ],
            submit: "결정 저장",
            cancel: round_href(id),
        },
        reload: Endpoint::PageEvalDecisionForm.href(&[&id, &cid]),
    })
}

pub(crate) async fn decision_form(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<(String, String)>,
) -> Response {
    respond(decision_page(&state, &cx, &raw, None).await, &cx)
}

pub(crate) async fn decide(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<(String, String)>,
    form: Result<Form<ConflictDecisionInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let result = async {
        let id = EvaluationRoundId::parse(&raw.0)?;
        let cid = EvaluationConflictId::parse(&raw.1)?;
        evaluation::decide_conflict(&state.db, cx.by(), cid, &input).await?;
        Ok::<_, AppError>(format!("{}?saved=1#h-conflicts", round_href(id)))
    }
    .await;
    answer_or_refuse(&cx, result, async || decision_page(&state, &cx, &raw, Some(&input)).await).await
}

// ---------------------------------------------------------------------------------------------
// 7. The evaluator: the pledge, its own tasks, 회피.

struct MyTaskRow {
    seq: i64,
    title: String,
    href: String,
    score_href: String,
    recusal_href: Option<String>,
}

#[derive(Template)]
#[template(path = "evaluation_my_tasks.html")]
struct MyTasksPage {
    layout: Layout,
    heading: String,
    saved: bool,
    stage: Badge,
    pledged: bool,
    signed_at: Option<super::format::When>,
    pledge_text: Vec<String>,
    pledge_version: String,
    pledge_action: String,
    csrf: String,
    total: i64,
    rows: Vec<MyTaskRow>,
    pager: Option<Pager>,
    round_href: String,
}

pub(crate) async fn my_tasks(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<String>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let result = async {
        let id = EvaluationRoundId::parse(&raw)?;
        let paging = q.paging()?;
        let v = evaluation::my_tasks(&state.db, cx.by(), id, paging).await?;
        // 회피 is taken until scoring closes, as the use case says.
        let open = v.stage <= Stage::Scoring;
        Ok::<_, AppError>(MyTasksPage {
            layout: Layout::nested(
                &cx,
                Section::Evaluation,
                vec![(v.round_name.clone(), round_href(id))],
                "내 평가 과제",
            ),
            heading: format!("내 평가 과제: {}", v.round_name),
            saved: q.saved(),
            stage: stage_badge(v.stage),
            pledged: v.pledged,
            signed_at: v.signed_at.map(when),
            pledge_text: v.pledge_text,
            pledge_version: v.pledge_version,
            pledge_action: Endpoint::PageEvalPledge.href(&[&id]),
            csrf: cx.csrf(),
            total: v.total,
            rows: v
                .tasks
                .iter()
                .map(|t| MyTaskRow {
                    seq: t.seq,
                    title: t.title.clone(),
                    href: super::links::task(&t.id),
                    score_href: Endpoint::PageEvalScoreForm.href(&[&id, &t.id]),
                    recusal_href: open.then(|| Endpoint::PageEvalRecusalForm.href(&[&id, &t.id])),
                })
                .collect(),
            pager: q.pager(&my_tasks_href(id), paging, v.total),
            round_href: round_href(id),
        })
    }
    .await;
    respond(result, &cx)
}

pub(crate) async fn sign_pledge(State(state): State<AppState>, cx: Ctx, Path(raw): Path<String>) -> Response {
    let result = async {
        let id = EvaluationRoundId::parse(&raw)?;
        evaluation::sign_pledge(&state.db, cx.by(), id).await?;
        Ok::<_, AppError>(format!("{}?saved=1", my_tasks_href(id)))
    }
    .await;
    match result {
        Ok(href) => see_other(&href),
        Err(e) => error_page(e, &cx),
    }
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct RecusalForm {
    reason: Option<String>,
}

async fn recusal_page(
    state: &AppState,
    cx: &Ctx,
    raw: &(String, String),
    typed: Option<&RecusalForm>,
) -> Result<FormPage, AppError> {
    let id = EvaluationRoundId::parse(&raw.0)?;
    let task = TaskId::parse(&raw.1)?;
    // The evaluator's own tasks: asks the evaluator rule and the pledge, and names the task.
    let v = evaluation::my_tasks(&state.db, cx.by(), id, Paging::LARGEST).await?;
    let title = v
        .tasks
        .iter()
        .find(|t| t.id == task)
        .map_or_else(|| format!("{task}번 과제"), |t| format!("{}. {}", t.seq, t.title));
    Ok(FormPage {
        layout: Layout::nested(
            cx,
            Section::Evaluation,
            vec![(v.round_name.clone(), round_href(id)), ("내 평가 과제".into(), my_tasks_href(id))],
            "회피 신청",
        ),
        heading: "회피 신청".into(),
        context: vec![Fact::new("평가 회차", v.round_name.clone()), Fact::new("과제", title)],
        intro: vec![
            "이 과제를 공정하게 평가하기 어려운 사정(최근 재직, 자문, 친족 관계 등)이 있으면 회피를 신청합니다. 신청하면 바로 이 과제의 평가위원에서 빠지고, 감사기록에 남습니다."
                .into(),
        ],
        alert: None,
        form: FormView {
            action: Endpoint::PageEvalRecusal.href(&[&id, &task]),
            csrf: cx.csrf(),
            hidden: vec![],
            fields: vec![Field::textarea("reason", "회피 사유", &typed.and_then(|t| t.reason.clone()), 4).required()],
            submit: "회피 신청",
            cancel: my_tasks_href(id),
        },
        reload: Endpoint::PageEvalRecusalForm.href(&[&id, &task]),
    })
}

pub(crate) async fn recusal_form(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<(String, String)>,
) -> Response {
    respond(recusal_page(&state, &cx, &raw, None).await, &cx)
}

pub(crate) async fn recusal(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<(String, String)>,
    form: Result<Form<RecusalForm>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let result = async {
        let id = EvaluationRoundId::parse(&raw.0)?;
        let task = TaskId::parse(&raw.1)?;
        let c = ConflictInput {
            kind: Some("recusal".into()),
            task_id: Some(task.get().to_string()),
            evaluator_id: None,
            reason: input.reason.clone(),
        };
        evaluation::declare_conflict(&state.db, cx.by(), id, &c).await?;
        Ok::<_, AppError>(format!("{}?saved=1", my_tasks_href(id)))
    }
    .await;
    answer_or_refuse(&cx, result, async || recusal_page(&state, &cx, &raw, Some(&input)).await).await
}

// ---------------------------------------------------------------------------------------------
// 8. After scoring: the public result, objections and OPC's decisions.

struct RankRow {
    rank: i64,
    agency: String,
    score: String,
    n_tasks: i64,
}

#[derive(Template)]
#[template(path = "evaluation_results.html")]
struct ResultsPage {
    layout: Layout,
    round_href: String,
    xlsx_href: String,
    total: i64,
    excellent_total: i64,
    table: Table,
    pager: Option<Pager>,
    agencies: Vec<RankRow>,
}

fn score_text(s: f64) -> String {
    format!("{s:.2}점")
}

fn results_href(id: EvaluationRoundId) -> String {
    Endpoint::PageEvalResults.href(&[&id])
}

/// The published result, a page of tasks at a time. Before publication the round's result does not
/// exist for anyone here (404), whatever the API says to those who read the round (409): the page
/// is public, and a public page does not say what is being prepared.
pub(crate) async fn results(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<String>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let result = async {
        let id = EvaluationRoundId::parse(&raw)?;
        let paging = q.paging()?;
        let v =
            objections::publication(&state.db, cx.by(), id, false, paging).await.map_err(|e| {
                match AppError::from(e) {
                    AppError::Conflict(_) => AppError::NotFound(format!("{id}번 평가 회차의 공개된 결과")),
                    other => other,
                }
            })?;
        let rows = v
            .items
            .iter()
            .map(|t| {
                vec![
                    Cell::Text(t.position.to_string()),
                    Cell::HeadLink {
                        href: super::links::task(&TaskId::new(t.task_id)),
                        text: format!("{}. {}", t.task_seq, t.task_title),
                    },
                    Cell::Text(t.grade.clone()),
                    Cell::Text(score_text(t.score)),
                    Cell::Text(if t.excellent { "우수과제".into() } else { "-".into() }),
                    Cell::Text(t.citizen_change.clone().unwrap_or_else(|| "과제 설명이 아직 없습니다.".into())),
                ]
            })
            .collect();
        Ok::<_, AppError>(ResultsPage {
            layout: Layout::nested(&cx, Section::Evaluation, vec![(v.round_name.clone(), round_href(id))], "평가 결과"),
            round_href: round_href(id),
            xlsx_href: Endpoint::PageEvalResultsXlsx.href(&[&id]),
            total: v.total,
            excellent_total: v.excellent_total,
            table: Table {
                caption: "과제별 평가 결과: 순위, 과제, 등급, 점수, 우수과제 여부, 국민이 체감하는 변화".into(),
                head: vec!["순위", "과제", "등급", "점수", "우수과제", "국민이 체감하는 변화"],
                rows,
                scroll_label: Some("과제별 평가 결과 표".into()),
            },
            pager: q.pager(&results_href(id), paging, v.total),
            agencies: v
                .agencies
                .iter()
                .map(|a| RankRow {
                    rank: a.rank,
                    agency: a.agency_name.clone(),
                    score: score_text(a.score),
                    n_tasks: a.n_tasks,
                })
                .collect(),
        })
    }
    .await;
    respond(result, &cx)
}

/// A row of the round page's objections.
struct ObjectionRow {
    task: String,
    agency: String,
    status: Badge,
    reason: String,
    decision_reason: Option<String>,
    decide_href: Option<String>,
}

fn objection_badge(o: &ObjectionView) -> Badge {
    let class = match o.status {
        ObjectionStatus::Pending => "bg-light-warning",
        ObjectionStatus::Upheld => "bg-light-information",
        ObjectionStatus::Rejected => "bg-light-gray",
    };
    Badge { label: o.status_label.clone().into(), class }
}

/// The round's objections for those the list use case lets read them (OPC, auditors, an agency's
/// officers their own); nothing for the others, and nothing before 이의신청.
async fn objection_rows(
    state: &AppState,
    cx: &Ctx,
    id: EvaluationRoundId,
    stage: Stage,
) -> Result<Option<Vec<ObjectionRow>>, AppError> {
    let Some(p) = cx.principal() else { return Ok(None) };
    if stage < Stage::Objections || objection_scope(p).is_some_and(|s| s.is_empty()) {
        return Ok(None);
    }
    let opc = is_opc(cx);
    let v = objections::list(&state.db, cx.by(), id, Paging::LARGEST).await?;
    Ok(Some(
        v.items
            .iter()
            .map(|o| ObjectionRow {
                task: format!("{}. {}", o.task_seq, o.task_title),
                agency: o.agency_name.clone(),
                status: objection_badge(o),
                reason: o.reason.clone(),
                decision_reason: o.decision_reason.clone(),
                decide_href: (opc && stage == Stage::Objections && o.status == ObjectionStatus::Pending)
                    .then(|| Endpoint::PageEvalObjectionDecisionForm.href(&[&id, &o.id])),
            })
            .collect(),
    ))
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct ObjectionQuery {
    task: Option<String>,
}

async fn objection_page(state: &AppState, cx: &Ctx, raw: &str, typed: &ObjectionInput) -> Result<FormPage, AppError> {
    let id = EvaluationRoundId::parse(raw)?;
    let r = evaluation::get(&state.db, cx.by(), id).await?;
    let (from, to) = r.schedule.objection_period();
    // The officer's own tasks with their provisional result, when the results use case lets it
    // read them (from 이의신청 on); otherwise the task is typed by its number.
    let own = own_results(state, cx, id).await?;
    let task_field = if own.is_empty() {
        Field::text("task_id", "과제 번호", &typed.task_id)
            .required()
            .hint("이 평가 회차의 과제 번호(예: 1)를 적습니다.")
    } else {
        Field::select("task_id", "과제", options_with("고르세요", typed.task_id.as_deref().unwrap_or(""), own))
            .required()
            .hint("기관이 참여하는 과제와 그 잠정 등급·점수입니다.")
    };
    Ok(FormPage {
        layout: Layout::nested(cx, Section::Evaluation, vec![(r.name.clone(), round_href(id))], "이의신청"),
        heading: format!("이의신청: {}", r.name),
        context: vec![
            Fact::new("평가 회차", r.name.clone()),
            Fact::new("현재 단계", r.stage_label.clone()),
            Fact::new("이의신청 기간", format!("{} ~ {}", date_ko(from), date_ko(to))),
        ],
        intro: vec![
            "과제에 참여하는 기관의 담당자는 이의신청 기간 안에 과제의 잠정 결과에 이의를 신청할 수 있습니다. 국무조정실이 인용하면 평가위원이 다시 채점하고, 기각하면 사유를 알려 드립니다."
                .into(),
        ],
        alert: None,
        form: FormView {
            action: Endpoint::PageEvalObjectionFile.href(&[&id]),
            csrf: cx.csrf(),
            hidden: vec![],
            fields: vec![
                task_field,
                Field::textarea("reason", "이의신청 사유", &typed.reason, 5)
                    .required()
                    .hint("무엇이 잘못 평가되었는지와 그 근거(빠진 실적, 잘못 적용된 지표 등)를 적습니다."),
            ],
            submit: "이의신청",
            cancel: round_href(id),
        },
        reload: Endpoint::PageEvalObjectionForm.href(&[&id]),
    })
}

/// The tasks whose provisional result the caller reads, as choices: `(task id, "seq. title (grade, score)")`.
async fn own_results(state: &AppState, cx: &Ctx, id: EvaluationRoundId) -> Result<Vec<(String, String)>, AppError> {
    match hanteam_app::scoring::results(&state.db, cx.by(), id, Paging::LARGEST).await {
        Ok(v) => Ok(v
            .items
            .iter()
            .map(|t| {
                (
                    t.task_id.to_string(),
                    format!("{}. {} (잠정 {}등급, {})", t.task_seq, t.task_title, t.grade, score_text(t.score)),
                )
            })
            .collect()),
        // Refused (no result yet, or not the caller's): the form still opens and the use case
        // answers the objection itself.
        Err(hanteam_app::UseCaseError::Internal(e)) => Err(AppError::Internal(e)),
        Err(_) => Ok(vec![]),
    }
}

pub(crate) async fn objection_form(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<String>,
    q: Result<Query<ObjectionQuery>, QueryRejection>,
) -> Response {
    let task = q.ok().and_then(|Query(q)| q.task);
    respond(objection_page(&state, &cx, &raw, &ObjectionInput { task_id: task, reason: None }).await, &cx)
}

pub(crate) async fn file_objection(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<String>,
    form: Result<Form<ObjectionInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let result = async {
        let id = EvaluationRoundId::parse(&raw)?;
        objections::file(&state.db, cx.by(), id, &input, Utc::now()).await?;
        Ok::<_, AppError>(format!("{}?saved=1#h-objections", round_href(id)))
    }
    .await;
    answer_or_refuse(&cx, result, async || objection_page(&state, &cx, &raw, &input).await).await
}

async fn objection_decision_page(
    state: &AppState,
    cx: &Ctx,
    raw: &(String, String),
    typed: Option<&ObjectionDecisionInput>,
) -> Result<FormPage, AppError> {
    if !is_opc(cx) {
        return Err(AppError::Forbidden("이의신청은 국무조정실 관리자만 결정할 수 있습니다.".into()));
    }
    let id = EvaluationRoundId::parse(&raw.0)?;
    let oid = EvaluationObjectionId::parse(&raw.1)?;
    let r = evaluation::get(&state.db, cx.by(), id).await?;
    // Through the round's list, so an objection of another round is not found under this one.
    let all = objections::list(&state.db, cx.by(), id, Paging::LARGEST).await?;
    let o =
        all.items.iter().find(|o| o.id == oid.get()).ok_or_else(|| AppError::NotFound(format!("{oid}번 이의신청")))?;
    let decision = typed.and_then(|t| t.decision.clone()).unwrap_or_default();
    let reason = typed.and_then(|t| t.reason.clone());
    let version = typed.and_then(|t| t.version.clone()).unwrap_or_else(|| o.version.to_string());
    let mut context = vec![
        Fact::new("평가 회차", r.name.clone()),
        Fact::new("과제", format!("{}. {}", o.task_seq, o.task_title)),
        Fact::new("신청 기관", o.agency_name.clone()),
        Fact::new("신청 사유", o.reason.clone()),
        Fact::new("상태", o.status_label.clone()),
    ];
    if let Some(d) = &o.decision_reason {
        context.push(Fact::new("결정 사유", d.clone()));
    }
    Ok(FormPage {
        layout: Layout::nested(cx, Section::Evaluation, vec![(r.name.clone(), round_href(id))], "이의신청 결정"),
        heading: format!("이의신청 결정: {}번 과제 ({})", o.task_seq, o.agency_name),
        context,
        intro: vec!["인용하면 이 과제의 제출된 채점표가 다시 열려 평가위원이 다시 채점합니다. 기각하면 사유를 적어 신청 기관에 알립니다. 결정과 사유는 감사기록에 남습니다.".into()],
        alert: None,
        form: FormView {
            action: Endpoint::PageEvalObjectionDecide.href(&[&id, &oid]),
            csrf: cx.csrf(),
            hidden: vec![Hidden { name: "version", value: version }],
            fields: vec![
                Field::select(
                    "decision",
                    "결정",
                    options_with(
                        "고르세요",
                        &decision,
                        vec![
                            ("upheld".into(), "인용 (평가위원이 다시 채점)".into()),
                            ("rejected".into(), "기각 (결과 유지)".into()),
                        ],
                    ),
                )
                .required(),
                Field::textarea("reason", "결정 사유", &reason, 4)
                    .hint("기각할 때는 꼭 적습니다. 인용할 때는 평가위원에게 전할 말을 적을 수 있습니다."),
            ],
            submit: "결정 저장",
            cancel: round_href(id),
        },
        reload: Endpoint::PageEvalObjectionDecisionForm.href(&[&id, &oid]),
    })
}

pub(crate) async fn objection_decision_form(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<(String, String)>,
) -> Response {
    respond(objection_decision_page(&state, &cx, &raw, None).await, &cx)
}

pub(crate) async fn decide_objection(
    State(state): State<AppState>,
    cx: Ctx,
    Path(raw): Path<(String, String)>,
    form: Result<Form<ObjectionDecisionInput>, FormRejection>,
) -> Response {
    let input = match form_input(form) {
        Ok(i) => i,
        Err(e) => return error_page(e, &cx),
    };
    let result = async {
        let id = EvaluationRoundId::parse(&raw.0)?;
        let oid = EvaluationObjectionId::parse(&raw.1)?;
        objections::decide(&state.db, cx.by(), oid, &input).await?;
        Ok::<_, AppError>(format!("{}?saved=1#h-objections", round_href(id)))
    }
    .await;
    answer_or_refuse(&cx, result, async || objection_decision_page(&state, &cx, &raw, Some(&input)).await).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_rubric_is_said_to_be_hanteams_not_the_official_one() {
        let text = rubric_origin(&Rubric::citizen_change_default());
        assert!(text.contains("공식 평가표가 아니므로"), "{text}");
        let text = rubric_origin(&Rubric::main_policy_2024());
        assert!(text.starts_with("출처: 2024년도 정부업무평가 시행계획"), "{text}");
    }

    #[test]
    fn opc_is_offered_the_next_stage_and_from_review_the_way_back() {
        assert_eq!(moves_from(Stage::Setup), vec![Stage::Assignment]);
        assert_eq!(moves_from(Stage::Review), vec![Stage::Objections, Stage::Scoring]);
        assert!(moves_from(Stage::Published).is_empty());
    }
}
