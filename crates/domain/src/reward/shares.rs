//! Who shares an excellent task's prize (포상금 배분 비율): OPC sets, per excellent task, each
//! participating agency's share and, within an agency, named people with their shares. The split
//! itself (largest remainder, the per-person cap and its redistribution) is `split::split_prizes`.
//!
//! Who the people are. Two kinds, because the data holds two:
//! - **an exchangee (교류자) of the task's exchange pair**, under the agency of the position they
//!   hold — that is where they work now, and where `access::may_file_report` counts them. The
//!   registry knows them by id even while their name is not entered (the release names nobody),
//!   the release promises the rewards to them, and their statement carries their special
//!   performance bonus. So they are chosen from the pair, never typed: a name typed twice cannot
//!   split one person in two and escape the cap. Key `exchangee:{id}`, the same in every task, so
//!   the cap counts everything they receive in the round.
//! - **anyone else OPC names** (an agency's working-level staff, who have no record in the
//!   registry): by name within the agency, key `agency:{id}:{name}`. Two people of one name in one
//!   agency are told apart by OPC in the name itself (김민수(기획과)).
//!
//! Tasks under no pair (national agenda, livelihood debates) have no exchangees: OPC names people.
//!
//! Defaults: a task OPC has set nothing for is split equally among its agencies and paid to the
//! agencies themselves (no people, so no cap), as before shares existed. Shares saved for a task
//! whose agencies changed later count for the agencies still taking part; an agency added since
//! gets 0 until OPC sets it, and if no agency left has a positive share the task falls back to the
//! default.
//!
//! Checks, all reported at once, nothing saved on any: shares are whole numbers from 0 to
//! [`MAX_SHARE`]; a task gives at least one agency a positive share; an agency with people gives at
//! least one of them a positive share; a name is not empty and at most [`MAX_PERSON_NAME`]
//! characters; a person once per agency; a task once; a task's agencies are exactly those taking
//! part in it; an exchangee is of the task's pair and under its position's agency; the task is an
//! excellent one of the round.

use std::collections::BTreeSet;

use serde::{Deserialize, Deserializer, Serialize};

use super::split::{AgencyPart, ExcellentTask, PersonPart, PrizeTask};
use crate::edit::Check;
use crate::korean::thousands;
use crate::{AgencyId, ExchangeeId, TaskId, ValidationError};

/// The largest share one agency or person may be given: shares are ratios, and this keeps every
/// product of a share and a pool far inside 128-bit arithmetic.
pub const MAX_SHARE: u32 = 1_000_000;
pub const MAX_PERSON_NAME: usize = 50;
/// The most people one agency may name in one task.
pub const MAX_PEOPLE_PER_AGENCY: usize = 50;

/// A person paid from an agency's part.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Recipient {
    /// An exchangee of the task's pair, by id.
    Exchangee { exchangee_id: ExchangeeId },
    /// Someone else OPC names, by name within the agency.
    Named { name: String },
}

/// A person's key in the split (`PersonPart::person`): stable across the round's tasks, so the cap
/// counts each person once.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum PersonKey {
    Exchangee(ExchangeeId),
    Named { agency: AgencyId, name: String },
}

impl PersonKey {
    pub fn of(agency: AgencyId, r: &Recipient) -> PersonKey {
        match r {
            Recipient::Exchangee { exchangee_id } => PersonKey::Exchangee(*exchangee_id),
            Recipient::Named { name } => PersonKey::Named { agency, name: name.clone() },
        }
    }

    /// `exchangee:12` or `agency:3:김민수`.
    pub fn as_string(&self) -> String {
        match self {
            PersonKey::Exchangee(e) => format!("exchangee:{e}"),
            PersonKey::Named { agency, name } => format!("agency:{agency}:{name}"),
        }
    }

