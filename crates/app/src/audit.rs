//! Reading the audit log and checking its hash chain: auditors and OPC, and the console.

use hanteam_domain::access;
use hanteam_domain::audit::{ChainBreak, ChainHead};
use hanteam_domain::{AuditFilter, AuditFilterInput};
use hanteam_store::audit::AuditRecord;
use hanteam_store::views::Page;
use hanteam_store::Db;

use crate::{Caller, Result, UseCaseError};

fn may_read(by: &Caller) -> Result<()> {
    if access::can_read_audit(by.signed_in()?) {
        Ok(())
    } else {
        Err(UseCaseError::forbidden())
    }
}

/// The log, newest first, filtered by person, record and Korean days.
pub async fn log(db: &Db, by: &Caller, input: &AuditFilterInput) -> Result<Page<AuditRecord>> {
    may_read(by)?;
    let filter = AuditFilter::parse(input)?;
    Ok(db.list_audit(&filter).await?)
}

/// Recomputes the whole chain and checks it against a head kept outside the database (`anchor`):
/// the chain's head now, or where it first breaks.
pub async fn verify(db: &Db, by: &Caller, anchor: Option<&ChainHead>) -> Result<Result<ChainHead, ChainBreak>> {
    may_read(by)?;
    Ok(db.verify_audit_against(anchor).await?)
}
