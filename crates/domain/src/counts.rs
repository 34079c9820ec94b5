//! Task counts kept as they change, so that a list's total and the home page's figures are read,
//! not counted, at any number of tasks.
//!
//! A task is counted under every combination of the filters it answers to — one of its agencies or
//! its pair or neither, with its type or not, with its status or not — once among all tasks and,
//! when published, once among published ones. The total of such a filter without search words is
//! then one stored number: the count under its [`count_key`]. (An agency and a pair together are a
//! rare filter and would multiply the keys; it is counted by a query.) A write adds the task's new
//! keys and takes away its old ones, in the same transaction.

use crate::task::TypeFilter;
use crate::{AgencyId, PairId, TaskStatus, TaskType};

/// Among which tasks a count is kept: all current ones (what OPC sees) or the published ones
/// (what everyone sees). Other readers' totals are sums of these ([`count_terms`]) or counted by a
/// query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CountScope {
    All,
    Published,
}

impl CountScope {
    pub fn as_str(self) -> &'static str {
        match self {
            CountScope::All => "all",
            CountScope::Published => "published",
        }
    }
}

/// One kept count in a sum: `sign` is 1 or -1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountTerm {
    pub sign: i64,
    pub scope: CountScope,
    pub key: String,
}

/// How the readers of `scope` total the tasks answering `f` from kept counts, if they can. OPC and
/// the public read one count. An officer of one agency sees the published tasks and all of its own;
/// the two sets share its published ones, so its total is published + its own − its own published.
/// Others (several agencies, an exchangee's pair, an evaluator's assignments, or a filter whose
/// key is not kept) are counted by a query: `None`.
pub fn count_terms(scope: &crate::access::TaskScope, f: &FacetFilter) -> Option<Vec<CountTerm>> {
    use crate::access::TaskScope;
    let term = |sign, scope, f: &FacetFilter| count_key(f).map(|key| CountTerm { sign, scope, key });
    match scope {
        TaskScope::All => Some(vec![term(1, CountScope::All, f)?]),
        TaskScope::Published => Some(vec![term(1, CountScope::Published, f)?]),
        TaskScope::Limited { agency_ids, position_ids, evaluator_id: None, include_published }
            if agency_ids.len() == 1 && position_ids.is_empty() =>
        {
            let own = FacetFilter { agency_id: Some(agency_ids[0]), ..f.clone() };
            match f.agency_id {
                // Every task of its own agency is seen.
                Some(a) if a == agency_ids[0] => Some(vec![term(1, CountScope::All, f)?]),
                // Of another agency: its tasks shared with one's own are not a kept count.
                Some(_) => None,
                None if *include_published => Some(vec![
                    term(1, CountScope::Published, f)?,
                    term(1, CountScope::All, &own)?,
                    term(-1, CountScope::Published, &own)?,
                ]),
                None => Some(vec![term(1, CountScope::All, &own)?]),
            }
        }
        TaskScope::Limited { .. } => None,
    }
}

/// What a current (not archived) task answers to in the filters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFacets {
    pub status: TaskStatus,
    pub task_type: Option<TaskType>,
    pub pair_id: Option<PairId>,
    /// Sorted, each once.
    pub agency_ids: Vec<AgencyId>,
}

/// The filters of a task list other than its search words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FacetFilter {
    pub agency_id: Option<AgencyId>,
    pub pair_id: Option<PairId>,
    pub task_type: Option<TypeFilter>,
    pub status: Option<TaskStatus>,
}

fn type_name(t: TypeFilter) -> &'static str {
    match t {
        TypeFilter::Is(t) => t.as_str(),
        TypeFilter::Unset => "unset",
    }
}

