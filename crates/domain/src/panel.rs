//! Evaluation panels (평가위원회): who may not score a task, how many private experts a panel needs,
//! and the tool that assigns evaluators to tasks.
//!
//! - [`conflict`] — 제척·회피·기피. An evaluator who worked at an agency of the task within the
//!   round's look-back window (default 3 years before the reference date) is excluded by rule (제척);
//!   an evaluator's own declaration (회피) and an agency's challenge that OPC upheld (기피) exclude too.
//!   A challenge not yet decided also keeps the evaluator off the task until OPC decides. Every
//!   exclusion carries a Korean reason naming the agency and the dates.
//! - [`PrivateShare`] (here) — a panel must have private experts at or above a share (default 2/3, as
//!   정부업무평가기본법 제14조② asks of self-evaluation committees). Compared as exact fractions
//!   (`private × den ≥ size × num`), never as floats, so 2 of 3 meets 2/3.
//! - [`assign`] — every task gets its N evaluators, nobody more than their M tasks, the private share
//!   met, no excluded evaluator, and the load as even as it can be: the largest load is the smallest
//!   possible (and, beyond that, loads are as level as the exclusions allow). Solved exactly by a
//!   min-cost max-flow ([`flow`]), not first-come. When impossible it says why, per task.
//!
//! All thresholds (look-back years, share, N, M) are inputs the round carries; the defaults are
//! `Default` impls, never constants inside the rules.

use std::fmt;

use serde::{Deserialize, Serialize};

pub mod assign;
pub mod conflict;
pub mod flow;

pub use assign::{assign, Assignment, AssignmentError, EvaluatorLoad, EvaluatorSlot, Shortfall, TaskNeed, TaskPanel};
pub use conflict::{
    conflicts, Affiliation, Challenge, ChallengeDecision, Conflict, ConflictError, ConflictKind, EvaluatorRecord,
    ExclusionRule, Recusal, TaskParties,
};

/// Why a panel rule was given values it cannot use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PanelError {
    #[error("민간 전문가 비율 {num}/{den}은 쓸 수 없습니다. 분모는 1 이상, 분자는 분모 이하로 입력하세요.")]
    InvalidShare { num: u32, den: u32 },
}

/// A round's panel rules: evaluators per task (N), tasks per evaluator (M), the private-expert share
/// and the 제척 look-back. OPC sets them per round; these are the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelRules {
    /// N: evaluators each task's panel gets.
    pub evaluators_per_task: u32,
    /// M: the most tasks one evaluator scores in the round.
    pub tasks_per_evaluator: u32,
    pub private_share: PrivateShare,
    /// 제척: a stint at a task's agency this many years before the round's reference date excludes.
    pub lookback_years: u32,
}

impl Default for PanelRules {
    /// N = 3, M = 15, private share 2/3, look-back 3 years.
    fn default() -> Self {
        PanelRules {
            evaluators_per_task: 3,
            tasks_per_evaluator: 15,
            private_share: PrivateShare::default(),
            lookback_years: 3,
        }
    }
}

/// The most evaluators per task, tasks per evaluator and look-back years a round may set.
pub const MAX_EVALUATORS_PER_TASK: u32 = 50;
pub const MAX_TASKS_PER_EVALUATOR: u32 = 100_000;
pub const MAX_LOOKBACK_YEARS: u32 = 30;

impl PanelRules {
    /// The rules from what OPC typed, or each problem by field.
    pub fn parse(
        n: u32,
        m: u32,
        share_num: u32,
        share_den: u32,
        lookback_years: u32,
    ) -> Result<PanelRules, Vec<crate::ValidationError>> {
        let mut errors = Vec::new();
        if n == 0 || n > MAX_EVALUATORS_PER_TASK {
            errors.push(crate::ValidationError::new(
                "evaluators_per_task",
                format!("과제당 평가위원 수는 1~{MAX_EVALUATORS_PER_TASK}명으로 입력해 주세요."),
            ));
        }
        if m == 0 || m > MAX_TASKS_PER_EVALUATOR {
            errors.push(crate::ValidationError::new(
                "tasks_per_evaluator",
                "평가위원 1명이 맡는 최대 과제 수는 1 이상으로 입력해 주세요.",
            ));
        }
        let share = PrivateShare::new(share_num, share_den);
        if let Err(e) = &share {
            errors.push(crate::ValidationError::new("private_share", e.to_string()));
        }
        if lookback_years > MAX_LOOKBACK_YEARS {
            errors.push(crate::ValidationError::new(
                "lookback_years",
                format!("제척 기준 기간은 0~{MAX_LOOKBACK_YEARS}년으로 입력해 주세요."),
            ));
        }
        match share {
            Ok(private_share) if errors.is_empty() => {
                Ok(PanelRules { evaluators_per_task: n, tasks_per_evaluator: m, private_share, lookback_years })
            }
            _ => Err(errors),
        }
    }
}

