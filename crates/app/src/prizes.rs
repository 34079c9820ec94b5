//! The round's prize money (포상금): the pool split with `reward::split_prizes` among the excellent
//! tasks by the round's rule, each task's part among its agencies and, within an agency, among the
//! people OPC named, by the shares OPC set (`reward::shares`; a task OPC set nothing for is split
//! equally among its agencies and paid to them), with the per-person cap; the parts add up exactly
//! to the pool, and what nobody could take under the cap is reported, never dropped.
//!
//! OPC sets the pool, the cap and the shares until 확정 (the whole through the API, the pool and the
//! cap or one task's shares through the pages), each change with the round's version and audited
//! as a change of the round. OPC and auditors read every line once a result exists; an agency
//! officer its own agencies' lines once the round is final (`access::prize_scope`).

use hanteam_domain::access::{self, PrizeRefusal};
use hanteam_domain::audit::AuditAction;
use hanteam_domain::evaluation::round::{scores_sealed, Stage};
use hanteam_domain::evaluation::setup::RoundSettings;
use hanteam_domain::reward::pool::{
    ensure_pool_editable, parse_pool_and_cap, parse_prize_settings, ExcellentTask, PrizeSettingsInput,
};
use hanteam_domain::reward::shares::{
    check_against, normalised, parse_task_shares, prize_tasks, PersonKey, Recipient, ShareContext, TaskShares,
    TaskSharesInput,
};
use hanteam_domain::reward::{split_prizes, PrizeLine, PrizeSplit};
use hanteam_domain::{AgencyId, EvaluationRoundId, Paging, TaskId, ValidationError};
use hanteam_store::audit::Change;
use hanteam_store::evaluation::RoundRecord;
use hanteam_store::prizes::{TaskExchangee, TaskTitle};
use hanteam_store::Db;
use serde::Serialize;

use crate::round_record::settings_of;
use crate::{Caller, Result, Saved, UseCaseError};

fn round_not_found(id: EvaluationRoundId) -> UseCaseError {
    UseCaseError::NotFound(format!("{id}번 평가 회차"))
}

fn internal(e: impl std::fmt::Display) -> UseCaseError {
    UseCaseError::Internal(e.to_string())
}

fn not_opc() -> UseCaseError {
    UseCaseError::Forbidden("포상금 총액, 1인 상한과 배분 비율은 국무조정실 관리자만 정할 수 있습니다.".into())
}

async fn readable(db: &Db, by: &Caller, id: EvaluationRoundId) -> Result<RoundRecord> {
    let r = db.get_round(id).await?.ok_or_else(|| round_not_found(id))?;
    if !access::may_read_round(by.principal(), r.stage()?) {
        return Err(round_not_found(id));
    }
    Ok(r)
}

/// Which lines the caller reads (`None`: all of them), or why none.
pub(crate) fn scope(by: &Caller, stage: Stage) -> Result<Option<Vec<AgencyId>>> {
    let p = by.signed_in()?;
    access::prize_scope(p, stage).map_err(|why| match why {
        PrizeRefusal::NotYet => UseCaseError::Conflict(
            "채점이 아직 끝나지 않아 포상금 배분이 없습니다. 채점을 마감하면 우수과제가 정해집니다.".into(),
        ),
        PrizeRefusal::NotAllowed => {
            UseCaseError::Forbidden("포상금 배분은 국무조정실과 해당 기관 담당자만 볼 수 있습니다.".into())
        }
        PrizeRefusal::BeforeFinal => {
            UseCaseError::Forbidden("기관의 포상금은 평가 결과가 확정된 뒤에 볼 수 있습니다.".into())
        }
    })
}

/// The round's split as it stands, with what names its lines.
pub(crate) struct Computed {
    pub settings: RoundSettings,
    pub excellent: Vec<ExcellentTask>,
    pub titles: Vec<TaskTitle>,
    pub exchangees: Vec<TaskExchangee>,
    /// `None` while there is no excellent task.
    pub split: Option<PrizeSplit>,
}

impl Computed {
    /// The split with the titles and exchangees of every excellent task.
    pub(crate) async fn of(db: &Db, r: &RoundRecord) -> Result<Computed> {
        let mut c = Computed::split_of(db, r).await?;
        c.name(db, EvaluationRoundId::new(r.id), None).await?;
        Ok(c)
    }

