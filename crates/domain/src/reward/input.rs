//! What OPC types to keep the pay tables and the exchangees' bands and ratings, read and checked
//! here: amounts are a positive whole number of won (written `9,218,000` or `9218000원`), the
//! S-grade amount is at least the standard one, a year is a year, a confirmation below the
//! recommendation needs a reason. Nothing is written on bad input.

use serde::{Deserialize, Serialize};

use super::{confirm_rating, recommend_rating, won, ConfirmedRating, GradeScale, PayBand, RatingRule, WonRounding};
use crate::edit::Check;
use crate::korean::{with_particle, Particle};
use crate::ValidationError;

/// The longest source line or reason.
pub const MAX_PAY_TEXT: usize = 500;
/// The largest amount a band can hold: 1,000,000,000원 (far above any performance pay).
pub const MAX_PAY_WON: i64 = 1_000_000_000;
pub const MIN_PAY_YEAR: i32 = 2000;
pub const MAX_PAY_YEAR: i32 = 2100;

/// A band's amounts as OPC enters them (`PUT /api/v1/pay-tables/{year}/bands/{band}`, the band form).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PayBandInput {
    /// 표준 금액, whole won (empty: no figure).
    pub standard_won: Option<String>,
    /// 최상위(S) 금액, whole won, at least the standard amount (empty: no figure).
    pub s_grade_won: Option<String>,
    /// Where the amounts come from.
    pub source: Option<String>,
    pub version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayBandDraft {
    pub standard_won: Option<i64>,
    pub s_grade_won: Option<i64>,
    pub source: Option<String>,
}

impl Check {
    /// A whole number of won above zero; `None` when left empty.
    fn won_amount(&mut self, field: &str, label: &str, raw: &Option<String>) -> Option<i64> {
        let s = raw.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
        let digits = s.strip_suffix('원').unwrap_or(s).trim().replace(',', "");
        match digits.parse::<i64>() {
            Ok(n) if n > 0 && n <= MAX_PAY_WON => Some(n),
            Ok(n) if n > MAX_PAY_WON => {
                self.fail(
                    field,
                    format!("{} {}원 이하로 입력해 주세요. (입력값: '{s}')", topic(label), won(MAX_PAY_WON)),
                );
                None
            }
            _ => {
                self.fail(
                    field,
                    format!("{} 1원 이상의 정수(원 단위)로 입력해 주세요. 예: 9,218,000 (입력값: '{s}')", topic(label)),
                );
                None
            }
        }
    }

    fn year(&mut self, field: &str, label: &str, raw: &Option<String>, required: bool) -> Option<i32> {
        let Some(s) = raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
            if required {
                self.fail(field, format!("{} 입력해 주세요. 예: 2025", with_particle(label, Particle::Object)));
            }
            return None;
        };
        match s.strip_suffix('년').unwrap_or(s).trim().parse::<i32>() {
            Ok(y) if (MIN_PAY_YEAR..=MAX_PAY_YEAR).contains(&y) => Some(y),
            _ => {
                self.fail(
                    field,
                    format!(
                        "{} {MIN_PAY_YEAR}~{MAX_PAY_YEAR} 사이의 연도로 입력해 주세요. 예: 2025 (입력값: '{s}')",
                        topic(label)
                    ),
                );
                None
            }
        }
    }
}

fn topic(label: &str) -> String {
    with_particle(label, Particle::Topic)
}

/// A band's new amounts and the version they are based on.
pub fn parse_pay_band(input: &PayBandInput) -> Result<(PayBandDraft, i64), Vec<ValidationError>> {
    let mut c = Check::default();
    let version = c.version(&input.version);
    let standard_won = c.won_amount("standard_won", "표준 금액", &input.standard_won);
    let s_grade_won = c.won_amount("s_grade_won", "S등급 금액", &input.s_grade_won);
    if let (Some(standard), Some(s)) = (standard_won, s_grade_won) {
        if s < standard {
            c.fail(
                "s_grade_won",
                format!(
                    "S등급 금액({}원)이 표준 금액({}원)보다 적습니다. S등급 금액은 표준 금액 이상으로 입력해 주세요.",
                    won(s),
                    won(standard)
                ),
            );
        }
    }
    let source = c.line("source", "출처", &input.source, MAX_PAY_TEXT, s_grade_won.is_some() || standard_won.is_some());
    c.done((PayBandDraft { standard_won, s_grade_won, source }, version))
}

