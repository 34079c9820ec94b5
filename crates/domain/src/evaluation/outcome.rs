//! A round's whole result from its parameters and its inputs, in one pure call, and what changes
//! between two such results (the what-if page: the official parameters against changed ones).
//!
//! [`evaluate`] runs, in order: each submitted score sheet → the evaluator's weighted total on the
//! rubric → aggregation per task (standardisation, drop rule, spread, agreement) → ranking → grades →
//! excellent tasks → agency scores. Every number it uses is in [`RoundParams`]; a task in the inputs
//! with no sheet is listed as unscored and gets no grade. [`diff`] lists the tasks whose grade or
//! excellent status differ between two outcomes, and the agencies whose rank differs.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::agency_score::{agency_scores, AgencyParams, AgencyScore, AgencyScoreError, AgencyTaskResult, TaskAgency};
use super::aggregate::{
    aggregate, rank, AggregateError, AggregationParams, Agreement, EvaluatorTotal, RankKey, TaskResult,
};
use super::grade::{grade, pick_excellent, ExcellentRule, GradeCandidate, GradeError, GradingParams};
use super::rubric::{CriterionScore, Rubric, RubricError, ScoreError};
use crate::{AgencyId, TaskId, UserId};

/// Everything OPC sets for a round's result; a what-if changes a copy of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundParams {
    pub rubric: Rubric,
    pub aggregation: AggregationParams,
    pub grading: GradingParams,
    pub excellent: ExcellentRule,
    pub agency: AgencyParams,
}

impl Default for RoundParams {
    /// hanteam's defaults: the citizen-change rubric, drop from 5 scores, S/A/B/C 20/40/30/10,
    /// excellent = S, agencies by the mean of their tasks.
    fn default() -> Self {
        Self {
            rubric: Rubric::citizen_change_default(),
            aggregation: AggregationParams::default(),
            grading: GradingParams::default(),
            excellent: ExcellentRule::default(),
            agency: AgencyParams::default(),
        }
    }
}

/// A task of the round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskInput {
    pub task: TaskId,
    /// The tier it is graded in, when grading within tiers.
    pub tier: Option<String>,
    pub agencies: Vec<TaskAgency>,
}

/// One evaluator's submitted scores of one task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreSheet {
    pub task: TaskId,
    pub evaluator: UserId,
    pub scores: Vec<CriterionScore>,
}

/// What a round is evaluated on: its tasks and the submitted sheets (drafts are not passed).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RoundInputs {
    pub tasks: Vec<TaskInput>,
    pub sheets: Vec<ScoreSheet>,
}

/// One scored task's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskOutcome {
    pub result: TaskResult,
    /// Place in the ranking, 1 for the best.
    pub position: usize,
    pub grade: String,
    /// 0 for the best grade.
    pub grade_index: usize,
    pub excellent: bool,
}

/// A round's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// Scored tasks in ranking order.
    pub tasks: Vec<TaskOutcome>,
    /// Tasks with no submitted sheet, by id.
    pub unscored: Vec<TaskId>,
    pub agreement: Agreement,
    /// Agencies by rank, then id.
    pub agencies: Vec<AgencyScore>,
    /// Each sheet's weighted total, by task then evaluator (before standardisation).
    pub totals: Vec<EvaluatorTotal>,
}

impl Outcome {
    pub fn task(&self, task: TaskId) -> Option<&TaskOutcome> {
        self.tasks.iter().find(|t| t.result.task == task)
    }

    /// The excellent tasks, by id.
    pub fn excellent(&self) -> Vec<TaskId> {
        let set: BTreeSet<TaskId> = self.tasks.iter().filter(|t| t.excellent).map(|t| t.result.task).collect();
        set.into_iter().collect()
    }
}

