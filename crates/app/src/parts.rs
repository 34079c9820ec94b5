//! The parts of a task added, changed and removed one by one: KPIs (성과지표) and milestones
//! (추진일정), in which progress is reported, and administrative procedures (행정절차 소요기간).
//! One set of use cases serves all; [`Part`] says where each is found in a task and who writes it:
//! KPIs and milestones OPC or an exchangee of the task's pair; procedures also an officer of an
//! agency taking part.

use hanteam_domain::access::{self, TaskChange};
use hanteam_domain::edit::{parse_version, VersionInput};
use hanteam_domain::procedure::MAX_PROCEDURES_PER_TASK;
use hanteam_domain::time::kst_date;
use hanteam_domain::{Kpi, Milestone, Procedure, TaskId};
use hanteam_store::audit::Change;
use hanteam_store::views::{TaskDetail, TaskKpi, TaskMilestone, TaskProcedure};
use hanteam_store::writes::StoredPart;
use hanteam_store::{Db, Record, Tx};

use crate::tasks::visible_in;
use crate::{Caller, Result, Saved, UseCaseError};

/// A part as the use cases handle it: stored, and shown in a task's detail.
pub trait Part: StoredPart {
    /// How the task's detail shows one.
    type View: Clone;

    /// The change to the task that writing one is.
    const CHANGE: TaskChange = TaskChange::Progress;
    /// The most a task has of this kind, if there is a limit.
    const MAX_PER_TASK: Option<i64> = None;

    /// The task's parts of this kind.
    fn in_task(task: &TaskDetail) -> &[Self::View];
    fn view_id(view: &Self::View) -> Self::Id;
}

impl Part for Kpi {
    type View = TaskKpi;

    fn in_task(task: &TaskDetail) -> &[TaskKpi] {
        &task.kpis
    }

    fn view_id(view: &TaskKpi) -> Self::Id {
        view.id
    }
}

impl Part for Milestone {
    type View = TaskMilestone;

    fn in_task(task: &TaskDetail) -> &[TaskMilestone] {
        &task.milestones
    }

    fn view_id(view: &TaskMilestone) -> Self::Id {
        view.id
    }
}

impl Part for Procedure {
    type View = TaskProcedure;
    const CHANGE: TaskChange = TaskChange::Collaborate;
    const MAX_PER_TASK: Option<i64> = Some(MAX_PROCEDURES_PER_TASK);

    fn in_task(task: &TaskDetail) -> &[TaskProcedure] {
        &task.procedures.items
    }

    fn view_id(view: &TaskProcedure) -> Self::Id {
        view.id
    }
}

fn not_found<P: Part>(id: P::Id) -> UseCaseError {
    UseCaseError::NotFound(format!("{}번 {}", Into::<i64>::into(id), P::WHAT))
}

/// The task the caller may add a part of this kind to, for the form that adds one.
pub async fn open_task<P: Part>(db: &Db, by: &Caller, task: TaskId) -> Result<TaskDetail> {
    crate::tasks::open_for(db, by, task, P::CHANGE).await
}

/// A part and its task, for the forms that change or remove it.
pub async fn open<P: Part>(db: &Db, by: &Caller, id: P::Id) -> Result<(TaskDetail, P::View)> {
    let task = db.task_of_part::<P>(id).await?.ok_or_else(|| not_found::<P>(id))?;
    let detail = open_task::<P>(db, by, task).await?;
    let view = P::in_task(&detail)
        .iter()
        .find(|v| Into::<i64>::into(P::view_id(v)) == Into::<i64>::into(id))
        .cloned()
        .ok_or_else(|| not_found::<P>(id))?;
    Ok((detail, view))
}

/// Inside a change: the part (locked) and its task, once the caller may write it. `task`, when
/// given, is the task the caller named: a part of another task is not found.
async fn open_in<P: Part>(tx: &mut Tx, by: &Caller, id: P::Id, task: Option<TaskId>) -> Result<P::Record> {
    let p = by.signed_in()?;
    let before = tx.load::<P::Record>(id).await?.ok_or_else(|| not_found::<P>(id))?;
    if task.is_some_and(|t| t != P::task_of(&before)) {
        return Err(not_found::<P>(id));
    }
    let t = visible_in(tx, by, P::task_of(&before)).await?;
    access::may_change_task(p, &t, P::CHANGE)?;
    Ok(before)
}

