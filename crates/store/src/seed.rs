//! Loading a built-in dataset: all of it in one transaction, once.

use std::collections::HashMap;

use chrono::Utc;
use hanteam_domain::dataset::{Dataset, SEED_TASK_SOURCE, SEED_TASK_STATUS};

use crate::audit::{append_audit, entry, head_sql, snapshot, Actor};
use crate::{migrate::schema_lock_sql, with_db, Db, Result, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedOutcome {
    Loaded { tasks: usize },
    AlreadyLoaded,
}

pub(crate) async fn load(db: &Db, d: &Dataset, name: &str) -> Result<SeedOutcome> {
    let lock = schema_lock_sql(db);
    let (head, begin) = (head_sql(db), crate::audit::begin_write_sql(db));
    let now = crate::audit::now();
    let agency_id = |ids: &HashMap<String, i64>, short: &str| {
        ids.get(short).copied().ok_or_else(|| StoreError::Corrupt(format!("기관 '{short}'이(가) 없습니다")))
    };
    with_db!(db, |pool| {
        let mut tx = pool.begin_with(begin).await?;
        if let Some(lock) = lock {
            sqlx::query(lock).execute(&mut *tx).await?;
        }
        let seen: Option<String> = sqlx::query_scalar("SELECT name FROM dataset_loads WHERE name = $1")
            .bind(name)
            .fetch_optional(&mut *tx)
            .await?;
        if seen.is_some() {
            return Ok(SeedOutcome::AlreadyLoaded);
        }

        let s = &d.source;
        let source_id: i64 = sqlx::query_scalar(
            "INSERT INTO source_documents (title, publisher, department, released_on, embargo, distributed, contacts,
                created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
        )
        .bind(&s.title)
        .bind(&s.publisher)
        .bind(&s.department)
        .bind(s.released_on)
        .bind(&s.embargo)
        .bind(&s.distributed)
        .bind(s.contacts.join("\n"))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;

        // Agencies may exist already (entered by hand before the first seed): reuse them by short name.
        let mut agencies: HashMap<String, i64> = HashMap::new();
        for a in &d.agencies {
            let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM agencies WHERE short_name = $1")
                .bind(&a.short_name)
                .fetch_optional(&mut *tx)
                .await?;
            let id = match existing {
                Some(id) => id,
                None => {
                    sqlx::query_scalar(
                        "INSERT INTO agencies (short_name, name, name_en, created_at, updated_at)
                         VALUES ($1, $2, $3, $4, $4) RETURNING id",
                    )
                    .bind(&a.short_name)
                    .bind(&a.name)
                    .bind(&a.name_en)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?
                }
            };
            agencies.insert(a.short_name.clone(), id);
        }

        let g = &d.designation;
        let designation_id: i64 = sqlx::query_scalar(
            "INSERT INTO exchange_designations (designated_on, announced_by_agency_id, position_count, note,
                source_document_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        )
        .bind(g.designated_on)
        .bind(agency_id(&agencies, &g.announced_by)?)
        .bind(g.position_count)
        .bind(&g.note)
        .bind(source_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;

        let mut task_ids = Vec::new();
        let mut pair_ids = Vec::new();
        for (p, pair) in d.pairs.iter().enumerate() {
            let mut position_ids = Vec::new();
            for pos in &pair.positions {
                let position_id: i64 = sqlx::query_scalar(
                    "INSERT INTO positions (agency_id, title, level, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $4) RETURNING id",
                )
                .bind(agency_id(&agencies, &pos.agency)?)
                .bind(&pos.title)
                .bind(pos.level.as_str())
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                for v in &pos.variants {
                    sqlx::query(
                        "INSERT INTO name_variants (record_type, record_id, text, found_in, created_at)
                         VALUES ('position', $1, $2, $3, $4)",
                    )
                    .bind(position_id)
                    .bind(&v.text)
                    .bind(&v.found_in)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                let exchangee_id: i64 = sqlx::query_scalar(
                    "INSERT INTO exchangees (position_id, expertise, created_at, updated_at)
                     VALUES ($1, $2, $3, $3) RETURNING id",
                )
                .bind(position_id)
                .bind(&pos.expertise)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                for (c, career) in pos.careers.iter().enumerate() {
                    let career_agency = match &career.agency {
                        Some(a) => Some(agency_id(&agencies, a)?),
                        None => None,
                    };
                    sqlx::query(
                        "INSERT INTO exchangee_careers (exchangee_id, seq, agency_id, title, note, created_at, updated_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $6)",
                    )
                    .bind(exchangee_id)
                    .bind(c as i64 + 1)
                    .bind(career_agency)
                    .bind(&career.title)
                    .bind(&career.note)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                position_ids.push(position_id);
            }
            let pair_id: i64 = sqlx::query_scalar(
                "INSERT INTO exchange_pairs (seq, theme, position_a_id, position_b_id, designation_id, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
            )
            .bind(p as i64 + 1)
            .bind(&pair.theme)
            .bind(position_ids[0])
            .bind(position_ids[1])
            .bind(designation_id)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            pair_ids.push(pair_id);
        }

        for (seq, pair_seq, t) in d.numbered_tasks() {
            let pair = &d.pairs[(pair_seq - 1) as usize];
            let task_id: i64 = sqlx::query_scalar(
                "INSERT INTO tasks (seq, pair_id, title, task_type, source, status, description, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
            )
            .bind(seq)
            .bind(pair_ids[(pair_seq - 1) as usize])
            .bind(&t.title)
            .bind(t.task_type.map(|ty| ty.as_str()))
            .bind(SEED_TASK_SOURCE.as_str())
            .bind(SEED_TASK_STATUS.as_str())
            .bind(&t.description)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            // Both agencies of the pair take part; the release gives their roles only for the case examples.
            for pos in &pair.positions {
                let role = t.roles.iter().find(|r| r.agency == pos.agency).map(|r| r.text.as_str());
                sqlx::query(
                    "INSERT INTO task_agency_roles (task_id, agency_id, role, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $4)",
                )
                .bind(task_id)
                .bind(agency_id(&agencies, &pos.agency)?)
                .bind(role)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            for (k, kpi) in t.kpis.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO task_kpis (task_id, seq, name, baseline_value, target_value, unit, due, note,
                        created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
                )
                .bind(task_id)
                .bind(k as i64 + 1)
                .bind(&kpi.name)
                .bind(kpi.baseline)
                .bind(kpi.target)
                .bind(&kpi.unit)
                .bind(kpi.due)
                .bind(&kpi.note)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            for (m, ms) in t.milestones.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO task_milestones (task_id, seq, title, due, done_on, note, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
                )
                .bind(task_id)
                .bind(m as i64 + 1)
                .bind(&ms.title)
                .bind(ms.due)
                .bind(ms.done_on)
                .bind(&ms.note)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            for v in &t.variants {
                sqlx::query(
                    "INSERT INTO name_variants (record_type, record_id, text, found_in, created_at)
                     VALUES ('task', $1, $2, $3, $4)",
                )
                .bind(task_id)
                .bind(&v.text)
                .bind(&v.found_in)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            task_ids.push(task_id);
        }

        for m in &d.meetings {
            let meeting_id: i64 = sqlx::query_scalar(
                "INSERT INTO council_meetings (council, seq, title, held_at, place, chair, chair_name, purpose, remarks,
                    source_document_id, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
            )
            .bind(&m.council)
            .bind(m.seq)
            .bind(&m.title)
            .bind(m.held_at.with_timezone(&Utc))
            .bind(&m.place)
            .bind(&m.chair)
            .bind(&m.chair_name)
            .bind(&m.purpose)
            .bind(&m.remarks)
            .bind(source_id)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            for (i, item) in m.agenda.iter().enumerate() {
                let item_id: i64 = sqlx::query_scalar(
                    "INSERT INTO meeting_agenda_items (meeting_id, seq, title, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $4) RETURNING id",
                )
                .bind(meeting_id)
                .bind(i as i64 + 1)
                .bind(&item.title)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                for (k, decision) in item.decisions.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO meeting_decisions (agenda_item_id, seq, text, created_at, updated_at)
                         VALUES ($1, $2, $3, $4, $4)",
                    )
                    .bind(item_id)
                    .bind(k as i64 + 1)
                    .bind(&decision.text)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                if item.tables_all_tasks {
                    for task_id in &task_ids {
                        sqlx::query(
                            "INSERT INTO meeting_tasks (agenda_item_id, task_id, outcome) VALUES ($1, $2, 'confirmed')",
                        )
                        .bind(item_id)
                        .bind(*task_id)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
            }
        }

        sqlx::query("INSERT INTO dataset_loads (name, loaded_at) VALUES ($1, $2)")
            .bind(name)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let detail = serde_json::json!({ "dataset": name, "tasks": task_ids.len(), "agencies": agencies.len() });
        let e = entry(&Actor::system(), "dataset.load", "dataset", None, None, snapshot(&detail));
        append_audit!(tx, head, e);
        tx.commit().await?;
        Ok(SeedOutcome::Loaded { tasks: task_ids.len() })
    })
}
