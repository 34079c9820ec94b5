//! The names an audit page shows for the records and people its entries mention, read in one query
//! for the whole page (never one per row): tasks by number and title, parts of a task with their
//! task, agencies, positions and pairs, accounts by name and login.

use std::collections::BTreeMap;

use crate::{with_db, Db, Result};

/// One record named: see [`hanteam_domain::audit::names::RecordFacts`] for what each part holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordName {
    pub record_type: String,
    pub id: i64,
    pub name: Option<String>,
    pub detail: Option<String>,
    pub seq: Option<i64>,
    /// The task the record is part of (for a task, itself).
    pub task: Option<TaskOfRecord>,
}

/// A task as a name needs it, with what says who may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskOfRecord {
    pub id: i64,
    pub seq: i64,
    pub title: String,
    pub status: String,
    pub archived: bool,
}

#[derive(sqlx::FromRow)]
struct NameRow {
    kind: String,
    id: i64,
    name: Option<String>,
    detail: Option<String>,
    seq: Option<i64>,
    task_id: Option<i64>,
    task_seq: Option<i64>,
    task_title: Option<String>,
    task_status: Option<String>,
    task_archived: Option<i64>,
}

const TASK: [&str; 5] =
    ["t.id", "t.seq", "t.title", "t.status", "CAST(CASE WHEN t.archived_at IS NULL THEN 0 ELSE 1 END AS BIGINT)"];
const NO_TASK: [&str; 5] = [
    "CAST(NULL AS BIGINT)",
    "CAST(NULL AS BIGINT)",
    "CAST(NULL AS TEXT)",
    "CAST(NULL AS TEXT)",
    "CAST(NULL AS BIGINT)",
];
const NO_TEXT: &str = "CAST(NULL AS TEXT)";
const NO_NUMBER: &str = "CAST(NULL AS BIGINT)";
const PAIR_OF_POSITION: &str =
    "(SELECT MIN(x.seq) FROM exchange_pairs x WHERE x.position_a_id = p.id OR x.position_b_id = p.id)";
const COLUMNS: [&str; 10] =
    ["kind", "id", "name", "detail", "seq", "task_id", "task_seq", "task_title", "task_status", "task_archived"];

