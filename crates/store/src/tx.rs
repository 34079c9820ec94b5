//! A write transaction that looks the same on both databases, so a use case is written by calling
//! functions: `db.begin()`, then loads, inserts, versioned updates and the audit append as methods,
//! then `commit()`. Dropped without `commit()`, it rolls back and nothing is written.
//!
//! Each query is still written once: `on_tx!` runs the same body on whichever connection the
//! transaction holds. Where the dialects differ (row locks), one small method says so.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{DateTime, NaiveDate, Utc};
use hanteam_domain::audit::{chain, AuditEntry, ChainHead};
use sqlx::{Postgres, Sqlite};

use crate::audit::{now, Actor, Change};
pub use crate::record::{BothRows, Record};
use crate::{Db, Result};

enum Conn {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

/// An open write transaction, and the moment of the change it makes (every row it stamps and its
/// audit entries carry the same time).
pub struct Tx {
    conn: Conn,
    at: DateTime<Utc>,
    /// Changes to kept counts (a check cycle's, by cycle, agency and what is counted), written just
    /// before the commit: many writers change the same count rows, which on PostgreSQL are then
    /// held locked for an instant, not for the whole change.
    pub(crate) cycle_counts: std::collections::BTreeMap<(i64, i64, &'static str), i64>,
    /// On SQLite, this process's turn to write (dropped after `conn`, so after its end).
    _writer: Option<tokio::sync::OwnedMutexGuard<()>>,
}

/// One writer at a time per SQLite file, queued here rather than in SQLite: a connection that finds
/// the file locked sleeps in SQLite's busy handler (up to 100 ms a try), which under 16 concurrent
/// edits gave a p99 of over a second; waiting on this lock wakes the next writer the moment the
/// last one ends. Other processes on the same file are still kept out by SQLite's own lock.
fn sqlite_writer(pool: &sqlx::SqlitePool) -> Arc<tokio::sync::Mutex<()>> {
    static WRITERS: OnceLock<Mutex<HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>> = OnceLock::new();
    let file = pool.connect_options().get_filename().to_path_buf();
    let mut writers = WRITERS.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    writers.entry(file).or_default().clone()
}

/// Runs the same body on the transaction's SQLite or PostgreSQL connection (`$c`, a `&mut` connection).
macro_rules! on_tx {
    ($tx:expr, |$c:ident| $body:expr) => {
        match &mut $tx.conn {
            Conn::Sqlite(t) => {
                let $c: &mut sqlx::SqliteConnection = &mut *t;
                $body
            }
            Conn::Postgres(t) => {
                let $c: &mut sqlx::PgConnection = &mut *t;
                $body
            }
        }
    };
}

/// A value bound to a query: the types our columns hold, each with its SQL NULL.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<String>),
    Bool(bool),
    Date(Option<NaiveDate>),
    Time(Option<DateTime<Utc>>),
    /// A file's bytes (BLOB / BYTEA).
    Bytes(Option<Vec<u8>>),
}

macro_rules! value_from {
    ($($ty:ty => $variant:ident($conv:expr)),* $(,)?) => {$(
        impl From<$ty> for Value {
            fn from(v: $ty) -> Value {
                Value::$variant($conv(v))
            }
        }
    )*};
}

value_from! {
    i64 => Int(Some),
    Option<i64> => Int(std::convert::identity),
    f64 => Real(Some),
    Option<f64> => Real(std::convert::identity),
    String => Text(Some),
    &str => Text(|s: &str| Some(s.to_string())),
    Option<String> => Text(std::convert::identity),
    Option<&str> => Text(|s: Option<&str>| s.map(str::to_string)),
    &Option<String> => Text(Clone::clone),
    bool => Bool(std::convert::identity),
    NaiveDate => Date(Some),
    Option<NaiveDate> => Date(std::convert::identity),
    DateTime<Utc> => Time(Some),
    Option<DateTime<Utc>> => Time(std::convert::identity),
}

macro_rules! id_values {
    ($($id:ty),*) => {$(
        impl From<$id> for Value {
            fn from(id: $id) -> Value {
                Value::Int(Some(id.get()))
            }
        }
        impl From<Option<$id>> for Value {
            fn from(id: Option<$id>) -> Value {
                Value::Int(id.map(|i| i.get()))
            }
        }
    )*};
}

id_values!(
    hanteam_domain::TaskId,
    hanteam_domain::AgencyId,
    hanteam_domain::PositionId,
    hanteam_domain::PairId,
    hanteam_domain::ExchangeeId,
    hanteam_domain::KpiId,
    hanteam_domain::MilestoneId,
    hanteam_domain::ProcedureId,
    hanteam_domain::MemoId,
    hanteam_domain::UserId,
    hanteam_domain::TokenId,
    hanteam_domain::FollowUpId,
    hanteam_domain::BottleneckId,
    hanteam_domain::MediationMeetingId,
    hanteam_domain::MeetingId,
    hanteam_domain::CheckCycleId,
    hanteam_domain::ReportId,
    hanteam_domain::AttachmentId,
    hanteam_domain::EvaluationRoundId,
    hanteam_domain::EvaluationConflictId
);

/// Binds every value of `$values` to `$query`, in order.
macro_rules! bind_values {
    ($query:expr, $values:expr) => {{
        let mut q = $query;
        for v in $values {
            q = match v {
                Value::Int(x) => q.bind(*x),
                Value::Real(x) => q.bind(*x),
                Value::Text(x) => q.bind(x.as_deref()),
                Value::Bool(x) => q.bind(*x),
                Value::Date(x) => q.bind(*x),
                Value::Time(x) => q.bind(*x),
                Value::Bytes(x) => q.bind(x.as_deref()),
            };
        }
        q
    }};
}

impl Db {
    /// Begins a write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), so
    /// two writers never both read a row, or the audit chain's head, and then race to change it; on
    /// PostgreSQL each row a change reads is locked as it is read (see [`Tx::load`]).
    pub async fn begin(&self) -> Result<Tx> {
        let (conn, writer) = match self {
            Db::Sqlite(pool) => {
                let writer = sqlite_writer(pool).lock_owned().await;
                (Conn::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?), Some(writer))
            }
            Db::Postgres(pool) => (Conn::Postgres(pool.begin().await?), None),
        };
        Ok(Tx { conn, at: now(), cycle_counts: Default::default(), _writer: writer })
    }

