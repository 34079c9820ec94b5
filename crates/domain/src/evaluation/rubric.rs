//! The rubric (평가표): the criteria a task is scored on, each with a weight, a scale and level
//! descriptions, and an evaluator's weighted total.
//!
//! Rules:
//! - A rubric has at least one criterion; codes are unique and non-empty (they key the scores), names
//!   are non-empty, every weight is a whole percent above 0, and the weights add up to exactly 100.
//! - A criterion is scored from 0 to its scale maximum (e.g. 5 or 100); a score may have decimals.
//!   Its level descriptions (척도 설명) anchor points of that scale and must lie on it.
//! - An evaluator's weighted total = Σ weight × score ÷ scale maximum, so it lies on 0–100 whatever
//!   the scales. Example: 4/5 on a 45 % criterion and 80/100 on a 55 % one → 45×0.8 + 55×0.8 = 80.
//! - Every criterion must be scored exactly once; an unknown code is refused.
//!
//! Two presets ([`RubricPreset`]): a default centred on the change citizens can feel (국민이 체감하는
//! 변화), which is hanteam's suggestion for OPC to edit, not an official rubric; and the 2024
//! main-policy weights of the government performance evaluation (정책효과 45 / 목표달성도 30 / 이행노력
//! 15 / 국민만족도 10), with their source. OPC edits either before scoring starts (see `round`).

use std::collections::HashSet;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The longest criterion code, name and description.
pub const MAX_CODE: usize = 40;
pub const MAX_NAME: usize = 100;
pub const MAX_DESCRIPTION: usize = 2000;

/// One point of a criterion's scale described in words (e.g. 5 = 매우 우수: …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Level {
    pub score: u32,
    /// 매우 우수, 우수 …
    pub label_ko: String,
    pub description_ko: String,
}

/// 평가항목: one criterion of a rubric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Criterion {
    /// Stable key the scores refer to, e.g. `citizen_change`.
    pub code: String,
    pub name_ko: String,
    /// What the evaluator looks at.
    pub description_ko: String,
    /// 가중치, whole percent; a rubric's weights add up to 100.
    pub weight_pct: u32,
    /// The highest score (e.g. 5 or 100); scores run from 0 to it.
    pub scale_max: u32,
    pub levels: Vec<Level>,
}

/// 평가표: a round's criteria.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rubric {
    pub name_ko: String,
    pub description_ko: String,
    /// Where the weights come from, when they come from a document.
    pub source: Option<String>,
    pub criteria: Vec<Criterion>,
}

/// The presets OPC starts a rubric from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RubricPreset {
    /// hanteam's default centred on 국민이 체감하는 변화: a starting point for OPC to edit.
    CitizenChange,
    /// 2024년도 정부업무평가 주요정책 부문 weights.
    MainPolicy2024,
}

impl RubricPreset {
    pub const ALL: [RubricPreset; 2] = [RubricPreset::CitizenChange, RubricPreset::MainPolicy2024];

    pub fn as_str(self) -> &'static str {
        match self {
            RubricPreset::CitizenChange => "citizen_change",
            RubricPreset::MainPolicy2024 => "main_policy_2024",
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            RubricPreset::CitizenChange => "기본 평가표(국민 체감 변화 중심, 수정용 예시)",
            RubricPreset::MainPolicy2024 => "2024년 정부업무평가 주요정책 가중치",
        }
    }

    pub fn rubric(self) -> Rubric {
        match self {
            RubricPreset::CitizenChange => Rubric::citizen_change_default(),
            RubricPreset::MainPolicy2024 => Rubric::main_policy_2024(),
        }
    }
}

impl FromStr for RubricPreset {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|v| v.as_str() == s).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
            format!("알 수 없는 평가표 기본값입니다: '{s}'. 다음 중 하나를 쓰세요: {}", names.join(", "))
        })
    }
}