/// The `SELECT` naming records of one type, `{ids}` standing for the list of ids; columns as
/// [`NameRow`]. `None` for a record type that has no name of its own (a dataset).
fn select_of(record_type: &str) -> Option<String> {
    let (own, task, from): ([&str; 4], [&str; 5], &str) = match record_type {
        "task" => (["t.id", "t.title", NO_TEXT, "t.seq"], TASK, "tasks t WHERE t.id"),
        "task_agency_role" => (
            ["r.id", "a.short_name", NO_TEXT, NO_NUMBER],
            TASK,
            "task_agency_roles r JOIN tasks t ON t.id = r.task_id JOIN agencies a ON a.id = r.agency_id WHERE r.id",
        ),
        "task_kpi" => {
            (["k.id", "k.name", NO_TEXT, NO_NUMBER], TASK, "task_kpis k JOIN tasks t ON t.id = k.task_id WHERE k.id")
        }
        "task_milestone" => (
            ["m.id", "m.title", NO_TEXT, NO_NUMBER],
            TASK,
            "task_milestones m JOIN tasks t ON t.id = m.task_id WHERE m.id",
        ),
        "task_procedure" => (
            ["p.id", "p.name", NO_TEXT, NO_NUMBER],
            TASK,
            "task_procedures p JOIN tasks t ON t.id = p.task_id WHERE p.id",
        ),
        // A memo is named by its number, not its text.
        "task_memo" => {
            (["m.id", NO_TEXT, NO_TEXT, NO_NUMBER], TASK, "task_memos m JOIN tasks t ON t.id = m.task_id WHERE m.id")
        }
        "agency" => (["a.id", "a.name", "a.short_name", NO_NUMBER], NO_TASK, "agencies a WHERE a.id"),
        "position" => (
            ["p.id", "p.title", "a.short_name", PAIR_OF_POSITION],
            NO_TASK,
            "positions p JOIN agencies a ON a.id = p.agency_id WHERE p.id",
        ),
        "exchange_pair" => (["x.id", "x.theme", NO_TEXT, "x.seq"], NO_TASK, "exchange_pairs x WHERE x.id"),
        "exchangee" => (
            ["e.id", "e.name", "a.short_name || ' ' || p.title", PAIR_OF_POSITION],
            NO_TASK,
            "exchangees e JOIN positions p ON p.id = e.position_id JOIN agencies a ON a.id = p.agency_id WHERE e.id",
        ),
        "user" => (["u.id", "u.display_name", "u.login", NO_NUMBER], NO_TASK, "users u WHERE u.id"),
        "api_token" => (
            ["k.id", "k.name", "u.login", NO_NUMBER],
            NO_TASK,
            "api_tokens k JOIN users u ON u.id = k.user_id WHERE k.id",
        ),
        "notification" => (
            ["n.id", "n.title", "u.display_name", NO_NUMBER],
            NO_TASK,
            "notifications n JOIN users u ON u.id = n.user_id WHERE n.id",
        ),
        "evaluator_affiliation" => (
            ["f.id", "f.organization", "u.display_name", NO_NUMBER],
            NO_TASK,
            "evaluator_affiliations f JOIN users u ON u.id = f.user_id WHERE f.id",
        ),
        "follow_up" => {
            (["f.id", "f.title", NO_TEXT, NO_NUMBER], TASK, "follow_ups f JOIN tasks t ON t.id = f.task_id WHERE f.id")
        }
        "bottleneck" => (
            ["b.id", "b.description", NO_TEXT, NO_NUMBER],
            TASK,
            "bottlenecks b JOIN tasks t ON t.id = b.task_id WHERE b.id",
        ),
        "bottleneck_agency" => (
            ["ba.id", "a.short_name", NO_TEXT, NO_NUMBER],
            TASK,
            "bottleneck_agencies ba JOIN bottlenecks b ON b.id = ba.bottleneck_id JOIN tasks t ON t.id = b.task_id
             JOIN agencies a ON a.id = ba.agency_id WHERE ba.id",
        ),
        "mediation_meeting" => (
            ["mm.id", "mm.venue", NO_TEXT, NO_NUMBER],
            TASK,
            "mediation_meetings mm JOIN bottlenecks b ON b.id = mm.bottleneck_id JOIN tasks t ON t.id = b.task_id WHERE mm.id",
        ),
        "check_cycle" => (["c.id", "c.name", NO_TEXT, NO_NUMBER], NO_TASK, "check_cycles c WHERE c.id"),
        "progress_report" => (
            ["r.id", "a.short_name || ' 추진실적'", "c.name", NO_NUMBER],
            TASK,
            "progress_reports r JOIN tasks t ON t.id = r.task_id JOIN agencies a ON a.id = r.agency_id
             JOIN check_cycles c ON c.id = r.cycle_id WHERE r.id",
        ),
        "report_attachment" => (
            ["f.id", "f.file_name", "a.short_name", NO_NUMBER],
            TASK,
            "report_attachments f JOIN progress_reports r ON r.id = f.report_id JOIN tasks t ON t.id = r.task_id
             JOIN agencies a ON a.id = r.agency_id WHERE f.id",
        ),
        "check_rating" => (
            ["g.id", "c.name || ' 점검 결과'", NO_TEXT, NO_NUMBER],
            TASK,
            "check_ratings g JOIN tasks t ON t.id = g.task_id JOIN check_cycles c ON c.id = g.cycle_id WHERE g.id",
        ),
        "evaluation_round" | "evaluation_panel" => {
            (["e.id", "e.name", NO_TEXT, NO_NUMBER], NO_TASK, "evaluation_rounds e WHERE e.id")
        }
        "evaluation_pledge" => (
            ["g.id", "e.name", NO_TEXT, NO_NUMBER],
            NO_TASK,
            "evaluation_pledges g JOIN evaluation_rounds e ON e.id = g.round_id WHERE g.id",
        ),
        "evaluation_conflict" => (
            ["c.id", "e.name", NO_TEXT, NO_NUMBER],
            TASK,
            "evaluation_conflicts c JOIN tasks t ON t.id = c.task_id JOIN evaluation_rounds e ON e.id = c.round_id WHERE c.id",
        ),
        _ => return None,
    };
    let kind = format!("'{record_type}'");
    let exprs = std::iter::once(kind.as_str()).chain(own).chain(task);
    let columns: Vec<String> = exprs.zip(COLUMNS).map(|(e, c)| format!("{e} AS {c}")).collect();
    Some(format!("SELECT {} FROM {from} IN ({{ids}})", columns.join(", ")))
}

