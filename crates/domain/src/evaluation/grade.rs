//! Grades (등급) and the excellent tasks (우수과제).
//!
//! A round grades its tasks by one [`GradingRule`], chosen per round:
//! - **Relative (상대평가)**: shares per grade, best first, in whole percent adding up to 100. Tasks are
//!   taken in ranking order (`aggregate::best_first`: score, then more scores, then lower task id).
//!   **Rounding: cumulative, half up.** The first j grades together get
//!   C_j = ⌊n × (s_1 + … + s_j) / 100 + ½⌋ tasks, so the counts add up to n, each grade's count is
//!   within one task of its exact share, and a half goes to the better grade. 41 tasks at 20/40/30/10: C = 8.2→8, 24.6→25, 36.9→37, 41 →
//!   8 S, 17 A, 12 B, 4 C.
//!   **Ties at a boundary** ([`TiePolicy`]): by default (`better_grade`) a task whose score equals the
//!   last one let into a grade gets that grade too — equal scores, equal grades — and the grades below
//!   shrink (cumulative ends stay put). `rank_order` instead cuts exactly at C_j by the ranking's
//!   tie-break.
//! - **Absolute (절대평가)**: cut-offs, best first, strictly decreasing, the last one 0: a task gets the
//!   first grade whose minimum its score reaches.
//!
//! **Within tiers** (`within_tiers`, e.g. 장관급 / 차관급 in 2023): the caller gives every task a tier
//! key and each tier is graded on its own by the relative shares; absolute cut-offs ignore tiers.
//!
//! Presets ([`GradingPreset`]): S/A/B/C 20/40/30/10, 우수/보통/미흡 30/50/20 (2018), and S/A/B/C/D
//! 10/20/40/20/10 (five grades as in 2020; the shares are hanteam's pick, the source gives none).
//!
//! **Excellent tasks** ([`ExcellentRule`], per round): those with a grade in a set (e.g. S), or the
//! top K in ranking order — a task tied on score with the K-th is in too, so equal scores are
//! treated alike — or those scoring at least a threshold; or none.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::aggregate::{best_first, RankKey};
use crate::TaskId;

/// A grade's share of the tasks, relative grading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GradeShare {
    pub grade: String,
    pub share_pct: u32,
}

/// The lowest score of a grade, absolute grading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GradeCutoff {
    pub grade: String,
    pub min_score: f64,
}

/// Who gets the better grade when equal scores straddle a share's boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TiePolicy {
    /// All tasks tied with the last one in a grade get that grade.
    #[default]
    BetterGrade,
    /// The boundary is cut exactly; the ranking's tie-break decides.
    RankOrder,
}

/// How a round grades.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GradingRule {
    Relative { shares: Vec<GradeShare>, ties: TiePolicy },
    Absolute { cutoffs: Vec<GradeCutoff> },
}

/// The grading of a round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GradingParams {
    pub rule: GradingRule,
    /// Grade each tier on its own (relative rules only).
    pub within_tiers: bool,
}

impl Default for GradingParams {
    fn default() -> Self {
        Self { rule: GradingPreset::Sabc.rule(), within_tiers: false }
    }
}

/// The grading presets OPC starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GradingPreset {
    /// S/A/B/C 20/40/30/10, the shares of individual 성과상여금.
    Sabc,
    /// 우수/보통/미흡 30/50/20, the 2018 government performance evaluation.
    ExcellentNormalPoor,
    /// S/A/B/C/D 10/20/40/20/10: five grades as in 2020; shares chosen by hanteam.
    Sabcd,
}

impl GradingPreset {
    pub const ALL: [GradingPreset; 3] = [GradingPreset::Sabc, GradingPreset::ExcellentNormalPoor, GradingPreset::Sabcd];

