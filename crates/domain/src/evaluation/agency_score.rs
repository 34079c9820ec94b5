//! The agency collaboration score (정부업무평가 협업 부문): a score and a rank per agency from its
//! tasks' results, by a rule chosen per round ([`AgencyRule`]):
//! - **`mean`**: the plain mean of the scores of every task the agency takes part in, lead or not.
//! - **`role_weighted`**: a weighted mean, each task weighing `lead_weight` where the agency leads
//!   (주관) and `participant_weight` where it takes part (참여): Σ w × score ÷ Σ w. Both weights are
//!   above 0. Example: lead on 80 and participant on 60 at 1.0 / 0.5 → (80 + 30) / 1.5 = 73.33.
//! - **`grade_points`**: points per task by its grade (as the 2016 collaboration tasks gave up to ±1
//!   on an agency's 국정과제 score), summed, then held within ±`cap` when a cap is set. A grade not
//!   listed gives 0. This score is a number of points, not a 0–100 score.
//!
//! Scores are rounded half away from zero to `score_decimals`. **Ranks**: higher score first; agencies
//! with equal (rounded) scores share a rank and the next rank skips (1, 2, 2, 4); within a shared
//! rank agencies are listed by agency id. An agency with no scored task is not ranked.
//! Sums run in task-id order, so the input order does not matter.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use super::aggregate::round_to;
use crate::{AgencyId, TaskId};

/// What an agency does in a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AgencyRole {
    /// 주관
    Lead,
    /// 참여
    Participant,
}

impl AgencyRole {
    pub fn label_ko(self) -> &'static str {
        match self {
            AgencyRole::Lead => "주관",
            AgencyRole::Participant => "참여",
        }
    }
}

/// An agency of a task with its role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskAgency {
    pub agency: AgencyId,
    pub role: AgencyRole,
}

/// Points a task earns its agencies for a grade.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GradePoints {
    pub grade: String,
    pub points: f64,
}

/// How agencies are scored this round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AgencyRule {
    Mean,
    RoleWeighted { lead_weight: f64, participant_weight: f64 },
    GradePoints { points: Vec<GradePoints>, cap: Option<f64> },
}

impl AgencyRule {
    /// A role-weighted example: a lead task counts twice a participant one (hanteam's pick, for OPC to set).
    pub fn role_weighted_example() -> Self {
        AgencyRule::RoleWeighted { lead_weight: 1.0, participant_weight: 0.5 }
    }

    /// The 2016 scheme read for the 우수/보통/미흡 grades: +1 for 우수, −1 for 미흡, at most ±1 in all.
    pub fn points_2016() -> Self {
        AgencyRule::GradePoints {
            points: vec![
                GradePoints { grade: "우수".into(), points: 1.0 },
                GradePoints { grade: "미흡".into(), points: -1.0 },
            ],
            cap: Some(1.0),
        }
    }

    pub fn label_ko(&self) -> &'static str {
        match self {
            AgencyRule::Mean => "참여 과제 점수의 평균",
            AgencyRule::RoleWeighted { .. } => "주관·참여 역할별 가중 평균",
            AgencyRule::GradePoints { .. } => "과제 등급별 가감점 합계",
        }
    }

    /// The rule's own numbers; `grades` are the round's grade labels, which grade points must use.
    pub fn validate(&self, grades: &[&str]) -> Result<(), AgencyScoreError> {
        match self {
            AgencyRule::Mean => Ok(()),
            AgencyRule::RoleWeighted { lead_weight, participant_weight } => {
                if [lead_weight, participant_weight].iter().any(|w| !w.is_finite() || **w <= 0.0) {
                    Err(AgencyScoreError::BadRoleWeight)
                } else {
                    Ok(())
                }
            }
            AgencyRule::GradePoints { points, cap } => {
                let mut seen = HashSet::new();
                for p in points {
                    if !grades.contains(&p.grade.as_str()) {
                        return Err(AgencyScoreError::UnknownGrade {
                            grade: p.grade.clone(),
                            known: grades.join(", "),
                        });
                    }
                    if !seen.insert(p.grade.as_str()) {
                        return Err(AgencyScoreError::DuplicateGradePoints { grade: p.grade.clone() });
                    }
                    if !p.points.is_finite() {
                        return Err(AgencyScoreError::BadPoints { grade: p.grade.clone() });
                    }
                }
                match cap {
                    Some(c) if !c.is_finite() || *c <= 0.0 => Err(AgencyScoreError::BadCap),
                    _ => Ok(()),
                }
            }
        }
    }
}

/// The agency scoring of a round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyParams {
    pub rule: AgencyRule,
    /// Decimals the agency score is rounded to (0–6).
    pub score_decimals: u32,
}

impl Default for AgencyParams {
    fn default() -> Self {
        Self { rule: AgencyRule::Mean, score_decimals: 2 }
    }
}

/// A scored task as the agency score sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgencyTaskResult {
    pub task: TaskId,
    pub score: f64,
    pub grade: Option<String>,
    pub agencies: Vec<TaskAgency>,
}

