//! The assignment tool: which evaluators score which task.
//!
//! Every task with `needed = N` gets exactly N evaluators, none of them in conflict with it, at least
//! ⌈N × share⌉ of them private experts; nobody gets more than their `max_tasks = M`. Among all such
//! assignments it returns one whose loads are the most even: it minimises Σ load·(load+1)/2, and
//! because the reachable load vectors form a polymatroid, that same assignment also has the smallest
//! possible largest load and the largest possible smallest load (the "decreasingly minimal" base,
//! Fujishige / Frank–Murota). The tests check this against brute force on small cases.
//!
//! How, so that 100,000 tasks and thousands of evaluators take seconds:
//! 1. Tasks with the same N, the same private minimum and the same excluded evaluators are one
//!    *class*; evaluators with the same private flag, M and excluded classes are one *type*. Members
//!    of a class (type) are interchangeable, so the flow runs on classes and types, not people.
//! 2. A binary search with plain max flows finds the smallest largest load L that still fills every
//!    seat; then a min-cost max-flow ([`super::flow`]) where a type's k-th seat per member costs k
//!    (levels 1..=L) spreads the load.
//! 3. The flow is unpacked: a type's seats are dealt to its members in turn (so members differ by at
//!    most one), and a class's seats are dealt to its tasks in turn, private experts first (so every
//!    task gets N distinct evaluators and at least the private minimum).
//!
//! Measured (release build, 2 shared cores, the `assignment_at_scale` test below): 100,000 tasks × 3
//! seats, 3,000 evaluators (M = 150), 3.2 million 제척 conflicts from 600 government evaluators:
//! finding the conflicts 1.2 s, the assignment 2.6 s, every load 100.
//!
//! Ties are settled by id order: evaluators and tasks are sorted by id first, so the result does not
//! depend on the order of the inputs. When no assignment exists the error says why, per task
//! ("과제 12: 제척·회피·기피 후 적격 평가위원 2명, 최소 3명 필요") or overall
//! ("평가위원 정원 합계 120건 < 필요 150건").

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::flow::{EdgeId, Graph};
use super::{Conflict, PrivateShare};
use crate::korean::thousands;
use crate::{TaskId, UserId};

/// An evaluator as the assignment sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluatorSlot {
    pub id: UserId,
    pub is_private_expert: bool,
    /// The most tasks this evaluator may score in the round (M).
    pub max_tasks: u32,
}

/// A task's need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskNeed {
    pub id: TaskId,
    /// Evaluators the task needs (N).
    pub needed: u32,
    pub share: PrivateShare,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskPanel {
    pub task: TaskId,
    /// Sorted by id.
    pub evaluators: Vec<UserId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluatorLoad {
    pub evaluator: UserId,
    pub tasks: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    /// One per task, by task id.
    pub panels: Vec<TaskPanel>,
    /// One per evaluator, by id (zero when unused).
    pub loads: Vec<EvaluatorLoad>,
    pub max_load: u32,
    pub min_load: u32,
}

/// One reason the assignment cannot be made; `task` is `None` for a round-wide reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shortfall {
    pub task: Option<TaskId>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssignmentError {
    #[error("평가위원 {0}이(가) 명단에 두 번 있습니다. 한 번만 넣으세요.")]
    DuplicateEvaluator(UserId),
    #[error("과제 {0}이(가) 두 번 있습니다. 한 번만 넣으세요.")]
    DuplicateTask(TaskId),
    #[error("배정할 수 없습니다: {}", ShortfallList(.0))]
    Impossible(Vec<Shortfall>),
}

struct ShortfallList<'a>(&'a [Shortfall]);

impl fmt::Display for ShortfallList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<&str> = self.0.iter().map(|s| s.message.as_str()).collect();
        f.write_str(&lines.join("; "))
    }
}

/// Tasks that share N, the private minimum and the excluded evaluators.
struct Class {
    needed: u32,
    min_private: u32,
    tasks: Vec<usize>,
}

/// Evaluators that share the private flag, the effective M and the excluded classes.
struct Type {
    private: bool,
    /// min(M, tasks the member may score).
    cap: u32,
    members: Vec<usize>,
    excluded: Vec<usize>,
}

