//! Who did it and to what, as an auditor reads an entry: a record by its name (과제 12 · 제목), a
//! person by name and login, the console and the program itself by what they are.
//!
//! The names come from the database (one query for a whole page of entries: see the store's
//! `audit_names`); a record removed since falls back to the name its last snapshot holds.

use serde_json::Value;

use super::action::AuditAction;
use super::fields::{record_type_label, Named};
use super::AuditEntry;

/// What the database says about one record an entry names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordFacts {
    /// Its name: a task's or milestone's title, a KPI's or agency's name, a person's display name.
    pub name: Option<String>,
    /// What tells it apart: an agency's short name, a person's login, a position's agency.
    pub detail: Option<String>,
    /// The number people know it by: a task's 번호, a pair's 연번 (for a position or an exchangee,
    /// the 연번 of its pair).
    pub seq: Option<i64>,
    /// The task it is part of (for a task, itself), when the reader may see that task.
    pub task: Option<TaskFacts>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFacts {
    pub id: i64,
    pub seq: i64,
    pub title: String,
}

/// Where a name links to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameLink {
    Task(i64),
    /// An agency's page, by its short name.
    Agency(String),
    /// A pair's row in the annex table, by its 연번.
    Pair(i64),
    /// The audit log of one record (an account, a token: records without a page of their own).
    RecordLog {
        record_type: String,
        record_id: i64,
    },
    /// The audit log of what one person did, by the actor name the log keeps (their login).
    ActorLog(String),
}

/// A name with where it links to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub text: String,
    pub link: Option<NameLink>,
}

impl Name {
    fn plain(text: impl Into<String>) -> Name {
        Name { text: text.into(), link: None }
    }
}

/// The most characters of a title a name shows; the rest is cut with `…`.
pub const MAX_TITLE_CHARS: usize = 40;

fn short(title: &str) -> String {
    let title = title.trim();
    if title.chars().count() <= MAX_TITLE_CHARS {
        return title.to_string();
    }
    format!("{}…", title.chars().take(MAX_TITLE_CHARS).collect::<String>().trim_end())
}

/// "과제 12 · 용인 반도체 클러스터 …"
pub fn task_name(task: &TaskFacts) -> String {
    format!("과제 {} · {}", task.seq, short(&task.title))
}

/// A text field of a snapshot (before or after), for a record removed since.
fn snapshot_text(entry: &AuditEntry, key: &str) -> Option<String> {
    snapshot_field(entry, key).and_then(|v| v.as_str().map(str::to_string)).filter(|s| !s.trim().is_empty())
}

fn snapshot_field(entry: &AuditEntry, key: &str) -> Option<Value> {
    [entry.after.as_deref(), entry.before.as_deref()].into_iter().flatten().find_map(|json| {
        let v: Value = serde_json::from_str(json).ok()?;
        v.get(key).filter(|v| !v.is_null()).cloned()
    })
}

/// The task a part of a task belonged to, by the snapshot (for a part removed since).
pub fn snapshot_task(entry: &AuditEntry) -> Option<i64> {
    snapshot_field(entry, "task_id").and_then(|v| v.as_i64())
}

/// The records an entry's name needs from the database (its own record, its actor's account, and
/// for a part of a task removed since, that task).
pub fn wanted(entry: &AuditEntry) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    if let Some(id) = entry.record_id {
        out.push((entry.record_type.clone(), id));
    }
    if let Some(user) = entry.actor_user_id {
        out.push(("user".to_string(), user.get()));
    }
    if matches!(
        entry.record_type.as_str(),
        "task_kpi"
            | "task_milestone"
            | "task_agency_role"
            | "task_procedure"
            | "task_memo"
            | "follow_up"
            | "bottleneck"
            | "bottleneck_agency"
            | "mediation_meeting"
    ) {
        if let Some(task) = snapshot_task(entry) {
            out.push(("task".to_string(), task));
        }
    }
    out
}

/// The record type code of what a field's id points at.
pub fn named_record_type(n: Named) -> &'static str {
    match n {
        Named::Task(_) => "task",
        Named::Agency(_) => "agency",
        Named::Pair(_) => "exchange_pair",
        Named::Position(_) => "position",
        Named::User(_) => "user",
    }
}

