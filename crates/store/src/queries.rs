//! Read queries. Each is written once; `with_db!` runs it on either backend.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, Utc};
use hanteam_domain::access::TaskScope;
use hanteam_domain::counts::FacetFilter;
use hanteam_domain::search::{split_page, title_group_size, SearchPlan, Visibility};
use hanteam_domain::task::TypeFilter;
use hanteam_domain::{
    AgencyId, AgencyRef, DecisionOutcome, ExchangeeId, Kpi, KpiId, MeetingId, Milestone, MilestoneId, Paging, PairId,
    PositionId, PositionLevel, Procedure, ProcedureId, TaskFilter, TaskId, TaskSort, TaskSource, TaskStatus, TaskType,
};

use crate::fold;
use crate::views::*;
use crate::{with_db, Db, Result, StoreError};

/// A value bound to a query built at run time.
#[derive(Clone)]
pub(crate) enum Param {
    Int(i64),
    Text(String),
    Date(NaiveDate),
}

/// Up to this many tasks, a scope's due milestones are found through its tasks (see
/// [`Db::milestones_due`]): past it, walking the due order finds the first few sooner.
const SMALL_SCOPE_TASKS: i64 = 500;

macro_rules! bind_all {
    ($query:expr, $params:expr) => {{
        let mut q = $query;
        for p in $params {
            q = match p {
                Param::Int(i) => q.bind(*i),
                Param::Text(s) => q.bind(s.clone()),
                Param::Date(d) => q.bind(*d),
            };
        }
        q
    }};
}
pub(crate) use bind_all;

/// `$first, $first+1, …` for an `IN (…)` list of `n` values.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

fn parse<T: std::str::FromStr<Err = String>>(raw: &str) -> Result<T> {
    raw.parse().map_err(StoreError::Corrupt)
}

fn parse_opt<T: std::str::FromStr<Err = String>>(raw: Option<&str>) -> Result<Option<T>> {
    raw.map(parse).transpose()
}

#[derive(sqlx::FromRow)]
struct TaskRow {
    id: i64,
    seq: i64,
    title: String,
    task_type: Option<String>,
    status: String,
    source: String,
    pair_id: Option<i64>,
    version: i64,
    updated_at: DateTime<Utc>,
    lead_agency_id: Option<i64>,
    lead_short_name: Option<String>,
    /// The participating agencies in one text, see [`TASK_COLUMNS`].
    agencies: Option<String>,
}

#[derive(sqlx::FromRow)]
struct PositionRow {
    id: i64,
    version: i64,
    agency_id: i64,
    short_name: String,
    title: String,
    level: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ExchangeeRow {
    id: i64,
    version: i64,
    position_id: i64,
    name: Option<String>,
    expertise: Option<String>,
}

#[derive(sqlx::FromRow)]
struct CareerRow {
    exchangee_id: i64,
    agency_id: Option<i64>,
    short_name: Option<String>,
    title: Option<String>,
    note: Option<String>,
}

#[derive(sqlx::FromRow)]
struct VariantRow {
    record_id: i64,
    text: String,
    found_in: Option<String>,
}

#[derive(sqlx::FromRow)]
struct PairRow {
    id: i64,
    version: i64,
    seq: i64,
    theme: String,
    position_a_id: i64,
    position_b_id: i64,
    designated_on: Option<NaiveDate>,
}

#[derive(sqlx::FromRow)]
struct TaskDetailRow {
    description: Option<String>,
    archived_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct DueMilestoneRow {
    id: i64,
    task_id: i64,
    task_title: String,
    title: String,
    due: NaiveDate,
}

#[derive(sqlx::FromRow)]
struct KpiRow {
    id: i64,
    name: String,
    baseline_value: Option<f64>,
    target_value: Option<f64>,
    unit: Option<String>,
    due: Option<NaiveDate>,
    note: Option<String>,
    version: i64,
}

#[derive(sqlx::FromRow)]
struct ProcedureRow {
    id: i64,
    name: String,
    legal_basis: Option<String>,
    usual_days: i64,
    planned_start: Option<NaiveDate>,
    planned_end: Option<NaiveDate>,
    actual_start: Option<NaiveDate>,
    actual_end: Option<NaiveDate>,
    note: Option<String>,
    version: i64,
}

#[derive(sqlx::FromRow)]
struct MilestoneRow {
    id: i64,
    title: String,
    due: Option<NaiveDate>,
    done_on: Option<NaiveDate>,
    note: Option<String>,
    version: i64,
}

#[derive(sqlx::FromRow)]
struct MeetingBriefRow {
    id: i64,
    title: String,
    held_at: DateTime<Utc>,
    outcome: String,
}

#[derive(sqlx::FromRow)]
struct MeetingRow {
    id: i64,
    council: String,
    seq: i64,
    title: String,
    held_at: DateTime<Utc>,
    ends_at: Option<DateTime<Utc>>,
    status: String,
    cancel_reason: Option<String>,
    place: Option<String>,
    chair: Option<String>,
    task_count: i64,
    chair_name: Option<String>,
    purpose: Option<String>,
    remarks: Option<String>,
    source_document_id: Option<i64>,
    version: i64,
}

#[derive(sqlx::FromRow)]
struct AgendaRow {
    id: i64,
    seq: i64,
    title: String,
    kind: Option<String>,
    task_id: Option<i64>,
    bottleneck_id: Option<i64>,
    decision: Option<String>,
    decision_reason: Option<String>,
    decided_at: Option<DateTime<Utc>>,
    version: i64,
}

#[derive(sqlx::FromRow)]
struct DecisionRow {
    id: i64,
    agenda_item_id: i64,
    seq: i64,
    text: String,
}

#[derive(sqlx::FromRow)]
struct TabledRow {
    agenda_item_id: i64,
    id: i64,
    seq: i64,
    title: String,
    outcome: String,
}

#[derive(sqlx::FromRow)]
struct SourceRow {
    id: i64,
    title: String,
    publisher: String,
    department: Option<String>,
    released_on: NaiveDate,
    contacts: Option<String>,
}

/// The columns of [`TaskRow`] for the task `t`. Its participating agencies come as one column (see
/// [`fold`]), in the order they were added: id, role version, short name, role.
static TASK_COLUMNS: LazyLock<String> = LazyLock::new(|| {
    let role = fold::nullable("r.role");
    let reason = fold::nullable("r.participation_reason");
    format!(
        "t.id, t.seq, t.title, t.task_type, t.status, t.source, t.pair_id, t.version, t.updated_at,
         t.lead_agency_id, (SELECT l.short_name FROM agencies l WHERE l.id = t.lead_agency_id) AS lead_short_name,
         (SELECT {} FROM task_agency_roles r JOIN agencies a ON a.id = r.agency_id WHERE r.task_id = t.id) AS agencies",
        fold::column(&["a.id", "r.version", "a.short_name", &role, "r.participation", &reason], "r.id")
    )
});

/// The ORDER BY list of a task list read in `sort`'s order (the task is `t`). Titles compare by
/// code point on both databases, as their indexes do (migration 0006).
pub(crate) fn task_order(db: &Db, sort: TaskSort) -> String {
    match sort {
        TaskSort::Seq => "t.id".into(),
        TaskSort::Title => match db {
            Db::Sqlite(_) => "t.title, t.id".into(),
            Db::Postgres(_) => "t.title COLLATE \"C\", t.id".into(),
        },
        TaskSort::Status => {
            let ranks: String = TaskStatus::ALL
                .iter()
                .enumerate()
                .map(|(rank, s)| format!(" WHEN '{}' THEN {rank}", s.as_str()))
                .collect();
            format!("CASE t.status{ranks} END, t.id")
        }
        TaskSort::Updated => "t.updated_at DESC, t.id DESC".into(),
    }
}

fn task_agencies(folded: Option<&str>) -> Result<Vec<TaskAgency>> {
    fold::unfold(folded, 6)?
        .into_iter()
        .map(|f| {
            Ok(TaskAgency {
                id: AgencyId::new(fold::int(f[0])?),
                role_version: fold::int(f[1])?,
                short_name: f[2].to_owned(),
                role: fold::optional(f[3])?,
                participation: f[4].parse().map_err(StoreError::Corrupt)?,
                participation_reason: fold::optional(f[5])?,
            })
        })
        .collect()
}

impl Db {
    pub async fn list_agencies(&self) -> Result<Vec<Agency>> {
        Ok(with_db!(self, |pool| {
            sqlx::query_as::<_, Agency>(
                "SELECT id, short_name, name, name_en, version, created_at, updated_at FROM agencies ORDER BY id",
            )
            .fetch_all(pool)
            .await?
        }))
    }

