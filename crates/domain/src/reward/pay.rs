//! The pay table per year and the special performance bonus (특별성과가산금).
//!
//! The bonus is `rate_pct`% (default 50%, "S 등급의 50% 가산") of the S-grade amount of the person's
//! band in the year's table, rounded down to the won ([`WonRounding::Won`], default) or to 10원.
//! A band the table has no S-grade amount for gives no number: "지급표에 금액 없음", until OPC enters
//! it. The 2024 table ships with the amounts of 인사혁신처's announcement; bands it does not cover
//! (국장급/고위공무원, 8·9급) are left empty.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{won, RewardError};
use crate::PositionLevel;

/// A pay band of the performance-pay tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PayBand {
    /// 국장급 / 고위공무원 (성과연봉, 별표 41)
    SeniorExecutive,
    /// 과장급(4급)
    Director,
    Grade5,
    Grade6,
    Grade7,
    Grade8,
    Grade9,
}

impl PayBand {
    pub const ALL: [PayBand; 7] = [
        PayBand::SeniorExecutive,
        PayBand::Director,
        PayBand::Grade5,
        PayBand::Grade6,
        PayBand::Grade7,
        PayBand::Grade8,
        PayBand::Grade9,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PayBand::SeniorExecutive => "senior_executive",
            PayBand::Director => "director",
            PayBand::Grade5 => "grade5",
            PayBand::Grade6 => "grade6",
            PayBand::Grade7 => "grade7",
            PayBand::Grade8 => "grade8",
            PayBand::Grade9 => "grade9",
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            PayBand::SeniorExecutive => "국장급(고위공무원)",
            PayBand::Director => "과장급(4급)",
            PayBand::Grade5 => "5급",
            PayBand::Grade6 => "6급",
            PayBand::Grade7 => "7급",
            PayBand::Grade8 => "8급",
            PayBand::Grade9 => "9급",
        }
    }

    /// The band of an exchange position's rank.
    pub fn of_position(level: PositionLevel) -> PayBand {
        match level {
            PositionLevel::DirectorGeneral => PayBand::SeniorExecutive,
            PositionLevel::Director => PayBand::Director,
        }
    }
}

impl FromStr for PayBand {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|b| b.as_str() == s).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|b| b.as_str()).collect();
            format!("알 수 없는 보수 등급입니다: '{s}'. 다음 중 하나를 쓰세요: {}", names.join(", "))
        })
    }
}

/// One band's amounts for the year; `None` where the table has no figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayRow {
    pub band: PayBand,
    /// 표준 (standard) amount.
    pub standard_won: Option<i64>,
    /// 최상위(S) amount.
    pub s_grade_won: Option<i64>,
}

/// A year's performance-pay table, as OPC maintains it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayTable {
    pub year: i32,
    /// Where the amounts come from, shown with the table.
    pub source: String,
    /// One row per band, in [`PayBand::ALL`] order.
    pub rows: Vec<PayRow>,
}

impl PayTable {
    /// A table with every band empty.
    pub fn empty(year: i32, source: impl Into<String>) -> Self {
        PayTable {
            year,
            source: source.into(),
            rows: PayBand::ALL.iter().map(|&band| PayRow { band, standard_won: None, s_grade_won: None }).collect(),
        }
    }

    /// The 2024 amounts (만원 in the announcement, here in won). 4급/5급 are 성과연봉, 6급/7급
    /// 성과상여금; 국장급 and 8·9급 are not in the announcement and stay empty.
    pub fn default_2024() -> Self {
        let mut t = PayTable::empty(
            2024,
            "인사혁신처 2024년 성과상여금·성과연봉 지급 기준(2023-12-29 발표), 머니S 보도 \
             m.moneys.co.kr/article/2023122913473395481 — 단위 만원을 원으로 환산",
        );
        for (band, standard, s) in [
            (PayBand::Director, 5_762_000, 9_218_000),
            (PayBand::Grade5, 4_859_000, 7_775_000),
            (PayBand::Grade6, 4_262_000, 6_684_000),
            (PayBand::Grade7, 3_624_000, 5_683_000),
        ] {
            // Every band has a row in an empty table, so these sets cannot fail.
            let _ = t.set(band, Some(standard), Some(s));
        }
        t
    }

    pub fn row(&self, band: PayBand) -> Option<&PayRow> {
        self.rows.iter().find(|r| r.band == band)
    }

    pub fn s_grade_won(&self, band: PayBand) -> Option<i64> {
        self.row(band).and_then(|r| r.s_grade_won)
    }

    /// Enters or clears a band's amounts.
    pub fn set(
        &mut self,
        band: PayBand,
        standard_won: Option<i64>,
        s_grade_won: Option<i64>,
    ) -> Result<(), RewardError> {
        for amount in [standard_won, s_grade_won].into_iter().flatten() {
            if amount < 0 {
                return Err(RewardError::NegativePay { band: band.label_ko().into(), amount });
            }
        }
        let row = PayRow { band, standard_won, s_grade_won };
        match self.rows.iter_mut().find(|r| r.band == band) {
            Some(r) => *r = row,
            None => {
                self.rows.push(row);
                self.rows.sort_by_key(|r| r.band);
            }
        }
        Ok(())
    }
}

/// The unit the bonus is rounded down to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WonRounding {
    /// 1원 미만 버림.
    #[default]
    Won,
    /// 10원 미만 버림.
    TenWon,
}

impl WonRounding {
    fn unit(self) -> i64 {
        match self {
            WonRounding::Won => 1,
            WonRounding::TenWon => 10,
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            WonRounding::Won => "1원 미만 버림",
            WonRounding::TenWon => "10원 미만 버림",
        }
    }
}

