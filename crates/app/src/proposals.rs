//! Proposals (과제 발굴): an agency officer (for their own agency) or OPC proposes a task with its
//! co-agencies; each co-agency's officers confirm or decline taking part; the proposer completes
//! the proposal (KPIs and milestones through [`crate::parts`]) and edits it, also after a return.
//! Tabling it is a lifecycle move ([`crate::lifecycle`]) that asks the rule of
//! `hanteam_domain::proposal::check_tabling`.

use hanteam_domain::access::{self, task_scope, Proposer};
use hanteam_domain::audit::AuditAction;
use hanteam_domain::notification::NotificationKind;
use hanteam_domain::proposal::{ParticipationAnswer, ParticipationInput, ProposalDraft, ProposalInput};
use hanteam_domain::{AgencyId, Paging, PagingInput, TaskId, TaskStatus};
use hanteam_store::audit::Change;
use hanteam_store::views::{Page, ProposalSummary, TaskDetail};
use hanteam_store::writes::{RoleRecord, RoleRowId};
use hanteam_store::{Db, Tx};

use crate::notify::{self, Notice, Recipient, Subject};
use crate::tasks::{task_not_found, task_record, visible, visible_in};
use crate::{Caller, Result, Saved, UseCaseError};

/// In what capacity the caller may propose a task (the 과제 제안 form is shown only then).
pub fn may_propose(by: &Caller, lead: Option<AgencyId>) -> Result<Proposer> {
    Ok(access::may_propose(by.signed_in()?, lead)?)
}

/// The lead agency a proposal asks for, as far as it can be read (the rules say whose it may be).
fn lead_asked(input: &ProposalInput) -> Option<AgencyId> {
    input.lead_agency_id.as_deref().and_then(|s| s.trim().parse::<i64>().ok()).filter(|n| *n > 0).map(AgencyId::new)
}

/// Every agency of a draft must exist.
async fn check_agencies(tx: &mut Tx, d: &ProposalDraft) -> Result<()> {
    if !tx.agency_exists(d.lead).await? {
        return Err(UseCaseError::invalid("lead_agency_id", "없는 기관입니다. 목록에서 골라 주세요."));
    }
    for a in &d.co_agencies {
        if !tx.agency_exists(*a).await? {
            return Err(UseCaseError::invalid(
                "co_agency_ids",
                format!("없는 기관입니다: {a}번. 협력 기관은 목록에서 골라 주세요."),
            ));
        }
    }
    Ok(())
}

/// Asks each of `roles`' agencies' officers, in `tx`, to answer whether they take part.
async fn ask(tx: &mut Tx, by: &Caller, task: TaskId, title: &str, roles: &[RoleRecord], occasion: &str) -> Result<()> {
    for role in roles {
        notify::queue_in(
            tx,
            &by.actor,
            &Notice {
                kind: NotificationKind::ParticipationRequested,
                recipients: vec![Recipient::AgencyOfficers(AgencyId::new(role.agency_id))],
                subject: Subject { record_type: "task", id: task.get() },
                title: format!("과제 제안의 참여 여부를 답해 주세요: {title}"),
                link: format!("/tasks/{task}"),
                occasion: format!("agency:{}:{occasion}", role.agency_id),
            },
        )
        .await?;
    }
    Ok(())
}

/// Proposes a task (`POST /api/v1/proposals`, the 과제 제안 form): it starts 발굴 (proposed), its
/// lead agency confirmed, each co-agency asked (pending) and its officers notified, in one
/// transaction.
pub async fn propose(db: &Db, by: &Caller, input: &ProposalInput) -> Result<Saved> {
    let proposer = may_propose(by, lead_asked(input))?;
    let draft = ProposalDraft::parse_new(input, proposer)?;
    let mut tx = db.begin().await?;
    check_agencies(&mut tx, &draft).await?;
    let (id, roles) = tx.insert_proposal(&draft, proposer.agency()).await?;
    let after = task_record(&mut tx, id).await?;
    tx.audit(&by.actor, Change::created(AuditAction::ProposalCreate, &after)).await?;
    for role in &roles {
        tx.audit(&by.actor, Change::created(AuditAction::TaskRoleCreate, role)).await?;
    }
    ask(&mut tx, by, id, &draft.task.title, &roles[1..], "asked").await?;
    tx.commit().await?;
    Ok(Saved { id: id.get(), version: after.version })
}

