//! A round's prize pool (포상금 총액) and how the excellent tasks' parts reach their agencies.
//!
//! - The pool is integer won kept in the round's settings, with [`DEFAULT_POOL_WON`] as a
//!   placeholder: the reference notes found no amount for the 2024 tasks, so OPC sets the real one.
//!   OPC may change it until the round is final ([`ensure_pool_editable`]).
//! - hanteam does not yet let OPC set agency or person shares: each excellent task's part is split
//!   equally among the agencies taking part in it (the lead agency included), paid to the agency
//!   itself (no named people, so no per-person cap applies). [`equal_agency_parts`] builds that
//!   input for `split::split_prizes`, whose largest-remainder rounding makes the parts add up
//!   exactly to the pool.

use serde::{Deserialize, Serialize};

use super::split::{AgencyPart, PrizeRules, PrizeTask};
use crate::edit::Check;
use crate::evaluation::round::Stage;
use crate::korean::thousands;
use crate::{AgencyId, TaskId, ValidationError};

/// hanteam's placeholder pool, 100,000,000원: not an official figure.
pub const DEFAULT_POOL_WON: i64 = 100_000_000;
/// The largest pool accepted (1조원): far above any real one, and far below where sums of won overflow.
pub const MAX_POOL_WON: i64 = 1_000_000_000_000;

/// The round's prize settings, stored with its other settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrizeSettings {
    pub pool_won: i64,
    pub rules: PrizeRules,
}

impl Default for PrizeSettings {
    fn default() -> Self {
        PrizeSettings { pool_won: DEFAULT_POOL_WON, rules: PrizeRules::default() }
    }
}

/// OPC sets the pool (`PUT /api/v1/evaluation-rounds/{id}/prizes`), with the round's version.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrizePoolInput {
    /// Whole won, e.g. 100000000.
    pub pool_won: Option<String>,
    pub version: Option<String>,
}

/// The pool and the round's version.
pub fn parse_prize_pool(input: &PrizePoolInput) -> Result<(i64, i64), Vec<ValidationError>> {
    let mut c = Check::default();
    let raw = input.pool_won.as_deref().map(|s| s.trim().replace(',', "")).unwrap_or_default();
    let pool = if raw.is_empty() {
        c.fail("pool_won", "포상금 총액을 원 단위 정수로 입력해 주세요 (예: 100000000).");
        0
    } else {
        match raw.parse::<i64>() {
            Ok(n) if (0..=MAX_POOL_WON).contains(&n) => n,
            _ => {
                c.fail(
                    "pool_won",
                    format!(
                        "포상금 총액은 0원에서 {}원 사이의 정수(원 단위)로 입력해 주세요. (입력값: '{raw}')",
                        thousands(MAX_POOL_WON as usize)
                    ),
                );
                0
            }
        }
    };
    let version = c.version(&input.version);
    c.done((pool, version))
}

/// The pool may change until the result is final: after that the money is what was decided.
pub fn ensure_pool_editable(stage: Stage) -> Result<(), String> {
    if stage >= Stage::Final {
        Err(format!(
            "'{}' 단계에서는 포상금 총액을 바꿀 수 없습니다. 총액은 결과가 확정되기 전에 정합니다.",
            stage.label_ko()
        ))
    } else {
        Ok(())
    }
}

/// An excellent task as stored: its grade and score, and the agencies taking part (by id).
#[derive(Debug, Clone, PartialEq)]
pub struct ExcellentTask {
    pub task: TaskId,
    pub grade: String,
    pub score: f64,
    pub agencies: Vec<(AgencyId, String)>,
}

/// The split's input with an equal share (1) for each agency of each task.
pub fn equal_agency_parts(tasks: &[ExcellentTask]) -> Vec<PrizeTask> {
    tasks
        .iter()
        .map(|t| PrizeTask {
            task: t.task,
            grade: t.grade.clone(),
            score: t.score,
            agencies: t
                .agencies
                .iter()
                .map(|(a, name)| AgencyPart { agency: *a, agency_name: name.clone(), share: 1, people: vec![] })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reward::split::split_prizes;
    use proptest::prelude::*;

    fn input(pool: &str) -> PrizePoolInput {
        PrizePoolInput { pool_won: Some(pool.into()), version: Some("3".into()) }
    }

    #[test]
    fn the_pool_is_whole_won_within_bounds_and_editable_until_final() {
        assert_eq!(parse_prize_pool(&input("100,000,000")), Ok((100_000_000, 3)));
        for bad in ["-1", "1.5", "억", ""] {
            let e = parse_prize_pool(&input(bad)).unwrap_err();
            assert_eq!(e[0].field, "pool_won", "{bad}");
        }
        assert!(ensure_pool_editable(Stage::Objections).is_ok());
        assert!(ensure_pool_editable(Stage::Final).unwrap_err().contains("'확정' 단계"));
    }

    #[test]
    fn three_agencies_share_a_task_part_equally_and_the_won_left_over_goes_to_the_smaller_id() {
        let t = |id: i64, agencies: &[i64]| ExcellentTask {
            task: TaskId::new(id),
            grade: "S".into(),
            score: 90.0,
            agencies: agencies.iter().map(|a| (AgencyId::new(*a), format!("기관{a}"))).collect(),
        };
        // 100원 → two tasks of 50원; task 2's 50원 among three agencies: 17, 17, 16.
        let split =
            split_prizes(100, &equal_agency_parts(&[t(1, &[4, 5]), t(2, &[1, 2, 3])]), &PrizeRules::default()).unwrap();
        let amounts: Vec<(i64, i64, i64)> =
            split.lines().iter().map(|l| (l.task_id.get(), l.agency_id.get(), l.amount_won)).collect();
        assert_eq!(amounts, vec![(1, 4, 25), (1, 5, 25), (2, 1, 17), (2, 2, 17), (2, 3, 16)]);
        assert_eq!(split.paid_won(), 100);
    }

    proptest! {
        #[test]
        fn equal_agency_parts_always_add_up_to_the_pool(
            pool in 0i64..10_000_000_000,
            tasks in proptest::collection::vec(1usize..6, 1..12),
        ) {
            let tasks: Vec<ExcellentTask> = tasks.iter().enumerate().map(|(i, n)| ExcellentTask {
                task: TaskId::new(i as i64 + 1),
                grade: "S".into(),
                score: 80.0,
                agencies: (0..*n).map(|a| (AgencyId::new(a as i64 + 1), String::new())).collect(),
            }).collect();
            let split = split_prizes(pool, &equal_agency_parts(&tasks), &PrizeRules::default()).unwrap();
            prop_assert_eq!(split.paid_won(), pool);
            prop_assert_eq!(split.undistributed_won, 0);
        }
    }
}