/// The five-point levels both presets use (0 = 실적 없음 is allowed as a score but not described).
fn five_levels() -> Vec<Level> {
    [
        (5, "매우 우수", "목표를 넘어선 성과가 근거로 확인됨"),
        (4, "우수", "목표한 성과가 근거로 확인됨"),
        (3, "보통", "성과가 일부 확인되나 목표에 못 미침"),
        (2, "미흡", "성과가 거의 확인되지 않음"),
        (1, "매우 미흡", "추진 실적이 없거나 근거가 없음"),
    ]
    .into_iter()
    .map(|(score, label, text)| Level { score, label_ko: label.into(), description_ko: text.into() })
    .collect()
}

fn criterion(code: &str, name: &str, description: &str, weight_pct: u32, scale_max: u32) -> Criterion {
    Criterion {
        code: code.into(),
        name_ko: name.into(),
        description_ko: description.into(),
        weight_pct,
        scale_max,
        levels: if scale_max == 5 { five_levels() } else { vec![] },
    }
}

impl Rubric {
    /// hanteam's default: the release's yardstick, the change citizens can feel, weighs most.
    /// The criteria and weights are a suggestion for OPC to edit, not an official rubric.
    pub fn citizen_change_default() -> Rubric {
        Rubric {
            name_ko: "기본 평가표(국민 체감 변화 중심)".into(),
            description_ko: "hanteam이 제안하는 기본값입니다. 공식 평가표가 아니므로 국무조정실이 평가 라운드마다 \
                             항목과 가중치를 고쳐 쓰세요. 보도자료가 밝힌 평가 기준인 '국민이 체감하는 변화'에 \
                             가장 큰 가중치를 두었습니다."
                .into(),
            source: None,
            criteria: vec![
                criterion(
                    "citizen_change",
                    "국민 체감 변화",
                    "국민이 일상에서 느끼는 변화(시간·비용 절감, 편의, 안전)가 구체적으로 나타났는가",
                    40,
                    5,
                ),
                criterion(
                    "collaboration",
                    "협업의 실질성",
                    "참여 기관이 역할을 나누어 함께 추진했고, 칸막이·갈등이 실제로 해소되었는가",
                    25,
                    5,
                ),
                criterion("goal_achievement", "목표 달성도", "성과지표와 추진일정을 계획대로 달성했는가", 20, 5),
                criterion("procedure_saving", "절차 개선", "행정절차 소요기간 단축 등 제도·절차가 개선되었는가", 10, 5),
                criterion("spread", "확산 가능성", "성과가 다른 기관·분야로 이어질 수 있는가", 5, 5),
            ],
        }
    }

    /// The weights of the 2024 main-policy sector. The source gives the weights only: the 100-point
    /// scale and the descriptions are hanteam's, for OPC to set.
    pub fn main_policy_2024() -> Rubric {
        Rubric {
            name_ko: "2024년 정부업무평가 주요정책 가중치".into(),
            description_ko: "2024년도 정부업무평가 주요정책 부문의 지표별 가중치입니다(2023년: 40/25/25/10). \
                             가중치만 출처에서 왔고 100점 척도와 항목 설명은 예시이므로 국무조정실이 정해 주세요."
                .into(),
            source: Some("2024년도 정부업무평가 시행계획 (국무회의 보고, 2024-04-11)".into()),
            criteria: vec![
                criterion("policy_effect", "정책효과", "정책이 의도한 효과가 나타났는가", 45, 100),
                criterion("goal_achievement", "목표달성도", "성과지표의 목표를 달성했는가", 30, 100),
                criterion("implementation_effort", "이행노력", "계획한 과제를 충실히 이행했는가", 15, 100),
                criterion("citizen_satisfaction", "국민만족도", "정책에 대한 국민 만족도", 10, 100),
            ],
        }
    }