/// Why a round cannot be evaluated as given.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EvaluationError {
    #[error("평가표를 쓸 수 없습니다: {0}")]
    Rubric(#[from] RubricError),
    #[error("과제 {task}, 평가위원 {evaluator}의 채점표: {error}")]
    Sheet { task: TaskId, evaluator: UserId, error: ScoreError },
    #[error("과제 {task}의 채점표가 들어왔지만 이 평가의 과제가 아닙니다. 평가 대상 과제를 확인해 주세요.")]
    UnknownTask { task: TaskId },
    #[error("과제 {task}가 평가 대상에 두 번 들어 있습니다.")]
    DuplicateTask { task: TaskId },
    #[error("{0}")]
    Aggregate(#[from] AggregateError),
    #[error("{0}")]
    Grade(#[from] GradeError),
    #[error("{0}")]
    Agency(#[from] AgencyScoreError),
}

/// The round's result by `params` (the module header's steps).
pub fn evaluate(params: &RoundParams, inputs: &RoundInputs) -> Result<Outcome, EvaluationError> {
    params.rubric.validate()?;
    params.grading.rule.validate()?;
    params.excellent.validate(&params.grading.rule)?;
    let mut tasks: BTreeMap<TaskId, &TaskInput> = BTreeMap::new();
    for t in &inputs.tasks {
        if tasks.insert(t.task, t).is_some() {
            return Err(EvaluationError::DuplicateTask { task: t.task });
        }
    }

    let mut totals = Vec::with_capacity(inputs.sheets.len());
    for s in &inputs.sheets {
        if !tasks.contains_key(&s.task) {
            return Err(EvaluationError::UnknownTask { task: s.task });
        }
        let total = params.rubric.weighted_total(&s.scores).map_err(|error| EvaluationError::Sheet {
            task: s.task,
            evaluator: s.evaluator,
            error,
        })?;
        // The weights add up to 100, so float noise may put full marks a hair above it.
        totals.push(EvaluatorTotal { task: s.task, evaluator: s.evaluator, total: total.clamp(0.0, 100.0) });
    }
    totals.sort_by_key(|t| (t.task, t.evaluator));

    let agg = aggregate(&params.aggregation, &totals)?;
    let ranked = rank(&agg.results);
    let results: HashMap<TaskId, &TaskResult> = agg.results.iter().map(|r| (r.task, r)).collect();

    let candidates: Vec<GradeCandidate> = agg
        .results
        .iter()
        .map(|r| GradeCandidate {
            task: r.task,
            score: r.score,
            n_scores: r.n_scores,
            tier: tasks[&r.task].tier.clone(),
        })
        .collect();
    let grades = grade(&params.grading, &candidates)?;
    let keys: Vec<RankKey> = agg.results.iter().map(RankKey::from).collect();
    let excellent: BTreeSet<TaskId> = pick_excellent(&params.excellent, &keys, &grades).into_iter().collect();
    let grade_of: HashMap<TaskId, _> = grades.iter().map(|g| (g.task, g)).collect();

    let agency_inputs: Vec<AgencyTaskResult> = agg
        .results
        .iter()
        .map(|r| AgencyTaskResult {
            task: r.task,
            score: r.score,
            grade: grade_of.get(&r.task).map(|g| g.grade.clone()),
            agencies: tasks[&r.task].agencies.clone(),
        })
        .collect();
    let agencies = agency_scores(&params.agency, &params.grading.rule.grades(), &agency_inputs)?;

    let outcomes = ranked
        .iter()
        .map(|rk| {
            let g = grade_of[&rk.task];
            TaskOutcome {
                result: *results[&rk.task],
                position: rk.position,
                grade: g.grade.clone(),
                grade_index: g.grade_index,
                excellent: excellent.contains(&rk.task),
            }
        })
        .collect();
    let unscored = tasks.keys().filter(|t| !results.contains_key(t)).copied().collect();
    Ok(Outcome { tasks: outcomes, unscored, agreement: agg.agreement, agencies, totals })
}

/// How one task moved between two outcomes. `None`: not scored on that side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskChange {
    pub task: TaskId,
    pub score_before: Option<f64>,
    pub score_after: Option<f64>,
    pub position_before: Option<usize>,
    pub position_after: Option<usize>,
    pub grade_before: Option<String>,
    pub grade_after: Option<String>,
    pub excellent_before: bool,
    pub excellent_after: bool,
}

/// How one agency moved between two outcomes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgencyChange {
    pub agency: AgencyId,
    pub score_before: Option<f64>,
    pub score_after: Option<f64>,
    pub rank_before: Option<usize>,
    pub rank_after: Option<usize>,
}

/// What a what-if changes against the official outcome.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OutcomeDiff {
    /// Tasks whose grade or excellent status differ, by task id.
    pub tasks: Vec<TaskChange>,
    /// Agencies whose rank differs, by agency id.
    pub agencies: Vec<AgencyChange>,
}

