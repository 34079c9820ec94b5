//! What-if (모의 계산): the round's result under changed weights, drop rule, standardisation or
//! grade shares, side by side with the result under the official parameters, with no write.
//!
//! - [`parse_what_if`] starts from a copy of the official [`RoundParams`] and changes only what OPC
//!   typed: a criterion's weight (the weights must still add up to 100), the drop rule, whether
//!   totals are standardised, a grade's share (the grades stay the same, so the excellent and
//!   agency rules that name them still apply).
//! - [`what_if`] evaluates both on the same submitted sheets and lists, per task, the score, place,
//!   grade, excellent flag and the task's part of the prize pool (before the agency and person
//!   split, which OPC's shares decide and which a what-if does not change).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Deserializer, Serialize};

use super::grade::GradingRule;
use super::outcome::{diff, evaluate, AgencyChange, EvaluationError, Outcome, RoundInputs, RoundParams};
use crate::reward::pool::PrizeSettings;
use crate::reward::split::{split_prizes, AgencyPart, PrizeTask};
use crate::reward::RewardError;
use crate::{TaskId, ValidationError};

/// What OPC changes (`POST /api/v1/evaluation-rounds/{id}/what-if` and the what-if page). Every
/// field left empty keeps the official value. Numbers may come as text or numbers.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WhatIfInput {
    /// Criterion code → weight in whole percent, e.g. `{"citizen_change": 50}`.
    #[serde(default, deserialize_with = "texts")]
    pub weights: BTreeMap<String, String>,
    /// Drop the highest and lowest score from this many scores on; `0` never drops.
    #[serde(default, deserialize_with = "text")]
    pub drop_extremes_from: Option<String>,
    /// `yes` or `no`: standardise each evaluator's totals first.
    #[serde(default, deserialize_with = "text")]
    pub standardise: Option<String>,
    /// Grade → share in whole percent, e.g. `{"S": 30, "A": 30}` (relative grading only).
    #[serde(default, deserialize_with = "texts")]
    pub shares: BTreeMap<String, String>,
}

fn to_text(v: serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<serde_json::Value>::deserialize(d)?.and_then(to_text))
}

fn texts<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    let map = Option::<BTreeMap<String, serde_json::Value>>::deserialize(d)?.unwrap_or_default();
    Ok(map.into_iter().filter_map(|(k, v)| to_text(v).map(|v| (k, v))).collect())
}

