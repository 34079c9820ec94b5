//! Scoring (채점), blind: an evaluator saves a draft sheet for a task of its panel, submits it (the
//! sheet locks), and OPC reopens a submitted sheet with a reason. While scoring is open nobody —
//! OPC included — reads another evaluator's sheet, and an evaluator never learns who else sits on
//! its tasks. Closing scoring (the stage move 채점 → 검토, in `evaluation::move_stage`) computes the
//! round's result from the submitted sheets with `hanteam_domain::evaluation::evaluate` and stores
//! it in the same transaction; the results are read a page at a time by those allowed to.

use chrono::{DateTime, Utc};
use hanteam_domain::access::{self, ResultAccess, ResultRefusal};
use hanteam_domain::audit::AuditAction;
use hanteam_domain::checks::ProgressRating;
use hanteam_domain::edit::{parse_version, VersionInput};
use hanteam_domain::evaluation::outcome::{evaluate, RoundInputs, ScoreSheet, TaskInput};
use hanteam_domain::evaluation::round::{self, Stage};
use hanteam_domain::evaluation::rubric::Rubric;
use hanteam_domain::evaluation::setup::{RoundSettings, MAX_REASON};
use hanteam_domain::evaluation::sheet::{
    criterion_scores, parse_sheet, submittable, ScoreSheetInput, SheetScore, SheetStatus,
};
use hanteam_domain::{EvaluationRoundId, Paging, TaskId, UserId, ValidationError};
use hanteam_store::audit::Change;
use hanteam_store::evaluation::RoundRecord;
use hanteam_store::scoring::{ResultScope, SheetRecord};
use hanteam_store::views::{Page, TaskDetail};
use hanteam_store::{Db, Tx};
use serde::{Deserialize, Serialize};

use crate::round_record::settings_of;
use crate::{Caller, Result, Saved, UseCaseError};

fn round_not_found(id: EvaluationRoundId) -> UseCaseError {
    UseCaseError::NotFound(format!("{id}번 평가 회차"))
}

fn internal(e: impl std::fmt::Display) -> UseCaseError {
    UseCaseError::Internal(e.to_string())
}

fn scores_of(s: &SheetRecord) -> Result<Vec<SheetScore>> {
    serde_json::from_str(&s.scores_json).map_err(|e| internal(format!("채점표 {}를 읽을 수 없습니다: {e}", s.id)))
}

fn status_of(s: &SheetRecord) -> Result<SheetStatus> {
    s.status.parse().map_err(internal)
}

/// A reopened sheet not yet resubmitted: its evaluator may score it after scoring has closed.
fn reopened(s: Option<&SheetRecord>) -> bool {
    s.is_some_and(|s| s.status == SheetStatus::Draft.as_str() && s.reopened_at.is_some())
}

fn not_an_evaluator() -> UseCaseError {
    UseCaseError::Forbidden("채점은 평가위원만 합니다. 평가위원 계정으로 로그인해 주세요.".into())
}

fn not_seated(task: TaskId) -> UseCaseError {
    UseCaseError::Forbidden(format!(
        "{task}번 과제의 평가위원으로 배정되어 있지 않아 채점할 수 없습니다. 제척·회피·기피로 빠진 과제도 채점할 수 없습니다."
    ))
}

fn not_pledged() -> UseCaseError {
    UseCaseError::Forbidden(
        "이 평가 회차의 서약서에 먼저 서명해 주세요. 서명한 뒤에 배정된 과제를 채점할 수 있습니다.".into(),
    )
}

fn locked() -> UseCaseError {
    UseCaseError::Conflict(
        "제출한 채점표는 잠겨 있어 고칠 수 없습니다. 고쳐야 하면 국무조정실에 재채점(사유 기재)을 요청해 주세요."
            .into(),
    )
}

/// The caller as the evaluator of `task` in the round, inside a write: it signed the pledge and
/// holds the seat. The round is read shared: evaluators saving at once do not wait for each other,
/// but a stage move waits for them (and they for it).
async fn seated_in(tx: &mut Tx, by: &Caller, id: EvaluationRoundId, task: TaskId) -> Result<(UserId, RoundRecord)> {
    let p = by.signed_in()?;
    let me = access::may_act_as_evaluator(p).map_err(|_| not_an_evaluator())?;
    let r = tx.load_shared::<RoundRecord>(id).await?.ok_or_else(|| round_not_found(id))?;
    if !access::may_read_round(Some(p), r.stage()?) {
        return Err(round_not_found(id));
    }
    if !tx.round_has_task(id, task).await? {
        return Err(UseCaseError::NotFound(format!("이 평가 회차의 {task}번 과제")));
    }
    if tx.pledge(id, me).await?.is_none() {
        return Err(not_pledged());
    }
    if !tx.holds_seat(id, task, me).await? {
        return Err(not_seated(task));
    }
    Ok((me, r))
}

