//! Bulk writes for the synthetic-data generator (`hanteam synth`) and for the few use cases that write
//! a row per task at once (a round's result): plain rows in, multi-row
//! `INSERT … VALUES (…), (…)` out, chunked under both databases' bind limits. The caller assigns the
//! ids (the next one is [`Tx::next_id`]), so child rows name their parents without a round trip per
//! row; on PostgreSQL the identity sequences are then moved past them.
//!
//! And the same tables read back in a fixed order, each value formatted here rather than by the
//! database, so that a checksum over them is the same on SQLite and PostgreSQL for the same data.

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sqlx::Row;

use crate::tx::{Tx, Value};
use crate::{with_db, Db, Result};

/// Bind parameters in one statement, by dialect; both far under the limits (SQLite 32766,
/// PostgreSQL 65535). SQLite takes `$N` for a named parameter and finds each by name in a list, one
/// entry after another, so binding a statement of n parameters takes n² steps: 32,000 of them take
/// about two seconds, a few hundred next to nothing. PostgreSQL binds by position: there fewer,
/// larger statements save round trips.
fn binds_per_statement(postgres: bool) -> usize {
    if postgres {
        32_000
    } else {
        400
    }
}

/// A row that [`Tx::insert_rows`] writes: the table, its columns, and the values in that order.
pub trait BulkRow {
    const TABLE: &'static str;
    const COLUMNS: &'static [&'static str];
    fn into_values(self, out: &mut Vec<Value>);
}

/// Declares plain row structs whose field names are their table's column names.
macro_rules! bulk_rows {
    ($( $(#[$doc:meta])* $name:ident => $table:literal { $($field:ident: $ty:ty),* $(,)? } )*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name { $(pub $field: $ty),* }

        impl BulkRow for $name {
            const TABLE: &'static str = $table;
            const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),*];
            fn into_values(self, out: &mut Vec<Value>) {
                $(out.push(Value::from(self.$field));)*
            }
        }
    )*};
}

