//! The parts of a task that progress is reported in, one by one: KPIs (성과지표) and milestones
//! (추진일정). One set of use cases serves both; [`Part`] says where each is found in a task.
//! Who may: OPC, or an exchangee of the task's pair.

use hanteam_domain::access::{self, TaskChange};
use hanteam_domain::edit::{parse_version, VersionInput};
use hanteam_domain::time::kst_date;
use hanteam_domain::{Kpi, Milestone, TaskId};
use hanteam_store::audit::Change;
use hanteam_store::views::{TaskDetail, TaskKpi, TaskMilestone};
use hanteam_store::writes::StoredPart;
use hanteam_store::{Db, Record, Tx};

use crate::tasks::visible_in;
use crate::{Caller, Result, Saved, UseCaseError};

/// A part as the use cases handle it: stored, and shown in a task's detail.
pub trait Part: StoredPart {
    /// How the task's detail shows one.
    type View: Clone;

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

fn not_found<P: Part>(id: P::Id) -> UseCaseError {
    UseCaseError::NotFound(format!("{}번 {}", Into::<i64>::into(id), P::WHAT))
}

/// The task whose progress the caller may report, for the form that adds a part to it.
pub async fn open_task(db: &Db, by: &Caller, task: TaskId) -> Result<TaskDetail> {
    crate::tasks::open_for(db, by, task, TaskChange::Progress).await
}

/// A part and its task, for the forms that change or remove it.
pub async fn open<P: Part>(db: &Db, by: &Caller, id: P::Id) -> Result<(TaskDetail, P::View)> {
    let task = db.task_of_part::<P>(id).await?.ok_or_else(|| not_found::<P>(id))?;
    let detail = open_task(db, by, task).await?;
    let view = P::in_task(&detail)
        .iter()
        .find(|v| Into::<i64>::into(P::view_id(v)) == Into::<i64>::into(id))
        .cloned()
        .ok_or_else(|| not_found::<P>(id))?;
    Ok((detail, view))
}

/// Inside a change: the part (locked) and its task, once the caller may report on the task.
async fn open_in<P: Part>(tx: &mut Tx, by: &Caller, id: P::Id) -> Result<P::Record> {
    let p = by.signed_in()?;
    let before = tx.load::<P::Record>(id).await?.ok_or_else(|| not_found::<P>(id))?;
    let t = visible_in(tx, by, P::task_of(&before)).await?;
    access::may_change_task(p, &t, TaskChange::Progress)?;
    Ok(before)
}

pub async fn add<P: Part>(db: &Db, by: &Caller, task: TaskId, input: &P::Input) -> Result<Saved> {
    let p = by.signed_in()?;
    let mut tx = db.begin().await?;
    let t = visible_in(&mut tx, by, task).await?;
    access::may_change_task(p, &t, TaskChange::Progress)?;
    let part = P::parse(input)?;
    part.check_on(kst_date(tx.at()))?;
    let id = tx.insert_part(task, &part).await?;
    let after = tx.load::<P::Record>(id).await?.ok_or_else(|| not_found::<P>(id))?;
    tx.audit(&by.actor, Change::created(P::CREATED, &after)).await?;
    tx.commit().await?;
    Ok(Saved { id: after.id(), version: after.version() })
}

/// Changes a part; answers with its new version and the task it belongs to.
pub async fn update<P: Part>(db: &Db, by: &Caller, id: P::Id, input: &P::Input) -> Result<(Saved, TaskId)> {
    let mut tx = db.begin().await?;
    let before = open_in::<P>(&mut tx, by, id).await?;
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
    let mut tx = db.begin().await?;
    let before = open_in::<P>(&mut tx, by, id).await?;
    let version = parse_version(input)?;
    if !tx.remove_part::<P>(id, version).await? {
        return Err(UseCaseError::Stale { current_version: before.version() });
    }
    tx.audit(&by.actor, Change::removed(P::REMOVED, &before)).await?;
    tx.commit().await?;
    Ok(P::task_of(&before))
}