    /// The split alone; a page then names (`name`) only the tasks it shows: at scale a round has
    /// thousands of excellent tasks, and reading all their titles and exchangees costs more than the
    /// split itself.
    pub(crate) async fn split_of(db: &Db, r: &RoundRecord) -> Result<Computed> {
        let id = EvaluationRoundId::new(r.id);
        let settings = settings_of(r)?;
        let excellent = db.excellent_tasks(id).await?;
        let (titles, exchangees) = (Vec::new(), Vec::new());
        let split = if excellent.is_empty() {
            None
        } else {
            let tasks = prize_tasks(&excellent, &settings.prizes.shares);
            Some(
                split_prizes(settings.prizes.pool_won, &tasks, &settings.prizes.rules)
                    .map_err(|e| UseCaseError::Conflict(format!("포상금을 나눌 수 없습니다. {e}")))?,
            )
        };
        Ok(Computed { settings, excellent, titles, exchangees, split })
    }

    /// Reads the titles and the exchangees of these tasks (`None`: of all the excellent ones).
    pub(crate) async fn name(&mut self, db: &Db, id: EvaluationRoundId, only: Option<&[TaskId]>) -> Result<()> {
        self.titles = db.excellent_task_titles(id, only).await?;
        self.exchangees = db.excellent_task_exchangees(id, only).await?;
        Ok(())
    }

    /// A person as the pages name them: an exchangee by name or post, anyone else by name.
    pub(crate) fn person_label(&self, key: &PersonKey) -> String {
        match key {
            PersonKey::Exchangee(e) => self
                .exchangees
                .iter()
                .find(|x| x.exchangee.exchangee == *e)
                .map_or_else(|| format!("교류자 {e}"), |x| x.exchangee.label.clone()),
            PersonKey::Named { name, .. } => name.clone(),
        }
    }

    pub(crate) fn agency_name(&self, a: AgencyId) -> String {
        self.excellent
            .iter()
            .flat_map(|t| &t.agencies)
            .find(|(id, _)| *id == a)
            .map_or_else(|| format!("기관 {a}"), |(_, n)| n.clone())
    }

    pub(crate) fn title(&self, t: TaskId) -> (i64, String) {
        self.titles.iter().find(|x| x.task == t).map_or((t.get(), String::new()), |x| (x.seq, x.title.clone()))
    }

    pub(crate) fn lines(&self) -> Vec<PrizeLine> {
        self.split.as_ref().map(PrizeSplit::lines).unwrap_or_default()
    }

    pub(crate) fn item(&self, l: &PrizeLine) -> PrizeItem {
        let key = l.person.as_deref().and_then(PersonKey::parse);
        PrizeItem {
            task_id: l.task_id.get(),
            agency_id: l.agency_id.get(),
            agency_name: self.agency_name(l.agency_id),
            person: key.as_ref().map(|k| self.person_label(k)),
            person_key: l.person.clone(),
            exchangee_id: key.as_ref().and_then(PersonKey::exchangee).map(|e| e.get()),
            amount_won: l.amount_won,
        }
    }

    fn contexts(&self) -> Vec<ShareContext> {
        self.excellent
            .iter()
            .map(|t| ShareContext {
                task: t.clone(),
                exchangees: self.exchangees.iter().filter(|x| x.task == t.task).map(|x| x.exchangee.clone()).collect(),
            })
            .collect()
    }

