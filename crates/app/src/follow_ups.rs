//! Follow-up actions (후속조치): assigned by a mediation's outcome (see [`crate::mediation`]) or by a
//! council decision, shown on their owner's work list until an officer of the owner agency, the
//! person named, or OPC marks them done.
//!
//! For another area's use case that assigns follow-ups inside its own transaction (the council's
//! decisions): call [`create_in`] with the open [`Tx`], once per follow-up, before committing —
//! it authorizes (OPC), checks the input, writes the row and its audit entry in that transaction:
//!
//! ```ignore
//! let mut tx = db.begin().await?;
//! // … the decision itself …
//! for input in &decision.follow_ups {
//!     follow_ups::create_in(&mut tx, by, task, FollowUpSource::AgendaItem(item), input, "").await?;
//! }
//! tx.commit().await?;
//! ```
//!
//! A new kind of source is a new variant of [`FollowUpSource`] (domain `follow_up.rs`): the table
//! keeps any kind.

use hanteam_domain::access;
use hanteam_domain::audit::AuditAction;
use hanteam_domain::filter::Paging;
use hanteam_domain::follow_up::{
    check_not_done, FollowUpDone, FollowUpDoneInput, FollowUpDraft, FollowUpInput, FollowUpSource,
};
use hanteam_domain::notification::{notice_title, NotificationKind};
use hanteam_domain::time::korean_date;
use hanteam_domain::time::kst_date;
use hanteam_domain::{FollowUpId, TaskId, ValidationError};
use hanteam_store::audit::Change;
use hanteam_store::mediation::{FollowUp, FollowUpRecord};
use hanteam_store::views::Page;
use hanteam_store::{Db, Tx};

use crate::notify::{queue_in, Notice, Recipient, Subject};
use crate::tasks::{visible, visible_in};
use crate::{Caller, Result, Saved, UseCaseError};

fn not_found(id: FollowUpId) -> UseCaseError {
    UseCaseError::NotFound(format!("{id}번 후속조치"))
}

/// Assigns a follow-up on `task` from `source`, inside the caller's transaction `tx`, and audits
/// it there: OPC only. `prefix` names the fields in errors when a form has several rows
/// (`follow_ups[0].`); empty otherwise. Nothing is written when it fails (the caller's transaction
/// is dropped with the error).
pub async fn create_in(
    tx: &mut Tx,
    by: &Caller,
    task: TaskId,
    source: FollowUpSource,
    input: &FollowUpInput,
    prefix: &str,
) -> Result<FollowUpRecord> {
    let draft = FollowUpDraft::parse(input, prefix)?;
    create_draft_in(tx, by, task, source, &draft, prefix).await
}

/// As [`create_in`], for a follow-up already checked field by field.
pub async fn create_draft_in(
    tx: &mut Tx,
    by: &Caller,
    task: TaskId,
    source: FollowUpSource,
    draft: &FollowUpDraft,
    prefix: &str,
) -> Result<FollowUpRecord> {
    let p = by.signed_in()?;
    if !access::can_assign_follow_ups(p) {
        return Err(UseCaseError::forbidden());
    }
    visible_in(tx, by, task).await?;
    if !tx.agency_exists(draft.owner_agency_id).await? {
        return Err(UseCaseError::invalid(
            &format!("{prefix}owner_agency_id"),
            "없는 기관입니다. 담당 기관을 목록에서 골라 주세요.",
        ));
    }
    if let Some(user) = draft.owner_user_id {
        if !tx.may_own_follow_up(user, draft.owner_agency_id).await? {
            return Err(UseCaseError::invalid(
                &format!("{prefix}owner_user_id"),
                "담당자는 담당 기관의 기관 담당자 계정(사용 중인 계정)이어야 합니다. 담당자를 비우면 기관이 맡습니다.",
            ));
        }
    }
    let id = tx.insert_follow_up(task, source, draft).await?;
    let after = tx.load::<FollowUpRecord>(id).await?.ok_or_else(|| not_found(id))?;
    tx.audit(&by.actor, Change::created(AuditAction::FollowUpCreate, &after)).await?;
    let mut recipients = vec![Recipient::AgencyOfficers(draft.owner_agency_id)];
    recipients.extend(draft.owner_user_id.map(Recipient::User));
    let kind = NotificationKind::FollowUpAssigned;
    let notice = Notice {
        kind,
        recipients,
        subject: Subject { record_type: "follow_up", id: after.id },
        title: notice_title(kind, &format!("{} (기한 {})", after.title, korean_date(after.due))),
        link: format!("/tasks/{}", task.get()),
        occasion: "assigned".into(),
    };
    queue_in(tx, &by.actor, &notice).await?;
    Ok(after)
}