/// The key under which the tasks answering `f` are counted: `agency=4;status=confirmed`, the
/// empty string for "no filter"; `None` for a filter not counted (an agency and a pair together).
pub fn count_key(f: &FacetFilter) -> Option<String> {
    if f.agency_id.is_some() && f.pair_id.is_some() {
        return None;
    }
    let mut parts = Vec::new();
    if let Some(a) = f.agency_id {
        parts.push(format!("agency={}", a.get()));
    }
    if let Some(p) = f.pair_id {
        parts.push(format!("pair={}", p.get()));
    }
    if let Some(t) = f.task_type {
        parts.push(format!("type={}", type_name(t)));
    }
    if let Some(s) = f.status {
        parts.push(format!("status={}", s.as_str()));
    }
    Some(parts.join(";"))
}

impl TaskFacets {
    pub fn new(
        status: TaskStatus,
        task_type: Option<TaskType>,
        pair_id: Option<PairId>,
        mut agency_ids: Vec<AgencyId>,
    ) -> TaskFacets {
        agency_ids.sort();
        agency_ids.dedup();
        TaskFacets { status, task_type, pair_id, agency_ids }
    }

    /// Every (scope, key) this task is counted under.
    pub fn count_keys(&self) -> Vec<(CountScope, String)> {
        // Neither, each agency, or the pair.
        let places: Vec<(Option<AgencyId>, Option<PairId>)> = std::iter::once((None, None))
            .chain(self.agency_ids.iter().map(|a| (Some(*a), None)))
            .chain(self.pair_id.map(|p| (None, Some(p))))
            .collect();
        let types = [None, Some(self.task_type.map_or(TypeFilter::Unset, TypeFilter::Is))];
        let statuses = [None, Some(self.status)];
        let scopes: &[CountScope] =
            if !self.status.is_public() { &[CountScope::All] } else { &[CountScope::All, CountScope::Published] };
        let mut keys = Vec::new();
        for (agency_id, pair_id) in &places {
            for task_type in types {
                for status in statuses {
                    let filter = FacetFilter { agency_id: *agency_id, pair_id: *pair_id, task_type, status };
                    if let Some(key) = count_key(&filter) {
                        keys.extend(scopes.iter().map(|s| (*s, key.clone())));
                    }
                }
            }
        }
        keys
    }

    /// The facets as stored beside the task, to know later what it was counted under.
    pub fn encode(&self) -> String {
        let agencies: Vec<String> = self.agency_ids.iter().map(|a| a.get().to_string()).collect();
        format!(
            "{}|{}|{}|{}",
            self.status.as_str(),
            self.task_type.map_or("", |t| t.as_str()),
            self.pair_id.map_or(String::new(), |p| p.get().to_string()),
            agencies.join(",")
        )
    }

    pub fn decode(raw: &str) -> Result<TaskFacets, String> {
        let bad = || format!("과제 집계 상태를 읽을 수 없습니다: '{raw}'");
        let parts: Vec<&str> = raw.split('|').collect();
        let [status, task_type, pair, agencies] = parts[..] else { return Err(bad()) };
        let id = |s: &str| s.parse::<i64>().map_err(|_| bad());
        Ok(TaskFacets::new(
            status.parse()?,
            if task_type.is_empty() { None } else { Some(task_type.parse()?) },
            if pair.is_empty() { None } else { Some(PairId::new(id(pair)?)) },
            agencies
                .split(',')
                .filter(|a| !a.is_empty())
                .map(|a| id(a).map(AgencyId::new))
                .collect::<Result<_, _>>()?,
        ))
    }
}