fn typed(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn percent(raw: &str) -> Option<u32> {
    raw.trim().parse::<u32>().ok().filter(|n| *n <= 100)
}

/// The official parameters with OPC's changes, or every field that is wrong.
pub fn parse_what_if(input: &WhatIfInput, official: &RoundParams) -> Result<RoundParams, Vec<ValidationError>> {
    let mut errors = Vec::new();
    let mut p = official.clone();

    for (code, raw) in &input.weights {
        let field = format!("weight.{code}");
        let Some(c) = p.rubric.criteria.iter_mut().find(|c| &c.code == code) else {
            errors.push(ValidationError::new(
                field,
                format!("평가표에 '{code}' 항목이 없습니다. 평가표의 항목만 바꿀 수 있습니다."),
            ));
            continue;
        };
        if raw.trim().is_empty() {
            continue;
        }
        match percent(raw) {
            Some(w) => c.weight_pct = w,
            None => errors.push(ValidationError::new(
                field,
                format!(
                    "'{}'의 가중치는 0에서 100 사이의 정수(%)로 입력해 주세요. (입력값: '{}')",
                    c.name_ko,
                    raw.trim()
                ),
            )),
        }
    }
    let sum: u32 = p.rubric.criteria.iter().map(|c| c.weight_pct).sum();
    if errors.is_empty() && sum != 100 {
        let field = p.rubric.criteria.first().map(|c| format!("weight.{}", c.code)).unwrap_or_default();
        errors.push(ValidationError::new(
            field,
            format!("가중치의 합이 {sum}%입니다. 모든 항목의 가중치를 더해 100%가 되게 입력해 주세요."),
        ));
    }

    if errors.is_empty() {
        if let Err(e) = p.rubric.validate() {
            let field = p.rubric.criteria.first().map(|c| format!("weight.{}", c.code)).unwrap_or_default();
            errors.push(ValidationError::new(field, e.to_string()));
        }
    }

    if let Some(raw) = typed(&input.drop_extremes_from) {
        match raw.parse::<usize>() {
            Ok(0) => p.aggregation.drop_extremes_from = None,
            Ok(n) if n >= 3 => p.aggregation.drop_extremes_from = Some(n),
            _ => errors.push(ValidationError::new(
                "drop_extremes_from",
                format!("최고·최저 점수 제외는 점수가 3개 이상일 때부터 적용할 수 있습니다. 3 이상의 정수를 넣거나, 제외하지 않으려면 0을 넣어 주세요. (입력값: '{raw}')"),
            )),
        }
    }

    if let Some(raw) = typed(&input.standardise) {
        match raw {
            "yes" | "true" | "on" => p.aggregation.standardise = true,
            "no" | "false" | "off" => p.aggregation.standardise = false,
            _ => errors.push(ValidationError::new(
                "standardise",
                format!("표준화 여부는 '함'(yes) 또는 '하지 않음'(no)으로 골라 주세요. (입력값: '{raw}')"),
            )),
        }
    }

    let changed_shares: Vec<(&String, &String)> = input.shares.iter().filter(|(_, v)| !v.trim().is_empty()).collect();
    if !changed_shares.is_empty() {
        match &mut p.grading.rule {
            GradingRule::Absolute { .. } => errors.push(ValidationError::new(
                "shares",
                "이 평가는 점수 기준(절대평가)으로 등급을 매겨 등급 비율을 바꿀 수 없습니다.",
            )),
            GradingRule::Relative { shares, .. } => {
                for (grade, raw) in changed_shares {
                    let field = format!("share.{grade}");
                    let Some(s) = shares.iter_mut().find(|s| &s.grade == grade) else {
                        errors.push(ValidationError::new(field, format!("이 평가에는 '{grade}' 등급이 없습니다.")));
                        continue;
                    };
                    match percent(raw) {
                        Some(n) => s.share_pct = n,
                        None => errors.push(ValidationError::new(
                            field,
                            format!(
                                "{grade} 등급 비율은 0에서 100 사이의 정수(%)로 입력해 주세요. (입력값: '{}')",
                                raw.trim()
                            ),
                        )),
                    }
                }
                let total: u32 = shares.iter().map(|s| s.share_pct).sum();
                if errors.is_empty() && total != 100 {
                    let field = shares.first().map(|s| format!("share.{}", s.grade)).unwrap_or_default();
                    errors.push(ValidationError::new(
                        field,
                        format!("등급 비율의 합이 {total}%입니다. 모든 등급의 비율을 더해 100%가 되게 입력해 주세요."),
                    ));
                }
            }
        }
    }

    if errors.is_empty() {
        if let Err(e) = p.aggregation.validate() {
            errors.push(ValidationError::new("drop_extremes_from", e.to_string()));
        }
    }
    if errors.is_empty() {
        Ok(p)
    } else {
        Err(errors)
    }
}

/// One task's result on one side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Side {
    pub score: f64,
    pub position: usize,
    pub grade: String,
    pub excellent: bool,
    /// The task's part of the pool (0 unless excellent).
    pub prize_won: i64,
}

/// One task, official and changed. `None`: no submitted score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhatIfRow {
    pub task: TaskId,
    pub official: Option<Side>,
    pub changed: Option<Side>,
}

impl WhatIfRow {
    /// Its grade, excellent flag or money differ (a score or place alone does not count).
    pub fn moved(&self) -> bool {
        let key = |s: &Option<Side>| s.as_ref().map(|s| (s.grade.clone(), s.excellent, s.prize_won));
        key(&self.official) != key(&self.changed)
    }
}

