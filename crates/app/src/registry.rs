//! The registry: agencies, exchange positions, exchange pairs, exchangees and council meetings, and
//! the built-in dataset that fills it. Everyone reads it; OPC edits it.

use hanteam_domain::access;
use hanteam_domain::audit::AuditAction;
use hanteam_domain::edit::{
    parse_agency_edit, parse_exchangee_edit, parse_pair_edit, parse_position_edit, AgencyInput, ExchangeeInput,
    PairInput, PositionInput,
};
use hanteam_domain::{AgencyId, AgencyRef, ExchangeeId, MeetingId, Paging, PairId, PositionId, TaskFilter, TaskId};
use hanteam_store::audit::Change;
use hanteam_store::views::{
    Agency, AgencyBrief, ExchangePair, Exchangee, MeetingDetail, MeetingSummary, Page, PairBrief, PairWithTasks,
    Position, TaskSummary,
};
use hanteam_store::writes::{AgencyRecord, ExchangeeRecord, PairRecord, PositionRecord};
use hanteam_store::{Db, Record, SeedOutcome, Tx};

use crate::{Caller, Result, Saved, UseCaseError};

pub async fn agencies(db: &Db, paging: Paging) -> Result<Page<Agency>> {
    Ok(db.agencies_page(paging).await?)
}

/// Every agency, for a form's choice of one (the registry is as long as the government's list of
/// agencies, not as the tasks).
pub async fn agency_choices(db: &Db) -> Result<Vec<Agency>> {
    Ok(db.list_agencies().await?)
}

/// Every agency's short name, for a filter's choice of one.
pub async fn agency_names(db: &Db) -> Result<Vec<AgencyBrief>> {
    Ok(db.agency_briefs().await?)
}

/// Every exchange pair, for a choice of one.
pub async fn pair_choices(db: &Db) -> Result<Vec<PairBrief>> {
    Ok(db.pair_briefs().await?)
}

/// Where the pair numbered `seq` is in the annex order (how many pairs come before it).
pub async fn pair_position(db: &Db, seq: i64) -> Result<i64> {
    Ok(db.pairs_before(seq).await?)
}

/// How many tasks of a pair a list of pairs names beside its count.
const FIRST_TASKS: i64 = 3;

/// One page of the exchange pairs in annex order, with their positions and exchangees, and how
/// many of each pair's tasks the caller may see (with the first few).
pub async fn pairs(db: &Db, by: &Caller, paging: Paging) -> Result<Page<PairWithTasks>> {
    let page = db.pairs_page(paging).await?;
    Ok(Page { items: with_tasks(db, by, page.items).await?, total: page.total })
}

async fn with_tasks(db: &Db, by: &Caller, pairs: Vec<ExchangePair>) -> Result<Vec<PairWithTasks>> {
    let scope = access::task_scope(by.principal());
    let ids: Vec<PairId> = pairs.iter().map(|p| p.id).collect();
    let counts = db.pair_task_counts(&scope, &ids).await?;
    let mut first = db.first_tasks_of_pairs(&scope, &ids, FIRST_TASKS).await?;
    Ok(pairs
        .into_iter()
        .map(|pair| PairWithTasks {
            task_count: counts.get(&pair.id).copied().unwrap_or(0),
            first_tasks: first.remove(&pair.id).unwrap_or_default(),
            pair,
        })
        .collect())
}

/// How many of a pair's tasks the caller may see.
pub async fn pair_task_count(db: &Db, by: &Caller, pair: PairId) -> Result<i64> {
    let counts = db.pair_task_counts(&access::task_scope(by.principal()), &[pair]).await?;
    Ok(counts.get(&pair).copied().unwrap_or(0))
}

/// An agency with the exchange pairs it takes part in and a page of its tasks (those the caller
/// may see).
pub struct AgencyPage {
    pub agency: Agency,
    pub pairs: Vec<PairWithTasks>,
    pub tasks: Page<TaskSummary>,
}

