//! Evaluation rounds (평가 회차) and their panels: OPC creates a round (its stage dates, tasks and
//! settings from the presets), edits it (the rubric only before scoring), moves it through its
//! stages; runs the assignment tool and confirms the panels; decides 기피. Evaluators sign the
//! pledge (서약서) before they see any task of the round, read their own tasks (never the other
//! members) and declare 회피; an officer of a task's agency raises 기피. 제척 is computed from the
//! affiliation histories every time panels are made or shown. The rules are in
//! `hanteam_domain::evaluation` and `hanteam_domain::panel`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use hanteam_domain::access::{self, Denied};
use hanteam_domain::audit::AuditAction;
use hanteam_domain::evaluation::round::{self, RoundSchedule, Stage};
use hanteam_domain::evaluation::setup::{
    parse_conflict, parse_decision, parse_dry_run, parse_stage, resolve_agency, AssignmentInput, ConflictDecisionInput,
    ConflictInput, ConflictStatus, RoundDraft, RoundInput, RoundSettings, StageInput, PLEDGE_TEXT_KO, PLEDGE_VERSION,
};
use hanteam_domain::panel::{
    self, Affiliation, Challenge, ChallengeDecision, Conflict, ConflictKind, EvaluatorRecord, EvaluatorSlot, Recusal,
    TaskNeed, TaskParties,
};
use hanteam_domain::time::kst_date;
use hanteam_domain::{AgencyId, EvaluationConflictId, EvaluationRoundId, Paging, TaskId, UserId};
use hanteam_store::audit::Change;
use hanteam_store::evaluation::{ConflictRecord, DeclaredConflict, RoundRecord, RoundScope};
use hanteam_store::views::{Page, TaskBrief};
use hanteam_store::{Db, Tx};
use serde::Serialize;

use crate::round_record::{schedule_of, settings_of};
use crate::{Caller, Result, Saved, UseCaseError};

fn not_found(id: EvaluationRoundId) -> UseCaseError {
    UseCaseError::NotFound(format!("{id}번 평가 회차"))
}

fn internal(e: impl std::fmt::Display) -> UseCaseError {
    UseCaseError::Internal(e.to_string())
}

fn may_run(by: &Caller) -> Result<()> {
    let p = by.signed_in()?;
    if access::can_run_evaluation(p) {
        Ok(())
    } else {
        Err(UseCaseError::Forbidden("평가 회차는 국무조정실 관리자만 만들고 바꿀 수 있습니다.".into()))
    }
}

/// A round as its page and the API show it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoundView {
    pub id: i64,
    pub name: String,
    pub stage: Stage,
    /// 준비, 배정, 채점 …
    pub stage_label: String,
    pub schedule: RoundSchedule,
    /// The rubric, aggregation, grading, excellent and agency rules and the panel rules.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub settings: RoundSettings,
    pub task_count: i64,
    /// Whether the rubric may still change (before 채점).
    pub rubric_editable: bool,
    pub version: i64,
}

fn view(r: &RoundRecord) -> Result<RoundView> {
    let stage = r.stage()?;
    Ok(RoundView {
        id: r.id,
        name: r.name.clone(),
        stage,
        stage_label: stage.label_ko().into(),
        schedule: schedule_of(r),
        settings: settings_of(r)?,
        task_count: r.task_count,
        rubric_editable: !round::rubric_frozen(stage),
        version: r.version,
    })
}

/// The round, once the caller may read it; otherwise "not found".
async fn readable(db: &Db, by: &Caller, id: EvaluationRoundId) -> Result<RoundRecord> {
    let r = db.get_round(id).await?.ok_or_else(|| not_found(id))?;
    if !access::may_read_round(by.principal(), r.stage()?) {
        return Err(not_found(id));
    }
    Ok(r)
}

async fn checked_tasks(tx: &mut Tx, ids: &[TaskId]) -> Result<()> {
    if let Some(t) = tx.first_unusable_task(ids).await? {
        return Err(UseCaseError::invalid(
            "task_ids",
            format!("{t}번 과제는 없거나 보관된 과제입니다. 평가 대상 과제를 목록에서 다시 골라 주세요."),
        ));
    }
    Ok(())
}