/// How much moves, in numbers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WhatIfSummary {
    pub tasks: usize,
    pub grades_changed: usize,
    /// Excellent under the changed parameters only.
    pub excellent_in: usize,
    /// Excellent under the official parameters only.
    pub excellent_out: usize,
    /// Σ of the increases in task parts (= Σ of the decreases when the pool is paid out on both sides).
    pub money_moved_won: i64,
}

/// The two results side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhatIf {
    /// In the official order; unscored tasks last, by id.
    pub rows: Vec<WhatIfRow>,
    pub agencies: Vec<AgencyChange>,
    pub summary: WhatIfSummary,
}

/// Why the what-if could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WhatIfError {
    #[error("{0}")]
    Evaluation(#[from] EvaluationError),
    #[error("포상금을 나눌 수 없습니다. {0}")]
    Prize(#[from] RewardError),
}

/// Each excellent task's part of the pool under the round's pool rule.
fn task_parts(outcome: &Outcome, prizes: &PrizeSettings) -> Result<BTreeMap<TaskId, i64>, RewardError> {
    let excellent: Vec<PrizeTask> = outcome
        .tasks
        .iter()
        .filter(|t| t.excellent)
        .map(|t| PrizeTask {
            task: t.result.task,
            grade: t.grade.clone(),
            score: t.result.score,
            // The task's part does not depend on how it is shared inside the task.
            agencies: vec![AgencyPart {
                agency: crate::AgencyId::new(1),
                agency_name: String::new(),
                share: 1,
                people: vec![],
            }],
        })
        .collect();
    if excellent.is_empty() {
        return Ok(BTreeMap::new());
    }
    let rules = crate::reward::split::PrizeRules { person_cap_won: None, ..prizes.rules.clone() };
    let split = split_prizes(prizes.pool_won, &excellent, &rules)?;
    Ok(split.tasks.iter().map(|t| (t.task, t.part_won)).collect())
}

fn sides(outcome: &Outcome, parts: &BTreeMap<TaskId, i64>) -> BTreeMap<TaskId, Side> {
    outcome
        .tasks
        .iter()
        .map(|t| {
            let side = Side {
                score: t.result.score,
                position: t.position,
                grade: t.grade.clone(),
                excellent: t.excellent,
                prize_won: parts.get(&t.result.task).copied().unwrap_or(0),
            };
            (t.result.task, side)
        })
        .collect()
}

/// The round's result under `official` and under `changed`, on the same sheets.
pub fn what_if(
    official: &RoundParams,
    changed: &RoundParams,
    inputs: &RoundInputs,
    prizes: &PrizeSettings,
) -> Result<WhatIf, WhatIfError> {
    let before = evaluate(official, inputs)?;
    let after = evaluate(changed, inputs)?;
    let (parts_before, parts_after) = (task_parts(&before, prizes)?, task_parts(&after, prizes)?);
    let (mut left, mut right) = (sides(&before, &parts_before), sides(&after, &parts_after));

    let mut order: Vec<TaskId> = before.tasks.iter().map(|t| t.result.task).collect();
    let listed: BTreeSet<TaskId> = order.iter().copied().collect();
    let rest: BTreeSet<TaskId> = inputs.tasks.iter().map(|t| t.task).filter(|t| !listed.contains(t)).collect();
    order.extend(rest);

    let mut summary = WhatIfSummary { tasks: order.len(), ..WhatIfSummary::default() };
    let rows: Vec<WhatIfRow> = order
        .into_iter()
        .map(|task| {
            let row = WhatIfRow { task, official: left.remove(&task), changed: right.remove(&task) };
            let grade = |s: &Option<Side>| s.as_ref().map(|s| s.grade.clone());
            let excellent = |s: &Option<Side>| s.as_ref().is_some_and(|s| s.excellent);
            let money = |s: &Option<Side>| s.as_ref().map_or(0, |s| s.prize_won);
            if grade(&row.official) != grade(&row.changed) {
                summary.grades_changed += 1;
            }
            match (excellent(&row.official), excellent(&row.changed)) {
                (false, true) => summary.excellent_in += 1,
                (true, false) => summary.excellent_out += 1,
                _ => {}
            }
            summary.money_moved_won += (money(&row.changed) - money(&row.official)).max(0);
            row
        })
        .collect();
    Ok(WhatIf { rows, agencies: diff(&before, &after).agencies, summary })
}

#[cfg(test)]
mod tests {
    use super::super::agency_score::{AgencyRole, TaskAgency};
    use super::super::grade::{ExcellentRule, GradingParams, GradingPreset};
    use super::super::outcome::{ScoreSheet, TaskInput};
    use super::super::rubric::{CriterionScore, Rubric};
    use super::*;
    use crate::reward::split::{PoolRule, PrizeRules};
    use crate::{AgencyId, UserId};

    const CODES: [&str; 4] = ["policy_effect", "goal_achievement", "implementation_effort", "citizen_satisfaction"];

    fn params() -> RoundParams {
        RoundParams {
            rubric: Rubric::main_policy_2024(),
            grading: GradingParams { rule: GradingPreset::ExcellentNormalPoor.rule(), within_tiers: false },
            excellent: ExcellentRule::InGrades(vec!["우수".into()]),
            ..RoundParams::default()
        }
    }

    /// Task 1: policy effect 100, everything else 0 → 45 on the 2024 weights.
    /// Task 2: citizen satisfaction 100, the rest 60 → 0.45·60 + 0.3·60 + 0.15·60 + 0.1·100 = 64.
    /// Task 3: everything 50 → 50. One evaluator each, so no drop; 30/50/20 of 3 tasks gives one 우수.
    fn inputs() -> RoundInputs {
        let sheet = |task: i64, scores: [f64; 4]| ScoreSheet {
            task: TaskId::new(task),
            evaluator: UserId::new(1),
            scores: CODES.iter().zip(scores).map(|(c, s)| CriterionScore::new(c, s)).collect(),
        };
        let task = |id: i64| TaskInput {
            task: TaskId::new(id),
            tier: None,
            agencies: vec![TaskAgency { agency: AgencyId::new(id), role: AgencyRole::Lead }],
        };
        RoundInputs {
            tasks: vec![task(1), task(2), task(3), task(4)],
            sheets: vec![sheet(1, [100.0, 0.0, 0.0, 0.0]), sheet(2, [60.0, 60.0, 60.0, 100.0]), sheet(3, [50.0; 4])],
        }
    }

    fn prizes() -> PrizeSettings {
        PrizeSettings {
            pool_won: 10_000_000,
            rules: PrizeRules { pool_rule: PoolRule::Equal, ..PrizeRules::default() },
            ..PrizeSettings::default()
        }
    }

    fn input(weights: &[(&str, &str)]) -> WhatIfInput {
        WhatIfInput {
            weights: weights.iter().map(|(c, w)| (c.to_string(), w.to_string())).collect(),
            ..WhatIfInput::default()
        }
    }

    #[test]
    fn unchanged_parameters_move_nothing() {
        let p = params();
        let changed = parse_what_if(&WhatIfInput::default(), &p).unwrap();
        assert_eq!(changed, p);
        let w = what_if(&p, &changed, &inputs(), &prizes()).unwrap();
        assert!(w.rows.iter().all(|r| !r.moved()));
        assert_eq!(w.summary, WhatIfSummary { tasks: 4, ..WhatIfSummary::default() });
        // Official order, then the unscored task 4.
        let order: Vec<i64> = w.rows.iter().map(|r| r.task.get()).collect();
        assert_eq!(order, vec![2, 3, 1, 4]);
        assert_eq!(w.rows[0].official.as_ref().unwrap().prize_won, 10_000_000);
        assert!(w.rows[3].official.is_none() && w.rows[3].changed.is_none());
    }

    /// Putting almost all the weight on policy effect (97/1/1/1): task 1 → 97, task 2 → 60.4,
    /// task 3 → 50; the 우수
    /// grade and the whole pool move from task 2 to task 1.
    #[test]
    fn moving_the_weight_moves_the_grade_and_the_money() {
        let p = params();
        let changed = parse_what_if(
            &input(&[
                ("policy_effect", "97"),
                ("goal_achievement", "1"),
                ("implementation_effort", "1"),
                ("citizen_satisfaction", "1"),
            ]),
            &p,
        )
        .unwrap();
        let w = what_if(&p, &changed, &inputs(), &prizes()).unwrap();
        let row = |id: i64| w.rows.iter().find(|r| r.task.get() == id).unwrap();
        let t1 = row(1).changed.as_ref().unwrap();
        assert_eq!((t1.score, t1.grade.as_str(), t1.excellent, t1.prize_won), (97.0, "우수", true, 10_000_000));
        let t2 = row(2);
        assert_eq!(t2.official.as_ref().unwrap().score, 64.0);
        assert_eq!(t2.changed.as_ref().unwrap().prize_won, 0);
        assert!(row(1).moved() && row(2).moved());
        assert_eq!(w.summary.excellent_in, 1);
        assert_eq!(w.summary.excellent_out, 1);
        assert_eq!(w.summary.money_moved_won, 10_000_000);
        // Agency 1 (task 1) goes from third place to first.
        assert!(w.agencies.iter().any(|a| a.agency == AgencyId::new(1) && a.rank_after == Some(1)));
    }

    #[test]
    fn grade_shares_change_within_the_same_grades() {
        let p = params();
        let changed = parse_what_if(
            &WhatIfInput {
                shares: [("우수", "70"), ("보통", "10"), ("미흡", "20")]
                    .iter()
                    .map(|(g, s)| (g.to_string(), s.to_string()))
                    .collect(),
                ..WhatIfInput::default()
            },
            &p,
        )
        .unwrap();
        // 70% of 3 tasks: 2.1 → 2 우수 under the documented rounding; the pool is shared equally.
        let w = what_if(&p, &changed, &inputs(), &prizes()).unwrap();
        let excellent: Vec<(i64, i64)> = w
            .rows
            .iter()
            .filter_map(|r| r.changed.as_ref().filter(|s| s.excellent).map(|s| (r.task.get(), s.prize_won)))
            .collect();
        assert_eq!(excellent, vec![(2, 5_000_000), (3, 5_000_000)]);
        assert_eq!(w.summary.excellent_in, 1);
        assert_eq!(w.summary.money_moved_won, 5_000_000);
    }

    #[test]
    fn wrong_input_says_what_to_fix_and_keeps_nothing() {
        let p = params();
        let errors = parse_what_if(&input(&[("policy_effect", "50")]), &p).unwrap_err();
        assert_eq!(errors[0].field, "weight.policy_effect");
        assert!(errors[0].message.contains("105%"), "{}", errors[0].message);

        let errors = parse_what_if(&input(&[("nope", "10"), ("policy_effect", "abc")]), &p).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["weight.nope", "weight.policy_effect"]);

        let bad = WhatIfInput {
            drop_extremes_from: Some("2".into()),
            standardise: Some("maybe".into()),
            shares: [("S".to_string(), "10".to_string())].into_iter().collect(),
            ..WhatIfInput::default()
        };
        let fields: Vec<String> = parse_what_if(&bad, &p).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["drop_extremes_from", "standardise", "share.S"]);
    }

    #[test]
    fn drop_rule_and_standardisation_are_changed_as_typed() {
        let p = params();
        let changed = parse_what_if(
            &WhatIfInput {
                drop_extremes_from: Some("0".into()),
                standardise: Some("yes".into()),
                ..WhatIfInput::default()
            },
            &p,
        )
        .unwrap();
        assert_eq!(changed.aggregation.drop_extremes_from, None);
        assert!(changed.aggregation.standardise);
        let json: WhatIfInput =
            serde_json::from_str(r#"{"drop_extremes_from": 4, "weights": {"policy_effect": 45}}"#).unwrap();
        assert_eq!(parse_what_if(&json, &p).unwrap().aggregation.drop_extremes_from, Some(4));
    }
}
