//! Bottlenecks (애로사항) and their mediation (이견 조정): raising one on a task, the involved
//! agencies' positions, OPC's mediation (meetings, outcome, agreed actions as follow-ups), and the
//! lists of open ones on the task, agency and home pages.
//!
//! What is inside — descriptions, positions, meetings, outcomes — is the task's internal record
//! ([`access::can_see_internal`]): never shown to the public or to evaluators. The public is told
//! at most how many are open on a task.

use chrono::{DateTime, Utc};
use hanteam_domain::access::{self, TaskAccess};
use hanteam_domain::audit::AuditAction;
use hanteam_domain::bottleneck::{
    parse_decision, parse_position, transition, AgencyPositionInput, BottleneckAction, BottleneckDraft,
    BottleneckInput, BottleneckStatus, DecisionInput, MediationOutcome, MeetingDraft, MeetingInput, OutcomeDraft,
    OutcomeInput,
};
use hanteam_domain::follow_up::FollowUpSource;
use hanteam_domain::notification::{notice_title, NotificationKind};
use hanteam_domain::time::korean_moment;
use hanteam_domain::{AgencyId, AgencyRef, BottleneckId, Paging, PagingInput, TaskId, ValidationError};
use hanteam_store::audit::Change;
use hanteam_store::mediation::{
    BottleneckAgencyRecord, BottleneckAgencyRowId, BottleneckDetail, BottleneckFilter, BottleneckRecord,
    BottleneckScope, BottleneckSummary, MediationMeetingRecord,
};
use hanteam_store::tx::Value;
use hanteam_store::views::Page;
use hanteam_store::{Db, Tx};

use crate::notify::{queue_in, Notice, Recipient, Subject};
use crate::tasks::{visible, visible_in};
use crate::{Caller, Result, Saved, UseCaseError};

fn not_found(id: BottleneckId) -> UseCaseError {
    UseCaseError::NotFound(format!("{id}번 애로사항"))
}

/// Who sees the internal record of which tasks, as a list scope; `None` when the caller sees none.
fn scope_of(by: &Caller) -> Option<BottleneckScope> {
    let p = by.principal()?;
    match access::internal_scope(p) {
        None => Some(BottleneckScope::All),
        Some((agency_ids, position_ids)) if !agency_ids.is_empty() || !position_ids.is_empty() => {
            Some(BottleneckScope::Of { agency_ids, position_ids })
        }
        Some(_) => None,
    }
}

/// The task of a bottleneck, once the caller may see its internal record; otherwise "not found".
async fn task_of(db: &Db, by: &Caller, id: BottleneckId) -> Result<(TaskId, TaskAccess)> {
    let task = db.bottleneck_task(id).await?.ok_or_else(|| not_found(id))?;
    let t = visible(db, by, task).await.map_err(|_| not_found(id))?;
    if !access::can_see_internal_record(by.principal(), &t) {
        return Err(not_found(id));
    }
    Ok((task, t))
}

/// Inside a change: the bottleneck (locked) and its task, once the caller may see its internal record.
async fn open_in(tx: &mut Tx, by: &Caller, id: BottleneckId) -> Result<(BottleneckRecord, TaskAccess)> {
    let b = tx.load::<BottleneckRecord>(id).await?.ok_or_else(|| not_found(id))?;
    let t = visible_in(tx, by, TaskId::new(b.task_id)).await.map_err(|_| not_found(id))?;
    if !access::can_see_internal_record(by.principal(), &t) {
        return Err(not_found(id));
    }
    if t.archived {
        return Err(access::Denied::Archived.into());
    }
    Ok((b, t))
}

/// The task a bottleneck is about to be raised on, for the form.
pub async fn open_task(db: &Db, by: &Caller, task: TaskId) -> Result<hanteam_store::views::TaskDetail> {
    let p = by.signed_in()?;
    let t = visible(db, by, task).await?;
    access::may_raise_bottleneck(p, &t)?;
    db.get_task(task).await?.ok_or_else(|| UseCaseError::NotFound(format!("{task}번 과제")))
}

