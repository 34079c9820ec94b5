//! An evaluation round's stages (평가 단계) and their dates.
//!
//! A round (e.g. 2024년 협업과제 평가) goes through seven stages, in this order and one step at a time:
//! 준비(setup) → 배정(assignment) → 채점(scoring) → 검토(review) → 이의신청(objections) → 확정(final)
//! → 공개(published). The one step back is from 검토 to 채점, when OPC reopens scoring (missing or
//! mistaken scores found in review); nothing goes back once objections have opened, because the
//! agencies have by then seen their provisional results.
//!
//! The schedule gives each stage the date it starts; a stage lasts until the day before the next
//! one starts. Dates may repeat (two stages may start on the same day) but never go backwards, except
//! that the objection period (이의신청 기간) must last at least one day: it runs from the objections
//! date to the day before the final date, both included, because the law asks the committee to hear
//! the evaluated agency before deciding (정부업무평가기본법 시행령 제15조③).
//!
//! The questions later layers ask:
//! - the rubric is frozen from 채점 on ([`rubric_frozen`]);
//! - an evaluator may score in 채점, and in 검토 or 이의신청 only a score OPC reopened with a reason
//!   (e.g. an upheld objection sent back to the panel) ([`may_score`]);
//! - an agency may object only while the round is in 이의신청 and the day is inside the objection
//!   period ([`may_object`]);
//! - OPC may not finalise before the objection period has ended ([`advance`]);
//! - the public sees a round once it is 공개 ([`Stage::is_published`]);
//! - nobody, OPC included, reads another evaluator's scores of a task while scoring is open
//!   ([`scores_sealed`]: up to and including 채점; a reopened score in 검토 or later is rescored
//!   knowing the rest, as OPC's reason records);
//! - the agencies see their tasks' provisional score and grade from 이의신청 on
//!   ([`agencies_see_results`]), and the names of their tasks' evaluators (never who gave which score)
//!   once the round is 공개 ([`evaluators_disclosed`]).
//!
//! The dates are OPC's plan: moving a stage early is allowed, except leaving 이의신청 before its period ends.

use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::time::korean_date;

/// 평가 단계: where a round stands. Ordered as the round runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 준비: OPC sets the rubric, the rules and the schedule.
    Setup,
    /// 배정: panels are formed and evaluators assigned.
    Assignment,
    /// 채점: evaluators score their tasks.
    Scoring,
    /// 검토: OPC reviews the aggregated, provisional result.
    Review,
    /// 이의신청: the agencies see their provisional results and may object.
    Objections,
    /// 확정: the result is final.
    Final,
    /// 공개: the result is public.
    Published,
}

impl Stage {
    pub const ALL: [Stage; 7] = [
        Stage::Setup,
        Stage::Assignment,
        Stage::Scoring,
        Stage::Review,
        Stage::Objections,
        Stage::Final,
        Stage::Published,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Setup => "setup",
            Stage::Assignment => "assignment",
            Stage::Scoring => "scoring",
            Stage::Review => "review",
            Stage::Objections => "objections",
            Stage::Final => "final",
            Stage::Published => "published",
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            Stage::Setup => "준비",
            Stage::Assignment => "배정",
            Stage::Scoring => "채점",
            Stage::Review => "검토",
            Stage::Objections => "이의신청",
            Stage::Final => "확정",
            Stage::Published => "공개",
        }
    }

    /// The stage after this one; `None` for 공개.
    pub fn next(self) -> Option<Stage> {
        Stage::ALL.get(self as usize + 1).copied()
    }

    pub fn is_published(self) -> bool {
        self == Stage::Published
    }
}

impl FromStr for Stage {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|v| v.as_str() == s).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
            format!("알 수 없는 평가 단계입니다: '{s}'. 다음 중 하나를 쓰세요: {}", names.join(", "))
        })
    }
}

/// The day each stage starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoundSchedule {
    pub setup_on: NaiveDate,
    pub assignment_on: NaiveDate,
    pub scoring_on: NaiveDate,
    pub review_on: NaiveDate,
    pub objections_on: NaiveDate,
    pub final_on: NaiveDate,
    pub published_on: NaiveDate,
}

impl RoundSchedule {
    /// The schedule from the start dates in stage order, validated.
    pub fn new(starts: [NaiveDate; 7]) -> Result<Self, RoundError> {
        let [setup_on, assignment_on, scoring_on, review_on, objections_on, final_on, published_on] = starts;
        let s = Self { setup_on, assignment_on, scoring_on, review_on, objections_on, final_on, published_on };
        s.validate()?;
        Ok(s)
    }