/// One agency's score and rank.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyScore {
    pub agency: AgencyId,
    pub score: f64,
    /// 1 for the best; equal scores share it.
    pub rank: usize,
    pub n_tasks: usize,
    pub n_lead: usize,
}

/// Inputs or rules the agency score refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgencyScoreError {
    #[error("주관·참여 가중치는 0보다 큰 수여야 합니다.")]
    BadRoleWeight,
    #[error("가감점 기준의 등급 '{grade}'가 이 평가의 등급에 없습니다. 다음 중에서 고르세요: {known}")]
    UnknownGrade { grade: String, known: String },
    #[error("등급 '{grade}'의 가감점이 두 번 정해져 있습니다. 하나만 남겨 주세요.")]
    DuplicateGradePoints { grade: String },
    #[error("등급 '{grade}'의 가감점은 수여야 합니다.")]
    BadPoints { grade: String },
    #[error("가감점 한도는 0보다 큰 수여야 합니다. 한도가 없으면 비워 두세요.")]
    BadCap,
    #[error("점수는 소수점 6자리까지만 반올림할 수 있습니다({decimals}자리로 정해져 있음).")]
    TooManyDecimals { decimals: u32 },
    #[error("과제 {task}에 기관 {agency}가 두 번 들어 있습니다. 기관마다 역할을 하나만 정해 주세요.")]
    DuplicateAgency { task: TaskId, agency: AgencyId },
}

