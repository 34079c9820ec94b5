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

/// Implements [`Record`] for a row struct with `id` and `version` fields: its id type, table, the
/// columns `SELECT` reads and what the audit log calls it.
macro_rules! record {
    ($ty:ident, id: $id:ty, table: $table:literal, audit: $audit:literal, columns: $columns:literal) => {
        impl $crate::record::Record for $ty {
            type Id = $id;
            const TABLE: &'static str = $table;
            const COLUMNS: &'static str = $columns;
            const AUDIT_TYPE: &'static str = $audit;

            fn id(&self) -> i64 {
                self.id
            }

            fn version(&self) -> i64 {
                self.version
            }
        }
    };
}
pub(crate) use record;