    /// Every agency's id and short name, in the order they were entered: for a choice of agencies.
    pub async fn agency_briefs(&self) -> Result<Vec<AgencyBrief>> {
        let sql = format!("SELECT {} FROM agencies", fold::column(&["id", "short_name"], "id"));
        let folded: Option<String> = with_db!(self, |pool| sqlx::query_scalar(&sql).fetch_one(pool).await?);
        fold::unfold(folded.as_deref(), 2)?
            .into_iter()
            .map(|f| Ok(AgencyBrief { id: AgencyId::new(fold::int(f[0])?), short_name: f[1].to_owned() }))
            .collect()
    }

    /// Every pair's id, number and theme, in annex order: for a choice of pairs.
    pub async fn pair_briefs(&self) -> Result<Vec<PairBrief>> {
        let sql = format!(
            "SELECT {} FROM exchange_pairs p
             JOIN positions pa ON pa.id = p.position_a_id JOIN agencies aa ON aa.id = pa.agency_id
             JOIN positions pb ON pb.id = p.position_b_id JOIN agencies ab ON ab.id = pb.agency_id",
            fold::column(&["p.id", "p.seq", "p.theme", "aa.short_name", "ab.short_name"], "p.seq")
        );
        let folded: Option<String> = with_db!(self, |pool| sqlx::query_scalar(&sql).fetch_one(pool).await?);
        fold::unfold(folded.as_deref(), 5)?
            .into_iter()
            .map(|f| {
                Ok(PairBrief {
                    id: PairId::new(fold::int(f[0])?),
                    seq: fold::int(f[1])?,
                    theme: f[2].to_owned(),
                    agencies: [f[3].to_owned(), f[4].to_owned()],
                })
            })
            .collect()
    }

    /// One page of the agencies, in the order they were entered.
    pub async fn agencies_page(&self, paging: Paging) -> Result<Page<Agency>> {
        let (total, items) = with_db!(self, |pool| {
            (
                sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM agencies").fetch_one(pool).await?,
                sqlx::query_as::<_, Agency>(
                    "SELECT id, short_name, name, name_en, version, created_at, updated_at FROM agencies
                     ORDER BY id LIMIT $1 OFFSET $2",
                )
                .bind(paging.limit)
                .bind(paging.offset)
                .fetch_all(pool)
                .await?,
            )
        });
        Ok(Page { items, total })
    }

    /// An agency by id or by short name.
    pub async fn find_agency(&self, agency: &AgencyRef) -> Result<Option<Agency>> {
        let (sql, param) = match agency {
            AgencyRef::Id(id) => ("WHERE id = $1", Param::Int(id.get())),
            AgencyRef::ShortName(s) => ("WHERE short_name = $1", Param::Text(s.clone())),
        };
        let sql = format!("SELECT id, short_name, name, name_en, version, created_at, updated_at FROM agencies {sql}");
        Ok(with_db!(self, |pool| {
            bind_all!(sqlx::query_as::<_, Agency>(&sql), [&param]).fetch_optional(pool).await?
        }))
    }

    /// Tasks matching `filter` (archived ones left out), with the total before paging. Without
    /// search words in annex order; with them ranked as [`hanteam_domain::search`] says.
    /// `agency_id` is the filter's agency, already resolved by [`Db::find_agency`].
    /// Only the tasks `scope` admits are counted and listed.
    pub async fn list_tasks(
        &self,
        scope: &TaskScope,
        filter: &TaskFilter,
        agency_id: Option<AgencyId>,
    ) -> Result<Page<TaskSummary>> {
        let facets =
            FacetFilter { agency_id, pair_id: filter.pair_id, task_type: filter.task_type, status: filter.status };
        if !filter.terms.is_empty() {
            return self.search_tasks(scope, filter, &facets).await;
        }
        let mut conditions = vec!["t.archived_at IS NULL".to_string()];
        let mut params: Vec<Param> = Vec::new();
        let next = |params: &mut Vec<Param>, p: Param| {
            params.push(p);
            format!("${}", params.len())
        };
        // Where the scope stands among the conditions and the parameters: a sorted page asks it
        // differently (below).
        let scope_params_at = params.len();
        let scope_at = scope_condition(scope, &mut params).map(|c| {
            conditions.push(c);
            conditions.len() - 1
        });
        // An agency's tasks are read from its roles, in their index's order.
        let (from, order) = match agency_id {
            Some(id) => {
                let p = next(&mut params, Param::Int(id.get()));
                conditions.push(format!("r.agency_id = {p}"));
                ("task_agency_roles r JOIN tasks t ON t.id = r.task_id", "r.task_id")
            }
            None => ("tasks t", "t.id"),
        };
        if let Some(pair) = filter.pair_id {
            let p = next(&mut params, Param::Int(pair.get()));
            conditions.push(format!("t.pair_id = {p}"));
        }
        match filter.task_type {
            Some(TypeFilter::Is(ty)) => {
                let p = next(&mut params, Param::Text(ty.as_str().into()));
                conditions.push(format!("t.task_type = {p}"));
            }
            Some(TypeFilter::Unset) => conditions.push("t.task_type IS NULL".into()),
            None => {}
        }
        if let Some(status) = filter.status {
            let p = next(&mut params, Param::Text(status.as_str().into()));
            conditions.push(format!("t.status = {p}"));
        }
        let where_sql = conditions.join(" AND ");
        let total = match self.kept_totals(scope, std::slice::from_ref(&facets)).await? {
            Some(totals) => totals[0],
            None => {
                let count_sql = format!("SELECT COUNT(*) FROM {from} WHERE {where_sql}");
                with_db!(self, |pool| bind_all!(sqlx::query_scalar(&count_sql), &params).fetch_one(pool).await?)
            }
        };
        let limit = next(&mut params, Param::Int(filter.limit));
        let offset = next(&mut params, Param::Int(filter.offset));
        // Tasks are numbered (seq) as they are registered, so id order is annex order; the indexes
        // hold id order on both databases.
        let sorted;
        let order = match filter.sort {
            None | Some(TaskSort::Seq) => order,
            Some(sort) => {
                sorted = task_order(self, sort);
                &sorted
            }
        };
        // A page in another order than the tasks' own walks that order's index and asks each task
        // whether the scope admits it, instead of reading every task of the scope and sorting them
        // (SQLite picks the latter when let): an officer's work list of 환경부's 4,417 tasks, by
        // last change, 19 ms → 4 ms. Asked from the same place among the parameters, it has the
        // same placeholders.
        let page_where;
        let where_sql = match (filter.sort, agency_id, scope_at) {
            (Some(sort), None, Some(at)) if sort != TaskSort::Seq => {
                let mut page_conditions = conditions.clone();
                let mut same_place = params[..scope_params_at].to_vec();
                let roles = if matches!(self, Db::Sqlite(_)) { RolesAsked::ByProbe } else { RolesAsked::AsList };
                if let Some(c) = scope_condition_on(scope, &mut same_place, "+t.id", roles) {
                    page_conditions[at] = c;
                }
                page_where = page_conditions.join(" AND ");
                &page_where
            }
            _ => &where_sql,
        };
        let columns = &*TASK_COLUMNS;
        let page_sql =
            format!("SELECT {columns} FROM {from} WHERE {where_sql} ORDER BY {order} LIMIT {limit} OFFSET {offset}");
        let rows: Vec<TaskRow> =
            with_db!(self, |pool| bind_all!(sqlx::query_as::<_, TaskRow>(&page_sql), &params).fetch_all(pool).await?);
        let items = Self::task_summaries(rows)?;
        Ok(Page { items, total })
    }