/// The round's bonus rule: data OPC edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BonusRule {
    /// Percent of the S-grade amount.
    pub rate_pct: u32,
    pub rounding: WonRounding,
}

impl Default for BonusRule {
    /// 50% of the S-grade amount (the release: "S 등급의 50% 가산"), rounded down to the won.
    fn default() -> Self {
        BonusRule { rate_pct: 50, rounding: WonRounding::Won }
    }
}

/// One exchangee's bonus: a number, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bonus {
    pub year: i32,
    pub pay_band: PayBand,
    pub rule: BonusRule,
    pub s_grade_amount_won: Option<i64>,
    pub bonus_won: Option<i64>,
    /// "50% × 9,218,000원 = 4,609,000원 (1원 미만 버림)" or "지급표에 금액 없음".
    pub note: String,
}

/// The special performance bonus for a person of `band` under `rule`, from `table`.
pub fn special_bonus(table: &PayTable, band: PayBand, rule: &BonusRule) -> Result<Bonus, RewardError> {
    if rule.rate_pct > 100 {
        return Err(RewardError::InvalidRate(rule.rate_pct));
    }
    let s = table.s_grade_won(band);
    let bonus = s.map(|s| {
        let raw = (i128::from(s) * i128::from(rule.rate_pct) / 100) as i64;
        raw - raw % rule.rounding.unit()
    });
    let note = match (s, bonus) {
        (Some(s), Some(b)) => {
            format!("{}% × {}원 = {}원 ({})", rule.rate_pct, won(s), won(b), rule.rounding.label_ko())
        }
        _ => format!("지급표에 금액 없음: {}년 지급표에 {} S등급 금액을 입력하세요", table.year, band.label_ko()),
    };
    Ok(Bonus { year: table.year, pay_band: band, rule: *rule, s_grade_amount_won: s, bonus_won: bonus, note })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_2024_table_holds_the_announced_amounts_in_won_and_leaves_the_rest_empty() {
        let t = PayTable::default_2024();
        assert_eq!(t.year, 2024);
        assert!(t.source.contains("2023-12-29"));
        let s: Vec<Option<i64>> = PayBand::ALL.iter().map(|&b| t.s_grade_won(b)).collect();
        assert_eq!(s, vec![None, Some(9_218_000), Some(7_775_000), Some(6_684_000), Some(5_683_000), None, None]);
        // 576.2만원 = 5,762,000원.
        assert_eq!(t.row(PayBand::Director).and_then(|r| r.standard_won), Some(5_762_000));
    }

    #[test]
    fn a_director_s_bonus_is_half_the_s_grade_amount() {
        // 50% × 9,218,000 = 4,609,000.
        let b = special_bonus(&PayTable::default_2024(), PayBand::Director, &BonusRule::default()).unwrap();
        assert_eq!(b.bonus_won, Some(4_609_000));
        assert_eq!(b.note, "50% × 9,218,000원 = 4,609,000원 (1원 미만 버림)");
        // 7급: 5,683,000 × 50% = 2,841,500; at 33% to 10원: 1,875,390 exactly.
        let t = PayTable::default_2024();
        let rule = BonusRule { rate_pct: 33, rounding: WonRounding::TenWon };
        assert_eq!(special_bonus(&t, PayBand::Grade7, &BonusRule::default()).unwrap().bonus_won, Some(2_841_500));
        assert_eq!(special_bonus(&t, PayBand::Grade7, &rule).unwrap().bonus_won, Some(1_875_390));
    }

    #[test]
    fn rounding_goes_down_to_the_won_or_to_ten_won() {
        let mut t = PayTable::empty(2025, "test");
        t.set(PayBand::Grade5, None, Some(1_234_567)).unwrap();
        // 1,234,567 × 50% = 617,283.5 → 617,283 (1원) or 617,280 (10원).
        let won = special_bonus(&t, PayBand::Grade5, &BonusRule::default()).unwrap();
        let ten =
            special_bonus(&t, PayBand::Grade5, &BonusRule { rounding: WonRounding::TenWon, ..Default::default() })
                .unwrap();
        assert_eq!((won.bonus_won, ten.bonus_won), (Some(617_283), Some(617_280)));
    }

    #[test]
    fn a_band_without_an_amount_says_so_instead_of_a_number() {
        let b = special_bonus(&PayTable::default_2024(), PayBand::SeniorExecutive, &BonusRule::default()).unwrap();
        assert_eq!((b.s_grade_amount_won, b.bonus_won), (None, None));
        assert!(b.note.starts_with("지급표에 금액 없음"), "{}", b.note);
        let mut t = PayTable::default_2024();
        t.set(PayBand::SeniorExecutive, None, Some(10_000_000)).unwrap();
        assert_eq!(
            special_bonus(&t, PayBand::SeniorExecutive, &BonusRule::default()).unwrap().bonus_won,
            Some(5_000_000)
        );
    }

    #[test]
    fn bad_amounts_and_rates_are_refused() {
        let mut t = PayTable::default_2024();
        assert!(t.set(PayBand::Grade6, Some(-1), None).unwrap_err().to_string().contains("6급 금액이 음수"));
        let e = special_bonus(&t, PayBand::Grade6, &BonusRule { rate_pct: 150, ..Default::default() }).unwrap_err();
        assert_eq!(e, RewardError::InvalidRate(150));
    }

    #[test]
    fn bands_round_trip_and_follow_the_position_rank() {
        for b in PayBand::ALL {
            assert_eq!(b.as_str().parse::<PayBand>(), Ok(b));
        }
        assert_eq!(PayBand::of_position(PositionLevel::Director), PayBand::Director);
        assert_eq!(PayBand::of_position(PositionLevel::DirectorGeneral), PayBand::SeniorExecutive);
    }
}