/// Saves the evaluator's sheet of a task as a draft (`PUT /api/v1/evaluation-rounds/{id}/tasks/{task_id}/score`):
/// only in 채점 (or, after it, a sheet OPC reopened), with the version read (null the first time).
/// A sheet that does not fit the rubric is refused whole, at its fields, and nothing is written.
pub async fn save_draft(
    db: &Db,
    by: &Caller,
    id: EvaluationRoundId,
    task: TaskId,
    input: &ScoreSheetInput,
) -> Result<Saved> {
    let mut tx = db.begin().await?;
    let (me, r) = seated_in(&mut tx, by, id, task).await?;
    let settings = settings_of(&r)?;
    let draft = parse_sheet(&settings.params.rubric, input)?;
    let before = tx.sheet(id, task, me).await?;
    if before.as_ref().is_some_and(|s| s.status == SheetStatus::Submitted.as_str()) {
        return Err(locked());
    }
    round::may_score(r.stage()?, reopened(before.as_ref())).map_err(|e| UseCaseError::Conflict(e.to_string()))?;
    let json = serde_json::to_string(&draft.scores).map_err(internal)?;
    let saved = match &before {
        None => {
            let sid = tx.insert_sheet(id, task, me, &json, draft.comment.as_deref()).await?;
            let after = tx.load::<SheetRecord>(sid).await?.ok_or_else(|| internal("채점표가 저장되지 않았습니다"))?;
            tx.audit(&by.actor, Change::created(AuditAction::EvaluationScoreSave, &after)).await?;
            Saved { id: sid, version: after.version }
        }
        Some(b) => {
            if draft.version != Some(b.version) {
                return Err(UseCaseError::Stale { current_version: b.version });
            }
            let version = tx
                .update_sheet(b.id, b.version, &json, draft.comment.as_deref())
                .await?
                .ok_or(UseCaseError::Stale { current_version: b.version })?;
            let after = tx.load::<SheetRecord>(b.id).await?.ok_or_else(|| internal("채점표가 없어졌습니다"))?;
            tx.audit(&by.actor, Change::updated(AuditAction::EvaluationScoreSave, b, &after)).await?;
            Saved { id: b.id, version }
        }
    };
    tx.commit().await?;
    Ok(saved)
}

/// Submits the evaluator's saved sheet (`POST …/score/submit`) with the version read: every
/// criterion must be scored; the sheet locks. A reopened sheet resubmitted after scoring has
/// closed recomputes the round's result in the same transaction, so the result always counts it.
pub async fn submit(db: &Db, by: &Caller, id: EvaluationRoundId, task: TaskId, input: &VersionInput) -> Result<Saved> {
    let mut tx = db.begin().await?;
    let (me, r) = seated_in(&mut tx, by, id, task).await?;
    let version = parse_version(input)?;
    let settings = settings_of(&r)?;
    let before = tx.sheet(id, task, me).await?.ok_or_else(|| {
        UseCaseError::Conflict("저장된 채점표가 없습니다. 점수를 먼저 임시 저장한 뒤 제출해 주세요.".into())
    })?;
    if status_of(&before)? == SheetStatus::Submitted {
        return Err(UseCaseError::Conflict("이미 제출한 채점표입니다.".into()));
    }
    let stage = r.stage()?;
    round::may_score(stage, reopened(Some(&before))).map_err(|e| UseCaseError::Conflict(e.to_string()))?;
    if before.version != version {
        return Err(UseCaseError::Stale { current_version: before.version });
    }
    submittable(&settings.params.rubric, &scores_of(&before)?)
        .map_err(|e| UseCaseError::invalid("scores", format!("제출할 수 없습니다. {e}")))?;
    let version =
        tx.submit_sheet(before.id, version).await?.ok_or(UseCaseError::Stale { current_version: before.version })?;
    let after = tx.load::<SheetRecord>(before.id).await?.ok_or_else(|| internal("채점표가 없어졌습니다"))?;
    tx.audit(&by.actor, Change::updated(AuditAction::EvaluationScoreSubmit, &before, &after)).await?;
    if stage > Stage::Scoring {
        compute_result(&mut tx, by, id, &settings).await?;
    }
    tx.commit().await?;
    Ok(Saved { id: before.id, version })
}

