//! 포상금 split: pool → excellent tasks → agencies → people, with the per-person cap.
//! The rounding, tie-break and cap rules are in the `reward` module notes.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::RewardError;
use crate::{AgencyId, TaskId};

/// An excellent task as stored: its grade and score, and the agencies taking part (by id).
#[derive(Debug, Clone, PartialEq)]
pub struct ExcellentTask {
    pub task: TaskId,
    pub grade: String,
    pub score: f64,
    pub agencies: Vec<(AgencyId, String)>,
}

/// Splits `total` in proportion to `weights` so the parts add up to `total` exactly.
///
/// Each part gets ⌊total × w / W⌋; the won left over go one each to the largest remainders, and
/// equal remainders go to the earlier position (callers list parts by id, so: the smaller id).
/// All weights zero (or none) gives all zeros: the caller reports the total as undistributed.
pub fn largest_remainder(total: i64, weights: &[u64]) -> Vec<i64> {
    let sum: u128 = weights.iter().map(|&w| u128::from(w)).sum();
    if sum == 0 || total <= 0 {
        return vec![0; weights.len()];
    }
    let total_u = total as u128;
    let mut parts: Vec<i64> = Vec::with_capacity(weights.len());
    let mut rems: Vec<(u128, usize)> = Vec::with_capacity(weights.len());
    for (i, &w) in weights.iter().enumerate() {
        let q = total_u * u128::from(w);
        parts.push((q / sum) as i64);
        rems.push((q % sum, i));
    }
    let left = total - parts.iter().sum::<i64>();
    // Largest remainder first; equal remainders by position.
    rems.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, i) in rems.iter().take(left as usize) {
        parts[i] += 1;
    }
    parts
}

/// A grade's weight in the `ByGrade` rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeWeight {
    pub grade: String,
    pub weight: u32,
}

/// How the pool goes to the excellent tasks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum PoolRule {
    /// The same part for every task.
    Equal,
    /// In proportion to the task's grade weight.
    ByGrade { weights: Vec<GradeWeight> },
    /// In proportion to the task's score, counted in 0.001 points (rounded half away from zero) so
    /// the division stays in integers.
    ByScore,
}

impl PoolRule {
    /// A by-grade rule from (grade, weight) pairs, e.g. `[("S", 3), ("A", 2)]`.
    pub fn by_grade(weights: &[(&str, u32)]) -> Self {
        PoolRule::ByGrade {
            weights: weights.iter().map(|&(g, w)| GradeWeight { grade: g.into(), weight: w }).collect(),
        }
    }

    pub fn label_ko(&self) -> &'static str {
        match self {
            PoolRule::Equal => "균등 배분",
            PoolRule::ByGrade { .. } => "등급 가중 배분",
            PoolRule::ByScore => "점수 가중 배분",
        }
    }
}

/// The round's split rules: data OPC edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrizeRules {
    pub pool_rule: PoolRule,
    /// Most a person may receive in the round; `None` for no cap.
    pub person_cap_won: Option<i64>,
}

impl Default for PrizeRules {
    /// Equal parts; 30,000,000원 per person (행정업무의 운영 및 혁신에 관한 규정 제46조의9).
    fn default() -> Self {
        PrizeRules { pool_rule: PoolRule::Equal, person_cap_won: Some(30_000_000) }
    }
}

/// A named person's share within an agency's part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonPart {
    /// A stable key for the person, the same in every task they are named in (an exchangee id, or a
    /// name with its agency): the cap is counted per key.
    pub person: String,
    pub share: u32,
}

/// An agency's share within a task's part. With no people, the part is paid to the agency (unit)
/// itself and no per-person cap applies to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyPart {
    pub agency: AgencyId,
    pub agency_name: String,
    pub share: u32,
    pub people: Vec<PersonPart>,
}