/// The tasks and agencies that move from `official` to `changed`.
pub fn diff(official: &Outcome, changed: &Outcome) -> OutcomeDiff {
    let by_task =
        |o: &Outcome| -> BTreeMap<TaskId, TaskOutcome> { o.tasks.iter().map(|t| (t.result.task, t.clone())).collect() };
    let (before, after) = (by_task(official), by_task(changed));
    let ids: BTreeSet<TaskId> = before.keys().chain(after.keys()).copied().collect();
    let tasks = ids
        .into_iter()
        .filter_map(|task| {
            let (b, a) = (before.get(&task), after.get(&task));
            let change = TaskChange {
                task,
                score_before: b.map(|t| t.result.score),
                score_after: a.map(|t| t.result.score),
                position_before: b.map(|t| t.position),
                position_after: a.map(|t| t.position),
                grade_before: b.map(|t| t.grade.clone()),
                grade_after: a.map(|t| t.grade.clone()),
                excellent_before: b.is_some_and(|t| t.excellent),
                excellent_after: a.is_some_and(|t| t.excellent),
            };
            let moved = change.grade_before != change.grade_after || change.excellent_before != change.excellent_after;
            moved.then_some(change)
        })
        .collect();

    let by_agency = |o: &Outcome| -> BTreeMap<AgencyId, (f64, usize)> {
        o.agencies.iter().map(|a| (a.agency, (a.score, a.rank))).collect()
    };
    let (before, after) = (by_agency(official), by_agency(changed));
    let ids: BTreeSet<AgencyId> = before.keys().chain(after.keys()).copied().collect();
    let agencies = ids
        .into_iter()
        .filter_map(|agency| {
            let (b, a) = (before.get(&agency), after.get(&agency));
            (b.map(|x| x.1) != a.map(|x| x.1)).then(|| AgencyChange {
                agency,
                score_before: b.map(|x| x.0),
                score_after: a.map(|x| x.0),
                rank_before: b.map(|x| x.1),
                rank_after: a.map(|x| x.1),
            })
        })
        .collect();
    OutcomeDiff { tasks, agencies }
}

#[cfg(test)]
mod tests {
    use super::super::agency_score::{AgencyRole, AgencyRule};
    use super::super::grade::GradingPreset;
    use super::*;

    fn sheet(task: i64, evaluator: i64, scores: [f64; 4]) -> ScoreSheet {
        let codes = ["policy_effect", "goal_achievement", "implementation_effort", "citizen_satisfaction"];
        ScoreSheet {
            task: TaskId::new(task),
            evaluator: UserId::new(evaluator),
            scores: codes.iter().zip(scores).map(|(c, s)| CriterionScore::new(c, s)).collect(),
        }
    }

    fn agencies(lead: i64, participants: &[i64]) -> Vec<TaskAgency> {
        std::iter::once(TaskAgency { agency: AgencyId::new(lead), role: AgencyRole::Lead })
            .chain(participants.iter().map(|&a| TaskAgency { agency: AgencyId::new(a), role: AgencyRole::Participant }))
            .collect()
    }

