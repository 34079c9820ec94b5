//! 기관 간 메모: the memos a task's agencies and OPC leave each other. Read by whoever may see the
//! task's internal record (never the public, never an evaluator); written by OPC, an officer of an
//! agency taking part and an exchangee of the task's pair; withdrawn only by the writer, and then
//! kept without its text (the text stays in the audit log).

use hanteam_domain::access::{self, TaskChange, WriterOf};
use hanteam_domain::audit::AuditAction;
use hanteam_domain::edit::{parse_version, VersionInput};
use hanteam_domain::memo::{parse_memo, MemoInput, WriterCapacity, OPC_SHORT_NAME};
use hanteam_domain::{MemoId, Paging, TaskId};
use hanteam_store::audit::Change;
use hanteam_store::memos::{MemoRecord, NewMemo};
use hanteam_store::views::{Page, TaskMemo};
use hanteam_store::Db;

use crate::tasks::{visible, visible_in};
use crate::{Caller, Result, Saved, UseCaseError};

fn memo_not_found(id: MemoId) -> UseCaseError {
    UseCaseError::NotFound(format!("{id}번 메모"))
}

/// A page of a task's memos, and what the caller may do with them.
pub struct Memos {
    pub page: Page<TaskMemo>,
    /// The caller may write a memo on the task.
    pub may_write: bool,
    /// The memos on this page the caller may withdraw (their own, not yet withdrawn).
    pub withdrawable: Vec<MemoId>,
}

/// A task's memos, newest first, for whoever may see its internal record.
pub async fn list(db: &Db, by: &Caller, task: TaskId, paging: Paging) -> Result<Memos> {
    let p = by.signed_in()?;
    let t = visible(db, by, task).await?;
    access::ensure_can_see_internal_record(p, &t)?;
    let page = db.task_memos(task, paging).await?;
    let withdrawable = page
        .items
        .iter()
        .filter(|m| m.withdrawn_at.is_none())
        .filter(|m| access::may_withdraw_memo(p, &t, m.writer_user_id).is_ok())
        .map(|m| m.id)
        .collect();
    let may_write = access::may_change_task(p, &t, TaskChange::Collaborate).is_ok();
    Ok(Memos { page, may_write, withdrawable })
}

/// The memos of a task's page: `None` for a reader who may not see them (the section is not shown).
pub async fn for_task_page(db: &Db, by: &Caller, task: TaskId, paging: Paging) -> Result<Option<Memos>> {
    let t = visible(db, by, task).await?;
    if !access::can_see_internal_record(by.principal(), &t) {
        return Ok(None);
    }
    list(db, by, task, paging).await.map(Some)
}

/// Writes a memo on a task, with the writer's agency as it is now.
pub async fn create(db: &Db, by: &Caller, task: TaskId, input: &MemoInput) -> Result<Saved> {
    let p = by.signed_in()?;
    let mut tx = db.begin().await?;
    let t = visible_in(&mut tx, by, task).await?;
    access::may_change_task(p, &t, TaskChange::Collaborate)?;
    let body = parse_memo(input)?;
    let (capacity, of) = access::writer_capacity(p, &t).ok_or_else(UseCaseError::forbidden)?;
    let agency = match (capacity, of) {
        (_, Some(WriterOf::Agency(a))) => Some(a),
        (_, Some(WriterOf::Position(pos))) => tx.position_agency(pos).await?,
        (WriterCapacity::Opc, None) => tx.agency_by_short_name(OPC_SHORT_NAME).await?,
        (_, None) => None,
    };
    let id = tx.insert_memo(&NewMemo { task, writer: p.user_id, capacity, agency, body }).await?;
    let after = tx.load::<MemoRecord>(id).await?.ok_or_else(|| memo_not_found(id))?;
    tx.audit(&by.actor, Change::created(AuditAction::MemoCreate, &after)).await?;
    tx.commit().await?;
    Ok(Saved { id: id.get(), version: after.version })
}

/// A memo and its task, for the page that confirms its withdrawal; only its writer may.
pub async fn open(db: &Db, by: &Caller, id: MemoId) -> Result<(TaskId, TaskMemo)> {
    let p = by.signed_in()?;
    let task = db.task_of_memo(id).await?.ok_or_else(|| memo_not_found(id))?;
    let t = visible(db, by, task).await?;
    access::ensure_can_see_internal_record(p, &t)?;
    let memo = db.memo(id).await?.ok_or_else(|| memo_not_found(id))?;
    access::may_withdraw_memo(p, &t, memo.writer_user_id)?;
    Ok((task, memo))
}

/// Withdraws one's own memo: it stays on the task as withdrawn, without its text; the audit entry
/// keeps the text. Withdrawing it again changes nothing and says so. `task`, when given, is the
/// task the caller named. Returns the task.
pub async fn withdraw(
    db: &Db,
    by: &Caller,
    task: Option<TaskId>,
    id: MemoId,
    input: &VersionInput,
) -> Result<(Saved, TaskId)> {
    let p = by.signed_in()?;
    let mut tx = db.begin().await?;
    let before = tx.load::<MemoRecord>(id).await?.ok_or_else(|| memo_not_found(id))?;
    let on = TaskId::new(before.task_id);
    if task.is_some_and(|t| t != on) {
        return Err(memo_not_found(id));
    }
    let t = visible_in(&mut tx, by, on).await?;
    access::ensure_can_see_internal_record(p, &t)?;
    access::may_withdraw_memo(p, &t, before.writer_user_id.map(hanteam_domain::UserId::new))?;
    let version = parse_version(input)?;
    if before.withdrawn_at.is_some() {
        return Err(UseCaseError::invalid("version", "이미 철회된 메모입니다. 다시 철회할 것이 없습니다."));
    }
    let version =
        tx.withdraw_memo(id, version).await?.ok_or(UseCaseError::Stale { current_version: before.version })?;
    let after = tx.load::<MemoRecord>(id).await?.ok_or_else(|| memo_not_found(id))?;
    tx.audit(&by.actor, Change::updated(AuditAction::MemoWithdraw, &before, &after)).await?;
    tx.commit().await?;
    Ok((Saved { id: id.get(), version }, on))
}
