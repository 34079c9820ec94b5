//! Read queries. Each is written once; `with_db!` runs it on either backend.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use hanteam_domain::access::TaskScope;
use hanteam_domain::filter::TypeFilter;
use hanteam_domain::{
    AgencyId, AgencyRef, DecisionOutcome, ExchangeeId, Kpi, KpiId, MeetingId, Milestone, MilestoneId, PairId,
    PositionId, PositionLevel, TaskFilter, TaskId, TaskSource, TaskStatus, TaskType,
};

use crate::views::*;
use crate::{with_db, Db, Result, StoreError};

/// A value bound to a query built at run time.
enum Param {
    Int(i64),
    Text(String),
}

macro_rules! bind_all {
    ($query:expr, $params:expr) => {{
        let mut q = $query;
        for p in $params {
            q = match p {
                Param::Int(i) => q.bind(*i),
                Param::Text(s) => q.bind(s.clone()),
            };
        }
        q
    }};
}

/// `$first, $first+1, …` for an `IN (…)` list of `n` values.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// A LIKE pattern that matches `term` anywhere, with LIKE's wildcards in the term taken literally.
fn contains_pattern(term: &str) -> String {
    let escaped = term.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
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
}

#[derive(sqlx::FromRow)]
struct TaskAgencyRow {
    task_id: i64,
    agency_id: i64,
    short_name: String,
    role: Option<String>,
    version: i64,
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
    lead_agency_id: Option<i64>,
    lead_short_name: Option<String>,
    archived_at: Option<DateTime<Utc>>,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
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

#[derive(sqlx::FromRow)]
struct CountRow {
    key: Option<String>,
    count: i64,
}

const TASK_COLUMNS: &str = "t.id, t.seq, t.title, t.task_type, t.status, t.source, t.pair_id";

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