/// How the counts change when tasks go from `before` to `after` (None: not counted, e.g. new or
/// archived): each key with a non-zero change, in key order.
pub fn count_changes<'a>(
    changes: impl IntoIterator<Item = (Option<&'a TaskFacets>, Option<&'a TaskFacets>)>,
) -> Vec<(CountScope, String, i64)> {
    let mut delta = std::collections::BTreeMap::<(CountScope, String), i64>::new();
    for (before, after) in changes {
        if before == after {
            continue;
        }
        for key in before.map(TaskFacets::count_keys).unwrap_or_default() {
            *delta.entry(key).or_default() -= 1;
        }
        for key in after.map(TaskFacets::count_keys).unwrap_or_default() {
            *delta.entry(key).or_default() += 1;
        }
    }
    delta.into_iter().filter(|(_, n)| *n != 0).map(|((s, k), n)| (s, k, n)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facets(status: TaskStatus, agencies: &[i64], pair: Option<i64>) -> TaskFacets {
        TaskFacets::new(
            status,
            Some(TaskType::SiloRemoval),
            pair.map(PairId::new),
            agencies.iter().map(|a| AgencyId::new(*a)).collect(),
        )
    }

    /// Totals a scope's terms over a few tasks by their kept keys, and by seeing each task: the two
    /// agree for every filter the terms answer.
    #[test]
    fn an_officers_total_from_kept_counts_is_what_it_sees() {
        use crate::access::TaskScope;
        use std::collections::HashMap;
        let tasks = [
            facets(TaskStatus::Confirmed, &[4, 3], Some(1)),
            facets(TaskStatus::Proposed, &[4], None),
            facets(TaskStatus::Tabled, &[3], Some(1)),
            facets(TaskStatus::InProgress, &[5], None),
            facets(TaskStatus::Confirmed, &[3], None),
        ];
        let mut kept: HashMap<(CountScope, String), i64> = HashMap::new();
        for t in &tasks {
            for k in t.count_keys() {
                *kept.entry(k).or_default() += 1;
            }
        }
        let officer = |include_published| TaskScope::Limited {
            agency_ids: vec![AgencyId::new(4)],
            position_ids: vec![],
            evaluator_id: None,
            include_published,
        };
        let sees = |scope: &TaskScope, t: &TaskFacets| match scope {
            TaskScope::All => true,
            TaskScope::Published => t.status.is_public(),
            TaskScope::Limited { include_published, .. } => {
                (*include_published && t.status.is_public()) || t.agency_ids.contains(&AgencyId::new(4))
            }
        };
        let answers = |f: &FacetFilter, t: &TaskFacets| {
            f.agency_id.is_none_or(|a| t.agency_ids.contains(&a))
                && f.pair_id.is_none_or(|p| t.pair_id == Some(p))
                && f.status.is_none_or(|s| t.status == s)
        };
        let filters = [
            FacetFilter::default(),
            FacetFilter { status: Some(TaskStatus::Proposed), ..FacetFilter::default() },
            FacetFilter { status: Some(TaskStatus::Confirmed), ..FacetFilter::default() },
            FacetFilter { agency_id: Some(AgencyId::new(4)), ..FacetFilter::default() },
            FacetFilter { task_type: Some(TypeFilter::Is(TaskType::SiloRemoval)), ..FacetFilter::default() },
        ];
        for scope in [TaskScope::All, TaskScope::Published, officer(true), officer(false)] {
            for f in &filters {
                let terms = count_terms(&scope, f).unwrap_or_else(|| panic!("{scope:?} {f:?}"));
                let total: i64 =
                    terms.iter().map(|t| t.sign * kept.get(&(t.scope, t.key.clone())).copied().unwrap_or(0)).sum();
                let seen = tasks.iter().filter(|t| sees(&scope, t) && answers(f, t)).count() as i64;
                assert_eq!(total, seen, "{scope:?} {f:?}");
            }
        }
        // The officer sees 4 tasks: three published (1, 4, 5) and its own proposal (2).
        let terms = count_terms(&officer(true), &FacetFilter::default()).unwrap();
        assert_eq!(terms.len(), 3);
        let other = FacetFilter { agency_id: Some(AgencyId::new(3)), ..FacetFilter::default() };
        assert_eq!(count_terms(&officer(true), &other), None, "another agency's tasks are counted by a query");
        let pair = FacetFilter { pair_id: Some(PairId::new(1)), ..FacetFilter::default() };
        assert_eq!(count_terms(&officer(true), &pair), None, "an agency and a pair are not a kept count");
        let two = TaskScope::Limited {
            agency_ids: vec![AgencyId::new(3), AgencyId::new(4)],
            position_ids: vec![],
            evaluator_id: None,
            include_published: true,
        };
        assert_eq!(count_terms(&two, &FacetFilter::default()), None);
    }

    #[test]
    fn a_task_is_counted_under_every_combination_of_its_filters() {
        let f = facets(TaskStatus::Confirmed, &[4, 3], Some(1));
        let keys = f.count_keys();
        // (none, agency 3, agency 4, pair 1) × (none, type) × (none, status), two scopes.
        assert_eq!(keys.len(), 4 * 2 * 2 * 2);
        for key in [
            "",
            "agency=3",
            "agency=4;status=confirmed",
            "pair=1;type=silo_removal",
            "agency=3;type=silo_removal;status=confirmed",
        ] {
            assert!(keys.contains(&(CountScope::Published, key.to_string())), "{key}");
            assert!(keys.contains(&(CountScope::All, key.to_string())), "{key}");
        }
        assert!(!keys.iter().any(|(_, k)| k.contains("agency=3;agency=4")), "one agency per key");
        assert!(!keys.iter().any(|(_, k)| k.contains("agency=3;pair")), "an agency and a pair are counted by a query");
    }

    #[test]
    fn a_proposed_task_is_counted_only_among_all() {
        let keys = facets(TaskStatus::Proposed, &[4], None).count_keys();
        assert!(keys.iter().all(|(s, _)| *s == CountScope::All));
        assert_eq!(keys.len(), 2 * 2 * 2);
    }

    #[test]
    fn the_key_of_a_filter_is_one_the_task_is_counted_under() {
        let f = facets(TaskStatus::InProgress, &[7], None);
        let filter = FacetFilter {
            agency_id: Some(AgencyId::new(7)),
            task_type: Some(TypeFilter::Is(TaskType::SiloRemoval)),
            status: Some(TaskStatus::InProgress),
            pair_id: None,
        };
        assert!(f.count_keys().contains(&(CountScope::Published, count_key(&filter).unwrap())));
        assert_eq!(count_key(&FacetFilter::default()).as_deref(), Some(""));
        let unset = FacetFilter { task_type: Some(TypeFilter::Unset), ..Default::default() };
        assert_eq!(count_key(&unset).as_deref(), Some("type=unset"));
        let both =
            FacetFilter { agency_id: Some(AgencyId::new(1)), pair_id: Some(PairId::new(1)), ..Default::default() };
        assert_eq!(count_key(&both), None);
    }

    #[test]
    fn facets_read_back_as_they_were_written() {
        for f in [
            facets(TaskStatus::Dropped, &[9, 2, 2], Some(12)),
            TaskFacets::new(TaskStatus::Proposed, None, None, vec![]),
        ] {
            assert_eq!(TaskFacets::decode(&f.encode()).unwrap(), f);
        }
        assert!(TaskFacets::decode("confirmed|x").is_err());
    }

    #[test]
    fn a_change_moves_only_the_keys_that_differ() {
        let before = facets(TaskStatus::Proposed, &[4], None);
        let after = facets(TaskStatus::Confirmed, &[4], None);
        let changes = count_changes([(Some(&before), Some(&after))]);
        assert!(changes.contains(&(CountScope::Published, String::new(), 1)), "now published: {changes:?}");
        assert!(!changes.iter().any(|(s, k, _)| *s == CountScope::All && k.is_empty()), "still one task among all");
        assert!(changes.contains(&(CountScope::All, "status=proposed".into(), -1)));
        assert!(changes.contains(&(CountScope::All, "status=confirmed".into(), 1)));
        assert!(count_changes([(Some(&after), Some(&after))]).is_empty());
        let archived = count_changes([(Some(&after), None)]);
        assert!(archived.iter().all(|(_, _, n)| *n == -1) && archived.len() == after.count_keys().len());
    }
}
