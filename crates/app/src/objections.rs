//! After scoring: objections (이의신청), finalising, publication and prizes.
//!
//! - An officer of an agency taking part in a task files an objection to the task's provisional
//!   result during the objection period; OPC upholds or rejects it. Upholding reopens the task's
//!   submitted sheets (seated evaluators only) with the objection's number as the reason; each
//!   resubmission recomputes the round's result (`scoring::submit`), and moving to 확정 recomputes
//!   it once more from every submitted sheet when an objection was upheld, so the final result
//!   always counts the rescoring. 확정 is refused while an objection is undecided or a reopened
//!   sheet is not submitted again, naming which ([`before_final`]).
//! - Once 공개, everyone reads each task's grade, what it changes for citizens (the task's
//!   description), the excellent tasks and the agency ranking — never an evaluator, an individual
//!   score, a comment, an objection or anyone's pay; the officers of a task's agencies read the
//!   names of its evaluators (never who gave which score).
//! - Prizes are `prizes`'.

use chrono::{DateTime, Utc};
use hanteam_domain::access;
use hanteam_domain::audit::AuditAction;
use hanteam_domain::evaluation::agency_score::AgencyScore;
use hanteam_domain::evaluation::objection::{
    ensure_finalisable, parse_objection, parse_objection_decision, rescoring_reason, ObjectionDecisionInput,
    ObjectionInput, ObjectionStatus,
};
use hanteam_domain::evaluation::round::{self, Stage};
use hanteam_domain::evaluation::setup::RoundSettings;
use hanteam_domain::time::kst_date;
use hanteam_domain::{EvaluationObjectionId, EvaluationRoundId, Paging, TaskId};
use hanteam_store::audit::Change;
use hanteam_store::evaluation::RoundRecord;
use hanteam_store::objections::{ObjectionRecord, ObjectionRow};
use hanteam_store::scoring::SheetRecord;
use hanteam_store::{Db, Tx};
use serde::Serialize;

use crate::round_record::schedule_of;
use crate::{Caller, Result, Saved, UseCaseError};

fn round_not_found(id: EvaluationRoundId) -> UseCaseError {
    UseCaseError::NotFound(format!("{id}번 평가 회차"))
}

fn internal(e: impl std::fmt::Display) -> UseCaseError {
    UseCaseError::Internal(e.to_string())
}

async fn readable(db: &Db, by: &Caller, id: EvaluationRoundId) -> Result<RoundRecord> {
    let r = db.get_round(id).await?.ok_or_else(|| round_not_found(id))?;
    if !access::may_read_round(by.principal(), r.stage()?) {
        return Err(round_not_found(id));
    }
    Ok(r)
}

fn not_opc() -> UseCaseError {
    UseCaseError::Forbidden("이의신청은 국무조정실 관리자만 결정할 수 있습니다.".into())
}

/// An officer of an agency taking part in the task objects to its provisional result
/// (`POST /api/v1/evaluation-rounds/{id}/objections`), in 이의신청 and within the objection period
/// (`today` counted in Korean time); one undecided objection per agency and task.
pub async fn file(
    db: &Db,
    by: &Caller,
    id: EvaluationRoundId,
    input: &ObjectionInput,
    now: DateTime<Utc>,
) -> Result<Saved> {
    let p = by.signed_in()?;
    readable(db, by, id).await?;
    let d = parse_objection(input)?;
    let mut tx = db.begin().await?;
    let r = tx.load_shared::<RoundRecord>(id).await?.ok_or_else(|| round_not_found(id))?;
    if !tx.round_has_task(id, d.task).await? {
        return Err(UseCaseError::invalid("task_id", format!("{}번 과제는 이 평가 회차의 과제가 아닙니다.", d.task)));
    }
    let parties = db.task_parties(d.task).await?;
    let agency = access::may_file_objection(p, &parties)
        .map_err(|_| UseCaseError::Forbidden("이의신청은 이 과제에 참여하는 기관의 담당자만 할 수 있습니다.".into()))?;
    round::may_object(r.stage()?, &schedule_of(&r), kst_date(now))
        .map_err(|e| UseCaseError::Conflict(e.to_string()))?;
    if let Some(open) = tx.pending_objection(id, d.task, agency).await? {
        return Err(UseCaseError::Conflict(format!(
            "이 기관이 {}번 과제에 낸 이의신청({}번)이 아직 결정 대기 중입니다. 결정이 나온 뒤에 다시 신청해 주세요.",
            d.task, open.id
        )));
    }
    let oid = tx.insert_objection(id, d.task, agency, p.user_id, &d.reason).await?;
    let after = tx.load::<ObjectionRecord>(oid).await?.ok_or_else(|| internal("이의신청이 저장되지 않았습니다"))?;
    tx.audit(&by.actor, Change::created(AuditAction::EvaluationObjectionFile, &after)).await?;
    tx.commit().await?;
    Ok(Saved { id: oid.get(), version: after.version })
}

