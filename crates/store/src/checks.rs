//! Periodic checks in the database: cycles, reports with their lines and files, ratings, the
//! carry-over and the kept lights and counts. Who may do what is decided by the use cases on what is
//! loaded here, inside the same transaction.

// Rows are read as tuples of their columns, named where they are destructured.
#![allow(clippy::type_complexity)]

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use hanteam_domain::access::TaskScope;
use hanteam_domain::checks::{
    CarryKind, CarryOver, CycleDraft, ProgressRating, ReportAtClose, ReportDraft, ReportStatus, ACTIVE_STATUSES,
};
use hanteam_domain::{AgencyId, AttachmentId, CheckCycleId, KpiId, MilestoneId, PositionId, ReportId, TaskId};
use serde::Serialize;

use crate::queries::{bind_all, placeholders, scope_condition, Param};
use crate::record::Record;
use crate::tx::{Tx, Value};
use crate::views::{AgencyBrief, Page, TaskLight, TaskSummary};
use crate::{with_db, Db, Result, StoreError};

macro_rules! record {
    ($ty:ident, id: $id:ty, table: $table:literal, audit: $audit:literal, columns: $columns:literal) => {
        impl Record for $ty {
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

/// A check cycle row.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CycleRecord {
    pub id: i64,
    pub name: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub due: NaiveDate,
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i64,
}
record!(CycleRecord, id: CheckCycleId, table: "check_cycles", audit: "check_cycle",
    columns: "id, name, period_start, period_end, due, closed_at, version");

/// A progress report row (its lines are [`ReportLines`]).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ReportRecord {
    pub id: i64,
    pub cycle_id: i64,
    pub task_id: i64,
    pub agency_id: i64,
    pub status: String,
    pub narrative: Option<String>,
    pub citizen_change: Option<String>,
    pub bottlenecks: Option<String>,
    pub return_comment: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub returned_at: Option<DateTime<Utc>>,
    pub version: i64,
}
record!(ReportRecord, id: ReportId, table: "progress_reports", audit: "progress_report",
    columns: "id, cycle_id, task_id, agency_id, status, narrative, citizen_change, bottlenecks, return_comment,
              submitted_at, returned_at, version");

impl ReportRecord {
    pub fn status(&self) -> Result<ReportStatus> {
        self.status.parse().map_err(StoreError::Corrupt)
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct MilestoneLine {
    pub milestone_id: i64,
    pub done_on: Option<NaiveDate>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct KpiLine {
    pub kpi_id: i64,
    pub actual_value: Option<f64>,
}

/// A report as the audit log records it: the row and its lines.
#[derive(Debug, Clone, Serialize)]
pub struct ReportSnapshot {
    #[serde(flatten)]
    pub report: ReportRecord,
    pub milestones: Vec<MilestoneLine>,
    pub kpis: Vec<KpiLine>,
}

/// A file attached to a report (its bytes are read on their own).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AttachmentRecord {
    pub id: i64,
    pub report_id: i64,
    pub file_name: String,
    pub kind: String,
    pub size_bytes: i64,
    pub sha256: String,
}

impl Record for AttachmentRecord {
    type Id = AttachmentId;
    const TABLE: &'static str = "report_attachments";
    const COLUMNS: &'static str = "id, report_id, file_name, kind, size_bytes, sha256";
    const AUDIT_TYPE: &'static str = "report_attachment";

    fn id(&self) -> i64 {
        self.id
    }

    /// Attachments are added and removed, never changed.
    fn version(&self) -> i64 {
        1
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RatingRecord {
    pub id: i64,
    pub cycle_id: i64,
    pub task_id: i64,
    pub rating: String,
    pub reason: String,
    pub suggested: Option<String>,
    pub suggestion: Option<String>,
    pub version: i64,
}

/// The id of a rating row.
#[derive(Debug, Clone, Copy)]
pub struct RatingRowId(pub i64);

impl From<RatingRowId> for i64 {
    fn from(id: RatingRowId) -> i64 {
        id.0
    }
}

record!(RatingRecord, id: RatingRowId, table: "check_ratings", audit: "check_rating",
    columns: "id, cycle_id, task_id, rating, reason, suggested, suggestion, version");

/// What the close of a cycle did.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct CloseCounts {
    pub rated: i64,
    pub unrated: i64,
    pub carried_over: i64,
}

/// The lines of a report.
pub struct ReportLines {
    pub milestones: Vec<MilestoneLine>,
    pub kpis: Vec<KpiLine>,
}

/// Carried items written by one statement: 400 binds, which SQLite binds quickly (see `bulk.rs`).
const CARRIED_PER_STATEMENT: usize = 50;

fn active_list() -> String {
    ACTIVE_STATUSES.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", ")
}

impl Tx {
    /// Opens a cycle: the cycle, one report expected of each participating agency of every active
    /// task, and the items left by closed cycles that no open cycle shows yet. Returns the cycle and
    /// how many reports and carried items it has.
    pub async fn insert_cycle(&mut self, d: &CycleDraft) -> Result<(CheckCycleId, u64, u64)> {
        let columns = [
            ("name", d.name.as_str().into()),
            ("period_start", d.period_start.into()),
            ("period_end", d.period_end.into()),
            ("due", d.due.into()),
        ];
        let id = self.insert_stamped("check_cycles", &columns).await?;
        let at = self.at();
        let sql = format!(
            "INSERT INTO progress_reports (cycle_id, task_id, agency_id, status, created_at, updated_at)
             SELECT $1, r.task_id, r.agency_id, 'not_started', $2, $2
             FROM task_agency_roles r JOIN tasks t ON t.id = r.task_id
             WHERE t.archived_at IS NULL AND t.status IN ({})
             ORDER BY r.task_id, r.agency_id",
            active_list()
        );
        let reports = self.execute(&sql, &[id.into(), at.into()]).await?;
        self.recount_cycle(CheckCycleId::new(id)).await?;
        let carried = self
            .execute("UPDATE check_carryovers SET to_cycle_id = $1 WHERE to_cycle_id IS NULL", &[id.into()])
            .await?;
        Ok((CheckCycleId::new(id), reports, carried))
    }

    /// A task that has just become active is reported on in the cycles open now, as if it had been
    /// active when they opened: one report expected of each of its agencies (those already expected
    /// stay as they are). Returns how many were added.
    pub async fn expect_reports_of(&mut self, task: TaskId) -> Result<u64> {
        let at = self.at();
        let before: Vec<(i64,)> = self
            .fetch_all(
                "SELECT DISTINCT r.cycle_id FROM progress_reports r JOIN check_cycles c ON c.id = r.cycle_id
                 WHERE r.task_id = $1 AND c.closed_at IS NULL",
                &[task.into()],
            )
            .await?;
        let added: Vec<(i64, i64)> = self
            .fetch_all(
                "INSERT INTO progress_reports (cycle_id, task_id, agency_id, status, created_at, updated_at)
                 SELECT c.id, r.task_id, r.agency_id, 'not_started', $2, $2
                 FROM check_cycles c JOIN task_agency_roles r ON r.task_id = $1
                 WHERE c.closed_at IS NULL
                 ON CONFLICT (cycle_id, task_id, agency_id) DO NOTHING
                 RETURNING cycle_id, agency_id",
                &[task.into(), at.into()],
            )
            .await?;
        let mut newly_counted: Vec<i64> = Vec::new();
        for (cycle, agency) in &added {
            self.count_report(*cycle, *agency, None, Some(ReportStatus::NotStarted)).await?;
            if !before.iter().any(|(c,)| c == cycle) && !newly_counted.contains(cycle) {
                newly_counted.push(*cycle);
                self.add_to_cycle_count(*cycle, 0, "tasks", 1);
            }
        }
        Ok(added.len() as u64)
    }

    /// Counts again, from its reports, what [`check_cycle_counts`](crate) keeps of `cycle`: after
    /// reports are made or filled in bulk.
    pub async fn recount_cycle(&mut self, cycle: CheckCycleId) -> Result<()> {
        // What this change counted of the cycle so far is in its reports, counted below.
        self.cycle_counts.retain(|(c, _, _), _| *c != cycle.get());
        self.execute("DELETE FROM check_cycle_counts WHERE cycle_id = $1", &[cycle.into()]).await?;
        for sql in [
            "INSERT INTO check_cycle_counts (cycle_id, agency_id, counted, n)
             SELECT cycle_id, agency_id, CASE status WHEN 'submitted' THEN 'submitted' ELSE 'open' END, COUNT(*) FROM progress_reports
             WHERE cycle_id = $1 GROUP BY cycle_id, agency_id, CASE status WHEN 'submitted' THEN 'submitted' ELSE 'open' END",
            "INSERT INTO check_cycle_counts (cycle_id, agency_id, counted, n)
             SELECT cycle_id, 0, CASE status WHEN 'submitted' THEN 'submitted' ELSE 'open' END, COUNT(*) FROM progress_reports
             WHERE cycle_id = $1 GROUP BY cycle_id, CASE status WHEN 'submitted' THEN 'submitted' ELSE 'open' END",
            "INSERT INTO check_cycle_counts (cycle_id, agency_id, counted, n)
             SELECT cycle_id, 0, 'tasks', COUNT(DISTINCT task_id) FROM progress_reports WHERE cycle_id = $1
             GROUP BY cycle_id",
        ] {
            self.execute(sql, &[cycle.into()]).await?;
        }
        Ok(())
    }

    /// A report of `agency` in `cycle` comes to be (`from` none), or moves from one status to another:
    /// its cycle's counts, of the agency and in all, follow.
    async fn count_report(
        &mut self,
        cycle: i64,
        agency: i64,
        from: Option<ReportStatus>,
        to: Option<ReportStatus>,
    ) -> Result<()> {
        // Kept: open (not started, draft, returned) or submitted.
        let bucket = |s: ReportStatus| if s == ReportStatus::Submitted { "submitted" } else { "open" };
        let (from, to) = (from.map(bucket), to.map(bucket));
        if from == to {
            return Ok(());
        }
        for (counted, delta) in [(from, -1), (to, 1)] {
            let Some(counted) = counted else { continue };
            self.add_to_cycle_count(cycle, agency, counted, delta);
            self.add_to_cycle_count(cycle, 0, counted, delta);
        }
        Ok(())
    }

    /// Counts a change to be written with the others at the commit ([`Tx::commit`]).
    fn add_to_cycle_count(&mut self, cycle: i64, agency: i64, counted: &'static str, delta: i64) {
        *self.cycle_counts.entry((cycle, agency, counted)).or_default() += delta;
    }

    /// Writes the counted changes, in key order (so two writers lock the rows in the same order).
    pub(crate) async fn write_cycle_counts(&mut self) -> Result<()> {
        for ((cycle, agency, counted), delta) in std::mem::take(&mut self.cycle_counts) {
            if delta == 0 {
                continue;
            }
            self.execute(
                "INSERT INTO check_cycle_counts (cycle_id, agency_id, counted, n) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (cycle_id, agency_id, counted) DO UPDATE SET n = check_cycle_counts.n + excluded.n",
                &[cycle.into(), agency.into(), counted.into(), delta.into()],
            )
            .await?;
        }
        Ok(())
    }

    /// A report's cycle, agency and status as they are now (before it is written).
    async fn report_place(&mut self, id: ReportId) -> Result<Option<(i64, i64, ReportStatus)>> {
        let row: Option<(i64, i64, String)> = self
            .fetch_optional("SELECT cycle_id, agency_id, status FROM progress_reports WHERE id = $1", &[id.into()])
            .await?;
        row.map(|(c, a, s)| Ok((c, a, s.parse().map_err(StoreError::Corrupt)?))).transpose()
    }

    /// One report of a cycle, locked.
    pub async fn report_of(
        &mut self,
        cycle: CheckCycleId,
        task: TaskId,
        agency: AgencyId,
    ) -> Result<Option<ReportRecord>> {
        let sql = self.locking(&format!(
            "SELECT {} FROM progress_reports WHERE cycle_id = $1 AND task_id = $2 AND agency_id = $3",
            ReportRecord::COLUMNS
        ));
        self.fetch_optional(&sql, &[cycle.into(), task.into(), agency.into()]).await
    }

    pub async fn report_lines(&mut self, report: ReportId) -> Result<ReportLines> {
        let milestones = self
            .fetch_all(
                "SELECT milestone_id, done_on, reason FROM report_milestones WHERE report_id = $1 ORDER BY milestone_id",
                &[report.into()],
            )
            .await?;
        let kpis = self
            .fetch_all(
                "SELECT kpi_id, actual_value FROM report_kpis WHERE report_id = $1 ORDER BY kpi_id",
                &[report.into()],
            )
            .await?;
        Ok(ReportLines { milestones, kpis })
    }

    pub async fn report_snapshot(&mut self, id: ReportId) -> Result<Option<ReportSnapshot>> {
        let Some(report) = self.load::<ReportRecord>(id).await? else { return Ok(None) };
        let lines = self.report_lines(id).await?;
        Ok(Some(ReportSnapshot { report, milestones: lines.milestones, kpis: lines.kpis }))
    }

    /// The task's milestones and KPIs, as a report is checked against them.
    pub async fn task_parts(
        &mut self,
        task: TaskId,
    ) -> Result<(Vec<(MilestoneId, hanteam_domain::Milestone)>, Vec<(KpiId, hanteam_domain::Kpi)>)> {
        let ms: Vec<(i64, String, Option<NaiveDate>, Option<NaiveDate>, Option<String>)> = self
            .fetch_all(
                "SELECT id, title, due, done_on, note FROM task_milestones WHERE task_id = $1 ORDER BY seq, id",
                &[task.into()],
            )
            .await?;
        let ks: Vec<(i64, String, Option<f64>, Option<f64>, Option<String>, Option<NaiveDate>, Option<String>)> = self
            .fetch_all(
                "SELECT id, name, baseline_value, target_value, unit, due, note FROM task_kpis WHERE task_id = $1 ORDER BY seq, id",
                &[task.into()],
            )
            .await?;
        Ok((
            ms.into_iter()
                .map(|(id, title, due, done_on, note)| {
                    (MilestoneId::new(id), hanteam_domain::Milestone { title, due, done_on, note })
                })
                .collect(),
            ks.into_iter()
                .map(|(id, name, baseline, target, unit, due, note)| {
                    (KpiId::new(id), hanteam_domain::Kpi { name, baseline, target, unit, due, note })
                })
                .collect(),
        ))
    }

    /// Writes a report's content and status (versioned); its lines are replaced.
    pub async fn save_report(
        &mut self,
        id: ReportId,
        version: i64,
        status: ReportStatus,
        d: &ReportDraft,
    ) -> Result<Option<i64>> {
        let mut set = vec![
            ("status", status.as_str().into()),
            ("narrative", (&d.narrative).into()),
            ("citizen_change", (&d.citizen_change).into()),
            ("bottlenecks", (&d.bottlenecks).into()),
        ];
        if status == ReportStatus::Submitted {
            set.push(("submitted_at", self.at().into()));
        }
        let place = self.report_place(id).await?;
        let written = self.update_versioned("progress_reports", id.get(), version, &set).await?;
        if written.is_none() {
            return Ok(None);
        }
        if let Some((cycle, agency, was)) = place {
            self.count_report(cycle, agency, Some(was), Some(status)).await?;
        }
        self.execute("DELETE FROM report_milestones WHERE report_id = $1", &[id.into()]).await?;
        self.execute("DELETE FROM report_kpis WHERE report_id = $1", &[id.into()]).await?;
        for m in &d.milestones {
            self.execute(
                "INSERT INTO report_milestones (report_id, milestone_id, done_on, reason) VALUES ($1, $2, $3, $4)",
                &[id.into(), m.milestone_id.get().into(), m.done_on.into(), (&m.reason).into()],
            )
            .await?;
        }
        for k in &d.kpis {
            self.execute(
                "INSERT INTO report_kpis (report_id, kpi_id, actual_value) VALUES ($1, $2, $3)",
                &[id.into(), k.kpi_id.get().into(), k.actual.into()],
            )
            .await?;
        }
        Ok(written)
    }

    /// Sends a submitted report back with OPC's comment.
    pub async fn return_report(&mut self, id: ReportId, version: i64, comment: &str) -> Result<Option<i64>> {
        let at = self.at();
        let set = [
            ("status", ReportStatus::Returned.as_str().into()),
            ("return_comment", comment.into()),
            ("returned_at", at.into()),
        ];
        let place = self.report_place(id).await?;
        let written = self.update_versioned("progress_reports", id.get(), version, &set).await?;
        if let (Some(_), Some((cycle, agency, was))) = (written, place) {
            self.count_report(cycle, agency, Some(was), Some(ReportStatus::Returned)).await?;
        }
        Ok(written)
    }

    pub async fn attachment_count(&mut self, report: ReportId) -> Result<i64> {
        let (n,): (i64,) = self
            .fetch_optional("SELECT COUNT(*) FROM report_attachments WHERE report_id = $1", &[report.into()])
            .await?
            .unwrap_or((0,));
        Ok(n)
    }

    pub async fn insert_attachment(
        &mut self,
        report: ReportId,
        name: &str,
        kind: &str,
        sha256: &str,
        bytes: &[u8],
    ) -> Result<AttachmentId> {
        let at = self.at();
        let columns = [
            ("report_id", report.into()),
            ("file_name", name.into()),
            ("kind", kind.into()),
            ("size_bytes", (bytes.len() as i64).into()),
            ("sha256", sha256.into()),
            ("content", Value::Bytes(Some(bytes.to_vec()))),
            ("created_at", at.into()),
        ];
        Ok(AttachmentId::new(self.insert("report_attachments", &columns).await?))
    }

    pub async fn remove_attachment(&mut self, id: AttachmentId) -> Result<bool> {
        Ok(self.execute("DELETE FROM report_attachments WHERE id = $1", &[id.into()]).await? == 1)
    }

    /// A task's rating in a cycle, locked.
    pub async fn rating_of(&mut self, cycle: CheckCycleId, task: TaskId) -> Result<Option<RatingRecord>> {
        let sql = self.locking(&format!(
            "SELECT {} FROM check_ratings WHERE cycle_id = $1 AND task_id = $2",
            RatingRecord::COLUMNS
        ));
        self.fetch_optional(&sql, &[cycle.into(), task.into()]).await
    }

    /// Whether the task is asked for reports in the cycle.
    pub async fn task_in_cycle(&mut self, cycle: CheckCycleId, task: TaskId) -> Result<bool> {
        Ok(self
            .fetch_optional::<(i64,)>(
                "SELECT id FROM progress_reports WHERE cycle_id = $1 AND task_id = $2 LIMIT 1",
                &[cycle.into(), task.into()],
            )
            .await?
            .is_some())
    }

    pub async fn insert_rating(
        &mut self,
        cycle: CheckCycleId,
        task: TaskId,
        rating: ProgressRating,
        reason: &str,
        suggested: ProgressRating,
        suggestion: &str,
    ) -> Result<RatingRowId> {
        let columns = [
            ("cycle_id", cycle.into()),
            ("task_id", task.into()),
            ("rating", rating.as_str().into()),
            ("reason", reason.into()),
            ("suggested", suggested.as_str().into()),
            ("suggestion", suggestion.into()),
        ];
        Ok(RatingRowId(self.insert_stamped("check_ratings", &columns).await?))
    }

    pub async fn update_rating(
        &mut self,
        id: RatingRowId,
        version: i64,
        rating: ProgressRating,
        reason: &str,
        suggested: ProgressRating,
        suggestion: &str,
    ) -> Result<Option<i64>> {
        let set = [
            ("rating", rating.as_str().into()),
            ("reason", reason.into()),
            ("suggested", suggested.as_str().into()),
            ("suggestion", suggestion.into()),
        ];
        self.update_versioned("check_ratings", id.0, version, &set).await
    }

    /// Every report of a cycle as the carry-over reads it.
    pub async fn reports_at_close(&mut self, cycle: CheckCycleId) -> Result<Vec<ReportAtClose>> {
        let reports: Vec<(i64, i64, i64, String)> = self
            .fetch_all(
                "SELECT id, task_id, agency_id, status FROM progress_reports WHERE cycle_id = $1 ORDER BY task_id, agency_id",
                &[cycle.into()],
            )
            .await?;
        let lines: Vec<(i64, i64, Option<NaiveDate>, Option<String>)> = self
            .fetch_all(
                "SELECT m.report_id, m.milestone_id, m.done_on, m.reason FROM report_milestones m
                 JOIN progress_reports r ON r.id = m.report_id
                 WHERE r.cycle_id = $1 AND r.status = 'submitted' ORDER BY m.report_id, m.milestone_id",
                &[cycle.into()],
            )
            .await?;
        let mut by_report: HashMap<i64, Vec<(MilestoneId, Option<NaiveDate>, Option<String>)>> = HashMap::new();
        for (r, m, done, reason) in lines {
            by_report.entry(r).or_default().push((MilestoneId::new(m), done, reason));
        }
        reports
            .into_iter()
            .map(|(id, task, agency, status)| {
                Ok(ReportAtClose {
                    task_id: TaskId::new(task),
                    agency_id: AgencyId::new(agency),
                    status: status.parse().map_err(StoreError::Corrupt)?,
                    milestones: by_report.remove(&id).unwrap_or_default(),
                })
            })
            .collect()
    }

    /// Closes a cycle: stores what carries over (for the next open cycle, if one is open already),
    /// makes each rated task's light this cycle's, and keeps the counts of the lights.
    pub async fn close_cycle(
        &mut self,
        cycle: &CycleRecord,
        carried: &[CarryOver],
    ) -> Result<Option<(i64, CloseCounts)>> {
        let id = CheckCycleId::new(cycle.id);
        let at = self.at();
        let Some(version) =
            self.update_versioned("check_cycles", cycle.id, cycle.version, &[("closed_at", at.into())]).await?
        else {
            return Ok(None);
        };
        let next: Option<(i64,)> = self
            .fetch_optional(
                "SELECT id FROM check_cycles WHERE closed_at IS NULL AND id <> $1 ORDER BY period_start, id LIMIT 1",
                &[id.into()],
            )
            .await?;
        let next = next.map(|(n,)| n);
        // Many rows to a statement (a cycle of a hundred thousand tasks carries tens of thousands), in
        // the order given, so their ids follow it.
        for chunk in carried.chunks(CARRIED_PER_STATEMENT) {
            let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 8);
            let mut rows = Vec::with_capacity(chunk.len());
            for c in chunk {
                let n = values.len();
                rows.push(format!(
                    "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                    n + 1,
                    n + 2,
                    n + 3,
                    n + 4,
                    n + 5,
                    n + 6,
                    n + 7,
                    n + 8
                ));
                values.extend([
                    id.into(),
                    next.into(),
                    c.task_id.into(),
                    c.agency_id.into(),
                    c.kind.as_str().into(),
                    c.milestone_id.map(|m| m.get()).into(),
                    (&c.note).into(),
                    at.into(),
                ]);
            }
            let sql = format!(
                "INSERT INTO check_carryovers (from_cycle_id, to_cycle_id, task_id, agency_id, kind, milestone_id, note, created_at)
                 VALUES {}",
                rows.join(", ")
            );
            self.execute(&sql, &values).await?;
        }
        self.execute(
            "INSERT INTO task_lights (task_id, cycle_id, rating, reason, updated_at)
             SELECT task_id, cycle_id, rating, reason, $2 FROM check_ratings WHERE cycle_id = $1
             ON CONFLICT (task_id) DO UPDATE SET cycle_id = excluded.cycle_id, rating = excluded.rating,
                 reason = excluded.reason, updated_at = excluded.updated_at",
            &[id.into(), at.into()],
        )
        .await?;
        self.execute(
            "INSERT INTO check_light_counts (cycle_id, agency_id, rating, n)
             SELECT cycle_id, 0, rating, COUNT(*) FROM check_ratings WHERE cycle_id = $1 GROUP BY cycle_id, rating",
            &[id.into()],
        )
        .await?;
        self.execute(
            "INSERT INTO check_light_counts (cycle_id, agency_id, rating, n)
             SELECT c.cycle_id, r.agency_id, c.rating, COUNT(*) FROM check_ratings c
             JOIN task_agency_roles r ON r.task_id = c.task_id WHERE c.cycle_id = $1
             GROUP BY c.cycle_id, r.agency_id, c.rating",
            &[id.into()],
        )
        .await?;
        let (rated,): (i64,) = self
            .fetch_optional("SELECT COUNT(*) FROM check_ratings WHERE cycle_id = $1", &[id.into()])
            .await?
            .unwrap_or((0,));
        let (tasks,): (i64,) = self
            .fetch_optional("SELECT COUNT(DISTINCT task_id) FROM progress_reports WHERE cycle_id = $1", &[id.into()])
            .await?
            .unwrap_or((0,));
        Ok(Some((version, CloseCounts { rated, unrated: (tasks - rated).max(0), carried_over: carried.len() as i64 })))
    }

    /// The pair positions of a task with their agencies (who may file for which agency).
    pub async fn pair_positions_of(&mut self, task: TaskId) -> Result<Vec<(PositionId, AgencyId)>> {
        let rows: Vec<(i64, i64)> = self
            .fetch_all(
                "SELECT p.id, p.agency_id FROM tasks t JOIN exchange_pairs x ON x.id = t.pair_id
                 JOIN positions p ON p.id IN (x.position_a_id, x.position_b_id) WHERE t.id = $1 ORDER BY p.id",
                &[task.into()],
            )
            .await?;
        Ok(rows.into_iter().map(|(p, a)| (PositionId::new(p), AgencyId::new(a))).collect())
    }
}

// ---------------------------------------------------------------------------------------------
// Read models.

/// A check cycle with how far its reports and ratings are.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CycleSummary {
    pub id: CheckCycleId,
    pub name: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub due: NaiveDate,
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i64,
    /// Reports asked for, and those submitted.
    pub reports: i64,
    pub submitted: i64,
    /// Tasks rated so far.
    pub rated: i64,
}

#[derive(sqlx::FromRow)]
struct CycleRow {
    id: i64,
    name: String,
    period_start: NaiveDate,
    period_end: NaiveDate,
    due: NaiveDate,
    closed_at: Option<DateTime<Utc>>,
    version: i64,
    reports: i64,
    submitted: i64,
    rated: i64,
}

impl From<CycleRow> for CycleSummary {
    fn from(r: CycleRow) -> CycleSummary {
        CycleSummary {
            id: CheckCycleId::new(r.id),
            name: r.name,
            period_start: r.period_start,
            period_end: r.period_end,
            due: r.due,
            closed_at: r.closed_at,
            version: r.version,
            reports: r.reports,
            submitted: r.submitted,
            rated: r.rated,
        }
    }
}

const CYCLE_SELECT: &str = "SELECT c.id, c.name, c.period_start, c.period_end, c.due, c.closed_at, c.version,
    (SELECT CAST(COALESCE(SUM(k.n), 0) AS BIGINT) FROM check_cycle_counts k
        WHERE k.cycle_id = c.id AND k.agency_id = 0 AND k.counted <> 'tasks') AS reports,
    (SELECT CAST(COALESCE(SUM(k.n), 0) AS BIGINT) FROM check_cycle_counts k
        WHERE k.cycle_id = c.id AND k.agency_id = 0 AND k.counted = 'submitted') AS submitted,
    (SELECT COUNT(*) FROM check_ratings g WHERE g.cycle_id = c.id) AS rated
    FROM check_cycles c";

/// One report's place in a cycle: whose, how it stands, and what was carried into it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportStatusRow {
    pub agency: AgencyBrief,
    pub status: ReportStatus,
    pub submitted_at: Option<DateTime<Utc>>,
    /// What earlier cycles left for this agency on this task (이월).
    pub carried_over: Vec<CarryKind>,
}

/// A task of a cycle: its reports by agency and OPC's rating.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CycleTaskRow {
    pub task_id: TaskId,
    pub seq: i64,
    pub title: String,
    pub reports: Vec<ReportStatusRow>,
    pub rating: Option<ProgressRating>,
    pub reason: Option<String>,
}