/// Creates a round in 준비 (`POST /api/v1/evaluation-rounds`): OPC.
pub async fn create(db: &Db, by: &Caller, input: &RoundInput) -> Result<Saved> {
    may_run(by)?;
    let d = RoundDraft::parse(input, None)?;
    let json = serde_json::to_string(&d.settings).map_err(internal)?;
    let mut tx = db.begin().await?;
    let tasks = match &d.task_ids {
        Some(ids) => {
            checked_tasks(&mut tx, ids).await?;
            ids.clone()
        }
        None => tx.default_round_tasks().await?,
    };
    let id = tx.insert_round(&d, &json, &tasks).await?;
    let after = tx.load::<RoundRecord>(id).await?.ok_or_else(|| not_found(id))?;
    tx.audit(&by.actor, Change::created(AuditAction::EvaluationRoundCreate, &after)).await?;
    tx.commit().await?;
    Ok(Saved { id: id.get(), version: after.version })
}

/// Edits a round (`PUT /api/v1/evaluation-rounds/{id}`): OPC, with the version read. The rubric
/// changes only before scoring (409 after); the tasks only in 준비.
pub async fn update(db: &Db, by: &Caller, id: EvaluationRoundId, input: &RoundInput) -> Result<Saved> {
    may_run(by)?;
    let mut tx = db.begin().await?;
    let before = tx.load::<RoundRecord>(id).await?.ok_or_else(|| not_found(id))?;
    let current = settings_of(&before)?;
    let parsed = RoundDraft::parse(input, Some(&current));
    let version =
        hanteam_domain::edit::parse_version(&hanteam_domain::edit::VersionInput { version: input.version.clone() });
    let (d, version) = match (parsed, version) {
        (Ok(d), Ok(v)) => (d, v),
        (Err(mut a), Err(b)) => {
            a.extend(b);
            return Err(a.into());
        }
        (Err(e), _) | (_, Err(e)) => return Err(e.into()),
    };
    let stage = before.stage()?;
    if d.settings.params.rubric != current.params.rubric {
        round::ensure_rubric_editable(stage).map_err(|e| UseCaseError::Conflict(e.to_string()))?;
    }
    if stage.is_published() {
        return Err(UseCaseError::Conflict("공개된 평가 회차는 고칠 수 없습니다.".into()));
    }
    let tasks = match &d.task_ids {
        Some(ids) if stage != Stage::Setup => {
            return Err(UseCaseError::Conflict(format!(
                "'{}' 단계에서는 평가 대상 과제를 바꿀 수 없습니다. 과제는 '준비' 단계에서만 바꿉니다. (task_ids는 null로 보내면 그대로 둡니다: {}개)",
                stage.label_ko(),
                ids.len()
            )))
        }
        Some(ids) => {
            checked_tasks(&mut tx, ids).await?;
            Some(ids.as_slice())
        }
        None => None,
    };
    let json = serde_json::to_string(&d.settings).map_err(internal)?;
    let version = tx
        .update_round(id, version, &d, &json, tasks)
        .await?
        .ok_or(UseCaseError::Stale { current_version: before.version })?;
    let after = tx.load::<RoundRecord>(id).await?.ok_or_else(|| not_found(id))?;
    tx.audit(&by.actor, Change::updated(AuditAction::EvaluationRoundUpdate, &before, &after)).await?;
    tx.commit().await?;
    Ok(Saved { id: id.get(), version })
}

