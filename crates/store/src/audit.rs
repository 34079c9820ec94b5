//! Writing to and reading the audit log. Appends happen inside the transaction of the change they
//! record, so a change and its audit row are kept or lost together.

use chrono::{DateTime, Utc};
use hanteam_domain::audit::{
    check_anchor, verify, AuditAction, AuditEntry, ChainBreak, ChainHead, ChainVersion, ChainedEntry,
};
use hanteam_domain::{AuditFilter, UserId};
use serde::Serialize;

use crate::record::Record;
use crate::views::Page;
use crate::{with_db, Db, Result};

/// Who is making a change, and from where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<UserId>,
    /// Login name, or "system" for the program itself.
    pub label: String,
    pub client_addr: Option<String>,
}

impl Actor {
    pub fn system() -> Actor {
        Actor { user_id: None, label: "system".into(), client_addr: None }
    }
}

/// Now, to the microsecond: what both databases store exactly, so hashes recompute.
pub fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

/// JSON of a record for the before/after columns.
pub fn snapshot<T: Serialize>(record: &T) -> Option<String> {
    serde_json::to_string(record).ok()
}

/// What one audit entry records: an action on a record, with the record before and after (JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// e.g. task.update, agency_role.update, auth.sign_in
    pub action: String,
    pub record_type: String,
    pub record_id: Option<i64>,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl Change {
    pub fn created<R: Record>(action: AuditAction, after: &R) -> Change {
        Change::of(action, R::AUDIT_TYPE, Some(after.id()), None::<&R>, Some(after))
    }

    pub fn updated<R: Record>(action: AuditAction, before: &R, after: &R) -> Change {
        Change::of(action, R::AUDIT_TYPE, Some(before.id()), Some(before), Some(after))
    }

    /// The record's last state stays in the log.
    pub fn removed<R: Record>(action: AuditAction, before: &R) -> Change {
        Change::of(action, R::AUDIT_TYPE, Some(before.id()), Some(before), None::<&R>)
    }

    /// A change whose record is more than one row (an account with its roles, a dataset).
    pub fn of<B: Serialize, A: Serialize>(
        action: AuditAction,
        record_type: &str,
        record_id: Option<i64>,
        before: Option<&B>,
        after: Option<&A>,
    ) -> Change {
        Change {
            action: action.as_str().into(),
            record_type: record_type.into(),
            record_id,
            before: before.and_then(snapshot),
            after: after.and_then(snapshot),
        }
    }

    /// Something that changes no record (a sign-in, a failed sign-in): `detail` goes where `after` is.
    pub fn event(action: AuditAction, record_type: &str, record_id: Option<i64>, detail: Option<String>) -> Change {
        Change {
            action: action.as_str().into(),
            record_type: record_type.into(),
            record_id,
            before: None,
            after: detail,
        }
    }
}

/// A read transaction that sees one snapshot throughout, so the chain and its head are read as of
/// the same moment even while others append (SQLite read transactions are snapshots already).
fn begin_snapshot_sql(db: &Db) -> &'static str {
    match db {
        Db::Sqlite(_) => "BEGIN",
        Db::Postgres(_) => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    }
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    seq: i64,
    occurred_at: DateTime<Utc>,
    actor_user_id: Option<i64>,
    actor: String,
    client_addr: Option<String>,
    action: String,
    record_type: String,
    record_id: Option<i64>,
    before_json: Option<String>,
    after_json: Option<String>,
    prev_hash: String,
    hash: String,
    chain_version: i64,
}

impl TryFrom<AuditRow> for ChainedEntry {
    type Error = crate::StoreError;

    fn try_from(r: AuditRow) -> Result<Self> {
        let version = ChainVersion::from_stored(r.chain_version).ok_or_else(|| {
            crate::StoreError::Corrupt(format!(
                "감사기록 {}번의 해시 방식({})을 이 프로그램이 모릅니다. 더 새로운 hanteam으로 확인해 주세요.",
                r.seq, r.chain_version
            ))
        })?;
        Ok(ChainedEntry {
            entry: AuditEntry {
                seq: r.seq,
                occurred_at: r.occurred_at,
                actor_user_id: r.actor_user_id.map(UserId::new),
                actor: r.actor,
                client_addr: r.client_addr,
                action: r.action,
                record_type: r.record_type,
                record_id: r.record_id,
                before: r.before_json,
                after: r.after_json,
            },
            prev_hash: r.prev_hash,
            hash: r.hash,
            version,
        })
    }
}