/// An objection as its agency and OPC read it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ObjectionView {
    pub id: i64,
    pub task_id: i64,
    pub task_seq: i64,
    pub task_title: String,
    pub agency_id: i64,
    pub agency_name: String,
    pub reason: String,
    pub status: ObjectionStatus,
    pub status_label: String,
    pub decision_reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub filed_at: DateTime<Utc>,
    pub version: i64,
}

fn objection_view(o: ObjectionRow) -> Result<ObjectionView> {
    let status: ObjectionStatus = o.status.parse().map_err(internal)?;
    Ok(ObjectionView {
        id: o.id,
        task_id: o.task_id,
        task_seq: o.task_seq,
        task_title: o.task_title,
        agency_id: o.agency_id,
        agency_name: o.agency_name,
        reason: o.reason,
        status,
        status_label: status.label_ko().into(),
        decision_reason: o.decision_reason,
        decided_at: o.decided_at,
        filed_at: o.created_at,
        version: o.version,
    })
}

/// A page of objections.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ObjectionsView {
    pub round_id: i64,
    pub stage: Stage,
    /// The objection period, first and last day.
    pub period_from: chrono::NaiveDate,
    pub period_to: chrono::NaiveDate,
    pub items: Vec<ObjectionView>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

/// A page of the round's objections, newest first (`GET …/objections`): OPC and auditors all of
/// them, an agency officer its own agencies'; others none (403).
pub async fn list(db: &Db, by: &Caller, id: EvaluationRoundId, paging: Paging) -> Result<ObjectionsView> {
    let p = by.signed_in()?;
    let r = readable(db, by, id).await?;
    let scope = access::objection_scope(p);
    if scope.as_ref().is_some_and(Vec::is_empty) {
        return Err(UseCaseError::Forbidden(
            "이의신청은 국무조정실과 과제에 참여하는 기관의 담당자만 볼 수 있습니다.".into(),
        ));
    }
    let page = db.objections_page(id, scope.as_deref(), paging).await?;
    let (period_from, period_to) = schedule_of(&r).objection_period();
    Ok(ObjectionsView {
        round_id: id.get(),
        stage: r.stage()?,
        period_from,
        period_to,
        items: page.items.into_iter().map(objection_view).collect::<Result<_>>()?,
        total: page.total,
        limit: paging.limit,
        offset: paging.offset,
    })
}

/// One objection (for the decision form): whoever may list it.
pub async fn get(db: &Db, by: &Caller, oid: EvaluationObjectionId) -> Result<ObjectionView> {
    let p = by.signed_in()?;
    let missing = || UseCaseError::NotFound(format!("{oid}번 이의신청"));
    let o = db.objection_row(oid).await?.ok_or_else(missing)?;
    match access::objection_scope(p) {
        Some(agencies) if !agencies.iter().any(|a| a.get() == o.agency_id) => return Err(missing()),
        _ => {}
    }
    objection_view(o)
}