bulk_rows! {
    AgencyRow => "agencies" {
        id: i64, short_name: String, name: String, name_en: Option<String>,
        created_at: DateTime<Utc>, updated_at: DateTime<Utc>,
    }
    PositionRow => "positions" {
        id: i64, agency_id: i64, title: String, level: &'static str,
        created_at: DateTime<Utc>, updated_at: DateTime<Utc>,
    }
    ExchangeeRow => "exchangees" {
        id: i64, position_id: i64, name: Option<String>, expertise: Option<String>,
        created_at: DateTime<Utc>, updated_at: DateTime<Utc>,
    }
    PairRow => "exchange_pairs" {
        id: i64, seq: i64, theme: String, position_a_id: i64, position_b_id: i64,
        created_at: DateTime<Utc>, updated_at: DateTime<Utc>,
    }
    TaskRow => "tasks" {
        id: i64, seq: i64, pair_id: Option<i64>, title: String, task_type: Option<&'static str>,
        source: &'static str, status: &'static str, description: Option<String>, lead_agency_id: Option<i64>,
        created_at: DateTime<Utc>, updated_at: DateTime<Utc>,
    }
    AgencyRoleRow => "task_agency_roles" {
        id: i64, task_id: i64, agency_id: i64, role: Option<String>,
        created_at: DateTime<Utc>, updated_at: DateTime<Utc>,
    }
    KpiRow => "task_kpis" {
        id: i64, task_id: i64, seq: i64, name: String, baseline_value: Option<f64>, target_value: Option<f64>,
        unit: Option<&'static str>, due: Option<NaiveDate>, note: Option<String>,
        created_at: DateTime<Utc>, updated_at: DateTime<Utc>,
    }
    MilestoneRow => "task_milestones" {
        id: i64, task_id: i64, seq: i64, title: String, due: Option<NaiveDate>, done_on: Option<NaiveDate>,
        note: Option<String>, created_at: DateTime<Utc>, updated_at: DateTime<Utc>,
    }
    MeetingRow => "council_meetings" {
        id: i64, council: String, seq: i64, title: String, held_at: DateTime<Utc>, place: Option<String>,
        chair: Option<String>, purpose: Option<String>, remarks: Option<String>,
        created_at: DateTime<Utc>, updated_at: DateTime<Utc>,
    }
    AgendaItemRow => "meeting_agenda_items" {
        id: i64, meeting_id: i64, seq: i64, title: String,
        created_at: DateTime<Utc>, updated_at: DateTime<Utc>,
    }
    DecisionRow => "meeting_decisions" {
        id: i64, agenda_item_id: i64, seq: i64, text: String,
        created_at: DateTime<Utc>, updated_at: DateTime<Utc>,
    }
    MeetingTaskRow => "meeting_tasks" {
        agenda_item_id: i64, task_id: i64, outcome: &'static str,
    }
    UserRow => "users" {
        id: i64, login: String, display_name: String, password_hash: String, must_change_password: bool,
        is_private_expert: bool, created_at: DateTime<Utc>, updated_at: DateTime<Utc>,
    }
    UserRoleRow => "user_roles" {
        id: i64, user_id: i64, role: &'static str, agency_id: Option<i64>, position_id: Option<i64>,
        created_at: DateTime<Utc>,
    }
    AffiliationRow => "evaluator_affiliations" {
        id: i64, user_id: i64, organization: String, title: Option<String>, from_date: Option<NaiveDate>,
        to_date: Option<NaiveDate>, created_at: DateTime<Utc>, updated_at: DateTime<Utc>,
    }
    AssignmentRow => "evaluator_assignments" {
        user_id: i64, task_id: i64, created_at: DateTime<Utc>,
    }
    /// An evaluation round (평가 회차) written whole, at the stage it has reached.
    RoundRow => "evaluation_rounds" {
        id: i64, name: String, stage: &'static str, setup_on: NaiveDate, assignment_on: NaiveDate,
        scoring_on: NaiveDate, review_on: NaiveDate, objections_on: NaiveDate, final_on: NaiveDate,
        published_on: NaiveDate, params_json: String, task_count: i64,
        created_at: DateTime<Utc>, updated_at: DateTime<Utc>, version: i64,
    }
    RoundTaskRow => "evaluation_round_tasks" {
        round_id: i64, task_id: i64,
    }
    PanelSeatRow => "evaluation_panel_members" {
        id: i64, round_id: i64, task_id: i64, evaluator_id: i64, is_private_expert: bool, created_at: DateTime<Utc>,
    }
    PledgeRow => "evaluation_pledges" {
        id: i64, round_id: i64, evaluator_id: i64, pledge_version: &'static str, signed_at: DateTime<Utc>,
    }
    SheetRow => "evaluation_score_sheets" {
        id: i64, round_id: i64, task_id: i64, evaluator_id: i64, scores_json: String, comment: Option<String>,
        status: &'static str, submitted_at: Option<DateTime<Utc>>,
        created_at: DateTime<Utc>, updated_at: DateTime<Utc>, version: i64,
    }
    /// A task's line of a round's computed result (closing scoring writes them, not only synth).
    EvaluationResultRow => "evaluation_results" {
        round_id: i64, task_id: i64, position: i64, score: f64, grade: String, grade_index: i64,
        excellent: bool, n_scores: i64, spread: f64, min_total: f64, max_total: f64,
        dropped_low: Option<f64>, dropped_high: Option<f64>, disagreement: bool,
    }
    /// OPC's light for a task in a check cycle.
    RatingRow => "check_ratings" {
        id: i64, cycle_id: i64, task_id: i64, rating: &'static str, reason: String, suggested: Option<&'static str>,
        suggestion: Option<String>, created_at: DateTime<Utc>, updated_at: DateTime<Utc>,
    }
    BottleneckRow => "bottlenecks" {
        id: i64, task_id: i64, category: &'static str, description: String, status: &'static str,
        raised_by_agency_id: Option<i64>, raised_at: DateTime<Utc>, mediation_opened_at: Option<DateTime<Utc>>,
        closed_at: Option<DateTime<Utc>>, resolution_reason: Option<String>, outcome: Option<&'static str>,
        outcome_note: Option<String>, created_at: DateTime<Utc>, updated_at: DateTime<Utc>,
    }
    BottleneckAgencyRow => "bottleneck_agencies" {
        id: i64, bottleneck_id: i64, agency_id: i64, stance: Option<String>, stated_at: Option<DateTime<Utc>>,
        created_at: DateTime<Utc>, updated_at: DateTime<Utc>,
    }
    MediationMeetingRow => "mediation_meetings" {
        id: i64, bottleneck_id: i64, held_at: DateTime<Utc>, venue: Option<String>, attendees: Option<String>,
        council_meeting_id: Option<i64>, created_at: DateTime<Utc>, updated_at: DateTime<Utc>,
    }
    FollowUpRow => "follow_ups" {
        id: i64, task_id: i64, source_kind: &'static str, source_id: i64, title: String, owner_agency_id: i64,
        owner_user_id: Option<i64>, due: NaiveDate, done_on: Option<NaiveDate>, done_note: Option<String>,
        created_at: DateTime<Utc>, updated_at: DateTime<Utc>,
    }
}