/// Moves a round to a stage (`POST /api/v1/evaluation-rounds/{id}/stage`): one step forward, or
/// from 검토 back to 채점; a refused move is 409 with the reason. 채점 → 검토 closes scoring: the
/// round's result is computed from the submitted sheets in the same transaction (`scoring`).
pub async fn move_stage(
    db: &Db,
    by: &Caller,
    id: EvaluationRoundId,
    input: &StageInput,
    now: DateTime<Utc>,
) -> Result<Saved> {
    may_run(by)?;
    let (to, version) = parse_stage(input)?;
    let mut tx = db.begin().await?;
    let before = tx.load::<RoundRecord>(id).await?.ok_or_else(|| not_found(id))?;
    if before.version != version {
        return Err(UseCaseError::Stale { current_version: before.version });
    }
    let from = before.stage()?;
    round::advance(from, to, &schedule_of(&before), kst_date(now))
        .map_err(|e| UseCaseError::Conflict(e.to_string()))?;
    if from == Stage::Objections && to == Stage::Final {
        crate::objections::before_final(&mut tx, by, id, &settings_of(&before)?).await?;
    }
    let version =
        tx.set_round_stage(id, version, to).await?.ok_or(UseCaseError::Stale { current_version: before.version })?;
    let after = tx.load::<RoundRecord>(id).await?.ok_or_else(|| not_found(id))?;
    tx.audit(&by.actor, Change::updated(AuditAction::EvaluationRoundStage, &before, &after)).await?;
    // Closing scoring computes the result with the move, so the review never starts without one
    // and no sheet can be submitted between the two (the round row is locked until commit).
    if from == Stage::Scoring && to == Stage::Review {
        crate::scoring::compute_result(&mut tx, by, id, &settings_of(&before)?).await?;
    }
    tx.commit().await?;
    Ok(Saved { id: id.get(), version })
}

/// A page of the rounds the caller may read, the newest first.
pub async fn list(db: &Db, by: &Caller, paging: Paging) -> Result<Page<RoundView>> {
    let scope = match by.principal() {
        None => RoundScope::Stages(vec![Stage::Published]),
        Some(p) if access::may_read_round(Some(p), Stage::Setup) => RoundScope::All,
        Some(_) => RoundScope::Stages(Stage::ALL.into_iter().filter(|s| *s > Stage::Setup).collect()),
    };
    let page = db.list_rounds(&scope, paging).await?;
    Ok(Page { items: page.items.iter().map(view).collect::<Result<_>>()?, total: page.total })
}

/// One round (`GET /api/v1/evaluation-rounds/{id}`); 404 for those who may not read it yet.
pub async fn get(db: &Db, by: &Caller, id: EvaluationRoundId) -> Result<RoundView> {
    view(&readable(db, by, id).await?)
}

/// Every conflict of the round's tasks (or of `only` of them): 제척 from the affiliation histories
/// within the look-back, 회피 and 기피 as declared.
pub(crate) fn conflicts_of(
    settings: &RoundSettings,
    schedule: &RoundSchedule,
    tasks: &[(TaskId, Vec<AgencyId>)],
    affiliations: &[hanteam_store::evaluation::AffiliationRow],
    agencies: &[hanteam_store::evaluation::AgencyNames],
    declared: &[DeclaredConflict],
) -> Result<Vec<Conflict>> {
    let names: Vec<(AgencyId, &str, &str)> =
        agencies.iter().map(|a| (AgencyId::new(a.id), a.short_name.as_str(), a.name.as_str())).collect();
    let mut records: Vec<EvaluatorRecord> = Vec::new();
    for a in affiliations {
        let id = UserId::new(a.user_id);
        if records.last().is_none_or(|r| r.id != id) {
            records.push(EvaluatorRecord { id, affiliations: vec![] });
        }
        if let Some(r) = records.last_mut() {
            r.affiliations.push(Affiliation {
                agency: resolve_agency(&a.organization, names.iter().copied()),
                organization: a.organization.clone(),
                from: a.from_date,
                to: a.to_date,
            });
        }
    }
    let parties: Vec<TaskParties> = tasks.iter().map(|(t, a)| TaskParties { task: *t, agencies: a.clone() }).collect();
    let mut recusals = Vec::new();
    let mut challenges = Vec::new();
    for c in declared {
        let (task, evaluator) = (TaskId::new(c.task_id), UserId::new(c.evaluator_id));
        match c.kind.as_str() {
            "recusal" => recusals.push(Recusal { evaluator, task, reason: c.reason.clone() }),
            _ => {
                let status: ConflictStatus = c.status.parse().map_err(internal)?;
                let decided = c.decision_reason.clone().unwrap_or_default();
                challenges.push(Challenge {
                    evaluator,
                    task,
                    by: AgencyId::new(c.by_agency_id.unwrap_or(0)),
                    by_name: c.by_agency.clone().unwrap_or_default(),
                    reason: c.reason.clone(),
                    decision: match status {
                        ConflictStatus::Upheld => ChallengeDecision::Upheld { reason: decided },
                        ConflictStatus::Rejected => ChallengeDecision::Rejected { reason: decided },
                        _ => ChallengeDecision::Pending,
                    },
                })
            }
        }
    }
    panel::conflicts(&records, &parties, &recusals, &challenges, &settings.exclusion_rule(schedule))
        .map_err(|e| UseCaseError::invalid("reason", e.to_string()))
}

