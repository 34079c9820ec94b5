//! A stored evaluation round read in the domain's terms, for every use case of a round (the
//! round's own, scoring, objections), so none of them imports another for it.

use hanteam_domain::evaluation::round::RoundSchedule;
use hanteam_domain::evaluation::setup::RoundSettings;
use hanteam_store::evaluation::RoundRecord;

use crate::{Result, UseCaseError};

/// A round's settings as saved (rounds saved before a setting existed read its default).
pub(crate) fn settings_of(r: &RoundRecord) -> Result<RoundSettings> {
    serde_json::from_str(&r.params_json)
        .map_err(|e| UseCaseError::Internal(format!("평가 회차 {}의 설정을 읽을 수 없습니다: {e}", r.id)))
}

pub(crate) fn schedule_of(r: &RoundRecord) -> RoundSchedule {
    RoundSchedule {
        setup_on: r.setup_on,
        assignment_on: r.assignment_on,
        scoring_on: r.scoring_on,
        review_on: r.review_on,
        objections_on: r.objections_on,
        final_on: r.final_on,
        published_on: r.published_on,
    }
}