    /// A key as [`PersonKey::as_string`] writes it (from an address); `None` for anything else.
    pub fn parse(raw: &str) -> Option<PersonKey> {
        if let Some(id) = raw.strip_prefix("exchangee:") {
            return id.parse::<i64>().ok().filter(|i| *i > 0).map(|i| PersonKey::Exchangee(ExchangeeId::new(i)));
        }
        let rest = raw.strip_prefix("agency:")?;
        let (agency, name) = rest.split_once(':')?;
        let agency = agency.parse::<i64>().ok().filter(|i| *i > 0)?;
        (!name.trim().is_empty()).then(|| PersonKey::Named { agency: AgencyId::new(agency), name: name.to_string() })
    }

    pub fn exchangee(&self) -> Option<ExchangeeId> {
        match self {
            PersonKey::Exchangee(e) => Some(*e),
            PersonKey::Named { .. } => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonShare {
    pub recipient: Recipient,
    pub share: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyShare {
    pub agency_id: AgencyId,
    pub share: u32,
    /// Empty: the agency's part is paid to the agency itself.
    pub people: Vec<PersonShare>,
}

/// The shares OPC set for one excellent task, as stored in the round's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskShares {
    pub task_id: TaskId,
    pub agencies: Vec<AgencyShare>,
}

/// A number as a form (text) or a script (a JSON number) gives it; `null` or absent is `None`.
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Int(i64),
        Big(u64),
        Float(f64),
        Bool(bool),
    }
    Ok(Option::<Raw>::deserialize(d)?.map(|r| match r {
        Raw::Text(s) => s,
        Raw::Int(n) => n.to_string(),
        Raw::Big(n) => n.to_string(),
        Raw::Float(f) => f.to_string(),
        Raw::Bool(b) => b.to_string(),
    }))
}

/// A person in an agency's part, as typed: an exchangee by id, or a name.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PersonShareInput {
    /// An exchangee of the task's pair (then no name).
    #[serde(default, deserialize_with = "text")]
    pub exchangee_id: Option<String>,
    /// Someone OPC names (then no exchangee_id).
    #[serde(default, deserialize_with = "text")]
    pub name: Option<String>,
    /// A whole number from 0.
    #[serde(default, deserialize_with = "text")]
    pub share: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AgencyShareInput {
    #[serde(default, deserialize_with = "text")]
    pub agency_id: Option<String>,
    /// A whole number from 0.
    #[serde(default, deserialize_with = "text")]
    pub share: Option<String>,
    /// Empty or null: paid to the agency itself.
    #[serde(default)]
    pub people: Option<Vec<PersonShareInput>>,
}

/// One task's shares as typed. Every agency taking part in the task, each once.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TaskSharesInput {
    #[serde(default, deserialize_with = "text")]
    pub task_id: Option<String>,
    #[serde(default)]
    pub agencies: Option<Vec<AgencyShareInput>>,
}

fn share(c: &mut Check, field: &str, label: &str, raw: &Option<String>) -> u32 {
    let s = raw.as_deref().map(|s| s.trim().replace(',', "")).unwrap_or_default();
    if s.is_empty() {
        c.fail(field, format!("{label}의 배분 비율을 0 이상의 정수로 입력해 주세요."));
        return 0;
    }
    match s.parse::<u32>() {
        Ok(n) if n <= MAX_SHARE => n,
        _ => {
            c.fail(
                field,
                format!(
                    "{label}의 배분 비율은 0에서 {}까지의 정수로 입력해 주세요. 음수나 소수는 쓸 수 없습니다. (입력값: '{s}')",
                    thousands(MAX_SHARE as usize)
                ),
            );
            0
        }
    }
}

fn record_id(c: &mut Check, field: &str, what: &str, raw: &Option<String>) -> Option<i64> {
    let s = raw.as_deref().map(str::trim).unwrap_or_default();
    match s.parse::<i64>() {
        Ok(n) if n > 0 => Some(n),
        _ if s.is_empty() => {
            c.fail(field, format!("{what} 번호를 입력해 주세요."));
            None
        }
        _ => {
            c.fail(field, format!("{what} 번호는 1 이상의 정수여야 합니다. (입력값: '{s}')"));
            None
        }
    }
}