/// One member of a task's panel, as OPC sees it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PanelMember {
    pub evaluator_id: i64,
    pub name: String,
    pub is_private_expert: bool,
}

/// An evaluator kept off a task, and why (제척, 회피, 기피).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Exclusion {
    pub evaluator_id: i64,
    pub name: String,
    /// exclusion (제척), recusal (회피), challenge (기피)
    pub kind: String,
    pub kind_label: String,
    pub reason: String,
}

/// A task's panel with the share check.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskPanelView {
    pub task: TaskBrief,
    pub members: Vec<PanelMember>,
    pub needed: u32,
    pub private_count: u32,
    /// Whether the panel has its N members and meets the private share.
    pub complete: bool,
    /// What is wrong, in Korean, when it is not.
    pub problem: Option<String>,
    pub exclusions: Vec<Exclusion>,
}

/// A 회피 or 기피 of the round.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConflictView {
    pub id: i64,
    pub task_id: i64,
    pub evaluator_id: i64,
    pub evaluator_name: String,
    pub kind: String,
    pub kind_label: String,
    pub status: ConflictStatus,
    pub status_label: String,
    pub reason: String,
    pub by_agency: Option<String>,
    pub decision_reason: Option<String>,
    pub version: i64,
}

/// The round's panels a page at a time (`GET /api/v1/evaluation-rounds/{id}/panels`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PanelsView {
    pub round: RoundView,
    /// The round's tasks on this page, by number.
    pub items: Vec<TaskPanelView>,
    pub total: i64,
    /// Seats confirmed in the whole round.
    pub seats: i64,
    /// Every 회피 and 기피 of the round.
    pub conflicts: Vec<ConflictView>,
}