/// What a field's id reads as: "환경부", "김담당 (kim)", "과제 3 · …"; the number when the record is
/// not known (or not to be shown to this reader).
pub fn referenced(n: Named, facts: Option<&RecordFacts>) -> String {
    let id = n.id();
    let Some(f) = facts else { return format!("{}번 {}", id, record_type_label(named_record_type(n))) };
    let name = f.name.clone().unwrap_or_default();
    match n {
        Named::Task(_) => f.task.as_ref().map_or_else(|| format!("과제 {id}번"), task_name),
        Named::Agency(_) => f.detail.clone().unwrap_or(name),
        Named::Pair(_) => match f.seq {
            Some(seq) => format!("연번 {seq} · {}", short(&name)),
            None => short(&name),
        },
        Named::Position(_) => {
            [f.detail.as_deref(), Some(name.as_str())].into_iter().flatten().collect::<Vec<_>>().join(" ")
        }
        Named::User(_) => person(&name, f.detail.as_deref()),
    }
}

/// "김담당 (kim)"
fn person(display_name: &str, login: Option<&str>) -> String {
    match login {
        Some(login) if !display_name.is_empty() && display_name != login => format!("{display_name} ({login})"),
        Some(login) => login.to_string(),
        None => display_name.to_string(),
    }
}

/// The record an entry is about, by name, with where it links. `facts` is what the database says
/// of the entry's own record, `task` of the task a removed part belonged to.
pub fn subject(entry: &AuditEntry, facts: Option<&RecordFacts>, task: Option<&TaskFacts>) -> Name {
    let kind = record_type_label(&entry.record_type);
    let Some(id) = entry.record_id else {
        return match entry.record_type.as_str() {
            "dataset" => match snapshot_text(entry, "dataset") {
                Some(name) => Name::plain(format!("{kind} · {name}")),
                None if entry.action == AuditAction::DatasetSynth.as_str() => Name::plain("부하 측정용 합성 자료"),
                None => Name::plain(kind),
            },
            _ => Name::plain(kind),
        };
    };
    let own_log = || Some(NameLink::RecordLog { record_type: entry.record_type.clone(), record_id: id });
    let name = facts.and_then(|f| f.name.clone());
    let detail = facts.and_then(|f| f.detail.clone());
    let task = facts.and_then(|f| f.task.as_ref()).or(task);
    let of_task = |what: String| match task {
        Some(t) => Name { text: format!("{what} · {}", task_name(t)), link: Some(NameLink::Task(t.id)) },
        None => Name { text: what, link: own_log() },
    };
    match entry.record_type.as_str() {
        "task" => match task {
            Some(t) => Name { text: task_name(t), link: Some(NameLink::Task(t.id)) },
            None => Name::plain(format!("과제 {id}번")),
        },
        "task_agency_role" => of_task(match name {
            Some(agency) => format!("{agency} 역할"),
            None => kind.to_string(),
        }),
        "task_kpi" => {
            of_task(format!("{kind} ‘{}’", short(&name.or_else(|| snapshot_text(entry, "name")).unwrap_or_default())))
        }
        "task_milestone" => {
            of_task(format!("{kind} ‘{}’", short(&name.or_else(|| snapshot_text(entry, "title")).unwrap_or_default())))
        }
        "task_procedure" => {
            of_task(format!("{kind} ‘{}’", short(&name.or_else(|| snapshot_text(entry, "name")).unwrap_or_default())))
        }
        // A memo by its number: its text is not a name (and is gone once withdrawn).
        "task_memo" => of_task(format!("{kind} {id}번")),
        "follow_up" => {
            of_task(format!("{kind} ‘{}’", short(&name.or_else(|| snapshot_text(entry, "title")).unwrap_or_default())))
        }
        "bottleneck" | "bottleneck_agency" | "mediation_meeting" => of_task(match name {
            Some(n) => format!("{kind} {id}번 · {}", short(&n)),
            None => format!("{kind} {id}번"),
        }),
        "agency" => match (name, detail) {
            (Some(name), Some(short_name)) => {
                Name { text: format!("{kind} · {name}"), link: Some(NameLink::Agency(short_name)) }
            }
            _ => Name { text: format!("{kind} {id}번"), link: own_log() },
        },
        "position" | "exchangee" | "exchange_pair" => {
            let seq = facts.and_then(|f| f.seq);
            let text = match entry.record_type.as_str() {
                "exchange_pair" => {
                    format!("{kind} · 연번 {} · {}", seq.unwrap_or(id), short(&name.unwrap_or_default()))
                }
                "exchangee" => format!(
                    "{kind} · {}{}",
                    name.unwrap_or_else(|| "이름 미입력".into()),
                    detail.map(|d| format!(" ({d})")).unwrap_or_default()
                ),
                _ => format!("{kind} · {}", [detail, name].into_iter().flatten().collect::<Vec<_>>().join(" ")),
            };
            Name { text, link: seq.map(NameLink::Pair).or_else(own_log) }
        }
        "user" => match name {
            Some(display) => {
                Name { text: format!("{kind} · {}", person(&display, detail.as_deref())), link: own_log() }
            }
            None => Name { text: format!("{kind} {id}번"), link: own_log() },
        },
        "api_token" | "evaluator_affiliation" => {
            let what = name.or_else(|| snapshot_text(entry, "name")).or_else(|| snapshot_text(entry, "organization"));
            let text = match (what, detail) {
                (Some(what), Some(owner)) => format!("{kind} · ‘{what}’ ({owner})"),
                (Some(what), None) => format!("{kind} · ‘{what}’"),
                _ => format!("{kind} {id}번"),
            };
            Name { text, link: own_log() }
        }
        _ => Name { text: format!("{kind} {id}번"), link: own_log() },
    }
}

