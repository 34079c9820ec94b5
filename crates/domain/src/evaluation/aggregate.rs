//! Aggregation (집계): from each evaluator's weighted total (0–100, see `rubric`) to one score per
//! task, with its spread, the panel's agreement and a deterministic ranking.
//!
//! The rules, in the order they run (every number is a field of [`AggregationParams`]):
//! 1. **Standardisation (optional, `standardise`)** corrects lenient and harsh raters. Over the whole
//!    round, M and S are the mean and population standard deviation of all raw totals. For each
//!    evaluator with mean m and population standard deviation s over their own tasks, a total x becomes
//!    M + S × (x − m) / s, then is clamped to 0–100 so it stays on the published scale.
//!    - An evaluator with fewer than `min_tasks_to_standardise` tasks (default 2) keeps raw totals:
//!      one score says nothing about how lenient its giver is.
//!    - An evaluator whose totals are all equal (s below 1e-9, i.e. floating-point noise) gets M on
//!      every task: they did not tell their tasks apart, so their z-score is 0 everywhere.
//! 2. **Dropping the extremes (`drop_extremes_from`, default 5)**: a task with at least that many
//!    totals loses its single highest and single lowest one; with ties only one of each goes
//!    (60, 60, 75, 90, 90 → 60, 75, 90). Fewer totals: the plain mean. `None` never drops.
//! 3. **The score** is the mean of what is left, rounded half away from zero to `score_decimals`
//!    (default 2). Ranking and grading use this rounded score, so two tasks shown with the same score
//!    are tied.
//! 4. **Spread and range**: every result carries n_scores, the **population** standard deviation
//!    (÷ n, the panel described as it is, 0 for a single score) and the min and max of the task's
//!    totals as used (after standardisation, before dropping). `disagreement` flags a task whose
//!    panel disagrees strongly by [`DisagreementRule`] (default: spread above 15 points).
//! 5. **Agreement over the round: ICC(1)** (one-way random-effects intraclass correlation, single
//!    rater; Shrout & Fleiss 1979), because each task has its own panel — Kendall's W needs every
//!    evaluator to rank every task. With k tasks, N totals and n_i totals for task i:
//!    MSB = Σ n_i (mean_i − grand)² / (k − 1), MSW = Σ (x − mean_i)² / (N − k),
//!    n0 = (N − Σ n_i² / N) / (k − 1), ICC(1) = (MSB − MSW) / (MSB + (n0 − 1) MSW).
//!    It is `None` with fewer than two scored tasks or when no task has two totals. 1 = panels agree
//!    fully; 0 or below = the task explains none of the differences between totals.
//! 6. **Ranking** ([`rank`]): higher score first, then more scores (a score resting on more
//!    evaluators), then the lower task id. Positions are 1, 2, 3 … with no shared places; tied
//!    scores stay visible through `score`.
//!
//! Sums are taken over sorted values, so the result does not depend on the order of the input.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::{TaskId, UserId};

/// Below this a standard deviation is floating-point noise.
const ZERO_SPREAD: f64 = 1e-9;

/// One evaluator's weighted total for one task (0–100). Evaluators are the accounts that score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaluatorTotal {
    pub task: TaskId,
    pub evaluator: UserId,
    pub total: f64,
}

/// When a task's panel counts as disagreeing strongly.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "points", rename_all = "snake_case")]
pub enum DisagreementRule {
    /// Never flag.
    Never,
    /// The population standard deviation of the task's totals is above this many points.
    SpreadAbove(f64),
    /// The highest total minus the lowest is above this many points.
    RangeAbove(f64),
}

/// How a round turns totals into task scores; OPC sets it per round.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AggregationParams {
    /// Drop the single highest and lowest total from this many totals on; `None`: never. At least 3.
    pub drop_extremes_from: Option<usize>,
    /// Standardise each evaluator's totals before aggregating.
    pub standardise: bool,
    /// An evaluator with fewer tasks than this keeps raw totals when standardising. At least 2.
    pub min_tasks_to_standardise: usize,
    pub disagreement: DisagreementRule,
    /// Decimals the score is rounded to (0–6).
    pub score_decimals: u32,
}

impl Default for AggregationParams {
    fn default() -> Self {
        Self {
            drop_extremes_from: Some(5),
            standardise: false,
            min_tasks_to_standardise: 2,
            disagreement: DisagreementRule::SpreadAbove(15.0),
            score_decimals: 2,
        }
    }
}