/// One task's shares, checked on their own (what needs the round — which agencies and exchangees
/// the task has — is [`check_against`]'s). `at` prefixes every field name (`shares[0].`); `task`
/// is the task when the address gives it (a page), else `task_id` is read.
pub(crate) fn parse_task(c: &mut Check, at: &str, input: &TaskSharesInput, task: Option<TaskId>) -> Option<TaskShares> {
    let task = match task {
        Some(t) => Some(t),
        None => record_id(c, &format!("{at}task_id"), "과제", &input.task_id).map(TaskId::new),
    };
    let label = task.map_or_else(|| "과제".to_string(), |t| format!("과제 {t}"));
    let given = input.agencies.as_deref().unwrap_or_default();
    if given.is_empty() {
        c.fail(
            &format!("{at}agencies"),
            format!("{label}에 참여 기관별 배분 비율이 없습니다. 참여 기관마다 배분 비율을 넣어 주세요."),
        );
    }
    let mut agencies = Vec::with_capacity(given.len());
    let mut seen_agencies = BTreeSet::new();
    for (i, a) in given.iter().enumerate() {
        let af = format!("{at}agencies[{i}]");
        let agency = record_id(c, &format!("{af}.agency_id"), "기관", &a.agency_id).map(AgencyId::new);
        let agency_label = agency.map_or_else(|| "기관".to_string(), |a| format!("기관 {a}"));
        if let Some(id) = agency {
            if !seen_agencies.insert(id) {
                c.fail(
                    &format!("{af}.agency_id"),
                    format!("{label}에 {agency_label}이(가) 두 번 있습니다. 한 번만 넣어 주세요."),
                );
            }
        }
        let s = share(c, &format!("{af}.share"), &agency_label, &a.share);
        let people_in = a.people.as_deref().unwrap_or_default();
        if people_in.len() > MAX_PEOPLE_PER_AGENCY {
            c.fail(
                &format!("{af}.people"),
                format!(
                    "한 기관에 {MAX_PEOPLE_PER_AGENCY}명까지 넣을 수 있습니다. ({}명을 넣었습니다)",
                    people_in.len()
                ),
            );
        }
        let mut people = Vec::with_capacity(people_in.len());
        let mut seen_people = BTreeSet::new();
        for (j, p) in people_in.iter().enumerate() {
            let pf = format!("{af}.people[{j}]");
            let name = p.name.as_deref().map(str::trim).filter(|s| !s.is_empty());
            let exchangee = p.exchangee_id.as_deref().map(str::trim).filter(|s| !s.is_empty());
            let recipient = match (exchangee, name) {
                (Some(_), Some(_)) => {
                    c.fail(
                        &format!("{pf}.name"),
                        "한 사람은 교류자 번호나 이름 중 하나로만 넣어 주세요. 교류자라면 이름을 비워 두세요.",
                    );
                    None
                }
                (Some(_), None) => record_id(c, &format!("{pf}.exchangee_id"), "교류자", &p.exchangee_id)
                    .map(|e| Recipient::Exchangee { exchangee_id: ExchangeeId::new(e) }),
                (None, _) => c
                    .line(&format!("{pf}.name"), "받는 사람의 이름", &p.name, MAX_PERSON_NAME, true)
                    .map(|name| Recipient::Named { name }),
            };
            let who = match &recipient {
                Some(Recipient::Named { name }) => format!("'{name}'"),
                Some(Recipient::Exchangee { exchangee_id }) => format!("교류자 {exchangee_id}"),
                None => "받는 사람".into(),
            };
            let ps = share(c, &format!("{pf}.share"), &who, &p.share);
            if let Some(r) = recipient {
                if !seen_people.insert(r.clone()) {
                    c.fail(
                        &format!("{pf}.share"),
                        format!("{agency_label}에 {who}이(가) 두 번 있습니다. 한 번만 넣어 주세요."),
                    );
                }
                people.push(PersonShare { recipient: r, share: ps });
            }
        }
        if !people_in.is_empty() && people.len() == people_in.len() && people.iter().all(|p| p.share == 0) {
            c.fail(
                &format!("{af}.people[0].share"),
                format!(
                    "{label}의 {agency_label}에 넣은 사람의 배분 비율이 모두 0입니다. 한 사람 이상에 0보다 큰 비율을 주거나, \
                     기관에 지급하려면 사람을 모두 빼 주세요."
                ),
            );
        }
        if let Some(agency_id) = agency {
            agencies.push(AgencyShare { agency_id, share: s, people });
        }
    }
    if !agencies.is_empty() && agencies.len() == given.len() && agencies.iter().all(|a| a.share == 0) {
        c.fail(
            &format!("{at}agencies[0].share"),
            format!("{label}의 기관별 배분 비율이 모두 0입니다. 한 기관 이상에 0보다 큰 비율을 주세요."),
        );
    }
    task.map(|task_id| TaskShares { task_id, agencies })
}

