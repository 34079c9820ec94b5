//! Reading the audit log and checking its hash chain: auditors and OPC, and the console.

use std::collections::HashMap;

use hanteam_domain::access::{self, TaskAccess, TaskScope};
use hanteam_domain::audit::fields::{changes, FieldChange, Shown};
use hanteam_domain::audit::names::{self, Name, RecordFacts, TaskFacts};
use hanteam_domain::audit::{action_label, ChainBreak, ChainHead};
use hanteam_domain::{AuditFilter, AuditFilterInput, TaskStatus};
use hanteam_store::audit::AuditRecord;
use hanteam_store::audit_names::RecordName;
use hanteam_store::views::Page;
use hanteam_store::Db;

use crate::{Caller, Result, UseCaseError};

fn may_read(by: &Caller) -> Result<()> {
    if access::can_read_audit(by.signed_in()?) {
        Ok(())
    } else {
        Err(UseCaseError::forbidden())
    }
}

/// How long the audit log is (for the metrics; it says nothing of what is in it).
pub async fn rows_in_log(db: &Db) -> Result<i64> {
    Ok(db.audit_rows().await?)
}

/// The log, newest first, filtered by person, record and Korean days.
pub async fn log(db: &Db, by: &Caller, input: &AuditFilterInput) -> Result<Page<AuditRecord>> {
    may_read(by)?;
    let filter = AuditFilter::parse(input)?;
    Ok(db.list_audit(&filter).await?)
}

/// Recomputes the whole chain and checks it against a head kept outside the database (`anchor`):
/// the chain's head now, or where it first breaks.
pub async fn verify(db: &Db, by: &Caller, anchor: Option<&ChainHead>) -> Result<Result<ChainHead, ChainBreak>> {
    may_read(by)?;
    Ok(db.verify_audit_against(anchor).await?)
}

/// A value of a changed field as a person reads it; `empty` for 미입력 / 없음.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownValue {
    pub text: String,
    pub empty: bool,
}

/// One field a change changed: its Korean label and both values (`None` where the record did not
/// exist: before a creation, after a removal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedField {
    pub label: String,
    pub before: Option<ShownValue>,
    pub after: Option<ShownValue>,
    /// Said instead of the values when they read the same (only line breaks or spaces changed).
    pub note: Option<&'static str>,
}

/// An entry as the audit page shows it to a person: what was done in Korean, who did it and to
/// which record by name, and only the fields that changed. The entry itself stays beside it.
#[derive(Debug, Clone)]
pub struct AuditLine {
    pub record: AuditRecord,
    pub action: &'static str,
    pub actor: Name,
    pub subject: Name,
    /// `None` when a snapshot is not a JSON object (the page shows it as stored).
    pub changes: Option<Vec<ChangedField>>,
}

/// As [`log`], each entry read for a person. The names of every record and person the page
/// mentions come from one query; a task the caller may not see is not named.
pub async fn readable_log(db: &Db, by: &Caller, input: &AuditFilterInput) -> Result<Page<AuditLine>> {
    let page = log(db, by, input).await?;
    let diffs: Vec<Option<Vec<FieldChange>>> = page
        .items
        .iter()
        .map(|r| changes(&r.entry.record_type, r.entry.before.as_deref(), r.entry.after.as_deref()))
        .collect();
    let mut wanted: Vec<(String, i64)> = page.items.iter().flat_map(|r| names::wanted(&r.entry)).collect();
    for change in diffs.iter().flatten().flatten() {
        for side in [&change.before, &change.after] {
            if let Some(Shown::Ref(n)) = side {
                wanted.push((names::named_record_type(*n).to_string(), n.id()));
            }
        }
    }
    let scope = access::task_scope(by.principal());
    let facts: HashMap<(String, i64), RecordFacts> = db
        .audit_names(&wanted)
        .await?
        .into_iter()
        .map(|r| ((r.record_type.clone(), r.id), facts_of(r, &scope)))
        .collect();
    let fact = |record_type: &str, id: i64| facts.get(&(record_type.to_string(), id));
    let items = page
        .items
        .into_iter()
        .zip(diffs)
        .map(|(record, diff)| {
            let e = &record.entry;
            let own = e.record_id.and_then(|id| fact(&e.record_type, id));
            let task_of_part = names::snapshot_task(e).and_then(|t| fact("task", t)).and_then(|f| f.task.as_ref());
            let shown = |s: &Option<Shown>| {
                s.as_ref().map(|s| match s {
                    Shown::Empty(text) => ShownValue { text: text.to_string(), empty: true },
                    Shown::Text(text) => ShownValue { text: text.clone(), empty: false },
                    Shown::Ref(n) => ShownValue {
                        text: names::referenced(*n, fact(names::named_record_type(*n), n.id())),
                        empty: false,
                    },
                })
            };
            let changes = diff.map(|fields| {
                fields
                    .iter()
                    .map(|f| ChangedField {
                        label: f.label.clone(),
                        before: shown(&f.before),
                        after: shown(&f.after),
                        note: f.spacing_only.then_some("줄바꿈이나 띄어쓰기만 바뀌었습니다."),
                    })
                    .collect()
            });
            AuditLine {
                action: action_label(&e.action),
                actor: names::actor(e, e.actor_user_id.and_then(|u| fact("user", u.get()))),
                subject: names::subject(e, own, task_of_part),
                changes,
                record,
            }
        })
        .collect();
    Ok(Page { total: page.total, items })
}

/// What a name may say of a record to a reader of `scope`: a task (or the task a part belongs to)
/// the reader may not see is left unnamed.
fn facts_of(r: RecordName, scope: &TaskScope) -> RecordFacts {
    let task = r.task.filter(|t| may_see(scope, &t.status, t.archived));
    let hidden_task = r.record_type == "task" && task.is_none();
    RecordFacts {
        name: r.name.filter(|_| !hidden_task),
        detail: r.detail,
        seq: r.seq,
        task: task.map(|t| TaskFacts { id: t.id, seq: t.seq, title: t.title }),
    }
}

/// Whether a reader of `scope` may see a task in this state. Membership (an agency's or a pair's
/// task) is not read here: a reader of the log sees every task (OPC, auditors) or only the
/// published ones (a token without the read right), and no one else reads the log.
fn may_see(scope: &TaskScope, status: &str, archived: bool) -> bool {
    let Ok(status) = status.parse::<TaskStatus>() else { return false };
    let t = TaskAccess {
        status,
        archived,
        agency_ids: vec![],
        position_ids: vec![],
        evaluator_ids: vec![],
        proposed_by: None,
    };
    scope.admits(&t)
}
