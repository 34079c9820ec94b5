//! Versioned migrations, embedded in the binary and applied at start. A migration is never edited
//! after it lands; a change is a new file.

use chrono::Utc;

use crate::{with_db, Db, Result, StoreError};

struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
    /// What only one dialect can say (triggers), run after `sql`.
    sqlite_only: &'static str,
    postgres_only: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "registry",
        sql: include_str!("../migrations/0001_registry.sql"),
        sqlite_only: "",
        postgres_only: "",
    },
    Migration {
        version: 2,
        name: "accounts_audit",
        sql: include_str!("../migrations/0002_accounts_audit.sql"),
        sqlite_only: include_str!("../migrations/0002_accounts_audit.sqlite.sql"),
        postgres_only: include_str!("../migrations/0002_accounts_audit.postgres.sql"),
    },
    Migration {
        version: 3,
        name: "search_counts",
        sql: include_str!("../migrations/0003_search_counts.sql"),
        sqlite_only: include_str!("../migrations/0003_search_counts.sqlite.sql"),
        postgres_only: include_str!("../migrations/0003_search_counts.postgres.sql"),
    },
    Migration {
        version: 4,
        name: "index_order",
        sql: include_str!("../migrations/0004_index_order.sql"),
        sqlite_only: "",
        postgres_only: "",
    },
    Migration {
        version: 5,
        name: "audit_chain_v2",
        sql: include_str!("../migrations/0005_audit_chain_v2.sql"),
        sqlite_only: include_str!("../migrations/0005_audit_chain_v2.sqlite.sql"),
        postgres_only: "",
    },
    Migration {
        version: 6,
        name: "task_list_order_pair_variants",
        sql: include_str!("../migrations/0006_task_list_order.sql"),
        sqlite_only: include_str!("../migrations/0006_task_list_order.sqlite.sql"),
        postgres_only: include_str!("../migrations/0006_task_list_order.postgres.sql"),
    },
    Migration {
        version: 7,
        name: "lifecycle",
        sql: include_str!("../migrations/0007_lifecycle.sql"),
        sqlite_only: include_str!("../migrations/0007_lifecycle.sqlite.sql"),
        postgres_only: include_str!("../migrations/0007_lifecycle.postgres.sql"),
    },
    Migration {
        version: 8,
        name: "procedures_memos",
        sql: include_str!("../migrations/0008_procedures_memos.sql"),
        sqlite_only: "",
        postgres_only: "",
    },
    Migration {
        version: 9,
        name: "mediation",
        sql: include_str!("../migrations/0009_mediation.sql"),
        sqlite_only: "",
        postgres_only: "",
    },
    Migration {
        version: 10,
        name: "checks",
        sql: include_str!("../migrations/0010_checks.sql"),
        sqlite_only: include_str!("../migrations/0010_checks.sqlite.sql"),
        postgres_only: include_str!("../migrations/0010_checks.postgres.sql"),
    },
    Migration {
        version: 11,
        name: "notifications",
        sql: include_str!("../migrations/0011_notifications.sql"),
        sqlite_only: "",
        postgres_only: "",
    },
    Migration {
        version: 12,
        name: "council",
        sql: include_str!("../migrations/0012_council.sql"),
        sqlite_only: include_str!("../migrations/0012_council.sqlite.sql"),
        postgres_only: include_str!("../migrations/0012_council.postgres.sql"),
    },
    Migration {
        version: 13,
        name: "check_counts",
        sql: include_str!("../migrations/0013_check_counts.sql"),
        sqlite_only: "",
        postgres_only: "",
    },
    Migration {
        version: 14,
        name: "evaluation_rounds",
        sql: include_str!("../migrations/0014_evaluation_rounds.sql"),
        sqlite_only: "",
        postgres_only: "",
    },
    Migration {
        version: 15,
        name: "pay_tables",
        sql: include_str!("../migrations/0015_pay_tables.sql"),
        sqlite_only: "",
        postgres_only: "",
    },
    Migration {
        version: 16,
        name: "reminders_made",
        sql: include_str!("../migrations/0016_reminders_made.sql"),
        sqlite_only: "",
        postgres_only: "",
    },
    Migration {
        version: 17,
        name: "evaluation_scores",
        sql: include_str!("../migrations/0017_evaluation_scores.sql"),
        sqlite_only: "",
        postgres_only: "",
    },
    Migration {
        version: 19,
        name: "evaluation_objections",
        sql: include_str!("../migrations/0019_evaluation_objections.sql"),
        sqlite_only: "",
        postgres_only: "",
    },
];