/// Every task's shares as the API gives them (`shares[k].…`), each task once.
pub(crate) fn parse_all(c: &mut Check, input: &[TaskSharesInput]) -> Vec<TaskShares> {
    let mut out: Vec<TaskShares> = Vec::with_capacity(input.len());
    for (k, t) in input.iter().enumerate() {
        let at = format!("shares[{k}].");
        if let Some(s) = parse_task(c, &at, t, None) {
            if out.iter().any(|o| o.task_id == s.task_id) {
                c.fail(
                    &format!("{at}task_id"),
                    format!("과제 {}의 배분 비율이 두 번 있습니다. 한 번만 넣어 주세요.", s.task_id),
                );
            }
            out.push(s);
        }
    }
    out
}

/// One task's shares from a page (the task from its address), with the round's version.
pub fn parse_task_shares(
    task: TaskId,
    input: &TaskSharesInput,
    version: &Option<String>,
) -> Result<(TaskShares, i64), Vec<ValidationError>> {
    let mut c = Check::default();
    let shares = parse_task(&mut c, "", input, Some(task));
    let version = c.version(version);
    match shares {
        Some(s) => c.done((s, version)),
        None => Err(vec![ValidationError::new("agencies", "배분 비율을 읽을 수 없습니다.")]),
    }
}

/// An exchangee of a task's pair, under the agency of its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairExchangee {
    pub exchangee: ExchangeeId,
    pub agency: AgencyId,
    /// Its name, or its position when the name is not entered (국토부 국토정책관 교류자).
    pub label: String,
}

/// What the round knows of an excellent task, to check shares against.
#[derive(Debug, Clone, PartialEq)]
pub struct ShareContext {
    pub task: ExcellentTask,
    pub exchangees: Vec<PairExchangee>,
}