/// The panels, the share check and the exclusions of a page of the round's tasks: OPC.
pub async fn panels(db: &Db, by: &Caller, id: EvaluationRoundId, paging: Paging) -> Result<PanelsView> {
    let p = by.signed_in()?;
    if !access::can_see_panels(p) {
        return Err(UseCaseError::Forbidden("평가위원 배정은 국무조정실 관리자만 볼 수 있습니다.".into()));
    }
    let r = db.get_round(id).await?.ok_or_else(|| not_found(id))?;
    let rv = view(&r)?;
    let (tasks, total) = db.round_tasks_page(id, paging).await?;
    let ids: Vec<TaskId> = tasks.iter().map(|(t, _)| t.id).collect();
    let seats = db.panel_seats(id, &ids).await?;
    let declared = db.round_conflicts(id).await?;
    let (affiliations, agencies) = db.exclusion_inputs().await?;
    let pool = db.evaluator_pool().await?;
    let names: HashMap<i64, &str> = pool.iter().map(|e| (e.id, e.display_name.as_str())).collect();
    let parties: Vec<(TaskId, Vec<AgencyId>)> = tasks.iter().map(|(t, a)| (t.id, a.clone())).collect();
    let conflicts = conflicts_of(&rv.settings, &rv.schedule, &parties, &affiliations, &agencies, &declared)?;
    let rules = rv.settings.panel;
    let items = tasks
        .into_iter()
        .map(|(task, _)| {
            let members: Vec<PanelMember> = seats
                .iter()
                .filter(|s| s.task_id == task.id.get())
                .map(|s| PanelMember {
                    evaluator_id: s.evaluator_id,
                    name: s.display_name.clone(),
                    is_private_expert: s.is_private_expert,
                })
                .collect();
            let size = members.len() as u32;
            let private_count = members.iter().filter(|m| m.is_private_expert).count() as u32;
            let problem = if size == 0 {
                Some("아직 배정되지 않았습니다.".to_string())
            } else if size < rules.evaluators_per_task {
                Some(format!(
                    "평가위원이 {size}명입니다. {}명이 필요합니다. 배정을 다시 실행해 주세요.",
                    rules.evaluators_per_task
                ))
            } else {
                rules.private_share.check(private_count, size).err().map(|e| e.to_string())
            };
            let exclusions = conflicts
                .iter()
                .filter(|c| c.task == task.id)
                .map(|c| Exclusion {
                    evaluator_id: c.evaluator.get(),
                    name: names
                        .get(&c.evaluator.get())
                        .map_or_else(|| format!("평가위원 {}", c.evaluator), |n| n.to_string()),
                    kind: c.kind.as_str().into(),
                    kind_label: c.kind.label_ko().into(),
                    reason: c.reason.clone(),
                })
                .collect();
            TaskPanelView {
                task,
                members,
                needed: rules.evaluators_per_task,
                private_count,
                complete: problem.is_none(),
                problem,
                exclusions,
            }
        })
        .collect();
    let conflicts = declared
        .iter()
        .map(|c| {
            let status: ConflictStatus = c.status.parse().map_err(internal)?;
            let kind: ConflictKind = c.kind.parse().map_err(internal)?;
            Ok(ConflictView {
                id: c.id,
                task_id: c.task_id,
                evaluator_id: c.evaluator_id,
                evaluator_name: names.get(&c.evaluator_id).map_or_else(String::new, |n| n.to_string()),
                kind: c.kind.clone(),
                kind_label: kind.label_ko().into(),
                status,
                status_label: status.label_ko().into(),
                reason: c.reason.clone(),
                by_agency: c.by_agency.clone(),
                decision_reason: c.decision_reason.clone(),
                version: c.version,
            })
        })
        .collect::<Result<_>>()?;
    Ok(PanelsView { round: rv, items, total, seats: db.panel_seat_count(id).await?, conflicts })
}

/// An evaluator's load in an assignment.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoadView {
    pub evaluator_id: i64,
    pub tasks: u32,
}

/// One proposed panel.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposedPanel {
    pub task_id: i64,
    pub evaluator_ids: Vec<i64>,
}

/// What the assignment tool proposed, and whether it was confirmed.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssignmentView {
    pub dry_run: bool,
    /// The panels were written (not a dry run).
    pub confirmed: bool,
    pub tasks: usize,
    pub seats: usize,
    pub max_load: u32,
    pub min_load: u32,
    /// Evaluators with at least one task.
    pub loads: Vec<LoadView>,
    /// The first [`MAX_PROPOSED`] panels by task id; the rest are read with the panels list.
    pub panels: Vec<ProposedPanel>,
    pub panels_total: usize,
    /// The round's version after confirming (unchanged by a dry run).
    pub round_version: i64,
}

/// The most proposed panels an assignment answer lists.
pub const MAX_PROPOSED: usize = 500;