impl AggregationParams {
    pub fn validate(&self) -> Result<(), AggregateError> {
        if let Some(from) = self.drop_extremes_from {
            if from < 3 {
                return Err(AggregateError::DropTooSoon { from });
            }
        }
        if self.min_tasks_to_standardise < 2 {
            return Err(AggregateError::StandardiseTooSoon { from: self.min_tasks_to_standardise });
        }
        if let DisagreementRule::SpreadAbove(p) | DisagreementRule::RangeAbove(p) = self.disagreement {
            if !p.is_finite() || p < 0.0 {
                return Err(AggregateError::BadDisagreementThreshold);
            }
        }
        if self.score_decimals > 6 {
            return Err(AggregateError::TooManyDecimals { decimals: self.score_decimals });
        }
        Ok(())
    }
}

/// One task's aggregated result.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskResult {
    pub task: TaskId,
    /// Rounded to the round's decimals; what ranking and grading use.
    pub score: f64,
    pub n_scores: usize,
    /// Population standard deviation of the task's totals.
    pub spread: f64,
    pub min: f64,
    pub max: f64,
    /// The totals left out by the drop rule (lowest, highest), when it applied.
    pub dropped: Option<(f64, f64)>,
    pub disagreement: bool,
}

/// The round's inter-rater agreement.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Agreement {
    /// ICC(1); `None` where it is undefined (see the module header).
    pub icc1: Option<f64>,
    pub n_tasks: usize,
    pub n_scores: usize,
}

impl Agreement {
    /// How the figure reads, by the bands of Koo & Li (2016): below 0.5 낮음, to 0.75 보통, to 0.9 높음,
    /// from 0.9 매우 높음.
    pub fn label_ko(&self) -> &'static str {
        match self.icc1 {
            None => "산출 불가",
            Some(v) if v < 0.5 => "낮음",
            Some(v) if v < 0.75 => "보통",
            Some(v) if v < 0.9 => "높음",
            Some(_) => "매우 높음",
        }
    }
}

/// The round aggregated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Aggregate {
    /// By task id.
    pub results: Vec<TaskResult>,
    pub agreement: Agreement,
    /// The totals as used (standardised when asked), by task then evaluator.
    pub used_totals: Vec<EvaluatorTotal>,
}

/// Totals or parameters the aggregation refuses.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AggregateError {
    #[error("과제 {task}의 평가위원 {evaluator} 총점 {total}이 0~100점 밖입니다. 평가표로 다시 계산해 주세요.")]
    TotalOffScale { task: TaskId, evaluator: UserId, total: f64 },
    #[error("평가위원 {evaluator}의 과제 {task} 점수가 두 번 들어왔습니다. 제출된 점수 하나만 넣어 주세요.")]
    DuplicateScore { task: TaskId, evaluator: UserId },
    #[error("최고·최저점 제외는 점수가 3개 이상일 때부터 할 수 있습니다({from}개로 정해져 있음). 3 이상으로 정하거나 끄세요.")]
    DropTooSoon { from: usize },
    #[error("표준화에서 원점수를 쓰는 기준은 과제 2개 이상이어야 합니다({from}개로 정해져 있음).")]
    StandardiseTooSoon { from: usize },
    #[error("평가위원 간 이견 기준 점수는 0 이상의 수여야 합니다.")]
    BadDisagreementThreshold,
    #[error("점수는 소수점 6자리까지만 반올림할 수 있습니다({decimals}자리로 정해져 있음).")]
    TooManyDecimals { decimals: u32 },
}

/// Rounds half away from zero to `decimals`.
pub fn round_to(x: f64, decimals: u32) -> f64 {
    let f = 10f64.powi(decimals as i32);
    (x * f).round() / f
}