/// A milestone line of a report, with the milestone it is about.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportMilestoneView {
    pub milestone_id: MilestoneId,
    pub title: String,
    pub due: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
    pub reason: Option<String>,
    /// Not done in an earlier cycle (이월).
    pub carried_over: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportKpiView {
    pub kpi_id: KpiId,
    pub name: String,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub unit: Option<String>,
    pub due: Option<NaiveDate>,
    pub actual: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachmentView {
    pub id: AttachmentId,
    pub file_name: String,
    pub kind: hanteam_domain::checks::AttachmentKind,
    pub size_bytes: i64,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
}

/// One progress report in full.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportView {
    pub id: ReportId,
    pub cycle: CycleSummary,
    pub task_id: TaskId,
    pub task_seq: i64,
    pub task_title: String,
    pub agency: AgencyBrief,
    pub status: ReportStatus,
    pub narrative: Option<String>,
    pub citizen_change: Option<String>,
    pub bottlenecks: Option<String>,
    /// OPC's comments when it returned the report.
    pub return_comment: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub returned_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub milestones: Vec<ReportMilestoneView>,
    pub kpis: Vec<ReportKpiView>,
    pub attachments: Vec<AttachmentView>,
    /// Left by earlier cycles for this agency on this task.
    pub carried_over: Vec<CarryKind>,
}