    /// A page of the proposals (과제 발굴 목록) `scope` admits: the tasks proposed or tabled and not
    /// archived, last changed first, each with the agency that proposed it.
    pub async fn list_proposals(&self, scope: &TaskScope, limit: i64, offset: i64) -> Result<Page<ProposalSummary>> {
        let mut params: Vec<Param> = Vec::new();
        let mut conditions = vec!["t.archived_at IS NULL".to_string(), "t.status IN ('proposed', 'tabled')".into()];
        if let Some(c) = scope_condition(scope, &mut params) {
            conditions.push(c);
        }
        let where_sql = conditions.join(" AND ");
        let count_sql = format!("SELECT COUNT(*) FROM tasks t WHERE {where_sql}");
        let n = params.len();
        let columns = &*TASK_COLUMNS;
        let page_sql = format!(
            "SELECT {columns} FROM tasks t WHERE {where_sql} ORDER BY t.updated_at DESC, t.id DESC LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        );
        let (total, rows): (i64, Vec<TaskRow>) = with_db!(self, |pool| {
            let total = bind_all!(sqlx::query_scalar(&count_sql), &params).fetch_one(pool).await?;
            let rows = bind_all!(sqlx::query_as::<_, TaskRow>(&page_sql), &params)
                .bind(limit)
                .bind(offset)
                .fetch_all(pool)
                .await?;
            (total, rows)
        });
        let tasks = Self::task_summaries(rows)?;
        if tasks.is_empty() {
            return Ok(Page { items: vec![], total });
        }
        let ids: Vec<i64> = tasks.iter().map(|t| t.id.get()).collect();
        let by_sql = format!(
            "SELECT t.id, a.id, a.short_name FROM tasks t JOIN agencies a ON a.id = t.proposed_by_agency_id
             WHERE t.id IN ({})",
            placeholders(1, ids.len())
        );
        let by: Vec<(i64, i64, String)> = with_db!(self, |pool| {
            let mut q = sqlx::query_as(&by_sql);
            for id in &ids {
                q = q.bind(*id);
            }
            q.fetch_all(pool).await?
        });
        let by: HashMap<i64, AgencyBrief> =
            by.into_iter().map(|(t, a, short_name)| (t, AgencyBrief { id: AgencyId::new(a), short_name })).collect();
        let items = tasks
            .into_iter()
            .map(|task| {
                let proposed_by = by.get(&task.id.get()).cloned();
                ProposalSummary { task, proposed_by }
            })
            .collect();
        Ok(Page { items, total })
    }

    /// A search through the index: tasks with every word in the title first, then the rest, each
    /// group newest first; the total and the page both come from the index.
    async fn search_tasks(
        &self,
        scope: &TaskScope,
        filter: &TaskFilter,
        facets: &FacetFilter,
    ) -> Result<Page<TaskSummary>> {
        let (pairs, assigned) = self.reach_of(scope).await?;
        let plan = SearchPlan::new(&filter.terms, facets, &Visibility::of(scope, &pairs, &assigned));
        if plan.finds_nothing() {
            return Ok(Page { items: vec![], total: 0 });
        }
        let total = self.count_matches(&plan.anywhere).await?;
        if total == 0 {
            return Ok(Page { items: vec![], total });
        }
        let ids = match filter.sort {
            Some(sort) => {
                self.find_sorted_matches(&plan.anywhere, &task_order(self, sort), filter.limit, filter.offset).await?
            }
            None => self.ranked_matches(&plan, total, filter).await?,
        };
        if ids.is_empty() {
            return Ok(Page { items: vec![], total });
        }
        let sql = format!("SELECT {} FROM tasks t WHERE t.id IN ({})", *TASK_COLUMNS, placeholders(1, ids.len()));
        let params: Vec<Param> = ids.iter().map(|i| Param::Int(*i)).collect();
        let mut rows: Vec<TaskRow> =
            with_db!(self, |pool| bind_all!(sqlx::query_as::<_, TaskRow>(&sql), &params).fetch_all(pool).await?);
        let rank: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        rows.sort_by_key(|r| rank.get(&r.id).copied().unwrap_or(usize::MAX));
        let items = Self::task_summaries(rows)?;
        Ok(Page { items, total })
    }

    /// One page of a search by relevance: tasks with every word in the title first, then the rest.
    /// A page of title matches that is not full also says how many there are, which spares
    /// counting them in the common case.
    async fn ranked_matches(&self, plan: &SearchPlan, total: i64, filter: &TaskFilter) -> Result<Vec<i64>> {
        let mut ids = self.find_matches(&plan.title, filter.limit, filter.offset).await?;
        if (ids.len() as i64) < filter.limit {
            let in_title = match title_group_size(filter.offset, filter.limit, ids.len()) {
                Some(n) => n,
                None => self.count_matches(&plan.title).await?,
            };
            let (_, (offset, limit)) = split_page(in_title, filter.offset, filter.limit);
            if total > in_title {
                ids.extend(self.find_matches(&plan.elsewhere(), limit, offset).await?);
            }
        }
        Ok(ids)
    }

    /// The descriptions of these tasks (those that have one).
    pub async fn task_descriptions(&self, ids: &[TaskId]) -> Result<HashMap<TaskId, String>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "SELECT id, description FROM tasks WHERE description IS NOT NULL AND id IN ({})",
            placeholders(1, ids.len())
        );
        let params: Vec<Param> = ids.iter().map(|i| Param::Int(i.get())).collect();
        let rows: Vec<(i64, String)> =
            with_db!(self, |pool| bind_all!(sqlx::query_as(&sql), &params).fetch_all(pool).await?);
        Ok(rows.into_iter().map(|(id, d)| (TaskId::new(id), d)).collect())
    }