    /// Three tasks on the 2024 main-policy weights, graded 우수/보통/미흡 30/50/20, excellent = 우수.
    /// Each sheet scores every criterion the same, so the weighted total is that score.
    /// Task 1 (국토부 1 leads, 환경부 2): 95 90 88 85 40 → drop 40 and 95 → (85 + 88 + 90) / 3 = 87.67.
    /// Task 2 (환경부 2 leads): 80 82 84 86 → 4 < 5, plain mean = 83.
    /// Task 3 (식약처 3 leads, 국토부 1): 70 75 100 60 65 → drop 60 and 100 → (65 + 70 + 75) / 3 = 70.
    /// Task 4 has no sheet. Shares of 3 tasks at 30/50/20, cumulative:
    /// 0.9 → 1, 2.4 → 2, 3 → 3, so one each of 우수, 보통, 미흡.
    fn round() -> (RoundParams, RoundInputs) {
        let params = RoundParams {
            rubric: Rubric::main_policy_2024(),
            grading: GradingParams { rule: GradingPreset::ExcellentNormalPoor.rule(), within_tiers: false },
            excellent: ExcellentRule::InGrades(vec!["우수".into()]),
            ..RoundParams::default()
        };
        let mut sheets = Vec::new();
        for (task, totals) in [
            (1, vec![95.0, 90.0, 88.0, 85.0, 40.0]),
            (2, vec![80.0, 82.0, 84.0, 86.0]),
            (3, vec![70.0, 75.0, 100.0, 60.0, 65.0]),
        ] {
            for (e, x) in totals.into_iter().enumerate() {
                sheets.push(sheet(task, e as i64 + 1, [x; 4]));
            }
        }
        let tasks = vec![
            TaskInput { task: TaskId::new(1), tier: None, agencies: agencies(1, &[2]) },
            TaskInput { task: TaskId::new(2), tier: None, agencies: agencies(2, &[]) },
            TaskInput { task: TaskId::new(3), tier: None, agencies: agencies(3, &[1]) },
            TaskInput { task: TaskId::new(4), tier: None, agencies: agencies(3, &[]) },
        ];
        (params, RoundInputs { tasks, sheets })
    }

    #[test]
    fn a_round_runs_from_score_sheets_to_agency_ranks() {
        let (params, inputs) = round();
        let o = evaluate(&params, &inputs).unwrap();
        let rows: Vec<_> = o
            .tasks
            .iter()
            .map(|t| (t.result.task.get(), t.result.score, t.position, t.grade.as_str(), t.excellent))
            .collect();
        assert_eq!(rows, vec![(1, 87.67, 1, "우수", true), (2, 83.0, 2, "보통", false), (3, 70.0, 3, "미흡", false)]);
        assert_eq!(o.tasks[0].result.dropped, Some((40.0, 95.0)));
        // Task 1's totals 40 … 95 spread far (√(2013.2 / 5) = 20.07 around 79.6, above 15): flagged.
        assert!(o.tasks[0].result.disagreement);
        assert_eq!(o.unscored, vec![TaskId::new(4)]);
        assert_eq!(o.excellent(), vec![TaskId::new(1)]);
        // Agencies (mean of their tasks' rounded scores): 환경부 2 (87.67 + 83) / 2 = 85.335,
        // 국토부 1 (87.67 + 70) / 2 = 78.835, 식약처 3 70. (x.xx5 sits a hair off in binary, so the
        // rounded second decimal is not asserted.)
        let ag: Vec<_> = o.agencies.iter().map(|a| (a.agency.get(), a.rank)).collect();
        assert_eq!(ag, vec![(2, 1), (1, 2), (3, 3)]);
        assert!((o.agencies[0].score - 85.335).abs() < 0.006);
        assert_eq!(o.agencies[2].score, 70.0);
        assert_eq!(o.totals.len(), 14);
    }

    #[test]
    fn a_what_if_without_the_drop_rule_moves_grades_and_the_diff_says_which() {
        let (official, inputs) = round();
        let mut changed = official.clone();
        changed.aggregation.drop_extremes_from = None;
        // Without dropping: task 1 = (95 + 90 + 88 + 85 + 40) / 5 = 79.6, below task 2's 83.
        let (a, b) = (evaluate(&official, &inputs).unwrap(), evaluate(&changed, &inputs).unwrap());
        assert_eq!(b.task(TaskId::new(1)).unwrap().result.score, 79.6);
        let d = diff(&a, &b);
        let moved: Vec<_> = d
            .tasks
            .iter()
            .map(|c| {
                (
                    c.task.get(),
                    c.grade_before.as_deref(),
                    c.grade_after.as_deref(),
                    c.excellent_before,
                    c.excellent_after,
                )
            })
            .collect();
        assert_eq!(
            moved,
            vec![(1, Some("우수"), Some("보통"), true, false), (2, Some("보통"), Some("우수"), false, true)]
        );
        // Task 3 becomes (70 + 75 + 100 + 60 + 65) / 5 = 74. The agencies keep their ranks:
        // 환경부 (79.6 + 83) / 2 = 81.3, 국토부 (79.6 + 74) / 2 = 76.8, 식약처 74.
        assert!(d.agencies.is_empty(), "{:?}", d.agencies);
        // Counting participation little reorders the agencies on the official scores: 국토부
        // (87.67 + 0.1 × 70) / 1.1 = 86.06 passes 환경부 (83 + 0.1 × 87.67) / 1.1 = 83.42.
        let mut by_role = official.clone();
        by_role.agency.rule = AgencyRule::RoleWeighted { lead_weight: 1.0, participant_weight: 0.1 };
        let d = diff(&a, &evaluate(&by_role, &inputs).unwrap());
        assert!(d.tasks.is_empty());
        let ranks: Vec<_> = d.agencies.iter().map(|c| (c.agency.get(), c.rank_before, c.rank_after)).collect();
        assert_eq!(ranks, vec![(1, Some(2), Some(1)), (2, Some(1), Some(2))]);
        assert_eq!(d.agencies[0].score_after, Some(86.06));
        // The same parameters change nothing.
        assert_eq!(diff(&a, &evaluate(&official, &inputs).unwrap()), OutcomeDiff::default());
    }