/// A report that is the reader's to file or mend, or that is overdue.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportDue {
    pub cycle_id: CheckCycleId,
    pub cycle_name: String,
    pub due: NaiveDate,
    pub task_id: TaskId,
    pub task_title: String,
    pub agency: AgencyBrief,
    pub status: ReportStatus,
}

/// How many tasks got each light in a closed cycle.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LightCounts {
    pub cycle_id: CheckCycleId,
    pub cycle_name: String,
    pub on_track: i64,
    pub at_risk: i64,
    pub delayed: i64,
}

/// An open cycle's deadline.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Deadline {
    pub cycle_id: CheckCycleId,
    pub cycle_name: String,
    pub due: NaiveDate,
    /// Reports of the cycle not submitted yet (of the agency, on an agency's page).
    pub open_reports: i64,
}

/// The overdue reports of one agency.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OverdueCount {
    pub agency: AgencyBrief,
    pub count: i64,
}

/// The facts the rating suggestion reads for one task in one cycle.
pub struct SuggestionFacts {
    pub milestones: Vec<hanteam_domain::checks::MilestoneFact>,
    pub kpis: Vec<hanteam_domain::checks::KpiFact>,
}

#[derive(sqlx::FromRow)]
struct ReportRowFull {
    id: i64,
    task_id: i64,
    agency_id: i64,
    short_name: String,
    status: String,
    submitted_at: Option<DateTime<Utc>>,
}