/// What generated progress reports say, and when they were filed ([`Tx::fill_reports`]).
#[derive(Debug, Clone, Default)]
pub struct ReportFill<'a> {
    pub status: &'a str,
    /// Taken in turn by report id; none leaves the narrative empty.
    pub narratives: &'a [&'a str],
    pub citizen_change: Option<&'a str>,
    /// Submission times, taken in turn by report id; none leaves it empty.
    pub submitted_at: &'a [DateTime<Utc>],
    pub return_comment: Option<&'a str>,
    pub returned_at: Option<DateTime<Utc>>,
    /// The version the report reaches (each save, submission and return is one).
    pub version: i64,
}

/// `INSERT INTO table (columns) VALUES ($1, …), (…)` for `rows` rows.
fn insert_sql(table: &str, columns: &[&str], rows: usize) -> String {
    let n = columns.len();
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..n {
            if c > 0 {
                sql.push_str(", ");
            }
            let _ = write!(sql, "${}", r * n + c + 1);
        }
        sql.push(')');
    }
    sql
}

/// Explicit ids bypass PostgreSQL's identity sequence, which would then hand them out again: the
/// statement that moves it past the largest id. SQLite numbers after the largest id on its own.
fn advance_ids_sql(postgres: bool, table: &str) -> Option<String> {
    postgres.then(|| format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"))
}

/// What a database holds before the generator runs, to tell the built-in dataset from anything else.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contents {
    pub agencies: i64,
    pub positions: i64,
    pub pairs: i64,
    pub tasks: i64,
    pub meetings: i64,
    /// Accounts other than those named in the call (the ones `serve` creates).
    pub other_accounts: i64,
    /// Accounts whose login starts with the synthetic prefix.
    pub synthetic_accounts: i64,
    /// Names of the built-in datasets loaded.
    pub datasets: Vec<String>,
}

impl Db {
    /// Counts what the registry holds; `serve_logins` are left out of `other_accounts`, and logins
    /// starting with `synthetic_prefix` are counted apart.
    pub async fn contents(&self, serve_logins: &[&str], synthetic_prefix: &str) -> Result<Contents> {
        let count = |table: &str| format!("(SELECT COUNT(*) FROM {table})");
        let marks: Vec<String> = (2..serve_logins.len() + 2).map(|i| format!("${i}")).collect();
        let not_serve =
            if marks.is_empty() { String::new() } else { format!(" AND login NOT IN ({})", marks.join(", ")) };
        let sql = format!(
            "SELECT {}, {}, {}, {}, {},
                (SELECT COUNT(*) FROM users WHERE login NOT LIKE $1{not_serve}),
                (SELECT COUNT(*) FROM users WHERE login LIKE $1)",
            count("agencies"),
            count("positions"),
            count("exchange_pairs"),
            count("tasks"),
            count("council_meetings"),
        );
        // The prefix is ours (letters and a dot): no LIKE wildcard to escape.
        let pattern = format!("{synthetic_prefix}%");
        type Counts = (i64, i64, i64, i64, i64, i64, i64);
        let (counts, datasets): (Counts, Vec<String>) = with_db!(self, |pool| {
            let mut q = sqlx::query_as::<_, Counts>(&sql).bind(&pattern);
            for login in serve_logins {
                q = q.bind(*login);
            }
            let counts = q.fetch_one(pool).await?;
            let datasets = sqlx::query_scalar("SELECT name FROM dataset_loads ORDER BY name").fetch_all(pool).await?;
            (counts, datasets)
        });
        let (agencies, positions, pairs, tasks, meetings, other_accounts, synthetic_accounts) = counts;
        Ok(Contents { agencies, positions, pairs, tasks, meetings, other_accounts, synthetic_accounts, datasets })
    }