fn sorted(values: &[f64]) -> Vec<f64> {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

/// Mean and population standard deviation, summed in sorted order. Empty: (0, 0).
fn mean_and_spread(values: &[f64]) -> (f64, f64) {
    if values.is_empty() {
        return (0.0, 0.0);
    }
    let v = sorted(values);
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let mut sq: Vec<f64> = v.iter().map(|x| (x - mean) * (x - mean)).collect();
    sq.sort_by(f64::total_cmp);
    (mean, (sq.iter().sum::<f64>() / n).sqrt())
}

/// The mean after the drop rule, and what was dropped (lowest, highest). Empty: 0.
pub fn trimmed_mean(values: &[f64], drop_extremes_from: Option<usize>) -> (f64, Option<(f64, f64)>) {
    let v = sorted(values);
    let n = v.len();
    match drop_extremes_from {
        Some(from) if n >= from && n >= 3 => {
            let kept = &v[1..n - 1];
            (kept.iter().sum::<f64>() / kept.len() as f64, Some((v[0], v[n - 1])))
        }
        _ if n == 0 => (0.0, None),
        _ => (v.iter().sum::<f64>() / n as f64, None),
    }
}

/// Each evaluator's totals standardised to the round's mean and spread (rule 1 of the header).
pub fn standardise(totals: &[EvaluatorTotal], min_tasks: usize) -> Vec<EvaluatorTotal> {
    let all: Vec<f64> = totals.iter().map(|t| t.total).collect();
    let (round_mean, round_spread) = mean_and_spread(&all);
    let mut by_evaluator: BTreeMap<UserId, Vec<f64>> = BTreeMap::new();
    for t in totals {
        by_evaluator.entry(t.evaluator).or_default().push(t.total);
    }
    let stats: BTreeMap<UserId, (usize, f64, f64)> = by_evaluator
        .into_iter()
        .map(|(e, v)| {
            let (m, s) = mean_and_spread(&v);
            (e, (v.len(), m, s))
        })
        .collect();
    totals
        .iter()
        .map(|t| {
            let (count, m, s) = stats[&t.evaluator];
            let total = if count < min_tasks {
                t.total
            } else if s < ZERO_SPREAD {
                round_mean
            } else {
                (round_mean + round_spread * (t.total - m) / s).clamp(0.0, 100.0)
            };
            EvaluatorTotal { total, ..*t }
        })
        .collect()
}

/// ICC(1) of groups of totals, one group per task (rule 5 of the header).
pub fn icc1(groups: &[Vec<f64>]) -> Option<f64> {
    let groups: Vec<Vec<f64>> = groups.iter().filter(|g| !g.is_empty()).map(|g| sorted(g)).collect();
    let k = groups.len();
    let n_total: usize = groups.iter().map(Vec::len).sum();
    if k < 2 || n_total <= k {
        return None;
    }
    let (n, kf) = (n_total as f64, k as f64);
    let mut all: Vec<f64> = groups.iter().flatten().copied().collect();
    all.sort_by(f64::total_cmp);
    let grand = all.iter().sum::<f64>() / n;
    let (mut ssb, mut ssw, mut sum_n2) = (0.0, 0.0, 0.0);
    for g in &groups {
        let ni = g.len() as f64;
        let mi = g.iter().sum::<f64>() / ni;
        ssb += ni * (mi - grand).powi(2);
        ssw += g.iter().map(|x| (x - mi).powi(2)).sum::<f64>();
        sum_n2 += ni * ni;
    }
    let msb = ssb / (kf - 1.0);
    let msw = ssw / (n - kf);
    let n0 = (n - sum_n2 / n) / (kf - 1.0);
    let denominator = msb + (n0 - 1.0) * msw;
    if denominator.abs() < ZERO_SPREAD {
        return None;
    }
    Some((msb - msw) / denominator)
}

/// The round aggregated by `params` (the module header's rules).
pub fn aggregate(params: &AggregationParams, totals: &[EvaluatorTotal]) -> Result<Aggregate, AggregateError> {
    params.validate()?;
    let mut seen = BTreeSet::new();
    for t in totals {
        if !t.total.is_finite() || !(0.0..=100.0).contains(&t.total) {
            return Err(AggregateError::TotalOffScale { task: t.task, evaluator: t.evaluator, total: t.total });
        }
        if !seen.insert((t.task, t.evaluator)) {
            return Err(AggregateError::DuplicateScore { task: t.task, evaluator: t.evaluator });
        }
    }
    let mut used =
        if params.standardise { standardise(totals, params.min_tasks_to_standardise) } else { totals.to_vec() };
    used.sort_by_key(|t| (t.task, t.evaluator));

    let mut by_task: BTreeMap<TaskId, Vec<f64>> = BTreeMap::new();
    for t in &used {
        by_task.entry(t.task).or_default().push(t.total);
    }
    let results = by_task
        .iter()
        .map(|(&task, values)| {
            let (mean, dropped) = trimmed_mean(values, params.drop_extremes_from);
            let (_, spread) = mean_and_spread(values);
            let min = values.iter().copied().fold(f64::INFINITY, f64::min);
            let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let disagreement = match params.disagreement {
                DisagreementRule::Never => false,
                DisagreementRule::SpreadAbove(p) => spread > p,
                DisagreementRule::RangeAbove(p) => max - min > p,
            };
            TaskResult {
                task,
                score: round_to(mean, params.score_decimals),
                n_scores: values.len(),
                spread,
                min,
                max,
                dropped,
                disagreement,
            }
        })
        .collect();
    let groups: Vec<Vec<f64>> = by_task.into_values().collect();
    let agreement = Agreement { icc1: icc1(&groups), n_tasks: groups.len(), n_scores: used.len() };
    Ok(Aggregate { results, agreement, used_totals: used })
}

/// What a task is ranked by.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankKey {
    pub task: TaskId,
    pub score: f64,
    pub n_scores: usize,
}