    /// Tasks matching `filter` (archived ones left out), in annex order, with the total before paging.
    /// `agency_id` is the filter's agency, already resolved by [`Db::find_agency`].
    /// Only the tasks `scope` admits are counted and listed.
    pub async fn list_tasks(
        &self,
        scope: &TaskScope,
        filter: &TaskFilter,
        agency_id: Option<AgencyId>,
    ) -> Result<Page<TaskSummary>> {
        let mut conditions = vec!["t.archived_at IS NULL".to_string()];
        let mut params: Vec<Param> = Vec::new();
        let next = |params: &mut Vec<Param>, p: Param| {
            params.push(p);
            format!("${}", params.len())
        };
        if let Some(c) = scope_condition(scope, &mut params) {
            conditions.push(c);
        }
        if let Some(id) = agency_id {
            let p = next(&mut params, Param::Int(id.get()));
            conditions.push(format!(
                "EXISTS (SELECT 1 FROM task_agency_roles r WHERE r.task_id = t.id AND r.agency_id = {p})"
            ));
        }
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
        // Substring match, so two-syllable Korean words (용수, 달걀) are found; every word must match
        // the title, the description or an agency's role.
        for term in &filter.terms {
            let p = next(&mut params, Param::Text(contains_pattern(term)));
            conditions.push(format!(
                "(LOWER(t.title) LIKE {p} ESCAPE '\\' OR LOWER(COALESCE(t.description, '')) LIKE {p} ESCAPE '\\'
                  OR EXISTS (SELECT 1 FROM task_agency_roles r WHERE r.task_id = t.id
                             AND LOWER(COALESCE(r.role, '')) LIKE {p} ESCAPE '\\'))"
            ));
        }
        let where_sql = conditions.join(" AND ");
        let count_sql = format!("SELECT COUNT(*) FROM tasks t WHERE {where_sql}");
        let limit = next(&mut params, Param::Int(filter.limit));
        let offset = next(&mut params, Param::Int(filter.offset));
        let page_sql = format!(
            "SELECT {TASK_COLUMNS} FROM tasks t WHERE {where_sql} ORDER BY t.seq, t.id LIMIT {limit} OFFSET {offset}"
        );
        let count_params = &params[..params.len() - 2];
        let (total, rows): (i64, Vec<TaskRow>) = with_db!(self, |pool| {
            let total = bind_all!(sqlx::query_scalar(&count_sql), count_params).fetch_one(pool).await?;
            let rows = bind_all!(sqlx::query_as::<_, TaskRow>(&page_sql), &params).fetch_all(pool).await?;
            (total, rows)
        });
        let items = self.task_summaries(rows).await?;
        Ok(Page { items, total })
    }

    async fn task_summaries(&self, rows: Vec<TaskRow>) -> Result<Vec<TaskSummary>> {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut agencies = self.task_agencies(&ids).await?;
        rows.into_iter()
            .map(|r| {
                Ok(TaskSummary {
                    agencies: agencies.remove(&r.id).unwrap_or_default(),
                    id: TaskId::new(r.id),
                    seq: r.seq,
                    title: r.title,
                    task_type: parse_opt::<TaskType>(r.task_type.as_deref())?,
                    status: parse::<TaskStatus>(&r.status)?,
                    source: parse::<TaskSource>(&r.source)?,
                    pair_id: r.pair_id.map(PairId::new),
                })
            })
            .collect()
    }

    async fn task_agencies(&self, task_ids: &[i64]) -> Result<HashMap<i64, Vec<TaskAgency>>> {
        if task_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "SELECT r.task_id, a.id AS agency_id, a.short_name, r.role, r.version FROM task_agency_roles r
             JOIN agencies a ON a.id = r.agency_id WHERE r.task_id IN ({}) ORDER BY r.task_id, r.id",
            placeholders(1, task_ids.len())
        );
        let rows: Vec<TaskAgencyRow> = with_db!(self, |pool| {
            let mut q = sqlx::query_as::<_, TaskAgencyRow>(&sql);
            for id in task_ids {
                q = q.bind(*id);
            }
            q.fetch_all(pool).await?
        });
        let mut by_task: HashMap<i64, Vec<TaskAgency>> = HashMap::new();
        for r in rows {
            by_task.entry(r.task_id).or_default().push(TaskAgency {
                id: AgencyId::new(r.agency_id),
                short_name: r.short_name,
                role: r.role,
                role_version: r.version,
            });
        }
        Ok(by_task)
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
        let pair_ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let task_sql = format!(
            "SELECT id, pair_id FROM tasks WHERE archived_at IS NULL AND pair_id IN ({}) ORDER BY seq",
            placeholders(1, pair_ids.len())
        );
        let pair_params: Vec<Param> = pair_ids.iter().map(|i| Param::Int(*i)).collect();
        let task_rows: Vec<(i64, i64)> = with_db!(self, |pool| {
            bind_all!(sqlx::query_as::<_, (i64, i64)>(&task_sql), &pair_params).fetch_all(pool).await?
        });
        let position_ids: Vec<i64> = rows.iter().flat_map(|r| [r.position_a_id, r.position_b_id]).collect();
        let mut positions = self.positions(&position_ids).await?;
        rows.into_iter()
            .map(|r| {
                let mut take = |id: i64| {
                    positions.remove(&id).ok_or_else(|| StoreError::Corrupt(format!("교류직위 {id}이(가) 없습니다")))
                };
                Ok(ExchangePair {
                    positions: vec![take(r.position_a_id)?, take(r.position_b_id)?],
                    task_ids: task_rows
                        .iter()
                        .filter(|(_, pair)| *pair == r.id)
                        .map(|(id, _)| TaskId::new(*id))
                        .collect(),
                    id: PairId::new(r.id),
                    version: r.version,
                    seq: r.seq,
                    theme: r.theme,
                    designated_on: r.designated_on,
                })
            })
            .collect()
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
        let summary_sql = format!("SELECT {TASK_COLUMNS} FROM tasks t WHERE t.id = $1");
        let found = with_db!(self, |pool| {
            let row = sqlx::query_as::<_, TaskRow>(&summary_sql).bind(id).fetch_optional(pool).await?;
            match row {
                None => None,
                Some(row) => {
                    let detail = sqlx::query_as::<_, TaskDetailRow>(
                        "SELECT t.description, t.lead_agency_id, a.short_name AS lead_short_name, t.archived_at,
                                t.version, t.created_at, t.updated_at
                         FROM tasks t LEFT JOIN agencies a ON a.id = t.lead_agency_id WHERE t.id = $1",
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
                    Some((row, detail, kpis, milestones, variants, meetings))
                }
            }
        });
        let Some((row, detail, kpis, milestones, variants, meetings)) = found else {
            return Ok(None);
        };
        let pair = match row.pair_id {
            Some(pair_id) => self.pairs_where("p.id = $1", vec![Param::Int(pair_id)]).await?.into_iter().next(),
            None => None,
        };
        let summary = self.task_summaries(vec![row]).await?.remove(0);
        Ok(Some(TaskDetail {
            summary,
            description: detail.description,
            lead_agency: match (detail.lead_agency_id, detail.lead_short_name) {
                (Some(id), Some(short_name)) => Some(AgencyBrief { id: AgencyId::new(id), short_name }),
                _ => None,
            },
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
            version: detail.version,
            created_at: detail.created_at,
            updated_at: detail.updated_at,
        }))
    }

    async fn meetings_where(&self, condition: &str, params: Vec<Param>) -> Result<Vec<MeetingRow>> {
        let sql = format!(
            "SELECT m.id, m.council, m.seq, m.title, m.held_at, m.place, m.chair,
                    (SELECT COUNT(*) FROM meeting_tasks mt JOIN meeting_agenda_items i ON i.id = mt.agenda_item_id
                     WHERE i.meeting_id = m.id) AS task_count,
                    m.chair_name, m.purpose, m.remarks, m.source_document_id, m.version
             FROM council_meetings m WHERE {condition} ORDER BY m.held_at, m.id"
        );
        Ok(with_db!(self, |pool| { bind_all!(sqlx::query_as::<_, MeetingRow>(&sql), &params).fetch_all(pool).await? }))
    }

    pub async fn list_meetings(&self) -> Result<Vec<MeetingSummary>> {
        Ok(self.meetings_where("1 = 1", vec![]).await?.into_iter().map(meeting_summary).collect())
    }

    pub async fn get_meeting(&self, id: MeetingId) -> Result<Option<MeetingDetail>> {
        let id = id.get();
        let Some(m) = self.meetings_where("m.id = $1", vec![Param::Int(id)]).await?.pop() else {
            return Ok(None);
        };
        let (items, decisions, tabled, source) = with_db!(self, |pool| {
            let items = sqlx::query_as::<_, AgendaRow>(
                "SELECT id, seq, title FROM meeting_agenda_items WHERE meeting_id = $1 ORDER BY seq, id",
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
            let tabled = sqlx::query_as::<_, TabledRow>(
                "SELECT mt.agenda_item_id, t.id, t.seq, t.title, mt.outcome FROM meeting_tasks mt
                 JOIN meeting_agenda_items i ON i.id = mt.agenda_item_id JOIN tasks t ON t.id = mt.task_id
                 WHERE i.meeting_id = $1 ORDER BY t.seq",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
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

    /// The counts on the home page, of the tasks `scope` admits.
    pub async fn overview(&self, scope: &TaskScope) -> Result<Overview> {
        let mut params = Vec::new();
        let visible = match scope_condition(scope, &mut params) {
            Some(c) => format!("t.archived_at IS NULL AND {c}"),
            None => "t.archived_at IS NULL".to_string(),
        };
        let tasks_sql = format!("SELECT COUNT(*) FROM tasks t WHERE {visible}");
        let by_type_sql =
            format!("SELECT t.task_type AS key, COUNT(*) AS count FROM tasks t WHERE {visible} GROUP BY t.task_type");
        let by_status_sql =
            format!("SELECT t.status AS key, COUNT(*) AS count FROM tasks t WHERE {visible} GROUP BY t.status");
        let (pairs, tasks, agencies, meetings, by_type, by_status) = with_db!(self, |pool| {
            let count = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql).fetch_one(pool);
            (
                count("SELECT COUNT(*) FROM exchange_pairs").await?,
                bind_all!(sqlx::query_scalar::<_, i64>(&tasks_sql), &params).fetch_one(pool).await?,
                count("SELECT COUNT(*) FROM agencies").await?,
                count("SELECT COUNT(*) FROM council_meetings").await?,
                bind_all!(sqlx::query_as::<_, CountRow>(&by_type_sql), &params).fetch_all(pool).await?,
                bind_all!(sqlx::query_as::<_, CountRow>(&by_status_sql), &params).fetch_all(pool).await?,
            )
        });
        let count_of =
            |rows: &[CountRow], key: Option<&str>| rows.iter().find(|r| r.key.as_deref() == key).map_or(0, |r| r.count);
        let mut tasks_by_type: Vec<Count<Option<TaskType>>> = TaskType::ALL
            .iter()
            .map(|t| Count { key: Some(*t), count: count_of(&by_type, Some(t.as_str())) })
            .collect();
        tasks_by_type.push(Count { key: None, count: count_of(&by_type, None) });
        let tasks_by_status =
            TaskStatus::ALL.iter().map(|s| Count { key: *s, count: count_of(&by_status, Some(s.as_str())) }).collect();
        Ok(Overview { pairs, tasks, agencies, meetings, tasks_by_type, tasks_by_status })
    }
}

/// The SQL condition (on `tasks t`) that admits what `scope` admits; binds go to `params`.
fn scope_condition(scope: &TaskScope, params: &mut Vec<Param>) -> Option<String> {
    const PUBLISHED: &str = "(t.archived_at IS NULL AND t.status <> 'proposed')";
    let list = |ids: Vec<i64>, params: &mut Vec<Param>| {
        let first = params.len() + 1;
        params.extend(ids.iter().map(|i| Param::Int(*i)));
        placeholders(first, ids.len())
    };
    match scope {
        TaskScope::All => None,
        TaskScope::Published => Some(PUBLISHED.to_string()),
        TaskScope::Limited { agency_ids, position_ids, evaluator_id, include_published } => {
            let mut any = Vec::new();
            if *include_published {
                any.push(PUBLISHED.to_string());
            }
            if !agency_ids.is_empty() {
                let l = list(agency_ids.iter().map(|a| a.get()).collect(), params);
                any.push(format!(
                    "EXISTS (SELECT 1 FROM task_agency_roles r WHERE r.task_id = t.id AND r.agency_id IN ({l}))"
                ));
            }
            if !position_ids.is_empty() {
                let positions: Vec<i64> = position_ids.iter().map(|p| p.get()).collect();
                let a = list(positions.clone(), params);
                let b = list(positions, params);
                any.push(format!(
                    "EXISTS (SELECT 1 FROM exchange_pairs x WHERE x.id = t.pair_id AND (x.position_a_id IN ({a}) OR x.position_b_id IN ({b})))"
                ));
            }
            if let Some(e) = evaluator_id {
                let l = list(vec![e.get()], params);
                any.push(format!(
                    "EXISTS (SELECT 1 FROM evaluator_assignments v WHERE v.task_id = t.id AND v.user_id = {l})"
                ));
            }
            Some(if any.is_empty() { "1 = 0".to_string() } else { format!("({})", any.join(" OR ")) })
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
        place: m.place,
        chair: m.chair,
        task_count: m.task_count,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_in_a_search_word_are_taken_literally() {
        assert_eq!(contains_pattern("50%"), "%50\\%%");
        assert_eq!(contains_pattern("a_b"), "%a\\_b%");
        assert_eq!(contains_pattern("반도체"), "%반도체%");
    }

    #[test]
    fn placeholders_number_from_the_first() {
        assert_eq!(placeholders(3, 3), "$3, $4, $5");
    }
}