    /// The criterion with `code`.
    pub fn criterion(&self, code: &str) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.code == code)
    }

    /// The rules of the module's header; the first problem found, in criterion order.
    pub fn validate(&self) -> Result<(), RubricError> {
        if self.name_ko.trim().is_empty() {
            return Err(RubricError::NoName);
        }
        if self.criteria.is_empty() {
            return Err(RubricError::NoCriteria);
        }
        let mut codes = HashSet::new();
        for (i, c) in self.criteria.iter().enumerate() {
            let at = i + 1;
            let code = c.code.trim();
            if code.is_empty() || code.chars().count() > MAX_CODE {
                return Err(RubricError::BadCode { at });
            }
            if !codes.insert(code) {
                return Err(RubricError::DuplicateCode { code: code.into() });
            }
            let name = c.name_ko.trim();
            if name.is_empty() || name.chars().count() > MAX_NAME {
                return Err(RubricError::BadName { at });
            }
            if c.description_ko.chars().count() > MAX_DESCRIPTION {
                return Err(RubricError::DescriptionTooLong { name: name.into() });
            }
            if c.weight_pct == 0 {
                return Err(RubricError::ZeroWeight { name: name.into() });
            }
            if c.scale_max == 0 {
                return Err(RubricError::ZeroScale { name: name.into() });
            }
            if let Some(l) = c.levels.iter().find(|l| l.score > c.scale_max) {
                return Err(RubricError::LevelOffScale { name: name.into(), score: l.score, scale_max: c.scale_max });
            }
            if let Some(l) = c.levels.iter().find(|l| l.label_ko.trim().is_empty()) {
                return Err(RubricError::UnlabelledLevel { name: name.into(), score: l.score });
            }
            let mut seen = HashSet::new();
            if let Some(l) = c.levels.iter().find(|l| !seen.insert(l.score)) {
                return Err(RubricError::DuplicateLevel { name: name.into(), score: l.score });
            }
        }
        let total: u64 = self.criteria.iter().map(|c| u64::from(c.weight_pct)).sum();
        if total != 100 {
            return Err(RubricError::WeightsNot100 { total });
        }
        Ok(())
    }

    /// An evaluator's weighted total on 0–100 from their criterion scores (each criterion once).
    pub fn weighted_total(&self, scores: &[CriterionScore]) -> Result<f64, ScoreError> {
        for s in scores {
            if self.criterion(&s.code).is_none() {
                return Err(ScoreError::UnknownCriterion { code: s.code.clone() });
            }
        }
        let mut total = 0.0;
        for c in &self.criteria {
            let mut given = scores.iter().filter(|s| s.code == c.code);
            let score = given.next().ok_or_else(|| ScoreError::Missing { name: c.name_ko.clone() })?.score;
            if given.next().is_some() {
                return Err(ScoreError::Duplicate { name: c.name_ko.clone() });
            }
            check_score(c, score)?;
            total += f64::from(c.weight_pct) * score / f64::from(c.scale_max);
        }
        Ok(total)
    }
}

/// One criterion's score as an evaluator enters it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CriterionScore {
    pub code: String,
    pub score: f64,
}

impl CriterionScore {
    pub fn new(code: &str, score: f64) -> Self {
        Self { code: code.into(), score }
    }
}

/// A score on a criterion's scale, or why not (for a draft saved one criterion at a time).
pub fn check_score(c: &Criterion, score: f64) -> Result<(), ScoreError> {
    if !score.is_finite() || score < 0.0 || score > f64::from(c.scale_max) {
        return Err(ScoreError::OffScale { name: c.name_ko.clone(), score, scale_max: c.scale_max });
    }
    Ok(())
}