/// The proposal the caller may edit, for its form: it must still be a proposal (발굴).
pub async fn open_edit(db: &Db, by: &Caller, id: TaskId) -> Result<(TaskDetail, Proposer)> {
    let p = by.signed_in()?;
    let t = visible(db, by, id).await?;
    let proposer = access::may_edit_proposal(p, &t)?;
    if t.status != TaskStatus::Proposed {
        return Err(not_a_proposal(t.status));
    }
    let task = db.get_task(id).await?.ok_or_else(|| task_not_found(id))?;
    Ok((task, proposer))
}

fn not_a_proposal(status: TaskStatus) -> UseCaseError {
    UseCaseError::Conflict(format!(
        "'{}' 상태의 과제는 제안 내용을 고칠 수 없습니다. 제안은 '발굴' 상태(상정 전, 또는 반려된 뒤)에서만 고칩니다.",
        status.label_ko()
    ))
}

/// Edits a proposal (`PUT /api/v1/proposals/{id}`): its fields and the co-agencies asked. An
/// agency no longer named leaves the task; one newly named is asked (and notified); the others
/// keep their answers. OPC, or an officer of the proposing agency, while the task is a proposal —
/// also after the council returned it.
pub async fn update(db: &Db, by: &Caller, id: TaskId, input: &ProposalInput) -> Result<Saved> {
    let p = by.signed_in()?;
    let mut tx = db.begin().await?;
    let t = visible_in(&mut tx, by, id).await?;
    let proposer = access::may_edit_proposal(p, &t)?;
    if t.status != TaskStatus::Proposed {
        return Err(not_a_proposal(t.status));
    }
    // The lead of a proposal OPC edits may be any agency; an officer's stays theirs.
    let (draft, version) = ProposalDraft::parse_edit(input, proposer)?;
    check_agencies(&mut tx, &draft).await?;
    let before = task_record(&mut tx, id).await?;
    let version = tx
        .update_proposal(id, version, &draft)
        .await?
        .ok_or(UseCaseError::Stale { current_version: before.version })?;
    let wanted = draft.agencies();
    let current = tx.task_agency_ids(id).await?;
    for gone in current.iter().filter(|a| !wanted.contains(a)) {
        if let Some(role) = tx.remove_task_agency(id, *gone).await? {
            tx.audit(&by.actor, Change::removed(AuditAction::TaskRoleRemove, &role)).await?;
        }
    }
    let new: Vec<AgencyId> = draft.co_agencies.iter().copied().filter(|a| !current.contains(a)).collect();
    let mut added = tx.ask_agencies(id, &new, hanteam_domain::proposal::Participation::Pending).await?;
    if !current.contains(&draft.lead) {
        added.extend(tx.ask_agencies(id, &[draft.lead], hanteam_domain::proposal::Participation::Confirmed).await?);
    }
    let after = task_record(&mut tx, id).await?;
    tx.audit(&by.actor, Change::updated(AuditAction::ProposalUpdate, &before, &after)).await?;
    for role in &added {
        tx.audit(&by.actor, Change::created(AuditAction::TaskRoleCreate, role)).await?;
    }
    let asked: Vec<RoleRecord> = added.into_iter().filter(|r| AgencyId::new(r.agency_id) != draft.lead).collect();
    ask(&mut tx, by, id, &draft.task.title, &asked, &format!("v{version}")).await?;
    tx.commit().await?;
    Ok(Saved { id: id.get(), version })
}