/// The least share of private experts on a task's panel, as a fraction `num/den`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PrivateShare {
    num: u32,
    den: u32,
}

impl Default for PrivateShare {
    /// Two thirds, as the law asks of self-evaluation committees (정부업무평가기본법 제14조②).
    fn default() -> Self {
        PrivateShare { num: 2, den: 3 }
    }
}

impl PrivateShare {
    pub fn new(num: u32, den: u32) -> Result<Self, PanelError> {
        if den == 0 || num > den {
            return Err(PanelError::InvalidShare { num, den });
        }
        Ok(PrivateShare { num, den })
    }

    pub fn num(self) -> u32 {
        self.num
    }

    pub fn den(self) -> u32 {
        self.den
    }

    /// Whether `private` private experts among `size` members meet the share, exactly.
    pub fn is_met(self, private: u32, size: u32) -> bool {
        u64::from(private) * u64::from(self.den) >= u64::from(size) * u64::from(self.num)
    }

    /// The fewest private experts a panel of `size` needs: ⌈size × num / den⌉.
    pub fn min_private(self, size: u32) -> u32 {
        let need = u64::from(size) * u64::from(self.num);
        need.div_ceil(u64::from(self.den)) as u32
    }

    /// The check a page shows: `Ok` or what is wrong and what would fix it.
    pub fn check(self, private: u32, size: u32) -> Result<(), ShareShortfall> {
        if private > size {
            return Err(ShareShortfall { share: self, private, size, min_private: self.min_private(size) });
        }
        if self.is_met(private, size) {
            Ok(())
        } else {
            Err(ShareShortfall { share: self, private, size, min_private: self.min_private(size) })
        }
    }
}

impl fmt::Display for PrivateShare {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.num, self.den)
    }
}

/// A panel whose private experts fall short of the share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareShortfall {
    pub share: PrivateShare,
    pub private: u32,
    pub size: u32,
    /// Private experts a panel of this size needs.
    pub min_private: u32,
}

impl fmt::Display for ShareShortfall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.private > self.size {
            return write!(
                f,
                "민간 전문가 {}명이 전체 위원 {}명보다 많습니다. 위원 명단을 확인하세요.",
                self.private, self.size
            );
        }
        write!(
            f,
            "평가위원 {}명 중 민간 전문가 {}명: 민간 비율 {} 이상이 되려면 민간 전문가가 {}명 이상이어야 합니다. \
             민간 전문가를 {}명 더 배정하거나 공무원 위원을 줄이세요.",
            self.size,
            self.private,
            self.share,
            self.min_private,
            self.min_private - self.private
        )
    }
}

impl std::error::Error for ShareShortfall {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn two_of_three_meets_two_thirds_exactly() {
        let s = PrivateShare::default();
        // 2 × 3 = 6 ≥ 3 × 2 = 6: met, with no 0.666… rounding involved.
        assert!(s.is_met(2, 3));
        assert_eq!(s.check(2, 3), Ok(()));
        // 6 × 3 = 18 ≥ 9 × 2 = 18: met; 5 of 8: 15 < 16, not met.
        assert!(s.is_met(6, 9));
        assert!(!s.is_met(5, 8));
        // ⌈4 × 2 / 3⌉ = ⌈8/3⌉ = 3; ⌈3 × 2 / 3⌉ = 2; ⌈5 × 2 / 3⌉ = ⌈10/3⌉ = 4.
        assert_eq!((s.min_private(4), s.min_private(3), s.min_private(5)), (3, 2, 4));
    }

    #[test]
    fn a_short_panel_is_told_how_many_private_experts_it_needs() {
        let e = PrivateShare::default().check(2, 4).unwrap_err();
        assert_eq!(e.min_private, 3);
        let msg = e.to_string();
        assert!(msg.contains("평가위원 4명 중 민간 전문가 2명"), "{msg}");
        assert!(msg.contains("3명 이상") && msg.contains("1명 더"), "{msg}");
        assert!(PrivateShare::default().check(5, 4).is_err());
    }

    #[test]
    fn a_share_above_one_or_over_zero_is_refused() {
        assert_eq!(PrivateShare::new(4, 3), Err(PanelError::InvalidShare { num: 4, den: 3 }));
        assert!(PrivateShare::new(1, 0).unwrap_err().to_string().contains("분모는 1 이상"));
        assert_eq!(PrivateShare::new(1, 2).map(|s| s.min_private(5)), Ok(3));
    }

    proptest! {
        #[test]
        fn min_private_is_the_least_count_that_meets_the_share(num in 0u32..10, extra in 0u32..10, size in 0u32..60) {
            let s = PrivateShare::new(num, num + extra + 1).unwrap();
            let m = s.min_private(size);
            prop_assert!(m <= size);
            prop_assert!(s.is_met(m, size));
            if m > 0 {
                prop_assert!(!s.is_met(m - 1, size));
            }
        }
    }
}