/// A rubric OPC may not save as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RubricError {
    #[error("평가표 이름을 적어 주세요.")]
    NoName,
    #[error("평가항목이 없습니다. 항목을 하나 이상 넣어 주세요.")]
    NoCriteria,
    #[error("{at}번째 평가항목의 코드를 {MAX_CODE}자 이내로 적어 주세요. 점수를 이 코드로 찾습니다.")]
    BadCode { at: usize },
    #[error("평가항목 코드 '{code}'가 두 번 나옵니다. 항목마다 다른 코드를 써 주세요.")]
    DuplicateCode { code: String },
    #[error("{at}번째 평가항목의 이름을 {MAX_NAME}자 이내로 적어 주세요.")]
    BadName { at: usize },
    #[error("'{name}' 항목의 설명을 {MAX_DESCRIPTION}자 이내로 줄여 주세요.")]
    DescriptionTooLong { name: String },
    #[error("'{name}' 항목의 가중치가 0입니다. 1 이상으로 정하거나 항목을 빼 주세요.")]
    ZeroWeight { name: String },
    #[error("'{name}' 항목의 만점이 0입니다. 5점이나 100점처럼 1 이상으로 정해 주세요.")]
    ZeroScale { name: String },
    #[error(
        "'{name}' 항목의 척도 설명 {score}점이 만점 {scale_max}점을 넘습니다. 0~{scale_max}점 안에서 설명해 주세요."
    )]
    LevelOffScale { name: String, score: u32, scale_max: u32 },
    #[error("'{name}' 항목의 {score}점 설명에 이름(예: 우수)을 적어 주세요.")]
    UnlabelledLevel { name: String, score: u32 },
    #[error("'{name}' 항목에 {score}점 설명이 두 번 있습니다. 하나만 남겨 주세요.")]
    DuplicateLevel { name: String, score: u32 },
    #[error("가중치 합계가 {total}입니다. 합계가 100이 되도록 고쳐 주세요.")]
    WeightsNot100 { total: u64 },
}