/// The dialect differences in our schema: how an auto-numbered primary key is spelled, and the
/// statements (triggers) only one dialect can say.
fn dialect_sql(db: &Db, m: &Migration) -> String {
    let (id, only) = match db {
        Db::Sqlite(_) => ("INTEGER PRIMARY KEY", m.sqlite_only),
        Db::Postgres(_) => ("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", m.postgres_only),
    };
    format!("{}\n{}", m.sql.replace("{{id}}", id), only)
}

/// SQL that makes concurrent starters (several instances on one PostgreSQL) wait for each other.
/// SQLite serialises writers on its own.
pub(crate) fn schema_lock_sql(postgres: bool) -> Option<&'static str> {
    postgres.then_some("SELECT pg_advisory_xact_lock(72120240415)")
}

/// The newest schema this binary knows.
fn latest_known() -> i64 {
    MIGRATIONS.iter().map(|m| m.version).max().unwrap_or(0)
}

/// A database a newer binary has migrated may hold what this one would misread or overwrite: it is
/// refused before anything runs.
fn refuse_newer(done: &[i64]) -> Result<()> {
    let binary = latest_known();
    match done.iter().copied().max() {
        Some(database) if database > binary => Err(StoreError::SchemaNewer { database, binary }),
        _ => Ok(()),
    }
}

/// The versions recorded as applied; none on a database no hanteam has opened.
pub(crate) async fn applied(db: &Db) -> Result<Vec<i64>> {
    let found = with_db!(db, |pool| {
        sqlx::query_scalar::<_, i64>("SELECT version FROM schema_migrations").fetch_all(pool).await
    });
    match found {
        Ok(done) => Ok(done),
        // No table yet: nothing applied. Any other failure is the database's.
        Err(sqlx::Error::Database(e)) if e.message().contains("schema_migrations") => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn pending(db: &Db) -> Result<Vec<(i64, &'static str)>> {
    let done = applied(db).await?;
    refuse_newer(&done)?;
    Ok(MIGRATIONS.iter().filter(|m| !done.contains(&m.version)).map(|m| (m.version, m.name)).collect())
}

pub(crate) async fn run(db: &Db) -> Result<Vec<i64>> {
    let lock = schema_lock_sql(matches!(db, Db::Postgres(_)));
    let pending: Vec<(i64, &'static str, String)> =
        MIGRATIONS.iter().map(|m| (m.version, m.name, dialect_sql(db, m))).collect();
    let applied_now = with_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        if let Some(lock) = lock {
            sqlx::query(lock).execute(&mut *tx).await?;
        }
        sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)",
        )
        .execute(&mut *tx)
        .await?;
        let done: Vec<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations").fetch_all(&mut *tx).await?;
        refuse_newer(&done)?;
        let mut applied_now = Vec::new();
        for (version, name, sql) in &pending {
            if done.contains(version) {
                continue;
            }
            sqlx::raw_sql(sql.as_str()).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                .bind(*version)
                .bind(*name)
                .bind(Utc::now())
                .execute(&mut *tx)
                .await?;
            tracing::info!(version, name, "migration applied");
            applied_now.push(*version);
        }
        tx.commit().await?;
        applied_now
    });
    Ok(applied_now)
}