/// OPC reopens an evaluator's submitted sheet (`POST …/score/reopen`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReopenInput {
    pub evaluator_id: Option<String>,
    /// Why it is scored again (e.g. an upheld objection, a mistaken score found in review).
    pub reason: Option<String>,
}

fn parse_reopen(input: &ReopenInput) -> Result<(UserId, String), Vec<ValidationError>> {
    let mut errors = Vec::new();
    let evaluator = match input.evaluator_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => {
            errors.push(ValidationError::new("evaluator_id", "재채점할 평가위원을 골라 주세요 (evaluator_id)."));
            None
        }
        Some(s) => match s.parse::<i64>() {
            Ok(n) if n > 0 => Some(UserId::new(n)),
            _ => {
                errors.push(ValidationError::new(
                    "evaluator_id",
                    format!("평가위원 번호를 숫자로 적어 주세요. (입력값: '{s}')"),
                ));
                None
            }
        },
    };
    let reason = input.reason.as_deref().map(str::trim).unwrap_or_default().replace("\r\n", "\n");
    if reason.is_empty() {
        errors.push(ValidationError::new("reason", "재채점 사유를 적어 주세요. 사유는 평가 기록에 남습니다."));
    } else if reason.chars().count() > MAX_REASON {
        errors.push(ValidationError::new("reason", format!("재채점 사유는 {MAX_REASON}자 이내로 적어 주세요.")));
    }
    match evaluator {
        Some(e) if errors.is_empty() => Ok((e, reason)),
        _ => Err(errors),
    }
}

/// OPC unlocks a submitted sheet with a reason, in 채점, 검토 or 이의신청; the evaluator may then
/// change and resubmit it.
pub async fn reopen(db: &Db, by: &Caller, id: EvaluationRoundId, task: TaskId, input: &ReopenInput) -> Result<Saved> {
    let p = by.signed_in()?;
    if !access::can_reopen_scores(p) {
        return Err(UseCaseError::Forbidden("채점표의 재채점은 국무조정실 관리자만 허용할 수 있습니다.".into()));
    }
    let (evaluator, reason) = parse_reopen(input)?;
    let mut tx = db.begin().await?;
    let r = tx.load_shared::<RoundRecord>(id).await?.ok_or_else(|| round_not_found(id))?;
    let stage = r.stage()?;
    if !matches!(stage, Stage::Scoring | Stage::Review | Stage::Objections) {
        return Err(UseCaseError::Conflict(format!(
            "'{}' 단계에서는 재채점을 허용할 수 없습니다. 재채점은 '채점'·'검토'·'이의신청' 단계에서 엽니다.",
            stage.label_ko()
        )));
    }
    let before = tx
        .sheet(id, task, evaluator)
        .await?
        .ok_or_else(|| UseCaseError::NotFound(format!("평가위원 {evaluator}의 {task}번 과제 채점표")))?;
    if status_of(&before)? != SheetStatus::Submitted {
        return Err(UseCaseError::Conflict(
            "아직 제출되지 않은 채점표입니다. 평가위원이 지금도 고칠 수 있어 재채점을 열 필요가 없습니다.".into(),
        ));
    }
    let version = tx
        .reopen_sheet(before.id, before.version, &reason, p.user_id)
        .await?
        .ok_or(UseCaseError::Stale { current_version: before.version })?;
    let after = tx.load::<SheetRecord>(before.id).await?.ok_or_else(|| internal("채점표가 없어졌습니다"))?;
    tx.audit(&by.actor, Change::updated(AuditAction::EvaluationScoreReopen, &before, &after)).await?;
    tx.commit().await?;
    Ok(Saved { id: before.id, version })
}

/// What OPC's form to reopen a sheet of a task offers: the round, the task and its panel.
#[derive(Debug, Clone, Serialize)]
pub struct ReopenChoices {
    pub round_name: String,
    pub stage: Stage,
    pub task_seq: i64,
    pub task_title: String,
    /// (evaluator id, name) of each member of the task's panel.
    pub members: Vec<(i64, String)>,
}