/// A follow-up the caller may see (one of a task whose internal record they see).
pub async fn get(db: &Db, by: &Caller, id: FollowUpId) -> Result<FollowUp> {
    let f = db.follow_up(id).await?.ok_or_else(|| not_found(id))?;
    let t = visible(db, by, f.task.id).await.map_err(|_| not_found(id))?;
    if !access::can_see_internal_record(by.principal(), &t) {
        return Err(not_found(id));
    }
    Ok(f)
}

/// A follow-up the caller may mark done, for the form that does it.
pub async fn open_for_done(db: &Db, by: &Caller, id: FollowUpId) -> Result<FollowUp> {
    let p = by.signed_in()?;
    let f = get(db, by, id).await?;
    if !access::can_complete_follow_up(p, f.owner_agency.id, f.owner.as_ref().map(|o| o.id)) {
        return Err(UseCaseError::forbidden());
    }
    Ok(f)
}

/// Marks a follow-up done (today unless a day is given): an officer of the owner agency, the person
/// it is assigned to, or OPC. It leaves the owner's work list.
pub async fn complete(db: &Db, by: &Caller, id: FollowUpId, input: &FollowUpDoneInput) -> Result<Saved> {
    let p = by.signed_in()?;
    let mut tx = db.begin().await?;
    let before = tx.load::<FollowUpRecord>(id).await?.ok_or_else(|| not_found(id))?;
    let t = visible_in(&mut tx, by, TaskId::new(before.task_id)).await.map_err(|_| not_found(id))?;
    if !access::can_see_internal_record(by.principal(), &t) {
        return Err(not_found(id));
    }
    let owner = before.owner_user_id.map(hanteam_domain::UserId::new);
    if !access::can_complete_follow_up(p, hanteam_domain::AgencyId::new(before.owner_agency_id), owner) {
        return Err(UseCaseError::forbidden());
    }
    let done = FollowUpDone::parse(input, kst_date(tx.at()))?;
    check_not_done(before.done_on).map_err(|e: ValidationError| UseCaseError::Invalid(vec![e]))?;
    let version =
        tx.mark_follow_up_done(id, &done).await?.ok_or(UseCaseError::Stale { current_version: before.version })?;
    let after = tx.load::<FollowUpRecord>(id).await?.ok_or_else(|| not_found(id))?;
    tx.audit(&by.actor, Change::updated(AuditAction::FollowUpDone, &before, &after)).await?;
    tx.commit().await?;
    Ok(Saved { id: id.get(), version })
}

/// How many open follow-ups a work list shows at most.
pub const MY_FOLLOW_UPS: Paging = Paging { limit: 20, offset: 0 };

/// The follow-ups not done that are the caller's: assigned to them, or owned by an agency they are
/// an officer of; by due date. `None` for the public and the console.
pub async fn mine(db: &Db, by: &Caller, paging: Paging) -> Result<Option<Page<FollowUp>>> {
    let Some(p) = by.principal() else { return Ok(None) };
    let Some(user) = p.user_id else { return Ok(None) };
    let agencies = access::officer_agencies(p);
    Ok(Some(db.open_follow_ups(user, &agencies, paging).await?))
}