    /// What a limited reader reaches beyond the agencies they belong to: the pairs of their
    /// exchange positions and the tasks assigned to them as an evaluator.
    async fn reach_of(&self, scope: &TaskScope) -> Result<(Vec<PairId>, Vec<TaskId>)> {
        let TaskScope::Limited { position_ids, evaluator_id, .. } = scope else { return Ok((vec![], vec![])) };
        let pairs: Vec<i64> = if position_ids.is_empty() {
            vec![]
        } else {
            let ids: Vec<Param> = position_ids.iter().chain(position_ids).map(|p| Param::Int(p.get())).collect();
            let n = position_ids.len();
            let sql = format!(
                "SELECT id FROM exchange_pairs WHERE position_a_id IN ({}) OR position_b_id IN ({})",
                placeholders(1, n),
                placeholders(n + 1, n)
            );
            with_db!(self, |pool| bind_all!(sqlx::query_scalar(&sql), &ids).fetch_all(pool).await?)
        };
        let assigned: Vec<i64> = match evaluator_id {
            None => vec![],
            Some(user) => with_db!(self, |pool| {
                sqlx::query_scalar(
                    "SELECT task_id FROM evaluator_assignments WHERE user_id = $1
                     UNION SELECT m.task_id FROM evaluation_panel_members m
                     JOIN evaluation_pledges g ON g.round_id = m.round_id AND g.evaluator_id = m.evaluator_id
                     WHERE m.evaluator_id = $1 ORDER BY 1",
                )
                .bind(user.get())
                .fetch_all(pool)
                .await?
            }),
        };
        Ok((pairs.into_iter().map(PairId::new).collect(), assigned.into_iter().map(TaskId::new).collect()))
    }

    fn task_summaries(rows: Vec<TaskRow>) -> Result<Vec<TaskSummary>> {
        rows.into_iter()
            .map(|r| {
                Ok(TaskSummary {
                    agencies: task_agencies(r.agencies.as_deref())?,
                    id: TaskId::new(r.id),
                    seq: r.seq,
                    title: r.title,
                    task_type: parse_opt::<TaskType>(r.task_type.as_deref())?,
                    status: parse::<TaskStatus>(&r.status)?,
                    source: parse::<TaskSource>(&r.source)?,
                    pair_id: r.pair_id.map(PairId::new),
                    lead_agency: match (r.lead_agency_id, r.lead_short_name) {
                        (Some(id), Some(short_name)) => Some(AgencyBrief { id: AgencyId::new(id), short_name }),
                        _ => None,
                    },
                    version: r.version,
                    updated_at: r.updated_at,
                    light: None,
                })
            })
            .collect()
    }

    /// Positions with their agency, name variants and exchangees (with careers), keyed by id.
    async fn positions(&self, ids: &[i64]) -> Result<HashMap<i64, Position>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let list = placeholders(1, ids.len());
        let positions_sql = format!(
            "SELECT p.id, p.version, p.agency_id, a.short_name, p.title, p.level FROM positions p
             JOIN agencies a ON a.id = p.agency_id WHERE p.id IN ({list})"
        );
        let exchangees_sql =
            format!("SELECT id, version, position_id, name, expertise FROM exchangees WHERE position_id IN ({list}) ORDER BY id");
        let careers_sql = format!(
            "SELECT c.exchangee_id, c.agency_id, a.short_name, c.title, c.note FROM exchangee_careers c
             JOIN exchangees e ON e.id = c.exchangee_id LEFT JOIN agencies a ON a.id = c.agency_id
             WHERE e.position_id IN ({list}) ORDER BY c.exchangee_id, c.seq"
        );
        let variants_sql = format!(
            "SELECT record_id, text, found_in FROM name_variants WHERE record_type = 'position' AND record_id IN ({list}) ORDER BY id"
        );
        let params: Vec<Param> = ids.iter().map(|i| Param::Int(*i)).collect();
        let (prows, erows, crows, vrows) = with_db!(self, |pool| {
            (
                bind_all!(sqlx::query_as::<_, PositionRow>(&positions_sql), &params).fetch_all(pool).await?,
                bind_all!(sqlx::query_as::<_, ExchangeeRow>(&exchangees_sql), &params).fetch_all(pool).await?,
                bind_all!(sqlx::query_as::<_, CareerRow>(&careers_sql), &params).fetch_all(pool).await?,
                bind_all!(sqlx::query_as::<_, VariantRow>(&variants_sql), &params).fetch_all(pool).await?,
            )
        });
        let mut careers: HashMap<i64, Vec<CareerEntry>> = HashMap::new();
        for c in crows {
            let agency = match (c.agency_id, c.short_name) {
                (Some(id), Some(short_name)) => Some(AgencyBrief { id: AgencyId::new(id), short_name }),
                _ => None,
            };
            careers.entry(c.exchangee_id).or_default().push(CareerEntry { agency, title: c.title, note: c.note });
        }
        let mut exchangees: HashMap<i64, Vec<Exchangee>> = HashMap::new();
        for e in erows {
            exchangees.entry(e.position_id).or_default().push(Exchangee {
                careers: careers.remove(&e.id).unwrap_or_default(),
                id: ExchangeeId::new(e.id),
                version: e.version,
                name: e.name,
                expertise: e.expertise,
            });
        }
        let mut variants = group_variants(vrows);
        prows
            .into_iter()
            .map(|p| {
                Ok((
                    p.id,
                    Position {
                        agency: AgencyBrief { id: AgencyId::new(p.agency_id), short_name: p.short_name },
                        title: p.title,
                        level: parse_opt::<PositionLevel>(p.level.as_deref())?,
                        variants: variants.remove(&p.id).unwrap_or_default(),
                        exchangees: exchangees.remove(&p.id).unwrap_or_default(),
                        id: PositionId::new(p.id),
                        version: p.version,
                    },
                ))
            })
            .collect()
    }

    async fn pairs_where(&self, condition: &str, params: Vec<Param>) -> Result<Vec<ExchangePair>> {
        let sql = format!(
            "SELECT p.id, p.version, p.seq, p.theme, p.position_a_id, p.position_b_id, d.designated_on FROM exchange_pairs p
             LEFT JOIN exchange_designations d ON d.id = p.designation_id WHERE {condition} ORDER BY p.seq"
        );
        let rows: Vec<PairRow> =
            with_db!(self, |pool| { bind_all!(sqlx::query_as::<_, PairRow>(&sql), &params).fetch_all(pool).await? });
        if rows.is_empty() {
            return Ok(vec![]);
        }
        let position_ids: Vec<i64> = rows.iter().flat_map(|r| [r.position_a_id, r.position_b_id]).collect();
        let positions = self.positions(&position_ids).await?;
        let pair_ids: Vec<Param> = rows.iter().map(|r| Param::Int(r.id)).collect();
        let variants_sql = format!(
            "SELECT record_id, text, found_in FROM name_variants WHERE record_type = 'exchange_pair' AND record_id IN ({}) ORDER BY id",
            placeholders(1, pair_ids.len())
        );
        let vrows: Vec<VariantRow> = with_db!(self, |pool| {
            bind_all!(sqlx::query_as::<_, VariantRow>(&variants_sql), &pair_ids).fetch_all(pool).await?
        });
        let mut variants = group_variants(vrows);
        rows.into_iter()
            .map(|r| {
                let take = |id: i64| {
                    positions
                        .get(&id)
                        .cloned()
                        .ok_or_else(|| StoreError::Corrupt(format!("없는 교류직위입니다: {id}번")))
                };
                Ok(ExchangePair {
                    positions: vec![take(r.position_a_id)?, take(r.position_b_id)?],
                    id: PairId::new(r.id),
                    version: r.version,
                    seq: r.seq,
                    theme: r.theme,
                    variants: variants.remove(&r.id).unwrap_or_default(),
                    designated_on: r.designated_on,
                })
            })
            .collect()
    }