    /// Every row of the tables the generator writes, in a fixed order (table by table, by key), each
    /// handed to `line` as one line of canonically formatted values; read a page at a time, so memory
    /// stays bounded. Password hashes, sessions and the audit log are left out. A timestamp equal to the
    /// moment a built-in dataset was loaded is written as `loaded`: that moment differs between two
    /// databases holding the same data.
    pub async fn canonical_rows(&self, mut line: impl FnMut(&str)) -> Result<()> {
        let loads: Vec<DateTime<Utc>> =
            with_db!(self, |pool| sqlx::query_scalar("SELECT loaded_at FROM dataset_loads").fetch_all(pool).await?);
        let mut text = String::new();
        for table in DUMPED {
            line(&format!("# {}", table.name));
            let names: Vec<&str> = table.columns.iter().map(|(name, _)| *name).collect();
            let keys = &names[..table.key];
            let after: Vec<String> = (1..=table.key).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT {} FROM {} WHERE ({}) > ({}) ORDER BY {} LIMIT {PAGE}",
                names.join(", "),
                table.name,
                keys.join(", "),
                after.join(", "),
                keys.join(", "),
            );
            let mut last: Vec<Key> = table.columns[..table.key]
                .iter()
                .map(|(_, kind)| match kind {
                    Kind::Text => Key::Text(String::new()),
                    _ => Key::Int(0),
                })
                .collect();
            loop {
                let (read, key): (usize, Option<Vec<Key>>) = with_db!(self, |pool| {
                    let mut q = sqlx::query(&sql);
                    for k in &last {
                        q = match k {
                            Key::Int(i) => q.bind(*i),
                            Key::Text(t) => q.bind(t.clone()),
                        };
                    }
                    let rows = q.fetch_all(pool).await?;
                    for row in &rows {
                        text.clear();
                        for (i, (_, kind)) in table.columns.iter().enumerate() {
                            if i > 0 {
                                text.push('\t');
                            }
                            match kind {
                                Kind::Int => int(&mut text, row.try_get(i)?),
                                Kind::Real => real(&mut text, row.try_get(i)?),
                                Kind::Text => string(&mut text, row.try_get(i)?),
                                Kind::Bool => boolean(&mut text, row.try_get(i)?),
                                Kind::Date => date(&mut text, row.try_get(i)?),
                                Kind::Time => time(&mut text, row.try_get(i)?, &loads),
                            }
                        }
                        line(&text);
                    }
                    let key = match rows.last() {
                        Some(row) => Some(
                            table.columns[..table.key]
                                .iter()
                                .enumerate()
                                .map(|(i, (_, kind))| match kind {
                                    Kind::Text => row.try_get(i).map(Key::Text),
                                    _ => row.try_get(i).map(Key::Int),
                                })
                                .collect::<Result<Vec<Key>, _>>()?,
                        ),
                        None => None,
                    };
                    (rows.len(), key)
                });
                match key {
                    Some(k) if read == PAGE => last = k,
                    _ => break,
                }
            }
        }
        Ok(())
    }
}

/// Rows read per round trip by [`Db::canonical_rows`].
const PAGE: usize = 10_000;

/// Where a page of [`Db::canonical_rows`] ended: a key column's last value.
#[derive(Debug, Clone)]
enum Key {
    Int(i64),
    Text(String),
}

/// How a column's values are read and written out.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Int,
    Real,
    Text,
    Bool,
    Date,
    Time,
}

/// A table as the checksum reads it: its columns, the first `key` of which (whole numbers or text)
/// order the rows.
struct Dumped {
    name: &'static str,
    key: usize,
    columns: &'static [(&'static str, Kind)],
}

macro_rules! dumped {
    ($name:literal, key $key:literal, [$($col:literal: $kind:ident),* $(,)?]) => {
        Dumped { name: $name, key: $key, columns: &[$(($col, Kind::$kind)),*] }
    };
    // A mutable row: its times of creation and last change, and its version.
    ($name:literal, key $key:literal, [$($col:literal: $kind:ident),* $(,)?], stamped) => {
        dumped!($name, key $key, [$($col: $kind,)* "created_at": Time, "updated_at": Time, "version": Int])
    };
}

