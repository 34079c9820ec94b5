//! Storage for hanteam: one code path for SQLite (the default, an embedded file) and PostgreSQL
//! (several stateless instances sharing one database).
//!
//! Each query is written once. `with_db!` expands the same body for each pool, so sqlx checks the
//! types for both backends; where the dialects must differ, a small function says so.

#![forbid(unsafe_code)]

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

pub mod accounts;
pub mod audit;
pub mod audit_names;
pub mod bulk;
pub mod checks;
pub mod council;
pub mod evaluation;
pub mod export;
mod fold;
pub mod lifecycle;
pub mod mediation;
pub mod memos;
mod migrate;
pub mod notifications;
pub mod objections;
pub mod pay;
pub mod prizes;
pub mod proposals;
mod queries;
mod record;
pub mod scoring;
mod search;
mod seed;
pub mod tx;
pub mod views;
pub mod writes;

pub use seed::SeedOutcome;
pub use tx::{Record, Tx};

/// Run the same body against whichever pool `db` holds.
macro_rules! with_db {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite($pool) => $body,
            $crate::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_db;

/// The default database: a SQLite file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://hanteam.db";

#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("DATABASE_URL은 sqlite:// 또는 postgres:// 로 시작해야 합니다 (입력한 형식: '{0}')")]
    UnsupportedUrl(String),
    #[error("데이터베이스 오류: {0}")]
    Database(#[from] sqlx::Error),
    #[error("데이터베이스 파일을 만들 수 없습니다: {0}")]
    File(String),
    #[error("데이터베이스의 값이 올바르지 않습니다: {0}")]
    Corrupt(String),
    #[error("내장 데이터를 읽을 수 없습니다: {0}")]
    Dataset(#[from] hanteam_domain::dataset::DatasetError),
    #[error(
        "데이터베이스의 스키마(버전 {database})가 이 프로그램이 아는 것(버전 {binary})보다 새롭습니다. \
         이 데이터베이스를 마지막으로 올린 버전 이상의 hanteam으로 실행해 주세요. 아무것도 바뀌지 않았습니다."
    )]
    SchemaNewer { database: i64, binary: i64 },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Whether the connection checks who the server is: required for a database on another machine;
/// a local socket or loopback address has no network to cross.
fn certificate_checked(options: &PgConnectOptions) -> bool {
    use sqlx::postgres::PgSslMode;
    let host = options.get_host();
    let local = host.starts_with('/')
        || host == "localhost"
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    local || matches!(options.get_ssl_mode(), PgSslMode::VerifyFull | PgSslMode::VerifyCa)
}

/// Official records: a new database file is readable by its owner only (SQLite gives its -wal and
/// -shm files the same permissions).
fn create_private_file(path: &std::path::Path) -> Result<()> {
    if path.as_os_str().is_empty() || path.as_os_str() == ":memory:" || path.exists() {
        return Ok(());
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::File(format!("{}: {e}", path.display()))),
    }
}