fn rating_opt(r: Option<String>) -> Result<Option<ProgressRating>> {
    r.map(|r| r.parse().map_err(StoreError::Corrupt)).transpose()
}

impl Db {
    pub async fn list_cycles(&self, limit: i64, offset: i64) -> Result<Page<CycleSummary>> {
        let sql = format!("{CYCLE_SELECT} ORDER BY c.period_start DESC, c.id DESC LIMIT $1 OFFSET $2");
        let (total, rows): (i64, Vec<CycleRow>) = with_db!(self, |pool| {
            (
                sqlx::query_scalar("SELECT COUNT(*) FROM check_cycles").fetch_one(pool).await?,
                sqlx::query_as::<_, CycleRow>(&sql).bind(limit).bind(offset).fetch_all(pool).await?,
            )
        });
        Ok(Page { total, items: rows.into_iter().map(CycleSummary::from).collect() })
    }

    pub async fn cycle(&self, id: CheckCycleId) -> Result<Option<CycleSummary>> {
        let sql = format!("{CYCLE_SELECT} WHERE c.id = $1");
        let row: Option<CycleRow> =
            with_db!(self, |pool| sqlx::query_as::<_, CycleRow>(&sql).bind(id.get()).fetch_optional(pool).await?);
        Ok(row.map(CycleSummary::from))
    }