/// Who an entry says acted, by name. `account` is what the database says of the actor's account.
pub fn actor(entry: &AuditEntry, account: Option<&RecordFacts>) -> Name {
    let label = entry.actor.as_str();
    if entry.action == AuditAction::SignInFailed.as_str() {
        // Whoever typed the login: not known to be its owner.
        let known = if entry.actor_user_id.is_some() { "" } else { ", 없는 계정" };
        return Name::plain(format!("입력한 아이디: {label}{known}"));
    }
    if entry.actor_user_id.is_some() {
        let display = account.and_then(|a| a.name.as_deref()).unwrap_or(label);
        let login = account.and_then(|a| a.detail.as_deref()).unwrap_or(label);
        return Name { text: person(display, Some(login)), link: Some(NameLink::ActorLog(label.to_string())) };
    }
    match label {
        "system" => Name::plain("한팀 시스템 (자동 처리)"),
        "anonymous" => Name::plain("로그인하지 않은 사용자"),
        _ => match label.strip_prefix("cli:") {
            Some("unknown") | Some("") => Name::plain("명령줄 (서버 관리자)"),
            Some(os_user) => Name::plain(format!("명령줄 (서버 관리자, 운영체제 계정 {os_user})")),
            None => Name { text: label.to_string(), link: Some(NameLink::ActorLog(label.to_string())) },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::UserId;
    use chrono::Utc;

    fn entry(action: AuditAction, record_type: &str, record_id: Option<i64>) -> AuditEntry {
        AuditEntry {
            seq: 1,
            occurred_at: Utc::now(),
            actor_user_id: Some(UserId::new(3)),
            actor: "kim".into(),
            client_addr: None,
            action: action.as_str().into(),
            record_type: record_type.into(),
            record_id,
            before: None,
            after: None,
        }
    }

    fn task(id: i64, title: &str) -> TaskFacts {
        TaskFacts { id, seq: id, title: title.into() }
    }

    #[test]
    fn a_task_is_named_by_its_number_and_title_and_links_to_its_page() {
        let e = entry(AuditAction::TaskUpdate, "task", Some(12));
        let facts =
            RecordFacts { task: Some(task(12, "용인 반도체 클러스터 용수 공급")), ..Default::default() };
        assert_eq!(
            subject(&e, Some(&facts), None),
            Name {
                text: "과제 12 · 용인 반도체 클러스터 용수 공급".into(), link: Some(NameLink::Task(12))
            }
        );
        let long = RecordFacts { task: Some(task(12, &"가".repeat(60))), ..Default::default() };
        assert!(subject(&e, Some(&long), None).text.ends_with(&format!("{}…", "가".repeat(MAX_TITLE_CHARS))));
        assert_eq!(subject(&e, None, None), Name::plain("과제 12번"), "a task the reader may not see is not named");
    }

    #[test]
    fn a_part_of_a_task_is_named_with_its_task_even_after_it_was_removed() {
        let mut e = entry(AuditAction::KpiRemove, "task_kpi", Some(9));
        e.before = Some(r#"{"id":9,"task_id":4,"name":"용수 공급량"}"#.into());
        assert_eq!(wanted(&e), vec![("task_kpi".into(), 9), ("user".into(), 3), ("task".into(), 4)]);
        let t = task(4, "공업용수");
        assert_eq!(
            subject(&e, None, Some(&t)),
            Name {
                text: "성과지표 ‘용수 공급량’ · 과제 4 · 공업용수".into(), link: Some(NameLink::Task(4))
            }
        );
        let role = entry(AuditAction::TaskRoleUpdate, "task_agency_role", Some(2));
        let facts = RecordFacts { name: Some("환경부".into()), task: Some(t.clone()), ..Default::default() };
        assert_eq!(subject(&role, Some(&facts), None).text, "환경부 역할 · 과제 4 · 공업용수");
    }

    #[test]
    fn registry_records_and_accounts_are_named_and_linked_where_they_are_shown() {
        let agency =
            RecordFacts { name: Some("환경부".into()), detail: Some("환경부".into()), ..Default::default() };
        assert_eq!(
            subject(&entry(AuditAction::AgencyUpdate, "agency", Some(4)), Some(&agency), None),
            Name { text: "기관 · 환경부".into(), link: Some(NameLink::Agency("환경부".into())) }
        );
        let pair = RecordFacts { name: Some("물관리".into()), seq: Some(3), ..Default::default() };
        assert_eq!(
            subject(&entry(AuditAction::PairUpdate, "exchange_pair", Some(3)), Some(&pair), None),
            Name { text: "교류직위 쌍 · 연번 3 · 물관리".into(), link: Some(NameLink::Pair(3)) }
        );
        let user = RecordFacts { name: Some("김담당".into()), detail: Some("kim".into()), ..Default::default() };
        let e = entry(AuditAction::UserCreate, "user", Some(2));
        assert_eq!(
            subject(&e, Some(&user), None),
            Name {
                text: "사용자 계정 · 김담당 (kim)".into(),
                link: Some(NameLink::RecordLog { record_type: "user".into(), record_id: 2 })
            }
        );
        let mut load = entry(AuditAction::DatasetLoad, "dataset", None);
        load.after = Some(r#"{"dataset":"2024","tasks":41}"#.into());
        assert_eq!(subject(&load, None, None).text, "기본 자료 · 2024");
    }

    #[test]
    fn people_are_named_and_the_console_and_the_program_say_what_they_are() {
        let kim = RecordFacts { name: Some("김담당".into()), detail: Some("kim".into()), ..Default::default() };
        let e = entry(AuditAction::TaskUpdate, "task", Some(1));
        assert_eq!(
            actor(&e, Some(&kim)),
            Name { text: "김담당 (kim)".into(), link: Some(NameLink::ActorLog("kim".into())) }
        );
        let console = AuditEntry { actor_user_id: None, actor: "cli:unknown".into(), ..e.clone() };
        assert_eq!(actor(&console, None).text, "명령줄 (서버 관리자)");
        let root = AuditEntry { actor: "cli:root".into(), ..console.clone() };
        assert_eq!(actor(&root, None).text, "명령줄 (서버 관리자, 운영체제 계정 root)");
        assert_eq!(
            actor(&AuditEntry { actor: "system".into(), ..console.clone() }, None).text,
            "한팀 시스템 (자동 처리)"
        );
    }

    #[test]
    fn a_failed_sign_in_names_the_login_typed_not_the_account_owner() {
        let e = entry(AuditAction::SignInFailed, "user", Some(3));
        let kim = RecordFacts { name: Some("김담당".into()), detail: Some("kim".into()), ..Default::default() };
        assert_eq!(actor(&e, Some(&kim)), Name::plain("입력한 아이디: kim"));
        let unknown = AuditEntry { actor_user_id: None, actor: "nobody".into(), record_id: None, ..e };
        assert_eq!(actor(&unknown, None), Name::plain("입력한 아이디: nobody, 없는 계정"));
    }

    #[test]
    fn a_field_pointing_at_another_record_reads_as_its_name() {
        let agency =
            RecordFacts { name: Some("환경부".into()), detail: Some("환경부".into()), ..Default::default() };
        assert_eq!(referenced(Named::Agency(4), Some(&agency)), "환경부");
        assert_eq!(referenced(Named::Agency(4), None), "4번 기관");
        let user = RecordFacts { name: Some("김담당".into()), detail: Some("kim".into()), ..Default::default() };
        assert_eq!(referenced(Named::User(3), Some(&user)), "김담당 (kim)");
        let pair = RecordFacts { name: Some("물관리".into()), seq: Some(3), ..Default::default() };
        assert_eq!(referenced(Named::Pair(3), Some(&pair)), "연번 3 · 물관리");
        let hidden = RecordFacts { name: Some("비공개 과제".into()), task: None, ..Default::default() };
        assert_eq!(referenced(Named::Task(7), Some(&hidden)), "과제 7번");
    }
}
