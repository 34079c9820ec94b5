//! An evaluator's score sheet (채점표) for one task: what the evaluator types, checked against the
//! round's rubric, and its two states.
//!
//! Rules:
//! - A draft (임시 저장) may leave criteria unscored (a score of `null`, or the criterion left out),
//!   so an evaluator can save as it reads the evidence; but every score given is on a criterion of
//!   the rubric, once, and on its scale — a bad sheet is refused whole and nothing is saved.
//! - Submitting (제출) needs every criterion scored ([`submittable`]); a submitted sheet is locked
//!   until OPC reopens it with a reason.
//! - Each criterion may carry a comment of at most [`MAX_CRITERION_COMMENT`] characters, and the
//!   sheet one of at most [`MAX_SHEET_COMMENT`].
//! - A score may be sent as a number or as text (a form sends text): `4`, `4.5`, `"4.5"`.

use std::collections::HashSet;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::rubric::{check_score, CriterionScore, Rubric, ScoreError};
use crate::edit::Check;
use crate::ValidationError;

pub const MAX_CRITERION_COMMENT: usize = 1000;
pub const MAX_SHEET_COMMENT: usize = 4000;

/// 임시 저장 or 제출.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SheetStatus {
    Draft,
    Submitted,
}

impl SheetStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SheetStatus::Draft => "draft",
            SheetStatus::Submitted => "submitted",
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            SheetStatus::Draft => "임시 저장",
            SheetStatus::Submitted => "제출",
        }
    }
}

impl FromStr for SheetStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "draft" => Ok(SheetStatus::Draft),
            "submitted" => Ok(SheetStatus::Submitted),
            other => Err(format!("알 수 없는 채점표 상태입니다: '{other}'")),
        }
    }
}

/// One criterion as the evaluator sends it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CriterionScoreInput {
    /// The criterion's code in the round's rubric (e.g. `citizen_change`).
    pub code: Option<String>,
    /// 0 to the criterion's scale maximum; null leaves it unscored in a draft.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub score: Option<serde_json::Value>,
    pub comment: Option<String>,
}

/// A score sheet as the evaluator sends it (`PUT …/tasks/{task_id}/score`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoreSheetInput {
    pub scores: Option<Vec<CriterionScoreInput>>,
    /// A comment on the task as a whole.
    pub comment: Option<String>,
    /// The version read; null for the first save of the sheet.
    pub version: Option<String>,
}

/// One criterion's score as stored with its comment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SheetScore {
    pub code: String,
    pub score: f64,
    pub comment: Option<String>,
}

/// A checked sheet, ready to save as a draft.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetDraft {
    /// In the rubric's criterion order.
    pub scores: Vec<SheetScore>,
    pub comment: Option<String>,
    /// `None`: the first save.
    pub version: Option<i64>,
}

fn score_value(c: &mut Check, field: &str, name: &str, raw: &Option<serde_json::Value>) -> Option<f64> {
    match raw {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::Number(n)) => n.as_f64(),
        Some(serde_json::Value::String(s)) if s.trim().is_empty() => None,
        Some(serde_json::Value::String(s)) => match s.trim().parse::<f64>() {
            Ok(v) => Some(v),
            Err(_) => {
                c.fail(field, format!("'{name}' 항목의 점수를 숫자로 입력해 주세요. (입력값: '{s}')"));
                None
            }
        },
        Some(other) => {
            c.fail(field, format!("'{name}' 항목의 점수를 숫자로 입력해 주세요. (입력값: {other})"));
            None
        }
    }
}

