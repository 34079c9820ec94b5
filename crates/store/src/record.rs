//! What a change reads and the audit log records: a stored row, decodable on both databases.

use serde::Serialize;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::FromRow;

/// A row type both databases can decode.
pub trait BothRows: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}
impl<T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin> BothRows for T {}

/// A stored row as a change reads it and the audit log records it (before and after).
pub trait Record: Serialize + BothRows {
    type Id: Copy + Into<i64>;
    const TABLE: &'static str;
    /// The columns `SELECT` reads into the record.
    const COLUMNS: &'static str;
    /// What the audit log calls such a record (`record_type`).
    const AUDIT_TYPE: &'static str;

    fn id(&self) -> i64;
    fn version(&self) -> i64;
}