impl From<&TaskResult> for RankKey {
    fn from(r: &TaskResult) -> Self {
        Self { task: r.task, score: r.score, n_scores: r.n_scores }
    }
}

/// The ranking order: higher score, then more scores, then lower task id. Total: no two tasks tie.
pub fn best_first(a: &RankKey, b: &RankKey) -> Ordering {
    b.score.total_cmp(&a.score).then(b.n_scores.cmp(&a.n_scores)).then(a.task.cmp(&b.task))
}

/// A task's place in the ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ranked {
    pub task: TaskId,
    /// 1 for the best.
    pub position: usize,
}

/// The results ranked by [`best_first`].
pub fn rank(results: &[TaskResult]) -> Vec<Ranked> {
    let mut keys: Vec<RankKey> = results.iter().map(RankKey::from).collect();
    keys.sort_by(best_first);
    keys.iter().enumerate().map(|(i, k)| Ranked { task: k.task, position: i + 1 }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(task: i64, evaluator: i64, total: f64) -> EvaluatorTotal {
        EvaluatorTotal { task: TaskId::new(task), evaluator: UserId::new(evaluator), total }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    fn plain() -> AggregationParams {
        AggregationParams { disagreement: DisagreementRule::Never, score_decimals: 6, ..Default::default() }
    }

    #[test]
    fn five_scores_lose_the_highest_and_the_lowest() {
        // 70 80 85 90 95 → 70 and 95 dropped → (80 + 85 + 90) / 3 = 85.
        assert_eq!(trimmed_mean(&[90.0, 70.0, 95.0, 85.0, 80.0], Some(5)), (85.0, Some((70.0, 95.0))));
    }

    #[test]
    fn with_ties_only_one_highest_and_one_lowest_go() {
        // 60 60 75 90 90 → one 60 and one 90 dropped → (60 + 75 + 90) / 3 = 75.
        assert_eq!(trimmed_mean(&[90.0, 60.0, 75.0, 60.0, 90.0], Some(5)), (75.0, Some((60.0, 90.0))));
        // All equal: one of each still goes, the mean is unchanged.
        assert_eq!(trimmed_mean(&[80.0; 6], Some(5)), (80.0, Some((80.0, 80.0))));
    }

    #[test]
    fn below_the_minimum_the_plain_mean_is_taken_and_the_minimum_is_a_parameter() {
        // 4 scores < 5: (70 + 80 + 90 + 100) / 4 = 85.
        assert_eq!(trimmed_mean(&[70.0, 80.0, 90.0, 100.0], Some(5)), (85.0, None));
        // From 3: 70 80 100 → 80 alone is left.
        assert_eq!(trimmed_mean(&[70.0, 80.0, 100.0], Some(3)), (80.0, Some((70.0, 100.0))));
        assert_eq!(trimmed_mean(&[70.0, 80.0, 100.0, 100.0, 100.0], None), (90.0, None));
        assert_eq!(trimmed_mean(&[], Some(5)), (0.0, None));
    }

    #[test]
    fn a_result_carries_its_count_population_spread_range_and_rounded_score() {
        // Task 1: 70 80 90 (3 < 5, plain mean 80); population spread √((100 + 0 + 100) / 3) = 8.1650.
        // Task 2: 0 100 50 50 100 → drop 0 and 100 → (50 + 50 + 100) / 3 = 66.666… → 66.67.
        let totals = [t(1, 1, 70.0), t(1, 2, 80.0), t(1, 3, 90.0)]
            .into_iter()
            .chain([0.0, 100.0, 50.0, 50.0, 100.0].into_iter().enumerate().map(|(i, x)| t(2, i as i64 + 1, x)))
            .collect::<Vec<_>>();
        let a = aggregate(&AggregationParams::default(), &totals).unwrap();
        let r1 = a.results[0];
        assert_eq!(
            (r1.task, r1.score, r1.n_scores, r1.min, r1.max, r1.dropped),
            (TaskId::new(1), 80.0, 3, 70.0, 90.0, None)
        );
        assert!((r1.spread - 8.164_965_8).abs() < 1e-6, "{}", r1.spread);
        assert!(!r1.disagreement);
        let r2 = a.results[1];
        assert_eq!((r2.score, r2.dropped), (66.67, Some((0.0, 100.0))));
        // Spread of 0 100 50 50 100 around 60: √((3600 + 1600 + 100 + 100 + 1600) / 5) = √1400 = 37.4166 > 15.
        assert!((r2.spread - 1400f64.sqrt()).abs() < 1e-9);
        assert!(r2.disagreement);
    }

    #[test]
    fn the_disagreement_flag_follows_its_rule() {
        // 60 and 90: spread 15, range 30.
        let totals = [t(1, 1, 60.0), t(1, 2, 90.0)];
        let flag = |rule| {
            let p = AggregationParams { disagreement: rule, ..Default::default() };
            aggregate(&p, &totals).unwrap().results[0].disagreement
        };
        assert!(!flag(DisagreementRule::SpreadAbove(15.0)));
        assert!(flag(DisagreementRule::SpreadAbove(14.9)));
        assert!(flag(DisagreementRule::RangeAbove(29.0)));
        assert!(!flag(DisagreementRule::RangeAbove(30.0)));
        assert!(!flag(DisagreementRule::Never));
    }

    #[test]
    fn standardisation_corrects_a_lenient_and_a_harsh_rater() {
        // Evaluator 1 gives 90 80 70, evaluator 2 gives 70 60 50 to tasks 1 2 3: the same order, 20 apart.
        // Round: mean M = 420 / 6 = 70, population spread S = √(1000 / 6). Each evaluator: spread
        // s = √(200 / 3), so S / s = √2.5 and a total 10 above the evaluator's mean becomes
        // 70 + 10 × √2.5 = 85.8114. Both evaluators then agree: 85.81, 70.00, 54.19.
        let totals = [t(1, 1, 90.0), t(2, 1, 80.0), t(3, 1, 70.0), t(1, 2, 70.0), t(2, 2, 60.0), t(3, 2, 50.0)];
        let z = standardise(&totals, 2);
        let up = 70.0 + 10.0 * 2.5f64.sqrt();
        let want = [up, 70.0, 140.0 - up, up, 70.0, 140.0 - up];
        for (got, want) in z.iter().zip(want) {
            assert!(close(got.total, want), "{got:?} vs {want}");
        }
        let p = AggregationParams { standardise: true, ..Default::default() };
        let a = aggregate(&p, &totals).unwrap();
        let scores: Vec<_> = a.results.iter().map(|r| r.score).collect();
        assert_eq!(scores, vec![85.81, 70.0, 54.19]);
        // Raw, the panels look split (ICC 0, worked below); standardised they agree fully.
        assert!(close(a.agreement.icc1.unwrap(), 1.0));
        let raw = aggregate(&AggregationParams::default(), &totals).unwrap();
        assert!(close(raw.agreement.icc1.unwrap(), 0.0));
        assert_eq!(raw.results.iter().map(|r| r.score).collect::<Vec<_>>(), vec![80.0, 70.0, 60.0]);
    }

    #[test]
    fn an_evaluator_with_one_task_keeps_raw_totals_and_one_who_gives_one_score_everywhere_gets_the_round_mean() {
        // Evaluator 1: 90 on task 1 only. Evaluator 2: 60 on tasks 1 and 2. Evaluator 3: 40 and 80.
        // Round: 90 60 60 40 80 → M = 330 / 5 = 66.
        let totals = [t(1, 1, 90.0), t(1, 2, 60.0), t(2, 2, 60.0), t(1, 3, 40.0), t(2, 3, 80.0)];
        let z = standardise(&totals, 2);
        assert_eq!(z[0].total, 90.0);
        assert!(close(z[1].total, 66.0) && close(z[2].total, 66.0));
        // Evaluator 3: m = 60, s = 20, S = √((576 + 36 + 36 + 676 + 196) / 5) = √304; 40 → 66 − √304.
        assert!(close(z[3].total, 66.0 - 304f64.sqrt()));
        // With the minimum at 3 tasks nobody qualifies: all raw.
        assert_eq!(standardise(&totals, 3), totals.to_vec());
    }

    #[test]
    fn standardised_totals_are_clamped_to_the_scale() {
        // Evaluator 1: 100 and 0. Evaluator 2: 50 five times and 51, a spread of 0.37, so 51 sits 2.24
        // of its spreads up: M + S × 2.24 = 50.125 + 25.0 × 2.24 = 106 → clamped to 100.
        let totals: Vec<_> = [t(1, 1, 100.0), t(2, 1, 0.0)]
            .into_iter()
            .chain([50.0, 50.0, 50.0, 50.0, 50.0, 51.0].into_iter().enumerate().map(|(i, x)| t(i as i64 + 3, 2, x)))
            .collect();
        let z = standardise(&totals, 2);
        assert!(z.iter().all(|t| (0.0..=100.0).contains(&t.total)), "{z:?}");
        assert_eq!(z.iter().map(|t| t.total).fold(0.0, f64::max), 100.0);
    }

    #[test]
    fn icc1_matches_shrout_and_fleiss_and_an_unbalanced_case() {
        // Shrout & Fleiss (1979), 6 targets × 4 judges: BMS = 11.2417, WMS = 6.2639,
        // ICC(1,1) = (11.2417 − 6.2639) / (11.2417 + 3 × 6.2639) = 0.1657.
        let sf = vec![
            vec![9.0, 2.0, 5.0, 8.0],
            vec![6.0, 1.0, 3.0, 2.0],
            vec![8.0, 4.0, 6.0, 8.0],
            vec![7.0, 1.0, 2.0, 6.0],
            vec![10.0, 5.0, 6.0, 9.0],
            vec![6.0, 2.0, 4.0, 7.0],
        ];
        assert!((icc1(&sf).unwrap() - 0.165_741_768).abs() < 1e-8);
        // Groups 1 3 | 5 7 9: grand 5, MSB = 2×9 + 3×4 = 30, MSW = (2 + 8) / 3, n0 = (5 − 13/5) / 1 = 2.4,
        // ICC = (30 − 10/3) / (30 + 1.4 × 10/3) = 26.667 / 34.667 = 0.769 23.
        assert!((icc1(&[vec![1.0, 3.0], vec![5.0, 7.0, 9.0]]).unwrap() - 80.0 / 104.0).abs() < 1e-12);
        // Undefined: one task, or one score per task.
        assert_eq!(icc1(&[vec![1.0, 2.0]]), None);
        assert_eq!(icc1(&[vec![1.0], vec![2.0]]), None);
        let a = Agreement { icc1: Some(0.8), n_tasks: 2, n_scores: 5 };
        assert_eq!(a.label_ko(), "높음");
    }

    #[test]
    fn ties_rank_by_more_scores_then_lower_task_id() {
        let r = |task, score, n_scores| TaskResult {
            task: TaskId::new(task),
            score,
            n_scores,
            spread: 0.0,
            min: score,
            max: score,
            dropped: None,
            disagreement: false,
        };
        let ranked = rank(&[r(4, 80.0, 3), r(2, 80.0, 3), r(9, 80.0, 5), r(1, 70.0, 9), r(7, 90.0, 1)]);
        let order: Vec<_> = ranked.iter().map(|x| (x.task.get(), x.position)).collect();
        assert_eq!(order, vec![(7, 1), (9, 2), (2, 3), (4, 4), (1, 5)]);
    }

    #[test]
    fn bad_totals_and_parameters_are_refused_with_what_to_do() {
        let e = aggregate(&plain(), &[t(1, 1, 101.0)]).unwrap_err();
        assert_eq!(e, AggregateError::TotalOffScale { task: TaskId::new(1), evaluator: UserId::new(1), total: 101.0 });
        assert!(aggregate(&plain(), &[t(1, 1, f64::NAN)]).is_err());
        let e = aggregate(&plain(), &[t(1, 1, 50.0), t(1, 1, 60.0)]).unwrap_err();
        assert_eq!(e.to_string(), "평가위원 1의 과제 1 점수가 두 번 들어왔습니다. 제출된 점수 하나만 넣어 주세요.");
        let p = AggregationParams { drop_extremes_from: Some(2), ..Default::default() };
        assert_eq!(aggregate(&p, &[]), Err(AggregateError::DropTooSoon { from: 2 }));
        let p = AggregationParams { disagreement: DisagreementRule::SpreadAbove(-1.0), ..Default::default() };
        assert_eq!(p.validate(), Err(AggregateError::BadDisagreementThreshold));
        let p = AggregationParams { min_tasks_to_standardise: 1, ..Default::default() };
        assert!(p.validate().is_err());
        let p = AggregationParams { score_decimals: 7, ..Default::default() };
        assert!(p.validate().is_err());
    }

    fn totals_strategy() -> impl Strategy<Value = Vec<EvaluatorTotal>> {
        // Up to 6 tasks × 8 evaluators, each pair scored or not, totals in tenths of a point.
        proptest::collection::vec(proptest::option::of(0u32..=1000), 48).prop_map(|cells| {
            cells
                .into_iter()
                .enumerate()
                .filter_map(|(i, c)| c.map(|c| t(i as i64 / 8 + 1, i as i64 % 8 + 1, f64::from(c) / 10.0)))
                .collect()
        })
    }

    proptest! {
        #[test]
        fn the_result_does_not_depend_on_the_order_of_the_scores(
            totals in totals_strategy(),
            seed in any::<u64>(),
            standardise in any::<bool>(),
        ) {
            let mut shuffled = totals.clone();
            // A deterministic shuffle from the seed (Fisher–Yates on a small LCG).
            let mut s = seed;
            for i in (1..shuffled.len()).rev() {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                shuffled.swap(i, (s >> 33) as usize % (i + 1));
            }
            let p = AggregationParams { standardise, ..Default::default() };
            prop_assert_eq!(aggregate(&p, &totals).unwrap(), aggregate(&p, &shuffled).unwrap());
        }

        #[test]
        fn the_drop_rule_keeps_the_middle_scores(values in proptest::collection::vec(0u32..=1000, 1..12)) {
            let v: Vec<f64> = values.iter().map(|&x| f64::from(x) / 10.0).collect();
            let (mean, dropped) = trimmed_mean(&v, Some(5));
            let mut s = v.clone();
            s.sort_by(f64::total_cmp);
            if v.len() >= 5 {
                let kept = &s[1..s.len() - 1];
                prop_assert!((mean - kept.iter().sum::<f64>() / kept.len() as f64).abs() < 1e-9);
                prop_assert_eq!(dropped, Some((s[0], s[s.len() - 1])));
            } else {
                prop_assert!((mean - s.iter().sum::<f64>() / s.len() as f64).abs() < 1e-9);
                prop_assert_eq!(dropped, None);
            }
            prop_assert!(mean >= s[0] - 1e-9 && mean <= s[s.len() - 1] + 1e-9);
        }

        #[test]
        fn standardised_evaluators_share_the_round_mean_and_spread_unless_clamped(totals in totals_strategy()) {
            let z = standardise(&totals, 2);
            let all: Vec<f64> = totals.iter().map(|t| t.total).collect();
            let (m, s) = mean_and_spread(&all);
            for e in 1..=8 {
                let raw: Vec<f64> = totals.iter().filter(|t| t.evaluator.get() == e).map(|t| t.total).collect();
                let got: Vec<f64> = z.iter().filter(|t| t.evaluator.get() == e).map(|t| t.total).collect();
                let clamped = got.iter().any(|&x| x == 0.0 || x == 100.0);
                let (_, raw_spread) = mean_and_spread(&raw);
                if raw.len() >= 2 && raw_spread >= ZERO_SPREAD && !clamped {
                    let (gm, gs) = mean_and_spread(&got);
                    prop_assert!((gm - m).abs() < 1e-6 && (gs - s).abs() < 1e-6, "{} {} vs {} {}", gm, gs, m, s);
                }
            }
        }
    }
}