/// A new year's table (`POST /api/v1/pay-tables`): the year, and the year it copies (empty: a
/// table with every band empty).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PayTableInput {
    /// The new table's year, e.g. 2025.
    pub year: Option<String>,
    /// The year whose amounts, source and bonus rule it starts from.
    pub copy_from: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PayTableDraft {
    pub year: i32,
    pub copy_from: Option<i32>,
}

pub fn parse_pay_table(input: &PayTableInput) -> Result<PayTableDraft, Vec<ValidationError>> {
    let mut c = Check::default();
    let year = c.year("year", "연도", &input.year, true);
    let copy_from = c.year("copy_from", "복사할 연도", &input.copy_from, false);
    if year.is_some() && year == copy_from {
        c.fail("copy_from", "같은 연도의 지급표는 복사할 수 없습니다. 다른 연도를 고르세요.");
    }
    c.done(PayTableDraft { year: year.unwrap_or_default(), copy_from })
}

/// OPC's choice of an exchangee's pay band (`PUT /api/v1/exchangees/{id}/pay-band`): empty
/// `pay_band` goes back to the band of the position's rank.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PayBandChoiceInput {
    /// senior_executive, director, grade5 … grade9; empty: the position's rank decides.
    pub pay_band: Option<String>,
    /// Why this band (required with a band).
    pub reason: Option<String>,
    /// The version of the choice being replaced; empty for a first choice.
    pub version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayBandChoice {
    /// `None`: back to the position's rank.
    pub band: Option<(PayBand, String)>,
    pub version: Option<i64>,
}

fn optional_version(c: &mut Check, raw: &Option<String>) -> Option<i64> {
    raw.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|_| c.version(raw))
}

pub fn parse_pay_band_choice(input: &PayBandChoiceInput) -> Result<PayBandChoice, Vec<ValidationError>> {
    let mut c = Check::default();
    let version = optional_version(&mut c, &input.version);
    let band = match input.pay_band.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => match raw.parse::<PayBand>() {
            Ok(b) => Some(b),
            Err(m) => {
                c.fail("pay_band", m);
                None
            }
        },
    };
    let given = input.pay_band.as_deref().is_some_and(|s| !s.trim().is_empty());
    let reason = c.text("reason", "보수 등급 지정 사유", &input.reason, MAX_PAY_TEXT, given);
    c.done(PayBandChoice { band: band.map(|b| (b, reason.unwrap_or_default())), version })
}

/// An exchangee's rating for a year (`PUT /api/v1/exchangees/{id}/ratings/{year}`): the
/// pre-exchange grade, and the grade OPC confirms (empty: only the recommendation for now).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExchangeeRatingInput {
    /// 교류 전 등급 (S, A, B, C).
    pub pre_exchange_grade: Option<String>,
    /// 확정 등급; empty: not confirmed yet.
    pub confirmed_grade: Option<String>,
    /// Required when the confirmed grade is below the recommendation.
    pub reason: Option<String>,
    /// The version of the rating being replaced; empty for a first one.
    pub version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeeRatingDraft {
    pub pre_exchange_grade: String,
    pub recommended_grade: String,
    pub recommendation: String,
    pub confirmed: Option<ConfirmedRating>,
    pub reason: Option<String>,
    pub version: Option<i64>,
}

fn grade_field(c: &mut Check, field: &str, raw: &Option<String>, scale: &GradeScale) -> Option<String> {
    let g = raw.as_deref().map(str::trim).filter(|s| !s.is_empty())?.to_uppercase();
    if scale.grades().contains(&g) {
        Some(g)
    } else {
        c.fail(field, format!("등급 '{g}'은(는) 쓸 수 없습니다. {} 중에서 고르세요.", scale.grades().join(", ")));
        None
    }
}