    /// Records an event that changes nothing else (sign-ins, failed sign-ins, sign-outs), in a
    /// transaction of its own.
    pub async fn record_event(&self, actor: &Actor, change: Change) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.audit(actor, change).await?;
        tx.commit().await
    }
}

impl Tx {
    /// Makes every change of the transaction last, together with its audit entries.
    pub async fn commit(mut self) -> Result<()> {
        self.write_cycle_counts().await?;
        match self.conn {
            Conn::Sqlite(t) => t.commit().await?,
            Conn::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    /// The moment of this change.
    pub fn at(&self) -> DateTime<Utc> {
        self.at
    }

    /// Stamps the changes that follow with `at` instead of the moment the transaction began: for
    /// generated data (`hanteam synth`), whose times are counted from a fixed day, never the clock.
    pub fn set_at(&mut self, at: DateTime<Utc>) {
        self.at = at;
    }

    /// `select` locking the rows it reads until the transaction ends, where the dialect needs it:
    /// on PostgreSQL two writers would otherwise both read the same version and both write. (SQLite
    /// write transactions hold the one write lock from their start.)
    pub(crate) fn locking(&self, select: &str) -> String {
        match self.conn {
            Conn::Sqlite(_) => select.to_string(),
            Conn::Postgres(_) => format!("{select} FOR UPDATE"),
        }
    }

    /// As [`Tx::locking`], but readers locking the same way do not wait for one another.
    pub(crate) fn sharing(&self, select: &str) -> String {
        match self.conn {
            Conn::Sqlite(_) => select.to_string(),
            Conn::Postgres(_) => format!("{select} FOR SHARE"),
        }
    }

    pub(crate) async fn fetch_optional<R: BothRows>(&mut self, sql: &str, values: &[Value]) -> Result<Option<R>> {
        Ok(on_tx!(self, |c| bind_values!(sqlx::query_as::<_, R>(sql), values).fetch_optional(&mut *c).await?))
    }

    pub(crate) async fn fetch_all<R: BothRows>(&mut self, sql: &str, values: &[Value]) -> Result<Vec<R>> {
        Ok(on_tx!(self, |c| bind_values!(sqlx::query_as::<_, R>(sql), values).fetch_all(&mut *c).await?))
    }

    /// Runs a statement; returns how many rows it touched.
    pub(crate) async fn execute(&mut self, sql: &str, values: &[Value]) -> Result<u64> {
        Ok(on_tx!(self, |c| bind_values!(sqlx::query(sql), values).execute(&mut *c).await?.rows_affected()))
    }

    /// `INSERT INTO table (columns…) VALUES (…) RETURNING id`.
    pub(crate) async fn insert(&mut self, table: &str, columns: &[(&str, Value)]) -> Result<i64> {
        let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
        let marks: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
        let sql = format!("INSERT INTO {table} ({}) VALUES ({}) RETURNING id", names.join(", "), marks.join(", "));
        let values: Vec<Value> = columns.iter().map(|(_, v)| v.clone()).collect();
        let (id,): (i64,) = self.fetch_optional(&sql, &values).await?.ok_or_else(|| {
            crate::StoreError::Corrupt(format!("{table}: INSERT … RETURNING id가 행을 돌려주지 않았습니다"))
        })?;
        Ok(id)
    }

    /// Inserts a row stamped with this change's time as `created_at` and `updated_at`.
    pub(crate) async fn insert_stamped(&mut self, table: &str, columns: &[(&str, Value)]) -> Result<i64> {
        let mut all = columns.to_vec();
        all.push(("created_at", self.at.into()));
        all.push(("updated_at", self.at.into()));
        self.insert(table, &all).await
    }

    /// `UPDATE table SET … , updated_at = now, version = version + 1 WHERE id = $1 AND version = $2`:
    /// the new version, or `None` when the row is not (or no longer) at `version` — then nothing was
    /// changed.
    pub(crate) async fn update_versioned(
        &mut self,
        table: &str,
        id: i64,
        version: i64,
        set: &[(&str, Value)],
    ) -> Result<Option<i64>> {
        let mut sets: Vec<String> =
            set.iter().enumerate().map(|(i, (name, _))| format!("{name} = ${}", i + 3)).collect();
        sets.push(format!("updated_at = ${}", set.len() + 3));
        sets.push("version = version + 1".into());
        let sql = format!("UPDATE {table} SET {} WHERE id = $1 AND version = $2 RETURNING version", sets.join(", "));
        let mut values: Vec<Value> = vec![id.into(), version.into()];
        values.extend(set.iter().map(|(_, v)| v.clone()));
        values.push(self.at.into());
        Ok(self.fetch_optional::<(i64,)>(&sql, &values).await?.map(|(v,)| v))
    }

    /// `DELETE FROM table WHERE id = $1 AND version = $2`: whether the row was there at `version`.
    pub(crate) async fn delete_versioned(&mut self, table: &str, id: i64, version: i64) -> Result<bool> {
        let sql = format!("DELETE FROM {table} WHERE id = $1 AND version = $2");
        Ok(self.execute(&sql, &[id.into(), version.into()]).await? == 1)
    }

    /// The record with this id, locked for the rest of the transaction.
    /// As [`Tx::load`], but others may load it the same way at the same time; only a change to the
    /// row waits for them (on PostgreSQL `FOR SHARE`): what many writers read and none of them
    /// changes, as a check cycle every report filed in it asks whether it is still open.
    pub async fn load_shared<R: Record>(&mut self, id: R::Id) -> Result<Option<R>> {
        let sql = self.sharing(&format!("SELECT {} FROM {} WHERE id = $1", R::COLUMNS, R::TABLE));
        self.fetch_optional(&sql, &[Value::Int(Some(id.into()))]).await
    }

    pub async fn load<R: Record>(&mut self, id: R::Id) -> Result<Option<R>> {
        let sql = self.locking(&format!("SELECT {} FROM {} WHERE id = $1", R::COLUMNS, R::TABLE));
        self.fetch_optional(&sql, &[Value::Int(Some(id.into()))]).await
    }

    /// Appends an entry to the audit log after the chain's current head, in this transaction: the
    /// change and its record are kept or lost together.
    pub async fn audit(&mut self, actor: &Actor, change: Change) -> Result<()> {
        let head_sql = self.locking("SELECT count, last_hash FROM audit_head WHERE id = 1");
        let (count, last_hash): (i64, String) = self
            .fetch_optional(&head_sql, &[])
            .await?
            .ok_or_else(|| crate::StoreError::Corrupt("감사기록의 마지막 행 정보(audit_head)가 없습니다".into()))?;
        let entry = AuditEntry {
            seq: 0,
            occurred_at: self.at,
            actor_user_id: actor.user_id,
            actor: actor.label.clone(),
            client_addr: actor.client_addr.clone(),
            action: change.action,
            record_type: change.record_type,
            record_id: change.record_id,
            before: change.before,
            after: change.after,
        }
        .bounded();
        let c = chain(&ChainHead { count, last_hash }, entry);
        let e = &c.entry;
        self.execute(
            "INSERT INTO audit_log (seq, occurred_at, actor_user_id, actor, client_addr, action, record_type, record_id,
                before_json, after_json, prev_hash, hash, chain_version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            &[
                e.seq.into(),
                e.occurred_at.into(),
                e.actor_user_id.into(),
                e.actor.as_str().into(),
                (&e.client_addr).into(),
                e.action.as_str().into(),
                e.record_type.as_str().into(),
                e.record_id.into(),
                (&e.before).into(),
                (&e.after).into(),
                c.prev_hash.as_str().into(),
                c.hash.as_str().into(),
                (c.version as i64).into(),
            ],
        )
        .await?;
        self.execute(
            "UPDATE audit_head SET count = $1, last_hash = $2 WHERE id = 1",
            &[e.seq.into(), c.hash.as_str().into()],
        )
        .await?;
        Ok(())
    }

    /// An advisory lock held until the transaction ends, so that several instances starting at once
    /// on one PostgreSQL wait for each other (SQLite serialises writers on its own).
    pub(crate) async fn lock_schema(&mut self) -> Result<()> {
        if let Some(sql) = crate::migrate::schema_lock_sql(self.is_postgres()) {
            self.execute(sql, &[]).await?;
        }
        Ok(())
    }

    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self.conn, Conn::Postgres(_))
    }
}