    /// A page of a cycle's tasks that `scope` admits, by task number, with their reports and ratings.
    pub async fn cycle_tasks(
        &self,
        cycle: CheckCycleId,
        scope: &TaskScope,
        limit: i64,
        offset: i64,
    ) -> Result<Page<CycleTaskRow>> {
        let mut params = vec![Param::Int(cycle.get())];
        let visible = scope_condition(scope, &mut params).map_or(String::new(), |c| format!(" AND {c}"));
        // The page walks the tasks in number order and asks each for a report (the first tasks
        // answer at once); the count of all of them is kept.
        let from = format!(
            "FROM tasks t WHERE EXISTS (SELECT 1 FROM progress_reports p WHERE p.cycle_id = $1 AND p.task_id = t.id){visible}"
        );
        let count_sql = if visible.is_empty() {
            "SELECT COALESCE(MAX(n), 0) FROM check_cycle_counts WHERE cycle_id = $1 AND agency_id = 0 AND counted = 'tasks'"
                .to_string()
        } else {
            format!("SELECT COUNT(*) {from}")
        };
        let n = params.len();
        let page_sql = format!("SELECT t.id, t.seq, t.title {from} ORDER BY t.seq LIMIT ${} OFFSET ${}", n + 1, n + 2);
        let (total, tasks): (i64, Vec<(i64, i64, String)>) = with_db!(self, |pool| {
            let total = bind_all!(sqlx::query_scalar(&count_sql), &params).fetch_one(pool).await?;
            let tasks = bind_all!(sqlx::query_as(&page_sql), &params).bind(limit).bind(offset).fetch_all(pool).await?;
            (total, tasks)
        });
        if tasks.is_empty() {
            return Ok(Page { total, items: vec![] });
        }
        let ids: Vec<i64> = tasks.iter().map(|t| t.0).collect();
        let list = placeholders(2, ids.len());
        let reports_sql = format!(
            "SELECT r.id, r.task_id, r.agency_id, a.short_name, r.status, r.submitted_at FROM progress_reports r
             JOIN agencies a ON a.id = r.agency_id WHERE r.cycle_id = $1 AND r.task_id IN ({list}) ORDER BY r.task_id, r.agency_id"
        );
        let ratings_sql =
            format!("SELECT task_id, rating, reason FROM check_ratings WHERE cycle_id = $1 AND task_id IN ({list})");
        let carried_sql = format!(
            "SELECT task_id, agency_id, kind FROM check_carryovers WHERE to_cycle_id = $1 AND task_id IN ({list})"
        );
        let (reports, ratings, carried): (Vec<ReportRowFull>, Vec<(i64, String, String)>, Vec<(i64, i64, String)>) =
            with_db!(self, |pool| {
                let mut q1 = sqlx::query_as::<_, ReportRowFull>(&reports_sql).bind(cycle.get());
                let mut q2 = sqlx::query_as(&ratings_sql).bind(cycle.get());
                let mut q3 = sqlx::query_as(&carried_sql).bind(cycle.get());
                for id in &ids {
                    q1 = q1.bind(*id);
                    q2 = q2.bind(*id);
                    q3 = q3.bind(*id);
                }
                (q1.fetch_all(pool).await?, q2.fetch_all(pool).await?, q3.fetch_all(pool).await?)
            });
        let ratings: HashMap<i64, (String, String)> = ratings.into_iter().map(|(t, r, why)| (t, (r, why))).collect();
        let mut items = Vec::new();
        for (id, seq, title) in tasks {
            let mut rows = Vec::new();
            for r in reports.iter().filter(|r| r.task_id == id) {
                let _ = r.id;
                rows.push(ReportStatusRow {
                    agency: AgencyBrief { id: AgencyId::new(r.agency_id), short_name: r.short_name.clone() },
                    status: r.status.parse().map_err(StoreError::Corrupt)?,
                    submitted_at: r.submitted_at,
                    carried_over: carried
                        .iter()
                        .filter(|(t, a, _)| *t == id && *a == r.agency_id)
                        .filter_map(|(_, _, k)| k.parse().ok())
                        .collect(),
                });
            }
            let (rating, reason) = match ratings.get(&id) {
                Some((r, why)) => (rating_opt(Some(r.clone()))?, Some(why.clone())),
                None => (None, None),
            };
            items.push(CycleTaskRow { task_id: TaskId::new(id), seq, title, reports: rows, rating, reason });
        }
        Ok(Page { total, items })
    }