/// The recommendation for the pre-exchange grade (at least `rule.steps_up` above it) and OPC's
/// confirmation, if given: below the recommendation only with a reason.
pub fn parse_rating(
    input: &ExchangeeRatingInput,
    scale: &GradeScale,
    rule: &RatingRule,
) -> Result<ExchangeeRatingDraft, Vec<ValidationError>> {
    let mut c = Check::default();
    let version = optional_version(&mut c, &input.version);
    let pre = grade_field(&mut c, "pre_exchange_grade", &input.pre_exchange_grade, scale);
    if pre.is_none() && input.pre_exchange_grade.as_deref().is_none_or(|s| s.trim().is_empty()) {
        c.fail("pre_exchange_grade", "교류 전 등급을 입력해 주세요. 예: B");
    }
    let confirmed = grade_field(&mut c, "confirmed_grade", &input.confirmed_grade, scale);
    let reason = c.text("reason", "확정 사유", &input.reason, MAX_PAY_TEXT, false);
    let Some(pre) = pre else { return Err(c.done(()).err().unwrap_or_default()) };
    let rec = match recommend_rating(scale, &pre, rule) {
        Ok(r) => r,
        Err(e) => {
            c.fail("pre_exchange_grade", e.to_string());
            return Err(c.done(()).err().unwrap_or_default());
        }
    };
    let confirmed = match confirmed.map(|g| confirm_rating(scale, &rec, &g)) {
        None => None,
        Some(Ok(r)) => Some(r),
        Some(Err(e)) => {
            c.fail("confirmed_grade", e.to_string());
            None
        }
    };
    if confirmed.as_ref().is_some_and(|r| r.below_recommendation) && reason.is_none() {
        c.fail(
            "reason",
            format!("권고 등급({} 이상)보다 낮은 등급으로 확정하려면 확정 사유를 입력해 주세요.", rec.at_least),
        );
    }
    c.done(ExchangeeRatingDraft {
        pre_exchange_grade: pre,
        recommended_grade: rec.at_least.clone(),
        recommendation: rec.note,
        confirmed,
        reason,
        version,
    })
}