    pub fn as_str(self) -> &'static str {
        match self {
            GradingPreset::Sabc => "sabc",
            GradingPreset::ExcellentNormalPoor => "excellent_normal_poor",
            GradingPreset::Sabcd => "sabcd",
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            GradingPreset::Sabc => "S/A/B/C (20/40/30/10%)",
            GradingPreset::ExcellentNormalPoor => "우수/보통/미흡 (30/50/20%)",
            GradingPreset::Sabcd => "S/A/B/C/D (10/20/40/20/10%)",
        }
    }

    /// Where the shares come from.
    pub fn source_ko(self) -> &'static str {
        match self {
            GradingPreset::Sabc => "성과상여금 개인별 지급 등급 비율(S 상위 20%, A 20~60%, B 60~90%, C 하위 10%)",
            GradingPreset::ExcellentNormalPoor => "2018년 정부업무평가 등급 비율(우수 30%, 보통 50%, 미흡 20%)",
            GradingPreset::Sabcd => {
                "2020년 정부업무평가의 5등급 체계. 등급별 비율은 출처에 없어 hanteam이 정한 예시입니다."
            }
        }
    }

    pub fn rule(self) -> GradingRule {
        let shares: &[(&str, u32)] = match self {
            GradingPreset::Sabc => &[("S", 20), ("A", 40), ("B", 30), ("C", 10)],
            GradingPreset::ExcellentNormalPoor => &[("우수", 30), ("보통", 50), ("미흡", 20)],
            GradingPreset::Sabcd => &[("S", 10), ("A", 20), ("B", 40), ("C", 20), ("D", 10)],
        };
        GradingRule::Relative {
            shares: shares.iter().map(|&(g, s)| GradeShare { grade: g.into(), share_pct: s }).collect(),
            ties: TiePolicy::BetterGrade,
        }
    }
}

impl FromStr for GradingPreset {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|v| v.as_str() == s).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
            format!("알 수 없는 등급 기본값입니다: '{s}'. 다음 중 하나를 쓰세요: {}", names.join(", "))
        })
    }
}

impl GradingRule {
    /// The grade labels, best first.
    pub fn grades(&self) -> Vec<&str> {
        match self {
            GradingRule::Relative { shares, .. } => shares.iter().map(|s| s.grade.as_str()).collect(),
            GradingRule::Absolute { cutoffs } => cutoffs.iter().map(|c| c.grade.as_str()).collect(),
        }
    }

    pub fn validate(&self) -> Result<(), GradeError> {
        let grades = self.grades();
        if grades.is_empty() {
            return Err(GradeError::NoGrades);
        }
        let mut seen = HashSet::new();
        for g in &grades {
            if g.trim().is_empty() {
                return Err(GradeError::EmptyGradeName);
            }
            if !seen.insert(g.trim()) {
                return Err(GradeError::DuplicateGrade { grade: g.to_string() });
            }
        }
        match self {
            GradingRule::Relative { shares, .. } => {
                if let Some(s) = shares.iter().find(|s| s.share_pct == 0) {
                    return Err(GradeError::ZeroShare { grade: s.grade.clone() });
                }
                let total: u64 = shares.iter().map(|s| u64::from(s.share_pct)).sum();
                if total != 100 {
                    return Err(GradeError::SharesNot100 { total });
                }
            }
            GradingRule::Absolute { cutoffs } => {
                if let Some(c) =
                    cutoffs.iter().find(|c| !c.min_score.is_finite() || !(0.0..=100.0).contains(&c.min_score))
                {
                    return Err(GradeError::CutoffOffScale { grade: c.grade.clone() });
                }
                if let Some(w) = cutoffs.windows(2).find(|w| w[1].min_score >= w[0].min_score) {
                    return Err(GradeError::CutoffsNotDecreasing {
                        better: w[0].grade.clone(),
                        worse: w[1].grade.clone(),
                    });
                }
                if let Some(last) = cutoffs.last().filter(|c| c.min_score != 0.0) {
                    return Err(GradeError::LastCutoffNotZero { grade: last.grade.clone() });
                }
            }
        }
        Ok(())
    }
}