    #[test]
    fn changing_the_weights_changes_the_totals() {
        // Task 9's single sheet: 정책효과 100, the rest 0 → 45 on the 2024 weights, 40 at 40/25/25/10.
        let mut params = RoundParams { rubric: Rubric::main_policy_2024(), ..RoundParams::default() };
        let inputs = RoundInputs {
            tasks: vec![TaskInput { task: TaskId::new(9), tier: None, agencies: agencies(1, &[]) }],
            sheets: vec![sheet(9, 1, [100.0, 0.0, 0.0, 0.0])],
        };
        assert_eq!(evaluate(&params, &inputs).unwrap().tasks[0].result.score, 45.0);
        for (c, w) in params.rubric.criteria.iter_mut().zip([40, 25, 25, 10]) {
            c.weight_pct = w;
        }
        assert_eq!(evaluate(&params, &inputs).unwrap().tasks[0].result.score, 40.0);
    }

    #[test]
    fn bad_inputs_say_which_task_and_evaluator() {
        let (params, mut inputs) = round();
        inputs.sheets[0].scores[0].score = 120.0;
        let e = evaluate(&params, &inputs).unwrap_err();
        assert_eq!(
            e.to_string(),
            "과제 1, 평가위원 1의 채점표: '정책효과' 항목의 점수 120는 척도 밖입니다. 0~100점 사이로 주세요."
        );
        let (params, mut inputs) = round();
        inputs.sheets.push(sheet(7, 1, [50.0; 4]));
        assert_eq!(evaluate(&params, &inputs).unwrap_err(), EvaluationError::UnknownTask { task: TaskId::new(7) });
        let (mut params, inputs) = round();
        params.excellent = ExcellentRule::InGrades(vec!["S".into()]);
        assert!(matches!(
            evaluate(&params, &inputs),
            Err(EvaluationError::Grade(GradeError::UnknownExcellentGrade { .. }))
        ));
    }

    #[test]
    #[ignore = "timing, run by hand: cargo test -p hanteam-domain --release evaluation -- --ignored --nocapture"]
    fn a_round_of_100000_tasks_closes_in_seconds() {
        let n = 100_000i64;
        let mut sheets = Vec::with_capacity(5 * n as usize);
        let mut tasks = Vec::with_capacity(n as usize);
        let mut s = 7u64;
        for task in 1..=n {
            tasks.push(TaskInput {
                task: TaskId::new(task),
                tier: None,
                agencies: agencies(task % 46 + 1, &[(task + 7) % 46 + 1]),
            });
            for k in 0..5 {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let x = (s >> 33) as f64 / f64::from(1u32 << 31) * 100.0;
                sheets.push(sheet(task, (task * 5 + k) % 3000 + 1, [x; 4]));
            }
        }
        let inputs = RoundInputs { tasks, sheets };
        for standardise in [false, true] {
            let mut params = RoundParams { rubric: Rubric::main_policy_2024(), ..RoundParams::default() };
            params.aggregation.standardise = standardise;
            let started = std::time::Instant::now();
            let o = evaluate(&params, &inputs).unwrap();
            eprintln!("100,000 tasks, 500,000 sheets, standardise={standardise}: {:?}", started.elapsed());
            assert_eq!(o.tasks.len(), n as usize);
        }
    }
}