    /// One report in full.
    pub async fn report(&self, cycle: CheckCycleId, task: TaskId, agency: AgencyId) -> Result<Option<ReportView>> {
        let Some(c) = self.cycle(cycle).await? else { return Ok(None) };
        let sql = format!(
            "SELECT {} FROM progress_reports WHERE cycle_id = $1 AND task_id = $2 AND agency_id = $3",
            ReportRecord::COLUMNS
        );
        let found: Option<ReportRecord> = with_db!(self, |pool| {
            sqlx::query_as::<_, ReportRecord>(&sql)
                .bind(cycle.get())
                .bind(task.get())
                .bind(agency.get())
                .fetch_optional(pool)
                .await?
        });
        let Some(r) = found else { return Ok(None) };
        type Ms = (i64, String, Option<NaiveDate>, Option<NaiveDate>, Option<String>);
        type Ks = (i64, String, Option<f64>, Option<f64>, Option<String>, Option<NaiveDate>, Option<f64>);
        type Att = (i64, String, String, i64, String, DateTime<Utc>);
        let (task_row, short_name, ms, ks, atts, carried): (
            (i64, String),
            String,
            Vec<Ms>,
            Vec<Ks>,
            Vec<Att>,
            Vec<(String, Option<i64>)>,
        ) = with_db!(self, |pool| {
            (
                sqlx::query_as("SELECT seq, title FROM tasks WHERE id = $1").bind(task.get()).fetch_one(pool).await?,
                sqlx::query_scalar("SELECT short_name FROM agencies WHERE id = $1")
                    .bind(agency.get())
                    .fetch_one(pool)
                    .await?,
                sqlx::query_as(
                    "SELECT m.id, m.title, m.due, l.done_on, l.reason FROM task_milestones m
                     LEFT JOIN report_milestones l ON l.milestone_id = m.id AND l.report_id = $2
                     WHERE m.task_id = $1 ORDER BY m.seq, m.id",
                )
                .bind(task.get())
                .bind(r.id)
                .fetch_all(pool)
                .await?,
                sqlx::query_as(
                    "SELECT k.id, k.name, k.baseline_value, k.target_value, k.unit, k.due, l.actual_value FROM task_kpis k
                     LEFT JOIN report_kpis l ON l.kpi_id = k.id AND l.report_id = $2
                     WHERE k.task_id = $1 ORDER BY k.seq, k.id",
                )
                .bind(task.get())
                .bind(r.id)
                .fetch_all(pool)
                .await?,
                sqlx::query_as(
                    "SELECT id, file_name, kind, size_bytes, sha256, created_at FROM report_attachments
                     WHERE report_id = $1 ORDER BY id",
                )
                .bind(r.id)
                .fetch_all(pool)
                .await?,
                sqlx::query_as(
                    "SELECT kind, milestone_id FROM check_carryovers WHERE to_cycle_id = $1 AND task_id = $2 AND agency_id = $3",
                )
                .bind(cycle.get())
                .bind(task.get())
                .bind(agency.get())
                .fetch_all(pool)
                .await?,
            )
        });
        let carried_milestones: Vec<i64> = carried.iter().filter_map(|(_, m)| *m).collect();
        let mut kinds: Vec<CarryKind> = carried.iter().filter_map(|(k, _)| k.parse().ok()).collect();
        kinds.dedup();
        Ok(Some(ReportView {
            id: ReportId::new(r.id),
            cycle: c,
            task_id: task,
            task_seq: task_row.0,
            task_title: task_row.1,
            agency: AgencyBrief { id: agency, short_name },
            status: r.status()?,
            narrative: r.narrative,
            citizen_change: r.citizen_change,
            bottlenecks: r.bottlenecks,
            return_comment: r.return_comment,
            submitted_at: r.submitted_at,
            returned_at: r.returned_at,
            version: r.version,
            milestones: ms
                .into_iter()
                .map(|(id, title, due, done_on, reason)| ReportMilestoneView {
                    milestone_id: MilestoneId::new(id),
                    title,
                    due,
                    done_on,
                    reason,
                    carried_over: carried_milestones.contains(&id),
                })
                .collect(),
            kpis: ks
                .into_iter()
                .map(|(id, name, baseline, target, unit, due, actual)| ReportKpiView {
                    kpi_id: KpiId::new(id),
                    name,
                    baseline,
                    target,
                    unit,
                    due,
                    actual,
                })
                .collect(),
            attachments: atts
                .into_iter()
                .map(|(id, file_name, kind, size_bytes, sha256, created_at)| {
                    Ok(AttachmentView {
                        id: AttachmentId::new(id),
                        file_name,
                        kind: kind.parse().map_err(StoreError::Corrupt)?,
                        size_bytes,
                        sha256,
                        created_at,
                    })
                })
                .collect::<Result<_>>()?,
            carried_over: kinds,
        }))
    }