    /// One page of the exchange pairs, in annex order.
    pub async fn pairs_page(&self, paging: Paging) -> Result<Page<ExchangePair>> {
        let total: i64 =
            with_db!(self, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM exchange_pairs").fetch_one(pool).await?);
        let items = self
            .pairs_where(
                "p.id IN (SELECT id FROM exchange_pairs ORDER BY seq LIMIT $1 OFFSET $2)",
                vec![Param::Int(paging.limit), Param::Int(paging.offset)],
            )
            .await?;
        Ok(Page { items, total })
    }

    /// How many pairs come before the one numbered `seq` in annex order.
    pub async fn pairs_before(&self, seq: i64) -> Result<i64> {
        Ok(with_db!(self, |pool| {
            sqlx::query_scalar("SELECT COUNT(*) FROM exchange_pairs WHERE seq < $1").bind(seq).fetch_one(pool).await?
        }))
    }

    pub async fn pair(&self, id: PairId) -> Result<Option<ExchangePair>> {
        Ok(self.pairs_where("p.id = $1", vec![Param::Int(id.get())]).await?.pop())
    }

    /// The pair a position belongs to.
    pub async fn pair_of_position(&self, id: PositionId) -> Result<Option<ExchangePair>> {
        Ok(self.pairs_where("$1 IN (p.position_a_id, p.position_b_id)", vec![Param::Int(id.get())]).await?.pop())
    }

    /// The pair of an exchangee's position.
    pub async fn pair_of_exchangee(&self, id: ExchangeeId) -> Result<Option<ExchangePair>> {
        Ok(self
            .pairs_where(
                "EXISTS (SELECT 1 FROM exchangees e WHERE e.id = $1 AND e.position_id IN (p.position_a_id, p.position_b_id))",
                vec![Param::Int(id.get())],
            )
            .await?
            .pop())
    }

    /// How many tasks of each pair `scope` admits.
    pub async fn pair_task_counts(&self, scope: &TaskScope, pairs: &[PairId]) -> Result<HashMap<PairId, i64>> {
        if pairs.is_empty() {
            return Ok(HashMap::new());
        }
        let filters: Vec<FacetFilter> =
            pairs.iter().map(|p| FacetFilter { pair_id: Some(*p), ..FacetFilter::default() }).collect();
        let rows: Vec<(i64, i64)> = match self.kept_totals(scope, &filters).await? {
            Some(counts) => pairs.iter().map(|p| p.get()).zip(counts).collect(),
            None => {
                let mut params: Vec<Param> = pairs.iter().map(|p| Param::Int(p.get())).collect();
                let list = placeholders(1, pairs.len());
                let visible = scope_condition(scope, &mut params).unwrap_or_else(|| "1 = 1".into());
                let sql = format!(
                    "SELECT t.pair_id, COUNT(*) FROM tasks t WHERE t.pair_id IN ({list}) AND t.archived_at IS NULL
                     AND {visible} GROUP BY t.pair_id"
                );
                with_db!(self, |pool| bind_all!(sqlx::query_as(&sql), &params).fetch_all(pool).await?)
            }
        };
        Ok(rows.into_iter().map(|(p, n)| (PairId::new(p), n)).collect())
    }

    /// The first `n` tasks (annex order) of each pair that `scope` admits: what a list of pairs shows
    /// beside each pair's count.
    pub async fn first_tasks_of_pairs(
        &self,
        scope: &TaskScope,
        pairs: &[PairId],
        n: i64,
    ) -> Result<HashMap<PairId, Vec<TaskBrief>>> {
        if pairs.is_empty() {
            return Ok(HashMap::new());
        }
        let mut params = Vec::new();
        let mut parts = Vec::new();
        for pair in pairs {
            params.push(Param::Int(pair.get()));
            let pair_mark = params.len();
            let visible = scope_condition(scope, &mut params).map(|c| format!(" AND {c}")).unwrap_or_default();
            params.push(Param::Int(n));
            // One index range per pair: each part reads at most n rows.
            parts.push(format!(
                "SELECT * FROM (SELECT t.id, t.seq, t.title, t.pair_id FROM tasks t
                 WHERE t.pair_id = ${pair_mark} AND t.archived_at IS NULL{visible} ORDER BY t.id LIMIT ${}) x{pair_mark}",
                params.len()
            ));
        }
        let sql = parts.join(" UNION ALL ");
        let rows: Vec<(i64, i64, String, i64)> =
            with_db!(self, |pool| bind_all!(sqlx::query_as(&sql), &params).fetch_all(pool).await?);
        let mut out: HashMap<PairId, Vec<TaskBrief>> = HashMap::new();
        for (id, seq, title, pair) in rows {
            out.entry(PairId::new(pair)).or_default().push(TaskBrief { id: TaskId::new(id), seq, title });
        }
        for briefs in out.values_mut() {
            briefs.sort_by_key(|b| b.seq);
        }
        Ok(out)
    }

    /// The exchange pairs in annex order.
    pub async fn list_pairs(&self) -> Result<Vec<ExchangePair>> {
        self.pairs_where("1 = 1", vec![]).await
    }

    /// The pairs one of whose positions belongs to `agency_id`.
    pub async fn pairs_of_agency(&self, agency_id: AgencyId) -> Result<Vec<ExchangePair>> {
        self.pairs_where(
            "EXISTS (SELECT 1 FROM positions x WHERE x.agency_id = $1 AND x.id IN (p.position_a_id, p.position_b_id))",
            vec![Param::Int(agency_id.get())],
        )
        .await
    }