/// The shares against the round: each task an excellent one, its agencies exactly those taking
/// part, each exchangee of the task's pair under its position's agency. `at(k)` is the field prefix
/// of the k-th task's shares (`shares[k].`, or `` for a page's one task).
pub fn check_against(
    shares: &[TaskShares],
    contexts: &[ShareContext],
    at: impl Fn(usize) -> String,
) -> Vec<ValidationError> {
    let mut errors = Vec::new();
    for (k, s) in shares.iter().enumerate() {
        let at = at(k);
        let Some(cx) = contexts.iter().find(|c| c.task.task == s.task_id) else {
            errors.push(ValidationError::new(
                format!("{at}task_id"),
                format!(
                    "과제 {}은(는) 이 평가 회차의 우수과제가 아닙니다. 포상금 배분 비율은 우수과제에만 정할 수 있습니다.",
                    s.task_id
                ),
            ));
            continue;
        };
        let name_of = |a: AgencyId| {
            cx.task.agencies.iter().find(|(id, _)| *id == a).map_or_else(|| format!("기관 {a}"), |(_, n)| n.clone())
        };
        for (i, a) in s.agencies.iter().enumerate() {
            if !cx.task.agencies.iter().any(|(id, _)| *id == a.agency_id) {
                errors.push(ValidationError::new(
                    format!("{at}agencies[{i}].agency_id"),
                    format!(
                        "기관 {}은(는) 과제 {}에 참여하지 않습니다. 참여 기관만 넣어 주세요.",
                        a.agency_id, s.task_id
                    ),
                ));
                continue;
            }
            for (j, p) in a.people.iter().enumerate() {
                let Recipient::Exchangee { exchangee_id } = p.recipient else { continue };
                match cx.exchangees.iter().find(|e| e.exchangee == exchangee_id) {
                    None => errors.push(ValidationError::new(
                        format!("{at}agencies[{i}].people[{j}].exchangee_id"),
                        format!(
                            "교류자 {exchangee_id}은(는) 과제 {}의 교류직위 쌍에 속한 교류자가 아닙니다. 그 쌍의 교류자만 넣거나, 다른 사람은 이름으로 넣어 주세요.",
                            s.task_id
                        ),
                    )),
                    Some(e) if e.agency != a.agency_id => errors.push(ValidationError::new(
                        format!("{at}agencies[{i}].people[{j}].exchangee_id"),
                        format!(
                            "{}은(는) {} 소속 교류직위의 교류자입니다. {} 몫에 넣어 주세요.",
                            e.label,
                            name_of(e.agency),
                            name_of(e.agency)
                        ),
                    )),
                    Some(_) => {}
                }
            }
        }
        let missing: Vec<String> = cx
            .task
            .agencies
            .iter()
            .filter(|(id, _)| !s.agencies.iter().any(|a| a.agency_id == *id))
            .map(|(_, n)| n.clone())
            .collect();
        if !missing.is_empty() {
            errors.push(ValidationError::new(
                format!("{at}agencies"),
                format!(
                    "과제 {}의 참여 기관 {}의 배분 비율이 없습니다. 참여 기관마다 배분 비율을 넣어 주세요(받지 않으면 0).",
                    s.task_id,
                    missing.join(", ")
                ),
            ));
        }
    }
    errors
}

/// The split's input: each excellent task with the shares OPC set for it, or the default (equal
/// among its agencies, paid to them); see the module notes for agencies that changed since.
pub fn prize_tasks(excellent: &[ExcellentTask], shares: &[TaskShares]) -> Vec<PrizeTask> {
    excellent
        .iter()
        .map(|t| {
            let set = shares.iter().find(|s| s.task_id == t.task);
            let mut agencies: Vec<AgencyPart> = t
                .agencies
                .iter()
                .map(|(a, name)| {
                    let chosen = set.and_then(|s| s.agencies.iter().find(|x| x.agency_id == *a));
                    AgencyPart {
                        agency: *a,
                        agency_name: name.clone(),
                        share: chosen.map_or(0, |x| x.share),
                        people: chosen
                            .map(|x| {
                                x.people
                                    .iter()
                                    .map(|p| PersonPart {
                                        person: PersonKey::of(*a, &p.recipient).as_string(),
                                        share: p.share,
                                    })
                                    .collect()
                            })
                            .unwrap_or_default(),
                    }
                })
                .collect();
            if agencies.iter().all(|a| a.share == 0) {
                for a in &mut agencies {
                    a.share = 1;
                    a.people.clear();
                }
            }
            PrizeTask { task: t.task, grade: t.grade.clone(), score: t.score, agencies }
        })
        .collect()
}