impl WonRounding {
    pub fn as_str(self) -> &'static str {
        match self {
            WonRounding::Won => "won",
            WonRounding::TenWon => "ten_won",
        }
    }

    /// The rounding a stored code names; the default (to the won) for anything else.
    pub fn from_code(code: &str) -> WonRounding {
        if code == "ten_won" {
            WonRounding::TenWon
        } else {
            WonRounding::Won
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    fn band(standard: &str, sg: &str) -> PayBandInput {
        PayBandInput {
            standard_won: s(standard), s_grade_won: s(sg), source: s("인사혁신처 발표"), version: s("1")
        }
    }

    #[test]
    fn amounts_are_whole_won_written_with_or_without_commas() {
        let (d, v) = parse_pay_band(&band("5,762,000", "9218000원")).unwrap();
        assert_eq!((d.standard_won, d.s_grade_won, v), (Some(5_762_000), Some(9_218_000), 1));
        let (empty, _) = parse_pay_band(&PayBandInput { version: s("2"), ..Default::default() }).unwrap();
        assert_eq!((empty.standard_won, empty.s_grade_won, empty.source), (None, None, None));
    }

    #[test]
    fn bad_amounts_name_their_field_and_say_what_to_write() {
        let fields =
            |i: &PayBandInput| -> Vec<String> { parse_pay_band(i).unwrap_err().into_iter().map(|e| e.field).collect() };
        assert_eq!(fields(&band("0", "9,218,000")), vec!["standard_won"]);
        assert_eq!(fields(&band("5,762,000", "-1")), vec!["s_grade_won"]);
        assert_eq!(fields(&band("5.5", "abc")), vec!["standard_won", "s_grade_won"]);
        let e = parse_pay_band(&band("9,218,000", "5,762,000")).unwrap_err();
        assert_eq!(e[0].field, "s_grade_won");
        assert!(e[0].message.contains("표준 금액(9,218,000원)보다 적습니다"), "{}", e[0].message);
        let e = parse_pay_band(&band("1", "x")).unwrap_err();
        assert!(e[0].message.contains("1원 이상의 정수"), "{}", e[0].message);
        let no_source = PayBandInput { source: None, ..band("1", "2") };
        assert_eq!(fields(&no_source), vec!["source"]);
        let no_version = PayBandInput { version: None, ..band("1", "2") };
        assert_eq!(fields(&no_version), vec!["version"]);
        assert_eq!(fields(&band("1", "2,000,000,000")), vec!["s_grade_won"]);
    }

    #[test]
    fn a_new_table_names_a_year_and_may_copy_another() {
        let d = parse_pay_table(&PayTableInput { year: s("2025"), copy_from: s("2024년") }).unwrap();
        assert_eq!(d, PayTableDraft { year: 2025, copy_from: Some(2024) });
        let e = parse_pay_table(&PayTableInput { year: s("25"), copy_from: None }).unwrap_err();
        assert_eq!(e[0].field, "year");
        let e = parse_pay_table(&PayTableInput { year: s("2025"), copy_from: s("2025") }).unwrap_err();
        assert_eq!(e[0].field, "copy_from");
        assert_eq!(parse_pay_table(&PayTableInput::default()).unwrap_err()[0].field, "year");
    }

    #[test]
    fn a_chosen_band_needs_a_reason_and_an_empty_one_goes_back_to_the_rank() {
        let e = parse_pay_band_choice(&PayBandChoiceInput { pay_band: s("grade5"), ..Default::default() }).unwrap_err();
        assert_eq!(e[0].field, "reason");
        let e = parse_pay_band_choice(&PayBandChoiceInput { pay_band: s("grade10"), reason: s("r"), version: None })
            .unwrap_err();
        assert_eq!(e[0].field, "pay_band");
        let ok = parse_pay_band_choice(&PayBandChoiceInput {
            pay_band: s("director"),
            reason: s("4급 보임"),
            version: s("3"),
        })
        .unwrap();
        assert_eq!(ok, PayBandChoice { band: Some((PayBand::Director, "4급 보임".into())), version: Some(3) });
        let back = parse_pay_band_choice(&PayBandChoiceInput { version: s("4"), ..Default::default() }).unwrap();
        assert_eq!(back, PayBandChoice { band: None, version: Some(4) });
    }

    #[test]
    fn a_rating_is_recommended_one_step_up_and_a_lower_confirmation_needs_a_reason() {
        let scale = GradeScale::sabc();
        let rule = RatingRule::default();
        let input = |pre: &str, conf: Option<&str>, reason: Option<&str>| ExchangeeRatingInput {
            pre_exchange_grade: s(pre),
            confirmed_grade: conf.map(String::from),
            reason: reason.map(String::from),
            version: None,
        };
        let r = parse_rating(&input("b", None, None), &scale, &rule).unwrap();
        assert_eq!((r.pre_exchange_grade.as_str(), r.recommended_grade.as_str(), r.confirmed), ("B", "A", None));
        assert!(r.recommendation.contains("A 이상 권고"), "{}", r.recommendation);
        let up = parse_rating(&input("B", Some("S"), None), &scale, &rule).unwrap();
        assert_eq!(up.confirmed, Some(ConfirmedRating { grade: "S".into(), below_recommendation: false }));
        let e = parse_rating(&input("B", Some("B"), None), &scale, &rule).unwrap_err();
        assert_eq!(e[0].field, "reason");
        assert!(e[0].message.contains("권고 등급(A 이상)보다 낮은"), "{}", e[0].message);
        let below = parse_rating(&input("B", Some("B"), Some("교류 기간 3개월")), &scale, &rule).unwrap();
        assert!(below.confirmed.unwrap().below_recommendation);
        assert_eq!(parse_rating(&input("Z", None, None), &scale, &rule).unwrap_err()[0].field, "pre_exchange_grade");
        assert_eq!(parse_rating(&input("", None, None), &scale, &rule).unwrap_err()[0].field, "pre_exchange_grade");
        assert_eq!(parse_rating(&input("B", Some("Q"), None), &scale, &rule).unwrap_err()[0].field, "confirmed_grade");
    }

    #[test]
    fn roundings_round_trip_through_their_codes() {
        for r in [WonRounding::Won, WonRounding::TenWon] {
            assert_eq!(WonRounding::from_code(r.as_str()), r);
        }
    }
}