/// Raises a bottleneck on a task: an officer of one of its agencies, an exchangee of its pair, or
/// OPC. The agencies involved are some of the task's; each then states its position.
pub async fn raise(db: &Db, by: &Caller, task: TaskId, input: &BottleneckInput) -> Result<Saved> {
    let p = by.signed_in()?;
    let mut tx = db.begin().await?;
    let t = visible_in(&mut tx, by, task).await?;
    access::may_raise_bottleneck(p, &t)?;
    let draft = BottleneckDraft::parse(input, &t.agency_ids)?;
    let raised_by = access::officer_agencies(p).into_iter().find(|a| t.agency_ids.contains(a));
    let id = tx.insert_bottleneck(task, &draft, raised_by).await?;
    let after = tx.load::<BottleneckRecord>(id).await?.ok_or_else(|| not_found(id))?;
    tx.audit(&by.actor, Change::created(AuditAction::BottleneckRaise, &after)).await?;
    for row in tx.bottleneck_agencies(id).await? {
        tx.audit(&by.actor, Change::created(AuditAction::BottleneckRaise, &row)).await?;
    }
    tx.commit().await?;
    Ok(Saved { id: id.get(), version: after.version })
}

/// The filters of the bottleneck list, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct BottleneckListInput {
    /// `open` (raised or in mediation), or one status: raised, in_mediation, resolved, escalated.
    pub status: Option<String>,
    /// An agency involved: its id or short name (환경부).
    pub agency: Option<String>,
    pub limit: Option<String>,
    pub offset: Option<String>,
}

/// The list's filters, checked.
pub struct BottleneckListFilter {
    pub filter: BottleneckFilter,
    pub paging: Paging,
}

/// The bottlenecks of the tasks whose internal record the caller sees, filtered and paged.
pub async fn list(
    db: &Db,
    by: &Caller,
    input: &BottleneckListInput,
    now: DateTime<Utc>,
) -> Result<(BottleneckListFilter, Page<BottleneckSummary>)> {
    by.signed_in()?;
    let paging = Paging::parse(&PagingInput { limit: input.limit.clone(), offset: input.offset.clone() })?;
    let statuses = match input.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => vec![],
        Some("open") => BottleneckStatus::OPEN.to_vec(),
        Some(s) => vec![s
            .parse::<BottleneckStatus>()
            .map_err(|m| ValidationError::new("status", format!("{m} 또는 open(미해결)")))?],
    };
    let agency = match input.agency.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => Some(
            db.find_agency(&AgencyRef::parse(raw))
                .await?
                .ok_or_else(|| {
                    ValidationError::new(
                        "agency",
                        format!("없는 기관입니다: '{raw}'. 기관 번호나 약칭(예: 환경부)을 입력해 주세요."),
                    )
                })?
                .id,
        ),
    };
    let filter = BottleneckFilter { statuses, agency, task: None };
    let page = match scope_of(by) {
        Some(scope) => db.list_bottlenecks(&scope, &filter, paging, now).await?,
        None => Page { items: vec![], total: 0 },
    };
    Ok((BottleneckListFilter { filter, paging }, page))
}

/// What the caller may do with a bottleneck now (the page shows these as buttons and forms).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BottleneckPermissions {
    /// The involved agencies whose position the caller may state or revise.
    pub positions: Vec<AgencyId>,
    /// Take into mediation, or resolve without it.
    pub mediate: bool,
    /// Schedule meetings and record the outcome.
    pub conclude: bool,
}

pub struct BottleneckWithPermissions {
    pub bottleneck: BottleneckDetail,
    pub may: BottleneckPermissions,
}

/// A bottleneck in full, and what the caller may do with it.
pub async fn detail(db: &Db, by: &Caller, id: BottleneckId, now: DateTime<Utc>) -> Result<BottleneckWithPermissions> {
    let (_, t) = task_of(db, by, id).await?;
    let b = db.get_bottleneck(id, now).await?.ok_or_else(|| not_found(id))?;
    let status = b.summary.status;
    let may = match by.principal() {
        Some(p) if !t.archived => BottleneckPermissions {
            positions: if status.is_open() {
                b.positions.iter().map(|x| x.agency.id).filter(|a| access::can_state_position(p, *a)).collect()
            } else {
                vec![]
            },
            mediate: access::can_mediate(p) && status == BottleneckStatus::Raised,
            conclude: access::can_mediate(p) && status == BottleneckStatus::InMediation,
        },
        _ => BottleneckPermissions::default(),
    };
    Ok(BottleneckWithPermissions { bottleneck: b, may })
}