/// An evaluator's score sheet that does not fit the rubric.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScoreError {
    #[error("'{name}' 항목의 점수가 없습니다. 모든 항목을 채점해 주세요.")]
    Missing { name: String },
    #[error("'{name}' 항목의 점수가 두 번 들어왔습니다. 하나만 보내 주세요.")]
    Duplicate { name: String },
    #[error("평가표에 없는 항목 '{code}'의 점수입니다. 평가표의 항목만 채점해 주세요.")]
    UnknownCriterion { code: String },
    #[error("'{name}' 항목의 점수 {score}는 척도 밖입니다. 0~{scale_max}점 사이로 주세요.")]
    OffScale { name: String, score: f64, scale_max: u32 },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_presets_are_valid_and_say_what_they_are() {
        for p in RubricPreset::ALL {
            assert_eq!(p.rubric().validate(), Ok(()), "{p:?}");
            assert_eq!(p.as_str().parse::<RubricPreset>(), Ok(p));
        }
        let default = Rubric::citizen_change_default();
        assert!(default.description_ko.contains("공식 평가표가 아니므로"));
        assert_eq!(default.criteria[0].code, "citizen_change");
        assert!(default.criteria.iter().all(|c| c.weight_pct <= default.criteria[0].weight_pct));
    }

    #[test]
    fn the_2024_main_policy_preset_carries_its_weights_and_source() {
        let r = Rubric::main_policy_2024();
        let weights: Vec<_> = r.criteria.iter().map(|c| (c.name_ko.as_str(), c.weight_pct)).collect();
        assert_eq!(weights, vec![("정책효과", 45), ("목표달성도", 30), ("이행노력", 15), ("국민만족도", 10)]);
        assert_eq!(r.source.as_deref(), Some("2024년도 정부업무평가 시행계획 (국무회의 보고, 2024-04-11)"));
    }

    #[test]
    fn weights_must_add_up_to_exactly_100() {
        let mut r = Rubric::main_policy_2024();
        r.criteria[3].weight_pct = 11;
        let e = r.validate().unwrap_err();
        assert_eq!(e, RubricError::WeightsNot100 { total: 101 });
        assert_eq!(e.to_string(), "가중치 합계가 101입니다. 합계가 100이 되도록 고쳐 주세요.");
        r.criteria[3].weight_pct = 0;
        r.criteria[0].weight_pct = 55;
        assert_eq!(r.validate(), Err(RubricError::ZeroWeight { name: "국민만족도".into() }));
    }

    #[test]
    fn codes_are_unique_names_present_and_levels_on_the_scale() {
        let mut r = Rubric::main_policy_2024();
        r.criteria[1].code = "policy_effect".into();
        assert_eq!(r.validate(), Err(RubricError::DuplicateCode { code: "policy_effect".into() }));

        let mut r = Rubric::main_policy_2024();
        r.criteria[2].name_ko = "  ".into();
        assert_eq!(r.validate(), Err(RubricError::BadName { at: 3 }));

        let mut r = Rubric::main_policy_2024();
        r.criteria[0].code = String::new();
        assert_eq!(r.validate(), Err(RubricError::BadCode { at: 1 }));

        let mut r = Rubric::citizen_change_default();
        r.criteria[0].levels[0].score = 6;
        assert!(matches!(r.validate(), Err(RubricError::LevelOffScale { score: 6, scale_max: 5, .. })));
        r.criteria[0].levels[0].score = 4;
        assert!(matches!(r.validate(), Err(RubricError::DuplicateLevel { score: 4, .. })));
        r.criteria[0].levels[0].score = 5;
        r.criteria[0].levels[1].label_ko = " ".into();
        assert_eq!(r.validate(), Err(RubricError::UnlabelledLevel { name: "국민 체감 변화".into(), score: 4 }));

        let mut r = Rubric::main_policy_2024();
        r.criteria.clear();
        assert_eq!(r.validate(), Err(RubricError::NoCriteria));
    }

    #[test]
    fn the_weighted_total_is_on_100_whatever_the_scales() {
        // 45 % on 5 points, 55 % on 100 points: 45 × 4/5 + 55 × 80/100 = 36 + 44 = 80.
        let r = Rubric {
            name_ko: "혼합 척도".into(),
            description_ko: String::new(),
            source: None,
            criteria: vec![criterion("a", "가", "", 45, 5), criterion("b", "나", "", 55, 100)],
        };
        assert_eq!(r.validate(), Ok(()));
        let total = r.weighted_total(&[CriterionScore::new("b", 80.0), CriterionScore::new("a", 4.0)]).unwrap();
        assert!((total - 80.0).abs() < 1e-9, "{total}");

        // 2024 weights: 45×0.9 + 30×0.8 + 15×0.7 + 10×0.6 = 40.5 + 24 + 10.5 + 6 = 81.
        let r = Rubric::main_policy_2024();
        let sheet: Vec<_> = [
            ("policy_effect", 90.0),
            ("goal_achievement", 80.0),
            ("implementation_effort", 70.0),
            ("citizen_satisfaction", 60.0),
        ]
        .into_iter()
        .map(|(c, s)| CriterionScore::new(c, s))
        .collect();
        assert!((r.weighted_total(&sheet).unwrap() - 81.0).abs() < 1e-9);
        // Full marks everywhere is 100; nothing is 0.
        let full: Vec<_> = r.criteria.iter().map(|c| CriterionScore::new(&c.code, f64::from(c.scale_max))).collect();
        assert!((r.weighted_total(&full).unwrap() - 100.0).abs() < 1e-9);
    }

    #[test]
    fn a_score_sheet_scores_every_criterion_once_and_on_its_scale() {
        let r = Rubric::main_policy_2024();
        let mut sheet: Vec<_> = r.criteria.iter().map(|c| CriterionScore::new(&c.code, 50.0)).collect();
        assert!(r.weighted_total(&sheet).is_ok());

        sheet[0].score = 100.5;
        let e = r.weighted_total(&sheet).unwrap_err();
        assert_eq!(e.to_string(), "'정책효과' 항목의 점수 100.5는 척도 밖입니다. 0~100점 사이로 주세요.");
        sheet[0].score = f64::NAN;
        assert!(matches!(r.weighted_total(&sheet), Err(ScoreError::OffScale { .. })));
        sheet[0].score = -1.0;
        assert!(matches!(r.weighted_total(&sheet), Err(ScoreError::OffScale { .. })));
        sheet[0].score = 50.0;

        let missing = &sheet[1..];
        assert_eq!(r.weighted_total(missing), Err(ScoreError::Missing { name: "정책효과".into() }));

        let mut twice = sheet.clone();
        twice.push(CriterionScore::new("citizen_satisfaction", 10.0));
        assert_eq!(r.weighted_total(&twice), Err(ScoreError::Duplicate { name: "국민만족도".into() }));

        let mut unknown = sheet.clone();
        unknown.push(CriterionScore::new("luck", 1.0));
        assert_eq!(r.weighted_total(&unknown), Err(ScoreError::UnknownCriterion { code: "luck".into() }));
    }
}
