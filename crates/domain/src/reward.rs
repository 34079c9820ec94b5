//! Rewards of an evaluation round, all money in integer won (`i64`).
//!
//! - [`split`] — 포상금: the pool goes to the excellent tasks by the round's rule (equal; by grade
//!   with per-grade weights; by score), each task's part to its agencies by the shares OPC set, and an
//!   agency's part to its named people by their shares. Every division uses largest-remainder
//!   rounding: each part gets ⌊amount × share / total⌋ and the won left over go one by one to the
//!   largest remainders; equal remainders go to the smaller task id, agency id or person key first.
//!   So parts always add up exactly to what was divided.
//!   A per-person cap (default 30,000,000원, 행정업무규정 제46조의9) holds for a person's total in the
//!   round: what is over the cap goes to the others below it, first within the same agency, then
//!   within the task, in proportion to their own parts, again and again until nothing is over. What
//!   nobody can take (everyone capped) is reported per task as `undistributed_won`, never dropped.
//!   A person named in several tasks is settled task by task in id order.
//! - [`shares`] — who shares an excellent task's part: OPC's shares per agency and per person
//!   (exchangees of the task's pair, or people OPC names), checked, with the equal default.
//! - [`pay`] — the pay table per year (성과상여금·성과연봉 standard and S-grade amounts per band) with
//!   the 2024 table shipped, and 특별성과가산금 = rate (default 50%) × the band's S-grade amount,
//!   rounded down to the won (or to 10원 if the round says so). A band with no amount gives
//!   "지급표에 금액 없음", not a number.
//! - [`rating`] — the recommended individual rating of an exchangee: at least one step above the
//!   pre-exchange grade, capped at the top; OPC confirms.
//! - [`statement`] — the lines of arithmetic per person, as data a page prints.

use std::fmt;

pub mod input;
pub mod pay;
pub mod pool;
pub mod rating;
pub mod shares;
pub mod split;
pub mod statement;

pub use input::{
    parse_pay_band, parse_pay_band_choice, parse_pay_table, parse_rating, ExchangeeRatingDraft, ExchangeeRatingInput,
    PayBandChoice, PayBandChoiceInput, PayBandDraft, PayBandInput, PayTableDraft, PayTableInput,
};
pub use pay::{special_bonus, Bonus, BonusRule, PayBand, PayRow, PayTable, WonRounding};
pub use rating::{confirm_rating, recommend_rating, ConfirmedRating, GradeScale, RatingRecommendation, RatingRule};
pub use split::{
    largest_remainder, split_prizes, AgencyPart, AgencyPrize, GradeWeight, PersonPart, PersonPrize, PoolRule,
    PrizeLine, PrizeRules, PrizeSplit, PrizeTask, TaskPrize,
};
pub use statement::{bonus_statement, person_statement, Statement, StatementLine};

use crate::{AgencyId, TaskId};

/// What is wrong with the reward inputs, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RewardError {
    #[error("포상금 총액이 음수입니다({0}원). 0원 이상으로 입력하세요.")]
    NegativePool(i64),
    #[error("1인 상한이 음수입니다({0}원). 0원 이상으로 입력하거나 상한을 없애세요.")]
    NegativeCap(i64),
    #[error("우수과제가 없어 포상금을 나눌 수 없습니다. 우수과제를 먼저 정하세요.")]
    NoTasks,
    #[error("과제 {0}이(가) 두 번 있습니다. 한 번만 넣으세요.")]
    DuplicateTask(TaskId),
    #[error("등급 '{grade}'의 가중치가 없습니다(과제 {task}). 배분 규칙에 등급별 가중치를 넣으세요.")]
    MissingGradeWeight { task: TaskId, grade: String },
    #[error("과제 {task}의 점수({score})로는 가중치를 정할 수 없습니다. 0점 이상의 점수가 필요합니다.")]
    InvalidScore { task: TaskId, score: String },
    #[error("모든 과제의 배분 가중치가 0입니다. 가중치나 점수를 확인하세요.")]
    ZeroTaskWeights,
    #[error("과제 {0}에 기관별 몫이 없습니다. 참여 기관과 배분 비율을 넣으세요.")]
    NoAgencyShares(TaskId),
    #[error("과제 {task}에 기관 {agency}이(가) 두 번 있습니다. 한 번만 넣으세요.")]
    DuplicateAgency { task: TaskId, agency: AgencyId },
    #[error("과제 {task}의 기관 {agency}에 '{person}'이(가) 두 번 있습니다. 한 번만 넣으세요.")]
    DuplicatePerson { task: TaskId, agency: AgencyId, person: String },
    #[error("과제 {task}에서 '{person}'이(가) 두 기관에 있습니다. 한 과제에서는 한 기관에만 넣으세요.")]
    PersonInTwoAgencies { task: TaskId, person: String },
    #[error("과제 {0}의 기관별 배분 비율 합계가 0입니다. 한 기관 이상에 0보다 큰 비율을 주세요.")]
    ZeroAgencyShares(TaskId),
    #[error("과제 {task}의 기관 {agency} 개인별 배분 비율 합계가 0입니다. 한 사람 이상에 0보다 큰 비율을 주세요.")]
    ZeroPersonShares { task: TaskId, agency: AgencyId },
    #[error("지급률 {0}%는 쓸 수 없습니다. 0~100% 사이로 입력하세요.")]
    InvalidRate(u32),
    #[error("{band} 금액이 음수입니다({amount}원). 0원 이상으로 입력하세요.")]
    NegativePay { band: String, amount: i64 },
    #[error("등급 척도가 비어 있거나 같은 등급이 두 번 있습니다. 높은 등급부터 서로 다른 등급을 넣으세요.")]
    InvalidScale,
    #[error("등급 '{grade}'은(는) 척도({scale})에 없습니다. 척도에 있는 등급을 고르세요.")]
    UnknownGrade { grade: String, scale: String },
}

/// An amount as Korean documents write it, without the unit: 9,218,000.
pub fn won(amount: i64) -> String {
    let digits = crate::korean::thousands(amount.unsigned_abs() as usize);
    if amount < 0 {
        format!("-{digits}")
    } else {
        digits
    }
}

/// A fraction as the statements print it: 3/7.
pub(crate) struct Ratio(pub u64, pub u64);

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.0, self.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_grouped_by_thousands() {
        assert_eq!(won(9_218_000), "9,218,000");
        assert_eq!(won(-1_500), "-1,500");
        assert_eq!(won(0), "0");
    }
}