fn closed(status: BottleneckStatus) -> UseCaseError {
    UseCaseError::invalid(
        "status",
        format!(
            "'{}' 상태의 애로사항은 더 바꿀 수 없습니다. 새로운 애로가 있으면 새로 제기해 주세요.",
            status.label_ko()
        ),
    )
}

fn not_involved() -> UseCaseError {
    UseCaseError::NotFound("이 애로사항의 관련 기관".into())
}

/// States or revises an involved agency's position: that agency's officers, while the bottleneck
/// is open.
pub async fn state_position(
    db: &Db,
    by: &Caller,
    id: BottleneckId,
    agency: AgencyId,
    input: &AgencyPositionInput,
) -> Result<Saved> {
    let p = by.signed_in()?;
    let mut tx = db.begin().await?;
    let (b, _) = open_in(&mut tx, by, id).await?;
    let before = tx.bottleneck_agency(id, agency).await?.ok_or_else(not_involved)?;
    if !access::can_state_position(p, agency) {
        return Err(UseCaseError::Forbidden(
            "기관 입장은 그 기관의 담당자만 쓸 수 있습니다. 다른 기관의 입장은 고칠 수 없습니다.".into(),
        ));
    }
    let status = b.status()?;
    if !status.is_open() {
        return Err(closed(status));
    }
    let (position, version) = parse_position(input)?;
    let row = BottleneckAgencyRowId(before.id);
    let version = tx
        .set_position(row, version, &position)
        .await?
        .ok_or(UseCaseError::Stale { current_version: before.version })?;
    let after = tx.load::<BottleneckAgencyRecord>(row).await?.ok_or_else(not_involved)?;
    tx.audit(&by.actor, Change::updated(AuditAction::BottleneckPosition, &before, &after)).await?;
    tx.commit().await?;
    Ok(Saved { id: agency.get(), version })
}

/// One of the involved agencies' positions, for the form that states it.
pub async fn open_position(
    db: &Db,
    by: &Caller,
    id: BottleneckId,
    agency: AgencyId,
    now: DateTime<Utc>,
) -> Result<BottleneckDetail> {
    let p = by.signed_in()?;
    let w = detail(db, by, id, now).await?;
    if !w.bottleneck.positions.iter().any(|x| x.agency.id == agency) {
        return Err(not_involved());
    }
    if !access::can_state_position(p, agency) {
        return Err(UseCaseError::forbidden());
    }
    if !w.bottleneck.summary.status.is_open() {
        return Err(closed(w.bottleneck.summary.status));
    }
    Ok(w.bottleneck)
}

/// A bottleneck OPC is about to act on (mediate, resolve, schedule, conclude), for its form.
pub async fn open_for_opc(db: &Db, by: &Caller, id: BottleneckId, now: DateTime<Utc>) -> Result<BottleneckDetail> {
    let p = by.signed_in()?;
    let w = detail(db, by, id, now).await?;
    if !access::can_mediate(p) {
        return Err(UseCaseError::forbidden());
    }
    Ok(w.bottleneck)
}

/// Makes a move, once the caller is OPC and the move is open from where the bottleneck stands.
fn moved(p: &access::Principal, from: BottleneckStatus, action: BottleneckAction) -> Result<BottleneckStatus> {
    if !access::can_mediate(p) {
        return Err(UseCaseError::Forbidden(format!(
            "{}은(는) 국무조정실 관리자만 할 수 있습니다.",
            action.label_ko()
        )));
    }
    transition(from, action, &p.roles()).map_err(|e| UseCaseError::invalid("status", e.message))
}

