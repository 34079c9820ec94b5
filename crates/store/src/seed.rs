//! Loading a built-in dataset: all of it in one transaction, once.

use std::collections::HashMap;

use chrono::Utc;
use hanteam_domain::audit::AuditAction;
use hanteam_domain::dataset::{Dataset, Variant, SEED_TASK_SOURCE, SEED_TASK_STATUS};
use hanteam_domain::{DecisionOutcome, TaskAction, TaskId, TaskStatus};

use crate::audit::{Actor, Change};
use crate::lifecycle::Move;
use crate::tx::Tx;
use crate::{Db, Result, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedOutcome {
    Loaded { tasks: usize },
    AlreadyLoaded,
}

pub(crate) async fn load(db: &Db, d: &Dataset, name: &str, actor: &Actor) -> Result<SeedOutcome> {
    let mut tx = db.begin().await?;
    tx.lock_schema().await?;
    if tx.fetch_optional::<(String,)>("SELECT name FROM dataset_loads WHERE name = $1", &[name.into()]).await?.is_some()
    {
        return Ok(SeedOutcome::AlreadyLoaded);
    }
    let agency_id = |ids: &HashMap<String, i64>, short: &str| {
        ids.get(short).copied().ok_or_else(|| StoreError::Corrupt(format!("없는 기관입니다: '{short}'")))
    };

    let s = &d.source;
    let source_id = tx
        .insert_stamped(
            "source_documents",
            &[
                ("title", s.title.as_str().into()),
                ("publisher", s.publisher.as_str().into()),
                ("department", s.department.as_str().into()),
                ("released_on", s.released_on.into()),
                ("embargo", s.embargo.as_str().into()),
                ("distributed", s.distributed.as_str().into()),
                ("contacts", s.contacts.join("\n").into()),
            ],
        )
        .await?;

    // Agencies may exist already (entered by hand before the first seed): reuse them by short name.
    let mut agencies: HashMap<String, i64> = HashMap::new();
    for a in &d.agencies {
        let existing: Option<(i64,)> =
            tx.fetch_optional("SELECT id FROM agencies WHERE short_name = $1", &[a.short_name.as_str().into()]).await?;
        let id = match existing {
            Some((id,)) => id,
            None => {
                tx.insert_stamped(
                    "agencies",
                    &[
                        ("short_name", a.short_name.as_str().into()),
                        ("name", a.name.as_str().into()),
                        ("name_en", a.name_en.as_str().into()),
                    ],
                )
                .await?
            }
        };
        agencies.insert(a.short_name.clone(), id);
    }

    let g = &d.designation;
    let designation_id = tx
        .insert_stamped(
            "exchange_designations",
            &[
                ("designated_on", g.designated_on.into()),
                ("announced_by_agency_id", agency_id(&agencies, &g.announced_by)?.into()),
                ("position_count", g.position_count.into()),
                ("note", g.note.as_str().into()),
                ("source_document_id", source_id.into()),
            ],
        )
        .await?;

    let at = tx.at();
    let mut task_ids = Vec::new();
    let mut pair_ids = Vec::new();
    for (p, pair) in d.pairs.iter().enumerate() {
        let mut position_ids = Vec::new();
        for pos in &pair.positions {
            let position_id = tx
                .insert_stamped(
                    "positions",
                    &[
                        ("agency_id", agency_id(&agencies, &pos.agency)?.into()),
                        ("title", pos.title.as_str().into()),
                        ("level", pos.level.as_str().into()),
                    ],
                )
                .await?;
            for v in &pos.variants {
                variant(&mut tx, "position", position_id, v).await?;
            }
            let exchangee_id = tx
                .insert_stamped(
                    "exchangees",
                    &[("position_id", position_id.into()), ("expertise", (&pos.expertise).into())],
                )
                .await?;
            for (c, career) in pos.careers.iter().enumerate() {
                let career_agency = match &career.agency {
                    Some(a) => Some(agency_id(&agencies, a)?),
                    None => None,
                };
                tx.insert_stamped(
                    "exchangee_careers",
                    &[
                        ("exchangee_id", exchangee_id.into()),
                        ("seq", (c as i64 + 1).into()),
                        ("agency_id", career_agency.into()),
                        ("title", (&career.title).into()),
                        ("note", (&career.note).into()),
                    ],
                )
                .await?;
            }
            position_ids.push(position_id);
        }
        let pair_id = tx
            .insert_stamped(
                "exchange_pairs",
                &[
                    ("seq", (p as i64 + 1).into()),
                    ("theme", pair.theme.as_str().into()),
                    ("position_a_id", position_ids[0].into()),
                    ("position_b_id", position_ids[1].into()),
                    ("designation_id", designation_id.into()),
                ],
            )
            .await?;
        for v in &pair.variants {
            variant(&mut tx, "exchange_pair", pair_id, v).await?;
        }
        pair_ids.push(pair_id);
    }

    for (seq, pair_seq, t) in d.numbered_tasks() {
        let pair = &d.pairs[(pair_seq - 1) as usize];
        let task_id = tx
            .insert_stamped(
                "tasks",
                &[
                    ("seq", seq.into()),
                    ("pair_id", pair_ids[(pair_seq - 1) as usize].into()),
                    ("title", t.title.as_str().into()),
                    ("task_type", t.task_type.map(|ty| ty.as_str()).into()),
                    ("source", SEED_TASK_SOURCE.as_str().into()),
                    ("status", SEED_TASK_STATUS.as_str().into()),
                    ("description", (&t.description).into()),
                ],
            )
            .await?;
        let task = TaskId::new(task_id);
        // Both agencies of the pair take part; the release gives their roles only for the case examples.
        for pos in &pair.positions {
            let role = t.roles.iter().find(|r| r.agency == pos.agency).map(|r| r.text.as_str());
            tx.insert_stamped(
                "task_agency_roles",
                &[
                    ("task_id", task.into()),
                    ("agency_id", agency_id(&agencies, &pos.agency)?.into()),
                    ("role", role.into()),
                ],
            )
            .await?;
        }
        for kpi in &t.kpis {
            tx.insert_part(task, kpi).await?;
        }
        for milestone in &t.milestones {
            tx.insert_part(task, milestone).await?;
        }
        for procedure in &t.procedures {
            tx.insert_part(task, procedure).await?;
        }
        for v in &t.variants {
            variant(&mut tx, "task", task_id, v).await?;
        }
        task_ids.push(task_id);
    }

    for m in &d.meetings {
        let meeting_id = tx
            .insert_stamped(
                "council_meetings",
                &[
                    ("council", m.council.as_str().into()),
                    ("seq", m.seq.into()),
                    ("title", m.title.as_str().into()),
                    ("held_at", m.held_at.with_timezone(&Utc).into()),
                    ("place", m.place.as_str().into()),
                    ("chair", m.chair.as_str().into()),
                    ("chair_name", m.chair_name.as_str().into()),
                    ("purpose", m.purpose.as_str().into()),
                    ("remarks", m.remarks.as_str().into()),
                    ("source_document_id", source_id.into()),
                ],
            )
            .await?;
        for (i, item) in m.agenda.iter().enumerate() {
            let item_id = tx
                .insert_stamped(
                    "meeting_agenda_items",
                    &[
                        ("meeting_id", meeting_id.into()),
                        ("seq", (i as i64 + 1).into()),
                        ("title", item.title.as_str().into()),
                    ],
                )
                .await?;
            for (k, decision) in item.decisions.iter().enumerate() {
                tx.insert_stamped(
                    "meeting_decisions",
                    &[
                        ("agenda_item_id", item_id.into()),
                        ("seq", (k as i64 + 1).into()),
                        ("text", decision.text.as_str().into()),
                    ],
                )
                .await?;
            }
            if item.tables_all_tasks {
                for task_id in &task_ids {
                    tx.execute(
                        "INSERT INTO meeting_tasks (agenda_item_id, task_id, outcome) VALUES ($1, $2, $3)",
                        &[item_id.into(), (*task_id).into(), DecisionOutcome::Confirmed.as_str().into()],
                    )
                    .await?;
                    // The confirmation opens the task's history, made by the meeting itself.
                    let council = Actor { user_id: None, label: m.title.clone(), client_addr: None };
                    let confirm = Move {
                        task: TaskId::new(*task_id),
                        action: TaskAction::Confirm,
                        from: TaskStatus::Tabled,
                        to: TaskStatus::Confirmed,
                        reason: None,
                        meeting: Some(hanteam_domain::MeetingId::new(meeting_id)),
                    };
                    tx.record_move_at(&council, &confirm, m.held_at.with_timezone(&Utc)).await?;
                }
            }
        }
    }

    let loaded: Vec<hanteam_domain::TaskId> = task_ids.iter().map(|id| hanteam_domain::TaskId::new(*id)).collect();
    tx.refresh_tasks(&loaded).await?;
    tx.execute("INSERT INTO dataset_loads (name, loaded_at) VALUES ($1, $2)", &[name.into(), at.into()]).await?;
    let detail = serde_json::json!({ "dataset": name, "tasks": task_ids.len(), "agencies": agencies.len() });
    tx.audit(actor, Change::of(AuditAction::DatasetLoad, "dataset", None, None::<&()>, Some(&detail))).await?;
    tx.commit().await?;
    Ok(SeedOutcome::Loaded { tasks: task_ids.len() })
}

/// Another wording of a name in the source, kept beside the record.
async fn variant(tx: &mut Tx, record_type: &str, record_id: i64, v: &Variant) -> Result<()> {
    let at = tx.at();
    tx.execute(
        "INSERT INTO name_variants (record_type, record_id, text, found_in, created_at) VALUES ($1, $2, $3, $4, $5)",
        &[record_type.into(), record_id.into(), v.text.as_str().into(), v.found_in.as_str().into(), at.into()],
    )
    .await?;
    Ok(())
}