/// How many tasks each grade gets out of `n` by the cumulative half-up rounding of the header.
pub fn quota_counts(shares_pct: &[u32], n: usize) -> Vec<usize> {
    let mut cumulative = 0u64;
    let mut before = 0usize;
    shares_pct
        .iter()
        .map(|&s| {
            cumulative += u64::from(s);
            // ⌊n × cum / 100 + ½⌋ in integers.
            let end = ((2 * n as u64 * cumulative + 100) / 200) as usize;
            let count = end.saturating_sub(before);
            before = before.max(end);
            count
        })
        .collect()
}

/// A task to grade.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradeCandidate {
    pub task: TaskId,
    pub score: f64,
    pub n_scores: usize,
    /// The tier the task is graded in, when grading within tiers.
    pub tier: Option<String>,
}

impl GradeCandidate {
    fn key(&self) -> RankKey {
        RankKey { task: self.task, score: self.score, n_scores: self.n_scores }
    }
}

/// A task's grade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskGrade {
    pub task: TaskId,
    pub grade: String,
    /// 0 for the best grade.
    pub grade_index: usize,
}

/// Grades refused or impossible.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GradeError {
    #[error("등급이 없습니다. 등급을 하나 이상 정해 주세요.")]
    NoGrades,
    #[error("등급 이름을 적어 주세요.")]
    EmptyGradeName,
    #[error("등급 '{grade}'가 두 번 나옵니다. 등급마다 다른 이름을 써 주세요.")]
    DuplicateGrade { grade: String },
    #[error("등급 '{grade}'의 비율이 0%입니다. 1% 이상으로 정하거나 등급을 빼 주세요.")]
    ZeroShare { grade: String },
    #[error("등급 비율 합계가 {total}%입니다. 합계가 100%가 되도록 고쳐 주세요.")]
    SharesNot100 { total: u64 },
    #[error("등급 '{grade}'의 기준 점수는 0~100점 사이여야 합니다.")]
    CutoffOffScale { grade: String },
    #[error(
        "등급 '{worse}'의 기준 점수가 '{better}'보다 낮지 않습니다. 좋은 등급부터 기준 점수가 낮아지게 정해 주세요."
    )]
    CutoffsNotDecreasing { better: String, worse: String },
    #[error("마지막 등급 '{grade}'의 기준 점수를 0으로 정해 주세요. 그래야 모든 과제가 등급을 받습니다.")]
    LastCutoffNotZero { grade: String },
    #[error(
        "과제 {task}의 등급 구분(예: 장관급·차관급)이 없습니다. 구분별 평가에서는 모든 과제에 구분을 정해 주세요."
    )]
    MissingTier { task: TaskId },
    #[error("우수과제 기준의 등급 '{grade}'가 이 평가의 등급에 없습니다. 다음 중에서 고르세요: {known}")]
    UnknownExcellentGrade { grade: String, known: String },
    #[error("우수과제 기준 점수는 0~100점 사이여야 합니다.")]
    BadExcellentThreshold,
}

/// Grades by `params`, by task id.
pub fn grade(params: &GradingParams, candidates: &[GradeCandidate]) -> Result<Vec<TaskGrade>, GradeError> {
    params.rule.validate()?;
    let mut out = match &params.rule {
        GradingRule::Absolute { cutoffs } => candidates
            .iter()
            .map(|c| {
                let i = cutoffs.iter().position(|cut| c.score >= cut.min_score).unwrap_or(cutoffs.len() - 1);
                TaskGrade { task: c.task, grade: cutoffs[i].grade.clone(), grade_index: i }
            })
            .collect(),
        GradingRule::Relative { shares, ties } => {
            let mut groups: BTreeMap<Option<&str>, Vec<&GradeCandidate>> = BTreeMap::new();
            for c in candidates {
                let tier = if params.within_tiers {
                    Some(c.tier.as_deref().ok_or(GradeError::MissingTier { task: c.task })?)
                } else {
                    None
                };
                groups.entry(tier).or_default().push(c);
            }
            let mut out = Vec::with_capacity(candidates.len());
            for group in groups.into_values() {
                out.extend(relative(shares, *ties, group));
            }
            out
        }
    };
    out.sort_by_key(|g| g.task);
    Ok(out)
}

