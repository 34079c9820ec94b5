//! Running the review council (협업과제점검협의회): OPC schedules a meeting, edits it while it is
//! scheduled, cancels it with a reason, puts items on its agenda from the backlog (tabled tasks,
//! bottlenecks in mediation, and any active task's progress review), and records a decision per
//! item. A decision that confirms or returns a task makes the task's move in the same transaction,
//! recorded with the meeting; a deferred item goes back to the backlog; the decision's follow-ups
//! go on their owners' work lists. The rules are in `hanteam_domain::council`.

use chrono::{DateTime, Utc};
use hanteam_domain::access::{self, Role};
use hanteam_domain::audit::AuditAction;
use hanteam_domain::bottleneck::{BottleneckCategory, BottleneckStatus};
use hanteam_domain::council::{
    parse_cancel, AgendaItemInput, AgendaKind, AgendaSubject, CancelMeetingInput, CouncilDecisionInput,
    CouncilMeetingInput, DecisionRequest, ItemDecision, MeetingDraft, MeetingStatus,
};
use hanteam_domain::follow_up::{FollowUpDraft, FollowUpSource};
use hanteam_domain::notification::{notice_title, NotificationKind};
use hanteam_domain::time::korean_moment;
use hanteam_domain::time::{kst_date, kst_midnight};
use hanteam_domain::{AgencyId, AgendaItemId, BottleneckId, MeetingId, Paging, TaskId, TaskStatus, ValidationError};
use hanteam_store::audit::Change;
use hanteam_store::council::{AgendaItemRecord, AgendaItemWithMeeting, BacklogItem, MeetingRecord};
use hanteam_store::mediation::BottleneckRecord;
use hanteam_store::views::{AgencyBrief, MeetingDetail, MeetingSummary, Page};
use hanteam_store::{Db, Tx};

use crate::lifecycle::move_in;
use crate::notify::{self, Notice, Recipient, Subject};
use crate::tasks::{task_record, visible_in};
use crate::{Caller, Result, Saved, UseCaseError};

/// A decision recorded: the item's version now, and the task's status after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Decided {
    pub id: i64,
    pub version: i64,
    pub decision: ItemDecision,
    pub task_id: i64,
    pub task_status: TaskStatus,
    /// How many follow-ups the decision assigned.
    pub follow_ups: usize,
}

fn may_run(by: &Caller) -> Result<()> {
    let p = by.signed_in()?;
    if access::can_run_council(p) {
        Ok(())
    } else {
        Err(UseCaseError::Forbidden("협의회 회의는 국무조정실 관리자만 운영할 수 있습니다.".into()))
    }
}

fn meeting_not_found(id: MeetingId) -> UseCaseError {
    UseCaseError::NotFound(format!("{id}번 회의"))
}

fn item_not_found(id: AgendaItemId) -> UseCaseError {
    UseCaseError::NotFound(format!("{id}번 안건"))
}

fn internal(e: impl std::fmt::Display) -> UseCaseError {
    UseCaseError::Internal(e.to_string())
}

async fn meeting_json(tx: &mut Tx, id: MeetingId) -> Result<serde_json::Value> {
    let m = tx.meeting_with_attendees(id).await?.ok_or_else(|| meeting_not_found(id))?;
    serde_json::to_value(&m).map_err(internal)
}

fn not_scheduled(m: &MeetingRecord, what: &str) -> Result<()> {
    match m.status()? {
        MeetingStatus::Scheduled => Ok(()),
        s => Err(UseCaseError::Conflict(format!(
            "{}는 ‘{}’ 상태여서 {what}. 개최 예정인 회의만 바꿀 수 있습니다.",
            m.title,
            s.label_ko()
        ))),
    }
}

async fn checked(tx: &mut Tx, d: &MeetingDraft, except: Option<MeetingId>) -> Result<()> {
    if tx.meeting_number_taken(&d.council, d.seq, except).await? {
        return Err(UseCaseError::invalid("seq", format!("{}는 이미 있습니다. 다른 차수를 입력해 주세요.", d.title)));
    }
    if let Some(a) = tx.missing_agency(&d.attendees).await? {
        return Err(UseCaseError::invalid(
            "attendee_agency_ids",
            format!("없는 기관입니다 ({a}). 참석 기관은 기관 목록에서 골라 주세요."),
        ));
    }
    Ok(())
}

/// Schedules a meeting (`POST /api/v1/meetings`): OPC.
pub async fn schedule(db: &Db, by: &Caller, input: &CouncilMeetingInput) -> Result<Saved> {
    may_run(by)?;
    let d = MeetingDraft::parse(input)?;
    let mut tx = db.begin().await?;
    checked(&mut tx, &d, None).await?;
    let id = tx.insert_meeting(&d).await?;
    let after = meeting_json(&mut tx, id).await?;
    let version = after["version"].as_i64().unwrap_or(1);
    tx.audit(
        &by.actor,
        Change::of(AuditAction::MeetingCreate, "council_meeting", Some(id.get()), None::<&()>, Some(&after)),
    )
    .await?;
    tx.commit().await?;
    Ok(Saved { id: id.get(), version })
}

