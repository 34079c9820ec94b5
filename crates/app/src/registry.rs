//! The registry: agencies, exchange positions, exchange pairs, exchangees and council meetings, and
//! the built-in dataset that fills it. Everyone reads it; OPC edits it.

use hanteam_domain::access;
use hanteam_domain::edit::{
    parse_agency_edit, parse_exchangee_edit, parse_pair_edit, parse_position_edit, AgencyInput, ExchangeeInput,
    PairInput, PositionInput,
};
use hanteam_domain::filter::MAX_LIMIT;
use hanteam_domain::{AgencyId, AgencyRef, ExchangeeId, MeetingId, PairId, PositionId, TaskFilter};
use hanteam_store::audit::Change;
use hanteam_store::views::{
    Agency, ExchangePair, Exchangee, MeetingDetail, MeetingSummary, Page, Position, TaskSummary,
};
use hanteam_store::writes::{AgencyRecord, ExchangeeRecord, PairRecord, PositionRecord};
use hanteam_store::{Db, Record, SeedOutcome, Tx};

use crate::{Caller, Result, Saved, UseCaseError};

pub async fn agencies(db: &Db) -> Result<Vec<Agency>> {
    Ok(db.list_agencies().await?)
}

/// The exchange pairs in annex order, with their positions and exchangees.
pub async fn pairs(db: &Db) -> Result<Vec<ExchangePair>> {
    Ok(db.list_pairs().await?)
}

/// An agency with the exchange pairs it takes part in and its tasks (those the caller may see).
pub struct AgencyPage {
    pub agency: Agency,
    pub pairs: Vec<ExchangePair>,
    pub tasks: Page<TaskSummary>,
}

/// An agency by id or short name (`/agencies/환경부` works as well as `/agencies/4`).
pub async fn agency(db: &Db, by: &Caller, raw: &str) -> Result<AgencyPage> {
    let agency =
        db.find_agency(&AgencyRef::parse(raw)).await?.ok_or_else(|| UseCaseError::NotFound(format!("기관 '{raw}'")))?;
    let pairs = db.pairs_of_agency(agency.id).await?;
    let all = TaskFilter { limit: MAX_LIMIT, ..TaskFilter::default() };
    let tasks = db.list_tasks(&access::task_scope(by.principal()), &all, Some(agency.id)).await?;
    Ok(AgencyPage { agency, pairs, tasks })
}

pub async fn meetings(db: &Db) -> Result<Vec<MeetingSummary>> {
    Ok(db.list_meetings().await?)
}

pub async fn meeting(db: &Db, id: MeetingId) -> Result<MeetingDetail> {
    db.get_meeting(id).await?.ok_or_else(|| UseCaseError::NotFound(format!("{id}번 회의")))
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
    for pair in db.list_pairs().await? {
        if let Some(p) = pair.positions.iter().find(|p| p.id == id).cloned() {
            return Ok((pair, p));
        }
    }
    Err(UseCaseError::NotFound(format!("{id}번 교류직위")))
}

pub async fn open_pair(db: &Db, by: &Caller, id: PairId) -> Result<ExchangePair> {
    may_edit(by)?;
    db.list_pairs()
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or_else(|| UseCaseError::NotFound(format!("{id}번 교류직위 쌍")))
}

/// An exchangee the caller may edit, with their position and its pair.
pub async fn open_exchangee(db: &Db, by: &Caller, id: ExchangeeId) -> Result<(ExchangePair, Position, Exchangee)> {
    may_edit(by)?;
    for pair in db.list_pairs().await? {
        for p in &pair.positions {
            if let Some(e) = p.exchangees.iter().find(|e| e.id == id).cloned() {
                let p = p.clone();
                return Ok((pair, p, e));
            }
        }
    }
    Err(UseCaseError::NotFound(format!("{id}번 교류자")))
}

/// One registry record changed in one transaction: load it (locked), `write` the change (which
/// answers the new version, or `None` when the record was not at the version the change is based
/// on), load it again, audit before and after.
async fn change<R: Record>(
    db: &Db,
    by: &Caller,
    id: R::Id,
    what: &str,
    action: &str,
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
    change::<AgencyRecord>(db, by, id, "기관", "agency.update", async |tx| {
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
    change::<PositionRecord>(db, by, id, "교류직위", "position.update", async |tx| {
        Ok(tx.update_position(id, version, &draft).await?)
    })
    .await
}

pub async fn update_pair(db: &Db, by: &Caller, id: PairId, input: &PairInput) -> Result<Saved> {
    may_edit(by)?;
    let (theme, version) = parse_pair_edit(input)?;
    change::<PairRecord>(db, by, id, "교류직위 쌍", "exchange_pair.update", async |tx| {
        Ok(tx.update_pair(id, version, &theme).await?)
    })
    .await
}

pub async fn update_exchangee(db: &Db, by: &Caller, id: ExchangeeId, input: &ExchangeeInput) -> Result<Saved> {
    may_edit(by)?;
    let (draft, version) = parse_exchangee_edit(input)?;
    change::<ExchangeeRecord>(db, by, id, "교류자", "exchangee.update", async |tx| {
        Ok(tx.update_exchangee(id, version, &draft).await?)
    })
    .await
}