/// The task and its agency's part, for the form on which that agency's officer answers.
pub async fn open_answer(db: &Db, by: &Caller, id: TaskId, agency: AgencyId) -> Result<TaskDetail> {
    let p = by.signed_in()?;
    let t = visible(db, by, id).await?;
    if !t.agency_ids.contains(&agency) {
        return Err(not_in_task());
    }
    access::may_answer_participation(p, &t, agency)?;
    if t.status != TaskStatus::Proposed {
        return Err(not_answerable(t.status));
    }
    let task = db.get_task(id).await?.ok_or_else(|| task_not_found(id))?;
    if task.summary.lead_agency.as_ref().is_some_and(|l| l.id == agency) {
        return Err(lead_does_not_answer());
    }
    Ok(task)
}

fn not_in_task() -> UseCaseError {
    UseCaseError::NotFound("이 과제에 참여하는 해당 기관".into())
}

fn not_answerable(status: TaskStatus) -> UseCaseError {
    UseCaseError::Conflict(format!(
        "'{}' 상태의 과제에는 참여 여부를 답할 수 없습니다. 참여 여부는 과제가 '발굴' 상태일 때(상정 전) 답합니다.",
        status.label_ko()
    ))
}

fn lead_does_not_answer() -> UseCaseError {
    UseCaseError::Conflict(
        "주관 기관은 과제를 제안하며 참여가 확인되었습니다. 참여 여부는 협력 기관이 답합니다.".into(),
    )
}

/// A co-agency's answer (`POST /api/v1/tasks/{id}/participation`): its officers confirm or decline
/// (with a reason) while the task is a proposal; they may change their answer until it is tabled.
/// `Saved` names the agency and the new version of its part.
pub async fn answer(db: &Db, by: &Caller, id: TaskId, input: &ParticipationInput) -> Result<Saved> {
    let p = by.signed_in()?;
    let mut tx = db.begin().await?;
    let t = visible_in(&mut tx, by, id).await?;
    // Only those who answer for one of the task's agencies are told what is wrong with the answer.
    if !t.agency_ids.iter().any(|a| access::may_answer_participation(p, &t, *a).is_ok()) {
        return Err(UseCaseError::forbidden());
    }
    let answer = ParticipationAnswer::parse(input)?;
    if !t.agency_ids.contains(&answer.agency) {
        return Err(not_in_task());
    }
    access::may_answer_participation(p, &t, answer.agency)?;
    if t.status != TaskStatus::Proposed {
        return Err(not_answerable(t.status));
    }
    let task = task_record(&mut tx, id).await?;
    if task.lead_agency_id == Some(answer.agency.get()) {
        return Err(lead_does_not_answer());
    }
    let before = tx.agency_role(id, answer.agency).await?.ok_or_else(not_in_task)?;
    let row = RoleRowId(before.id);
    let version = tx
        .answer_participation(row, answer.version, answer.answer.participation(), answer.reason.as_deref())
        .await?
        .ok_or(UseCaseError::Stale { current_version: before.version })?;
    let after: RoleRecord = tx.load(row).await?.ok_or_else(not_in_task)?;
    tx.audit(&by.actor, Change::updated(AuditAction::ParticipationAnswer, &before, &after)).await?;
    tx.touch_task(id).await?;
    tx.commit().await?;
    Ok(Saved { id: answer.agency.get(), version })
}

/// The proposals (과제 발굴 목록) the caller may see — OPC and auditors all, an agency's officers
/// those their agency takes part in — proposed or tabled, last changed first, a page at a time.
pub async fn list(db: &Db, by: &Caller, input: &PagingInput) -> Result<(Paging, Page<ProposalSummary>)> {
    by.signed_in()?;
    let paging = Paging::parse(input)?;
    let page = db.list_proposals(&task_scope(by.principal()), paging.limit, paging.offset).await?;
    Ok((paging, page))
}