/// The tables the generator writes, parents before children.
const DUMPED: &[Dumped] = &[
    dumped!("agencies", key 1, ["id": Int, "short_name": Text, "name": Text, "name_en": Text], stamped),
    dumped!("positions", key 1, ["id": Int, "agency_id": Int, "title": Text, "level": Text], stamped),
    dumped!("exchangees", key 1, ["id": Int, "position_id": Int, "name": Text, "expertise": Text], stamped),
    dumped!(
        "exchange_pairs",
        key 1,
        ["id": Int, "seq": Int, "theme": Text, "position_a_id": Int, "position_b_id": Int, "designation_id": Int],
        stamped
    ),
    dumped!(
        "tasks",
        key 1,
        [
            "id": Int, "seq": Int, "pair_id": Int, "title": Text, "task_type": Text, "source": Text, "status": Text,
            "description": Text, "lead_agency_id": Int, "archived_at": Time,
        ],
        stamped
    ),
    dumped!("task_agency_roles", key 1, ["id": Int, "task_id": Int, "agency_id": Int, "role": Text], stamped),
    dumped!(
        "task_kpis",
        key 1,
        [
            "id": Int, "task_id": Int, "seq": Int, "name": Text, "baseline_value": Real, "target_value": Real,
            "unit": Text, "due": Date, "note": Text,
        ],
        stamped
    ),
    dumped!(
        "task_milestones",
        key 1,
        ["id": Int, "task_id": Int, "seq": Int, "title": Text, "due": Date, "done_on": Date, "note": Text],
        stamped
    ),
    dumped!(
        "council_meetings",
        key 1,
        [
            "id": Int, "council": Text, "seq": Int, "title": Text, "held_at": Time, "place": Text, "chair": Text,
            "chair_name": Text, "purpose": Text, "remarks": Text, "source_document_id": Int,
        ],
        stamped
    ),
    dumped!("meeting_agenda_items", key 1, ["id": Int, "meeting_id": Int, "seq": Int, "title": Text], stamped),
    dumped!("meeting_decisions", key 1, ["id": Int, "agenda_item_id": Int, "seq": Int, "text": Text], stamped),
    dumped!("meeting_tasks", key 2, ["agenda_item_id": Int, "task_id": Int, "outcome": Text]),
    dumped!(
        "users",
        key 1,
        ["id": Int, "login": Text, "display_name": Text, "must_change_password": Bool, "is_private_expert": Bool,
         "disabled_at": Time],
        stamped
    ),
    dumped!(
        "user_roles",
        key 1,
        ["id": Int, "user_id": Int, "role": Text, "agency_id": Int, "position_id": Int, "created_at": Time]
    ),
    dumped!(
        "evaluator_affiliations",
        key 1,
        ["id": Int, "user_id": Int, "organization": Text, "title": Text, "from_date": Date, "to_date": Date],
        stamped
    ),
    dumped!("evaluator_assignments", key 2, ["user_id": Int, "task_id": Int, "created_at": Time]),
    dumped!(
        "evaluation_rounds",
        key 1,
        [
            "id": Int, "name": Text, "stage": Text, "setup_on": Date, "assignment_on": Date, "scoring_on": Date,
            "review_on": Date, "objections_on": Date, "final_on": Date, "published_on": Date, "params_json": Text,
            "task_count": Int,
        ],
        stamped
    ),
    dumped!("evaluation_round_tasks", key 2, ["round_id": Int, "task_id": Int]),
    dumped!(
        "evaluation_panel_members",
        key 1,
        ["id": Int, "round_id": Int, "task_id": Int, "evaluator_id": Int, "is_private_expert": Bool, "created_at": Time]
    ),
    dumped!(
        "evaluation_pledges",
        key 1,
        ["id": Int, "round_id": Int, "evaluator_id": Int, "pledge_version": Text, "signed_at": Time]
    ),
    dumped!(
        "evaluation_score_sheets",
        key 1,
        [
            "id": Int, "round_id": Int, "task_id": Int, "evaluator_id": Int, "scores_json": Text, "comment": Text,
            "status": Text, "submitted_at": Time, "reopened_reason": Text, "reopened_by_user_id": Int,
            "reopened_at": Time,
        ],
        stamped
    ),
    dumped!(
        "evaluation_results",
        key 2,
        [
            "round_id": Int, "task_id": Int, "position": Int, "score": Real, "grade": Text, "grade_index": Int,
            "excellent": Bool, "n_scores": Int, "spread": Real, "min_total": Real, "max_total": Real,
            "dropped_low": Real, "dropped_high": Real, "disagreement": Bool,
        ]
    ),
    // Without the moment of computation: a result is computed at the real time of the run.
    dumped!(
        "evaluation_outcomes",
        key 1,
        ["round_id": Int, "icc1": Real, "n_tasks": Int, "n_scores": Int, "unscored": Int, "agencies_json": Text]
    ),
    dumped!(
        "check_cycles",
        key 1,
        ["id": Int, "name": Text, "period_start": Date, "period_end": Date, "due": Date, "closed_at": Time],
        stamped
    ),
    dumped!(
        "progress_reports",
        key 1,
        [
            "id": Int, "cycle_id": Int, "task_id": Int, "agency_id": Int, "status": Text, "narrative": Text,
            "citizen_change": Text, "bottlenecks": Text, "return_comment": Text, "submitted_at": Time,
            "returned_at": Time,
        ],
        stamped
    ),
    dumped!("report_milestones", key 2, ["report_id": Int, "milestone_id": Int, "done_on": Date, "reason": Text]),
    dumped!("report_kpis", key 2, ["report_id": Int, "kpi_id": Int, "actual_value": Real]),
    dumped!(
        "check_ratings",
        key 1,
        ["id": Int, "cycle_id": Int, "task_id": Int, "rating": Text, "reason": Text, "suggested": Text,
         "suggestion": Text],
        stamped
    ),
    dumped!(
        "check_carryovers",
        key 1,
        [
            "id": Int, "from_cycle_id": Int, "to_cycle_id": Int, "task_id": Int, "agency_id": Int, "kind": Text,
            "milestone_id": Int, "note": Text, "created_at": Time,
        ]
    ),
    dumped!("task_lights", key 1, ["task_id": Int, "cycle_id": Int, "rating": Text, "reason": Text, "updated_at": Time]),
    dumped!("check_light_counts", key 3, ["cycle_id": Int, "agency_id": Int, "rating": Text, "n": Int]),
    dumped!("check_cycle_counts", key 3, ["cycle_id": Int, "agency_id": Int, "counted": Text, "n": Int]),
    dumped!(
        "bottlenecks",
        key 1,
        [
            "id": Int, "task_id": Int, "category": Text, "description": Text, "status": Text,
            "raised_by_agency_id": Int, "raised_at": Time, "mediation_opened_at": Time, "closed_at": Time,
            "resolution_reason": Text, "outcome": Text, "outcome_note": Text,
        ],
        stamped
    ),
    dumped!(
        "bottleneck_agencies",
        key 1,
        ["id": Int, "bottleneck_id": Int, "agency_id": Int, "stance": Text, "stated_at": Time],
        stamped
    ),
    dumped!(
        "mediation_meetings",
        key 1,
        ["id": Int, "bottleneck_id": Int, "held_at": Time, "venue": Text, "attendees": Text, "council_meeting_id": Int],
        stamped
    ),
    dumped!(
        "follow_ups",
        key 1,
        [
            "id": Int, "task_id": Int, "source_kind": Text, "source_id": Int, "title": Text, "owner_agency_id": Int,
            "owner_user_id": Int, "due": Date, "done_on": Date, "done_note": Text,
        ],
        stamped
    ),
];