/// Takes a bottleneck into mediation (OPC).
pub async fn mediate(db: &Db, by: &Caller, id: BottleneckId, input: &DecisionInput) -> Result<Saved> {
    decide(db, by, id, BottleneckAction::Mediate, input).await
}

/// Resolves a bottleneck without mediation, with a reason (OPC).
pub async fn resolve(db: &Db, by: &Caller, id: BottleneckId, input: &DecisionInput) -> Result<Saved> {
    decide(db, by, id, BottleneckAction::ResolveWithoutMediation, input).await
}

async fn decide(
    db: &Db,
    by: &Caller,
    id: BottleneckId,
    action: BottleneckAction,
    input: &DecisionInput,
) -> Result<Saved> {
    let p = by.signed_in()?;
    let mut tx = db.begin().await?;
    let (before, _) = open_in(&mut tx, by, id).await?;
    let to = moved(p, before.status()?, action)?;
    let (reason, version) = parse_decision(input, action)?;
    let at = tx.at();
    let mut set: Vec<(&str, Value)> = vec![("status", to.as_str().into())];
    match action {
        BottleneckAction::Mediate => set.push(("mediation_opened_at", at.into())),
        _ => {
            set.push(("closed_at", at.into()));
            set.push(("resolution_reason", reason.into()));
        }
    }
    let version = tx
        .update_bottleneck(id, version, &set)
        .await?
        .ok_or(UseCaseError::Stale { current_version: before.version })?;
    let after = tx.load::<BottleneckRecord>(id).await?.ok_or_else(|| not_found(id))?;
    let audit = match action {
        BottleneckAction::Mediate => AuditAction::BottleneckMediate,
        _ => AuditAction::BottleneckResolve,
    };
    tx.audit(&by.actor, Change::updated(audit, &before, &after)).await?;
    tx.commit().await?;
    Ok(Saved { id: id.get(), version })
}

/// Schedules a mediation meeting (OPC), while the bottleneck is in mediation. It may be held as an
/// item of a council meeting (`council_meeting_id`).
pub async fn schedule_meeting(db: &Db, by: &Caller, id: BottleneckId, input: &MeetingInput) -> Result<Saved> {
    let p = by.signed_in()?;
    let mut tx = db.begin().await?;
    let (b, _) = open_in(&mut tx, by, id).await?;
    if !access::can_mediate(p) {
        return Err(UseCaseError::Forbidden("조정 회의는 국무조정실 관리자만 잡을 수 있습니다.".into()));
    }
    let status = b.status()?;
    if status != BottleneckStatus::InMediation {
        return Err(UseCaseError::invalid(
            "status",
            format!(
                "조정 회의는 조정 중인 애로사항에만 잡을 수 있습니다 (지금 상태: {}). 먼저 조정을 시작해 주세요.",
                status.label_ko()
            ),
        ));
    }
    let agencies = tx.agency_short_names().await?;
    let draft = MeetingDraft::parse(input, |w| agencies.iter().any(|a| a == w))?;
    if let Some(m) = draft.council_meeting_id {
        if !tx.council_meeting_exists(m).await? {
            return Err(UseCaseError::invalid("council_meeting_id", "없는 협의회 회의입니다. 목록에서 골라 주세요."));
        }
    }
    let meeting = tx.insert_mediation_meeting(id, &draft).await?;
    let after = tx.load::<MediationMeetingRecord>(meeting).await?.ok_or_else(|| not_found(id))?;
    tx.audit(&by.actor, Change::created(AuditAction::MediationMeetingCreate, &after)).await?;
    let recipients = tx
        .bottleneck_agencies(id)
        .await?
        .into_iter()
        .map(|a| Recipient::AgencyOfficers(AgencyId::new(a.agency_id)))
        .collect();
    let task = crate::tasks::task_record(&mut tx, TaskId::new(b.task_id)).await?;
    let kind = NotificationKind::MediationScheduled;
    let place = draft.venue.as_deref().map(|v| format!(", {v}")).unwrap_or_default();
    let notice = Notice {
        kind,
        recipients,
        subject: Subject { record_type: "mediation_meeting", id: after.id },
        title: notice_title(
            kind,
            &format!("과제 {} · {} — {}{place}", task.seq, task.title, korean_moment(draft.held_at)),
        ),
        link: format!("/bottlenecks/{}", id.get()),
        occasion: "scheduled".into(),
    };
    queue_in(&mut tx, &by.actor, &notice).await?;
    tx.commit().await?;
    Ok(Saved { id: meeting.get(), version: after.version })
}

