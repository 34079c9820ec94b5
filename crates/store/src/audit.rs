//! Writing to and reading the audit log. Appends happen inside the transaction of the change they
//! record, so a change and its audit row are kept or lost together.

use chrono::{DateTime, Utc};
use hanteam_domain::audit::{check_anchor, verify, AuditEntry, ChainBreak, ChainHead, ChainedEntry};
use serde::Serialize;
use utoipa::ToSchema;

use crate::views::Page;
use crate::{with_db, Db, Result};

/// Who is making a change, and from where.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
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

/// A new audit row before it is chained.
pub fn entry(
    actor: &Actor,
    action: &str,
    record_type: &str,
    record_id: Option<i64>,
    before: Option<String>,
    after: Option<String>,
) -> AuditEntry {
    AuditEntry {
        seq: 0,
        occurred_at: now(),
        actor_user_id: actor.user_id,
        actor: actor.label.clone(),
        client_addr: actor.client_addr.clone(),
        action: action.into(),
        record_type: record_type.into(),
        record_id,
        before,
        after,
    }
}

/// Reading the chain's head, locked for this transaction where the dialect needs it (PostgreSQL);
/// SQLite write transactions begin IMMEDIATE and so hold the one write lock already.
pub(crate) fn head_sql(db: &Db) -> &'static str {
    match db {
        Db::Sqlite(_) => "SELECT count, last_hash FROM audit_head WHERE id = 1",
        Db::Postgres(_) => "SELECT count, last_hash FROM audit_head WHERE id = 1 FOR UPDATE",
    }
}

/// How a write transaction begins: SQLite takes the write lock at once, so two writers never both
/// read the chain's head and then race to extend it.
pub(crate) fn begin_write_sql(db: &Db) -> &'static str {
    match db {
        Db::Sqlite(_) => "BEGIN IMMEDIATE",
        Db::Postgres(_) => "BEGIN",
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

/// Appends an entry to the audit log inside the open transaction `$tx`.
macro_rules! append_audit {
    ($tx:expr, $head_sql:expr, $entry:expr) => {{
        let (count, last_hash): (i64, String) = sqlx::query_as($head_sql).fetch_one(&mut *$tx).await?;
        let c = hanteam_domain::audit::chain(&hanteam_domain::audit::ChainHead { count, last_hash }, $entry);
        let e = &c.entry;
        sqlx::query(
            "INSERT INTO audit_log (seq, occurred_at, actor_user_id, actor, client_addr, action, record_type, record_id,
                before_json, after_json, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(e.seq)
        .bind(e.occurred_at)
        .bind(e.actor_user_id)
        .bind(&e.actor)
        .bind(&e.client_addr)
        .bind(&e.action)
        .bind(&e.record_type)
        .bind(e.record_id)
        .bind(&e.before)
        .bind(&e.after)
        .bind(&c.prev_hash)
        .bind(&c.hash)
        .execute(&mut *$tx)
        .await?;
        sqlx::query("UPDATE audit_head SET count = $1, last_hash = $2 WHERE id = 1")
            .bind(e.seq)
            .bind(&c.hash)
            .execute(&mut *$tx)
            .await?;
    }};
}
pub(crate) use append_audit;

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
}

impl From<AuditRow> for ChainedEntry {
    fn from(r: AuditRow) -> Self {
        ChainedEntry {
            entry: AuditEntry {
                seq: r.seq,
                occurred_at: r.occurred_at,
                actor_user_id: r.actor_user_id,
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
        }
    }
}

/// An audit row as the audit page and API show it: the entry and its hash.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditRecord {
    #[serde(flatten)]
    pub entry: AuditEntry,
    pub hash: String,
}

/// Filters of the audit page: by person (login), record, and date range (inclusive, UTC dates).
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub record_type: Option<String>,
    pub record_id: Option<i64>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub limit: i64,
    pub offset: i64,
}

const AUDIT_COLUMNS: &str = "seq, occurred_at, actor_user_id, actor, client_addr, action, record_type, record_id,
    before_json, after_json, prev_hash, hash";

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
        let entries: Vec<ChainedEntry> = rows.into_iter().map(ChainedEntry::from).collect();
        let head = ChainHead { count: head.0, last_hash: head.1 };
        let checked = verify(&entries, Some(&head)).and_then(|_| match anchor {
            Some(a) => check_anchor(&entries, a),
            None => Ok(()),
        });
        Ok(checked.map(|_| head))
    }

    /// Records an event that changes nothing else (sign-ins, failed sign-ins, sign-outs).
    pub async fn record_event(
        &self,
        actor: &Actor,
        action: &str,
        record_type: &str,
        record_id: Option<i64>,
        detail: Option<String>,
    ) -> Result<()> {
        let (begin, head) = (begin_write_sql(self), head_sql(self));
        let e = entry(actor, action, record_type, record_id, None, detail);
        with_db!(self, |pool| {
            let mut tx = pool.begin_with(begin).await?;
            append_audit!(tx, head, e);
            tx.commit().await?;
        });
        Ok(())
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
                .map(|r| {
                    let c = ChainedEntry::from(r);
                    AuditRecord { entry: c.entry, hash: c.hash }
                })
                .collect(),
        })
    }
}