// Canonical value formats: NULL is `-`; text is length-prefixed, so no content can fake a boundary.

fn int(out: &mut String, v: Option<i64>) {
    match v {
        Some(v) => {
            let _ = write!(out, "{v}");
        }
        None => out.push('-'),
    }
}

fn real(out: &mut String, v: Option<f64>) {
    match v {
        // `{:?}` is the shortest text that reads back as the same double, on every platform.
        Some(v) => {
            let _ = write!(out, "{v:?}");
        }
        None => out.push('-'),
    }
}

fn string(out: &mut String, v: Option<&str>) {
    match v {
        Some(s) => {
            let _ = write!(out, "{}:{s}", s.len());
        }
        None => out.push('-'),
    }
}

fn boolean(out: &mut String, v: Option<bool>) {
    out.push_str(match v {
        Some(true) => "true",
        Some(false) => "false",
        None => "-",
    });
}

fn date(out: &mut String, v: Option<NaiveDate>) {
    match v {
        Some(d) => {
            let _ = write!(out, "{}", d.format("%Y-%m-%d"));
        }
        None => out.push('-'),
    }
}

fn time(out: &mut String, v: Option<DateTime<Utc>>, loads: &[DateTime<Utc>]) {
    match v {
        Some(t) if loads.contains(&t) => out.push_str("loaded"),
        Some(t) => out.push_str(&t.to_rfc3339_opts(SecondsFormat::Micros, true)),
        None => out.push('-'),
    }
}

impl Tx {
    /// The id the next row of `R`'s table gets: one past the largest, read in this transaction.
    pub async fn next_id<R: BulkRow>(&mut self) -> Result<i64> {
        let sql = format!("SELECT COALESCE(MAX(id), 0) + 1 FROM {}", R::TABLE);
        Ok(self.fetch_optional::<(i64,)>(&sql, &[]).await?.map_or(1, |(id,)| id))
    }

