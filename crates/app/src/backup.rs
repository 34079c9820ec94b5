//! What `hanteam backup` and `restore` ask of the database (the tools they run are the CLI's).

use hanteam_store::Db;

use crate::Result;

/// What a database holds, for restoring into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contents {
    /// No hanteam schema at all.
    Nothing,
    /// The schema, with no agency, task or account in it.
    EmptySchema,
    /// Records: restoring over them replaces them.
    Records,
}

/// A consistent copy of a SQLite database into a new file at `path`, while writers go on.
pub async fn copy_sqlite(db: &Db, path: &std::path::Path) -> Result<()> {
    Ok(db.copy_sqlite_into(path).await?)
}

pub async fn contents(db: &Db) -> Result<Contents> {
    if !db.has_schema().await? {
        return Ok(Contents::Nothing);
    }
    if db.is_empty().await? && db.count_users().await? == 0 {
        return Ok(Contents::EmptySchema);
    }
    Ok(Contents::Records)
}