    /// The day `stage` starts.
    pub fn starts(&self, stage: Stage) -> NaiveDate {
        match stage {
            Stage::Setup => self.setup_on,
            Stage::Assignment => self.assignment_on,
            Stage::Scoring => self.scoring_on,
            Stage::Review => self.review_on,
            Stage::Objections => self.objections_on,
            Stage::Final => self.final_on,
            Stage::Published => self.published_on,
        }
    }

    /// The objection period, first and last day included.
    pub fn objection_period(&self) -> (NaiveDate, NaiveDate) {
        (self.objections_on, self.final_on.pred_opt().unwrap_or(self.final_on))
    }

    /// Dates in stage order, never backwards, and an objection period of at least one day.
    pub fn validate(&self) -> Result<(), RoundError> {
        for pair in Stage::ALL.windows(2) {
            let (earlier, later) = (pair[0], pair[1]);
            if self.starts(later) < self.starts(earlier) {
                return Err(RoundError::ScheduleOutOfOrder {
                    earlier,
                    later,
                    earlier_on: self.starts(earlier),
                    later_on: self.starts(later),
                });
            }
        }
        if self.final_on <= self.objections_on {
            return Err(RoundError::NoObjectionPeriod { objections_on: self.objections_on });
        }
        Ok(())
    }
}

/// Why a round's schedule or a move or a request is refused; the message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoundError {
    #[error(
        "'{}' 단계 시작일({})이 '{}' 단계 시작일({})보다 앞섭니다. 단계 순서대로 날짜를 고쳐 주세요.",
        later.label_ko(), korean_date(*later_on), earlier.label_ko(), korean_date(*earlier_on)
    )]
    ScheduleOutOfOrder { earlier: Stage, later: Stage, earlier_on: NaiveDate, later_on: NaiveDate },
    #[error(
        "이의신청 기간이 없습니다. 확정일을 이의신청 시작일({}) 다음 날 이후로 정해 주세요. 평가받는 기관의 의견을 듣는 기간입니다.",
        korean_date(*objections_on)
    )]
    NoObjectionPeriod { objections_on: NaiveDate },
    #[error("공개된 평가는 더 이상 단계가 바뀌지 않습니다.")]
    AlreadyPublished,
    #[error(
        "'{}' 단계에서 '{}' 단계로 갈 수 없습니다. 다음 단계는 '{}'입니다.",
        from.label_ko(), to.label_ko(), from.next().map_or("", Stage::label_ko)
    )]
    NotNextStage { from: Stage, to: Stage },
    #[error(
        "이의신청 기간이 {}까지입니다. 기간이 끝난 뒤에 확정해 주세요.",
        korean_date(*last_day)
    )]
    ObjectionPeriodOpen { last_day: NaiveDate },
    #[error("'{}' 단계부터는 평가표(평가항목·가중치)를 바꿀 수 없습니다. 채점이 시작되면 평가표가 고정됩니다.", stage.label_ko())]
    RubricFrozen { stage: Stage },
    #[error("지금은 '{}' 단계라 채점할 수 없습니다. 채점은 '채점' 단계에 합니다.", stage.label_ko())]
    ScoringClosed { stage: Stage },
    #[error(
        "지금은 '{}' 단계라 채점할 수 없습니다. 이 점수를 고쳐야 하면 국무조정실에 재채점(사유 기재)을 요청해 주세요.",
        stage.label_ko()
    )]
    ScoringNotReopened { stage: Stage },
    #[error("지금은 '{}' 단계라 이의신청을 받지 않습니다. 이의신청은 '이의신청' 단계에만 할 수 있습니다.", stage.label_ko())]
    ObjectionsNotOpen { stage: Stage },
    #[error(
        "{}은 이의신청 기간({} ~ {})이 아닙니다.",
        korean_date(*on), korean_date(*first_day), korean_date(*last_day)
    )]
    OutsideObjectionPeriod { on: NaiveDate, first_day: NaiveDate, last_day: NaiveDate },
}

/// OPC moves a round from `from` to `to` on `today`: one stage forward, or from 검토 back to 채점;
/// leaving 이의신청 waits for the end of the objection period.
pub fn advance(from: Stage, to: Stage, schedule: &RoundSchedule, today: NaiveDate) -> Result<Stage, RoundError> {
    if from == Stage::Published {
        return Err(RoundError::AlreadyPublished);
    }
    let reopen = from == Stage::Review && to == Stage::Scoring;
    if from.next() != Some(to) && !reopen {
        return Err(RoundError::NotNextStage { from, to });
    }
    let (_, last_day) = schedule.objection_period();
    if from == Stage::Objections && today <= last_day {
        return Err(RoundError::ObjectionPeriodOpen { last_day });
    }
    Ok(to)
}