    /// The next task number (`seq`) after the last one.
    pub async fn next_task_seq(&mut self) -> Result<i64> {
        Ok(self.fetch_optional::<(i64,)>("SELECT COALESCE(MAX(seq), 0) + 1 FROM tasks", &[]).await?.map_or(1, |r| r.0))
    }

    /// The next exchange pair number (annex 연번) after the last one.
    pub async fn next_pair_seq(&mut self) -> Result<i64> {
        let sql = "SELECT COALESCE(MAX(seq), 0) + 1 FROM exchange_pairs";
        Ok(self.fetch_optional::<(i64,)>(sql, &[]).await?.map_or(1, |r| r.0))
    }

    /// The next meeting number (제N차) of `council`.
    pub async fn next_meeting_seq(&mut self, council: &str) -> Result<i64> {
        let sql = "SELECT COALESCE(MAX(seq), 0) + 1 FROM council_meetings WHERE council = $1";
        Ok(self.fetch_optional::<(i64,)>(sql, &[council.into()]).await?.map_or(1, |r| r.0))
    }

    /// Every agency as (id, short name, name), by id.
    pub async fn agency_names(&mut self) -> Result<Vec<(i64, String, String)>> {
        self.fetch_all("SELECT id, short_name, name FROM agencies ORDER BY id", &[]).await
    }

    /// Every position as (agency id, title), by id: a new one must not repeat a pair of them.
    pub async fn position_titles(&mut self) -> Result<Vec<(i64, String)>> {
        self.fetch_all("SELECT agency_id, title FROM positions ORDER BY id", &[]).await
    }