/// An audit row as the audit page and API show it: the entry and its hash.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditRecord {
    #[serde(flatten)]
    pub entry: AuditEntry,
    pub hash: String,
}

const AUDIT_COLUMNS: &str = "seq, occurred_at, actor_user_id, actor, client_addr, action, record_type, record_id,
    before_json, after_json, prev_hash, hash, chain_version";

impl Db {
    /// Verifies the whole chain: Ok(number of rows), or the first row edited, removed or reordered.
    pub async fn verify_audit(&self) -> Result<std::result::Result<i64, ChainBreak>> {
        Ok(self.verify_audit_against(None).await?.map(|head| head.count))
    }

    /// As [`Db::verify_audit`], also checking a head recorded earlier outside the database; returns
    /// the chain's head now (to be recorded for the next check).
    pub async fn verify_audit_against(
        &self,
        anchor: Option<&ChainHead>,
    ) -> Result<std::result::Result<ChainHead, ChainBreak>> {
        let sql = format!("SELECT {AUDIT_COLUMNS} FROM audit_log ORDER BY seq");
        let begin = begin_snapshot_sql(self);
        let (rows, head): (Vec<AuditRow>, (i64, String)) = with_db!(self, |pool| {
            let mut tx = pool.begin_with(begin).await?;
            let rows = sqlx::query_as::<_, AuditRow>(&sql).fetch_all(&mut *tx).await?;
            let head =
                sqlx::query_as("SELECT count, last_hash FROM audit_head WHERE id = 1").fetch_one(&mut *tx).await?;
            tx.commit().await?;
            (rows, head)
        });
        let entries: Vec<ChainedEntry> = rows.into_iter().map(ChainedEntry::try_from).collect::<Result<_>>()?;
        let head = ChainHead { count: head.0, last_hash: head.1 };
        let checked = verify(&entries, Some(&head)).and_then(|_| match anchor {
            Some(a) => check_anchor(&entries, a),
            None => Ok(()),
        });
        Ok(checked.map(|_| head))
    }

    /// How many rows the audit log holds, from its head (one row, however long the log).
    pub async fn audit_rows(&self) -> Result<i64> {
        let sql = "SELECT count FROM audit_head WHERE id = 1";
        let count: Option<i64> = with_db!(self, |pool| sqlx::query_scalar(sql).fetch_optional(pool).await?);
        Ok(count.unwrap_or(0))
    }

    pub async fn list_audit(&self, f: &AuditFilter) -> Result<Page<AuditRecord>> {
        let mut conditions = vec!["1 = 1".to_string()];
        enum P {
            T(String),
            I(i64),
            D(DateTime<Utc>),
        }
        let mut params: Vec<P> = vec![];
        let mut push = |c: &mut Vec<String>, sql: &str, p: P| {
            params.push(p);
            c.push(sql.replace('?', &format!("${}", params.len())));
        };
        if let Some(a) = &f.actor {
            push(&mut conditions, "actor = ?", P::T(a.clone()));
        }
        if let Some(t) = &f.record_type {
            push(&mut conditions, "record_type = ?", P::T(t.clone()));
        }
        if let Some(id) = f.record_id {
            push(&mut conditions, "record_id = ?", P::I(id));
        }
        if let Some(from) = f.from {
            push(&mut conditions, "occurred_at >= ?", P::D(from));
        }
        if let Some(until) = f.until {
            push(&mut conditions, "occurred_at < ?", P::D(until));
        }
        let where_sql = conditions.join(" AND ");
        let count_sql = format!("SELECT COUNT(*) FROM audit_log WHERE {where_sql}");
        let n = params.len();
        let page_sql = format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE {where_sql} ORDER BY seq DESC LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        );
        let (total, rows): (i64, Vec<AuditRow>) = with_db!(self, |pool| {
            let mut count = sqlx::query_scalar(&count_sql);
            let mut page = sqlx::query_as::<_, AuditRow>(&page_sql);
            for p in &params {
                (count, page) = match p {
                    P::T(s) => (count.bind(s.clone()), page.bind(s.clone())),
                    P::I(i) => (count.bind(*i), page.bind(*i)),
                    P::D(d) => (count.bind(*d), page.bind(*d)),
                };
            }
            (count.fetch_one(pool).await?, page.bind(f.limit).bind(f.offset).fetch_all(pool).await?)
        });
        Ok(Page {
            total,
            items: rows
                .into_iter()
                .map(|r| ChainedEntry::try_from(r).map(|c| AuditRecord { entry: c.entry, hash: c.hash }))
                .collect::<Result<_>>()?,
        })
    }
}