/// Changes a scheduled meeting (`PUT /api/v1/meetings/{id}`): OPC, with the version read.
pub async fn update(db: &Db, by: &Caller, id: MeetingId, input: &CouncilMeetingInput) -> Result<Saved> {
    may_run(by)?;
    let parsed = MeetingDraft::parse(input);
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
    let mut tx = db.begin().await?;
    let m = tx.load::<MeetingRecord>(id).await?.ok_or_else(|| meeting_not_found(id))?;
    not_scheduled(&m, "고칠 수 없습니다")?;
    checked(&mut tx, &d, Some(id)).await?;
    let before = meeting_json(&mut tx, id).await?;
    let version =
        tx.update_meeting(id, version, &d).await?.ok_or(UseCaseError::Stale { current_version: m.version })?;
    let after = meeting_json(&mut tx, id).await?;
    tx.audit(
        &by.actor,
        Change::of(AuditAction::MeetingUpdate, "council_meeting", Some(id.get()), Some(&before), Some(&after)),
    )
    .await?;
    tx.commit().await?;
    Ok(Saved { id: id.get(), version })
}

/// Cancels a scheduled meeting with a reason (`POST /api/v1/meetings/{id}/cancel`): OPC. Its
/// undecided items go back to the backlog.
pub async fn cancel(db: &Db, by: &Caller, id: MeetingId, input: &CancelMeetingInput) -> Result<Saved> {
    may_run(by)?;
    let (reason, version) = parse_cancel(input)?;
    let mut tx = db.begin().await?;
    let before = tx.load::<MeetingRecord>(id).await?.ok_or_else(|| meeting_not_found(id))?;
    not_scheduled(&before, "취소할 수 없습니다")?;
    let version = tx
        .set_meeting_status(id, version, MeetingStatus::Cancelled, Some(&reason))
        .await?
        .ok_or(UseCaseError::Stale { current_version: before.version })?;
    let after = tx.load::<MeetingRecord>(id).await?.ok_or_else(|| meeting_not_found(id))?;
    tx.audit(&by.actor, Change::updated(AuditAction::MeetingCancel, &before, &after)).await?;
    tx.commit().await?;
    Ok(Saved { id: id.get(), version })
}

/// Puts an item on a scheduled meeting's agenda (`POST /api/v1/meetings/{id}/agenda-items`): OPC.
/// A tabled task to confirm, an active task's progress review, or a bottleneck in mediation, that
/// no other meeting holds undecided. For a mediation, the involved agencies' officers are told
/// (조정 회의 예정) in the same transaction.
pub async fn add_item(db: &Db, by: &Caller, meeting: MeetingId, input: &AgendaItemInput) -> Result<Saved> {
    may_run(by)?;
    let subject = AgendaSubject::parse(input)?;
    let mut tx = db.begin().await?;
    let m = tx.load::<MeetingRecord>(meeting).await?.ok_or_else(|| meeting_not_found(meeting))?;
    not_scheduled(&m, "안건을 올릴 수 없습니다")?;
    let kind = subject.kind();
    let (task, bottleneck) = match subject {
        AgendaSubject::Task(_, t) => (TaskId::new(t), None),
        AgendaSubject::Mediation(b) => {
            let id = BottleneckId::new(b);
            let not_found = || UseCaseError::invalid("bottleneck_id", format!("{id}번 애로사항을 찾을 수 없습니다."));
            let row = tx.load::<BottleneckRecord>(id).await?.ok_or_else(not_found)?;
            let status = row.status()?;
            if status != BottleneckStatus::InMediation {
                return Err(UseCaseError::Conflict(format!(
                    "{}. {id}번 애로사항은 지금 ‘{}’ 상태입니다.",
                    kind.wanted_ko(),
                    status.label_ko()
                )));
            }
            (TaskId::new(row.task_id), Some(row))
        }
    };
    let t = visible_in(&mut tx, by, task).await.map_err(|e| match e {
        UseCaseError::NotFound(m) => UseCaseError::invalid("task_id", format!("{m}을(를) 찾을 수 없습니다.")),
        e => e,
    })?;
    if t.archived {
        return Err(access::Denied::Archived.into());
    }
    if !kind.fits(t.status) {
        return Err(UseCaseError::Conflict(format!(
            "{}. {task}번 과제는 지금 ‘{}’ 상태입니다.",
            kind.wanted_ko(),
            t.status.label_ko()
        )));
    }
    if let Some(other) = tx.pending_item_for(subject).await? {
        return Err(UseCaseError::Conflict(format!(
            "이미 {}의 안건에 올라 있고 아직 결정되지 않았습니다. 그 회의에서 결정하거나 보류한 뒤 다시 올려 주세요.",
            other.title
        )));
    }
    let record = task_record(&mut tx, task).await?;
    let title = match (kind, &bottleneck) {
        (AgendaKind::TaskConfirmation, _) => record.title.clone(),
        (AgendaKind::ProgressReview, _) => format!("추진상황 점검: {}", record.title),
        (AgendaKind::Mediation, Some(b)) => {
            let category = b.category.parse::<BottleneckCategory>().map(|c| c.label_ko()).unwrap_or("애로사항");
            format!("이견 조정: {} ({category})", record.title)
        }
        (AgendaKind::Mediation, None) => format!("이견 조정: {}", record.title),
    };
    let item = tx
        .insert_agenda_item(meeting, kind, task, bottleneck.as_ref().map(|b| BottleneckId::new(b.id)), &title)
        .await?;
    let after = tx.load::<AgendaItemRecord>(item).await?.ok_or_else(|| item_not_found(item))?;
    tx.audit(&by.actor, Change::created(AuditAction::AgendaItemCreate, &after)).await?;
    if let Some(b) = &bottleneck {
        let agencies = tx.bottleneck_agencies(BottleneckId::new(b.id)).await?;
        let kind = NotificationKind::MediationScheduled;
        let notice = Notice {
            kind,
            recipients: agencies.iter().map(|a| Recipient::AgencyOfficers(AgencyId::new(a.agency_id))).collect(),
            subject: Subject { record_type: "meeting_agenda_item", id: item.get() },
            title: notice_title(kind, &format!("{} — {}, {title}", m.title, korean_moment(m.held_at))),
            link: format!("/meetings/{}", meeting.get()),
            occasion: "scheduled".into(),
        };
        notify::queue_in(&mut tx, &by.actor, &notice).await?;
    }
    tx.commit().await?;
    Ok(Saved { id: item.get(), version: after.version })
}