    /// The logins that start with `prefix`, in order.
    pub async fn logins_starting_with(&mut self, prefix: &str) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = self
            .fetch_all("SELECT login FROM users WHERE login LIKE $1 ORDER BY login", &[format!("{prefix}%").into()])
            .await?;
        Ok(rows.into_iter().map(|(l,)| l).collect())
    }

    /// The tasks a new round evaluates by default (those `Tx::default_round_tasks` gives), with when
    /// each was entered and every agency taking part: (task id, created at, agency ids), by task id.
    pub async fn evaluable_tasks(&mut self) -> Result<Vec<(i64, DateTime<Utc>, Vec<i64>)>> {
        let sql = format!(
            "SELECT t.id, t.created_at, r.agency_id FROM tasks t LEFT JOIN task_agency_roles r ON r.task_id = t.id
             WHERE {} ORDER BY t.id, r.agency_id",
            crate::evaluation::ACTIVE_TASK
        );
        let rows: Vec<(i64, DateTime<Utc>, Option<i64>)> = self.fetch_all(&sql, &[]).await?;
        let mut out: Vec<(i64, DateTime<Utc>, Vec<i64>)> = Vec::new();
        for (task, created_at, agency) in rows {
            if out.last().is_none_or(|(t, _, _)| *t != task) {
                out.push((task, created_at, Vec::new()));
            }
            if let (Some(a), Some((_, _, list))) = (agency, out.last_mut()) {
                list.push(a);
            }
        }
        Ok(out)
    }

    /// A cycle's reports as (id, task id, agency id), by id.
    pub async fn cycle_reports(&mut self, cycle: i64) -> Result<Vec<(i64, i64, i64)>> {
        self.fetch_all(
            "SELECT id, task_id, agency_id FROM progress_reports WHERE cycle_id = $1 ORDER BY id",
            &[cycle.into()],
        )
        .await
    }

    /// Fills generated reports of `cycle` as `fill` says: every one of them when `ids` is `None`,
    /// else those (many to a statement). Stamped with this transaction's moment.
    pub async fn fill_reports(&mut self, cycle: i64, ids: Option<&[i64]>, fill: &ReportFill<'_>) -> Result<u64> {
        let mut values: Vec<Value> = vec![cycle.into(), fill.status.into()];
        let turn = |values: &mut Vec<Value>, items: Vec<Value>| -> String {
            if items.is_empty() {
                values.push(Value::Text(None));
                return format!("${}", values.len());
            }
            let n = items.len();
            let mut case = format!("CASE id % {n}");
            for (i, v) in items.into_iter().enumerate() {
                values.push(v);
                let _ = write!(case, " WHEN {i} THEN ${}", values.len());
            }
            case.push_str(" END");
            case
        };
        let narrative = turn(&mut values, fill.narratives.iter().map(|&n| n.into()).collect());
        let submitted = if fill.submitted_at.is_empty() {
            values.push(Value::Time(None));
            format!("${}", values.len())
        } else {
            turn(&mut values, fill.submitted_at.iter().map(|&t| t.into()).collect())
        };
        values.extend([
            fill.citizen_change.into(),
            fill.return_comment.into(),
            fill.returned_at.into(),
            self.at().into(),
            fill.version.into(),
        ]);
        let n = values.len();
        let set = format!(
            "UPDATE progress_reports SET status = $2, narrative = {narrative}, submitted_at = {submitted},
                citizen_change = ${}, return_comment = ${}, returned_at = ${}, updated_at = ${}, version = ${}
             WHERE cycle_id = $1",
            n - 4,
            n - 3,
            n - 2,
            n - 1,
            n
        );
        let Some(ids) = ids else { return self.execute(&set, &values).await };
        let per_statement = binds_per_statement(self.is_postgres()).saturating_sub(n).max(1);
        let mut written = 0;
        for chunk in ids.chunks(per_statement) {
            let mut all = values.clone();
            let marks: Vec<String> = chunk
                .iter()
                .map(|&id| {
                    all.push(id.into());
                    format!("${}", all.len())
                })
                .collect();
            written += self.execute(&format!("{set} AND id IN ({})", marks.join(", ")), &all).await?;
        }
        Ok(written)
    }

    /// Gives each submitted report of `cycle` a line for every milestone of its task due in the
    /// period: done on the milestone's day when that is in the period, else not done, for `reason`.
    pub async fn fill_report_milestones(
        &mut self,
        cycle: i64,
        period_start: NaiveDate,
        period_end: NaiveDate,
        reason: &str,
    ) -> Result<u64> {
        self.execute(
            "INSERT INTO report_milestones (report_id, milestone_id, done_on, reason)
             SELECT r.id, m.id,
                 CASE WHEN m.done_on <= $3 THEN m.done_on END,
                 CASE WHEN m.done_on IS NULL OR m.done_on > $3 THEN $4 END
             FROM progress_reports r JOIN task_milestones m ON m.task_id = r.task_id
             WHERE r.cycle_id = $1 AND r.status = 'submitted' AND m.due >= $2 AND m.due <= $3",
            &[cycle.into(), period_start.into(), period_end.into(), reason.into()],
        )
        .await
    }

    /// Writes `rows`, many to a statement; returns how many were written.
    /// Rows with an `id` column carry their id, and on PostgreSQL the table's sequence is moved past
    /// it afterwards.
    pub async fn insert_rows<R: BulkRow>(&mut self, rows: Vec<R>) -> Result<u64> {
        let postgres = self.is_postgres();
        let per_statement = (binds_per_statement(postgres) / R::COLUMNS.len()).max(1);
        let mut written = 0;
        let mut values = Vec::with_capacity(per_statement.min(rows.len()) * R::COLUMNS.len());
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            values.clear();
            let mut n = 0;
            for row in rows.by_ref().take(per_statement) {
                row.into_values(&mut values);
                n += 1;
            }
            written += self.execute(&insert_sql(R::TABLE, R::COLUMNS, n), &values).await?;
        }
        if written > 0 && R::COLUMNS.first() == Some(&"id") {
            if let Some(sql) = advance_ids_sql(postgres, R::TABLE) {
                self.execute(&sql, &[]).await?;
            }
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multi_row_insert_numbers_its_placeholders_row_by_row() {
        assert_eq!(insert_sql("t", &["a", "b"], 2), "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)");
    }

    #[test]
    fn statements_stay_under_each_databases_bind_limit_and_hold_many_rows() {
        assert!(binds_per_statement(false) <= 32_766 && binds_per_statement(true) <= 65_535);
        assert!(binds_per_statement(false) / TaskRow::COLUMNS.len() >= 30);
    }

    #[test]
    fn only_postgresql_needs_its_sequence_moved() {
        assert_eq!(advance_ids_sql(false, "tasks"), None);
        assert!(advance_ids_sql(true, "tasks").is_some_and(|s| s.contains("pg_get_serial_sequence('tasks', 'id')")));
    }

    #[test]
    fn values_are_written_the_same_whatever_the_database() {
        let mut s = String::new();
        real(&mut s, Some(12.0));
        s.push(' ');
        string(&mut s, Some("쌀 수급"));
        s.push(' ');
        time(&mut s, DateTime::from_timestamp(0, 0), &[]);
        s.push(' ');
        int(&mut s, None);
        assert_eq!(s, "12.0 10:쌀 수급 1970-01-01T00:00:00.000000Z -");
    }
}
