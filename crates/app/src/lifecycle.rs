//! Moving a task through its lifecycle (the rules are in `hanteam_domain::lifecycle`), and reading
//! the history of its moves.

use hanteam_domain::access::{self, Denied, Right, Role, TaskAccess};
use hanteam_domain::audit::AuditAction;
use hanteam_domain::lifecycle::{self, LifecycleError, TransitionInput, TransitionRequest};
use hanteam_domain::{MeetingId, TaskAction, TaskId, TaskStatus};
use hanteam_store::audit::Change;
use hanteam_store::lifecycle::Move;
/// A move in a task's history, as it is read.
pub use hanteam_store::lifecycle::Transition;
use hanteam_store::{Db, Tx};

use crate::tasks::{task_record, visible, visible_in};
use crate::{Caller, Result, UseCaseError};

/// A task's moves, oldest first, for whoever may see the task. The public sees the moves from its
/// confirmation on, each made by OPC or by the council meeting that decided it (the names of the
/// officials and the proposal's drafting stay inside).
pub async fn history(db: &Db, by: &Caller, id: TaskId) -> Result<Vec<Transition>> {
    visible(db, by, id).await?;
    let mut moves = db.task_history(id).await?;
    if !by.principal().is_some_and(|p| p.has_right(Right::Read)) {
        moves.retain(|m| m.to.is_public());
        for m in &mut moves {
            if m.meeting_title.is_none() {
                m.by = "국무조정실".into();
            }
        }
    }
    Ok(moves)
}

/// Whether the caller may make `action` on the task now (the form that asks for the reason is
/// shown only then); the refusal says why and what is possible instead.
pub async fn may_move(db: &Db, by: &Caller, id: TaskId, action: TaskAction) -> Result<()> {
    let p = by.signed_in()?;
    let t = visible(db, by, id).await?;
    let role = access::lifecycle_role(p, &t).ok_or_else(UseCaseError::forbidden)?;
    if t.archived {
        return Err(Denied::Archived.into());
    }
    lifecycle::transition(t.status, action, role).map(|_| ()).map_err(refused)
}

/// A move made: the task, its version and its status now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Moved {
    pub id: i64,
    pub version: i64,
    pub status: TaskStatus,
}

/// Makes a move on the task (`POST /api/v1/tasks/{id}/transitions`): who may is decided by the
/// lifecycle, the move is kept in the task's history and the audit log, in one transaction.
pub async fn transition(db: &Db, by: &Caller, id: TaskId, input: &TransitionInput) -> Result<Moved> {
    let p = by.signed_in()?;
    let mut tx = db.begin().await?;
    let t = visible_in(&mut tx, by, id).await?;
    let role = access::lifecycle_role(p, &t).ok_or_else(UseCaseError::forbidden)?;
    let request = TransitionRequest::parse(input)?;
    let (version, status) =
        move_in(&mut tx, by, id, &t, role, request.action, request.reason.as_deref(), Some(request.version), None)
            .await?;
    tx.commit().await?;
    Ok(Moved { id: id.get(), version, status })
}

/// A move inside a change the caller makes (a council decision makes its task's move in the same
/// transaction, `meeting` naming the meeting): `t` is the task as locked in `tx`, `role` the role
/// the caller acts in, `version` the version the caller read (none: the task as it is now). Returns
/// the task's new version and status.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn move_in(
    tx: &mut Tx,
    by: &Caller,
    id: TaskId,
    t: &TaskAccess,
    role: Role,
    action: TaskAction,
    reason: Option<&str>,
    version: Option<i64>,
    meeting: Option<MeetingId>,
) -> Result<(i64, TaskStatus)> {
    if t.archived {
        return Err(Denied::Archived.into());
    }
    let to = lifecycle::transition(t.status, action, role).map_err(refused)?;
    if action == TaskAction::Table {
        // A proposal is tabled once it is ready, whichever edge makes the move.
        let facts = tx.tabling_facts(id).await?;
        hanteam_domain::proposal::check_tabling(&facts).map_err(|e| UseCaseError::Conflict(e.to_string()))?;
    }
    let before = task_record(tx, id).await?;
    let m = Move { task: id, action, from: t.status, to, reason, meeting };
    let (version, _) = tx
        .move_task(&by.actor, version.unwrap_or(before.version), &m)
        .await?
        .ok_or(UseCaseError::Stale { current_version: before.version })?;
    let after = task_record(tx, id).await?;
    let mut moved = serde_json::to_value(&after).map_err(|e| UseCaseError::Internal(e.to_string()))?;
    if let Some(fields) = moved.as_object_mut() {
        fields.insert("action".into(), action.as_str().into());
        fields.insert("reason".into(), reason.into());
        fields.insert("meeting_id".into(), meeting.map(|m| m.get()).into());
    }
    tx.audit(&by.actor, Change::of(AuditAction::TaskTransition, "task", Some(id.get()), Some(&before), Some(&moved)))
        .await?;
    if to.is_active() && !t.status.is_active() {
        // Confirmed while a check cycle is open: its agencies report on it in that cycle too.
        tx.expect_reports_of(id).await?;
    }
    Ok((version, to))
}

/// A move the lifecycle does not allow is a conflict with the task's state; one the caller's role
/// may not make is theirs to ask someone else for. Both say what is possible now.
fn refused(e: LifecycleError) -> UseCaseError {
    if lifecycle::actions_from(e.from).contains(&e.action) {
        UseCaseError::Forbidden(e.to_string())
    } else {
        UseCaseError::Conflict(e.to_string())
    }
}