fn relative(shares: &[GradeShare], ties: TiePolicy, mut group: Vec<&GradeCandidate>) -> Vec<TaskGrade> {
    group.sort_by(|a, b| best_first(&a.key(), &b.key()));
    let n = group.len();
    let counts = quota_counts(&shares.iter().map(|s| s.share_pct).collect::<Vec<_>>(), n);
    let mut out = Vec::with_capacity(n);
    let (mut pos, mut quota_end) = (0usize, 0usize);
    for (i, (share, count)) in shares.iter().zip(counts).enumerate() {
        quota_end += count;
        let mut end = quota_end.max(pos);
        if ties == TiePolicy::BetterGrade && end > pos {
            while end < n && group[end].score == group[end - 1].score {
                end += 1;
            }
        }
        for c in &group[pos..end] {
            out.push(TaskGrade { task: c.task, grade: share.grade.clone(), grade_index: i });
        }
        pos = end;
    }
    out
}

/// How a round picks its excellent tasks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum ExcellentRule {
    /// No excellent tasks this round.
    None,
    /// Tasks with one of these grades.
    InGrades(Vec<String>),
    /// The top K by ranking, and any task tied on score with the K-th.
    TopK(usize),
    /// Tasks scoring at least this.
    ScoreAtLeast(f64),
}

impl Default for ExcellentRule {
    fn default() -> Self {
        ExcellentRule::InGrades(vec!["S".into()])
    }
}

impl ExcellentRule {
    /// Whether the rule fits the round's grading.
    pub fn validate(&self, grading: &GradingRule) -> Result<(), GradeError> {
        match self {
            ExcellentRule::InGrades(wanted) => {
                let known = grading.grades();
                match wanted.iter().find(|g| !known.contains(&g.as_str())) {
                    Some(g) => Err(GradeError::UnknownExcellentGrade { grade: g.clone(), known: known.join(", ") }),
                    None => Ok(()),
                }
            }
            ExcellentRule::ScoreAtLeast(t) if !t.is_finite() || !(0.0..=100.0).contains(t) => {
                Err(GradeError::BadExcellentThreshold)
            }
            _ => Ok(()),
        }
    }
}