/// Checks a sheet against the rubric (the module's rules); every problem at its field.
pub fn parse_sheet(rubric: &Rubric, input: &ScoreSheetInput) -> Result<SheetDraft, Vec<ValidationError>> {
    let mut c = Check::default();
    let mut seen = HashSet::new();
    let mut given: Vec<SheetScore> = Vec::new();
    for (i, s) in input.scores.iter().flatten().enumerate() {
        let code = s.code.as_deref().map(str::trim).unwrap_or_default();
        let Some(criterion) = rubric.criterion(code) else {
            let field = format!("scores[{i}].code");
            if code.is_empty() {
                c.fail(&field, format!("{}번째 점수에 평가항목 코드(code)를 적어 주세요.", i + 1));
            } else {
                c.fail(&field, ScoreError::UnknownCriterion { code: code.into() }.to_string());
            }
            continue;
        };
        let field = format!("scores.{code}");
        if !seen.insert(code.to_string()) {
            c.fail(&field, ScoreError::Duplicate { name: criterion.name_ko.clone() }.to_string());
            continue;
        }
        let comment = c.text(
            &format!("{field}.comment"),
            &format!("'{}' 항목 의견", criterion.name_ko),
            &s.comment,
            MAX_CRITERION_COMMENT,
            false,
        );
        let Some(score) = score_value(&mut c, &field, &criterion.name_ko, &s.score) else {
            if comment.is_some() {
                c.fail(&field, format!("'{}' 항목에 의견을 남기려면 점수도 입력해 주세요.", criterion.name_ko));
            }
            continue;
        };
        if let Err(e) = check_score(criterion, score) {
            c.fail(&field, e.to_string());
            continue;
        }
        given.push(SheetScore { code: criterion.code.clone(), score, comment });
    }
    let comment = c.text("comment", "종합 의견", &input.comment, MAX_SHEET_COMMENT, false);
    let given_version = input.version.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let version = given_version.map(|_| c.version(&input.version));
    // Stored in the rubric's order, whatever order they came in, so the sheet reads like the rubric.
    let order = |code: &str| rubric.criteria.iter().position(|k| k.code == code).unwrap_or(usize::MAX);
    given.sort_by_key(|s| order(&s.code));
    c.done(SheetDraft { scores: given, comment, version })
}

/// The criterion scores `evaluate` takes.
pub fn criterion_scores(scores: &[SheetScore]) -> Vec<CriterionScore> {
    scores.iter().map(|s| CriterionScore { code: s.code.clone(), score: s.score }).collect()
}

/// Whether a saved sheet may be submitted: every criterion scored, on its scale. Its weighted total
/// when it may.
pub fn submittable(rubric: &Rubric, scores: &[SheetScore]) -> Result<f64, ScoreError> {
    rubric.weighted_total(&criterion_scores(scores))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input(v: serde_json::Value) -> ScoreSheetInput {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn a_draft_may_leave_criteria_unscored_and_is_kept_in_rubric_order() {
        let r = Rubric::citizen_change_default();
        let d = parse_sheet(
            &r,
            &input(json!({"scores": [
                {"code": "collaboration", "score": "3.5"},
                {"code": "citizen_change", "score": 4, "comment": "이용 시간 단축 확인"},
                {"code": "spread", "score": null}
            ], "comment": null, "version": null})),
        )
        .unwrap();
        let codes: Vec<&str> = d.scores.iter().map(|s| s.code.as_str()).collect();
        assert_eq!(codes, vec!["citizen_change", "collaboration"]);
        assert_eq!(d.scores[1].score, 3.5);
        assert_eq!(d.scores[0].comment.as_deref(), Some("이용 시간 단축 확인"));
        assert_eq!(d.version, None);
        let e = submittable(&r, &d.scores).unwrap_err();
        assert_eq!(e.to_string(), "'목표 달성도' 항목의 점수가 없습니다. 모든 항목을 채점해 주세요.");
    }

    #[test]
    fn off_scale_unknown_duplicate_and_non_numeric_scores_are_refused_at_their_fields() {
        let r = Rubric::citizen_change_default();
        let e = parse_sheet(
            &r,
            &input(json!({"scores": [
                {"code": "citizen_change", "score": 6},
                {"code": "nope", "score": 1},
                {"code": "spread", "score": 1},
                {"code": "spread", "score": 2},
                {"code": "collaboration", "score": "많이"}
            ], "version": "x"})),
        )
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec!["scores.citizen_change", "scores[1].code", "scores.spread", "scores.collaboration", "version"]
        );
        assert_eq!(e[0].message, "'국민 체감 변화' 항목의 점수 6는 척도 밖입니다. 0~5점 사이로 주세요.");
        assert!(e[1].message.contains("평가표에 없는 항목 'nope'"), "{}", e[1].message);
    }

    #[test]
    fn a_complete_sheet_gives_its_weighted_total() {
        let r = Rubric::citizen_change_default();
        let all = json!([
            {"code": "citizen_change", "score": 5}, {"code": "collaboration", "score": 4},
            {"code": "goal_achievement", "score": 4}, {"code": "procedure_saving", "score": 3},
            {"code": "spread", "score": 2}
        ]);
        let d = parse_sheet(&r, &input(json!({"scores": all, "version": "2"}))).unwrap();
        // 40×5/5 + 25×4/5 + 20×4/5 + 10×3/5 + 5×2/5 = 40 + 20 + 16 + 6 + 2 = 84
        assert!((submittable(&r, &d.scores).unwrap() - 84.0).abs() < 1e-9);
        assert_eq!(d.version, Some(2));
    }
}