impl Db {
    /// Connects to `sqlite://…` (the file is created if missing; WAL, foreign keys on) or
    /// `postgres://…`.
    pub async fn connect(url: &str) -> Result<Db> {
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?;
            create_private_file(options.get_filename())?;
            let options = options
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
            Ok(Db::Sqlite(pool))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)?;
            if !certificate_checked(&options) {
                tracing::warn!(
                    host = options.get_host(),
                    "PostgreSQL 서버의 인증서를 확인하지 않고 연결합니다. 다른 서버의 데이터베이스라면 DATABASE_URL에 \
                     sslmode=verify-full (필요하면 sslrootcert=…)을 붙여 주세요."
                );
            }
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            Ok(Db::Postgres(pool))
        } else {
            // Only the scheme: the rest may hold a password.
            let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
            Err(StoreError::UnsupportedUrl(format!("{scheme}:")))
        }
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// The pool's connections: open, idle among them, and the most it opens.
    pub fn connections(&self) -> (u32, usize, u32) {
        with_db!(self, |pool| (pool.size(), pool.num_idle(), pool.options().get_max_connections()))
    }

    pub async fn close(&self) {
        with_db!(self, |pool| pool.close().await)
    }

    /// Applies the migrations embedded in the binary that this database has not seen yet.
    pub async fn migrate(&self) -> Result<Vec<i64>> {
        migrate::run(self).await
    }

    /// Whether any hanteam migration was ever applied here.
    pub async fn has_schema(&self) -> Result<bool> {
        migrate::applied(self).await.map(|done| !done.is_empty())
    }

    /// A consistent copy of a SQLite database into a new file (`VACUUM INTO`: one read transaction,
    /// so writers go on and the copy is the database as of one moment). PostgreSQL has `pg_dump`.
    pub async fn copy_sqlite_into(&self, path: &std::path::Path) -> Result<()> {
        let Db::Sqlite(pool) = self else {
            return Err(StoreError::File(
                "VACUUM INTO는 SQLite에서만 씁니다; PostgreSQL은 pg_dump로 백업합니다".into(),
            ));
        };
        let target = path.to_str().ok_or_else(|| StoreError::File(format!("{}: UTF-8이 아닌 경로", path.display())))?;
        sqlx::query("VACUUM INTO $1").bind(target).execute(pool).await?;
        Ok(())
    }

    /// The migrations this binary would apply to this database (version and name), applying none.
    pub async fn pending_migrations(&self) -> Result<Vec<(i64, &'static str)>> {
        migrate::pending(self).await
    }

    /// Loads the built-in 2024 dataset unless it was loaded before; `actor` is named in the audit log.
    pub async fn seed_builtin(&self, actor: &audit::Actor) -> Result<SeedOutcome> {
        let dataset = hanteam_domain::dataset::Dataset::builtin_2024()?;
        seed::load(self, &dataset, hanteam_domain::dataset::DATASET_2024, actor).await
    }

    /// Connects and brings the schema up to date: what every command does first.
    pub async fn open(url: &str) -> Result<Db> {
        let db = Db::connect(url).await?;
        let applied = db.migrate().await?;
        if !applied.is_empty() {
            tracing::info!(?applied, backend = db.backend(), "database migrated");
        }
        db.ensure_task_index().await?;
        Ok(db)
    }

    /// On first start (nothing in the database yet) loads the built-in dataset, so a newcomer sees
    /// the 41 tasks at once.
    pub async fn seed_if_empty(&self) -> Result<Option<SeedOutcome>> {
        if !self.is_empty().await? {
            return Ok(None);
        }
        let outcome = self.seed_builtin(&audit::Actor::system()).await?;
        if let SeedOutcome::Loaded { tasks } = outcome {
            tracing::info!(tasks, "empty database: loaded the built-in 2024 dataset");
        }
        Ok(Some(outcome))
    }

    /// Whether nothing has been loaded or entered yet (so the first `serve` seeds it).
    pub async fn is_empty(&self) -> Result<bool> {
        let n: i64 = with_db!(self, |pool| {
            sqlx::query_scalar("SELECT (SELECT COUNT(*) FROM agencies) + (SELECT COUNT(*) FROM tasks)")
                .fetch_one(pool)
                .await?
        });
        Ok(n == 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remote_database_must_be_verified_and_a_local_one_need_not() {
        let checked = |url: &str| certificate_checked(&PgConnectOptions::from_str(url).unwrap());
        assert!(checked("postgres://app@127.0.0.1/hanteam"));
        assert!(checked("postgres://app@localhost/hanteam"));
        assert!(!checked("postgres://app@db.example.go.kr/hanteam"));
        assert!(!checked("postgres://app@10.1.2.3/hanteam?sslmode=require"));
        assert!(checked("postgres://app@db.example.go.kr/hanteam?sslmode=verify-full"));
    }
}