/// Whether OPC may still edit the rubric: only before scoring starts, so every evaluator scores on
/// the same criteria and weights.
pub fn rubric_frozen(stage: Stage) -> bool {
    stage >= Stage::Scoring
}

/// Refuses a rubric edit once it is frozen.
pub fn ensure_rubric_editable(stage: Stage) -> Result<(), RoundError> {
    if rubric_frozen(stage) {
        Err(RoundError::RubricFrozen { stage })
    } else {
        Ok(())
    }
}

/// Whether an evaluator may save or submit a score now. `reopened`: OPC reopened this evaluator's
/// score of this task with a reason (rescoring after review or an upheld objection).
pub fn may_score(stage: Stage, reopened: bool) -> Result<(), RoundError> {
    match stage {
        Stage::Scoring => Ok(()),
        Stage::Review | Stage::Objections if reopened => Ok(()),
        Stage::Review | Stage::Objections => Err(RoundError::ScoringNotReopened { stage }),
        _ => Err(RoundError::ScoringClosed { stage }),
    }
}

/// Whether individual scores are sealed: while scoring is open, nobody sees another evaluator's
/// scores of a task.
pub fn scores_sealed(stage: Stage) -> bool {
    stage <= Stage::Scoring
}

/// Whether the agencies of a task see its provisional score and grade (not the individual scores).
pub fn agencies_see_results(stage: Stage) -> bool {
    stage >= Stage::Objections
}

/// Whether an evaluated agency may see the list of its tasks' evaluators, as Korean R&D evaluation
/// rules now disclose after evaluation.
pub fn evaluators_disclosed(stage: Stage) -> bool {
    stage.is_published()
}