    pub async fn get_task(&self, id: TaskId) -> Result<Option<TaskDetail>> {
        let id = id.get();
        let summary_sql = format!("SELECT {} FROM tasks t WHERE t.id = $1", *TASK_COLUMNS);
        let found = with_db!(self, |pool| {
            let row = sqlx::query_as::<_, TaskRow>(&summary_sql).bind(id).fetch_optional(pool).await?;
            match row {
                None => None,
                Some(row) => {
                    let detail = sqlx::query_as::<_, TaskDetailRow>(
                        "SELECT description, archived_at, created_at FROM tasks WHERE id = $1",
                    )
                    .bind(id)
                    .fetch_one(pool)
                    .await?;
                    let kpis = sqlx::query_as::<_, KpiRow>(
                        "SELECT id, name, baseline_value, target_value, unit, due, note, version
                         FROM task_kpis WHERE task_id = $1 ORDER BY seq, id",
                    )
                    .bind(id)
                    .fetch_all(pool)
                    .await?;
                    let milestones = sqlx::query_as::<_, MilestoneRow>(
                        "SELECT id, title, due, done_on, note, version FROM task_milestones WHERE task_id = $1 ORDER BY seq, id",
                    )
                    .bind(id)
                    .fetch_all(pool)
                    .await?;
                    let procedures = sqlx::query_as::<_, ProcedureRow>(
                        "SELECT id, name, legal_basis, usual_days, planned_start, planned_end, actual_start, actual_end, note,
                                version
                         FROM task_procedures WHERE task_id = $1 ORDER BY seq, id LIMIT $2",
                    )
                    .bind(id)
                    .bind(hanteam_domain::procedure::MAX_PROCEDURES_PER_TASK)
                    .fetch_all(pool)
                    .await?;
                    let variants = sqlx::query_as::<_, VariantRow>(
                        "SELECT record_id, text, found_in FROM name_variants WHERE record_type = 'task' AND record_id = $1 ORDER BY id",
                    )
                    .bind(id)
                    .fetch_all(pool)
                    .await?;
                    let meetings = sqlx::query_as::<_, MeetingBriefRow>(
                        "SELECT m.id, m.title, m.held_at, mt.outcome FROM meeting_tasks mt
                         JOIN meeting_agenda_items i ON i.id = mt.agenda_item_id
                         JOIN council_meetings m ON m.id = i.meeting_id
                         WHERE mt.task_id = $1 ORDER BY m.held_at, m.id",
                    )
                    .bind(id)
                    .fetch_all(pool)
                    .await?;
                    Some((row, detail, kpis, milestones, procedures, variants, meetings))
                }
            }
        });
        let Some((row, detail, kpis, milestones, procedures, variants, meetings)) = found else {
            return Ok(None);
        };
        let pair = match row.pair_id {
            Some(pair_id) => self.pairs_where("p.id = $1", vec![Param::Int(pair_id)]).await?.into_iter().next(),
            None => None,
        };
        let summary = Self::task_summaries(vec![row])?.remove(0);
        Ok(Some(TaskDetail {
            summary,
            description: detail.description,
            variants: variants.into_iter().map(|v| NameVariant { text: v.text, found_in: v.found_in }).collect(),
            kpis: kpis
                .into_iter()
                .map(|k| TaskKpi {
                    id: KpiId::new(k.id),
                    kpi: Kpi {
                        name: k.name,
                        baseline: k.baseline_value,
                        target: k.target_value,
                        unit: k.unit,
                        due: k.due,
                        note: k.note,
                    },
                    version: k.version,
                })
                .collect(),
            milestones: milestones
                .into_iter()
                .map(|m| TaskMilestone {
                    id: MilestoneId::new(m.id),
                    milestone: Milestone { title: m.title, due: m.due, done_on: m.done_on, note: m.note },
                    version: m.version,
                })
                .collect(),
            procedures: ProcedureList::of(
                procedures
                    .into_iter()
                    .map(|p| {
                        let procedure = Procedure {
                            name: p.name,
                            legal_basis: p.legal_basis,
                            usual_days: p.usual_days,
                            planned_start: p.planned_start,
                            planned_end: p.planned_end,
                            actual_start: p.actual_start,
                            actual_end: p.actual_end,
                            note: p.note,
                        };
                        TaskProcedure::new(ProcedureId::new(p.id), procedure, p.version)
                    })
                    .collect(),
            ),
            pair,
            meetings: meetings
                .into_iter()
                .map(|m| {
                    Ok(MeetingBrief {
                        id: MeetingId::new(m.id),
                        title: m.title,
                        held_at: m.held_at,
                        outcome: parse::<DecisionOutcome>(&m.outcome)?,
                    })
                })
                .collect::<Result<_>>()?,
            archived_at: detail.archived_at,
            created_at: detail.created_at,
            participation_reasons: vec![],
        }))
    }

    async fn meetings_where(&self, condition: &str, params: Vec<Param>) -> Result<Vec<MeetingRow>> {
        let sql = format!(
            "SELECT m.id, m.council, m.seq, m.title, m.held_at, m.ends_at, m.status, m.cancel_reason, m.place, m.chair,
                    (SELECT COUNT(*) FROM meeting_tasks mt JOIN meeting_agenda_items i ON i.id = mt.agenda_item_id
                     WHERE i.meeting_id = m.id) AS task_count,
                    m.chair_name, m.purpose, m.remarks, m.source_document_id, m.version
             FROM council_meetings m WHERE {condition} ORDER BY m.held_at, m.id"
        );
        Ok(with_db!(self, |pool| { bind_all!(sqlx::query_as::<_, MeetingRow>(&sql), &params).fetch_all(pool).await? }))
    }

    /// The meetings scheduled from `from` on, soonest first, at most `limit`.
    pub async fn upcoming_meetings(&self, from: DateTime<Utc>, limit: i64) -> Result<Vec<MeetingSummary>> {
        let ids: Vec<i64> = with_db!(self, |pool| {
            sqlx::query_scalar(
            "SELECT id FROM council_meetings WHERE status = 'scheduled' AND held_at >= $1 ORDER BY held_at, id LIMIT $2"
        )
        .bind(from)
        .bind(limit)
        .fetch_all(pool)
        .await?
        });
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let list = placeholders(1, ids.len());
        let rows = self.meetings_where(&format!("m.id IN ({list})"), ids.into_iter().map(Param::Int).collect()).await?;
        Ok(rows.into_iter().map(meeting_summary).collect())
    }

