//! The recommended individual rating of an exchangee (개인 성과평가 반영).
//!
//! As for planned exchanges (나라일터: 근평·성과급 등급을 교류 전보다 한 단계 이상), the rule
//! recommends at least `steps_up` grades (default 1) above the pre-exchange grade on the round's
//! scale, never above the top grade. It only recommends: OPC confirms a grade, and a confirmed grade
//! below the recommendation is allowed but flagged.

use serde::{Deserialize, Serialize};

use super::RewardError;

/// Grades from best to worst, e.g. S > A > B > C.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeScale {
    grades: Vec<String>,
}

impl GradeScale {
    pub fn new(best_first: Vec<String>) -> Result<Self, RewardError> {
        let mut seen = std::collections::BTreeSet::new();
        if best_first.is_empty() || !best_first.iter().all(|g| !g.trim().is_empty() && seen.insert(g.as_str())) {
            return Err(RewardError::InvalidScale);
        }
        Ok(GradeScale { grades: best_first })
    }

    /// S > A > B > C, the 성과상여금 grades.
    pub fn sabc() -> Self {
        GradeScale { grades: ["S", "A", "B", "C"].map(String::from).to_vec() }
    }

    pub fn grades(&self) -> &[String] {
        &self.grades
    }

    fn rank(&self, grade: &str) -> Result<usize, RewardError> {
        self.grades
            .iter()
            .position(|g| g == grade)
            .ok_or_else(|| RewardError::UnknownGrade { grade: grade.into(), scale: self.grades.join(">") })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingRule {
    /// Steps above the pre-exchange grade the rating should at least be.
    pub steps_up: u32,
}

impl Default for RatingRule {
    fn default() -> Self {
        RatingRule { steps_up: 1 }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingRecommendation {
    pub pre_exchange: String,
    /// The lowest grade the rule recommends.
    pub at_least: String,
    /// True when the top of the scale stopped the steps.
    pub capped_at_top: bool,
    /// "교류 전 B → A 이상 권고 (한 단계 이상 상향, 국무조정실 확정 필요)".
    pub note: String,
}

/// What the rule recommends for an exchangee whose pre-exchange grade was `pre_exchange`.
pub fn recommend_rating(
    scale: &GradeScale,
    pre_exchange: &str,
    rule: &RatingRule,
) -> Result<RatingRecommendation, RewardError> {
    let rank = scale.rank(pre_exchange)?;
    let steps = rule.steps_up as usize;
    let target = rank.saturating_sub(steps);
    let capped_at_top = rank < steps;
    let at_least = scale.grades[target].clone();
    let note = if capped_at_top && target == rank {
        format!("교류 전 {pre_exchange}: 이미 최상위 등급이므로 {at_least} 유지 권고 (국무조정실 확정 필요)")
    } else if capped_at_top {
        format!("교류 전 {pre_exchange} → {at_least} 권고 (최상위 등급까지만 상향, 국무조정실 확정 필요)")
    } else {
        format!("교류 전 {pre_exchange} → {at_least} 이상 권고 ({}단계 이상 상향, 국무조정실 확정 필요)", rule.steps_up)
    };
    Ok(RatingRecommendation { pre_exchange: pre_exchange.into(), at_least, capped_at_top, note })
}

/// The grade OPC confirmed, with whether it is below the recommendation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmedRating {
    pub grade: String,
    pub below_recommendation: bool,
}

/// OPC confirms `chosen` for a recommendation made on `scale`.
pub fn confirm_rating(
    scale: &GradeScale,
    rec: &RatingRecommendation,
    chosen: &str,
) -> Result<ConfirmedRating, RewardError> {
    let below = scale.rank(chosen)? > scale.rank(&rec.at_least)?;
    Ok(ConfirmedRating { grade: chosen.into(), below_recommendation: below })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recommendation_is_one_step_above_and_stops_at_the_top() {
        let s = GradeScale::sabc();
        let r = recommend_rating(&s, "B", &RatingRule::default()).unwrap();
        assert_eq!((r.at_least.as_str(), r.capped_at_top), ("A", false));
        assert_eq!(r.note, "교류 전 B → A 이상 권고 (1단계 이상 상향, 국무조정실 확정 필요)");
        let top = recommend_rating(&s, "S", &RatingRule::default()).unwrap();
        assert_eq!((top.at_least.as_str(), top.capped_at_top), ("S", true));
        assert!(top.note.contains("이미 최상위"), "{}", top.note);
        // Two steps from A would pass the top: S, capped.
        let two = recommend_rating(&s, "A", &RatingRule { steps_up: 2 }).unwrap();
        assert_eq!((two.at_least.as_str(), two.capped_at_top), ("S", true));
        assert_eq!(recommend_rating(&s, "C", &RatingRule { steps_up: 2 }).unwrap().at_least, "A");
    }

    #[test]
    fn opc_confirms_and_a_grade_below_the_recommendation_is_flagged() {
        let s = GradeScale::sabc();
        let r = recommend_rating(&s, "B", &RatingRule::default()).unwrap();
        assert!(!confirm_rating(&s, &r, "S").unwrap().below_recommendation);
        assert!(!confirm_rating(&s, &r, "A").unwrap().below_recommendation);
        assert!(confirm_rating(&s, &r, "B").unwrap().below_recommendation);
        assert!(matches!(confirm_rating(&s, &r, "Z"), Err(RewardError::UnknownGrade { .. })));
    }

    #[test]
    fn a_scale_must_have_distinct_grades_and_other_scales_work_too() {
        assert_eq!(GradeScale::new(vec![]), Err(RewardError::InvalidScale));
        assert_eq!(GradeScale::new(vec!["S".into(), "S".into()]), Err(RewardError::InvalidScale));
        let s = GradeScale::new(["매우우수", "우수", "보통", "미흡", "매우미흡"].map(String::from).to_vec()).unwrap();
        assert_eq!(recommend_rating(&s, "보통", &RatingRule::default()).unwrap().at_least, "우수");
        let e = recommend_rating(&s, "S", &RatingRule::default()).unwrap_err();
        assert!(e.to_string().contains("척도(매우우수>우수>보통>미흡>매우미흡)에 없습니다"), "{e}");
    }
}