/// Every agency's score and rank by `params`, by rank then agency id. `grades`: the round's grade
/// labels, best first.
pub fn agency_scores(
    params: &AgencyParams,
    grades: &[&str],
    tasks: &[AgencyTaskResult],
) -> Result<Vec<AgencyScore>, AgencyScoreError> {
    params.rule.validate(grades)?;
    if params.score_decimals > 6 {
        return Err(AgencyScoreError::TooManyDecimals { decimals: params.score_decimals });
    }
    // Per agency: (task, role, score, grade), summed below in task order.
    type Row<'a> = (TaskId, AgencyRole, f64, Option<&'a str>);
    let mut by_agency: BTreeMap<AgencyId, Vec<Row>> = BTreeMap::new();
    for t in tasks {
        let mut seen = HashSet::new();
        for a in &t.agencies {
            if !seen.insert(a.agency) {
                return Err(AgencyScoreError::DuplicateAgency { task: t.task, agency: a.agency });
            }
            by_agency.entry(a.agency).or_default().push((t.task, a.role, t.score, t.grade.as_deref()));
        }
    }
    let mut out: Vec<AgencyScore> = by_agency
        .into_iter()
        .map(|(agency, mut rows)| {
            rows.sort_by_key(|r| r.0);
            let raw = match &params.rule {
                AgencyRule::Mean => rows.iter().map(|r| r.2).sum::<f64>() / rows.len() as f64,
                AgencyRule::RoleWeighted { lead_weight, participant_weight } => {
                    let w = |role| if role == AgencyRole::Lead { *lead_weight } else { *participant_weight };
                    let weighted: f64 = rows.iter().map(|r| w(r.1) * r.2).sum();
                    weighted / rows.iter().map(|r| w(r.1)).sum::<f64>()
                }
                AgencyRule::GradePoints { points, cap } => {
                    let of =
                        |g: Option<&str>| points.iter().find(|p| Some(p.grade.as_str()) == g).map_or(0.0, |p| p.points);
                    let sum: f64 = rows.iter().map(|r| of(r.3)).sum();
                    cap.map_or(sum, |c| sum.clamp(-c, c))
                }
            };
            AgencyScore {
                agency,
                score: round_to(raw, params.score_decimals),
                rank: 0,
                n_tasks: rows.len(),
                n_lead: rows.iter().filter(|r| r.1 == AgencyRole::Lead).count(),
            }
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.agency.cmp(&b.agency)));
    for i in 0..out.len() {
        out[i].rank = if i > 0 && out[i].score == out[i - 1].score { out[i - 1].rank } else { i + 1 };
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SABC: [&str; 4] = ["S", "A", "B", "C"];
    const ENP: [&str; 3] = ["우수", "보통", "미흡"];

    fn task(id: i64, score: f64, grade: &str, agencies: &[(i64, AgencyRole)]) -> AgencyTaskResult {
        AgencyTaskResult {
            task: TaskId::new(id),
            score,
            grade: Some(grade.into()),
            agencies: agencies.iter().map(|&(a, role)| TaskAgency { agency: AgencyId::new(a), role }).collect(),
        }
    }

    use AgencyRole::{Lead, Participant};

    fn sample() -> Vec<AgencyTaskResult> {
        // Agency 1 leads task 1 (80) and takes part in task 2 (60); agency 2 leads task 2;
        // agency 3 takes part in task 1; agency 4 leads task 3 (70).
        vec![
            task(1, 80.0, "우수", &[(1, Lead), (3, Participant)]),
            task(2, 60.0, "미흡", &[(2, Lead), (1, Participant)]),
            task(3, 70.0, "보통", &[(4, Lead)]),
        ]
    }

    fn view(scores: &[AgencyScore]) -> Vec<(i64, f64, usize)> {
        scores.iter().map(|s| (s.agency.get(), s.score, s.rank)).collect()
    }

    #[test]
    fn the_mean_rule_averages_every_task_of_the_agency_and_ties_share_a_rank() {
        // Agency 1: (80 + 60) / 2 = 70, tied with agency 4 (70): both 2nd, agency 2 (60) is 4th.
        let s = agency_scores(&AgencyParams::default(), &ENP, &sample()).unwrap();
        assert_eq!(view(&s), vec![(3, 80.0, 1), (1, 70.0, 2), (4, 70.0, 2), (2, 60.0, 4)]);
        assert_eq!((s[1].n_tasks, s[1].n_lead), (2, 1));
    }

    #[test]
    fn the_role_weighted_rule_counts_a_lead_task_more() {
        // Agency 1 at 1.0 / 0.5: (1.0 × 80 + 0.5 × 60) / 1.5 = 110 / 1.5 = 73.33.
        let p = AgencyParams { rule: AgencyRule::role_weighted_example(), score_decimals: 2 };
        let s = agency_scores(&p, &ENP, &sample()).unwrap();
        assert_eq!(view(&s), vec![(3, 80.0, 1), (1, 73.33, 2), (4, 70.0, 3), (2, 60.0, 4)]);
        let bad = AgencyParams {
            rule: AgencyRule::RoleWeighted { lead_weight: 1.0, participant_weight: 0.0 },
            score_decimals: 2,
        };
        assert_eq!(agency_scores(&bad, &ENP, &sample()), Err(AgencyScoreError::BadRoleWeight));
    }

    #[test]
    fn grade_points_add_up_within_the_cap() {
        // 2016 reading: 우수 +1, 미흡 −1, cap ±1. Agency 1: +1 − 1 = 0; agency 3: +1; agency 2: −1; agency 4: 0.
        let p = AgencyParams { rule: AgencyRule::points_2016(), score_decimals: 2 };
        let s = agency_scores(&p, &ENP, &sample()).unwrap();
        assert_eq!(view(&s), vec![(3, 1.0, 1), (1, 0.0, 2), (4, 0.0, 2), (2, -1.0, 4)]);
        // Two 우수 tasks would be +2, held at +1 by the cap; without a cap it is +2.
        let two = vec![task(1, 90.0, "우수", &[(1, Lead)]), task(2, 90.0, "우수", &[(1, Participant)])];
        assert_eq!(agency_scores(&p, &ENP, &two).unwrap()[0].score, 1.0);
        let uncapped = AgencyParams {
            rule: AgencyRule::GradePoints {
                points: vec![GradePoints { grade: "우수".into(), points: 1.0 }],
                cap: None,
            },
            score_decimals: 2,
        };
        assert_eq!(agency_scores(&uncapped, &ENP, &two).unwrap()[0].score, 2.0);
        // Grade points must name the round's grades.
        let e = agency_scores(&p, &SABC, &two).unwrap_err();
        assert_eq!(
            e.to_string(),
            "가감점 기준의 등급 '우수'가 이 평가의 등급에 없습니다. 다음 중에서 고르세요: S, A, B, C"
        );
    }

    #[test]
    fn an_agency_listed_twice_on_a_task_is_refused() {
        let t = vec![task(1, 80.0, "S", &[(1, Lead), (1, Participant)])];
        assert_eq!(
            agency_scores(&AgencyParams::default(), &SABC, &t),
            Err(AgencyScoreError::DuplicateAgency { task: TaskId::new(1), agency: AgencyId::new(1) })
        );
    }

    proptest! {
        #[test]
        fn agency_scores_do_not_depend_on_the_order_of_tasks_and_ranks_are_competition_ranks(
            cells in proptest::collection::vec((0u32..=100, 0usize..3, proptest::collection::btree_set(1i64..6, 1..4)), 1..12),
            reverse_agencies in any::<bool>(),
        ) {
            let tasks: Vec<AgencyTaskResult> = cells.iter().enumerate().map(|(i, (score, g, agencies))| {
                let mut a: Vec<_> = agencies.iter().enumerate().map(|(j, &id)| (id, if j == 0 { Lead } else { Participant })).collect();
                if reverse_agencies { a.reverse(); }
                task(i as i64 + 1, f64::from(*score), ENP[*g], &a)
            }).collect();
            for rule in [AgencyRule::Mean, AgencyRule::role_weighted_example(), AgencyRule::points_2016()] {
                let p = AgencyParams { rule, score_decimals: 2 };
                let forward = agency_scores(&p, &ENP, &tasks).unwrap();
                let mut reversed = tasks.clone();
                reversed.reverse();
                prop_assert_eq!(&forward, &agency_scores(&p, &ENP, &reversed).unwrap());
                for (i, s) in forward.iter().enumerate() {
                    let better = forward.iter().filter(|o| o.score > s.score).count();
                    prop_assert_eq!(s.rank, better + 1);
                    if i > 0 { prop_assert!(forward[i - 1].score >= s.score); }
                }
            }
        }
    }
}