    /// An attached file: its record, the report it belongs to (cycle, task, agency, status) and its bytes.
    pub async fn attachment(
        &self,
        id: AttachmentId,
    ) -> Result<Option<(AttachmentRecord, (i64, i64, i64, String), Vec<u8>)>> {
        let row: Option<(i64, i64, String, String, i64, String, i64, i64, i64, String, Vec<u8>)> = with_db!(
            self,
            |pool| {
                sqlx::query_as(
                "SELECT f.id, f.report_id, f.file_name, f.kind, f.size_bytes, f.sha256, r.cycle_id, r.task_id, r.agency_id,
                        r.status, f.content
                 FROM report_attachments f JOIN progress_reports r ON r.id = f.report_id WHERE f.id = $1",
            )
            .bind(id.get())
            .fetch_optional(pool)
            .await?
            }
        );
        Ok(row.map(|(id, report_id, file_name, kind, size_bytes, sha256, c, t, a, status, bytes)| {
            (AttachmentRecord { id, report_id, file_name, kind, size_bytes, sha256 }, (c, t, a, status), bytes)
        }))
    }

    /// The facts the rating suggestion reads: the task's milestones with the latest done date any
    /// submitted report of the cycle gives, and its KPIs with the latest actual value reported.
    pub async fn suggestion_facts(&self, cycle: CheckCycleId, task: TaskId) -> Result<SuggestionFacts> {
        let (ms, ks): (
            Vec<(String, Option<NaiveDate>, Option<NaiveDate>, Option<NaiveDate>)>,
            Vec<(String, Option<f64>, Option<f64>, Option<String>, Option<NaiveDate>, Option<f64>)>,
        ) = with_db!(self, |pool| {
            (
                sqlx::query_as(
                    "SELECT m.title, m.due, m.done_on,
                        (SELECT MAX(l.done_on) FROM report_milestones l JOIN progress_reports r ON r.id = l.report_id
                         WHERE l.milestone_id = m.id AND r.cycle_id = $2 AND r.status = 'submitted')
                     FROM task_milestones m WHERE m.task_id = $1 ORDER BY m.seq, m.id",
                )
                .bind(task.get())
                .bind(cycle.get())
                .fetch_all(pool)
                .await?,
                sqlx::query_as(
                    "SELECT k.name, k.baseline_value, k.target_value, k.unit, k.due,
                        (SELECT l.actual_value FROM report_kpis l JOIN progress_reports r ON r.id = l.report_id
                         WHERE l.kpi_id = k.id AND r.cycle_id = $2 AND r.status = 'submitted' AND l.actual_value IS NOT NULL
                         ORDER BY r.submitted_at DESC LIMIT 1)
                     FROM task_kpis k WHERE k.task_id = $1 ORDER BY k.seq, k.id",
                )
                .bind(task.get())
                .bind(cycle.get())
                .fetch_all(pool)
                .await?,
            )
        });
        Ok(SuggestionFacts {
            milestones: ms
                .into_iter()
                .map(|(title, due, done, reported)| hanteam_domain::checks::MilestoneFact {
                    title,
                    due,
                    done_on: done.or(reported),
                })
                .collect(),
            kpis: ks
                .into_iter()
                .map(|(name, baseline, target, unit, due, actual)| hanteam_domain::checks::KpiFact {
                    name,
                    baseline,
                    target,
                    unit,
                    due,
                    actual,
                })
                .collect(),
        })
    }

    /// The pair positions of a task with their agencies.
    pub async fn pair_positions_of(&self, task: TaskId) -> Result<Vec<(PositionId, AgencyId)>> {
        let rows: Vec<(i64, i64)> = with_db!(self, |pool| {
            sqlx::query_as(
                "SELECT p.id, p.agency_id FROM tasks t JOIN exchange_pairs x ON x.id = t.pair_id
                 JOIN positions p ON p.id IN (x.position_a_id, x.position_b_id) WHERE t.id = $1 ORDER BY p.id",
            )
            .bind(task.get())
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(|(p, a)| (PositionId::new(p), AgencyId::new(a))).collect())
    }

    /// The lights of these tasks (by the task list and a task's page), set on each summary.
    pub async fn with_lights(&self, tasks: &mut [TaskSummary]) -> Result<()> {
        if tasks.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "SELECT l.task_id, l.rating, l.reason, l.cycle_id, c.name FROM task_lights l JOIN check_cycles c ON c.id = l.cycle_id
             WHERE l.task_id IN ({})",
            placeholders(1, tasks.len())
        );
        let rows: Vec<(i64, String, String, i64, String)> = with_db!(self, |pool| {
            let mut q = sqlx::query_as(&sql);
            for t in tasks.iter() {
                q = q.bind(t.id.get());
            }
            q.fetch_all(pool).await?
        });
        let mut by_task: HashMap<i64, TaskLight> = HashMap::new();
        for (task, rating, reason, cycle_id, cycle_name) in rows {
            let rating = rating.parse().map_err(StoreError::Corrupt)?;
            by_task.insert(task, TaskLight { rating, reason, cycle_id: CheckCycleId::new(cycle_id), cycle_name });
        }
        for t in tasks.iter_mut() {
            t.light = by_task.remove(&t.id.get());
        }
        Ok(())
    }

    /// The light counts of the latest closed cycle, in all (`agency` none) or of one agency's tasks.
    pub async fn latest_light_counts(&self, agency: Option<AgencyId>) -> Result<Option<LightCounts>> {
        let latest: Option<(i64, String)> = with_db!(self, |pool| {
            sqlx::query_as(
                "SELECT id, name FROM check_cycles WHERE closed_at IS NOT NULL ORDER BY closed_at DESC, id DESC LIMIT 1",
            )
            .fetch_optional(pool)
            .await?
        });
        let Some((cycle_id, cycle_name)) = latest else { return Ok(None) };
        let rows: Vec<(String, i64)> = with_db!(self, |pool| {
            sqlx::query_as("SELECT rating, n FROM check_light_counts WHERE cycle_id = $1 AND agency_id = $2")
                .bind(cycle_id)
                .bind(agency.map_or(0, |a| a.get()))
                .fetch_all(pool)
                .await?
        });
        let mut counts =
            LightCounts { cycle_id: CheckCycleId::new(cycle_id), cycle_name, on_track: 0, at_risk: 0, delayed: 0 };
        for (rating, n) in rows {
            match rating.parse::<ProgressRating>().map_err(StoreError::Corrupt)? {
                ProgressRating::OnTrack => counts.on_track = n,
                ProgressRating::AtRisk => counts.at_risk = n,
                ProgressRating::Delayed => counts.delayed = n,
            }
        }
        Ok(Some(counts))
    }