    fn shares_view(&self, s: &TaskShares) -> TaskSharesView {
        TaskSharesView {
            task_id: s.task_id.get(),
            agencies: s
                .agencies
                .iter()
                .map(|a| AgencyShareView {
                    agency_id: a.agency_id.get(),
                    agency_name: self.agency_name(a.agency_id),
                    share: a.share,
                    people: a
                        .people
                        .iter()
                        .map(|p| PersonShareView {
                            exchangee_id: match &p.recipient {
                                Recipient::Exchangee { exchangee_id } => Some(exchangee_id.get()),
                                Recipient::Named { .. } => None,
                            },
                            name: match &p.recipient {
                                Recipient::Named { name } => Some(name.clone()),
                                Recipient::Exchangee { .. } => None,
                            },
                            label: self.person_label(&PersonKey::of(a.agency_id, &p.recipient)),
                            share: p.share,
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    fn rule_text(&self) -> String {
        format!(
            "{}: 포상금 총액을 우수과제 {}개에 나누고, 과제 몫은 국무조정실이 정한 비율대로 참여 기관에, 기관 몫은 그 기관에서 정한 사람에게 나눕니다(비율을 정하지 않은 과제는 참여 기관에 똑같이 나누어 기관에 지급). 1인 상한을 넘는 금액은 같은 기관, 이어서 같은 과제의 다른 사람에게 다시 나눕니다. 나머지 원 단위는 최대잉여법으로 배분해 합계가 총액과 같습니다.",
            self.settings.prizes.rules.pool_rule.label_ko(),
            self.excellent.len()
        )
    }
}

/// One payment of the round's prize money.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrizeItem {
    pub task_id: i64,
    pub agency_id: i64,
    pub agency_name: String,
    /// The person paid (an exchangee's name or post, or the name OPC gave); null for a part paid to
    /// the agency itself.
    pub person: Option<String>,
    /// The person's key (`exchangee:12`, `agency:3:김민수`), the same in every task: the per-person
    /// cap counts by it, and the person's statement is found by it.
    pub person_key: Option<String>,
    /// When the person is an exchangee.
    pub exchangee_id: Option<i64>,
    pub amount_won: i64,
}

/// A person in an agency's shares: an exchangee by id, or a name.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonShareView {
    pub exchangee_id: Option<i64>,
    pub name: Option<String>,
    /// How the pages name the person.
    pub label: String,
    pub share: u32,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyShareView {
    pub agency_id: i64,
    pub agency_name: String,
    pub share: u32,
    pub people: Vec<PersonShareView>,
}

/// The shares OPC set for a task (the same fields `PUT …/prizes` takes in `shares`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskSharesView {
    pub task_id: i64,
    pub agencies: Vec<AgencyShareView>,
}

/// A page of the round's prize split.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrizesView {
    pub round_id: i64,
    pub stage: Stage,
    /// Before 확정 the split may still change.
    pub provisional: bool,
    /// The round's version, to change the settings with (OPC and auditors only).
    pub version: Option<i64>,
    pub pool_won: i64,
    /// The most one person receives in the round; null: no cap.
    pub person_cap_won: Option<i64>,
    /// How the pool is divided, in Korean.
    pub rule: String,
    /// Over every line (of the caller's scope): paid_won + undistributed_won = pool_won for OPC.
    pub paid_won: i64,
    /// What nobody could take (no excellent task, or everyone at the cap): OPC and auditors only.
    pub undistributed_won: Option<i64>,
    /// The shares OPC set, by task (OPC and auditors only); a task not listed is split equally.
    pub shares: Option<Vec<TaskSharesView>>,
    pub items: Vec<PrizeItem>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

/// The round's prize split (`GET /api/v1/evaluation-rounds/{id}/prizes`): OPC and auditors once a
/// result exists; an agency officer its own agencies' lines once the round is final.
pub async fn prizes(db: &Db, by: &Caller, id: EvaluationRoundId, paging: Paging) -> Result<PrizesView> {
    let r = readable(db, by, id).await?;
    let stage = r.stage()?;
    let scope = scope(by, stage)?;
    let mut c = Computed::split_of(db, &r).await?;
    let mine = lines_in(&c, &scope);
    let shown: Vec<PrizeLine> =
        mine.iter().skip(paging.offset.max(0) as usize).take(paging.limit.max(0) as usize).cloned().collect();
    let named = tasks_to_name(&c, &scope, shown.iter().map(|l| l.task_id));
    c.name(db, id, Some(&named)).await?;
    Ok(summary_of(&c, &r, stage, &scope, &mine, &shown, paging))
}

/// The tasks whose titles and exchangees a page reads: those it shows, and for OPC and auditors
/// (whose summary lists the shares set) every task with shares set.
fn tasks_to_name(c: &Computed, scope: &Option<Vec<AgencyId>>, shown: impl IntoIterator<Item = TaskId>) -> Vec<TaskId> {
    let mut named: Vec<TaskId> = shown.into_iter().collect();
    if scope.is_none() {
        named.extend(c.settings.prizes.shares.iter().map(|s| s.task_id));
    }
    named
}

/// The caller's lines of the split (all of them for OPC and auditors).
fn lines_in(c: &Computed, scope: &Option<Vec<AgencyId>>) -> Vec<PrizeLine> {
    c.lines().into_iter().filter(|l| in_scope(scope, l.agency_id)).collect()
}

/// The prize split as `prizes` answers it: `mine` the caller's lines, `shown` the page of them.
fn summary_of(
    c: &Computed,
    r: &RoundRecord,
    stage: Stage,
    scope: &Option<Vec<AgencyId>>,
    mine: &[PrizeLine],
    shown: &[PrizeLine],
    paging: Paging,
) -> PrizesView {
    let paid_won: i64 = mine.iter().map(|l| l.amount_won).sum();
    let pool = c.settings.prizes.pool_won;
    let all = scope.is_none();
    PrizesView {
        round_id: r.id,
        stage,
        provisional: stage < Stage::Final,
        version: all.then_some(r.version),
        pool_won: pool,
        person_cap_won: c.settings.prizes.rules.person_cap_won,
        rule: c.rule_text(),
        paid_won,
        undistributed_won: all.then_some(pool - paid_won),
        shares: all.then(|| c.settings.prizes.shares.iter().map(|s| c.shares_view(s)).collect()),
        total: mine.len() as i64,
        items: shown.iter().map(|l| c.item(l)).collect(),
        limit: paging.limit,
        offset: paging.offset,
    }
}

/// An excellent task with its part and the lines the caller reads.
#[derive(Debug, Clone, Serialize)]
pub struct PrizeTaskView {
    pub task_id: i64,
    pub task_seq: i64,
    pub task_title: String,
    pub grade: String,
    pub score: f64,
    pub part_won: i64,
    /// Whether OPC set its shares (else: equal among its agencies).
    pub shares_set: bool,
    pub undistributed_won: i64,
    pub lines: Vec<PrizeItem>,
}

/// A page of the excellent tasks with their prize lines, for the prize page.
#[derive(Debug, Clone, Serialize)]
pub struct PrizeTasksView {
    pub summary: PrizesView,
    pub tasks: Vec<PrizeTaskView>,
    pub tasks_total: i64,
    /// Whether OPC may still change the settings.
    pub editable: bool,
}

/// The prize page: the summary, and a page of the excellent tasks (those with lines in the caller's
/// scope) with their lines.
pub async fn prize_tasks_page(db: &Db, by: &Caller, id: EvaluationRoundId, paging: Paging) -> Result<PrizeTasksView> {
    let r = readable(db, by, id).await?;
    let stage = r.stage()?;
    let scope = scope(by, stage)?;
    let mut c = Computed::split_of(db, &r).await?;
    let lines = lines_in(&c, &scope);
    let summary_page = Paging { limit: 1, offset: 0 };
    let Some(split) = c.split.take() else {
        c.name(db, id, Some(&[])).await?;
        let summary = summary_of(&c, &r, stage, &scope, &lines, &[], summary_page);
        return Ok(PrizeTasksView { summary, tasks: vec![], tasks_total: 0, editable: editable(by, stage) });
    };
    let with_lines: std::collections::HashSet<TaskId> = lines.iter().map(|l| l.task_id).collect();
    let visible: Vec<_> = split.tasks.iter().filter(|t| scope.is_none() || with_lines.contains(&t.task)).collect();
    let page: Vec<_> = visible.iter().skip(paging.offset.max(0) as usize).take(paging.limit.max(0) as usize).collect();
    let shown = page.iter().map(|t| t.task).chain(lines.first().map(|l| l.task_id));
    let named = tasks_to_name(&c, &scope, shown);
    c.name(db, id, Some(&named)).await?;
    let tasks = page
        .iter()
        .map(|t| {
            let (seq, title) = c.title(t.task);
            PrizeTaskView {
                task_id: t.task.get(),
                task_seq: seq,
                task_title: title,
                grade: t.grade.clone(),
                score: t.score,
                part_won: t.part_won,
                shares_set: c.settings.prizes.shares.iter().any(|s| s.task_id == t.task),
                undistributed_won: if scope.is_none() { t.undistributed_won } else { 0 },
                lines: lines
                    .iter()
                    .filter(|l| l.task_id == t.task && in_scope(&scope, l.agency_id))
                    .map(|l| c.item(l))
                    .collect(),
            }
        })
        .collect();
    let summary = summary_of(&c, &r, stage, &scope, &lines, &lines[..lines.len().min(1)], summary_page);
    Ok(PrizeTasksView { summary, tasks, tasks_total: visible.len() as i64, editable: editable(by, stage) })
}

fn in_scope(scope: &Option<Vec<AgencyId>>, a: AgencyId) -> bool {
    scope.as_ref().is_none_or(|s| s.contains(&a))
}

fn editable(by: &Caller, stage: Stage) -> bool {
    by.principal().is_some_and(access::can_decide_objections) && ensure_pool_editable(stage).is_ok()
}

/// The pool and the cap as OPC's form shows them, with the round's version.
#[derive(Debug, Clone, Serialize)]
pub struct PoolAndCap {
    pub pool_won: i64,
    pub person_cap_won: Option<i64>,
    pub version: i64,
    /// Whether scoring has closed, so that the split exists.
    pub has_result: bool,
}

/// The pool and the cap, for OPC's form (until 확정; before scoring closes too, as nothing about
/// them depends on the result).
pub async fn pool_and_cap(db: &Db, by: &Caller, id: EvaluationRoundId) -> Result<PoolAndCap> {
    may_set(by)?;
    let r = readable(db, by, id).await?;
    ensure_pool_editable(r.stage()?).map_err(UseCaseError::Conflict)?;
    let s = settings_of(&r)?;
    Ok(PoolAndCap {
        pool_won: s.prizes.pool_won,
        person_cap_won: s.prizes.rules.person_cap_won,
        version: r.version,
        has_result: !scores_sealed(r.stage()?),
    })
}

/// What the form of one task's shares shows: the task, its agencies with the exchangees of its
/// pair under each, and the shares set so far.
#[derive(Debug, Clone)]
pub struct TaskSharesForm {
    pub round_id: i64,
    pub version: i64,
    pub task: ExcellentTask,
    pub task_seq: i64,
    pub task_title: String,
    pub exchangees: Vec<TaskExchangee>,
    /// `None`: the default (equal among the agencies).
    pub current: Option<TaskShares>,
    /// The task's part now, and each line of it.
    pub part_won: i64,
    pub lines: Vec<PrizeItem>,
    pub person_cap_won: Option<i64>,
}

/// One excellent task's shares, for OPC's form (until 확정).
pub async fn task_shares_form(db: &Db, by: &Caller, id: EvaluationRoundId, task: TaskId) -> Result<TaskSharesForm> {
    let p = by.signed_in()?;
    if !access::can_decide_objections(p) {
        return Err(not_opc());
    }
    let r = readable(db, by, id).await?;
    ensure_pool_editable(r.stage()?).map_err(UseCaseError::Conflict)?;
    let mut c = Computed::split_of(db, &r).await?;
    c.name(db, id, Some(&[task])).await?;
    let t = c
        .excellent
        .iter()
        .find(|t| t.task == task)
        .cloned()
        .ok_or_else(|| UseCaseError::NotFound(format!("이 평가 회차의 우수과제 {task}")))?;
    let (seq, title) = c.title(task);
    let part_won = c.split.as_ref().and_then(|s| s.tasks.iter().find(|x| x.task == task)).map_or(0, |x| x.part_won);
    Ok(TaskSharesForm {
        round_id: id.get(),
        version: r.version,
        task: t,
        task_seq: seq,
        task_title: title,
        exchangees: c.exchangees.iter().filter(|x| x.task == task).cloned().collect(),
        current: c.settings.prizes.shares.iter().find(|s| s.task_id == task).cloned(),
        part_won,
        lines: c.lines().iter().filter(|l| l.task_id == task).map(|l| c.item(l)).collect(),
        person_cap_won: c.settings.prizes.rules.person_cap_won,
    })
}

/// What a change does to the round's prize settings.
enum Edit {
    Whole(hanteam_domain::reward::pool::PrizeSettingsDraft),
    PoolAndCap { pool_won: i64, person_cap_won: Option<i64> },
    Task { task: TaskId, shares: Option<TaskShares> },
}

/// The one way the settings are written: OPC only, until 확정, with the round's version; shares are
/// checked against the round's excellent tasks (which exist only once scoring has closed); audited.
async fn save(db: &Db, by: &Caller, id: EvaluationRoundId, version: i64, change: Edit) -> Result<Saved> {
    let current = db.get_round(id).await?.ok_or_else(|| round_not_found(id))?;
    let shares: Vec<(&TaskShares, String)> = match &change {
        Edit::Whole(d) => d.shares.iter().enumerate().map(|(k, s)| (s, format!("shares[{k}]."))).collect(),
        Edit::Task { shares: Some(s), .. } => vec![(s, String::new())],
        _ => vec![],
    };
    if !shares.is_empty() {
        if scores_sealed(current.stage()?) {
            return Err(UseCaseError::Conflict(
                "우수과제가 아직 정해지지 않아 배분 비율을 정할 수 없습니다. 채점을 마감하면 우수과제가 정해집니다."
                    .into(),
            ));
        }
        let c = Computed::of(db, &current).await?;
        let contexts = c.contexts();
        let mut errors: Vec<ValidationError> = Vec::new();
        for (s, at) in &shares {
            errors.extend(check_against(std::slice::from_ref(*s), &contexts, |_| at.clone()));
        }
        if !errors.is_empty() {
            return Err(UseCaseError::Invalid(errors));
        }
    }
    let mut tx = db.begin().await?;
    let before = tx.load::<RoundRecord>(id).await?.ok_or_else(|| round_not_found(id))?;
    ensure_pool_editable(before.stage()?).map_err(UseCaseError::Conflict)?;
    if before.version != version {
        return Err(UseCaseError::Stale { current_version: before.version });
    }
    let mut settings = settings_of(&before)?;
    let p = &mut settings.prizes;
    let action = match change {
        Edit::Whole(d) => {
            p.pool_won = d.pool_won;
            p.rules.person_cap_won = d.person_cap_won;
            p.shares = normalised(d.shares);
            AuditAction::EvaluationPrizePool
        }
        Edit::PoolAndCap { pool_won, person_cap_won } => {
            p.pool_won = pool_won;
            p.rules.person_cap_won = person_cap_won;
            AuditAction::EvaluationPrizePool
        }
        Edit::Task { task, shares } => {
            p.shares.retain(|s| s.task_id != task);
            p.shares.extend(shares);
            p.shares = normalised(std::mem::take(&mut p.shares));
            AuditAction::EvaluationPrizeShares
        }
    };
    let json = serde_json::to_string(&settings).map_err(internal)?;
    let version = tx
        .set_round_params(id, version, &json)
        .await?
        .ok_or(UseCaseError::Stale { current_version: before.version })?;
    let after = tx.load::<RoundRecord>(id).await?.ok_or_else(|| round_not_found(id))?;
    tx.audit(&by.actor, Change::updated(action, &before, &after)).await?;
    tx.commit().await?;
    Ok(Saved { id: id.get(), version })
}

fn may_set(by: &Caller) -> Result<()> {
    if access::can_decide_objections(by.signed_in()?) {
        Ok(())
    } else {
        Err(not_opc())
    }
}

/// OPC sets the round's prize settings whole (`PUT …/prizes`): the pool, the cap and every task's
/// shares (a task left out goes back to the equal split), with the round's version, until 확정.
pub async fn set(db: &Db, by: &Caller, id: EvaluationRoundId, input: &PrizeSettingsInput) -> Result<Saved> {
    may_set(by)?;
    let d = parse_prize_settings(input)?;
    let version = d.version;
    save(db, by, id, version, Edit::Whole(d)).await
}

/// OPC sets the pool and the cap (the prize page's settings form); the shares stay.
pub async fn set_pool_and_cap(
    db: &Db,
    by: &Caller,
    id: EvaluationRoundId,
    input: &PrizeSettingsInput,
) -> Result<Saved> {
    may_set(by)?;
    let (pool_won, person_cap_won, version) = parse_pool_and_cap(input)?;
    save(db, by, id, version, Edit::PoolAndCap { pool_won, person_cap_won }).await
}

/// OPC sets one excellent task's shares (`shares` `None`: back to the equal split among its
/// agencies), with the round's version.
pub async fn set_task_shares(
    db: &Db,
    by: &Caller,
    id: EvaluationRoundId,
    task: TaskId,
    shares: Option<&TaskSharesInput>,
    version: &Option<String>,
) -> Result<Saved> {
    may_set(by)?;
    let (shares, version) = match shares {
        Some(input) => {
            let (s, v) = parse_task_shares(task, input, version)?;
            (Some(s), v)
        }
        None => {
            let v = version.as_deref().map(str::trim).and_then(|v| v.parse::<i64>().ok()).ok_or_else(|| {
                UseCaseError::invalid(
                    "version",
                    "수정할 기록의 버전 정보가 없습니다. 화면을 새로 고친 뒤 다시 시도해 주세요.",
                )
            })?;
            (None, v)
        }
    };
    save(db, by, id, version, Edit::Task { task, shares }).await
}

// ---------------------------------------------------------------------------------------------
// Statements (지급 명세서), printable on A4.

/// A person's statement of a round: the arithmetic from the pool down to each amount
/// (`reward::person_statement`), and for an exchangee the special performance bonus of the pay
/// table of the round's setup year.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonStatementView {
    pub round_id: i64,
    pub round_name: String,
    pub stage: Stage,
    pub provisional: bool,
    pub person_key: String,
    /// How the person is named (an exchangee by name or post).
    pub person: String,
    pub exchangee_id: Option<i64>,
    /// The agencies whose parts pay the person.
    pub agencies: Vec<String>,
    pub lines: Vec<hanteam_domain::reward::StatementLine>,
    pub prize_won: i64,
    /// The bonus; `None` where there is no number (no amount in the table, no band, no table).
    pub bonus_won: Option<i64>,
}

fn statement_refusal(why: PrizeRefusal) -> UseCaseError {
    match why {
        PrizeRefusal::NotYet => UseCaseError::Conflict(
            "채점이 아직 끝나지 않아 포상금 명세서가 없습니다. 채점을 마감하면 우수과제가 정해집니다.".into(),
        ),
        PrizeRefusal::NotAllowed => UseCaseError::Forbidden(
            "개인의 포상금·특별성과가산금 명세서는 국무조정실, 감사 담당자와 교류자 본인만 볼 수 있습니다.".into(),
        ),
        PrizeRefusal::BeforeFinal => {
            UseCaseError::Forbidden("본인의 명세서는 평가 결과가 확정된 뒤에 볼 수 있습니다.".into())
        }
    }
}

/// The caller's own statements of a round, as (person key, label): one per exchangee of the
/// exchange posts the caller holds, once the round is final (`access::may_read_person_statement`);
/// none for anybody else.
pub async fn own_statements(db: &Db, by: &Caller, stage: Stage) -> Result<Vec<(String, String)>> {
    let Some(p) = by.principal() else { return Ok(Vec::new()) };
    let Some(access::PayScope::Own(positions)) = access::pay_scope(Some(p)) else { return Ok(Vec::new()) };
    if positions.iter().all(|pos| access::may_read_person_statement(p, stage, Some(*pos)).is_err()) {
        return Ok(Vec::new());
    }
    Ok(db
        .exchangees_at(&positions)
        .await?
        .into_iter()
        .map(|(id, name)| {
            let label = match name {
                Some(n) => format!("내 지급 명세서 ({n})"),
                None => "내 지급 명세서".into(),
            };
            (PersonKey::Exchangee(id).as_string(), label)
        })
        .collect())
}

/// The statement of the person with `key` (`exchangee:12`, `agency:3:김민수`): OPC and auditors
/// anyone's, an exchangee its own once the round is final (`access::may_read_person_statement`).
pub async fn person_statement(db: &Db, by: &Caller, id: EvaluationRoundId, key: &str) -> Result<PersonStatementView> {
    let p = by.signed_in()?;
    let r = readable(db, by, id).await?;
    let stage = r.stage()?;
    let not_found = || UseCaseError::NotFound("이 평가 회차에서 포상금을 받는 사람".into());
    let person = PersonKey::parse(key).ok_or_else(not_found)?;
    let position = match person.exchangee() {
        Some(e) => {
            let mut tx = db.begin().await?;
            let pos = tx.exchangee_position(e).await?;
            drop(tx);
            Some(pos.ok_or_else(not_found)?)
        }
        None => None,
    };
    access::may_read_person_statement(p, stage, position).map_err(statement_refusal)?;
    let c = Computed::of(db, &r).await?;
    let key_text = person.as_string();
    let split = c.split.as_ref();
    let agencies: Vec<String> = split
        .map(|s| {
            s.tasks
                .iter()
                .flat_map(|t| &t.agencies)
                .filter(|a| a.people.iter().any(|x| x.person == key_text))
                .map(|a| a.agency_name.clone())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect()
        })
        .unwrap_or_default();
    // Someone OPC named exists only through the shares; an exchangee has a bonus even with no prize.
    if agencies.is_empty() && person.exchangee().is_none() {
        return Err(not_found());
    }
    let mut statement = match split {
        Some(s) => hanteam_domain::reward::person_statement(s, &key_text, None),
        None => {
            hanteam_domain::reward::Statement { person: key_text.clone(), lines: vec![], prize_won: 0, bonus_won: None }
        }
    };
    let mut bonus_won = None;
    if let Some(e) = person.exchangee() {
        let year = chrono::Datelike::year(&r.setup_on);
        let line = match crate::pay::bonus(db, by, e, year).await {
            Ok((_, b)) => {
                bonus_won = b.bonus_won;
                hanteam_domain::reward::StatementLine {
                    label: format!(
                        "특별성과가산금 ({year}년 {})",
                        b.pay_band.map_or("보수 등급 미지정", hanteam_domain::reward::PayBand::label_ko)
                    ),
                    detail: b.note,
                    amount_won: b.bonus_won,
                }
            }
            Err(UseCaseError::NotFound(_)) => hanteam_domain::reward::StatementLine {
                label: format!("특별성과가산금 ({year}년)"),
                detail: format!("{year}년 지급표가 없습니다. 국무조정실이 지급표를 만들면 계산됩니다."),
                amount_won: None,
            },
            Err(e) => return Err(e),
        };
        statement.lines.push(line);
    }
    Ok(PersonStatementView {
        round_id: id.get(),
        round_name: r.name.clone(),
        stage,
        provisional: stage < Stage::Final,
        person_key: key_text,
        person: c.person_label(&person),
        exchangee_id: person.exchangee().map(|e| e.get()),
        agencies,
        lines: statement.lines,
        prize_won: statement.prize_won,
        bonus_won,
    })
}

/// A person paid from an agency's part of a task.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatementPerson {
    pub person: String,
    pub person_key: String,
    pub share: u32,
    pub share_total: u64,
    pub entitlement_won: i64,
    /// What the cap took away (negative), and what came from others' excess.
    pub cut_won: i64,
    pub received_won: i64,
    pub amount_won: i64,
}

/// An excellent task of the agency with the agency's part.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyPrizePart {
    pub task_id: i64,
    pub task_seq: i64,
    pub task_title: String,
    pub grade: String,
    pub score: f64,
    pub task_part_won: i64,
    pub share: u32,
    pub share_total: u64,
    pub agency_part_won: i64,
    /// Paid to the agency itself (it named no one).
    pub unit_won: i64,
    pub people: Vec<StatementPerson>,
}

/// A task of the agency in the round, with its result.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyTaskResult {
    pub task_id: i64,
    pub task_seq: i64,
    pub task_title: String,
    pub score: f64,
    pub grade: String,
    pub excellent: bool,
    /// OPC and auditors, and everyone once published.
    pub position: Option<i64>,
}

