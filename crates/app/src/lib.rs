//! The use cases of hanteam: one function for each thing a person does, the same for every edge
//! (the HTML pages, the JSON API, the command line and scheduled jobs).
//!
//! A use case takes who is acting ([`Caller`]) and what they typed, and:
//! 1. asks the domain's access rules — this is the only place they are asked;
//! 2. runs as one transaction: load (locked) → domain rule → save → audit → commit;
//! 3. answers with a read model, or a [`UseCaseError`] that each edge turns into its own words
//!    (an HTTP status, a message and an exit code).
//!
//! Areas: [`tasks`] (tasks, their agencies' roles), [`lifecycle`] (a task's moves and history),
//! [`parts`] (KPIs, milestones, procedures), [`proposals`] (과제 발굴: proposing, co-agencies' answers), [`memos`] (기관 간 메모), [`council`] (the review council's meetings, agenda and decisions), [`registry`]
//! (agencies, positions, pairs, exchangees, meetings, the built-in dataset), [`accounts`] (sign-in,
//! sessions, tokens, passwords, user administration), [`audit`] (reading and checking the log),
//! [`export`] (the task list as a CSV or Excel file), [`notify`] (reminders: notifications, their
//! e-mails and the scheduled job),
//! [`what_if`] (a round's result under changed parameters, beside the official one),
//! [`demo`] (the demo accounts), [`synth`] (synthetic data for load tests). A new area gets a module
//! of its own here.

#![forbid(unsafe_code)]

pub mod accounts;
pub mod audit;
pub mod backup;
mod caller;
pub mod checks;
pub mod council;
pub mod demo;
mod error;
pub mod evaluation;
pub mod export;
pub mod follow_ups;
pub mod lifecycle;
pub mod mediation;
pub mod memos;
pub mod notify;
pub mod objections;
pub mod parts;
pub mod pay;
pub mod prizes;
pub mod proposals;
pub mod registry;
pub mod round_export;
mod round_record;
pub mod scoring;
pub mod secrets;
pub mod synth;
pub mod tasks;
pub mod what_if;

pub use caller::{Caller, Credential};
pub use error::UseCaseError;
/// Read models: what the use cases answer with.
pub use hanteam_store::accounts::{Affiliation, ApiTokenView, RoleView, UserView};
/// Read models of the council: the backlog, an agenda item with its meeting.
pub use hanteam_store::council as council_views;
/// Read models of bottlenecks, their mediation and follow-ups.
pub use hanteam_store::mediation as mediation_views;
pub use hanteam_store::notifications::NotificationRecord;
pub use hanteam_store::{audit::AuditRecord, views};
/// The database handle the edges pass to the use cases, and what they need to open one.
pub use hanteam_store::{Db, SeedOutcome, StoreError, DEFAULT_DATABASE_URL};

/// The outcome of a change: the record and its version now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Saved {
    pub id: i64,
    pub version: i64,
}

pub type Result<T, E = UseCaseError> = std::result::Result<T, E>;

/// Whether the database answers (the liveness check of `/healthz`).
pub async fn database_answers(db: &Db) -> Result<()> {
    db.count_users().await?;
    Ok(())
}

/// Whether this instance can take requests, as `/readyz` tells a load balancer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    Ready,
    /// The database lacks migrations this binary has (another instance is migrating it, or it
    /// was restored from an older backup): these versions.
    MigrationsPending(Vec<i64>),
    /// The database does not answer, or holds a schema newer than this binary: the cause.
    DatabaseUnavailable(String),
}

/// Reads the database's schema versions: one small query, so a probe every second costs nothing.
pub async fn readiness(db: &Db) -> Readiness {
    match db.pending_migrations().await {
        Ok(pending) if pending.is_empty() => Readiness::Ready,
        Ok(pending) => Readiness::MigrationsPending(pending.into_iter().map(|(version, _)| version).collect()),
        Err(e) => Readiness::DatabaseUnavailable(e.to_string()),
    }
}