/// The panel of `task` in the round, for OPC choosing whose submitted sheet to reopen. It names the
/// members (OPC sees the panels anyway) and nothing of their sheets.
pub async fn reopen_choices(db: &Db, by: &Caller, id: EvaluationRoundId, task: TaskId) -> Result<ReopenChoices> {
    let p = by.signed_in()?;
    if !access::can_reopen_scores(p) || !access::can_see_panels(p) {
        return Err(UseCaseError::Forbidden("채점표의 재채점은 국무조정실 관리자만 허용할 수 있습니다.".into()));
    }
    let r = db.get_round(id).await?.ok_or_else(|| round_not_found(id))?;
    let seats = db.panel_seats(id, &[task]).await?;
    if seats.is_empty() {
        return Err(UseCaseError::NotFound(format!("이 평가 회차에서 {task}번 과제의 평가위원")));
    }
    let detail = crate::tasks::detail(db, by, task).await?;
    Ok(ReopenChoices {
        round_name: r.name.clone(),
        stage: r.stage()?,
        task_seq: detail.summary.seq,
        task_title: detail.summary.title,
        members: seats.into_iter().map(|s| (s.evaluator_id, s.display_name)).collect(),
    })
}

/// A check cycle's light for the task, as evidence.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CycleLight {
    pub cycle: String,
    pub rating: ProgressRating,
    pub rating_label: String,
    pub reason: String,
}

/// What the evaluator scores a task with: the task in full (KPIs, milestones, procedures with the
/// time saved) and OPC's light of each closed check cycle.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evidence {
    pub task: TaskDetail,
    pub lights: Vec<CycleLight>,
}

/// A score sheet as its evaluator (or OPC, after close) reads it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SheetView {
    pub round_id: i64,
    pub task_id: i64,
    pub evaluator_id: i64,
    pub stage: Stage,
    /// None until the first save.
    pub status: Option<SheetStatus>,
    pub status_label: String,
    /// In the rubric's order; criteria not yet scored are left out.
    pub scores: Vec<SheetScore>,
    pub comment: Option<String>,
    /// The weighted total (0–100) once every criterion is scored.
    pub weighted_total: Option<f64>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub reopened_reason: Option<String>,
    pub reopened_at: Option<DateTime<Utc>>,
    /// The version to send with the next save or submit; None until the first save.
    pub version: Option<i64>,
    /// Whether its evaluator may save it now.
    pub editable: bool,
    pub rubric: Rubric,
    /// For its own evaluator only.
    pub evidence: Option<Evidence>,
}