/// The excellent tasks by `rule`, by task id. `results` are every graded task's rank keys.
pub fn pick_excellent(rule: &ExcellentRule, results: &[RankKey], grades: &[TaskGrade]) -> Vec<TaskId> {
    let picked: BTreeSet<TaskId> = match rule {
        ExcellentRule::None => BTreeSet::new(),
        ExcellentRule::InGrades(wanted) => {
            grades.iter().filter(|g| wanted.contains(&g.grade)).map(|g| g.task).collect()
        }
        ExcellentRule::ScoreAtLeast(t) => results.iter().filter(|r| r.score >= *t).map(|r| r.task).collect(),
        ExcellentRule::TopK(0) => BTreeSet::new(),
        ExcellentRule::TopK(k) => {
            let mut ranked = results.to_vec();
            ranked.sort_by(best_first);
            match ranked.get(k - 1).map(|r| r.score) {
                None => ranked.iter().map(|r| r.task).collect(),
                Some(kth) => ranked.iter().filter(|r| r.score >= kth).map(|r| r.task).collect(),
            }
        }
    };
    picked.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cand(task: i64, score: f64) -> GradeCandidate {
        GradeCandidate { task: TaskId::new(task), score, n_scores: 5, tier: None }
    }

    fn letters(grades: &[TaskGrade]) -> String {
        grades.iter().map(|g| g.grade.as_str()).collect::<Vec<_>>().join("")
    }

    #[test]
    fn forty_one_tasks_at_20_40_30_10_are_8_17_12_4() {
        // Cumulative 8.2 → 8, 24.6 → 25, 36.9 → 37, 41: 8, 17, 12, 4.
        assert_eq!(quota_counts(&[20, 40, 30, 10], 41), vec![8, 17, 12, 4]);
        // 10 tasks at 30/50/20: 3, 8 → 5, 10 → 2.
        assert_eq!(quota_counts(&[30, 50, 20], 10), vec![3, 5, 2]);
        // A half goes to the better grade: 5 tasks at 10/20/40/20/10 → 0.5 → 1, 1.5 → 2, 3.5 → 4, 4.5 → 5, 5.
        assert_eq!(quota_counts(&[10, 20, 40, 20, 10], 5), vec![1, 1, 2, 1, 0]);
        assert_eq!(quota_counts(&[20, 40, 30, 10], 0), vec![0, 0, 0, 0]);
    }

    #[test]
    fn relative_grades_follow_the_ranking() {
        // Ten distinct scores 100, 95, …, 55 at 20/40/30/10 → 2 S, 4 A, 3 B, 1 C.
        let cands: Vec<_> = (0..10).map(|i| cand(i + 1, 100.0 - 5.0 * i as f64)).collect();
        let g = grade(&GradingParams::default(), &cands).unwrap();
        assert_eq!(letters(&g), "SSAAAABBBC");
        assert_eq!(g[0].grade_index, 0);
        assert_eq!(g[9].grade_index, 3);
    }

    #[test]
    fn equal_scores_at_a_boundary_share_the_better_grade_or_follow_the_rank_order() {
        // Quotas 2 S, 4 A, 3 B, 1 C; tasks 2 and 3 tie at 90 across the S boundary.
        let scores = [95.0, 90.0, 90.0, 85.0, 80.0, 75.0, 70.0, 65.0, 60.0, 60.0];
        let cands: Vec<_> = scores.iter().enumerate().map(|(i, &s)| cand(i as i64 + 1, s)).collect();
        let better = grade(&GradingParams::default(), &cands).unwrap();
        // S takes the tie (3 S); A's cumulative end stays at 6, so A gets 3; the 60s tie at the C edge: both B.
        assert_eq!(letters(&better), "SSSAAABBBB");
        let strict = GradingParams {
            rule: GradingRule::Relative {
                shares: match GradingPreset::Sabc.rule() {
                    GradingRule::Relative { shares, .. } => shares,
                    _ => unreachable!(),
                },
                ties: TiePolicy::RankOrder,
            },
            within_tiers: false,
        };
        assert_eq!(letters(&grade(&strict, &cands).unwrap()), "SSAAAABBBC");
        // Under rank order the tie is broken by more scores, then the lower task id.
        let mut fewer = cands.clone();
        fewer[1].n_scores = 3;
        let g = grade(&strict, &fewer).unwrap();
        assert_eq!((g[1].grade.as_str(), g[2].grade.as_str()), ("A", "S"));
    }

    #[test]
    fn every_task_tied_gets_the_best_grade() {
        let cands: Vec<_> = (1..=6).map(|i| cand(i, 70.0)).collect();
        assert_eq!(letters(&grade(&GradingParams::default(), &cands).unwrap()), "SSSSSS");
    }

    #[test]
    fn within_tiers_each_tier_is_graded_on_its_own() {
        // 장관급 5 tasks, 차관급 5 tasks at 30/50/20 → 2 우수 (1.5 → 2), 2 보통 (4 → 4), 1 미흡 each.
        let mut cands = Vec::new();
        for i in 0..5 {
            cands.push(GradeCandidate { tier: Some("장관급".into()), ..cand(i + 1, 90.0 - i as f64) });
            cands.push(GradeCandidate { tier: Some("차관급".into()), ..cand(i + 11, 60.0 - i as f64) });
        }
        let p = GradingParams { rule: GradingPreset::ExcellentNormalPoor.rule(), within_tiers: true };
        let g = grade(&p, &cands).unwrap();
        let by_task: Vec<_> = g.iter().map(|g| (g.task.get(), g.grade.as_str())).collect();
        assert_eq!(
            by_task,
            vec![
                (1, "우수"),
                (2, "우수"),
                (3, "보통"),
                (4, "보통"),
                (5, "미흡"),
                (11, "우수"),
                (12, "우수"),
                (13, "보통"),
                (14, "보통"),
                (15, "미흡")
            ]
        );
        // Across tiers the 차관급 tasks (all below 60) would all be 보통 or 미흡.
        let across = grade(&GradingParams { within_tiers: false, ..p.clone() }, &cands).unwrap();
        assert!(across.iter().filter(|g| g.task.get() > 10).all(|g| g.grade != "우수"));
        cands[0].tier = None;
        assert_eq!(grade(&p, &cands), Err(GradeError::MissingTier { task: TaskId::new(1) }));
    }

    #[test]
    fn absolute_cutoffs_give_the_first_grade_reached() {
        let cut = |g: &str, m| GradeCutoff { grade: g.into(), min_score: m };
        let p = GradingParams {
            rule: GradingRule::Absolute { cutoffs: vec![cut("A", 90.0), cut("B", 70.0), cut("C", 0.0)] },
            within_tiers: false,
        };
        let g = grade(&p, &[cand(1, 90.0), cand(2, 89.99), cand(3, 70.0), cand(4, 0.0)]).unwrap();
        assert_eq!(letters(&g), "ABBC");
        let bad = GradingRule::Absolute { cutoffs: vec![cut("A", 70.0), cut("B", 70.0), cut("C", 0.0)] };
        assert_eq!(bad.validate(), Err(GradeError::CutoffsNotDecreasing { better: "A".into(), worse: "B".into() }));
        let bad = GradingRule::Absolute { cutoffs: vec![cut("A", 70.0), cut("B", 10.0)] };
        assert!(bad.validate().unwrap_err().to_string().contains("0으로"));
    }

    #[test]
    fn presets_are_valid_and_bad_shares_are_refused() {
        for p in GradingPreset::ALL {
            assert_eq!(p.rule().validate(), Ok(()));
            assert_eq!(p.as_str().parse::<GradingPreset>(), Ok(p));
        }
        assert_eq!(GradingPreset::Sabcd.rule().grades(), vec!["S", "A", "B", "C", "D"]);
        let share = |g: &str, s| GradeShare { grade: g.into(), share_pct: s };
        let r = GradingRule::Relative { shares: vec![share("S", 30), share("A", 60)], ties: TiePolicy::BetterGrade };
        assert_eq!(
            r.validate().unwrap_err().to_string(),
            "등급 비율 합계가 90%입니다. 합계가 100%가 되도록 고쳐 주세요."
        );
        let r = GradingRule::Relative { shares: vec![share("S", 100), share("S", 0)], ties: TiePolicy::BetterGrade };
        assert_eq!(r.validate(), Err(GradeError::DuplicateGrade { grade: "S".into() }));
    }

    #[test]
    fn excellent_tasks_by_grade_top_k_with_ties_or_threshold() {
        let keys: Vec<RankKey> = [(1, 95.0), (2, 90.0), (3, 90.0), (4, 80.0)]
            .into_iter()
            .map(|(t, s)| RankKey { task: TaskId::new(t), score: s, n_scores: 5 })
            .collect();
        let grades: Vec<TaskGrade> = ["S", "A", "A", "B"]
            .iter()
            .enumerate()
            .map(|(i, g)| TaskGrade { task: TaskId::new(i as i64 + 1), grade: g.to_string(), grade_index: i })
            .collect();
        let ids = |v: Vec<TaskId>| v.into_iter().map(TaskId::get).collect::<Vec<_>>();
        assert_eq!(ids(pick_excellent(&ExcellentRule::default(), &keys, &grades)), vec![1]);
        assert_eq!(
            ids(pick_excellent(&ExcellentRule::InGrades(vec!["S".into(), "A".into()]), &keys, &grades)),
            vec![1, 2, 3]
        );
        // Top 2: task 3 ties the 2nd at 90, so it is in too.
        assert_eq!(ids(pick_excellent(&ExcellentRule::TopK(2), &keys, &grades)), vec![1, 2, 3]);
        assert_eq!(ids(pick_excellent(&ExcellentRule::TopK(1), &keys, &grades)), vec![1]);
        assert_eq!(ids(pick_excellent(&ExcellentRule::TopK(9), &keys, &grades)), vec![1, 2, 3, 4]);
        assert_eq!(ids(pick_excellent(&ExcellentRule::ScoreAtLeast(90.0), &keys, &grades)), vec![1, 2, 3]);
        assert!(pick_excellent(&ExcellentRule::None, &keys, &grades).is_empty());
        let rule = ExcellentRule::InGrades(vec!["우수".into()]);
        assert!(rule.validate(&GradingPreset::Sabc.rule()).unwrap_err().to_string().contains("S, A, B, C"));
        assert!(ExcellentRule::ScoreAtLeast(120.0).validate(&GradingPreset::Sabc.rule()).is_err());
    }

    fn shares_strategy() -> impl Strategy<Value = Vec<u32>> {
        // 1–6 grades with positive shares adding up to 100: cut points on 1..100.
        proptest::collection::btree_set(1u32..100, 0..6).prop_map(|cuts| {
            let mut prev = 0;
            let mut shares: Vec<u32> = cuts
                .into_iter()
                .map(|c| {
                    let s = c - prev;
                    prev = c;
                    s
                })
                .collect();
            shares.push(100 - prev);
            shares
        })
    }

    proptest! {
        #[test]
        fn quotas_add_up_to_n_and_each_is_within_one_task_of_its_share(shares in shares_strategy(), n in 0usize..500) {
            let counts = quota_counts(&shares, n);
            prop_assert_eq!(counts.iter().sum::<usize>(), n);
            let (mut cum_share, mut cum_count) = (0u32, 0usize);
            for (&s, &c) in shares.iter().zip(&counts) {
                let exact = n as f64 * f64::from(s) / 100.0;
                prop_assert!((c as f64 - exact).abs() < 1.0 + 1e-9, "{} vs {}", c, exact);
                cum_share += s;
                cum_count += c;
                prop_assert!((cum_count as f64 - n as f64 * f64::from(cum_share) / 100.0).abs() <= 0.5 + 1e-9);
            }
        }

        #[test]
        fn grading_meets_the_shares_and_ties_only_lift_the_better_grades(
            shares in shares_strategy(),
            scores in proptest::collection::vec(0u32..40, 0..120),
        ) {
            let cands: Vec<_> = scores.iter().enumerate().map(|(i, &s)| cand(i as i64 + 1, f64::from(s))).collect();
            let quotas = quota_counts(&shares, cands.len());
            let rule = |ties| GradingParams {
                rule: GradingRule::Relative {
                    shares: shares.iter().enumerate().map(|(i, &s)| GradeShare { grade: format!("G{i}"), share_pct: s }).collect(),
                    ties,
                },
                within_tiers: false,
            };
            let count = |g: &[TaskGrade]| {
                let mut c = vec![0usize; shares.len()];
                for x in g { c[x.grade_index] += 1; }
                c
            };
            let strict = grade(&rule(TiePolicy::RankOrder), &cands).unwrap();
            prop_assert_eq!(strict.len(), cands.len());
            prop_assert_eq!(count(&strict), quotas.clone());
            let better = grade(&rule(TiePolicy::BetterGrade), &cands).unwrap();
            prop_assert_eq!(better.len(), cands.len());
            // Cumulatively, the better grades never hold fewer tasks than their quota.
            let (c, (mut got, mut want)) = (count(&better), (0, 0));
            for j in 0..shares.len() {
                got += c[j];
                want += quotas[j];
                prop_assert!(got >= want);
            }
            // Equal scores, equal grades.
            for a in &better {
                for b in &better {
                    if cands[a.task.get() as usize - 1].score == cands[b.task.get() as usize - 1].score {
                        prop_assert_eq!(a.grade_index, b.grade_index);
                    }
                }
            }
        }
    }
}