/// The one query naming `wanted` (record type, id) pairs, and its parameters in order.
fn names_query(wanted: &[(String, i64)]) -> Option<(String, Vec<i64>)> {
    let mut by_type: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for (record_type, id) in wanted {
        let ids = by_type.entry(record_type.as_str()).or_default();
        if !ids.contains(id) {
            ids.push(*id);
        }
    }
    let mut params: Vec<i64> = Vec::new();
    let mut parts: Vec<String> = Vec::new();
    for (record_type, ids) in by_type {
        let Some(select) = select_of(record_type) else { continue };
        let first = params.len() + 1;
        let list = (first..first + ids.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
        params.extend(ids);
        parts.push(select.replace("{ids}", &list));
    }
    if parts.is_empty() {
        return None;
    }
    Some((parts.join("\nUNION ALL\n"), params))
}

impl Db {
    /// What the database says of each (record type, id) in `wanted` that still exists.
    pub async fn audit_names(&self, wanted: &[(String, i64)]) -> Result<Vec<RecordName>> {
        let Some((sql, params)) = names_query(wanted) else { return Ok(vec![]) };
        let rows: Vec<NameRow> = with_db!(self, |pool| {
            let mut q = sqlx::query_as::<_, NameRow>(&sql);
            for p in &params {
                q = q.bind(*p);
            }
            q.fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|r| RecordName {
                task: match (r.task_id, r.task_seq, r.task_title, r.task_status) {
                    (Some(id), Some(seq), Some(title), Some(status)) => {
                        Some(TaskOfRecord { id, seq, title, status, archived: r.task_archived.unwrap_or(0) != 0 })
                    }
                    _ => None,
                },
                record_type: r.kind,
                id: r.id,
                name: r.name,
                detail: r.detail,
                seq: r.seq,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hanteam_domain::audit::fields::{record_type, unlabelled_fields};

    #[test]
    fn one_query_names_every_record_type_a_page_mentions() {
        let wanted = vec![("task".to_string(), 1), ("user".into(), 2), ("task".into(), 1), ("dataset".into(), 9)];
        let (sql, params) = names_query(&wanted).unwrap();
        assert_eq!(params, vec![1, 2], "each id once; a dataset has no row to name");
        assert_eq!(sql.matches("UNION ALL").count(), 1);
        assert!(names_query(&[]).is_none());
    }

    /// Every row type the log records, serialised as the log writes it, has a Korean label for each
    /// field: a column added to one of these types without a label fails here.
    #[test]
    fn every_field_the_log_records_of_a_row_has_a_korean_label() {
        use crate::accounts::{Affiliation, UserRecord};
        use crate::record::Record;
        use crate::writes::*;
        fn check<R: Record>(r: &R) {
            let json = crate::audit::snapshot(r).unwrap();
            assert!(record_type(R::AUDIT_TYPE).is_some(), "{} has a Korean name", R::AUDIT_TYPE);
            assert!(select_of(R::AUDIT_TYPE).is_some(), "{} is named on the audit page", R::AUDIT_TYPE);
            assert_eq!(unlabelled_fields(R::AUDIT_TYPE, &json), Vec::<String>::new(), "{}", R::AUDIT_TYPE);
        }
        let s = || "x".to_string();
        check(&TaskRecord {
            id: 1,
            seq: 1,
            pair_id: None,
            title: s(),
            task_type: None,
            source: s(),
            status: s(),
            description: None,
            lead_agency_id: None,
            archived_at: None,
            proposed_by_agency_id: Some(2),
            version: 1,
        });
        check(&RoleRecord {
            id: 1,
            task_id: 1,
            agency_id: 1,
            role: None,
            participation: "pending".into(),
            participation_reason: None,
            version: 1,
        });
        check(&KpiRecord {
            id: 1,
            task_id: 1,
            seq: 1,
            name: s(),
            baseline_value: None,
            target_value: None,
            unit: None,
            due: None,
            note: None,
            version: 1,
        });
        check(&MilestoneRecord {
            id: 1,
            task_id: 1,
            seq: 1,
            title: s(),
            due: None,
            done_on: None,
            note: None,
            version: 1,
        });
        check(&ProcedureRecord {
            id: 1,
            task_id: 1,
            seq: 1,
            name: s(),
            legal_basis: None,
            usual_days: 365,
            planned_start: None,
            planned_end: None,
            actual_start: None,
            actual_end: None,
            note: None,
            version: 1,
        });
        check(&crate::memos::MemoRecord {
            id: 1,
            task_id: 1,
            writer_user_id: Some(1),
            writer_capacity: s(),
            writer_agency_id: None,
            body: None,
            withdrawn_at: None,
            version: 1,
        });
        check(&AgencyRecord { id: 1, short_name: s(), name: s(), name_en: None, version: 1 });
        check(&PositionRecord { id: 1, agency_id: 1, title: s(), level: None, version: 1 });
        check(&PairRecord { id: 1, seq: 1, theme: s(), version: 1 });
        check(&ExchangeeRecord { id: 1, position_id: 1, name: None, expertise: None, careers: None, version: 1 });
        check(&UserRecord {
            id: 1,
            login: s(),
            display_name: s(),
            email: None,
            must_change_password: false,
            is_private_expert: false,
            disabled_at: None,
            version: 1,
        });
        {
            use crate::mediation::*;
            let at = chrono::Utc::now();
            check(&FollowUpRecord {
                id: 1,
                task_id: 1,
                source_kind: s(),
                source_id: 1,
                title: s(),
                owner_agency_id: 1,
                owner_user_id: None,
                due: at.date_naive(),
                done_on: None,
                done_note: None,
                version: 1,
            });
            check(&BottleneckRecord {
                id: 1,
                task_id: 1,
                category: s(),
                description: s(),
                status: s(),
                raised_by_agency_id: None,
                raised_at: at,
                mediation_opened_at: None,
                closed_at: None,
                resolution_reason: None,
                outcome: None,
                outcome_note: None,
                version: 1,
            });
            check(&BottleneckAgencyRecord {
                id: 1,
                bottleneck_id: 1,
                task_id: 1,
                agency_id: 1,
                stance: None,
                stated_at: None,
                version: 1,
            });
            check(&MediationMeetingRecord {
                id: 1,
                bottleneck_id: 1,
                task_id: 1,
                held_at: at,
                venue: None,
                attendees: None,
                council_meeting_id: None,
                version: 1,
            });
        }
        check(&crate::notifications::NotificationRecord {
            id: 1,
            user_id: 1,
            kind: s(),
            subject_type: s(),
            subject_id: 1,
            occasion: s(),
            title: s(),
            link: s(),
            created_at: chrono::Utc::now(),
            read_at: None,
            version: 1,
        });
        check(&Affiliation {
            id: 1,
            user_id: 1,
            organization: s(),
            title: None,
            from_date: None,
            to_date: None,
            version: 1,
        });
        use crate::checks::*;
        let day = chrono::NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();
        check(&CycleRecord {
            id: 1,
            name: s(),
            period_start: day,
            period_end: day,
            due: day,
            closed_at: None,
            version: 1,
        });
        check(&AttachmentRecord { id: 1, report_id: 1, file_name: s(), kind: s(), size_bytes: 1, sha256: s() });
        check(&RatingRecord {
            id: 1,
            cycle_id: 1,
            task_id: 1,
            rating: s(),
            reason: s(),
            suggested: None,
            suggestion: None,
            version: 1,
        });
        let report = ReportRecord {
            id: 1,
            cycle_id: 1,
            task_id: 1,
            agency_id: 1,
            status: s(),
            narrative: None,
            citizen_change: None,
            bottlenecks: None,
            return_comment: None,
            submitted_at: None,
            returned_at: None,
            version: 1,
        };
        check(&report);
        let d = chrono::NaiveDate::from_ymd_opt(2024, 10, 1).unwrap();
        check(&crate::evaluation::RoundRecord {
            id: 1,
            name: s(),
            stage: "setup".into(),
            setup_on: d,
            assignment_on: d,
            scoring_on: d,
            review_on: d,
            objections_on: d,
            final_on: d,
            published_on: d,
            params_json: "{}".into(),
            task_count: 41,
            version: 1,
        });
        check(&crate::evaluation::ConflictRecord {
            id: 1,
            round_id: 1,
            task_id: 1,
            evaluator_id: 2,
            kind: "challenge".into(),
            status: "pending".into(),
            reason: s(),
            by_agency_id: Some(3),
            raised_by_user_id: Some(4),
            decision_reason: None,
            decided_by_user_id: None,
            decided_at: None,
            version: 1,
        });
        let snapshot = ReportSnapshot {
            report,
            milestones: vec![MilestoneLine { milestone_id: 1, done_on: None, reason: None }],
            kpis: vec![KpiLine { kpi_id: 1, actual_value: None }],
        };
        let json = crate::audit::snapshot(&snapshot).unwrap();
        assert_eq!(unlabelled_fields("progress_report", &json), Vec::<String>::new(), "a report with its lines");
    }
}