/// A sheet (`GET …/tasks/{task_id}/score`): the evaluator's own, with the evidence; with
/// `evaluator_id` another evaluator's, which only OPC and auditors read and only once scoring has
/// closed (`round::scores_sealed`).
pub async fn sheet(db: &Db, by: &Caller, id: EvaluationRoundId, task: TaskId, of: Option<UserId>) -> Result<SheetView> {
    let p = by.signed_in()?;
    let own = access::may_act_as_evaluator(p).ok();
    let target = match (of, own) {
        (Some(e), _) => e,
        (None, Some(me)) => me,
        (None, None) => {
            return Err(UseCaseError::invalid("evaluator_id", "볼 채점표의 평가위원을 골라 주세요 (evaluator_id)."));
        }
    };
    let r = db.get_round(id).await?.ok_or_else(|| round_not_found(id))?;
    let stage = r.stage()?;
    if !access::may_read_round(Some(p), stage) {
        return Err(round_not_found(id));
    }
    let mine = own == Some(target);
    if !mine && !access::can_see_scores_of(p, target, round::scores_sealed(stage)) {
        let opc =
            p.has_role(hanteam_domain::access::Role::OpcAdmin) || p.has_role(hanteam_domain::access::Role::Auditor);
        return Err(UseCaseError::Forbidden(if opc {
            "채점이 끝나기 전에는 국무조정실도 평가위원의 채점표를 볼 수 없습니다. 채점을 마감(검토 단계로 이동)한 뒤에 보세요."
                .into()
        } else {
            "다른 평가위원의 채점표는 볼 수 없습니다.".into()
        }));
    }
    let settings = settings_of(&r)?;
    let record = db.get_sheet(id, task, target).await?;
    let evidence = if mine {
        if db.pledge_signed_at(id, target).await?.is_none() {
            return Err(not_pledged());
        }
        if !db.holds_seat(id, task, target).await? {
            return Err(not_seated(task));
        }
        let detail = crate::tasks::detail(db, by, task).await?;
        let lights = crate::checks::light_history(db, by, task)
            .await?
            .into_iter()
            .map(|(cycle, rating, reason)| CycleLight { cycle, rating, rating_label: rating.label_ko().into(), reason })
            .collect();
        Some(Evidence { task: detail, lights })
    } else {
        if record.is_none() {
            return Err(UseCaseError::NotFound(format!("평가위원 {target}의 {task}번 과제 채점표")));
        }
        None
    };
    let rubric = settings.params.rubric;
    let (status, scores) = match &record {
        Some(s) => (Some(status_of(s)?), scores_of(s)?),
        None => (None, vec![]),
    };
    let editable =
        mine && status != Some(SheetStatus::Submitted) && round::may_score(stage, reopened(record.as_ref())).is_ok();
    Ok(SheetView {
        round_id: id.get(),
        task_id: task.get(),
        evaluator_id: target.get(),
        stage,
        status,
        status_label: status.map_or("작성 전", SheetStatus::label_ko).into(),
        weighted_total: submittable(&rubric, &scores).ok(),
        scores,
        comment: record.as_ref().and_then(|s| s.comment.clone()),
        submitted_at: record.as_ref().and_then(|s| s.submitted_at),
        reopened_reason: record.as_ref().and_then(|s| s.reopened_reason.clone()),
        reopened_at: record.as_ref().and_then(|s| s.reopened_at),
        version: record.as_ref().map(|s| s.version),
        editable,
        rubric,
        evidence,
    })
}

/// What a computation of the result counted, as the audit log records it.
#[derive(Debug, Clone, Serialize)]
pub struct ResultSummary {
    pub round_id: i64,
    pub tasks: usize,
    pub unscored: usize,
    pub sheets: usize,
    pub excellent: usize,
    pub icc1: Option<f64>,
}

/// The round's tasks with their agencies, and its submitted sheets: what `evaluate` takes, for the
/// official result and for a what-if alike.
pub(crate) async fn round_inputs(tx: &mut Tx, id: EvaluationRoundId) -> Result<RoundInputs> {
    let tasks = tx.round_task_roles(id).await?;
    let stored = tx.submitted_sheets(id).await?;
    let mut sheets = Vec::with_capacity(stored.len());
    for s in &stored {
        let scores: Vec<SheetScore> = serde_json::from_str(&s.scores_json)
            .map_err(|e| internal(format!("과제 {}의 채점표를 읽을 수 없습니다: {e}", s.task_id)))?;
        sheets.push(ScoreSheet {
            task: TaskId::new(s.task_id),
            evaluator: UserId::new(s.evaluator_id),
            scores: criterion_scores(&scores),
        });
    }
    Ok(RoundInputs {
        tasks: tasks.into_iter().map(|(task, agencies)| TaskInput { task, tier: None, agencies }).collect(),
        sheets,
    })
}

/// Computes the round's result from its submitted sheets (of evaluators still seated) and stores
/// it, inside the caller's transaction: one read of the tasks, one of the sheets, one pure
/// `evaluate`, then batched inserts — no query per task. A round that cannot be evaluated as set
/// up (e.g. grading within tiers with tasks that have none) is refused with the reason, and the
/// caller's transaction is dropped with nothing written.
pub async fn compute_result(
    tx: &mut Tx,
    by: &Caller,
    id: EvaluationRoundId,
    settings: &RoundSettings,
) -> Result<ResultSummary> {
    let started = std::time::Instant::now();
    let inputs = round_inputs(tx, id).await?;
    let outcome = evaluate(&settings.params, &inputs)
        .map_err(|e| UseCaseError::Conflict(format!("평가 결과를 계산할 수 없어 아무것도 바꾸지 않았습니다. {e}")))?;
    let agencies_json = serde_json::to_string(&outcome.agencies).map_err(internal)?;
    tx.replace_results(id, &outcome, &agencies_json).await?;
    let summary = ResultSummary {
        round_id: id.get(),
        tasks: outcome.tasks.len(),
        unscored: outcome.unscored.len(),
        sheets: inputs.sheets.len(),
        excellent: outcome.tasks.iter().filter(|t| t.excellent).count(),
        icc1: outcome.agreement.icc1,
    };
    tx.audit(
        &by.actor,
        Change::of(
            AuditAction::EvaluationResultCompute,
            "evaluation_result",
            Some(id.get()),
            None::<&()>,
            Some(&summary),
        ),
    )
    .await?;
    tracing::info!(
        round = id.get(),
        tasks = summary.tasks,
        sheets = summary.sheets,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "평가 결과 산출"
    );
    Ok(summary)
}