/// An agency's statement of a round: its tasks with their grades, and its prize parts.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyStatementView {
    pub round_id: i64,
    pub round_name: String,
    pub stage: Stage,
    pub provisional: bool,
    pub agency_id: i64,
    pub agency_name: String,
    pub pool_won: i64,
    pub person_cap_won: Option<i64>,
    pub rule: String,
    /// Everything the agency's parts pay (to the agency and its people).
    pub prize_won: i64,
    pub parts: Vec<AgencyPrizePart>,
    /// A page of the agency's tasks in ranking order.
    pub tasks: Vec<AgencyTaskResult>,
    pub tasks_total: i64,
    pub limit: i64,
    pub offset: i64,
}

/// The statement of `agency` (`access::prize_scope`: OPC and auditors any agency's once a result
/// exists; an officer its own once the round is final), with a page of its tasks.
pub async fn agency_statement(
    db: &Db,
    by: &Caller,
    id: EvaluationRoundId,
    agency: AgencyId,
    paging: Paging,
) -> Result<AgencyStatementView> {
    let r = readable(db, by, id).await?;
    let stage = r.stage()?;
    let scope = scope(by, stage)?;
    if !in_scope(&scope, agency) {
        return Err(UseCaseError::Forbidden("다른 기관의 포상금 명세서는 볼 수 없습니다.".into()));
    }
    let agency_name = db
        .list_agencies()
        .await?
        .into_iter()
        .find(|a| a.id == agency)
        .map(|a| a.short_name)
        .ok_or_else(|| UseCaseError::NotFound(format!("{agency}번 기관")))?;
    let mut c = Computed::split_of(db, &r).await?;
    let its: Vec<TaskId> = c
        .split
        .iter()
        .flat_map(|s| &s.tasks)
        .filter(|t| t.agencies.iter().any(|a| a.agency == agency))
        .map(|t| t.task)
        .collect();
    c.name(db, id, Some(&its)).await?;
    let mut parts = Vec::new();
    for t in c.split.iter().flat_map(|s| &s.tasks) {
        let Some(a) = t.agencies.iter().find(|a| a.agency == agency) else { continue };
        let (seq, title) = c.title(t.task);
        parts.push(AgencyPrizePart {
            task_id: t.task.get(),
            task_seq: seq,
            task_title: title,
            grade: t.grade.clone(),
            score: t.score,
            task_part_won: t.part_won,
            share: a.share,
            share_total: a.share_total,
            agency_part_won: a.part_won,
            unit_won: a.unit_won,
            people: a
                .people
                .iter()
                .map(|p| StatementPerson {
                    person: PersonKey::parse(&p.person).map_or_else(|| p.person.clone(), |k| c.person_label(&k)),
                    person_key: p.person.clone(),
                    share: p.share,
                    share_total: p.share_total,
                    entitlement_won: p.entitlement_won,
                    cut_won: -p.cut_won,
                    received_won: p.from_agency_won + p.from_task_won,
                    amount_won: p.amount_won,
                })
                .collect(),
        });
    }
    let prize_won = parts.iter().map(|p| p.unit_won + p.people.iter().map(|x| x.amount_won).sum::<i64>()).sum();
    let page = db.results_page(id, &hanteam_store::scoring::ResultScope::Agencies(vec![agency]), paging).await?;
    let ranked = scope.is_none() || stage.is_published();
    Ok(AgencyStatementView {
        round_id: id.get(),
        round_name: r.name.clone(),
        stage,
        provisional: stage < Stage::Final,
        agency_id: agency.get(),
        agency_name,
        pool_won: c.settings.prizes.pool_won,
        person_cap_won: c.settings.prizes.rules.person_cap_won,
        rule: c.rule_text(),
        prize_won,
        parts,
        tasks: page
            .items
            .into_iter()
            .map(|e| AgencyTaskResult {
                task_id: e.task_id,
                task_seq: e.seq,
                task_title: e.title,
                score: e.score,
                grade: e.grade,
                excellent: e.excellent,
                position: ranked.then_some(e.position),
            })
            .collect(),
        tasks_total: page.total,
        limit: paging.limit,
        offset: paging.offset,
    })
}