/// Runs the assignment tool on the round (`POST /api/v1/evaluation-rounds/{id}/assignment`): OPC,
/// in 준비 or 배정. Every task gets N eligible evaluators, nobody more than M, the private share
/// met, the load levelled. A dry run writes nothing; otherwise the panels replace the round's.
/// When impossible, 409 with the tool's reasons, and nothing is written.
pub async fn run_assignment(
    db: &Db,
    by: &Caller,
    id: EvaluationRoundId,
    input: &AssignmentInput,
) -> Result<AssignmentView> {
    may_run(by)?;
    let dry_run = parse_dry_run(input)?;
    let mut tx = db.begin().await?;
    let r = tx.load::<RoundRecord>(id).await?.ok_or_else(|| not_found(id))?;
    let stage = r.stage()?;
    if stage > Stage::Assignment {
        return Err(UseCaseError::Conflict(format!(
            "'{}' 단계에서는 평가위원을 배정할 수 없습니다. 배정은 '준비'·'배정' 단계에서 합니다.",
            stage.label_ko()
        )));
    }
    let settings = settings_of(&r)?;
    let schedule = schedule_of(&r);
    let tasks = tx.round_task_agencies(id).await?;
    let affiliations = tx.evaluator_affiliations().await?;
    let agencies = tx.agencies_by_name().await?;
    let declared = tx.declared_conflicts(id).await?;
    let conflicts = conflicts_of(&settings, &schedule, &tasks, &affiliations, &agencies, &declared)?;
    let evaluators = tx.evaluators().await?;
    let private: HashMap<i64, bool> = evaluators.iter().map(|e| (e.id, e.is_private_expert)).collect();
    let slots: Vec<EvaluatorSlot> = evaluators
        .iter()
        .map(|e| EvaluatorSlot {
            id: UserId::new(e.id),
            is_private_expert: e.is_private_expert,
            max_tasks: settings.panel.tasks_per_evaluator,
        })
        .collect();
    let needs: Vec<TaskNeed> = tasks
        .iter()
        .map(|(t, _)| TaskNeed {
            id: *t,
            needed: settings.panel.evaluators_per_task,
            share: settings.panel.private_share,
        })
        .collect();
    let a = panel::assign(&slots, &needs, &conflicts).map_err(|e| match e {
        panel::AssignmentError::Impossible(reasons) => {
            let lines: Vec<String> = reasons.into_iter().map(|s| s.message).collect();
            UseCaseError::Conflict(format!("배정할 수 없습니다. 아무것도 저장하지 않았습니다. {}", lines.join("; ")))
        }
        other => UseCaseError::Conflict(other.to_string()),
    })?;
    let seats: Vec<(TaskId, UserId, bool)> = a
        .panels
        .iter()
        .flat_map(|p| p.evaluators.iter().map(|e| (p.task, *e, private.get(&e.get()).copied().unwrap_or(false))))
        .collect();
    let mut round_version = r.version;
    if !dry_run {
        let replaced = tx.replace_panels(id, &seats).await?;
        // The round's version counts the confirmation, so two OPC confirmations do not cross.
        round_version = tx
            .set_round_stage(id, r.version, stage)
            .await?
            .ok_or(UseCaseError::Stale { current_version: r.version })?;
        let used = a.loads.iter().filter(|l| l.tasks > 0).count();
        let after = serde_json::json!({
            "round_id": id.get(),
            "tasks": a.panels.len(),
            "seats": seats.len(),
            "evaluators": used,
            "max_load": a.max_load,
            "min_load": a.min_load,
            "replaced": replaced,
        });
        tx.audit(
            &by.actor,
            Change::of(
                AuditAction::EvaluationPanelsConfirm,
                "evaluation_panel",
                Some(id.get()),
                None::<&()>,
                Some(&after),
            ),
        )
        .await?;
        tx.commit().await?;
    }
    Ok(AssignmentView {
        dry_run,
        confirmed: !dry_run,
        tasks: a.panels.len(),
        seats: seats.len(),
        max_load: a.max_load,
        min_load: a.min_load,
        loads: a
            .loads
            .iter()
            .filter(|l| l.tasks > 0)
            .map(|l| LoadView { evaluator_id: l.evaluator.get(), tasks: l.tasks })
            .collect(),
        panels_total: a.panels.len(),
        panels: a
            .panels
            .iter()
            .take(MAX_PROPOSED)
            .map(|p| ProposedPanel {
                task_id: p.task.get(),
                evaluator_ids: p.evaluators.iter().map(|e| e.get()).collect(),
            })
            .collect(),
        round_version,
    })
}

/// A signed pledge.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PledgeView {
    pub round_id: i64,
    pub pledge_version: String,
    pub signed_at: DateTime<Utc>,
}