    /// One page of the council meetings, oldest first.
    pub async fn meetings_page(&self, paging: Paging) -> Result<Page<MeetingSummary>> {
        let total: i64 =
            with_db!(self, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM council_meetings").fetch_one(pool).await?);
        let rows = self
            .meetings_where(
                "m.id IN (SELECT id FROM council_meetings ORDER BY held_at, id LIMIT $1 OFFSET $2)",
                vec![Param::Int(paging.limit), Param::Int(paging.offset)],
            )
            .await?;
        Ok(Page { items: rows.into_iter().map(meeting_summary).collect(), total })
    }

    /// A meeting with its agenda; of the tasks tabled, only those `scope` may see (an archived or
    /// proposed task is not named to the public).
    pub async fn get_meeting(&self, id: MeetingId, scope: &TaskScope) -> Result<Option<MeetingDetail>> {
        let id = id.get();
        let mut params = vec![Param::Int(id)];
        let visible = scope_condition(scope, &mut params).map(|c| format!(" AND {c}")).unwrap_or_default();
        let tabled_sql = format!(
            "SELECT mt.agenda_item_id, t.id, t.seq, t.title, mt.outcome FROM meeting_tasks mt
             JOIN meeting_agenda_items i ON i.id = mt.agenda_item_id JOIN tasks t ON t.id = mt.task_id
             WHERE i.meeting_id = $1{visible} ORDER BY t.seq"
        );
        let Some(m) = self.meetings_where("m.id = $1", vec![Param::Int(id)]).await?.pop() else {
            return Ok(None);
        };
        let (items, decisions, tabled, source) = with_db!(self, |pool| {
            let items = sqlx::query_as::<_, AgendaRow>(
                "SELECT id, seq, title, kind, task_id, bottleneck_id, decision, decision_reason, decided_at, version
                 FROM meeting_agenda_items WHERE meeting_id = $1 ORDER BY seq, id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            let decisions = sqlx::query_as::<_, DecisionRow>(
                "SELECT d.id, d.agenda_item_id, d.seq, d.text FROM meeting_decisions d
                 JOIN meeting_agenda_items i ON i.id = d.agenda_item_id WHERE i.meeting_id = $1 ORDER BY d.seq, d.id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            let tabled = bind_all!(sqlx::query_as::<_, TabledRow>(&tabled_sql), &params).fetch_all(pool).await?;
            let source = sqlx::query_as::<_, SourceRow>(
                "SELECT id, title, publisher, department, released_on, contacts FROM source_documents WHERE id = $1",
            )
            .bind(m.source_document_id.unwrap_or(0))
            .fetch_optional(pool)
            .await?;
            (items, decisions, tabled, source)
        });
        let agenda = items
            .into_iter()
            // An item about a task the reader may not see (a proposal still inside) is left out.
            .filter(|i| i.task_id.is_none_or(|t| tabled.iter().any(|v| v.agenda_item_id == i.id && v.id == t)))
            .map(|i| {
                Ok(AgendaItem {
                    decisions: decisions
                        .iter()
                        .filter(|d| d.agenda_item_id == i.id)
                        .map(|d| Decision { id: d.id, seq: d.seq, text: d.text.clone() })
                        .collect(),
                    tasks: tabled
                        .iter()
                        .filter(|t| t.agenda_item_id == i.id)
                        .map(|t| {
                            Ok(TabledTask {
                                id: TaskId::new(t.id),
                                seq: t.seq,
                                title: t.title.clone(),
                                outcome: parse::<DecisionOutcome>(&t.outcome)?,
                            })
                        })
                        .collect::<Result<_>>()?,
                    id: i.id,
                    seq: i.seq,
                    title: i.title,
                    kind: i.kind.as_deref().map(parse).transpose()?,
                    task_id: i.task_id.map(TaskId::new),
                    bottleneck_id: i.bottleneck_id.map(hanteam_domain::BottleneckId::new),
                    decision: i.decision.as_deref().map(parse).transpose()?,
                    decision_reason: i.decision_reason,
                    decided_at: i.decided_at,
                    version: i.version,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Some(MeetingDetail {
            chair_name: m.chair_name.clone(),
            purpose: m.purpose.clone(),
            remarks: m.remarks.clone(),
            version: m.version,
            source: source.map(|s| SourceDocument {
                id: s.id,
                title: s.title,
                publisher: s.publisher,
                department: s.department,
                released_on: s.released_on,
                contacts: s.contacts.map(|c| c.lines().map(str::to_string).collect()).unwrap_or_default(),
            }),
            summary: meeting_summary(m),
            agenda,
        }))
    }

    /// The milestones not done and due by `until` (overdue ones first) of the current tasks `scope`
    /// admits, at most `limit` of them.
    pub async fn milestones_due(&self, scope: &TaskScope, until: NaiveDate, limit: i64) -> Result<Vec<DueMilestone>> {
        // PostgreSQL's planner makes this choice itself (it walks the due order for 환경부: 4 ms), and
        // is slowed by the hint (11 ms).
        let walk_due_order = match scope {
            _ if matches!(self, Db::Postgres(_)) => false,
            TaskScope::Limited { agency_ids, position_ids, evaluator_id: None, include_published: false }
                if position_ids.is_empty() && !agency_ids.is_empty() =>
            {
                self.agency_tasks_over(agency_ids, SMALL_SCOPE_TASKS).await?
            }
            _ => false,
        };
        self.milestones_due_walking(scope, until, limit, walk_due_order).await
    }

    /// [`Self::milestones_due`] the one way or the other, which give the same answer (a test holds
    /// them to it); only their speed differs.
    pub async fn milestones_due_walking(
        &self,
        scope: &TaskScope,
        until: NaiveDate,
        limit: i64,
        walk_due_order: bool,
    ) -> Result<Vec<DueMilestone>> {
        let mut params = vec![Param::Date(until)];
        // The few shown are picked from an index of open milestones, only they are read. A small
        // scope's milestones are found through its tasks ((task, due) index) and sorted; a large
        // one's by walking all open milestones in due order ((due) index), checking the scope row
        // by row (a look in the roles' index per milestone), which stops at the first `limit`
        // found. On SQLite, for an agency with 4,417 of 100,000 tasks that is 0.1 ms instead of
        // 13 ms, and for one with 200 it would be 15.
        let visible = if walk_due_order {
            scope_condition_on(scope, &mut params, "+m.task_id", RolesAsked::ByProbe)
        } else {
            scope_condition(scope, &mut params)
        }
        .map_or(String::new(), |c| format!(" AND {c}"));
        params.push(Param::Int(limit));
        let sql = format!(
            "SELECT m.id, m.task_id, t.title AS task_title, m.title, m.due FROM task_milestones m JOIN tasks t ON t.id = m.task_id
             WHERE m.id IN (SELECT m.id FROM task_milestones m JOIN tasks t ON t.id = m.task_id
                            WHERE m.done_on IS NULL AND m.due <= $1 AND t.archived_at IS NULL{visible}
                            ORDER BY m.due, m.id LIMIT ${})
             ORDER BY m.due, m.id",
            params.len()
        );
        let rows: Vec<DueMilestoneRow> =
            with_db!(self, |pool| bind_all!(sqlx::query_as::<_, DueMilestoneRow>(&sql), &params)
                .fetch_all(pool)
                .await?);
        Ok(rows
            .into_iter()
            .map(|r| DueMilestone {
                id: MilestoneId::new(r.id),
                task_id: TaskId::new(r.task_id),
                task_title: r.task_title,
                title: r.title,
                due: r.due,
            })
            .collect())
    }

    /// Whether these agencies have more than `n` tasks between them, counting no further than that.
    async fn agency_tasks_over(&self, agency_ids: &[AgencyId], n: i64) -> Result<bool> {
        let ids: Vec<Param> = agency_ids.iter().map(|a| Param::Int(a.get())).collect();
        let sql = format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM task_agency_roles WHERE agency_id IN ({}) LIMIT {}) x",
            placeholders(1, ids.len()),
            n + 1
        );
        let count: i64 = with_db!(self, |pool| bind_all!(sqlx::query_scalar(&sql), &ids).fetch_one(pool).await?);
        Ok(count > n)
    }

    /// The counts on the home page, of the tasks `scope` admits.
    pub async fn overview(&self, scope: &TaskScope) -> Result<Overview> {
        // One statement for the three: on SQLite each statement is a round trip to its worker thread.
        const COUNTS: &str = "SELECT (SELECT COUNT(*) FROM exchange_pairs), (SELECT COUNT(*) FROM agencies),
            (SELECT COUNT(*) FROM council_meetings)";
        let (pairs, agencies, meetings): (i64, i64, i64) =
            with_db!(self, |pool| sqlx::query_as(COUNTS).fetch_one(pool).await?);
        // An agency takes part when it has a role in a task the reader may see: one look in the
        // roles' (agency, task) index per agency, whatever the number of tasks.
        let mut params = Vec::new();
        let branches =
            scope_branches(scope, &mut params, "t.id", RolesAsked::AsList).unwrap_or_else(|| vec!["1 = 1".into()]);
        let in_tasks_sql = if branches.is_empty() {
            "SELECT 0".to_string()
        } else {
            let any: Vec<String> = branches
                .iter()
                .map(|b| {
                    format!(
                        "EXISTS (SELECT 1 FROM task_agency_roles r JOIN tasks t ON t.id = r.task_id
                         WHERE r.agency_id = a.id AND t.archived_at IS NULL AND {b})"
                    )
                })
                .collect();
            format!("SELECT COUNT(*) FROM agencies a WHERE {}", any.join(" OR "))
        };
        let agencies_in_tasks: i64 =
            with_db!(self, |pool| bind_all!(sqlx::query_scalar(&in_tasks_sql), &params).fetch_one(pool).await?);
        let types: Vec<TypeFilter> =
            TaskType::ALL.iter().map(|t| TypeFilter::Is(*t)).chain([TypeFilter::Unset]).collect();
        let mut filters = vec![FacetFilter::default()];
        filters.extend(types.iter().map(|t| FacetFilter { task_type: Some(*t), ..FacetFilter::default() }));
        filters.extend(TaskStatus::ALL.iter().map(|s| FacetFilter { status: Some(*s), ..FacetFilter::default() }));
        let counts = match self.kept_totals(scope, &filters).await? {
            Some(counts) => counts,
            None => self.count_by_query(scope, &filters).await?,
        };
        let (tasks, rest) = counts.split_first().ok_or_else(|| StoreError::Corrupt("집계가 비었습니다".into()))?;
        let (by_type, by_status) = rest.split_at(types.len());
        let tasks_by_type = types
            .iter()
            .zip(by_type)
            .map(|(t, n)| Count {
                key: match t {
                    TypeFilter::Is(t) => Some(*t),
                    TypeFilter::Unset => None,
                },
                count: *n,
            })
            .collect();
        let tasks_by_status =
            TaskStatus::ALL.iter().zip(by_status).map(|(s, n)| Count { key: *s, count: *n }).collect();
        Ok(Overview { pairs, tasks: *tasks, agencies, agencies_in_tasks, meetings, tasks_by_type, tasks_by_status })
    }

    /// How many tasks `scope` admits under each filter, counted by a query (for readers whose
    /// counts are not kept).
    async fn count_by_query(&self, scope: &TaskScope, filters: &[FacetFilter]) -> Result<Vec<i64>> {
        let mut params = Vec::new();
        let visible = scope_condition(scope, &mut params).map(|c| format!(" AND {c}")).unwrap_or_default();
        let sql = format!(
            "SELECT t.status, t.task_type, COUNT(*) FROM tasks t WHERE t.archived_at IS NULL{visible}
             GROUP BY t.status, t.task_type"
        );
        let groups: Vec<(String, Option<String>, i64)> =
            with_db!(self, |pool| bind_all!(sqlx::query_as(&sql), &params).fetch_all(pool).await?);
        Ok(filters
            .iter()
            .map(|f| {
                groups
                    .iter()
                    .filter(|(status, ty, _)| {
                        f.status.is_none_or(|s| s.as_str() == status)
                            && f.task_type.is_none_or(|t| match t {
                                TypeFilter::Is(t) => ty.as_deref() == Some(t.as_str()),
                                TypeFilter::Unset => ty.is_none(),
                            })
                    })
                    .map(|(_, _, n)| n)
                    .sum()
            })
            .collect())
    }
}

/// The SQL condition (on `tasks t`) that admits what `scope` admits; binds go to `params`. The
/// tasks of one's agencies are a list looked up once in the roles' (agency, task) index, not a
/// probe per task: an officer's lists then cost what the agency's tasks are, not all tasks.
pub(crate) fn scope_condition(scope: &TaskScope, params: &mut Vec<Param>) -> Option<String> {
    scope_condition_on(scope, params, "t.id", RolesAsked::AsList)
}

/// As [`scope_condition`], with the task's id written as `task_id`, for a walk of another index
/// that stops after a page: the rows are checked as that index yields them. `+t.id` (a no-op on
/// both databases) is served by no index, which keeps SQLite from reading the scope's task lists
/// first; [`RolesAsked::ByProbe`] keeps it also from building the agencies' task list, which it
/// otherwise does on every statement (4,417 task ids for 환경부) before the walk's first row.
fn scope_condition_on(scope: &TaskScope, params: &mut Vec<Param>, task_id: &str, roles: RolesAsked) -> Option<String> {
    scope_branches(scope, params, task_id, roles).map(|any| {
        if any.is_empty() {
            "1 = 0".to_string()
        } else {
            format!("({})", any.join(" OR "))
        }
    })
}

/// How a scope asks whether one of its agencies has a role in a task.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RolesAsked {
    /// `task IN (the agencies' tasks)`: the list is read once, and a planner may start from it.
    AsList,
    /// `EXISTS (a role of these agencies in the task)`: one look in the roles' (task, agency)
    /// index per row checked. On SQLite, for 환경부's work list and milestones due, 0.6–0.7 ms
    /// become 0.1 ms. PostgreSQL is left with the list: its planner makes the semi-join itself.
    ByProbe,
}

/// The conditions any one of which admits a task to `scope`, `None` when every task is admitted.
/// Asked one by one (`EXISTS (… b1) OR EXISTS (… b2)`) they keep PostgreSQL from planning one
/// join for all of them at once, which took 50–85 ms for the home page's agencies in tasks.
fn scope_branches(scope: &TaskScope, params: &mut Vec<Param>, task_id: &str, roles: RolesAsked) -> Option<Vec<String>> {
    const PUBLISHED: &str = "(t.archived_at IS NULL AND t.status NOT IN ('proposed', 'tabled'))";
    let list = |ids: Vec<i64>, params: &mut Vec<Param>| {
        let first = params.len() + 1;
        params.extend(ids.iter().map(|i| Param::Int(*i)));
        placeholders(first, ids.len())
    };
    match scope {
        TaskScope::All => None,
        TaskScope::Published => Some(vec![PUBLISHED.to_string()]),
        TaskScope::Limited { agency_ids, position_ids, evaluator_id, include_published } => {
            let mut any = Vec::new();
            if *include_published {
                any.push(PUBLISHED.to_string());
            }
            if !agency_ids.is_empty() {
                let l = list(agency_ids.iter().map(|a| a.get()).collect(), params);
                any.push(match roles {
                    RolesAsked::AsList => {
                        format!("{task_id} IN (SELECT r.task_id FROM task_agency_roles r WHERE r.agency_id IN ({l}))")
                    }
                    RolesAsked::ByProbe => format!(
                        "EXISTS (SELECT 1 FROM task_agency_roles r WHERE r.task_id = {task_id} AND r.agency_id IN ({l}))"
                    ),
                });
            }
            if !position_ids.is_empty() {
                let positions: Vec<i64> = position_ids.iter().map(|p| p.get()).collect();
                let a = list(positions.clone(), params);
                let b = list(positions, params);
                any.push(format!(
                    "t.pair_id IN (SELECT x.id FROM exchange_pairs x WHERE x.position_a_id IN ({a}) OR x.position_b_id IN ({b}))"
                ));
            }
            if let Some(e) = evaluator_id {
                let l = list(vec![e.get()], params);
                any.push(format!("{task_id} IN (SELECT v.task_id FROM evaluator_assignments v WHERE v.user_id = {l})"));
                // On a round's panel, once the round's pledge is signed.
                let l = list(vec![e.get()], params);
                any.push(format!(
                    "{task_id} IN (SELECT m.task_id FROM evaluation_panel_members m JOIN evaluation_pledges g
                     ON g.round_id = m.round_id AND g.evaluator_id = m.evaluator_id WHERE m.evaluator_id = {l})"
                ));
            }
            Some(any)
        }
    }
}

fn group_variants(rows: Vec<VariantRow>) -> HashMap<i64, Vec<NameVariant>> {
    let mut by_record: HashMap<i64, Vec<NameVariant>> = HashMap::new();
    for v in rows {
        by_record.entry(v.record_id).or_default().push(NameVariant { text: v.text, found_in: v.found_in });
    }
    by_record
}

fn meeting_summary(m: MeetingRow) -> MeetingSummary {
    MeetingSummary {
        id: MeetingId::new(m.id),
        council: m.council,
        seq: m.seq,
        title: m.title,
        held_at: m.held_at,
        ends_at: m.ends_at,
        status: m.status.parse().unwrap_or(hanteam_domain::MeetingStatus::Held),
        cancel_reason: m.cancel_reason,
        place: m.place,
        chair: m.chair,
        task_count: m.task_count,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_from_the_first() {
        assert_eq!(placeholders(3, 3), "$3, $4, $5");
    }
}