/// An agency by id or short name (`/agencies/환경부` works as well as `/agencies/4`).
pub async fn agency(db: &Db, by: &Caller, raw: &str, paging: Paging) -> Result<AgencyPage> {
    let agency =
        db.find_agency(&AgencyRef::parse(raw)).await?.ok_or_else(|| UseCaseError::NotFound(format!("기관 '{raw}'")))?;
    let pairs = with_tasks(db, by, db.pairs_of_agency(agency.id).await?).await?;
    let filter = TaskFilter { limit: paging.limit, offset: paging.offset, ..TaskFilter::default() };
    let mut tasks = db.list_tasks(&access::task_scope(by.principal()), &filter, Some(agency.id)).await?;
    db.with_lights(&mut tasks.items).await?;
    Ok(AgencyPage { agency, pairs, tasks })
}

pub async fn meetings(db: &Db, paging: Paging) -> Result<Page<MeetingSummary>> {
    Ok(db.meetings_page(paging).await?)
}

/// A meeting, naming only the tabled tasks the caller may see. A mediation on its agenda is the
/// task's internal record: it shows to those who see that record (OPC, auditors, the task's
/// agencies and its pair's exchangees), never to the public.
pub async fn meeting(db: &Db, by: &Caller, id: MeetingId) -> Result<MeetingDetail> {
    let scope = access::task_scope(by.principal());
    let mut m = db.get_meeting(id, &scope).await?.ok_or_else(|| UseCaseError::NotFound(format!("{id}번 회의")))?;
    let mut agenda = Vec::with_capacity(m.agenda.len());
    for item in std::mem::take(&mut m.agenda) {
        if item.kind != Some(hanteam_domain::AgendaKind::Mediation) || sees_internal(db, by, item.task_id).await? {
            agenda.push(item);
        }
    }
    m.agenda = agenda;
    Ok(m)
}