/// The evaluator signs the round's pledge (`POST /api/v1/evaluation-rounds/{id}/pledge`), once.
pub async fn sign_pledge(db: &Db, by: &Caller, id: EvaluationRoundId) -> Result<PledgeView> {
    let p = by.signed_in()?;
    let me = access::may_act_as_evaluator(p)
        .map_err(|_| UseCaseError::Forbidden("서약은 평가위원만 합니다. 평가위원 계정으로 로그인해 주세요.".into()))?;
    readable(db, by, id).await?;
    let mut tx = db.begin().await?;
    tx.load::<RoundRecord>(id).await?.ok_or_else(|| not_found(id))?;
    if let Some(done) = tx.pledge(id, me).await? {
        return Err(UseCaseError::Conflict(format!(
            "이미 {}에 이 평가 회차의 서약서에 서명했습니다.",
            hanteam_domain::time::korean_moment(done.signed_at)
        )));
    }
    let pledge = tx.insert_pledge(id, me, PLEDGE_VERSION).await?;
    tx.audit(
        &by.actor,
        Change::of(AuditAction::EvaluationPledgeSign, "evaluation_pledge", Some(pledge.id), None::<&()>, Some(&pledge)),
    )
    .await?;
    tx.commit().await?;
    Ok(PledgeView { round_id: id.get(), pledge_version: pledge.pledge_version, signed_at: pledge.signed_at })
}

/// What an evaluator sees of a round: the pledge until signed, then its own tasks (never the other
/// members of their panels).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyTasksView {
    pub round_id: i64,
    pub round_name: String,
    pub stage: Stage,
    pub pledged: bool,
    pub signed_at: Option<DateTime<Utc>>,
    /// The pledge's text, paragraph by paragraph.
    pub pledge_text: Vec<String>,
    pub pledge_version: String,
    /// Empty until the pledge is signed.
    pub tasks: Vec<TaskBrief>,
    pub total: i64,
}

/// The evaluator's tasks in the round (`GET /api/v1/evaluation-rounds/{id}/my-tasks`).
pub async fn my_tasks(db: &Db, by: &Caller, id: EvaluationRoundId, paging: Paging) -> Result<MyTasksView> {
    let p = by.signed_in()?;
    let me = access::may_act_as_evaluator(p)
        .map_err(|_| UseCaseError::Forbidden("평가위원으로 배정된 과제 목록은 평가위원만 봅니다.".into()))?;
    let r = readable(db, by, id).await?;
    let signed_at = db.pledge_signed_at(id, me).await?;
    let page = match signed_at {
        Some(_) => db.evaluator_tasks(id, me, paging).await?,
        None => Page { items: vec![], total: 0 },
    };
    Ok(MyTasksView {
        round_id: r.id,
        round_name: r.name.clone(),
        stage: r.stage()?,
        pledged: signed_at.is_some(),
        signed_at,
        pledge_text: PLEDGE_TEXT_KO.iter().map(|s| s.to_string()).collect(),
        pledge_version: PLEDGE_VERSION.into(),
        tasks: page.items,
        total: page.total,
    })
}