/// Assigns evaluators to tasks; see the module notes for the rule. Conflicts naming an evaluator or a
/// task that is not in the lists are ignored.
pub fn assign(
    evaluators: &[EvaluatorSlot],
    tasks: &[TaskNeed],
    conflicts: &[Conflict],
) -> Result<Assignment, AssignmentError> {
    let mut evaluators = evaluators.to_vec();
    evaluators.sort_by_key(|e| e.id);
    if let Some(w) = evaluators.windows(2).find(|w| w[0].id == w[1].id) {
        return Err(AssignmentError::DuplicateEvaluator(w[0].id));
    }
    let mut tasks = tasks.to_vec();
    tasks.sort_by_key(|t| t.id);
    if let Some(w) = tasks.windows(2).find(|w| w[0].id == w[1].id) {
        return Err(AssignmentError::DuplicateTask(w[0].id));
    }

    // Who is excluded from which task, as sorted evaluator indices.
    let mut excluded: Vec<Vec<usize>> = vec![Vec::new(); tasks.len()];
    for c in conflicts {
        let (Ok(t), Ok(e)) =
            (tasks.binary_search_by_key(&c.task, |t| t.id), evaluators.binary_search_by_key(&c.evaluator, |e| e.id))
        else {
            continue;
        };
        if evaluators[e].max_tasks > 0 {
            excluded[t].push(e);
        }
    }
    for x in &mut excluded {
        x.sort_unstable();
        x.dedup();
    }

    let active = evaluators.iter().filter(|e| e.max_tasks > 0).count() as u32;
    let active_private = evaluators.iter().filter(|e| e.max_tasks > 0 && e.is_private_expert).count() as u32;
    let mut short = Vec::new();
    for (t, need) in tasks.iter().enumerate() {
        if need.needed == 0 {
            continue;
        }
        let out_private = excluded[t].iter().filter(|&&e| evaluators[e].is_private_expert).count() as u32;
        let eligible = active - excluded[t].len() as u32;
        let eligible_private = active_private - out_private;
        let min_private = need.share.min_private(need.needed);
        if eligible < need.needed {
            short.push(Shortfall {
                task: Some(need.id),
                message: format!(
                    "과제 {}: 제척·회피·기피 후 적격 평가위원 {}명, 최소 {}명 필요",
                    need.id, eligible, need.needed
                ),
            });
        } else if eligible_private < min_private {
            short.push(Shortfall {
                task: Some(need.id),
                message: format!(
                    "과제 {}: 제척·회피·기피 후 적격 민간 전문가 {}명, 민간 비율 {} 이상이려면 최소 {}명 필요",
                    need.id, eligible_private, need.share, min_private
                ),
            });
        }
    }

    // Classes, in the order of their first task.
    let mut class_of: BTreeMap<(u32, u32, &[usize]), usize> = BTreeMap::new();
    let mut classes: Vec<Class> = Vec::new();
    for (t, need) in tasks.iter().enumerate() {
        if need.needed == 0 {
            continue;
        }
        let key = (need.needed, need.share.min_private(need.needed), excluded[t].as_slice());
        let c = *class_of.entry(key).or_insert_with(|| {
            classes.push(Class { needed: key.0, min_private: key.1, tasks: Vec::new() });
            classes.len() - 1
        });
        classes[c].tasks.push(t);
    }
    let mut excluded_classes: Vec<Vec<usize>> = vec![Vec::new(); evaluators.len()];
    for (&(_, _, out), &c) in &class_of {
        for &e in out {
            excluded_classes[e].push(c);
        }
    }
    let seats_total: u64 = classes.iter().map(|c| c.tasks.len() as u64).sum();
    let mut type_of: BTreeMap<(bool, u32, Vec<usize>), usize> = BTreeMap::new();
    let mut types: Vec<Type> = Vec::new();
    let (mut capacity, mut capacity_private) = (0u64, 0u64);
    for (e, ev) in evaluators.iter().enumerate() {
        if ev.max_tasks == 0 {
            continue;
        }
        let mut out = std::mem::take(&mut excluded_classes[e]);
        out.sort_unstable();
        let may_score = seats_total - out.iter().map(|&c| classes[c].tasks.len() as u64).sum::<u64>();
        let cap = u64::from(ev.max_tasks).min(may_score) as u32;
        capacity += u64::from(cap);
        if ev.is_private_expert {
            capacity_private += u64::from(cap);
        }
        if cap == 0 {
            continue;
        }
        let key = (!ev.is_private_expert, cap, out);
        let ty = match type_of.get(&key) {
            Some(&ty) => ty,
            None => {
                types.push(Type { private: ev.is_private_expert, cap, members: Vec::new(), excluded: key.2.clone() });
                type_of.insert(key, types.len() - 1);
                types.len() - 1
            }
        };
        types[ty].members.push(e);
    }
    // Private types first: a class deals its seats private experts first (see `unpack`).
    types.sort_by_key(|t| !t.private);
    let demand: u64 = classes.iter().map(|c| c.tasks.len() as u64 * u64::from(c.needed)).sum();
    let demand_private: u64 = classes.iter().map(|c| c.tasks.len() as u64 * u64::from(c.min_private)).sum();
    let mut overall = Vec::new();
    if capacity < demand {
        overall.push(Shortfall {
            task: None,
            message: format!(
                "평가위원 정원 합계 {}건 < 필요 {}건",
                thousands(capacity as usize),
                thousands(demand as usize)
            ),
        });
    }
    if capacity_private < demand_private {
        overall.push(Shortfall {
            task: None,
            message: format!(
                "민간 전문가 정원 합계 {}건 < 민간 비율을 채우는 데 필요한 {}건",
                thousands(capacity_private as usize),
                thousands(demand_private as usize)
            ),
        });
    }
    if !overall.is_empty() || !short.is_empty() {
        short.extend(overall);
        return Err(AssignmentError::Impossible(short));
    }

    let max_cap = types.iter().map(|t| t.cap).max().unwrap_or(0);
    let net = |levels: Levels| Network::build(&classes, &types, levels);
    let mut full = net(Levels::Flat(max_cap));
    let (flow, _) = full.graph.min_cost_max_flow(full.source, full.sink);
    if (flow as u64) < demand {
        return Err(AssignmentError::Impossible(full.contention(&classes, &tasks, demand, flow)));
    }
    // The smallest largest load that still fills every seat.
    let members: u64 = types.iter().map(|t| t.members.len() as u64).sum();
    let (mut lo, mut hi) = (demand.div_ceil(members.max(1)) as u32, max_cap);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let mut probe = net(Levels::Flat(mid));
        let (f, _) = probe.graph.min_cost_max_flow(probe.source, probe.sink);
        if f as u64 == demand {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    let mut best = net(Levels::Spread(hi));
    let (flow, _) = best.graph.min_cost_max_flow(best.source, best.sink);
    debug_assert_eq!(flow as u64, demand);
    Ok(best.unpack(&classes, &types, &evaluators, &tasks))
}

#[derive(Clone, Copy)]
enum Levels {
    /// One edge per type with room for `min(cap, L)` seats per member, all at cost 0.
    Flat(u32),
    /// A member's k-th seat costs k, for k = 1..=min(cap, L).
    Spread(u32),
}

struct Network {
    graph: Graph,
    source: usize,
    sink: usize,
    /// Per type: (class, edge) for each class it may serve.
    serves: Vec<Vec<(usize, EdgeId)>>,
    /// Per class: its node and its edge into the sink.
    class_nodes: Vec<(usize, EdgeId)>,
}

impl Network {
    fn build(classes: &[Class], types: &[Type], levels: Levels) -> Network {
        let mut graph = Graph::new(2);
        let (source, sink) = (0, 1);
        // Per class: (private entry, public entry or None, the class node).
        let mut entries = Vec::with_capacity(classes.len());
        let mut class_nodes = Vec::with_capacity(classes.len());
        for c in classes {
            let k = c.tasks.len() as i64;
            let node = graph.add_node();
            let to_sink = graph.add_edge(node, sink, k * i64::from(c.needed), 0);
            let private = graph.add_node();
            graph.add_edge(private, node, k * i64::from(c.needed), 0);
            let public_seats = k * i64::from(c.needed - c.min_private);
            let public = (public_seats > 0).then(|| {
                let p = graph.add_node();
                graph.add_edge(p, node, public_seats, 0);
                p
            });
            entries.push((private, public));
            class_nodes.push((node, to_sink));
        }
        let mut serves = Vec::with_capacity(types.len());
        for ty in types {
            let n = ty.members.len() as i64;
            let node = graph.add_node();
            match levels {
                Levels::Flat(l) => {
                    graph.add_edge(source, node, n * i64::from(ty.cap.min(l)), 0);
                }
                Levels::Spread(l) => {
                    for k in 1..=ty.cap.min(l) {
                        graph.add_edge(source, node, n, i64::from(k));
                    }
                }
            }
            let mut out = ty.excluded.iter().peekable();
            let mut edges = Vec::new();
            for (c, class) in classes.iter().enumerate() {
                if out.peek() == Some(&&c) {
                    out.next();
                    continue;
                }
                let (private, public) = entries[c];
                let entry = if ty.private { Some(private) } else { public };
                if let Some(entry) = entry {
                    // Each member at most once per task of the class.
                    edges.push((c, graph.add_edge(node, entry, n * class.tasks.len() as i64, 0)));
                }
            }
            serves.push(edges);
        }
        Network { graph, source, sink, serves, class_nodes }
    }

    /// Why a max flow fell short: the tasks still missing seats, and the group of tasks competing
    /// for the same evaluators (those that can still reach the sink in the residual graph).
    fn contention(&self, classes: &[Class], tasks: &[TaskNeed], demand: u64, flow: i64) -> Vec<Shortfall> {
        let reach = self.graph.reaching(self.sink);
        let (mut group_tasks, mut group_demand, mut group_flow) = (0usize, 0i64, 0i64);
        let mut out = Vec::new();
        for (c, class) in classes.iter().enumerate() {
            let (node, to_sink) = self.class_nodes[c];
            if !reach[node] {
                continue;
            }
            let k = class.tasks.len();
            group_tasks += k;
            group_demand += k as i64 * i64::from(class.needed);
            group_flow += self.graph.flow(to_sink);
            let missing = self.graph.residual(to_sink);
            if missing == 0 {
                continue;
            }
            for &t in &class.tasks {
                out.push(Shortfall {
                    task: Some(tasks[t].id),
                    message: format!(
                        "과제 {}: 적격 평가위원은 있으나 그들의 정원(또는 민간 비율)이 다른 과제에 쓰여 {}명을 채울 수 없습니다 \
                         (같은 조건의 과제 {}건에서 모두 {}건 부족)",
                        tasks[t].id, class.needed, k, missing
                    ),
                });
            }
        }
        let mut head = vec![Shortfall {
            task: None,
            message: format!(
                "필요 {}건 중 {}건만 배정할 수 있습니다. 적격 평가위원이 겹치는 과제 {}건에 필요 {}건, 배정 가능 {}건",
                thousands(demand as usize),
                thousands(flow as usize),
                thousands(group_tasks),
                thousands(group_demand as usize),
                thousands(group_flow as usize)
            ),
        }];
        head.extend(out);
        head
    }

    fn unpack(
        &self,
        classes: &[Class],
        types: &[Type],
        evaluators: &[EvaluatorSlot],
        tasks: &[TaskNeed],
    ) -> Assignment {
        // Per class: (evaluator, seats) runs, private types first (types are keyed private-first).
        let mut runs: Vec<Vec<(usize, u32)>> = vec![Vec::new(); classes.len()];
        let mut load = vec![0u32; evaluators.len()];
        for (ty, edges) in types.iter().zip(&self.serves) {
            let n = ty.members.len();
            let mut cursor = 0usize;
            for &(c, e) in edges {
                let f = self.graph.flow(e) as usize;
                if f == 0 {
                    continue;
                }
                // Deal f seats round the members starting at the cursor: each gets ⌊f/n⌋ or ⌈f/n⌉.
                let (each, extra) = (f / n, f % n);
                for i in 0..n.min(f) {
                    let m = ty.members[(cursor + i) % n];
                    let seats = (each + usize::from(i < extra)) as u32;
                    runs[c].push((m, seats));
                    load[m] += seats;
                }
                cursor = (cursor + f) % n;
            }
        }
        let mut panels: Vec<TaskPanel> =
            tasks.iter().map(|t| TaskPanel { task: t.id, evaluators: Vec::with_capacity(t.needed as usize) }).collect();
        for (class, runs) in classes.iter().zip(runs) {
            let k = class.tasks.len();
            let mut slot = 0usize;
            for (m, seats) in runs {
                for _ in 0..seats {
                    panels[class.tasks[slot % k]].evaluators.push(evaluators[m].id);
                    slot += 1;
                }
            }
        }
        for p in &mut panels {
            p.evaluators.sort_unstable();
        }
        let loads: Vec<EvaluatorLoad> =
            evaluators.iter().zip(&load).map(|(e, &tasks)| EvaluatorLoad { evaluator: e.id, tasks }).collect();
        let max_load = load.iter().copied().max().unwrap_or(0);
        let min_load =
            evaluators.iter().zip(&load).filter(|(e, _)| e.max_tasks > 0).map(|(_, &l)| l).min().unwrap_or(0);
        Assignment { panels, loads, max_load, min_load }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::panel::ConflictKind;
    use proptest::prelude::*;

    fn ev(id: i64, private: bool, m: u32) -> EvaluatorSlot {
        EvaluatorSlot { id: UserId::new(id), is_private_expert: private, max_tasks: m }
    }

    fn task(id: i64, n: u32) -> TaskNeed {
        TaskNeed { id: TaskId::new(id), needed: n, share: PrivateShare::default() }
    }

    fn out(task: i64, evaluator: i64) -> Conflict {
        Conflict {
            task: TaskId::new(task),
            evaluator: UserId::new(evaluator),
            kind: ConflictKind::Exclusion,
            reason: "제척".into(),
        }
    }

    fn panel(a: &Assignment, task: i64) -> Vec<i64> {
        a.panels.iter().find(|p| p.task == TaskId::new(task)).unwrap().evaluators.iter().map(|e| e.get()).collect()
    }

    #[test]
    fn every_task_gets_its_n_without_the_excluded_and_the_load_is_even() {
        // 4 tasks × 3 seats = 12 seats over 6 evaluators (4 private): loads 2 each is the best.
        // 2/3 of 3 = 2 private per task. Evaluator 1 is excluded from task 10, evaluator 5 from 11.
        let evaluators =
            [ev(1, true, 4), ev(2, true, 4), ev(3, true, 4), ev(4, true, 4), ev(5, false, 4), ev(6, false, 4)];
        let tasks = [task(10, 3), task(11, 3), task(12, 3), task(13, 3)];
        let a = assign(&evaluators, &tasks, &[out(10, 1), out(11, 5)]).unwrap();
        assert_eq!((a.max_load, a.min_load), (2, 2));
        assert!(!panel(&a, 10).contains(&1));
        assert!(!panel(&a, 11).contains(&5));
        for p in &a.panels {
            assert_eq!(p.evaluators.len(), 3);
            let private = p.evaluators.iter().filter(|e| e.get() <= 4).count();
            assert!(private >= 2, "{p:?}");
        }
    }

    #[test]
    fn a_task_left_with_too_few_eligible_evaluators_is_named() {
        let evaluators = [ev(1, true, 5), ev(2, true, 5), ev(3, true, 5), ev(4, false, 5)];
        let tasks = [task(12, 3), task(13, 3)];
        // Task 12 loses 1 and 4: 2 eligible, 3 needed.
        let e = assign(&evaluators, &tasks, &[out(12, 1), out(12, 4)]).unwrap_err();
        let AssignmentError::Impossible(why) = e else { panic!("{e:?}") };
        assert_eq!(
            why,
            vec![Shortfall {
                task: Some(TaskId::new(12)),
                message: "과제 12: 제척·회피·기피 후 적격 평가위원 2명, 최소 3명 필요".into()
            }]
        );
        // With a fifth (public) evaluator, task 13 losing two private experts keeps 3 eligible but
        // 1 private, and ⌈3 × 2/3⌉ = 2 are needed.
        let five = [evaluators.as_slice(), &[ev(5, false, 5)]].concat();
        let AssignmentError::Impossible(why) = assign(&five, &tasks[1..], &[out(13, 1), out(13, 2)]).unwrap_err()
        else {
            panic!()
        };
        assert_eq!(
            why[0].message,
            "과제 13: 제척·회피·기피 후 적격 민간 전문가 1명, 민간 비율 2/3 이상이려면 최소 2명 필요"
        );
        // The same shortage seen round-wide follows the task's line: 1 private seat < 2.
        assert_eq!(why[1].message, "민간 전문가 정원 합계 1건 < 민간 비율을 채우는 데 필요한 2건");
    }

    #[test]
    fn a_round_wide_capacity_shortfall_is_said_in_seats() {
        // 40 evaluators × M 3 = 120 seats < 50 tasks × 3 = 150.
        let evaluators: Vec<_> = (1..=40).map(|i| ev(i, true, 3)).collect();
        let tasks: Vec<_> = (1..=50).map(|i| task(i, 3)).collect();
        let AssignmentError::Impossible(why) = assign(&evaluators, &tasks, &[]).unwrap_err() else { panic!() };
        assert_eq!(why, vec![Shortfall { task: None, message: "평가위원 정원 합계 120건 < 필요 150건".into() }]);
    }

    #[test]
    fn competing_tasks_are_explained_when_each_alone_would_do() {
        // Tasks 1 and 2 may only have evaluator 1 (M = 1); task 3 has 3 and 4. Every task has an
        // eligible evaluator and capacity 1 + 1 + 1 = 3 = demand, but 1 and 2 compete for one seat.
        let evaluators = [ev(1, true, 1), ev(3, true, 1), ev(4, true, 1)];
        let share = PrivateShare::new(0, 1).unwrap();
        let tasks = [1, 2, 3].map(|id| TaskNeed { id: TaskId::new(id), needed: 1, share });
        let conflicts = [out(1, 3), out(1, 4), out(2, 3), out(2, 4), out(3, 1)];
        let AssignmentError::Impossible(why) = assign(&evaluators, &tasks, &conflicts).unwrap_err() else { panic!() };
        assert_eq!(
            why[0].message,
            "필요 3건 중 2건만 배정할 수 있습니다. 적격 평가위원이 겹치는 과제 2건에 필요 2건, 배정 가능 1건"
        );
        let named: Vec<Option<TaskId>> = why[1..].iter().map(|s| s.task).collect();
        assert_eq!(named, vec![Some(TaskId::new(1)), Some(TaskId::new(2))]);
        assert!(why[1].message.starts_with("과제 1: 적격 평가위원은 있으나"), "{}", why[1].message);
    }

    #[test]
    fn duplicates_are_refused_and_nothing_needed_is_an_empty_panel() {
        assert_eq!(
            assign(&[ev(1, true, 1), ev(1, true, 2)], &[], &[]),
            Err(AssignmentError::DuplicateEvaluator(UserId::new(1)))
        );
        assert_eq!(assign(&[], &[task(3, 0), task(3, 1)], &[]), Err(AssignmentError::DuplicateTask(TaskId::new(3))));
        let a = assign(&[ev(1, true, 1)], &[task(3, 0)], &[]).unwrap();
        assert_eq!(a.panels, vec![TaskPanel { task: TaskId::new(3), evaluators: vec![] }]);
        assert_eq!(a.loads, vec![EvaluatorLoad { evaluator: UserId::new(1), tasks: 0 }]);
    }

    #[test]
    fn heavy_exclusions_still_level_the_rest() {
        // Evaluator 1 may score only task 1; 2 and 3 may score all six tasks (N = 1, any share).
        // 6 seats: 1 takes task 1 (load 1), the other five go 3 + 2 → max 3, not 5 + 1 + 0; and 1 is
        // not left idle (0 + 3 + 3 has the same max but is less level).
        let share = PrivateShare::new(0, 1).unwrap();
        let tasks: Vec<_> = (1..=6).map(|id| TaskNeed { id: TaskId::new(id), needed: 1, share }).collect();
        let conflicts: Vec<_> = (2..=6).map(|t| out(t, 1)).collect();
        let a = assign(&[ev(1, true, 6), ev(2, true, 6), ev(3, false, 6)], &tasks, &conflicts).unwrap();
        let mut loads: Vec<u32> = a.loads.iter().map(|l| l.tasks).collect();
        assert_eq!(a.loads[0].tasks, 1);
        loads.sort();
        assert_eq!((a.max_load, a.min_load, loads), (3, 1, vec![1, 2, 3]));
        assert_eq!(panel(&a, 1), vec![1]);
    }

    /// Brute force: every way to pick each task's panel. Returns (smallest max load, smallest
    /// Σ load·(load+1)/2) over the valid ones, or None.
    fn brute(evaluators: &[EvaluatorSlot], tasks: &[TaskNeed], conflicts: &[Conflict]) -> Option<(u32, u32)> {
        let n = evaluators.len();
        let choices: Vec<Vec<u32>> = tasks
            .iter()
            .map(|t| {
                (0u32..1 << n)
                    .filter(|mask| {
                        mask.count_ones() == t.needed
                            && (0..n).all(|e| {
                                mask & (1 << e) == 0
                                    || !conflicts.iter().any(|c| c.task == t.id && c.evaluator == evaluators[e].id)
                            })
                            && t.share.is_met(
                                (0..n).filter(|&e| mask & (1 << e) != 0 && evaluators[e].is_private_expert).count()
                                    as u32,
                                t.needed,
                            )
                    })
                    .collect()
            })
            .collect();
        let mut best: Option<(u32, u32)> = None;
        let mut pick = vec![0usize; tasks.len()];
        if choices.iter().any(|c| c.is_empty()) {
            return None;
        }
        loop {
            let mut load = vec![0u32; n];
            for (t, &i) in pick.iter().enumerate() {
                for (e, l) in load.iter_mut().enumerate() {
                    if choices[t][i] & (1 << e) != 0 {
                        *l += 1;
                    }
                }
            }
            if load.iter().zip(evaluators).all(|(l, e)| *l <= e.max_tasks) {
                let max = load.iter().copied().max().unwrap_or(0);
                let cost = load.iter().map(|l| l * (l + 1) / 2).sum();
                best = Some(best.map_or((max, cost), |(m, c)| (m.min(max), c.min(cost))));
            }
            let mut t = 0;
            loop {
                if t == tasks.len() {
                    return best;
                }
                pick[t] += 1;
                if pick[t] < choices[t].len() {
                    break;
                }
                pick[t] = 0;
                t += 1;
            }
        }
    }

    fn instance() -> impl Strategy<Value = (Vec<EvaluatorSlot>, Vec<TaskNeed>, Vec<Conflict>)> {
        let shares = [(0, 1), (1, 2), (2, 3), (1, 1)];
        (
            prop::collection::vec((any::<bool>(), 0u32..4), 1..5),
            prop::collection::vec((0u32..4, 0usize..4), 1..4),
            prop::collection::vec(any::<bool>(), 16),
        )
            .prop_map(move |(es, ts, out)| {
                let evaluators: Vec<_> = es.iter().enumerate().map(|(i, &(p, m))| ev(i as i64 + 1, p, m)).collect();
                let tasks: Vec<_> = ts
                    .iter()
                    .enumerate()
                    .map(|(i, &(n, s))| TaskNeed {
                        id: TaskId::new(i as i64 + 1),
                        needed: n,
                        share: PrivateShare::new(shares[s].0, shares[s].1).unwrap(),
                    })
                    .collect();
                let mut conflicts = vec![];
                for t in 0..tasks.len() {
                    for e in 0..evaluators.len() {
                        if out[t * 4 + e] && (t + e) % 2 == 0 {
                            conflicts.push(out_pair(t as i64 + 1, e as i64 + 1));
                        }
                    }
                }
                (evaluators, tasks, conflicts)
            })
    }

    fn out_pair(t: i64, e: i64) -> Conflict {
        out(t, e)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn the_assignment_is_valid_and_as_level_as_brute_force_finds((evaluators, tasks, conflicts) in instance()) {
            let got = assign(&evaluators, &tasks, &conflicts);
            match (brute(&evaluators, &tasks, &conflicts), got) {
                (None, Err(AssignmentError::Impossible(why))) => prop_assert!(!why.is_empty()),
                (Some((max, cost)), Ok(a)) => {
                    prop_assert_eq!(a.max_load, max);
                    let got_cost: u32 = a.loads.iter().map(|l| l.tasks * (l.tasks + 1) / 2).sum();
                    prop_assert_eq!(got_cost, cost);
                    for (p, t) in a.panels.iter().zip(&tasks) {
                        prop_assert_eq!(p.evaluators.len() as u32, t.needed);
                        let mut distinct = p.evaluators.clone();
                        distinct.dedup();
                        prop_assert_eq!(distinct.len(), p.evaluators.len());
                        for e in &p.evaluators {
                            prop_assert!(!conflicts.iter().any(|c| c.task == t.id && c.evaluator == *e), "excluded {e} on {}", t.id);
                        }
                        let private = p.evaluators.iter().filter(|e| evaluators[e.get() as usize - 1].is_private_expert).count();
                        prop_assert!(t.share.is_met(private as u32, t.needed));
                    }
                    for (l, e) in a.loads.iter().zip(&evaluators) {
                        prop_assert!(l.tasks <= e.max_tasks);
                    }
                }
                (b, g) => prop_assert!(false, "brute force {:?} but assign {:?}", b, g),
            }
        }

        #[test]
        fn the_order_of_the_inputs_does_not_matter((evaluators, tasks, conflicts) in instance()) {
            let mut e2 = evaluators.clone();
            e2.reverse();
            let mut t2 = tasks.clone();
            t2.reverse();
            let mut c2 = conflicts.clone();
            c2.reverse();
            prop_assert_eq!(assign(&evaluators, &tasks, &conflicts), assign(&e2, &t2, &c2));
        }
    }

    /// 100,000 tasks × 3 seats, 3,000 evaluators (2,400 private, M = 150), 2 to 3 agencies per task
    /// out of 46, and 600 government evaluators each excluded from the tasks of one agency.
    /// Run with `cargo test -p hanteam-domain --release -- --ignored assignment_at_scale --nocapture`.
    #[test]
    #[ignore]
    fn assignment_at_scale() {
        use crate::panel::{conflicts, Affiliation, EvaluatorRecord, ExclusionRule, TaskParties};
        use crate::AgencyId;
        let mut seed = 0x2024_0415u64;
        let mut next = move |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        let records: Vec<EvaluatorRecord> = (1..=3000)
            .map(|i| EvaluatorRecord {
                id: UserId::new(i),
                affiliations: if i > 2400 {
                    vec![Affiliation {
                        agency: Some(AgencyId::new(1 + (i % 46))),
                        organization: format!("기관{}", 1 + i % 46),
                        from: Some(day("2018-01-01")),
                        to: None,
                    }]
                } else {
                    vec![]
                },
            })
            .collect();
        let parties: Vec<TaskParties> = (1..=100_000)
            .map(|t| {
                let k = 2 + next(2);
                let agencies = (0..k).map(|_| AgencyId::new(1 + next(46) as i64)).collect();
                TaskParties { task: TaskId::new(t), agencies }
            })
            .collect();
        let started = std::time::Instant::now();
        let found = conflicts(&records, &parties, &[], &[], &ExclusionRule::new(day("2024-04-15"))).unwrap();
        let conflicts_took = started.elapsed();
        let evaluators: Vec<_> = (1..=3000).map(|i| ev(i, i <= 2400, 150)).collect();
        let tasks: Vec<_> = (1..=100_000).map(|t| task(t, 3)).collect();
        let started = std::time::Instant::now();
        let a = assign(&evaluators, &tasks, &found).unwrap();
        println!(
            "conflicts: {} in {:?}; assignment: {} panels, loads {}..{} in {:?}",
            found.len(),
            conflicts_took,
            a.panels.len(),
            a.min_load,
            a.max_load,
            started.elapsed()
        );
        assert_eq!(a.panels.iter().map(|p| p.evaluators.len()).sum::<usize>(), 300_000);
    }
}