/// OPC answers an objection (`POST /api/v1/evaluation-objections/{id}/decision`) while the round is
/// in 이의신청: rejected with a reason, or upheld — then every submitted sheet of the task's seated
/// evaluators is reopened for rescoring, in the same transaction.
pub async fn decide(db: &Db, by: &Caller, oid: EvaluationObjectionId, input: &ObjectionDecisionInput) -> Result<Saved> {
    let p = by.signed_in()?;
    if !access::can_decide_objections(p) {
        return Err(not_opc());
    }
    let d = parse_objection_decision(input)?;
    let missing = || UseCaseError::NotFound(format!("{oid}번 이의신청"));
    let mut tx = db.begin().await?;
    let before = tx.load::<ObjectionRecord>(oid).await?.ok_or_else(missing)?;
    let round = EvaluationRoundId::new(before.round_id);
    let r = tx.load_shared::<RoundRecord>(round).await?.ok_or_else(|| round_not_found(round))?;
    let stage = r.stage()?;
    if stage != Stage::Objections {
        return Err(UseCaseError::Conflict(format!(
            "'{}' 단계에서는 이의신청을 결정할 수 없습니다. 결정은 '이의신청' 단계에서 합니다.",
            stage.label_ko()
        )));
    }
    if before.status != ObjectionStatus::Pending.as_str() {
        return Err(UseCaseError::Conflict("이미 결정된 이의신청입니다.".into()));
    }
    if before.version != d.version {
        return Err(UseCaseError::Stale { current_version: before.version });
    }
    let mut reopened = 0;
    if d.status == ObjectionStatus::Upheld {
        let reason = rescoring_reason(oid.get(), d.reason.as_deref());
        for s in tx.seated_submitted_sheets(round, TaskId::new(before.task_id)).await? {
            tx.reopen_sheet(s.id, s.version, &reason, p.user_id)
                .await?
                .ok_or(UseCaseError::Stale { current_version: s.version })?;
            let after = tx.load::<SheetRecord>(s.id).await?.ok_or_else(|| internal("채점표가 없어졌습니다"))?;
            tx.audit(&by.actor, Change::updated(AuditAction::EvaluationScoreReopen, &s, &after)).await?;
            reopened += 1;
        }
    }
    let version = tx
        .decide_objection(oid, d.version, d.status.as_str(), d.reason.as_deref(), p.user_id, reopened)
        .await?
        .ok_or(UseCaseError::Stale { current_version: before.version })?;
    let after = tx.load::<ObjectionRecord>(oid).await?.ok_or_else(missing)?;
    tx.audit(&by.actor, Change::updated(AuditAction::EvaluationObjectionDecide, &before, &after)).await?;
    tx.commit().await?;
    Ok(Saved { id: oid.get(), version })
}

/// Inside the move 이의신청 → 확정: refused while an objection is undecided or rescoring is open;
/// when an objection was upheld, the result is computed once more from every submitted sheet, so
/// the final result is the rescored one.
pub(crate) async fn before_final(
    tx: &mut Tx,
    by: &Caller,
    id: EvaluationRoundId,
    settings: &RoundSettings,
) -> Result<()> {
    let undecided = tx.undecided_objections(id).await?;
    let rescoring = tx.open_rescoring(id).await?;
    ensure_finalisable(&undecided, &rescoring).map_err(UseCaseError::Conflict)?;
    if tx.any_upheld_objection(id).await? {
        crate::scoring::compute_result(tx, by, id, settings).await?;
    }
    Ok(())
}

/// A task as the published result shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedTask {
    pub task_id: i64,
    pub task_seq: i64,
    pub task_title: String,
    /// What the task changes for citizens, as the task describes it.
    pub citizen_change: Option<String>,
    pub position: i64,
    pub score: f64,
    pub grade: String,
    pub excellent: bool,
}

/// An agency's collaboration score and rank (정부업무평가 협업 부문), as published.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedAgency {
    pub agency_id: i64,
    pub agency_name: String,
    pub score: f64,
    pub rank: i64,
    pub n_tasks: i64,
}