/// 회피 by an evaluator about itself, or 기피 by an officer of one of the task's agencies
/// (`POST /api/v1/evaluation-rounds/{id}/conflicts`), until scoring closes. A 회피 takes the
/// evaluator off the task's panel at once; a 기피 waits for OPC.
pub async fn declare_conflict(db: &Db, by: &Caller, id: EvaluationRoundId, input: &ConflictInput) -> Result<Saved> {
    let p = by.signed_in()?;
    readable(db, by, id).await?;
    let d = parse_conflict(input)?;
    let mut tx = db.begin().await?;
    let r = tx.load::<RoundRecord>(id).await?.ok_or_else(|| not_found(id))?;
    let stage = r.stage()?;
    if stage > Stage::Scoring {
        return Err(UseCaseError::Conflict(format!(
            "'{}' 단계에서는 회피·기피를 신청할 수 없습니다. 채점이 끝나기 전에 신청해 주세요.",
            stage.label_ko()
        )));
    }
    if !tx.round_has_task(id, d.task).await? {
        return Err(UseCaseError::invalid("task_id", format!("{}번 과제는 이 평가 회차의 과제가 아닙니다.", d.task)));
    }
    let (evaluator, status, by_agency, action) = match d.kind {
        ConflictKind::Challenge => {
            let agencies = tx.task_agency_ids(d.task).await?;
            let agency = access::may_challenge(p, &agencies).map_err(|_| {
                UseCaseError::Forbidden("기피는 이 과제에 참여하는 기관의 담당자만 신청할 수 있습니다.".into())
            })?;
            let e = d.evaluator.unwrap_or(UserId::new(0));
            if !tx.is_evaluator(e).await? {
                return Err(UseCaseError::invalid(
                    "evaluator_id",
                    "평가위원 목록에 없는 사람입니다. 평가위원을 골라 주세요.",
                ));
            }
            (e, ConflictStatus::Pending, Some(agency), AuditAction::EvaluationChallenge)
        }
        _ => {
            let me = access::may_act_as_evaluator(p)
                .map_err(|_: Denied| UseCaseError::Forbidden("회피는 평가위원 본인이 신청합니다.".into()))?;
            (me, ConflictStatus::Accepted, None, AuditAction::EvaluationRecusal)
        }
    };
    if tx.open_conflict(id, d.task, evaluator, d.kind.as_str()).await?.is_some() {
        return Err(UseCaseError::Conflict(format!(
            "이 평가위원의 {}번 과제 {} 신청이 이미 있습니다.",
            d.task,
            d.kind.label_ko()
        )));
    }
    let cid = tx
        .insert_conflict(id, d.task, evaluator, d.kind.as_str(), status.as_str(), &d.reason, by_agency, p.user_id)
        .await?;
    let removed = status == ConflictStatus::Accepted && tx.remove_panel_seat(id, d.task, evaluator).await?;
    let after = tx.load::<ConflictRecord>(cid).await?.ok_or_else(|| internal("신청이 저장되지 않았습니다"))?;
    let mut json = serde_json::to_value(&after).map_err(internal)?;
    json["removed_from_panel"] = serde_json::Value::Bool(removed);
    tx.audit(&by.actor, Change::of(action, "evaluation_conflict", Some(cid.get()), None::<&()>, Some(&json))).await?;
    tx.commit().await?;
    Ok(Saved { id: cid.get(), version: after.version })
}

/// OPC decides a pending 기피 (`POST /api/v1/evaluation-conflicts/{id}/decision`): upheld (the
/// evaluator leaves the task's panel) or rejected, with a reason.
pub async fn decide_conflict(
    db: &Db,
    by: &Caller,
    id: EvaluationConflictId,
    input: &ConflictDecisionInput,
) -> Result<Saved> {
    may_run(by)?;
    let (status, reason, version) = parse_decision(input)?;
    let missing = || UseCaseError::NotFound(format!("{id}번 이해충돌 신청"));
    let mut tx = db.begin().await?;
    let before = tx.load::<ConflictRecord>(id).await?.ok_or_else(missing)?;
    if before.kind != ConflictKind::Challenge.as_str() {
        return Err(UseCaseError::Conflict(
            "회피는 신청하면 바로 반영되어 결정할 것이 없습니다. 기피 신청만 결정합니다.".into(),
        ));
    }
    if before.status != ConflictStatus::Pending.as_str() {
        return Err(UseCaseError::Conflict("이미 결정된 기피 신청입니다.".into()));
    }
    let version = tx
        .decide_conflict(id, version, status.as_str(), &reason, by.principal().and_then(|p| p.user_id))
        .await?
        .ok_or(UseCaseError::Stale { current_version: before.version })?;
    let round = EvaluationRoundId::new(before.round_id);
    let removed = status == ConflictStatus::Upheld
        && tx.remove_panel_seat(round, TaskId::new(before.task_id), UserId::new(before.evaluator_id)).await?;
    let after = tx.load::<ConflictRecord>(id).await?.ok_or_else(missing)?;
    let mut json = serde_json::to_value(&after).map_err(internal)?;
    json["removed_from_panel"] = serde_json::Value::Bool(removed);
    tx.audit(
        &by.actor,
        Change::of(
            AuditAction::EvaluationChallengeDecide,
            "evaluation_conflict",
            Some(id.get()),
            Some(&before),
            Some(&json),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(Saved { id: id.get(), version })
}

/// The evaluators a 기피 may name (the 기피 form's choice), by name.
pub async fn evaluator_pool(db: &Db, by: &Caller, id: EvaluationRoundId) -> Result<Vec<(i64, String)>> {
    by.signed_in()?;
    readable(db, by, id).await?;
    Ok(db.evaluator_pool().await?.into_iter().map(|e| (e.id, e.display_name)).collect())
}