/// Whether an agency may file an objection `on` that day.
pub fn may_object(stage: Stage, schedule: &RoundSchedule, on: NaiveDate) -> Result<(), RoundError> {
    if stage != Stage::Objections {
        return Err(RoundError::ObjectionsNotOpen { stage });
    }
    let (first_day, last_day) = schedule.objection_period();
    if on < first_day || on > last_day {
        return Err(RoundError::OutsideObjectionPeriod { on, first_day, last_day });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, m, day).unwrap()
    }

    /// 준비 10-01, 배정 10-15, 채점 11-01, 검토 11-20, 이의신청 12-01, 확정 12-08, 공개 12-15.
    fn schedule() -> RoundSchedule {
        RoundSchedule::new([d(10, 1), d(10, 15), d(11, 1), d(11, 20), d(12, 1), d(12, 8), d(12, 15)]).unwrap()
    }

    #[test]
    fn every_stage_round_trips_through_its_storage_name_and_the_next_one_follows_the_order() {
        for s in Stage::ALL {
            assert_eq!(s.as_str().parse::<Stage>(), Ok(s));
        }
        assert!("채점".parse::<Stage>().unwrap_err().contains("scoring"));
        let nexts: Vec<_> = Stage::ALL.iter().map(|s| s.next()).collect();
        assert_eq!(nexts[0], Some(Stage::Assignment));
        assert_eq!(nexts[4], Some(Stage::Final));
        assert_eq!(nexts[6], None);
    }

    #[test]
    fn a_schedule_is_in_stage_order_and_says_which_dates_are_backwards() {
        let e =
            RoundSchedule::new([d(10, 1), d(10, 15), d(10, 10), d(11, 20), d(12, 1), d(12, 8), d(12, 15)]).unwrap_err();
        assert_eq!(
            e,
            RoundError::ScheduleOutOfOrder {
                earlier: Stage::Assignment,
                later: Stage::Scoring,
                earlier_on: d(10, 15),
                later_on: d(10, 10)
            }
        );
        assert_eq!(
            e.to_string(),
            "'채점' 단계 시작일(2024. 10. 10.)이 '배정' 단계 시작일(2024. 10. 15.)보다 앞섭니다. 단계 순서대로 날짜를 고쳐 주세요."
        );
        // Two stages may start on the same day.
        assert!(RoundSchedule::new([d(10, 1), d(10, 1), d(11, 1), d(11, 20), d(12, 1), d(12, 8), d(12, 8)]).is_ok());
    }

    #[test]
    fn the_objection_period_lasts_at_least_a_day_and_ends_the_day_before_the_final_date() {
        let e =
            RoundSchedule::new([d(10, 1), d(10, 15), d(11, 1), d(11, 20), d(12, 1), d(12, 1), d(12, 15)]).unwrap_err();
        assert!(matches!(e, RoundError::NoObjectionPeriod { .. }));
        assert!(e.to_string().contains("확정일을"), "{e}");
        assert_eq!(schedule().objection_period(), (d(12, 1), d(12, 7)));
    }

    #[test]
    fn a_round_moves_one_stage_at_a_time_and_only_back_from_review_to_scoring() {
        let s = schedule();
        let today = d(12, 10);
        for pair in Stage::ALL.windows(2) {
            assert_eq!(advance(pair[0], pair[1], &s, today), Ok(pair[1]));
        }
        assert_eq!(advance(Stage::Review, Stage::Scoring, &s, today), Ok(Stage::Scoring));
        let e = advance(Stage::Scoring, Stage::Published, &s, today).unwrap_err();
        assert_eq!(e.to_string(), "'채점' 단계에서 '공개' 단계로 갈 수 없습니다. 다음 단계는 '검토'입니다.");
        assert!(advance(Stage::Objections, Stage::Scoring, &s, today).is_err());
        assert!(advance(Stage::Final, Stage::Objections, &s, today).is_err());
        assert_eq!(advance(Stage::Published, Stage::Final, &s, today), Err(RoundError::AlreadyPublished));
    }

    #[test]
    fn the_result_is_not_final_before_the_objection_period_ends() {
        let s = schedule();
        let e = advance(Stage::Objections, Stage::Final, &s, d(12, 7)).unwrap_err();
        assert_eq!(e, RoundError::ObjectionPeriodOpen { last_day: d(12, 7) });
        assert!(e.to_string().contains("2024. 12. 7.까지"), "{e}");
        assert_eq!(advance(Stage::Objections, Stage::Final, &s, d(12, 8)), Ok(Stage::Final));
    }

    #[test]
    fn the_rubric_freezes_when_scoring_starts() {
        let frozen: Vec<_> = Stage::ALL.into_iter().filter(|s| rubric_frozen(*s)).collect();
        assert_eq!(frozen[0], Stage::Scoring);
        assert_eq!(frozen.len(), 5);
        assert!(ensure_rubric_editable(Stage::Assignment).is_ok());
        assert!(ensure_rubric_editable(Stage::Scoring).unwrap_err().to_string().contains("고정"));
    }

    #[test]
    fn an_evaluator_scores_in_scoring_and_later_only_a_reopened_score() {
        assert!(may_score(Stage::Scoring, false).is_ok());
        assert!(may_score(Stage::Objections, true).is_ok());
        assert!(may_score(Stage::Review, true).is_ok());
        assert_eq!(may_score(Stage::Review, false), Err(RoundError::ScoringNotReopened { stage: Stage::Review }));
        for s in [Stage::Setup, Stage::Assignment, Stage::Final, Stage::Published] {
            assert_eq!(may_score(s, true), Err(RoundError::ScoringClosed { stage: s }), "{s:?}");
        }
    }

    #[test]
    fn an_agency_objects_only_in_the_objection_stage_and_within_its_period() {
        let s = schedule();
        assert!(may_object(Stage::Objections, &s, d(12, 1)).is_ok());
        assert!(may_object(Stage::Objections, &s, d(12, 7)).is_ok());
        let e = may_object(Stage::Objections, &s, d(12, 8)).unwrap_err();
        assert_eq!(e.to_string(), "2024. 12. 8.은 이의신청 기간(2024. 12. 1. ~ 2024. 12. 7.)이 아닙니다.");
        assert!(may_object(Stage::Objections, &s, d(11, 30)).is_err());
        assert_eq!(
            may_object(Stage::Review, &s, d(12, 2)),
            Err(RoundError::ObjectionsNotOpen { stage: Stage::Review })
        );
    }

    #[test]
    fn scores_are_sealed_until_scoring_closes_and_agencies_see_results_from_objections() {
        let sealed: Vec<_> = Stage::ALL.into_iter().filter(|s| scores_sealed(*s)).collect();
        assert_eq!(sealed, vec![Stage::Setup, Stage::Assignment, Stage::Scoring]);
        let seen: Vec<_> = Stage::ALL.into_iter().filter(|s| agencies_see_results(*s)).collect();
        assert_eq!(seen, vec![Stage::Objections, Stage::Final, Stage::Published]);
        let disclosed: Vec<_> = Stage::ALL.into_iter().filter(|s| evaluators_disclosed(*s)).collect();
        assert_eq!(disclosed, vec![Stage::Published]);
    }

    #[test]
    fn only_a_published_round_is_public() {
        let public: Vec<_> = Stage::ALL.into_iter().filter(|s| s.is_published()).collect();
        assert_eq!(public, vec![Stage::Published]);
    }
}
