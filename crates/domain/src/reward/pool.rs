//! A round's prize settings: the pool (포상금 총액), the per-person cap and the shares OPC set.
//!
//! - The pool is integer won kept in the round's settings, with [`DEFAULT_POOL_WON`] as a
//!   placeholder: the reference notes found no amount for the 2024 tasks, so OPC sets the real one.
//! - The per-person cap defaults to 30,000,000원 (`PrizeRules::default`); OPC may change it or
//!   clear it (no cap).
//! - The shares per agency and per person are `shares`' (a task OPC set nothing for is split
//!   equally among its agencies and paid to them: [`equal_agency_parts`]).
//! - All of it is one document in the round's settings, changed only with the round's version
//!   (optimistic) and only until the round is final ([`ensure_pool_editable`]). OPC sets it whole
//!   (`PUT …/prizes`) or one task's shares at a time (the page); either is audited as a change of
//!   the round.

use serde::{Deserialize, Serialize};

use super::shares::{parse_all, TaskShares, TaskSharesInput};
pub use super::split::ExcellentTask;
use super::split::{AgencyPart, PrizeRules, PrizeTask};
use crate::edit::Check;
use crate::evaluation::round::Stage;
use crate::korean::thousands;
use crate::ValidationError;

/// hanteam's placeholder pool, 100,000,000원: not an official figure.
pub const DEFAULT_POOL_WON: i64 = 100_000_000;
/// The largest pool accepted (1조원): far above any real one, and far below where sums of won overflow.
pub const MAX_POOL_WON: i64 = 1_000_000_000_000;

/// The round's prize settings, stored with its other settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrizeSettings {
    pub pool_won: i64,
    pub rules: PrizeRules,
    /// The shares OPC set, by task (rounds saved before shares existed have none).
    #[serde(default)]
    pub shares: Vec<TaskShares>,
}

impl Default for PrizeSettings {
    fn default() -> Self {
        PrizeSettings { pool_won: DEFAULT_POOL_WON, rules: PrizeRules::default(), shares: vec![] }
    }
}

/// OPC sets the round's prize settings whole (`PUT /api/v1/evaluation-rounds/{id}/prizes`), with
/// the round's version.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrizeSettingsInput {
    /// Whole won, e.g. 100000000.
    pub pool_won: Option<String>,
    /// The most one person may receive in the round, whole won (default 30000000); null or empty:
    /// no cap.
    pub person_cap_won: Option<String>,
    /// The shares of each excellent task OPC sets; a task not listed is split equally among its
    /// agencies. Null or empty: every task so.
    pub shares: Option<Vec<TaskSharesInput>>,
    pub version: Option<String>,
}

/// The settings as typed, checked on their own (the shares against the round: `shares::check_against`).
#[derive(Debug, Clone, PartialEq)]
pub struct PrizeSettingsDraft {
    pub pool_won: i64,
    pub person_cap_won: Option<i64>,
    pub shares: Vec<TaskShares>,
    pub version: i64,
}

/// The pool, the cap, the shares and the round's version.
pub fn parse_prize_settings(input: &PrizeSettingsInput) -> Result<PrizeSettingsDraft, Vec<ValidationError>> {
    let mut c = Check::default();
    let pool_won = pool(&mut c, &input.pool_won);
    let person_cap_won = person_cap(&mut c, &input.person_cap_won);
    let shares = parse_all(&mut c, input.shares.as_deref().unwrap_or_default());
    let version = c.version(&input.version);
    c.done(PrizeSettingsDraft { pool_won, person_cap_won, shares, version })
}

/// The pool and the cap alone, as the page's settings form gives them (the shares are edited task
/// by task), with the round's version.
pub fn parse_pool_and_cap(input: &PrizeSettingsInput) -> Result<(i64, Option<i64>, i64), Vec<ValidationError>> {
    let mut c = Check::default();
    let pool_won = pool(&mut c, &input.pool_won);
    let person_cap_won = person_cap(&mut c, &input.person_cap_won);
    let version = c.version(&input.version);
    c.done((pool_won, person_cap_won, version))
}

fn person_cap(c: &mut Check, raw: &Option<String>) -> Option<i64> {
    let raw = raw.as_deref().map(|s| s.trim().replace(',', "")).unwrap_or_default();
    if raw.is_empty() {
        return None;
    }
    match raw.parse::<i64>() {
        Ok(n) if (0..=MAX_POOL_WON).contains(&n) => Some(n),
        _ => {
            c.fail(
                "person_cap_won",
                format!(
                    "1인 상한은 0원에서 {}원 사이의 정수(원 단위)로 입력하거나, 상한을 두지 않으려면 비워 두세요. (입력값: '{raw}')",
                    thousands(MAX_POOL_WON as usize)
                ),
            );
            None
        }
    }
}

fn pool(c: &mut Check, raw: &Option<String>) -> i64 {
    let raw = raw.as_deref().map(|s| s.trim().replace(',', "")).unwrap_or_default();
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
    pool
}

/// The pool may change until the result is final: after that the money is what was decided.
pub fn ensure_pool_editable(stage: Stage) -> Result<(), String> {
    if stage >= Stage::Final {
        Err(format!(
            "'{}' 단계에서는 포상금 총액, 1인 상한과 배분 비율을 바꿀 수 없습니다. 이것들은 결과가 확정되기 전에 정합니다.",
            stage.label_ko()
        ))
    } else {
        Ok(())
    }
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
    use crate::{AgencyId, TaskId};
    use proptest::prelude::*;

    fn input(pool: &str, cap: Option<&str>) -> PrizeSettingsInput {
        PrizeSettingsInput {
            pool_won: Some(pool.into()),
            person_cap_won: cap.map(Into::into),
            shares: None,
            version: Some("3".into()),
        }
    }

    #[test]
    fn the_pool_and_the_cap_are_whole_won_within_bounds_and_editable_until_final() {
        let d = parse_prize_settings(&input("100,000,000", Some("30,000,000"))).unwrap();
        assert_eq!((d.pool_won, d.person_cap_won, d.version), (100_000_000, Some(30_000_000), 3));
        assert_eq!(parse_prize_settings(&input("1", Some(" "))).unwrap().person_cap_won, None, "no cap");
        assert_eq!(parse_pool_and_cap(&input("7", None)), Ok((7, None, 3)));
        for bad in ["-1", "1.5", "억", ""] {
            let e = parse_prize_settings(&input(bad, None)).unwrap_err();
            assert_eq!(e[0].field, "pool_won", "{bad}");
            if !bad.is_empty() {
                let e = parse_prize_settings(&input("1", Some(bad))).unwrap_err();
                assert_eq!(e[0].field, "person_cap_won", "{bad}");
                assert!(e[0].message.contains("비워 두세요"), "{}", e[0].message);
            }
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