/// Shares in a stable order (by task, agency, then as OPC listed the people), for storing.
pub fn normalised(mut shares: Vec<TaskShares>) -> Vec<TaskShares> {
    shares.sort_by_key(|s| s.task_id);
    for s in &mut shares {
        s.agencies.sort_by_key(|a| a.agency_id);
    }
    shares
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reward::split::{split_prizes, PrizeRules};
    use proptest::prelude::*;

    fn t(s: &str) -> Option<String> {
        Some(s.into())
    }

    fn excellent(id: i64, agencies: &[(i64, &str)]) -> ExcellentTask {
        ExcellentTask {
            task: TaskId::new(id),
            grade: "S".into(),
            score: 90.0,
            agencies: agencies.iter().map(|(a, n)| (AgencyId::new(*a), n.to_string())).collect(),
        }
    }

    fn person(exchangee: Option<&str>, name: Option<&str>, share: &str) -> PersonShareInput {
        PersonShareInput { exchangee_id: exchangee.map(Into::into), name: name.map(Into::into), share: t(share) }
    }

    fn agency(id: &str, share: &str, people: Vec<PersonShareInput>) -> AgencyShareInput {
        AgencyShareInput { agency_id: t(id), share: t(share), people: Some(people) }
    }

    fn parsed(input: &TaskSharesInput) -> Result<(TaskShares, i64), Vec<ValidationError>> {
        parse_task_shares(TaskId::new(30), input, &t("4"))
    }

    #[test]
    fn keys_read_back_as_they_were_written() {
        for k in [
            PersonKey::Exchangee(ExchangeeId::new(12)),
            PersonKey::Named { agency: AgencyId::new(3), name: "김민수(기획과)".into() },
            PersonKey::Named { agency: AgencyId::new(3), name: "a:b".into() },
        ] {
            assert_eq!(PersonKey::parse(&k.as_string()), Some(k));
        }
        for bad in ["", "exchangee:", "exchangee:0", "exchangee:x", "agency:3", "agency:3: ", "agency:0:김", "x:1"] {
            assert_eq!(PersonKey::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn shares_parse_with_commas_and_a_person_is_an_exchangee_or_a_name() {
        let input = TaskSharesInput {
            task_id: None,
            agencies: Some(vec![
                agency("14", "2", vec![person(Some("15"), None, "1"), person(None, Some(" 김민수 "), "1,000")]),
                agency("15", "1", vec![]),
            ]),
        };
        let (s, v) = parsed(&input).unwrap();
        assert_eq!(v, 4);
        assert_eq!(s.task_id, TaskId::new(30));
        assert_eq!(s.agencies[0].people[1].recipient, Recipient::Named { name: "김민수".into() });
        assert_eq!(s.agencies[0].people[1].share, 1000);
        assert_eq!(s.agencies[0].people[0].recipient, Recipient::Exchangee { exchangee_id: ExchangeeId::new(15) });
    }

    #[test]
    fn bad_shares_are_each_named_at_their_field_in_korean() {
        let input = TaskSharesInput {
            task_id: None,
            agencies: Some(vec![
                agency("14", "-1", vec![person(None, Some(""), "1.5"), person(Some("3"), Some("김"), "1")]),
                agency("14", "x", vec![person(None, Some("이"), "0"), person(None, Some("이"), "0")]),
            ]),
        };
        let e = parsed(&input).unwrap_err();
        let at = |f: &str| e.iter().find(|e| e.field == f).map(|e| e.message.clone()).unwrap_or_default();
        assert!(at("agencies[0].share").contains("0에서 1,000,000까지의 정수"), "{e:?}");
        assert!(at("agencies[0].people[0].name").contains("이름을 입력해 주세요"), "{e:?}");
        assert!(at("agencies[0].people[0].share").contains("음수나 소수는 쓸 수 없습니다"), "{e:?}");
        assert!(at("agencies[0].people[1].name").contains("하나로만"), "{e:?}");
        assert!(at("agencies[1].agency_id").contains("두 번"), "{e:?}");
        assert!(at("agencies[1].people[1].share").contains("'이'이(가) 두 번"), "{e:?}");
        assert!(at("agencies[1].people[0].share").contains("모두 0입니다"), "{e:?}");
        let none = TaskSharesInput { task_id: None, agencies: Some(vec![]) };
        assert!(parsed(&none).unwrap_err()[0].message.contains("참여 기관마다"));
        let zero = TaskSharesInput { task_id: None, agencies: Some(vec![agency("1", "0", vec![])]) };
        assert!(parsed(&zero).unwrap_err()[0].message.contains("기관별 배분 비율이 모두 0"));
    }

    #[test]
    fn shares_are_checked_against_the_tasks_agencies_and_its_pairs_exchangees() {
        let cx = vec![ShareContext {
            task: excellent(30, &[(14, "개보위"), (15, "방통위")]),
            exchangees: vec![
                PairExchangee {
                    exchangee: ExchangeeId::new(15),
                    agency: AgencyId::new(14),
                    label: "개보위 분쟁조정과장 교류자".into(),
                },
                PairExchangee {
                    exchangee: ExchangeeId::new(16),
                    agency: AgencyId::new(15),
                    label: "방통위 교류자".into(),
                },
            ],
        }];
        let ex =
            |e: i64| PersonShare { recipient: Recipient::Exchangee { exchangee_id: ExchangeeId::new(e) }, share: 1 };
        let ok = TaskShares {
            task_id: TaskId::new(30),
            agencies: vec![
                AgencyShare { agency_id: AgencyId::new(14), share: 1, people: vec![ex(15)] },
                AgencyShare { agency_id: AgencyId::new(15), share: 0, people: vec![] },
            ],
        };
        assert!(check_against(std::slice::from_ref(&ok), &cx, |_| String::new()).is_empty());
        let mut wrong = ok.clone();
        wrong.agencies[0].people = vec![ex(16), ex(99)];
        wrong.agencies[1].agency_id = AgencyId::new(2);
        let e = check_against(&[wrong], &cx, |k| format!("shares[{k}]."));
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "shares[0].agencies[0].people[0].exchangee_id",
                "shares[0].agencies[0].people[1].exchangee_id",
                "shares[0].agencies[1].agency_id",
                "shares[0].agencies",
            ]
        );
        assert!(e[0].message.contains("방통위 몫에 넣어 주세요"), "{}", e[0].message);
        assert!(e[3].message.contains("방통위의 배분 비율이 없습니다"), "{}", e[3].message);
        let other = TaskShares { task_id: TaskId::new(2), ..ok };
        assert!(check_against(&[other], &cx, |_| String::new())[0].message.contains("우수과제가 아닙니다"));
    }

    #[test]
    fn a_task_without_shares_is_split_equally_among_its_agencies() {
        let ex = vec![excellent(1, &[(1, "국토부"), (2, "환경부")]), excellent(2, &[(3, "개보위")])];
        let set = vec![TaskShares {
            task_id: TaskId::new(2),
            agencies: vec![AgencyShare {
                agency_id: AgencyId::new(3),
                share: 5,
                people: vec![PersonShare { recipient: Recipient::Named { name: "김".into() }, share: 1 }],
            }],
        }];
        let tasks = prize_tasks(&ex, &set);
        assert_eq!(tasks[0].agencies.iter().map(|a| a.share).collect::<Vec<_>>(), vec![1, 1]);
        assert!(tasks[0].agencies.iter().all(|a| a.people.is_empty()));
        assert_eq!(tasks[1].agencies[0].people[0].person, "agency:3:김");
        // An agency that joined after OPC set the shares gets 0; all zero falls back to equal.
        let grown = vec![excellent(2, &[(3, "개보위"), (4, "방통위")])];
        assert_eq!(prize_tasks(&grown, &set)[0].agencies[1].share, 0);
        let left = vec![excellent(2, &[(4, "방통위")])];
        assert_eq!(prize_tasks(&left, &set)[0].agencies[0].share, 1);
    }

    /// Excellent tasks with distinct agencies, and shares for some of them: people of 0–3 per
    /// agency, each named in one task only, so each person's total is what that task gives them.
    fn round_strategy() -> impl Strategy<Value = (Vec<ExcellentTask>, Vec<TaskShares>)> {
        let people = prop::collection::vec(0u32..6, 0..4);
        let agency = (0u32..6, people);
        let task = (any::<bool>(), prop::collection::vec(agency, 1..4));
        prop::collection::vec(task, 1..6).prop_map(|tasks| {
            let mut ex = Vec::new();
            let mut shares = Vec::new();
            let mut next_person = 0;
            for (k, (set, agencies)) in tasks.into_iter().enumerate() {
                let id = k as i64 + 1;
                let ids: Vec<(i64, String)> =
                    (0..agencies.len()).map(|a| (id * 10 + a as i64, format!("기관{a}"))).collect();
                ex.push(ExcellentTask {
                    task: TaskId::new(id),
                    grade: "S".into(),
                    score: 80.0,
                    agencies: ids.iter().map(|(a, n)| (AgencyId::new(*a), n.clone())).collect(),
                });
                if set {
                    let agencies = agencies
                        .into_iter()
                        .zip(&ids)
                        .map(|((share, people), (a, _))| AgencyShare {
                            agency_id: AgencyId::new(*a),
                            share,
                            people: people
                                .into_iter()
                                .map(|s| {
                                    next_person += 1;
                                    PersonShare {
                                        recipient: Recipient::Named { name: format!("사람{next_person}") },
                                        share: s,
                                    }
                                })
                                .collect(),
                        })
                        .collect();
                    shares.push(TaskShares { task_id: TaskId::new(id), agencies });
                }
            }
            (ex, shares)
        })
    }

    proptest! {
        #[test]
        fn parts_add_up_to_the_pool_and_nobody_is_paid_over_a_feasible_cap(
            pool in 0i64..2_000_000_000,
            (ex, shares) in round_strategy(),
            cap in prop::option::of(1i64..200_000_000),
        ) {
            let tasks = prize_tasks(&ex, &shares);
            // An agency whose people all have share 0 is refused on input; here it is paid as a unit.
            let tasks: Vec<PrizeTask> = tasks.into_iter().map(|mut t| {
                for a in &mut t.agencies {
                    if a.people.iter().all(|p| p.share == 0) {
                        a.people.clear();
                    }
                }
                t
            }).collect();
            let rules = PrizeRules { person_cap_won: cap, ..Default::default() };
            let s = split_prizes(pool, &tasks, &rules).unwrap();
            prop_assert_eq!(s.paid_won() + s.undistributed_won, pool);
            prop_assert_eq!(s.tasks.iter().map(|t| t.part_won).sum::<i64>(), pool);
            for t in &s.tasks {
                prop_assert_eq!(t.agencies.iter().map(|a| a.part_won).sum::<i64>(), t.part_won);
                // The cap is feasible in a task when the people who take part in its rounding (a
                // positive entitlement) can hold what their agencies' parts give them.
                let in_people: i64 = t.agencies.iter().filter(|a| !a.people.is_empty()).map(|a| a.part_won).sum();
                let takers = t.agencies.iter().flat_map(|a| &a.people).filter(|p| p.entitlement_won > 0).count() as i64;
                let lost: i64 = t.agencies.iter().filter(|a| !a.people.is_empty() && a.people.iter().all(|p| p.entitlement_won == 0)).map(|a| a.part_won).sum();
                if let Some(cap) = cap {
                    if lost == 0 && in_people <= cap.saturating_mul(takers) {
                        prop_assert_eq!(t.undistributed_won, 0, "task {} undistributed", t.task);
                    }
                }
            }
            if let Some(cap) = cap {
                for (who, total) in s.person_totals() {
                    prop_assert!(total <= cap, "{} gets {} over the cap {}", who, total, cap);
                }
            } else {
                prop_assert_eq!(s.undistributed_won, 0);
            }
        }
    }
}