/// An excellent task as the split sees it: what evaluation decided, and the shares OPC set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrizeTask {
    pub task: TaskId,
    pub grade: String,
    pub score: f64,
    pub agencies: Vec<AgencyPart>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonPrize {
    pub person: String,
    pub share: u32,
    /// Sum of the shares in the agency.
    pub share_total: u64,
    /// The part before the cap.
    pub entitlement_won: i64,
    /// What was over the cap and went to others.
    pub cut_won: i64,
    /// What came from others' excess within the same agency.
    pub from_agency_won: i64,
    /// What came from others' excess elsewhere in the task.
    pub from_task_won: i64,
    /// What the person had already received in earlier tasks (the cap counts it).
    pub earlier_won: i64,
    pub amount_won: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyPrize {
    pub agency: AgencyId,
    pub agency_name: String,
    pub share: u32,
    /// Sum of the agency shares in the task.
    pub share_total: u64,
    /// The agency's part before the cap.
    pub part_won: i64,
    /// Paid to the agency itself (when it named no people).
    pub unit_won: i64,
    pub people: Vec<PersonPrize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskPrize {
    pub task: TaskId,
    pub grade: String,
    pub score: f64,
    /// The task's weight under the pool rule, and the sum over all tasks.
    pub weight: u64,
    pub weight_total: u64,
    pub part_won: i64,
    pub agencies: Vec<AgencyPrize>,
    /// What no one in the task could take because everyone was at the cap.
    pub undistributed_won: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrizeSplit {
    pub pool_won: i64,
    pub rules: PrizeRules,
    /// By task id.
    pub tasks: Vec<TaskPrize>,
    /// Σ of the tasks' `undistributed_won`: paid + undistributed = pool.
    pub undistributed_won: i64,
}

/// One payment, as the prizes API lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrizeLine {
    pub task_id: TaskId,
    pub agency_id: AgencyId,
    /// `None` for a part paid to the agency itself.
    pub person: Option<String>,
    pub amount_won: i64,
}

impl PrizeSplit {
    /// Every payment, by task, agency and person; zero amounts left out.
    pub fn lines(&self) -> Vec<PrizeLine> {
        let mut out = Vec::new();
        for t in &self.tasks {
            for a in &t.agencies {
                if a.unit_won > 0 {
                    out.push(PrizeLine { task_id: t.task, agency_id: a.agency, person: None, amount_won: a.unit_won });
                }
                for p in a.people.iter().filter(|p| p.amount_won > 0) {
                    out.push(PrizeLine {
                        task_id: t.task,
                        agency_id: a.agency,
                        person: Some(p.person.clone()),
                        amount_won: p.amount_won,
                    });
                }
            }
        }
        out
    }

    /// Everything paid out.
    pub fn paid_won(&self) -> i64 {
        self.lines().iter().map(|l| l.amount_won).sum()
    }

    /// Each person's total in the round, by key.
    pub fn person_totals(&self) -> BTreeMap<String, i64> {
        let mut totals = BTreeMap::new();
        for p in self.tasks.iter().flat_map(|t| &t.agencies).flat_map(|a| &a.people) {
            *totals.entry(p.person.clone()).or_insert(0) += p.amount_won;
        }
        totals
    }
}

/// Splits the pool; see the `reward` module notes for every rule.
pub fn split_prizes(pool_won: i64, tasks: &[PrizeTask], rules: &PrizeRules) -> Result<PrizeSplit, RewardError> {
    if pool_won < 0 {
        return Err(RewardError::NegativePool(pool_won));
    }
    if let Some(cap) = rules.person_cap_won.filter(|&c| c < 0) {
        return Err(RewardError::NegativeCap(cap));
    }
    if tasks.is_empty() {
        return Err(RewardError::NoTasks);
    }
    let mut tasks: Vec<PrizeTask> = tasks.to_vec();
    tasks.sort_by_key(|t| t.task);
    if let Some(w) = tasks.windows(2).find(|w| w[0].task == w[1].task) {
        return Err(RewardError::DuplicateTask(w[0].task));
    }
    for t in &mut tasks {
        validate_shares(t)?;
    }
    let weights = tasks.iter().map(|t| task_weight(t, &rules.pool_rule)).collect::<Result<Vec<u64>, _>>()?;
    let weight_total: u64 = weights.iter().sum();
    if weight_total == 0 {
        return Err(RewardError::ZeroTaskWeights);
    }
    let task_parts = largest_remainder(pool_won, &weights);
    let cap = rules.person_cap_won.unwrap_or(i64::MAX);
    // What each person has received so far in the round.
    let mut paid: BTreeMap<String, i64> = BTreeMap::new();
    let mut out = Vec::with_capacity(tasks.len());
    for ((t, &weight), &part) in tasks.iter().zip(&weights).zip(&task_parts) {
        out.push(split_task(t, weight, weight_total, part, cap, &mut paid));
    }
    let undistributed_won = out.iter().map(|t| t.undistributed_won).sum();
    Ok(PrizeSplit { pool_won, rules: rules.clone(), tasks: out, undistributed_won })
}

/// Sorts a task's agencies and people, and checks their shares.
fn validate_shares(t: &mut PrizeTask) -> Result<(), RewardError> {
    if t.agencies.is_empty() {
        return Err(RewardError::NoAgencyShares(t.task));
    }
    t.agencies.sort_by_key(|a| a.agency);
    if let Some(w) = t.agencies.windows(2).find(|w| w[0].agency == w[1].agency) {
        return Err(RewardError::DuplicateAgency { task: t.task, agency: w[0].agency });
    }
    if t.agencies.iter().all(|a| a.share == 0) {
        return Err(RewardError::ZeroAgencyShares(t.task));
    }
    for a in &mut t.agencies {
        a.people.sort_by(|x, y| x.person.cmp(&y.person));
        if let Some(w) = a.people.windows(2).find(|w| w[0].person == w[1].person) {
            return Err(RewardError::DuplicatePerson { task: t.task, agency: a.agency, person: w[0].person.clone() });
        }
        if !a.people.is_empty() && a.people.iter().all(|p| p.share == 0) {
            return Err(RewardError::ZeroPersonShares { task: t.task, agency: a.agency });
        }
    }
    // One person, one agency per task: the cap's room is then counted once per task.
    let mut named = BTreeSet::new();
    for p in t.agencies.iter().flat_map(|a| &a.people) {
        if !named.insert(p.person.as_str()) {
            return Err(RewardError::PersonInTwoAgencies { task: t.task, person: p.person.clone() });
        }
    }
    Ok(())
}

fn task_weight(t: &PrizeTask, rule: &PoolRule) -> Result<u64, RewardError> {
    match rule {
        PoolRule::Equal => Ok(1),
        PoolRule::ByGrade { weights } => weights
            .iter()
            .find(|w| w.grade == t.grade)
            .map(|w| u64::from(w.weight))
            .ok_or_else(|| RewardError::MissingGradeWeight { task: t.task, grade: t.grade.clone() }),
        PoolRule::ByScore => {
            if !t.score.is_finite() || t.score < 0.0 || t.score > 1e12 {
                return Err(RewardError::InvalidScore { task: t.task, score: t.score.to_string() });
            }
            Ok((t.score * 1000.0).round() as u64)
        }
    }
}

fn split_task(
    t: &PrizeTask,
    weight: u64,
    weight_total: u64,
    part_won: i64,
    cap: i64,
    paid: &mut BTreeMap<String, i64>,
) -> TaskPrize {
    let share_total: u64 = t.agencies.iter().map(|a| u64::from(a.share)).sum();
    let agency_parts = largest_remainder(part_won, &t.agencies.iter().map(|a| u64::from(a.share)).collect::<Vec<_>>());
    let mut agencies = Vec::with_capacity(t.agencies.len());
    let mut overflow = 0i64;
    for (a, &agency_part) in t.agencies.iter().zip(&agency_parts) {
        if a.people.is_empty() {
            agencies.push(AgencyPrize {
                agency: a.agency,
                agency_name: a.agency_name.clone(),
                share: a.share,
                share_total,
                part_won: agency_part,
                unit_won: agency_part,
                people: vec![],
            });
            continue;
        }
        let shares: Vec<u64> = a.people.iter().map(|p| u64::from(p.share)).collect();
        let people_total: u64 = shares.iter().sum();
        let entitlement = largest_remainder(agency_part, &shares);
        let earlier: Vec<i64> = a.people.iter().map(|p| paid.get(&p.person).copied().unwrap_or(0)).collect();
        let room: Vec<i64> = earlier.iter().map(|&e| cap.saturating_sub(e).max(0)).collect();
        let mut amount = entitlement.clone();
        let weights: Vec<u64> = entitlement.iter().map(|&e| e as u64).collect();
        let (cut, received, left) = fill_to_cap(&mut amount, &weights, &room);
        overflow += left;
        let people = a
            .people
            .iter()
            .enumerate()
            .map(|(i, p)| PersonPrize {
                person: p.person.clone(),
                share: p.share,
                share_total: people_total,
                entitlement_won: entitlement[i],
                cut_won: cut[i],
                from_agency_won: received[i],
                from_task_won: 0,
                earlier_won: earlier[i],
                amount_won: amount[i],
            })
            .collect();
        agencies.push(AgencyPrize {
            agency: a.agency,
            agency_name: a.agency_name.clone(),
            share: a.share,
            share_total,
            part_won: agency_part,
            unit_won: 0,
            people,
        });
    }
    // What no agency could place goes to the task's other people below the cap.
    let mut undistributed_won = 0;
    if overflow > 0 {
        let everyone: Vec<(usize, usize)> =
            agencies.iter().enumerate().flat_map(|(a, ag)| (0..ag.people.len()).map(move |p| (a, p))).collect();
        let mut amount: Vec<i64> = everyone.iter().map(|&(a, p)| agencies[a].people[p].amount_won).collect();
        let room: Vec<i64> =
            everyone.iter().map(|&(a, p)| cap.saturating_sub(agencies[a].people[p].earlier_won).max(0)).collect();
        let weights: Vec<u64> = everyone
            .iter()
            .zip(&amount)
            .zip(&room)
            .map(|((&(a, p), &amt), &r)| if amt < r { agencies[a].people[p].entitlement_won as u64 } else { 0 })
            .collect();
        let before = amount.clone();
        undistributed_won = give_out(overflow, &mut amount, &weights, &room);
        for (i, &(a, p)) in everyone.iter().enumerate() {
            let person = &mut agencies[a].people[p];
            person.from_task_won = amount[i] - before[i];
            person.amount_won = amount[i];
        }
    }
    for p in agencies.iter().flat_map(|a| &a.people) {
        *paid.entry(p.person.clone()).or_insert(0) += p.amount_won;
    }
    TaskPrize {
        task: t.task,
        grade: t.grade.clone(),
        score: t.score,
        weight,
        weight_total,
        part_won,
        agencies,
        undistributed_won,
    }
}

/// Clamps `amount` to `room` and hands what was over to the others below their room, by `weights`.
/// Returns (cut per person, received per person, what nobody could take).
fn fill_to_cap(amount: &mut [i64], weights: &[u64], room: &[i64]) -> (Vec<i64>, Vec<i64>, i64) {
    let mut cut = vec![0i64; amount.len()];
    let mut excess = 0;
    for i in 0..amount.len() {
        if amount[i] > room[i] {
            cut[i] = amount[i] - room[i];
            excess += cut[i];
            amount[i] = room[i];
        }
    }
    let before: Vec<i64> = amount.to_vec();
    let open: Vec<u64> = (0..amount.len()).map(|i| if amount[i] < room[i] { weights[i] } else { 0 }).collect();
    let left = give_out(excess, amount, &open, room);
    let received = amount.iter().zip(&before).map(|(a, b)| a - b).collect();
    (cut, received, left)
}

/// Gives `excess` to those with room, by weight (largest remainder), again and again as people fill
/// up; returns what is left when nobody with weight has room.
fn give_out(mut excess: i64, amount: &mut [i64], weights: &[u64], room: &[i64]) -> i64 {
    let mut weights = weights.to_vec();
    while excess > 0 {
        for i in 0..amount.len() {
            if amount[i] >= room[i] {
                weights[i] = 0;
            }
        }
        if weights.iter().all(|&w| w == 0) {
            break;
        }
        let parts = largest_remainder(excess, &weights);
        excess = 0;
        for i in 0..amount.len() {
            amount[i] += parts[i];
            if amount[i] > room[i] {
                excess += amount[i] - room[i];
                amount[i] = room[i];
            }
        }
    }
    excess
}

/// The people named anywhere in the split, for statement lists.
pub fn people(split: &PrizeSplit) -> BTreeSet<String> {
    split.tasks.iter().flat_map(|t| &t.agencies).flat_map(|a| &a.people).map(|p| p.person.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn person(name: &str, share: u32) -> PersonPart {
        PersonPart { person: name.into(), share }
    }

    fn agency(id: i64, share: u32, people: Vec<PersonPart>) -> AgencyPart {
        AgencyPart { agency: AgencyId::new(id), agency_name: format!("기관{id}"), share, people }
    }

    fn task(id: i64, grade: &str, score: f64, agencies: Vec<AgencyPart>) -> PrizeTask {
        PrizeTask { task: TaskId::new(id), grade: grade.into(), score, agencies }
    }

    #[test]
    fn largest_remainder_hands_the_leftover_won_to_the_largest_remainders_then_by_position() {
        // 100 × 1/3 = 33.33… each: 33 + 33 + 33 = 99, 1 won left; equal remainders → position 0.
        assert_eq!(largest_remainder(100, &[1, 1, 1]), vec![34, 33, 33]);
        // 10 × 3/7 = 4.285…, 10 × 4/7 = 5.714…: floors 4 + 5 = 9; larger remainder (4/7) gets the 1.
        assert_eq!(largest_remainder(10, &[3, 4]), vec![4, 6]);
        assert_eq!(largest_remainder(7, &[0, 0]), vec![0, 0]);
        assert_eq!(largest_remainder(0, &[2, 5]), vec![0, 0]);
    }

    #[test]
    fn the_pool_goes_by_grade_weight_then_agency_then_person() {
        // Pool 100,000,000; S weighs 3, A weighs 2: task 1 (S) 60,000,000, task 2 (A) 40,000,000.
        // Task 1: 환경부 2 : 국토부 1 → 40,000,000 / 20,000,000; 환경부's 40,000,000 to 갑 1 : 을 1.
        // Cap 30,000,000 is not reached (갑, 을 20,000,000 each; 국토부 unit 20,000,000).
        let tasks = vec![
            task(2, "A", 80.0, vec![agency(3, 1, vec![person("병", 1)])]),
            task(1, "S", 95.0, vec![agency(1, 2, vec![person("갑", 1), person("을", 1)]), agency(2, 1, vec![])]),
        ];
        let rules = PrizeRules { pool_rule: PoolRule::by_grade(&[("S", 3), ("A", 2)]), ..Default::default() };
        let s = split_prizes(100_000_000, &tasks, &rules).unwrap();
        assert_eq!(s.tasks[0].part_won, 60_000_000);
        assert_eq!(s.tasks[0].agencies[0].part_won, 40_000_000);
        assert_eq!(s.tasks[0].agencies[0].people[0].amount_won, 20_000_000);
        assert_eq!(s.tasks[0].agencies[1].unit_won, 20_000_000);
        // Task 2: 40,000,000 to 병 alone, over the 30,000,000 cap; nobody else in the task to take
        // the 10,000,000, so it is reported.
        let p = &s.tasks[1].agencies[0].people[0];
        assert_eq!((p.entitlement_won, p.cut_won, p.amount_won), (40_000_000, 10_000_000, 30_000_000));
        assert_eq!((s.tasks[1].undistributed_won, s.undistributed_won), (10_000_000, 10_000_000));
        assert_eq!(s.paid_won() + s.undistributed_won, 100_000_000);
        assert_eq!(s.lines().len(), 4);
    }

    #[test]
    fn what_is_over_the_cap_goes_first_within_the_agency_then_within_the_task() {
        // Task part 100,000,000: 기관1 80 : 기관2 20 → 80,000,000 / 20,000,000.
        // 기관1: 갑 3 : 을 1 → 60,000,000 / 20,000,000. Cap 30,000,000: 갑 over by 30,000,000;
        // 을 has room 10,000,000 → 을 30,000,000; 20,000,000 left for the task.
        // 기관2: 병 20,000,000 (room 10,000,000) takes 10,000,000 → 30,000,000; 10,000,000 unplaced.
        let tasks = vec![task(
            1,
            "S",
            90.0,
            vec![agency(1, 80, vec![person("갑", 3), person("을", 1)]), agency(2, 20, vec![person("병", 1)])],
        )];
        let s = split_prizes(100_000_000, &tasks, &PrizeRules::default()).unwrap();
        let a1 = &s.tasks[0].agencies[0];
        assert_eq!((a1.people[0].cut_won, a1.people[0].amount_won), (30_000_000, 30_000_000));
        assert_eq!((a1.people[1].from_agency_won, a1.people[1].amount_won), (10_000_000, 30_000_000));
        let b = &s.tasks[0].agencies[1].people[0];
        assert_eq!((b.from_task_won, b.amount_won), (10_000_000, 30_000_000));
        assert_eq!(s.undistributed_won, 10_000_000);
    }

    #[test]
    fn the_cap_counts_what_a_person_got_in_an_earlier_task() {
        // Two tasks of 25,000,000 each (equal); 갑 is named alone in both. Task 1 pays 25,000,000;
        // task 2 has room for 5,000,000 and gives the other 20,000,000 to 을 (same agency, share 1:1
        // → entitlement 12,500,000 each, 갑 cut 7,500,000 → 을 20,000,000).
        let tasks = vec![
            task(1, "S", 0.0, vec![agency(1, 1, vec![person("갑", 1)])]),
            task(2, "S", 0.0, vec![agency(1, 1, vec![person("갑", 1), person("을", 1)])]),
        ];
        let s = split_prizes(50_000_000, &tasks, &PrizeRules::default()).unwrap();
        let p = &s.tasks[1].agencies[0].people;
        assert_eq!((p[0].earlier_won, p[0].amount_won, p[1].amount_won), (25_000_000, 5_000_000, 20_000_000));
        assert_eq!(s.person_totals()["갑"], 30_000_000);
    }

    #[test]
    fn by_score_counts_thousandths_of_a_point() {
        // 92.5 → 92,500 and 87.5 → 87,500 (sum 180,000): 900 × 92,500 / 180,000 = 462.5 → 462,
        // 437.5 → 437; equal remainders → task 1 gets the won: 463 / 437.
        let tasks =
            vec![task(1, "S", 92.5, vec![agency(1, 1, vec![])]), task(2, "S", 87.5, vec![agency(1, 1, vec![])])];
        let rules = PrizeRules { pool_rule: PoolRule::ByScore, person_cap_won: None };
        let s = split_prizes(900, &tasks, &rules).unwrap();
        assert_eq!((s.tasks[0].part_won, s.tasks[1].part_won), (463, 437));
    }

    #[test]
    fn bad_inputs_are_refused_with_what_to_fix() {
        let ok = vec![task(1, "S", 1.0, vec![agency(1, 1, vec![])])];
        assert_eq!(split_prizes(-1, &ok, &PrizeRules::default()), Err(RewardError::NegativePool(-1)));
        assert_eq!(split_prizes(1, &[], &PrizeRules::default()), Err(RewardError::NoTasks));
        let by_grade = PrizeRules { pool_rule: PoolRule::by_grade(&[("A", 1)]), ..Default::default() };
        let e = split_prizes(1, &ok, &by_grade).unwrap_err();
        assert!(e.to_string().contains("등급 'S'의 가중치가 없습니다"), "{e}");
        let zero = vec![task(1, "S", 1.0, vec![agency(1, 0, vec![])])];
        assert_eq!(split_prizes(1, &zero, &PrizeRules::default()), Err(RewardError::ZeroAgencyShares(TaskId::new(1))));
        let dup = vec![task(1, "S", 1.0, vec![agency(1, 1, vec![person("갑", 1), person("갑", 2)])])];
        assert!(matches!(split_prizes(1, &dup, &PrizeRules::default()), Err(RewardError::DuplicatePerson { .. })));
        let twice =
            vec![task(1, "S", 1.0, vec![agency(1, 1, vec![person("갑", 1)]), agency(2, 1, vec![person("갑", 1)])])];
        let e = split_prizes(1, &twice, &PrizeRules::default()).unwrap_err();
        assert_eq!(e, RewardError::PersonInTwoAgencies { task: TaskId::new(1), person: "갑".into() });
        let nan = vec![task(1, "S", f64::NAN, vec![agency(1, 1, vec![])])];
        let rules = PrizeRules { pool_rule: PoolRule::ByScore, person_cap_won: None };
        assert!(matches!(split_prizes(1, &nan, &rules), Err(RewardError::InvalidScore { .. })));
    }

    fn tasks_strategy() -> impl Strategy<Value = Vec<PrizeTask>> {
        let people = prop::collection::vec((0usize..6, 0u32..5), 0..4);
        let agencies = prop::collection::vec((1u32..5, people), 1..4);
        prop::collection::vec((0usize..3, 0.0f64..100.0, agencies), 1..6).prop_map(|ts| {
            ts.into_iter()
                .enumerate()
                .map(|(i, (g, score, ags))| {
                    let mut seen = BTreeSet::new();
                    let agencies = ags
                        .into_iter()
                        .enumerate()
                        .map(|(a, (share, ps))| {
                            let mut people: Vec<PersonPart> = ps
                                .into_iter()
                                .filter(|(p, _)| seen.insert(*p))
                                .map(|(p, s)| person(&format!("사람{p}"), s))
                                .collect();
                            if !people.is_empty() && people.iter().all(|p| p.share == 0) {
                                people[0].share = 1;
                            }
                            agency(a as i64 + 1, share, people)
                        })
                        .collect();
                    task(i as i64 + 1, ["S", "A", "B"][g], score, agencies)
                })
                .collect()
        })
    }

    fn rules_strategy() -> impl Strategy<Value = PrizeRules> {
        (0usize..3, prop::option::of(0i64..50_000_000)).prop_map(|(r, cap)| PrizeRules {
            pool_rule: [PoolRule::Equal, PoolRule::by_grade(&[("S", 5), ("A", 3), ("B", 1)]), PoolRule::ByScore][r]
                .clone(),
            person_cap_won: cap,
        })
    }

    proptest! {
        #[test]
        fn every_split_adds_up_to_its_pool_and_respects_every_cap(
            pool in 0i64..1_000_000_000, tasks in tasks_strategy(), rules in rules_strategy()
        ) {
            let Ok(s) = split_prizes(pool, &tasks, &rules) else {
                // Only all-zero score weights may fail here.
                prop_assert!(matches!(rules.pool_rule, PoolRule::ByScore));
                return Ok(());
            };
            prop_assert_eq!(s.paid_won() + s.undistributed_won, pool);
            prop_assert!(s.undistributed_won >= 0);
            prop_assert_eq!(s.tasks.iter().map(|t| t.part_won).sum::<i64>(), pool);
            for t in &s.tasks {
                prop_assert_eq!(t.agencies.iter().map(|a| a.part_won).sum::<i64>(), t.part_won);
                let paid: i64 = t.agencies.iter().map(|a| a.unit_won + a.people.iter().map(|p| p.amount_won).sum::<i64>()).sum();
                prop_assert_eq!(paid + t.undistributed_won, t.part_won);
                for a in &t.agencies {
                    for p in &a.people {
                        prop_assert!(p.amount_won >= 0);
                        prop_assert_eq!(p.entitlement_won - p.cut_won + p.from_agency_won + p.from_task_won, p.amount_won);
                    }
                }
            }
            if let Some(cap) = rules.person_cap_won {
                for (who, total) in s.person_totals() {
                    prop_assert!(total <= cap, "{} gets {} over the cap {}", who, total, cap);
                }
            }
        }

        #[test]
        fn the_split_does_not_depend_on_input_order(
            pool in 0i64..1_000_000_000, tasks in tasks_strategy(), rules in rules_strategy()
        ) {
            let mut shuffled = tasks.clone();
            shuffled.reverse();
            for t in &mut shuffled {
                t.agencies.reverse();
                for a in &mut t.agencies {
                    a.people.reverse();
                }
            }
            prop_assert_eq!(split_prizes(pool, &tasks, &rules), split_prizes(pool, &shuffled, &rules));
        }
    }
}