/// One task's result as the results list shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResultItem {
    pub task_id: i64,
    pub task_seq: i64,
    pub task_title: String,
    pub score: f64,
    pub grade: String,
    pub excellent: bool,
    pub n_scores: i64,
    /// Standard deviation of the evaluators' totals: OPC and auditors only.
    pub spread: Option<f64>,
    /// Place in the ranking (1 = best): OPC and auditors, and everyone once published.
    pub position: Option<i64>,
    /// Whether the panel disagreed strongly (the round's rule): OPC and auditors only.
    pub disagreement: Option<bool>,
    /// The lowest and the highest total left out by the drop rule, when it applied (at least the
    /// round's number of scores): OPC and auditors only.
    pub dropped_low: Option<f64>,
    pub dropped_high: Option<f64>,
}

/// A page of a round's results.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResultsView {
    pub round_id: i64,
    pub stage: Stage,
    /// Before 확정 the result may still change (review, objections).
    pub provisional: bool,
    pub items: Vec<ResultItem>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
    /// Inter-rater agreement ICC(1) of the round: OPC and auditors only.
    pub icc1: Option<f64>,
    /// Tasks with no submitted sheet: OPC and auditors only.
    pub unscored: Option<i64>,
}

/// A page of the round's results in ranking order (`GET /api/v1/evaluation-rounds/{id}/results`):
/// OPC and auditors once scoring has closed; the officers of a task's agencies that task's
/// provisional score and grade from 이의신청 on; everyone once the round is 공개.
pub async fn results(db: &Db, by: &Caller, id: EvaluationRoundId, paging: Paging) -> Result<ResultsView> {
    let r = db.get_round(id).await?.ok_or_else(|| round_not_found(id))?;
    let stage = r.stage()?;
    if !access::may_read_round(by.principal(), stage) {
        return Err(round_not_found(id));
    }
    let how = access::result_access(by.principal(), stage).map_err(|why| match why {
        ResultRefusal::NotYet => UseCaseError::Conflict(
            "채점이 아직 끝나지 않아 평가 결과가 없습니다. 채점을 마감(검토 단계로 이동)하면 결과가 계산됩니다.".into(),
        ),
        ResultRefusal::BeforeObjections => {
            UseCaseError::Forbidden("참여 과제의 잠정 결과는 이의신청 단계부터 볼 수 있습니다.".into())
        }
        ResultRefusal::BeforePublication => UseCaseError::Forbidden("평가 결과는 공개된 뒤에 볼 수 있습니다.".into()),
    })?;
    let scope = match &how {
        ResultAccess::OwnAgencies(a) => ResultScope::Agencies(a.clone()),
        _ => ResultScope::All,
    };
    let page: Page<_> = db.results_page(id, &scope, paging).await?;
    let full = how == ResultAccess::Full;
    let ranked = full || how == ResultAccess::Published;
    let outcome = if full { db.round_outcome(id).await? } else { None };
    Ok(ResultsView {
        round_id: id.get(),
        stage,
        provisional: stage < Stage::Final,
        items: page
            .items
            .into_iter()
            .map(|e| ResultItem {
                task_id: e.task_id,
                task_seq: e.seq,
                task_title: e.title,
                score: e.score,
                grade: e.grade,
                excellent: e.excellent,
                n_scores: e.n_scores,
                spread: full.then_some(e.spread),
                position: ranked.then_some(e.position),
                disagreement: full.then_some(e.disagreement),
                dropped_low: e.dropped_low.filter(|_| full),
                dropped_high: e.dropped_high.filter(|_| full),
            })
            .collect(),
        total: page.total,
        limit: paging.limit,
        offset: paging.offset,
        icc1: outcome.as_ref().and_then(|o| o.icc1),
        unscored: outcome.as_ref().map(|o| o.unscored),
    })
}