pub async fn add<P: Part>(db: &Db, by: &Caller, task: TaskId, input: &P::Input) -> Result<Saved> {
    let p = by.signed_in()?;
    let mut tx = db.begin().await?;
    let t = visible_in(&mut tx, by, task).await?;
    access::may_change_task(p, &t, P::CHANGE)?;
    let part = P::parse(input)?;
    part.check_on(kst_date(tx.at()))?;
    if let Some(max) = P::MAX_PER_TASK {
        if tx.count_parts::<P>(task).await? >= max {
            return Err(UseCaseError::invalid(
                "task",
                format!("한 과제에는 {}를 {max}개까지 둘 수 있습니다. 쓰지 않는 것을 먼저 삭제해 주세요.", P::WHAT),
            ));
        }
    }
    let id = tx.insert_part(task, &part).await?;
    let after = tx.load::<P::Record>(id).await?.ok_or_else(|| not_found::<P>(id))?;
    tx.audit(&by.actor, Change::created(P::CREATED, &after)).await?;
    tx.commit().await?;
    Ok(Saved { id: after.id(), version: after.version() })
}

/// Changes a part; answers with its new version and the task it belongs to.
pub async fn update<P: Part>(db: &Db, by: &Caller, id: P::Id, input: &P::Input) -> Result<(Saved, TaskId)> {
    update_in::<P>(db, by, None, id, input).await
}

/// As [`update`], of a part of the task named (`PUT /api/v1/tasks/{id}/procedures/{pid}`).
pub async fn update_in<P: Part>(
    db: &Db,
    by: &Caller,
    task: Option<TaskId>,
    id: P::Id,
    input: &P::Input,
) -> Result<(Saved, TaskId)> {
    let mut tx = db.begin().await?;
    let before = open_in::<P>(&mut tx, by, id, task).await?;
    let (part, version) = P::parse_edit(input)?;
    part.check_on(kst_date(tx.at()))?;
    let version =
        tx.update_part(id, version, &part).await?.ok_or(UseCaseError::Stale { current_version: before.version() })?;
    let after = tx.load::<P::Record>(id).await?.ok_or_else(|| not_found::<P>(id))?;
    tx.audit(&by.actor, Change::updated(P::UPDATED, &before, &after)).await?;
    tx.commit().await?;
    Ok((Saved { id: after.id(), version }, P::task_of(&after)))
}

/// Removes a part; its last state stays in the audit log. Returns the task it belonged to.
pub async fn remove<P: Part>(db: &Db, by: &Caller, id: P::Id, input: &VersionInput) -> Result<TaskId> {
    remove_in::<P>(db, by, None, id, input).await
}

/// As [`remove`], of a part of the task named.
pub async fn remove_in<P: Part>(
    db: &Db,
    by: &Caller,
    task: Option<TaskId>,
    id: P::Id,
    input: &VersionInput,
) -> Result<TaskId> {
    let mut tx = db.begin().await?;
    let before = open_in::<P>(&mut tx, by, id, task).await?;
    let version = parse_version(input)?;
    if !tx.remove_part::<P>(id, version).await? {
        return Err(UseCaseError::Stale { current_version: before.version() });
    }
    tx.audit(&by.actor, Change::removed(P::REMOVED, &before)).await?;
    tx.commit().await?;
    Ok(P::task_of(&before))
}

/// A task's procedures and their total saving, as far as the caller may see the task (the public
/// sees those of published tasks: they are the promised benefit).
pub async fn procedures(db: &Db, by: &Caller, task: TaskId) -> Result<hanteam_store::views::ProcedureList> {
    Ok(crate::tasks::detail(db, by, task).await?.procedures)
}

/// One procedure of a task, with what changing it needs.
pub async fn procedure(db: &Db, by: &Caller, task: TaskId, id: hanteam_domain::ProcedureId) -> Result<TaskProcedure> {
    crate::tasks::detail(db, by, task)
        .await?
        .procedures
        .items
        .into_iter()
        .find(|p| p.id == id)
        .ok_or_else(|| not_found::<Procedure>(id))
}