/// The decision's follow-ups, each checked (`follow_ups[i].title` …); blank rows are left out.
fn follow_up_drafts(input: &CouncilDecisionInput) -> Result<Vec<(usize, FollowUpDraft)>, Vec<ValidationError>> {
    let mut errors = Vec::new();
    let mut drafts = Vec::new();
    for (i, f) in input.follow_ups.iter().enumerate() {
        if f.is_blank() {
            continue;
        }
        match FollowUpDraft::parse(f, &format!("follow_ups[{i}].")) {
            Ok(d) => drafts.push((i, d)),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(drafts)
    } else {
        Err(errors)
    }
}

/// Records the council's decision on an item (`POST /api/v1/agenda-items/{id}/decision`): OPC. Of
/// two decisions from the same version, the first wins; the other finds the item changed (409) and
/// writes nothing. A confirmation or a return moves the item's task in the same transaction, with
/// the meeting in its history; the meeting is then held. Follow-ups go to their owners.
pub async fn decide(db: &Db, by: &Caller, id: AgendaItemId, input: &CouncilDecisionInput) -> Result<Decided> {
    may_run(by)?;
    let mut tx = db.begin().await?;
    let before = tx.load::<AgendaItemRecord>(id).await?.ok_or_else(|| item_not_found(id))?;
    let Some(kind) = before.kind()? else {
        return Err(UseCaseError::Conflict("이 안건은 원문에서 옮긴 기록이라 결정을 새로 적을 수 없습니다.".into()));
    };
    let request = DecisionRequest::parse(input, kind);
    let drafts = follow_up_drafts(input);
    let (request, drafts) = match (request, drafts) {
        (Ok(r), Ok(d)) => (r, d),
        (Err(mut a), Err(b)) => {
            a.extend(b);
            return Err(a.into());
        }
        (Err(e), _) | (_, Err(e)) => return Err(e.into()),
    };
    if request.version != before.version {
        return Err(UseCaseError::Stale { current_version: before.version });
    }
    if let Some(d) = &before.decision {
        let label = d.parse::<ItemDecision>().map(|d| d.label_ko()).unwrap_or("결정");
        return Err(UseCaseError::Conflict(format!("이 안건은 이미 ‘{label}’(으)로 결정되었습니다.")));
    }
    let meeting = MeetingId::new(before.meeting_id);
    let m = tx.load::<MeetingRecord>(meeting).await?.ok_or_else(|| meeting_not_found(meeting))?;
    if m.status()? == MeetingStatus::Cancelled {
        return Err(UseCaseError::Conflict(format!("{}는 취소되어 안건을 결정할 수 없습니다.", m.title)));
    }
    let task = TaskId::new(before.task_id.ok_or_else(|| internal("안건에 과제가 없습니다"))?);
    let t = visible_in(&mut tx, by, task).await?;
    tx.decide_agenda_item(&before, request.version, request.decision, request.reason.as_deref())
        .await?
        .ok_or(UseCaseError::Stale { current_version: before.version })?;
    let mut task_status = t.status;
    if let Some(action) = request.decision.task_action() {
        let (_, to) =
            move_in(&mut tx, by, task, &t, Role::OpcAdmin, action, request.reason.as_deref(), None, Some(meeting))
                .await?;
        task_status = to;
    }
    if m.status()? == MeetingStatus::Scheduled {
        tx.set_meeting_status(meeting, m.version, MeetingStatus::Held, None)
            .await?
            .ok_or(UseCaseError::Stale { current_version: m.version })?;
        let held = tx.load::<MeetingRecord>(meeting).await?.ok_or_else(|| meeting_not_found(meeting))?;
        tx.audit(&by.actor, Change::updated(AuditAction::MeetingUpdate, &m, &held)).await?;
    }
    let after = tx.load::<AgendaItemRecord>(id).await?.ok_or_else(|| item_not_found(id))?;
    tx.audit(&by.actor, Change::updated(AuditAction::AgendaItemDecide, &before, &after)).await?;
    for (i, d) in &drafts {
        let prefix = format!("follow_ups[{i}].");
        crate::follow_ups::create_draft_in(&mut tx, by, task, FollowUpSource::Council(id), d, &prefix).await?;
    }
    tx.commit().await?;
    Ok(Decided {
        id: id.get(),
        version: after.version,
        decision: request.decision,
        task_id: task.get(),
        task_status,
        follow_ups: drafts.len(),
    })
}

/// The backlog (`GET /api/v1/agenda-backlog`): tabled tasks and bottlenecks in mediation on no
/// meeting's agenda undecided, longest waiting first. OPC only (a mediation is internal).
pub async fn backlog(db: &Db, by: &Caller, paging: Paging) -> Result<Page<BacklogItem>> {
    may_run(by)?;
    Ok(db.agenda_backlog(paging).await?)
}

/// A meeting with its attendees, for the pages (its agenda as the caller may see it).
pub struct MeetingView {
    pub meeting: MeetingDetail,
    pub attendees: Vec<AgencyBrief>,
    /// Whether the caller runs the council (the page shows the forms).
    pub may_run: bool,
}

/// A meeting as the caller may see it, with its attendees.
pub async fn meeting(db: &Db, by: &Caller, id: MeetingId) -> Result<MeetingView> {
    let meeting = crate::registry::meeting(db, by, id).await?;
    let attendees = db.meeting_attendees(id).await?;
    let may_run = by.principal().is_some_and(access::can_run_council);
    Ok(MeetingView { meeting, attendees, may_run })
}

/// A scheduled meeting OPC is about to edit, cancel or add to.
pub async fn open_scheduled(db: &Db, by: &Caller, id: MeetingId) -> Result<MeetingView> {
    may_run(by)?;
    let v = meeting(db, by, id).await?;
    match v.meeting.summary.status {
        MeetingStatus::Scheduled => Ok(v),
        s => Err(UseCaseError::Conflict(format!(
            "{}는 ‘{}’ 상태여서 바꿀 수 없습니다. 개최 예정인 회의만 바꿀 수 있습니다.",
            v.meeting.summary.title,
            s.label_ko()
        ))),
    }
}

/// An undecided agenda item OPC is about to decide, for the form.
pub async fn open_item(db: &Db, by: &Caller, id: AgendaItemId) -> Result<AgendaItemWithMeeting> {
    may_run(by)?;
    let found = db.agenda_item(id).await?.ok_or_else(|| item_not_found(id))?;
    if found.item.kind()?.is_none() {
        return Err(UseCaseError::Conflict("이 안건은 원문에서 옮긴 기록이라 결정을 새로 적을 수 없습니다.".into()));
    }
    if found.item.decision.is_some() {
        return Err(UseCaseError::Conflict("이 안건은 이미 결정되었습니다.".into()));
    }
    if found.meeting.status()? == MeetingStatus::Cancelled {
        return Err(UseCaseError::Conflict(format!("{}는 취소되어 안건을 결정할 수 없습니다.", found.meeting.title)));
    }
    Ok(found)
}

/// How many upcoming meetings the home page shows.
pub const UPCOMING: i64 = 5;

/// The meetings scheduled from today (Korean time) on, soonest first: the home page lists them for
/// everyone (a meeting's title, date and place are public, as the meetings are).
pub async fn upcoming(db: &Db, now: DateTime<Utc>) -> Result<Vec<MeetingSummary>> {
    Ok(db.upcoming_meetings(kst_midnight(kst_date(now)), UPCOMING).await?)
}