/// The published result of a round.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicationView {
    pub round_id: i64,
    pub round_name: String,
    /// A page of tasks in ranking order (only the excellent ones when asked).
    pub items: Vec<PublishedTask>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
    pub excellent_only: bool,
    pub excellent_total: i64,
    /// Every agency by rank (a few dozen).
    pub agencies: Vec<PublishedAgency>,
}

/// The published result (`GET /api/v1/evaluation-rounds/{id}/publication`), for everyone once the
/// round is 공개; before that, 409 for those who may read the round.
pub async fn publication(
    db: &Db,
    by: &Caller,
    id: EvaluationRoundId,
    excellent_only: bool,
    paging: Paging,
) -> Result<PublicationView> {
    let r = readable(db, by, id).await?;
    if !r.stage()?.is_published() {
        return Err(UseCaseError::Conflict(
            "아직 공개되지 않은 평가 회차입니다. 국무조정실이 결과를 확정하고 공개하면 볼 수 있습니다.".into(),
        ));
    }
    let page = db.published_page(id, excellent_only, paging).await?;
    let excellent_total = if excellent_only {
        page.total
    } else {
        db.published_page(id, true, Paging { limit: 1, offset: 0 }).await?.total
    };
    let outcome = db.round_outcome(id).await?;
    let scores: Vec<AgencyScore> = match &outcome {
        Some(o) => serde_json::from_str(&o.agencies_json).map_err(internal)?,
        None => vec![],
    };
    let names = db.list_agencies().await?;
    let name_of =
        |a: i64| names.iter().find(|n| n.id.get() == a).map_or_else(|| format!("기관 {a}"), |n| n.short_name.clone());
    Ok(PublicationView {
        round_id: id.get(),
        round_name: r.name.clone(),
        items: page
            .items
            .into_iter()
            .map(|t| PublishedTask {
                task_id: t.task_id,
                task_seq: t.seq,
                task_title: t.title,
                citizen_change: t.description,
                position: t.position,
                score: t.score,
                grade: t.grade,
                excellent: t.excellent,
            })
            .collect(),
        total: page.total,
        limit: paging.limit,
        offset: paging.offset,
        excellent_only,
        excellent_total,
        agencies: scores
            .iter()
            .map(|s| PublishedAgency {
                agency_id: s.agency.get(),
                agency_name: name_of(s.agency.get()),
                score: s.score,
                rank: s.rank as i64,
                n_tasks: s.n_tasks as i64,
            })
            .collect(),
    })
}

/// The names of a task's evaluators, by name.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskEvaluatorsView {
    pub round_id: i64,
    pub task_id: i64,
    /// Names only: never who gave which score.
    pub names: Vec<String>,
}

/// A task's evaluators (`GET …/tasks/{task_id}/evaluators`): once the round is 공개, for OPC,
/// auditors and the officers of the task's agencies.
pub async fn task_evaluators(db: &Db, by: &Caller, id: EvaluationRoundId, task: TaskId) -> Result<TaskEvaluatorsView> {
    let p = by.signed_in()?;
    let r = readable(db, by, id).await?;
    let stage = r.stage()?;
    let mut tx = db.begin().await?;
    let in_round = tx.round_has_task(id, task).await?;
    drop(tx);
    if !in_round {
        return Err(UseCaseError::NotFound(format!("이 평가 회차의 {task}번 과제")));
    }
    let parties = db.task_parties(task).await?;
    if !access::may_see_task_evaluators(p, &parties, stage) {
        return Err(UseCaseError::Forbidden(if round::evaluators_disclosed(stage) {
            "과제의 평가위원 명단은 그 과제에 참여한 기관과 국무조정실만 볼 수 있습니다.".into()
        } else {
            "평가위원 명단은 평가 결과가 공개된 뒤에 볼 수 있습니다.".into()
        }));
    }
    Ok(TaskEvaluatorsView { round_id: id.get(), task_id: task.get(), names: db.task_evaluator_names(id, task).await? })
}