/// Records a mediation's outcome (OPC): agreed or partly agreed resolves the bottleneck, not agreed
/// escalates it; the agreed actions become follow-ups of their owners, in the same transaction.
pub async fn record_outcome(db: &Db, by: &Caller, id: BottleneckId, input: &OutcomeInput) -> Result<Saved> {
    let p = by.signed_in()?;
    let mut tx = db.begin().await?;
    let (before, t) = open_in(&mut tx, by, id).await?;
    if !access::can_mediate(p) {
        return Err(UseCaseError::Forbidden("조정 결과는 국무조정실 관리자만 기록할 수 있습니다.".into()));
    }
    let from = before.status()?;
    if from != BottleneckStatus::InMediation {
        moved(p, from, BottleneckAction::RecordOutcome(MediationOutcome::Agreed))?;
    }
    let draft = OutcomeDraft::parse(input, &t.agency_ids)?;
    let to = moved(p, from, BottleneckAction::RecordOutcome(draft.outcome))?;
    let at = tx.at();
    let set: Vec<(&str, Value)> = vec![
        ("status", to.as_str().into()),
        ("outcome", draft.outcome.as_str().into()),
        ("outcome_note", (&draft.note).into()),
        ("closed_at", at.into()),
    ];
    let version = tx
        .update_bottleneck(id, draft.version, &set)
        .await?
        .ok_or(UseCaseError::Stale { current_version: before.version })?;
    let after = tx.load::<BottleneckRecord>(id).await?.ok_or_else(|| not_found(id))?;
    tx.audit(&by.actor, Change::updated(AuditAction::BottleneckOutcome, &before, &after)).await?;
    let task = TaskId::new(before.task_id);
    for (i, d) in &draft.follow_ups {
        let prefix = format!("follow_ups[{i}].");
        crate::follow_ups::create_draft_in(&mut tx, by, task, FollowUpSource::Mediation(id), d, &prefix).await?;
    }
    tx.commit().await?;
    Ok(Saved { id: id.get(), version })
}

/// The bottlenecks of a task, as far as the caller may see: the whole list (at most 50, open ones
/// first) for those who see its internal record; for everyone else only how many are open.
pub struct TaskBottlenecks {
    pub open_count: i64,
    pub items: Option<Vec<BottleneckSummary>>,
    pub may_raise: bool,
}

pub async fn of_task(db: &Db, by: &Caller, task: TaskId, now: DateTime<Utc>) -> Result<TaskBottlenecks> {
    let t = &visible(db, by, task).await?;
    let open_count = db.open_bottleneck_count(task).await?;
    let items = if access::can_see_internal_record(by.principal(), t) {
        let filter = BottleneckFilter { task: Some(task), ..Default::default() };
        let paging = Paging { limit: 50, offset: 0 };
        Some(db.list_bottlenecks(&BottleneckScope::All, &filter, paging, now).await?.items)
    } else {
        None
    };
    let may_raise = by.principal().is_some_and(|p| access::may_raise_bottleneck(p, t).is_ok());
    Ok(TaskBottlenecks { open_count, items, may_raise })
}

/// The open bottlenecks (oldest first, at most `limit`) the caller sees, optionally of one agency:
/// for the home and agency pages. `None` when the caller sees no internal record.
pub async fn open_ones(
    db: &Db,
    by: &Caller,
    agency: Option<AgencyId>,
    limit: i64,
    now: DateTime<Utc>,
) -> Result<Option<Page<BottleneckSummary>>> {
    let Some(scope) = scope_of(by) else { return Ok(None) };
    let filter = BottleneckFilter { statuses: BottleneckStatus::OPEN.to_vec(), agency, task: None };
    Ok(Some(db.list_bottlenecks(&scope, &filter, Paging { limit, offset: 0 }, now).await?))
}