    /// The open cycles' deadlines, soonest first; with an agency, its reports still open in each.
    pub async fn deadlines(&self, agency: Option<AgencyId>, limit: i64) -> Result<Vec<Deadline>> {
        let rows: Vec<(i64, String, NaiveDate, i64)> = with_db!(self, |pool| {
            // Agency 0 keeps the counts of all agencies.
            sqlx::query_as(
                "SELECT c.id, c.name, c.due,
                    (SELECT CAST(COALESCE(SUM(k.n), 0) AS BIGINT) FROM check_cycle_counts k
                     WHERE k.cycle_id = c.id AND k.agency_id = $2 AND k.counted = 'open')
                 FROM check_cycles c WHERE c.closed_at IS NULL ORDER BY c.due, c.id LIMIT $1",
            )
            .bind(limit)
            .bind(agency.map_or(0, |a| a.get()))
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, name, due, open)| Deadline {
                cycle_id: CheckCycleId::new(id),
                cycle_name: name,
                due,
                open_reports: open,
            })
            .collect())
    }

    /// Overdue reports (open cycles past their due date, not submitted) counted per agency.
    pub async fn overdue_by_agency(&self, today: NaiveDate) -> Result<Vec<OverdueCount>> {
        let rows: Vec<(i64, String, i64)> = with_db!(self, |pool| {
            sqlx::query_as(
                "SELECT a.id, a.short_name, CAST(SUM(k.n) AS BIGINT) AS n FROM check_cycles c
                 JOIN check_cycle_counts k ON k.cycle_id = c.id AND k.agency_id <> 0
                     AND k.counted = 'open'
                 JOIN agencies a ON a.id = k.agency_id
                 WHERE c.closed_at IS NULL AND c.due < $1 GROUP BY a.id, a.short_name
                 HAVING SUM(k.n) > 0 ORDER BY n DESC, a.short_name",
            )
            .bind(today)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, short_name, count)| OverdueCount {
                agency: AgencyBrief { id: AgencyId::new(id), short_name },
                count,
            })
            .collect())
    }

    /// Reports not submitted in open cycles: of these agencies (any task), or of the agency of these
    /// exchange positions on their pair's tasks; overdue ones only when `overdue_on` is given.
    pub async fn open_reports(
        &self,
        agencies: &[AgencyId],
        positions: &[PositionId],
        overdue_on: Option<NaiveDate>,
        limit: i64,
    ) -> Result<Page<ReportDue>> {
        if agencies.is_empty() && positions.is_empty() {
            return Ok(Page { items: vec![], total: 0 });
        }
        let mut params: Vec<Param> = Vec::new();
        let mut who = Vec::new();
        if !agencies.is_empty() {
            let first = params.len() + 1;
            params.extend(agencies.iter().map(|a| Param::Int(a.get())));
            who.push(format!("r.agency_id IN ({})", placeholders(first, agencies.len())));
        }
        if !positions.is_empty() {
            let first = params.len() + 1;
            params.extend(positions.iter().map(|p| Param::Int(p.get())));
            who.push(format!(
                "EXISTS (SELECT 1 FROM exchange_pairs x JOIN positions p ON p.id IN (x.position_a_id, x.position_b_id)
                   WHERE x.id = t.pair_id AND p.agency_id = r.agency_id AND p.id IN ({}))",
                placeholders(first, positions.len())
            ));
        }
        let mut condition = format!(
            "c.closed_at IS NULL AND r.status IN ('not_started', 'draft', 'returned') AND ({})",
            who.join(" OR ")
        );
        let mut due = String::new();
        if let Some(day) = overdue_on {
            params.push(Param::Date(day));
            due = format!(" AND c.due < ${}", params.len());
            condition.push_str(&due);
        }
        let from = format!(
            "FROM progress_reports r JOIN check_cycles c ON c.id = r.cycle_id JOIN tasks t ON t.id = r.task_id
             JOIN agencies a ON a.id = r.agency_id WHERE {condition}"
        );
        // An agency's open reports are counted as they change; an exchangee's (its pair's tasks) are not.
        let count_sql = if positions.is_empty() {
            format!(
                "SELECT CAST(COALESCE(SUM(k.n), 0) AS BIGINT) FROM check_cycle_counts k JOIN check_cycles c ON c.id = k.cycle_id
                 WHERE c.closed_at IS NULL AND k.counted = 'open'
                   AND k.agency_id IN ({}){due}",
                placeholders(1, agencies.len())
            )
        } else {
            format!("SELECT COUNT(*) {from}")
        };
        // The page is picked from the reports' (agency, cycle, status, task) index alone, returned
        // ones first, then by due date and task number (id order is annex order); only its rows
        // are joined to their tasks and agencies. An exchangee's condition asks the task's pair.
        let pick_from = if positions.is_empty() {
            format!("FROM progress_reports r JOIN check_cycles c ON c.id = r.cycle_id WHERE {condition}")
        } else {
            format!(
                "FROM progress_reports r JOIN check_cycles c ON c.id = r.cycle_id JOIN tasks t ON t.id = r.task_id
                 WHERE {condition}"
            )
        };
        let page_sql = format!(
            "SELECT c.id, c.name, c.due, t.id, t.title, a.id, a.short_name, r.status
             FROM (SELECT r.id, CASE r.status WHEN 'returned' THEN 0 ELSE 1 END AS first {pick_from}
                   ORDER BY first, c.due, r.task_id, r.agency_id LIMIT ${}) p
             JOIN progress_reports r ON r.id = p.id JOIN check_cycles c ON c.id = r.cycle_id
             JOIN tasks t ON t.id = r.task_id JOIN agencies a ON a.id = r.agency_id
             ORDER BY p.first, c.due, r.task_id, r.agency_id",
            params.len() + 1
        );
        type Row = (i64, String, NaiveDate, i64, String, i64, String, String);
        let (total, rows): (i64, Vec<Row>) = with_db!(self, |pool| {
            (
                bind_all!(sqlx::query_scalar(&count_sql), &params).fetch_one(pool).await?,
                bind_all!(sqlx::query_as(&page_sql), &params).bind(limit).fetch_all(pool).await?,
            )
        });
        let items = rows
            .into_iter()
            .map(|(c, name, due, t, title, a, short_name, status)| {
                Ok(ReportDue {
                    cycle_id: CheckCycleId::new(c),
                    cycle_name: name,
                    due,
                    task_id: TaskId::new(t),
                    task_title: title,
                    agency: AgencyBrief { id: AgencyId::new(a), short_name },
                    status: status.parse().map_err(StoreError::Corrupt)?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Page { items, total })
    }

    /// A task's ratings in closed cycles, newest first (the task page's history of lights).
    pub async fn task_light_history(&self, task: TaskId, limit: i64) -> Result<Vec<(String, ProgressRating, String)>> {
        let rows: Vec<(String, String, String)> = with_db!(self, |pool| {
            sqlx::query_as(
                "SELECT c.name, g.rating, g.reason FROM check_ratings g JOIN check_cycles c ON c.id = g.cycle_id
                 WHERE g.task_id = $1 AND c.closed_at IS NOT NULL ORDER BY c.closed_at DESC LIMIT $2",
            )
            .bind(task.get())
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(name, rating, reason)| Ok((name, rating.parse().map_err(StoreError::Corrupt)?, reason)))
            .collect()
    }
}