/// Whether the caller sees the internal record of `task` (none: of no task).
async fn sees_internal(db: &Db, by: &Caller, task: Option<TaskId>) -> Result<bool> {
    let Some(task) = task else { return Ok(false) };
    match crate::tasks::visible(db, by, task).await {
        Ok(t) => Ok(access::can_see_internal_record(by.principal(), &t)),
        Err(UseCaseError::NotFound(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// On first start (nothing in the database yet) loads the built-in dataset, so a newcomer sees the
/// 41 tasks at once. The system does this, not a person.
pub async fn seed_if_empty(db: &Db) -> Result<Option<SeedOutcome>> {
    Ok(db.seed_if_empty().await?)
}

/// Loads the built-in 2024 dataset unless it was loaded before (OPC, or the console).
pub async fn load_builtin_dataset(db: &Db, by: &Caller) -> Result<SeedOutcome> {
    may_edit(by)?;
    Ok(db.seed_builtin(&by.actor).await?)
}

fn may_edit(by: &Caller) -> Result<()> {
    if access::can_edit_registry(by.signed_in()?) {
        Ok(())
    } else {
        Err(UseCaseError::forbidden())
    }
}

/// An agency the caller may edit.
pub async fn open_agency(db: &Db, by: &Caller, id: AgencyId) -> Result<Agency> {
    may_edit(by)?;
    db.find_agency(&AgencyRef::Id(id)).await?.ok_or_else(|| UseCaseError::NotFound(format!("{id}번 기관")))
}

/// A position the caller may edit, with the pair it belongs to.
pub async fn open_position(db: &Db, by: &Caller, id: PositionId) -> Result<(ExchangePair, Position)> {
    may_edit(by)?;
    let not_found = || UseCaseError::NotFound(format!("{id}번 교류직위"));
    let pair = db.pair_of_position(id).await?.ok_or_else(not_found)?;
    let position = pair.positions.iter().find(|p| p.id == id).cloned().ok_or_else(not_found)?;
    Ok((pair, position))
}

pub async fn open_pair(db: &Db, by: &Caller, id: PairId) -> Result<ExchangePair> {
    may_edit(by)?;
    db.pair(id).await?.ok_or_else(|| UseCaseError::NotFound(format!("{id}번 교류직위 쌍")))
}

/// An exchangee the caller may edit, with their position and its pair.
pub async fn open_exchangee(db: &Db, by: &Caller, id: ExchangeeId) -> Result<(ExchangePair, Position, Exchangee)> {
    may_edit(by)?;
    let not_found = || UseCaseError::NotFound(format!("{id}번 교류자"));
    let pair = db.pair_of_exchangee(id).await?.ok_or_else(not_found)?;
    for p in &pair.positions {
        if let Some(e) = p.exchangees.iter().find(|e| e.id == id).cloned() {
            let p = p.clone();
            return Ok((pair, p, e));
        }
    }
    Err(not_found())
}

/// One registry record changed in one transaction: load it (locked), `write` the change (which
/// answers the new version, or `None` when the record was not at the version the change is based
/// on), load it again, audit before and after.
async fn change<R: Record>(
    db: &Db,
    by: &Caller,
    id: R::Id,
    what: &str,
    action: AuditAction,
    write: impl AsyncFnOnce(&mut Tx) -> Result<Option<i64>>,
) -> Result<Saved> {
    let mut tx = db.begin().await?;
    let not_found = || UseCaseError::NotFound(format!("{}번 {what}", Into::<i64>::into(id)));
    let before = tx.load::<R>(id).await?.ok_or_else(not_found)?;
    let version = write(&mut tx).await?.ok_or(UseCaseError::Stale { current_version: before.version() })?;
    let after = tx.load::<R>(id).await?.ok_or_else(not_found)?;
    tx.audit(&by.actor, Change::updated(action, &before, &after)).await?;
    tx.commit().await?;
    Ok(Saved { id: before.id(), version })
}

pub async fn update_agency(db: &Db, by: &Caller, id: AgencyId, input: &AgencyInput) -> Result<Saved> {
    may_edit(by)?;
    let (draft, version) = parse_agency_edit(input)?;
    change::<AgencyRecord>(db, by, id, "기관", AuditAction::AgencyUpdate, async |tx| {
        if tx.short_name_taken(&draft.short_name, id).await? {
            return Err(UseCaseError::invalid("short_name", "같은 약칭의 기관이 이미 있습니다."));
        }
        Ok(tx.update_agency(id, version, &draft).await?)
    })
    .await
}

pub async fn update_position(db: &Db, by: &Caller, id: PositionId, input: &PositionInput) -> Result<Saved> {
    may_edit(by)?;
    let (draft, version) = parse_position_edit(input)?;
    change::<PositionRecord>(db, by, id, "교류직위", AuditAction::PositionUpdate, async |tx| {
        Ok(tx.update_position(id, version, &draft).await?)
    })
    .await
}

pub async fn update_pair(db: &Db, by: &Caller, id: PairId, input: &PairInput) -> Result<Saved> {
    may_edit(by)?;
    let (theme, version) = parse_pair_edit(input)?;
    change::<PairRecord>(db, by, id, "교류직위 쌍", AuditAction::PairUpdate, async |tx| {
        Ok(tx.update_pair(id, version, &theme).await?)
    })
    .await
}

pub async fn update_exchangee(db: &Db, by: &Caller, id: ExchangeeId, input: &ExchangeeInput) -> Result<Saved> {
    may_edit(by)?;
    let agencies = db.agency_briefs().await?;
    let (draft, version) = parse_exchangee_edit(input, |w| agencies.iter().any(|a| a.short_name == w))?;
    change::<ExchangeeRecord>(db, by, id, "교류자", AuditAction::ExchangeeUpdate, async |tx| {
        Ok(tx.update_exchangee(id, version, &draft).await?)
    })
    .await
}
